/* fpu_dispatch.c: the x87's second-level opcode table and op_fpu_esc, the
 * handler of every escape opcode D8-DF.
 *
 * The main opcode table (cpu/opcode_table.c) maps D8-DF here with the ModRM
 * byte and any displacement already decoded. An x87 instruction is chosen
 * by the escape byte's low three bits and the ModRM byte: with a memory
 * operand (mod != 3) by ModRM.reg alone (fpu_mem_table, 8 x 8), with a
 * register operand by reg and rm (fpu_reg_table, 8 x 64, indexed by the
 * ModRM byte's low six bits), where most rows take ST(rm) as an operand and
 * a few (D9 /2 and /4-/7, DA /5, DB /4, DE /3, DF /4) name one instruction
 * per rm. Each entry gives the mnemonic, the handler, whether the
 * instruction waits (checks for a pending unmasked exception first: all but
 * the FN* control instructions), whether it is a control instruction
 * (leaves the last-instruction pointers alone), and the handler's
 * parameter. Empty entries are undefined and raise #UD. The encodings the
 * SDM lists as reserved but x87s execute as aliases (FCOM2 DC D0+i, FCOMP3
 * DC D8+i, FXCH4 DD C8+i, FCOMP5 DE D0+i, FXCH7 DF C8+i, FSTP1 D9 D8+i,
 * FSTP8/FSTP9 DF D0+i/D8+i, FFREEP DF C0+i) are aliases here too.
 */
#include "cpu/access.h"
#include "cpu/fpu_internal.h"

#define OP(nm, h, fl, ax)                                                                  \
	{                                                                                  \
		.name = nm, .fn = h, .flags = (fl), .aux = (ax)                             \
	}
#define WAIT 0
#define NW (FPU_NOWAIT | FPU_CONTROL) /* FN* control, no wait */
#define CTL FPU_CONTROL
#define POP FPU_AUX_POP
#define QUIET FPU_AUX_QUIET

/* The eight entries of a register row (one ModRM.reg value, rm = ST(i)). */
#define ROW(r, e)                                                                          \
	[(r) * 8 + 0] = e, [(r) * 8 + 1] = e, [(r) * 8 + 2] = e, [(r) * 8 + 3] = e,       \
	[(r) * 8 + 4] = e, [(r) * 8 + 5] = e, [(r) * 8 + 6] = e, [(r) * 8 + 7] = e

/* Arithmetic rows: ADD MUL COM COMP SUB SUBR DIV DIVR by ModRM.reg. */
#define ARITH_MEM(p)                                                                       \
	{                                                                                  \
		OP(p "add", fpu_arith_mem, WAIT, 0), OP(p "mul", fpu_arith_mem, WAIT, 1),  \
		OP(p "com", fpu_fcom_mem, WAIT, 0), OP(p "comp", fpu_fcom_mem, WAIT, POP), \
		OP(p "sub", fpu_arith_mem, WAIT, 4), OP(p "subr", fpu_arith_mem, WAIT, 5), \
		OP(p "div", fpu_arith_mem, WAIT, 6), OP(p "divr", fpu_arith_mem, WAIT, 7), \
	}

