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

/* With CR4.VME, the interrupt redirection bitmap (the 32 bytes below the
 * I/O permission bitmap of a 32-bit TSS) says which INT n in V86 mode go
 * to the V86 task's own interrupt vector table (bit clear) rather than
 * through the IDT. A bitmap outside the TSS limit is #GP(0). */
static bool v86_int_redirected(struct cpu *cpu, unsigned vec)
{
	const struct seg_cache *tr = &cpu->tr;
	if (!(tr->attr & 0x8u) || tr->limit < 0x67)
		cpu_raise_err(cpu, EXC_GP, 0);
	uint32_t io_base = cpu_read_lin(cpu, tr->base + 0x66, 2);
	uint32_t at = io_base - 32 + vec / 8;
	if (io_base < 32 || at > tr->limit)
		cpu_raise_err(cpu, EXC_GP, 0);
	return !((cpu_read_lin(cpu, tr->base + at, 1) >> (vec % 8)) & 1u);
}

/* A redirected INT n: delivered as in real mode, through the vector table
 * at linear 0, on the V86 stack. Below IOPL 3 the pushed FLAGS show VIF as
 * IF and IOPL as 3, and VIF rather than IF is cleared. */
static void v86_int_redirect(struct cpu *cpu, unsigned vec)
{
	bool virt = (cpu->eflags & FLAG_IOPL) != FLAG_IOPL;
	uint32_t vector = cpu_read_lin_as(cpu, vec * 4, 4, CPU_PRIV_USER);
	uint32_t image = cpu->eflags & 0xFFFFu;
	if (virt) {
		image &= ~(uint32_t)FLAG_IF;
		image |= FLAG_IOPL | ((cpu->eflags & FLAG_VIF) ? FLAG_IF : 0);
	}
	uint32_t sp = cpu_get_sp(cpu);
	uint32_t sp_fl = cpu_sp_add(cpu, sp, -2), sp_cs = cpu_sp_add(cpu, sp, -4),
		 sp_ip = cpu_sp_add(cpu, sp, -6);
	cpu_probe_write(cpu, SEG_SS, sp_fl, 2);
	cpu_probe_write(cpu, SEG_SS, sp_ip, 2);
	cpu_stack_write(cpu, sp_fl, 2, image);
	cpu_stack_write(cpu, sp_cs, 2, cpu->seg[SEG_CS].sel);
	cpu_stack_write(cpu, sp_ip, 2, cpu->next_eip & 0xFFFFu);
	cpu_set_sp(cpu, sp_ip);
	cpu->eflags &= ~(uint32_t)(FLAG_TF | FLAG_RF | (virt ? FLAG_VIF : FLAG_IF));
	cpu_load_seg_real(cpu, SEG_CS, (uint16_t)(vector >> 16));
	cpu->next_eip = vector & 0xFFFFu;
}

/* INT n is IOPL-sensitive in V86 mode: below IOPL 3 the monitor gets a #GP
 * and emulates it, unless VME redirects it to the V86 task's own vector
 * table. INT3, INTO and ICEBP are neither. */
VMM_ROUTINE(vmm_int_Ib)
{
	cpu->vmm_calls[VMM_STAT_INT]++;
	unsigned vec = in->imm & 0xFFu;
	if (cpu_v86_mode(cpu)) {
		if ((cpu->cr[4] & CR4_VME) && v86_int_redirected(cpu, vec)) {
			v86_int_redirect(cpu, vec);
			return;
		}
		if ((cpu->eflags & FLAG_IOPL) != FLAG_IOPL)
			cpu_raise_err(cpu, EXC_GP, 0);
	}
	cpu_deliver(cpu, (int)vec, cpu->next_eip, false, 0, true);
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
