; boot.asm: INT 19h, the bootstrap loader, and INT 18h, what happens when
; nothing boots.
;
; INT 19h tries the devices in the CMOS boot order (0x3D low nibble, high
; nibble, then 0x38 high nibble: 2 = hard disk, 3 = CD-ROM; --boot sets
; them). A hard disk boots from its first sector, loaded at 0000:7C00 and
; started with DL = 80h if it ends with 55AAh. A CD boots through El
; Torito: the boot record at sector 17 names the boot catalog, whose
; default entry must be a no-emulation image; its sectors are loaded at
; their load segment (07C0h by default) and started there with DL = E0h.
; Each failure is reported on the screen (and COM1 when headless) and the
; next device is tried; after the last, INT 18h.

CD_SCRATCH_SEG	equ 0x0600	; 2 KiB at 0x6000 for the CD's descriptors
BOOT_SEG	equ 0x0000
BOOT_OFF	equ 0x7C00

; El Torito state in the EBDA (for INT 13h AX=4B01h).
EB_ETO_LBA	equ 0x170	; dword: the image's first CD sector
EB_ETO_SEG	equ 0x174	; word: load segment
EB_ETO_COUNT	equ 0x176	; word: 512-byte sectors loaded

int19_handler:
	cli
	xor	ax, ax
	mov	ss, ax
	mov	sp, BOOT_OFF
	sti
	cld
	POST_CODE POST_BOOT
	; The three boot devices, one per byte on the stack.
	mov	al, CMOS_BOOT2
	call	cmos_read
	mov	bl, al
	and	bl, 0x0F		; first
	mov	bh, al
	shr	bh, 4			; second
	mov	al, CMOS_BOOT1
	call	cmos_read
	shr	al, 4			; third
	push	ax
	push	bx
	mov	si, sp
	xor	di, di
.next:
	cmp	di, 3
	jae	.none
	mov	bx, si
	mov	al, [ss:bx + di]	; first, second (BX), third (AL)
	inc	di
	cmp	al, BOOT_DISK
	je	.disk
	cmp	al, BOOT_CDROM
	je	.cd
	cmp	al, BOOT_FLOPPY
	je	.floppy
	cmp	al, BOOT_NET
	je	.net
	jmp	.next
.disk:
	call	boot_disk
	jmp	.next
.cd:
	call	boot_cd
	jmp	.next
.floppy:
	PUTS	msg_no_floppy
	jmp	.next
.net:
	PUTS	msg_no_net
	jmp	.next
.none:
	int	0x18

msg_no_floppy:	db "Boot from floppy: there is no floppy drive", 13, 10, 0
msg_no_net:	db "Boot from network: not supported", 13, 10, 0

; boot_disk: boots the first hard disk, or returns after saying why not.
boot_disk:
	push	ds
	call	ebda_es
	cmp	byte [es:EB_NHD], 0
	je	.no_disk
	PUTS	msg_boot_disk
	mov	cx, 3			; a read that fails is retried after a reset
.read:
	push	cx
	mov	ax, 0x0201
	mov	cx, 0x0001
	xor	dh, dh
	mov	dl, 0x80
	push	word BOOT_SEG
	pop	es
	mov	bx, BOOT_OFF
	int	0x13
	pop	cx
	jnc	.check
	xor	ah, ah
	mov	dl, 0x80
	int	0x13
	loop	.read
	PUTS	msg_read_failed
	pop	ds
	ret
.check:
	cmp	word [es:BOOT_OFF + 510], 0xAA55
	jne	.not_bootable
	mov	dl, 0x80
	jmp	boot_jump_7c00
.not_bootable:
	PUTS	msg_not_bootable
	pop	ds
	ret
.no_disk:
	PUTS	msg_no_disk
	pop	ds
	ret

msg_boot_disk:	db "Booting from hard disk...", 13, 10, 0
msg_read_failed: db "Boot failed: could not read the boot sector", 13, 10, 0
msg_not_bootable: db "Boot failed: not a bootable disk (no 55AAh signature)", 13, 10, 0
msg_no_disk:	db "Boot from hard disk: no hard disk", 13, 10, 0

; boot_jump_7c00: starts the boot sector at 0000:7C00 with DL = the drive,
; the other registers cleared, the stack just below it.
boot_jump_7c00:
	call	ebda_es
	mov	[es:EB_BOOTDRV], dl
	POST_CODE POST_BOOT_JUMP
	cli
	xor	ax, ax
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	mov	sp, BOOT_OFF
	xor	bx, bx
	xor	cx, cx
	xor	dh, dh
	xor	si, si
	xor	di, di
	xor	bp, bp
	sti
	jmp	BOOT_SEG:BOOT_OFF

; cd_read: reads CX 2048-byte sectors from CD sector EAX to ES:BX through
; INT 13h AH=42h. CF on failure. Keeps the registers.
cd_read:
	pushad
	push	ds
	push	ss
	pop	ds
	push	dword 0			; LBA high
	push	eax			; LBA low
	push	es
	push	bx
	push	cx
	push	word 0x0010		; packet size
	mov	si, sp
	mov	dl, CD_DRIVE
	mov	ah, 0x42
	int	0x13
	lea	sp, [si + 16]
	pop	ds
	popad
	ret

