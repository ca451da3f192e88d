/* pci.h: PCI configuration mechanism #1 (ports 0xCF8/0xCFC) and the
 * configuration spaces of the functions on bus 0.
 *
 * A function is 256 bytes of configuration space plus a mask of the bits
 * software may write; BARs are sized by their mask (writing all-ones reads
 * back the size), and a callback tells the owning device where software
 * moved a BAR. Port 0xCF9 (the PIIX reset control register) is here too,
 * since it sits inside the configuration port range on a PC.
 */
#ifndef POPEK_DEVICES_PCI_H
#define POPEK_DEVICES_PCI_H

#include <stdbool.h>
#include <stdint.h>

struct io_bus;

#define PCI_MAX_FUNCTIONS 16
#define PCI_NUM_BARS 6
/* The expansion ROM BAR's number in bar_moved() calls (after BAR0-5). */
#define PCI_ROM_BAR PCI_NUM_BARS

/* Standard configuration registers. */
enum {
	PCI_VENDOR_ID = 0x00,
	PCI_DEVICE_ID = 0x02,
	PCI_COMMAND = 0x04,
	PCI_STATUS = 0x06,
	PCI_REVISION = 0x08,
	PCI_CLASS_PROG = 0x09,
	PCI_CLASS_DEVICE = 0x0A, /* sub-class, then base class at 0x0B */
	PCI_HEADER_TYPE = 0x0E,
	PCI_BAR0 = 0x10,
	PCI_SUBSYS_VENDOR = 0x2C,
	PCI_SUBSYS_ID = 0x2E,
	PCI_ROM_ADDRESS = 0x30, /* expansion ROM BAR: address | enable (bit 0) */
	PCI_INTERRUPT_LINE = 0x3C,
	PCI_INTERRUPT_PIN = 0x3D,
};

struct pci_function {
	uint8_t devfn; /* device << 3 | function */
	const char *name;
	uint8_t cfg[256];
	uint8_t wmask[256];     /* bits software may change */
	uint32_t bar_size[PCI_NUM_BARS]; /* 0: not implemented */
	bool bar_io[PCI_NUM_BARS];       /* I/O space BAR (else memory) */
	/* Called when a memory BAR changes address (or decoding is turned on
	 * or off in the command register): `addr` is the new base, 0 when the
	 * BAR does not decode. */
	void (*bar_moved)(void *opaque, int bar, uint32_t addr);
	/* Called after every configuration write (registers that change how
	 * the board decodes memory, like the i440FX's PAM), or NULL. */
	void (*config_written)(void *opaque, uint8_t reg, unsigned size);
	void *opaque;
	uint32_t rom_size;      /* expansion ROM BAR size, 0: none */
};

struct pci_bus {
	uint32_t config_address; /* port 0xCF8 */
	uint8_t reset_control;   /* port 0xCF9 */
	struct pci_function fn[PCI_MAX_FUNCTIONS];
	unsigned count;
	void (*reset)(void *opaque); /* system reset through 0xCF9 */
	void *reset_opaque;
};

/* Registers ports 0xCF8-0xCFF. Returns 0 or -1. */
int pci_init(struct pci_bus *bus, struct io_bus *io, void (*reset)(void *), void *opaque);

/* Adds a function at `devfn` with its identity; returns it (to fill BARs
 * and registers) or NULL when the bus is full or the slot taken. */
struct pci_function *pci_add_function(struct pci_bus *bus, uint8_t devfn, const char *name,
				      uint16_t vendor, uint16_t device, uint32_t class_rev);

/* Declares BAR `bar` of `size` bytes (a power of two, at least 16; I/O
 * BARs at least 4) at its power-on address. */
void pci_set_bar(struct pci_function *f, int bar, uint32_t size, bool io, bool prefetch,
		 uint32_t addr);

/* Declares an expansion ROM BAR of `size` bytes (a power of two, at least
 * 2 KiB), unassigned and disabled at power-on; bar_moved() reports it as
 * PCI_ROM_BAR when firmware enables it (bit 0 and memory decoding). */
void pci_set_rom(struct pci_function *f, uint32_t size);

/* Configuration space access as the guest sees it (also for firmware set-up
 * and tests): `size` 1, 2 or 4, `reg` aligned to it. */
uint32_t pci_config_read(struct pci_bus *bus, uint8_t devfn, uint8_t reg, unsigned size);
void pci_config_write(struct pci_bus *bus, uint8_t devfn, uint8_t reg, uint32_t v, unsigned size);

/* The address a memory BAR decodes at, or 0 when memory decoding is off. */
uint32_t pci_bar_address(const struct pci_function *f, int bar);

#endif