/* Memory forms: [escape & 7][ModRM.reg]. */
static const struct fpu_op fpu_mem_table[8][8] = {
	/* D8: single-precision operand */
	ARITH_MEM("f"),
	/* D9 */
	{
		OP("fld", fpu_fld_mem, WAIT, FPU_M32REAL),
		{ 0 },
		OP("fst", fpu_fst_mem, WAIT, FPU_M32REAL),
		OP("fstp", fpu_fst_mem, WAIT, FPU_M32REAL | POP),
		OP("fldenv", fpu_fldenv, CTL, 0),
		OP("fldcw", fpu_fldcw, CTL, 0),
		OP("fnstenv", fpu_fnstenv, NW, 0),
		OP("fnstcw", fpu_fnstcw, NW, 0),
	},
	/* DA: 32-bit integer operand */
	ARITH_MEM("fi"),
	/* DB: /1 is FISTTP (SSE3), undefined on a P6 */
	{
		OP("fild", fpu_fld_mem, WAIT, FPU_M32INT),
		{ 0 },
		OP("fist", fpu_fist_mem, WAIT, FPU_M32INT),
		OP("fistp", fpu_fist_mem, WAIT, FPU_M32INT | POP),
		{ 0 },
		OP("fld", fpu_fld_mem, WAIT, FPU_M80REAL),
		{ 0 },
		OP("fstp", fpu_fst_mem, WAIT, FPU_M80REAL | POP),
	},
	/* DC: double-precision operand */
	ARITH_MEM("f"),
	/* DD */
	{
		OP("fld", fpu_fld_mem, WAIT, FPU_M64REAL),
		{ 0 },
		OP("fst", fpu_fst_mem, WAIT, FPU_M64REAL),
		OP("fstp", fpu_fst_mem, WAIT, FPU_M64REAL | POP),
		OP("frstor", fpu_frstor, CTL, 0),
		{ 0 },
		OP("fnsave", fpu_fnsave, NW, 0),
		OP("fnstsw", fpu_fnstsw_mem, NW, 0),
	},
	/* DE: 16-bit integer operand */
	ARITH_MEM("fi"),
	/* DF */
	{
		OP("fild", fpu_fld_mem, WAIT, FPU_M16INT),
		{ 0 },
		OP("fist", fpu_fist_mem, WAIT, FPU_M16INT),
		OP("fistp", fpu_fist_mem, WAIT, FPU_M16INT | POP),
		OP("fbld", fpu_fbld, WAIT, 0),
		OP("fild", fpu_fld_mem, WAIT, FPU_M64INT),
		OP("fbstp", fpu_fbstp, WAIT, 0),
		OP("fistp", fpu_fist_mem, WAIT, FPU_M64INT | POP),
	},
};

