/* test_v86.c: virtual-8086 mode: entering it with IRETD, its segment
 * caches, the IOPL-sensitive instructions (#GP(0) below IOPL 3), port I/O
 * through the TSS bitmap whatever the IOPL, interrupts from V86 mode into a
 * ring-0 handler (the frame with the data segment registers) and back with
 * IRETD, and the virtual-8086 mode extensions (VIF, VIP, the interrupt
 * redirection bitmap) and protected-mode virtual interrupts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/cpu/pm_env.h"
#include "vmm/io_bus.h"

/* The V86 task: code at 2000:0100, stack at 6000:1000, DS=ES=FS=GS set
 * apart so the frame shows which is which. */
#define V86_CS 0x2000u
#define V86_IP 0x0100u
#define V86_SS 0x6000u
#define V86_SP 0x1000u
/* The TSS gets a redirection bitmap at 68h and an I/O bitmap at 88h for
 * ports 0-FFh (all allowed but 60h-67h). */
#define TSS_REDIR 0x68u
#define TSS_IOMAP 0x88u
#define TSS_LIMIT (TSS_IOMAP + 0x20u)

static int setup(void **state)
{
	struct env *e = env_new();
	pm_enter(e);
	pm_seg(e, 0x28, PM_TSS, TSS_LIMIT, PM_TSS32 | 2, false);
	e->cpu.tr.limit = TSS_LIMIT;
	env_w16(e, PM_TSS + 0x66, TSS_IOMAP);
	memset(e->pm.ram + PM_TSS + TSS_REDIR, 0xFF, 0x20); /* nothing redirected */
	memset(e->pm.ram + PM_TSS + TSS_IOMAP, 0, 0x21);
	env_w8(e, PM_TSS + TSS_IOMAP + 0x60 / 8, 0xFF);
	env_w8(e, PM_TSS + TSS_LIMIT, 0xFF);
	/* #GP, IRQ 0 (vector 20h) and INT 21h go to ring 0. */
	pm_gate(e, PM_IDT, EXC_GP * 8, DESC_INT_GATE32, 0, 0x08, 0x7000, 0);
	pm_gate(e, PM_IDT, 0x20 * 8, DESC_INT_GATE32, 0, 0x08, 0x7100, 0);
	pm_gate(e, PM_IDT, 0x21 * 8, DESC_TRAP_GATE32, 3, 0x08, 0x7200, 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	env_free(*state);
	return 0;
}

/* IRETD from ring 0 with VM set in the popped EFLAGS. */
static void enter_v86(struct env *e, uint32_t flags)
{
	struct cpu *c = &e->cpu;
	uint32_t sp = PM_STACK - 36;
	static const uint32_t segs[4] = { 0x3000, 0x4000, 0x5000, 0x7000 }; /* ES DS FS GS */
	env_w32(e, sp, V86_IP);
	env_w32(e, sp + 4, V86_CS);
	env_w32(e, sp + 8, flags | FLAG_VM | FLAG_1);
	env_w32(e, sp + 12, V86_SP);
	env_w32(e, sp + 16, V86_SS);
	for (unsigned i = 0; i < 4; i++)
		env_w32(e, sp + 20 + 4 * i, segs[i]);
	c->regs[REG_ESP] = sp;
	struct x86_insn iret = pm_insn(4);
	assert_int_equal(env_exec(e, vmm_iret, &iret), -1);
	pm_retire(e);
	assert_true(cpu_v86_mode(c));
}

static int run(struct env *e, x86_handler h, unsigned opsize)
{
	struct x86_insn in = pm_insn(opsize);
	in.adsize = 2;
	e->cpu.next_eip = V86_IP + 1;
	return env_exec(e, h, &in);
}

static int int_n(struct env *e, unsigned vec)
{
	struct x86_insn in = pm_insn(2);
	in.adsize = 2;
	in.imm = vec;
	e->cpu.next_eip = V86_IP + 2;
	return env_exec(e, vmm_int_Ib, &in);
}

static void test_enter_v86_segments(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	enter_v86(e, 0);
	assert_int_equal(c->cpl, 3);
	assert_false(c->code32);
	assert_false(c->stack32);
	assert_int_equal(c->eip, V86_IP);
	assert_int_equal(c->regs[REG_ESP], V86_SP);
	static const struct {
		int seg;
		uint16_t sel;
	} want[] = { { SEG_CS, V86_CS }, { SEG_SS, V86_SS }, { SEG_ES, 0x3000 },
		     { SEG_DS, 0x4000 }, { SEG_FS, 0x5000 }, { SEG_GS, 0x7000 } };
	for (unsigned i = 0; i < sizeof want / sizeof want[0]; i++) {
		const struct seg_cache *s = &c->seg[want[i].seg];
		assert_int_equal(s->sel, want[i].sel);
		assert_int_equal(s->base, (uint32_t)want[i].sel << 4);
		assert_int_equal(s->limit, 0xFFFF);
		assert_int_equal((s->attr >> 5) & 3, 3);
	}
	/* A segment load is a real-mode style load. */
	assert_int_equal(pm_load_seg(e, SEG_DS, 0x1234), -1);
	assert_int_equal(c->seg[SEG_DS].base, 0x12340);
	assert_int_equal(c->seg[SEG_DS].limit, 0xFFFF);
}

/* Below IOPL 3, CLI, STI, PUSHF, POPF, INT n and IRET are #GP(0); at IOPL
 * 3 they work, INT n through the IDT. */
static void test_v86_iopl_sensitive(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	enter_v86(e, FLAG_IF);
	x86_handler sensitive[] = { vmm_cli, vmm_sti, vmm_pushf, vmm_popf, vmm_iret };
	for (unsigned i = 0; i < sizeof sensitive / sizeof sensitive[0]; i++) {
		assert_int_equal(run(e, sensitive[i], 2), EXC_GP);
		assert_int_equal(c->exc_err, 0);
		assert_int_equal(run(e, sensitive[i], 4), EXC_GP);
	}
	assert_int_equal(int_n(e, 0x21), EXC_GP);
	assert_int_equal(c->exc_err, 0);
	assert_true(c->eflags & FLAG_IF);
	assert_int_equal(c->regs[REG_ESP], V86_SP);
	/* HLT and MOV CRn are privileged: #GP(0) too. */
	assert_int_equal(run(e, vmm_hlt, 2), EXC_GP);

	c->eflags |= FLAG_IOPL;
	assert_int_equal(run(e, vmm_cli, 2), -1);
	assert_false(c->eflags & FLAG_IF);
	assert_int_equal(run(e, vmm_pushf, 2), -1);
	assert_int_equal(env_r16(e, (V86_SS << 4) + V86_SP - 2), FLAG_IOPL | FLAG_1);
	c->regs[REG_ESP] = V86_SP;

	/* INT 21h at IOPL 3: through the DPL 3 trap gate into ring 0. */
	assert_int_equal(int_n(e, 0x21), -1);
	assert_false(cpu_v86_mode(c));
	assert_int_equal(c->cpl, 0);
	assert_int_equal(c->eip, 0x7200);
	assert_int_equal(env_r32(e, PM_STACK0 - 36), V86_IP + 2);
}

/* An interrupt from V86 mode enters ring 0 on the TSS stack with GS, FS,
 * DS, ES, SS, ESP, EFLAGS, CS, EIP pushed and the data segments nulled;
 * IRETD returns to V86 mode with all of them back. */
static void test_v86_interrupt_to_ring0_and_back(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	enter_v86(e, FLAG_IF | FLAG_CF);
	assert_int_equal(pm_deliver(e, 0x20), -1);
	assert_false(cpu_v86_mode(c));
	assert_int_equal(c->cpl, 0);
	assert_int_equal(c->seg[SEG_CS].sel, 0x08);
	assert_int_equal(c->seg[SEG_SS].sel, 0x10);
	assert_int_equal(c->eip, 0x7100);
	assert_false(c->eflags & FLAG_IF);
	assert_int_equal(c->regs[REG_ESP], PM_STACK0 - 36);
	static const uint32_t frame[9] = { V86_IP, V86_CS, FLAG_VM | FLAG_IF | FLAG_CF | FLAG_1,
					   V86_SP, V86_SS, 0x3000,
					   0x4000, 0x5000, 0x7000 };
	for (unsigned i = 0; i < 9; i++)
		assert_int_equal(env_r32(e, PM_STACK0 - 36 + 4 * i), frame[i]);
	for (int s = SEG_ES; s <= SEG_GS; s++) {
		if (s == SEG_CS || s == SEG_SS)
			continue;
		assert_int_equal(c->seg[s].sel, 0);
		assert_false(c->seg[s].attr & SEG_ATTR_P);
	}

	struct x86_insn iret = pm_insn(4);
	assert_int_equal(env_exec(e, vmm_iret, &iret), -1);
	pm_retire(e);
	assert_true(cpu_v86_mode(c));
	assert_int_equal(c->eip, V86_IP);
	assert_int_equal(c->regs[REG_ESP], V86_SP);
	assert_int_equal(c->seg[SEG_DS].sel, 0x4000);
	assert_int_equal(c->seg[SEG_GS].base, 0x70000);
	assert_true(c->eflags & FLAG_IF);
}

/* Port I/O in V86 mode follows the TSS bitmap even at IOPL 3. */
static void test_v86_io_bitmap(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	enter_v86(e, FLAG_IOPL);
	struct x86_insn in = pm_insn(2);
	in.imm = 0x80;
	assert_int_equal(env_exec(e, vmm_in_AL_Ib, &in), -1);
	in.imm = 0x61;
	assert_int_equal(env_exec(e, vmm_in_AL_Ib, &in), EXC_GP);
	assert_int_equal(c->exc_err, 0);
	c->regs[REG_EDX] = 0x100; /* past the bitmap */
	assert_int_equal(env_exec(e, vmm_in_AL_DX, &in), EXC_GP);
}

/* CR4.VME below IOPL 3: CLI/STI work on VIF, STI with VIP faults, the
 * 16-bit PUSHF/POPF/IRET see VIF as IF, the 32-bit ones fault. */
static void test_vme_virtual_if(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	c->cr[4] |= CR4_VME;
	enter_v86(e, FLAG_IF | FLAG_VIF);
	const uint32_t stack = (V86_SS << 4) + V86_SP;

	assert_int_equal(run(e, vmm_cli, 2), -1);
	assert_true(c->eflags & FLAG_IF);
	assert_false(c->eflags & FLAG_VIF);
	assert_int_equal(run(e, vmm_pushf, 2), -1);
	assert_int_equal(env_r16(e, stack - 2), FLAG_IOPL | FLAG_1);
	assert_int_equal(run(e, vmm_pushf, 4), EXC_GP);
	assert_int_equal(run(e, vmm_sti, 2), -1);
	assert_true(c->eflags & FLAG_VIF);
	assert_int_equal(run(e, vmm_pushf, 2), -1);
	assert_int_equal(env_r16(e, stack - 4), FLAG_IOPL | FLAG_IF | FLAG_1);
	c->regs[REG_ESP] = V86_SP;

	/* POPF: IF goes to VIF, IOPL stays 0; TF or VIP with IF fault. */
	env_w16(e, stack - 2, FLAG_CF | FLAG_1);
	c->regs[REG_ESP] = V86_SP - 2;
	assert_int_equal(run(e, vmm_popf, 2), -1);
	assert_false(c->eflags & FLAG_VIF);
	assert_true(c->eflags & FLAG_IF);
	assert_true(c->eflags & FLAG_CF);
	assert_int_equal(c->eflags & FLAG_IOPL, 0);
	env_w16(e, stack - 2, FLAG_IF | FLAG_1);
	c->regs[REG_ESP] = V86_SP - 2;
	c->eflags |= FLAG_VIP;
	assert_int_equal(run(e, vmm_popf, 2), EXC_GP);
	assert_int_equal(c->regs[REG_ESP], V86_SP - 2);
	assert_int_equal(run(e, vmm_sti, 2), EXC_GP);
	c->eflags &= ~(uint32_t)FLAG_VIP;
	env_w16(e, stack - 2, FLAG_TF | FLAG_1);
	assert_int_equal(run(e, vmm_popf, 2), EXC_GP);
	assert_int_equal(run(e, vmm_popf, 4), EXC_GP);

	/* IRET (16-bit): CS:IP and FLAGS, IF to VIF. */
	env_w16(e, stack - 6, 0x0200);
	env_w16(e, stack - 4, 0x2100);
	env_w16(e, stack - 2, FLAG_IF | FLAG_ZF | FLAG_1);
	c->regs[REG_ESP] = V86_SP - 6;
	assert_int_equal(run(e, vmm_iret, 2), -1);
	assert_int_equal(c->next_eip, 0x0200);
	assert_int_equal(c->seg[SEG_CS].base, 0x21000);
	assert_true(c->eflags & FLAG_VIF);
	assert_true(c->eflags & FLAG_ZF);
	assert_int_equal(c->regs[REG_ESP], V86_SP);
	assert_int_equal(run(e, vmm_iret, 4), EXC_GP);
}

/* CR4.VME: INT n whose redirection bit is clear goes through the V86
 * task's vector table at linear 0; a set bit below IOPL 3 is #GP(0). */
static void test_vme_int_redirection(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	c->cr[4] |= CR4_VME;
	env_w8(e, PM_TSS + TSS_REDIR + 0x10 / 8, 0xFE); /* INT 10h redirected */
	env_w32(e, 0x10 * 4, 0xC0000123u);              /* IVT: C000:0123 */
	enter_v86(e, FLAG_IF | FLAG_VIF | FLAG_CF);
	const uint32_t stack = (V86_SS << 4) + V86_SP;

	assert_int_equal(int_n(e, 0x10), -1);
	assert_true(cpu_v86_mode(c));
	assert_int_equal(c->seg[SEG_CS].sel, 0xC000);
	assert_int_equal(c->next_eip, 0x0123);
	assert_false(c->eflags & FLAG_VIF);
	assert_true(c->eflags & FLAG_IF);
	assert_int_equal(c->regs[REG_ESP], V86_SP - 6);
	assert_int_equal(env_r16(e, stack - 2), FLAG_IOPL | FLAG_IF | FLAG_CF | FLAG_1);
	assert_int_equal(env_r16(e, stack - 4), V86_CS);
	assert_int_equal(env_r16(e, stack - 6), V86_IP + 2);

	assert_int_equal(int_n(e, 0x11), EXC_GP);
	assert_int_equal(c->exc_err, 0);
}

/* CR4.PVI at CPL 3 in protected mode: CLI/STI change VIF below IOPL 3. */
static void test_pvi(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	pm_to_ring3(e, 0x2000, 0x7000);
	c->eflags = FLAG_1 | FLAG_IF | FLAG_VIF;
	assert_int_equal(run(e, vmm_cli, 4), EXC_GP);
	c->cr[4] |= CR4_PVI;
	assert_int_equal(run(e, vmm_cli, 4), -1);
	assert_true(c->eflags & FLAG_IF);
	assert_false(c->eflags & FLAG_VIF);
	assert_int_equal(run(e, vmm_sti, 4), -1);
	assert_true(c->eflags & FLAG_VIF);
}

/* A task switch into a TSS whose EFLAGS has VM set enters V86 mode. */
static void test_task_switch_into_v86(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	const uint32_t tss = 0x3400;
	memset(e->pm.ram + tss, 0, 0x68);
	env_w32(e, tss + 0x20, V86_IP);
	env_w32(e, tss + 0x24, FLAG_VM | FLAG_IF | FLAG_1);
	env_w32(e, tss + 0x38, V86_SP);
	env_w16(e, tss + 0x48, 0x3000);
	env_w16(e, tss + 0x4C, V86_CS);
	env_w16(e, tss + 0x50, V86_SS);
	env_w16(e, tss + 0x54, 0x4000);
	pm_seg(e, 0x30, tss, 0x67, PM_TSS32, false);
	struct x86_insn jmp = pm_insn(4);
	jmp.imm2 = 0x30;
	assert_int_equal(env_exec(e, vmm_jmp_Ap, &jmp), -1);
	assert_true(cpu_v86_mode(c));
	assert_int_equal(c->cpl, 3);
	assert_int_equal(c->seg[SEG_CS].base, V86_CS << 4);
	assert_int_equal(c->seg[SEG_DS].base, 0x40000);
	assert_int_equal(c->seg[SEG_FS].base, 0);
	assert_int_equal(c->seg[SEG_FS].limit, 0xFFFF);
	assert_int_equal(c->eip, V86_IP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_enter_v86_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v86_iopl_sensitive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v86_interrupt_to_ring0_and_back, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_v86_io_bitmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vme_virtual_if, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vme_int_redirection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pvi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_task_switch_into_v86, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
