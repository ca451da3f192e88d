/* pic.h: the two 8259A programmable interrupt controllers of a PC.
 *
 * The master answers at ports 0x20/0x21 and drives the CPU's INTR pin; the
 * slave answers at 0xA0/0xA1 and its INT output is wired to the master's
 * IR2 input (the cascade). The PIIX edge/level control registers (ELCR) at
 * 0x4D0/0x4D1 pick the trigger mode of each input.
 *
 * Devices get their input with pic_irq_input(): ISA IRQ 0-7 are the
 * master's IR0-7, IRQ 8-15 the slave's IR0-7. A device drives the line to
 * a level; the PIC does the edge detection itself. The CPU's INTA cycle is
 * pic_intr_ack(). Everything the datasheet describes is modelled: the
 * initialisation words ICW1-4, the operation words OCW1-3, fixed and
 * rotating priorities, specific and non-specific EOI, automatic EOI, special
 * mask mode, special fully nested mode, poll mode and spurious interrupts.
 */
#ifndef POPEK_DEVICES_PIC_H
#define POPEK_DEVICES_PIC_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/irq.h"

struct io_bus;

#define PIC_MASTER_PORT 0x20
#define PIC_SLAVE_PORT 0xA0
#define PIC_ELCR_PORT 0x4D0 /* 0x4D0 master, 0x4D1 slave */
#define PIC_CASCADE_IRQ 2   /* the master input the slave is wired to */

/* One 8259A. */
struct pic_chip {
	uint8_t irr;       /* interrupt request register */
	uint8_t isr;       /* in-service register */
	uint8_t imr;       /* interrupt mask register (OCW1) */
	uint8_t pins;      /* current level of the IR0-7 inputs */
	uint8_t elcr;      /* 1 = level-triggered input (PIIX ELCR) */
	uint8_t elcr_mask; /* ELCR bits that can be set */
	uint8_t vector;    /* ICW2: T7-T3, the vector of IR0 */
	uint8_t icw1;      /* as written (LTIM, SNGL, IC4) */
	uint8_t icw3;      /* master: inputs with a slave; slave: its ID */
	uint8_t icw4;      /* as written (SFNM, AEOI, uPM) */
	uint8_t init_step; /* 0: ready; 1-3: next write to port 1 is ICW2-4 */
	uint8_t lowest;    /* the input with the lowest priority (7 at reset) */
	bool read_isr;     /* OCW3 RR/RIS: port 0 reads ISR, else IRR */
	bool poll;         /* OCW3 P: the next read is the poll word */
	bool special_mask; /* OCW3 special mask mode */
	bool rotate_aeoi;  /* OCW2 rotate in automatic EOI mode */
	bool out;          /* level of the INT output */
	struct irq_line int_out;
};

struct pic {
	struct pic_chip chip[2]; /* [0] master, [1] slave */
};

/* Resets both chips to the power-on state (uninitialised, every input
 * masked, edge-triggered) and registers ports 0x20-0x21, 0xA0-0xA1 and
 * 0x4D0-0x4D1. intr_out is driven with the master's INT output: high while
 * an unmasked request of sufficient priority is pending. Returns 0, or -1
 * when a port is taken. */
int pic_init(struct pic *p, struct io_bus *io, struct irq_line intr_out);

/* The line a device drives for ISA IRQ `irq` (0-15). IRQ 2 is the cascade,
 * so as on the AT bus a device wired to "IRQ 2" reaches IRQ 9. Any other
 * number gives a line that is not connected. */
struct irq_line pic_irq_input(struct pic *p, unsigned irq);

/* Sets the level of ISA IRQ `irq` directly (what the irq_line does). */
void pic_set_irq(struct pic *p, unsigned irq, bool level);

/* The INTA cycle: returns the vector of the highest-priority pending
 * request (through the slave for a cascaded input), moving it from IRR to
 * ISR (not in automatic-EOI mode), and updates the INT output. A request
 * that went away before the acknowledge gives the spurious vector, base + 7,
 * with nothing set in service. */
uint8_t pic_intr_ack(struct pic *p);

#endif
