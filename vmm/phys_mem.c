/* phys_mem.c: the guest physical address space (see phys_mem.h).
 *
 * A flat page table of PHYS_PAGE_COUNT entries covers all 4 GiB, so looking
 * up any 32-bit physical address is one array index and can never reach
 * outside a host buffer. RAM and the firmware image are single host
 * buffers; their pages point into them. MMIO pages have no host pointer and
 * are found in a short linear table of regions (a PC has a handful).
 *
 * The A20 gate is not applied here: callers pass final physical addresses
 * (the CPU masks with a20_mask after translation).
 */
#include "vmm/phys_mem.h"

#include <stdlib.h>
#include <string.h>

#define PHYS_MIN_RAM (64u * 1024)
#define PHYS_HOLE_START 0xA0000u
#define PHYS_HOLE_END 0x100000u /* exclusive */

static uint32_t phys_page_of(uint32_t addr)
{
	return addr >> PHYS_PAGE_SHIFT;
}

/* Maps `count` pages starting at page `pn` onto consecutive host pages. */
static void phys_map_pages(struct phys_mem *pm, uint32_t pn, uint32_t count, uint8_t *host,
			   uint8_t flags)
{
	for (uint32_t i = 0; i < count; i++) {
		pm->host[pn + i] = host + (size_t)i * PHYS_PAGE_SIZE;
		pm->flags[pn + i] = flags;
	}
}

int phys_mem_init(struct phys_mem *pm, uint32_t ram_size, bool pc_holes)
{
	memset(pm, 0, sizeof(*pm));
	pm->a20_mask = 0xFFFFFFFFu;
	if (ram_size < PHYS_MIN_RAM || (ram_size & (PHYS_PAGE_SIZE - 1)))
		return -1;
	pm->host = calloc(PHYS_PAGE_COUNT, sizeof(*pm->host));
	pm->flags = calloc(PHYS_PAGE_COUNT, sizeof(*pm->flags));
	pm->code_gen = calloc(PHYS_PAGE_COUNT, sizeof(*pm->code_gen));
	pm->ram = calloc(ram_size, 1);
	if (!pm->host || !pm->flags || !pm->code_gen || !pm->ram) {
		phys_mem_free(pm);
		return -1;
	}
	pm->ram_size = ram_size;
	phys_map_pages(pm, 0, ram_size >> PHYS_PAGE_SHIFT, pm->ram, PHYS_PAGE_WRITABLE);
	if (pc_holes) {
		/* The RAM behind the hole stays allocated but unreachable, as on a
		 * PC whose chipset does not remap it. */
		for (uint32_t pn = phys_page_of(PHYS_HOLE_START); pn < phys_page_of(PHYS_HOLE_END);
		     pn++) {
			pm->host[pn] = NULL;
			pm->flags[pn] = 0;
		}
	}
	return 0;
}

void phys_mem_free(struct phys_mem *pm)
{
	free(pm->host);
	free(pm->flags);
	free(pm->code_gen);
	free(pm->ram);
	free(pm->rom);
	memset(pm, 0, sizeof(*pm));
}

/* A firmware image appears twice: just below 1 MiB, where the reset vector
 * of real mode code expects the BIOS (F000:FFF0), and just below 4 GiB, where
 * the CPU fetches its first instruction after reset (CS base 0xFFFF0000).
 * Both views are the same read-only host buffer. Only one image may be
 * mapped: a second call fails. */
int phys_mem_map_bios(struct phys_mem *pm, const uint8_t *image, uint32_t size)
{
	if (pm->rom)
		return -1;
	if (size != 64u * 1024 && size != 128u * 1024 && size != 256u * 1024)
		return -1;
	pm->rom = malloc(size);
	if (!pm->rom)
		return -1;
	memcpy(pm->rom, image, size);
	pm->rom_size = size;
	uint32_t pages = size >> PHYS_PAGE_SHIFT;
	phys_map_pages(pm, phys_page_of(PHYS_HOLE_END - size), pages, pm->rom, 0);
	phys_map_pages(pm, phys_page_of((uint32_t)(0x100000000ull - size)), pages, pm->rom, 0);
	return 0;
}

int phys_mem_map_mmio(struct phys_mem *pm, uint32_t base, uint32_t size, const struct mmio_ops *ops,
		      void *opaque)
{
	uint64_t end = (uint64_t)base + size;
	if (pm->mmio_count >= PHYS_MAX_MMIO || size == 0 || end > 0x100000000ull)
		return -1;
	if ((base | size) & (PHYS_PAGE_SIZE - 1))
		return -1;
	for (unsigned i = 0; i < pm->mmio_count; i++) {
		const struct mmio_region *r = &pm->mmio[i];
		if (base < (uint64_t)r->base + r->size && r->base < end)
			return -1;
	}
	pm->mmio[pm->mmio_count++] = (struct mmio_region){ base, size, ops, opaque };
	for (uint32_t pn = phys_page_of(base); pn < (uint32_t)(end >> PHYS_PAGE_SHIFT); pn++) {
		pm->host[pn] = NULL;
		pm->flags[pn] = PHYS_PAGE_MMIO;
	}
	return 0;
}

