/* screenshot.h: the guest's screen saved to files: a PNG image of any
 * frame (--screenshot, and the window's screenshot key) and the text
 * screen as UTF-8 (--dump-text).
 *
 * Images are at the frame's own resolution, without scaling: text modes
 * as the CRT would draw them (80x25 with the 9x16 character box: 720x400),
 * with the font the guest loaded into the VGA's plane 2; graphics modes
 * pixel for pixel (mode 13h: 320x200). A guest that never loaded a font
 * (no VGA BIOS ran) has an empty plane 2: its text shows as coloured
 * cells without characters, and screenshot_font_empty() says so.
 */
#ifndef POPEK_FRONTEND_SCREENSHOT_H
#define POPEK_FRONTEND_SCREENSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/vga.h"

/* A blank frame (screen off) of unknown size becomes an image this big. */
#define SCREENSHOT_BLANK_WIDTH 640
#define SCREENSHOT_BLANK_HEIGHT 400

/* The frame as 0x00RRGGBB pixels, width * height of them, row by row, in a
 * malloc'd array the caller frees; NULL when out of memory. Blank frames
 * are black. */
uint32_t *screenshot_pixels(const struct vga_frame *f, unsigned *width, unsigned *height);

/* True when `f` is a text frame whose font is all zeros: its characters
 * cannot be drawn. */
bool screenshot_font_empty(const struct vga_frame *f);

/* Writes `f` as an 8-bit RGB PNG to `out` (left open). Returns 0, or -1
 * with a one-line reason in err. */
int screenshot_write_png(const struct vga_frame *f, FILE *out, char *err, size_t errlen);

/* Writes the text of `f` as UTF-8 to `out` (see screen_text_write_plain).
 * Returns 0, or -1 with a one-line reason in err. */
int screenshot_write_text(const struct vga_frame *f, FILE *out, char *err, size_t errlen);

#endif
