/* test_fpu_host.c: every x87 instruction, bit for bit against the host's
 * own x87 (x86-64 hosts only; elsewhere the tests are skipped).
 *
 * Each instruction form runs on a few thousand random states (fpu_host.h
 * makes them: all classes of operands in every register, random rounding
 * and precision control, exception masks, empty registers for stack
 * faults, and memory operands of every format) on the host and on the
 * emulator, and the resulting control, status and tag words, registers,
 * memory operand, EFLAGS and AX must be identical. The transcendental
 * instructions, whose last bit depends on the hardware's own algorithms,
 * report their match rate and must reach the rate documented in
 * transc_min_rate.
 *
 * FPU_HOST_VERBOSE=n in the environment prints the first n mismatches of
 * each instruction.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "fpu_host.h"

/* Memory operand kinds. */
enum { M_NONE, M_F32, M_F64, M_F80, M_I16, M_I32, M_I64, M_BCD, M_CW, M_OUT };

/* Instruction forms: escape byte, ModRM byte (a register form adds a
 * random i to it when `sti`), the memory operand. */
struct form {
	const char *name;
	uint8_t esc, modrm;
	uint8_t sti;
	uint8_t mem;
	uint8_t st0_valid; /* ST(0) never empty (see FSTP1 below) */
};

#define MEMF(n, e, r, m) { n, e, 0x06 | ((r) << 3), 0, m, 0 }
#define REGI(n, e, b) { n, e, b, 1, M_NONE, 0 }
#define FIX(n, e, b) { n, e, b, 0, M_NONE, 0 }

