/* vga_frame.c: producing frames from video memory the way the CRT
 * controller scans it out.
 *
 * Nothing here looks at a BIOS mode number: the geometry comes from the
 * CRTC (horizontal display end in character clocks, vertical display end in
 * scan lines, maximum scan line, double scan, offset, start address,
 * byte/word/doubleword addressing, the CGA-compatible row-scan address
 * substitution, line compare), the pixel format from the graphics
 * controller's shift mode and the attribute controller's 8-bit mode, and
 * the colours from the attribute palette and the DAC. Lines that the CRTC
 * would show more than once (maximum scan line and double scan in graphics
 * modes) appear once in the frame: mode 13h is 320x200, displayed on a
 * 640x400 raster (display_width/height).
 */
#include <string.h>

#include "devices/vga_internal.h"

uint32_t vga_dac_rgb(const struct vga *v, uint8_t index)
{
	const uint8_t *e = v->dac[index & v->dac_mask];
	uint32_t rgb = 0;
	for (int i = 0; i < 3; i++) {
		uint32_t c = e[i]; /* 6 bits, or 8 with the VBE 8-bit DAC */
		if (!v->dac_8bit)
			c = (c << 2) | (c >> 4);
		rgb = rgb << 8 | c;
	}
	return rgb;
}

/* The attribute controller's path for a 4-bit colour: colour plane enable,
 * the 16 palette registers, then the colour select bits for the DAC
 * index's top bits. */
static uint8_t vga_attr_color(const struct vga *v, unsigned nibble)
{
	const uint8_t *a = v->attr;
	uint8_t p = a[nibble & a[VGA_ATTR_PLANE_ENABLE] & 0x0F] & 0x3F;
	if (a[VGA_ATTR_MODE] & VGA_AR10_P54_SELECT)
		p = (uint8_t)((p & 0x0F) | (a[VGA_ATTR_COLOR_SELECT] & 3) << 4);
	return (uint8_t)(p | (a[VGA_ATTR_COLOR_SELECT] & 0x0C) << 4);
}

/* palette[i] for direct 8-bit pixels is DAC entry i; for 4-bit colours
 * (text, 16-colour graphics) entries 0-15 go through the attribute
 * controller first. */
static void vga_palette(const struct vga *v, uint32_t *pal, bool direct)
{
	for (unsigned i = 0; i < 256; i++)
		pal[i] = vga_dac_rgb(v, (uint8_t)i);
	if (!direct) {
		for (unsigned i = 0; i < 16; i++)
			pal[i] = vga_dac_rgb(v, vga_attr_color(v, i));
	}
}

/* Scan-out geometry from the CRTC registers. */
struct vga_geom {
	unsigned chars;        /* character clocks per line displayed */
	unsigned lines;        /* scan lines displayed */
	unsigned max_scan;     /* scan lines per character row, minus one */
	bool dscan;            /* every scan line twice */
	uint32_t start;        /* start address, in address counter units */
	uint32_t row_step;     /* counter advance per character row */
	unsigned addr_mode;    /* 0 byte, 1 word, 2 doubleword */
	unsigned word_bit;     /* counter bit into address bit 0 in word mode */
	unsigned subst;        /* row scan bits replacing address bits 13, 14 */
	unsigned line_compare; /* scan line where the counter restarts at 0 */
	unsigned preset_row;
	unsigned byte_pan;
	unsigned dot_div; /* 2 when the dot clock is halved */
};

static void vga_geom(const struct vga *v, struct vga_geom *g)
{
	const uint8_t *c = v->crtc;
	uint8_t ov = c[VGA_CRTC_OVERFLOW];
	g->chars = c[VGA_CRTC_H_DISP_END] + 1u;
	g->lines = (c[VGA_CRTC_V_DISP_END] | (ov & 0x02) << 7 | (ov & 0x40) << 3) + 1u;
	g->max_scan = c[VGA_CRTC_MAX_SCAN] & 0x1F;
	g->dscan = c[VGA_CRTC_MAX_SCAN] & 0x80;
	g->start = (uint32_t)c[VGA_CRTC_START_HI] << 8 | c[VGA_CRTC_START_LO];
	g->row_step = c[VGA_CRTC_OFFSET] * 2u;
	g->addr_mode = (c[VGA_CRTC_UNDERLINE] & VGA_CR14_DWORD) ? 2 :
		       (c[VGA_CRTC_MODE] & VGA_CR17_BYTE_MODE)  ? 0 :
								  1;
	g->word_bit = (c[VGA_CRTC_MODE] & VGA_CR17_ADDR_WRAP) ? 15 : 13;
	g->subst = (c[VGA_CRTC_MODE] & VGA_CR17_MAP13 ? 0 : 1) |
		   (c[VGA_CRTC_MODE] & VGA_CR17_MAP14 ? 0 : 2);
	g->line_compare =
		c[VGA_CRTC_LINE_COMPARE] | (ov & 0x10) << 4 | (c[VGA_CRTC_MAX_SCAN] & 0x40) << 3;
	g->preset_row = c[VGA_CRTC_PRESET_ROW] & 0x1F;
	g->byte_pan = (c[VGA_CRTC_PRESET_ROW] >> 5) & 3;
	g->dot_div = (v->seq[VGA_SEQ_CLOCKING] & VGA_SR01_DOTCLOCK_DIV2) ? 2 : 1;
}

