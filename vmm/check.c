/* check.c: --engine check (check.h says how it works): the lockstep loop,
 * the shadow's write log, and the replay that finds the first instruction
 * on which the translator and the interpreter disagree.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu/mmu.h"
#include "vmm/check.h"

/* The architectural part of struct cpu: everything before the exception
 * frame (registers, segments, control registers, run state). The x87 is
 * copied beside it; the rest are pointers, statistics and the TLB. */
#define CHECK_HEAD offsetof(struct cpu, exc_jmp)

static void check_cpu_copy(struct cpu *dst, const struct cpu *src)
{
	memcpy(dst, src, CHECK_HEAD);
	dst->fpu = src->fpu;
}

/* --- the shadow's write log --------------------------------------------------- */

static bool check_is_ram(const struct phys_mem *pm, const uint8_t *host)
{
	return host && host >= pm->ram && host < pm->ram + pm->ram_size;
}

/* Makes room for one more undo record of `len` bytes. */
static bool check_undo_room(struct check *c, uint32_t len)
{
	if (c->n_undo == c->cap_undo) {
		size_t cap = c->cap_undo ? c->cap_undo * 2 : 256;
		struct check_undo *u = realloc(c->undo, cap * sizeof(*u));
		if (!u)
			return false;
		c->undo = u;
		c->cap_undo = cap;
	}
	if (c->old_used + len > c->old_cap) {
		size_t cap = c->old_cap ? c->old_cap * 2 : 4096;
		while (cap < c->old_used + len)
			cap *= 2;
		uint8_t *o = realloc(c->old, cap);
		if (!o)
			return false;
		c->old = o;
		c->old_cap = cap;
	}
	return true;
}

/* phys_mem's code_write hook on the shadow, called before each write to a
 * trapped page (never crossing a page): the bytes about to be overwritten
 * go to the undo log, and the page's written span grows. */
static void check_write_hook(void *opaque, uint32_t addr, uint32_t len)
{
	struct check *c = opaque;
	struct phys_mem *pm = &c->s->mem;
	uint32_t pn = addr >> PHYS_PAGE_SHIFT, off = addr & (PHYS_PAGE_SIZE - 1);
	const uint8_t *host = pm->host[pn];
	if (!check_is_ram(pm, host) || off + len > PHYS_PAGE_SIZE)
		return;
	uint32_t rp = (uint32_t)((size_t)(host - pm->ram) >> PHYS_PAGE_SHIFT);
	if (c->page_epoch[rp] != c->epoch) {
		if (c->n_pages == c->cap_pages) {
			size_t cap = c->cap_pages ? c->cap_pages * 2 : 64;
			struct check_page *p = realloc(c->pages, cap * sizeof(*p));
			if (!p) {
				c->overflow = true;
				return;
			}
			c->pages = p;
			c->cap_pages = cap;
		}
		c->page_epoch[rp] = c->epoch;
		c->page_slot[rp] = (uint32_t)c->n_pages;
		c->pages[c->n_pages++] = (struct check_page){
			.ram_page = rp, .phys_page = pn, .lo = off, .hi = off + len
		};
	} else {
		struct check_page *p = &c->pages[c->page_slot[rp]];
		if (off < p->lo)
			p->lo = off;
		if (off + len > p->hi)
			p->hi = off + len;
	}
	if (!check_undo_room(c, len)) {
		c->overflow = true;
		return;
	}
	size_t ro = ((size_t)rp << PHYS_PAGE_SHIFT) + off;
	memcpy(c->old + c->old_used, pm->ram + ro, len);
	c->old_used += len;
	c->undo[c->n_undo++] = (struct check_undo){ .ram_off = (uint32_t)ro, .len = len };
}

/* Forgets the log: what is in RAM now is the new starting point. */
static void check_log_reset(struct check *c)
{
	if (++c->epoch == 0) {
		memset(c->page_epoch, 0,
		       ((c->s->mem.ram_size + PHYS_PAGE_SIZE - 1) >> PHYS_PAGE_SHIFT) *
			       sizeof(*c->page_epoch));
		c->epoch = 1;
	}
	c->n_pages = 0;
	c->n_undo = 0;
	c->old_used = 0;
	c->overflow = false;
}

