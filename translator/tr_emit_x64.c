/* tr_emit_x64.c: host code for translated blocks, x86-64: the shape of a
 * block (entry, calls, exits, chaining); the instructions emitted inline
 * are in tr_emit_ops.c, the assembler in tr_x64.h.
 *
 * Each guest instruction becomes either inline host code (the common
 * integer instructions: tr_emit_ops.c) or a call to the handler the
 * interpreter runs for it (the vmm_* routine of a privileged or sensitive
 * instruction, since that is what the opcode table names), with the
 * decoded instruction as its argument. The bookkeeping around them keeps
 * the guest state exactly what the interpreter's loop would have at every
 * point something can observe it:
 *
 *   entry:  the budget holds the whole block (r15 = budget >= n) and the
 *           whole block lies inside the CS limit (and the 64 KiB of
 *           16-bit code, so EIPs inside it never wrap; 32-bit code in a
 *           flat CS, tr_cache.c's mode key, needs no check: a block lies
 *           in one page, below 4 GiB); otherwise exit
 *           "noentry" and the dispatcher runs one instruction with the
 *           interpreter (which raises the fault where it is due). A
 *           block is entered with r14d = its EIP and r15 = the budget in
 *           registers (set by the entry stub, the jump cache lookup or a
 *           chained exit: cpu->eip and the budget in memory may be
 *           stale then, and are stored on every way back to C).
 *   inline: no EIP, budget or attention bookkeeping: they cannot fault
 *           (a memory access whose fast path does not apply goes to a
 *           cold path that calls the handler), call nothing, and change
 *           nothing the run loop watches. Their flags are stored unless
 *           the next instructions overwrite them first (liveness below).
 *   call:   cpu->eip, cpu->next_eip and the budget as the interpreter
 *           has them for this instruction (EIP of a faulting instruction,
 *           earlier instructions retired), then call handler(cpu, insn).
 *           After it: leave when it shortened the budget below what the
 *           block needs (a device armed an earlier event), when it
 *           redirected EIP, or when the attention word is set and
 *           tr_attention_exit() says the run loop has work (interrupt,
 *           stop request, breakpoint, invalidated code).
 *   exit:   EIP and the budget stored; a direct branch or fall-through to
 *           a successor on the same page (same linear page as the entry)
 *           takes that exit's jmp, which jumps to its stub until the
 *           dispatcher patches it to the successor's entry (chaining). A
 *           successor elsewhere (an indirect branch, a return, another
 *           page) is looked up in the jump cache (struct tr_jump) by its
 *           physical address, found from the TLB's fetch page with paging;
 *           a miss returns to the dispatcher.
 *
 * Flag liveness: the flags are eager in struct cpu, and an inline ALU
 * instruction costs a pushfq and a merge to store them. Scanning the
 * block backwards, a flag is live after an instruction if a later
 * instruction reads it before one writes it; the end of the block, any
 * call and any inline memory access (its slow path calls the handler,
 * which may fault) make every flag live. An inline instruction stores its
 * flags only when one of them is live.
 *
 * Guest state lives in struct cpu only (rbx points at it), never in host
 * registers across a call, so a handler that raises an exception can
 * longjmp out of the middle of a block: EIP names the faulting
 * instruction and the instructions before it have retired (precise
 * exceptions, with nothing to recover).
 *
 * The cache pages are never writable and executable at once: code is
 * assembled in a buffer, then copied in while its pages are
 * PROT_READ|PROT_WRITE, then made PROT_READ|PROT_EXEC again; patching a
 * chained jump does the same for its four bytes.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu/opcode.h"
#include "translator/tr_x64.h"

#if defined(__x86_64__)

bool tr_attention_exit(struct cpu *cpu);

_Static_assert(sizeof(struct tr_jump) == 16, "jump cache slots are indexed by a shift of 4");

static size_t tr_host_page(void)
{
	long p = sysconf(_SC_PAGESIZE);
	return p > 0 ? (size_t)p : 4096;
}

void tr_code_write(struct translator *t, uint8_t *dst, const void *src, size_t len)
{
	(void)t;
	size_t pg = tr_host_page();
	uintptr_t lo = (uintptr_t)dst & ~(pg - 1);
	uintptr_t hi = ((uintptr_t)dst + len + pg - 1) & ~(pg - 1);
	mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE);
	memcpy(dst, src, len);
	mprotect((void *)lo, hi - lo, PROT_READ | PROT_EXEC);
	__builtin___clear_cache((char *)dst, (char *)dst + len);
}

static void emit_init(struct emit *e, uint8_t *base)
{
	e->len = 0;
	e->overflow = false;
	e->base = base;
	e->n_labels = 0;
	e->n_fix = 0;
}

#define EB(e, lit) ebytes((e), (lit), sizeof(lit) - 1)
static void ebytes(struct emit *e, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		e8(e, (uint8_t)s[i]);
}

/* The cache's entry, uintptr_t enter(struct cpu *cpu, const void *code):
 * saves the callee-saved registers the blocks use, keeps the stack 16-byte
 * aligned for the handler calls, points rbx at the CPU and jumps to the
 * block. Every exit jumps to the epilogue with its tr_exit in rax. */
