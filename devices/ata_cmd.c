/* ata_cmd.c: the ATA command set of the hard disks: IDENTIFY, the PIO
 * reads and writes (single, multiple, LBA28, LBA48 and CHS), verify, the
 * settings commands, flush, and the power commands a driver sends and
 * expects to succeed.
 *
 * Every transfer is checked against the image before it starts: a command
 * whose sectors run past the end (or past the CHS geometry) fails with IDNF
 * and moves no data, so the guest can never reach outside the image.
 */
#include <stdio.h>
#include <string.h>

#include "devices/ata_internal.h"

enum {
	CMD_RECALIBRATE = 0x10, /* 0x10-0x1F */
	CMD_READ = 0x20,
	CMD_READ_NORETRY = 0x21,
	CMD_READ_EXT = 0x24,
	CMD_READ_MULTIPLE_EXT = 0x29,
	CMD_WRITE = 0x30,
	CMD_WRITE_NORETRY = 0x31,
	CMD_WRITE_EXT = 0x34,
	CMD_WRITE_MULTIPLE_EXT = 0x39,
	CMD_VERIFY = 0x40,
	CMD_VERIFY_NORETRY = 0x41,
	CMD_VERIFY_EXT = 0x42,
	CMD_SEEK = 0x70, /* 0x70-0x7F */
	CMD_INITIALIZE_DEVICE_PARAMETERS = 0x91,
	CMD_READ_MULTIPLE = 0xC4,
	CMD_WRITE_MULTIPLE = 0xC5,
	CMD_SET_MULTIPLE_MODE = 0xC6,
	CMD_CHECK_POWER_MODE = 0xE5,
	CMD_CHECK_POWER_MODE_OLD = 0x98,
	CMD_FLUSH_CACHE = 0xE7,
	CMD_FLUSH_CACHE_EXT = 0xEA,
	CMD_IDENTIFY = 0xEC,
	CMD_SET_FEATURES = 0xEF,
};

/* SET FEATURES subcommands (in the features register). */
enum {
	SF_WRITE_CACHE_ON = 0x02,
	SF_TRANSFER_MODE = 0x03,
	SF_REVERT_OFF = 0x66,
	SF_WRITE_CACHE_OFF = 0x82,
	SF_LOOKAHEAD_OFF = 0x55,
	SF_LOOKAHEAD_ON = 0xAA,
	SF_REVERT_ON = 0xCC,
};

/* The 512 bytes of IDENTIFY DEVICE: what a driver learns about the disk.
 * PIO only (no DMA modes: there is no bus-master engine), LBA28 and LBA48,
 * READ/WRITE MULTIPLE up to 16 sectors, a write cache and FLUSH CACHE. */
static void disk_identify(const struct ata_drive *d, uint8_t *buf)
{
	uint16_t w[256] = { 0 };
	char serial[21];
	snprintf(serial, sizeof(serial), "POPEK-HD%u", (unsigned)d->serial);

	w[0] = 0x0040; /* ATA device, fixed (not removable) */
	w[1] = d->cyls;
	w[3] = d->heads;
	w[6] = d->spt;
	ata_id_string(&w[10], 10, serial);
	ata_id_string(&w[23], 4, "0.1");
	ata_id_string(&w[27], 20, "popek HARDDISK");
	w[47] = 0x8000 | ATA_MAX_MULTIPLE;
	w[49] = 0x0E00; /* IORDY supported and may be disabled, LBA */
	w[50] = 0x4000;
	w[51] = 0x0200; /* PIO timing mode 2 (obsolete word) */
	w[53] = 0x0003; /* words 54-58 and 64-70 are valid */
	w[54] = d->cur_cyls;
	w[55] = d->cur_heads;
	w[56] = d->cur_spt;
	uint64_t cur = (uint64_t)d->cur_cyls * d->cur_heads * d->cur_spt;
	if (cur > d->sectors)
		cur = d->sectors;
	w[57] = (uint16_t)cur;
	w[58] = (uint16_t)(cur >> 16);
	if (d->mult)
		w[59] = 0x0100 | d->mult;
	uint64_t lba28 = d->sectors < 0x0FFFFFFF ? d->sectors : 0x0FFFFFFF;
	w[60] = (uint16_t)lba28;
	w[61] = (uint16_t)(lba28 >> 16);
	w[64] = 0x0003;                      /* PIO modes 3 and 4 */
	w[65] = w[66] = w[67] = w[68] = 120; /* cycle times in ns */
	w[80] = 0x007E;                      /* ATA-1 to ATA/ATAPI-6 */
	w[82] = 0x0068;                      /* look-ahead, write cache, power management */
	w[83] = 0x7400;                      /* FLUSH CACHE EXT, FLUSH CACHE, 48-bit addresses */
	w[84] = 0x4000;
	w[85] = 0x0048 | (d->write_cache ? 0x0020 : 0);
	w[86] = 0x3400;
	w[87] = 0x4000;
	for (int i = 0; i < 4; i++)
		w[100 + i] = (uint16_t)(d->sectors >> (16 * i));
	ata_id_store(buf, w);
}