static const struct form basic_forms[] = {
	MEMF("fadd m32", 0xD8, 0, M_F32), MEMF("fmul m32", 0xD8, 1, M_F32),
	MEMF("fcom m32", 0xD8, 2, M_F32), MEMF("fcomp m32", 0xD8, 3, M_F32),
	MEMF("fsub m32", 0xD8, 4, M_F32), MEMF("fsubr m32", 0xD8, 5, M_F32),
	MEMF("fdiv m32", 0xD8, 6, M_F32), MEMF("fdivr m32", 0xD8, 7, M_F32),
	MEMF("fadd m64", 0xDC, 0, M_F64), MEMF("fmul m64", 0xDC, 1, M_F64),
	MEMF("fcom m64", 0xDC, 2, M_F64), MEMF("fcomp m64", 0xDC, 3, M_F64),
	MEMF("fsub m64", 0xDC, 4, M_F64), MEMF("fsubr m64", 0xDC, 5, M_F64),
	MEMF("fdiv m64", 0xDC, 6, M_F64), MEMF("fdivr m64", 0xDC, 7, M_F64),
	MEMF("fiadd m32", 0xDA, 0, M_I32), MEMF("fimul m32", 0xDA, 1, M_I32),
	MEMF("ficom m32", 0xDA, 2, M_I32), MEMF("ficomp m32", 0xDA, 3, M_I32),
	MEMF("fisub m32", 0xDA, 4, M_I32), MEMF("fisubr m32", 0xDA, 5, M_I32),
	MEMF("fidiv m32", 0xDA, 6, M_I32), MEMF("fidivr m32", 0xDA, 7, M_I32),
	MEMF("fiadd m16", 0xDE, 0, M_I16), MEMF("fimul m16", 0xDE, 1, M_I16),
	MEMF("ficom m16", 0xDE, 2, M_I16), MEMF("ficomp m16", 0xDE, 3, M_I16),
	MEMF("fisub m16", 0xDE, 4, M_I16), MEMF("fisubr m16", 0xDE, 5, M_I16),
	MEMF("fidiv m16", 0xDE, 6, M_I16), MEMF("fidivr m16", 0xDE, 7, M_I16),
	REGI("fadd st,sti", 0xD8, 0xC0), REGI("fmul st,sti", 0xD8, 0xC8),
	REGI("fcom sti", 0xD8, 0xD0), REGI("fcomp sti", 0xD8, 0xD8),
	REGI("fsub st,sti", 0xD8, 0xE0), REGI("fsubr st,sti", 0xD8, 0xE8),
	REGI("fdiv st,sti", 0xD8, 0xF0), REGI("fdivr st,sti", 0xD8, 0xF8),
	REGI("fadd sti,st", 0xDC, 0xC0), REGI("fmul sti,st", 0xDC, 0xC8),
	REGI("fcom2 sti", 0xDC, 0xD0), REGI("fcomp3 sti", 0xDC, 0xD8),
	REGI("fsubr sti,st", 0xDC, 0xE0), REGI("fsub sti,st", 0xDC, 0xE8),
	REGI("fdivr sti,st", 0xDC, 0xF0), REGI("fdiv sti,st", 0xDC, 0xF8),
	REGI("faddp", 0xDE, 0xC0), REGI("fmulp", 0xDE, 0xC8), REGI("fcomp5", 0xDE, 0xD0),
	FIX("fcompp", 0xDE, 0xD9), REGI("fsubrp", 0xDE, 0xE0), REGI("fsubp", 0xDE, 0xE8),
	REGI("fdivrp", 0xDE, 0xF0), REGI("fdivp", 0xDE, 0xF8),
	MEMF("fld m32", 0xD9, 0, M_F32), MEMF("fst m32", 0xD9, 2, M_OUT),
	MEMF("fstp m32", 0xD9, 3, M_OUT), MEMF("fldcw", 0xD9, 5, M_CW),
	MEMF("fnstcw", 0xD9, 7, M_OUT),
	MEMF("fild m32", 0xDB, 0, M_I32), MEMF("fist m32", 0xDB, 2, M_OUT),
	MEMF("fistp m32", 0xDB, 3, M_OUT), MEMF("fld m80", 0xDB, 5, M_F80),
	MEMF("fstp m80", 0xDB, 7, M_OUT),
	MEMF("fld m64", 0xDD, 0, M_F64), MEMF("fst m64", 0xDD, 2, M_OUT),
	MEMF("fstp m64", 0xDD, 3, M_OUT), MEMF("fnstsw m16", 0xDD, 7, M_OUT),
	MEMF("fild m16", 0xDF, 0, M_I16), MEMF("fist m16", 0xDF, 2, M_OUT),
	MEMF("fistp m16", 0xDF, 3, M_OUT), MEMF("fbld", 0xDF, 4, M_BCD),
	MEMF("fild m64", 0xDF, 5, M_I64), MEMF("fbstp", 0xDF, 6, M_OUT),
	MEMF("fistp m64", 0xDF, 7, M_OUT),
	REGI("fld sti", 0xD9, 0xC0), REGI("fxch", 0xD9, 0xC8), FIX("fnop", 0xD9, 0xD0),
	/* FSTP1, the D9 D8+i alias of FSTP ST(i): with ST(0) empty, AMD's
	 * x87 pops without signaling the stack underflow that FSTP and the
	 * other aliases signal; this x87 treats all aliases alike, so that
	 * case is left out. */
	{ "fstp1", 0xD9, 0xD8, 1, M_NONE, 1 }, FIX("fchs", 0xD9, 0xE0), FIX("fabs", 0xD9, 0xE1),
	FIX("ftst", 0xD9, 0xE4), FIX("fxam", 0xD9, 0xE5), FIX("fld1", 0xD9, 0xE8),
	FIX("fldl2t", 0xD9, 0xE9), FIX("fldl2e", 0xD9, 0xEA), FIX("fldpi", 0xD9, 0xEB),
	FIX("fldlg2", 0xD9, 0xEC), FIX("fldln2", 0xD9, 0xED), FIX("fldz", 0xD9, 0xEE),
	FIX("fxtract", 0xD9, 0xF4), FIX("fprem1", 0xD9, 0xF5), FIX("fdecstp", 0xD9, 0xF6),
	FIX("fincstp", 0xD9, 0xF7), FIX("fprem", 0xD9, 0xF8), FIX("fsqrt", 0xD9, 0xFA),
	FIX("frndint", 0xD9, 0xFC), FIX("fscale", 0xD9, 0xFD),
	REGI("fcmovb", 0xDA, 0xC0), REGI("fcmove", 0xDA, 0xC8), REGI("fcmovbe", 0xDA, 0xD0),
	REGI("fcmovu", 0xDA, 0xD8), FIX("fucompp", 0xDA, 0xE9),
	REGI("fcmovnb", 0xDB, 0xC0), REGI("fcmovne", 0xDB, 0xC8), REGI("fcmovnbe", 0xDB, 0xD0),
	REGI("fcmovnu", 0xDB, 0xD8), FIX("fnclex", 0xDB, 0xE2), FIX("fninit", 0xDB, 0xE3),
	REGI("fucomi", 0xDB, 0xE8), REGI("fcomi", 0xDB, 0xF0),
	REGI("ffree", 0xDD, 0xC0), REGI("fxch4", 0xDD, 0xC8), REGI("fst sti", 0xDD, 0xD0),
	REGI("fstp sti", 0xDD, 0xD8), REGI("fucom", 0xDD, 0xE0), REGI("fucomp", 0xDD, 0xE8),
	REGI("ffreep", 0xDF, 0xC0), REGI("fxch7", 0xDF, 0xC8), REGI("fstp8", 0xDF, 0xD0),
	REGI("fstp9", 0xDF, 0xD8), FIX("fnstsw ax", 0xDF, 0xE0), REGI("fucomip", 0xDF, 0xE8),
	REGI("fcomip", 0xDF, 0xF0),
};

