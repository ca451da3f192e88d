/* atapi.c: the CD-ROM drive: the ATA commands a packet device takes
 * (PACKET, IDENTIFY PACKET DEVICE, DEVICE RESET, ...) and the SCSI/MMC
 * commands that come in packets.
 *
 * A packet command goes: the host writes PACKET with its byte count limit
 * in LBA mid/high; the drive asks for the 12-byte command (DRQ, interrupt
 * reason CoD); the host writes it; the drive answers with data in chunks of
 * at most the byte count limit (DRQ, reason IO, the chunk size in LBA
 * mid/high, an interrupt each), then a status phase (reason CoD|IO, an
 * interrupt). A command that fails ends in the status phase with ERR and
 * the sense key in the error register; REQUEST SENSE tells the rest.
 */
#include <stdio.h>
#include <string.h>

#include "devices/ata_internal.h"

enum {
	CMD_DEVICE_RESET = 0x08,
	CMD_PACKET = 0xA0,
	CMD_IDENTIFY_PACKET = 0xA1,
	CMD_IDENTIFY = 0xEC,
	CMD_SET_FEATURES = 0xEF,
	CMD_CHECK_POWER_MODE = 0xE5,
};

/* Packet command opcodes (SPC and MMC). */
enum {
	SCSI_TEST_UNIT_READY = 0x00,
	SCSI_REQUEST_SENSE = 0x03,
	SCSI_INQUIRY = 0x12,
	SCSI_MODE_SENSE_6 = 0x1A,
	SCSI_START_STOP_UNIT = 0x1B,
	SCSI_PREVENT_ALLOW = 0x1E,
	SCSI_READ_CAPACITY = 0x25,
	SCSI_READ_10 = 0x28,
	SCSI_SEEK_10 = 0x2B,
	SCSI_READ_TOC = 0x43,
	SCSI_GET_CONFIGURATION = 0x46,
	SCSI_GET_EVENT_STATUS = 0x4A,
	SCSI_MODE_SENSE_10 = 0x5A,
	SCSI_READ_12 = 0xA8,
	SCSI_SET_CD_SPEED = 0xBB,
};

/* Sense keys and additional sense codes. */
enum {
	SENSE_NONE = 0x00,
	SENSE_NOT_READY = 0x02,
	SENSE_MEDIUM_ERROR = 0x03,
	SENSE_ILLEGAL_REQUEST = 0x05,
};
enum {
	ASC_UNRECOVERED_READ = 0x11,
	ASC_INVALID_OPCODE = 0x20,
	ASC_LBA_OUT_OF_RANGE = 0x21,
	ASC_INVALID_FIELD = 0x24,
	ASC_SAVING_UNSUPPORTED = 0x39,
	ASC_MEDIUM_NOT_PRESENT = 0x3A,
};

#define MODE_PAGE_CAPABILITIES 0x2A
#define MODE_PAGE_ALL 0x3F
#define MSF_LEAD_IN 150 /* LBA 0 is MSF 00:02:00 */

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void atapi_reset(struct ata_drive *d)
{
	d->sense_key = SENSE_NONE;
	d->asc = d->ascq = 0;
	d->xfer_left = 0;
}

/* IDENTIFY PACKET DEVICE: a removable CD-ROM drive taking 12-byte packets,
 * DRQ for the packet within 50 us (no interrupt for it), PIO only. */
static void cdrom_identify(const struct ata_drive *d, uint8_t *buf)
{
	uint16_t w[256] = { 0 };
	char serial[21];
	snprintf(serial, sizeof(serial), "POPEK-CD%u", (unsigned)d->serial);
	w[0] = 0x85C0; /* ATAPI, CD-ROM, removable, accelerated DRQ, 12-byte packets */
	ata_id_string(&w[10], 10, serial);
	ata_id_string(&w[23], 4, "0.1");
	ata_id_string(&w[27], 20, "popek CD-ROM");
	w[49] = 0x0E00; /* IORDY, LBA */
	w[50] = 0x4000;
	w[53] = 0x0002; /* words 64-70 are valid */
	w[64] = 0x0003;
	w[65] = w[66] = w[67] = w[68] = 120;
	w[80] = 0x007E;
	w[82] = 0x0218; /* DEVICE RESET, PACKET, power management */
	w[83] = 0x4000;
	w[84] = 0x4000;
	w[85] = 0x0218;
	w[87] = 0x4000;
	ata_id_store(buf, w);
}

