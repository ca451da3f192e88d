/* window_keys.c: the window's keyboard and mouse, from SDL events to the
 * i8042 (devices/i8042.h), and the Ctrl+Alt hotkeys.
 *
 * Keys are passed by position, not by the character they type: SDL's
 * scancodes are USB HID usages, the same numbers devices/hid_keys.h uses,
 * and the PS/2 keyboard turns those into the scan codes of the guest's
 * code set. The guest's own layout (US in every BIOS and in DOS by
 * default) decides what a key types. Key repeat is the PS/2 keyboard's
 * typematic timer on virtual time, so SDL's repeat events are dropped.
 */
#include <string.h>

#include "devices/ps2.h"
#include "frontend/window_internal.h"
#include "vmm/machine.h"

/* Scancodes past the keyboard page's range: SDL numbers them after its own
 * table, so they need a map. Only those with an equal on the keyboard page
 * (and so a PS/2 code) are kept. */
static const struct {
	SDL_Scancode sc;
	uint16_t hid;
} scancode_extra[] = {
	{ SDL_SCANCODE_AUDIOMUTE, HID_KEY_MUTE },
};

uint16_t window_hid_from_scancode(SDL_Scancode sc)
{
	/* 0-3 are "no key" and the keyboard's error codes; the keyboard page
	 * ends at the right GUI key. */
	if ((int)sc >= (int)HID_KEY_A && (int)sc <= (int)HID_KEY_RIGHT_GUI)
		return (uint16_t)sc;
	for (size_t i = 0; i < sizeof(scancode_extra) / sizeof(scancode_extra[0]); i++)
		if (scancode_extra[i].sc == sc)
			return scancode_extra[i].hid;
	return HID_KEY_NONE;
}

enum window_hotkey window_hotkey(const SDL_KeyboardEvent *ev)
{
	if (ev->type != SDL_KEYDOWN)
		return HOTKEY_NONE;
	SDL_Keymod mod = ev->keysym.mod;
	if (!(mod & KMOD_CTRL) || !(mod & KMOD_ALT))
		return HOTKEY_NONE;
	/* Letters by the character on the key, so they are where the user's
	 * own layout puts them; the others by position. */
	switch (ev->keysym.sym) {
	case SDLK_p: return HOTKEY_PAUSE;
	case SDLK_s: return HOTKEY_SCREENSHOT;
	case SDLK_r: return HOTKEY_RESET;
	case SDLK_e: return HOTKEY_ENGINE;
	case SDLK_t: return HOTKEY_STEPPER;
	case SDLK_g: return HOTKEY_RELEASE;
	case SDLK_q: return HOTKEY_QUIT;
	default: break;
	}
	switch (ev->keysym.scancode) {
	case SDL_SCANCODE_DELETE:
	case SDL_SCANCODE_INSERT: return HOTKEY_CTRL_ALT_DEL;
	case SDL_SCANCODE_F12: return HOTKEY_STEPPER;
	default: return HOTKEY_NONE;
	}
}

static bool bit_get(const uint8_t *set, unsigned i)
{
	return set[i >> 3] & (1u << (i & 7));
}

static void bit_put(uint8_t *set, unsigned i, bool on)
{
	if (on)
		set[i >> 3] |= (uint8_t)(1u << (i & 7));
	else
		set[i >> 3] &= (uint8_t) ~(1u << (i & 7));
}

/* One key to the guest, remembered so focus loss can release it. */
static void guest_key(struct window *w, struct machine *m, uint16_t hid, bool down)
{
	if (bit_get(w->guest_keys, hid) == down)
		return;
	bit_put(w->guest_keys, hid, down);
	i8042_key_event(&m->kbc, hid, down);
}

void window_key_swallow(struct window *w, const SDL_KeyboardEvent *ev)
{
	uint16_t hid = window_hid_from_scancode(ev->keysym.scancode);
	if (hid)
		bit_put(w->swallowed, hid, true);
}

void window_key_event(struct window *w, struct machine *m, const SDL_KeyboardEvent *ev)
{
	uint16_t hid = window_hid_from_scancode(ev->keysym.scancode);
	if (!hid)
		return;
	bool down = ev->type == SDL_KEYDOWN;
	if (!down && bit_get(w->swallowed, hid)) {
		bit_put(w->swallowed, hid, false);
		return;
	}
	if (down && ev->repeat)
		return;
	guest_key(w, m, hid, down);
}

