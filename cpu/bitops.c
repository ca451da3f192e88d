/* bitops.c: bit tests (BT BTS BTR BTC), bit scans (BSF BSR), BSWAP,
 * SETcc and CMOVcc.
 *
 * Flags Intel leaves undefined, as chosen here:
 *  - BT/BTS/BTR/BTC set CF only; OF SF AF PF (undefined) and ZF
 *    (unaffected) are left alone.
 *  - BSF/BSR with a nonzero source: ZF=0, CF=OF=AF=0, SF and PF from the
 *    bit index written. With a zero source only ZF (=1) changes and the
 *    destination keeps its value, as P6 hardware does.
 *  - BSWAP with a 16-bit operand (undefined): the low word becomes 0 and
 *    the high half of the register is kept, which is what P6 hardware gives.
 */
#include "cpu/access.h"
#include "cpu/flags.h"
#include "cpu/handlers.h"
#include "cpu/opcode.h"

enum { BIT_TEST, BIT_SET, BIT_RESET, BIT_COMPLEMENT };

/* Applies bit operation `op` to bit `bit` of v and returns the new value. */
static uint32_t bit_apply(unsigned op, uint32_t v, unsigned bit)
{
	uint32_t mask = 1u << bit;
	switch (op) {
	case BIT_SET: return v | mask;
	case BIT_RESET: return v & ~mask;
	case BIT_COMPLEMENT: return v ^ mask;
	default: return v;
	}
}

/* Reads the operand (register rm, or memory at seg:off), writes the
 * changed value back (not for BT), and only then sets CF from the old bit,
 * so a faulting write changes nothing. */
static void bit_rmw(struct cpu *cpu, const struct x86_insn *in, unsigned op, bool mem,
		    uint32_t off, unsigned bit)
{
	unsigned size = in->opsize;
	uint32_t v = mem ? cpu_read(cpu, in->seg, off, size) : cpu_get_reg(cpu, in->rm, size);
	if (op != BIT_TEST) {
		uint32_t res = bit_apply(op, v, bit);
		if (mem)
			cpu_write(cpu, in->seg, off, size, res);
		else
			cpu_set_reg(cpu, in->rm, size, res);
	}
	flags_set(cpu, FLAG_CF, ((v >> bit) & 1) ? FLAG_CF : 0);
}

/* Register bit offset. For a register destination the offset is taken
 * modulo the width. For memory it is a signed bit index relative to the
 * operand: the operand address moves by (offset >> log2(width)) units of
 * the operand size (so it can reach below the effective address), wrapped
 * to the address size, and the bit is offset mod width. */
static void bit_by_reg(struct cpu *cpu, const struct x86_insn *in, unsigned op)
{
	unsigned size = in->opsize;
	unsigned bits = size * 8;
	uint32_t offset = reg_read(cpu, in, size);
	if (in->mod == 3) {
		bit_rmw(cpu, in, op, false, 0, offset & (bits - 1));
		return;
	}
	int32_t soff = (int32_t)sign_extend(offset, size);
	int32_t units = size == 2 ? soff >> 4 : soff >> 5; /* arithmetic shift */
	uint32_t addr = insn_ea(cpu, in) + (uint32_t)units * size;
	if (in->adsize == 2)
		addr &= 0xFFFF;
	bit_rmw(cpu, in, op, true, addr, offset & (bits - 1));
}

HANDLER(op_bt_Ev_Gv)
{
	bit_by_reg(cpu, in, BIT_TEST);
}

HANDLER(op_bts_Ev_Gv)
{
	bit_by_reg(cpu, in, BIT_SET);
}

HANDLER(op_btr_Ev_Gv)
{
	bit_by_reg(cpu, in, BIT_RESET);
}

HANDLER(op_btc_Ev_Gv)
{
	bit_by_reg(cpu, in, BIT_COMPLEMENT);
}

/* 0F BA /4-/7: the immediate is masked to the operand width and never
 * moves the address. */
HANDLER(op_bt_Ev_Ib)
{
	unsigned bit = in->imm & (in->opsize * 8 - 1);
	bool mem = in->mod != 3;
	bit_rmw(cpu, in, in->op->aux & 3, mem, mem ? insn_ea(cpu, in) : 0, bit);
}

/* --- BSF / BSR -------------------------------------------------------------- */

static void bit_scan(struct cpu *cpu, const struct x86_insn *in, bool reverse)
{
	unsigned size = in->opsize;
	uint32_t src = rm_read(cpu, in, size);
	if (src == 0) {
		flags_set(cpu, FLAG_ZF, FLAG_ZF);
		return;
	}
	unsigned idx = reverse ? 31u - (unsigned)__builtin_clz(src) : (unsigned)__builtin_ctz(src);
	reg_write(cpu, in, size, idx);
	/* ZF says the source was zero, not the index: bit 0 found is ZF=0. */
	flags_set_arith(cpu, flags_logic(size, idx) & ~FLAG_ZF);
}

HANDLER(op_bsf_Gv_Ev)
{
	bit_scan(cpu, in, false);
}

HANDLER(op_bsr_Gv_Ev)
{
	bit_scan(cpu, in, true);
}

/* --- BSWAP ------------------------------------------------------------------ */

HANDLER(op_bswap_Zd)
{
	unsigned r = in->opcode & 7;
	if (in->opsize == 2)
		cpu_set_r16(cpu, r, 0);
	else
		cpu->regs[r] = __builtin_bswap32(cpu->regs[r]);
}

/* --- SETcc / CMOVcc --------------------------------------------------------- */

HANDLER(op_setcc_Eb)
{
	rm_write(cpu, in, 1, cpu_cond(cpu, in->op->aux) ? 1 : 0);
}

/* The source is read (and may fault) whatever the condition; the
 * destination changes only when the condition holds. */
HANDLER(op_cmovcc_Gv_Ev)
{
	uint32_t v = rm_read(cpu, in, in->opsize);
	if (cpu_cond(cpu, in->op->aux))
		reg_write(cpu, in, in->opsize, v);
}
