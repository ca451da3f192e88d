/* task.h: hardware task switching through TSS descriptors and task gates,
 * and the inner-stack pointers a TSS holds for privilege changes.
 *
 * A task switch is started by a far JMP or CALL to a TSS descriptor or a
 * task gate (cpu/far.c), by an interrupt or exception through a task gate
 * in the IDT (cpu/interrupt_pm.c), or by IRET with EFLAGS.NT set (back to
 * the task named by the current TSS's back link, cpu/far.c).
 */
#ifndef POPEK_CPU_TASK_H
#define POPEK_CPU_TASK_H

#include <stdint.h>

#include "cpu/cpu.h"
#include "cpu/seg.h"

/* What started a task switch: it decides the busy bits, NT and the back
 * link (SDM vol. 3, table 7-2). */
enum task_source {
	TASK_FROM_JMP,  /* old task not busy; new task busy */
	TASK_FROM_CALL, /* both busy; new NT set, new back link = old TSS */
	TASK_FROM_INT,  /* as CALL: an interrupt or exception through a task gate */
	TASK_FROM_IRET, /* old task not busy, its NT cleared; new task already busy */
};

/* The TSS descriptor `sel` names, for a task switch: the selector must be
 * in the GDT, the descriptor a TSS (busy for IRET, available otherwise) and
 * present. Violations raise `bad_vec` (#GP for JMP/CALL/INT, #TS for IRET)
 * or #NP, with the selector (plus `ext`) as error code. */
void task_fetch_tss(struct cpu *cpu, uint16_t sel, bool busy, int bad_vec, uint32_t ext,
		    struct seg_desc *d);

/* Switches to the task of TSS descriptor `d` (selector `sel`, already
 * checked by task_fetch_tss or the caller): saves the current task in its
 * TSS with EIP = `ret_eip`, loads the new one and sets CR0.TS. Faults
 * found while loading the new task's segments are raised after the switch,
 * in the new task's context (cpu->eip is then the new task's EIP). Does
 * not check EIP against the new CS limit: the caller does, after pushing
 * an error code if it has one. */
void cpu_task_switch(struct cpu *cpu, uint16_t sel, struct seg_desc *d, enum task_source src,
		     uint32_t ret_eip);

/* The SS:ESP the current TSS holds for privilege level `dpl` (0-2), for a
 * CALL through a gate or an interrupt to an inner level. #TS(TR) when the
 * TSS is too short to hold them. */
void tss_inner_stack(struct cpu *cpu, unsigned dpl, uint16_t *ss, uint32_t *esp);

/* Whether TR holds a 32-bit TSS (types 9 and 11). */
static inline bool tss_is_32(const struct seg_cache *tr)
{
	return (tr->attr & 0x8u) != 0;
}

#endif
