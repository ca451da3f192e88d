/* far.c: far JMP, CALL, RET and IRET.
 *
 * In real mode and V86 mode these are plain loads of CS:IP from the
 * instruction or the stack. In protected mode the new CS comes from a
 * descriptor that must be checked first:
 *  - a code segment: a transfer at the same privilege level;
 *  - a call gate: CALL through it may enter a more privileged,
 *    non-conforming code segment, switching to the inner stack the TSS
 *    names and copying the gate's count of parameters across; JMP through
 *    it never changes privilege;
 *  - a task gate or an available TSS: a task switch (cpu/task.c).
 * A RETF or IRET may return to an outer privilege level (popping SS:ESP
 * too), IRET may go back to V86 mode, and IRET with NT set returns from a
 * nested task through the TSS back link.
 *
 * Every routine reads and checks everything before it commits anything:
 * stack writes may land in memory before a later check fails (as on
 * hardware), but registers, segment caches and the stack pointer change
 * only once the whole transfer is known to succeed.
 */
#include "cpu/access.h"
#include "cpu/debug.h"
#include "cpu/seg.h"
#include "cpu/task.h"

static uint32_t opsize_mask(unsigned opsize)
{
	return opsize == 2 ? 0xFFFFu : 0xFFFFFFFFu;
}

/* The CS limit a real-mode or V86 load of CS leaves: V86 forces 64 KiB,
 * real mode keeps the cached limit. */
static uint32_t real_cs_limit(const struct cpu *cpu)
{
	return cpu_v86_mode(cpu) ? 0xFFFFu : cpu->seg[SEG_CS].limit;
}

static void check_real_target(struct cpu *cpu, uint32_t off)
{
	if (off > real_cs_limit(cpu))
		cpu_raise_err(cpu, EXC_GP, 0);
}

/* Loads CS from a checked descriptor and refreshes the mode bits. */
static void commit_cs(struct cpu *cpu, uint16_t sel, struct seg_desc *d)
{
	seg_desc_set_accessed(cpu, d);
	seg_cache_set(&cpu->seg[SEG_CS], sel, d);
	cpu_update_mode(cpu);
}

/* The target of a protected-mode far JMP or CALL straight to a code
 * segment (not through a gate): reachable without a privilege change.
 * Conforming code needs DPL <= CPL; other code needs RPL <= CPL and
 * DPL == CPL. */
static void check_jump_target(struct cpu *cpu, uint16_t sel, struct seg_desc *d)
{
	uint16_t attr = desc_attr(d);
	unsigned cpl = cpu->cpl, dpl = attr_dpl(attr);
	if (!attr_is_code(attr))
		cpu_raise_err(cpu, EXC_GP, sel_err(sel));
	if (attr_is_conforming_code(attr)) {
		if (dpl > cpl)
			cpu_raise_err(cpu, EXC_GP, sel_err(sel));
	} else if (sel_rpl(sel) > cpl || dpl != cpl) {
		cpu_raise_err(cpu, EXC_GP, sel_err(sel));
	}
	if (!attr_present(attr))
		cpu_raise_err(cpu, EXC_NP, sel_err(sel));
}

/* The code segment a RETF or IRET returns to, at privilege RPL(sel) which
 * must not be more privileged than the CPL. */
static void check_return_cs(struct cpu *cpu, uint16_t sel, struct seg_desc *d)
{
	if (sel_is_null(sel))
		cpu_raise_err(cpu, EXC_GP, 0);
	seg_desc_fetch(cpu, sel, d);
	uint16_t attr = desc_attr(d);
	unsigned rpl = sel_rpl(sel), dpl = attr_dpl(attr);
	if (rpl < cpu->cpl || !attr_is_code(attr))
		cpu_raise_err(cpu, EXC_GP, sel_err(sel));
	if (attr_is_conforming_code(attr) ? dpl > rpl : dpl != rpl)
		cpu_raise_err(cpu, EXC_GP, sel_err(sel));
	if (!attr_present(attr))
		cpu_raise_err(cpu, EXC_NP, sel_err(sel));
}

/* The stack segment of a return to privilege level `rpl`. */
static void check_return_ss(struct cpu *cpu, uint16_t sel, unsigned rpl, struct seg_desc *d)
{
	if (sel_is_null(sel))
		cpu_raise_err(cpu, EXC_GP, 0);
	seg_desc_fetch(cpu, sel, d);
	uint16_t attr = desc_attr(d);
	if (sel_rpl(sel) != rpl || !attr_is_writable_data(attr) || attr_dpl(attr) != rpl)
		cpu_raise_err(cpu, EXC_GP, sel_err(sel));
	if (!attr_present(attr))
		cpu_raise_err(cpu, EXC_SS, sel_err(sel));
}

