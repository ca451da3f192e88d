/* shift.c: the shift and rotate group (C0 C1 D0-D3: ROL ROR RCL RCR SHL
 * SHR SAL SAR) and the double shifts SHLD/SHRD.
 *
 * The count is masked to 5 bits; a masked count of 0 changes nothing, not
 * even flags (the memory operand is still read, so it can fault). RCL/RCR
 * of bytes and words rotate through CF modulo 9 and 17.
 *
 * Flags Intel leaves undefined, as chosen here (P6 behaviour as modelled by
 * common references where it is not documented):
 *  - OF for counts other than 1 uses the count-1 formula applied to the
 *    result: ROL/RCL: OF = CF xor MSB(result); ROR/RCR, SHR and SHRD:
 *    OF = MSB(result) xor next-MSB(result); SHL and SHLD: OF = CF xor
 *    MSB(result); SAR: OF = 0.
 *  - ROL/ROR by a nonzero multiple of the width leave the value unchanged
 *    but still set CF and OF from it; RCL/RCR by a nonzero multiple of
 *    width + 1 leave the value and CF unchanged but still set OF by the
 *    formulas above (hardware-captured 80286 data shows exactly this).
 *  - SHL/SHR with a count of at least the width shift everything out:
 *    result 0, CF = the last bit shifted out (old bit 0 for SHL, old MSB
 *    for SHR when the count equals the width; 0 beyond it). SAR fills with
 *    the sign and CF = sign.
 *  - AF is cleared by SHL/SHR/SAR/SHLD/SHRD.
 *  - 16-bit SHLD/SHRD with counts 17-31 shift the 48-bit pattern
 *    dest:src:dest (the behaviour Intel processors show), so bits of the
 *    destination come back in; CF is the last bit shifted out of it.
 */
#include "cpu/access.h"
#include "cpu/flags.h"
#include "cpu/handlers.h"
#include "cpu/opcode.h"

enum { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };

static inline uint32_t bit_of(uint32_t v, unsigned n)
{
	return (v >> n) & 1;
}

/* OF for a left shift/rotate: CF xor MSB(result). */
static uint32_t of_left(uint32_t res, unsigned bits, uint32_t cf)
{
	return (cf ^ bit_of(res, bits - 1)) ? FLAG_OF : 0;
}

/* OF for a right shift/rotate: MSB(result) xor next-MSB(result). */
static uint32_t of_right(uint32_t res, unsigned bits)
{
	return (bit_of(res, bits - 1) ^ bit_of(res, bits - 2)) ? FLAG_OF : 0;
}

/* Applies shift `op` to v (size bytes) by count (1-31). Returns the result
 * and stores in *flags the new arithmetic flags (starting from `eflags`,
 * so flags a rotate does not touch are kept). */
