/* png_tool.c: checks PNG screenshots by their pixels, never their bytes
 * (libpng versions compress differently), for headless_test.sh.
 *
 *   png_tool same A.png B.png          same size and the same RGB pixels
 *   png_tool pixel FILE X Y RRGGBB     the pixel at (X, Y) has that colour
 *   png_tool size FILE                 prints WIDTHxHEIGHT
 *
 * Exit status 0 when the check holds, 1 when it does not (with a line
 * saying why), 2 on bad usage or an unreadable file. */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "picture.h"

/* The checks; main() frees the pictures whatever they answer. */
static int check(int argc, char **argv, struct picture *pa, struct picture *pb)
{
	if (argc == 4 && !strcmp(argv[1], "same")) {
		if (picture_load("png_tool", argv[2], pa) < 0 ||
		    picture_load("png_tool", argv[3], pb) < 0)
			return 2;
		if (pa->w != pb->w || pa->h != pb->h) {
			printf("size differs: %ux%u against %ux%u\n", pa->w, pa->h, pb->w, pb->h);
			return 1;
		}
		unsigned diffs = 0;
		for (unsigned y = 0; y < pa->h; y++)
			for (unsigned x = 0; x < pa->w; x++)
				if (picture_rgb_at(pa, x, y) != picture_rgb_at(pb, x, y) &&
				    diffs++ < 5)
					printf("pixel (%u, %u): %06lx against %06lx\n", x, y,
					       picture_rgb_at(pa, x, y), picture_rgb_at(pb, x, y));
		if (diffs) {
			printf("%u pixels differ\n", diffs);
			return 1;
		}
		return 0;
	}
	if (argc == 6 && !strcmp(argv[1], "pixel")) {
		if (picture_load("png_tool", argv[2], pa) < 0)
			return 2;
		unsigned x = (unsigned)strtoul(argv[3], NULL, 0);
		unsigned y = (unsigned)strtoul(argv[4], NULL, 0);
		unsigned long want = strtoul(argv[5], NULL, 16);
		if (x >= pa->w || y >= pa->h) {
			printf("(%u, %u) is outside the %ux%u image\n", x, y, pa->w, pa->h);
			return 1;
		}
		if (picture_rgb_at(pa, x, y) != want) {
			printf("pixel (%u, %u) is %06lx, not %06lx\n", x, y,
			       picture_rgb_at(pa, x, y), want);
			return 1;
		}
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "size")) {
		if (picture_load("png_tool", argv[2], pa) < 0)
			return 2;
		printf("%ux%u\n", pa->w, pa->h);
		return 0;
	}
	fprintf(stderr, "usage: png_tool same A B | pixel FILE X Y RRGGBB | size FILE\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct picture a = { 0 }, b = { 0 };
	int rc = check(argc, argv, &a, &b);
	free(a.rgb);
	free(b.rgb);
	return rc;
}
