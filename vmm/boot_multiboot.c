/* boot_multiboot.c: loading a Multiboot (version 1) kernel: an ELF32
 * executable, or any image whose Multiboot header carries the load
 * addresses (flag bit 16). The kernel gets the Multiboot information
 * structure: memory sizes and map, command line, the --initrd file as its
 * one module, and the boot loader's name; it is entered with EAX =
 * 0x2BADB002 and EBX = that structure, in the flat 32-bit state the
 * specification describes. */
#include "vmm/boot.h"

#include <stdio.h>
#include <string.h>

#include "vmm/phys_mem.h"

/* Header flags. Bits 0-15 are requirements: a loader that does not know
 * one must refuse the kernel. */
enum {
	MBH_PAGE_ALIGN = 1u << 0, /* modules on page boundaries (always so here) */
	MBH_MEMORY_INFO = 1u << 1,
	MBH_VIDEO_MODE = 1u << 2, /* a preference; the text mode is reported */
	MBH_KNOWN_REQUIRED = 0x7,
	MBH_REQUIRED = 0xFFFF,
	MBH_ADDRESSES = 1u << 16, /* header_addr..entry_addr are valid */
};

/* Information structure: flags, and its field offsets. */
enum {
	MBI_F_MEM = 1u << 0,
	MBI_F_CMDLINE = 1u << 2,
	MBI_F_MODS = 1u << 3,
	MBI_F_MMAP = 1u << 6,
	MBI_F_LOADER_NAME = 1u << 9,
	MBI_FLAGS = 0,
	MBI_MEM_LOWER = 4,
	MBI_MEM_UPPER = 8,
	MBI_CMDLINE = 16,
	MBI_MODS_COUNT = 20,
	MBI_MODS_ADDR = 24,
	MBI_MMAP_LENGTH = 44,
	MBI_MMAP_ADDR = 48,
	MBI_LOADER_NAME = 64,
	MBI_SIZE = 0x100,
};

/* Where the pieces of the information go, from BOOT_INFO_ADDR. */
#define MBI_MMAP_OFF 0x100u
#define MBI_MODS_OFF 0x200u
#define MBI_NAME_OFF 0x300u
#define MBI_MODSTR_OFF 0x400u
#define MBI_MODSTR_MAX 0xC00u

/* ELF32 fields. */
enum {
	EH_CLASS = 4, EH_DATA = 5, EH_TYPE = 16, EH_MACHINE = 18, EH_ENTRY = 24,
	EH_PHOFF = 28, EH_PHENTSIZE = 42, EH_PHNUM = 44, EH_SIZE = 52,
	PH_TYPE = 0, PH_OFFSET = 4, PH_PADDR = 12, PH_FILESZ = 16, PH_MEMSZ = 20,
	PH_SIZE = 32, PT_LOAD = 1, EM_386 = 3,
};

bool boot_multiboot_find(const uint8_t *k, size_t size, uint32_t *offset)
{
	size_t lim = size < MULTIBOOT_SEARCH ? size : MULTIBOOT_SEARCH;
	for (size_t off = 0; off + 12 <= lim; off += 4) {
		uint32_t magic = boot_get32(k + off);
		uint32_t flags = boot_get32(k + off + 4);
		if (magic == MULTIBOOT_HEADER_MAGIC &&
		    (uint32_t)(magic + flags + boot_get32(k + off + 8)) == 0) {
			*offset = (uint32_t)off;
			return true;
		}
	}
	return false;
}

/* A piece of the image must land in RAM above 1 MiB (below it are the
 * BIOS's data, the loader's structures, video memory and ROMs). */
static int mb_check_range(const struct boot_image *b, uint64_t addr, uint64_t len, char *err,
			  size_t errlen)
{
	if (addr < BOOT_HIGH_ADDR || addr + len > b->ram_size) {
		snprintf(err, errlen,
			 "--kernel %s: loads %llu bytes at 0x%llx, outside the guest's RAM from 1 MiB "
			 "to %u MiB",
			 b->kernel_path, (unsigned long long)len, (unsigned long long)addr,
			 b->ram_size >> 20);
		return -1;
	}
	return 0;
}

