/* headless.h: running a machine without a window, for batch use, scripts
 * and CI: the guest's output goes to files or the terminal, and the run's
 * end is reported as a message and an exit status. */
#ifndef POPEK_FRONTEND_HEADLESS_H
#define POPEK_FRONTEND_HEADLESS_H

#include <stdbool.h>

#include "frontend/cli.h"
#include "vmm/machine.h"

/* Runs `m` until it stops for good; returns the process exit status. The
 * output files (--screenshot, --dump-text) are opened before the guest
 * runs, so a bad path ends the run at once with EXIT_USAGE; they are
 * written when the run ends, however it ends. */
int headless_run(struct machine *m, const struct options *o);

/* True when --display text will repaint the screen on a terminal (stdout
 * is one): the screen then owns stdout, so main() unplugs the serial
 * ports and the debug console that would write there. */
bool headless_display_owns_terminal(const struct options *o);

#endif
