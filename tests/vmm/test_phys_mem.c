/* test_phys_mem.c: the physical address space: RAM, the PC hole, the BIOS
 * image and its alias below 4 GiB, MMIO dispatch and unmapped space. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/phys_mem.h"

#define KIB 1024u
#define MIB (1024u * 1024u)

static void test_init_sizes(void **state)
{
	struct phys_mem pm;
	assert_int_equal(phys_mem_init(&pm, 60 * KIB, false), -1);
	assert_int_equal(phys_mem_init(&pm, 64 * KIB + 2048, false), -1);
	assert_int_equal(phys_mem_init(&pm, 0, false), -1);
	assert_int_equal(phys_mem_init(&pm, 64 * KIB, false), 0);
	assert_int_equal(pm.a20_mask, 0xFFFFFFFFu);
	assert_int_equal(pm.ram_size, 64 * KIB);
	assert_non_null(phys_host_ptr(&pm, 0));
	assert_non_null(phys_host_ptr_w(&pm, 64 * KIB - 1));
	assert_null(phys_host_ptr(&pm, 64 * KIB));
	phys_mem_free(&pm);
}

static void test_ram_little_endian(void **state)
{
	struct phys_mem pm;
	assert_int_equal(phys_mem_init(&pm, 1 * MIB, false), 0);
	phys_write(&pm, 0x1000, 0x11223344, 4);
	assert_int_equal(phys_read(&pm, 0x1000, 1), 0x44);
	assert_int_equal(phys_read(&pm, 0x1001, 2), 0x2233);
	assert_int_equal(phys_read(&pm, 0x1000, 4), 0x11223344);
	assert_int_equal(pm.ram[0x1003], 0x11);
	phys_write(&pm, 0x1002, 0xABCD, 2);
	assert_int_equal(phys_read(&pm, 0x1000, 4), 0xABCD3344);
	/* Only the low `size` bytes of the value are stored. */
	phys_write(&pm, 0x2000, 0xFFFFFF5A, 1);
	assert_int_equal(phys_read(&pm, 0x2000, 4), 0x5A);
	/* Flat RAM covers the PC hole when pc_holes is clear. */
	phys_write(&pm, 0xB8000, 0x0741, 2);
	assert_int_equal(phys_read(&pm, 0xB8000, 2), 0x0741);
	phys_mem_free(&pm);
}

static void test_page_crossing(void **state)
{
	struct phys_mem pm;
	assert_int_equal(phys_mem_init(&pm, 1 * MIB, false), 0);
	phys_write(&pm, 0x1FFE, 0xDEADBEEF, 4);
	assert_int_equal(pm.ram[0x1FFE], 0xEF);
	assert_int_equal(pm.ram[0x1FFF], 0xBE);
	assert_int_equal(pm.ram[0x2000], 0xAD);
	assert_int_equal(pm.ram[0x2001], 0xDE);
	assert_int_equal(phys_read(&pm, 0x1FFE, 4), 0xDEADBEEF);
	assert_int_equal(phys_read(&pm, 0x1FFF, 2), 0xADBE);
	/* Last RAM page into unmapped space: the missing bytes are all-ones. */
	phys_write(&pm, 1 * MIB - 2, 0x1234, 2);
	assert_int_equal(phys_read(&pm, 1 * MIB - 2, 4), 0xFFFF1234);
	phys_write(&pm, 1 * MIB - 1, 0xAABBCCDD, 4);
	assert_int_equal(pm.ram[1 * MIB - 1], 0xDD);
	assert_int_equal(pm.ram[1 * MIB - 2], 0x34);
	phys_mem_free(&pm);
}

