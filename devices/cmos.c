/* cmos.c: the MC146818 real-time clock and CMOS RAM (see cmos.h).
 *
 * Time is lazy: nothing runs while the guest is not looking. Every access
 * first brings the clock up to the current virtual time (rtc_sync): it
 * counts the update cycles and periodic-interrupt edges that fell since the
 * last access, advances the time registers once per update and sets the
 * flags in register C. A clock event is armed only for the next edge that
 * would raise IRQ8 (an enabled flag that is not already pending), so an
 * RTC whose interrupts are off or already asserted costs nothing.
 *
 * The model of the chip's timing: a 32.768 kHz divider chain that starts
 * counting when the divider leaves reset (register A DV = 010). The first
 * update cycle ends half a second later, then one per second; the update is
 * taken as instantaneous at its end, and UIP reads 1 for the 244 us before
 * it, as the datasheet guarantees software that sees UIP = 0 at least 244 us
 * of stable registers. The periodic flag follows the divider tap register A
 * selects. Any other DV value stops the clock (the PC's crystal is always
 * 32.768 kHz, so the other time bases would not keep time).
 */
#include "devices/cmos.h"

#include <string.h>

#include "vmm/clock.h"
#include "vmm/io_bus.h"

#define NS_PER_S 1000000000ull
#define SECONDS_PER_DAY 86400ull
/* UIP is set this long before each update. */
#define RTC_UIP_NS 244000ull
/* The first update after the divider leaves reset. */
#define RTC_FIRST_UPDATE_NS 500000000ull
/* One tick of the 32.768 kHz chain is 1953125/64 ns exactly. */
#define RTC_TICK_NUM 1953125ull
#define RTC_TICK_DEN 64ull
/* The chip's calendar (two-digit year, leap every fourth) and its day of
 * the week both repeat after this many days: 100 years of 36525 days, times
 * seven. Used to bound the catch-up after a very long idle stretch. */
#define RTC_CALENDAR_CYCLE_DAYS (36525ull * 7)

/* Power-on values of the status registers, as firmware programs them:
 * divider running at 32.768 kHz with a 1024 Hz periodic rate; 24-hour BCD
 * with no interrupts; valid RAM and time. */
#define RTC_A_DEFAULT 0x26
#define RTC_B_DEFAULT RTC_B_24H

/* --- Time arithmetic ------------------------------------------------------ */

/* 32.768 kHz ticks elapsed `ns` after the origin (floor). */
static uint64_t rtc_ticks(uint64_t ns)
{
	return ns / RTC_TICK_NUM * RTC_TICK_DEN + ns % RTC_TICK_NUM * RTC_TICK_DEN / RTC_TICK_NUM;
}

/* The first nanosecond at which tick `n` has happened (ceiling). */
static uint64_t rtc_tick_time(uint64_t n)
{
	return n / RTC_TICK_DEN * RTC_TICK_NUM +
	       (n % RTC_TICK_DEN * RTC_TICK_NUM + RTC_TICK_DEN - 1) / RTC_TICK_DEN;
}

/* Update cycles completed `ns` after the origin. */
static uint64_t rtc_updates_done(uint64_t ns)
{
	if (ns < RTC_FIRST_UPDATE_NS)
		return 0;
	return (ns - RTC_FIRST_UPDATE_NS) / NS_PER_S + 1;
}

/* The periodic interrupt's period in divider ticks, 0 for none. With the
 * 32.768 kHz time base, rates 1 and 2 give 256 and 128 Hz (the same taps as
 * rates 8 and 9); rates 3-15 give 8192 Hz down to 2 Hz. */
static uint64_t rtc_periodic_ticks(const struct cmos *c)
{
	unsigned rs = c->ram[RTC_REG_A] & RTC_A_RS_MASK;
	if (rs == 0)
		return 0;
	if (rs <= 2)
		return 1ull << (rs + 6);
	return 1ull << (rs - 1);
}

static bool rtc_running(const struct cmos *c)
{
	return (c->ram[RTC_REG_A] & RTC_A_DV_MASK) == RTC_A_DV_32KHZ;
}

/* --- Register formats ----------------------------------------------------- */

