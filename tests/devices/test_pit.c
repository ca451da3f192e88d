/* test_pit.c: the 8254 and port 0x61 driven through their ports as a
 * guest would, with virtual time moved by hand: each mode's OUT pulse by
 * pulse, counter 0's IRQ edges and how many clock events they cost, BCD,
 * the latch and read-back commands, the null count flag, GATE, and the
 * refresh toggle and counter 2 bits of port 0x61. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "devices/pit.h"
#include "devices/sysctl.h"
#include "vmm/clock.h"
#include "vmm/io_bus.h"

#define MAX_EDGES 4096

struct fixture {
	struct io_bus bus;
	struct clock clk;
	struct pit pit;
	struct sysctl sys;
	int level;                   /* IRQ0 as last driven */
	unsigned edges;              /* rising edges seen on IRQ0 */
	uint64_t edge_at[MAX_EDGES]; /* ... and the pulse of each */
	unsigned events;             /* clock events fired */
};

static void on_irq0(void *opaque, int pin, int level)
{
	struct fixture *f = opaque;
	if (level && !f->level) {
		if (f->edges < MAX_EDGES)
			f->edge_at[f->edges] = pit_pulses(f->clk.now_ns);
		f->edges++;
	}
	f->level = level;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	io_bus_init(&f->bus);
	clock_init(&f->clk);
	if (pit_init(&f->pit, &f->bus, &f->clk, (struct irq_line){ on_irq0, f, 0 }) < 0 ||
	    sysctl_init(&f->sys, &f->bus, &f->clk, &f->pit) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void outb(struct fixture *f, uint16_t port, uint8_t v)
{
	io_write(&f->bus, port, v, 1);
}

static uint8_t inb(struct fixture *f, uint16_t port)
{
	return (uint8_t)io_read(&f->bus, port, 1);
}

/* Moves virtual time forward to the start of pulse `pulse`, firing every
 * clock event on the way at its own deadline, as the dispatcher does. */
static void at(struct fixture *f, uint64_t pulse)
{
	uint64_t target = pit_pulse_ns(pulse);
	assert_true(target >= f->clk.now_ns);
	for (;;) {
		uint64_t next = clock_next_deadline(&f->clk);
		if (next > target)
			break;
		if (next > f->clk.now_ns)
			f->clk.now_ns = next;
		f->events += clock_run_due(&f->clk);
	}
	f->clk.now_ns = target;
	f->events += clock_run_due(&f->clk);
	assert_int_equal(pit_pulses(f->clk.now_ns), pulse);
}

/* Control word, then a 16-bit count LSB first. */
static void program(struct fixture *f, unsigned ch, uint8_t mode_bits, uint16_t count)
{
	outb(f, 0x43, (uint8_t)(ch << 6 | 0x30 | mode_bits));
	outb(f, (uint16_t)(0x40 + ch), (uint8_t)count);
	outb(f, (uint16_t)(0x40 + ch), (uint8_t)(count >> 8));
}

/* Latches and reads a 16-bit count. */
static uint16_t read_count(struct fixture *f, unsigned ch)
{
	outb(f, 0x43, (uint8_t)(ch << 6));
	uint8_t lo = inb(f, (uint16_t)(0x40 + ch));
	return (uint16_t)(lo | inb(f, (uint16_t)(0x40 + ch)) << 8);
}

/* Reads a 16-bit count (latched or not) LSB first. */
static uint16_t read16(struct fixture *f, unsigned ch)
{
	uint8_t lo = inb(f, (uint16_t)(0x40 + ch));
	return (uint16_t)(lo | inb(f, (uint16_t)(0x40 + ch)) << 8);
}

/* Read-back status of one counter. */
static uint8_t read_status(struct fixture *f, unsigned ch)
{
	outb(f, 0x43, (uint8_t)(0xE0 | 2u << ch));
	return inb(f, (uint16_t)(0x40 + ch));
}

static void test_time_base(void **state)
{
	(void)state;
	assert_int_equal(pit_pulses(0), 0);
	assert_int_equal(pit_pulses(1000000000ull), 1193182);
	assert_int_equal(pit_pulses(838), 0);
	assert_int_equal(pit_pulses(839), 1);
	assert_int_equal(pit_pulse_ns(1), 839);
	/* No overflow after days of virtual time. */
	uint64_t day = 86400ull * 1000000000ull;
	assert_int_equal(pit_pulses(day * 30), 1193182ull * 86400 * 30);
	for (uint64_t p = 1; p < 100000000000ull; p = p * 3 + 7) {
		assert_int_equal(pit_pulses(pit_pulse_ns(p)), p);
		assert_int_equal(pit_pulses(pit_pulse_ns(p) - 1), p - 1);
	}
}

static void test_mode0(void **state)
{
	struct fixture *f = *state;
	at(f, 1000);
	program(f, 0, 0x00, 100);
	assert_false(pit_get_out(&f->pit, 0));
	/* Loaded on the next pulse, OUT high when CE reaches 0: N + 1
	 * pulses after the write. */
	at(f, 1001);
	assert_int_equal(read_count(f, 0), 100);
	at(f, 1050);
	assert_int_equal(read_count(f, 0), 51);
	at(f, 1100);
	assert_false(pit_get_out(&f->pit, 0));
	assert_int_equal(read_count(f, 0), 1);
	assert_int_equal(f->edges, 0);
	at(f, 1101);
	assert_true(pit_get_out(&f->pit, 0));
	assert_int_equal(f->edges, 1);
	assert_int_equal(f->edge_at[0], 1101);
	/* CE wraps round and OUT stays high. */
	at(f, 1102);
	assert_int_equal(read_count(f, 0), 0xFFFF);
	at(f, 100000);
	assert_true(pit_get_out(&f->pit, 0));
	assert_int_equal(f->edges, 1);
	assert_int_equal(f->events, 1);

	/* A two-byte rewrite: the first byte stops counting and drops OUT;
	 * the second loads the new count on the next pulse. */
	outb(f, 0x40, 10);
	assert_false(pit_get_out(&f->pit, 0));
	uint16_t held = read_count(f, 0);
	at(f, 100100);
	assert_int_equal(read_count(f, 0), held);
	outb(f, 0x40, 0);
	at(f, 100110);
	assert_false(pit_get_out(&f->pit, 0));
	at(f, 100111);
	assert_true(pit_get_out(&f->pit, 0));
	assert_int_equal(f->edges, 2);
}

static void test_mode0_gate(void **state)
{
	struct fixture *f = *state;
	/* Counter 2's GATE is port 0x61 bit 0, low at reset: the count is
	 * loaded but does not run. */
	at(f, 10);
	program(f, 2, 0x00, 20);
	at(f, 50);
	assert_int_equal(read_count(f, 2), 20);
	assert_false(pit_get_out(&f->pit, 2));
	outb(f, 0x61, 0x01);
	at(f, 60);
	assert_int_equal(read_count(f, 2), 10);
	outb(f, 0x61, 0x00);
	at(f, 500);
	assert_int_equal(read_count(f, 2), 10);
	assert_false(pit_get_out(&f->pit, 2));
	outb(f, 0x61, 0x01);
	at(f, 509);
	assert_false(pit_get_out(&f->pit, 2));
	at(f, 510);
	assert_true(pit_get_out(&f->pit, 2));
	assert_int_equal(inb(f, 0x61) & 0x21, 0x21);
}

static void test_mode1(void **state)
{
	struct fixture *f = *state;
	at(f, 5);
	program(f, 2, 0x02, 5);
	assert_true(pit_get_out(&f->pit, 2));
	/* Nothing happens until a GATE rising edge. */
	at(f, 100);
	assert_true(pit_get_out(&f->pit, 2));
	assert_int_equal(read_status(f, 2) & 0x40, 0x40); /* null count */
	outb(f, 0x61, 0x01);
	assert_true(pit_get_out(&f->pit, 2));
	at(f, 101);
	assert_false(pit_get_out(&f->pit, 2));
	assert_int_equal(read_status(f, 2) & 0xC0, 0x00);
	at(f, 105);
	assert_false(pit_get_out(&f->pit, 2));
	at(f, 106);
	assert_true(pit_get_out(&f->pit, 2));
	/* GATE falling does not matter, even during the one-shot. */
	outb(f, 0x61, 0x00);
	outb(f, 0x61, 0x01);
	outb(f, 0x61, 0x00);
	at(f, 111);
	assert_false(pit_get_out(&f->pit, 2));
	at(f, 112);
	assert_true(pit_get_out(&f->pit, 2));
	/* A new rising edge retriggers, and a retrigger during the one-shot
	 * stretches it. */
	outb(f, 0x61, 0x00);
	at(f, 200);
	outb(f, 0x61, 0x01);
	at(f, 203);
	assert_false(pit_get_out(&f->pit, 2));
	outb(f, 0x61, 0x00);
	outb(f, 0x61, 0x01);
	at(f, 204);
	assert_false(pit_get_out(&f->pit, 2));
	at(f, 208);
	assert_false(pit_get_out(&f->pit, 2));
	at(f, 209);
	assert_true(pit_get_out(&f->pit, 2));
}

/* Counts IRQ0 edges over `pulses` pulses from `from`. */
static unsigned edges_between(struct fixture *f, uint64_t from, uint64_t to)
{
	unsigned n = 0;
	for (unsigned i = 0; i < f->edges && i < MAX_EDGES; i++)
		n += f->edge_at[i] >= from && f->edge_at[i] < to;
	return n;
}

static void test_mode2(void **state)
{
	struct fixture *f = *state;
	at(f, 0);
	program(f, 0, 0x04, 10);
	/* From the power-on state (mode 0 waiting for a count, OUT low) to
	 * mode 2 (OUT high) is a rising edge, as on the part. */
	assert_true(pit_get_out(&f->pit, 0));
	assert_int_equal(f->edges, 1);
	assert_int_equal(f->edge_at[0], 0);
	/* Written at pulse 0, loaded at 1: OUT low at pulse 10 (CE = 1),
	 * high again at 11 with the count reloaded, and so on. */
	at(f, 9);
	assert_true(pit_get_out(&f->pit, 0));
	assert_int_equal(read_count(f, 0), 2);
	at(f, 10);
	assert_false(pit_get_out(&f->pit, 0));
	assert_int_equal(read_count(f, 0), 1);
	at(f, 11);
	assert_true(pit_get_out(&f->pit, 0));
	assert_int_equal(read_count(f, 0), 10);
	at(f, 20);
	assert_false(pit_get_out(&f->pit, 0));
	at(f, 1001);
	assert_int_equal(f->edges, 101);
	for (unsigned i = 0; i < 100; i++)
		assert_int_equal(f->edge_at[1 + i], 11 + 10 * i);
	/* One clock event per edge. */
	assert_int_equal(f->events, 100);

	/* A new count waits for the end of the current period. */
	at(f, 1005);
	outb(f, 0x40, 20);
	outb(f, 0x40, 0);
	assert_int_equal(read_status(f, 0) & 0x40, 0x40);
	at(f, 1011);
	assert_int_equal(read_status(f, 0) & 0x40, 0x00);
	assert_int_equal(read_count(f, 0), 20);
	at(f, 1100);
	assert_int_equal(edges_between(f, 1002, 1100), 5);
	assert_int_equal(f->edge_at[f->edges - 1], 1091);

	/* GATE low forces OUT high and stops; a rising edge restarts. */
	pit_set_gate(&f->pit, 0, false);
	unsigned before = f->edges;
	at(f, 5000);
	assert_int_equal(f->edges, before);
	assert_true(pit_get_out(&f->pit, 0));
	pit_set_gate(&f->pit, 0, true);
	at(f, 5020);
	assert_false(pit_get_out(&f->pit, 0));
	at(f, 5021);
	assert_int_equal(f->edges, before + 1);
}

static void test_mode3(void **state)
{
	struct fixture *f = *state;
	outb(f, 0x61, 0x01);
	at(f, 0);
	program(f, 2, 0x06, 10);
	/* Even count: 5 pulses high (CE 10, 8, ... 2), 5 low. */
	for (unsigned p = 1; p <= 5; p++) {
		at(f, p);
		assert_true(pit_get_out(&f->pit, 2));
		assert_int_equal(read_count(f, 2), 10 - 2 * (p - 1));
	}
	for (unsigned p = 6; p <= 10; p++) {
		at(f, p);
		assert_false(pit_get_out(&f->pit, 2));
	}
	at(f, 11);
	assert_true(pit_get_out(&f->pit, 2));
	assert_int_equal(inb(f, 0x61) & 0x20, 0x20);

	/* Odd count: 5 high, 4 low. The new count waits for the half-cycle
	 * to end (at pulse 16). */
	outb(f, 0x42, 9);
	outb(f, 0x42, 0);
	at(f, 16);
	assert_false(pit_get_out(&f->pit, 2));
	assert_int_equal(read_count(f, 2), 8);
	at(f, 19);
	assert_false(pit_get_out(&f->pit, 2));
	at(f, 20);
	assert_true(pit_get_out(&f->pit, 2));
	assert_int_equal(read_count(f, 2), 8);
	at(f, 24);
	assert_true(pit_get_out(&f->pit, 2));
	assert_int_equal(read_count(f, 2), 0);
	at(f, 25);
	assert_false(pit_get_out(&f->pit, 2));
	at(f, 29);
	assert_true(pit_get_out(&f->pit, 2));

	/* GATE low forces OUT high at once. */
	at(f, 34);
	assert_false(pit_get_out(&f->pit, 2));
	outb(f, 0x61, 0x00);
	assert_true(pit_get_out(&f->pit, 2));
	assert_int_equal(inb(f, 0x61) & 0x20, 0x20);

	/* On counter 0, the IRQ rises at the start of each high half. */
	at(f, 1000);
	program(f, 0, 0x06, 100);
	at(f, 1000 + 1 + 100 * 50);
	assert_int_equal(f->edges, 1 + 50); /* the first from leaving mode 0 */
	assert_int_equal(f->edge_at[1], 1101);
	assert_int_equal(f->edge_at[50], 6001);
	assert_int_equal(f->events, 50);
}

static void test_mode4(void **state)
{
	struct fixture *f = *state;
	at(f, 10);
	program(f, 0, 0x08, 5);
	assert_true(pit_get_out(&f->pit, 0));
	/* Loaded at 11, CE reaches 0 at 16: OUT low for that one pulse. */
	at(f, 15);
	assert_true(pit_get_out(&f->pit, 0));
	at(f, 16);
	assert_false(pit_get_out(&f->pit, 0));
	at(f, 17);
	assert_true(pit_get_out(&f->pit, 0));
	assert_int_equal(f->edges, 2); /* leaving mode 0, then the strobe */
	assert_int_equal(f->edge_at[1], 17);
	at(f, 100000);
	assert_int_equal(f->edges, 2);
	/* Rewriting the count restarts it (single strobe again). */
	outb(f, 0x40, 5);
	outb(f, 0x40, 0);
	at(f, 100006);
	assert_false(pit_get_out(&f->pit, 0));
	/* Rewritten during the strobe: OUT goes high as the new count is
	 * loaded on the next pulse (an edge), and strobes again 5 later. */
	outb(f, 0x40, 5);
	outb(f, 0x40, 0);
	at(f, 100007);
	assert_true(pit_get_out(&f->pit, 0));
	assert_int_equal(f->edges, 3);
	assert_int_equal(f->edge_at[2], 100007);
	at(f, 100012);
	assert_false(pit_get_out(&f->pit, 0));
	at(f, 100013);
	assert_int_equal(f->edges, 4);
}

static void test_mode5(void **state)
{
	struct fixture *f = *state;
	at(f, 10);
	program(f, 2, 0x0A, 3);
	at(f, 50);
	assert_true(pit_get_out(&f->pit, 2));
	pit_set_gate(&f->pit, 2, true);
	/* Loaded at 51, CE 0 at 54. */
	at(f, 53);
	assert_true(pit_get_out(&f->pit, 2));
	at(f, 54);
	assert_false(pit_get_out(&f->pit, 2));
	at(f, 55);
	assert_true(pit_get_out(&f->pit, 2));
	/* Retriggered before the strobe: it moves. */
	pit_set_gate(&f->pit, 2, false);
	pit_set_gate(&f->pit, 2, true);
	at(f, 57);
	pit_set_gate(&f->pit, 2, false);
	pit_set_gate(&f->pit, 2, true);
	at(f, 59);
	assert_true(pit_get_out(&f->pit, 2));
	at(f, 61);
	assert_false(pit_get_out(&f->pit, 2));
}

/* Counter 0 in the GATE-triggered modes (pit_set_gate stands in for a
 * board that wires its GATE): the IRQ rises at the end of mode 1's
 * one-shot and of mode 5's strobe. */
static void test_triggered_modes_irq(void **state)
{
	struct fixture *f = *state;
	pit_set_gate(&f->pit, 0, false);
	at(f, 10);
	program(f, 0, 0x02, 50);       /* mode 1 */
	assert_int_equal(f->edges, 1); /* leaving mode 0 */
	at(f, 100);
	pit_set_gate(&f->pit, 0, true);
	at(f, 1000);
	assert_int_equal(f->edges, 2);
	assert_int_equal(f->edge_at[1], 151);
	program(f, 0, 0x0A, 50); /* mode 5 */
	pit_set_gate(&f->pit, 0, false);
	at(f, 1100);
	pit_set_gate(&f->pit, 0, true);
	at(f, 2000);
	assert_int_equal(f->edges, 3);
	assert_int_equal(f->edge_at[2], 1152);
	assert_int_equal(f->events, 2);
}

/* A count written to counter 0 in mode 3 during a high half-cycle takes
 * over at the end of it: the next IRQ comes after the new count's low
 * half, not the old one's. */
static void test_mode3_new_count_irq(void **state)
{
	struct fixture *f = *state;
	at(f, 0);
	program(f, 0, 0x06, 100); /* loaded at 1: high 1-50, low 51-100 */
	at(f, 110);               /* high half 101-150 */
	outb(f, 0x40, 10);
	outb(f, 0x40, 0);
	at(f, 1000);
	/* New count from 151: low 151-155, then high at 156, and every
	 * 10 pulses after that. */
	assert_int_equal(f->edge_at[1], 101);
	assert_int_equal(f->edge_at[2], 156);
	assert_int_equal(f->edge_at[3], 166);
}

/* Reprogramming counter 0 while its OUT is low (mode 3's low half) raises
 * OUT: an edge, which the IRQ line must show even though the line was not
 * lowered when the half-cycle began. */
static void test_reprogram_edge(void **state)
{
	struct fixture *f = *state;
	at(f, 0);
	program(f, 0, 0x06, 100);
	at(f, 120);
	unsigned before = f->edges;
	at(f, 160); /* low half */
	assert_false(pit_get_out(&f->pit, 0));
	outb(f, 0x43, 0x36);
	assert_true(pit_get_out(&f->pit, 0));
	assert_int_equal(f->edges, before + 1);
	/* In the high half there is no edge. */
	program(f, 0, 0x06, 100);
	at(f, 170);
	outb(f, 0x43, 0x36);
	assert_int_equal(f->edges, before + 1);
}

static void test_bcd(void **state)
{
	struct fixture *f = *state;
	at(f, 0);
	program(f, 0, 0x05, 0x0100); /* mode 2, BCD 100 */
	at(f, 1);
	assert_int_equal(read_count(f, 0), 0x0100);
	at(f, 2);
	assert_int_equal(read_count(f, 0), 0x0099);
	at(f, 90);
	assert_int_equal(read_count(f, 0), 0x0011);
	at(f, 1001);
	assert_int_equal(f->edges, 1 + 10);
	/* BCD 0 is 10000 pulses; in mode 0 CE wraps to 9999. */
	at(f, 2000);
	program(f, 0, 0x01, 0x0000);
	at(f, 2001);
	assert_int_equal(read_count(f, 0), 0x0000);
	at(f, 2002);
	assert_int_equal(read_count(f, 0), 0x9999);
	at(f, 12000);
	assert_false(pit_get_out(&f->pit, 0));
	at(f, 12001);
	assert_true(pit_get_out(&f->pit, 0));
	at(f, 12002);
	assert_int_equal(read_count(f, 0), 0x9999);
	/* Binary 0 is 65536 pulses. */
	at(f, 20000);
	program(f, 0, 0x00, 0);
	at(f, 20002);
	assert_int_equal(read_count(f, 0), 0xFFFF);
	at(f, 20000 + 65536);
	assert_false(pit_get_out(&f->pit, 0));
	at(f, 20001 + 65536);
	assert_true(pit_get_out(&f->pit, 0));
	/* Digits above 9 count at face value, modulo 10000: 0xFFFF is
	 * 16665, that is 6665. */
	at(f, 100000);
	program(f, 0, 0x01, 0xFFFF);
	at(f, 100001);
	assert_int_equal(read_count(f, 0), 0x6665);
	at(f, 100001 + 6664);
	assert_false(pit_get_out(&f->pit, 0));
	at(f, 100001 + 6665);
	assert_true(pit_get_out(&f->pit, 0));
}

static void test_latch(void **state)
{
	struct fixture *f = *state;
	at(f, 0);
	program(f, 1, 0x04, 1000);
	at(f, 101);
	outb(f, 0x43, 0x40); /* latch counter 1 */
	at(f, 200);
	/* A second latch before the read is ignored. */
	outb(f, 0x43, 0x40);
	assert_int_equal(inb(f, 0x41), (900) & 0xFF);
	at(f, 300);
	assert_int_equal(inb(f, 0x41), 900 >> 8);
	/* Released: now a fresh value. */
	assert_int_equal(read_count(f, 1), 1000 - 299);
	/* Unlatched reads follow CE, LSB then MSB. */
	at(f, 401);
	assert_int_equal(inb(f, 0x41), 600 & 0xFF);
	assert_int_equal(inb(f, 0x41), 600 >> 8);

	/* LSB-only and MSB-only access. */
	outb(f, 0x43, 0x54); /* counter 1, LSB only, mode 2 */
	outb(f, 0x41, 200);
	at(f, 402);
	assert_int_equal(inb(f, 0x41), 200);
	assert_int_equal(inb(f, 0x41), 200);
	at(f, 452);
	outb(f, 0x43, 0x40);
	assert_int_equal(inb(f, 0x41), 150);
	assert_int_equal(inb(f, 0x41), 150);
	outb(f, 0x43, 0x64); /* MSB only */
	outb(f, 0x41, 0x02);
	at(f, 453);
	assert_int_equal(inb(f, 0x41), 0x02);
	at(f, 453 + 0x101);
	assert_int_equal(inb(f, 0x41), 0x00);
	/* The control word port does not read. */
	assert_int_equal(inb(f, 0x43), 0xFF);
}

static void test_read_back(void **state)
{
	struct fixture *f = *state;
	at(f, 0);
	outb(f, 0x43, 0xB6); /* counter 2, LSB/MSB, mode 3, binary */
	/* Status: OUT high, null count, the control bits. */
	assert_int_equal(read_status(f, 2), 0xC0 | 0x36);
	outb(f, 0x42, 0x34);
	outb(f, 0x42, 0x12);
	assert_int_equal(read_status(f, 2), 0xC0 | 0x36);
	at(f, 1);
	assert_int_equal(read_status(f, 2), 0x80 | 0x36);
	/* Status and count together: status first, then the count. */
	outb(f, 0x43, 0xC8);
	at(f, 10);
	assert_int_equal(inb(f, 0x42), 0x80 | 0x36);
	assert_int_equal(inb(f, 0x42), 0x34);
	assert_int_equal(inb(f, 0x42), 0x12);
	/* Latch the counts of counters 0 and 1 at once (D4 = 1: no status). */
	program(f, 0, 0x04, 0x5000);
	program(f, 1, 0x04, 0x6000);
	at(f, 20);
	outb(f, 0x43, 0xD6);
	at(f, 500);
	assert_int_equal(read16(f, 0), 0x5000 - 9);
	assert_int_equal(read16(f, 1), 0x6000 - 9);
	assert_int_equal(read16(f, 0), 0x5000 - 489);
	/* A status latched twice keeps the first; a control word drops an
	 * unread latch. */
	at(f, 600);
	outb(f, 0x43, 0xE2);
	outb(f, 0x43, 0x10); /* counter 0, LSB only, mode 0 */
	outb(f, 0x43, 0xE2);
	outb(f, 0x40, 0x05);
	at(f, 601);
	outb(f, 0x43, 0xE2);
	assert_int_equal(inb(f, 0x40), 0x40 | 0x10); /* null count, as latched */
	assert_int_equal(inb(f, 0x40), 0x05);        /* then CE */
	outb(f, 0x43, 0xE2);
	assert_int_equal(inb(f, 0x40), 0x10);
	/* Read-back selecting no counter changes nothing. */
	outb(f, 0x43, 0xC0);
	assert_int_equal(read16(f, 1), 0x6000 - 590);
}

static void test_illegal_counts(void **state)
{
	struct fixture *f = *state;
	/* A count of 1 is illegal in modes 2 and 3: no edges, no events. */
	at(f, 0);
	program(f, 0, 0x04, 1);
	at(f, 10);
	assert_false(pit_get_out(&f->pit, 0));
	assert_int_equal(clock_next_deadline(&f->clk), CLOCK_NEVER);
	program(f, 0, 0x06, 1);
	at(f, 20);
	assert_true(pit_get_out(&f->pit, 0));
	assert_int_equal(clock_next_deadline(&f->clk), CLOCK_NEVER);
	/* Mode 6 and 7 are modes 2 and 3. */
	outb(f, 0x43, 0x3C);
	assert_int_equal(read_status(f, 0) & 0x3F, 0x3C);
	assert_int_equal(f->pit.ctr[0].mode, 2);
}

static void test_late_event(void **state)
{
	struct fixture *f = *state;
	at(f, 0);
	program(f, 0, 0x04, 100);
	unsigned before = f->edges;
	/* The CPU overran many periods: one edge (the PIC would latch only
	 * one anyway), and the next one is in the future. */
	f->clk.now_ns = pit_pulse_ns(100050);
	assert_int_equal(clock_run_due(&f->clk), 1);
	assert_int_equal(f->edges, before + 1);
	assert_int_equal(clock_next_deadline(&f->clk), pit_pulse_ns(100101));
}

static void test_port61(void **state)
{
	struct fixture *f = *state;
	/* The refresh bit toggles every 15.085 us of virtual time. */
	assert_int_equal(inb(f, 0x61) & 0x10, 0x00);
	f->clk.now_ns = 15084;
	assert_int_equal(inb(f, 0x61) & 0x10, 0x00);
	f->clk.now_ns = 15085;
	assert_int_equal(inb(f, 0x61) & 0x10, 0x10);
	f->clk.now_ns = 30169;
	assert_int_equal(inb(f, 0x61) & 0x10, 0x10);
	f->clk.now_ns = 30170;
	assert_int_equal(inb(f, 0x61) & 0x10, 0x00);
	/* Bits 0-3 are stored, the rest read back as status. */
	outb(f, 0x61, 0xFE);
	assert_int_equal(inb(f, 0x61) & 0xCF, 0x0E);
	assert_false(f->pit.ctr[2].gate);
	outb(f, 0x61, 0x03);
	assert_true(f->pit.ctr[2].gate);
	assert_int_equal(inb(f, 0x61) & 0xCF, 0x03);
	/* Bit 5 is counter 2's OUT: mode 0 at power-on is low; a square wave
	 * shows through. */
	assert_int_equal(inb(f, 0x61) & 0x20, 0x00);
	at(f, 100);
	program(f, 2, 0x06, 4);
	at(f, 101);
	assert_int_equal(inb(f, 0x61) & 0x20, 0x20);
	at(f, 103);
	assert_int_equal(inb(f, 0x61) & 0x20, 0x00);
	at(f, 105);
	assert_int_equal(inb(f, 0x61) & 0x20, 0x20);
	/* GATE low: mode 3 holds OUT high. */
	at(f, 107);
	assert_int_equal(inb(f, 0x61) & 0x20, 0x00);
	outb(f, 0x61, 0x02);
	assert_int_equal(inb(f, 0x61) & 0x21, 0x20);
}

/* Random programming of every port, with virtual time moving by random
 * steps: nothing may crash or hang, the event is never left in the past,
 * and a BCD counter always reads as BCD digits. */
static void test_random_programming(void **state)
{
	struct fixture *f = *state;
	uint32_t seed = 12345;
	uint64_t pulse = 0;
	unsigned bcd_reads = 0;
	for (unsigned i = 0; i < 200000; i++) {
		seed = seed * 1103515245u + 12345u;
		uint32_t r = seed >> 8;
		uint16_t port = (uint16_t)(0x40 + (r & 3));
		uint8_t v = (uint8_t)(r >> 4);
		switch ((r >> 12) & 7) {
		case 0:
		case 1: outb(f, port, v); break;
		case 2: outb(f, 0x61, v); break;
		case 3: inb(f, port); break;
		case 4:
			pulse += (r >> 16) & 0x3F;
			at(f, pulse);
			break;
		case 5: {
			/* Latch and read a BCD counter's digits. */
			unsigned ch = r % 3;
			if (f->pit.ctr[ch].bcd && f->pit.ctr[ch].access == 3 &&
			    !f->pit.ctr[ch].latched && !f->pit.ctr[ch].status_latched &&
			    !f->pit.ctr[ch].read_msb) {
				uint16_t c = read_count(f, ch);
				bcd_reads++;
				for (unsigned d = 0; d < 4; d++)
					assert_true(((c >> (4 * d)) & 0xF) <= 9);
			}
			break;
		}
		default: pit_set_gate(&f->pit, r % 3, (r >> 20) & 1); break;
		}
		uint64_t next = clock_next_deadline(&f->clk);
		assert_true(next == CLOCK_NEVER || next > f->clk.now_ns);
	}
	assert_true(bcd_reads > 100);
	assert_true(f->edges > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_base),
		cmocka_unit_test_setup_teardown(test_mode0, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode0_gate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode3, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode5, setup, teardown),
		cmocka_unit_test_setup_teardown(test_triggered_modes_irq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode3_new_count_irq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reprogram_edge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bcd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_latch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_illegal_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port61, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_programming, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
