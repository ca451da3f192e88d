/* test_debug.c: the debug registers at work (cpu/debug.c) and alignment
 * checking, through cpu_step() on real instruction bytes: an instruction
 * breakpoint is a fault before the instruction and RF suppresses it once;
 * data breakpoints trap after the access (write-only ones ignore reads);
 * a single step and a data breakpoint in one instruction give one #DB;
 * DR7.GD makes MOV DRn a #DB; #AC(0) at CPL 3 with CR0.AM and EFLAGS.AC
 * for misaligned operands only, and only while both are set, with the
 * 8-byte rule of CMPXCHG8B and the x87's m64/m80 operands and the 4- or
 * 2-byte rule of the FSAVE/FSTENV images. CR4.DE: DR4/DR5 alias DR6/DR7
 * without it and are #UD with it; I/O breakpoints trap after IN/OUT/
 * INS/OUTS (after one iteration of a REP form), only with CR4.DE and only
 * when the port access was allowed; CPUID reports DE.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/cpu/pm_env.h"

#define DB_HANDLER 0x7800u
#define AC_HANDLER 0x7900u
#define GP_HANDLER 0x7A80u
#define DATA 0x2000u

static int setup(void **state)
{
	struct env *e = env_new();
	pm_enter(e);
	pm_gate(e, PM_IDT, EXC_DB * 8, DESC_INT_GATE32, 0, 0x08, DB_HANDLER, 0);
	pm_gate(e, PM_IDT, EXC_AC * 8, DESC_INT_GATE32, 0, 0x08, AC_HANDLER, 0);
	pm_gate(e, PM_IDT, EXC_GP * 8, DESC_INT_GATE32, 0, 0x08, GP_HANDLER, 0);
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

/* MOV EAX, DRn; returns the vector raised or -1, the value in *v. */
static int read_dr(struct env *e, unsigned n, uint32_t *v)
{
	struct x86_insn in = pm_insn(4);
	in.reg = (uint8_t)n;
	in.rm = REG_EAX;
	int r = env_exec(e, vmm_mov_Rd_Dd, &in);
	*v = e->cpu.regs[REG_EAX];
	return r;
}

