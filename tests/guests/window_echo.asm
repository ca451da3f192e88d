; window_echo.asm: a guest for the desktop window's tests
; (tests/frontend/window_test.sh). It echoes what the keyboard and the mouse
; send, so a test can type into the window and read back what the guest got:
;   - on the debug console, one line per byte from the i8042: "k 1e" for a
;     keyboard byte (scan code set 1: the controller translates), "m 08" for
;     a mouse byte; "ready" once it listens, "ctrl-alt-del" when Delete is
;     pressed with Ctrl and Alt held, "bye" before Escape ends the run;
;   - on the VGA text screen, the characters typed, through a US layout with
;     Shift, so a screenshot of the window shows them.
; It loads a font (popek's BIOS font, built from Debian's console fonts)
; into plane 2, turns the cursor off (a blinking cursor would make the
; screenshots depend on time), draws a title, a colour bar and a prompt,
; writes POST code 0x42, enables the PS/2 mouse and then sleeps in HLT
; between IRQ1/IRQ12 interrupts (so the window paces it to real time and
; typematic repeat runs at its real rate).
; Escape ends the run with debug-exit 0 (status 1). Failure codes: 1x
; keyboard controller set-up.
%include "guest.inc"

VGA_SEQ		equ 0x3C4
VGA_GC		equ 0x3CE
VGA_CRTC	equ 0x3D4
VEC_BASE	equ 0x20		; PIC master; the slave at 0x28

; Variables in conventional RAM.
HEAD		equ 0x0500		; ring buffer of (byte, source) words
TAIL		equ 0x0502
CUR		equ 0x0504		; text buffer offset of the next echoed char
SHIFT		equ 0x0506		; bit 0 left, bit 1 right Shift held
MODS		equ 0x0507		; bit 0 Ctrl, bit 1 Alt held
E0		equ 0x0508		; the previous keyboard byte was 0xE0
RING		equ 0x0600		; 256 words
RING_MASK	equ 0x01FE

%define ROWCOL(r, c) ((r) * 160 + (c) * 2)
ECHO_ROW	equ 4
ECHO_COL	equ 2

start:
	cli
	cld
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	mov	ds, ax
	mov	word [HEAD], 0
	mov	word [TAIL], 0
	mov	word [CUR], ROWCOL(ECHO_ROW, ECHO_COL)
	mov	word [SHIFT], 0
	mov	byte [E0], 0
	mov	al, 0x42		; the title bar shows the last POST code
	out	0x80, al

	call	load_font
	call	draw_screen

	; --- the keyboard controller and the mouse (polled: no IRQs yet) ----
	mov	al, 0xAD		; keyboard off while the mouse is set up
	call	kbc_cmd
	mov	al, 0x60		; command byte: translation, no IRQs yet
	call	kbc_cmd
	mov	al, 0x44
	call	kbc_data
	call	kbc_drain
	mov	al, 0xA8		; the auxiliary (mouse) port on
	call	kbc_cmd
	mov	al, 0xD4		; to the mouse: enable data reporting
	call	kbc_cmd
	mov	al, 0xF4
	call	kbc_data
	call	kbc_read
	CHECK16	al, 0xFA, 0x10
	mov	al, 0xAE		; keyboard on
	call	kbc_cmd
	mov	al, 0x60		; command byte: translation, IRQ1 and IRQ12
	call	kbc_cmd
	mov	al, 0x47
	call	kbc_data

	; --- interrupts: every vector to `stray`, IRQ1 and IRQ12 to `irq` ---
	mov	di, VEC_BASE * 4
	mov	cx, 16
.ivt:	mov	word [di], stray
	mov	word [di + 2], 0xF000
	add	di, 4
	loop	.ivt
	mov	word [(VEC_BASE + 1) * 4], irq
	mov	word [(VEC_BASE + 12) * 4], irq
	mov	al, 0x11		; the PIC pair: edge, cascade, 8086 mode
	out	0x20, al
	out	0xA0, al
	mov	al, VEC_BASE
	out	0x21, al
	mov	al, VEC_BASE + 8
	out	0xA1, al
	mov	al, 0x04
	out	0x21, al
	mov	al, 0x02
	out	0xA1, al
	mov	al, 0x01
	out	0x21, al
	out	0xA1, al
	mov	al, 0xF9		; master: IRQ1 and the cascade
	out	0x21, al
	mov	al, 0xEF		; slave: IRQ12
	out	0xA1, al

	PUTS16	msg_ready

; The main loop: sleep until an interrupt has queued something, then echo.
main_loop:
	cli
	mov	bx, [TAIL]
	cmp	bx, [HEAD]
	jne	.have
	sti
	hlt
	jmp	main_loop
