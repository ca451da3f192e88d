/* tr_emit_ops.c: host code for the guest instructions the translator runs
 * inline instead of calling their handler.
 *
 * These are the instructions that make up most of ordinary code: MOV
 * between registers, immediates and memory, MOVZX/MOVSX, LEA, XCHG of
 * registers, CBW/CWD, the ALU operations (ADD OR ADC SBB AND SUB XOR CMP
 * TEST, INC, DEC) on registers and memory, NOT/NEG, IMUL's two and three
 * operand forms, ROL ROR SHL SHR SAR by a constant, SETcc, PUSH and POP of
 * registers and immediates, LEAVE, and the transfers that end a block:
 * Jcc, JMP, JCXZ, LOOP, CALL rel and RET near (the block emitter,
 * tr_emit_x64.c, places their exits). Each is emitted as a few host
 * instructions on the guest registers in struct cpu (rbx), so that the
 * result is exactly what the interpreter's handler leaves there:
 *
 *  - Flags are eager in the interpreter (cpu->eflags holds them after
 *    every instruction). The host computes the same arithmetic flags for
 *    most of these operations, so they are taken from the host's EFLAGS
 *    (pushfq) and merged into cpu->eflags. The exceptions are spelt out
 *    where they are handled: AND/OR/XOR/TEST leave AF undefined on the host
 *    and 0 in the interpreter (forced to 0 here); INC/DEC keep the guest's
 *    CF; shifts, rotates and IMUL compute by hand what the host leaves
 *    undefined, as the interpreter defines it (cpu/shift.c, cpu/muldiv.c).
 *    A flag nothing reads before the next instruction overwrites it is not
 *    stored at all (the block emitter's liveness pass, ctx->live_after).
 *  - Memory goes through tr_emit_mem.c's checks, the inline fast path of
 *    cpu/access.h emitted as code. When one fails nothing has been
 *    written yet, and the code jumps to ctx->slow, which calls the
 *    instruction's handler: it takes the slow path, raises the fault,
 *    tells the translator about a write to code, or reaches the device,
 *    exactly as in the interpreter.
 */
#include "translator/tr_x64.h"

#if defined(__x86_64__)

#include "cpu/opcode.h"

enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

/* What an inline instruction is, decided from the opcode and ModRM. */
enum tr_inline_kind {
	K_NONE,
	K_ALU,     /* op E, G / G, E / E, imm / acc, imm (register or memory source) */
	K_TEST,    /* TEST E, G / E, imm / acc, imm */
	K_INCDEC,  /* INC/DEC register */
	K_MOV,     /* MOV E, G / G, E / E, imm / reg, imm */
	K_MOVX,    /* MOVZX / MOVSX G, E */
	K_LEA,
	K_PUSH,    /* PUSH reg / imm */
	K_POP,     /* POP reg (not ESP) */
	K_NOP,
	K_JCC,     /* Jcc / JMP rel / JCXZ: the block emitter ends the block with it */
	K_SHIFT,   /* SHL/SHR/SAR register by a constant (C0 C1 D0 D1) */
	K_IMUL,    /* IMUL G, E / G, E, imm (0F AF, 69, 6B) */
	K_LOOP,    /* LOOP/LOOPE/LOOPNE: ends the block */
	K_CALL,    /* CALL rel: ends the block */
	K_RET,     /* RET / RET imm16 near: ends the block */
	K_NOTNEG,  /* NOT / NEG register */
	K_XCHG,    /* XCHG register, register */
	K_CBW,     /* CBW / CWDE */
	K_CWD,     /* CWD / CDQ */
	K_SETCC,   /* SETcc register */
	K_LEAVE,
};

/* The decoded shape of an inline instruction. */
struct shape {
	enum tr_inline_kind kind;
	unsigned op;       /* ALU_* for K_ALU; 0 inc / 1 dec for K_INCDEC */
	unsigned size;     /* operand bytes */
	bool to_reg;       /* the destination is the ModRM reg (G) */
	bool imm;          /* the source is the immediate */
	int dst_reg;       /* register destination, or -1 for memory */
	int src_reg;       /* register source, or -1 (immediate or memory) */
	bool mem;          /* a memory operand (the ModRM memory, or moffs) */
	bool write;        /* ... written */
	bool sign;         /* MOVSX */
	unsigned src_size; /* MOVZX/MOVSX source size */
	unsigned count;    /* K_SHIFT: the count, masked to 5 bits (0: nothing happens) */
};

