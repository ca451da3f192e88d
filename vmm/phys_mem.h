/* phys_mem.h: the guest physical address space.
 *
 * Guest RAM and ROM are host buffers owned by this allocator; every 4 KiB
 * physical page has an entry saying whether it is backed by host memory
 * (RAM or ROM, read directly) or by an MMIO handler (or nothing at all,
 * which reads as all-ones and drops writes). No guest address ever reaches
 * host memory without going through phys_page_host(), which is bounds-checked
 * by construction: the page table covers the whole 32-bit space.
 */
#ifndef POPEK_VMM_PHYS_MEM_H
#define POPEK_VMM_PHYS_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PHYS_PAGE_SHIFT 12
#define PHYS_PAGE_SIZE (1u << PHYS_PAGE_SHIFT)
#define PHYS_PAGE_COUNT (1u << (32 - PHYS_PAGE_SHIFT))

/* Callbacks of one MMIO region; `addr` is the offset inside the region. */
struct mmio_ops {
	uint32_t (*read)(void *opaque, uint32_t addr, unsigned size);
	void (*write)(void *opaque, uint32_t addr, uint32_t value, unsigned size);
};

struct mmio_region {
	uint32_t base, size;
	const struct mmio_ops *ops;
	void *opaque;
};

#define PHYS_MAX_MMIO 32

/* Page flags: a page is readable directly when host[] is set, writable
 * directly when PHYS_PAGE_WRITABLE is also set (ROM is not). */
enum {
	PHYS_PAGE_WRITABLE = 1u << 0,
	PHYS_PAGE_MMIO = 1u << 1,
	/* RAM page holding decoded or translated code: it is not
	 * PHYS_PAGE_WRITABLE, so guest writes take the slow path, which bumps
	 * the page's code generation (invalidating what was decoded from it)
	 * and makes the page directly writable again. */
	PHYS_PAGE_CODE = 1u << 2,
	/* RAM page holding translated blocks (translator/): like
	 * PHYS_PAGE_CODE, but a write leaves the page trapped and is reported
	 * to code_write with the bytes written, so that only the blocks those
	 * bytes overlap are invalidated (code and data may share a page). */
	PHYS_PAGE_TRANSLATED = 1u << 3,
	/* With PHYS_PAGE_TRANSLATED: the page was PHYS_PAGE_WRITABLE before,
	 * and is again once the translator lets it go. */
	PHYS_PAGE_TR_WRITABLE = 1u << 4,
};

struct phys_mem {
	uint8_t *ram;       /* guest RAM, ram_size bytes */
	uint32_t ram_size;  /* bytes */
	uint8_t *rom;       /* firmware image, rom_size bytes (may be NULL) */
	uint32_t rom_size;
	uint32_t a20_mask;  /* 0xFFFFFFFF with A20 on, 0xFFEFFFFF with it off */
	uint8_t **host;     /* per page: host pointer to the page, or NULL */
	uint8_t *flags;     /* per page: PHYS_PAGE_* */
	uint32_t *code_gen; /* per page: bumped by every write to a code page */
	struct mmio_region mmio[PHYS_MAX_MMIO];
	unsigned mmio_count;
	/* Told of every write to a PHYS_PAGE_TRANSLATED page (addr, length in
	 * bytes, within one page); NULL when no translator runs. */
	void (*code_write)(void *opaque, uint32_t addr, uint32_t len);
	void *code_write_opaque;
};

/* Allocates RAM of `ram_size` bytes mapped at physical 0. When pc_holes is
 * set, 0xA0000-0xFFFFF is left unmapped (the VGA window and the ROM area of a
 * PC); when clear, RAM is one flat range (used by the single-instruction
 * tests). Returns 0, or -1 when the host is out of memory. */
int phys_mem_init(struct phys_mem *pm, uint32_t ram_size, bool pc_holes);
void phys_mem_free(struct phys_mem *pm);

/* Maps a firmware image so that it ends at 0xFFFFF and is aliased to end at
 * 0xFFFFFFFF, as on a PC. The image is copied. Returns 0 or -1. */
int phys_mem_map_bios(struct phys_mem *pm, const uint8_t *image, uint32_t size);

/* Registers an MMIO region; returns 0, or -1 when it overlaps another one or
 * the table is full. */
int phys_mem_map_mmio(struct phys_mem *pm, uint32_t base, uint32_t size,
		      const struct mmio_ops *ops, void *opaque);

/* Maps `size` bytes of host memory at `base` as RAM-like pages, directly
 * readable and writable like guest RAM: a video card's linear framebuffer is
 * host memory the CPU should reach without a callback per access. The caller
 * keeps owning the buffer. The range must be page aligned, below 4 GiB and
 * entirely unmapped (no RAM, ROM, MMIO or earlier mapping). With host ==
 * NULL, a range mapped this way is unmapped again (it reads all-ones) and
 * whatever code was decoded from it is invalidated, so a device can move
 * its memory (a PCI BAR). Returns 0, or -1 (and changes nothing). */
int phys_mem_map_ram(struct phys_mem *pm, uint32_t base, uint32_t size, uint8_t *host);

/* Marks the page holding `addr` as holding code (see PHYS_PAGE_CODE). Only
 * RAM pages are marked; ROM cannot change. */
void phys_mark_code(struct phys_mem *pm, uint32_t addr);

/* Marks the page holding `addr` as holding translated blocks (see
 * PHYS_PAGE_TRANSLATED; any host-backed page, ROM included), or gives it
 * back its old direct access once the translator has no block left on it. */
void phys_mark_translated(struct phys_mem *pm, uint32_t addr);
void phys_unmark_translated(struct phys_mem *pm, uint32_t addr);

static inline uint32_t phys_code_gen(const struct phys_mem *pm, uint32_t addr)
{
	return pm->code_gen[addr >> PHYS_PAGE_SHIFT];
}

/* Slow paths: any address, any size 1/2/4, handles page crossing, MMIO and
 * unmapped space. */
uint32_t phys_read(struct phys_mem *pm, uint32_t addr, unsigned size);
void phys_write(struct phys_mem *pm, uint32_t addr, uint32_t value, unsigned size);

/* Copies guest memory for host-side tools (loaders, tests, stepper). */
void phys_read_block(struct phys_mem *pm, uint32_t addr, void *dst, size_t len);
void phys_write_block(struct phys_mem *pm, uint32_t addr, const void *src, size_t len);

/* The host pointer for a byte if its page is directly readable, else NULL. */
static inline uint8_t *phys_host_ptr(const struct phys_mem *pm, uint32_t addr)
{
	uint8_t *page = pm->host[addr >> PHYS_PAGE_SHIFT];
	return page ? page + (addr & (PHYS_PAGE_SIZE - 1)) : NULL;
}

static inline uint8_t *phys_host_ptr_w(const struct phys_mem *pm, uint32_t addr)
{
	uint32_t pn = addr >> PHYS_PAGE_SHIFT;
	if (!(pm->flags[pn] & PHYS_PAGE_WRITABLE))
		return NULL;
	return pm->host[pn] + (addr & (PHYS_PAGE_SIZE - 1));
}

#endif
