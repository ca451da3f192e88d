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

struct icache_entry {
	uint32_t phys;   /* physical address of the first byte */
	uint32_t gen;    /* the page's code generation when decoded */
	uint8_t code32;  /* decoded for a 32-bit code segment */
	uint8_t valid;
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
