; kbc.asm: the keyboard controller and port 0x92 on the board, as a BIOS
; and an OS use them: the controller's self-test, the keyboard's identify
; through the controller (translated: AB 41), the A20 gate through the
; output port (0xD1) and through port 0x92 (either source enables it), and
; at last the CPU reset through command 0xFE, which ends the run (status 4).
; A20 is checked the usual way: with it off, FFFF:0510 is physical 0x000500.
; Failure codes: 1x controller, 2x keyboard, 3x A20.
%include "guest.inc"

; WAIT_IN: waits until the controller's input buffer is empty.
%macro WAIT_IN 0
%%w:	in	al, 0x64
	test	al, 0x02
	jnz	%%w
%endmacro

start:
	cli
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	mov	ds, ax
	mov	ax, 0xFFFF
	mov	es, ax

	mov	al, 0xAA		; controller self-test
	out	0x64, al
	call	read_data
	CHECK16	al, 0x55, 0x10
	in	al, 0x64		; SYS is up now
	test	al, 0x04
	jnz	.sys
	mov	al, 0x11
	jmp	fail16
.sys:
	mov	al, 0x60		; command byte: translation, no interrupts
	out	0x64, al
	WAIT_IN
	mov	al, 0x44
	out	0x60, al
	PUTS16	msg_selftest

	WAIT_IN				; keyboard identify
	mov	al, 0xF2
	out	0x60, al
	call	read_data
	CHECK16	al, 0xFA, 0x20
	call	read_data
	CHECK16	al, 0xAB, 0x21
	call	read_data
	CHECK16	al, 0x41, 0x22
	PUTS16	msg_identify

	call	a20_on			; on at power-up
	CHECK16	al, 1, 0x30
	mov	al, 0xD1		; output port: A20 off
	out	0x64, al
	WAIT_IN
	mov	al, 0xDD
	out	0x60, al
	call	a20_on
	CHECK16	al, 0, 0x31
	in	al, 0x92		; port 0x92 bit 1: on again
	or	al, 0x02
	out	0x92, al
	call	a20_on
	CHECK16	al, 1, 0x32
	in	al, 0x92
	and	al, 0xFD
	out	0x92, al
	call	a20_on
	CHECK16	al, 0, 0x33
	mov	al, 0xDF		; the controller's own A20-on command
	out	0x64, al
	call	a20_on
	CHECK16	al, 1, 0x34
	PUTS16	msg_a20

	PUTS16	msg_reset
	mov	al, 0xFE		; pulse the reset line
	out	0x64, al
.hang:	jmp	.hang			; the run ends before this spins long

; read_data: waits for the output buffer, returns the byte in AL.
read_data:
	in	al, 0x64
	test	al, 0x01
	jz	read_data
	in	al, 0x60
	ret

; a20_on: AL = 1 when A20 is enabled (physical 0x100500 is not 0x000500).
a20_on:
	mov	word [0x0500], 0x1234
	mov	word [es:0x0510], 0xABCD
	cmp	word [0x0500], 0x1234
	mov	al, 1
	je	.done
	mov	al, 0
.done:	ret

msg_selftest:	db "controller self-test ok", 10, 0
msg_identify:	db "keyboard id ab 41", 10, 0
msg_a20:	db "a20 via 0xd1, 0x92, 0xdf ok", 10, 0
msg_reset:	db "reset via 0xfe", 10, 0
