/* ps2_kbd.c: a PS/2 (MF2) keyboard: its commands, scan code sets 1-3 and
 * typematic repeat (see ps2.h).
 *
 * Keys come in as HID usages (ps2_kbd_key) and leave as scan code bytes in
 * the set the host selected. The keyboard buffers PS2_KBD_KEY_BUFFER bytes
 * of scan codes; answers to commands go out ahead of them, since a real
 * keyboard answers a command before it resumes sending keys. Typematic
 * repeat is driven by a virtual-clock event, so a held key repeats at the
 * programmed rate in virtual time.
 */
#include "devices/ps2.h"

#include <string.h>

#include "vmm/clock.h"

#define KBD_ID1 0xAB /* MF2 keyboard */
#define KBD_ID2 0x83
#define KBD_TYPEMATIC_DEFAULT 0x2B /* 10.9 characters/s after 500 ms */

static bool kbd_held(const struct ps2_kbd *k, unsigned hid)
{
	return k->held[hid / 8] & (1u << (hid % 8));
}

static void kbd_set_held(struct ps2_kbd *k, unsigned hid, bool down)
{
	if (down)
		k->held[hid / 8] |= (uint8_t)(1u << (hid % 8));
	else
		k->held[hid / 8] &= (uint8_t) ~(1u << (hid % 8));
}

static void kbd_notify(struct ps2_kbd *k)
{
	if (k->notify)
		k->notify(k->notify_opaque);
}

static void kbd_respond(struct ps2_kbd *k, uint8_t b)
{
	ps2_queue_push(&k->resp, b);
}

static void kbd_stop_repeat(struct ps2_kbd *k)
{
	k->repeat_key = 0;
	clock_disarm(k->clk, k->repeat_event);
}

/* Set 3's power-on key types: the modifiers and the keys without an XT
 * heritage send break codes and do not repeat; every other key repeats and
 * sends only its make code. */
static void kbd_set3_defaults(struct ps2_kbd *k)
{
	static const uint8_t make_break[] = { 0x14, 0x12, 0x59, 0x11, 0x19, 0x8B, 0x8C, 0x8D };
	memset(k->set3_type, PS2_KEY_REPEAT, sizeof(k->set3_type));
	for (unsigned i = 0; i < sizeof(make_break); i++)
		k->set3_type[make_break[i]] = PS2_KEY_BREAK;
}

/* The defaults commands 0xF5, 0xF6 and 0xFF restore. */
static void kbd_defaults(struct ps2_kbd *k)
{
	k->set = 2;
	k->typematic = KBD_TYPEMATIC_DEFAULT;
	k->pending = 0;
	kbd_set3_defaults(k);
	kbd_stop_repeat(k);
	ps2_queue_clear(&k->keys);
	k->overrun = false;
}

/* --- Scan codes ------------------------------------------------------------ */

static bool kbd_mod(const struct ps2_kbd *k, unsigned left, unsigned right)
{
	return kbd_held(k, left) || kbd_held(k, right);
}

/* Builds the bytes a key sends in sets 1 and 2 into `out` (room for 8);
 * returns how many. Print Screen and Pause have the sequences an MF2
 * keyboard sends, which depend on the modifiers held. */
static unsigned kbd_codes_set12(const struct ps2_kbd *k, unsigned hid,
				const struct ps2_key_codes *kc, bool down, uint8_t *out)
{
	bool set1 = k->set == 1;
	bool ctrl = kbd_mod(k, HID_KEY_LEFT_CTRL, HID_KEY_RIGHT_CTRL);
	bool shift = kbd_mod(k, HID_KEY_LEFT_SHIFT, HID_KEY_RIGHT_SHIFT);
	bool alt = kbd_mod(k, HID_KEY_LEFT_ALT, HID_KEY_RIGHT_ALT);
	unsigned n = 0;
	uint16_t code;

	if (hid == HID_KEY_PAUSE) {
		static const uint8_t pause1[] = { 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5 };
		static const uint8_t pause2[] = { 0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77 };
		static const uint8_t break1[] = { 0xE0, 0x46, 0xE0, 0xC6 };
		static const uint8_t break2[] = { 0xE0, 0x7E, 0xE0, 0xF0, 0x7E };
		const uint8_t *s;
		if (!down)
			return 0; /* Pause sends nothing on release */
		/* Ctrl+Pause is Break. */
		if (ctrl) {
			s = set1 ? break1 : break2;
			n = set1 ? sizeof(break1) : sizeof(break2);
		} else {
			s = set1 ? pause1 : pause2;
			n = set1 ? sizeof(pause1) : sizeof(pause2);
		}
		memcpy(out, s, n);
		return n;
	}
	if (hid == HID_KEY_PRINT_SCREEN && alt) { /* Alt+PrintScreen is SysRq */
		code = set1 ? 0x54 : 0x84;
	} else if (hid == HID_KEY_PRINT_SCREEN && !shift && !ctrl) {
		/* Alone, it comes wrapped in a fake left Shift. */
		static const uint8_t make1[] = { 0xE0, 0x2A, 0xE0, 0x37 };
		static const uint8_t brk1[] = { 0xE0, 0xB7, 0xE0, 0xAA };
		static const uint8_t make2[] = { 0xE0, 0x12, 0xE0, 0x7C };
		static const uint8_t brk2[] = { 0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12 };
		const uint8_t *s = set1 ? (down ? make1 : brk1) : (down ? make2 : brk2);
		n = set1 ? 4 : (down ? sizeof(make2) : sizeof(brk2));
		memcpy(out, s, n);
		return n;
	} else {
		code = set1 ? kc->set1 : kc->set2;
	}
	if (!code)
		return 0;
	if (code >> 8)
		out[n++] = 0xE0;
	if (set1) {
		out[n++] = (uint8_t)(code | (down ? 0 : 0x80));
	} else {
		if (!down)
			out[n++] = 0xF0;
		out[n++] = (uint8_t)code;
	}
	return n;
}

