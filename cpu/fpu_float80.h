/* fpu_float80.h: the x87's soft-float core, on the 80-bit extended format.
 *
 * Every operation computes the exact result (or one with enough extra bits
 * and a sticky bit to round it as if exact) and rounds it once, with the
 * rounding and precision control of a struct f80_ctx, so results are the
 * same on any host. Operations record the exceptions they raise in the
 * context (FSW_* bits) instead of acting on them; the instruction layer
 * (fpu_*.c) decides from the control word's masks what to store.
 *
 * The masked and unmasked responses to overflow and underflow differ in the
 * value produced (infinity or a denormal, against a result with its
 * exponent wrapped by 24576), so the context carries those two masks.
 *
 * Needs a compiler with unsigned __int128 (GCC or Clang on a 64-bit host).
 */
#ifndef POPEK_CPU_FPU_FLOAT80_H
#define POPEK_CPU_FPU_FLOAT80_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/fpu.h"

#if !defined(__SIZEOF_INT128__)
#error "the x87 soft-float core needs unsigned __int128"
#endif
typedef unsigned __int128 u128;

#define F80_BIAS 16383
#define F80_EXP_MAX 0x7FFF
#define F80_INT_BIT 0x8000000000000000ull
#define F80_QUIET_BIT 0x4000000000000000ull
/* The exponent adjustment of the unmasked overflow/underflow responses. */
#define F80_WRAP_BIAS 24576

/* Rounding environment and exception accumulator for one operation. */
struct f80_ctx {
	uint8_t rc;          /* enum fpu_rc */
	uint8_t prec;        /* significand bits kept: 24, 53 or 64 */
	bool oe_masked;      /* masked overflow: infinity / largest finite */
	bool ue_masked;      /* masked underflow: denormal result */
	uint16_t exc;        /* FSW_IE .. FSW_PE raised so far */
	bool up;             /* the last rounding increased the magnitude (C1) */
	bool mem_denormal;   /* an operand was a single/double denormal: it
	                        counts as a denormal operand (f80_operand_*) */
};

/* A context from a control word; `prec` 0 takes the control word's
 * precision control, otherwise it is the precision to use. */
struct f80_ctx f80_ctx_make(uint16_t cw, unsigned prec);

/* Operand classes. Pseudo-denormals (exponent 0, integer bit 1) are
 * denormals; unnormals, pseudo-infinities and pseudo-NaNs (integer bit 0
 * with a non-zero exponent) are unsupported formats. */
enum f80_class {
	F80_ZERO,
	F80_DENORMAL,
	F80_NORMAL,
	F80_INF,
	F80_QNAN,
	F80_SNAN,
	F80_UNSUPPORTED,
};

static inline bool f80_sign(fpu_f80 a)
{
	return a.se >> 15;
}
static inline unsigned f80_exp(fpu_f80 a)
{
	return a.se & 0x7FFF;
}
static inline fpu_f80 f80_make(bool sign, unsigned exp, uint64_t sig)
{
	return (fpu_f80){ .sig = sig, .se = (uint16_t)((sign ? 0x8000u : 0) | (exp & 0x7FFF)) };
}
static inline fpu_f80 f80_neg(fpu_f80 a)
{
	a.se ^= 0x8000;
	return a;
}
static inline fpu_f80 f80_abs(fpu_f80 a)
{
	a.se &= 0x7FFF;
	return a;
}

enum f80_class f80_classify(fpu_f80 a);

static inline bool f80_is_nan(fpu_f80 a)
{
	enum f80_class c = f80_classify(a);
	return c == F80_QNAN || c == F80_SNAN;
}

/* Constants. */
static inline fpu_f80 f80_indefinite(void) /* the "real indefinite" QNaN */
{
	return f80_make(true, F80_EXP_MAX, 0xC000000000000000ull);
}
static inline fpu_f80 f80_zero(bool sign)
{
	return f80_make(sign, 0, 0);
}
static inline fpu_f80 f80_inf(bool sign)
{
	return f80_make(sign, F80_EXP_MAX, F80_INT_BIT);
}
static inline fpu_f80 f80_one(bool sign)
{
	return f80_make(sign, F80_BIAS, F80_INT_BIT);
}

