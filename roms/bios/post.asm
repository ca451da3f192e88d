; post.asm: the power-on self test, from the reset vector to INT 19h. Each
; stage writes its POST code (bios.inc) to port 0x80 as it starts, so a run
; with --post-codes shows how far the BIOS got:
;
;   01 start     02 interrupt vectors   03 BDA and EBDA   04 PICs
;   05 PIT       06 CMOS memory sizes   07 hypercall port  08 video
;   09 keyboard  0A COM1                0B disks           0F --kernel
;   0C boot
;
; Also here: the default interrupt handlers and INT 11h / INT 12h.

post_start:
	cli
	cld
	POST_CODE POST_START
	; A reset with CMOS shutdown status 05h/0Ah is a 286-style return from
	; protected mode: resume at the far pointer in BDA 0x67.
	mov	al, CMOS_SHUTDOWN | CMOS_NMI_OFF
	out	PORT_CMOS_IDX, al
	in	al, PORT_CMOS_DATA
	mov	ah, al
	mov	al, CMOS_SHUTDOWN | CMOS_NMI_OFF
	out	PORT_CMOS_IDX, al
	xor	al, al
	out	PORT_CMOS_DATA, al
	cmp	ah, 0x05
	je	.resume_eoi
	cmp	ah, 0x0A
	je	.resume
	jmp	.cold
.resume_eoi:
	mov	al, 0x20
	out	PORT_PIC1, al
	out	PORT_PIC2, al
.resume:
	xor	ax, ax
	mov	ds, ax
	mov	ss, ax
	mov	sp, 0x0400
	jmp	far [BDA_SEG * 16 + BDA_RESETPTR]

.cold:
	xor	ax, ax
	mov	ss, ax
	mov	sp, 0x7C00
	mov	ds, ax
	mov	es, ax

	; --- interrupt vectors --------------------------------------------------------
	POST_CODE POST_IVT
	xor	di, di
	mov	cx, 256
.ivt:
	mov	word [es:di], default_iret
	mov	word [es:di + 2], BIOS_SEG
	add	di, 4
	loop	.ivt
	mov	si, post_vectors
.vector:
	mov	al, [cs:si]
	cmp	al, 0xFF
	je	.vectors_done
	movzx	di, al
	shl	di, 2
	mov	ax, [cs:si + 1]
	mov	[es:di], ax
	mov	word [es:di + 2], BIOS_SEG
	add	si, 3
	jmp	.vector
.vectors_done:
	; Parameter tables the BIOS does not have: null pointers.
	mov	dword [es:0x1D * 4], 0
	mov	dword [es:0x1E * 4], 0
	mov	dword [es:0x41 * 4], 0
	mov	dword [es:0x46 * 4], 0

	; --- BDA and EBDA ---------------------------------------------------------------
	POST_CODE POST_BDA
	mov	di, BDA_SEG * 16
	mov	cx, 256 / 2
	xor	ax, ax
	rep	stosw
	push	word EBDA_SEG
	pop	es
	xor	di, di
	mov	cx, EB_END / 2
	rep	stosw
	mov	byte [es:EB_SIZE], EBDA_KB
	call	bda_ds
	mov	word [BDA_EBDA], EBDA_SEG
	mov	word [BDA_MEMSIZE], 640 - EBDA_KB
	mov	word [BDA_KBD_HEAD], KBD_BUF_START
	mov	word [BDA_KBD_TAIL], KBD_BUF_START
	mov	word [BDA_KBD_START], KBD_BUF_START
	mov	word [BDA_KBD_END], KBD_BUF_END
	mov	byte [BDA_KBD_FLAGS3], 0x10	; a 101/102-key keyboard
	mov	dword [BDA_LPT_TMO], 0x14141414
	mov	dword [BDA_COM_TMO], 0x01010101

	; --- interrupt controllers: IRQ 0-7 at vectors 08h, IRQ 8-15 at 70h -----------
	POST_CODE POST_PIC
	mov	al, 0x11		; ICW1: edge, cascade, ICW4 follows
	out	PORT_PIC1, al
	out	PORT_PIC2, al
	mov	al, 0x08		; ICW2: vector bases
	out	PORT_PIC1 + 1, al
	mov	al, 0x70
	out	PORT_PIC2 + 1, al
	mov	al, 0x04		; ICW3: the slave on IR2
	out	PORT_PIC1 + 1, al
	mov	al, 0x02
	out	PORT_PIC2 + 1, al
	mov	al, 0x01		; ICW4: 8086 mode
	out	PORT_PIC1 + 1, al
	out	PORT_PIC2 + 1, al
	mov	al, 0xF8		; timer, keyboard and the cascade
	out	PORT_PIC1 + 1, al
	mov	al, 0xFE		; the RTC (quiet until a wait enables it)
	out	PORT_PIC2 + 1, al

	; --- timer: counter 0, mode 3, count 65536: 18.2 Hz -----------------------------
	POST_CODE POST_PIT
	mov	al, 0x36
	out	PORT_PIT_CMD, al
	xor	al, al
	out	PORT_PIT_CH0, al
	out	PORT_PIT_CH0, al

	; --- memory size from the CMOS ------------------------------------------------------
	POST_CODE POST_CMOS
	call	ebda_es
	mov	al, CMOS_16M_HI
	call	cmos_read
	mov	ah, al
	mov	al, CMOS_16M_LO
	call	cmos_read
	movzx	eax, ax
	test	eax, eax
	jz	.below_16m
	shl	eax, 16			; 64 KiB blocks above 16 MiB
	add	eax, 16 << 20
	jmp	.ramtop