/* Traps the shadow's RAM pages in [first, end) that are not trapped yet:
 * writes to them take the slow path, through any linear alias, and reach
 * check_write_hook() first. */
static void check_trap(struct check *c, uint32_t first, uint32_t end)
{
	struct machine *s = c->s;
	struct phys_mem *pm = &s->mem;
	for (uint32_t pn = first; pn < end; pn++) {
		if ((pm->flags[pn] & PHYS_PAGE_TRANSLATED) || !check_is_ram(pm, pm->host[pn]))
			continue;
		mmu_mark_code(&s->cpu, pn << PHYS_PAGE_SHIFT);
		phys_mark_translated(pm, pn << PHYS_PAGE_SHIFT);
	}
}

/* The clock's state (time, counts, deadlines), without the events'
 * callbacks, which never change after the machine is built. */
static void check_clock_copy(struct clock *dst, const struct clock *src)
{
	dst->now_ns = src->now_ns;
	dst->insns = src->insns;
	dst->idle_ns = src->idle_ns;
	dst->armed = src->armed;
	dst->count = src->count;
	for (unsigned i = 0; i < src->count && i < CLOCK_MAX_EVENTS; i++)
		dst->events[i].deadline = src->events[i].deadline;
}

static void check_snap_take(struct check_snap *sn, const struct machine *x)
{
	check_cpu_copy(sn->cpu, &x->cpu);
	check_clock_copy(&sn->clock, &x->clock);
}

/* Puts a machine's CPU and clock back as they were at the mark. The TLB is
 * emptied: its entries (and the dirty bits they stand for) belong to the
 * later state. */
static void check_snap_restore(const struct check_snap *sn, struct machine *x)
{
	check_cpu_copy(&x->cpu, sn->cpu);
	check_clock_copy(&x->clock, &sn->clock);
	mmu_flush(&x->cpu, false);
}

/* A block starts: both states saved, a new write log. */
static void check_mark(struct check *c)
{
	check_snap_take(&c->at_m, c->m);
	check_snap_take(&c->at_s, c->s);
	check_log_reset(c);
	/* The PAM registers may have mapped RAM at 0xC0000-0xFFFFF afresh
	 * (machine_pam_update() flushes the TLB when it does). */
	if (c->s->cpu.tlb.flushes != c->trap_flushes) {
		check_trap(c, 0xC0, 0x100);
		c->trap_flushes = c->s->cpu.tlb.flushes;
	}
}

/* Both machines back to the mark: the shadow's writes undone (newest
 * first), its RAM copied into the translator's machine (whose cache is
 * flushed, as its code may have changed), both CPUs and clocks. Devices
 * are not rewound: a replayed port access happens again on both machines. */
static void check_rewind(struct check *c)
{
	struct machine *m = c->m, *s = c->s;
	struct phys_mem *pm = &s->mem;
	size_t at = c->old_used;
	for (size_t i = c->n_undo; i-- > 0;) {
		at -= c->undo[i].len;
		memcpy(pm->ram + c->undo[i].ram_off, c->old + at, c->undo[i].len);
	}
	for (size_t i = 0; i < c->n_pages; i++)
		pm->code_gen[c->pages[i].phys_page]++; /* decoded code from it is stale */
	check_log_reset(c);
	tr_flush(m->tr);
	memcpy(m->mem.ram, pm->ram, pm->ram_size);
	check_snap_restore(&c->at_m, m);
	check_snap_restore(&c->at_s, s);
}

/* Notes the RAM bytes that differ in [off, off + len) of RAM (physical
 * page `phys_page` on). */
static void check_note_bytes(struct check *c, size_t off, uint32_t phys, size_t len)
{
	const uint8_t *a = c->m->mem.ram + off, *b = c->s->mem.ram + off;
	struct check_found *f = &c->found;
	for (size_t i = 0; i < len; i++) {
		if (a[i] == b[i])
			continue;
		if (f->n_bytes < CHECK_MAX_BYTES)
			f->bytes[f->n_bytes++] = (struct check_byte){ .phys = phys + (uint32_t)i,
								      .tr = a[i],
								      .interp = b[i] };
		f->n_bytes_total++;
	}
}

