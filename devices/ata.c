/* ata.c: the ATA/IDE controller: channels, task-file registers, the PIO
 * data phase, interrupts, soft reset and device attachment (see ata.h).
 *
 * The command sets live apart: ata_cmd.c for hard disks, atapi.c for the
 * CD-ROM drive. This file decides who sees a register access (both devices
 * for writes, the selected one for reads and commands) and moves data
 * through the data port.
 */
#include "devices/ata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/ata_internal.h"
#include "vmm/io_bus.h"

/* Register offsets in the command block. */
enum {
	REG_DATA = 0,
	REG_ERROR = 1, /* read: error, write: features */
	REG_NSECT = 2,
	REG_LBAL = 3,
	REG_LBAM = 4,
	REG_LBAH = 5,
	REG_SELECT = 6,
	REG_STATUS = 7, /* read: status, write: command */
};

#define CMD_EXECUTE_DEVICE_DIAGNOSTIC 0x90
#define CMD_DEVICE_RESET 0x08

static uint16_t cmd_base(const struct ata_channel *c)
{
	return c->index ? ATA_SECONDARY_CMD : ATA_PRIMARY_CMD;
}

static bool present(const struct ata_drive *d)
{
	return d->kind != ATA_NONE;
}

static bool channel_empty(const struct ata_channel *c)
{
	return !present(&c->drive[0]) && !present(&c->drive[1]);
}

void ata_update_irq(struct ata_channel *c)
{
	const struct ata_drive *d = &c->drive[c->sel];
	bool level = d->intrq && !(c->control & ATA_CTL_NIEN);
	if (level != c->irq_level) {
		c->irq_level = level;
		irq_set(&c->irq, level);
	}
}

void ata_raise(struct ata_channel *c, struct ata_drive *d)
{
	d->intrq = true;
	ata_update_irq(c);
}

static void pio_start(struct ata_channel *c, struct ata_drive *d, enum ata_phase phase,
		      uint32_t len, void (*done)(struct ata_channel *, struct ata_drive *),
		      bool irq)
{
	d->phase = phase;
	d->pos = 0;
	d->len = len < ATA_BUF_SIZE ? len : ATA_BUF_SIZE;
	d->block_done = done;
	d->status = ATA_ST_DRDY | ATA_ST_DSC | ATA_ST_DRQ;
	if (irq)
		ata_raise(c, d);
}

void ata_pio_in(struct ata_channel *c, struct ata_drive *d, uint32_t len,
		void (*done)(struct ata_channel *, struct ata_drive *), bool irq)
{
	pio_start(c, d, ATA_PHASE_IN, len, done, irq);
}

void ata_pio_out(struct ata_channel *c, struct ata_drive *d, uint32_t len,
		 void (*done)(struct ata_channel *, struct ata_drive *), bool irq)
{
	pio_start(c, d, ATA_PHASE_OUT, len, done, irq);
}

/* Leaves the data phase (the block is done, or the command was cancelled). */
static void pio_stop(struct ata_drive *d)
{
	d->phase = ATA_PHASE_NONE;
	d->block_done = NULL;
	d->status &= (uint8_t)~ATA_ST_DRQ;
}

void ata_complete(struct ata_channel *c, struct ata_drive *d)
{
	pio_stop(d);
	d->status = ATA_ST_DRDY | ATA_ST_DSC;
	ata_raise(c, d);
}

void ata_fail(struct ata_channel *c, struct ata_drive *d, uint8_t err)
{
	pio_stop(d);
	d->error = err;
	d->status = ATA_ST_DRDY | ATA_ST_DSC | ATA_ST_ERR;
	ata_raise(c, d);
}

void ata_set_signature(struct ata_drive *d)
{
	d->nsect = 1;
	d->lbal = 1;
	d->select = 0;
	d->hob_nsect = d->hob_lbal = d->hob_lbam = d->hob_lbah = d->hob_feature = 0;
	if (d->kind == ATA_DISK) {
		d->lbam = 0x00;
		d->lbah = 0x00;
	} else if (d->kind == ATA_CDROM) {
		d->lbam = 0x14;
		d->lbah = 0xEB;
	} else {
		d->lbam = 0xFF;
		d->lbah = 0xFF;
	}
}

