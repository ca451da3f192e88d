; vbe_state.asm: VBE 4F04h (save/restore the video state) and 4F0Ah (the
; protected-mode interface), included by vbe.asm.
;
; 4F04h keeps what a program needs to get the display back after it has
; changed it: everything the VGA model lets the BIOS read back through its
; ports, plus the BIOS's own video variables. The buffer is private to the
; BIOS (VBE leaves its layout to the implementation):
;
;   header   word 'VS' (a buffer this BIOS wrote), word the states it holds
;   bit 0    controller hardware: misc output, the sequencer, CRTC, graphics
;            and attribute controller indexes, then their registers
;            (sequencer 0-4, CRTC 0-18h, graphics 0-8, attribute 0-14h)
;   bit 1    BIOS data: BDA 49h-66h, 84h-8Ah, A8h-ABh, the EBDA's VBE mode
;   bit 2    DAC: pixel mask, write index, 256 entries of red, green, blue
;            (in the width the DAC has at the time: 6 or 8 bits)
;   bit 3    VBE: the DISPI index and registers 1-9 (geometry, enable,
;            bank, virtual size, display start)
;
; The sections follow one another in bit order; only the states saved are
; present. A restore puts the hardware back first, then the DISPI
; registers (the DAC's width follows their enable register), then the DAC,
; then the BIOS data. Video memory itself is not saved (VBE does not ask
; for it); the DISPI enable is written with "keep memory" so a restore does
; not clear the screen.

VS_HW		equ 0x01
VS_BDA		equ 0x02
VS_DAC		equ 0x04
VS_VBE		equ 0x08
VS_ALL		equ 0x0F
VS_MAGIC	equ 'VS'
VSH_SIZE	equ 4

; The hardware section.
VSW_MISC	equ 0
VSW_SEQ_I	equ 1
VSW_CRTC_I	equ 2
VSW_GC_I	equ 3
VSW_ATTR_I	equ 4
VSW_SEQ		equ 5
VSW_CRTC	equ VSW_SEQ + 5
VSW_GC		equ VSW_CRTC + 25
VSW_ATTR	equ VSW_GC + 9
VSW_SIZE	equ VSW_ATTR + 21
VSB_SIZE	equ 30 + 7 + 4 + 2
VSD_SIZE	equ 2 + 768
VSV_REGS	equ 9			; DISPI registers 1-9
VSV_SIZE	equ 2 + 2 * VSV_REGS

PORT_MISC_R	equ 0x3CC

; Section sizes in bit order (vs_section walks them).
vs_sizes:	dw VSW_SIZE, VSB_SIZE, VSD_SIZE, VSV_SIZE

; vs_section: SI = BX + the offset of section AL (one VS_ bit) in a buffer
; holding the states CL. Keeps every other register but AH.
vs_section:
	push	di
	lea	si, [bx + VSH_SIZE]
	mov	di, vs_sizes
	mov	ah, 1
.next:
	cmp	ah, al
	je	.done
	test	cl, ah
	jz	.skip
	add	si, [cs:di]
.skip:
	add	di, 2
	shl	ah, 1
	jmp	.next
.done:
	pop	di
	ret

; vs_crtc_port: DX = the CRTC index port misc output value AL selects
; (bit 0: colour at 3D4h, else mono at 3B4h).
vs_crtc_port:
	mov	dx, PORT_CRTC
	test	al, 1
	jnz	.done
	mov	dx, 0x3B4
.done:
	ret

; 4F04h: DL = 0: BX = 64-byte blocks for the states CX; 1: save them to
; ES:BX; 2: restore them from ES:BX.
vbe_state:
	and	cx, VS_ALL
	cmp	dl, 0
	je	.size
	cmp	dl, 1
	je	vs_save
	cmp	dl, 2
	je	vs_restore
	jmp	int10_done
.size:
	mov	al, VS_VBE << 1		; past the last section
	push	bx
	xor	bx, bx
	call	vs_section		; SI = header + the sections in CL
	pop	bx
	lea	ax, [si + 63]
	shr	ax, 6
	mov	[bp + F_BX], ax
	jmp	vbe_ok

; Save: ES:BX = the buffer, CL = the states.
vs_save:
	mov	di, bx
	mov	ax, VS_MAGIC
	stosw
	mov	ax, cx
	stosw
	test	cl, VS_HW
	jz	.bda
	call	vs_save_hw
.bda:
	test	cl, VS_BDA
	jz	.dac
	call	vs_save_bda
.dac:
	test	cl, VS_DAC
	jz	.vbe
	call	vs_save_dac
.vbe:
	test	cl, VS_VBE
	jz	vbe_ok
	call	vs_save_vbe
	jmp	vbe_ok

; vs_save_hw..vs_save_vbe: append a section at ES:DI (DI moves past it).
; Keep CX; the registers' indexes are left as they were found.
vs_save_hw:
	push	cx
	mov	dx, PORT_MISC_R
	in	al, dx
	stosb
	mov	ah, al			; AH = misc (for the CRTC port)
	mov	dx, PORT_SEQ
	in	al, dx
	stosb
	mov	al, ah
	call	vs_crtc_port
	push	dx			; the CRTC port, for later
	in	al, dx
	stosb
	mov	dx, PORT_GC
	in	al, dx
	stosb
	mov	dx, PORT_STATUS1
	in	al, dx			; the attribute flip-flop to "index"
	mov	dx, PORT_ATTR
	in	al, dx			; the index (with the palette source bit)
	stosb
	mov	dx, PORT_SEQ
	mov	cx, 5
	call	vs_read_indexed
	pop	dx
	mov	cx, 25
	call	vs_read_indexed
	mov	dx, PORT_GC
	mov	cx, 9
	call	vs_read_indexed
	; The attribute registers, read with the palette source bit kept on
	; so the screen stays lit.
	xor	ah, ah
.attr:
	mov	dx, PORT_STATUS1
	in	al, dx
	mov	dx, PORT_ATTR
	mov	al, ah
	or	al, 0x20
	out	dx, al
	inc	dx
	in	al, dx
	stosb
	inc	ah
	cmp	ah, 21
	jb	.attr
	; The indexes back as they were.
	mov	si, di
	sub	si, VSW_SIZE
	mov	dx, PORT_STATUS1
	in	al, dx
	mov	dx, PORT_ATTR
	mov	al, [es:si + VSW_ATTR_I]
	out	dx, al
	mov	dx, PORT_SEQ
	mov	al, [es:si + VSW_SEQ_I]
	out	dx, al
	mov	dx, PORT_GC
	mov	al, [es:si + VSW_GC_I]
	out	dx, al
	mov	al, [es:si + VSW_MISC]
	call	vs_crtc_port
	mov	al, [es:si + VSW_CRTC_I]
	out	dx, al
	pop	cx
	ret

; vs_read_indexed: CX registers from index 0 of the index/data pair at DX
; to ES:DI. Clobbers AX, CX.
vs_read_indexed:
	xor	ah, ah
.next:
	mov	al, ah
	out	dx, al
	inc	dx
	in	al, dx
	stosb
	dec	dx
	inc	ah
	loop	.next
	ret

vs_save_bda:
	push	cx
	push	ds
	call	bda_ds
	mov	si, BDA_VMODE
	mov	cx, 0x67 - BDA_VMODE
	rep	movsb
	mov	si, BDA_VROWS
	mov	cx, 0x8B - BDA_VROWS
	rep	movsb
	mov	si, BDA_VSAVEPTR
	movsd
	mov	ds, [BDA_EBDA]
	mov	ax, [EB_VBE_MODE]
	stosw
	pop	ds
	pop	cx
	ret

vs_save_dac:
	push	cx
	mov	dx, PORT_DAC_MASK
	in	al, dx
	stosb
	mov	dx, PORT_DAC_WIDX
	in	al, dx
	stosb
	mov	dx, PORT_DAC_RIDX
	xor	al, al
	out	dx, al
	mov	dx, PORT_DAC_DATA
	mov	cx, 768
	rep	insb
	pop	cx
	ret

vs_save_vbe:
	push	cx
	mov	dx, PORT_VBE_INDEX
	in	ax, dx
	stosw
	mov	cl, 1
.next:
	call	dispi_get
	stosw
	inc	cl
	cmp	cl, VSV_REGS
	jbe	.next
	mov	ax, [es:di - VSV_SIZE]
	out	dx, ax			; the index as it was
	pop	cx
	ret

; Restore: ES:BX = a buffer 4F04h DL=01h filled, CX = the states wanted
; (only those the buffer holds are restored).
vs_restore:
	cmp	word [es:bx], VS_MAGIC
	jne	int10_done
	push	es
	pop	ds
	and	cx, [bx + 2]		; wanted and present
	mov	ch, [bx + 2]		; CH = the buffer's layout
	test	cl, VS_HW
	jz	.vbe
	mov	al, VS_HW
	call	vs_restore_section
.vbe:
	test	cl, VS_VBE
	jz	.dac
	mov	al, VS_VBE
	call	vs_restore_section
.dac:
	test	cl, VS_DAC
	jz	.bda
	mov	al, VS_DAC
	call	vs_restore_section
.bda:
	test	cl, VS_BDA
	jz	vbe_ok
	mov	al, VS_BDA
	call	vs_restore_section
	jmp	vbe_ok

; vs_restore_section: restores section AL from DS:BX (layout CH). Keeps
; BX, CX.
vs_restore_section:
	push	cx
	push	ax
	mov	cl, ch
	call	vs_section		; SI = the section
	pop	ax
	cmp	al, VS_HW
	je	.hw
	cmp	al, VS_VBE
	je	.vbe
	cmp	al, VS_DAC
	je	.dac
	call	vs_restore_bda
	jmp	.done
.hw:
	call	vs_restore_hw
	jmp	.done
.vbe:
	call	vs_restore_vbe
	jmp	.done
.dac:
	call	vs_restore_dac
.done:
	pop	cx
	ret

; vs_restore_hw: the VGA registers from DS:SI, programmed in the order a
; mode set uses: screen off, sequencer in reset, misc output, sequencer,
; CRTC (unprotected first), graphics, attribute, then the indexes.
vs_restore_hw:
	push	bx
	mov	dx, PORT_STATUS1
	in	al, dx
	mov	dx, PORT_ATTR
	xor	al, al
	out	dx, al			; screen blank
	mov	dx, PORT_SEQ
	mov	ax, 0x0100
	out	dx, ax			; synchronous reset
	mov	dx, PORT_MISC_W
	mov	al, [si + VSW_MISC]
	out	dx, al
	mov	dx, PORT_SEQ
	mov	ah, 1
.seq:
	mov	al, ah
	out	dx, al
	inc	dx
	movzx	bx, ah
	mov	al, [si + VSW_SEQ + bx]
	out	dx, al
	dec	dx
	inc	ah
	cmp	ah, 5
	jb	.seq
	mov	al, 0
	mov	ah, [si + VSW_SEQ]
	out	dx, ax			; register 0 last: out of reset
	mov	al, [si + VSW_MISC]
	call	vs_crtc_port
	mov	al, 0x11
	mov	ah, [si + VSW_CRTC + 0x11]
	and	ah, 0x7F
	out	dx, ax			; unprotect 0-7
	xor	al, al
.crtc:
	movzx	bx, al
	mov	ah, [si + VSW_CRTC + bx]
	out	dx, ax
	inc	al
	cmp	al, 25
	jb	.crtc
	mov	dx, PORT_GC
	xor	al, al
.gc:
	movzx	bx, al
	mov	ah, [si + VSW_GC + bx]
	out	dx, ax
	inc	al
	cmp	al, 9
	jb	.gc
	mov	dx, PORT_STATUS1
	in	al, dx
	mov	dx, PORT_ATTR
	xor	ah, ah
.attr:
	mov	al, ah
	out	dx, al
	movzx	bx, ah
	mov	al, [si + VSW_ATTR + bx]
	out	dx, al
	inc	ah
	cmp	ah, 21
	jb	.attr
	mov	al, [si + VSW_ATTR_I]
	out	dx, al			; the index, and the screen on again
	mov	dx, PORT_SEQ
	mov	al, [si + VSW_SEQ_I]
	out	dx, al
	mov	dx, PORT_GC
	mov	al, [si + VSW_GC_I]
	out	dx, al
	mov	al, [si + VSW_MISC]
	call	vs_crtc_port
	mov	al, [si + VSW_CRTC_I]
	out	dx, al
	pop	bx
	ret

; vs_restore_vbe: the DISPI registers from DS:SI. The geometry is written
; with the interface off, then the enable register (keeping video memory),
; then what enabling resets or clamps: bank, virtual size, display start.
vs_restore_vbe:
	push	bx
	mov	cl, DISPI_ENABLE
	call	dispi_get
	and	ax, DISPI_8BIT_DAC
	call	dispi_set		; off
	mov	cl, DISPI_BPP
	call	.reg
	mov	cl, DISPI_XRES
	call	.reg
	mov	cl, DISPI_YRES
	call	.reg
	mov	cl, DISPI_VIRT_W
	call	.reg
	mov	cl, DISPI_VIRT_H
	call	.reg
	mov	ax, [si + 2 * DISPI_ENABLE]
	test	al, DISPI_ENABLED
	jz	.enable
	or	al, DISPI_NOCLEAR
.enable:
	mov	cl, DISPI_ENABLE
	call	dispi_set
	mov	cl, DISPI_BANK
	call	.reg
	mov	cl, DISPI_VIRT_W
	call	.reg
	mov	cl, DISPI_VIRT_H
	call	.reg
	mov	cl, DISPI_X_OFF
	call	.reg
	mov	cl, DISPI_Y_OFF
	call	.reg
	mov	dx, PORT_VBE_INDEX
	mov	ax, [si]
	out	dx, ax
	pop	bx
	ret
; DISPI register CL = its saved value.
.reg:
	movzx	bx, cl
	shl	bx, 1
	mov	ax, [si + bx]
	jmp	dispi_set

vs_restore_dac:
	mov	dx, PORT_DAC_MASK
	lodsb
	out	dx, al
	lodsb
	mov	ah, al			; the write index, for the end
	mov	dx, PORT_DAC_WIDX
	xor	al, al
	out	dx, al
	mov	dx, PORT_DAC_DATA
	mov	cx, 768
	rep	outsb
	mov	dx, PORT_DAC_WIDX
	mov	al, ah
	out	dx, al
	ret

vs_restore_bda:
	push	es
	call	bda_es_
	mov	di, BDA_VMODE
	mov	cx, 0x67 - BDA_VMODE
	rep	movsb
	mov	di, BDA_VROWS
	mov	cx, 0x8B - BDA_VROWS
	rep	movsb
	mov	di, BDA_VSAVEPTR
	movsd
	lodsw
	mov	es, [es:BDA_EBDA]
	mov	[es:EB_VBE_MODE], ax
	pop	es
	ret

; bda_es_: ES = the BIOS data area.
bda_es_:
	push	word BDA_SEG
	pop	es
	ret

; --- 4F0Ah: the protected-mode interface ------------------------------------
; BL = 0: ES:DI = the table below, CX = its length with the code. Other
; subfunctions fail.
vbe_pm_info:
	test	bl, bl
	jnz	int10_done
	mov	word [bp + F_ES], cs
	mov	word [bp + F_DI], vbe_pm_table
	mov	word [bp + F_CX], vbe_pm_table_end - vbe_pm_table
	jmp	vbe_ok

; The table VBE 2.0 defines: offsets (from the table) of the 32-bit code
; for functions 05h, 07h and 09h, and of the list of I/O ports and memory
; the code touches. A protected-mode OS copies it (or maps it) anywhere
; and near-calls the entries with a 32-bit code segment, so the code only
; uses ports and registers: no absolute address, no data of its own.
vbe_pm_table:
	dw	vbe_pm_window - vbe_pm_table
	dw	vbe_pm_start - vbe_pm_table
	dw	vbe_pm_palette - vbe_pm_table
	dw	vbe_pm_ports - vbe_pm_table
; The ports, then the memory areas (none), each list ended by FFFFh.
vbe_pm_ports:
	dw	PORT_VBE_INDEX, PORT_VBE_INDEX + 1
	dw	PORT_DAC_WIDX, PORT_DAC_DATA, PORT_STATUS1
	dw	0xFFFF
	dw	0xFFFF

	bits 32
; Function 05h: the registers of 4F05h (BH = 0 set window BL to bank DX,
; 1 get it into DX); AX = 004Fh, or 014Fh for a bad window or request.
vbe_pm_window:
	test	bl, bl
	jnz	.fail
	cmp	bh, 1
	ja	.fail
	push	edx
	mov	dx, PORT_VBE_INDEX
	mov	ax, DISPI_BANK
	out	dx, ax
	inc	edx
	cmp	bh, 1
	je	.get
	mov	eax, [esp]		; the bank
	out	dx, ax
	pop	edx
	mov	ax, 0x004F
	ret
.get:
	in	ax, dx
	pop	edx
	mov	dx, ax
	mov	ax, 0x004F
	ret
.fail:
	mov	ax, 0x014F
	ret

; Function 07h: BL = 00h (or 80h, after waiting for the vertical retrace)
; sets the display start to the video memory offset DX:CX (high, low) in
; units of 4 bytes, as VBE 2.0's protected-mode form has it. The offset
; becomes the DISPI x and y offsets: y = bytes / line length, x = the
; rest / bytes per pixel. AX = 004Fh, or 014Fh for another BL.
vbe_pm_start:
	test	bl, 0x7F
	jnz	.fail
	push	ebx
	push	ecx
	push	edx
	push	esi
	test	bl, bl
	jz	.now
	mov	dx, PORT_STATUS1
.retrace:
	in	al, dx
	test	al, 0x08
	jz	.retrace
.now:
	mov	eax, [esp + 4]		; DX
	shl	eax, 16
	mov	ax, [esp + 8]		; CX
	shl	eax, 2			; bytes
	mov	esi, eax
	mov	dx, PORT_VBE_INDEX
	mov	ax, DISPI_BPP
	out	dx, ax
	inc	edx
	in	ax, dx
	movzx	ebx, ax
	add	ebx, 7
	shr	ebx, 3			; EBX = bytes per pixel
	dec	edx
	mov	ax, DISPI_VIRT_W
	out	dx, ax
	inc	edx
	in	ax, dx
	movzx	ecx, ax
	imul	ecx, ebx		; ECX = bytes per line
	jecxz	.bad
	mov	eax, esi
	xor	edx, edx
	div	ecx			; EAX = line, EDX = byte in it
	mov	esi, eax
	mov	eax, edx
	xor	edx, edx
	div	ebx			; EAX = pixel
	mov	ecx, eax
	mov	dx, PORT_VBE_INDEX
	mov	ax, DISPI_X_OFF
	out	dx, ax
	inc	edx
	mov	eax, ecx
	out	dx, ax
	dec	edx
	mov	ax, DISPI_Y_OFF
	out	dx, ax
	inc	edx
	mov	eax, esi
	out	dx, ax
	pop	esi
	pop	edx
	pop	ecx
	pop	ebx
	mov	ax, 0x004F
	ret
.bad:
	pop	esi
	pop	edx
	pop	ecx
	pop	ebx
.fail:
	mov	ax, 0x014F
	ret

; Function 09h: BL = 00h/80h sets CX entries from DX out of ES:EDI (blue,
; green, red, unused per entry); 01h reads them into ES:EDI. Registers
; other than AX are kept.
vbe_pm_palette:
	push	ecx
	push	edx
	push	edi
	movzx	ecx, cx
	test	bl, 0x7F
	jz	.set
	cmp	bl, 1
	jne	.fail
	mov	al, dl
	mov	dx, PORT_DAC_RIDX
	out	dx, al
	mov	dx, PORT_DAC_DATA
	jecxz	.done
.get:
	in	al, dx
	mov	[es:edi + 2], al
	in	al, dx
	mov	[es:edi + 1], al
	in	al, dx
	mov	[es:edi], al
	mov	byte [es:edi + 3], 0
	add	edi, 4
	loop	.get
	jmp	.done
.set:
	mov	al, dl
	mov	dx, PORT_DAC_WIDX
	out	dx, al
	inc	edx
	jecxz	.done
.put:
	mov	al, [es:edi + 2]
	out	dx, al
	mov	al, [es:edi + 1]
	out	dx, al
	mov	al, [es:edi]
	out	dx, al
	add	edi, 4
	loop	.put
.done:
	pop	edi
	pop	edx
	pop	ecx
	mov	ax, 0x004F
	ret
.fail:
	pop	edi
	pop	edx
	pop	ecx
	mov	ax, 0x014F
	ret
	bits 16
vbe_pm_table_end:
