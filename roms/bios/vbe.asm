; vbe.asm: INT 10h AX=4Fxxh, the VESA BIOS extensions (VBE 3.0 calls,
; 2.0-style information), over the Bochs "DISPI" interface of popek's VGA
; (ports 0x1CE/0x1CF, devices/vga.h). Every mode has a linear framebuffer
; at the VGA's PCI BAR0 (read at POST) and a 64 KiB window at A000 whose
; bank 4F05h moves.
;
;   4F00 controller information    4F01 mode information
;   4F02 set mode (bit 14: LFB, bit 15: keep memory; modes < 100h go to
;        the VGA mode set)         4F03 current mode
;   4F05 bank (window A)           4F06 logical scan line length
;   4F07 display start             4F08 DAC width (6 or 8 bits)
;   4F09 palette data
;   4F04 save/restore state and 4F0A protected-mode interface are in
;   vbe_state.asm.

DISPI_ID	equ 0
DISPI_XRES	equ 1
DISPI_YRES	equ 2
DISPI_BPP	equ 3
DISPI_ENABLE	equ 4
DISPI_BANK	equ 5
DISPI_VIRT_W	equ 6
DISPI_VIRT_H	equ 7
DISPI_X_OFF	equ 8
DISPI_Y_OFF	equ 9
DISPI_VRAM64K	equ 10
DISPI_ENABLED	equ 0x01
DISPI_8BIT_DAC	equ 0x20
DISPI_LFB	equ 0x40
DISPI_NOCLEAR	equ 0x80

; The modes: number, width, height, bits per pixel.
vbe_modes:
	dw	0x101, 640, 480, 8
	dw	0x103, 800, 600, 8
	dw	0x105, 1024, 768, 8
	dw	0x110, 640, 480, 15
	dw	0x113, 800, 600, 15
	dw	0x116, 1024, 768, 15
	dw	0x111, 640, 480, 16
	dw	0x114, 800, 600, 16
	dw	0x117, 1024, 768, 16
	dw	0x112, 640, 480, 24
	dw	0x115, 800, 600, 24
	dw	0x118, 1024, 768, 24
	dw	0x140, 640, 480, 32
	dw	0x141, 800, 600, 32
	dw	0x142, 1024, 768, 32
	dw	0x143, 1280, 1024, 32
	dw	0x144, 1920, 1080, 32
vbe_modes_end:
VM_SIZE		equ 8

vbe_oem:	db "popek VBE (Bochs DISPI)", 0
vbe_vendor:	db "popek", 0
vbe_product:	db "popek VGA", 0
vbe_revision:	db "1.0", 0

; dispi_set: DISPI register CL = AX. Keeps every register.
dispi_set:
	push	dx
	push	ax
	mov	dx, PORT_VBE_INDEX
	movzx	ax, cl
	out	dx, ax
	inc	dx
	pop	ax
	out	dx, ax
	pop	dx
	ret

; dispi_get: AX = DISPI register CL. Keeps every other register.
dispi_get:
	push	dx
	mov	dx, PORT_VBE_INDEX
	movzx	ax, cl
	out	dx, ax
	inc	dx
	in	ax, dx
	pop	dx
	ret

; vbe_disable: back to the VGA (a VGA mode set calls it).
vbe_disable:
	push	ax
	push	cx
	push	es
	mov	cl, DISPI_ENABLE
	call	dispi_get
	and	ax, DISPI_8BIT_DAC	; keep only the DAC width
	call	dispi_set
	call	ebda_es
	mov	word [es:EB_VBE_MODE], 0
	pop	es
	pop	cx
	pop	ax
	ret

; vbe_find: SI = the vbe_modes entry of mode CX (bits 0-8), CF if none.
vbe_find:
	push	cx
	and	cx, 0x1FF
	mov	si, vbe_modes
.next:
	cmp	[cs:si], cx
	je	.found
	add	si, VM_SIZE
	cmp	si, vbe_modes_end
	jb	.next
	pop	cx
	stc
	ret
.found:
	pop	cx
	clc
	ret

; vbe_pitch: AX = bytes per line of the entry at CS:SI. Keeps the others.
vbe_pitch:
	push	dx
	mov	ax, [cs:si + 6]
	add	ax, 7
	shr	ax, 3			; bytes per pixel
	mul	word [cs:si + 2]
	pop	dx
	ret

