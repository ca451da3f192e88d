/* test_fpu.c: the x87 without reference to the host's: reset and FNINIT
 * states, the BIOS probe in real mode, #NM and #UD, unmasked exceptions
 * pending until a waiting instruction (#MF with CR0.NE, FERR# and IGNNE#
 * without), the four environment layouts, FSAVE/FRSTOR round trips and
 * faulting stores, and results with known values: precision and rounding
 * control, FXAM classes, FPREM quotient bits, FSIN out of range, integer
 * and BCD indefinites, stack faults, the constants, FCOMI and FCMOV.
 * Instructions are decoded from their bytes and run through their
 * handlers on the bare CPU of handler_env.h (real mode, 16-bit code,
 * DS base 0x20000). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cpu/decode.h"
#include "cpu/fpu.h"
#include "handler_env.h"

#define DS_BASE (ENV_DS << 4)

static int setup(void **state)
{
	*state = env_new();
	return 0;
}

static int teardown(void **state)
{
	env_free(*state);
	return 0;
}

/* Decodes and runs one instruction at CS:0100; returns the vector it
 * raised or -1. */
static int run(struct env *e, bool code32, const uint8_t *bytes, unsigned len)
{
	struct x86_insn in;
	if (x86_decode(&in, bytes, len, code32) != X86_DECODE_OK)
		return -2;
	e->cpu.eip = 0x100;
	e->cpu.next_eip = (0x100 + in.len) & (code32 ? 0xFFFFFFFFu : 0xFFFFu);
	return env_exec(e, in.op->handler, &in);
}
#define BYTES(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })
#define RUN(e, ...) run(e, false, BYTES(__VA_ARGS__))
#define RUN32(e, ...) run(e, true, BYTES(__VA_ARGS__))

/* Instructions used throughout (16-bit addressing: [disp16] is rm 6). */
#define FNINIT 0xDB, 0xE3
#define FLD1 0xD9, 0xE8
#define FLDZ 0xD9, 0xEE
#define FLDPI 0xD9, 0xEB
#define FWAIT_BYTE 0x9B
#define FLDCW_AT(a) 0xD9, 0x2E, (a) & 0xFF, (a) >> 8
#define FNSTCW_AT(a) 0xD9, 0x3E, (a) & 0xFF, (a) >> 8
#define FLD_M80_AT(a) 0xDB, 0x2E, (a) & 0xFF, (a) >> 8
#define FSTP_M80_AT(a) 0xDB, 0x3E, (a) & 0xFF, (a) >> 8

static void set_cw(struct env *e, uint16_t cw)
{
	env_w16(e, DS_BASE + 0x500, cw);
	assert_int_equal(RUN(e, FLDCW_AT(0x500)), -1);
}

/* Pushes an extended value through memory (FLD m80). */
static void push80(struct env *e, uint16_t se, uint64_t sig)
{
	env_w32(e, DS_BASE + 0x510, (uint32_t)sig);
	env_w32(e, DS_BASE + 0x514, (uint32_t)(sig >> 32));
	env_w16(e, DS_BASE + 0x518, se);
	assert_int_equal(RUN(e, FLD_M80_AT(0x510)), -1);
}

/* ST(i) as seen through the FSAVE image's register order. */
static fpu_f80 st(struct env *e, unsigned i)
{
	const struct fpu *f = &e->cpu.fpu;
	return f->reg[(((f->sw >> 11) & 7) + i) & 7];
}

static unsigned top(struct env *e)
{
	return (e->cpu.fpu.sw >> 11) & 7;
}

/* --- states -------------------------------------------------------------------- */

static void test_reset_and_init_state(void **state)
{
	struct env *e = *state;
	struct fpu *f = &e->cpu.fpu;
	/* RESET (SDM vol. 3 table 9-1): CW 0040h, every register +0.0. */
	assert_int_equal(f->cw, 0x0040);
	assert_int_equal(f->sw, 0);
	assert_int_equal(fpu_tag_word(f), 0x5555);
	for (int i = 0; i < 8; i++)
		assert_true(f->reg[i].sig == 0 && f->reg[i].se == 0);
	assert_int_equal(RUN(e, FNINIT), -1);
	assert_int_equal(f->cw, 0x037F);
	assert_int_equal(f->sw, 0);
	assert_int_equal(fpu_tag_word(f), 0xFFFF);
	/* Reserved control bits: bit 6 reads 1, bits 13-15 read 0. */
	set_cw(e, 0xFFBF);
	assert_int_equal(f->cw, 0x1F7F);
}

