/* test_boot.c: direct kernel boot (vmm/boot*.c): a hand-built bzImage
 * header and a tiny Multiboot ELF (boot_mb_kernel.asm, BOOT_MB_KERNEL is
 * its path) are checked, loaded into a PC's memory and entered; bad files
 * (neither format, truncated, too big for RAM) give one line naming the
 * file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cpu/cpu.h"
#include "vmm/boot.h"
#include "vmm/clock.h"
#include "vmm/hypercall.h"
#include "vmm/io_bus.h"
#include "vmm/phys_mem.h"

#define MIB (1024u * 1024u)

/* A PC's memory and a CPU at reset, as the hypercall finds them (minus
 * the BIOS, so the BDA is zero and the loader uses its defaults). */
struct pc {
	struct phys_mem mem;
	struct io_bus io;
	struct clock clk;
	struct cpu cpu;
};

static struct pc *pc_new(uint32_t ram)
{
	struct pc *p = calloc(1, sizeof(*p));
	assert_non_null(p);
	assert_int_equal(phys_mem_init(&p->mem, ram, true), 0);
	io_bus_init(&p->io);
	clock_init(&p->clk);
	cpu_init(&p->cpu, &p->mem, &p->io, &p->clk);
	cpu_reset(&p->cpu);
	return p;
}

static void pc_free(struct pc *p)
{
	phys_mem_free(&p->mem);
	free(p);
}

/* --- a hand-built bzImage -------------------------------------------------- */

#define BZ_SETUP_SECTS 1
#define BZ_SETUP (512u * (BZ_SETUP_SECTS + 1))
#define BZ_PM 4096u

/* Setup header of protocol 2.15, a relocatable kernel preferring 16 MiB
 * and needing 2 MiB there; the protected-mode part is a byte pattern. */
static uint8_t *bz_make(size_t *size)
{
	uint8_t *k = calloc(1, BZ_SETUP + BZ_PM);
	assert_non_null(k);
	k[0x1F1] = BZ_SETUP_SECTS;
	boot_put32(k + 0x1F4, BZ_PM / 16);
	boot_put16(k + 0x1FE, 0xAA55);
	k[0x200] = 0xEB;
	k[0x201] = 0x66; /* the header ends at 0x268 */
	memcpy(k + 0x202, "HdrS", 4);
	boot_put16(k + 0x206, 0x020F);
	k[0x211] = 0x01;                     /* LOADED_HIGH */
	boot_put32(k + 0x214, 0x100000);
	boot_put32(k + 0x22C, 0x7FFFFFFF);  /* initrd_addr_max */
	boot_put32(k + 0x230, 0x200000);    /* kernel_alignment */
	k[0x234] = 1;                       /* relocatable */
	boot_put32(k + 0x238, 255);         /* cmdline_size */
	boot_put32(k + 0x258, 0x1000000);   /* pref_address */
	boot_put32(k + 0x260, 0x200000);    /* init_size */
	/* Setup code after the header: not for the zero page. */
	memset(k + 0x268, 0xCC, BZ_SETUP - 0x268);
	for (unsigned i = 0; i < BZ_PM; i++)
		k[BZ_SETUP + i] = (uint8_t)(i * 7 + 1);
	*size = BZ_SETUP + BZ_PM;
	return k;
}

/* A boot_image over buffers the test owns (boot_free is not called). */
static struct boot_image image(uint8_t *k, size_t ksize, uint8_t *initrd, size_t isize,
			       const char *cmdline, uint32_t ram)
{
	struct boot_image b;
	memset(&b, 0, sizeof(b));
	b.kernel_path = "vmlinuz";
	b.initrd_path = "initrd.img";
	b.kernel = k;
	b.kernel_size = ksize;
	b.initrd = initrd;
	b.initrd_size = isize;
	b.cmdline = cmdline;
	b.ram_size = ram;
	return b;
}

