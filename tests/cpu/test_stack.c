/* test_stack.c: the stack handlers of cpu/stack.c (PUSH/POP of every kind,
 * PUSHA/POPA, ENTER, LEAVE), with 16-bit SP wrap-around, the 32-bit stack,
 * and faults that must leave the registers untouched. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "handler_env.h"

#define SS_BASE (ENV_SS << 4)
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

static void test_push_pop_sp_wrap(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "push" };
	struct x86_insn in = insn_make(&op, 2, 2);

	/* push bx with SP = 0: SP wraps to FFFE, the upper half of ESP stays. */
	in.opcode = 0x53;
	e->cpu.regs[REG_ESP] = 0x12340000;
	e->cpu.regs[REG_EBX] = 0xAAAABEEF;
	assert_int_equal(env_exec(e, op_push_Zv, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x1234FFFE);
	assert_int_equal(env_r16(e, SS_BASE + 0xFFFE), 0xBEEF);

	/* pop cx wraps SP back to 0. */
	in.opcode = 0x59;
	e->cpu.regs[REG_ECX] = 0x55550000;
	assert_int_equal(env_exec(e, op_pop_Zv, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x12340000);
	assert_int_equal(e->cpu.regs[REG_ECX], 0x5555BEEF);

	/* A word push at SP = 1 would straddle the limit: #SS, SP unchanged. */
	in.opcode = 0x53;
	e->cpu.regs[REG_ESP] = 1;
	assert_int_equal(env_exec(e, op_push_Zv, &in), EXC_SS);
	assert_int_equal(e->cpu.regs[REG_ESP], 1);
}

static void test_push_sp_pop_sp(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "push" };
	struct x86_insn in = insn_make(&op, 2, 2);

	/* PUSH SP stores the value before the decrement. */
	in.opcode = 0x54;
	e->cpu.regs[REG_ESP] = 0x0100;
	assert_int_equal(env_exec(e, op_push_Zv, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x00FE);
	assert_int_equal(env_r16(e, SS_BASE + 0xFE), 0x0100);

	/* POP SP loads the popped value, not the incremented one. */
	env_w16(e, SS_BASE + 0xFE, 0x4242);
	in.opcode = 0x5C;
	assert_int_equal(env_exec(e, op_pop_Zv, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x4242);

	/* Same on a 32-bit stack with PUSH ESP. */
	env_stack32(e);
	e->cpu.regs[REG_ESP] = 0x8000;
	in = insn_make(&op, 4, 4);
	in.opcode = 0x54;
	assert_int_equal(env_exec(e, op_push_Zv, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x7FFC);
	assert_int_equal(env_r32(e, 0x7FFC), 0x8000);
}

static void test_pop_Ev_uses_incremented_esp(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "pop" };
	env_stack32(e);

	/* pop dword [esp+4] with ESP = 1000: the value goes to 1004 + 4. */
	e->cpu.regs[REG_ESP] = 0x1000;
	env_w32(e, 0x1000, 0xAABBCCDD);
	struct x86_insn in = insn_make(&op, 4, 4);
	insn_mem(&in, SEG_SS, REG_ESP, X86_NO_REG, 0, 4);
	assert_int_equal(env_exec(e, op_pop_Ev, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x1004);
	assert_int_equal(env_r32(e, 0x1008), 0xAABBCCDD);
	assert_int_equal(env_r32(e, 0x1004), 0);

	/* A faulting store leaves ESP as it was. */
	e->cpu.regs[REG_ESP] = 0x2000;
	in.disp = 0x100000 - 0x2004; /* just past the 1 MiB SS limit */
	assert_int_equal(env_exec(e, op_pop_Ev, &in), EXC_SS);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x2000);

	/* Register form: pop di. */
	in = insn_make(&op, 2, 2);
	in.rm = REG_EDI;
	e->cpu.regs[REG_ESP] = 0x3000;
	env_w16(e, 0x3000, 0x1357);
	assert_int_equal(env_exec(e, op_pop_Ev, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDI] & 0xFFFF, 0x1357);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x3002);
}

static void test_push_Ev_and_immediates(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "push" };

	/* push word [sp-relative via bp]: address computed before the push. */
	e->cpu.regs[REG_ESP] = 0x200;
	e->cpu.regs[REG_EBP] = 0x200;
	env_w16(e, SS_BASE + 0x200, 0x7777);
	struct x86_insn in = insn_make(&op, 2, 2);
	insn_mem(&in, SEG_SS, REG_EBP, X86_NO_REG, 0, 0);
	assert_int_equal(env_exec(e, op_push_Ev, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x1FE);
	assert_int_equal(env_r16(e, SS_BASE + 0x1FE), 0x7777);

	/* 6A: the byte is already sign-extended by the decoder. */
	in = insn_make(&op, 2, 2);
	in.imm = 0xFFFFFF80;
	assert_int_equal(env_exec(e, op_push_Ib, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x1FC);
	assert_int_equal(env_r16(e, SS_BASE + 0x1FC), 0xFF80);
	in.opsize = 4;
	assert_int_equal(env_exec(e, op_push_Ib, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x1F8);
	assert_int_equal(env_r32(e, SS_BASE + 0x1F8), 0xFFFFFF80);

	in.imm = 0x12345678;
	assert_int_equal(env_exec(e, op_push_Iz, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x1F4);
	assert_int_equal(env_r32(e, SS_BASE + 0x1F4), 0x12345678);
}

static void test_push_pop_seg(void **state)
{
	struct env *e = *state;
	struct opcode_info push_ds = { .name = "push", .aux = SEG_DS };
	struct opcode_info pop_es = { .name = "pop", .aux = SEG_ES };
	struct opcode_info pop_ss = { .name = "pop", .aux = SEG_SS };

	/* 32-bit operand size: 4 bytes of stack, only 2 written. */
	e->cpu.regs[REG_ESP] = 0x100;
	env_w32(e, SS_BASE + 0xFC, 0xEEEEEEEE);
	struct x86_insn in = insn_make(&push_ds, 4, 2);
	assert_int_equal(env_exec(e, op_push_seg, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ESP], 0xFC);
	assert_int_equal(env_r32(e, SS_BASE + 0xFC), 0xEEEE0000 | ENV_DS);

	/* 16-bit. */
	in.opsize = 2;
	assert_int_equal(env_exec(e, op_push_seg, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ESP], 0xFA);
	assert_int_equal(env_r16(e, SS_BASE + 0xFA), ENV_DS);

	/* pop es */
	env_w16(e, SS_BASE + 0xFA, 0x6789);
	in = insn_make(&pop_es, 2, 2);
	assert_int_equal(env_exec(e, op_pop_seg, &in), -1);
	assert_int_equal(e->cpu.seg[SEG_ES].sel, 0x6789);
	assert_int_equal(e->cpu.seg[SEG_ES].base, 0x67890);
	assert_int_equal(e->cpu.regs[REG_ESP], 0xFC);

	/* pop ss with 32-bit operand size: ESP moves by 4, interrupts held. */
	env_w32(e, SS_BASE + 0xFC, 0xFFFF5000);
	e->cpu.inhibit_intr = 0;
	in = insn_make(&pop_ss, 4, 2);
	assert_int_equal(env_exec(e, op_pop_seg, &in), -1);
	assert_int_equal(e->cpu.seg[SEG_SS].sel, 0x5000);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x100);
	assert_int_equal(e->cpu.inhibit_intr, 1);
}

static void test_pusha_popa(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "pusha" };
	struct x86_insn in = insn_make(&op, 2, 2);

	for (unsigned r = 0; r < 8; r++)
		e->cpu.regs[r] = 0x11110000u * (r + 1) + 0x100 * (r + 1);
	e->cpu.regs[REG_ESP] = 0x00000010;
	assert_int_equal(env_exec(e, op_pusha, &in), -1);
	/* 16 bytes below 0x10 is 0: the slots wrap nowhere here but SP = 0. */
	assert_int_equal(e->cpu.regs[REG_ESP], 0);
	assert_int_equal(env_r16(e, SS_BASE + 0x0E), 0x0100); /* AX */
	assert_int_equal(env_r16(e, SS_BASE + 0x06), 0x0010); /* original SP */
	assert_int_equal(env_r16(e, SS_BASE + 0x00), 0x0800); /* DI */

	/* POPA skips the SP slot and restores the rest. */
	env_w16(e, SS_BASE + 0x06, 0x9999);
	for (unsigned r = 0; r < 8; r++)
		if (r != REG_ESP)
			e->cpu.regs[r] = 0xFFFFFFFF;
	assert_int_equal(env_exec(e, op_popa, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x10);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xFFFF0100);
	assert_int_equal(e->cpu.regs[REG_EBX], 0xFFFF0400);
	assert_int_equal(e->cpu.regs[REG_EBP], 0xFFFF0600);
	assert_int_equal(e->cpu.regs[REG_EDI], 0xFFFF0800);

	/* PUSHA with SP = 8: slots wrap below 0 to the top of the segment. */
	e->cpu.regs[REG_ESP] = 8;
	assert_int_equal(env_exec(e, op_pusha, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ESP], 0xFFF8);
	assert_int_equal(env_r16(e, SS_BASE + 0x06), 0x0100);   /* AX */
	assert_int_equal(env_r16(e, SS_BASE + 0xFFFE), 0x0008); /* SP */

	/* 32-bit PUSHAD / POPAD on a 32-bit stack. */
	env_stack32(e);
	for (unsigned r = 0; r < 8; r++)
		e->cpu.regs[r] = 0x01010101u * (r + 1);
	e->cpu.regs[REG_ESP] = 0x5000;
	in.opsize = 4;
	assert_int_equal(env_exec(e, op_pusha, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x5000 - 32);
	assert_int_equal(env_r32(e, 0x5000 - 4), 0x01010101);
	assert_int_equal(env_r32(e, 0x5000 - 20), 0x5000);
	e->cpu.regs[REG_ECX] = 0;
	assert_int_equal(env_exec(e, op_popa, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ECX], 0x02020202);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x5000);
}

static void test_popa_fault_keeps_registers(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "popa" };
	struct x86_insn in = insn_make(&op, 2, 2);

	/* The last slot (AX) is at FFFF: a straddling word, #SS. */
	e->cpu.regs[REG_ESP] = 0xFFF1;
	e->cpu.regs[REG_EDI] = 0xD1D1;
	assert_int_equal(env_exec(e, op_popa, &in), EXC_SS);
	assert_int_equal(e->cpu.regs[REG_ESP], 0xFFF1);
	assert_int_equal(e->cpu.regs[REG_EDI], 0xD1D1);
}

static void test_enter_leave_16(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "enter" };
	struct x86_insn in = insn_make(&op, 2, 2);

	/* enter 8, 3 with BP = 200, SP = 100: two display entries copied
	 * from the enclosing frame, then the new frame pointer. */
	e->cpu.regs[REG_EBP] = 0xABCD0200;
	e->cpu.regs[REG_ESP] = 0x00000100;
	env_w16(e, SS_BASE + 0x1FE, 0x1111);
	env_w16(e, SS_BASE + 0x1FC, 0x2222);
	in.imm = 8;
	in.imm2 = 3 + 32; /* the level is taken modulo 32 */
	assert_int_equal(env_exec(e, op_enter, &in), -1);
	assert_int_equal(env_r16(e, SS_BASE + 0xFE), 0x0200); /* old BP */
	assert_int_equal(env_r16(e, SS_BASE + 0xFC), 0x1111);
	assert_int_equal(env_r16(e, SS_BASE + 0xFA), 0x2222);
	assert_int_equal(env_r16(e, SS_BASE + 0xF8), 0x00FE); /* frame */
	assert_int_equal(e->cpu.regs[REG_EBP], 0xABCD00FE);
	assert_int_equal(e->cpu.regs[REG_ESP], 0xF0);

	/* leave undoes it. */
	assert_int_equal(env_exec(e, op_leave, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x100);
	assert_int_equal(e->cpu.regs[REG_EBP], 0xABCD0200);

	/* Level 1: just the frame pointer after BP. */
	in.imm = 0;
	in.imm2 = 1;
	assert_int_equal(env_exec(e, op_enter, &in), -1);
	assert_int_equal(env_r16(e, SS_BASE + 0xFC), 0x00FE);
	assert_int_equal(e->cpu.regs[REG_ESP], 0xFC);
	assert_int_equal(e->cpu.regs[REG_EBP] & 0xFFFF, 0xFE);
}

static void test_enter_32(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "enter" };
	struct x86_insn in = insn_make(&op, 4, 4);
	env_stack32(e);

	e->cpu.regs[REG_EBP] = 0x9000;
	e->cpu.regs[REG_ESP] = 0x8000;
	env_w32(e, 0x9000 - 4, 0xCAFEBABE);
	in.imm = 0x100;
	in.imm2 = 2;
	assert_int_equal(env_exec(e, op_enter, &in), -1);
	assert_int_equal(env_r32(e, 0x7FFC), 0x9000);
	assert_int_equal(env_r32(e, 0x7FF8), 0xCAFEBABE);
	assert_int_equal(env_r32(e, 0x7FF4), 0x7FFC);
	assert_int_equal(e->cpu.regs[REG_EBP], 0x7FFC);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x7FF4 - 0x100);

	in.opsize = 4;
	assert_int_equal(env_exec(e, op_leave, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x8000);
	assert_int_equal(e->cpu.regs[REG_EBP], 0x9000);
}

static void test_enter_fault_commits_nothing(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "enter" };
	struct x86_insn in = insn_make(&op, 2, 2);

	/* SS limit FF: the pushes fit, but the final SP (after reserving 0x100
	 * bytes it wraps to FF7E) is outside the segment. */
	e->cpu.seg[SEG_SS].limit = 0xFF;
	e->cpu.regs[REG_ESP] = 0x80;
	e->cpu.regs[REG_EBP] = 0x1234;
	in.imm = 0x100;
	in.imm2 = 0;
	assert_int_equal(env_exec(e, op_enter, &in), EXC_SS);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x80);
	assert_int_equal(e->cpu.regs[REG_EBP], 0x1234);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_push_pop_sp_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_sp_pop_sp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pop_Ev_uses_incremented_esp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_Ev_and_immediates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_pop_seg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pusha_popa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_popa_fault_keeps_registers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enter_leave_16, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enter_32, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enter_fault_commits_nothing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
