/* screenshot.c: frames to PNG (libpng) and to UTF-8 text. The pixels come
 * from the frame alone: text through vga_text_render, graphics through the
 * frame's palette or its direct colours, so an image shows what a monitor
 * would. */
#include "frontend/screenshot.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/screen_text.h"

uint32_t *screenshot_pixels(const struct vga_frame *f, unsigned *width, unsigned *height)
{
	unsigned w, h;
	if (f->kind == VGA_FRAME_TEXT) {
		w = f->width * f->char_width;
		h = f->height * f->char_height;
	} else if (f->kind == VGA_FRAME_GRAPHICS) {
		w = f->width;
		h = f->height;
	} else {
		w = f->display_width;
		h = f->display_height;
		if (!w || !h || w > VGA_MAX_WIDTH || h > VGA_MAX_HEIGHT) {
			w = SCREENSHOT_BLANK_WIDTH;
			h = SCREENSHOT_BLANK_HEIGHT;
		}
	}
	/* A degenerate frame (a CRTC programmed to show nothing) still makes a
	 * valid image: one black pixel. */
	bool empty = !w || !h;
	if (empty)
		w = h = 1;
	uint32_t *px = calloc((size_t)w * h, sizeof(*px));
	if (!px)
		return NULL;
	*width = w;
	*height = h;
	if (empty)
		return px;
	if (f->kind == VGA_FRAME_TEXT) {
		vga_text_render(f, px, w);
	} else if (f->kind == VGA_FRAME_GRAPHICS) {
		for (unsigned y = 0; y < h; y++) {
			const uint8_t *row = (const uint8_t *)f->pixels + (size_t)y * f->stride;
			uint32_t *o = px + (size_t)y * w;
			if (f->format == VGA_PIXEL_INDEXED8) {
				for (unsigned x = 0; x < w; x++)
					o[x] = f->palette[row[x]] & 0xFFFFFF;
			} else {
				memcpy(o, row, (size_t)w * 4);
				for (unsigned x = 0; x < w; x++)
					o[x] &= 0xFFFFFF;
			}
		}
	}
	return px;
}

bool screenshot_font_empty(const struct vga_frame *f)
{
	if (f->kind != VGA_FRAME_TEXT)
		return false;
	for (int map = 0; map < 2; map++)
		for (size_t i = 0; i < 256 * 32; i++)
			if (f->font[map][i])
				return false;
	return true;
}

/* libpng reports errors through a callback that must not return: it
 * keeps the message and jumps back to screenshot_write_png. */
struct png_err {
	char *msg;
	size_t len;
};

static void png_on_error(png_structp png, png_const_charp msg)
{
	struct png_err *e = png_get_error_ptr(png);
	snprintf(e->msg, e->len, "%s", msg);
	png_longjmp(png, 1);
}

static void png_on_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

int screenshot_write_png(const struct vga_frame *f, FILE *out, char *err, size_t errlen)
{
	unsigned w, h;
	uint32_t *px = screenshot_pixels(f, &w, &h);
	uint8_t *row = px ? malloc((size_t)w * 3) : NULL;
	if (!row) {
		free(px);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	struct png_err e = {err, errlen};
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &e, png_on_error,
						  png_on_warning);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	if (!info) {
		png_destroy_write_struct(&png, NULL);
		free(row);
		free(px);
		snprintf(err, errlen, "cannot set up libpng");
		return -1;
	}
	/* Locals changed after setjmp would be indeterminate after the jump:
	 * px and row are set before it and only read after. */
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		free(row);
		free(px);
		return -1;
	}
	png_init_io(png, out);
	png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (unsigned y = 0; y < h; y++) {
		const uint32_t *p = px + (size_t)y * w;
		for (unsigned x = 0; x < w; x++) {
			row[3 * x] = (uint8_t)(p[x] >> 16);
			row[3 * x + 1] = (uint8_t)(p[x] >> 8);
			row[3 * x + 2] = (uint8_t)p[x];
		}
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	free(row);
	free(px);
	if (fflush(out) != 0 || ferror(out)) {
		snprintf(err, errlen, "write error");
		return -1;
	}
	return 0;
}

int screenshot_write_text(const struct vga_frame *f, FILE *out, char *err, size_t errlen)
{
	if (screen_text_write_plain(f, out) < 0 || fflush(out) != 0 || ferror(out)) {
		snprintf(err, errlen, "write error");
		return -1;
	}
	return 0;
}
