; whoami.asm: a one-sector boot disk that says it booted, from which drive
; (DL), and ends the run: the boot order tests tell the disk from the CD by
; this line.

BODY_SECTORS	equ 1
%include "bios_test.inc"
	mov	si, msg
	call	puts
	mov	al, [boot_drive]
	call	puthex8
	mov	al, 10
	out	PORT_DEBUGCON, al
	xor	al, al
	out	PORT_EXIT, al
	cli
	hlt
msg:	db "booted from the hard disk, DL=", 0
	times 1024 * 1024 - ($ - $$) db 0
