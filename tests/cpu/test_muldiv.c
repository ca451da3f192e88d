/* test_muldiv.c: MUL/IMUL (all forms) and DIV/IDIV of cpu/muldiv.c, called
 * directly with hand-built instructions: CF/OF on the high half, the
 * truncating IMUL forms, #DE on a zero divisor and on quotient overflow
 * (registers untouched), and IDIV's most negative quotients. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cpu/flags.h"
#include "handler_env.h"

#define DS_BASE (ENV_DS << 4)

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

static uint32_t cf_of(const struct env *e)
{
	return e->cpu.eflags & (FLAG_CF | FLAG_OF);
}

/* One-operand form with the operand in EBX (or BL). */
static int run_rm(struct env *e, x86_handler h, unsigned opsize, uint32_t src)
{
	static const struct opcode_info info = {.name = "muldiv"};
	struct x86_insn in = insn_make(&info, opsize, 2);
	in.rm = REG_EBX;
	e->cpu.regs[REG_EBX] = src;
	return env_exec(e, h, &in);
}

static void test_mul(void **state)
{
	struct env *e = *state;
	e->cpu.regs[REG_EAX] = 0xFFFF0010;
	assert_int_equal(run_rm(e, op_mul_Eb, 2, 0x10), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xFFFF0100);
	assert_int_equal(cf_of(e), FLAG_CF | FLAG_OF);
	e->cpu.regs[REG_EAX] = 2;
	assert_int_equal(run_rm(e, op_mul_Eb, 2, 3), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 6);
	assert_int_equal(cf_of(e), 0);

	/* 16-bit: DX:AX, upper halves kept. */
	e->cpu.regs[REG_EAX] = 0xAAAAFFFF;
	e->cpu.regs[REG_EDX] = 0xBBBB0000;
	assert_int_equal(run_rm(e, op_mul_Ev, 2, 0xFFFF), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xAAAA0001);
	assert_int_equal(e->cpu.regs[REG_EDX], 0xBBBBFFFE);
	assert_int_equal(cf_of(e), FLAG_CF | FLAG_OF);

	/* 32-bit: EDX:EAX; a zero high half clears CF/OF. */
	e->cpu.regs[REG_EAX] = 0x10000;
	assert_int_equal(run_rm(e, op_mul_Ev, 4, 0x10000), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0);
	assert_int_equal(e->cpu.regs[REG_EDX], 1);
	assert_int_equal(cf_of(e), FLAG_CF | FLAG_OF);
	e->cpu.regs[REG_EAX] = 0xFFFF;
	e->cpu.eflags |= FLAG_CF | FLAG_OF;
	assert_int_equal(run_rm(e, op_mul_Ev, 4, 0x10001), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xFFFFFFFFu);
	assert_int_equal(e->cpu.regs[REG_EDX], 0);
	assert_int_equal(cf_of(e), 0);
}

static void test_imul_one_operand(void **state)
{
	struct env *e = *state;
	/* -1 * -1 = 1: fits. */
	e->cpu.regs[REG_EAX] = 0xFF;
	assert_int_equal(run_rm(e, op_imul_Eb, 2, 0xFF), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x0001);
	assert_int_equal(cf_of(e), 0);
	/* -128 * -1 = 128: does not fit in AL. */
	e->cpu.regs[REG_EAX] = 0x80;
	assert_int_equal(run_rm(e, op_imul_Eb, 2, 0xFF), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x0080);
	assert_int_equal(cf_of(e), FLAG_CF | FLAG_OF);
	/* -2 * 3 = -6: AH is all sign, no overflow. */
	e->cpu.regs[REG_EAX] = 0xFE;
	assert_int_equal(run_rm(e, op_imul_Eb, 2, 3), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xFFFA);
	assert_int_equal(cf_of(e), 0);

	/* 16-bit: -32768 * 2 = -65536 -> DX:AX = FFFF:0000, overflow. */
	e->cpu.regs[REG_EAX] = 0x8000;
	e->cpu.regs[REG_EDX] = 0x12340000;
	assert_int_equal(run_rm(e, op_imul_Ev, 2, 2), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x0000);
	assert_int_equal(e->cpu.regs[REG_EDX], 0x1234FFFF);
	assert_int_equal(cf_of(e), FLAG_CF | FLAG_OF);

	/* 32-bit: -1 * 5 = -5, EDX all ones, no overflow. */
	e->cpu.regs[REG_EAX] = 0xFFFFFFFFu;
	assert_int_equal(run_rm(e, op_imul_Ev, 4, 5), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xFFFFFFFBu);
	assert_int_equal(e->cpu.regs[REG_EDX], 0xFFFFFFFFu);
	assert_int_equal(cf_of(e), 0);
	/* 0x40000000 * 2 = 2^31: positive, does not fit. */
	e->cpu.regs[REG_EAX] = 0x40000000u;
	assert_int_equal(run_rm(e, op_imul_Ev, 4, 2), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x80000000u);
	assert_int_equal(e->cpu.regs[REG_EDX], 0);
	assert_int_equal(cf_of(e), FLAG_CF | FLAG_OF);
}

