/* test_ata.c: the ATA/IDE controller and its hard disks driven through the
 * ports as a guest driver drives them: IDENTIFY contents, PIO reads and
 * writes with their status and interrupt transitions, LBA28, LBA48 with the
 * HOB registers, CHS and INITIALIZE DEVICE PARAMETERS, the MULTIPLE
 * commands, sector numbers past the end, soft reset signatures, nIEN,
 * absent devices and a write-protected image. The CD-ROM drive has its own
 * test (test_atapi.c). */
#include "tests/devices/ata_test_env.h"

/* Sets up an LBA28 command on the primary master and issues it. */
static void lba28_cmd(struct fixture *f, uint8_t cmd, uint32_t lba, uint8_t count)
{
	outb(f, P + 6, (uint8_t)(0xE0 | ((lba >> 24) & 0x0F)));
	outb(f, P + 2, count);
	outb(f, P + 3, (uint8_t)lba);
	outb(f, P + 4, (uint8_t)(lba >> 8));
	outb(f, P + 5, (uint8_t)(lba >> 16));
	outb(f, P + 7, cmd);
}

/* The same with 48-bit registers (high bytes first). */
static void lba48_cmd(struct fixture *f, uint8_t cmd, uint64_t lba, uint16_t count)
{
	outb(f, P + 6, 0x40);
	outb(f, P + 2, (uint8_t)(count >> 8));
	outb(f, P + 3, (uint8_t)(lba >> 24));
	outb(f, P + 4, (uint8_t)(lba >> 32));
	outb(f, P + 5, (uint8_t)(lba >> 40));
	outb(f, P + 2, (uint8_t)count);
	outb(f, P + 3, (uint8_t)lba);
	outb(f, P + 4, (uint8_t)(lba >> 8));
	outb(f, P + 5, (uint8_t)(lba >> 16));
	outb(f, P + 7, cmd);
}

static void chs_cmd(struct fixture *f, uint8_t cmd, unsigned c, unsigned h, unsigned s, uint8_t n)
{
	outb(f, P + 6, (uint8_t)(0xA0 | h));
	outb(f, P + 2, n);
	outb(f, P + 3, (uint8_t)s);
	outb(f, P + 4, (uint8_t)c);
	outb(f, P + 5, (uint8_t)(c >> 8));
	outb(f, P + 7, cmd);
}

static void identify(struct fixture *f, uint16_t *w)
{
	outb(f, P + 6, 0xA0);
	outb(f, P + 7, 0xEC);
	assert_int_equal(inb(f, P + 7), 0x58);
	uint8_t b[512];
	read_words(f, P, b, 512);
	for (int i = 0; i < 256; i++)
		w[i] = (uint16_t)(b[2 * i] | b[2 * i + 1] << 8);
	assert_int_equal(inb(f, P + 7), 0x50);
}

static void test_identify(void **state)
{
	struct fixture *f = *state;
	outb(f, P + 6, 0xA0);
	outb(f, P + 7, 0xEC);
	/* Data ready at once, announced by an interrupt. */
	assert_int_equal(inb(f, PC), 0x58);
	assert_int_equal(f->rises[0], 1);
	assert_int_equal(f->level[0], 1);
	assert_int_equal(inb(f, P + 7), 0x58);
	assert_int_equal(f->level[0], 0); /* the status read acknowledged it */

	uint8_t b[512];
	read_words(f, P, b, 512);
	assert_int_equal(inb(f, P + 7), 0x50); /* DRQ gone, no error */
	assert_int_equal(f->rises[0], 1);      /* no interrupt at the end */
	assert_int_equal(inw(f, P), 0xFFFF);   /* nothing more to read */

	uint16_t w[256];
	for (int i = 0; i < 256; i++)
		w[i] = (uint16_t)(b[2 * i] | b[2 * i + 1] << 8);
	assert_int_equal(w[0], 0x0040);
	assert_int_equal(w[1], 8); /* 8192 / (16 * 63) */
	assert_int_equal(w[3], 16);
	assert_int_equal(w[6], 63);
	char s[41];
	id_string(&w[27], 20, s);
	assert_string_equal(s, "popek HARDDISK                          ");
	id_string(&w[10], 10, s);
	assert_int_equal(strncmp(s, "POPEK-HD0", 9), 0);
	assert_int_equal(w[47], 0x8010);
	assert_true(w[49] & 0x0200);  /* LBA */
	assert_false(w[49] & 0x0100); /* no DMA */
	assert_int_equal(w[53] & 1, 1);
	assert_int_equal(w[54], 8);
	assert_int_equal(w[55], 16);
	assert_int_equal(w[56], 63);
	assert_int_equal(w[57] | (uint32_t)w[58] << 16, 8 * 16 * 63);
	assert_int_equal(w[59], 0); /* multiple mode off */
	assert_int_equal(w[60] | (uint32_t)w[61] << 16, DISK_SECTORS);
	assert_true(w[83] & 0x0400); /* 48-bit supported */
	assert_true(w[83] & 0x1000); /* FLUSH CACHE */
	assert_true(w[83] & 0x2000); /* FLUSH CACHE EXT */
	assert_true(w[86] & 0x0400); /* 48-bit enabled */
	assert_true(w[82] & 0x0020); /* write cache supported */
	assert_true(w[85] & 0x0020); /* and enabled */
	assert_int_equal(w[100], DISK_SECTORS);
	assert_int_equal(w[101] | w[102] | w[103], 0);
	/* Integrity word: signature and a checksum making the bytes sum to 0. */
	assert_int_equal(w[255] & 0xFF, 0xA5);
	uint8_t sum = 0;
	for (int i = 0; i < 512; i++)
		sum = (uint8_t)(sum + b[i]);
	assert_int_equal(sum, 0);
}

