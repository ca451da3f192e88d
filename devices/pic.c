/* pic.c: the 8259A interrupt controller pair, after the Intel 8259A
 * datasheet and the PIIX3's edge/level control registers.
 *
 * Both chips run the same code on their own struct pic_chip; the cascade is
 * wiring: the slave's INT output is an irq_line into the master's IR2, and
 * the master's INT output is the irq_line the board gave pic_init().
 *
 * Trigger modes. A level-triggered input (ELCR bit set) requests service
 * while its pin is high: its IRR bit is the pin. An edge-triggered input
 * latches a request on a rising edge, and the request stays latched until
 * the INTA cycle takes it, even if the pin falls first, because ISA devices
 * (and irq_pulse) often send a short pulse. The one exception is the
 * master's cascade input, which follows the datasheet exactly (the request
 * is the edge latch AND the pin), since the slave's INT output holds its
 * level: a slave request that goes away takes the master's request with
 * it. The PIIX ignores ICW1's LTIM bit in favour of the ELCR, and so do we.
 *
 * Only the 8086 mode is modelled (ICW4 uPM is stored but the vector is
 * always ICW2's T7-T3 plus the input number): x86 CPUs never use MCS-80
 * mode. The buffered-mode and master/slave bits of ICW4 do not change
 * behaviour here, since the wiring fixes which chip is which.
 */
#include "devices/pic.h"

#include <string.h>

#include "vmm/io_bus.h"

#define ICW1_IC4 0x01  /* an ICW4 follows */
#define ICW1_SNGL 0x02 /* single chip: no ICW3 */
#define ICW4_AEOI 0x02
#define ICW4_SFNM 0x10

/* Inputs whose ELCR bit can be set: a PIIX keeps IRQ 0, 1, 2, 8 and 13
 * edge-triggered. */
#define PIC_ELCR_MASK_MASTER 0xF8
#define PIC_ELCR_MASK_SLAVE 0xDE

/* --- priority resolution --------------------------------------------------- */

/* Priority rank of an input: 0 is the highest. The input after `lowest`
 * has the highest priority (IR0 after a reset, when IR7 is the lowest). */
static unsigned pic_rank(const struct pic_chip *c, unsigned irq)
{
	return (irq - c->lowest - 1) & 7;
}

/* The highest-priority input whose bit is set in `bits`, or -1. */
static int pic_highest(const struct pic_chip *c, uint8_t bits)
{
	for (unsigned i = 0; i < 8; i++) {
		unsigned irq = (c->lowest + 1 + i) & 7;
		if (bits & (1u << irq))
			return (int)irq;
	}
	return -1;
}

/* True when input `irq` of this chip (the master) has a slave behind it. */
static bool pic_is_cascade(const struct pic_chip *c, bool master, unsigned irq)
{
	return master && !(c->icw1 & ICW1_SNGL) && (c->icw3 & (1u << irq));
}

/* The input the chip asks service for: the highest-priority unmasked
 * request that outranks every in-service level that counts, or -1. In
 * special mask mode a masked in-service level does not hold anything back;
 * in special fully nested mode a slave's in-service level on the master
 * does not hold back a further request from that slave (the slave ranks its
 * own inputs). */
static int pic_pending(const struct pic_chip *c, bool master)
{
	int req = pic_highest(c, c->irr & ~c->imr);
	if (req < 0)
		return -1;
	uint8_t in_service = c->isr;
	if (c->special_mask)
		in_service &= ~c->imr;
	if ((c->icw4 & ICW4_SFNM) && pic_is_cascade(c, master, (unsigned)req))
		in_service &= ~(1u << req);
	int cur = pic_highest(c, in_service);
	if (cur >= 0 && pic_rank(c, (unsigned)req) >= pic_rank(c, (unsigned)cur))
		return -1;
	return req;
}

/* Drives the chip's INT output from its state. */
static void pic_update(struct pic *p, unsigned n)
{
	struct pic_chip *c = &p->chip[n];
	bool out = pic_pending(c, n == 0) >= 0;
	if (out != c->out) {
		c->out = out;
		irq_set(&c->int_out, out);
	}
}

/* --- inputs ---------------------------------------------------------------- */

/* A level change on input `irq` of chip `n` (see the trigger modes above). */
static void pic_chip_input(struct pic *p, unsigned n, unsigned irq, bool level)
{
	struct pic_chip *c = &p->chip[n];
	uint8_t m = (uint8_t)(1u << (irq & 7));
	if (c->elcr & m) {
		if (level)
			c->irr |= m;
		else
			c->irr &= ~m;
	} else if (level) {
		if (!(c->pins & m))
			c->irr |= m;
	} else if (n == 0 && m == (1u << PIC_CASCADE_IRQ)) {
		c->irr &= ~m;
	}
	if (level)
		c->pins |= m;
	else
		c->pins &= ~m;
	pic_update(p, n);
}

void pic_set_irq(struct pic *p, unsigned irq, bool level)
{
	if (irq == PIC_CASCADE_IRQ)
		irq = 9;
	if (irq < 16)
		pic_chip_input(p, irq >> 3, irq & 7, level);
}