static void identify_done(struct ata_channel *c, struct ata_drive *d)
{
	d->status = ATA_ST_DRDY | ATA_ST_DSC;
}

/* The status phase of a packet command that succeeded. */
static void packet_ok(struct ata_channel *c, struct ata_drive *d)
{
	d->nsect = ATAPI_IR_COD | ATAPI_IR_IO;
	d->error = 0;
	ata_complete(c, d);
}

/* CHECK CONDITION: sense data kept for REQUEST SENSE, the sense key in the
 * error register's high nibble, ERR in the status phase. */
static void check_condition(struct ata_channel *c, struct ata_drive *d, uint8_t key, uint8_t asc)
{
	d->sense_key = key;
	d->asc = asc;
	d->ascq = 0;
	d->xfer_left = 0;
	d->nsect = ATAPI_IR_COD | ATAPI_IR_IO;
	ata_fail(c, d, (uint8_t)(key << 4));
}

/* Copies `n` bytes of the disc from byte `off` on. The image is a whole
 * number of 512-byte sectors; the part of the last 2048-byte sector past
 * its end reads as zeros. */
static int read_medium(struct ata_drive *d, uint64_t off, uint8_t *dst, uint32_t n)
{
	uint8_t tmp[DISK_SECTOR_SIZE];
	while (n) {
		uint64_t sec = off / DISK_SECTOR_SIZE;
		uint32_t in = (uint32_t)(off % DISK_SECTOR_SIZE);
		uint32_t take;
		if (sec >= d->img.sectors) {
			take = n;
			memset(dst, 0, take);
		} else if (in == 0 && n >= DISK_SECTOR_SIZE) {
			uint64_t whole = n / DISK_SECTOR_SIZE;
			if (whole > d->img.sectors - sec)
				whole = d->img.sectors - sec;
			take = (uint32_t)whole * DISK_SECTOR_SIZE;
			if (disk_image_read(&d->img, sec, (uint32_t)whole, dst) < 0)
				return -1;
		} else {
			take = DISK_SECTOR_SIZE - in < n ? DISK_SECTOR_SIZE - in : n;
			if (disk_image_read(&d->img, sec, 1, tmp) < 0)
				return -1;
			memcpy(dst, tmp + in, take);
		}
		dst += take;
		off += take;
		n -= take;
	}
	return 0;
}

static void send_chunk(struct ata_channel *c, struct ata_drive *d);

static void chunk_done(struct ata_channel *c, struct ata_drive *d)
{
	d->src_off += d->len;
	d->xfer_left -= d->len;
	if (d->xfer_left)
		send_chunk(c, d);
	else
		packet_ok(c, d);
}

/* One DRQ data block: at most the byte count limit (even; 0 taken as the
 * largest), its size in LBA mid/high for the host to read, and an
 * interrupt. */
static void send_chunk(struct ata_channel *c, struct ata_drive *d)
{
	uint32_t limit = d->bcl & 0xFFFE;
	if (limit == 0)
		limit = 0xFFFE;
	uint32_t n = d->xfer_left < limit ? (uint32_t)d->xfer_left : limit;
	if (d->from_medium) {
		if (read_medium(d, d->src_off, d->buf, n) < 0) {
			check_condition(c, d, SENSE_MEDIUM_ERROR, ASC_UNRECOVERED_READ);
			return;
		}
	} else {
		/* Replies are built in reply[] and never longer than it. */
		memcpy(d->buf, d->reply + d->src_off, n);
	}
	d->lbam = (uint8_t)n;
	d->lbah = (uint8_t)(n >> 8);
	d->nsect = ATAPI_IR_IO;
	ata_pio_in(c, d, n, chunk_done, true);
}

/* Sends the first `len` bytes of reply[], cut to the host's allocation
 * length. */
static void send_reply(struct ata_channel *c, struct ata_drive *d, uint32_t len, uint32_t alloc)
{
	if (len > ATAPI_REPLY_MAX)
		len = ATAPI_REPLY_MAX;
	d->from_medium = false;
	d->src_off = 0;
	d->xfer_left = len < alloc ? len : alloc;
	if (d->xfer_left)
		send_chunk(c, d);
	else
		packet_ok(c, d);
}

