/* fpu_transcendental.c: FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X
 * FYL2XP1.
 *
 * Each result is evaluated in 128-bit working precision (fpu_xfloat.c)
 * and rounded once to 64 bits with the control word's rounding mode
 * (precision control does not apply). The trigonometric instructions
 * reduce their argument modulo pi/2 the way the x87 does: with the 66-bit
 * approximation of pi the hardware holds (C90FDAA2 2168C234 C), the
 * remainder being computed exactly, so results for large arguments follow
 * the hardware and not the true sine. Operands of 2^63 and beyond are not
 * reduced at all: C2 is set and ST(0) left alone. The hardware's own
 * evaluation is accurate to within about half a unit in the last place
 * but not always correctly rounded, so results match it in the vast
 * majority of cases, not all (tests/cpu/test_fpu_host.c measures the
 * rate).
 */
#include "cpu/fpu_internal.h"
#include "cpu/fpu_xfloat.h"

/* pi/2 as the x87 has it: 0xC90FDAA22168C234C * 2^-67. */
#define PIO2_HI 0xCull
#define PIO2_LO 0x90FDAA22168C234Cull
#define PIO2_SHIFT 67

/* --- argument reduction ------------------------------------------------------------ */

/* Reduces finite |x| < 2^63 to r = |x| - k * pi66/2 (exactly) and returns
 * k mod 4. */
static unsigned reduce(fpu_f80 x, struct xf *r)
{
	struct f80_parts p = f80_unpack(f80_abs(x));
	struct xf ax = xf_from_f80(f80_abs(x));
	u128 ph = ((u128)PIO2_HI << 64) | PIO2_LO;
	/* k = nearest integer to |x| / (pi66/2). */
	struct xf pio2 = { false, 0, ph << 60 }; /* 68 bits, leading bit at 127 */
	struct xf q = xf_div(ax, pio2);
	uint64_t k = 0;
	if (q.exp == -1) {
		k = 1; /* q in [1/2, 1) */
	} else if (q.exp >= 0) {
		/* q = sig * 2^(exp - 127): integer part and the half bit. */
		unsigned sh = (unsigned)(127 - q.exp);
		k = (uint64_t)(q.sig >> sh);
		if ((q.sig >> (sh - 1)) & 1)
			k++;
	}
	if (!k) {
		*r = ax;
		return 0;
	}
	/* Exactly, in units of 2^-67: |x| * 2^67 - k * ph, modulo 2^128
	 * (the true difference is below 2^67). */
	u128 xs = (u128)p.sig << (p.exp - F80_BIAS - 63 + PIO2_SHIFT);
	u128 d = xs - (u128)k * ph;
	bool neg = (d >> 127) & 1;
	u128 mag = neg ? 0 - d : d;
	struct xf rr = { neg, 0, 0 };
	if (mag) {
		int n = clz128(mag);
		rr.sig = mag << n;
		rr.exp = 127 - n - PIO2_SHIFT;
	}
	*r = rr;
	return (unsigned)(k & 3);
}

/* --- the trigonometric instructions ------------------------------------------------- */

enum trig_fn { TRIG_SIN, TRIG_COS, TRIG_TAN };

/* The function of x (finite, |x| < 2^63) in working precision. */
static struct xf trig(enum trig_fn fn, fpu_f80 x)
{
	struct xf r;
	unsigned q = reduce(x, &r);
	bool neg = f80_sign(x);
	struct xf s = xf_sin(r), c = xf_cos(r), v;
	switch (fn) {
	case TRIG_SIN:
		v = (q & 1) ? c : s;
		if (q & 2)
			v = xf_neg(v);
		if (neg)
			v = xf_neg(v);
		break;
	case TRIG_COS:
		v = (q & 1) ? s : c;
		if ((q + 1) & 2)
			v = xf_neg(v);
		break;
	default:
		v = (q & 1) ? xf_neg(xf_div(c, s)) : xf_div(s, c);
		if (neg)
			v = xf_neg(v);
		break;
	}
	return v;
}

/* The result of a trigonometric function for x in ST(0) (not empty),
 * with the special operands; *out_of_range for |x| >= 2^63. */
