/* machine.c: building a PC: memory map, port bus, clock, CPU and the
 * built-in diagnostic ports, wired together. Devices join here as they are
 * written, each registering on the buses and getting its IRQ line. */
#include "vmm/machine.h"

#include "devices/chipset.h"
#include "vmm/check.h"

#include <stdio.h>
#include <stdlib.h>
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

/* Kept minimal on purpose: what a BIOS programs again at POST is left to
 * it, as after a warm reset. */
void machine_reset(struct machine *m)
{
	cpu_reset(&m->cpu);
	m->reset_requested = false;
	m->debug.exit_requested = false;
	m->debug.last_post = 0;
}

/* The master PIC's INT output is the CPU's INTR pin. */
static void machine_set_intr(void *opaque, int pin, int level)
{
	struct machine *m = opaque;
	m->cpu.intr = level != 0;
}

/* The CPU's INTA cycle goes to the PIC. */
static uint8_t machine_intr_ack(void *opaque)
{
	struct machine *m = opaque;
	return pic_intr_ack(&m->pic);
}

/* The VGA's expansion ROM BAR (--vgabios) was enabled, moved or turned
 * off. The ROM appears as host memory at the BAR's address; an address
 * over RAM, over the firmware at the top, or over anything else already
 * mapped there (phys_mem_map_ram refuses it) leaves the ROM unmapped. */
static void machine_vga_rom_moved(struct machine *m, uint32_t addr)
{
	if (addr == m->vga_rom_addr || !m->vga_rom)
		return;
	if (m->vga_rom_addr)
		phys_mem_map_ram(&m->mem, m->vga_rom_addr, m->vga_rom_size, NULL);
	m->vga_rom_addr = 0;
	uint64_t end = (uint64_t)addr + m->vga_rom_size;
	if (addr && addr >= m->mem.ram_size && end <= 0x100000000ull - (16u << 20) &&
	    phys_mem_map_ram(&m->mem, addr, m->vga_rom_size, m->vga_rom) == 0)
		m->vga_rom_addr = addr;
	mmu_flush(&m->cpu, false);
}

/* i440FX PAM registers (host bridge 0x59-0x5F): for 0xF0000-0xFFFFF (0x59
 * bits 5:4) and each 16 KiB of 0xC0000-0xEFFFF (0x5A-0x5F, low nibble
 * first), bit 0 sends reads to the RAM behind the hole and bit 1 writes.
 * Firmware like SeaBIOS copies itself into that RAM ("shadowing") and
 * keeps its variables there. A page reads RAM when its read bit is set,
 * else the firmware image (or nothing). The page table has no
 * write-to-other-place pages, so "read ROM, write RAM" drops writes and
 * "read RAM, write ROM" lets them through to the RAM. */
#define PAM_FIRST 0x59
static void machine_pam_update(struct machine *m, const uint8_t *cfg)
{
	struct phys_mem *pm = &m->mem;
	for (uint32_t pn = 0xC0; pn < 0x100; pn++) {
		uint32_t addr = pn << PHYS_PAGE_SHIFT;
		unsigned mode;
		if (addr >= 0xF0000) {
			mode = cfg[PAM_FIRST] >> 4;
		} else {
			unsigned seg = (addr - 0xC0000) >> 14;
			uint8_t r = cfg[PAM_FIRST + 1 + seg / 2];
			mode = (seg & 1) ? r >> 4 : r & 0xF;
		}
		uint8_t *host = NULL;
		uint8_t flags = 0;
		if ((mode & 1) && addr < pm->ram_size) {
			host = pm->ram + addr;
			flags = (mode & 2) ? PHYS_PAGE_WRITABLE : 0;
		} else if (pm->rom && addr >= 0x100000u - pm->rom_size) {
			host = pm->rom + (addr - (0x100000u - pm->rom_size));
		}
		if (host == pm->host[pn] && (flags & PHYS_PAGE_WRITABLE) ==
		    (pm->flags[pn] & PHYS_PAGE_WRITABLE))
			continue;
		/* Code decoded or translated from the old contents is stale. */
		if ((pm->flags[pn] & PHYS_PAGE_TRANSLATED) && pm->code_write)
			pm->code_write(pm->code_write_opaque, addr, PHYS_PAGE_SIZE);
		pm->host[pn] = host;
		pm->flags[pn] = flags;
		pm->code_gen[pn]++;
	}
	mmu_flush(&m->cpu, false);
}

