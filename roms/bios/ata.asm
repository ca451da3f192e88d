; ata.asm: the ATA/ATAPI controller driven through its ports: finding the
; devices at POST (IDENTIFY, IDENTIFY PACKET), and the PIO transfers INT 13h
; uses when the hypercall path is off: READ/WRITE SECTORS (LBA28) and their
; EXT forms (LBA48) for disks, PACKET + READ(10) for the CD.
;
; Interrupts stay off on both channels (nIEN): the BIOS polls the status
; register, which popek's controller answers at once; every wait is still
; bounded, so a device that never answers is an error, not a hang.

ATA_DATA	equ 0
ATA_ERROR	equ 1
ATA_FEATURE	equ 1
ATA_NSECT	equ 2
ATA_LBAL	equ 3
ATA_LBAM	equ 4
ATA_LBAH	equ 5
ATA_DEVICE	equ 6
ATA_STATUS	equ 7
ATA_COMMAND	equ 7

ST_BSY		equ 0x80
ST_DRDY		equ 0x40
ST_DF		equ 0x20
ST_DRQ		equ 0x08
ST_ERR		equ 0x01

CMD_READ	equ 0x20
CMD_READ_EXT	equ 0x24
CMD_WRITE	equ 0x30
CMD_WRITE_EXT	equ 0x34
CMD_PACKET	equ 0xA0
CMD_ID_PACKET	equ 0xA1
CMD_IDENTIFY	equ 0xEC

; INT 13h status codes the transfers return in AH.
DS_OK		equ 0x00
DS_BADCMD	equ 0x01
DS_WRPROT	equ 0x03
DS_NOTFOUND	equ 0x04
DS_BOUNDARY	equ 0x09
DS_CTRLFAIL	equ 0x20
DS_TIMEOUT	equ 0x80
DS_NOTREADY	equ 0xAA
DS_WRITEFAULT	equ 0xCC
DS_NOMEDIA	equ 0x31

; ata_wait: waits until BSY clears on the channel at DX (command block
; base). AL = the status; CF set on a time-out. Keeps the other registers.
ata_wait:
	push	ecx
	push	dx
	add	dx, ATA_STATUS
	mov	ecx, 0x100000
.poll:
	in	al, dx
	test	al, ST_BSY
	jz	.ready
	dec	ecx
	jnz	.poll
	pop	dx
	pop	ecx
	stc
	ret
.ready:
	pop	dx
	pop	ecx
	clc
	ret

; ata_out: writes AL to register AH of the channel at DX. Keeps registers.
ata_out:
	push	dx
	push	ax
	movzx	ax, ah
	add	dx, ax
	pop	ax
	out	dx, al
	pop	dx
	ret

; ata_in: AL = register AH of the channel at DX. Keeps the others.
ata_in:
	push	dx
	push	ax
	movzx	ax, ah
	add	dx, ax
	pop	ax
	in	al, dx
	pop	dx
	ret

; --- detection -----------------------------------------------------------------------
; ata_detect: identifies the four possible devices and fills the drive
; table in the EBDA (ES): disks numbered 80h on, the first CD as E0h.
; Prints one line per device.
ata_detect:
	pushad
	push	fs
	push	es
	pop	fs			; FS = EBDA for the table
	mov	byte [fs:EB_NHD], 0
	mov	byte [fs:EB_NDRV], 0
	mov	word [fs:EB_CD], 0
	xor	bx, bx			; BX = ATA device number 0-3
.device:
	mov	dx, 0x1F0
	mov	cx, 0x3F6
	cmp	bx, 2
	jb	.primary
	mov	dx, 0x170
	mov	cx, 0x376
.primary:
	mov	ah, ATA_STATUS
	call	ata_in
	cmp	al, 0xFF
	je	.next			; nothing on this channel: the bus floats
	test	bl, 1
	jnz	.selected
	; Master: a software reset of the channel (interrupts off: the BIOS
	; polls) leaves each device's signature in its registers.
	push	dx
	mov	dx, cx
	mov	al, 0x06
	out	dx, al			; SRST, nIEN
	call	io_wait_short
	mov	al, 0x02
	out	dx, al			; nIEN
	pop	dx
	call	ata_wait
.selected:
	mov	al, bl
	and	al, 1
	shl	al, 4
	or	al, 0xE0
	mov	ah, ATA_DEVICE
	call	ata_out			; select the device
	call	io_wait_short
	; The signature: 00h/00h an ATA disk (its status is not zero),
	; 14h/EBh an ATAPI device; anything else (01h/01h/FFh/FFh after a
	; reset) is no device.
	mov	ah, ATA_LBAM
	call	ata_in
	mov	bh, al
	mov	ah, ATA_LBAH
	call	ata_in
	cmp	bh, 0x14
	jne	.not_atapi
	cmp	al, 0xEB
	je	.present
