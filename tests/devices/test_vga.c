/* test_vga.c: the VGA's registers and video memory, and the Bochs VBE
 * interface, driven through ports and the 0xA0000 window as a guest would:
 * DAC sequences, the attribute flip-flop, I/O address select, CRTC
 * protection, retrace timing, every write mode, read mode 1, chain-4 and
 * odd/even addressing, VBE registers with their clamping, the LFB and its
 * banked window, and a random-input run that must not crash.
 * (Frames: test_vga_frame.c.) */
#include "vga_test_env.h"

#define A0000 0xA0000u

/* --- DAC ------------------------------------------------------------------- */

static void test_dac_write_read(void **state)
{
	struct vga_env *e = *state;
	/* Three writes per entry, then the index moves on by itself. */
	outb(e, 0x3C8, 0x10);
	for (int i = 0; i < 6; i++)
		outb(e, 0x3C9, (uint8_t)(0x01 + i));
	assert_int_equal(inb(e, 0x3C8), 0x12);
	assert_int_equal(inb(e, 0x3C7), 0x00); /* state: writing */
	outb(e, 0x3C7, 0x10);
	assert_int_equal(inb(e, 0x3C7), 0x03); /* state: reading */
	for (int i = 0; i < 6; i++)
		assert_int_equal(inb(e, 0x3C9), 0x01 + i);
	/* Six-bit values: the top bits are dropped. */
	dac_w(e, 0xFF, 0xFF, 0x40, 0x3F);
	assert_int_equal(inb(e, 0x3C8), 0x00); /* wrapped */
	outb(e, 0x3C7, 0xFF);
	assert_int_equal(inb(e, 0x3C9), 0x3F);
	assert_int_equal(inb(e, 0x3C9), 0x00);
	assert_int_equal(inb(e, 0x3C9), 0x3F);
	/* A new write index restarts the r, g, b sequence. */
	outb(e, 0x3C8, 0x60);
	outb(e, 0x3C9, 0x11);
	outb(e, 0x3C8, 0x61);
	dac_w(e, 0x61, 0x05, 0x06, 0x07);
	outb(e, 0x3C7, 0x60);
	assert_int_equal(inb(e, 0x3C9), 0x00); /* entry 0x60 not committed */
	/* A read index restarts the read sequence mid-entry. */
	outb(e, 0x3C7, 0x61);
	assert_int_equal(inb(e, 0x3C9), 0x05);
	outb(e, 0x3C7, 0x61);
	assert_int_equal(inb(e, 0x3C9), 0x05);
	assert_int_equal(inb(e, 0x3C9), 0x06);
	assert_int_equal(inb(e, 0x3C9), 0x07);
	/* The pixel mask is a plain register. */
	outb(e, 0x3C6, 0x0F);
	assert_int_equal(inb(e, 0x3C6), 0x0F);
}

/* --- general registers ------------------------------------------------------- */

static void test_attr_flipflop(void **state)
{
	struct vga_env *e = *state;
	inb(e, 0x3DA);
	outb(e, 0x3C0, 0x21); /* index 1, display on */
	assert_int_equal(inb(e, 0x3C0), 0x21);
	outb(e, 0x3C0, 0x2A); /* data */
	assert_int_equal(inb(e, 0x3C1), 0x2A);
	outb(e, 0x3C0, 0x22); /* next write is an index again */
	outb(e, 0x3C0, 0x15);
	outb(e, 0x3C0, 0x21);
	assert_int_equal(inb(e, 0x3C1), 0x2A);
	assert_int_equal(e->vga.attr[2], 0x15);
	/* Reading input status 1 resets the flip-flop to "index". */
	outb(e, 0x3C0, 0x99); /* data for 1 */
	outb(e, 0x3C0, 0x23); /* index 3 */
	inb(e, 0x3DA);
	outb(e, 0x3C0, 0x24); /* an index, not data for 3 */
	assert_int_equal(inb(e, 0x3C0), 0x24);
	assert_int_equal(e->vga.attr[3], 0x03);
	assert_int_equal(e->vga.attr[1], 0x19); /* palette: 6 bits */
	/* Undecoded attribute registers read 0xFF and keep nothing. */
	inb(e, 0x3DA);
	outb(e, 0x3C0, 0x3F);
	outb(e, 0x3C0, 0x55);
	assert_int_equal(inb(e, 0x3C1), 0xFF);
}

