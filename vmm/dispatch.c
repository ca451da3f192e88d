/* dispatch.c: the main loop of a machine.
 *
 * One turn: find the next device deadline, let the CPU run until then (its
 * instruction budget is the time left divided by the virtual instruction
 * time), fire the events that are due, and go round again. A HLT with
 * interrupts enabled skips virtual time to the next deadline; a HLT that
 * nothing can end (interrupts disabled, or no event pending and no device
 * that could raise one) ends the run.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/mmu.h"
#include "vmm/machine.h"

/* A quit asked for from the serial terminal (a clock event polls it, so
 * the CPU's stop field, which each run starts afresh, cannot carry it). */
static bool machine_quit_requested(const struct machine *m)
{
	return m->serial[0].quit_requested || m->serial[1].quit_requested;
}

/* --- --engine check ---------------------------------------------------------
 *
 * Two machines built from one configuration run in lockstep: this one with
 * the translator, m->shadow with the interpreter. Everything is on virtual
 * time, so both see the same device events at the same instruction counts.
 * The translator runs one block (or one instruction it leaves to the
 * interpreter), then the interpreter runs as many instructions as that
 * retired, and the two CPU states must be equal; guest RAM is compared
 * at the end of each slice. The first difference is reported on stderr
 * with both states and the block that ran, m->diverged is set and the
 * run ends with MACHINE_DIVERGED. */

/* The parts of the CPU state both engines must agree on. */
static bool check_same_cpu(const struct cpu *a, const struct cpu *b)
{
	if (memcmp(a->regs, b->regs, sizeof(a->regs)) || a->eip != b->eip ||
	    a->eflags != b->eflags || memcmp(a->cr, b->cr, sizeof(a->cr)) ||
	    a->halted != b->halted || a->cpl != b->cpl)
		return false;
	for (int s = 0; s < SEG_COUNT; s++)
		if (a->seg[s].sel != b->seg[s].sel || a->seg[s].base != b->seg[s].base ||
		    a->seg[s].limit != b->seg[s].limit || a->seg[s].attr != b->seg[s].attr)
			return false;
	return true;
}

