/* fpu_float80.c: the x87 soft-float core (see fpu_float80.h).
 *
 * Values are taken apart into sign, exponent and a normalized 64-bit
 * significand; operations produce the exact result in 128 bits (a sticky
 * bit stands for anything beyond) and round once in round_generic(), which
 * also serves the single and double precision store formats: a format is a
 * precision and a normal exponent range, all exponents kept with the
 * extended bias. Rounding a tiny result shifts it to the format's minimum
 * exponent first, so the rounding position stays where the precision puts
 * it: with precision control at 24 bits, an extended denormal keeps the
 * same bits a single-precision one would.
 */
#include "cpu/fpu_float80.h"

/* The x87 decides that a result is tiny (for the underflow flag) after
 * rounding it to the destination precision with an unbounded exponent. */
#define TININESS_AFTER_ROUNDING 1

struct f80_ctx f80_ctx_make(uint16_t cw, unsigned prec)
{
	struct f80_ctx c = { 0 };
	c.rc = (cw >> FCW_RC_SHIFT) & 3;
	if (!prec) {
		switch ((cw >> FCW_PC_SHIFT) & 3) {
		case 0: prec = 24; break;
		case 2: prec = 53; break;
		default: prec = 64; break; /* 3, and the reserved 1 */
		}
	}
	c.prec = (uint8_t)prec;
	c.oe_masked = cw & FSW_OE;
	c.ue_masked = cw & FSW_UE;
	return c;
}

enum f80_class f80_classify(fpu_f80 a)
{
	unsigned e = f80_exp(a);
	if (e == 0)
		return a.sig ? F80_DENORMAL : F80_ZERO;
	if (!(a.sig & F80_INT_BIT))
		return F80_UNSUPPORTED;
	if (e == F80_EXP_MAX) {
		if (!(a.sig << 1))
			return F80_INF;
		return (a.sig & F80_QUIET_BIT) ? F80_QNAN : F80_SNAN;
	}
	return F80_NORMAL;
}

struct f80_parts f80_unpack(fpu_f80 a)
{
	struct f80_parts p = { .sign = f80_sign(a), .exp = (int32_t)f80_exp(a), .sig = a.sig };
	if (p.exp == 0) {
		/* Denormals (and pseudo-denormals) scale like exponent 1. */
		p.exp = 1;
		if (p.sig) {
			int n = __builtin_clzll(p.sig);
			p.sig <<= n;
			p.exp -= n;
		}
	}
	return p;
}

/* --- rounding --------------------------------------------------------------- */

/* Clears the low `shift` bits of sig, rounding by the context's rounding
 * control. *carry: the increment overflowed 2^128 (the result is then
 * 2^128, returned as 0). Sets c->up when it rounded the magnitude up. */
static u128 round_at(struct f80_ctx *c, bool sign, u128 sig, unsigned shift, bool *carry,
		     bool *inexact)
{
	u128 mask = ((u128)1 << shift) - 1;
	u128 rem = sig & mask;
	u128 r = sig & ~mask;
	bool inc = false;
	if (rem) {
		switch (c->rc) {
		case FPU_RC_NEAREST: {
			u128 half = (u128)1 << (shift - 1);
			inc = rem > half || (rem == half && ((r >> shift) & 1));
			break;
		}
		case FPU_RC_DOWN: inc = sign; break;
		case FPU_RC_UP: inc = !sign; break;
		default: inc = false; break;
		}
	}
	*inexact = rem != 0;
	*carry = false;
	if (inc) {
		r += (u128)1 << shift;
		*carry = r == 0;
	}
	c->up = inc;
	return r;
}

/* Rounds sign * sig * 2^(exp - F80_BIAS - 127) (bit 127 of sig set) to
 * `prec` bits in a format whose normal exponents are emin..emax (extended
 * bias). On return *psig has bit 127 set for a normal result, or is a
 * denormal with *pexp == emin; an exponent above emax means infinity.
 * `wrap` selects the extended register responses to unmasked overflow and
 * underflow (exponent wrapped by 24576); for the memory formats the caller
 * stores nothing then, so the value does not matter. */