static void test_unmapped_all_ones(void **state)
{
	struct phys_mem pm;
	assert_int_equal(phys_mem_init(&pm, 2 * MIB, true), 0);
	/* The PC hole. */
	assert_null(phys_host_ptr(&pm, 0xA0000));
	assert_null(phys_host_ptr(&pm, 0xFFFFF));
	assert_int_equal(phys_read(&pm, 0xA0000, 1), 0xFF);
	assert_int_equal(phys_read(&pm, 0xB8000, 2), 0xFFFF);
	assert_int_equal(phys_read(&pm, 0xC0000, 4), 0xFFFFFFFFu);
	phys_write(&pm, 0xB8000, 0x0741, 2);
	assert_int_equal(phys_read(&pm, 0xB8000, 2), 0xFFFF);
	/* RAM on both sides of the hole. */
	assert_non_null(phys_host_ptr_w(&pm, 0x9FFFF));
	assert_non_null(phys_host_ptr_w(&pm, 0x100000));
	phys_write(&pm, 0x100000, 0xCAFEBABE, 4);
	assert_int_equal(phys_read(&pm, 0x100000, 4), 0xCAFEBABE);
	phys_write(&pm, 0x9FFFE, 0x5566, 2);
	assert_int_equal(phys_read(&pm, 0x9FFFE, 4), 0xFFFF5566);
	/* Above RAM. */
	assert_int_equal(phys_read(&pm, 2 * MIB, 4), 0xFFFFFFFFu);
	assert_int_equal(phys_read(&pm, 0x80000000u, 2), 0xFFFF);
	phys_write(&pm, 0x80000000u, 0, 4);
	assert_int_equal(phys_read(&pm, 0x80000000u, 4), 0xFFFFFFFFu);
	phys_mem_free(&pm);
}

static void fill_pattern(uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(i * 7 + (i >> 8));
}

static void test_bios_mapping(void **state)
{
	static uint8_t image[64 * KIB];
	struct phys_mem pm;
	fill_pattern(image, sizeof(image));
	assert_int_equal(phys_mem_init(&pm, 1 * MIB, true), 0);
	assert_int_equal(phys_mem_map_bios(&pm, image, sizeof(image)), 0);
	/* The image is copied. */
	uint8_t changed = image[0];
	image[0] = (uint8_t)(changed + 1);
	assert_int_equal(phys_read(&pm, 0xF0000, 1), changed);
	image[0] = changed;

	/* Reset vector: 0xFFFFFFF0 aliases 0xFFFF0. */
	uint32_t lo = phys_read(&pm, 0xFFFF0, 4);
	assert_int_equal(lo, (uint32_t)image[0xFFF0] | image[0xFFF1] << 8 | image[0xFFF2] << 16 |
				     (uint32_t)image[0xFFF3] << 24);
	assert_int_equal(phys_read(&pm, 0xFFFFFFF0u, 4), lo);
	assert_int_equal(phys_read(&pm, 0xFFFF0000u, 2), phys_read(&pm, 0xF0000, 2));
	assert_ptr_equal(phys_host_ptr(&pm, 0xFFFF1234u), phys_host_ptr(&pm, 0xF1234));
	/* Below the 64 KiB image: the hole (low) and nothing (high). */
	assert_int_equal(phys_read(&pm, 0xEFFFF, 1), 0xFF);
	assert_int_equal(phys_read(&pm, 0xFFFEFFFFu, 1), 0xFF);

	/* Read-only: guest writes and host block writes are dropped. */
	assert_null(phys_host_ptr_w(&pm, 0xFFFF0));
	assert_null(phys_host_ptr_w(&pm, 0xFFFFFFF0u));
	phys_write(&pm, 0xFFFF0, ~lo, 4);
	phys_write(&pm, 0xFFFFFFF0u, ~lo, 4);
	phys_write(&pm, 0xFFFFF, 0, 1);
	assert_int_equal(phys_read(&pm, 0xFFFF0, 4), lo);
	assert_int_equal(phys_read(&pm, 0xFFFFF, 1), image[0xFFFF]);
	uint8_t zeros[16] = { 0 };
	phys_write_block(&pm, 0xFFFF0, zeros, sizeof(zeros));
	assert_int_equal(phys_read(&pm, 0xFFFFFFF0u, 4), lo);

	/* Only one image. */
	assert_int_equal(phys_mem_map_bios(&pm, image, sizeof(image)), -1);
	phys_mem_free(&pm);
}