/* The memory address the CRTC puts out for counter value `ma` on row scan
 * line `rs`. Planes are 64 KiB, so it wraps there. */
static inline uint32_t vga_scan_addr(const struct vga_geom *g, uint32_t ma, unsigned rs)
{
	uint32_t a;
	switch (g->addr_mode) {
	case 2: a = ma << 2; break;
	case 1: a = ma << 1 | ((ma >> g->word_bit) & 1); break;
	default: a = ma; break;
	}
	if (g->subst & 1)
		a = (a & ~0x2000u) | (rs & 1u) << 13;
	if (g->subst & 2)
		a = (a & ~0x4000u) | (rs & 2u) << 13;
	return a & 0xFFFF;
}

/* --- text ------------------------------------------------------------------ */

/* Plane 2 offset of character map n (0-7), as the sequencer numbers them:
 * maps 0-3 at 16 KiB steps, 4-7 between them. */
static uint32_t vga_font_base(unsigned n)
{
	return (n & 3) << 14 | (n & 4) << 11;
}

static void vga_copy_font(const struct vga *v, uint8_t *dst, unsigned map)
{
	uint32_t base = vga_font_base(map);
	for (uint32_t i = 0; i < 256 * 32; i++)
		dst[i] = (uint8_t)(v->vram[base + i] >> 16);
}

static void vga_frame_text(struct vga *v, const struct vga_geom *g, struct vga_frame *f)
{
	const uint8_t *c = v->crtc;
	unsigned ch = g->max_scan + 1;
	unsigned per_row = ch * (g->dscan ? 2 : 1);
	unsigned cols = g->chars, rows = (g->lines + per_row - 1) / per_row;
	f->kind = VGA_FRAME_TEXT;
	f->width = cols;
	f->height = rows;
	f->cells = v->cells;
	for (unsigned r = 0; r < rows; r++) {
		uint32_t ma = g->start + r * g->row_step + g->byte_pan;
		struct vga_text_cell *out = v->cells + (size_t)r * cols;
		for (unsigned x = 0; x < cols; x++) {
			uint32_t d = v->vram[vga_scan_addr(g, ma + x, 0)];
			out[x].ch = (uint8_t)d;
			out[x].attr = (uint8_t)(d >> 8);
		}
	}
	f->char_width = (v->seq[VGA_SEQ_CLOCKING] & VGA_SR01_8DOT) ? 8 : 9;
	f->char_height = ch;
	f->display_width = cols * f->char_width * g->dot_div;

	uint8_t sel = v->seq[VGA_SEQ_CHAR_MAP];
	unsigned map_a = ((sel >> 2) & 3) | ((sel >> 3) & 4); /* attribute bit 3 set */
	unsigned map_b = (sel & 3) | ((sel >> 2) & 4);
	vga_copy_font(v, v->font, map_b);
	vga_copy_font(v, v->font + 256 * 32, map_a);
	f->font[0] = v->font;
	f->font[1] = v->font + 256 * 32;

	const uint8_t *a = v->attr;
	uint8_t phase = vga_blink_phase(v);
	f->line_graphics = a[VGA_ATTR_MODE] & VGA_AR10_LINE_GRAPHICS;
	f->blink_enabled = a[VGA_ATTR_MODE] & VGA_AR10_BLINK;
	f->blink_visible = phase & 2;
	f->mono = a[VGA_ATTR_MODE] & VGA_AR10_MONO;
	f->underline_row = c[VGA_CRTC_UNDERLINE] & 0x1F;

	/* The cursor is where the address counter meets the cursor location
	 * register: counted from the start address in cells. */
	uint32_t cur = (uint32_t)c[VGA_CRTC_CURSOR_HI] << 8 | c[VGA_CRTC_CURSOR_LO];
	uint32_t d = (cur - g->start - g->byte_pan) & 0xFFFF;
	unsigned step = g->row_step ? g->row_step : 0x10000;
	f->cursor_x = d % step;
	f->cursor_y = d / step;
	f->cursor_start = c[VGA_CRTC_CURSOR_START] & 0x1F;
	f->cursor_end = c[VGA_CRTC_CURSOR_END] & 0x1F;
	f->cursor_enabled = !(c[VGA_CRTC_CURSOR_START] & 0x20) && f->cursor_x < cols &&
			    f->cursor_y < rows && f->cursor_start <= f->cursor_end &&
			    f->cursor_start < ch;
	f->cursor_visible = phase & 1;
	vga_palette(v, f->palette, false);
}