static void round_generic(struct f80_ctx *c, bool sign, int32_t *pexp, u128 *psig,
			  unsigned prec, int32_t emin, int32_t emax, bool wrap)
{
	int32_t exp = *pexp;
	u128 sig = *psig;
	unsigned shift = 128 - prec;
	bool inexact, carry;

	if (exp < emin) {
		if (wrap && !c->ue_masked) {
			sig = round_at(c, sign, sig, shift, &carry, &inexact);
			if (carry) {
				sig = (u128)1 << 127;
				exp++;
			}
			c->exc |= inexact ? FSW_PE : 0;
			if (exp >= emin) {
				/* Rounded up to the smallest normal: not tiny. */
				*pexp = exp;
				*psig = sig;
				return;
			}
			c->exc |= FSW_UE;
			exp += F80_WRAP_BIAS;
			if (exp < emin) {
				/* Beyond even the wrapped range: zero. */
				c->exc |= FSW_PE;
				c->up = false;
				sig = 0;
				exp = emin;
			}
			*pexp = exp;
			*psig = sig;
			return;
		}
		bool tiny = true;
		if (TININESS_AFTER_ROUNDING && exp == emin - 1) {
			struct f80_ctx probe = *c;
			round_at(&probe, sign, sig, shift, &carry, &inexact);
			tiny = !carry;
		}
		sig = shr_jam128(sig, (unsigned)(emin - exp > 200 ? 200 : emin - exp));
		exp = emin;
		sig = round_at(c, sign, sig, shift, &carry, &inexact);
		if (carry)
			sig = (u128)1 << 127;
		if (inexact)
			c->exc |= FSW_PE;
		if (tiny && (inexact || !c->ue_masked))
			c->exc |= FSW_UE;
		*pexp = exp;
		*psig = sig;
		return;
	}

	sig = round_at(c, sign, sig, shift, &carry, &inexact);
	if (carry) {
		sig = (u128)1 << 127;
		exp++;
	}
	if (inexact)
		c->exc |= FSW_PE;
	if (exp > emax) {
		c->exc |= FSW_OE;
		if (!c->oe_masked) {
			if (wrap)
				exp -= F80_WRAP_BIAS;
			if (wrap && exp > emax) {
				/* Beyond even the wrapped range: infinity. */
				c->exc |= FSW_PE;
				c->up = true;
				sig = (u128)1 << 127;
			}
		} else {
			c->exc |= FSW_PE;
			bool to_inf = c->rc == FPU_RC_NEAREST || (c->rc == FPU_RC_UP && !sign) ||
				      (c->rc == FPU_RC_DOWN && sign);
			if (to_inf) {
				exp = emax + 1;
				sig = (u128)1 << 127;
				c->up = true;
			} else {
				exp = emax;
				sig = ~(((u128)1 << shift) - 1);
				c->up = false;
			}
		}
	}
	*pexp = exp;
	*psig = sig;
}

fpu_f80 f80_round_pack(struct f80_ctx *c, bool sign, int32_t exp, u128 sig)
{
	round_generic(c, sign, &exp, &sig, c->prec, 1, F80_EXP_MAX - 1, true);
	uint64_t s = (uint64_t)(sig >> 64);
	if (exp > F80_EXP_MAX - 1)
		return f80_inf(sign);
	if (!(s & F80_INT_BIT))
		return f80_make(sign, 0, s);
	return f80_make(sign, (unsigned)exp, s);
}

/* Normalizes an exact non-zero 128-bit result whose bit 127 would stand
 * for exponent `exp`, and rounds it. */
static fpu_f80 normalize_round(struct f80_ctx *c, bool sign, int32_t exp, u128 sig)
{
	int n = clz128(sig);
	return f80_round_pack(c, sign, exp - n, sig << n);
}

/* --- NaNs -------------------------------------------------------------------- */

static fpu_f80 quiet(fpu_f80 a)
{
	a.sig |= F80_QUIET_BIT;
	return a;
}

