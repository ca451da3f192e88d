/* seg.c: loading segment registers, and writing EFLAGS the way POPF does.
 *
 * A segment register is a visible selector plus a hidden cache (base, limit,
 * attributes). Real mode changes only the selector and base on a load; the
 * limit and attributes stay whatever they were, which is what lets "unreal
 * mode" code keep 4 GiB limits after returning from protected mode. V86 mode
 * sets a fixed 64 KiB DPL-3 data segment. Protected mode reads the
 * descriptor from the GDT or LDT and checks type, privilege and presence
 * before anything is committed.
 */
#include "cpu/seg.h"

#include "cpu/access.h"
#include "cpu/debug.h"

/* --- descriptors ---------------------------------------------------------- */

bool seg_desc_read(struct cpu *cpu, uint16_t sel, struct seg_desc *d)
{
	uint32_t base, limit;
	if (sel & 4) {
		/* An LDT selector with no LDT loaded is out of bounds. */
		if (sel_is_null(cpu->ldtr.sel) || !attr_present(cpu->ldtr.attr))
			return false;
		base = cpu->ldtr.base;
		limit = cpu->ldtr.limit;
	} else {
		base = cpu->gdtr.base;
		limit = cpu->gdtr.limit;
	}
	uint32_t index = sel & 0xFFF8u;
	if (index + 7 > limit)
		return false;
	d->addr = base + index;
	d->lo = cpu_read_lin(cpu, d->addr, 4);
	d->hi = cpu_read_lin(cpu, d->addr + 4, 4);
	return true;
}

void seg_desc_fetch(struct cpu *cpu, uint16_t sel, struct seg_desc *d)
{
	if (!seg_desc_read(cpu, sel, d))
		cpu_raise_err(cpu, EXC_GP, sel_err(sel));
}

void seg_desc_set_accessed(struct cpu *cpu, struct seg_desc *d)
{
	/* Only code/data descriptors have an accessed bit; writing only when it
	 * is clear keeps descriptor tables in ROM working. */
	if ((d->hi & (SEG_ATTR_S << 8)) && !(d->hi & 0x100u)) {
		d->hi |= 0x100u;
		cpu_write_lin(cpu, d->addr + 5, (d->hi >> 8) & 0xFFu, 1);
	}
}

void seg_cache_set(struct seg_cache *c, uint16_t sel, const struct seg_desc *d)
{
	c->sel = sel;
	c->attr = desc_attr(d);
	c->base = desc_base(d);
	c->limit = desc_limit(d);
}

void seg_cache_set_null(struct seg_cache *c, uint16_t sel)
{
	c->sel = sel;
	c->attr = 0;
	c->base = 0;
	c->limit = 0;
}

void seg_cache_set_v86(struct seg_cache *c, uint16_t sel)
{
	c->sel = sel;
	c->base = (uint32_t)sel << 4;
	c->limit = 0xFFFF;
	c->attr = SEG_ATTR_REAL_DATA | (3u << 5);
}

/* --- stacks being switched to ---------------------------------------------- */

uint32_t seg_stack_lin(struct cpu *cpu, const struct seg_cache *ss, uint32_t off, unsigned size,
		       uint32_t err)
{
	uint64_t last = (uint64_t)off + size - 1;
	if (ss->attr & SEG_ATTR_EXPDOWN) {
		uint32_t upper = (ss->attr & SEG_ATTR_DB) ? 0xFFFFFFFFu : 0xFFFFu;
		if (off <= ss->limit || last > upper)
			cpu_raise_err(cpu, EXC_SS, err);
	} else if (last > ss->limit) {
		cpu_raise_err(cpu, EXC_SS, err);
	}
	return ss->base + off;
}

uint32_t seg_stack_push(struct cpu *cpu, const struct seg_cache *ss, uint32_t sp, unsigned size,
			const uint32_t *vals, unsigned n, uint32_t err, enum cpu_priv priv)
{
	uint32_t mask = (ss->attr & SEG_ATTR_DB) ? 0xFFFFFFFFu : 0xFFFFu;
	uint32_t lin[SEG_STACK_PUSH_MAX];
	if (n > SEG_STACK_PUSH_MAX)
		n = SEG_STACK_PUSH_MAX;
	for (unsigned i = 0; i < n; i++) {
		sp = (sp - size) & mask;
		lin[i] = seg_stack_lin(cpu, ss, sp, size, err);
	}
	for (unsigned i = 0; i < n; i++)
		cpu_write_lin_as(cpu, lin[i], size == 4 ? vals[i] : (vals[i] & 0xFFFFu), size,
				 priv);
	return sp;
}

/* --- the slow-path marker -------------------------------------------------- */

void cpu_update_slow_segs(struct cpu *cpu)
{
	bool ac = (cpu->cr[0] & CR0_AM) && (cpu->eflags & FLAG_AC) && cpu->cpl == 3 &&
		  (cpu->cr[0] & CR0_PE);
	bool slow = ac || cpu->dbg_data;
	cpu->align_check = ac;
	if (!slow && !cpu->seg_slow)
		return;
	cpu->seg_slow = slow;
	for (int s = 0; s < SEG_COUNT; s++) {
		if (slow)
			cpu->seg[s].attr |= SEG_ATTR_SLOW;
		else
			cpu->seg[s].attr &= (uint16_t)~SEG_ATTR_SLOW;
	}
}

/* A segment cache just written while the marker is live gets it too. */
static void mark_slow(struct cpu *cpu, int seg)
{
	if (cpu->seg_slow)
		cpu->seg[seg].attr |= SEG_ATTR_SLOW;
}

