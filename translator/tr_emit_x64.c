/* tr_emit_x64.c: host code for translated blocks, x86-64.
 *
 * The first code generator is call-threaded: each guest instruction is a
 * call to the handler the interpreter runs for it (the vmm_* routine of a
 * privileged or sensitive instruction, since that is what the opcode table
 * names), with the decoded instruction as its argument. Around the calls
 * the bookkeeping is emitted inline, so that a block behaves exactly like
 * the interpreter's loop over the same instructions:
 *
 *   entry:  CS limit check for the whole block (else exit "noentry": the
 *           interpreter raises the fault at the right instruction), and
 *           r13d = the linear address the block was entered at.
 *   each:   next_eip = (eip + len) & mask; call handler(cpu, insn);
 *           eip = next_eip; insn_budget -= 1 and leave at 0 (the budget
 *           ends at a device deadline, so timers keep time); leave when
 *           the handler redirected EIP; leave when the attention word is
 *           set and tr_attention_exit() says the run loop has work
 *           (interrupt, stop request, breakpoint, invalidated code).
 *   exit:   for a direct branch or fall-through, compare where EIP went
 *           with each chainable exit's successor (same linear page as the
 *           entry, same offset) and take that exit's jmp, which jumps to
 *           its stub until the dispatcher patches it to the successor's
 *           entry (chaining); otherwise return to the dispatcher with the
 *           exit's record in rax.
 *
 * Guest state lives in struct cpu only (rbx points at it), never in host
 * registers across a call, so a handler that raises an exception can
 * longjmp out of the middle of a block: EIP already names the faulting
 * instruction and the instructions before it have retired (precise
 * exceptions, with nothing to recover). Guest memory is only ever touched
 * by the handlers, through the checked accessors of cpu/access.h.
 *
 * The cache pages are never writable and executable at once: code is
 * assembled in a buffer, then copied in while its pages are
 * PROT_READ|PROT_WRITE, then made PROT_READ|PROT_EXEC again; patching a
 * chained jump does the same for its four bytes.
 */
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "translator/tr_internal.h"

#if defined(__x86_64__)

bool tr_attention_exit(struct cpu *cpu);

/* An emission buffer whose bytes will live at `base` in the cache. */
struct emit {
	uint8_t buf[8192];
	size_t len;
	uint8_t *base;
	bool overflow;
};

static void e8(struct emit *e, uint8_t v)
{
	if (e->len < sizeof(e->buf))
		e->buf[e->len++] = v;
	else
		e->overflow = true;
}

static void e32(struct emit *e, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		e8(e, (uint8_t)(v >> (8 * i)));
}

static void e64(struct emit *e, uint64_t v)
{
	e32(e, (uint32_t)v);
	e32(e, (uint32_t)(v >> 32));
}

static void ebytes(struct emit *e, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		e8(e, (uint8_t)s[i]);
}
#define EB(e, lit) ebytes((e), (lit), sizeof(lit) - 1)

/* Writes a rel32 at buffer position `at` pointing to buffer position `to`. */
static void fix_local(struct emit *e, size_t at, size_t to)
{
	if (at + 4 > e->len)
		return;
	int32_t rel = (int32_t)((int64_t)to - (int64_t)(at + 4));
	memcpy(e->buf + at, &rel, 4);
}

/* A rel32 to an absolute address in the cache. */
static void e_rel_abs(struct emit *e, const uint8_t *target)
{
	int64_t rel = (int64_t)(target - (e->base + e->len + 4));
	e32(e, (uint32_t)(int32_t)rel);
}

/* jcc rel32 with the target fixed later; returns the rel32 position. */
static size_t e_jcc(struct emit *e, uint8_t cc)
{
	e8(e, 0x0F);
	e8(e, (uint8_t)(0x80 | cc));
	size_t at = e->len;
	e32(e, 0);
	return at;
}
enum { CC_E = 0x4, CC_NE = 0x5, CC_A = 0x7 };

/* [rbx + disp32] operand forms used below. */
static void e_modrm_rbx(struct emit *e, unsigned reg, size_t disp)
{
	e8(e, (uint8_t)(0x80 | (reg << 3) | 3));
	e32(e, (uint32_t)disp);
}

#define OFF_EIP offsetof(struct cpu, eip)
#define OFF_NEXT_EIP offsetof(struct cpu, next_eip)
#define OFF_BUDGET offsetof(struct cpu, insn_budget)
#define OFF_ATTENTION offsetof(struct cpu, attention)
#define OFF_CS_BASE (offsetof(struct cpu, seg) + SEG_CS * sizeof(struct seg_cache) + \
		     offsetof(struct seg_cache, base))
#define OFF_CS_LIMIT (offsetof(struct cpu, seg) + SEG_CS * sizeof(struct seg_cache) + \
		      offsetof(struct seg_cache, limit))

