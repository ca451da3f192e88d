/* test_clock.c: virtual time, event ordering, re-arming, and the guard
 * against an event that keeps itself due forever. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "vmm/clock.h"

/* Shared log of which event fired, in order. */
struct fire_log {
	int order[64];
	uint64_t when[64];
	unsigned n;
};

struct ev {
	struct fire_log *log;
	struct clock *clk;
	int id;
	int rearm_id;      /* event to arm when this one fires, or -1 */
	uint64_t rearm_at; /* its deadline */
	uint64_t period;   /* re-arm self at deadline + period, 0 = no */
	uint64_t deadline; /* own deadline, tracked for periodic re-arm */
	unsigned fired;
	unsigned limit; /* stop re-arming after this many fires, 0 = never */
};

static void ev_fire(void *opaque, uint64_t now)
{
	struct ev *e = opaque;
	e->fired++;
	if (e->log->n < 64) {
		e->log->order[e->log->n] = e->id;
		e->log->when[e->log->n] = now;
	}
	e->log->n++;
	if (e->rearm_id >= 0)
		clock_arm(e->clk, e->rearm_id, e->rearm_at);
	if (e->period && (!e->limit || e->fired < e->limit)) {
		e->deadline += e->period;
		clock_arm(e->clk, e->id, e->deadline);
	}
}

static struct ev *new_ev(struct clock *c, struct fire_log *log, const char *name)
{
	struct ev *e = calloc(1, sizeof(*e));
	e->log = log;
	e->clk = c;
	e->rearm_id = -1;
	e->id = clock_add_event(c, name, ev_fire, e);
	assert_true(e->id >= 0);
	return e;
}

static void test_time_and_idle(void **state)
{
	struct clock c;
	clock_init(&c);
	assert_int_equal(c.now_ns, 0);
	clock_retire(&c, 5);
	assert_int_equal(c.insns, 5);
	assert_int_equal(c.now_ns, 5 * CLOCK_NS_PER_INSN);
	clock_skip_to(&c, 1000);
	assert_int_equal(c.now_ns, 1000);
	assert_int_equal(c.idle_ns, 1000 - 5 * CLOCK_NS_PER_INSN);
	/* Never backward. */
	clock_skip_to(&c, 10);
	assert_int_equal(c.now_ns, 1000);
	assert_int_equal(c.idle_ns, 1000 - 5 * CLOCK_NS_PER_INSN);
	assert_int_equal(c.insns, 5);
}

static void test_add_and_deadlines(void **state)
{
	struct clock c;
	struct fire_log log = { 0 };
	clock_init(&c);
	assert_true(clock_next_deadline(&c) == CLOCK_NEVER);
	assert_int_equal(clock_run_due(&c), 0);
	struct ev *evs[CLOCK_MAX_EVENTS];
	for (int i = 0; i < CLOCK_MAX_EVENTS; i++) {
		evs[i] = new_ev(&c, &log, "e");
		assert_int_equal(evs[i]->id, i);
	}
	assert_int_equal(clock_add_event(&c, "full", ev_fire, NULL), -1);
	/* Added events are idle. */
	assert_true(clock_next_deadline(&c) == CLOCK_NEVER);
	clock_arm(&c, 7, 500);
	clock_arm(&c, 3, 900);
	assert_true(clock_next_deadline(&c) == 500);
	clock_disarm(&c, 7);
	assert_true(clock_next_deadline(&c) == 900);
	/* Out-of-range ids are ignored. */
	clock_arm(&c, -1, 1);
	clock_arm(&c, CLOCK_MAX_EVENTS, 1);
	assert_true(clock_next_deadline(&c) == 900);
	for (int i = 0; i < CLOCK_MAX_EVENTS; i++)
		free(evs[i]);
}