/* Whether what the shadow wrote since the mark (on each page, the span
 * from its first to its last written byte) differs between the two
 * machines; with `note`, the differing bytes go to c->found. */
static bool check_pages_differ(struct check *c, bool note)
{
	const uint8_t *a = c->m->mem.ram, *b = c->s->mem.ram;
	bool differ = false;
	for (size_t i = 0; i < c->n_pages; i++) {
		const struct check_page *p = &c->pages[i];
		size_t off = ((size_t)p->ram_page << PHYS_PAGE_SHIFT) + p->lo;
		if (!memcmp(a + off, b + off, p->hi - p->lo))
			continue;
		differ = true;
		if (!note)
			return true;
		check_note_bytes(c, off, (p->phys_page << PHYS_PAGE_SHIFT) + p->lo, p->hi - p->lo);
	}
	return differ;
}

/* One turn of the lockstep from the current state: the translator runs one
 * block (or one instruction it leaves to the interpreter) within `budget`,
 * the interpreter as many instructions. With `mark`, the states are saved
 * first. Returns what differs afterwards. */
static enum check_what check_turn(struct check *c, uint64_t budget, bool mark, enum cpu_stop *why,
				  uint64_t *done)
{
	struct machine *m = c->m, *s = c->s;
	if (mark)
		check_mark(c);
	uint64_t before = m->clock.insns;
	*why = tr_run(m->tr, budget);
	*done = m->clock.insns - before;
	enum cpu_stop swhy = cpu_run(&s->cpu, *done);
	if (s->clock.insns != m->clock.insns)
		return CHECK_COUNT;
	if (!check_same_cpu(&m->cpu, &s->cpu))
		return CHECK_CPU;
	if (check_pages_differ(c, false))
		return CHECK_MEMORY;
	if (*why != swhy && !(m->tr->block_break && swhy == CPU_STOP_BUDGET))
		return CHECK_STOP;
	return CHECK_SAME;
}

/* Both CPUs and the differing bytes, as they are now, for the report. */
static void check_capture(struct check *c)
{
	check_cpu_copy(c->diff_m, &c->m->cpu);
	check_cpu_copy(c->diff_s, &c->s->cpu);
	c->found.n_bytes = 0;
	c->found.n_bytes_total = 0;
	check_pages_differ(c, true);
}

/* Notes the instruction at the shadow's CS:EIP (the next one to run) and
 * the state before it. */
static void check_note_insn(struct check *c)
{
	struct cpu *cpu = &c->s->cpu;
	struct check_found *f = &c->found;
	check_cpu_copy(c->before, cpu);
	f->insn_cs = cpu->seg[SEG_CS].sel;
	f->insn_eip = cpu->eip;
	f->insn_lin = cpu->seg[SEG_CS].base + cpu->eip;
	f->insn_mapped = false;
	f->insn_len = 0;
	snprintf(f->insn_text, sizeof(f->insn_text), "(not mapped)");
	unsigned n = 0;
	for (; n < sizeof(f->insn_bytes); n++) {
		uint32_t phys;
		if (!mmu_peek(cpu, f->insn_lin + n, &phys))
			break;
		const uint8_t *p = phys_host_ptr(cpu->mem, phys);
		if (!p)
			break; /* MMIO: reading could change a device */
		if (n == 0)
			f->insn_phys = phys;
		f->insn_bytes[n] = *p;
	}
	if (!n)
		return;
	f->insn_mapped = true;
	struct x86_insn in;
	if (x86_decode(&in, f->insn_bytes, n, cpu->code32) == X86_DECODE_OK) {
		f->insn_len = in.len;
		check_format_insn(&in, cpu->eip, f->insn_text, sizeof(f->insn_text));
	} else {
		snprintf(f->insn_text, sizeof(f->insn_text), "(does not decode)");
	}
}

