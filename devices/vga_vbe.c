/* vga_vbe.c: the Bochs "DISPI" display interface (ports 0x1CE index,
 * 0x1CF data, 16-bit registers) and frames of its direct-colour modes.
 *
 * A guest writes the ID register to negotiate a version (0xB0C0-0xB0C5),
 * sets XRES, YRES and BPP, then ENABLE; the picture is then the linear
 * framebuffer from (X_OFFSET, Y_OFFSET) of a VIRT_WIDTH-pixel-wide virtual
 * screen, reachable at the LFB's physical address or a 64 KiB BANK at a
 * time through 0xA0000.
 *
 * Every value the guest writes is clamped as it arrives, so the registers
 * always describe a mode that fits the framebuffer: XRES*YRES*BPP and the
 * panning offsets can never point a frame outside it (the host buffer).
 * An unsupported BPP or an out-of-range BANK is ignored (the register
 * keeps its value); reads give back the clamped values.
 */
#include <stdlib.h>
#include <string.h>

#include "devices/vga_internal.h"
#include "vmm/io_bus.h"

static unsigned vga_vbe_bytes_pp(const struct vga *v)
{
	return (v->vbe_regs[VBE_DISPI_INDEX_BPP] + 7u) / 8u;
}

static uint16_t vga_clamp16(uint32_t val, uint32_t lo, uint32_t hi)
{
	return (uint16_t)(val < lo ? lo : val > hi ? hi : val);
}

/* Brings the layout registers into a consistent state after any write:
 * the virtual screen at least as wide as the mode and small enough to hold
 * YRES lines, the virtual height what the memory holds, the offsets such
 * that the displayed rectangle lies in it. */
static void vga_vbe_layout(struct vga *v)
{
	uint16_t *r = v->vbe_regs;
	uint32_t bpp = vga_vbe_bytes_pp(v);
	uint32_t max_width = v->lfb_size / bpp / r[VBE_DISPI_INDEX_YRES];
	if (max_width < r[VBE_DISPI_INDEX_XRES]) {
		/* Only possible with a smaller LFB than the maximum mode needs. */
		r[VBE_DISPI_INDEX_YRES] = (uint16_t)(v->lfb_size / bpp / r[VBE_DISPI_INDEX_XRES]);
		max_width = v->lfb_size / bpp / r[VBE_DISPI_INDEX_YRES];
	}
	if (max_width > 0xFFFF)
		max_width = 0xFFFF;
	r[VBE_DISPI_INDEX_VIRT_WIDTH] =
		vga_clamp16(r[VBE_DISPI_INDEX_VIRT_WIDTH], r[VBE_DISPI_INDEX_XRES], max_width);
	v->vbe_line_bytes = r[VBE_DISPI_INDEX_VIRT_WIDTH] * bpp;
	uint32_t max_lines = v->lfb_size / v->vbe_line_bytes;
	if (max_lines > 0xFFFF)
		max_lines = 0xFFFF;
	r[VBE_DISPI_INDEX_VIRT_HEIGHT] =
		vga_clamp16(r[VBE_DISPI_INDEX_VIRT_HEIGHT], r[VBE_DISPI_INDEX_YRES], max_lines);
	r[VBE_DISPI_INDEX_X_OFFSET] =
		vga_clamp16(r[VBE_DISPI_INDEX_X_OFFSET], 0,
			    r[VBE_DISPI_INDEX_VIRT_WIDTH] - r[VBE_DISPI_INDEX_XRES]);
	r[VBE_DISPI_INDEX_Y_OFFSET] =
		vga_clamp16(r[VBE_DISPI_INDEX_Y_OFFSET], 0, max_lines - r[VBE_DISPI_INDEX_YRES]);
	v->vbe_start =
		r[VBE_DISPI_INDEX_Y_OFFSET] * v->vbe_line_bytes + r[VBE_DISPI_INDEX_X_OFFSET] * bpp;
}

void vga_vbe_visible(const struct vga *v, uint32_t *start, size_t *len)
{
	const uint16_t *r = v->vbe_regs;
	*start = v->vbe_start;
	*len = (size_t)(r[VBE_DISPI_INDEX_YRES] - 1) * v->vbe_line_bytes +
	       (size_t)r[VBE_DISPI_INDEX_XRES] * vga_vbe_bytes_pp(v);
}

static bool vga_vbe_bpp_ok(uint16_t bpp)
{
	return bpp == 8 || bpp == 15 || bpp == 16 || bpp == 24 || bpp == 32;
}

