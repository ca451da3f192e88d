; vga.asm: the VGA side of INT 10h: mode sets from register tables, the
; DAC palettes, loading fonts into plane 2, and the palette, font and
; information functions (AH = 00h, 0Bh, 10h, 11h, 12h, 1Ah).
;
; A mode set programs every VGA register from the mode's table (the values
; of the IBM VGA's standard modes), loads the DAC and, in text modes, the
; 8x16 font, clears the screen unless bit 7 of the mode asks not to, and
; fills in the video part of the BDA.

PORT_ATTR	equ 0x3C0
PORT_MISC_W	equ 0x3C2
PORT_DAC_MASK	equ 0x3C6
PORT_DAC_RIDX	equ 0x3C7
PORT_DAC_WIDX	equ 0x3C8
PORT_DAC_DATA	equ 0x3C9
PORT_CRTC	equ 0x3D4
PORT_STATUS1	equ 0x3DA

; Mode table entry layout.
MT_MODE		equ 0		; byte: mode number
MT_COLS		equ 1		; byte: text columns
MT_ROWS		equ 2		; byte: text rows - 1
MT_CHARH	equ 3		; byte: character height
MT_PAGESIZE	equ 4		; word: bytes per page
MT_KIND		equ 6		; byte: VK_* of the mode
MT_MISC		equ 7		; byte: misc output
MT_SEQ		equ 8		; 4 bytes: sequencer 1-4
MT_CRTC		equ 12		; 25 bytes: CRTC 0-18h
MT_GC		equ 37		; 9 bytes: graphics controller 0-8
MT_ATTR		equ 46		; 21 bytes: attribute controller 0-14h
MT_SIZE		equ 67

; MODE_ENTRY mode, cols, rows, charh, pagesize, kind, misc
%macro MODE_ENTRY 7
	db	%1, %2, %3 - 1, %4
	dw	%5
	db	%6, %7
%endmacro

vga_modes:
; Modes 0/1: 40x25 text, 9x16 cells (360x400).
	MODE_ENTRY 0x01, 40, 25, 16, 0x0800, VK_TEXT, 0x67
	db	0x08, 0x03, 0x00, 0x02
	db	0x2D, 0x27, 0x28, 0x90, 0x2B, 0xA0, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E
	db	0x00, 0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x14, 0x1F, 0x96, 0xB9, 0xA3
	db	0xFF
	db	0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF
	db	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A, 0x3B
	db	0x3C, 0x3D, 0x3E, 0x3F, 0x0C, 0x00, 0x0F, 0x08, 0x00
; Modes 2/3: 80x25 text, 9x16 cells (720x400).
	MODE_ENTRY 0x03, 80, 25, 16, 0x1000, VK_TEXT, 0x67
	db	0x00, 0x03, 0x00, 0x02
	db	0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E
	db	0x00, 0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3
	db	0xFF
	db	0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF
	db	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A, 0x3B
	db	0x3C, 0x3D, 0x3E, 0x3F, 0x0C, 0x00, 0x0F, 0x08, 0x00
; Mode 12h: 640x480, 16 colours, four planes; 80x30 characters of 8x16.
	MODE_ENTRY 0x12, 80, 30, 16, 0xA000, VK_PLANAR, 0xE3
	db	0x01, 0x0F, 0x00, 0x06
	db	0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0x0B, 0x3E, 0x00, 0x40, 0x00, 0x00
	db	0x00, 0x00, 0x00, 0x00, 0xEA, 0x8C, 0xDF, 0x28, 0x00, 0xE7, 0x04, 0xE3
	db	0xFF
	db	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0F, 0xFF
	db	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A, 0x3B
	db	0x3C, 0x3D, 0x3E, 0x3F, 0x01, 0x00, 0x0F, 0x00, 0x00
