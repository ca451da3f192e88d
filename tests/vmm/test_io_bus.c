/* test_io_bus.c: port registration, unclaimed ports, and how wide accesses
 * are delivered whole or split across devices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/io_bus.h"

/* A device that records each callback: kind is 'r'/'w' and the width. */
struct call {
	char kind;
	unsigned width;
	uint16_t port;
	uint32_t value;
};

struct dev {
	struct call calls[16];
	unsigned n;
	uint8_t tag; /* byte reads return tag ^ low byte of port */
};

static void note(struct dev *d, char kind, unsigned width, uint16_t port, uint32_t value)
{
	if (d->n < 16)
		d->calls[d->n] = (struct call){ kind, width, port, value };
	d->n++;
}

static uint8_t dev_read8(void *opaque, uint16_t port)
{
	struct dev *d = opaque;
	note(d, 'r', 1, port, 0);
	return (uint8_t)(d->tag ^ port);
}

static void dev_write8(void *opaque, uint16_t port, uint8_t value)
{
	note(opaque, 'w', 1, port, value);
}

static uint16_t dev_read16(void *opaque, uint16_t port)
{
	note(opaque, 'r', 2, port, 0);
	return 0xB16B;
}

static void dev_write16(void *opaque, uint16_t port, uint16_t value)
{
	note(opaque, 'w', 2, port, value);
}

static uint32_t dev_read32(void *opaque, uint16_t port)
{
	note(opaque, 'r', 4, port, 0);
	return 0xD0D0CAFE;
}

static void dev_write32(void *opaque, uint16_t port, uint32_t value)
{
	note(opaque, 'w', 4, port, value);
}

static const struct io_ops byte_ops = { .read8 = dev_read8, .write8 = dev_write8 };
static const struct io_ops word_ops = {
	.read8 = dev_read8, .write8 = dev_write8, .read16 = dev_read16, .write16 = dev_write16
};
static const struct io_ops wide_ops = {
	.read8 = dev_read8,
	.write8 = dev_write8,
	.read16 = dev_read16,
	.write16 = dev_write16,
	.read32 = dev_read32,
	.write32 = dev_write32,
};

static void assert_call(const struct dev *d, unsigned i, char kind, unsigned width, uint16_t port,
			uint32_t value)
{
	assert_true(i < d->n);
	assert_int_equal(d->calls[i].kind, kind);
	assert_int_equal(d->calls[i].width, width);
	assert_int_equal(d->calls[i].port, port);
	if (kind == 'w')
		assert_int_equal(d->calls[i].value, value);
}

/* Each test gets a fresh bus on the heap (its owner table is 64 KiB). */
static int bus_setup(void **state)
{
	*state = calloc(1, sizeof(struct io_bus));
	return *state ? 0 : -1;
}

static int bus_teardown(void **state)
{
	free(*state);
	return 0;
}

static void test_register_rejects(void **state)
{
	struct io_bus *bus = *state;
	struct dev a = { 0 };
	io_bus_init(bus);
	assert_int_equal(io_register(bus, 0x60, 1, &byte_ops, &a, "a"), 0);
	assert_int_equal(io_register(bus, 0x3F8, 8, &byte_ops, &a, "uart"), 0);
	/* Same port, inside, straddling either end, covering. */
	assert_int_equal(io_register(bus, 0x60, 1, &byte_ops, &a, "dup"), -1);
	assert_int_equal(io_register(bus, 0x3FA, 1, &byte_ops, &a, "in"), -1);
	assert_int_equal(io_register(bus, 0x3F0, 9, &byte_ops, &a, "lo"), -1);
	assert_int_equal(io_register(bus, 0x3FF, 2, &byte_ops, &a, "hi"), -1);
	assert_int_equal(io_register(bus, 0x300, 0x200, &byte_ops, &a, "all"), -1);
	/* Wrapping past 0xFFFF, empty. */
	assert_int_equal(io_register(bus, 0xFFFF, 2, &byte_ops, &a, "wrap"), -1);
	assert_int_equal(io_register(bus, 0x100, 0, &byte_ops, &a, "empty"), -1);
	assert_int_equal(io_register(bus, 0xFFFF, 1, &byte_ops, &a, "top"), 0);
	/* Neighbours are fine. */
	assert_int_equal(io_register(bus, 0x3F7, 1, &byte_ops, &a, "below"), 0);
	assert_int_equal(io_register(bus, 0x400, 1, &byte_ops, &a, "above"), 0);
	/* A refused registration claims nothing. */
	assert_int_equal(bus->owner[0x3F0], 0);
	assert_int_equal(bus->owner[0x300], 0);
	/* A full table. */
	unsigned n = bus->count;
	for (uint16_t p = 0x1000; n < IO_MAX_RANGES; p++, n++)
		assert_int_equal(io_register(bus, p, 1, &byte_ops, &a, "fill"), 0);
	assert_int_equal(io_register(bus, 0x2000, 1, &byte_ops, &a, "full"), -1);
	assert_int_equal(bus->owner[0x2000], 0);
}

