/* data.c: data movement handlers (MOV in all its forms, LEA, XCHG, MOVZX,
 * MOVSX, the accumulator conversions, XLAT, LAHF/SAHF and the far pointer
 * loads).
 *
 * None of these touch the arithmetic flags except SAHF. Every handler reads
 * its source operands (and lets any fault happen) before it writes, so a
 * faulting instruction leaves the registers as they were.
 */
#include "cpu/access.h"
#include "cpu/cpu.h"
#include "cpu/flags.h"
#include "cpu/handlers.h"
#include "cpu/insn.h"

/* Flags LAHF/SAHF move between AH and EFLAGS. */
#define FLAGS_AH (FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF | FLAG_CF)

/* The register named by the low three opcode bits (B0-BF, 91-97). */
static inline unsigned opcode_reg(const struct x86_insn *in)
{
	return in->opcode & 7u;
}

static inline uint32_t addr_mask(const struct x86_insn *in)
{
	return in->adsize == 2 ? 0xFFFFu : 0xFFFFFFFFu;
}

/* Raises #UD when the ModRM operand is a register but the instruction
 * needs memory (LEA, LES & co.): the decoder checks FORM_MEM_ONLY too, but
 * the handlers must stay correct when called on their own. */
static inline void require_mem(struct cpu *cpu, const struct x86_insn *in)
{
	if (insn_rm_is_reg(in))
		cpu_raise(cpu, EXC_UD);
}

/* --- MOV ------------------------------------------------------------------ */

HANDLER(op_mov_Eb_Gb)
{
	rm_write(cpu, in, 1, reg_read(cpu, in, 1));
}

HANDLER(op_mov_Ev_Gv)
{
	BY_OPSIZE(in, rm_write(cpu, in, SIZE, reg_read(cpu, in, SIZE)));
}

HANDLER(op_mov_Gb_Eb)
{
	reg_write(cpu, in, 1, rm_read(cpu, in, 1));
}

HANDLER(op_mov_Gv_Ev)
{
	BY_OPSIZE(in, reg_write(cpu, in, SIZE, rm_read(cpu, in, SIZE)));
}

/* A0-A3: the offset (16 or 32 bits by address size) is in imm. */
HANDLER(op_mov_AL_Ob)
{
	cpu_set_r8(cpu, REG_EAX, cpu_read8(cpu, in->seg, in->imm));
}

HANDLER(op_mov_eAX_Ov)
{
	cpu_set_reg(cpu, REG_EAX, in->opsize, cpu_read(cpu, in->seg, in->imm, in->opsize));
}

HANDLER(op_mov_Ob_AL)
{
	cpu_write8(cpu, in->seg, in->imm, cpu_get_r8(cpu, REG_EAX));
}

HANDLER(op_mov_Ov_eAX)
{
	cpu_write(cpu, in->seg, in->imm, in->opsize, cpu_get_reg(cpu, REG_EAX, in->opsize));
}

HANDLER(op_mov_Zb_Ib)
{
	cpu_set_r8(cpu, opcode_reg(in), (uint8_t)in->imm);
}

HANDLER(op_mov_Zv_Iv)
{
	cpu_set_reg(cpu, opcode_reg(in), in->opsize, in->imm);
}

HANDLER(op_mov_Eb_Ib)
{
	rm_write(cpu, in, 1, in->imm);
}

HANDLER(op_mov_Ev_Iz)
{
	rm_write(cpu, in, in->opsize, in->imm);
}

/* 8C. A memory destination always takes 16 bits; a register destination
 * with 32-bit operand size gets the selector zero-extended (as P6 class
 * processors do), with 16-bit operand size only its low word changes. */
HANDLER(op_mov_Ew_Sw)
{
	if (in->reg >= SEG_COUNT)
		cpu_raise(cpu, EXC_UD);
	uint16_t sel = cpu->seg[in->reg].sel;
	if (insn_rm_is_reg(in))
		cpu_set_reg(cpu, in->rm, in->opsize, sel);
	else
		cpu_write16(cpu, in->seg, insn_ea(cpu, in), sel);
}

/* 8E. CS cannot be loaded this way (#UD), nor the undefined sregs 6 and 7.
 * Loading SS holds off interrupts (and traps) for one instruction so that
 * the following MOV to (E)SP completes the switch of stacks. */
HANDLER(op_mov_Sw_Ew)
{
	if (in->reg == SEG_CS || in->reg >= SEG_COUNT)
		cpu_raise(cpu, EXC_UD);
	uint16_t sel = (uint16_t)rm_read(cpu, in, 2);
	cpu_load_seg(cpu, in->reg, sel);
	if (in->reg == SEG_SS)
		cpu->inhibit_intr = 1;
}

