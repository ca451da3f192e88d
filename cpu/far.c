/* far.c: far JMP, CALL, RET and IRET.
 *
 * In real mode and V86 mode these are plain loads of CS:IP from the
 * instruction or the stack. In protected mode the new CS comes from a
 * descriptor that must be checked first; a return may also drop to an outer
 * privilege level (popping SS:ESP too) and IRET may go back to V86 mode.
 *
 * Every routine reads and checks everything before it commits anything:
 * stack writes may land in memory before a later check fails (as on
 * hardware), but registers, segment caches and the stack pointer change
 * only once the whole transfer is known to succeed.
 *
 * Call gates, task gates and TSS targets (task switches) are not handled
 * yet: they raise #GP(selector) until protected-mode task and gate support
 * lands.
 */
#include "cpu/access.h"
#include "cpu/seg.h"

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

/* The target of a protected-mode far JMP or CALL: a code segment reachable
 * without a privilege change. Conforming code needs DPL <= CPL; other code
 * needs RPL <= CPL and DPL == CPL. */
static void check_jump_target(struct cpu *cpu, uint16_t sel, struct seg_desc *d)
{
	if (sel_is_null(sel))
		cpu_raise_err(cpu, EXC_GP, 0);
	seg_desc_fetch(cpu, sel, d);
	uint16_t attr = desc_attr(d);
	unsigned cpl = cpu->cpl, dpl = attr_dpl(attr);
	if (attr_is_system(attr)) {
		/* Call gates (4, 12), task gates (5) and available TSSs (1, 9)
		 * are valid targets that need gate and task-switch support,
		 * which comes with the protected-mode work; every other system
		 * type is invalid. Both fault the same way for now. */
		cpu_raise_err(cpu, EXC_GP, sel_err(sel));
	}
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

/* --- JMP / CALL ------------------------------------------------------------ */

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

void cpu_iret(struct cpu *cpu, unsigned opsize)
{
	if (cpu_v86_mode(cpu) && (cpu->eflags & FLAG_IOPL) != FLAG_IOPL)
		cpu_raise_err(cpu, EXC_GP, 0);
	if (!cpu_real_mode(cpu) && !cpu_v86_mode(cpu) && (cpu->eflags & FLAG_NT)) {
		/* Return from a nested task: a task switch to the TSS's back
		 * link, which comes with task-switch support. */
		uint16_t link = (uint16_t)cpu_read_lin(cpu, cpu->tr.base, 2);
		cpu_raise_err(cpu, EXC_GP, sel_err(link));
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
