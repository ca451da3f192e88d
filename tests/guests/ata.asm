; ata.asm: drives the primary IDE master through its ports, polled (nIEN
; set), as a BIOS does: IDENTIFY DEVICE (model string, capacity), then
; WRITE SECTORS of a pattern to LBA 5 and FLUSH CACHE, then reads LBA 5 back
; three ways (READ SECTORS with LBA28, READ SECTORS EXT with LBA48, READ
; SECTORS by CHS cylinder 0 head 0 sector 6) and compares each with the
; pattern; a read past the end must fail (IDNF). Run it on a 1 MiB image
; (2048 sectors). Byte i of the pattern is (i * 7 + 0x5A) & 0xFF; the
; data-safety script (tests/devices/ata_persist.sh) looks for it in the image
; file afterwards.
;
; On a write-protected disk the write fails with ABRT: the guest says so and
; exits with 0x30 (status 97), which the script expects for a read-only file.
%include "guest.inc"

ATA_DATA	equ 0x1F0
ATA_ERROR	equ 0x1F1
ATA_NSECT	equ 0x1F2
ATA_LBAL	equ 0x1F3
ATA_LBAM	equ 0x1F4
ATA_LBAH	equ 0x1F5
ATA_DEVICE	equ 0x1F6
ATA_STATUS	equ 0x1F7	; write: command
ATA_CONTROL	equ 0x3F6	; read: alternate status

ST_BSY		equ 0x80
ST_DRDY		equ 0x40
ST_DRQ		equ 0x08
ST_ERR		equ 0x01

BUF_SEG		equ SCRATCH >> 4	; pattern at 0, read-backs at 0x200...
DISK_SECTORS	equ 2048

; OUTB port, value
%macro OUTB 2
	mov	dx, %1
	mov	al, %2
	out	dx, al
%endmacro

start:
	cld
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	mov	ax, BUF_SEG
	mov	ds, ax
	mov	es, ax

	OUTB	ATA_CONTROL, 0x02	; nIEN: no interrupts, we poll
	call	wait_ready
	CHECK16	al, ST_DRDY | 0x10, 0x01	; DRDY and DSC after power-on

	; IDENTIFY DEVICE into the buffer at 0x800.
	OUTB	ATA_DEVICE, 0xA0
	OUTB	ATA_STATUS, 0xEC
	call	wait_ready
	test	al, ST_DRQ
	jnz	.id_drq
	mov	al, 0x02
	jmp	fail16
.id_drq:
	mov	di, 0x800
	call	read_sector
	call	wait_ready
	CHECK16	al, ST_DRDY | 0x10, 0x03	; DRQ gone, no error
	; Model: words 27-46, two characters a word, the first in the high
	; byte, so in memory each pair is swapped.
	mov	si, model_swapped
	mov	di, 0x800 + 27 * 2
	mov	cx, model_len
.model:
	mov	al, [cs:si]
	CHECK16	al, [es:di], 0x04
	inc	si
	inc	di
	loop	.model
	CHECK16	word [0x800 + 60 * 2], DISK_SECTORS, 0x05	; LBA28 capacity
	CHECK16	word [0x800 + 61 * 2], 0, 0x06
	CHECK16	word [0x800 + 100 * 2], DISK_SECTORS, 0x07	; LBA48 capacity
	PUTS16	msg_identify

	; The pattern, at offset 0.
	xor	di, di
	mov	al, 0x5A
	mov	cx, 512
.fill:
	stosb
	add	al, 7
	loop	.fill

	; WRITE SECTORS: LBA 5, one sector.
	call	lba28_5
	OUTB	ATA_STATUS, 0x30
	call	wait_ready
	test	al, ST_ERR
	jz	.write_ok
	mov	dx, ATA_ERROR
	in	al, dx
	CHECK16	al, 0x04, 0x08		; a refused write is ABRT
	PUTS16	msg_protected
	EXIT	0x30
.write_ok:
	test	al, ST_DRQ
	jnz	.write_drq
	mov	al, 0x09
	jmp	fail16
