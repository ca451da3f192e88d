/* pm_env.h: a protected-mode CPU for the gate, task, V86 and debug tests,
 * built on handler_env.h's bare machine (1 MiB of RAM, no devices).
 *
 * pm_enter() leaves the CPU in 32-bit protected mode at CPL 0 with this
 * GDT at PM_GDT (more entries are the tests' own business):
 *   08 flat 32-bit code DPL 0     10 flat data DPL 0
 *   18 flat 32-bit code DPL 3     20 flat data DPL 3
 *   28 32-bit TSS at PM_TSS (limit 67h), loaded into TR, ring-0 stack
 *      10:PM_STACK0
 * an empty IDT at PM_IDT (256 not-present entries), CS:EIP = 08:PM_CODE,
 * SS:ESP = 10:PM_STACK, DS = ES = 10.
 */
#ifndef POPEK_TESTS_PM_ENV_H
#define POPEK_TESTS_PM_ENV_H

#include "cpu/debug.h"
#include "cpu/seg.h"
#include "cpu/task.h"
#include "tests/cpu/handler_env.h"
#include "vmm/priv.h"

#define PM_GDT 0x500u
#define PM_GDT_LIMIT 0x1FFu /* 64 entries */
#define PM_IDT 0x1000u
#define PM_TSS 0x3000u
#define PM_CODE 0x5000u
#define PM_STACK 0x9000u
#define PM_STACK0 0x8000u

/* Descriptor access bytes. */
enum {
	PM_CODE0 = 0x9A,
	PM_DATA0 = 0x92,
	PM_CODE3 = 0xFA,
	PM_DATA3 = 0xF2,
	PM_TSS32 = 0x89,
	PM_TSS16 = 0x81,
	PM_LDT = 0x82,
};

static const struct opcode_info pm_test_op = { .name = "test" };

/* An instruction with 32-bit addressing and the given operand size. */
static inline struct x86_insn pm_insn(unsigned opsize)
{
	return insn_make(&pm_test_op, opsize, 4);
}

/* Writes a raw descriptor into the table at `table`. */
static inline void pm_raw(struct env *e, uint32_t table, unsigned sel, uint32_t lo, uint32_t hi)
{
	env_w32(e, table + (sel & ~7u), lo);
	env_w32(e, table + (sel & ~7u) + 4, hi);
}

/* A code/data/system segment descriptor in the GDT. `limit` is in bytes
 * (page granular above 1 MiB); `big` sets D/B. */
static inline void pm_seg(struct env *e, unsigned sel, uint32_t base, uint32_t limit,
			  unsigned access, bool big)
{
	unsigned g = 0;
	if (limit > 0xFFFFFu) {
		limit >>= 12;
		g = 1;
	}
	uint32_t lo = (limit & 0xFFFFu) | (base << 16);
	uint32_t hi = ((base >> 16) & 0xFFu) | (access << 8) | (limit & 0xF0000u) |
		      ((big ? 1u : 0u) << 22) | (g << 23) | (base & 0xFF000000u);
	pm_raw(e, PM_GDT, sel, lo, hi);
}

/* A gate (call, task, interrupt or trap: `type` is DESC_*) in the table at
 * `table`, present, with `params` the call gate parameter count. */
static inline void pm_gate(struct env *e, uint32_t table, unsigned sel, unsigned type, unsigned dpl,
			   uint16_t target, uint32_t off, unsigned params)
{
	uint32_t lo = (off & 0xFFFFu) | ((uint32_t)target << 16);
	uint32_t hi = (off & 0xFFFF0000u) | 0x8000u | (dpl << 13) | (type << 8) | (params & 0x1Fu);
	pm_raw(e, table, sel, lo, hi);
}

/* Runs cpu_load_seg; returns the vector it raised, or -1. */
static inline int pm_load_seg(struct env *e, int seg, uint16_t sel)
{
	if (setjmp(e->cpu.exc_jmp))
		return e->cpu.exc_vec;
	cpu_load_seg(&e->cpu, seg, sel);
	return -1;
}

/* Delivers a hardware interrupt or exception `vec` now (as the run loop
 * does between instructions); returns the vector of a fault while
 * delivering, or -1. */
