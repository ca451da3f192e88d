; textscreen.asm: a known VGA text screen for the headless outputs
; (--dump-text, --screenshot, --display text). With no VGA BIOS, the VGA
; is in its power-on text mode 3 (80x25, 9x16 character box) with an empty
; font, so the guest loads glyphs for the characters it wants drawn into
; plane 2 with the standard font-load sequence (sequencer map mask and
; memory mode, graphics controller read map, mode and misc), checks one
; byte back, restores text mode and writes the screen at 0xB8000: a
; title bar, a double-line box, code page 437 specials, the 16 colours, a
; blinking word, a row with trailing blanks, the last row and the cursor.
; tests/frontend/textscreen.txt is the expected text dump.
%include "guest.inc"

VGA_SEQ		equ 0x3C4
VGA_GC		equ 0x3CE
VGA_CRTC	equ 0x3D4

; ROWCOL r, c: the offset of cell (r, c) in the text buffer.
%define ROWCOL(r, c) ((r) * 160 + (c) * 2)

start:
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP

	; --- the font: plane 2, 32 bytes a character ------------------------
	mov	dx, VGA_SEQ
	mov	ax, 0x0100		; synchronous reset
	out	dx, ax
	mov	ax, 0x0402		; map mask: plane 2 only
	out	dx, ax
	mov	ax, 0x0704		; memory mode: sequential, no odd/even
	out	dx, ax
	mov	ax, 0x0300		; end of reset
	out	dx, ax
	mov	dx, VGA_GC
	mov	ax, 0x0204		; read map select: plane 2
	out	dx, ax
	mov	ax, 0x0005		; write mode 0, no odd/even
	out	dx, ax
	mov	ax, 0x0406		; memory map A0000-AFFFF, no chaining
	out	dx, ax

	mov	ax, 0xA000
	mov	es, ax
	mov	si, glyphs
.glyph:	mov	al, [cs:si]		; character code; 0 ends the table
	test	al, al
	jz	.glyphs_done
	xor	ah, ah
	shl	ax, 5
	mov	di, ax
	inc	si
	mov	cx, 16
.row:	mov	al, [cs:si]
	mov	[es:di], al
	inc	si
	inc	di
	loop	.row
	jmp	.glyph
.glyphs_done:
	; Read back row 6 of 'H' through read map 2.
	CHECK16	byte [es:'H' * 32 + 6], 0x7E, 0x01

	mov	dx, VGA_SEQ
	mov	ax, 0x0100
	out	dx, ax
	mov	ax, 0x0302		; map mask: planes 0 and 1
	out	dx, ax
	mov	ax, 0x0304		; memory mode: odd/even, extended memory
	out	dx, ax
	mov	ax, 0x0300
	out	dx, ax
	mov	dx, VGA_GC
	mov	ax, 0x0004		; read map 0
	out	dx, ax
	mov	ax, 0x1005		; odd/even
	out	dx, ax
	mov	ax, 0x0E06		; memory map B8000-BFFFF, chained, text
	out	dx, ax

	; --- the text ---------------------------------------------------------
	mov	ax, 0xB800
	mov	es, ax
	cld
	; Title bar: white on blue across the whole row.
	mov	di, ROWCOL(0, 0)
	mov	ax, 0x1F20
	mov	cx, 80
	rep	stosw
	mov	di, ROWCOL(0, 1)
	mov	ah, 0x1F
	mov	si, s_title
	call	puttext

	; A double-line box, bright cyan on blue, with yellow text inside.
	mov	di, ROWCOL(2, 2)
	mov	ax, 0x1BC9		; top left
	stosw
	mov	al, 0xCD		; horizontal
	mov	cx, 20
	rep	stosw
	mov	al, 0xBB		; top right
	stosw
	mov	di, ROWCOL(3, 2)
	mov	al, 0xBA		; vertical
	stosw
	mov	ax, 0x1E20
	mov	cx, 20
	rep	stosw
	mov	ax, 0x1BBA
	stosw
	mov	di, ROWCOL(3, 3)
	mov	ah, 0x1E
	mov	si, s_hello
	call	puttext
	mov	di, ROWCOL(4, 2)
	mov	ax, 0x1BC8		; bottom left
	stosw
	mov	al, 0xCD
	mov	cx, 20
	rep	stosw
	mov	al, 0xBC		; bottom right
	stosw

	; Code page 437 beyond ASCII, grey on black.
	mov	di, ROWCOL(6, 0)
	mov	ah, 0x07
	mov	si, s_cp437
	call	puttext

	; The 16 foreground colours as full blocks, then the 8 backgrounds.
	mov	di, ROWCOL(8, 0)
	mov	ax, 0x00DB
.fg:	stosw
	inc	ah
	cmp	ah, 16
	jb	.fg
	mov	di, ROWCOL(8, 17)
	mov	ax, 0x0F2A		; '*', white on black, then on each colour
