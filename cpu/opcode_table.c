/* opcode_table.c: the opcode table, the one source of truth for decoding,
 * execution, block scanning and display.
 *
 * Each entry names the instruction, its handler (an op_* interpreter handler
 * from cpu/handlers.h, or a vmm_* routine from vmm/priv.h for privileged and
 * sensitive instructions), how it is encoded (FORM_*), what it is (CLS_*),
 * which arithmetic flags it reads and writes, and a parameter for family
 * handlers (aux). Groups (80-83, C0/C1, D0-D3, F6/F7, FE/FF, 0F 00/01/BA/C7)
 * point to 8 entries chosen by ModRM.reg; the immediate a group member takes
 * is part of the member's form. Empty entries are undefined (#UD).
 *
 * The table describes a P6-class CPU (Pentium Pro/II) without MMX and SSE:
 * their opcodes raise #UD.
 */
#include "cpu/opcode.h"

#include <stddef.h>

#include "cpu/cpu.h"
#include "cpu/handlers.h"
#include "vmm/priv.h"

/* Short names for the table only. */
#define M FORM_MODRM
#define BY FORM_BYTE
#define I8 FORM_IMM8
#define I8S FORM_IMM8S
#define I16 FORM_IMM16
#define IZ FORM_IMMZ
#define MEM FORM_MEM_ONLY
#define GRP (FORM_MODRM | FORM_GROUP)

#define LK CLS_LOCKABLE
#define END CLS_ENDS_BLOCK
#define VMM (CLS_VMM | CLS_ENDS_BLOCK)
#define PRIV CLS_PRIV
#define IOPL CLS_IOPL
#define STR CLS_STRING
#define BR (CLS_BRANCH | CLS_ENDS_BLOCK)

#define ARITH F_ALL_ARITH

#define E(nm, h, f, c, fr, fw, ax)                                                       \
	{                                                                                \
		.name = nm, .handler = h, .form = (f), .cls = (c), .flags_read = (fr),   \
		.flags_written = (fw), .aux = (ax)                                      \
	}
#define G(nm, grp)                                                                       \
	{                                                                                \
		.name = nm, .form = GRP, .group = grp                                    \
	}
#define PFX(nm)                                                                          \
	{                                                                                \
		.name = nm, .cls = CLS_PREFIX                                            \
	}
#define UD E("(bad)", op_ud, 0, CLS_UNDEFINED, 0, 0, 0)
#define UDM E("(bad)", op_ud, M, CLS_UNDEFINED, 0, 0, 0)

/* Flags each condition code reads (Jcc, SETcc, CMOVcc), by cc >> 1. */
#define CC_O F_OF
#define CC_B F_CF
#define CC_Z F_ZF
#define CC_BE (F_CF | F_ZF)
#define CC_S F_SF
#define CC_P F_PF
#define CC_L (F_SF | F_OF)
#define CC_LE (F_ZF | F_SF | F_OF)

/* Rows for the eight classic ALU operations: 00-05, 08-0D, ... 38-3D. CMP
 * (op 7) cannot be locked; ADC and SBB read CF. */
/* An entry whose handler has a decode-time specialiser (see opcode.h). */
#define ES(nm, h, f, c, fr, fw, ax, sp)                                                  \
	{                                                                                \
		.name = nm, .handler = h, .form = (f), .cls = (c), .flags_read = (fr),   \
		.flags_written = (fw), .aux = (ax), .specialize = sp                     \
	}

#define ALU_ROW(base, nm, op, lk, rd)                                                         \
	[(base) + 0] = E(nm, op_alu_Eb_Gb, M | BY, lk, rd, ARITH, op),                        \
	[(base) + 1] = ES(nm, op_alu_Ev_Gv, M, lk, rd, ARITH, op, alu_specialize),            \
	[(base) + 2] = E(nm, op_alu_Gb_Eb, M | BY, 0, rd, ARITH, op),                         \
	[(base) + 3] = ES(nm, op_alu_Gv_Ev, M, 0, rd, ARITH, op, alu_specialize),             \
	[(base) + 4] = E(nm, op_alu_AL_Ib, I8 | BY, 0, rd, ARITH, op),                        \
	[(base) + 5] = ES(nm, op_alu_eAX_Iz, IZ, 0, rd, ARITH, op, alu_specialize)

#define ALU_GROUP(h, f, sp)                                                                  \
	{                                                                                    \
		ES("add", h, f, LK, 0, ARITH, 0, sp), ES("or", h, f, LK, 0, ARITH, 1, sp),   \
		ES("adc", h, f, LK, F_CF, ARITH, 2, sp),                                     \
		ES("sbb", h, f, LK, F_CF, ARITH, 3, sp),                                     \
		ES("and", h, f, LK, 0, ARITH, 4, sp), ES("sub", h, f, LK, 0, ARITH, 5, sp),  \
		ES("xor", h, f, LK, 0, ARITH, 6, sp), ES("cmp", h, f, 0, 0, ARITH, 7, sp),   \
	}