; boot_cd: El Torito, no emulation. Returns after saying why not.
boot_cd:
	push	ds
	call	ebda_es
	cmp	word [es:EB_CD], 0
	je	.no_drive
	PUTS	msg_boot_cd
	push	word CD_SCRATCH_SEG
	pop	es
	xor	bx, bx
	mov	eax, 17			; the boot record volume descriptor
	mov	cx, 1
	call	cd_read
	jc	.no_disc
	cmp	dword [es:1], 'CD00'
	jne	.not_bootable
	cmp	dword [es:7], 'EL T'
	jne	.not_bootable
	mov	eax, [es:0x47]		; the boot catalog's sector
	call	cd_read
	jc	.no_disc
	; The validation entry (header 01h, key 55h AAh), then the default
	; entry: bootable (88h), no emulation.
	cmp	byte [es:0], 0x01
	jne	.not_bootable
	cmp	word [es:0x1E], 0xAA55
	jne	.not_bootable
	cmp	byte [es:0x20], 0x88
	jne	.not_bootable
	test	byte [es:0x21], 0x0F
	jnz	.emulation
	mov	dx, [es:0x22]		; load segment
	test	dx, dx
	jnz	.seg_ok
	mov	dx, 0x07C0
.seg_ok:
	movzx	ecx, word [es:0x26]	; 512-byte sectors to load
	mov	eax, [es:0x28]		; the image's first CD sector
	push	es
	call	ebda_es
	mov	[es:EB_ETO_LBA], eax
	mov	[es:EB_ETO_SEG], dx
	mov	[es:EB_ETO_COUNT], cx
	mov	byte [es:EB_CD_EMU], 1
	pop	es
	add	cx, 3
	shr	cx, 2			; CD sectors
	jz	.not_bootable
	mov	es, dx
	xor	bx, bx
	call	cd_read
	jc	.no_disc
	call	ebda_es
	mov	byte [es:EB_BOOTDRV], CD_DRIVE
	POST_CODE POST_BOOT_JUMP
	cli
	xor	ax, ax
	mov	ss, ax
	mov	sp, BOOT_OFF
	push	dx			; the image's segment:0000, for RETF
	push	word 0
	mov	ds, dx
	mov	es, dx
	mov	dl, CD_DRIVE
	sti
	retf
.no_drive:
	PUTS	msg_no_cd_drive
	pop	ds
	ret
.no_disc:
	PUTS	msg_no_disc
	pop	ds
	ret
.not_bootable:
	PUTS	msg_cd_not_bootable
	pop	ds
	ret
.emulation:
	PUTS	msg_cd_emulation
	pop	ds
	ret

msg_boot_cd:	db "Booting from CD-ROM...", 13, 10, 0
msg_no_cd_drive: db "Boot from CD-ROM: no CD-ROM drive", 13, 10, 0
msg_no_disc:	db "Boot failed: no disc in the CD-ROM drive", 13, 10, 0
msg_cd_not_bootable: db "Boot failed: the CD is not bootable (no El Torito boot record)", 13, 10, 0
msg_cd_emulation: db "Boot failed: the CD boots through disk emulation, which is not supported", 13, 10, 0

; INT 13h AH=4Bh: AL = 00h (terminate emulation) or 01h (status): DS:SI =
; the 13h-byte specification packet of the no-emulation boot.
d_cd_status:
	cmp	al, 1
	ja	int13_bad
	cmp	byte [fs:EB_CD_EMU], 0
	je	int13_bad
	cmp	dl, CD_DRIVE
	jne	int13_bad
	mov	byte [si], 0x13
	mov	byte [si + 1], 0		; no emulation
	mov	byte [si + 2], CD_DRIVE
	mov	byte [si + 3], 0
	mov	eax, [fs:EB_ETO_LBA]
	mov	[si + 4], eax
	push	si
	mov	si, [fs:EB_CD]
	movzx	ax, byte [fs:si + DRV_ATA]
	and	al, 1
	pop	si
	mov	[si + 8], ax			; master or slave
	mov	word [si + 0x0A], 0
	mov	ax, [fs:EB_ETO_SEG]
	mov	[si + 0x0C], ax
	mov	ax, [fs:EB_ETO_COUNT]
	mov	[si + 0x0E], ax
	mov	word [si + 0x10], 0
	mov	byte [si + 0x12], 0
	jmp	int13_ok

; INT 18h: nothing could boot. The message stays on the screen (and goes
; to COM1 when headless); a headless run then halts with interrupts off,
; which ends it, while a window keeps the machine idling so the user can
; read it.
int18_handler:
	POST_CODE POST_NO_BOOT
	PUTS	msg_no_boot
	call	ebda_flags
	test	al, EBF_HEADLESS
	jz	.idle
	call	serial_drain		; the message leaves COM1 before the end
	cli
.halt:
	hlt
	jmp	.halt
.idle:
	sti
	hlt
	jmp	.idle

msg_no_boot:	db "No bootable device.", 13, 10, 0
