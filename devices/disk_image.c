/* disk_image.c: raw disk image files (see disk_image.h).
 *
 * Everything that can refuse an image happens before the first write, and
 * nothing here ever truncates, extends or rewrites a file as a whole: the
 * only writes are the guest's sectors, in place, so an image refused or
 * opened in snapshot mode is byte-for-byte what it was.
 */
#include "devices/disk_image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define OVERLAY_MIN_CAP 64

/* Opens for writing when the file allows it. Returns the new descriptor,
 * -2 when the file may not be written (the guest then sees a write-protected
 * disk), or -1 on another error (errno set). The new descriptor must name
 * the file already open as `ro_fd`, or the path changed under us. */
static int open_for_writing(const char *path, int ro_fd)
{
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return (errno == EACCES || errno == EROFS || errno == EPERM) ? -2 : -1;
	struct stat a, b;
	if (fstat(fd, &a) < 0 || fstat(ro_fd, &b) < 0 || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

int disk_image_open(struct disk_image *d, const char *path, const char *what, unsigned flags,
		    char *err, size_t errlen)
{
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused
	 * below as not a regular file. Regular files ignore the flag. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s %s: is a directory, not a disk image", what, path);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s %s: is not a regular file", what, path);
		goto fail;
	}
	if (st.st_size == 0) {
		snprintf(err, errlen, "%s %s: is empty", what, path);
		goto fail;
	}
	if (st.st_size % DISK_SECTOR_SIZE) {
		snprintf(err, errlen,
			 "%s %s: size %lld bytes is not a multiple of %d (a whole number of "
			 "sectors)",
			 what, path, (long long)st.st_size, DISK_SECTOR_SIZE);
		goto fail;
	}

	d->snapshot = flags & DISK_IMAGE_SNAPSHOT;
	d->write_protected = flags & DISK_IMAGE_READ_ONLY;
	bool writes_to_file = !d->snapshot && !d->write_protected;
	if (writes_to_file) {
		/* A file without any write bit is taken as the user's "do not
		 * write", even for root, who could open it for writing anyway. */
		int wfd = (st.st_mode & 0222) ? open_for_writing(path, fd) : -2;
		if (wfd == -1) {
			snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
			goto fail;
		}
		if (wfd == -2) {
			d->write_protected = true;
			writes_to_file = false;
		} else {
			close(fd);
			fd = wfd;
		}
	}
	/* An exclusive lock for the one popek that writes, shared for readers.
	 * Only a conflict refuses the image; a file system without locks is
	 * used unlocked. */
	if (flock(fd, (writes_to_file ? LOCK_EX : LOCK_SH) | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
		snprintf(err, errlen, "%s %s is in use by another popek", what, path);
		goto fail;
	}
	d->fd = fd;
	d->sectors = (uint64_t)st.st_size / DISK_SECTOR_SIZE;
	d->open = true;
	return 0;
fail:
	close(fd);
	return -1;
}

static bool in_range(const struct disk_image *d, uint64_t sector, uint32_t count)
{
	return d->open && sector <= d->sectors && count <= d->sectors - sector;
}

/* Overlay lookup: the slot holding `sector`, or the free slot where it
 * would go. The table is never full (at most half), so the probe ends. */
static struct disk_overlay_slot *overlay_slot(const struct disk_image *d, uint64_t sector)
{
	size_t mask = d->overlay_cap - 1;
	/* A multiplicative hash spreads runs of neighbouring sectors. */
	size_t i = (size_t)((sector * 0x9E3779B97F4A7C15ull) >> 20) & mask;
	while (d->overlay[i].data && d->overlay[i].sector != sector)
		i = (i + 1) & mask;
	return &d->overlay[i];
}

static int overlay_grow(struct disk_image *d)
{
	size_t cap = d->overlay_cap ? d->overlay_cap * 2 : OVERLAY_MIN_CAP;
	struct disk_overlay_slot *old = d->overlay;
	size_t old_cap = d->overlay_cap;
	struct disk_overlay_slot *t = calloc(cap, sizeof(*t));
	if (!t)
		return -1;
	d->overlay = t;
	d->overlay_cap = cap;
	for (size_t i = 0; i < old_cap; i++) {
		if (old[i].data)
			*overlay_slot(d, old[i].sector) = old[i];
	}
	free(old);
	return 0;
}

static int overlay_write(struct disk_image *d, uint64_t sector, const uint8_t *src)
{
	if ((d->overlay_used + 1) * 2 > d->overlay_cap && overlay_grow(d) < 0)
		return -1;
	struct disk_overlay_slot *s = overlay_slot(d, sector);
	if (!s->data) {
		s->data = malloc(DISK_SECTOR_SIZE);
		if (!s->data)
			return -1;
		s->sector = sector;
		d->overlay_used++;
	}
	memcpy(s->data, src, DISK_SECTOR_SIZE);
	return 0;
}

int disk_image_read(struct disk_image *d, uint64_t sector, uint32_t count, void *buf)
{
	if (!in_range(d, sector, count))
		return -1;
	uint8_t *p = buf;
	size_t len = (size_t)count * DISK_SECTOR_SIZE;
	off_t off = (off_t)(sector * DISK_SECTOR_SIZE);
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(d->fd, p + done, len - done, off + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1; /* an I/O error, or the file shrank under us */
		done += (size_t)n;
	}
	if (d->overlay_used) {
		for (uint32_t i = 0; i < count; i++) {
			const struct disk_overlay_slot *s = overlay_slot(d, sector + i);
			if (s->data)
				memcpy(p + (size_t)i * DISK_SECTOR_SIZE, s->data, DISK_SECTOR_SIZE);
		}
	}
	return 0;
}

int disk_image_write(struct disk_image *d, uint64_t sector, uint32_t count, const void *buf)
{
	if (!in_range(d, sector, count) || d->write_protected)
		return -1;
	const uint8_t *p = buf;
	if (d->snapshot) {
		for (uint32_t i = 0; i < count; i++) {
			if (overlay_write(d, sector + i, p + (size_t)i * DISK_SECTOR_SIZE) < 0)
				return -1;
		}
		return 0;
	}
	size_t len = (size_t)count * DISK_SECTOR_SIZE;
	off_t off = (off_t)(sector * DISK_SECTOR_SIZE);
	size_t done = 0;
	d->dirty = true;
	while (done < len) {
		ssize_t n = pwrite(d->fd, p + done, len - done, off + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

int disk_image_flush(struct disk_image *d)
{
	if (!d->open || !d->dirty)
		return 0;
	if (fsync(d->fd) < 0)
		return -1;
	d->dirty = false;
	return 0;
}

int disk_image_close(struct disk_image *d)
{
	if (!d->open)
		return 0;
	int r = disk_image_flush(d);
	close(d->fd); /* also releases the lock */
	for (size_t i = 0; i < d->overlay_cap; i++)
		free(d->overlay[i].data);
	free(d->overlay);
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	return r;
}
