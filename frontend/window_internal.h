/* window_internal.h: what the desktop window's files share: the window's
 * state, the drawing side (window_render.c: frames to an SDL texture, the
 * picture placed in the window) and the input side (window_keys.c: SDL
 * scancodes to HID usages, keys and the mouse to the i8042, hotkeys).
 * window.c has the run loop that ties them together. */
#ifndef POPEK_FRONTEND_WINDOW_INTERNAL_H
#define POPEK_FRONTEND_WINDOW_INTERNAL_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/hid_keys.h"
#include "devices/vga.h"

struct machine;

/* What a Ctrl+Alt hotkey asks for (window_hotkey). */
enum window_hotkey {
	HOTKEY_NONE,
	HOTKEY_PAUSE,        /* P: pause / resume the guest */
	HOTKEY_SCREENSHOT,   /* S: the screen to a PNG file */
	HOTKEY_CTRL_ALT_DEL, /* Delete (or Insert): Ctrl-Alt-Del to the guest */
	HOTKEY_RESET,        /* R: reset the machine */
	HOTKEY_ENGINE,       /* E: switch between interpreter and translator */
	HOTKEY_STEPPER,      /* T or F12: the stepper at the current instruction */
	HOTKEY_RELEASE,      /* G: release the mouse */
	HOTKEY_QUIT,         /* Q: quit */
};

/* The largest picture the window takes: the VGA's largest raster and the
 * VBE's largest mode fit with room to spare. */
#define WINDOW_MAX_PIXELS 4096u

/* Test hook: POPEK_WINDOW_MAX_TEXTURE=N in the environment lowers the
 * largest frame the window shows to N x N pixels (64 or more), so a test
 * can see the placeholder of a mode the window cannot show. */
#define WINDOW_MAX_TEXTURE_ENV "POPEK_WINDOW_MAX_TEXTURE"

struct window {
	SDL_Window *win;
	SDL_Renderer *ren;
	bool integer_scale;    /* --scale integer */
	unsigned max_w, max_h; /* the largest frame shown: the renderer's
	                        * texture limit, at most WINDOW_MAX_PIXELS */

	/* Drawing (window_render.c). */
	SDL_Texture *tex;
	unsigned tex_w, tex_h;     /* texture size: the frame in pixels */
	unsigned disp_w, disp_h;   /* the displayed raster, for the aspect ratio */
	uint32_t *pixels;          /* conversion buffer, tex_w * tex_h */
	size_t pixels_cap;         /* in pixels */
	bool placeholder;          /* the last frame could not be shown */
	bool placeholder_logged;   /* its log line is printed once per size */
	unsigned bad_w, bad_h;     /* the size the placeholder stands for */
	bool sized;                /* the window was sized for a raster: */
	unsigned sized_w, sized_h; /* this one */
	struct vga_frame frame;    /* the last frame fetched (pointers go stale) */

	/* Input (window_keys.c). */
	bool grabbed;                          /* relative mouse mode is on */
	uint8_t guest_keys[HID_KEY_COUNT / 8]; /* keys the guest holds down */
	uint8_t swallowed[HID_KEY_COUNT / 8];  /* hotkeys: their release is dropped */
	unsigned mouse_buttons;                /* PS2_MOUSE_* bits the guest holds */
	int mouse_dx, mouse_dy, mouse_dz;      /* motion not yet sent */
	bool mouse_dirty;
};

/* --- window_render.c ------------------------------------------------------- */

/* Fetches the VGA's current frame and uploads it to the texture (text
 * drawn with its font, cursor and blink phase; graphics through the
 * palette or as direct colour). A frame the window cannot show is drawn as
 * a placeholder, with one line on stderr. */
void window_render_update(struct window *w, struct vga *v);

/* Draws the texture scaled into the window with the frame's aspect ratio
 * (and integer factors with --scale integer), letterboxed in black, and
 * presents it. */
void window_render_present(struct window *w);

/* The size a window should have to show a disp_w x disp_h raster: the
 * smallest whole multiple that is at least 640 dots wide, shrunk to fit
 * the desktop. */
void window_render_fit_size(struct window *w, int *width, int *height);

void window_render_free(struct window *w);

/* --- window_keys.c ------------------------------------------------------------ */

/* The HID usage (devices/hid_keys.h) of an SDL scancode, or HID_KEY_NONE
 * for keys a PC keyboard does not have. */
uint16_t window_hid_from_scancode(SDL_Scancode sc);

/* Which hotkey a key press is: Ctrl and Alt held (either side) and one of
 * the keys above; HOTKEY_NONE for anything else. */
enum window_hotkey window_hotkey(const SDL_KeyboardEvent *ev);

/* A key press or release from SDL, hotkeys already taken out: forwarded
 * to the guest's keyboard as make or break codes. SDL's own key repeat is
 * dropped (the PS/2 keyboard repeats on its typematic timer), as are
 * releases of keys the guest never saw pressed. */
void window_key_event(struct window *w, struct machine *m, const SDL_KeyboardEvent *ev);

/* Marks a hotkey press as taken so that its release is not forwarded. */
void window_key_swallow(struct window *w, const SDL_KeyboardEvent *ev);

/* Sends Ctrl-Alt-Del: Ctrl and Alt are pressed around it when the guest
 * does not hold them already (the user holding Ctrl+Alt for the hotkey). */
void window_send_ctrl_alt_del(struct window *w, struct machine *m);

/* Releases every key and mouse button the guest holds (focus lost). */
void window_release_all(struct window *w, struct machine *m);

/* Mouse events: a click in the window grabs the mouse; while grabbed,
 * relative motion, buttons and the wheel go to the PS/2 mouse. Returns
 * true when the event was for the mouse. */
bool window_mouse_event(struct window *w, struct machine *m, const SDL_Event *ev);

/* Sends the motion gathered since the last call as one PS/2 movement. */
void window_mouse_flush(struct window *w, struct machine *m);

/* Grabs or releases the mouse (relative mode, pointer hidden). */
void window_set_grab(struct window *w, struct machine *m, bool on);

#endif