static bool shape_of(const struct x86_insn *in, struct shape *s)
{
	memset(s, 0, sizeof(*s));
	s->dst_reg = s->src_reg = -1;
	unsigned opc = in->opcode;
	unsigned v = in->opsize;
	if (in->lock)
		return false;
	bool rm_reg = in->has_modrm && in->mod == 3;
	/* ALU rows 00-3F: E,G / G,E / acc,imm. */
	if (opc < 0x40 && (opc & 7) < 6) {
		unsigned low = opc & 7;
		s->kind = K_ALU;
		s->op = opc >> 3;
		s->size = (low & 1) ? v : 1;
		if (low >= 4) {
			s->imm = true;
			s->dst_reg = REG_EAX;
			return true;
		}
		s->to_reg = low & 2;
		if (!rm_reg) {
			/* Memory: a source (G,E), or a destination read, changed
			 * and written back (E,G; CMP only reads it). */
			s->mem = true;
			s->write = !s->to_reg && s->op != ALU_CMP;
			s->dst_reg = s->to_reg ? in->reg : -1;
			s->src_reg = s->to_reg ? -1 : in->reg;
			return true;
		}
		s->dst_reg = s->to_reg ? in->reg : in->rm;
		s->src_reg = s->to_reg ? in->rm : in->reg;
		return true;
	}
	switch (opc) {
	case 0x80: case 0x81: case 0x83:
		s->kind = K_ALU;
		s->op = in->reg;
		s->size = opc == 0x80 ? 1 : v;
		s->imm = true;
		if (rm_reg) {
			s->dst_reg = in->rm;
			return true;
		}
		s->mem = true;
		s->write = s->op != ALU_CMP;
		return true;
	case 0x84: case 0x85:
		s->kind = K_TEST;
		s->size = opc == 0x84 ? 1 : v;
		s->src_reg = in->reg;
		if (rm_reg)
			s->dst_reg = in->rm;
		else
			s->mem = true;
		return true;
	case 0xA8: case 0xA9:
		s->kind = K_TEST;
		s->size = opc == 0xA8 ? 1 : v;
		s->dst_reg = REG_EAX;
		s->imm = true;
		return true;
	case 0xF6: case 0xF7:
		if (rm_reg && (in->reg == 2 || in->reg == 3)) {
			s->kind = K_NOTNEG;
			s->op = in->reg;
			s->size = opc == 0xF6 ? 1 : v;
			s->dst_reg = in->rm;
			return true;
		}
		if (!rm_reg || in->reg != 0)
			return false;
		s->kind = K_TEST;
		s->size = opc == 0xF6 ? 1 : v;
		s->dst_reg = in->rm;
		s->imm = true;
		return true;
	case 0xFE: case 0xFF:
		if (in->reg > 1)
			return false;
		s->kind = K_INCDEC;
		s->op = in->reg;
		s->size = opc == 0xFE ? 1 : v;
		if (rm_reg)
			s->dst_reg = in->rm;
		else
			s->mem = s->write = true;
		return true;
	case 0x86: case 0x87:
		if (!rm_reg)
			return false; /* with memory: locked, left to the handler */
		s->kind = K_XCHG;
		s->size = opc == 0x86 ? 1 : v;
		s->dst_reg = in->rm;
		s->src_reg = in->reg;
		return true;
	case 0x98:
		s->kind = K_CBW;
		s->size = v;
		return true;
	case 0x99:
		s->kind = K_CWD;
		s->size = v;
		return true;
	case 0xC9:
		s->kind = K_LEAVE;
		s->size = v;
		s->mem = true;
		return true;
	case 0x88: case 0x89: case 0x8A: case 0x8B:
		s->kind = K_MOV;
		s->size = (opc & 1) ? v : 1;
		s->to_reg = opc & 2;
		if (rm_reg) {
			s->dst_reg = s->to_reg ? in->reg : in->rm;
			s->src_reg = s->to_reg ? in->rm : in->reg;
		} else {
			s->mem = true;
			s->write = !s->to_reg;
			if (s->to_reg)
				s->dst_reg = in->reg;
			else
				s->src_reg = in->reg;
		}
		return true;
	case 0xA0: case 0xA1: case 0xA2: case 0xA3:
		s->kind = K_MOV;
		s->size = (opc & 1) ? v : 1;
		s->mem = true;
		s->to_reg = opc < 0xA2;
		s->write = !s->to_reg;
		if (s->to_reg)
			s->dst_reg = REG_EAX;
		else
			s->src_reg = REG_EAX;
		return true;
	case 0xC6: case 0xC7:
		if (in->reg != 0)
			return false;
		s->kind = K_MOV;
		s->size = opc == 0xC6 ? 1 : v;
		s->imm = true;
		if (rm_reg) {
			s->dst_reg = in->rm;
		} else {
			s->mem = true;
			s->write = true;
		}
		return true;
	case 0x8D:
		if (rm_reg)
			return false;
		s->kind = K_LEA;
		s->size = v;
		s->dst_reg = in->reg;
		return true;
	case 0x90:
		if (in->rep)
			return false; /* PAUSE */
		s->kind = K_NOP;
		return true;
	case 0x68: case 0x6A:
		s->kind = K_PUSH;
		s->size = v;
		s->imm = true;
		s->mem = s->write = true;
		return true;
	case 0xEB: case 0xE9: case 0xE3:
		s->kind = K_JCC;
		return true;
	case 0xE0: case 0xE1: case 0xE2:
		s->kind = K_LOOP;
		return true;
	case 0xE8:
		s->kind = K_CALL;
		s->size = v;
		s->mem = s->write = true;
		return true;
	case 0xC2: case 0xC3:
		s->kind = K_RET;
		s->size = v;
		s->mem = true;
		return true;
	case 0xC0: case 0xC1: case 0xD0: case 0xD1:
		/* ROL ROR SHL SHR SAL SAR on a register. The count is below
		 * the width (masked to 5 bits, so always with 32-bit
		 * operands), where the host shifts produce the interpreter's
		 * CF, SF, ZF and PF; OF and AF are set by hand (emit_shift). */
		if (!rm_reg || in->reg == 2 || in->reg == 3)
			return false;
		s->kind = K_SHIFT;
		s->op = in->reg;
		s->size = (opc & 1) ? v : 1;
		s->count = opc >= 0xD0 ? 1 : (in->imm & 31);
		if (s->count >= s->size * 8)
			return false;
		s->dst_reg = in->rm;
		return true;
	case 0x1AF: case 0x69: case 0x6B:
		s->kind = K_IMUL;
		s->size = v;
		s->imm = opc != 0x1AF;
		s->dst_reg = in->reg;
		if (rm_reg)
			s->src_reg = in->rm;
		else
			s->mem = true;
		return true;
	case 0x1B6: case 0x1B7: case 0x1BE: case 0x1BF:
		s->kind = K_MOVX;
		s->size = v;
		s->src_size = (opc & 1) ? 2 : 1;
		s->sign = opc >= 0x1BE;
		s->dst_reg = in->reg;
		if (rm_reg)
			s->src_reg = in->rm;
		else
			s->mem = true;
		return true;
	default:
		break;
	}
	if (opc >= 0xB0 && opc <= 0xBF) {
		s->kind = K_MOV;
		s->size = opc < 0xB8 ? 1 : v;
		s->imm = true;
		s->dst_reg = opc & 7;
		return true;
	}
	if (opc >= 0x91 && opc <= 0x97) {
		s->kind = K_XCHG;
		s->size = v;
		s->dst_reg = opc & 7;
		s->src_reg = REG_EAX;
		return true;
	}
	if (opc >= 0x190 && opc <= 0x19F && rm_reg) {
		s->kind = K_SETCC;
		s->size = 1;
		s->dst_reg = in->rm;
		return true;
	}
	if (opc >= 0x40 && opc <= 0x4F) {
		s->kind = K_INCDEC;
		s->op = (opc >> 3) & 1;
		s->size = v;
		s->dst_reg = opc & 7;
		return true;
	}
	if (opc >= 0x50 && opc <= 0x57) {
		s->kind = K_PUSH;
		s->size = v;
		s->src_reg = opc & 7;
		s->mem = s->write = true;
		return true;
	}
	if (opc >= 0x58 && opc <= 0x5F && opc != 0x5C) {
		s->kind = K_POP;
		s->size = v;
		s->dst_reg = opc & 7;
		s->mem = true;
		return true;
	}
	if ((opc >= 0x70 && opc <= 0x7F) || (opc >= 0x180 && opc <= 0x18F)) {
		s->kind = K_JCC;
		return true;
	}
	return false;
}

