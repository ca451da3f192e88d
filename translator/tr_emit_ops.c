/* tr_emit_ops.c: host code for the guest instructions the translator runs
 * inline instead of calling their handler.
 *
 * These are the instructions that make up most of ordinary code: MOV
 * between registers, immediates and memory, MOVZX/MOVSX, LEA, the ALU
 * operations (ADD OR ADC SBB AND SUB XOR CMP TEST, INC, DEC) on registers
 * and on a memory source, PUSH and POP of registers and immediates, and the
 * conditions of Jcc. Each is emitted as one or two host instructions on the
 * guest registers in struct cpu (rbx), so that the result is exactly what
 * the interpreter's handler leaves there:
 *
 *  - Flags are eager in the interpreter (cpu->eflags holds them after
 *    every instruction). The host computes the same six arithmetic flags
 *    for these operations, so they are taken from the host's EFLAGS
 *    (pushfq) and merged into cpu->eflags. The exceptions are spelt out:
 *    AND/OR/XOR/TEST leave AF undefined on the host and 0 in the
 *    interpreter (forced to 0 here); INC/DEC keep the guest's CF. A flag
 *    nothing reads before the next instruction overwrites it is not stored
 *    at all (the block emitter's liveness pass, ctx->live_after).
 *  - Memory goes through the same checks as cpu/access.h's inline fast
 *    path, emitted as code: a plain expand-up data segment (no
 *    SEG_ATTR_SLOW), the access inside its limit and inside one page, then
 *    with paging the software TLB's direct tag for the access kind, without
 *    paging the physical page's host pointer (and PHYS_PAGE_WRITABLE for a
 *    write, which pages holding translated code lack). When any check
 *    fails nothing has been written yet, and the code jumps to ctx->slow,
 *    which calls the instruction's handler: it takes the slow path,
 *    raises the fault, tells the translator about a write to code, or
 *    reaches the device, exactly as in the interpreter.
 */
#include "translator/tr_x64.h"

#if defined(__x86_64__)

#include "cpu/opcode.h"

_Static_assert(sizeof(struct mmu_tlb_entry) == 32, "TLB index scaled by a shift of 5");

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
	K_JCC,     /* Jcc / JMP rel: the block emitter ends the block with it */
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
			/* Memory: only as a source (G,E) or as CMP's first operand. */
			if (!s->to_reg && s->op != ALU_CMP)
				return false;
			s->mem = true;
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
		if (s->op != ALU_CMP)
			return false;
		s->mem = true;
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
		if (!rm_reg || in->reg != 0)
			return false;
		s->kind = K_TEST;
		s->size = opc == 0xF6 ? 1 : v;
		s->dst_reg = in->rm;
		s->imm = true;
		return true;
	case 0xFE: case 0xFF:
		if (!rm_reg || in->reg > 1)
			return false;
		s->kind = K_INCDEC;
		s->op = in->reg;
		s->size = opc == 0xFE ? 1 : v;
		s->dst_reg = in->rm;
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
	case 0xEB: case 0xE9:
		s->kind = K_JCC;
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
	*read = in->op->flags_read & FLAGS_ARITH;
	*written = in->op->flags_written & FLAGS_ARITH;
}

/* --- pieces ------------------------------------------------------------- */