/* MOV CR4, EAX; returns the vector raised or -1. */
static int write_cr4(struct env *e, uint32_t v)
{
	struct x86_insn in = pm_insn(4);
	in.reg = 4;
	in.rm = REG_EAX;
	e->cpu.regs[REG_EAX] = v;
	return env_exec(e, vmm_mov_Cd_Rd, &in);
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

/* CR4.DE: without it DR4 and DR5 are DR6 and DR7 under other names; with
 * it they are #UD (before the privilege and GD checks). CPUID says DE. */
static void test_dr4_dr5_and_de(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	uint32_t v;
	assert_int_equal(mov_dr(e, 4, 0x00000003u), -1); /* DR6 B0 B1 */
	assert_int_equal(c->dr[6], 0xFFFF0FF3u);
	assert_int_equal(read_dr(e, 4, &v), -1);
	assert_int_equal(v, 0xFFFF0FF3u);
	assert_int_equal(mov_dr(e, 5, dr7_bp(0, 0, 0)), -1); /* DR7, re-armed */
	assert_int_equal(c->dr[7], dr7_bp(0, 0, 0) | 0x400u);
	assert_true(c->debug & DEBUG_CODE_BP);
	assert_int_equal(read_dr(e, 5, &v), -1);
	assert_int_equal(v, c->dr[7]);

	assert_int_equal(write_cr4(e, CR4_DE), -1);
	assert_int_equal(c->cr[4], CR4_DE);
	assert_int_equal(mov_dr(e, 4, 0), EXC_UD);
	assert_int_equal(mov_dr(e, 5, 0), EXC_UD);
	assert_int_equal(read_dr(e, 4, &v), EXC_UD);
	assert_int_equal(read_dr(e, 5, &v), EXC_UD);
	assert_int_equal(c->dr[6], 0xFFFF0FF3u);
	/* DR6 and DR7 by their own names still work. */
	assert_int_equal(read_dr(e, 7, &v), -1);
	assert_int_equal(v, c->dr[7]);

	struct x86_insn cpuid = pm_insn(4);
	c->regs[REG_EAX] = 1;
	assert_int_equal(env_exec(e, vmm_cpuid, &cpuid), -1);
	assert_true(c->regs[REG_EDX] & (1u << 2));
}

/* I/O breakpoints: DR7 R/W = 10b with CR4.DE, matched on the port range
 * after the permission check, a trap after the instruction. */
static void test_io_breakpoints(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	/* out 80h, al; in al, dx; out dx, ax; rep outsb */
	static const uint8_t prog[] = { 0xE6, 0x80, 0xEC, 0x66, 0xEF, 0xF3, 0x6E };
	enum { OUT_IMM = 0, IN_DX = 2, OUT_DX_AX = 3, REP_OUTSB = 5, END = 7 };
	code(e, prog, sizeof prog);
	assert_int_equal(mov_dr(e, 0, 0x80), -1);
	assert_int_equal(mov_dr(e, 1, 0x86), -1); /* LEN 2 bytes: ports 86h-87h */
	assert_int_equal(mov_dr(e, 7, dr7_bp(0, DR7_RW_IO, 0) | dr7_bp(1, DR7_RW_IO, 1)), -1);
	/* Nothing for the run loop or the segments to do between accesses. */
	assert_false(c->debug);
	assert_false(c->seg[SEG_DS].attr & SEG_ATTR_SLOW);

	/* Without CR4.DE, R/W = 10b is not an I/O breakpoint. */
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, PM_CODE + IN_DX);
	assert_false(c->debug & DEBUG_TRAP);

	assert_int_equal(write_cr4(e, CR4_DE), -1);
	c->eip = PM_CODE + OUT_IMM;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, PM_CODE + IN_DX); /* a trap: the OUT completed */
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, DB_HANDLER);
	assert_int_equal(pushed_eip(e), PM_CODE + IN_DX);
	assert_int_equal(c->dr[6] & DR6_B_MASK, 1);
	assert_false(pushed_eflags(e) & FLAG_RF);

	/* Another port: nothing. A word at 85h overlaps DR1's 86h-87h; one
	 * at 84h does not. */
	c->regs[REG_ESP] = PM_STACK;
	c->dr[6] = 0xFFFF0FF0u;
	c->regs[REG_EDX] = 0x81;
	c->eip = PM_CODE + IN_DX;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, PM_CODE + OUT_DX_AX);
	assert_false(c->debug & DEBUG_TRAP);
	c->regs[REG_EDX] = 0x84;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, PM_CODE + REP_OUTSB);
	assert_false(c->debug & DEBUG_TRAP);
	c->regs[REG_EDX] = 0x85;
	c->eip = PM_CODE + OUT_DX_AX;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, DB_HANDLER);
	assert_int_equal(pushed_eip(e), PM_CODE + REP_OUTSB);
	assert_int_equal(c->dr[6] & DR6_B_MASK, 2);

	/* REP OUTSB: the trap comes after the first iteration, with EIP at
	 * the instruction so that the rest runs after the handler. */
	c->regs[REG_ESP] = PM_STACK;
	c->dr[6] = 0xFFFF0FF0u;
	c->regs[REG_EDX] = 0x80;
	c->regs[REG_ECX] = 3;
	c->regs[REG_ESI] = DATA;
	c->eip = PM_CODE + REP_OUTSB;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, PM_CODE + REP_OUTSB);
	assert_int_equal(c->regs[REG_ECX], 2);
	assert_int_equal(c->regs[REG_ESI], DATA + 1);
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, DB_HANDLER);
	assert_int_equal(pushed_eip(e), PM_CODE + REP_OUTSB);
	assert_int_equal(c->dr[6] & DR6_B_MASK, 1);
	assert_int_equal(c->exceptions[EXC_DB], 3);

	/* Disabled (L0 clear): the same OUT runs on. */
	c->regs[REG_ESP] = PM_STACK;
	assert_int_equal(mov_dr(e, 7, dr7_bp(1, DR7_RW_IO, 1)), -1);
	c->eip = PM_CODE + OUT_IMM;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_false(c->debug & DEBUG_TRAP);

	/* A denied access (CPL 3 above IOPL 0, no bitmap) is #GP(0) and
	 * reports no breakpoint. */
	assert_int_equal(mov_dr(e, 7, dr7_bp(0, DR7_RW_IO, 0)), -1);
	pm_to_ring3(e, PM_CODE + OUT_IMM, 0x7000);
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, GP_HANDLER);
	assert_int_equal(c->dbg_trap, 0);
	assert_int_equal(c->exceptions[EXC_DB], 3);
}

/* The ring-3 segments alignment checking runs with (saved once). */
struct ring3 {
	struct seg_cache seg[SEG_COUNT];
};

static void ring3_save(struct env *e, struct ring3 *r)
{
	pm_to_ring3(e, PM_CODE, 0x7000);
	memcpy(r->seg, e->cpu.seg, sizeof r->seg);
}

/* Runs one instruction at CPL 3 with CR0.AM and EFLAGS.AC, EBX = ebx and
 * a freshly initialised x87; returns whether it raised #AC(0). */