/* --- LEA, XCHG, NOP ------------------------------------------------------- */

/* The offset is computed at the address size (insn_ea wraps 16-bit
 * addresses) and then truncated or zero-extended to the operand size. */
HANDLER(op_lea_Gv_M)
{
	require_mem(cpu, in);
	reg_write(cpu, in, in->opsize, insn_ea(cpu, in));
}

HANDLER(op_xchg_Eb_Gb)
{
	uint32_t a = rm_read(cpu, in, 1);
	uint32_t b = reg_read(cpu, in, 1);
	rm_write(cpu, in, 1, b); /* the memory write may fault: do it first */
	reg_write(cpu, in, 1, a);
}

HANDLER(op_xchg_Ev_Gv)
{
	uint32_t a = rm_read(cpu, in, in->opsize);
	uint32_t b = reg_read(cpu, in, in->opsize);
	rm_write(cpu, in, in->opsize, b);
	reg_write(cpu, in, in->opsize, a);
}

HANDLER(op_xchg_Zv_eAX)
{
	unsigned r = opcode_reg(in);
	uint32_t a = cpu_get_reg(cpu, REG_EAX, in->opsize);
	uint32_t b = cpu_get_reg(cpu, r, in->opsize);
	cpu_set_reg(cpu, REG_EAX, in->opsize, b);
	cpu_set_reg(cpu, r, in->opsize, a);
}

HANDLER(op_nop)
{
}

/* --- widening moves and conversions ---------------------------------------- */

HANDLER(op_movzx_Gv_Eb)
{
	reg_write(cpu, in, in->opsize, rm_read(cpu, in, 1));
}

HANDLER(op_movzx_Gv_Ew)
{
	reg_write(cpu, in, in->opsize, rm_read(cpu, in, 2));
}

HANDLER(op_movsx_Gv_Eb)
{
	reg_write(cpu, in, in->opsize, sign_extend(rm_read(cpu, in, 1), 1));
}

HANDLER(op_movsx_Gv_Ew)
{
	reg_write(cpu, in, in->opsize, sign_extend(rm_read(cpu, in, 2), 2));
}

/* 98: CBW (AL -> AX) or CWDE (AX -> EAX). */
HANDLER(op_cbw)
{
	if (in->opsize == 2)
		cpu_set_r16(cpu, REG_EAX, (uint16_t)sign_extend(cpu->regs[REG_EAX], 1));
	else
		cpu->regs[REG_EAX] = sign_extend(cpu->regs[REG_EAX], 2);
}

/* 99: CWD (AX -> DX:AX) or CDQ (EAX -> EDX:EAX). */
HANDLER(op_cwd)
{
	if (in->opsize == 2)
		cpu_set_r16(cpu, REG_EDX, (cpu->regs[REG_EAX] & 0x8000u) ? 0xFFFFu : 0);
	else
		cpu->regs[REG_EDX] = (cpu->regs[REG_EAX] & 0x80000000u) ? 0xFFFFFFFFu : 0;
}

/* D7: AL = [seg:(E)BX + AL], the sum wrapped to the address size. */
HANDLER(op_xlat)
{
	uint32_t off = (cpu->regs[REG_EBX] + cpu_get_r8(cpu, REG_EAX)) & addr_mask(in);
	cpu_set_r8(cpu, REG_EAX, cpu_read8(cpu, in->seg, off));
}

/* 9F: AH = SF:ZF:0:AF:0:PF:1:CF. */
HANDLER(op_lahf)
{
	cpu_set_r8(cpu, 4 /* AH */, (uint8_t)((cpu->eflags & FLAGS_AH) | FLAG_1));
}

/* 9E: the reserved bits of the low byte keep their fixed values. */
HANDLER(op_sahf)
{
	uint32_t ah = cpu_get_r8(cpu, 4 /* AH */);
	cpu->eflags = (cpu->eflags & ~(uint32_t)FLAGS_AH) | (ah & FLAGS_AH) | FLAG_1;
}

/* --- far pointers ----------------------------------------------------------- */

/* LES LDS LSS LFS LGS (aux = segment): the offset (operand size) comes
 * first in memory, the 16-bit selector after it (its address wraps at the
 * address size). The segment is loaded first, since that is where a
 * protected-mode load can fault; only then is the general register
 * written. */
HANDLER(op_load_far_ptr)
{
	require_mem(cpu, in);
	uint32_t ea = insn_ea(cpu, in);
	uint32_t off = cpu_read(cpu, in->seg, ea, in->opsize);
	uint16_t sel = cpu_read16(cpu, in->seg, (ea + in->opsize) & addr_mask(in));
	cpu_load_seg(cpu, in->op->aux, sel);
	reg_write(cpu, in, in->opsize, off);
}
