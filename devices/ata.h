/* ata.h: the two legacy ATA/IDE channels of a PC, with hard disks and an
 * ATAPI CD-ROM drive.
 *
 *   primary    0x1F0-0x1F7 + 0x3F6, IRQ 14: --hda (master), --hdb (slave)
 *   secondary  0x170-0x177 + 0x376, IRQ 15: the CD-ROM drive (master)
 *
 * Each channel has a command block (data, error/features, sector count, LBA
 * low/mid/high, device/head, status/command) and a control block (alternate
 * status / device control). As on the cable, register writes reach both
 * devices of a channel; the DEV bit picks the one that answers reads and
 * executes commands.
 *
 * Commands complete at once in virtual time: when the command register is
 * written, the data (or the result) is ready before the OUT instruction
 * ends, with DRQ and the interrupt raised as a very fast drive would. So a
 * guest that polls never waits, and status reads can never hang it.
 *
 * Interrupts: a device's INTRQ goes pending when a command (or data block)
 * wants the host's attention; the channel's IRQ line is high while the
 * selected device has one pending and nIEN is clear. Reading the status
 * register (not the alternate status) or writing a command clears it.
 *
 * Absent devices read as on real hardware where Linux and SeaBIOS expect
 * it: a channel with no device at all floats, every register reads 0xFF
 * (both take 0xFF as "nothing here"). On a channel with one device, the
 * absent one's status reads 0x00, its other registers echo what was
 * written, and after a reset its signature reads 01/01/FF/FF with error
 * 01h: Linux classifies that as no device, and SeaBIOS skips a device whose
 * status reads zero.
 */
#ifndef POPEK_DEVICES_ATA_H
#define POPEK_DEVICES_ATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/disk_image.h"
#include "devices/irq.h"

struct io_bus;

#define ATA_PRIMARY_CMD 0x1F0
#define ATA_PRIMARY_CTL 0x3F6
#define ATA_SECONDARY_CMD 0x170
#define ATA_SECONDARY_CTL 0x376
#define ATA_PRIMARY_IRQ 14
#define ATA_SECONDARY_IRQ 15

#define ATA_SECTOR_SIZE 512
#define ATAPI_SECTOR_SIZE 2048
#define ATA_MAX_MULTIPLE 16 /* sectors per block in READ/WRITE MULTIPLE */
/* One PIO data block: up to 16 sectors, or an ATAPI chunk of up to 0xFFFE
 * bytes. */
#define ATA_BUF_SIZE 0x10000
#define ATAPI_REPLY_MAX 256

/* Status register. */
#define ATA_ST_BSY 0x80
#define ATA_ST_DRDY 0x40
#define ATA_ST_DF 0x20
#define ATA_ST_DSC 0x10
#define ATA_ST_DRQ 0x08
#define ATA_ST_ERR 0x01

/* Error register. */
#define ATA_ER_UNC 0x40
#define ATA_ER_IDNF 0x10
#define ATA_ER_ABRT 0x04

/* Device control register. */
#define ATA_CTL_NIEN 0x02
#define ATA_CTL_SRST 0x04
#define ATA_CTL_HOB 0x80

/* Device/head register. */
#define ATA_DEV_LBA 0x40
#define ATA_DEV_DEV 0x10

/* ATAPI interrupt reason (in the sector count register). */
#define ATAPI_IR_COD 0x01
#define ATAPI_IR_IO 0x02

enum ata_kind { ATA_NONE, ATA_DISK, ATA_CDROM };

/* The PIO data phase a device is in. */
enum ata_phase { ATA_PHASE_NONE, ATA_PHASE_IN, ATA_PHASE_OUT };

struct ata_channel;

struct ata_drive {
	enum ata_kind kind;
	struct disk_image img; /* the medium (a CD drive may be empty) */
	uint8_t *buf;          /* the PIO data block, ATA_BUF_SIZE bytes */
	uint8_t serial;        /* channel * 2 + device, for the serial number */

