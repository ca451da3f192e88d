/* test_cmos.c: the MC146818 RTC and CMOS RAM driven through ports 0x70/0x71
 * as a guest would, with virtual time moved by hand: the time and calendar
 * advancing once per virtual second (BCD, binary, 12-hour, month and leap
 * year ends, a long idle stretch), the UIP window, the periodic interrupt
 * rate, the alarm with "don't care" bytes, the update-ended interrupt,
 * register C cleared on read, SET and the divider reset, the NMI mask bit,
 * the strict --rtc-base parser and the configuration bytes with their
 * checksum. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "devices/cmos.h"
#include "vmm/clock.h"
#include "vmm/io_bus.h"

#define MS 1000000ull
#define S 1000000000ull

struct fixture {
	struct io_bus bus;
	struct clock clk;
	struct cmos cmos;
	int level;      /* IRQ8 as last driven */
	unsigned edges; /* rising edges */
	uint64_t first_edge, last_edge;
};

static void on_irq8(void *opaque, int pin, int level)
{
	struct fixture *f = opaque;
	if (level && !f->level) {
		if (!f->edges)
			f->first_edge = f->clk.now_ns;
		f->last_edge = f->clk.now_ns;
		f->edges++;
	}
	f->level = level;
}

static struct fixture *make(const struct cmos_config *cfg)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	io_bus_init(&f->bus);
	clock_init(&f->clk);
	assert_int_equal(
		cmos_init(&f->cmos, &f->bus, &f->clk, (struct irq_line){ on_irq8, f, 8 }, cfg), 0);
	return f;
}

static void outb(struct fixture *f, uint16_t port, uint8_t v)
{
	io_write(&f->bus, port, v, 1);
}

static uint8_t inb(struct fixture *f, uint16_t port)
{
	return (uint8_t)io_read(&f->bus, port, 1);
}

static uint8_t rd(struct fixture *f, uint8_t reg)
{
	outb(f, 0x70, reg);
	return inb(f, 0x71);
}

static void wr(struct fixture *f, uint8_t reg, uint8_t v)
{
	outb(f, 0x70, reg);
	outb(f, 0x71, v);
}

/* Moves virtual time to `t`, firing each event at its own deadline, as the
 * dispatcher does. With `ack`, an interrupt is acknowledged as a guest's
 * handler would: by reading register C as soon as the line is high. */
static void run_to(struct fixture *f, uint64_t t, bool ack)
{
	assert_true(t >= f->clk.now_ns);
	for (;;) {
		uint64_t next = clock_next_deadline(&f->clk);
		if (next > t)
			break;
		if (next > f->clk.now_ns)
			f->clk.now_ns = next;
		clock_run_due(&f->clk);
		if (ack && f->level)
			rd(f, RTC_REG_C);
	}
	f->clk.now_ns = t;
	clock_run_due(&f->clk);
	if (ack && f->level)
		rd(f, RTC_REG_C);
}

static int64_t when(const char *s)
{
	int64_t t;
	assert_int_equal(cmos_parse_time(s, &t), 0);
	return t;
}

static struct fixture *make_at(const char *time)
{
	struct cmos_config cfg = { .ram_size = 32u << 20, .rtc_start = when(time) };
	return make(&cfg);
}

static void check_time(struct fixture *f, uint8_t y, uint8_t mo, uint8_t d, uint8_t h, uint8_t mi,
		       uint8_t s)
{
	assert_int_equal(rd(f, RTC_YEAR), y);
	assert_int_equal(rd(f, RTC_MONTH), mo);
	assert_int_equal(rd(f, RTC_DAY_OF_MONTH), d);
	assert_int_equal(rd(f, RTC_HOURS), h);
	assert_int_equal(rd(f, RTC_MINUTES), mi);
	assert_int_equal(rd(f, RTC_SECONDS), s);
}

/* The start time lands in the registers in 24-hour BCD, with the day of
 * the week and the century. */
