/* mmu.c: the page walk and the software TLB's slow paths (see mmu.h).
 *
 * The walk follows the Intel SDM for 32-bit paging on a P6 without PAE:
 * a PDE, then either a 4 MiB page (CR4.PSE and PDE.PS) or a PTE. Access
 * rights combine across both levels: a user access needs U/S=1 in both, a
 * user write R/W=1 in both, a supervisor write R/W=1 in both only when
 * CR0.WP is set. Reserved bits exist only with CR4.PSE (bits 21:12 of a
 * 4 MiB PDE, bit 7 of a PTE, as on a Pentium II without PSE-36 or PAT).
 * Accessed bits are set on a successful translation, the dirty bit on the
 * first write through it.
 */
#include "cpu/mmu.h"

#include <string.h>

#include "cpu/cpu.h"
#include "vmm/phys_mem.h"

#define PAGE_MASK (~(uint32_t)(PHYS_PAGE_SIZE - 1))
/* Reserved bits with CR4.PSE set. */
#define PDE_4M_RESERVED 0x003FF000u
#define PTE_RESERVED PTE_PS
/* The write kinds of an entry's permission bits. */
#define MMU_PERMS_WRITE ((1u << MMU_ACC_WRITE) | (1u << (MMU_ACC_WRITE | MMU_ACC_USER)))

static struct mmu_tlb_entry *tlb_slot(struct cpu *cpu, uint32_t lin)
{
	return &cpu->tlb.e[(lin >> PHYS_PAGE_SHIFT) & (MMU_TLB_ENTRIES - 1)];
}

static _Noreturn void page_fault(struct cpu *cpu, uint32_t lin, uint32_t err)
{
	cpu->cr[2] = lin;
	cpu_raise_err(cpu, EXC_PF, err);
}

/* The access kinds a page with combined R/W and U/S `rights` allows, as
 * MMU_TLB_PERMS bits, as if its dirty bit were set. */
static unsigned rights_to_perms(uint32_t rights, bool wp)
{
	unsigned perms = 1u << 0; /* supervisor read: always */
	if (!wp || (rights & PTE_RW))
		perms |= 1u << MMU_ACC_WRITE;
	if (rights & PTE_US) {
		perms |= 1u << MMU_ACC_USER;
		if (rights & PTE_RW)
			perms |= 1u << (MMU_ACC_USER | MMU_ACC_WRITE);
	}
	return perms;
}

/* Sets the fast-path tags of an entry from its permissions and what its
 * physical page is now: reads go direct to host-backed pages (RAM, ROM),
 * writes only to pages that are directly writable (RAM without code). */
static void tlb_set_tags(const struct phys_mem *mem, struct mmu_tlb_entry *e)
{
	uint32_t page = e->vpage & PAGE_MASK;
	uint32_t pn = e->ppage >> PHYS_PAGE_SHIFT;
	uint8_t *host = mem->host[pn];
	bool writable = host && (mem->flags[pn] & PHYS_PAGE_WRITABLE);
	e->addend = host ? (uintptr_t)host - page : 0;
	/* Spelt out for the four kinds: this runs on every page walk. */
	uint32_t read = host ? (page | ~PAGE_MASK) : 0;
	uint32_t write = writable ? (page | ~PAGE_MASK) : 0;
#define TLB_TAG(k, v) ((e->vpage & (1u << (k))) ? (v) : 0)
	e->tag[0] = TLB_TAG(0, read);
	e->tag[MMU_ACC_USER] = TLB_TAG(MMU_ACC_USER, read);
	e->tag[MMU_ACC_WRITE] = TLB_TAG(MMU_ACC_WRITE, write);
	e->tag[MMU_ACC_WRITE | MMU_ACC_USER] = TLB_TAG(MMU_ACC_WRITE | MMU_ACC_USER, write);
#undef TLB_TAG
	_Static_assert(MMU_ACC_KINDS == 4, "tlb_set_tags sets four tags");
}

/* Reads a paging-structure entry (4-aligned, so within one page): straight
 * from the host page when it is RAM or ROM, else through phys_read. Walks
 * are frequent when a guest's working set outgrows the TLB. */
