/* boot_linux.c: loading a Linux bzImage the way the x86 boot protocol
 * (Documentation/arch/x86/boot.rst) describes for a 32-bit boot loader:
 * the real-mode setup code is not run; instead the loader fills the
 * "zero page" (struct boot_params) itself from the kernel's setup header,
 * copies the protected-mode part to 1 MiB and enters it in flat 32-bit
 * protected mode with ESI pointing at the zero page.
 *
 * Offsets below are those of struct boot_params; the setup header sits at
 * the same offsets (0x1F1 on) in the file and in the zero page. */
#include "vmm/boot.h"

#include <stdio.h>
#include <string.h>

#include "vmm/phys_mem.h"

/* struct setup_header fields, offsets in the file and the zero page. */
enum {
	LH_SETUP_SECTS = 0x1F1,
	LH_SYSSIZE = 0x1F4,   /* protected-mode part, in 16-byte units */
	LH_JUMP = 0x200,      /* its second byte: the header's length - 0x202 */
	LH_VERSION = 0x206,
	LH_TYPE_OF_LOADER = 0x210,
	LH_LOADFLAGS = 0x211,
	LH_CODE32_START = 0x214,
	LH_RAMDISK_IMAGE = 0x218,
	LH_RAMDISK_SIZE = 0x21C,
	LH_CMD_LINE_PTR = 0x228,
	LH_INITRD_ADDR_MAX = 0x22C,
	LH_RELOCATABLE = 0x234,
	LH_CMDLINE_SIZE = 0x238,
	LH_PREF_ADDRESS = 0x258, /* 2.10+ */
	LH_INIT_SIZE = 0x260,    /* 2.10+ */
};

/* Other zero-page fields the loader fills. */
enum {
	BP_ORIG_X = 0x00, /* struct screen_info */
	BP_ORIG_Y = 0x01,
	BP_EXT_MEM_K = 0x02,
	BP_ORIG_VIDEO_MODE = 0x06,
	BP_ORIG_VIDEO_COLS = 0x07,
	BP_ORIG_VIDEO_EGA_BX = 0x0A,
	BP_ORIG_VIDEO_LINES = 0x0E,
	BP_ORIG_VIDEO_ISVGA = 0x0F,
	BP_ORIG_VIDEO_POINTS = 0x10,
	BP_ALT_MEM_K = 0x1E0,
	BP_E820_ENTRIES = 0x1E8,
	BP_E820_TABLE = 0x2D0, /* 20-byte entries, up to 128 */
	BP_SIZE = 0x1000,
};

#define LOADED_HIGH 0x01
#define LOADER_UNDEFINED 0xFF /* type_of_loader: a boot loader without an ID */

