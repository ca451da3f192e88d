/* translator.h: the binary translator, popek's second execution engine.
 *
 * The translator runs the guest a basic block at a time. A block is scanned
 * from the current CS:EIP with the interpreter's decoder and opcode table
 * (translator/tr_scan.c), cached by physical address and the mode bits that
 * change decoding (tr_cache.c), and turned into host code (tr_emit_x64.c):
 * each instruction is a call to the same handler the interpreter runs (an
 * op_* handler, or the vmm_* routine of a privileged or sensitive
 * instruction), wrapped in emitted code that keeps EIP and the instruction
 * budget current, checks for interrupts and events, and jumps straight into
 * the next block when it can (chaining). A portable backend (tr_run.c) runs
 * the same decoded blocks in a C loop, for hosts that are not x86-64 and
 * for comparison.
 *
 * The interpreter stays the reference: anything the translator does not
 * handle (an instruction crossing a page, code in MMIO, single-stepping,
 * armed breakpoints) is executed by cpu_exec_one(), one instruction at a
 * time.
 */
#ifndef POPEK_TRANSLATOR_TRANSLATOR_H
#define POPEK_TRANSLATOR_TRANSLATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"

enum tr_backend {
	TR_BACKEND_X64,      /* emitted x86-64 code (x86-64 hosts only) */
	TR_BACKEND_PORTABLE, /* a C loop over the decoded block */
};

/* The default backend of this build: x86-64 code where the host is
 * x86-64, else the portable loop. */
enum tr_backend tr_default_backend(void);

/* Counters for --stats. */
struct tr_stats {
	uint64_t blocks;        /* blocks translated */
	uint64_t insns;         /* guest instructions in them */
	uint64_t code_bytes;    /* host code emitted */
	uint64_t lookups;       /* dispatcher lookups */
	uint64_t hits;          /* ... that found a block */
	uint64_t chained;       /* exits patched to jump into their successor */
	uint64_t unchained;     /* chained exits undone by an invalidation */
	uint64_t invalidations; /* blocks invalidated by guest writes */
	uint64_t smc_writes;    /* writes to pages holding blocks */
	uint64_t flushes;       /* whole-cache flushes (cache full) */
	uint64_t interp_insns;  /* instructions the interpreter ran instead */
};

struct tr_block;
struct tr_page;

/* The jump cache: a direct-mapped table from a block's physical address
 * and mode to its host code, which emitted code reads to go straight to
 * the block after an indirect branch or to a successor on another page
 * (tr_emit_x64.c), without returning to the dispatcher. The dispatcher
 * fills it; invalidating a block clears its slot. */
struct tr_jump {
	uint32_t phys;
	uint32_t mode;
	const uint8_t *code;
};
#define TR_JUMP_SIZE 4096 /* a power of two */
#define TR_JUMP_EMPTY 0xFFFFFFFFu /* the mode of an empty slot: no mode key */

/* The jump cache slot of a physical address. */
static inline unsigned tr_jump_index(uint32_t phys)
{
	return (phys ^ (phys >> 10)) & (TR_JUMP_SIZE - 1);
}

/* Sizes of the caches. The defaults suit a PC guest; tests make them
 * small to exercise the flush. */
#define TR_DEFAULT_CODE_BYTES (16u << 20)
#define TR_DEFAULT_META_BYTES (16u << 20)
#define TR_HASH_SIZE 16384 /* a power of two */
#define TR_MAX_BLOCK_INSNS 32

struct translator {
	struct cpu *cpu;
	enum tr_backend backend;
	/* Code cache: mmap'd, written while PROT_READ|PROT_WRITE, executed
	 * while PROT_READ|PROT_EXEC, never both. */
	uint8_t *code;
	size_t code_size, code_used, code_fixed; /* code_fixed: the entry/exit stub */
	/* Block records and their decoded instructions: a bump arena
	 * emptied with the code cache. */
	uint8_t *meta;
	size_t meta_size, meta_used;
	struct tr_block *hash[TR_HASH_SIZE];
	/* Per physical page: the blocks on it and which bytes they cover. */
	struct tr_page **pages;
	/* Pages with a struct tr_page, to unmark them on a flush. */
	uint32_t *page_list;
	size_t page_count, page_cap;
	/* The emitted entry and exit of the code cache (x86-64 backend). */
	uintptr_t (*enter)(struct cpu *cpu, const void *code);
	uint8_t *epilogue;
	struct tr_stats stats;
	struct tr_jump *jump; /* TR_JUMP_SIZE slots (x86-64 backend) */
	bool flush_pending; /* a block did not fit: flush before the next */
	/* For --engine check: stop (CPU_STOP_BUDGET, with block_break set)
	 * after one block or one interpreted instruction, at the point where
	 * the interpreter's loop would stop for an exhausted budget. */
	bool single_block;
	bool ran_block, block_break;
	/* For --engine check's replay (vmm/check.c): a block longer than the
	 * budget runs cut after as many instructions as the budget holds (a
	 * copy of its first instructions with host code of its own, never
	 * cached) instead of leaving its first instruction to the
	 * interpreter, and the jump cache is not filled, so every block
	 * returns to the dispatcher. */
	bool cut_to_budget;
	/* A test hook (POPEK_TEST_CORRUPT_BT=<linear address, hex>, read
	 * once by machine_init()): after a translated block holding the
	 * instruction at test_corrupt_lin has run, bit 0 of EAX is flipped,
	 * as if that instruction's translation computed a wrong result. The
	 * check engine's tests use it to prove the checker names it. */
	bool test_corrupt;
	uint32_t test_corrupt_lin;
};

