/* vga_regs.c: the VGA's port registers (0x3B4-0x3DA) and their power-on
 * state.
 *
 *   0x3C0       attribute controller: one port for index and data, told
 *               apart by a flip-flop that reading input status 1 resets
 *   0x3C1       attribute data read
 *   0x3C2       misc output (write), input status 0 (read)
 *   0x3C3       video subsystem enable
 *   0x3C4/5     sequencer index/data
 *   0x3C6       DAC pixel mask
 *   0x3C7       DAC read index (write), DAC state (read)
 *   0x3C8       DAC write index
 *   0x3C9       DAC data: r, g, b in turn, then the next entry
 *   0x3CA       feature control (read)
 *   0x3CC       misc output (read)
 *   0x3CE/F     graphics controller index/data
 *   0x3D4/5     CRTC index/data  (0x3B4/5 when misc bit 0 selects mono)
 *   0x3DA       input status 1 (read), feature control (write) (0x3BA mono)
 *
 * Registers a real VGA does not decode (an index past the last register)
 * read as 0xFF and ignore writes, so a guest probing for an SVGA chip's
 * extended registers finds none. Every write that could change the picture
 * bumps the frame generation.
 */
#include <string.h>

#include "devices/vga_internal.h"
#include "vmm/io_bus.h"

/* Bits that exist in each sequencer and graphics controller register. */
static const uint8_t vga_seq_mask[VGA_SEQ_COUNT] = { 0x03, 0x3D, 0x0F, 0x3F, 0x0E };
static const uint8_t vga_gc_mask[VGA_GC_COUNT] = { 0x0F, 0x0F, 0x0F, 0x1F, 0x03,
						   0x7B, 0x0F, 0x0F, 0xFF };

/* Text mode 3 (80x25, 16 colours, 9x16 cells, 720x400 at 70 Hz), the
 * register values of the IBM VGA BIOS mode table. */
static const uint8_t mode3_seq[VGA_SEQ_COUNT] = { 0x03, 0x00, 0x03, 0x00, 0x02 };
static const uint8_t mode3_crtc[VGA_CRTC_COUNT] = {
	0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00,
	0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF,
};
static const uint8_t mode3_gc[VGA_GC_COUNT] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF
};
static const uint8_t mode3_attr[VGA_ATTR_COUNT] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A,
	0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x0C, 0x00, 0x0F, 0x08, 0x00,
};

void vga_regs_power_on(struct vga *v)
{
	v->misc = 0x67;
	v->subsys = 1;
	memcpy(v->seq, mode3_seq, sizeof(v->seq));
	memcpy(v->crtc, mode3_crtc, sizeof(v->crtc));
	memcpy(v->gc, mode3_gc, sizeof(v->gc));
	memcpy(v->attr, mode3_attr, sizeof(v->attr));
	v->attr_index = VGA_AR_INDEX_PAS;
	v->attr_data_next = false;
	/* The first 64 DAC entries hold the EGA colours the attribute palette
	 * indexes: bits 0-2 are blue, green, red at 2/3 intensity, bits 3-5
	 * the same at 1/3. */
	for (unsigned i = 0; i < 64; i++) {
		v->dac[i][0] = (uint8_t)(((i >> 2) & 1) * 0x2A + ((i >> 5) & 1) * 0x15);
		v->dac[i][1] = (uint8_t)(((i >> 1) & 1) * 0x2A + ((i >> 4) & 1) * 0x15);
		v->dac[i][2] = (uint8_t)((i & 1) * 0x2A + ((i >> 3) & 1) * 0x15);
	}
	v->dac_mask = 0xFF;
}

/* --- attribute controller ------------------------------------------------- */

static void vga_attr_write(struct vga *v, uint8_t value)
{
	if (!v->attr_data_next) {
		v->attr_index = value & 0x3F;
	} else {
		unsigned i = v->attr_index & 0x1F;
		if (i < VGA_ATTR_COUNT) {
			static const uint8_t mask[VGA_ATTR_COUNT - 16] = { 0xEF, 0xFF, 0x3F, 0x0F,
									   0x0F };
			v->attr[i] = value & (i < 16 ? 0x3F : mask[i - 16]);
		}
	}
	v->attr_data_next = !v->attr_data_next;
	vga_touch(v);
}

static uint8_t vga_attr_read(const struct vga *v)
{
	unsigned i = v->attr_index & 0x1F;
	return i < VGA_ATTR_COUNT ? v->attr[i] : 0xFF;
}

/* --- DAC ------------------------------------------------------------------ */

static void vga_dac_data_write(struct vga *v, uint8_t value)
{
	v->dac_latch[v->dac_write_step] = v->dac_8bit ? value : (value & 0x3F);
	if (++v->dac_write_step == 3) {
		memcpy(v->dac[v->dac_write_index], v->dac_latch, 3);
		v->dac_write_index++;
		v->dac_write_step = 0;
		vga_touch(v);
	}
}

static uint8_t vga_dac_data_read(struct vga *v)
{
	uint8_t c = v->dac[v->dac_read_index][v->dac_read_step];
	if (++v->dac_read_step == 3) {
		v->dac_read_index++;
		v->dac_read_step = 0;
	}
	return c;
}

