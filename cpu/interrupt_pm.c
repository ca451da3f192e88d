/* interrupt_pm.c: delivering interrupts and exceptions in protected mode,
 * through the IDT's interrupt, trap and task gates.
 *
 * Same-privilege delivery pushes EFLAGS, CS, EIP (and the error code) on the
 * current stack. A gate into a more privileged code segment (or out of
 * virtual-8086 mode into ring 0) switches to the stack the TSS names for the
 * new level and pushes the old SS:ESP first (and, from V86, the old ES, DS,
 * FS, GS, which are then nulled). Nothing is committed until every push
 * is known to succeed, so a fault while delivering leaves the state as it
 * was, for the double-fault rules in exec.c.
 *
 * A task gate switches to the task its TSS selector names (cpu/task.c), as
 * a nested task: the handler returns with IRET through the back link. The
 * error code, if any, goes on the new task's stack. Linux's i386 kernel
 * handles double faults this way, on a known-good stack.
 */
#include "cpu/access.h"
#include "cpu/cpu.h"
#include "cpu/seg.h"
#include "cpu/task.h"

/* Through a task gate whose own checks passed: the TSS must be available
 * (#GP), present (#NP); after the switch, the error code is pushed on the
 * new task's stack (a dword for a 32-bit TSS) and the entry point checked
 * against the new CS limit. */
static void deliver_task_gate(struct cpu *cpu, uint16_t tss, uint32_t ret_eip, bool has_err,
			      uint32_t err, uint32_t ext)
{
	struct seg_desc d;
	task_fetch_tss(cpu, tss, false, EXC_GP, ext, &d);
	cpu_task_switch(cpu, tss, &d, TASK_FROM_INT, ret_eip);
	if (has_err) {
		unsigned size = tss_is_32(&cpu->tr) ? 4 : 2;
		uint32_t sp = seg_stack_push(cpu, &cpu->seg[SEG_SS], cpu_get_sp(cpu), size, &err, 1,
					     ext, CPU_PRIV_CPL);
		cpu_set_sp(cpu, sp);
	}
	if (cpu->eip > cpu->seg[SEG_CS].limit)
		cpu_raise_err(cpu, EXC_GP, ext);
}

void cpu_deliver_protected(struct cpu *cpu, int vec, uint32_t ret_eip, bool has_err, uint32_t err,
			   bool software)
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
	if (type == DESC_TASK_GATE) {
		deliver_task_gate(cpu, (uint16_t)(lo >> 16), ret_eip, has_err, err, ext);
		return;
	}

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

	/* Check every push, then write them all: supervisor writes on an
	 * inner stack, writes at the CPL on the current one. */
	uint32_t stack_err = inner ? sel_err(new_ss.sel) + ext : 0;
	sp = seg_stack_push(cpu, &new_ss, sp, size, vals, n, stack_err,
			    inner ? CPU_PRIV_SUPERVISOR : CPU_PRIV_CPL);

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
