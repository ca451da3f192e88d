; vga_palette.asm: INT 10h AH=10h, the palette registers and the DAC, and
; the attribute-controller helpers. Included at the end of vga.asm, whose
; port names and DAC routines it uses.

; --- palette registers and the DAC (10h) ---------------------------------------------
; attr_write: attribute controller register AL = AH, screen kept on.
attr_write:
	push	dx
	push	ax
	mov	dx, PORT_STATUS1
	in	al, dx
	mov	dx, PORT_ATTR
	pop	ax
	push	ax
	out	dx, al
	mov	al, ah
	out	dx, al
	mov	al, 0x20
	out	dx, al
	pop	ax
	pop	dx
	ret

; attr_read: AH = attribute controller register AL.
attr_read:
	push	dx
	push	ax
	mov	dx, PORT_STATUS1
	in	al, dx
	mov	dx, PORT_ATTR
	pop	ax
	out	dx, al
	inc	dx
	in	al, dx
	mov	ah, al
	mov	dx, PORT_STATUS1
	in	al, dx
	mov	dx, PORT_ATTR
	mov	al, 0x20
	out	dx, al
	pop	dx
	ret

; vid_palette (10h): AL = subfunction (the table below).
vid_palette:
	cmp	al, 0x00
	je	.set_reg
	cmp	al, 0x01
	je	.set_overscan
	cmp	al, 0x02
	je	.set_all
	cmp	al, 0x03
	je	.blink
	cmp	al, 0x07
	je	.get_reg
	cmp	al, 0x08
	je	.get_overscan
	cmp	al, 0x09
	je	.get_all
	cmp	al, 0x10
	je	.set_dac
	cmp	al, 0x12
	je	.set_dac_block
	cmp	al, 0x15
	je	.get_dac
	cmp	al, 0x17
	je	.get_dac_block
	cmp	al, 0x18
	je	.set_mask
	cmp	al, 0x19
	je	.get_mask
	cmp	al, 0x1A
	je	.page_state
	cmp	al, 0x1B
	je	.grey
	jmp	.done
.set_reg:
	mov	al, bl
	and	al, 0x1F
	mov	ah, bh
	call	attr_write
	jmp	.done
.set_overscan:
	mov	al, 0x11
	mov	ah, bh
	call	attr_write
	jmp	.done
.set_all:
	mov	si, dx
	xor	al, al
.set_all_next:
	mov	ah, [es:si]
	inc	si
	call	attr_write
	inc	al
	cmp	al, 16
	jb	.set_all_next
	mov	ah, [es:si]
	mov	al, 0x11
	call	attr_write
	jmp	.done
.blink:
	mov	al, 0x10
	call	attr_read
	and	ah, 0xF7
	test	bl, 1
	jz	.blink_set
	or	ah, 0x08
.blink_set:
	call	attr_write
	jmp	.done
.get_reg:
	mov	al, bl
	and	al, 0x1F
	call	attr_read
	mov	[bp + F_BH], ah
	jmp	.done
.get_overscan:
	mov	al, 0x11
	call	attr_read
	mov	[bp + F_BH], ah
	jmp	.done
.get_all:
	mov	di, dx
	xor	al, al
.get_all_next:
	call	attr_read
	mov	[es:di], ah
	inc	di
	inc	al
	cmp	al, 16
	jb	.get_all_next
	mov	al, 0x11
	call	attr_read
	mov	[es:di], ah
	jmp	.done
.set_dac:
	mov	al, bl
	mov	dx, PORT_DAC_WIDX
	out	dx, al
	inc	dx
	mov	al, [bp + F_DH]
	out	dx, al
	mov	al, ch
	out	dx, al
	mov	al, cl
	out	dx, al
	jmp	.done
.set_dac_block:
	mov	si, dx
	mov	al, bl
	mov	dx, PORT_DAC_WIDX
	out	dx, al
	inc	dx
	imul	cx, cx, 3
	jcxz	.done
	es rep	outsb
	jmp	.done
.get_dac:
	mov	al, bl
	mov	dx, PORT_DAC_RIDX
	out	dx, al
	mov	dx, PORT_DAC_DATA
	in	al, dx
	mov	[bp + F_DH], al
	in	al, dx
	mov	[bp + F_CH], al
	in	al, dx
	mov	[bp + F_CL], al
	jmp	.done
.get_dac_block:
	mov	di, dx
	mov	al, bl
	mov	dx, PORT_DAC_RIDX
	out	dx, al
	mov	dx, PORT_DAC_DATA
	imul	cx, cx, 3
	jcxz	.done
	rep	insb
	jmp	.done
.set_mask:
	mov	al, bl
	mov	dx, PORT_DAC_MASK
	out	dx, al
	jmp	.done
.get_mask:
	mov	dx, PORT_DAC_MASK
	in	al, dx
	mov	[bp + F_BL], al
	jmp	.done
.page_state:
	mov	word [bp + F_BX], 0
	jmp	.done
.grey:
	; Each of CX entries from BX: grey = (77 r + 151 g + 28 b) / 256.
	jcxz	.done
.grey_next:
	mov	al, bl
	mov	dx, PORT_DAC_RIDX
	out	dx, al
	mov	dx, PORT_DAC_DATA
	in	al, dx
	mov	ah, 77
	mul	ah
	mov	di, ax
	in	al, dx
	mov	ah, 151
	mul	ah
	add	di, ax
	in	al, dx
	mov	ah, 28
	mul	ah
	add	ax, di
	mov	al, ah
	mov	dx, PORT_DAC_WIDX
	push	ax
	mov	al, bl
	out	dx, al
	pop	ax
	inc	dx
	out	dx, al
	out	dx, al
	out	dx, al
	inc	bx
	loop	.grey_next
.done:
	jmp	int10_done

; vid_cga_palette (0Bh): BH = 0: BL = border (text) or background
; (graphics) colour; BH = 1 (CGA palette select): ignored.
vid_cga_palette:
	test	bh, bh
	jnz	.done
	call	vid_kind
	mov	cl, al
	mov	ah, bl
	and	ah, 0x0F
	mov	al, 0x11		; text: the border
	cmp	cl, VK_TEXT
	je	.set
	xor	al, al			; graphics: palette entry 0
.set:
	call	attr_write
.done:
	jmp	int10_done

; vid_alt_select (12h): BL = 10h: EGA/VGA information (colour, 256 KiB);
; BL = 30h-36h: settings a VGA BIOS acknowledges with AL = 12h.
vid_alt_select:
	cmp	bl, 0x10
	jne	.other
	mov	word [bp + F_BX], 0x0003	; colour, 256 KiB
	mov	word [bp + F_CX], 0x0009	; no feature bits, switches 9
	jmp	.done
.other:
	cmp	bl, 0x30
	jb	.done
	cmp	bl, 0x36
	ja	.done
	mov	byte [bp + F_AL], 0x12
.done:
	jmp	int10_done

; vid_display_combo (1Ah): AL = 00h: BL = 08h (VGA, colour analogue
; display), BH = 00h; AL = 01h: accepted. Both answer AL = 1Ah.
vid_display_combo:
	cmp	al, 1
	ja	.done
	mov	byte [bp + F_AL], 0x1A
	test	al, al
	jnz	.done
	mov	word [bp + F_BX], 0x0008
.done:
	jmp	int10_done