bool tr_emit_stubs(struct translator *t)
{
	struct emit *e = malloc(sizeof(*e));
	if (!e)
		return false;
	emit_init(e, t->code);
	EB(e, "\xF3\x0F\x1E\xFA");                 /* endbr64 */
	EB(e, "\x53\x55\x41\x54\x41\x55\x41\x56\x41\x57"); /* push rbx rbp r12-r15 */
	EB(e, "\x48\x83\xEC\x08");                 /* sub rsp, 8 */
	EB(e, "\x48\x89\xFB");                     /* mov rbx, rdi */
	/* The physical memory map, for the inline accesses without paging:
	 * its tables are allocated once, with the machine. (A scratch
	 * translator for tools has no CPU: its code never runs.) */
	const struct phys_mem *pm = t->cpu ? t->cpu->mem : NULL;
	x_mov_imm64(e, RBP, (uint64_t)(uintptr_t)pm);
	x_mov_imm64(e, R12, (uint64_t)(uintptr_t)(pm ? pm->host : NULL));
	x_mov_imm64(e, R13, (uint64_t)(uintptr_t)(pm ? pm->flags : NULL));
	XM(e, X_W, "\x8B", R15, RBX, (int32_t)OFF_BUDGET);  /* mov r15, [budget] */
	XM(e, 0, "\x8B", R14, RBX, (int32_t)OFF_EIP);       /* mov r14d, [eip] */
	EB(e, "\xFF\xE6");                         /* jmp rsi */
	size_t epi = e->len;
	EB(e, "\x48\x83\xC4\x08");                 /* add rsp, 8 */
	EB(e, "\x41\x5F\x41\x5E\x41\x5D\x41\x5C\x5D\x5B"); /* pop r15-r12 rbp rbx */
	EB(e, "\xC3");                             /* ret */
	bool ok = !e->overflow && e->len <= t->code_size;
	if (ok) {
		tr_code_write(t, t->code, e->buf, e->len);
		uintptr_t entry = (uintptr_t)t->code;
		t->enter = (uintptr_t(*)(struct cpu *, const void *))entry;
		t->epilogue = t->code + epi;
		t->code_used = (e->len + 15) & ~(size_t)15;
	}
	free(e);
	return ok;
}

/* mov rax, imm64; jmp epilogue: leave with `x` as the result. */
static void e_leave(struct emit *e, struct translator *t, const struct tr_exit *x)
{
	x_mov_imm64(e, RAX, (uint64_t)(uintptr_t)x);
	e8(e, 0xE9);
	e_rel_abs(e, t->epilogue);
}

/* How one instruction of the block is emitted. */
enum how { HOW_CALL, HOW_INLINE, HOW_INLINE_MEM, HOW_BRANCH, HOW_RET };

/* Everything tr_emit_block() keeps while it emits one block. */
struct blk {
	struct emit *e;
	struct translator *t;
	struct tr_block *b;
	bool code32;
	uint32_t start_off;    /* page offset of the block's first byte */
	uint32_t off[TR_MAX_BLOCK_INSNS + 1]; /* offsets of the instructions, and the end */
	enum how how[TR_MAX_BLOCK_INSNS];
	uint32_t live_after[TR_MAX_BLOCK_INSNS];
	unsigned nochain, noentry, lookup; /* labels */
	bool can_lookup;
	unsigned exit_jmp[2]; /* labels of the patchable jumps */
	unsigned exit_stub[2]; /* labels of their stubs */
	bool exit_placed[2];   /* the patchable jump is in the main line */
	/* Cold code, emitted after the block's main line. */
	struct cold {
		enum { COLD_SLOW, COLD_SLOW_LEAVE, COLD_ATTENTION, COLD_RETIRE } kind;
		unsigned i, entry, back;
	} cold[4 * TR_MAX_BLOCK_INSNS];
	unsigned n_cold;
	unsigned retire[TR_MAX_BLOCK_INSNS]; /* COLD_RETIRE labels, per instruction */
	struct tr_emit_ctx ctx; /* for the inline instructions */
	bool fuse; /* the final Jcc branches on the host flags of the one before */
	uint32_t seg_checked;   /* see struct tr_emit_ctx */
};

