/* test_debug.c: the debug registers at work (cpu/debug.c) and alignment
 * checking, through cpu_step() on real instruction bytes: an instruction
 * breakpoint is a fault before the instruction and RF suppresses it once;
 * data breakpoints trap after the access (write-only ones ignore reads);
 * a single step and a data breakpoint in one instruction give one #DB;
 * DR7.GD makes MOV DRn a #DB; #AC(0) at CPL 3 with CR0.AM and EFLAGS.AC
 * for misaligned operands only, and only while both are set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/cpu/pm_env.h"

#define DB_HANDLER 0x7800u
#define AC_HANDLER 0x7900u
#define DATA 0x2000u

static int setup(void **state)
{
	struct env *e = env_new();
	pm_enter(e);
	pm_gate(e, PM_IDT, EXC_DB * 8, DESC_INT_GATE32, 0, 0x08, DB_HANDLER, 0);
	pm_gate(e, PM_IDT, EXC_AC * 8, DESC_INT_GATE32, 0, 0x08, AC_HANDLER, 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	env_free(*state);
	return 0;
}

/* MOV DRn, EAX through the VMM routine; returns the vector raised or -1. */
static int mov_dr(struct env *e, unsigned n, uint32_t v)
{
	struct x86_insn in = pm_insn(4);
	in.reg = (uint8_t)n;
	in.rm = REG_EAX;
	uint32_t eax = e->cpu.regs[REG_EAX];
	e->cpu.regs[REG_EAX] = v;
	int r = env_exec(e, vmm_mov_Dd_Rd, &in);
	e->cpu.regs[REG_EAX] = eax;
	return r;
}

/* DR7 enable bits: Ln, R/Wn, LENn (as encoded). */
static uint32_t dr7_bp(unsigned n, unsigned rw, unsigned len)
{
	return (1u << (2 * n)) | (rw << (16 + 4 * n)) | (len << (18 + 4 * n));
}

static void code(struct env *e, const uint8_t *bytes, size_t n)
{
	pm_code(e, PM_CODE, bytes, n);
}

/* The EIP and EFLAGS an interrupt gate pushed at ring 0 (same-level). */
static uint32_t pushed_eip(struct env *e)
{
	return env_r32(e, e->cpu.regs[REG_ESP]);
}
static uint32_t pushed_eflags(struct env *e)
{
	return env_r32(e, e->cpu.regs[REG_ESP] + 8);
}

static void test_instruction_breakpoint_and_rf(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	static const uint8_t nops[] = { 0x90, 0x90, 0x90 };
	code(e, nops, sizeof nops);
	assert_int_equal(mov_dr(e, 0, PM_CODE + 1), -1);
	assert_int_equal(mov_dr(e, 7, dr7_bp(0, 0, 0)), -1);

	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, PM_CODE + 1);
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, DB_HANDLER);
	assert_int_equal(c->dr[6] & DR6_B_MASK, 1);
	assert_int_equal(pushed_eip(e), PM_CODE + 1);
	assert_false(pushed_eflags(e) & FLAG_RF); /* the handler must set it */

	/* IRET with RF set in the image: the breakpoint is skipped once, and
	 * RF is gone after that instruction. */
	env_w32(e, c->regs[REG_ESP] + 8, pushed_eflags(e) | FLAG_RF);
	struct x86_insn iret = pm_insn(4);
	assert_int_equal(env_exec(e, vmm_iret, &iret), -1);
	pm_retire(e);
	assert_true(c->eflags & FLAG_RF);
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, PM_CODE + 2);
	assert_false(c->eflags & FLAG_RF);

	/* Back at the breakpoint without RF: it fires again. */
	c->eip = PM_CODE + 1;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, DB_HANDLER);

	/* Disabled (L0 clear): nothing. */
	c->eip = PM_CODE + 1;
	assert_int_equal(mov_dr(e, 7, 0), -1);
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, PM_CODE + 2);
}

