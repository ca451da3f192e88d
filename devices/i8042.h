/* i8042.h: the 8042 keyboard controller with a PS/2 keyboard and mouse.
 *
 * Ports: 0x60 data (read: the output buffer; write: a byte for the
 * keyboard, or the data of a controller command), 0x64 status (read) and
 * controller command (write).
 *
 * The controller moves one byte at a time from the keyboard or the mouse
 * into its output buffer, translating keyboard bytes from set 2 to set 1
 * when the command byte asks (as firmware leaves it). It raises IRQ1 while
 * its output buffer holds a keyboard byte and IRQ12 while it holds a mouse
 * byte, each when enabled in the command byte, and lowers them when port
 * 0x60 is read. Its output port drives the A20 gate and the CPU reset line:
 * the board passes callbacks for both.
 */
#ifndef POPEK_DEVICES_I8042_H
#define POPEK_DEVICES_I8042_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/irq.h"
#include "devices/ps2.h"

struct io_bus;
struct clock;

#define I8042_PORT_DATA 0x60
#define I8042_PORT_STATUS 0x64

/* Status register (port 0x64). */
#define I8042_STR_OBF 0x01      /* output buffer full */
#define I8042_STR_IBF 0x02      /* input buffer full (never: writes act at once) */
#define I8042_STR_SYS 0x04      /* system flag (command byte bit 2) */
#define I8042_STR_CMD 0x08      /* last write was to port 0x64 (A2) */
#define I8042_STR_UNLOCKED 0x10 /* keyboard not inhibited by the key lock */
#define I8042_STR_AUXB 0x20     /* the output buffer holds mouse data */
#define I8042_STR_TIMEOUT 0x40
#define I8042_STR_PARITY 0x80

/* Command byte (controller RAM byte 0). */
#define I8042_CMD_KBD_INT 0x01 /* IRQ1 on keyboard data */
#define I8042_CMD_AUX_INT 0x02 /* IRQ12 on mouse data */
#define I8042_CMD_SYS 0x04
#define I8042_CMD_KBD_OFF 0x10 /* keyboard clock held low */
#define I8042_CMD_AUX_OFF 0x20 /* mouse clock held low */
#define I8042_CMD_XLATE 0x40   /* translate set 2 to set 1 */

/* Output port (commands 0xD0/0xD1). */
#define I8042_OUT_RESET 0x01 /* 0 holds the CPU in reset */
#define I8042_OUT_A20 0x02
#define I8042_OUT_KBD_IRQ 0x10
#define I8042_OUT_AUX_IRQ 0x20

#define I8042_CTL_QUEUE 8

struct i8042 {
	struct ps2_kbd kbd;
	struct ps2_mouse mouse;
	struct irq_line irq1, irq12;
	bool irq1_level, irq12_level;
	void (*a20)(void *opaque, bool on); /* may be NULL */
	void (*reset)(void *opaque);        /* may be NULL */
	void *opaque;

	uint8_t status;  /* OBF, AUXB, CMD; SYS and UNLOCKED are derived */
	uint8_t out;     /* the output buffer */
	uint8_t ram[32]; /* controller RAM; byte 0 is the command byte */
	uint8_t outport;
	uint8_t pending;  /* command waiting for its data byte, 0: none */
	bool xlate_break; /* translation saw F0: the next byte is a break */
	bool last_aux;    /* the last device byte came from the mouse */
	/* The controller's own answers (and 0xD2/0xD3 bytes), sent before any
	 * device byte. */
	struct {
		uint8_t byte;
		bool aux;
	} ctl[I8042_CTL_QUEUE];
	uint8_t ctl_head, ctl_count;
};

/* Powers the controller on with its keyboard and mouse and registers ports
 * 0x60 and 0x64. The output port starts with A20 on and reset released; the
 * callbacks are not called at init. Returns 0, or -1 when a port is taken
 * or the clock has no free event. */
int i8042_init(struct i8042 *k, struct io_bus *io, struct clock *clk, struct irq_line irq1,
	       struct irq_line irq12, void (*a20)(void *, bool), void (*reset)(void *),
	       void *opaque);

/* Frontend input. A key is a HID usage (enum hid_key in devices/hid_keys.h,
 * the same numbers as SDL scancodes). Mouse: see ps2_mouse_move (dy > 0 is
 * up; buttons are PS2_MOUSE_* bits). */
void i8042_key_event(struct i8042 *k, uint16_t hid_key, bool down);
void i8042_mouse_event(struct i8042 *k, int dx, int dy, int dz, unsigned buttons);

/* The keyboard LEDs the guest last set (PS2_LED_* bits), for a frontend. */
uint8_t i8042_kbd_leds(const struct i8042 *k);

#endif
