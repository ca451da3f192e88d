/* test_data.c: the data movement handlers of cpu/data.c, called directly
 * with hand-built instructions (MOV forms, segment moves, LEA, XCHG,
 * MOVZX/MOVSX, conversions, XLAT, LAHF/SAHF, far pointer loads). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cpu/flags.h"
#include "handler_env.h"

#define DS_BASE (ENV_DS << 4)
#define ES_BASE (ENV_ES << 4)

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

static void test_mov_reg_and_mem(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "mov" };
	e->cpu.regs[REG_EBX] = 0x11223344;
	e->cpu.regs[REG_ECX] = 0xAABBCCDD;

	/* 89 /r, 16-bit: only the low word of ECX changes. */
	struct x86_insn in = insn_make(&op, 2, 2);
	in.reg = REG_EBX;
	in.rm = REG_ECX;
	assert_int_equal(env_exec(e, op_mov_Ev_Gv, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ECX], 0xAABB3344);

	/* 88 /r to memory: mov [bx+si+4], bh */
	in = insn_make(&op, 2, 2);
	in.reg = 7; /* BH */
	e->cpu.regs[REG_EBX] = 0x0010;
	e->cpu.regs[REG_ESI] = 0x0020;
	e->cpu.regs[REG_EBX] |= 0x5A00;
	insn_mem(&in, SEG_DS, REG_EBX, REG_ESI, 0, 4);
	assert_int_equal(env_exec(e, op_mov_Eb_Gb, &in), -1);
	assert_int_equal(env_r8(e, DS_BASE + 0x5A10 + 0x20 + 4), 0x5A);

	/* 8B /r, 32-bit, from memory with a 16-bit address that wraps. */
	env_w32(e, DS_BASE + 0x0003, 0xCAFEF00D);
	in = insn_make(&op, 4, 2);
	in.reg = REG_EDX;
	e->cpu.regs[REG_EBX] = 0xFFFF;
	insn_mem(&in, SEG_DS, REG_EBX, X86_NO_REG, 0, 4);
	assert_int_equal(env_exec(e, op_mov_Gv_Ev, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0xCAFEF00D);

	/* C7 /0 with an immediate, C6 /0 to a register. */
	in = insn_make(&op, 4, 4);
	in.imm = 0x01020304;
	insn_mem(&in, SEG_ES, X86_NO_REG, X86_NO_REG, 0, 0x40);
	assert_int_equal(env_exec(e, op_mov_Ev_Iz, &in), -1);
	assert_int_equal(env_r32(e, ES_BASE + 0x40), 0x01020304);
	in = insn_make(&op, 2, 2);
	in.rm = 5; /* CH */
	in.imm = 0x77;
	assert_int_equal(env_exec(e, op_mov_Eb_Ib, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ECX] & 0xFF00, 0x7700);
}