static void vga_vbe_enable(struct vga *v, uint16_t val)
{
	uint16_t *r = v->vbe_regs;
	bool was = vga_vbe_enabled(v);
	v->vbe_caps = val & VBE_DISPI_GETCAPS;
	r[VBE_DISPI_INDEX_ENABLE] =
		val & (VBE_DISPI_ENABLED | VBE_DISPI_GETCAPS | VBE_DISPI_8BIT_DAC |
		       VBE_DISPI_LFB_ENABLED | VBE_DISPI_NOCLEARMEM);
	bool now = vga_vbe_enabled(v);
	bool dac8 = now && (val & VBE_DISPI_8BIT_DAC);
	if (dac8 != v->dac_8bit) {
		/* The DAC keeps its colours across the switch: entries are
		 * rescaled between 6 and 8 bits. */
		for (unsigned i = 0; i < 256; i++) {
			for (unsigned c = 0; c < 3; c++) {
				uint8_t x = v->dac[i][c];
				v->dac[i][c] =
					dac8 ? (uint8_t)(x << 2 | x >> 4) : (uint8_t)(x >> 2);
			}
		}
		v->dac_8bit = dac8;
	}
	if (now && !was) {
		r[VBE_DISPI_INDEX_BANK] = 0;
		if (!(val & VBE_DISPI_NOCLEARMEM)) {
			size_t len = (size_t)r[VBE_DISPI_INDEX_VIRT_HEIGHT] * v->vbe_line_bytes;
			memset(v->lfb, 0, len < v->lfb_size ? len : v->lfb_size);
		}
	}
	vga_mem_update_paths(v);
}

static void vga_vbe_write(struct vga *v, uint16_t val)
{
	uint16_t *r = v->vbe_regs;
	switch (v->vbe_index) {
	case VBE_DISPI_INDEX_ID:
		if (val >= VBE_DISPI_ID0 && val <= VBE_DISPI_ID5)
			r[VBE_DISPI_INDEX_ID] = val;
		return;
	case VBE_DISPI_INDEX_XRES:
		r[VBE_DISPI_INDEX_XRES] = vga_clamp16(val, 1, VBE_DISPI_MAX_XRES);
		break;
	case VBE_DISPI_INDEX_YRES:
		r[VBE_DISPI_INDEX_YRES] = vga_clamp16(val, 1, VBE_DISPI_MAX_YRES);
		break;
	case VBE_DISPI_INDEX_BPP:
		if (!vga_vbe_bpp_ok(val))
			return;
		r[VBE_DISPI_INDEX_BPP] = val;
		break;
	case VBE_DISPI_INDEX_ENABLE: vga_vbe_enable(v, val); break;
	case VBE_DISPI_INDEX_BANK:
		if ((uint32_t)val * 0x10000u >= v->lfb_size)
			return;
		r[VBE_DISPI_INDEX_BANK] = val;
		return; /* where the window points does not change the picture */
	case VBE_DISPI_INDEX_VIRT_WIDTH:
	case VBE_DISPI_INDEX_VIRT_HEIGHT:
	case VBE_DISPI_INDEX_X_OFFSET:
	case VBE_DISPI_INDEX_Y_OFFSET: r[v->vbe_index] = val; break;
	default: return;
	}
	vga_vbe_layout(v);
	vga_touch(v);
}

static uint16_t vga_vbe_read(const struct vga *v)
{
	unsigned i = v->vbe_index;
	if (v->vbe_caps) {
		if (i == VBE_DISPI_INDEX_XRES)
			return VBE_DISPI_MAX_XRES;
		if (i == VBE_DISPI_INDEX_YRES)
			return VBE_DISPI_MAX_YRES;
		if (i == VBE_DISPI_INDEX_BPP)
			return VBE_DISPI_MAX_BPP;
	}
	if (i < VBE_DISPI_NUM_REGS)
		return v->vbe_regs[i];
	if (i == VBE_DISPI_INDEX_VIDEO_MEMORY_64K)
		return (uint16_t)(v->lfb_size >> 16);
	return 0;
}

/* The registers are 16 bits wide: a word access at 0x1CE is the index, at
 * 0x1CF the data. A byte access reaches the low byte (a byte write to 0x1CF
 * writes the register with the high byte clear); 0x1D0 is the data port
 * again, as some guests use it. */
static uint16_t vga_vbe_read16(void *opaque, uint16_t port)
{
	struct vga *v = opaque;
	return port == VBE_DISPI_IOPORT_INDEX ? v->vbe_index : vga_vbe_read(v);
}

