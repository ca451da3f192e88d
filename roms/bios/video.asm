; video.asm: INT 10h, the video services: cursor, scrolling, characters,
; teletype, pixels and display information. Mode sets, register tables,
; palettes and fonts are in vga.asm; VBE (AH=4Fh) in vbe.asm.
;
; Text modes (0-3) keep eight pages at B800:0000 and a hardware cursor;
; graphics modes 12h (640x480, 16 colours, planar) and 13h (320x200, 256
; colours, linear) draw characters from the font INT 43h points at, in
; colour BL. Teletype output (AH=0Eh) and strings (AH=13h) also go to COM1
; when the VMM says the run is headless, so a headless run shows what the
; screen shows.

; Kinds of mode, from vid_kind.
VK_TEXT		equ 0
VK_LINEAR	equ 1		; mode 13h
VK_PLANAR	equ 2		; mode 12h
VK_OTHER	equ 3		; a VBE mode: no BIOS text output

TEXT_SEG	equ 0xB800
GFX_SEG		equ 0xA000
PORT_SEQ	equ 0x3C4
PORT_GC		equ 0x3CE

int10_handler:
	cld
	cmp	ah, 0x4F
	je	vbe_handler
	cmp	ah, (int10_table_end - int10_table) / 2
	jae	.unknown
	ENTER_FRAME
	movzx	si, ah
	shl	si, 1
	mov	si, [cs:int10_table + si]
	push	si
	mov	si, [bp + F_SI]		; the caller's SI back
	ret				; to the service, every register as called
.unknown:
	iret

; The services end with `jmp int10_done`.
int10_done:
	LEAVE_FRAME

int10_table:
	dw	vid_set_mode		; 00 set mode (vga.asm)
	dw	vid_cursor_shape	; 01
	dw	vid_set_cursor_pos	; 02
	dw	vid_get_cursor		; 03
	dw	int10_done		; 04 light pen: none
	dw	vid_set_page		; 05
	dw	vid_scroll_up		; 06
	dw	vid_scroll_down		; 07
	dw	vid_read_char		; 08
	dw	vid_write_char_attr	; 09
	dw	vid_write_char		; 0A
	dw	vid_cga_palette		; 0B (vga.asm)
	dw	vid_write_pixel		; 0C
	dw	vid_read_pixel		; 0D
	dw	vid_teletype		; 0E
	dw	vid_get_mode		; 0F
	dw	vid_palette		; 10 (vga.asm)
	dw	vid_font		; 11 (vga.asm)
	dw	vid_alt_select		; 12 (vga.asm)
	dw	vid_write_string	; 13
	dw	int10_done		; 14
	dw	int10_done		; 15
	dw	int10_done		; 16
	dw	int10_done		; 17
	dw	int10_done		; 18
	dw	int10_done		; 19
	dw	vid_display_combo	; 1A (vga.asm)
	dw	vid_unsupported		; 1B functionality/state information
	dw	vid_unsupported		; 1C save/restore video state
int10_table_end:

; AL = 0: what a VGA BIOS answers for a function it lacks (callers check
; for AL = the function number).
vid_unsupported:
	mov	byte [bp + F_AL], 0
	jmp	int10_done

; --- mode information ---------------------------------------------------------------
; vid_kind: AL = VK_* for the current mode. Keeps every other register.
vid_kind:
	push	ds
	push	es
	call	ebda_es
	call	bda_ds
	mov	al, VK_OTHER
	cmp	word [es:EB_VBE_MODE], 0
	jne	.done
	mov	al, [BDA_VMODE]
	and	al, 0x7F
	cmp	al, 0x13
	je	.linear
	cmp	al, 0x12
	je	.planar
	cmp	al, 0x03
	mov	al, VK_TEXT
	jbe	.done
	mov	al, VK_OTHER
	jmp	.done
.linear:
	mov	al, VK_LINEAR
	jmp	.done
.planar:
	mov	al, VK_PLANAR
.done:
	pop	es
	pop	ds
	ret

