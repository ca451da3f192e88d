; int15.asm: INT 15h, the system services popek's BIOS provides:
;
;   E820h memory map     E801h / 88h memory sizes    C0h configuration table
;   C1h EBDA segment     86h wait (microseconds, on the RTC's periodic
;   interrupt)           2400h-2403h A20 (KBC and 0x92) 90h/91h busy/done
;   4Fh keyboard intercept (the caller's choice stands)
;   53h APM: not present (CF, AH = 86h), as is every other function.
;
; The memory map comes from the CMOS sizes POST read (EB_RAMTOP):
;   0 - EBDA             RAM
;   EBDA - 1 MiB         reserved (EBDA, video memory, ROMs)
;   1 MiB - end of RAM   RAM
;   FFFC0000 - 4 GiB     reserved (the BIOS image at the top of memory)

int15_handler:
	cmp	ah, 0x4F
	je	int15_iret		; keyboard intercept: keep the key (CF as given)
	ENTER_FRAME
	push	fs
	cld
	push	es
	call	ebda_es
	push	es
	pop	fs			; FS = EBDA
	pop	es
	cmp	eax, 0xE820
	je	mem_e820
	cmp	ax, 0xE801
	je	mem_e801
	cmp	ah, 0x88
	je	mem_88
	cmp	ah, 0x86
	je	sys_wait
	cmp	ah, 0xC0
	je	sys_config
	cmp	ah, 0xC1
	je	sys_ebda
	cmp	ah, 0x24
	je	sys_a20
	cmp	ah, 0x90
	je	sys_busy
	cmp	ah, 0x91
	je	sys_busy
	; 53h (APM) and everything else: "function not supported".
int15_unsupported:
	mov	byte [bp + F_AH], 0x86
int15_fail:
	SET_CF
	jmp	int15_done
int15_ok:
	CLEAR_CF
int15_done:
	pop	fs
	LEAVE_FRAME
int15_iret:
	iret

; E820h: EBX = continuation (0 first), ES:DI = buffer, ECX = its size (at
; least 20), EDX = 'SMAP' -> the entry, EBX = next (0 after the last),
; EAX = 'SMAP', ECX = 20.
mem_e820:
	cmp	edx, 'PAMS'		; 'SMAP' as the register holds it
	jne	int15_unsupported
	cmp	ecx, 20
	jb	int15_unsupported
	cmp	ebx, E820_ENTRIES
	jae	int15_unsupported
	; The entry's base, length, type.
	push	word BDA_SEG
	pop	ds
	movzx	esi, word [BDA_EBDA]
	shl	esi, 4			; ESI = EBDA base
	xor	edx, edx
	cmp	bl, 0
	jne	.e1
	xor	eax, eax		; 0: conventional RAM below the EBDA
	mov	ecx, esi
	mov	dl, 1
	jmp	.store
.e1:
	cmp	bl, 1
	jne	.e2
	mov	eax, esi		; 1: EBDA up to 1 MiB, reserved
	mov	ecx, 0x100000
	sub	ecx, esi
	mov	dl, 2
	jmp	.store
.e2:
	cmp	bl, 2
	jne	.e3
	mov	eax, 0x100000		; 2: RAM above 1 MiB
	mov	ecx, [fs:EB_RAMTOP]
	sub	ecx, eax
	mov	dl, 1
	jmp	.store
.e3:
	mov	eax, 0xFFFC0000		; 3: the BIOS at the top of memory
	mov	ecx, 0x40000
	mov	dl, 2
.store:
	mov	[es:di], eax
	mov	dword [es:di + 4], 0
	mov	[es:di + 8], ecx
	mov	dword [es:di + 12], 0
	mov	[es:di + 16], edx
	inc	ebx
	cmp	ebx, E820_ENTRIES
	jb	.more
	xor	ebx, ebx
.more:
	mov	[bp + F_EBX], ebx
	mov	dword [bp + F_EAX], 'PAMS'
	mov	dword [bp + F_ECX], 20
	jmp	int15_ok
E820_ENTRIES	equ 4

; mem_ext_kib: EAX = KiB of RAM above 1 MiB.
mem_ext_kib:
	mov	eax, [fs:EB_RAMTOP]
	sub	eax, 0x100000
	shr	eax, 10
	ret

; E801h: AX = CX = KiB between 1 and 16 MiB, BX = DX = 64 KiB blocks above.
mem_e801:
	call	mem_ext_kib
	mov	ecx, eax
	cmp	eax, 15 * 1024
	jbe	.low
	mov	eax, 15 * 1024
.low:
	mov	[bp + F_AX], ax
	mov	[bp + F_CX], ax
	sub	ecx, eax
	shr	ecx, 6
	mov	[bp + F_BX], cx
	mov	[bp + F_DX], cx
	jmp	int15_ok

; 88h: AX = KiB above 1 MiB (at most FFFFh).
mem_88:
	call	mem_ext_kib
	cmp	eax, 0xFFFF
	jbe	.ok
	mov	ax, 0xFFFF
.ok:
	mov	[bp + F_AX], ax
	jmp	int15_ok

; C0h: ES:BX = the system configuration table.
sys_config:
	mov	word [bp + F_BX], sys_config_table
	mov	word [bp + F_ES], cs
	mov	byte [bp + F_AH], 0
	jmp	int15_ok
sys_config_table:
	dw	8		; bytes that follow
	db	0xFC		; model: AT-class
	db	0x00		; submodel
	db	0x01		; BIOS revision
	db	0x74		; second PIC, RTC, INT 15h 4Fh called by INT 09h, EBDA
	db	0x40		; INT 16h 09h (keyboard functionality) supported
	db	0, 0, 0

; C1h: ES = the EBDA segment.
sys_ebda:
	mov	word [bp + F_ES], fs
	jmp	int15_ok

; 90h/91h: device busy / interrupt complete: nothing to wait for.
sys_busy:
	mov	byte [bp + F_AH], 0
	jmp	int15_ok

; 2400h disable A20, 2401h enable, 2402h status (AL), 2403h support (BX:
; keyboard controller and port 0x92). The gate is on while either the
; keyboard controller's output port or port 0x92 enables it, so both are
; set; the status is what memory does (1 MiB aliasing 0), not what one
; register claims.
sys_a20:
	cmp	al, 0x03
	ja	int15_unsupported
	je	.support
	cmp	al, 0x02
	je	.status
	mov	ah, al			; 0 off, 1 on
	in	al, PORT_A20
	and	al, 0xFC		; never the reset bit
	test	ah, ah
	jz	.set
	or	al, 0x02
.set:
	out	PORT_A20, al
	; The controller's output port: DFh gate on, DDh off (reset high,
	; the other lines as POST leaves them).
	mov	al, 0xD1
	call	kbc_command
	mov	al, 0xDD
	test	ah, ah
	jz	.kbc
	mov	al, 0xDF
