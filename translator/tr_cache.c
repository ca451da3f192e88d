/* tr_cache.c: the code cache: blocks by physical address and mode, the
 * pages they lie on, chaining, invalidation and the flush.
 *
 * A block is keyed by the physical address of its first byte (so that
 * every linear alias of the code shares it, and the cache survives CR3
 * reloads) and by the mode bits that change how its bytes decode or what
 * its instructions may do: the code size (CS.D), the stack size (SS.B),
 * the CPL, CR0.PE, EFLAGS.VM and CR0.PG, and whether the data segments
 * are flat (which lets the code skip their checks).
 *
 * Self-modifying code: a page that holds a block is marked
 * PHYS_PAGE_TRANSLATED, so every guest write to it leaves the fast path
 * and reaches tr_code_written() with the bytes written. Each page keeps a
 * bitmap of the bytes its blocks cover: a write to data that shares the
 * page with code costs a bitmap test and nothing else; a write to code
 * invalidates exactly the blocks it overlaps. An invalidated block is
 * unlinked at once (hash, page list, and every exit chained into it is
 * patched back to its stub), but its host code stays in the cache until
 * the next flush, because the block may be the one running: the write
 * also raises cpu->tr_exit so that it leaves after the current instruction.
 *
 * Memory: the host code and the block records are bump-allocated in two
 * fixed areas; when either is full the whole cache is flushed (at the
 * dispatcher, never from inside a block), which is simple, cannot
 * fragment, and is rare at these sizes.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cpu/mmu.h"
#include "translator/tr_internal.h"
#include "vmm/phys_mem.h"

/* Bits of the mode key. */
enum {
	TR_MODE_CODE32 = 1u << 0,
	TR_MODE_STACK32 = 1u << 1,
	TR_MODE_CPL_SHIFT = 2, /* two bits */
	TR_MODE_PE = 1u << 4,
	TR_MODE_VM = 1u << 5,
	TR_MODE_PG = 1u << 6,
	TR_MODE_FLAT = 1u << 7, /* CS, DS, ES and SS flat: see tr_flat() */
};

/* The most host code one block can need (tr_emit_x64.c stays below). */
#define TR_CODE_PER_INSN 640u
#define TR_CODE_PER_BLOCK 1024u

/* Whether A20 is on, CS has base 0 and a 4 GiB limit, and DS, ES and SS
 * are flat:
 * base 0, limit 4 GiB, present writable expand-up data without
 * SEG_ATTR_SLOW. Blocks translated so (the usual state of 32-bit
 * protected-mode code) leave out the segment checks of their accesses
 * through these three (only an aligned offset is left to check, which
 * cannot run past the limit) and the CS limit checks of their entry and
 * their branches (no EIP can pass it). Every instruction that can load
 * one of them ends its block or, for LDS/LES, leaves it right after
 * (tr_emit_x64.c), so a block never runs with the key out of date; A20
 * changes only through port writes, VMM routines that end their block. */
static bool tr_flat(const struct cpu *cpu)
{
	if (cpu->seg[SEG_CS].base != 0 || cpu->seg[SEG_CS].limit != 0xFFFFFFFFu ||
	    cpu->mem->a20_mask != 0xFFFFFFFFu)
		return false;
	static const int segs[] = {SEG_DS, SEG_ES, SEG_SS};
	for (unsigned i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		const struct seg_cache *s = &cpu->seg[segs[i]];
		if (s->base != 0 || s->limit != 0xFFFFFFFFu ||
		    (s->attr & (SEG_ATTR_P | SEG_ATTR_CODE | SEG_ATTR_EXPDOWN | SEG_ATTR_SLOW |
				SEG_ATTR_RW)) != (SEG_ATTR_P | SEG_ATTR_RW))
			return false;
	}
	return true;
}

uint32_t tr_mode_key(const struct cpu *cpu)
{
	return (cpu->code32 ? TR_MODE_CODE32 : 0) | (cpu->stack32 ? TR_MODE_STACK32 : 0) |
	       ((uint32_t)cpu->cpl << TR_MODE_CPL_SHIFT) |
	       ((cpu->cr[0] & CR0_PE) ? TR_MODE_PE : 0) | ((cpu->eflags & FLAG_VM) ? TR_MODE_VM : 0) |
	       ((cpu->cr[0] & CR0_PG) ? TR_MODE_PG : 0) | (tr_flat(cpu) ? TR_MODE_FLAT : 0);
}