bool tr_inline_ok(const struct x86_insn *in, bool *uses_memory)
{
	struct shape s;
	if (!shape_of(in, &s))
		return false;
	*uses_memory = s.mem;
	return true;
}

void tr_inline_flags(const struct x86_insn *in, uint32_t *read, uint32_t *written)
{
	struct shape s;
	*read = in->op->flags_read & FLAGS_ARITH;
	*written = in->op->flags_written & FLAGS_ARITH;
	/* A shift by a masked count of 0 leaves every flag as it was. */
	if (shape_of(in, &s) && s.kind == K_SHIFT && s.count == 0)
		*written = 0;
}

/* --- pieces ------------------------------------------------------------- */

/* Merges ecx (new flag bits, nothing outside `written`) into cpu->eflags,
 * where the bits in `written` change. */
static void emit_merge_ecx(struct emit *e, uint32_t written)
{
	XM(e, 0, "\x81", 4, RBX, (int32_t)OFF_EFLAGS); e32(e, ~written); /* and [eflags], ~written */
	XM(e, 0, "\x09", RCX, RBX, (int32_t)OFF_EFLAGS);             /* or [eflags], ecx */
}

/* Merges the host's arithmetic flags into cpu->eflags: the bits in
 * `written` change, of which `from_host` come from the host's EFLAGS and
 * the others become 0. */
static void emit_flags(struct emit *e, uint32_t written, uint32_t from_host)
{
	e8(e, 0x9C);                                                  /* pushfq */
	e8(e, 0x59);                                                  /* pop rcx */
	if (from_host == written) {
		/* eflags ^= (eflags ^ host) & written: one read-modify-write */
		XM(e, 0, "\x33", RCX, RBX, (int32_t)OFF_EFLAGS);     /* xor ecx, [eflags] */
		XR(e, 0, "\x81", 4, RCX); e32(e, written);            /* and ecx, written */
		XM(e, 0, "\x31", RCX, RBX, (int32_t)OFF_EFLAGS);     /* xor [eflags], ecx */
		return;
	}
	XR(e, 0, "\x81", 4, RCX); e32(e, from_host);                  /* and ecx, from_host */
	emit_merge_ecx(e, written);
}