static bool raises_ac(struct env *e, const struct ring3 *r, const uint8_t *bytes, size_t n,
		      uint32_t ebx)
{
	struct cpu *c = &e->cpu;
	code(e, bytes, n);
	memcpy(c->seg, r->seg, sizeof r->seg);
	c->cr[0] |= CR0_AM;
	c->eflags = FLAG_1 | FLAG_AC;
	cpu_update_mode(c);
	assert_true(c->align_check);
	fpu_init_state(&c->fpu);
	c->regs[REG_ESP] = 0x7000;
	c->regs[REG_EBX] = ebx;
	c->eip = PM_CODE;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	if (c->eip == AC_HANDLER) {
		assert_int_equal(env_r32(e, c->regs[REG_ESP]), 0); /* error code 0 */
		assert_int_equal(env_r32(e, c->regs[REG_ESP] + 4), PM_CODE);
		return true;
	}
	assert_int_equal(c->eip, PM_CODE + n);
	return false;
}

/* An instruction and the offsets from DATA it must accept and refuse. */
struct ac_case {
	const char *name;
	uint8_t bytes[4];
	uint8_t len;
	uint8_t ok, bad;
};

/* The operands wider than a dword, and the x87's others: each is checked
 * as a whole (8 for m64/m80 and CMPXCHG8B, 4 and 2 for m32/m16, 4 for
 * the 32-bit FSAVE/FSTENV images and 2 for the 16-bit ones), and an
 * aligned 16-bit image does not trip the dword rule in its pieces. */
static void test_alignment_wide_operands(void **state)
{
	struct env *e = *state;
	struct ring3 r;
	ring3_save(e, &r);
	static const struct ac_case cases[] = {
		{ "cmpxchg8b [ebx]", { 0x0F, 0xC7, 0x0B }, 3, 8, 4 },
		{ "fld qword [ebx]", { 0xDD, 0x03 }, 2, 8, 4 },
		{ "fadd qword [ebx]", { 0xDC, 0x03 }, 2, 8, 4 },
		{ "fild qword [ebx]", { 0xDF, 0x2B }, 2, 8, 4 },
		{ "fstp qword [ebx]", { 0xDD, 0x1B }, 2, 8, 4 },
		{ "fistp qword [ebx]", { 0xDF, 0x3B }, 2, 8, 4 },
		{ "fld tword [ebx]", { 0xDB, 0x2B }, 2, 8, 4 },
		{ "fstp tword [ebx]", { 0xDB, 0x3B }, 2, 8, 4 },
		{ "fbld [ebx]", { 0xDF, 0x23 }, 2, 8, 4 },
		{ "fbstp [ebx]", { 0xDF, 0x33 }, 2, 8, 4 },
		{ "fld dword [ebx]", { 0xD9, 0x03 }, 2, 4, 2 },
		{ "fst dword [ebx]", { 0xD9, 0x13 }, 2, 4, 2 },
		{ "ficom dword [ebx]", { 0xDA, 0x13 }, 2, 4, 2 },
		{ "fild word [ebx]", { 0xDF, 0x03 }, 2, 2, 1 },
		{ "fistp word [ebx]", { 0xDF, 0x1B }, 2, 2, 1 },
		{ "fnsave [ebx]", { 0xDD, 0x33 }, 2, 4, 2 },
		{ "frstor [ebx]", { 0xDD, 0x23 }, 2, 4, 2 },
		{ "fnstenv [ebx]", { 0xD9, 0x33 }, 2, 4, 2 },
		{ "fldenv [ebx]", { 0xD9, 0x23 }, 2, 4, 2 },
		{ "o16 fnsave [ebx]", { 0x66, 0xDD, 0x33 }, 3, 2, 1 },
		{ "o16 frstor [ebx]", { 0x66, 0xDD, 0x23 }, 3, 2, 1 },
		{ "o16 fnstenv [ebx]", { 0x66, 0xD9, 0x33 }, 3, 2, 1 },
		{ "o16 fldenv [ebx]", { 0x66, 0xD9, 0x23 }, 3, 2, 1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct ac_case *k = &cases[i];
		print_message("%s\n", k->name);
		/* The images loaded must be valid: an FNSAVE image of an
		 * initialised x87 (all empty) at both places. */
		memset(e->pm.ram + DATA, 0, 0x100);
		env_w16(e, DATA + k->ok, 0x037F);
		env_w16(e, DATA + k->bad, 0x037F);
		assert_false(raises_ac(e, &r, k->bytes, k->len, DATA + k->ok));
		assert_true(raises_ac(e, &r, k->bytes, k->len, DATA + k->bad));
		assert_false(raises_ac(e, &r, k->bytes, k->len, DATA + k->ok + 16));
	}
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
		cmocka_unit_test_setup_teardown(test_dr4_dr5_and_de, setup, teardown),
		cmocka_unit_test_setup_teardown(test_io_breakpoints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alignment_wide_operands, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
