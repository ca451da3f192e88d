/* ata_test_env.h: what the ATA and ATAPI tests share: a controller on a
 * fresh port bus with both IRQ lines watched (level and rising edges), image
 * files with a known pattern in a scratch directory, and port helpers. */
#ifndef POPEK_TESTS_ATA_TEST_ENV_H
#define POPEK_TESTS_ATA_TEST_ENV_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/ata.h"
#include "vmm/io_bus.h"

#define P 0x1F0            /* primary command block */
#define PC 0x3F6           /* primary control */
#define S 0x170            /* secondary command block */
#define SC 0x376           /* secondary control */
#define DISK_SECTORS 8192u /* 4 MiB: 8 cylinders of 16 x 63 */
#define CD_SECTORS 10u

struct fixture {
	struct io_bus bus;
	struct ata ata;
	int level[2];
	int rises[2];
	char dir[64];
	char hda[128];
	char cd[128];
	char err[256];
};

static inline void irq_sink(void *opaque, int pin, int level)
{
	struct fixture *f = opaque;
	if (level && !f->level[pin])
		f->rises[pin]++;
	f->level[pin] = level;
}

/* Byte i of 512-byte sector n of the disk, and of the CD (by its 512-byte
 * pieces, so the same function checks both). */
static inline uint8_t pat(uint64_t n, unsigned i)
{
	return (uint8_t)(n * 29 + i * 3 + (n >> 8) + (n >> 16) * 5);
}

static inline void make_image(const char *path, uint64_t sectors, bool fill)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)(sectors * 512)), 0);
	if (fill) {
		uint8_t buf[512];
		for (uint64_t n = 0; n < sectors; n++) {
			for (unsigned i = 0; i < 512; i++)
				buf[i] = pat(n, i);
			assert_int_equal(pwrite(fd, buf, 512, (off_t)(n * 512)), 512);
		}
	}
	close(fd);
}

static inline void file_sector(const char *path, uint64_t n, uint8_t *buf)
{
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, 512, (off_t)(n * 512)), 512);
	close(fd);
}

static inline void assert_pattern(const uint8_t *buf, uint64_t n)
{
	for (unsigned i = 0; i < 512; i++) {
		if (buf[i] != pat(n, i))
			fail_msg("sector %llu byte %u: %02x, expected %02x", (unsigned long long)n,
				 i, buf[i], pat(n, i));
	}
}

static inline uint8_t inb(struct fixture *f, uint16_t port)
{
	return (uint8_t)io_read(&f->bus, port, 1);
}

static inline uint16_t inw(struct fixture *f, uint16_t port)
{
	return (uint16_t)io_read(&f->bus, port, 2);
}

static inline void outb(struct fixture *f, uint16_t port, uint8_t v)
{
	io_write(&f->bus, port, v, 1);
}

static inline void outw(struct fixture *f, uint16_t port, uint16_t v)
{
	io_write(&f->bus, port, v, 2);
}

static inline int setup_common(void **state, bool disk, bool cd)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	snprintf(f->dir, sizeof(f->dir), "%s/popek-ata.XXXXXX",
		 tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->hda, sizeof(f->hda), "%s/hda.img", f->dir);
	snprintf(f->cd, sizeof(f->cd), "%s/cd.iso", f->dir);
	io_bus_init(&f->bus);
	struct irq_line l14 = { irq_sink, f, 0 }, l15 = { irq_sink, f, 1 };
	if (ata_init(&f->ata, &f->bus, l14, l15) < 0)
		return -1;
	if (disk) {
		make_image(f->hda, DISK_SECTORS, true);
		if (ata_attach_disk(&f->ata, 0, 0, f->hda, "--hda", false, f->err, sizeof(f->err)) <
		    0)
			return -1;
	}
	if (cd) {
		make_image(f->cd, CD_SECTORS * 4, true);
		if (ata_attach_cdrom(&f->ata, 1, 0, f->cd, "--cdrom", f->err, sizeof(f->err)) < 0)
			return -1;
	}
	*state = f;
	return 0;
}

static inline int setup_disk(void **state)
{
	return setup_common(state, true, false);
}

static inline int setup_cd(void **state)
{
	return setup_common(state, false, true);
}

static inline int setup_both(void **state)
{
	return setup_common(state, true, true);
}

static inline int setup_none(void **state)
{
	return setup_common(state, false, false);
}

static inline int teardown(void **state)
{
	struct fixture *f = *state;
	ata_free(&f->ata);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "chmod -R u+w '%s'; rm -rf '%s'", f->dir, f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static inline void read_words(struct fixture *f, uint16_t base, uint8_t *buf, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i += 2) {
		uint16_t w = inw(f, base);
		buf[i] = (uint8_t)w;
		buf[i + 1] = (uint8_t)(w >> 8);
	}
}

static inline void write_words(struct fixture *f, uint16_t base, const uint8_t *buf, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i += 2)
		outw(f, base, (uint16_t)(buf[i] | buf[i + 1] << 8));
}

/* An identify string: two characters a word, first in the high byte. */
static inline void id_string(const uint16_t *w, unsigned words, char *out)
{
	for (unsigned i = 0; i < words; i++) {
		out[2 * i] = (char)(w[i] >> 8);
		out[2 * i + 1] = (char)w[i];
	}
	out[2 * words] = 0;
}

#endif
