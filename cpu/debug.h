/* debug.h: the debug registers at work: instruction breakpoints (a #DB
 * fault before the instruction at DRn runs), data breakpoints (a #DB trap
 * after an instruction touched a watched address), the resume flag, the
 * single-step and task-switch traps, and alignment checking (#AC).
 *
 * None of this may slow down a guest that does not use it. Two mechanisms
 * keep it off the common paths:
 *  - Between instructions, the run loop looks only at cpu->attention; the
 *    `debug` byte inside it is non-zero only while an instruction
 *    breakpoint is armed, a #DB trap is pending or RF is set.
 *  - Memory operands take the inline fast path of cpu_linear() unless the
 *    segment cache carries SEG_ATTR_SLOW, which cpu_update_slow_segs()
 *    (cpu/seg.c) sets in all six caches only while alignment checking is
 *    live or a data breakpoint is armed. The slow path then calls
 *    cpu_seg_watch(), which does both checks.
 *  - I/O breakpoints (DR7 R/W = 10b, defined only with CR4.DE) are looked
 *    for by cpu_check_io() (vmm/priv_io.c) only while cpu_debug_io_armed()
 *    says one may be enabled: port I/O is a VMM call anyway, and the test
 *    is two loads.
 */
#ifndef POPEK_CPU_DEBUG_H
#define POPEK_CPU_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

/* Bits of cpu->debug (part of the run loop's attention word). */
enum {
	DEBUG_CODE_BP = 1u << 0, /* an instruction breakpoint is enabled in DR7 */
	DEBUG_TRAP = 1u << 1,    /* cpu->dbg_trap holds a #DB trap to deliver */
	DEBUG_RF = 1u << 2,      /* EFLAGS.RF may be set: clear it at the next instruction */
};

/* DR6 status bits. */
enum {
	DR6_B_MASK = 0xFu, /* B0-B3: breakpoint n matched */
	DR6_BD = 1u << 13, /* a MOV DRn hit DR7.GD */
	DR6_BS = 1u << 14, /* single step (TF) */
	DR6_BT = 1u << 15, /* task switch into a TSS with its T bit set */
};

/* DR7 control bits: L0/G0 at bits 0/1 (and so on for DR1-DR3), then per
 * breakpoint a 2-bit R/W field at 16 + 4n and a 2-bit LEN field at 18 + 4n. */
enum {
	DR7_LOCAL_ENABLES = 0x155u, /* L0-L3 and LE: cleared by a task switch */
	DR7_GD = 1u << 13,
	DR7_RW_EXEC = 0,
	DR7_RW_WRITE = 1,
	DR7_RW_IO = 2,
	DR7_RW_ACCESS = 3,
};

/* Recomputes the armed breakpoints after DR0-DR7 changed (MOV DRn, a task
 * switch clearing DR7's local enables, reset). */
void cpu_debug_update(struct cpu *cpu);

/* Between instructions, with DEBUG_TRAP set: delivers the pending #DB trap
 * (DR6 gets its bits). Returns true when one was delivered. */
bool cpu_debug_deliver_trap(struct cpu *cpu);

/* Right before an instruction, with cpu->debug non-zero: clears RF (which
 * suppresses instruction breakpoints for this one instruction), or raises
 * the #DB fault of an instruction breakpoint at CS:EIP. */
void cpu_debug_before_insn(struct cpu *cpu);

/* The single-step trap after an instruction that began with TF set,
 * merged with any data breakpoint the instruction hit. */
void cpu_debug_single_step(struct cpu *cpu);

/* Marks a #DB trap (DR6 bits) to deliver before the next instruction. */
static inline void cpu_debug_post_trap(struct cpu *cpu, uint32_t dr6_bits)
{
	cpu->dbg_trap |= dr6_bits;
	cpu->debug |= DEBUG_TRAP;
}

/* Call after anything that may have set EFLAGS.RF (IRET, a task switch),
 * so that the run loop clears it after the next instruction. */
static inline void cpu_debug_note_rf(struct cpu *cpu)
{
	if (cpu->eflags & FLAG_RF)
		cpu->debug |= DEBUG_RF;
}

/* Whether an I/O breakpoint may be enabled: CR4.DE gives R/W = 10b its
 * meaning, and some breakpoint must be enabled at all (L0-L3, G0-G3).
 * Exact matching is cpu_debug_io()'s business. */
static inline bool cpu_debug_io_armed(const struct cpu *cpu)
{
	return (cpu->cr[4] & CR4_DE) && (cpu->dr[7] & 0xFFu);
}

/* After the permission check of an access to ports port..port+size-1,
 * with cpu_debug_io_armed(): posts a #DB trap with DR6.Bn for every
 * enabled I/O breakpoint whose range overlaps it. The trap is delivered
 * after the instruction (after the current iteration of REP INS/OUTS). */
void cpu_debug_io(struct cpu *cpu, uint16_t port, unsigned size);

/* The checks of a memory operand access while SEG_ATTR_SLOW is set, called
 * by cpu_seg_check_slow() once the segment checks passed: #AC(0) for a
 * misaligned access when alignment checking is live, and data breakpoint
 * matching (a hit posts a #DB trap). */
void cpu_seg_watch(struct cpu *cpu, uint32_t lin, unsigned size, bool write);

#endif