fpu_f80 f80_propagate_nan1(struct f80_ctx *c, fpu_f80 a)
{
	enum f80_class k = f80_classify(a);
	if (k == F80_UNSUPPORTED) {
		c->exc |= FSW_IE;
		return f80_indefinite();
	}
	if (k == F80_SNAN)
		c->exc |= FSW_IE;
	return quiet(a);
}

/* Two NaNs of the same kind: the larger significand wins (with equal
 * significands, the positive one). An SNaN with a QNaN: the QNaN. A NaN
 * with a number: the NaN. An SNaN raises IE and comes back quieted. */
fpu_f80 f80_propagate_nan(struct f80_ctx *c, fpu_f80 a, fpu_f80 b)
{
	enum f80_class ka = f80_classify(a), kb = f80_classify(b);
	if (ka == F80_UNSUPPORTED || kb == F80_UNSUPPORTED) {
		c->exc |= FSW_IE;
		return f80_indefinite();
	}
	if (ka == F80_SNAN || kb == F80_SNAN)
		c->exc |= FSW_IE;
	bool na = ka == F80_QNAN || ka == F80_SNAN, nb = kb == F80_QNAN || kb == F80_SNAN;
	if (na && nb && ka != kb)
		return quiet(ka == F80_QNAN ? a : b);
	if (na && nb) {
		if (a.sig > b.sig)
			return quiet(a);
		if (b.sig > a.sig)
			return quiet(b);
		return quiet((a.se & 0x8000) ? b : a);
	}
	return quiet(na ? a : b);
}

static bool is_nan_or_bad(enum f80_class k)
{
	return k == F80_QNAN || k == F80_SNAN || k == F80_UNSUPPORTED;
}

/* --- arithmetic -------------------------------------------------------------- */

static fpu_f80 add_signed(struct f80_ctx *c, fpu_f80 a, fpu_f80 b, bool negate_b)
{
	enum f80_class ka = f80_classify(a), kb = f80_classify(b);
	if (is_nan_or_bad(ka) || is_nan_or_bad(kb))
		return f80_propagate_nan(c, a, b);
	bool sa = f80_sign(a), sb = f80_sign(b) ^ negate_b;
	if (ka == F80_DENORMAL || kb == F80_DENORMAL || c->mem_denormal)
		c->exc |= FSW_DE;
	if (ka == F80_INF || kb == F80_INF) {
		if (ka == F80_INF && kb == F80_INF && sa != sb) {
			c->exc |= FSW_IE;
			return f80_indefinite();
		}
		return f80_inf(ka == F80_INF ? sa : sb);
	}
	if (ka == F80_ZERO && kb == F80_ZERO)
		return f80_zero(sa == sb ? sa : c->rc == FPU_RC_DOWN);
	struct f80_parts pa = f80_unpack(a), pb = f80_unpack(b);
	pa.sign = sa;
	pb.sign = sb;
	if (kb == F80_ZERO)
		return f80_round_pack(c, pa.sign, pa.exp, (u128)pa.sig << 64);
	if (ka == F80_ZERO)
		return f80_round_pack(c, pb.sign, pb.exp, (u128)pb.sig << 64);

	/* Larger magnitude first. */
	if (pa.exp < pb.exp || (pa.exp == pb.exp && pa.sig < pb.sig)) {
		struct f80_parts t = pa;
		pa = pb;
		pb = t;
	}
	/* Leading bits at 126, leaving bit 127 for a carry. */
	int32_t d = pa.exp - pb.exp;
	u128 x = (u128)pa.sig << 63;
	u128 y = shr_jam128((u128)pb.sig << 63, (unsigned)(d > 200 ? 200 : d));
	u128 r;
	if (pa.sign == pb.sign) {
		r = x + y;
	} else {
		r = x - y;
		if (r == 0)
			return f80_zero(c->rc == FPU_RC_DOWN);
	}
	return normalize_round(c, pa.sign, pa.exp + 1, r);
}