static unsigned cold_add(struct blk *k, int kind, unsigned i, unsigned back)
{
	struct cold *c = &k->cold[k->n_cold++];
	c->kind = kind;
	c->i = i;
	c->entry = lbl_new(k->e);
	c->back = back;
	return c->entry;
}

/* The label that leaves after instruction i retired (EIP = next_eip). */
static unsigned retire_label(struct blk *k, unsigned i)
{
	if (k->retire[i] == UINT32_MAX)
		k->retire[i] = cold_add(k, COLD_RETIRE, i, 0);
	return k->retire[i];
}

/* eax = the EIP at block offset `off` (wrapped in 16-bit code). */
static void emit_eip_at(struct blk *k, uint32_t off)
{
	x_lea32(k->e, RAX, R14, (int32_t)off);
	if (!k->code32)
		XR(k->e, 0, "\x0F\xB7", RAX, RAX);                   /* movzx eax, ax */
}

/* [budget] = r15 - done (through rdx: eax may hold the next EIP). */
static void emit_store_budget(struct blk *k, unsigned done)
{
	x_lea64(k->e, RDX, R15, -(int32_t)done);
	XM(k->e, X_W, "\x89", RDX, RBX, (int32_t)OFF_BUDGET);
}

/* Calls the handler of instruction i with EIP, next_eip and the budget as
 * the interpreter has them, then reloads r15 from the budget the handler
 * may have shortened. */
static void emit_call(struct blk *k, unsigned i)
{
	struct emit *e = k->e;
	const struct x86_insn *in = &k->b->insn[i];
	emit_eip_at(k, k->off[i]);
	XM(e, 0, "\x89", RAX, RBX, (int32_t)OFF_EIP);
	emit_eip_at(k, k->off[i + 1]);
	XM(e, 0, "\x89", RAX, RBX, (int32_t)OFF_NEXT_EIP);
	emit_store_budget(k, i);
	XR(e, X_W, "\x89", RBX, RDI);                                /* mov rdi, rbx */
	x_mov_imm64(e, RSI, (uint64_t)(uintptr_t)in);
	x_mov_imm64(e, RAX, (uint64_t)(uintptr_t)in->handler);
	EB(e, "\xFF\xD0");                                          /* call rax */
	XM(e, X_W, "\x8B", RAX, RBX, (int32_t)OFF_BUDGET);           /* mov rax, [budget] */
	x_lea64(e, R15, RAX, (int32_t)i);                            /* lea r15, [rax+i] */
}

/* After the call of instruction i that is not the block's end: leave if
 * the budget no longer holds the block, if EIP was redirected, or if the
 * run loop has work. */
static void emit_after_call(struct blk *k, unsigned i)
{
	struct emit *e = k->e;
	unsigned out = retire_label(k, i);
	XR(e, X_W, "\x81", 7, R15); e32(e, k->b->n_insns);           /* cmp r15, n */
	x_jcc(e, CC_B, out);
	emit_eip_at(k, k->off[i + 1]);
	XM(e, 0, "\x3B", RAX, RBX, (int32_t)OFF_NEXT_EIP);           /* cmp eax, [next_eip] */
	x_jcc(e, CC_NE, out);
	XM(e, X_W, "\x83", 7, RBX, (int32_t)OFF_ATTENTION); e8(e, 0); /* cmp [attention], 0 */
	unsigned back = lbl_new(e);
	x_jcc(e, CC_NE, cold_add(k, COLD_ATTENTION, i, back));
	lbl_bind(e, back);
}

/* Leaves for the successor whose EIP is in eax (not stored yet), at block
 * offset `delta` from the entry (or not computed yet, `have_eax` false:
 * only where it cannot wrap), with the whole block retired: a
 * chainable exit when it has one, entered as every block is (r14d = its
 * EIP, r15 = the budget: a chained successor needs nothing from memory);
 * elsewhere EIP and the budget are stored first. `wrapped`: EIP was
 * wrapped to 16 bits, so it is there only if it did not wrap. */