static int mb_truncated(const struct boot_image *b, char *err, size_t errlen)
{
	snprintf(err, errlen, "--kernel %s: truncated: a segment ends past the end of the file",
		 b->kernel_path);
	return -1;
}

/* An ELF32 executable's loadable segments, each checked. */
static int mb_parse_elf(struct boot_image *b, char *err, size_t errlen)
{
	const uint8_t *k = b->kernel;
	if (b->kernel_size < EH_SIZE || k[EH_CLASS] != 1 || k[EH_DATA] != 1 ||
	    boot_get16(k + EH_MACHINE) != EM_386) {
		snprintf(err, errlen, "--kernel %s: a Multiboot kernel, but not a 32-bit x86 ELF "
			 "and without load addresses in its header", b->kernel_path);
		return -1;
	}
	uint32_t phoff = boot_get32(k + EH_PHOFF);
	unsigned phsize = boot_get16(k + EH_PHENTSIZE), phnum = boot_get16(k + EH_PHNUM);
	if (phsize < PH_SIZE || (uint64_t)phoff + (uint64_t)phsize * phnum > b->kernel_size)
		return mb_truncated(b, err, errlen);
	uint64_t end = 0;
	unsigned loads = 0;
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = k + phoff + (size_t)i * phsize;
		uint32_t memsz = boot_get32(ph + PH_MEMSZ), filesz = boot_get32(ph + PH_FILESZ);
		if (boot_get32(ph + PH_TYPE) != PT_LOAD || memsz == 0)
			continue;
		if ((uint64_t)boot_get32(ph + PH_OFFSET) + filesz > b->kernel_size)
			return mb_truncated(b, err, errlen);
		if (filesz > memsz) {
			snprintf(err, errlen, "--kernel %s: ELF segment %u is larger in the file "
				 "than in memory", b->kernel_path, i);
			return -1;
		}
		uint32_t paddr = boot_get32(ph + PH_PADDR);
		if (mb_check_range(b, paddr, memsz, err, errlen) < 0)
			return -1;
		if ((uint64_t)paddr + memsz > end)
			end = (uint64_t)paddr + memsz;
		loads++;
	}
	if (!loads) {
		snprintf(err, errlen, "--kernel %s: the ELF file has nothing to load", b->kernel_path);
		return -1;
	}
	b->load_end = (uint32_t)end;
	b->entry = boot_get32(k + EH_ENTRY);
	return 0;
}

/* The header's own addresses (bit 16): the file from the header's
 * position back to load_addr is loaded there, then a bss is cleared. */
static int mb_parse_addresses(struct boot_image *b, char *err, size_t errlen)
{
	const uint8_t *h = b->kernel + b->mb_header;
	if (b->mb_header + 32 > b->kernel_size)
		return mb_truncated(b, err, errlen);
	uint32_t header_addr = boot_get32(h + 12), load_addr = boot_get32(h + 16);
	uint32_t load_end = boot_get32(h + 20), bss_end = boot_get32(h + 24);
	if (load_addr > header_addr || header_addr - load_addr > b->mb_header ||
	    (load_end && load_end < load_addr) || (bss_end && load_end && bss_end < load_end)) {
		snprintf(err, errlen, "--kernel %s: inconsistent load addresses in the Multiboot "
			 "header", b->kernel_path);
		return -1;
	}
	uint32_t file_off = b->mb_header - (header_addr - load_addr);
	uint64_t len = load_end ? (uint64_t)load_end - load_addr : b->kernel_size - file_off;
	if (file_off + len > b->kernel_size)
		return mb_truncated(b, err, errlen);
	uint64_t end = (uint64_t)load_addr + len;
	if (bss_end > end)
		end = bss_end;
	if (mb_check_range(b, load_addr, end - load_addr, err, errlen) < 0)
		return -1;
	b->load_end = (uint32_t)end;
	b->entry = boot_get32(h + 28);
	return 0;
}

