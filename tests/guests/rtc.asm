; rtc.asm: reads the real-time clock and CMOS RAM as a BIOS does, through
; ports 0x70 (index) and 0x71 (data), and takes the RTC's interrupts on IRQ8
; through the PIC pair.
;
; It checks register D's valid bit, the configuration checksum over
; 0x10-0x2D against 0x2E/0x2F and the 640 KiB of base memory, and prints the
; date and time (read while UIP is clear). Then it waits for the next update
; cycle by polling UIP (1, then 0), idling between polls with HLT while the
; periodic interrupt runs at 8192 Hz (its edges fall inside the 244 us UIP
; window), checks that the update-ended flag came, and prints the new time.
; Last it counts the periodic interrupts from that update to the next one:
; exactly 8192. Run with a fixed --rtc-base so the output is the same every
; time; 2024-02-29T23:59:59 makes the first update cross midnight into March.
; Failure codes: 1x CMOS contents, 2x the update, 3x the periodic count,
; 40 an interrupt on a vector nobody asked for.
%include "guest.inc"

CMOS_INDEX	equ 0x70
CMOS_DATA	equ 0x71
VEC_BASE	equ 0x20		; master 0x20-0x27, slave 0x28-0x2F
IRQ8_VEC	equ VEC_BASE + 8
COUNT		equ 0x0500		; periodic interrupts taken
FLAGS		equ 0x0502		; register C flags the handler has seen

; CMOS_READ reg: AL = CMOS[reg].
%macro CMOS_READ 1
	mov	al, %1
	out	CMOS_INDEX, al
	in	al, CMOS_DATA
%endmacro

; CMOS_WRITE reg, value
%macro CMOS_WRITE 2
	mov	al, %1
	out	CMOS_INDEX, al
	mov	al, %2
	out	CMOS_DATA, al
%endmacro

start:
	cli
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	mov	ds, ax
	mov	word [COUNT], 0
	mov	byte [FLAGS], 0

	CMOS_READ 0x0D			; register D: VRT
	CHECK16	al, 0x80, 0x10

	xor	dx, dx			; the checksum: a 16-bit sum of 0x10-0x2D
	mov	cl, 0x10
.sum:
	mov	al, cl
	out	CMOS_INDEX, al
	in	al, CMOS_DATA
	xor	ah, ah
	add	dx, ax
	inc	cl
	cmp	cl, 0x2E
	jb	.sum
	CMOS_READ 0x2E
	mov	bh, al
	CMOS_READ 0x2F
	mov	bl, al
	CHECK16	dx, bx, 0x11
	CMOS_READ 0x16			; base memory in KiB
	mov	ah, al
	CMOS_READ 0x15
	CHECK16	ax, 640, 0x12
	PUTS16	msg_checksum

.uip_clear:				; read the time only while no update is near
	CMOS_READ 0x0A
	test	al, 0x80
	jnz	.uip_clear
	PUTS16	msg_start
	call	print_time

	; Every vector of both PICs goes to `stray`, IRQ8 to its handler; the
	; PICs edge-triggered and cascaded, only IRQ2 (the slave) and IRQ8
	; unmasked.
	mov	di, VEC_BASE * 4
	mov	cx, 16
.ivt:	mov	word [di], stray
	mov	word [di + 2], 0xF000
	add	di, 4
	loop	.ivt
	mov	word [IRQ8_VEC * 4], irq8
	mov	al, 0x11
	out	0x20, al
	out	0xA0, al
	mov	al, VEC_BASE
	out	0x21, al
	mov	al, VEC_BASE + 8
	out	0xA1, al
	mov	al, 0x04
	out	0x21, al
	mov	al, 0x02
	out	0xA1, al
	mov	al, 0x01
	out	0x21, al
	out	0xA1, al
	mov	al, 0xFB
	out	0x21, al
	mov	al, 0xFE
	out	0xA1, al

	; The periodic interrupt at 8192 Hz (rate 3), 24-hour BCD.
	CMOS_WRITE 0x0A, 0x23
	CMOS_WRITE 0x0B, 0x42
	CMOS_READ 0x0C			; nothing pending

.uip_set:				; the update is coming...
	sti
	hlt
	cli
	CMOS_READ 0x0A
	test	al, 0x80
	jz	.uip_set
.uip_done:				; ...and done
	sti
	hlt
	cli
	CMOS_READ 0x0A
	test	al, 0x80
	jnz	.uip_done
	test	byte [FLAGS], 0x10	; the handler saw the update-ended flag
	jnz	.updated
	mov	al, 0x20
	jmp	fail16
.updated:
	PUTS16	msg_after
	call	print_time

	; Periodic interrupts until the next update: one second's worth.
	mov	word [COUNT], 0
	mov	byte [FLAGS], 0
.count:
	sti
	hlt
	cli
	test	byte [FLAGS], 0x10
	jz	.count
	CHECK16	word [COUNT], 8192, 0x30
	PUTS16	msg_periodic
	PUTS16	msg_then
	call	print_time
	EXIT	0

; IRQ8: reading register C acknowledges the RTC (its line drops, so the
; next flag is a new edge); the flags are kept for the main loop.
irq8:
	push	ax
	CMOS_READ 0x0C
	or	[FLAGS], al
	test	al, 0x40
	jz	.eoi
	inc	word [COUNT]
.eoi:	mov	al, 0x20
	out	0xA0, al
	out	0x20, al
	pop	ax
	iret

stray:
	mov	al, 0x40
	jmp	fail16

; print_time: "CCYY-MM-DD hh:mm:ss W" (W: day of the week, 1 = Sunday) and
; a newline, from the BCD registers (each prints as two hex digits).
print_time:
	mov	si, time_fields
.field:
	mov	al, [cs:si]
	cmp	al, 0xFF
	je	.done
	out	CMOS_INDEX, al
	in	al, CMOS_DATA
	call	puthex8_16
	mov	al, [cs:si + 1]
	test	al, al
	jz	.next
	out	PORT_DEBUGCON, al
.next:
	add	si, 2
	jmp	.field
.done:
	mov	al, 10
	out	PORT_DEBUGCON, al
	ret

; Pairs of (register, separator printed after it; 0 for none).
time_fields:
	db	0x32, 0,   0x09, '-', 0x08, '-', 0x07, ' '
	db	0x04, ':', 0x02, ':', 0x00, ' '
	db	0x06, 0
	db	0xFF

msg_checksum:	db "cmos checksum ok", 10, 0
msg_start:	db "start ", 0
msg_after:	db "after ", 0
msg_periodic:	db "periodic interrupts per second: 8192", 10, 0
msg_then:	db "then  ", 0