/* Geometry and capacity words at both ends: a disk larger than LBA28 can
 * address, and one smaller than a cylinder. */
static void test_identify_sizes(void **state)
{
	struct fixture *f = *state;
	uint64_t big = (1ull << 28) + 0x123456; /* about 129 GiB, sparse */
	make_image(f->hda, big, false);
	assert_int_equal(
		ata_attach_disk(&f->ata, 0, 0, f->hda, "--hda", false, f->err, sizeof(f->err)), 0);
	uint16_t w[256];
	identify(f, w);
	assert_int_equal(w[1], 16383);
	assert_int_equal(w[60] | (uint32_t)w[61] << 16, 0x0FFFFFFF);
	uint64_t lba48 =
		w[100] | (uint64_t)w[101] << 16 | (uint64_t)w[102] << 32 | (uint64_t)w[103] << 48;
	assert_int_equal(lba48, big);

	char tiny[160];
	snprintf(tiny, sizeof(tiny), "%s/tiny.img", f->dir);
	make_image(tiny, 8, true);
	assert_int_equal(
		ata_attach_disk(&f->ata, 0, 1, tiny, "--hdb", false, f->err, sizeof(f->err)), 0);
	outb(f, P + 6, 0xB0);
	outb(f, P + 7, 0xEC);
	uint8_t b[512];
	read_words(f, P, b, 512);
	assert_int_equal(b[2], 1);   /* one cylinder at least */
	assert_int_equal(b[120], 8); /* words 60-61 */
	/* CHS past the image: IDNF, not a read outside it. */
	outb(f, P + 6, 0xB0);
	outb(f, P + 2, 1);
	outb(f, P + 3, 9);
	outb(f, P + 4, 0);
	outb(f, P + 5, 0);
	outb(f, P + 7, 0x20);
	assert_int_equal(inb(f, P + 7), 0x51);
	assert_int_equal(inb(f, P + 1), 0x10);
}

static void test_read_sectors(void **state)
{
	struct fixture *f = *state;
	lba28_cmd(f, 0x20, 10, 3);
	uint8_t b[512];
	for (int k = 0; k < 3; k++) {
		/* Each sector is announced by DRQ and an interrupt. */
		assert_int_equal(inb(f, PC), 0x58);
		assert_int_equal(f->rises[0], k + 1);
		assert_int_equal(inb(f, P + 7), 0x58);
		read_words(f, P, b, 512);
		assert_pattern(b, 10 + (uint64_t)k);
	}
	assert_int_equal(inb(f, P + 7), 0x50);
	assert_int_equal(f->rises[0], 3);
	assert_int_equal(f->level[0], 0);
	/* The task file holds the last sector read. */
	assert_int_equal(inb(f, P + 3), 12);
	assert_int_equal(inb(f, P + 2), 0);
	assert_int_equal(inb(f, P + 6), 0xE0);

	/* Byte and dword accesses to the data port move data too. */
	lba28_cmd(f, 0x21, 4000, 1);
	uint32_t d = io_read(&f->bus, P, 4);
	assert_int_equal(d & 0xFF, pat(4000, 0));
	assert_int_equal(d >> 24, pat(4000, 3));
	for (int i = 1; i < 128; i++) {
		d = io_read(&f->bus, P, 4);
		assert_int_equal(d & 0xFF, pat(4000, (unsigned)i * 4));
	}
	assert_int_equal(inb(f, P + 7), 0x50);
}

