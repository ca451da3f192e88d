/* vga_mem.c: the video memory window at 0xA0000-0xBFFFF.
 *
 * Graphics register 6 picks which part of the 128 KiB window the VGA
 * answers (all of it, A0000 64K, B0000 32K or B8000 32K); the rest reads
 * all-ones. Inside it, an access takes one of the paths of enum
 * vga_mem_path, chosen when the sequencer memory mode, graphics mode or
 * misc output registers are written, so each access is a range check and a
 * switch:
 *
 *   planar    every plane at the window offset. Reads load the four latches
 *             and return one plane (read mode 0) or a colour-compare bit
 *             mask (read mode 1); writes go through write modes 0-3 (data
 *             rotate, set/reset, logical function, bit mask) to the planes
 *             the map mask enables.
 *   odd/even  address bit 0 picks plane 0/2 (even) or 1/3 (odd), at the
 *             offset with bit 0 cleared: text modes' character/attribute
 *             pairs.
 *   chain-4   address bits 0-1 pick the plane, at the offset with them
 *             cleared: mode 13h's linear bytes (the CRTC reads them back
 *             in doubleword mode).
 *   VBE       a 64 KiB bank of the linear framebuffer at 0xA0000.
 *
 * Reads and writes wider than a byte are done byte by byte, low first, as
 * the VGA's 8-bit memory path does them.
 */
#include "devices/vga_internal.h"
#include "vmm/phys_mem.h"

void vga_mem_update_paths(struct vga *v)
{
	static const uint32_t starts[4] = { 0, 0, 0x10000, 0x18000 };
	static const uint32_t sizes[4] = { 0x20000, 0x10000, 0x8000, 0x8000 };
	unsigned map = (v->gc[VGA_GC_MISC] >> 2) & 3;
	v->win_start = starts[map];
	v->win_size = sizes[map];
	if (vga_vbe_enabled(v)) {
		v->read_path = v->write_path = VGA_PATH_VBE;
		v->win_start = 0;
		v->win_size = 0x10000;
	} else if (!(v->misc & VGA_MISC_RAM_ENABLE)) {
		v->read_path = v->write_path = VGA_PATH_NONE;
	} else if (v->seq[VGA_SEQ_MEM_MODE] & VGA_SR04_CHAIN4) {
		v->read_path = v->write_path = VGA_PATH_CHAIN4;
	} else {
		v->read_path = (v->gc[VGA_GC_MODE] & VGA_GR05_ODD_EVEN) ? VGA_PATH_ODDEVEN :
									  VGA_PATH_PLANAR;
		v->write_path = (v->seq[VGA_SEQ_MEM_MODE] & VGA_SR04_ODD_EVEN_OFF) ?
					VGA_PATH_PLANAR :
					VGA_PATH_ODDEVEN;
	}
}

/* A byte in each plane, from the low four bits of `bits`. */
static inline uint32_t vga_expand4(unsigned bits)
{
	return ((bits & 1) ? 0x000000FFu : 0) | ((bits & 2) ? 0x0000FF00u : 0) |
	       ((bits & 4) ? 0x00FF0000u : 0) | ((bits & 8) ? 0xFF000000u : 0);
}

static inline uint32_t vga_plane_byte(uint32_t planes, unsigned p)
{
	return (planes >> (8 * p)) & 0xFF;
}

/* Read mode 1: a bit is set where every plane not masked out by the colour
 * don't care register has the colour compare register's bit for it. */
static uint8_t vga_color_compare(const struct vga *v)
{
	uint32_t care = vga_expand4(v->gc[VGA_GC_DONT_CARE]);
	uint32_t want = vga_expand4(v->gc[VGA_GC_COLOR_COMPARE]);
	uint32_t diff = (v->latch ^ want) & care;
	uint32_t any = diff | diff >> 8 | diff >> 16 | diff >> 24;
	return (uint8_t)~any;
}

