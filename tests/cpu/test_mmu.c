/* test_mmu.c: paging and the software TLB. Walks of 4 KiB and 4 MiB pages
 * with their accessed and dirty bits as guest memory sees them, every #PF
 * error code and CR2, the TLB flush rules of MOV CR0/CR3/CR4 and INVLPG
 * (global pages kept across CR3 writes), the first write through a TLB entry
 * a read filled, instruction fetches that cross into a missing page, the
 * supervisor accesses to system structures from ring 3, the run loop's
 * check of the current code page, self-modifying code through a linear
 * alias, and pages that are MMIO, past RAM or under A20.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cpu/icache.h"
#include "cpu/mmu.h"
#include "tests/cpu/handler_env.h"
#include "vmm/priv.h"

static const struct opcode_info test_op = { .name = "test" };

/* Memory layout (1 MiB of flat RAM):
 *   0x00500 GDT     0x00600 TSS      0x01000 page directory
 *   0x02000.. page tables for linear 0-16 MiB (one per 4 MiB)
 *   0x08000 IDT     0x09000 #GP/#PF handler  0x70000 ring-0 stack top
 *   0x80000.. the physical pages test mappings point at
 * Linear 0-1 MiB is identity-mapped, supervisor read/write; test pages are
 * at linear 4 MiB and up (LIN). */
#define GDT_BASE 0x500u
#define TSS_BASE 0x600u
#define PD 0x1000u
#define PT(i) (0x2000u + (i)*0x1000u)
#define IDT_BASE 0x8000u
#define PF_HANDLER 0x9000u
#define STACK0 0x70000u
#define PHYS_T 0x80000u
#define LIN 0x00400000u

enum { SEL_CODE0 = 0x08, SEL_DATA0 = 0x10, SEL_CODE3 = 0x1B, SEL_DATA3 = 0x23 };

/* --- set-up ------------------------------------------------------------------- */

static uint32_t pte_addr(uint32_t lin)
{
	return PT(lin >> 22) + ((lin >> 12) & 0x3FF) * 4;
}

static uint32_t pde_addr(uint32_t lin)
{
	return PD + (lin >> 22) * 4;
}

static void map(struct env *e, uint32_t lin, uint32_t pte)
{
	env_w32(e, pte_addr(lin), pte);
}

static void set_flat(struct cpu *c, unsigned dpl)
{
	uint16_t code = (uint16_t)(0xC09B | (dpl << 5)), data = (uint16_t)(0xC093 | (dpl << 5));
	c->seg[SEG_CS] = (struct seg_cache){ .sel = (uint16_t)(dpl ? SEL_CODE3 : SEL_CODE0),
					     .attr = code,
					     .base = 0,
					     .limit = 0xFFFFFFFFu };
	for (int s = 0; s < SEG_COUNT; s++)
		if (s != SEG_CS)
			c->seg[s] =
				(struct seg_cache){ .sel = (uint16_t)(dpl ? SEL_DATA3 : SEL_DATA0),
						    .attr = data,
						    .base = 0,
						    .limit = 0xFFFFFFFFu };
	cpu_update_mode(c);
}

static void write_desc(struct env *e, unsigned sel, uint32_t lo, uint32_t hi)
{
	env_w32(e, GDT_BASE + sel, lo);
	env_w32(e, GDT_BASE + sel + 4, hi);
}

/* Flat 32-bit protected mode with paging at CPL 0: GDT, a TSS naming the
 * ring-0 stack, an IDT whose #PF gate leads to PF_HANDLER, page tables. */
static int setup(void **state)
{
	struct env *e = env_new();
	struct cpu *c = &e->cpu;
	write_desc(e, 0x00, 0, 0);
	write_desc(e, 0x08, 0x0000FFFFu, 0x00CF9A00u);
	write_desc(e, 0x10, 0x0000FFFFu, 0x00CF9200u);
	write_desc(e, 0x18, 0x0000FFFFu, 0x00CFFA00u);
	write_desc(e, 0x20, 0x0000FFFFu, 0x00CFF200u);
	write_desc(e, 0x28, (TSS_BASE << 16) | 0x67u, 0x00008B00u);
	c->gdtr = (struct dtr){ .base = GDT_BASE, .limit = 0x2F };
	c->tr = (struct seg_cache){ .sel = 0x28, .attr = 0x8B, .base = TSS_BASE, .limit = 0x67 };
	env_w32(e, TSS_BASE + 4, STACK0);
	env_w32(e, TSS_BASE + 8, SEL_DATA0);
	for (unsigned v = 13; v <= 14; v++) { /* #GP and #PF */
		env_w32(e, IDT_BASE + v * 8, (SEL_CODE0 << 16) | (PF_HANDLER & 0xFFFF));
		env_w32(e, IDT_BASE + v * 8 + 4, (PF_HANDLER & 0xFFFF0000u) | 0x8E00u);
	}
	c->idtr = (struct dtr){ .base = IDT_BASE, .limit = 0x7FF };

	for (uint32_t i = 0; i < 4; i++)
		env_w32(e, PD + i * 4, PT(i) | PTE_P | PTE_RW | PTE_US);
	for (uint32_t p = 0; p < 256; p++)
		env_w32(e, PT(0) + p * 4, (p << 12) | PTE_P | PTE_RW);
	c->cr[3] = PD;
	c->cr[0] |= CR0_PE | CR0_PG;
	set_flat(c, 0);
	c->regs[REG_ESP] = STACK0;
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	free(e->cpu.icache);
	env_free(e);
	return 0;
}

