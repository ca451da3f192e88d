/* screen_text.c: drawing the VGA text screen on a terminal and writing it
 * as plain text (see screen_text.h). A draw is built in one buffer and
 * written at once, so the terminal never shows half a screen for long. */
#include "frontend/screen_text.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "frontend/cp437.h"

void screen_text_init(struct screen_text *s, FILE *out)
{
	memset(s, 0, sizeof(*s));
	s->out = out;
	s->query_size = isatty(fileno(out));
	s->last_kind = VGA_FRAME_TEXT;
}

void screen_text_free(struct screen_text *s)
{
	free(s->buf);
	s->buf = NULL;
	s->len = s->cap = 0;
}

/* --- the output buffer ------------------------------------------------------ */

static void st_grow(struct screen_text *s, size_t more)
{
	if (s->len + more <= s->cap)
		return;
	size_t cap = s->cap ? s->cap : 16384;
	while (cap < s->len + more)
		cap *= 2;
	char *b = realloc(s->buf, cap);
	if (!b) {
		fputs("popek: out of memory\n", stderr);
		exit(2);
	}
	s->buf = b;
	s->cap = cap;
}

static void st_put(struct screen_text *s, const char *p, size_t n)
{
	st_grow(s, n);
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static void st_printf(struct screen_text *s, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		st_put(s, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static int st_flush(struct screen_text *s)
{
	size_t n = s->len;
	s->len = 0;
	if (fwrite(s->buf, 1, n, s->out) != n || fflush(s->out) != 0)
		return -1;
	return 0;
}

/* --- colours ------------------------------------------------------------------ */

/* The 16 colours of the standard VGA text palette, in attribute order. */
static const uint32_t st_vga16[16] = {
	0x000000, 0x0000AA, 0x00AA00, 0x00AAAA, 0xAA0000, 0xAA00AA, 0xAA5500, 0xAAAAAA,
	0x555555, 0x5555FF, 0x55FF55, 0x55FFFF, 0xFF5555, 0xFF55FF, 0xFFFF55, 0xFFFFFF,
};
/* ANSI numbers colours red = 1, green = 2, blue = 4; the VGA blue = 1,
 * green = 2, red = 4. */
static const uint8_t st_vga_to_ansi[8] = {0, 4, 2, 6, 1, 5, 3, 7};

/* The ANSI colour (0-15) nearest to what attribute colour `nibble`
 * shows: the guest may have reprogrammed the palette or the DAC. */
static unsigned st_ansi_colour(const struct vga_frame *f, unsigned nibble)
{
	uint32_t rgb = f->palette[nibble & 15];
	int r = (int)(rgb >> 16) & 0xFF, g = (int)(rgb >> 8) & 0xFF, b = (int)rgb & 0xFF;
	unsigned best = 0;
	long best_d = -1;
	for (unsigned i = 0; i < 16; i++) {
		int dr = r - (int)(st_vga16[i] >> 16), dg = g - (int)((st_vga16[i] >> 8) & 0xFF),
		    db = b - (int)(st_vga16[i] & 0xFF);
		long d = (long)dr * dr + (long)dg * dg + (long)db * db;
		if (best_d < 0 || d < best_d) {
			best_d = d;
			best = i;
		}
	}
	return (unsigned)st_vga_to_ansi[best & 7] | (best & 8);
}

/* SGR state of one cell: ANSI foreground, background, blink, underline. */
struct st_sgr {
	unsigned fg, bg;
	bool blink, underline;
};

static void st_put_sgr(struct screen_text *s, const struct st_sgr *a)
{
	st_printf(s, "\x1b[0;%s%s%u;%um", a->blink ? "5;" : "", a->underline ? "4;" : "",
		  a->fg < 8 ? 30 + a->fg : 90 + a->fg - 8, a->bg < 8 ? 40 + a->bg : 100 + a->bg - 8);
}

/* --- terminal drawing ------------------------------------------------------- */

static void st_query_size(struct screen_text *s)
{
	struct winsize ws;
	if (s->query_size && ioctl(fileno(s->out), TIOCGWINSZ, &ws) == 0 && ws.ws_row > 1 &&
	    ws.ws_col > 0) {
		/* One line stays free below the screen for the cursor when
		 * it is parked there and for popek's messages. */
		s->term_rows = ws.ws_row - 1u;
		s->term_cols = ws.ws_col;
	}
}

/* The one-line stand-in for a screen without text. */
static void st_note(const struct vga_frame *f, char *out, size_t len)
{
	if (f->kind == VGA_FRAME_GRAPHICS)
		snprintf(out, len, "(graphics mode %ux%u: no text screen)", f->width, f->height);
	else
		snprintf(out, len, "(screen blank)");
}

static void st_draw_text(struct screen_text *s, const struct vga_frame *f)
{
	unsigned rows = f->height, cols = f->width;
	if (s->term_rows && rows > s->term_rows)
		rows = s->term_rows;
	if (s->term_cols && cols > s->term_cols)
		cols = s->term_cols;

	unsigned ansi[16];
	for (unsigned i = 0; i < 16; i++)
		ansi[i] = st_ansi_colour(f, i);

	st_put(s, "\x1b[H", 3);
	for (unsigned r = 0; r < rows; r++) {
		struct st_sgr cur = {0};
		bool have = false;
		for (unsigned x = 0; x < cols; x++) {
			struct vga_text_cell c = f->cells[(size_t)r * f->width + x];
			unsigned fg = c.attr & 15, bg = c.attr >> 4;
			struct st_sgr a = {0};
			if (f->blink_enabled) {
				a.blink = c.attr & 0x80;
				bg &= 7;
			}
			a.underline = f->mono && (c.attr & 7) == 1;
			a.fg = ansi[fg];
			a.bg = ansi[bg];
			if (!have || memcmp(&a, &cur, sizeof(a))) {
				st_put_sgr(s, &a);
				cur = a;
				have = true;
			}
			char u[3];
			st_put(s, u, cp437_utf8(c.ch, u));
		}
		/* Default colours for the rest of the terminal line. */
		st_put(s, "\x1b[0m\x1b[K\r\n", 9);
	}
	st_put(s, "\x1b[0m\x1b[J", 7); /* whatever a bigger screen left below */
	s->drawn_rows = rows;
	if (f->cursor_enabled && f->cursor_y < rows && f->cursor_x < cols)
		st_printf(s, "\x1b[%u;%uH", f->cursor_y + 1, f->cursor_x + 1);
}

int screen_text_draw(struct screen_text *s, const struct vga_frame *f)
{
	st_query_size(s);
	if (!s->drawn)
		st_put(s, "\x1b[H\x1b[2J", 7);
	if (f->kind == VGA_FRAME_TEXT) {
		st_draw_text(s, f);
	} else if (!s->drawn || f->kind != s->last_kind || f->width != s->last_w ||
		   f->height != s->last_h) {
		char note[96];
		st_note(f, note, sizeof(note));
		st_printf(s, "\x1b[H\x1b[0m\x1b[J%s\r\n", note);
		s->drawn_rows = 1;
	}
	s->drawn = true;
	s->last_kind = f->kind;
	s->last_w = f->width;
	s->last_h = f->height;
	return st_flush(s);
}

void screen_text_leave(struct screen_text *s)
{
	if (!s->drawn)
		return;
	st_printf(s, "\x1b[0m\x1b[%u;1H", s->drawn_rows + 1);
	st_flush(s);
}

/* --- plain text -------------------------------------------------------------- */

int screen_text_write_plain(const struct vga_frame *f, FILE *out)
{
	if (f->kind != VGA_FRAME_TEXT) {
		char note[96];
		st_note(f, note, sizeof(note));
		return fprintf(out, "%s\n", note) < 0 ? -1 : 0;
	}
	for (unsigned r = 0; r < f->height; r++) {
		const struct vga_text_cell *row = f->cells + (size_t)r * f->width;
		unsigned end = f->width;
		while (end > 0 && cp437_is_blank(row[end - 1].ch))
			end--;
		for (unsigned x = 0; x < end; x++) {
			char u[3];
			size_t n = cp437_utf8(row[x].ch, u);
			if (fwrite(u, 1, n, out) != n)
				return -1;
		}
		if (putc('\n', out) == EOF)
			return -1;
	}
	return 0;
}
