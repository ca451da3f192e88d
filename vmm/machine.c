/* machine.c: building a PC: memory map, port bus, clock, CPU and the
 * built-in diagnostic ports, wired together. Devices join here as they are
 * written, each registering on the buses and getting its IRQ line. */
#include "vmm/machine.h"

#include "devices/chipset.h"

#include <stdio.h>
#include <string.h>

/* The debug-exit device asks the CPU to stop after the current
 * instruction. */
static void machine_request_stop(void *opaque)
{
	struct machine *m = opaque;
	m->cpu.stop = CPU_STOP_REQUEST;
}

void machine_request_reset(struct machine *m)
{
	m->reset_requested = true;
	m->cpu.stop = CPU_STOP_REQUEST;
}

/* machine_request_reset in the shape device callbacks take. */
static void machine_reset_callback(void *opaque)
{
	machine_request_reset(opaque);
}

void machine_set_a20(struct machine *m, enum machine_a20_source src, bool on)
{
	m->a20[src] = on;
	bool any = false;
	for (int i = 0; i < A20_SOURCES; i++)
		any |= m->a20[i];
	m->mem.a20_mask = any ? 0xFFFFFFFFu : ~(1u << 20);
}

int machine_init(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen)
{
	memset(m, 0, sizeof(*m));
	if (cfg->ram_mb < 1 || cfg->ram_mb > 3072) {
		snprintf(err, errlen, "RAM size %u MiB is out of range (1-3072)", cfg->ram_mb);
		return -1;
	}
	if (phys_mem_init(&m->mem, cfg->ram_mb << 20, true) < 0) {
		snprintf(err, errlen, "cannot allocate %u MiB of guest RAM", cfg->ram_mb);
		return -1;
	}
	if (phys_mem_map_bios(&m->mem, cfg->bios, (uint32_t)cfg->bios_size) < 0) {
		snprintf(err, errlen, "BIOS image is %zu bytes; it must be 64, 128 or 256 KiB",
			 cfg->bios_size);
		phys_mem_free(&m->mem);
		return -1;
	}
	io_bus_init(&m->io);
	clock_init(&m->clock);

	debug_ports_defaults(&m->debug);
	m->debug.debugcon = cfg->debugcon;
	m->debug.post_log = cfg->post_log;
	m->debug.log_post = cfg->log_post;
	m->debug.exit_port = cfg->exit_port;
	m->debug.request_stop = machine_request_stop;
	m->debug.stop_opaque = m;
	if (debug_ports_init(&m->debug, &m->io) < 0) {
		if (cfg->exit_port > 0x10000 - DEBUG_EXIT_PORT_LEN)
			snprintf(err, errlen,
				 "debug-exit port 0x%x is out of range (it takes %d ports, up to 0x%x)",
				 (unsigned)cfg->exit_port, DEBUG_EXIT_PORT_LEN,
				 0x10000 - DEBUG_EXIT_PORT_LEN);
		else
			snprintf(err, errlen, "debug-exit port 0x%x collides with another device",
				 (unsigned)cfg->exit_port);
		phys_mem_free(&m->mem);
		return -1;
	}

	cpu_init(&m->cpu, &m->mem, &m->io, &m->clock);
	m->cpu.icache = &m->icache;
	/* A20 starts enabled, as firmware leaves it and as QEMU does. */
	machine_set_a20(m, A20_KBC, true);

	if (pci_init(&m->pci, &m->io, machine_reset_callback, m) < 0 ||
	    chipset_init(&m->pci) < 0) {
		snprintf(err, errlen, "cannot set up the PCI bus");
		machine_free(m);
		return -1;
	}
	/* Devices: each device adds its initialisation above this line. On
	 * failure: snprintf(err, errlen, ...), machine_free(m), return -1. */
	return 0;
}

void machine_free(struct machine *m)
{
	/* Devices: each device adds its teardown (flush files, restore the
	 * terminal, free buffers) above this line; it must be safe on a device
	 * whose init never ran (the struct is zeroed). */
	phys_mem_free(&m->mem);
}
