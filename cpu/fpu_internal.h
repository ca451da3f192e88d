/* fpu_internal.h: what the x87 instruction files share: the register
 * stack, the exception bookkeeping common to all instructions, memory
 * operands, and the handlers the second-level opcode table names
 * (cpu/fpu_dispatch.c).
 *
 * Exception bookkeeping follows the x87's two kinds of response. Invalid
 * operation, denormal operand and zero divide are detected before a result
 * exists: unmasked, the instruction changes nothing but the status word (no
 * store, no pop). Overflow, underflow and precision come with a result:
 * unmasked, a register destination still receives it (with the exponent
 * wrapped for overflow and underflow), while a memory destination receives
 * nothing and the stack is left as it was.
 */
#ifndef POPEK_CPU_FPU_INTERNAL_H
#define POPEK_CPU_FPU_INTERNAL_H

#include "cpu/cpu.h"
#include "cpu/fpu.h"
#include "cpu/fpu_float80.h"
#include "cpu/insn.h"

/* --- the register stack ------------------------------------------------------ */

static inline unsigned fpu_top(const struct fpu *f)
{
	return (f->sw >> FSW_TOP_SHIFT) & 7;
}

static inline void fpu_set_top(struct fpu *f, unsigned top)
{
	f->sw = (uint16_t)((f->sw & ~FSW_TOP) | ((top & 7) << FSW_TOP_SHIFT));
}

/* Physical register number of ST(i). */
static inline unsigned fpu_phys(const struct fpu *f, unsigned i)
{
	return (fpu_top(f) + i) & 7;
}

static inline bool fpu_empty(const struct fpu *f, unsigned i)
{
	return (f->empty >> fpu_phys(f, i)) & 1;
}

static inline fpu_f80 fpu_st(const struct fpu *f, unsigned i)
{
	return f->reg[fpu_phys(f, i)];
}

static inline void fpu_set_st(struct fpu *f, unsigned i, fpu_f80 v)
{
	unsigned p = fpu_phys(f, i);
	f->reg[p] = v;
	f->empty &= (uint8_t)~(1u << p);
}

/* Marks ST(0) empty and increments TOP. */
static inline void fpu_pop(struct fpu *f)
{
	f->empty |= (uint8_t)(1u << fpu_phys(f, 0));
	fpu_set_top(f, fpu_top(f) + 1);
}

/* Decrements TOP and stores v in the new ST(0) (which the caller checked
 * was empty). */
static inline void fpu_push(struct fpu *f, fpu_f80 v)
{
	fpu_set_top(f, fpu_top(f) - 1);
	fpu_set_st(f, 0, v);
}

static inline void fpu_set_c1(struct fpu *f, bool v)
{
	f->sw = (uint16_t)((f->sw & ~FSW_C1) | (v ? FSW_C1 : 0));
}

/* Sets C3 C2 C1 C0 from a 4-bit value (bit 3 = C3 ... bit 0 = C0). */
static inline void fpu_set_cc(struct fpu *f, unsigned cc)
{
	uint16_t v = (uint16_t)(((cc & 1) ? FSW_C0 : 0) | ((cc & 2) ? FSW_C1 : 0) |
				((cc & 4) ? FSW_C2 : 0) | ((cc & 8) ? FSW_C3 : 0));
	f->sw = (uint16_t)((f->sw & ~FSW_CC) | v);
}

/* --- exception bookkeeping ------------------------------------------------------ */

/* The context for an instruction: rounding from the control word and the
 * precision control (prec 0) or a fixed precision. */
static inline struct f80_ctx fpu_ctx(const struct fpu *f, unsigned prec)
{
	return f80_ctx_make(f->cw, prec);
}

/* Sets ES and B when an exception flag is set whose mask is clear (after
 * exceptions, FLDCW, FLDENV, FRSTOR), clears them otherwise. Drives FERR#
 * low when the error goes away. */
void fpu_update_es(struct fpu *f);

