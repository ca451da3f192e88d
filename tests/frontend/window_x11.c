/* window_x11.c: what window_test.sh needs from the X server that xdotool
 * does not give: the real window's pixels as the server has them, and the
 * close button a window manager would press.
 *
 *   window_x11 shot WID OUT.png        the window's contents (XGetImage) as
 *                                      an RGB PNG
 *   window_x11 close WID               WM_DELETE_WINDOW to the window, as a
 *                                      window manager sends for its close
 *                                      button
 *   window_x11 compare SHOT.png EXPECT.png X Y SCALE
 *                                      the picture EXPECT, every pixel made a
 *                                      SCALE x SCALE square, is in SHOT at
 *                                      (X, Y), and every other pixel of SHOT
 *                                      is black (the letterbox)
 *   window_x11 pixel SHOT.png X Y      prints the pixel at (X, Y) as RRGGBB
 *
 * Exit status 0 when it worked or the check holds, 1 when a check does not
 * (with lines saying where), 2 on bad usage or an X or file error. */
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "picture.h"

/* The shift that brings a colour mask's top bit to bit 7. */
static int mask_shift(unsigned long mask)
{
	int top = 31;
	while (top >= 0 && !(mask & (1ul << top)))
		top--;
	return top - 7;
}

static unsigned char channel(unsigned long pixel, unsigned long mask)
{
	int s = mask_shift(mask);
	unsigned long v = pixel & mask;
	return (unsigned char)(s >= 0 ? v >> s : v << -s);
}

static int shot(Display *d, Window win, const char *out)
{
	XWindowAttributes attr;
	if (!XGetWindowAttributes(d, win, &attr)) {
		fprintf(stderr, "window_x11: no window 0x%lx\n", win);
		return 2;
	}
	XImage *img = XGetImage(d, win, 0, 0, (unsigned)attr.width, (unsigned)attr.height,
				AllPlanes, ZPixmap);
	if (!img) {
		fprintf(stderr, "window_x11: XGetImage failed\n");
		return 2;
	}
	struct picture p = { (unsigned)attr.width, (unsigned)attr.height, NULL };
	p.rgb = malloc((size_t)p.w * p.h * 3);
	if (!p.rgb)
		return 2;
	for (unsigned y = 0; y < p.h; y++) {
		for (unsigned x = 0; x < p.w; x++) {
			unsigned long px = XGetPixel(img, (int)x, (int)y);
			unsigned char *c = p.rgb + ((size_t)y * p.w + x) * 3;
			c[0] = channel(px, img->red_mask);
			c[1] = channel(px, img->green_mask);
			c[2] = channel(px, img->blue_mask);
		}
	}
	XDestroyImage(img);
	png_image pi;
	memset(&pi, 0, sizeof(pi));
	pi.version = PNG_IMAGE_VERSION;
	pi.width = p.w;
	pi.height = p.h;
	pi.format = PNG_FORMAT_RGB;
	if (!png_image_write_to_file(&pi, out, 0, p.rgb, 0, NULL)) {
		fprintf(stderr, "window_x11: %s: %s\n", out, pi.message);
		free(p.rgb);
		return 2;
	}
	free(p.rgb);
	return 0;
}

static int close_window(Display *d, Window win)
{
	XEvent ev;
	memset(&ev, 0, sizeof(ev));
	ev.xclient.type = ClientMessage;
	ev.xclient.window = win;
	ev.xclient.message_type = XInternAtom(d, "WM_PROTOCOLS", False);
	ev.xclient.format = 32;
	ev.xclient.data.l[0] = (long)XInternAtom(d, "WM_DELETE_WINDOW", False);
	ev.xclient.data.l[1] = CurrentTime;
	if (!XSendEvent(d, win, False, NoEventMask, &ev)) {
		fprintf(stderr, "window_x11: cannot send to window 0x%lx\n", win);
		return 2;
	}
	XSync(d, False);
	return 0;
}

/* Compares the window shot `s` with the expected picture `e` scaled by
 * `scale` at (ox, oy), black around it. */
static int compare_pictures(const struct picture *sp, const struct picture *ep, unsigned ox,
			    unsigned oy, unsigned scale)
{
	const struct picture s = *sp, e = *ep;
	if (!scale || ox + e.w * scale > s.w || oy + e.h * scale > s.h) {
		printf("%ux%u scaled by %u at (%u, %u) does not fit the %ux%u window\n", e.w, e.h,
		       scale, ox, oy, s.w, s.h);
		return 1;
	}
	unsigned long diffs = 0;
	for (unsigned y = 0; y < s.h; y++) {
		for (unsigned x = 0; x < s.w; x++) {
			unsigned long want = 0;
			if (x >= ox && y >= oy && x < ox + e.w * scale && y < oy + e.h * scale)
				want = picture_rgb_at(&e, (x - ox) / scale, (y - oy) / scale);
			unsigned long got = picture_rgb_at(&s, x, y);
			if (got != want && diffs++ < 5)
				printf("window pixel (%u, %u) is %06lx, not %06lx\n", x, y, got,
				       want);
		}
	}
	if (diffs) {
		printf("%lu pixels differ\n", diffs);
		return 1;
	}
	return 0;
}

static int compare(const char *shot_path, const char *want_path, unsigned ox, unsigned oy,
		   unsigned scale)
{
	struct picture s = { 0 }, e = { 0 };
	int rc = 2;
	if (picture_load("window_x11", shot_path, &s) == 0 &&
	    picture_load("window_x11", want_path, &e) == 0)
		rc = compare_pictures(&s, &e, ox, oy, scale);
	free(s.rgb);
	free(e.rgb);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 7 && !strcmp(argv[1], "compare"))
		return compare(argv[2], argv[3], (unsigned)strtoul(argv[4], NULL, 0),
			       (unsigned)strtoul(argv[5], NULL, 0),
			       (unsigned)strtoul(argv[6], NULL, 0));
	if (argc == 5 && !strcmp(argv[1], "pixel")) {
		struct picture p;
		if (picture_load("window_x11", argv[2], &p) < 0)
			return 2;
		unsigned x = (unsigned)strtoul(argv[3], NULL, 0),
			 y = (unsigned)strtoul(argv[4], NULL, 0);
		int rc = 2;
		if (x < p.w && y < p.h) {
			printf("%06lx\n", picture_rgb_at(&p, x, y));
			rc = 0;
		}
		free(p.rgb);
		return rc;
	}
	int is_shot = argc == 4 && !strcmp(argv[1], "shot");
	int is_close = argc == 3 && !strcmp(argv[1], "close");
	if (!is_shot && !is_close) {
		fprintf(stderr, "usage: window_x11 shot WID OUT.png | close WID | "
				"compare SHOT.png EXPECT.png X Y SCALE | pixel SHOT.png X Y\n");
		return 2;
	}
	Display *d = XOpenDisplay(NULL);
	if (!d) {
		fprintf(stderr, "window_x11: cannot open the display\n");
		return 2;
	}
	Window win = (Window)strtoul(argv[2], NULL, 0);
	int r = is_shot ? shot(d, win, argv[3]) : close_window(d, win);
	XCloseDisplay(d);
	return r;
}