vbe_handler:
	ENTER_FRAME
	mov	word [bp + F_AX], 0x014F	; "failed" unless a function says otherwise
	cmp	al, 0x00
	je	vbe_info
	cmp	al, 0x01
	je	vbe_mode_info
	cmp	al, 0x02
	je	vbe_set_mode
	cmp	al, 0x03
	je	vbe_get_mode
	cmp	al, 0x04
	je	vbe_state
	cmp	al, 0x05
	je	vbe_bank
	cmp	al, 0x06
	je	vbe_scanline
	cmp	al, 0x07
	je	vbe_start
	cmp	al, 0x08
	je	vbe_dac_width
	cmp	al, 0x09
	je	vbe_palette
	cmp	al, 0x0A
	je	vbe_pm_info
	mov	word [bp + F_AX], 0x0100 | 0x4F	; not supported
	jmp	int10_done

vbe_ok:
	mov	word [bp + F_AX], 0x004F
	jmp	int10_done

; 4F00h: ES:DI = the 512-byte (VBE 2.0+: "VBE2" on entry) information block.
vbe_info:
	cmp	dword [es:di], 'VBE2'
	pushf
	push	di
	mov	cx, 128			; VBE 1.x: a 256-byte block
	jne	.clear
	mov	cx, 256			; VBE 2.0+: 512 bytes
.clear:
	xor	ax, ax
	rep	stosw
	pop	di
	mov	dword [es:di], 'VESA'
	mov	word [es:di + 4], 0x0300
	mov	word [es:di + 6], vbe_oem
	mov	word [es:di + 8], cs
	mov	dword [es:di + 10], 1	; the DAC can switch to 8 bits
	; The mode list: copied into the block's reserved area (offset 34),
	; where VBE 2.0 callers expect it to survive, and pointed at there.
	lea	bx, [di + 34]
	mov	word [es:di + 14], bx
	mov	word [es:di + 16], es
	mov	si, vbe_modes
.list:
	mov	ax, [cs:si]
	mov	[es:bx], ax
	add	bx, 2
	add	si, VM_SIZE
	cmp	si, vbe_modes_end
	jb	.list
	mov	word [es:bx], 0xFFFF
	mov	cl, DISPI_VRAM64K
	call	dispi_get
	mov	[es:di + 18], ax
	popf
	jne	vbe_ok
	mov	word [es:di + 20], 0x0100
	mov	word [es:di + 22], vbe_vendor
	mov	word [es:di + 24], cs
	mov	word [es:di + 26], vbe_product
	mov	word [es:di + 28], cs
	mov	word [es:di + 30], vbe_revision
	mov	word [es:di + 32], cs
	jmp	vbe_ok

; Colour layouts by depth: red size/position, green, blue, reserved.
vbe_layout_15:	db 5, 10, 5, 5, 5, 0, 1, 15
vbe_layout_16:	db 5, 11, 6, 5, 5, 0, 0, 0
vbe_layout_24:	db 8, 16, 8, 8, 8, 0, 0, 0
vbe_layout_32:	db 8, 16, 8, 8, 8, 0, 8, 24

; 4F01h: CX = mode -> ES:DI = the 256-byte mode information block.
vbe_mode_info:
	call	vbe_find
	jc	int10_done
	push	di
	mov	cx, 128
	xor	ax, ax
	rep	stosw
	pop	di
	mov	word [es:di + 0], 0x009B	; supported, colour, graphics, LFB
	mov	byte [es:di + 2], 0x07		; window A: exists, read, write
	mov	word [es:di + 4], 64		; granularity (KiB)
	mov	word [es:di + 6], 64		; size (KiB)
	mov	word [es:di + 8], GFX_SEG
	mov	word [es:di + 12], vbe_window_func
	mov	word [es:di + 14], cs
	call	vbe_pitch
	mov	[es:di + 16], ax
	mov	[es:di + 50], ax		; linear bytes per line
	mov	bx, ax
	mov	ax, [cs:si + 2]
	mov	[es:di + 18], ax
	mov	ax, [cs:si + 4]
	mov	[es:di + 20], ax
	mov	byte [es:di + 22], 8
	mov	byte [es:di + 23], 16
	mov	byte [es:di + 24], 1
	mov	al, [cs:si + 6]
	mov	[es:di + 25], al
	mov	byte [es:di + 26], 1
	mov	byte [es:di + 30], 1
	; Image pages: video memory / (pitch * height) - 1, at most 255.
	push	di
	mov	cl, DISPI_VRAM64K
	call	dispi_get
	movzx	eax, ax
	shl	eax, 16
	movzx	ecx, bx
	movzx	edx, word [cs:si + 4]
	imul	ecx, edx
	xor	edx, edx
	div	ecx
	pop	di
	dec	eax
	cmp	eax, 255
	jbe	.pages
	mov	eax, 255
