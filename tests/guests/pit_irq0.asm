; pit_irq0.asm: the timer interrupt end to end, as a BIOS and an OS set it
; up: the PIT's counter 0 in mode 2 at about 1 kHz, the PIC pair on vectors
; 0x20/0x28 with only IRQ0 unmasked, an IRQ0 handler in the IVT, then
; STI and HLT until 100 ticks have come. RDTSC (one tick per virtual
; nanosecond) must show close to 100 ms. Two more timings through port
; 0x61: counter 2 as a mode 0 one-shot of 10 ms polled on bit 5 (how Linux
; calibrates its TSC), and 100 edges of the refresh toggle in bit 4 (how
; BIOSes wait), 15.085 us each.
; Failure codes: 1x set-up, 2x the ticks, 3x counter 2, 4x refresh toggle,
; 50 an interrupt on a vector nobody asked for.
%include "guest.inc"

PIT_HZ		equ 1193182
TICK_COUNT	equ 1193		; ~1000.15 Hz
TICKS		equ 0x0500		; the tick counter, in conventional RAM
VEC_BASE	equ 0x20

start:
	cli
	cld
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	mov	ds, ax
	mov	es, ax
	mov	word [TICKS], 0

	; Every vector of both PICs goes to `stray`, then IRQ0 to its handler.
	mov	di, VEC_BASE * 4
	mov	cx, 16
.ivt:	mov	word [di], stray
	mov	word [di + 2], 0xF000
	add	di, 4
	loop	.ivt
	mov	word [VEC_BASE * 4], irq0

	; The PIT first (its OUT rising as it leaves the power-on mode is an
	; edge the PIC's initialisation then forgets): counter 0, LSB then
	; MSB, mode 2, binary.
	mov	al, 0x34
	out	0x43, al
	mov	ax, TICK_COUNT
	out	0x40, al
	mov	al, ah
	out	0x40, al

	; The PIC pair: edge-triggered, cascaded, 8086 mode.
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
	mov	al, 0xFE		; only IRQ0
	out	0x21, al
	mov	al, 0xFF
	out	0xA1, al
	in	al, 0x21
	CHECK16	al, 0xFE, 0x10
	in	al, 0xA1
	CHECK16	al, 0xFF, 0x11

	rdtsc
	mov	esi, eax
	mov	edi, edx
	sti
.wait:	hlt
	cmp	word [TICKS], 100
	jb	.wait
	cli
	rdtsc
	sub	eax, esi
	sbb	edx, edi
	CHECK16	edx, 0, 0x20
	; 100 periods of 1193 pulses are 99.985 ms.
	cmp	eax, 99500000
	jae	.not_early
	mov	al, 0x21
	jmp	fail16
.not_early:
	cmp	eax, 100500000
	jbe	.not_late
	mov	al, 0x22
	jmp	fail16
.not_late:
	; With interrupts off, no more ticks are taken, and IRQ0 waits in IRR.
	mov	bx, [TICKS]
	mov	ecx, 300000		; ~3 ms of spinning
.spin:	a32 loop .spin
	CHECK16	[TICKS], bx, 0x23
	mov	al, 0x0A
	out	0x20, al
	in	al, 0x20
	CHECK16	al, 0x01, 0x24
	PUTS16	msg_ticks

	; Counter 2, mode 0, 11932 pulses (10 ms), GATE through port 0x61.
	in	al, 0x61
	and	al, 0xFC		; GATE low, speaker off
	out	0x61, al
	mov	al, 0xB0
	out	0x43, al
	mov	ax, 11932
	out	0x42, al
	mov	al, ah
	out	0x42, al
	in	al, 0x61
	test	al, 0x20
	jz	.out_low
	mov	al, 0x30		; mode 0's OUT must start low
	jmp	fail16
.out_low:
	in	al, 0x61
	or	al, 0x01
	out	0x61, al		; GATE high: count
	rdtsc
	mov	esi, eax
.poll2:	in	al, 0x61
	test	al, 0x20
	jz	.poll2
	rdtsc
	sub	eax, esi
	; 11932 pulses after the count started: 10.000 ms (+ a poll loop).
	cmp	eax, 9990000
	jae	.c2_not_early
	mov	al, 0x31
	jmp	fail16
.c2_not_early:
	cmp	eax, 10020000
	jbe	.c2_not_late
	mov	al, 0x32
	jmp	fail16
.c2_not_late:
	PUTS16	msg_counter2

	; 100 edges of the refresh toggle: 1.5085 ms, less up to one period
	; for the first.
	in	al, 0x61
	and	al, 0x10
	mov	bl, al
	mov	cx, 100
	rdtsc
	mov	esi, eax
.toggle:
	in	al, 0x61
	and	al, 0x10
	cmp	al, bl
	je	.toggle
	mov	bl, al
	loop	.toggle
	rdtsc
	sub	eax, esi
	cmp	eax, 1508500 - 15085
	jae	.rf_not_early
	mov	al, 0x41
	jmp	fail16
.rf_not_early:
	cmp	eax, 1508500 + 1000
	jbe	.rf_not_late
	mov	al, 0x42
	jmp	fail16
.rf_not_late:
	PUTS16	msg_refresh
	PUTS16	msg_done
	EXIT	0

; IRQ0: IRQ0 must be the one in service; count the tick and send the
; non-specific EOI.
irq0:
	push	ax
	mov	al, 0x0B
	out	0x20, al
	in	al, 0x20
	cmp	al, 0x01
	je	.in_service
	mov	al, 0x25
	jmp	fail16
.in_service:
	inc	word [TICKS]
	mov	al, 0x20
	out	0x20, al
	pop	ax
	iret

stray:
	mov	al, 0x50
	jmp	fail16

msg_ticks:	db "pit_irq0: 100 ticks of IRQ0 in 100 ms", 10, 0
msg_counter2:	db "pit_irq0: counter 2 one-shot of 10 ms on port 0x61", 10, 0
msg_refresh:	db "pit_irq0: refresh toggle at 15.085 us", 10, 0
msg_done:	db "pit_irq0: all passed", 10, 0