/* After a return to an outer level, data segment registers the new CPL may
 * not use are nulled, so outer code cannot keep a handle on inner data. */
static void drop_inner_data_segs(struct cpu *cpu)
{
	static const int data_segs[] = { SEG_ES, SEG_DS, SEG_FS, SEG_GS };
	for (unsigned i = 0; i < sizeof data_segs / sizeof data_segs[0]; i++) {
		struct seg_cache *c = &cpu->seg[data_segs[i]];
		if (!attr_is_conforming_code(c->attr) && attr_dpl(c->attr) < cpu->cpl)
			seg_cache_set_null(c, 0);
	}
}

/* Commits a return to an outer privilege level: CS, SS, ESP (only SP when
 * the new stack is 16-bit, as hardware does), the mode, the data segments. */
static void commit_outer_return(struct cpu *cpu, uint16_t cs, struct seg_desc *cs_desc, uint16_t ss,
				struct seg_desc *ss_desc, uint32_t esp)
{
	seg_desc_set_accessed(cpu, cs_desc);
	seg_desc_set_accessed(cpu, ss_desc);
	seg_cache_set(&cpu->seg[SEG_CS], cs, cs_desc);
	seg_cache_set(&cpu->seg[SEG_SS], ss, ss_desc);
	if (cpu->seg[SEG_SS].attr & SEG_ATTR_DB)
		cpu->regs[REG_ESP] = esp;
	else
		cpu_set_r16(cpu, REG_ESP, (uint16_t)esp);
	cpu_update_mode(cpu);
	drop_inner_data_segs(cpu);
}

/* --- call gates ----------------------------------------------------------- */

/* The code segment a call gate leads to: present code whose DPL is at most
 * the CPL; JMP (which never changes privilege) also needs DPL == CPL for
 * non-conforming code. */
static void check_gate_target(struct cpu *cpu, uint16_t csel, struct seg_desc *cd, bool call)
{
	if (sel_is_null(csel))
		cpu_raise_err(cpu, EXC_GP, 0);
	seg_desc_fetch(cpu, csel, cd);
	uint16_t attr = desc_attr(cd);
	unsigned dpl = attr_dpl(attr), cpl = cpu->cpl;
	if (!attr_is_code(attr) || dpl > cpl)
		cpu_raise_err(cpu, EXC_GP, sel_err(csel));
	if (!call && !attr_is_conforming_code(attr) && dpl != cpl)
		cpu_raise_err(cpu, EXC_GP, sel_err(csel));
	if (!attr_present(attr))
		cpu_raise_err(cpu, EXC_NP, sel_err(csel));
}

/* CALL through a gate into a more privileged, non-conforming segment of
 * DPL `dpl`: the stack becomes the one the TSS holds for that level, and
 * receives the caller's SS:ESP, the gate's count of parameters copied from
 * the caller's stack (words for a 16-bit gate, dwords for a 32-bit one)
 * and the return CS:EIP. A RETF imm16 with imm16 = the parameters' size
 * undoes it on both stacks. */
static void call_gate_inner(struct cpu *cpu, const struct seg_desc *gate, uint16_t csel,
			    struct seg_desc *cd, unsigned dpl)
{
	unsigned size = (attr_type(desc_attr(gate)) == DESC_CALL_GATE32) ? 4 : 2;
	uint16_t nss;
	uint32_t nesp;
	tss_inner_stack(cpu, dpl, &nss, &nesp);
	struct seg_desc sd;
	if (sel_is_null(nss) || !seg_desc_read(cpu, nss, &sd))
		cpu_raise_err(cpu, EXC_TS, sel_err(nss));
	uint16_t sattr = desc_attr(&sd);
	if (sel_rpl(nss) != dpl || attr_dpl(sattr) != dpl || !attr_is_writable_data(sattr))
		cpu_raise_err(cpu, EXC_TS, sel_err(nss));
	if (!attr_present(sattr))
		cpu_raise_err(cpu, EXC_SS, sel_err(nss));
	struct seg_cache new_ss;
	seg_cache_set(&new_ss, nss, &sd);

