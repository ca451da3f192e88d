; video_gfx.asm: the graphics-mode half of video.asm's INT 10h services:
; characters drawn from the font in modes 12h and 13h, and the pixel
; functions. Included at the end of video.asm, whose labels and frame
; offsets it uses.

; --- characters in graphics modes ----------------------------------------------------
; draw_glyph: character AL in colour BL (planar: bit 7 XORs) at row DH,
; column DL, from the font INT 43h points at. Foreground dots take the
; colour, background dots colour 0 (not with XOR). Keeps every register.
draw_glyph:
	pushad
	push	ds
	push	es
	mov	bp, sp			; [bp + 32] = the caller's EAX
	call	vid_kind
	mov	bh, al			; BH = kind, BL = colour
	call	bda_ds
	movzx	cx, byte [BDA_VCHARH]	; CX = lines per character
	; DI = the glyph's first pixel line at column DL.
	mov	al, dh
	mul	cl			; AX = first pixel line
	cmp	bh, VK_LINEAR
	jne	.planar_addr
	imul	di, ax, 320
	movzx	ax, dl
	shl	ax, 3
	add	di, ax
	jmp	.font
.planar_addr:
	imul	di, ax, 80
	movzx	ax, dl
	add	di, ax
.font:
	; DS:SI = the glyph: INT 43h vector + character * height.
	mov	al, [bp + 32]
	mul	cl
	xor	si, si
	mov	ds, si
	mov	si, [0x43 * 4]
	add	si, ax
	mov	ds, [0x43 * 4 + 2]
	push	word GFX_SEG
	pop	es
	cmp	bh, VK_LINEAR
	jne	.planar
.lline:
	lodsb
	mov	ah, al
	push	cx
	mov	cx, 8
.ldot:
	xor	al, al
	shl	ah, 1
	jnc	.lput
	mov	al, bl
.lput:
	stosb
	loop	.ldot
	pop	cx
	add	di, 320 - 8
	loop	.lline
	jmp	.done
.planar:
	mov	dx, PORT_SEQ
	mov	ax, 0x0F02
	out	dx, ax
	mov	dx, PORT_GC
	mov	ax, 0x0F01
	out	dx, ax			; set/reset on every plane
	test	bl, 0x80
	jz	.pline
	mov	ax, 0x1803
	out	dx, ax			; XOR
.pline:
	lodsb
	mov	bh, al			; the dots
	mov	ah, bl
	and	ah, 0x0F
	mov	al, 0x00
	out	dx, ax			; set/reset = colour
	mov	ah, bh
	mov	al, 0x08
	out	dx, ax			; bit mask = the dots
	mov	al, [es:di]		; load the latches
	mov	[es:di], al
	test	bl, 0x80
	jnz	.pnext			; XOR leaves the background alone
	mov	ax, 0x0000
	out	dx, ax			; set/reset = 0
	mov	ah, bh
	not	ah
	mov	al, 0x08
	out	dx, ax			; bit mask = the background
	mov	al, [es:di]
	mov	[es:di], al
.pnext:
	add	di, 80
	loop	.pline
	mov	ax, 0x0001
	out	dx, ax
	mov	ax, 0x0003
	out	dx, ax
	mov	ax, 0xFF08
	out	dx, ax
.done:
	pop	es
	pop	ds
	popad
	ret

; --- pixels -------------------------------------------------------------------------
; vid_write_pixel (0Ch): AL = colour (planar: bit 7 XORs), CX = x, DX = y.
vid_write_pixel:
	mov	bl, al
	call	vid_kind
	cmp	al, VK_LINEAR
	je	.linear
	cmp	al, VK_PLANAR
	jne	int10_done
	cmp	cx, 640
	jae	int10_done
	cmp	dx, 480
	jae	int10_done
	call	planar_addr		; DI, AH = bit mask
	push	word GFX_SEG
	pop	es
	mov	dx, PORT_SEQ
	mov	al, 0x02
	push	ax
	mov	ah, 0x0F
	out	dx, ax
	pop	ax
	mov	dx, PORT_GC
	mov	al, 0x08
	out	dx, ax			; bit mask: the one dot
	mov	ax, 0x0F01
	out	dx, ax
	mov	ah, bl
	and	ah, 0x0F
	mov	al, 0x00
	out	dx, ax			; set/reset = colour
	test	bl, 0x80
	jz	.write
	mov	ax, 0x1803
	out	dx, ax
.write:
	mov	al, [es:di]
	mov	[es:di], al
	mov	ax, 0x0001
	out	dx, ax
	mov	ax, 0x0003
	out	dx, ax
	mov	ax, 0xFF08
	out	dx, ax
	jmp	int10_done
.linear:
	cmp	cx, 320
	jae	int10_done
	cmp	dx, 200
	jae	int10_done
	imul	di, dx, 320
	add	di, cx
	push	word GFX_SEG
	pop	es
	mov	[es:di], bl
	jmp	int10_done

; planar_addr: DI = byte offset of pixel CX, DX in mode 12h, AH = its bit.
planar_addr:
	imul	di, dx, 80
	mov	ax, cx
	shr	ax, 3
	add	di, ax
	mov	ah, 0x80
	and	cl, 7
	shr	ah, cl
	ret

; vid_read_pixel (0Dh): CX = x, DX = y -> AL = colour.
vid_read_pixel:
	call	vid_kind
	cmp	al, VK_LINEAR
	je	.linear
	mov	byte [bp + F_AL], 0
	cmp	al, VK_PLANAR
	jne	int10_done
	cmp	cx, 640
	jae	int10_done
	cmp	dx, 480
	jae	int10_done
	call	planar_addr
	mov	bh, ah			; the bit
	push	word GFX_SEG
	pop	es
	xor	bl, bl			; the colour, built plane by plane
	mov	cx, 3
	mov	dx, PORT_GC
.plane:
	mov	al, 0x04
	mov	ah, cl
	out	dx, ax			; read map select
	shl	bl, 1
	test	[es:di], bh
	jz	.zero
	or	bl, 1
.zero:
	dec	cx
	jns	.plane
	mov	ax, 0x0004
	out	dx, ax			; read map 0 again
	mov	[bp + F_AL], bl
	jmp	int10_done
.linear:
	mov	byte [bp + F_AL], 0
	cmp	cx, 320
	jae	int10_done
	cmp	dx, 200
	jae	int10_done
	imul	di, dx, 320
	add	di, cx
	push	word GFX_SEG
	pop	es
	mov	al, [es:di]
	mov	[bp + F_AL], al
	jmp	int10_done
