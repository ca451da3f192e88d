; vbe32.asm: a known 640x480x32 picture for --screenshot, through the
; Bochs VBE interface and its linear framebuffer at 0xE0000000: a dark
; blue background, a white 100x50 rectangle at (20, 20) and a red pixel in
; the bottom right corner. tests/frontend/vbe32.png is the expected
; screenshot; headless_test.sh also checks single pixels.
%include "guest.inc"

LFB		equ 0xE0000000
WIDTH		equ 640
HEIGHT		equ 480

start:
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	mov	ax, 1			; XRES
	mov	bx, WIDTH
	call	vbe_write
	mov	ax, 2			; YRES
	mov	bx, HEIGHT
	call	vbe_write
	mov	ax, 3			; BPP
	mov	bx, 32
	call	vbe_write
	mov	ax, 4			; ENABLE: enabled | LFB
	mov	bx, 0x41
	call	vbe_write
	ENTER_PMODE pm_main

vbe_write:				; index AX, value BX
	mov	dx, 0x1CE
	out	dx, ax
	mov	dx, 0x1CF
	mov	ax, bx
	out	dx, ax
	ret

section rom32
	bits 32
pm_main:
	cld
	mov	edi, LFB
	mov	eax, 0x00204060
	mov	ecx, WIDTH * HEIGHT
	rep	stosd
	mov	edi, LFB + (20 * WIDTH + 20) * 4
	mov	edx, 50			; 50 lines of 100 white pixels
	mov	eax, 0x00FFFFFF
.line:	mov	ecx, 100
	push	edi
	rep	stosd
	pop	edi
	add	edi, WIDTH * 4
	dec	edx
	jnz	.line
	mov	dword [LFB + (WIDTH * HEIGHT - 1) * 4], 0x00FF0000
	PUTS32	msg_done
	EXIT	0

msg_done:	db "vbe picture drawn", 10, 0