/* Set 3: one byte, F0 before it on release for keys of the break type. */
static unsigned kbd_codes_set3(const struct ps2_kbd *k, const struct ps2_key_codes *kc, bool down,
			       uint8_t *out)
{
	uint8_t code = kc->set3;
	if (!code)
		return 0;
	if (down) {
		out[0] = code;
		return 1;
	}
	if (!(k->set3_type[code] & PS2_KEY_BREAK))
		return 0;
	out[0] = 0xF0;
	out[1] = code;
	return 2;
}

/* Queues a key's bytes whole, or the overrun code once when they do not
 * fit in the keyboard's buffer. */
static void kbd_queue_key(struct ps2_kbd *k, const uint8_t *b, unsigned n)
{
	if (!n)
		return;
	if (k->keys.count + n <= PS2_KBD_KEY_BUFFER) {
		for (unsigned i = 0; i < n; i++)
			ps2_queue_push(&k->keys, b[i]);
		k->overrun = false;
	} else if (!k->overrun) {
		ps2_queue_push(&k->keys, k->set == 1 ? 0xFF : 0x00);
		k->overrun = true;
	}
	kbd_notify(k);
}

static void kbd_send_key(struct ps2_kbd *k, unsigned hid, const struct ps2_key_codes *kc, bool down)
{
	uint8_t b[8];
	unsigned n =
		k->set == 3 ? kbd_codes_set3(k, kc, down, b) : kbd_codes_set12(k, hid, kc, down, b);
	kbd_queue_key(k, b, n);
}

/* --- Typematic repeat ------------------------------------------------------ */

/* Delay: 250 ms times (1 + bits 5-6). Period: (8 + bits 0-2) * 2^(bits 3-4)
 * units of 1/240 s, from 33.3 ms (30/s) to 500 ms (2/s). */
static uint64_t kbd_delay_ns(const struct ps2_kbd *k)
{
	return (uint64_t)(((k->typematic >> 5) & 3) + 1) * 250000000ull;
}

static uint64_t kbd_period_ns(const struct ps2_kbd *k)
{
	uint64_t units = (8u + (k->typematic & 7)) << ((k->typematic >> 3) & 3);
	return units * 1000000000ull / 240;
}

static bool kbd_repeats(const struct ps2_kbd *k, unsigned hid, const struct ps2_key_codes *kc)
{
	if (k->set == 3)
		return kc->set3 && (k->set3_type[kc->set3] & PS2_KEY_REPEAT);
	return hid != HID_KEY_PAUSE;
}

static void kbd_repeat_event(void *opaque, uint64_t now)
{
	struct ps2_kbd *k = opaque;
	unsigned hid = k->repeat_key;
	const struct ps2_key_codes *kc = ps2_key_lookup(hid);
	if (!hid || !kc || !k->scanning || !kbd_held(k, hid))
		return;
	kbd_send_key(k, hid, kc, true);
	clock_arm(k->clk, k->repeat_event, now + kbd_period_ns(k));
}

void ps2_kbd_key(struct ps2_kbd *k, unsigned hid, bool down)
{
	const struct ps2_key_codes *kc = ps2_key_lookup(hid);
	if (!kc)
		return;
	bool was_down = kbd_held(k, hid);
	if (was_down == down)
		return; /* the frontend's own repeat, or a release never pressed */
	kbd_set_held(k, hid, down);
	if (!k->scanning) {
		if (k->repeat_key == hid)
			kbd_stop_repeat(k);
		return;
	}
	kbd_send_key(k, hid, kc, down);
	/* Only the last key pressed repeats. */
	if (down && kbd_repeats(k, hid, kc)) {
		k->repeat_key = (uint16_t)hid;
		clock_arm(k->clk, k->repeat_event, k->clk->now_ns + kbd_delay_ns(k));
	} else if (down || k->repeat_key == hid) {
		kbd_stop_repeat(k);
	}
}

/* --- Commands -------------------------------------------------------------- */

/* A parameter byte for the pending command. Returns false when the byte is
 * a command instead (the keyboard then drops the pending one). */
