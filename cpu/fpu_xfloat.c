/* fpu_xfloat.c: 128-bit working precision arithmetic and the series the
 * x87 transcendentals are built from (see fpu_xfloat.h).
 *
 * Products and quotients keep 128 significant bits, rounded to nearest;
 * sums keep what the alignment shifts out as a sticky bit. The series are Taylor
 * series in Horner form, each with enough terms for its argument range that
 * the truncation error stays below 2^-125 relative.
 */
#include "cpu/fpu_xfloat.h"

static struct xf xf_norm(bool sign, int32_t exp, u128 sig)
{
	struct xf r = { sign, exp, sig };
	if (!sig) {
		r.exp = 0;
		return r;
	}
	int n = clz128(sig);
	r.sig = sig << n;
	r.exp = exp - n;
	return r;
}

struct xf xf_from_f80(fpu_f80 a)
{
	struct f80_parts p = f80_unpack(a);
	if (!p.sig)
		return (struct xf){ p.sign, 0, 0 };
	return xf_norm(p.sign, p.exp - F80_BIAS, (u128)p.sig << 64);
}

struct xf xf_from_i64(int64_t v)
{
	bool s = v < 0;
	uint64_t m = s ? 0 - (uint64_t)v : (uint64_t)v;
	return xf_norm(s, 127, m);
}

struct xf xf_const(uint64_t hi, uint64_t lo, int32_t exp)
{
	return (struct xf){ false, exp, ((u128)hi << 64) | lo };
}

struct xf xf_neg(struct xf a)
{
	a.sign = !a.sign;
	return a;
}

struct xf xf_add(struct xf a, struct xf b)
{
	if (!a.sig)
		return b;
	if (!b.sig)
		return a;
	if (a.exp < b.exp || (a.exp == b.exp && a.sig < b.sig)) {
		struct xf t = a;
		a = b;
		b = t;
	}
	int32_t d = a.exp - b.exp;
	/* One bit of headroom for a carry; what is shifted out stays as a
	 * sticky bit, so a vanishing addend still moves the sum to its side
	 * (1 - 2^-200 stays below 1). */
	u128 x = shr_jam128(a.sig, 1);
	u128 y = shr_jam128(b.sig, (unsigned)(d > 200 ? 200 : d + 1));
	u128 r = a.sign == b.sign ? x + y : x - y;
	return xf_norm(a.sign, a.exp + 1, r);
}

struct xf xf_sub(struct xf a, struct xf b)
{
	return xf_add(a, xf_neg(b));
}

struct xf xf_mul(struct xf a, struct xf b)
{
	if (!a.sig || !b.sig)
		return (struct xf){ a.sign != b.sign, 0, 0 };
	uint64_t ah = (uint64_t)(a.sig >> 64), al = (uint64_t)a.sig;
	uint64_t bh = (uint64_t)(b.sig >> 64), bl = (uint64_t)b.sig;
	u128 ll = (u128)al * bl, lh = (u128)al * bh, hl = (u128)ah * bl, hh = (u128)ah * bh;
	u128 mid = (ll >> 64) + (uint64_t)lh + (uint64_t)hl;
	u128 hi = hh + (lh >> 64) + (hl >> 64) + (mid >> 64);
	u128 lo = (mid << 64) | (uint64_t)ll;
	int32_t exp = a.exp + b.exp + 1;
	if (!(hi >> 127)) {
		hi = (hi << 1) | (lo >> 127);
		lo <<= 1;
		exp--;
	}
	if (lo >> 127) {
		hi++;
		if (!hi) {
			hi = (u128)1 << 127;
			exp++;
		}
	}
	return (struct xf){ a.sign != b.sign, exp, hi };
}

/* 128 quotient bits by restoring division, rounded to nearest. */
struct xf xf_div(struct xf a, struct xf b)
{
	if (!a.sig || !b.sig)
		return (struct xf){ a.sign != b.sign, 0, 0 };
	u128 r = a.sig, q = 0;
	int32_t exp = a.exp - b.exp;
	if (r < b.sig)
		exp--;
	else
		r -= b.sig, q = 1;
	/* q now holds the leading quotient bit when a >= b; otherwise the
	 * first iteration produces it. */
	int bits = q ? 127 : 128;
	for (int i = 0; i < bits; i++) {
		bool top = r >> 127;
		r <<= 1;
		q <<= 1;
		if (top || r >= b.sig) {
			r -= b.sig;
			q |= 1;
		}
	}
	/* Round with the next bit. */
	bool top = r >> 127;
	r <<= 1;
	if (top || r >= b.sig) {
		q++;
		if (!q) {
			q = (u128)1 << 127;
			exp++;
		}
	}
	return (struct xf){ a.sign != b.sign, exp, q };
}

struct xf xf_div_small(struct xf a, uint32_t d)
{
	u128 q1 = a.sig / d, r = a.sig % d;
	uint64_t q2 = (uint64_t)((r << 64) / d);
	int n = clz128(q1);
	u128 sig = n ? (q1 << n) | (q2 >> (64 - n)) : q1;
	return (struct xf){ a.sign, a.exp - n, sig };
}