fpu_f80 f80_add(struct f80_ctx *c, fpu_f80 a, fpu_f80 b)
{
	return add_signed(c, a, b, false);
}

fpu_f80 f80_sub(struct f80_ctx *c, fpu_f80 a, fpu_f80 b)
{
	return add_signed(c, a, b, true);
}

fpu_f80 f80_mul(struct f80_ctx *c, fpu_f80 a, fpu_f80 b)
{
	enum f80_class ka = f80_classify(a), kb = f80_classify(b);
	if (is_nan_or_bad(ka) || is_nan_or_bad(kb))
		return f80_propagate_nan(c, a, b);
	bool s = f80_sign(a) ^ f80_sign(b);
	if ((ka == F80_INF && kb == F80_ZERO) || (ka == F80_ZERO && kb == F80_INF)) {
		c->exc |= FSW_IE;
		return f80_indefinite();
	}
	if (ka == F80_DENORMAL || kb == F80_DENORMAL || c->mem_denormal)
		c->exc |= FSW_DE;
	if (ka == F80_INF || kb == F80_INF)
		return f80_inf(s);
	if (ka == F80_ZERO || kb == F80_ZERO)
		return f80_zero(s);
	struct f80_parts pa = f80_unpack(a), pb = f80_unpack(b);
	u128 p = (u128)pa.sig * pb.sig;
	return normalize_round(c, s, pa.exp + pb.exp - F80_BIAS + 1, p);
}

fpu_f80 f80_div(struct f80_ctx *c, fpu_f80 a, fpu_f80 b)
{
	enum f80_class ka = f80_classify(a), kb = f80_classify(b);
	if (is_nan_or_bad(ka) || is_nan_or_bad(kb))
		return f80_propagate_nan(c, a, b);
	bool s = f80_sign(a) ^ f80_sign(b);
	if ((ka == F80_INF && kb == F80_INF) || (ka == F80_ZERO && kb == F80_ZERO)) {
		c->exc |= FSW_IE;
		return f80_indefinite();
	}
	if (kb == F80_ZERO && ka != F80_INF) {
		/* Zero divide comes first: no denormal exception with it. */
		c->exc |= FSW_ZE;
		return f80_inf(s);
	}
	if (ka == F80_DENORMAL || kb == F80_DENORMAL || c->mem_denormal)
		c->exc |= FSW_DE;
	if (ka == F80_INF)
		return f80_inf(s);
	if (kb == F80_INF)
		return f80_zero(s);
	if (ka == F80_ZERO)
		return f80_zero(s);
	struct f80_parts pa = f80_unpack(a), pb = f80_unpack(b);
	int32_t exp = pa.exp - pb.exp + F80_BIAS;
	u128 num;
	if (pa.sig >= pb.sig) {
		num = (u128)pa.sig << 63;
	} else {
		num = (u128)pa.sig << 64;
		exp--;
	}
	uint64_t q1 = (uint64_t)(num / pb.sig);
	u128 r1 = num % pb.sig;
	u128 num2 = r1 << 64;
	uint64_t q2 = (uint64_t)(num2 / pb.sig);
	u128 r2 = num2 % pb.sig;
	u128 q = ((u128)q1 << 64) | q2 | (r2 != 0);
	return f80_round_pack(c, s, exp, q);
}

/* Square root, bit by bit, of m * 2^69 (m up to 65 bits: the radicand's
 * significand scaled so that m * 2^-63 lies in [1, 4)): returns the 67
 * root bits (the leading one at bit 66); *rest tells a remainder. */
static u128 sqrt_bits(u128 m, bool *rest)
{
	u128 rem = 0, root = 0;
	for (int pair = 66; pair >= 0; pair--) {
		int bit = 2 * pair - 69; /* where the pair's low bit lies in m */
		unsigned two;
		if (bit >= 0)
			two = (unsigned)((m >> bit) & 3);
		else if (bit == -1)
			two = (unsigned)((m & 1) << 1);
		else
			two = 0;
		rem = (rem << 2) | two;
		u128 trial = (root << 2) | 1;
		root <<= 1;
		if (rem >= trial) {
			rem -= trial;
			root |= 1;
		}
	}
	*rest = rem != 0;
	return root;
}