static void test_linux_load_and_enter(void **state)
{
	(void)state;
	size_t ks;
	uint8_t *k = bz_make(&ks);
	uint8_t rd[10000];
	for (unsigned i = 0; i < sizeof(rd); i++)
		rd[i] = (uint8_t)(i ^ 0x5A);
	struct pc *p = pc_new(32 * MIB);
	struct boot_image b = image(k, ks, rd, sizeof(rd), "console=ttyS0 quiet", 32 * MIB);
	char err[256] = "";
	assert_int_equal(boot_parse(&b, err, sizeof(err)), 0);
	assert_int_equal(b.kind, BOOT_LINUX);
	assert_int_equal(b.setup_size, BZ_SETUP);
	assert_int_equal(b.pm_size, BZ_PM);
	assert_int_equal(b.kernel_end, 18 * MIB);
	/* The initrd: page aligned, as high as RAM allows. */
	assert_int_equal(b.initrd_addr, (32 * MIB - sizeof(rd)) & ~0xFFFu);

	boot_start(&b, &p->mem, &p->cpu);
	assert_true(b.started);
	/* The zero page: the setup header copied, the loader's fields. */
	const uint32_t bp = BOOT_INFO_ADDR;
	assert_int_equal(phys_read(&p->mem, bp + 0x202, 4), 0x53726448);
	assert_int_equal(phys_read(&p->mem, bp + 0x206, 2), 0x020F);
	assert_int_equal(phys_read(&p->mem, bp + 0x210, 1), 0xFF);
	assert_int_equal(phys_read(&p->mem, bp + 0x214, 4), 0x100000);
	assert_int_equal(phys_read(&p->mem, bp + 0x218, 4), b.initrd_addr);
	assert_int_equal(phys_read(&p->mem, bp + 0x21C, 4), sizeof(rd));
	assert_int_equal(phys_read(&p->mem, bp + 0x228, 4), BOOT_CMDLINE_ADDR);
	assert_int_equal(phys_read(&p->mem, bp + 0x260, 4), 0x200000);
	/* Nothing past the header's end (0x268) came from the file. */
	assert_int_equal(phys_read(&p->mem, bp + 0x268, 4), 0);
	char line[32];
	phys_read_block(&p->mem, BOOT_CMDLINE_ADDR, line, sizeof(line));
	assert_string_equal(line, "console=ttyS0 quiet");
	/* Video: 80x25 colour text on a VGA. */
	assert_int_equal(phys_read(&p->mem, bp + 0x06, 1), 3);
	assert_int_equal(phys_read(&p->mem, bp + 0x07, 1), 80);
	assert_int_equal(phys_read(&p->mem, bp + 0x0E, 1), 25);
	assert_int_equal(phys_read(&p->mem, bp + 0x0F, 1), 1);
	assert_int_equal(phys_read(&p->mem, bp + 0x1E0, 4), 31 * 1024);
	/* The E820 map: low RAM, EBDA/ROMs, RAM from 1 MiB, the BIOS. */
	assert_int_equal(phys_read(&p->mem, bp + 0x1E8, 1), 4);
	const uint32_t e = bp + 0x2D0;
	assert_int_equal(phys_read(&p->mem, e + 0, 4), 0);
	assert_int_equal(phys_read(&p->mem, e + 8, 4), 0x9FC00);
	assert_int_equal(phys_read(&p->mem, e + 16, 4), 1);
	assert_int_equal(phys_read(&p->mem, e + 20 + 16, 4), 2);
	assert_int_equal(phys_read(&p->mem, e + 40, 4), 0x100000);
	assert_int_equal(phys_read(&p->mem, e + 48, 4), 31 * MIB);
	assert_int_equal(phys_read(&p->mem, e + 56, 4), 1);
	assert_int_equal(phys_read(&p->mem, e + 60, 4), 0xFFFC0000u);
	/* The protected-mode part at 1 MiB, the initrd at its place. */
	uint8_t buf[BZ_PM];
	phys_read_block(&p->mem, 0x100000, buf, BZ_PM);
	assert_memory_equal(buf, k + BZ_SETUP, BZ_PM);
	uint8_t rbuf[sizeof(rd)];
	phys_read_block(&p->mem, b.initrd_addr, rbuf, sizeof(rd));
	assert_memory_equal(rbuf, rd, sizeof(rd));

	/* The entry state: flat 32-bit protected mode, ESI = zero page. */
	struct cpu *c = &p->cpu;
	assert_int_equal(c->eip, 0x100000);
	assert_int_equal(c->next_eip, 0x100000);
	assert_int_equal(c->regs[REG_ESI], BOOT_INFO_ADDR);
	assert_int_equal(c->regs[REG_EBX] | c->regs[REG_EBP] | c->regs[REG_EDI], 0);
	assert_true(c->cr[0] & CR0_PE);
	assert_false(c->cr[0] & CR0_PG);
	assert_false(c->eflags & FLAG_IF);
	assert_true(c->code32);
	assert_int_equal(c->cpl, 0);
	assert_int_equal(c->seg[SEG_CS].sel, BOOT_CS);
	assert_int_equal(c->seg[SEG_DS].sel, BOOT_DS);
	assert_int_equal(c->seg[SEG_SS].sel, BOOT_DS);
	assert_int_equal(c->seg[SEG_DS].limit, 0xFFFFFFFFu);
	assert_int_equal(c->gdtr.base, BOOT_GDT_ADDR);
	assert_int_equal(phys_read(&p->mem, BOOT_GDT_ADDR + BOOT_CS + 4, 4), 0x00CF9B00);
	assert_int_equal(phys_read(&p->mem, BOOT_GDT_ADDR + BOOT_DS + 4, 4), 0x00CF9300);
	pc_free(p);
	free(k);
}

