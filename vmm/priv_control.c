/* priv_control.c: HLT, software interrupts, IRET and far transfers.
 *
 * These change CS or stop the CPU, so they end translated blocks and the
 * translator hands them to the VMM. The far transfers themselves (the
 * descriptor checks, privilege changes and V86 returns) live in cpu/far.c;
 * the routines here only decode their operands and count themselves.
 */
#include "cpu/access.h"
#include "cpu/seg.h"
#include "vmm/priv.h"

VMM_ROUTINE(vmm_hlt)
{
	cpu->vmm_calls[VMM_STAT_HLT]++;
	if (seg_cpl(cpu) != 0)
		cpu_raise_err(cpu, EXC_GP, 0);
	cpu->halted = true;
	cpu->stop = CPU_STOP_HALT;
}

/* INT n is IOPL-sensitive in V86 mode (without VME): the monitor gets a
 * #GP and emulates it. INT3, INTO and ICEBP are not. */
VMM_ROUTINE(vmm_int_Ib)
{
	cpu->vmm_calls[VMM_STAT_INT]++;
	if (cpu_v86_mode(cpu) && (cpu->eflags & FLAG_IOPL) != FLAG_IOPL)
		cpu_raise_err(cpu, EXC_GP, 0);
	cpu_deliver(cpu, (int)(in->imm & 0xFFu), cpu->next_eip, false, 0, true);
}

VMM_ROUTINE(vmm_int3)
{
	cpu->vmm_calls[VMM_STAT_INT]++;
	cpu_deliver(cpu, EXC_BP, cpu->next_eip, false, 0, true);
}

VMM_ROUTINE(vmm_into)
{
	cpu->vmm_calls[VMM_STAT_INT]++;
	if (cpu->eflags & FLAG_OF)
		cpu_deliver(cpu, EXC_OF, cpu->next_eip, false, 0, true);
}

/* ICEBP behaves like a hardware debug trap: no gate DPL check. */
VMM_ROUTINE(vmm_int1)
{
	cpu->vmm_calls[VMM_STAT_INT]++;
	cpu_deliver(cpu, EXC_DB, cpu->next_eip, false, 0, false);
}

VMM_ROUTINE(vmm_iret)
{
	cpu->vmm_calls[VMM_STAT_IRET]++;
	cpu_iret(cpu, in->opsize);
}

/* A far pointer in memory: the offset (2 or 4 bytes by operand size), then
 * the selector. Both are read before anything changes. */
static void read_far_pointer(struct cpu *cpu, const struct x86_insn *in, uint16_t *sel,
			     uint32_t *off)
{
	if (in->mod == 3)
		cpu_raise(cpu, EXC_UD);
	uint32_t ea = insn_ea(cpu, in);
	*off = cpu_read(cpu, in->seg, ea, in->opsize);
	*sel = (uint16_t)cpu_read(cpu, in->seg, ea + in->opsize, 2);
}

VMM_ROUTINE(vmm_jmp_Ap)
{
	cpu->vmm_calls[VMM_STAT_FAR]++;
	cpu_far_jump(cpu, (uint16_t)in->imm2, in->imm, in->opsize);
}

VMM_ROUTINE(vmm_jmp_Mp)
{
	uint16_t sel;
	uint32_t off;
	cpu->vmm_calls[VMM_STAT_FAR]++;
	read_far_pointer(cpu, in, &sel, &off);
	cpu_far_jump(cpu, sel, off, in->opsize);
}

VMM_ROUTINE(vmm_call_Ap)
{
	cpu->vmm_calls[VMM_STAT_FAR]++;
	cpu_far_call(cpu, (uint16_t)in->imm2, in->imm, in->opsize);
}

VMM_ROUTINE(vmm_call_Mp)
{
	uint16_t sel;
	uint32_t off;
	cpu->vmm_calls[VMM_STAT_FAR]++;
	read_far_pointer(cpu, in, &sel, &off);
	cpu_far_call(cpu, sel, off, in->opsize);
}

VMM_ROUTINE(vmm_ret_far)
{
	cpu->vmm_calls[VMM_STAT_FAR]++;
	cpu_far_return(cpu, in->opsize, 0);
}

VMM_ROUTINE(vmm_ret_far_Iw)
{
	cpu->vmm_calls[VMM_STAT_FAR]++;
	cpu_far_return(cpu, in->opsize, (uint16_t)in->imm);
}
