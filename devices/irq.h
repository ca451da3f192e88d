/* irq.h: interrupt request lines, wired at board set-up.
 *
 * A device raises and lowers an irq_line; it does not know what is at the
 * other end. The board (vmm/machine.c) connects each line to its sink: an
 * input pin of the interrupt controller, or the CPU's INTR pin for the
 * controller's own output. So the PIC cascade, the ISA IRQ numbers and the
 * ELCR are wiring, not calls by name.
 */
#ifndef POPEK_DEVICES_IRQ_H
#define POPEK_DEVICES_IRQ_H

#include <stddef.h>

struct irq_line {
	void (*set)(void *opaque, int pin, int level); /* NULL: not connected */
	void *opaque;
	int pin;
};

static inline void irq_set(const struct irq_line *l, int level)
{
	if (l && l->set)
		l->set(l->opaque, l->pin, level);
}

static inline void irq_raise(const struct irq_line *l)
{
	irq_set(l, 1);
}

static inline void irq_lower(const struct irq_line *l)
{
	irq_set(l, 0);
}

/* An edge as ISA devices make it: high, then low. */
static inline void irq_pulse(const struct irq_line *l)
{
	irq_set(l, 1);
	irq_set(l, 0);
}

#endif