static void test_write_sectors(void **state)
{
	struct fixture *f = *state;
	uint8_t w[1024], b[512];
	for (int i = 0; i < 1024; i++)
		w[i] = (uint8_t)(i * 5 + 1);
	lba28_cmd(f, 0x30, 7, 2);
	/* The first block is asked for without an interrupt. */
	assert_int_equal(inb(f, PC), 0x58);
	assert_int_equal(f->rises[0], 0);
	write_words(f, P, w, 510);
	assert_int_equal(inb(f, PC), 0x58); /* still in the block */
	file_sector(f->hda, 7, b);
	assert_pattern(b, 7); /* nothing written yet */
	write_words(f, P, w + 510, 2);
	/* Block written: the next one is asked for with an interrupt. */
	assert_int_equal(f->rises[0], 1);
	assert_int_equal(inb(f, P + 7), 0x58);
	file_sector(f->hda, 7, b);
	assert_memory_equal(b, w, 512);
	write_words(f, P, w + 512, 512);
	assert_int_equal(f->rises[0], 2); /* completion */
	assert_int_equal(inb(f, P + 7), 0x50);
	assert_int_equal(inb(f, P + 3), 8);
	file_sector(f->hda, 8, b);
	assert_memory_equal(b, w + 512, 512);
	file_sector(f->hda, 6, b);
	assert_pattern(b, 6);
	file_sector(f->hda, 9, b);
	assert_pattern(b, 9);
	/* Data port writes outside a data phase go nowhere. */
	outw(f, P, 0x1234);
	file_sector(f->hda, 9, b);
	assert_pattern(b, 9);

	/* Read back through the device; then flush. */
	lba28_cmd(f, 0x20, 7, 1);
	read_words(f, P, b, 512);
	assert_memory_equal(b, w, 512);
	outb(f, P + 7, 0xE7);
	assert_int_equal(inb(f, P + 7), 0x50);
	assert_int_equal(f->rises[0], 4);
}

static void test_lba48(void **state)
{
	struct fixture *f = *state;
	uint64_t sectors = (1ull << 28) + 64;
	make_image(f->hda, sectors, false);
	assert_int_equal(
		ata_attach_disk(&f->ata, 0, 0, f->hda, "--hda", false, f->err, sizeof(f->err)), 0);
	uint64_t lba = (1ull << 28) + 0x10;
	uint8_t w[512], b[512];
	for (int i = 0; i < 512; i++)
		w[i] = (uint8_t)(0xA0 ^ i);
	lba48_cmd(f, 0x34, lba, 1);
	assert_int_equal(inb(f, PC), 0x58);
	write_words(f, P, w, 512);
	assert_int_equal(inb(f, P + 7), 0x50);
	file_sector(f->hda, lba, b);
	assert_memory_equal(b, w, 512);

	/* The registers hold the last sector; HOB reads the high bytes. */
	assert_int_equal(inb(f, P + 3), 0x10);
	assert_int_equal(inb(f, P + 5), 0x00);
	outb(f, PC, 0x80);
	assert_int_equal(inb(f, P + 3), 0x10); /* bits 24-31 */
	assert_int_equal(inb(f, P + 4), 0x00);
	outb(f, P + 1, 0); /* a register write clears HOB */
	assert_int_equal(inb(f, P + 3), 0x10);
	/* Each register is two deep: HOB reads the value written before. */
	outb(f, P + 3, 0x77);
	outb(f, P + 3, 0x66);
	assert_int_equal(inb(f, P + 3), 0x66);
	outb(f, PC, 0x80);
	assert_int_equal(inb(f, P + 3), 0x77);
	outb(f, PC, 0x00);

	memset(b, 0, sizeof(b));
	lba48_cmd(f, 0x24, lba, 1);
	assert_int_equal(inb(f, P + 7), 0x58);
	read_words(f, P, b, 512);
	assert_memory_equal(b, w, 512);
	/* READ MULTIPLE EXT and the 16-bit count (0 = 65536: past the end). */
	lba48_cmd(f, 0x29, lba, 1);
	assert_int_equal(inb(f, P + 7), 0x51);
	assert_int_equal(inb(f, P + 1), 0x04); /* multiple mode is off */
	lba48_cmd(f, 0x24, 0, 0);
	read_words(f, P, b, 512);
	assert_int_equal(inb(f, P + 7), 0x58); /* 65535 more to go */
	lba48_cmd(f, 0x24, sectors - 1, 2);
	assert_int_equal(inb(f, P + 7), 0x51);
	assert_int_equal(inb(f, P + 1), 0x10);
	lba48_cmd(f, 0x24, 0xFFFFFFFFFFFFull, 1);
	assert_int_equal(inb(f, P + 1), 0x10);
}

