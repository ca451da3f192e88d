/* test_exceptions.c: the double-fault rules of cpu/exec.c and their
 * bookkeeping, through cpu_step() on real instruction bytes: a
 * contributory fault while delivering a contributory one becomes #DF with
 * error code 0, counted in cpu->exceptions[] beside the faults that led to
 * it; a benign fault while delivering does not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/cpu/pm_env.h"

#define DF_HANDLER 0x7800u
#define NP_HANDLER 0x7900u

static int setup(void **state)
{
	struct env *e = env_new();
	pm_enter(e);
	pm_gate(e, PM_IDT, EXC_DF * 8, DESC_INT_GATE32, 0, 0x08, DF_HANDLER, 0);
	pm_gate(e, PM_IDT, EXC_NP * 8, DESC_INT_GATE32, 0, 0x08, NP_HANDLER, 0);
	*state = e;
	return 0;
}

/* An interrupt gate for `vec` with its P bit clear. */
static void gate_not_present(struct env *e, int vec)
{
	uint32_t access = PM_IDT + (uint32_t)vec * 8 + 5;
	pm_gate(e, PM_IDT, (unsigned)vec * 8, DESC_INT_GATE32, 0, 0x08, 0x7A00, 0);
	env_w8(e, access, (uint8_t)(env_r8(e, access) & 0x7Fu));
}

static int teardown(void **state)
{
	env_free(*state);
	return 0;
}

/* #GP (a selector past the GDT limit) with a not-present #GP gate: the
 * #NP while delivering it makes a double fault. */
static void test_double_fault_counted(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	static const uint8_t mov_ds_ax[] = { 0x8E, 0xD8 };
	pm_code(e, PM_CODE, mov_ds_ax, sizeof mov_ds_ax);
	gate_not_present(e, EXC_GP);
	c->regs[REG_EAX] = 0x1230;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, DF_HANDLER);
	assert_int_equal(c->exceptions[EXC_GP], 1);
	assert_int_equal(c->exceptions[EXC_NP], 1);
	assert_int_equal(c->exceptions[EXC_DF], 1);
	assert_int_equal(c->regs[REG_ESP], PM_STACK - 16);
	assert_int_equal(env_r32(e, PM_STACK - 16), 0);       /* error code */
	assert_int_equal(env_r32(e, PM_STACK - 12), PM_CODE); /* the faulting MOV */
}

/* #UD (benign) with a not-present gate: the #NP is delivered as it is,
 * error code = the IDT entry (index << 3 | IDT | EXT). */
static void test_benign_then_np(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	static const uint8_t ud2[] = { 0x0F, 0x0B };
	pm_code(e, PM_CODE, ud2, sizeof ud2);
	gate_not_present(e, EXC_UD);
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, NP_HANDLER);
	assert_int_equal(c->exceptions[EXC_UD], 1);
	assert_int_equal(c->exceptions[EXC_NP], 1);
	assert_int_equal(c->exceptions[EXC_DF], 0);
	assert_int_equal(env_r32(e, PM_STACK - 16), EXC_UD * 8 + 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_double_fault_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_benign_then_np, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