.not_atapi:
	or	bh, al
	jnz	.next
	mov	ah, ATA_STATUS
	call	ata_in
	test	al, al
	jz	.next
.present:
	xor	bh, bh
	call	ata_wait
	jc	.next
	; Room in the table?
	movzx	di, byte [fs:EB_NDRV]
	cmp	di, DRV_COUNT
	jae	.next
	shl	di, 6
	add	di, EB_DRIVES		; FS:DI = the new entry
	mov	[fs:di + DRV_ATA], bl
	mov	[fs:di + DRV_IOBASE], dx
	mov	[fs:di + DRV_CTLBASE], cx
	mov	al, bl
	and	al, 1
	shl	al, 4
	or	al, 0xE0
	mov	[fs:di + DRV_SEL], al
	mov	al, CMD_IDENTIFY
	call	ata_identify
	jnc	.disk
	; IDENTIFY aborted: an ATAPI device shows its signature 14h/EBh.
	mov	ah, ATA_LBAM
	call	ata_in
	cmp	al, 0x14
	jne	.next
	mov	ah, ATA_LBAH
	call	ata_in
	cmp	al, 0xEB
	jne	.next
	mov	al, CMD_ID_PACKET
	call	ata_identify
	jc	.next
	cmp	word [fs:EB_CD], 0
	jne	.next			; one CD is enough for the BIOS
	mov	byte [fs:di + DRV_KIND], DRV_CDROM
	mov	word [fs:di + DRV_SECSIZE], 2048
	mov	byte [fs:di + DRV_NUMBER], CD_DRIVE
	mov	[fs:EB_CD], di
	call	atapi_capacity
	jmp	.found
.disk:
	mov	byte [fs:di + DRV_KIND], DRV_DISK
	mov	word [fs:di + DRV_SECSIZE], 512
	mov	al, [fs:EB_NHD]
	add	al, 0x80
	mov	[fs:di + DRV_NUMBER], al
	inc	byte [fs:EB_NHD]
	call	disk_geometry
.found:
	inc	byte [fs:EB_NDRV]
	call	ata_print
.next:
	xor	bh, bh			; the signature checks borrow BH
	inc	bx
	cmp	bx, 4
	jb	.device
	pop	fs
	popad
	ret

; ata_identify: runs IDENTIFY (AL = ECh) or IDENTIFY PACKET (A1h) on the
; selected device of channel DX into EBDA:EB_SCRATCH and copies the model
; into the entry at FS:DI. CF set when the device aborted it.
ata_identify:
	pusha
	push	es
	mov	ah, ATA_COMMAND
	call	ata_out
	call	ata_wait
	jc	.fail
	test	al, ST_ERR
	jnz	.fail
	test	al, ST_DRQ
	jz	.fail
	push	fs
	pop	es
	push	di
	mov	di, EB_SCRATCH
	mov	cx, 256
	rep	insw
	pop	di
	; The model: words 27-46, two characters per word, high byte first.
	mov	si, EB_SCRATCH + 27 * 2
	lea	bx, [di + DRV_MODEL]
	mov	cx, 15			; 30 characters fit with the NUL
.model:
	mov	ax, [fs:si]
	xchg	al, ah
	mov	[fs:bx], ax
	add	si, 2
	add	bx, 2
	loop	.model
	mov	byte [fs:bx], 0
.trim:
	dec	bx
	cmp	bx, di
	jbe	.done
	cmp	byte [fs:bx], ' '
	jne	.done
	mov	byte [fs:bx], 0
	jmp	.trim
.done:
	pop	es
	popa
	clc
	ret
.fail:
	pop	es
	popa
	stc
	ret

; disk_geometry: the entry at FS:DI from the IDENTIFY data in the scratch
; area: capacity (LBA28, or LBA48 when supported), the drive's CHS, and
; the translated geometry INT 13h shows (LBA-assisted above 1024
; cylinders: 63 sectors, as many heads as keep cylinders <= 1024).
disk_geometry:
	pushad
	mov	eax, [fs:EB_SCRATCH + 60 * 2]
	mov	[fs:di + DRV_SECTORS], eax
	mov	dword [fs:di + DRV_SECTORS + 4], 0
	mov	byte [fs:di + DRV_LBA48], 0
	test	word [fs:EB_SCRATCH + 83 * 2], 1 << 10
	jz	.chs
	mov	byte [fs:di + DRV_LBA48], 1
	mov	eax, [fs:EB_SCRATCH + 100 * 2]
	mov	[fs:di + DRV_SECTORS], eax
	mov	eax, [fs:EB_SCRATCH + 102 * 2]
	and	eax, 0xFFFF
	mov	[fs:di + DRV_SECTORS + 4], eax