fpu_f80 f80_sqrt(struct f80_ctx *c, fpu_f80 a)
{
	enum f80_class k = f80_classify(a);
	if (is_nan_or_bad(k))
		return f80_propagate_nan1(c, a);
	if (k == F80_ZERO)
		return a;
	if (f80_sign(a)) {
		c->exc |= FSW_IE;
		return f80_indefinite();
	}
	if (k == F80_INF)
		return a;
	if (k == F80_DENORMAL)
		c->exc |= FSW_DE;
	struct f80_parts p = f80_unpack(a);
	int32_t e = p.exp - F80_BIAS;
	u128 m = p.sig;
	if (e & 1) {
		m <<= 1;
		e--;
	}
	bool rest;
	u128 root = sqrt_bits(m, &rest) << 61;
	/* e is even: halve it exactly (also when negative). */
	return f80_round_pack(c, false, (e >> 1) + F80_BIAS, root | rest);
}

/* Integer part of |a| (finite), rounded by the context. Sets *inexact and
 * c->up (a magnitude increase). Returns false when the rounded magnitude
 * reaches 2^64. */
static bool round_to_u64(struct f80_ctx *c, fpu_f80 a, uint64_t *out, bool *inexact)
{
	struct f80_parts p = f80_unpack(a);
	int32_t e = p.exp - F80_BIAS;
	c->up = false;
	*inexact = false;
	if (!p.sig) {
		*out = 0;
		return true;
	}
	if (e >= 64)
		return false;
	if (e == 63) {
		*out = p.sig;
		return true;
	}
	uint64_t ip, rem, half;
	if (e < 0) {
		/* Only the comparison of the fraction with one half matters. */
		ip = 0;
		if (e == -1) {
			rem = p.sig;
			half = F80_INT_BIT;
		} else {
			rem = 1; /* non-zero, below one half */
			half = 2;
		}
	} else {
		unsigned fb = (unsigned)(63 - e);
		ip = p.sig >> fb;
		rem = p.sig & ((1ull << fb) - 1);
		half = 1ull << (fb - 1);
	}
	bool inc = false;
	if (rem) {
		switch (c->rc) {
		case FPU_RC_NEAREST: inc = rem > half || (rem == half && (ip & 1)); break;
		case FPU_RC_DOWN: inc = p.sign; break;
		case FPU_RC_UP: inc = !p.sign; break;
		default: break;
		}
	}
	*inexact = rem != 0;
	if (inc) {
		ip++;
		if (!ip)
			return false;
	}
	c->up = inc;
	*out = ip;
	return true;
}

fpu_f80 f80_round_int(struct f80_ctx *c, fpu_f80 a)
{
	enum f80_class k = f80_classify(a);
	if (is_nan_or_bad(k))
		return f80_propagate_nan1(c, a);
	if (k == F80_ZERO || k == F80_INF)
		return a;
	if (k == F80_DENORMAL)
		c->exc |= FSW_DE;
	if (f80_exp(a) >= F80_BIAS + 63)
		return a;
	uint64_t v;
	bool inexact;
	round_to_u64(c, a, &v, &inexact);
	if (inexact)
		c->exc |= FSW_PE;
	fpu_f80 r = f80_zero(false);
	if (v) {
		int n = __builtin_clzll(v);
		r = f80_make(false, (unsigned)(F80_BIAS + 63 - n), v << n);
	}
	r.se |= a.se & 0x8000;
	return r;
}

/* --- comparison -------------------------------------------------------------- */