/* A register value as a number, in the format register B selects. A
 * register holding an invalid BCD value decodes to something out of range
 * and wraps on the next increment, as on the chip. */
static unsigned rtc_get(const struct cmos *c, uint8_t v)
{
	if (c->ram[RTC_REG_B] & RTC_B_DM)
		return v;
	return (v >> 4) * 10u + (v & 0x0F);
}

static uint8_t rtc_put(const struct cmos *c, unsigned v)
{
	if (c->ram[RTC_REG_B] & RTC_B_DM)
		return (uint8_t)v;
	return (uint8_t)(((v / 10) << 4) | (v % 10));
}

static uint8_t bcd(unsigned v)
{
	return (uint8_t)(((v / 10 % 10) << 4) | (v % 10));
}

/* The chip's own calendar: every fourth two-digit year is a leap year (right
 * from 1901 to 2099). An invalid month gets 31 days. */
static unsigned rtc_days_in_month(unsigned year, unsigned month)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (month < 1 || month > 12)
		return 31;
	if (month == 2 && year % 4 == 0)
		return 29;
	return days[month - 1];
}

/* Increments a field that counts first..last; returns true on a wrap. */
static bool rtc_inc(struct cmos *c, int reg, unsigned first, unsigned last)
{
	unsigned v = rtc_get(c, c->ram[reg]) + 1;
	bool wrap = v > last;
	if (wrap)
		v = first;
	c->ram[reg] = rtc_put(c, v);
	return wrap;
}

/* The hour, in 24- or 12-hour form (12 AM, 1 AM ... 11 AM, 12 PM ... 11 PM,
 * with PM in bit 7). Returns true when the day ends. */
static bool rtc_inc_hour(struct cmos *c)
{
	uint8_t raw = c->ram[RTC_HOURS];
	bool h24 = c->ram[RTC_REG_B] & RTC_B_24H;
	unsigned h = h24 ? rtc_get(c, raw) : rtc_get(c, raw & 0x7F) % 12 + ((raw & 0x80) ? 12 : 0);
	h++;
	bool wrap = h >= 24;
	if (wrap)
		h = 0;
	if (h24) {
		c->ram[RTC_HOURS] = rtc_put(c, h);
	} else {
		unsigned h12 = h % 12 ? h % 12 : 12;
		c->ram[RTC_HOURS] = (uint8_t)(rtc_put(c, h12) | (h >= 12 ? 0x80 : 0));
	}
	return wrap;
}

static void rtc_next_day(struct cmos *c)
{
	rtc_inc(c, RTC_DAY_OF_WEEK, 1, 7);
	unsigned dim =
		rtc_days_in_month(rtc_get(c, c->ram[RTC_YEAR]), rtc_get(c, c->ram[RTC_MONTH]));
	if (rtc_inc(c, RTC_DAY_OF_MONTH, 1, dim) && rtc_inc(c, RTC_MONTH, 1, 12))
		rtc_inc(c, RTC_YEAR, 0, 99);
}

/* An alarm byte of 0xC0-0xFF matches any value ("don't care"). */
static bool rtc_alarm_field(uint8_t alarm, uint8_t now)
{
	return (alarm & 0xC0) == 0xC0 || alarm == now;
}

/* One update cycle: the time advances a second, then the update-ended flag
 * and, when the new time matches the alarm, the alarm flag are set. */
static void rtc_update_cycle(struct cmos *c)
{
	uint8_t *r = c->ram;
	if (rtc_inc(c, RTC_SECONDS, 0, 59) && rtc_inc(c, RTC_MINUTES, 0, 59) && rtc_inc_hour(c))
		rtc_next_day(c);
	r[RTC_REG_C] |= RTC_C_UF;
	if (rtc_alarm_field(r[RTC_SECONDS_ALARM], r[RTC_SECONDS]) &&
	    rtc_alarm_field(r[RTC_MINUTES_ALARM], r[RTC_MINUTES]) &&
	    rtc_alarm_field(r[RTC_HOURS_ALARM], r[RTC_HOURS]))
		r[RTC_REG_C] |= RTC_C_AF;
}

/* Runs `n` update cycles. After a long idle stretch, whole days beyond the
 * last one are skipped a day at a time (the flags they would set are set
 * again within the last day, which runs second by second). */
