/* test_linux_regress.c: CPU bugs that booting Linux (tests/guests/linux)
 * found, one test each, with the kernel code that tripped over them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cpu/flags.h"
#include "handler_env.h"

static int setup(void **state)
{
	*state = env_new();
	return 0;
}

static int teardown(void **state)
{
	env_free(*state);
	return 0;
}

/* Linux's fls() is "bsrl %1,%0; cmovzl %2,%0" with %2 = -1: ZF must say
 * whether the source was zero, not whether the index found is 0. With
 * ZF=1 for a source of 1, fls(1) was 0 and get_count_order() gave huge
 * allocation orders (ftrace_init warned in __alloc_pages). */
static void test_bsf_bsr_bit0_clears_zf(void **state)
{
	struct env *e = *state;
	struct opcode_info info = {.name = "bsx"};
	struct x86_insn in = insn_make(&info, 4, 2);
	in.reg = REG_EDX;
	in.rm = REG_EBX;
	e->cpu.regs[REG_EBX] = 1;
	e->cpu.eflags |= FLAG_ZF;
	assert_int_equal(env_exec(e, op_bsr_Gv_Ev, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0);
	assert_int_equal(e->cpu.eflags & FLAG_ZF, 0);
	e->cpu.eflags |= FLAG_ZF;
	e->cpu.regs[REG_EBX] = 0x80000001u;
	assert_int_equal(env_exec(e, op_bsf_Gv_Ev, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0);
	assert_int_equal(e->cpu.eflags & FLAG_ZF, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bsf_bsr_bit0_clears_zf, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
