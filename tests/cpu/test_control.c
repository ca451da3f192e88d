/* test_control.c: the near control transfers and small handlers of
 * cpu/control.c: Jcc with 16-bit IP wrap and the CS limit check, JMP/CALL
 * near, RET with an immediate, LOOP with a 16-bit CX, JCXZ, BOUND, the flag
 * instructions and the #UD / #NM handlers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "handler_env.h"

#define SS_BASE (ENV_SS << 4)
#define DS_BASE (ENV_DS << 4)

/* Condition codes (aux of Jcc). */
enum { CC_E = 4, CC_NE = 5, CC_L = 12 };

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

/* Places the instruction at `eip` with length `len`. */
static void at(struct env *e, uint32_t eip, unsigned len)
{
	e->cpu.eip = eip;
	e->cpu.next_eip = eip + len;
}

static void test_jcc_wraps_ip(void **state)
{
	struct env *e = *state;
	struct opcode_info je = { .name = "je", .aux = CC_E };
	struct x86_insn in = insn_make(&je, 2, 2);
	in.imm = 0x20;

	/* Taken: FFF2 + 20 wraps to 0012. */
	e->cpu.eflags |= FLAG_ZF;
	at(e, 0xFFF0, 2);
	assert_int_equal(env_exec(e, op_jcc_Jb, &in), -1);
	assert_int_equal(e->cpu.next_eip, 0x0012);

	/* Backwards across 0: 0004 - 10 = FFF4. */
	in.imm = (uint32_t)-0x10;
	at(e, 0x0002, 2);
	assert_int_equal(env_exec(e, op_jcc_Jb, &in), -1);
	assert_int_equal(e->cpu.next_eip, 0xFFF4);

	/* Not taken: falls through. */
	e->cpu.eflags &= ~(uint32_t)FLAG_ZF;
	at(e, 0x1000, 2);
	assert_int_equal(env_exec(e, op_jcc_Jb, &in), -1);
	assert_int_equal(e->cpu.next_eip, 0x1002);

	/* JL reads SF != OF. */
	struct opcode_info jl = { .name = "jl", .aux = CC_L };
	in = insn_make(&jl, 2, 2);
	in.imm = 0x100;
	e->cpu.eflags |= FLAG_OF;
	at(e, 0x1000, 4);
	assert_int_equal(env_exec(e, op_jcc_Jz, &in), -1);
	assert_int_equal(e->cpu.next_eip, 0x1104);
}

static void test_jump_beyond_cs_limit(void **state)
{
	struct env *e = *state;
	struct opcode_info jmp = { .name = "jmp" };

	/* 32-bit operand size: no wrap, so 0xFFF6 + 0x20 > limit: #GP(0) and
	 * next_eip untouched. */
	struct x86_insn in = insn_make(&jmp, 4, 2);
	in.imm = 0x20;
	at(e, 0xFFF0, 6);
	assert_int_equal(env_exec(e, op_jmp_Jz, &in), EXC_GP);
	assert_true(e->cpu.exc_has_err);
	assert_int_equal(e->cpu.exc_err, 0);
	assert_int_equal(e->cpu.next_eip, 0xFFF6);

	/* With a bigger limit it goes through. */
	e->cpu.seg[SEG_CS].limit = 0xFFFFF;
	assert_int_equal(env_exec(e, op_jmp_Jz, &in), -1);
	assert_int_equal(e->cpu.next_eip, 0x10016);

	/* A CALL to a bad target pushes nothing. */
	e->cpu.seg[SEG_CS].limit = 0xFFFF;
	e->cpu.regs[REG_ESP] = 0x100;
	at(e, 0xFFF0, 6);
	assert_int_equal(env_exec(e, op_call_Jz, &in), EXC_GP);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x100);
}

static void test_jmp_call_Ev(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "jmp" };

	/* jmp bx with 16-bit size: only BX counts. */
	struct x86_insn in = insn_make(&op, 2, 2);
	in.rm = REG_EBX;
	e->cpu.regs[REG_EBX] = 0xFFFF1234;
	at(e, 0x100, 2);
	assert_int_equal(env_exec(e, op_jmp_Ev, &in), -1);
	assert_int_equal(e->cpu.next_eip, 0x1234);

	/* call word [bp] where BP = SP: the operand is read before the push. */
	e->cpu.regs[REG_ESP] = 0x200;
	e->cpu.regs[REG_EBP] = 0x200;
	env_w16(e, SS_BASE + 0x200, 0x4000);
	in = insn_make(&op, 2, 2);
	insn_mem(&in, SEG_SS, REG_EBP, X86_NO_REG, 0, 0);
	at(e, 0x300, 3);
	assert_int_equal(env_exec(e, op_call_Ev, &in), -1);
	assert_int_equal(e->cpu.next_eip, 0x4000);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x1FE);
	assert_int_equal(env_r16(e, SS_BASE + 0x1FE), 0x303);
}

