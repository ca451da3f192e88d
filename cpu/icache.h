/* icache.h: the interpreter's decoded-instruction cache.
 *
 * Decoding is the largest cost of interpreting an instruction, and most
 * instructions run many times, so the decoded form is kept in a direct-mapped
 * cache keyed by the physical address of the first byte and the code size.
 * An entry records the code generation of its page (vmm/phys_mem.h): any
 * write to that page bumps the generation, so self-modifying code is seen
 * at the next fetch. Only instructions that lie within one page are cached.
 */
#ifndef POPEK_CPU_ICACHE_H
#define POPEK_CPU_ICACHE_H

#include <stdint.h>

#include "cpu/insn.h"

#define ICACHE_ENTRIES 4096 /* a power of two */

/* A tag is the physical address of the first byte, or'ed with the decoding
 * mode (ICACHE_MODE_*), so that one comparison checks address, code size and
 * validity (an all-zero entry never matches: the valid bit is in every mode). */
#define ICACHE_MODE_VALID (1ull << 32)
#define ICACHE_MODE_CODE32 (1ull << 33)

struct icache_entry {
	uint64_t tag;
	uint32_t gen;    /* the page's code generation when decoded */
	struct x86_insn in;
};

/* Blocks: straight-line runs of decoded instructions, so that the run loop
 * looks an address up once per run instead of once per instruction. A
 * block starts wherever control arrives, lies within one page (so one code
 * generation covers all of it) and ends after the first instruction the
 * opcode table marks CLS_ENDS_BLOCK (control transfers, mode changes,
 * every VMM routine) except a conditional relative branch, which the run
 * leaves only when it is taken; before an instruction that does not decode
 * or leaves the page; or after ICACHE_BLOCK_MAX instructions. Its instructions live
 * in a pool that is emptied, with every block, when it fills up. */
#define ICACHE_BLOCKS 2048      /* a power of two */
#define ICACHE_BLOCK_MAX 32     /* instructions per block */
#define ICACHE_POOL 16384       /* decoded instructions shared by all blocks */

struct icache_block {
	uint64_t tag;                 /* as icache_entry.tag, for the first byte */
	uint32_t gen;                 /* the page's code generation when decoded */
	uint16_t count;               /* instructions */
	uint16_t bytes;               /* their total length */
	const uint32_t *gen_now;      /* the page's current code generation */
	const struct x86_insn *insns; /* count instructions in the pool */
};

struct icache {
	struct icache_entry e[ICACHE_ENTRIES];
	struct icache_block blocks[ICACHE_BLOCKS];
	uint32_t pool_used;
	struct x86_insn pool[ICACHE_POOL];
};

static inline struct icache_entry *icache_slot(struct icache *ic, uint32_t phys)
{
	return &ic->e[(phys ^ (phys >> 12)) & (ICACHE_ENTRIES - 1)];
}

static inline struct icache_block *icache_block_slot(struct icache *ic, uint32_t phys)
{
	return &ic->blocks[(phys ^ (phys >> 11)) & (ICACHE_BLOCKS - 1)];
}

#endif
