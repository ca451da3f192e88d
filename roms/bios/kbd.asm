; kbd.asm: the keyboard. INT 09h (IRQ1) reads each scancode (set 1, as the
; i8042 translates it), keeps the shift, Ctrl, Alt and lock states in the
; BDA, and puts keys as (scancode << 8 | character) words in the BDA's
; 16-key ring buffer; INT 16h hands them out.
;
;   INT 16h  00h/10h wait for a key   01h/11h peek (ZF = no key)
;            02h/12h shift states     03h typematic (accepted)
;            05h store CX as a key    09h capabilities  0Ah keyboard ID
;
; Keys with an E0h prefix (the grey cursor keys, keypad Enter and /) carry
; E0h as their character for 10h/11h; 00h/01h show them as 00h, as the
; 84-key services did. Ctrl+Alt+Del restarts the machine (a warm boot).
; The keyboard LEDs are not driven.

; INT 09h.
int09_handler:
	pusha
	push	ds
	push	word BDA_SEG
	pop	ds
	cld
	in	al, PORT_KBD_DATA
	; INT 15h 4Fh may take the scancode (CF clear on return) or change it.
	stc
	mov	ah, 0x4F
	int	0x15
	jnc	.eoi
	cmp	al, 0xE0
	jne	.not_e0
	or	byte [BDA_KBD_FLAGS3], 0x02
	jmp	.eoi
.not_e0:
	cmp	al, 0xE1
	je	.eoi			; Pause: not a key the buffer holds
	mov	bl, [BDA_KBD_FLAGS3]
	and	byte [BDA_KBD_FLAGS3], ~0x02
	and	bl, 0x02		; BL != 0: this code had the E0 prefix
	mov	ah, al
	and	ah, 0x7F		; AH = the key
	; Modifiers change state on make and break.
	mov	cl, KF_LSHIFT
	cmp	ah, 0x2A
	je	.shift
	mov	cl, KF_RSHIFT
	cmp	ah, 0x36
	je	.shift
	mov	cl, KF_CTRL
	cmp	ah, 0x1D
	je	.held
	mov	cl, KF_ALT
	cmp	ah, 0x38
	je	.held
	mov	cl, KF_CAPS
	cmp	ah, 0x3A
	je	.lock
	mov	cl, KF_NUM
	cmp	ah, 0x45
	je	.lock
	mov	cl, KF_SCROLL
	cmp	ah, 0x46
	je	.lock
	test	al, 0x80
	jnz	.eoi			; other keys act on make only
	cmp	ah, 0x53
	jne	.key
	; Ctrl+Alt+Del: warm boot.
	mov	ch, [BDA_KBD_FLAGS1]
	and	ch, KF_CTRL | KF_ALT
	cmp	ch, KF_CTRL | KF_ALT
	jne	.key
	mov	word [BDA_RESETFLAG], 0x1234
	mov	al, 0x20
	out	PORT_PIC1, al
	jmp	BIOS_SEG:reset_vector
.shift:
	test	bl, bl
	jnz	.eoi			; E0 2A / E0 36: the keyboard's fake shifts
.held:
	test	al, 0x80
	jnz	.release
	or	[BDA_KBD_FLAGS1], cl
	jmp	.eoi
.release:
	not	cl
	and	[BDA_KBD_FLAGS1], cl
	jmp	.eoi
.lock:
	; A lock toggles on the first make, not on repeats: FLAGS2 bits
	; 4-6 say the key is down (the same bit positions as in FLAGS1).
	test	al, 0x80
	jnz	.lock_up
	test	[BDA_KBD_FLAGS2], cl
	jnz	.eoi
	or	[BDA_KBD_FLAGS2], cl
	xor	[BDA_KBD_FLAGS1], cl
	jmp	.eoi
.lock_up:
	not	cl
	and	[BDA_KBD_FLAGS2], cl
	jmp	.eoi
.key:
	cmp	ah, 0x58
	ja	.eoi
	cmp	ah, 0x52
	jne	.lookup
	xor	byte [BDA_KBD_FLAGS1], KF_INSERT