static const struct opcode_info grp1_Eb_Ib[8] = ALU_GROUP(op_alu_Eb_Ib, M | BY | I8, NULL);
static const struct opcode_info grp1_Ev_Iz[8] = ALU_GROUP(op_alu_Ev_Iz, M | IZ, alu_specialize);
static const struct opcode_info grp1_Ev_Ib[8] = ALU_GROUP(op_alu_Ev_Ib, M | I8S, alu_specialize);

/* Shift group: RCL/RCR read CF; all write (some undefined) flags. */
#define SHIFT_GROUP(h, f)                                                                    \
	{                                                                                    \
		E("rol", h, f, 0, 0, F_CF | F_OF, 0), E("ror", h, f, 0, 0, F_CF | F_OF, 1),  \
		E("rcl", h, f, 0, F_CF, F_CF | F_OF, 2),                                     \
		E("rcr", h, f, 0, F_CF, F_CF | F_OF, 3), E("shl", h, f, 0, 0, ARITH, 4),     \
		E("shr", h, f, 0, 0, ARITH, 5), E("sal", h, f, 0, 0, ARITH, 6),              \
		E("sar", h, f, 0, 0, ARITH, 7),                                              \
	}

/* The same with a decode-time specialiser (shift_specialize). */
#define SHIFT_GROUP_S(h, f)                                                                  \
	{                                                                                    \
		ES("rol", h, f, 0, 0, F_CF | F_OF, 0, shift_specialize),                     \
		ES("ror", h, f, 0, 0, F_CF | F_OF, 1, shift_specialize),                     \
		E("rcl", h, f, 0, F_CF, F_CF | F_OF, 2),                                     \
		E("rcr", h, f, 0, F_CF, F_CF | F_OF, 3),                                     \
		ES("shl", h, f, 0, 0, ARITH, 4, shift_specialize),                           \
		ES("shr", h, f, 0, 0, ARITH, 5, shift_specialize),                           \
		ES("sal", h, f, 0, 0, ARITH, 6, shift_specialize),                           \
		ES("sar", h, f, 0, 0, ARITH, 7, shift_specialize),                           \
	}

static const struct opcode_info grp2_Eb_Ib[8] = SHIFT_GROUP(op_shift_Eb_Ib, M | BY | I8);
static const struct opcode_info grp2_Ev_Ib[8] = SHIFT_GROUP_S(op_shift_Ev_Ib, M | I8);
static const struct opcode_info grp2_Eb_1[8] = SHIFT_GROUP(op_shift_Eb_1, M | BY);
static const struct opcode_info grp2_Ev_1[8] = SHIFT_GROUP_S(op_shift_Ev_1, M);
static const struct opcode_info grp2_Eb_CL[8] = SHIFT_GROUP(op_shift_Eb_CL, M | BY);
static const struct opcode_info grp2_Ev_CL[8] = SHIFT_GROUP(op_shift_Ev_CL, M);

/* F6/F7: TEST takes an immediate, the others do not. /1 is an undocumented
 * alias of TEST that every x86 decodes. */
static const struct opcode_info grp3_Eb[8] = {
	E("test", op_test_Eb_Ib, M | BY | I8, 0, 0, ARITH, 0),
	E("test", op_test_Eb_Ib, M | BY | I8, 0, 0, ARITH, 0),
	E("not", op_not_Eb, M | BY, LK, 0, 0, 0),
	E("neg", op_neg_Eb, M | BY, LK, 0, ARITH, 0),
	E("mul", op_mul_Eb, M | BY, 0, 0, ARITH, 0),
	E("imul", op_imul_Eb, M | BY, 0, 0, ARITH, 0),
	E("div", op_div_Eb, M | BY, 0, 0, ARITH, 0),
	E("idiv", op_idiv_Eb, M | BY, 0, 0, ARITH, 0),
};
static const struct opcode_info grp3_Ev[8] = {
	E("test", op_test_Ev_Iz, M | IZ, 0, 0, ARITH, 0),
	E("test", op_test_Ev_Iz, M | IZ, 0, 0, ARITH, 0),
	E("not", op_not_Ev, M, LK, 0, 0, 0),
	E("neg", op_neg_Ev, M, LK, 0, ARITH, 0),
	E("mul", op_mul_Ev, M, 0, 0, ARITH, 0),
	E("imul", op_imul_Ev, M, 0, 0, ARITH, 0),
	E("div", op_div_Ev, M, 0, 0, ARITH, 0),
	E("idiv", op_idiv_Ev, M, 0, 0, ARITH, 0),
};

#define INCDEC_FLAGS (F_PF | F_AF | F_ZF | F_SF | F_OF) /* CF is kept */