.pages:
	mov	[es:di + 29], al
	mov	[es:di + 52], al
	mov	[es:di + 53], al
	; Memory model and colour layout.
	mov	byte [es:di + 27], 4		; packed pixel
	mov	al, [cs:si + 6]
	cmp	al, 8
	je	.lfb
	mov	byte [es:di + 27], 6		; direct colour
	mov	bx, vbe_layout_15
	cmp	al, 15
	je	.layout
	mov	bx, vbe_layout_16
	cmp	al, 16
	je	.layout
	mov	bx, vbe_layout_24
	cmp	al, 24
	je	.layout
	mov	bx, vbe_layout_32
	mov	byte [es:di + 39], 0x02		; reserved bits usable
.layout:
	mov	eax, [cs:bx]
	mov	[es:di + 31], eax
	mov	[es:di + 54], eax
	mov	eax, [cs:bx + 4]
	mov	[es:di + 35], eax
	mov	[es:di + 58], eax
.lfb:
	push	es
	call	ebda_es
	mov	eax, [es:EB_LFB]
	pop	es
	mov	[es:di + 40], eax
	jmp	vbe_ok

; 4F02h: BX = mode (bit 14: linear framebuffer, bit 15: keep memory).
vbe_set_mode:
	mov	ax, bx
	and	ax, 0x1FF
	cmp	ax, 0x100
	jae	.vbe
	mov	al, bl			; a VGA mode
	test	bh, 0x80
	jz	.vga
	or	al, 0x80
.vga:
	call	set_mode
	jc	int10_done
	jmp	vbe_ok
.vbe:
	mov	cx, bx
	call	vbe_find
	jc	int10_done
	call	vbe_disable
	mov	cl, DISPI_BPP
	mov	ax, [cs:si + 6]
	call	dispi_set
	mov	cl, DISPI_XRES
	mov	ax, [cs:si + 2]
	call	dispi_set
	mov	cl, DISPI_YRES
	mov	ax, [cs:si + 4]
	call	dispi_set
	mov	cl, DISPI_BANK
	xor	ax, ax
	call	dispi_set
	mov	cl, DISPI_X_OFF
	call	dispi_set
	mov	cl, DISPI_Y_OFF
	call	dispi_set
	mov	cl, DISPI_VIRT_W
	mov	ax, [cs:si + 2]
	call	dispi_set
	mov	cl, DISPI_ENABLE
	call	dispi_get
	and	ax, DISPI_8BIT_DAC
	or	ax, DISPI_ENABLED
	test	bh, 0x40
	jz	.banked
	or	ax, DISPI_LFB
.banked:
	test	bh, 0x80
	jz	.enable
	or	ax, DISPI_NOCLEAR
.enable:
	call	dispi_set
	cmp	word [cs:si + 6], 8
	jne	.store
	call	dac_load_256		; 8-bit modes: the default palette
.store:
	call	ebda_es
	mov	ax, bx
	and	ax, 0x41FF
	mov	[es:EB_VBE_MODE], ax
	jmp	vbe_ok

; 4F03h: BX = the current mode (with bit 14 if the LFB is on).
vbe_get_mode:
	call	ebda_es
	mov	ax, [es:EB_VBE_MODE]
	test	ax, ax
	jnz	.have
	call	bda_ds
	movzx	ax, byte [BDA_VMODE]
.have:
	mov	[bp + F_BX], ax
	jmp	vbe_ok

; 4F05h: BH = 0: window BL (only A) to bank DX; BH = 1: DX = its bank.
vbe_bank:
	call	vbe_window
	jc	int10_done
	mov	[bp + F_DX], dx
	jmp	vbe_ok

; vbe_window: the work of 4F05h, for the INT and the far window function.
; Returns DX = the bank, CF on a bad window.
vbe_window:
	test	bl, bl
	jnz	.bad
	push	ax
	push	cx
	mov	cl, DISPI_BANK
	cmp	bh, 1
	je	.get
	test	bh, bh
	jnz	.bad_pop
	mov	ax, dx
	call	dispi_set
.get:
	call	dispi_get
	mov	dx, ax
	pop	cx
	pop	ax
	clc
	ret
.bad_pop:
	pop	cx
	pop	ax
.bad:
	stc
	ret

