/* boot.c: direct kernel boot, the parts both protocols share: reading the
 * files, telling the formats apart, the memory map, and the 32-bit entry
 * state (see boot.h for the design). */
#include "vmm/boot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cpu/cpu.h"
#include "cpu/mmu.h"
#include "vmm/phys_mem.h"

/* Reads a whole file of at most `max` bytes. `opt` and `path` name it in
 * the error line. */
static int boot_read_file(const char *opt, const char *path, size_t max, uint8_t **buf,
			  size_t *size, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s %s: %s", opt, path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s %s: not a regular file", opt, path);
		fclose(f);
		return -1;
	}
	if ((uint64_t)st.st_size > max) {
		snprintf(err, errlen, "%s %s: %lld bytes do not fit in the guest's %zu MiB of RAM",
			 opt, path, (long long)st.st_size, max >> 20);
		fclose(f);
		return -1;
	}
	size_t n = (size_t)st.st_size;
	*buf = malloc(n ? n : 1);
	if (!*buf) {
		snprintf(err, errlen, "%s %s: out of memory", opt, path);
		fclose(f);
		return -1;
	}
	if (n && fread(*buf, 1, n, f) != n) {
		snprintf(err, errlen, "%s %s: read error", opt, path);
		fclose(f);
		free(*buf);
		*buf = NULL;
		return -1;
	}
	fclose(f);
	*size = n;
	return 0;
}

int boot_parse(struct boot_image *b, char *err, size_t errlen)
{
	const uint8_t *k = b->kernel;
	if (!b->cmdline)
		b->cmdline = "";
	if (b->kernel_size == 0) {
		snprintf(err, errlen, "--kernel %s: empty file", b->kernel_path);
		return -1;
	}
	/* A bzImage has the boot sector's 55AA and "HdrS" in its setup
	 * header; anything else must carry a Multiboot header. */
	if (b->kernel_size >= 0x206 && boot_get16(k + 0x1FE) == 0xAA55 &&
	    boot_get32(k + 0x202) == 0x53726448u)
		return boot_linux_parse(b, err, errlen);
	uint32_t off;
	if (boot_multiboot_find(k, b->kernel_size, &off))
		return boot_multiboot_parse(b, err, errlen);
	snprintf(err, errlen,
		 "--kernel %s: neither a Linux bzImage nor a Multiboot kernel (or truncated)",
		 b->kernel_path);
	return -1;
}

int boot_open(struct boot_image *b, const char *kernel, const char *initrd, const char *cmdline,
	      uint32_t ram_size, char *err, size_t errlen)
{
	memset(b, 0, sizeof(*b));
	b->kernel_path = kernel;
	b->initrd_path = initrd;
	b->cmdline = cmdline ? cmdline : "";
	b->ram_size = ram_size;
	if (boot_read_file("--kernel", kernel, ram_size, &b->kernel, &b->kernel_size, err,
			   errlen) < 0)
		return -1;
	if (initrd && boot_read_file("--initrd", initrd, ram_size, &b->initrd, &b->initrd_size,
				     err, errlen) < 0) {
		boot_free(b);
		return -1;
	}
	if (boot_parse(b, err, errlen) < 0) {
		boot_free(b);
		return -1;
	}
	return 0;
}

void boot_free(struct boot_image *b)
{
	free(b->kernel);
	free(b->initrd);
	b->kernel = b->initrd = NULL;
	b->kind = BOOT_NONE;
}

/* BIOS data area words: the EBDA's segment, page 0's cursor. */
#define BDA_EBDA_SEG 0x40E
#define EBDA_DEFAULT 0x9FC00u

unsigned boot_memory_map(struct phys_mem *mem, struct boot_mem_region map[BOOT_MAP_MAX])
{
	/* The BIOS put the EBDA's segment in the BDA; anything implausible
	 * (no BIOS ran) gives the usual 639 KiB. */
	uint32_t ebda = phys_read(mem, BDA_EBDA_SEG, 2) << 4;
	if (ebda < 0x80000 || ebda >= 0xA0000)
		ebda = EBDA_DEFAULT;
	unsigned n = 0;
	map[n++] = (struct boot_mem_region){0, ebda, 1};
	map[n++] = (struct boot_mem_region){ebda, 0x100000 - ebda, 2};
	if (mem->ram_size > 0x100000)
		map[n++] = (struct boot_mem_region){0x100000, mem->ram_size - 0x100000u, 1};
	map[n++] = (struct boot_mem_region){0xFFFC0000u, 0x40000, 2};
	return n;
}

/* Flat 4 GiB descriptors, accessed bit set (as a CPU loading them would). */
#define BOOT_DESC_CODE 0x00CF9B000000FFFFull
#define BOOT_DESC_DATA 0x00CF93000000FFFFull

static void boot_flat_seg(struct seg_cache *s, uint16_t sel, uint16_t access)
{
	s->sel = sel;
	s->attr = (uint16_t)(access | SEG_ATTR_DB | SEG_ATTR_G);
	s->base = 0;
	s->limit = 0xFFFFFFFFu;
}

/* The state both protocols ask for: protected mode without paging, CS a
 * 32-bit flat code segment, the others flat data, interrupts off, and the
 * GDT holding them (Linux's __BOOT_CS/__BOOT_DS), the way a boot loader
 * leaves the CPU after its own LGDT and far jump. */
static void boot_enter(struct cpu *cpu, struct phys_mem *mem, const struct boot_entry *e)
{
	uint8_t gdt[4 * 8] = {0};
	for (int i = 0; i < 8; i++) {
		gdt[BOOT_CS + i] = (uint8_t)(BOOT_DESC_CODE >> (8 * i));
		gdt[BOOT_DS + i] = (uint8_t)(BOOT_DESC_DATA >> (8 * i));
	}
	phys_write_block(mem, BOOT_GDT_ADDR, gdt, sizeof(gdt));
	cpu->gdtr.base = BOOT_GDT_ADDR;
	cpu->gdtr.limit = sizeof(gdt) - 1;
	cpu->cr[0] = (cpu->cr[0] & ~CR0_PG) | CR0_PE | CR0_ET;
	boot_flat_seg(&cpu->seg[SEG_CS], BOOT_CS, SEG_ATTR_REAL_CODE);
	for (int s = 0; s < SEG_COUNT; s++)
		if (s != SEG_CS)
			boot_flat_seg(&cpu->seg[s], BOOT_DS, SEG_ATTR_REAL_DATA);
	cpu->eflags = 0x2; /* IF, DF, TF and the rest clear */
	memset(cpu->regs, 0, sizeof(cpu->regs));
	cpu->regs[REG_EAX] = e->eax;
	cpu->regs[REG_EBX] = e->ebx;
	cpu->regs[REG_ESI] = e->esi;
	cpu->regs[REG_ESP] = BOOT_STACK_TOP;
	cpu->inhibit_intr = 0;
	cpu->halted = false;
	cpu_update_mode(cpu);
	mmu_flush(cpu, false);
	/* The instruction that asked (the hypercall's OUT) retires to here. */
	cpu->eip = cpu->next_eip = e->eip;
}

void boot_start(struct boot_image *b, struct phys_mem *mem, struct cpu *cpu)
{
	struct boot_entry e = {0};
	if (b->kind == BOOT_LINUX)
		boot_linux_load(b, mem, &e);
	else
		boot_multiboot_load(b, mem, &e);
	boot_enter(cpu, mem, &e);
	b->started = true;
}
