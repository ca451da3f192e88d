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
#include "devices/ata.h"
#include "devices/cmos.h"
#include "devices/debug_ports.h"
#include "devices/i8042.h"
#include "devices/pci.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/port92.h"
#include "devices/serial_backend.h"
#include "devices/sysctl.h"
#include "devices/uart.h"
#include "devices/vga.h"
#include "vmm/boot.h"
#include "vmm/clock.h"
#include "vmm/hypercall.h"
#include "vmm/io_bus.h"
#include "vmm/phys_mem.h"
#include "translator/translator.h"

struct machine_config {
	uint32_t ram_mb;            /* guest RAM in MiB */
	const uint8_t *bios;        /* firmware image (64, 128 or 256 KiB) */
	size_t bios_size;
	FILE *debugcon;             /* port 0xE9 output or NULL */
	bool log_post;              /* log every POST code write to post_log */
	FILE *post_log;
	int exit_port;              /* debug-exit port, -1 for none */
	/* COM1/COM2 host ends: "stdio", "file:PATH", "none" (NULL: none). */
	const char *serial[2];
	/* ATA disk images (NULL: none). With snapshot, guest writes stay in
	 * memory and no image file is written. A read-only hard disk image is
	 * announced on disk_warn (NULL: silently). */
	const char *hda, *hdb, *cdrom;
	bool snapshot;
	FILE *disk_warn;
	int64_t rtc_base;           /* RTC start: seconds since 1970-01-01 00:00 UTC */
	const char *boot_order;     /* CMOS boot order: up to three of a, c, d, n (NULL: "cd") */
	FILE *io_log;               /* unclaimed port accesses are reported here (or NULL) */
	bool headless;              /* no window shows the screen (--headless): the
	                             * hypercall port tells the BIOS to mirror text to COM1 */
	/* The VGA's option ROM (--vgabios): offered as the VGA PCI function's
	 * expansion ROM BAR, where firmware like SeaBIOS looks for it (NULL:
	 * none; at most 128 KiB; the machine keeps its own copy). */
	const uint8_t *vgabios;
	size_t vgabios_size;
	/* Direct kernel boot (vmm/boot.h): the files are read and checked at
	 * machine_init; the BIOS asks for the kernel at the end of its POST. */
	const char *kernel, *initrd, *append; /* NULL: none */
	/* Execution engine (enum machine_engine; 0: the interpreter) and, for
	 * the translator, the portable backend instead of x86-64 code. */
	int engine;
	bool tr_portable;
	/* Device configuration: each device adds its fields above this line. */
};

/* How the CPU runs the guest: the interpreter (cpu/exec.c), the binary
 * translator (translator/), or both in lockstep on two machines, stopping
 * at the first difference (vmm/dispatch.c). */
enum machine_engine { MACHINE_ENGINE_INTERP, MACHINE_ENGINE_BT, MACHINE_ENGINE_CHECK };

/* Why machine_run() returned. */
enum machine_stop {
	MACHINE_SLICE_DONE,     /* ran the requested time; call again */
	MACHINE_DEBUG_EXIT,     /* the guest wrote the debug-exit port */
	MACHINE_HALTED,         /* HLT with nothing that can ever wake it */
	MACHINE_SHUTDOWN,       /* triple fault */
	MACHINE_INSN_LIMIT,     /* reached the instruction limit */
	MACHINE_RESET,          /* a device asked for a reset (keyboard controller, 0x92, 0xCF9) */
	MACHINE_QUIT,           /* the user asked to quit (Ctrl-A x on the serial terminal) */
	MACHINE_DIVERGED,       /* --engine check: translator and interpreter differ (reported on stderr) */
};

