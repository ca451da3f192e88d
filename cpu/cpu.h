/* cpu.h: the architectural state of one x86 CPU (P6 class, integer part).
 *
 * The CPU reaches memory and ports only through the buses it is given
 * (struct phys_mem, struct io_bus) and time only through its clock: it knows
 * nothing of devices or frontends. Everything the interpreter handlers need to
 * touch guest state goes through the inline accessors below or cpu/access.h.
 */
#ifndef POPEK_CPU_CPU_H
#define POPEK_CPU_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "cpu/fpu.h"
#include "cpu/mmu.h"

struct phys_mem;
struct io_bus;
struct clock;
struct icache;

/* General registers, in ModRM encoding order. */
enum { REG_EAX, REG_ECX, REG_EDX, REG_EBX, REG_ESP, REG_EBP, REG_ESI, REG_EDI };

/* Segment registers, in ModRM (sreg) encoding order. SEG_NONE marks "no
 * override" in a decoded instruction. */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_COUNT, SEG_NONE = 7 };

/* EFLAGS bits. */
enum {
	FLAG_CF = 1u << 0,
	FLAG_1 = 1u << 1, /* always set */
	FLAG_PF = 1u << 2,
	FLAG_AF = 1u << 4,
	FLAG_ZF = 1u << 6,
	FLAG_SF = 1u << 7,
	FLAG_TF = 1u << 8,
	FLAG_IF = 1u << 9,
	FLAG_DF = 1u << 10,
	FLAG_OF = 1u << 11,
	FLAG_IOPL = 3u << 12,
	FLAG_NT = 1u << 14,
	FLAG_RF = 1u << 16,
	FLAG_VM = 1u << 17,
	FLAG_AC = 1u << 18,
	FLAG_VIF = 1u << 19,
	FLAG_VIP = 1u << 20,
	FLAG_ID = 1u << 21,
};
#define FLAGS_ARITH (FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_OF)
/* Bits software can change on a P6 (ID toggles, so CPUID is detected). */
#define FLAGS_WRITABLE                                                                      \
	(FLAGS_ARITH | FLAG_TF | FLAG_IF | FLAG_DF | FLAG_IOPL | FLAG_NT | FLAG_RF | FLAG_VM | \
	 FLAG_AC | FLAG_VIF | FLAG_VIP | FLAG_ID)

/* Control register bits this CPU knows. */
enum {
	CR0_PE = 1u << 0,
	CR0_MP = 1u << 1,
	CR0_EM = 1u << 2,
	CR0_TS = 1u << 3,
	CR0_ET = 1u << 4,
	CR0_NE = 1u << 5,
	CR0_WP = 1u << 16,
	CR0_AM = 1u << 18,
	CR0_NW = 1u << 29,
	CR0_CD = 1u << 30,
	CR0_PG = 1u << 31,
};

/* CR4 bits a Pentium II has. */
enum {
	CR4_VME = 1u << 0, /* virtual-8086 mode extensions (VIF, redirection bitmap) */
	CR4_PVI = 1u << 1, /* protected-mode virtual interrupts (VIF at CPL 3) */
	CR4_TSD = 1u << 2,
	CR4_DE = 1u << 3,
	CR4_PSE = 1u << 4,
	CR4_PGE = 1u << 7,
	CR4_PCE = 1u << 8,
};

/* Exception vectors. */
enum {
	EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4, EXC_BR = 5, EXC_UD = 6,
	EXC_NM = 7, EXC_DF = 8, EXC_TS = 10, EXC_NP = 11, EXC_SS = 12, EXC_GP = 13,
	EXC_PF = 14, EXC_MF = 16, EXC_AC = 17,
};

/* Hidden part of a segment register ("descriptor cache"). `attr` holds the
 * descriptor's access byte in bits 0-7 and its flags nibble (AVL, L, D/B, G)
 * in bits 12-15, as LAR reports them shifted right by 8. */