void ata_id_string(uint16_t *w, unsigned n, const char *s)
{
	size_t len = strlen(s);
	for (unsigned i = 0; i < n; i++) {
		uint8_t hi = 2 * i < len ? (uint8_t)s[2 * i] : ' ';
		uint8_t lo = 2 * i + 1 < len ? (uint8_t)s[2 * i + 1] : ' ';
		w[i] = (uint16_t)(hi << 8 | lo);
	}
}

void ata_id_store(uint8_t *buf, uint16_t *w)
{
	/* Word 255: signature A5h in the low byte and a checksum in the high
	 * byte that makes the sum of all 512 bytes zero (ATA-5 and later). */
	w[255] = 0x00A5;
	uint8_t sum = 0;
	for (unsigned i = 0; i < 255; i++)
		sum = (uint8_t)(sum + (w[i] & 0xFF) + (w[i] >> 8));
	sum = (uint8_t)(sum + 0xA5);
	w[255] |= (uint16_t)((uint8_t)-sum << 8);
	for (unsigned i = 0; i < 256; i++) {
		buf[2 * i] = (uint8_t)w[i];
		buf[2 * i + 1] = (uint8_t)(w[i] >> 8);
	}
}

/* The state a device is in after power-on, a soft reset or EXECUTE DEVICE
 * DIAGNOSTIC: signature in the task file, diagnostic code 01h (passed),
 * disks ready, packet devices with DRDY clear until their first command. */
static void drive_reset(struct ata_drive *d)
{
	pio_stop(d);
	d->intrq = false;
	ata_set_signature(d);
	d->feature = 0;
	d->error = 0x01;
	if (d->kind == ATA_DISK)
		d->status = ATA_ST_DRDY | ATA_ST_DSC;
	else
		d->status = 0;
	if (d->kind == ATA_CDROM)
		atapi_reset(d);
}

/* EXECUTE DEVICE DIAGNOSTIC runs on both devices whatever DEV says; device
 * 0 then reports for both (error 01h: both passed or device 1 absent) and
 * is selected, and it raises the interrupt. */
static void channel_diagnostic(struct ata_channel *c)
{
	for (int i = 0; i < 2; i++)
		drive_reset(&c->drive[i]);
	c->sel = 0;
	if (present(&c->drive[0]))
		c->drive[0].intrq = true;
	ata_update_irq(c);
}

static void write_command(struct ata_channel *c, uint8_t cmd)
{
	/* Nothing listens while the channel is held in reset. */
	if (channel_empty(c) || (c->control & ATA_CTL_SRST))
		return;
	if (cmd == CMD_EXECUTE_DEVICE_DIAGNOSTIC) {
		channel_diagnostic(c);
		return;
	}
	struct ata_drive *d = &c->drive[c->sel];
	/* Commands to an absent device go nowhere; a busy device ignores the
	 * command register, except that a packet device can always be reset. */
	if (!present(d) || ((d->status & ATA_ST_BSY) && cmd != CMD_DEVICE_RESET))
		return;
	pio_stop(d);
	d->intrq = false;
	d->error = 0;
	ata_update_irq(c);
	if (d->kind == ATA_DISK)
		ata_disk_command(c, d, cmd);
	else
		atapi_command(c, d, cmd);
}

/* The device control register. Setting SRST holds both devices in reset
 * (BSY); clearing it finishes the reset at once: signatures in the task
 * files, device 0 selected, no interrupt (as the standard says). */
static void write_control(struct ata_channel *c, uint8_t v)
{
	uint8_t old = c->control;
	c->control = v;
	if ((v & ATA_CTL_SRST) && !(old & ATA_CTL_SRST)) {
		for (int i = 0; i < 2; i++) {
			struct ata_drive *d = &c->drive[i];
			if (!present(d))
				continue;
			pio_stop(d);
			d->intrq = false;
			d->status = ATA_ST_BSY;
		}
	} else if (!(v & ATA_CTL_SRST) && (old & ATA_CTL_SRST)) {
		for (int i = 0; i < 2; i++)
			drive_reset(&c->drive[i]);
		c->sel = 0;
	}
	ata_update_irq(c);
}