/* Linear accesses, returning the vector raised or -1. */
static int rd(struct env *e, uint32_t lin, unsigned size, enum cpu_priv priv, uint32_t *v)
{
	if (setjmp(e->cpu.exc_jmp))
		return e->cpu.exc_vec;
	*v = cpu_read_lin_as(&e->cpu, lin, size, priv);
	return -1;
}

static int wr(struct env *e, uint32_t lin, unsigned size, enum cpu_priv priv, uint32_t v)
{
	if (setjmp(e->cpu.exc_jmp))
		return e->cpu.exc_vec;
	cpu_write_lin_as(&e->cpu, lin, v, size, priv);
	return -1;
}

static uint32_t rd_ok(struct env *e, uint32_t lin)
{
	uint32_t v = 0;
	assert_int_equal(rd(e, lin, 4, CPU_PRIV_SUPERVISOR, &v), -1);
	return v;
}

/* MOV CRn, EAX through the VMM routine. */
static void mov_cr(struct env *e, unsigned n, uint32_t v)
{
	struct x86_insn in = insn_make(&test_op, 4, 4);
	in.reg = (uint8_t)n;
	in.rm = REG_EAX;
	e->cpu.regs[REG_EAX] = v;
	assert_int_equal(env_exec(e, vmm_mov_Cd_Rd, &in), -1);
}

static void invlpg(struct env *e, uint32_t lin)
{
	struct x86_insn in = insn_make(&test_op, 4, 4);
	insn_mem(&in, SEG_DS, X86_NO_REG, X86_NO_REG, 0, (int32_t)lin);
	assert_int_equal(env_exec(e, vmm_invlpg, &in), -1);
}

/* --- walks ----------------------------------------------------------------------- */

static void test_walk_4k_accessed_dirty(void **state)
{
	struct env *e = *state;
	uint32_t lin = LIN + 0x1000;
	map(e, lin, (PHYS_T + 0x1000) | PTE_P | PTE_RW);
	env_w32(e, PHYS_T + 0x1234, 0xCAFEF00Du);

	uint64_t walks = e->cpu.tlb.walks;
	assert_int_equal(rd_ok(e, lin + 0x234), 0xCAFEF00Du);
	assert_int_equal(e->cpu.tlb.walks, walks + 1);
	/* A read sets A in both levels, D nowhere. */
	assert_true(env_r32(e, pde_addr(lin)) & PTE_A);
	assert_int_equal(env_r32(e, pte_addr(lin)), (PHYS_T + 0x1000) | PTE_P | PTE_RW | PTE_A);
	assert_false(env_r32(e, pde_addr(lin)) & PTE_D);

	/* The next access on the page is a TLB hit. */
	assert_int_equal(rd_ok(e, lin + 0x238), 0);
	assert_int_equal(e->cpu.tlb.walks, walks + 1);

	/* A write sets D in the PTE (not in the PDE). */
	assert_int_equal(wr(e, lin + 0x10, 2, CPU_PRIV_SUPERVISOR, 0xBEEF), -1);
	assert_int_equal(env_r16(e, PHYS_T + 0x1010), 0xBEEF);
	assert_true(env_r32(e, pte_addr(lin)) & PTE_D);
	assert_false(env_r32(e, pde_addr(lin)) & PTE_D);
}