static void test_imul_truncating_forms(void **state)
{
	struct env *e = *state;
	struct opcode_info info = {.name = "imul"};

	/* 0F AF, 16-bit: 0x7FFF * 2 overflows, CX = 0xFFFE, upper half kept. */
	struct x86_insn in = insn_make(&info, 2, 2);
	in.reg = REG_ECX;
	in.rm = REG_EBX;
	e->cpu.regs[REG_ECX] = 0x55557FFF;
	e->cpu.regs[REG_EBX] = 2;
	assert_int_equal(env_exec(e, op_imul_Gv_Ev, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ECX], 0x5555FFFE);
	assert_int_equal(cf_of(e), FLAG_CF | FLAG_OF);

	/* 0F AF, 32-bit from memory: -3 * 7 = -21. */
	in = insn_make(&info, 4, 2);
	in.reg = REG_EDX;
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0x80);
	env_w32(e, DS_BASE + 0x80, 7);
	e->cpu.regs[REG_EDX] = (uint32_t)-3;
	assert_int_equal(env_exec(e, op_imul_Gv_Ev, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], (uint32_t)-21);
	assert_int_equal(cf_of(e), 0);

	/* 6B: sign-extended imm8 (-1) times 5; the destination is G, the
	 * source E. */
	in = insn_make(&info, 4, 2);
	in.reg = REG_EDI;
	in.rm = REG_ESI;
	in.imm = 0xFFFFFFFFu;
	e->cpu.regs[REG_ESI] = 5;
	e->cpu.regs[REG_EDI] = 0x12345678;
	assert_int_equal(env_exec(e, op_imul_Gv_Ev_Ib, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDI], (uint32_t)-5);
	assert_int_equal(e->cpu.regs[REG_ESI], 5);
	assert_int_equal(cf_of(e), 0);

	/* 69, 16-bit: imm16 0x8000 is -32768; times -1 = 32768 overflows. */
	in = insn_make(&info, 2, 2);
	in.reg = REG_EAX;
	in.rm = REG_EBX;
	in.imm = 0x8000;
	e->cpu.regs[REG_EBX] = 0xFFFF;
	assert_int_equal(env_exec(e, op_imul_Gv_Ev_Iz, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFFFF, 0x8000);
	assert_int_equal(cf_of(e), FLAG_CF | FLAG_OF);
	/* ...times 1 fits. */
	e->cpu.regs[REG_EBX] = 1;
	assert_int_equal(env_exec(e, op_imul_Gv_Ev_Iz, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFFFF, 0x8000);
	assert_int_equal(cf_of(e), 0);

	/* 69, 32-bit: 0x10000 * 0x10000 overflows, low half 0. */
	in = insn_make(&info, 4, 2);
	in.reg = REG_EAX;
	in.rm = REG_EBX;
	in.imm = 0x10000;
	e->cpu.regs[REG_EBX] = 0x10000;
	assert_int_equal(env_exec(e, op_imul_Gv_Ev_Iz, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0);
	assert_int_equal(cf_of(e), FLAG_CF | FLAG_OF);
}

static void test_div(void **state)
{
	struct env *e = *state;
	/* 8-bit: AX / BL -> AL quotient, AH remainder. */
	e->cpu.regs[REG_EAX] = 0xABCD0107; /* 263 */
	assert_int_equal(run_rm(e, op_div_Eb, 2, 10), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xABCD031A); /* 26 r 3 */

	/* 16-bit: DX:AX / BX. */
	e->cpu.regs[REG_EAX] = 0x0000;
	e->cpu.regs[REG_EDX] = 0x0001; /* 65536 */
	assert_int_equal(run_rm(e, op_div_Ev, 2, 0x100), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x0100);
	assert_int_equal(e->cpu.regs[REG_EDX], 0x0000);

	/* 32-bit: EDX:EAX / EBX, the largest quotient that fits. */
	e->cpu.regs[REG_EAX] = 0xFFFFFFFEu;
	e->cpu.regs[REG_EDX] = 0x00000001u; /* 0x1FFFFFFFE = 2 * 0xFFFFFFFF */
	assert_int_equal(run_rm(e, op_div_Ev, 4, 2), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xFFFFFFFFu);
	assert_int_equal(e->cpu.regs[REG_EDX], 0);

	/* Flags are left as they were. */
	e->cpu.eflags = FLAG_1 | FLAG_ZF | FLAG_CF;
	e->cpu.regs[REG_EAX] = 100;
	e->cpu.regs[REG_EDX] = 0;
	assert_int_equal(run_rm(e, op_div_Ev, 4, 7), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 14);
	assert_int_equal(e->cpu.regs[REG_EDX], 2);
	assert_int_equal(e->cpu.eflags & FLAGS_ARITH, FLAG_ZF | FLAG_CF);
}

static void test_div_faults(void **state)
{
	struct env *e = *state;
	/* Divide by zero. */
	e->cpu.regs[REG_EAX] = 0x1234;
	assert_int_equal(run_rm(e, op_div_Eb, 2, 0), EXC_DE);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x1234);
	/* Quotient 0x100 does not fit in AL. */
	e->cpu.regs[REG_EAX] = 0x1000;
	assert_int_equal(run_rm(e, op_div_Eb, 2, 0x10), EXC_DE);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x1000);
	/* 16-bit: DX >= divisor overflows. */
	e->cpu.regs[REG_EAX] = 0;
	e->cpu.regs[REG_EDX] = 5;
	assert_int_equal(run_rm(e, op_div_Ev, 2, 5), EXC_DE);
	assert_int_equal(e->cpu.regs[REG_EDX], 5);
	/* 32-bit. */
	e->cpu.regs[REG_EAX] = 0;
	e->cpu.regs[REG_EDX] = 1;
	assert_int_equal(run_rm(e, op_div_Ev, 4, 1), EXC_DE);
	assert_int_equal(e->cpu.regs[REG_EDX], 1);
	assert_int_equal(run_rm(e, op_div_Ev, 4, 0), EXC_DE);
	/* A zero divisor read from memory. */
	static const struct opcode_info info = {.name = "div"};
	struct x86_insn in = insn_make(&info, 2, 2);
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0x90);
	env_w16(e, DS_BASE + 0x90, 0);
	assert_int_equal(env_exec(e, op_div_Ev, &in), EXC_DE);
}

