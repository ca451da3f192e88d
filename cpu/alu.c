/* alu.c: the two-operand ALU family (ADD OR ADC SBB AND SUB XOR CMP), TEST,
 * INC/DEC, NOT/NEG, and the exchanging arithmetic (XADD, CMPXCHG,
 * CMPXCHG8B).
 *
 * Every handler reads all of its operands, computes the result and the new
 * flags into locals, performs the (possibly faulting) memory write, and only
 * then commits flags and registers: a fault leaves the CPU untouched, so the
 * instruction restarts cleanly.
 */
#include "cpu/access.h"
#include "cpu/flags.h"
#include "cpu/handlers.h"
#include "cpu/opcode.h"

/* ALU operation numbers, as in opcode bits 3-5 and the 80-83 groups. */
enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

/* Computes `a op b` on `size` bytes; stores the six arithmetic flags in
 * *flags and returns the result (masked to size). AND/OR/XOR clear CF, OF
 * and AF as P6 hardware does. */
static inline __attribute__((always_inline)) uint32_t alu_compute(const struct cpu *cpu, unsigned op, unsigned size, uint32_t a,
			    uint32_t b, uint32_t *flags)
{
	uint32_t carry = (cpu->eflags & FLAG_CF) ? 1 : 0;
	uint32_t res;

	switch (op & 7) {
	case ALU_ADD:
		res = a + b;
		*flags = flags_add(size, a, b, 0);
		break;
	case ALU_OR:
		res = a | b;
		*flags = flags_logic(size, res);
		break;
	case ALU_ADC:
		res = a + b + carry;
		*flags = flags_add(size, a, b, carry);
		break;
	case ALU_SBB:
		res = a - b - carry;
		*flags = flags_sub(size, a, b, carry);
		break;
	case ALU_AND:
		res = a & b;
		*flags = flags_logic(size, res);
		break;
	case ALU_XOR:
		res = a ^ b;
		*flags = flags_logic(size, res);
		break;
	default: /* SUB, CMP */
		res = a - b;
		*flags = flags_sub(size, a, b, 0);
		break;
	}
	return res & size_mask(size);
}

/* E op= b with E in memory. */
static inline __attribute__((always_inline)) void alu_mem_op(struct cpu *cpu,
							     const struct x86_insn *in,
							     unsigned op, unsigned size, uint32_t b)
{
	uint32_t flags, res;
	if (op != ALU_CMP) {
		/* One address computation and check for both the read and
		 * the write when the operand is plain RAM. */
		uint8_t *p = rm_host_rmw(cpu, in, size);
		if (p) {
			res = alu_compute(cpu, op, size, host_load(p, size), b, &flags);
			host_store(p, size, res);
			flags_set_arith(cpu, flags);
			return;
		}
	}
	res = alu_compute(cpu, op, size, rm_read(cpu, in, size), b, &flags);
	if (op != ALU_CMP)
		rm_write(cpu, in, size, res);
	flags_set_arith(cpu, flags);
}

/* The generic memory form, kept out of line so that the register form,
 * the most common, compiles to a short function without spills. */
static __attribute__((noinline)) void alu_to_mem(struct cpu *cpu, const struct x86_insn *in,
						 unsigned size, uint32_t b)
{
	alu_mem_op(cpu, in, in->op->aux & 7, size, b);
}

/* E op= b: the ModRM operand is the destination (CMP only reads it). */
static inline __attribute__((always_inline)) void alu_to_rm(struct cpu *cpu,
							     const struct x86_insn *in,
							     unsigned size, uint32_t b)
{
	if (in->mod != 3) {
		alu_to_mem(cpu, in, size, b);
		return;
	}
	unsigned op = in->op->aux & 7;
	uint32_t flags;
	uint32_t res = alu_compute(cpu, op, size, cpu_get_reg(cpu, in->rm, size), b, &flags);
	if (op != ALU_CMP)
		cpu_set_reg(cpu, in->rm, size, res);
	flags_set_arith(cpu, flags);
}

/* reg op= b: a register destination (G operand or the accumulator). */
static inline __attribute__((always_inline)) void alu_to_reg(struct cpu *cpu, unsigned reg, unsigned op, unsigned size, uint32_t b)
{
	uint32_t flags;
	uint32_t res = alu_compute(cpu, op & 7, size, cpu_get_reg(cpu, reg, size), b, &flags);
	if ((op & 7) != ALU_CMP)
		cpu_set_reg(cpu, reg, size, res);
	flags_set_arith(cpu, flags);
}

