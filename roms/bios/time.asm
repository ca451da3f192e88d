; time.asm: the clocks. INT 08h (IRQ0, 18.2 Hz from the PIT) counts the
; ticks since midnight in the BDA and calls INT 1Ch; INT 70h (IRQ8, the RTC)
; serves the microsecond waits of INT 15h 86h; INT 1Ah reads and sets the
; tick count and the RTC's time and date.

TICKS_PER_DAY	equ 0x1800B0		; 24 h at 1193182 / 65536 Hz

; INT 08h: one timer tick.
int08_handler:
	push	ds
	push	ax
	push	word BDA_SEG
	pop	ds
	inc	dword [BDA_TICKS]
	cmp	dword [BDA_TICKS], TICKS_PER_DAY
	jb	.chain
	mov	dword [BDA_TICKS], 0
	mov	byte [BDA_MIDNIGHT], 1
.chain:
	int	0x1C			; the user's timer hook
	mov	al, 0x20
	out	PORT_PIC1, al		; EOI
	pop	ax
	pop	ds
	iret

; INT 70h: RTC interrupt. Reading register C acknowledges it; a periodic
; interrupt takes 976 us off a running INT 15h 86h wait and flags its end.
int70_handler:
	push	ds
	push	ax
	push	word BDA_SEG
	pop	ds
	mov	al, CMOS_REG_C | CMOS_NMI_OFF
	out	PORT_CMOS_IDX, al
	in	al, PORT_CMOS_DATA
	test	al, 0x40		; periodic
	jz	.eoi
	test	byte [BDA_WAIT_FLAG], 1
	jz	.eoi
	sub	dword [BDA_WAIT_US], 976
	jnc	.eoi
	or	byte [BDA_WAIT_FLAG], 0x80	; the wait is over
.eoi:
	mov	al, CMOS_REG_B		; index back to a harmless register, NMI on
	out	PORT_CMOS_IDX, al
	mov	al, 0x20
	out	PORT_PIC2, al
	out	PORT_PIC1, al
	pop	ax
	pop	ds
	iret

; cmos_read: AL = CMOS byte AL. cmos_write: CMOS byte AL = AH. Keep the
; other registers.
cmos_read:
	out	PORT_CMOS_IDX, al
	in	al, PORT_CMOS_DATA
	ret
cmos_write:
	out	PORT_CMOS_IDX, al
	xchg	al, ah
	out	PORT_CMOS_DATA, al
	xchg	al, ah
	ret

; rtc_periodic_on / rtc_periodic_off: the RTC's 1024 Hz interrupt and
; IRQ8 (with the cascade) on or off. Keep every register.
rtc_periodic_on:
	push	ax
	mov	ax, 0x2600 | CMOS_REG_A	; 32 kHz base, rate 6: 1024 Hz
	call	cmos_write
	mov	al, CMOS_REG_B
	call	cmos_read
	or	al, 0x40
	mov	ah, al
	mov	al, CMOS_REG_B
	call	cmos_write
	in	al, PORT_PIC2 + 1
	and	al, 0xFE
	out	PORT_PIC2 + 1, al
	in	al, PORT_PIC1 + 1
	and	al, 0xFB
	out	PORT_PIC1 + 1, al
	pop	ax
	ret
rtc_periodic_off:
	push	ax
	mov	al, CMOS_REG_B
	call	cmos_read
	and	al, ~0x40
	mov	ah, al
	mov	al, CMOS_REG_B
	call	cmos_write
	pop	ax
	ret

; rtc_wait_update: waits (bounded) while the RTC is in an update cycle so
; the time registers read consistently.
rtc_wait_update:
	push	ax
	push	cx
	mov	cx, 0xFFFF
.poll:
	mov	al, CMOS_REG_A
	call	cmos_read
	test	al, 0x80
	jz	.done
	loop	.poll
.done:
	pop	cx
	pop	ax
	ret

