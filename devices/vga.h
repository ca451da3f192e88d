/* vga.h: the VGA display adapter, with a Bochs-compatible VBE extension.
 *
 * The model follows the IBM VGA's register-level behaviour: the general
 * registers (misc output, input status, feature control), the sequencer,
 * the CRT controller, the graphics controller, the attribute controller and
 * the DAC at ports 0x3B4-0x3DA; 256 KiB of video memory in four 64 KiB
 * planes seen through the 0xA0000-0xBFFFF window with the read and write
 * modes, latches, bit mask and map mask; and the "DISPI" interface of Bochs
 * and QEMU's standard VGA at ports 0x1CE/0x1CF, which gives a linear
 * framebuffer (LFB) in direct-colour modes up to 2560x1600x32, as Linux's
 * bochs driver and VBE BIOSes program it.
 *
 * The device does not draw anything. Frontends ask for a frame
 * (vga_frame): text cells with the font, cursor and blink state, or
 * pixels with their palette, all computed from the registers the way the
 * CRT controller would scan them out. vga_generation tells them whether
 * anything changed since they last looked.
 *
 * Power-on state: the registers hold the values of text mode 3 (80x25,
 * colour), as a VGA BIOS leaves them, so a guest without a VGA BIOS can
 * write to 0xB8000 and be seen. Plane 2 (the font) starts empty: the VGA
 * BIOS loads its font there; until then a text frame carries an all-zero
 * font and frontends that draw glyphs need their own.
 *
 * Files: vga.c (set-up, timing), vga_regs.c (ports), vga_mem.c (the
 * memory window), vga_frame.c (frames), vga_vbe.c (the VBE interface);
 * vga_internal.h is what they share.
 */
#ifndef POPEK_DEVICES_VGA_H
#define POPEK_DEVICES_VGA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct io_bus;
struct phys_mem;
struct clock;

#define VGA_PLANE_SIZE 0x10000u /* bytes per plane; four planes */
#define VGA_WINDOW_BASE 0xA0000u
#define VGA_WINDOW_SIZE 0x20000u

/* The linear framebuffer: its size, and the address it is mapped at until
 * the PCI function's BAR moves it (the default BAR of Bochs and QEMU). */
#define VGA_LFB_SIZE (16u << 20)
#define VGA_LFB_DEFAULT_BASE 0xE0000000u

/* Bochs DISPI interface. */
#define VBE_DISPI_IOPORT_INDEX 0x1CE
#define VBE_DISPI_IOPORT_DATA 0x1CF
enum vbe_dispi_index {
	VBE_DISPI_INDEX_ID,
	VBE_DISPI_INDEX_XRES,
	VBE_DISPI_INDEX_YRES,
	VBE_DISPI_INDEX_BPP,
	VBE_DISPI_INDEX_ENABLE,
	VBE_DISPI_INDEX_BANK,
	VBE_DISPI_INDEX_VIRT_WIDTH,
	VBE_DISPI_INDEX_VIRT_HEIGHT,
	VBE_DISPI_INDEX_X_OFFSET,
	VBE_DISPI_INDEX_Y_OFFSET,
	VBE_DISPI_INDEX_VIDEO_MEMORY_64K, /* read-only: LFB size / 64 KiB */
	VBE_DISPI_NUM_REGS = VBE_DISPI_INDEX_VIDEO_MEMORY_64K,
};
#define VBE_DISPI_ID0 0xB0C0
#define VBE_DISPI_ID5 0xB0C5
#define VBE_DISPI_ENABLED 0x01
#define VBE_DISPI_GETCAPS 0x02 /* XRES/YRES/BPP then read the maximums */
#define VBE_DISPI_8BIT_DAC 0x20
#define VBE_DISPI_LFB_ENABLED 0x40
#define VBE_DISPI_NOCLEARMEM 0x80
#define VBE_DISPI_MAX_XRES 2560
#define VBE_DISPI_MAX_YRES 1600
#define VBE_DISPI_MAX_BPP 32

