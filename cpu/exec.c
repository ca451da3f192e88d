/* exec.c: the interpreter's main loop: fetch, decode, execute, retire;
 * interrupts between instructions; exceptions with their double- and
 * triple-fault rules.
 *
 * Exceptions unwind with longjmp: cpu_raise() jumps back to the setjmp in
 * cpu_run()/cpu_step(), which delivers the exception and carries on. Since a
 * handler never commits results before its last check, the guest sees the
 * state as of the start of the faulting instruction, with EIP pointing at
 * it.
 */
#include <string.h>

#include "cpu/access.h"
#include "cpu/cpu.h"
#include "cpu/debug.h"
#include "cpu/decode.h"
#include "cpu/handlers.h"
#include "cpu/icache.h"
#include "cpu/opcode.h"
#include "vmm/clock.h"

void cpu_init(struct cpu *cpu, struct phys_mem *mem, struct io_bus *io, struct clock *clock)
{
	memset(cpu, 0, sizeof(*cpu));
	cpu->mem = mem;
	cpu->io = io;
	cpu->clock = clock;
	cpu_reset(cpu);
}

void cpu_reset(struct cpu *cpu)
{
	memset(cpu->regs, 0, sizeof(cpu->regs));
	cpu->regs[REG_EDX] = CPU_SIGNATURE;
	cpu->eflags = FLAG_1;
	cpu->cr[0] = CR0_CD | CR0_NW | CR0_ET;
	cpu->cr[2] = cpu->cr[3] = cpu->cr[4] = 0;
	for (int s = 0; s < SEG_COUNT; s++)
		cpu->seg[s] = (struct seg_cache){.sel = 0, .attr = SEG_ATTR_REAL_DATA, .base = 0,
						 .limit = 0xFFFF};
	cpu->seg[SEG_CS] = (struct seg_cache){.sel = 0xF000, .attr = SEG_ATTR_REAL_CODE,
					      .base = 0xFFFF0000u, .limit = 0xFFFF};
	cpu->eip = cpu->next_eip = 0xFFF0;
	cpu->gdtr = (struct dtr){.base = 0, .limit = 0xFFFF};
	cpu->idtr = (struct dtr){.base = 0, .limit = 0x3FF};
	cpu->ldtr = (struct seg_cache){.attr = 0x0082, .limit = 0xFFFF};
	cpu->tr = (struct seg_cache){.attr = 0x008B, .limit = 0xFFFF};
	memset(cpu->dr, 0, sizeof(cpu->dr));
	cpu->dr[6] = 0xFFFF0FF0u;
	cpu->dr[7] = 0x00000400u;
	cpu->halted = false;
	cpu->nmi_pending = false;
	cpu->inhibit_intr = 0;
	cpu->exc_nesting = 0;
	cpu->debug = 0;
	cpu->dbg_code = cpu->dbg_data = 0;
	cpu->dbg_trap = 0;
	fpu_reset(&cpu->fpu);
	mmu_flush(cpu, false);
	cpu_update_mode(cpu);
}

void cpu_update_mode(struct cpu *cpu)
{
	bool v86 = cpu_v86_mode(cpu);
	cpu->code32 = !v86 && (cpu->seg[SEG_CS].attr & SEG_ATTR_DB);
	cpu->eip_mask = cpu->code32 ? 0xFFFFFFFFu : 0xFFFFu;
	cpu->icache_mode = ICACHE_MODE_VALID | (cpu->code32 ? ICACHE_MODE_CODE32 : 0);
	cpu->stack32 = !v86 && (cpu->seg[SEG_SS].attr & SEG_ATTR_DB);
	if (cpu_real_mode(cpu))
		cpu->cpl = 0;
	else if (v86)
		cpu->cpl = 3;
	else
		/* SS.DPL, not CS.RPL: every protected-mode SS load keeps it
		 * equal to CPL, and right after MOV CR0 sets PE it is still 0
		 * from real mode whatever the low bits of CS happen to be. */
		cpu->cpl = (cpu->seg[SEG_SS].attr >> 5) & 3;
	/* The CPL and CR0.AM feed alignment checking. */
	cpu_update_slow_segs(cpu);
}

_Noreturn void cpu_raise_err(struct cpu *cpu, int vec, uint32_t err)
{
	cpu->exc_vec = vec;
	cpu->exc_err = err;
	cpu->exc_has_err = true;
	longjmp(cpu->exc_jmp, 1);
}

