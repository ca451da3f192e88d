/* test_stepper_mem.c: the stepper's side-effect-free view of guest memory
 * (frontend/stepper_mem.c). Its page walk must agree with the CPU's own
 * (mmu_peek) on 4 KiB pages, 4 MiB pages, missing entries, reserved bits
 * and the A20 mask, and looking must change nothing: no accessed bits, no
 * TLB fills, no MMIO reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cpu/mmu.h"
#include "frontend/stepper_internal.h"

#define PD 0x10000u
#define PT 0x11000u

struct fixture {
	struct machine m;
	struct stepper st;
	uint8_t bios[65536];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	memset(f->bios, 0xF4, sizeof(f->bios)); /* HLT everywhere */
	struct machine_config cfg = {.ram_mb = 16, .bios = f->bios, .bios_size = sizeof(f->bios),
				     .exit_port = -1};
	char err[128];
	if (machine_init(&f->m, &cfg, err, sizeof(err)) < 0)
		fail_msg("machine_init: %s", err);
	f->st.m = &f->m; /* the memory view needs nothing else */
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	machine_free(&f->m);
	free(f);
	return 0;
}

static void put32(struct machine *m, uint32_t addr, uint32_t v)
{
	phys_write_block(&m->mem, addr, &v, 4);
}

static uint32_t get32(struct machine *m, uint32_t addr)
{
	uint32_t v;
	phys_read_block(&m->mem, addr, &v, 4);
	return v;
}

/* A small page table: PDE 0 -> PT (4 KiB pages), PDE 1 a 4 MiB page, PDE 2
 * a 4 MiB page with a reserved bit, PDE 3 missing; in PT, page n maps to
 * 0x200000 + n * 0x3000, every third missing, one with bit 7 set. */
static void build_tables(struct machine *m, bool pse)
{
	struct cpu *cpu = &m->cpu;
	for (unsigned i = 0; i < 1024; i++)
		put32(m, PD + i * 4, 0);
	put32(m, PD + 0 * 4, PT | PTE_P | PTE_RW);
	put32(m, PD + 1 * 4, 0x00800000u | PTE_P | PTE_RW | PTE_PS);
	put32(m, PD + 2 * 4, 0x00C00000u | 0x2000u | PTE_P | PTE_PS);
	for (unsigned i = 0; i < 1024; i++)
		put32(m, PT + i * 4, i % 3 == 2 ? 0 : (0x200000u + i * 0x3000u) | PTE_P);
	put32(m, PT + 7 * 4, 0x300000u | PTE_P | PTE_PS);
	cpu->cr[3] = PD;
	cpu->cr[4] = pse ? CR4_PSE : 0;
	cpu->cr[0] |= CR0_PE | CR0_PG;
	mmu_flush(cpu, false);
}

static void compare_walks(struct fixture *f)
{
	struct cpu *cpu = &f->m.cpu;
	uint64_t walks = cpu->tlb.walks;
	uint32_t pd0 = get32(&f->m, PD), pte0 = get32(&f->m, PT);
	/* Every page of the first 16 MiB, at an odd offset, and beyond. */
	for (uint32_t lin = 0x123; lin < 0x01000000u; lin += 0x1000) {
		uint32_t want = 0, got = 0;
		bool ok_want = mmu_peek(cpu, lin, &want);
		bool ok_got = stepper_lin_to_phys(&f->st, lin, &got);
		if (ok_want != ok_got || (ok_want && want != got))
			fail_msg("linear %08X: mmu_peek %d %08X, stepper %d %08X", lin, ok_want, want,
				 ok_got, got);
	}
	/* Looking set no accessed bits and filled no TLB entry. */
	assert_int_equal(get32(&f->m, PD), pd0);
	assert_int_equal(get32(&f->m, PT), pte0);
	assert_int_equal(cpu->tlb.walks, walks);
}

static void test_walk_matches_mmu_with_pse(void **state)
{
	struct fixture *f = *state;
	build_tables(&f->m, true);
	compare_walks(f);
	struct stepper_walk w;
	stepper_walk(&f->st, 0x00412345u, &w); /* PDE 1 */
	assert_true(w.paging && w.large && w.mapped);
	assert_int_equal(w.phys, 0x00812345u);
	stepper_walk(&f->st, 0x00812345u, &w); /* PDE 2 */
	assert_true(w.large && w.reserved && !w.mapped);
	stepper_walk(&f->st, 0x00C00000u, &w); /* PDE 3 */
	assert_true(w.pde_ok && !(w.pde & PTE_P) && !w.mapped);
	stepper_walk(&f->st, 0x00007123u, &w);
	assert_true(!w.large && w.reserved && !w.mapped); /* PTE bit 7 with PSE */
	stepper_walk(&f->st, 0x00002000u, &w);
	assert_true(w.pte_ok && !(w.pte & PTE_P) && !w.mapped);
	assert_int_equal(w.pte_addr, PT + 2 * 4);
}

static void test_walk_matches_mmu_without_pse(void **state)
{
	struct fixture *f = *state;
	build_tables(&f->m, false);
	compare_walks(f);
	/* Without PSE, PDE 1's PS bit is ignored: it names a page table. */
	struct stepper_walk w;
	stepper_walk(&f->st, 0x00400000u, &w);
	assert_false(w.large);
}

static void test_walk_with_a20_off(void **state)
{
	struct fixture *f = *state;
	build_tables(&f->m, true);
	machine_set_a20(&f->m, A20_KBC, false);
	machine_set_a20(&f->m, A20_PORT92, false);
	compare_walks(f);
	f->m.cpu.cr[0] &= ~CR0_PG;
	uint32_t phys;
	assert_true(stepper_lin_to_phys(&f->st, 0x00123456u, &phys));
	assert_int_equal(phys, 0x00023456u);
}

static void test_peek_never_reads_mmio(void **state)
{
	struct fixture *f = *state;
	uint8_t b = 0x5A;
	/* The VGA window is MMIO: not read (a read could load the latches). */
	assert_false(stepper_peek_phys(&f->st, 0xA0000u, &b));
	assert_int_equal(b, 0x5A);
	/* Unmapped space above RAM is not readable either. */
	assert_false(stepper_peek_phys(&f->st, 0x40000000u, &b));
	/* RAM and ROM are. */
	put32(&f->m, 0x1000, 0x11223344u);
	assert_true(stepper_peek_phys(&f->st, 0x1001, &b));
	assert_int_equal(b, 0x33);
	assert_true(stepper_peek_phys(&f->st, 0xFFFF0u, &b));
	assert_int_equal(b, 0xF4);
	/* A read crossing into device memory stops there. */
	uint8_t buf[8];
	assert_int_equal(stepper_read_lin(&f->st, 0x9FFFCu, buf, 8), 4);
}

static void test_read_desc_limits(void **state)
{
	struct fixture *f = *state;
	put32(&f->m, 0x2000, 0x0000FFFFu);
	put32(&f->m, 0x2004, 0x00CF9A00u);
	uint32_t lo, hi;
	assert_true(stepper_read_desc(&f->st, 0x2000, 0x7, 0, &lo, &hi));
	assert_int_equal(hi, 0x00CF9A00u);
	assert_false(stepper_read_desc(&f->st, 0x2000, 0x6, 0, &lo, &hi));
	assert_false(stepper_read_desc(&f->st, 0x2000, 0xFFFF, 0x2000, &lo, &hi));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_walk_matches_mmu_with_pse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_matches_mmu_without_pse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_with_a20_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peek_never_reads_mmio, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_desc_limits, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