static void test_chs(void **state)
{
	struct fixture *f = *state;
	uint8_t b[512];
	/* Default translation 16 x 63: C1 H2 S3 is (1*16+2)*63+2. */
	chs_cmd(f, 0x20, 1, 2, 3, 1);
	assert_int_equal(inb(f, P + 7), 0x58);
	read_words(f, P, b, 512);
	assert_pattern(b, 1136);
	/* Across a track: S63 then the next head's S1; the task file ends on
	 * the last sector in CHS form. */
	chs_cmd(f, 0x20, 1, 2, 63, 2);
	read_words(f, P, b, 512);
	assert_pattern(b, 1196);
	read_words(f, P, b, 512);
	assert_pattern(b, 1197);
	assert_int_equal(inb(f, P + 3), 1);
	assert_int_equal(inb(f, P + 4), 1);
	assert_int_equal(inb(f, P + 6) & 0x0F, 3);
	/* Impossible addresses: sector 0, sector 64, cylinder 8 (of 8). */
	chs_cmd(f, 0x20, 0, 0, 0, 1);
	assert_int_equal(inb(f, P + 7), 0x51);
	assert_int_equal(inb(f, P + 1), 0x10);
	chs_cmd(f, 0x20, 0, 0, 64, 1);
	assert_int_equal(inb(f, P + 1), 0x10);
	chs_cmd(f, 0x20, 8, 0, 1, 1);
	assert_int_equal(inb(f, P + 1), 0x10);
	assert_int_equal(inw(f, P), 0xFFFF);

	/* INITIALIZE DEVICE PARAMETERS: 4 heads, 17 sectors per track. */
	outb(f, P + 6, 0xA3);
	outb(f, P + 2, 17);
	outb(f, P + 7, 0x91);
	assert_int_equal(inb(f, P + 7), 0x50);
	uint16_t w[256];
	identify(f, w);
	assert_int_equal(w[54], 8192 / 68);
	assert_int_equal(w[55], 4);
	assert_int_equal(w[56], 17);
	assert_int_equal(w[1], 8); /* the default translation is unchanged */
	chs_cmd(f, 0x20, 2, 1, 5, 1);
	read_words(f, P, b, 512);
	assert_pattern(b, (2 * 4 + 1) * 17 + 4);
	chs_cmd(f, 0x20, 0, 4, 1, 1); /* head 4 of 4 */
	assert_int_equal(inb(f, P + 1), 0x10);
	/* Zero sectors per track is refused. */
	outb(f, P + 6, 0xA3);
	outb(f, P + 2, 0);
	outb(f, P + 7, 0x91);
	assert_int_equal(inb(f, P + 7), 0x51);
	assert_int_equal(inb(f, P + 1), 0x04);
}

