/* fpu_compare.c: x87 comparisons and tests: FCOM FCOMP FCOMPP, FUCOM
 * FUCOMP FUCOMPP, FICOM FICOMP, FTST, FXAM, FCOMI FCOMIP FUCOMI FUCOMIP
 * (into EFLAGS), and FCMOVcc.
 *
 * FCOM-style results go to C3 C2 C0 (greater 000, less 001, equal 100,
 * unordered 111) with C1 cleared; FCOMI-style ones to ZF PF CF in the same
 * pattern, with OF SF AF cleared. FCOM and FCOMI signal invalid for any NaN,
 * the unordered forms only for signaling NaNs. The condition codes (or
 * flags) are set even when an unmasked invalid or denormal exception is
 * raised ("unordered" for an empty register), but then nothing is popped.
 */
#include "cpu/access.h"
#include "cpu/fpu_internal.h"

/* C3 C2 C1 C0 for each relation (enum f80_rel order). */
static const uint8_t rel_cc[] = { [F80_GT] = 0x0, [F80_LT] = 0x1, [F80_EQ] = 0x8,
				  [F80_UNORDERED] = 0xD };

/* Ends a compare: sets the condition codes, records the exceptions and,
 * unless one of them is unmasked, pops `pops` times. */
static void compare_done(struct fpu *f, const struct f80_ctx *c, enum f80_rel rel, unsigned pops)
{
	fpu_set_cc(f, rel_cc[rel]);
	if (!fpu_signal(f, c->exc))
		return;
	while (pops--)
		fpu_pop(f);
}

/* Empty operand: masked, the result is "unordered". */
static void compare_underflow(struct fpu *f, unsigned pops)
{
	bool masked = fpu_underflow(f);
	fpu_set_cc(f, rel_cc[F80_UNORDERED]);
	if (!masked)
		return;
	while (pops--)
		fpu_pop(f);
}

static unsigned pop_count(unsigned aux)
{
	return (aux & FPU_AUX_POP2) ? 2 : (aux & FPU_AUX_POP) ? 1 : 0;
}

/* D8 /2 /3, DA, DC, DE /2 /3 with memory: ST(0) against m. */
FPU_HANDLER(fpu_fcom_mem)
{
	struct fpu *f = &cpu->fpu;
	struct f80_ctx c = fpu_ctx(f, 64);
	fpu_f80 b = fpu_read_operand(cpu, in, fpu_arith_fmt(in), &c);
	unsigned pops = pop_count(op->aux);
	if (fpu_empty(f, 0)) {
		compare_underflow(f, pops);
		return;
	}
	enum f80_rel rel = f80_compare(&c, fpu_st(f, 0), b, false);
	compare_done(f, &c, rel, pops);
}

/* ST(0) against ST(i): FCOM FCOMP FCOMPP FUCOM FUCOMP FUCOMPP. */
FPU_HANDLER(fpu_fcom_sti)
{
	struct fpu *f = &cpu->fpu;
	unsigned i = in->rm & 7;
	unsigned pops = pop_count(op->aux);
	if (fpu_empty(f, 0) || fpu_empty(f, i)) {
		compare_underflow(f, pops);
		return;
	}
	struct f80_ctx c = fpu_ctx(f, 64);
	enum f80_rel rel = f80_compare(&c, fpu_st(f, 0), fpu_st(f, i), op->aux & FPU_AUX_QUIET);
	compare_done(f, &c, rel, pops);
}

FPU_HANDLER(fpu_ftst)
{
	struct fpu *f = &cpu->fpu;
	if (fpu_empty(f, 0)) {
		compare_underflow(f, 0);
		return;
	}
	struct f80_ctx c = fpu_ctx(f, 64);
	enum f80_rel rel = f80_compare(&c, fpu_st(f, 0), f80_zero(false), false);
	compare_done(f, &c, rel, 0);
}

/* FXAM: the class of ST(0) in C3 C2 C0, its sign in C1; never faults. */
FPU_HANDLER(fpu_fxam)
{
	struct fpu *f = &cpu->fpu;
	fpu_f80 v = fpu_st(f, 0);
	unsigned cc; /* C3 C2 C0 as bits 3, 2, 0 */
	if (fpu_empty(f, 0)) {
		cc = 0x9; /* 101 */
	} else {
		switch (f80_classify(v)) {
		case F80_UNSUPPORTED: cc = 0x0; break;
		case F80_QNAN:
		case F80_SNAN: cc = 0x1; break;
		case F80_NORMAL: cc = 0x4; break;
		case F80_INF: cc = 0x5; break;
		case F80_ZERO: cc = 0x8; break;
		default: cc = 0xC; break; /* denormal */
		}
	}
	fpu_set_cc(f, cc | (f80_sign(v) ? 0x2 : 0));
}

/* --- into EFLAGS ----------------------------------------------------------------------- */

static const uint32_t rel_eflags[] = { [F80_GT] = 0, [F80_LT] = FLAG_CF, [F80_EQ] = FLAG_ZF,
				       [F80_UNORDERED] = FLAG_ZF | FLAG_PF | FLAG_CF };

static void set_compare_flags(struct cpu *cpu, enum f80_rel rel)
{
	cpu->eflags = (cpu->eflags & ~(uint32_t)FLAGS_ARITH) | rel_eflags[rel];
}

/* DB /5 /6, DF /5 /6: FUCOMI FCOMI FUCOMIP FCOMIP. */
FPU_HANDLER(fpu_fcomi)
{
	struct fpu *f = &cpu->fpu;
	unsigned i = in->rm & 7;
	unsigned pops = pop_count(op->aux);
	if (fpu_empty(f, 0) || fpu_empty(f, i)) {
		set_compare_flags(cpu, F80_UNORDERED);
		if (!fpu_underflow(f))
			return;
		while (pops--)
			fpu_pop(f);
		return;
	}
	struct f80_ctx c = fpu_ctx(f, 64);
	enum f80_rel rel = f80_compare(&c, fpu_st(f, 0), fpu_st(f, i), op->aux & FPU_AUX_QUIET);
	set_compare_flags(cpu, rel);
	if (!fpu_signal(f, c.exc))
		return;
	while (pops--)
		fpu_pop(f);
}

/* DA /0-/3 (aux 0-3: B, E, BE, U) and DB /0-/3 (aux 4-7: the negations):
 * ST(0) = ST(i) when the condition holds. */
FPU_HANDLER(fpu_fcmov)
{
	struct fpu *f = &cpu->fpu;
	unsigned i = in->rm & 7;
	uint32_t fl = cpu->eflags;
	bool cond;
	switch (op->aux & 3) {
	case 0: cond = fl & FLAG_CF; break;
	case 1: cond = fl & FLAG_ZF; break;
	case 2: cond = fl & (FLAG_CF | FLAG_ZF); break;
	default: cond = fl & FLAG_PF; break;
	}
	if (op->aux & 4)
		cond = !cond;
	if (fpu_empty(f, 0) || fpu_empty(f, i)) {
		if (fpu_underflow(f))
			fpu_set_st(f, 0, f80_indefinite());
		return;
	}
	if (cond)
		fpu_set_st(f, 0, fpu_st(f, i));
}