; Mode 13h: 320x200, 256 colours, chained; 40x25 characters of 8x8.
	MODE_ENTRY 0x13, 40, 25, 8, 0xFA00, VK_LINEAR, 0x63
	db	0x01, 0x0F, 0x00, 0x0E
	db	0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0x41, 0x00, 0x00
	db	0x00, 0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x40, 0x96, 0xB9, 0xA3
	db	0xFF
	db	0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0F, 0xFF
	db	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B
	db	0x0C, 0x0D, 0x0E, 0x0F, 0x41, 0x00, 0x0F, 0x00, 0x00
vga_modes_end:

; find_mode: SI = the table entry of mode AL (0 and 2 share 1's and 3's),
; CF set when popek's BIOS has no such mode.
find_mode:
	push	ax
	cmp	al, 0x00
	jne	.not0
	mov	al, 0x01
.not0:
	cmp	al, 0x02
	jne	.not2
	mov	al, 0x03
.not2:
	mov	si, vga_modes
.next:
	cmp	[cs:si + MT_MODE], al
	je	.found
	add	si, MT_SIZE
	cmp	si, vga_modes_end
	jb	.next
	pop	ax
	stc
	ret
.found:
	pop	ax
	clc
	ret

; vid_set_mode (00h): AL = mode, bit 7: keep the video memory.
vid_set_mode:
	call	set_mode
	jmp	int10_done

; set_mode: the work of 00h. AL = mode (bit 7: no clear). CF set (nothing
; changed) for a mode the BIOS lacks. Keeps every register.
set_mode:
	pushad
	push	ds
	push	es
	mov	bl, al			; BL = mode with the no-clear bit
	and	al, 0x7F
	call	find_mode
	jc	.fail
	call	vbe_disable
	call	vga_program		; registers from CS:SI
	; The DAC: the 256-colour palette for 13h, else the EGA colours.
	mov	al, 0xFF
	mov	dx, PORT_DAC_MASK
	out	dx, al
	cmp	byte [cs:si + MT_KIND], VK_LINEAR
	je	.pal256
	call	dac_load_ega
	jmp	.pal_done
.pal256:
	call	dac_load_256
.pal_done:
	; Fonts: text modes get the 8x16 font in plane 2.
	cmp	byte [cs:si + MT_KIND], VK_TEXT
	jne	.font_done
	push	si
	push	bx
	mov	bp, font8x16
	push	cs
	pop	es
	mov	cx, 256
	xor	dx, dx
	mov	bx, 0x1000		; block 0, 16 bytes per character
	call	load_font
	pop	bx
	pop	si
.font_done:
	; The BDA.
	call	bda_ds
	mov	al, bl
	and	al, 0x7F
	mov	[BDA_VMODE], al
	movzx	ax, byte [cs:si + MT_COLS]
	mov	[BDA_VCOLS], ax
	mov	al, [cs:si + MT_ROWS]
	mov	[BDA_VROWS], al
	movzx	ax, byte [cs:si + MT_CHARH]
	mov	[BDA_VCHARH], ax
	mov	ax, [cs:si + MT_PAGESIZE]
	mov	[BDA_VPAGESIZE], ax
	mov	word [BDA_VPAGESTART], 0
	mov	byte [BDA_VPAGE], 0
	mov	word [BDA_CRTC], PORT_CRTC
	mov	word [BDA_CURSHAPE], 0x0607
	mov	al, bl
	and	al, 0x80
	or	al, 0x60
	mov	[BDA_VOPTIONS], al
	mov	byte [BDA_VSWITCHES], 0x09
	mov	byte [BDA_VGAFLAGS], 0x51	; VGA active, 400-line text
	mov	byte [BDA_VDCC], 0x0B
	mov	al, 0x29
	cmp	byte [cs:si + MT_COLS], 80
	je	.ctl
	mov	al, 0x28