static void test_io_address_select(void **state)
{
	struct vga_env *e = *state;
	assert_int_equal(inb(e, 0x3CC), 0x67); /* colour at power-on */
	crtc_w(e, 0x0E, 0x12);
	assert_int_equal(crtc_r(e, 0x0E), 0x12);
	assert_int_equal(inb(e, 0x3B5), 0xFF);
	/* Mono: the CRTC and status move to 0x3Bx. */
	outb(e, 0x3C2, 0x66);
	assert_int_equal(inb(e, 0x3CC), 0x66);
	outb(e, 0x3D4, 0x0E);
	outb(e, 0x3D5, 0x77); /* ignored */
	assert_int_equal(inb(e, 0x3D5), 0xFF);
	outb(e, 0x3B4, 0x0E);
	assert_int_equal(inb(e, 0x3B5), 0x12);
	assert_int_equal(inb(e, 0x3DA), 0xFF);
	/* 0x3BA is input status 1 now: it resets the flip-flop. */
	outb(e, 0x3C0, 0x21);
	inb(e, 0x3BA);
	outb(e, 0x3C0, 0x22);
	assert_int_equal(inb(e, 0x3C0), 0x22);
	/* Feature control: written at the status port, read at 0x3CA. */
	outb(e, 0x3BA, 0x03);
	assert_int_equal(inb(e, 0x3CA), 0x03);
}

static void test_index_masks(void **state)
{
	struct vga_env *e = *state;
	/* Sequencer and graphics registers keep only the bits they have. */
	seq_w(e, 2, 0xFF);
	assert_int_equal(seq_r(e, 2), 0x0F);
	gc_w(e, 5, 0xFF);
	assert_int_equal(gc_r(e, 5), 0x7B);
	/* Past the last register: 0xFF, nothing stored. */
	seq_w(e, 7, 0x12);
	assert_int_equal(seq_r(e, 7), 0xFF);
	gc_w(e, 0x0C, 0x12);
	assert_int_equal(gc_r(e, 0x0C), 0xFF);
	crtc_w(e, 0x30, 0x12);
	assert_int_equal(crtc_r(e, 0x30), 0xFF);
	/* A word OUT writes index then data, as the ISA bus splits it. */
	outw(e, 0x3CE, 0x0A08);
	assert_int_equal(gc_r(e, 8), 0x0A);
}

static void test_crtc_protect(void **state)
{
	struct vga_env *e = *state;
	crtc_w(e, 0x11, crtc_r(e, 0x11) | 0x80);
	crtc_w(e, 0x01, 0x27);
	assert_int_equal(crtc_r(e, 0x01), 0x4F);
	crtc_w(e, 0x06, 0x00);
	assert_int_equal(crtc_r(e, 0x06), 0xBF);
	/* Overflow: only the line compare bit 8 (bit 4) still changes. */
	crtc_w(e, 0x07, 0x00);
	assert_int_equal(crtc_r(e, 0x07), 0x0F);
	crtc_w(e, 0x07, 0xFF);
	assert_int_equal(crtc_r(e, 0x07), 0x1F);
	/* Registers past 7 are not protected. */
	crtc_w(e, 0x09, 0x47);
	assert_int_equal(crtc_r(e, 0x09), 0x47);
	crtc_w(e, 0x11, crtc_r(e, 0x11) & 0x7F);
	crtc_w(e, 0x01, 0x27);
	assert_int_equal(crtc_r(e, 0x01), 0x27);
}

/* Counts rising edges of `bit` of input status 1 sampled every `step_ns`
 * over `span_ns` of virtual time. */
static unsigned status_edges(struct vga_env *e, uint8_t bit, uint64_t step_ns, uint64_t span_ns)
{
	unsigned edges = 0;
	bool last = inb(e, 0x3DA) & bit;
	for (uint64_t t = 0; t < span_ns; t += step_ns) {
		e->clk.now_ns += step_ns;
		bool now = inb(e, 0x3DA) & bit;
		edges += now && !last;
		last = now;
	}
	return edges;
}

static void test_retrace_timing(void **state)
{
	struct vga_env *e = *state;
	/* Mode 3: 70 Hz frames, 31.5 kHz lines. In one second of virtual
	 * time: 70 vertical retraces. */
	e->clk.now_ns = 0;
	assert_int_equal(status_edges(e, 0x08, 20000, 1010000000ull), 70);
	/* Display-enable toggles once a line: ~31.47 lines in 1 ms (sampled
	 * every 1 us to see the short blanking). */
	e->clk.now_ns = 100000; /* inside the active display */
	unsigned lines = status_edges(e, 0x01, 1000, 1000000);
	assert_true(lines >= 31 && lines <= 32);
	/* Mode 12h: 60 Hz. */
	vga_set_mode(e, &vga_mode_12);
	e->clk.now_ns = 0;
	assert_int_equal(status_edges(e, 0x08, 20000, 1010000000ull), 60);
	/* Garbage timing registers still give a finite, polling-safe rate. */
	crtc_w(e, 0x11, 0x01); /* protection off, retrace one line long */
	crtc_w(e, 0x00, 0x00);
	crtc_w(e, 0x06, 0x00);
	crtc_w(e, 0x07, 0x00);
	crtc_w(e, 0x10, 0x00);
	crtc_w(e, 0x12, 0x00);
	assert_true(status_edges(e, 0x08, 1000, 10000000ull) > 0);
}