/* The BIOS probe: FNINIT; FNSTSW AX clears AX; FNSTCW reads 037Fh. */
static void test_real_mode_probe(void **state)
{
	struct env *e = *state;
	assert_int_equal(RUN(e, FNINIT), -1);
	e->cpu.regs[REG_EAX] = 0xDEADFFFF;
	assert_int_equal(RUN(e, 0xDF, 0xE0), -1); /* FNSTSW AX */
	assert_int_equal(e->cpu.regs[REG_EAX], 0xDEAD0000);
	env_w16(e, DS_BASE + 0x600, 0x5A5A);
	assert_int_equal(RUN(e, FNSTCW_AT(0x600)), -1);
	assert_int_equal(env_r16(e, DS_BASE + 0x600), 0x037F);
	env_w16(e, DS_BASE + 0x602, 0x5A5A);
	assert_int_equal(RUN(e, 0xDD, 0x3E, 0x02, 0x06), -1); /* FNSTSW [0602] */
	assert_int_equal(env_r16(e, DS_BASE + 0x602), 0);
}

/* --- #NM and #UD ---------------------------------------------------------------- */

static void test_nm_and_ud(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	assert_int_equal(RUN(e, FNINIT), -1);
	c->cr[0] |= CR0_EM;
	assert_int_equal(RUN(e, FLD1), EXC_NM);
	assert_int_equal(RUN(e, 0xD9, 0xD1), EXC_NM); /* undefined, but EM first */
	assert_int_equal(top(e), 0);
	c->cr[0] &= ~(uint32_t)CR0_EM;
	c->cr[0] |= CR0_TS;
	assert_int_equal(RUN(e, FNINIT), EXC_NM);
	/* WAIT: #NM only with TS and MP. */
	assert_int_equal(RUN(e, FWAIT_BYTE), -1);
	c->cr[0] |= CR0_MP;
	assert_int_equal(RUN(e, FWAIT_BYTE), EXC_NM);
	c->cr[0] &= ~(uint32_t)(CR0_TS | CR0_MP);
	assert_int_equal(RUN(e, 0xD9, 0xD1), EXC_UD);            /* D9 D1 */
	assert_int_equal(RUN(e, 0xDB, 0x0E, 0, 6), EXC_UD);      /* FISTTP: SSE3 */
	assert_int_equal(RUN(e, 0xD9, 0x0E, 0, 6), EXC_UD);      /* D9 /1 */
	assert_int_equal(RUN(e, 0xDB, 0xE5), EXC_UD);
	assert_int_equal(RUN(e, 0xDE, 0xD8), EXC_UD);            /* DE /3 but D9 */
	assert_int_equal(RUN(e, FLD1), -1);
	assert_int_equal(top(e), 7);
}

/* --- unmasked exceptions ---------------------------------------------------------- */

/* 1/0 with the zero divide unmasked: nothing stored or popped, ES and B
 * set, and the next waiting instruction (not an FN* one) raises #MF with
 * CR0.NE, leaving the state alone until FNCLEX. */
static void test_pending_exception_mf(void **state)
{
	struct env *e = *state;
	struct fpu *f = &e->cpu.fpu;
	e->cpu.cr[0] |= CR0_NE;
	assert_int_equal(RUN(e, FNINIT), -1);
	set_cw(e, 0x037B);
	assert_int_equal(RUN(e, FLD1), -1);
	assert_int_equal(RUN(e, FLDZ), -1);
	assert_int_equal(RUN(e, 0xDE, 0xF9), -1); /* FDIVP: the fault is deferred */
	assert_int_equal(f->sw, 0x8000 | 0x3000 | 0x80 | FSW_ZE);
	assert_int_equal(f->fop, 0x6F9);
	assert_int_equal(RUN(e, 0xDF, 0xE0), -1); /* FNSTSW AX does not wait */
	assert_int_equal(RUN(e, FLD1), EXC_MF);
	assert_int_equal(RUN(e, FWAIT_BYTE), EXC_MF);
	assert_int_equal(top(e), 6);
	assert_int_equal(f->fop, 0x6F9); /* still the FDIVP's */
	assert_int_equal(RUN(e, 0xDB, 0xE2), -1); /* FNCLEX */
	assert_int_equal(f->sw, 0x3000);
	assert_int_equal(RUN(e, FWAIT_BYTE), -1);
	/* FLDCW unmasking a flag already set makes it pending. */
	assert_int_equal(RUN(e, 0xDE, 0xF9), -1);
	assert_int_equal(RUN(e, 0xDB, 0xE2), -1);
	set_cw(e, 0x037F);
	e->cpu.fpu.sw |= FSW_PE;
	set_cw(e, 0x035F);
	assert_true(f->sw & FSW_ES);
	assert_int_equal(RUN(e, FWAIT_BYTE), EXC_MF);
}

