/* test_flags.c: the flag helpers. The host-assisted flags_add/flags_sub
 * (x86 hosts) must agree with the portable reference versions on every
 * 8-bit input and on many 16- and 32-bit ones, and both must match a few
 * hand-checked cases, so a broken version of either is caught. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cpu/flags.h"

static void test_known_cases(void **state)
{
	(void)state;
	/* 0x7F + 1: OF, SF, AF; no CF. */
	assert_int_equal(flags_add(1, 0x7F, 1, 0), FLAG_OF | FLAG_SF | FLAG_AF);
	assert_int_equal(flags_add_c(1, 0x7F, 1, 0), FLAG_OF | FLAG_SF | FLAG_AF);
	/* 0xFFFF + 1 = 0: CF, ZF, AF, PF. */
	assert_int_equal(flags_add(2, 0xFFFF, 1, 0), FLAG_CF | FLAG_ZF | FLAG_AF | FLAG_PF);
	/* 0 - 1 with borrow in: 0xFFFFFFFE, CF SF AF. */
	assert_int_equal(flags_sub(4, 0, 1, 1), FLAG_CF | FLAG_SF | FLAG_AF);
	assert_int_equal(flags_sub_c(4, 0, 1, 1), FLAG_CF | FLAG_SF | FLAG_AF);
	/* 0x80000000 - 1: OF (and AF, PF from 0x7FFFFFFF's low byte 0xFF). */
	assert_int_equal(flags_sub(4, 0x80000000u, 1, 0), FLAG_OF | FLAG_AF | FLAG_PF);
	/* ADC with a carry that makes the sum wrap. */
	assert_int_equal(flags_add(1, 0xFF, 0, 1), FLAG_CF | FLAG_ZF | FLAG_AF | FLAG_PF);
}

static void test_all_bytes_agree(void **state)
{
	(void)state;
	for (uint32_t a = 0; a < 256; a++)
		for (uint32_t b = 0; b < 256; b++)
			for (uint32_t c = 0; c < 2; c++) {
				assert_int_equal(flags_add(1, a, b, c), flags_add_c(1, a, b, c));
				assert_int_equal(flags_sub(1, a, b, c), flags_sub_c(1, a, b, c));
			}
}

static void test_wide_agree(void **state)
{
	(void)state;
	uint32_t x = 0x12345678u;
	for (int i = 0; i < 200000; i++) {
		/* xorshift32: a fixed, repeatable sequence */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		uint32_t a = x, b = x * 2654435761u, c = (x >> 7) & 1;
		for (unsigned size = 2; size <= 4; size += 2) {
			assert_int_equal(flags_add(size, a, b, c), flags_add_c(size, a, b, c));
			assert_int_equal(flags_sub(size, a, b, c), flags_sub_c(size, a, b, c));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_cases),
		cmocka_unit_test(test_all_bytes_agree),
		cmocka_unit_test(test_wide_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