.have:
	mov	ax, [RING + bx]
	add	bx, 2
	and	bx, RING_MASK
	mov	[TAIL], bx
	sti
	test	ah, ah
	jnz	.mouse
	call	key_byte
	jmp	main_loop
.mouse:
	mov	ah, al
	mov	al, 'm'
	out	PORT_DEBUGCON, al
	mov	al, ' '
	out	PORT_DEBUGCON, al
	mov	al, ah
	call	puthex8_16
	mov	al, 10
	out	PORT_DEBUGCON, al
	jmp	main_loop

; key_byte: one byte from the keyboard in AL: echoed in hex, then acted on.
key_byte:
	mov	ah, al
	mov	al, 'k'
	out	PORT_DEBUGCON, al
	mov	al, ' '
	out	PORT_DEBUGCON, al
	mov	al, ah
	call	puthex8_16
	mov	al, 10
	out	PORT_DEBUGCON, al
	mov	al, ah

	cmp	al, 0xE0
	jne	.not_prefix
	mov	byte [E0], 1
	ret
.not_prefix:
	mov	bl, [E0]
	mov	byte [E0], 0
	; Modifiers, on either side (right Ctrl and Alt are E0-prefixed).
	mov	ah, al
	and	ah, 0x7F
	cmp	ah, 0x1D
	je	.ctrl
	cmp	ah, 0x38
	je	.alt
	test	bl, bl
	jnz	.extended
	cmp	ah, 0x2A
	je	.lshift
	cmp	ah, 0x36
	je	.rshift
	test	al, 0x80		; other releases: nothing to do
	jnz	.done
	cmp	al, 0x01		; Escape: the end
	je	.escape
	cmp	al, 0x1C		; Enter: the next row
	je	.enter
	cmp	al, 0x3A
	jae	.done
	xor	bh, bh
	mov	bl, al
	mov	si, keymap
	test	byte [SHIFT], 3
	jz	.map
	mov	si, keymap_shift
.map:	mov	al, [cs:si + bx]
	test	al, al
	jz	.done
	mov	bx, [CUR]
	cmp	bx, ROWCOL(24, 0)	; the screen is full: stop echoing
	jae	.done
	push	es
	mov	dx, 0xB800
	mov	es, dx
	mov	ah, 0x0A		; light green on black
	mov	[es:bx], ax
	pop	es
	add	word [CUR], 2
.done:
	ret
.enter:
	mov	ax, [CUR]
	xor	dx, dx
	mov	cx, 160
	div	cx
	inc	ax
	mul	cx
	add	ax, ECHO_COL * 2
	mov	[CUR], ax
	ret
.extended:
	cmp	al, 0x53		; Delete: with Ctrl and Alt, a PC reboots
	jne	.done
	cmp	byte [MODS], 3
	jne	.done
	PUTS16	msg_cad
	ret
.escape:
	PUTS16	msg_bye
	EXIT	0
.lshift:
	mov	ah, 1
	jmp	.set_shift
.rshift:
	mov	ah, 2
.set_shift:
	test	al, 0x80
	jnz	.shift_up
	or	[SHIFT], ah
	ret
.shift_up:
	not	ah
	and	[SHIFT], ah
	ret
.ctrl:
	mov	ah, 1
	jmp	.set_mod
.alt:
	mov	ah, 2
.set_mod:
	test	al, 0x80
	jnz	.mod_up
	or	[MODS], ah
	ret
.mod_up:
	not	ah
	and	[MODS], ah
	ret

; irq: IRQ1 and IRQ12. Queues every byte the controller has, with its
; source (status bit 5: from the mouse), then EOI to both PICs.
irq:
	push	ax
	push	bx
.more:	in	al, 0x64
	test	al, 0x01
	jz	.done
	mov	ah, al
	and	ah, 0x20
	in	al, 0x60
	mov	bx, [HEAD]
	mov	[RING + bx], ax
	add	bx, 2
	and	bx, RING_MASK
	cmp	bx, [TAIL]		; full: the byte is dropped
	je	.more
	mov	[HEAD], bx
	jmp	.more
.done:	mov	al, 0x20
	out	0xA0, al
	out	0x20, al
	pop	bx
	pop	ax
	iret

stray:
	push	ax
	mov	al, 0x20
	out	0xA0, al
	out	0x20, al
	pop	ax
	iret

; kbc_cmd / kbc_data: a byte to the controller's command / data port, once
; its input buffer is empty.
kbc_cmd:
	mov	ah, al
	call	kbc_wait_in
	mov	al, ah
	out	0x64, al
	ret
kbc_data:
	mov	ah, al
	call	kbc_wait_in
	mov	al, ah
	out	0x60, al
	ret