static bool kbd_parameter(struct ps2_kbd *k, uint8_t b)
{
	uint8_t cmd = k->pending;
	if (cmd >= 0xFB && cmd <= 0xFD) {
		/* Key type lists run until the next command. */
		if (b >= 0xED) {
			k->pending = 0;
			return false;
		}
		k->set3_type[b] = cmd == 0xFB ? PS2_KEY_REPEAT : cmd == 0xFC ? PS2_KEY_BREAK : 0;
		kbd_respond(k, PS2_ACK);
		return true;
	}
	if (b >= 0xED) {
		k->pending = 0;
		return false;
	}
	switch (cmd) {
	case 0xED: k->leds = b & 7; break;
	case 0xF3: k->typematic = b & 0x7F; break;
	case 0xF0:
		if (b > 3) {
			kbd_respond(k, PS2_RESEND); /* still waiting for a valid set */
			return true;
		}
		if (b == 0) {
			kbd_respond(k, PS2_ACK);
			kbd_respond(k, k->set);
			k->pending = 0;
			return true;
		}
		k->set = b;
		kbd_stop_repeat(k);
		ps2_queue_clear(&k->keys);
		k->overrun = false;
		break;
	}
	k->pending = 0;
	kbd_respond(k, PS2_ACK);
	return true;
}

/* The key type commands 0xF7-0xFA set for every key. */
static uint8_t kbd_all_keys_type(uint8_t cmd)
{
	switch (cmd) {
	case 0xF7: return PS2_KEY_REPEAT;
	case 0xF8: return PS2_KEY_BREAK;
	case 0xF9: return 0;
	default: return PS2_KEY_REPEAT | PS2_KEY_BREAK;
	}
}

static void kbd_command(struct ps2_kbd *k, uint8_t b)
{
	switch (b) {
	case 0xED: /* set LEDs */
	case 0xF0: /* get/set scan code set */
	case 0xF3: /* set typematic rate and delay */
	case 0xFB: /* set keys typematic (set 3) */
	case 0xFC: /* set keys make/break (set 3) */
	case 0xFD: /* set keys make only (set 3) */
		k->pending = b;
		kbd_respond(k, PS2_ACK);
		break;
	case 0xEE: /* echo */ kbd_respond(k, PS2_ECHO); break;
	case 0xF2: /* identify */
		kbd_respond(k, PS2_ACK);
		kbd_respond(k, KBD_ID1);
		kbd_respond(k, KBD_ID2);
		break;
	case 0xF4: /* enable scanning */
		ps2_queue_clear(&k->keys);
		k->overrun = false;
		k->scanning = true;
		kbd_respond(k, PS2_ACK);
		break;
	case 0xF5: /* defaults and disable */
		kbd_defaults(k);
		k->scanning = false;
		kbd_respond(k, PS2_ACK);
		break;
	case 0xF6: /* defaults, keep scanning */
		kbd_defaults(k);
		k->scanning = true;
		kbd_respond(k, PS2_ACK);
		break;
	case 0xF7: /* all keys typematic (set 3) */
	case 0xF8: /* all keys make/break */
	case 0xF9: /* all keys make only */
	case 0xFA: /* all keys typematic and make/break */
		memset(k->set3_type, kbd_all_keys_type(b), sizeof(k->set3_type));
		kbd_respond(k, PS2_ACK);
		break;
	case 0xFE: /* resend */ kbd_respond(k, k->last_sent); break;
	case 0xFF: /* reset: defaults, LEDs off, self-test passed */
		kbd_defaults(k);
		k->leds = 0;
		k->scanning = true;
		kbd_respond(k, PS2_ACK);
		kbd_respond(k, PS2_BAT_OK);
		break;
	default: kbd_respond(k, PS2_RESEND); break;
	}
}

/* A new byte from the host ends any answer it has not yet taken. */
void ps2_kbd_write(struct ps2_kbd *k, uint8_t b)
{
	ps2_queue_clear(&k->resp);
	if (!k->pending || !kbd_parameter(k, b))
		kbd_command(k, b);
	kbd_notify(k);
}

bool ps2_kbd_read(struct ps2_kbd *k, uint8_t *b)
{
	if (!ps2_queue_pop(&k->resp, b) && !ps2_queue_pop(&k->keys, b))
		return false;
	k->last_sent = *b;
	return true;
}

bool ps2_kbd_has_data(const struct ps2_kbd *k)
{
	return k->resp.count || k->keys.count;
}

int ps2_kbd_init(struct ps2_kbd *k, struct clock *clk, void (*notify)(void *), void *opaque)
{
	memset(k, 0, sizeof(*k));
	k->clk = clk;
	k->notify = notify;
	k->notify_opaque = opaque;
	k->repeat_event = clock_add_event(clk, "kbd typematic", kbd_repeat_event, k);
	if (k->repeat_event < 0)
		return -1;
	kbd_defaults(k);
	k->scanning = true;
	return 0;
}
