/* tr_x64.h: the x86-64 code generator's assembler, shared by its files
 * (tr_emit_x64.c: the shape of a block; tr_emit_ops.c: the instructions
 * emitted inline; tr_emit_mem.c: their guest memory accesses).
 *
 * Code is assembled into a buffer, with labels for the jumps inside the
 * block (resolved when the block is finished), then copied into the cache.
 * Only the few instruction forms the generator needs are encoded, each by
 * a helper named after it; memory operands are [base + disp32] (base: rbx
 * for struct cpu, or a scratch register holding a host pointer).
 *
 * Host registers in a block:
 *   rbx  the struct cpu (callee-saved, set by the entry stub)
 *   r14d the guest EIP the block was entered at (instruction i's EIP is
 *        r14d + its offset in the block: a block never wraps, see entry)
 *   r15  the instruction budget at entry, adjusted after each call (so
 *        that the budget of instruction i is r15 - i)
 *        Both are set before a block is entered (its first instruction
 *        reads neither from struct cpu).
 *   rbp  the struct phys_mem, r12 its host table, r13 its page flags
 *        (set by the entry stub, for memory accesses without paging)
 *   rax rcx rdx rsi rdi r8-r11: scratch, clobbered by every call
 */
#ifndef POPEK_TRANSLATOR_TR_X64_H
#define POPEK_TRANSLATOR_TR_X64_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "translator/tr_internal.h"

/* Host register numbers. */
enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

/* Host condition codes (the low nibble of Jcc). */
enum { CC_O, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A,
       CC_S, CC_NS, CC_P, CC_NP, CC_L, CC_GE, CC_LE, CC_G };

#define TR_EMIT_BYTES 32768
#define TR_EMIT_LABELS 1024
#define TR_EMIT_FIXUPS 2048

/* An emission buffer whose bytes will live at `base` in the cache. */
struct emit {
	uint8_t buf[TR_EMIT_BYTES];
	size_t len;
	uint8_t *base;
	bool overflow;
	size_t label[TR_EMIT_LABELS]; /* position, or SIZE_MAX while unbound */
	unsigned n_labels;
	struct { size_t at; unsigned label; } fix[TR_EMIT_FIXUPS];
	unsigned n_fix;
};

static inline void e8(struct emit *e, uint8_t v)
{
	if (e->len < sizeof(e->buf))
		e->buf[e->len++] = v;
	else
		e->overflow = true;
}

static inline void e32(struct emit *e, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		e8(e, (uint8_t)(v >> (8 * i)));
}

static inline void e64(struct emit *e, uint64_t v)
{
	e32(e, (uint32_t)v);
	e32(e, (uint32_t)(v >> 32));
}

static inline unsigned lbl_new(struct emit *e)
{
	if (e->n_labels >= TR_EMIT_LABELS) {
		e->overflow = true;
		return 0;
	}
	e->label[e->n_labels] = SIZE_MAX;
	return e->n_labels++;
}

static inline void lbl_bind(struct emit *e, unsigned l)
{
	e->label[l] = e->len;
}

/* A rel32 to label `l`, fixed when the block is finished. */
static inline void e_rel_lbl(struct emit *e, unsigned l)
{
	if (e->n_fix >= TR_EMIT_FIXUPS) {
		e->overflow = true;
		return;
	}
	e->fix[e->n_fix].at = e->len;
	e->fix[e->n_fix++].label = l;
	e32(e, 0);
}

static inline void x_jcc(struct emit *e, unsigned cc, unsigned l)
{
	e8(e, 0x0F);
	e8(e, (uint8_t)(0x80 | cc));
	e_rel_lbl(e, l);
}

static inline void x_jmp(struct emit *e, unsigned l)
{
	e8(e, 0xE9);
	e_rel_lbl(e, l);
}

/* A rel32 to an absolute address in the cache. */
static inline void e_rel_abs(struct emit *e, const uint8_t *target)
{
	int64_t rel = (int64_t)(target - (e->base + e->len + 4));
	e32(e, (uint32_t)(int32_t)rel);
}

/* Operand-size and REX flags of the helpers below. */
enum {
	X_W = 1u << 0,   /* REX.W: 64-bit operation */
	X_16 = 1u << 1,  /* 0x66: 16-bit operation */
};