static void test_mov_moffs_and_imm_regs(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "mov" };
	env_w32(e, ES_BASE + 0x1234, 0x89ABCDEF);

	/* A1 with an ES override: mov ax, es:[1234] */
	struct x86_insn in = insn_make(&op, 2, 2);
	in.seg = SEG_ES;
	in.imm = 0x1234;
	e->cpu.regs[REG_EAX] = 0xFFFF0000;
	assert_int_equal(env_exec(e, op_mov_eAX_Ov, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xFFFFCDEF);

	/* A0 / A2 / A3 */
	assert_int_equal(env_exec(e, op_mov_AL_Ob, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xFFFFCDEF);
	e->cpu.regs[REG_EAX] = 0x11223344;
	in.imm = 0x2000;
	assert_int_equal(env_exec(e, op_mov_Ob_AL, &in), -1);
	assert_int_equal(env_r8(e, ES_BASE + 0x2000), 0x44);
	in.opsize = 4;
	assert_int_equal(env_exec(e, op_mov_Ov_eAX, &in), -1);
	assert_int_equal(env_r32(e, ES_BASE + 0x2000), 0x11223344);

	/* B4 = mov ah, ib; BF = mov edi, id; BB = mov bx, iw */
	in = insn_make(&op, 2, 2);
	in.opcode = 0xB4;
	in.imm = 0x99;
	assert_int_equal(env_exec(e, op_mov_Zb_Ib, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x11229944);
	in.opcode = 0xBF;
	in.opsize = 4;
	in.imm = 0xDEADBEEF;
	assert_int_equal(env_exec(e, op_mov_Zv_Iv, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDI], 0xDEADBEEF);
	in.opcode = 0xBB;
	in.opsize = 2;
	e->cpu.regs[REG_EBX] = 0x12345678;
	in.imm = 0xABCD;
	assert_int_equal(env_exec(e, op_mov_Zv_Iv, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EBX], 0x1234ABCD);
}

static void test_mov_from_sreg(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "mov" };

	/* 32-bit register destination: zero-extended. */
	struct x86_insn in = insn_make(&op, 4, 2);
	in.reg = SEG_DS;
	in.rm = REG_EAX;
	e->cpu.regs[REG_EAX] = 0xDEADBEEF;
	assert_int_equal(env_exec(e, op_mov_Ew_Sw, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], ENV_DS);

	/* 16-bit register destination: upper half kept. */
	in.opsize = 2;
	in.reg = SEG_ES;
	e->cpu.regs[REG_EAX] = 0xDEADBEEF;
	assert_int_equal(env_exec(e, op_mov_Ew_Sw, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xDEAD0000 | ENV_ES);

	/* Memory destination: 16 bits even with a 32-bit operand size. */
	env_w32(e, DS_BASE + 0x300, 0xFFFFFFFF);
	in = insn_make(&op, 4, 2);
	in.reg = SEG_SS;
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0x300);
	assert_int_equal(env_exec(e, op_mov_Ew_Sw, &in), -1);
	assert_int_equal(env_r32(e, DS_BASE + 0x300), 0xFFFF0000 | ENV_SS);

	/* sreg 6 does not exist. */
	in.reg = 6;
	assert_int_equal(env_exec(e, op_mov_Ew_Sw, &in), EXC_UD);
}

static void test_mov_to_sreg(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "mov" };
	struct x86_insn in = insn_make(&op, 2, 2);
	in.rm = REG_EBX;
	e->cpu.regs[REG_EBX] = 0x5000;

	in.reg = SEG_ES;
	assert_int_equal(env_exec(e, op_mov_Sw_Ew, &in), -1);
	assert_int_equal(e->cpu.seg[SEG_ES].sel, 0x5000);
	assert_int_equal(e->cpu.seg[SEG_ES].base, 0x50000);

	/* MOV SS holds off interrupts for one instruction. */
	e->cpu.inhibit_intr = 0;
	in.reg = SEG_SS;
	assert_int_equal(env_exec(e, op_mov_Sw_Ew, &in), -1);
	assert_int_equal(e->cpu.seg[SEG_SS].base, 0x50000);
	assert_int_equal(e->cpu.inhibit_intr, 1);

	/* CS and the undefined sregs raise #UD and load nothing. */
	in.reg = SEG_CS;
	assert_int_equal(env_exec(e, op_mov_Sw_Ew, &in), EXC_UD);
	assert_int_equal(e->cpu.seg[SEG_CS].sel, ENV_CS);
	in.reg = 7;
	assert_int_equal(env_exec(e, op_mov_Sw_Ew, &in), EXC_UD);

	/* From memory. */
	env_w16(e, DS_BASE + 0x10, 0x1234);
	in.reg = SEG_FS;
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0x10);
	assert_int_equal(env_exec(e, op_mov_Sw_Ew, &in), -1);
	assert_int_equal(e->cpu.seg[SEG_FS].base, 0x12340);
}