; The window function of the mode information block: a far call with the
; registers of 4F05h.
vbe_window_func:
	call	vbe_window
	mov	ax, 0x004F
	jnc	.ok
	mov	ax, 0x014F
.ok:
	retf

; 4F06h: BL = 0: set the line length to CX pixels; 1: get; 2: set it to
; CX bytes; 3: get the maximum. -> BX = bytes per line, CX = pixels per
; line, DX = lines that fit in video memory.
vbe_scanline:
	call	ebda_es
	cmp	word [es:EB_VBE_MODE], 0
	je	int10_done
	mov	cl, DISPI_BPP
	call	dispi_get
	add	ax, 7
	shr	ax, 3
	mov	si, ax			; bytes per pixel
	mov	ax, [bp + F_CX]
	cmp	bl, 0
	je	.set
	cmp	bl, 2
	jne	.get
	xor	dx, dx
	div	si			; bytes -> pixels
.set:
	mov	cl, DISPI_VIRT_W
	call	dispi_set
	jmp	.answer
.get:
	cmp	bl, 1
	je	.answer
	cmp	bl, 3
	jne	int10_done
	; The maximum: the device caps at what fits; report its limit.
	mov	ax, VBE_MAX_PITCH
	mov	[bp + F_BX], ax
	xor	dx, dx
	div	si
	mov	[bp + F_CX], ax
	jmp	.lines
.answer:
	mov	cl, DISPI_VIRT_W
	call	dispi_get
	mov	[bp + F_CX], ax
	mul	si
	mov	[bp + F_BX], ax
.lines:
	mov	cx, [bp + F_BX]
	mov	cl, DISPI_VRAM64K
	call	dispi_get
	movzx	eax, ax
	shl	eax, 16
	movzx	ecx, word [bp + F_BX]
	xor	edx, edx
	div	ecx
	cmp	eax, 0xFFFF
	jbe	.fits
	mov	ax, 0xFFFF
.fits:
	mov	[bp + F_DX], ax
	jmp	vbe_ok
VBE_MAX_PITCH	equ 2560 * 4

; 4F07h: BL = 00h/80h: display start at pixel CX of line DX; 01h: get it.
vbe_start:
	mov	cl, DISPI_X_OFF
	test	bl, 0x7F
	jnz	.get
	mov	ax, [bp + F_CX]
	call	dispi_set
	mov	cl, DISPI_Y_OFF
	mov	ax, dx
	call	dispi_set
	jmp	vbe_ok
.get:
	cmp	bl, 1
	jne	int10_done
	call	dispi_get
	mov	[bp + F_CX], ax
	mov	cl, DISPI_Y_OFF
	call	dispi_get
	mov	[bp + F_DX], ax
	jmp	vbe_ok

; 4F08h: BL = 0: DAC width BH (6 or 8 bits); 1: get it. -> BH = width.
vbe_dac_width:
	mov	cl, DISPI_ENABLE
	call	dispi_get
	cmp	bl, 1
	je	.answer
	test	bl, bl
	jnz	int10_done
	and	ax, ~DISPI_8BIT_DAC
	cmp	bh, 8
	jb	.set
	or	ax, DISPI_8BIT_DAC
.set:
	call	dispi_set
.answer:
	mov	byte [bp + F_BH], 6
	test	ax, DISPI_8BIT_DAC
	jz	vbe_ok
	mov	byte [bp + F_BH], 8
	jmp	vbe_ok

; 4F09h: BL = 00h/80h: set CX entries from DX out of ES:DI (blue, green,
; red, unused); 01h: read them into ES:DI.
vbe_palette:
	test	bl, 0x7F
	jz	.set
	cmp	bl, 1
	jne	int10_done
	mov	al, dl
	mov	dx, PORT_DAC_RIDX
	out	dx, al
	mov	dx, PORT_DAC_DATA
	jcxz	.done
.get_next:
	in	al, dx
	mov	[es:di + 2], al
	in	al, dx
	mov	[es:di + 1], al
	in	al, dx
	mov	[es:di], al
	mov	byte [es:di + 3], 0
	add	di, 4
	loop	.get_next
	jmp	.done
.set:
	mov	al, dl
	mov	dx, PORT_DAC_WIDX
	out	dx, al
	inc	dx
	jcxz	.done
.set_next:
	mov	al, [es:di + 2]
	out	dx, al
	mov	al, [es:di + 1]
	out	dx, al
	mov	al, [es:di]
	out	dx, al
	add	di, 4
	loop	.set_next
.done:
	jmp	vbe_ok

%include "vbe_state.asm"