static void test_walk_4m(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	/* PDE 2: a 4 MiB page at physical 0, so linear 8 MiB + x is x. */
	uint32_t lin = 0x00800000u;
	env_w32(e, pde_addr(lin), PTE_P | PTE_RW | PTE_PS);
	env_w32(e, PHYS_T + 0x44, 0x11223344u);
	mov_cr(e, 4, MMU_CR4_PSE);

	assert_int_equal(rd_ok(e, lin + PHYS_T + 0x44), 0x11223344u);
	assert_int_equal(env_r32(e, pde_addr(lin)), PTE_P | PTE_RW | PTE_PS | PTE_A);
	assert_int_equal(wr(e, lin + PHYS_T + 0x48, 4, CPU_PRIV_SUPERVISOR, 0x55667788u), -1);
	assert_int_equal(env_r32(e, PHYS_T + 0x48), 0x55667788u);
	assert_int_equal(env_r32(e, pde_addr(lin)), PTE_P | PTE_RW | PTE_PS | PTE_A | PTE_D);
	/* Another 4 KiB piece of the same page, far away. */
	assert_int_equal(rd_ok(e, lin + 0x1234), env_r32(e, 0x1234));

	/* Without CR4.PSE the PS bit is ignored: the PDE names a page table
	 * at physical 0, whose entry 0x81 maps linear 8 MiB + 0x81000. */
	mov_cr(e, 4, 0);
	assert_int_equal(c->cr[4], 0);
	env_w32(e, 0x81 * 4, (PHYS_T + 0x5000) | PTE_P);
	env_w32(e, PHYS_T + 0x5044, 0x99AABBCCu);
	assert_int_equal(rd_ok(e, lin + 0x81044), 0x99AABBCCu);
}

static void test_reserved_bits(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	uint32_t v;
	/* A 4 MiB PDE with bit 13 set (reserved on a Pentium II). */
	uint32_t lin = 0x00800000u;
	env_w32(e, pde_addr(lin), PTE_P | PTE_RW | PTE_US | PTE_PS | (1u << 13));
	mov_cr(e, 4, MMU_CR4_PSE);
	assert_int_equal(rd(e, lin + 8, 4, CPU_PRIV_SUPERVISOR, &v), EXC_PF);
	assert_int_equal(c->exc_err, PF_ERR_P | PF_ERR_RSVD);
	assert_int_equal(c->cr[2], lin + 8);
	assert_int_equal(wr(e, lin, 1, CPU_PRIV_USER, 0), EXC_PF);
	assert_int_equal(c->exc_err, PF_ERR_P | PF_ERR_RSVD | PF_ERR_W | PF_ERR_U);
	/* Nothing was set in the faulting entry. */
	assert_false(env_r32(e, pde_addr(lin)) & PTE_A);

	/* PTE bit 7 is reserved only with CR4.PSE. */
	map(e, LIN, PHYS_T | PTE_P | PTE_RW | PTE_PS);
	assert_int_equal(rd(e, LIN, 4, CPU_PRIV_SUPERVISOR, &v), EXC_PF);
	assert_int_equal(c->exc_err, PF_ERR_P | PF_ERR_RSVD);
	mov_cr(e, 4, 0);
	assert_int_equal(rd(e, LIN, 4, CPU_PRIV_SUPERVISOR, &v), -1);
}

/* --- #PF error codes --------------------------------------------------------------- */

struct pf_case {
	uint32_t pde, pte; /* flags of the PDE (with PT(1)) and the PTE */
	bool user, write, wp;
	int vec;
	uint32_t err;
};