.ctl:
	mov	[BDA_VMODECTL], al
	mov	byte [BDA_VPALETTE], 0x30
	push	es
	push	ds
	pop	es
	mov	di, BDA_CURSOR
	xor	ax, ax
	mov	cx, 8
	rep	stosw			; every page's cursor at 0,0
	pop	es
	; INT 43h: the graphics font of the mode; INT 1Fh: the upper half of
	; the 8x8 font.
	xor	ax, ax
	mov	ds, ax
	mov	ax, font8x8
	cmp	byte [cs:si + MT_CHARH], 16
	jne	.int43
	cmp	byte [cs:si + MT_KIND], VK_TEXT
	je	.int43
	mov	ax, font8x16
.int43:
	mov	word [0x43 * 4], ax
	mov	word [0x43 * 4 + 2], cs
	mov	word [0x1F * 4], font8x8 + 128 * 8
	mov	word [0x1F * 4 + 2], cs
	; Clear the video memory.
	test	bl, 0x80
	jnz	.done
	cmp	byte [cs:si + MT_KIND], VK_TEXT
	jne	.clear_gfx
	push	word TEXT_SEG
	pop	es
	xor	di, di
	mov	ax, 0x0720
	mov	cx, 0x4000
	rep	stosw
	jmp	.done
.clear_gfx:
	mov	dx, PORT_SEQ
	mov	ax, 0x0F02
	out	dx, ax			; all planes
	push	word GFX_SEG
	pop	es
	xor	di, di
	xor	eax, eax
	mov	cx, 0x4000
	rep	stosd
.done:
	pop	es
	pop	ds
	popad
	clc
	ret
.fail:
	pop	es
	pop	ds
	popad
	stc
	ret

; vga_program: loads the registers from the table entry at CS:SI. The
; screen is off (attribute controller) while the sequencer is in reset.
vga_program:
	pusha
	mov	dx, PORT_STATUS1
	in	al, dx			; the attribute flip-flop to "index"
	mov	dx, PORT_ATTR
	xor	al, al
	out	dx, al			; palette address source off: screen blank
	mov	dx, PORT_SEQ
	mov	ax, 0x0100
	out	dx, ax			; synchronous reset
	mov	dx, PORT_MISC_W
	mov	al, [cs:si + MT_MISC]
	out	dx, al
	mov	dx, PORT_SEQ
	mov	cx, 4
	mov	bx, MT_SEQ
	mov	ah, 1
.seq:
	mov	al, ah
	out	dx, al
	inc	dx
	mov	al, [cs:si + bx]
	out	dx, al
	dec	dx
	inc	bx
	inc	ah
	loop	.seq
	mov	ax, 0x0300
	out	dx, ax			; out of reset
	; CRTC: unprotect registers 0-7 first.
	mov	dx, PORT_CRTC
	mov	al, 0x11
	mov	ah, [cs:si + MT_CRTC + 0x11]
	and	ah, 0x7F
	out	dx, ax
	xor	ax, ax
	mov	bx, MT_CRTC
	mov	cx, 25
.crtc:
	mov	ah, [cs:si + bx]
	out	dx, ax
	inc	bx
	inc	al
	loop	.crtc
	mov	dx, PORT_GC
	xor	al, al
	mov	bx, MT_GC
	mov	cx, 9
.gc:
	mov	ah, [cs:si + bx]
	out	dx, ax
	inc	bx
	inc	al
	loop	.gc
	mov	dx, PORT_STATUS1
	in	al, dx
	mov	dx, PORT_ATTR
	xor	ah, ah
	mov	bx, MT_ATTR
	mov	cx, 21
.attr:
	mov	al, ah
	out	dx, al
	mov	al, [cs:si + bx]
	out	dx, al
	inc	bx
	inc	ah
	loop	.attr
	mov	al, 0x20
	out	dx, al			; palette address source on: screen on
	popa
	ret

; --- the DAC ------------------------------------------------------------------------
; dac_ega_rgb: AL = an EGA colour (rgbRGB bits) -> BL, BH, CL = its red,
; green, blue in 6 bits. Clobbers nothing else.
dac_ega_rgb:
	push	ax
	xor	bx, bx
	xor	cl, cl
	test	al, 0x04
	jz	.r1
	add	bl, 0x2A