enum tr_backend tr_default_backend(void)
{
#if defined(__x86_64__)
	return TR_BACKEND_X64;
#else
	return TR_BACKEND_PORTABLE;
#endif
}

/* Empties the jump cache: no slot matches any mode key. */
static void tr_jump_clear(struct translator *t)
{
	if (!t->jump)
		return;
	for (unsigned i = 0; i < TR_JUMP_SIZE; i++)
		t->jump[i] = (struct tr_jump){.mode = TR_JUMP_EMPTY};
}

static unsigned tr_hash(uint32_t phys, uint32_t mode)
{
	return (phys ^ (phys >> 11) ^ (mode * 0x9E3779B1u)) & (TR_HASH_SIZE - 1);
}

int tr_init(struct translator *t, struct cpu *cpu, enum tr_backend backend, size_t code_bytes,
	    size_t meta_bytes)
{
	memset(t, 0, sizeof(*t));
	t->cpu = cpu;
	t->backend = backend;
	t->meta_size = meta_bytes ? meta_bytes : TR_DEFAULT_META_BYTES;
	t->meta = malloc(t->meta_size);
	t->pages = calloc(PHYS_PAGE_COUNT, sizeof(*t->pages));
	if (!t->meta || !t->pages)
		goto fail;
	if (backend == TR_BACKEND_X64) {
#if defined(__x86_64__)
		t->code_size = code_bytes ? code_bytes : TR_DEFAULT_CODE_BYTES;
		void *p = mmap(NULL, t->code_size, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		if (p == MAP_FAILED)
			goto fail;
		t->code = p;
		t->jump = malloc(TR_JUMP_SIZE * sizeof(*t->jump));
		if (!t->jump || !tr_emit_stubs(t))
			goto fail;
		tr_jump_clear(t);
		t->code_fixed = t->code_used;
#else
		goto fail;
#endif
	}
	cpu->mem->code_write = tr_code_written;
	cpu->mem->code_write_opaque = t;
	return 0;
fail:
	tr_free(t);
	return -1;
}

static void tr_drop_pages(struct translator *t)
{
	for (size_t i = 0; i < t->page_count; i++) {
		uint32_t pn = t->page_list[i];
		phys_unmark_translated(t->cpu->mem, pn << PHYS_PAGE_SHIFT);
		free(t->pages[pn]);
		t->pages[pn] = NULL;
	}
	t->page_count = 0;
}

void tr_free(struct translator *t)
{
	if (t->cpu && t->pages)
		tr_drop_pages(t);
	if (t->cpu && t->cpu->mem && t->cpu->mem->code_write_opaque == t) {
		t->cpu->mem->code_write = NULL;
		t->cpu->mem->code_write_opaque = NULL;
	}
	if (t->code)
		munmap(t->code, t->code_size);
	free(t->meta);
	free(t->jump);
	free(t->pages);
	free(t->page_list);
	memset(t, 0, sizeof(*t));
}

void tr_flush(struct translator *t)
{
	tr_drop_pages(t);
	memset(t->hash, 0, sizeof(t->hash));
	tr_jump_clear(t);
	t->meta_used = 0;
	t->code_used = t->code_fixed;
	t->flush_pending = false;
	t->stats.flushes++;
}

struct tr_block *tr_lookup(struct translator *t, uint32_t phys, uint32_t mode)
{
	for (struct tr_block *b = t->hash[tr_hash(phys, mode)]; b; b = b->hash_next)
		if (b->phys == phys && b->mode == mode)
			return b;
	return NULL;
}

static void tr_page_set_bits(struct tr_page *p, uint32_t off, uint32_t len)
{
	for (uint32_t i = off; i < off + len && i < PHYS_PAGE_SIZE; i++)
		p->bits[i / 64] |= 1ull << (i % 64);
}

static bool tr_page_any_bits(const struct tr_page *p, uint32_t off, uint32_t len)
{
	for (uint32_t i = off; i < off + len && i < PHYS_PAGE_SIZE; i++)
		if (p->bits[i / 64] & (1ull << (i % 64)))
			return true;
	return false;
}

/* The page record for `phys`, created on first use. */
static struct tr_page *tr_page_get(struct translator *t, uint32_t phys)
{
	uint32_t pn = phys >> PHYS_PAGE_SHIFT;
	if (t->pages[pn])
		return t->pages[pn];
	if (t->page_count == t->page_cap) {
		size_t cap = t->page_cap ? t->page_cap * 2 : 64;
		uint32_t *l = realloc(t->page_list, cap * sizeof(*l));
		if (!l)
			return NULL;
		t->page_list = l;
		t->page_cap = cap;
	}
	struct tr_page *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	t->pages[pn] = p;
	t->page_list[t->page_count++] = pn;
	return p;
}

/* A chainable exit's successor offset, when it lies on the block's page. */
static void tr_add_exit(struct tr_block *b, int64_t off)
{
	if (off < 0 || off >= PHYS_PAGE_SIZE)
		return;
	for (unsigned i = 0; i < b->n_exits; i++)
		if (b->exits[i].target_off == off)
			return;
	struct tr_exit *x = &b->exits[b->n_exits++];
	x->kind = TR_EXIT_CHAIN;
	x->target_off = (uint16_t)off;
}

struct tr_block *tr_translate(struct translator *t, uint32_t phys)
{
	struct cpu *cpu = t->cpu;
	if (t->flush_pending)
		tr_flush(t);
	const uint8_t *page = cpu->mem->host[phys >> PHYS_PAGE_SHIFT];
	if (!page)
		return NULL; /* MMIO or unmapped: the interpreter fetches byte by byte */
	struct x86_insn insn[TR_MAX_BLOCK_INSNS];
	enum tr_end end;
	uint32_t off = phys & (PHYS_PAGE_SIZE - 1);
	unsigned n = tr_scan(page, off, cpu->code32, insn, TR_MAX_BLOCK_INSNS, &end);
	if (!n)
		return NULL;

	size_t need = (sizeof(struct tr_block) + n * sizeof(struct x86_insn) + 15) & ~(size_t)15;
	size_t code_need = t->backend == TR_BACKEND_X64 ? TR_CODE_PER_BLOCK + n * TR_CODE_PER_INSN : 0;
	if (t->meta_used + need > t->meta_size || t->code_used + code_need > t->code_size)
		tr_flush(t);
	if (t->meta_used + need > t->meta_size || t->code_used + code_need > t->code_size)
		return NULL; /* an empty cache too small for one block */
	struct tr_page *pg = tr_page_get(t, phys);
	if (!pg)
		return NULL;

	struct tr_block *b = (struct tr_block *)(t->meta + t->meta_used);
	t->meta_used += need;
	memset(b, 0, sizeof(*b));
	b->phys = phys;
	b->mode = tr_mode_key(cpu);
	b->n_insns = (uint16_t)n;
	b->end = (uint8_t)end;
	memcpy(b->insn, insn, n * sizeof(struct x86_insn));
	uint32_t len = 0;
	for (unsigned i = 0; i < n; i++)
		len += insn[i].len;
	b->len = (uint16_t)len;
	b->exit_nochain = (struct tr_exit){.owner = b, .kind = TR_EXIT_NOCHAIN};
	b->exit_noentry = (struct tr_exit){.owner = b, .kind = TR_EXIT_NOENTRY};
	/* Chainable exits: the fall-through of a block cut by the page, the
	 * length limit or an undecodable instruction, and both ways out of a
	 * direct branch. A successor off the page is left to the dispatcher
	 * (its physical page depends on the mapping of the next linear page). */
	if (end == TR_END_BRANCH) {
		const struct x86_insn *br = &insn[n - 1];
		int32_t rel = br->opsize == 2 ? (int16_t)br->imm : (int32_t)br->imm;
		tr_add_exit(b, (int64_t)off + len + rel);
		tr_add_exit(b, (int64_t)off + len);
	} else if (end == TR_END_PAGE || end == TR_END_LIMIT || end == TR_END_DECODE) {
		tr_add_exit(b, (int64_t)off + len);
	}
	for (unsigned i = 0; i < b->n_exits; i++)
		b->exits[i].owner = b;
	if (t->backend == TR_BACKEND_X64 && !tr_emit_block(t, b)) {
		t->meta_used -= need;
		t->flush_pending = true;
		return NULL;
	}

	unsigned h = tr_hash(phys, b->mode);
	b->hash_next = t->hash[h];
	t->hash[h] = b;
	b->page_next = pg->blocks;
	pg->blocks = b;
	tr_page_set_bits(pg, off, len);
	/* Guest writes to the page now take the slow path, through every
	 * linear alias (the TLB loses its direct write tags for it). */
	mmu_mark_code(cpu, phys);
	phys_mark_translated(cpu->mem, phys);
	t->stats.blocks++;
	t->stats.insns += n;
	t->stats.code_bytes += b->code_len;
	return b;
}

void tr_chain(struct translator *t, struct tr_exit *x, struct tr_block *to)
{
	x->to = to;
	x->in_next = to->incoming;
	to->incoming = x;
	if (t->backend == TR_BACKEND_X64)
		tr_emit_patch(t, x, to->code);
	t->stats.chained++;
}

/* Takes exit `x` off its successor's incoming list and points its jump back
 * at its stub. */
static void tr_unchain(struct translator *t, struct tr_exit *x)
{
	struct tr_block *to = x->to;
	for (struct tr_exit **pp = &to->incoming; *pp; pp = &(*pp)->in_next) {
		if (*pp == x) {
			*pp = x->in_next;
			break;
		}
	}
	x->to = NULL;
	x->in_next = NULL;
	if (t->backend == TR_BACKEND_X64)
		tr_emit_patch(t, x, NULL);
	t->stats.unchained++;
}

static void tr_kill(struct translator *t, struct tr_block *b)
{
	struct tr_block **pp = &t->hash[tr_hash(b->phys, b->mode)];
	while (*pp && *pp != b)
		pp = &(*pp)->hash_next;
	if (*pp)
		*pp = b->hash_next;
	while (b->incoming)
		tr_unchain(t, b->incoming);
	for (unsigned i = 0; i < b->n_exits; i++)
		if (b->exits[i].to)
			tr_unchain(t, &b->exits[i]);
	if (t->jump) {
		struct tr_jump *j = &t->jump[tr_jump_index(b->phys)];
		if (j->code == b->code)
			*j = (struct tr_jump){.mode = TR_JUMP_EMPTY};
	}
	b->dead = true;
	t->stats.invalidations++;
}

void tr_invalidate(struct translator *t, uint32_t phys, uint32_t len)
{
	uint32_t pn = phys >> PHYS_PAGE_SHIFT;
	struct tr_page *pg = t->pages[pn];
	if (!pg)
		return;
	uint32_t off = phys & (PHYS_PAGE_SIZE - 1);
	if (len > PHYS_PAGE_SIZE - off)
		len = PHYS_PAGE_SIZE - off;
	if (!tr_page_any_bits(pg, off, len))
		return;
	bool killed = false;
	for (struct tr_block **pp = &pg->blocks; *pp;) {
		struct tr_block *b = *pp;
		uint32_t boff = b->phys & (PHYS_PAGE_SIZE - 1);
		if (boff < off + len && off < boff + b->len) {
			*pp = b->page_next;
			tr_kill(t, b);
			killed = true;
		} else {
			pp = &b->page_next;
		}
	}
	if (!killed)
		return;
	memset(pg->bits, 0, sizeof(pg->bits));
	for (struct tr_block *b = pg->blocks; b; b = b->page_next)
		tr_page_set_bits(pg, b->phys & (PHYS_PAGE_SIZE - 1), b->len);
	/* The running block may be among them: leave it after this
	 * instruction. */
	t->cpu->tr_exit = 1;
	if (!pg->blocks)
		phys_unmark_translated(t->cpu->mem, phys);
}

void tr_code_written(void *opaque, uint32_t addr, uint32_t len)
{
	struct translator *t = opaque;
	t->stats.smc_writes++;
	tr_invalidate(t, addr, len);
}