struct ferr_log {
	int raised, lowered;
};

static void ferr_cb(void *opaque, bool level)
{
	struct ferr_log *l = opaque;
	if (level)
		l->raised++;
	else
		l->lowered++;
}

/* CR0.NE=0: FERR# goes up with the error; the next waiting instruction
 * freezes (it is to restart and does nothing) until IGNNE# is asserted or
 * the error cleared; clearing it drops FERR# and IGNNE#. */
static void test_ferr_and_ignne(void **state)
{
	struct env *e = *state;
	struct fpu *f = &e->cpu.fpu;
	struct ferr_log log = { 0, 0 };
	f->ferr = ferr_cb;
	f->ferr_opaque = &log;
	assert_int_equal(RUN(e, FNINIT), -1);
	set_cw(e, 0x037B);
	assert_int_equal(RUN(e, FLD1), -1);
	assert_int_equal(RUN(e, FLDZ), -1);
	assert_int_equal(RUN(e, 0xDE, 0xF9), -1);
	assert_int_equal(log.raised, 1);
	assert_int_equal(RUN(e, FLD1), -1);
	assert_int_equal(e->cpu.next_eip, e->cpu.eip); /* restarts */
	assert_int_equal(top(e), 6);                    /* did nothing */
	assert_int_equal(RUN(e, FWAIT_BYTE), -1);
	assert_int_equal(e->cpu.next_eip, e->cpu.eip);
	fpu_set_ignne(f, true);
	assert_int_equal(RUN(e, FLD1), -1);
	assert_int_equal(e->cpu.next_eip, e->cpu.eip + 2);
	assert_int_equal(top(e), 5);
	assert_int_equal(log.raised, 1);
	assert_int_equal(RUN(e, 0xDB, 0xE2), -1); /* FNCLEX */
	assert_int_equal(log.lowered, 1);
	assert_false(f->ignne);
	/* Nothing wired: the error is ignored. */
	f->ferr = NULL;
	assert_int_equal(RUN(e, FLDZ), -1);
	assert_int_equal(RUN(e, 0xDE, 0xF9), -1);
	assert_true(f->sw & FSW_ES);
	assert_int_equal(RUN(e, FLD1), -1);
	assert_int_equal(e->cpu.next_eip, e->cpu.eip + 2);
}

/* --- environment and save images -------------------------------------------------------- */

/* Runs FLD m80 at 1234:0100 from DS:0520 so the pointers are known. */
static void known_pointers(struct env *e)
{
	cpu_load_seg_real(&e->cpu, SEG_CS, 0x1234);
	push80(e, 0x3FFF, 0x8000000000000000ull);
	env_w32(e, DS_BASE + 0x520, 0);
	env_w32(e, DS_BASE + 0x524, 0xC0000000u);
	env_w16(e, DS_BASE + 0x528, 0x4000);
	assert_int_equal(RUN(e, FLD_M80_AT(0x520)), -1);
}