static void test_bios_sizes(void **state)
{
	static uint8_t image[256 * KIB];
	struct phys_mem pm;
	fill_pattern(image, sizeof(image));
	const uint32_t bad[] = { 0, 4 * KIB, 32 * KIB, 96 * KIB, 512 * KIB };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(phys_mem_init(&pm, 1 * MIB, true), 0);
		assert_int_equal(phys_mem_map_bios(&pm, image, bad[i]), -1);
		phys_mem_free(&pm);
	}
	/* 256 KiB: 0xC0000-0xFFFFF and 0xFFFC0000-0xFFFFFFFF, over flat RAM. */
	assert_int_equal(phys_mem_init(&pm, 1 * MIB, false), 0);
	phys_write(&pm, 0xBFFFF, 0x77, 1);
	assert_int_equal(phys_mem_map_bios(&pm, image, sizeof(image)), 0);
	assert_int_equal(phys_read(&pm, 0xC0000, 1), image[0]);
	assert_int_equal(phys_read(&pm, 0xFFFC0000u, 1), image[0]);
	assert_int_equal(phys_read(&pm, 0xFFFFFFFFu, 1), image[sizeof(image) - 1]);
	assert_int_equal(phys_read(&pm, 0xFFFFF, 1), image[sizeof(image) - 1]);
	assert_int_equal(phys_read(&pm, 0xBFFFF, 1), 0x77);
	phys_write(&pm, 0xC0000, (uint8_t)~image[0], 1);
	assert_int_equal(phys_read(&pm, 0xC0000, 1), image[0]);
	phys_mem_free(&pm);

	assert_int_equal(phys_mem_init(&pm, 1 * MIB, true), 0);
	assert_int_equal(phys_mem_map_bios(&pm, image, 128 * KIB), 0);
	assert_int_equal(phys_read(&pm, 0xE0000, 1), image[0]);
	assert_int_equal(phys_read(&pm, 0xFFFE0000u, 1), image[0]);
	assert_int_equal(phys_read(&pm, 0xDFFFF, 1), 0xFF);
	phys_mem_free(&pm);
}

/* Wrapping past 4 GiB: the top ROM bytes, then RAM at 0. */
static void test_wrap_4g(void **state)
{
	static uint8_t image[64 * KIB];
	struct phys_mem pm;
	fill_pattern(image, sizeof(image));
	assert_int_equal(phys_mem_init(&pm, 64 * KIB, false), 0);
	assert_int_equal(phys_mem_map_bios(&pm, image, sizeof(image)), 0);
	phys_write(&pm, 0, 0xA1B2, 2);
	assert_int_equal(phys_read(&pm, 0xFFFFFFFEu, 4),
			 (uint32_t)image[0xFFFE] | image[0xFFFF] << 8 | 0xA1B2u << 16);
	phys_write(&pm, 0xFFFFFFFFu, 0x00C3D4E5, 4);
	assert_int_equal(phys_read(&pm, 0, 4), 0x0000C3D4u);
	assert_int_equal(phys_read(&pm, 0xFFFFFFFFu, 1), image[0xFFFF]);
	phys_mem_free(&pm);
}

/* An MMIO device that records every call. */
struct mmio_log {
	unsigned reads, writes;
	uint32_t addr[8];
	unsigned size[8];
	uint32_t value[8];
	unsigned n;
	uint32_t read_value;
};

static void mmio_note(struct mmio_log *l, uint32_t addr, unsigned size, uint32_t value)
{
	if (l->n < 8) {
		l->addr[l->n] = addr;
		l->size[l->n] = size;
		l->value[l->n] = value;
	}
	l->n++;
}

static uint32_t mmio_rec_read(void *opaque, uint32_t addr, unsigned size)
{
	struct mmio_log *l = opaque;
	l->reads++;
	mmio_note(l, addr, size, 0);
	/* Each byte reads as (its offset + 0x40) & 0xFF, unlike all-ones, so
	 * the test sees which bytes came from the handler. */
	if (l->read_value)
		return l->read_value;
	uint32_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= ((addr + i + 0x40) & 0xFF) << (8 * i);
	return v;
}

