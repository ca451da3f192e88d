/* clock.c: virtual time and the device event queue (see clock.h).
 *
 * A PC has a few dozen timers at most, so events live in a fixed array and
 * every query scans it; ids are array indexes and never change. Events fire
 * in deadline order, ties broken by id, so a run is deterministic.
 */
#include "vmm/clock.h"

#include <string.h>

/* How many times one event may fire within one clock_run_due call. An event
 * that keeps re-arming itself at or before the current time (a device
 * programmed with a zero period, say) would otherwise loop forever; past the
 * limit it stays armed and fires again on the next call, after the CPU has
 * run, so the guest still makes progress. */
#define CLOCK_MAX_FIRES_PER_RUN 1000

void clock_init(struct clock *c)
{
	memset(c, 0, sizeof(*c));
}

int clock_add_event(struct clock *c, const char *name, void (*fire)(void *, uint64_t), void *opaque)
{
	if (c->count >= CLOCK_MAX_EVENTS)
		return -1;
	c->events[c->count] = (struct clock_event){ CLOCK_NEVER, fire, opaque, name };
	return (int)c->count++;
}

void clock_arm(struct clock *c, int id, uint64_t deadline_ns)
{
	if (id >= 0 && (unsigned)id < c->count) {
		c->events[id].deadline = deadline_ns;
		if (deadline_ns != CLOCK_NEVER)
			c->armed = true;
	}
}

void clock_disarm(struct clock *c, int id)
{
	clock_arm(c, id, CLOCK_NEVER);
}

uint64_t clock_next_deadline(const struct clock *c)
{
	uint64_t next = CLOCK_NEVER;
	for (unsigned i = 0; i < c->count; i++) {
		if (c->events[i].deadline < next)
			next = c->events[i].deadline;
	}
	return next;
}

void clock_skip_to(struct clock *c, uint64_t t)
{
	if (t <= c->now_ns)
		return;
	c->idle_ns += t - c->now_ns;
	c->now_ns = t;
}

unsigned clock_run_due(struct clock *c)
{
	unsigned fired = 0;
	unsigned times[CLOCK_MAX_EVENTS] = { 0 };
	for (;;) {
		/* The earliest due event that has not used up its budget; the
		 * strict comparison keeps the lowest id among equal deadlines. */
		int pick = -1;
		for (unsigned i = 0; i < c->count; i++) {
			const struct clock_event *e = &c->events[i];
			if (e->deadline > c->now_ns || e->deadline == CLOCK_NEVER ||
			    times[i] >= CLOCK_MAX_FIRES_PER_RUN)
				continue;
			if (pick < 0 || e->deadline < c->events[pick].deadline)
				pick = (int)i;
		}
		if (pick < 0)
			return fired;
		struct clock_event *e = &c->events[pick];
		/* Disarm first so fire() can re-arm (or not). */
		e->deadline = CLOCK_NEVER;
		times[pick]++;
		fired++;
		if (e->fire)
			e->fire(e->opaque, c->now_ns);
	}
}