/* The v-sized handlers are the hottest of all: BY_OPSIZE specialises them. */
HANDLER(op_alu_Eb_Gb)
{
	alu_to_rm(cpu, in, 1, reg_read(cpu, in, 1));
}

HANDLER(op_alu_Ev_Gv)
{
	BY_OPSIZE(in, alu_to_rm(cpu, in, SIZE, reg_read(cpu, in, SIZE)));
}

HANDLER(op_alu_Gb_Eb)
{
	alu_to_reg(cpu, in->reg, in->op->aux, 1, rm_read(cpu, in, 1));
}

HANDLER(op_alu_Gv_Ev)
{
	BY_OPSIZE(in, alu_to_reg(cpu, in->reg, in->op->aux, SIZE, rm_read(cpu, in, SIZE)));
}

HANDLER(op_alu_AL_Ib)
{
	alu_to_reg(cpu, REG_EAX, in->op->aux, 1, in->imm);
}

HANDLER(op_alu_eAX_Iz)
{
	BY_OPSIZE(in, alu_to_reg(cpu, REG_EAX, in->op->aux, SIZE, in->imm));
}

HANDLER(op_alu_Eb_Ib)
{
	alu_to_rm(cpu, in, 1, in->imm);
}

HANDLER(op_alu_Ev_Iz)
{
	BY_OPSIZE(in, alu_to_rm(cpu, in, SIZE, in->imm));
}

HANDLER(op_alu_Ev_Ib)
{
	BY_OPSIZE(in, alu_to_rm(cpu, in, SIZE, in->imm));
}

/* Forms specialised by operation: the decoder picks one of these for a
 * v-sized ALU instruction, so the operation is a constant and the handler
 * has no switch on it (that switch is an indirect jump the host cannot
 * predict well). Each behaves exactly as the generic handler does. */
#define ALU_REG_FORMS(OP, name)                                                                \
	static void alu_##name##_rm_reg(struct cpu *cpu, const struct x86_insn *in)            \
	{                                                                                      \
		BY_OPSIZE(in, alu_to_reg(cpu, in->rm, OP, SIZE, cpu_get_reg(cpu, in->reg, SIZE))); \
	}                                                                                      \
	static void alu_##name##_reg_rm(struct cpu *cpu, const struct x86_insn *in)            \
	{                                                                                      \
		BY_OPSIZE(in, alu_to_reg(cpu, in->reg, OP, SIZE, cpu_get_reg(cpu, in->rm, SIZE))); \
	}                                                                                      \
	static void alu_##name##_rm_imm(struct cpu *cpu, const struct x86_insn *in)            \
	{                                                                                      \
		BY_OPSIZE(in, alu_to_reg(cpu, in->rm, OP, SIZE, in->imm));                     \
	}                                                                                      \
	static void alu_##name##_acc_imm(struct cpu *cpu, const struct x86_insn *in)           \
	{                                                                                      \
		BY_OPSIZE(in, alu_to_reg(cpu, REG_EAX, OP, SIZE, in->imm));                    \
	}                                                                                      \
	static void alu_##name##_mem_reg(struct cpu *cpu, const struct x86_insn *in)           \
	{                                                                                      \
		BY_OPSIZE(in, alu_mem_op(cpu, in, OP, SIZE, cpu_get_reg(cpu, in->reg, SIZE))); \
	}                                                                                      \
	static void alu_##name##_reg_mem(struct cpu *cpu, const struct x86_insn *in)           \
	{                                                                                      \
		BY_OPSIZE(in, alu_to_reg(cpu, in->reg, OP, SIZE,                               \
					 cpu_read(cpu, in->seg, insn_ea(cpu, in), SIZE)));     \
	}                                                                                      \
	static void alu_##name##_mem_imm(struct cpu *cpu, const struct x86_insn *in)           \
	{                                                                                      \
		BY_OPSIZE(in, alu_mem_op(cpu, in, OP, SIZE, in->imm));                         \
	}

ALU_REG_FORMS(ALU_ADD, add)
ALU_REG_FORMS(ALU_OR, or)
ALU_REG_FORMS(ALU_ADC, adc)
ALU_REG_FORMS(ALU_SBB, sbb)
ALU_REG_FORMS(ALU_AND, and)
ALU_REG_FORMS(ALU_SUB, sub)
ALU_REG_FORMS(ALU_XOR, xor)
ALU_REG_FORMS(ALU_CMP, cmp)

#define ALU_FORM_TABLE(form)                                                                   \
	{                                                                                      \
		alu_add_##form, alu_or_##form, alu_adc_##form, alu_sbb_##form, alu_and_##form, \
			alu_sub_##form, alu_xor_##form, alu_cmp_##form                         \
	}

