/* window_render.c: the guest's screen in the window.
 *
 * A frame from the VGA (devices/vga.h) becomes 0x00RRGGBB pixels at the
 * frame's own resolution: text through vga_text_render (the guest's font,
 * the cursor and the blink phase are all in the frame), 8-bit graphics
 * through the frame's palette, direct colour as it is. They go to one
 * streaming texture, which the renderer scales into the window: the
 * picture keeps the aspect ratio of the displayed raster (display_width x
 * display_height, so mode 13h's 320x200 pixels fill a 4:3-ish 640x400 and
 * not a 16:10 320x200), centred, with black bars where the window's shape
 * differs. With --scale integer only whole multiples of the raster are
 * used, so every guest pixel is the same size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/window_internal.h"

/* Windows are made at least this wide when the raster is small (a 320x200
 * VBE mode opens at 640x400). */
#define WINDOW_MIN_WIDTH 640

/* Makes sure the texture is w x h, recreating it when the size changed.
 * Returns false when SDL cannot make it. */
static bool ensure_texture(struct window *w, unsigned width, unsigned height)
{
	if (w->tex && w->tex_w == width && w->tex_h == height)
		return true;
	if (w->tex)
		SDL_DestroyTexture(w->tex);
	w->tex = SDL_CreateTexture(w->ren, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_STREAMING,
				   (int)width, (int)height);
	if (!w->tex) {
		w->tex_w = w->tex_h = 0;
		return false;
	}
	w->tex_w = width;
	w->tex_h = height;
	return true;
}

static bool ensure_pixels(struct window *w, size_t count)
{
	if (count <= w->pixels_cap)
		return true;
	uint32_t *p = realloc(w->pixels, count * sizeof(*p));
	if (!p)
		return false;
	w->pixels = p;
	w->pixels_cap = count;
	return true;
}

/* The frame could not be shown (too big, or SDL refused the texture): the
 * window shows a placeholder and stderr says why, once per size. */
static void show_placeholder(struct window *w, unsigned width, unsigned height, const char *why)
{
	w->placeholder = true;
	if (!w->placeholder_logged || w->bad_w != width || w->bad_h != height) {
		fprintf(stderr, "popek: window: cannot show the guest's %ux%u %s frame (%s)\n",
			width, height, w->frame.kind == VGA_FRAME_TEXT ? "text" : "graphics", why);
		w->placeholder_logged = true;
		w->bad_w = width;
		w->bad_h = height;
	}
}

void window_render_update(struct window *w, struct vga *v)
{
	struct vga_frame *f = &w->frame;
	vga_frame(v, f);
	w->placeholder = false;

	unsigned width, height;
	if (f->kind == VGA_FRAME_TEXT) {
		width = f->width * f->char_width;
		height = f->height * f->char_height;
	} else if (f->kind == VGA_FRAME_GRAPHICS) {
		width = f->width;
		height = f->height;
	} else {
		/* Screen off: nothing to upload; the window goes black at the
		 * raster's size when it is known. */
		if (f->display_width && f->display_height &&
		    f->display_width <= WINDOW_MAX_PIXELS && f->display_height <= WINDOW_MAX_PIXELS) {
			w->disp_w = f->display_width;
			w->disp_h = f->display_height;
		}
		if (w->tex) {
			SDL_DestroyTexture(w->tex);
			w->tex = NULL;
			w->tex_w = w->tex_h = 0;
		}
		return;
	}
	if (!width || !height) {
		/* A CRTC programmed to show nothing: black. */
		if (w->tex) {
			SDL_DestroyTexture(w->tex);
			w->tex = NULL;
			w->tex_w = w->tex_h = 0;
		}
		return;
	}
	/* The raster the picture stands for (the placeholder too); a frame
	 * that does not say gets its own size. */
	unsigned dw = f->display_width, dh = f->display_height;
	if (!dw || !dh || dw > WINDOW_MAX_PIXELS || dh > WINDOW_MAX_PIXELS) {
		dw = width;
		dh = height;
	}
	w->disp_w = dw;
	w->disp_h = dh;

	if (width > w->max_w || height > w->max_h) {
		show_placeholder(w, width, height, "larger than the window's renderer supports");
		return;
	}

	if (!ensure_texture(w, width, height)) {
		show_placeholder(w, width, height, SDL_GetError());
		return;
	}
	if (f->kind == VGA_FRAME_GRAPHICS && f->format == VGA_PIXEL_XRGB32) {
		/* Already the texture's format: no copy of our own. */
		SDL_UpdateTexture(w->tex, NULL, f->pixels, (int)f->stride);
		return;
	}
	if (!ensure_pixels(w, (size_t)width * height)) {
		show_placeholder(w, width, height, "out of memory");
		return;
	}
	if (f->kind == VGA_FRAME_TEXT) {
		vga_text_render(f, w->pixels, width);
	} else {
		for (unsigned y = 0; y < height; y++) {
			const uint8_t *row = (const uint8_t *)f->pixels + (size_t)y * f->stride;
			uint32_t *out = w->pixels + (size_t)y * width;
			for (unsigned x = 0; x < width; x++)
				out[x] = f->palette[row[x]];
		}
	}
	SDL_UpdateTexture(w->tex, NULL, w->pixels, (int)(width * sizeof(uint32_t)));
}