static void test_start_time(void **state)
{
	struct fixture *f = make_at("2024-02-28T23:59:58");
	check_time(f, 0x24, 0x02, 0x28, 0x23, 0x59, 0x58);
	assert_int_equal(rd(f, RTC_DAY_OF_WEEK), 4); /* Wednesday (Sunday = 1) */
	assert_int_equal(rd(f, CMOS_CENTURY), 0x20);
	assert_int_equal(rd(f, RTC_REG_A), 0x26);
	assert_int_equal(rd(f, RTC_REG_B), RTC_B_24H);
	assert_int_equal(rd(f, RTC_REG_D), RTC_D_VRT);
	free(f);

	f = make_at("1970-01-01T00:00:00");
	check_time(f, 0x70, 0x01, 0x01, 0x00, 0x00, 0x00);
	assert_int_equal(rd(f, RTC_DAY_OF_WEEK), 5); /* Thursday */
	assert_int_equal(rd(f, CMOS_CENTURY), 0x19);
	free(f);
}

/* One update per virtual second, the first half a second after power-on:
 * through midnight into a leap day, then the end of February. */
static void test_time_advances(void **state)
{
	struct fixture *f = make_at("2024-02-28T23:59:58");
	run_to(f, 500 * MS - 1, false);
	check_time(f, 0x24, 0x02, 0x28, 0x23, 0x59, 0x58);
	run_to(f, 500 * MS, false);
	check_time(f, 0x24, 0x02, 0x28, 0x23, 0x59, 0x59);
	run_to(f, 1500 * MS, false);
	check_time(f, 0x24, 0x02, 0x29, 0x00, 0x00, 0x00);
	assert_int_equal(rd(f, RTC_DAY_OF_WEEK), 5);
	/* A day later (in one jump, as after a long HLT): March 1st. */
	run_to(f, 1500 * MS + 86400 * S, false);
	check_time(f, 0x24, 0x03, 0x01, 0x00, 0x00, 0x00);
	assert_int_equal(rd(f, RTC_DAY_OF_WEEK), 6);
	free(f);

	/* New year, and 2023 is not a leap year. */
	f = make_at("2023-12-31T23:59:59");
	run_to(f, 500 * MS, false);
	check_time(f, 0x24, 0x01, 0x01, 0x00, 0x00, 0x00);
	free(f);
	f = make_at("2023-02-28T23:59:59");
	run_to(f, 500 * MS, false);
	check_time(f, 0x23, 0x03, 0x01, 0x00, 0x00, 0x00);
	free(f);
}

/* A long idle stretch (about 400 days of virtual time at once) lands on the
 * right date and day of the week. */
static void test_long_idle(void **state)
{
	struct fixture *f = make_at("2024-01-01T00:00:00"); /* a Monday */
	run_to(f, 500 * MS + (400ull * 86400 + 3661 - 1) * S, false);
	/* 2024-01-01 + 400 days + 1:01:01 = 2025-02-04 01:01:01, a Tuesday. */
	check_time(f, 0x25, 0x02, 0x04, 0x01, 0x01, 0x01);
	assert_int_equal(rd(f, RTC_DAY_OF_WEEK), 3);
	free(f);
}

/* Binary mode: the guest sets DM, writes binary values, and they count in
 * binary. */
static void test_binary_mode(void **state)
{
	struct fixture *f = make_at("2024-06-15T12:00:00");
	wr(f, RTC_REG_B, RTC_B_SET | RTC_B_24H | RTC_B_DM);
	wr(f, RTC_SECONDS, 59);
	wr(f, RTC_MINUTES, 59);
	wr(f, RTC_HOURS, 23);
	wr(f, RTC_DAY_OF_MONTH, 30);
	wr(f, RTC_MONTH, 6);
	wr(f, RTC_YEAR, 99);
	wr(f, RTC_REG_B, RTC_B_24H | RTC_B_DM);
	run_to(f, 500 * MS, false);
	check_time(f, 99, 7, 1, 0, 0, 0);
	run_to(f, 10500 * MS, false);
	assert_int_equal(rd(f, RTC_SECONDS), 10);
	free(f);
}

/* 12-hour mode: 11:59:59 AM -> 12:00:00 PM (bit 7), 12:59:59 PM -> 1 PM,
 * 11:59:59 PM -> 12 AM of the next day. */