static void test_call_ret(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "call" };
	struct x86_insn in = insn_make(&op, 2, 2);

	/* call rel16 from FFF0 (len 3) to FFF3 + 100 = 00F3 (wrapped). */
	e->cpu.regs[REG_ESP] = 0x1000;
	in.imm = 0x100;
	at(e, 0xFFF0, 3);
	assert_int_equal(env_exec(e, op_call_Jz, &in), -1);
	assert_int_equal(e->cpu.next_eip, 0x00F3);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x0FFE);
	assert_int_equal(env_r16(e, SS_BASE + 0xFFE), 0xFFF3);

	/* ret 6 pops the return address and 6 bytes of arguments. */
	in = insn_make(&op, 2, 2);
	in.imm = 6;
	at(e, 0x00F3, 3);
	assert_int_equal(env_exec(e, op_ret_near_Iw, &in), -1);
	assert_int_equal(e->cpu.next_eip, 0xFFF3);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x1006);

	/* Plain ret with a 32-bit operand size on a 16-bit stack. */
	env_w32(e, SS_BASE + 0x1006, 0x00000ABC);
	in.opsize = 4;
	assert_int_equal(env_exec(e, op_ret_near, &in), -1);
	assert_int_equal(e->cpu.next_eip, 0x0ABC);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x100A);

	/* A return address past the CS limit: #GP, SP unchanged. */
	env_w32(e, SS_BASE + 0x100A, 0x00012345);
	assert_int_equal(env_exec(e, op_ret_near, &in), EXC_GP);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x100A);
}

static void test_loop_16bit_cx(void **state)
{
	struct env *e = *state;
	struct opcode_info loop = { .name = "loop", .aux = 2 };
	struct x86_insn in = insn_make(&loop, 2, 2);
	in.imm = (uint32_t)-0x10;

	/* CX = 0 with ECX upper bits set: CX wraps to FFFF, branch taken,
	 * the upper half of ECX untouched. */
	e->cpu.regs[REG_ECX] = 0x00010000;
	at(e, 0x200, 2);
	assert_int_equal(env_exec(e, op_loop, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ECX], 0x0001FFFF);
	assert_int_equal(e->cpu.next_eip, 0x1F2);

	/* CX = 1: becomes 0, not taken (ECX upper half is not looked at). */
	e->cpu.regs[REG_ECX] = 0x00010001;
	at(e, 0x200, 2);
	assert_int_equal(env_exec(e, op_loop, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ECX], 0x00010000);
	assert_int_equal(e->cpu.next_eip, 0x202);

	/* 32-bit address size uses ECX. */
	in.adsize = 4;
	e->cpu.regs[REG_ECX] = 0x00010000;
	at(e, 0x200, 2);
	assert_int_equal(env_exec(e, op_loop, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ECX], 0x0000FFFF);
	assert_int_equal(e->cpu.next_eip, 0x1F2);
}

static void test_loope_loopne(void **state)
{
	struct env *e = *state;
	struct opcode_info loopne = { .name = "loopne", .aux = 0 };
	struct opcode_info loope = { .name = "loope", .aux = 1 };
	struct x86_insn ne = insn_make(&loopne, 2, 2);
	struct x86_insn eq = insn_make(&loope, 2, 2);
	ne.imm = eq.imm = 0x10;

	e->cpu.eflags |= FLAG_ZF;
	e->cpu.regs[REG_ECX] = 5;
	at(e, 0x100, 2);
	assert_int_equal(env_exec(e, op_loop, &ne), -1);
	assert_int_equal(e->cpu.next_eip, 0x102); /* ZF=1 stops LOOPNE */
	assert_int_equal(e->cpu.regs[REG_ECX], 4);
	at(e, 0x100, 2);
	assert_int_equal(env_exec(e, op_loop, &eq), -1);
	assert_int_equal(e->cpu.next_eip, 0x112);
	assert_int_equal(e->cpu.regs[REG_ECX], 3);

	e->cpu.eflags &= ~(uint32_t)FLAG_ZF;
	at(e, 0x100, 2);
	assert_int_equal(env_exec(e, op_loop, &eq), -1);
	assert_int_equal(e->cpu.next_eip, 0x102);
	at(e, 0x100, 2);
	assert_int_equal(env_exec(e, op_loop, &ne), -1);
	assert_int_equal(e->cpu.next_eip, 0x112);
	assert_int_equal(e->cpu.regs[REG_ECX], 1);
	uint32_t flags = e->cpu.eflags;
	at(e, 0x100, 2);
	assert_int_equal(env_exec(e, op_loop, &ne), -1); /* count ran out */
	assert_int_equal(e->cpu.next_eip, 0x102);
	assert_int_equal(e->cpu.regs[REG_ECX], 0);
	assert_int_equal(e->cpu.eflags, flags); /* LOOP leaves the flags alone */
}