static fpu_f80 trig_value(struct f80_ctx *c, enum trig_fn fn, fpu_f80 x, bool *out_of_range)
{
	*out_of_range = false;
	switch (f80_classify(x)) {
	case F80_QNAN:
	case F80_SNAN:
	case F80_UNSUPPORTED:
		return f80_propagate_nan1(c, x);
	case F80_INF:
		c->exc |= FSW_IE;
		return f80_indefinite();
	case F80_ZERO:
		return fn == TRIG_COS ? f80_one(false) : x;
	case F80_DENORMAL:
		c->exc |= FSW_DE;
		break;
	default:
		if (f80_exp(x) >= F80_BIAS + 63) {
			*out_of_range = true;
			return x;
		}
		break;
	}
	return xf_round(c, trig(fn, x), false);
}

/* FSIN, FCOS: ST(0) = f(ST(0)); C2 set (and nothing else done) when
 * |ST(0)| >= 2^63. */
static void trig1(struct cpu *cpu, enum trig_fn fn)
{
	struct fpu *f = &cpu->fpu;
	f->sw &= (uint16_t)~FSW_C2;
	if (fpu_empty(f, 0)) {
		if (fpu_underflow(f))
			fpu_set_st(f, 0, f80_indefinite());
		return;
	}
	struct f80_ctx c = fpu_ctx(f, 64);
	bool oor;
	fpu_f80 r = trig_value(&c, fn, fpu_st(f, 0), &oor);
	if (oor) {
		f->sw = (uint16_t)((f->sw | FSW_C2) & ~FSW_C1);
		return;
	}
	if (fpu_finish(f, &c))
		fpu_set_st(f, 0, r);
}

FPU_HANDLER(fpu_fsin)
{
	trig1(cpu, TRIG_SIN);
}

FPU_HANDLER(fpu_fcos)
{
	trig1(cpu, TRIG_COS);
}

/* FPTAN (ST(0) = tan, then push 1.0) and FSINCOS (ST(0) = sin, then push
 * cos): two results, so a full stack is a stack overflow whose masked
 * response leaves the indefinite in both places. */
static void trig2(struct cpu *cpu, bool sincos)
{
	struct fpu *f = &cpu->fpu;
	f->sw &= (uint16_t)~FSW_C2;
	if (fpu_empty(f, 0) || !fpu_empty(f, 7)) {
		bool masked = fpu_empty(f, 0) ? fpu_underflow(f) : fpu_overflow(f);
		if (masked) {
			fpu_set_st(f, 0, f80_indefinite());
			fpu_push(f, f80_indefinite());
		}
		return;
	}
	fpu_f80 x = fpu_st(f, 0);
	struct f80_ctx c = fpu_ctx(f, 64);
	bool oor;
	fpu_f80 first = trig_value(&c, sincos ? TRIG_SIN : TRIG_TAN, x, &oor), second;
	if (oor) {
		f->sw = (uint16_t)((f->sw | FSW_C2) & ~FSW_C1);
		return;
	}
	if (!sincos) {
		second = f80_one(false);
		if (f80_is_nan(first))
			second = first;
	} else {
		struct f80_ctx c2 = c;
		second = trig_value(&c2, TRIG_COS, x, &oor);
		/* One set of flags; C1 tells about the sine. */
		c.exc |= c2.exc;
	}
	if (!fpu_finish(f, &c))
		return;
	fpu_set_st(f, 0, first);
	fpu_push(f, second);
}

FPU_HANDLER(fpu_fptan)
{
	trig2(cpu, false);
}

FPU_HANDLER(fpu_fsincos)
{
	trig2(cpu, true);
}

/* --- FPATAN -------------------------------------------------------------------------- */