/* The flags of an inline ALU, TEST or INC/DEC instruction, from the
 * host's: the same six, except AF after AND/OR/XOR/TEST (0 in the
 * interpreter, undefined on the host) and CF after INC/DEC (kept: the
 * host keeps it too). */
static void emit_alu_flags(struct emit *e, const struct tr_emit_ctx *c, const struct x86_insn *in,
			   const struct shape *s)
{
	bool logic = s->kind == K_TEST ||
		     (s->kind == K_ALU && (s->op == ALU_AND || s->op == ALU_OR || s->op == ALU_XOR));
	uint32_t rd, wr;
	tr_inline_flags(in, &rd, &wr);
	if (wr & c->live_after)
		emit_flags(e, wr, logic ? wr & ~(uint32_t)FLAG_AF : wr);
}

static void emit_alu(struct emit *e, const struct tr_emit_ctx *c, const struct x86_insn *in,
		     const struct shape *s)
{
	unsigned size = s->size, fl = x_sz(size);
	/* The host location of the first operand: a guest register in
	 * struct cpu, or the memory operand's host address in rdx. */
	unsigned base = RBX;
	int32_t disp = 0;
	if (s->mem) {
		tr_emit_operand_addr(e, c, in, size, s->write);
		if (s->dst_reg >= 0) { /* G, E: the memory is the source */
			emit_load_ecx(e, size, RDX, 0);
			disp = off_reg((unsigned)s->dst_reg, size);
		} else {
			base = RDX;
			if (s->src_reg >= 0)
				emit_load_ecx(e, size, RBX, off_reg((unsigned)s->src_reg, size));
		}
	} else {
		disp = off_reg((unsigned)s->dst_reg, size);
		if (!s->imm)
			emit_load_ecx(e, size, RBX, off_reg((unsigned)s->src_reg, size));
	}
	if (s->kind == K_ALU && (s->op == ALU_ADC || s->op == ALU_SBB)) {
		XM(e, 0, "\x0F\xBA", 4, RBX, (int32_t)OFF_EFLAGS);  /* bt [eflags], 0: CF in */
		e8(e, 0);
	}
	if (s->kind == K_TEST) {
		if (s->imm) {
			XM(e, fl, size == 1 ? "\xF6" : "\xF7", 0, base, disp);
			e_imm(e, size, in->imm);
		} else {
			XM(e, fl, size == 1 ? "\x84" : "\x85", RCX, base, disp);
		}
	} else if (s->imm) {
		XM(e, fl, size == 1 ? "\x80" : "\x81", s->op, base, disp);
		e_imm(e, size, in->imm);
	} else {
		char op[1] = {(char)((s->op << 3) | (size == 1 ? 0 : 1))};
		x_mem(e, fl, op, 1, RCX, base, disp);
	}
	if (!c->defer_flags)
		emit_alu_flags(e, c, in, s);
}

/* SHL/SAL, SHR, SAR of a register by a count below its width. The host
 * shift leaves CF, SF, ZF and PF as the interpreter computes them; AF is 0
 * in the interpreter; OF by a count of 1 is the host's (SHL: CF xor MSB,
 * SHR: the old MSB, SAR: 0), by larger counts the interpreter's formula
 * applied to the result: SHL CF xor MSB, SHR and SAR 0 (the top two bits
 * of a result shifted right by two or more agree). */
static void emit_shift_flags(struct emit *e, const struct tr_emit_ctx *c, const struct shape *s);

static void emit_shift(struct emit *e, const struct tr_emit_ctx *c, const struct shape *s)
{
	unsigned size = s->size, fl = x_sz(size);
	unsigned op = s->op == 6 ? 4 : s->op; /* SAL is SHL */
	int32_t dst = off_reg((unsigned)s->dst_reg, size);
	if (s->count == 0)
		return;
	if (s->count == 1) {
		XM(e, fl, size == 1 ? "\xD0" : "\xD1", op, RBX, dst);
	} else {
		XM(e, fl, size == 1 ? "\xC0" : "\xC1", op, RBX, dst);
		e8(e, (uint8_t)s->count);
	}
	if (!c->defer_flags)
		emit_shift_flags(e, c, s);
}

/* ROL and ROR change CF and OF only. CF is the host's; OF is computed
 * from the result as the interpreter does for every count: ROL CF xor
 * MSB, ROR MSB xor the bit below it. */