int boot_linux_parse(struct boot_image *b, char *err, size_t errlen)
{
	const uint8_t *k = b->kernel;
	const char *path = b->kernel_path;
	unsigned sects = k[LH_SETUP_SECTS] ? k[LH_SETUP_SECTS] : 4;
	b->setup_size = (sects + 1) * 512u;
	if (b->kernel_size < b->setup_size || b->kernel_size < LH_INIT_SIZE + 4) {
		snprintf(err, errlen, "--kernel %s: truncated: %zu bytes, the setup part alone is %u",
			 path, b->kernel_size, b->setup_size);
		return -1;
	}
	b->version = boot_get16(k + LH_VERSION);
	if (b->version < 0x0206) {
		snprintf(err, errlen,
			 "--kernel %s: Linux boot protocol %u.%02u is older than 2.06 (not supported)",
			 path, b->version >> 8, b->version & 0xFF);
		return -1;
	}
	if (!(k[LH_LOADFLAGS] & LOADED_HIGH)) {
		snprintf(err, errlen, "--kernel %s: a zImage (loaded low); only bzImage is supported",
			 path);
		return -1;
	}
	uint64_t want = (uint64_t)boot_get32(k + LH_SYSSIZE) * 16;
	b->pm_size = (uint32_t)(b->kernel_size - b->setup_size);
	/* syssize counts whole paragraphs: the last may be cut short. */
	if (b->pm_size == 0 || want > (uint64_t)b->pm_size + 15) {
		snprintf(err, errlen,
			 "--kernel %s: truncated: the protected-mode part has %u of its %llu bytes",
			 path, b->pm_size, (unsigned long long)want);
		return -1;
	}
	b->cmdline_limit = boot_get32(k + LH_CMDLINE_SIZE);
	if (b->cmdline_limit > BOOT_CMDLINE_MAX - 1)
		b->cmdline_limit = BOOT_CMDLINE_MAX - 1;
	size_t len = strlen(b->cmdline);
	if (len > b->cmdline_limit) {
		snprintf(err, errlen,
			 "--append: the command line is %zu bytes; kernel %s takes at most %u", len,
			 path, b->cmdline_limit);
		return -1;
	}
	/* The memory the kernel decompresses into: init_size bytes from its
	 * preferred address (where a relocatable kernel loaded at 1 MiB
	 * moves itself) or from 1 MiB. */
	uint64_t start = BOOT_HIGH_ADDR, init_size = (uint64_t)b->pm_size * 4;
	if (b->version >= 0x020A) {
		uint64_t pref = boot_get32(k + LH_PREF_ADDRESS) |
				(uint64_t)boot_get32(k + LH_PREF_ADDRESS + 4) << 32;
		if (pref > start)
			start = pref;
		init_size = boot_get32(k + LH_INIT_SIZE);
	}
	uint64_t end = start + init_size;
	if (end < BOOT_HIGH_ADDR + (uint64_t)b->pm_size)
		end = BOOT_HIGH_ADDR + (uint64_t)b->pm_size;
	end = (end + 0xFFF) & ~0xFFFull;
	if (end > b->ram_size) {
		snprintf(err, errlen,
			 "--kernel %s: needs %llu MiB of RAM to unpack; the guest has %u MiB (-m)", path,
			 (unsigned long long)((end + 0xFFFFF) >> 20), b->ram_size >> 20);
		return -1;
	}
	b->kernel_end = (uint32_t)end;
	b->entry = BOOT_HIGH_ADDR;

	/* The initrd: as high as RAM and the kernel's initrd_addr_max allow,
	 * page aligned, above everything the kernel unpacks. */
	b->initrd_addr = 0;
	if (b->initrd) {
		uint64_t top = (uint64_t)boot_get32(k + LH_INITRD_ADDR_MAX) + 1;
		if (top > b->ram_size)
			top = b->ram_size;
		uint64_t addr = top >= b->initrd_size ? (top - b->initrd_size) & ~0xFFFull : 0;
		if (top < b->initrd_size || addr < end || b->initrd_size == 0) {
			if (b->initrd_size == 0)
				snprintf(err, errlen, "--initrd %s: empty file", b->initrd_path);
			else
				snprintf(err, errlen,
					 "--initrd %s: %zu bytes do not fit in RAM between the kernel "
					 "(up to %llu MiB) and %llu MiB (-m)",
					 b->initrd_path, b->initrd_size,
					 (unsigned long long)(end >> 20),
					 (unsigned long long)(top >> 20));
			return -1;
		}
		b->initrd_addr = (uint32_t)addr;
	}
	b->kind = BOOT_LINUX;
	return 0;
}

/* screen_info: the 80x25 text mode the BIOS left, with its cursor, so that
 * the kernel's VGA console carries on below the BIOS's messages. */