/* A fault's EFLAGS image has RF set; a trap's does not. */
static void test_fault_pushes_rf(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	pm_gate(e, PM_IDT, EXC_UD * 8, DESC_INT_GATE32, 0, 0x08, 0x7A00, 0);
	static const uint8_t ud2[] = { 0x0F, 0x0B };
	code(e, ud2, sizeof ud2);
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, 0x7A00);
	assert_true(pushed_eflags(e) & FLAG_RF);
	assert_false(c->eflags & FLAG_RF);
}

static void test_data_breakpoints(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	/* mov [DATA], eax; mov eax, [DATA]; mov eax, [DATA] */
	static const uint8_t prog[] = { 0xA3, 0x00, 0x20, 0x00, 0x00, 0xA1, 0x00, 0x20,
					0x00, 0x00, 0xA1, 0x00, 0x20, 0x00, 0x00 };
	code(e, prog, sizeof prog);
	/* DR1 watches writes to the dword holding DATA+2. */
	assert_int_equal(mov_dr(e, 1, DATA + 2), -1);
	assert_int_equal(mov_dr(e, 7, dr7_bp(1, DR7_RW_WRITE, 3)), -1);
	assert_true(c->seg[SEG_DS].attr & SEG_ATTR_SLOW);

	c->regs[REG_EAX] = 0x11223344u;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(env_r32(e, DATA), 0x11223344u); /* a trap: the write happened */
	assert_int_equal(c->eip, PM_CODE + 5);
	assert_int_equal(cpu_step(c), CPU_RUNNING); /* the trap, before the next one */
	assert_int_equal(c->eip, DB_HANDLER);
	assert_int_equal(pushed_eip(e), PM_CODE + 5);
	assert_int_equal(c->dr[6] & DR6_B_MASK, 2);

	/* A write breakpoint ignores reads; a read/write one does not. */
	c->eip = PM_CODE + 5;
	c->dr[6] = 0xFFFF0FF0u;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, PM_CODE + 15);
	c->eip = PM_CODE + 10;
	assert_int_equal(mov_dr(e, 7, dr7_bp(1, DR7_RW_ACCESS, 1)), -1); /* 2 bytes at DATA+2 */
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, DB_HANDLER);
	assert_int_equal(c->dr[6] & DR6_B_MASK, 2);

	/* Disarmed: the segments go back to the fast path. */
	assert_int_equal(mov_dr(e, 7, 0), -1);
	assert_false(c->seg[SEG_DS].attr & SEG_ATTR_SLOW);
}

/* TF and a data breakpoint in one instruction: one #DB with BS and Bn. */
static void test_single_step_with_data_breakpoint(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	static const uint8_t store[] = { 0xA3, 0x00, 0x20, 0x00, 0x00 };
	code(e, store, sizeof store);
	assert_int_equal(mov_dr(e, 2, DATA), -1);
	assert_int_equal(mov_dr(e, 7, dr7_bp(2, DR7_RW_WRITE, 0)), -1);
	c->eflags |= FLAG_TF;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, DB_HANDLER);
	assert_int_equal(pushed_eip(e), PM_CODE + 5);
	assert_int_equal(c->dr[6] & (DR6_BS | DR6_B_MASK), DR6_BS | 4);
	assert_int_equal(c->exceptions[EXC_DB], 1);
	assert_false(c->debug & DEBUG_TRAP);
}

/* DR7.GD: the next MOV DRn is a #DB fault with BD set and GD cleared. */
static void test_general_detect(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	assert_int_equal(mov_dr(e, 7, DR7_GD), -1);
	assert_int_equal(mov_dr(e, 0, 0x1234), EXC_DB);
	assert_true(c->dr[6] & DR6_BD);
	assert_false(c->dr[7] & DR7_GD);
	assert_true(c->eflags & FLAG_RF); /* a fault: RF goes into the image */
	assert_int_equal(c->dr[0], 0);
	assert_int_equal(mov_dr(e, 0, 0x1234), -1);
	assert_int_equal(c->dr[0], 0x1234);

	/* Delivered through the run loop: the handler sees RF in the image
	 * and the EIP of the MOV. */
	static const uint8_t mov_dr0_eax[] = { 0x0F, 0x23, 0xC0 };
	code(e, mov_dr0_eax, sizeof mov_dr0_eax);
	c->eflags &= ~(uint32_t)FLAG_RF;
	assert_int_equal(mov_dr(e, 7, DR7_GD), -1);
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, DB_HANDLER);
	assert_int_equal(pushed_eip(e), PM_CODE);
	assert_true(pushed_eflags(e) & FLAG_RF);
}