; vid_get_mode (0Fh): AL = mode, AH = columns, BH = active page.
vid_get_mode:
	call	bda_ds
	mov	al, [BDA_VMODE]
	mov	ah, [BDA_VCOLS]
	mov	[bp + F_AX], ax
	mov	al, [BDA_VPAGE]
	mov	[bp + F_BH], al
	jmp	int10_done

; --- cursor -----------------------------------------------------------------------
; vid_cursor_shape (01h): CH = start line (bit 5: hidden), CL = end line.
; With a font taller than 8 lines, a shape meant for the CGA's 8-line cell
; is scaled as VGA BIOSes do, so 06/07 stays an underline at the bottom.
vid_cursor_shape:
	call	bda_ds
	mov	[BDA_CURSHAPE], cx
	mov	ax, cx			; AH = start, AL = end
	test	ah, 0x20
	jnz	.program
	mov	bl, [BDA_VCHARH]
	cmp	bl, 8
	jbe	.program
	cmp	ah, 8
	jae	.program
	cmp	al, 8
	jae	.program
	cmp	ah, al
	ja	.program
	dec	bl			; BL = last line of the cell
	cmp	ah, 4
	jb	.block
	; An underline: as many lines as asked, ending one above the bottom.
	sub	al, ah			; height - 1
	mov	ah, bl
	dec	ah
	mov	cl, ah
	sub	ah, al
	mov	al, cl
	jmp	.program
.block:
	mov	al, bl			; a block reaches the bottom
.program:
	mov	bx, ax
	mov	dx, [BDA_CRTC]
	mov	al, 0x0A
	mov	ah, bh
	out	dx, ax
	mov	al, 0x0B
	mov	ah, bl
	out	dx, ax
	jmp	int10_done

; vid_set_cursor_pos (02h): BH = page, DH = row, DL = column.
vid_set_cursor_pos:
	call	set_cursor
	jmp	int10_done

; vid_get_cursor (03h): BH = page -> DX = position, CX = shape.
vid_get_cursor:
	call	get_cursor
	mov	[bp + F_DX], dx
	call	bda_ds
	mov	ax, [BDA_CURSHAPE]
	mov	[bp + F_CX], ax
	jmp	int10_done

; set_cursor: page BH's cursor to DH = row, DL = column; moves the hardware
; cursor when BH is the active page of a text mode. Keeps every register.
set_cursor:
	push	ds
	pushad
	call	bda_ds
	and	bh, 7
	movzx	si, bh
	shl	si, 1
	mov	[BDA_CURSOR + si], dx
	cmp	bh, [BDA_VPAGE]
	jne	.done
	call	vid_kind
	cmp	al, VK_TEXT
	jne	.done
	; In characters: page start / 2 + row * columns + column.
	mov	al, dh
	mul	byte [BDA_VCOLS]
	xor	dh, dh
	add	ax, dx
	mov	bx, [BDA_VPAGESTART]
	shr	bx, 1
	add	bx, ax
	mov	dx, [BDA_CRTC]
	mov	al, 0x0E
	mov	ah, bh
	out	dx, ax
	mov	al, 0x0F
	mov	ah, bl
	out	dx, ax
.done:
	popad
	pop	ds
	ret

; get_cursor: DX = the cursor of page BH. Keeps every other register.
get_cursor:
	push	ds
	push	si
	call	bda_ds
	mov	si, bx
	shr	si, 8
	and	si, 7
	shl	si, 1
	mov	dx, [BDA_CURSOR + si]
	pop	si
	pop	ds
	ret

; vid_set_page (05h): AL = page (text modes: 0-7; others: page 0 only).
vid_set_page:
	mov	cl, al
	call	vid_kind
	cmp	al, VK_TEXT
	jne	int10_done
	call	bda_ds
	and	cl, 7
	mov	[BDA_VPAGE], cl
	movzx	ax, cl
	mul	word [BDA_VPAGESIZE]
	mov	[BDA_VPAGESTART], ax
	shr	ax, 1			; the CRTC counts character cells
	mov	bx, ax
	mov	dx, [BDA_CRTC]
	mov	al, 0x0C
	mov	ah, bh
	out	dx, ax
	mov	al, 0x0D
	mov	ah, bl
	out	dx, ax
	mov	bh, cl
	call	get_cursor
	call	set_cursor		; the new page's cursor on the screen
	jmp	int10_done

