/* tr_inspect.c: read-only views of translated blocks, for the stepper.
 *
 * The stepper's VMM pane shows the block around the current instruction:
 * its guest instructions, how each is translated, and the x86-64 code
 * emitted for it. When the translator runs the guest, the block comes from
 * its cache as it is. Otherwise (the interpreter runs, or the block has not
 * been reached yet) it is a side translation: the same scanner and code
 * generator, writing into a scratch area of its own, so that looking never
 * changes the cache, its statistics, the pages marked as holding code, or
 * anything the guest could notice.
 *
 * Host code is full of absolute addresses (handlers, decoded instructions,
 * exit records) that mean nothing to a reader and change from run to run;
 * tr_view_operands() names them, as the translator's golden files do.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cpu/opcode_names.h"
#include "translator/tr_internal.h"

bool tr_attention_exit(struct cpu *cpu);

#define TR_SCRATCH_CODE_BYTES (64u << 10)

struct tr_scratch {
	struct translator t; /* code area and stubs only: no hash, no pages */
	struct tr_block *b;  /* room for one block of TR_MAX_BLOCK_INSNS */
};

/* Fills a view from a block. */
static void tr_view_fill(const struct translator *t, const struct tr_block *b, bool cached,
			 struct tr_block_view *v)
{
	memset(v, 0, sizeof(*v));
	v->block = b;
	v->phys = b->phys;
	v->len = b->len;
	v->n_insns = b->n_insns;
	v->code32 = b->mode & 1; /* the mode key's code-size bit (tr_cache.c) */
	v->cached = cached;
	v->end = tr_end_name((enum tr_end)b->end);
	v->insn = b->insn;
	v->code = b->code;
	v->code_len = b->code_len;
	v->epilogue = t->epilogue;
}

/* True when one of b's instructions starts at `phys`. */
static bool tr_block_has_insn_at(const struct tr_block *b, uint32_t phys)
{
	uint32_t a = b->phys;
	for (unsigned i = 0; i < b->n_insns && a <= phys; i++) {
		if (a == phys)
			return true;
		a += b->insn[i].len;
	}
	return false;
}

bool tr_view_cached(struct translator *t, uint32_t phys, uint32_t mode, struct tr_block_view *v)
{
	struct tr_block *b = tr_lookup(t, phys, mode);
	if (!b && t->pages) {
		/* EIP may be inside a block (the stepper steps through the
		 * interpreter): the page's blocks say which ones cover it; the
		 * one starting first is shown. */
		const struct tr_page *pg = t->pages[phys >> PHYS_PAGE_SHIFT];
		for (struct tr_block *c = pg ? pg->blocks : NULL; c; c = c->page_next)
			if (!c->dead && c->mode == mode && tr_block_has_insn_at(c, phys) &&
			    (!b || c->phys < b->phys))
				b = c;
	}
	if (!b)
		return false;
	tr_view_fill(t, b, true, v);
	return true;
}

struct tr_scratch *tr_scratch_new(void)
{
	struct tr_scratch *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->b = malloc(sizeof(struct tr_block) + TR_MAX_BLOCK_INSNS * sizeof(struct x86_insn));
	if (!s->b) {
		free(s);
		return NULL;
	}
	s->t.backend = tr_default_backend();
#if defined(__x86_64__)
	/* Host code only where the x86-64 backend exists; elsewhere a view
	 * has the guest side alone. */
	void *p = mmap(NULL, TR_SCRATCH_CODE_BYTES, PROT_READ | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		s->t.code = p;
		s->t.code_size = TR_SCRATCH_CODE_BYTES;
		if (tr_emit_stubs(&s->t))
			s->t.code_fixed = s->t.code_used;
		else
			s->t.backend = TR_BACKEND_PORTABLE;
	} else {
		s->t.backend = TR_BACKEND_PORTABLE;
	}
#endif
	return s;
}

void tr_scratch_free(struct tr_scratch *s)
{
	if (!s)
		return;
	if (s->t.code)
		munmap(s->t.code, s->t.code_size);
	free(s->b);
	free(s);
}