static void machine_host_config_written(void *opaque, uint8_t reg, unsigned size)
{
	struct machine *m = opaque;
	if (reg + size > PAM_FIRST && reg < PAM_FIRST + 7)
		for (unsigned i = 0; i < m->pci.count; i++)
			if (m->pci.fn[i].devfn == CHIPSET_DEVFN_HOST)
				machine_pam_update(m, m->pci.fn[i].cfg);
}

/* The guest moved the VGA's BAR0 (or switched memory decoding). While
 * firmware sizes the BAR it reads as all-ones: an address whose range would
 * cover RAM or the firmware at the top of memory is not a place to map the
 * framebuffer, so it only unmaps. */
static void machine_vga_bar_moved(void *opaque, int bar, uint32_t addr)
{
	struct machine *m = opaque;
	if (bar == PCI_ROM_BAR) {
		machine_vga_rom_moved(m, addr);
		return;
	}
	if (bar != 0)
		return;
	uint64_t end = (uint64_t)addr + VGA_LFB_SIZE;
	if (addr < m->mem.ram_size || end > 0x100000000ull - (16u << 20))
		addr = 0;
	vga_map_lfb(&m->vga, &m->mem, addr);
	/* The physical map changed under any cached translation. */
	mmu_flush(&m->cpu, false);
}

/* FERR# of the x87 drives IRQ13 on a PC (used when CR0.NE is clear). */
#define FPU_IRQ 13
#define FPU_ERROR_PORT 0xF0

static void machine_fpu_ferr(void *opaque, bool level)
{
	struct machine *m = opaque;
	pic_set_irq(&m->pic, FPU_IRQ, level);
}

/* Any write to port 0xF0 acknowledges the error: IRQ13 drops and IGNNE#
 * lets the interrupted x87 instruction complete. */
static void machine_fpu_port_write(void *opaque, uint16_t port, uint8_t v)
{
	struct machine *m = opaque;
	(void)port;
	(void)v;
	pic_set_irq(&m->pic, FPU_IRQ, false);
	fpu_set_ignne(&m->cpu.fpu, true);
}

static uint8_t machine_fpu_port_read(void *opaque, uint16_t port)
{
	(void)opaque;
	(void)port;
	return 0xFF;
}

static const struct io_ops machine_fpu_port_ops = {
	.read8 = machine_fpu_port_read,
	.write8 = machine_fpu_port_write,
};

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
	uint32_t mask = any ? 0xFFFFFFFFu : ~(1u << 20);
	if (mask != m->mem.a20_mask) {
		m->mem.a20_mask = mask;
		/* Cached translations point at the old physical pages. */
		mmu_flush(&m->cpu, false);
	}
}

/* machine_set_a20 in the shape device callbacks take: the keyboard
 * controller's output port and port 0x92 are separate sources. */
static void machine_kbc_a20(void *opaque, bool on)
{
	machine_set_a20(opaque, A20_KBC, on);
}