static void test_error_codes(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	const uint32_t P = PTE_P, RW = PTE_RW, US = PTE_US;
	static const struct pf_case cases[] = {
		/* not present */
		{ P | RW | US, 0, false, false, false, EXC_PF, 0 },
		{ P | RW | US, 0, false, true, false, EXC_PF, PF_ERR_W },
		{ P | RW | US, RW | US, true, false, false, EXC_PF, PF_ERR_U },
		{ RW | US, P | RW | US, true, true, false, EXC_PF, PF_ERR_U | PF_ERR_W },
		/* supervisor writes to read-only pages: allowed unless WP */
		{ P | RW | US, P, false, true, false, -1, 0 },
		{ P | RW | US, P, false, true, true, EXC_PF, PF_ERR_P | PF_ERR_W },
		{ P | US, P | RW, false, true, true, EXC_PF, PF_ERR_P | PF_ERR_W },
		{ P | US, P | RW | US, false, true, false, -1, 0 },
		{ P | RW, P | RW, false, true, true, -1, 0 },
		/* user access to supervisor pages, at either level */
		{ P | RW | US, P | RW, true, false, false, EXC_PF, PF_ERR_P | PF_ERR_U },
		{ P | RW, P | RW | US, true, false, false, EXC_PF, PF_ERR_P | PF_ERR_U },
		{ P | RW, P | RW | US, true, true, true, EXC_PF, PF_ERR_P | PF_ERR_U | PF_ERR_W },
		/* user writes: R/W needed at both levels, WP or not */
		{ P | RW | US, P | US, true, true, false, EXC_PF, PF_ERR_P | PF_ERR_U | PF_ERR_W },
		{ P | US, P | RW | US, true, true, false, EXC_PF, PF_ERR_P | PF_ERR_U | PF_ERR_W },
		{ P | RW | US, P | RW | US, true, true, true, -1, 0 },
		{ P | US, P | US, true, false, true, -1, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pf_case *k = &cases[i];
		uint32_t lin = LIN + 0x3000 + (uint32_t)i * 8;
		env_w32(e, pde_addr(lin), PT(1) | k->pde);
		map(e, lin, (PHYS_T + 0x3000) | k->pte);
		c->cr[0] = (c->cr[0] & ~(uint32_t)CR0_WP) | (k->wp ? CR0_WP : 0);
		mmu_flush(c, false);
		c->cr[2] = 0;
		enum cpu_priv priv = k->user ? CPU_PRIV_USER : CPU_PRIV_SUPERVISOR;
		uint32_t v = 0;
		int vec = k->write ? wr(e, lin, 4, priv, 0x1234) : rd(e, lin, 4, priv, &v);
		if (vec != k->vec || (vec == EXC_PF && (c->exc_err != k->err || c->cr[2] != lin)))
			fail_msg("case %zu: vector %d error %#x CR2 %#x; expected %d %#x %#x", i,
				 vec, c->exc_err, c->cr[2], k->vec, k->err, lin);
	}
}

/* A write crossing into a missing page faults with CR2 at that page's
 * first byte and writes nothing, not even the bytes of the first page. */
static void test_page_crossing_write(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	map(e, LIN, PHYS_T | PTE_P | PTE_RW);
	env_w32(e, PHYS_T + 0xFFC, 0x11111111u);
	assert_int_equal(wr(e, LIN + 0xFFE, 4, CPU_PRIV_SUPERVISOR, 0xAABBCCDDu), EXC_PF);
	assert_int_equal(c->cr[2], LIN + 0x1000);
	assert_int_equal(c->exc_err, PF_ERR_W);
	assert_int_equal(env_r32(e, PHYS_T + 0xFFC), 0x11111111u);

	map(e, LIN + 0x1000, (PHYS_T + 0x1000) | PTE_P | PTE_RW);
	assert_int_equal(wr(e, LIN + 0xFFE, 4, CPU_PRIV_SUPERVISOR, 0xAABBCCDDu), -1);
	assert_int_equal(env_r16(e, PHYS_T + 0xFFE), 0xCCDD);
	assert_int_equal(env_r16(e, PHYS_T + 0x1000), 0xAABB);
	uint32_t v;
	assert_int_equal(rd(e, LIN + 0xFFF, 2, CPU_PRIV_SUPERVISOR, &v), -1);
	assert_int_equal(v, 0xBBCC);
}

/* --- TLB flushes ------------------------------------------------------------------ */

static void test_cr3_write_keeps_global(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	uint32_t g = LIN, ng = LIN + 0x1000;
	env_w32(e, PHYS_T + 0x0000, 0x01);
	env_w32(e, PHYS_T + 0x1000, 0x02);
	env_w32(e, PHYS_T + 0x2000, 0x11);
	env_w32(e, PHYS_T + 0x3000, 0x12);
	mov_cr(e, 4, MMU_CR4_PGE);
	map(e, g, PHYS_T | PTE_P | PTE_RW | PTE_G);
	map(e, ng, (PHYS_T + 0x1000) | PTE_P | PTE_RW);
	assert_int_equal(rd_ok(e, g), 0x01);
	assert_int_equal(rd_ok(e, ng), 0x02);

	/* Remapped in memory: the TLB still has the old translations. */
	map(e, g, (PHYS_T + 0x2000) | PTE_P | PTE_RW | PTE_G);
	map(e, ng, (PHYS_T + 0x3000) | PTE_P | PTE_RW);
	assert_int_equal(rd_ok(e, g), 0x01);
	assert_int_equal(rd_ok(e, ng), 0x02);

	/* Rewriting CR3 drops the non-global one only. */
	mov_cr(e, 3, PD);
	assert_int_equal(rd_ok(e, g), 0x01);
	assert_int_equal(rd_ok(e, ng), 0x12);

	/* Clearing CR4.PGE drops everything. */
	mov_cr(e, 4, 0);
	assert_int_equal(rd_ok(e, g), 0x11);

	/* Without PGE the G bit means nothing: CR3 writes drop the page. */
	map(e, g, PHYS_T | PTE_P | PTE_RW | PTE_G);
	mov_cr(e, 3, PD);
	assert_int_equal(rd_ok(e, g), 0x01);
	assert_int_equal(c->cr[3], PD);
}

static void test_invlpg(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	uint32_t a = LIN, b = LIN + 0x1000;
	env_w32(e, PHYS_T + 0x0000, 0x0A);
	env_w32(e, PHYS_T + 0x1000, 0x0B);
	env_w32(e, PHYS_T + 0x2000, 0x1A);
	env_w32(e, PHYS_T + 0x3000, 0x1B);
	mov_cr(e, 4, MMU_CR4_PGE);
	map(e, a, PHYS_T | PTE_P | PTE_G);
	map(e, b, (PHYS_T + 0x1000) | PTE_P);
	assert_int_equal(rd_ok(e, a), 0x0A);
	assert_int_equal(rd_ok(e, b), 0x0B);
	map(e, a, (PHYS_T + 0x2000) | PTE_P | PTE_G);
	map(e, b, (PHYS_T + 0x3000) | PTE_P);

	/* INVLPG drops its page, global or not, and no other. */
	invlpg(e, a + 0x123);
	assert_int_equal(rd_ok(e, a), 0x1A);
	assert_int_equal(rd_ok(e, b), 0x0B);

	/* A 4 MiB page is cached in 4 KiB pieces: INVLPG anywhere in it
	 * drops them all. */
	uint32_t big = 0x00C00000u;
	env_w32(e, pde_addr(big), PTE_P | PTE_RW | PTE_PS);
	mov_cr(e, 4, MMU_CR4_PGE | MMU_CR4_PSE);
	assert_int_equal(rd_ok(e, big + PHYS_T), 0x0A);
	assert_int_equal(rd_ok(e, big + PHYS_T + 0x1000), 0x0B);
	env_w32(e, pde_addr(big), 0x00400000u | PTE_P | PTE_RW | PTE_PS);
	assert_int_equal(rd_ok(e, big + PHYS_T + 0x1000), 0x0B);
	invlpg(e, big + 0x5000);
	/* Now physical 4 MiB + x: past RAM, all ones. */
	assert_int_equal(rd_ok(e, big + PHYS_T + 0x1000), 0xFFFFFFFFu);
	assert_int_equal(rd_ok(e, big + PHYS_T), 0xFFFFFFFFu);

	/* INVLPG is privileged and needs a memory operand. */
	struct x86_insn reg = insn_make(&test_op, 4, 4);
	assert_int_equal(env_exec(e, vmm_invlpg, &reg), EXC_UD);
	set_flat(c, 3);
	struct x86_insn mem = insn_make(&test_op, 4, 4);
	insn_mem(&mem, SEG_DS, X86_NO_REG, X86_NO_REG, 0, (int32_t)a);
	assert_int_equal(env_exec(e, vmm_invlpg, &mem), EXC_GP);
}

/* Changing CR0.WP or CR0.PG flushes the TLB: an entry filled when WP was
 * clear must not let a supervisor write through once it is set. */
static void test_cr0_changes_flush(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	map(e, LIN, PHYS_T | PTE_P | PTE_D);
	assert_int_equal(wr(e, LIN, 4, CPU_PRIV_SUPERVISOR, 1), -1);
	assert_int_equal(wr(e, LIN, 4, CPU_PRIV_SUPERVISOR, 2), -1);
	mov_cr(e, 0, c->cr[0] | CR0_WP);
	assert_int_equal(wr(e, LIN, 4, CPU_PRIV_SUPERVISOR, 3), EXC_PF);
	assert_int_equal(c->exc_err, PF_ERR_P | PF_ERR_W);
	assert_int_equal(env_r32(e, PHYS_T), 2);

	/* Paging off and on again: the TLB starts empty. */
	assert_int_equal(rd_ok(e, LIN), 2);
	assert_true(c->tlb.in_use);
	mov_cr(e, 0, c->cr[0] & ~(uint32_t)CR0_PG);
	assert_false(c->tlb.in_use);
	/* Without paging, linear is physical. */
	assert_int_equal(rd_ok(e, PHYS_T), 2);
	map(e, LIN, (PHYS_T + 0x1000) | PTE_P);
	mov_cr(e, 0, c->cr[0] | CR0_PG);
	assert_int_equal(rd_ok(e, LIN), env_r32(e, PHYS_T + 0x1000));
}

/* The first write through an entry a read filled must walk again and set
 * D; only then may writes go straight to memory. */
static void test_first_write_sets_dirty(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	map(e, LIN, PHYS_T | PTE_P | PTE_RW | PTE_US);
	assert_int_equal(rd_ok(e, LIN), 0);
	struct mmu_tlb_entry *t = mmu_tlb_slot(c, LIN);
	assert_int_equal(t->tag[0], LIN | 0xFFF);
	assert_int_equal(t->tag[MMU_ACC_WRITE], 0);
	assert_false(env_r32(e, pte_addr(LIN)) & PTE_D);

	uint64_t walks = c->tlb.walks;
	assert_int_equal(wr(e, LIN + 4, 4, CPU_PRIV_USER, 7), -1);
	assert_int_equal(c->tlb.walks, walks + 1);
	assert_true(env_r32(e, pte_addr(LIN)) & PTE_D);
	assert_int_equal(t->tag[MMU_ACC_WRITE | MMU_ACC_USER], LIN | 0xFFF);
	assert_int_equal(t->tag[MMU_ACC_WRITE], LIN | 0xFFF);
	assert_int_equal(wr(e, LIN + 8, 4, CPU_PRIV_USER, 8), -1);
	assert_int_equal(c->tlb.walks, walks + 1);
	assert_int_equal(env_r32(e, PHYS_T + 8), 8);

	/* A page whose D bit is already set is writable from the start. */
	map(e, LIN + 0x1000, (PHYS_T + 0x1000) | PTE_P | PTE_RW | PTE_D);
	assert_int_equal(rd_ok(e, LIN + 0x1000), env_r32(e, PHYS_T + 0x1000));
	assert_int_equal(mmu_tlb_slot(c, LIN + 0x1000)->tag[MMU_ACC_WRITE], (LIN + 0x1000) | 0xFFF);
}

/* --- instruction fetch --------------------------------------------------------------- */

/* MOV EAX, 0x12345678 placed across a page boundary whose second page is
 * missing: #PF with CR2 = the second page, the saved EIP at the
 * instruction; once mapped, the instruction runs. */
static void test_page_crossing_fetch(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	map(e, LIN, PHYS_T | PTE_P | PTE_RW);
	static const uint8_t mov_eax[] = { 0xB8, 0x78, 0x56, 0x34, 0x12 };
	phys_write_block(&e->pm, PHYS_T + 0xFFE, mov_eax, 2);
	phys_write_block(&e->pm, PHYS_T + 0x1000, mov_eax + 2, 3);
	c->eip = LIN + 0xFFE;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->exceptions[EXC_PF], 1);
	assert_int_equal(c->cr[2], LIN + 0x1000);
	assert_int_equal(c->eip, PF_HANDLER);
	assert_int_equal(c->regs[REG_ESP], STACK0 - 16);
	assert_int_equal(env_r32(e, STACK0 - 16), 0);           /* error code */
	assert_int_equal(env_r32(e, STACK0 - 12), LIN + 0xFFE); /* EIP */

	map(e, LIN + 0x1000, (PHYS_T + 0x1000) | PTE_P);
	c->eip = LIN + 0xFFE;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->regs[REG_EAX], 0x12345678u);
	assert_int_equal(c->eip, LIN + 0x1003);

	/* Past the CS limit the fetch is #GP(0), even on a missing page. */
	c->seg[SEG_CS].limit = LIN + 0x1FFF;
	c->eip = LIN + 0x2000;
	c->regs[REG_ESP] = STACK0;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->exceptions[EXC_GP], 1);
	assert_int_equal(c->exceptions[EXC_PF], 1);
	assert_int_equal(env_r32(e, STACK0 - 16), 0);
	c->seg[SEG_CS].limit = 0xFFFFFFFFu;

	/* The same bytes wholly in one page need only that page. */
	phys_write_block(&e->pm, PHYS_T + 0x10, mov_eax, sizeof(mov_eax));
	c->regs[REG_EAX] = 0;
	c->eip = LIN + 0x10;
	map(e, LIN + 0x1000, 0);
	mmu_flush(c, false);
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->regs[REG_EAX], 0x12345678u);
}

