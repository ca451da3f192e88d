/* interrupt_pm.c: delivering interrupts and exceptions in protected mode,
 * through the IDT's interrupt and trap gates.
 *
 * Same-privilege delivery pushes EFLAGS, CS, EIP (and the error code) on the
 * current stack. A gate into a more privileged code segment (or out of
 * virtual-8086 mode into ring 0) switches to the stack the TSS names for the
 * new level and pushes the old SS:ESP first (and, from V86, the old ES, DS,
 * FS, GS, which are then nulled). Nothing is committed until every push
 * is known to succeed, so a fault while delivering leaves the state as it
 * was, for the double-fault rules in exec.c.
 *
 * Task gates need hardware task switching, which is not written yet: they
 * raise #GP for now.
 */
#include "cpu/access.h"
#include "cpu/cpu.h"
#include "cpu/seg.h"

/* Linear address of a push into a stack segment described by `ss`, with
 * its limit checked (expand-up or expand-down); #SS(err) when outside. */
static uint32_t stack_lin(struct cpu *cpu, const struct seg_cache *ss, uint32_t off,
			  unsigned size, uint32_t err)
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

/* The inner stack for privilege level `dpl` from the current TSS. */
static void tss_inner_stack(struct cpu *cpu, unsigned dpl, uint16_t *ss, uint32_t *esp)
{
	const struct seg_cache *tr = &cpu->tr;
	bool tss32 = (tr->attr & 0x8) != 0;
	uint32_t at = tss32 ? 4 + dpl * 8 : 2 + dpl * 4;
	unsigned width = tss32 ? 4 : 2;
	if (at + width + 1 >= tr->limit + 1u)
		cpu_raise_err(cpu, EXC_TS, sel_err(tr->sel));
	*esp = cpu_read_lin(cpu, tr->base + at, width);
	*ss = (uint16_t)cpu_read_lin(cpu, tr->base + at + width, 2);
}

