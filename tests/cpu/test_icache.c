/* test_icache.c: the decoded-instruction cache. It must serve repeated
 * fetches from the cache, and must see every change to code: a guest store
 * (self-modifying code), a host-side write (a device or loader), on the same
 * page as the code or not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cpu/icache.h"
#include "handler_env.h"

/* CS=1000, code at 1000:0100 = linear 0x10100. */
#define CODE 0x10100u

static void run_at_code(struct env *e)
{
	e->cpu.eip = 0x100;
	assert_int_equal(cpu_step(&e->cpu), CPU_RUNNING);
}

static int setup(void **state)
{
	struct env *e = env_new();
	e->cpu.icache = calloc(1, sizeof(struct icache));
	assert_non_null(e->cpu.icache);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	free(e->cpu.icache);
	env_free(e);
	return 0;
}

static void test_hit_and_guest_store(void **state)
{
	struct env *e = *state;
	const uint8_t mov_al_1[] = {0xB0, 0x01};
	phys_write_block(&e->pm, CODE, mov_al_1, sizeof(mov_al_1));

	run_at_code(e);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFF, 1);
	/* The page now holds cached code: direct writes are off. */
	assert_true(e->pm.flags[CODE >> PHYS_PAGE_SHIFT] & PHYS_PAGE_CODE);
	assert_null(phys_host_ptr_w(&e->pm, CODE));
	uint32_t gen = phys_code_gen(&e->pm, CODE);

	/* Runs again from the cache. */
	e->cpu.regs[REG_EAX] = 0;
	run_at_code(e);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFF, 1);
	assert_int_equal(phys_code_gen(&e->pm, CODE), gen);

	/* A guest store into the immediate (through 1000:0101). */
	cpu_write8(&e->cpu, SEG_ES, 0, 0); /* another page: no effect */
	assert_int_equal(phys_code_gen(&e->pm, CODE), gen);
	cpu_load_seg_real(&e->cpu, SEG_DS, 0x1000);
	cpu_write8(&e->cpu, SEG_DS, 0x101, 0x02);
	assert_int_equal(phys_code_gen(&e->pm, CODE), gen + 1);
	run_at_code(e);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFF, 2);
}

static void test_host_write_and_same_page_data(void **state)
{
	struct env *e = *state;
	const uint8_t mov_al_5[] = {0xB0, 0x05};
	phys_write_block(&e->pm, CODE, mov_al_5, sizeof(mov_al_5));
	run_at_code(e);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFF, 5);

	/* A host-side write (as DMA would do) is seen too. */
	const uint8_t mov_al_6[] = {0xB0, 0x06};
	phys_write_block(&e->pm, CODE, mov_al_6, sizeof(mov_al_6));
	run_at_code(e);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFF, 6);

	/* Data on the same page as code: the write lands, and the code
	 * still runs (re-decoded) with its own bytes. */
	cpu_load_seg_real(&e->cpu, SEG_DS, 0x1000);
	cpu_write16(&e->cpu, SEG_DS, 0x800, 0xBEEF);
	assert_int_equal(cpu_read16(&e->cpu, SEG_DS, 0x800), 0xBEEF);
	run_at_code(e);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFF, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hit_and_guest_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_write_and_same_page_data, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