static void emit_rotate_flags(struct emit *e, const struct tr_emit_ctx *c, const struct shape *s)
{
	unsigned bits = s->size * 8;
	if (!(c->live_after & (FLAG_CF | FLAG_OF)))
		return;
	e8(e, 0x9C);                                                  /* pushfq */
	e8(e, 0x59);                                                  /* pop rcx */
	int32_t dst = off_reg((unsigned)s->dst_reg, s->size);
	if (s->size == 4)
		XM(e, 0, "\x8B", RAX, RBX, dst);                     /* mov eax, [reg] */
	else
		XM(e, 0, s->size == 1 ? "\x0F\xB6" : "\x0F\xB7", RAX, RBX, dst); /* movzx */
	XR(e, 0, "\x8B", RDX, RAX);                                  /* mov edx, eax */
	if (s->op == 0) { /* ROL: MSB xor CF */
		XR(e, 0, "\xC1", 5, RDX); e8(e, (uint8_t)(bits - 1)); /* shr edx, bits-1 */
		XR(e, 0, "\x31", RCX, RDX);                          /* xor edx, ecx */
	} else { /* ROR: MSB xor MSB-1 */
		XR(e, 0, "\xD1", 5, RDX);                            /* shr edx, 1 */
		XR(e, 0, "\x31", RAX, RDX);                          /* xor edx, eax */
		XR(e, 0, "\xC1", 5, RDX); e8(e, (uint8_t)(bits - 2)); /* shr edx, bits-2 */
	}
	XR(e, 0, "\x81", 4, RDX); e32(e, 1);                          /* and edx, 1 */
	XR(e, 0, "\xC1", 4, RDX); e8(e, 11);                          /* shl edx, 11: OF */
	XR(e, 0, "\x81", 4, RCX); e32(e, FLAG_CF);                    /* and ecx, CF */
	XR(e, 0, "\x09", RDX, RCX);                                  /* or ecx, edx */
	emit_merge_ecx(e, FLAG_CF | FLAG_OF);
}

/* The flags of emit_shift()'s shift, from the host's. */
static void emit_shift_flags(struct emit *e, const struct tr_emit_ctx *c, const struct shape *s)
{
	unsigned op = s->op == 6 ? 4 : s->op;
	if (s->count != 0 && op < 2) {
		emit_rotate_flags(e, c, s);
		return;
	}
	if (s->count == 0 || !(c->live_after & FLAGS_ARITH))
		return;
	bool shl_of = op == 4 && s->count > 1;
	e8(e, 0x9C);                                                  /* pushfq */
	e8(e, 0x59);                                                  /* pop rcx */
	if (shl_of) {
		XR(e, 0, "\x8B", RAX, RCX);                           /* mov eax, ecx */
		XR(e, 0, "\xC1", 4, RAX); e8(e, 11);                   /* shl eax, 11: CF at OF */
		XR(e, 0, "\x8B", RDX, RCX);                           /* mov edx, ecx */
		XR(e, 0, "\xC1", 4, RDX); e8(e, 4);                    /* shl edx, 4: SF at OF */
		XR(e, 0, "\x31", RDX, RAX);                           /* xor eax, edx */
		e8(e, 0x25); e32(e, FLAG_OF);                          /* and eax, OF */
	}
	uint32_t host = FLAG_CF | FLAG_PF | FLAG_ZF | FLAG_SF | (s->count == 1 ? FLAG_OF : 0);
	XR(e, 0, "\x81", 4, RCX); e32(e, host);                       /* and ecx, host */
	if (shl_of)
		XR(e, 0, "\x09", RAX, RCX);                           /* or ecx, eax */
	emit_merge_ecx(e, FLAGS_ARITH);
}

/* IMUL G, E and G, E, imm (16 or 32 bits). The host's CF and OF are the
 * interpreter's (the signed product does not fit); SF, ZF and PF come
 * from the truncated product and AF is 0 (cpu/muldiv.c). */
static void emit_imul(struct emit *e, const struct tr_emit_ctx *c, const struct x86_insn *in,
		      const struct shape *s)
{
	unsigned size = s->size, fl = x_sz(size);
	unsigned base = RBX;
	int32_t disp = 0;
	if (s->mem) {
		tr_emit_operand_addr(e, c, in, size, false);
		base = RDX;
	} else {
		disp = off_reg((unsigned)s->src_reg, size);
	}
	if (s->imm) {
		XM(e, fl, "\x69", RCX, base, disp);                  /* imul ecx, [src], imm */
		e_imm(e, size, in->imm);
	} else {
		emit_load_ecx(e, size, RBX, off_reg((unsigned)s->dst_reg, size));
		XM(e, fl, "\x0F\xAF", RCX, base, disp);              /* imul ecx, [src] */
	}
	if (c->live_after & FLAGS_ARITH)
		EB3(e, 0x0F, 0x92, 0xC0);                             /* setc al */
	emit_store(e, size, RCX, RBX, off_reg((unsigned)s->dst_reg, size));
	if (!(c->live_after & FLAGS_ARITH))
		return;
	XR(e, fl, "\x85", RCX, RCX);                                 /* test ecx, ecx */
	e8(e, 0x9C);                                                  /* pushfq */
	e8(e, 0x59);                                                  /* pop rcx */
	XR(e, 0, "\x81", 4, RCX); e32(e, FLAG_SF | FLAG_ZF | FLAG_PF); /* and ecx, SF|ZF|PF */
	XR(e, 0, "\x0F\xB6", RAX, RAX);                             /* movzx eax, al */
	XR(e, 0, "\x69", RAX, RAX); e32(e, FLAG_CF | FLAG_OF);        /* imul eax, eax, CF|OF */
	XR(e, 0, "\x09", RAX, RCX);                                  /* or ecx, eax */
	emit_merge_ecx(e, FLAGS_ARITH);
}

