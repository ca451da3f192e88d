/* psf_font.c: build-time tool that turns Linux console fonts (PSF1/PSF2,
 * gzipped or not) into the BIOS's character generator: 256 glyphs in the
 * order of code page 437, the character set of a PC's VGA, written as a
 * nasm include.
 *
 *   psf_font OUT.inc HEIGHT FONT.psf.gz [MORE.psf.gz ...]
 *
 * Console fonts are indexed by their own glyph numbers and carry a table
 * from Unicode to glyphs; a VGA font is indexed by byte value. So each of
 * the 256 code points is looked up by its Unicode value in the fonts in the
 * order given (the first font that has it wins, the others fill its gaps),
 * with a few look-alike fallbacks for the triangles no console font names.
 * A glyph found nowhere stays blank and is reported on stderr. Only fonts
 * 8 dots wide and HEIGHT lines high are used.
 *
 * The BIOS is built from this output, so it never carries a hand-copied
 * font: the glyphs come from Debian's console-setup fonts at build time.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Code page 437: byte value -> Unicode, with the graphic characters a VGA
 * shows for the control codes 0x01-0x1F and 0x7F. */
static const uint16_t cp437[256] = {
	0x0000, 0x263A, 0x263B, 0x2665, 0x2666, 0x2663, 0x2660, 0x2022,
	0x25D8, 0x25CB, 0x25D9, 0x2642, 0x2640, 0x266A, 0x266B, 0x263C,
	0x25BA, 0x25C4, 0x2195, 0x203C, 0x00B6, 0x00A7, 0x25AC, 0x21A8,
	0x2191, 0x2193, 0x2192, 0x2190, 0x221F, 0x2194, 0x25B2, 0x25BC,
	0x0020, 0x0021, 0x0022, 0x0023, 0x0024, 0x0025, 0x0026, 0x0027,
	0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,
	0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
	0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F,
	0x0040, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
	0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F,
	0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
	0x0058, 0x0059, 0x005A, 0x005B, 0x005C, 0x005D, 0x005E, 0x005F,
	0x0060, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,
	0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F,
	0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
	0x0078, 0x0079, 0x007A, 0x007B, 0x007C, 0x007D, 0x007E, 0x2302,
	0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7,
	0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,
	0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9,
	0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192,
	0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA,
	0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
	0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
	0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510,
	0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F,
	0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567,
	0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B,
	0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
	0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4,
	0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6, 0x03B5, 0x2229,
	0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248,
	0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
};

/* Look-alikes for code points console fonts tend not to name: the
 * pointers of 0x10/0x11 are drawn as the black triangles. */
static const uint16_t fallback[][3] = {
	{0x25BA, 0x25B6, 0x25B8},
	{0x25C4, 0x25C0, 0x25C2},
};

#define MAX_GLYPHS 4096
#define MAX_FONT_BYTES (4u << 20)

struct font {
	unsigned count, height, bytes_per_glyph;
	const uint8_t *glyphs;
	int32_t *map; /* Unicode (BMP) -> glyph, or -1 */
	uint8_t *data;
};

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Decodes one UTF-8 sequence of a PSF2 table; returns its length, 0 at a
 * malformed byte. */
static unsigned utf8_decode(const uint8_t *p, const uint8_t *end, uint32_t *cp)
{
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	unsigned n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 0;
	if (!n || p + n > end)
		return 0;
	uint32_t v = p[0] & (0x7F >> n);
	for (unsigned i = 1; i < n; i++)
		v = v << 6 | (p[i] & 0x3F);
	*cp = v;
	return n;
}

static void map_add(struct font *f, uint32_t cp, unsigned glyph)
{
	if (cp < 0x10000 && f->map[cp] < 0)
		f->map[cp] = (int32_t)glyph;
}

