; gfx13h.asm: a known 320x200x256 picture for --screenshot. Programs VGA
; mode 13h register by register (the tables of vga_pci.asm), loads DAC
; entries 0-31 (16 colours, then a grey ramp), and draws 16 vertical bars
; of 20 pixels in colours 0-15 on the top 100 lines, 12 bands of 8 lines
; in the greys 16-27 below them, and a white pixel in two corners.
; tests/frontend/gfx13h.png is the expected screenshot; headless_test.sh
; also checks single pixels against the colours loaded here.
%include "guest.inc"

start:
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP

	; --- mode 13h ---------------------------------------------------------
	call	set_mode13h

	; --- the DAC: 16 colours from the table, then 16 greys ----------------
	mov	dx, 0x3C8
	xor	al, al
	out	dx, al
	inc	dx			; 0x3C9: r, g, b, r, g, b...
	mov	si, dac_16
	mov	cx, 16 * 3
.dac:	mov	al, [cs:si]
	out	dx, al
	inc	si
	loop	.dac
	xor	al, al			; grey k (k = 0..15) = 4k
.grey:	out	dx, al
	out	dx, al
	out	dx, al
	add	al, 4
	cmp	al, 64
	jb	.grey

	; --- the picture ------------------------------------------------------
	mov	ax, 0xA000
	mov	es, ax
	cld
	xor	di, di
	mov	dx, 100			; top half: the 16 bars
.bars:	xor	al, al
.bar:	mov	cx, 20
	rep	stosb
	inc	al
	cmp	al, 16
	jb	.bar
	dec	dx
	jnz	.bars
	mov	al, 16			; then 12 bands of 8 lines: greys 16-27
.band:	mov	cx, 320 * 8
	rep	stosb
	inc	al
	cmp	al, 28
	jb	.band
	xor	al, al			; the last 4 lines black
	mov	cx, 320 * 4
	rep	stosb
	mov	byte [es:0], 15
	mov	byte [es:320 * 200 - 1], 15

	PUTS16	msg_done
	EXIT	0

%include "vga13h.inc"

; DAC entries 0-15: 6-bit r, g, b.
dac_16:		db  0,  0,  0,   63,  0,  0,    0, 63,  0,    0,  0, 63
		db 63, 63,  0,   63,  0, 63,    0, 63, 63,   32, 32, 32
		db 16,  8,  4,   40, 20, 10,   10, 40, 20,   20, 10, 40
		db 63, 32,  0,    0, 32, 63,   32, 63,  0,   63, 63, 63
msg_done:	db "mode 13h picture drawn", 10, 0