/* CALL rel: pushes the return address (the EIP after the call, at block
 * offset c->off + in->len from r14d); the block emitter has checked the
 * target and keeps it in r10d, which this leaves alone. */
static void emit_call_push(struct emit *e, const struct tr_emit_ctx *c, const struct x86_insn *in,
			   const struct shape *s, bool stack32)
{
	unsigned size = s->size;
	tr_emit_sp(e, stack32, -(int32_t)size);
	XR(e, 0, "\x89", RAX, R9);                                   /* mov r9d, eax */
	tr_emit_host_addr(e, c, SEG_SS, size, true, c->slow);
	x_lea32(e, RCX, R14, (int32_t)(c->off + in->len));            /* lea ecx, [r14+next] */
	emit_store(e, size, RCX, RDX, 0);
	tr_emit_set_sp(e, stack32);
}

/* RET / RET imm16: eax = the popped return address, checked against the CS
 * limit (past it, or when the read needs its slow path: to ctx->slow,
 * nothing committed), then SP released and EIP stored. */
static void emit_ret(struct emit *e, const struct tr_emit_ctx *c, const struct x86_insn *in,
		     const struct shape *s, bool stack32)
{
	unsigned size = s->size;
	uint32_t extra = in->opcode == 0xC2 ? (uint16_t)in->imm : 0;
	tr_emit_sp(e, stack32, (int32_t)(size + extra));
	XR(e, 0, "\x89", RAX, R9);                                   /* mov r9d, eax: new SP */
	XR(e, 0, "\x89", R8, RAX);                                   /* mov eax, r8d: old SP */
	tr_emit_host_addr(e, c, SEG_SS, size, false, c->slow);
	if (size == 2)
		XM(e, 0, "\x0F\xB7", RAX, RDX, 0);                  /* movzx eax, word [rdx] */
	else
		XM(e, 0, "\x8B", RAX, RDX, 0);                       /* mov eax, [rdx] */
	if (!c->flat) { /* (a flat CS has no limit to pass) */
		XM(e, 0, "\x3B", RAX, RBX, (int32_t)OFF_SEG(SEG_CS, limit)); /* cmp eax, [cs.limit] */
		x_jcc(e, CC_A, c->slow);
	}
	tr_emit_set_sp(e, stack32);
	XM(e, 0, "\x89", RAX, RBX, (int32_t)OFF_EIP);                /* mov [eip], eax */
}