static uint8_t vga_read_byte(struct vga *v, uint32_t addr)
{
	uint32_t off = addr - v->win_start;
	if (off >= v->win_size)
		return 0xFF;
	switch (v->read_path) {
	case VGA_PATH_PLANAR:
		v->latch = v->vram[off & 0xFFFF];
		if (v->gc[VGA_GC_MODE] & VGA_GR05_READ_MODE1)
			return vga_color_compare(v);
		return (uint8_t)vga_plane_byte(v->latch, v->gc[VGA_GC_READ_MAP] & 3);
	case VGA_PATH_ODDEVEN:
		v->latch = v->vram[off & 0xFFFE];
		return (uint8_t)vga_plane_byte(v->latch, (v->gc[VGA_GC_READ_MAP] & 2) | (off & 1));
	case VGA_PATH_CHAIN4:
		v->latch = v->vram[off & 0xFFFC];
		return (uint8_t)vga_plane_byte(v->latch, off & 3);
	case VGA_PATH_VBE: {
		uint32_t a = (uint32_t)v->vbe_regs[VBE_DISPI_INDEX_BANK] * 0x10000u + off;
		return a < v->lfb_size ? v->lfb[a] : 0xFF;
	}
	default: return 0xFF;
	}
}

/* The ALU of write modes 0, 2 and 3: the logical function with the latches,
 * then the bit mask choosing between the result and the latched byte. */
static uint32_t vga_alu(const struct vga *v, uint32_t data, uint8_t bit_mask)
{
	uint32_t latch = v->latch;
	switch ((v->gc[VGA_GC_ROTATE] >> 3) & 3) {
	case 1: data &= latch; break;
	case 2: data |= latch; break;
	case 3: data ^= latch; break;
	default: break;
	}
	uint32_t m = bit_mask * 0x01010101u;
	return (data & m) | (latch & ~m);
}

static uint32_t vga_planar_data(const struct vga *v, uint8_t value)
{
	const uint8_t *gc = v->gc;
	unsigned rot = gc[VGA_GC_ROTATE] & 7;
	uint8_t r = (uint8_t)((value >> rot) | (value << ((8 - rot) & 7)));
	uint32_t set_reset = vga_expand4(gc[VGA_GC_SET_RESET]);
	switch (gc[VGA_GC_MODE] & 3) {
	case 0: {
		uint32_t esr = vga_expand4(gc[VGA_GC_ENABLE_SET_RESET]);
		uint32_t data = (set_reset & esr) | ((r * 0x01010101u) & ~esr);
		return vga_alu(v, data, gc[VGA_GC_BIT_MASK]);
	}
	case 1: return v->latch;
	case 2: return vga_alu(v, vga_expand4(value), gc[VGA_GC_BIT_MASK]);
	default: return vga_alu(v, set_reset, r & gc[VGA_GC_BIT_MASK]);
	}
}

static void vga_write_byte(struct vga *v, uint32_t addr, uint8_t value)
{
	uint32_t off = addr - v->win_start;
	if (off >= v->win_size)
		return;
	unsigned map_mask = v->seq[VGA_SEQ_MAP_MASK];
	uint32_t *cell, keep;
	uint32_t data;
	switch (v->write_path) {
	case VGA_PATH_PLANAR:
		cell = &v->vram[off & 0xFFFF];
		keep = ~vga_expand4(map_mask);
		data = vga_planar_data(v, value);
		break;
	case VGA_PATH_ODDEVEN:
		cell = &v->vram[off & 0xFFFE];
		keep = ~vga_expand4(map_mask & ((off & 1) ? 0x0A : 0x05));
		data = value * 0x01010101u;
		break;
	case VGA_PATH_CHAIN4:
		cell = &v->vram[off & 0xFFFC];
		keep = ~vga_expand4(map_mask & (1u << (off & 3)));
		data = value * 0x01010101u;
		break;
	case VGA_PATH_VBE: {
		uint32_t a = (uint32_t)v->vbe_regs[VBE_DISPI_INDEX_BANK] * 0x10000u + off;
		if (a < v->lfb_size)
			v->lfb[a] = value;
		vga_touch(v);
		return;
	}
	default: return;
	}
	*cell = (*cell & keep) | (data & ~keep);
	vga_touch(v);
}

static uint32_t vga_window_read(void *opaque, uint32_t addr, unsigned size)
{
	struct vga *v = opaque;
	uint32_t val = 0;
	for (unsigned i = 0; i < size; i++)
		val |= (uint32_t)vga_read_byte(v, addr + i) << (8 * i);
	return val;
}

static void vga_window_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
	struct vga *v = opaque;
	for (unsigned i = 0; i < size; i++)
		vga_write_byte(v, addr + i, (uint8_t)(value >> (8 * i)));
}

static const struct mmio_ops vga_window_ops = {
	.read = vga_window_read,
	.write = vga_window_write,
};

int vga_mem_init(struct vga *v)
{
	vga_mem_update_paths(v);
	return phys_mem_map_mmio(v->pm, VGA_WINDOW_BASE, VGA_WINDOW_SIZE, &vga_window_ops, v);
}