struct seg_cache {
	uint16_t sel;
	uint16_t attr;
	uint32_t base;
	uint32_t limit; /* byte granular, already expanded */
};
#define SEG_ATTR_P 0x0080u
#define SEG_ATTR_S 0x0010u   /* code/data (not system) */
#define SEG_ATTR_CODE 0x0008u
#define SEG_ATTR_EXPDOWN 0x0004u /* data: expand-down; code: conforming */
#define SEG_ATTR_RW 0x0002u  /* data: writable; code: readable */
#define SEG_ATTR_DB 0x4000u  /* default operation size 32 / big stack */
#define SEG_ATTR_G 0x8000u
/* A writable, present, accessed data segment as real mode leaves them. */
#define SEG_ATTR_REAL_DATA 0x0093u
#define SEG_ATTR_REAL_CODE 0x009Bu
/* Not a descriptor bit (bits 8-11 of attr are otherwise unused): set in
 * every segment cache while alignment checking or a data breakpoint is
 * live, so that the inline fast path of cpu_linear() fails and every
 * operand access reaches cpu_seg_check_slow(), where those checks live
 * (cpu/debug.c). Maintained by cpu_update_slow_segs() (cpu/seg.c). */
#define SEG_ATTR_SLOW 0x0100u

struct dtr {
	uint32_t base;
	uint16_t limit;
};

/* How a run of the CPU stopped, for the dispatcher. */
enum cpu_stop {
	CPU_RUNNING = 0,
	CPU_STOP_BUDGET,    /* ran its instruction budget */
	CPU_STOP_HALT,      /* HLT: waiting for an interrupt */
	CPU_STOP_REQUEST,   /* a device or port asked to stop (debug exit...) */
	CPU_STOP_SHUTDOWN,  /* triple fault */
};

/* Where a CPU gets its external inputs; wired by the machine. */
struct cpu_hooks {
	void *opaque;
	/* INTA cycle: returns the vector of the highest pending interrupt. */
	uint8_t (*intr_ack)(void *opaque);
};

struct cpu {
	uint32_t regs[8];
	uint32_t eip;      /* of the instruction being executed */
	uint32_t next_eip; /* handlers set it to redirect control flow */
	uint32_t eflags;
	struct seg_cache seg[SEG_COUNT];
	struct dtr gdtr, idtr;
	struct seg_cache ldtr, tr;
	uint32_t cr[5];
	uint32_t dr[8];
	uint64_t tsc_offset;
	uint64_t msr_sysenter_cs, msr_sysenter_esp, msr_sysenter_eip; /* MSRs 174h-176h */

	/* Cached mode bits, refreshed by cpu_update_mode(). */
	bool code32;  /* CS.D: default operand/address size 32 */
	bool stack32; /* SS.B: ESP rather than SP */
	uint8_t cpl;
	/* Alignment checking is live: CR0.AM, EFLAGS.AC and CPL 3. */
	bool align_check;
	/* SEG_ATTR_SLOW is set in the segment caches (alignment checking or a
	 * data breakpoint is live). */
	bool seg_slow;

	/* Run state. */
	bool halted;          /* in HLT until an interrupt */
	/* Everything the run loop must look at between two instructions, in
	 * one word so that the common case (nothing) costs one test. */
	union {
		struct {
			bool intr;            /* INTR pin asserted */
			bool nmi_pending;
			uint8_t inhibit_intr; /* after STI / MOV SS / POP SS: one instruction */
			uint8_t stop;         /* enum cpu_stop: ask the run loop to return */
			uint8_t debug;        /* DEBUG_* (cpu/debug.h): breakpoints, traps, RF */
			/* Set by the binary translator when it invalidated
			 * blocks (self-modifying code) so that the block
			 * running now is left after this instruction. */
			uint8_t tr_exit;
			uint8_t attention_pad[2]; /* always 0: the word has no padding */
		};
		uint64_t attention;
	};
	/* Debug state beside DR0-DR7 (cpu/debug.c). */
	uint8_t dbg_code; /* enabled instruction breakpoints: bit n for DRn */
	uint8_t dbg_data; /* enabled data breakpoints: bit n for DRn */
	uint32_t dbg_trap; /* DR6 bits of a #DB trap to deliver before the next instruction */
	uint32_t eip_mask;    /* 0xFFFF for 16-bit code, 0xFFFFFFFF for 32-bit */
	uint64_t icache_mode; /* the mode part of decoded-instruction cache tags */
	uint64_t insn_budget; /* instructions left in this run */
	uint64_t budget_mark; /* insn_budget when the clock was last synced */

