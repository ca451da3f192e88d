/* fuzz_insn.c: runs random bytes as code, to show the interpreter survives
 * anything: no crash, no hang, no out-of-bounds access (build with
 * POPEK_SANITIZE=ON to catch those), every cpu_run() returns.
 *
 * Each iteration fills a small RAM with random bytes, points every
 * interrupt vector into the random code, loads random registers and runs a
 * bounded number of instructions, once in real mode, once in flat 32-bit
 * protected mode (a GDT with flat code and data descriptors, an IDT of
 * interrupt gates into the random code), and once in flat 32-bit protected
 * mode with paging (identity-mapped page tables with random holes and
 * rights, 4 MiB and global pages, CR0.WP, at CPL 0 or 3). The I/O bus has
 * no devices. The
 * generator has a fixed seed and each iteration derives its own seed from
 * it, so a failing iteration can be rerun alone (--iter).
 *
 * With --compare (or --compare-portable), every run is done twice, by the
 * interpreter and by the binary translator (its x86-64 or its portable
 * backend) on two machines, and the CPU states and RAM after each
 * cpu_run()/tr_run() must be equal: the first difference is printed and
 * the exit status is 1.
 *
 * Usage: fuzz_insn [ITERATIONS] [--seed S] [--iter K] [--budget N] [-v]
 *                  [--compare | --compare-portable]
 *
 * Built with -DPOPEK_LIBFUZZER (and -fsanitize=fuzzer) it is instead a
 * libFuzzer target whose input is the code to run; compile the core with
 * -fsanitize=fuzzer-no-link too, or libFuzzer sees no coverage.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "translator/translator.h"
#include "vmm/clock.h"
#include "vmm/io_bus.h"
#include "vmm/phys_mem.h"

#define FUZZ_RAM_SIZE (1u << 20)
#define FUZZ_GDT 0x0800u   /* 8 descriptors */
#define FUZZ_IDT 0x1000u   /* 256 gates */
#define FUZZ_TSS 0x1800u   /* 32-bit TSS: the ring-0 stack for CPL 3 runs */
#define FUZZ_PD 0x2000u    /* page directory */
#define FUZZ_PT 0x3000u    /* one page table: linear 0-4 MiB */
#define FUZZ_CODE 0x10000u /* 64 KiB of random code (real mode: CS = 0x1000) */
#define FUZZ_CODE_SIZE 0x10000u
#define FUZZ_WATCHDOG_S 120 /* a whole run taking longer than this is a hang */

enum { SEL_CODE32 = 0x08, SEL_DATA32 = 0x10, SEL_CODE16 = 0x18, SEL_DATA16 = 0x20,
       SEL_CODE32_R3 = 0x2B, SEL_DATA32_R3 = 0x33 };

/* The modes a run can start in. */
enum { MODE_REAL, MODE_FLAT32, MODE_PAGED32, MODE_COUNT };
static const char *const mode_names[MODE_COUNT] = { "real", "flat32", "paged32" };

struct fuzz_machine {
	struct phys_mem pm;
	struct io_bus io;
	struct clock clk;
	struct cpu cpu;
	struct translator *tr; /* runs with the translator when set */
};

struct fuzz_stats {
	uint64_t runs, insns, stops[CPU_STOP_SHUTDOWN + 1], exceptions[32];
};

/* splitmix64: one seed per iteration from (seed, iteration), and a
 * stream of random words from it. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static void fill_random(uint8_t *p, size_t n, uint64_t *s)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t r = rng_next(s);
		memcpy(p + i, &r, 8);
	}
	for (; i < n; i++)
		p[i] = (uint8_t)rng_next(s);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* A code/data descriptor: base, byte-granular limit (G set when it does
 * not fit 20 bits), access byte, and the D/B flag. */
static void put_desc(uint8_t *p, uint32_t base, uint32_t limit, uint8_t access, bool db)
{
	bool g = limit > 0xFFFFF;
	if (g)
		limit >>= 12;
	uint32_t lo = (limit & 0xFFFF) | (base & 0xFFFF) << 16;
	uint32_t hi = ((base >> 16) & 0xFF) | (uint32_t)access << 8 | (limit & 0xF0000) |
		      (db ? 1u << 22 : 0) | (g ? 1u << 23 : 0) | (base & 0xFF000000u);
	put32(p, lo);
	put32(p + 4, hi);
}

