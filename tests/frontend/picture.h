/* picture.h: PNG files read as plain RGB pixels, for the test tools that
 * check screenshots by their pixels, never their bytes (libpng versions
 * compress differently): png_tool.c and window_x11.c. */
#ifndef POPEK_TESTS_PICTURE_H
#define POPEK_TESTS_PICTURE_H

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct picture {
	unsigned w, h;
	unsigned char *rgb; /* w * h * 3; the caller frees it */
};

/* Reads `path` into `p`. Returns 0, or -1 after a line on stderr starting
 * with `tool` (p->rgb is then NULL). */
static inline int picture_load(const char *tool, const char *path, struct picture *p)
{
	png_image img;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	p->rgb = NULL;
	if (!png_image_begin_read_from_file(&img, path)) {
		fprintf(stderr, "%s: %s: %s\n", tool, path, img.message);
		return -1;
	}
	img.format = PNG_FORMAT_RGB;
	p->w = img.width;
	p->h = img.height;
	p->rgb = malloc(PNG_IMAGE_SIZE(img));
	if (!p->rgb || !png_image_finish_read(&img, NULL, p->rgb, 0, NULL)) {
		fprintf(stderr, "%s: %s: %s\n", tool, path, p->rgb ? img.message : "out of memory");
		png_image_free(&img);
		free(p->rgb);
		p->rgb = NULL;
		return -1;
	}
	return 0;
}

/* The pixel at (x, y) as 0xRRGGBB. */
static inline unsigned long picture_rgb_at(const struct picture *p, unsigned x, unsigned y)
{
	const unsigned char *c = p->rgb + ((size_t)y * p->w + x) * 3;
	return (unsigned long)c[0] << 16 | (unsigned long)c[1] << 8 | c[2];
}

#endif
