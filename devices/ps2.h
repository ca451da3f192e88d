/* ps2.h: a PS/2 keyboard and a PS/2 mouse, the devices at the far end of
 * the i8042's two serial ports.
 *
 * Each device has the byte queues of its own microcontroller: command
 * answers (sent first) and input data (scan codes, movement packets). The
 * controller takes one byte at a time when its output buffer is free
 * (ps2_kbd_read, ps2_mouse_read) and passes the host's bytes to the device
 * (ps2_kbd_write, ps2_mouse_write). A device calls `notify` when it has new
 * bytes, so the controller can fill an empty output buffer at once.
 *
 * Timed behaviour (typematic repeat, the mouse's sample rate) runs on the
 * machine's virtual clock.
 */
#ifndef POPEK_DEVICES_PS2_H
#define POPEK_DEVICES_PS2_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/hid_keys.h"

struct clock;

#define PS2_QUEUE_SIZE 32
/* A keyboard buffers this many bytes of scan codes; past that it sends the
 * overrun code once (0x00 in sets 2 and 3, 0xFF in set 1) and drops keys. */
#define PS2_KBD_KEY_BUFFER 16
/* The mouse holds at most this many bytes of packets; when the host does not
 * take them, movement keeps accumulating instead. */
#define PS2_MOUSE_DATA_BUFFER 16

/* Device answers. */
#define PS2_ACK 0xFA
#define PS2_RESEND 0xFE
#define PS2_BAT_OK 0xAA
#define PS2_ECHO 0xEE

struct ps2_queue {
	uint8_t buf[PS2_QUEUE_SIZE];
	uint8_t head, count;
};

/* --- Scan codes (ps2_keymap.c) --- */

/* A key's make code in each set: set 1 and set 2 as 0xE0xx for the E0 xx
 * form, set 3 as one byte; 0 when the set has no code for the key. */
struct ps2_key_codes {
	uint16_t set1, set2;
	uint8_t set3;
};

/* The codes of a HID usage, or NULL for a key the keyboard does not have. */
const struct ps2_key_codes *ps2_key_lookup(unsigned hid);

/* The i8042's set 2 -> set 1 translation of one byte (not the F0 prefix,
 * which the controller handles by setting bit 7 of the next byte). */
uint8_t ps2_translate(uint8_t code);

/* --- Keyboard (ps2_kbd.c) --- */

/* LED bits (command 0xED). */
#define PS2_LED_SCROLL 0x01
#define PS2_LED_NUM 0x02
#define PS2_LED_CAPS 0x04

/* Set 3 key types (commands 0xF7-0xFD). */
#define PS2_KEY_BREAK 0x01  /* sends a break code */
#define PS2_KEY_REPEAT 0x02 /* typematic */

struct ps2_kbd {
	struct ps2_queue resp; /* answers to commands */
	struct ps2_queue keys; /* scan codes */
	struct clock *clk;
	int repeat_event;
	void (*notify)(void *opaque);
	void *notify_opaque;
	bool scanning; /* enabled (0xF4) or disabled (0xF5) */
	bool overrun;  /* the overrun code is queued; drop keys */
	uint8_t set;   /* scan code set 1, 2 or 3 */
	uint8_t leds;
	uint8_t typematic;               /* 0xF3 byte: bits 0-4 rate, bits 5-6 delay */
	uint8_t pending;                 /* command waiting for its parameter, 0: none */
	uint8_t last_sent;               /* for 0xFE (resend) */
	uint16_t repeat_key;             /* HID usage repeating, 0: none */
	uint8_t held[HID_KEY_COUNT / 8]; /* keys down, a bit per HID usage */
	uint8_t set3_type[256];          /* per set 3 code: PS2_KEY_BREAK | PS2_KEY_REPEAT */
};

/* Powers the keyboard on (set 2, enabled, BAT done). Returns 0, or -1 when
 * the clock has no free event. */
int ps2_kbd_init(struct ps2_kbd *k, struct clock *clk, void (*notify)(void *), void *opaque);
/* A byte from the host: a command or a command's parameter. */
void ps2_kbd_write(struct ps2_kbd *k, uint8_t byte);
/* Takes the next byte for the host; false when there is none. */
bool ps2_kbd_read(struct ps2_kbd *k, uint8_t *byte);
bool ps2_kbd_has_data(const struct ps2_kbd *k);
/* A key went down or up (`hid`: enum hid_key). */
void ps2_kbd_key(struct ps2_kbd *k, unsigned hid, bool down);

/* --- Mouse (ps2_mouse.c) --- */

/* Buttons for ps2_mouse_move. */
#define PS2_MOUSE_LEFT 0x01
#define PS2_MOUSE_RIGHT 0x02
#define PS2_MOUSE_MIDDLE 0x04
#define PS2_MOUSE_BUTTON4 0x08
#define PS2_MOUSE_BUTTON5 0x10

struct ps2_mouse {
	struct ps2_queue resp; /* answers to commands */
	struct ps2_queue data; /* movement packets */
	struct clock *clk;
	int sample_event;
	uint64_t next_sample_ns; /* the earliest time the next packet may go */
	void (*notify)(void *opaque);
	void *notify_opaque;
	bool reporting;     /* data reporting enabled (0xF4) */
	bool remote;        /* remote mode (0xF0): packets only on 0xEB */
	bool wrap;          /* wrap (echo) mode (0xEE) */
	bool scale21;       /* 2:1 scaling (0xE7) */
	uint8_t resolution; /* 0-3: 1, 2, 4, 8 counts/mm */
	uint8_t rate;       /* samples per second */
	uint8_t id;         /* 0 standard, 3 wheel, 4 wheel + 5 buttons */
	uint8_t pending;    /* command waiting for its parameter, 0: none */
	uint8_t last_sent;
	uint8_t rate_hist[3]; /* last three sample rates, for the ID sequences */
	int dx, dy, dz;       /* movement since the last packet */
	unsigned buttons;
	bool changed; /* something to report */
};

int ps2_mouse_init(struct ps2_mouse *m, struct clock *clk, void (*notify)(void *), void *opaque);
void ps2_mouse_write(struct ps2_mouse *m, uint8_t byte);
bool ps2_mouse_read(struct ps2_mouse *m, uint8_t *byte);
bool ps2_mouse_has_data(const struct ps2_mouse *m);
/* Movement and the buttons now held. dx > 0 is right, dy > 0 is up (away
 * from the user; a frontend with screen coordinates negates its y), dz > 0
 * is the wheel turned towards the user (scrolling down). */
void ps2_mouse_move(struct ps2_mouse *m, int dx, int dy, int dz, unsigned buttons);

/* --- Queue helpers shared by both devices --- */

static inline void ps2_queue_clear(struct ps2_queue *q)
{
	q->head = q->count = 0;
}

static inline bool ps2_queue_push(struct ps2_queue *q, uint8_t b)
{
	if (q->count >= PS2_QUEUE_SIZE)
		return false;
	q->buf[(q->head + q->count) % PS2_QUEUE_SIZE] = b;
	q->count++;
	return true;
}

static inline bool ps2_queue_pop(struct ps2_queue *q, uint8_t *b)
{
	if (!q->count)
		return false;
	*b = q->buf[q->head];
	q->head = (uint8_t)((q->head + 1) % PS2_QUEUE_SIZE);
	q->count--;
	return true;
}

#endif