static void pic_line_set(void *opaque, int pin, int level)
{
	pic_set_irq(opaque, (unsigned)pin, level != 0);
}

/* The slave's INT output, wired to the master's IR2. */
static void pic_cascade_set(void *opaque, int pin, int level)
{
	pic_chip_input(opaque, 0, PIC_CASCADE_IRQ, level != 0);
}

struct irq_line pic_irq_input(struct pic *p, unsigned irq)
{
	if (irq >= 16)
		return (struct irq_line){ NULL, NULL, 0 };
	return (struct irq_line){ pic_line_set, p, (int)irq };
}

/* --- acknowledge ----------------------------------------------------------- */

/* Moves input `irq` from IRR to ISR, as the INTA cycle (or a poll read)
 * does. An edge request is consumed; a level request stays while the pin is
 * high. In automatic-EOI mode (INTA only) the ISR bit is not kept, and with
 * rotate-in-AEOI the input becomes the lowest priority. */
static void pic_ack_input(struct pic_chip *c, unsigned irq, bool inta)
{
	uint8_t m = (uint8_t)(1u << irq);
	if (!(c->elcr & m))
		c->irr &= ~m;
	if (inta && (c->icw4 & ICW4_AEOI)) {
		if (c->rotate_aeoi)
			c->lowest = (uint8_t)irq;
	} else {
		c->isr |= m;
	}
}

/* The slave's part of an INTA routed to it over the cascade. Its INT output
 * is dropped during the cycle and then driven again, so a request it still
 * has (auto-EOI, special mask mode) gives the master's edge-triggered IR2 a
 * fresh edge. A slave with nothing to offer answers with its spurious vector
 * (base + 7) and sets nothing in service; the master's IR2 stays in service,
 * as on the real part, so the handler must still send the master an EOI. */
static uint8_t pic_slave_ack(struct pic *p)
{
	struct pic_chip *s = &p->chip[1];
	int irq = pic_pending(s, false);
	uint8_t vec;
	if (irq < 0) {
		vec = s->vector | 7;
	} else {
		pic_ack_input(s, (unsigned)irq, true);
		vec = s->vector | (uint8_t)irq;
	}
	if (s->out) {
		s->out = false;
		irq_set(&s->int_out, 0);
	}
	pic_update(p, 1);
	return vec;
}

uint8_t pic_intr_ack(struct pic *p)
{
	struct pic_chip *m = &p->chip[0];
	int irq = pic_pending(m, true);
	uint8_t vec;
	if (irq < 0) {
		/* The request went away before INTA: the spurious IR7. */
		vec = m->vector | 7;
	} else {
		pic_ack_input(m, (unsigned)irq, true);
		if (pic_is_cascade(m, true, (unsigned)irq)) {
			/* Only IR2 has a slave; on other inputs marked in ICW3,
			 * or if the slave's ID does not match, no chip drives the
			 * data bus and the CPU reads all-ones. */
			if (irq == PIC_CASCADE_IRQ && (p->chip[1].icw3 & 7) == PIC_CASCADE_IRQ)
				vec = pic_slave_ack(p);
			else
				vec = 0xFF;
		} else {
			vec = m->vector | (uint8_t)irq;
		}
	}
	pic_update(p, 0);
	return vec;
}

/* Poll mode: the read after an OCW3 with P set acknowledges like INTA (the
 * ISR bit is set; automatic EOI applies to INTA cycles only) and returns
 * I (bit 7: a request was found) and W2-W0 (its level). */
static uint8_t pic_poll_read(struct pic *p, unsigned n)
{
	struct pic_chip *c = &p->chip[n];
	c->poll = false;
	int irq = pic_pending(c, n == 0);
	if (irq < 0)
		return 0;
	pic_ack_input(c, (unsigned)irq, false);
	pic_update(p, n);
	return 0x80 | (uint8_t)irq;
}

/* --- command words --------------------------------------------------------- */

/* ICW1 starts the initialisation sequence: the edge-sense latches are
 * reset (a line that is already high needs a new rising edge), the IMR and
 * ISR are cleared, IR7 becomes the lowest priority, special mask mode and
 * the status read select are reset, and without IC4 the ICW4 functions are
 * all zero. */
static void pic_icw1(struct pic_chip *c, uint8_t v)
{
	c->icw1 = v;
	c->init_step = 1;
	c->irr &= c->elcr;
	c->isr = 0;
	c->imr = 0;
	c->lowest = 7;
	c->special_mask = false;
	c->read_isr = false;
	c->poll = false;
	c->rotate_aeoi = false;
	if (!(v & ICW1_IC4))
		c->icw4 = 0;
}

/* The ISR bit a non-specific EOI clears: the highest-priority one; in
 * special mask mode, never one that is masked. */
static int pic_eoi_target(const struct pic_chip *c)
{
	uint8_t in_service = c->isr;
	if (c->special_mask)
		in_service &= ~c->imr;
	return pic_highest(c, in_service);
}