/* #AC(0) at CPL 3 with CR0.AM and EFLAGS.AC, for misaligned operands. */
static void test_alignment_check(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	/* mov eax, [ebx]; mov ax, [ebx]; mov al, [ebx]; push eax */
	static const uint8_t prog[] = { 0x8B, 0x03, 0x66, 0x8B, 0x03, 0x8A, 0x03, 0x50 };
	code(e, prog, sizeof prog);
	c->cr[0] |= CR0_AM;
	pm_to_ring3(e, PM_CODE, 0x7000);
	assert_false(c->align_check);

	/* POPF sets AC (any CPL may). */
	c->regs[REG_ESP] = 0x6FFC;
	env_w32(e, 0x6FFC, FLAG_AC | FLAG_1);
	struct x86_insn popf = pm_insn(4);
	assert_int_equal(env_exec(e, vmm_popf, &popf), -1);
	assert_true(c->align_check);
	assert_true(c->seg[SEG_DS].attr & SEG_ATTR_SLOW);

	c->regs[REG_EBX] = DATA + 4; /* aligned: fine */
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, PM_CODE + 2);
	c->regs[REG_EBX] = DATA + 2; /* a word at 2 is fine, a dword is not */
	c->eip = PM_CODE;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, AC_HANDLER);
	assert_int_equal(c->cpl, 0);
	assert_int_equal(env_r32(e, c->regs[REG_ESP]), 0); /* error code */
	assert_int_equal(env_r32(e, c->regs[REG_ESP] + 4), PM_CODE);
	assert_int_equal(c->seg[SEG_DS].attr & SEG_ATTR_SLOW, 0); /* CPL 0 now */

	pm_to_ring3(e, PM_CODE + 2, 0x7000);
	c->eflags |= FLAG_AC;
	cpu_update_slow_segs(c);
	assert_int_equal(cpu_step(c), CPU_RUNNING); /* mov ax, [DATA+2] */
	assert_int_equal(c->eip, PM_CODE + 5);
	c->regs[REG_EBX] = DATA + 3;
	assert_int_equal(cpu_step(c), CPU_RUNNING); /* mov al, [DATA+3] */
	assert_int_equal(c->eip, PM_CODE + 7);
	c->regs[REG_ESP] = 0x6FFE; /* push eax to a misaligned stack */
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, AC_HANDLER);

	/* The 8-byte helper for CMPXCHG8B and the x87. */
	pm_to_ring3(e, PM_CODE, 0x7000);
	c->eflags |= FLAG_AC;
	cpu_update_slow_segs(c);
	if (setjmp(c->exc_jmp) == 0) {
		cpu_check_align(c, SEG_DS, DATA + 8, 8);
		cpu_check_align(c, SEG_DS, DATA + 4, 8);
		fail();
	}
	assert_int_equal(c->exc_vec, EXC_AC);

	/* AC clear, or AM clear: no checking. */
	c->regs[REG_EBX] = DATA + 1;
	c->eip = PM_CODE;
	c->regs[REG_ESP] = 0x6FFC;
	env_w32(e, 0x6FFC, FLAG_1);
	assert_int_equal(env_exec(e, vmm_popf, &popf), -1);
	assert_false(c->align_check);
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, PM_CODE + 2);
	c->eflags |= FLAG_AC;
	c->cr[0] &= ~(uint32_t)CR0_AM;
	cpu_update_mode(c);
	c->eip = PM_CODE;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, PM_CODE + 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_instruction_breakpoint_and_rf, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fault_pushes_rf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_breakpoints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_single_step_with_data_breakpoint, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_general_detect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alignment_check, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