_Noreturn void cpu_raise(struct cpu *cpu, int vec)
{
	cpu->exc_vec = vec;
	cpu->exc_err = 0;
	cpu->exc_has_err = false;
	longjmp(cpu->exc_jmp, 1);
}

/* --- interrupt and exception delivery ------------------------------------- */

/* Real mode: through the interrupt vector table at IDTR.base. */
static void deliver_real(struct cpu *cpu, int vec, uint32_t ret_eip)
{
	uint32_t entry = (uint32_t)vec * 4;
	if (entry + 3 > cpu->idtr.limit)
		cpu_raise_err(cpu, EXC_GP, (uint32_t)vec * 8 + 2);
	uint32_t vector = cpu_read_lin(cpu, cpu->idtr.base + entry, 4);

	/* Three words: FLAGS, CS, IP. Check all three pushes before any. */
	uint32_t sp = cpu_get_sp(cpu);
	uint32_t sp1 = cpu_sp_add(cpu, sp, -2), sp2 = cpu_sp_add(cpu, sp, -4),
		 sp3 = cpu_sp_add(cpu, sp, -6);
	cpu_probe_write(cpu, SEG_SS, sp1, 2);
	cpu_probe_write(cpu, SEG_SS, sp2, 2);
	cpu_probe_write(cpu, SEG_SS, sp3, 2);
	cpu_stack_write(cpu, sp1, 2, cpu->eflags & 0xFFFF);
	cpu_stack_write(cpu, sp2, 2, cpu->seg[SEG_CS].sel);
	cpu_stack_write(cpu, sp3, 2, ret_eip & 0xFFFF);
	cpu_set_sp(cpu, sp3);

	cpu->eflags &= ~(FLAG_IF | FLAG_TF | FLAG_AC | FLAG_RF);
	cpu_load_seg_real(cpu, SEG_CS, (uint16_t)(vector >> 16));
	cpu->eip = cpu->next_eip = vector & 0xFFFF;
}

void cpu_deliver(struct cpu *cpu, int vec, uint32_t ret_eip, bool has_err, uint32_t err,
		 bool software)
{
	if (cpu_real_mode(cpu))
		deliver_real(cpu, vec, ret_eip);
	else
		cpu_deliver_protected(cpu, vec, ret_eip, has_err, err, software);
	cpu_update_mode(cpu);
}

/* Exception classes for the double-fault rules (Intel SDM vol. 3, 6.15). */
enum { EXC_CLASS_BENIGN, EXC_CLASS_CONTRIBUTORY, EXC_CLASS_PAGE_FAULT };

static int exc_class(int vec)
{
	switch (vec) {
	case EXC_DE: case EXC_TS: case EXC_NP: case EXC_SS: case EXC_GP:
		return EXC_CLASS_CONTRIBUTORY;
	case EXC_PF:
		return EXC_CLASS_PAGE_FAULT;
	default:
		return EXC_CLASS_BENIGN;
	}
}

/* The exceptions that are faults (the instruction restarts), as a mask of
 * vectors. */
#define EXC_FAULTS                                                                                \
	((1u << EXC_DE) | (1u << EXC_BR) | (1u << EXC_UD) | (1u << EXC_NM) | (1u << EXC_TS) |     \
	 (1u << EXC_NP) | (1u << EXC_SS) | (1u << EXC_GP) | (1u << EXC_PF) | (1u << EXC_MF) |     \
	 (1u << EXC_AC))

/* Called after a longjmp from cpu_raise(): delivers the exception, or turns
 * it into a double fault or a shutdown when it happened while delivering
 * another one. A fault during delivery longjmps back here again, with
 * exc_nesting telling what was being delivered. */