/* --- memory -------------------------------------------------------------- */

/* Writes one byte into each plane at offset `off` (planes p0..p3), then
 * restores the map mask to all planes. */
static void put_planes(struct vga_env *e, uint32_t off, const uint8_t p[4])
{
	for (unsigned i = 0; i < 4; i++) {
		vga_planar_plane(e, i);
		phys_write(&e->pm, A0000 + off, p[i], 1);
	}
	seq_w(e, 2, 0x0F);
}

static void get_planes(struct vga_env *e, uint32_t off, uint8_t p[4])
{
	for (unsigned i = 0; i < 4; i++) {
		gc_w(e, 4, (uint8_t)i);
		p[i] = (uint8_t)phys_read(&e->pm, A0000 + off, 1);
	}
}

static void assert_planes(struct vga_env *e, uint32_t off, uint8_t a, uint8_t b, uint8_t c,
			  uint8_t d)
{
	uint8_t p[4];
	gc_w(e, 5, 0x00);
	get_planes(e, off, p);
	assert_int_equal(p[0], a);
	assert_int_equal(p[1], b);
	assert_int_equal(p[2], c);
	assert_int_equal(p[3], d);
}

static void test_write_mode0(void **state)
{
	struct vga_env *e = *state;
	static const uint8_t init[4] = { 0x0F, 0xF0, 0x33, 0xCC };
	put_planes(e, 0x100, init);
	assert_planes(e, 0x100, 0x0F, 0xF0, 0x33, 0xCC);
	/* Set/reset on planes 0 and 1 (values 1, 0); planes 2 and 3 take the
	 * CPU byte; bit mask 0xF0 keeps the low nibble from the latches. */
	phys_read(&e->pm, A0000 + 0x100, 1); /* load the latches */
	gc_w(e, 0, 0x01);
	gc_w(e, 1, 0x03);
	gc_w(e, 8, 0xF0);
	gc_w(e, 5, 0x00);
	phys_write(&e->pm, A0000 + 0x100, 0xA5, 1);
	assert_planes(e, 0x100, 0xFF, 0x00, 0xA3, 0xAC);
	/* Rotate right by 4 and XOR with the latches, map mask planes 0 and 3. */
	put_planes(e, 0x200, init);
	phys_read(&e->pm, A0000 + 0x200, 1);
	gc_w(e, 1, 0x00);
	gc_w(e, 3, 0x04 | (3 << 3));
	gc_w(e, 8, 0xFF);
	seq_w(e, 2, 0x09);
	phys_write(&e->pm, A0000 + 0x200, 0x12, 1); /* rotated: 0x21 */
	assert_planes(e, 0x200, 0x0F ^ 0x21, 0xF0, 0x33, 0xCC ^ 0x21);
	/* AND and OR. */
	seq_w(e, 2, 0x0F);
	put_planes(e, 0x300, init);
	phys_read(&e->pm, A0000 + 0x300, 1);
	gc_w(e, 3, 1 << 3);
	phys_write(&e->pm, A0000 + 0x300, 0x3C, 1);
	assert_planes(e, 0x300, 0x0C, 0x30, 0x30, 0x0C);
	put_planes(e, 0x300, init);
	phys_read(&e->pm, A0000 + 0x300, 1);
	gc_w(e, 3, 2 << 3);
	phys_write(&e->pm, A0000 + 0x300, 0x3C, 1);
	assert_planes(e, 0x300, 0x3F, 0xFC, 0x3F, 0xFC);
}

static void test_write_mode1(void **state)
{
	struct vga_env *e = *state;
	static const uint8_t init[4] = { 0x11, 0x22, 0x33, 0x44 };
	put_planes(e, 0x40, init);
	/* Latch copy: read one address, write another; the CPU byte, bit mask
	 * and function do not matter; the map mask does. */
	gc_w(e, 5, 0x01);
	gc_w(e, 8, 0x00);
	gc_w(e, 3, 3 << 3);
	phys_read(&e->pm, A0000 + 0x40, 1);
	seq_w(e, 2, 0x0B);
	phys_write(&e->pm, A0000 + 0x80, 0xFF, 1);
	gc_w(e, 3, 0);
	gc_w(e, 8, 0xFF);
	assert_planes(e, 0x80, 0x11, 0x22, 0x00, 0x44);
}