/* An operand taken apart: value = sig * 2^(exp - F80_BIAS - 63), with sig
 * normalized (bit 63 set) for non-zero finite values; denormals get an
 * exponent below 1. */
struct f80_parts {
	bool sign;
	int32_t exp;
	uint64_t sig;
};
struct f80_parts f80_unpack(fpu_f80 a);

/* Rounds sign * sig * 2^(exp - F80_BIAS - 127) (sig normalized: bit 127
 * set; its low bit may be a sticky bit) to the context's precision and
 * range, with the masked or unmasked overflow and underflow responses. */
fpu_f80 f80_round_pack(struct f80_ctx *c, bool sign, int32_t exp, u128 sig);

/* The NaN an operation on a and b (either a NaN or unsupported) returns,
 * with IE raised for an SNaN or an unsupported operand. */
fpu_f80 f80_propagate_nan(struct f80_ctx *c, fpu_f80 a, fpu_f80 b);
fpu_f80 f80_propagate_nan1(struct f80_ctx *c, fpu_f80 a);

/* Arithmetic. */
fpu_f80 f80_add(struct f80_ctx *c, fpu_f80 a, fpu_f80 b);
fpu_f80 f80_sub(struct f80_ctx *c, fpu_f80 a, fpu_f80 b);
fpu_f80 f80_mul(struct f80_ctx *c, fpu_f80 a, fpu_f80 b);
fpu_f80 f80_div(struct f80_ctx *c, fpu_f80 a, fpu_f80 b);
fpu_f80 f80_sqrt(struct f80_ctx *c, fpu_f80 a);
/* FRNDINT: to an integer by the context's rounding control. */
fpu_f80 f80_round_int(struct f80_ctx *c, fpu_f80 a);

/* Comparison results, in the order of the x87 condition codes. */
enum f80_rel { F80_GT, F80_LT, F80_EQ, F80_UNORDERED };
/* quiet: only SNaNs raise IE (FUCOM); otherwise every NaN does (FCOM). */
enum f80_rel f80_compare(struct f80_ctx *c, fpu_f80 a, fpu_f80 b, bool quiet);

/* Integer conversions. f80_from_i64 is exact. f80_to_int rounds by the
 * context's rounding control into `bits` (16, 32 or 64) and returns false
 * (with IE raised) when the value is a NaN, infinite or out of range. */
fpu_f80 f80_from_i64(int64_t v);
bool f80_to_int(struct f80_ctx *c, fpu_f80 a, unsigned bits, int64_t *out);

/* Single and double precision memory formats. Loads are exact (an SNaN is
 * quieted with IE, a denormal raises DE). Stores round by the context's
 * rounding control into the format's range; the caller decides from the
 * raised exceptions whether to store. */
fpu_f80 f80_from_f32(struct f80_ctx *c, uint32_t v);
fpu_f80 f80_from_f64(struct f80_ctx *c, uint64_t v);
/* The same for an arithmetic or compare operand: an SNaN stays signaling
 * and a denormal sets c->mem_denormal instead of raising DE. */
fpu_f80 f80_operand_f32(struct f80_ctx *c, uint32_t v);
fpu_f80 f80_operand_f64(struct f80_ctx *c, uint64_t v);
uint32_t f80_to_f32(struct f80_ctx *c, fpu_f80 a);
uint64_t f80_to_f64(struct f80_ctx *c, fpu_f80 a);

/* --- 128-bit helpers shared with the other x87 files ---------------------- */

static inline int clz128(u128 x)
{
	uint64_t hi = (uint64_t)(x >> 64);
	if (hi)
		return __builtin_clzll(hi);
	uint64_t lo = (uint64_t)x;
	return lo ? 64 + __builtin_clzll(lo) : 128;
}

/* x >> n with every bit shifted out ORed into bit 0. */
static inline u128 shr_jam128(u128 x, unsigned n)
{
	if (n == 0)
		return x;
	if (n >= 128)
		return x != 0;
	return (x >> n) | ((x & (((u128)1 << n) - 1)) != 0);
}

#endif