void tr_emit_inline(struct emit *e, const struct tr_emit_ctx *c, const struct x86_insn *in)
{
	struct shape s;
	if (!shape_of(in, &s))
		return;
	unsigned size = s.size, fl = x_sz(size);
	bool stack32 = c->b->mode & 2; /* TR_MODE_STACK32 */
	switch (s.kind) {
	case K_ALU:
	case K_TEST:
		emit_alu(e, c, in, &s);
		break;
	case K_INCDEC:
		if (s.mem) {
			tr_emit_operand_addr(e, c, in, size, true);
			XM(e, fl, size == 1 ? "\xFE" : "\xFF", s.op, RDX, 0);
		} else {
			XM(e, fl, size == 1 ? "\xFE" : "\xFF", s.op, RBX,
			   off_reg((unsigned)s.dst_reg, size));
		}
		if (!c->defer_flags)
			emit_alu_flags(e, c, in, &s);
		break;
	case K_NOTNEG:
		/* NOT changes no flag; NEG's six are the host's */
		XM(e, fl, size == 1 ? "\xF6" : "\xF7", s.op, RBX, off_reg((unsigned)s.dst_reg, size));
		if (s.op == 3 && !c->defer_flags)
			emit_alu_flags(e, c, in, &s);
		break;
	case K_XCHG: {
		int32_t a = off_reg((unsigned)s.dst_reg, size), b = off_reg((unsigned)s.src_reg, size);
		emit_load_ecx(e, size, RBX, a);
		XM(e, fl, size == 1 ? "\x8A" : "\x8B", RAX, RBX, b);
		emit_store(e, size, RAX, RBX, a);
		emit_store(e, size, RCX, RBX, b);
		break;
	}
	case K_CBW:
		if (size == 2)
			XM(e, 0, "\x0F\xBE", RCX, RBX, off_reg(REG_EAX, 1)); /* movsx ecx, al */
		else
			XM(e, 0, "\x0F\xBF", RCX, RBX, off_reg(REG_EAX, 2)); /* movsx ecx, ax */
		emit_store(e, size, RCX, RBX, off_reg(REG_EAX, size));
		break;
	case K_CWD:
		if (size == 2)
			XM(e, 0, "\x0F\xBF", RCX, RBX, off_reg(REG_EAX, 2)); /* movsx ecx, ax */
		else
			XM(e, 0, "\x8B", RCX, RBX, off_reg(REG_EAX, 4));      /* mov ecx, eax */
		XR(e, 0, "\xC1", 7, RCX); e8(e, 31);                        /* sar ecx, 31 */
		emit_store(e, size, RCX, RBX, off_reg(REG_EDX, size));
		break;
	case K_SETCC: {
		unsigned cc = tr_emit_cond(e, in);
		char op[2] = {0x0F, (char)(0x90 | cc)};
		x_mem(e, 0, op, 2, 0, RBX, off_reg((unsigned)s.dst_reg, 1)); /* setcc [reg8] */
		break;
	}
	case K_LEAVE: {
		/* SP = BP (by the stack size), EBP/BP = the value popped
		 * there, ESP committed after the read succeeded */
		XM(e, 0, "\x8B", RAX, RBX, off_reg(REG_EBP, 4));             /* mov eax, [ebp] */
		if (!stack32)
			XR(e, 0, "\x0F\xB7", RAX, RAX);                     /* movzx eax, ax */
		x_lea32(e, R9, RAX, (int32_t)size);                           /* lea r9d, [rax+size] */
		if (!stack32)
			XR(e, 0, "\x0F\xB7", R9, R9);                       /* movzx r9d, r9w */
		tr_emit_host_addr(e, c, SEG_SS, size, false, c->slow);
		emit_load_ecx(e, size, RDX, 0);
		tr_emit_set_sp(e, stack32);
		emit_store(e, size, RCX, RBX, off_reg(REG_EBP, size));
		break;
	}
	case K_MOV:
		if (!s.mem) {
			int32_t dst = off_reg((unsigned)s.dst_reg, size);
			if (s.imm) {
				XM(e, fl, size == 1 ? "\xC6" : "\xC7", 0, RBX, dst);
				e_imm(e, size, in->imm);
			} else {
				emit_load_ecx(e, size, RBX, off_reg((unsigned)s.src_reg, size));
				emit_store(e, size, RCX, RBX, dst);
			}
		} else if (!s.write) {
			tr_emit_operand_addr(e, c, in, size, false);
			emit_load_ecx(e, size, RDX, 0);
			emit_store(e, size, RCX, RBX, off_reg((unsigned)s.dst_reg, size));
		} else {
			tr_emit_operand_addr(e, c, in, size, true);
			if (s.imm) {
				XM(e, fl, size == 1 ? "\xC6" : "\xC7", 0, RDX, 0);
				e_imm(e, size, in->imm);
			} else {
				emit_load_ecx(e, size, RBX, off_reg((unsigned)s.src_reg, size));
				emit_store(e, size, RCX, RDX, 0);
			}
		}
		break;
	case K_MOVX: {
		const char *op = s.sign ? (s.src_size == 1 ? "\x0F\xBE" : "\x0F\xBF")
					: (s.src_size == 1 ? "\x0F\xB6" : "\x0F\xB7");
		if (s.mem) {
			tr_emit_operand_addr(e, c, in, s.src_size, false);
			x_mem(e, 0, op, 2, RCX, RDX, 0);
		} else {
			x_mem(e, 0, op, 2, RCX, RBX, off_reg((unsigned)s.src_reg, s.src_size));
		}
		emit_store(e, size, RCX, RBX, off_reg((unsigned)s.dst_reg, size));
		break;
	}
	case K_LEA:
		tr_emit_ea(e, in);
		emit_store(e, size, RAX, RBX, off_reg((unsigned)s.dst_reg, size));
		break;
	case K_PUSH:
		tr_emit_sp(e, stack32, -(int32_t)size);
		XR(e, 0, "\x89", RAX, R9);                            /* mov r9d, eax */
		tr_emit_host_addr(e, c, SEG_SS, size, true, c->slow);
		if (s.imm) {
			XM(e, fl, "\xC7", 0, RDX, 0);
			e_imm(e, size, in->imm);
		} else {
			emit_load_ecx(e, size, RBX, off_reg((unsigned)s.src_reg, size));
			emit_store(e, size, RCX, RDX, 0);
		}
		tr_emit_set_sp(e, stack32);
		break;
	case K_POP:
		tr_emit_sp(e, stack32, (int32_t)size);
		XR(e, 0, "\x89", RAX, R9);                            /* mov r9d, eax: new SP */
		XR(e, 0, "\x89", R8, RAX);                            /* mov eax, r8d: old SP */
		tr_emit_host_addr(e, c, SEG_SS, size, false, c->slow);
		emit_load_ecx(e, size, RDX, 0);
		tr_emit_set_sp(e, stack32);
		emit_store(e, size, RCX, RBX, off_reg((unsigned)s.dst_reg, size));
		break;
	case K_SHIFT:
		emit_shift(e, c, &s);
		break;
	case K_IMUL:
		emit_imul(e, c, in, &s);
		break;
	case K_CALL:
		emit_call_push(e, c, in, &s, stack32);
		break;
	case K_RET:
		emit_ret(e, c, in, &s, stack32);
		break;
	case K_NOP:
	case K_JCC:
	case K_LOOP:
	case K_NONE:
		break;
	}
}

