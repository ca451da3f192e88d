; vga_pci.asm: the PC's PCI bus and the VGA, as a guest without a BIOS
; sees them. Scans PCI configuration space through ports 0xCF8/0xCFC for
; the i440FX, the PIIX3 and the VGA (and its framebuffer BAR), writes the
; text buffer, programs mode 13h register by register and checks where
; chain-4 put the pixels in the planes, then switches to a 640x480x32
; Bochs VBE mode and writes the linear framebuffer from protected mode.
%include "guest.inc"

start:
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP

	; --- PCI -----------------------------------------------------------
	mov	eax, 0x80000000		; 00.0 vendor/device
	call	pci_read
	CHECK16	eax, 0x12378086, 0x01
	mov	eax, 0x80000800		; 01.0
	call	pci_read
	CHECK16	eax, 0x70008086, 0x02
	mov	eax, 0x80001000		; 02.0: the VGA
	call	pci_read
	CHECK16	eax, 0x11111234, 0x03
	mov	eax, 0x80001008		; class 03 00 00, revision 2
	call	pci_read
	CHECK16	eax, 0x03000002, 0x04
	mov	eax, 0x80001010		; BAR0: prefetchable memory at 0xE0000000
	call	pci_read
	CHECK16	eax, 0xE0000008, 0x05
	mov	eax, 0x80002000		; 04.0: nothing there
	call	pci_read
	CHECK16	eax, 0xFFFFFFFF, 0x06
	PUTS16	msg_pci

	; --- text mode at power-on ------------------------------------------
	mov	ax, 0xB800
	mov	es, ax
	mov	word [es:0], 0x1F41	; 'A', white on blue
	CHECK16	word [es:0], 0x1F41, 0x10
	PUTS16	msg_text

	; --- mode 13h, register by register ----------------------------------
	call	set_mode13h

	mov	ax, 0xA000
	mov	es, ax
	mov	byte [es:0], 0x12
	mov	byte [es:1], 0x34
	mov	byte [es:2], 0x56
	mov	byte [es:63999], 0x78
	CHECK16	byte [es:1], 0x34, 0x20
	CHECK16	byte [es:63999], 0x78, 0x21
	; Chain-4 put pixel x in plane x & 3 at offset x & ~3: turn chain-4
	; off and read plane 1 and plane 2 at offset 0.
	mov	dx, 0x3C4
	mov	ax, 0x0604		; memory mode: no chain-4, no odd/even
	out	dx, ax
	mov	dx, 0x3CE
	mov	ax, 0x0005		; read mode 0
	out	dx, ax
	mov	ax, 0x0104		; read map select: plane 1
	out	dx, ax
	CHECK16	byte [es:0], 0x34, 0x22
	mov	ax, 0x0204		; plane 2
	out	dx, ax
	CHECK16	byte [es:0], 0x56, 0x23
	PUTS16	msg_13h

	; --- Bochs VBE 640x480x32 with the linear framebuffer ----------------
	mov	ax, 0			; ID
	mov	bx, 0xB0C5
	call	vbe_write
	mov	ax, 0
	call	vbe_read
	CHECK16	ax, 0xB0C5, 0x30
	mov	ax, 1			; XRES
	mov	bx, 640
	call	vbe_write
	mov	ax, 2			; YRES
	mov	bx, 480
	call	vbe_write
	mov	ax, 3			; BPP
	mov	bx, 32
	call	vbe_write
	mov	ax, 4			; ENABLE: enabled | LFB
	mov	bx, 0x41
	call	vbe_write
	mov	ax, 1
	call	vbe_read
	CHECK16	ax, 640, 0x31
	ENTER_PMODE pm_main

pci_read:				; EAX = address -> EAX = data
	mov	dx, 0xCF8
	out	dx, eax
	mov	dx, 0xCFC
	in	eax, dx
	ret

%include "vga13h.inc"

vbe_write:				; index AX, value BX
	mov	dx, 0x1CE
	out	dx, ax
	mov	dx, 0x1CF
	mov	ax, bx
	out	dx, ax
	ret

vbe_read:				; index AX -> AX
	mov	dx, 0x1CE
	out	dx, ax
	mov	dx, 0x1CF
	in	ax, dx
	ret

msg_pci:	db "pci: i440fx, piix3, vga with its framebuffer at e0000000", 10, 0
msg_text:	db "text buffer ok", 10, 0
msg_13h:	db "mode 13h ok: chain-4 pixels found in their planes", 10, 0

section rom32
	bits 32
pm_main:
	mov	edi, 0xE0000000 + (10 * 640 + 10) * 4
	mov	dword [edi], 0xDEADBEEF
	CHECK32	dword [edi], 0xDEADBEEF, 0x32
	mov	dword [0xE0000000 + 640 * 480 * 4 - 4], 0x00C0FFEE
	CHECK32	dword [0xE0000000 + 640 * 480 * 4 - 4], 0x00C0FFEE, 0x33
	PUTS32	msg_vbe
	EXIT	0

msg_vbe:	db "vbe 640x480x32: linear framebuffer ok", 10, 0
