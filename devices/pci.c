/* pci.c: PCI configuration mechanism #1 and configuration spaces (see
 * pci.h). Bus 0 only; an absent function reads all-ones, as the host bridge
 * answers a master abort. */
#include "devices/pci.h"

#include <string.h>

#include "vmm/io_bus.h"

#define PCI_PORT_ADDR 0xCF8
#define PCI_PORT_RESET 0xCF9
#define PCI_PORT_DATA 0xCFC
#define PCI_ENABLE 0x80000000u
#define PCI_CMD_IO 0x1
#define PCI_CMD_MEM 0x2

static struct pci_function *pci_find(struct pci_bus *bus, uint8_t devfn)
{
	for (unsigned i = 0; i < bus->count; i++)
		if (bus->fn[i].devfn == devfn)
			return &bus->fn[i];
	return NULL;
}

uint32_t pci_bar_address(const struct pci_function *f, int bar)
{
	if (bar == PCI_ROM_BAR) {
		uint32_t rom;
		memcpy(&rom, &f->cfg[PCI_ROM_ADDRESS], 4);
		bool on = f->rom_size && (rom & 1) && (f->cfg[PCI_COMMAND] & PCI_CMD_MEM);
		return on ? rom & ~0x7FFu : 0;
	}
	if (bar < 0 || bar >= PCI_NUM_BARS || !f->bar_size[bar])
		return 0;
	uint16_t cmd = (uint16_t)(f->cfg[PCI_COMMAND] | (f->cfg[PCI_COMMAND + 1] << 8));
	uint32_t v;
	memcpy(&v, &f->cfg[PCI_BAR0 + 4 * bar], 4);
	if (f->bar_io[bar])
		return (cmd & PCI_CMD_IO) ? (v & ~3u) : 0;
	return (cmd & PCI_CMD_MEM) ? (v & ~15u) : 0;
}

/* Tells the owner of every memory BAR where it decodes now. */
static void pci_notify_bars(struct pci_function *f)
{
	if (!f->bar_moved)
		return;
	for (int b = 0; b < PCI_NUM_BARS; b++)
		if (f->bar_size[b] && !f->bar_io[b])
			f->bar_moved(f->opaque, b, pci_bar_address(f, b));
	if (f->rom_size)
		f->bar_moved(f->opaque, PCI_ROM_BAR, pci_bar_address(f, PCI_ROM_BAR));
}

uint32_t pci_config_read(struct pci_bus *bus, uint8_t devfn, uint8_t reg, unsigned size)
{
	struct pci_function *f = pci_find(bus, devfn);
	if (!f)
		return size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
	uint32_t v = 0;
	for (unsigned i = 0; i < size && reg + i < 256; i++)
		v |= (uint32_t)f->cfg[reg + i] << (8 * i);
	return v;
}

void pci_config_write(struct pci_bus *bus, uint8_t devfn, uint8_t reg, uint32_t v, unsigned size)
{
	struct pci_function *f = pci_find(bus, devfn);
	if (!f)
		return;
	bool bars_changed = false;
	for (unsigned i = 0; i < size && reg + i < 256; i++) {
		unsigned r = reg + i;
		uint8_t b = (uint8_t)(v >> (8 * i));
		uint8_t old = f->cfg[r];
		f->cfg[r] = (uint8_t)((old & ~f->wmask[r]) | (b & f->wmask[r]));
		if (f->cfg[r] != old &&
		    ((r >= PCI_BAR0 && r < PCI_BAR0 + 4 * PCI_NUM_BARS) || r == PCI_COMMAND ||
		     (r >= PCI_ROM_ADDRESS && r < PCI_ROM_ADDRESS + 4)))
			bars_changed = true;
	}
	if (bars_changed)
		pci_notify_bars(f);
	if (f->config_written)
		f->config_written(f->opaque, reg, size);
}

struct pci_function *pci_add_function(struct pci_bus *bus, uint8_t devfn, const char *name,
				      uint16_t vendor, uint16_t device, uint32_t class_rev)
{
	if (bus->count >= PCI_MAX_FUNCTIONS || pci_find(bus, devfn))
		return NULL;
	struct pci_function *f = &bus->fn[bus->count++];
	memset(f, 0, sizeof(*f));
	f->devfn = devfn;
	f->name = name;
	f->cfg[PCI_VENDOR_ID] = (uint8_t)vendor;
	f->cfg[PCI_VENDOR_ID + 1] = (uint8_t)(vendor >> 8);
	f->cfg[PCI_DEVICE_ID] = (uint8_t)device;
	f->cfg[PCI_DEVICE_ID + 1] = (uint8_t)(device >> 8);
	f->cfg[PCI_REVISION] = (uint8_t)class_rev;
	f->cfg[PCI_CLASS_PROG] = (uint8_t)(class_rev >> 8);
	f->cfg[PCI_CLASS_DEVICE] = (uint8_t)(class_rev >> 16);
	f->cfg[PCI_CLASS_DEVICE + 1] = (uint8_t)(class_rev >> 24);
	/* Command: I/O, memory, bus master, parity and SERR enables, fast
	 * back-to-back; interrupt disable (bit 10). Interrupt line is free
	 * for firmware to write. */
	f->wmask[PCI_COMMAND] = 0x47;
	f->wmask[PCI_COMMAND + 1] = 0x05;
	f->wmask[PCI_INTERRUPT_LINE] = 0xFF;
	f->wmask[0x0C] = 0xFF; /* cache line size */
	f->wmask[0x0D] = 0xFF; /* latency timer */
	return f;
}