x86_handler alu_specialize(const struct x86_insn *in)
{
	static const x86_handler rm_reg[8] = ALU_FORM_TABLE(rm_reg);
	static const x86_handler reg_rm[8] = ALU_FORM_TABLE(reg_rm);
	static const x86_handler rm_imm[8] = ALU_FORM_TABLE(rm_imm);
	static const x86_handler acc_imm[8] = ALU_FORM_TABLE(acc_imm);
	static const x86_handler mem_reg[8] = ALU_FORM_TABLE(mem_reg);
	static const x86_handler reg_mem[8] = ALU_FORM_TABLE(reg_mem);
	static const x86_handler mem_imm[8] = ALU_FORM_TABLE(mem_imm);
	x86_handler h = in->op->handler;
	unsigned op = in->op->aux & 7;
	if (h == op_alu_eAX_Iz)
		return acc_imm[op];
	if (in->mod != 3) {
		if (h == op_alu_Ev_Gv)
			return mem_reg[op];
		if (h == op_alu_Gv_Ev)
			return reg_mem[op];
		if (h == op_alu_Ev_Iz || h == op_alu_Ev_Ib)
			return mem_imm[op];
		return h;
	}
	if (h == op_alu_Ev_Gv)
		return rm_reg[op];
	if (h == op_alu_Gv_Ev)
		return reg_rm[op];
	if (h == op_alu_Ev_Iz || h == op_alu_Ev_Ib)
		return rm_imm[op];
	return h;
}

/* --- TEST ----------------------------------------------------------------- */

static void test_flags(struct cpu *cpu, unsigned size, uint32_t a, uint32_t b)
{
	flags_set_arith(cpu, flags_logic(size, a & b));
}

HANDLER(op_test_Eb_Gb)
{
	test_flags(cpu, 1, rm_read(cpu, in, 1), reg_read(cpu, in, 1));
}

HANDLER(op_test_Ev_Gv)
{
	test_flags(cpu, in->opsize, rm_read(cpu, in, in->opsize), reg_read(cpu, in, in->opsize));
}

HANDLER(op_test_AL_Ib)
{
	test_flags(cpu, 1, cpu_get_r8(cpu, REG_EAX), in->imm);
}

HANDLER(op_test_eAX_Iz)
{
	test_flags(cpu, in->opsize, cpu_get_reg(cpu, REG_EAX, in->opsize), in->imm);
}

HANDLER(op_test_Eb_Ib)
{
	test_flags(cpu, 1, rm_read(cpu, in, 1), in->imm);
}

HANDLER(op_test_Ev_Iz)
{
	test_flags(cpu, in->opsize, rm_read(cpu, in, in->opsize), in->imm);
}

/* --- INC / DEC: like ADD/SUB 1, but CF is kept ------------------------------ */

static inline __attribute__((always_inline)) uint32_t incdec_flags(unsigned size, uint32_t v, bool dec)
{
	return dec ? flags_sub(size, v, 1, 0) : flags_add(size, v, 1, 0);
}

static inline __attribute__((always_inline)) void incdec_reg(struct cpu *cpu, unsigned reg, unsigned size, bool dec)
{
	uint32_t v = cpu_get_reg(cpu, reg, size);
	cpu_set_reg(cpu, reg, size, dec ? v - 1 : v + 1);
	flags_set(cpu, FLAGS_ARITH & ~FLAG_CF, incdec_flags(size, v, dec));
}

static void incdec_rm(struct cpu *cpu, const struct x86_insn *in, unsigned size, bool dec)
{
	uint32_t v = rm_read(cpu, in, size);
	rm_write(cpu, in, size, dec ? v - 1 : v + 1);
	flags_set(cpu, FLAGS_ARITH & ~FLAG_CF, incdec_flags(size, v, dec));
}

HANDLER(op_inc_Zv)
{
	BY_OPSIZE(in, incdec_reg(cpu, in->opcode & 7, SIZE, false));
}

HANDLER(op_dec_Zv)
{
	BY_OPSIZE(in, incdec_reg(cpu, in->opcode & 7, SIZE, true));
}

HANDLER(op_inc_Eb)
{
	incdec_rm(cpu, in, 1, false);
}

HANDLER(op_dec_Eb)
{
	incdec_rm(cpu, in, 1, true);
}

HANDLER(op_inc_Ev)
{
	incdec_rm(cpu, in, in->opsize, false);
}

HANDLER(op_dec_Ev)
{
	incdec_rm(cpu, in, in->opsize, true);
}

/* --- NOT / NEG -------------------------------------------------------------- */