.lookup:
	; Column: alt 3, ctrl 2, shift 1 (with Caps Lock for letters and
	; Num Lock for the keypad swapping it), else 0.
	movzx	si, ah
	shl	si, 3			; 8 bytes per scancode
	mov	dl, [BDA_KBD_FLAGS1]
	mov	di, 6
	test	dl, KF_ALT
	jnz	.col
	mov	di, 4
	test	dl, KF_CTRL
	jnz	.col
	xor	di, di
	test	dl, KF_LSHIFT | KF_RSHIFT
	jz	.no_shift
	mov	di, 2
.no_shift:
	test	bl, bl
	jnz	.col			; E0 keys ignore the locks
	mov	cx, [cs:kbd_table + si]
	cmp	ah, 0x47
	jb	.caps
	cmp	ah, 0x53
	ja	.col
	test	dl, KF_NUM
	jz	.col
	xor	di, 2			; Num Lock inverts Shift on the keypad
	jmp	.col
.caps:
	cmp	cl, 'a'
	jb	.col
	cmp	cl, 'z'
	ja	.col
	test	dl, KF_CAPS
	jz	.col
	xor	di, 2			; Caps Lock inverts Shift on letters
.col:
	mov	bp, si
	add	bp, di
	mov	ax, [cs:kbd_table + bp]
	test	ax, ax
	jz	.eoi
	test	bl, bl
	jz	.store
	; E0 keys: keypad Enter and / keep their character, the grey keys
	; get E0h in place of the keypad's.
	cmp	ah, 0x1C
	je	.store
	cmp	ah, 0x35
	je	.store
	test	di, 6
	jnz	.store
	mov	al, 0xE0
.store:
	call	kbd_put
.eoi:
	cli
	mov	al, 0x20
	out	PORT_PIC1, al
	pop	ds
	popa
	iret

; kbd_put: appends the key word AX to the buffer (DS = BDA); dropped when
; the buffer is full. CF set when dropped. Keeps the other registers.
kbd_put:
	push	bx
	push	dx
	mov	bx, [BDA_KBD_TAIL]
	mov	dx, bx
	add	dx, 2
	cmp	dx, [BDA_KBD_END]
	jb	.wrap_ok
	mov	dx, [BDA_KBD_START]
.wrap_ok:
	cmp	dx, [BDA_KBD_HEAD]
	je	.full
	mov	[bx], ax
	mov	[BDA_KBD_TAIL], dx
	pop	dx
	pop	bx
	clc
	ret
.full:
	pop	dx
	pop	bx
	stc
	ret

; INT 16h.
int16_handler:
	ENTER_FRAME
	push	word BDA_SEG
	pop	ds
	cld
	cmp	ah, 0x00
	je	.read
	cmp	ah, 0x10
	je	.read
	cmp	ah, 0x01
	je	.peek
	cmp	ah, 0x11
	je	.peek
	cmp	ah, 0x02
	je	.flags
	cmp	ah, 0x12
	je	.flags12
	cmp	ah, 0x05
	je	.store
	cmp	ah, 0x09
	je	.caps
	cmp	ah, 0x0A
	je	.id
	jmp	.done			; 03h and the rest: accepted, nothing to do
.read:
	; Halt until IRQ1 has put a key in the buffer.
	sti
	mov	bx, [BDA_KBD_HEAD]
	cmp	bx, [BDA_KBD_TAIL]
	jne	.take
	hlt
	jmp	.read
.take:
	cli
	mov	ax, [bx]
	add	bx, 2
	cmp	bx, [BDA_KBD_END]
	jb	.head_ok
	mov	bx, [BDA_KBD_START]
.head_ok:
	mov	[BDA_KBD_HEAD], bx
	call	.compat
	mov	[bp + F_AX], ax
	jmp	.done
.peek:
	cli
	mov	bx, [BDA_KBD_HEAD]
	cmp	bx, [BDA_KBD_TAIL]
	je	.empty
	mov	ax, [bx]
	call	.compat
	mov	[bp + F_AX], ax
	and	word [bp + F_FLAGS], ~0x40	; ZF clear: a key
	jmp	.done
.empty:
	or	word [bp + F_FLAGS], 0x40	; ZF set: none
	jmp	.done
.flags:
	mov	al, [BDA_KBD_FLAGS1]
	mov	[bp + F_AL], al
	jmp	.done