/* A page phys_mem_map_ram() may unmap: host-backed, but neither guest RAM
 * nor the firmware image. */
static bool phys_is_mapped_host(const struct phys_mem *pm, uint32_t pn)
{
	const uint8_t *h = pm->host[pn];
	if (!h || (pm->flags[pn] & PHYS_PAGE_MMIO))
		return false;
	if (pm->ram && h >= pm->ram && h < pm->ram + pm->ram_size)
		return false;
	return !(pm->rom && h >= pm->rom && h < pm->rom + pm->rom_size);
}

int phys_mem_map_ram(struct phys_mem *pm, uint32_t base, uint32_t size, uint8_t *host)
{
	uint64_t end = (uint64_t)base + size;
	if (size == 0 || end > 0x100000000ull || ((base | size) & (PHYS_PAGE_SIZE - 1)))
		return -1;
	uint32_t first = phys_page_of(base), count = size >> PHYS_PAGE_SHIFT;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t pn = first + i;
		bool ok = host ? !pm->host[pn] && !(pm->flags[pn] & PHYS_PAGE_MMIO) :
				 phys_is_mapped_host(pm, pn);
		if (!ok)
			return -1;
	}
	if (host) {
		phys_map_pages(pm, first, count, host, PHYS_PAGE_WRITABLE);
		return 0;
	}
	for (uint32_t i = 0; i < count; i++) {
		if ((pm->flags[first + i] & PHYS_PAGE_TRANSLATED) && pm->code_write)
			pm->code_write(pm->code_write_opaque, (first + i) << PHYS_PAGE_SHIFT,
				       PHYS_PAGE_SIZE);
		pm->host[first + i] = NULL;
		pm->flags[first + i] = 0;
		pm->code_gen[first + i]++;
	}
	return 0;
}

static const struct mmio_region *phys_find_mmio(const struct phys_mem *pm, uint32_t addr)
{
	for (unsigned i = 0; i < pm->mmio_count; i++) {
		const struct mmio_region *r = &pm->mmio[i];
		if (addr - r->base < r->size)
			return r;
	}
	return NULL;
}

/* Whether a host-backed page is firmware. ROM is recognised by where its
 * host pointer points rather than by a missing PHYS_PAGE_WRITABLE flag, so
 * that a RAM page whose direct writes are trapped for another reason still
 * takes writes on this slow path. */
static bool phys_is_rom(const struct phys_mem *pm, const uint8_t *host)
{
	return pm->rom && host >= pm->rom && host < pm->rom + pm->rom_size;
}

