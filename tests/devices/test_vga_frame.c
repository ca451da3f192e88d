/* test_vga_frame.c: the VGA's frames, from memory and registers written
 * as a guest would: text modes (80x25, 80x50, 40x25) with cursor, font
 * from plane 2 and blink; mode 13h, 640x480x16 planar, mode X and CGA
 * mode 4 pixels with their palettes; panning, line compare and page
 * flipping; blanking; the generation counter; drawing text. */
#include "vga_test_env.h"

#define A0000 0xA0000u
#define B8000 0xB8000u

static struct vga_frame *frame(struct vga_env *e)
{
	vga_frame(&e->vga, &e->frame);
	return &e->frame;
}

static uint8_t pixel8(const struct vga_frame *f, unsigned x, unsigned y)
{
	return ((const uint8_t *)f->pixels)[(size_t)y * f->stride + x];
}

/* --- text ------------------------------------------------------------------ */

static void test_text_mode3(void **state)
{
	struct vga_env *e = *state;
	phys_write(&e->pm, B8000, 0x1E48, 2);     /* 'H' yellow on blue */
	phys_write(&e->pm, B8000 + 2, 0x0769, 2); /* 'i' */
	phys_write(&e->pm, B8000 + (24 * 80 + 79) * 2, 0x4F21, 2);
	crtc_w(e, 0x0E, 0);
	crtc_w(e, 0x0F, 82); /* row 1, column 2 */
	struct vga_frame *f = frame(e);
	assert_int_equal(f->kind, VGA_FRAME_TEXT);
	assert_int_equal(f->width, 80);
	assert_int_equal(f->height, 25);
	assert_int_equal(f->char_width, 9);
	assert_int_equal(f->char_height, 16);
	assert_int_equal(f->display_width, 720);
	assert_int_equal(f->display_height, 400);
	assert_int_equal(f->cells[0].ch, 'H');
	assert_int_equal(f->cells[0].attr, 0x1E);
	assert_int_equal(f->cells[1].ch, 'i');
	assert_int_equal(f->cells[24 * 80 + 79].ch, '!');
	assert_int_equal(f->cells[24 * 80 + 79].attr, 0x4F);
	assert_true(f->cursor_enabled);
	assert_int_equal(f->cursor_x, 2);
	assert_int_equal(f->cursor_y, 1);
	assert_int_equal(f->cursor_start, 13);
	assert_int_equal(f->cursor_end, 14);
	assert_true(f->blink_enabled);
	assert_true(f->line_graphics);
	assert_false(f->mono);
	/* The 16 text colours through the attribute palette and the DAC. */
	assert_int_equal(f->palette[0], 0x000000);
	assert_int_equal(f->palette[1], 0x0000AA);
	assert_int_equal(f->palette[6], 0xAA5500); /* brown: palette 6 -> DAC 0x14 */
	assert_int_equal(f->palette[7], 0xAAAAAA);
	assert_int_equal(f->palette[14], 0xFFFF55);
	assert_int_equal(f->palette[15], 0xFFFFFF);
	/* The start address scrolls; the cursor moves with the text. */
	crtc_w(e, 0x0C, 0);
	crtc_w(e, 0x0D, 80);
	f = frame(e);
	assert_int_equal(f->cells[23 * 80 + 79].ch, '!');
	assert_int_equal(f->cursor_y, 0);
	assert_int_equal(f->cursor_x, 2);
	/* The cursor off bit, and a cursor scrolled off screen. */
	crtc_w(e, 0x0A, 0x2D);
	assert_false(frame(e)->cursor_enabled);
	crtc_w(e, 0x0A, 0x0D);
	crtc_w(e, 0x0F, 10); /* above the start address: wraps far below */
	assert_false(frame(e)->cursor_enabled);
	/* Blink off: attribute bit 7 is a bright background. */
	attr_w(e, 0x10, 0x04);
	assert_false(frame(e)->blink_enabled);
	/* 8-dot characters from the sequencer. */
	seq_w(e, 1, 0x01);
	assert_int_equal(frame(e)->char_width, 8);
	assert_int_equal(frame(e)->display_width, 640);
}