static inline int pm_deliver(struct env *e, int vec)
{
	if (setjmp(e->cpu.exc_jmp))
		return e->cpu.exc_vec;
	cpu_deliver(&e->cpu, vec, e->cpu.eip, false, 0, false);
	return -1;
}

/* Retires the instruction a routine just ran, as the run loop does. */
static inline void pm_retire(struct env *e)
{
	e->cpu.eip = e->cpu.next_eip;
}

static inline void pm_enter(struct env *e)
{
	struct cpu *c = &e->cpu;
	memset(e->pm.ram + PM_GDT, 0, PM_GDT_LIMIT + 1);
	memset(e->pm.ram + PM_IDT, 0, 0x800);
	pm_seg(e, 0x08, 0, 0xFFFFFFFFu, PM_CODE0, true);
	pm_seg(e, 0x10, 0, 0xFFFFFFFFu, PM_DATA0, true);
	pm_seg(e, 0x18, 0, 0xFFFFFFFFu, PM_CODE3, true);
	pm_seg(e, 0x20, 0, 0xFFFFFFFFu, PM_DATA3, true);
	pm_seg(e, 0x28, PM_TSS, 0x67, PM_TSS32, false);
	env_w32(e, PM_TSS + 4, PM_STACK0); /* ESP0 */
	env_w32(e, PM_TSS + 8, 0x10);      /* SS0 */
	env_w16(e, PM_TSS + 0x66, 0x68);   /* I/O bitmap base: none (at the limit) */
	c->gdtr = (struct dtr){ .base = PM_GDT, .limit = PM_GDT_LIMIT };
	c->idtr = (struct dtr){ .base = PM_IDT, .limit = 0x7FF };
	c->cr[0] |= CR0_PE;
	cpu_update_mode(c);
	assert_int_equal(pm_load_seg(e, SEG_CS, 0x08), -1);
	assert_int_equal(pm_load_seg(e, SEG_SS, 0x10), -1);
	assert_int_equal(pm_load_seg(e, SEG_DS, 0x10), -1);
	assert_int_equal(pm_load_seg(e, SEG_ES, 0x10), -1);
	assert_int_equal(pm_load_seg(e, SEG_FS, 0), -1);
	assert_int_equal(pm_load_seg(e, SEG_GS, 0), -1);
	struct x86_insn ltr = pm_insn(2);
	ltr.rm = REG_EAX;
	c->regs[REG_EAX] = 0x28;
	assert_int_equal(env_exec(e, vmm_ltr, &ltr), -1);
	c->regs[REG_EAX] = 0;
	c->regs[REG_ESP] = PM_STACK;
	c->eip = PM_CODE;
	c->next_eip = PM_CODE + 7;
	c->inhibit_intr = 0;
	assert_true(c->code32);
	assert_int_equal(c->cpl, 0);
}

/* RETF from ring 0 to 1B:eip with stack 23:esp; DS = ES = 23. */
static inline void pm_to_ring3(struct env *e, uint32_t eip, uint32_t esp)
{
	struct cpu *c = &e->cpu;
	uint32_t sp = c->regs[REG_ESP] - 16;
	env_w32(e, sp, eip);
	env_w32(e, sp + 4, 0x1B);
	env_w32(e, sp + 8, esp);
	env_w32(e, sp + 12, 0x23);
	c->regs[REG_ESP] = sp;
	struct x86_insn retf = pm_insn(4);
	assert_int_equal(env_exec(e, vmm_ret_far, &retf), -1);
	pm_retire(e);
	assert_int_equal(c->cpl, 3);
	/* The return nulled DS and ES (DPL 0): give ring 3 its own. */
	assert_int_equal(pm_load_seg(e, SEG_DS, 0x23), -1);
	assert_int_equal(pm_load_seg(e, SEG_ES, 0x23), -1);
}

/* Copies instruction bytes to linear address `at`. */
static inline void pm_code(struct env *e, uint32_t at, const uint8_t *bytes, size_t n)
{
	phys_write_block(&e->pm, at, bytes, n);
}

#endif