static void test_env_layouts(void **state)
{
	struct env *e = *state;
	struct fpu *f = &e->cpu.fpu;
	assert_int_equal(RUN(e, FNINIT), -1);
	known_pointers(e);
	uint8_t b[28];
	uint32_t ip_lin = 0x12340 + 0x100, dp_lin = DS_BASE + 0x520;

	fpu_store_env(f, FPU_ENV_16_REAL, b);
	assert_int_equal(b[0] | (b[1] << 8), 0x037F);
	assert_int_equal(b[4] | (b[5] << 8), 0x0FFF); /* two valid, the rest empty */
	assert_int_equal(b[6] | (b[7] << 8), ip_lin & 0xFFFF);
	assert_int_equal(b[8] | (b[9] << 8), ((ip_lin >> 4) & 0xF000) | 0x32E); /* DB 2E */
	assert_int_equal(b[10] | (b[11] << 8), dp_lin & 0xFFFF);
	assert_int_equal(b[12] | (b[13] << 8), (dp_lin >> 4) & 0xF000);

	fpu_store_env(f, FPU_ENV_16_PROT, b);
	assert_int_equal(b[6] | (b[7] << 8), 0x100);
	assert_int_equal(b[8] | (b[9] << 8), 0x1234);
	assert_int_equal(b[10] | (b[11] << 8), 0x520);
	assert_int_equal(b[12] | (b[13] << 8), ENV_DS);

	fpu_store_env(f, FPU_ENV_32_PROT, b);
	assert_int_equal(b[0] | (b[1] << 8) | (b[2] << 16) | ((uint32_t)b[3] << 24), 0xFFFF037F);
	assert_int_equal(b[12] | (b[13] << 8), 0x100);
	assert_int_equal(b[16] | (b[17] << 8), 0x1234);
	assert_int_equal(b[18] | (b[19] << 8), 0x32E);
	assert_int_equal(b[20] | (b[21] << 8), 0x520);
	assert_int_equal(b[24] | (b[25] << 8), ENV_DS);

	fpu_store_env(f, FPU_ENV_32_REAL, b);
	assert_int_equal(b[12] | (b[13] << 8), ip_lin & 0xFFFF);
	uint32_t w16 = b[16] | (b[17] << 8) | (b[18] << 16) | ((uint32_t)b[19] << 24);
	assert_int_equal(w16, ((ip_lin >> 16) << 12) | 0x32E);
	uint32_t w24 = b[24] | (b[25] << 8) | (b[26] << 16) | ((uint32_t)b[27] << 24);
	assert_int_equal(w24, (dp_lin >> 16) << 12);

	/* FNSTENV picks the layout from the mode and operand size, then
	 * masks every exception. */
	set_cw(e, 0x0360);
	memset(b, 0xAA, sizeof(b));
	phys_write_block(&e->pm, DS_BASE + 0x700, b, 28);
	assert_int_equal(RUN(e, 0xD9, 0x36, 0x00, 0x07), -1); /* FNSTENV [0700], 14 bytes */
	assert_int_equal(env_r16(e, DS_BASE + 0x700), 0x0360);
	assert_int_equal(env_r8(e, DS_BASE + 0x700 + 14), 0xAA);
	assert_int_equal(f->cw, 0x037F);
	assert_int_equal(RUN(e, 0x66, 0xD9, 0x36, 0x00, 0x07), -1); /* 28 bytes */
	assert_int_equal(env_r16(e, DS_BASE + 0x700 + 4), f->sw);
	assert_int_equal(env_r16(e, DS_BASE + 0x700 + 14), 0xFFFF);
}

/* FNSAVE then FRSTOR in each layout gives back the same state; FNSAVE
 * leaves the FNINIT state behind. */
static void test_fsave_frstor_round_trip(void **state)
{
	struct env *e = *state;
	struct fpu *f = &e->cpu.fpu;
	for (int layout = 0; layout < 4; layout++) {
		bool wide = layout & 1, prot = layout & 2;
		assert_int_equal(RUN(e, FNINIT), -1);
		known_pointers(e);
		push80(e, 0x0000, 0x0000000012345678ull); /* denormal: special */
		assert_int_equal(RUN(e, FLDZ), -1);
		set_cw(e, 0x0A7F);
		f->sw |= FSW_PE | FSW_C3;
		struct fpu before = *f;
		if (prot)
			e->cpu.cr[0] |= CR0_PE;
		const uint8_t save16[] = { 0xDD, 0x36, 0x00, 0x08 }, save32[] = { 0x66, 0xDD, 0x36, 0x00, 0x08 };
		const uint8_t rstor16[] = { 0xDD, 0x26, 0x00, 0x08 }, rstor32[] = { 0x66, 0xDD, 0x26, 0x00, 0x08 };
		assert_int_equal(wide ? run(e, false, save32, 5) : run(e, false, save16, 4), -1);
		assert_int_equal(f->cw, 0x037F);
		assert_int_equal(fpu_tag_word(f), 0xFFFF);
		assert_int_equal(f->sw, 0);
		unsigned env = wide ? 28 : 14;
		/* ST(0) = +0 first, then the denormal. */
		assert_int_equal(env_r16(e, DS_BASE + 0x800 + env + 8), 0);
		assert_int_equal(env_r32(e, DS_BASE + 0x800 + env + 10), 0x12345678);
		/* R4 zero, R5 special, R6 and R7 valid, the rest empty. */
		assert_int_equal(env_r16(e, DS_BASE + 0x800 + (wide ? 8 : 4)), 0x09FF);
		assert_int_equal(wide ? run(e, false, rstor32, 5) : run(e, false, rstor16, 4), -1);
		e->cpu.cr[0] &= ~(uint32_t)CR0_PE;
		assert_int_equal(f->cw, before.cw);
		assert_int_equal(f->sw, before.sw);
		assert_int_equal(f->empty, before.empty);
		/* Field by field: the struct's padding bytes carry nothing. */
		for (int r = 0; r < 8; r++) {
			assert_int_equal(f->reg[r].sig, before.reg[r].sig);
			assert_int_equal(f->reg[r].se, before.reg[r].se);
		}
		if (wide || !prot) /* the 16-bit protected image has no opcode */
			assert_int_equal(f->fop, before.fop);
		if (prot) {
			assert_int_equal(f->fip, before.fip);
			assert_int_equal(f->fcs, before.fcs);
			assert_int_equal(f->fdp & 0xFFFF, before.fdp);
		} else {
			/* Real-mode images hold linear addresses. */
			assert_int_equal((f->fcs << 4) + f->fip, (before.fcs << 4) + before.fip);
			assert_int_equal((f->fds << 4) + f->fdp, (before.fds << 4) + before.fdp);
		}
	}
}