kbc_wait_in:
	in	al, 0x64
	test	al, 0x02
	jnz	kbc_wait_in
	ret
; kbc_read: waits for a byte from the controller and returns it in AL.
kbc_read:
	mov	cx, 0xFFFF
.wait:	in	al, 0x64
	test	al, 0x01
	jnz	.got
	loop	.wait
	mov	al, 0x11
	jmp	fail16
.got:	in	al, 0x60
	ret
; kbc_drain: throws away whatever the controller holds.
kbc_drain:
	in	al, 0x64
	test	al, 0x01
	jz	.done
	in	al, 0x60
	jmp	kbc_drain
.done:	ret

; load_font: the 256 glyphs of `font` (8x16) into plane 2, 32 bytes apart,
; with the standard font-load sequence, then text mode again.
load_font:
	mov	dx, VGA_SEQ
	mov	ax, 0x0100		; synchronous reset
	out	dx, ax
	mov	ax, 0x0402		; map mask: plane 2 only
	out	dx, ax
	mov	ax, 0x0704		; memory mode: sequential, no odd/even
	out	dx, ax
	mov	ax, 0x0300		; end of reset
	out	dx, ax
	mov	dx, VGA_GC
	mov	ax, 0x0204		; read map select: plane 2
	out	dx, ax
	mov	ax, 0x0005		; write mode 0, no odd/even
	out	dx, ax
	mov	ax, 0x0406		; memory map A0000-AFFFF, no chaining
	out	dx, ax
	push	es
	mov	ax, 0xA000
	mov	es, ax
	mov	si, font
	xor	di, di
	mov	bx, 256
.glyph:	mov	cx, 16
.row:	mov	al, [cs:si]
	mov	[es:di], al
	inc	si
	inc	di
	loop	.row
	add	di, 16
	dec	bx
	jnz	.glyph
	pop	es
	mov	dx, VGA_SEQ
	mov	ax, 0x0100
	out	dx, ax
	mov	ax, 0x0302		; map mask: planes 0 and 1
	out	dx, ax
	mov	ax, 0x0304		; memory mode: odd/even, extended memory
	out	dx, ax
	mov	ax, 0x0300
	out	dx, ax
	mov	dx, VGA_GC
	mov	ax, 0x0004		; read map 0
	out	dx, ax
	mov	ax, 0x1005		; odd/even
	out	dx, ax
	mov	ax, 0x0E06		; memory map B8000-BFFFF, chained, text
	out	dx, ax
	mov	dx, VGA_CRTC		; cursor off (start register bit 5)
	mov	ax, 0x200A
	out	dx, ax
	ret

; draw_screen: the title, the prompt and a bar of the 16 colours.
draw_screen:
	push	es
	mov	ax, 0xB800
	mov	es, ax
	xor	di, di			; clear: grey on black
	mov	ax, 0x0720
	mov	cx, 80 * 25
	rep	stosw
	xor	di, di			; title bar: white on blue
	mov	ax, 0x1F20
	mov	cx, 80
	rep	stosw
	mov	di, ROWCOL(0, 1)
	mov	ah, 0x1F
	mov	si, s_title
	call	puttext
	mov	di, ROWCOL(2, ECHO_COL)
	mov	ah, 0x0E		; yellow
	mov	si, s_prompt
	call	puttext
	mov	di, ROWCOL(24, 0)	; the colours as full blocks
	mov	ax, 0x00DB
.bar:	mov	cx, 5
	rep	stosw
	inc	ah
	cmp	ah, 16
	jb	.bar
	pop	es
	ret

; puttext: the NUL-terminated string at CS:SI to ES:DI with attribute AH.
puttext:
	mov	al, [cs:si]
	test	al, al
	jz	.done
	stosw
	inc	si
	jmp	puttext
.done:	ret

; Scan code set 1, make codes 0x00-0x39, to characters (US layout).
keymap:
	db 0, 0, "1234567890-=", 0, 0
	db "qwertyuiop[]", 0, 0
	db "asdfghjkl;'`", 0, "\"
	db "zxcvbnm,./", 0, "*", 0, " "
keymap_shift:
	db 0, 0, "!@#$%^&*()_+", 0, 0
	db "QWERTYUIOP{}", 0, 0
	db 'ASDFGHJKL:"~', 0, "|"
	db "ZXCVBNM<>?", 0, "*", 0, " "

s_title:	db "popek window test: keys typed in the window appear below", 0
s_prompt:	db "Type here (Esc ends the test):", 0
msg_ready:	db "ready", 10, 0
msg_cad:	db "ctrl-alt-del", 10, 0
msg_bye:	db "bye", 10, 0

; popek's BIOS font (code page 437, 8x16), generated at build time.
font:
%include "font8x16.inc"