static const struct opcode_info grp4_Eb[8] = {
	E("inc", op_inc_Eb, M | BY, LK, 0, INCDEC_FLAGS, 0),
	E("dec", op_dec_Eb, M | BY, LK, 0, INCDEC_FLAGS, 0),
	UDM, UDM, UDM, UDM, UDM, UDM,
};
static const struct opcode_info grp5_Ev[8] = {
	E("inc", op_inc_Ev, M, LK, 0, INCDEC_FLAGS, 0),
	E("dec", op_dec_Ev, M, LK, 0, INCDEC_FLAGS, 0),
	E("call", op_call_Ev, M, END, 0, 0, 0),
	E("lcall", vmm_call_Mp, M | MEM, VMM, 0, 0, 0),
	E("jmp", op_jmp_Ev, M, END, 0, 0, 0),
	E("ljmp", vmm_jmp_Mp, M | MEM, VMM, 0, 0, 0),
	E("push", op_push_Ev, M, 0, 0, 0, 0),
	UDM,
};
static const struct opcode_info grp1a_Ev[8] = {
	E("pop", op_pop_Ev, M, 0, 0, 0, 0), UDM, UDM, UDM, UDM, UDM, UDM, UDM,
};
static const struct opcode_info grp11_Eb_Ib[8] = {
	E("mov", op_mov_Eb_Ib, M | BY | I8, 0, 0, 0, 0), UDM, UDM, UDM, UDM, UDM, UDM, UDM,
};
static const struct opcode_info grp11_Ev_Iz[8] = {
	E("mov", op_mov_Ev_Iz, M | IZ, 0, 0, 0, 0), UDM, UDM, UDM, UDM, UDM, UDM, UDM,
};

/* 0F 00: the protected-mode-only descriptor instructions (#UD in real mode
 * and V86, which the routines check). */
static const struct opcode_info grp6[8] = {
	E("sldt", vmm_sldt, M, VMM, 0, 0, 0),
	E("str", vmm_str, M, VMM, 0, 0, 0),
	E("lldt", vmm_lldt, M, VMM | PRIV, 0, 0, 0),
	E("ltr", vmm_ltr, M, VMM | PRIV, 0, 0, 0),
	E("verr", vmm_verr, M, VMM, 0, F_ZF, 0),
	E("verw", vmm_verw, M, VMM, 0, F_ZF, 0),
	UDM, UDM,
};
/* 0F 01: register forms of /0-/3 are VMX/MONITOR on later CPUs, #UD here. */
static const struct opcode_info grp7[8] = {
	E("sgdt", vmm_sgdt, M | MEM, VMM, 0, 0, 0),
	E("sidt", vmm_sidt, M | MEM, VMM, 0, 0, 0),
	E("lgdt", vmm_lgdt, M | MEM, VMM | PRIV, 0, 0, 0),
	E("lidt", vmm_lidt, M | MEM, VMM | PRIV, 0, 0, 0),
	E("smsw", vmm_smsw, M, VMM, 0, 0, 0),
	UDM,
	E("lmsw", vmm_lmsw, M, VMM | PRIV, 0, 0, 0),
	E("invlpg", vmm_invlpg, M | MEM, VMM | PRIV, 0, 0, 0),
};
static const struct opcode_info grp8_Ev_Ib[8] = {
	UDM, UDM, UDM, UDM,
	E("bt", op_bt_Ev_Ib, M | I8, 0, 0, ARITH, 0),
	E("bts", op_bt_Ev_Ib, M | I8, LK, 0, ARITH, 1),
	E("btr", op_bt_Ev_Ib, M | I8, LK, 0, ARITH, 2),
	E("btc", op_bt_Ev_Ib, M | I8, LK, 0, ARITH, 3),
};
static const struct opcode_info grp9[8] = {
	UDM, E("cmpxchg8b", op_cmpxchg8b_Mq, M | MEM, LK, 0, F_ZF, 0), UDM, UDM, UDM, UDM, UDM, UDM,
};

/* Rows of 16 conditional branches, specialised by condition at decode time. */
#define JCC_ROW(base, h, f)                                                                   \
	[(base) + 0x0] = ES("jo", h, f, BR, CC_O, 0, 0x0, jcc_specialize),                   \
	[(base) + 0x1] = ES("jno", h, f, BR, CC_O, 0, 0x1, jcc_specialize),                  \
	[(base) + 0x2] = ES("jb", h, f, BR, CC_B, 0, 0x2, jcc_specialize),                   \
	[(base) + 0x3] = ES("jae", h, f, BR, CC_B, 0, 0x3, jcc_specialize),                  \
	[(base) + 0x4] = ES("je", h, f, BR, CC_Z, 0, 0x4, jcc_specialize),                   \
	[(base) + 0x5] = ES("jne", h, f, BR, CC_Z, 0, 0x5, jcc_specialize),                  \
	[(base) + 0x6] = ES("jbe", h, f, BR, CC_BE, 0, 0x6, jcc_specialize),                 \
	[(base) + 0x7] = ES("ja", h, f, BR, CC_BE, 0, 0x7, jcc_specialize),                  \
	[(base) + 0x8] = ES("js", h, f, BR, CC_S, 0, 0x8, jcc_specialize),                   \
	[(base) + 0x9] = ES("jns", h, f, BR, CC_S, 0, 0x9, jcc_specialize),                  \
	[(base) + 0xA] = ES("jp", h, f, BR, CC_P, 0, 0xA, jcc_specialize),                   \
	[(base) + 0xB] = ES("jnp", h, f, BR, CC_P, 0, 0xB, jcc_specialize),                  \
	[(base) + 0xC] = ES("jl", h, f, BR, CC_L, 0, 0xC, jcc_specialize),                   \
	[(base) + 0xD] = ES("jge", h, f, BR, CC_L, 0, 0xD, jcc_specialize),                  \
	[(base) + 0xE] = ES("jle", h, f, BR, CC_LE, 0, 0xE, jcc_specialize),                 \
	[(base) + 0xF] = ES("jg", h, f, BR, CC_LE, 0, 0xF, jcc_specialize)

