/* clock.h: virtual time and the event queue devices schedule on.
 *
 * Virtual time is derived from retired instructions: the virtual CPU runs
 * at CLOCK_NS_PER_INSN nanoseconds per instruction (a 100 MIPS machine), so a
 * headless run is deterministic: the same inputs give the same output and
 * instruction count. HLT skips virtual time forward to the next deadline.
 * The host clock is never read here.
 */
#ifndef POPEK_VMM_CLOCK_H
#define POPEK_VMM_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define CLOCK_NS_PER_INSN 10
#define CLOCK_NEVER UINT64_MAX
#define CLOCK_MAX_EVENTS 32

struct clock_event {
	uint64_t deadline;                          /* CLOCK_NEVER when idle */
	void (*fire)(void *opaque, uint64_t now);   /* may re-arm itself */
	void *opaque;
	const char *name;
};

struct clock {
	uint64_t now_ns;      /* virtual time of the last retired instruction */
	uint64_t insns;       /* instructions retired since power-on */
	uint64_t idle_ns;     /* time skipped by HLT */
	struct clock_event events[CLOCK_MAX_EVENTS];
	unsigned count;
	/* Set by clock_arm: a device scheduled something, perhaps earlier
	 * than the deadline the CPU is running towards (see cpu_clip_budget). */
	bool armed;
};

void clock_init(struct clock *c);

/* Adds an (idle) event and returns its id, or -1 when the table is full. */
int clock_add_event(struct clock *c, const char *name, void (*fire)(void *, uint64_t),
		    void *opaque);
void clock_arm(struct clock *c, int id, uint64_t deadline_ns);
void clock_disarm(struct clock *c, int id);

/* The earliest deadline, or CLOCK_NEVER. */
uint64_t clock_next_deadline(const struct clock *c);

/* Accounts for `n` retired instructions. */
static inline void clock_retire(struct clock *c, uint64_t n)
{
	c->insns += n;
	c->now_ns += n * CLOCK_NS_PER_INSN;
}

/* Skips idle time up to `t` (a HLT waiting for the next event). */
void clock_skip_to(struct clock *c, uint64_t t);

/* Fires every event whose deadline has passed, earliest first. Returns how
 * many fired. */
unsigned clock_run_due(struct clock *c);

#endif