static void take_exception(struct cpu *cpu)
{
	int vec = cpu->exc_vec;
	cpu->exceptions[vec & 31]++;
	if (cpu->exc_nesting) {
		int first = cpu->exc_nesting - 1;
		if (first == EXC_DF) {
			cpu->exc_nesting = 0;
			cpu->stop = CPU_STOP_SHUTDOWN;
			return;
		}
		int c1 = exc_class(first), c2 = exc_class(vec);
		if ((c1 == EXC_CLASS_CONTRIBUTORY && c2 == EXC_CLASS_CONTRIBUTORY) ||
		    (c1 == EXC_CLASS_PAGE_FAULT && c2 != EXC_CLASS_BENIGN)) {
			vec = EXC_DF;
			cpu->exceptions[EXC_DF]++;
			cpu->exc_has_err = true;
			cpu->exc_err = 0;
		}
		/* Real mode has no double fault: a fault while delivering
		 * still goes through the IVT; a third strike shuts down. */
	}
	cpu->exc_nesting = vec + 1;
	cpu->halted = false;
	/* A faulting instruction reports no data breakpoint; the EFLAGS image
	 * of a fault has RF set, so that the restarted instruction does not
	 * hit its own instruction breakpoint again (SDM 17.3.1.1). An
	 * instruction breakpoint's own #DB leaves RF alone. */
	cpu->dbg_trap &= ~(uint32_t)DR6_B_MASK;
	if ((1u << (vec & 31)) & EXC_FAULTS)
		cpu->eflags |= FLAG_RF;
	cpu_deliver(cpu, vec, cpu->eip, cpu->exc_has_err && !cpu_real_mode(cpu), cpu->exc_err,
		    false);
	cpu->exc_nesting = 0;
}

/* Takes a pending NMI or maskable interrupt, if one may be taken now.
 * Returns true when one was delivered. */
static bool take_interrupt(struct cpu *cpu)
{
	if (cpu->inhibit_intr) {
		cpu->inhibit_intr = 0;
		return false;
	}
	if (cpu->nmi_pending) {
		cpu->nmi_pending = false;
		cpu->halted = false;
		cpu->interrupts++;
		cpu_deliver(cpu, EXC_NMI, cpu->eip, false, 0, false);
		return true;
	}
	if (cpu->intr && (cpu->eflags & FLAG_IF) && cpu->hooks.intr_ack) {
		uint8_t vec = cpu->hooks.intr_ack(cpu->hooks.opaque);
		cpu->halted = false;
		cpu->interrupts++;
		cpu_deliver(cpu, vec, cpu->eip, false, 0, false);
		return true;
	}
	return false;
}

/* --- fetch, decode, execute ----------------------------------------------- */

/* Decodes the instruction at CS:EIP into *in (and into the decoded-
 * instruction cache when it can be cached) and returns it. Bytes come
 * straight from the host page when the instruction lies inside one directly
 * mapped page and the segment limit; otherwise they are fetched one at a
 * time, so a fault (limit, or a page fault on the second page of an
 * instruction that crosses one, with CR2 = that page's first byte) is raised
 * exactly at the first byte that is needed. With paging the fetch is a read
 * at the CPL, and the decoded-instruction cache is still keyed by the
 * physical address. */
static __attribute__((noinline)) const struct x86_insn *fetch_decode_miss(struct cpu *cpu,
									 struct x86_insn *in)
{
	const struct seg_cache *cs = &cpu->seg[SEG_CS];
	uint32_t eip = cpu->eip;
	enum cpu_priv priv = cpu_user_access(cpu) ? CPU_PRIV_USER : CPU_PRIV_SUPERVISOR;
	enum x86_decode_status st;
	uint32_t phys = 0;
	const uint8_t *page = NULL;

	if (!(cpu->cr[0] & CR0_PG)) {
		phys = (cs->base + eip) & cpu->mem->a20_mask;
		page = cpu->mem->host[phys >> PHYS_PAGE_SHIFT];
	} else if (eip <= cs->limit) {
		/* The limit first: past it, the fault is #GP, not #PF. */
		phys = mmu_translate_fetch(cpu, cs->base + eip);
		page = cpu->mem->host[phys >> PHYS_PAGE_SHIFT];
	}
	if (page) {
		unsigned off = phys & (PHYS_PAGE_SIZE - 1);
		unsigned avail = PHYS_PAGE_SIZE - off;
		if (avail > X86_MAX_INSN_LEN)
			avail = X86_MAX_INSN_LEN;
		st = x86_decode(in, page + off, avail, cpu->code32);
		if (st != X86_DECODE_MORE && (uint64_t)eip + in->len - 1 <= cs->limit) {
			if (st == X86_DECODE_OK && cpu->icache) {
				struct icache_entry *e = icache_slot(cpu->icache, phys);
				e->tag = phys | cpu->icache_mode;
				e->gen = phys_code_gen(cpu->mem, phys);
				e->in = *in;
				mmu_mark_code(cpu, phys);
				return &e->in;
			}
			goto decoded;
		}
	}