/* --- graphics ------------------------------------------------------------ */

enum vga_shift { VGA_SHIFT_PLANAR, VGA_SHIFT_CGA, VGA_SHIFT_256, VGA_SHIFT_256_NIBBLES };

/* One scan line's pixels for `clocks` character clocks from counter value
 * `ma`: 8 pixels a clock, 4 in direct 256-colour mode. */
static void vga_gfx_fetch(const struct vga *v, const struct vga_geom *g, enum vga_shift shift,
			  uint32_t ma, unsigned rs, unsigned clocks, uint8_t *out)
{
	for (unsigned k = 0; k < clocks; k++) {
		uint32_t d = v->vram[vga_scan_addr(g, ma + k, rs)];
		unsigned p0 = d & 0xFF, p1 = (d >> 8) & 0xFF, p2 = (d >> 16) & 0xFF, p3 = d >> 24;
		switch (shift) {
		case VGA_SHIFT_256:
			out[0] = (uint8_t)p0, out[1] = (uint8_t)p1;
			out[2] = (uint8_t)p2, out[3] = (uint8_t)p3;
			out += 4;
			break;
		case VGA_SHIFT_256_NIBBLES:
			out[0] = (uint8_t)(p0 >> 4), out[1] = p0 & 15;
			out[2] = (uint8_t)(p1 >> 4), out[3] = p1 & 15;
			out[4] = (uint8_t)(p2 >> 4), out[5] = p2 & 15;
			out[6] = (uint8_t)(p3 >> 4), out[7] = p3 & 15;
			out += 8;
			break;
		case VGA_SHIFT_CGA:
			/* Two bits a pixel: planes 0 and 2 give pixels 0-3,
			 * planes 1 and 3 pixels 4-7. */
			for (unsigned i = 0; i < 4; i++) {
				unsigned sh = 6 - 2 * i;
				out[i] = (uint8_t)(((p0 >> sh) & 3) | ((p2 >> sh) & 3) << 2);
				out[i + 4] = (uint8_t)(((p1 >> sh) & 3) | ((p3 >> sh) & 3) << 2);
			}
			out += 8;
			break;
		default:
			for (unsigned i = 0; i < 8; i++) {
				unsigned sh = 7 - i;
				out[i] = (uint8_t)(((p0 >> sh) & 1) | ((p1 >> sh) & 1) << 1 |
						   ((p2 >> sh) & 1) << 2 | ((p3 >> sh) & 1) << 3);
			}
			out += 8;
			break;
		}
	}
}