/* At CPL 3: fetching from a supervisor page is a user-mode #PF; the
 * delivery through the IDT, GDT and TSS (all on supervisor pages) works,
 * since those are supervisor accesses whatever the CPL. */
static void test_user_fetch_and_system_accesses(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	static const uint8_t nop = 0x90;
	phys_write_block(&e->pm, PHYS_T + 0x100, &nop, 1);
	map(e, LIN, PHYS_T | PTE_P | PTE_RW);
	set_flat(c, 3);
	c->regs[REG_ESP] = 0x1000;
	c->eip = LIN + 0x100;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->exceptions[EXC_PF], 1);
	assert_int_equal(c->exceptions[EXC_DF], 0);
	assert_int_equal(c->cr[2], LIN + 0x100);
	assert_int_equal(c->cpl, 0);
	assert_int_equal(c->eip, PF_HANDLER);
	/* Ring 0 stack: error code, EIP, CS, EFLAGS, ESP, SS. */
	assert_int_equal(c->regs[REG_ESP], STACK0 - 24);
	assert_int_equal(env_r32(e, STACK0 - 24), PF_ERR_P | PF_ERR_U);
	assert_int_equal(env_r32(e, STACK0 - 20), LIN + 0x100);
	assert_int_equal(env_r32(e, STACK0 - 16) & 0xFFFF, SEL_CODE3);

	/* A user page runs at CPL 3. */
	map(e, LIN, PHYS_T | PTE_P | PTE_RW | PTE_US);
	mmu_flush(c, false);
	set_flat(c, 3);
	c->eip = LIN + 0x100;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->eip, LIN + 0x101);
	assert_int_equal(c->exceptions[EXC_PF], 1);

	/* A segment load at CPL 3 reads the GDT on its supervisor page (and
	 * sets the accessed bit there); a user read of the same bytes
	 * faults. */
	if (setjmp(c->exc_jmp))
		fail_msg("segment load faulted: vector %d", c->exc_vec);
	cpu_load_seg(c, SEG_DS, SEL_DATA3);
	assert_true(env_r32(e, GDT_BASE + 0x24) & 0x100);
	uint32_t v;
	assert_int_equal(rd(e, GDT_BASE + 0x20, 4, CPU_PRIV_CPL, &v), EXC_PF);
	assert_int_equal(c->exc_err, PF_ERR_P | PF_ERR_U);
	assert_int_equal(rd(e, GDT_BASE + 0x20, 4, CPU_PRIV_SUPERVISOR, &v), -1);
}