int boot_multiboot_parse(struct boot_image *b, char *err, size_t errlen)
{
	uint32_t off = 0;
	boot_multiboot_find(b->kernel, b->kernel_size, &off);
	b->mb_header = off;
	b->mb_flags = boot_get32(b->kernel + off + 4);
	if (b->mb_flags & MBH_REQUIRED & ~MBH_KNOWN_REQUIRED) {
		snprintf(err, errlen, "--kernel %s: requires Multiboot features popek does not "
			 "provide (header flags 0x%x)", b->kernel_path, b->mb_flags);
		return -1;
	}
	bool elf = b->kernel_size >= 4 && !memcmp(b->kernel, "\x7F" "ELF", 4);
	int r;
	if (b->mb_flags & MBH_ADDRESSES)
		r = mb_parse_addresses(b, err, errlen);
	else if (elf)
		r = mb_parse_elf(b, err, errlen);
	else {
		snprintf(err, errlen, "--kernel %s: a Multiboot header, but neither an ELF file nor "
			 "load addresses in the header", b->kernel_path);
		return -1;
	}
	if (r < 0)
		return -1;
	size_t len = strlen(b->kernel_path) + 1 + strlen(b->cmdline);
	if (len >= BOOT_CMDLINE_MAX) {
		snprintf(err, errlen, "--append: the command line is too long (%zu bytes)", len);
		return -1;
	}
	/* The module goes on the first page boundary after the kernel. */
	b->initrd_addr = 0;
	if (b->initrd) {
		uint64_t addr = ((uint64_t)b->load_end + 0xFFF) & ~0xFFFull;
		if (addr + b->initrd_size > b->ram_size) {
			snprintf(err, errlen, "--initrd %s: %zu bytes do not fit in RAM after the kernel "
				 "(%u MiB, -m)", b->initrd_path, b->initrd_size, b->ram_size >> 20);
			return -1;
		}
		b->initrd_addr = (uint32_t)addr;
	}
	b->kind = BOOT_MULTIBOOT;
	return 0;
}

/* Clears len bytes of guest memory (a segment's bss). */
static void mb_zero(struct phys_mem *mem, uint32_t addr, uint32_t len)
{
	static const uint8_t zero[4096];
	while (len) {
		uint32_t n = len < sizeof(zero) ? len : (uint32_t)sizeof(zero);
		phys_write_block(mem, addr, zero, n);
		addr += n;
		len -= n;
	}
}

static void mb_load_image(const struct boot_image *b, struct phys_mem *mem)
{
	const uint8_t *k = b->kernel;
	if (b->mb_flags & MBH_ADDRESSES) {
		const uint8_t *h = k + b->mb_header;
		uint32_t header_addr = boot_get32(h + 12), load_addr = boot_get32(h + 16);
		uint32_t load_end = boot_get32(h + 20);
		uint32_t file_off = b->mb_header - (header_addr - load_addr);
		uint32_t len = load_end ? load_end - load_addr : (uint32_t)b->kernel_size - file_off;
		phys_write_block(mem, load_addr, k + file_off, len);
		mb_zero(mem, load_addr + len, b->load_end - (load_addr + len));
		return;
	}
	uint32_t phoff = boot_get32(k + EH_PHOFF);
	unsigned phsize = boot_get16(k + EH_PHENTSIZE), phnum = boot_get16(k + EH_PHNUM);
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = k + phoff + (size_t)i * phsize;
		uint32_t memsz = boot_get32(ph + PH_MEMSZ), filesz = boot_get32(ph + PH_FILESZ);
		if (boot_get32(ph + PH_TYPE) != PT_LOAD || memsz == 0)
			continue;
		uint32_t paddr = boot_get32(ph + PH_PADDR);
		phys_write_block(mem, paddr, k + boot_get32(ph + PH_OFFSET), filesz);
		mb_zero(mem, paddr + filesz, memsz - filesz);
	}
}