static void test_12_hour(void **state)
{
	struct fixture *f = make_at("2024-06-15T00:00:00");
	wr(f, RTC_REG_B, RTC_B_SET);
	wr(f, RTC_HOURS, 0x11);
	wr(f, RTC_MINUTES, 0x59);
	wr(f, RTC_SECONDS, 0x59);
	wr(f, RTC_REG_B, 0);
	run_to(f, 500 * MS, false);
	assert_int_equal(rd(f, RTC_HOURS), 0x92);
	wr(f, RTC_MINUTES, 0x59);
	wr(f, RTC_SECONDS, 0x59);
	run_to(f, 1500 * MS, false);
	assert_int_equal(rd(f, RTC_HOURS), 0x81);
	wr(f, RTC_HOURS, 0x91);
	wr(f, RTC_MINUTES, 0x59);
	wr(f, RTC_SECONDS, 0x59);
	run_to(f, 2500 * MS, false);
	assert_int_equal(rd(f, RTC_HOURS), 0x12);
	assert_int_equal(rd(f, RTC_DAY_OF_MONTH), 0x16);
	free(f);
}

/* UIP reads 1 for exactly the 244 us before each update. */
static void test_uip_window(void **state)
{
	struct fixture *f = make_at("2024-06-15T00:00:00");
	uint64_t update = 2500 * MS;
	run_to(f, update - 245000, false);
	assert_int_equal(rd(f, RTC_REG_A) & RTC_A_UIP, 0);
	run_to(f, update - 244000, false);
	assert_int_equal(rd(f, RTC_REG_A) & RTC_A_UIP, RTC_A_UIP);
	assert_int_equal(rd(f, RTC_SECONDS), 0x02);
	run_to(f, update - 1, false);
	assert_int_equal(rd(f, RTC_REG_A), 0x26 | RTC_A_UIP);
	run_to(f, update, false);
	assert_int_equal(rd(f, RTC_REG_A), 0x26);
	assert_int_equal(rd(f, RTC_SECONDS), 0x03);
	/* SET holds the updates off, and UIP with them. */
	wr(f, RTC_REG_B, RTC_B_SET | RTC_B_24H);
	run_to(f, update + S - 1000, false);
	assert_int_equal(rd(f, RTC_REG_A) & RTC_A_UIP, 0);
	free(f);
}

/* The periodic interrupt at 1024 Hz (rate 6) and 2 Hz (rate 15), counted
 * over one virtual second with a handler that reads C each time. */
static void test_periodic_rate(void **state)
{
	struct fixture *f = make_at("2024-06-15T00:00:00");
	wr(f, RTC_REG_B, RTC_B_24H | RTC_B_PIE);
	run_to(f, S, true);
	assert_int_equal(f->edges, 1024);
	/* The first edge one period after the divider started: 976.5625 us. */
	assert_int_equal(f->first_edge, 976563);
	assert_int_equal(f->last_edge, S);

	f->edges = 0;
	wr(f, RTC_REG_A, 0x2F);
	run_to(f, 3 * S, true);
	assert_int_equal(f->edges, 4);
	assert_int_equal(f->last_edge, 3 * S);

	/* Without reading C, the line stays high: one edge only. */
	f->edges = 0;
	wr(f, RTC_REG_B, RTC_B_24H | RTC_B_PIE | RTC_B_UIE);
	wr(f, RTC_REG_A, 0x23); /* 8192 Hz */
	run_to(f, 3200 * MS, false);
	/* While the line is asserted, nothing is armed (not even the update
	 * UIE wants): more flags cannot change it, so an unserviced 8192 Hz
	 * interrupt costs no events. */
	assert_true(clock_next_deadline(&f->clk) == CLOCK_NEVER);
	run_to(f, 4 * S, false);
	assert_int_equal(f->edges, 1);
	/* (the update at 3.5 s set UF too) */
	assert_int_equal(rd(f, RTC_REG_C), RTC_C_IRQF | RTC_C_PF | RTC_C_UF);
	assert_int_equal(f->level, 0);

	/* Rate 1 is 256 Hz with the 32.768 kHz time base (not 32768 Hz). */
	f->edges = 0;
	wr(f, RTC_REG_B, RTC_B_24H | RTC_B_PIE);
	wr(f, RTC_REG_A, 0x21);
	run_to(f, 5 * S, true);
	assert_int_equal(f->edges, 256);
	free(f);
}

/* The periodic flag is set whether or not its interrupt is enabled; rate 0
 * turns it off. */
