/* pit.c: the 8254 interval timer, after the Intel 8254 datasheet.
 *
 * A counter is not ticked. Each state change (control word, count write,
 * GATE edge) records the pulse at which the counting element was loaded and
 * the count it took; CE and OUT at any later pulse follow by arithmetic
 * (pit_ce, pit_out), and so does the pulse of the next rising OUT edge
 * (pit_next_rise), which is all counter 0 needs a clock event for.
 *
 * The datasheet's timing is kept to the pulse: a count written is loaded
 * into CE on the next CLK pulse, so mode 0's OUT goes high N + 1 pulses
 * after the write; mode 2's OUT is low for the one pulse when CE is 1;
 * mode 3 counts by two, with the longer half-cycle high for odd counts;
 * modes 1 and 5 wait for a GATE rising edge; GATE low suspends counting in
 * modes 0, 2, 3 and 4 (and forces OUT high in modes 2 and 3). Counts of 1
 * in modes 2 and 3 are illegal on the part: mode 2 then holds OUT low and
 * mode 3 holds it high, neither with edges.
 */
#include "devices/pit.h"

#include <string.h>

#include "vmm/clock.h"
#include "vmm/io_bus.h"

#define PIT_CONTROL_PORT 0x43

uint64_t pit_pulses(uint64_t ns)
{
	return (uint64_t)((unsigned __int128)ns * PIT_HZ / 1000000000u);
}

uint64_t pit_pulse_ns(uint64_t pulse)
{
	unsigned __int128 ns = ((unsigned __int128)pulse * 1000000000u + PIT_HZ - 1) / PIT_HZ;
	return ns > UINT64_MAX ? UINT64_MAX : (uint64_t)ns;
}

/* --- counting arithmetic --------------------------------------------------- */

/* The count register as a number of pulses: 0 stands for the full range. A
 * BCD digit above 9 is taken at face value, as the part does nothing
 * sensible with it either. */
static uint32_t pit_count_value(const struct pit_counter *c)
{
	if (!c->bcd)
		return c->cr ? c->cr : 65536u;
	uint32_t v = (c->cr >> 12 & 0xF) * 1000u + (c->cr >> 8 & 0xF) * 100u +
		     (c->cr >> 4 & 0xF) * 10u + (c->cr & 0xF);
	v %= 10000u;
	return v ? v : 10000u;
}

/* The modulus CE counts in. */
static uint32_t pit_modulus(const struct pit_counter *c)
{
	return c->bcd ? 10000u : 65536u;
}

/* Applies a pending count (modes 2, 3) once its pulse has come. */
static void pit_catch_up(struct pit_counter *c, uint64_t t)
{
	if (c->next_load != PIT_NEVER && t >= c->next_load) {
		c->load = c->next_load;
		c->n = c->next_n;
		c->load_high = c->next_high;
		c->next_load = PIT_NEVER;
	}
}

/* Modes 0, 4 (only while GATE is high) and 1, 5 (always): decrements
 * since the load, at pulse t >= load. */
static uint64_t pit_decs(const struct pit_counter *c, uint64_t t)
{
	if (c->mode == 1 || c->mode == 5)
		return t - c->load;
	uint64_t d = c->decs_base;
	if (c->gate && t > c->base)
		d += t - c->base;
	return d;
}

/* Mode 3's two half-cycles: the high one is the longer for odd counts. */
static uint32_t pit_half_high(uint32_t n)
{
	return (n + 1) / 2;
}

static uint32_t pit_half_low(uint32_t n)
{
	return n / 2;
}

/* Mode 3 at pulse t >= load: whether OUT is high, and pulses into the
 * current half-cycle. */
static bool pit_mode3_phase(const struct pit_counter *c, uint64_t t, uint32_t *into)
{
	uint32_t off = (uint32_t)((t - c->load) % c->n);
	uint32_t first = c->load_high ? pit_half_high(c->n) : pit_half_low(c->n);
	if (off < first) {
		*into = off;
		return c->load_high;
	}
	*into = off - first;
	return !c->load_high;
}