static void test_write_mode2(void **state)
{
	struct vga_env *e = *state;
	static const uint8_t init[4] = { 0xFF, 0x00, 0xFF, 0x00 };
	put_planes(e, 0x10, init);
	/* The CPU byte's low nibble is a colour for every masked-in bit. */
	phys_read(&e->pm, A0000 + 0x10, 1);
	gc_w(e, 5, 0x02);
	gc_w(e, 8, 0x18);
	phys_write(&e->pm, A0000 + 0x10, 0xF6, 1); /* colour 6: planes 1, 2 */
	assert_planes(e, 0x10, 0xE7, 0x18, 0xFF, 0x00);
}

static void test_write_mode3(void **state)
{
	struct vga_env *e = *state;
	static const uint8_t init[4] = { 0x00, 0xFF, 0x00, 0xFF };
	put_planes(e, 0x20, init);
	/* Set/reset gives the colour; the rotated CPU byte ANDed with the bit
	 * mask says which bits take it. Enable set/reset is ignored. */
	phys_read(&e->pm, A0000 + 0x20, 1);
	gc_w(e, 0, 0x05);
	gc_w(e, 1, 0x00);
	gc_w(e, 3, 0x01); /* rotate by 1 */
	gc_w(e, 8, 0x0F);
	gc_w(e, 5, 0x03);
	phys_write(&e->pm, A0000 + 0x20, 0x3C, 1); /* rotated 0x1E, masked 0x0E */
	assert_planes(e, 0x20, 0x0E, 0xF1, 0x0E, 0xF1);
}

static void test_read_mode1(void **state)
{
	struct vga_env *e = *state;
	/* Pixels 0-7 have colours 8-15: 0..7 in planes 0-2, plane 3 all
	 * ones. */
	static const uint8_t init[4] = { 0x55, 0x33, 0x0F, 0xFF };
	put_planes(e, 0x30, init);
	gc_w(e, 5, 0x08);
	gc_w(e, 2, 0x0D); /* colour 13 = 5 with plane 3 */
	gc_w(e, 7, 0x0F);
	assert_int_equal(phys_read(&e->pm, A0000 + 0x30, 1), 0x04); /* pixel 5 */
	/* Plane 3 "don't care": only planes 0-2 must match 5. */
	gc_w(e, 2, 0x05);
	gc_w(e, 7, 0x07);
	assert_int_equal(phys_read(&e->pm, A0000 + 0x30, 1), 0x04);
	gc_w(e, 7, 0x00); /* nothing cared about: everything matches */
	assert_int_equal(phys_read(&e->pm, A0000 + 0x30, 1), 0xFF);
	/* The read loads the latches too: a write mode 1 copy shows it. */
	gc_w(e, 5, 0x01);
	phys_write(&e->pm, A0000 + 0x31, 0, 1);
	gc_w(e, 5, 0x00);
	assert_planes(e, 0x31, 0x55, 0x33, 0x0F, 0xFF);
}

static void test_chain4(void **state)
{
	struct vga_env *e = *state;
	vga_set_mode(e, &vga_mode_13);
	for (uint32_t i = 0; i < 8; i++)
		phys_write(&e->pm, A0000 + 0x1000 + i, 0x80 + i, 1);
	phys_write(&e->pm, A0000 + 0xFFFF, 0x77, 1);
	for (uint32_t i = 0; i < 8; i++)
		assert_int_equal(phys_read(&e->pm, A0000 + 0x1000 + i, 1), 0x80 + i);
	/* A dword access is four bytes, low first. */
	assert_int_equal(phys_read(&e->pm, A0000 + 0x1004, 4), 0x87868584u);
	/* Address bits 0-1 pick the plane; the plane offset keeps them clear. */
	assert_int_equal(e->vga.vram[0x1000], 0x83828180u);
	assert_int_equal(e->vga.vram[0x1004], 0x87868584u);
	assert_int_equal(e->vga.vram[0xFFFC] >> 24, 0x77);
	/* The map mask still applies. */
	seq_w(e, 2, 0x0E);
	phys_write(&e->pm, A0000 + 0x1000, 0x11, 1);
	phys_write(&e->pm, A0000 + 0x1001, 0x22, 1);
	assert_int_equal(phys_read(&e->pm, A0000 + 0x1000, 2), 0x2280);
	/* Only A0000-AFFFF decodes (memory map 1). */
	assert_int_equal(phys_read(&e->pm, 0xB8000, 1), 0xFF);
	phys_write(&e->pm, 0xB0000, 0x12, 1);
	assert_int_equal(phys_read(&e->pm, 0xA0000, 1), 0x00);
}

