/* fpu_xfloat.h: a 128-bit working precision for the x87 transcendentals.
 *
 * An xf is a sign, an exponent and a normalized 128-bit significand:
 * value = (-1)^sign * sig * 2^(exp - 127), bit 127 of sig set (sig 0 is
 * zero). The transcendental instructions evaluate their series in it and
 * round once to the 64-bit extended result; with about 124 good bits, the
 * rounding is the correct one except when the true value lies within
 * 2^-60 of a unit in the last place of a rounding boundary.
 */
#ifndef POPEK_CPU_FPU_XFLOAT_H
#define POPEK_CPU_FPU_XFLOAT_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/fpu_float80.h"

struct xf {
	bool sign;
	int32_t exp;
	u128 sig;
};

struct xf xf_from_f80(fpu_f80 a); /* a finite */
struct xf xf_from_i64(int64_t v);
/* A 128-bit constant: sig (bit 127 set) * 2^(exp - 127). */
struct xf xf_const(uint64_t hi, uint64_t lo, int32_t exp);

struct xf xf_neg(struct xf a);
struct xf xf_add(struct xf a, struct xf b);
struct xf xf_sub(struct xf a, struct xf b);
struct xf xf_mul(struct xf a, struct xf b);
struct xf xf_div(struct xf a, struct xf b);
struct xf xf_div_small(struct xf a, uint32_t d);
struct xf xf_sqrt(struct xf a); /* a >= 0 */

static inline bool xf_is_zero(struct xf a)
{
	return a.sig == 0;
}

/* Rounds to the extended format with the context (precision 64 here);
 * `exact` says the value is exact, otherwise it is marked inexact. */
fpu_f80 xf_round(struct f80_ctx *c, struct xf a, bool exact);

/* The functions, on reduced arguments. */
struct xf xf_sin(struct xf r);   /* |r| <= pi/4 or so */
struct xf xf_cos(struct xf r);
struct xf xf_atan(struct xf t);  /* any t */
struct xf xf_expm1(struct xf y); /* e^y - 1, |y| <= 1 */
struct xf xf_atanh(struct xf t); /* |t| <= 0.2 */

/* Constants. */
struct xf xf_pi(void);
struct xf xf_ln2(void);
struct xf xf_log2e(void);

#endif