unsigned tr_emit_cond(struct emit *e, const struct x86_insn *in)
{
	if (in->opcode == 0xEB || in->opcode == 0xE9 || in->opcode == 0xE8)
		return 16;
	if (in->opcode == 0xE3) {
		/* JCXZ / JECXZ: cmp cx/ecx, 0 */
		XM(e, x_sz(in->adsize), "\x83", 7, RBX, off_reg(REG_ECX, 4)); e8(e, 0);
		return CC_E;
	}
	if (in->opcode >= 0xE0 && in->opcode <= 0xE2) {
		/* LOOP: r8d = the count less one (committed by
		 * tr_emit_loop_commit() on both ways out, after the target
		 * is checked); taken while it is not 0, and for LOOPE and
		 * LOOPNE while ZF is set or clear. */
		XM(e, 0, "\x8B", R8, RBX, off_reg(REG_ECX, 4));     /* mov r8d, [ecx] */
		x_lea32(e, R8, R8, -1);                               /* lea r8d, [r8-1] */
		XR(e, x_sz(in->adsize), "\x85", R8, R8);             /* test r8d, r8d */
		if (in->opcode == 0xE2)
			return CC_NE;
		EB3(e, 0x0F, 0x95, 0xC1);                             /* setne cl */
		XM(e, 0, "\xF7", 0, RBX, (int32_t)OFF_EFLAGS);       /* test [eflags], ZF */
		e32(e, FLAG_ZF);
		EB3(e, 0x0F, in->opcode == 0xE1 ? 0x95 : 0x94, 0xC0); /* setne/sete al */
		e8(e, 0x84); e8(e, 0xC8);                             /* test al, cl */
		return CC_NE;
	}
	unsigned cc = in->opcode & 0xF;
	bool odd = cc & 1;
	static const uint32_t simple[6] = {FLAG_OF, FLAG_CF, FLAG_ZF, FLAG_CF | FLAG_ZF, FLAG_SF,
					   FLAG_PF};
	if (cc >> 1 < 6) {
		XM(e, 0, "\xF7", 0, RBX, (int32_t)OFF_EFLAGS);        /* test [eflags], mask */
		e32(e, simple[cc >> 1]);
		return odd ? CC_E : CC_NE;
	}
	/* L: SF != OF (SF is bit 7, OF bit 11: SF << 4 lines them up). LE:
	 * that, or ZF. */
	XM(e, 0, "\x8B", RAX, RBX, (int32_t)OFF_EFLAGS);              /* mov eax, [eflags] */
	XR(e, 0, "\x8B", RCX, RAX);                                   /* mov ecx, eax */
	XR(e, 0, "\xC1", 4, RCX); e8(e, 4);                            /* shl ecx, 4 */
	XR(e, 0, "\x31", RAX, RCX);                                   /* xor ecx, eax */
	XR(e, 0, "\x81", 4, RCX); e32(e, FLAG_OF);                    /* and ecx, OF */
	if (cc >> 1 == 7) {
		XR(e, 0, "\x81", 4, RAX); e32(e, FLAG_ZF);            /* and eax, ZF */
		XR(e, 0, "\x09", RAX, RCX);                           /* or ecx, eax */
	}
	return odd ? CC_E : CC_NE;
}

void tr_emit_loop_commit(struct emit *e, const struct x86_insn *in)
{
	XM(e, x_sz(in->adsize), "\x89", R8, RBX, off_reg(REG_ECX, 4)); /* mov [ecx], r8d / r8w */
}

bool tr_inline_host_cond(const struct x86_insn *in, unsigned cc)
{
	struct shape s;
	if (!shape_of(in, &s) || s.mem)
		return false;
	switch (s.kind) {
	case K_ALU:
	case K_TEST:
		return true;
	case K_NOTNEG:
		return s.op == 3;
	case K_INCDEC:
		/* The host keeps its own CF, not the guest's. */
		return cc != CC_B && cc != CC_AE && cc != CC_BE && cc != CC_A;
	case K_SHIFT:
		/* OF is the host's for a count of 1 only (emit_shift);
		 * rotates leave the host's SF, ZF and PF unrelated. */
		return s.count != 0 && s.op >= 4 && (s.count == 1 || cc == CC_B || cc == CC_AE || cc == CC_E ||
					cc == CC_NE || cc == CC_BE || cc == CC_A || cc == CC_S ||
					cc == CC_NS || cc == CC_P || cc == CC_NP);
	default:
		return false;
	}
}

void tr_emit_inline_flags(struct emit *e, const struct tr_emit_ctx *c, const struct x86_insn *in)
{
	struct shape s;
	if (!shape_of(in, &s))
		return;
	if (s.kind == K_SHIFT)
		emit_shift_flags(e, c, &s);
	else
		emit_alu_flags(e, c, in, &s);
}

#endif