.kbc:
	call	kbc_data
	call	kbc_wait_write
	mov	byte [bp + F_AH], 0
	jmp	int15_ok
.status:
	call	a20_enabled
	mov	[bp + F_AL], al
	mov	byte [bp + F_AH], 0
	jmp	int15_ok
.support:
	mov	word [bp + F_BX], 0x0003
	mov	byte [bp + F_AH], 0
	jmp	int15_ok

; a20_enabled: AL = 1 when the A20 gate is on: a byte at 0000:0500 and
; its alias FFFF:0510 (1 MiB above) differ after writing each. Keeps the
; other registers and the bytes.
a20_enabled:
	push	ds
	push	es
	push	bx
	xor	bx, bx
	mov	ds, bx
	dec	bx
	mov	es, bx			; FFFF
	mov	bl, [0x500]
	mov	bh, [es:0x510]
	mov	byte [0x500], 0x00
	mov	byte [es:0x510], 0xFF
	cmp	byte [0x500], 0xFF	; wrapped: A20 off
	mov	[es:0x510], bh
	mov	[0x500], bl
	setne	al
	pop	bx
	pop	es
	pop	ds
	ret

; 86h: waits CX:DX microseconds. The RTC's periodic interrupt (1024 Hz)
; counts them down in the BDA (INT 70h, time.asm) while the CPU halts, so
; the wait costs no instructions. AH = 83h and CF if a wait is running.
sys_wait:
	push	word BDA_SEG
	pop	ds
	test	byte [BDA_WAIT_FLAG], 1
	jnz	.busy
	mov	[BDA_WAIT_US], dx
	mov	[BDA_WAIT_US + 2], cx
	mov	byte [BDA_WAIT_FLAG], 1
	call	rtc_periodic_on
.wait:
	sti
	hlt
	test	byte [BDA_WAIT_FLAG], 0x80
	jz	.wait
	cli
	call	rtc_periodic_off
	mov	byte [BDA_WAIT_FLAG], 0
	mov	byte [bp + F_AH], 0
	jmp	int15_ok
.busy:
	mov	byte [bp + F_AH], 0x83
	jmp	int15_fail