.chs:
	mov	ax, [fs:EB_SCRATCH + 1 * 2]
	mov	[fs:di + DRV_PCYLS], ax
	mov	[fs:di + DRV_CYLS], ax
	mov	ax, [fs:EB_SCRATCH + 3 * 2]
	mov	[fs:di + DRV_PHEADS], ax
	mov	[fs:di + DRV_HEADS], ax
	mov	ax, [fs:EB_SCRATCH + 6 * 2]
	mov	[fs:di + DRV_PSPT], ax
	mov	[fs:di + DRV_SPT], ax
	cmp	word [fs:di + DRV_PCYLS], 1024
	jbe	.done
	; LBA-assisted translation of min(capacity, 1024 * 255 * 63) sectors.
	mov	eax, [fs:di + DRV_SECTORS]
	cmp	dword [fs:di + DRV_SECTORS + 4], 0
	jne	.big
	cmp	eax, 1024 * 255 * 63
	jbe	.size
.big:
	mov	eax, 1024 * 255 * 63
.size:
	mov	cx, 16
.heads:
	cmp	eax, 1024 * 63 * 128
	ja	.h255
	movzx	ebx, cx
	imul	ebx, 1024 * 63
	cmp	eax, ebx
	jbe	.have_heads
	shl	cx, 1
	jmp	.heads
.h255:
	mov	cx, 255
.have_heads:
	mov	[fs:di + DRV_HEADS], cx
	mov	word [fs:di + DRV_SPT], 63
	movzx	ebx, cx
	imul	ebx, 63
	xor	edx, edx
	div	ebx
	cmp	eax, 1024
	jbe	.cyls
	mov	eax, 1024
.cyls:
	mov	[fs:di + DRV_CYLS], ax
.done:
	popad
	ret

; atapi_capacity: READ CAPACITY into the CD entry at FS:DI (0 sectors
; without a disc).
atapi_capacity:
	pushad
	push	es
	mov	dword [fs:di + DRV_SECTORS], 0
	mov	dword [fs:di + DRV_SECTORS + 4], 0
	call	cdb_clear
	mov	byte [fs:EB_CDB], 0x25	; READ CAPACITY
	push	fs
	pop	es
	mov	si, di
	mov	di, EB_SCRATCH
	mov	bx, 8
	call	atapi_packet
	mov	di, si
	jc	.done
	mov	eax, [fs:EB_SCRATCH]	; the last sector, big-endian
	bswap	eax
	inc	eax
	mov	[fs:di + DRV_SECTORS], eax
.done:
	pop	es
	popad
	ret

; ata_print: one POST line for the entry at FS:DI, e.g.
; "ata0-0: hard disk 80h, 1 MiB, QEMU HARDDISK".
ata_print:
	pushad
	PUTS	msg_ata
	mov	al, [fs:di + DRV_ATA]
	shr	al, 1
	add	al, '0'
	call	putc
	mov	al, '-'
	call	putc
	mov	al, [fs:di + DRV_ATA]
	and	al, 1
	add	al, '0'
	call	putc
	cmp	byte [fs:di + DRV_KIND], DRV_CDROM
	je	.cd
	PUTS	msg_ata_disk
	mov	al, [fs:di + DRV_NUMBER]
	call	put_hex8
	PUTS	msg_ata_h
	mov	eax, [fs:di + DRV_SECTORS]
	mov	edx, [fs:di + DRV_SECTORS + 4]
	shrd	eax, edx, 11		; MiB
	call	put_dec
	PUTS	msg_mib
	jmp	.model
.cd:
	PUTS	msg_ata_cd
.model:
	push	fs
	pop	es
	lea	si, [di + DRV_MODEL]
	mov	cx, 32
	call	puts_es
	PUTS	msg_crlf
	popad
	ret

msg_ata:	db "ata", 0
msg_ata_disk:	db ": hard disk ", 0
msg_ata_h:	db "h, ", 0
msg_mib:	db " MiB, ", 0
msg_ata_cd:	db ": CD-ROM E0h, ", 0
msg_crlf:	db 13, 10, 0