static void test_unclaimed(void **state)
{
	struct io_bus *bus = *state;
	struct dev a = { 0 };
	io_bus_init(bus);
	assert_int_equal(io_read(bus, 0x1234, 1), 0xFF);
	assert_int_equal(io_read(bus, 0x1234, 2), 0xFFFF);
	assert_int_equal(io_read(bus, 0x1234, 4), 0xFFFFFFFFu);
	io_write(bus, 0x1234, 0, 4);
	/* Half claimed: the unclaimed byte still reads all-ones. */
	a.tag = 0x00;
	assert_int_equal(io_register(bus, 0x71, 1, &byte_ops, &a, "a"), 0);
	assert_int_equal(io_read(bus, 0x70, 2), 0x71FF);
	assert_int_equal(io_read(bus, 0x71, 4), 0xFFFFFF71u);
	/* A device without a read callback also reads all-ones. */
	static const struct io_ops write_only = { .write8 = dev_write8 };
	assert_int_equal(io_register(bus, 0x80, 1, &write_only, &a, "w"), 0);
	assert_int_equal(io_read(bus, 0x80, 1), 0xFF);
}

static void test_byte_device_split(void **state)
{
	struct io_bus *bus = *state;
	struct dev a = { .tag = 0x10 };
	io_bus_init(bus);
	assert_int_equal(io_register(bus, 0x1F0, 8, &byte_ops, &a, "a"), 0);
	io_write(bus, 0x1F2, 0xA1B2, 2);
	assert_int_equal(a.n, 2);
	assert_call(&a, 0, 'w', 1, 0x1F2, 0xB2);
	assert_call(&a, 1, 'w', 1, 0x1F3, 0xA1);
	a.n = 0;
	io_write(bus, 0x1F4, 0x11223344, 4);
	assert_int_equal(a.n, 4);
	assert_call(&a, 0, 'w', 1, 0x1F4, 0x44);
	assert_call(&a, 1, 'w', 1, 0x1F5, 0x33);
	assert_call(&a, 2, 'w', 1, 0x1F6, 0x22);
	assert_call(&a, 3, 'w', 1, 0x1F7, 0x11);
	a.n = 0;
	/* Byte reads are tag ^ port: 0x1F0 -> 0xE0, 0x1F1 -> 0xE1, ... */
	assert_int_equal(io_read(bus, 0x1F0, 4), 0xE3E2E1E0);
	assert_call(&a, 0, 'r', 1, 0x1F0, 0);
	assert_call(&a, 3, 'r', 1, 0x1F3, 0);
}

static void test_word_across_two_devices(void **state)
{
	struct io_bus *bus = *state;
	struct dev a = { .tag = 0xA0 }, b = { .tag = 0xB0 };
	io_bus_init(bus);
	/* Even with wide callbacks, an access spanning two devices is split. */
	assert_int_equal(io_register(bus, 0x60, 1, &wide_ops, &a, "a"), 0);
	assert_int_equal(io_register(bus, 0x61, 1, &wide_ops, &b, "b"), 0);
	io_write(bus, 0x60, 0xBBAA, 2);
	assert_int_equal(a.n, 1);
	assert_int_equal(b.n, 1);
	assert_call(&a, 0, 'w', 1, 0x60, 0xAA);
	assert_call(&b, 0, 'w', 1, 0x61, 0xBB);
	assert_int_equal(io_read(bus, 0x60, 2), (0xB0 ^ 0x61) << 8 | (0xA0 ^ 0x60));
}

static void test_wide_device(void **state)
{
	struct io_bus *bus = *state;
	struct dev w = { 0 };
	io_bus_init(bus);
	assert_int_equal(io_register(bus, 0xCF8, 8, &wide_ops, &w, "pci"), 0);
	assert_int_equal(io_read(bus, 0xCF8, 4), 0xD0D0CAFE);
	assert_int_equal(io_read(bus, 0xCFC, 2), 0xB16B);
	io_write(bus, 0xCF8, 0x80001234, 4);
	io_write(bus, 0xCFE, 0x5678, 2);
	assert_int_equal(w.n, 4);
	assert_call(&w, 0, 'r', 4, 0xCF8, 0);
	assert_call(&w, 1, 'r', 2, 0xCFC, 0);
	assert_call(&w, 2, 'w', 4, 0xCF8, 0x80001234);
	assert_call(&w, 3, 'w', 2, 0xCFE, 0x5678);
	/* Running off the end of the device: the dword is split into words;
	 * the low one fits and goes whole, the high one hits nothing. */
	w.n = 0;
	io_write(bus, 0xCFE, 0xAABBCCDD, 4);
	assert_int_equal(w.n, 1);
	assert_call(&w, 0, 'w', 2, 0xCFE, 0xCCDD);
	assert_int_equal(io_read(bus, 0xCFE, 4), 0xFFFFB16B);
	/* A word at the last port: bytes, the second one unclaimed. */
	w.n = 0;
	io_write(bus, 0xCFF, 0x1122, 2);
	assert_int_equal(w.n, 1);
	assert_call(&w, 0, 'w', 1, 0xCFF, 0x22);
	assert_int_equal(io_read(bus, 0xCFF, 2), 0xFF00 | (0x00 ^ 0xFF));
}