/* CE at pulse t, as a number (binary, or decimal in BCD mode). */
static uint32_t pit_ce(const struct pit_counter *c, uint64_t t)
{
	if (!c->counting || t < c->load)
		return c->ce_hold;
	uint32_t mod = pit_modulus(c);
	uint32_t into;
	switch (c->mode) {
	case 2: return (c->n - (uint32_t)((t - c->load) % c->n)) % mod;
	case 3: pit_mode3_phase(c, t, &into); return ((c->n & ~1u) - 2 * into) % mod;
	default: /* 0, 1, 4, 5 count down and wrap round */
		return (uint32_t)((c->n + mod - pit_decs(c, t) % mod) % mod);
	}
}

/* OUT at pulse t. */
static bool pit_out(const struct pit_counter *c, uint64_t t)
{
	if (!c->counting || t < c->load)
		return c->out_hold;
	uint32_t into;
	switch (c->mode) {
	case 0:
	case 1: return pit_decs(c, t) >= c->n;
	case 2: return (t - c->load) % c->n != c->n - 1;
	case 3: return pit_mode3_phase(c, t, &into);
	default: /* 4, 5: low for the one pulse when CE reaches 0 */ return pit_decs(c, t) != c->n;
	}
}

/* The first of a + k * n (k >= k0) after pulse t. */
static uint64_t pit_first_after(uint64_t a, uint64_t k0, uint32_t n, uint64_t t)
{
	uint64_t first = a + k0 * n;
	if (first > t)
		return first;
	return a + ((t - a) / n + 1) * n;
}

/* The next rising OUT edge after pulse t under the current load, ignoring
 * any pending count; PIT_NEVER if none is coming. */
static uint64_t pit_next_rise_now(const struct pit_counter *c, uint64_t t)
{
	if (!c->counting)
		return PIT_NEVER;
	if (t < c->load && !c->out_hold && pit_out(c, c->load))
		return c->load;
	uint64_t target;
	switch (c->mode) {
	case 0:
	case 4:
		/* OUT rises when the decrements reach n (mode 0) or n + 1
		 * (mode 4, the end of the strobe), counting only with GATE
		 * high. */
		target = c->n + (c->mode == 4);
		if (!c->gate || c->decs_base >= target)
			return PIT_NEVER;
		target = c->base + (target - c->decs_base);
		return target > t ? target : PIT_NEVER;
	case 1:
	case 5: target = c->load + c->n + (c->mode == 5); return target > t ? target : PIT_NEVER;
	case 2:
		if (c->n < 2)
			return PIT_NEVER;
		return pit_first_after(c->load, 1, c->n, t);
	default: /* 3: each high half-cycle starts with a rising edge */
		if (pit_half_low(c->n) == 0)
			return PIT_NEVER;
		if (c->load_high)
			return pit_first_after(c->load, 1, c->n, t);
		return pit_first_after(c->load + pit_half_low(c->n), 0, c->n, t);
	}
}

/* The next rising OUT edge after pulse t, taking a pending count into
 * account: it takes over at next_load, which is itself a boundary of the
 * current count's cycle. */
static uint64_t pit_next_rise(const struct pit_counter *c, uint64_t t)
{
	uint64_t e = pit_next_rise_now(c, t);
	if (c->next_load == PIT_NEVER || e <= c->next_load)
		return e;
	struct pit_counter after = *c;
	pit_catch_up(&after, c->next_load);
	return pit_next_rise_now(&after, t);
}

/* Modes 2, 3: where the current period (mode 2) or half-cycle (mode 3)
 * ends after pulse t >= load, and the phase of mode 3's next half. */