; --- text memory -------------------------------------------------------------------
; cell_addr: DI = offset in TEXT_SEG of row DH, column DL of page BH.
; Keeps every other register.
cell_addr:
	push	ds
	push	ax
	push	dx
	call	bda_ds
	mov	al, dh
	mul	byte [BDA_VCOLS]
	xor	dh, dh
	add	ax, dx
	shl	ax, 1
	mov	di, ax
	movzx	ax, bh
	and	al, 7
	mul	word [BDA_VPAGESIZE]
	add	di, ax
	pop	dx
	pop	ax
	pop	ds
	ret

; vid_read_char (08h): BH = page -> AL = character, AH = attribute (text
; modes; graphics modes answer 0).
vid_read_char:
	call	vid_kind
	cmp	al, VK_TEXT
	jne	.none
	call	get_cursor
	call	cell_addr
	push	word TEXT_SEG
	pop	es
	mov	ax, [es:di]
	mov	[bp + F_AX], ax
	jmp	int10_done
.none:
	mov	word [bp + F_AX], 0
	jmp	int10_done

; vid_write_char_attr (09h): AL = character, BH = page, BL = attribute
; (graphics: colour, bit 7 XOR), CX = count; the cursor stays.
vid_write_char_attr:
	mov	ah, 1
	jmp	write_chars
; vid_write_char (0Ah): as 09h, keeping the attributes in text modes.
vid_write_char:
	xor	ah, ah
write_chars:
	jcxz	.done
	mov	si, ax			; SI = character, with-attribute flag
	call	vid_kind
	call	get_cursor
	cmp	al, VK_OTHER
	je	.done
	cmp	al, VK_TEXT
	jne	.graphics
	call	cell_addr
	push	word TEXT_SEG
	pop	es
	mov	ax, si
.text:
	mov	[es:di], al
	test	ah, ah
	jz	.next
	mov	[es:di + 1], bl
.next:
	add	di, 2
	loop	.text
.done:
	jmp	int10_done
.graphics:
	mov	di, ax			; DI low byte = kind
	call	bda_ds
	mov	ax, si
.gchar:
	call	draw_glyph
	inc	dl
	cmp	dl, [BDA_VCOLS]
	jb	.gnext
	xor	dl, dl			; on to the next row, as a real BIOS does
	inc	dh
.gnext:
	loop	.gchar
	jmp	int10_done

; --- teletype -----------------------------------------------------------------------
; vid_teletype (0Eh): AL = character, BH = page (text), BL = colour
; (graphics). BEL, BS, LF and CR act; other characters print and advance
; the cursor, scrolling the page up at the bottom.
vid_teletype:
	call	teletype
	jmp	int10_done

; teletype: the work of 0Eh, for 0Eh and 13h. Keeps every register.
teletype:
	pushad
	push	ds
	push	es
	mov	si, ax			; SI = the character
	call	ebda_flags
	test	al, EBF_HEADLESS
	jz	.screen
	mov	ax, si
	call	serial_putc
.screen:
	call	vid_kind
	mov	cl, al			; CL = kind
	cmp	cl, VK_OTHER
	je	.out			; VBE modes: only the mirror
	call	bda_ds
	cmp	cl, VK_TEXT
	je	.page_ok
	mov	bh, [BDA_VPAGE]		; graphics: the active page
.page_ok:
	call	get_cursor
	mov	ax, si
	cmp	al, 7
	je	.out
	cmp	al, 8
	je	.bs
	cmp	al, 10
	je	.lf
	cmp	al, 13
	je	.cr
	cmp	cl, VK_TEXT
	jne	.gfx
	call	cell_addr
	push	word TEXT_SEG
	pop	es
	mov	[es:di], al
	jmp	.advance
.gfx:
	call	draw_glyph
