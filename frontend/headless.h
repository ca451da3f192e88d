/* headless.h: running a machine without a window, for batch use, scripts
 * and CI: the guest's output goes to files or the terminal, and the run's
 * end is reported as a message and an exit status. */
#ifndef POPEK_FRONTEND_HEADLESS_H
#define POPEK_FRONTEND_HEADLESS_H

#include "frontend/cli.h"
#include "vmm/machine.h"

/* Runs `m` until it stops for good; returns the process exit status. */
int headless_run(struct machine *m, const struct options *o);

#endif