static size_t tr_host_page(void)
{
	long p = sysconf(_SC_PAGESIZE);
	return p > 0 ? (size_t)p : 4096;
}

void tr_code_write(struct translator *t, uint8_t *dst, const void *src, size_t len)
{
	size_t pg = tr_host_page();
	uintptr_t lo = (uintptr_t)dst & ~(pg - 1);
	uintptr_t hi = ((uintptr_t)dst + len + pg - 1) & ~(pg - 1);
	mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE);
	memcpy(dst, src, len);
	mprotect((void *)lo, hi - lo, PROT_READ | PROT_EXEC);
	__builtin___clear_cache((char *)dst, (char *)dst + len);
}

/* The cache's entry, uintptr_t enter(struct cpu *cpu, const void *code):
 * saves the callee-saved registers the blocks use, keeps the stack 16-byte
 * aligned for the handler calls, points rbx at the CPU and jumps to the
 * block. Every exit jumps to the epilogue with its tr_exit in rax. */
bool tr_emit_stubs(struct translator *t)
{
	struct emit e;
	e.len = 0;
	e.overflow = false;
	e.base = t->code;
	EB(&e, "\xF3\x0F\x1E\xFA");                 /* endbr64 */
	EB(&e, "\x53\x55\x41\x54\x41\x55\x41\x56\x41\x57"); /* push rbx rbp r12-r15 */
	EB(&e, "\x48\x83\xEC\x08");                 /* sub rsp, 8 */
	EB(&e, "\x48\x89\xFB");                     /* mov rbx, rdi */
	EB(&e, "\xFF\xE6");                         /* jmp rsi */
	size_t epi = e.len;
	EB(&e, "\x48\x83\xC4\x08");                 /* add rsp, 8 */
	EB(&e, "\x41\x5F\x41\x5E\x41\x5D\x41\x5C\x5D\x5B"); /* pop r15-r12 rbp rbx */
	EB(&e, "\xC3");                             /* ret */
	if (e.len > t->code_size)
		return false;
	tr_code_write(t, t->code, e.buf, e.len);
	uintptr_t entry = (uintptr_t)t->code;
	t->enter = (uintptr_t(*)(struct cpu *, const void *))entry;
	t->epilogue = t->code + epi;
	t->code_used = (e.len + 15) & ~(size_t)15;
	return true;
}

/* mov rax, imm64; jmp epilogue: leave with `x` as the result. */
static void e_leave(struct emit *e, struct translator *t, const struct tr_exit *x)
{
	EB(e, "\x48\xB8");
	e64(e, (uint64_t)(uintptr_t)x);
	e8(e, 0xE9);
	e_rel_abs(e, t->epilogue);
}

