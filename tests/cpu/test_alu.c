/* test_alu.c: the ALU family, TEST, INC/DEC, NOT/NEG, XADD, CMPXCHG and
 * CMPXCHG8B (cpu/alu.c), the decimal adjusts (cpu/bcd.c) and the bit
 * instructions, SETcc and CMOVcc (cpu/bitops.c), called directly with
 * hand-built instructions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cpu/flags.h"
#include "handler_env.h"

#define DS_BASE (ENV_DS << 4)

enum { ADD, OR, ADC, SBB, AND, SUB, XOR, CMP };

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

static uint32_t arith(const struct env *e)
{
	return e->cpu.eflags & FLAGS_ARITH;
}

static void set_arith(struct env *e, uint32_t f)
{
	e->cpu.eflags = (e->cpu.eflags & ~FLAGS_ARITH) | f;
}

/* --- ALU ------------------------------------------------------------------- */

static void test_add_adc_flags(void **state)
{
	struct env *e = *state;
	struct opcode_info add = {.name = "add", .aux = ADD};
	struct x86_insn in = insn_make(&add, 2, 2);
	in.rm = REG_EAX; /* AL */
	in.reg = REG_ECX; /* CL */

	/* 7F + 01: signed overflow, half carry. */
	e->cpu.regs[REG_EAX] = 0x7F;
	e->cpu.regs[REG_ECX] = 0x01;
	assert_int_equal(env_exec(e, op_alu_Eb_Gb, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x80);
	assert_int_equal(arith(e), FLAG_OF | FLAG_SF | FLAG_AF);

	/* FF + 01: carry out, zero. */
	e->cpu.regs[REG_EAX] = 0xFF;
	assert_int_equal(env_exec(e, op_alu_Eb_Gb, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x00);
	assert_int_equal(arith(e), FLAG_CF | FLAG_ZF | FLAG_AF | FLAG_PF);

	/* ADC 16-bit with CF in: FFFF + 0 + 1 = 0, carry; the upper half of
	 * EAX is kept. */
	struct opcode_info adc = {.name = "adc", .aux = ADC};
	in = insn_make(&adc, 2, 2);
	in.rm = REG_EAX;
	in.reg = REG_ECX;
	e->cpu.regs[REG_EAX] = 0x1234FFFF;
	e->cpu.regs[REG_ECX] = 0;
	set_arith(e, FLAG_CF);
	assert_int_equal(env_exec(e, op_alu_Ev_Gv, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x12340000);
	assert_int_equal(arith(e), FLAG_CF | FLAG_ZF | FLAG_AF | FLAG_PF);

	/* ADC where only the carry-in overflows: 7FFFFFFF + 0 + 1. */
	in.opsize = 4;
	e->cpu.regs[REG_EAX] = 0x7FFFFFFF;
	set_arith(e, FLAG_CF);
	assert_int_equal(env_exec(e, op_alu_Ev_Gv, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x80000000u);
	assert_int_equal(arith(e), FLAG_OF | FLAG_SF | FLAG_AF | FLAG_PF);

	/* 83 /0: sign-extended imm8 -1 added to 1 gives 0 with carry. */
	in = insn_make(&add, 2, 2);
	in.rm = REG_EDX;
	in.imm = 0xFFFFFFFFu;
	e->cpu.regs[REG_EDX] = 0xAAAA0001;
	assert_int_equal(env_exec(e, op_alu_Ev_Ib, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0xAAAA0000);
	assert_int_equal(arith(e), FLAG_CF | FLAG_ZF | FLAG_AF | FLAG_PF);

	/* Byte registers: ADD AH, BL. */
	in = insn_make(&add, 2, 2);
	in.rm = 4; /* AH */
	in.reg = 3; /* BL */
	e->cpu.regs[REG_EAX] = 0x0100;
	e->cpu.regs[REG_EBX] = 0x0005;
	assert_int_equal(env_exec(e, op_alu_Eb_Gb, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x0600);
}

static void test_sub_sbb_cmp(void **state)
{
	struct env *e = *state;
	/* SBB 32 Gv,Ev: 0 - 0 - 1. */
	struct opcode_info sbb = {.name = "sbb", .aux = SBB};
	struct x86_insn in = insn_make(&sbb, 4, 2);
	in.reg = REG_EAX;
	in.rm = REG_ECX;
	e->cpu.regs[REG_EAX] = 0;
	e->cpu.regs[REG_ECX] = 0;
	set_arith(e, FLAG_CF);
	assert_int_equal(env_exec(e, op_alu_Gv_Ev, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xFFFFFFFFu);
	assert_int_equal(arith(e), FLAG_CF | FLAG_SF | FLAG_AF | FLAG_PF);

	/* SUB AL, 1 from 80: signed overflow and a borrow from bit 4. */
	struct opcode_info sub = {.name = "sub", .aux = SUB};
	in = insn_make(&sub, 2, 2);
	in.imm = 1;
	e->cpu.regs[REG_EAX] = 0x80;
	assert_int_equal(env_exec(e, op_alu_AL_Ib, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x7F);
	assert_int_equal(arith(e), FLAG_OF | FLAG_AF);

	/* CMP word [DS:0x10], imm16: flags only, memory unchanged. */
	struct opcode_info cmp = {.name = "cmp", .aux = CMP};
	in = insn_make(&cmp, 2, 2);
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0x10);
	in.imm = 0x1234;
	env_w16(e, DS_BASE + 0x10, 0x1234);
	assert_int_equal(env_exec(e, op_alu_Ev_Iz, &in), -1);
	assert_int_equal(env_r16(e, DS_BASE + 0x10), 0x1234);
	assert_int_equal(arith(e), FLAG_ZF | FLAG_PF);
	in.imm = 0x1235;
	assert_int_equal(env_exec(e, op_alu_Ev_Iz, &in), -1);
	assert_int_equal(env_r16(e, DS_BASE + 0x10), 0x1234);
	assert_int_equal(arith(e), FLAG_CF | FLAG_SF | FLAG_AF | FLAG_PF);

	/* CMP EAX, imm32 does not write EAX. */
	in = insn_make(&cmp, 4, 2);
	in.imm = 5;
	e->cpu.regs[REG_EAX] = 3;
	assert_int_equal(env_exec(e, op_alu_eAX_Iz, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 3);
	assert_int_equal(arith(e) & (FLAG_CF | FLAG_SF), FLAG_CF | FLAG_SF);

	/* SUB byte [mem], imm8 (80 /5). */
	in = insn_make(&sub, 2, 2);
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0x12);
	in.imm = 0x01;
	env_w8(e, DS_BASE + 0x12, 0x00);
	assert_int_equal(env_exec(e, op_alu_Eb_Ib, &in), -1);
	assert_int_equal(env_r8(e, DS_BASE + 0x12), 0xFF);
	assert_int_equal(arith(e), FLAG_CF | FLAG_SF | FLAG_AF | FLAG_PF);
}

static void test_logic_and_test(void **state)
{
	struct env *e = *state;
	/* AND clears CF, OF and AF. */
	struct opcode_info and = {.name = "and", .aux = AND};
	struct x86_insn in = insn_make(&and, 2, 2);
	in.imm = 0x0F;
	e->cpu.regs[REG_EAX] = 0xF0;
	set_arith(e, FLAG_CF | FLAG_OF | FLAG_AF);
	assert_int_equal(env_exec(e, op_alu_AL_Ib, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0);
	assert_int_equal(arith(e), FLAG_ZF | FLAG_PF);

	/* OR r8, [mem] (0A). */
	struct opcode_info or = {.name = "or", .aux = OR};
	in = insn_make(&or, 2, 2);
	in.reg = REG_EBX; /* BL */
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0x20);
	env_w8(e, DS_BASE + 0x20, 0x80);
	e->cpu.regs[REG_EBX] = 0x01;
	assert_int_equal(env_exec(e, op_alu_Gb_Eb, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EBX], 0x81);
	assert_int_equal(arith(e), FLAG_SF | FLAG_PF);

	/* XOR EAX, EAX-style with an immediate. */
	struct opcode_info xor = {.name = "xor", .aux = XOR};
	in = insn_make(&xor, 4, 2);
	in.imm = 0xFFFFFFFFu;
	e->cpu.regs[REG_EAX] = 0xFFFFFFFFu;
	set_arith(e, FLAG_CF);
	assert_int_equal(env_exec(e, op_alu_eAX_Iz, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0);
	assert_int_equal(arith(e), FLAG_ZF | FLAG_PF);

	/* TEST leaves both operands alone. */
	struct opcode_info test = {.name = "test"};
	in = insn_make(&test, 2, 2);
	in.rm = REG_EAX;
	in.reg = REG_ECX;
	e->cpu.regs[REG_EAX] = 0x8000;
	e->cpu.regs[REG_ECX] = 0x8001;
	set_arith(e, FLAG_CF | FLAG_OF);
	assert_int_equal(env_exec(e, op_test_Ev_Gv, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x8000);
	assert_int_equal(e->cpu.regs[REG_ECX], 0x8001);
	assert_int_equal(arith(e), FLAG_SF | FLAG_PF);
	in.imm = 0x01;
	assert_int_equal(env_exec(e, op_test_AL_Ib, &in), -1);
	assert_int_equal(arith(e), FLAG_ZF | FLAG_PF);
	in.imm = 0x7FFF;
	assert_int_equal(env_exec(e, op_test_Ev_Iz, &in), -1);
	assert_int_equal(arith(e), FLAG_ZF | FLAG_PF);
}

/* --- INC / DEC / NOT / NEG ---------------------------------------------------- */

static void test_inc_dec_keep_cf(void **state)
{
	struct env *e = *state;
	struct opcode_info info = {.name = "incdec"};

	/* 43: INC BX, 7FFF -> 8000; CF stays set. */
	struct x86_insn in = insn_make(&info, 2, 2);
	in.opcode = 0x43;
	e->cpu.regs[REG_EBX] = 0x55557FFF;
	set_arith(e, FLAG_CF);
	assert_int_equal(env_exec(e, op_inc_Zv, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EBX], 0x55558000);
	assert_int_equal(arith(e), FLAG_CF | FLAG_OF | FLAG_SF | FLAG_AF | FLAG_PF);

	/* 48: DEC EAX, 80000000 -> 7FFFFFFF; CF stays clear. */
	in = insn_make(&info, 4, 2);
	in.opcode = 0x48;
	e->cpu.regs[REG_EAX] = 0x80000000u;
	set_arith(e, 0);
	assert_int_equal(env_exec(e, op_dec_Zv, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x7FFFFFFFu);
	assert_int_equal(arith(e), FLAG_OF | FLAG_AF | FLAG_PF);

	/* DEC AL from 0: no carry flag change. */
	in = insn_make(&info, 2, 2);
	e->cpu.regs[REG_EAX] = 0x100;
	set_arith(e, 0);
	assert_int_equal(env_exec(e, op_dec_Eb, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x1FF);
	assert_int_equal(arith(e), FLAG_SF | FLAG_AF | FLAG_PF);
	assert_int_equal(env_exec(e, op_inc_Eb, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x100);
	assert_int_equal(arith(e), FLAG_ZF | FLAG_AF | FLAG_PF);

	/* INC dword [mem] wrapping to 0, CF kept set. */
	in = insn_make(&info, 4, 2);
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0x30);
	env_w32(e, DS_BASE + 0x30, 0xFFFFFFFFu);
	set_arith(e, FLAG_CF);
	assert_int_equal(env_exec(e, op_inc_Ev, &in), -1);
	assert_int_equal(env_r32(e, DS_BASE + 0x30), 0);
	assert_int_equal(arith(e), FLAG_CF | FLAG_ZF | FLAG_AF | FLAG_PF);
	assert_int_equal(env_exec(e, op_dec_Ev, &in), -1);
	assert_int_equal(env_r32(e, DS_BASE + 0x30), 0xFFFFFFFFu);
	assert_int_equal(arith(e), FLAG_CF | FLAG_SF | FLAG_AF | FLAG_PF);
}

static void test_not_neg(void **state)
{
	struct env *e = *state;
	struct opcode_info info = {.name = "notneg"};
	struct x86_insn in = insn_make(&info, 2, 2);
	in.rm = REG_EDX;

	/* NOT changes no flags. */
	e->cpu.regs[REG_EDX] = 0xAAAA00FF;
	set_arith(e, FLAGS_ARITH);
	assert_int_equal(env_exec(e, op_not_Ev, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0xAAAAFF00);
	assert_int_equal(arith(e), FLAGS_ARITH);
	assert_int_equal(env_exec(e, op_not_Eb, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0xAAAAFFFF);

	/* NEG 0: CF = 0. */
	e->cpu.regs[REG_EDX] = 0;
	assert_int_equal(env_exec(e, op_neg_Eb, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0);
	assert_int_equal(arith(e), FLAG_ZF | FLAG_PF);
	/* NEG 80: stays 80, overflow and carry. */
	e->cpu.regs[REG_EDX] = 0x80;
	assert_int_equal(env_exec(e, op_neg_Eb, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0x80);
	assert_int_equal(arith(e), FLAG_CF | FLAG_OF | FLAG_SF);
	/* NEG 1 (16-bit): FFFF with carry and half borrow. */
	e->cpu.regs[REG_EDX] = 1;
	assert_int_equal(env_exec(e, op_neg_Ev, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0xFFFF);
	assert_int_equal(arith(e), FLAG_CF | FLAG_SF | FLAG_AF | FLAG_PF);
}

/* --- XADD / CMPXCHG / CMPXCHG8B ----------------------------------------------- */

static void test_xadd(void **state)
{
	struct env *e = *state;
	struct opcode_info info = {.name = "xadd"};
	struct x86_insn in = insn_make(&info, 4, 2);
	in.rm = REG_EAX;
	in.reg = REG_ECX;
	e->cpu.regs[REG_EAX] = 5;
	e->cpu.regs[REG_ECX] = 3;
	assert_int_equal(env_exec(e, op_xadd_Ev_Gv, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 8);
	assert_int_equal(e->cpu.regs[REG_ECX], 5);
	assert_int_equal(arith(e), 0);

	/* Same register: it ends with the sum. */
	in.rm = in.reg = REG_ECX;
	assert_int_equal(env_exec(e, op_xadd_Ev_Gv, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ECX], 10);

	/* Memory, 16-bit. */
	in = insn_make(&info, 2, 2);
	in.reg = REG_EBX;
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0x40);
	env_w16(e, DS_BASE + 0x40, 0xFFFF);
	e->cpu.regs[REG_EBX] = 0x00010001;
	assert_int_equal(env_exec(e, op_xadd_Ev_Gv, &in), -1);
	assert_int_equal(env_r16(e, DS_BASE + 0x40), 0);
	assert_int_equal(e->cpu.regs[REG_EBX], 0x0001FFFF);
	assert_int_equal(arith(e), FLAG_CF | FLAG_ZF | FLAG_AF | FLAG_PF);

	/* Byte: XADD AH, AL. */
	in = insn_make(&info, 2, 2);
	in.rm = 4; /* AH */
	in.reg = 0; /* AL */
	e->cpu.regs[REG_EAX] = 0x0201;
	assert_int_equal(env_exec(e, op_xadd_Eb_Gb, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x0302);
}

static void test_cmpxchg(void **state)
{
	struct env *e = *state;
	struct opcode_info info = {.name = "cmpxchg"};
	struct x86_insn in = insn_make(&info, 4, 2);
	in.reg = REG_ECX;
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0x50);

	/* Equal: the source is stored, ZF=1. */
	env_w32(e, DS_BASE + 0x50, 0x10);
	e->cpu.regs[REG_EAX] = 0x10;
	e->cpu.regs[REG_ECX] = 0x99;
	assert_int_equal(env_exec(e, op_cmpxchg_Ev_Gv, &in), -1);
	assert_int_equal(env_r32(e, DS_BASE + 0x50), 0x99);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x10);
	assert_int_equal(arith(e), FLAG_ZF | FLAG_PF);

	/* Different: EAX is loaded, memory keeps its value; flags of CMP. */
	e->cpu.regs[REG_EAX] = 0x10;
	env_w32(e, DS_BASE + 0x50, 0x20);
	assert_int_equal(env_exec(e, op_cmpxchg_Ev_Gv, &in), -1);
	assert_int_equal(env_r32(e, DS_BASE + 0x50), 0x20);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x20);
	assert_int_equal(arith(e), FLAG_CF | FLAG_SF | FLAG_PF);

	/* 16-bit register form: only AX is compared and loaded. */
	in = insn_make(&info, 2, 2);
	in.rm = REG_EBX;
	in.reg = REG_EDX;
	e->cpu.regs[REG_EAX] = 0xFFFF0001;
	e->cpu.regs[REG_EBX] = 0x00000002;
	assert_int_equal(env_exec(e, op_cmpxchg_Ev_Gv, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xFFFF0002);
	assert_int_equal(arith(e) & FLAG_ZF, 0);

	/* Byte: CMPXCHG BL, CL with AL equal. */
	in.rm = 3;
	in.reg = 1;
	e->cpu.regs[REG_EAX] = 0x02;
	e->cpu.regs[REG_ECX] = 0x55;
	assert_int_equal(env_exec(e, op_cmpxchg_Eb_Gb, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EBX], 0x55);
	assert_int_equal(arith(e) & FLAG_ZF, FLAG_ZF);
}

static void test_cmpxchg8b(void **state)
{
	struct env *e = *state;
	struct opcode_info info = {.name = "cmpxchg8b"};
	struct x86_insn in = insn_make(&info, 2, 2);
	insn_mem(&in, SEG_DS, REG_ESI, X86_NO_REG, 0, 8);
	e->cpu.regs[REG_ESI] = 0x60;

	/* Equal: ECX:EBX stored, ZF=1, other flags untouched. */
	env_w32(e, DS_BASE + 0x68, 0x33334444);
	env_w32(e, DS_BASE + 0x6C, 0x11112222);
	e->cpu.regs[REG_EAX] = 0x33334444;
	e->cpu.regs[REG_EDX] = 0x11112222;
	e->cpu.regs[REG_EBX] = 0xCCCCDDDD;
	e->cpu.regs[REG_ECX] = 0xAAAABBBB;
	set_arith(e, FLAG_CF | FLAG_SF);
	assert_int_equal(env_exec(e, op_cmpxchg8b_Mq, &in), -1);
	assert_int_equal(env_r32(e, DS_BASE + 0x68), 0xCCCCDDDD);
	assert_int_equal(env_r32(e, DS_BASE + 0x6C), 0xAAAABBBB);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x33334444);
	assert_int_equal(arith(e), FLAG_CF | FLAG_SF | FLAG_ZF);

	/* Different (high half only): EDX:EAX loaded, memory unchanged. */
	e->cpu.regs[REG_EAX] = 0xCCCCDDDD;
	e->cpu.regs[REG_EDX] = 0;
	assert_int_equal(env_exec(e, op_cmpxchg8b_Mq, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xCCCCDDDD);
	assert_int_equal(e->cpu.regs[REG_EDX], 0xAAAABBBB);
	assert_int_equal(env_r32(e, DS_BASE + 0x68), 0xCCCCDDDD);
	assert_int_equal(env_r32(e, DS_BASE + 0x6C), 0xAAAABBBB);
	assert_int_equal(arith(e), FLAG_CF | FLAG_SF);

	/* A register operand is #UD. */
	struct x86_insn reg = insn_make(&info, 2, 2);
	assert_int_equal(env_exec(e, op_cmpxchg8b_Mq, &reg), EXC_UD);

	/* The high dword past the segment limit faults before anything is
	 * written or loaded. */
	e->cpu.regs[REG_ESI] = 0xFFF4; /* + 8 = FFFC: bytes FFFC..10003 */
	env_w32(e, DS_BASE + 0xFFFC, 0x12345678);
	e->cpu.regs[REG_EAX] = 0x12345678;
	e->cpu.regs[REG_EDX] = 0;
	assert_int_equal(env_exec(e, op_cmpxchg8b_Mq, &in), EXC_GP);
	assert_int_equal(env_r32(e, DS_BASE + 0xFFFC), 0x12345678);
	assert_int_equal(e->cpu.regs[REG_EDX], 0);
}

/* --- BCD ------------------------------------------------------------------------ */

static void run_bcd(struct env *e, x86_handler h, uint32_t ax, uint32_t flags_in, unsigned imm)
{
	struct opcode_info info = {.name = "bcd"};
	struct x86_insn in = insn_make(&info, 2, 2);
	in.imm = imm;
	e->cpu.regs[REG_EAX] = ax;
	e->cpu.eflags = FLAG_1 | flags_in;
	assert_int_equal(env_exec(e, h, &in), -1);
}

static void test_daa_das(void **state)
{
	struct env *e = *state;
	/* 9A -> 00 with both adjustments. */
	run_bcd(e, op_daa, 0x9A, 0, 0);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x00);
	assert_int_equal(arith(e), FLAG_CF | FLAG_AF | FLAG_ZF | FLAG_PF);
	/* 25 with CF and AF in -> 8B (a hardware-captured case, OF too). */
	run_bcd(e, op_daa, 0x25, FLAG_CF | FLAG_AF | FLAG_ZF | FLAG_SF, 0);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x8B);
	assert_int_equal(arith(e), FLAG_CF | FLAG_PF | FLAG_AF | FLAG_SF | FLAG_OF);
	/* 19 + 28 = 41 binary; DAA gives 47. */
	run_bcd(e, op_daa, 0x41, 0, 0);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x41);
	run_bcd(e, op_daa, 0x41, FLAG_AF, 0);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x47);
	assert_int_equal(arith(e) & (FLAG_CF | FLAG_AF), FLAG_AF);

	/* DAS of 03 with AF: the low adjustment borrows, CF set. */
	run_bcd(e, op_das, 0x03, FLAG_AF, 0);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xFD);
	assert_int_equal(arith(e), FLAG_CF | FLAG_AF | FLAG_SF);
	/* 47 - 19 = 2E binary; DAS gives 28. */
	run_bcd(e, op_das, 0x2E, 0, 0);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x28);
	assert_int_equal(arith(e) & (FLAG_CF | FLAG_AF), FLAG_AF);
	/* CF in forces the high adjustment. */
	run_bcd(e, op_das, 0x10, FLAG_CF, 0);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xB0);
	assert_int_equal(arith(e) & (FLAG_CF | FLAG_AF), FLAG_CF);
}

static void test_aaa_aas(void **state)
{
	struct env *e = *state;
	/* AAA adds 0x106 to all of AX: FA carries into AH twice. */
	run_bcd(e, op_aaa, 0x01FA, 0, 0);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x0300);
	assert_int_equal(arith(e) & (FLAG_CF | FLAG_AF), FLAG_CF | FLAG_AF);
	run_bcd(e, op_aaa, 0x0105, FLAG_CF, 0);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x0105);
	assert_int_equal(arith(e) & (FLAG_CF | FLAG_AF), 0);
	run_bcd(e, op_aaa, 0x0235, FLAG_AF, 0);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x030B);

	/* AAS: AX - 6, AH - 1, AL low nibble. */
	run_bcd(e, op_aas, 0x0200, FLAG_AF, 0);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x000A);
	assert_int_equal(arith(e) & (FLAG_CF | FLAG_AF), FLAG_CF | FLAG_AF);
	run_bcd(e, op_aas, 0x0539, 0, 0);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x0509);
	assert_int_equal(arith(e) & (FLAG_CF | FLAG_AF), 0);
}

static void test_aam_aad_salc(void **state)
{
	struct env *e = *state;
	run_bcd(e, op_aam, 0x004F, 0, 10); /* 79 */
	assert_int_equal(e->cpu.regs[REG_EAX], 0x0709);
	assert_int_equal(arith(e), FLAG_PF);
	run_bcd(e, op_aam, 0x00FF, 0, 16);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x0F0F);

	/* AAM 0 raises #DE and changes nothing. */
	struct opcode_info info = {.name = "aam"};
	struct x86_insn in = insn_make(&info, 2, 2);
	in.imm = 0;
	e->cpu.regs[REG_EAX] = 0x1234;
	assert_int_equal(env_exec(e, op_aam, &in), EXC_DE);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x1234);

	run_bcd(e, op_aad, 0xABCD0709, 0, 10);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xABCD004F);
	assert_int_equal(arith(e) & (FLAG_SF | FLAG_ZF | FLAG_PF), 0);
	run_bcd(e, op_aad, 0x0102, 0, 0x10);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x0012);
	run_bcd(e, op_aad, 0x1000, 0, 0x10); /* 0x100 wraps to AL = 0 */
	assert_int_equal(e->cpu.regs[REG_EAX], 0x0000);
	assert_int_equal(arith(e) & FLAG_ZF, FLAG_ZF);

	run_bcd(e, op_salc, 0x1234, FLAG_CF, 0);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x12FF);
	assert_int_equal(arith(e), FLAG_CF);
	run_bcd(e, op_salc, 0x1234, FLAG_ZF, 0);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x1200);
	assert_int_equal(arith(e), FLAG_ZF);
}