/* atan(y / x) in the quadrant of (x, y). */
static fpu_f80 patan(struct f80_ctx *c, fpu_f80 y, fpu_f80 x)
{
	enum f80_class ky = f80_classify(y), kx = f80_classify(x);
	if (ky >= F80_QNAN || kx >= F80_QNAN)
		return f80_propagate_nan(c, y, x);
	if (ky == F80_DENORMAL || kx == F80_DENORMAL)
		c->exc |= FSW_DE;
	bool sy = f80_sign(y), sx = f80_sign(x);
	struct xf pi = xf_pi(), v;
	if (ky == F80_ZERO || (ky != F80_INF && kx == F80_INF)) {
		/* On the x axis: +-0 or +-pi. */
		if (!sx)
			return f80_zero(sy);
		v = pi;
	} else if (kx == F80_ZERO || (ky == F80_INF && kx != F80_INF)) {
		v = pi; /* on the y axis: +-pi/2 */
		v.exp--;
	} else if (ky == F80_INF) {
		v = pi; /* both infinite: +-pi/4 or +-3pi/4 */
		v.exp -= 2;
		if (sx)
			v = xf_sub(pi, v);
	} else {
		struct xf a = xf_atan(xf_div(xf_from_f80(f80_abs(y)), xf_from_f80(f80_abs(x))));
		v = sx ? xf_sub(pi, a) : a;
	}
	v.sign = sy;
	return xf_round(c, v, false);
}

FPU_HANDLER(fpu_fpatan)
{
	struct fpu *f = &cpu->fpu;
	if (fpu_empty(f, 0) || fpu_empty(f, 1)) {
		if (fpu_underflow(f)) {
			fpu_set_st(f, 1, f80_indefinite());
			fpu_pop(f);
		}
		return;
	}
	struct f80_ctx c = fpu_ctx(f, 64);
	fpu_f80 r = patan(&c, fpu_st(f, 1), fpu_st(f, 0));
	if (!fpu_finish(f, &c))
		return;
	fpu_set_st(f, 1, r);
	fpu_pop(f);
}

/* --- F2XM1 --------------------------------------------------------------------------- */

FPU_HANDLER(fpu_f2xm1)
{
	struct fpu *f = &cpu->fpu;
	if (fpu_empty(f, 0)) {
		if (fpu_underflow(f))
			fpu_set_st(f, 0, f80_indefinite());
		return;
	}
	fpu_f80 x = fpu_st(f, 0), r;
	struct f80_ctx c = fpu_ctx(f, 64);
	switch (f80_classify(x)) {
	case F80_QNAN:
	case F80_SNAN:
	case F80_UNSUPPORTED:
		r = f80_propagate_nan1(&c, x);
		break;
	case F80_ZERO:
		r = x;
		break;
	case F80_INF:
		r = f80_sign(x) ? f80_one(true) : x;
		break;
	default:
		if (f80_classify(x) == F80_DENORMAL)
			c.exc |= FSW_DE;
		if (f80_exp(x) == F80_BIAS && x.sig == F80_INT_BIT) {
			/* 2^1 - 1 and 2^-1 - 1 are exact, but the x87 rounds
			 * them as if 2^x came out a hair low: 1 - tiny and
			 * -1/2 - tiny, inexact. */
			struct xf v = { f80_sign(x), -1, f80_sign(x) ? ((u128)1 << 127) | 1 : ~(u128)0 };
			r = xf_round(&c, v, false);
			break;
		}
		r = xf_round(&c, xf_expm1(xf_mul(xf_from_f80(x), xf_ln2())), false);
		break;
	}
	if (fpu_finish(f, &c))
		fpu_set_st(f, 0, r);
}

/* --- FYL2X, FYL2XP1 ------------------------------------------------------------------ */

/* log2 of x > 0 (finite); *exact when it is an integer (x a power of 2). */
static struct xf log2_xf(fpu_f80 x, bool *exact)
{
	struct f80_parts p = f80_unpack(x);
	int32_t e = p.exp - F80_BIAS;
	/* m in [1, 2) as an xf; above sqrt(2), halve it. */
	struct xf m = { false, 0, (u128)p.sig << 64 };
	if (p.sig > 0xB504F333F9DE6484ull) {
		m.exp = -1;
		e++;
	}
	struct xf ee = xf_from_i64(e);
	if (m.exp == 0 && m.sig == (u128)1 << 127) {
		*exact = true;
		return ee;
	}
	*exact = false;
	/* ln m = 2 atanh((m - 1) / (m + 1)) */
	struct xf one = xf_from_i64(1);
	struct xf t = xf_div(xf_sub(m, one), xf_add(m, one));
	struct xf ln = xf_atanh(t);
	ln.exp++;
	return xf_add(ee, xf_mul(ln, xf_log2e()));
}

