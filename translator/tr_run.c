/* tr_run.c: the translator's dispatcher, and the portable backend.
 *
 * tr_run() is cpu_run() with blocks: the same frame (cpu_run_engine() in
 * cpu/exec.c: budget, exceptions unwound by longjmp and delivered, HLT)
 * around a loop that, between blocks, does what the interpreter's loop does
 * between instructions (a pending #DB trap, NMI or interrupt, the budget),
 * then finds the block at CS:EIP by its physical address and mode,
 * translates it on a miss, runs it, and chains the exit it left by to the
 * block that follows when both lie on the same page.
 *
 * The interpreter runs, one instruction at a time, whatever the translator
 * does not: code under single-step (TF) or with breakpoints armed, an
 * instruction that crosses a page or lies in MMIO, and a block whose entry
 * check fails (the interpreter then raises the fault).
 *
 * The portable backend (TR_BACKEND_PORTABLE) runs the same blocks with a C
 * loop doing what the emitted code does, chaining included, so it can be
 * compared with the x86-64 backend on any host.
 */
#include <string.h>

#include "cpu/access.h"
#include "cpu/debug.h"
#include "translator/tr_internal.h"

/* Called from a block when the attention word is set: whether the run
 * loop has something to do before the next instruction (so the block must
 * be left), as opposed to an interrupt line that is up while IF is clear,
 * which the interpreter also lets pass. */
bool tr_attention_exit(struct cpu *cpu);
bool tr_attention_exit(struct cpu *cpu)
{
	if (cpu->stop != CPU_RUNNING || cpu->nmi_pending || cpu->inhibit_intr || cpu->debug ||
	    cpu->tr_exit)
		return true;
	return cpu->intr && (cpu->eflags & FLAG_IF);
}

/* The portable backend: runs `b` and, through chained exits, its
 * successors, exactly as the emitted code would. */
static struct tr_exit *tr_exec_portable(struct cpu *cpu, struct tr_block *b)
{
	const struct seg_cache *cs = &cpu->seg[SEG_CS];
	for (;;) {
		uint32_t mask = (b->mode & 1) ? 0xFFFFFFFFu : 0xFFFFu;
		uint64_t last = (uint64_t)cpu->eip + b->len - 1;
		if (last > cs->limit || last > mask)
			return &b->exit_noentry;
		uint32_t entry_lin = cs->base + cpu->eip;
		for (unsigned i = 0; i < b->n_insns; i++) {
			const struct x86_insn *in = &b->insn[i];
			uint32_t next = (cpu->eip + in->len) & mask;
			cpu->next_eip = next;
			in->handler(cpu, in);
			cpu->eip = cpu->next_eip;
			if (--cpu->insn_budget == 0)
				return &b->exit_nochain;
			if (i + 1 < b->n_insns && cpu->eip != next)
				return &b->exit_nochain;
			if (cpu->attention && tr_attention_exit(cpu))
				return &b->exit_nochain;
		}
		if (!b->n_exits)
			return &b->exit_nochain;
		uint32_t lin = cs->base + cpu->eip;
		if ((lin ^ entry_lin) & ~(PHYS_PAGE_SIZE - 1))
			return &b->exit_nochain;
		struct tr_exit *x = NULL;
		for (unsigned j = 0; j < b->n_exits; j++)
			if (b->exits[j].target_off == (lin & (PHYS_PAGE_SIZE - 1)))
				x = &b->exits[j];
		if (!x)
			return &b->exit_nochain;
		if (!x->to)
			return x;
		b = x->to;
	}
}

/* The block for CS:EIP in the current mode, translated if need be, or NULL
 * when the interpreter must run the instruction. With paging, finding the
 * physical address is the instruction fetch's translation, which may raise
 * #PF exactly as the interpreter's fetch would. */
static struct tr_block *tr_find(struct translator *t, struct cpu *cpu)
{
	const struct seg_cache *cs = &cpu->seg[SEG_CS];
	uint32_t phys;
	if (!(cpu->cr[0] & CR0_PG)) {
		phys = (cs->base + cpu->eip) & cpu->mem->a20_mask;
	} else {
		if (cpu->eip > cs->limit)
			return NULL; /* #GP, raised by the interpreter's fetch */
		uint32_t lin = cs->base + cpu->eip;
		if (!mmu_fetch_cached(cpu, lin, &phys))
			phys = mmu_translate_fetch(cpu, lin);
	}
	t->stats.lookups++;
	struct tr_block *b = tr_lookup(t, phys, tr_mode_key(cpu));
	if (b) {
		t->stats.hits++;
		return b;
	}
	return tr_translate(t, phys);
}

/* For cut_to_budget (the check engine's replay): a copy of the first `n`
 * instructions of `b` as a block of their own, emitted afresh (so the
 * flags the cut block leaves are all live, as at any block end), in
 * neither the hash table nor its page's list and without chainable exits:
 * it is run once. NULL when the caches have no room even after a flush. */
