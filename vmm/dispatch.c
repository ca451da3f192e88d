/* dispatch.c: the main loop of a machine.
 *
 * One turn: find the next device deadline, let the CPU run until then (its
 * instruction budget is the time left divided by the virtual instruction
 * time), fire the events that are due, and go round again. A HLT with
 * interrupts enabled skips virtual time to the next deadline; a HLT that
 * nothing can end (interrupts disabled, or no event pending and no device
 * that could raise one) ends the run.
 */
#include "vmm/check.h"
#include "vmm/machine.h"

/* A quit asked for from the serial terminal (a clock event polls it, so
 * the CPU's stop field, which each run starts afresh, cannot carry it). */
static bool machine_quit_requested(const struct machine *m)
{
	return m->serial[0].quit_requested || m->serial[1].quit_requested;
}

enum machine_stop machine_run(struct machine *m, uint64_t ns)
{
	if (m->check)
		return check_run(m, ns); /* --engine check: vmm/check.c */
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