static void test_multiple(void **state)
{
	struct fixture *f = *state;
	uint8_t b[512];
	lba28_cmd(f, 0xC4, 20, 10);
	assert_int_equal(inb(f, P + 7), 0x51); /* not enabled yet */
	assert_int_equal(inb(f, P + 1), 0x04);
	outb(f, P + 2, 3);
	outb(f, P + 7, 0xC6);
	assert_int_equal(inb(f, P + 7), 0x51); /* not a power of two */
	outb(f, P + 2, 32);
	outb(f, P + 7, 0xC6);
	assert_int_equal(inb(f, P + 7), 0x51); /* over the maximum */
	outb(f, P + 2, 4);
	outb(f, P + 7, 0xC6);
	assert_int_equal(inb(f, P + 7), 0x50);
	uint16_t w[256];
	identify(f, w);
	assert_int_equal(w[59], 0x0104);

	/* 10 sectors in blocks of 4, 4 and 2: three interrupts. */
	int r0 = f->rises[0];
	lba28_cmd(f, 0xC4, 20, 10);
	for (int k = 0; k < 10; k++) {
		if (k % 4 == 0) {
			assert_int_equal(f->rises[0], r0 + k / 4 + 1);
			assert_int_equal(inb(f, P + 7), 0x58);
		}
		read_words(f, P, b, 512);
		assert_pattern(b, 20 + (uint64_t)k);
		if (k % 4 != 3 && k != 9)
			assert_int_equal(inb(f, PC), 0x58); /* same block */
	}
	assert_int_equal(f->rises[0], r0 + 3);
	assert_int_equal(inb(f, P + 7), 0x50);

	/* WRITE MULTIPLE, 5 sectors: a block of 4 (no interrupt before it),
	 * then 1, then completion. */
	r0 = f->rises[0];
	uint8_t data[5 * 512];
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i / 512 + 0x40);
	lba28_cmd(f, 0xC5, 100, 5);
	assert_int_equal(f->rises[0], r0);
	write_words(f, P, data, 4 * 512);
	assert_int_equal(f->rises[0], r0 + 1);
	assert_int_equal(inb(f, P + 7), 0x58);
	write_words(f, P, data + 4 * 512, 512);
	assert_int_equal(f->rises[0], r0 + 2);
	assert_int_equal(inb(f, P + 7), 0x50);
	for (int k = 0; k < 5; k++) {
		file_sector(f->hda, 100 + (uint64_t)k, b);
		assert_memory_equal(b, data + k * 512, 512);
	}
	/* Multiple mode 0 turns it off again. */
	outb(f, P + 2, 0);
	outb(f, P + 7, 0xC6);
	assert_int_equal(inb(f, P + 7), 0x50);
	lba28_cmd(f, 0xC5, 100, 1);
	assert_int_equal(inb(f, P + 7), 0x51);
}

/* Sector numbers past the end fail with IDNF before any data moves. */
static void test_out_of_range(void **state)
{
	struct fixture *f = *state;
	uint8_t b[512];
	int r0 = f->rises[0];
	lba28_cmd(f, 0x20, DISK_SECTORS - 1, 2);
	assert_int_equal(inb(f, PC), 0x51);
	assert_int_equal(f->rises[0], r0 + 1); /* the error is announced */
	assert_int_equal(inb(f, P + 1), 0x10);
	assert_int_equal(inw(f, P), 0xFFFF);
	lba28_cmd(f, 0x20, DISK_SECTORS - 1, 1); /* the last one is fine */
	read_words(f, P, b, 512);
	assert_pattern(b, DISK_SECTORS - 1);
	assert_int_equal(inb(f, P + 1), 0x00); /* error cleared */
	lba28_cmd(f, 0x20, 8000, 0);           /* 0 = 256 sectors: past the end */
	assert_int_equal(inb(f, P + 1), 0x10);
	lba28_cmd(f, 0x30, DISK_SECTORS, 1);
	assert_int_equal(inb(f, P + 7), 0x51);
	assert_int_equal(inb(f, P + 1), 0x10);
	outw(f, P, 0xDEAD);
	lba28_cmd(f, 0x30, 0x0FFFFFFF, 1);
	assert_int_equal(inb(f, P + 1), 0x10);
	lba28_cmd(f, 0x40, DISK_SECTORS - 2, 3);
	assert_int_equal(inb(f, P + 1), 0x10);
	lba28_cmd(f, 0x40, DISK_SECTORS - 2, 2);
	assert_int_equal(inb(f, P + 7), 0x50);
	struct stat st;
	assert_int_equal(stat(f->hda, &st), 0);
	assert_int_equal(st.st_size, DISK_SECTORS * 512);
}