.below_16m:
	mov	al, CMOS_EXT_HI
	call	cmos_read
	mov	ah, al
	mov	al, CMOS_EXT_LO
	call	cmos_read
	movzx	eax, ax
	shl	eax, 10			; KiB above 1 MiB
	add	eax, 1 << 20
.ramtop:
	mov	[es:EB_RAMTOP], eax
	; The equipment word: x87 and PS/2 mouse from the CMOS, 80x25 colour.
	mov	al, CMOS_EQUIP
	call	cmos_read
	and	ax, 0x0006
	or	ax, 0x0020
	mov	[BDA_EQUIP], ax

	; --- the hypercall port -----------------------------------------------------------
	POST_CODE POST_HC
	mov	dx, PORT_HC
	in	eax, dx
	cmp	eax, HC_SIGNATURE
	jne	.no_hc
	or	byte [es:EB_FLAGS], EBF_HC | EBF_HC_DISK
	mov	ax, HC_HEADLESS
	call	hc_simple
	jc	.no_hc
	test	eax, eax
	jz	.no_hc
	or	byte [es:EB_FLAGS], EBF_HEADLESS
.no_hc:

	; --- COM1: 115200 baud, 8N1, FIFOs on (found by its scratch register) ----------
	POST_CODE POST_SERIAL
	mov	dx, PORT_COM1 + 7
	mov	al, 0x5A
	out	dx, al
	in	al, dx
	cmp	al, 0x5A
	jne	.no_com1
	mov	dx, PORT_COM1 + 3
	mov	al, 0x80
	out	dx, al			; DLAB
	mov	dx, PORT_COM1
	mov	al, 1
	out	dx, al			; divisor 1
	inc	dx
	xor	al, al
	out	dx, al
	mov	dx, PORT_COM1 + 3
	mov	al, 0x03
	out	dx, al			; 8N1
	dec	dx
	mov	al, 0xC7
	out	dx, al			; FIFOs on and cleared
	mov	dx, PORT_COM1 + 4
	mov	al, 0x03
	out	dx, al			; DTR, RTS
	mov	dx, PORT_COM1 + 1
	xor	al, al
	out	dx, al			; no interrupts
	mov	word [BDA_COM], PORT_COM1
	or	word [BDA_EQUIP], 1 << 9	; one serial port
	or	byte [es:EB_FLAGS], EBF_COM1
.no_com1:

	; --- video: the framebuffer's address, then mode 3 -------------------------------
	POST_CODE POST_VIDEO
	mov	bx, 0x10		; PCI 00:02.0
	mov	cl, 0x10		; BAR0
	call	pci_read32
	and	eax, 0xFFFFFFF0
	mov	[es:EB_LFB], eax
	mov	al, 0x03
	call	set_mode
	PUTS	msg_banner
	mov	eax, [es:EB_RAMTOP]
	shr	eax, 20
	call	put_dec
	PUTS	msg_ram
	test	byte [es:EB_FLAGS], EBF_HC
	jz	.banner_done
	PUTS	msg_hc
.banner_done:
	PUTS	msg_crlf

	; --- keyboard controller and keyboard ---------------------------------------------
	POST_CODE POST_KBD
	call	kbd_init

	; --- disks --------------------------------------------------------------------------
	POST_CODE POST_DISKS
	call	ebda_es
	call	ata_detect
	mov	al, [es:EB_NHD]
	mov	[BDA_HD_COUNT], al

	; --- a kernel given with --kernel: the VMM loads and starts it -----------------
	; (HC_BOOT_KERNEL, vmm/boot.h): the call does not return then. Without
	; one it fails, and the BIOS boots a disk. Interrupts are still off
	; and A20 on, as the kernel's entry wants them.
	POST_CODE POST_KERNEL
	test	byte [es:EB_FLAGS], EBF_HC
	jz	.no_kernel
	mov	ax, HC_BOOT_KERNEL
	xor	ebx, ebx
	call	hc_simple
