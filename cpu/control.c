/* control.c: near control transfers (Jcc, JMP, CALL, RET, LOOP, JCXZ),
 * BOUND, the flag bit instructions (CLC STC CMC CLD STD), #UD and WAIT.
 * The x87 escapes D8-DF are in cpu/fpu_dispatch.c.
 *
 * Far transfers, INT and IRET live with the privileged routines since they
 * go through descriptors. A near target is computed from next_eip (the
 * address after this instruction), wrapped to 16 bits with a 16-bit operand
 * size, and checked against the CS limit before anything is committed: a
 * target outside CS faults with #GP(0) at the branch itself.
 */
#include "cpu/access.h"
#include "cpu/cpu.h"
#include "cpu/flags.h"
#include "cpu/handlers.h"
#include "cpu/insn.h"

/* Returns the checked target of a near transfer to `target`. */
static inline uint32_t near_target(struct cpu *cpu, const struct x86_insn *in, uint32_t target)
{
	if (in->opsize == 2)
		target &= 0xFFFFu;
	if (target > cpu->seg[SEG_CS].limit)
		cpu_raise_err(cpu, EXC_GP, 0);
	return target;
}

static inline void jump_rel(struct cpu *cpu, const struct x86_insn *in)
{
	cpu->next_eip = near_target(cpu, in, cpu->next_eip + in->imm);
}

/* The count register of LOOP and JCXZ: CX or ECX by address size. */
static inline uint32_t count_mask(const struct x86_insn *in)
{
	return in->adsize == 2 ? 0xFFFFu : 0xFFFFFFFFu;
}

/* --- jumps ------------------------------------------------------------------ */

HANDLER(op_jcc_Jb)
{
	if (cpu_cond(cpu, in->op->aux))
		jump_rel(cpu, in);
}

HANDLER(op_jcc_Jz)
{
	if (cpu_cond(cpu, in->op->aux))
		jump_rel(cpu, in);
}

/* Jcc specialised by condition at decode time (both Jb and Jz forms: the
 * displacement is already in in->imm), so the condition is a constant and
 * the test is a couple of instructions instead of a switch. */
#define JCC_FORM(cc)                                                                           \
	static void jcc_##cc(struct cpu *cpu, const struct x86_insn *in)                       \
	{                                                                                      \
		if (cpu_cond(cpu, cc))                                                         \
			jump_rel(cpu, in);                                                     \
	}
JCC_FORM(0x0)
JCC_FORM(0x1)
JCC_FORM(0x2)
JCC_FORM(0x3)
JCC_FORM(0x4)
JCC_FORM(0x5)
JCC_FORM(0x6)
JCC_FORM(0x7)
JCC_FORM(0x8)
JCC_FORM(0x9)
JCC_FORM(0xA)
JCC_FORM(0xB)
JCC_FORM(0xC)
JCC_FORM(0xD)
JCC_FORM(0xE)
JCC_FORM(0xF)

x86_handler jcc_specialize(const struct x86_insn *in)
{
	static const x86_handler by_cc[16] = {
		jcc_0x0, jcc_0x1, jcc_0x2, jcc_0x3, jcc_0x4, jcc_0x5, jcc_0x6, jcc_0x7,
		jcc_0x8, jcc_0x9, jcc_0xA, jcc_0xB, jcc_0xC, jcc_0xD, jcc_0xE, jcc_0xF,
	};
	return by_cc[in->op->aux & 15];
}

HANDLER(op_jmp_Jb)
{
	jump_rel(cpu, in);
}

HANDLER(op_jmp_Jz)
{
	jump_rel(cpu, in);
}

/* FF /4: the target is the operand, zero-extended with 16-bit size. */
HANDLER(op_jmp_Ev)
{
	cpu->next_eip = near_target(cpu, in, rm_read(cpu, in, in->opsize));
}

/* --- calls and returns --------------------------------------------------------- */

/* E8. The target is checked before the return address is pushed; the push
 * commits (E)SP only when its write succeeds. */
HANDLER(op_call_Jz)
{
	uint32_t target = near_target(cpu, in, cpu->next_eip + in->imm);
	cpu_push(cpu, in->opsize, cpu->next_eip);
	cpu->next_eip = target;
}