	/* What goes on the new stack, outermost first. The parameters are
	 * read from the old stack at the old privilege. */
	uint32_t vals[SEG_STACK_PUSH_MAX];
	unsigned n = 0, count = gate_param_count(gate);
	uint32_t old_sp = cpu_get_sp(cpu);
	vals[n++] = cpu->seg[SEG_SS].sel;
	vals[n++] = old_sp;
	for (unsigned i = count; i-- > 0;)
		vals[n++] = cpu_stack_read(cpu, cpu_sp_add(cpu, old_sp, (int32_t)(i * size)), size);
	vals[n++] = cpu->seg[SEG_CS].sel;
	vals[n++] = cpu->next_eip;
	uint32_t sp = (sattr & SEG_ATTR_DB) ? nesp : (nesp & 0xFFFFu);
	sp = seg_stack_push(cpu, &new_ss, sp, size, vals, n, sel_err(nss), CPU_PRIV_SUPERVISOR);

	uint32_t off = gate_offset(gate);
	if (off > desc_limit(cd))
		cpu_raise_err(cpu, EXC_GP, 0);

	seg_desc_set_accessed(cpu, &sd);
	seg_desc_set_accessed(cpu, cd);
	cpu->seg[SEG_SS] = new_ss;
	if (sattr & SEG_ATTR_DB)
		cpu->regs[REG_ESP] = sp;
	else
		cpu_set_r16(cpu, REG_ESP, (uint16_t)sp);
	seg_cache_set(&cpu->seg[SEG_CS], (uint16_t)(sel_err(csel) | dpl), cd);
	cpu_update_mode(cpu);
	cpu->next_eip = off;
}

/* A far JMP or CALL through a call gate whose own checks passed. */
static void through_call_gate(struct cpu *cpu, const struct seg_desc *gate, bool call)
{
	uint16_t csel = gate_selector(gate);
	struct seg_desc cd;
	check_gate_target(cpu, csel, &cd, call);
	uint16_t cattr = desc_attr(&cd);
	unsigned dpl = attr_dpl(cattr);
	if (call && !attr_is_conforming_code(cattr) && dpl < cpu->cpl) {
		call_gate_inner(cpu, gate, csel, &cd, dpl);
		return;
	}

	/* Same privilege: a CALL pushes CS:EIP in the gate's size. */
	uint32_t off = gate_offset(gate);
	if (call) {
		unsigned size = (attr_type(desc_attr(gate)) == DESC_CALL_GATE32) ? 4 : 2;
		uint32_t sp = cpu_get_sp(cpu);
		uint32_t sp_cs = cpu_sp_add(cpu, sp, -(int32_t)size);
		uint32_t sp_ip = cpu_sp_add(cpu, sp_cs, -(int32_t)size);
		cpu_probe_write(cpu, SEG_SS, sp_ip, size);
		cpu_stack_write(cpu, sp_cs, size, cpu->seg[SEG_CS].sel);
		cpu_stack_write(cpu, sp_ip, size, cpu->next_eip);
		if (off > desc_limit(&cd))
			cpu_raise_err(cpu, EXC_GP, 0);
		cpu_set_sp(cpu, sp_ip);
	} else if (off > desc_limit(&cd)) {
		cpu_raise_err(cpu, EXC_GP, 0);
	}
	commit_cs(cpu, (uint16_t)(sel_err(csel) | cpu->cpl), &cd);
	cpu->next_eip = off;
}

/* A far JMP or CALL whose selector names a system descriptor: a call gate,
 * a task gate or an available TSS, each of DPL >= max(CPL, RPL) and
 * present. Every other system type, a busy TSS included, is #GP(sel). */