static void linux_screen_info(uint8_t *bp, struct phys_mem *mem, uint32_t ram_size)
{
	uint8_t mode = (uint8_t)phys_read(mem, 0x449, 1);
	uint8_t cols = (uint8_t)phys_read(mem, 0x44A, 1);
	uint8_t rows = (uint8_t)(phys_read(mem, 0x484, 1) + 1);
	uint8_t col = (uint8_t)phys_read(mem, 0x450, 1);
	uint8_t row = (uint8_t)phys_read(mem, 0x451, 1);
	/* Without a BIOS (or in a graphics mode) describe plain mode 3. */
	if (mode != 3 || cols != 80 || rows != 25 || col >= 80 || row >= 25) {
		mode = 3;
		cols = 80;
		rows = 25;
		col = 0;
		row = 0;
	}
	bp[BP_ORIG_X] = col;
	bp[BP_ORIG_Y] = row;
	uint32_t ext_k = ram_size > BOOT_HIGH_ADDR ? (ram_size - BOOT_HIGH_ADDR) >> 10 : 0;
	boot_put16(bp + BP_EXT_MEM_K, (uint16_t)(ext_k > 0xFFFF ? 0xFFFF : ext_k));
	bp[BP_ORIG_VIDEO_MODE] = mode;
	bp[BP_ORIG_VIDEO_COLS] = cols;
	boot_put16(bp + BP_ORIG_VIDEO_EGA_BX, 0x0003); /* INT 10h AH=12h: colour, 256 KiB */
	bp[BP_ORIG_VIDEO_LINES] = rows;
	bp[BP_ORIG_VIDEO_ISVGA] = 1;
	boot_put16(bp + BP_ORIG_VIDEO_POINTS, 16);
	boot_put32(bp + BP_ALT_MEM_K, ext_k);
}

void boot_linux_load(const struct boot_image *b, struct phys_mem *mem, struct boot_entry *e)
{
	const uint8_t *k = b->kernel;
	static const uint8_t zero[BP_SIZE];
	uint8_t bp[BP_SIZE];
	memcpy(bp, zero, sizeof(bp));
	/* The setup header, as long as the kernel says it is. */
	size_t hdr_end = 0x202u + k[LH_JUMP + 1]; /* within the setup part: >= 1 KiB */
	memcpy(bp + LH_SETUP_SECTS, k + LH_SETUP_SECTS, hdr_end - LH_SETUP_SECTS);

	bp[LH_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	boot_put32(bp + LH_CODE32_START, BOOT_HIGH_ADDR);
	boot_put32(bp + LH_CMD_LINE_PTR, BOOT_CMDLINE_ADDR);
	if (b->initrd) {
		boot_put32(bp + LH_RAMDISK_IMAGE, b->initrd_addr);
		boot_put32(bp + LH_RAMDISK_SIZE, (uint32_t)b->initrd_size);
	}
	linux_screen_info(bp, mem, b->ram_size);
	struct boot_mem_region map[BOOT_MAP_MAX];
	unsigned n = boot_memory_map(mem, map);
	bp[BP_E820_ENTRIES] = (uint8_t)n;
	for (unsigned i = 0; i < n; i++) {
		uint8_t *ent = bp + BP_E820_TABLE + 20 * i;
		boot_put32(ent, (uint32_t)map[i].base);
		boot_put32(ent + 4, (uint32_t)(map[i].base >> 32));
		boot_put32(ent + 8, (uint32_t)map[i].len);
		boot_put32(ent + 12, (uint32_t)(map[i].len >> 32));
		boot_put32(ent + 16, map[i].type);
	}
	phys_write_block(mem, BOOT_INFO_ADDR, bp, sizeof(bp));
	phys_write_block(mem, BOOT_CMDLINE_ADDR, b->cmdline, strlen(b->cmdline) + 1);
	phys_write_block(mem, BOOT_HIGH_ADDR, k + b->setup_size, b->pm_size);
	if (b->initrd)
		phys_write_block(mem, b->initrd_addr, b->initrd, b->initrd_size);
	e->eip = BOOT_HIGH_ADDR;
	e->esi = BOOT_INFO_ADDR;
	e->eax = e->ebx = 0;
}