static void test_soft_reset(void **state)
{
	struct fixture *f = *state;
	/* Reset in the middle of a read: the transfer is abandoned. */
	lba28_cmd(f, 0x20, 5, 2);
	inw(f, P);
	outb(f, P + 6, 0xB0); /* slave selected: reset selects the master */
	outb(f, PC, 0x04);
	outb(f, P + 6, 0xA0);
	assert_int_equal(inb(f, PC), 0x80); /* BSY while SRST is set */
	assert_int_equal(inb(f, P + 7), 0x80);
	assert_int_equal(inb(f, S + 7), 0x00); /* the CD's channel: not reset */
	outb(f, P + 7, 0x08);                  /* ignored while held in reset */
	outb(f, P + 7, 0x90);
	assert_int_equal(inb(f, P + 7), 0x80);
	int r0 = f->rises[0];
	outb(f, PC, 0x00);
	assert_int_equal(f->rises[0], r0); /* no interrupt after a reset */
	assert_int_equal(inb(f, P + 7), 0x50);
	assert_int_equal(inb(f, P + 1), 0x01);
	assert_int_equal(inb(f, P + 2), 0x01);
	assert_int_equal(inb(f, P + 3), 0x01);
	assert_int_equal(inb(f, P + 4), 0x00);
	assert_int_equal(inb(f, P + 5), 0x00);
	assert_int_equal(inb(f, P + 6) & 0x10, 0);
	assert_int_equal(inw(f, P), 0xFFFF);

	/* The packet device's signature, and DRDY clear until a command. */
	outb(f, S + 2, 0x55);
	outb(f, SC, 0x04);
	assert_int_equal(inb(f, S + 7), 0x80);
	outb(f, SC, 0x00);
	assert_int_equal(inb(f, S + 7), 0x00);
	assert_int_equal(inb(f, S + 1), 0x01);
	assert_int_equal(inb(f, S + 2), 0x01);
	assert_int_equal(inb(f, S + 3), 0x01);
	assert_int_equal(inb(f, S + 4), 0x14);
	assert_int_equal(inb(f, S + 5), 0xEB);
	/* So does EXECUTE DEVICE DIAGNOSTIC, with an interrupt. */
	outb(f, P + 4, 0x33);
	outb(f, P + 6, 0xB0);
	r0 = f->rises[0];
	outb(f, P + 7, 0x90);
	assert_int_equal(f->rises[0], r0 + 1);
	assert_int_equal(inb(f, P + 6) & 0x10, 0); /* device 0 reports */
	assert_int_equal(inb(f, P + 1), 0x01);
	assert_int_equal(inb(f, P + 4), 0x00);
	assert_int_equal(inb(f, P + 7), 0x50);
}

static void test_nien_and_irq(void **state)
{
	struct fixture *f = *state;
	outb(f, PC, 0x02); /* nIEN: polled operation */
	lba28_cmd(f, 0x20, 1, 1);
	assert_int_equal(f->level[0], 0);
	assert_int_equal(f->rises[0], 0);
	assert_int_equal(inb(f, PC), 0x58);
	/* The interrupt is still pending: enabling shows it. */
	outb(f, PC, 0x00);
	assert_int_equal(f->level[0], 1);
	assert_int_equal(inb(f, PC), 0x58); /* alternate status: no acknowledge */
	assert_int_equal(f->level[0], 1);
	/* Selecting the (absent) slave hides the master's INTRQ. */
	outb(f, P + 6, 0xB0);
	assert_int_equal(f->level[0], 0);
	outb(f, P + 6, 0xE0);
	assert_int_equal(f->level[0], 1);
	assert_int_equal(inb(f, P + 7), 0x58);
	assert_int_equal(f->level[0], 0);
	uint8_t b[512];
	read_words(f, P, b, 512);
	assert_pattern(b, 1);
	/* A new command clears a pending interrupt before it runs. */
	outb(f, PC, 0x02);
	outb(f, P + 7, 0xE5);
	outb(f, PC, 0x00);
	assert_int_equal(f->level[0], 1);
	int r0 = f->rises[0];
	outb(f, P + 7, 0xE5);
	assert_int_equal(f->rises[0], r0 + 1); /* low, then a fresh edge */
	assert_int_equal(inb(f, P + 2), 0xFF);
	assert_int_equal(inb(f, P + 7), 0x50);
	assert_int_equal(f->level[0], 0);
	/* The secondary channel's line is its own. */
	assert_int_equal(f->rises[1], 0);
}