static void test_text_80x50(void **state)
{
	struct vga_env *e = *state;
	/* An 8-line font: same 400 lines, twice the rows. */
	crtc_w(e, 0x09, 0x47);
	crtc_w(e, 0x0A, 0x06);
	crtc_w(e, 0x0B, 0x07);
	phys_write(&e->pm, B8000 + (49 * 80) * 2, 0x0758, 2);
	crtc_w(e, 0x0E, (49 * 80) >> 8);
	crtc_w(e, 0x0F, (49 * 80) & 0xFF);
	struct vga_frame *f = frame(e);
	assert_int_equal(f->width, 80);
	assert_int_equal(f->height, 50);
	assert_int_equal(f->char_height, 8);
	assert_int_equal(f->cells[49 * 80].ch, 'X');
	assert_true(f->cursor_enabled);
	assert_int_equal(f->cursor_y, 49);
	/* The height comes from the vertical display end: 350 lines of
	 * 14-line characters is 25 rows. */
	crtc_w(e, 0x09, 0x4D);
	crtc_w(e, 0x12, 0x5D); /* 0x15D + 1 = 350 */
	assert_int_equal(frame(e)->height, 25);
	assert_int_equal(frame(e)->display_height, 350);
}

static void test_text_40x25(void **state)
{
	struct vga_env *e = *state;
	vga_set_mode(e, &vga_mode_01);
	phys_write(&e->pm, B8000 + (1 * 40 + 39) * 2, 0x0741, 2);
	struct vga_frame *f = frame(e);
	assert_int_equal(f->kind, VGA_FRAME_TEXT);
	assert_int_equal(f->width, 40);
	assert_int_equal(f->height, 25);
	assert_int_equal(f->cells[1 * 40 + 39].ch, 'A');
	/* Halved dot clock: 40 columns of 9 dots on a 720-dot raster. */
	assert_int_equal(f->display_width, 720);
}

/* Loads glyph rows into plane 2 the way a BIOS does: planar access to
 * plane 2 at A0000, then back to text mode 3. */
static void load_glyph(struct vga_env *e, uint32_t map_base, uint8_t ch, const uint8_t *rows,
		       unsigned n)
{
	seq_w(e, 2, 0x04);
	seq_w(e, 4, 0x07);
	gc_w(e, 4, 0x02);
	gc_w(e, 5, 0x00);
	gc_w(e, 6, 0x04);
	for (unsigned r = 0; r < n; r++)
		phys_write(&e->pm, A0000 + map_base + ch * 32u + r, rows[r], 1);
	vga_set_mode(e, &vga_mode_03);
}

static const uint8_t glyph_a[16] = { 0x00, 0x00, 0x10, 0x38, 0x6C, 0xC6, 0xC6, 0xFE,
				     0xC6, 0xC6, 0xC6, 0xC6, 0x00, 0x00, 0x00, 0x00 };

static void test_font_plane2(void **state)
{
	struct vga_env *e = *state;
	/* Plane 2 starts empty: the BIOS loads the font. */
	assert_int_equal(frame(e)->font[0]['A' * 32 + 7], 0);
	load_glyph(e, 0, 'A', glyph_a, 16);
	/* Text writes leave plane 2 alone (map mask 3). */
	phys_write(&e->pm, B8000, 0x0741, 2);
	struct vga_frame *f = frame(e);
	assert_memory_equal(f->font[0] + 'A' * 32, glyph_a, 16);
	assert_memory_equal(f->font[1] + 'A' * 32, glyph_a, 16);
	assert_int_equal(f->cells[0].ch, 'A');
	/* 512 characters: map A (attribute bit 3 set) from the second map at
	 * plane 2 offset 0x4000, map B stays 0. */
	static const uint8_t other[2] = { 0xAA, 0x55 };
	load_glyph(e, 0x4000, 'A', other, 2);
	seq_w(e, 3, 0x04);
	f = frame(e);
	assert_memory_equal(f->font[0] + 'A' * 32, glyph_a, 16);
	assert_memory_equal(f->font[1] + 'A' * 32, other, 2);
	/* Maps 4-7 lie between 0-3: map B = 4 is at 0x2000. */
	load_glyph(e, 0x2000, 'B', other, 2);
	seq_w(e, 3, 0x10);
	f = frame(e);
	assert_memory_equal(f->font[0] + 'B' * 32, other, 2);
}

