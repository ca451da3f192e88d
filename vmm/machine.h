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
#include "devices/pci.h"
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
	/* Device configuration: each device adds its fields above this line. */
};

/* Why machine_run() returned. */
enum machine_stop {
	MACHINE_SLICE_DONE,     /* ran the requested time; call again */
	MACHINE_DEBUG_EXIT,     /* the guest wrote the debug-exit port */
	MACHINE_HALTED,         /* HLT with nothing that can ever wake it */
	MACHINE_SHUTDOWN,       /* triple fault */
	MACHINE_INSN_LIMIT,     /* reached the instruction limit */
	MACHINE_RESET,          /* a device asked for a reset (keyboard controller, 0x92, 0xCF9) */
};

/* Sources of the A20 gate: the line is on when any of them enables it. */
enum machine_a20_source { A20_KBC, A20_PORT92, A20_SOURCES };

struct machine {
	struct cpu cpu;
	struct phys_mem mem;
	struct io_bus io;
	struct clock clock;
	struct debug_ports debug;
	struct icache icache;
	uint64_t insn_limit;    /* stop after this many instructions (0: none) */
	bool reset_requested;
	bool a20[A20_SOURCES];
	struct pci_bus pci;
	/* Devices: each device adds its struct above this line. */
};

/* Builds a PC with `cfg`. Returns 0, or -1 with a one-line reason in err. */
int machine_init(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen);
void machine_free(struct machine *m);

/* Asks for a system reset at the end of the current instruction (the
 * keyboard controller's pulse, port 0x92 bit 0, port 0xCF9). A headless run
 * ends with EXIT_GUEST_RESET, as QEMU's -no-reboot does. */
void machine_request_reset(struct machine *m);

/* Sets one source of the A20 gate and updates the address mask. */
void machine_set_a20(struct machine *m, enum machine_a20_source src, bool on);

/* Runs the guest for up to `ns` nanoseconds of virtual time: the CPU runs
 * until the next device deadline, events fire, HLT skips idle time. */
enum machine_stop machine_run(struct machine *m, uint64_t ns);

#endif
