/* task.c: hardware task switching (SDM vol. 3, chapter 7).
 *
 * A task's state lives in its TSS: a 16-bit one (the 286 format, 44 bytes)
 * or a 32-bit one (104 bytes, plus CR3, FS, GS and the debug trap bit). A
 * switch happens in two halves:
 *
 *  1. Everything that can still fail without changing the processor: the
 *     limits of both TSSs, reading the whole new state, saving the current
 *     state into the current TSS, the back link and the busy bits. A fault
 *     here is taken in the old task with its registers intact (the old
 *     TSS may be partly written, which does no harm: those fields are
 *     written again by the next switch away from it).
 *  2. The commit: TR, CR0.TS, EFLAGS, EIP, the general registers, CR3 and
 *     the segment selectors change. Only then are the new LDT and segment
 *     descriptors checked and loaded, and a fault there is raised in the
 *     new task (its EIP is the one pushed).
 *
 * Busy bits, NT and the back link follow the SDM's table 7-2: see
 * enum task_source.
 */
#include "cpu/task.h"

#include "cpu/access.h"
#include "cpu/debug.h"
#include "cpu/mmu.h"

/* Offsets in the two TSS formats. */
enum {
	TSS16_IP = 0x0E,
	TSS16_FLAGS = 0x10,
	TSS16_REGS = 0x12, /* AX CX DX BX SP BP SI DI, a word each */
	TSS16_SEGS = 0x22, /* ES CS SS DS, a word each */
	TSS16_LDT = 0x2A,
	TSS16_MIN_LIMIT = 0x2B,
	TSS16_SAVED_LIMIT = 0x29, /* the current TSS must hold up to DS */

	TSS32_CR3 = 0x1C,
	TSS32_EIP = 0x20,
	TSS32_EFLAGS = 0x24,
	TSS32_REGS = 0x28, /* EAX ... EDI, a dword each */
	TSS32_SEGS = 0x48, /* ES CS SS DS FS GS, a word in a dword each */
	TSS32_LDT = 0x60,
	TSS32_TRAP = 0x64, /* bit 0: T, a #DB trap on entering the task */
	TSS32_MIN_LIMIT = 0x67,
	TSS32_SAVED_LIMIT = 0x5F, /* the current TSS must hold up to GS */
};

/* CR3 bits a P6 keeps: page directory base, PCD, PWT. */
#define TASK_CR3_BITS 0xFFFFF018u

/* The dynamic state a TSS holds. */
struct task_state {
	uint32_t cr3, eip, eflags;
	uint32_t regs[8];
	uint16_t segs[SEG_COUNT];
	uint16_t ldt, trap;
};

static void tss_read_state(struct cpu *cpu, uint32_t base, bool t32, struct task_state *st)
{
	if (t32) {
		st->cr3 = cpu_read_lin(cpu, base + TSS32_CR3, 4);
		st->eip = cpu_read_lin(cpu, base + TSS32_EIP, 4);
		st->eflags = cpu_read_lin(cpu, base + TSS32_EFLAGS, 4);
		for (unsigned r = 0; r < 8; r++)
			st->regs[r] = cpu_read_lin(cpu, base + TSS32_REGS + 4 * r, 4);
		for (unsigned s = 0; s < SEG_COUNT; s++)
			st->segs[s] = (uint16_t)cpu_read_lin(cpu, base + TSS32_SEGS + 4 * s, 2);
		st->ldt = (uint16_t)cpu_read_lin(cpu, base + TSS32_LDT, 2);
		st->trap = (uint16_t)cpu_read_lin(cpu, base + TSS32_TRAP, 2);
		return;
	}
	/* A 16-bit TSS holds no FS, GS or upper register halves: FS and GS
	 * become null, EFLAGS and EIP zero-extended. The SDM leaves the
	 * upper halves of the general registers undefined; they are set to
	 * all ones here. */
	st->cr3 = 0;
	st->eip = cpu_read_lin(cpu, base + TSS16_IP, 2);
	st->eflags = cpu_read_lin(cpu, base + TSS16_FLAGS, 2);
	for (unsigned r = 0; r < 8; r++)
		st->regs[r] = 0xFFFF0000u | cpu_read_lin(cpu, base + TSS16_REGS + 2 * r, 2);
	for (unsigned s = SEG_ES; s <= SEG_DS; s++)
		st->segs[s] = (uint16_t)cpu_read_lin(cpu, base + TSS16_SEGS + 2 * s, 2);
	st->segs[SEG_FS] = st->segs[SEG_GS] = 0;
	st->ldt = (uint16_t)cpu_read_lin(cpu, base + TSS16_LDT, 2);
	st->trap = 0;
}

