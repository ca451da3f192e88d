/* mmu.h: paging: the two-level page walk of 32-bit x86 (no PAE) and the
 * software TLB that caches its results.
 *
 * With CR0.PG set, every linear address goes through the page directory at
 * CR3 and a page table (or a 4 MiB page when CR4.PSE is set and the PDE has
 * PS) to a physical address. Walking two tables in guest memory for every
 * access would be slow, so the result is kept in a small direct-mapped TLB
 * indexed by the linear page number, as real processors do. An entry serves
 * two purposes:
 *
 *  - The fast path (inline in cpu/access.h): tag[kind] equals the linear
 *    page | 0xFFF exactly when an access of that kind (supervisor/user x
 *    read/write) may go straight to host memory at `addend + lin`. A tag is
 *    0 (never matches) when paging forbids the access, when the page has not
 *    been written yet (D clear: the first write must walk again to set D),
 *    or when the physical page is not plain RAM (MMIO, unmapped, ROM for
 *    writes, a page holding decoded code for writes): those take the slow
 *    path, so devices and self-modifying-code detection see every access.
 *  - The slow path (mmu_translate): `vpage` holds the linear page and the
 *    access kinds paging allows, `ppage` the physical page, so MMIO and
 *    page-crossing accesses do not walk the tables every time either.
 *
 * Instruction fetches check one more thing first: the code page they were
 * last translated for (fetch_tag), since most instructions follow one on
 * the same page.
 *
 * Entries are flushed when the translation they cache may have changed in a
 * way software expects to take effect: CR3 writes (global pages kept), CR0.PG
 * or CR0.WP changes, CR4.PGE/PSE changes, INVLPG (one page), task switches
 * that load CR3. A page that becomes code (mmu_mark_code) loses its direct
 * write tags in every entry mapping it.
 */
#ifndef POPEK_CPU_MMU_H
#define POPEK_CPU_MMU_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

/* Kinds of access, as bit sets: they index mmu_tlb_entry.tag[]. Instruction
 * fetches are reads (a P6 without PAE has no execute permission). */
enum {
	MMU_ACC_WRITE = 1u << 0,
	MMU_ACC_USER = 1u << 1, /* CPL 3, and not an implicit supervisor access */
	MMU_ACC_KINDS = 4,
};

/* The low bits of mmu_tlb_entry.vpage: bit k (k an access kind) when paging
 * allows that kind of access (write kinds only once D is set), plus flags. */
enum {
	MMU_TLB_PERMS = 0xFu,
	MMU_TLB_GLOBAL = 1u << 4, /* G page with CR4.PGE: survives CR3 writes */
	MMU_TLB_LARGE = 1u << 5,  /* a 4 KiB piece of a 4 MiB page */
};

/* Paging-structure entry bits (PDE and PTE). */
enum {
	PTE_P = 1u << 0,
	PTE_RW = 1u << 1,
	PTE_US = 1u << 2,
	PTE_PWT = 1u << 3,
	PTE_PCD = 1u << 4,
	PTE_A = 1u << 5,
	PTE_D = 1u << 6,
	PTE_PS = 1u << 7, /* PDE: 4 MiB page (with CR4.PSE); PTE: reserved (PAT on later CPUs) */
	PTE_G = 1u << 8,
};

/* #PF error code bits. A P6 without PAE has no I/D bit. */
enum {
	PF_ERR_P = 1u << 0,    /* protection violation (0: not present) */
	PF_ERR_W = 1u << 1,    /* the access was a write */
	PF_ERR_U = 1u << 2,    /* the access was a user-mode access */
	PF_ERR_RSVD = 1u << 3, /* a reserved bit was set in a paging entry */
};

/* CR4 bits paging depends on. */
enum {
	MMU_CR4_PSE = 1u << 4,
	MMU_CR4_PAE = 1u << 5,
	MMU_CR4_PGE = 1u << 7,
};

#define MMU_TLB_ENTRIES 512 /* a power of two */

struct mmu_tlb_entry {
	uint32_t tag[MMU_ACC_KINDS]; /* linear page | 0xFFF: direct access allowed; 0: slow path */
	uint32_t vpage;              /* linear page | MMU_TLB_* (0: empty) */
	uint32_t ppage;              /* physical page, A20 applied */
	uintptr_t addend;            /* host address of the page minus its linear address */
};

struct mmu_tlb {
	struct mmu_tlb_entry e[MMU_TLB_ENTRIES];
	bool in_use;     /* may hold any entry (a flush of an empty TLB is free) */
	bool has_global; /* may hold MMU_TLB_GLOBAL entries */
	bool has_large;  /* may hold MMU_TLB_LARGE entries */
	/* The code page instructions were last fetched from, checked inline
	 * before anything else: (linear page | 0xFFF) ^ the CPL it was
	 * translated for (0: none), and its physical page. */
	uint32_t fetch_tag;
	uint32_t fetch_phys;
	uint64_t walks; /* page walks (TLB misses), for statistics and tests */
	uint64_t flushes;
};

/* One entry is 32 bytes on a 64-bit host: two entries per cache line, and
 * the whole TLB is 16 KiB. */
_Static_assert(sizeof(struct mmu_tlb_entry) == 6 * sizeof(uint32_t) + sizeof(uintptr_t),
	       "a TLB entry is four tags, two pages and the host addend");
_Static_assert((MMU_TLB_ENTRIES & (MMU_TLB_ENTRIES - 1)) == 0,
	       "the TLB is indexed by masking the page number");
_Static_assert(sizeof(struct mmu_tlb_entry) * MMU_TLB_ENTRIES <= 16 * 1024,
	       "the TLB must stay small enough to flush on every CR3 write");

/* Linear -> physical (A20 applied) for an access of kind `acc` with paging
 * on: from the TLB, or by walking the tables (setting accessed and dirty
 * bits) and filling the TLB. Raises #PF with CR2 = lin when the access is
 * not allowed. */
uint32_t mmu_translate(struct cpu *cpu, uint32_t lin, unsigned acc);

/* mmu_translate for an instruction fetch at the CPL (a read, user at CPL
 * 3), which also makes the page the one the inline fetch check knows. */
uint32_t mmu_translate_fetch(struct cpu *cpu, uint32_t lin);

/* Drops every TLB entry, or every non-global one (a CR3 write, a task
 * switch). */
void mmu_flush(struct cpu *cpu, bool keep_global);

/* INVLPG: drops the translation of the page holding `lin`, global or not,
 * and every piece of a 4 MiB page that covers it. */
void mmu_invlpg(struct cpu *cpu, uint32_t lin);

/* Marks the physical page holding `phys` as holding decoded code
 * (phys_mark_code) and takes away the direct write access of every TLB
 * entry that maps it, so guest writes to it, through any linear alias, take
 * the slow path that invalidates the decoded code. Whatever caches code by
 * physical address calls this rather than phys_mark_code. */
void mmu_mark_code(struct cpu *cpu, uint32_t phys);

/* For host-side tools (stepper, debugger): the physical address of `lin`
 * as the current page tables map it, without faulting, without setting A/D
 * bits and without touching the TLB. False when it is not mapped. */
bool mmu_peek(struct cpu *cpu, uint32_t lin, uint32_t *phys);

#endif
