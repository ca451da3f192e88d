/* test_atapi.c: the ATAPI CD-ROM drive through the ports: its signature
 * and IDENTIFY PACKET DEVICE, the packet phase (DRQ with reason CoD, no
 * interrupt), data phases chunked by the byte count limit, the status
 * phase, READ CAPACITY, READ(10)/(12), READ TOC, INQUIRY, MODE SENSE, GET
 * CONFIGURATION, sense data after errors, and an empty drive. */
#include "tests/devices/ata_test_env.h"

static void cd_select(struct fixture *f)
{
	outb(f, S + 6, 0xA0);
}

/* Sends PACKET and the 12-byte command, checking the packet phase. */
static void send_packet(struct fixture *f, const uint8_t *cdb, uint16_t bcl)
{
	cd_select(f);
	outb(f, S + 1, 0);
	outb(f, S + 4, (uint8_t)bcl);
	outb(f, S + 5, (uint8_t)(bcl >> 8));
	int r0 = f->rises[1];
	outb(f, S + 7, 0xA0);
	assert_int_equal(inb(f, SC) & 0x89, 0x08); /* DRQ, not BSY, no ERR */
	assert_int_equal(inb(f, S + 2) & 3, 1);    /* CoD: command out */
	assert_int_equal(f->rises[1], r0);         /* no interrupt for it */
	write_words(f, S, cdb, 12);
}

/* Takes the data phase (each chunk: interrupt, DRQ, reason IO, its size in
 * LBA mid/high) into buf; returns the bytes, counts the chunks; checks the
 * status phase. Returns the final status. */
static uint8_t take_data(struct fixture *f, uint8_t *buf, size_t max, size_t *got, int *chunks)
{
	*got = 0;
	*chunks = 0;
	for (;;) {
		assert_int_equal(f->level[1], 1);
		uint8_t st = inb(f, S + 7);
		assert_int_equal(f->level[1], 0);
		if (!(st & 0x08)) {
			assert_int_equal(inb(f, S + 2) & 3, 3); /* CoD | IO: status */
			return st;
		}
		assert_int_equal(inb(f, S + 2) & 3, 2);
		unsigned n = inb(f, S + 4) | inb(f, S + 5) << 8;
		assert_true(*got + n <= max);
		read_words(f, S, buf + *got, n);
		*got += n;
		(*chunks)++;
	}
}

static uint8_t packet(struct fixture *f, const uint8_t *cdb, uint16_t bcl, uint8_t *buf, size_t max,
		      size_t *got)
{
	int chunks;
	send_packet(f, cdb, bcl);
	return take_data(f, buf, max, got, &chunks);
}

static void request_sense(struct fixture *f, uint8_t *key, uint8_t *asc)
{
	uint8_t cdb[12] = { 0x03, 0, 0, 0, 18 };
	uint8_t r[18];
	size_t got;
	assert_int_equal(packet(f, cdb, 18, r, sizeof(r), &got), 0x50);
	assert_int_equal(got, 18);
	assert_int_equal(r[0], 0x70);
	*key = r[2] & 0x0F;
	*asc = r[12];
}

static void test_atapi_identify(void **state)
{
	struct fixture *f = *state;
	cd_select(f);
	assert_int_equal(inb(f, S + 7), 0x00);
	assert_int_equal(inb(f, S + 4), 0x14);
	assert_int_equal(inb(f, S + 5), 0xEB);
	/* IDENTIFY DEVICE is refused, with the signature shown. */
	outb(f, S + 4, 0);
	outb(f, S + 7, 0xEC);
	assert_int_equal(inb(f, S + 7) & 0x01, 0x01);
	assert_int_equal(inb(f, S + 1), 0x04);
	assert_int_equal(inb(f, S + 4), 0x14);
	assert_int_equal(inb(f, S + 5), 0xEB);
	outb(f, S + 7, 0xA1);
	assert_int_equal(inb(f, S + 7), 0x58);
	uint8_t b[512];
	read_words(f, S, b, 512);
	uint16_t w[256];
	for (int i = 0; i < 256; i++)
		w[i] = (uint16_t)(b[2 * i] | b[2 * i + 1] << 8);
	assert_int_equal(w[0], 0x85C0);
	char s[41];
	id_string(&w[27], 20, s);
	assert_int_equal(strncmp(s, "popek CD-ROM ", 13), 0);
	assert_true(w[49] & 0x0200);
	assert_int_equal(inb(f, S + 7), 0x50);
	/* DEVICE RESET: signature, no interrupt. */
	int r0 = f->rises[1];
	outb(f, S + 7, 0x08);
	assert_int_equal(f->rises[1], r0);
	assert_int_equal(inb(f, S + 7), 0x00);
	assert_int_equal(inb(f, S + 5), 0xEB);
	/* Commands a disk takes are refused. */
	outb(f, S + 7, 0x20);
	assert_int_equal(inb(f, S + 7), 0x51);
	assert_int_equal(inb(f, S + 1), 0x04);
}