; cdb_clear: zeroes the command packet at FS:EB_CDB. Keeps registers.
cdb_clear:
	mov	dword [fs:EB_CDB], 0
	mov	dword [fs:EB_CDB + 4], 0
	mov	dword [fs:EB_CDB + 8], 0
	ret

; --- ATAPI ------------------------------------------------------------------------------
; atapi_packet: sends the packet at FS:EB_CDB to the CD whose entry is at
; FS:SI and reads what it returns into ES:DI, at most BX bytes (the rest
; is read and dropped). CF set when the command fails.
atapi_packet:
	pushad
	mov	dx, [fs:si + DRV_IOBASE]
	mov	al, [fs:si + DRV_SEL]
	mov	ah, ATA_DEVICE
	call	ata_out
	call	ata_wait
	jc	.fail
	mov	ax, (ATA_FEATURE << 8) | 0
	call	ata_out			; PIO, no DMA
	mov	ax, (ATA_LBAM << 8) | 0x00
	call	ata_out
	mov	ax, (ATA_LBAH << 8) | 0x08
	call	ata_out			; at most 2048 bytes per block
	mov	ax, (ATA_COMMAND << 8) | CMD_PACKET
	call	ata_out
	call	ata_wait
	jc	.fail
	test	al, ST_DRQ
	jz	.fail
	push	ds
	push	si
	push	fs
	pop	ds
	mov	si, EB_CDB
	mov	cx, 6
	rep	outsw			; the 12-byte packet
	pop	si
	pop	ds
.block:
	call	ata_wait
	jc	.fail
	test	al, ST_ERR
	jnz	.fail
	test	al, ST_DRQ
	jz	.done
	; The device tells how many bytes this block has.
	mov	ah, ATA_LBAM
	call	ata_in
	mov	cl, al
	mov	ah, ATA_LBAH
	call	ata_in
	mov	ch, al
	shr	cx, 1			; words
.word:
	jcxz	.block
	in	ax, dx
	dec	cx
	cmp	bx, 2
	jb	.word			; past the caller's buffer: drop
	mov	[es:di], ax
	add	di, 2
	sub	bx, 2
	jmp	.word
.done:
	popad
	clc
	ret
.fail:
	popad
	stc
	ret

; --- PIO transfers -------------------------------------------------------------------
; ata_pio: runs the request at FS:EB_REQ on the drive at FS:SI through the
; ports. Returns AH = INT 13h status (CF set unless 0); REQ_DONE counts the
; sectors moved.
ata_pio:
	push	es
	pushad
	mov	bp, sp			; for the status on the way out
	mov	word [fs:EB_REQ + REQ_DONE], 0
	; ES:DI = the buffer, normalised so a sector never wraps the offset.
	les	di, [fs:EB_REQ + REQ_BUF]
	mov	ax, di
	shr	ax, 4
	mov	bx, es
	add	bx, ax
	mov	es, bx
	and	di, 0x0F
	cmp	byte [fs:si + DRV_KIND], DRV_CDROM
	je	.cd
.chunk:
	mov	cx, [fs:EB_REQ + REQ_COUNT]
	sub	cx, [fs:EB_REQ + REQ_DONE]
	jz	.ok
	cmp	cx, 128
	jbe	.size
	mov	cx, 128
.size:
	call	ata_command
	jc	.error
.sector:
	mov	dx, [fs:si + DRV_IOBASE]
	call	ata_wait
	jc	.timeout
	test	al, ST_ERR | ST_DF
	jnz	.device_error
	test	al, ST_DRQ
	jz	.device_error
	push	cx
	push	di
	mov	cx, 256
	cmp	byte [fs:EB_REQ + REQ_WRITE], 0
	jne	.write
	rep	insw
	jmp	.moved
.write:
	push	ds
	push	si
	mov	si, di
	push	es
	pop	ds
	rep	outsw
	pop	si
	pop	ds
.moved:
	pop	di
	pop	cx
	mov	ax, es
	add	ax, 512 >> 4
	mov	es, ax
	inc	word [fs:EB_REQ + REQ_DONE]
	loop	.sector
	call	ata_wait		; a write ends when the drive has it
	jc	.timeout
	test	al, ST_ERR | ST_DF
	jnz	.device_error
	jmp	.chunk
.cd:
	; One READ(10) of one 2048-byte sector per packet.
	cmp	byte [fs:EB_REQ + REQ_WRITE], 0
	jne	.write_protected