	/* Exception being delivered: set by cpu_raise(), which longjmps here. */
	jmp_buf exc_jmp;
	int exc_vec;
	uint32_t exc_err;
	bool exc_has_err;
	int exc_nesting; /* 0, or the class of the exception being delivered */

	/* Statistics: VMM routine calls by enum vmm_stat (vmm/priv.h),
	 * exceptions by vector, hardware interrupts taken. */
	uint64_t vmm_calls[32];
	uint64_t exceptions[32];
	uint64_t interrupts;

	struct phys_mem *mem;
	struct io_bus *io;
	struct clock *clock;
	struct icache *icache; /* decoded-instruction cache, or NULL for none */
	struct cpu_hooks hooks;

	/* The x87 FPU (cpu/fpu.h). */
	struct fpu fpu;

	/* Paging's software TLB (cpu/mmu.h); last, being the largest. */
	struct mmu_tlb tlb;
};

/* EDX after reset and CPUID.1:EAX: family 6, model 5, stepping 2, a
 * Pentium II. */
#define CPU_SIGNATURE 0x00000652u

void cpu_init(struct cpu *cpu, struct phys_mem *mem, struct io_bus *io, struct clock *clock);

/* Power-on / RESET state: CS=F000 base FFFF0000, EIP=FFF0, real mode. */
void cpu_reset(struct cpu *cpu);

/* Recomputes code32/stack32/cpl from the segment caches and CR0. */
void cpu_update_mode(struct cpu *cpu);

/* Recomputes align_check (CR0.AM, EFLAGS.AC, CPL 3) and sets or clears
 * SEG_ATTR_SLOW in the six segment caches (cpu/seg.c). cpu_update_mode()
 * calls it; so does whatever changes EFLAGS.AC or the data breakpoints. */
void cpu_update_slow_segs(struct cpu *cpu);

/* Raises an exception from inside an instruction: the instruction is
 * abandoned (EIP stays at its start) and the exception is delivered. Never
 * returns. */
_Noreturn void cpu_raise(struct cpu *cpu, int vec);
_Noreturn void cpu_raise_err(struct cpu *cpu, int vec, uint32_t err);

/* Loads a segment register in real mode (or V86): base = sel << 4. */
void cpu_load_seg_real(struct cpu *cpu, int seg, uint16_t sel);

/* Loads a segment register the way the current mode does it (real mode:
 * shift; protected mode: from the descriptor table, with checks). May
 * raise. */
void cpu_load_seg(struct cpu *cpu, int seg, uint16_t sel);

/* Runs up to `budget` instructions; returns why it stopped. Exceptions are
 * delivered inside. Interrupts are taken between instructions when IF=1. */
enum cpu_stop cpu_run(struct cpu *cpu, uint64_t budget);

/* Brings the virtual clock up to date with the instructions retired so far
 * in this run. The run loop counts instructions only in insn_budget and
 * retires them to the clock in batches; anything that reads the time in the
 * middle of a run (port I/O reaching a device, RDTSC) syncs first. */
void cpu_sync_clock(struct cpu *cpu);

/* After a device access: if the device armed a clock event that falls
 * before the end of the current run, shorten the run so the event fires on
 * time instead of at the end of the slice. */
void cpu_after_device_access(struct cpu *cpu);

/* Executes exactly one instruction (or delivers one pending exception);
 * used by the single-step tests and the stepper. */
enum cpu_stop cpu_step(struct cpu *cpu);

/* For another execution engine (the binary translator, translator/): the
 * frame of cpu_run() (budget, exception delivery after a longjmp from a
 * handler, HLT) around the engine's own loop in place of the
 * interpreter's. `loop` runs until it sets cpu->stop; after an exception
 * it is called again. */
enum cpu_stop cpu_run_engine(struct cpu *cpu, uint64_t budget,
			     void (*loop)(struct cpu *cpu, void *opaque), void *opaque);