/* A store that cannot complete changes nothing: FNSAVE past the DS limit
 * does not reinitialize; FSTP m80 there does not pop. */
static void test_faulting_stores_keep_state(void **state)
{
	struct env *e = *state;
	struct fpu *f = &e->cpu.fpu;
	assert_int_equal(RUN(e, FNINIT), -1);
	assert_int_equal(RUN(e, FLDPI), -1);
	struct fpu before = *f;
	assert_int_equal(RUN(e, 0xDD, 0x36, 0xD0, 0xFF), EXC_GP); /* FNSAVE [FFD0]: 94 bytes */
	assert_memory_equal(f, &before, sizeof(before));
	assert_int_equal(RUN(e, FSTP_M80_AT(0xFFF8)), EXC_GP);
	assert_int_equal(top(e), 7);
	assert_int_equal(RUN(e, FSTP_M80_AT(0xFFF6)), -1);
	assert_int_equal(top(e), 0);
}

/* --- values -------------------------------------------------------------------------------- */

/* 1/3 in every precision and rounding mode. */
static void test_precision_and_rounding(void **state)
{
	struct env *e = *state;
	static const struct {
		uint16_t cw;
		uint64_t sig;
		bool c1; /* rounded up */
	} cases[] = {
		{ 0x007F, 0xAAAAAB0000000000ull, 1 }, { 0x047F, 0xAAAAAA0000000000ull, 0 },
		{ 0x087F, 0xAAAAAB0000000000ull, 1 }, { 0x0C7F, 0xAAAAAA0000000000ull, 0 },
		{ 0x027F, 0xAAAAAAAAAAAAA800ull, 0 }, { 0x067F, 0xAAAAAAAAAAAAA800ull, 0 },
		{ 0x0A7F, 0xAAAAAAAAAAAAB000ull, 1 }, { 0x037F, 0xAAAAAAAAAAAAAAABull, 1 },
		{ 0x077F, 0xAAAAAAAAAAAAAAAAull, 0 }, { 0x0B7F, 0xAAAAAAAAAAAAAAABull, 1 },
		{ 0x0F7F, 0xAAAAAAAAAAAAAAAAull, 0 },
	};
	env_w16(e, DS_BASE + 0x540, 3);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(RUN(e, FNINIT), -1);
		set_cw(e, cases[i].cw);
		assert_int_equal(RUN(e, FLD1), -1);
		assert_int_equal(RUN(e, 0xDE, 0x36, 0x40, 0x05), -1); /* FIDIV word [0540] */
		assert_int_equal(st(e, 0).se, 0x3FFD);
		assert_true(st(e, 0).sig == cases[i].sig);
		assert_true(e->cpu.fpu.sw & FSW_PE);
		assert_int_equal(!!(e->cpu.fpu.sw & FSW_C1), cases[i].c1);
	}
}

/* Ties round to even: 1 + 2^-64 and 1 + 3 * 2^-64 (half-way cases of the
 * 64-bit significand) go to 1 and to 1 + 2^-62. */
static void test_ties_to_even(void **state)
{
	struct env *e = *state;
	assert_int_equal(RUN(e, FNINIT), -1);
	assert_int_equal(RUN(e, FLD1), -1);
	push80(e, 0x3FBF, 0x8000000000000000ull); /* 2^-64 */
	assert_int_equal(RUN(e, 0xDE, 0xC1), -1);  /* FADDP */
	assert_true(st(e, 0).se == 0x3FFF && st(e, 0).sig == 0x8000000000000000ull);
	assert_int_equal(e->cpu.fpu.sw & (FSW_PE | FSW_C1), FSW_PE);
	push80(e, 0x3FC0, 0xC000000000000000ull); /* 3 * 2^-64 */
	assert_int_equal(RUN(e, 0xDE, 0xC1), -1);
	assert_true(st(e, 0).se == 0x3FFF && st(e, 0).sig == 0x8000000000000002ull);
	assert_int_equal(e->cpu.fpu.sw & (FSW_PE | FSW_C1), FSW_PE | FSW_C1);
}