.r1:
	test	al, 0x20
	jz	.g0
	add	bl, 0x15
.g0:
	test	al, 0x02
	jz	.g1
	add	bh, 0x2A
.g1:
	test	al, 0x10
	jz	.b0
	add	bh, 0x15
.b0:
	test	al, 0x01
	jz	.b1
	add	cl, 0x2A
.b1:
	test	al, 0x08
	jz	.done
	add	cl, 0x15
.done:
	pop	ax
	ret

; dac_put: the next DAC entry (after PORT_DAC_WIDX) = BL, BH, CL.
dac_put:
	push	ax
	push	dx
	mov	dx, PORT_DAC_DATA
	mov	al, bl
	out	dx, al
	mov	al, bh
	out	dx, al
	mov	al, cl
	out	dx, al
	pop	dx
	pop	ax
	ret

; dac_load_ega: entries 0-63 = the 64 EGA colours, 64-255 black.
dac_load_ega:
	pusha
	mov	dx, PORT_DAC_WIDX
	xor	al, al
	out	dx, al
.ega:
	call	dac_ega_rgb
	call	dac_put
	inc	al
	cmp	al, 64
	jb	.ega
	xor	bx, bx
	xor	cl, cl
.black:
	call	dac_put
	inc	al
	jnz	.black
	popa
	ret

; The 16 text colours as EGA colours (what the attribute palette holds).
cga_colours:	db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07
		db 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F
grey_ramp:	db 0x00, 0x05, 0x08, 0x0B, 0x0E, 0x11, 0x14, 0x18
		db 0x1C, 0x20, 0x24, 0x28, 0x2D, 0x32, 0x38, 0x3F
; The colour wheel of entries 32-247: 24 hues, each component a level
; 0-4 between a group's minimum and maximum.
hue_levels:	db 0,0,4, 1,0,4, 2,0,4, 3,0,4, 4,0,4, 4,0,3, 4,0,2, 4,0,1
		db 4,0,0, 4,1,0, 4,2,0, 4,3,0, 4,4,0, 3,4,0, 2,4,0, 1,4,0
		db 0,4,0, 0,4,1, 0,4,2, 0,4,3, 0,4,4, 0,3,4, 0,2,4, 0,1,4
; Nine groups: (maximum, minimum): three intensities by three saturations.
hue_groups:	db 0x3F,0x00, 0x3F,0x1F, 0x3F,0x2D, 0x1C,0x00, 0x1C,0x0E, 0x1C,0x14
		db 0x10,0x00, 0x10,0x08, 0x10,0x0B

; dac_load_256: the default palette of mode 13h: the 16 text colours, a
; grey ramp, nine groups of 24 hues, and black.
dac_load_256:
	pusha
	mov	dx, PORT_DAC_WIDX
	xor	al, al
	out	dx, al
	xor	si, si
.cga:
	mov	al, [cs:cga_colours + si]
	call	dac_ega_rgb
	call	dac_put
	inc	si
	cmp	si, 16
	jb	.cga
	xor	si, si
.grey:
	mov	bl, [cs:grey_ramp + si]
	mov	bh, bl
	mov	cl, bl
	call	dac_put
	inc	si
	cmp	si, 16
	jb	.grey
	xor	di, di			; group * 2
.group:
	xor	si, si			; hue * 3
.hue:
	mov	al, [cs:hue_levels + si]
	call	hue_value
	mov	bl, al
	mov	al, [cs:hue_levels + si + 1]
	call	hue_value
	mov	bh, al
	mov	al, [cs:hue_levels + si + 2]
	call	hue_value
	mov	cl, al
	call	dac_put
	add	si, 3
	cmp	si, 72
	jb	.hue
	add	di, 2
	cmp	di, 18
	jb	.group
	xor	bx, bx
	xor	cl, cl
	mov	si, 8
.black:
	call	dac_put
	dec	si
	jnz	.black
	popa
	ret