.write_drq:
	xor	si, si
	mov	cx, 256
	mov	dx, ATA_DATA
	rep outsw
	call	wait_ready
	CHECK16	al, ST_DRDY | 0x10, 0x0A
	OUTB	ATA_STATUS, 0xE7	; FLUSH CACHE
	call	wait_ready
	CHECK16	al, ST_DRDY | 0x10, 0x0B
	PUTS16	msg_write

	; READ SECTORS, LBA28.
	call	lba28_5
	OUTB	ATA_STATUS, 0x20
	mov	di, 0x200
	call	read_checked
	CHECK16	ax, 0, 0x10

	; READ SECTORS EXT: the high-order bytes first, then the low ones.
	OUTB	ATA_DEVICE, 0x40
	OUTB	ATA_NSECT, 0
	OUTB	ATA_LBAL, 0
	OUTB	ATA_LBAM, 0
	OUTB	ATA_LBAH, 0
	OUTB	ATA_NSECT, 1
	OUTB	ATA_LBAL, 5
	OUTB	ATA_LBAM, 0
	OUTB	ATA_LBAH, 0
	OUTB	ATA_STATUS, 0x24
	mov	di, 0x400
	call	read_checked
	CHECK16	ax, 0, 0x11

	; READ SECTORS by CHS: LBA 5 is cylinder 0, head 0, sector 6.
	OUTB	ATA_DEVICE, 0xA0
	OUTB	ATA_NSECT, 1
	OUTB	ATA_LBAL, 6
	OUTB	ATA_LBAM, 0
	OUTB	ATA_LBAH, 0
	OUTB	ATA_STATUS, 0x20
	mov	di, 0x600
	call	read_checked
	CHECK16	ax, 0, 0x12

	; Past the end: ERR, no data, and IDNF (a drive's answer; QEMU, which
	; this guest also runs on, says ABRT).
	OUTB	ATA_DEVICE, 0xE0
	OUTB	ATA_NSECT, 1
	OUTB	ATA_LBAL, DISK_SECTORS & 0xFF
	OUTB	ATA_LBAM, DISK_SECTORS >> 8
	OUTB	ATA_LBAH, 0
	OUTB	ATA_STATUS, 0x20
	call	wait_ready
	and	al, ST_BSY | ST_DRQ | ST_ERR
	CHECK16	al, ST_ERR, 0x13
	mov	dx, ATA_ERROR
	in	al, dx
	test	al, 0x10 | 0x04
	jnz	.refused
	mov	al, 0x14
	jmp	fail16
.refused:
	PUTS16	msg_read
	EXIT	0

; lba28_5: the task file for LBA 5, one sector, LBA28.
lba28_5:
	OUTB	ATA_DEVICE, 0xE0
	OUTB	ATA_NSECT, 1
	OUTB	ATA_LBAL, 5
	OUTB	ATA_LBAM, 0
	OUTB	ATA_LBAH, 0
	ret

; wait_ready: waits (boundedly: a drive that stays busy is a failure, not a
; hang) for BSY to clear; returns the status in AL (read from the status
; register, which acknowledges any interrupt). Clobbers ECX, DX.
wait_ready:
	mov	ecx, 0x01000000
	mov	dx, ATA_CONTROL
.poll:
	in	al, dx
	test	al, ST_BSY
	jz	.ready
	a32 loop .poll
	mov	al, 0x20
	jmp	fail16
.ready:
	mov	dx, ATA_STATUS
	in	al, dx
	ret

; read_sector: 256 words from the data port to ES:DI.
read_sector:
	mov	cx, 256
	mov	dx, ATA_DATA
	rep insw
	ret

; read_checked: after a read command, waits for DRQ, reads the sector to
; ES:DI and compares it with the pattern at 0. Returns AX = 0 when equal.
read_checked:
	push	di
	call	wait_ready
	pop	di
	test	al, ST_ERR
	jnz	.bad
	test	al, ST_DRQ
	jz	.bad
	push	di
	call	read_sector
	call	wait_ready
	pop	di
	test	al, ST_DRQ | ST_ERR
	jnz	.bad
	xor	si, si
	mov	cx, 256
	repe cmpsw
	jne	.bad
	xor	ax, ax
	ret
.bad:
	mov	ax, 1
	ret

model_swapped:	db "opep kAHDRIDKS"	; "popek HARDDISK" in word order
model_len	equ $ - model_swapped
msg_identify:	db "identify ok", 10, 0
msg_write:	db "write ok", 10, 0
msg_read:	db "read ok", 10, 0
msg_protected:	db "write-protected disk", 10, 0