.flags12:
	mov	al, [BDA_KBD_FLAGS1]
	mov	[bp + F_AL], al
	mov	al, [BDA_KBD_FLAGS2]
	mov	[bp + F_AH], al
	jmp	.done
.store:
	mov	ax, cx
	call	kbd_put
	mov	byte [bp + F_AL], 0
	jnc	.done
	mov	byte [bp + F_AL], 1
	jmp	.done
.caps:
	mov	byte [bp + F_AL], 0x20	; 10h-12h supported
	jmp	.done
.id:
	mov	word [bp + F_BX], 0x41AB	; an MF2 keyboard
.done:
	LEAVE_FRAME

; .compat: for 00h/01h, an E0h character becomes 00h. The function is in
; the frame's AH.
.compat:
	test	byte [bp + F_AH], 0x10
	jnz	.compat_done
	cmp	al, 0xE0
	jne	.compat_done
	test	ah, ah
	jz	.compat_done
	xor	al, al
.compat_done:
	ret

kbd_table:			; scancode: normal, shift, ctrl, alt
	dw	0x0000, 0x0000, 0x0000, 0x0000	; 00
	dw	0x011B, 0x011B, 0x011B, 0x0100	; 01
	dw	0x0231, 0x0221, 0x0000, 0x7800	; 02
	dw	0x0332, 0x0340, 0x0300, 0x7900	; 03
	dw	0x0433, 0x0423, 0x0000, 0x7A00	; 04
	dw	0x0534, 0x0524, 0x0000, 0x7B00	; 05
	dw	0x0635, 0x0625, 0x0000, 0x7C00	; 06
	dw	0x0736, 0x075E, 0x071E, 0x7D00	; 07
	dw	0x0837, 0x0826, 0x0000, 0x7E00	; 08
	dw	0x0938, 0x092A, 0x0000, 0x7F00	; 09
	dw	0x0A39, 0x0A28, 0x0000, 0x8000	; 0A
	dw	0x0B30, 0x0B29, 0x0000, 0x8100	; 0B
	dw	0x0C2D, 0x0C5F, 0x0C1F, 0x8200	; 0C
	dw	0x0D3D, 0x0D2B, 0x0000, 0x8300	; 0D
	dw	0x0E08, 0x0E08, 0x0E7F, 0x0E00	; 0E
	dw	0x0F09, 0x0F00, 0x9400, 0xA500	; 0F
	dw	0x1071, 0x1051, 0x1011, 0x1000	; 10
	dw	0x1177, 0x1157, 0x1117, 0x1100	; 11
	dw	0x1265, 0x1245, 0x1205, 0x1200	; 12
	dw	0x1372, 0x1352, 0x1312, 0x1300	; 13
	dw	0x1474, 0x1454, 0x1414, 0x1400	; 14
	dw	0x1579, 0x1559, 0x1519, 0x1500	; 15
	dw	0x1675, 0x1655, 0x1615, 0x1600	; 16
	dw	0x1769, 0x1749, 0x1709, 0x1700	; 17
	dw	0x186F, 0x184F, 0x180F, 0x1800	; 18
	dw	0x1970, 0x1950, 0x1910, 0x1900	; 19
	dw	0x1A5B, 0x1A7B, 0x1A1B, 0x1A00	; 1A
	dw	0x1B5D, 0x1B7D, 0x1B1D, 0x1B00	; 1B
	dw	0x1C0D, 0x1C0D, 0x1C0A, 0xA600	; 1C
	dw	0x0000, 0x0000, 0x0000, 0x0000	; 1D
	dw	0x1E61, 0x1E41, 0x1E01, 0x1E00	; 1E
	dw	0x1F73, 0x1F53, 0x1F13, 0x1F00	; 1F
	dw	0x2064, 0x2044, 0x2004, 0x2000	; 20
	dw	0x2166, 0x2146, 0x2106, 0x2100	; 21
	dw	0x2267, 0x2247, 0x2207, 0x2200	; 22
	dw	0x2368, 0x2348, 0x2308, 0x2300	; 23
	dw	0x246A, 0x244A, 0x240A, 0x2400	; 24
	dw	0x256B, 0x254B, 0x250B, 0x2500	; 25
	dw	0x266C, 0x264C, 0x260C, 0x2600	; 26
	dw	0x273B, 0x273A, 0x0000, 0x2700	; 27
	dw	0x2827, 0x2822, 0x0000, 0x2800	; 28
	dw	0x2960, 0x297E, 0x0000, 0x2900	; 29
	dw	0x0000, 0x0000, 0x0000, 0x0000	; 2A
	dw	0x2B5C, 0x2B7C, 0x2B1C, 0x2B00	; 2B
	dw	0x2C7A, 0x2C5A, 0x2C1A, 0x2C00	; 2C
	dw	0x2D78, 0x2D58, 0x2D18, 0x2D00	; 2D
	dw	0x2E63, 0x2E43, 0x2E03, 0x2E00	; 2E
	dw	0x2F76, 0x2F56, 0x2F16, 0x2F00	; 2F
	dw	0x3062, 0x3042, 0x3002, 0x3000	; 30
	dw	0x316E, 0x314E, 0x310E, 0x3100	; 31
	dw	0x326D, 0x324D, 0x320D, 0x3200	; 32
	dw	0x332C, 0x333C, 0x0000, 0x3300	; 33
	dw	0x342E, 0x343E, 0x0000, 0x3400	; 34
	dw	0x352F, 0x353F, 0x0000, 0x3500	; 35
	dw	0x0000, 0x0000, 0x0000, 0x0000	; 36
	dw	0x372A, 0x372A, 0x9600, 0x3700	; 37
	dw	0x0000, 0x0000, 0x0000, 0x0000	; 38
	dw	0x3920, 0x3920, 0x3920, 0x3920	; 39
	dw	0x0000, 0x0000, 0x0000, 0x0000	; 3A
	dw	0x3B00, 0x5400, 0x5E00, 0x6800	; 3B
	dw	0x3C00, 0x5500, 0x5F00, 0x6900	; 3C
	dw	0x3D00, 0x5600, 0x6000, 0x6A00	; 3D
	dw	0x3E00, 0x5700, 0x6100, 0x6B00	; 3E
	dw	0x3F00, 0x5800, 0x6200, 0x6C00	; 3F
	dw	0x4000, 0x5900, 0x6300, 0x6D00	; 40
	dw	0x4100, 0x5A00, 0x6400, 0x6E00	; 41
	dw	0x4200, 0x5B00, 0x6500, 0x6F00	; 42
	dw	0x4300, 0x5C00, 0x6600, 0x7000	; 43
	dw	0x4400, 0x5D00, 0x6700, 0x7100	; 44
	dw	0x0000, 0x0000, 0x0000, 0x0000	; 45
	dw	0x0000, 0x0000, 0x0000, 0x0000	; 46
	dw	0x4700, 0x4737, 0x7700, 0x0000	; 47
	dw	0x4800, 0x4838, 0x8D00, 0x0000	; 48
	dw	0x4900, 0x4939, 0x8400, 0x0000	; 49
	dw	0x4A2D, 0x4A2D, 0x8E00, 0x0000	; 4A
	dw	0x4B00, 0x4B34, 0x7300, 0x0000	; 4B
	dw	0x4C00, 0x4C35, 0x8F00, 0x0000	; 4C
	dw	0x4D00, 0x4D36, 0x7400, 0x0000	; 4D
	dw	0x4E2B, 0x4E2B, 0x9000, 0x0000	; 4E
	dw	0x4F00, 0x4F31, 0x7500, 0x0000	; 4F
	dw	0x5000, 0x5032, 0x9100, 0x0000	; 50
	dw	0x5100, 0x5133, 0x7600, 0x0000	; 51
	dw	0x5200, 0x5230, 0x9200, 0x0000	; 52
	dw	0x5300, 0x532E, 0x9300, 0x0000	; 53
	dw	0x0000, 0x0000, 0x0000, 0x0000	; 54
	dw	0x0000, 0x0000, 0x0000, 0x0000	; 55
	dw	0x0000, 0x0000, 0x0000, 0x0000	; 56
	dw	0x8500, 0x8700, 0x8900, 0x8B00	; 57
	dw	0x8600, 0x8800, 0x8A00, 0x8C00	; 58
