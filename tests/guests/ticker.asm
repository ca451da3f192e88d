; ticker.asm: a text screen that never stops changing, for the terminal
; display's repaint limit (--display text repaints at most 30 times a
; second of host time, however often the guest writes). Writes a title,
; then counts forever, showing the count in hex on row 2; the run ends
; through --timeout.
%include "guest.inc"

start:
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	mov	ax, 0xB800
	mov	es, ax
	cld
	xor	di, di
	mov	si, s_title
	mov	ah, 0x0F
.title:	mov	al, [cs:si]
	test	al, al
	jz	.count
	stosw
	inc	si
	jmp	.title
.count:	xor	edx, edx
.tick:	inc	edx
	mov	eax, edx
	mov	di, 2 * 160 + 7 * 2	; the last digit's cell
	mov	cx, 8
.digit:	mov	bx, ax
	and	bx, 0x0F
	mov	bl, [cs:hex_digits + bx]
	mov	[es:di], bl
	sub	di, 2
	shr	eax, 4
	loop	.digit
	jmp	.tick

s_title:	db "popek ticker", 0