static void test_odd_even(void **state)
{
	struct vga_env *e = *state;
	/* Mode 3 at power-on: B8000 32K, even bytes to plane 0, odd to 1. */
	phys_write(&e->pm, 0xB8000, 0x0741, 2);
	phys_write(&e->pm, 0xB8002, 0x1E42, 2);
	assert_int_equal(e->vga.vram[0] & 0xFFFF, 0x0741);
	assert_int_equal(e->vga.vram[2] & 0xFFFF, 0x1E42);
	assert_int_equal(phys_read(&e->pm, 0xB8000, 4), 0x1E420741u);
	/* Plane 2 (the font) is not written: map mask 3. */
	assert_int_equal(e->vga.vram[0] >> 16, 0);
	/* With all planes enabled, even bytes go to planes 0 and 2, odd ones
	 * to 1 and 3. */
	seq_w(e, 2, 0x0F);
	phys_write(&e->pm, 0xB8010, 0x5AA5, 2);
	assert_int_equal(e->vga.vram[0x10], 0x5AA55AA5u);
	seq_w(e, 2, 0x03);
	/* Read map select bit 1 reads the plane 2/3 pair instead. */
	e->vga.vram[4] |= 0x12340000u;
	gc_w(e, 4, 0x02);
	assert_int_equal(phys_read(&e->pm, 0xB8004, 2), 0x1234);
	gc_w(e, 4, 0x00);
	/* Outside the 32 KiB window: nothing. */
	assert_int_equal(phys_read(&e->pm, 0xA0000, 1), 0xFF);
	assert_int_equal(phys_read(&e->pm, 0xB0000, 1), 0xFF);
	/* Memory map 0 decodes the whole 128 KiB; RAM disable turns it off. */
	gc_w(e, 6, 0x02);
	assert_int_equal(phys_read(&e->pm, 0xA0000, 2), 0x0741);
	outb(e, 0x3C2, 0x65);
	assert_int_equal(phys_read(&e->pm, 0xA0000, 2), 0xFFFF);
	phys_write(&e->pm, 0xA0000, 0x99, 1);
	outb(e, 0x3C2, 0x67);
	assert_int_equal(phys_read(&e->pm, 0xA0000, 2), 0x0741);
}

/* --- VBE ------------------------------------------------------------------- */

static void vbe_set(struct vga_env *e, uint16_t x, uint16_t y, uint16_t bpp, uint16_t flags)
{
	vbe_w(e, VBE_DISPI_INDEX_ENABLE, 0);
	vbe_w(e, VBE_DISPI_INDEX_XRES, x);
	vbe_w(e, VBE_DISPI_INDEX_YRES, y);
	vbe_w(e, VBE_DISPI_INDEX_BPP, bpp);
	vbe_w(e, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | flags);
}

static void test_vbe_registers(void **state)
{
	struct vga_env *e = *state;
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_ID), 0xB0C5);
	vbe_w(e, VBE_DISPI_INDEX_ID, 0xB0C2);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_ID), 0xB0C2);
	vbe_w(e, VBE_DISPI_INDEX_ID, 0xB0C6); /* not a version: ignored */
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_ID), 0xB0C2);
	assert_int_equal(inw(e, 0x1CE), VBE_DISPI_INDEX_ID);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_VIDEO_MEMORY_64K), 256);
	assert_int_equal(vbe_r(e, 0x55), 0);
	vbe_set(e, 1024, 768, 32, VBE_DISPI_LFB_ENABLED);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_XRES), 1024);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_YRES), 768);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_BPP), 32);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_ENABLE),
			 VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_VIRT_WIDTH), 1024);
	/* GETCAPS: the maximums, until ENABLE is written again. */
	vbe_w(e, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_GETCAPS);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_XRES), VBE_DISPI_MAX_XRES);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_YRES), VBE_DISPI_MAX_YRES);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_BPP), 32);
	vbe_w(e, VBE_DISPI_INDEX_ENABLE, 0);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_XRES), 1024);
	/* Byte access to the data port reaches the low byte. */
	outw(e, 0x1CE, VBE_DISPI_INDEX_BPP);
	outb(e, 0x1CF, 16);
	assert_int_equal(inb(e, 0x1CF), 16);
}

