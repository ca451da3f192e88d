/* chipset.c: the i440FX/PIIX3 functions on PCI bus 0 (see chipset.h).
 * Register defaults follow the Intel datasheets for the 82441FX and the
 * 82371SB. Their memory-controller and PAM registers are storage only: the
 * memory map does not change when they are written. */
#include "devices/chipset.h"

int chipset_init(struct pci_bus *bus)
{
	/* 82441FX PMC (host bridge): class 06 00 00. */
	struct pci_function *host =
		pci_add_function(bus, CHIPSET_DEVFN_HOST, "i440fx", 0x8086, 0x1237, 0x06000002);
	if (!host)
		return -1;
	/* PAM0-6 (0x59-0x5F) and SMRAM (0x72) are read/write. */
	for (int r = 0x59; r <= 0x5F; r++)
		host->wmask[r] = 0xFF;
	host->wmask[0x72] = 0x78;
	host->cfg[0x72] = 0x02;

	/* 82371SB PIIX3 function 0 (PCI-to-ISA bridge): class 06 01 00, a
	 * multi-function device. */
	struct pci_function *isa =
		pci_add_function(bus, CHIPSET_DEVFN_ISA, "piix3-isa", 0x8086, 0x7000, 0x06010000);
	if (!isa)
		return -1;
	isa->cfg[PCI_HEADER_TYPE] = 0x80;
	/* PIRQ[A-D] route control (0x60-0x63): bit 7 = disabled, low bits
	 * the ISA IRQ. Power-on value 0x80 each. */
	for (int r = 0x60; r <= 0x63; r++) {
		isa->cfg[r] = 0x80;
		isa->wmask[r] = 0x8F;
	}
	/* Top of memory, misc status, motherboard IRQ routing (0x70/0x71),
	 * APIC base: storage for the firmware. */
	isa->wmask[0x69] = 0xFE;
	isa->cfg[0x69] = 0x02;
	isa->wmask[0x6A] = 0xFF;
	isa->wmask[0x70] = 0xCF;
	isa->wmask[0x71] = 0xCF;
	isa->cfg[0x70] = 0x80;
	isa->cfg[0x71] = 0x80;

	/* 82371SB PIIX3 function 1 (IDE): class 01 01 80 (legacy mode on both
	 * channels, bus master capable). BAR4 holds the bus-master registers
	 * (16 bytes of I/O, which are not emulated: no DMA yet). */
	struct pci_function *ide =
		pci_add_function(bus, CHIPSET_DEVFN_IDE, "piix3-ide", 0x8086, 0x7010, 0x01018000);
	if (!ide)
		return -1;
	pci_set_bar(ide, 4, 16, true, false, 0xC000);
	/* IDE timing registers (0x40-0x43) enable the legacy decode. */
	for (int r = 0x40; r <= 0x43; r++)
		ide->wmask[r] = 0xFF;
	ide->cfg[0x41] = 0x80;
	ide->cfg[0x43] = 0x80;
	return 0;
}