enum f80_rel f80_compare(struct f80_ctx *c, fpu_f80 a, fpu_f80 b, bool quiet_cmp)
{
	enum f80_class ka = f80_classify(a), kb = f80_classify(b);
	if (is_nan_or_bad(ka) || is_nan_or_bad(kb)) {
		if (!quiet_cmp || ka == F80_SNAN || kb == F80_SNAN || ka == F80_UNSUPPORTED ||
		    kb == F80_UNSUPPORTED)
			c->exc |= FSW_IE;
		return F80_UNORDERED;
	}
	if (ka == F80_DENORMAL || kb == F80_DENORMAL || c->mem_denormal)
		c->exc |= FSW_DE;
	if (ka == F80_ZERO && kb == F80_ZERO)
		return F80_EQ;
	bool sa = f80_sign(a), sb = f80_sign(b);
	if (ka == F80_ZERO)
		return sb ? F80_GT : F80_LT;
	if (kb == F80_ZERO)
		return sa ? F80_LT : F80_GT;
	if (sa != sb)
		return sa ? F80_LT : F80_GT;
	int mag; /* sign of |a| - |b| */
	if (ka == F80_INF || kb == F80_INF) {
		mag = ka == kb ? 0 : (ka == F80_INF ? 1 : -1);
	} else {
		struct f80_parts pa = f80_unpack(a), pb = f80_unpack(b);
		if (pa.exp != pb.exp)
			mag = pa.exp > pb.exp ? 1 : -1;
		else
			mag = pa.sig == pb.sig ? 0 : (pa.sig > pb.sig ? 1 : -1);
	}
	if (mag == 0)
		return F80_EQ;
	return (mag > 0) != sa ? F80_GT : F80_LT;
}

/* --- integers -------------------------------------------------------------------- */

fpu_f80 f80_from_i64(int64_t v)
{
	if (!v)
		return f80_zero(false);
	bool s = v < 0;
	uint64_t m = s ? 0 - (uint64_t)v : (uint64_t)v;
	int n = __builtin_clzll(m);
	return f80_make(s, (unsigned)(F80_BIAS + 63 - n), m << n);
}