static void test_atapi_read(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[CD_SECTORS * 2048];
	size_t got;
	int chunks;
	uint8_t tur[12] = { 0x00 };
	assert_int_equal(packet(f, tur, 0, buf, 0, &got), 0x50);

	uint8_t cap[12] = { 0x25 };
	assert_int_equal(packet(f, cap, 8, buf, sizeof(buf), &got), 0x50);
	assert_int_equal(got, 8);
	assert_int_equal(buf[3], CD_SECTORS - 1);
	assert_int_equal(buf[0] | buf[1] | buf[2], 0);
	assert_int_equal(buf[6], 0x08); /* 2048 */

	/* READ(10) LBA 2, 2 sectors, byte count limit 2048: two chunks. */
	uint8_t rd[12] = { 0x28, 0, 0, 0, 0, 2, 0, 0, 2 };
	send_packet(f, rd, 2048);
	assert_int_equal(take_data(f, buf, sizeof(buf), &got, &chunks), 0x50);
	assert_int_equal(got, 4096);
	assert_int_equal(chunks, 2);
	for (unsigned k = 0; k < 8; k++)
		assert_pattern(buf + k * 512, 8 + k);

	/* The whole disc through READ(12) in odd-sized chunks of 1000 bytes:
	 * the data runs on across chunk and sector boundaries. */
	uint8_t rd12[12] = { 0xA8, 0, 0, 0, 0, 0, 0, 0, 0, CD_SECTORS };
	send_packet(f, rd12, 1000);
	assert_int_equal(take_data(f, buf, sizeof(buf), &got, &chunks), 0x50);
	assert_int_equal(got, CD_SECTORS * 2048);
	assert_int_equal(chunks, (CD_SECTORS * 2048 + 999) / 1000);
	for (unsigned k = 0; k < CD_SECTORS * 4; k++)
		assert_pattern(buf + k * 512, k);

	/* A zero count reads nothing and succeeds. */
	uint8_t rd0[12] = { 0x28, 0, 0, 0, 0, 1 };
	assert_int_equal(packet(f, rd0, 2048, buf, sizeof(buf), &got), 0x50);
	assert_int_equal(got, 0);
}

static void test_atapi_errors(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[4096], key, asc;
	size_t got;
	/* Past the end: CHECK CONDITION, sense key in the error register. */
	uint8_t rd[12] = { 0x28, 0, 0, 0, 0, CD_SECTORS - 1, 0, 0, 2 };
	uint8_t st = packet(f, rd, 2048, buf, sizeof(buf), &got);
	assert_int_equal(st, 0x51);
	assert_int_equal(got, 0);
	assert_int_equal(inb(f, S + 1), 0x50);
	request_sense(f, &key, &asc);
	assert_int_equal(key, 0x05);
	assert_int_equal(asc, 0x21);
	request_sense(f, &key, &asc); /* reported once */
	assert_int_equal(key, 0);
	assert_int_equal(asc, 0);
	uint8_t far[12] = { 0x28, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 1 };
	assert_int_equal(packet(f, far, 2048, buf, sizeof(buf), &got), 0x51);
	/* Unknown opcode. */
	uint8_t unk[12] = { 0xFF };
	assert_int_equal(packet(f, unk, 2048, buf, sizeof(buf), &got), 0x51);
	request_sense(f, &key, &asc);
	assert_int_equal(key, 0x05);
	assert_int_equal(asc, 0x20);
	/* A later good command clears the sense. */
	assert_int_equal(packet(f, unk, 2048, buf, sizeof(buf), &got), 0x51);
	uint8_t tur[12] = { 0x00 };
	assert_int_equal(packet(f, tur, 0, buf, 0, &got), 0x50);
	request_sense(f, &key, &asc);
	assert_int_equal(key, 0);
	/* PACKET asking for DMA is refused. */
	outb(f, S + 1, 1);
	outb(f, S + 7, 0xA0);
	assert_int_equal(inb(f, S + 7), 0x51);
	assert_int_equal(inb(f, S + 1), 0x04);
	/* A short allocation length cuts the reply. */
	uint8_t rs[12] = { 0x03, 0, 0, 0, 8 };
	assert_int_equal(packet(f, rs, 18, buf, sizeof(buf), &got), 0x50);
	assert_int_equal(got, 8);
}

