/* test_screen.c: the headless screen outputs on hand-built frames: code
 * page 437 to UTF-8 (cp437.c), plain text and ANSI terminal drawing
 * (screen_text.c), and frame pixels and PNG files (screenshot.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <png.h>

#include "frontend/cp437.h"
#include "frontend/screen_text.h"
#include "frontend/screenshot.h"

/* The standard 16 text colours, as the palette of a frame holds them. */
static const uint32_t vga16[16] = {
	0x000000, 0x0000AA, 0x00AA00, 0x00AAAA, 0xAA0000, 0xAA00AA, 0xAA5500, 0xAAAAAA,
	0x555555, 0x5555FF, 0x55FF55, 0x55FFFF, 0xFF5555, 0xFF55FF, 0xFFFF55, 0xFFFFFF,
};

/* A text frame of w x h cells from `chars`, every cell with `attr`. */
static void text_frame(struct vga_frame *f, struct vga_text_cell *cells, unsigned w, unsigned h,
		       const char *chars, uint8_t attr)
{
	memset(f, 0, sizeof(*f));
	f->kind = VGA_FRAME_TEXT;
	f->width = w;
	f->height = h;
	f->cells = cells;
	f->char_width = 9;
	f->char_height = 16;
	memcpy(f->palette, vga16, sizeof(vga16));
	for (unsigned i = 0; i < w * h; i++)
		cells[i] = (struct vga_text_cell){(uint8_t)chars[i], attr};
}

/* Runs screen_text_draw into memory and returns what it wrote. */
struct capture {
	char *text;
	size_t len;
	FILE *f;
	struct screen_text st;
};

static void capture_open(struct capture *c)
{
	memset(c, 0, sizeof(*c));
	c->f = open_memstream(&c->text, &c->len);
	assert_non_null(c->f);
	screen_text_init(&c->st, c->f);
}

static const char *capture_draw(struct capture *c, const struct vga_frame *f)
{
	fflush(c->f);
	size_t before = c->len;
	assert_int_equal(screen_text_draw(&c->st, f), 0);
	fflush(c->f);
	return c->text + before;
}

static void capture_close(struct capture *c)
{
	screen_text_free(&c->st);
	fclose(c->f);
	free(c->text);
}

static void test_cp437(void **state)
{
	(void)state;
	assert_int_equal(cp437_to_unicode(0x00), 0x0020);
	assert_int_equal(cp437_to_unicode('A'), 'A');
	assert_int_equal(cp437_to_unicode(0x01), 0x263A);
	assert_int_equal(cp437_to_unicode(0x7F), 0x2302);
	assert_int_equal(cp437_to_unicode(0x81), 0x00FC);
	assert_int_equal(cp437_to_unicode(0xC9), 0x2554);
	assert_int_equal(cp437_to_unicode(0xE3), 0x03C0);
	assert_int_equal(cp437_to_unicode(0xFF), 0x00A0);
	char u[3];
	assert_int_equal(cp437_utf8('A', u), 1);
	assert_memory_equal(u, "A", 1);
	assert_int_equal(cp437_utf8(0x81, u), 2);
	assert_memory_equal(u, "\xC3\xBC", 2);
	assert_int_equal(cp437_utf8(0xC9, u), 3);
	assert_memory_equal(u, "\xE2\x95\x94", 3);
	assert_true(cp437_is_blank(0x00) && cp437_is_blank(' ') && cp437_is_blank(0xFF));
	assert_false(cp437_is_blank(0xDB));
}

static void test_plain_text(void **state)
{
	(void)state;
	struct vga_text_cell cells[8];
	struct vga_frame f;
	text_frame(&f, cells, 4, 2, "AB  \xC9\xCD\x00\xFF", 0x07);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	assert_int_equal(screen_text_write_plain(&f, out), 0);
	f.kind = VGA_FRAME_GRAPHICS;
	f.width = 320;
	f.height = 200;
	assert_int_equal(screen_text_write_plain(&f, out), 0);
	f.kind = VGA_FRAME_BLANK;
	assert_int_equal(screen_text_write_plain(&f, out), 0);
	fclose(out);
	assert_string_equal(text, "AB\n\xE2\x95\x94\xE2\x95\x90\n"
				  "(graphics mode 320x200: no text screen)\n"
				  "(screen blank)\n");
	free(text);
}