static void mmio_rec_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
	struct mmio_log *l = opaque;
	l->writes++;
	mmio_note(l, addr, size, value);
}

static const struct mmio_ops rec_ops = { mmio_rec_read, mmio_rec_write };

static void test_mmio_dispatch(void **state)
{
	struct phys_mem pm;
	struct mmio_log a = { 0 }, b = { 0 };
	assert_int_equal(phys_mem_init(&pm, 1 * MIB, true), 0);
	assert_int_equal(phys_mem_map_mmio(&pm, 0xFEE00000u, 0x1000, &rec_ops, &a), 0);
	assert_int_equal(phys_mem_map_mmio(&pm, 0xE0000000u, 0x2000, &rec_ops, &b), 0);
	assert_null(phys_host_ptr(&pm, 0xFEE00000u));
	assert_true(pm.flags[0xFEE00000u >> PHYS_PAGE_SHIFT] & PHYS_PAGE_MMIO);

	/* Offsets are relative to the region base; sizes pass through. */
	assert_int_equal(phys_read(&pm, 0xFEE00020u, 4), 0x63626160);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.addr[0], 0x20);
	assert_int_equal(a.size[0], 4);
	phys_write(&pm, 0xFEE000B0u, 0x1234, 2);
	assert_int_equal(a.writes, 1);
	assert_int_equal(a.addr[1], 0xB0);
	assert_int_equal(a.size[1], 2);
	assert_int_equal(a.value[1], 0x1234);
	phys_write(&pm, 0xFEE00300u, 0xFFFFFFAB, 1);
	assert_int_equal(a.size[2], 1);
	assert_int_equal(a.value[2], 0xAB);
	assert_int_equal(b.n, 0);

	/* A page crossing inside one region is still one access. */
	assert_int_equal(phys_read(&pm, 0xE0000FFEu, 4), 0x41403F3E);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.addr[0], 0xFFE);
	assert_int_equal(b.size[0], 4);

	/* Crossing the region end: bytes to the handler, then all-ones. */
	b.n = 0;
	assert_int_equal(phys_read(&pm, 0xE0001FFEu, 4), 0xFFFF3F3E);
	assert_int_equal(b.n, 2);
	assert_int_equal(b.addr[0], 0x1FFE);
	assert_int_equal(b.size[0], 1);
	assert_int_equal(b.addr[1], 0x1FFF);
	assert_int_equal(b.size[1], 1);
	b.n = 0;
	phys_write(&pm, 0xE0001FFFu, 0x11223344, 4);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.addr[0], 0x1FFF);
	assert_int_equal(b.value[0], 0x44);
	assert_int_equal(b.size[0], 1);

	/* A handler's extra high bits are masked to the access size. */
	a.read_value = 0x12345678;
	assert_int_equal(phys_read(&pm, 0xFEE00000u, 1), 0x78);
	assert_int_equal(phys_read(&pm, 0xFEE00000u, 2), 0x5678);

	/* Host block copies see MMIO byte by byte. */
	a.read_value = 0;
	uint8_t buf[4];
	phys_read_block(&pm, 0xFEE00010u, buf, 4);
	assert_int_equal(buf[0], 0x50);
	assert_int_equal(buf[3], 0x53);
	phys_mem_free(&pm);
}

static void test_mmio_over_ram(void **state)
{
	struct phys_mem pm;
	struct mmio_log a = { 0 };
	assert_int_equal(phys_mem_init(&pm, 1 * MIB, false), 0);
	phys_write(&pm, 0x5000, 0x99, 1);
	assert_int_equal(phys_mem_map_mmio(&pm, 0x5000, 0x1000, &rec_ops, &a), 0);
	assert_null(phys_host_ptr(&pm, 0x5000));
	assert_null(phys_host_ptr_w(&pm, 0x5FFF));
	phys_write(&pm, 0x5004, 0x42, 1);
	assert_int_equal(a.writes, 1);
	assert_int_equal(pm.ram[0x5004], 0);
	assert_int_equal(phys_read(&pm, 0x5000, 1), 0x40);
	/* Neighbouring RAM pages untouched. */
	assert_non_null(phys_host_ptr_w(&pm, 0x4FFF));
	assert_non_null(phys_host_ptr_w(&pm, 0x6000));
	phys_mem_free(&pm);
}