static void test_atapi_toc(void **state)
{
	struct fixture *f = *state;
	uint8_t r[64];
	size_t got;
	uint8_t toc[12] = { 0x43, 0, 0, 0, 0, 0, 0, 0, 64 };
	assert_int_equal(packet(f, toc, 64, r, sizeof(r), &got), 0x50);
	assert_int_equal(got, 20);
	assert_int_equal(r[0] << 8 | r[1], 18);
	assert_int_equal(r[2], 1);
	assert_int_equal(r[3], 1);
	assert_int_equal(r[5], 0x14);
	assert_int_equal(r[6], 1);
	assert_int_equal(r[8] | r[9] | r[10] | r[11], 0);
	assert_int_equal(r[14], 0xAA);
	assert_int_equal(r[19], CD_SECTORS);
	/* MSF: track 1 at 00:02:00, lead-out at CD_SECTORS + 150 frames. */
	toc[1] = 0x02;
	assert_int_equal(packet(f, toc, 64, r, sizeof(r), &got), 0x50);
	assert_int_equal(r[9], 0);
	assert_int_equal(r[10], 2);
	assert_int_equal(r[11], 0);
	assert_int_equal(r[17], 0);
	assert_int_equal(r[18], (CD_SECTORS + 150) / 75);
	assert_int_equal(r[19], (CD_SECTORS + 150) % 75);
	/* Starting at the lead-out: only it. Past it: refused. */
	toc[1] = 0;
	toc[6] = 0xAA;
	assert_int_equal(packet(f, toc, 64, r, sizeof(r), &got), 0x50);
	assert_int_equal(got, 12);
	assert_int_equal(r[6], 0xAA);
	toc[6] = 2;
	assert_int_equal(packet(f, toc, 64, r, sizeof(r), &got), 0x51);
	/* Format 1: the last session's first track. */
	toc[6] = 0;
	toc[2] = 1;
	assert_int_equal(packet(f, toc, 64, r, sizeof(r), &got), 0x50);
	assert_int_equal(got, 12);
	assert_int_equal(r[6], 1);
}