	/* The task file as this device holds it. hob_* are the previous value
	 * written to each register: the high-order bytes of an LBA48 command,
	 * read back with HOB set in the device control register. */
	uint8_t feature, nsect, lbal, lbam, lbah, select;
	uint8_t hob_feature, hob_nsect, hob_lbal, hob_lbam, hob_lbah;
	uint8_t status, error;
	bool intrq; /* interrupt pending */

	/* Disk geometry and settings. */
	uint64_t sectors;                      /* capacity in 512-byte sectors */
	uint16_t cyls, heads, spt;             /* default CHS translation */
	uint16_t cur_cyls, cur_heads, cur_spt; /* INITIALIZE DEVICE PARAMETERS */
	uint8_t mult; /* sectors per block for the MULTIPLE commands, 0: off */
	bool write_cache;

	/* PIO data phase: bytes pos..len of buf, then block_done runs. */
	enum ata_phase phase;
	uint32_t pos, len;
	void (*block_done)(struct ata_channel *c, struct ata_drive *d);
	uint64_t lba;   /* disk: next sector to transfer */
	uint32_t left;  /* disk: sectors still to transfer */
	uint32_t block; /* disk: sectors per DRQ block */
	bool lba48;     /* disk: the command uses 48-bit addresses */

	/* ATAPI. */
	bool medium;         /* a disc is in the drive */
	bool prevent;        /* PREVENT ALLOW MEDIUM REMOVAL */
	uint64_t cd_sectors; /* capacity in 2048-byte sectors */
	uint8_t cdb[12];
	uint8_t sense_key, asc, ascq;
	uint16_t bcl;       /* byte count limit of the current command */
	bool from_medium;   /* data comes from the disc, else from reply */
	uint64_t src_off;   /* byte offset of the next data: disc or reply */
	uint64_t xfer_left; /* bytes still to send */
	uint8_t reply[ATAPI_REPLY_MAX];
};

struct ata_channel {
	struct ata_drive drive[2]; /* [0] master, [1] slave */
	uint8_t sel;               /* the DEV bit: which device answers */
	uint8_t control;           /* device control as last written */
	bool irq_level;            /* what the IRQ line is driven to */
	struct irq_line irq;
	uint8_t index; /* 0 primary, 1 secondary */
};

struct ata {
	struct ata_channel ch[2];
};

/* Resets the controller (no devices) and registers both channels' ports.
 * irq14/irq15 are the channels' interrupt lines. Returns 0, or -1 when a
 * port is taken. */
int ata_init(struct ata *a, struct io_bus *io, struct irq_line irq14, struct irq_line irq15);

/* Attaches the hard disk image at `path` as device `dev` (0 master, 1
 * slave) of channel `ch` (0 primary, 1 secondary). `what` names it in
 * messages ("--hda"). With `snapshot`, guest writes stay in memory. Returns
 * 0, or -1 with a one-line reason in err; on error the file is untouched
 * and the device stays absent. A file without write permission is attached
 * write-protected: see ata_write_protected(). */
int ata_attach_disk(struct ata *a, unsigned ch, unsigned dev, const char *path, const char *what,
		    bool snapshot, char *err, size_t errlen);

/* Attaches a CD-ROM drive with the ISO image at `path`, or empty when path
 * is NULL. Returns 0, or -1 with a reason in err. */
int ata_attach_cdrom(struct ata *a, unsigned ch, unsigned dev, const char *path, const char *what,
		     char *err, size_t errlen);

/* True when the disk at ch/dev is attached and write-protected. */
bool ata_write_protected(const struct ata *a, unsigned ch, unsigned dev);

/* Flushes every disk image (as FLUSH CACHE does). Returns 0, or -1 when a
 * flush failed. */
int ata_flush(struct ata *a);

/* Flushes and closes every image, frees the buffers. Safe on a zeroed
 * struct (a machine whose init never reached the controller). Returns 0, or
 * -1 when a final flush failed. */
int ata_free(struct ata *a);

#endif