static void identify_done(struct ata_channel *c, struct ata_drive *d)
{
	d->status = ATA_ST_DRDY | ATA_ST_DSC;
}

/* The sectors a CHS address can reach with the current translation. */
static uint64_t chs_limit(const struct ata_drive *d)
{
	uint64_t n = (uint64_t)d->cur_cyls * d->cur_heads * d->cur_spt;
	return n < d->sectors ? n : d->sectors;
}

/* The first sector of a command, from the task file: LBA48, LBA28 or CHS
 * (by the current geometry). Returns false for an impossible CHS address. */
static bool start_sector(const struct ata_drive *d, bool lba48, uint64_t *lba)
{
	if (lba48) {
		*lba = (uint64_t)d->lbal | (uint64_t)d->lbam << 8 | (uint64_t)d->lbah << 16 |
		       (uint64_t)d->hob_lbal << 24 | (uint64_t)d->hob_lbam << 32 |
		       (uint64_t)d->hob_lbah << 40;
		return true;
	}
	if (d->select & ATA_DEV_LBA) {
		*lba = (uint64_t)d->lbal | (uint64_t)d->lbam << 8 | (uint64_t)d->lbah << 16 |
		       (uint64_t)(d->select & 0x0F) << 24;
		return true;
	}
	unsigned cyl = (unsigned)(d->lbam | d->lbah << 8);
	unsigned head = d->select & 0x0F;
	unsigned sec = d->lbal;
	if (sec == 0 || sec > d->cur_spt || head >= d->cur_heads || cyl >= d->cur_cyls)
		return false;
	*lba = ((uint64_t)cyl * d->cur_heads + head) * d->cur_spt + sec - 1;
	return true;
}

/* Puts a sector address back into the task file in the command's form, as
 * a drive reports the last sector transferred (or the one in error). */
static void set_sector(struct ata_drive *d, uint64_t lba, bool lba48)
{
	if (lba48) {
		d->lbal = (uint8_t)lba;
		d->lbam = (uint8_t)(lba >> 8);
		d->lbah = (uint8_t)(lba >> 16);
		d->hob_lbal = (uint8_t)(lba >> 24);
		d->hob_lbam = (uint8_t)(lba >> 32);
		d->hob_lbah = (uint8_t)(lba >> 40);
	} else if (d->select & ATA_DEV_LBA) {
		d->lbal = (uint8_t)lba;
		d->lbam = (uint8_t)(lba >> 8);
		d->lbah = (uint8_t)(lba >> 16);
		d->select = (uint8_t)((d->select & 0xF0) | ((lba >> 24) & 0x0F));
	} else {
		uint32_t track = (uint32_t)d->cur_heads * d->cur_spt;
		uint64_t cyl = lba / track;
		uint32_t rest = (uint32_t)(lba % track);
		d->lbal = (uint8_t)(rest % d->cur_spt + 1);
		d->lbam = (uint8_t)cyl;
		d->lbah = (uint8_t)(cyl >> 8);
		d->select = (uint8_t)((d->select & 0xF0) | (rest / d->cur_spt));
	}
}

/* The sector count of the command: 0 means 256 (LBA28/CHS) or 65536. */
static uint32_t sector_count(const struct ata_drive *d, bool lba48)
{
	if (lba48) {
		uint32_t n = (uint32_t)(d->nsect | d->hob_nsect << 8);
		return n ? n : 65536;
	}
	return d->nsect ? d->nsect : 256;
}

/* Validates the sector range of a command; on success fills d->lba,
 * d->left and d->lba48. On failure the command ends with IDNF. */
static bool setup_range(struct ata_channel *c, struct ata_drive *d, bool lba48)
{
	uint64_t lba;
	uint64_t limit = (lba48 || (d->select & ATA_DEV_LBA)) ? d->sectors : chs_limit(d);
	uint32_t count = sector_count(d, lba48);
	if (!start_sector(d, lba48, &lba) || lba >= limit || count > limit - lba) {
		ata_fail(c, d, ATA_ER_IDNF);
		return false;
	}
	d->lba = lba;
	d->left = count;
	d->lba48 = lba48;
	return true;
}

