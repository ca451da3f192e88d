; serial.asm: drives COM1 as a BIOS or a polling driver does. It checks the
; registers it can read back (scratch, divisor latch, LCR, the FIFO bits of
; IIR), sends one byte through the loopback and reads it back with the
; modem lines mirrored in MSR, then sends "hello over COM1" at 115200 8N1
; with the FIFOs on, polling LSR for THRE before each byte and for TEMT at
; the end. Last, it takes the THRE interrupt on IRQ 4 through the PIC. The
; harness compares what reached the serial port's file; the debug console
; only says whether the checks passed.
%include "guest.inc"

COM1		equ 0x3F8
LSR_DR		equ 0x01
LSR_THRE	equ 0x20
LSR_TEMT	equ 0x40

start:
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP

	; Scratch register.
	mov	dx, COM1 + 7
	mov	al, 0x5A
	out	dx, al
	in	al, dx
	CHECK16	al, 0x5A, 1

	; Divisor 1 (115200 baud) through the divisor latch, then 8N1.
	mov	dx, COM1 + 3
	mov	al, 0x80
	out	dx, al
	mov	dx, COM1
	mov	al, 1
	out	dx, al
	mov	dx, COM1 + 1
	xor	al, al
	out	dx, al
	mov	dx, COM1
	in	al, dx
	CHECK16	al, 1, 2
	mov	dx, COM1 + 3
	mov	al, 0x03
	out	dx, al
	in	al, dx
	CHECK16	al, 0x03, 3
	mov	dx, COM1 + 1		; IER: polled, no interrupts
	xor	al, al
	out	dx, al

	; FIFOs on and cleared, trigger at 14: IIR bits 6-7 say so.
	mov	dx, COM1 + 2
	mov	al, 0xC7
	out	dx, al
	in	al, dx
	and	al, 0xC0
	CHECK16	al, 0xC0, 4

	; Loopback with DTR, RTS and OUT2: MSR shows DSR, CTS and DCD.
	mov	dx, COM1 + 4
	mov	al, 0x1B
	out	dx, al
	mov	dx, COM1 + 6
	in	al, dx
	and	al, 0xF0
	CHECK16	al, 0xB0, 5
	mov	dx, COM1
	mov	al, 0xA5
	out	dx, al
	mov	ah, LSR_DR
	call	wait_lsr
	mov	dx, COM1
	in	al, dx
	CHECK16	al, 0xA5, 6

	; Back on the line: DTR, RTS, OUT2.
	mov	dx, COM1 + 4
	mov	al, 0x0B
	out	dx, al

	mov	si, msg
.next:
	mov	bl, [cs:si]
	test	bl, bl
	jz	.sent
	mov	ah, LSR_THRE
	call	wait_lsr
	mov	dx, COM1
	mov	al, bl
	out	dx, al
	inc	si
	jmp	.next
.sent:
	mov	ah, LSR_TEMT
	call	wait_lsr

	; IRQ 4 through the PIC: enabling the THRE interrupt with the
	; transmitter empty raises it at once (MCR OUT2 is on). The master PIC
	; is set up with its vectors at 8, as a PC BIOS does, and only IRQ 4
	; unmasked.
	cli
	xor	ax, ax
	mov	ds, ax
	mov	word [IRQ4_VECTOR * 4], irq4_handler
	mov	word [IRQ4_VECTOR * 4 + 2], 0xF000
	mov	byte [IIR_SEEN], 0
	mov	al, 0x11		; ICW1: edge, cascade, ICW4 follows
	out	0x20, al
	mov	al, 0x08		; ICW2: IRQ 0-7 at vectors 8-15
	out	0x21, al
	mov	al, 0x04		; ICW3: a slave on IR2
	out	0x21, al
	mov	al, 0x01		; ICW4: 8086 mode
	out	0x21, al
	mov	al, 0xEF		; OCW1: only IRQ 4
	out	0x21, al
	mov	dx, COM1 + 1
	mov	al, 0x02		; IER: THRE
	out	dx, al
	sti
	hlt				; the interrupt ends the HLT
	cli
	mov	al, [IIR_SEEN]
	CHECK16	al, 0xC2, 8		; FIFOs on, THRE

	PUTS16	ok_msg
	EXIT	0

IRQ4_VECTOR	equ 0x0C
IIR_SEEN	equ 0x500		; a free byte of conventional RAM

; irq4_handler: keeps what IIR said, turns the interrupt off, EOI.
irq4_handler:
	push	ax
	push	dx
	mov	dx, COM1 + 2
	in	al, dx
	mov	[IIR_SEEN], al
	mov	dx, COM1 + 1
	xor	al, al
	out	dx, al
	mov	al, 0x20
	out	0x20, al
	pop	dx
	pop	ax
	iret

; wait_lsr: waits until LSR has one of the bits in AH set; fails with code 7
; after 64 x 65535 polls (over 100 ms, where a character takes 87 us).
; Clobbers AL, DX.
wait_lsr:
	push	cx
	push	bx
	mov	dx, COM1 + 5
	mov	bx, 64
.outer:
	mov	cx, 0xFFFF
.poll:
	in	al, dx
	test	al, ah
	jnz	.ok
	loop	.poll
	dec	bx
	jnz	.outer
	mov	al, 7
	jmp	fail16
.ok:
	pop	bx
	pop	cx
	ret

msg:	db "hello over COM1", 10, 0
ok_msg:	db "serial ok", 10, 0
