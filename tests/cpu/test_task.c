/* test_task.c: hardware task switches (cpu/task.c) started by far CALL and
 * JMP to a TSS or a task gate, by INT n and by exceptions through task
 * gates in the IDT (a double fault, as Linux handles it), and by IRET with
 * NT set: busy bits, the back link, NT, CR0.TS, the saved and loaded state
 * of 32- and 16-bit TSSs, the LDT, faults before and after the commit
 * point, and the T bit's debug trap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/cpu/pm_env.h"

/* Besides pm_env's task A (TSS 28 at PM_TSS, the running one): */
enum {
	TSS_B = 0x30,     /* 32-bit, at TSS_B_BASE, with an LDT */
	TSS_C = 0x38,     /* 16-bit, at TSS_C_BASE */
	GATE_B = 0x40,    /* task gate -> TSS_B, DPL 3 */
	TSS_D = 0x48,     /* 32-bit: the double-fault task */
	TSS_E = 0x50,     /* 32-bit with a null SS */
	LDT_B = 0x58,     /* task B's LDT at LDT_BASE */
	CODE16 = 0x60,    /* 16-bit code DPL 0 at 0x10000 */
	TSS_SHORT = 0x68, /* 32-bit TSS with a limit below 67h */
};
#define TSS_B_BASE 0x3100u
#define TSS_C_BASE 0x3200u
#define TSS_D_BASE 0x3300u
#define TSS_E_BASE 0x3400u
#define LDT_BASE 0x3800u
#define LDT_DATA 0x0Cu /* LDT entry 1, TI, RPL 0 */

/* A 32-bit TSS whose task starts at 08:eip with stack 10:esp, DS as
 * given, ES = 10, EAX..EDI = 0xB0000000 + register number. */
static void init_tss32(struct env *e, uint32_t base, uint32_t eip, uint32_t esp, uint16_t ds,
		       uint16_t ss, uint16_t ldt)
{
	memset(e->pm.ram + base, 0, 0x68);
	env_w32(e, base + 0x20, eip);
	env_w32(e, base + 0x24, FLAG_1 | FLAG_CF);
	for (unsigned r = 0; r < 8; r++)
		env_w32(e, base + 0x28 + 4 * r, 0xB0000000u + r);
	env_w32(e, base + 0x38, esp);
	env_w16(e, base + 0x48, 0x10); /* ES */
	env_w16(e, base + 0x4C, 0x08); /* CS */
	env_w16(e, base + 0x50, ss);
	env_w16(e, base + 0x54, ds);
	env_w16(e, base + 0x60, ldt);
	env_w16(e, base + 0x66, 0x68);
}

static int setup(void **state)
{
	struct env *e = env_new();
	pm_enter(e);
	pm_seg(e, TSS_B, TSS_B_BASE, 0x67, PM_TSS32, false);
	init_tss32(e, TSS_B_BASE, 0x6000, 0x8800, LDT_DATA, 0x10, LDT_B);
	pm_seg(e, LDT_B, LDT_BASE, 0x0F, PM_LDT, false);
	pm_raw(e, LDT_BASE, 0x08, 0x0000FFFFu, 0x00CF9200u); /* flat data DPL 0 */
	pm_gate(e, PM_GDT, GATE_B, DESC_TASK_GATE, 3, TSS_B, 0, 0);

	/* Task C, 16-bit: 60:0100, SS:SP 10:8400, AX..DI = 1230 + n. */
	pm_seg(e, TSS_C, TSS_C_BASE, 0x2B, PM_TSS16, false);
	pm_seg(e, CODE16, 0x10000, 0xFFFF, PM_CODE0, false);
	memset(e->pm.ram + TSS_C_BASE, 0, 0x2C);
	env_w16(e, TSS_C_BASE + 0x0E, 0x0100);
	env_w16(e, TSS_C_BASE + 0x10, FLAG_1);
	for (unsigned r = 0; r < 8; r++)
		env_w16(e, TSS_C_BASE + 0x12 + 2 * r, (uint16_t)(0x1230 + r));
	env_w16(e, TSS_C_BASE + 0x1A, 0x8400); /* SP */
	env_w16(e, TSS_C_BASE + 0x22, 0x10);   /* ES */
	env_w16(e, TSS_C_BASE + 0x24, CODE16); /* CS */
	env_w16(e, TSS_C_BASE + 0x26, 0x10);   /* SS */
	env_w16(e, TSS_C_BASE + 0x28, 0x10);   /* DS */

	pm_seg(e, TSS_D, TSS_D_BASE, 0x67, PM_TSS32, false);
	init_tss32(e, TSS_D_BASE, 0x7000, 0x8C00, 0x10, 0x10, 0);
	pm_seg(e, TSS_E, TSS_E_BASE, 0x67, PM_TSS32, false);
	init_tss32(e, TSS_E_BASE, 0x7100, 0x8C00, 0x10, 0, 0);
	pm_seg(e, TSS_SHORT, TSS_E_BASE, 0x50, PM_TSS32, false);

	e->cpu.eflags = FLAG_1 | FLAG_ZF;
	for (unsigned r = 0; r < 8; r++)
		if (r != REG_ESP)
			e->cpu.regs[r] = 0xA0000000u + r;
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	env_free(*state);
	return 0;
}