/* Records the exceptions of an operation whose result goes to a register:
 * returns true when the result is to be written (and the stack popped as
 * the instruction says), i.e. unless an unmasked IE, DE or ZE aborts it
 * (C1 is then cleared). C1 tells whether the result was rounded up. */
bool fpu_finish(struct fpu *f, const struct f80_ctx *c);

/* The same for a memory destination: false also for an unmasked overflow
 * or underflow (nothing stored, no pop, and no precision flag or C1 since
 * nothing was rounded). */
bool fpu_finish_mem(struct fpu *f, const struct f80_ctx *c);

/* Records exceptions that come without a result (IE of a compare...):
 * returns true when none of them is unmasked. */
bool fpu_signal(struct fpu *f, unsigned exc);

/* Stack underflow (an empty operand): IE and SF with C1 = 0. Returns true
 * when masked: the caller then delivers the default result (the real
 * indefinite) as the instruction would its result. */
bool fpu_underflow(struct fpu *f);

/* Records a stack overflow (IE and SF with C1 = 1); returns true when
 * masked. */
bool fpu_overflow(struct fpu *f);

/* Stack overflow (a push onto a full register): IE and SF with C1 = 1.
 * Masked, the indefinite is pushed; unmasked, nothing changes. Returns
 * true when the push may go ahead (ST(7) empty). */
bool fpu_check_push(struct fpu *f);

/* --- memory operands ------------------------------------------------------------ */

/* Memory formats. */
enum fpu_mem_fmt {
	FPU_M32REAL,
	FPU_M64REAL,
	FPU_M80REAL,
	FPU_M16INT,
	FPU_M32INT,
	FPU_M64INT,
};

/* Offset of the instruction's memory operand. */
uint32_t fpu_ea(const struct cpu *cpu, const struct x86_insn *in);

uint64_t fpu_read64(struct cpu *cpu, const struct x86_insn *in, uint32_t off);
fpu_f80 fpu_read80(struct cpu *cpu, const struct x86_insn *in, uint32_t off);
/* Writes `size` bytes from buf after checking they can all be written. */
void fpu_write_bytes(struct cpu *cpu, const struct x86_insn *in, uint32_t off, const uint8_t *buf,
		     unsigned size);
/* Reads `size` bytes (all checked by reading) into buf. */
void fpu_read_bytes(struct cpu *cpu, const struct x86_insn *in, uint32_t off, uint8_t *buf,
		    unsigned size);

/* Reads the memory operand of an arithmetic or compare instruction and
 * converts it to extended (f80_operand_f32/f64: an SNaN stays signaling
 * and a denormal is noted in c for the operation to raise DE). */
fpu_f80 fpu_read_operand(struct cpu *cpu, const struct x86_insn *in, enum fpu_mem_fmt fmt,
			 struct f80_ctx *c);

/* Memory format of the D8/DA/DC/DE arithmetic and compare forms. */
static inline enum fpu_mem_fmt fpu_arith_fmt(const struct x86_insn *in)
{
	switch (in->opcode & 7) {
	case 0: return FPU_M32REAL;
	case 2: return FPU_M32INT;
	case 4: return FPU_M64REAL;
	default: return FPU_M16INT;
	}
}

/* --- the second-level opcode table ------------------------------------------------ */

struct fpu_op;
typedef void (*fpu_fn)(struct cpu *cpu, const struct x86_insn *in, const struct fpu_op *op);

/* Entry flags. */
enum {
	FPU_NOWAIT = 1u << 0,  /* FN* control instruction: no pending-exception check */
	FPU_CONTROL = 1u << 1, /* leaves the instruction and operand pointers alone */
};

struct fpu_op {
	const char *name;
	fpu_fn fn;      /* NULL: undefined (#UD) */
	uint8_t flags;  /* FPU_* */
	uint8_t aux;    /* handler parameter */
};

#define FPU_HANDLER(name) \
	void name(struct cpu *cpu, const struct x86_insn *in, const struct fpu_op *op)

