/* machine.h: one emulated PC: the CPU, memory, buses, clock and devices.
 *
 * A struct machine owns everything a guest can touch; nothing in popek is
 * global, so any number of machines (a test builds a fresh one per case) can
 * exist side by side. Frontends configure a machine, then call machine_run()
 * in slices and look at why it stopped.
 */
#ifndef POPEK_VMM_MACHINE_H
#define POPEK_VMM_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "cpu/icache.h"
#include "devices/debug_ports.h"
#include "vmm/clock.h"
#include "vmm/io_bus.h"
#include "vmm/phys_mem.h"

struct machine_config {
	uint32_t ram_mb;            /* guest RAM in MiB */
	const uint8_t *bios;        /* firmware image (64, 128 or 256 KiB) */
	size_t bios_size;
	FILE *debugcon;             /* port 0xE9 output or NULL */
	bool log_post;              /* log every POST code write to post_log */
	FILE *post_log;
	int exit_port;              /* debug-exit port, -1 for none */
};

/* Why machine_run() returned. */
enum machine_stop {
	MACHINE_SLICE_DONE,     /* ran the requested time; call again */
	MACHINE_DEBUG_EXIT,     /* the guest wrote the debug-exit port */
	MACHINE_HALTED,         /* HLT with nothing that can ever wake it */
	MACHINE_SHUTDOWN,       /* triple fault */
	MACHINE_INSN_LIMIT,     /* reached the instruction limit */
};

struct machine {
	struct cpu cpu;
	struct phys_mem mem;
	struct io_bus io;
	struct clock clock;
	struct debug_ports debug;
	struct icache icache;
	uint64_t insn_limit;    /* stop after this many instructions (0: none) */
};

/* Builds a PC with `cfg`. Returns 0, or -1 with a one-line reason in err. */
int machine_init(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen);
void machine_free(struct machine *m);

/* Runs the guest for up to `ns` nanoseconds of virtual time: the CPU runs
 * until the next device deadline, events fire, HLT skips idle time. */
enum machine_stop machine_run(struct machine *m, uint64_t ns);

#endif