static bool need_medium(struct ata_channel *c, struct ata_drive *d)
{
	if (d->medium)
		return true;
	check_condition(c, d, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT);
	return false;
}

static void scsi_request_sense(struct ata_channel *c, struct ata_drive *d)
{
	uint8_t *r = d->reply;
	memset(r, 0, 18);
	r[0] = 0x70; /* current error, fixed format */
	r[2] = d->sense_key;
	r[7] = 10; /* additional length */
	r[12] = d->asc;
	r[13] = d->ascq;
	atapi_reset(d); /* reported: cleared */
	send_reply(c, d, 18, d->cdb[4]);
}

static void scsi_inquiry(struct ata_channel *c, struct ata_drive *d)
{
	if (d->cdb[1] & 1) { /* vital product data pages: none */
		check_condition(c, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
		return;
	}
	uint8_t *r = d->reply;
	memset(r, 0, 36);
	r[0] = 0x05; /* CD/DVD device */
	r[1] = 0x80; /* removable */
	r[3] = 0x21; /* ATAPI, response data format 1 */
	r[4] = 31;   /* additional length */
	memcpy(r + 8, "POPEK   ", 8);
	memcpy(r + 16, "popek CD-ROM    ", 16);
	memcpy(r + 32, "0.1 ", 4);
	send_reply(c, d, 36, be16(d->cdb + 3));
}

/* The capabilities and mechanical status page: reads CD-ROM, multi-session,
 * a tray that locks and ejects, 8x speed. */
static uint32_t capabilities_page(const struct ata_drive *d, uint8_t *p)
{
	memset(p, 0, 20);
	p[0] = MODE_PAGE_CAPABILITIES;
	p[1] = 18;
	p[4] = 0x40;                           /* multi-session */
	p[6] = 0x29 | (d->prevent ? 0x02 : 0); /* tray, eject, lock (state) */
	put16(p + 8, 1412);                    /* maximum read speed, kB/s */
	put16(p + 10, 256);                    /* volume levels */
	put16(p + 12, 512);                    /* buffer, KiB */
	put16(p + 14, 1412);                   /* current read speed */
	return 20;
}

/* MODE SENSE(6) and (10): current (or default, or changeable) values of the
 * capabilities page; no saved values. */
static void scsi_mode_sense(struct ata_channel *c, struct ata_drive *d, bool ten)
{
	unsigned page = d->cdb[2] & 0x3F;
	unsigned control = d->cdb[2] >> 6;
	if (control == 3) {
		check_condition(c, d, SENSE_ILLEGAL_REQUEST, ASC_SAVING_UNSUPPORTED);
		return;
	}
	if (page != MODE_PAGE_CAPABILITIES && page != MODE_PAGE_ALL) {
		check_condition(c, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
		return;
	}
	uint8_t *r = d->reply;
	unsigned hdr = ten ? 8 : 4;
	memset(r, 0, hdr);
	uint32_t len = hdr + capabilities_page(d, r + hdr);
	if (control == 1) /* changeable values: none */
		memset(r + hdr + 2, 0, len - hdr - 2);
	uint8_t medium_type = d->medium ? 0x01 : 0x70; /* 120 mm data disc / no disc */
	if (ten) {
		put16(r, len - 2);
		r[2] = medium_type;
		send_reply(c, d, len, be16(d->cdb + 7));
	} else {
		r[0] = (uint8_t)(len - 1);
		r[1] = medium_type;
		send_reply(c, d, len, d->cdb[4]);
	}
}

static void scsi_read_capacity(struct ata_channel *c, struct ata_drive *d)
{
	if (!need_medium(c, d))
		return;
	put32(d->reply, (uint32_t)(d->cd_sectors - 1));
	put32(d->reply + 4, ATAPI_SECTOR_SIZE);
	send_reply(c, d, 8, 8);
}

/* READ(10) and READ(12): whole 2048-byte sectors of the disc, checked
 * against its capacity before any data moves. */
static void scsi_read(struct ata_channel *c, struct ata_drive *d, bool twelve)
{
	if (!need_medium(c, d))
		return;
	uint64_t lba = be32(d->cdb + 2);
	uint64_t count = twelve ? be32(d->cdb + 6) : be16(d->cdb + 7);
	if (lba > d->cd_sectors || count > d->cd_sectors - lba) {
		check_condition(c, d, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
		return;
	}
	if (count == 0) {
		packet_ok(c, d);
		return;
	}
	d->from_medium = true;
	d->src_off = lba * ATAPI_SECTOR_SIZE;
	d->xfer_left = count * ATAPI_SECTOR_SIZE;
	send_chunk(c, d);
}

/* A TOC track address: an LBA, or minutes/seconds/frames counted from the
 * start of the lead-in. */
static void toc_address(uint8_t *p, uint64_t lba, bool msf)
{
	if (!msf) {
		put32(p, (uint32_t)lba);
		return;
	}
	uint64_t f = lba + MSF_LEAD_IN;
	p[0] = 0;
	p[1] = (uint8_t)(f / (75 * 60));
	p[2] = (uint8_t)((f / 75) % 60);
	p[3] = (uint8_t)(f % 75);
}

/* READ TOC: one data track from LBA 0 and the lead-out (format 0), or the
 * first track of the last session (format 1). */
static void scsi_read_toc(struct ata_channel *c, struct ata_drive *d)
{
	if (!need_medium(c, d))
		return;
	bool msf = d->cdb[1] & 0x02;
	unsigned format = d->cdb[2] & 0x0F;
	if (!format)
		format = d->cdb[9] >> 6; /* the older place for it */
	unsigned track = d->cdb[6];
	uint8_t *r = d->reply;
	uint32_t len = 4;
	memset(r, 0, 20);
	r[2] = 1; /* first track (format 0) or session (format 1) */
	r[3] = 1; /* last */
	if (format == 0) {
		if (track > 1 && track != 0xAA) {
			check_condition(c, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
			return;
		}
		if (track <= 1) {
			r[len + 1] = 0x14; /* ADR 1, data track */
			r[len + 2] = 1;
			toc_address(r + len + 4, 0, msf);
			len += 8;
		}
		r[len + 1] = 0x14;
		r[len + 2] = 0xAA; /* lead-out */
		toc_address(r + len + 4, d->cd_sectors, msf);
		len += 8;
	} else if (format == 1) {
		r[len + 1] = 0x14;
		r[len + 2] = 1;
		toc_address(r + len + 4, 0, msf);
		len += 8;
	} else {
		check_condition(c, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
		return;
	}
	put16(r, len - 2);
	send_reply(c, d, len, be16(d->cdb + 7));
}

/* GET CONFIGURATION: the CD-ROM profile (current with a disc in) and the
 * features every drive has: the profile list and the core feature (ATAPI
 * interface). RT 0/1 lists features from the starting one, RT 2 only it. */
static void scsi_get_configuration(struct ata_channel *c, struct ata_drive *d)
{
	unsigned rt = d->cdb[1] & 3;
	unsigned start = be16(d->cdb + 2);
	uint8_t *r = d->reply;
	uint32_t len = 8;
	memset(r, 0, 32);
	put16(r + 6, d->medium ? 0x0008 : 0x0000); /* current profile: CD-ROM */
	if (rt == 3) {
		check_condition(c, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
		return;
	}
	if (start == 0) {          /* profile list */
		r[len + 2] = 0x03; /* persistent, current */
		r[len + 3] = 4;
		put16(r + len + 4, 0x0008);
		r[len + 6] = d->medium ? 0x01 : 0x00;
		len += 8;
	}
	if (start <= 1 && !(rt == 2 && start != 1)) { /* core */
		put16(r + len, 0x0001);
		r[len + 2] = 0x03;
		r[len + 3] = 4;
		put32(r + len + 4, 2); /* physical interface: ATAPI */
		len += 8;
	}
	put32(r, len - 4);
	send_reply(c, d, len, be16(d->cdb + 7));
}

/* GET EVENT STATUS NOTIFICATION (polled only): the media class, reporting
 * no change and whether a disc is in. */
static void scsi_get_event_status(struct ata_channel *c, struct ata_drive *d)
{
	if (!(d->cdb[1] & 1)) {
		check_condition(c, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
		return;
	}
	uint8_t *r = d->reply;
	memset(r, 0, 8);
	r[3] = 0x10; /* supported classes: media */
	uint32_t len = 4;
	if (d->cdb[4] & 0x10) {
		r[2] = 0x04; /* media class */
		r[5] = d->medium ? 0x02 : 0x00;
		len = 8;
	} else {
		r[2] = 0x80; /* no event available */
	}
	put16(r, len - 2);
	send_reply(c, d, len, be16(d->cdb + 7));
}

/* The 12-byte packet has arrived: run it. */
static void packet_received(struct ata_channel *c, struct ata_drive *d)
{
	memcpy(d->cdb, d->buf, sizeof(d->cdb));
	uint8_t op = d->cdb[0];
	/* Sense data describes the last command: any other command than
	 * REQUEST SENSE starts with none. */
	if (op != SCSI_REQUEST_SENSE)
		atapi_reset(d);
	switch (op) {
	case SCSI_TEST_UNIT_READY:
		if (need_medium(c, d))
			packet_ok(c, d);
		break;
	case SCSI_REQUEST_SENSE: scsi_request_sense(c, d); break;
	case SCSI_INQUIRY: scsi_inquiry(c, d); break;
	case SCSI_MODE_SENSE_6: scsi_mode_sense(c, d, false); break;
	case SCSI_MODE_SENSE_10: scsi_mode_sense(c, d, true); break;
	case SCSI_PREVENT_ALLOW:
		d->prevent = d->cdb[4] & 1;
		packet_ok(c, d);
		break;
	case SCSI_START_STOP_UNIT: /* the disc stays in (no eject) */
	case SCSI_SET_CD_SPEED: packet_ok(c, d); break;
	case SCSI_SEEK_10:
		if (need_medium(c, d))
			packet_ok(c, d);
		break;
	case SCSI_READ_CAPACITY: scsi_read_capacity(c, d); break;
	case SCSI_READ_10: scsi_read(c, d, false); break;
	case SCSI_READ_12: scsi_read(c, d, true); break;
	case SCSI_READ_TOC: scsi_read_toc(c, d); break;
	case SCSI_GET_CONFIGURATION: scsi_get_configuration(c, d); break;
	case SCSI_GET_EVENT_STATUS: scsi_get_event_status(c, d); break;
	default: check_condition(c, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE); break;
	}
}

/* PACKET: the byte count limit comes from LBA mid/high; DMA (features bit
 * 0) is refused, as IDENTIFY PACKET DEVICE offers none. The packet is asked
 * for without an interrupt. */
static void cmd_packet(struct ata_channel *c, struct ata_drive *d)
{
	if (d->feature & 1) {
		ata_fail(c, d, ATA_ER_ABRT);
		return;
	}
	d->bcl = (uint16_t)(d->lbam | d->lbah << 8);
	d->nsect = ATAPI_IR_COD;
	ata_pio_out(c, d, sizeof(d->cdb), packet_received, false);
}

void atapi_command(struct ata_channel *c, struct ata_drive *d, uint8_t cmd)
{
	switch (cmd) {
	case CMD_PACKET: cmd_packet(c, d); break;
	case CMD_IDENTIFY_PACKET:
		cdrom_identify(d, d->buf);
		ata_pio_in(c, d, ATA_SECTOR_SIZE, identify_done, true);
		break;
	case CMD_IDENTIFY:
		/* A packet device refuses IDENTIFY DEVICE and shows its
		 * signature, which is how drivers tell it apart. */
		ata_set_signature(d);
		ata_fail(c, d, ATA_ER_ABRT);
		break;
	case CMD_DEVICE_RESET:
		/* Completes without an interrupt, in the reset state. */
		ata_set_signature(d);
		atapi_reset(d);
		d->error = 0x01;
		d->status = 0;
		break;
	case CMD_SET_FEATURES:
		/* The transfer mode (PIO only) and harmless toggles. */
		if (d->feature == 0x03 && d->nsect > 0x01 && (d->nsect < 0x08 || d->nsect > 0x0C))
			ata_fail(c, d, ATA_ER_ABRT);
		else if (d->feature == 0x03 || d->feature == 0x55 || d->feature == 0xAA ||
			 d->feature == 0x66 || d->feature == 0xCC)
			ata_complete(c, d);
		else
			ata_fail(c, d, ATA_ER_ABRT);
		break;
	case CMD_CHECK_POWER_MODE:
		d->nsect = 0xFF;
		ata_complete(c, d);
		break;
	case 0xE0:
	case 0xE1:
	case 0xE2:
	case 0xE3:
	case 0xE6: ata_complete(c, d); break;
	default: ata_fail(c, d, ATA_ER_ABRT); break;
	}
}