static int far_transfer(struct env *e, x86_handler h, uint16_t sel)
{
	struct x86_insn in = pm_insn(4);
	in.imm = 0x12345678u; /* ignored for a task switch */
	in.imm2 = sel;
	return env_exec(e, h, &in);
}

static int iret(struct env *e, unsigned opsize)
{
	struct x86_insn in = pm_insn(opsize);
	return env_exec(e, vmm_iret, &in);
}

/* The access byte of a GDT descriptor: 8B/83 busy, 89/81 available. */
static uint8_t access_byte(struct env *e, unsigned sel)
{
	return env_r8(e, PM_GDT + sel + 5);
}

/* CALL to a TSS nests the new task (NT, back link, both busy) and IRET
 * comes back (NT cleared in the saved image, the nested task not busy). */
static void test_call_tss_and_iret_back(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	c->next_eip = PM_CODE + 7;
	assert_int_equal(far_transfer(e, vmm_call_Ap, TSS_B), -1);

	assert_int_equal(c->tr.sel, TSS_B);
	assert_int_equal(c->tr.base, TSS_B_BASE);
	assert_int_equal(c->eip, 0x6000);
	assert_int_equal(c->next_eip, 0x6000);
	assert_int_equal(c->regs[REG_EAX], 0xB0000000u);
	assert_int_equal(c->regs[REG_EDI], 0xB0000007u);
	assert_int_equal(c->regs[REG_ESP], 0x8800);
	assert_int_equal(c->eflags, FLAG_1 | FLAG_CF | FLAG_NT);
	assert_true(c->cr[0] & CR0_TS);
	assert_int_equal(c->ldtr.sel, LDT_B);
	assert_int_equal(c->ldtr.base, LDT_BASE);
	assert_int_equal(c->seg[SEG_DS].sel, LDT_DATA);
	assert_int_equal(c->seg[SEG_DS].limit, 0xFFFFFFFFu);
	assert_int_equal(c->seg[SEG_CS].sel, 0x08);
	assert_int_equal(c->cpl, 0);
	assert_false(c->seg[SEG_FS].attr & SEG_ATTR_P);
	assert_int_equal(access_byte(e, 0x28), 0x8B);
	assert_int_equal(access_byte(e, TSS_B), 0x8B);
	assert_int_equal(env_r16(e, TSS_B_BASE), 0x28);
	/* Task A's state in its TSS. */
	assert_int_equal(env_r32(e, PM_TSS + 0x20), PM_CODE + 7);
	assert_int_equal(env_r32(e, PM_TSS + 0x24), FLAG_1 | FLAG_ZF);
	assert_int_equal(env_r32(e, PM_TSS + 0x28), 0xA0000000u);
	assert_int_equal(env_r32(e, PM_TSS + 0x38), PM_STACK);
	assert_int_equal(env_r16(e, PM_TSS + 0x4C), 0x08);
	assert_int_equal(env_r16(e, PM_TSS + 0x50), 0x10);

	c->cr[0] &= ~(uint32_t)CR0_TS;
	c->regs[REG_EAX] = 0xC0FFEE;
	c->next_eip = 0x6001;
	assert_int_equal(iret(e, 4), -1);
	assert_int_equal(c->tr.sel, 0x28);
	assert_int_equal(c->eip, PM_CODE + 7);
	assert_int_equal(c->regs[REG_EAX], 0xA0000000u);
	assert_int_equal(c->regs[REG_ESP], PM_STACK);
	assert_int_equal(c->eflags, FLAG_1 | FLAG_ZF);
	assert_true(c->cr[0] & CR0_TS);
	assert_int_equal(c->ldtr.sel, 0);
	assert_int_equal(access_byte(e, 0x28), 0x8B);
	assert_int_equal(access_byte(e, TSS_B), 0x89);
	/* B's saved image: NT cleared, EIP after the IRET. */
	assert_int_equal(env_r32(e, TSS_B_BASE + 0x24), FLAG_1 | FLAG_CF);
	assert_int_equal(env_r32(e, TSS_B_BASE + 0x20), 0x6001);
	assert_int_equal(env_r32(e, TSS_B_BASE + 0x28), 0xC0FFEE);
}