static void test_atapi_info(void **state)
{
	struct fixture *f = *state;
	uint8_t r[256];
	size_t got;
	uint8_t inq[12] = { 0x12, 0, 0, 0, 36 };
	assert_int_equal(packet(f, inq, 36, r, sizeof(r), &got), 0x50);
	assert_int_equal(got, 36);
	assert_int_equal(r[0], 0x05);
	assert_int_equal(r[1], 0x80);
	assert_memory_equal(r + 16, "popek CD-ROM", 12);
	inq[1] = 1; /* VPD: none */
	assert_int_equal(packet(f, inq, 36, r, sizeof(r), &got), 0x51);

	uint8_t ms[12] = { 0x5A, 0, 0x2A, 0, 0, 0, 0, 0, 255 };
	assert_int_equal(packet(f, ms, 0xFFFE, r, sizeof(r), &got), 0x50);
	assert_int_equal(got, 28);
	assert_int_equal(r[0] << 8 | r[1], 26);
	assert_int_equal(r[8], 0x2A);
	assert_int_equal(r[9], 18);
	ms[2] = 0x3F;
	assert_int_equal(packet(f, ms, 0xFFFE, r, sizeof(r), &got), 0x50);
	assert_int_equal(r[8], 0x2A);
	ms[2] = 0x0E; /* audio page: not here */
	assert_int_equal(packet(f, ms, 0xFFFE, r, sizeof(r), &got), 0x51);
	uint8_t ms6[12] = { 0x1A, 0, 0x2A, 0, 255 };
	assert_int_equal(packet(f, ms6, 0xFFFE, r, sizeof(r), &got), 0x50);
	assert_int_equal(got, 24);
	assert_int_equal(r[4], 0x2A);

	uint8_t gc[12] = { 0x46, 0, 0, 0, 0, 0, 0, 0, 255 };
	assert_int_equal(packet(f, gc, 0xFFFE, r, sizeof(r), &got), 0x50);
	assert_int_equal(got, 24);
	assert_int_equal(r[6] << 8 | r[7], 0x0008); /* current profile: CD-ROM */
	assert_int_equal(r[12] << 8 | r[13], 0x0008);

	uint8_t gesn[12] = { 0x4A, 1, 0, 0, 0x10, 0, 0, 0, 8 };
	assert_int_equal(packet(f, gesn, 8, r, sizeof(r), &got), 0x50);
	assert_int_equal(got, 8);
	assert_int_equal(r[5], 0x02); /* media present */

	const uint8_t accepted[][12] = { { 0x1B, 0, 0, 0, 1 }, { 0x1E, 0, 0, 0, 1 }, { 0xBB } };
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(packet(f, accepted[i], 0, r, 0, &got), 0x50);
}

static void test_atapi_empty_drive(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(ata_attach_cdrom(&f->ata, 1, 0, NULL, "cdrom", f->err, sizeof(f->err)), 0);
	uint8_t r[64], key, asc;
	size_t got;
	const uint8_t need[][12] = { { 0x00 },
				     { 0x25 },
				     { 0x28, 0, 0, 0, 0, 0, 0, 0, 1 },
				     { 0x43, 0, 0, 0, 0, 0, 0, 0, 20 } };
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(packet(f, need[i], 2048, r, sizeof(r), &got), 0x51);
		assert_int_equal(inb(f, S + 1), 0x20); /* NOT READY */
		request_sense(f, &key, &asc);
		assert_int_equal(key, 0x02);
		assert_int_equal(asc, 0x3A);
	}
	uint8_t inq[12] = { 0x12, 0, 0, 0, 36 };
	assert_int_equal(packet(f, inq, 36, r, sizeof(r), &got), 0x50);
}

/* A CD image that is not a whole number of 2048-byte sectors: the last
 * sector is padded with zeros. */
static void test_atapi_partial_sector(void **state)
{
	struct fixture *f = *state;
	make_image(f->cd, 9, true);
	assert_int_equal(ata_attach_cdrom(&f->ata, 1, 0, f->cd, "--cdrom", f->err, sizeof(f->err)),
			 0);
	uint8_t buf[3 * 2048];
	size_t got;
	uint8_t cap[12] = { 0x25 };
	assert_int_equal(packet(f, cap, 8, buf, 8, &got), 0x50);
	assert_int_equal(buf[3], 2); /* 3 sectors: last LBA 2 */
	uint8_t rd[12] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 3 };
	assert_int_equal(packet(f, rd, 0xFFFE, buf, sizeof(buf), &got), 0x50);
	assert_int_equal(got, sizeof(buf));
	assert_pattern(buf + 8 * 512, 8);
	for (unsigned i = 9 * 512; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_atapi_identify, setup_cd, teardown),
		cmocka_unit_test_setup_teardown(test_atapi_read, setup_cd, teardown),
		cmocka_unit_test_setup_teardown(test_atapi_errors, setup_cd, teardown),
		cmocka_unit_test_setup_teardown(test_atapi_toc, setup_cd, teardown),
		cmocka_unit_test_setup_teardown(test_atapi_info, setup_cd, teardown),
		cmocka_unit_test_setup_teardown(test_atapi_empty_drive, setup_none, teardown),
		cmocka_unit_test_setup_teardown(test_atapi_partial_sector, setup_none, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
