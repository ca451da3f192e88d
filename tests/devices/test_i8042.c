/* test_i8042.c: the keyboard controller, its PS/2 keyboard and mouse, and
 * port 0x92, driven through ports 0x60/0x64/0x92 as a guest would: the
 * controller's commands and status bits, the command byte, A20 and reset
 * through the output port and port 0x92, IRQ1/IRQ12, the keyboard's
 * commands, make/break codes in sets 1, 2 and 3 with and without the
 * controller's translation (extended keys, Print Screen, Pause), typematic
 * repeat in virtual time, the buffer overrun code, and the mouse's
 * commands, packet format, overflow bits and wheel IDs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "devices/i8042.h"
#include "devices/port92.h"
#include "vmm/clock.h"
#include "vmm/io_bus.h"

#define MS 1000000ull

struct fixture {
	struct io_bus bus;
	struct clock clk;
	struct i8042 kbc;
	struct port92 p92;
	int level[16]; /* IRQ lines as last driven */
	unsigned edges[16];
	int a20_calls;
	bool a20;
	int resets;
	int p92_a20_calls;
	bool p92_a20;
	int p92_resets;
};

static void on_irq(void *opaque, int pin, int level)
{
	struct fixture *f = opaque;
	if (level && !f->level[pin])
		f->edges[pin]++;
	f->level[pin] = level;
}

static void on_a20(void *opaque, bool on)
{
	struct fixture *f = opaque;
	f->a20_calls++;
	f->a20 = on;
}

static void on_reset(void *opaque)
{
	struct fixture *f = opaque;
	f->resets++;
}

static void on_p92_a20(void *opaque, bool on)
{
	struct fixture *f = opaque;
	f->p92_a20_calls++;
	f->p92_a20 = on;
}