static void far_via_system(struct cpu *cpu, uint16_t sel, struct seg_desc *d, bool call)
{
	uint16_t attr = desc_attr(d);
	unsigned type = attr_type(attr), dpl = attr_dpl(attr);
	switch (type) {
	case DESC_CALL_GATE16:
	case DESC_CALL_GATE32:
	case DESC_TASK_GATE:
	case DESC_TSS16_AVAIL:
	case DESC_TSS32_AVAIL: break;
	default: cpu_raise_err(cpu, EXC_GP, sel_err(sel));
	}
	if (dpl < cpu->cpl || dpl < sel_rpl(sel))
		cpu_raise_err(cpu, EXC_GP, sel_err(sel));
	if (!attr_present(attr))
		cpu_raise_err(cpu, EXC_NP, sel_err(sel));

	enum task_source src = call ? TASK_FROM_CALL : TASK_FROM_JMP;
	if (type == DESC_CALL_GATE16 || type == DESC_CALL_GATE32) {
		through_call_gate(cpu, d, call);
		return;
	}
	if (type == DESC_TASK_GATE) {
		uint16_t tss = gate_selector(d);
		struct seg_desc td;
		task_fetch_tss(cpu, tss, false, EXC_GP, 0, &td);
		cpu_task_switch(cpu, tss, &td, src, cpu->next_eip);
	} else {
		if (sel & 4u) /* a TSS descriptor must be in the GDT */
			cpu_raise_err(cpu, EXC_GP, sel_err(sel));
		cpu_task_switch(cpu, sel, d, src, cpu->next_eip);
	}
	/* In the new task already. */
	if (cpu->eip > cpu->seg[SEG_CS].limit)
		cpu_raise_err(cpu, EXC_GP, 0);
}

/* --- JMP / CALL ------------------------------------------------------------ */

/* The descriptor a protected-mode far JMP or CALL names. */
static void fetch_far_target(struct cpu *cpu, uint16_t sel, struct seg_desc *d)
{
	if (sel_is_null(sel))
		cpu_raise_err(cpu, EXC_GP, 0);
	seg_desc_fetch(cpu, sel, d);
}

void cpu_far_jump(struct cpu *cpu, uint16_t sel, uint32_t off, unsigned opsize)
{
	off &= opsize_mask(opsize);
	if (cpu_real_mode(cpu) || cpu_v86_mode(cpu)) {
		check_real_target(cpu, off);
		cpu_load_seg_real(cpu, SEG_CS, sel);
		cpu->next_eip = off;
		return;
	}
	struct seg_desc d;
	fetch_far_target(cpu, sel, &d);
	if (attr_is_system(desc_attr(&d))) {
		far_via_system(cpu, sel, &d, false);
		return;
	}
	check_jump_target(cpu, sel, &d);
	if (off > desc_limit(&d))
		cpu_raise_err(cpu, EXC_GP, 0);
	commit_cs(cpu, (uint16_t)((sel & ~3u) | cpu->cpl), &d);
	cpu->next_eip = off;
}

void cpu_far_call(struct cpu *cpu, uint16_t sel, uint32_t off, unsigned opsize)
{
	bool protected_mode = !cpu_real_mode(cpu) && !cpu_v86_mode(cpu);
	struct seg_desc d;
	off &= opsize_mask(opsize);
	if (protected_mode) {
		fetch_far_target(cpu, sel, &d);
		if (attr_is_system(desc_attr(&d))) {
			far_via_system(cpu, sel, &d, true);
			return;
		}
		check_jump_target(cpu, sel, &d);
		if (off > desc_limit(&d))
			cpu_raise_err(cpu, EXC_GP, 0);
	} else {
		check_real_target(cpu, off);
	}

	/* The pushes go to the current stack; SP is committed after both.
	 * A 32-bit push of CS fills a 4-byte slot with the selector in the
	 * low half. */
	uint32_t sp = cpu_get_sp(cpu);
	uint32_t sp_cs = cpu_sp_add(cpu, sp, -(int32_t)opsize);
	uint32_t sp_ip = cpu_sp_add(cpu, sp_cs, -(int32_t)opsize);
	cpu_stack_write(cpu, sp_cs, opsize, cpu->seg[SEG_CS].sel);
	cpu_stack_write(cpu, sp_ip, opsize, cpu->next_eip & opsize_mask(opsize));

	cpu_set_sp(cpu, sp_ip);
	if (protected_mode)
		commit_cs(cpu, (uint16_t)((sel & ~3u) | cpu->cpl), &d);
	else
		cpu_load_seg_real(cpu, SEG_CS, sel);
	cpu->next_eip = off;
}

/* --- RETF ------------------------------------------------------------------ */