	uint8_t buf[X86_MAX_INSN_LEN];
	unsigned avail = 0;
	for (;;) {
		st = x86_decode(in, buf, avail, cpu->code32);
		if (st != X86_DECODE_MORE)
			break;
		uint32_t off = eip + avail;
		if (off > cs->limit || off < eip)
			cpu_raise_err(cpu, EXC_GP, 0);
		buf[avail++] = (uint8_t)cpu_read_lin_as(cpu, cs->base + off, 1, priv);
	}
decoded:
	if (st == X86_DECODE_UD)
		cpu_raise(cpu, EXC_UD);
	if (st == X86_DECODE_GP)
		cpu_raise_err(cpu, EXC_GP, 0);
	return in;
}

/* With paging, when CS:EIP leaves the code page the inline check knows:
 * the physical address of the fetch (the TLB, or a page walk that may
 * raise #PF), or false past the CS limit, where the fault is #GP and
 * fetch_decode_miss() raises it. */
static __attribute__((noinline)) bool fetch_page_paged(struct cpu *cpu, uint32_t lin,
							uint32_t *phys)
{
	if (cpu->eip > cpu->seg[SEG_CS].limit)
		return false;
	*phys = mmu_translate_fetch(cpu, lin);
	return true;
}

/* The instruction at CS:EIP: from the decoded-instruction cache when it
 * holds it (the common case, kept inline), else decoded. */
static inline __attribute__((always_inline)) const struct x86_insn *
fetch_decode(struct cpu *cpu, struct icache *ic, const struct phys_mem *mem, struct x86_insn *in)
{
	if (ic) {
		const struct seg_cache *cs = &cpu->seg[SEG_CS];
		uint32_t lin = cs->base + cpu->eip, phys;
		if (!(cpu->cr[0] & CR0_PG))
			phys = lin & mem->a20_mask;
		else if (!mmu_fetch_cached(cpu, lin, &phys) && !fetch_page_paged(cpu, lin, &phys))
			return fetch_decode_miss(cpu, in);
		const struct icache_entry *e = icache_slot(ic, phys);
		if (e->tag == (phys | cpu->icache_mode) && e->gen == phys_code_gen(mem, phys) &&
		    (uint64_t)cpu->eip + e->in.len - 1 <= cs->limit)
			return &e->in;
	}
	return fetch_decode_miss(cpu, in);
}

/* Executes the instruction at CS:EIP and retires it. */
static inline __attribute__((always_inline)) void exec_one(struct cpu *cpu, struct icache *ic,
							   const struct phys_mem *mem)
{
	struct x86_insn buf;
	const struct x86_insn *in = fetch_decode(cpu, ic, mem, &buf);
	cpu->next_eip = (cpu->eip + in->len) & cpu->eip_mask;
	bool trap = cpu->eflags & FLAG_TF;
	in->handler(cpu, in);
	cpu->eip = cpu->next_eip;
	cpu->insn_budget--; /* the caller checked it was not 0 */
	if (trap) {
		/* Single-step trap after the instruction (TF was set when it
		 * started). */
		cpu_debug_single_step(cpu);
	}
}

/* --- blocks ------------------------------------------------------------------ */

/* One past the last byte a block run may execute: past the CS limit an
 * instruction faults, and at 0x10000 in 16-bit code EIP wraps; both cases
 * are left to the one-instruction path, so a block's EIP simply adds up. */
static inline uint64_t block_eip_end(const struct cpu *cpu)
{
	uint64_t limit = (uint64_t)cpu->seg[SEG_CS].limit + 1;
	return limit < cpu->eip_mask ? limit : cpu->eip_mask;
}

/* Decodes the block that starts at CS:EIP (physical address `phys`) into
 * slot `b` (see cpu/icache.h), or returns NULL when not even its first
 * instruction can be cached (not a directly mapped page, crosses the page
 * or the limit, does not decode): the caller then takes the one-instruction
 * path, which raises whatever fault is due. Decoding ahead is harmless: it
 * reads the host page only and raises nothing. */
