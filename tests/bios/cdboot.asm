; cdboot.asm: a bootable CD image (ISO 9660 descriptors and an El Torito
; no-emulation boot image, laid out by hand). The boot image says it
; booted and from which drive, then asks INT 13h about that drive: the
; extensions, the sector size (48h), a read of sector 16 through 42h (the
; primary volume descriptor, "CD001") and the El Torito status (4B01h).

SECTOR		equ 2048
CATALOG_LBA	equ 19
IMAGE_LBA	equ 20
BUF		equ 0x3000
DAP		equ 0x2F00

	bits 16
	cpu 686
	org 0
	times 16 * SECTOR db 0
; 16: primary volume descriptor (the fields a BIOS never reads left blank).
	db	1, "CD001", 1
	times 17 * SECTOR - ($ - $$) db 0
; 17: the El Torito boot record.
	db	0, "CD001", 1
	db	"EL TORITO SPECIFICATION"
	times 17 * SECTOR + 0x47 - ($ - $$) db 0
	dd	CATALOG_LBA
	times 18 * SECTOR - ($ - $$) db 0
; 18: the descriptor set terminator.
	db	0xFF, "CD001", 1
	times CATALOG_LBA * SECTOR - ($ - $$) db 0
; 19: the boot catalog: validation entry (x86; the words sum to 0), then
; the default entry: bootable, no emulation, load segment 0 (07C0h), four
; 512-byte sectors from IMAGE_LBA.
	db	1, 0
	dw	0
	times 24 db 0
	dw	0x55AA			; checksum: 0x0001 + 0x55AA + 0xAA55 = 0 (mod 2^16)
	db	0x55, 0xAA
	db	0x88, 0
	dw	0
	db	0, 0
	dw	4
	dd	IMAGE_LBA
	times IMAGE_LBA * SECTOR - ($ - $$) db 0

; 20: the boot image, at 0000:7C00.
image:
	section	bootimg vstart=0x7C00 follows=.text
	cli
	xor	ax, ax
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	mov	sp, 0x7C00
	sti
	cld
	mov	[drive], dl
	mov	si, msg_booted
	call	puts
	mov	al, dl
	call	puthex8
	call	newline
	mov	ah, 0x41
	mov	bx, 0x55AA
	mov	dl, [drive]
	int	0x13
	mov	si, msg_ext
	call	puts
	mov	ax, bx
	call	puthex16
	call	newline
	mov	word [BUF], 0x1A
	mov	ah, 0x48
	mov	dl, [drive]
	mov	si, BUF
	int	0x13
	mov	si, msg_secsize
	call	puts
	mov	ax, [BUF + 0x18]
	call	puthex16
	call	newline
	mov	byte [DAP], 0x10
	mov	byte [DAP + 1], 0
	mov	word [DAP + 2], 1
	mov	word [DAP + 4], BUF
	mov	word [DAP + 6], 0
	mov	dword [DAP + 8], 16
	mov	dword [DAP + 12], 0
	mov	ah, 0x42
	mov	dl, [drive]
	mov	si, DAP
	int	0x13
	mov	si, msg_pvd
	call	puts
	mov	cx, 5
	mov	si, BUF + 1
.pvd:
	lodsb
	out	0xE9, al
	loop	.pvd
	call	newline
	mov	byte [BUF + 1], 0xEE
	mov	ax, 0x4B01
	mov	dl, [drive]
	mov	si, BUF
	int	0x13
	setc	bl
	mov	si, msg_status
	call	puts
	mov	al, bl
	call	puthex4
	mov	al, ' '
	out	0xE9, al
	mov	al, [BUF + 1]
	call	puthex8
	mov	al, ' '
	out	0xE9, al
	mov	eax, [BUF + 4]
	call	puthex16
	call	newline
	xor	al, al
	out	0xF4, al
	cli
	hlt

puts:
	lodsb
	test	al, al
	jz	.done
	out	0xE9, al
	jmp	puts
.done:
	ret
newline:
	mov	al, 10
	out	0xE9, al
	ret
puthex4:
	push	ax
	and	al, 0x0F
	add	al, '0'
	cmp	al, '9'
	jbe	.out
	add	al, 'A' - '9' - 1
.out:
	out	0xE9, al
	pop	ax
	ret
puthex8:
	push	ax
	shr	al, 4
	call	puthex4
	pop	ax
	jmp	puthex4
puthex16:
	xchg	al, ah
	call	puthex8
	xchg	al, ah
	jmp	puthex8

msg_booted:	db "booted from the CD, DL=", 0
msg_ext:	db "int13 41 on the CD: bx ", 0
msg_secsize:	db "int13 48 bytes per sector: ", 0
msg_pvd:	db "int13 42 sector 16: ", 0
msg_status:	db "int13 4b01 CF, media type, image LBA: ", 0
drive:		db 0
	times SECTOR - ($ - $$) db 0
	times 16 * SECTOR db 0		; padding: the disc is 36 sectors