static void emit_exit_to(struct blk *k, uint32_t delta, bool wrapped, bool have_eax)
{
	struct emit *e = k->e;
	uint32_t target = k->start_off + delta;
	unsigned other = k->can_lookup ? k->lookup : k->nochain;
	unsigned n = k->b->n_insns;
	for (unsigned j = 0; j < k->b->n_exits; j++) {
		if (k->b->exits[j].target_off != target)
			continue;
		unsigned away = lbl_new(e);
		if (wrapped) {
			/* A 16-bit EIP that wrapped is not on this page. */
			x_lea32(e, RCX, R14, (int32_t)delta);
			XR(e, 0, "\x39", RCX, RAX);                  /* cmp eax, ecx */
			x_jcc(e, CC_NE, away);
		}
		if (have_eax)
			XR(e, 0, "\x89", RAX, R14);                  /* mov r14d, eax */
		else if (delta)
			x_lea32(e, R14, R14, (int32_t)delta);         /* lea r14d, [r14+delta] */
		x_lea64(e, R15, R15, -(int32_t)n);                    /* lea r15, [r15-n] */
		if (!k->exit_placed[j]) {
			/* The patchable jump itself, here rather than a jump
			 * to it (one taken jump less once chained). */
			k->exit_placed[j] = true;
			lbl_bind(e, k->exit_jmp[j]);
			e8(e, 0xE9);
			k->b->exits[j].patch = e->base + e->len;
			e_rel_lbl(e, k->exit_stub[j]);
		} else {
			x_jmp(e, k->exit_jmp[j]);
		}
		lbl_bind(e, away);
		if (!wrapped)
			return;
		break;
	}
	if (!have_eax)
		emit_eip_at(k, delta);
	XM(e, 0, "\x89", RAX, RBX, (int32_t)OFF_EIP);
	emit_store_budget(k, n);
	x_jmp(e, other);
}

/* After a call ended the block: where did EIP go? */
static void emit_exit_dispatch(struct blk *k)
{
	struct emit *e = k->e;
	if (k->b->n_exits) {
		/* EIP and the budget are stored: set r14d and r15 as a
		 * chained successor takes them. */
		XM(e, 0, "\x8B", RAX, RBX, (int32_t)OFF_EIP);        /* mov eax, [eip] */
		XR(e, 0, "\x8B", RCX, RAX);                          /* mov ecx, eax */
		XR(e, 0, "\x29", R14, RCX);                          /* sub ecx, r14d */
		XR(e, 0, "\x89", RAX, R14);                          /* mov r14d, eax */
		x_lea64(e, R15, R15, -(int32_t)k->b->n_insns);        /* lea r15, [r15-n] */
		for (unsigned j = 0; j < k->b->n_exits; j++) {
			uint32_t delta = k->b->exits[j].target_off - k->start_off;
			XR(e, 0, "\x81", 7, RCX); e32(e, delta);     /* cmp ecx, delta */
			x_jcc(e, CC_E, k->exit_jmp[j]);
		}
	}
	x_jmp(e, k->can_lookup ? k->lookup : k->nochain);
}

/* The jump cache lookup of the block at the EIP already stored: its
 * physical address (without paging: linear & A20; with paging: only on
 * the page the TLB's fetch check knows), then the slot, compared with the
 * physical address and this block's mode (the transfers that look up do
 * not change it). */
static void emit_lookup(struct blk *k)
{
	struct emit *e = k->e;
	struct translator *t = k->t;
	XM(e, 0, "\x8B", RAX, RBX, (int32_t)OFF_EIP);                /* mov eax, [eip] */
	XM(e, 0, "\x03", RAX, RBX, (int32_t)OFF_SEG(SEG_CS, base));  /* add eax, [cs.base] */
	if (k->b->mode & (1u << 6)) { /* TR_MODE_PG */
		uint32_t cpl = (k->b->mode >> 2) & 3;
		XR(e, 0, "\x8B", RCX, RAX);                          /* mov ecx, eax */
		XR(e, 0, "\x81", 1, RCX); e32(e, PHYS_PAGE_SIZE - 1); /* or ecx, 0xFFF */
		if (cpl) {
			XR(e, 0, "\x81", 6, RCX); e32(e, cpl);       /* xor ecx, cpl */
		}
		XM(e, 0, "\x3B", RCX, RBX, (int32_t)OFF_FETCH_TAG);  /* cmp ecx, [fetch_tag] */
		x_jcc(e, CC_NE, k->nochain);
		XR(e, 0, "\x81", 4, RAX); e32(e, PHYS_PAGE_SIZE - 1); /* and eax, 0xFFF */
		XM(e, 0, "\x0B", RAX, RBX, (int32_t)OFF_FETCH_PHYS); /* or eax, [fetch_phys] */
	} else {
		if (!k->ctx.flat) /* (A20 is on in a flat block) */
			XM(e, 0, "\x23", RAX, RBP, (int32_t)offsetof(struct phys_mem, a20_mask));
	}
	XR(e, 0, "\x8B", RCX, RAX);                                  /* mov ecx, eax */
	XR(e, 0, "\xC1", 5, RCX); e8(e, 10);                          /* shr ecx, 10 */
	XR(e, 0, "\x31", RAX, RCX);                                  /* xor ecx, eax */
	XR(e, 0, "\x81", 4, RCX); e32(e, TR_JUMP_SIZE - 1);          /* and ecx, size-1 */
	XR(e, 0, "\xC1", 4, RCX); e8(e, 4);                           /* shl ecx, 4 */
	x_mov_imm64(e, RDX, (uint64_t)(uintptr_t)t->jump);
	XR(e, X_W, "\x01", RCX, RDX);                                /* add rdx, rcx */
	XM(e, 0, "\x3B", RAX, RDX, 0);                               /* cmp eax, [rdx] */
	x_jcc(e, CC_NE, k->nochain);
	XM(e, 0, "\x81", 7, RDX, 4); e32(e, k->b->mode);             /* cmp dword [rdx+4], mode */
	x_jcc(e, CC_NE, k->nochain);
	XM(e, 0, "\x8B", R14, RBX, (int32_t)OFF_EIP);                /* mov r14d, [eip] */
	XM(e, X_W, "\x8B", R15, RBX, (int32_t)OFF_BUDGET);           /* mov r15, [budget] */
	XM(e, 0, "\xFF", 4, RDX, 8);                                 /* jmp [rdx+8] */
}