static void test_order_and_ties(void **state)
{
	struct clock c;
	struct fire_log log = { 0 };
	clock_init(&c);
	struct ev *e0 = new_ev(&c, &log, "e0");
	struct ev *e1 = new_ev(&c, &log, "e1");
	struct ev *e2 = new_ev(&c, &log, "e2");
	struct ev *e3 = new_ev(&c, &log, "e3");
	struct ev *e4 = new_ev(&c, &log, "e4");
	clock_arm(&c, e0->id, 300);
	clock_arm(&c, e1->id, 200);
	clock_arm(&c, e2->id, 100);
	clock_arm(&c, e3->id, 100);
	clock_arm(&c, e4->id, 301);
	clock_skip_to(&c, 300);
	assert_int_equal(clock_run_due(&c), 4);
	assert_int_equal(log.n, 4);
	assert_int_equal(log.order[0], e2->id); /* 100, lower id */
	assert_int_equal(log.order[1], e3->id); /* 100 */
	assert_int_equal(log.order[2], e1->id); /* 200 */
	assert_int_equal(log.order[3], e0->id); /* 300: due exactly now */
	assert_true(log.when[0] == 300);
	/* Fired events are disarmed; the later one waits. */
	assert_true(clock_next_deadline(&c) == 301);
	assert_int_equal(clock_run_due(&c), 0);
	clock_retire(&c, 1);
	assert_int_equal(clock_run_due(&c), 1);
	assert_int_equal(log.order[4], e4->id);
	assert_true(clock_next_deadline(&c) == CLOCK_NEVER);
	free(e0), free(e1), free(e2), free(e3), free(e4);
}

static void test_rearm(void **state)
{
	struct clock c;
	struct fire_log log = { 0 };
	clock_init(&c);
	/* A periodic event catches up on every missed period in one call. */
	struct ev *tick = new_ev(&c, &log, "tick");
	tick->period = 100;
	tick->deadline = 100;
	clock_arm(&c, tick->id, 100);
	/* Another event arms a third one that is already due. */
	struct ev *chain = new_ev(&c, &log, "chain");
	struct ev *late = new_ev(&c, &log, "late");
	chain->rearm_id = late->id;
	chain->rearm_at = 50;
	clock_arm(&c, chain->id, 250);
	clock_skip_to(&c, 1000);
	assert_int_equal(clock_run_due(&c), 12);
	assert_int_equal(tick->fired, 10);
	assert_int_equal(chain->fired, 1);
	assert_int_equal(late->fired, 1);
	/* tick@100, tick@200, chain@250, late@50 (now due, earliest), tick@300 */
	assert_int_equal(log.order[0], tick->id);
	assert_int_equal(log.order[1], tick->id);
	assert_int_equal(log.order[2], chain->id);
	assert_int_equal(log.order[3], late->id);
	assert_int_equal(log.order[4], tick->id);
	assert_true(clock_next_deadline(&c) == 1100);
	free(tick), free(chain), free(late);
}

/* An event that re-arms itself at a deadline that is always due fires a
 * bounded number of times per call and stays armed. */
static void test_runaway_bounded(void **state)
{
	struct clock c;
	struct fire_log log = { 0 };
	clock_init(&c);
	struct ev *bad = new_ev(&c, &log, "bad");
	struct ev *good = new_ev(&c, &log, "good");
	bad->rearm_id = bad->id;
	bad->rearm_at = 0;
	clock_arm(&c, bad->id, 0);
	clock_arm(&c, good->id, 5);
	clock_skip_to(&c, 10);
	unsigned n = clock_run_due(&c);
	assert_true(n > 1 && n <= 1001);
	assert_int_equal(good->fired, 1);
	assert_int_equal(bad->fired, n - 1);
	assert_true(clock_next_deadline(&c) == 0);
	unsigned again = clock_run_due(&c);
	assert_int_equal(again, n - 1);
	free(bad), free(good);
}

int main(void)
{
	/* One test a line. */
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_and_idle),
		cmocka_unit_test(test_add_and_deadlines),
		cmocka_unit_test(test_order_and_ties),
		cmocka_unit_test(test_rearm),
		cmocka_unit_test(test_runaway_bounded),
	};
	/* clang-format on */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