static void rtc_run_updates(struct cmos *c, uint64_t n)
{
	if (n > 2 * SECONDS_PER_DAY) {
		uint64_t days = (n - SECONDS_PER_DAY) / SECONDS_PER_DAY;
		n -= days * SECONDS_PER_DAY;
		for (days %= RTC_CALENDAR_CYCLE_DAYS; days; days--)
			rtc_next_day(c);
	}
	while (n--)
		rtc_update_cycle(c);
}

/* --- Keeping up with virtual time ----------------------------------------- */

/* Brings the time registers and the flags of register C up to now. */
static void rtc_sync(struct cmos *c)
{
	uint64_t now = c->clk->now_ns;
	if (now <= c->synced_ns)
		return;
	if (rtc_running(c)) {
		uint64_t a = c->synced_ns - c->div_origin_ns;
		uint64_t b = now - c->div_origin_ns;
		uint64_t tap = rtc_periodic_ticks(c);
		if (tap && rtc_ticks(b) / tap != rtc_ticks(a) / tap)
			c->ram[RTC_REG_C] |= RTC_C_PF;
		uint64_t n = rtc_updates_done(b) - rtc_updates_done(a);
		if (n && !(c->ram[RTC_REG_B] & RTC_B_SET))
			rtc_run_updates(c, n);
	}
	c->synced_ns = now;
}

/* IRQF = PF.PIE + AF.AIE + UF.UIE (the enable bits of B sit at the same
 * positions as the flags of C); the IRQ output follows it. */
static void rtc_update_irq(struct cmos *c)
{
	uint8_t pending = c->ram[RTC_REG_B] & c->ram[RTC_REG_C] & (RTC_C_PF | RTC_C_AF | RTC_C_UF);
	bool on = pending != 0;
	if (on)
		c->ram[RTC_REG_C] |= RTC_C_IRQF;
	else
		c->ram[RTC_REG_C] &= (uint8_t)~RTC_C_IRQF;
	if (on != c->irq_level) {
		c->irq_level = on;
		irq_set(&c->irq, on);
	}
}

/* Arms the event for the next edge that would assert IRQ8. Nothing is armed
 * while the line is already asserted: more flags cannot change it until the
 * guest reads register C, and that access re-arms. */
static void rtc_arm(struct cmos *c)
{
	uint64_t next = CLOCK_NEVER;
	if (rtc_running(c) && !c->irq_level) {
		uint8_t want = c->ram[RTC_REG_B] & (uint8_t)~c->ram[RTC_REG_C];
		uint64_t rel = c->synced_ns - c->div_origin_ns;
		uint64_t tap = rtc_periodic_ticks(c);
		if ((want & RTC_B_PIE) && tap) {
			uint64_t n = (rtc_ticks(rel) / tap + 1) * tap;
			next = c->div_origin_ns + rtc_tick_time(n);
		}
		if ((want & (RTC_B_AIE | RTC_B_UIE)) && !(c->ram[RTC_REG_B] & RTC_B_SET)) {
			uint64_t u = c->div_origin_ns + RTC_FIRST_UPDATE_NS +
				     rtc_updates_done(rel) * NS_PER_S;
			if (u < next)
				next = u;
		}
	}
	if (next == CLOCK_NEVER)
		clock_disarm(c->clk, c->event);
	else
		clock_arm(c->clk, c->event, next);
}

static void rtc_catch_up(struct cmos *c)
{
	rtc_sync(c);
	rtc_update_irq(c);
	rtc_arm(c);
}

static void rtc_event(void *opaque, uint64_t now)
{
	rtc_catch_up(opaque);
}

/* UIP: set from 244 us before each update until the update. */
static bool rtc_uip(const struct cmos *c)
{
	if (!rtc_running(c) || (c->ram[RTC_REG_B] & RTC_B_SET))
		return false;
	uint64_t rel = c->clk->now_ns - c->div_origin_ns;
	uint64_t next = RTC_FIRST_UPDATE_NS + rtc_updates_done(rel) * NS_PER_S;
	return next - rel <= RTC_UIP_NS;
}

/* --- Ports ---------------------------------------------------------------- */

