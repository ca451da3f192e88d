/* fpu_arith.c: x87 arithmetic: FADD FMUL FSUB FSUBR FDIV FDIVR in their
 * memory (real and integer), ST(0),ST(i) and ST(i),ST(0) forms and the
 * popping variants; FCHS FABS FSQRT FRNDINT FSCALE FXTRACT FPREM FPREM1;
 * and the stack operations FXCH FFREE FFREEP FINCSTP FDECSTP FNOP.
 *
 * The basic operations round to the control word's precision; FRNDINT,
 * FSCALE, FXTRACT and FPREM work at 64 bits whatever it says. Operands are
 * named as in the opcode table's aux: a = ST(0), b = the other operand, and
 * aux 4..7 compute a-b, b-a, a/b, b/a.
 */
#include "cpu/access.h"
#include "cpu/fpu_internal.h"

static fpu_f80 arith(struct f80_ctx *c, unsigned op, fpu_f80 a, fpu_f80 b)
{
	switch (op & 7) {
	case 0: return f80_add(c, a, b);
	case 1: return f80_mul(c, a, b);
	case 4: return f80_sub(c, a, b);
	case 5: return f80_sub(c, b, a);
	case 6: return f80_div(c, a, b);
	default: return f80_div(c, b, a);
	}
}

/* D8/DA/DC/DE with a memory operand: ST(0) = ST(0) op m. */
FPU_HANDLER(fpu_arith_mem)
{
	struct fpu *f = &cpu->fpu;
	struct f80_ctx c = fpu_ctx(f, 0);
	fpu_f80 b = fpu_read_operand(cpu, in, fpu_arith_fmt(in), &c);
	if (fpu_empty(f, 0)) {
		if (fpu_underflow(f))
			fpu_set_st(f, 0, f80_indefinite());
		return;
	}
	fpu_f80 r = arith(&c, op->aux, fpu_st(f, 0), b);
	if (fpu_finish(f, &c))
		fpu_set_st(f, 0, r);
}

/* D8 with a register: ST(0) = ST(0) op ST(i). */
FPU_HANDLER(fpu_arith_st0)
{
	struct fpu *f = &cpu->fpu;
	unsigned i = in->rm & 7;
	if (fpu_empty(f, 0) || fpu_empty(f, i)) {
		if (fpu_underflow(f))
			fpu_set_st(f, 0, f80_indefinite());
		return;
	}
	struct f80_ctx c = fpu_ctx(f, 0);
	fpu_f80 r = arith(&c, op->aux, fpu_st(f, 0), fpu_st(f, i));
	if (fpu_finish(f, &c))
		fpu_set_st(f, 0, r);
}

/* DC/DE with a register: ST(i) = result, then pop for DE. */
FPU_HANDLER(fpu_arith_sti)
{
	struct fpu *f = &cpu->fpu;
	unsigned i = in->rm & 7;
	bool pop = op->aux & FPU_AUX_POP;
	if (fpu_empty(f, 0) || fpu_empty(f, i)) {
		if (fpu_underflow(f)) {
			fpu_set_st(f, i, f80_indefinite());
			if (pop)
				fpu_pop(f);
		}
		return;
	}
	struct f80_ctx c = fpu_ctx(f, 0);
	fpu_f80 r = arith(&c, op->aux, fpu_st(f, 0), fpu_st(f, i));
	if (!fpu_finish(f, &c))
		return;
	fpu_set_st(f, i, r);
	if (pop)
		fpu_pop(f);
}

/* --- one-operand instructions on ST(0) -------------------------------------------- */

/* Returns false (after the stack-underflow response) when ST(0) is empty. */
static bool st0_present(struct fpu *f)
{
	if (!fpu_empty(f, 0))
		return true;
	if (fpu_underflow(f))
		fpu_set_st(f, 0, f80_indefinite());
	return false;
}

FPU_HANDLER(fpu_fchs)
{
	struct fpu *f = &cpu->fpu;
	if (!st0_present(f))
		return;
	fpu_set_st(f, 0, f80_neg(fpu_st(f, 0)));
	fpu_set_c1(f, false);
}

FPU_HANDLER(fpu_fabs)
{
	struct fpu *f = &cpu->fpu;
	if (!st0_present(f))
		return;
	fpu_set_st(f, 0, f80_abs(fpu_st(f, 0)));
	fpu_set_c1(f, false);
}

FPU_HANDLER(fpu_fsqrt)
{
	struct fpu *f = &cpu->fpu;
	if (!st0_present(f))
		return;
	struct f80_ctx c = fpu_ctx(f, 0);
	fpu_f80 r = f80_sqrt(&c, fpu_st(f, 0));
	if (fpu_finish(f, &c))
		fpu_set_st(f, 0, r);
}