bool f80_to_int(struct f80_ctx *c, fpu_f80 a, unsigned bits, int64_t *out)
{
	enum f80_class k = f80_classify(a);
	if (k == F80_QNAN || k == F80_SNAN || k == F80_UNSUPPORTED || k == F80_INF) {
		c->exc |= FSW_IE;
		return false;
	}
	/* No denormal exception: FIST has none. */
	uint64_t v;
	bool inexact;
	struct f80_ctx probe = *c;
	if (!round_to_u64(&probe, a, &v, &inexact)) {
		c->exc |= FSW_IE;
		return false;
	}
	uint64_t limit = 1ull << (bits - 1); /* a negative value may reach it */
	bool s = f80_sign(a);
	if (v > limit || (v == limit && !s)) {
		c->exc |= FSW_IE;
		return false;
	}
	c->up = probe.up;
	if (inexact)
		c->exc |= FSW_PE;
	*out = s ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

/* --- single and double precision ------------------------------------------------ */

/* Loads a binary interchange format with `mbits` fraction bits and
 * exponent bias `bias` (exponent field all ones: infinities and NaNs). */
static fpu_f80 from_ieee(struct f80_ctx *c, bool sign, uint32_t e, uint64_t frac, unsigned mbits,
			 uint32_t emask, int32_t bias)
{
	if (e == emask) {
		if (!frac)
			return f80_inf(sign);
		fpu_f80 n = f80_make(sign, F80_EXP_MAX, F80_INT_BIT | (frac << (63 - mbits)));
		if (!(n.sig & F80_QUIET_BIT))
			c->exc |= FSW_IE;
		return quiet(n);
	}
	if (e == 0) {
		if (!frac)
			return f80_zero(sign);
		c->exc |= FSW_DE;
		int n = __builtin_clzll(frac);
		/* value = frac * 2^(1 - bias - mbits) */
		int32_t exp = 1 - bias - (int32_t)mbits + 63 - n + F80_BIAS;
		return f80_make(sign, (unsigned)exp, frac << n);
	}
	return f80_make(sign, (unsigned)((int32_t)e - bias + F80_BIAS),
			F80_INT_BIT | (frac << (63 - mbits)));
}

fpu_f80 f80_from_f32(struct f80_ctx *c, uint32_t v)
{
	return from_ieee(c, v >> 31, (v >> 23) & 0xFF, v & 0x7FFFFF, 23, 0xFF, 127);
}

fpu_f80 f80_from_f64(struct f80_ctx *c, uint64_t v)
{
	return from_ieee(c, v >> 63, (uint32_t)(v >> 52) & 0x7FF, v & 0xFFFFFFFFFFFFFull, 52, 0x7FF,
			 1023);
}

/* As an operand, a signaling NaN stays signaling (the operation decides
 * which NaN wins) and a denormal is noted in the context rather than
 * raised, since a NaN operand or a zero divide takes precedence. */
static fpu_f80 operand_ieee(struct f80_ctx *c, fpu_f80 (*load)(struct f80_ctx *, uint64_t),
			    uint64_t v)
{
	struct f80_ctx probe = *c;
	probe.exc = 0;
	fpu_f80 r = load(&probe, v);
	if (probe.exc & FSW_IE)
		r.sig &= ~F80_QUIET_BIT; /* back to signaling */
	if (probe.exc & FSW_DE)
		c->mem_denormal = true;
	return r;
}

static fpu_f80 load32(struct f80_ctx *c, uint64_t v)
{
	return f80_from_f32(c, (uint32_t)v);
}

static fpu_f80 load64(struct f80_ctx *c, uint64_t v)
{
	return f80_from_f64(c, v);
}

fpu_f80 f80_operand_f32(struct f80_ctx *c, uint32_t v)
{
	return operand_ieee(c, load32, v);
}

fpu_f80 f80_operand_f64(struct f80_ctx *c, uint64_t v)
{
	return operand_ieee(c, load64, v);
}

/* Rounds a (not unsupported) to a format with `mbits` fraction bits and
 * bias `bias`; returns the sign-less encoding. */
static uint64_t to_ieee(struct f80_ctx *c, fpu_f80 a, unsigned mbits, int32_t bias)
{
	uint64_t emask = ((uint64_t)bias << 1) + 1;
	uint64_t inf = emask << mbits;
	enum f80_class k = f80_classify(a);
	switch (k) {
	case F80_ZERO:
		return 0;
	case F80_UNSUPPORTED: /* the callers handle it */
	case F80_INF:
		return inf;
	case F80_SNAN:
	case F80_QNAN:
		if (k == F80_SNAN)
			c->exc |= FSW_IE;
		return inf | (1ull << (mbits - 1)) | ((a.sig & ~F80_INT_BIT) >> (63 - mbits));
	default:
		break;
	}
	struct f80_parts p = f80_unpack(a);
	int32_t exp = p.exp;
	u128 sig = (u128)p.sig << 64;
	int32_t emin = F80_BIAS - bias + 1, emax = F80_BIAS + bias;
	round_generic(c, p.sign, &exp, &sig, mbits + 1, emin, emax, false);
	if (exp > emax)
		return inf;
	uint64_t m = (uint64_t)(sig >> (127 - mbits));
	if (!(sig >> 127))
		return m; /* denormal (or zero): exponent field 0 */
	return ((uint64_t)(exp - emin + 1) << mbits) | (m & ((1ull << mbits) - 1));
}

uint32_t f80_to_f32(struct f80_ctx *c, fpu_f80 a)
{
	if (f80_classify(a) == F80_UNSUPPORTED) {
		c->exc |= FSW_IE;
		return 0xFFC00000u;
	}
	return (uint32_t)to_ieee(c, a, 23, 127) | (f80_sign(a) ? 0x80000000u : 0);
}

uint64_t f80_to_f64(struct f80_ctx *c, fpu_f80 a)
{
	if (f80_classify(a) == F80_UNSUPPORTED) {
		c->exc |= FSW_IE;
		return 0xFFF8000000000000ull;
	}
	return to_ieee(c, a, 52, 1023) | (f80_sign(a) ? 0x8000000000000000ull : 0);
}