static uint8_t cmos_index_read(void *opaque, uint16_t port)
{
	return 0xFF; /* the index register is write-only */
}

static void cmos_index_write(void *opaque, uint16_t port, uint8_t value)
{
	struct cmos *c = opaque;
	c->index = value & 0x7F;
	c->nmi_masked = value & 0x80;
}

static uint8_t cmos_data_read(void *opaque, uint16_t port)
{
	struct cmos *c = opaque;
	uint8_t v;
	if (c->index > RTC_REG_D)
		return c->ram[c->index];
	rtc_catch_up(c);
	switch (c->index) {
	case RTC_REG_A: v = (uint8_t)(c->ram[RTC_REG_A] | (rtc_uip(c) ? RTC_A_UIP : 0)); break;
	case RTC_REG_C:
		/* Reading C clears every flag and drops the interrupt. */
		v = c->ram[RTC_REG_C];
		c->ram[RTC_REG_C] = 0;
		rtc_update_irq(c);
		rtc_arm(c);
		break;
	case RTC_REG_D: v = RTC_D_VRT; break;
	default: v = c->ram[c->index]; break;
	}
	return v;
}

/* Register A: a divider change stops the clock, or restarts the chain so
 * that the first update comes half a second later. */
static void rtc_write_a(struct cmos *c, uint8_t value)
{
	bool was_running = rtc_running(c);
	c->ram[RTC_REG_A] = value & (uint8_t)~RTC_A_UIP;
	if (rtc_running(c) && !was_running)
		c->div_origin_ns = c->clk->now_ns;
}

static void cmos_data_write(void *opaque, uint16_t port, uint8_t value)
{
	struct cmos *c = opaque;
	if (c->index > RTC_REG_D) {
		c->ram[c->index] = value;
		return;
	}
	rtc_sync(c);
	switch (c->index) {
	case RTC_REG_A: rtc_write_a(c, value); break;
	case RTC_REG_B:
		/* Setting SET aborts updates and clears UIE. */
		if ((value & RTC_B_SET) && !(c->ram[RTC_REG_B] & RTC_B_SET))
			value &= (uint8_t)~RTC_B_UIE;
		c->ram[RTC_REG_B] = value;
		break;
	case RTC_REG_C:
	case RTC_REG_D: break; /* read-only */
	default: c->ram[c->index] = value; break;
	}
	rtc_update_irq(c);
	rtc_arm(c);
}

static const struct io_ops cmos_index_ops = {
	.read8 = cmos_index_read,
	.write8 = cmos_index_write,
};

static const struct io_ops cmos_data_ops = {
	.read8 = cmos_data_read,
	.write8 = cmos_data_write,
};

/* --- Calendar conversion (Gregorian, 1970-2099) --------------------------- */

static bool civil_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned civil_days_in_month(unsigned y, unsigned m)
{
	return m == 2 && civil_leap(y) ? 29 : rtc_days_in_month(1, m);
}

#define CIVIL_FIRST_YEAR 1970
#define CIVIL_LAST_YEAR 2099

/* Days from 1970-01-01 to y-m-d (all in range). */
static int64_t civil_to_days(unsigned y, unsigned m, unsigned d)
{
	int64_t days = 0;
	for (unsigned yy = CIVIL_FIRST_YEAR; yy < y; yy++)
		days += civil_leap(yy) ? 366 : 365;
	for (unsigned mm = 1; mm < m; mm++)
		days += civil_days_in_month(y, mm);
	return days + d - 1;
}

/* Sets the time registers to `t` seconds after 1970 (clamped to the years
 * 1970-2099), in 24-hour BCD, and the century byte. */