FPU_HANDLER(fpu_frndint)
{
	struct fpu *f = &cpu->fpu;
	if (!st0_present(f))
		return;
	struct f80_ctx c = fpu_ctx(f, 64);
	fpu_f80 r = f80_round_int(&c, fpu_st(f, 0));
	if (fpu_finish(f, &c))
		fpu_set_st(f, 0, r);
}

/* --- FSCALE ----------------------------------------------------------------------------- */

/* ST(0) * 2^trunc(ST(1)), rounded once at 64 bits. */
static fpu_f80 scale(struct f80_ctx *c, fpu_f80 a, fpu_f80 b)
{
	enum f80_class ka = f80_classify(a), kb = f80_classify(b);
	if (ka >= F80_QNAN || kb >= F80_QNAN)
		return f80_propagate_nan(c, a, b);
	if (ka == F80_DENORMAL || kb == F80_DENORMAL || c->mem_denormal)
		c->exc |= FSW_DE;
	if (kb == F80_INF) {
		bool neg = f80_sign(b);
		if ((ka == F80_ZERO && !neg) || (ka == F80_INF && neg)) {
			c->exc |= FSW_IE;
			return f80_indefinite();
		}
		if (ka == F80_ZERO || ka == F80_INF)
			return a;
		return neg ? f80_zero(f80_sign(a)) : f80_inf(f80_sign(a));
	}
	if (ka == F80_ZERO || ka == F80_INF)
		return a;
	/* trunc(ST(1)), clamped far beyond any exponent that matters. */
	int32_t n = 0;
	if (kb != F80_ZERO) {
		int32_t e = (int32_t)f80_exp(b) - F80_BIAS;
		if (e >= 0)
			n = e > 20 ? 0x100000 : (int32_t)(b.sig >> (63 - e));
		if (f80_sign(b))
			n = -n;
	}
	struct f80_parts p = f80_unpack(a);
	return f80_round_pack(c, p.sign, p.exp + n, (u128)p.sig << 64);
}

FPU_HANDLER(fpu_fscale)
{
	struct fpu *f = &cpu->fpu;
	if (fpu_empty(f, 0) || fpu_empty(f, 1)) {
		if (fpu_underflow(f))
			fpu_set_st(f, 0, f80_indefinite());
		return;
	}
	struct f80_ctx c = fpu_ctx(f, 64);
	fpu_f80 r = scale(&c, fpu_st(f, 0), fpu_st(f, 1));
	if (fpu_finish(f, &c))
		fpu_set_st(f, 0, r);
}

/* --- FXTRACT ------------------------------------------------------------------------------ */

/* ST(0) = the exponent as a number, then the significand (with the
 * exponent of 1.0) is pushed. */
FPU_HANDLER(fpu_fxtract)
{
	struct fpu *f = &cpu->fpu;
	if (fpu_empty(f, 0) || !fpu_empty(f, 7)) {
		/* Stack underflow or overflow: masked, both results are the
		 * indefinite. */
		bool masked = fpu_empty(f, 0) ? fpu_underflow(f) : fpu_overflow(f);
		if (masked) {
			fpu_set_st(f, 0, f80_indefinite());
			fpu_push(f, f80_indefinite());
		}
		return;
	}
	fpu_f80 a = fpu_st(f, 0), e, s;
	struct f80_ctx c = fpu_ctx(f, 64);
	switch (f80_classify(a)) {
	case F80_QNAN:
	case F80_SNAN:
	case F80_UNSUPPORTED:
		e = s = f80_propagate_nan1(&c, a);
		break;
	case F80_ZERO:
		c.exc |= FSW_ZE;
		e = f80_inf(true);
		s = a;
		break;
	case F80_INF:
		e = f80_inf(false);
		s = a;
		break;
	default: {
		if (f80_classify(a) == F80_DENORMAL)
			c.exc |= FSW_DE;
		struct f80_parts p = f80_unpack(a);
		e = f80_from_i64(p.exp - F80_BIAS);
		s = f80_make(p.sign, F80_BIAS, p.sig);
		break;
	}
	}
	if (!fpu_finish(f, &c))
		return;
	fpu_set_st(f, 0, e);
	fpu_push(f, s);
}

/* --- FPREM / FPREM1 ------------------------------------------------------------------------- */

/* Exponent differences of 64 and more reduce only partially, to an
 * exponent difference of N = 32 + (D mod 32), leaving C2 set; software
 * loops until C2 is clear. */
static unsigned partial_n(int32_t d)
{
	return 32 + (unsigned)(d % 32);
}

/* The partial remainder of a by b; FPREM1 (`ieee`) rounds the quotient to
 * nearest, FPREM truncates it. *cc gets the condition codes (C3 C2 C1 C0
 * as bits 3..0); returns the remainder, exact. */