.advance:
	inc	dl
	cmp	dl, [BDA_VCOLS]
	jb	.set
	xor	dl, dl
.lf:
	inc	dh
	cmp	dh, [BDA_VROWS]
	jbe	.set
	mov	dh, [BDA_VROWS]
	call	scroll_one
	jmp	.set
.bs:
	test	dl, dl
	jz	.out
	dec	dl
	jmp	.set
.cr:
	xor	dl, dl
.set:
	call	set_cursor
.out:
	pop	es
	pop	ds
	popad
	ret

; scroll_one: scrolls page BH up one line: in text modes the new line takes
; the attribute of the bottom line's first cell, in graphics modes colour
; 0. Keeps every register.
scroll_one:
	pushad
	push	ds
	push	es
	call	bda_ds
	xor	cx, cx			; upper left
	mov	dh, [BDA_VROWS]
	mov	dl, [BDA_VCOLS]
	dec	dl			; lower right
	call	vid_kind
	xor	ah, ah
	cmp	al, VK_TEXT
	jne	.go
	push	dx
	xor	dl, dl
	call	cell_addr
	pop	dx
	push	word TEXT_SEG
	pop	es
	mov	ah, [es:di + 1]
.go:
	mov	al, 1
	xor	si, si
	call	scroll_window
	pop	es
	pop	ds
	popad
	ret

; vid_write_string (13h): AL bit 0 = move the cursor, bit 1 = the string
; alternates characters and attributes; BH = page, BL = attribute, CX =
; length, DH/DL = where, ES:BP = the string. BEL/BS/LF/CR act as in
; teletype output.
vid_write_string:
	mov	si, [bp + F_BP]		; the caller's BP: the string's offset
	mov	di, ax			; DI low = mode
	push	dx
	call	get_cursor
	mov	ax, dx
	pop	dx
	push	ax			; the old cursor
	call	set_cursor
	jcxz	.end
.char:
	mov	al, [es:si]
	inc	si
	test	di, 2
	jz	.attr_ok
	mov	bl, [es:si]
	inc	si
.attr_ok:
	cmp	al, 7
	je	.control
	cmp	al, 8
	je	.control
	cmp	al, 10
	je	.control
	cmp	al, 13
	je	.control
	; A printable character with attribute BL, then the teletype step.
	push	cx
	push	ax
	mov	ah, 0x09
	mov	cx, 1
	int	0x10
	pop	ax
	call	teletype_advance
	pop	cx
	jmp	.next
.control:
	call	teletype
.next:
	loop	.char
.end:
	pop	dx
	test	di, 1
	jnz	.done
	call	set_cursor		; modes 0 and 2: the cursor stays
.done:
	jmp	int10_done

; teletype_advance: teletype of a character already on the screen: the
; COM1 mirror and the cursor step only. AL = character, BH = page.
teletype_advance:
	pushad
	push	ds
	push	es
	mov	si, ax
	call	ebda_flags
	test	al, EBF_HEADLESS
	jz	.screen
	mov	ax, si
	call	serial_putc
.screen:
	call	vid_kind
	cmp	al, VK_OTHER
	je	teletype.out
	call	bda_ds
	cmp	al, VK_TEXT
	je	.page_ok
	mov	bh, [BDA_VPAGE]
.page_ok:
	call	get_cursor
	jmp	teletype.advance

; --- scrolling ----------------------------------------------------------------------
; vid_scroll_up (06h) / vid_scroll_down (07h): AL = lines (0: clear the
; window), BH = attribute (colour) of the new lines, CH/CL = upper left
; row/column, DH/DL = lower right row/column, on the active page.
vid_scroll_up:
	xor	si, si
	jmp	vid_scroll
vid_scroll_down:
	mov	si, 1
vid_scroll:
	mov	ah, bh
	call	bda_ds
	mov	bh, [BDA_VPAGE]
	call	scroll_window
	jmp	int10_done