/* A write to a command block register reaches both devices; each keeps the
 * previous value for LBA48 (a two-deep register). A busy device ignores it. */
static void write_taskfile(struct ata_channel *c, unsigned reg, uint8_t v)
{
	c->control &= (uint8_t)~ATA_CTL_HOB;
	for (int i = 0; i < 2; i++) {
		struct ata_drive *d = &c->drive[i];
		if (d->status & ATA_ST_BSY)
			continue;
		switch (reg) {
		case REG_ERROR:
			d->hob_feature = d->feature;
			d->feature = v;
			break;
		case REG_NSECT:
			d->hob_nsect = d->nsect;
			d->nsect = v;
			break;
		case REG_LBAL:
			d->hob_lbal = d->lbal;
			d->lbal = v;
			break;
		case REG_LBAM:
			d->hob_lbam = d->lbam;
			d->lbam = v;
			break;
		case REG_LBAH:
			d->hob_lbah = d->lbah;
			d->lbah = v;
			break;
		case REG_SELECT: d->select = v; break;
		}
	}
	if (reg == REG_SELECT) {
		c->sel = (v & ATA_DEV_DEV) ? 1 : 0;
		ata_update_irq(c);
	}
}

static uint8_t read_taskfile(struct ata_channel *c, unsigned reg)
{
	if (channel_empty(c))
		return 0xFF;
	struct ata_drive *d = &c->drive[c->sel];
	bool hob = c->control & ATA_CTL_HOB;
	switch (reg) {
	case REG_ERROR: return d->error;
	case REG_NSECT: return hob ? d->hob_nsect : d->nsect;
	case REG_LBAL: return hob ? d->hob_lbal : d->lbal;
	case REG_LBAM: return hob ? d->hob_lbam : d->lbam;
	case REG_LBAH: return hob ? d->hob_lbah : d->lbah;
	case REG_SELECT: return d->select;
	default: /* REG_STATUS: reading it acknowledges the interrupt */
		if (!present(d))
			return 0;
		d->intrq = false;
		ata_update_irq(c);
		return d->status;
	}
}

static uint8_t read_alt_status(struct ata_channel *c)
{
	if (channel_empty(c))
		return 0xFF;
	const struct ata_drive *d = &c->drive[c->sel];
	return present(d) ? d->status : 0;
}

/* One 16-bit transfer through the data port. Outside a data phase reads
 * give all-ones and writes are dropped. */
static uint16_t data_read(struct ata_channel *c)
{
	struct ata_drive *d = &c->drive[c->sel];
	if (d->phase != ATA_PHASE_IN)
		return 0xFFFF;
	/* len <= ATA_BUF_SIZE and pos < len, so pos + 1 is inside buf. */
	uint16_t v = (uint16_t)(d->buf[d->pos] | d->buf[d->pos + 1] << 8);
	d->pos += 2;
	if (d->pos >= d->len) {
		void (*done)(struct ata_channel *, struct ata_drive *) = d->block_done;
		pio_stop(d);
		if (done)
			done(c, d);
	}
	return v;
}

static void data_write(struct ata_channel *c, uint16_t v)
{
	struct ata_drive *d = &c->drive[c->sel];
	if (d->phase != ATA_PHASE_OUT)
		return;
	d->buf[d->pos] = (uint8_t)v;
	d->buf[d->pos + 1] = (uint8_t)(v >> 8);
	d->pos += 2;
	if (d->pos >= d->len) {
		void (*done)(struct ata_channel *, struct ata_drive *) = d->block_done;
		pio_stop(d);
		if (done)
			done(c, d);
	}
}

static uint8_t cmd_read8(void *opaque, uint16_t port)
{
	struct ata_channel *c = opaque;
	unsigned reg = (unsigned)(port - cmd_base(c)) & 7;
	if (reg == REG_DATA)
		return channel_empty(c) ? 0xFF : (uint8_t)data_read(c);
	return read_taskfile(c, reg);
}