/* Register forms: [escape & 7][ModRM & 0x3F]. */
static const struct fpu_op fpu_reg_table[8][64] = {
	[0] = {
		/* D8: ST(0) = ST(0) op ST(i) */
		ROW(0, OP("fadd", fpu_arith_st0, WAIT, 0)),
		ROW(1, OP("fmul", fpu_arith_st0, WAIT, 1)),
		ROW(2, OP("fcom", fpu_fcom_sti, WAIT, 0)),
		ROW(3, OP("fcomp", fpu_fcom_sti, WAIT, POP)),
		ROW(4, OP("fsub", fpu_arith_st0, WAIT, 4)),
		ROW(5, OP("fsubr", fpu_arith_st0, WAIT, 5)),
		ROW(6, OP("fdiv", fpu_arith_st0, WAIT, 6)),
		ROW(7, OP("fdivr", fpu_arith_st0, WAIT, 7)),
	},
	[1] = {
		/* D9 */
		ROW(0, OP("fld", fpu_fld_sti, WAIT, 0)),
		ROW(1, OP("fxch", fpu_fxch, WAIT, 0)),
		[0x10] = OP("fnop", fpu_fnop, WAIT, 0),
		ROW(3, OP("fstp", fpu_fst_sti, WAIT, POP)),
		[0x20] = OP("fchs", fpu_fchs, WAIT, 0),
		[0x21] = OP("fabs", fpu_fabs, WAIT, 0),
		[0x24] = OP("ftst", fpu_ftst, WAIT, 0),
		[0x25] = OP("fxam", fpu_fxam, WAIT, 0),
		[0x28] = OP("fld1", fpu_fldconst, WAIT, FPU_K_ONE),
		[0x29] = OP("fldl2t", fpu_fldconst, WAIT, FPU_K_L2T),
		[0x2A] = OP("fldl2e", fpu_fldconst, WAIT, FPU_K_L2E),
		[0x2B] = OP("fldpi", fpu_fldconst, WAIT, FPU_K_PI),
		[0x2C] = OP("fldlg2", fpu_fldconst, WAIT, FPU_K_LG2),
		[0x2D] = OP("fldln2", fpu_fldconst, WAIT, FPU_K_LN2),
		[0x2E] = OP("fldz", fpu_fldconst, WAIT, FPU_K_ZERO),
		[0x30] = OP("f2xm1", fpu_f2xm1, WAIT, 0),
		[0x31] = OP("fyl2x", fpu_fyl2x, WAIT, 0),
		[0x32] = OP("fptan", fpu_fptan, WAIT, 0),
		[0x33] = OP("fpatan", fpu_fpatan, WAIT, 0),
		[0x34] = OP("fxtract", fpu_fxtract, WAIT, 0),
		[0x35] = OP("fprem1", fpu_fprem, WAIT, 1),
		[0x36] = OP("fdecstp", fpu_fdecstp, WAIT, 0),
		[0x37] = OP("fincstp", fpu_fincstp, WAIT, 0),
		[0x38] = OP("fprem", fpu_fprem, WAIT, 0),
		[0x39] = OP("fyl2xp1", fpu_fyl2xp1, WAIT, 0),
		[0x3A] = OP("fsqrt", fpu_fsqrt, WAIT, 0),
		[0x3B] = OP("fsincos", fpu_fsincos, WAIT, 0),
		[0x3C] = OP("frndint", fpu_frndint, WAIT, 0),
		[0x3D] = OP("fscale", fpu_fscale, WAIT, 0),
		[0x3E] = OP("fsin", fpu_fsin, WAIT, 0),
		[0x3F] = OP("fcos", fpu_fcos, WAIT, 0),
	},
	[2] = {
		/* DA: FCMOVcc on CF, ZF, CF|ZF, PF; FUCOMPP */
		ROW(0, OP("fcmovb", fpu_fcmov, WAIT, 0)),
		ROW(1, OP("fcmove", fpu_fcmov, WAIT, 1)),
		ROW(2, OP("fcmovbe", fpu_fcmov, WAIT, 2)),
		ROW(3, OP("fcmovu", fpu_fcmov, WAIT, 3)),
		[0x29] = OP("fucompp", fpu_fcom_sti, WAIT, QUIET | POP | FPU_AUX_POP2),
	},
	[3] = {
		/* DB: FCMOVNcc; the 8087/287 control instructions; FUCOMI/FCOMI */
		ROW(0, OP("fcmovnb", fpu_fcmov, WAIT, 4)),
		ROW(1, OP("fcmovne", fpu_fcmov, WAIT, 5)),
		ROW(2, OP("fcmovnbe", fpu_fcmov, WAIT, 6)),
		ROW(3, OP("fcmovnu", fpu_fcmov, WAIT, 7)),
		[0x20] = OP("feni", fpu_fnop_control, NW, 0),
		[0x21] = OP("fdisi", fpu_fnop_control, NW, 0),
		[0x22] = OP("fnclex", fpu_fnclex, NW, 0),
		[0x23] = OP("fninit", fpu_fninit, NW, 0),
		[0x24] = OP("fsetpm", fpu_fnop_control, NW, 0),
		ROW(5, OP("fucomi", fpu_fcomi, WAIT, QUIET)),
		ROW(6, OP("fcomi", fpu_fcomi, WAIT, 0)),
	},
	[4] = {
		/* DC: ST(i) = ST(i) op ST(0); aux is the operation on (ST(0),
		 * ST(i)), so row 4 (FSUBR) computes ST(0) - ST(i). */
		ROW(0, OP("fadd", fpu_arith_sti, WAIT, 0)),
		ROW(1, OP("fmul", fpu_arith_sti, WAIT, 1)),
		ROW(2, OP("fcom", fpu_fcom_sti, WAIT, 0)),
		ROW(3, OP("fcomp", fpu_fcom_sti, WAIT, POP)),
		ROW(4, OP("fsubr", fpu_arith_sti, WAIT, 4)),
		ROW(5, OP("fsub", fpu_arith_sti, WAIT, 5)),
		ROW(6, OP("fdivr", fpu_arith_sti, WAIT, 6)),
		ROW(7, OP("fdiv", fpu_arith_sti, WAIT, 7)),
	},
	[5] = {
		/* DD */
		ROW(0, OP("ffree", fpu_ffree, WAIT, 0)),
		ROW(1, OP("fxch", fpu_fxch, WAIT, 0)),
		ROW(2, OP("fst", fpu_fst_sti, WAIT, 0)),
		ROW(3, OP("fstp", fpu_fst_sti, WAIT, POP)),
		ROW(4, OP("fucom", fpu_fcom_sti, WAIT, QUIET)),
		ROW(5, OP("fucomp", fpu_fcom_sti, WAIT, QUIET | POP)),
	},
	[6] = {
		/* DE: as DC, then pop */
		ROW(0, OP("faddp", fpu_arith_sti, WAIT, 0 | POP)),
		ROW(1, OP("fmulp", fpu_arith_sti, WAIT, 1 | POP)),
		ROW(2, OP("fcomp", fpu_fcom_sti, WAIT, POP)),
		[0x19] = OP("fcompp", fpu_fcom_sti, WAIT, POP | FPU_AUX_POP2),
		ROW(4, OP("fsubrp", fpu_arith_sti, WAIT, 4 | POP)),
		ROW(5, OP("fsubp", fpu_arith_sti, WAIT, 5 | POP)),
		ROW(6, OP("fdivrp", fpu_arith_sti, WAIT, 6 | POP)),
		ROW(7, OP("fdivp", fpu_arith_sti, WAIT, 7 | POP)),
	},
	[7] = {
		/* DF */
		ROW(0, OP("ffreep", fpu_ffree, WAIT, POP)),
		ROW(1, OP("fxch", fpu_fxch, WAIT, 0)),
		ROW(2, OP("fstp", fpu_fst_sti, WAIT, POP)),
		ROW(3, OP("fstp", fpu_fst_sti, WAIT, POP)),
		[0x20] = OP("fnstsw", fpu_fnstsw_ax, NW, 0),
		ROW(5, OP("fucomip", fpu_fcomi, WAIT, QUIET | POP)),
		ROW(6, OP("fcomip", fpu_fcomi, WAIT, POP)),
	},
};

