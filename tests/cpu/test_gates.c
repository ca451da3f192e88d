/* test_gates.c: far CALL and JMP through call gates (cpu/far.c), called
 * through the VMM routines with hand-built instructions: the inner-stack
 * switch with parameter copy for 32- and 16-bit gates, RETF imm16 back to
 * the outer level, JMP through a gate (never a privilege change), conforming
 * targets, and the privilege and presence violations with their error
 * codes (nothing may change when one is raised).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/cpu/pm_env.h"

/* Gates and segments on top of pm_env's GDT. */
enum {
	GATE32_INNER = 0x30, /* DPL 3 -> 08:6000, 2 dword parameters */
	GATE16_INNER = 0x38, /* DPL 3 -> 40:0100, 3 word parameters */
	CODE16_0 = 0x40,     /* 16-bit code DPL 0 at 0x10000 */
	GATE_DPL0 = 0x48,    /* DPL 0 -> 08:6000 */
	GATE_TO_DATA = 0x50, /* DPL 3 -> 10:0 (a data segment) */
	GATE_NP = 0x58,      /* DPL 3, not present */
	GATE_NULL = 0x60,    /* DPL 3 -> null selector */
	GATE_CONF = 0x68,    /* DPL 3 -> 70:7000 */
	CODE_CONF0 = 0x70,   /* conforming 32-bit code DPL 0 */
	GATE_TO_RING3 = 0x78 /* DPL 0 -> 18:0 (ring 3 code) */
};