static void rtc_set_time(struct cmos *c, int64_t t)
{
	const int64_t last =
		civil_to_days(CIVIL_LAST_YEAR + 1, 1, 1) * (int64_t)SECONDS_PER_DAY - 1;
	if (t < 0)
		t = 0;
	if (t > last)
		t = last;
	int64_t days = t / (int64_t)SECONDS_PER_DAY;
	unsigned sod = (unsigned)(t % (int64_t)SECONDS_PER_DAY);
	unsigned weekday = (unsigned)((days + 4) % 7); /* 1970-01-01 was a Thursday */
	unsigned y = CIVIL_FIRST_YEAR, m = 1;
	while (days >= (civil_leap(y) ? 366 : 365))
		days -= civil_leap(y++) ? 366 : 365;
	while (days >= civil_days_in_month(y, m))
		days -= civil_days_in_month(y, m++);
	c->ram[RTC_SECONDS] = bcd(sod % 60);
	c->ram[RTC_MINUTES] = bcd(sod / 60 % 60);
	c->ram[RTC_HOURS] = bcd(sod / 3600);
	c->ram[RTC_DAY_OF_WEEK] = bcd(weekday + 1);
	c->ram[RTC_DAY_OF_MONTH] = bcd((unsigned)days + 1);
	c->ram[RTC_MONTH] = bcd(m);
	c->ram[RTC_YEAR] = bcd(y % 100);
	c->ram[CMOS_CENTURY] = bcd(y / 100);
}

/* Reads exactly `n` decimal digits. */
static bool parse_digits(const char *s, int n, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return true;
}

int cmos_parse_time(const char *s, int64_t *out)
{
	unsigned y, mo, d, h, mi, sec;
	if (strlen(s) != 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':')
		return -1;
	if (!parse_digits(s, 4, &y) || !parse_digits(s + 5, 2, &mo) ||
	    !parse_digits(s + 8, 2, &d) || !parse_digits(s + 11, 2, &h) ||
	    !parse_digits(s + 14, 2, &mi) || !parse_digits(s + 17, 2, &sec))
		return -1;
	if (y < CIVIL_FIRST_YEAR || y > CIVIL_LAST_YEAR || mo < 1 || mo > 12 || d < 1 ||
	    d > civil_days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59)
		return -1;
	*out = civil_to_days(y, mo, d) * (int64_t)SECONDS_PER_DAY + h * 3600 + mi * 60 + sec;
	return 0;
}

/* --- CMOS RAM configuration ----------------------------------------------- */

uint8_t cmos_read_ram(const struct cmos *c, unsigned index)
{
	return c->ram[index % CMOS_SIZE];
}

void cmos_write_ram(struct cmos *c, unsigned index, uint8_t value)
{
	c->ram[index % CMOS_SIZE] = value;
}

void cmos_update_checksum(struct cmos *c)
{
	unsigned sum = 0;
	for (unsigned i = CMOS_CHECKSUM_FIRST; i <= CMOS_CHECKSUM_LAST; i++)
		sum += c->ram[i];
	c->ram[CMOS_CHECKSUM_HI] = (uint8_t)(sum >> 8);
	c->ram[CMOS_CHECKSUM_LO] = (uint8_t)sum;
}

/* Disk type 0xF in 0x12 means "see the extended type byte", and extended
 * type 47 is the user-defined type: the drive's geometry is whatever the
 * drive reports to IDENTIFY, which is how firmware of the ATA era finds it.
 * The user-type geometry bytes (0x1B-0x2C) stay zero. */
void cmos_set_hard_disks(struct cmos *c, unsigned flags)
{
	c->ram[CMOS_DISK_TYPES] =
		(uint8_t)(((flags & CMOS_HD0) ? 0xF0 : 0) | ((flags & CMOS_HD1) ? 0x0F : 0));
	c->ram[CMOS_DISK0_EXT_TYPE] = (flags & CMOS_HD0) ? 47 : 0;
	c->ram[CMOS_DISK1_EXT_TYPE] = (flags & CMOS_HD1) ? 47 : 0;
	cmos_update_checksum(c);
}

bool cmos_nmi_masked(const struct cmos *c)
{
	return c->nmi_masked;
}

/* Turns a boot order string into device codes; returns -1 when invalid. */
static int cmos_boot_devices(const char *order, uint8_t dev[3])
{
	size_t n = order ? strlen(order) : 0;
	dev[0] = dev[1] = dev[2] = CMOS_BOOT_NONE;
	if (n > 3)
		return -1;
	for (size_t i = 0; i < n; i++) {
		switch (order[i]) {
		case 'a': dev[i] = CMOS_BOOT_FLOPPY; break;
		case 'c': dev[i] = CMOS_BOOT_DISK; break;
		case 'd': dev[i] = CMOS_BOOT_CDROM; break;
		case 'n': dev[i] = CMOS_BOOT_NET; break;
		default: return -1;
		}
	}
	return 0;
}