/* A chainable exit's successor offset, when it lies on the block's page
 * (the rule tr_translate() applies). */
static void tr_sketch_exit(struct tr_block *b, int64_t off)
{
	if (off < 0 || off >= PHYS_PAGE_SIZE)
		return;
	for (unsigned i = 0; i < b->n_exits; i++)
		if (b->exits[i].target_off == off)
			return;
	struct tr_exit *x = &b->exits[b->n_exits++];
	x->owner = b;
	x->kind = TR_EXIT_CHAIN;
	x->target_off = (uint16_t)off;
}

bool tr_view_sketch(struct tr_scratch *s, struct cpu *cpu, uint32_t phys, bool host_code,
		    struct tr_block_view *v)
{
	if (!s)
		return false;
	const uint8_t *page = cpu->mem->host[phys >> PHYS_PAGE_SHIFT];
	if (!page)
		return false;
	struct tr_block *b = s->b;
	memset(b, 0, sizeof(*b));
	enum tr_end end;
	uint32_t off = phys & (PHYS_PAGE_SIZE - 1);
	unsigned n = tr_scan(page, off, cpu->code32, b->insn, TR_MAX_BLOCK_INSNS, &end);
	if (!n)
		return false;
	b->phys = phys;
	b->mode = tr_mode_key(cpu);
	b->n_insns = (uint16_t)n;
	b->end = (uint8_t)end;
	uint32_t len = 0;
	for (unsigned i = 0; i < n; i++)
		len += b->insn[i].len;
	b->len = (uint16_t)len;
	b->exit_nochain = (struct tr_exit){.owner = b, .kind = TR_EXIT_NOCHAIN};
	b->exit_noentry = (struct tr_exit){.owner = b, .kind = TR_EXIT_NOENTRY};
	if (end == TR_END_BRANCH) {
		const struct x86_insn *br = &b->insn[n - 1];
		int32_t rel = br->opsize == 2 ? (int16_t)br->imm : (int32_t)br->imm;
		tr_sketch_exit(b, (int64_t)off + len + rel);
		tr_sketch_exit(b, (int64_t)off + len);
	} else if (end == TR_END_PAGE || end == TR_END_LIMIT || end == TR_END_DECODE) {
		tr_sketch_exit(b, (int64_t)off + len);
	}
	/* Each sketch starts the scratch area afresh. */
	s->t.cpu = cpu;
	s->t.code_used = s->t.code_fixed;
	if (host_code && s->t.backend == TR_BACKEND_X64 && !tr_emit_block(&s->t, b))
		return false;
	tr_view_fill(&s->t, b, false, v);
	return true;
}

const char *tr_view_class(const struct tr_block_view *v, unsigned i)
{
	return i < v->n_insns ? tr_class_name(tr_classify(&v->insn[i])) : "?";
}

bool tr_view_is_vmm(const struct tr_block_view *v, unsigned i)
{
	return i < v->n_insns && tr_classify(&v->insn[i]) == TR_CLASS_VMM;
}

