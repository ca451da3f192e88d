/* vga.c: setting up and tearing down the VGA, moving its framebuffer, and
 * the scan-out timing that guests poll (vertical retrace, display enable)
 * and that drives text blinking.
 *
 * Timing is computed, not simulated: the CRTC registers give the dot clock,
 * the line length and the frame length, and the virtual clock's current
 * time gives where the beam is. So polling loops see the retrace come and
 * go at the rate the programmed mode has (70 Hz for 400-line modes, 60 Hz
 * for 480-line ones), deterministically, with no clock event.
 */
#include "devices/vga.h"

#include <stdlib.h>
#include <string.h>

#include "devices/vga_internal.h"
#include "vmm/clock.h"
#include "vmm/phys_mem.h"

int vga_init(struct vga *v, struct io_bus *io, struct phys_mem *pm, struct clock *clk)
{
	memset(v, 0, sizeof(*v));
	v->io = io;
	v->pm = pm;
	v->clk = clk;
	v->vram = calloc(VGA_PLANE_SIZE, sizeof(*v->vram));
	v->lfb = calloc(VGA_LFB_SIZE, 1);
	v->pix8 = malloc((size_t)VGA_MAX_WIDTH * VGA_MAX_HEIGHT);
	v->cells = calloc((size_t)VGA_MAX_WIDTH / 8 * VGA_MAX_HEIGHT, sizeof(*v->cells));
	v->font = calloc(2 * 256 * 32, 1);
	if (!v->vram || !v->lfb || !v->pix8 || !v->cells || !v->font)
		goto fail;
	v->lfb_size = VGA_LFB_SIZE;
	vga_regs_power_on(v);
	if (vga_regs_init(v) < 0 || vga_vbe_init(v) < 0 || vga_mem_init(v) < 0)
		goto fail;
	if (vga_map_lfb(v, pm, VGA_LFB_DEFAULT_BASE) < 0)
		goto fail;
	return 0;
fail:
	vga_free(v);
	return -1;
}

void vga_free(struct vga *v)
{
	/* The buses keep their registrations (they live as long as the
	 * machine); only the LFB pages point into memory freed here. */
	if (v->lfb_mapped && v->pm)
		phys_mem_map_ram(v->pm, v->lfb_base, v->lfb_size, NULL);
	free(v->vram);
	free(v->lfb);
	free(v->pix8);
	free(v->pix32);
	free(v->cells);
	free(v->font);
	free(v->lfb_shadow);
	memset(v, 0, sizeof(*v));
}

int vga_map_lfb(struct vga *v, struct phys_mem *pm, uint32_t base)
{
	if (v->lfb_mapped) {
		phys_mem_map_ram(pm, v->lfb_base, v->lfb_size, NULL);
		v->lfb_mapped = false;
	}
	if (!base)
		return 0;
	if (base & (v->lfb_size - 1))
		return -1;
	if (phys_mem_map_ram(pm, base, v->lfb_size, v->lfb) < 0)
		return -1;
	v->pm = pm;
	v->lfb_base = base;
	v->lfb_mapped = true;
	return 0;
}

/* The standard dot clocks selected by misc output bits 2-3; the two
 * "external" selections get the 25 MHz one. */
static uint64_t vga_dot_clock_hz(const struct vga *v)
{
	return ((v->misc >> VGA_MISC_CLOCK_SHIFT) & 3) == 1 ? 28322000u : 25175000u;
}

/* Beam timing from the CRTC. Every divisor is kept at 1 or more, so a
 * guest programming nonsense gets a strange but finite timing. In VBE
 * modes the CRTC is not used for scan-out: 640x480 at 60 Hz timing stands
 * in (only the rates matter to a polling guest). */