static void test_text_render(void **state)
{
	struct vga_env *e = *state;
	load_glyph(e, 0, 'A', glyph_a, 16);
	static const uint8_t line[16] = { [7] = 0xFF };
	load_glyph(e, 0, 0xC4, line, 16);
	phys_write(&e->pm, B8000, 0x1E41, 2);     /* 'A' yellow on blue */
	phys_write(&e->pm, B8000 + 2, 0x07C4, 2); /* box-drawing line */
	phys_write(&e->pm, B8000 + 4, 0x8741, 2); /* blinking 'A' */
	crtc_w(e, 0x0E, 0);
	crtc_w(e, 0x0F, 80); /* cursor at (0, 1) */
	struct vga_frame *f = frame(e);
	size_t w = (size_t)f->width * f->char_width, h = (size_t)f->height * f->char_height;
	assert_int_equal(w, 720);
	assert_int_equal(h, 400);
	uint32_t *img = calloc(w * h, 4);
	assert_non_null(img);
	vga_text_render(f, img, w);
	const uint32_t yellow = 0xFFFF55, blue = 0x0000AA, grey = 0xAAAAAA, black = 0;
	/* Row 2 of 'A' is 0x10: dot 3 set. */
	assert_int_equal(img[2 * w + 3], yellow);
	assert_int_equal(img[2 * w + 2], blue);
	assert_int_equal(img[2 * w + 8], blue); /* 9th dot: background */
	/* Line graphics: the 9th dot of 0xC4 repeats the 8th. */
	assert_int_equal(img[7 * w + 9 + 7], grey);
	assert_int_equal(img[7 * w + 9 + 8], grey);
	assert_int_equal(img[6 * w + 9 + 8], black);
	/* Cursor: scan lines 13-14 of cell (0, 1) in its foreground. */
	phys_write(&e->pm, B8000 + 160, 0x0700, 2);
	e->clk.now_ns = 0; /* frame 0: cursor and blinking text shown */
	f = frame(e);
	assert_true(f->cursor_visible);
	vga_text_render(f, img, w);
	assert_int_equal(img[(16 + 13) * w + 4], grey);
	assert_int_equal(img[(16 + 12) * w + 4], black);
	/* The blinking 'A' is there in the visible phase... */
	assert_true(f->blink_visible);
	assert_int_equal(img[2 * w + 18 + 3], grey);
	/* ...and gone in the other: frame 17 (mode 3 frames are 449 lines of
	 * 900 dots at 28.322 MHz). */
	const uint64_t frame_ns = 31777ull * 449;
	e->clk.now_ns = frame_ns * 17;
	f = frame(e);
	assert_false(f->blink_visible);
	assert_true(f->cursor_visible);
	vga_text_render(f, img, w);
	assert_int_equal(img[2 * w + 18 + 3], black);
	assert_int_equal(img[2 * w + 3], yellow); /* not blinking: still there */
	e->clk.now_ns = frame_ns * 9;
	assert_false(frame(e)->cursor_visible);
	free(img);
}

/* --- graphics ------------------------------------------------------------- */