/* Whether the block's last instruction leaves the mode as it was, so its
 * successor can be looked up with the block's own mode: anything that is
 * not a VMM routine or a mode-changing transfer, and near returns and
 * indirect jumps and calls. */
static bool keeps_mode(const struct x86_insn *in)
{
	unsigned cls = in->op->cls;
	if (cls & CLS_VMM)
		return false;
	if (!(cls & CLS_ENDS_BLOCK) || (cls & CLS_BRANCH))
		return true;
	switch (in->opcode) {
	case 0xC2: case 0xC3:
		return true;
	case 0xFF:
		return in->reg == 2 || in->reg == 4;
	default:
		return false;
	}
}

/* Whether `in` loads a data segment register without ending its block
 * (LDS, LES, LFS, LGS): a block that assumed flat data segments leaves
 * after it. */
static bool loads_data_seg(const struct x86_insn *in)
{
	return in->opcode == 0xC4 || in->opcode == 0xC5 || in->opcode == 0x1B4 ||
	       in->opcode == 0x1B5;
}

/* Chooses how each instruction is emitted and which flags each must
 * store (see the top). */
static void plan(struct blk *k)
{
	struct tr_block *b = k->b;
	unsigned n = b->n_insns;
	uint32_t off = 0;
	for (unsigned i = 0; i < n; i++) {
		k->off[i] = off;
		off += b->insn[i].len;
		bool mem;
		const struct x86_insn *in = &b->insn[i];
		if (!tr_inline_ok(in, &mem))
			k->how[i] = HOW_CALL;
		else if (in->op->cls & CLS_BRANCH)
			k->how[i] = i + 1 == n ? HOW_BRANCH : HOW_CALL;
		else if (in->opcode == 0xC2 || in->opcode == 0xC3)
			k->how[i] = i + 1 == n ? HOW_RET : HOW_CALL;
		else
			k->how[i] = mem ? HOW_INLINE_MEM : HOW_INLINE;
	}
	k->off[n] = off;
	/* cmp/test/dec... then Jcc: branch on the host's flags. */
	const struct x86_insn *last = &b->insn[n - 1];
	k->fuse = n >= 2 && k->how[n - 1] == HOW_BRANCH && k->how[n - 2] == HOW_INLINE &&
		  ((last->opcode >= 0x70 && last->opcode <= 0x7F) ||
		   (last->opcode >= 0x180 && last->opcode <= 0x18F)) &&
		  tr_inline_host_cond(&b->insn[n - 2], last->opcode & 0xF);
	uint32_t live = FLAGS_ARITH;
	for (unsigned i = n; i-- > 0;) {
		k->live_after[i] = live;
		if (k->how[i] == HOW_INLINE) {
			uint32_t rd, wr;
			tr_inline_flags(&b->insn[i], &rd, &wr);
			live = (live & ~wr) | rd;
		} else {
			live = FLAGS_ARITH;
		}
	}
}

/* The way out after the call of instruction i ended the block (its slow
 * path, or its only form): EIP = next_eip, the budget, the run loop's
 * check, then where EIP went. */
