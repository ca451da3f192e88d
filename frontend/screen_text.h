/* screen_text.h: the VGA text screen as terminal text, for headless runs
 * (--display text) and text dumps (--dump-text).
 *
 * On a terminal each draw repaints the screen in place with ANSI escapes:
 * the 16 attribute colours become SGR colours (the nearest of the 16
 * standard ones to what the palette and DAC really show), blinking
 * characters SGR blink, the guest's cursor the terminal's cursor; code
 * page 437 becomes UTF-8. Every draw ends with the colours reset, so a
 * killed run leaves the terminal usable. Graphics and blank screens show a
 * one-line placeholder. In plain form (pipes, files) a screen is one UTF-8
 * line per row with trailing blanks trimmed.
 */
#ifndef POPEK_FRONTEND_SCREEN_TEXT_H
#define POPEK_FRONTEND_SCREEN_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "devices/vga.h"

struct screen_text {
	FILE *out;
	bool query_size;           /* ask the terminal for its size before each draw */
	unsigned term_rows, term_cols; /* clip to this (0: no limit) */
	bool drawn;                /* the terminal shows a screen of ours */
	unsigned drawn_rows;       /* terminal rows that screen takes */
	/* The placeholder last drawn for a graphics or blank frame, so it is
	 * not repainted while only the pixels change. */
	enum vga_frame_kind last_kind;
	unsigned last_w, last_h;
	char *buf; /* one draw, written with a single fwrite */
	size_t len, cap;
};

/* Sets up drawing to `out`, a terminal (the size is asked for whenever
 * the output is one). */
void screen_text_init(struct screen_text *s, FILE *out);
void screen_text_free(struct screen_text *s);

/* Repaints the terminal with `f` (the first draw clears it). Returns 0, or
 * -1 when the output cannot be written. */
int screen_text_draw(struct screen_text *s, const struct vga_frame *f);

/* Puts the terminal's cursor on the line below the drawn screen, so what
 * comes after (popek's closing message, the shell prompt) follows it. */
void screen_text_leave(struct screen_text *s);

/* Writes `f` as plain UTF-8 text to `out`: one line per row, trailing
 * blanks trimmed; a one-line note for a graphics or blank screen. Returns
 * 0, or -1 on a write error. */
int screen_text_write_plain(const struct vga_frame *f, FILE *out);

#endif