static void test_mmio_rejects(void **state)
{
	struct phys_mem pm;
	struct mmio_log a = { 0 };
	assert_int_equal(phys_mem_init(&pm, 1 * MIB, true), 0);
	assert_int_equal(phys_mem_map_mmio(&pm, 0xD0000000u, 0x4000, &rec_ops, &a), 0);
	/* Overlaps: inside, straddling each end, covering. */
	assert_int_equal(phys_mem_map_mmio(&pm, 0xD0001000u, 0x1000, &rec_ops, &a), -1);
	assert_int_equal(phys_mem_map_mmio(&pm, 0xCFFFF000u, 0x2000, &rec_ops, &a), -1);
	assert_int_equal(phys_mem_map_mmio(&pm, 0xD0003000u, 0x2000, &rec_ops, &a), -1);
	assert_int_equal(phys_mem_map_mmio(&pm, 0xC0000000u, 0x20000000u, &rec_ops, &a), -1);
	/* Adjacent is fine. */
	assert_int_equal(phys_mem_map_mmio(&pm, 0xD0004000u, 0x1000, &rec_ops, &a), 0);
	assert_int_equal(phys_mem_map_mmio(&pm, 0xCFFFF000u, 0x1000, &rec_ops, &a), 0);
	/* Unaligned, empty, or past 4 GiB. */
	assert_int_equal(phys_mem_map_mmio(&pm, 0xE0000800u, 0x1000, &rec_ops, &a), -1);
	assert_int_equal(phys_mem_map_mmio(&pm, 0xE0000000u, 0x800, &rec_ops, &a), -1);
	assert_int_equal(phys_mem_map_mmio(&pm, 0xE0000000u, 0, &rec_ops, &a), -1);
	assert_int_equal(phys_mem_map_mmio(&pm, 0xFFFFF000u, 0x2000, &rec_ops, &a), -1);
	assert_int_equal(phys_mem_map_mmio(&pm, 0xFFFFF000u, 0x1000, &rec_ops, &a), 0);
	/* A full table. */
	unsigned added = pm.mmio_count;
	for (uint32_t i = 0; added < PHYS_MAX_MMIO; i++, added++)
		assert_int_equal(
			phys_mem_map_mmio(&pm, 0x40000000u + i * 0x1000, 0x1000, &rec_ops, &a), 0);
	assert_int_equal(phys_mem_map_mmio(&pm, 0x50000000u, 0x1000, &rec_ops, &a), -1);
	phys_mem_free(&pm);
}

static void test_blocks(void **state)
{
	struct phys_mem pm;
	uint8_t src[10000], dst[10000];
	fill_pattern(src, sizeof(src));
	assert_int_equal(phys_mem_init(&pm, 1 * MIB, true), 0);
	phys_write_block(&pm, 0x10FFF, src, sizeof(src));
	phys_read_block(&pm, 0x10FFF, dst, sizeof(dst));
	assert_memory_equal(src, dst, sizeof(src));
	assert_int_equal(pm.ram[0x10FFF], src[0]);
	assert_int_equal(pm.ram[0x10FFF + 9999], src[9999]);
	/* Across the start of the hole: the unmapped part reads all-ones and
	 * drops the write. */
	phys_write_block(&pm, 0x9FFFC, src, 8);
	phys_read_block(&pm, 0x9FFFC, dst, 8);
	assert_memory_equal(dst, src, 4);
	for (int i = 4; i < 8; i++)
		assert_int_equal(dst[i], 0xFF);
	phys_mem_free(&pm);
}

/* Host memory mapped as RAM-like pages (a linear framebuffer): direct
 * access both ways, refused over anything already mapped, and unmapped
 * again with its code invalidated. */