static void test_vbe_clamps(void **state)
{
	struct vga_env *e = *state;
	vbe_set(e, 0xFFFF, 0xFFFF, 32, 0);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_XRES), VBE_DISPI_MAX_XRES);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_YRES), VBE_DISPI_MAX_YRES);
	/* An unsupported depth is refused: the register keeps 32. */
	vbe_w(e, VBE_DISPI_INDEX_BPP, 33);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_BPP), 32);
	vbe_w(e, VBE_DISPI_INDEX_BPP, 0);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_BPP), 32);
	vbe_w(e, VBE_DISPI_INDEX_XRES, 0);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_XRES), 1);
	/* The biggest mode nearly fills the LFB: a virtual width of 2621
	 * pixels is all that 1600 lines leave room for, and no line to pan
	 * down into. */
	vbe_set(e, 2560, 1600, 32, 0);
	vbe_w(e, VBE_DISPI_INDEX_VIRT_WIDTH, 0xFFFF);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_VIRT_WIDTH), VGA_LFB_SIZE / 4 / 1600);
	vbe_w(e, VBE_DISPI_INDEX_Y_OFFSET, 0xFFFF);
	vbe_w(e, VBE_DISPI_INDEX_X_OFFSET, 0xFFFF);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_Y_OFFSET), 0);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_X_OFFSET), VGA_LFB_SIZE / 4 / 1600 - 2560);
	/* A smaller mode: the virtual screen and offsets stay in the LFB. */
	vbe_set(e, 800, 600, 32, 0);
	vbe_w(e, VBE_DISPI_INDEX_VIRT_WIDTH, 0xFFFF);
	uint32_t vw = vbe_r(e, VBE_DISPI_INDEX_VIRT_WIDTH);
	assert_true(vw >= 800 && (uint64_t)vw * 4 * 600 <= VGA_LFB_SIZE);
	vbe_w(e, VBE_DISPI_INDEX_VIRT_WIDTH, 100); /* below XRES */
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_VIRT_WIDTH), 800);
	vbe_w(e, VBE_DISPI_INDEX_Y_OFFSET, 0xFFFF);
	vbe_w(e, VBE_DISPI_INDEX_X_OFFSET, 0xFFFF);
	uint32_t yo = vbe_r(e, VBE_DISPI_INDEX_Y_OFFSET);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_X_OFFSET), 0);
	assert_int_equal(yo, VGA_LFB_SIZE / (800 * 4) - 600);
	vbe_w(e, VBE_DISPI_INDEX_VIRT_HEIGHT, 0xFFFF);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_VIRT_HEIGHT), VGA_LFB_SIZE / (800 * 4));
	/* The bank must lie in the LFB. */
	vbe_w(e, VBE_DISPI_INDEX_BANK, 255);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_BANK), 255);
	vbe_w(e, VBE_DISPI_INDEX_BANK, 256);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_BANK), 255);
	/* The frame at the clamped offset ends at the last whole line. */
	size_t last = (size_t)(VGA_LFB_SIZE / 3200) * 3200 - 4;
	e->vga.lfb[last] = 0x56;
	e->vga.lfb[last + 1] = 0x34;
	e->vga.lfb[last + 2] = 0x12;
	vga_frame(&e->vga, &e->frame);
	const uint32_t *px = e->frame.pixels;
	assert_int_equal(px[599 * 800 + 799], 0x123456);
}

static void test_vbe_lfb_frame(void **state)
{
	struct vga_env *e = *state;
	vbe_set(e, 1024, 768, 32, VBE_DISPI_LFB_ENABLED);
	/* The LFB is direct memory: writes land in the buffer and read back. */
	assert_non_null(phys_host_ptr_w(&e->pm, VGA_LFB_DEFAULT_BASE));
	phys_write(&e->pm, VGA_LFB_DEFAULT_BASE + (10 * 1024 + 20) * 4, 0x00ABCDEF, 4);
	assert_int_equal(phys_read(&e->pm, VGA_LFB_DEFAULT_BASE + (10 * 1024 + 20) * 4, 4),
			 0x00ABCDEF);
	phys_write(&e->pm, VGA_LFB_DEFAULT_BASE + (767 * 1024 + 1023) * 4, 0xFF102030u, 4);
	vga_frame(&e->vga, &e->frame);
	struct vga_frame *f = &e->frame;
	assert_int_equal(f->kind, VGA_FRAME_GRAPHICS);
	assert_int_equal(f->format, VGA_PIXEL_XRGB32);
	assert_int_equal(f->width, 1024);
	assert_int_equal(f->height, 768);
	const uint32_t *px = f->pixels;
	assert_int_equal(f->stride, 1024 * 4);
	assert_int_equal(px[10 * 1024 + 20], 0xABCDEF);
	assert_int_equal(px[767 * 1024 + 1023], 0x102030); /* top byte cleared */
	assert_int_equal(px[0], 0);
	/* Panning: the frame starts at (X_OFFSET, Y_OFFSET) of a virtual
	 * screen VIRT_WIDTH pixels wide. */
	vbe_w(e, VBE_DISPI_INDEX_Y_OFFSET, 10);
	vga_frame(&e->vga, &e->frame);
	px = f->pixels;
	assert_int_equal(px[20], 0xABCDEF);
	vbe_w(e, VBE_DISPI_INDEX_VIRT_WIDTH, 1100);
	vbe_w(e, VBE_DISPI_INDEX_Y_OFFSET, 0);
	vbe_w(e, VBE_DISPI_INDEX_X_OFFSET, 20);
	assert_int_equal(vbe_r(e, VBE_DISPI_INDEX_X_OFFSET), 20);
	phys_write(&e->pm, VGA_LFB_DEFAULT_BASE + (1100 + 20 + 5) * 4, 0x445566, 4);
	vga_frame(&e->vga, &e->frame);
	px = f->pixels;
	assert_int_equal(px[1024 + 5], 0x445566);
}