HANDLER(op_not_Eb)
{
	rm_write(cpu, in, 1, ~rm_read(cpu, in, 1));
}

HANDLER(op_not_Ev)
{
	rm_write(cpu, in, in->opsize, ~rm_read(cpu, in, in->opsize));
}

/* NEG is 0 - v: CF is set exactly when v != 0, OF when v is the most
 * negative value. */
static void neg_rm(struct cpu *cpu, const struct x86_insn *in, unsigned size)
{
	uint32_t v = rm_read(cpu, in, size);
	rm_write(cpu, in, size, 0u - v);
	flags_set_arith(cpu, flags_sub(size, 0, v, 0));
}

HANDLER(op_neg_Eb)
{
	neg_rm(cpu, in, 1);
}

HANDLER(op_neg_Ev)
{
	neg_rm(cpu, in, in->opsize);
}

/* --- XADD ------------------------------------------------------------------- */

/* TEMP = SRC + DEST; SRC = DEST; DEST = TEMP. The destination is written
 * last among registers so that XADD r, r with the same register leaves the
 * sum; a memory destination is written first so a fault changes nothing. */
static void xadd(struct cpu *cpu, const struct x86_insn *in, unsigned size)
{
	uint32_t dst = rm_read(cpu, in, size);
	uint32_t src = reg_read(cpu, in, size);
	uint32_t sum = dst + src;
	uint32_t flags = flags_add(size, dst, src, 0);
	if (in->mod == 3) {
		reg_write(cpu, in, size, dst);
		rm_write(cpu, in, size, sum);
	} else {
		rm_write(cpu, in, size, sum);
		reg_write(cpu, in, size, dst);
	}
	flags_set_arith(cpu, flags);
}

HANDLER(op_xadd_Eb_Gb)
{
	xadd(cpu, in, 1);
}

HANDLER(op_xadd_Ev_Gv)
{
	xadd(cpu, in, in->opsize);
}

/* --- CMPXCHG ---------------------------------------------------------------- */

/* Flags as CMP accumulator, dest. P6 always performs the write cycle: on a
 * mismatch the destination is written back with its own value (so a
 * read-only destination faults either way), then the accumulator is loaded
 * with it. */
static void cmpxchg(struct cpu *cpu, const struct x86_insn *in, unsigned size)
{
	uint32_t dst = rm_read(cpu, in, size);
	uint32_t acc = cpu_get_reg(cpu, REG_EAX, size);
	uint32_t flags = flags_sub(size, acc, dst, 0);
	if (acc == dst) {
		rm_write(cpu, in, size, reg_read(cpu, in, size));
	} else {
		rm_write(cpu, in, size, dst);
		cpu_set_reg(cpu, REG_EAX, size, dst);
	}
	flags_set_arith(cpu, flags);
}

HANDLER(op_cmpxchg_Eb_Gb)
{
	cmpxchg(cpu, in, 1);
}

HANDLER(op_cmpxchg_Ev_Gv)
{
	cmpxchg(cpu, in, in->opsize);
}

/* CMPXCHG8B m64: compares EDX:EAX with m64; equal: ZF=1 and m64 = ECX:EBX;
 * else ZF=0 and EDX:EAX = m64. Only ZF changes. As with CMPXCHG the memory
 * is written in both cases (with its old value on a mismatch). The high
 * dword's write is probed before the low one is written, so a fault on
 * either half leaves memory as it was. */
HANDLER(op_cmpxchg8b_Mq)
{
	if (in->mod == 3)
		cpu_raise(cpu, EXC_UD);
	uint32_t off = insn_ea(cpu, in);
	/* An m64 operand: #AC wants 8-byte alignment, which its two dword
	 * pieces cannot check. */
	cpu_check_align(cpu, in->seg, off, 8);
	uint32_t lo = cpu_read32(cpu, in->seg, off);
	uint32_t hi = cpu_read32(cpu, in->seg, off + 4);
	bool equal = lo == cpu->regs[REG_EAX] && hi == cpu->regs[REG_EDX];
	uint32_t new_lo = equal ? cpu->regs[REG_EBX] : lo;
	uint32_t new_hi = equal ? cpu->regs[REG_ECX] : hi;

	cpu_probe_write(cpu, in->seg, off + 4, 4);
	cpu_write32(cpu, in->seg, off, new_lo);
	cpu_write32(cpu, in->seg, off + 4, new_hi);
	if (!equal) {
		cpu->regs[REG_EAX] = lo;
		cpu->regs[REG_EDX] = hi;
	}
	flags_set(cpu, FLAG_ZF, equal ? FLAG_ZF : 0);
}