; Locals of scroll_window, below its BP.
SW_PAGE		equ -1
SW_KIND		equ -2
SW_ATTR		equ -3
SW_LINES	equ -4
SW_TOP		equ -5
SW_LEFT		equ -6
SW_BOTTOM	equ -7
SW_RIGHT	equ -8
SW_DIR		equ -9
SW_ROW		equ -10
SW_LOCALS	equ 10

; scroll_window: AL = lines (0 or more than the window: clear), AH = fill
; attribute or colour, BH = page, CX = upper left, DX = lower right, SI =
; 0 up, 1 down. The window is clipped to the screen. Each row of the window
; takes the row AL lines below (up) or above (down) it, or the fill when
; that row lies outside the window. Keeps every register.
scroll_window:
	pushad
	push	ds
	push	es
	push	bp
	mov	bp, sp
	sub	sp, SW_LOCALS
	mov	[bp + SW_PAGE], bh
	mov	[bp + SW_ATTR], ah
	mov	[bp + SW_LINES], al
	mov	ax, si
	mov	[bp + SW_DIR], al
	; Clip to the screen.
	call	bda_ds
	mov	al, [BDA_VCOLS]
	dec	al
	cmp	dl, al
	jbe	.cols_ok
	mov	dl, al
.cols_ok:
	cmp	dh, [BDA_VROWS]
	jbe	.rows_ok
	mov	dh, [BDA_VROWS]
.rows_ok:
	cmp	ch, dh
	ja	.done
	cmp	cl, dl
	ja	.done
	mov	[bp + SW_TOP], ch
	mov	[bp + SW_LEFT], cl
	mov	[bp + SW_BOTTOM], dh
	mov	[bp + SW_RIGHT], dl
	call	vid_kind
	mov	[bp + SW_KIND], al
	cmp	al, VK_OTHER
	je	.done
	mov	al, dh
	sub	al, ch
	inc	al			; window height
	mov	ah, [bp + SW_LINES]
	test	ah, ah
	jz	.clear
	cmp	ah, al
	jbe	.lines_ok
.clear:
	mov	[bp + SW_LINES], al
.lines_ok:
	; Walk the rows: up goes top to bottom, down bottom to top.
	mov	al, ch
	test	byte [bp + SW_DIR], 1
	jz	.first
	mov	al, dh
.first:
	mov	[bp + SW_ROW], al
.row:
	mov	al, [bp + SW_ROW]	; the destination row
	mov	ah, al			; the source row
	test	byte [bp + SW_DIR], 1
	jnz	.src_down
	add	ah, [bp + SW_LINES]
	jc	.fill
	cmp	ah, [bp + SW_BOTTOM]
	ja	.fill
	jmp	.copy
.src_down:
	sub	ah, [bp + SW_LINES]
	jc	.fill
	cmp	ah, [bp + SW_TOP]
	jb	.fill
.copy:
	call	sw_copy_row
	jmp	.step
.fill:
	call	sw_fill_row
.step:
	mov	al, [bp + SW_ROW]
	test	byte [bp + SW_DIR], 1
	jnz	.step_up
	cmp	al, [bp + SW_BOTTOM]
	je	.done
	inc	byte [bp + SW_ROW]
	jmp	.row
.step_up:
	cmp	al, [bp + SW_TOP]
	je	.done
	dec	byte [bp + SW_ROW]
	jmp	.row
.done:
	mov	sp, bp
	pop	bp
	pop	es
	pop	ds
	popad
	ret

; sw_line_span: for the graphics kinds, CX = bytes per pixel line of the
; window's width, DI = the offset of pixel line 0 of character row AL at
; the window's left edge, BX = bytes per screen line, AX = character
; height. Uses scroll_window's locals.
sw_line_span:
	push	dx
	push	ds
	call	bda_ds
	movzx	cx, byte [bp + SW_RIGHT]
	sub	cl, [bp + SW_LEFT]
	inc	cx			; characters
	movzx	di, byte [bp + SW_LEFT]
	mov	bx, 80			; planar: one byte per character column
	cmp	byte [bp + SW_KIND], VK_LINEAR
	jne	.planar
	shl	cx, 3			; linear: eight bytes per character
	shl	di, 3
	mov	bx, 320