static uint64_t pit_cycle_end(const struct pit_counter *c, uint64_t t, bool *next_high)
{
	*next_high = true;
	if (c->mode == 2)
		return pit_first_after(c->load, 1, c->n, t);
	uint64_t start = c->load + (t - c->load) / c->n * c->n;
	uint32_t first = c->load_high ? pit_half_high(c->n) : pit_half_low(c->n);
	if (t - start < first) {
		*next_high = !c->load_high;
		return start + first;
	}
	*next_high = c->load_high;
	return start + c->n;
}

/* --- state changes --------------------------------------------------------- */

/* Loads n into CE at pulse `at` (the next CLK pulse after the cause), with
 * CE and OUT as they are now until then. */
static void pit_load(struct pit_counter *c, uint64_t t, uint64_t at, uint32_t n)
{
	c->ce_hold = (uint16_t)pit_ce(c, t);
	c->out_hold = pit_out(c, t);
	c->counting = true;
	c->n = n;
	c->load = at;
	c->load_high = true;
	c->decs_base = 0;
	c->base = at;
	c->next_load = PIT_NEVER;
	if (c->cr_load > at)
		c->cr_load = at;
}

/* Stops counting; CE and OUT hold their values from pulse t, except that
 * `out` (when 0 or 1) forces OUT. */
static void pit_stop(struct pit_counter *c, uint64_t t, int out)
{
	c->ce_hold = (uint16_t)pit_ce(c, t);
	c->out_hold = out < 0 ? pit_out(c, t) : out != 0;
	c->counting = false;
	c->next_load = PIT_NEVER;
}

/* A whole count has been written to the count register. */
static void pit_count_written(struct pit_counter *c, uint64_t t)
{
	uint32_t n = pit_count_value(c);
	c->cr_valid = true;
	c->cr_load = PIT_NEVER;
	switch (c->mode) {
	case 0:
		/* OUT goes (or stays) low; counting restarts from n. */
		pit_stop(c, t, 0);
		pit_load(c, t, t + 1, n);
		break;
	case 4: pit_load(c, t, t + 1, n); break;
	case 2:
	case 3:
		if (c->counting && t >= c->load) {
			/* Counting: the new count waits for the end of the
			 * current cycle. */
			c->next_n = n;
			c->next_load = pit_cycle_end(c, t, &c->next_high);
			c->cr_load = c->next_load;
		} else if (c->counting) {
			c->n = n; /* not yet loaded: the new count replaces it */
			c->cr_load = c->load;
		} else if (c->gate) {
			pit_load(c, t, t + 1, n);
		} else {
			/* Loaded on the next pulse, but GATE low keeps it
			 * from counting until a rising edge. */
			c->ce_hold = (uint16_t)(n % pit_modulus(c));
			c->cr_load = t + 1;
		}
		break;
	default: /* 1, 5: a GATE rising edge loads it */ break;
	}
}

/* A control word for counter c (not a latch command): the counter stops,
 * OUT takes the mode's initial level (low in mode 0, high otherwise), and
 * every byte sequence and latch starts afresh. */
static void pit_control(struct pit_counter *c, uint8_t v, uint64_t t)
{
	uint8_t mode = (v >> 1) & 7;
	pit_stop(c, t, mode != 0);
	c->ctrl = v & 0x3F;
	c->mode = mode > 5 ? mode - 4 : mode;
	c->access = (v >> 4) & 3;
	c->bcd = v & 1;
	c->cr_valid = false;
	c->cr_load = PIT_NEVER;
	c->write_msb = false;
	c->read_msb = false;
	c->latched = false;
	c->status_latched = false;
}

static void pit_gate(struct pit_counter *c, bool level, uint64_t t)
{
	if (level == c->gate)
		return;
	if (level) {
		switch (c->mode) {
		case 0:
		case 4:
			c->gate = true;
			c->base = t > c->load ? t : c->load;
			break;
		default: /* 1, 2, 3, 5: the rising edge (re)loads CR */
			c->gate = true;
			if (c->cr_valid)
				pit_load(c, t, t + 1, pit_count_value(c));
			break;
		}
		return;
	}
	switch (c->mode) {
	case 0:
	case 4:
		if (c->counting && t >= c->load)
			c->decs_base = pit_decs(c, t);
		break;
	case 2:
	case 3:
		if (c->counting) {
			pit_stop(c, t, 1);
			if (c->cr_load > t)
				c->cr_load = PIT_NEVER; /* the next trigger loads it */
		}
		break;
	default: break;
	}
	c->gate = false;
}

