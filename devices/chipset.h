/* chipset.h: the PCI functions of a PC's chipset: the i440FX host bridge,
 * the PIIX3 PCI-to-ISA bridge (with its PIRQ routing registers) and the
 * PIIX3 IDE function, which decodes the legacy ATA ports. These are what
 * firmware and Linux look for on bus 0 to recognise an i440FX PC. */
#ifndef POPEK_DEVICES_CHIPSET_H
#define POPEK_DEVICES_CHIPSET_H

#include "devices/pci.h"

#define CHIPSET_DEVFN_HOST 0x00 /* 00.0 */
#define CHIPSET_DEVFN_ISA 0x08  /* 01.0 */
#define CHIPSET_DEVFN_IDE 0x09  /* 01.1 */

/* Adds the three functions. Returns 0, or -1 when the bus is full. */
int chipset_init(struct pci_bus *bus);

#endif