static void test_idiv(void **state)
{
	struct env *e = *state;
	/* -7 / 2 = -3 remainder -1 (truncation toward zero). */
	e->cpu.regs[REG_EAX] = 0xFFF9;
	assert_int_equal(run_rm(e, op_idiv_Eb, 2, 2), -1);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFFFF, 0xFFFD);
	/* 7 / -2 = -3 remainder 1. */
	e->cpu.regs[REG_EAX] = 7;
	assert_int_equal(run_rm(e, op_idiv_Eb, 2, 0xFE), -1);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFFFF, 0x01FD);
	/* The most negative quotient is valid on a 386 and later. */
	e->cpu.regs[REG_EAX] = 0xFF80; /* -128 / 1 */
	assert_int_equal(run_rm(e, op_idiv_Eb, 2, 1), -1);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFFFF, 0x0080);
	e->cpu.regs[REG_EAX] = 0x0080; /* 128 / -1 = -128 */
	assert_int_equal(run_rm(e, op_idiv_Eb, 2, 0xFF), -1);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFFFF, 0x0080);

	/* 16-bit: -32768 as quotient is fine, 32768 is not. */
	e->cpu.regs[REG_EAX] = 0x0000;
	e->cpu.regs[REG_EDX] = 0xFFFF; /* -65536 */
	assert_int_equal(run_rm(e, op_idiv_Ev, 2, 2), -1);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFFFF, 0x8000);
	assert_int_equal(e->cpu.regs[REG_EDX] & 0xFFFF, 0);

	/* 32-bit: -2^31 / 1. */
	e->cpu.regs[REG_EAX] = 0x80000000u;
	e->cpu.regs[REG_EDX] = 0xFFFFFFFFu;
	assert_int_equal(run_rm(e, op_idiv_Ev, 4, 1), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x80000000u);
	assert_int_equal(e->cpu.regs[REG_EDX], 0);
	/* -100 / 7 = -14 remainder -2. */
	e->cpu.regs[REG_EAX] = (uint32_t)-100;
	e->cpu.regs[REG_EDX] = 0xFFFFFFFFu;
	assert_int_equal(run_rm(e, op_idiv_Ev, 4, 7), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], (uint32_t)-14);
	assert_int_equal(e->cpu.regs[REG_EDX], (uint32_t)-2);
}