/* Saves the current task's dynamic state (not CR3 or LDTR, which only
 * software changes in a TSS). */
static void tss_save_state(struct cpu *cpu, uint32_t base, bool t32, uint32_t eip, uint32_t eflags)
{
	if (t32) {
		cpu_write_lin(cpu, base + TSS32_EIP, eip, 4);
		cpu_write_lin(cpu, base + TSS32_EFLAGS, eflags, 4);
		for (unsigned r = 0; r < 8; r++)
			cpu_write_lin(cpu, base + TSS32_REGS + 4 * r, cpu->regs[r], 4);
		for (unsigned s = 0; s < SEG_COUNT; s++)
			cpu_write_lin(cpu, base + TSS32_SEGS + 4 * s, cpu->seg[s].sel, 2);
		return;
	}
	cpu_write_lin(cpu, base + TSS16_IP, eip & 0xFFFFu, 2);
	cpu_write_lin(cpu, base + TSS16_FLAGS, eflags & 0xFFFFu, 2);
	for (unsigned r = 0; r < 8; r++)
		cpu_write_lin(cpu, base + TSS16_REGS + 2 * r, cpu->regs[r] & 0xFFFFu, 2);
	for (unsigned s = SEG_ES; s <= SEG_DS; s++)
		cpu_write_lin(cpu, base + TSS16_SEGS + 2 * s, cpu->seg[s].sel, 2);
}

/* Sets or clears the busy bit (type bit 1) of the TSS descriptor at
 * linear address `desc`. */
static void tss_set_busy(struct cpu *cpu, uint32_t desc, bool busy)
{
	uint32_t access = cpu_read_lin(cpu, desc + 5, 1);
	access = busy ? (access | 2u) : (access & ~2u);
	cpu_write_lin(cpu, desc + 5, access, 1);
}

void task_fetch_tss(struct cpu *cpu, uint16_t sel, bool busy, int bad_vec, uint32_t ext,
		    struct seg_desc *d)
{
	uint32_t err = sel_err(sel) + ext;
	/* TSS descriptors live in the GDT only. */
	if ((sel & 4u) || !seg_desc_read(cpu, sel, d))
		cpu_raise_err(cpu, bad_vec, err);
	uint16_t attr = desc_attr(d);
	unsigned t = attr_type(attr);
	bool ok = busy ? (t == DESC_TSS16_BUSY || t == DESC_TSS32_BUSY) :
			 (t == DESC_TSS16_AVAIL || t == DESC_TSS32_AVAIL);
	if (!attr_is_system(attr) || !ok)
		cpu_raise_err(cpu, bad_vec, err);
	if (!attr_present(attr))
		cpu_raise_err(cpu, EXC_NP, err);
}

void tss_inner_stack(struct cpu *cpu, unsigned dpl, uint16_t *ss, uint32_t *esp)
{
	const struct seg_cache *tr = &cpu->tr;
	bool t32 = tss_is_32(tr);
	uint32_t at = t32 ? 4 + dpl * 8 : 2 + dpl * 4;
	if (at + (t32 ? 7u : 3u) > tr->limit)
		cpu_raise_err(cpu, EXC_TS, sel_err(tr->sel));
	*esp = cpu_read_lin(cpu, tr->base + at, t32 ? 4 : 2);
	*ss = (uint16_t)cpu_read_lin(cpu, tr->base + at + (t32 ? 4 : 2), 2);
}