; hue_value: AL = level 0-4 of group DI -> AL = min + level * (max - min) / 4.
hue_value:
	push	dx
	mov	dl, [cs:hue_groups + di]	; max
	mov	dh, [cs:hue_groups + di + 1]	; min
	sub	dl, dh
	mul	dl
	shr	ax, 2
	add	al, dh
	pop	dx
	ret

; --- fonts ---------------------------------------------------------------------------
; font_access_begin / font_access_end: map plane 2 at A000 for loading
; glyphs, and back to the text mode mapping.
font_access_begin:
	push	ax
	push	dx
	mov	dx, PORT_SEQ
	mov	ax, 0x0402
	out	dx, ax			; write plane 2 only
	mov	ax, 0x0704
	out	dx, ax			; sequential addressing
	mov	dx, PORT_GC
	mov	ax, 0x0204
	out	dx, ax			; read plane 2
	mov	ax, 0x0005
	out	dx, ax
	mov	ax, 0x0406
	out	dx, ax			; A000-AFFFF, no odd/even
	pop	dx
	pop	ax
	ret
font_access_end:
	push	ax
	push	dx
	mov	dx, PORT_SEQ
	mov	ax, 0x0302
	out	dx, ax
	mov	ax, 0x0204
	out	dx, ax
	mov	dx, PORT_GC
	mov	ax, 0x0004
	out	dx, ax
	mov	ax, 0x1005
	out	dx, ax
	mov	ax, 0x0E06
	out	dx, ax
	pop	dx
	pop	ax
	ret

; load_font: CX glyphs of BH bytes from ES:BP into character block BL
; (0-7), starting at character DX. Keeps every register.
load_font:
	pushad
	push	ds
	push	es
	call	font_access_begin
	; Block base: blocks 0-3 at 16 KiB steps, 4-7 8 KiB above them.
	movzx	di, bl
	and	di, 7
	mov	ax, di
	and	di, 3
	shl	di, 14
	test	al, 4
	jz	.base
	add	di, 0x2000
.base:
	and	dx, 0xFF
	shl	dx, 5
	add	di, dx			; first character
	push	es
	pop	ds
	mov	si, bp
	push	word GFX_SEG
	pop	es
	movzx	dx, bh
	cmp	dx, 32
	jbe	.count
	mov	dx, 32
.count:
	jcxz	.done
	cmp	cx, 256
	jbe	.glyph
	mov	cx, 256
.glyph:
	push	cx
	push	di
	mov	cx, dx
	rep	movsb			; the glyph's lines
	mov	cx, 32
	sub	cx, dx
	xor	al, al
	rep	stosb			; blank lines below it
	pop	di
	pop	cx
	add	di, 32
	loop	.glyph
.done:
	call	font_access_end
	pop	es
	pop	ds
	popad
	ret

; font_recalc: after a font of BH lines was loaded in a text mode: the
; character height, rows, page size and cursor follow it (400 scan lines).
font_recalc:
	pusha
	push	ds
	call	vid_kind
	cmp	al, VK_TEXT
	jne	.done
	call	bda_ds
	movzx	cx, bh
	test	cx, cx
	jz	.done
	cmp	cx, 32
	ja	.done
	mov	[BDA_VCHARH], cx
	mov	dx, PORT_CRTC
	mov	al, 0x09
	out	dx, al
	inc	dx
	in	al, dx
	and	al, 0xE0
	or	al, bh
	dec	al
	out	dx, al			; maximum scan line
	dec	dx
	mov	ax, 400
	xor	dx, dx
	div	cx
	dec	al
	mov	[BDA_VROWS], al
	inc	al
	mul	byte [BDA_VCOLS]
	shl	ax, 1
	add	ax, 0xFF
	xor	al, al
	mov	[BDA_VPAGESIZE], ax
	; An underline cursor on the last two lines.
	mov	ah, bh
	sub	ah, 2
	mov	al, bh
	dec	al
	mov	[BDA_CURSHAPE], ax
	mov	bx, ax
	mov	dx, PORT_CRTC
	mov	al, 0x0A
	mov	ah, bh
	out	dx, ax
	mov	al, 0x0B
	mov	ah, bl
	out	dx, ax