/* --- counter 0's interrupt line -------------------------------------------- */

/* Keeps IRQ0 level with counter 0's OUT after a state change at pulse t
 * (a change may raise OUT, which is an edge the PIC must see) and arms the
 * event for the next rising edge. `before` is OUT just before the change. */
static void pit_irq_sync(struct pit *p, uint64_t t, bool before)
{
	struct pit_counter *c = &p->ctr[0];
	bool after = pit_out(c, t);
	if (!before && p->irq0_level) {
		p->irq0_level = false;
		irq_lower(&p->irq0);
	}
	if (after != p->irq0_level) {
		p->irq0_level = after;
		irq_set(&p->irq0, after);
	}
	uint64_t e = pit_next_rise(c, t);
	if (e == PIT_NEVER)
		clock_disarm(p->clk, p->event);
	else
		clock_arm(p->clk, p->event, pit_pulse_ns(e));
}

/* The event for counter 0's rising OUT edge: the edge has happened (the
 * event is re-armed at every state change, so it is never stale). The line
 * dropped and rose again in between, whether or not we saw it fall; a late
 * event that finds OUT low again lowers the line after the edge. */
static void pit_event(void *opaque, uint64_t now)
{
	struct pit *p = opaque;
	struct pit_counter *c = &p->ctr[0];
	uint64_t t = pit_pulses(now);
	pit_catch_up(c, t);
	if (p->irq0_level)
		irq_lower(&p->irq0);
	irq_raise(&p->irq0);
	p->irq0_level = true;
	pit_irq_sync(p, t, true);
}

/* The current pulse, with counter ch's pending count applied. */
static uint64_t pit_now(struct pit *p, unsigned ch)
{
	uint64_t t = pit_pulses(p->clk->now_ns);
	pit_catch_up(&p->ctr[ch], t);
	return t;
}

void pit_set_gate(struct pit *p, unsigned ch, bool level)
{
	if (ch > 2)
		return;
	uint64_t t = pit_now(p, ch);
	bool before = pit_out(&p->ctr[ch], t);
	pit_gate(&p->ctr[ch], level, t);
	if (ch == 0)
		pit_irq_sync(p, t, before);
}

bool pit_get_out(struct pit *p, unsigned ch)
{
	if (ch > 2)
		return false;
	uint64_t t = pit_now(p, ch);
	return pit_out(&p->ctr[ch], t);
}

/* --- ports ----------------------------------------------------------------- */

/* CE as the guest reads it: BCD-coded in BCD mode. */
static uint16_t pit_ce_read(const struct pit_counter *c, uint64_t t)
{
	uint32_t v = pit_ce(c, t);
	if (!c->bcd)
		return (uint16_t)v;
	return (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 |
			  (v % 10));
}

/* Counter latch command (or the count part of read-back): ignored while
 * an earlier latched count has not been read. */
static void pit_latch_count(struct pit_counter *c, uint64_t t)
{
	if (c->latched)
		return;
	c->latch = pit_ce_read(c, t);
	c->latched = true;
}

/* Read-back's status byte: OUT, NULL COUNT and the programmed mode. */
static void pit_latch_status(struct pit_counter *c, uint64_t t)
{
	if (c->status_latched)
		return;
	bool null_count = c->cr_load == PIT_NEVER || t < c->cr_load;
	c->status = (uint8_t)(pit_out(c, t) << 7 | null_count << 6 | c->ctrl);
	c->status_latched = true;
}

