/* access.c: the slow paths of guest memory access: segment checks that
 * the inline fast path cannot decide, and linear accesses that cross a page
 * or leave directly mapped RAM (MMIO, unmapped space, ROM writes).
 *
 * Linear-to-physical translation lives in cpu_translate(): the A20 mask
 * without paging, the MMU (cpu/mmu.c: TLB, then page walk) with it.
 */
#include "cpu/access.h"
#include "cpu/debug.h"
#include "cpu/mmu.h"

/* The exception a segment violation raises: #SS for the stack segment,
 * #GP otherwise (both with error code 0 for limit and rights faults). */
static _Noreturn void seg_fault(struct cpu *cpu, int seg)
{
	cpu_raise_err(cpu, seg == SEG_SS ? EXC_SS : EXC_GP, 0);
}

uint32_t cpu_seg_check_slow(struct cpu *cpu, int seg, uint32_t off, unsigned size, bool write)
{
	const struct seg_cache *s = &cpu->seg[seg];
	uint64_t last = (uint64_t)off + size - 1;

	if ((cpu->cr[0] & CR0_PE) && !(cpu->eflags & FLAG_VM)) {
		/* A null selector loaded into a data segment register leaves
		 * it unusable (not present). */
		if (!(s->attr & SEG_ATTR_P))
			seg_fault(cpu, seg);
		if (s->attr & SEG_ATTR_CODE) {
			if (write || !(s->attr & SEG_ATTR_RW))
				seg_fault(cpu, seg);
		} else if (write && !(s->attr & SEG_ATTR_RW)) {
			seg_fault(cpu, seg);
		}
	}

	if ((s->attr & (SEG_ATTR_CODE | SEG_ATTR_EXPDOWN)) == SEG_ATTR_EXPDOWN) {
		/* Expand-down: valid offsets are limit+1 .. 0xFFFF or
		 * 0xFFFFFFFF by the B bit. */
		uint32_t upper = (s->attr & SEG_ATTR_DB) ? 0xFFFFFFFFu : 0xFFFFu;
		if (off <= s->limit || last > upper)
			seg_fault(cpu, seg);
	} else if (last > s->limit) {
		seg_fault(cpu, seg);
	}
	/* Alignment checking and data breakpoints (cpu/debug.h). */
	if (s->attr & SEG_ATTR_SLOW)
		cpu_seg_watch(cpu, s->base + off, size, write);
	return s->base + off;
}

/* Linear -> physical for an access of kind `acc` (MMU_ACC_*); with
 * paging, raises #PF when the access is not allowed. */
static uint32_t cpu_translate(struct cpu *cpu, uint32_t lin, unsigned acc)
{
	if (cpu->cr[0] & CR0_PG)
		return mmu_translate(cpu, lin, acc);
	return lin & cpu->mem->a20_mask;
}

/* Both slow paths go straight to the host page once the translation is
 * known (a TLB miss on RAM is the common reason to be here), and through
 * phys_read/phys_write for MMIO, unmapped space, ROM and code pages. */
uint32_t cpu_read_lin_slow(struct cpu *cpu, uint32_t lin, unsigned size, enum cpu_priv priv)
{
	unsigned acc = cpu_priv_acc(cpu, priv);
	if ((lin & (PHYS_PAGE_SIZE - 1)) <= PHYS_PAGE_SIZE - size) {
		uint32_t phys = cpu_translate(cpu, lin, acc);
		const uint8_t *p = phys_host_ptr(cpu->mem, phys);
		return p ? host_load(p, size) : phys_read(cpu->mem, phys, size);
	}
	/* Crosses a page: each byte through its own translation. */
	uint32_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= phys_read(cpu->mem, cpu_translate(cpu, lin + i, acc), 1) << (8 * i);
	return v;
}

void cpu_write_lin_slow(struct cpu *cpu, uint32_t lin, uint32_t v, unsigned size,
			enum cpu_priv priv)
{
	unsigned acc = MMU_ACC_WRITE | cpu_priv_acc(cpu, priv);
	if ((lin & (PHYS_PAGE_SIZE - 1)) <= PHYS_PAGE_SIZE - size) {
		uint32_t phys = cpu_translate(cpu, lin, acc);
		uint8_t *p = phys_host_ptr_w(cpu->mem, phys);
		if (p)
			host_store(p, size, v);
		else
			phys_write(cpu->mem, phys, v, size);
		return;
	}
	/* Translate every byte first, so a fault on the second page leaves
	 * the first untouched (and CR2 names the first byte of the second
	 * page). */
	uint32_t phys[4];
	for (unsigned i = 0; i < size; i++)
		phys[i] = cpu_translate(cpu, lin + i, acc);
	for (unsigned i = 0; i < size; i++)
		phys_write(cpu->mem, phys[i], (v >> (8 * i)) & 0xFF, 1);
}

void cpu_probe_write(struct cpu *cpu, int seg, uint32_t off, unsigned size)
{
	uint32_t lin = cpu_linear(cpu, seg, off, size, true);
	unsigned acc = MMU_ACC_WRITE | cpu_priv_acc(cpu, CPU_PRIV_CPL);
	cpu_translate(cpu, lin, acc);
	cpu_translate(cpu, lin + size - 1, acc);
}
