/* test_string.c: the string handlers of cpu/string.c: MOVS CMPS STOS LODS
 * SCAS with and without repeat prefixes, DF, 16-bit index wrap, the batch
 * limit that restarts a long REP, and a fault part-way through a REP. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "handler_env.h"

#define DS_BASE (ENV_DS << 4)
#define ES_BASE (ENV_ES << 4)
#define CS_BASE (ENV_CS << 4)

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

static struct opcode_info str_op = { .name = "string" };

static struct x86_insn str_insn(unsigned opsize, unsigned adsize, unsigned rep)
{
	struct x86_insn in = insn_make(&str_op, opsize, adsize);
	in.has_modrm = 0;
	in.rep = (uint8_t)rep;
	return in;
}

static void test_movs_single(void **state)
{
	struct env *e = *state;
	struct x86_insn in = str_insn(2, 2, REP_NONE);

	env_w16(e, DS_BASE + 0x10, 0xBEEF);
	e->cpu.regs[REG_ESI] = 0x10;
	e->cpu.regs[REG_EDI] = 0x20;
	e->cpu.regs[REG_ECX] = 7;
	assert_int_equal(env_exec(e, op_movs_v, &in), -1);
	assert_int_equal(env_r16(e, ES_BASE + 0x20), 0xBEEF);
	assert_int_equal(e->cpu.regs[REG_ESI], 0x12);
	assert_int_equal(e->cpu.regs[REG_EDI], 0x22);
	assert_int_equal(e->cpu.regs[REG_ECX], 7); /* no prefix: CX unused */

	/* Segment override on the source: movsb cs:[si] */
	env_w8(e, CS_BASE + 0x40, 0x5A);
	in = str_insn(2, 2, REP_NONE);
	in.seg = SEG_CS;
	e->cpu.regs[REG_ESI] = 0x40;
	assert_int_equal(env_exec(e, op_movs_b, &in), -1);
	assert_int_equal(env_r8(e, ES_BASE + 0x22), 0x5A);
	assert_int_equal(e->cpu.regs[REG_EDI], 0x23);
}

static void test_rep_movs_backwards(void **state)
{
	struct env *e = *state;
	struct x86_insn in = str_insn(2, 2, REP_E);

	/* rep movsw with DF=1 from the last word down, four words. */
	for (unsigned i = 0; i < 4; i++)
		env_w16(e, DS_BASE + 0x100 + 2 * i, (uint16_t)(0x1000 + i));
	e->cpu.eflags |= FLAG_DF;
	e->cpu.regs[REG_ESI] = 0xAAAA0106;
	e->cpu.regs[REG_EDI] = 0xBBBB0206;
	e->cpu.regs[REG_ECX] = 0xCCCC0004;
	e->cpu.next_eip = e->cpu.eip + 2;
	assert_int_equal(env_exec(e, op_movs_v, &in), -1);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(env_r16(e, ES_BASE + 0x200 + 2 * i), 0x1000 + i);
	assert_int_equal(e->cpu.regs[REG_ESI], 0xAAAA00FE);
	assert_int_equal(e->cpu.regs[REG_EDI], 0xBBBB01FE);
	assert_int_equal(e->cpu.regs[REG_ECX], 0xCCCC0000);
	assert_int_equal(e->cpu.next_eip, e->cpu.eip + 2); /* finished */

	/* CX = 0: nothing happens. REPNE acts as REP for MOVS. */
	in.rep = REP_NE;
	assert_int_equal(env_exec(e, op_movs_v, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ESI], 0xAAAA00FE);
}

static void test_rep_movs_overlap_forward(void **state)
{
	struct env *e = *state;
	struct x86_insn in = str_insn(2, 2, REP_E);

	/* Element by element semantics: copying forward onto an overlapping
	 * destination one byte ahead replicates the first byte. */
	env_w8(e, ES_BASE + 0x10, 0x77);
	in.seg = SEG_ES;
	e->cpu.regs[REG_ESI] = 0x10;
	e->cpu.regs[REG_EDI] = 0x11;
	e->cpu.regs[REG_ECX] = 8;
	assert_int_equal(env_exec(e, op_movs_b, &in), -1);
	for (unsigned i = 0; i < 9; i++)
		assert_int_equal(env_r8(e, ES_BASE + 0x10 + i), 0x77);
}

