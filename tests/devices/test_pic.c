/* test_pic.c: the 8259A pair driven through its ports as firmware and an
 * OS drive it: initialisation, priorities, EOI kinds, rotation, automatic
 * EOI, masks, special mask mode, poll mode, spurious interrupts, edge and
 * level triggering through the ELCR, and the cascade through the slave. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "devices/pic.h"
#include "vmm/io_bus.h"

struct fixture {
	struct io_bus bus;
	struct pic pic;
	int intr;    /* the level of the CPU's INTR pin */
	int changes; /* how many times it was driven */
};

static void on_intr(void *opaque, int pin, int level)
{
	struct fixture *f = opaque;
	f->intr = level;
	f->changes++;
}

static void outb(struct fixture *f, uint16_t port, uint8_t v)
{
	io_write(&f->bus, port, v, 1);
}

static uint8_t inb(struct fixture *f, uint16_t port)
{
	return (uint8_t)io_read(&f->bus, port, 1);
}

/* The usual PC programming: vectors 0x20/0x28, slave on IR2, 8086 mode,
 * with `icw4` bits added to both chips' ICW4, everything unmasked. */
static void pc_init(struct fixture *f, uint8_t icw4_master, uint8_t icw4_slave)
{
	outb(f, 0x20, 0x11);
	outb(f, 0x21, 0x20);
	outb(f, 0x21, 0x04);
	outb(f, 0x21, 0x01 | icw4_master);
	outb(f, 0xA0, 0x11);
	outb(f, 0xA1, 0x28);
	outb(f, 0xA1, 0x02);
	outb(f, 0xA1, 0x01 | icw4_slave);
	outb(f, 0x21, 0x00);
	outb(f, 0xA1, 0x00);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	io_bus_init(&f->bus);
	if (pic_init(&f->pic, &f->bus, (struct irq_line){ on_intr, f, 0 }) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void irq(struct fixture *f, unsigned n, int level)
{
	struct irq_line l = pic_irq_input(&f->pic, n);
	irq_set(&l, level);
}

static void pulse(struct fixture *f, unsigned n)
{
	struct irq_line l = pic_irq_input(&f->pic, n);
	irq_pulse(&l);
}

static uint8_t read_isr(struct fixture *f, uint16_t base)
{
	outb(f, base, 0x0B);
	return inb(f, base);
}

static uint8_t read_irr(struct fixture *f, uint16_t base)
{
	outb(f, base, 0x0A);
	return inb(f, base);
}

static void eoi(struct fixture *f, uint16_t base)
{
	outb(f, base, 0x20);
}

static void test_power_on_masked(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(inb(f, 0x21), 0xFF);
	assert_int_equal(inb(f, 0xA1), 0xFF);
	pulse(f, 0);
	assert_int_equal(f->intr, 0);
	/* Ports that are not the PIC's are not claimed. */
	assert_int_equal(io_read(&f->bus, 0x22, 1), 0xFF);
}

static void test_init_sequence(void **state)
{
	struct fixture *f = *state;
	pc_init(f, 0, 0);
	assert_int_equal(inb(f, 0x21), 0x00);
	outb(f, 0x21, 0xB8);
	assert_int_equal(inb(f, 0x21), 0xB8);
	outb(f, 0x21, 0x00);
	/* After ICW1, port 0 reads IRR. */
	pulse(f, 1);
	assert_int_equal(inb(f, 0x20), 0x02);
	assert_int_equal(f->intr, 1);
	assert_int_equal(pic_intr_ack(&f->pic), 0x21);
	assert_int_equal(f->intr, 0);
	assert_int_equal(read_isr(f, 0x20), 0x02);
	assert_int_equal(read_irr(f, 0x20), 0x00);
	/* The register select sticks until changed. */
	outb(f, 0x20, 0x0B);
	assert_int_equal(inb(f, 0x20), 0x02);
	assert_int_equal(inb(f, 0x20), 0x02);
	eoi(f, 0x20);
	assert_int_equal(read_isr(f, 0x20), 0x00);

	/* A new ICW1 clears ISR and IMR and the edge latches. */
	outb(f, 0x21, 0xFF);
	pulse(f, 3);
	outb(f, 0x20, 0x11);
	outb(f, 0x21, 0x40);
	outb(f, 0x21, 0x04);
	outb(f, 0x21, 0x01);
	assert_int_equal(inb(f, 0x21), 0x00);
	assert_int_equal(read_irr(f, 0x20), 0x00);
	assert_int_equal(f->intr, 0);
	pulse(f, 6);
	assert_int_equal(pic_intr_ack(&f->pic), 0x46);

	/* Single mode without ICW4: ICW1, ICW2, then the next write is the
	 * mask. */
	outb(f, 0xA0, 0x12);
	outb(f, 0xA1, 0x70);
	outb(f, 0xA1, 0x5A);
	assert_int_equal(inb(f, 0xA1), 0x5A);
}

static void test_fixed_priority(void **state)
{
	struct fixture *f = *state;
	pc_init(f, 0, 0);
	pulse(f, 5);
	pulse(f, 3);
	pulse(f, 1);
	assert_int_equal(read_irr(f, 0x20), 0x2A);
	assert_int_equal(pic_intr_ack(&f->pic), 0x21);
	/* IRQ 3 and 5 rank below IRQ 1 in service: nothing until EOI. */
	assert_int_equal(f->intr, 0);
	/* A higher level nests. */
	pulse(f, 0);
	assert_int_equal(f->intr, 1);
	assert_int_equal(pic_intr_ack(&f->pic), 0x20);
	assert_int_equal(read_isr(f, 0x20), 0x03);
	assert_int_equal(f->intr, 0);
	/* Non-specific EOI clears the highest in service first. */
	eoi(f, 0x20);
	assert_int_equal(read_isr(f, 0x20), 0x02);
	assert_int_equal(f->intr, 0);
	eoi(f, 0x20);
	assert_int_equal(f->intr, 1);
	assert_int_equal(pic_intr_ack(&f->pic), 0x23);
	eoi(f, 0x20);
	assert_int_equal(pic_intr_ack(&f->pic), 0x25);
	eoi(f, 0x20);
	assert_int_equal(read_isr(f, 0x20), 0x00);
	assert_int_equal(f->intr, 0);
}

static void test_specific_eoi(void **state)
{
	struct fixture *f = *state;
	pc_init(f, 0, 0);
	pulse(f, 4);
	assert_int_equal(pic_intr_ack(&f->pic), 0x24);
	pulse(f, 2); /* IRQ 2 reaches IRQ 9 on the slave */
	pulse(f, 1);
	assert_int_equal(pic_intr_ack(&f->pic), 0x21);
	assert_int_equal(read_isr(f, 0x20), 0x12);
	/* Specific EOI for the lower level leaves the higher in service. */
	outb(f, 0x20, 0x64);
	assert_int_equal(read_isr(f, 0x20), 0x02);
	outb(f, 0x20, 0x61);
	assert_int_equal(read_isr(f, 0x20), 0x00);
	/* And the cascaded IRQ 9 is still waiting. */
	assert_int_equal(f->intr, 1);
	assert_int_equal(pic_intr_ack(&f->pic), 0x29);
}

static void test_rotation(void **state)
{
	struct fixture *f = *state;
	pc_init(f, 0, 0);
	/* Rotate on non-specific EOI: the level served becomes lowest. */
	pulse(f, 4);
	assert_int_equal(pic_intr_ack(&f->pic), 0x24);
	outb(f, 0x20, 0xA0);
	pulse(f, 3);
	pulse(f, 4);
	pulse(f, 5);
	/* Order now 5 6 7 0 1 2 3 4. */
	assert_int_equal(pic_intr_ack(&f->pic), 0x25);
	outb(f, 0x20, 0xA0); /* 5 lowest: 6 7 0 1 2 3 4 5 */
	assert_int_equal(pic_intr_ack(&f->pic), 0x23);
	outb(f, 0x20, 0x20);
	assert_int_equal(pic_intr_ack(&f->pic), 0x24);
	outb(f, 0x20, 0x20);

	/* Set priority: IRQ 1 lowest, so IRQ 3 outranks IRQ 0. */
	outb(f, 0x20, 0xC1);
	pulse(f, 0);
	pulse(f, 3);
	assert_int_equal(pic_intr_ack(&f->pic), 0x23);
	/* IRQ 0 now ranks below IRQ 3 in service. */
	assert_int_equal(f->intr, 0);
	/* Rotate on specific EOI: 3 leaves service and becomes the lowest,
	 * so the order is 4 5 6 7 0 1 2 3. */
	outb(f, 0x20, 0xE3);
	assert_int_equal(read_isr(f, 0x20), 0x00);
	pulse(f, 3);
	pulse(f, 4);
	assert_int_equal(pic_intr_ack(&f->pic), 0x24);
	outb(f, 0x20, 0x64);
	assert_int_equal(pic_intr_ack(&f->pic), 0x20);
	outb(f, 0x20, 0x60);
	assert_int_equal(pic_intr_ack(&f->pic), 0x23);
	outb(f, 0x20, 0x63);
	assert_int_equal(f->intr, 0);
}

static void test_auto_eoi(void **state)
{
	struct fixture *f = *state;
	pc_init(f, 0x02, 0);
	pulse(f, 1);
	pulse(f, 3);
	assert_int_equal(pic_intr_ack(&f->pic), 0x21);
	/* Nothing stays in service, so IRQ 3 follows at once. */
	assert_int_equal(read_isr(f, 0x20), 0x00);
	assert_int_equal(f->intr, 1);
	assert_int_equal(pic_intr_ack(&f->pic), 0x23);
	assert_int_equal(f->intr, 0);

	/* Rotate in AEOI mode: each served level becomes the lowest. */
	outb(f, 0x20, 0x80);
	pulse(f, 1);
	assert_int_equal(pic_intr_ack(&f->pic), 0x21);
	pulse(f, 0);
	pulse(f, 6);
	/* Order 2 3 4 5 6 7 0 1: IRQ 6 before IRQ 0. */
	assert_int_equal(pic_intr_ack(&f->pic), 0x26);
	/* Order 7 0 1 ... : IRQ 0 next. */
	assert_int_equal(pic_intr_ack(&f->pic), 0x20);
	/* Cleared again: the order stops moving (IRQ 0 is lowest now). */
	outb(f, 0x20, 0x00);
	pulse(f, 5);
	pulse(f, 4);
	assert_int_equal(pic_intr_ack(&f->pic), 0x24);
}

static void test_masks(void **state)
{
	struct fixture *f = *state;
	pc_init(f, 0, 0);
	outb(f, 0x21, 0x08);
	pulse(f, 3);
	assert_int_equal(f->intr, 0);
	/* The request is held in IRR while masked. */
	assert_int_equal(read_irr(f, 0x20), 0x08);
	outb(f, 0x21, 0x00);
	assert_int_equal(f->intr, 1);
	assert_int_equal(pic_intr_ack(&f->pic), 0x23);
	eoi(f, 0x20);
	/* Masking the cascade input on the master masks the whole slave. */
	outb(f, 0x21, 0x04);
	pulse(f, 12);
	assert_int_equal(f->intr, 0);
	assert_int_equal(read_irr(f, 0xA0), 0x10);
	outb(f, 0x21, 0x00);
	assert_int_equal(pic_intr_ack(&f->pic), 0x2C);
}

static void test_special_mask_mode(void **state)
{
	struct fixture *f = *state;
	pc_init(f, 0, 0);
	pulse(f, 1);
	assert_int_equal(pic_intr_ack(&f->pic), 0x21);
	pulse(f, 5);
	assert_int_equal(f->intr, 0);
	/* The handler masks its own level and enters special mask mode: the
	 * lower IRQ 5 is let through. */
	outb(f, 0x21, 0x02);
	assert_int_equal(f->intr, 0);
	outb(f, 0x20, 0x68);
	assert_int_equal(f->intr, 1);
	assert_int_equal(pic_intr_ack(&f->pic), 0x25);
	assert_int_equal(read_isr(f, 0x20), 0x22);
	/* A non-specific EOI skips the masked level 1 and clears 5. */
	eoi(f, 0x20);
	assert_int_equal(read_isr(f, 0x20), 0x02);
	/* Leaving special mask mode: level 1 holds back lower levels again. */
	outb(f, 0x20, 0x48);
	pulse(f, 6);
	assert_int_equal(f->intr, 0);
	outb(f, 0x21, 0x00);
	eoi(f, 0x20);
	assert_int_equal(pic_intr_ack(&f->pic), 0x26);
}

static void test_poll_mode(void **state)
{
	struct fixture *f = *state;
	pc_init(f, 0, 0);
	/* Nothing pending: I = 0. */
	outb(f, 0x20, 0x0C);
	assert_int_equal(inb(f, 0x20), 0x00);
	pulse(f, 6);
	pulse(f, 3);
	outb(f, 0x20, 0x0C);
	assert_int_equal(inb(f, 0x20), 0x83);
	/* The poll read acknowledged it. */
	assert_int_equal(read_isr(f, 0x20), 0x08);
	/* Only the one read after OCW3 is a poll; then IRR as selected. */
	outb(f, 0x20, 0x0E);                  /* poll, and select IRR for later reads */
	assert_int_equal(inb(f, 0x20), 0x00); /* IRQ 6 ranks below 3 */
	assert_int_equal(inb(f, 0x20), 0x40);
	eoi(f, 0x20);
	/* Poll wins over a register read in the same OCW3, and works on
	 * either port. */
	outb(f, 0x20, 0x0F);
	assert_int_equal(inb(f, 0x21), 0x86);
	assert_int_equal(inb(f, 0x20), 0x40);
}

static void test_spurious_irq7(void **state)
{
	struct fixture *f = *state;
	pc_init(f, 0, 0);
	outb(f, 0x4D0, 0x20); /* IRQ 5 level-triggered */
	irq(f, 5, 1);
	assert_int_equal(f->intr, 1);
	/* The device drops its request before the CPU acknowledges. */
	irq(f, 5, 0);
	assert_int_equal(f->intr, 0);
	assert_int_equal(pic_intr_ack(&f->pic), 0x27);
	assert_int_equal(read_isr(f, 0x20), 0x00);
	/* A real IRQ 7 does set ISR. */
	pulse(f, 7);
	assert_int_equal(pic_intr_ack(&f->pic), 0x27);
	assert_int_equal(read_isr(f, 0x20), 0x80);
}

static void test_spurious_irq15(void **state)
{
	struct fixture *f = *state;
	pc_init(f, 0, 0);
	outb(f, 0x4D1, 0x04); /* IRQ 10 level-triggered */
	irq(f, 10, 1);
	assert_int_equal(f->intr, 1);
	assert_int_equal(read_irr(f, 0x20), 0x04);
	/* Its request vanishes between the master's decision and the
	 * slave's part of the INTA cycle (struct access: the bus does not
	 * let a test stop the CPU in mid-cycle). */
	f->pic.chip[1].irr = 0;
	f->pic.chip[1].pins = 0;
	/* The slave answers with its IR7 vector and sets nothing; the master
	 * has IR2 in service and needs its EOI. */
	assert_int_equal(pic_intr_ack(&f->pic), 0x2F);
	assert_int_equal(read_isr(f, 0xA0), 0x00);
	assert_int_equal(read_isr(f, 0x20), 0x04);
	assert_int_equal(f->intr, 0);
	eoi(f, 0x20);
	assert_int_equal(read_isr(f, 0x20), 0x00);
	/* With nothing at all pending, the master's IR7 vector. */
	assert_int_equal(pic_intr_ack(&f->pic), 0x27);
}

static void test_elcr(void **state)
{
	struct fixture *f = *state;
	/* IRQ 0, 1, 2, 8 and 13 are always edge-triggered. */
	outb(f, 0x4D0, 0xFF);
	outb(f, 0x4D1, 0xFF);
	assert_int_equal(inb(f, 0x4D0), 0xF8);
	assert_int_equal(inb(f, 0x4D1), 0xDE);
	outb(f, 0x4D0, 0x00);
	outb(f, 0x4D1, 0x00);
	assert_int_equal(inb(f, 0x4D0), 0x00);
	assert_int_equal(inb(f, 0x4D1), 0x00);
}

static void test_level_vs_edge(void **state)
{
	struct fixture *f = *state;
	pc_init(f, 0, 0);
	outb(f, 0x4D0, 0x08); /* IRQ 3 level, IRQ 4 edge */
	irq(f, 3, 1);
	irq(f, 4, 1);
	assert_int_equal(pic_intr_ack(&f->pic), 0x23);
	eoi(f, 0x20);
	/* The level line still high asks again; the edge line does not. */
	assert_int_equal(pic_intr_ack(&f->pic), 0x23);
	eoi(f, 0x20);
	irq(f, 3, 0);
	assert_int_equal(pic_intr_ack(&f->pic), 0x24);
	eoi(f, 0x20);
	assert_int_equal(f->intr, 0);
	assert_int_equal(read_irr(f, 0x20), 0x00);
	/* A held edge line needs a new rising edge. */
	irq(f, 4, 1);
	assert_int_equal(f->intr, 0);
	irq(f, 4, 0);
	irq(f, 4, 1);
	assert_int_equal(pic_intr_ack(&f->pic), 0x24);
	eoi(f, 0x20);
	/* An edge request is latched even when the line falls before INTA
	 * (an ISA pulse). */
	irq(f, 4, 0);
	pulse(f, 4);
	assert_int_equal(f->intr, 1);
	assert_int_equal(pic_intr_ack(&f->pic), 0x24);
	eoi(f, 0x20);
	/* Switching to level replaces the latch with the pin. */
	pulse(f, 5);
	outb(f, 0x4D0, 0x28);
	assert_int_equal(read_irr(f, 0x20), 0x00);
	assert_int_equal(f->intr, 0);
	/* IRQ 0 cannot be made level-triggered. */
	outb(f, 0x4D0, 0x01);
	irq(f, 0, 1);
	assert_int_equal(pic_intr_ack(&f->pic), 0x20);
	eoi(f, 0x20);
	assert_int_equal(f->intr, 0);
}

static void test_cascade(void **state)
{
	struct fixture *f = *state;
	pc_init(f, 0, 0);
	pulse(f, 10);
	assert_int_equal(f->intr, 1);
	assert_int_equal(read_irr(f, 0xA0), 0x04);
	assert_int_equal(read_irr(f, 0x20), 0x04);
	assert_int_equal(pic_intr_ack(&f->pic), 0x2A);
	assert_int_equal(read_isr(f, 0xA0), 0x04);
	assert_int_equal(read_isr(f, 0x20), 0x04);
	/* The slave ranks IRQ 8 above 10 and asks the master, but the
	 * master's IR2 is in service (fully nested mode): wait. */
	pulse(f, 8);
	assert_int_equal(f->intr, 0);
	/* IRQ 1 outranks the cascade and nests. */
	pulse(f, 1);
	assert_int_equal(pic_intr_ack(&f->pic), 0x21);
	eoi(f, 0x20);
	/* EOI to the slave, then the master: IRQ 8 follows. */
	eoi(f, 0xA0);
	assert_int_equal(f->intr, 0);
	eoi(f, 0x20);
	assert_int_equal(f->intr, 1);
	assert_int_equal(pic_intr_ack(&f->pic), 0x28);
	eoi(f, 0xA0);
	eoi(f, 0x20);
	assert_int_equal(read_isr(f, 0xA0), 0x00);
	assert_int_equal(read_isr(f, 0x20), 0x00);
	/* The whole slave sits at the master's level 2: IRQ 15 outranks
	 * IRQ 3. */
	pulse(f, 15);
	pulse(f, 3);
	assert_int_equal(pic_intr_ack(&f->pic), 0x2F);
	eoi(f, 0xA0);
	eoi(f, 0x20);
	assert_int_equal(pic_intr_ack(&f->pic), 0x23);
	eoi(f, 0x20);
}

/* A slave request that goes away (here: masked on the slave) takes the
 * master's IR2 request with it, rather than leaving the master to run an
 * INTA the slave can only answer with its spurious vector. */
static void test_cascade_request_withdrawn(void **state)
{
	struct fixture *f = *state;
	pc_init(f, 0, 0);
	pulse(f, 10);
	assert_int_equal(f->intr, 1);
	outb(f, 0xA1, 0x04);
	assert_int_equal(f->intr, 0);
	assert_int_equal(read_irr(f, 0x20), 0x00);
	assert_int_equal(read_irr(f, 0xA0), 0x04);
	outb(f, 0xA1, 0x00);
	assert_int_equal(f->intr, 1);
	assert_int_equal(pic_intr_ack(&f->pic), 0x2A);
}

static void test_special_fully_nested(void **state)
{
	struct fixture *f = *state;
	pc_init(f, 0x10, 0);
	pulse(f, 10);
	assert_int_equal(pic_intr_ack(&f->pic), 0x2A);
	/* In special fully nested mode the master lets a higher request from
	 * the slave in service through. */
	pulse(f, 8);
	assert_int_equal(f->intr, 1);
	assert_int_equal(pic_intr_ack(&f->pic), 0x28);
	assert_int_equal(read_isr(f, 0xA0), 0x05);
	/* A lower one from the same slave is still held back by the slave. */
	pulse(f, 11);
	assert_int_equal(f->intr, 0);
	eoi(f, 0xA0);
	/* The slave still has 10 in service: no EOI to the master yet, as
	 * the datasheet says the handler checks. */
	assert_int_equal(read_isr(f, 0xA0), 0x04);
	eoi(f, 0xA0);
	assert_int_equal(f->intr, 1);
	assert_int_equal(pic_intr_ack(&f->pic), 0x2B);
}

static void test_slave_auto_eoi(void **state)
{
	struct fixture *f = *state;
	/* Both chips in automatic EOI: the slave's INT stays high across the
	 * first INTA (it has a second request), and the master must still see
	 * it. */
	pc_init(f, 0x02, 0x02);
	pulse(f, 9);
	pulse(f, 11);
	assert_int_equal(pic_intr_ack(&f->pic), 0x29);
	assert_int_equal(f->intr, 1);
	assert_int_equal(pic_intr_ack(&f->pic), 0x2B);
	assert_int_equal(f->intr, 0);
	assert_int_equal(read_isr(f, 0x20), 0x00);
	assert_int_equal(read_isr(f, 0xA0), 0x00);
}

static void test_bad_inputs(void **state)
{
	struct fixture *f = *state;
	pc_init(f, 0, 0);
	/* Out-of-range IRQ numbers give a line that goes nowhere. */
	struct irq_line l = pic_irq_input(&f->pic, 16);
	irq_pulse(&l);
	l = pic_irq_input(&f->pic, 0xFFFFFFFFu);
	irq_pulse(&l);
	pic_set_irq(&f->pic, 99, true);
	assert_int_equal(f->intr, 0);
	assert_int_equal(read_irr(f, 0x20), 0);
	assert_int_equal(read_irr(f, 0xA0), 0);
	/* A slave programmed with another ID does not answer the master's
	 * cascade address for IR2: nobody drives the bus. */
	outb(f, 0xA0, 0x11);
	outb(f, 0xA1, 0x28);
	outb(f, 0xA1, 0x03);
	outb(f, 0xA1, 0x01);
	pulse(f, 9);
	assert_int_equal(f->intr, 1);
	assert_int_equal(pic_intr_ack(&f->pic), 0xFF);
	eoi(f, 0x20);
	/* Every OCW2 code, with EOIs when nothing is in service. */
	for (unsigned v = 0; v < 0x100; v += 0x01) {
		if (!(v & 0x18))
			outb(f, 0x20, (uint8_t)v);
	}
	assert_int_equal(read_isr(f, 0x20), 0);
}

/* Random programming, input levels and acknowledges: nothing may crash,
 * and INTR low always means an INTA finds nothing (the spurious IR7, with
 * nothing put in service). */
static void test_random_programming(void **state)
{
	struct fixture *f = *state;
	static const uint16_t ports[] = { 0x20, 0x21, 0xA0, 0xA1, 0x4D0, 0x4D1 };
	uint32_t seed = 777;
	unsigned real = 0;
	for (unsigned i = 0; i < 200000; i++) {
		seed = seed * 1103515245u + 12345u;
		uint32_t r = seed >> 8;
		switch (r & 7) {
		case 0:
		case 1: outb(f, ports[(r >> 3) % 6], (uint8_t)(r >> 8)); break;
		case 2: inb(f, ports[(r >> 3) % 6]); break;
		case 3:
		case 4:
		case 5: irq(f, (r >> 3) & 15, (r >> 7) & 1); break;
		default: {
			bool was = f->intr;
			uint8_t isr = f->pic.chip[0].isr;
			uint8_t base = f->pic.chip[0].vector;
			uint8_t vec = pic_intr_ack(&f->pic);
			if (!was) {
				assert_int_equal(vec, base | 7);
				assert_int_equal(f->pic.chip[0].isr, isr);
			} else {
				real++;
			}
			break;
		}
		}
	}
	assert_true(real > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_power_on_masked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_sequence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fixed_priority, setup, teardown),
		cmocka_unit_test_setup_teardown(test_specific_eoi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto_eoi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_masks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_special_mask_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spurious_irq7, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spurious_irq15, setup, teardown),
		cmocka_unit_test_setup_teardown(test_elcr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_level_vs_edge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cascade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cascade_request_withdrawn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_special_fully_nested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slave_auto_eoi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_inputs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_programming, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