.bg:	stosw
	add	ah, 0x10
	cmp	ah, 0x8F
	jb	.bg

	; Blinking yellow on black.
	mov	di, ROWCOL(10, 0)
	mov	ah, 0x8E
	mov	si, s_blink
	call	puttext

	; Text followed by blanks on a grey background: a dump trims them.
	mov	di, ROWCOL(12, 0)
	mov	ah, 0x07
	mov	si, s_trail
	call	puttext
	mov	ax, 0x7020
	mov	cx, 10
	rep	stosw

	; The last row, with a cell in the last column.
	mov	di, ROWCOL(24, 0)
	mov	ah, 0x07
	mov	si, s_last
	call	puttext
	mov	di, ROWCOL(24, 79)
	mov	ax, 0x4F3E		; '>', white on red
	stosw

	; The cursor after "Hello, VGA!".
	mov	dx, VGA_CRTC
	mov	ax, ((3 * 80 + 14) & 0xFF00) | 0x0E
	out	dx, ax
	mov	ax, (((3 * 80 + 14) & 0xFF) << 8) | 0x0F
	out	dx, ax

	PUTS16	msg_done
	EXIT	0

; puttext: writes the NUL-terminated CP437 string at CS:SI to ES:DI with
; attribute AH. Clobbers AL, SI; DI ends after the string.
puttext:
	mov	al, [cs:si]
	test	al, al
	jz	.done
	stosw
	inc	si
	jmp	puttext
.done:
	ret

s_title:	db "popek text screen test", 0
s_hello:	db "Hello, VGA!", 0
s_cp437:	db "CP437: ", 0x81, " ", 0x82, " ", 0xA4, " ", 0xE1, " ", 0xAB, " ", 0xF8
		db " ", 0xF1, " ", 0xF2, " ", 0xE3, " ", 0xE4, " ", 0xEC, " ", 0xFB
		db " ", 0xB0, 0xB1, 0xB2, 0xDB, " ", 0x01, " ", 0x03, " ", 0x0D
		db " ", 0x1A, " ", 0x1B, " ", 0x7F, " ", 0xC4, 0xB3, 0xDA, 0xD9, 0
s_blink:	db "Blinking", 0
s_trail:	db "trailing blanks", 0
s_last:		db "last row", 0
msg_done:	db "text screen written", 10, 0

; Glyphs: the character code, then 16 rows of 8 dots (bit 7 leftmost) for
; the 9x16 box. The double-line pieces have their lines on rows 6 and 9
; and columns 2 and 5; 0xC0-0xDF get a ninth column copied from the
; eighth, so horizontal lines join up.
glyphs:
	db 0xC9				; top left corner
	db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3F, 0x20
	db 0x20, 0x27, 0x24, 0x24, 0x24, 0x24, 0x24, 0x24
	db 0xBB				; top right corner
	db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFC, 0x04
	db 0x04, 0xE4, 0x24, 0x24, 0x24, 0x24, 0x24, 0x24
	db 0xC8				; bottom left corner
	db 0x24, 0x24, 0x24, 0x24, 0x24, 0x24, 0x27, 0x20
	db 0x20, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
	db 0xBC				; bottom right corner
	db 0x24, 0x24, 0x24, 0x24, 0x24, 0x24, 0xE4, 0x04
	db 0x04, 0xFC, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
	db 0xCD				; horizontal
	db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0x00
	db 0x00, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
	db 0xBA				; vertical
	times 16 db 0x24
	db 0xDB				; full block
	times 16 db 0xFF
	db 'H'
	db 0x00, 0x00, 0x66, 0x66, 0x66, 0x66, 0x7E, 0x66
	db 0x66, 0x66, 0x66, 0x66, 0x00, 0x00, 0x00, 0x00
	db 'e'
	db 0x00, 0x00, 0x00, 0x00, 0x00, 0x3C, 0x66, 0x7E
	db 0x60, 0x60, 0x66, 0x3C, 0x00, 0x00, 0x00, 0x00
	db 'l'
	db 0x00, 0x00, 0x38, 0x18, 0x18, 0x18, 0x18, 0x18
	db 0x18, 0x18, 0x18, 0x3C, 0x00, 0x00, 0x00, 0x00
	db 'o'
	db 0x00, 0x00, 0x00, 0x00, 0x00, 0x3C, 0x66, 0x66
	db 0x66, 0x66, 0x66, 0x3C, 0x00, 0x00, 0x00, 0x00
	db ','
	db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
	db 0x00, 0x00, 0x18, 0x18, 0x30, 0x00, 0x00, 0x00
	db 'V'
	db 0x00, 0x00, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66
	db 0x66, 0x3C, 0x3C, 0x18, 0x00, 0x00, 0x00, 0x00
	db 'G'
	db 0x00, 0x00, 0x3C, 0x66, 0x60, 0x60, 0x6E, 0x66
	db 0x66, 0x66, 0x66, 0x3E, 0x00, 0x00, 0x00, 0x00
	db 'A'
	db 0x00, 0x00, 0x18, 0x3C, 0x66, 0x66, 0x66, 0x7E
	db 0x66, 0x66, 0x66, 0x66, 0x00, 0x00, 0x00, 0x00
	db '!'
	db 0x00, 0x00, 0x18, 0x18, 0x18, 0x18, 0x18, 0x18
	db 0x18, 0x00, 0x18, 0x18, 0x00, 0x00, 0x00, 0x00
	db 0