/* Replays the run of `n` instructions that ended different, from the
 * mark: first block by block (cut to what is left of the run, the jump
 * cache unused, so each block comes back), and the block that differs one
 * instruction further at a time, each time from its start, until the
 * states differ. */
static void check_locate(struct check *c, uint64_t n)
{
	struct check_found *f = &c->found;
	struct translator *t = c->m->tr;
	if (c->overflow) {
		f->why_not = "the shadow's write log ran out of memory";
		return;
	}
	check_rewind(c);
	t->cut_to_budget = true;
	uint64_t done = 0;
	enum cpu_stop why;
	while (done < n) {
		uint64_t d;
		enum check_what w = check_turn(c, n - done, true, &why, &d);
		if (w == CHECK_SAME) {
			if (!d)
				break;
			done += d;
			continue;
		}
		for (uint64_t k = 1; k <= d; k++) {
			check_rewind(c);
			if (k == 1)
				check_note_insn(c);
			uint64_t dk;
			w = check_turn(c, k, false, &why, &dk);
			if (w != CHECK_SAME) {
				f->located = true;
				f->insn_what = w;
				f->insn_index = done + (dk ? dk : 1) - 1;
				check_capture(c);
				t->cut_to_budget = false;
				return;
			}
			check_note_insn(c);
		}
		f->why_not = "cut after each of its instructions the block agrees; only the whole "
			     "block differs";
		t->cut_to_budget = false;
		return;
	}
	f->why_not = "the replay from the block's start did not differ (state from before the "
		     "block, or a device answering differently the second time)";
	t->cut_to_budget = false;
}

/* The first difference: the run that showed it, then the replay. */
static void check_diverged(struct check *c, enum check_what w, uint64_t at, uint64_t done)
{
	struct check_found *f = &c->found;
	memset(f, 0, sizeof(*f));
	f->what = w;
	f->run_cs = c->at_m.cpu->seg[SEG_CS].sel;
	f->run_eip = c->at_m.cpu->eip;
	f->run_insns = at;
	f->run_len = done;
	check_capture(c);
	check_locate(c, done);
	check_report(c, stderr);
	c->m->diverged = true;
}

/* cpu_run() for the check engine: the budget spent turn by turn. */
static enum cpu_stop check_cpu_run(struct check *c, uint64_t budget)
{
	struct machine *m = c->m;
	m->tr->single_block = true;
	for (;;) {
		enum cpu_stop why;
		uint64_t done, at = m->clock.insns;
		enum check_what w = check_turn(c, budget, true, &why, &done);
		if (w != CHECK_SAME) {
			check_diverged(c, w, at, done);
			return CPU_STOP_REQUEST;
		}
		if (!m->tr->block_break)
			return why;
		/* What is left, or less when a device armed an earlier event
		 * (cpu_after_device_access() clipped the translator's budget):
		 * the slice ends there, as it would under --engine bt. */
		budget -= done < budget ? done : budget;
		if (m->cpu.insn_budget < budget)
			budget = m->cpu.insn_budget;
		if (!budget)
			return CPU_STOP_BUDGET;
	}
}

/* All of guest RAM, at the end of a slice: catches what the translator
 * wrote where the interpreter did not. */
static bool check_ram(struct check *c)
{
	struct machine *m = c->m, *s = c->s;
	if (!memcmp(m->mem.ram, s->mem.ram, m->mem.ram_size))
		return true;
	struct check_found *f = &c->found;
	memset(f, 0, sizeof(*f));
	f->what = CHECK_MEMORY;
	f->slice_end = true;
	f->run_cs = m->cpu.seg[SEG_CS].sel;
	f->run_eip = m->cpu.eip;
	f->run_insns = m->clock.insns;
	f->why_not = "found by the comparison of all of RAM at the end of a slice (RAM the "
		     "interpreter did not write)";
	check_cpu_copy(c->diff_m, &m->cpu);
	check_cpu_copy(c->diff_s, &s->cpu);
	check_note_bytes(c, 0, 0, m->mem.ram_size);
	check_report(c, stderr);
	m->diverged = true;
	return false;
}

