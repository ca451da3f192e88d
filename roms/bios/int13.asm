; int13.asm: INT 13h, the disk services, for the hard disks (80h on) and
; the CD (E0h) POST found. There are no floppy drives: calls for drives
; 00h-7Fh fail with AH = 01h.
;
;   00 reset   01 last status   02/03/04 read/write/verify (CHS)
;   05 format (no-op)   08 parameters   09/0C/0D/10/11/14 (no-ops)
;   15 drive type   41 extensions check   42/43/44 read/write/verify (LBA)
;   45 lock   46 eject   47 seek   48 parameters (EDD 3.0)
;   4B El Torito status / terminate emulation
;
; A transfer becomes a request in the EBDA (EB_REQ) that disk_transfer
; carries out either through the VMM hypercall port (EBF_HC_DISK: one call
; per request, counted in the VMM statistics) or through the ATA ports
; (ata.asm), sector by sector. Both give the guest the same result.

int13_handler:
	ENTER_FRAME
	push	fs
	sti
	cld
	call	ebda_es
	push	es
	pop	fs			; FS = EBDA
	movzx	si, ah
	cmp	si, (int13_table_end - int13_table) / 2
	jae	int13_bad
	shl	si, 1
	mov	si, [cs:int13_table + si]
	push	si
	mov	si, [bp + F_SI]
	mov	es, [bp + F_ES]
	ret				; to the service, registers as called

int13_table:
	dw	d_reset, d_status, d_read, d_write, d_verify, d_ok_if_drive	; 00-05
	dw	int13_bad, int13_bad, d_params, d_ok_if_drive, int13_bad	; 06-0A
	dw	int13_bad, d_ok_if_drive, d_ok_if_drive, int13_bad, int13_bad	; 0B-0F
	dw	d_ok_if_drive, d_ok_if_drive, int13_bad, int13_bad		; 10-13
	dw	d_ok_if_drive, d_type						; 14-15
	times 0x41 - 0x16 dw int13_bad					; 16-40
	dw	d_ext_check, d_ext_read, d_ext_write, d_ext_verify		; 41-44
	dw	d_lock, d_eject, d_ext_seek, d_ext_params			; 45-48
	dw	int13_bad, int13_bad, d_cd_status				; 49-4B
int13_table_end:

; The ways out. int13_status: AH = status, CF = (AH != 0), remembered in
; the BDA for AH=01h.
int13_bad:
	mov	ah, DS_BADCMD
int13_status:
	push	ds
	call	bda_ds
	mov	[BDA_HD_STATUS], ah
	pop	ds
int13_status_only:
	mov	[bp + F_AH], ah
	test	ah, ah
	jnz	.fail
	CLEAR_CF
	jmp	int13_done
.fail:
	SET_CF
int13_done:
	pop	fs
	LEAVE_FRAME

int13_ok:
	xor	ah, ah
	jmp	int13_status

; find_drive: SI = the EBDA offset (FS) of drive DL's entry; CF if none.
; Keeps the other registers.
find_drive:
	push	cx
	movzx	cx, byte [fs:EB_NDRV]
	mov	si, EB_DRIVES
	jcxz	.none
.next:
	cmp	[fs:si + DRV_NUMBER], dl
	je	.found
	add	si, DRV_SIZE
	loop	.next
.none:
	pop	cx
	stc
	ret
.found:
	pop	cx
	clc
	ret

; 00h reset: always succeeds (there is nothing to recalibrate).
d_reset:
	jmp	int13_ok

; 01h: AH = the status of the last operation.
d_status:
	push	ds
	call	bda_ds
	mov	ah, [BDA_HD_STATUS]
	mov	byte [BDA_HD_STATUS], 0
	pop	ds
	jmp	int13_status_only

; 05h, 09h, 0Ch, 0Dh, 10h, 11h, 14h: nothing to do for an existing disk.
d_ok_if_drive:
	call	find_drive
	jc	int13_bad
	jmp	int13_ok

; 15h: AH = 03h (hard disk) with CX:DX = its CHS sectors; 00h when absent.
d_type:
	call	find_drive
	jc	.none
	movzx	eax, word [fs:si + DRV_CYLS]
	movzx	ecx, word [fs:si + DRV_HEADS]
	imul	eax, ecx
	movzx	ecx, word [fs:si + DRV_SPT]
	imul	eax, ecx
	mov	[bp + F_DX], ax
	shr	eax, 16
	mov	[bp + F_CX], ax
	mov	byte [bp + F_AH], 0x03
	CLEAR_CF
	jmp	int13_done