/* Pieces of the interpreter's loop for such an engine: take a pending
 * NMI or interrupt if one may be taken now (true when one was delivered),
 * and fetch, execute and retire the one instruction at CS:EIP. */
bool cpu_take_interrupt(struct cpu *cpu);
void cpu_exec_one(struct cpu *cpu);

/* Delivers an interrupt or exception through the IVT (real mode) or IDT:
 * pushes FLAGS, CS and `ret_eip` (and the error code), and sets both eip and
 * next_eip to the handler. `software` marks INT n/INT3/INTO (IOPL and gate
 * DPL checks apply). May raise (a fault while delivering). */
void cpu_deliver(struct cpu *cpu, int vec, uint32_t ret_eip, bool has_err, uint32_t err,
		 bool software);

/* The protected-mode half of cpu_deliver (cpu/interrupt_pm.c): through
 * the IDT's interrupt, trap and task gates. */
void cpu_deliver_protected(struct cpu *cpu, int vec, uint32_t ret_eip, bool has_err,
			   uint32_t err, bool software);

/* Protected-mode far transfers and returns through descriptors, shared by
 * the VMM routines (vmm/priv_control.c); in real mode they are plain loads.
 * `opsize` is 2 or 4. */
void cpu_far_jump(struct cpu *cpu, uint16_t sel, uint32_t off, unsigned opsize);
void cpu_far_call(struct cpu *cpu, uint16_t sel, uint32_t off, unsigned opsize);
void cpu_far_return(struct cpu *cpu, unsigned opsize, uint16_t pop_bytes);
void cpu_iret(struct cpu *cpu, unsigned opsize);

/* Writes EFLAGS as POPF/IRET do, honouring which bits the current mode and
 * privilege let the guest change (IOPL only at CPL 0, IF only at CPL <=
 * IOPL, VM never through POPF...). `mask` limits the bits considered (0xFFFF
 * for 16-bit forms). */
void cpu_write_eflags(struct cpu *cpu, uint32_t value, uint32_t mask);

/* --- register accessors --------------------------------------------------- */

/* 8-bit register numbers: AL CL DL BL AH CH DH BH. */
static inline uint8_t cpu_get_r8(const struct cpu *cpu, unsigned r)
{
	return r < 4 ? (uint8_t)cpu->regs[r] : (uint8_t)(cpu->regs[r - 4] >> 8);
}

static inline void cpu_set_r8(struct cpu *cpu, unsigned r, uint8_t v)
{
	if (r < 4)
		cpu->regs[r] = (cpu->regs[r] & 0xFFFFFF00u) | v;
	else
		cpu->regs[r - 4] = (cpu->regs[r - 4] & 0xFFFF00FFu) | ((uint32_t)v << 8);
}

static inline uint16_t cpu_get_r16(const struct cpu *cpu, unsigned r)
{
	return (uint16_t)cpu->regs[r];
}

static inline void cpu_set_r16(struct cpu *cpu, unsigned r, uint16_t v)
{
	cpu->regs[r] = (cpu->regs[r] & 0xFFFF0000u) | v;
}

/* size is 1, 2 or 4 bytes. */
static inline uint32_t cpu_get_reg(const struct cpu *cpu, unsigned r, unsigned size)
{
	if (size == 4)
		return cpu->regs[r];
	if (size == 2)
		return (uint16_t)cpu->regs[r];
	return cpu_get_r8(cpu, r);
}

static inline void cpu_set_reg(struct cpu *cpu, unsigned r, unsigned size, uint32_t v)
{
	if (size == 4)
		cpu->regs[r] = v;
	else if (size == 2)
		cpu_set_r16(cpu, r, (uint16_t)v);
	else
		cpu_set_r8(cpu, r, (uint8_t)v);
}

static inline bool cpu_real_mode(const struct cpu *cpu)
{
	return !(cpu->cr[0] & CR0_PE);
}

static inline bool cpu_v86_mode(const struct cpu *cpu)
{
	return (cpu->cr[0] & CR0_PE) && (cpu->eflags & FLAG_VM);
}

#endif