/* initrd_addr_max caps where the initrd goes, below the end of RAM. */
static void test_linux_initrd_addr_max(void **state)
{
	(void)state;
	size_t ks;
	uint8_t *k = bz_make(&ks);
	boot_put32(k + 0x22C, 0x1FFFFFF);
	uint8_t rd[100] = {1};
	struct boot_image b = image(k, ks, rd, sizeof(rd), "", 64 * MIB);
	char err[256];
	assert_int_equal(boot_parse(&b, err, sizeof(err)), 0);
	assert_int_equal(b.initrd_addr, 32 * MIB - 4096);
	free(k);
}

/* Runs boot_parse and checks it fails with a message containing `what`. */
static void expect_error(struct boot_image *b, const char *what)
{
	char err[256] = "";
	assert_int_equal(boot_parse(b, err, sizeof(err)), -1);
	if (!strstr(err, what))
		fail_msg("error '%s' lacks '%s'", err, what);
	assert_null(strchr(err, '\n'));
}

static void test_linux_bad_inputs(void **state)
{
	(void)state;
	size_t ks;
	uint8_t *k = bz_make(&ks);
	uint8_t big[1];
	struct boot_image b;

	/* Cut inside the protected-mode part, inside the setup part. */
	b = image(k, ks - 100, NULL, 0, "", 32 * MIB);
	expect_error(&b, "--kernel vmlinuz: truncated");
	b = image(k, 0x300, NULL, 0, "", 32 * MIB);
	expect_error(&b, "--kernel vmlinuz: truncated");
	/* Too little RAM for what the kernel unpacks (18 MiB). */
	b = image(k, ks, NULL, 0, "", 16 * MIB);
	expect_error(&b, "needs 18 MiB of RAM");
	/* An initrd bigger than the RAM above the kernel. */
	b = image(k, ks, big, 15 * MIB, "", 32 * MIB);
	expect_error(&b, "--initrd initrd.img: 15728640 bytes do not fit");
	/* A command line longer than cmdline_size. */
	char line[300];
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = 0;
	b = image(k, ks, NULL, 0, line, 32 * MIB);
	expect_error(&b, "at most 255");
	/* Too old a protocol; a zImage. */
	boot_put16(k + 0x206, 0x0205);
	b = image(k, ks, NULL, 0, "", 32 * MIB);
	expect_error(&b, "2.05 is older than 2.06");
	boot_put16(k + 0x206, 0x020F);
	k[0x211] = 0;
	b = image(k, ks, NULL, 0, "", 32 * MIB);
	expect_error(&b, "zImage");
	/* Neither format: the boot signature gone and no Multiboot header. */
	k[0x211] = 1;
	k[0x1FE] = 0;
	b = image(k, ks, NULL, 0, "", 32 * MIB);
	expect_error(&b, "--kernel vmlinuz: neither a Linux bzImage nor a Multiboot kernel");
	free(k);
}

/* --- the Multiboot ELF ------------------------------------------------------ */

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	uint8_t *buf = malloc(65536);
	assert_non_null(buf);
	*size = fread(buf, 1, 65536, f);
	fclose(f);
	assert_true(*size > 64);
	return buf;
}

#define MB_RESULT 0x201000u

