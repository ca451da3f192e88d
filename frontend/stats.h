/* stats.h: the end-of-run statistics of --stats (lines for people) and
 * --stats=json (one JSON object for scripts), from the counters the CPU,
 * the VMM routines and the clock keep. */
#ifndef POPEK_FRONTEND_STATS_H
#define POPEK_FRONTEND_STATS_H

#include <stdio.h>

#include "vmm/machine.h"

enum stats_format { STATS_TEXT, STATS_JSON };

/* Prints the statistics of the run `m` has made to `out`. host_s is the
 * host time the run took; exit_status is what popek is about to exit
 * with (in the JSON form only). */
void stats_print(FILE *out, const struct machine *m, double host_s, int exit_status,
		 enum stats_format fmt);

#endif