void boot_multiboot_load(const struct boot_image *b, struct phys_mem *mem, struct boot_entry *e)
{
	mb_load_image(b, mem);
	uint8_t info[MBI_SIZE] = {0};
	uint32_t flags = MBI_F_MEM | MBI_F_CMDLINE | MBI_F_MMAP | MBI_F_LOADER_NAME;

	struct boot_mem_region map[BOOT_MAP_MAX];
	unsigned n = boot_memory_map(mem, map);
	boot_put32(info + MBI_MEM_LOWER, (uint32_t)(map[0].len >> 10));
	boot_put32(info + MBI_MEM_UPPER,
		   b->ram_size > BOOT_HIGH_ADDR ? (b->ram_size - BOOT_HIGH_ADDR) >> 10 : 0);
	uint8_t mmap[BOOT_MAP_MAX * 24];
	for (unsigned i = 0; i < n; i++) {
		uint8_t *ent = mmap + 24 * i;
		boot_put32(ent, 20); /* the size field does not count itself */
		boot_put32(ent + 4, (uint32_t)map[i].base);
		boot_put32(ent + 8, (uint32_t)(map[i].base >> 32));
		boot_put32(ent + 12, (uint32_t)map[i].len);
		boot_put32(ent + 16, (uint32_t)(map[i].len >> 32));
		boot_put32(ent + 20, map[i].type);
	}
	phys_write_block(mem, BOOT_INFO_ADDR + MBI_MMAP_OFF, mmap, 24 * n);
	boot_put32(info + MBI_MMAP_LENGTH, 24 * n);
	boot_put32(info + MBI_MMAP_ADDR, BOOT_INFO_ADDR + MBI_MMAP_OFF);

	/* The command line: the kernel's name, then --append, as GRUB
	 * passes it. */
	size_t plen = strlen(b->kernel_path);
	phys_write_block(mem, BOOT_CMDLINE_ADDR, b->kernel_path, plen);
	uint32_t at = BOOT_CMDLINE_ADDR + (uint32_t)plen;
	if (*b->cmdline) {
		phys_write_block(mem, at, " ", 1);
		phys_write_block(mem, at + 1, b->cmdline, strlen(b->cmdline));
		at += 1 + (uint32_t)strlen(b->cmdline);
	}
	phys_write_block(mem, at, "", 1);
	boot_put32(info + MBI_CMDLINE, BOOT_CMDLINE_ADDR);

	if (b->initrd) {
		phys_write_block(mem, b->initrd_addr, b->initrd, b->initrd_size);
		uint8_t mod[16] = {0};
		boot_put32(mod, b->initrd_addr);
		boot_put32(mod + 4, b->initrd_addr + (uint32_t)b->initrd_size);
		boot_put32(mod + 8, BOOT_INFO_ADDR + MBI_MODSTR_OFF);
		phys_write_block(mem, BOOT_INFO_ADDR + MBI_MODS_OFF, mod, sizeof(mod));
		size_t slen = strlen(b->initrd_path);
		if (slen > MBI_MODSTR_MAX - 1)
			slen = MBI_MODSTR_MAX - 1;
		phys_write_block(mem, BOOT_INFO_ADDR + MBI_MODSTR_OFF, b->initrd_path, slen);
		phys_write_block(mem, BOOT_INFO_ADDR + MBI_MODSTR_OFF + (uint32_t)slen, "", 1);
		boot_put32(info + MBI_MODS_COUNT, 1);
		boot_put32(info + MBI_MODS_ADDR, BOOT_INFO_ADDR + MBI_MODS_OFF);
		flags |= MBI_F_MODS;
	}
	static const char name[] = "popek";
	phys_write_block(mem, BOOT_INFO_ADDR + MBI_NAME_OFF, name, sizeof(name));
	boot_put32(info + MBI_LOADER_NAME, BOOT_INFO_ADDR + MBI_NAME_OFF);
	boot_put32(info + MBI_FLAGS, flags);
	phys_write_block(mem, BOOT_INFO_ADDR, info, sizeof(info));
	e->eax = MULTIBOOT_BOOT_MAGIC;
	e->ebx = BOOT_INFO_ADDR;
	e->esi = 0;
	e->eip = b->entry;
}