void cpu_deliver_protected(struct cpu *cpu, int vec, uint32_t ret_eip, bool has_err,
			   uint32_t err, bool software)
{
	uint32_t ext = software ? 0 : 1; /* EXT bit of error codes */
	uint32_t gate_err = (uint32_t)vec * 8 + 2 + ext;
	uint32_t idx = (uint32_t)vec * 8;
	if (idx + 7 > cpu->idtr.limit)
		cpu_raise_err(cpu, EXC_GP, gate_err);
	uint32_t lo = cpu_read_lin(cpu, cpu->idtr.base + idx, 4);
	uint32_t hi = cpu_read_lin(cpu, cpu->idtr.base + idx + 4, 4);
	unsigned type = (hi >> 8) & 0x1F; /* S bit and type */
	unsigned gate_dpl = (hi >> 13) & 3;
	unsigned cpl = seg_cpl(cpu);
	bool v86 = cpu_v86_mode(cpu);

	if (type != DESC_INT_GATE16 && type != DESC_TRAP_GATE16 && type != DESC_INT_GATE32 &&
	    type != DESC_TRAP_GATE32 && type != DESC_TASK_GATE)
		cpu_raise_err(cpu, EXC_GP, gate_err);
	if (software && gate_dpl < cpl)
		cpu_raise_err(cpu, EXC_GP, gate_err);
	if (!(hi & 0x8000))
		cpu_raise_err(cpu, EXC_NP, gate_err);
	if (type == DESC_TASK_GATE)
		cpu_raise_err(cpu, EXC_GP, gate_err);

	bool gate32 = type & 8;
	unsigned size = gate32 ? 4 : 2;
	uint16_t sel = (uint16_t)(lo >> 16);
	uint32_t off = gate32 ? ((lo & 0xFFFF) | (hi & 0xFFFF0000u)) : (lo & 0xFFFF);

	if (sel_is_null(sel))
		cpu_raise_err(cpu, EXC_GP, ext);
	struct seg_desc cd;
	if (!seg_desc_read(cpu, sel, &cd))
		cpu_raise_err(cpu, EXC_GP, sel_err(sel) + ext);
	uint16_t cattr = desc_attr(&cd);
	unsigned cdpl = attr_dpl(cattr);
	if (!attr_is_code(cattr) || cdpl > cpl)
		cpu_raise_err(cpu, EXC_GP, sel_err(sel) + ext);
	if (!attr_present(cattr))
		cpu_raise_err(cpu, EXC_NP, sel_err(sel) + ext);
	if (off > desc_limit(&cd))
		cpu_raise_err(cpu, EXC_GP, ext);

	bool inner = !attr_is_conforming_code(cattr) && cdpl < cpl;
	if (v86 && (!inner || cdpl != 0))
		cpu_raise_err(cpu, EXC_GP, sel_err(sel) + ext);
	unsigned new_cpl = inner ? cdpl : cpl;

	/* The values to push, outermost first. */
	uint32_t vals[10];
	unsigned n = 0;
	struct seg_cache new_ss = cpu->seg[SEG_SS];
	uint32_t sp = cpu->regs[REG_ESP];
	bool ss32 = cpu->stack32;
	if (inner) {
		uint16_t nss;
		uint32_t nesp;
		tss_inner_stack(cpu, cdpl, &nss, &nesp);
		struct seg_desc sd;
		if (sel_is_null(nss) || !seg_desc_read(cpu, nss, &sd))
			cpu_raise_err(cpu, EXC_TS, sel_err(nss) + ext);
		uint16_t sattr = desc_attr(&sd);
		if (sel_rpl(nss) != cdpl || attr_dpl(sattr) != cdpl ||
		    !attr_is_writable_data(sattr))
			cpu_raise_err(cpu, EXC_TS, sel_err(nss) + ext);
		if (!attr_present(sattr))
			cpu_raise_err(cpu, EXC_SS, sel_err(nss) + ext);
		seg_desc_set_accessed(cpu, &sd);
		seg_cache_set(&new_ss, nss, &sd);
		ss32 = (sattr & SEG_ATTR_DB) != 0;
		sp = ss32 ? nesp : (nesp & 0xFFFF);
		if (v86) {
			vals[n++] = cpu->seg[SEG_GS].sel;
			vals[n++] = cpu->seg[SEG_FS].sel;
			vals[n++] = cpu->seg[SEG_DS].sel;
			vals[n++] = cpu->seg[SEG_ES].sel;
		}
		vals[n++] = cpu->seg[SEG_SS].sel;
		vals[n++] = cpu->regs[REG_ESP];
	} else if (!ss32) {
		sp &= 0xFFFF;
	}
	vals[n++] = cpu->eflags;
	vals[n++] = cpu->seg[SEG_CS].sel;
	vals[n++] = ret_eip;
	if (has_err)
		vals[n++] = err;

	/* Check every push, then write them all. */
	uint32_t lin[10];
	uint32_t stack_err = inner ? sel_err(new_ss.sel) + ext : 0;
	for (unsigned i = 0; i < n; i++) {
		sp = (sp - size) & (ss32 ? 0xFFFFFFFFu : 0xFFFFu);
		lin[i] = stack_lin(cpu, &new_ss, sp, size, stack_err);
		if (!inner)
			cpu_probe_write(cpu, SEG_SS, sp, size);
	}
	for (unsigned i = 0; i < n; i++)
		cpu_write_lin(cpu, lin[i], size == 4 ? vals[i] : (vals[i] & 0xFFFF), size);

	/* Commit. */
	if (inner) {
		cpu->seg[SEG_SS] = new_ss;
		if (v86) {
			seg_cache_set_null(&cpu->seg[SEG_ES], 0);
			seg_cache_set_null(&cpu->seg[SEG_DS], 0);
			seg_cache_set_null(&cpu->seg[SEG_FS], 0);
			seg_cache_set_null(&cpu->seg[SEG_GS], 0);
		}
	}
	if (ss32)
		cpu->regs[REG_ESP] = sp;
	else
		cpu_set_r16(cpu, REG_ESP, (uint16_t)sp);
	seg_desc_set_accessed(cpu, &cd);
	seg_cache_set(&cpu->seg[SEG_CS], (uint16_t)(sel_err(sel) | new_cpl), &cd);
	cpu->cpl = (uint8_t)new_cpl;
	cpu->eflags &= ~(FLAG_TF | FLAG_NT | FLAG_RF | FLAG_VM);
	if (!(type & 1)) /* interrupt gate, not trap gate */
		cpu->eflags &= ~FLAG_IF;
	cpu->eip = cpu->next_eip = off;
}