void cpu_far_return(struct cpu *cpu, unsigned opsize, uint16_t pop_bytes)
{
	uint32_t sp = cpu_get_sp(cpu);
	uint32_t ip = cpu_stack_read(cpu, sp, opsize);
	uint16_t cs = (uint16_t)cpu_stack_read(cpu, cpu_sp_add(cpu, sp, (int32_t)opsize), opsize);
	uint32_t sp_after = cpu_sp_add(cpu, sp, (int32_t)(2 * opsize));

	if (cpu_real_mode(cpu) || cpu_v86_mode(cpu)) {
		check_real_target(cpu, ip);
		cpu_load_seg_real(cpu, SEG_CS, cs);
		cpu_set_sp(cpu, cpu_sp_add(cpu, sp_after, pop_bytes));
		cpu->next_eip = ip;
		return;
	}

	struct seg_desc cs_desc;
	check_return_cs(cpu, cs, &cs_desc);
	unsigned rpl = sel_rpl(cs);
	if (rpl == cpu->cpl) {
		if (ip > desc_limit(&cs_desc))
			cpu_raise_err(cpu, EXC_GP, 0);
		cpu_set_sp(cpu, cpu_sp_add(cpu, sp_after, pop_bytes));
		commit_cs(cpu, cs, &cs_desc);
		cpu->next_eip = ip;
		return;
	}

	/* Outer level: the caller's SS:ESP sits above the parameters. */
	uint32_t sp_ss = cpu_sp_add(cpu, sp_after, pop_bytes);
	uint32_t esp = cpu_stack_read(cpu, sp_ss, opsize);
	uint16_t ss =
		(uint16_t)cpu_stack_read(cpu, cpu_sp_add(cpu, sp_ss, (int32_t)opsize), opsize);
	struct seg_desc ss_desc;
	check_return_ss(cpu, ss, rpl, &ss_desc);
	if (ip > desc_limit(&cs_desc))
		cpu_raise_err(cpu, EXC_GP, 0);
	commit_outer_return(cpu, cs, &cs_desc, ss, &ss_desc, esp + pop_bytes);
	cpu->next_eip = ip;
}

/* --- IRET ------------------------------------------------------------------ */

/* EFLAGS as IRET writes them: POPF's rules, plus RF (32-bit forms) and, at
 * CPL 0 in protected mode, VIF and VIP. Uses the CPL before the return. */
static void iret_write_eflags(struct cpu *cpu, uint32_t fl, unsigned opsize)
{
	bool pm0 = !cpu_real_mode(cpu) && !cpu_v86_mode(cpu) && cpu->cpl == 0;
	cpu_write_eflags(cpu, fl, opsize_mask(opsize));
	if (opsize == 4) {
		uint32_t extra = FLAG_RF | (pm0 ? (FLAG_VIF | FLAG_VIP) : 0);
		cpu->eflags = (cpu->eflags & ~extra) | (fl & extra);
		cpu_debug_note_rf(cpu);
	}
}

/* IRETD at CPL 0 with VM set in the popped EFLAGS: the stack also holds
 * ESP, SS, ES, DS, FS and GS of the V86 task (as an interrupt from V86 mode
 * pushed them). */
static void iret_to_v86(struct cpu *cpu, uint32_t sp, uint32_t ip, uint16_t cs, uint32_t fl)
{
	uint32_t v[6]; /* ESP SS ES DS FS GS */
	for (unsigned i = 0; i < 6; i++)
		v[i] = cpu_stack_read(cpu, cpu_sp_add(cpu, sp, (int32_t)(12 + 4 * i)), 4);
	if (ip > 0xFFFF)
		cpu_raise_err(cpu, EXC_GP, 0);

	cpu->eflags = (fl & FLAGS_WRITABLE) | FLAG_1;
	cpu_debug_note_rf(cpu);
	seg_cache_set_v86(&cpu->seg[SEG_CS], cs);
	seg_cache_set_v86(&cpu->seg[SEG_SS], (uint16_t)v[1]);
	seg_cache_set_v86(&cpu->seg[SEG_ES], (uint16_t)v[2]);
	seg_cache_set_v86(&cpu->seg[SEG_DS], (uint16_t)v[3]);
	seg_cache_set_v86(&cpu->seg[SEG_FS], (uint16_t)v[4]);
	seg_cache_set_v86(&cpu->seg[SEG_GS], (uint16_t)v[5]);
	cpu->regs[REG_ESP] = v[0];
	cpu_update_mode(cpu);
	cpu->next_eip = ip;
}

/* IRET in V86 mode below IOPL 3 with CR4.VME (16-bit only; anything
 * else faults to the monitor): IF from the stack goes to VIF, and an IRET
 * that would set the virtual IF with an interrupt pending (VIP), or set TF,
 * faults instead (see vmm/priv_flags.c). */