static void test_idiv_faults(void **state)
{
	struct env *e = *state;
	/* 128 / 1 does not fit in AL. */
	e->cpu.regs[REG_EAX] = 0x0080;
	assert_int_equal(run_rm(e, op_idiv_Eb, 2, 1), EXC_DE);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x0080);
	/* -32768 / -1 (8-bit). */
	e->cpu.regs[REG_EAX] = 0x8000;
	assert_int_equal(run_rm(e, op_idiv_Eb, 2, 0xFF), EXC_DE);
	assert_int_equal(run_rm(e, op_idiv_Eb, 2, 0), EXC_DE);
	/* 16-bit: -2^31 / -1 overflows. */
	e->cpu.regs[REG_EAX] = 0x0000;
	e->cpu.regs[REG_EDX] = 0x8000;
	assert_int_equal(run_rm(e, op_idiv_Ev, 2, 0xFFFF), EXC_DE);
	assert_int_equal(e->cpu.regs[REG_EDX], 0x8000);
	/* 32768 / 1. */
	e->cpu.regs[REG_EAX] = 0x8000;
	e->cpu.regs[REG_EDX] = 0x0000;
	assert_int_equal(run_rm(e, op_idiv_Ev, 2, 1), EXC_DE);
	/* 32-bit: INT64_MIN / -1 must fault, not crash the host. */
	e->cpu.regs[REG_EAX] = 0;
	e->cpu.regs[REG_EDX] = 0x80000000u;
	assert_int_equal(run_rm(e, op_idiv_Ev, 4, 0xFFFFFFFFu), EXC_DE);
	assert_int_equal(e->cpu.regs[REG_EAX], 0);
	assert_int_equal(e->cpu.regs[REG_EDX], 0x80000000u);
	/* 2^31 / 1 and / 0. */
	e->cpu.regs[REG_EAX] = 0x80000000u;
	e->cpu.regs[REG_EDX] = 0;
	assert_int_equal(run_rm(e, op_idiv_Ev, 4, 1), EXC_DE);
	assert_int_equal(run_rm(e, op_idiv_Ev, 4, 0), EXC_DE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mul, setup, teardown),
		cmocka_unit_test_setup_teardown(test_imul_one_operand, setup, teardown),
		cmocka_unit_test_setup_teardown(test_imul_truncating_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_div, setup, teardown),
		cmocka_unit_test_setup_teardown(test_div_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idiv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idiv_faults, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
