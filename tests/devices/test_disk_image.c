/* test_disk_image.c: host image files: reads and writes reach the file at
 * the sector's offset, the snapshot overlay leaves the file byte-for-byte
 * unchanged, read-only files become write-protected disks, a locked image is
 * refused, and every bad image is refused without being touched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/disk_image.h"

struct fixture {
	char dir[64];
	char path[128];
	uint8_t *orig; /* the image as created */
	size_t size;
	char err[256];
};

/* Sector n, byte i of the test pattern. */
static uint8_t pattern(uint64_t n, unsigned i)
{
	return (uint8_t)(n * 13 + i * 7 + (n >> 8));
}

static void make_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* Reads the whole file; the caller frees it. */
static uint8_t *slurp(const char *path, size_t *len)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	uint8_t *b = malloc((size_t)st.st_size + 1);
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, b, (size_t)st.st_size), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return b;
}

static void assert_file_unchanged(struct fixture *f)
{
	size_t len;
	uint8_t *now = slurp(f->path, &len);
	assert_int_equal(len, f->size);
	assert_memory_equal(now, f->orig, len);
	free(now);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	snprintf(f->dir, sizeof(f->dir), "%s/popek-img.XXXXXX",
		 tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/disk.img", f->dir);
	f->size = 64 * DISK_SECTOR_SIZE;
	f->orig = malloc(f->size);
	for (size_t i = 0; i < f->size; i++)
		f->orig[i] = pattern(i / DISK_SECTOR_SIZE, i % DISK_SECTOR_SIZE);
	make_file(f->path, f->orig, f->size);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];
	chmod(f->path, 0644);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f->orig);
	free(f);
	return 0;
}

static void test_read_write_back(void **state)
{
	struct fixture *f = *state;
	struct disk_image d;
	assert_int_equal(disk_image_open(&d, f->path, "--hda", 0, f->err, sizeof(f->err)), 0);
	assert_int_equal(d.sectors, 64);
	assert_false(d.write_protected);

	uint8_t buf[3 * DISK_SECTOR_SIZE];
	assert_int_equal(disk_image_read(&d, 10, 3, buf), 0);
	assert_memory_equal(buf, f->orig + 10 * DISK_SECTOR_SIZE, sizeof(buf));

	uint8_t w[2 * DISK_SECTOR_SIZE];
	memset(w, 0xC3, sizeof(w));
	assert_int_equal(disk_image_write(&d, 62, 2, w), 0);
	assert_int_equal(disk_image_read(&d, 62, 2, buf), 0);
	assert_memory_equal(buf, w, sizeof(w));
	assert_int_equal(disk_image_flush(&d), 0);
	assert_int_equal(disk_image_close(&d), 0);

	/* The file holds the write at the sector's offset and nothing else
	 * changed. */
	memcpy(f->orig + 62 * DISK_SECTOR_SIZE, w, sizeof(w));
	assert_file_unchanged(f);
}

static void test_out_of_range(void **state)
{
	struct fixture *f = *state;
	struct disk_image d;
	uint8_t buf[2 * DISK_SECTOR_SIZE] = { 0 };
	assert_int_equal(disk_image_open(&d, f->path, "--hda", 0, f->err, sizeof(f->err)), 0);
	assert_int_equal(disk_image_read(&d, 63, 2, buf), -1);
	assert_int_equal(disk_image_read(&d, 64, 1, buf), -1);
	assert_int_equal(disk_image_read(&d, UINT64_MAX, 1, buf), -1);
	assert_int_equal(disk_image_write(&d, 63, 2, buf), -1);
	assert_int_equal(disk_image_write(&d, UINT64_MAX - 1, 2, buf), -1);
	assert_int_equal(disk_image_read(&d, 63, 1, buf), 0);
	disk_image_close(&d);
	/* The overlay checks the range too (it never reaches the file). */
	assert_int_equal(
		disk_image_open(&d, f->path, "--hda", DISK_IMAGE_SNAPSHOT, f->err, sizeof(f->err)),
		0);
	assert_int_equal(disk_image_write(&d, UINT64_MAX - 1, 2, buf), -1);
	assert_int_equal(disk_image_write(&d, 64, 1, buf), -1);
	assert_int_equal(d.overlay_used, 0);
	disk_image_close(&d);
	assert_file_unchanged(f);
}

static void test_snapshot_leaves_file(void **state)
{
	struct fixture *f = *state;
	struct disk_image d;
	assert_int_equal(
		disk_image_open(&d, f->path, "--hda", DISK_IMAGE_SNAPSHOT, f->err, sizeof(f->err)),
		0);
	assert_false(d.write_protected);
	/* Enough sectors to grow the overlay table several times. */
	uint8_t w[DISK_SECTOR_SIZE], r[4 * DISK_SECTOR_SIZE];
	for (unsigned n = 0; n < 64; n++) {
		memset(w, (int)(0x80 + n), sizeof(w));
		assert_int_equal(disk_image_write(&d, n, 1, w), 0);
	}
	for (unsigned n = 0; n < 64; n++) {
		assert_int_equal(disk_image_read(&d, n, 1, r), 0);
		memset(w, (int)(0x80 + n), sizeof(w));
		assert_memory_equal(r, w, sizeof(w));
	}
	/* A read across overlay sectors and a rewrite of one. */
	memset(w, 0x11, sizeof(w));
	assert_int_equal(disk_image_write(&d, 5, 1, w), 0);
	assert_int_equal(disk_image_read(&d, 4, 3, r), 0);
	assert_int_equal(r[0], 0x84);
	assert_int_equal(r[DISK_SECTOR_SIZE], 0x11);
	assert_int_equal(r[2 * DISK_SECTOR_SIZE], 0x86);
	assert_int_equal(disk_image_flush(&d), 0);
	assert_file_unchanged(f);
	assert_int_equal(disk_image_close(&d), 0);
	assert_file_unchanged(f);
}