/* Where the picture goes in an out_w x out_h window. */
static SDL_Rect picture_rect(const struct window *w, int out_w, int out_h)
{
	double dw = w->disp_w ? w->disp_w : 640, dh = w->disp_h ? w->disp_h : 400;
	double scale = out_w / dw < out_h / dh ? out_w / dw : out_h / dh;
	/* Whole multiples only, unless the window is smaller than the raster
	 * itself (then the picture shrinks to fit after all). */
	if (w->integer_scale && scale >= 1)
		scale = (int)scale;
	SDL_Rect r;
	r.w = (int)(dw * scale + 0.5);
	r.h = (int)(dh * scale + 0.5);
	if (r.w < 1)
		r.w = 1;
	if (r.h < 1)
		r.h = 1;
	r.x = (out_w - r.w) / 2;
	r.y = (out_h - r.h) / 2;
	return r;
}

/* A mode the window cannot show: a dark grey field with a red cross, so it
 * cannot be mistaken for a black guest screen. */
static void draw_placeholder(struct window *w, const SDL_Rect *r)
{
	SDL_SetRenderDrawColor(w->ren, 64, 64, 64, 255);
	SDL_RenderFillRect(w->ren, r);
	SDL_SetRenderDrawColor(w->ren, 200, 32, 32, 255);
	for (int t = -2; t <= 2; t++) {
		SDL_RenderDrawLine(w->ren, r->x + t, r->y, r->x + r->w - 1 + t, r->y + r->h - 1);
		SDL_RenderDrawLine(w->ren, r->x + r->w - 1 + t, r->y, r->x + t, r->y + r->h - 1);
	}
}

void window_render_present(struct window *w)
{
	int out_w, out_h;
	if (SDL_GetRendererOutputSize(w->ren, &out_w, &out_h) < 0 || out_w <= 0 || out_h <= 0)
		return;
	SDL_SetRenderDrawColor(w->ren, 0, 0, 0, 255);
	SDL_RenderClear(w->ren);
	SDL_Rect r = picture_rect(w, out_w, out_h);
	if (w->placeholder) {
		draw_placeholder(w, &r);
	} else if (w->tex) {
		/* Nearest-neighbour when every texel becomes a whole number of
		 * window pixels (crisp), linear filtering otherwise (even). */
		bool whole = r.w % (int)w->tex_w == 0 && r.h % (int)w->tex_h == 0;
		SDL_SetTextureScaleMode(w->tex, whole ? SDL_ScaleModeNearest : SDL_ScaleModeLinear);
		SDL_RenderCopy(w->ren, w->tex, NULL, &r);
	}
	SDL_RenderPresent(w->ren);
}

void window_render_fit_size(struct window *w, int *width, int *height)
{
	int dw = w->disp_w ? (int)w->disp_w : 640, dh = w->disp_h ? (int)w->disp_h : 400;
	int k = 1;
	while (dw * k < WINDOW_MIN_WIDTH && k < 4)
		k++;
	int ww = dw * k, wh = dh * k;
	/* Not larger than the desktop: shrink, keeping the shape. */
	SDL_Rect usable;
	int d = SDL_GetWindowDisplayIndex(w->win);
	if (d >= 0 && SDL_GetDisplayUsableBounds(d, &usable) == 0 && usable.w > 0 && usable.h > 0) {
		double s = 1;
		if (ww > usable.w)
			s = (double)usable.w / ww;
		if (wh * s > usable.h)
			s = (double)usable.h / wh;
		ww = (int)(ww * s);
		wh = (int)(wh * s);
	}
	*width = ww > 0 ? ww : 1;
	*height = wh > 0 ? wh : 1;
}

void window_render_free(struct window *w)
{
	if (w->tex)
		SDL_DestroyTexture(w->tex);
	w->tex = NULL;
	free(w->pixels);
	w->pixels = NULL;
	w->pixels_cap = 0;
}