static fpu_f80 prem(struct f80_ctx *c, fpu_f80 a, fpu_f80 b, bool ieee, unsigned *cc, bool *set_cc)
{
	enum f80_class ka = f80_classify(a), kb = f80_classify(b);
	*set_cc = false;
	if (ka >= F80_QNAN || kb >= F80_QNAN)
		return f80_propagate_nan(c, a, b);
	if (ka == F80_INF || kb == F80_ZERO) {
		c->exc |= FSW_IE;
		return f80_indefinite();
	}
	if (ka == F80_DENORMAL || kb == F80_DENORMAL || c->mem_denormal)
		c->exc |= FSW_DE;
	*set_cc = true;
	*cc = 0;
	if (ka == F80_ZERO)
		return a;
	struct f80_parts pa = f80_unpack(a), pb = f80_unpack(b);
	if (kb == F80_INF)
		return f80_round_pack(c, pa.sign, pa.exp, (u128)pa.sig << 64);
	int32_t d = pa.exp - pb.exp;
	bool partial = d >= 64;
	int32_t unit; /* exponent of the remainder's integer units */
	u128 x, y = pb.sig;
	if (partial) {
		unsigned n = partial_n(d);
		x = (u128)pa.sig << n;
		unit = pa.exp - (int32_t)n;
	} else if (d >= 0) {
		x = (u128)pa.sig << d;
		unit = pb.exp;
	} else if (ieee && d == -1) {
		x = pa.sig;
		y = (u128)pb.sig << 1;
		unit = pa.exp;
	} else {
		/* |a| < |b| (< |b|/2 for FPREM1): quotient 0, the remainder
		 * is a (normalized, should it be a pseudo-denormal). */
		return f80_round_pack(c, pa.sign, pa.exp, (u128)pa.sig << 64);
	}
	u128 q = x / y, r = x % y;
	bool neg = pa.sign;
	if (ieee && !partial && (2 * r > y || (2 * r == y && (q & 1)))) {
		q++;
		r = y - r;
		neg = !neg;
	}
	if (partial) {
		*cc = 4; /* C2: incomplete */
	} else {
		unsigned q0 = (unsigned)q & 1, q1 = ((unsigned)q >> 1) & 1, q2 = ((unsigned)q >> 2) & 1;
		*cc = (q1 << 3) | (q0 << 1) | q2; /* C3 = Q1, C1 = Q0, C0 = Q2 */
	}
	if (!r)
		return f80_zero(pa.sign);
	int n = clz128(r);
	return f80_round_pack(c, neg, unit - 63 + 127 - n, r << n);
}

FPU_HANDLER(fpu_fprem)
{
	struct fpu *f = &cpu->fpu;
	f->sw &= (uint16_t)~FSW_C2; /* whatever happens, not "incomplete" */
	if (fpu_empty(f, 0) || fpu_empty(f, 1)) {
		if (fpu_underflow(f))
			fpu_set_st(f, 0, f80_indefinite());
		return;
	}
	struct f80_ctx c = fpu_ctx(f, 64);
	unsigned cc;
	bool set_cc;
	fpu_f80 r = prem(&c, fpu_st(f, 0), fpu_st(f, 1), op->aux == 1, &cc, &set_cc);
	if (!fpu_finish(f, &c))
		return;
	fpu_set_st(f, 0, r);
	if (set_cc)
		fpu_set_cc(f, cc);
}

/* --- stack operations ------------------------------------------------------------------------ */

/* FXCH: an empty register takes the indefinite first (masked underflow). */
FPU_HANDLER(fpu_fxch)
{
	struct fpu *f = &cpu->fpu;
	unsigned i = in->rm & 7;
	if (fpu_empty(f, 0) || fpu_empty(f, i)) {
		if (!fpu_underflow(f))
			return;
		if (fpu_empty(f, 0))
			fpu_set_st(f, 0, f80_indefinite());
		if (fpu_empty(f, i))
			fpu_set_st(f, i, f80_indefinite());
	} else {
		fpu_set_c1(f, false);
	}
	fpu_f80 t = fpu_st(f, 0);
	fpu_set_st(f, 0, fpu_st(f, i));
	fpu_set_st(f, i, t);
}

FPU_HANDLER(fpu_ffree)
{
	struct fpu *f = &cpu->fpu;
	fpu_set_c1(f, false);
	f->empty |= (uint8_t)(1u << fpu_phys(f, in->rm & 7));
	if (op->aux & FPU_AUX_POP)
		fpu_pop(f);
}

FPU_HANDLER(fpu_fincstp)
{
	struct fpu *f = &cpu->fpu;
	fpu_set_top(f, fpu_top(f) + 1);
	fpu_set_c1(f, false);
}

FPU_HANDLER(fpu_fdecstp)
{
	struct fpu *f = &cpu->fpu;
	fpu_set_top(f, fpu_top(f) - 1);
	fpu_set_c1(f, false);
}

FPU_HANDLER(fpu_fnop)
{
}