static void test_lea(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "lea" };

	/* 32-bit address, 16-bit operand size: truncated, upper half kept. */
	struct x86_insn in = insn_make(&op, 2, 4);
	in.reg = REG_EAX;
	e->cpu.regs[REG_EAX] = 0xAAAA5555;
	e->cpu.regs[REG_EBX] = 0x12345678;
	e->cpu.regs[REG_ECX] = 0x10;
	insn_mem(&in, SEG_DS, REG_EBX, REG_ECX, 2, 0x100);
	assert_int_equal(env_exec(e, op_lea_Gv_M, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xAAAA0000 | ((0x12345678 + 0x40 + 0x100) & 0xFFFF));

	/* 16-bit address, 32-bit operand size: wrapped then zero-extended. */
	in = insn_make(&op, 4, 2);
	in.reg = REG_EDX;
	e->cpu.regs[REG_EBX] = 0xFFFF;
	e->cpu.regs[REG_ESI] = 0x0003;
	insn_mem(&in, SEG_DS, REG_EBX, REG_ESI, 0, 0);
	assert_int_equal(env_exec(e, op_lea_Gv_M, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0x0002);

	/* A register operand is #UD. */
	in = insn_make(&op, 2, 2);
	assert_int_equal(env_exec(e, op_lea_Gv_M, &in), EXC_UD);
}

static void test_xchg_and_nop(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "xchg" };

	/* 87 with memory. */
	env_w16(e, DS_BASE + 0x20, 0x1111);
	struct x86_insn in = insn_make(&op, 2, 2);
	in.reg = REG_EDX;
	e->cpu.regs[REG_EDX] = 0xFFFF2222;
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0x20);
	assert_int_equal(env_exec(e, op_xchg_Ev_Gv, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0xFFFF1111);
	assert_int_equal(env_r16(e, DS_BASE + 0x20), 0x2222);

	/* 86 between AL and AH. */
	in = insn_make(&op, 2, 2);
	in.reg = 0; /* AL */
	in.rm = 4;  /* AH */
	e->cpu.regs[REG_EAX] = 0x1234;
	assert_int_equal(env_exec(e, op_xchg_Eb_Gb, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x3412);

	/* 93: xchg ebx, eax */
	in = insn_make(&op, 4, 4);
	in.opcode = 0x93;
	e->cpu.regs[REG_EAX] = 1;
	e->cpu.regs[REG_EBX] = 2;
	assert_int_equal(env_exec(e, op_xchg_Zv_eAX, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 2);
	assert_int_equal(e->cpu.regs[REG_EBX], 1);

	/* A write fault leaves the register alone: word at offset FFFF. */
	in = insn_make(&op, 2, 2);
	in.reg = REG_ECX;
	e->cpu.regs[REG_ECX] = 0x4444;
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0xFFFF);
	assert_int_equal(env_exec(e, op_xchg_Ev_Gv, &in), EXC_GP);
	assert_int_equal(e->cpu.regs[REG_ECX], 0x4444);

	uint32_t before[8];
	memcpy(before, e->cpu.regs, sizeof(before));
	assert_int_equal(env_exec(e, op_nop, &in), -1);
	assert_memory_equal(before, e->cpu.regs, sizeof(before));
}

static void test_movzx_movsx(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "movx" };
	struct x86_insn in = insn_make(&op, 4, 4);
	in.reg = REG_EDX;
	in.rm = 4; /* AH for the byte forms, ESP for the word forms */
	e->cpu.regs[REG_EAX] = 0x00008000;
	e->cpu.regs[REG_ESP] = 0x0000FFFE;

	assert_int_equal(env_exec(e, op_movsx_Gv_Eb, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0xFFFFFF80);
	assert_int_equal(env_exec(e, op_movzx_Gv_Eb, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0x80);
	assert_int_equal(env_exec(e, op_movsx_Gv_Ew, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0xFFFFFFFE);
	assert_int_equal(env_exec(e, op_movzx_Gv_Ew, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0xFFFE);

	in.opsize = 2;
	e->cpu.regs[REG_EDX] = 0x12345678;
	assert_int_equal(env_exec(e, op_movsx_Gv_Eb, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0x1234FF80);
}

static void test_conversions(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "cbw" };
	struct x86_insn in = insn_make(&op, 2, 2);

	e->cpu.regs[REG_EAX] = 0x12345680;
	assert_int_equal(env_exec(e, op_cbw, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x1234FF80);
	e->cpu.regs[REG_EDX] = 0xAAAA5555;
	assert_int_equal(env_exec(e, op_cwd, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0xAAAAFFFF);

	in.opsize = 4;
	e->cpu.regs[REG_EAX] = 0x12347FFF;
	assert_int_equal(env_exec(e, op_cbw, &in), -1); /* CWDE */
	assert_int_equal(e->cpu.regs[REG_EAX], 0x00007FFF);
	e->cpu.regs[REG_EAX] = 0x80000000;
	assert_int_equal(env_exec(e, op_cwd, &in), -1); /* CDQ */
	assert_int_equal(e->cpu.regs[REG_EDX], 0xFFFFFFFF);
	e->cpu.regs[REG_EAX] = 0x7FFFFFFF;
	assert_int_equal(env_exec(e, op_cwd, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0);
}

static void test_xlat(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "xlat" };
	struct x86_insn in = insn_make(&op, 2, 2);

	/* 16-bit: BX + AL wraps at 64 KiB; the upper half of EBX is ignored. */
	e->cpu.regs[REG_EBX] = 0x7777FFF0;
	e->cpu.regs[REG_EAX] = 0x00000020;
	env_w8(e, DS_BASE + 0x0010, 0x42);
	assert_int_equal(env_exec(e, op_xlat, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x42);

	/* With an ES override and 32-bit addressing. */
	in.seg = SEG_ES;
	in.adsize = 4;
	e->cpu.regs[REG_EBX] = 0x100;
	e->cpu.regs[REG_EAX] = 0xFF;
	env_w8(e, ES_BASE + 0x1FF, 0x99);
	assert_int_equal(env_exec(e, op_xlat, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x99);
}

static void test_lahf_sahf(void **state)
{
	struct env *e = *state;
	struct opcode_info op = { .name = "lahf" };
	struct x86_insn in = insn_make(&op, 2, 2);

	e->cpu.eflags = FLAG_1 | FLAG_SF | FLAG_CF | FLAG_OF | FLAG_DF;
	e->cpu.regs[REG_EAX] = 0;
	assert_int_equal(env_exec(e, op_lahf, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x8300);

	e->cpu.regs[REG_EAX] = 0xFF00; /* every bit, reserved ones too */
	assert_int_equal(env_exec(e, op_sahf, &in), -1);
	assert_int_equal(e->cpu.eflags, FLAG_1 | FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF | FLAG_CF |
						FLAG_OF | FLAG_DF);
	e->cpu.regs[REG_EAX] = 0x0000;
	assert_int_equal(env_exec(e, op_sahf, &in), -1);
	assert_int_equal(e->cpu.eflags, FLAG_1 | FLAG_OF | FLAG_DF);
}

static void test_load_far_ptr(void **state)
{
	struct env *e = *state;
	struct opcode_info les = { .name = "les", .aux = SEG_ES };
	struct opcode_info lss = { .name = "lss", .aux = SEG_SS };

	env_w16(e, DS_BASE + 0x80, 0x1234);
	env_w16(e, DS_BASE + 0x82, 0x6000);
	struct x86_insn in = insn_make(&les, 2, 2);
	in.reg = REG_EDI;
	e->cpu.regs[REG_EDI] = 0xFFFF0000;
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0x80);
	assert_int_equal(env_exec(e, op_load_far_ptr, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDI], 0xFFFF1234);
	assert_int_equal(e->cpu.seg[SEG_ES].sel, 0x6000);
	assert_int_equal(e->cpu.seg[SEG_ES].base, 0x60000);

	/* 32-bit offset: the selector follows at +4. */
	env_w32(e, DS_BASE + 0x90, 0x89ABCDEF);
	env_w16(e, DS_BASE + 0x94, 0x7000);
	in = insn_make(&lss, 4, 2);
	in.reg = REG_ESP;
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0x90);
	assert_int_equal(env_exec(e, op_load_far_ptr, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ESP], 0x89ABCDEF);
	assert_int_equal(e->cpu.seg[SEG_SS].base, 0x70000);

	/* A 16-bit selector address wraps: offset at FFFE, selector at 0. */
	env_w16(e, DS_BASE + 0xFFFE, 0x5555);
	env_w16(e, DS_BASE + 0x0000, 0x4321);
	in = insn_make(&les, 2, 2);
	in.reg = REG_EBX;
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0xFFFE);
	assert_int_equal(env_exec(e, op_load_far_ptr, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EBX] & 0xFFFF, 0x5555);
	assert_int_equal(e->cpu.seg[SEG_ES].sel, 0x4321);

	/* A fault (word at FFFF) loads neither the register nor ES. */
	e->cpu.regs[REG_EBX] = 0;
	in.disp = 0xFFFF;
	assert_int_equal(env_exec(e, op_load_far_ptr, &in), EXC_GP);
	assert_int_equal(e->cpu.regs[REG_EBX], 0);
	assert_int_equal(e->cpu.seg[SEG_ES].sel, 0x4321);

	/* Memory only. */
	in = insn_make(&les, 2, 2);
	assert_int_equal(env_exec(e, op_load_far_ptr, &in), EXC_UD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mov_reg_and_mem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mov_moffs_and_imm_regs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mov_from_sreg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mov_to_sreg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lea, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xchg_and_nop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_movzx_movsx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conversions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xlat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lahf_sahf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_far_ptr, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