static void test_repe_cmps_stops_early(void **state)
{
	struct env *e = *state;
	struct x86_insn in = str_insn(2, 2, REP_E);
	const char a[] = "abcXefgh", b[] = "abcYefgh";
	for (unsigned i = 0; i < 8; i++) {
		env_w8(e, DS_BASE + 0x300 + i, (uint8_t)a[i]);
		env_w8(e, ES_BASE + 0x400 + i, (uint8_t)b[i]);
	}
	e->cpu.regs[REG_ESI] = 0x300;
	e->cpu.regs[REG_EDI] = 0x400;
	e->cpu.regs[REG_ECX] = 10;
	assert_int_equal(env_exec(e, op_cmps_b, &in), -1);
	/* Stopped after the 4th byte, which differed: 'X' - 'Y' borrows. */
	assert_int_equal(e->cpu.regs[REG_ECX], 6);
	assert_int_equal(e->cpu.regs[REG_ESI], 0x304);
	assert_int_equal(e->cpu.regs[REG_EDI], 0x404);
	assert_false(e->cpu.eflags & FLAG_ZF);
	assert_true(e->cpu.eflags & FLAG_CF);
	assert_true(e->cpu.eflags & FLAG_SF);

	/* REPNE CMPS stops at the first equal element. */
	in.rep = REP_NE;
	e->cpu.regs[REG_ESI] = 0x303;
	e->cpu.regs[REG_EDI] = 0x403;
	e->cpu.regs[REG_ECX] = 10;
	assert_int_equal(env_exec(e, op_cmps_b, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ECX], 8);
	assert_true(e->cpu.eflags & FLAG_ZF);

	/* Words, all equal: runs out the count with ZF=1. */
	in = str_insn(2, 2, REP_E);
	e->cpu.regs[REG_ESI] = 0x300;
	e->cpu.regs[REG_EDI] = 0x400;
	e->cpu.regs[REG_ECX] = 1;
	assert_int_equal(env_exec(e, op_cmps_v, &in), -1);
	assert_int_equal(e->cpu.regs[REG_ECX], 0);
	assert_true(e->cpu.eflags & FLAG_ZF);

	/* Without a prefix, one compare: [DS:SI] - [ES:DI]. */
	in.rep = REP_NONE;
	env_w16(e, DS_BASE + 0x500, 1);
	env_w16(e, ES_BASE + 0x600, 2);
	e->cpu.regs[REG_ESI] = 0x500;
	e->cpu.regs[REG_EDI] = 0x600;
	assert_int_equal(env_exec(e, op_cmps_v, &in), -1);
	assert_true(e->cpu.eflags & FLAG_CF);
	assert_int_equal(e->cpu.regs[REG_ESI], 0x502);
}

static void test_scas(void **state)
{
	struct env *e = *state;
	struct x86_insn in = str_insn(2, 2, REP_NE);
	const char s[] = "hello, world";
	for (unsigned i = 0; i < sizeof(s); i++)
		env_w8(e, ES_BASE + 0x10 + i, (uint8_t)s[i]);

	/* repne scasb for ',' */
	e->cpu.regs[REG_EAX] = ',';
	e->cpu.regs[REG_EDI] = 0x10;
	e->cpu.regs[REG_ECX] = 0xFFFF;
	assert_int_equal(env_exec(e, op_scas_b, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDI], 0x10 + 6);
	assert_int_equal(e->cpu.regs[REG_ECX], 0xFFFF - 6);
	assert_true(e->cpu.eflags & FLAG_ZF);

	/* repe scasb skips 'l's */
	in.rep = REP_E;
	e->cpu.regs[REG_EAX] = 'l';
	e->cpu.regs[REG_EDI] = 0x12;
	e->cpu.regs[REG_ECX] = 100;
	assert_int_equal(env_exec(e, op_scas_b, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EDI], 0x15);
	assert_int_equal(e->cpu.regs[REG_ECX], 97);
	assert_false(e->cpu.eflags & FLAG_ZF);
}