/* Random registers; code at a random offset of the random code. */
static void random_regs(struct cpu *cpu, uint64_t *s)
{
	for (int r = 0; r < 8; r++)
		cpu->regs[r] = (uint32_t)rng_next(s);
	uint64_t r = rng_next(s);
	/* Arithmetic flags and DF at random; TF now and then, so single-step
	 * traps get exercised too. IF stays clear: nothing interrupts. */
	cpu->eflags = FLAG_1 | ((uint32_t)r & (FLAGS_ARITH | FLAG_DF));
	if ((r >> 32) % 16 == 0)
		cpu->eflags |= FLAG_TF;
}

static void setup_real(struct fuzz_machine *m, uint64_t *s)
{
	struct cpu *cpu = &m->cpu;
	cpu_reset(cpu);
	random_regs(cpu, s);
	/* Every vector points into the random code. */
	for (uint32_t v = 0; v < 256; v++)
		put32(m->pm.ram + v * 4, (FUZZ_CODE >> 4) << 16 | (uint16_t)rng_next(s));
	cpu_load_seg_real(cpu, SEG_CS, FUZZ_CODE >> 4);
	static const int data_segs[] = { SEG_DS, SEG_ES, SEG_SS, SEG_FS, SEG_GS };
	for (unsigned i = 0; i < sizeof(data_segs) / sizeof(data_segs[0]); i++)
		cpu_load_seg_real(cpu, data_segs[i], (uint16_t)rng_next(s));
	cpu->eip = cpu->next_eip = (uint16_t)rng_next(s);
	cpu_update_mode(cpu);
}

static void setup_flat32(struct fuzz_machine *m, uint64_t *s)
{
	struct cpu *cpu = &m->cpu;
	uint8_t *ram = m->pm.ram;
	cpu_reset(cpu);
	random_regs(cpu, s);
	/* Keep the stack inside RAM so pushes and pops mostly work. */
	cpu->regs[REG_ESP] = FUZZ_CODE + FUZZ_CODE_SIZE +
			     (uint32_t)(rng_next(s) % (FUZZ_RAM_SIZE - FUZZ_CODE - FUZZ_CODE_SIZE));

	memset(ram + FUZZ_GDT, 0, 64);
	put_desc(ram + FUZZ_GDT + SEL_CODE32, 0, 0xFFFFFFFFu, 0x9B, true);
	put_desc(ram + FUZZ_GDT + SEL_DATA32, 0, 0xFFFFFFFFu, 0x93, true);
	put_desc(ram + FUZZ_GDT + SEL_CODE16, FUZZ_CODE, 0xFFFF, 0x9B, false);
	put_desc(ram + FUZZ_GDT + SEL_DATA16, 0, 0xFFFF, 0x93, false);
	cpu->gdtr = (struct dtr){ .base = FUZZ_GDT, .limit = 8 * 8 - 1 };
	/* 32-bit interrupt gates (type 0xE, present, DPL 3 so INT n works from
	 * any level) into the random code. */
	for (uint32_t v = 0; v < 256; v++) {
		uint32_t off = FUZZ_CODE + (uint32_t)(rng_next(s) % FUZZ_CODE_SIZE);
		put32(ram + FUZZ_IDT + v * 8, (off & 0xFFFF) | (uint32_t)SEL_CODE32 << 16);
		put32(ram + FUZZ_IDT + v * 8 + 4, (off & 0xFFFF0000u) | 0xEE00u);
	}
	cpu->idtr = (struct dtr){ .base = FUZZ_IDT, .limit = 256 * 8 - 1 };

	cpu->cr[0] |= CR0_PE;
	cpu->seg[SEG_CS] = (struct seg_cache){
		.sel = SEL_CODE32, .attr = 0xC09B, .base = 0, .limit = 0xFFFFFFFFu
	};
	for (int sg = 0; sg < SEG_COUNT; sg++)
		if (sg != SEG_CS)
			cpu->seg[sg] = (struct seg_cache){
				.sel = SEL_DATA32, .attr = 0xC093, .base = 0, .limit = 0xFFFFFFFFu
			};
	cpu->eip = cpu->next_eip = FUZZ_CODE + (uint32_t)(rng_next(s) % FUZZ_CODE_SIZE);
	cpu_update_mode(cpu);
}

