/* i8042.c: the 8042 keyboard controller (see i8042.h).
 *
 * Every host write acts at once, so the input buffer never reads full. The
 * output buffer holds one byte; when it is empty the controller refills it,
 * first from its own answers, then from the keyboard and the mouse in turn
 * (each only while its interface clock is enabled in the command byte), so
 * neither device can starve the other.
 */
#include "devices/i8042.h"

#include <string.h>

#include "vmm/io_bus.h"

/* Input port (command 0xC0): keyboard not inhibited (bit 7), colour display
 * (bit 6 clear), no manufacturing jumper (bit 5), 512 KiB on the board
 * (bit 4). */
#define I8042_INPUT_PORT 0xB0
/* Power-on command byte: translation and keyboard interrupts on, both
 * interfaces enabled, SYS clear until the self-test (or firmware) sets it. */
#define I8042_CMD_DEFAULT (I8042_CMD_XLATE | I8042_CMD_KBD_INT)
/* Output port: reset released, A20 on, keyboard clock and data high. */
#define I8042_OUT_DEFAULT 0xC3

static uint8_t i8042_cmd(const struct i8042 *k)
{
	return k->ram[0];
}

/* IRQ1 / IRQ12 follow the output buffer and the command byte's enables. */
static void i8042_update_irq(struct i8042 *k)
{
	bool full = k->status & I8042_STR_OBF;
	bool aux = k->status & I8042_STR_AUXB;
	bool irq1 = full && !aux && (i8042_cmd(k) & I8042_CMD_KBD_INT);
	bool irq12 = full && aux && (i8042_cmd(k) & I8042_CMD_AUX_INT);
	if (irq1 != k->irq1_level) {
		k->irq1_level = irq1;
		irq_set(&k->irq1, irq1);
	}
	if (irq12 != k->irq12_level) {
		k->irq12_level = irq12;
		irq_set(&k->irq12, irq12);
	}
}

static void i8042_fill(struct i8042 *k, uint8_t b, bool aux)
{
	k->out = b;
	k->status = (uint8_t)((k->status & ~I8042_STR_AUXB) | I8042_STR_OBF |
			      (aux ? I8042_STR_AUXB : 0));
}

/* Moves a keyboard byte in, through the translation when it is on: an F0
 * prefix is swallowed and sets bit 7 of the byte after it. Returns false
 * when the keyboard had nothing but (at most) a prefix. */
static bool i8042_take_kbd(struct i8042 *k)
{
	uint8_t b;
	while (ps2_kbd_read(&k->kbd, &b)) {
		if (i8042_cmd(k) & I8042_CMD_XLATE) {
			if (b == 0xF0) {
				k->xlate_break = true;
				continue;
			}
			b = (uint8_t)(ps2_translate(b) | (k->xlate_break ? 0x80 : 0));
			k->xlate_break = false;
		}
		i8042_fill(k, b, false);
		return true;
	}
	return false;
}

static bool i8042_take_aux(struct i8042 *k)
{
	uint8_t b;
	if (!ps2_mouse_read(&k->mouse, &b))
		return false;
	i8042_fill(k, b, true);
	return true;
}

/* Refills an empty output buffer. */
static void i8042_service(struct i8042 *k)
{
	if (!(k->status & I8042_STR_OBF)) {
		if (k->ctl_count) {
			i8042_fill(k, k->ctl[k->ctl_head].byte, k->ctl[k->ctl_head].aux);
			k->ctl_head = (uint8_t)((k->ctl_head + 1) % I8042_CTL_QUEUE);
			k->ctl_count--;
		} else {
			bool kbd = !(i8042_cmd(k) & I8042_CMD_KBD_OFF) && ps2_kbd_has_data(&k->kbd);
			bool aux = !(i8042_cmd(k) & I8042_CMD_AUX_OFF) &&
				   ps2_mouse_has_data(&k->mouse);
			/* Take turns when both have data. */
			if (kbd && aux && !k->last_aux)
				kbd = false;
			if (kbd && i8042_take_kbd(k))
				k->last_aux = false;
			else if (aux && i8042_take_aux(k))
				k->last_aux = true;
		}
	}
	i8042_update_irq(k);
}

static void i8042_device_notify(void *opaque)
{
	i8042_service(opaque);
}

/* Queues one of the controller's own answers. */
static void i8042_answer(struct i8042 *k, uint8_t b, bool aux)
{
	if (k->ctl_count >= I8042_CTL_QUEUE)
		return;
	unsigned i = (k->ctl_head + k->ctl_count) % I8042_CTL_QUEUE;
	k->ctl[i].byte = b;
	k->ctl[i].aux = aux;
	k->ctl_count++;
}

static void i8042_set_a20(struct i8042 *k, bool on)
{
	k->outport = (uint8_t)((k->outport & ~I8042_OUT_A20) | (on ? I8042_OUT_A20 : 0));
	if (k->a20)
		k->a20(k->opaque, on);
}

static void i8042_pulse_reset(struct i8042 *k)
{
	if (k->reset)
		k->reset(k->opaque);
}

/* Output port write (0xD1): bit 1 is the A20 gate, bit 0 low resets. */
static void i8042_write_outport(struct i8042 *k, uint8_t v)
{
	k->outport = v;
	i8042_set_a20(k, v & I8042_OUT_A20);
	if (!(v & I8042_OUT_RESET))
		i8042_pulse_reset(k);
}

/* Bits 4 and 5 of the output port are the IRQ1 and IRQ12 pins. */
static uint8_t i8042_read_outport(const struct i8042 *k)
{
	return (uint8_t)((k->outport & ~(I8042_OUT_KBD_IRQ | I8042_OUT_AUX_IRQ)) |
			 (k->irq1_level ? I8042_OUT_KBD_IRQ : 0) |
			 (k->irq12_level ? I8042_OUT_AUX_IRQ : 0));
}