static int setup(void **state)
{
	struct env *e = env_new();
	pm_enter(e);
	pm_gate(e, PM_GDT, GATE32_INNER, DESC_CALL_GATE32, 3, 0x08, 0x6000, 2);
	pm_gate(e, PM_GDT, GATE16_INNER, DESC_CALL_GATE16, 3, CODE16_0, 0x0100, 3);
	pm_seg(e, CODE16_0, 0x10000, 0xFFFF, PM_CODE0, false);
	pm_gate(e, PM_GDT, GATE_DPL0, DESC_CALL_GATE32, 0, 0x08, 0x6000, 0);
	pm_gate(e, PM_GDT, GATE_TO_DATA, DESC_CALL_GATE32, 3, 0x10, 0, 0);
	pm_gate(e, PM_GDT, GATE_NP, DESC_CALL_GATE32, 3, 0x08, 0x6000, 0);
	env_w8(e, PM_GDT + GATE_NP + 5, env_r8(e, PM_GDT + GATE_NP + 5) & 0x7F);
	pm_gate(e, PM_GDT, GATE_NULL, DESC_CALL_GATE32, 3, 0, 0x6000, 0);
	pm_gate(e, PM_GDT, GATE_CONF, DESC_CALL_GATE32, 3, CODE_CONF0, 0x7000, 0);
	pm_seg(e, CODE_CONF0, 0, 0xFFFFFFFFu, 0x9E, true);
	pm_gate(e, PM_GDT, GATE_TO_RING3, DESC_CALL_GATE32, 0, 0x18, 0, 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	env_free(*state);
	return 0;
}

static int far_call(struct env *e, uint16_t sel, unsigned opsize)
{
	struct x86_insn call = pm_insn(opsize);
	call.imm = 0x12345678u; /* ignored through a gate */
	call.imm2 = sel;
	return env_exec(e, vmm_call_Ap, &call);
}

static int far_jump(struct env *e, uint16_t sel)
{
	struct x86_insn jmp = pm_insn(4);
	jmp.imm = 0x12345678u;
	jmp.imm2 = sel;
	return env_exec(e, vmm_jmp_Ap, &jmp);
}

static int retf(struct env *e, unsigned opsize, uint16_t pop)
{
	struct x86_insn r = pm_insn(opsize);
	r.imm = pop;
	return env_exec(e, vmm_ret_far_Iw, &r);
}

/* Ring 3 calls a 32-bit gate with two dword parameters on its stack: ring
 * 0 runs on the TSS's stack with SS:ESP, the parameters and CS:EIP pushed;
 * RETF 8 returns to ring 3 and drops the parameters from both stacks. */
static void test_call_gate32_inner_with_params(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	pm_to_ring3(e, 0x2000, 0x7000);
	c->regs[REG_ESP] = 0x6FF8;
	env_w32(e, 0x6FF8, 0x11111111u); /* pushed last: the first parameter */
	env_w32(e, 0x6FFC, 0x22222222u);
	c->next_eip = 0x2007;

	assert_int_equal(far_call(e, GATE32_INNER | 3, 4), -1);
	assert_int_equal(c->cpl, 0);
	assert_int_equal(c->seg[SEG_CS].sel, 0x08);
	assert_int_equal(c->seg[SEG_SS].sel, 0x10);
	assert_int_equal(c->next_eip, 0x6000);
	assert_int_equal(c->regs[REG_ESP], PM_STACK0 - 24);
	assert_int_equal(env_r32(e, PM_STACK0 - 4), 0x23);
	assert_int_equal(env_r32(e, PM_STACK0 - 8), 0x6FF8);
	assert_int_equal(env_r32(e, PM_STACK0 - 12), 0x22222222u);
	assert_int_equal(env_r32(e, PM_STACK0 - 16), 0x11111111u);
	assert_int_equal(env_r32(e, PM_STACK0 - 20), 0x1B);
	assert_int_equal(env_r32(e, PM_STACK0 - 24), 0x2007);
	pm_retire(e);

	assert_int_equal(retf(e, 4, 8), -1);
	assert_int_equal(c->cpl, 3);
	assert_int_equal(c->seg[SEG_CS].sel, 0x1B);
	assert_int_equal(c->seg[SEG_SS].sel, 0x23);
	assert_int_equal(c->regs[REG_ESP], 0x7000);
	assert_int_equal(c->next_eip, 0x2007);
}

/* A 16-bit gate pushes words, copies word parameters and enters 16-bit
 * code; a 16-bit RETF 6 comes back. */
static void test_call_gate16_inner_with_params(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	pm_to_ring3(e, 0x2000, 0x7000);
	c->regs[REG_ESP] = 0x6FFA;
	env_w16(e, 0x6FFA, 0xAAAA);
	env_w16(e, 0x6FFC, 0xBBBB);
	env_w16(e, 0x6FFE, 0xCCCC);
	c->next_eip = 0x2007;

	assert_int_equal(far_call(e, GATE16_INNER | 3, 4), -1);
	assert_int_equal(c->cpl, 0);
	assert_int_equal(c->seg[SEG_CS].sel, CODE16_0);
	assert_false(c->code32);
	assert_int_equal(c->next_eip, 0x100);
	assert_int_equal(c->regs[REG_ESP], PM_STACK0 - 14);
	assert_int_equal(env_r16(e, PM_STACK0 - 2), 0x23);
	assert_int_equal(env_r16(e, PM_STACK0 - 4), 0x6FFA);
	assert_int_equal(env_r16(e, PM_STACK0 - 6), 0xCCCC);
	assert_int_equal(env_r16(e, PM_STACK0 - 8), 0xBBBB);
	assert_int_equal(env_r16(e, PM_STACK0 - 10), 0xAAAA);
	assert_int_equal(env_r16(e, PM_STACK0 - 12), 0x1B);
	assert_int_equal(env_r16(e, PM_STACK0 - 14), 0x2007);
	pm_retire(e);

	assert_int_equal(retf(e, 2, 6), -1);
	assert_int_equal(c->cpl, 3);
	assert_int_equal(c->seg[SEG_CS].sel, 0x1B);
	assert_int_equal(c->regs[REG_ESP], 0x7000);
	assert_int_equal(c->next_eip, 0x2007);
}

/* JMP through a call gate: to the same level only, no stack change. */
static void test_jmp_through_gate(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	/* Ring 0 through a DPL 3 gate to ring 0 code. */
	assert_int_equal(far_jump(e, GATE32_INNER), -1);
	assert_int_equal(c->seg[SEG_CS].sel, 0x08);
	assert_int_equal(c->next_eip, 0x6000);
	assert_int_equal(c->regs[REG_ESP], PM_STACK);
	pm_retire(e);

	/* Ring 3 may not jump to ring 0 through it (#GP(code selector)),
	 * but may jump to conforming ring 0 code, staying at CPL 3. */
	pm_to_ring3(e, 0x2000, 0x7000);
	assert_int_equal(far_jump(e, GATE32_INNER | 3), EXC_GP);
	assert_int_equal(c->exc_err, 0x08);
	assert_int_equal(c->seg[SEG_CS].sel, 0x1B);
	assert_int_equal(far_jump(e, GATE_CONF | 3), -1);
	assert_int_equal(c->seg[SEG_CS].sel, CODE_CONF0 | 3);
	assert_int_equal(c->cpl, 3);
	assert_int_equal(c->next_eip, 0x7000);
	assert_int_equal(c->regs[REG_ESP], 0x7000);
}

/* CALL through a gate to conforming code: no privilege change, CS:EIP
 * pushed on the current stack in the gate's size. */
static void test_call_gate_conforming_same_level(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	pm_to_ring3(e, 0x2000, 0x7000);
	c->next_eip = 0x2007;
	assert_int_equal(far_call(e, GATE_CONF | 3, 2), -1);
	assert_int_equal(c->cpl, 3);
	assert_int_equal(c->seg[SEG_CS].sel, CODE_CONF0 | 3);
	assert_int_equal(c->seg[SEG_SS].sel, 0x23);
	assert_int_equal(c->regs[REG_ESP], 0x6FF8);
	assert_int_equal(env_r32(e, 0x6FFC), 0x1B);
	assert_int_equal(env_r32(e, 0x6FF8), 0x2007);
	assert_int_equal(c->next_eip, 0x7000);
}

/* Each violation raises its exception with the right selector and leaves
 * CS, SS and ESP alone. */
static void test_gate_violations(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	/* Ring 0: a gate to ring 3 code (DPL > CPL), a gate whose DPL is
	 * below the selector's RPL. */
	assert_int_equal(far_call(e, GATE_TO_RING3, 4), EXC_GP);
	assert_int_equal(c->exc_err, 0x18);
	assert_int_equal(far_call(e, GATE_DPL0 | 3, 4), EXC_GP);
	assert_int_equal(c->exc_err, GATE_DPL0);

	pm_to_ring3(e, 0x2000, 0x7000);
	static const struct {
		uint16_t sel;
		int vec;
		uint32_t err;
	} cases[] = {
		{ GATE_DPL0 | 3, EXC_GP, GATE_DPL0 }, /* gate DPL < CPL */
		{ GATE_TO_DATA | 3, EXC_GP, 0x10 },   /* target is data */
		{ GATE_NP | 3, EXC_NP, GATE_NP },     /* gate not present */
		{ GATE_NULL | 3, EXC_GP, 0 },         /* null target */
		{ 0x28 | 3, EXC_GP, 0x28 },           /* a TSS above the CPL's reach */
	};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(far_call(e, cases[i].sel, 4), cases[i].vec);
		assert_int_equal(c->exc_err, cases[i].err);
		assert_int_equal(c->seg[SEG_CS].sel, 0x1B);
		assert_int_equal(c->seg[SEG_SS].sel, 0x23);
		assert_int_equal(c->regs[REG_ESP], 0x7000);
		assert_int_equal(c->cpl, 3);
	}

	/* The inner stack the TSS names must be valid: a null SS0 is #TS(0),
	 * a DPL 3 one #TS(selector). */
	env_w16(e, PM_TSS + 8, 0);
	assert_int_equal(far_call(e, GATE32_INNER | 3, 4), EXC_TS);
	assert_int_equal(c->exc_err, 0);
	env_w16(e, PM_TSS + 8, 0x23);
	assert_int_equal(far_call(e, GATE32_INNER | 3, 4), EXC_TS);
	assert_int_equal(c->exc_err, 0x20);
	assert_int_equal(c->regs[REG_ESP], 0x7000);
	assert_int_equal(c->cpl, 3);
}

/* An inner stack too small for the frame is #SS(new SS), before anything
 * changes. */
static void test_gate_inner_stack_limit(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	pm_seg(e, 0x80, 0, 0x7FF0, PM_DATA0, true); /* ends below ESP0 - 24 */
	env_w16(e, PM_TSS + 8, 0x80);
	pm_to_ring3(e, 0x2000, 0x7000);
	c->regs[REG_ESP] = 0x6FF8;
	assert_int_equal(far_call(e, GATE32_INNER | 3, 4), EXC_SS);
	assert_int_equal(c->exc_err, 0x80);
	assert_int_equal(c->regs[REG_ESP], 0x6FF8);
	assert_int_equal(c->cpl, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_call_gate32_inner_with_params, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_call_gate16_inner_with_params, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_jmp_through_gate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_call_gate_conforming_same_level, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_gate_violations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gate_inner_stack_limit, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