static void test_read_only_file(void **state)
{
	struct fixture *f = *state;
	struct disk_image d;
	assert_int_equal(chmod(f->path, 0444), 0);
	assert_int_equal(disk_image_open(&d, f->path, "--hda", 0, f->err, sizeof(f->err)), 0);
	assert_true(d.write_protected);
	uint8_t buf[DISK_SECTOR_SIZE];
	memset(buf, 0, sizeof(buf));
	assert_int_equal(disk_image_write(&d, 0, 1, buf), -1);
	assert_int_equal(disk_image_read(&d, 0, 1, buf), 0);
	assert_memory_equal(buf, f->orig, sizeof(buf));
	disk_image_close(&d);
	assert_file_unchanged(f);

	/* In snapshot mode a read-only file takes writes (in memory). */
	assert_int_equal(
		disk_image_open(&d, f->path, "--hda", DISK_IMAGE_SNAPSHOT, f->err, sizeof(f->err)),
		0);
	assert_false(d.write_protected);
	assert_int_equal(disk_image_write(&d, 0, 1, buf), 0);
	disk_image_close(&d);
	assert_file_unchanged(f);

	/* A CD image is read-only whatever the file allows. */
	chmod(f->path, 0644);
	assert_int_equal(disk_image_open(&d, f->path, "--cdrom", DISK_IMAGE_READ_ONLY, f->err,
					 sizeof(f->err)),
			 0);
	assert_true(d.write_protected);
	assert_int_equal(disk_image_write(&d, 0, 1, buf), -1);
	disk_image_close(&d);
	assert_file_unchanged(f);
}

static void test_locking(void **state)
{
	struct fixture *f = *state;
	struct disk_image a, b;
	assert_int_equal(disk_image_open(&a, f->path, "--hda", 0, f->err, sizeof(f->err)), 0);
	assert_int_equal(disk_image_open(&b, f->path, "--hdb", 0, f->err, sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "is in use by another popek"));
	assert_non_null(strstr(f->err, "--hdb"));
	/* A reader (snapshot) may not share it with a writer either. */
	assert_int_equal(
		disk_image_open(&b, f->path, "--hdb", DISK_IMAGE_SNAPSHOT, f->err, sizeof(f->err)),
		-1);
	assert_false(b.open);
	disk_image_close(&a);
	/* Closed: free again. Readers share. */
	assert_int_equal(
		disk_image_open(&a, f->path, "--hda", DISK_IMAGE_SNAPSHOT, f->err, sizeof(f->err)),
		0);
	assert_int_equal(disk_image_open(&b, f->path, "--cdrom", DISK_IMAGE_READ_ONLY, f->err,
					 sizeof(f->err)),
			 0);
	struct disk_image c;
	assert_int_equal(disk_image_open(&c, f->path, "--hda", 0, f->err, sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "is in use by another popek"));
	disk_image_close(&a);
	disk_image_close(&b);
	assert_int_equal(disk_image_open(&c, f->path, "--hda", 0, f->err, sizeof(f->err)), 0);
	disk_image_close(&c);
	assert_file_unchanged(f);
}

/* Each bad image is refused with a one-line reason naming the option and
 * the file, and left as it was. */
static void expect_refused(struct fixture *f, const char *path, const char *reason)
{
	struct disk_image d;
	f->err[0] = 0;
	assert_int_equal(disk_image_open(&d, path, "--hda", 0, f->err, sizeof(f->err)), -1);
	assert_false(d.open);
	assert_non_null(strstr(f->err, "--hda"));
	assert_non_null(strstr(f->err, path));
	assert_non_null(strstr(f->err, reason));
	assert_null(strchr(f->err, '\n'));
}

static void test_bad_images(void **state)
{
	struct fixture *f = *state;
	char path[160];

	snprintf(path, sizeof(path), "%s/missing.img", f->dir);
	expect_refused(f, path, "No such file");

	expect_refused(f, f->dir, "is a directory");

	snprintf(path, sizeof(path), "%s/empty.img", f->dir);
	make_file(path, "", 0);
	expect_refused(f, path, "is empty");

	snprintf(path, sizeof(path), "%s/odd.img", f->dir);
	make_file(path, f->orig, 1000);
	struct stat before, after;
	assert_int_equal(stat(path, &before), 0);
	expect_refused(f, path, "not a multiple of 512");
	assert_int_equal(stat(path, &after), 0);
	assert_int_equal(after.st_size, 1000);
	assert_int_equal(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	assert_int_equal(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
	size_t len;
	uint8_t *now = slurp(path, &len);
	assert_memory_equal(now, f->orig, 1000);
	free(now);

	snprintf(path, sizeof(path), "%s/fifo", f->dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	expect_refused(f, path, "not a regular file");

	/* Nothing was locked by the refusals: the good image still opens. */
	struct disk_image d;
	assert_int_equal(disk_image_open(&d, f->path, "--hda", 0, f->err, sizeof(f->err)), 0);
	disk_image_close(&d);
}

static void test_close_is_idempotent(void **state)
{
	struct disk_image d;
	memset(&d, 0, sizeof(d));
	assert_int_equal(disk_image_close(&d), 0);
	assert_int_equal(disk_image_flush(&d), 0);
	uint8_t buf[DISK_SECTOR_SIZE];
	assert_int_equal(disk_image_read(&d, 0, 1, buf), -1);
	assert_int_equal(disk_image_write(&d, 0, 1, buf), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_write_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_leaves_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_locking, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_images, setup, teardown),
		cmocka_unit_test(test_close_is_idempotent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