static void emit_retire_last(struct blk *k, unsigned i)
{
	struct emit *e = k->e;
	XM(e, 0, "\x8B", RAX, RBX, (int32_t)OFF_NEXT_EIP);
	XM(e, 0, "\x89", RAX, RBX, (int32_t)OFF_EIP);
	emit_store_budget(k, i + 1);
	XM(e, X_W, "\x83", 7, RBX, (int32_t)OFF_ATTENTION); e8(e, 0);
	unsigned back = lbl_new(e);
	x_jcc(e, CC_NE, cold_add(k, COLD_ATTENTION, UINT32_MAX, back));
	lbl_bind(e, back);
	emit_exit_dispatch(k);
}

/* The inline direct branch that ends the block (Jcc, JMP, JCXZ, LOOP,
 * CALL): the condition, then the two ways out (the taken target checked
 * against the CS limit; past it, or when CALL's push needs its slow path,
 * the handler runs and raises the fault or takes the slow path). */
static void emit_branch(struct blk *k, unsigned i)
{
	struct emit *e = k->e;
	const struct x86_insn *in = &k->b->insn[i];
	unsigned n = k->b->n_insns;
	bool loop = in->opcode >= 0xE0 && in->opcode <= 0xE2;
	bool call = in->opcode == 0xE8;
	unsigned slow = lbl_new(e);
	unsigned cc = k->fuse ? (in->opcode & 0xFu) : tr_emit_cond(e, in);
	unsigned taken = lbl_new(e);
	struct tr_emit_ctx prev = k->ctx;
	if (k->fuse) {
		prev.i = i - 1;
		prev.off = k->off[i - 1];
		prev.live_after = k->live_after[i - 1];
		prev.defer_flags = false;
	}
	if (cc != 16) {
		unsigned pre = k->fuse ? lbl_new(e) : taken;
		x_jcc(e, cc, pre);
		/* (the flags of the fused instruction before, on both ways) */
		if (k->fuse)
			tr_emit_inline_flags(e, &prev, &k->b->insn[i - 1]);
		if (loop)
			tr_emit_loop_commit(e, in);
		if (!k->code32)
			emit_eip_at(k, k->off[n]);
		emit_exit_to(k, k->off[n], !k->code32, !k->code32);
		if (k->fuse) {
			lbl_bind(e, pre);
			tr_emit_inline_flags(e, &prev, &k->b->insn[i - 1]);
		}
	}
	lbl_bind(e, taken);
	uint32_t rel = in->opsize == 2 ? (uint32_t)(int32_t)(int16_t)in->imm : in->imm;
	/* A target inside the block (a loop to its start) passed the entry's
	 * CS limit check (in 16-bit code without wrapping, see entry); a
	 * flat CS has no limit to pass. */
	int64_t to = (int64_t)k->off[n] + (int32_t)rel;
	bool check = !k->ctx.flat && (to < 0 || to >= k->b->len || (k->code32 && in->opsize == 2));
	bool wrapped = !k->code32 || in->opsize == 2;
	bool have_eax = wrapped || check || call;
	if (have_eax) {
		x_lea32(e, RAX, R14, (int32_t)(k->off[n] + rel));
		if (in->opsize == 2)
			XR(e, 0, "\x0F\xB7", RAX, RAX);             /* movzx eax, ax */
	}
	if (check) {
		XM(e, 0, "\x3B", RAX, RBX, (int32_t)OFF_SEG(SEG_CS, limit)); /* cmp eax, [cs.limit] */
		x_jcc(e, CC_A, slow);
	}
	if (loop)
		tr_emit_loop_commit(e, in);
	if (call) {
		XR(e, 0, "\x89", RAX, R10);                          /* mov r10d, eax */
		k->ctx.i = i;
		k->ctx.off = k->off[i];
		k->ctx.live_after = k->live_after[i];
		k->ctx.slow = k->ctx.slow_leave = slow;
		tr_emit_inline(e, &k->ctx, in);
		XR(e, 0, "\x89", R10, RAX);                          /* mov eax, r10d */
	}
	emit_exit_to(k, k->off[n] + rel, wrapped, have_eax);
	/* Past the limit, or the slow path: the handler. */
	lbl_bind(e, slow);
	emit_call(k, i);
	emit_retire_last(k, i);
}

/* An inline near return that ends the block: the pop and the target
 * check (tr_emit_ops.c), then the jump cache; its slow path calls the
 * handler. */