/* The code page the run loop checks first is tied to the CPL it was
 * translated for and dropped by INVLPG and flushes. */
static void test_fetch_page_check(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	c->icache = calloc(1, sizeof(struct icache));
	assert_non_null(c->icache);
	static const uint8_t inc_eax = 0x40, inc_ecx = 0x41;
	phys_write_block(&e->pm, PHYS_T + 0x10, &inc_eax, 1);
	phys_write_block(&e->pm, PHYS_T + 0x1010, &inc_ecx, 1);
	map(e, LIN, PHYS_T | PTE_P | PTE_RW);

	/* Supervisor code page: runs at CPL 0, faults at CPL 3. */
	c->eip = LIN + 0x10;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->regs[REG_EAX], 1);
	set_flat(c, 3);
	c->eip = LIN + 0x10;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->exceptions[EXC_PF], 1);
	assert_int_equal(c->regs[REG_EAX], 1);
	assert_int_equal(env_r32(e, STACK0 - 24), PF_ERR_P | PF_ERR_U);

	/* Back at CPL 0: remapped onto other code, seen after INVLPG. */
	set_flat(c, 0);
	c->regs[REG_ESP] = STACK0;
	c->eip = LIN + 0x10;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->regs[REG_EAX], 2);
	map(e, LIN, (PHYS_T + 0x1000) | PTE_P | PTE_RW);
	invlpg(e, LIN);
	c->eip = LIN + 0x10;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->regs[REG_ECX], 1);
	assert_int_equal(c->regs[REG_EAX], 2);

	/* And back after a CR3 write. */
	map(e, LIN, PHYS_T | PTE_P | PTE_RW);
	mov_cr(e, 3, PD); /* through EAX */
	c->regs[REG_EAX] = 2;
	c->eip = LIN + 0x10;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->regs[REG_EAX], 3);
}