void window_send_ctrl_alt_del(struct window *w, struct machine *m)
{
	bool ctrl = bit_get(w->guest_keys, HID_KEY_LEFT_CTRL) ||
		    bit_get(w->guest_keys, HID_KEY_RIGHT_CTRL);
	bool alt = bit_get(w->guest_keys, HID_KEY_LEFT_ALT) ||
		   bit_get(w->guest_keys, HID_KEY_RIGHT_ALT);
	if (!ctrl)
		guest_key(w, m, HID_KEY_LEFT_CTRL, true);
	if (!alt)
		guest_key(w, m, HID_KEY_LEFT_ALT, true);
	guest_key(w, m, HID_KEY_DELETE, true);
	guest_key(w, m, HID_KEY_DELETE, false);
	if (!alt)
		guest_key(w, m, HID_KEY_LEFT_ALT, false);
	if (!ctrl)
		guest_key(w, m, HID_KEY_LEFT_CTRL, false);
}

void window_release_all(struct window *w, struct machine *m)
{
	for (unsigned hid = 0; hid < HID_KEY_COUNT; hid++)
		if (bit_get(w->guest_keys, hid))
			guest_key(w, m, (uint16_t)hid, false);
	memset(w->swallowed, 0, sizeof(w->swallowed));
	window_mouse_flush(w, m);
	if (w->mouse_buttons) {
		w->mouse_buttons = 0;
		i8042_mouse_event(&m->kbc, 0, 0, 0, 0);
	}
}

void window_set_grab(struct window *w, struct machine *m, bool on)
{
	if (w->grabbed == on)
		return;
	if (SDL_SetRelativeMouseMode(on ? SDL_TRUE : SDL_FALSE) < 0 && on)
		return; /* no relative mode here: stay ungrabbed */
	w->grabbed = on;
	if (!on) {
		/* The guest must not keep a button held that it will never see
		 * released. */
		window_mouse_flush(w, m);
		if (w->mouse_buttons) {
			w->mouse_buttons = 0;
			i8042_mouse_event(&m->kbc, 0, 0, 0, 0);
		}
	}
}

static unsigned ps2_button(Uint8 sdl_button)
{
	switch (sdl_button) {
	case SDL_BUTTON_LEFT: return PS2_MOUSE_LEFT;
	case SDL_BUTTON_RIGHT: return PS2_MOUSE_RIGHT;
	case SDL_BUTTON_MIDDLE: return PS2_MOUSE_MIDDLE;
	case SDL_BUTTON_X1: return PS2_MOUSE_BUTTON4;
	case SDL_BUTTON_X2: return PS2_MOUSE_BUTTON5;
	default: return 0;
	}
}

void window_mouse_flush(struct window *w, struct machine *m)
{
	if (!w->mouse_dirty)
		return;
	i8042_mouse_event(&m->kbc, w->mouse_dx, w->mouse_dy, w->mouse_dz, w->mouse_buttons);
	w->mouse_dx = w->mouse_dy = w->mouse_dz = 0;
	w->mouse_dirty = false;
}

bool window_mouse_event(struct window *w, struct machine *m, const SDL_Event *ev)
{
	switch (ev->type) {
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP: {
		if (!w->grabbed) {
			/* The click that grabs is the user's, not the guest's. */
			if (ev->type == SDL_MOUSEBUTTONDOWN && ev->button.button == SDL_BUTTON_LEFT)
				window_set_grab(w, m, true);
			return true;
		}
		unsigned b = ps2_button(ev->button.button);
		unsigned now = ev->type == SDL_MOUSEBUTTONDOWN ? (w->mouse_buttons | b)
							       : (w->mouse_buttons & ~b);
		if (now != w->mouse_buttons) {
			/* Motion before the click is reported before it. */
			window_mouse_flush(w, m);
			w->mouse_buttons = now;
			w->mouse_dirty = true;
			window_mouse_flush(w, m);
		}
		return true;
	}
	case SDL_MOUSEMOTION:
		if (w->grabbed) {
			/* PS/2 counts up as positive y; screens count down. */
			w->mouse_dx += ev->motion.xrel;
			w->mouse_dy -= ev->motion.yrel;
			w->mouse_dirty = true;
		}
		return true;
	case SDL_MOUSEWHEEL:
		if (w->grabbed) {
			/* SDL's y > 0 turns away from the user (scroll up); the PS/2
			 * wheel counts towards the user as positive. */
			int y = ev->wheel.y;
			if (ev->wheel.direction == SDL_MOUSEWHEEL_FLIPPED)
				y = -y;
			w->mouse_dz -= y;
			w->mouse_dirty = true;
		}
		return true;
	default:
		return false;
	}
}