static void emit_ret_block(struct blk *k, unsigned i)
{
	struct emit *e = k->e;
	unsigned slow = lbl_new(e);
	k->ctx.i = i;
	k->ctx.off = k->off[i];
	k->ctx.live_after = k->live_after[i];
	k->ctx.slow = k->ctx.slow_leave = slow;
	tr_emit_inline(e, &k->ctx, &k->b->insn[i]);
	emit_store_budget(k, i + 1);
	x_jmp(e, k->can_lookup ? k->lookup : k->nochain);
	lbl_bind(e, slow);
	emit_call(k, i);
	emit_retire_last(k, i);
}

/* Whether some jump was emitted to label `l`. */
static bool lbl_used(const struct emit *e, unsigned l)
{
	for (unsigned f = 0; f < e->n_fix; f++)
		if (e->fix[f].label == l)
			return true;
	return false;
}

static void emit_cold(struct blk *k, const struct cold *c)
{
	struct emit *e = k->e;
	lbl_bind(e, c->entry);
	switch (c->kind) {
	case COLD_SLOW:
		emit_call(k, c->i);
		emit_after_call(k, c->i);
		x_jmp(e, c->back);
		break;
	case COLD_SLOW_LEAVE:
		if (!lbl_used(e, c->entry))
			break; /* no first segment check of its own */
		emit_call(k, c->i);
		x_jmp(e, retire_label(k, c->i));
		break;
	case COLD_ATTENTION:
		XR(e, X_W, "\x89", RBX, RDI);                        /* mov rdi, rbx */
		x_mov_imm64(e, RAX, (uint64_t)(uintptr_t)tr_attention_exit);
		EB(e, "\xFF\xD0");                                  /* call rax */
		EB(e, "\x84\xC0");                                  /* test al, al */
		x_jcc(e, CC_NE, c->i == UINT32_MAX ? k->nochain : retire_label(k, c->i));
		x_jmp(e, c->back);
		break;
	case COLD_RETIRE:
		XM(e, 0, "\x8B", RAX, RBX, (int32_t)OFF_NEXT_EIP);
		XM(e, 0, "\x89", RAX, RBX, (int32_t)OFF_EIP);
		emit_store_budget(k, c->i + 1);
		x_jmp(e, k->nochain);
		break;
	}
}