.none:
	mov	byte [bp + F_AH], 0
	CLEAR_CF
	jmp	int13_done

; 08h: CH/CL = last cylinder and sectors per track, DH = last head, DL =
; number of hard disks.
d_params:
	call	find_drive
	jc	int13_bad
	cmp	byte [fs:si + DRV_KIND], DRV_DISK
	jne	int13_bad
	mov	ax, [fs:si + DRV_CYLS]
	dec	ax
	mov	[bp + F_CH], al
	shr	ax, 2
	and	al, 0xC0
	or	al, [fs:si + DRV_SPT]
	mov	[bp + F_CL], al
	mov	al, [fs:si + DRV_HEADS]
	dec	al
	mov	[bp + F_DH], al
	mov	al, [fs:EB_NHD]
	mov	[bp + F_DL], al
	mov	byte [bp + F_AL], 0
	jmp	int13_ok

; --- CHS transfers --------------------------------------------------------------------
; chs_request: fills EB_REQ from the CHS registers of 02h-04h (AL count,
; CH/CL cylinder and sector, DH head, ES:BX buffer) for the disk at FS:SI.
; AH = status and CF when the address is outside the drive.
chs_request:
	test	al, al
	jz	.bad
	cmp	byte [fs:si + DRV_KIND], DRV_DISK
	jne	.bad
	mov	[fs:EB_REQ + REQ_COUNT], al
	mov	byte [fs:EB_REQ + REQ_COUNT + 1], 0
	mov	[fs:EB_REQ + REQ_BUF], bx
	mov	[fs:EB_REQ + REQ_BUF + 2], es
	; sector 1..spt, head < heads, cylinder < cylinders
	movzx	eax, cl
	and	al, 0x3F
	jz	.notfound
	cmp	ax, [fs:si + DRV_SPT]
	ja	.notfound
	dec	ax
	push	eax			; sector - 1
	movzx	eax, cl
	shl	ax, 2
	mov	al, ch			; cylinder: CL bits 6-7 above CH
	cmp	ax, [fs:si + DRV_CYLS]
	jae	.notfound_pop
	movzx	ecx, word [fs:si + DRV_HEADS]
	imul	eax, ecx		; cylinder * heads
	movzx	ecx, dh
	cmp	cx, [fs:si + DRV_HEADS]
	jae	.notfound_pop
	add	eax, ecx
	movzx	ecx, word [fs:si + DRV_SPT]
	imul	eax, ecx
	pop	ecx
	add	eax, ecx
	mov	[fs:EB_REQ + REQ_LBA], eax
	mov	dword [fs:EB_REQ + REQ_LBA + 4], 0
	xor	ah, ah
	clc
	ret
.notfound_pop:
	pop	eax
.notfound:
	mov	ah, DS_NOTFOUND
	stc
	ret
.bad:
	mov	ah, DS_BADCMD
	stc
	ret

; 02h read, 03h write, 04h verify (CHS). AL = sectors done on return.
d_read:
	mov	byte [fs:EB_REQ + REQ_WRITE], 0
	jmp	d_chs
d_write:
	mov	byte [fs:EB_REQ + REQ_WRITE], 1
d_chs:
	call	find_drive
	jc	int13_bad
	mov	byte [bp + F_AL], 0
	call	chs_request
	jc	int13_status
	call	disk_transfer
	push	ax
	mov	al, [fs:EB_REQ + REQ_DONE]
	mov	[bp + F_AL], al
	pop	ax
	jmp	int13_status
d_verify:
	call	find_drive
	jc	int13_bad
	call	chs_request
	jc	int13_status
	call	range_check
	jmp	int13_status

; range_check: AH = 0 when the request lies inside the drive at FS:SI,
; else DS_NOTFOUND (CF set).
range_check:
	push	eax
	push	edx
	movzx	eax, word [fs:EB_REQ + REQ_COUNT]
	xor	edx, edx
	add	eax, [fs:EB_REQ + REQ_LBA]
	adc	edx, [fs:EB_REQ + REQ_LBA + 4]
	jc	.out
	cmp	edx, [fs:si + DRV_SECTORS + 4]
	ja	.out
	jb	.in
	cmp	eax, [fs:si + DRV_SECTORS]
	ja	.out
