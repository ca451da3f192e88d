/* tr_internal.h: the translator's own records, shared by its files only.
 *
 * A block is a run of decoded instructions that lie in one physical page,
 * stored with the host code made for it. Blocks are found through a hash
 * table on (physical address, mode key) and, for self-modifying code,
 * through the page they lie on. A block's exits record how it leaves:
 * chainable exits (a direct branch or the fall-through into the next
 * block on the same page) can be patched to jump straight into their
 * successor; every chained exit is also on its successor's `incoming`
 * list, so that invalidating a block undoes the jumps into it.
 */
#ifndef POPEK_TRANSLATOR_TR_INTERNAL_H
#define POPEK_TRANSLATOR_TR_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/insn.h"
#include "translator/translator.h"
#include "vmm/phys_mem.h"

#define TR_PAGE_BITS_WORDS (PHYS_PAGE_SIZE / 64)

/* Why a block ends: after which instruction, or before which one. */
enum tr_end {
	TR_END_BRANCH,  /* a direct branch (jmp/jcc/call rel, loop, jcxz): chainable */
	TR_END_CONTROL, /* another control transfer or a mode change (ret, jmp r/m, mov ss...) */
	TR_END_VMM,     /* a privileged or sensitive instruction: a VMM routine */
	TR_END_PAGE,    /* the next instruction would cross into the next page */
	TR_END_LIMIT,   /* TR_MAX_BLOCK_INSNS instructions */
	TR_END_DECODE,  /* the next instruction does not decode (#UD, too long) */
};

/* How an instruction is translated, for the golden files and the stepper:
 * a call to its op_* handler, a call to its vmm_* routine, or either as
 * the block's last instruction because it transfers control. */
enum tr_class { TR_CLASS_HANDLER, TR_CLASS_VMM, TR_CLASS_BRANCH, TR_CLASS_ENDS };

enum tr_exit_kind {
	TR_EXIT_CHAIN,   /* may be patched into a jump to `to` */
	TR_EXIT_NOCHAIN, /* back to the dispatcher (indirect, VMM, event, budget) */
	TR_EXIT_NOENTRY, /* the block's entry check failed (CS limit): nothing ran */
};

struct tr_block;

struct tr_exit {
	struct tr_block *owner;
	struct tr_block *to;     /* the successor it jumps into, when chained */
	struct tr_exit *in_next; /* next exit chained into the same successor */
	uint8_t *patch;          /* x86-64: the rel32 of the exit's jmp */
	uint8_t *stub;           /* x86-64: the jmp's target while unchained */
	uint16_t target_off;     /* page offset of the successor's first byte */
	uint8_t kind;            /* enum tr_exit_kind */
};

struct tr_block {
	uint32_t phys;       /* first byte */
	uint32_t mode;       /* tr_mode_key() when translated */
	uint16_t len;        /* bytes of guest code */
	uint16_t n_insns;
	uint8_t end;         /* enum tr_end */
	uint8_t n_exits;     /* chainable exits in exits[] (0-2) */
	bool dead;           /* invalidated: unlinked, code kept until a flush */
	struct tr_block *hash_next, *page_next;
	struct tr_exit *incoming; /* exits of other blocks chained into this one */
	uint8_t *code;       /* x86-64 entry point (NULL for the portable backend) */
	uint32_t code_len;
	struct tr_exit exits[2], exit_nochain, exit_noentry;
	struct x86_insn insn[]; /* n_insns decoded instructions */
};

/* The blocks on one physical page and a bitmap of the bytes they cover. */
struct tr_page {
	struct tr_block *blocks;
	uint64_t bits[TR_PAGE_BITS_WORDS];
};

/* --- tr_scan.c ------------------------------------------------------------- */

/* Decodes up to `max` instructions of one block from the page bytes `page`
 * starting at offset `off`, for 16- or 32-bit code. Returns how many (0
 * when the first one cannot be translated) and why the block ends. */
unsigned tr_scan(const uint8_t *page, uint32_t off, bool code32, struct x86_insn *out,
		 unsigned max, enum tr_end *end);

/* How the translator treats one decoded instruction. */
enum tr_class tr_classify(const struct x86_insn *in);

const char *tr_end_name(enum tr_end end);
const char *tr_class_name(enum tr_class cls);

/* --- tr_emit_x64.c --------------------------------------------------------- */

/* Emits the code cache's entry and exit (at the start of the cache).
 * Returns false when the cache is too small. */
bool tr_emit_stubs(struct translator *t);

/* Emits the host code of `b` at the end of the code cache. Returns false
 * when it does not fit (the caller flushes). */
bool tr_emit_block(struct translator *t, struct tr_block *b);

/* Points a chainable exit's jump at `dst` (a block's entry) or back at its
 * stub (dst NULL). */
void tr_emit_patch(struct translator *t, struct tr_exit *x, const uint8_t *dst);

/* Copies host code into the cache, making its pages writable for the copy
 * only (W^X). */
void tr_code_write(struct translator *t, uint8_t *dst, const void *src, size_t len);

/* --- tr_cache.c ------------------------------------------------------------ */

/* Links exit `x` to block `to` (both translated for the same mode, on the
 * same page) and patches the jump. */
void tr_chain(struct translator *t, struct tr_exit *x, struct tr_block *to);

/* The SMC hook installed in phys_mem: invalidates the blocks overlapping
 * [addr, addr + len). */
void tr_code_written(void *opaque, uint32_t addr, uint32_t len);

/* Invalidates every block overlapping [phys, phys + len) (one page). */
void tr_invalidate(struct translator *t, uint32_t phys, uint32_t len);

#endif