static struct tr_block *tr_cut(struct translator *t, const struct tr_block *b, unsigned n)
{
	struct x86_insn insn[TR_MAX_BLOCK_INSNS];
	memcpy(insn, b->insn, n * sizeof(*insn));
	uint32_t phys = b->phys, mode = b->mode, len = 0;
	for (unsigned i = 0; i < n; i++)
		len += insn[i].len;
	size_t need = (sizeof(struct tr_block) + n * sizeof(struct x86_insn) + 15) & ~(size_t)15;
	for (int attempt = 0; attempt < 2; attempt++) {
		if (attempt || t->meta_used + need > t->meta_size)
			tr_flush(t); /* b is gone now: only the copy is used */
		if (t->meta_used + need > t->meta_size)
			return NULL;
		struct tr_block *c = (struct tr_block *)(t->meta + t->meta_used);
		memset(c, 0, sizeof(*c));
		c->phys = phys;
		c->mode = mode;
		c->len = (uint16_t)len;
		c->n_insns = (uint16_t)n;
		c->end = TR_END_LIMIT;
		memcpy(c->insn, insn, n * sizeof(*insn));
		c->exit_nochain = (struct tr_exit){.owner = c, .kind = TR_EXIT_NOCHAIN};
		c->exit_noentry = (struct tr_exit){.owner = c, .kind = TR_EXIT_NOENTRY};
		if (t->backend == TR_BACKEND_X64 && !tr_emit_block(t, c))
			continue;
		t->meta_used += need;
		return c;
	}
	return NULL;
}

/* Whether block `b`, entered at linear address `entry`, holds an
 * instruction starting at linear address `lin` (the test_corrupt hook). */
static bool tr_block_holds(const struct tr_block *b, uint32_t entry, uint32_t lin)
{
	uint32_t a = entry;
	for (unsigned i = 0; i < b->n_insns; a += b->insn[i++].len)
		if (a == lin)
			return true;
	return false;
}

static void tr_interp_one(struct translator *t, struct cpu *cpu)
{
	t->stats.interp_insns++;
	cpu_exec_one(cpu);
}

static void tr_loop(struct cpu *cpu, void *opaque)
{
	struct translator *t = opaque;
	/* The chainable exit the last block left by, to patch once the block
	 * it leads to is known. */
	struct tr_exit *pending = NULL;
	for (;;) {
		if (cpu->attention) {
			if (cpu->stop != CPU_RUNNING)
				break;
			cpu->tr_exit = 0;
			pending = NULL;
			if ((cpu->debug & DEBUG_TRAP) && cpu_debug_deliver_trap(cpu))
				continue;
			if (cpu_take_interrupt(cpu))
				continue;
			if (cpu->debug)
				cpu_debug_before_insn(cpu);
		}
		if (t->single_block && t->ran_block) {
			t->block_break = true;
			cpu->stop = CPU_STOP_BUDGET;
			break;
		}
		if (!cpu->insn_budget) {
			cpu->stop = CPU_STOP_BUDGET;
			break;
		}
		t->ran_block = true;
		if (cpu->debug) {
			/* Breakpoints armed or RF set: the interpreter checks
			 * each instruction. */
			pending = NULL;
			tr_interp_one(t, cpu);
			continue;
		}
		if (cpu->eflags & FLAG_TF) {
			pending = NULL;
			tr_interp_one(t, cpu);
			continue;
		}
		struct tr_block *b = tr_find(t, cpu);
		if (!b) {
			pending = NULL;
			tr_interp_one(t, cpu);
			continue;
		}
		if (pending && !pending->to && !pending->owner->dead && pending->owner->mode == b->mode &&
		    (pending->owner->phys >> PHYS_PAGE_SHIFT) == (b->phys >> PHYS_PAGE_SHIFT) &&
		    pending->target_off == (b->phys & (PHYS_PAGE_SIZE - 1)))
			tr_chain(t, pending, b);
		pending = NULL;
		if (t->cut_to_budget && b->n_insns > cpu->insn_budget) {
			b = tr_cut(t, b, (unsigned)cpu->insn_budget);
			if (!b) {
				tr_interp_one(t, cpu);
				continue;
			}
		}
		uint32_t entry_lin = cpu->seg[SEG_CS].base + cpu->eip;
		struct tr_exit *x;
		if (t->backend == TR_BACKEND_X64) {
			/* Emitted code finds this block from now on without
			 * coming back here (indirect branches, other pages). */
			if (!t->cut_to_budget)
				t->jump[tr_jump_index(b->phys)] = (struct tr_jump){
					.phys = b->phys, .mode = b->mode, .code = b->code};
			x = (struct tr_exit *)t->enter(cpu, b->code);
		} else {
			x = tr_exec_portable(cpu, b);
		}
		if (t->test_corrupt && x->kind != TR_EXIT_NOENTRY &&
		    tr_block_holds(b, entry_lin, t->test_corrupt_lin))
			cpu->regs[REG_EAX] ^= 1;
		/* A block that could not start (the budget does not hold it,
		 * or it crosses the CS limit): the interpreter runs its first
		 * instruction, if any budget is left. (Cutting, a successor the
		 * budget does not hold is cut at the next turn instead.) */
		if (x->kind == TR_EXIT_NOENTRY && cpu->insn_budget &&
		    !(t->cut_to_budget && x->owner != b))
			tr_interp_one(t, cpu);
		else if (x->kind == TR_EXIT_CHAIN)
			pending = x;
	}
}

enum cpu_stop tr_run(struct translator *t, uint64_t budget)
{
	struct cpu *cpu = t->cpu;
	cpu->tr_exit = 0;
	t->ran_block = t->block_break = false;
	return cpu_run_engine(cpu, budget, tr_loop, t);
}