static void read_block(struct ata_channel *c, struct ata_drive *d);

/* The host has taken a block: on to the next, or the end (which, for a
 * read, raises no interrupt: the last one announced the last block). */
static void read_block_done(struct ata_channel *c, struct ata_drive *d)
{
	uint32_t n = d->len / ATA_SECTOR_SIZE;
	d->lba += n;
	d->left -= n;
	if (d->left) {
		read_block(c, d);
		return;
	}
	d->nsect = 0;
	d->status = ATA_ST_DRDY | ATA_ST_DSC;
}

static void read_block(struct ata_channel *c, struct ata_drive *d)
{
	uint32_t n = d->left < d->block ? d->left : d->block;
	if (disk_image_read(&d->img, d->lba, n, d->buf) < 0) {
		set_sector(d, d->lba, d->lba48);
		ata_fail(c, d, ATA_ER_UNC);
		return;
	}
	set_sector(d, d->lba + n - 1, d->lba48);
	ata_pio_in(c, d, n * ATA_SECTOR_SIZE, read_block_done, true);
}

/* A block has arrived from the host: write it, then ask for the next one or
 * end the command, each with an interrupt. A host write error is a device
 * fault; with the write cache off, the data is on the host's disk (fsync)
 * before the command completes. */
static void write_block_done(struct ata_channel *c, struct ata_drive *d)
{
	uint32_t n = d->len / ATA_SECTOR_SIZE;
	if (disk_image_write(&d->img, d->lba, n, d->buf) < 0) {
		set_sector(d, d->lba, d->lba48);
		ata_fail(c, d, ATA_ER_ABRT);
		d->status |= ATA_ST_DF;
		return;
	}
	set_sector(d, d->lba + n - 1, d->lba48);
	d->lba += n;
	d->left -= n;
	if (d->left) {
		uint32_t next = d->left < d->block ? d->left : d->block;
		ata_pio_out(c, d, next * ATA_SECTOR_SIZE, write_block_done, true);
		return;
	}
	d->nsect = 0;
	if (!d->write_cache && disk_image_flush(&d->img) < 0) {
		ata_fail(c, d, ATA_ER_ABRT);
		d->status |= ATA_ST_DF;
		return;
	}
	ata_complete(c, d);
}

static void cmd_read(struct ata_channel *c, struct ata_drive *d, bool lba48, bool multiple)
{
	if (multiple && !d->mult) {
		ata_fail(c, d, ATA_ER_ABRT);
		return;
	}
	if (!setup_range(c, d, lba48))
		return;
	d->block = multiple ? d->mult : 1;
	read_block(c, d);
}

/* The first block of a write is asked for without an interrupt: the host
 * waits for DRQ after writing the command. */
static void cmd_write(struct ata_channel *c, struct ata_drive *d, bool lba48, bool multiple)
{
	if ((multiple && !d->mult) || d->img.write_protected) {
		ata_fail(c, d, ATA_ER_ABRT);
		return;
	}
	if (!setup_range(c, d, lba48))
		return;
	d->block = multiple ? d->mult : 1;
	uint32_t n = d->left < d->block ? d->left : d->block;
	ata_pio_out(c, d, n * ATA_SECTOR_SIZE, write_block_done, false);
}

/* READ VERIFY: the range is checked and nothing is transferred. */
static void cmd_verify(struct ata_channel *c, struct ata_drive *d, bool lba48)
{
	if (!setup_range(c, d, lba48))
		return;
	set_sector(d, d->lba + d->left - 1, lba48);
	d->nsect = 0;
	ata_complete(c, d);
}

/* INITIALIZE DEVICE PARAMETERS: the CHS translation to use from now on,
 * heads from the device/head register, sectors per track from the sector
 * count. A translation that cannot address one cylinder is refused. */
static void cmd_init_params(struct ata_channel *c, struct ata_drive *d)
{
	unsigned heads = (d->select & 0x0F) + 1u;
	unsigned spt = d->nsect;
	uint64_t cyls = spt ? d->sectors / ((uint64_t)heads * spt) : 0;
	if (cyls == 0) {
		ata_fail(c, d, ATA_ER_ABRT);
		return;
	}
	d->cur_heads = (uint16_t)heads;
	d->cur_spt = (uint16_t)spt;
	d->cur_cyls = (uint16_t)(cyls > 65535 ? 65535 : cyls);
	ata_complete(c, d);
}