/* fpu_load_store.c */
FPU_HANDLER(fpu_fld_mem);    /* aux: enum fpu_mem_fmt (reals and integers) */
FPU_HANDLER(fpu_fld_sti);
FPU_HANDLER(fpu_fst_mem);    /* aux: fmt | FPU_AUX_POP */
FPU_HANDLER(fpu_fst_sti);    /* aux: FPU_AUX_POP */
FPU_HANDLER(fpu_fist_mem);   /* aux: fmt | FPU_AUX_POP */
FPU_HANDLER(fpu_fbld);
FPU_HANDLER(fpu_fbstp);
FPU_HANDLER(fpu_fldconst);   /* aux: enum fpu_const */

/* fpu_arith.c */
FPU_HANDLER(fpu_arith_mem);  /* aux: 0 add 1 mul 4 sub 5 subr 6 div 7 divr */
FPU_HANDLER(fpu_arith_st0);  /* D8: ST(0) = ST(0) op ST(i) */
FPU_HANDLER(fpu_arith_sti);  /* DC/DE: ST(i) = ST(i) op ST(0); aux | FPU_AUX_POP */
FPU_HANDLER(fpu_fchs);
FPU_HANDLER(fpu_fabs);
FPU_HANDLER(fpu_fsqrt);
FPU_HANDLER(fpu_frndint);
FPU_HANDLER(fpu_fscale);
FPU_HANDLER(fpu_fxtract);
FPU_HANDLER(fpu_fprem);      /* aux: 0 FPREM, 1 FPREM1 */
FPU_HANDLER(fpu_fxch);
FPU_HANDLER(fpu_ffree);      /* aux: FPU_AUX_POP for FFREEP */
FPU_HANDLER(fpu_fincstp);
FPU_HANDLER(fpu_fdecstp);
FPU_HANDLER(fpu_fnop);

/* fpu_compare.c */
FPU_HANDLER(fpu_fcom_mem);   /* aux: FPU_AUX_POP */
FPU_HANDLER(fpu_fcom_sti);   /* aux: FPU_AUX_POP, FPU_AUX_POP2, FPU_AUX_QUIET */
FPU_HANDLER(fpu_ftst);
FPU_HANDLER(fpu_fxam);
FPU_HANDLER(fpu_fcomi);      /* aux: FPU_AUX_POP, FPU_AUX_QUIET */
FPU_HANDLER(fpu_fcmov);      /* aux: condition (bit 2: negated) */

/* fpu_control.c */
FPU_HANDLER(fpu_fninit);
FPU_HANDLER(fpu_fnclex);
FPU_HANDLER(fpu_fldcw);
FPU_HANDLER(fpu_fnstcw);
FPU_HANDLER(fpu_fnstsw_mem);
FPU_HANDLER(fpu_fnstsw_ax);
FPU_HANDLER(fpu_fldenv);
FPU_HANDLER(fpu_fnstenv);
FPU_HANDLER(fpu_frstor);
FPU_HANDLER(fpu_fnsave);
FPU_HANDLER(fpu_fnop_control); /* FENI/FDISI/FSETPM: no-ops since the 387 */

/* fpu_transcendental.c */
FPU_HANDLER(fpu_fsin);
FPU_HANDLER(fpu_fcos);
FPU_HANDLER(fpu_fsincos);
FPU_HANDLER(fpu_fptan);
FPU_HANDLER(fpu_fpatan);
FPU_HANDLER(fpu_f2xm1);
FPU_HANDLER(fpu_fyl2x);
FPU_HANDLER(fpu_fyl2xp1);

/* aux bits shared by several handlers. */
#define FPU_AUX_POP 0x10u
#define FPU_AUX_POP2 0x20u
#define FPU_AUX_QUIET 0x40u
#define FPU_AUX_FMT(aux) ((enum fpu_mem_fmt)((aux) & 0x0F))

/* FLD constants. */
enum fpu_const { FPU_K_ONE, FPU_K_L2T, FPU_K_L2E, FPU_K_PI, FPU_K_LG2, FPU_K_LN2, FPU_K_ZERO };

#endif