/* Reads a PSF1 or PSF2 font with its Unicode table. Returns 0 or -1. */
static int font_load(const char *path, struct font *f)
{
	gzFile gz = gzopen(path, "rb");
	if (!gz) {
		fprintf(stderr, "psf_font: %s: cannot open\n", path);
		return -1;
	}
	f->data = malloc(MAX_FONT_BYTES);
	f->map = malloc(0x10000 * sizeof(*f->map));
	if (!f->data || !f->map) {
		gzclose(gz);
		fprintf(stderr, "psf_font: out of memory\n");
		return -1;
	}
	int n = gzread(gz, f->data, MAX_FONT_BYTES);
	gzclose(gz);
	if (n < 4) {
		fprintf(stderr, "psf_font: %s: not a PSF font\n", path);
		return -1;
	}
	for (unsigned i = 0; i < 0x10000; i++)
		f->map[i] = -1;
	const uint8_t *d = f->data, *end = d + n;
	const uint8_t *table;
	if (d[0] == 0x36 && d[1] == 0x04) { /* PSF1: mode, height */
		f->count = (d[2] & 1) ? 512 : 256;
		f->height = f->bytes_per_glyph = d[3];
		f->glyphs = d + 4;
		table = (d[2] & 2) ? f->glyphs + (size_t)f->count * f->height : NULL;
		if (f->glyphs + (size_t)f->count * f->height > end) {
			fprintf(stderr, "psf_font: %s: truncated\n", path);
			return -1;
		}
		if (!table) {
			for (unsigned g = 0; g < f->count && g < 256; g++)
				map_add(f, g, g);
			return 0;
		}
		/* 16-bit entries per glyph, 0xFFFE starts sequences (skipped),
		 * 0xFFFF ends the glyph. */
		unsigned g = 0;
		bool in_seq = false;
		for (const uint8_t *p = table; p + 2 <= end && g < f->count; p += 2) {
			unsigned u = p[0] | p[1] << 8;
			if (u == 0xFFFF) {
				g++;
				in_seq = false;
			} else if (u == 0xFFFE) {
				in_seq = true;
			} else if (!in_seq) {
				map_add(f, u, g);
			}
		}
		return 0;
	}
	if (n >= 32 && le32(d) == 0x864AB572u) { /* PSF2 */
		uint32_t hdr = le32(d + 8), flags = le32(d + 12);
		f->count = le32(d + 16);
		f->bytes_per_glyph = le32(d + 20);
		f->height = le32(d + 24);
		uint32_t width = le32(d + 28);
		if (width != 8 || f->count > MAX_GLYPHS || f->bytes_per_glyph != f->height ||
		    hdr > (uint32_t)n || (uint64_t)f->count * f->bytes_per_glyph > (uint64_t)(n - hdr)) {
			fprintf(stderr, "psf_font: %s: unsupported or truncated PSF2 font\n", path);
			return -1;
		}
		f->glyphs = d + hdr;
		table = f->glyphs + (size_t)f->count * f->bytes_per_glyph;
		if (!(flags & 1)) {
			for (unsigned g = 0; g < f->count && g < 256; g++)
				map_add(f, g, g);
			return 0;
		}
		unsigned g = 0;
		bool in_seq = false;
		for (const uint8_t *p = table; p < end && g < f->count;) {
			if (*p == 0xFF) {
				g++;
				in_seq = false;
				p++;
			} else if (*p == 0xFE) {
				in_seq = true;
				p++;
			} else {
				uint32_t cp;
				unsigned len = utf8_decode(p, end, &cp);
				if (!len)
					break;
				if (!in_seq)
					map_add(f, cp, g);
				p += len;
			}
		}
		return 0;
	}
	fprintf(stderr, "psf_font: %s: not a PSF font\n", path);
	return -1;
}

/* The glyph for `cp` from the first font that has it, or NULL. */
static const uint8_t *font_find(struct font *fonts, int nfonts, uint32_t cp)
{
	for (int i = 0; i < nfonts; i++)
		if (fonts[i].map[cp] >= 0)
			return fonts[i].glyphs + (size_t)fonts[i].map[cp] * fonts[i].bytes_per_glyph;
	return NULL;
}

static void font_free(struct font *f)
{
	free(f->data);
	free(f->map);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: psf_font OUT.inc HEIGHT FONT.psf.gz [MORE.psf.gz ...]\n");
		return 2;
	}
	unsigned height = (unsigned)atoi(argv[2]);
	if (height < 1 || height > 32) {
		fprintf(stderr, "psf_font: height %s out of range\n", argv[2]);
		return 2;
	}
	int nfonts = 0;
	struct font *fonts = calloc((size_t)argc, sizeof(*fonts));
	if (!fonts)
		return 2;
	for (int i = 3; i < argc; i++) {
		struct font f = {0};
		if (font_load(argv[i], &f) < 0) {
			font_free(&f);
			return 2;
		}
		if (f.height != height) {
			fprintf(stderr, "psf_font: %s: %u lines high, not %u: skipped\n", argv[i],
				f.height, height);
			font_free(&f);
			continue;
		}
		fonts[nfonts++] = f;
	}
	if (!nfonts) {
		fprintf(stderr, "psf_font: no font %u lines high\n", height);
		return 2;
	}

	FILE *out = fopen(argv[1], "w");
	if (!out) {
		fprintf(stderr, "psf_font: %s: cannot write\n", argv[1]);
		return 2;
	}
	fprintf(out, "; Generated by psf_font from %s (code page 437, 8x%u): do not edit.\n",
		argv[3], height);
	unsigned missing = 0;
	for (unsigned c = 0; c < 256; c++) {
		const uint8_t *g = c ? font_find(fonts, nfonts, cp437[c]) : NULL;
		for (size_t k = 0; !g && k < sizeof(fallback) / sizeof(fallback[0]); k++)
			if (fallback[k][0] == cp437[c])
				for (int j = 1; j < 3 && !g; j++)
					g = font_find(fonts, nfonts, fallback[k][j]);
		if (!g && c) {
			fprintf(stderr, "psf_font: no glyph for 0x%02X (U+%04X): left blank\n", c,
				cp437[c]);
			missing++;
		}
		fprintf(out, "\tdb ");
		for (unsigned r = 0; r < height; r++)
			fprintf(out, "0x%02X%s", g ? g[r] : 0, r + 1 < height ? "," : "");
		fprintf(out, "\t; 0x%02X\n", c);
	}
	for (int i = 0; i < nfonts; i++)
		font_free(&fonts[i]);
	free(fonts);
	if (fclose(out) != 0) {
		fprintf(stderr, "psf_font: %s: write error\n", argv[1]);
		return 2;
	}
	return missing > 16 ? 1 : 0;
}