.cd_sector:
	mov	cx, [fs:EB_REQ + REQ_COUNT]
	cmp	cx, [fs:EB_REQ + REQ_DONE]
	je	.ok
	call	cdb_clear
	mov	byte [fs:EB_CDB], 0x28	; READ(10)
	mov	eax, [fs:EB_REQ + REQ_LBA]
	movzx	ecx, word [fs:EB_REQ + REQ_DONE]
	add	eax, ecx
	bswap	eax
	mov	[fs:EB_CDB + 2], eax
	mov	byte [fs:EB_CDB + 8], 1
	mov	bx, 2048
	call	atapi_packet
	jnc	.cd_read
	call	atapi_packet		; once more (a unit attention after a change)
	jc	.device_error
.cd_read:
	mov	ax, es
	add	ax, 2048 >> 4
	mov	es, ax
	inc	word [fs:EB_REQ + REQ_DONE]
	jmp	.cd_sector
.ok:
	popad
	pop	es
	mov	ah, DS_OK
	clc
	ret
.write_protected:
	mov	al, DS_WRPROT
	jmp	.fail
.timeout:
	mov	al, DS_TIMEOUT
	jmp	.fail
.error:
	mov	al, DS_NOTFOUND
	jmp	.fail
.device_error:
	mov	al, DS_NOTFOUND
.fail:
	mov	[bp + 28 + 1], al	; pushad's EAX: AH
	popad
	pop	es
	stc
	ret

; ata_command: issues READ/WRITE SECTORS (EXT) for CX sectors (1-128) at
; REQ_LBA + REQ_DONE on the disk at FS:SI. CF set when the address does not
; fit the drive's addressing. Keeps every register.
ata_command:
	pushad
	movzx	ebx, word [fs:EB_REQ + REQ_DONE]
	mov	eax, [fs:EB_REQ + REQ_LBA]
	mov	edx, [fs:EB_REQ + REQ_LBA + 4]
	add	eax, ebx
	adc	edx, 0			; EDX:EAX = first sector
	; LBA28 if the whole range stays below 2^28.
	test	edx, edx
	jnz	.lba48
	mov	ebx, eax
	movzx	ebp, cx
	add	ebx, ebp
	jc	.lba48
	cmp	ebx, 0x10000000
	ja	.lba48
	mov	ebx, eax		; EBX = LBA
	mov	dx, [fs:si + DRV_IOBASE]
	mov	al, [fs:si + DRV_SEL]
	mov	ah, ATA_DEVICE
	call	ata_out
	call	ata_wait
	jc	.fail
	mov	ah, ATA_NSECT
	mov	al, cl
	call	ata_out
	mov	ah, ATA_LBAL
	mov	al, bl
	call	ata_out
	mov	ah, ATA_LBAM
	mov	al, bh
	call	ata_out
	shr	ebx, 16
	mov	ah, ATA_LBAH
	mov	al, bl
	call	ata_out
	mov	al, bh
	and	al, 0x0F
	or	al, [fs:si + DRV_SEL]
	mov	ah, ATA_DEVICE
	call	ata_out
	mov	al, CMD_READ
	cmp	byte [fs:EB_REQ + REQ_WRITE], 0
	je	.cmd
	mov	al, CMD_WRITE
	jmp	.cmd
.lba48:
	cmp	byte [fs:si + DRV_LBA48], 0
	je	.fail
	cmp	edx, 0xFFFF
	ja	.fail
	mov	ebx, eax
	mov	bp, dx			; BP = LBA bits 32-47
	mov	dx, [fs:si + DRV_IOBASE]
	mov	al, [fs:si + DRV_SEL]
	mov	ah, ATA_DEVICE
	call	ata_out
	call	ata_wait
	jc	.fail
	; The high bytes first, then the low ones.
	mov	ah, ATA_NSECT
	mov	al, ch
	call	ata_out
	mov	eax, ebx
	shr	eax, 24
	mov	ah, ATA_LBAL
	call	ata_out
	mov	ax, bp
	mov	ah, ATA_LBAM
	call	ata_out
	mov	ax, bp
	mov	al, ah
	mov	ah, ATA_LBAH
	call	ata_out
	mov	ah, ATA_NSECT
	mov	al, cl
	call	ata_out
	mov	ah, ATA_LBAL
	mov	al, bl
	call	ata_out
	mov	ah, ATA_LBAM
	mov	al, bh
	call	ata_out
	shr	ebx, 16
	mov	ah, ATA_LBAH
	mov	al, bl
	call	ata_out
	mov	al, CMD_READ_EXT
	cmp	byte [fs:EB_REQ + REQ_WRITE], 0
	je	.cmd
	mov	al, CMD_WRITE_EXT
.cmd:
	mov	ah, ATA_COMMAND
	call	ata_out
	popad
	clc
	ret
.fail:
	popad
	stc
	ret