static void test_fxam_classes(void **state)
{
	struct env *e = *state;
	static const struct {
		uint16_t se;
		uint64_t sig;
		uint16_t cc; /* C3 C2 C1 C0 bits of the status word */
	} cases[] = {
		{ 0x3FFF, 0x8000000000000000ull, FSW_C2 },                   /* normal */
		{ 0x8000, 0, FSW_C3 | FSW_C1 },                              /* -0 */
		{ 0x0000, 0x0000000000000001ull, FSW_C3 | FSW_C2 },          /* denormal */
		{ 0x7FFF, 0x8000000000000000ull, FSW_C2 | FSW_C0 },          /* +inf */
		{ 0xFFFF, 0xC000000000000000ull, FSW_C1 | FSW_C0 },          /* NaN */
		{ 0x4000, 0x4000000000000000ull, 0 },                        /* unnormal */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(RUN(e, FNINIT), -1);
		push80(e, cases[i].se, cases[i].sig);
		assert_int_equal(RUN(e, 0xD9, 0xE5), -1);
		assert_int_equal(e->cpu.fpu.sw & FSW_CC, cases[i].cc);
	}
	assert_int_equal(RUN(e, FNINIT), -1);
	assert_int_equal(RUN(e, 0xD9, 0xE5), -1); /* empty */
	assert_int_equal(e->cpu.fpu.sw & (FSW_C3 | FSW_C2 | FSW_C0), FSW_C3 | FSW_C0);
}

static void test_fprem_quotient_bits(void **state)
{
	struct env *e = *state;
	struct fpu *f = &e->cpu.fpu;
	/* 10 rem 3 = 1, quotient 3: C3 = Q1, C1 = Q0, C0 = Q2. */
	assert_int_equal(RUN(e, FNINIT), -1);
	push80(e, 0x4000, 0xC000000000000000ull); /* 3 */
	push80(e, 0x4002, 0xA000000000000000ull); /* 10 */
	assert_int_equal(RUN(e, 0xD9, 0xF8), -1);
	assert_int_equal(f->sw & FSW_CC, FSW_C3 | FSW_C1);
	assert_true(st(e, 0).se == 0x3FFF && st(e, 0).sig == 0x8000000000000000ull);
	/* 29 rem 3 = 2, quotient 9 = 1001b: C0 = 0, C3 = 0, C1 = 1; FPREM1
	 * rounds the quotient to 10: -1, 1010b. */
	push80(e, 0x4003, 0xE800000000000000ull); /* 29 over the 1 */
	assert_int_equal(RUN(e, 0xDD, 0xD9), -1);  /* FSTP ST(1): drop the 1 */
	assert_int_equal(RUN(e, 0xD9, 0xF8), -1);
	assert_int_equal(f->sw & FSW_CC, FSW_C1);
	assert_true(st(e, 0).se == 0x4000 && st(e, 0).sig == 0x8000000000000000ull);
	push80(e, 0x4003, 0xE800000000000000ull);
	assert_int_equal(RUN(e, 0xDD, 0xD9), -1);
	assert_int_equal(RUN(e, 0xD9, 0xF5), -1);
	assert_int_equal(f->sw & FSW_CC, FSW_C3);
	assert_true(st(e, 0).se == 0xBFFF && st(e, 0).sig == 0x8000000000000000ull);
	/* 2^100 rem 3: too far apart for one step: C2 (incomplete). */
	push80(e, 0x4063, 0x8000000000000000ull);
	assert_int_equal(RUN(e, 0xDD, 0xD9), -1);
	assert_int_equal(RUN(e, 0xD9, 0xF8), -1);
	assert_true(f->sw & FSW_C2);
	for (int i = 0; i < 4 && (f->sw & FSW_C2); i++)
		assert_int_equal(RUN(e, 0xD9, 0xF8), -1);
	assert_false(f->sw & FSW_C2);
	/* 2^100 mod 3 = 1 */
	assert_true(st(e, 0).se == 0x3FFF && st(e, 0).sig == 0x8000000000000000ull);
}