static void vga_vbe_write16(void *opaque, uint16_t port, uint16_t value)
{
	struct vga *v = opaque;
	if (port == VBE_DISPI_IOPORT_INDEX)
		v->vbe_index = value;
	else
		vga_vbe_write(v, value);
}

static uint8_t vga_vbe_read8(void *opaque, uint16_t port)
{
	return (uint8_t)vga_vbe_read16(opaque, port);
}

static void vga_vbe_write8(void *opaque, uint16_t port, uint8_t value)
{
	vga_vbe_write16(opaque, port, value);
}

static const struct io_ops vga_vbe_ops = {
	.read8 = vga_vbe_read8,
	.write8 = vga_vbe_write8,
	.read16 = vga_vbe_read16,
	.write16 = vga_vbe_write16,
};

int vga_vbe_init(struct vga *v)
{
	uint16_t *r = v->vbe_regs;
	r[VBE_DISPI_INDEX_ID] = VBE_DISPI_ID5;
	r[VBE_DISPI_INDEX_XRES] = 640;
	r[VBE_DISPI_INDEX_YRES] = 480;
	r[VBE_DISPI_INDEX_BPP] = 8;
	vga_vbe_layout(v);
	return io_register(v->io, VBE_DISPI_IOPORT_INDEX, 3, &vga_vbe_ops, v, "vga-vbe");
}

/* --- frames ------------------------------------------------------------------ */

static inline uint32_t vga_rgb5(uint32_t r, uint32_t g, uint32_t b, unsigned gbits)
{
	r = (r << 3) | (r >> 2);
	g = gbits == 6 ? (g << 2) | (g >> 4) : (g << 3) | (g >> 2);
	b = (b << 3) | (b >> 2);
	return r << 16 | g << 8 | b;
}

/* Converts one displayed line of `bpp` bits per pixel to 0x00RRGGBB. */
static void vga_vbe_line(const uint8_t *src, uint32_t *dst, unsigned w, unsigned bpp)
{
	for (unsigned x = 0; x < w; x++) {
		uint32_t p;
		switch (bpp) {
		case 15:
			p = src[2 * x] | src[2 * x + 1] << 8;
			dst[x] = vga_rgb5((p >> 10) & 31, (p >> 5) & 31, p & 31, 5);
			break;
		case 16:
			p = src[2 * x] | src[2 * x + 1] << 8;
			dst[x] = vga_rgb5(p >> 11, (p >> 5) & 63, p & 31, 6);
			break;
		case 24:
			dst[x] = (uint32_t)src[3 * x + 2] << 16 | src[3 * x + 1] << 8 | src[3 * x];
			break;
		default:
			dst[x] = (uint32_t)src[4 * x + 2] << 16 | src[4 * x + 1] << 8 | src[4 * x];
			break;
		}
	}
}

/* 8 bits per pixel: the frame points into the framebuffer itself. Direct
 * colour: converted into the vga's pixel buffer (grown here, never in an
 * access path). */
void vga_frame_vbe(struct vga *v, struct vga_frame *f)
{
	const uint16_t *r = v->vbe_regs;
	unsigned w = r[VBE_DISPI_INDEX_XRES], h = r[VBE_DISPI_INDEX_YRES];
	unsigned bpp = r[VBE_DISPI_INDEX_BPP];
	f->kind = VGA_FRAME_GRAPHICS;
	f->width = f->display_width = w;
	f->height = f->display_height = h;
	for (unsigned i = 0; i < 256; i++)
		f->palette[i] = vga_dac_rgb(v, (uint8_t)i);
	const uint8_t *src = v->lfb + v->vbe_start;
	if (bpp == 8) {
		f->format = VGA_PIXEL_INDEXED8;
		f->pixels = src;
		f->stride = v->vbe_line_bytes;
		return;
	}
	size_t need = (size_t)w * h;
	if (need > v->pix32_cap) {
		free(v->pix32);
		v->pix32 = malloc(need * sizeof(*v->pix32));
		v->pix32_cap = v->pix32 ? need : 0;
		if (!v->pix32) {
			f->kind = VGA_FRAME_BLANK;
			return;
		}
	}
	for (unsigned y = 0; y < h; y++)
		vga_vbe_line(src + (size_t)y * v->vbe_line_bytes, v->pix32 + (size_t)y * w, w, bpp);
	f->format = VGA_PIXEL_XRGB32;
	f->pixels = v->pix32;
	f->stride = (size_t)w * 4;
}