int cmos_boot_order_check(const char *order)
{
	uint8_t dev[3];
	return cmos_boot_devices(order, dev);
}

/* The boot order as Bochs' BIOS and SeaBIOS read it: the first device in
 * the low nibble of 0x3D, the second in its high nibble, the third in the
 * high nibble of 0x38. */
static int cmos_set_boot_order(struct cmos *c, const char *order)
{
	uint8_t dev[3];
	if (cmos_boot_devices(order, dev) < 0)
		return -1;
	c->ram[CMOS_BOOT_FLAG2] = (uint8_t)(dev[0] | dev[1] << 4);
	c->ram[CMOS_BOOT_FLAG1] = (uint8_t)(dev[2] << 4);
	return 0;
}

/* Memory sizes: 640 KiB of conventional memory; the memory above 1 MiB in
 * KiB (capped at 0xFFFF, just under 64 MiB, in both copies); the memory
 * above 16 MiB in 64 KiB blocks. The equipment byte says: no floppy drive
 * (bit 0 clear, bits 7-6 zero), an EGA/VGA with its own BIOS as primary
 * display (bits 5-4 = 00), bit 2 when a PS/2 mouse is present (as Bochs and
 * QEMU use it) and bit 1 when an x87 is present. */
static void cmos_set_config(struct cmos *c, const struct cmos_config *cfg)
{
	uint64_t ext_kib = cfg->ram_size > (1u << 20) ? (cfg->ram_size - (1u << 20)) >> 10 : 0;
	uint64_t above16 = cfg->ram_size > (16u << 20) ? (cfg->ram_size - (16u << 20)) >> 16 : 0;
	if (ext_kib > 0xFFFF)
		ext_kib = 0xFFFF;
	if (above16 > 0xFFFF)
		above16 = 0xFFFF;
	c->ram[CMOS_FLOPPY_TYPES] = 0;
	c->ram[CMOS_EQUIPMENT] = (uint8_t)((cfg->ps2_mouse ? 0x04 : 0) | (cfg->fpu ? 0x02 : 0));
	c->ram[CMOS_BASE_MEM_LO] = 640 & 0xFF;
	c->ram[CMOS_BASE_MEM_HI] = 640 >> 8;
	c->ram[CMOS_EXT_MEM_LO] = c->ram[CMOS_EXT_MEM2_LO] = (uint8_t)ext_kib;
	c->ram[CMOS_EXT_MEM_HI] = c->ram[CMOS_EXT_MEM2_HI] = (uint8_t)(ext_kib >> 8);
	c->ram[CMOS_MEM_16M_LO] = (uint8_t)above16;
	c->ram[CMOS_MEM_16M_HI] = (uint8_t)(above16 >> 8);
	cmos_set_hard_disks(c, cfg->hard_disks); /* also sums the checksum */
}

int cmos_init(struct cmos *c, struct io_bus *io, struct clock *clk, struct irq_line irq8,
	      const struct cmos_config *cfg)
{
	memset(c, 0, sizeof(*c));
	c->irq = irq8;
	c->clk = clk;
	c->ram[RTC_REG_A] = RTC_A_DEFAULT;
	c->ram[RTC_REG_B] = RTC_B_DEFAULT;
	c->ram[RTC_REG_D] = RTC_D_VRT;
	c->div_origin_ns = clk->now_ns;
	c->synced_ns = clk->now_ns;
	rtc_set_time(c, cfg->rtc_start);
	if (cmos_set_boot_order(c, cfg->boot_order) < 0)
		return -1;
	cmos_set_config(c, cfg);
	c->event = clock_add_event(clk, "rtc", rtc_event, c);
	if (c->event < 0)
		return -1;
	if (io_register(io, CMOS_PORT_INDEX, 1, &cmos_index_ops, c, "cmos index") < 0 ||
	    io_register(io, CMOS_PORT_DATA, 1, &cmos_data_ops, c, "cmos data") < 0)
		return -1;
	return 0;
}
