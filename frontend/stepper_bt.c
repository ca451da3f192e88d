/* stepper_bt.c: continue and until under the binary translator.
 *
 * Stepping is always the interpreter's: one instruction, then a look. But a
 * `continue` under the translator should run translated code, or the
 * engine toggle would change nothing the user can see (the speed, the
 * cache statistics). So a turn of the run loop hands the translator one
 * block at a time (tr_run() with single_block set), cut short, through the
 * instruction budget, just before the first instruction of the block that
 * a breakpoint or catchpoint would stop at. The stop then comes at the same
 * instruction, with the same virtual time, as under the interpreter:
 *
 *   - which instructions the block holds is known before it runs: the
 *     cached block that starts at CS:EIP, or a side translation of the one
 *     the translator is about to make (guest side only, tr_view_sketch());
 *   - a block ends at every instruction rewritten into a VMM call (mode
 *     changes, interrupts flag, ports), so what a catchpoint looks for is
 *     always the last instruction of a block or the first of the next;
 *   - interrupts and exceptions end the turn: single_block stops the
 *     translator's loop after a delivery, at the handler's first
 *     instruction;
 *   - the budget never passes the next device deadline, as in machine_run();
 *   - an instruction that holds off interrupts for one instruction (STI,
 *     loads of SS) is left to machine_step(), see holds_off_interrupts().
 *
 * A watchpoint must name the instruction that wrote, so while one is set
 * continue goes through the interpreter's steps even under the translator.
 * So does anything unusual (the CPU halted, an interrupt or trap pending);
 * code the stepper cannot look at in advance is run one instruction per
 * turn.
 */
#include <string.h>

#include "cpu/opcode_names.h"
#include "frontend/stepper_internal.h"
#include "translator/translator.h"
#include "vmm/clock.h"
#include "vmm/priv.h"

bool stepper_bt_ready(struct stepper *st)
{
	const struct machine *m = st->m;
	const struct cpu *cpu = &m->cpu;
	if (m->engine != MACHINE_ENGINE_BT || !m->tr || m->shadow || cpu->halted)
		return false;
	/* A watchpoint names the instruction that wrote: it is compared after
	 * every instruction, which only the interpreter's steps allow. */
	for (unsigned i = 0; i < st->npoints; i++)
		if (st->point[i].kind == POINT_WATCH)
			return false;
	/* Work for the run loop before the next instruction: the interpreter's
	 * step does it, so a delivery is a turn of its own. (cpu->stop is
	 * left over from the last run; each run starts it afresh.) */
	if (cpu->nmi_pending || cpu->inhibit_intr || cpu->debug || cpu->tr_exit)
		return false;
	return !(cpu->intr && (cpu->eflags & FLAG_IF));
}

/* Instructions that may hold off interrupts for the one after them (STI,
 * and whatever loads SS). The translator's loop checks for interrupts at
 * the boundary after such an instruction as soon as it has run, which uses
 * up the hold-off; a turn that ended there would have the next turn check
 * the same boundary a second time and take an interrupt one instruction
 * early. So turns end before them, and the interpreter's step runs them
 * (and its next step the instruction after, as the hold-off wants). */
static bool holds_off_interrupts(const struct x86_insn *in)
{
	if (in->opcode == 0x17 || in->opcode == 0x1B2 || (in->opcode == 0x8E && in->reg == SEG_SS))
		return true; /* POP SS, LSS, MOV SS */
	const struct vmm_routine_info *r = vmm_routine_lookup(in->op->handler);
	return r && (r->stat == VMM_STAT_STI || r->stat == VMM_STAT_POPF || r->stat == VMM_STAT_IRET ||
		     r->stat == VMM_STAT_FAR || r->stat == VMM_STAT_INT ||
		     r->stat == VMM_STAT_SYSENTER);
}

static bool at_code_addr(const struct code_addr *a, uint16_t sel, uint32_t eip, uint32_t lin)
{
	return a->has_sel ? a->sel == sel && a->off == eip : a->lin == lin;
}