static void machine_port92_a20(void *opaque, bool on)
{
	machine_set_a20(opaque, A20_PORT92, on);
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
	m->io.log = cfg->io_log;
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
	m->engine = cfg->engine;
	if (cfg->engine != MACHINE_ENGINE_INTERP) {
		/* The translator watches code pages itself (finer than the
		 * decoded-instruction cache's per-page generations), and the
		 * interpreter decodes afresh what it runs in its stead. */
		m->tr = calloc(1, sizeof(*m->tr));
		enum tr_backend be = cfg->tr_portable ? TR_BACKEND_PORTABLE : tr_default_backend();
		if (!m->tr || tr_init(m->tr, &m->cpu, be, 0, 0) < 0) {
			free(m->tr);
			m->tr = NULL;
			snprintf(err, errlen, "cannot set up the binary translator's code cache");
			machine_free(m);
			return -1;
		}
		m->cpu.icache = NULL;
		/* A test hook (translator.h, test_corrupt): a translation made
		 * wrong on purpose, for the check engine's tests. */
		const char *corrupt = getenv("POPEK_TEST_CORRUPT_BT");
		if (corrupt && *corrupt) {
			m->tr->test_corrupt = true;
			m->tr->test_corrupt_lin = (uint32_t)strtoul(corrupt, NULL, 16);
		}
	}
	if (cfg->engine == MACHINE_ENGINE_CHECK) {
		/* The reference: the same PC under the interpreter, with
		 * nothing that reaches the host (console, serial, disk writes). */
		struct machine_config ref = *cfg;
		ref.engine = MACHINE_ENGINE_INTERP;
		ref.debugcon = NULL;
		ref.log_post = false;
		ref.post_log = NULL;
		ref.serial[0] = ref.serial[1] = "none";
		ref.snapshot = true;
		ref.disk_warn = NULL;
		ref.io_log = NULL;
		m->shadow = calloc(1, sizeof(*m->shadow));
		if (!m->shadow || machine_init(m->shadow, &ref, err, errlen) < 0) {
			free(m->shadow);
			m->shadow = NULL;
			machine_free(m);
			return -1;
		}
		if (check_init(m) < 0) {
			snprintf(err, errlen, "cannot set up the check engine: out of memory");
			machine_free(m);
			return -1;
		}
	}
	/* A20 starts enabled, as firmware leaves it and as QEMU does. */
	machine_set_a20(m, A20_KBC, true);

	if (pci_init(&m->pci, &m->io, machine_reset_callback, m) < 0 ||
	    chipset_init(&m->pci) < 0) {
		snprintf(err, errlen, "cannot set up the PCI bus");
		machine_free(m);
		return -1;
	}
	for (unsigned i = 0; i < m->pci.count; i++) {
		if (m->pci.fn[i].devfn == CHIPSET_DEVFN_HOST) {
			m->pci.fn[i].config_written = machine_host_config_written;
			m->pci.fn[i].opaque = m;
		}
	}
	m->cpu.hooks.intr_ack = machine_intr_ack;
	m->cpu.hooks.opaque = m;
	/* The x87's error output: FERR# to IRQ13 (with CR0.NE clear), and
	 * port 0xF0, where the handler clears it and asserts IGNNE#. */
	m->cpu.fpu.ferr = machine_fpu_ferr;
	m->cpu.fpu.ferr_opaque = m;
	if (io_register(&m->io, FPU_ERROR_PORT, 1, &machine_fpu_port_ops, m, "x87 error") < 0) {
		snprintf(err, errlen, "cannot register the x87 error port");
		machine_free(m);
		return -1;
	}
	if (pic_init(&m->pic, &m->io, (struct irq_line){ machine_set_intr, m, 0 }) < 0 ||
	    pit_init(&m->pit, &m->io, &m->clock, pic_irq_input(&m->pic, 0)) < 0 ||
	    sysctl_init(&m->sysctl, &m->io, &m->clock, &m->pit) < 0) {
		snprintf(err, errlen, "cannot set up the interrupt controller and timer");
		machine_free(m);
		return -1;
	}
	/* The serial ports: each backend opens first, so the UART can hook
	 * itself to it; Ctrl-A x on the terminal asks the run to stop. */
	static const uint16_t com_base[2] = {UART_COM1_BASE, UART_COM2_BASE};
	static const unsigned com_irq[2] = {UART_COM1_IRQ, UART_COM2_IRQ};
	for (int i = 0; i < 2; i++) {
		if (serial_backend_open(&m->serial[i], cfg->serial[i], i ? "--serial2" : "--serial",
					&m->clock, err, errlen) < 0) {
			machine_free(m);
			return -1;
		}
		m->serial[i].quit = machine_request_stop;
		m->serial[i].quit_opaque = m;
		if (uart_init(&m->com[i], &m->io, &m->clock, com_base[i],
			      pic_irq_input(&m->pic, com_irq[i]), &m->serial[i]) < 0) {
			snprintf(err, errlen, "cannot set up serial port COM%d", i + 1);
			machine_free(m);
			return -1;
		}
	}
	if (vga_init(&m->vga, &m->io, &m->mem, &m->clock) < 0) {
		snprintf(err, errlen, "cannot set up the VGA (out of memory?)");
		machine_free(m);
		return -1;
	}
	/* The VGA as a PCI display function (the Bochs/QEMU standard VGA IDs
	 * that Linux's bochs driver and VBE BIOSes look for), its linear
	 * framebuffer in BAR0. */
	struct pci_function *vga_fn = pci_add_function(&m->pci, MACHINE_DEVFN_VGA, "vga", 0x1234,
						       0x1111, 0x03000002);
	if (!vga_fn) {
		snprintf(err, errlen, "cannot add the VGA to the PCI bus");
		machine_free(m);
		return -1;
	}
	pci_set_bar(vga_fn, 0, VGA_LFB_SIZE, false, true, VGA_LFB_DEFAULT_BASE);
	vga_fn->cfg[PCI_COMMAND] = 0x03; /* decoding, as the LFB is mapped at power-on */
	vga_fn->bar_moved = machine_vga_bar_moved;
	vga_fn->opaque = m;
	if (cfg->vgabios) {
		if (cfg->vgabios_size == 0 || cfg->vgabios_size > MACHINE_VGABIOS_MAX) {
			snprintf(err, errlen, "VGA BIOS image is %zu bytes; it must be 1 byte to 128 KiB",
				 cfg->vgabios_size);
			machine_free(m);
			return -1;
		}
		uint32_t size = 2048;
		while (size < cfg->vgabios_size)
			size <<= 1;
		m->vga_rom = calloc(size, 1);
		if (!m->vga_rom) {
			snprintf(err, errlen, "out of memory for the VGA BIOS");
			machine_free(m);
			return -1;
		}
		memcpy(m->vga_rom, cfg->vgabios, cfg->vgabios_size);
		m->vga_rom_size = size;
		pci_set_rom(vga_fn, size);
	}
	/* IDE: a refused disk image ends the start-up. The CD-ROM drive is
	 * always there (secondary master), empty without --cdrom. */
	if (ata_init(&m->ata, &m->io, pic_irq_input(&m->pic, ATA_PRIMARY_IRQ),
		     pic_irq_input(&m->pic, ATA_SECONDARY_IRQ)) < 0) {
		snprintf(err, errlen, "cannot set up the ATA controller");
		machine_free(m);
		return -1;
	}
	if ((cfg->hda && ata_attach_disk(&m->ata, 0, 0, cfg->hda, "--hda", cfg->snapshot, err,
					 errlen) < 0) ||
	    (cfg->hdb && ata_attach_disk(&m->ata, 0, 1, cfg->hdb, "--hdb", cfg->snapshot, err,
					 errlen) < 0) ||
	    ata_attach_cdrom(&m->ata, 1, 0, cfg->cdrom, "--cdrom", err, errlen) < 0) {
		machine_free(m);
		return -1;
	}
	for (unsigned i = 0; i < 2; i++) {
		if (cfg->disk_warn && ata_write_protected(&m->ata, 0, i))
			fprintf(cfg->disk_warn,
				"popek: %s %s is read-only; the guest sees a write-protected disk\n",
				i ? "--hdb" : "--hda", i ? cfg->hdb : cfg->hda);
	}
	/* The RTC and CMOS RAM (IRQ8), the keyboard controller (IRQ1, IRQ12;
	 * A20 and reset through its output port) and port 0x92. The CMOS
	 * configuration bytes describe this board: its RAM, its hard disks and
	 * the boot order. */
	struct cmos_config cmos_cfg = {
		.ram_size = m->mem.ram_size,
		.rtc_start = cfg->rtc_base,
		.boot_order = cfg->boot_order ? cfg->boot_order : "cd",
		.hard_disks = (cfg->hda ? CMOS_HD0 : 0u) | (cfg->hdb ? CMOS_HD1 : 0u),
		.fpu = true, /* the equipment byte's x87 bit: the CPU has one (cpu/fpu_*.c) */
		.ps2_mouse = true,
	};
	if (cmos_boot_order_check(cmos_cfg.boot_order) < 0) {
		snprintf(err, errlen, "boot order '%s' is not up to three of a, c, d and n",
			 cmos_cfg.boot_order);
		machine_free(m);
		return -1;
	}
	if (cmos_init(&m->cmos, &m->io, &m->clock, pic_irq_input(&m->pic, 8), &cmos_cfg) < 0 ||
	    i8042_init(&m->kbc, &m->io, &m->clock, pic_irq_input(&m->pic, 1),
		       pic_irq_input(&m->pic, 12), machine_kbc_a20, machine_reset_callback, m) < 0 ||
	    port92_init(&m->port92, &m->io, machine_port92_a20, machine_reset_callback, m) < 0) {
		snprintf(err, errlen, "cannot set up the RTC, keyboard controller and port 0x92");
		machine_free(m);
		return -1;
	}
	/* The hypercall port popek's BIOS uses for disk transfers and to ask
	 * whether the run is headless (vmm/hypercall.h). */
	if (hypercall_init(&m->hc, &m->io, &m->mem, &m->ata, &m->cpu, cfg->headless) < 0) {
		snprintf(err, errlen, "cannot register the hypercall port");
		machine_free(m);
		return -1;
	}
	/* A kernel for direct boot: read and checked now, so bad files end
	 * the start-up; loaded when the BIOS asks (HC_BOOT_KERNEL). */
	if (cfg->kernel) {
		if (boot_open(&m->boot, cfg->kernel, cfg->initrd, cfg->append, m->mem.ram_size, err,
			      errlen) < 0) {
			machine_free(m);
			return -1;
		}
		m->hc.boot = &m->boot;
	}
	/* Devices: each device adds its initialisation above this line. On
	 * failure: snprintf(err, errlen, ...), machine_free(m), return -1. */
	return 0;
}