static void test_vbe_depths(void **state)
{
	struct vga_env *e = *state;
	uint8_t *lfb = e->vga.lfb;
	/* 16 bpp: 5-6-5. */
	vbe_set(e, 640, 480, 16, VBE_DISPI_NOCLEARMEM);
	phys_write(&e->pm, VGA_LFB_DEFAULT_BASE, 0xF800, 2);
	phys_write(&e->pm, VGA_LFB_DEFAULT_BASE + 2, 0x07E0, 2);
	phys_write(&e->pm, VGA_LFB_DEFAULT_BASE + 4, 0x001F, 2);
	vga_frame(&e->vga, &e->frame);
	const uint32_t *px = e->frame.pixels;
	assert_int_equal(px[0], 0xFF0000);
	assert_int_equal(px[1], 0x00FF00);
	assert_int_equal(px[2], 0x0000FF);
	/* 15 bpp: 5-5-5 (the same memory read another way). */
	vbe_set(e, 640, 480, 15, VBE_DISPI_NOCLEARMEM);
	phys_write(&e->pm, VGA_LFB_DEFAULT_BASE + 6, 0x7C00, 2);
	phys_write(&e->pm, VGA_LFB_DEFAULT_BASE + 8, 0x03E0, 2);
	vga_frame(&e->vga, &e->frame);
	px = e->frame.pixels;
	assert_int_equal(px[0], 0xF70000); /* 0xF800: red 30, green 0 */
	assert_int_equal(px[3], 0xFF0000);
	assert_int_equal(px[4], 0x00FF00);
	assert_int_equal(px[2], 0x0000FF);
	/* 24 bpp: B, G, R bytes. */
	vbe_set(e, 640, 480, 24, 0);
	assert_int_equal(lfb[1], 0); /* enabling without NOCLEARMEM clears */
	lfb[3] = 0x11, lfb[4] = 0x22, lfb[5] = 0x33;
	vga_frame(&e->vga, &e->frame);
	px = e->frame.pixels;
	assert_int_equal(px[1], 0x332211);
	/* 8 bpp: indexed through the DAC, 8-bit DAC on request. */
	vbe_set(e, 320, 200, 8, VBE_DISPI_8BIT_DAC);
	dac_w(e, 7, 0xFF, 0x80, 0x01);
	lfb[5] = 7;
	vga_frame(&e->vga, &e->frame);
	assert_int_equal(e->frame.format, VGA_PIXEL_INDEXED8);
	assert_int_equal(((const uint8_t *)e->frame.pixels)[5], 7);
	assert_int_equal(e->frame.palette[7], 0xFF8001);
	outb(e, 0x3C7, 7);
	assert_int_equal(inb(e, 0x3C9), 0xFF);
	/* Back to the 6-bit DAC: the entries are rescaled, the colours stay. */
	vbe_set(e, 320, 200, 8, 0);
	outb(e, 0x3C7, 7);
	assert_int_equal(inb(e, 0x3C9), 0x3F);
	assert_int_equal(inb(e, 0x3C9), 0x20);
	vga_frame(&e->vga, &e->frame);
	assert_int_equal(e->frame.palette[7], 0xFF8200);
	dac_w(e, 7, 0x3F, 0x20, 0x01);
	vga_frame(&e->vga, &e->frame);
	assert_int_equal(e->frame.palette[7], 0xFF8204);
}

static void test_vbe_banked_window(void **state)
{
	struct vga_env *e = *state;
	vbe_set(e, 800, 600, 8, 0);
	vbe_w(e, VBE_DISPI_INDEX_BANK, 3);
	phys_write(&e->pm, A0000 + 0x10, 0xBEEF, 2);
	assert_int_equal(e->vga.lfb[3 * 0x10000 + 0x10], 0xEF);
	assert_int_equal(phys_read(&e->pm, VGA_LFB_DEFAULT_BASE + 3 * 0x10000 + 0x10, 2), 0xBEEF);
	assert_int_equal(phys_read(&e->pm, A0000 + 0x11, 1), 0xBE);
	/* Only A0000-AFFFF: the rest of the window is empty in VBE modes. */
	assert_int_equal(phys_read(&e->pm, 0xB8000, 1), 0xFF);
	/* Disabling VBE gives the planes back. */
	vbe_w(e, VBE_DISPI_INDEX_ENABLE, 0);
	phys_write(&e->pm, 0xB8000, 0x41, 1);
	assert_int_equal(e->vga.vram[0] & 0xFF, 0x41);
}

