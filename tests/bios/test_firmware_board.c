/* test_firmware_board.c: what the board does for firmware that shadows
 * itself (SeaBIOS): the i440FX PAM registers moving 0xC0000-0xFFFFF
 * between the firmware image and RAM, and the VGA's expansion ROM BAR
 * (--vgabios) appearing where firmware maps it. Built on a whole machine,
 * since both are wiring between the chipset, the PCI bus and memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "devices/chipset.h"
#include "vmm/machine.h"

#define BIOS_SIZE (128u << 10)
#define PAM0 0x59

static struct machine *board(void)
{
	static uint8_t bios[BIOS_SIZE];
	static uint8_t vgabios[40000];
	memset(bios, 0xB1, sizeof(bios));
	memset(vgabios, 0xC5, sizeof(vgabios));
	vgabios[0] = 0x55;
	vgabios[1] = 0xAA;
	struct machine_config cfg = {.ram_mb = 4, .bios = bios, .bios_size = sizeof(bios),
				     .exit_port = -1, .serial = {"none", "none"},
				     .vgabios = vgabios, .vgabios_size = sizeof(vgabios)};
	struct machine *m = malloc(sizeof(*m));
	char err[256];
	assert_non_null(m);
	assert_int_equal(machine_init(m, &cfg, err, sizeof(err)), 0);
	return m;
}

static void board_free(struct machine *m)
{
	machine_free(m);
	free(m);
}

static void pam_shadows_the_firmware(void **state)
{
	(void)state;
	struct machine *m = board();
	/* Power-on: E and F segments read the image, writes are dropped;
	 * C0000 reads nothing (no ISA ROM there). */
	assert_int_equal(phys_read(&m->mem, 0xF0000, 1), 0xB1);
	assert_int_equal(phys_read(&m->mem, 0xE4000, 1), 0xB1);
	assert_int_equal(phys_read(&m->mem, 0xC0000, 1), 0xFF);
	phys_write(&m->mem, 0xF0000, 0x12, 1);
	assert_int_equal(phys_read(&m->mem, 0xF0000, 1), 0xB1);

	/* All of C0000-FFFFF to RAM (SeaBIOS's 0x30 and 0x33 x 6): the RAM
	 * behind the hole shows, and takes writes. */
	pci_config_write(&m->pci, CHIPSET_DEVFN_HOST, 0x58, 0x33333000, 4);
	pci_config_write(&m->pci, CHIPSET_DEVFN_HOST, 0x5C, 0x33333333, 4);
	assert_int_equal(phys_read(&m->mem, 0xF0000, 1), 0x00);
	phys_write(&m->mem, 0xF0000, 0x12, 1);
	phys_write(&m->mem, 0xE4000, 0x34, 1);
	phys_write(&m->mem, 0xC0000, 0x56, 1);
	assert_int_equal(phys_read(&m->mem, 0xF0000, 1), 0x12);
	assert_int_equal(phys_read(&m->mem, 0xE4000, 1), 0x34);
	assert_int_equal(phys_read(&m->mem, 0xC0000, 1), 0x56);
	assert_int_equal(m->mem.ram[0xF0000], 0x12);

	/* The F segment back to the image: the RAM keeps what was written. */
	pci_config_write(&m->pci, CHIPSET_DEVFN_HOST, PAM0, 0x00, 1);
	assert_int_equal(phys_read(&m->mem, 0xF0000, 1), 0xB1);
	assert_int_equal(phys_read(&m->mem, 0xE4000, 1), 0x34);
	pci_config_write(&m->pci, CHIPSET_DEVFN_HOST, PAM0, 0x30, 1);
	assert_int_equal(phys_read(&m->mem, 0xF0000, 1), 0x12);
	/* Only the 16 KiB segment a nibble names changes: E4000 is the high
	 * nibble of 0x5E. */
	pci_config_write(&m->pci, CHIPSET_DEVFN_HOST, 0x5E, 0x03, 1);
	assert_int_equal(phys_read(&m->mem, 0xE4000, 1), 0xB1);
	assert_int_equal(phys_read(&m->mem, 0xE0000, 1), 0x00);
	board_free(m);
}

static void vga_rom_bar(void **state)
{
	(void)state;
	struct machine *m = board();
	uint8_t vga = MACHINE_DEVFN_VGA;
	/* Sizing: 40000 bytes round up to a 64 KiB BAR. */
	pci_config_write(&m->pci, vga, PCI_ROM_ADDRESS, 0xFFFFFFFEu, 4);
	assert_int_equal(pci_config_read(&m->pci, vga, PCI_ROM_ADDRESS, 4), 0xFFFF0000u);
	/* Not enabled yet: nothing there. */
	pci_config_write(&m->pci, vga, PCI_ROM_ADDRESS, 0xFEBF0000u, 4);
	assert_int_equal(phys_read(&m->mem, 0xFEBF0000u, 2), 0xFFFF);
	/* Enabled (memory decoding is on): the image, signature first. */
	pci_config_write(&m->pci, vga, PCI_ROM_ADDRESS, 0xFEBF0001u, 4);
	assert_int_equal(phys_read(&m->mem, 0xFEBF0000u, 2), 0xAA55);
	assert_int_equal(phys_read(&m->mem, 0xFEBF0000u + 39999, 1), 0xC5);
	assert_int_equal(phys_read(&m->mem, 0xFEBF0000u + 40000, 1), 0x00);
	/* Moved: gone from the old place, at the new one. */
	pci_config_write(&m->pci, vga, PCI_ROM_ADDRESS, 0xFEB00001u, 4);
	assert_int_equal(phys_read(&m->mem, 0xFEBF0000u, 2), 0xFFFF);
	assert_int_equal(phys_read(&m->mem, 0xFEB00000u, 2), 0xAA55);
	/* Over RAM: refused, the ROM is nowhere and RAM is untouched. */
	pci_config_write(&m->pci, vga, PCI_ROM_ADDRESS, 0x00100001u, 4);
	assert_int_equal(phys_read(&m->mem, 0xFEB00000u, 2), 0xFFFF);
	assert_int_equal(phys_read(&m->mem, 0x100000u, 2), 0x0000);
	/* Memory decoding off turns it off too. */
	pci_config_write(&m->pci, vga, PCI_ROM_ADDRESS, 0xFEBF0001u, 4);
	assert_int_equal(phys_read(&m->mem, 0xFEBF0000u, 2), 0xAA55);
	pci_config_write(&m->pci, vga, PCI_COMMAND, 0x0001, 2);
	assert_int_equal(phys_read(&m->mem, 0xFEBF0000u, 2), 0xFFFF);
	board_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pam_shadows_the_firmware),
		cmocka_unit_test(vga_rom_bar),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