/* A latched status byte is read first, then a latched count, else CE as it
 * is; with LSB-then-MSB access the two bytes alternate. */
static uint8_t pit_counter_read(struct pit_counter *c, uint64_t t)
{
	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	uint16_t v = c->latched ? c->latch : pit_ce_read(c, t);
	bool msb = c->access == 2 || (c->access == 3 && c->read_msb);
	if (c->access == 3)
		c->read_msb = !c->read_msb;
	if (c->access != 3 || msb)
		c->latched = false;
	return msb ? (uint8_t)(v >> 8) : (uint8_t)v;
}

static void pit_counter_write(struct pit_counter *c, uint8_t v, uint64_t t)
{
	switch (c->access) {
	case 1: c->cr = v; break;
	case 2: c->cr = (uint16_t)(v << 8); break;
	case 3:
		if (!c->write_msb) {
			c->cr_lsb = v;
			c->write_msb = true;
			/* Mode 0: the first byte stops counting, OUT low. */
			if (c->mode == 0)
				pit_stop(c, t, 0);
			return;
		}
		c->write_msb = false;
		c->cr = (uint16_t)(c->cr_lsb | v << 8);
		break;
	default: /* no control word yet */ return;
	}
	pit_count_written(c, t);
}

/* Port 0x43: a control word for one counter, a counter latch command, or
 * (SC = 3) the read-back command, whose D5 = 0 latches counts and D4 = 0
 * latches status, for the counters selected by D3-D1. */
static void pit_control_write(struct pit *p, uint8_t v)
{
	unsigned sc = v >> 6;
	if (sc == 3) {
		for (unsigned ch = 0; ch < 3; ch++) {
			if (!(v & (2u << ch)))
				continue;
			uint64_t t = pit_now(p, ch);
			if (!(v & 0x20))
				pit_latch_count(&p->ctr[ch], t);
			if (!(v & 0x10))
				pit_latch_status(&p->ctr[ch], t);
		}
		return;
	}
	uint64_t t = pit_now(p, sc);
	struct pit_counter *c = &p->ctr[sc];
	if (!(v & 0x30)) {
		pit_latch_count(c, t);
		return;
	}
	bool before = pit_out(c, t);
	pit_control(c, v, t);
	if (sc == 0)
		pit_irq_sync(p, t, before);
}

static void pit_port_write(void *opaque, uint16_t port, uint8_t v)
{
	struct pit *p = opaque;
	unsigned ch = port & 3;
	if (ch == 3) {
		pit_control_write(p, v);
		return;
	}
	uint64_t t = pit_now(p, ch);
	bool before = pit_out(&p->ctr[ch], t);
	pit_counter_write(&p->ctr[ch], v, t);
	if (ch == 0)
		pit_irq_sync(p, t, before);
}

/* The control word register cannot be read on an 8254. */
static uint8_t pit_port_read(void *opaque, uint16_t port)
{
	struct pit *p = opaque;
	unsigned ch = port & 3;
	if (ch == 3)
		return 0xFF;
	uint64_t t = pit_now(p, ch);
	return pit_counter_read(&p->ctr[ch], t);
}

static const struct io_ops pit_ops = {
	.read8 = pit_port_read,
	.write8 = pit_port_write,
};

int pit_init(struct pit *p, struct io_bus *io, struct clock *clk, struct irq_line irq0)
{
	memset(p, 0, sizeof(*p));
	p->clk = clk;
	p->irq0 = irq0;
	for (unsigned ch = 0; ch < 3; ch++) {
		struct pit_counter *c = &p->ctr[ch];
		pit_control(c, 0x30, 0); /* mode 0, LSB then MSB, binary */
		c->gate = ch != 2;
	}
	irq_lower(&p->irq0);
	p->event = clock_add_event(clk, "pit", pit_event, p);
	if (p->event < 0)
		return -1;
	if (io_register(io, PIT_PORT, 4, &pit_ops, p, "pit") < 0)
		return -1;
	return 0;
}
