/* priv_flags.c: CLI, STI, PUSHF and POPF.
 *
 * These touch IF and IOPL, which is what makes them sensitive: a guest
 * kernel running deprivileged must not really change them, and V86 code
 * may change IF only when its monitor allows it (IOPL 3). VME and PVI
 * (virtual interrupt flags) are not handled yet: with IOPL < 3 V86 code
 * faults to its monitor as on a 386.
 */
#include "cpu/access.h"
#include "cpu/seg.h"
#include "vmm/priv.h"

static unsigned iopl(const struct cpu *cpu)
{
	return (cpu->eflags & FLAG_IOPL) >> 12;
}

/* CLI/STI: allowed in real mode, at CPL <= IOPL in protected mode and with
 * IOPL 3 in V86 mode (CPL is 3 there, so one test covers both). */
static void check_if_change(struct cpu *cpu)
{
	if (!cpu_real_mode(cpu) && seg_cpl(cpu) > iopl(cpu))
		cpu_raise_err(cpu, EXC_GP, 0);
}

/* PUSHF/POPF fault only in V86 mode with IOPL < 3. */
static void check_v86_flags_access(struct cpu *cpu)
{
	if (cpu_v86_mode(cpu) && iopl(cpu) < 3)
		cpu_raise_err(cpu, EXC_GP, 0);
}

VMM_ROUTINE(vmm_cli)
{
	cpu->vmm_calls[VMM_STAT_CLI]++;
	check_if_change(cpu);
	cpu->eflags &= ~(uint32_t)FLAG_IF;
}

VMM_ROUTINE(vmm_sti)
{
	cpu->vmm_calls[VMM_STAT_STI]++;
	check_if_change(cpu);
	/* The instruction after STI still runs with interrupts held off, so
	 * "STI; HLT" and "STI; RET" cannot be interrupted in between. */
	if (!(cpu->eflags & FLAG_IF))
		cpu->inhibit_intr = 1;
	cpu->eflags |= FLAG_IF;
}

VMM_ROUTINE(vmm_pushf)
{
	cpu->vmm_calls[VMM_STAT_PUSHF]++;
	check_v86_flags_access(cpu);
	/* The pushed image never shows VM or RF. */
	uint32_t image = cpu->eflags & ~(uint32_t)(FLAG_VM | FLAG_RF);
	cpu_push(cpu, in->opsize, in->opsize == 2 ? (image & 0xFFFFu) : image);
}

VMM_ROUTINE(vmm_popf)
{
	cpu->vmm_calls[VMM_STAT_POPF]++;
	check_v86_flags_access(cpu);
	uint32_t v = cpu_pop(cpu, in->opsize);
	cpu_write_eflags(cpu, v, in->opsize == 2 ? 0xFFFFu : 0xFFFFFFFFu);
}
