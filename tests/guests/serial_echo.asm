; serial_echo.asm: reads COM1 until a '.', copying each byte to the debug
; console and echoing it back over COM1, then exits with status 0. It waits
; for input as long as it takes (the run's --timeout ends a test that never
; sends the '.'), so the harness can type at it through stdin, a pipe or a
; terminal.
%include "guest.inc"

COM1		equ 0x3F8

start:
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	mov	dx, COM1 + 3		; divisor 1: 115200 baud
	mov	al, 0x80
	out	dx, al
	mov	dx, COM1
	mov	al, 1
	out	dx, al
	mov	dx, COM1 + 1
	xor	al, al
	out	dx, al
	mov	dx, COM1 + 3		; 8N1
	mov	al, 0x03
	out	dx, al
	mov	dx, COM1 + 2		; FIFOs on, trigger at 1
	mov	al, 0x07
	out	dx, al
	mov	dx, COM1 + 4		; DTR, RTS, OUT2
	mov	al, 0x0B
	out	dx, al
.wait:
	mov	dx, COM1 + 5
	in	al, dx
	test	al, 0x01
	jz	.wait
	mov	dx, COM1
	in	al, dx
	out	PORT_DEBUGCON, al
	mov	bl, al
	mov	dx, COM1 + 5
.thre:
	in	al, dx
	test	al, 0x20
	jz	.thre
	mov	dx, COM1
	mov	al, bl
	out	dx, al
	cmp	bl, '.'
	jne	.wait
	mov	dx, COM1 + 5
.temt:
	in	al, dx
	test	al, 0x40
	jz	.temt
	EXIT	0
