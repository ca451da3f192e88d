/* seg.h: segment descriptors as they sit in the GDT and LDT.
 *
 * Segment register loads (cpu/seg.c), far transfers (cpu/far.c) and the
 * instructions that query or load descriptor-table entries (LAR, LSL, VERR,
 * LLDT, LTR in vmm/priv_system.c) all read the same 8-byte format; these
 * helpers give its fields names so none of those files picks bits by hand.
 */
#ifndef POPEK_CPU_SEG_H
#define POPEK_CPU_SEG_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/access.h"
#include "cpu/cpu.h"

/* One descriptor as read from memory, with where it was read from so that
 * the accessed / busy bits can be written back. */
struct seg_desc {
	uint32_t lo, hi;
	uint32_t addr; /* linear address of the descriptor */
};

/* System descriptor types (S = 0). */
enum {
	DESC_TSS16_AVAIL = 1,
	DESC_LDT = 2,
	DESC_TSS16_BUSY = 3,
	DESC_CALL_GATE16 = 4,
	DESC_TASK_GATE = 5,
	DESC_INT_GATE16 = 6,
	DESC_TRAP_GATE16 = 7,
	DESC_TSS32_AVAIL = 9,
	DESC_TSS32_BUSY = 11,
	DESC_CALL_GATE32 = 12,
	DESC_INT_GATE32 = 14,
	DESC_TRAP_GATE32 = 15,
};

/* Selector parts. */
static inline unsigned sel_rpl(uint16_t sel)
{
	return sel & 3u;
}
static inline bool sel_is_null(uint16_t sel)
{
	return (sel & 0xFFFCu) == 0;
}
/* The error code a faulting selector produces (index and TI, no RPL). */
static inline uint32_t sel_err(uint16_t sel)
{
	return sel & 0xFFFCu;
}

/* The cache attribute word (access byte, flags nibble in bits 12-15). */
static inline uint16_t desc_attr(const struct seg_desc *d)
{
	return (uint16_t)((d->hi >> 8) & 0xF0FFu);
}
static inline uint32_t desc_base(const struct seg_desc *d)
{
	return (d->lo >> 16) | ((d->hi & 0xFFu) << 16) | (d->hi & 0xFF000000u);
}
/* The limit in bytes, expanded by the granularity bit. */
static inline uint32_t desc_limit(const struct seg_desc *d)
{
	uint32_t raw = (d->lo & 0xFFFFu) | (d->hi & 0x000F0000u);
	return (d->hi & (1u << 23)) ? (raw << 12) | 0xFFFu : raw;
}

/* Predicates on an attribute word (a cache's attr or desc_attr()). */
static inline unsigned attr_dpl(uint16_t attr)
{
	return (attr >> 5) & 3u;
}
static inline unsigned attr_type(uint16_t attr)
{
	return attr & 0xFu;
}
static inline bool attr_present(uint16_t attr)
{
	return attr & SEG_ATTR_P;
}
static inline bool attr_is_system(uint16_t attr)
{
	return !(attr & SEG_ATTR_S);
}
static inline bool attr_is_code(uint16_t attr)
{
	return (attr & (SEG_ATTR_S | SEG_ATTR_CODE)) == (SEG_ATTR_S | SEG_ATTR_CODE);
}
static inline bool attr_is_data(uint16_t attr)
{
	return (attr & (SEG_ATTR_S | SEG_ATTR_CODE)) == SEG_ATTR_S;
}
static inline bool attr_is_conforming_code(uint16_t attr)
{
	return attr_is_code(attr) && (attr & SEG_ATTR_EXPDOWN);
}
static inline bool attr_is_readable(uint16_t attr)
{
	return attr_is_data(attr) || (attr_is_code(attr) && (attr & SEG_ATTR_RW));
}
static inline bool attr_is_writable_data(uint16_t attr)
{
	return attr_is_data(attr) && (attr & SEG_ATTR_RW);
}

/* The CPL as the privilege rules see it: 0 in real mode, 3 in V86. */
static inline unsigned seg_cpl(const struct cpu *cpu)
{
	if (cpu_real_mode(cpu))
		return 0;
	if (cpu->eflags & FLAG_VM)
		return 3;
	return cpu->cpl;
}

/* Reads the descriptor `sel` names from the GDT or LDT (TI bit). Returns
 * false, without raising, when the selector lies past the table limit or
 * names the LDT while no LDT is loaded. The null selector is not special
 * here: callers decide what null means for them. */
bool seg_desc_read(struct cpu *cpu, uint16_t sel, struct seg_desc *d);

/* seg_desc_read, raising #GP(selector) when the entry is out of bounds. */
void seg_desc_fetch(struct cpu *cpu, uint16_t sel, struct seg_desc *d);

/* Sets the accessed bit of a code/data descriptor in memory (and in *d),
 * as the CPU does when it loads a segment register. */
void seg_desc_set_accessed(struct cpu *cpu, struct seg_desc *d);

/* Fills a segment cache from a descriptor. */
void seg_cache_set(struct seg_cache *c, uint16_t sel, const struct seg_desc *d);

/* A segment register holding a null selector: any access through it
 * faults, because the cache is marked not present. */
void seg_cache_set_null(struct seg_cache *c, uint16_t sel);

/* The segment cache V86 mode gives every segment register: base sel<<4,
 * 64 KiB limit, a present read/write data segment of DPL 3. */
void seg_cache_set_v86(struct seg_cache *c, uint16_t sel);

/* The code segment a gate descriptor names, its entry point and (call
 * gates) its parameter count. 16-bit gates have a 16-bit offset. */
static inline uint16_t gate_selector(const struct seg_desc *g)
{
	return (uint16_t)(g->lo >> 16);
}
static inline uint32_t gate_offset(const struct seg_desc *g)
{
	bool gate32 = (g->hi >> 8) & 8u;
	return gate32 ? (g->lo & 0xFFFFu) | (g->hi & 0xFFFF0000u) : (g->lo & 0xFFFFu);
}
static inline unsigned gate_param_count(const struct seg_desc *g)
{
	return g->hi & 0x1Fu;
}

/* --- stacks that are being switched to -------------------------------------- */

/* The most values seg_stack_push() takes at once: a call gate's SS, ESP,
 * 31 parameters, CS, EIP. */
#define SEG_STACK_PUSH_MAX 36

/* Linear address of `size` bytes at `off` in the stack segment described
 * by `ss` (a cache not loaded into SS yet, during a stack switch), with the
 * limit checked as expand-up or expand-down: #SS(err) outside it. */
uint32_t seg_stack_lin(struct cpu *cpu, const struct seg_cache *ss, uint32_t off, unsigned size,
		       uint32_t err);

/* Pushes vals[0], vals[1]... (in that order, each `size` bytes) below `sp`
 * on the stack `ss`, checking every limit before writing anything; paging
 * checks the writes with privilege `priv`. Returns the new stack pointer
 * (wrapped to 16 bits for a 16-bit stack). Does not touch SS or ESP. */
uint32_t seg_stack_push(struct cpu *cpu, const struct seg_cache *ss, uint32_t sp, unsigned size,
			const uint32_t *vals, unsigned n, uint32_t err, enum cpu_priv priv);

#endif