static void test_map_ram(void **state)
{
	struct phys_mem pm;
	struct mmio_log a = { 0 };
	static uint8_t fb[0x3000];
	memset(fb, 0, sizeof(fb));
	assert_int_equal(phys_mem_init(&pm, 1 * MIB, true), 0);
	assert_int_equal(phys_mem_map_ram(&pm, 0xE0000000u, sizeof(fb), fb), 0);
	assert_ptr_equal(phys_host_ptr_w(&pm, 0xE0000000u), fb);
	assert_ptr_equal(phys_host_ptr(&pm, 0xE0002FFFu), fb + 0x2FFF);
	phys_write(&pm, 0xE0001FFEu, 0x11223344, 4); /* across a page */
	assert_int_equal(fb[0x1FFE], 0x44);
	assert_int_equal(fb[0x2001], 0x11);
	fb[0x10] = 0x5A;
	assert_int_equal(phys_read(&pm, 0xE0000010u, 1), 0x5A);
	assert_int_equal(phys_read(&pm, 0xE0003000u, 1), 0xFF); /* past the end */
	/* Refused: over itself, over guest RAM, over MMIO, unaligned, empty,
	 * past 4 GiB. */
	static uint8_t other[0x1000];
	assert_int_equal(phys_mem_map_ram(&pm, 0xE0002000u, 0x1000, other), -1);
	assert_int_equal(phys_mem_map_ram(&pm, 0x1000, 0x1000, other), -1);
	assert_int_equal(phys_mem_map_mmio(&pm, 0xD0000000u, 0x1000, &rec_ops, &a), 0);
	assert_int_equal(phys_mem_map_ram(&pm, 0xCFFFF000u, 0x2000, other), -1);
	assert_int_equal(phys_mem_map_ram(&pm, 0xC0000800u, 0x1000, other), -1);
	assert_int_equal(phys_mem_map_ram(&pm, 0xC0000000u, 0, other), -1);
	assert_int_equal(phys_mem_map_ram(&pm, 0xFFFFF000u, 0x2000, other), -1);
	/* A refused mapping changed nothing. */
	assert_null(phys_host_ptr(&pm, 0xCFFFF000u));
	/* Unmapping: only what was mapped this way. */
	assert_int_equal(phys_mem_map_ram(&pm, 0x1000, 0x1000, NULL), -1);
	assert_int_equal(phys_mem_map_ram(&pm, 0xD0000000u, 0x1000, NULL), -1);
	assert_int_equal(phys_mem_map_ram(&pm, 0xDFFFF000u, 0x2000, NULL), -1);
	assert_non_null(phys_host_ptr(&pm, 0x1000));
	phys_mark_code(&pm, 0xE0001000u);
	uint32_t gen = phys_code_gen(&pm, 0xE0001000u);
	assert_int_equal(phys_mem_map_ram(&pm, 0xE0000000u, sizeof(fb), NULL), 0);
	assert_null(phys_host_ptr(&pm, 0xE0001000u));
	assert_int_equal(phys_read(&pm, 0xE0000010u, 1), 0xFF);
	assert_int_not_equal(phys_code_gen(&pm, 0xE0001000u), gen);
	/* And mapped again elsewhere. */
	assert_int_equal(phys_mem_map_ram(&pm, 0xF0000000u, sizeof(fb), fb), 0);
	assert_int_equal(phys_read(&pm, 0xF0000010u, 1), 0x5A);
	phys_mem_free(&pm);
}

int main(void)
{
	/* One test a line. */
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_sizes),
		cmocka_unit_test(test_ram_little_endian),
		cmocka_unit_test(test_page_crossing),
		cmocka_unit_test(test_unmapped_all_ones),
		cmocka_unit_test(test_bios_mapping),
		cmocka_unit_test(test_bios_sizes),
		cmocka_unit_test(test_wrap_4g),
		cmocka_unit_test(test_mmio_dispatch),
		cmocka_unit_test(test_mmio_over_ram),
		cmocka_unit_test(test_mmio_rejects),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_map_ram),
	};
	/* clang-format on */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