static const struct fpu_op *fpu_lookup(const struct x86_insn *in)
{
	unsigned esc = in->opcode & 7;
	if (in->mod != 3)
		return &fpu_mem_table[esc][in->reg & 7];
	return &fpu_reg_table[esc][((in->reg & 7) << 3) | (in->rm & 7)];
}

const char *fpu_insn_name(const struct x86_insn *in)
{
	const struct fpu_op *op = fpu_lookup(in);
	return op->fn ? op->name : "(bad)";
}

/* CR0.EM (the x87 is to be emulated) and CR0.TS (its state belongs to
 * another task) make every escape fault with #NM first, undefined
 * encodings included. Then a waiting instruction signals a pending
 * exception, and a non-control instruction becomes the "last instruction"
 * whose address, opcode and memory operand FSTENV/FSAVE report. */
void op_fpu_esc(struct cpu *cpu, const struct x86_insn *in)
{
	if (cpu->cr[0] & (CR0_EM | CR0_TS))
		cpu_raise(cpu, EXC_NM);
	const struct fpu_op *op = fpu_lookup(in);
	if (!op->fn)
		cpu_raise(cpu, EXC_UD);
	if (!(op->flags & FPU_NOWAIT) && !fpu_check_pending(cpu))
		return;
	if (!(op->flags & FPU_CONTROL)) {
		struct fpu *f = &cpu->fpu;
		f->fcs = cpu->seg[SEG_CS].sel;
		f->fip = cpu->eip;
		f->fop = (uint16_t)(((in->opcode & 7u) << 8) | ((in->mod & 3u) << 6) |
				    ((in->reg & 7u) << 3) | (in->rm & 7u));
		if (in->mod != 3) {
			f->fds = cpu->seg[in->seg].sel;
			f->fdp = fpu_ea(cpu, in);
		}
	}
	op->fn(cpu, in, op);
}