/* --- segment register loads ----------------------------------------------- */

void cpu_load_seg_real(struct cpu *cpu, int seg, uint16_t sel)
{
	struct seg_cache *c = &cpu->seg[seg];
	if (cpu_v86_mode(cpu)) {
		seg_cache_set_v86(c, sel);
		mark_slow(cpu, seg);
		if (seg == SEG_CS || seg == SEG_SS)
			cpu_update_mode(cpu);
		return;
	}
	/* Real mode: limit and attributes are left alone (see the top). */
	c->sel = sel;
	c->base = (uint32_t)sel << 4;
}

/* SS: the selector must name a present, writable data segment at exactly
 * the current privilege level. */
static void load_ss_protected(struct cpu *cpu, uint16_t sel)
{
	unsigned cpl = cpu->cpl;
	struct seg_desc d;
	if (sel_is_null(sel))
		cpu_raise_err(cpu, EXC_GP, 0);
	seg_desc_fetch(cpu, sel, &d);
	uint16_t attr = desc_attr(&d);
	if (sel_rpl(sel) != cpl || !attr_is_writable_data(attr) || attr_dpl(attr) != cpl)
		cpu_raise_err(cpu, EXC_GP, sel_err(sel));
	if (!attr_present(attr))
		cpu_raise_err(cpu, EXC_SS, sel_err(sel));
	seg_desc_set_accessed(cpu, &d);
	seg_cache_set(&cpu->seg[SEG_SS], sel, &d);
}

/* DS, ES, FS, GS: data or readable code; the null selector is allowed and
 * faults only when used. */
static void load_data_seg_protected(struct cpu *cpu, int seg, uint16_t sel)
{
	struct seg_desc d;
	if (sel_is_null(sel)) {
		seg_cache_set_null(&cpu->seg[seg], sel);
		return;
	}
	seg_desc_fetch(cpu, sel, &d);
	uint16_t attr = desc_attr(&d);
	if (!attr_is_readable(attr))
		cpu_raise_err(cpu, EXC_GP, sel_err(sel));
	if (!attr_is_conforming_code(attr)) {
		unsigned rpl = sel_rpl(sel), dpl = attr_dpl(attr);
		if (dpl < cpu->cpl || dpl < rpl)
			cpu_raise_err(cpu, EXC_GP, sel_err(sel));
	}
	if (!attr_present(attr))
		cpu_raise_err(cpu, EXC_NP, sel_err(sel));
	seg_desc_set_accessed(cpu, &d);
	seg_cache_set(&cpu->seg[seg], sel, &d);
}

/* CS is never loaded by MOV or POP; a caller that loads it here (after its
 * own privilege checks) gets only the type and presence checks. Far
 * transfers use cpu/far.c, which has the full rules. */
static void load_cs_protected(struct cpu *cpu, uint16_t sel)
{
	struct seg_desc d;
	if (sel_is_null(sel))
		cpu_raise_err(cpu, EXC_GP, 0);
	seg_desc_fetch(cpu, sel, &d);
	if (!attr_is_code(desc_attr(&d)))
		cpu_raise_err(cpu, EXC_GP, sel_err(sel));
	if (!attr_present(desc_attr(&d)))
		cpu_raise_err(cpu, EXC_NP, sel_err(sel));
	seg_desc_set_accessed(cpu, &d);
	seg_cache_set(&cpu->seg[SEG_CS], sel, &d);
}

void cpu_load_seg(struct cpu *cpu, int seg, uint16_t sel)
{
	if (cpu_real_mode(cpu) || cpu_v86_mode(cpu))
		cpu_load_seg_real(cpu, seg, sel);
	else if (seg == SEG_SS)
		load_ss_protected(cpu, sel);
	else if (seg == SEG_CS)
		load_cs_protected(cpu, sel);
	else
		load_data_seg_protected(cpu, seg, sel);
	mark_slow(cpu, seg);

	if (seg == SEG_CS || seg == SEG_SS)
		cpu_update_mode(cpu);
	/* MOV SS / POP SS hold off interrupts for one instruction so that the
	 * following load of SP completes the stack switch. */
	if (seg == SEG_SS)
		cpu->inhibit_intr = 1;
}

/* --- EFLAGS --------------------------------------------------------------- */

/* POPF semantics: VM, VIF and VIP never change here (IRET and task
 * switches set them on their own), RF is cleared, IOPL needs CPL 0 and IF
 * needs CPL <= IOPL outside real mode. V86 mode runs at CPL 3, so there
 * IOPL never changes and IF only with IOPL 3 (the caller has already
 * faulted when IOPL < 3). */
void cpu_write_eflags(struct cpu *cpu, uint32_t value, uint32_t mask)
{
	uint32_t can = FLAGS_WRITABLE & ~(FLAG_VM | FLAG_VIF | FLAG_VIP | FLAG_RF);
	if (!cpu_real_mode(cpu)) {
		unsigned cpl = seg_cpl(cpu);
		unsigned iopl = (cpu->eflags & FLAG_IOPL) >> 12;
		if (cpl > 0)
			can &= ~(uint32_t)FLAG_IOPL;
		if (cpl > iopl)
			can &= ~(uint32_t)FLAG_IF;
	}
	can &= mask;
	uint32_t old = cpu->eflags;
	cpu->eflags = (old & ~can & ~(uint32_t)FLAG_RF) | (value & can) | FLAG_1;
	if ((old ^ cpu->eflags) & FLAG_AC)
		cpu_update_slow_segs(cpu);
}