/* --- loading the new task's segments (after the commit) -------------------- */

static void load_task_ldt(struct cpu *cpu, uint16_t sel)
{
	struct seg_desc d;
	if (sel_is_null(sel)) {
		seg_cache_set_null(&cpu->ldtr, sel);
		return;
	}
	uint32_t err = sel_err(sel);
	if ((sel & 4u) || !seg_desc_read(cpu, sel, &d))
		cpu_raise_err(cpu, EXC_TS, err);
	uint16_t attr = desc_attr(&d);
	if (!attr_is_system(attr) || attr_type(attr) != DESC_LDT || !attr_present(attr))
		cpu_raise_err(cpu, EXC_TS, err);
	seg_cache_set(&cpu->ldtr, sel, &d);
}

/* CS: a present code segment whose DPL equals the selector's RPL (which
 * becomes the CPL), or is at most that RPL for conforming code. */
static void load_task_cs(struct cpu *cpu, uint16_t sel)
{
	struct seg_desc d;
	uint32_t err = sel_err(sel);
	if (sel_is_null(sel) || !seg_desc_read(cpu, sel, &d))
		cpu_raise_err(cpu, EXC_TS, err);
	uint16_t attr = desc_attr(&d);
	unsigned dpl = attr_dpl(attr), rpl = sel_rpl(sel);
	if (!attr_is_code(attr) || (attr_is_conforming_code(attr) ? dpl > rpl : dpl != rpl))
		cpu_raise_err(cpu, EXC_TS, err);
	if (!attr_present(attr))
		cpu_raise_err(cpu, EXC_NP, err);
	seg_desc_set_accessed(cpu, &d);
	seg_cache_set(&cpu->seg[SEG_CS], sel, &d);
}

/* SS: a present writable data segment at exactly the new CPL. */
static void load_task_ss(struct cpu *cpu, uint16_t sel, unsigned cpl)
{
	struct seg_desc d;
	uint32_t err = sel_err(sel);
	if (sel_is_null(sel) || !seg_desc_read(cpu, sel, &d))
		cpu_raise_err(cpu, EXC_TS, err);
	uint16_t attr = desc_attr(&d);
	if (!attr_is_writable_data(attr))
		cpu_raise_err(cpu, EXC_TS, err);
	if (!attr_present(attr))
		cpu_raise_err(cpu, EXC_SS, err);
	if (attr_dpl(attr) != cpl || sel_rpl(sel) != cpl)
		cpu_raise_err(cpu, EXC_TS, err);
	seg_desc_set_accessed(cpu, &d);
	seg_cache_set(&cpu->seg[SEG_SS], sel, &d);
}

/* DS, ES, FS, GS: null, or data / readable code the new CPL may use. */
static void load_task_data_seg(struct cpu *cpu, int seg, uint16_t sel, unsigned cpl)
{
	struct seg_desc d;
	if (sel_is_null(sel)) {
		seg_cache_set_null(&cpu->seg[seg], sel);
		return;
	}
	uint32_t err = sel_err(sel);
	if (!seg_desc_read(cpu, sel, &d))
		cpu_raise_err(cpu, EXC_TS, err);
	uint16_t attr = desc_attr(&d);
	if (!attr_is_readable(attr))
		cpu_raise_err(cpu, EXC_TS, err);
	if (!attr_is_conforming_code(attr)) {
		unsigned dpl = attr_dpl(attr);
		if (dpl < cpl || dpl < sel_rpl(sel))
			cpu_raise_err(cpu, EXC_TS, err);
	}
	if (!attr_present(attr))
		cpu_raise_err(cpu, EXC_NP, err);
	seg_desc_set_accessed(cpu, &d);
	seg_cache_set(&cpu->seg[seg], sel, &d);
}

/* --- the switch --------------------------------------------------------------- */