/* FF /2. The operand is read before the push, so CALL [ESP] sees the old
 * stack top. */
HANDLER(op_call_Ev)
{
	uint32_t target = near_target(cpu, in, rm_read(cpu, in, in->opsize));
	cpu_push(cpu, in->opsize, cpu->next_eip);
	cpu->next_eip = target;
}

/* Pops the return address and releases `extra` more bytes of arguments. */
static void ret_near(struct cpu *cpu, const struct x86_insn *in, uint16_t extra)
{
	uint32_t sp = cpu_get_sp(cpu);
	uint32_t target = near_target(cpu, in, cpu_stack_read(cpu, sp, in->opsize));
	cpu_set_sp(cpu, cpu_sp_add(cpu, sp, (int32_t)(in->opsize + extra)));
	cpu->next_eip = target;
}

HANDLER(op_ret_near)
{
	ret_near(cpu, in, 0);
}

HANDLER(op_ret_near_Iw)
{
	ret_near(cpu, in, (uint16_t)in->imm);
}

/* --- LOOP and JCXZ ---------------------------------------------------------- */

/* E0-E2 (aux 0 LOOPNE, 1 LOOPE, 2 LOOP): decrement the count register
 * without touching the flags and branch while it is not zero (and, for
 * LOOPE/LOOPNE, while ZF says so). The count is committed only after the
 * target has been checked, so a #GP leaves it unchanged. */
HANDLER(op_loop)
{
	uint32_t mask = count_mask(in);
	uint32_t count = (cpu->regs[REG_ECX] - 1) & mask;
	bool take = count != 0;
	if (in->op->aux == 0)
		take = take && !(cpu->eflags & FLAG_ZF);
	else if (in->op->aux == 1)
		take = take && (cpu->eflags & FLAG_ZF);
	uint32_t target = take ? near_target(cpu, in, cpu->next_eip + in->imm) : cpu->next_eip;
	cpu->regs[REG_ECX] = (cpu->regs[REG_ECX] & ~mask) | count;
	cpu->next_eip = target;
}

/* E3: JCXZ / JECXZ by address size. */
HANDLER(op_jcxz)
{
	if ((cpu->regs[REG_ECX] & count_mask(in)) == 0)
		jump_rel(cpu, in);
}

/* --- BOUND ---------------------------------------------------------------------- */

/* 62: the signed index in Gv must lie within the two signed bounds stored
 * at the memory operand (lower first, upper after it), else #BR. */
HANDLER(op_bound)
{
	if (insn_rm_is_reg(in))
		cpu_raise(cpu, EXC_UD);
	unsigned size = in->opsize;
	uint32_t ea = insn_ea(cpu, in);
	uint32_t upper_ea = (ea + size) & count_mask(in);
	int32_t lower = (int32_t)sign_extend(cpu_read(cpu, in->seg, ea, size), size);
	int32_t upper = (int32_t)sign_extend(cpu_read(cpu, in->seg, upper_ea, size), size);
	int32_t index = (int32_t)sign_extend(reg_read(cpu, in, size), size);
	if (index < lower || index > upper)
		cpu_raise(cpu, EXC_BR);
}

/* --- miscellany -------------------------------------------------------------- */

HANDLER(op_ud)
{
	cpu_raise(cpu, EXC_UD);
}

HANDLER(op_clc)
{
	cpu->eflags &= ~(uint32_t)FLAG_CF;
}

HANDLER(op_stc)
{
	cpu->eflags |= FLAG_CF;
}

HANDLER(op_cmc)
{
	cpu->eflags ^= FLAG_CF;
}

HANDLER(op_cld)
{
	cpu->eflags &= ~(uint32_t)FLAG_DF;
}

HANDLER(op_std)
{
	cpu->eflags |= FLAG_DF;
}

/* 9B WAIT/FWAIT: faults with #NM when the task switched away from the x87
 * state (TS) and WAIT is to be monitored (MP); otherwise it signals a
 * pending unmasked x87 exception (cpu/fpu_control.c). */
HANDLER(op_fwait)
{
	if ((cpu->cr[0] & (CR0_TS | CR0_MP)) == (CR0_TS | CR0_MP))
		cpu_raise(cpu, EXC_NM);
	fpu_check_pending(cpu);
}