static void check_print_cpu(const char *who, const struct cpu *c)
{
	static const char *const rn[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
	static const char *const sn[SEG_COUNT] = {"es", "cs", "ss", "ds", "fs", "gs"};
	fprintf(stderr, "popek: check: %-11s eip=%08X eflags=%08X cpl=%u halted=%d\n", who, c->eip,
		c->eflags, c->cpl, c->halted);
	fprintf(stderr, "popek: check: %-11s", "");
	for (int r = 0; r < 8; r++)
		fprintf(stderr, " %s=%08X", rn[r], c->regs[r]);
	fprintf(stderr, "\npopek: check: %-11s", "");
	for (int s = 0; s < SEG_COUNT; s++)
		fprintf(stderr, " %s=%04X(%08X+%X,%04X)", sn[s], c->seg[s].sel, c->seg[s].base,
			c->seg[s].limit, c->seg[s].attr);
	fprintf(stderr, "\npopek: check: %-11s cr0=%08X cr2=%08X cr3=%08X cr4=%08X\n", "", c->cr[0],
		c->cr[2], c->cr[3], c->cr[4]);
}

/* Reports a divergence after the block that started at `start` (a copy of
 * the CPU state before it). */
static void check_report(struct machine *m, const struct cpu *start, const char *what)
{
	fprintf(stderr, "popek: check: the engines differ (%s) after the block at %04X:%08X, "
			"%llu instructions into the run\n",
		what, start->seg[SEG_CS].sel, start->eip, (unsigned long long)m->clock.insns);
	uint32_t lin = start->seg[SEG_CS].base + start->eip, phys = lin & m->mem.a20_mask;
	if (!(start->cr[0] & CR0_PG) || mmu_peek(&m->cpu, lin, &phys)) {
		uint8_t bytes[16];
		unsigned n = sizeof(bytes);
		phys_read_block(&m->mem, phys, bytes, n);
		fprintf(stderr, "popek: check: code at physical %08X:", phys);
		for (unsigned i = 0; i < n; i++)
			fprintf(stderr, " %02X", bytes[i]);
		fprintf(stderr, "\n");
	}
	check_print_cpu("before", start);
	check_print_cpu("translator", &m->cpu);
	check_print_cpu("interpreter", &m->shadow->cpu);
	m->diverged = true;
}

/* cpu_run() for the check engine: the budget spent block by block, each
 * block replayed on the shadow. */
static enum cpu_stop check_cpu_run(struct machine *m, uint64_t budget)
{
	struct machine *s = m->shadow;
	/* struct cpu is large (TLB, x87): keep the copy off the stack. */
	struct cpu *start = malloc(sizeof(*start));
	if (!start) {
		fprintf(stderr, "popek: check: out of memory\n");
		m->diverged = true;
		return CPU_STOP_REQUEST;
	}
	enum cpu_stop ret = CPU_STOP_BUDGET;
	m->tr->single_block = true;
	for (;;) {
		memcpy(start, &m->cpu, offsetof(struct cpu, exc_jmp));
		uint64_t before = m->clock.insns;
		enum cpu_stop why = tr_run(m->tr, budget);
		uint64_t done = m->clock.insns - before;
		enum cpu_stop swhy = cpu_run(&s->cpu, done);
		if (s->clock.insns != m->clock.insns || !check_same_cpu(&m->cpu, &s->cpu)) {
			check_report(m, start, "CPU state");
			ret = CPU_STOP_REQUEST;
			break;
		}
		if (why != swhy && !(m->tr->block_break && swhy == CPU_STOP_BUDGET)) {
			check_report(m, start, "stop reason");
			ret = CPU_STOP_REQUEST;
			break;
		}
		if (!m->tr->block_break) {
			ret = why;
			break;
		}
		budget -= done < budget ? done : budget;
		if (!budget)
			break;
	}
	free(start);
	return ret;
}

static enum machine_stop machine_run_check(struct machine *m, uint64_t ns)
{
	struct machine *s = m->shadow;
	struct clock *clk = &m->clock;
	uint64_t end = clk->now_ns + ns;
	enum machine_stop ret = MACHINE_SLICE_DONE;

	while (clk->now_ns < end && ret == MACHINE_SLICE_DONE) {
		uint64_t until = clock_next_deadline(clk);
		if (until > end)
			until = end;
		uint64_t budget = until > clk->now_ns ? (until - clk->now_ns) / CLOCK_NS_PER_INSN : 0;
		if (budget == 0)
			budget = 1;
		if (m->insn_limit) {
			if (clk->insns >= m->insn_limit)
				return MACHINE_INSN_LIMIT;
			if (budget > m->insn_limit - clk->insns)
				budget = m->insn_limit - clk->insns;
		}
		enum cpu_stop why = check_cpu_run(m, budget);
		if (m->diverged)
			return MACHINE_DIVERGED;
		clock_run_due(clk);
		clock_run_due(&s->clock);
		if (machine_quit_requested(m))
			return MACHINE_QUIT;
		switch (why) {
		case CPU_STOP_REQUEST:
			if (m->debug.exit_requested)
				ret = MACHINE_DEBUG_EXIT;
			else if (m->reset_requested)
				ret = MACHINE_RESET;
			break;
		case CPU_STOP_SHUTDOWN:
			ret = MACHINE_SHUTDOWN;
			break;
		case CPU_STOP_HALT: {
			if (m->cpu.nmi_pending || ((m->cpu.eflags & FLAG_IF) && m->cpu.intr))
				break;
			uint64_t next = clock_next_deadline(clk);
			if (!((m->cpu.eflags & FLAG_IF) && next != CLOCK_NEVER)) {
				ret = MACHINE_HALTED;
				break;
			}
			uint64_t to = next > end ? end : next;
			clock_skip_to(clk, to);
			clock_skip_to(&s->clock, to);
			if (next > end)
				break;
			clock_run_due(clk);
			clock_run_due(&s->clock);
			break;
		}
		case CPU_STOP_BUDGET:
		case CPU_RUNNING:
			break;
		}
		if (ret == MACHINE_SLICE_DONE && m->insn_limit && clk->insns >= m->insn_limit)
			ret = MACHINE_INSN_LIMIT;
	}
	/* Guest RAM, once per slice. */
	if (m->mem.ram_size == s->mem.ram_size && memcmp(m->mem.ram, s->mem.ram, m->mem.ram_size)) {
		uint32_t a = 0;
		while (a < m->mem.ram_size && m->mem.ram[a] == s->mem.ram[a])
			a++;
		fprintf(stderr, "popek: check: guest RAM differs at %08X (translator %02X, "
				"interpreter %02X) by the end of the slice\n",
			a, m->mem.ram[a], s->mem.ram[a]);
		check_print_cpu("translator", &m->cpu);
		check_print_cpu("interpreter", &s->cpu);
		m->diverged = true;
		return MACHINE_DIVERGED;
	}
	return ret;
}

enum machine_stop machine_run(struct machine *m, uint64_t ns)
{
	if (m->shadow)
		return machine_run_check(m, ns);
	struct cpu *cpu = &m->cpu;
	struct clock *clk = &m->clock;
	uint64_t end = clk->now_ns + ns;

	while (clk->now_ns < end) {
		uint64_t until = clock_next_deadline(clk);
		if (until > end)
			until = end;
		uint64_t budget = until > clk->now_ns ? (until - clk->now_ns) / CLOCK_NS_PER_INSN : 0;
		if (budget == 0)
			budget = 1;
		if (m->insn_limit) {
			if (clk->insns >= m->insn_limit)
				return MACHINE_INSN_LIMIT;
			if (budget > m->insn_limit - clk->insns)
				budget = m->insn_limit - clk->insns;
		}

		enum cpu_stop why = m->tr ? tr_run(m->tr, budget) : cpu_run(cpu, budget);
		clock_run_due(clk);
		if (machine_quit_requested(m))
			return MACHINE_QUIT;

		switch (why) {
		case CPU_STOP_REQUEST:
			if (m->debug.exit_requested)
				return MACHINE_DEBUG_EXIT;
			if (m->reset_requested)
				return MACHINE_RESET;
			break;
		case CPU_STOP_SHUTDOWN:
			return MACHINE_SHUTDOWN;
		case CPU_STOP_HALT: {
			/* Only an NMI or an interrupt can end a HLT; one that is
			 * already pending ends it now, without skipping time. */
			if (cpu->nmi_pending || ((cpu->eflags & FLAG_IF) && cpu->intr))
				break;
			uint64_t next = clock_next_deadline(clk);
			bool can_wake = cpu->nmi_pending ||
					((cpu->eflags & FLAG_IF) && (cpu->intr || next != CLOCK_NEVER));
			if (!can_wake)
				return MACHINE_HALTED;
			if (next > end) {
				clock_skip_to(clk, end);
				return MACHINE_SLICE_DONE;
			}
			clock_skip_to(clk, next);
			clock_run_due(clk);
			if (machine_quit_requested(m))
				return MACHINE_QUIT;
			break;
		}
		case CPU_STOP_BUDGET:
		case CPU_RUNNING:
			break;
		}
		if (m->insn_limit && clk->insns >= m->insn_limit)
			return MACHINE_INSN_LIMIT;
	}
	return MACHINE_SLICE_DONE;
}

/* One instruction at a time, for the stepper: the same turn as
 * machine_run() with a budget of one, so that devices keep ticking on
 * virtual time while a user walks through the guest. A step may deliver an
 * interrupt instead of executing an instruction; a step of a halted CPU
 * skips idle time to the next device deadline (after which the next step
 * takes the interrupt), or ends with MACHINE_HALTED when nothing can wake
 * it. */
enum machine_stop machine_step(struct machine *m)
{
	struct cpu *cpu = &m->cpu;
	struct clock *clk = &m->clock;
	if (m->insn_limit && clk->insns >= m->insn_limit)
		return MACHINE_INSN_LIMIT;

	enum cpu_stop why = cpu_step(cpu);
	clock_run_due(clk);
	if (machine_quit_requested(m))
		return MACHINE_QUIT;
	switch (why) {
	case CPU_STOP_REQUEST:
		if (m->debug.exit_requested)
			return MACHINE_DEBUG_EXIT;
		if (m->reset_requested)
			return MACHINE_RESET;
		break;
	case CPU_STOP_SHUTDOWN:
		return MACHINE_SHUTDOWN;
	case CPU_STOP_HALT: {
		if (cpu->nmi_pending || ((cpu->eflags & FLAG_IF) && cpu->intr))
			break;
		uint64_t next = clock_next_deadline(clk);
		if (!((cpu->eflags & FLAG_IF) && next != CLOCK_NEVER))
			return MACHINE_HALTED;
		clock_skip_to(clk, next);
		clock_run_due(clk);
		if (machine_quit_requested(m))
			return MACHINE_QUIT;
		break;
	}
	case CPU_STOP_BUDGET:
	case CPU_RUNNING:
		break;
	}
	return MACHINE_SLICE_DONE;
}