static void test_absent_devices(void **state)
{
	struct fixture *f = *state;
	/* An empty channel floats. */
	for (uint16_t p = S; p < S + 8; p++)
		assert_int_equal(inb(f, p), 0xFF);
	assert_int_equal(inb(f, SC), 0xFF);
	assert_int_equal(inw(f, S), 0xFFFF);
	outb(f, S + 2, 0x55);
	assert_int_equal(inb(f, S + 2), 0xFF);
	outb(f, S + 7, 0xEC);
	assert_int_equal(f->rises[1], 0);

	/* The absent slave of a populated channel: status 0, registers echo. */
	outb(f, P + 6, 0xB0);
	assert_int_equal(inb(f, P + 7), 0x00);
	assert_int_equal(inb(f, PC), 0x00);
	assert_int_equal(inb(f, P + 6), 0xB0);
	outb(f, P + 2, 0x55);
	outb(f, P + 3, 0xAA);
	assert_int_equal(inb(f, P + 2), 0x55);
	assert_int_equal(inb(f, P + 3), 0xAA);
	/* Commands to it go nowhere. */
	outb(f, P + 7, 0xEC);
	assert_int_equal(inb(f, P + 7), 0x00);
	assert_int_equal(inw(f, P), 0xFFFF);
	assert_int_equal(f->rises[0], 0);
	/* After a reset: error 01h and a signature no driver takes for a
	 * device. */
	outb(f, PC, 0x04);
	outb(f, PC, 0x00);
	outb(f, P + 6, 0xB0);
	assert_int_equal(inb(f, P + 1), 0x01);
	assert_int_equal(inb(f, P + 4), 0xFF);
	assert_int_equal(inb(f, P + 5), 0xFF);
	assert_int_equal(inb(f, P + 7), 0x00);
	outb(f, P + 6, 0xA0);
	assert_int_equal(inb(f, P + 7), 0x50);
}

static void test_write_protected(void **state)
{
	struct fixture *f = *state;
	make_image(f->hda, 64, true);
	assert_int_equal(chmod(f->hda, 0444), 0);
	assert_int_equal(
		ata_attach_disk(&f->ata, 0, 0, f->hda, "--hda", false, f->err, sizeof(f->err)), 0);
	assert_true(ata_write_protected(&f->ata, 0, 0));
	assert_false(ata_write_protected(&f->ata, 0, 1));
	lba28_cmd(f, 0x30, 3, 1);
	assert_int_equal(inb(f, P + 7), 0x51);
	assert_int_equal(inb(f, P + 1), 0x04);
	outw(f, P, 0);
	uint8_t b[512];
	file_sector(f->hda, 3, b);
	assert_pattern(b, 3);
	lba28_cmd(f, 0x20, 3, 1);
	read_words(f, P, b, 512);
	assert_pattern(b, 3);
	/* Attaching to a taken position, or a bad image, is refused. */
	assert_int_equal(
		ata_attach_disk(&f->ata, 0, 0, f->hda, "--hda", false, f->err, sizeof(f->err)), -1);
	assert_int_equal(
		ata_attach_disk(&f->ata, 0, 1, f->dir, "--hdb", false, f->err, sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "directory"));
	outb(f, P + 6, 0xB0);
	assert_int_equal(inb(f, P + 7), 0x00); /* still absent */
}

static void test_commands(void **state)
{
	struct fixture *f = *state;
	uint16_t w[256];
	outb(f, P + 6, 0xA0);
	/* Unknown commands and ones for other device kinds abort. */
	const uint8_t bad[] = { 0x00, 0xFF, 0xA0, 0xA1, 0xC8, 0xCA, 0xB0, 0xF8, 0x27, 0x2F, 0x08 };
	for (unsigned i = 0; i < sizeof(bad); i++) {
		outb(f, P + 7, bad[i]);
		assert_int_equal(inb(f, P + 7), 0x51);
		assert_int_equal(inb(f, P + 1), 0x04);
	}
	/* SET FEATURES: write cache off and on, transfer modes. */
	outb(f, P + 1, 0x82);
	outb(f, P + 7, 0xEF);
	assert_int_equal(inb(f, P + 7), 0x50);
	identify(f, w);
	assert_false(w[85] & 0x0020);
	/* With the cache off, writes still complete (and are synced). */
	lba28_cmd(f, 0x30, 2, 1);
	uint8_t d[512] = { 0x42 };
	write_words(f, P, d, 512);
	assert_int_equal(inb(f, P + 7), 0x50);
	outb(f, P + 1, 0x02);
	outb(f, P + 7, 0xEF);
	identify(f, w);
	assert_true(w[85] & 0x0020);
	const struct {
		uint8_t feat, count, status;
	} sf[] = {
		{ 0x03, 0x0C, 0x50 }, { 0x03, 0x08, 0x50 }, { 0x03, 0x00, 0x50 },
		{ 0x03, 0x45, 0x51 }, { 0x03, 0x22, 0x51 }, { 0x03, 0x0D, 0x51 },
		{ 0xAA, 0x00, 0x50 }, { 0x55, 0x00, 0x50 }, { 0x66, 0x00, 0x50 },
		{ 0x99, 0x00, 0x51 }, { 0x05, 0x80, 0x51 },
	};
	for (unsigned i = 0; i < sizeof(sf) / sizeof(sf[0]); i++) {
		outb(f, P + 1, sf[i].feat);
		outb(f, P + 2, sf[i].count);
		outb(f, P + 7, 0xEF);
		assert_int_equal(inb(f, P + 7), sf[i].status);
	}
	/* Accepted commands complete with an interrupt. */
	const uint8_t ok[] = { 0x10, 0x1F, 0x70, 0xE7, 0xEA, 0xE0, 0xE1, 0xE2, 0xE3, 0x94, 0x97 };
	for (unsigned i = 0; i < sizeof(ok); i++) {
		int r0 = f->rises[0];
		outb(f, P + 7, ok[i]);
		assert_int_equal(f->rises[0], r0 + 1);
		assert_int_equal(inb(f, P + 7), 0x50);
	}
	outb(f, P + 2, 0);
	outb(f, P + 7, 0xE5);
	assert_int_equal(inb(f, P + 2), 0xFF);
}