.done:
	pop	ds
	popa
	ret

; vid_font (11h): character generator functions.
;   00/10  load ES:BP: CX glyphs of BH bytes at DX into block BL
;   01/11  load the 8x14 font, 02/12 the 8x8, 04/14 the 8x16, into block BL
;   03     select the blocks: BL -> sequencer register 3
;   1x     as 0x, then the text geometry follows the new height
;   20     INT 1Fh = ES:BP;  21 INT 43h = ES:BP (CX = height)
;   22/23/24  INT 43h = the ROM 8x14 / 8x8 / 8x16 font
;   30     information: BH = which font -> ES:BP, CX = height, DL = rows-1
vid_font:
	mov	ah, al
	and	ah, 0x0F
	cmp	al, 0x20
	jae	.pointers
	cmp	ah, 0x03
	je	.select
	cmp	ah, 0x00
	je	.user
	push	cs
	pop	es
	mov	cx, 256
	xor	dx, dx
	mov	bp, font8x14
	mov	bh, 14
	cmp	ah, 0x01
	je	.load
	mov	bp, font8x8
	mov	bh, 8
	cmp	ah, 0x02
	je	.load
	mov	bp, font8x16
	mov	bh, 16
	cmp	ah, 0x04
	je	.load
	jmp	.done
.user:
	mov	bp, [bp + F_BP]		; the caller's BP: the table
.load:
	call	load_font
	test	al, 0x10
	jz	.done
	call	font_recalc
	jmp	.done
.select:
	mov	dx, PORT_SEQ
	mov	al, 0x03
	mov	ah, bl
	out	dx, ax
	jmp	.done
.pointers:
	xor	ax, ax
	mov	ds, ax
	mov	al, [bp + F_AL]
	cmp	al, 0x20
	je	.set1f
	cmp	al, 0x21
	je	.set43_user
	mov	si, font8x14
	mov	cx, 14
	cmp	al, 0x22
	je	.set43
	mov	si, font8x8
	mov	cx, 8
	cmp	al, 0x23
	je	.set43
	mov	si, font8x16
	mov	cx, 16
	cmp	al, 0x24
	je	.set43
	cmp	al, 0x30
	je	.info
	jmp	.done
.set1f:
	mov	ax, [bp + F_BP]
	mov	[0x1F * 4], ax
	mov	[0x1F * 4 + 2], es
	jmp	.done
.set43_user:
	mov	ax, [bp + F_BP]
	mov	[0x43 * 4], ax
	mov	[0x43 * 4 + 2], es
	jmp	.height
.set43:
	mov	[0x43 * 4], si
	mov	[0x43 * 4 + 2], cs
.height:
	call	bda_ds
	mov	[BDA_VCHARH], cx
	jmp	.done
.info:
	mov	al, bh
	cmp	al, 0
	jne	.i1
	les	si, [0x1F * 4]
	jmp	.ret_ptr
.i1:
	cmp	al, 1
	jne	.i2
	les	si, [0x43 * 4]
	jmp	.ret_ptr
.i2:
	push	cs
	pop	es
	mov	si, font8x14
	cmp	al, 2
	je	.ret_ptr
	mov	si, font8x8
	cmp	al, 3
	je	.ret_ptr
	mov	si, font8x8 + 128 * 8
	cmp	al, 4
	je	.ret_ptr
	mov	si, font8x16
	cmp	al, 6
	je	.ret_ptr
	mov	si, font_alt_none	; 5, 7: no 9-dot alternates
.ret_ptr:
	mov	[bp + F_BP], si
	mov	[bp + F_ES], es
	call	bda_ds
	mov	ax, [BDA_VCHARH]
	mov	[bp + F_CX], ax
	mov	al, [BDA_VROWS]
	mov	[bp + F_DL], al
.done:
	jmp	int10_done

; The palette functions (AH=10h).
%include "vga_palette.asm"