/* The position of the instruction `n` instructions into the block view,
 * counted from the first one (at `start`). */
static struct guest_pos pos_after(const struct guest_pos *start, const struct tr_block_view *v,
				  unsigned n)
{
	struct guest_pos p = *start;
	uint32_t mask = v->code32 ? 0xFFFFFFFFu : 0xFFFFu;
	for (unsigned i = 0; i < n && i < v->n_insns; i++)
		p.eip = (p.eip + v->insn[i].len) & mask;
	p.lin = start->lin - start->eip + p.eip; /* CS as it was: an interrupt may have changed it */
	return p;
}

enum machine_stop stepper_bt_turn(struct stepper *st, const struct code_addr *until,
				  struct turn_pos *tp)
{
	struct machine *m = st->m;
	struct cpu *cpu = &m->cpu;
	struct clock *clk = &m->clock;
	if (m->insn_limit && clk->insns >= m->insn_limit)
		return MACHINE_INSN_LIMIT;
	const struct guest_pos start = tp->last;
	uint64_t max = tp->count ? tp->count : 1;

	/* The block the translator will run from here. */
	struct tr_block_view v;
	bool have = false;
	uint32_t phys;
	if (stepper_lin_to_phys(st, start.lin, &phys)) {
		have = tr_view_cached(m->tr, phys, tr_mode_key(cpu), &v) && v.phys == phys;
		if (!have) {
			if (!st->scratch)
				st->scratch = tr_scratch_new();
			have = tr_view_sketch(st->scratch, cpu, phys, false, &v);
		}
	}
	/* How many of its instructions may run: the first always (the loop
	 * only comes here when it is not a stop), then up to the first one
	 * a stop point or `until` names. */
	uint64_t k = 1;
	if (have && holds_off_interrupts(&v.insn[0])) {
		enum machine_stop why = machine_step(m);
		stepper_push_history(st, &start, tp->code32);
		tp->count = 1;
		return why;
	}
	if (have) {
		for (; k < v.n_insns; k++) {
			struct guest_pos p = pos_after(&start, &v, (unsigned)k);
			if (stepper_would_stop_at(st, &v.insn[k], p.sel, p.eip, p.lin) ||
			    (until && at_code_addr(until, p.sel, p.eip, p.lin)) ||
			    holds_off_interrupts(&v.insn[k]))
				break;
		}
	}
	uint64_t budget = k < max ? k : max;
	uint64_t deadline = clock_next_deadline(clk);
	uint64_t to_deadline =
		deadline > clk->now_ns ? (deadline - clk->now_ns) / CLOCK_NS_PER_INSN : 0;
	if (!to_deadline)
		to_deadline = 1;
	if (budget > to_deadline)
		budget = to_deadline;
	if (m->insn_limit && budget > m->insn_limit - clk->insns)
		budget = m->insn_limit - clk->insns;

	uint64_t insns_before = clk->insns;
	m->tr->single_block = true;
	enum cpu_stop why = tr_run(m->tr, budget);
	m->tr->single_block = false;
	uint64_t ran = clk->insns - insns_before;
	clock_run_due(clk);

	/* What ran: the history of the disassembly pane, and the positions the
	 * stop messages name. */
	unsigned n = have ? (unsigned)(ran < v.n_insns ? ran : v.n_insns) : (ran ? 1u : 0u);
	for (unsigned i = 0; i < n; i++) {
		struct guest_pos p = have ? pos_after(&start, &v, i) : start;
		stepper_push_history(st, &p, tp->code32);
	}
	if (n) {
		tp->last = have ? pos_after(&start, &v, n - 1) : start;
		tp->next = have ? pos_after(&start, &v, n) : start;
	}
	tp->count = ran ? ran : 1;

	if (m->serial[0].quit_requested || m->serial[1].quit_requested)
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
	case CPU_STOP_HALT: /* the next turn (machine_step) waits or ends the run */
	case CPU_STOP_BUDGET:
	case CPU_RUNNING:
		break;
	}
	return MACHINE_SLICE_DONE;
}