static void test_multiboot_runs(void **state)
{
	(void)state;
	size_t ks;
	uint8_t *k = read_file(BOOT_MB_KERNEL, &ks);
	uint8_t mod[3000];
	uint32_t sum = 0;
	for (unsigned i = 0; i < sizeof(mod); i++)
		sum += mod[i] = (uint8_t)(i * 13);
	struct pc *p = pc_new(32 * MIB);
	/* Junk where the bss goes: the loader must clear it. */
	uint8_t junk[0x100];
	memset(junk, 0xEE, sizeof(junk));
	phys_write_block(&p->mem, MB_RESULT, junk, sizeof(junk));
	struct boot_image b = image(k, ks, mod, sizeof(mod), "verbose", 32 * MIB);
	b.kernel_path = "mb.elf";
	char err[256] = "";
	assert_int_equal(boot_parse(&b, err, sizeof(err)), 0);
	assert_int_equal(b.kind, BOOT_MULTIBOOT);
	assert_int_equal(b.entry, 0x200060);
	assert_int_equal(b.load_end, MB_RESULT + 0x100);
	assert_int_equal(b.initrd_addr, 0x202000); /* the next page after the bss */

	boot_start(&b, &p->mem, &p->cpu);
	assert_int_equal(cpu_run(&p->cpu, 100000), CPU_STOP_HALT);
	assert_int_equal(phys_read(&p->mem, MB_RESULT + 32, 4), 0x600D);
	assert_int_equal(phys_read(&p->mem, MB_RESULT + 0, 4), MULTIBOOT_BOOT_MAGIC);
	assert_int_equal(phys_read(&p->mem, MB_RESULT + 4, 4), BOOT_INFO_ADDR);
	/* mem, cmdline, mods, mmap, loader name */
	assert_int_equal(phys_read(&p->mem, MB_RESULT + 8, 4), 0x24D);
	assert_int_equal(phys_read(&p->mem, MB_RESULT + 12, 4), 31 * 1024);
	assert_int_equal(phys_read(&p->mem, MB_RESULT + 16, 4), sum);
	assert_int_equal(phys_read(&p->mem, MB_RESULT + 20, 4), 'm');
	assert_int_equal(phys_read(&p->mem, MB_RESULT + 24, 4), 0);
	assert_int_equal(phys_read(&p->mem, MB_RESULT + 28, 4), BOOT_CS);
	/* The command line is the kernel's name and --append. */
	char line[32];
	phys_read_block(&p->mem, BOOT_CMDLINE_ADDR, line, sizeof(line));
	assert_string_equal(line, "mb.elf verbose");
	/* The memory map: four entries of 24 bytes, the third RAM from 1 MiB. */
	const uint32_t info = BOOT_INFO_ADDR;
	assert_int_equal(phys_read(&p->mem, info + 44, 4), 4 * 24);
	uint32_t mmap = phys_read(&p->mem, info + 48, 4);
	assert_int_equal(phys_read(&p->mem, mmap + 48, 4), 20);
	assert_int_equal(phys_read(&p->mem, mmap + 52, 4), 0x100000);
	assert_int_equal(phys_read(&p->mem, mmap + 60, 4), 31 * MIB);
	assert_int_equal(phys_read(&p->mem, mmap + 68, 4), 1);
	assert_int_equal(phys_read(&p->mem, info + 4, 4), 0x9FC00 >> 10);
	pc_free(p);
	free(k);
}

static void test_multiboot_bad_inputs(void **state)
{
	(void)state;
	size_t ks;
	uint8_t *k = read_file(BOOT_MB_KERNEL, &ks);
	struct boot_image b;
	uint8_t big[1];
	/* The segment's bytes cut off. */
	b = image(k, ks - 16, NULL, 0, "", 32 * MIB);
	expect_error(&b, "--kernel vmlinuz: truncated");
	/* Loads at 2 MiB: not in a 2 MiB machine. */
	b = image(k, ks, NULL, 0, "", 2 * MIB);
	expect_error(&b, "outside the guest's RAM");
	/* A module that does not fit after the kernel. */
	b = image(k, ks, big, 30 * MIB, "", 32 * MIB);
	expect_error(&b, "--initrd initrd.img: 31457280 bytes do not fit");
	/* A requirement popek does not know (flag bit 3), checksum kept valid. */
	uint32_t off;
	assert_true(boot_multiboot_find(k, ks, &off));
	boot_put32(k + off + 4, 0xB);
	boot_put32(k + off + 8, -(MULTIBOOT_HEADER_MAGIC + 0xB));
	b = image(k, ks, NULL, 0, "", 32 * MIB);
	expect_error(&b, "requires Multiboot features");
	/* A bad checksum: no Multiboot header at all. */
	boot_put32(k + off + 8, 0);
	b = image(k, ks, NULL, 0, "", 32 * MIB);
	expect_error(&b, "neither a Linux bzImage nor a Multiboot kernel");
	free(k);
}