/* Code executed through one linear page and rewritten through another
 * that maps the same physical page (its TLB entry filled for writing
 * before the code was decoded) is seen by the next fetch. */
static void test_self_modifying_code_through_alias(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	c->icache = calloc(1, sizeof(struct icache));
	assert_non_null(c->icache);
	uint32_t code = LIN, alias = LIN + 0x5000;
	map(e, code, PHYS_T | PTE_P);
	map(e, alias, PHYS_T | PTE_P | PTE_RW | PTE_D);

	/* MOV AL, 1 written through the alias: a direct write entry. */
	assert_int_equal(wr(e, alias + 0x20, 2, CPU_PRIV_SUPERVISOR, 0x01B0), -1);
	assert_int_not_equal(mmu_tlb_slot(c, alias)->tag[MMU_ACC_WRITE], 0);
	c->eip = code + 0x20;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->regs[REG_EAX] & 0xFF, 1);
	/* Decoding took away the alias's direct writes. */
	assert_int_equal(mmu_tlb_slot(c, alias)->tag[MMU_ACC_WRITE], 0);
	c->eip = code + 0x20;
	c->regs[REG_EAX] = 0;
	assert_int_equal(cpu_step(c), CPU_RUNNING); /* from the cache, through the TLB */
	assert_int_equal(c->regs[REG_EAX] & 0xFF, 1);

	assert_int_equal(wr(e, alias + 0x21, 1, CPU_PRIV_SUPERVISOR, 0x02), -1);
	c->eip = code + 0x20;
	assert_int_equal(cpu_step(c), CPU_RUNNING);
	assert_int_equal(c->regs[REG_EAX] & 0xFF, 2);

	/* A write makes the page plain RAM again (that one went through the
	 * slow path); the next write through the alias restores the direct
	 * write tag. */
	assert_int_equal(wr(e, alias + 0x800, 1, CPU_PRIV_SUPERVISOR, 0x33), -1);
	assert_int_equal(mmu_tlb_slot(c, alias)->tag[MMU_ACC_WRITE], 0);
	assert_int_equal(wr(e, alias + 0x801, 1, CPU_PRIV_SUPERVISOR, 0x44), -1);
	assert_int_not_equal(mmu_tlb_slot(c, alias)->tag[MMU_ACC_WRITE], 0);
	assert_int_equal(env_r16(e, PHYS_T + 0x800), 0x4433);
}

