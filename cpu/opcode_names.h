/* opcode_names.h: the C names of the VMM routines the opcode table points
 * at, for tools that explain what an instruction turns into.
 *
 * The opcode table (cpu/opcode_table.c) holds handler pointers; a pointer
 * says nothing to a person. The stepper's VMM pane shows which vmm_*
 * routine (vmm/priv.h) an instruction is rewritten into, and which VMM
 * counter that routine bumps, so a user can match the pane with --stats.
 */
#ifndef POPEK_CPU_OPCODE_NAMES_H
#define POPEK_CPU_OPCODE_NAMES_H

#include "cpu/opcode.h"

struct vmm_routine_info {
	x86_handler handler;
	const char *name; /* "vmm_cli" */
	int stat;         /* the enum vmm_stat counter the routine bumps */
};

/* The entry of a vmm_* routine, or NULL when `h` is not one (an ordinary
 * op_* handler). */
const struct vmm_routine_info *vmm_routine_lookup(x86_handler h);

/* Every routine declared in vmm/priv.h, in its order; `count` gets their
 * number. */
const struct vmm_routine_info *vmm_routine_list(unsigned *count);

#endif