static void test_periodic_flag_without_interrupt(void **state)
{
	struct fixture *f = make_at("2024-06-15T00:00:00");
	rd(f, RTC_REG_C);
	run_to(f, 100 * MS, false);
	assert_int_equal(rd(f, RTC_REG_C), RTC_C_PF);
	assert_int_equal(f->edges, 0);
	wr(f, RTC_REG_A, 0x20);
	run_to(f, 200 * MS, false);
	assert_int_equal(rd(f, RTC_REG_C), 0);
	free(f);
}

/* Update-ended flag and interrupt, and register C cleared by reading. */
static void test_update_interrupt_and_c_clear(void **state)
{
	struct fixture *f = make_at("2024-06-15T00:00:00");
	wr(f, RTC_REG_A, 0x20); /* no periodic flag to get in the way */
	run_to(f, 600 * MS, false);
	assert_int_equal(rd(f, RTC_REG_C), RTC_C_UF); /* no IRQF: UIE is off */
	assert_int_equal(rd(f, RTC_REG_C), 0);
	assert_int_equal(f->edges, 0);

	wr(f, RTC_REG_B, RTC_B_24H | RTC_B_UIE);
	run_to(f, 5600 * MS, true);
	assert_int_equal(f->edges, 5);
	assert_int_equal(f->first_edge, 1500 * MS);
	assert_int_equal(f->last_edge, 5500 * MS);

	/* Enabling UIE with UF already pending asserts the line at once. */
	wr(f, RTC_REG_B, RTC_B_24H);
	run_to(f, 6600 * MS, false);
	assert_int_equal(f->level, 0);
	wr(f, RTC_REG_B, RTC_B_24H | RTC_B_UIE);
	assert_int_equal(f->level, 1);
	assert_int_equal(rd(f, RTC_REG_C), RTC_C_IRQF | RTC_C_UF);
	assert_int_equal(f->level, 0);
	free(f);
}

/* The alarm: exact, and with "don't care" bytes. */
static void test_alarm(void **state)
{
	struct fixture *f = make_at("2024-06-15T10:20:30");
	wr(f, RTC_REG_A, 0x20);
	wr(f, RTC_SECONDS_ALARM, 0x33);
	wr(f, RTC_MINUTES_ALARM, 0x20);
	wr(f, RTC_HOURS_ALARM, 0x10);
	wr(f, RTC_REG_B, RTC_B_24H | RTC_B_AIE);
	run_to(f, 10 * S, true);
	assert_int_equal(f->edges, 1);
	assert_int_equal(f->first_edge, 2500 * MS); /* 10:20:33 */

	/* Seconds 0x00 with minutes and hours "don't care": once a minute. */
	f->edges = 0;
	wr(f, RTC_SECONDS_ALARM, 0x00);
	wr(f, RTC_MINUTES_ALARM, 0xC0);
	wr(f, RTC_HOURS_ALARM, 0xFF);
	run_to(f, 190 * S, true);
	assert_int_equal(f->edges, 3); /* 10:21:00, 10:22:00, 10:23:00 */
	assert_int_equal(f->first_edge, 29500 * MS);

	/* All three "don't care": every second; AF also without AIE. */
	wr(f, RTC_SECONDS_ALARM, 0xC0);
	wr(f, RTC_MINUTES_ALARM, 0xC0);
	wr(f, RTC_HOURS_ALARM, 0xC0);
	wr(f, RTC_REG_B, RTC_B_24H);
	rd(f, RTC_REG_C);
	run_to(f, 191 * S, false);
	assert_int_equal(rd(f, RTC_REG_C), RTC_C_AF | RTC_C_UF);
	free(f);
}

/* SET freezes the time and clears UIE; clearing it lets the time go on. */
static void test_set_freezes(void **state)
{
	struct fixture *f = make_at("2024-06-15T10:20:30");
	wr(f, RTC_REG_B, RTC_B_24H | RTC_B_UIE);
	wr(f, RTC_REG_B, RTC_B_24H | RTC_B_UIE | RTC_B_SET);
	assert_int_equal(rd(f, RTC_REG_B), RTC_B_24H | RTC_B_SET);
	run_to(f, 3 * S, false);
	assert_int_equal(rd(f, RTC_SECONDS), 0x30);
	assert_int_equal(rd(f, RTC_REG_C) & RTC_C_UF, 0);
	wr(f, RTC_REG_B, RTC_B_24H);
	run_to(f, 4 * S, false);
	assert_int_equal(rd(f, RTC_SECONDS), 0x31); /* the update at 3.5 s */
	free(f);
}