/* Random port traffic on both channels (a disk, a CD, absent devices),
 * with a fixed seed: whatever a guest writes, the device stays within its
 * buffers and the image (run under the sanitizers, this is the check), the
 * image keeps its size, and the status register never reads busy outside a
 * reset. */
static void test_random_traffic(void **state)
{
	struct fixture *f = *state;
	static const uint16_t ports[] = { P, P + 1, P + 2, P + 3, P + 4, P + 5, P + 6, P + 7, PC,
					  S, S + 1, S + 2, S + 3, S + 4, S + 5, S + 6, S + 7, SC };
	/* Commands worth hitting often: the data movers and the odd ones. */
	static const uint8_t cmds[] = { 0x20, 0x24, 0x29, 0x30, 0x34, 0x39, 0x40, 0x42, 0x91, 0xA0,
					0xA1, 0xC4, 0xC5, 0xC6, 0xE7, 0xEC, 0xEF, 0x90, 0x08 };
	uint32_t x = 12345;
	for (int i = 0; i < 400000; i++) {
		x = x * 1103515245u + 12345u;
		uint32_t r = x >> 8;
		uint16_t port = ports[r % (sizeof(ports) / sizeof(ports[0]))];
		unsigned size = (r >> 8) % 8 == 0 ? 4 : (r >> 8) % 8 < 4 ? 2 : 1;
		uint32_t v = r >> 5;
		if ((port & 7) == 7 && port != PC && port != SC && (r >> 12) % 4)
			v = cmds[(r >> 14) % sizeof(cmds)];
		if ((port == PC || port == SC) && (r >> 12) % 8)
			v &= 0x02; /* mostly leave SRST alone */
		if (((port & 7) == 4 || (port & 7) == 5) && (r >> 12) % 4)
			v &= 0x01; /* mostly sectors inside the disk */
		if ((r >> 20) % 2)
			io_write(&f->bus, port, v, size);
		else
			io_read(&f->bus, port, size);
	}
	outb(f, PC, 0);
	outb(f, SC, 0);
	outb(f, P + 6, 0xA0);
	assert_int_equal(inb(f, P + 7) & 0x80, 0);
	struct stat st;
	assert_int_equal(stat(f->hda, &st), 0);
	assert_int_equal(st.st_size, DISK_SECTORS * 512);
	assert_int_equal(stat(f->cd, &st), 0);
	assert_int_equal(st.st_size, CD_SECTORS * 2048);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identify, setup_disk, teardown),
		cmocka_unit_test_setup_teardown(test_identify_sizes, setup_none, teardown),
		cmocka_unit_test_setup_teardown(test_read_sectors, setup_disk, teardown),
		cmocka_unit_test_setup_teardown(test_write_sectors, setup_disk, teardown),
		cmocka_unit_test_setup_teardown(test_lba48, setup_none, teardown),
		cmocka_unit_test_setup_teardown(test_chs, setup_disk, teardown),
		cmocka_unit_test_setup_teardown(test_multiple, setup_disk, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_range, setup_disk, teardown),
		cmocka_unit_test_setup_teardown(test_soft_reset, setup_both, teardown),
		cmocka_unit_test_setup_teardown(test_nien_and_irq, setup_disk, teardown),
		cmocka_unit_test_setup_teardown(test_absent_devices, setup_disk, teardown),
		cmocka_unit_test_setup_teardown(test_write_protected, setup_none, teardown),
		cmocka_unit_test_setup_teardown(test_commands, setup_disk, teardown),
		cmocka_unit_test_setup_teardown(test_random_traffic, setup_both, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