.no_kernel:

	sti
	int	0x19			; boot (does not return)
	jmp	$

msg_banner:	db "popek BIOS", 13, 10, "Memory: ", 0
msg_ram:	db " MiB", 0
msg_hc:		db ", VMM hypercalls on port 0x520", 0

; The handlers POST installs: vector, offset.
post_vectors:
	db	0x08
	dw	int08_handler
	db	0x09
	dw	int09_handler
%assign v 0x0A
%rep 6
	db	v
	dw	irq_master_default
%assign v v + 1
%endrep
	db	0x10
	dw	int10_handler
	db	0x11
	dw	int11_handler
	db	0x12
	dw	int12_handler
	db	0x13
	dw	int13_handler
	db	0x15
	dw	int15_handler
	db	0x16
	dw	int16_handler
	db	0x18
	dw	int18_handler
	db	0x19
	dw	int19_handler
	db	0x1A
	dw	int1a_handler
	db	0x70
	dw	int70_handler
%assign v 0x71
%rep 7
	db	v
	dw	irq_slave_default
%assign v v + 1
%endrep
	db	0x75
	dw	int75_handler
	db	0xFF

; kbd_init: the i8042 self-test, a keyboard reset and scanning on, with
; the controller's interrupts off meanwhile so no reply reaches INT 09h;
; then translation to set 1, keyboard interrupt on, mouse port off. Every
; wait is bounded: a missing keyboard only costs time.
kbd_init:
	pusha
	mov	cx, 16
.flush:
	in	al, PORT_KBD_STATUS
	test	al, 0x01
	jz	.flushed
	in	al, PORT_KBD_DATA
	loop	.flush
.flushed:
	mov	al, 0x60
	call	kbc_command
	mov	al, 0x64		; translate, system flag, mouse off, no IRQs
	call	kbc_data
	mov	al, 0xAA
	call	kbc_command		; controller self-test
	call	kbc_read		; 55h
	mov	al, 0xFF
	call	kbc_data		; keyboard reset
	call	kbc_read		; FAh
	call	kbc_read		; AAh
	mov	al, 0xF4
	call	kbc_data		; scanning on
	call	kbc_read		; FAh
	mov	al, 0x60
	call	kbc_command
	mov	al, 0x65		; now with the keyboard interrupt
	call	kbc_data
	popa
	ret

; kbc_wait_write: waits (bounded) until the controller takes a byte.
kbc_wait_write:
	push	cx
	mov	cx, 0xFFFF
.poll:
	in	al, PORT_KBD_STATUS
	test	al, 0x02
	jz	.done
	loop	.poll
.done:
	pop	cx
	ret
kbc_command:
	push	ax
	call	kbc_wait_write
	pop	ax
	out	PORT_KBD_STATUS, al
	ret
kbc_data:
	push	ax
	call	kbc_wait_write
	pop	ax
	out	PORT_KBD_DATA, al
	ret
; kbc_read: AL = the next byte from the controller (bounded wait; 0 if none).
kbc_read:
	push	cx
	mov	cx, 0xFFFF
.poll:
	in	al, PORT_KBD_STATUS
	test	al, 0x01
	jnz	.ready
	loop	.poll
	pop	cx
	xor	al, al
	ret
.ready:
	in	al, PORT_KBD_DATA
	pop	cx
	ret

; --- default handlers ---------------------------------------------------------------
default_iret:
	iret

; IRQ 2-7 and 9-15 nobody handles: acknowledged so they do not block
; lower-priority interrupts.
irq_master_default:
	push	ax
	mov	al, 0x20
	out	PORT_PIC1, al
	pop	ax
	iret
irq_slave_default:
	push	ax
	mov	al, 0x20
	out	PORT_PIC2, al
	out	PORT_PIC1, al
	pop	ax
	iret

; INT 75h (IRQ13, the x87's error): clears the error latch (port 0xF0),
; acknowledges, and reports it as an NMI (INT 02h), as the AT BIOS did.
int75_handler:
	push	ax
	xor	al, al
	out	0xF0, al
	mov	al, 0x20
	out	PORT_PIC2, al
	out	PORT_PIC1, al
	pop	ax
	int	0x02
	iret

; INT 11h: AX = the equipment word.
int11_handler:
	push	ds
	push	word BDA_SEG
	pop	ds
	mov	ax, [BDA_EQUIP]
	pop	ds
	iret

; INT 12h: AX = conventional memory in KiB.
int12_handler:
	push	ds
	push	word BDA_SEG
	pop	ds
	mov	ax, [BDA_MEMSIZE]
	pop	ds
	iret