static uint32_t phys_size_mask(unsigned size)
{
	return size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

/* One access that lies inside one page, or inside one MMIO region. */
static uint32_t phys_read_simple(struct phys_mem *pm, uint32_t addr, unsigned size)
{
	uint32_t pn = phys_page_of(addr);
	const uint8_t *page = pm->host[pn];
	if (page) {
		const uint8_t *p = page + (addr & (PHYS_PAGE_SIZE - 1));
		uint32_t v = 0;
		for (unsigned i = 0; i < size; i++)
			v |= (uint32_t)p[i] << (8 * i);
		return v;
	}
	if (pm->flags[pn] & PHYS_PAGE_MMIO) {
		const struct mmio_region *r = phys_find_mmio(pm, addr);
		if (r && r->ops && r->ops->read)
			return r->ops->read(r->opaque, addr - r->base, size) & phys_size_mask(size);
	}
	return phys_size_mask(size);
}

void phys_mark_code(struct phys_mem *pm, uint32_t addr)
{
	uint32_t pn = phys_page_of(addr);
	if (pm->flags[pn] & PHYS_PAGE_WRITABLE)
		pm->flags[pn] = (uint8_t)((pm->flags[pn] & ~PHYS_PAGE_WRITABLE) | PHYS_PAGE_CODE);
}

void phys_mark_translated(struct phys_mem *pm, uint32_t addr)
{
	uint32_t pn = phys_page_of(addr);
	uint8_t f = pm->flags[pn];
	if (!pm->host[pn] || (f & PHYS_PAGE_TRANSLATED))
		return;
	/* ROM pages are marked too (their writes are dropped before any
	 * hook), so that remapping them (PAM shadowing) reaches the
	 * translator; whether the page was directly writable is kept for
	 * phys_unmark_translated(). A page the decoded-instruction cache
	 * marked was writable. */
	bool writable = (f & PHYS_PAGE_WRITABLE) || (f & PHYS_PAGE_CODE);
	pm->flags[pn] = (uint8_t)((f & ~PHYS_PAGE_WRITABLE) | PHYS_PAGE_CODE | PHYS_PAGE_TRANSLATED |
				  (writable ? PHYS_PAGE_TR_WRITABLE : 0));
}

void phys_unmark_translated(struct phys_mem *pm, uint32_t addr)
{
	uint32_t pn = phys_page_of(addr);
	uint8_t f = pm->flags[pn];
	if (f & PHYS_PAGE_TRANSLATED) {
		pm->code_gen[pn]++;
		pm->flags[pn] = (uint8_t)((f & ~(PHYS_PAGE_CODE | PHYS_PAGE_TRANSLATED |
						 PHYS_PAGE_TR_WRITABLE)) |
					  ((f & PHYS_PAGE_TR_WRITABLE) ? PHYS_PAGE_WRITABLE : 0));
	}
}

/* A write reached a RAM page: if code was decoded from it, that code is
 * stale now. A page with translated blocks stays trapped: the translator
 * hears which bytes changed and drops only the blocks they overlap. */
static void phys_code_written(struct phys_mem *pm, uint32_t pn, uint32_t addr, uint32_t len)
{
	if (pm->flags[pn] & PHYS_PAGE_TRANSLATED) {
		pm->code_gen[pn]++;
		if (pm->code_write)
			pm->code_write(pm->code_write_opaque, addr, len);
		return;
	}
	if (pm->flags[pn] & PHYS_PAGE_CODE) {
		pm->code_gen[pn]++;
		pm->flags[pn] = (uint8_t)((pm->flags[pn] & ~PHYS_PAGE_CODE) | PHYS_PAGE_WRITABLE);
	}
}

static void phys_write_simple(struct phys_mem *pm, uint32_t addr, uint32_t value, unsigned size)
{
	uint32_t pn = phys_page_of(addr);
	uint8_t *page = pm->host[pn];
	if (page) {
		if (phys_is_rom(pm, page))
			return;
		phys_code_written(pm, pn, addr, size);
		uint8_t *p = page + (addr & (PHYS_PAGE_SIZE - 1));
		for (unsigned i = 0; i < size; i++)
			p[i] = (uint8_t)(value >> (8 * i));
		return;
	}
	if (pm->flags[pn] & PHYS_PAGE_MMIO) {
		const struct mmio_region *r = phys_find_mmio(pm, addr);
		if (r && r->ops && r->ops->write)
			r->ops->write(r->opaque, addr - r->base, value & phys_size_mask(size),
				      size);
	}
}

/* Whether [addr, addr+size) can be done as one access: it stays in one page,
 * or it stays inside one MMIO region (which may span several pages). An
 * access wrapping past 4 GiB never qualifies. */
static bool phys_is_simple(const struct phys_mem *pm, uint32_t addr, unsigned size)
{
	uint32_t last = addr + size - 1;
	if (last < addr)
		return false;
	if (phys_page_of(addr) == phys_page_of(last))
		return true;
	if (!(pm->flags[phys_page_of(addr)] & PHYS_PAGE_MMIO))
		return false;
	const struct mmio_region *r = phys_find_mmio(pm, addr);
	return r && last - r->base < r->size;
}

uint32_t phys_read(struct phys_mem *pm, uint32_t addr, unsigned size)
{
	if (phys_is_simple(pm, addr, size))
		return phys_read_simple(pm, addr, size);
	/* Crossing a page or a region end: byte by byte, little-endian. */
	uint32_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= phys_read_simple(pm, addr + i, 1) << (8 * i);
	return v;
}

void phys_write(struct phys_mem *pm, uint32_t addr, uint32_t value, unsigned size)
{
	if (phys_is_simple(pm, addr, size)) {
		phys_write_simple(pm, addr, value, size);
		return;
	}
	for (unsigned i = 0; i < size; i++)
		phys_write_simple(pm, addr + i, (value >> (8 * i)) & 0xFF, 1);
}

/* Host-side copies follow the guest's rules (ROM writes dropped, MMIO and
 * unmapped space byte by byte) but copy whole page runs where they can. */
void phys_read_block(struct phys_mem *pm, uint32_t addr, void *dst, size_t len)
{
	uint8_t *d = dst;
	while (len) {
		uint32_t off = addr & (PHYS_PAGE_SIZE - 1);
		size_t chunk = PHYS_PAGE_SIZE - off;
		if (chunk > len)
			chunk = len;
		const uint8_t *page = pm->host[phys_page_of(addr)];
		if (page) {
			memcpy(d, page + off, chunk);
		} else {
			for (size_t i = 0; i < chunk; i++)
				d[i] = (uint8_t)phys_read_simple(pm, addr + (uint32_t)i, 1);
		}
		d += chunk;
		addr += (uint32_t)chunk;
		len -= chunk;
	}
}

void phys_write_block(struct phys_mem *pm, uint32_t addr, const void *src, size_t len)
{
	const uint8_t *s = src;
	while (len) {
		uint32_t off = addr & (PHYS_PAGE_SIZE - 1);
		size_t chunk = PHYS_PAGE_SIZE - off;
		if (chunk > len)
			chunk = len;
		uint8_t *page = pm->host[phys_page_of(addr)];
		if (page) {
			if (!phys_is_rom(pm, page)) {
				phys_code_written(pm, phys_page_of(addr), addr, (uint32_t)chunk);
				memcpy(page + off, s, chunk);
			}
		} else {
			for (size_t i = 0; i < chunk; i++)
				phys_write_simple(pm, addr + (uint32_t)i, s[i], 1);
		}
		s += chunk;
		addr += (uint32_t)chunk;
		len -= chunk;
	}
}