/* [base + index * scale + disp] with a SIB byte (32-bit LEA and loads). */
static void x_sib(struct emit *e, unsigned fl, const char *op, size_t oplen, unsigned reg,
		  unsigned base, unsigned index, unsigned scale, int32_t disp)
{
	if (fl & X_16)
		e8(e, 0x66);
	unsigned rex = ((fl & X_W) ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((index & 8) ? 2 : 0) |
		       ((base & 8) ? 1 : 0);
	if (rex)
		e8(e, (uint8_t)(0x40 | rex));
	for (size_t i = 0; i < oplen; i++)
		e8(e, (uint8_t)op[i]);
	e8(e, (uint8_t)(0x80 | ((reg & 7) << 3) | 4));
	e8(e, (uint8_t)((scale << 6) | ((index & 7) << 3) | (base & 7)));
	e32(e, (uint32_t)disp);
}

/* eax = the memory operand's offset (ModRM memory or moffs), wrapped to 16
 * bits with 16-bit addressing, as insn_ea() computes it. */
static void emit_ea(struct emit *e, const struct x86_insn *in)
{
	if (!in->has_modrm) { /* A0-A3: the offset is the immediate */
		x_mov_imm32(e, RAX, in->imm);
		return;
	}
	bool base = in->ea_base != X86_NO_REG, index = in->ea_index != X86_NO_REG;
	if (base)
		XM(e, 0, "\x8B", RAX, RBX, off_reg(in->ea_base, 4)); /* mov eax, [base] */
	else
		XR(e, 0, "\x31", RAX, RAX);                          /* xor eax, eax */
	if (index) {
		XM(e, 0, "\x8B", RCX, RBX, off_reg(in->ea_index, 4)); /* mov ecx, [index] */
		x_sib(e, 0, "\x8D", 1, RAX, RAX, RCX, in->ea_scale, in->disp); /* lea eax, [rax+rcx*s+d] */
	} else if (in->disp) {
		x_lea32(e, RAX, RAX, in->disp);
	}
	if (in->adsize == 2)
		XR(e, 0, "\x0F\xB7", RAX, RAX);                      /* movzx eax, ax */
}

/* rdx = the host address of `size` bytes at seg:eax, or a jump to `slow`.
 * Clobbers rax, rcx, rsi. */
static void emit_host_addr(struct emit *e, const struct tr_emit_ctx *c, unsigned seg,
			   unsigned size, bool write, unsigned slow)
{
	uint32_t need = SEG_ATTR_P | (write ? SEG_ATTR_RW : 0);
	uint32_t mask = SEG_ATTR_P | SEG_ATTR_CODE | SEG_ATTR_EXPDOWN | SEG_ATTR_SLOW |
			(write ? SEG_ATTR_RW : 0);
	XM(e, 0, "\x0F\xB7", RCX, RBX, (int32_t)OFF_SEG(seg, attr)); /* movzx ecx, [seg.attr] */
	XR(e, 0, "\x81", 4, RCX); e32(e, mask);                       /* and ecx, mask */
	XR(e, 0, "\x81", 7, RCX); e32(e, need);                       /* cmp ecx, need */
	x_jcc(e, CC_NE, slow);
	XM(e, 0, "\x8B", RCX, RBX, (int32_t)OFF_SEG(seg, limit));    /* mov ecx, [seg.limit] */
	x_lea64(e, RDX, RAX, (int32_t)size - 1);                      /* lea rdx, [rax+size-1] */
	XR(e, X_W, "\x39", RCX, RDX);                                 /* cmp rdx, rcx */
	x_jcc(e, CC_A, slow);
	XM(e, 0, "\x03", RAX, RBX, (int32_t)OFF_SEG(seg, base));     /* add eax, [seg.base] */
	if (size > 1) {
		XR(e, 0, "\x8B", RCX, RAX);                           /* mov ecx, eax */
		XR(e, 0, "\x81", 4, RCX); e32(e, PHYS_PAGE_SIZE - 1); /* and ecx, 0xFFF */
		XR(e, 0, "\x81", 7, RCX); e32(e, PHYS_PAGE_SIZE - size); /* cmp ecx, 4096-size */
		x_jcc(e, CC_A, slow);
	}
	if (c->paging) {
		unsigned acc = (write ? MMU_ACC_WRITE : 0) | (c->user ? MMU_ACC_USER : 0);
		XR(e, 0, "\x8B", RCX, RAX);                           /* mov ecx, eax */
		XR(e, 0, "\xC1", 5, RCX); e8(e, PHYS_PAGE_SHIFT);      /* shr ecx, 12 */
		XR(e, 0, "\x81", 4, RCX); e32(e, MMU_TLB_ENTRIES - 1); /* and ecx, entries-1 */
		XR(e, 0, "\xC1", 4, RCX); e8(e, 5);                    /* shl ecx, 5 */
		XR(e, X_W, "\x01", RBX, RCX);                         /* add rcx, rbx */
		XR(e, 0, "\x8B", RSI, RAX);                           /* mov esi, eax */
		XR(e, 0, "\x81", 1, RSI); e32(e, PHYS_PAGE_SIZE - 1); /* or esi, 0xFFF */
		XM(e, 0, "\x3B", RSI, RCX,
		   (int32_t)(OFF_TLB + offsetof(struct mmu_tlb_entry, tag) + 4 * acc)); /* cmp esi, tag */
		x_jcc(e, CC_NE, slow);
		XM(e, X_W, "\x8B", RDX, RCX,
		   (int32_t)(OFF_TLB + offsetof(struct mmu_tlb_entry, addend))); /* mov rdx, addend */
		XR(e, X_W, "\x01", RAX, RDX);                         /* add rdx, rax */
		return;
	}
	struct phys_mem *pm = c->t->cpu->mem;
	x_mov_imm64(e, RSI, (uint64_t)(uintptr_t)pm);
	XM(e, 0, "\x23", RAX, RSI, (int32_t)offsetof(struct phys_mem, a20_mask)); /* and eax, a20 */
	XR(e, 0, "\x8B", RCX, RAX);                                   /* mov ecx, eax */
	XR(e, 0, "\xC1", 5, RCX); e8(e, PHYS_PAGE_SHIFT);              /* shr ecx, 12 */
	if (write) {
		XM(e, X_W, "\x8B", RDX, RSI, (int32_t)offsetof(struct phys_mem, flags)); /* mov rdx, flags */
		/* test byte [rdx + rcx], PHYS_PAGE_WRITABLE */
		e8(e, 0xF6); e8(e, 0x04); e8(e, (uint8_t)((RCX << 3) | RDX)); e8(e, PHYS_PAGE_WRITABLE);
		x_jcc(e, CC_E, slow);
	}
	XM(e, X_W, "\x8B", RDX, RSI, (int32_t)offsetof(struct phys_mem, host)); /* mov rdx, host */
	/* mov rdx, [rdx + rcx*8] */
	e8(e, 0x48); e8(e, 0x8B); e8(e, 0x14); e8(e, (uint8_t)((3 << 6) | (RCX << 3) | RDX));
	XR(e, X_W, "\x85", RDX, RDX);                                 /* test rdx, rdx */
	x_jcc(e, CC_E, slow);
	XR(e, 0, "\x81", 4, RAX); e32(e, PHYS_PAGE_SIZE - 1);         /* and eax, 0xFFF */
	XR(e, X_W, "\x01", RAX, RDX);                                 /* add rdx, rax */
}

/* Stores al/ax/eax (register `r`) to [base + disp]. */
static void emit_store(struct emit *e, unsigned size, unsigned r, unsigned base, int32_t disp)
{
	if (size == 1)
		XM(e, 0, "\x88", r, base, disp);
	else
		XM(e, x_sz(size), "\x89", r, base, disp);
}


/* Merges the host's arithmetic flags into cpu->eflags: the bits in
 * `written` change, of which `from_host` come from the host's EFLAGS and
 * the others become 0. */
static void emit_flags(struct emit *e, uint32_t written, uint32_t from_host)
{
	e8(e, 0x9C);                                                  /* pushfq */
	e8(e, 0x59);                                                  /* pop rcx */
	XR(e, 0, "\x81", 4, RCX); e32(e, from_host);                  /* and ecx, from_host */
	XM(e, 0, "\x8B", RAX, RBX, (int32_t)OFF_EFLAGS);              /* mov eax, [eflags] */
	e8(e, 0x25); e32(e, ~written);                                /* and eax, ~written */
	XR(e, 0, "\x09", RCX, RAX);                                   /* or eax, ecx */
	XM(e, 0, "\x89", RAX, RBX, (int32_t)OFF_EFLAGS);              /* mov [eflags], eax */
}

/* ecx (cl/cx/ecx) = `size` bytes at [base + disp]. */
static void emit_load_ecx(struct emit *e, unsigned size, unsigned base, int32_t disp)
{
	if (size == 1)
		XM(e, 0, "\x8A", RCX, base, disp);
	else
		XM(e, x_sz(size), "\x8B", RCX, base, disp);
}

/* An immediate of `size` bytes. */
static void e_imm(struct emit *e, unsigned size, uint32_t v)
{
	if (size == 1)
		e8(e, (uint8_t)v);
	else if (size == 2) {
		e8(e, (uint8_t)v);
		e8(e, (uint8_t)(v >> 8));
	} else
		e32(e, v);
}

/* rdx = host address of the instruction's memory operand, or to slow. */
static void emit_operand_addr(struct emit *e, const struct tr_emit_ctx *c,
			      const struct x86_insn *in, unsigned size, bool write)
{
	emit_ea(e, in);
	emit_host_addr(e, c, in->seg, size, write, c->slow);
}

/* The stack pointer after moving it by `delta`, in eax, with the old one
 * in r8d (SP wrapped to 16 bits on a 16-bit stack). */
static void emit_sp(struct emit *e, bool stack32, int32_t delta)
{
	XM(e, 0, "\x8B", RAX, RBX, off_reg(REG_ESP, 4));              /* mov eax, [esp] */
	if (!stack32)
		XR(e, 0, "\x0F\xB7", RAX, RAX);                       /* movzx eax, ax */
	XR(e, 0, "\x89", RAX, R8);                                    /* mov r8d, eax */
	x_lea32(e, RAX, RAX, delta);                                  /* lea eax, [rax+delta] */
	if (!stack32)
		XR(e, 0, "\x0F\xB7", RAX, RAX);
}

/* Commits the new SP (in r9d) to ESP or SP. */
static void emit_set_sp(struct emit *e, bool stack32)
{
	XM(e, stack32 ? 0 : X_16, "\x89", R9, RBX, off_reg(REG_ESP, 4));
}

static void emit_alu(struct emit *e, const struct tr_emit_ctx *c, const struct x86_insn *in,
		     const struct shape *s)
{
	unsigned size = s->size, fl = x_sz(size);
	bool logic = s->kind == K_TEST || s->op == ALU_AND || s->op == ALU_OR || s->op == ALU_XOR;
	/* The host location of the first operand: a guest register in
	 * struct cpu, or the memory operand's host address in rdx. */
	unsigned base = RBX;
	int32_t disp = 0;
	if (s->mem) {
		emit_operand_addr(e, c, in, size, false);
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
	uint32_t rd, wr;
	tr_inline_flags(in, &rd, &wr);
	if (wr & c->live_after)
		emit_flags(e, wr, logic ? wr & ~(uint32_t)FLAG_AF : wr);
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
	case K_INCDEC: {
		XM(e, fl, size == 1 ? "\xFE" : "\xFF", s.op, RBX, off_reg((unsigned)s.dst_reg, size));
		uint32_t rd, wr;
		tr_inline_flags(in, &rd, &wr);
		if (wr & c->live_after)
			emit_flags(e, wr, wr);
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
			emit_operand_addr(e, c, in, size, false);
			emit_load_ecx(e, size, RDX, 0);
			emit_store(e, size, RCX, RBX, off_reg((unsigned)s.dst_reg, size));
		} else {
			emit_operand_addr(e, c, in, size, true);
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
			emit_operand_addr(e, c, in, s.src_size, false);
			x_mem(e, 0, op, 2, RCX, RDX, 0);
		} else {
			x_mem(e, 0, op, 2, RCX, RBX, off_reg((unsigned)s.src_reg, s.src_size));
		}
		emit_store(e, size, RCX, RBX, off_reg((unsigned)s.dst_reg, size));
		break;
	}
	case K_LEA:
		emit_ea(e, in);
		emit_store(e, size, RAX, RBX, off_reg((unsigned)s.dst_reg, size));
		break;
	case K_PUSH:
		emit_sp(e, stack32, -(int32_t)size);
		XR(e, 0, "\x89", RAX, R9);                            /* mov r9d, eax */
		emit_host_addr(e, c, SEG_SS, size, true, c->slow);
		if (s.imm) {
			XM(e, fl, "\xC7", 0, RDX, 0);
			e_imm(e, size, in->imm);
		} else {
			emit_load_ecx(e, size, RBX, off_reg((unsigned)s.src_reg, size));
			emit_store(e, size, RCX, RDX, 0);
		}
		emit_set_sp(e, stack32);
		break;
	case K_POP:
		emit_sp(e, stack32, (int32_t)size);
		XR(e, 0, "\x89", RAX, R9);                            /* mov r9d, eax: new SP */
		XR(e, 0, "\x89", R8, RAX);                            /* mov eax, r8d: old SP */
		emit_host_addr(e, c, SEG_SS, size, false, c->slow);
		emit_load_ecx(e, size, RDX, 0);
		emit_set_sp(e, stack32);
		emit_store(e, size, RCX, RBX, off_reg((unsigned)s.dst_reg, size));
		break;
	case K_NOP:
	case K_JCC:
	case K_NONE:
		break;
	}
}

unsigned tr_emit_cond(struct emit *e, const struct x86_insn *in)
{
	if (in->opcode == 0xEB || in->opcode == 0xE9)
		return 16;
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

#endif
