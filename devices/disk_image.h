/* disk_image.h: a raw disk image file on the host, as the disk controllers
 * see it: an array of 512-byte sectors.
 *
 * Opening checks everything a user can get wrong (a missing file, a
 * directory, an empty file, a size that is not a whole number of sectors, an
 * image another popek is using) before anything is written, so a refused
 * image is never touched. The file is locked while open: exclusively when
 * guest writes go to it, shared otherwise (read-only files, --snapshot, CD
 * images), so two popeks never write one image, and a reader never sees a
 * writer's half-finished work.
 *
 * Guest writes reach the file with pwrite at the sector's offset; a flush is
 * fsync. In snapshot mode the file is opened read-only and writes go to an
 * in-memory overlay of modified sectors, which reads consult first.
 */
#ifndef POPEK_DEVICES_DISK_IMAGE_H
#define POPEK_DEVICES_DISK_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DISK_SECTOR_SIZE 512

/* Open flags. */
#define DISK_IMAGE_SNAPSHOT 1u  /* writes go to memory, never to the file */
#define DISK_IMAGE_READ_ONLY 2u /* the medium is read-only (a CD image) */

/* One modified sector of a snapshot overlay; data NULL marks a free slot. */
struct disk_overlay_slot {
	uint64_t sector;
	uint8_t *data;
};

struct disk_image {
	bool open;
	bool write_protected; /* the guest may not write (file without write permission, CD) */
	bool snapshot;
	bool dirty; /* written since the last flush */
	int fd;
	uint64_t sectors; /* the file size in 512-byte sectors */
	/* Snapshot overlay: open addressing, linear probing, at most half full. */
	struct disk_overlay_slot *overlay;
	size_t overlay_cap; /* a power of two, or 0 */
	size_t overlay_used;
};

/* Opens `path` as an image. `what` names the image in messages (the option,
 * e.g. "--hda"). Returns 0, or -1 with a one-line reason in err (without the
 * "popek: " prefix); the file is not modified either way. A file without
 * write permission (no write bit in its mode, or not openable for writing)
 * is opened write-protected: check `write_protected` to warn the user. */
int disk_image_open(struct disk_image *d, const char *path, const char *what, unsigned flags,
		    char *err, size_t errlen);

/* Reads `count` sectors from `sector` on. Returns 0, or -1 (out of range,
 * host I/O error). */
int disk_image_read(struct disk_image *d, uint64_t sector, uint32_t count, void *buf);

/* Writes `count` sectors at `sector`. Returns 0, or -1 (write-protected, out
 * of range, host I/O error or, in snapshot mode, out of memory). */
int disk_image_write(struct disk_image *d, uint64_t sector, uint32_t count, const void *buf);

/* Makes every write so far durable (fsync). Returns 0 or -1. */
int disk_image_flush(struct disk_image *d);

/* Flushes, unlocks and closes; frees the overlay. Safe on a zeroed struct
 * and on an image already closed. Returns 0, or -1 when the final flush
 * failed. */
int disk_image_close(struct disk_image *d);

#endif