static void iret_v86_virtual(struct cpu *cpu, unsigned opsize)
{
	if (!(cpu->cr[4] & CR4_VME) || opsize != 2)
		cpu_raise_err(cpu, EXC_GP, 0);
	uint32_t sp = cpu_get_sp(cpu);
	uint32_t ip = cpu_stack_read(cpu, sp, 2);
	uint16_t cs = (uint16_t)cpu_stack_read(cpu, cpu_sp_add(cpu, sp, 2), 2);
	uint32_t fl = cpu_stack_read(cpu, cpu_sp_add(cpu, sp, 4), 2);
	if (((cpu->eflags & FLAG_VIP) && (fl & FLAG_IF)) || (fl & FLAG_TF))
		cpu_raise_err(cpu, EXC_GP, 0);
	cpu_load_seg_real(cpu, SEG_CS, cs);
	cpu_set_sp(cpu, cpu_sp_add(cpu, sp, 6));
	cpu_write_eflags(cpu, fl, 0xFFFFu); /* IF and IOPL stay */
	cpu->eflags = (cpu->eflags & ~(uint32_t)FLAG_VIF) | ((fl & FLAG_IF) ? FLAG_VIF : 0);
	cpu->next_eip = ip;
}

void cpu_iret(struct cpu *cpu, unsigned opsize)
{
	if (cpu_v86_mode(cpu) && (cpu->eflags & FLAG_IOPL) != FLAG_IOPL) {
		iret_v86_virtual(cpu, opsize);
		return;
	}
	if (!cpu_real_mode(cpu) && !cpu_v86_mode(cpu) && (cpu->eflags & FLAG_NT)) {
		/* Return from a nested task: a task switch back to the task
		 * the current TSS's back link names, which must be busy. */
		uint16_t link = (uint16_t)cpu_read_lin(cpu, cpu->tr.base, 2);
		struct seg_desc d;
		task_fetch_tss(cpu, link, true, EXC_TS, 0, &d);
		cpu_task_switch(cpu, link, &d, TASK_FROM_IRET, cpu->next_eip);
		if (cpu->eip > cpu->seg[SEG_CS].limit)
			cpu_raise_err(cpu, EXC_GP, 0);
		return;
	}

	uint32_t sp = cpu_get_sp(cpu);
	uint32_t ip = cpu_stack_read(cpu, sp, opsize);
	uint16_t cs = (uint16_t)cpu_stack_read(cpu, cpu_sp_add(cpu, sp, (int32_t)opsize), opsize);
	uint32_t fl = cpu_stack_read(cpu, cpu_sp_add(cpu, sp, (int32_t)(2 * opsize)), opsize);
	uint32_t sp_after = cpu_sp_add(cpu, sp, (int32_t)(3 * opsize));

	if (cpu_real_mode(cpu) || cpu_v86_mode(cpu)) {
		check_real_target(cpu, ip);
		cpu_load_seg_real(cpu, SEG_CS, cs);
		cpu_set_sp(cpu, sp_after);
		iret_write_eflags(cpu, fl, opsize);
		cpu->next_eip = ip;
		return;
	}

	if (opsize == 4 && (fl & FLAG_VM) && cpu->cpl == 0) {
		iret_to_v86(cpu, sp, ip, cs, fl);
		return;
	}

	struct seg_desc cs_desc;
	check_return_cs(cpu, cs, &cs_desc);
	unsigned rpl = sel_rpl(cs);
	if (rpl == cpu->cpl) {
		if (ip > desc_limit(&cs_desc))
			cpu_raise_err(cpu, EXC_GP, 0);
		cpu_set_sp(cpu, sp_after);
		iret_write_eflags(cpu, fl, opsize);
		commit_cs(cpu, cs, &cs_desc);
		cpu->next_eip = ip;
		return;
	}

	uint32_t esp = cpu_stack_read(cpu, sp_after, opsize);
	uint16_t ss =
		(uint16_t)cpu_stack_read(cpu, cpu_sp_add(cpu, sp_after, (int32_t)opsize), opsize);
	struct seg_desc ss_desc;
	check_return_ss(cpu, ss, rpl, &ss_desc);
	if (ip > desc_limit(&cs_desc))
		cpu_raise_err(cpu, EXC_GP, 0);
	iret_write_eflags(cpu, fl, opsize); /* with the old CPL's rights */
	commit_outer_return(cpu, cs, &cs_desc, ss, &ss_desc, esp);
	cpu->next_eip = ip;
}
