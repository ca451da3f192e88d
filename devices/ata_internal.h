/* ata_internal.h: what the ATA controller (ata.c), the ATA command set
 * (ata_cmd.c) and the ATAPI packet commands (atapi.c) share. Not for use
 * outside the ATA model; the board sees only ata.h. */
#ifndef POPEK_DEVICES_ATA_INTERNAL_H
#define POPEK_DEVICES_ATA_INTERNAL_H

#include "devices/ata.h"

/* Drives the channel's IRQ line from the selected device's INTRQ and nIEN. */
void ata_update_irq(struct ata_channel *c);

/* Marks an interrupt pending on `d` and updates the line. */
void ata_raise(struct ata_channel *c, struct ata_drive *d);

/* Starts a PIO data-in (device to host) or data-out block of `len` bytes of
 * d->buf: DRQ is set, and `done` runs once the host has moved the last byte.
 * With `irq`, the block is announced with an interrupt. */
void ata_pio_in(struct ata_channel *c, struct ata_drive *d, uint32_t len,
		void (*done)(struct ata_channel *, struct ata_drive *), bool irq);
void ata_pio_out(struct ata_channel *c, struct ata_drive *d, uint32_t len,
		 void (*done)(struct ata_channel *, struct ata_drive *), bool irq);

/* Ends the command successfully: DRDY (and DSC), no DRQ, interrupt. */
void ata_complete(struct ata_channel *c, struct ata_drive *d);

/* Ends the command with an error: ERR set, `err` in the error register,
 * interrupt. */
void ata_fail(struct ata_channel *c, struct ata_drive *d, uint8_t err);

/* Puts the reset signature in the task file: 01/01/00/00 for a disk,
 * 01/01/14/EB for a packet device, 01/01/FF/FF for an absent device. */
void ata_set_signature(struct ata_drive *d);

/* Fills `n` identify words from `w` on with `s`, space-padded, two
 * characters a word, the first in the high byte (the ATA string order). */
void ata_id_string(uint16_t *w, unsigned n, const char *s);

/* Stores identify words little-endian into `buf` (512 bytes), with the
 * integrity word 255 (signature A5h and checksum) filled in. */
void ata_id_store(uint8_t *buf, uint16_t *w);

/* Executes an ATA command on a hard disk (ata_cmd.c). */
void ata_disk_command(struct ata_channel *c, struct ata_drive *d, uint8_t cmd);

/* Executes an ATA command on a packet device (atapi.c). */
void atapi_command(struct ata_channel *c, struct ata_drive *d, uint8_t cmd);

/* The packet device part of a reset: sense data cleared (atapi.c). */
void atapi_reset(struct ata_drive *d);

#endif