/* Rows of 16 condition-code opcodes (SETcc, CMOVcc). */
#define CC_ROW(base, nm_prefix, h, f, c)                                                      \
	[(base) + 0x0] = E(nm_prefix "o", h, f, c, CC_O, 0, 0x0),                            \
	[(base) + 0x1] = E(nm_prefix "no", h, f, c, CC_O, 0, 0x1),                           \
	[(base) + 0x2] = E(nm_prefix "b", h, f, c, CC_B, 0, 0x2),                            \
	[(base) + 0x3] = E(nm_prefix "ae", h, f, c, CC_B, 0, 0x3),                           \
	[(base) + 0x4] = E(nm_prefix "e", h, f, c, CC_Z, 0, 0x4),                            \
	[(base) + 0x5] = E(nm_prefix "ne", h, f, c, CC_Z, 0, 0x5),                           \
	[(base) + 0x6] = E(nm_prefix "be", h, f, c, CC_BE, 0, 0x6),                          \
	[(base) + 0x7] = E(nm_prefix "a", h, f, c, CC_BE, 0, 0x7),                           \
	[(base) + 0x8] = E(nm_prefix "s", h, f, c, CC_S, 0, 0x8),                            \
	[(base) + 0x9] = E(nm_prefix "ns", h, f, c, CC_S, 0, 0x9),                           \
	[(base) + 0xA] = E(nm_prefix "p", h, f, c, CC_P, 0, 0xA),                            \
	[(base) + 0xB] = E(nm_prefix "np", h, f, c, CC_P, 0, 0xB),                           \
	[(base) + 0xC] = E(nm_prefix "l", h, f, c, CC_L, 0, 0xC),                            \
	[(base) + 0xD] = E(nm_prefix "ge", h, f, c, CC_L, 0, 0xD),                           \
	[(base) + 0xE] = E(nm_prefix "le", h, f, c, CC_LE, 0, 0xE),                          \
	[(base) + 0xF] = E(nm_prefix "g", h, f, c, CC_LE, 0, 0xF)

/* Eight consecutive opcodes with the register in the low three bits. */
#define REG_ROW(base, nm, h, f, c, fr, fw)                                                    \
	[(base) + 0] = E(nm, h, f, c, fr, fw, 0), [(base) + 1] = E(nm, h, f, c, fr, fw, 1),   \
	[(base) + 2] = E(nm, h, f, c, fr, fw, 2), [(base) + 3] = E(nm, h, f, c, fr, fw, 3),   \
	[(base) + 4] = E(nm, h, f, c, fr, fw, 4), [(base) + 5] = E(nm, h, f, c, fr, fw, 5),   \
	[(base) + 6] = E(nm, h, f, c, fr, fw, 6), [(base) + 7] = E(nm, h, f, c, fr, fw, 7)

const struct opcode_info opcode_undefined = UD;