bool tr_emit_block(struct translator *t, struct tr_block *b)
{
	struct emit *e = malloc(sizeof(*e));
	struct blk *k = malloc(sizeof(*k));
	if (!e || !k) {
		free(e);
		free(k);
		return false;
	}
	emit_init(e, t->code + t->code_used);
	memset(k, 0, sizeof(*k));
	k->e = e;
	k->t = t;
	k->b = b;
	k->code32 = b->mode & 1; /* TR_MODE_CODE32 */
	k->start_off = b->phys & (PHYS_PAGE_SIZE - 1);
	for (unsigned i = 0; i < TR_MAX_BLOCK_INSNS; i++)
		k->retire[i] = UINT32_MAX;
	unsigned n = b->n_insns;
	plan(k);
	k->nochain = lbl_new(e);
	k->noentry = lbl_new(e);
	k->lookup = lbl_new(e);
	k->can_lookup = t->jump && keeps_mode(&b->insn[n - 1]);
	for (unsigned j = 0; j < b->n_exits; j++) {
		k->exit_jmp[j] = lbl_new(e);
		k->exit_stub[j] = lbl_new(e);
	}

	/* Entry. */
	XR(e, X_W, "\x81", 7, R15); e32(e, n);                       /* cmp r15, n */
	x_jcc(e, CC_B, k->noentry);
	if (!k->code32 || !(b->mode & (1u << 7))) { /* else CS is flat: see tr_cache.c */
		x_lea64(e, RAX, R14, (int32_t)b->len - 1);           /* lea rax, [r14+len-1] */
		XM(e, 0, "\x8B", RCX, RBX, (int32_t)OFF_SEG(SEG_CS, limit)); /* mov ecx, [cs.limit] */
		XR(e, X_W, "\x39", RCX, RAX);                        /* cmp rax, rcx */
		x_jcc(e, CC_A, k->noentry);
	}
	if (!k->code32) {
		XR(e, X_W, "\x81", 7, RAX); e32(e, 0xFFFF);          /* cmp rax, 0xFFFF */
		x_jcc(e, CC_A, k->noentry);
	}

	k->ctx = (struct tr_emit_ctx){
		.t = t, .b = b, .code32 = k->code32, .paging = b->mode & (1u << 6),
		.user = ((b->mode >> 2) & 3) == 3, .flat = b->mode & (1u << 7), /* TR_MODE_FLAT */
	};
	k->ctx.seg_checked = &k->seg_checked;
	struct tr_emit_ctx ctx = k->ctx;
	for (unsigned i = 0; i < n; i++) {
		const struct x86_insn *in = &b->insn[i];
		bool last = i + 1 == n;
		switch (k->how[i]) {
		case HOW_INLINE:
		case HOW_INLINE_MEM: {
			unsigned back = lbl_new(e);
			ctx.i = i;
			ctx.off = k->off[i];
			ctx.live_after = k->live_after[i];
			ctx.slow = k->how[i] == HOW_INLINE_MEM ? cold_add(k, COLD_SLOW, i, back) : 0;
			ctx.slow_leave = k->how[i] == HOW_INLINE_MEM ? cold_add(k, COLD_SLOW_LEAVE, i, 0) : 0;
			ctx.defer_flags = k->fuse && i + 2 == n;
			tr_emit_inline(e, &ctx, in);
			lbl_bind(e, back);
			if (last) {
				if (!k->code32)
					emit_eip_at(k, k->off[n]);
				emit_exit_to(k, k->off[n], !k->code32, !k->code32);
			}
			break;
		}
		case HOW_BRANCH:
			emit_branch(k, i);
			break;
		case HOW_RET:
			emit_ret_block(k, i);
			break;
		case HOW_CALL:
			k->seg_checked = 0; /* the handler may load a segment */
			emit_call(k, i);
			if (!last && ctx.flat && loads_data_seg(in)) {
				/* the mode key may no longer hold: leave */
				x_jmp(e, retire_label(k, i));
				break;
			}
			if (!last) {
				emit_after_call(k, i);
				break;
			}
			/* Retire it, then the run loop's check, then the exits. */
			emit_retire_last(k, i);
			break;
		}
	}
	/* Cold code (it may add more: retire labels). */
	for (unsigned c = 0; c < k->n_cold; c++)
		emit_cold(k, &k->cold[c]);
	if (k->can_lookup) {
		lbl_bind(e, k->lookup);
		emit_lookup(k);
	}
	lbl_bind(e, k->nochain);
	e_leave(e, t, &b->exit_nochain);
	lbl_bind(e, k->noentry);
	XM(e, 0, "\x89", R14, RBX, (int32_t)OFF_EIP);                /* mov [eip], r14d */
	XM(e, X_W, "\x89", R15, RBX, (int32_t)OFF_BUDGET);           /* mov [budget], r15 */
	e_leave(e, t, &b->exit_noentry);
	for (unsigned j = 0; j < b->n_exits; j++) {
		/* The patchable jump (unless placed in the main line), first
		 * to its stub. */
		if (!k->exit_placed[j]) {
			lbl_bind(e, k->exit_jmp[j]);
			e8(e, 0xE9);
			b->exits[j].patch = e->base + e->len;
			e_rel_lbl(e, k->exit_stub[j]);
		}
		lbl_bind(e, k->exit_stub[j]);
		b->exits[j].stub = e->base + e->len;
		XM(e, 0, "\x89", R14, RBX, (int32_t)OFF_EIP);        /* mov [eip], r14d */
		XM(e, X_W, "\x89", R15, RBX, (int32_t)OFF_BUDGET);   /* mov [budget], r15 */
		e_leave(e, t, &b->exits[j]);
	}

	bool ok = !e->overflow && t->code_used + e->len <= t->code_size;
	for (unsigned f = 0; ok && f < e->n_fix; f++) {
		size_t to = e->label[e->fix[f].label];
		if (to == SIZE_MAX) {
			ok = false;
			break;
		}
		int32_t rel = (int32_t)((int64_t)to - (int64_t)(e->fix[f].at + 4));
		memcpy(e->buf + e->fix[f].at, &rel, 4);
	}
	if (ok) {
		tr_code_write(t, e->base, e->buf, e->len);
		b->code = e->base;
		b->code_len = (uint32_t)e->len;
		t->code_used = (t->code_used + e->len + 15) & ~(size_t)15;
	}
	free(e);
	free(k);
	return ok;
}

void tr_emit_patch(struct translator *t, struct tr_exit *x, const uint8_t *dst)
{
	if (!x->patch)
		return;
	const uint8_t *target = dst ? dst : x->stub;
	int32_t rel = (int32_t)(target - (x->patch + 4));
	tr_code_write(t, x->patch, &rel, 4);
}

#else /* not x86-64: only the portable backend exists */

bool tr_emit_stubs(struct translator *t)
{
	return false;
}

bool tr_emit_block(struct translator *t, struct tr_block *b)
{
	return false;
}

void tr_emit_patch(struct translator *t, struct tr_exit *x, const uint8_t *dst)
{
}

void tr_code_write(struct translator *t, uint8_t *dst, const void *src, size_t len)
{
}

#endif