/* log2(1 + x) for |x| < 1 - sqrt(2)/2 (x finite, non-zero). */
static struct xf log2p1_xf(fpu_f80 x)
{
	struct xf xx = xf_from_f80(x), two = xf_from_i64(2);
	struct xf ln = xf_atanh(xf_div(xx, xf_add(two, xx)));
	ln.exp++;
	return xf_mul(ln, xf_log2e());
}

/* y * log2(x) (p1: y * log2(x + 1)), the special operands first. */
static fpu_f80 yl2x(struct f80_ctx *c, fpu_f80 y, fpu_f80 x, bool p1)
{
	enum f80_class ky = f80_classify(y), kx = f80_classify(x);
	if (ky >= F80_QNAN || kx >= F80_QNAN)
		return f80_propagate_nan(c, x, y);
	bool sy = f80_sign(y), sx = f80_sign(x);
	if (p1) {
		if (kx == F80_ZERO) {
			if (ky == F80_INF) {
				c->exc |= FSW_IE;
				return f80_indefinite();
			}
			if (ky == F80_DENORMAL)
				c->exc |= FSW_DE;
			return f80_zero(sx != sy);
		}
		if (kx == F80_INF) { /* outside the domain: as log2 of +-inf */
			if (sx || ky == F80_ZERO) {
				c->exc |= FSW_IE;
				return f80_indefinite();
			}
			return f80_inf(sy);
		}
		if (ky == F80_DENORMAL || kx == F80_DENORMAL)
			c->exc |= FSW_DE;
		if (ky == F80_INF)
			return f80_inf(sy != sx);
		if (ky == F80_ZERO)
			return f80_zero(sy != sx);
		return xf_round(c, xf_mul(xf_from_f80(y), log2p1_xf(x)), false);
	}
	/* FYL2X */
	if (sx && kx != F80_ZERO) {
		c->exc |= FSW_IE;
		return f80_indefinite();
	}
	if (kx == F80_ZERO) {
		if (ky == F80_ZERO) {
			c->exc |= FSW_IE;
			return f80_indefinite();
		}
		if (ky != F80_INF) {
			if (ky == F80_DENORMAL)
				c->exc |= FSW_DE;
			c->exc |= FSW_ZE;
		}
		return f80_inf(!sy);
	}
	if (kx == F80_INF) {
		if (ky == F80_ZERO) {
			c->exc |= FSW_IE;
			return f80_indefinite();
		}
		if (ky == F80_DENORMAL)
			c->exc |= FSW_DE;
		return f80_inf(sy);
	}
	if (ky == F80_DENORMAL || kx == F80_DENORMAL)
		c->exc |= FSW_DE;
	bool exact;
	struct xf l = log2_xf(x, &exact);
	if (ky == F80_INF) {
		if (xf_is_zero(l)) {
			c->exc |= FSW_IE;
			return f80_indefinite();
		}
		return f80_inf(sy != l.sign);
	}
	if (ky == F80_ZERO)
		return f80_zero(sy != (l.sign && !xf_is_zero(l)));
	if (xf_is_zero(l))
		return f80_zero(sy);
	/* With x a power of two the product is exact, but the x87 reports
	 * it as inexact all the same. */
	fpu_f80 r = xf_round(c, xf_mul(xf_from_f80(y), l), exact);
	c->exc |= FSW_PE;
	return r;
}

static void yl2x_insn(struct cpu *cpu, bool p1)
{
	struct fpu *f = &cpu->fpu;
	if (fpu_empty(f, 0) || fpu_empty(f, 1)) {
		if (fpu_underflow(f)) {
			fpu_set_st(f, 1, f80_indefinite());
			fpu_pop(f);
		}
		return;
	}
	struct f80_ctx c = fpu_ctx(f, 64);
	fpu_f80 r = yl2x(&c, fpu_st(f, 1), fpu_st(f, 0), p1);
	if (!fpu_finish(f, &c))
		return;
	fpu_set_st(f, 1, r);
	fpu_pop(f);
}

FPU_HANDLER(fpu_fyl2x)
{
	yl2x_insn(cpu, false);
}

FPU_HANDLER(fpu_fyl2xp1)
{
	yl2x_insn(cpu, true);
}
