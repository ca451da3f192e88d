/* headless.c: the batch run loop. It runs the machine in slices of virtual
 * time, checks the host-time limit between slices (the only place the host
 * clock is read, so runs stay deterministic), and turns the reason the
 * machine stopped into a one-line message and an exit status. */
#include "frontend/headless.h"

#include <stdio.h>
#include <time.h>

#include "vmm/priv.h"

/* 10 ms of virtual time (a million instructions) per slice. */
#define SLICE_NS 10000000ull

static double host_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void print_stats(const struct machine *m, double host_s)
{
	const struct cpu *cpu = &m->cpu;
	const struct clock *clk = &m->clock;
	fprintf(stderr, "popek: instructions retired: %llu\n", (unsigned long long)clk->insns);
	fprintf(stderr, "popek: virtual time: %.6f s (idle %.6f s); host time: %.3f s\n",
		clk->now_ns / 1e9, clk->idle_ns / 1e9, host_s);
	if (host_s > 0)
		fprintf(stderr, "popek: guest MIPS: %.1f\n", clk->insns / host_s / 1e6);
	for (int i = 0; i < VMM_STAT_COUNT; i++)
		if (cpu->vmm_calls[i])
			fprintf(stderr, "popek: vmm %s: %llu\n", vmm_stat_names[i],
				(unsigned long long)cpu->vmm_calls[i]);
	for (int v = 0; v < 32; v++)
		if (cpu->exceptions[v])
			fprintf(stderr, "popek: exception %d: %llu\n", v,
				(unsigned long long)cpu->exceptions[v]);
	fprintf(stderr, "popek: hardware interrupts: %llu\n", (unsigned long long)cpu->interrupts);
}

int headless_run(struct machine *m, const struct options *o)
{
	double start = host_seconds();
	m->insn_limit = o->max_insns;
	int status;
	const struct cpu *cpu = &m->cpu;

	for (;;) {
		enum machine_stop why = machine_run(m, SLICE_NS);
		if (why == MACHINE_SLICE_DONE) {
			if (o->timeout_s > 0 && host_seconds() - start >= o->timeout_s) {
				fprintf(stderr, "popek: timeout after %g s (%llu instructions)\n",
					o->timeout_s, (unsigned long long)m->clock.insns);
				status = EXIT_TIMEOUT;
				break;
			}
			continue;
		}
		if (why == MACHINE_DEBUG_EXIT) {
			status = m->debug.exit_status;
			fprintf(stderr, "popek: guest wrote to the debug-exit port: exit status %d\n",
				status & 0xFF);
		} else if (why == MACHINE_HALTED) {
			fprintf(stderr,
				"popek: guest halted with interrupts disabled at %04X:%08X\n",
				cpu->seg[SEG_CS].sel, cpu->eip);
			status = EXIT_GUEST_HALTED;
		} else if (why == MACHINE_QUIT) {
			status = 0; /* the serial backend has said so already */
		} else if (why == MACHINE_RESET) {
			fprintf(stderr, "popek: guest requested a system reset at %04X:%08X\n",
				cpu->seg[SEG_CS].sel, cpu->eip);
			status = EXIT_GUEST_RESET;
		} else if (why == MACHINE_SHUTDOWN) {
			fprintf(stderr, "popek: guest triple fault (shutdown) at %04X:%08X\n",
				cpu->seg[SEG_CS].sel, cpu->eip);
			status = EXIT_GUEST_RESET;
		} else {
			fprintf(stderr, "popek: instruction limit of %llu reached at %04X:%08X\n",
				(unsigned long long)o->max_insns, cpu->seg[SEG_CS].sel, cpu->eip);
			status = EXIT_INSN_LIMIT;
		}
		break;
	}
	if (o->stats)
		print_stats(m, host_seconds() - start);
	return status;
}