/* Flat 32-bit protected mode with paging: the page directory maps linear
 * 0-4 MiB through one page table onto physical 0-4 MiB (RAM is the first
 * MiB), entry by entry with random holes and rights; the next 4 MiB alias
 * it again, as a 4 MiB page or through the same table. CR4.PSE/PGE and
 * CR0.WP are random, and half the runs start at CPL 3 (with a TSS naming a
 * ring-0 stack so interrupts can reach the ring-0 gates). */
static void setup_paged32(struct fuzz_machine *m, uint64_t *s)
{
	struct cpu *cpu = &m->cpu;
	uint8_t *ram = m->pm.ram;
	setup_flat32(m, s);
	uint64_t r = rng_next(s);
	bool pse = r & 1, pge = r & 2, wp = r & 4, user = r & 8;

	for (uint32_t i = 0; i < 1024; i++) {
		uint64_t f = rng_next(s);
		uint32_t pte = i << 12 | PTE_P | PTE_RW | PTE_US;
		if (f % 16 == 0)
			pte &= ~(uint32_t)PTE_P;
		if ((f >> 8) % 8 == 0)
			pte &= ~(uint32_t)PTE_RW;
		if ((f >> 16) % 8 == 0)
			pte &= ~(uint32_t)PTE_US;
		if ((f >> 24) % 8 == 0)
			pte |= PTE_G;
		if ((f >> 32) % 4 == 0)
			pte |= PTE_A | PTE_D;
		put32(ram + FUZZ_PT + i * 4, pte);
	}
	/* The tables themselves, the GDT, IDT and TSS stay mapped for ring 0:
	 * a fault can still be delivered (random code may overwrite them
	 * anyway). */
	for (uint32_t i = 0; i < FUZZ_PT / 0x1000 + 1; i++)
		put32(ram + FUZZ_PT + i * 4, i << 12 | PTE_P | PTE_RW);
	memset(ram + FUZZ_PD, 0, 0x1000);
	put32(ram + FUZZ_PD, FUZZ_PT | PTE_P | PTE_RW | PTE_US);
	put32(ram + FUZZ_PD + 4, pse ? (PTE_P | PTE_RW | PTE_US | PTE_PS)
				     : (FUZZ_PT | PTE_P | PTE_RW | PTE_US));

	put_desc(ram + FUZZ_GDT + (SEL_CODE32_R3 & ~3), 0, 0xFFFFFFFFu, 0xFB, true);
	put_desc(ram + FUZZ_GDT + (SEL_DATA32_R3 & ~3), 0, 0xFFFFFFFFu, 0xF3, true);
	memset(ram + FUZZ_TSS, 0, 0x68);
	put32(ram + FUZZ_TSS + 4, FUZZ_CODE + FUZZ_CODE_SIZE + (uint32_t)(rng_next(s) % 0x10000));
	put32(ram + FUZZ_TSS + 8, SEL_DATA32);
	cpu->tr = (struct seg_cache){ .sel = 0x38, .attr = 0x8B, .base = FUZZ_TSS, .limit = 0x67 };

	cpu->cr[3] = FUZZ_PD;
	cpu->cr[4] = (pse ? MMU_CR4_PSE : 0) | (pge ? MMU_CR4_PGE : 0);
	cpu->cr[0] |= CR0_PG | (wp ? CR0_WP : 0);
	if (user) {
		cpu->seg[SEG_CS].sel = SEL_CODE32_R3;
		cpu->seg[SEG_CS].attr = 0xC0FB;
		for (int sg = 0; sg < SEG_COUNT; sg++)
			if (sg != SEG_CS)
				cpu->seg[sg] = (struct seg_cache){ .sel = SEL_DATA32_R3,
								   .attr = 0xC0F3,
								   .base = 0,
								   .limit = 0xFFFFFFFFu };
	}
	cpu_update_mode(cpu);
}

/* One run: `code` (when given) replaces the start of the random code and
 * becomes the entry point. */