static void test_mode13(void **state)
{
	struct vga_env *e = *state;
	vga_set_mode(e, &vga_mode_13);
	dac_w(e, 1, 0x3F, 0x00, 0x00);
	dac_w(e, 2, 0x00, 0x3F, 0x00);
	dac_w(e, 0x83, 0x10, 0x20, 0x30);
	phys_write(&e->pm, A0000, 1, 1);
	phys_write(&e->pm, A0000 + 199 * 320 + 319, 2, 1);
	phys_write(&e->pm, A0000 + 5 * 320 + 10, 0x83, 1);
	struct vga_frame *f = frame(e);
	assert_int_equal(f->kind, VGA_FRAME_GRAPHICS);
	assert_int_equal(f->format, VGA_PIXEL_INDEXED8);
	assert_int_equal(f->width, 320);
	assert_int_equal(f->height, 200);
	assert_int_equal(f->display_width, 640);
	assert_int_equal(f->display_height, 400);
	assert_int_equal(pixel8(f, 0, 0), 1);
	assert_int_equal(pixel8(f, 319, 199), 2);
	assert_int_equal(pixel8(f, 10, 5), 0x83);
	assert_int_equal(pixel8(f, 11, 5), 0);
	assert_int_equal(f->palette[1], 0xFF0000);
	assert_int_equal(f->palette[2], 0x00FF00);
	assert_int_equal(f->palette[0x83], 0x4182C3);
	/* The DAC pixel mask applies to the index. */
	outb(e, 0x3C6, 0x0F);
	f = frame(e);
	assert_int_equal(f->palette[0x81], 0xFF0000);
	outb(e, 0x3C6, 0xFF);
	/* Pel panning by 2 dots moves one 256-colour pixel. */
	attr_w(e, 0x13, 2);
	f = frame(e);
	assert_int_equal(pixel8(f, 9, 5), 0x83);
	attr_w(e, 0x13, 0);
	/* Line compare at scan line 200 (frame line 100): memory restarts
	 * at 0 there, below a display that starts 10 lines in. */
	crtc_w(e, 0x07, 0x0F);
	crtc_w(e, 0x09, 0x01);
	crtc_w(e, 0x18, 200);
	crtc_w(e, 0x0C, (10 * 320 / 4) >> 8);
	crtc_w(e, 0x0D, (10 * 320 / 4) & 0xFF);
	phys_write(&e->pm, A0000 + 10 * 320 + 7, 9, 1);
	f = frame(e);
	assert_int_equal(f->height, 200);
	assert_int_equal(pixel8(f, 7, 0), 9);
	assert_int_equal(pixel8(f, 0, 99), 0);
	assert_int_equal(pixel8(f, 0, 100), 1);
	assert_int_equal(pixel8(f, 10, 105), 0x83);
}

static void test_mode12(void **state)
{
	struct vga_env *e = *state;
	vga_set_mode(e, &vga_mode_12);
	/* Write mode 2, one pixel per bit mask: colour 9 at (3, 2), colour 4
	 * at (639, 479). */
	gc_w(e, 5, 0x02);
	gc_w(e, 8, 0x80 >> 3);
	phys_read(&e->pm, A0000 + 2 * 80, 1);
	phys_write(&e->pm, A0000 + 2 * 80, 9, 1);
	gc_w(e, 8, 0x01);
	phys_read(&e->pm, A0000 + 479 * 80 + 79, 1);
	phys_write(&e->pm, A0000 + 479 * 80 + 79, 4, 1);
	struct vga_frame *f = frame(e);
	assert_int_equal(f->width, 640);
	assert_int_equal(f->height, 480);
	assert_int_equal(f->display_height, 480);
	assert_int_equal(pixel8(f, 3, 2), 9);
	assert_int_equal(pixel8(f, 2, 2), 0);
	assert_int_equal(pixel8(f, 4, 2), 0);
	assert_int_equal(pixel8(f, 639, 479), 4);
	/* Colour 9: palette register 9 = 0x39, DAC 0x39 = light blue. */
	assert_int_equal(f->palette[9], 0x5555FF);
	assert_int_equal(f->palette[4], 0xAA0000);
	/* The colour plane enable masks plane 3 out: 9 shows as 1. */
	attr_w(e, 0x12, 0x07);
	assert_int_equal(frame(e)->palette[9], 0x0000AA);
	/* Colour select with P5/P4 select: bits 4-5 from the colour select. */
	attr_w(e, 0x12, 0x0F);
	attr_w(e, 0x14, 0x01);
	attr_w(e, 0x10, 0x81);
	dac_w(e, 0x19, 0x01, 0x02, 0x03);
	assert_int_equal(frame(e)->palette[9], 0x04080C);
	/* Pel panning by 3 in planar mode. */
	attr_w(e, 0x10, 0x01);
	attr_w(e, 0x13, 3);
	assert_int_equal(pixel8(frame(e), 0, 2), 9);
}