/* OCW2: EOI commands, rotation and priority setting (R SL EOI in D7-D5). */
static void pic_ocw2(struct pic_chip *c, uint8_t v)
{
	unsigned level = v & 7;
	int irq;
	switch (v >> 5) {
	case 0: c->rotate_aeoi = false; break; /* rotate in AEOI: clear */
	case 4: c->rotate_aeoi = true; break;  /* rotate in AEOI: set */
	case 1:                                /* non-specific EOI */
	case 5:                                /* rotate on non-specific EOI */
		irq = pic_eoi_target(c);
		if (irq >= 0) {
			c->isr &= ~(1u << irq);
			if (v & 0x80)
				c->lowest = (uint8_t)irq;
		}
		break;
	case 3: /* specific EOI */ c->isr &= ~(1u << level); break;
	case 7: /* rotate on specific EOI */
		c->isr &= ~(1u << level);
		c->lowest = (uint8_t)level;
		break;
	case 6: /* set priority: `level` becomes the lowest */ c->lowest = (uint8_t)level; break;
	default: /* 2: no operation */ break;
	}
}

/* OCW3: special mask mode (ESMM, SMM), poll (P), register read (RR, RIS). */
static void pic_ocw3(struct pic_chip *c, uint8_t v)
{
	if (v & 0x40)
		c->special_mask = (v & 0x20) != 0;
	if (v & 0x04)
		c->poll = true;
	if (v & 0x02)
		c->read_isr = (v & 0x01) != 0;
}

/* Port 1: ICW2-4 during initialisation, OCW1 (the mask) afterwards. */
static void pic_data_write(struct pic_chip *c, uint8_t v)
{
	switch (c->init_step) {
	case 1:
		c->vector = v & 0xF8;
		if (!(c->icw1 & ICW1_SNGL))
			c->init_step = 2;
		else
			c->init_step = (c->icw1 & ICW1_IC4) ? 3 : 0;
		break;
	case 2:
		c->icw3 = v;
		c->init_step = (c->icw1 & ICW1_IC4) ? 3 : 0;
		break;
	case 3:
		c->icw4 = v;
		c->init_step = 0;
		break;
	default: c->imr = v; break;
	}
}

/* --- ports ----------------------------------------------------------------- */

static void pic_port_write(void *opaque, uint16_t port, uint8_t v)
{
	struct pic *p = opaque;
	unsigned n = (port & 0x80) ? 1 : 0;
	struct pic_chip *c = &p->chip[n];
	if (port & 1)
		pic_data_write(c, v);
	else if (v & 0x10)
		pic_icw1(c, v);
	else if (v & 0x08)
		pic_ocw3(c, v);
	else
		pic_ocw2(c, v);
	pic_update(p, n);
}

static uint8_t pic_port_read(void *opaque, uint16_t port)
{
	struct pic *p = opaque;
	unsigned n = (port & 0x80) ? 1 : 0;
	struct pic_chip *c = &p->chip[n];
	if (c->poll)
		return pic_poll_read(p, n);
	if (port & 1)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

/* The ELCR: a set bit makes the input level-triggered. A request latched
 * on an input that becomes level-triggered is replaced by the pin's level. */
static void pic_elcr_write(void *opaque, uint16_t port, uint8_t v)
{
	struct pic *p = opaque;
	unsigned n = port & 1;
	struct pic_chip *c = &p->chip[n];
	c->elcr = v & c->elcr_mask;
	c->irr = (uint8_t)((c->irr & ~c->elcr) | (c->pins & c->elcr));
	pic_update(p, n);
}

static uint8_t pic_elcr_read(void *opaque, uint16_t port)
{
	struct pic *p = opaque;
	return p->chip[port & 1].elcr;
}

static const struct io_ops pic_ops = {
	.read8 = pic_port_read,
	.write8 = pic_port_write,
};

static const struct io_ops pic_elcr_ops = {
	.read8 = pic_elcr_read,
	.write8 = pic_elcr_write,
};

/* The power-on state is undefined on the real part; firmware always runs
 * the ICW sequence. We start with every input masked so nothing reaches
 * the CPU before that. */
int pic_init(struct pic *p, struct io_bus *io, struct irq_line intr_out)
{
	memset(p, 0, sizeof(*p));
	for (unsigned n = 0; n < 2; n++) {
		struct pic_chip *c = &p->chip[n];
		c->imr = 0xFF;
		c->lowest = 7;
	}
	p->chip[0].elcr_mask = PIC_ELCR_MASK_MASTER;
	p->chip[1].elcr_mask = PIC_ELCR_MASK_SLAVE;
	p->chip[0].int_out = intr_out;
	p->chip[1].int_out = (struct irq_line){ pic_cascade_set, p, PIC_CASCADE_IRQ };
	irq_set(&intr_out, 0);
	if (io_register(io, PIC_MASTER_PORT, 2, &pic_ops, p, "pic-master") < 0 ||
	    io_register(io, PIC_SLAVE_PORT, 2, &pic_ops, p, "pic-slave") < 0 ||
	    io_register(io, PIC_ELCR_PORT, 2, &pic_elcr_ops, p, "elcr") < 0)
		return -1;
	return 0;
}