static void fuzz_run(struct fuzz_machine *m, uint64_t seed, int mode, uint64_t budget,
		     const uint8_t *code, size_t code_len, struct fuzz_stats *st)
{
	uint64_t s = seed;
	bool flat32 = mode != MODE_REAL;
	if (m->tr)
		tr_flush(m->tr); /* RAM is rewritten behind its back below */
	fill_random(m->pm.ram, FUZZ_RAM_SIZE, &s);
	m->pm.a20_mask = 0xFFFFFFFFu;
	if (mode == MODE_PAGED32)
		setup_paged32(m, &s);
	else if (flat32)
		setup_flat32(m, &s);
	else
		setup_real(m, &s);
	if (code) {
		size_t n = code_len < FUZZ_CODE_SIZE ? code_len : FUZZ_CODE_SIZE;
		memcpy(m->pm.ram + FUZZ_CODE, code, n);
		m->cpu.eip = m->cpu.next_eip = flat32 ? FUZZ_CODE : 0;
	}

	uint64_t insns0 = m->clk.insns;
	uint64_t exc0[32];
	memcpy(exc0, m->cpu.exceptions, sizeof(exc0));
	/* A couple of runs, as the dispatcher would do after a HLT or when a
	 * budget runs out. */
	for (int k = 0; k < 2; k++) {
		enum cpu_stop why = m->tr ? tr_run(m->tr, budget) : cpu_run(&m->cpu, budget);
		if (why <= CPU_STOP_SHUTDOWN)
			st->stops[why]++;
		if (m->cpu.exc_nesting) {
			fprintf(stderr,
				"fuzz_insn: cpu_run returned in the middle of delivering "
				"exception %d (seed %#" PRIx64 ")\n",
				m->cpu.exc_nesting - 1, seed);
			abort();
		}
		if (why == CPU_STOP_SHUTDOWN)
			break;
		m->cpu.halted = false; /* as if an interrupt woke it */
	}
	st->runs++;
	st->insns += m->clk.insns - insns0;
	for (int v = 0; v < 32; v++)
		st->exceptions[v] += m->cpu.exceptions[v] - exc0[v];
}

/* --compare: whether two machines ended a run in the same state; prints
 * the first difference. */
static bool fuzz_same(const struct fuzz_machine *a, const struct fuzz_machine *b)
{
	const struct cpu *x = &a->cpu, *y = &b->cpu;
	for (int r = 0; r < 8; r++)
		if (x->regs[r] != y->regs[r]) {
			fprintf(stderr, "fuzz_insn: reg %d: interpreter %08X, translator %08X\n", r,
				x->regs[r], y->regs[r]);
			return false;
		}
	if (x->eip != y->eip || x->eflags != y->eflags || x->halted != y->halted ||
	    memcmp(x->cr, y->cr, sizeof(x->cr)) || a->clk.insns != b->clk.insns) {
		fprintf(stderr,
			"fuzz_insn: interpreter eip %08X eflags %08X cr0 %08X insns %" PRIu64
			"; translator eip %08X eflags %08X cr0 %08X insns %" PRIu64 "\n",
			x->eip, x->eflags, x->cr[0], a->clk.insns, y->eip, y->eflags, y->cr[0],
			b->clk.insns);
		return false;
	}
	for (int sg = 0; sg < SEG_COUNT; sg++)
		if (memcmp(&x->seg[sg], &y->seg[sg], sizeof(x->seg[sg]))) {
			fprintf(stderr, "fuzz_insn: segment %d differs\n", sg);
			return false;
		}
	if (memcmp(x->exceptions, y->exceptions, sizeof(x->exceptions))) {
		fprintf(stderr, "fuzz_insn: exception counts differ\n");
		return false;
	}
	for (uint32_t i = 0; i < FUZZ_RAM_SIZE; i++)
		if (a->pm.ram[i] != b->pm.ram[i]) {
			fprintf(stderr, "fuzz_insn: RAM at %05X: interpreter %02X, translator %02X\n",
				i, a->pm.ram[i], b->pm.ram[i]);
			return false;
		}
	return true;
}

static struct fuzz_machine *fuzz_machine_new(void)
{
	struct fuzz_machine *m = calloc(1, sizeof(*m));
	if (!m || phys_mem_init(&m->pm, FUZZ_RAM_SIZE, false)) {
		free(m);
		return NULL;
	}
	io_bus_init(&m->io);
	clock_init(&m->clk);
	cpu_init(&m->cpu, &m->pm, &m->io, &m->clk);
	return m;
}