/* The one-byte opcode map. */
const struct opcode_info opcode_map1[256] = {
	ALU_ROW(0x00, "add", 0, LK, 0),
	ALU_ROW(0x08, "or", 1, LK, 0),
	ALU_ROW(0x10, "adc", 2, LK, F_CF),
	ALU_ROW(0x18, "sbb", 3, LK, F_CF),
	ALU_ROW(0x20, "and", 4, LK, 0),
	ALU_ROW(0x28, "sub", 5, LK, 0),
	ALU_ROW(0x30, "xor", 6, LK, 0),
	ALU_ROW(0x38, "cmp", 7, 0, 0),
	[0x06] = E("push", op_push_seg, 0, 0, 0, 0, SEG_ES),
	[0x07] = E("pop", op_pop_seg, 0, END, 0, 0, SEG_ES),
	[0x0E] = E("push", op_push_seg, 0, 0, 0, 0, SEG_CS),
	[0x0F] = PFX("(0f)"),
	[0x16] = E("push", op_push_seg, 0, 0, 0, 0, SEG_SS),
	[0x17] = E("pop", op_pop_seg, 0, END, 0, 0, SEG_SS),
	[0x1E] = E("push", op_push_seg, 0, 0, 0, 0, SEG_DS),
	[0x1F] = E("pop", op_pop_seg, 0, END, 0, 0, SEG_DS),
	[0x26] = PFX("es"),
	[0x27] = E("daa", op_daa, 0, 0, F_CF | F_AF, ARITH, 0),
	[0x2E] = PFX("cs"),
	[0x2F] = E("das", op_das, 0, 0, F_CF | F_AF, ARITH, 0),
	[0x36] = PFX("ss"),
	[0x37] = E("aaa", op_aaa, 0, 0, F_AF, ARITH, 0),
	[0x3E] = PFX("ds"),
	[0x3F] = E("aas", op_aas, 0, 0, F_AF, ARITH, 0),
	REG_ROW(0x40, "inc", op_inc_Zv, 0, 0, 0, INCDEC_FLAGS),
	REG_ROW(0x48, "dec", op_dec_Zv, 0, 0, 0, INCDEC_FLAGS),
	REG_ROW(0x50, "push", op_push_Zv, 0, 0, 0, 0),
	REG_ROW(0x58, "pop", op_pop_Zv, 0, 0, 0, 0),
	[0x60] = E("pusha", op_pusha, 0, 0, 0, 0, 0),
	[0x61] = E("popa", op_popa, 0, 0, 0, 0, 0),
	[0x62] = E("bound", op_bound, M | MEM, 0, 0, 0, 0),
	[0x63] = E("arpl", vmm_arpl, M, VMM, 0, F_ZF, 0),
	[0x64] = PFX("fs"),
	[0x65] = PFX("gs"),
	[0x66] = PFX("data16/32"),
	[0x67] = PFX("addr16/32"),
	[0x68] = E("push", op_push_Iz, IZ, 0, 0, 0, 0),
	[0x69] = E("imul", op_imul_Gv_Ev_Iz, M | IZ, 0, 0, ARITH, 0),
	[0x6A] = E("push", op_push_Ib, I8S, 0, 0, 0, 0),
	[0x6B] = E("imul", op_imul_Gv_Ev_Ib, M | I8S, 0, 0, ARITH, 0),
	[0x6C] = E("insb", vmm_ins_b, BY, VMM | IOPL | STR, F_DF, 0, 0),
	[0x6D] = E("ins", vmm_ins_v, 0, VMM | IOPL | STR, F_DF, 0, 0),
	[0x6E] = E("outsb", vmm_outs_b, BY, VMM | IOPL | STR, F_DF, 0, 0),
	[0x6F] = E("outs", vmm_outs_v, 0, VMM | IOPL | STR, F_DF, 0, 0),
	JCC_ROW(0x70, op_jcc_Jb, I8S),
	[0x80] = G("grp1", grp1_Eb_Ib),
	[0x81] = G("grp1", grp1_Ev_Iz),
	[0x82] = G("grp1", grp1_Eb_Ib),
	[0x83] = G("grp1", grp1_Ev_Ib),
	[0x84] = E("test", op_test_Eb_Gb, M | BY, 0, 0, ARITH, 0),
	[0x85] = E("test", op_test_Ev_Gv, M, 0, 0, ARITH, 0),
	[0x86] = E("xchg", op_xchg_Eb_Gb, M | BY, LK, 0, 0, 0),
	[0x87] = E("xchg", op_xchg_Ev_Gv, M, LK, 0, 0, 0),
	[0x88] = E("mov", op_mov_Eb_Gb, M | BY, 0, 0, 0, 0),
	[0x89] = E("mov", op_mov_Ev_Gv, M, 0, 0, 0, 0),
	[0x8A] = E("mov", op_mov_Gb_Eb, M | BY, 0, 0, 0, 0),
	[0x8B] = E("mov", op_mov_Gv_Ev, M, 0, 0, 0, 0),
	[0x8C] = E("mov", op_mov_Ew_Sw, M, 0, 0, 0, 0),
	[0x8D] = E("lea", op_lea_Gv_M, M | MEM, 0, 0, 0, 0),
	/* A segment load changes how the following code is translated. */
	[0x8E] = E("mov", op_mov_Sw_Ew, M, END, 0, 0, 0),
	[0x8F] = G("grp1a", grp1a_Ev),
	[0x90] = E("nop", op_nop, 0, 0, 0, 0, 0),
	[0x91] = E("xchg", op_xchg_Zv_eAX, 0, 0, 0, 0, 1),
	[0x92] = E("xchg", op_xchg_Zv_eAX, 0, 0, 0, 0, 2),
	[0x93] = E("xchg", op_xchg_Zv_eAX, 0, 0, 0, 0, 3),
	[0x94] = E("xchg", op_xchg_Zv_eAX, 0, 0, 0, 0, 4),
	[0x95] = E("xchg", op_xchg_Zv_eAX, 0, 0, 0, 0, 5),
	[0x96] = E("xchg", op_xchg_Zv_eAX, 0, 0, 0, 0, 6),
	[0x97] = E("xchg", op_xchg_Zv_eAX, 0, 0, 0, 0, 7),
	[0x98] = E("cbw", op_cbw, 0, 0, 0, 0, 0),
	[0x99] = E("cwd", op_cwd, 0, 0, 0, 0, 0),
	[0x9A] = E("lcall", vmm_call_Ap, FORM_FARPTR, VMM, 0, 0, 0),
	[0x9B] = E("fwait", op_fwait, 0, 0, 0, 0, 0),
	[0x9C] = E("pushf", vmm_pushf, 0, VMM | IOPL, F_ALL, 0, 0),
	[0x9D] = E("popf", vmm_popf, 0, VMM | IOPL, 0, F_ALL, 0),
	[0x9E] = E("sahf", op_sahf, 0, 0, 0, F_CF | F_PF | F_AF | F_ZF | F_SF, 0),
	[0x9F] = E("lahf", op_lahf, 0, 0, F_CF | F_PF | F_AF | F_ZF | F_SF, 0, 0),
	[0xA0] = E("mov", op_mov_AL_Ob, FORM_MOFFS | BY, 0, 0, 0, 0),
	[0xA1] = E("mov", op_mov_eAX_Ov, FORM_MOFFS, 0, 0, 0, 0),
	[0xA2] = E("mov", op_mov_Ob_AL, FORM_MOFFS | BY, 0, 0, 0, 0),
	[0xA3] = E("mov", op_mov_Ov_eAX, FORM_MOFFS, 0, 0, 0, 0),
	[0xA4] = E("movsb", op_movs_b, BY, STR, F_DF, 0, 0),
	[0xA5] = E("movs", op_movs_v, 0, STR, F_DF, 0, 0),
	[0xA6] = E("cmpsb", op_cmps_b, BY, STR, F_DF, ARITH, 0),
	[0xA7] = E("cmps", op_cmps_v, 0, STR, F_DF, ARITH, 0),
	[0xA8] = E("test", op_test_AL_Ib, I8 | BY, 0, 0, ARITH, 0),
	[0xA9] = E("test", op_test_eAX_Iz, IZ, 0, 0, ARITH, 0),
	[0xAA] = E("stosb", op_stos_b, BY, STR, F_DF, 0, 0),
	[0xAB] = E("stos", op_stos_v, 0, STR, F_DF, 0, 0),
	[0xAC] = E("lodsb", op_lods_b, BY, STR, F_DF, 0, 0),
	[0xAD] = E("lods", op_lods_v, 0, STR, F_DF, 0, 0),
	[0xAE] = E("scasb", op_scas_b, BY, STR, F_DF, ARITH, 0),
	[0xAF] = E("scas", op_scas_v, 0, STR, F_DF, ARITH, 0),
	REG_ROW(0xB0, "mov", op_mov_Zb_Ib, I8 | BY, 0, 0, 0),
	REG_ROW(0xB8, "mov", op_mov_Zv_Iv, IZ, 0, 0, 0),
	[0xC0] = G("grp2", grp2_Eb_Ib),
	[0xC1] = G("grp2", grp2_Ev_Ib),
	[0xC2] = E("ret", op_ret_near_Iw, I16, END, 0, 0, 0),
	[0xC3] = E("ret", op_ret_near, 0, END, 0, 0, 0),
	[0xC4] = E("les", op_load_far_ptr, M | MEM, 0, 0, 0, SEG_ES),
	[0xC5] = E("lds", op_load_far_ptr, M | MEM, 0, 0, 0, SEG_DS),
	[0xC6] = G("grp11", grp11_Eb_Ib),
	[0xC7] = G("grp11", grp11_Ev_Iz),
	[0xC8] = E("enter", op_enter, FORM_ENTER, 0, 0, 0, 0),
	[0xC9] = E("leave", op_leave, 0, 0, 0, 0, 0),
	[0xCA] = E("lret", vmm_ret_far_Iw, I16, VMM, 0, 0, 0),
	[0xCB] = E("lret", vmm_ret_far, 0, VMM, 0, 0, 0),
	[0xCC] = E("int3", vmm_int3, 0, VMM, 0, 0, 0),
	[0xCD] = E("int", vmm_int_Ib, I8, VMM | IOPL, 0, 0, 0),
	[0xCE] = E("into", vmm_into, 0, VMM, F_OF, 0, 0),
	[0xCF] = E("iret", vmm_iret, 0, VMM, 0, F_ALL, 0),
	[0xD0] = G("grp2", grp2_Eb_1),
	[0xD1] = G("grp2", grp2_Ev_1),
	[0xD2] = G("grp2", grp2_Eb_CL),
	[0xD3] = G("grp2", grp2_Ev_CL),
	[0xD4] = E("aam", op_aam, I8, 0, 0, ARITH, 0),
	[0xD5] = E("aad", op_aad, I8, 0, 0, ARITH, 0),
	[0xD6] = E("salc", op_salc, 0, 0, F_CF, 0, 0),
	[0xD7] = E("xlat", op_xlat, 0, 0, 0, 0, 0),
	/* x87 escapes. Per opcode byte, the flags any of its forms touch: DA
	 * and DB hold FCMOVcc (reads CF ZF PF), DB and DF hold FCOMI/FUCOMI
	 * and their popping forms (write ZF PF CF, clear OF SF AF). */
	[0xD8] = E("(x87)", op_fpu_esc, M | FORM_FPU, 0, 0, 0, 0),
	[0xD9] = E("(x87)", op_fpu_esc, M | FORM_FPU, 0, 0, 0, 1),
	[0xDA] = E("(x87)", op_fpu_esc, M | FORM_FPU, 0, F_CF | F_ZF | F_PF, 0, 2),
	[0xDB] = E("(x87)", op_fpu_esc, M | FORM_FPU, 0, F_CF | F_ZF | F_PF, ARITH, 3),
	[0xDC] = E("(x87)", op_fpu_esc, M | FORM_FPU, 0, 0, 0, 4),
	[0xDD] = E("(x87)", op_fpu_esc, M | FORM_FPU, 0, 0, 0, 5),
	[0xDE] = E("(x87)", op_fpu_esc, M | FORM_FPU, 0, 0, 0, 6),
	[0xDF] = E("(x87)", op_fpu_esc, M | FORM_FPU, 0, 0, ARITH, 7),
	[0xE0] = E("loopne", op_loop, I8S, BR, F_ZF, 0, 0),
	[0xE1] = E("loope", op_loop, I8S, BR, F_ZF, 0, 1),
	[0xE2] = E("loop", op_loop, I8S, BR, 0, 0, 2),
	[0xE3] = E("jcxz", op_jcxz, I8S, BR, 0, 0, 0),
	[0xE4] = E("in", vmm_in_AL_Ib, I8 | BY, VMM | IOPL, 0, 0, 0),
	[0xE5] = E("in", vmm_in_eAX_Ib, I8, VMM | IOPL, 0, 0, 0),
	[0xE6] = E("out", vmm_out_Ib_AL, I8 | BY, VMM | IOPL, 0, 0, 0),
	[0xE7] = E("out", vmm_out_Ib_eAX, I8, VMM | IOPL, 0, 0, 0),
	[0xE8] = E("call", op_call_Jz, IZ, BR, 0, 0, 0),
	[0xE9] = E("jmp", op_jmp_Jz, IZ, BR, 0, 0, 0),
	[0xEA] = E("ljmp", vmm_jmp_Ap, FORM_FARPTR, VMM, 0, 0, 0),
	[0xEB] = E("jmp", op_jmp_Jb, I8S, BR, 0, 0, 0),
	[0xEC] = E("in", vmm_in_AL_DX, BY, VMM | IOPL, 0, 0, 0),
	[0xED] = E("in", vmm_in_eAX_DX, 0, VMM | IOPL, 0, 0, 0),
	[0xEE] = E("out", vmm_out_DX_AL, BY, VMM | IOPL, 0, 0, 0),
	[0xEF] = E("out", vmm_out_DX_eAX, 0, VMM | IOPL, 0, 0, 0),
	[0xF0] = PFX("lock"),
	[0xF1] = E("int1", vmm_int1, 0, VMM, 0, 0, 0),
	[0xF2] = PFX("repne"),
	[0xF3] = PFX("rep"),
	[0xF4] = E("hlt", vmm_hlt, 0, VMM | PRIV, 0, 0, 0),
	[0xF5] = E("cmc", op_cmc, 0, 0, F_CF, F_CF, 0),
	[0xF6] = G("grp3", grp3_Eb),
	[0xF7] = G("grp3", grp3_Ev),
	[0xF8] = E("clc", op_clc, 0, 0, 0, F_CF, 0),
	[0xF9] = E("stc", op_stc, 0, 0, 0, F_CF, 0),
	[0xFA] = E("cli", vmm_cli, 0, VMM | IOPL, 0, 0, 0),
	[0xFB] = E("sti", vmm_sti, 0, VMM | IOPL, 0, 0, 0),
	[0xFC] = E("cld", op_cld, 0, 0, 0, F_DF, 0),
	[0xFD] = E("std", op_std, 0, 0, 0, F_DF, 0),
	[0xFE] = G("grp4", grp4_Eb),
	[0xFF] = G("grp5", grp5_Ev),
};