/* --- bit operations ----------------------------------------------------------- */

static void test_bt_register(void **state)
{
	struct env *e = *state;
	struct opcode_info info = {.name = "bt"};
	struct x86_insn in = insn_make(&info, 4, 2);
	in.rm = REG_EAX;
	in.reg = REG_ECX;
	e->cpu.regs[REG_EAX] = 0x80000000u;
	e->cpu.regs[REG_ECX] = 63; /* masked to 31 */
	set_arith(e, FLAG_ZF);
	assert_int_equal(env_exec(e, op_bt_Ev_Gv, &in), -1);
	assert_int_equal(arith(e), FLAG_ZF | FLAG_CF);

	e->cpu.regs[REG_ECX] = 0;
	assert_int_equal(env_exec(e, op_bts_Ev_Gv, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x80000001u);
	assert_int_equal(arith(e) & FLAG_CF, 0);
	e->cpu.regs[REG_ECX] = 31;
	assert_int_equal(env_exec(e, op_btr_Ev_Gv, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x00000001u);
	assert_int_equal(arith(e) & FLAG_CF, FLAG_CF);
	e->cpu.regs[REG_ECX] = 0x41; /* bit 1 */
	assert_int_equal(env_exec(e, op_btc_Ev_Gv, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x00000003u);
	assert_int_equal(arith(e) & FLAG_CF, 0);

	/* 16-bit register: offset mod 16; the upper half is untouched. */
	in.opsize = 2;
	e->cpu.regs[REG_EAX] = 0xFFFF0000u;
	e->cpu.regs[REG_ECX] = 0x13; /* bit 3 */
	assert_int_equal(env_exec(e, op_bts_Ev_Gv, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xFFFF0008u);

	/* 0F BA: the immediate is masked to the width. */
	struct opcode_info bts_ib = {.name = "bts", .aux = 1};
	in = insn_make(&bts_ib, 4, 2);
	in.rm = REG_EDX;
	in.imm = 33;
	e->cpu.regs[REG_EDX] = 0;
	assert_int_equal(env_exec(e, op_bt_Ev_Ib, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 2);
	assert_int_equal(arith(e) & FLAG_CF, 0);
	assert_int_equal(env_exec(e, op_bt_Ev_Ib, &in), -1);
	assert_int_equal(arith(e) & FLAG_CF, FLAG_CF);
}

static void test_bt_memory_offsets(void **state)
{
	struct env *e = *state;
	struct opcode_info info = {.name = "bt"};
	struct x86_insn in = insn_make(&info, 2, 2);
	in.reg = REG_ECX;
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0x200);

	/* Offset 17 (16-bit): the word after, bit 1. */
	e->cpu.regs[REG_ECX] = 17;
	assert_int_equal(env_exec(e, op_bts_Ev_Gv, &in), -1);
	assert_int_equal(env_r16(e, DS_BASE + 0x202), 0x0002);
	assert_int_equal(env_r16(e, DS_BASE + 0x200), 0);

	/* Offset -1 (16-bit): bit 15 of the word before. */
	env_w16(e, DS_BASE + 0x1FE, 0x8000);
	e->cpu.regs[REG_ECX] = 0xFFFF;
	assert_int_equal(env_exec(e, op_bt_Ev_Gv, &in), -1);
	assert_int_equal(arith(e) & FLAG_CF, FLAG_CF);
	assert_int_equal(env_exec(e, op_btc_Ev_Gv, &in), -1);
	assert_int_equal(env_r16(e, DS_BASE + 0x1FE), 0x0000);
	assert_int_equal(arith(e) & FLAG_CF, FLAG_CF);

	/* Offset -33 (32-bit): dword at ea - 8, bit 31. */
	in.opsize = 4;
	env_w32(e, DS_BASE + 0x1F8, 0x80000001u);
	e->cpu.regs[REG_ECX] = (uint32_t)-33;
	assert_int_equal(env_exec(e, op_btr_Ev_Gv, &in), -1);
	assert_int_equal(env_r32(e, DS_BASE + 0x1F8), 0x00000001u);
	assert_int_equal(arith(e) & FLAG_CF, FLAG_CF);
	/* The same with 32-bit addressing, where nothing wraps: the offset
	 * must move the address down, not up by 2^32 - 8. */
	in.adsize = 4;
	e->cpu.regs[REG_ECX] = (uint32_t)-1; /* dword at ea - 4, bit 31 */
	env_w32(e, DS_BASE + 0x1FC, 0x80000000u);
	assert_int_equal(env_exec(e, op_btr_Ev_Gv, &in), -1);
	assert_int_equal(env_r32(e, DS_BASE + 0x1FC), 0);
	assert_int_equal(arith(e) & FLAG_CF, FLAG_CF);
	in.adsize = 2;

	/* 16-bit addressing wraps the moved address: ea 0 with offset -16
	 * reads the word at FFFE. */
	in.opsize = 2;
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0);
	env_w16(e, DS_BASE + 0xFFFE, 0x0001);
	e->cpu.regs[REG_ECX] = (uint16_t)-16;
	assert_int_equal(env_exec(e, op_bt_Ev_Gv, &in), -1);
	assert_int_equal(arith(e) & FLAG_CF, FLAG_CF);

	/* Ib with memory: no displacement, immediate masked. */
	struct opcode_info btc_ib = {.name = "btc", .aux = 3};
	in = insn_make(&btc_ib, 2, 2);
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0x300);
	in.imm = 0x1F; /* bit 15 */
	assert_int_equal(env_exec(e, op_bt_Ev_Ib, &in), -1);
	assert_int_equal(env_r16(e, DS_BASE + 0x300), 0x8000);
	assert_int_equal(env_r16(e, DS_BASE + 0x302), 0);
}

static void test_bsf_bsr_bswap(void **state)
{
	struct env *e = *state;
	struct opcode_info info = {.name = "bsx"};
	struct x86_insn in = insn_make(&info, 4, 2);
	in.reg = REG_EDX;
	in.rm = REG_EBX;
	e->cpu.regs[REG_EBX] = 0x00F0;
	assert_int_equal(env_exec(e, op_bsf_Gv_Ev, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 4);
	assert_int_equal(arith(e) & FLAG_ZF, 0);
	assert_int_equal(env_exec(e, op_bsr_Gv_Ev, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 7);
	e->cpu.regs[REG_EBX] = 0x80000000u;
	assert_int_equal(env_exec(e, op_bsr_Gv_Ev, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 31);

	/* Zero source: ZF=1, destination unchanged. */
	e->cpu.regs[REG_EBX] = 0;
	e->cpu.regs[REG_EDX] = 0xDEADBEEF;
	set_arith(e, FLAG_CF);
	assert_int_equal(env_exec(e, op_bsf_Gv_Ev, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0xDEADBEEF);
	assert_int_equal(arith(e), FLAG_CF | FLAG_ZF);
	in.opsize = 2;
	e->cpu.regs[REG_EBX] = 0xFFFF0000u; /* the low word is zero */
	assert_int_equal(env_exec(e, op_bsr_Gv_Ev, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0xDEADBEEF);
	assert_int_equal(arith(e) & FLAG_ZF, FLAG_ZF);

	/* BSWAP ECX (0F C9); 16-bit clears the low word. */
	in = insn_make(&info, 4, 2);
	in.opcode = 0x1C9;
	e->cpu.regs[REG_ECX] = 0x11223344;
	assert_int_equal(env_exec(e, op_bswap_Zd, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ECX], 0x44332211);
	in.opsize = 2;
	assert_int_equal(env_exec(e, op_bswap_Zd, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ECX], 0x44330000);
}

static void test_setcc_cmovcc(void **state)
{
	struct env *e = *state;
	struct opcode_info sete = {.name = "sete", .aux = 4};
	struct x86_insn in = insn_make(&sete, 2, 2);
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0x400);
	env_w8(e, DS_BASE + 0x400, 0x77);
	set_arith(e, FLAG_ZF);
	assert_int_equal(env_exec(e, op_setcc_Eb, &in), -1);
	assert_int_equal(env_r8(e, DS_BASE + 0x400), 1);
	struct opcode_info setl = {.name = "setl", .aux = 12};
	in = insn_make(&setl, 2, 2);
	in.rm = 4; /* AH */
	e->cpu.regs[REG_EAX] = 0xFFFF;
	set_arith(e, FLAG_OF); /* SF != OF: less */
	assert_int_equal(env_exec(e, op_setcc_Eb, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x01FF);
	set_arith(e, FLAG_OF | FLAG_SF);
	assert_int_equal(env_exec(e, op_setcc_Eb, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x00FF);

	/* CMOVB: moves when CF=1, else leaves the destination. */
	struct opcode_info cmovb = {.name = "cmovb", .aux = 2};
	in = insn_make(&cmovb, 4, 2);
	in.reg = REG_EDI;
	in.rm = REG_ESI;
	e->cpu.regs[REG_ESI] = 0x12345678;
	e->cpu.regs[REG_EDI] = 0;
	set_arith(e, 0);
	assert_int_equal(env_exec(e, op_cmovcc_Gv_Ev, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDI], 0);
	set_arith(e, FLAG_CF);
	assert_int_equal(env_exec(e, op_cmovcc_Gv_Ev, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDI], 0x12345678);
	in.opsize = 2;
	e->cpu.regs[REG_EDI] = 0xAAAAAAAA;
	assert_int_equal(env_exec(e, op_cmovcc_Gv_Ev, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDI], 0xAAAA5678);

	/* A false condition still reads the memory source, which can fault. */
	in = insn_make(&cmovb, 2, 2);
	in.reg = REG_EDI;
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0xFFFF);
	set_arith(e, 0);
	e->cpu.regs[REG_EDI] = 0x1111;
	assert_int_equal(env_exec(e, op_cmovcc_Gv_Ev, &in), EXC_GP);
	assert_int_equal(e->cpu.regs[REG_EDI], 0x1111);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_adc_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sub_sbb_cmp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_logic_and_test, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inc_dec_keep_cf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_neg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xadd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cmpxchg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cmpxchg8b, setup, teardown),
		cmocka_unit_test_setup_teardown(test_daa_das, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aaa_aas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aam_aad_salc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bt_register, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bt_memory_offsets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bsf_bsr_bswap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_setcc_cmovcc, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