static void cmd_write8(void *opaque, uint16_t port, uint8_t v)
{
	struct ata_channel *c = opaque;
	unsigned reg = (unsigned)(port - cmd_base(c)) & 7;
	if (reg == REG_DATA)
		data_write(c, v);
	else if (reg == REG_STATUS)
		write_command(c, v);
	else
		write_taskfile(c, reg, v);
}

/* Word and dword accesses to the data port move 16 or 32 bits of data (the
 * PIIX does 32-bit PIO as two word cycles); elsewhere in the block they act
 * byte by byte, as the ISA bus splits them. */
static uint16_t cmd_read16(void *opaque, uint16_t port)
{
	struct ata_channel *c = opaque;
	if (port == cmd_base(c))
		return channel_empty(c) ? 0xFFFF : data_read(c);
	return (uint16_t)(cmd_read8(c, port) | cmd_read8(c, (uint16_t)(port + 1)) << 8);
}

static void cmd_write16(void *opaque, uint16_t port, uint16_t v)
{
	struct ata_channel *c = opaque;
	if (port == cmd_base(c)) {
		data_write(c, v);
		return;
	}
	cmd_write8(c, port, (uint8_t)v);
	cmd_write8(c, (uint16_t)(port + 1), (uint8_t)(v >> 8));
}

static uint32_t cmd_read32(void *opaque, uint16_t port)
{
	struct ata_channel *c = opaque;
	if (port == cmd_base(c)) {
		if (channel_empty(c))
			return 0xFFFFFFFFu;
		uint32_t lo = data_read(c);
		return lo | (uint32_t)data_read(c) << 16;
	}
	uint32_t v = 0;
	for (unsigned i = 0; i < 4; i++)
		v |= (uint32_t)cmd_read8(c, (uint16_t)(port + i)) << (8 * i);
	return v;
}

static void cmd_write32(void *opaque, uint16_t port, uint32_t v)
{
	struct ata_channel *c = opaque;
	if (port == cmd_base(c)) {
		data_write(c, (uint16_t)v);
		data_write(c, (uint16_t)(v >> 16));
		return;
	}
	for (unsigned i = 0; i < 4; i++)
		cmd_write8(c, (uint16_t)(port + i), (uint8_t)(v >> (8 * i)));
}

static uint8_t ctl_read8(void *opaque, uint16_t port)
{
	return read_alt_status(opaque);
}

static void ctl_write8(void *opaque, uint16_t port, uint8_t v)
{
	write_control(opaque, v);
}

static const struct io_ops cmd_ops = {
	.read8 = cmd_read8,
	.write8 = cmd_write8,
	.read16 = cmd_read16,
	.write16 = cmd_write16,
	.read32 = cmd_read32,
	.write32 = cmd_write32,
};

/* Only the alternate status / device control port: the next one (0x3F7) is
 * the floppy controller's digital input register. */
static const struct io_ops ctl_ops = {
	.read8 = ctl_read8,
	.write8 = ctl_write8,
};

int ata_init(struct ata *a, struct io_bus *io, struct irq_line irq14, struct irq_line irq15)
{
	memset(a, 0, sizeof(*a));
	static const char *const names[2][2] = { { "ata0", "ata0-ctl" }, { "ata1", "ata1-ctl" } };
	for (int i = 0; i < 2; i++) {
		struct ata_channel *c = &a->ch[i];
		c->index = (uint8_t)i;
		c->irq = i ? irq15 : irq14;
		for (int j = 0; j < 2; j++) {
			c->drive[j].serial = (uint8_t)(i * 2 + j);
			drive_reset(&c->drive[j]);
		}
		if (io_register(io, i ? ATA_SECONDARY_CMD : ATA_PRIMARY_CMD, 8, &cmd_ops, c,
				names[i][0]) < 0 ||
		    io_register(io, i ? ATA_SECONDARY_CTL : ATA_PRIMARY_CTL, 1, &ctl_ops, c,
				names[i][1]) < 0)
			return -1;
	}
	return 0;
}