void pci_set_bar(struct pci_function *f, int bar, uint32_t size, bool io, bool prefetch,
		 uint32_t addr)
{
	if (bar < 0 || bar >= PCI_NUM_BARS)
		return;
	f->bar_size[bar] = size;
	f->bar_io[bar] = io;
	uint32_t low = io ? 1u : (prefetch ? 8u : 0u);
	uint32_t v = (addr & ~(size - 1)) | low;
	uint32_t mask = ~(size - 1) & (io ? ~3u : ~15u);
	for (int i = 0; i < 4; i++) {
		f->cfg[PCI_BAR0 + 4 * bar + i] = (uint8_t)(v >> (8 * i));
		f->wmask[PCI_BAR0 + 4 * bar + i] = (uint8_t)(mask >> (8 * i));
	}
}

void pci_set_rom(struct pci_function *f, uint32_t size)
{
	f->rom_size = size;
	uint32_t mask = ~(size - 1) | 1u;
	for (int i = 0; i < 4; i++) {
		f->cfg[PCI_ROM_ADDRESS + i] = 0;
		f->wmask[PCI_ROM_ADDRESS + i] = (uint8_t)(mask >> (8 * i));
	}
}

/* --- ports ------------------------------------------------------------------ */

/* The configuration register a data-port access reaches, or -1 when the
 * address register is disabled or names another bus. */
static int pci_target(const struct pci_bus *bus, uint16_t port, uint8_t *devfn, uint8_t *reg)
{
	uint32_t a = bus->config_address;
	if (!(a & PCI_ENABLE) || ((a >> 16) & 0xFF) != 0)
		return -1;
	*devfn = (uint8_t)(a >> 8);
	*reg = (uint8_t)((a & 0xFC) | (port & 3));
	return 0;
}

static uint32_t pci_data_read(struct pci_bus *bus, uint16_t port, unsigned size)
{
	uint8_t devfn, reg;
	if (pci_target(bus, port, &devfn, &reg) < 0)
		return size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
	return pci_config_read(bus, devfn, reg, size);
}

static void pci_data_write(struct pci_bus *bus, uint16_t port, uint32_t v, unsigned size)
{
	uint8_t devfn, reg;
	if (pci_target(bus, port, &devfn, &reg) == 0)
		pci_config_write(bus, devfn, reg, v, size);
}

static uint8_t pci_read8(void *opaque, uint16_t port)
{
	struct pci_bus *bus = opaque;
	if (port >= PCI_PORT_DATA)
		return (uint8_t)pci_data_read(bus, port, 1);
	if (port == PCI_PORT_RESET)
		return bus->reset_control;
	return (uint8_t)(bus->config_address >> (8 * (port & 3)));
}

static void pci_write8(void *opaque, uint16_t port, uint8_t v)
{
	struct pci_bus *bus = opaque;
	if (port >= PCI_PORT_DATA) {
		pci_data_write(bus, port, v, 1);
	} else if (port == PCI_PORT_RESET) {
		/* Reset control: setting RST_CPU (bit 2) resets the system. */
		bus->reset_control = v & 0x0E;
		if ((v & 4) && bus->reset)
			bus->reset(bus->reset_opaque);
	}
	/* Byte writes to 0xCF8/0xCFA/0xCFB do not reach the address register. */
}

static uint16_t pci_read16(void *opaque, uint16_t port)
{
	struct pci_bus *bus = opaque;
	if (port >= PCI_PORT_DATA)
		return (uint16_t)pci_data_read(bus, port, 2);
	return (uint16_t)(pci_read8(opaque, port) | (pci_read8(opaque, (uint16_t)(port + 1)) << 8));
}

static void pci_write16(void *opaque, uint16_t port, uint16_t v)
{
	struct pci_bus *bus = opaque;
	if (port >= PCI_PORT_DATA)
		pci_data_write(bus, port, v, 2);
}

static uint32_t pci_read32(void *opaque, uint16_t port)
{
	struct pci_bus *bus = opaque;
	if (port == PCI_PORT_ADDR)
		return bus->config_address;
	if (port == PCI_PORT_DATA)
		return pci_data_read(bus, port, 4);
	return 0xFFFFFFFFu;
}

static void pci_write32(void *opaque, uint16_t port, uint32_t v)
{
	struct pci_bus *bus = opaque;
	if (port == PCI_PORT_ADDR)
		bus->config_address = v & 0x80FFFFFCu;
	else if (port == PCI_PORT_DATA)
		pci_data_write(bus, port, v, 4);
}

static const struct io_ops pci_ops = {
	.read8 = pci_read8,
	.write8 = pci_write8,
	.read16 = pci_read16,
	.write16 = pci_write16,
	.read32 = pci_read32,
	.write32 = pci_write32,
};

int pci_init(struct pci_bus *bus, struct io_bus *io, void (*reset)(void *), void *opaque)
{
	memset(bus, 0, sizeof(*bus));
	bus->reset = reset;
	bus->reset_opaque = opaque;
	return io_register(io, PCI_PORT_ADDR, 8, &pci_ops, bus, "pci");
}