/* FSIN of |x| >= 2^63: C2 set, the operand stays. Below: C2 clear. */
static void test_fsin_out_of_range(void **state)
{
	struct env *e = *state;
	struct fpu *f = &e->cpu.fpu;
	assert_int_equal(RUN(e, FNINIT), -1);
	push80(e, 0x403E, 0x8000000000000000ull); /* 2^63 */
	assert_int_equal(RUN(e, 0xD9, 0xFE), -1);
	assert_true(f->sw & FSW_C2);
	assert_true(st(e, 0).se == 0x403E && st(e, 0).sig == 0x8000000000000000ull);
	assert_false(f->sw & FSW_PE);
	/* sin(pi) with the x87's pi: the tiny difference to the true pi. */
	assert_int_equal(RUN(e, FNINIT), -1);
	assert_int_equal(RUN(e, FLDPI), -1);
	assert_int_equal(RUN(e, 0xD9, 0xFE), -1);
	assert_false(f->sw & FSW_C2);
	/* x - pi66 = 2^-64 exactly, so the result is -sin(2^-64), rounded
	 * up in magnitude to -2^-64. */
	assert_int_equal(st(e, 0).se, 0xBFBF);
	assert_true(st(e, 0).sig == 0x8000000000000000ull);
	assert_true(f->sw & FSW_C1);
}

static void test_integer_and_bcd_stores(void **state)
{
	struct env *e = *state;
	struct fpu *f = &e->cpu.fpu;
	/* 40000 does not fit 16 bits: masked IE, the integer indefinite. */
	assert_int_equal(RUN(e, FNINIT), -1);
	push80(e, 0x400E, 0x9C40000000000000ull);
	assert_int_equal(RUN(e, 0xDF, 0x1E, 0x00, 0x09), -1); /* FISTP word [0900] */
	assert_int_equal(env_r16(e, DS_BASE + 0x900), 0x8000);
	assert_true(f->sw & FSW_IE);
	assert_int_equal(top(e), 0);
	/* -2.5 to 32 bits in each rounding mode. */
	static const struct {
		uint16_t cw;
		uint32_t v;
	} r[] = { { 0x037F, 0xFFFFFFFEu }, { 0x077F, 0xFFFFFFFDu }, { 0x0B7F, 0xFFFFFFFEu },
		  { 0x0F7F, 0xFFFFFFFEu } };
	for (int i = 0; i < 4; i++) {
		assert_int_equal(RUN(e, FNINIT), -1);
		set_cw(e, r[i].cw);
		push80(e, 0xC000, 0xA000000000000000ull);
		assert_int_equal(RUN(e, 0xDB, 0x1E, 0x00, 0x09), -1); /* FISTP dword */
		assert_int_equal(env_r32(e, DS_BASE + 0x900), r[i].v);
		assert_true(f->sw & FSW_PE);
	}
	/* FBSTP: 10^18 - 1 fits, 10^18 does not. */
	assert_int_equal(RUN(e, FNINIT), -1);
	env_w32(e, DS_BASE + 0x920, 0xA763FFFFu); /* 999999999999999999 */
	env_w32(e, DS_BASE + 0x924, 0x0DE0B6B3u);
	assert_int_equal(RUN(e, 0xDF, 0x2E, 0x20, 0x09), -1); /* FILD qword */
	assert_int_equal(RUN(e, 0xDF, 0x36, 0x30, 0x09), -1); /* FBSTP [0930] */
	for (int i = 0; i < 9; i++)
		assert_int_equal(env_r8(e, DS_BASE + 0x930 + i), 0x99);
	assert_int_equal(env_r8(e, DS_BASE + 0x939), 0);
	assert_false(f->sw & FSW_IE);
	env_w32(e, DS_BASE + 0x920, 0xA7640000u); /* 10^18 */
	assert_int_equal(RUN(e, 0xDF, 0x2E, 0x20, 0x09), -1);
	assert_int_equal(RUN(e, 0xDF, 0x36, 0x30, 0x09), -1);
	assert_int_equal(env_r16(e, DS_BASE + 0x938), 0xFFFF);
	assert_int_equal(env_r8(e, DS_BASE + 0x937), 0xC0);
	assert_true(f->sw & FSW_IE);
	/* FBLD back: -0 keeps its sign. */
	for (int i = 0; i < 9; i++)
		env_w8(e, DS_BASE + 0x940 + i, 0);
	env_w8(e, DS_BASE + 0x949, 0x80);
	assert_int_equal(RUN(e, 0xDF, 0x26, 0x40, 0x09), -1);
	assert_int_equal(st(e, 0).se, 0x8000);
}