/* Register file sizes (index ranges the hardware decodes). */
#define VGA_SEQ_COUNT 5
#define VGA_GC_COUNT 9
#define VGA_CRTC_COUNT 0x19
#define VGA_ATTR_COUNT 0x15

/* Largest frame the CRT controller can describe: 256 character clocks of
 * 8 dots, 1024 scan lines (10-bit vertical display end). */
#define VGA_MAX_WIDTH 2048
#define VGA_MAX_HEIGHT 1024

/* --- frames ---------------------------------------------------------------- */

enum vga_frame_kind {
	VGA_FRAME_BLANK,    /* screen off (sequencer) or palette access (attribute) */
	VGA_FRAME_TEXT,     /* cells */
	VGA_FRAME_GRAPHICS, /* pixels */
};

enum vga_pixel_format {
	VGA_PIXEL_INDEXED8, /* one byte per pixel, an index into palette[] */
	VGA_PIXEL_XRGB32,   /* one uint32_t per pixel: 0x00RRGGBB */
};

struct vga_text_cell {
	uint8_t ch, attr;
};

/* One screenful as the CRT controller would display it. The pointers point
 * into buffers owned by the vga (or its framebuffer); they stay valid until
 * the next vga_frame call or until the guest runs again. */
struct vga_frame {
	enum vga_frame_kind kind;
	uint64_t generation; /* vga_generation() when the frame was made */
	/* Text: columns x rows. Graphics: pixels. Blank: the size the
	 * display raster would have (0x0 when unknown). */
	unsigned width, height;
	/* The displayed raster in dots x scan lines (e.g. 720x400 for 80x25
	 * text with 9-dot characters, 640x400 for 320x200 mode 13h), so a
	 * frontend can keep the aspect ratio of doubled pixels and lines. */
	unsigned display_width, display_height;
	/* Every colour index in the frame (a pixel, a text attribute's
	 * foreground or background nibble) maps through this table, which
	 * already holds the attribute controller's palette, the colour plane
	 * enable, the colour select and the DAC with its pixel mask:
	 * 0x00RRGGBB with 8-bit components. */
	uint32_t palette[256];

	/* Graphics. */
	enum vga_pixel_format format;
	const void *pixels;
	size_t stride; /* bytes from one line to the next */

	/* Text. */
	const struct vga_text_cell *cells; /* width * height, row by row */
	unsigned char_width;               /* 8 or 9 dots */
	unsigned char_height;              /* 1-32 scan lines */
	/* Glyphs: 256 of 32 bytes, row r of character c at [c * 32 + r], bit
	 * 7 the leftmost dot. font[1] is used for attributes with bit 3 set,
	 * font[0] for the others (the same table unless the guest selected two
	 * character maps for a 512-character font). */
	const uint8_t *font[2];
	bool line_graphics; /* 9th dot of characters 0xC0-0xDF repeats the 8th */
	bool blink_enabled; /* attribute bit 7 blinks (else: bright background) */
	bool blink_visible; /* blink phase: blinking characters shown now */
	bool mono;          /* monochrome attributes: underline when attr & 7 == 1 */
	unsigned underline_row;
	bool cursor_enabled; /* the cursor is on and on screen */
	bool cursor_visible; /* cursor blink phase */
	unsigned cursor_x, cursor_y;
	unsigned cursor_start, cursor_end; /* scan lines within the cell */
};

/* --- the device -------------------------------------------------------------- */

struct vga {
	/* Wiring. */
	struct io_bus *io;
	struct phys_mem *pm;
	struct clock *clk;

	/* General registers. */
	uint8_t misc;    /* misc output: I/O address select, RAM enable, clock */
	uint8_t feature; /* feature control */
	uint8_t subsys;  /* video subsystem enable (0x3C3) */

	uint8_t seq_index, seq[VGA_SEQ_COUNT];
	uint8_t gc_index, gc[VGA_GC_COUNT];
	uint8_t crtc_index, crtc[VGA_CRTC_COUNT];
	uint8_t attr_index;  /* bits 0-4 index, bit 5 palette address source */
	bool attr_data_next; /* the flip-flop: the next 0x3C0 write is data */
	uint8_t attr[VGA_ATTR_COUNT];