static inline __attribute__((always_inline)) uint32_t shift_compute(unsigned op, unsigned size, uint32_t v, unsigned count,
			      uint32_t eflags, uint32_t *flags)
{
	unsigned bits = size * 8;
	uint32_t m = size_mask(size);
	uint32_t cf_in = (eflags & FLAG_CF) ? 1 : 0;
	uint32_t res, cf, of;
	v &= m;

	switch (op & 7) {
	case SH_ROL: {
		unsigned c = count & (bits - 1);
		res = c ? ((v << c) | (v >> (bits - c))) & m : v;
		cf = res & 1;
		of = of_left(res, bits, cf);
		break;
	}
	case SH_ROR: {
		unsigned c = count & (bits - 1);
		res = c ? ((v >> c) | (v << (bits - c))) & m : v;
		cf = bit_of(res, bits - 1);
		of = of_right(res, bits);
		break;
	}
	case SH_RCL:
	case SH_RCR: {
		/* Rotate the (bits+1)-bit value CF:v. */
		unsigned width = bits + 1;
		unsigned c = size == 4 ? count : count % width;
		uint64_t wmask = (1ull << width) - 1;
		uint64_t wide = (uint64_t)cf_in << bits | v;
		if (c != 0 && (op & 7) == SH_RCL)
			wide = ((wide << c) | (wide >> (width - c))) & wmask;
		else if (c != 0)
			wide = ((wide >> c) | (wide << (width - c))) & wmask;
		res = (uint32_t)wide & m;
		cf = (uint32_t)(wide >> bits) & 1;
		of = (op & 7) == SH_RCL ? of_left(res, bits, cf) : of_right(res, bits);
		break;
	}
	case SH_SHR:
		res = v >> count;
		cf = bit_of(v, count - 1);
		of = of_right(res, bits);
		*flags = flags_szp(res, size) | (cf ? FLAG_CF : 0) | of;
		return res;
	case SH_SAR: {
		int32_t sv = (int32_t)sign_extend(v, size);
		res = (uint32_t)(sv >> count) & m;
		cf = (uint32_t)(sv >> (count - 1)) & 1;
		*flags = flags_szp(res, size) | (cf ? FLAG_CF : 0);
		return res;
	}
	default: { /* SHL, SAL */
		uint64_t wide = (uint64_t)v << count;
		res = (uint32_t)wide & m;
		cf = (uint32_t)(wide >> bits) & 1;
		of = of_left(res, bits, cf);
		*flags = flags_szp(res, size) | (cf ? FLAG_CF : 0) | of;
		return res;
	}
	}
	/* Rotates: only CF and OF change. */
	*flags = (eflags & FLAGS_ARITH & ~(FLAG_CF | FLAG_OF)) | (cf ? FLAG_CF : 0) | of;
	return res;
}

/* Inlined into each handler, so that the v-sized ones can specialise it for
 * both operand sizes (BY_OPSIZE): the shifts are among the hottest
 * instructions of integer code. */
static inline __attribute__((always_inline)) void shift_rm_op(struct cpu *cpu,
							      const struct x86_insn *in,
							      unsigned op, unsigned size,
							      unsigned count)
{
	uint32_t v = rm_read(cpu, in, size);
	count &= 31;
	if (count == 0)
		return;
	uint32_t flags;
	uint32_t res = shift_compute(op, size, v, count, cpu->eflags, &flags);
	rm_write(cpu, in, size, res);
	flags_set_arith(cpu, flags);
}

static inline __attribute__((always_inline)) void shift_rm(struct cpu *cpu,
							   const struct x86_insn *in,
							   unsigned size, unsigned count)
{
	shift_rm_op(cpu, in, in->op->aux, size, count);
}

HANDLER(op_shift_Eb_1)
{
	shift_rm(cpu, in, 1, 1);
}

HANDLER(op_shift_Ev_1)
{
	BY_OPSIZE(in, shift_rm(cpu, in, SIZE, 1));
}

HANDLER(op_shift_Eb_CL)
{
	shift_rm(cpu, in, 1, cpu_get_r8(cpu, REG_ECX));
}

HANDLER(op_shift_Ev_CL)
{
	BY_OPSIZE(in, shift_rm(cpu, in, SIZE, cpu_get_r8(cpu, REG_ECX)));
}

HANDLER(op_shift_Eb_Ib)
{
	shift_rm(cpu, in, 1, in->imm);
}

HANDLER(op_shift_Ev_Ib)
{
	BY_OPSIZE(in, shift_rm(cpu, in, SIZE, in->imm));
}

/* The v-sized forms by an immediate or by 1 with the operation built in,
 * so the handler has no switch on it; each behaves exactly as the generic
 * handler does. RCL and RCR, rare in compiled code, keep the generic one. */
#define SHIFT_FORMS(OP, name)                                                                  \
	static void shift_##name##_Ev_Ib(struct cpu *cpu, const struct x86_insn *in)           \
	{                                                                                      \
		BY_OPSIZE(in, shift_rm_op(cpu, in, OP, SIZE, in->imm));                        \
	}                                                                                      \
	static void shift_##name##_Ev_1(struct cpu *cpu, const struct x86_insn *in)            \
	{                                                                                      \
		BY_OPSIZE(in, shift_rm_op(cpu, in, OP, SIZE, 1));                              \
	}