.in:
	pop	edx
	pop	eax
	xor	ah, ah
	clc
	ret
.out:
	pop	edx
	pop	eax
	mov	ah, DS_NOTFOUND
	stc
	ret

; disk_transfer: carries out the request at FS:EB_REQ on the drive at
; FS:SI. AH = status (CF set unless 0); REQ_DONE = sectors moved.
disk_transfer:
	mov	word [fs:EB_REQ + REQ_DONE], 0
	call	range_check
	jc	.ret
	cmp	word [fs:EB_REQ + REQ_COUNT], 0
	je	.ret			; nothing to do (AH = 0)
	test	byte [fs:EB_FLAGS], EBF_HC_DISK
	jz	ata_pio
	; The hypercall: one call moves the whole request.
	push	ebx
	push	eax
	mov	ax, HC_DISK_READ
	cmp	byte [fs:EB_REQ + REQ_WRITE], 0
	je	.fn
	mov	ax, HC_DISK_WRITE
.fn:
	mov	[fs:EB_HC_BLOCK + HCB_FUNC], ax
	movzx	eax, byte [fs:si + DRV_ATA]
	mov	[fs:EB_HC_BLOCK + HCB_A0], eax
	mov	eax, [fs:EB_REQ + REQ_LBA]
	mov	[fs:EB_HC_BLOCK + HCB_A1], eax
	mov	eax, [fs:EB_REQ + REQ_LBA + 4]
	mov	[fs:EB_HC_BLOCK + HCB_A2], eax
	movzx	eax, word [fs:EB_REQ + REQ_COUNT]
	mov	[fs:EB_HC_BLOCK + HCB_A3], eax
	movzx	eax, word [fs:EB_REQ + REQ_BUF + 2]
	shl	eax, 4
	movzx	ebx, word [fs:EB_REQ + REQ_BUF]
	add	eax, ebx
	mov	[fs:EB_HC_BLOCK + HCB_A4], eax
	call	hc_call
	mov	bx, [fs:EB_HC_BLOCK + HCB_A3]
	mov	[fs:EB_REQ + REQ_DONE], bx
	mov	bl, DS_OK
	jnc	.mapped
	mov	bl, DS_NOTFOUND		; bad range, host I/O error
	cmp	ax, 4
	jne	.not_ro
	mov	bl, DS_WRPROT
.not_ro:
	cmp	ax, 5
	jne	.mapped
	mov	bl, DS_NOMEDIA