void vga_timing(const struct vga *v, struct vga_timing *t)
{
	const uint8_t *c = v->crtc;
	uint32_t htotal = c[VGA_CRTC_H_TOTAL] + 5u, hdisp = c[VGA_CRTC_H_DISP_END] + 1u;
	uint32_t dots = (v->seq[VGA_SEQ_CLOCKING] & VGA_SR01_8DOT) ? 8 : 9;
	uint64_t hz = vga_dot_clock_hz(v);
	uint8_t ov = c[VGA_CRTC_OVERFLOW];
	uint32_t vtotal = (c[VGA_CRTC_V_TOTAL] | (ov & 0x01) << 8 | (ov & 0x20) << 4) + 2u;
	uint32_t vdisp = (c[VGA_CRTC_V_DISP_END] | (ov & 0x02) << 7 | (ov & 0x40) << 3) + 1u;
	uint32_t vrs = c[VGA_CRTC_V_RETRACE_START] | (ov & 0x04) << 6 | (ov & 0x80) << 2;
	uint32_t vrlen = (c[VGA_CRTC_V_RETRACE_END] - vrs) & 0x0F;
	if (vga_vbe_enabled(v)) {
		htotal = 100, hdisp = 80, dots = 8, hz = 25175000u;
		vtotal = 525, vdisp = 480, vrs = 490, vrlen = 2;
	}
	if (v->seq[VGA_SEQ_CLOCKING] & VGA_SR01_DOTCLOCK_DIV2)
		hz /= 2;
	t->line_ns = (uint64_t)htotal * dots * 1000000000u / hz;
	if (t->line_ns < 1)
		t->line_ns = 1;
	t->display_ns = hdisp >= htotal ? t->line_ns : t->line_ns * hdisp / htotal;
	t->total_lines = vtotal;
	t->display_lines = vdisp < vtotal ? vdisp : vtotal;
	t->retrace_start = vrs < vtotal ? vrs : vtotal - 1;
	t->retrace_lines = vrlen ? vrlen : 16;
	t->frame_ns = t->line_ns * vtotal;
}

/* Input status 1: bit 3 is the vertical retrace, bit 0 is set whenever the
 * beam is not in the active display (horizontal or vertical blanking). */
uint8_t vga_input_status1(const struct vga *v)
{
	struct vga_timing t;
	vga_timing(v, &t);
	uint64_t in_frame = v->clk ? v->clk->now_ns % t.frame_ns : 0;
	uint32_t line = (uint32_t)(in_frame / t.line_ns);
	uint64_t in_line = in_frame % t.line_ns;
	uint8_t st = 0;
	if (line >= t.display_lines || in_line >= t.display_ns)
		st |= 0x01;
	if (line - t.retrace_start < t.retrace_lines)
		st |= 0x08;
	return st;
}

/* The VGA blinks the cursor every 16 frames and blinking characters every
 * 32 (on for half of each). */
uint8_t vga_blink_phase(const struct vga *v)
{
	struct vga_timing t;
	vga_timing(v, &t);
	uint64_t frames = v->clk ? v->clk->now_ns / t.frame_ns : 0;
	uint8_t phase = 0;
	if (!(frames & 8))
		phase |= 1;
	if (!(frames & 16))
		phase |= 2;
	return phase;
}

/* The LFB is written by the CPU directly, so its changes are found by
 * comparing the displayed bytes with a copy; everything else bumps v->gen
 * as it is written. */
static void vga_check_lfb(struct vga *v)
{
	uint32_t start;
	size_t len;
	vga_vbe_visible(v, &start, &len);
	if (len > v->shadow_cap) {
		uint8_t *p = realloc(v->lfb_shadow, len);
		if (!p) {
			vga_touch(v); /* cannot tell: say it changed */
			return;
		}
		v->lfb_shadow = p;
		v->shadow_cap = len;
	}
	if (start == v->shadow_start && len == v->shadow_len &&
	    !memcmp(v->lfb_shadow, v->lfb + start, len))
		return;
	memcpy(v->lfb_shadow, v->lfb + start, len);
	v->shadow_start = start;
	v->shadow_len = len;
	vga_touch(v);
}

uint64_t vga_generation(struct vga *v)
{
	if (vga_vbe_enabled(v)) {
		vga_check_lfb(v);
	} else if (!(v->attr[VGA_ATTR_MODE] & VGA_AR10_GRAPHICS)) {
		/* Only what can blink counts: the cursor when it is on, the
		 * characters when blinking is enabled. */
		uint8_t phase = vga_blink_phase(v);
		if (v->crtc[VGA_CRTC_CURSOR_START] & 0x20)
			phase &= ~1;
		if (!(v->attr[VGA_ATTR_MODE] & VGA_AR10_BLINK))
			phase &= ~2;
		if (phase != v->blink_seen) {
			v->blink_seen = phase;
			vga_touch(v);
		}
	}
	return v->gen;
}