/* PCI slot of the VGA on bus 0 (02.0), after the chipset's 00.0 and 01.x. */
#define MACHINE_DEVFN_VGA 0x10

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
	struct pic pic;          /* 8259A pair; its output is the CPU's INTR */
	struct pit pit;          /* 8254; counter 0 on IRQ0 */
	struct sysctl sysctl;    /* port 0x61 */
	struct serial_backend serial[2]; /* host ends of COM1/COM2 */
	struct uart com[2];      /* 16550A UARTs: COM1 0x3F8 IRQ4, COM2 0x2F8 IRQ3 */
	struct vga vga;          /* VGA + Bochs VBE: ports 0x3B4-0x3DA, 0x1CE; 0xA0000; LFB */
	struct ata ata;          /* IDE: 0x1F0 IRQ14 (--hda/--hdb), 0x170 IRQ15 (CD-ROM) */
	struct cmos cmos;        /* MC146818 RTC and CMOS RAM: 0x70-0x71, IRQ8 */
	struct i8042 kbc;        /* keyboard controller, PS/2 keyboard and mouse: 0x60/0x64, IRQ1/12 */
	struct port92 port92;    /* system control port A: fast A20 and reset */
	struct hypercall hc;     /* the VMM hypercall port (0x520) for popek's BIOS */
	struct boot_image boot;  /* --kernel/--initrd/--append, loaded at HC_BOOT_KERNEL */
	uint8_t *vga_rom;        /* the VGA's option ROM, vga_rom_size bytes (power of two) */
	uint32_t vga_rom_size;
	uint32_t vga_rom_addr;   /* where its ROM BAR maps it now (0: nowhere) */
	int engine;              /* enum machine_engine */
	struct translator *tr;   /* the binary translator (NULL with the interpreter) */
	/* --engine check: a second machine built from the same configuration
	 * that the interpreter runs in lockstep with this one (its outputs
	 * unplugged), and whether the two have diverged: machine_run() then
	 * reports the difference on stderr and returns MACHINE_DIVERGED, and
	 * the frontend exits with status 8 (EXIT_ENGINES_DIFFER). */
	struct machine *shadow;
	bool diverged;
	struct check *check;     /* the lockstep's state (vmm/check.h), with shadow */
	/* Devices: each device adds its struct above this line. */
};

/* Builds a PC with `cfg`. Returns 0, or -1 with a one-line reason in err. */
int machine_init(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen);
void machine_free(struct machine *m);

/* Asks for a system reset at the end of the current instruction (the
 * keyboard controller's pulse, port 0x92 bit 0, port 0xCF9). A headless run
 * ends with EXIT_GUEST_RESET, as QEMU's -no-reboot does. */
void machine_request_reset(struct machine *m);

/* Resets the machine now, as the RESET line does: the window frontend's
 * answer to a guest's reset request or triple fault (without --no-reboot)
 * and to its reset hotkey. The CPU restarts at F000:FFF0 in its power-on
 * state (registers, x87, TLB), and the pending reset and debug-exit
 * requests and the last POST code are cleared. Not reset: RAM, the
 * devices' registers (PIC, PIT, VGA, UARTs, ATA, CMOS, i8042), the A20
 * gate and the disks; firmware sets the devices up again at POST. */
void machine_reset(struct machine *m);

/* Maximum size of a --vgabios image. */
#define MACHINE_VGABIOS_MAX (128u << 10)

/* Switches between the interpreter and the translator (x86-64 backend
 * where there is one) between two machine_run() calls, e.g. from a
 * window's hotkey. The check engine can only be chosen at machine_init().
 * Returns 0, or -1 (and nothing changes) when the translator cannot be
 * set up or the switch is not possible. */
int machine_set_engine(struct machine *m, enum machine_engine engine);

/* Sets one source of the A20 gate and updates the address mask. */
void machine_set_a20(struct machine *m, enum machine_a20_source src, bool on);

/* Runs the guest for up to `ns` nanoseconds of virtual time: the CPU runs
 * until the next device deadline, events fire, HLT skips idle time. */
enum machine_stop machine_run(struct machine *m, uint64_t ns);

/* Executes exactly one instruction (or delivers one interrupt or
 * exception) and fires the device events that are due, for the stepper.
 * A halted CPU skips virtual time to the next deadline instead. Returns
 * MACHINE_SLICE_DONE when the guest can go on, else why it cannot. */
enum machine_stop machine_step(struct machine *m);

#endif