static void test_mode_x(void **state)
{
	struct vga_env *e = *state;
	vga_set_mode(e, &vga_mode_x);
	/* Pixel (x, y) is plane x & 3 at offset y * 80 + x / 4. */
	seq_w(e, 2, 1u << (5 & 3));
	phys_write(&e->pm, A0000 + 7 * 80 + 5 / 4, 0x21, 1);
	seq_w(e, 2, 1u << (319 & 3));
	phys_write(&e->pm, A0000 + 239 * 80 + 319 / 4, 0x22, 1);
	/* Writing all planes at once fills four pixels. */
	seq_w(e, 2, 0x0F);
	phys_write(&e->pm, A0000 + 100 * 80 + 10, 0x23, 1);
	struct vga_frame *f = frame(e);
	assert_int_equal(f->width, 320);
	assert_int_equal(f->height, 240);
	assert_int_equal(f->display_height, 480);
	assert_int_equal(pixel8(f, 5, 7), 0x21);
	assert_int_equal(pixel8(f, 4, 7), 0);
	assert_int_equal(pixel8(f, 319, 239), 0x22);
	for (unsigned x = 40; x < 44; x++)
		assert_int_equal(pixel8(f, x, 100), 0x23);
	/* Page flipping: the second page starts 320*240/4 addresses in. */
	phys_write(&e->pm, A0000 + 19200 + 3, 0x24, 1);
	crtc_w(e, 0x0C, 19200 >> 8);
	crtc_w(e, 0x0D, 19200 & 0xFF);
	f = frame(e);
	assert_int_equal(pixel8(f, 12, 0), 0x24);
	assert_int_equal(pixel8(f, 5, 7), 0);
}

static void test_cga_mode4(void **state)
{
	struct vga_env *e = *state;
	vga_set_mode(e, &vga_mode_04);
	/* Even scan lines at B8000, odd ones at BA000, 80 bytes a line,
	 * four 2-bit pixels a byte. */
	phys_write(&e->pm, B8000, 0xE4, 1);          /* line 0: 3 2 1 0 */
	phys_write(&e->pm, B8000 + 1, 0x40, 1);      /* pixels 4-7: 1 0 0 0 */
	phys_write(&e->pm, B8000 + 0x2000, 0x1B, 1); /* line 1: 0 1 2 3 */
	phys_write(&e->pm, B8000 + 80, 0xC0, 1);     /* line 2: 3 */
	struct vga_frame *f = frame(e);
	assert_int_equal(f->width, 320);
	assert_int_equal(f->height, 200);
	static const uint8_t line0[8] = { 3, 2, 1, 0, 1, 0, 0, 0 };
	static const uint8_t line1[4] = { 0, 1, 2, 3 };
	assert_memory_equal((const uint8_t *)f->pixels, line0, 8);
	assert_memory_equal((const uint8_t *)f->pixels + f->stride, line1, 4);
	assert_int_equal(pixel8(f, 0, 2), 3);
	/* Colours 1-3 through palette registers 1-3 (0x13, 0x15, 0x17). */
	dac_w(e, 0x13, 0x15, 0x3F, 0x3F);
	dac_w(e, 0x15, 0x3F, 0x15, 0x3F);
	dac_w(e, 0x17, 0x3F, 0x3F, 0x3F);
	f = frame(e);
	assert_int_equal(f->palette[1], 0x55FFFF);
	assert_int_equal(f->palette[2], 0xFF55FF);
	assert_int_equal(f->palette[3], 0xFFFFFF);
}

