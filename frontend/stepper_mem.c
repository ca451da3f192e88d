/* stepper_mem.c: the stepper's view of guest memory, which must never
 * change what it looks at.
 *
 * The CPU's own paths are not usable here: mmu_translate sets accessed and
 * dirty bits, fills the TLB and raises #PF; phys_read reaches MMIO
 * callbacks, which may have side effects (a VGA read loads its latches).
 * So the page walk is redone here with plain loads from host memory, the
 * way cpu/mmu.c walks (4 KiB and, with CR4.PSE, 4 MiB pages, the A20 mask,
 * reserved bits), and only pages backed by RAM or ROM are read at all.
 * tests/frontend/test_stepper_mem.c checks this walk against mmu_peek().
 */
#include <string.h>

#include "cpu/decode.h"
#include "cpu/mmu.h"
#include "frontend/stepper_internal.h"

#define PAGE_MASK 0xFFFFF000u
#define PDE_4M_RESERVED 0x003FF000u /* bits 21:12 of a 4 MiB PDE */

bool stepper_peek_phys(struct stepper *st, uint32_t phys, uint8_t *b)
{
	/* Only host-backed pages: an MMIO page has no host pointer (its
	 * accesses go through the device's callbacks), and neither has a page
	 * with nothing mapped. */
	const uint8_t *p = phys_host_ptr(&st->m->mem, phys);
	if (!p)
		return false;
	*b = *p;
	return true;
}

/* A paging-structure entry: 4 aligned bytes from RAM/ROM. */
static bool peek_phys32(struct stepper *st, uint32_t phys, uint32_t *v)
{
	uint8_t b[4];
	for (unsigned i = 0; i < 4; i++)
		if (!stepper_peek_phys(st, phys + i, &b[i]))
			return false;
	*v = b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return true;
}

void stepper_walk(struct stepper *st, uint32_t lin, struct stepper_walk *w)
{
	const struct cpu *cpu = &st->m->cpu;
	uint32_t a20 = st->m->mem.a20_mask;
	memset(w, 0, sizeof(*w));
	if (!(cpu->cr[0] & CR0_PG)) {
		w->mapped = true;
		w->phys = lin & a20;
		return;
	}
	w->paging = true;
	bool pse = cpu->cr[4] & CR4_PSE;
	w->pde_addr = ((cpu->cr[3] & PAGE_MASK) | ((lin >> 20) & 0xFFCu)) & a20;
	w->pde_ok = peek_phys32(st, w->pde_addr, &w->pde);
	if (!w->pde_ok || !(w->pde & PTE_P))
		return;
	if (pse && (w->pde & PTE_PS)) {
		w->large = true;
		if (w->pde & PDE_4M_RESERVED) {
			w->reserved = true;
			return;
		}
		w->mapped = true;
		w->phys = ((w->pde & 0xFFC00000u) | (lin & 0x003FFFFFu)) & a20;
		return;
	}
	w->pte_addr = ((w->pde & PAGE_MASK) | ((lin >> 10) & 0xFFCu)) & a20;
	w->pte_ok = peek_phys32(st, w->pte_addr, &w->pte);
	if (!w->pte_ok || !(w->pte & PTE_P))
		return;
	if (pse && (w->pte & PTE_PS)) {
		w->reserved = true;
		return;
	}
	w->mapped = true;
	w->phys = ((w->pte & PAGE_MASK) | (lin & ~PAGE_MASK)) & a20;
}

bool stepper_lin_to_phys(struct stepper *st, uint32_t lin, uint32_t *phys)
{
	struct stepper_walk w;
	stepper_walk(st, lin, &w);
	*phys = w.phys;
	return w.mapped;
}

bool stepper_peek_lin(struct stepper *st, uint32_t lin, uint8_t *b)
{
	uint32_t phys;
	return stepper_lin_to_phys(st, lin, &phys) && stepper_peek_phys(st, phys, b);
}

unsigned stepper_read_lin(struct stepper *st, uint32_t lin, uint8_t *buf, unsigned len)
{
	/* One walk per page, not per byte. */
	unsigned done = 0;
	while (done < len) {
		uint32_t a = lin + done, phys;
		if (!stepper_lin_to_phys(st, a, &phys))
			break;
		unsigned in_page = PHYS_PAGE_SIZE - (a & (PHYS_PAGE_SIZE - 1));
		for (unsigned i = 0; i < in_page && done < len; i++, done++)
			if (!stepper_peek_phys(st, phys + i, &buf[done]))
				return done;
	}
	return done;
}

bool stepper_read_lin_val(struct stepper *st, uint32_t lin, unsigned size, uint32_t *v)
{
	uint8_t b[4] = {0};
	if (size > 4 || stepper_read_lin(st, lin, b, size) != size)
		return false;
	*v = b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return true;
}

bool stepper_read_desc(struct stepper *st, uint32_t base, uint32_t limit, unsigned index,
		       uint32_t *lo, uint32_t *hi)
{
	uint64_t off = (uint64_t)index * 8;
	if (off + 7 > limit)
		return false;
	return stepper_read_lin_val(st, base + (uint32_t)off, 4, lo) &&
	       stepper_read_lin_val(st, base + (uint32_t)off + 4, 4, hi);
}

bool stepper_decode_at(struct stepper *st, uint32_t lin, uint32_t eip, uint32_t limit,
		       bool code32, struct x86_insn *in)
{
	uint8_t buf[X86_MAX_INSN_LEN];
	unsigned want = X86_MAX_INSN_LEN;
	/* Bytes past the segment limit are not part of the instruction
	 * stream (the CPU would raise #GP fetching them). */
	if (eip > limit)
		return false;
	if ((uint64_t)limit - eip + 1 < want)
		want = limit - eip + 1;
	unsigned n = stepper_read_lin(st, lin, buf, want);
	return n && x86_decode(in, buf, n, code32) == X86_DECODE_OK;
}

bool stepper_decode_current(struct stepper *st, struct x86_insn *in)
{
	const struct cpu *cpu = &st->m->cpu;
	const struct seg_cache *cs = &cpu->seg[SEG_CS];
	return stepper_decode_at(st, cs->base + cpu->eip, cpu->eip, cs->limit, cpu->code32, in);
}

void stepper_pos(struct stepper *st, struct guest_pos *p)
{
	const struct cpu *cpu = &st->m->cpu;
	p->sel = cpu->seg[SEG_CS].sel;
	p->eip = cpu->eip;
	p->lin = cpu->seg[SEG_CS].base + cpu->eip;
	p->ss = cpu->seg[SEG_SS].sel;
	p->esp = cpu->stack32 ? cpu->regs[REG_ESP] : (cpu->regs[REG_ESP] & 0xFFFFu);
}

bool stepper_at_addr(struct stepper *st, const struct code_addr *a)
{
	const struct cpu *cpu = &st->m->cpu;
	if (a->has_sel)
		return cpu->seg[SEG_CS].sel == a->sel && cpu->eip == a->off;
	return cpu->seg[SEG_CS].base + cpu->eip == a->lin;
}

const char *stepper_addr_text(const struct code_addr *a, char *buf, size_t len)
{
	if (a->has_sel)
		snprintf(buf, len, "%04X:%0*X", a->sel, a->off > 0xFFFF ? 8 : 4, a->off);
	else
		snprintf(buf, len, "linear %08X", a->lin);
	return buf;
}
