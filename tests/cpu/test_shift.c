/* test_shift.c: the shift/rotate group and SHLD/SHRD of cpu/shift.c, called
 * directly with hand-built instructions: counts of 0, 1 and beyond the
 * width, the 5-bit count mask, RCL/RCR wrapping modulo 9 and 17, and the
 * flags each form defines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cpu/flags.h"
#include "handler_env.h"

#define DS_BASE (ENV_DS << 4)

enum { ROL, ROR, RCL, RCR, SHL, SHR, SAL, SAR };

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

/* Shifts register `reg` (size bytes) by `count` through the CL form with
 * the given incoming flags; returns the register afterwards. */
static uint32_t shift_cl(struct env *e, unsigned op, unsigned size, uint32_t v, unsigned count,
			 uint32_t flags_in)
{
	struct opcode_info info = {.name = "shift", .aux = (uint8_t)op};
	struct x86_insn in = insn_make(&info, size == 1 ? 2 : size, 2);
	in.rm = REG_EDX;
	e->cpu.regs[REG_EDX] = v;
	e->cpu.regs[REG_ECX] = count;
	e->cpu.eflags = FLAG_1 | flags_in;
	assert_int_equal(env_exec(e, size == 1 ? op_shift_Eb_CL : op_shift_Ev_CL, &in), -1);
	return cpu_get_reg(&e->cpu, REG_EDX, size);
}

static void test_count_zero_changes_nothing(void **state)
{
	struct env *e = *state;
	/* CL = 0: no result, no flags. */
	assert_int_equal(shift_cl(e, SHL, 1, 0x81, 0, FLAGS_ARITH), 0x81);
	assert_int_equal(arith(e), FLAGS_ARITH);
	/* CL = 32 masks to 0. */
	assert_int_equal(shift_cl(e, SAR, 4, 0x80000000u, 32, FLAG_ZF), 0x80000000u);
	assert_int_equal(arith(e), FLAG_ZF);
	/* RCR 16 by CL = 0x20 (masked 0) leaves CF too. */
	assert_int_equal(shift_cl(e, RCR, 2, 0x1234, 0x20, FLAG_CF), 0x1234);
	assert_int_equal(arith(e), FLAG_CF);

	/* Ib form with 0x40 (masked 0). */
	struct opcode_info info = {.name = "shift", .aux = ROL};
	struct x86_insn in = insn_make(&info, 4, 2);
	in.rm = REG_EBX;
	in.imm = 0x40;
	e->cpu.regs[REG_EBX] = 0x12345678;
	e->cpu.eflags = FLAG_1 | FLAG_OF;
	assert_int_equal(env_exec(e, op_shift_Ev_Ib, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EBX], 0x12345678);
	assert_int_equal(arith(e), FLAG_OF);
}

static void test_rol(void **state)
{
	struct env *e = *state;
	/* Rotates change only CF and OF: ZF set beforehand stays. */
	assert_int_equal(shift_cl(e, ROL, 1, 0x80, 1, FLAG_ZF), 0x01);
	assert_int_equal(arith(e), FLAG_ZF | FLAG_CF | FLAG_OF);
	/* ROL by the width: value unchanged, CF = bit 0, OF = CF ^ MSB. */
	assert_int_equal(shift_cl(e, ROL, 1, 0x81, 8, FLAG_OF), 0x81);
	assert_int_equal(arith(e), FLAG_CF);
	assert_int_equal(shift_cl(e, ROL, 2, 0x8001, 4, 0), 0x0018);
	assert_int_equal(arith(e), 0);
	/* ROL by 31 = ROR by 1: CF = new bit 0 = 0, OF = CF ^ new MSB = 1. */
	assert_int_equal(shift_cl(e, ROL, 4, 0x80000001u, 31, FLAG_CF), 0xC0000000u);
	assert_int_equal(arith(e), FLAG_OF);
}

static void test_ror(void **state)
{
	struct env *e = *state;
	assert_int_equal(shift_cl(e, ROR, 1, 0x01, 1, 0), 0x80);
	assert_int_equal(arith(e), FLAG_CF | FLAG_OF);
	/* CF = MSB of the result, OF = MSB ^ next MSB. */
	assert_int_equal(shift_cl(e, ROR, 2, 0x1234, 4, FLAG_CF), 0x4123);
	assert_int_equal(arith(e), FLAG_OF);
	assert_int_equal(shift_cl(e, ROR, 4, 0x00000003u, 1, 0), 0x80000001u);
	assert_int_equal(arith(e), FLAG_CF | FLAG_OF);
}