/* SET MULTIPLE MODE: a power of two up to the maximum, or 0 to turn the
 * MULTIPLE commands off. */
static void cmd_set_multiple(struct ata_channel *c, struct ata_drive *d)
{
	unsigned n = d->nsect;
	if (n > ATA_MAX_MULTIPLE || (n & (n - 1))) {
		ata_fail(c, d, ATA_ER_ABRT);
		return;
	}
	d->mult = (uint8_t)n;
	ata_complete(c, d);
}

/* SET FEATURES: the write cache, the transfer mode (PIO modes only: PIO
 * default or flow-control modes 0-4; there is no DMA), and the settings a
 * driver toggles that change nothing here. Anything else is refused. */
static void cmd_set_features(struct ata_channel *c, struct ata_drive *d)
{
	switch (d->feature) {
	case SF_WRITE_CACHE_ON: d->write_cache = true; break;
	case SF_WRITE_CACHE_OFF:
		/* Whatever the guest wrote before must be durable now. */
		if (disk_image_flush(&d->img) < 0) {
			ata_fail(c, d, ATA_ER_ABRT);
			return;
		}
		d->write_cache = false;
		break;
	case SF_TRANSFER_MODE:
		if (d->nsect > 0x01 && (d->nsect < 0x08 || d->nsect > 0x0C)) {
			ata_fail(c, d, ATA_ER_ABRT);
			return;
		}
		break;
	case SF_LOOKAHEAD_OFF:
	case SF_LOOKAHEAD_ON:
	case SF_REVERT_OFF:
	case SF_REVERT_ON: break;
	default: ata_fail(c, d, ATA_ER_ABRT); return;
	}
	ata_complete(c, d);
}

static void cmd_flush(struct ata_channel *c, struct ata_drive *d)
{
	if (disk_image_flush(&d->img) < 0) {
		ata_fail(c, d, ATA_ER_ABRT);
		return;
	}
	ata_complete(c, d);
}

void ata_disk_command(struct ata_channel *c, struct ata_drive *d, uint8_t cmd)
{
	if ((cmd & 0xF0) == CMD_RECALIBRATE || (cmd & 0xF0) == CMD_SEEK) {
		ata_complete(c, d);
		return;
	}
	switch (cmd) {
	case CMD_IDENTIFY:
		disk_identify(d, d->buf);
		ata_pio_in(c, d, ATA_SECTOR_SIZE, identify_done, true);
		break;
	case CMD_READ:
	case CMD_READ_NORETRY: cmd_read(c, d, false, false); break;
	case CMD_READ_EXT: cmd_read(c, d, true, false); break;
	case CMD_READ_MULTIPLE: cmd_read(c, d, false, true); break;
	case CMD_READ_MULTIPLE_EXT: cmd_read(c, d, true, true); break;
	case CMD_WRITE:
	case CMD_WRITE_NORETRY: cmd_write(c, d, false, false); break;
	case CMD_WRITE_EXT: cmd_write(c, d, true, false); break;
	case CMD_WRITE_MULTIPLE: cmd_write(c, d, false, true); break;
	case CMD_WRITE_MULTIPLE_EXT: cmd_write(c, d, true, true); break;
	case CMD_VERIFY:
	case CMD_VERIFY_NORETRY: cmd_verify(c, d, false); break;
	case CMD_VERIFY_EXT: cmd_verify(c, d, true); break;
	case CMD_INITIALIZE_DEVICE_PARAMETERS: cmd_init_params(c, d); break;
	case CMD_SET_MULTIPLE_MODE: cmd_set_multiple(c, d); break;
	case CMD_SET_FEATURES: cmd_set_features(c, d); break;
	case CMD_FLUSH_CACHE:
	case CMD_FLUSH_CACHE_EXT: cmd_flush(c, d); break;
	case CMD_CHECK_POWER_MODE:
	case CMD_CHECK_POWER_MODE_OLD:
		d->nsect = 0xFF; /* active or idle */
		ata_complete(c, d);
		break;
	/* The power family: standby and idle (immediate or with a timer, the
	 * current and the ATA-1 opcodes) and sleep. The disk is always up. */
	case 0xE0:
	case 0xE1:
	case 0xE2:
	case 0xE3:
	case 0xE6:
	case 0x94:
	case 0x95:
	case 0x96:
	case 0x97:
	case 0x99: ata_complete(c, d); break;
	default: ata_fail(c, d, ATA_ER_ABRT); break;
	}
}