/* --- what a page maps to --------------------------------------------------------------- */

struct mmio_counter {
	unsigned reads, writes;
	uint32_t last;
};

static uint32_t mmio_read(void *opaque, uint32_t addr, unsigned size)
{
	struct mmio_counter *m = opaque;
	m->reads++;
	return 0xA0000000u | addr;
}

static void mmio_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
	struct mmio_counter *m = opaque;
	m->writes++;
	m->last = value;
}

static const struct mmio_ops counter_ops = { mmio_read, mmio_write };

static void test_mmio_past_ram_and_a20(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	struct mmio_counter m = { 0 };
	assert_int_equal(phys_mem_map_mmio(&e->pm, 0xE0000000u, 0x1000, &counter_ops, &m), 0);

	/* MMIO: every access reaches the device, none goes direct. */
	map(e, LIN, 0xE0000000u | PTE_P | PTE_RW | PTE_D);
	assert_int_equal(rd_ok(e, LIN + 0x10), 0xA0000010u);
	assert_int_equal(rd_ok(e, LIN + 0x10), 0xA0000010u);
	assert_int_equal(wr(e, LIN + 0x20, 4, CPU_PRIV_SUPERVISOR, 0x55), -1);
	assert_int_equal(wr(e, LIN + 0x20, 4, CPU_PRIV_SUPERVISOR, 0x66), -1);
	assert_int_equal(m.reads, 2);
	assert_int_equal(m.writes, 2);
	assert_int_equal(m.last, 0x66);
	assert_int_equal(mmu_tlb_slot(c, LIN)->tag[0], 0);

	/* Past RAM: all ones, writes dropped. */
	map(e, LIN + 0x1000, 0x40000000u | PTE_P | PTE_RW);
	assert_int_equal(rd_ok(e, LIN + 0x1000), 0xFFFFFFFFu);
	assert_int_equal(wr(e, LIN + 0x1000, 4, CPU_PRIV_SUPERVISOR, 0), -1);
	assert_int_equal(rd_ok(e, LIN + 0x1000), 0xFFFFFFFFu);

	/* A20 masks the physical address a page maps to. */
	env_w32(e, PHYS_T + 0x2000, 0x2020);
	map(e, LIN + 0x2000, (0x100000u + PHYS_T + 0x2000) | PTE_P);
	e->pm.a20_mask = ~(1u << 20);
	assert_int_equal(rd_ok(e, LIN + 0x2000), 0x2020);

	/* For tools: the translation, with no side effect. */
	uint32_t phys;
	map(e, LIN + 0x3000, (PHYS_T + 0x3000) | PTE_P);
	assert_true(mmu_peek(c, LIN + 0x3123, &phys));
	assert_int_equal(phys, PHYS_T + 0x3123);
	assert_false(env_r32(e, pte_addr(LIN + 0x3000)) & PTE_A);
	map(e, LIN + 0x3000, 0);
	assert_false(mmu_peek(c, LIN + 0x3123, &phys));
}

static void test_cpuid_paging_features(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	struct x86_insn in = insn_make(&test_op, 4, 4);
	c->regs[REG_EAX] = 1;
	assert_int_equal(env_exec(e, vmm_cpuid, &in), -1);
	assert_true(c->regs[REG_EDX] & (1u << 3));  /* PSE */
	assert_true(c->regs[REG_EDX] & (1u << 13)); /* PGE */
	assert_false(c->regs[REG_EDX] & (1u << 6)); /* no PAE */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_walk_4k_accessed_dirty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_4m, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserved_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_codes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_crossing_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cr3_write_keeps_global, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invlpg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cr0_changes_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_write_sets_dirty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_crossing_fetch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_fetch_and_system_accesses, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fetch_page_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_self_modifying_code_through_alias, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mmio_past_ram_and_a20, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpuid_paging_features, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