/* Claims ch/dev for a new device; returns it, or NULL with a reason. */
static struct ata_drive *attach_slot(struct ata *a, unsigned ch, unsigned dev, const char *what,
				     char *err, size_t errlen)
{
	if (ch > 1 || dev > 1) {
		snprintf(err, errlen, "%s: no such ATA position (channel %u, device %u)", what, ch,
			 dev);
		return NULL;
	}
	struct ata_drive *d = &a->ch[ch].drive[dev];
	if (present(d)) {
		snprintf(err, errlen, "%s: the ATA %s %s is already in use", what,
			 ch ? "secondary" : "primary", dev ? "slave" : "master");
		return NULL;
	}
	return d;
}

/* The translation a BIOS and old drivers see: 16 heads, 63 sectors per
 * track and as many cylinders as fit, at most 16383 (the ATA limit for
 * the default geometry) and at least one, so even a tiny image has one. */
static void disk_geometry(struct ata_drive *d)
{
	uint64_t cyls = d->sectors / (16 * 63);
	if (cyls > 16383)
		cyls = 16383;
	if (cyls == 0)
		cyls = 1;
	d->cyls = d->cur_cyls = (uint16_t)cyls;
	d->heads = d->cur_heads = 16;
	d->spt = d->cur_spt = 63;
}

int ata_attach_disk(struct ata *a, unsigned ch, unsigned dev, const char *path, const char *what,
		    bool snapshot, char *err, size_t errlen)
{
	struct ata_drive *d = attach_slot(a, ch, dev, what, err, errlen);
	if (!d)
		return -1;
	uint8_t *buf = calloc(1, ATA_BUF_SIZE);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", what);
		return -1;
	}
	if (disk_image_open(&d->img, path, what, snapshot ? DISK_IMAGE_SNAPSHOT : 0, err, errlen) <
	    0) {
		free(buf);
		return -1;
	}
	d->buf = buf;
	d->kind = ATA_DISK;
	d->sectors = d->img.sectors;
	d->write_cache = true;
	d->mult = 0;
	disk_geometry(d);
	drive_reset(d);
	return 0;
}

int ata_attach_cdrom(struct ata *a, unsigned ch, unsigned dev, const char *path, const char *what,
		     char *err, size_t errlen)
{
	struct ata_drive *d = attach_slot(a, ch, dev, what, err, errlen);
	if (!d)
		return -1;
	uint8_t *buf = calloc(1, ATA_BUF_SIZE);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", what);
		return -1;
	}
	if (path && disk_image_open(&d->img, path, what, DISK_IMAGE_READ_ONLY, err, errlen) < 0) {
		free(buf);
		return -1;
	}
	d->buf = buf;
	d->kind = ATA_CDROM;
	d->medium = path != NULL;
	/* A last partial 2048-byte sector reads with zeros after the end. */
	d->cd_sectors = (d->img.sectors + 3) / 4;
	drive_reset(d);
	return 0;
}

bool ata_write_protected(const struct ata *a, unsigned ch, unsigned dev)
{
	if (ch > 1 || dev > 1)
		return false;
	const struct ata_drive *d = &a->ch[ch].drive[dev];
	return d->kind == ATA_DISK && d->img.write_protected;
}

int ata_flush(struct ata *a)
{
	int r = 0;
	for (int i = 0; i < 2; i++) {
		for (int j = 0; j < 2; j++) {
			if (disk_image_flush(&a->ch[i].drive[j].img) < 0)
				r = -1;
		}
	}
	return r;
}

int ata_free(struct ata *a)
{
	int r = 0;
	for (int i = 0; i < 2; i++) {
		for (int j = 0; j < 2; j++) {
			struct ata_drive *d = &a->ch[i].drive[j];
			if (disk_image_close(&d->img) < 0)
				r = -1;
			free(d->buf);
			d->buf = NULL;
			d->kind = ATA_NONE;
			d->phase = ATA_PHASE_NONE;
		}
	}
	return r;
}