static void test_blank(void **state)
{
	struct vga_env *e = *state;
	assert_int_equal(frame(e)->kind, VGA_FRAME_TEXT);
	/* Palette address source clear: the attribute controller is being
	 * programmed and the screen shows nothing. */
	inb(e, 0x3DA);
	outb(e, 0x3C0, 0x00);
	assert_int_equal(frame(e)->kind, VGA_FRAME_BLANK);
	outb(e, 0x3C0, 0x00);
	outb(e, 0x3C0, 0x20);
	assert_int_equal(frame(e)->kind, VGA_FRAME_TEXT);
	/* Sequencer screen off. */
	seq_w(e, 1, 0x20);
	assert_int_equal(frame(e)->kind, VGA_FRAME_BLANK);
	assert_int_equal(frame(e)->display_height, 400);
}

static void test_generation(void **state)
{
	struct vga_env *e = *state;
	vga_set_mode(e, &vga_mode_13);
	uint64_t g0 = vga_generation(&e->vga);
	e->clk.now_ns += 1000000000ull; /* no blinking in graphics modes */
	assert_int_equal(vga_generation(&e->vga), g0);
	phys_write(&e->pm, A0000 + 100, 5, 1);
	uint64_t g1 = vga_generation(&e->vga);
	assert_true(g1 != g0);
	dac_w(e, 5, 1, 2, 3);
	uint64_t g2 = vga_generation(&e->vga);
	assert_true(g2 != g1);
	assert_int_equal(frame(e)->generation, g2);
	/* Reads change nothing. */
	phys_read(&e->pm, A0000 + 100, 1);
	inb(e, 0x3DA);
	assert_int_equal(vga_generation(&e->vga), g2);
	/* Text modes: the blink phase moves the counter by itself. */
	vga_set_mode(e, &vga_mode_03);
	uint64_t t0 = vga_generation(&e->vga);
	assert_int_equal(vga_generation(&e->vga), t0);
	e->clk.now_ns += 1000000000ull / 70 * 9;
	uint64_t t1 = vga_generation(&e->vga);
	assert_true(t1 != t0);
	/* With the cursor off and blinking disabled nothing blinks. */
	crtc_w(e, 0x0A, 0x20);
	attr_w(e, 0x10, 0x04);
	t1 = vga_generation(&e->vga);
	for (int i = 0; i < 8; i++) {
		e->clk.now_ns += 1000000000ull / 70 * 9;
		assert_int_equal(vga_generation(&e->vga), t1);
	}
	/* The LFB is written directly: its changes are found by comparing. */
	vbe_w(e, VBE_DISPI_INDEX_XRES, 640);
	vbe_w(e, VBE_DISPI_INDEX_YRES, 480);
	vbe_w(e, VBE_DISPI_INDEX_BPP, 32);
	vbe_w(e, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED);
	uint64_t l0 = vga_generation(&e->vga);
	assert_int_equal(vga_generation(&e->vga), l0);
	phys_write(&e->pm, VGA_LFB_DEFAULT_BASE + (479 * 640 + 639) * 4, 0x123456, 4);
	uint64_t l1 = vga_generation(&e->vga);
	assert_true(l1 != l0);
	assert_int_equal(vga_generation(&e->vga), l1);
	/* Rewriting the same value, or writing outside the display, is no
	 * change. */
	phys_write(&e->pm, VGA_LFB_DEFAULT_BASE + (479 * 640 + 639) * 4, 0x123456, 4);
	phys_write(&e->pm, VGA_LFB_DEFAULT_BASE + 640 * 480 * 4, 0x1, 4);
	assert_int_equal(vga_generation(&e->vga), l1);
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_text_mode3, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_text_80x50, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_text_40x25, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_font_plane2, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_text_render, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_mode13, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_mode12, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_mode_x, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_cga_mode4, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_blank, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_generation, vga_env_setup, vga_env_teardown),
	};
	/* clang-format on */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