SHIFT_FORMS(SH_ROL, rol)
SHIFT_FORMS(SH_ROR, ror)
SHIFT_FORMS(SH_SHL, shl)
SHIFT_FORMS(SH_SHR, shr)
SHIFT_FORMS(SH_SAR, sar)

x86_handler shift_specialize(const struct x86_insn *in)
{
	static const x86_handler by_ib[8] = {shift_rol_Ev_Ib, shift_ror_Ev_Ib, NULL, NULL,
					     shift_shl_Ev_Ib, shift_shr_Ev_Ib, shift_shl_Ev_Ib,
					     shift_sar_Ev_Ib};
	static const x86_handler by_1[8] = {shift_rol_Ev_1, shift_ror_Ev_1, NULL, NULL,
					    shift_shl_Ev_1, shift_shr_Ev_1, shift_shl_Ev_1,
					    shift_sar_Ev_1};
	x86_handler h = in->op->handler, s = NULL;
	if (h == op_shift_Ev_Ib)
		s = by_ib[in->op->aux & 7];
	else if (h == op_shift_Ev_1)
		s = by_1[in->op->aux & 7];
	return s ? s : h;
}

/* --- SHLD / SHRD ------------------------------------------------------------ */

/* Double shift of dst by count (1-31) with bits from src; see the file
 * comment for 16-bit counts above 16. */
static uint32_t double_shift(bool left, unsigned size, uint32_t dst, uint32_t src,
			     unsigned count, uint32_t *flags)
{
	unsigned bits = size * 8;
	uint32_t res, cf, of;
	uint64_t wide;

	if (size == 2) {
		/* dest:src:dest in bits 47..0. */
		dst &= 0xFFFF;
		src &= 0xFFFF;
		wide = (uint64_t)dst << 32 | (uint64_t)src << 16 | dst;
		if (left) {
			res = (uint32_t)(wide << count >> 32) & 0xFFFF;
			cf = (uint32_t)(wide >> (48 - count)) & 1;
		} else {
			res = (uint32_t)(wide >> count) & 0xFFFF;
			cf = (uint32_t)(wide >> (count - 1)) & 1;
		}
	} else if (left) {
		wide = (uint64_t)dst << 32 | src;
		res = (uint32_t)(wide << count >> 32);
		cf = bit_of(dst, 32 - count);
	} else {
		wide = (uint64_t)src << 32 | dst;
		res = (uint32_t)(wide >> count);
		cf = bit_of(dst, count - 1);
	}
	of = left ? of_left(res, bits, cf) : of_right(res, bits);
	*flags = flags_szp(res, size) | (cf ? FLAG_CF : 0) | of;
	return res;
}

static void double_shift_rm(struct cpu *cpu, const struct x86_insn *in, bool left, unsigned count)
{
	unsigned size = in->opsize;
	uint32_t dst = rm_read(cpu, in, size);
	count &= 31;
	if (count == 0)
		return;
	uint32_t flags;
	uint32_t res = double_shift(left, size, dst, reg_read(cpu, in, size), count, &flags);
	rm_write(cpu, in, size, res);
	flags_set_arith(cpu, flags);
}

HANDLER(op_shld_Ev_Gv_Ib)
{
	double_shift_rm(cpu, in, true, in->imm);
}

HANDLER(op_shld_Ev_Gv_CL)
{
	double_shift_rm(cpu, in, true, cpu_get_r8(cpu, REG_ECX));
}

HANDLER(op_shrd_Ev_Gv_Ib)
{
	double_shift_rm(cpu, in, false, in->imm);
}

HANDLER(op_shrd_Ev_Gv_CL)
{
	double_shift_rm(cpu, in, false, cpu_get_r8(cpu, REG_ECX));
}