/* The transcendentals, with the argument domain their results are
 * defined on (F2XM1: |x| <= 1; FYL2XP1: |x| < 1 - sqrt(2)/2) and the
 * smallest share of results that must equal the host's to the last bit.
 * The rest may differ in the last place (and C1) only: the hardware's
 * results are within about half a unit in the last place of the true value
 * (of the argument reduced with its 66-bit pi), this x87's are correctly
 * rounded, and the two differ when the true value lies very close to
 * half-way between two numbers. FPTAN has the lowest rate: for arguments
 * below about 2^-33 the hardware's tangent lands on either side of the
 * argument, seemingly at random, where the true tangent is just above it,
 * which shows in the directed rounding modes. */
enum { D_ANY, D_F2XM1, D_YL2XP1, D_TRIG };
static const struct {
	struct form f;
	uint8_t domain;
	double min_rate;
} transc_forms[] = {
	{ FIX("fsin", 0xD9, 0xFE), D_TRIG, 0.98 },
	{ FIX("fcos", 0xD9, 0xFF), D_TRIG, 0.98 },
	{ FIX("fsincos", 0xD9, 0xFB), D_TRIG, 0.98 },
	{ FIX("fptan", 0xD9, 0xF2), D_TRIG, 0.90 },
	{ FIX("fpatan", 0xD9, 0xF3), D_ANY, 0.97 },
	{ FIX("f2xm1", 0xD9, 0xF0), D_F2XM1, 0.95 },
	{ FIX("fyl2x", 0xD9, 0xF1), D_ANY, 0.97 },
	{ FIX("fyl2xp1", 0xD9, 0xF9), D_YL2XP1, 0.95 },
};

static int verbose(void)
{
	const char *v = getenv("FPU_HOST_VERBOSE");
	return v ? atoi(v) : 0;
}

/* Fills the memory operand for a form. */
static void make_mem(uint64_t *s, struct fpu_case *c, unsigned kind)
{
	for (int i = 0; i < FPU_MEM_MAX; i++)
		c->mem[i] = (uint8_t)fh_rand(s);
	switch (kind) {
	case M_F32: fh_mem_real(s, c->mem, 4); break;
	case M_F64: fh_mem_real(s, c->mem, 8); break;
	case M_F80: {
		uint64_t sig;
		uint16_t se;
		fh_f80(s, &sig, &se);
		memcpy(c->mem, &sig, 8);
		memcpy(c->mem + 8, &se, 2);
		break;
	}
	case M_I16: fh_mem_int(s, c->mem, 2); break;
	case M_I32: fh_mem_int(s, c->mem, 4); break;
	case M_I64: fh_mem_int(s, c->mem, 8); break;
	case M_BCD:
		for (int i = 0; i < 9; i++) {
			unsigned d = fh_below(s, 100);
			c->mem[i] = (uint8_t)(((d / 10) << 4) | (d % 10));
		}
		c->mem[9] &= 0x80;
		if (fh_below(s, 8) == 0)
			c->mem[fh_below(s, 10)] |= 0xA0; /* an invalid digit */
		break;
	case M_CW:
		/* Any control word, but none that unmasks a flag already set
		 * (the host would then fault at the next waiting instruction,
		 * outside the test). */
		break;
	default: break;
	}
}