/* JMP through a task gate: the old task is no longer busy, no nesting;
 * JMP back; a busy TSS is not a JMP target. */
static void test_jmp_task_gate(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	env_w16(e, TSS_B_BASE, 0xBEEF);
	assert_int_equal(far_transfer(e, vmm_jmp_Ap, GATE_B), -1);
	assert_int_equal(c->tr.sel, TSS_B);
	assert_int_equal(access_byte(e, 0x28), 0x89);
	assert_int_equal(access_byte(e, TSS_B), 0x8B);
	assert_false(c->eflags & FLAG_NT);
	assert_int_equal(env_r16(e, TSS_B_BASE), 0xBEEF);

	assert_int_equal(far_transfer(e, vmm_jmp_Ap, TSS_B), EXC_GP);
	assert_int_equal(c->exc_err, TSS_B);
	assert_int_equal(far_transfer(e, vmm_jmp_Ap, 0x28), -1);
	assert_int_equal(c->tr.sel, 0x28);
	assert_int_equal(access_byte(e, 0x28), 0x8B);
	assert_int_equal(access_byte(e, TSS_B), 0x89);
	assert_int_equal(c->eip, PM_CODE + 7);
}

/* A 16-bit TSS: word registers with the upper halves all ones, null FS and
 * GS, 16-bit code; IRET from it saves the 16-bit state. */
static void test_16bit_tss(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	assert_int_equal(far_transfer(e, vmm_call_Ap, TSS_C), -1);
	assert_int_equal(c->tr.sel, TSS_C);
	assert_int_equal(c->regs[REG_EAX], 0xFFFF1230u);
	assert_int_equal(c->regs[REG_ESP], 0xFFFF8400u);
	assert_int_equal(c->seg[SEG_CS].sel, CODE16);
	assert_false(c->code32);
	assert_int_equal(c->eip, 0x0100);
	assert_int_equal(c->eflags, FLAG_1 | FLAG_NT);
	assert_int_equal(env_r16(e, TSS_C_BASE), 0x28);
	assert_int_equal(access_byte(e, TSS_C), 0x83);

	c->regs[REG_EBX] = 0x5555AAAAu;
	c->next_eip = 0x0101;
	assert_int_equal(iret(e, 2), -1);
	assert_int_equal(c->tr.sel, 0x28);
	assert_true(c->code32);
	assert_int_equal(c->regs[REG_EBX], 0xA0000003u);
	assert_int_equal(env_r16(e, TSS_C_BASE + 0x0E), 0x0101);
	assert_int_equal(env_r16(e, TSS_C_BASE + 0x18), 0xAAAA);
	assert_int_equal(access_byte(e, TSS_C), 0x81);
}

/* A #GP whose IDT entry is invalid becomes a double fault; the IDT's task
 * gate for #DF switches to task D, with the error code (0) on D's stack
 * and task A's EIP at the faulting instruction. IRET resumes task A. */