/* The divider in reset stops the clock; leaving reset starts the chain so
 * the first update comes half a second later. */
static void test_divider_reset(void **state)
{
	struct fixture *f = make_at("2024-06-15T10:20:30");
	wr(f, RTC_REG_A, 0x70);
	run_to(f, 5 * S, false);
	assert_int_equal(rd(f, RTC_SECONDS), 0x30);
	assert_int_equal(rd(f, RTC_REG_A) & RTC_A_UIP, 0);
	run_to(f, 5200 * MS, false);
	wr(f, RTC_REG_A, 0x26);
	run_to(f, 5700 * MS - 1, false);
	assert_int_equal(rd(f, RTC_SECONDS), 0x30);
	run_to(f, 5700 * MS, false);
	assert_int_equal(rd(f, RTC_SECONDS), 0x31);
	/* UIP is read-only; C and D ignore writes. */
	wr(f, RTC_REG_A, 0xA6);
	assert_int_equal(rd(f, RTC_REG_A) & 0x7F, 0x26);
	wr(f, RTC_REG_D, 0x00);
	assert_int_equal(rd(f, RTC_REG_D), RTC_D_VRT);
	free(f);
}

/* Port 0x70 bit 7 masks NMI and does not select a byte; 0x70 reads 0xFF. */
static void test_nmi_mask_and_index(void **state)
{
	struct fixture *f = make_at("2024-06-15T10:20:30");
	assert_false(cmos_nmi_masked(&f->cmos));
	outb(f, 0x70, 0x80 | 0x40);
	assert_true(cmos_nmi_masked(&f->cmos));
	outb(f, 0x71, 0x5A);
	assert_int_equal(cmos_read_ram(&f->cmos, 0x40), 0x5A);
	outb(f, 0x70, 0x40);
	assert_false(cmos_nmi_masked(&f->cmos));
	assert_int_equal(inb(f, 0x71), 0x5A);
	assert_int_equal(inb(f, 0x70), 0xFF);
	cmos_write_ram(&f->cmos, 0x7F + 0x80, 0x11); /* index taken modulo 128 */
	assert_int_equal(rd(f, 0x7F), 0x11);
	free(f);
}

static unsigned checksum(struct fixture *f)
{
	unsigned sum = 0;
	for (uint8_t i = 0x10; i <= 0x2D; i++)
		sum += rd(f, i);
	return sum;
}

/* Memory sizes, equipment, disks, boot order and the checksum. */
static void test_config_bytes(void **state)
{
	struct cmos_config cfg = { .ram_size = 32u << 20,
				   .boot_order = "cd",
				   .hard_disks = CMOS_HD0 };
	struct fixture *f = make(&cfg);
	assert_int_equal(rd(f, 0x15) | rd(f, 0x16) << 8, 640);
	assert_int_equal(rd(f, 0x17) | rd(f, 0x18) << 8, 31 * 1024);
	assert_int_equal(rd(f, 0x30) | rd(f, 0x31) << 8, 31 * 1024);
	assert_int_equal(rd(f, 0x34) | rd(f, 0x35) << 8, 16 * 16);
	assert_int_equal(rd(f, 0x14), 0x00);
	assert_int_equal(rd(f, 0x10), 0x00);
	assert_int_equal(rd(f, 0x12), 0xF0);
	assert_int_equal(rd(f, 0x19), 47);
	assert_int_equal(rd(f, 0x3D), 0x32);
	assert_int_equal(rd(f, 0x38), 0x00);
	assert_int_equal(checksum(f), rd(f, 0x2E) << 8 | rd(f, 0x2F));
	assert_int_not_equal(checksum(f), 0);
	/* The sum covers 0x10 to 0x2D, both ends. */
	cmos_write_ram(&f->cmos, 0x10, 0x80);
	cmos_write_ram(&f->cmos, 0x2D, 0x5A);
	cmos_update_checksum(&f->cmos);
	assert_int_equal(checksum(f), rd(f, 0x2E) << 8 | rd(f, 0x2F));
	cmos_write_ram(&f->cmos, 0x10, 0);
	cmos_write_ram(&f->cmos, 0x2D, 0);
	/* A board attaching its disks later keeps the checksum right. */
	cmos_set_hard_disks(&f->cmos, CMOS_HD0 | CMOS_HD1);
	assert_int_equal(rd(f, 0x12), 0xFF);
	assert_int_equal(checksum(f), rd(f, 0x2E) << 8 | rd(f, 0x2F));
	free(f);

	cfg = (struct cmos_config){
		.ram_size = 128u << 20, .boot_order = "dca", .fpu = true, .ps2_mouse = true
	};
	f = make(&cfg);
	assert_int_equal(rd(f, 0x17) | rd(f, 0x18) << 8, 0xFFFF);
	assert_int_equal(rd(f, 0x34) | rd(f, 0x35) << 8, (128 - 16) * 16);
	assert_int_equal(rd(f, 0x14), 0x06);
	assert_int_equal(rd(f, 0x12), 0x00);
	assert_int_equal(rd(f, 0x3D), 0x23);
	assert_int_equal(rd(f, 0x38), 0x10);
	assert_int_equal(checksum(f), rd(f, 0x2E) << 8 | rd(f, 0x2F));
	free(f);

	/* Small memory: nothing above 1 MiB or 16 MiB. */
	cfg = (struct cmos_config){ .ram_size = 1u << 20 };
	f = make(&cfg);
	assert_int_equal(rd(f, 0x17) | rd(f, 0x18) << 8, 0);
	assert_int_equal(rd(f, 0x34) | rd(f, 0x35) << 8, 0);
	assert_int_equal(rd(f, 0x3D), 0);
	free(f);
}