/* Runs `n` random cases of one form; returns the number of mismatches. */
static unsigned run_form(struct env *e, const struct form *f, unsigned n, uint64_t seed, bool unmask,
			 unsigned *printed)
{
	uint64_t s = seed;
	unsigned bad = 0;
	for (unsigned k = 0; k < n; k++) {
		struct fpu_case in, host, emu;
		fh_state(&s, &in, unmask && (k & 1));
		make_mem(&s, &in, f->mem);
		if (f->st0_valid) {
			unsigned top = (in.img[5] >> 3) & 7;
			uint16_t tw = (uint16_t)(in.img[8] | (in.img[9] << 8));
			tw &= (uint16_t)~(3u << (2 * top));
			in.img[8] = (uint8_t)tw;
			in.img[9] = (uint8_t)(tw >> 8);
		}
		if (k & 2) {
			/* ST(7) empty, so that pushes usually succeed. */
			unsigned top = (in.img[5] >> 3) & 7, r = (top + 7) & 7;
			uint16_t tw = (uint16_t)(in.img[8] | (in.img[9] << 8) | (3u << (2 * r)));
			in.img[8] = (uint8_t)tw;
			in.img[9] = (uint8_t)(tw >> 8);
		}
		if (f->mem == M_CW) {
			uint16_t sw = (uint16_t)(in.img[4] | (in.img[5] << 8));
			uint16_t cw = (uint16_t)(fh_rand(&s) | (sw & 0x3F));
			memcpy(in.mem, &cw, 2);
		}
		uint8_t insn[2] = { f->esc, (uint8_t)(f->modrm + (f->sti ? fh_below(&s, 8) : 0)) };
		host = emu = in;
#if FPU_HOST_AVAILABLE
		fh_run_host(&host, insn, 2);
#endif
		int vec = fh_run_emu(e, &emu, insn, 2);
		if (vec == -1 && fh_same(&host, &emu, 0))
			continue;
		if (bad++ < (unsigned)verbose() && (*printed)++ < 400) {
			printf("%s (%02x %02x) case %u: vector %d\n", f->name, insn[0], insn[1], k, vec);
			fh_print_regs("in  ", &in);
			fh_print_regs("host", &host);
			fh_print_regs("emu ", &emu);
		}
	}
	return bad;
}

/* Cases per form; FPU_HOST_CASES in the environment overrides it (and
 * FPU_HOST_SEED the seed) for longer searches. */
static unsigned cases(void)
{
	const char *v = getenv("FPU_HOST_CASES");
	return v ? (unsigned)atoi(v) : 4000;
}

static uint64_t seed_base(void)
{
	const char *v = getenv("FPU_HOST_SEED");
	return v ? strtoull(v, NULL, 0) : 0x9E3779B97F4A7C15ull;
}

static void test_basic_bit_exact(void **state)
{
	if (!FPU_HOST_AVAILABLE || !fh_host_page_ok())
		skip();
	struct env *e = env_new();
	unsigned total_bad = 0, printed = 0, n = cases();
	for (size_t i = 0; i < sizeof(basic_forms) / sizeof(basic_forms[0]); i++) {
		const struct form *f = &basic_forms[i];
		unsigned bad = run_form(e, f, n, seed_base() ^ (i * 0x1234567ull), true, &printed);
		if (bad)
			printf("%-14s %5u/%u differ\n", f->name, bad, n);
		total_bad += bad;
	}
	env_free(e);
	printf("basic x87 instructions: %zu forms x %u cases, %u differ from the host\n",
	       sizeof(basic_forms) / sizeof(basic_forms[0]), n, total_bad);
	assert_int_equal(total_bad, 0);
}

/* ST(0) (and ST(1)) in the instruction's domain most of the time: an
 * exponent spread over the range that matters, a random significand and
 * sign; the special classes of fh_f80 now and then. */
static void transc_args(uint64_t *s, struct fpu_case *c, unsigned domain)
{
	unsigned top = (c->img[5] >> 3) & 7;
	for (unsigned i = 0; i < 2; i++) {
		if (fh_below(s, 8) == 0)
			continue; /* keep fh_state's value */
		uint64_t sig = fh_rand(s) | 0x8000000000000000ull;
		int e;
		switch (domain) {
		case D_F2XM1: e = -(int)fh_below(s, 70); break;
		case D_YL2XP1: e = -2 - (int)fh_below(s, 70); break;
		case D_TRIG:
			e = fh_below(s, 4) ? (int)fh_below(s, 70) - 6 : -(int)fh_below(s, 200);
			break;
		default: e = (int)fh_below(s, 400) - 200; break;
		}
		if (i == 1 && domain != D_ANY)
			e = (int)fh_below(s, 40) - 20; /* ST(1): the multiplier */
		uint16_t se = (uint16_t)((fh_rand(s) & 0x8000) | (unsigned)(0x3FFF + e));
		uint8_t *p = c->img + 28 + 10 * i;
		memcpy(p, &sig, 8);
		memcpy(p + 8, &se, 2);
		(void)top;
	}
	/* Both operands present. */
	uint16_t tw = (uint16_t)(c->img[8] | (c->img[9] << 8));
	tw &= (uint16_t)~((3u << (2 * top)) | (3u << (2 * ((top + 1) & 7))));
	c->img[8] = (uint8_t)tw;
	c->img[9] = (uint8_t)(tw >> 8);
}

/* Whether ST(0) of the input is outside the domain where the result is
 * defined (F2XM1, FYL2XP1: the SDM leaves it undefined). */
