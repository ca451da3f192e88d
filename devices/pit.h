/* pit.h: the 8254 programmable interval timer at ports 0x40-0x43.
 *
 * Three 16-bit down counters clocked at 1.193182 MHz. On a PC, counter 0's
 * OUT drives IRQ0, counter 1 (once the DRAM refresh timer) runs free, and
 * counter 2's GATE and OUT are wired to the system control port 0x61 (the
 * speaker). Every GATE but counter 2's is tied high.
 *
 * Counting follows the virtual clock: a counter's state is computed from the
 * number of CLK pulses since power-on (derived from clock->now_ns), never
 * ticked. The only clock event is for counter 0's next rising OUT edge, so a
 * guest with the timer running costs one event per timer interrupt.
 */
#ifndef POPEK_DEVICES_PIT_H
#define POPEK_DEVICES_PIT_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/irq.h"

struct io_bus;
struct clock;

#define PIT_PORT 0x40        /* 0x40-0x42 counters, 0x43 control word */
#define PIT_HZ 1193182u      /* CLK input of every counter */
#define PIT_NEVER UINT64_MAX /* "no such pulse" */

/* One counter. Pulse numbers count CLK rising edges since power-on: "at
 * pulse t" means after t edges. */
struct pit_counter {
	/* Programming, from the control word (mode 6 and 7 are stored as 2
	 * and 3). */
	uint8_t ctrl;   /* bits 5-0 of the last control word: RW1 RW0 M2 M1 M0 BCD */
	uint8_t mode;   /* 0-5 */
	uint8_t access; /* 1 LSB only, 2 MSB only, 3 LSB then MSB */
	bool bcd;
	bool gate;

	/* The count register and the byte sequences of the data port. */
	uint16_t cr;   /* the count as written */
	bool cr_valid; /* a whole count was written since the control word */
	/* The pulse at which CR reaches the counting element; until then the
	 * status byte shows NULL COUNT. */
	uint64_t cr_load;
	bool write_msb; /* LSB-then-MSB access: the next write is the MSB */
	uint8_t cr_lsb; /* ... and the LSB already written */
	bool read_msb;  /* LSB-then-MSB access: the next read is the MSB */
	bool latched;   /* the output latch holds a count not yet read */
	uint16_t latch; /* the latched count, as the guest reads it */
	bool status_latched;
	uint8_t status;

	/* The counting element (CE). While `counting`, CE and OUT are
	 * functions of the pulse number: n was loaded at pulse `load`; before
	 * that (and whenever not counting) CE and OUT hold ce_hold/out_hold. */
	bool counting;
	uint32_t n; /* the count in use: 1-65536, or 1-10000 in BCD */
	uint64_t load;
	bool load_high;     /* mode 3: OUT is high in the half-cycle from `load` */
	uint64_t decs_base; /* modes 0, 4: decrements counted up to `base` */
	uint64_t base;      /* modes 0, 4: counting with GATE high since here */
	uint16_t ce_hold;
	bool out_hold;
	/* Modes 2 and 3: a count written while counting takes over at the
	 * end of the current period or half-cycle, at pulse next_load. */
	uint64_t next_load;
	uint32_t next_n;
	bool next_high;
};

struct pit {
	struct pit_counter ctr[3];
	struct clock *clk;
	int event;            /* counter 0's next rising OUT edge */
	struct irq_line irq0; /* counter 0's OUT */
	bool irq0_level;      /* what irq0 was last driven to */
};

/* Resets the three counters (mode 0 waiting for a count, OUT low; GATE high
 * for counters 0 and 1, low for counter 2) and registers ports 0x40-0x43.
 * irq0 follows counter 0's OUT and sees every rising edge. Returns 0, or -1
 * when a port is taken or the clock's event table is full. */
int pit_init(struct pit *t, struct io_bus *io, struct clock *clk, struct irq_line irq0);

/* Drives counter `ch`'s GATE input (what port 0x61 bit 0 does for counter
 * 2); a rising edge triggers modes 1, 2, 3 and 5. */
void pit_set_gate(struct pit *t, unsigned ch, bool level);

/* The level of counter `ch`'s OUT pin now. */
bool pit_get_out(struct pit *t, unsigned ch);

/* The number of CLK pulses up to virtual time `ns`, and the first virtual
 * time at which pulse `pulse` has happened. */
uint64_t pit_pulses(uint64_t ns);
uint64_t pit_pulse_ns(uint64_t pulse);

#endif