/* Prefixes, opcode bytes and a ModRM for `reg` with [base + disp]. */
static inline void x_mem(struct emit *e, unsigned fl, const char *op, size_t oplen, unsigned reg,
			 unsigned base, int32_t disp)
{
	if (fl & X_16)
		e8(e, 0x66);
	unsigned rex = ((fl & X_W) ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((base & 8) ? 1 : 0);
	if (rex)
		e8(e, (uint8_t)(0x40 | rex));
	for (size_t i = 0; i < oplen; i++)
		e8(e, (uint8_t)op[i]);
	bool d8 = disp >= -128 && disp <= 127;
	e8(e, (uint8_t)((d8 ? 0x40 : 0x80) | ((reg & 7) << 3) | (base & 7)));
	if ((base & 7) == RSP)
		e8(e, 0x24);
	if (d8)
		e8(e, (uint8_t)disp);
	else
		e32(e, (uint32_t)disp);
}

/* Prefixes, opcode bytes and a register-direct ModRM. */
static inline void x_rr(struct emit *e, unsigned fl, const char *op, size_t oplen, unsigned reg,
			unsigned rm)
{
	if (fl & X_16)
		e8(e, 0x66);
	unsigned rex = ((fl & X_W) ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((rm & 8) ? 1 : 0);
	if (rex)
		e8(e, (uint8_t)(0x40 | rex));
	for (size_t i = 0; i < oplen; i++)
		e8(e, (uint8_t)op[i]);
	e8(e, (uint8_t)(0xC0 | ((reg & 7) << 3) | (rm & 7)));
}
/* The opcode bytes are a string (never containing 0x00): its strlen is
 * folded at compile time, and a conditional between two strings works. */
#define XM(e, fl, op, reg, base, disp) x_mem((e), (fl), (op), strlen(op), (reg), (base), (disp))
#define XR(e, fl, op, reg, rm) x_rr((e), (fl), (op), strlen(op), (reg), (rm))

/* mov r32, imm32 / mov r64, imm64 */
static inline void x_mov_imm32(struct emit *e, unsigned r, uint32_t v)
{
	if (r & 8)
		e8(e, 0x41);
	e8(e, (uint8_t)(0xB8 | (r & 7)));
	e32(e, v);
}

static inline void x_mov_imm64(struct emit *e, unsigned r, uint64_t v)
{
	e8(e, (uint8_t)(0x48 | ((r & 8) ? 1 : 0)));
	e8(e, (uint8_t)(0xB8 | (r & 7)));
	e64(e, v);
}

/* lea r32, [base + disp] (32-bit result) and lea r64, [base + disp]. */
static inline void x_lea32(struct emit *e, unsigned r, unsigned base, int32_t disp)
{
	XM(e, 0, "\x8D", r, base, disp);
}

static inline void x_lea64(struct emit *e, unsigned r, unsigned base, int32_t disp)
{
	XM(e, X_W, "\x8D", r, base, disp);
}

/* Offsets into struct cpu. */
#define OFF_REGS offsetof(struct cpu, regs)
#define OFF_EIP offsetof(struct cpu, eip)
#define OFF_NEXT_EIP offsetof(struct cpu, next_eip)
#define OFF_EFLAGS offsetof(struct cpu, eflags)
#define OFF_BUDGET offsetof(struct cpu, insn_budget)
#define OFF_ATTENTION offsetof(struct cpu, attention)
#define OFF_SEG(s, field) (offsetof(struct cpu, seg) + (s) * sizeof(struct seg_cache) + \
			   offsetof(struct seg_cache, field))
#define OFF_TLB offsetof(struct cpu, tlb)
#define OFF_FETCH_TAG (offsetof(struct cpu, tlb) + offsetof(struct mmu_tlb, fetch_tag))
#define OFF_FETCH_PHYS (offsetof(struct cpu, tlb) + offsetof(struct mmu_tlb, fetch_phys))

/* The struct cpu displacement of guest register `r` of `size` bytes (AH-BH
 * are the second byte of EAX-EBX). */
static inline int32_t off_reg(unsigned r, unsigned size)
{
	if (size == 1 && r >= 4)
		return (int32_t)(OFF_REGS + 4 * (r - 4) + 1);
	return (int32_t)(OFF_REGS + 4 * r);
}

/* The operand-size flag for a guest access of `size` bytes. */
static inline unsigned x_sz(unsigned size)
{
	return size == 2 ? X_16 : 0;
}

/* --- small emitters shared by the instruction files ----------------------- */

/* Three literal bytes (setcc and the like). */
static inline void EB3(struct emit *e, uint8_t a, uint8_t b, uint8_t c)
{
	e8(e, a);
	e8(e, b);
	e8(e, c);
}

/* Stores al/ax/eax (register `r`) to [base + disp]. */
static inline void emit_store(struct emit *e, unsigned size, unsigned r, unsigned base, int32_t disp)
{
	if (size == 1)
		XM(e, 0, "\x88", r, base, disp);
	else
		XM(e, x_sz(size), "\x89", r, base, disp);
}

/* ecx (cl/cx/ecx) = `size` bytes at [base + disp]. */
static inline void emit_load_ecx(struct emit *e, unsigned size, unsigned base, int32_t disp)
{
	if (size == 1)
		XM(e, 0, "\x8A", RCX, base, disp);
	else
		XM(e, x_sz(size), "\x8B", RCX, base, disp);
}

/* An immediate of `size` bytes. */
static inline void e_imm(struct emit *e, unsigned size, uint32_t v)
{
	if (size == 1)
		e8(e, (uint8_t)v);
	else if (size == 2) {
		e8(e, (uint8_t)v);
		e8(e, (uint8_t)(v >> 8));
	} else
		e32(e, v);
}


/* --- tr_emit_ops.c ------------------------------------------------------- */

/* What the block emitter tells the instruction emitter. */
struct tr_emit_ctx {
	struct translator *t;
	struct tr_block *b;
	unsigned i;          /* the instruction's index in the block */
	uint32_t off;        /* its offset from the block's first byte */
	bool code32;
	bool paging;
	bool user;           /* CPL 3: memory accesses are user accesses */
	bool flat;           /* DS, ES and SS are flat (the mode key says so) */
	uint32_t live_after; /* arithmetic flags something reads after it */
	unsigned slow;       /* label: run the instruction by calling its handler */
	/* Segments whose attributes an earlier access of the same run of
	 * inline instructions (no call in between: nothing can load a
	 * segment) has checked: bit s for a read, bit 8 + s for a write.
	 * The first check of a segment fails to `slow_leave` (call the
	 * handler, then leave the block), so the later ones may skip it. */
	uint32_t *seg_checked;
	unsigned slow_leave;
	/* Emit the instruction without storing its flags (the block
	 * emitter branches on the host's first, then calls
	 * tr_emit_inline_flags() on each way). */
	bool defer_flags;
};

/* --- tr_emit_mem.c: guest memory from emitted code --------------------- */

/* eax = the memory operand's offset (ModRM memory or moffs), wrapped to 16
 * bits with 16-bit addressing, as insn_ea() computes it. */
void tr_emit_ea(struct emit *e, const struct x86_insn *in);

/* rdx = the host address of `size` bytes at seg:eax, or a jump to `slow`
 * (or to c->slow_leave, see struct tr_emit_ctx). Clobbers rax, rcx, rsi. */
void tr_emit_host_addr(struct emit *e, const struct tr_emit_ctx *c, unsigned seg, unsigned size,
		       bool write, unsigned slow);

/* rdx = the host address of the instruction's memory operand, or to
 * c->slow. */
void tr_emit_operand_addr(struct emit *e, const struct tr_emit_ctx *c, const struct x86_insn *in,
			  unsigned size, bool write);

/* eax = the stack pointer moved by `delta`, r8d = the old one (SP wrapped
 * to 16 bits on a 16-bit stack). */
void tr_emit_sp(struct emit *e, bool stack32, int32_t delta);

/* Commits the new SP (in r9d) to ESP or SP. */
void tr_emit_set_sp(struct emit *e, bool stack32);

/* Whether `in` has an inline form (tr_emit_inline() will emit it), and
 * whether that form can need its slow path (a memory access). */
bool tr_inline_ok(const struct x86_insn *in, bool *uses_memory);

/* Emits the inline form of instruction ctx->i; jumps to ctx->slow when
 * its fast path does not apply (nothing committed then). */
void tr_emit_inline(struct emit *e, const struct tr_emit_ctx *ctx, const struct x86_insn *in);

/* For an inline conditional or direct jump (the last instruction):
 * emits the test and returns the host condition under which it is taken
 * (CC_* ; 16 for always). */
unsigned tr_emit_cond(struct emit *e, const struct x86_insn *in);

/* Whether, right after the inline form of `in` (a register operand, no
 * slow path), the host's flags are the guest's as far as the host
 * condition `cc` reads them, so that a Jcc can branch on them. */
bool tr_inline_host_cond(const struct x86_insn *in, unsigned cc);

/* Stores the flags of an inline instruction emitted with defer_flags. */
void tr_emit_inline_flags(struct emit *e, const struct tr_emit_ctx *c, const struct x86_insn *in);

/* For an inline LOOP (after tr_emit_cond()): commits the decremented
 * count, on each way out once the target is known to be good. */
void tr_emit_loop_commit(struct emit *e, const struct x86_insn *in);

/* The arithmetic flags an instruction with an inline form reads and
 * writes. */
void tr_inline_flags(const struct x86_insn *in, uint32_t *read, uint32_t *written);

#endif