.mapped:
	pop	eax			; (the caller's EAX back, then AH = status)
	mov	ah, bl
	pop	ebx
	test	ah, ah
	jz	.ret
	stc
.ret:
	ret

; --- extensions ----------------------------------------------------------------------
; 41h: BX = 55AAh -> BX = AA55h, AH = 30h (EDD 3.0), CX = the interfaces:
; fixed disk access (bit 0), EDD (bit 2), and for the CD removable media
; (bit 1).
d_ext_check:
	cmp	bx, 0x55AA
	jne	int13_bad
	call	find_drive
	jc	int13_bad
	mov	word [bp + F_BX], 0xAA55
	mov	word [bp + F_CX], 0x0005
	cmp	byte [fs:si + DRV_KIND], DRV_CDROM
	jne	.done
	mov	word [bp + F_CX], 0x0007
.done:
	mov	byte [bp + F_AH], 0x30
	CLEAR_CF
	jmp	int13_done

; ext_request: fills EB_REQ from the disk address packet at DS:SI (the
; caller's): count, buffer (seg:off; FFFF:FFFF with a 64-bit address is
; refused: the BIOS runs in real mode), first sector. SI = the drive entry
; afterwards. AH = status and CF on a bad packet.
ext_request:
	mov	di, si			; DS:DI = the packet
	call	find_drive
	jc	.bad
	cmp	byte [di], 0x10
	jb	.bad
	mov	ax, [di + 2]
	mov	[fs:EB_REQ + REQ_COUNT], ax
	mov	eax, [di + 4]
	cmp	eax, 0xFFFFFFFF
	je	.bad
	mov	[fs:EB_REQ + REQ_BUF], eax
	mov	eax, [di + 8]
	mov	[fs:EB_REQ + REQ_LBA], eax
	mov	eax, [di + 12]
	mov	[fs:EB_REQ + REQ_LBA + 4], eax
	xor	ah, ah
	clc
	ret
.bad:
	mov	ah, DS_BADCMD
	stc
	ret

; 42h read, 43h write (AL = write flags, ignored), 44h verify: DS:SI = the
; disk address packet; its count becomes the sectors done.
d_ext_read:
	mov	byte [fs:EB_REQ + REQ_WRITE], 0
	jmp	d_ext_rw
d_ext_write:
	mov	byte [fs:EB_REQ + REQ_WRITE], 1
d_ext_rw:
	call	ext_request
	jc	int13_status
	call	disk_transfer
	mov	bx, [fs:EB_REQ + REQ_DONE]
	mov	[di + 2], bx
	jmp	int13_status
d_ext_verify:
	call	ext_request
	jc	int13_status
	call	range_check
	jmp	int13_status

; 47h seek: only checks the address.
d_ext_seek:
	jmp	d_ext_verify

; 45h lock/unlock (AL = 0/1; 2: status -> AL = 0): accepted for the CD.
d_lock:
	call	find_drive
	jc	int13_bad
	cmp	byte [fs:si + DRV_KIND], DRV_CDROM
	jne	int13_bad
	mov	byte [bp + F_AL], 0
	jmp	int13_ok

; 46h eject: the disc stays (the host owns the image); a hard disk is not
; removable (B2h).
d_eject:
	call	find_drive
	jc	int13_bad
	mov	ah, 0xB2
	cmp	byte [fs:si + DRV_KIND], DRV_CDROM
	jne	int13_status
	mov	ah, 0xB1		; "volume locked in drive"
	jmp	int13_status

; 48h: DS:SI = the result buffer, its first word the size the caller gave.
; Fills EDD 1.x (1Ah bytes), 2.x (1Eh, no DPTE) or 3.0 (42h, device path).
d_ext_params:
	mov	di, si			; DS:DI = the buffer
	call	find_drive
	jc	int13_bad
	mov	ax, [di]
	cmp	ax, 0x1A
	jb	int13_bad
	mov	cx, 0x42
	cmp	ax, cx
	jae	.size
	mov	cx, 0x1E
	cmp	ax, cx
	jae	.size
	mov	cx, 0x1A
.size:
	mov	[di], cx
	mov	word [di + 2], 0x0002		; CHS values valid
	cmp	byte [fs:si + DRV_KIND], DRV_CDROM
	jne	.disk_flags
	mov	word [di + 2], 0x0074		; removable, change line, lockable
.disk_flags:
	movzx	eax, word [fs:si + DRV_PCYLS]
	mov	[di + 4], eax
	movzx	eax, word [fs:si + DRV_PHEADS]
	mov	[di + 8], eax
	movzx	eax, word [fs:si + DRV_PSPT]
	mov	[di + 12], eax
	mov	eax, [fs:si + DRV_SECTORS]
	mov	[di + 16], eax
	mov	eax, [fs:si + DRV_SECTORS + 4]
	mov	[di + 20], eax
	mov	ax, [fs:si + DRV_SECSIZE]
	mov	[di + 24], ax
	cmp	cx, 0x1E
	jb	.done
	mov	dword [di + 26], 0xFFFFFFFF	; no DPTE
	cmp	cx, 0x42
	jb	.done
	mov	word [di + 0x1E], 0xBEDD	; device path present
	mov	byte [di + 0x20], 0x24		; its length
	mov	byte [di + 0x21], 0
	mov	word [di + 0x22], 0
	mov	dword [di + 0x24], 'ISA '
	mov	dword [di + 0x28], 'ATA '
	mov	dword [di + 0x2C], '    '
	cmp	byte [fs:si + DRV_KIND], DRV_CDROM
	jne	.path
	mov	dword [di + 0x28], 'ATAP'
	mov	dword [di + 0x2C], 'I   '
.path:
	mov	ax, [fs:si + DRV_IOBASE]
	movzx	eax, ax
	mov	[di + 0x30], eax		; interface path: the base port
	mov	dword [di + 0x34], 0
	mov	al, [fs:si + DRV_ATA]
	and	eax, 1
	mov	[di + 0x38], eax		; device path: master 0, slave 1
	mov	dword [di + 0x3C], 0
	mov	byte [di + 0x40], 0
	; Checksum: bytes 1Eh-41h add up to zero.
	xor	al, al
	mov	bx, 0x1E
.sum:
	add	al, [di + bx]
	inc	bx
	cmp	bx, 0x41
	jb	.sum
	neg	al
	mov	[di + 0x41], al
.done:
	jmp	int13_ok