	/* DAC: 256 entries of r, g, b, 6 bits each (8 with the VBE 8-bit DAC
	 * enable, the entries rescaled when it switches); reads and writes
	 * step through r, g, b, then the next entry. */
	uint8_t dac[256][3];
	uint8_t dac_mask;
	uint8_t dac_read_index, dac_write_index;
	uint8_t dac_read_step, dac_write_step;
	uint8_t dac_state; /* what 0x3C7 reads: 0 after a write index, 3 after a read index */
	uint8_t dac_latch[3];
	bool dac_8bit;

	/* Video memory: 64 Ki addresses, plane p in bits 8p-8p+7, so a read
	 * loads all four latches at once and a write hits the enabled planes
	 * with one mask. */
	uint32_t *vram;
	uint32_t latch;

	/* How the window decodes, recomputed whenever a register it depends on
	 * changes, so the per-access callbacks only switch on it. */
	uint8_t read_path, write_path; /* enum vga_mem_path (vga_internal.h) */
	uint32_t win_start, win_size;  /* offsets inside the 128 KiB window */

	/* VBE. */
	uint16_t vbe_index;
	uint16_t vbe_regs[VBE_DISPI_NUM_REGS];
	bool vbe_caps;           /* GETCAPS: XRES/YRES/BPP read the maximums */
	uint32_t vbe_line_bytes; /* bytes per virtual line */
	uint32_t vbe_start;      /* LFB offset of the displayed top-left pixel */
	uint8_t *lfb;
	uint32_t lfb_size;
	uint32_t lfb_base;
	bool lfb_mapped;

	/* Frame production. */
	uint64_t gen;        /* bumped by every change a frame would show */
	uint8_t blink_seen;  /* blink phases at the last vga_generation */
	uint8_t *lfb_shadow; /* the displayed LFB bytes as last seen */
	size_t shadow_len, shadow_cap;
	uint32_t shadow_start;
	uint8_t *pix8;               /* VGA_MAX_WIDTH * VGA_MAX_HEIGHT */
	uint32_t *pix32;             /* direct-colour VBE frames, grown on demand */
	size_t pix32_cap;            /* in pixels */
	struct vga_text_cell *cells; /* VGA_MAX_WIDTH / 8 * VGA_MAX_HEIGHT */
	uint8_t *font;               /* 2 * 256 * 32 */
};

/* Allocates the video memory and framebuffer, sets the power-on register
 * state, registers the ports, maps the window at 0xA0000 and the LFB at
 * VGA_LFB_DEFAULT_BASE. Returns 0, or -1 (nothing left allocated) when
 * memory, a port range or an address range is not available. */
int vga_init(struct vga *v, struct io_bus *io, struct phys_mem *pm, struct clock *clk);

/* Frees the buffers. Safe on a zeroed struct (vga_init never ran). */
void vga_free(struct vga *v);

/* Moves the linear framebuffer to `base` (a 16 MiB-aligned PCI BAR
 * address), or just unmaps it when base is 0 (memory decoding off). On
 * failure (the range is taken or misaligned) the LFB is left unmapped and
 * -1 is returned. */
int vga_map_lfb(struct vga *v, struct phys_mem *pm, uint32_t base);

/* Fills `f` with the current screen. */
void vga_frame(struct vga *v, struct vga_frame *f);

/* A counter that changes whenever the next frame would differ from the
 * last: register and memory writes, the blink phase in text modes, and the
 * displayed part of the LFB (compared with a copy, as the CPU writes it
 * directly). Frontends redraw only when it moved. */
uint64_t vga_generation(struct vga *v);

/* Draws a text frame into 0x00RRGGBB pixels: width * char_width dots by
 * height * char_height lines, `stride` pixels from one line to the next.
 * For frontends that show text modes as a picture (window, screenshot). */
void vga_text_render(const struct vga_frame *f, uint32_t *out, size_t stride);

#endif