/* A word-only device (no dword callbacks) sees a dword as two words at
 * port and port + 2, as on the ISA bus. */
static void test_dword_on_word_device(void **state)
{
	struct io_bus *bus = *state;
	struct dev d = { 0 };
	io_bus_init(bus);
	assert_int_equal(io_register(bus, 0x1F0, 8, &word_ops, &d, "ata"), 0);
	assert_int_equal(io_read(bus, 0x1F0, 4), 0xB16BB16B);
	io_write(bus, 0x1F0, 0x12345678, 4);
	assert_int_equal(d.n, 4);
	assert_call(&d, 0, 'r', 2, 0x1F0, 0);
	assert_call(&d, 1, 'r', 2, 0x1F2, 0);
	assert_call(&d, 2, 'w', 2, 0x1F0, 0x5678);
	assert_call(&d, 3, 'w', 2, 0x1F2, 0x1234);
}

static void test_port_wrap(void **state)
{
	struct io_bus *bus = *state;
	struct dev top = { .tag = 0x11 }, low = { .tag = 0x22 };
	io_bus_init(bus);
	assert_int_equal(io_register(bus, 0xFFFE, 2, &wide_ops, &top, "top"), 0);
	assert_int_equal(io_register(bus, 0x0000, 2, &wide_ops, &low, "low"), 0);
	io_write(bus, 0xFFFF, 0xCCDD, 2);
	assert_int_equal(top.n, 1);
	assert_int_equal(low.n, 1);
	assert_call(&top, 0, 'w', 1, 0xFFFF, 0xDD);
	assert_call(&low, 0, 'w', 1, 0x0000, 0xCC);
	top.n = low.n = 0;
	io_write(bus, 0xFFFE, 0x11223344, 4);
	assert_int_equal(top.n, 1);
	assert_call(&top, 0, 'w', 2, 0xFFFE, 0x3344);
	assert_int_equal(low.n, 1);
	assert_call(&low, 0, 'w', 2, 0x0000, 0x1122);
	assert_int_equal(io_read(bus, 0xFFFF, 2), (0x22 ^ 0x00) << 8 | (0x11 ^ 0xFF));
}

/* --log io: an unclaimed port still reads all-ones, and is reported once
 * per port however often it is touched. */
static void test_unclaimed_log(void **state)
{
	(void)state;
	struct io_bus *bus = calloc(1, sizeof(*bus));
	io_bus_init(bus);
	char *text = NULL;
	size_t len = 0;
	bus->log = open_memstream(&text, &len);
	assert_int_equal(io_read(bus, 0x300, 1), 0xFF);
	assert_int_equal(io_read(bus, 0x300, 1), 0xFF);
	io_write(bus, 0x301, 0x5A, 1);
	io_write(bus, 0x301, 0x5A, 1);
	fclose(bus->log);
	assert_string_equal(text, "popek: io: read of unclaimed port 0x0300 (reads 0xff)\n"
				  "popek: io: write of 0x5a to unclaimed port 0x0301\n");
	free(text);
	free(bus);
}

int main(void)
{
	/* One test a line. */
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_register_rejects, bus_setup, bus_teardown),
		cmocka_unit_test_setup_teardown(test_unclaimed, bus_setup, bus_teardown),
		cmocka_unit_test_setup_teardown(test_byte_device_split, bus_setup, bus_teardown),
		cmocka_unit_test_setup_teardown(test_word_across_two_devices, bus_setup,
						bus_teardown),
		cmocka_unit_test_setup_teardown(test_wide_device, bus_setup, bus_teardown),
		cmocka_unit_test_setup_teardown(test_dword_on_word_device, bus_setup, bus_teardown),
		cmocka_unit_test_setup_teardown(test_port_wrap, bus_setup, bus_teardown),
		cmocka_unit_test(test_unclaimed_log),
	};
	/* clang-format on */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
