/* stepper.h: the teaching stepper (--step): a terminal UI, or a script of
 * commands, that walks a guest one instruction at a time and shows what
 * the CPU and the VMM do with each.
 *
 * It starts wherever the machine is (at the reset vector for a fresh one)
 * and returns when the user quits. The panes: registers and flags, segment
 * registers with their hidden descriptors, the disassembly around EIP, the
 * stack, a memory view, and the VMM pane (is this instruction run as it is,
 * or rewritten into a call to which vmm_* routine). The commands: step,
 * next, continue, until, break, catch, watch, walk, gdt, idt, x, help...
 * (`help` lists them; frontend/stepper_views.c has the text).
 */
#ifndef POPEK_FRONTEND_STEPPER_H
#define POPEK_FRONTEND_STEPPER_H

#include "frontend/cli.h"
#include "vmm/machine.h"

/* Runs the stepper on `m`: with o->step_script (a file, or "-" for stdin)
 * or when stdin or stdout is not a terminal, commands are read line by
 * line and the panes printed as text after each; on a terminal, the
 * ncurses UI. Returns the exit status: 0 when the user quits, EXIT_USAGE
 * (after a one-line message) when the script cannot be opened or there is
 * neither a terminal nor a script. */
int stepper_run(struct machine *m, const struct options *o);

#endif