static __attribute__((noinline)) const struct icache_block *
block_build(struct cpu *cpu, struct icache *ic, struct icache_block *b, uint32_t phys)
{
	const uint8_t *page = cpu->mem->host[phys >> PHYS_PAGE_SHIFT];
	if (!page)
		return NULL;
	if (ic->pool_used + ICACHE_BLOCK_MAX > ICACHE_POOL) {
		for (unsigned i = 0; i < ICACHE_BLOCKS; i++)
			ic->blocks[i].tag = 0;
		ic->pool_used = 0;
	}
	struct x86_insn *insns = &ic->pool[ic->pool_used];
	uint64_t limit = block_eip_end(cpu);
	unsigned off = phys & (PHYS_PAGE_SIZE - 1), bytes = 0, n = 0;
	while (n < ICACHE_BLOCK_MAX && off + bytes < PHYS_PAGE_SIZE) {
		struct x86_insn *in = &insns[n];
		unsigned avail = PHYS_PAGE_SIZE - off - bytes;
		if (avail > X86_MAX_INSN_LEN)
			avail = X86_MAX_INSN_LEN;
		if (x86_decode(in, page + off + bytes, avail, cpu->code32) != X86_DECODE_OK ||
		    (uint64_t)cpu->eip + bytes + in->len > limit)
			break;
		bytes += in->len;
		n++;
		/* A relative branch changes nothing but EIP: when a conditional
		 * one is not taken, the block goes on (run_block() leaves when
		 * it is). JMP and CALL always leave. */
		if ((in->op->cls & (CLS_ENDS_BLOCK | CLS_BRANCH)) == CLS_ENDS_BLOCK ||
		    in->op->handler == op_jmp_Jb || in->op->handler == op_jmp_Jz ||
		    in->op->handler == op_call_Jz)
			break;
	}
	if (!n)
		return NULL;
	b->tag = phys | cpu->icache_mode;
	b->gen = phys_code_gen(cpu->mem, phys);
	b->gen_now = &cpu->mem->code_gen[phys >> PHYS_PAGE_SHIFT];
	b->count = (uint16_t)n;
	b->bytes = (uint16_t)bytes;
	b->insns = insns;
	ic->pool_used += n;
	mmu_mark_code(cpu, phys);
	return b;
}

/* The block at CS:EIP, decoded now if the cache does not hold it, or NULL
 * for the one-instruction path. */
static inline __attribute__((always_inline)) const struct icache_block *
block_lookup(struct cpu *cpu, struct icache *ic, const struct phys_mem *mem)
{
	uint32_t lin = cpu->seg[SEG_CS].base + cpu->eip, phys;
	if (!(cpu->cr[0] & CR0_PG))
		phys = lin & mem->a20_mask;
	else if (!mmu_fetch_cached(cpu, lin, &phys) && !fetch_page_paged(cpu, lin, &phys))
		return NULL;
	struct icache_block *b = icache_block_slot(ic, phys);
	if (b->tag == (phys | cpu->icache_mode) && b->gen == *b->gen_now &&
	    (uint64_t)cpu->eip + b->bytes <= block_eip_end(cpu))
		return b;
	return block_build(cpu, ic, b, phys);
}

/* Runs the instructions of block `b`, each exactly as exec_one() would
 * (EIP, next_eip and the budget kept up to date for handlers and
 * exceptions), and returns to the run loop as soon as anything differs
 * from straight-line execution: a handler changed next_eip (a taken
 * branch, a repeated string instruction), the attention word is set, the
 * budget is used up, or a write changed the code page. The caller made
 * sure TF is clear; only block-ending instructions can set it. A function
 * of its own so that everything the loop needs stays in registers. */
static __attribute__((noinline)) void run_block(struct cpu *cpu, const struct icache_block *b)
{
	const struct x86_insn *in = b->insns;
	const uint32_t *gen_now = b->gen_now;
	uint32_t gen = b->gen, eip = cpu->eip;
	unsigned left = b->count;
	for (;;) {
		uint32_t next = eip + in->len;
		cpu->next_eip = next;
		in->handler(cpu, in);
		eip = cpu->next_eip;
		cpu->eip = eip;
		if (!--cpu->insn_budget || eip != next || (cpu->attention | (*gen_now ^ gen)) ||
		    !--left)
			return;
		in++;
	}
}

void cpu_sync_clock(struct cpu *cpu)
{
	clock_retire(cpu->clock, cpu->budget_mark - cpu->insn_budget);
	cpu->budget_mark = cpu->insn_budget;
}

void cpu_after_device_access(struct cpu *cpu)
{
	struct clock *clk = cpu->clock;
	if (!clk->armed)
		return;
	clk->armed = false;
	cpu_sync_clock(cpu);
	uint64_t next = clock_next_deadline(clk);
	/* The instruction doing the access still counts against the budget,
	 * hence the + 1. */
	uint64_t allowed = (next > clk->now_ns ? (next - clk->now_ns) / CLOCK_NS_PER_INSN : 0) + 1;
	if (allowed < cpu->insn_budget)
		cpu->insn_budget = cpu->budget_mark = allowed;
}