.planar:
	movzx	dx, al
	mov	ax, [BDA_VCHARH]
	push	ax
	imul	dx, ax			; first pixel line of the row
	mov	ax, dx
	mul	bx
	add	di, ax
	pop	ax
	pop	ds
	pop	dx
	ret

; sw_copy_row: character row AH to row AL within the window.
sw_copy_row:
	pusha
	push	ds
	push	es
	cmp	byte [bp + SW_KIND], VK_TEXT
	jne	.graphics
	mov	bh, [bp + SW_PAGE]
	mov	dh, al
	mov	dl, [bp + SW_LEFT]
	call	cell_addr		; destination
	push	di
	mov	dh, ah
	call	cell_addr
	mov	si, di			; source
	pop	di
	movzx	cx, byte [bp + SW_RIGHT]
	sub	cl, [bp + SW_LEFT]
	inc	cx
	push	word TEXT_SEG
	pop	ds
	push	ds
	pop	es
	rep	movsw
	jmp	.done
.graphics:
	push	ax
	mov	al, ah
	call	sw_line_span
	mov	si, di			; source, first pixel line
	pop	dx
	mov	al, dl
	call	sw_line_span		; destination; AX = character height
	mov	dx, ax
	push	word GFX_SEG
	pop	ds
	push	ds
	pop	es
	cmp	byte [bp + SW_KIND], VK_PLANAR
	jne	.lines
	; Planar: write mode 1 copies all four planes through the latches.
	push	dx
	mov	dx, PORT_GC
	mov	ax, 0x0105
	out	dx, ax
	mov	dx, PORT_SEQ
	mov	ax, 0x0F02
	out	dx, ax
	pop	dx
.lines:
	push	cx
	push	si
	push	di
	rep	movsb
	pop	di
	pop	si
	pop	cx
	add	si, bx
	add	di, bx
	dec	dx
	jnz	.lines
	cmp	byte [bp + SW_KIND], VK_PLANAR
	jne	.done
	mov	dx, PORT_GC
	mov	ax, 0x0005
	out	dx, ax
.done:
	pop	es
	pop	ds
	popa
	ret

; sw_fill_row: character row AL of the window gets the fill.
sw_fill_row:
	pusha
	push	ds
	push	es
	cmp	byte [bp + SW_KIND], VK_TEXT
	jne	.graphics
	mov	bh, [bp + SW_PAGE]
	mov	dh, al
	mov	dl, [bp + SW_LEFT]
	call	cell_addr
	movzx	cx, byte [bp + SW_RIGHT]
	sub	cl, [bp + SW_LEFT]
	inc	cx
	push	word TEXT_SEG
	pop	es
	mov	ah, [bp + SW_ATTR]
	mov	al, ' '
	rep	stosw
	jmp	.done
.graphics:
	call	sw_line_span
	mov	dx, ax			; pixel lines
	push	word GFX_SEG
	pop	es
	mov	al, [bp + SW_ATTR]
	cmp	byte [bp + SW_KIND], VK_PLANAR
	jne	.lines
	; Planar: set/reset writes the colour to all planes.
	push	dx
	mov	dx, PORT_GC
	mov	ah, al
	mov	al, 0x00
	out	dx, ax			; set/reset = colour
	mov	ax, 0x0F01
	out	dx, ax			; enable set/reset on all planes
	mov	ax, 0xFF08
	out	dx, ax			; bit mask: all
	mov	dx, PORT_SEQ
	mov	ax, 0x0F02
	out	dx, ax
	pop	dx
.lines:
	push	cx
	push	di
	rep	stosb
	pop	di
	pop	cx
	add	di, bx
	dec	dx
	jnz	.lines
	cmp	byte [bp + SW_KIND], VK_PLANAR
	jne	.done
	mov	dx, PORT_GC
	mov	ax, 0x0001
	out	dx, ax			; set/reset off again
.done:
	pop	es
	pop	ds
	popa
	ret

; Characters and pixels in graphics modes.
%include "video_gfx.asm"