/* The two-byte map (0F xx). */
const struct opcode_info opcode_map2[256] = {
	[0x00] = G("grp6", grp6),
	[0x01] = G("grp7", grp7),
	[0x02] = E("lar", vmm_lar, M, VMM, 0, F_ZF, 0),
	[0x03] = E("lsl", vmm_lsl, M, VMM, 0, F_ZF, 0),
	[0x06] = E("clts", vmm_clts, 0, VMM | PRIV, 0, 0, 0),
	[0x08] = E("invd", vmm_wbinvd, 0, VMM | PRIV, 0, 0, 0),
	[0x09] = E("wbinvd", vmm_wbinvd, 0, VMM | PRIV, 0, 0, 0),
	[0x0B] = E("ud2", op_ud, 0, END, 0, 0, 0),
	/* 0F 18-1F: NOP Ev (0F 1F is the documented multi-byte NOP; the
	 * others are reserved hint NOPs on P6). */
	REG_ROW(0x18, "nop", op_nop, M, 0, 0, 0),
	[0x20] = E("mov", vmm_mov_Rd_Cd, M | FORM_REG_ONLY, VMM | PRIV, 0, 0, 0),
	[0x21] = E("mov", vmm_mov_Rd_Dd, M | FORM_REG_ONLY, VMM | PRIV, 0, 0, 0),
	[0x22] = E("mov", vmm_mov_Cd_Rd, M | FORM_REG_ONLY, VMM | PRIV, 0, 0, 0),
	[0x23] = E("mov", vmm_mov_Dd_Rd, M | FORM_REG_ONLY, VMM | PRIV, 0, 0, 0),
	[0x30] = E("wrmsr", vmm_wrmsr, 0, VMM | PRIV, 0, 0, 0),
	[0x31] = E("rdtsc", vmm_rdtsc, 0, VMM, 0, 0, 0),
	[0x32] = E("rdmsr", vmm_rdmsr, 0, VMM | PRIV, 0, 0, 0),
	[0x33] = E("rdpmc", vmm_rdpmc, 0, VMM, 0, 0, 0),
	[0x34] = E("sysenter", vmm_sysenter, 0, VMM, 0, 0, 0),
	[0x35] = E("sysexit", vmm_sysexit, 0, VMM | PRIV, 0, 0, 0),
	CC_ROW(0x40, "cmov", op_cmovcc_Gv_Ev, M, 0),
	JCC_ROW(0x80, op_jcc_Jz, IZ),
	CC_ROW(0x90, "set", op_setcc_Eb, M | BY, 0),
	[0xA0] = E("push", op_push_seg, 0, 0, 0, 0, SEG_FS),
	[0xA1] = E("pop", op_pop_seg, 0, END, 0, 0, SEG_FS),
	[0xA2] = E("cpuid", vmm_cpuid, 0, VMM, 0, 0, 0),
	[0xA3] = E("bt", op_bt_Ev_Gv, M, 0, 0, ARITH, 0),
	[0xA4] = E("shld", op_shld_Ev_Gv_Ib, M | I8, 0, 0, ARITH, 0),
	[0xA5] = E("shld", op_shld_Ev_Gv_CL, M, 0, 0, ARITH, 0),
	[0xA8] = E("push", op_push_seg, 0, 0, 0, 0, SEG_GS),
	[0xA9] = E("pop", op_pop_seg, 0, END, 0, 0, SEG_GS),
	[0xAB] = E("bts", op_bts_Ev_Gv, M, LK, 0, ARITH, 0),
	[0xAC] = E("shrd", op_shrd_Ev_Gv_Ib, M | I8, 0, 0, ARITH, 0),
	[0xAD] = E("shrd", op_shrd_Ev_Gv_CL, M, 0, 0, ARITH, 0),
	[0xAF] = E("imul", op_imul_Gv_Ev, M, 0, 0, ARITH, 0),
	[0xB0] = E("cmpxchg", op_cmpxchg_Eb_Gb, M | BY, LK, 0, ARITH, 0),
	[0xB1] = E("cmpxchg", op_cmpxchg_Ev_Gv, M, LK, 0, ARITH, 0),
	[0xB2] = E("lss", op_load_far_ptr, M | MEM, END, 0, 0, SEG_SS),
	[0xB3] = E("btr", op_btr_Ev_Gv, M, LK, 0, ARITH, 0),
	[0xB4] = E("lfs", op_load_far_ptr, M | MEM, 0, 0, 0, SEG_FS),
	[0xB5] = E("lgs", op_load_far_ptr, M | MEM, 0, 0, 0, SEG_GS),
	[0xB6] = E("movzx", op_movzx_Gv_Eb, M, 0, 0, 0, 0),
	[0xB7] = E("movzx", op_movzx_Gv_Ew, M, 0, 0, 0, 0),
	[0xB9] = UDM, /* UD1 */
	[0xBA] = G("grp8", grp8_Ev_Ib),
	[0xBB] = E("btc", op_btc_Ev_Gv, M, LK, 0, ARITH, 0),
	[0xBC] = E("bsf", op_bsf_Gv_Ev, M, 0, 0, ARITH, 0),
	[0xBD] = E("bsr", op_bsr_Gv_Ev, M, 0, 0, ARITH, 0),
	[0xBE] = E("movsx", op_movsx_Gv_Eb, M, 0, 0, 0, 0),
	[0xBF] = E("movsx", op_movsx_Gv_Ew, M, 0, 0, 0, 0),
	[0xC0] = E("xadd", op_xadd_Eb_Gb, M | BY, LK, 0, ARITH, 0),
	[0xC1] = E("xadd", op_xadd_Ev_Gv, M, LK, 0, ARITH, 0),
	[0xC7] = G("grp9", grp9),
	REG_ROW(0xC8, "bswap", op_bswap_Zd, 0, 0, 0, 0),
};
