/* boot.h: direct kernel boot (--kernel, --initrd, --append).
 *
 * popek can start a kernel without a boot loader: a Linux bzImage (boot
 * protocol 2.06 or later) or a Multiboot v1 kernel (ELF, or with the
 * header's address fields). The files are read and checked when the
 * machine is built, so bad input ends the run before it starts; they are
 * copied into guest RAM only when the firmware has finished its POST and
 * asks for them through the hypercall port (HC_BOOT_KERNEL in
 * vmm/hypercall.h), so the kernel finds a PC the BIOS has set up (PIC,
 * PIT, video in 80x25 text, BDA and EBDA) and nothing the POST writes can
 * overwrite it. boot_start() then loads the image, builds what the kernel
 * is handed (Linux: boot_params; Multiboot: the information structure) and
 * puts the CPU in the entry state its protocol documents: 32-bit protected
 * mode, paging off, interrupts off, flat 4 GiB segments from a small GDT.
 *
 * Guest memory used (all below the EBDA, above the BIOS data area):
 *   BOOT_GDT_ADDR      the GDT: selectors 0x10 (code) and 0x18 (data)
 *   BOOT_INFO_ADDR     Linux boot_params or the Multiboot information,
 *                      with its memory map and module list
 *   BOOT_CMDLINE_ADDR  the command line (up to BOOT_CMDLINE_MAX bytes)
 * The kernel goes where its format says (Linux: 1 MiB; Multiboot: its
 * segments' physical addresses); the initrd goes at the top of RAM
 * (Linux, below initrd_addr_max) or right after the kernel (Multiboot).
 */
#ifndef POPEK_VMM_BOOT_H
#define POPEK_VMM_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpu;
struct phys_mem;

#define BOOT_GDT_ADDR 0x1000u
#define BOOT_INFO_ADDR 0x10000u
#define BOOT_CMDLINE_ADDR 0x20000u
#define BOOT_CMDLINE_MAX 0x10000u
#define BOOT_STACK_TOP 0x7000u /* ESP at entry (neither protocol needs one) */
#define BOOT_HIGH_ADDR 0x100000u /* where a bzImage's protected-mode part goes */

/* Selectors of the entry GDT (Linux's __BOOT_CS and __BOOT_DS). */
#define BOOT_CS 0x10
#define BOOT_DS 0x18

#define MULTIBOOT_HEADER_MAGIC 0x1BADB002u
#define MULTIBOOT_BOOT_MAGIC 0x2BADB002u /* EAX at a Multiboot kernel's entry */
#define MULTIBOOT_SEARCH 8192u           /* the header is in the first 8 KiB */

enum boot_kind { BOOT_NONE, BOOT_LINUX, BOOT_MULTIBOOT };

/* One region of the memory map both protocols hand over (E820 types). */
struct boot_mem_region {
	uint64_t base, len;
	uint32_t type; /* 1 RAM, 2 reserved */
};
#define BOOT_MAP_MAX 8

/* What the CPU holds at the kernel's entry, besides the flat segments. */
struct boot_entry {
	uint32_t eip, eax, ebx, esi;
};

/* A kernel (and initrd) read from the host, checked, waiting to be
 * loaded. Everything below `kind` is filled by the parsers. */
struct boot_image {
	enum boot_kind kind;
	const char *kernel_path, *initrd_path; /* for messages */
	uint8_t *kernel;
	size_t kernel_size;
	uint8_t *initrd; /* NULL: none */
	size_t initrd_size;
	const char *cmdline; /* "" when none */
	uint32_t ram_size;   /* the guest's RAM, bytes */
	bool started;        /* boot_start() ran */

	/* Linux (boot_linux.c). */
	uint16_t version;         /* boot protocol, e.g. 0x020F */
	uint32_t setup_size;      /* boot sector + setup, bytes */
	uint32_t pm_size;         /* protected-mode part, bytes */
	uint32_t cmdline_limit;   /* longest command line it takes, without NUL */
	uint32_t kernel_end;      /* end of the memory it decompresses into */

	/* Multiboot (boot_multiboot.c). */
	uint32_t mb_flags;        /* the header's flags */
	uint32_t mb_header;       /* the header's offset in the file */
	uint32_t load_end;        /* end of the loaded image, with its bss */

	/* Both: where the initrd goes (0: none) and the entry point. */
	uint32_t initrd_addr;
	uint32_t entry;
};

/* Reads the kernel (and initrd) files and checks them against a RAM of
 * ram_size bytes. cmdline may be NULL. Returns 0, or -1 with one line in
 * err naming the file and the problem (the caller exits with status 2). */
int boot_open(struct boot_image *b, const char *kernel, const char *initrd, const char *cmdline,
	      uint32_t ram_size, char *err, size_t errlen);

/* Recognises and checks b->kernel (kernel_size bytes) and places the
 * initrd, with the fields above `kind` filled: what boot_open() does
 * after reading the files. Returns 0, or -1 with one line in err. */
int boot_parse(struct boot_image *b, char *err, size_t errlen);

/* Frees the file buffers (safe on a zeroed struct). */
void boot_free(struct boot_image *b);

/* Copies the kernel and initrd into guest RAM, builds the boot protocol's
 * structures and sets the CPU to the entry state; the CPU goes on at the
 * kernel's entry point when the current instruction retires (next_eip).
 * Reads the BIOS data area for the EBDA's address and the cursor, so that
 * the memory map and video state match what the firmware set up. */
void boot_start(struct boot_image *b, struct phys_mem *mem, struct cpu *cpu);

/* --- for the loaders and their tests ------------------------------------- */

/* The PC's memory map as popek's BIOS reports it through INT 15h E820:
 * conventional RAM up to the EBDA, the EBDA and ROM area reserved, RAM
 * from 1 MiB to the end, the firmware at the top of 4 GiB. Returns the
 * number of regions. */
unsigned boot_memory_map(struct phys_mem *mem, struct boot_mem_region map[BOOT_MAP_MAX]);

int boot_linux_parse(struct boot_image *b, char *err, size_t errlen);
void boot_linux_load(const struct boot_image *b, struct phys_mem *mem, struct boot_entry *e);
int boot_multiboot_parse(struct boot_image *b, char *err, size_t errlen);
void boot_multiboot_load(const struct boot_image *b, struct phys_mem *mem, struct boot_entry *e);

/* Whether the first 8 KiB hold a valid Multiboot header; its offset. */
bool boot_multiboot_find(const uint8_t *k, size_t size, uint32_t *offset);

/* Little-endian fields of a host buffer (bounds checked by the callers). */
static inline uint16_t boot_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t boot_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void boot_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void boot_put32(uint8_t *p, uint32_t v)
{
	boot_put16(p, (uint16_t)v);
	boot_put16(p + 2, (uint16_t)(v >> 16));
}

#endif