static void test_ansi_draw(void **state)
{
	(void)state;
	struct vga_text_cell cells[4];
	struct vga_frame f;
	struct capture c;
	capture_open(&c);
	/* Yellow on blue; the first draw clears the terminal. */
	text_frame(&f, cells, 2, 1, "AB", 0x1E);
	assert_string_equal(capture_draw(&c, &f), "\x1b[H\x1b[2J\x1b[H\x1b[0;93;44mAB"
						  "\x1b[0m\x1b[K\r\n\x1b[0m\x1b[J");
	/* A colour change mid-row; the guest's cursor becomes the terminal's. */
	text_frame(&f, cells, 2, 2, "A\x81xy", 0x07);
	cells[1].attr = 0x4F;
	f.cursor_enabled = true;
	f.cursor_x = 1;
	f.cursor_y = 1;
	assert_string_equal(capture_draw(&c, &f),
			    "\x1b[H\x1b[0;37;40mA\x1b[0;97;41m\xC3\xBC\x1b[0m\x1b[K\r\n"
			    "\x1b[0;37;40mxy\x1b[0m\x1b[K\r\n\x1b[0m\x1b[J\x1b[2;2H");
	screen_text_leave(&c.st);
	fflush(c.f);
	assert_string_equal(c.text + c.len - 10, "\x1b[0m\x1b[3;1H");
	capture_close(&c);
}

static void test_ansi_attributes(void **state)
{
	(void)state;
	struct vga_text_cell cells[1];
	struct vga_frame f;
	struct capture c;
	capture_open(&c);
	capture_draw(&c, (text_frame(&f, cells, 1, 1, "x", 0x1E), &f));
	/* A reprogrammed palette: colour 1 shows red, the nearest ANSI
	 * colour is red (41), not blue. */
	f.palette[1] = 0xFF0000;
	assert_non_null(strstr(capture_draw(&c, &f), "\x1b[0;93;41mx"));
	/* Attribute bit 7 blinks when blinking is enabled... */
	text_frame(&f, cells, 1, 1, "x", 0x9E);
	f.blink_enabled = true;
	assert_non_null(strstr(capture_draw(&c, &f), "\x1b[0;5;93;44mx"));
	/* ...and is a bright background when it is not. */
	f.blink_enabled = false;
	assert_non_null(strstr(capture_draw(&c, &f), "\x1b[0;93;104mx"));
	/* Monochrome underline: attribute 0x01. */
	text_frame(&f, cells, 1, 1, "x", 0x01);
	f.mono = true;
	assert_non_null(strstr(capture_draw(&c, &f), "\x1b[0;4;34;40mx"));
	capture_close(&c);
}

static void test_ansi_graphics_placeholder(void **state)
{
	(void)state;
	struct vga_frame f = {.kind = VGA_FRAME_GRAPHICS, .width = 320, .height = 200};
	struct capture c;
	capture_open(&c);
	assert_string_equal(capture_draw(&c, &f), "\x1b[H\x1b[2J\x1b[H\x1b[0m\x1b[J"
						  "(graphics mode 320x200: no text screen)\r\n");
	/* New pixels in the same mode: nothing to repaint. */
	assert_string_equal(capture_draw(&c, &f), "");
	f.width = 640;
	assert_non_null(strstr(capture_draw(&c, &f), "640x200"));
	capture_close(&c);
}

static void test_pixels(void **state)
{
	(void)state;
	unsigned w, h;
	/* Indexed through the palette. */
	uint8_t idx[6] = {0, 1, 2, 3, 4, 5};
	struct vga_frame f = {.kind = VGA_FRAME_GRAPHICS, .format = VGA_PIXEL_INDEXED8,
			      .width = 2, .height = 2, .pixels = idx, .stride = 3};
	memcpy(f.palette, vga16, sizeof(vga16));
	uint32_t *px = screenshot_pixels(&f, &w, &h);
	assert_int_equal(w, 2);
	assert_int_equal(h, 2);
	assert_int_equal(px[0], 0x000000);
	assert_int_equal(px[1], 0x0000AA);
	assert_int_equal(px[2], 0x00AAAA); /* the second line starts at the stride */
	assert_int_equal(px[3], 0xAA0000);
	free(px);
	/* Direct colour: the top byte is not colour. */
	uint32_t rgb[2] = {0xFF123456, 0x00ABCDEF};
	f = (struct vga_frame){.kind = VGA_FRAME_GRAPHICS, .format = VGA_PIXEL_XRGB32,
			       .width = 2, .height = 1, .pixels = rgb, .stride = 8};
	px = screenshot_pixels(&f, &w, &h);
	assert_int_equal(px[0], 0x123456);
	assert_int_equal(px[1], 0xABCDEF);
	free(px);
	/* Blank: black at the raster size, or the fallback size. */
	f = (struct vga_frame){.kind = VGA_FRAME_BLANK, .display_width = 720, .display_height = 400};
	px = screenshot_pixels(&f, &w, &h);
	assert_int_equal(w, 720);
	assert_int_equal(h, 400);
	assert_int_equal(px[720 * 400 - 1], 0);
	free(px);
	f.display_width = 0;
	px = screenshot_pixels(&f, &w, &h);
	assert_int_equal(w, SCREENSHOT_BLANK_WIDTH);
	assert_int_equal(h, SCREENSHOT_BLANK_HEIGHT);
	free(px);
}