/* The name of an offset into struct cpu, or NULL. */
static const char *tr_cpu_field(uint64_t off, char *buf, size_t len)
{
	static const char *const reg[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
	static const char *const sreg[SEG_COUNT] = {"es", "cs", "ss", "ds", "fs", "gs"};
	static const struct {
		size_t off;
		const char *name;
	} fields[] = {
		{offsetof(struct cpu, eip), "cpu.eip"},
		{offsetof(struct cpu, next_eip), "cpu.next_eip"},
		{offsetof(struct cpu, eflags), "cpu.eflags"},
		{offsetof(struct cpu, insn_budget), "cpu.insn_budget"},
		{offsetof(struct cpu, attention), "cpu.attention"},
		{offsetof(struct cpu, eip_mask), "cpu.eip_mask"},
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (off == fields[i].off)
			return fields[i].name;
	uint64_t r = off - offsetof(struct cpu, regs); /* wraps when below */
	if (r < sizeof(((struct cpu *)0)->regs) && r % 4 == 0) {
		snprintf(buf, len, "cpu.%s", reg[r / 4]);
		return buf;
	}
	size_t seg0 = offsetof(struct cpu, seg);
	if (off >= seg0 && off < seg0 + SEG_COUNT * sizeof(struct seg_cache)) {
		size_t s = (off - seg0) / sizeof(struct seg_cache), f = (off - seg0) % sizeof(struct seg_cache);
		const char *fn = f == offsetof(struct seg_cache, base)    ? "base"
				 : f == offsetof(struct seg_cache, limit) ? "limit"
				 : f == offsetof(struct seg_cache, sel)   ? "sel"
				 : f == offsetof(struct seg_cache, attr)  ? "attr"
									  : NULL;
		if (fn) {
			snprintf(buf, len, "cpu.%s.%s", sreg[s], fn);
			return buf;
		}
	}
	return NULL;
}

/* A name for an absolute address (or immediate) in the host code, or NULL. */
static const char *tr_view_addr(const struct tr_block_view *v, uint64_t a, char *buf, size_t len)
{
	const struct tr_block *b = v->block;
	if (!a)
		return NULL;
	for (unsigned i = 0; i < v->n_insns; i++) {
		const struct x86_insn *in = &v->insn[i];
		if (a == (uintptr_t)in) {
			snprintf(buf, len, "&insn[%u]", i);
			return buf;
		}
		if (a == (uintptr_t)in->handler) {
			const struct vmm_routine_info *r = vmm_routine_lookup(in->op->handler);
			if (tr_classify(in) == TR_CLASS_VMM && r)
				snprintf(buf, len, "%s", r->name);
			else
				snprintf(buf, len, "op:%s", in->op->name);
			return buf;
		}
	}
	if (a == (uintptr_t)tr_attention_exit)
		return "tr_attention_exit";
	if (v->epilogue && a == (uintptr_t)v->epilogue)
		return "epilogue";
	if (a == (uintptr_t)&b->exit_nochain)
		return "&exit_nochain";
	if (a == (uintptr_t)&b->exit_noentry)
		return "&exit_noentry";
	for (unsigned j = 0; j < b->n_exits; j++) {
		if (a == (uintptr_t)&b->exits[j]) {
			snprintf(buf, len, "&exit[%u]", j);
			return buf;
		}
		if (b->exits[j].to && a == (uintptr_t)b->exits[j].to->code) {
			snprintf(buf, len, "block %08X (chained)", b->exits[j].to->phys);
			return buf;
		}
	}
	if (v->code && a >= (uintptr_t)v->code && a < (uintptr_t)v->code + v->code_len) {
		snprintf(buf, len, "block+0x%" PRIx64, a - (uintptr_t)v->code);
		return buf;
	}
	return NULL;
}

void tr_view_operands(const struct tr_block_view *v, const char *ops, char *out, size_t len)
{
	size_t o = 0;
	if (!len)
		return;
	for (const char *p = ops; *p && o + 1 < len;) {
		bool after_rbx = p - ops >= 6 && !strncmp(p - 6, "rbx + ", 6);
		bool hex = p[0] == '0' && p[1] == 'x';
		bool word_start = p == ops || !((p[-1] >= '0' && p[-1] <= '9') ||
						 (p[-1] >= 'a' && p[-1] <= 'z'));
		if ((hex || (after_rbx && p[0] >= '0' && p[0] <= '9')) && word_start) {
			char *end;
			uint64_t val = strtoull(p, &end, 0);
			char tmp[64];
			const char *name = after_rbx ? tr_cpu_field(val, tmp, sizeof(tmp))
						     : tr_view_addr(v, val, tmp, sizeof(tmp));
			if (name) {
				int n = snprintf(out + o, len - o, "%s", name);
				o = n < 0 ? o : o + (size_t)n;
				if (o >= len)
					o = len - 1;
				p = end;
				continue;
			}
		}
		out[o++] = *p++;
	}
	out[o] = 0;
}