static void test_bad_boot_order(void **state)
{
	const char *bad[] = { "x", "cdan", "C", "c d" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct io_bus bus;
		struct clock clk;
		struct cmos c;
		struct cmos_config cfg = { .ram_size = 32u << 20, .boot_order = bad[i] };
		io_bus_init(&bus);
		clock_init(&clk);
		assert_int_equal(cmos_init(&c, &bus, &clk, (struct irq_line){ 0 }, &cfg), -1);
	}
}

static void test_parse_time(void **state)
{
	int64_t t;
	assert_int_equal(cmos_parse_time("1970-01-01T00:00:00", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(cmos_parse_time("2000-03-01T00:00:00", &t), 0);
	assert_int_equal(t, 951868800);
	assert_int_equal(cmos_parse_time("2024-02-29T12:34:56", &t), 0);
	assert_int_equal(t, 1709210096);
	assert_int_equal(cmos_parse_time("2099-12-31T23:59:59", &t), 0);
	const char *bad[] = {
		"2023-02-29T00:00:00", "2024-13-01T00:00:00",
		"2024-00-10T00:00:00", "2024-04-31T00:00:00",
		"2024-01-01T24:00:00", "2024-01-01T00:60:00",
		"2024-01-01T00:00:60", "1969-12-31T23:59:59",
		"2100-01-01T00:00:00", "2024-01-01 00:00:00",
		"2024-1-01T00:00:00",  "2024-01-01T00:00:00Z",
		"2024-01-01T00:00",    "",
		"+024-01-01T00:00:00", "2024-01-01T0a:00:00",
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cmos_parse_time(bad[i], &t), -1);
}

/* The ports are taken once: a second CMOS on the same bus is refused. */
static void test_port_conflict(void **state)
{
	struct fixture *f = make_at("2024-06-15T10:20:30");
	struct cmos other;
	struct cmos_config cfg = { .ram_size = 32u << 20 };
	assert_int_equal(cmos_init(&other, &f->bus, &f->clk, (struct irq_line){ 0 }, &cfg), -1);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_time),
		cmocka_unit_test(test_time_advances),
		cmocka_unit_test(test_long_idle),
		cmocka_unit_test(test_binary_mode),
		cmocka_unit_test(test_12_hour),
		cmocka_unit_test(test_uip_window),
		cmocka_unit_test(test_periodic_rate),
		cmocka_unit_test(test_periodic_flag_without_interrupt),
		cmocka_unit_test(test_update_interrupt_and_c_clear),
		cmocka_unit_test(test_alarm),
		cmocka_unit_test(test_set_freezes),
		cmocka_unit_test(test_divider_reset),
		cmocka_unit_test(test_nmi_mask_and_index),
		cmocka_unit_test(test_config_bytes),
		cmocka_unit_test(test_bad_boot_order),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_port_conflict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