static bool check_quit_requested(const struct machine *m)
{
	return m->serial[0].quit_requested || m->serial[1].quit_requested;
}

enum machine_stop check_run(struct machine *m, uint64_t ns)
{
	struct check *c = m->check;
	struct machine *s = m->shadow;
	struct clock *clk = &m->clock;
	uint64_t end = clk->now_ns + ns;
	enum machine_stop ret = MACHINE_SLICE_DONE;

	while (clk->now_ns < end && ret == MACHINE_SLICE_DONE) {
		uint64_t until = clock_next_deadline(clk);
		if (until > end)
			until = end;
		uint64_t budget =
			until > clk->now_ns ? (until - clk->now_ns) / CLOCK_NS_PER_INSN : 0;
		if (budget == 0)
			budget = 1;
		if (m->insn_limit) {
			if (clk->insns >= m->insn_limit)
				return MACHINE_INSN_LIMIT;
			if (budget > m->insn_limit - clk->insns)
				budget = m->insn_limit - clk->insns;
		}
		enum cpu_stop why = check_cpu_run(c, budget);
		if (m->diverged)
			return MACHINE_DIVERGED;
		clock_run_due(clk);
		clock_run_due(&s->clock);
		if (check_quit_requested(m))
			return MACHINE_QUIT;
		switch (why) {
		case CPU_STOP_REQUEST:
			if (m->debug.exit_requested)
				ret = MACHINE_DEBUG_EXIT;
			else if (m->reset_requested)
				ret = MACHINE_RESET;
			break;
		case CPU_STOP_SHUTDOWN: ret = MACHINE_SHUTDOWN; break;
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
		case CPU_RUNNING: break;
		}
		if (ret == MACHINE_SLICE_DONE && m->insn_limit && clk->insns >= m->insn_limit)
			ret = MACHINE_INSN_LIMIT;
	}
	if (!check_ram(c))
		return MACHINE_DIVERGED;
	return ret;
}

int check_init(struct machine *m)
{
	struct machine *s = m->shadow;
	if (!s || !m->tr || s->mem.ram_size != m->mem.ram_size || s->mem.code_write)
		return -1;
	struct check *c = calloc(1, sizeof(*c));
	if (!c)
		return -1;
	c->m = m;
	c->s = s;
	size_t pages = (s->mem.ram_size + PHYS_PAGE_SIZE - 1) >> PHYS_PAGE_SHIFT;
	c->page_epoch = calloc(pages, sizeof(*c->page_epoch));
	c->page_slot = calloc(pages, sizeof(*c->page_slot));
	c->at_m.cpu = calloc(1, sizeof(struct cpu));
	c->at_s.cpu = calloc(1, sizeof(struct cpu));
	c->diff_m = calloc(1, sizeof(struct cpu));
	c->diff_s = calloc(1, sizeof(struct cpu));
	c->before = calloc(1, sizeof(struct cpu));
	m->check = c;
	if (!c->page_epoch || !c->page_slot || !c->at_m.cpu || !c->at_s.cpu || !c->diff_m ||
	    !c->diff_s || !c->before) {
		check_free(m);
		return -1;
	}
	c->epoch = 1;
	s->mem.code_write = check_write_hook;
	s->mem.code_write_opaque = c;
	check_trap(c, 0, (uint32_t)pages);
	check_trap(c, 0xC0, 0x100);
	c->trap_flushes = s->cpu.tlb.flushes;
	return 0;
}

void check_free(struct machine *m)
{
	struct check *c = m->check;
	if (!c)
		return;
	if (c->s && c->s->mem.code_write == check_write_hook) {
		c->s->mem.code_write = NULL;
		c->s->mem.code_write_opaque = NULL;
	}
	free(c->page_epoch);
	free(c->page_slot);
	free(c->pages);
	free(c->undo);
	free(c->old);
	free(c->at_m.cpu);
	free(c->at_s.cpu);
	free(c->diff_m);
	free(c->diff_s);
	free(c->before);
	free(c);
	m->check = NULL;
}