bool tr_emit_block(struct translator *t, struct tr_block *b)
{
	struct emit e;
	e.len = 0;
	e.overflow = false;
	e.base = t->code + t->code_used;
	bool code32 = b->mode & 1; /* TR_MODE_CODE32 */
	/* Positions of rel32s that go to the no-chain and no-entry stubs. */
	size_t to_nochain[4 * TR_MAX_BLOCK_INSNS + 8], n_nochain = 0;
	size_t to_noentry[2], n_noentry = 0;

	/* Entry: the whole block inside the CS limit (and the 64 KiB of
	 * 16-bit code), else the interpreter runs its first instruction and
	 * raises #GP where the interpreter would. */
	e8(&e, 0x8B); e_modrm_rbx(&e, 0, OFF_EIP);               /* mov eax, [eip] */
	EB(&e, "\x48\x05"); e32(&e, (uint32_t)b->len - 1u);      /* add rax, len-1 */
	e8(&e, 0x8B); e_modrm_rbx(&e, 1, OFF_CS_LIMIT);          /* mov ecx, [cs.limit] */
	EB(&e, "\x48\x39\xC8");                                  /* cmp rax, rcx */
	to_noentry[n_noentry++] = e_jcc(&e, CC_A);
	if (!code32) {
		EB(&e, "\x48\x3D"); e32(&e, 0xFFFF);             /* cmp rax, 0xFFFF */
		to_noentry[n_noentry++] = e_jcc(&e, CC_A);
	}
	e8(&e, 0x8B); e_modrm_rbx(&e, 0, OFF_EIP);               /* mov eax, [eip] */
	e8(&e, 0x03); e_modrm_rbx(&e, 0, OFF_CS_BASE);           /* add eax, [cs.base] */
	EB(&e, "\x41\x89\xC5");                                  /* mov r13d, eax */

	for (unsigned i = 0; i < b->n_insns; i++) {
		const struct x86_insn *in = &b->insn[i];
		bool last = i + 1 == b->n_insns;
		e8(&e, 0x8B); e_modrm_rbx(&e, 0, OFF_EIP);       /* mov eax, [eip] */
		e8(&e, 0x05); e32(&e, in->len);                  /* add eax, len */
		if (!code32)
			EB(&e, "\x0F\xB7\xC0");                  /* movzx eax, ax */
		e8(&e, 0x89); e_modrm_rbx(&e, 0, OFF_NEXT_EIP);  /* mov [next_eip], eax */
		EB(&e, "\x41\x89\xC4");                          /* mov r12d, eax */
		EB(&e, "\x48\x89\xDF");                          /* mov rdi, rbx */
		EB(&e, "\x48\xBE"); e64(&e, (uint64_t)(uintptr_t)in); /* mov rsi, insn */
		EB(&e, "\x48\xB8"); e64(&e, (uint64_t)(uintptr_t)in->handler); /* mov rax, handler */
		EB(&e, "\xFF\xD0");                              /* call rax */
		e8(&e, 0x8B); e_modrm_rbx(&e, 0, OFF_NEXT_EIP);  /* mov eax, [next_eip] */
		e8(&e, 0x89); e_modrm_rbx(&e, 0, OFF_EIP);       /* mov [eip], eax */
		EB(&e, "\x48\x83"); e_modrm_rbx(&e, 5, OFF_BUDGET); e8(&e, 1); /* sub [budget], 1 */
		to_nochain[n_nochain++] = e_jcc(&e, CC_E);
		if (!last) {
			EB(&e, "\x44\x39\xE0");                  /* cmp eax, r12d */
			to_nochain[n_nochain++] = e_jcc(&e, CC_NE);
		}
		EB(&e, "\x48\x83"); e_modrm_rbx(&e, 7, OFF_ATTENTION); e8(&e, 0); /* cmp [attention], 0 */
		e8(&e, 0x74);                                    /* je +skip */
		size_t skip = e.len;
		e8(&e, 0);
		EB(&e, "\x48\x89\xDF");                          /* mov rdi, rbx */
		EB(&e, "\x48\xB8"); e64(&e, (uint64_t)(uintptr_t)tr_attention_exit);
		EB(&e, "\xFF\xD0");                              /* call rax */
		EB(&e, "\x84\xC0");                              /* test al, al */
		to_nochain[n_nochain++] = e_jcc(&e, CC_NE);
		e.buf[skip] = (uint8_t)(e.len - skip - 1);
	}

	/* Chainable exits: where did EIP go? */
	size_t exit_jmp[2];
	if (b->n_exits) {
		e8(&e, 0x8B); e_modrm_rbx(&e, 0, OFF_EIP);       /* mov eax, [eip] */
		e8(&e, 0x03); e_modrm_rbx(&e, 0, OFF_CS_BASE);   /* add eax, [cs.base] */
		EB(&e, "\x89\xC1");                              /* mov ecx, eax */
		EB(&e, "\x44\x31\xE9");                          /* xor ecx, r13d */
		EB(&e, "\xF7\xC1"); e32(&e, 0xFFFFF000u);        /* test ecx, ~0xFFF */
		to_nochain[n_nochain++] = e_jcc(&e, CC_NE);
		e8(&e, 0x25); e32(&e, 0xFFF);                    /* and eax, 0xFFF */
		for (unsigned j = 0; j < b->n_exits; j++) {
			e8(&e, 0x3D); e32(&e, b->exits[j].target_off); /* cmp eax, off */
			e8(&e, 0x75);                            /* jne +5 */
			e8(&e, 5);
			e8(&e, 0xE9);                            /* jmp stub_j (patched) */
			exit_jmp[j] = e.len;
			e32(&e, 0);
		}
	}
	size_t nochain = e.len;
	e_leave(&e, t, &b->exit_nochain);
	size_t noentry = e.len;
	e_leave(&e, t, &b->exit_noentry);
	size_t stub[2];
	for (unsigned j = 0; j < b->n_exits; j++) {
		stub[j] = e.len;
		e_leave(&e, t, &b->exits[j]);
	}
	for (size_t k = 0; k < n_nochain; k++)
		fix_local(&e, to_nochain[k], nochain);
	for (size_t k = 0; k < n_noentry; k++)
		fix_local(&e, to_noentry[k], noentry);
	for (unsigned j = 0; j < b->n_exits; j++) {
		fix_local(&e, exit_jmp[j], stub[j]);
		b->exits[j].patch = e.base + exit_jmp[j];
		b->exits[j].stub = e.base + stub[j];
	}
	if (e.overflow || t->code_used + e.len > t->code_size)
		return false;
	tr_code_write(t, e.base, e.buf, e.len);
	b->code = e.base;
	b->code_len = (uint32_t)e.len;
	t->code_used = (t->code_used + e.len + 15) & ~(size_t)15;
	return true;
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