static void test_stos_lods(void **state)
{
	struct env *e = *state;

	/* rep stosb over the 16-bit wrap: FFFF then 0000; EDI keeps its
	 * upper half. */
	struct x86_insn in = str_insn(2, 2, REP_E);
	e->cpu.regs[REG_EAX] = 0xAB;
	e->cpu.regs[REG_EDI] = 0x0005FFFF;
	e->cpu.regs[REG_ECX] = 2;
	assert_int_equal(env_exec(e, op_stos_b, &in), -1);
	assert_int_equal(env_r8(e, ES_BASE + 0xFFFF), 0xAB);
	assert_int_equal(env_r8(e, ES_BASE + 0x0000), 0xAB);
	assert_int_equal(e->cpu.regs[REG_EDI], 0x00050001);

	/* stosd with 32-bit addressing. */
	e->cpu.seg[SEG_ES].limit = 0xFFFFF - ES_BASE;
	in = str_insn(4, 4, REP_E);
	e->cpu.regs[REG_EAX] = 0x11223344;
	e->cpu.regs[REG_EDI] = 0x1FFFC;
	e->cpu.regs[REG_ECX] = 2;
	assert_int_equal(env_exec(e, op_stos_v, &in), -1);
	assert_int_equal(env_r32(e, ES_BASE + 0x20000), 0x11223344);
	assert_int_equal(e->cpu.regs[REG_EDI], 0x20004);
	e->cpu.seg[SEG_ES].limit = 0xFFFF;

	/* rep lodsw (with F2, still plain REP): AX ends with the last word,
	 * ZF is not consulted. */
	env_w16(e, DS_BASE + 0x10, 0);
	env_w16(e, DS_BASE + 0x12, 0x9876);
	e->cpu.eflags &= ~(uint32_t)FLAG_ZF;
	in = str_insn(2, 2, REP_NE);
	e->cpu.regs[REG_ESI] = 0x10;
	e->cpu.regs[REG_ECX] = 2;
	e->cpu.regs[REG_EAX] = 0xFFFFFFFF;
	assert_int_equal(env_exec(e, op_lods_v, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xFFFF9876);
	assert_int_equal(e->cpu.regs[REG_ECX], 0);
	assert_int_equal(e->cpu.regs[REG_ESI], 0x14);

	/* lodsb with DF=1, no prefix. */
	e->cpu.eflags |= FLAG_DF;
	in = str_insn(2, 2, REP_NONE);
	e->cpu.regs[REG_ESI] = 0x13;
	assert_int_equal(env_exec(e, op_lods_b, &in), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0xFFFF9898);
	assert_int_equal(e->cpu.regs[REG_ESI], 0x12);
}

static void test_long_rep_restarts(void **state)
{
	struct env *e = *state;
	struct x86_insn in = str_insn(2, 2, REP_E);

	/* 5000 bytes take two calls: the first stops after a batch and points
	 * next_eip back at the instruction. */
	e->cpu.eip = 0x100;
	e->cpu.next_eip = 0x102;
	e->cpu.regs[REG_EAX] = 0xEE;
	e->cpu.regs[REG_EDI] = 0;
	e->cpu.regs[REG_ECX] = 5000;
	assert_int_equal(env_exec(e, op_stos_b, &in), -1);
	assert_int_equal(e->cpu.next_eip, 0x100);
	uint32_t left = e->cpu.regs[REG_ECX];
	assert_true(left > 0 && left < 5000);
	assert_int_equal(e->cpu.regs[REG_EDI], 5000 - left);

	e->cpu.next_eip = 0x102;
	assert_int_equal(env_exec(e, op_stos_b, &in), -1);
	assert_int_equal(e->cpu.next_eip, 0x102);
	assert_int_equal(e->cpu.regs[REG_ECX], 0);
	assert_int_equal(e->cpu.regs[REG_EDI], 5000);
	for (unsigned i = 0; i < 5000; i++)
		if (env_r8(e, ES_BASE + i) != 0xEE)
			fail_msg("byte %u not stored", i);
	assert_int_equal(env_r8(e, ES_BASE + 5000), 0);
}

static void test_rep_fault_midway(void **state)
{
	struct env *e = *state;
	struct x86_insn in = str_insn(2, 2, REP_E);

	/* rep movsw, CX=3, DI=FFFB: words at FFFB and FFFD go, the one at FFFF
	 * straddles the limit: #GP with the first two elements committed. */
	e->cpu.regs[REG_ESI] = 0x100;
	e->cpu.regs[REG_EDI] = 0xFFFB;
	e->cpu.regs[REG_ECX] = 3;
	env_w16(e, DS_BASE + 0x100, 0x1111);
	env_w16(e, DS_BASE + 0x102, 0x2222);
	assert_int_equal(env_exec(e, op_movs_v, &in), EXC_GP);
	assert_int_equal(e->cpu.regs[REG_ECX], 1);
	assert_int_equal(e->cpu.regs[REG_ESI], 0x104);
	assert_int_equal(e->cpu.regs[REG_EDI], 0xFFFF);
	assert_int_equal(env_r16(e, ES_BASE + 0xFFFB), 0x1111);
	assert_int_equal(env_r16(e, ES_BASE + 0xFFFD), 0x2222);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_movs_single, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rep_movs_backwards, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rep_movs_overlap_forward, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repe_cmps_stops_early, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stos_lods, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_rep_restarts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rep_fault_midway, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
