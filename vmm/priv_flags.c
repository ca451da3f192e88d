/* priv_flags.c: CLI, STI, PUSHF and POPF.
 *
 * These touch IF and IOPL, which is what makes them sensitive: a guest
 * kernel running deprivileged must not really change them, and V86 code
 * may change IF only when its monitor allows it (IOPL 3). Below IOPL 3 they
 * fault to the monitor (#GP(0)), unless the virtual interrupt flag takes
 * IF's place:
 *  - CR4.VME in V86 mode: CLI/STI change VIF; the 16-bit PUSHF shows VIF as
 *    IF and IOPL as 3; the 16-bit POPF (and IRET, cpu/far.c) loads IF into
 *    VIF. STI, POPF and IRET fault when they would set the virtual IF while
 *    an interrupt is pending (VIP), and POPF/IRET when they would set TF,
 *    so the monitor gets to deliver or single-step.
 *  - CR4.PVI at CPL 3 in protected mode: CLI/STI only.
 */
#include "cpu/access.h"
#include "cpu/seg.h"
#include "vmm/priv.h"

static unsigned iopl(const struct cpu *cpu)
{
	return (cpu->eflags & FLAG_IOPL) >> 12;
}

/* Whether CLI/STI/PUSHF/POPF work on VIF instead of faulting: below IOPL 3,
 * in V86 mode with VME or at CPL 3 in protected mode with PVI. */
static bool virtual_if(const struct cpu *cpu)
{
	if (iopl(cpu) == 3)
		return false;
	if (cpu_v86_mode(cpu))
		return cpu->cr[4] & CR4_VME;
	return (cpu->cr[4] & CR4_PVI) && cpu->cpl == 3;
}

/* CLI/STI may change IF in real mode, at CPL <= IOPL in protected mode and
 * with IOPL 3 in V86 mode (CPL is 3 there, so one test covers both). */
static bool may_change_if(const struct cpu *cpu)
{
	return cpu_real_mode(cpu) || seg_cpl(cpu) <= iopl(cpu);
}

VMM_ROUTINE(vmm_cli)
{
	cpu->vmm_calls[VMM_STAT_CLI]++;
	if (may_change_if(cpu))
		cpu->eflags &= ~(uint32_t)FLAG_IF;
	else if (virtual_if(cpu))
		cpu->eflags &= ~(uint32_t)FLAG_VIF;
	else
		cpu_raise_err(cpu, EXC_GP, 0);
}

VMM_ROUTINE(vmm_sti)
{
	cpu->vmm_calls[VMM_STAT_STI]++;
	if (may_change_if(cpu)) {
		/* The instruction after STI still runs with interrupts held
		 * off, so "STI; HLT" and "STI; RET" cannot be interrupted in
		 * between. */
		if (!(cpu->eflags & FLAG_IF))
			cpu->inhibit_intr = 1;
		cpu->eflags |= FLAG_IF;
	} else if (virtual_if(cpu) && !(cpu->eflags & FLAG_VIP)) {
		cpu->eflags |= FLAG_VIF;
	} else {
		cpu_raise_err(cpu, EXC_GP, 0);
	}
}

/* V86 mode below IOPL 3: PUSHF/POPF fault, except the 16-bit forms with
 * VME. Returns true for the VME case. */
static bool v86_flags_virtual(struct cpu *cpu, const struct x86_insn *in)
{
	if (!cpu_v86_mode(cpu) || iopl(cpu) == 3)
		return false;
	if ((cpu->cr[4] & CR4_VME) && in->opsize == 2)
		return true;
	cpu_raise_err(cpu, EXC_GP, 0);
}

VMM_ROUTINE(vmm_pushf)
{
	cpu->vmm_calls[VMM_STAT_PUSHF]++;
	/* The pushed image never shows VM or RF. */
	uint32_t image = cpu->eflags & ~(uint32_t)(FLAG_VM | FLAG_RF);
	if (v86_flags_virtual(cpu, in)) {
		image &= ~(uint32_t)FLAG_IF;
		image |= FLAG_IOPL | ((cpu->eflags & FLAG_VIF) ? FLAG_IF : 0);
	}
	cpu_push(cpu, in->opsize, in->opsize == 2 ? (image & 0xFFFFu) : image);
}

VMM_ROUTINE(vmm_popf)
{
	cpu->vmm_calls[VMM_STAT_POPF]++;
	if (v86_flags_virtual(cpu, in)) {
		uint32_t sp = cpu_get_sp(cpu);
		uint32_t v = cpu_stack_read(cpu, sp, 2);
		if (((cpu->eflags & FLAG_VIP) && (v & FLAG_IF)) || (v & FLAG_TF))
			cpu_raise_err(cpu, EXC_GP, 0);
		cpu_set_sp(cpu, cpu_sp_add(cpu, sp, 2));
		cpu_write_eflags(cpu, v, 0xFFFFu); /* leaves IF and IOPL alone here */
		cpu->eflags = (cpu->eflags & ~(uint32_t)FLAG_VIF) | ((v & FLAG_IF) ? FLAG_VIF : 0);
		return;
	}
	uint32_t v = cpu_pop(cpu, in->opsize);
	cpu_write_eflags(cpu, v, in->opsize == 2 ? 0xFFFFu : 0xFFFFFFFFu);
}