static bool outside_domain(const struct fpu_case *c, unsigned domain)
{
	uint64_t sig;
	uint16_t se;
	memcpy(&sig, c->img + 28, 8);
	memcpy(&se, c->img + 36, 2);
	unsigned e = se & 0x7FFF;
	if (e == 0x7FFF || e == 0)
		return false;
	if (domain == D_F2XM1)
		return e > 0x3FFF || (e == 0x3FFF && sig != 0x8000000000000000ull);
	if (domain == D_YL2XP1) /* 1 - sqrt(2)/2 = 0.2928932188134524... */
		return e > 0x3FFD || (e == 0x3FFD && sig >= 0x95F619980C4336F7ull);
	return false;
}

/* Position of an extended value among its neighbours of the same sign:
 * consecutive values (across binades, denormals included) differ by 1. */
static unsigned __int128 ordinal(uint16_t se, uint64_t sig)
{
	unsigned e = se & 0x7FFF;
	if (e == 0)
		e = 1;
	return ((unsigned __int128)(e - 1) << 63) + sig;
}

/* A difference only in the last bit of results (and C1). */
static bool last_bit_only(const struct fpu_case *a, const struct fpu_case *b)
{
	uint16_t swa = (uint16_t)(a->img[4] | (a->img[5] << 8)), swb = (uint16_t)(b->img[4] | (b->img[5] << 8));
	if (memcmp(a->img, b->img, 2) || ((swa ^ swb) & ~0x0200) || memcmp(a->img + 8, b->img + 8, 2))
		return false;
	for (int i = 0; i < 8; i++) {
		uint64_t sa, sb;
		uint16_t ea, eb;
		memcpy(&sa, a->img + 28 + 10 * i, 8);
		memcpy(&sb, b->img + 28 + 10 * i, 8);
		memcpy(&ea, a->img + 36 + 10 * i, 2);
		memcpy(&eb, b->img + 36 + 10 * i, 2);
		unsigned __int128 oa = ordinal(ea, sa), ob = ordinal(eb, sb);
		if ((ea ^ eb) & 0x8000 || (oa != ob && oa - ob != 1 && ob - oa != 1))
			return false;
	}
	return true;
}

static void test_transcendental_rates(void **state)
{
	if (!FPU_HOST_AVAILABLE || !fh_host_page_ok())
		skip();
	struct env *e = env_new();
	unsigned n = cases(), failures = 0;
	for (size_t i = 0; i < sizeof(transc_forms) / sizeof(transc_forms[0]); i++) {
		const struct form *f = &transc_forms[i].f;
		uint64_t s = seed_base() ^ (0xABCDEFull * (i + 1));
		unsigned total = 0, same = 0, last_bit = 0, other = 0, shown = 0;
		for (unsigned k = 0; k < n; k++) {
			struct fpu_case in, host, emu;
			fh_state(&s, &in, k & 1);
			transc_args(&s, &in, transc_forms[i].domain);
			if (k & 2) {
				unsigned top = (in.img[5] >> 3) & 7, r = (top + 7) & 7;
				uint16_t tw = (uint16_t)(in.img[8] | (in.img[9] << 8) | (3u << (2 * r)));
				in.img[8] = (uint8_t)tw;
				in.img[9] = (uint8_t)(tw >> 8);
			}
			if (outside_domain(&in, transc_forms[i].domain))
				continue;
			const uint8_t insn[2] = { f->esc, f->modrm };
			host = emu = in;
#if FPU_HOST_AVAILABLE
			fh_run_host(&host, insn, 2);
#endif
			int vec = fh_run_emu(e, &emu, insn, 2);
			total++;
			if (vec == -1 && fh_same(&host, &emu, 0)) {
				same++;
				continue;
			}
			bool lb = vec == -1 && last_bit_only(&host, &emu);
			lb ? last_bit++ : other++;
			if ((!lb || verbose() > 100) && shown++ < (unsigned)verbose()) {
				printf("%s case %u: %s\n", f->name, k, lb ? "last bit" : "DIFFERENT");
				fh_print_regs("in  ", &in);
				fh_print_regs("host", &host);
				fh_print_regs("emu ", &emu);
			}
		}
		double rate = total ? (double)same / total : 1.0;
		printf("%-8s %6u cases: %6.2f%% bit-exact, %u differ in the last bit, %u otherwise\n",
		       f->name, total, 100.0 * rate, last_bit, other);
		if (other || rate < transc_forms[i].min_rate)
			failures++;
	}
	env_free(e);
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_bit_exact),
		cmocka_unit_test(test_transcendental_rates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