static uint32_t pt_read(struct phys_mem *mem, uint32_t addr)
{
	const uint8_t *p = phys_host_ptr(mem, addr);
	if (!p)
		return phys_read(mem, addr, 4);
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* Updates a paging-structure entry in guest memory when bits must be set
 * (accessed, dirty); entries that already have them are not rewritten, so
 * page tables in ROM and pages holding code are left alone. */
static void pte_set_bits(struct phys_mem *mem, uint32_t addr, uint32_t *pte, uint32_t bits)
{
	if ((*pte & bits) != bits) {
		*pte |= bits;
		phys_write(mem, addr, *pte, 4);
	}
}

/* Walks the page tables for `lin`, checks the access, sets A/D, fills
 * entry `e` and returns the physical address. */
static uint32_t mmu_walk(struct cpu *cpu, uint32_t lin, unsigned acc, struct mmu_tlb_entry *e)
{
	struct phys_mem *mem = cpu->mem;
	uint32_t a20 = mem->a20_mask;
	bool write = acc & MMU_ACC_WRITE;
	bool wp = cpu->cr[0] & CR0_WP;
	bool pse = cpu->cr[4] & MMU_CR4_PSE;
	uint32_t err = (write ? PF_ERR_W : 0) | ((acc & MMU_ACC_USER) ? PF_ERR_U : 0);
	uint32_t flags = 0, rights, phys_page, dirty;

	cpu->tlb.walks++;
	uint32_t pde_addr = ((cpu->cr[3] & PAGE_MASK) | ((lin >> 20) & 0xFFCu)) & a20;
	uint32_t pde = pt_read(mem, pde_addr);
	if (!(pde & PTE_P))
		page_fault(cpu, lin, err);

	if (pse && (pde & PTE_PS)) {
		/* A 4 MiB page. */
		if (pde & PDE_4M_RESERVED)
			page_fault(cpu, lin, err | PF_ERR_P | PF_ERR_RSVD);
		rights = pde;
		if (!(rights_to_perms(rights, wp) & (1u << acc)))
			page_fault(cpu, lin, err | PF_ERR_P);
		pte_set_bits(mem, pde_addr, &pde, PTE_A | (write ? PTE_D : 0));
		phys_page = (pde & 0xFFC00000u) | (lin & 0x003FF000u);
		dirty = pde & PTE_D;
		flags = MMU_TLB_LARGE | ((pde & PTE_G) ? MMU_TLB_GLOBAL : 0);
	} else {
		uint32_t pte_addr = ((pde & PAGE_MASK) | ((lin >> 10) & 0xFFCu)) & a20;
		uint32_t pte = pt_read(mem, pte_addr);
		if (!(pte & PTE_P))
			page_fault(cpu, lin, err);
		if (pse && (pte & PTE_RESERVED))
			page_fault(cpu, lin, err | PF_ERR_P | PF_ERR_RSVD);
		rights = pde & pte;
		if (!(rights_to_perms(rights, wp) & (1u << acc)))
			page_fault(cpu, lin, err | PF_ERR_P);
		pte_set_bits(mem, pde_addr, &pde, PTE_A);
		pte_set_bits(mem, pte_addr, &pte, PTE_A | (write ? PTE_D : 0));
		phys_page = pte & PAGE_MASK;
		dirty = pte & PTE_D;
		flags = (pte & PTE_G) ? MMU_TLB_GLOBAL : 0;
	}
	if (!(cpu->cr[4] & MMU_CR4_PGE))
		flags &= ~(uint32_t)MMU_TLB_GLOBAL;

	unsigned perms = rights_to_perms(rights, wp);
	if (!dirty)
		perms &= ~MMU_PERMS_WRITE; /* the first write walks again to set D */
	phys_page &= a20;
	e->vpage = (lin & PAGE_MASK) | perms | flags;
	e->ppage = phys_page;
	tlb_set_tags(mem, e);
	cpu->tlb.in_use = true;
	cpu->tlb.has_global |= (flags & MMU_TLB_GLOBAL) != 0;
	cpu->tlb.has_large |= (flags & MMU_TLB_LARGE) != 0;
	return phys_page | (lin & ~PAGE_MASK);
}

uint32_t mmu_translate(struct cpu *cpu, uint32_t lin, unsigned acc)
{
	struct mmu_tlb_entry *e = tlb_slot(cpu, lin);
	if (((e->vpage ^ lin) & PAGE_MASK) == 0 && (e->vpage & (1u << acc))) {
		/* A known translation that the fast path could not use: the
		 * page is MMIO, or the access crosses a page, or the physical
		 * page changed kind since the fill (a code page written to is
		 * plain RAM again), which this catches up with. */
		if (!e->tag[acc])
			tlb_set_tags(cpu->mem, e);
		return e->ppage | (lin & ~PAGE_MASK);
	}
	return mmu_walk(cpu, lin, acc, e);
}

uint32_t mmu_translate_fetch(struct cpu *cpu, uint32_t lin)
{
	uint32_t phys = mmu_translate(cpu, lin, cpu->cpl == 3 ? MMU_ACC_USER : 0);
	cpu->tlb.fetch_tag = (lin | ~PAGE_MASK) ^ cpu->cpl;
	cpu->tlb.fetch_phys = phys & PAGE_MASK;
	return phys;
}

void mmu_flush(struct cpu *cpu, bool keep_global)
{
	struct mmu_tlb *tlb = &cpu->tlb;
	tlb->flushes++;
	tlb->fetch_tag = 0;
	if (!tlb->in_use)
		return;
	if (!keep_global || !tlb->has_global) {
		memset(tlb->e, 0, sizeof(tlb->e));
		tlb->in_use = tlb->has_global = tlb->has_large = false;
		return;
	}
	bool large = false;
	for (unsigned i = 0; i < MMU_TLB_ENTRIES; i++) {
		struct mmu_tlb_entry *e = &tlb->e[i];
		if (!(e->vpage & MMU_TLB_GLOBAL))
			memset(e, 0, sizeof(*e));
		else if (e->vpage & MMU_TLB_LARGE)
			large = true;
	}
	tlb->has_large = large;
}

void mmu_invlpg(struct cpu *cpu, uint32_t lin)
{
	struct mmu_tlb *tlb = &cpu->tlb;
	memset(tlb_slot(cpu, lin), 0, sizeof(struct mmu_tlb_entry));
	tlb->fetch_tag = 0;
	if (!tlb->has_large)
		return;
	/* The TLB holds 4 MiB pages as 4 KiB pieces: drop every piece of
	 * the one covering lin. */
	for (unsigned i = 0; i < MMU_TLB_ENTRIES; i++) {
		struct mmu_tlb_entry *e = &tlb->e[i];
		if ((e->vpage & MMU_TLB_LARGE) && ((e->vpage ^ lin) & 0xFFC00000u) == 0)
			memset(e, 0, sizeof(*e));
	}
}

void mmu_mark_code(struct cpu *cpu, uint32_t phys)
{
	struct phys_mem *mem = cpu->mem;
	uint32_t pn = phys >> PHYS_PAGE_SHIFT;
	if ((mem->flags[pn] & PHYS_PAGE_WRITABLE) && cpu->tlb.in_use) {
		/* Only a page that was directly writable can have direct write
		 * tags. Without paging the TLB is empty (flushed when PG
		 * changes) and the fast path reads the page flags itself. */
		uint32_t ppage = phys & PAGE_MASK;
		for (unsigned i = 0; i < MMU_TLB_ENTRIES; i++) {
			struct mmu_tlb_entry *e = &cpu->tlb.e[i];
			if (e->ppage == ppage) {
				e->tag[MMU_ACC_WRITE] = 0;
				e->tag[MMU_ACC_WRITE | MMU_ACC_USER] = 0;
			}
		}
	}
	phys_mark_code(mem, phys);
}

bool mmu_peek(struct cpu *cpu, uint32_t lin, uint32_t *phys)
{
	struct phys_mem *mem = cpu->mem;
	uint32_t a20 = mem->a20_mask;
	if (!(cpu->cr[0] & CR0_PG)) {
		*phys = lin & a20;
		return true;
	}
	bool pse = cpu->cr[4] & MMU_CR4_PSE;
	uint32_t pde = phys_read(mem, ((cpu->cr[3] & PAGE_MASK) | ((lin >> 20) & 0xFFCu)) & a20, 4);
	if (!(pde & PTE_P))
		return false;
	if (pse && (pde & PTE_PS)) {
		if (pde & PDE_4M_RESERVED)
			return false;
		*phys = ((pde & 0xFFC00000u) | (lin & 0x003FFFFFu)) & a20;
		return true;
	}
	uint32_t pte = phys_read(mem, ((pde & PAGE_MASK) | ((lin >> 10) & 0xFFCu)) & a20, 4);
	if (!(pte & PTE_P) || (pse && (pte & PTE_RESERVED)))
		return false;
	*phys = ((pte & PAGE_MASK) | (lin & ~PAGE_MASK)) & a20;
	return true;
}
