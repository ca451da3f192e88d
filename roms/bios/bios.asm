; bios.asm: popek's BIOS, the firmware that boots disks. This file only
; assembles the parts; each service lives in its own file:
;
;   util.asm    the handlers' register frame, printing (screen + COM1),
;               hypercalls, PCI configuration reads
;   post.asm    power-on self test: IVT, BDA/EBDA, PIC, PIT, CMOS, COM1,
;               keyboard controller, then INT 19h
;   video.asm   INT 10h: text services, teletype, scrolling, pixels
;   vga.asm     INT 10h mode sets: VGA register tables, DAC, fonts
;   vbe.asm     INT 10h AX=4Fxx: VESA BIOS extensions over Bochs VBE
;   ata.asm     ATA/ATAPI through the ports: detection and PIO transfers
;   int13.asm   INT 13h: hard disks (CHS and extensions) and the CD
;   int15.asm   INT 15h: memory map, A20, waits, system configuration
;   kbd.asm     INT 09h keyboard IRQ and INT 16h keyboard services
;   time.asm    INT 08h timer IRQ, INT 1Ah clock services, INT 70h RTC IRQ
;   boot.asm    INT 19h boot loader, INT 18h no boot device, El Torito
;   fonts.asm   the 8x8, 8x14 and 8x16 character generators (generated at
;               build time from Debian's console fonts by psf_font.c)
;
; The image is 64 KiB, mapped at F000:0000 (and at the top of 4 GiB). The
; CPU starts at F000:FFF0, the jump at the end of this file. The BIOS never
; writes to its own segment (it is ROM): its variables live in the BDA
; (0x400) and the EBDA (0x9F800), see bios.inc; the hypercall port is in
; docs/HYPERCALLS.md.
;
; By hand: nasm -f bin -I roms/bios/ -I build/roms/ -o bios.bin roms/bios/bios.asm

%include "bios.inc"

	bits 16
	cpu 686
	org 0

bios_start:
%include "util.asm"
%include "post.asm"
%include "video.asm"
%include "vga.asm"
%include "vbe.asm"
%include "ata.asm"
%include "int13.asm"
%include "int15.asm"
%include "kbd.asm"
%include "time.asm"
%include "boot.asm"
%include "fonts.asm"

bios_code_end:
; The tail: the reset vector, the BIOS date and the machine model byte, at
; the addresses every PC BIOS has them.
	times 0xFFF0 - ($ - $$) db 0xFF
reset_vector:				; F000:FFF0
	jmp	BIOS_SEG:post_start
	db	"06/01/25"		; F000:FFF5: BIOS date
	db	0
	db	0xFC			; F000:FFFE: model byte: AT-class
	db	0