/* Stack overflow: the ninth push sets IE, SF and C1 and (masked) leaves
 * the indefinite; an empty operand is an underflow with C1 clear. */
static void test_stack_faults(void **state)
{
	struct env *e = *state;
	struct fpu *f = &e->cpu.fpu;
	assert_int_equal(RUN(e, FNINIT), -1);
	for (int i = 0; i < 8; i++)
		assert_int_equal(RUN(e, FLD1), -1);
	assert_int_equal(f->sw & (FSW_IE | FSW_SF), 0);
	assert_int_equal(RUN(e, FLDZ), -1);
	assert_int_equal(f->sw & (FSW_IE | FSW_SF | FSW_C1), FSW_IE | FSW_SF | FSW_C1);
	assert_true(st(e, 0).se == 0xFFFF && st(e, 0).sig == 0xC000000000000000ull);
	assert_int_equal(RUN(e, FNINIT), -1);
	assert_int_equal(RUN(e, 0xD8, 0xC1), -1); /* FADD ST, ST(1): both empty */
	assert_int_equal(f->sw & (FSW_IE | FSW_SF | FSW_C1), FSW_IE | FSW_SF);
	assert_true(st(e, 0).se == 0xFFFF && st(e, 0).sig == 0xC000000000000000ull);
	/* Unmasked: nothing changes. */
	assert_int_equal(RUN(e, FNINIT), -1);
	set_cw(e, 0x037E);
	assert_int_equal(RUN(e, 0xD9, 0xFA), -1); /* FSQRT of an empty ST(0) */
	assert_int_equal(fpu_tag_word(f), 0xFFFF);
	assert_true(f->sw & FSW_ES);
}

static void test_constants(void **state)
{
	struct env *e = *state;
	static const uint64_t pi[4] = { 0xC90FDAA22168C235ull, 0xC90FDAA22168C234ull,
					0xC90FDAA22168C235ull, 0xC90FDAA22168C234ull };
	for (unsigned rc = 0; rc < 4; rc++) {
		assert_int_equal(RUN(e, FNINIT), -1);
		set_cw(e, (uint16_t)(0x037F | (rc << 10)));
		assert_int_equal(RUN(e, FLDPI), -1);
		assert_true(st(e, 0).sig == pi[rc]);
		assert_int_equal(RUN(e, 0xD9, 0xE9), -1); /* FLDL2T: only up rounds up */
		assert_true(st(e, 0).sig == (rc == 2 ? 0xD49A784BCD1B8AFFull : 0xD49A784BCD1B8AFEull));
		assert_false(e->cpu.fpu.sw & FSW_PE); /* no precision exception */
	}
}

static void test_fcomi_and_fcmov(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	assert_int_equal(RUN(e, FNINIT), -1);
	assert_int_equal(RUN(e, FLD1), -1);
	assert_int_equal(RUN(e, FLDZ), -1); /* ST0 = 0, ST1 = 1 */
	c->eflags |= FLAG_OF | FLAG_SF | FLAG_AF;
	assert_int_equal(RUN(e, 0xDB, 0xF1), -1); /* FCOMI ST, ST(1): less */
	assert_int_equal(c->eflags & FLAGS_ARITH, FLAG_CF);
	assert_int_equal(RUN(e, 0xDA, 0xC1), -1); /* FCMOVB: taken */
	assert_true(st(e, 0).se == 0x3FFF);
	assert_int_equal(RUN(e, 0xDB, 0xE9), -1); /* FUCOMI: equal */
	assert_int_equal(c->eflags & FLAGS_ARITH, FLAG_ZF);
	push80(e, 0x7FFF, 0xC000000000000001ull); /* QNaN */
	assert_int_equal(RUN(e, 0xDB, 0xE9), -1); /* FUCOMI: unordered, no IE */
	assert_int_equal(c->eflags & FLAGS_ARITH, FLAG_ZF | FLAG_PF | FLAG_CF);
	assert_false(c->fpu.sw & FSW_IE);
	assert_int_equal(RUN(e, 0xDF, 0xF1), -1); /* FCOMIP: IE, pops */
	assert_true(c->fpu.sw & FSW_IE);
	assert_int_equal(top(e), 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reset_and_init_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_mode_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nm_and_ud, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_exception_mf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ferr_and_ignne, setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_layouts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fsave_frstor_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faulting_stores_keep_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_precision_and_rounding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ties_to_even, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fxam_classes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fprem_quotient_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fsin_out_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_integer_and_bcd_stores, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stack_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_constants, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fcomi_and_fcmov, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