static void test_vbe_move_lfb(void **state)
{
	struct vga_env *e = *state;
	e->vga.lfb[8] = 0x5A;
	assert_int_equal(vga_map_lfb(&e->vga, &e->pm, 0xF0000000u), 0);
	assert_int_equal(phys_read(&e->pm, 0xF0000008u, 1), 0x5A);
	assert_int_equal(phys_read(&e->pm, VGA_LFB_DEFAULT_BASE + 8, 1), 0xFF);
	/* Misaligned, or over guest RAM: refused, and left unmapped. */
	assert_int_equal(vga_map_lfb(&e->vga, &e->pm, 0xF0100000u), -1);
	assert_int_equal(vga_map_lfb(&e->vga, &e->pm, 0x00000000u), 0);
	assert_int_equal(phys_read(&e->pm, 0xF0000008u, 1), 0xFF);
	phys_mem_map_mmio(&e->pm, 0xE0000000u, 0x1000, NULL, NULL);
	assert_int_equal(vga_map_lfb(&e->vga, &e->pm, 0xE0000000u), -1);
	assert_int_equal(vga_map_lfb(&e->vga, &e->pm, VGA_LFB_DEFAULT_BASE + 0x1000000u), 0);
	assert_int_equal(phys_read(&e->pm, 0xE1000008u, 1), 0x5A);
}

/* --- robustness ------------------------------------------------------------- */

/* A small deterministic generator (xorshift). */
static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Random register values, window accesses and VBE settings, each followed
 * by a frame: the model must stay inside its buffers (run under the
 * sanitizer build too) and every frame must describe what it points to. */
static void test_random_programming(void **state)
{
	struct vga_env *e = *state;
	uint32_t s = 0x12345678;
	for (int round = 0; round < 3000; round++) {
		uint32_t r = rnd(&s);
		switch (r % 8) {
		case 0: seq_w(e, (uint8_t)(r >> 8) % 8, (uint8_t)(r >> 16)); break;
		case 1: gc_w(e, (uint8_t)(r >> 8) % 16, (uint8_t)(r >> 16)); break;
		case 2: crtc_w(e, (uint8_t)(r >> 8) % 32, (uint8_t)(r >> 16)); break;
		case 3: attr_w(e, (uint8_t)(r >> 8) % 32, (uint8_t)(r >> 16)); break;
		case 4: outb(e, 0x3C2, (uint8_t)(r >> 8) | 1); break;
		case 5: vbe_w(e, (uint16_t)((r >> 8) % 11), (uint16_t)(rnd(&s) >> 3)); break;
		case 6: phys_write(&e->pm, A0000 + (r >> 8) % 0x20000, rnd(&s), 1 + r % 4); break;
		default: phys_read(&e->pm, A0000 + (r >> 8) % 0x20000, 1 + (r >> 30)); break;
		}
		if (round % 4 == 0) {
			/* Keep the display on, so frames are drawn. */
			seq_w(e, 1, seq_r(e, 1) & ~0x20);
			inb(e, 0x3DA);
			outb(e, 0x3C0, 0x20);
		}
		e->clk.now_ns += 1000000;
		vga_frame(&e->vga, &e->frame);
		struct vga_frame *f = &e->frame;
		if (f->kind == VGA_FRAME_GRAPHICS && f->format == VGA_PIXEL_INDEXED8 &&
		    f->pixels != e->vga.pix8) {
			/* 8-bit VBE frames point into the LFB. */
			const uint8_t *p = f->pixels;
			assert_true(p >= e->vga.lfb && p + (f->height - 1) * f->stride + f->width <=
							       e->vga.lfb + VGA_LFB_SIZE);
		} else if (f->kind == VGA_FRAME_GRAPHICS && f->format == VGA_PIXEL_INDEXED8) {
			assert_true(f->width <= VGA_MAX_WIDTH && f->height <= VGA_MAX_HEIGHT);
		} else if (f->kind == VGA_FRAME_TEXT) {
			assert_true(f->width <= 256 && f->height <= VGA_MAX_HEIGHT);
			assert_true(f->char_height >= 1 && f->char_height <= 32);
		}
		if (round % 500 == 0 && f->kind == VGA_FRAME_TEXT) {
			uint32_t *img = calloc(
				(size_t)f->width * f->char_width * f->height * f->char_height, 4);
			assert_non_null(img);
			vga_text_render(f, img, (size_t)f->width * f->char_width);
			free(img);
		}
	}
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dac_write_read, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_attr_flipflop, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_io_address_select, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_index_masks, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_crtc_protect, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_retrace_timing, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_write_mode0, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_write_mode1, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_write_mode2, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_write_mode3, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_read_mode1, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_chain4, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_odd_even, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_vbe_registers, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_vbe_clamps, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_vbe_lfb_frame, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_vbe_depths, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_vbe_banked_window, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_vbe_move_lfb, vga_env_setup, vga_env_teardown),
		cmocka_unit_test_setup_teardown(test_random_programming, vga_env_setup, vga_env_teardown),
	};
	/* clang-format on */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