/* Sets up a translator for `cpu` with the given cache sizes (0: the
 * defaults) and installs its self-modifying-code hook in cpu->mem. The
 * caller turns the interpreter's decoded-instruction cache off
 * (cpu->icache = NULL): the pages the translator traps report each write
 * to it instead. Returns 0, or -1 when the host cannot map the cache (or
 * the x86-64 backend is asked for on another host). */
int tr_init(struct translator *t, struct cpu *cpu, enum tr_backend backend, size_t code_bytes,
	    size_t meta_bytes);
void tr_free(struct translator *t);

/* Runs up to `budget` instructions with the translator, as cpu_run() does
 * with the interpreter; returns why it stopped. */
enum cpu_stop tr_run(struct translator *t, uint64_t budget);

/* Drops every block (the cache is full, or a test asks). */
void tr_flush(struct translator *t);

/* The block cached for (phys, mode), or NULL: for tests and tools. */
struct tr_block *tr_lookup(struct translator *t, uint32_t phys, uint32_t mode);

/* The mode key of the CPU's current state (tr_cache.c says which bits). */
uint32_t tr_mode_key(const struct cpu *cpu);

/* Translates the block at physical address `phys` for the CPU's current
 * mode and caches it; NULL when no block can start there (not RAM or ROM,
 * or its first instruction crosses the page or does not decode). */
struct tr_block *tr_translate(struct translator *t, uint32_t phys);


/* --- inspection, for tools (tr_inspect.c) ----------------------------------
 *
 * Read-only views of translated blocks for the stepper's VMM pane: the
 * block the cache holds for an address, or a side translation made in a
 * scratch area of its own (never the cache: the guest, the cache and its
 * statistics are untouched). A view is valid until the cache changes (the
 * guest runs) or the next side translation. */

/* A block as tools see it. */
struct tr_block_view {
	const struct tr_block *block;
	uint32_t phys;               /* its first byte */
	uint16_t len, n_insns;       /* guest bytes and instructions */
	bool code32;                 /* 32-bit code */
	bool cached;                 /* in the cache (else a side translation) */
	const char *end;             /* why it ends: "direct branch", "vmm routine", ... */
	const struct x86_insn *insn; /* its n_insns decoded instructions */
	const uint8_t *code;         /* host code (NULL with the portable backend) */
	uint32_t code_len;
	const uint8_t *epilogue;     /* where its exits return to the dispatcher */
};

/* The live cached block for the CPU's mode that has an instruction starting
 * at `phys` (one starting there if there is one). False when none. */
bool tr_view_cached(struct translator *t, uint32_t phys, uint32_t mode, struct tr_block_view *v);

/* A scratch translator for side translations (x86-64 hosts only). */
struct tr_scratch;
struct tr_scratch *tr_scratch_new(void);
void tr_scratch_free(struct tr_scratch *s);

/* Translates the block at `phys` for the CPU's current mode into the
 * scratch area, as tr_translate() would (same scanner and code generator),
 * without touching the CPU, guest memory or any cache. Without `host_code`
 * only the guest side is made (v->code NULL): cheaper, for a look at which
 * instructions the block will hold. False when no block can start there. */
bool tr_view_sketch(struct tr_scratch *s, struct cpu *cpu, uint32_t phys, bool host_code,
		    struct tr_block_view *v);

/* Rewrites capstone operand text of the view's host code with names for
 * the numbers that mean something: offsets from rbx into struct cpu
 * ("cpu.eip"), decoded instructions ("&insn[2]"), handlers and VMM
 * routines ("op:MOV", "vmm:OUT"), exit records, the epilogue, jumps inside
 * the block ("block+0x3c") and chained jumps ("block 000FE070"). */
void tr_view_operands(const struct tr_block_view *v, const char *ops, char *out, size_t len);

/* How the translator treats instruction i of the view: "handler" (a call
 * to its op_* handler), "vmm" (rewritten into its vmm_* routine), "branch"
 * or "ends" (ends the block). */
const char *tr_view_class(const struct tr_block_view *v, unsigned i);
bool tr_view_is_vmm(const struct tr_block_view *v, unsigned i);

#endif