static void test_rcl_rcr_wrap(void **state)
{
	struct env *e = *state;
	/* RCL 8 by 1 through CF. */
	assert_int_equal(shift_cl(e, RCL, 1, 0x80, 1, FLAG_CF), 0x01);
	assert_int_equal(arith(e), FLAG_CF | FLAG_OF);
	/* RCL 8 by 9 is the identity on CF:value; OF = CF ^ MSB. */
	assert_int_equal(shift_cl(e, RCL, 1, 0x80, 9, FLAG_CF | FLAG_OF), 0x80);
	assert_int_equal(arith(e), FLAG_CF);
	/* RCL 16 by 16 = rotate right by one through CF. */
	assert_int_equal(shift_cl(e, RCL, 2, 0x0001, 16, 0), 0x0000);
	assert_int_equal(arith(e) & FLAG_CF, FLAG_CF);
	/* RCL 16 by 17: identity. */
	assert_int_equal(shift_cl(e, RCL, 2, 0xBEEF, 17, FLAG_CF), 0xBEEF);
	assert_int_equal(arith(e) & FLAG_CF, FLAG_CF);
	/* RCL 8 by 10 = by 1. */
	assert_int_equal(shift_cl(e, RCL, 1, 0x40, 10, FLAG_CF), 0x81);
	assert_int_equal(arith(e) & FLAG_CF, 0);

	/* RCR 8 by 1: the old CF enters at the top. */
	assert_int_equal(shift_cl(e, RCR, 1, 0x01, 1, FLAG_CF), 0x80);
	assert_int_equal(arith(e), FLAG_CF | FLAG_OF);
	/* RCR 8 by 9: identity. */
	assert_int_equal(shift_cl(e, RCR, 1, 0x5A, 9, 0), 0x5A);
	assert_int_equal(arith(e) & FLAG_CF, 0);
	/* RCR 16 by 17: identity; by 18 = by 1. */
	assert_int_equal(shift_cl(e, RCR, 2, 0x8001, 17, 0), 0x8001);
	assert_int_equal(arith(e) & FLAG_CF, 0);
	assert_int_equal(shift_cl(e, RCR, 2, 0x8001, 18, 0), 0x4000);
	assert_int_equal(arith(e) & FLAG_CF, FLAG_CF);
	/* 32-bit: no modulo, RCR by 31 = RCL by 2 over 33 bits. */
	assert_int_equal(shift_cl(e, RCR, 4, 0x40000000u, 31, 0), 0x00000000u);
	assert_int_equal(arith(e) & FLAG_CF, FLAG_CF);
	assert_int_equal(shift_cl(e, RCL, 4, 0x00000000u, 1, FLAG_CF), 0x00000001u);
	assert_int_equal(arith(e) & FLAG_CF, 0);
}

static void test_shl(void **state)
{
	struct env *e = *state;
	/* SHL by 1: CF = old MSB, OF = CF ^ new MSB; AF cleared. */
	assert_int_equal(shift_cl(e, SHL, 1, 0xC0, 1, FLAG_AF), 0x80);
	assert_int_equal(arith(e), FLAG_CF | FLAG_SF);
	assert_int_equal(shift_cl(e, SHL, 1, 0x40, 1, 0), 0x80);
	assert_int_equal(arith(e), FLAG_SF | FLAG_OF);
	/* By the width: CF = old bit 0; past it: CF = 0. */
	assert_int_equal(shift_cl(e, SHL, 1, 0x01, 8, 0), 0x00);
	assert_int_equal(arith(e) & (FLAG_CF | FLAG_ZF | FLAG_PF), FLAG_CF | FLAG_ZF | FLAG_PF);
	assert_int_equal(shift_cl(e, SHL, 1, 0xFF, 9, FLAG_CF), 0x00);
	assert_int_equal(arith(e) & (FLAG_CF | FLAG_ZF), FLAG_ZF);
	assert_int_equal(shift_cl(e, SHL, 2, 0x0001, 16, 0), 0x0000);
	assert_int_equal(arith(e) & FLAG_CF, FLAG_CF);
	/* 16-bit shift keeps the upper half of the register. */
	struct opcode_info info = {.name = "sal", .aux = SAL};
	struct x86_insn in = insn_make(&info, 2, 2);
	in.rm = REG_ESI;
	e->cpu.regs[REG_ESI] = 0xABCD4000;
	e->cpu.eflags = FLAG_1;
	assert_int_equal(env_exec(e, op_shift_Ev_1, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ESI], 0xABCD8000);
	assert_int_equal(arith(e), FLAG_SF | FLAG_OF | FLAG_PF);
}