/* One Newton step from the 64-bit square root doubles its precision. */
struct xf xf_sqrt(struct xf a)
{
	if (!a.sig)
		return a;
	/* The 64-bit estimate: a's top 64 bits as an extended value. */
	struct f80_ctx c = f80_ctx_make(0x037F, 64);
	int32_t e = a.exp;
	fpu_f80 t = f80_make(false, (unsigned)(F80_BIAS + (e & 1)), (uint64_t)(a.sig >> 64));
	fpu_f80 s = f80_sqrt(&c, t);
	struct xf y = xf_from_f80(s);
	y.exp += (e - (e & 1)) / 2;
	struct xf n = xf_add(y, xf_div(a, y));
	n.exp--;
	return n;
}

fpu_f80 xf_round(struct f80_ctx *c, struct xf a, bool exact)
{
	if (!a.sig)
		return f80_zero(a.sign);
	int32_t exp = a.exp + F80_BIAS;
	return f80_round_pack(c, a.sign, exp, a.sig | (exact ? 0 : 1));
}

/* --- constants ------------------------------------------------------------------- */

struct xf xf_pi(void)
{
	return xf_const(0xC90FDAA22168C234ull, 0xC4C6628B80DC1CD1ull, 1);
}

struct xf xf_ln2(void)
{
	return xf_const(0xB17217F7D1CF79ABull, 0xC9E3B39803F2F6AFull, -1);
}

struct xf xf_log2e(void)
{
	return xf_const(0xB8AA3B295C17F0BBull, 0xBE87FED0691D3E88ull, 0);
}

static struct xf xf_one(void)
{
	return xf_const(0x8000000000000000ull, 0, 0);
}

/* --- series -------------------------------------------------------------------- */

/* sin r = r (1 - r^2/(2*3) (1 - r^2/(4*5) (1 - ...))), 20 terms. */
struct xf xf_sin(struct xf r)
{
	struct xf r2 = xf_mul(r, r), acc = xf_one();
	for (int k = 40; k >= 2; k -= 2)
		acc = xf_sub(xf_one(), xf_div_small(xf_mul(acc, r2), (uint32_t)(k * (k + 1))));
	return xf_mul(r, acc);
}

/* cos r = 1 - r^2/(1*2) (1 - r^2/(3*4) (1 - ...)), 20 terms. */
struct xf xf_cos(struct xf r)
{
	struct xf r2 = xf_mul(r, r), acc = xf_one();
	for (int k = 39; k >= 1; k -= 2)
		acc = xf_sub(xf_one(), xf_div_small(xf_mul(acc, r2), (uint32_t)(k * (k + 1))));
	return acc;
}

/* e^y - 1 = y (1 + y/2 (1 + y/3 (1 + ...))), 36 terms. */
struct xf xf_expm1(struct xf y)
{
	struct xf acc = xf_one();
	for (int k = 37; k >= 2; k--)
		acc = xf_add(xf_one(), xf_div_small(xf_mul(acc, y), (uint32_t)k));
	return xf_mul(y, acc);
}

/* atanh t = t (1 + t^2 (1/3 + t^2 (1/5 + ...))), 28 terms for |t| <= 0.2. */
struct xf xf_atanh(struct xf t)
{
	struct xf t2 = xf_mul(t, t), acc = { false, 0, 0 };
	for (int k = 57; k >= 3; k -= 2)
		acc = xf_mul(t2, xf_add(xf_div_small(xf_one(), (uint32_t)k), acc));
	return xf_mul(t, xf_add(xf_one(), acc));
}

/* atan t: |t| > 1 through pi/2 - atan(1/t); then three halvings of the
 * angle, t -> t / (1 + sqrt(1 + t^2)), bring |t| under tan(pi/32) for the
 * series t (1 - t^2 (1/3 - t^2 (1/5 - ...))), 24 terms. */
struct xf xf_atan(struct xf t)
{
	if (!t.sig)
		return t;
	bool sign = t.sign, inverted = false;
	t.sign = false;
	if (t.exp >= 0 && !(t.exp == 0 && t.sig == (u128)1 << 127)) {
		t = xf_div(xf_one(), t);
		inverted = true;
	}
	for (int i = 0; i < 3; i++)
		t = xf_div(t, xf_add(xf_one(), xf_sqrt(xf_add(xf_one(), xf_mul(t, t)))));
	struct xf t2 = xf_mul(t, t), acc = { false, 0, 0 };
	for (int k = 49; k >= 3; k -= 2)
		acc = xf_mul(t2, xf_sub(xf_div_small(xf_one(), (uint32_t)k), acc));
	struct xf r = xf_mul(t, xf_sub(xf_one(), acc));
	r.exp += 3;
	if (inverted) {
		struct xf half_pi = xf_pi();
		half_pi.exp--;
		r = xf_sub(half_pi, r);
	}
	r.sign = sign;
	return r;
}