/* --- CRTC ----------------------------------------------------------------- */

/* With the protect bit (register 0x11 bit 7) set, registers 0-7 are read
 * only, except the line compare bit 8 in the overflow register. */
static void vga_crtc_write(struct vga *v, uint8_t value)
{
	unsigned i = v->crtc_index;
	if (i >= VGA_CRTC_COUNT)
		return;
	if (i <= VGA_CRTC_OVERFLOW && (v->crtc[VGA_CRTC_V_RETRACE_END] & VGA_CR11_PROTECT)) {
		if (i != VGA_CRTC_OVERFLOW)
			return;
		value = (uint8_t)((v->crtc[i] & ~0x10) | (value & 0x10));
	}
	v->crtc[i] = value;
	vga_touch(v);
}

/* Whether `port` is a CRTC or status port of the currently selected
 * (colour 0x3Dx or mono 0x3Bx) address range. */
static bool vga_port_selected(const struct vga *v, uint16_t port)
{
	bool color = v->misc & VGA_MISC_COLOR;
	return ((port & 0xFFF0) == 0x3D0) == color;
}

static uint8_t vga_read8(void *opaque, uint16_t port)
{
	struct vga *v = opaque;
	switch (port) {
	case 0x3C0: return v->attr_index;
	case 0x3C1: return vga_attr_read(v);
	case 0x3C2: return 0x00; /* input status 0: no switch sense, no CRT interrupt */
	case 0x3C3: return v->subsys;
	case 0x3C4: return v->seq_index;
	case 0x3C5: return v->seq_index < VGA_SEQ_COUNT ? v->seq[v->seq_index] : 0xFF;
	case 0x3C6: return v->dac_mask;
	case 0x3C7: return v->dac_state;
	case 0x3C8: return v->dac_write_index;
	case 0x3C9: return vga_dac_data_read(v);
	case 0x3CA: return v->feature;
	case 0x3CC: return v->misc;
	case 0x3CE: return v->gc_index;
	case 0x3CF: return v->gc_index < VGA_GC_COUNT ? v->gc[v->gc_index] : 0xFF;
	case 0x3B4:
	case 0x3D4: return vga_port_selected(v, port) ? v->crtc_index : 0xFF;
	case 0x3B5:
	case 0x3D5:
		if (!vga_port_selected(v, port))
			return 0xFF;
		return v->crtc_index < VGA_CRTC_COUNT ? v->crtc[v->crtc_index] : 0xFF;
	case 0x3BA:
	case 0x3DA:
		if (!vga_port_selected(v, port))
			return 0xFF;
		v->attr_data_next = false;
		return vga_input_status1(v);
	default: return 0xFF;
	}
}

static void vga_write8(void *opaque, uint16_t port, uint8_t value)
{
	struct vga *v = opaque;
	switch (port) {
	case 0x3C0: vga_attr_write(v, value); break;
	case 0x3C2:
		v->misc = value;
		vga_mem_update_paths(v);
		vga_touch(v);
		break;
	case 0x3C3: v->subsys = value & 1; break;
	case 0x3C4: v->seq_index = value & 0x07; break;
	case 0x3C5:
		if (v->seq_index < VGA_SEQ_COUNT) {
			v->seq[v->seq_index] = value & vga_seq_mask[v->seq_index];
			vga_mem_update_paths(v);
			vga_touch(v);
		}
		break;
	case 0x3C6:
		v->dac_mask = value;
		vga_touch(v);
		break;
	case 0x3C7:
		v->dac_read_index = value;
		v->dac_read_step = 0;
		v->dac_state = 0x03;
		break;
	case 0x3C8:
		v->dac_write_index = value;
		v->dac_write_step = 0;
		v->dac_state = 0x00;
		break;
	case 0x3C9: vga_dac_data_write(v, value); break;
	case 0x3CE: v->gc_index = value & 0x0F; break;
	case 0x3CF:
		if (v->gc_index < VGA_GC_COUNT) {
			v->gc[v->gc_index] = value & vga_gc_mask[v->gc_index];
			vga_mem_update_paths(v);
			vga_touch(v);
		}
		break;
	case 0x3B4:
	case 0x3D4:
		if (vga_port_selected(v, port))
			v->crtc_index = value & 0x3F;
		break;
	case 0x3B5:
	case 0x3D5:
		if (vga_port_selected(v, port))
			vga_crtc_write(v, value);
		break;
	case 0x3BA:
	case 0x3DA:
		if (vga_port_selected(v, port))
			v->feature = value & 0x03;
		break;
	default: break;
	}
}

static const struct io_ops vga_io_ops = {
	.read8 = vga_read8,
	.write8 = vga_write8,
};

/* Only the ports the VGA decodes are claimed: 0x3B0-0x3BF also holds the
 * MDA's printer port (0x3BC), which another device may own. */
int vga_regs_init(struct vga *v)
{
	static const struct {
		uint16_t base, len;
	} ranges[] = { { 0x3B4, 2 }, { 0x3BA, 1 }, { 0x3C0, 16 }, { 0x3D4, 2 }, { 0x3DA, 1 } };
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		if (io_register(v->io, ranges[i].base, ranges[i].len, &vga_io_ops, v, "vga") < 0)
			return -1;
	}
	return 0;
}