static void test_shr_sar(void **state)
{
	struct env *e = *state;
	/* SHR by 1: OF = old MSB. */
	assert_int_equal(shift_cl(e, SHR, 1, 0x81, 1, 0), 0x40);
	assert_int_equal(arith(e), FLAG_CF | FLAG_OF);
	assert_int_equal(shift_cl(e, SHR, 2, 0x8000, 16, 0), 0x0000);
	assert_int_equal(arith(e) & (FLAG_CF | FLAG_ZF), FLAG_CF | FLAG_ZF);
	assert_int_equal(shift_cl(e, SHR, 2, 0xFFFF, 17, 0), 0x0000);
	assert_int_equal(arith(e) & FLAG_CF, 0);
	/* SAR by 1: sign kept, OF = 0. */
	assert_int_equal(shift_cl(e, SAR, 1, 0x81, 1, FLAG_OF), 0xC0);
	assert_int_equal(arith(e), FLAG_CF | FLAG_SF | FLAG_PF);
	/* SAR beyond the width fills with the sign, CF = sign. */
	assert_int_equal(shift_cl(e, SAR, 1, 0x80, 20, 0), 0xFF);
	assert_int_equal(arith(e), FLAG_CF | FLAG_SF | FLAG_PF);
	assert_int_equal(shift_cl(e, SAR, 2, 0x7FFF, 31, 0), 0x0000);
	assert_int_equal(arith(e), FLAG_ZF | FLAG_PF);
	/* CF is the last bit shifted out: bit 30, here 0. */
	assert_int_equal(shift_cl(e, SAR, 4, 0x80000000u, 31, FLAG_CF), 0xFFFFFFFFu);
	assert_int_equal(arith(e), FLAG_SF | FLAG_PF);
}

static void test_imm_and_memory_forms(void **state)
{
	struct env *e = *state;
	/* Ib count 33 masks to 1. */
	struct opcode_info shr = {.name = "shr", .aux = SHR};
	struct x86_insn in = insn_make(&shr, 4, 2);
	in.rm = REG_EAX;
	in.imm = 33;
	e->cpu.regs[REG_EAX] = 2;
	e->cpu.eflags = FLAG_1;
	assert_int_equal(env_exec(e, op_shift_Ev_Ib, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 1);

	/* SHL word [DS:0x40], CL=4. */
	struct opcode_info shl = {.name = "shl", .aux = SHL};
	in = insn_make(&shl, 2, 2);
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0x40);
	env_w16(e, DS_BASE + 0x40, 0x1234);
	e->cpu.regs[REG_ECX] = 4;
	assert_int_equal(env_exec(e, op_shift_Ev_CL, &in), -1);
	assert_int_equal(env_r16(e, DS_BASE + 0x40), 0x2340);
	assert_int_equal(arith(e) & FLAG_CF, FLAG_CF);

	/* ROR byte [DS:0x41] by 1 (Eb_1). */
	struct opcode_info ror = {.name = "ror", .aux = ROR};
	in = insn_make(&ror, 2, 2);
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0x41);
	assert_int_equal(env_exec(e, op_shift_Eb_1, &in), -1);
	assert_int_equal(env_r8(e, DS_BASE + 0x41), 0x91); /* 0x23 ror 1 */
	assert_int_equal(arith(e) & (FLAG_CF | FLAG_OF), FLAG_CF | FLAG_OF);

	/* Eb_Ib on AH. */
	struct opcode_info sar = {.name = "sar", .aux = SAR};
	in = insn_make(&sar, 2, 2);
	in.rm = 4; /* AH */
	in.imm = 2;
	e->cpu.regs[REG_EAX] = 0x8011;
	assert_int_equal(env_exec(e, op_shift_Eb_Ib, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xE011);
}