/* The loop proper. It is a function of its own, apart from the setjmp in
 * cpu_run(), so that the compiler keeps `cpu` and the cache pointers in
 * registers instead of reloading them from the stack on every instruction
 * (locals of a function that calls setjmp cannot live in registers). */
static __attribute__((noinline)) void run_loop(struct cpu *cpu)
{
	struct icache *ic = cpu->icache;
	const struct phys_mem *mem = cpu->mem;
	/* A HLT sets stop, so `halted` needs no test inside the loop. */
	for (;;) {
		if (cpu->attention) {
			if (cpu->stop != CPU_RUNNING)
				break;
			/* SDM priority: traps of the previous instruction, then
			 * NMI and INTR, then an instruction breakpoint. */
			if ((cpu->debug & DEBUG_TRAP) && cpu_debug_deliver_trap(cpu))
				continue;
			if (take_interrupt(cpu))
				continue;
			if (cpu->debug)
				cpu_debug_before_insn(cpu);
		} else if (ic && cpu->insn_budget && !(cpu->eflags & FLAG_TF)) {
			/* The common case: a whole block at a time. */
			const struct icache_block *b = block_lookup(cpu, ic, mem);
			if (b) {
				run_block(cpu, b);
				continue;
			}
		}
		if (!cpu->insn_budget) {
			cpu->stop = CPU_STOP_BUDGET;
			break;
		}
		exec_one(cpu, ic, mem);
	}
}

enum cpu_stop cpu_run(struct cpu *cpu, uint64_t budget)
{
	_Static_assert(sizeof(((struct cpu *)0)->attention) ==
			       sizeof(bool) * 2 + sizeof(uint8_t) * 6,
		       "the attention word must cover exactly its fields");
	cpu->stop = CPU_RUNNING;
	cpu->insn_budget = cpu->budget_mark = budget;
	if (setjmp(cpu->exc_jmp)) {
		/* An exception unwound here: the faulting instruction did not
		 * retire, but it used up a slot of the budget so that a guest
		 * faulting in a loop still yields to devices. */
		if (cpu->insn_budget)
			cpu->insn_budget--;
		take_exception(cpu);
	}
	if (cpu->halted && !take_interrupt(cpu))
		cpu->stop = CPU_STOP_HALT;
	else
		run_loop(cpu);
	cpu_sync_clock(cpu);
	return cpu->stop;
}

enum cpu_stop cpu_step(struct cpu *cpu)
{
	cpu->stop = CPU_RUNNING;
	cpu->insn_budget = cpu->budget_mark = 1;
	if (setjmp(cpu->exc_jmp)) {
		if (cpu->insn_budget)
			cpu->insn_budget--;
		take_exception(cpu);
		cpu_sync_clock(cpu);
		return cpu->stop;
	}
	if ((cpu->debug & DEBUG_TRAP) && cpu_debug_deliver_trap(cpu)) {
		cpu_sync_clock(cpu);
		return cpu->stop;
	}
	if (!take_interrupt(cpu)) {
		if (cpu->halted) {
			cpu->stop = CPU_STOP_HALT;
		} else {
			if (cpu->debug)
				cpu_debug_before_insn(cpu);
			exec_one(cpu, cpu->icache, cpu->mem);
		}
	}
	cpu_sync_clock(cpu);
	return cpu->stop;
}

/* --- for other engines ---------------------------------------------------- */

bool cpu_take_interrupt(struct cpu *cpu)
{
	return take_interrupt(cpu);
}

void cpu_exec_one(struct cpu *cpu)
{
	exec_one(cpu, cpu->icache, cpu->mem);
}

enum cpu_stop cpu_run_engine(struct cpu *cpu, uint64_t budget,
			     void (*loop)(struct cpu *cpu, void *opaque), void *opaque)
{
	cpu->stop = CPU_RUNNING;
	cpu->insn_budget = cpu->budget_mark = budget;
	if (setjmp(cpu->exc_jmp)) {
		/* As in cpu_run(): the faulting instruction used a slot. */
		if (cpu->insn_budget)
			cpu->insn_budget--;
		take_exception(cpu);
	}
	if (cpu->halted && !take_interrupt(cpu))
		cpu->stop = CPU_STOP_HALT;
	else
		loop(cpu, opaque);
	cpu_sync_clock(cpu);
	return cpu->stop;
}