; INT 1Ah:
;   00h  CX:DX = ticks since midnight, AL = midnight passed (then cleared)
;   01h  ticks = CX:DX
;   02h  CH:CL:DH = hours, minutes, seconds (BCD), DL = daylight saving
;   03h  set the time from CH:CL:DH (BCD), DL = daylight saving
;   04h  CH = century, CL = year, DH = month, DL = day (BCD)
;   05h  set the date from CH, CL, DH, DL
; The RTC functions set CF if the clock is not running.
int1a_handler:
	ENTER_FRAME
	sti
	push	word BDA_SEG
	pop	ds
	cmp	ah, 0x00
	je	.get_ticks
	cmp	ah, 0x01
	je	.set_ticks
	cmp	ah, 0x02
	je	.get_time
	cmp	ah, 0x03
	je	.set_time
	cmp	ah, 0x04
	je	.get_date
	cmp	ah, 0x05
	je	.set_date
	SET_CF
	jmp	.done
.get_ticks:
	cli
	mov	eax, [BDA_TICKS]
	mov	[bp + F_DX], ax
	shr	eax, 16
	mov	[bp + F_CX], ax
	mov	al, [BDA_MIDNIGHT]
	mov	byte [BDA_MIDNIGHT], 0
	mov	[bp + F_AL], al
	jmp	.ok
.set_ticks:
	cli
	mov	[BDA_TICKS], dx
	mov	[BDA_TICKS + 2], cx
	mov	byte [BDA_MIDNIGHT], 0
	mov	byte [bp + F_AH], 0
	jmp	.ok
.get_time:
	call	rtc_wait_update
	mov	al, 0x04
	call	cmos_read
	mov	[bp + F_CH], al
	mov	al, 0x02
	call	cmos_read
	mov	[bp + F_CL], al
	mov	al, 0x00
	call	cmos_read
	mov	[bp + F_DH], al
	mov	al, CMOS_REG_B
	call	cmos_read
	and	al, 1
	mov	[bp + F_DL], al
	mov	byte [bp + F_AH], 0
	jmp	.ok
.set_time:
	call	rtc_set_begin
	mov	al, 0x04
	mov	ah, ch
	call	cmos_write
	mov	al, 0x02
	mov	ah, cl
	call	cmos_write
	mov	al, 0x00
	mov	ah, dh
	call	cmos_write
	call	rtc_set_end
	mov	byte [bp + F_AH], 0
	jmp	.ok
.get_date:
	call	rtc_wait_update
	mov	al, CMOS_CENTURY
	call	cmos_read
	mov	[bp + F_CH], al
	mov	al, 0x09
	call	cmos_read
	mov	[bp + F_CL], al
	mov	al, 0x08
	call	cmos_read
	mov	[bp + F_DH], al
	mov	al, 0x07
	call	cmos_read
	mov	[bp + F_DL], al
	mov	byte [bp + F_AH], 0
	jmp	.ok
.set_date:
	call	rtc_set_begin
	mov	al, CMOS_CENTURY
	mov	ah, ch
	call	cmos_write
	mov	al, 0x09
	mov	ah, cl
	call	cmos_write
	mov	al, 0x08
	mov	ah, dh
	call	cmos_write
	mov	al, 0x07
	mov	ah, dl
	call	cmos_write
	call	rtc_set_end
	mov	byte [bp + F_AH], 0
.ok:
	CLEAR_CF
.done:
	LEAVE_FRAME

; rtc_set_begin / rtc_set_end: freeze the update cycle (register B SET)
; around writes to the time, in 24-hour BCD as the BIOS keeps it.
rtc_set_begin:
	push	ax
	mov	al, CMOS_REG_B
	call	cmos_read
	or	al, 0x80
	and	al, ~0x04		; BCD
	or	al, 0x02		; 24-hour
	mov	ah, al
	mov	al, CMOS_REG_B
	call	cmos_write
	pop	ax
	ret
rtc_set_end:
	push	ax
	mov	al, CMOS_REG_B
	call	cmos_read
	and	al, 0x7F
	mov	ah, al
	mov	al, CMOS_REG_B
	call	cmos_write
	pop	ax
	ret