static void vga_frame_graphics(struct vga *v, const struct vga_geom *g, struct vga_frame *f)
{
	const uint8_t *a = v->attr;
	uint8_t gmode = v->gc[VGA_GC_MODE];
	bool px8 = a[VGA_ATTR_MODE] & VGA_AR10_8BIT;
	enum vga_shift shift = VGA_SHIFT_PLANAR;
	if (gmode & VGA_GR05_SHIFT_256)
		shift = px8 ? VGA_SHIFT_256 : VGA_SHIFT_256_NIBBLES;
	else if (gmode & VGA_GR05_SHIFT_INTERLEAVE)
		shift = VGA_SHIFT_CGA;
	unsigned per_clock = shift == VGA_SHIFT_256 ? 4 : 8;
	unsigned w = g->chars * per_clock;

	/* Row scan values that fetch different memory: with no address
	 * substitution only the first line of a character row is new. */
	unsigned emit_per_row = 0;
	for (unsigned rs = 0; rs <= g->max_scan; rs++)
		emit_per_row += !(rs & ~g->subst);
	unsigned per_row = (g->max_scan + 1) * (g->dscan ? 2 : 1);
	unsigned h = (g->lines * emit_per_row + per_row - 1) / per_row;
	if (h > VGA_MAX_HEIGHT)
		h = VGA_MAX_HEIGHT;

	unsigned pan = a[VGA_ATTR_PEL_PAN] & 0x0F;
	pan = shift == VGA_SHIFT_256 ? (pan & 7) >> 1 : pan < 8 ? pan : 0;
	uint8_t line[VGA_MAX_WIDTH + 16];
	uint32_t row_ma = g->start + g->byte_pan;
	unsigned rs = g->preset_row, y = 0;
	bool second = false;
	for (unsigned sl = 0; sl < g->lines && y < h; sl++) {
		if (sl == g->line_compare) {
			row_ma = 0;
			rs = 0;
			second = false;
			if (a[VGA_ATTR_MODE] & VGA_AR10_PAN_COMPAT)
				pan = 0;
		}
		if (!second && !(rs & ~g->subst)) {
			/* One clock more than displayed: panning shifts it in. */
			vga_gfx_fetch(v, g, shift, row_ma, rs, g->chars + 1, line);
			memcpy(v->pix8 + (size_t)y * w, line + pan, w);
			y++;
		}
		if (g->dscan) {
			second = !second;
			if (second)
				continue;
		}
		if (rs >= g->max_scan) {
			rs = 0;
			row_ma += g->row_step;
		} else {
			rs++;
		}
	}
	if (y < h)
		memset(v->pix8 + (size_t)y * w, 0, (size_t)(h - y) * w);
	f->kind = VGA_FRAME_GRAPHICS;
	f->format = VGA_PIXEL_INDEXED8;
	f->width = w;
	f->height = h;
	f->pixels = v->pix8;
	f->stride = w;
	f->display_width = g->chars * 8 * g->dot_div;
	vga_palette(v, f->palette, shift == VGA_SHIFT_256);
}

void vga_frame(struct vga *v, struct vga_frame *f)
{
	memset(f, 0, sizeof(*f));
	f->generation = vga_generation(v);
	if (vga_vbe_enabled(v)) {
		vga_frame_vbe(v, f);
		return;
	}
	struct vga_geom g;
	vga_geom(v, &g);
	f->display_height = g.lines;
	if (!(v->attr_index & VGA_AR_INDEX_PAS) ||
	    (v->seq[VGA_SEQ_CLOCKING] & VGA_SR01_SCREEN_OFF)) {
		f->kind = VGA_FRAME_BLANK;
		f->display_width = g.chars * 8 * g.dot_div;
		return;
	}
	if (v->attr[VGA_ATTR_MODE] & VGA_AR10_GRAPHICS)
		vga_frame_graphics(v, &g, f);
	else
		vga_frame_text(v, &g, f);
}

/* --- drawing text ---------------------------------------------------------- */

void vga_text_render(const struct vga_frame *f, uint32_t *out, size_t stride)
{
	if (f->kind != VGA_FRAME_TEXT)
		return;
	unsigned cw = f->char_width, chh = f->char_height;
	for (unsigned r = 0; r < f->height; r++) {
		for (unsigned x = 0; x < f->width; x++) {
			struct vga_text_cell cell = f->cells[(size_t)r * f->width + x];
			const uint8_t *glyph = f->font[(cell.attr >> 3) & 1] + cell.ch * 32u;
			unsigned fg = cell.attr & 0x0F, bg = cell.attr >> 4;
			if (f->blink_enabled) {
				bg &= 7;
				if ((cell.attr & 0x80) && !f->blink_visible)
					fg = bg;
			}
			bool cursor_here = f->cursor_enabled && f->cursor_visible &&
					   f->cursor_x == x && f->cursor_y == r;
			bool underline = f->mono && (cell.attr & 7) == 1;
			bool dup9 = f->line_graphics && cell.ch >= 0xC0 && cell.ch <= 0xDF;
			for (unsigned line = 0; line < chh; line++) {
				unsigned bits = line < 32 ? glyph[line] : 0;
				bits <<= 1;
				if (dup9)
					bits |= (bits >> 1) & 1;
				if ((cursor_here && line >= f->cursor_start &&
				     line <= f->cursor_end) ||
				    (underline && line == f->underline_row))
					bits = 0x1FF;
				uint32_t *p =
					out + ((size_t)r * chh + line) * stride + (size_t)x * cw;
				for (unsigned dot = 0; dot < cw; dot++)
					p[dot] = f->palette[(bits >> (8 - dot)) & 1 ? fg : bg];
			}
		}
	}
}