static void test_double_fault_task_gate(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	pm_gate(e, PM_IDT, EXC_DF * 8, DESC_TASK_GATE, 0, TSS_D, 0, 0);
	static const uint8_t mov_ds_ax[] = { 0x8E, 0xD8 };
	pm_code(e, PM_CODE, mov_ds_ax, sizeof mov_ds_ax);
	c->regs[REG_EAX] = 0x1234; /* past the GDT limit: #GP(1230h) */
	assert_int_equal(cpu_step(c), CPU_RUNNING);

	assert_int_equal(c->exceptions[EXC_GP], 2);
	assert_int_equal(c->tr.sel, TSS_D);
	assert_int_equal(c->eip, 0x7000);
	assert_int_equal(c->regs[REG_ESP], 0x8C00 - 4);
	assert_int_equal(env_r32(e, 0x8C00 - 4), 0);
	assert_true(c->eflags & FLAG_NT);
	assert_int_equal(env_r16(e, TSS_D_BASE), 0x28);
	assert_int_equal(env_r32(e, PM_TSS + 0x20), PM_CODE);
	assert_int_equal(env_r32(e, PM_TSS + 0x28), 0x1234);
	assert_int_equal(access_byte(e, TSS_D), 0x8B);

	c->next_eip = 0x7001;
	assert_int_equal(iret(e, 4), -1);
	assert_int_equal(c->tr.sel, 0x28);
	assert_int_equal(c->eip, PM_CODE);
	assert_int_equal(c->regs[REG_EAX], 0x1234);
}

/* INT n through a task gate nests the handler task, without an error
 * code; the saved EIP is the instruction after INT. */
static void test_int_task_gate(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	pm_gate(e, PM_IDT, 0x40 * 8, DESC_TASK_GATE, 0, TSS_B, 0, 0);
	struct x86_insn in = pm_insn(4);
	in.imm = 0x40;
	c->next_eip = PM_CODE + 2;
	assert_int_equal(env_exec(e, vmm_int_Ib, &in), -1);
	assert_int_equal(c->tr.sel, TSS_B);
	assert_int_equal(c->regs[REG_ESP], 0x8800);
	assert_true(c->eflags & FLAG_NT);
	assert_int_equal(env_r32(e, PM_TSS + 0x20), PM_CODE + 2);
	assert_int_equal(env_r16(e, TSS_B_BASE), 0x28);
}

/* Faults before the commit point leave the old task running; faults in
 * loading the new task's segments come after it, in the new task. */
static void test_task_switch_faults(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	/* A TSS shorter than 67h: #TS(its selector), nothing changed. */
	assert_int_equal(far_transfer(e, vmm_jmp_Ap, TSS_SHORT), EXC_TS);
	assert_int_equal(c->exc_err, TSS_SHORT);
	assert_int_equal(c->tr.sel, 0x28);
	assert_int_equal(access_byte(e, 0x28), 0x8B);
	assert_int_equal(c->regs[REG_EAX], 0xA0000000u);

	/* IRET with NT whose back link is not a busy TSS: #TS(link). */
	env_w16(e, PM_TSS, TSS_B);
	c->eflags |= FLAG_NT;
	assert_int_equal(iret(e, 4), EXC_TS);
	assert_int_equal(c->exc_err, TSS_B);
	c->eflags &= ~(uint32_t)FLAG_NT;

	/* Task E has a null SS: #TS(0) raised in task E. */
	assert_int_equal(far_transfer(e, vmm_call_Ap, TSS_E), EXC_TS);
	assert_int_equal(c->exc_err, 0);
	assert_int_equal(c->tr.sel, TSS_E);
	assert_int_equal(c->eip, 0x7100);
	assert_int_equal(c->regs[REG_EAX], 0xB0000000u);
	assert_int_equal(c->seg[SEG_CS].sel, 0x08);
	assert_int_equal(c->seg[SEG_SS].sel, 0);
	assert_int_equal(c->seg[SEG_DS].sel, 0x10); /* selector loaded, not checked yet */
	assert_false(c->seg[SEG_DS].attr & SEG_ATTR_P);
}

/* The T bit of the new TSS: a #DB trap with DR6.BT before the new task's
 * first instruction. */
static void test_tss_trap_bit(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	env_w16(e, TSS_B_BASE + 0x64, 1);
	pm_gate(e, PM_IDT, EXC_DB * 8, DESC_INT_GATE32, 0, 0x08, 0x7800, 0);
	assert_int_equal(far_transfer(e, vmm_jmp_Ap, TSS_B), -1);
	assert_true(c->debug & DEBUG_TRAP);
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, 0x7800);
	assert_true(c->dr[6] & DR6_BT);
	assert_int_equal(env_r32(e, 0x8800 - 12), 0x6000); /* the task's first EIP */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_call_tss_and_iret_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jmp_task_gate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_16bit_tss, setup, teardown),
		cmocka_unit_test_setup_teardown(test_double_fault_task_gate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_int_task_gate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_task_switch_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tss_trap_bit, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