void cpu_task_switch(struct cpu *cpu, uint16_t sel, struct seg_desc *d, enum task_source src,
		     uint32_t ret_eip)
{
	bool nested = src == TASK_FROM_CALL || src == TASK_FROM_INT;
	bool n32 = (attr_type(desc_attr(d)) & 8u) != 0;
	uint32_t nbase = desc_base(d);
	if (desc_limit(d) < (n32 ? TSS32_MIN_LIMIT : TSS16_MIN_LIMIT))
		cpu_raise_err(cpu, EXC_TS, sel_err(sel));
	bool o32 = tss_is_32(&cpu->tr);
	uint32_t obase = cpu->tr.base;
	uint16_t old_tr = cpu->tr.sel;
	if (cpu->tr.limit < (o32 ? TSS32_SAVED_LIMIT : TSS16_SAVED_LIMIT))
		cpu_raise_err(cpu, EXC_TS, sel_err(old_tr));

	struct task_state st;
	tss_read_state(cpu, nbase, n32, &st);

	/* The outgoing task. IRET returns from a nested task, so that task
	 * is no longer nested. */
	uint32_t old_flags = cpu->eflags;
	if (src == TASK_FROM_IRET)
		old_flags &= ~(uint32_t)FLAG_NT;
	tss_save_state(cpu, obase, o32, ret_eip, old_flags);
	if (nested)
		cpu_write_lin(cpu, nbase, old_tr, 2);
	if (src == TASK_FROM_JMP || src == TASK_FROM_IRET)
		tss_set_busy(cpu, cpu->gdtr.base + (old_tr & 0xFFF8u), false);
	if (src != TASK_FROM_IRET)
		tss_set_busy(cpu, d->addr, true);

	/* Commit: from here on the new task runs, and faults are its own. */
	d->hi |= 0x200u;
	seg_cache_set(&cpu->tr, sel, d);
	cpu->cr[0] |= CR0_TS;
	cpu->dr[7] &= ~(uint32_t)DR7_LOCAL_ENABLES;
	cpu->eflags = ((st.eflags | (nested ? FLAG_NT : 0)) & FLAGS_WRITABLE) | FLAG_1;
	for (unsigned r = 0; r < 8; r++)
		cpu->regs[r] = st.regs[r];
	cpu->eip = cpu->next_eip = st.eip;
	if (n32 && (cpu->cr[0] & CR0_PG)) {
		cpu->cr[3] = st.cr3 & TASK_CR3_BITS;
		mmu_flush(cpu, true);
	}

	/* The selectors are loaded before any descriptor is checked, with
	 * unusable caches, so a fault below leaves them visible to the new
	 * task's handler. SS carries the new CPL (CS.RPL) for the mode bits. */
	unsigned cpl = sel_rpl(st.segs[SEG_CS]);
	for (int s = 0; s < SEG_COUNT; s++)
		seg_cache_set_null(&cpu->seg[s], st.segs[s]);
	cpu->seg[SEG_SS].attr = (uint16_t)(cpl << 5);
	seg_cache_set_null(&cpu->ldtr, st.ldt);
	cpu_update_mode(cpu);
	cpu_debug_update(cpu);
	cpu_debug_note_rf(cpu);

	load_task_ldt(cpu, st.ldt);
	if (cpu->eflags & FLAG_VM) {
		for (int s = 0; s < SEG_COUNT; s++)
			seg_cache_set_v86(&cpu->seg[s], st.segs[s]);
	} else {
		load_task_cs(cpu, st.segs[SEG_CS]);
		load_task_ss(cpu, st.segs[SEG_SS], cpl);
		cpu_update_mode(cpu);
		static const int data_segs[] = { SEG_ES, SEG_DS, SEG_FS, SEG_GS };
		for (unsigned i = 0; i < sizeof data_segs / sizeof data_segs[0]; i++)
			load_task_data_seg(cpu, data_segs[i], st.segs[data_segs[i]], cpl);
	}
	cpu_update_mode(cpu);
	if (st.trap & 1u)
		cpu_debug_post_trap(cpu, DR6_BT);
}