int machine_set_engine(struct machine *m, enum machine_engine engine)
{
	if (m->shadow || engine == MACHINE_ENGINE_CHECK)
		return (int)engine == m->engine ? 0 : -1;
	if (engine == MACHINE_ENGINE_BT && !m->tr) {
		struct translator *tr = calloc(1, sizeof(*tr));
		if (!tr || tr_init(tr, &m->cpu, tr_default_backend(), 0, 0) < 0) {
			free(tr);
			return -1;
		}
		m->tr = tr;
		m->cpu.icache = NULL;
	} else if (engine == MACHINE_ENGINE_INTERP && m->tr) {
		/* Pages go back to their old direct access (code generations
		 * bumped, so the decoded-instruction cache drops what it had). */
		tr_free(m->tr);
		free(m->tr);
		m->tr = NULL;
		m->cpu.icache = &m->icache;
		m->cpu.tr_exit = 0;
	}
	m->engine = engine;
	return 0;
}

void machine_free(struct machine *m)
{
	/* Flush the serial output and put the terminal back. */
	serial_backend_close(&m->serial[0]);
	serial_backend_close(&m->serial[1]);
	vga_free(&m->vga);
	free(m->vga_rom);
	m->vga_rom = NULL;
	/* Disk images: written sectors flushed to the host disk, locks freed. */
	ata_free(&m->ata);
	boot_free(&m->boot);
	/* Devices: each device adds its teardown (flush files, restore the
	 * terminal, free buffers) above this line; it must be safe on a device
	 * whose init never ran (the struct is zeroed). */
	check_free(m);
	if (m->shadow) {
		machine_free(m->shadow);
		free(m->shadow);
		m->shadow = NULL;
	}
	if (m->tr) {
		tr_free(m->tr);
		free(m->tr);
		m->tr = NULL;
	}
	phys_mem_free(&m->mem);
}