static void test_text_pixels(void **state)
{
	(void)state;
	uint8_t font[256 * 32];
	memset(font, 0, sizeof(font));
	struct vga_text_cell cell;
	struct vga_frame f;
	text_frame(&f, &cell, 1, 1, "\x01", 0x1E);
	f.font[0] = f.font[1] = font;
	assert_true(screenshot_font_empty(&f));
	font[1 * 32 + 0] = 0x80; /* glyph 1, row 0: the leftmost dot */
	assert_false(screenshot_font_empty(&f));
	unsigned w, h;
	uint32_t *px = screenshot_pixels(&f, &w, &h);
	assert_int_equal(w, 9);
	assert_int_equal(h, 16);
	assert_int_equal(px[0], 0xFFFF55);
	assert_int_equal(px[1], 0x0000AA);
	assert_int_equal(px[9], 0x0000AA);
	free(px);
}

/* Writes a PNG, reads it back with libpng, compares the pixels. */
static void test_png_round_trip(void **state)
{
	(void)state;
	uint8_t idx[4] = {1, 2, 3, 4};
	struct vga_frame f = {.kind = VGA_FRAME_GRAPHICS, .format = VGA_PIXEL_INDEXED8,
			      .width = 2, .height = 2, .pixels = idx, .stride = 2};
	memcpy(f.palette, vga16, sizeof(vga16));
	FILE *out = tmpfile();
	assert_non_null(out);
	char err[128];
	assert_int_equal(screenshot_write_png(&f, out, err, sizeof(err)), 0);
	long size = ftell(out);
	assert_true(size > 8);
	rewind(out);
	uint8_t *png = malloc((size_t)size);
	assert_int_equal(fread(png, 1, (size_t)size, out), (size_t)size);
	fclose(out);

	png_image img;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	assert_true(png_image_begin_read_from_memory(&img, png, (size_t)size));
	assert_int_equal(img.width, 2);
	assert_int_equal(img.height, 2);
	img.format = PNG_FORMAT_RGB;
	uint8_t rgb[12];
	assert_true(png_image_finish_read(&img, NULL, rgb, 0, NULL));
	static const uint8_t want[12] = {0x00, 0x00, 0xAA, 0x00, 0xAA, 0x00,
					 0x00, 0xAA, 0xAA, 0xAA, 0x00, 0x00};
	assert_memory_equal(rgb, want, sizeof(want));
	free(png);
}

/* A full disk: the error comes back as a message, not a crash. */
static void test_png_write_error(void **state)
{
	(void)state;
	FILE *out = fopen("/dev/full", "wb");
	if (!out)
		skip();
	uint8_t idx[1] = {0};
	struct vga_frame f = {.kind = VGA_FRAME_GRAPHICS, .format = VGA_PIXEL_INDEXED8,
			      .width = 1, .height = 1, .pixels = idx, .stride = 1};
	char err[128] = "";
	assert_int_equal(screenshot_write_png(&f, out, err, sizeof(err)), -1);
	assert_true(err[0] != 0);
	fclose(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cp437),
		cmocka_unit_test(test_plain_text),
		cmocka_unit_test(test_ansi_draw),
		cmocka_unit_test(test_ansi_attributes),
		cmocka_unit_test(test_ansi_graphics_placeholder),
		cmocka_unit_test(test_pixels),
		cmocka_unit_test(test_text_pixels),
		cmocka_unit_test(test_png_round_trip),
		cmocka_unit_test(test_png_write_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