/* SHLD/SHRD with the destination in EBX, the source in ECX. */
static uint32_t dshift(struct env *e, x86_handler h, unsigned size, uint32_t dst, uint32_t src,
		       unsigned count, uint32_t flags_in)
{
	struct opcode_info info = {.name = "shxd"};
	struct x86_insn in = insn_make(&info, size, 2);
	in.rm = REG_EBX;
	in.reg = REG_ECX;
	in.imm = count;
	e->cpu.regs[REG_EBX] = dst;
	e->cpu.regs[REG_ECX] = src;
	e->cpu.eflags = FLAG_1 | flags_in;
	assert_int_equal(env_exec(e, h, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ECX], src); /* the source is only read */
	return cpu_get_reg(&e->cpu, REG_EBX, size);
}

static void test_shld_shrd(void **state)
{
	struct env *e = *state;
	assert_int_equal(dshift(e, op_shld_Ev_Gv_Ib, 4, 0x12345678, 0x9ABCDEF0, 4, 0), 0x23456789);
	assert_int_equal(arith(e), FLAG_CF | FLAG_OF);
	assert_int_equal(dshift(e, op_shrd_Ev_Gv_Ib, 4, 0x12345678, 0x9ABCDEF0, 4, 0), 0x01234567);
	assert_int_equal(arith(e), FLAG_CF);
	/* Count 1: OF = sign change. */
	assert_int_equal(dshift(e, op_shld_Ev_Gv_Ib, 4, 0x40000000, 0x80000000u, 1, 0), 0x80000001u);
	assert_int_equal(arith(e), FLAG_SF | FLAG_OF);
	assert_int_equal(dshift(e, op_shrd_Ev_Gv_Ib, 2, 0x0002, 0x0001, 1, 0), 0x8001);
	assert_int_equal(arith(e), FLAG_SF | FLAG_OF);
	/* 16-bit within range. */
	assert_int_equal(dshift(e, op_shld_Ev_Gv_Ib, 2, 0x1234, 0x5678, 4, 0), 0x2345);
	assert_int_equal(arith(e) & FLAG_CF, FLAG_CF);
	assert_int_equal(dshift(e, op_shrd_Ev_Gv_Ib, 2, 0x1234, 0x5678, 4, FLAG_CF), 0x8123);
	assert_int_equal(arith(e) & FLAG_CF, 0);
	/* 16-bit counts above 16 shift dest:src:dest. */
	assert_int_equal(dshift(e, op_shld_Ev_Gv_Ib, 2, 0x1234, 0x5678, 20, 0), 0x6781);
	assert_int_equal(arith(e) & FLAG_CF, FLAG_CF);
	assert_int_equal(dshift(e, op_shrd_Ev_Gv_Ib, 2, 0x1234, 0x5678, 20, 0), 0x4567);
	assert_int_equal(arith(e) & FLAG_CF, FLAG_CF);
	/* Count 0 (and 32, masked to 0) changes nothing. */
	assert_int_equal(dshift(e, op_shld_Ev_Gv_Ib, 4, 0xAAAA5555, 0xFFFFFFFF, 32, FLAG_ZF),
			 0xAAAA5555);
	assert_int_equal(arith(e), FLAG_ZF);

	/* CL forms. */
	struct opcode_info info = {.name = "shrd"};
	struct x86_insn in = insn_make(&info, 4, 2);
	in.rm = REG_EDX;
	in.reg = REG_EAX;
	e->cpu.regs[REG_EDX] = 0x00000001;
	e->cpu.regs[REG_EAX] = 0x00000000;
	e->cpu.regs[REG_ECX] = 1;
	assert_int_equal(env_exec(e, op_shrd_Ev_Gv_CL, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0);
	assert_int_equal(arith(e), FLAG_CF | FLAG_ZF | FLAG_PF);
	e->cpu.regs[REG_EDX] = 0x80000000u;
	e->cpu.regs[REG_EAX] = 0xFFFFFFFFu;
	e->cpu.regs[REG_ECX] = 0x23; /* masked to 3 */
	assert_int_equal(env_exec(e, op_shld_Ev_Gv_CL, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0x00000007u);
	assert_int_equal(arith(e) & FLAG_CF, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_count_zero_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rol, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ror, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rcl_rcr_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shr_sar, setup, teardown),
		cmocka_unit_test_setup_teardown(test_imm_and_memory_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shld_shrd, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