/* boot_open on files: errors name the option and the file. */
static void test_open_files(void **state)
{
	(void)state;
	char err[512] = "";
	struct boot_image b;
	assert_int_equal(boot_open(&b, "/nonexistent/vmlinuz", NULL, NULL, 32 * MIB, err,
				   sizeof(err)), -1);
	assert_non_null(strstr(err, "--kernel /nonexistent/vmlinuz: "));
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char kpath[256], ipath[256];
	snprintf(kpath, sizeof(kpath), "%s/test_boot_k.XXXXXX", dir);
	snprintf(ipath, sizeof(ipath), "%s/test_boot_i.XXXXXX", dir);
	int kfd = mkstemp(kpath), ifd = mkstemp(ipath);
	assert_true(kfd >= 0 && ifd >= 0);
	size_t ks;
	uint8_t *k = bz_make(&ks);
	assert_int_equal(write(kfd, k, ks), (ssize_t)ks);
	assert_int_equal(write(ifd, "initrd", 6), 6);
	close(kfd);
	close(ifd);
	assert_int_equal(boot_open(&b, kpath, ipath, "quiet", 32 * MIB, err, sizeof(err)), 0);
	assert_int_equal(b.kind, BOOT_LINUX);
	assert_int_equal(b.initrd_size, 6);
	boot_free(&b);
	/* The initrd file larger than all of RAM is refused before reading. */
	assert_int_equal(boot_open(&b, kpath, kpath, NULL, 4096, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--kernel "));
	assert_non_null(strstr(err, "do not fit"));
	unlink(kpath);
	unlink(ipath);
	free(k);
}

/* HC_BOOT_KERNEL: nothing to boot (status 5), A20 off (status 2), and a
 * kernel: the CPU leaves the call at the kernel's entry. */
static void test_hypercall(void **state)
{
	(void)state;
	struct pc *p = pc_new(32 * MIB);
	struct hypercall h;
	assert_int_equal(hypercall_init(&h, &p->io, &p->mem, NULL, &p->cpu, true), 0);
	const uint32_t blk = 0x600;
	phys_write(&p->mem, blk, HC_BOOT_KERNEL, 2);
	hypercall_run(&h, blk);
	assert_int_equal(phys_read(&p->mem, blk + 2, 2), HC_ENOMEDIUM);

	size_t ks;
	uint8_t *k = bz_make(&ks);
	struct boot_image b = image(k, ks, NULL, 0, "", 32 * MIB);
	char err[256];
	assert_int_equal(boot_parse(&b, err, sizeof(err)), 0);
	h.boot = &b;
	p->mem.a20_mask = ~(1u << 20);
	hypercall_run(&h, blk);
	assert_int_equal(phys_read(&p->mem, blk + 2, 2), HC_EINVAL);
	assert_false(b.started);
	assert_int_equal(p->cpu.cr[0] & CR0_PE, 0);

	p->mem.a20_mask = 0xFFFFFFFFu;
	hypercall_run(&h, blk);
	assert_int_equal(phys_read(&p->mem, blk + 2, 2), HC_OK);
	assert_true(b.started);
	assert_int_equal(p->cpu.next_eip, 0x100000);
	assert_true(p->cpu.cr[0] & CR0_PE);
	pc_free(p);
	free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_load_and_enter),
		cmocka_unit_test(test_linux_initrd_addr_max),
		cmocka_unit_test(test_linux_bad_inputs),
		cmocka_unit_test(test_multiboot_runs),
		cmocka_unit_test(test_multiboot_bad_inputs),
		cmocka_unit_test(test_open_files),
		cmocka_unit_test(test_hypercall),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