static void on_p92_reset(void *opaque)
{
	struct fixture *f = opaque;
	f->p92_resets++;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	io_bus_init(&f->bus);
	clock_init(&f->clk);
	if (i8042_init(&f->kbc, &f->bus, &f->clk, (struct irq_line){ on_irq, f, 1 },
		       (struct irq_line){ on_irq, f, 12 }, on_a20, on_reset, f) < 0 ||
	    port92_init(&f->p92, &f->bus, on_p92_a20, on_p92_reset, f) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void outb(struct fixture *f, uint16_t port, uint8_t v)
{
	io_write(&f->bus, port, v, 1);
}

static uint8_t inb(struct fixture *f, uint16_t port)
{
	return (uint8_t)io_read(&f->bus, port, 1);
}

static uint8_t status(struct fixture *f)
{
	return inb(f, 0x64);
}

/* Reads one byte the way a driver does: it must be there. */
static uint8_t read_data(struct fixture *f)
{
	assert_true(status(f) & I8042_STR_OBF);
	return inb(f, 0x60);
}

/* Reads everything waiting (at most `max`); returns how many. */
static unsigned drain(struct fixture *f, uint8_t *out, unsigned max)
{
	unsigned n = 0;
	while ((status(f) & I8042_STR_OBF) && n < max)
		out[n++] = inb(f, 0x60);
	return n;
}

static void expect_bytes(struct fixture *f, const uint8_t *want, unsigned n)
{
	uint8_t got[64];
	unsigned m = drain(f, got, sizeof(got));
	assert_int_equal(m, n);
	assert_memory_equal(got, want, n);
}

#define EXPECT(f, ...)                                   \
	do {                                             \
		const uint8_t want_[] = { __VA_ARGS__ }; \
		expect_bytes(f, want_, sizeof(want_));   \
	} while (0)

static void expect_empty(struct fixture *f)
{
	assert_int_equal(status(f) & I8042_STR_OBF, 0);
}

static void ctl_cmd(struct fixture *f, uint8_t c)
{
	outb(f, 0x64, c);
}

static void write_cmd_byte(struct fixture *f, uint8_t v)
{
	ctl_cmd(f, 0x60);
	outb(f, 0x60, v);
}

static void run_to(struct fixture *f, uint64_t t)
{
	for (;;) {
		uint64_t next = clock_next_deadline(&f->clk);
		if (next > t)
			break;
		if (next > f->clk.now_ns)
			f->clk.now_ns = next;
		clock_run_due(&f->clk);
	}
	f->clk.now_ns = t;
	clock_run_due(&f->clk);
}

static void key(struct fixture *f, unsigned hid, bool down)
{
	i8042_key_event(&f->kbc, (uint16_t)hid, down);
}

static void tap(struct fixture *f, unsigned hid)
{
	key(f, hid, true);
	key(f, hid, false);
}

/* Sends a byte to the mouse (0xD4 prefix). */
static void aux(struct fixture *f, uint8_t b)
{
	ctl_cmd(f, 0xD4);
	outb(f, 0x60, b);
}

/* Sends a byte to the mouse and reads its acknowledgement, as a driver
 * does before it sends the next one. */
static void aux_ack(struct fixture *f, uint8_t b)
{
	aux(f, b);
	EXPECT(f, 0xFA);
}

/* --- Controller ------------------------------------------------------------ */

static void test_self_test_and_status(void **state)
{
	struct fixture *f = *state;
	/* Cold: SYS clear, keyboard not locked, nothing to read. */
	assert_int_equal(status(f), I8042_STR_UNLOCKED);
	ctl_cmd(f, 0xAA);
	assert_int_equal(status(f),
			 I8042_STR_OBF | I8042_STR_SYS | I8042_STR_CMD | I8042_STR_UNLOCKED);
	assert_int_equal(inb(f, 0x60), 0x55);
	expect_empty(f);
	ctl_cmd(f, 0xAB);
	EXPECT(f, 0x00);
	ctl_cmd(f, 0xA9);
	EXPECT(f, 0x00);
	ctl_cmd(f, 0xC0);
	EXPECT(f, 0xB0);
	/* A2: the last write went to 0x60 or 0x64. */
	outb(f, 0x60, 0xEE);
	assert_int_equal(status(f) & I8042_STR_CMD, 0);
	EXPECT(f, 0xEE);
	/* Reading an empty buffer gives the last byte again. */
	assert_int_equal(inb(f, 0x60), 0xEE);
}

static void test_command_byte(void **state)
{
	struct fixture *f = *state;
	ctl_cmd(f, 0x20);
	EXPECT(f, 0x41);
	write_cmd_byte(f, 0x47);
	ctl_cmd(f, 0x20);
	EXPECT(f, 0x47);
	assert_true(status(f) & I8042_STR_SYS);
	/* 0xAD/0xAE and 0xA7/0xA8 are bits 4 and 5. */
	ctl_cmd(f, 0xAD);
	ctl_cmd(f, 0xA7);
	ctl_cmd(f, 0x20);
	EXPECT(f, 0x77);
	ctl_cmd(f, 0xAE);
	ctl_cmd(f, 0xA8);
	ctl_cmd(f, 0x20);
	EXPECT(f, 0x47);
	/* Other controller RAM bytes. */
	ctl_cmd(f, 0x65);
	outb(f, 0x60, 0x9C);
	ctl_cmd(f, 0x25);
	EXPECT(f, 0x9C);
	/* Sending a byte to the keyboard enables its interface. */
	ctl_cmd(f, 0xAD);
	outb(f, 0x60, 0xEE);
	EXPECT(f, 0xEE);
	ctl_cmd(f, 0x20);
	EXPECT(f, 0x47);
}

/* The output port: A20 in bit 1 through the callback, reset on bit 0 low,
 * 0xDD/0xDF, pulses 0xF0-0xFF. */
static void test_a20_and_reset(void **state)
{
	struct fixture *f = *state;
	ctl_cmd(f, 0xD0);
	assert_int_equal(read_data(f) & 0x03, 0x03);
	ctl_cmd(f, 0xD1);
	outb(f, 0x60, 0xDD);
	assert_int_equal(f->a20_calls, 1);
	assert_false(f->a20);
	assert_int_equal(f->resets, 0);
	ctl_cmd(f, 0xD0);
	assert_int_equal(read_data(f) & 0x03, 0x01);
	ctl_cmd(f, 0xD1);
	outb(f, 0x60, 0xDF);
	assert_true(f->a20);
	ctl_cmd(f, 0xDD);
	assert_false(f->a20);
	ctl_cmd(f, 0xDF);
	assert_true(f->a20);
	/* The reset pulse. */
	ctl_cmd(f, 0xFF); /* pulses nothing */
	assert_int_equal(f->resets, 0);
	ctl_cmd(f, 0xFE);
	assert_int_equal(f->resets, 1);
	ctl_cmd(f, 0xF0);
	assert_int_equal(f->resets, 2);
	ctl_cmd(f, 0xD1);
	outb(f, 0x60, 0xDE);
	assert_int_equal(f->resets, 3);
}

static void test_port92(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(inb(f, 0x92), 0x00);
	outb(f, 0x92, 0x02);
	assert_int_equal(f->p92_a20_calls, 1);
	assert_true(f->p92_a20);
	outb(f, 0x92, 0x02); /* no change, no call */
	assert_int_equal(f->p92_a20_calls, 1);
	assert_int_equal(inb(f, 0x92), 0x02);
	outb(f, 0x92, 0x03);
	assert_int_equal(f->p92_resets, 1);
	outb(f, 0x92, 0x01); /* bit 0 stays 1: no new reset; A20 off */
	assert_int_equal(f->p92_resets, 1);
	assert_false(f->p92_a20);
	outb(f, 0x92, 0x00);
	outb(f, 0x92, 0x01);
	assert_int_equal(f->p92_resets, 2);
	assert_int_equal(f->resets, 0); /* the controller is not involved */
}

/* IRQ1 follows a keyboard byte in the buffer when enabled; IRQ12 a mouse
 * byte; both drop on the read. */
static void test_irq_lines(void **state)
{
	struct fixture *f = *state;
	outb(f, 0x60, 0xEE);
	assert_int_equal(f->level[1], 1);
	assert_int_equal(f->edges[1], 1);
	assert_int_equal(inb(f, 0x60), 0xEE);
	assert_int_equal(f->level[1], 0);
	/* Keyboard interrupts off: the byte waits without IRQ1. */
	write_cmd_byte(f, 0x40);
	outb(f, 0x60, 0xEE);
	assert_int_equal(f->level[1], 0);
	/* Enabling them with the byte waiting raises the line at once. */
	ctl_cmd(f, 0x60);
	assert_int_equal(f->level[1], 0);
	outb(f, 0x60, 0x43);
	assert_int_equal(f->level[1], 1);
	EXPECT(f, 0xEE);
	/* 0xD3 puts a byte in as if from the mouse: AUXB and IRQ12. */
	ctl_cmd(f, 0xD3);
	outb(f, 0x60, 0x5A);
	assert_int_equal(status(f) & (I8042_STR_OBF | I8042_STR_AUXB),
			 I8042_STR_OBF | I8042_STR_AUXB);
	assert_int_equal(f->level[12], 1);
	assert_int_equal(f->level[1], 0);
	EXPECT(f, 0x5A);
	assert_int_equal(f->level[12], 0);
	/* 0xD2: as if from the keyboard. */
	ctl_cmd(f, 0xD2);
	outb(f, 0x60, 0x61);
	assert_int_equal(status(f) & I8042_STR_AUXB, 0);
	assert_int_equal(f->level[1], 1);
	EXPECT(f, 0x61);
	/* Mouse interrupts off: a mouse byte raises nothing. */
	write_cmd_byte(f, 0x01);
	ctl_cmd(f, 0xD3);
	outb(f, 0x60, 0x5B);
	assert_int_equal(f->level[12], 0);
	assert_int_equal(f->level[1], 0);
	EXPECT(f, 0x5B);
	write_cmd_byte(f, 0x43);
	/* Each byte of a multi-byte answer is a new edge. */
	unsigned before = f->edges[1];
	outb(f, 0x60, 0xF2);
	EXPECT(f, 0xFA, 0xAB, 0x41);
	assert_int_equal(f->edges[1] - before, 3);
}

/* --- Keyboard commands ----------------------------------------------------- */

static void test_keyboard_commands(void **state)
{
	struct fixture *f = *state;
	write_cmd_byte(f, 0x01); /* no translation: the keyboard's own bytes */
	outb(f, 0x60, 0xFF);
	EXPECT(f, 0xFA, 0xAA);
	outb(f, 0x60, 0xF2);
	EXPECT(f, 0xFA, 0xAB, 0x83);
	outb(f, 0x60, 0xEE);
	EXPECT(f, 0xEE);
	outb(f, 0x60, 0xED);
	EXPECT(f, 0xFA);
	outb(f, 0x60, 0x05);
	EXPECT(f, 0xFA);
	assert_int_equal(i8042_kbd_leds(&f->kbc), PS2_LED_SCROLL | PS2_LED_CAPS);
	outb(f, 0x60, 0xED);
	outb(f, 0x60, 0x7F); /* only bits 0-2 are LEDs */
	EXPECT(f, 0xFA, 0xFA);
	assert_int_equal(i8042_kbd_leds(&f->kbc), 7);
	/* A new command ends an answer the host has not taken: of F2's three
	 * bytes only the one already in the controller's buffer remains. */
	outb(f, 0x60, 0xF2);
	outb(f, 0x60, 0xEE);
	EXPECT(f, 0xFA, 0xEE);
	/* Each byte is acknowledged, the parameter too. */
	outb(f, 0x60, 0xF3);
	outb(f, 0x60, 0x00);
	EXPECT(f, 0xFA, 0xFA);
	assert_int_equal(f->kbc.kbd.typematic, 0x00);
	/* Get the set; then set 1 and get it again. */
	outb(f, 0x60, 0xF0);
	outb(f, 0x60, 0x00);
	EXPECT(f, 0xFA, 0xFA, 0x02);
	outb(f, 0x60, 0xF0);
	outb(f, 0x60, 0x01);
	EXPECT(f, 0xFA, 0xFA);
	outb(f, 0x60, 0xF0);
	outb(f, 0x60, 0x00);
	EXPECT(f, 0xFA, 0xFA, 0x01);
	/* A bad set number asks for the byte again. */
	outb(f, 0x60, 0xF0);
	outb(f, 0x60, 0x07);
	EXPECT(f, 0xFA, 0xFE);
	outb(f, 0x60, 0x02);
	EXPECT(f, 0xFA);
	/* Resend repeats the last byte; an unknown command gets a resend. */
	outb(f, 0x60, 0xFE);
	EXPECT(f, 0xFA);
	outb(f, 0x60, 0xE1);
	EXPECT(f, 0xFE);
	/* A command in place of a parameter is taken as a command. */
	outb(f, 0x60, 0xED);
	outb(f, 0x60, 0xEE);
	EXPECT(f, 0xFA, 0xEE);
	/* Disabled, the keyboard drops keys; reset brings defaults back. */
	outb(f, 0x60, 0xF5);
	EXPECT(f, 0xFA);
	tap(f, HID_KEY_A);
	expect_empty(f);
	outb(f, 0x60, 0xF4);
	EXPECT(f, 0xFA);
	tap(f, HID_KEY_A);
	EXPECT(f, 0x1C, 0xF0, 0x1C);
	outb(f, 0x60, 0xFF);
	EXPECT(f, 0xFA, 0xAA);
	assert_int_equal(i8042_kbd_leds(&f->kbc), 0);
	assert_int_equal(f->kbc.kbd.typematic, 0x2B);
}

/* With translation on (the default), answers pass through it too: the ID
 * reads AB 41 and set 2 reads 0x41. */
static void test_translated_answers(void **state)
{
	struct fixture *f = *state;
	outb(f, 0x60, 0xF2);
	EXPECT(f, 0xFA, 0xAB, 0x41);
	outb(f, 0x60, 0xF0);
	outb(f, 0x60, 0x00);
	EXPECT(f, 0xFA, 0xFA, 0x41);
}

/* --- Scan codes ------------------------------------------------------------ */

/* Set 2 untranslated, set 2 translated (= set 1), and set 1 untranslated,
 * for an ordinary key, an extended key and a right-hand modifier. */
static void test_scancode_sets(void **state)
{
	struct fixture *f = *state;
	/* Translated set 2 (the power-on state). */
	tap(f, HID_KEY_A);
	EXPECT(f, 0x1E, 0x9E);
	tap(f, HID_KEY_UP);
	EXPECT(f, 0xE0, 0x48, 0xE0, 0xC8);
	tap(f, HID_KEY_RIGHT_CTRL);
	EXPECT(f, 0xE0, 0x1D, 0xE0, 0x9D);
	tap(f, HID_KEY_F7); /* set 2 0x83: the one code above 0x7F */
	EXPECT(f, 0x41, 0xC1);
	tap(f, HID_KEY_KP_ENTER);
	EXPECT(f, 0xE0, 0x1C, 0xE0, 0x9C);

	/* Untranslated set 2. */
	write_cmd_byte(f, 0x01);
	tap(f, HID_KEY_A);
	EXPECT(f, 0x1C, 0xF0, 0x1C);
	tap(f, HID_KEY_UP);
	EXPECT(f, 0xE0, 0x75, 0xE0, 0xF0, 0x75);
	tap(f, HID_KEY_RIGHT_ALT);
	EXPECT(f, 0xE0, 0x11, 0xE0, 0xF0, 0x11);
	tap(f, HID_KEY_KP_SLASH);
	EXPECT(f, 0xE0, 0x4A, 0xE0, 0xF0, 0x4A);

	/* Set 1 untranslated. */
	outb(f, 0x60, 0xF0);
	outb(f, 0x60, 0x01);
	EXPECT(f, 0xFA, 0xFA);
	tap(f, HID_KEY_A);
	EXPECT(f, 0x1E, 0x9E);
	tap(f, HID_KEY_DELETE);
	EXPECT(f, 0xE0, 0x53, 0xE0, 0xD3);
	tap(f, HID_KEY_ESCAPE);
	EXPECT(f, 0x01, 0x81);

	/* Set 3: one byte; by default most keys send no break code, the
	 * modifiers do; 0xFA makes every key make/break. */
	outb(f, 0x60, 0xF0);
	outb(f, 0x60, 0x03);
	EXPECT(f, 0xFA, 0xFA);
	tap(f, HID_KEY_A);
	EXPECT(f, 0x1C);
	tap(f, HID_KEY_LEFT_SHIFT);
	EXPECT(f, 0x12, 0xF0, 0x12);
	tap(f, HID_KEY_UP);
	EXPECT(f, 0x63);
	outb(f, 0x60, 0xFA);
	EXPECT(f, 0xFA);
	tap(f, HID_KEY_ESCAPE);
	EXPECT(f, 0x08, 0xF0, 0x08);
	/* Per key: 0xFD makes A make-only again, up to the next command. */
	outb(f, 0x60, 0xFD);
	outb(f, 0x60, 0x1C);
	EXPECT(f, 0xFA, 0xFA);
	outb(f, 0x60, 0xF4);
	EXPECT(f, 0xFA);
	tap(f, HID_KEY_A);
	EXPECT(f, 0x1C);
}

/* Print Screen and Pause, whose sequences depend on the modifiers. */
static void test_print_screen_and_pause(void **state)
{
	struct fixture *f = *state;
	write_cmd_byte(f, 0x01);
	tap(f, HID_KEY_PRINT_SCREEN);
	EXPECT(f, 0xE0, 0x12, 0xE0, 0x7C, 0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12);
	key(f, HID_KEY_PAUSE, true);
	EXPECT(f, 0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77);
	key(f, HID_KEY_PAUSE, false);
	expect_empty(f);
	key(f, HID_KEY_LEFT_CTRL, true);
	EXPECT(f, 0x14);
	key(f, HID_KEY_PAUSE, true); /* Ctrl+Pause = Break */
	EXPECT(f, 0xE0, 0x7E, 0xE0, 0xF0, 0x7E);
	key(f, HID_KEY_PAUSE, false);
	tap(f, HID_KEY_PRINT_SCREEN); /* with Ctrl: no fake shifts */
	EXPECT(f, 0xE0, 0x7C, 0xE0, 0xF0, 0x7C);
	key(f, HID_KEY_LEFT_CTRL, false);
	EXPECT(f, 0xF0, 0x14);
	key(f, HID_KEY_LEFT_ALT, true);
	EXPECT(f, 0x11);
	tap(f, HID_KEY_PRINT_SCREEN); /* Alt: SysRq */
	EXPECT(f, 0x84, 0xF0, 0x84);
	key(f, HID_KEY_LEFT_ALT, false);
	EXPECT(f, 0xF0, 0x11);

	/* Translated, the same keys read as set 1. */
	write_cmd_byte(f, 0x41);
	tap(f, HID_KEY_PRINT_SCREEN);
	EXPECT(f, 0xE0, 0x2A, 0xE0, 0x37, 0xE0, 0xB7, 0xE0, 0xAA);
	key(f, HID_KEY_PAUSE, true);
	EXPECT(f, 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5);
	key(f, HID_KEY_PAUSE, false);
	key(f, HID_KEY_LEFT_ALT, true);
	tap(f, HID_KEY_PRINT_SCREEN);
	key(f, HID_KEY_LEFT_ALT, false);
	EXPECT(f, 0x38, 0x54, 0xD4, 0xB8);
}

/* Every key's set 2 code, translated, is its set 1 code: the two columns of
 * the key table and the translation table agree. */
static void test_keymap_translation_consistent(void **state)
{
	unsigned keys = 0;
	for (unsigned hid = 0; hid < HID_KEY_COUNT; hid++) {
		const struct ps2_key_codes *kc = ps2_key_lookup(hid);
		if (!kc || !kc->set2)
			continue;
		keys++;
		assert_int_equal(kc->set1 >> 8, kc->set2 >> 8);
		assert_int_equal(ps2_translate((uint8_t)kc->set2), kc->set1 & 0xFF);
		assert_true((kc->set1 & 0x80) == 0); /* room for the break bit */
	}
	assert_true(keys >= 110);
	assert_null(ps2_key_lookup(0));
	assert_null(ps2_key_lookup(0x300));
}

/* A held key repeats after the delay at the typematic rate, in virtual
 * time; releasing it (or pressing another) stops it. */
static void test_typematic(void **state)
{
	struct fixture *f = *state;
	write_cmd_byte(f, 0x01);
	/* Default: 500 ms delay, 91.67 ms period (10.9/s). */
	key(f, HID_KEY_B, true);
	EXPECT(f, 0x32);
	run_to(f, 499 * MS);
	expect_empty(f);
	run_to(f, 500 * MS);
	EXPECT(f, 0x32);
	run_to(f, 500 * MS + 91666665);
	expect_empty(f);
	run_to(f, 500 * MS + 91666666);
	EXPECT(f, 0x32);
	key(f, HID_KEY_B, false);
	EXPECT(f, 0xF0, 0x32);
	run_to(f, 2000 * MS);
	expect_empty(f);

	/* Fastest rate, shortest delay: 250 ms then every 33.3 ms. */
	outb(f, 0x60, 0xF3);
	outb(f, 0x60, 0x00);
	EXPECT(f, 0xFA, 0xFA);
	key(f, HID_KEY_C, true);
	EXPECT(f, 0x21);
	run_to(f, 2000 * MS + 250 * MS + 1000 * MS / 30 * 3 + 1);
	EXPECT(f, 0x21, 0x21, 0x21, 0x21);
	/* Another key takes the repeat over. */
	key(f, HID_KEY_D, true);
	EXPECT(f, 0x23);
	run_to(f, 3000 * MS);
	uint8_t buf[64];
	unsigned n = drain(f, buf, sizeof(buf));
	assert_true(n > 5);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(buf[i], 0x23);
	key(f, HID_KEY_D, false);
	key(f, HID_KEY_C, false);
	EXPECT(f, 0xF0, 0x23, 0xF0, 0x21);
	/* Pressing a key that does not repeat (Pause) still ends the repeat
	 * of the one held before. */
	key(f, HID_KEY_F, true);
	EXPECT(f, 0x2B);
	key(f, HID_KEY_PAUSE, true);
	EXPECT(f, 0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77);
	run_to(f, 4000 * MS);
	expect_empty(f);
	key(f, HID_KEY_PAUSE, false);
	key(f, HID_KEY_F, false);
	EXPECT(f, 0xF0, 0x2B);
	/* The frontend's own repeat of a held key is ignored. */
	key(f, HID_KEY_E, true);
	key(f, HID_KEY_E, true);
	EXPECT(f, 0x24);
	key(f, HID_KEY_E, false);
	EXPECT(f, 0xF0, 0x24);
}

/* The keyboard buffers 16 bytes; then it sends the overrun code once and
 * drops keys until there is room again. With the keyboard interface off
 * (0xAD) nothing reaches the host. */
static void test_overrun(void **state)
{
	struct fixture *f = *state;
	write_cmd_byte(f, 0x01);
	ctl_cmd(f, 0xAD);
	for (int i = 0; i < 10; i++)
		tap(f, HID_KEY_A); /* 3 bytes each */
	expect_empty(f);
	assert_int_equal(f->level[1], 0);
	ctl_cmd(f, 0xAE);
	uint8_t buf[64];
	unsigned n = drain(f, buf, sizeof(buf));
	/* Five taps (15 bytes), the sixth press (16), then the overrun code in
	 * place of its release, once. */
	assert_int_equal(n, 17);
	for (unsigned i = 0; i < 15; i += 3) {
		assert_int_equal(buf[i], 0x1C);
		assert_int_equal(buf[i + 1], 0xF0);
		assert_int_equal(buf[i + 2], 0x1C);
	}
	assert_int_equal(buf[15], 0x1C);
	assert_int_equal(buf[16], 0x00);
	/* Room again: keys flow. */
	tap(f, HID_KEY_B);
	EXPECT(f, 0x32, 0xF0, 0x32);
	/* Translated set 2's overrun code 0x00 reads 0xFF, as in set 1. */
	write_cmd_byte(f, 0x40);
	for (int i = 0; i < 10; i++)
		tap(f, HID_KEY_A);
	n = drain(f, buf, sizeof(buf));
	/* The first byte went into the controller's buffer at once; five keys
	 * fit behind it (15 bytes), and the sixth overflowed. */
	assert_int_equal(buf[n - 1], 0xFF);
}

/* --- Mouse ----------------------------------------------------------------- */

static void test_mouse_commands(void **state)
{
	struct fixture *f = *state;
	write_cmd_byte(f, 0x03);
	aux(f, 0xFF);
	assert_true(status(f) & I8042_STR_AUXB);
	assert_int_equal(f->level[12], 1);
	EXPECT(f, 0xFA, 0xAA, 0x00);
	aux(f, 0xF2);
	EXPECT(f, 0xFA, 0x00);
	aux(f, 0xE9);
	EXPECT(f, 0xFA, 0x00, 0x02, 100);
	aux_ack(f, 0xE8);
	aux_ack(f, 0x03);
	aux_ack(f, 0xF3);
	aux_ack(f, 40);
	aux_ack(f, 0xE7);
	aux_ack(f, 0xF4);
	aux(f, 0xE9);
	EXPECT(f, 0xFA, 0x30, 0x03, 40);
	/* Bad parameters are refused. */
	aux_ack(f, 0xF3);
	aux(f, 33);
	EXPECT(f, 0xFE);
	aux_ack(f, 0xE8);
	aux(f, 9);
	EXPECT(f, 0xFE);
	aux_ack(f, 0xF6);
	aux(f, 0xE9);
	EXPECT(f, 0xFA, 0x00, 0x02, 100);
	/* Remote mode: read data on request. */
	aux_ack(f, 0xF0);
	i8042_mouse_event(&f->kbc, 5, -3, 0, PS2_MOUSE_RIGHT);
	aux(f, 0xEB);
	EXPECT(f, 0xFA, 0x2A, 0x05, 0xFD);
	aux_ack(f, 0xEA);
	aux(f, 0xE9);
	EXPECT(f, 0xFA, 0x01, 0x02, 100); /* the right button is still down */
	/* Wrap mode echoes. */
	aux_ack(f, 0xEE);
	aux(f, 0x12);
	EXPECT(f, 0x12);
	aux_ack(f, 0xEC);
	aux(f, 0xE1);
	EXPECT(f, 0xFE);
}

/* Packets at the sample rate, sign and overflow bits, button bits, and the
 * mouse's data going nowhere while the aux interface is off. */
static void test_mouse_packets(void **state)
{
	struct fixture *f = *state;
	write_cmd_byte(f, 0x03);
	aux_ack(f, 0xF4);
	i8042_mouse_event(&f->kbc, 10, 20, 0, 0);
	run_to(f, 0);
	EXPECT(f, 0x08, 10, 20);
	/* Within one sample period, movement adds up into one packet. */
	i8042_mouse_event(&f->kbc, -1, 0, 0, PS2_MOUSE_LEFT);
	i8042_mouse_event(&f->kbc, -2, -5, 0, PS2_MOUSE_LEFT | PS2_MOUSE_MIDDLE);
	run_to(f, 9 * MS);
	expect_empty(f);
	run_to(f, 10 * MS);
	EXPECT(f, 0x08 | 0x10 | 0x20 | 0x05, 0xFD, 0xFB);
	/* Beyond nine bits: the overflow bits, the value saturated. */
	i8042_mouse_event(&f->kbc, 300, -400, 0, 0);
	run_to(f, 20 * MS);
	EXPECT(f, 0x08 | 0x40 | 0x80 | 0x20, 0xFF, 0x00);
	/* Edges of the range fit without overflow. */
	i8042_mouse_event(&f->kbc, 255, -256, 0, 0);
	run_to(f, 30 * MS);
	EXPECT(f, 0x08 | 0x20, 0xFF, 0x00);
	/* Nothing changed: no packet. */
	run_to(f, 100 * MS);
	expect_empty(f);
	/* A button change alone is reported. */
	i8042_mouse_event(&f->kbc, 0, 0, 0, PS2_MOUSE_RIGHT);
	run_to(f, 100 * MS);
	EXPECT(f, 0x0A, 0, 0);
	/* Aux off: the packet waits in the mouse. */
	ctl_cmd(f, 0xA7);
	i8042_mouse_event(&f->kbc, 1, 1, 0, 0);
	run_to(f, 200 * MS);
	expect_empty(f);
	assert_int_equal(f->level[12], 0);
	ctl_cmd(f, 0xA8);
	assert_int_equal(f->level[12], 1);
	EXPECT(f, 0x08, 1, 1);
	/* 2:1 scaling in stream mode. */
	aux_ack(f, 0xE7);
	i8042_mouse_event(&f->kbc, 4, 10, 0, 0);
	run_to(f, 300 * MS);
	EXPECT(f, 0x08, 6, 20);
}

/* The wheel sequences: 200,100,80 gives ID 3 and 4-byte packets; then
 * 200,200,80 gives ID 4 with buttons 4 and 5. Reset goes back to ID 0. */
static void test_mouse_wheel(void **state)
{
	struct fixture *f = *state;
	write_cmd_byte(f, 0x03);
	static const uint8_t seq3[] = { 200, 100, 80 }, seq4[] = { 200, 200, 80 };
	for (int i = 0; i < 3; i++) {
		aux_ack(f, 0xF3);
		aux_ack(f, seq3[i]);
	}
	aux(f, 0xF2);
	EXPECT(f, 0xFA, 0x03);
	aux_ack(f, 0xF4);
	i8042_mouse_event(&f->kbc, 1, 0, -2, 0);
	run_to(f, 0);
	EXPECT(f, 0x08, 1, 0, 0xFE);
	for (int i = 0; i < 3; i++) {
		aux_ack(f, 0xF3);
		aux_ack(f, seq4[i]);
	}
	aux(f, 0xF2);
	EXPECT(f, 0xFA, 0x04);
	/* The first sequence again does not step back to ID 3. */
	for (int i = 0; i < 3; i++) {
		aux_ack(f, 0xF3);
		aux_ack(f, seq3[i]);
	}
	aux(f, 0xF2);
	EXPECT(f, 0xFA, 0x04);
	i8042_mouse_event(&f->kbc, 0, 0, 3, PS2_MOUSE_BUTTON5);
	run_to(f, 50 * MS);
	EXPECT(f, 0x08, 0, 0, 0x23);
	aux(f, 0xFF);
	EXPECT(f, 0xFA, 0xAA, 0x00);
	aux(f, 0xF2);
	EXPECT(f, 0xFA, 0x00);
}

/* Keyboard and mouse data interleave: neither starves the other. */
static void test_kbd_and_mouse_take_turns(void **state)
{
	struct fixture *f = *state;
	write_cmd_byte(f, 0x03);
	aux_ack(f, 0xF4);
	i8042_mouse_event(&f->kbc, 1, 2, 0, 0);
	tap(f, HID_KEY_A);
	tap(f, HID_KEY_B);
	run_to(f, 0);
	uint8_t buf[16];
	unsigned n = drain(f, buf, sizeof(buf));
	assert_int_equal(n, 9);
	/* The first key byte went straight into the empty buffer; then the
	 * two devices alternate while both have data. */
	const uint8_t want[] = { 0x1C, 0x08, 0xF0, 0x01, 0x1C, 0x02, 0x32, 0xF0, 0x32 };
	assert_memory_equal(buf, want, sizeof(want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_self_test_and_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_command_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a20_and_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port92, setup, teardown),
		cmocka_unit_test_setup_teardown(test_irq_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keyboard_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_translated_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scancode_sets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_print_screen_and_pause, setup, teardown),
		cmocka_unit_test(test_keymap_translation_consistent),
		cmocka_unit_test_setup_teardown(test_typematic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overrun, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mouse_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mouse_packets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mouse_wheel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kbd_and_mouse_take_turns, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