static void test_jcxz(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "jcxz" };
	struct x86_insn in = insn_make(&op, 2, 2);
	in.imm = 0x40;

	e->cpu.regs[REG_ECX] = 0xFFFF0000;
	at(e, 0x100, 2);
	assert_int_equal(env_exec(e, op_jcxz, &in), -1);
	assert_int_equal(e->cpu.next_eip, 0x142);

	in.adsize = 4; /* JECXZ */
	at(e, 0x100, 2);
	assert_int_equal(env_exec(e, op_jcxz, &in), -1);
	assert_int_equal(e->cpu.next_eip, 0x102);
}

static void test_bound(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "bound" };
	struct x86_insn in = insn_make(&op, 2, 2);
	in.reg = REG_EAX;
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0x10);
	env_w16(e, DS_BASE + 0x10, (uint16_t)-5); /* signed bounds -5 .. 100 */
	env_w16(e, DS_BASE + 0x12, 100);

	e->cpu.regs[REG_EAX] = (uint16_t)-5;
	assert_int_equal(env_exec(e, op_bound, &in), -1);
	e->cpu.regs[REG_EAX] = 100;
	assert_int_equal(env_exec(e, op_bound, &in), -1);
	e->cpu.regs[REG_EAX] = 101;
	assert_int_equal(env_exec(e, op_bound, &in), EXC_BR);
	e->cpu.regs[REG_EAX] = (uint16_t)-6;
	assert_int_equal(env_exec(e, op_bound, &in), EXC_BR);

	/* 32-bit bounds. */
	env_w32(e, DS_BASE + 0x20, 0x10);
	env_w32(e, DS_BASE + 0x24, 0xFFFFFFFFu); /* upper -1: empty range */
	in.opsize = 4;
	in.disp = 0x20;
	e->cpu.regs[REG_EAX] = 0x10;
	assert_int_equal(env_exec(e, op_bound, &in), EXC_BR);
	env_w32(e, DS_BASE + 0x24, 0x10);
	assert_int_equal(env_exec(e, op_bound, &in), -1);

	/* Register operand: #UD. */
	in = insn_make(&op, 2, 2);
	assert_int_equal(env_exec(e, op_bound, &in), EXC_UD);
}

static void test_flag_ops(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "flag" };
	struct x86_insn in = insn_make(&op, 2, 2);
	e->cpu.eflags = FLAG_1 | FLAG_ZF;

	env_exec(e, op_stc, &in);
	assert_int_equal(e->cpu.eflags, FLAG_1 | FLAG_ZF | FLAG_CF);
	env_exec(e, op_cmc, &in);
	assert_int_equal(e->cpu.eflags, FLAG_1 | FLAG_ZF);
	env_exec(e, op_cmc, &in);
	assert_int_equal(e->cpu.eflags, FLAG_1 | FLAG_ZF | FLAG_CF);
	env_exec(e, op_clc, &in);
	assert_int_equal(e->cpu.eflags, FLAG_1 | FLAG_ZF);
	env_exec(e, op_std, &in);
	assert_int_equal(e->cpu.eflags, FLAG_1 | FLAG_ZF | FLAG_DF);
	env_exec(e, op_cld, &in);
	assert_int_equal(e->cpu.eflags, FLAG_1 | FLAG_ZF);
}

static void test_ud_and_fpu(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "ud" };
	struct x86_insn in = insn_make(&op, 2, 2);

	assert_int_equal(env_exec(e, op_ud, &in), EXC_UD);
	assert_false(e->cpu.exc_has_err);

	/* CR0.EM and TS clear: the escape runs on the x87 (opcode byte 0 and
	 * ModRM C0 pick D8 C0, FADD ST(0), ST(0), on the zeros reset leaves
	 * there) and raises nothing... */
	e->cpu.cr[0] &= ~(uint32_t)(CR0_EM | CR0_TS | CR0_MP);
	assert_int_equal(env_exec(e, op_fpu_esc, &in), -1);
	/* ...unless CR0.TS or CR0.EM asks for #NM. */
	e->cpu.cr[0] |= CR0_TS;
	assert_int_equal(env_exec(e, op_fpu_esc, &in), EXC_NM);
	e->cpu.cr[0] &= ~(uint32_t)CR0_TS;
	e->cpu.cr[0] |= CR0_EM;
	assert_int_equal(env_exec(e, op_fpu_esc, &in), EXC_NM);

	/* WAIT faults only with both TS and MP. */
	e->cpu.cr[0] &= ~(uint32_t)(CR0_EM | CR0_TS | CR0_MP);
	assert_int_equal(env_exec(e, op_fwait, &in), -1);
	e->cpu.cr[0] |= CR0_TS;
	assert_int_equal(env_exec(e, op_fwait, &in), -1);
	e->cpu.cr[0] |= CR0_MP;
	assert_int_equal(env_exec(e, op_fwait, &in), EXC_NM);
	e->cpu.cr[0] &= ~(uint32_t)CR0_TS;
	assert_int_equal(env_exec(e, op_fwait, &in), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_jcc_wraps_ip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jump_beyond_cs_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jmp_call_Ev, setup, teardown),
		cmocka_unit_test_setup_teardown(test_call_ret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_16bit_cx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loope_loopne, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jcxz, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flag_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ud_and_fpu, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
