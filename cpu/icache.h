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

struct icache {
	struct icache_entry e[ICACHE_ENTRIES];
};

static inline struct icache_entry *icache_slot(struct icache *ic, uint32_t phys)
{
	return &ic->e[(phys ^ (phys >> 12)) & (ICACHE_ENTRIES - 1)];
}

#endif