#ifdef POPEK_LIBFUZZER
/* libFuzzer: the input is the code; its first byte picks the mode. The
 * machine is made once and reused (libFuzzer calls this millions of
 * times). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_machine *m;
	struct fuzz_stats st = { 0 };
	if (!m)
		m = fuzz_machine_new();
	if (!m || size < 1)
		return 0;
	fuzz_run(m, 1, data[0] % MODE_COUNT, 2000, data + 1, size - 1, &st);
	return 0;
}
#else

static void on_watchdog(int sig)
{
	static const char msg[] = "fuzz_insn: HANG: the run did not finish in time "
				  "(rerun with -v to see the last iteration)\n";
	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

int main(int argc, char **argv)
{
	uint64_t iterations = 1000, seed = 0x706F70656BULL, budget = 2000;
	long only = -1;
	bool verbose = false;
	int compare = 0; /* 1: x86-64 backend (the host's default), 2: portable */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--iter") && i + 1 < argc)
			only = strtol(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--budget") && i + 1 < argc)
			budget = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-v"))
			verbose = true;
		else if (!strcmp(argv[i], "--compare"))
			compare = 1;
		else if (!strcmp(argv[i], "--compare-portable"))
			compare = 2;
		else if (argv[i][0] != '-')
			iterations = strtoull(argv[i], NULL, 0);
		else {
			fprintf(stderr,
				"usage: %s [ITERATIONS] [--seed S] [--iter K] [--budget N] "
				"[-v]\n",
				argv[0]);
			return 2;
		}
	}
	struct fuzz_machine *m = fuzz_machine_new();
	if (!m) {
		fprintf(stderr, "fuzz_insn: out of memory\n");
		return 2;
	}
	struct fuzz_machine *bt = NULL;
	if (compare) {
		bt = fuzz_machine_new();
		struct translator *tr = calloc(1, sizeof(*tr));
		enum tr_backend be = compare == 2 ? TR_BACKEND_PORTABLE : tr_default_backend();
		if (!bt || !tr || tr_init(tr, &bt->cpu, be, 0, 0) != 0) {
			fprintf(stderr, "fuzz_insn: cannot set up the translator\n");
			return 2;
		}
		bt->tr = tr;
	}
	signal(SIGALRM, on_watchdog);
	alarm(FUZZ_WATCHDOG_S);

	struct fuzz_stats st = { 0 };
	for (uint64_t it = 0; it < iterations; it++) {
		if (only >= 0 && it != (uint64_t)only)
			continue;
		uint64_t s = seed ^ (it * 0xD1B54A32D192ED03ULL);
		for (int mode = 0; mode < MODE_COUNT; mode++) {
			if (verbose)
				fprintf(stderr, "iteration %" PRIu64 " %s\n", it,
					mode_names[mode]);
			uint64_t run_seed = rng_next(&s);
			fuzz_run(m, run_seed, mode, budget, NULL, 0, &st);
			if (bt) {
				struct fuzz_stats st2 = { 0 };
				fuzz_run(bt, run_seed, mode, budget, NULL, 0, &st2);
				if (!fuzz_same(m, bt)) {
					fprintf(stderr,
						"fuzz_insn: the engines differ: iteration %" PRIu64
						" %s (rerun with --iter %" PRIu64 ")\n",
						it, mode_names[mode], it);
					return 1;
				}
			}
		}
	}
	alarm(0);

	printf("fuzz_insn: %" PRIu64 " runs, %" PRIu64
	       " instructions retired; stops: budget %" PRIu64 ", halt %" PRIu64
	       ", request %" PRIu64 ", shutdown %" PRIu64 "\n",
	       st.runs, st.insns, st.stops[CPU_STOP_BUDGET], st.stops[CPU_STOP_HALT],
	       st.stops[CPU_STOP_REQUEST], st.stops[CPU_STOP_SHUTDOWN]);
	printf("exceptions:");
	for (int v = 0; v < 32; v++)
		if (st.exceptions[v])
			printf(" #%d:%" PRIu64, v, st.exceptions[v]);
	printf("\n");
	if (bt) {
		printf("translator: %" PRIu64 " blocks, %" PRIu64 " chained, %" PRIu64
		       " invalidated, %" PRIu64 " interpreted instructions: same results\n",
		       bt->tr->stats.blocks, bt->tr->stats.chained, bt->tr->stats.invalidations,
		       bt->tr->stats.interp_insns);
		tr_free(bt->tr);
		free(bt->tr);
		phys_mem_free(&bt->pm);
		free(bt);
	}
	phys_mem_free(&m->pm);
	free(m);
	return 0;
}
#endif