static void i8042_command(struct i8042 *k, uint8_t c)
{
	k->pending = 0;
	if (c >= 0x20 && c <= 0x3F) { /* read controller RAM */
		i8042_answer(k, k->ram[c & 0x1F], false);
		return;
	}
	if ((c >= 0x60 && c <= 0x7F) || (c >= 0xD1 && c <= 0xD4)) {
		k->pending = c; /* the data byte follows on port 0x60 */
		return;
	}
	if (c >= 0xF0) { /* pulse output port bits 0-3 low: bit 0 is reset */
		if (!(c & 1))
			i8042_pulse_reset(k);
		return;
	}
	switch (c) {
	case 0xA4: /* password installed? no */ i8042_answer(k, 0xF1, false); break;
	case 0xA7: k->ram[0] |= I8042_CMD_AUX_OFF; break;
	case 0xA8: k->ram[0] &= (uint8_t)~I8042_CMD_AUX_OFF; break;
	case 0xA9: /* mouse interface test: no error */
	case 0xAB: /* keyboard interface test: no error */ i8042_answer(k, 0x00, false); break;
	case 0xAA: /* self-test: passed; the system flag goes up */
		k->ram[0] |= I8042_CMD_SYS;
		i8042_answer(k, 0x55, false);
		break;
	case 0xAD: k->ram[0] |= I8042_CMD_KBD_OFF; break;
	case 0xAE: k->ram[0] &= (uint8_t)~I8042_CMD_KBD_OFF; break;
	case 0xC0: i8042_answer(k, I8042_INPUT_PORT, false); break;
	case 0xD0: i8042_answer(k, i8042_read_outport(k), false); break;
	case 0xDD:
	case 0xDF: i8042_set_a20(k, c == 0xDF); break;
	case 0xE0: /* test inputs: keyboard clock and data lines low */
		i8042_answer(k, 0x00, false);
		break;
	default: break; /* unknown commands are ignored, as most 8042s do */
	}
}

/* The data byte of a pending command, or (with none) a byte for the
 * keyboard; sending to the keyboard enables its interface. */
static void i8042_data(struct i8042 *k, uint8_t v)
{
	uint8_t c = k->pending;
	k->pending = 0;
	if (c >= 0x60 && c <= 0x7F) {
		k->ram[c & 0x1F] = v;
	} else if (c == 0xD1) {
		i8042_write_outport(k, v);
	} else if (c == 0xD2 || c == 0xD3) {
		i8042_answer(k, v, c == 0xD3);
	} else if (c == 0xD4) {
		ps2_mouse_write(&k->mouse, v);
	} else {
		k->ram[0] &= (uint8_t)~I8042_CMD_KBD_OFF;
		ps2_kbd_write(&k->kbd, v);
	}
}

static uint8_t i8042_data_read(void *opaque, uint16_t port)
{
	struct i8042 *k = opaque;
	uint8_t v = k->out;
	if (k->status & I8042_STR_OBF) {
		k->status &= (uint8_t) ~(I8042_STR_OBF | I8042_STR_AUXB);
		i8042_update_irq(k); /* the line drops, and rises again on a refill */
		i8042_service(k);
	}
	return v;
}

static void i8042_data_write(void *opaque, uint16_t port, uint8_t value)
{
	struct i8042 *k = opaque;
	k->status &= (uint8_t)~I8042_STR_CMD;
	i8042_data(k, value);
	i8042_service(k);
}

static uint8_t i8042_status_read(void *opaque, uint16_t port)
{
	struct i8042 *k = opaque;
	return (uint8_t)(k->status | I8042_STR_UNLOCKED |
			 ((i8042_cmd(k) & I8042_CMD_SYS) ? I8042_STR_SYS : 0));
}

static void i8042_command_write(void *opaque, uint16_t port, uint8_t value)
{
	struct i8042 *k = opaque;
	k->status |= I8042_STR_CMD;
	i8042_command(k, value);
	i8042_service(k);
}

static const struct io_ops i8042_data_ops = {
	.read8 = i8042_data_read,
	.write8 = i8042_data_write,
};

static const struct io_ops i8042_status_ops = {
	.read8 = i8042_status_read,
	.write8 = i8042_command_write,
};

void i8042_key_event(struct i8042 *k, uint16_t hid_key, bool down)
{
	ps2_kbd_key(&k->kbd, hid_key, down);
}

void i8042_mouse_event(struct i8042 *k, int dx, int dy, int dz, unsigned buttons)
{
	ps2_mouse_move(&k->mouse, dx, dy, dz, buttons);
}

uint8_t i8042_kbd_leds(const struct i8042 *k)
{
	return k->kbd.leds;
}

int i8042_init(struct i8042 *k, struct io_bus *io, struct clock *clk, struct irq_line irq1,
	       struct irq_line irq12, void (*a20)(void *, bool), void (*reset)(void *),
	       void *opaque)
{
	memset(k, 0, sizeof(*k));
	k->irq1 = irq1;
	k->irq12 = irq12;
	k->a20 = a20;
	k->reset = reset;
	k->opaque = opaque;
	k->ram[0] = I8042_CMD_DEFAULT;
	k->outport = I8042_OUT_DEFAULT;
	if (ps2_kbd_init(&k->kbd, clk, i8042_device_notify, k) < 0 ||
	    ps2_mouse_init(&k->mouse, clk, i8042_device_notify, k) < 0)
		return -1;
	if (io_register(io, I8042_PORT_DATA, 1, &i8042_data_ops, k, "i8042 data") < 0 ||
	    io_register(io, I8042_PORT_STATUS, 1, &i8042_status_ops, k, "i8042 status") < 0)
		return -1;
	return 0;
}
