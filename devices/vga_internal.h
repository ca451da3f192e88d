/* vga_internal.h: what the VGA's files share (not for other devices).
 *
 * Register bit names follow the IBM VGA technical reference; each is used
 * in more than one file. */
#ifndef POPEK_DEVICES_VGA_INTERNAL_H
#define POPEK_DEVICES_VGA_INTERNAL_H

#include "devices/vga.h"

/* Misc output. */
#define VGA_MISC_COLOR 0x01      /* I/O address select: CRTC at 0x3D4, status at 0x3DA */
#define VGA_MISC_RAM_ENABLE 0x02 /* CPU access to video memory */
#define VGA_MISC_CLOCK_SHIFT 2   /* bits 2-3: 25.175 / 28.322 MHz */

/* Sequencer. */
#define VGA_SEQ_CLOCKING 1
#define VGA_SEQ_MAP_MASK 2
#define VGA_SEQ_CHAR_MAP 3
#define VGA_SEQ_MEM_MODE 4
#define VGA_SR01_8DOT 0x01
#define VGA_SR01_DOTCLOCK_DIV2 0x08
#define VGA_SR01_SCREEN_OFF 0x20
#define VGA_SR04_ODD_EVEN_OFF 0x04 /* host odd/even addressing disabled */
#define VGA_SR04_CHAIN4 0x08

/* Graphics controller. */
#define VGA_GC_SET_RESET 0
#define VGA_GC_ENABLE_SET_RESET 1
#define VGA_GC_COLOR_COMPARE 2
#define VGA_GC_ROTATE 3
#define VGA_GC_READ_MAP 4
#define VGA_GC_MODE 5
#define VGA_GC_MISC 6
#define VGA_GC_DONT_CARE 7
#define VGA_GC_BIT_MASK 8
#define VGA_GR05_READ_MODE1 0x08
#define VGA_GR05_ODD_EVEN 0x10 /* host odd/even read addressing */
#define VGA_GR05_SHIFT_INTERLEAVE 0x20
#define VGA_GR05_SHIFT_256 0x40

/* CRT controller. */
#define VGA_CRTC_H_TOTAL 0x00
#define VGA_CRTC_H_DISP_END 0x01
#define VGA_CRTC_V_TOTAL 0x06
#define VGA_CRTC_OVERFLOW 0x07
#define VGA_CRTC_PRESET_ROW 0x08
#define VGA_CRTC_MAX_SCAN 0x09
#define VGA_CRTC_CURSOR_START 0x0A
#define VGA_CRTC_CURSOR_END 0x0B
#define VGA_CRTC_START_HI 0x0C
#define VGA_CRTC_START_LO 0x0D
#define VGA_CRTC_CURSOR_HI 0x0E
#define VGA_CRTC_CURSOR_LO 0x0F
#define VGA_CRTC_V_RETRACE_START 0x10
#define VGA_CRTC_V_RETRACE_END 0x11
#define VGA_CRTC_V_DISP_END 0x12
#define VGA_CRTC_OFFSET 0x13
#define VGA_CRTC_UNDERLINE 0x14
#define VGA_CRTC_MODE 0x17
#define VGA_CRTC_LINE_COMPARE 0x18
#define VGA_CR11_PROTECT 0x80
#define VGA_CR14_DWORD 0x40
#define VGA_CR17_MAP13 0x01 /* 0: row scan bit 0 replaces address bit 13 (CGA banks) */
#define VGA_CR17_MAP14 0x02 /* 0: row scan bit 1 replaces address bit 14 */
#define VGA_CR17_ADDR_WRAP 0x20
#define VGA_CR17_BYTE_MODE 0x40

/* Attribute controller. */
#define VGA_ATTR_MODE 0x10
#define VGA_ATTR_OVERSCAN 0x11
#define VGA_ATTR_PLANE_ENABLE 0x12
#define VGA_ATTR_PEL_PAN 0x13
#define VGA_ATTR_COLOR_SELECT 0x14
#define VGA_AR_INDEX_PAS 0x20 /* palette address source: display on */
#define VGA_AR10_GRAPHICS 0x01
#define VGA_AR10_MONO 0x02
#define VGA_AR10_LINE_GRAPHICS 0x04
#define VGA_AR10_BLINK 0x08
#define VGA_AR10_PAN_COMPAT 0x20
#define VGA_AR10_8BIT 0x40
#define VGA_AR10_P54_SELECT 0x80

/* How the memory window decodes an access. */
enum vga_mem_path {
	VGA_PATH_NONE,    /* RAM disabled in the misc output register */
	VGA_PATH_PLANAR,  /* all four planes at the same offset: write/read modes */
	VGA_PATH_ODDEVEN, /* address bit 0 picks the plane pair (text modes) */
	VGA_PATH_CHAIN4,  /* address bits 0-1 pick the plane (mode 13h) */
	VGA_PATH_VBE,     /* banked 64 KiB view of the linear framebuffer */
};

static inline bool vga_vbe_enabled(const struct vga *v)
{
	return v->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED;
}

/* Something a frame shows changed. */
static inline void vga_touch(struct vga *v)
{
	v->gen++;
}

/* vga_mem.c */
int vga_mem_init(struct vga *v);
void vga_mem_update_paths(struct vga *v);

/* vga_regs.c */
int vga_regs_init(struct vga *v);
void vga_regs_power_on(struct vga *v);

/* vga_vbe.c */
int vga_vbe_init(struct vga *v);
void vga_frame_vbe(struct vga *v, struct vga_frame *f);
/* The displayed LFB bytes: where they start and how many. */
void vga_vbe_visible(const struct vga *v, uint32_t *start, size_t *len);

/* vga.c: scan-out timing from the CRTC registers and the virtual clock. */
struct vga_timing {
	uint64_t line_ns, frame_ns;
	uint32_t total_lines, display_lines, retrace_start, retrace_lines;
	uint64_t display_ns; /* active part of a line */
};
void vga_timing(const struct vga *v, struct vga_timing *t);
uint8_t vga_input_status1(const struct vga *v);
/* Bit 0: cursor visible, bit 1: blinking characters visible. */
uint8_t vga_blink_phase(const struct vga *v);

/* vga_frame.c: a DAC entry as 0x00RRGGBB. */
uint32_t vga_dac_rgb(const struct vga *v, uint8_t index);

#endif
