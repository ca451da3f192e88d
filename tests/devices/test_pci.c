/* test_pci.c: configuration mechanism #1 through the ports, BAR sizing and
 * moving, and the reset control port, on the chipset functions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "devices/chipset.h"
#include "devices/pci.h"
#include "vmm/io_bus.h"

struct fixture {
	struct io_bus io;
	struct pci_bus pci;
	int resets;
	int moves;
	uint32_t moved_to;
};

static void on_reset(void *opaque)
{
	((struct fixture *)opaque)->resets++;
}

static void on_bar_moved(void *opaque, int bar, uint32_t addr)
{
	struct fixture *fx = opaque;
	(void)bar;
	fx->moves++;
	fx->moved_to = addr;
}

static uint32_t cfg_read(struct fixture *fx, unsigned dev, unsigned fn, unsigned reg, unsigned size)
{
	io_write(&fx->io, 0xCF8, 0x80000000u | (dev << 11) | (fn << 8) | (reg & 0xFC), 4);
	return io_read(&fx->io, (uint16_t)(0xCFC + (reg & 3)), size);
}

static void cfg_write(struct fixture *fx, unsigned dev, unsigned fn, unsigned reg, uint32_t v,
		      unsigned size)
{
	io_write(&fx->io, 0xCF8, 0x80000000u | (dev << 11) | (fn << 8) | (reg & 0xFC), 4);
	io_write(&fx->io, (uint16_t)(0xCFC + (reg & 3)), v, size);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	io_bus_init(&fx->io);
	assert_int_equal(pci_init(&fx->pci, &fx->io, on_reset, fx), 0);
	assert_int_equal(chipset_init(&fx->pci), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void test_identity(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(cfg_read(fx, 0, 0, 0, 4), 0x12378086);
	assert_int_equal(cfg_read(fx, 1, 0, 0, 4), 0x70008086);
	assert_int_equal(cfg_read(fx, 1, 1, 0, 2), 0x8086);
	assert_int_equal(cfg_read(fx, 1, 1, 2, 2), 0x7010);
	assert_int_equal(cfg_read(fx, 1, 0, 0x0A, 2), 0x0601); /* ISA bridge class */
	assert_int_equal(cfg_read(fx, 1, 0, 0x0E, 1), 0x80);   /* multi-function */
	/* Absent device and disabled address register: all-ones. */
	assert_int_equal(cfg_read(fx, 5, 0, 0, 4), 0xFFFFFFFFu);
	io_write(&fx->io, 0xCF8, 0x00000000u, 4);
	assert_int_equal(io_read(&fx->io, 0xCFC, 4), 0xFFFFFFFFu);
	/* The address register reads back. */
	io_write(&fx->io, 0xCF8, 0x80000810u, 4);
	assert_int_equal(io_read(&fx->io, 0xCF8, 4), 0x80000810u);
}

static void test_read_only_and_writable(void **state)
{
	struct fixture *fx = *state;
	cfg_write(fx, 0, 0, 0, 0xFFFFFFFF, 4); /* IDs are read-only */
	assert_int_equal(cfg_read(fx, 0, 0, 0, 4), 0x12378086);
	/* PIRQ route registers: 0x80 at power-on, writable. */
	assert_int_equal(cfg_read(fx, 1, 0, 0x60, 1), 0x80);
	cfg_write(fx, 1, 0, 0x61, 0x0B, 1);
	assert_int_equal(cfg_read(fx, 1, 0, 0x61, 1), 0x0B);
	assert_int_equal(cfg_read(fx, 1, 0, 0x60, 4), 0x80800B80);
}

static void test_bar_sizing_and_move(void **state)
{
	struct fixture *fx = *state;
	struct pci_function *f =
		pci_add_function(&fx->pci, 0x10, "test", 0x1234, 0x1111, 0x03000000);
	assert_non_null(f);
	pci_set_bar(f, 0, 16u << 20, false, true, 0xE0000000u);
	f->bar_moved = on_bar_moved;
	f->opaque = fx;
	assert_int_equal(cfg_read(fx, 2, 0, 0x10, 4), 0xE0000008u);
	/* Sizing: write all-ones, read back the size mask. */
	cfg_write(fx, 2, 0, 0x10, 0xFFFFFFFF, 4);
	assert_int_equal(cfg_read(fx, 2, 0, 0x10, 4), 0xFF000008u);
	/* Memory decoding off: the BAR does not decode. */
	assert_int_equal(pci_bar_address(f, 0), 0);
	cfg_write(fx, 2, 0, 0x10, 0xD0000000u, 4);
	int before = fx->moves;
	cfg_write(fx, 2, 0, 0x04, 0x0002, 2); /* enable memory decoding */
	assert_true(fx->moves > before);
	assert_int_equal(fx->moved_to, 0xD0000000u);
	assert_int_equal(pci_bar_address(f, 0), 0xD0000000u);
}

static void test_reset_port(void **state)
{
	struct fixture *fx = *state;
	io_write(&fx->io, 0xCF9, 0x02, 1);
	assert_int_equal(fx->resets, 0);
	assert_int_equal(io_read(&fx->io, 0xCF9, 1), 0x02);
	io_write(&fx->io, 0xCF9, 0x06, 1);
	assert_int_equal(fx->resets, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only_and_writable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bar_sizing_and_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_port, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
