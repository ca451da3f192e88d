; alu16.asm: a self-checking battery of 16-bit real-mode instructions.
;
; Each group computes values whose results are known (worked out by hand and
; confirmed on a reference machine) and compares them, flags included, with
; CHECK16 / CHECK_FLAGS16. A group that passes prints "ok <group>"; the
; first mismatch prints "FAIL xx" and exits with xx, the check's code, whose
; high nibble names the group:
;   1x add/adc/sub/sbb   2x inc/dec/neg/logic   3x mul/div   4x shifts
;   5x addressing        6x strings             7x stack     8x far calls
;   9x INT via the IVT   Ax #DE via the IVT     Bx misc 386 forms
%include "guest.inc"

ARITH	equ 0x08D5	; OF SF ZF AF PF CF
F_CF	equ 0x0001
F_PF	equ 0x0004
F_AF	equ 0x0010
F_ZF	equ 0x0040
F_SF	equ 0x0080
F_OF	equ 0x0800

%macro OK 1
	PUTS16	%1
%endmacro

start:
	cli
	cld
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	mov	ds, ax
	mov	es, ax

; --- 1x: ADD/ADC/SUB/SBB with their flags -------------------------------
	mov	ax, 0x7FFF
	add	ax, 1
	CHECK_FLAGS16 ARITH, F_OF | F_SF | F_AF | F_PF, 0x10
	CHECK16	ax, 0x8000, 0x11

	mov	ax, 0xFFFF
	add	ax, 1
	CHECK_FLAGS16 ARITH, F_CF | F_ZF | F_AF | F_PF, 0x12
	CHECK16	ax, 0, 0x13

	stc
	mov	ax, 0x1234
	adc	ax, 0x0F00
	CHECK_FLAGS16 ARITH, F_PF, 0x14
	CHECK16	ax, 0x2135, 0x15

	xor	ax, ax
	sub	ax, 1
	CHECK_FLAGS16 ARITH, F_CF | F_SF | F_AF | F_PF, 0x16
	CHECK16	ax, 0xFFFF, 0x17

	stc
	mov	ax, 0x8000
	sbb	ax, 0
	CHECK_FLAGS16 ARITH, F_OF | F_AF | F_PF, 0x18
	CHECK16	ax, 0x7FFF, 0x19

	; A 32-bit addition carried through two 16-bit halves.
	mov	ax, 0xFFFF
	mov	dx, 0x0001
	add	ax, 2
	adc	dx, 0
	CHECK16	ax, 1, 0x1A
	CHECK16	dx, 2, 0x1B

	; Byte forms, the high-byte registers and CMP (flags only).
	mov	bx, 0x80FF
	add	bl, 1
	CHECK_FLAGS16 ARITH, F_CF | F_ZF | F_AF | F_PF, 0x1C
	sub	bh, 1
	CHECK_FLAGS16 ARITH, F_OF | F_AF, 0x1D
	CHECK16	bx, 0x7F00, 0x1E
	mov	cx, 5
	cmp	cx, 7
	CHECK_FLAGS16 ARITH, F_CF | F_SF | F_AF, 0x1F
	OK	ok_add

; --- 2x: INC/DEC/NEG and the logic ops ------------------------------------
	stc
	mov	ax, 0xFFFF
	inc	ax			; CF is kept
	CHECK_FLAGS16 ARITH, F_CF | F_ZF | F_AF | F_PF, 0x20
	clc
	mov	ax, 0x8000
	dec	ax
	CHECK_FLAGS16 ARITH, F_OF | F_AF | F_PF, 0x21
	mov	ax, 5
	neg	ax
	CHECK_FLAGS16 ARITH, F_CF | F_SF | F_AF, 0x22
	CHECK16	ax, 0xFFFB, 0x23
	xor	ax, ax
	neg	ax
	CHECK_FLAGS16 F_CF | F_ZF, F_ZF, 0x24
	stc
	mov	ax, 0xF0F0
	and	ax, 0x0FF0		; clears CF and OF
	CHECK_FLAGS16 F_CF | F_OF | F_ZF | F_SF | F_PF, F_PF, 0x25
	CHECK16	ax, 0x00F0, 0x26
	or	ax, 0x8001
	CHECK_FLAGS16 F_CF | F_OF | F_ZF | F_SF | F_PF, F_SF, 0x27
	CHECK16	ax, 0x80F1, 0x28
	xor	ax, 0x80F1
	CHECK_FLAGS16 F_ZF | F_SF, F_ZF, 0x29
	mov	ax, 0x1234
	not	ax
	CHECK16	ax, 0xEDCB, 0x2A
	test	ax, 0x0004
	CHECK_FLAGS16 F_ZF, F_ZF, 0x2B
	OK	ok_logic

; --- 3x: MUL/IMUL/DIV/IDIV -------------------------------------------------
	mov	ax, 0x1234
	mov	bx, 0x5678
	mul	bx
	CHECK_FLAGS16 F_CF | F_OF, F_CF | F_OF, 0x30
	CHECK16	dx, 0x0626, 0x31
	CHECK16	ax, 0x0060, 0x32
	inc	ax			; DX:AX = 0x06260061
	div	bx
	CHECK16	ax, 0x1234, 0x33
	CHECK16	dx, 1, 0x34
	mov	ax, -3
	mov	bx, 7
	imul	bx
	CHECK_FLAGS16 F_CF | F_OF, 0, 0x35
	CHECK16	ax, -21, 0x36
	CHECK16	dx, 0xFFFF, 0x37
	mov	ax, -100
	cwd
	mov	bx, 7
	idiv	bx
	CHECK16	ax, -14, 0x38
	CHECK16	dx, -2, 0x39
	mov	al, 200
	mov	cl, 3
	mul	cl			; AX = 600
	CHECK16	ax, 600, 0x3A
	mov	cl, 7
	div	cl			; AL = 85, AH = 5
	CHECK16	ax, 0x0555, 0x3B
	imul	cx, ax, 3		; the 186 three-operand form
	CHECK16	cx, 0x0FFF, 0x3C
	OK	ok_muldiv

; --- 4x: shifts and rotates -------------------------------------------------
	mov	ax, 0x8001
	shl	ax, 1
	CHECK_FLAGS16 F_CF | F_OF, F_CF | F_OF, 0x40
	CHECK16	ax, 0x0002, 0x41
	mov	ax, 0x8001
	shr	ax, 1
	CHECK_FLAGS16 F_CF | F_OF, F_CF | F_OF, 0x42
	CHECK16	ax, 0x4000, 0x43
	mov	ax, 0x8000
	sar	ax, 4
	CHECK16	ax, 0xF800, 0x44
	mov	ax, 0x8001
	mov	cl, 4
	rol	ax, cl
	CHECK16	ax, 0x0018, 0x45
	stc
	mov	ax, 1
	rcr	ax, 1
	CHECK_FLAGS16 F_CF, F_CF, 0x46
	CHECK16	ax, 0x8000, 0x47
	clc
	mov	ax, 0x8000
	rcl	ax, 1			; bit 15 to CF, old CF (0) to bit 0
	CHECK_FLAGS16 F_CF, F_CF, 0x48
	CHECK16	ax, 0, 0x49
	mov	ax, 0x1234
	ror	ax, 8
	CHECK16	ax, 0x3412, 0x4A
	stc
	mov	cl, 0
	shl	ax, cl			; a zero count leaves the flags alone
	CHECK_FLAGS16 F_CF, F_CF, 0x4B
	mov	ax, 0x1234
	mov	cl, 33			; the count is masked to 5 bits: 1
	shl	ax, cl
	CHECK16	ax, 0x2468, 0x4C
	OK	ok_shift

; --- 5x: 16-bit addressing forms and segment overrides -----------------------
	mov	word [SCRATCH16 + 0x10], 0x1111
	mov	word [SCRATCH16 + 0x16], 0x2222
	mov	bx, SCRATCH16
	mov	si, 6
	mov	ax, [bx + si + 0x10]
	CHECK16	ax, 0x2222, 0x50
	mov	bp, SCRATCH16 + 0x10	; [BP] defaults to SS (0 here)
	mov	ax, [bp]
	CHECK16	ax, 0x1111, 0x51
	mov	di, 0x16
	mov	ax, [bx + di - 6]
	CHECK16	ax, 0x1111, 0x52
	lea	ax, [bx + si + 0x10]
	CHECK16	ax, SCRATCH16 + 0x16, 0x53
	mov	ax, [cs:word_cafe]	; CS override reads the ROM
	CHECK16	ax, 0xCAFE, 0x54
	mov	ax, SCRATCH16 >> 4	; ES:4 and DS:SCRATCH16 + 4 (DS = 0) are
	mov	es, ax			; the same linear address
	mov	word [es:0x0004], 0xBEEF
	mov	ax, [SCRATCH16 + 4]
	CHECK16	ax, 0xBEEF, 0x55
	xor	ax, ax
	mov	es, ax
	mov	bx, table16
	mov	al, 3
	cs xlatb
	CHECK16	al, 0x33, 0x56
	OK	ok_addr

; --- 6x: string instructions ------------------------------------------------
	; Copy the ROM string to RAM with REP MOVSB (DS = CS = F000).
	mov	ax, cs
	mov	ds, ax
	mov	si, str_src
	mov	di, SCRATCH16 + 0x100
	mov	cx, str_len
	rep movsb
	CHECK16	cx, 0, 0x60
	CHECK16	si, str_src + str_len, 0x61
	CHECK16	di, SCRATCH16 + 0x100 + str_len, 0x62
	; Compare it back: REPE CMPSB runs to the end with ZF set.
	mov	si, str_src
	mov	di, SCRATCH16 + 0x100
	mov	cx, str_len
	repe cmpsb
	CHECK_FLAGS16 F_ZF, F_ZF, 0x63
	CHECK16	cx, 0, 0x64
	xor	ax, ax
	mov	ds, ax
	; REPNE SCASB finds the 'p' of "popek" (offset 11 in str_src).
	mov	di, SCRATCH16 + 0x100
	mov	cx, str_len
	mov	al, 'p'
	repne scasb
	CHECK_FLAGS16 F_ZF, F_ZF, 0x65
	CHECK16	di, SCRATCH16 + 0x100 + 12, 0x66
	CHECK16	cx, str_len - 12, 0x67
	; STOSW fills, LODSW reads back, backwards with DF = 1.
	mov	word [SCRATCH16 + 0x1FE], 0
	std
	mov	di, SCRATCH16 + 0x20E
	mov	ax, 0xA55A
	mov	cx, 8
	rep stosw
	CHECK16	di, SCRATCH16 + 0x1FE, 0x68
	mov	si, SCRATCH16 + 0x200
	lodsw
	CHECK16	ax, 0xA55A, 0x69
	CHECK16	si, SCRATCH16 + 0x1FE, 0x6A
	cld
	cmp	word [SCRATCH16 + 0x1FE], 0xA55A	; one below the fill: untouched
	je	.fill_overrun
	jmp	.strings_done
.fill_overrun:
	mov	al, 0x6B
	jmp	fail16
.strings_done:
	OK	ok_string

; --- 7x: the stack ------------------------------------------------------------
	mov	bp, sp
	push	word 0x1234		; 186 PUSH imm16
	push	byte -2			; PUSH imm8, sign-extended
	pop	ax
	CHECK16	ax, 0xFFFE, 0x70
	pop	ax
	CHECK16	ax, 0x1234, 0x71
	CHECK16	sp, bp, 0x72
	mov	ax, 1
	mov	cx, 2
	mov	dx, 3
	mov	bx, 4
	mov	si, 6
	mov	di, 7
	pusha
	xor	ax, ax
	mov	cx, ax
	mov	dx, ax
	mov	bx, ax
	mov	si, ax
	mov	di, ax
	popa
	CHECK16	ax, 1, 0x73
	CHECK16	cx, 2, 0x74
	CHECK16	dx, 3, 0x75
	CHECK16	bx, 4, 0x76
	CHECK16	si, 6, 0x77
	CHECK16	di, 7, 0x78
	CHECK16	sp, bp, 0x79
	push	sp			; 286+: pushes SP as it was before the push
	pop	ax
	CHECK16	ax, bp, 0x7A
	enter	4, 0			; a frame with 4 bytes of locals
	mov	ax, sp
	leave
	CHECK16	ax, STACK16_TOP - 6, 0x7B
	CHECK16	sp, STACK16_TOP, 0x7C
	OK	ok_stack

; --- 8x: far calls and returns, indirect near calls -----------------------
	push	word 0x5555		; an argument the callee pops with RETF 2
	call	0xF000:far_proc
	CHECK16	ax, 0x5555, 0x80
	CHECK16	sp, STACK16_TOP, 0x81
	mov	bx, near_ptr
	call	[cs:bx]			; CALL r/m16 through a table in ROM
	CHECK16	ax, 0x4E4E, 0x82
	call	far [cs:far_ptr]	; CALL m16:16
	CHECK16	ax, 0x5555, 0x83
	OK	ok_far

; --- 9x: INT n through an IVT entry the guest installs ---------------------
	mov	word [0x80 * 4], int80_handler
	mov	word [0x80 * 4 + 2], 0xF000
	mov	bx, 0
	stc
	int	0x80			; the handler sets BX and clears the saved CF
	CHECK_FLAGS16 F_CF, 0, 0x90
	CHECK16	bx, 0xBEEF, 0x91
	CHECK16	sp, STACK16_TOP, 0x92
	mov	word [0x04 * 4], into_handler
	mov	word [0x04 * 4 + 2], 0xF000
	mov	ax, 0x7FFF
	add	ax, 1			; OF = 1
	into				; vector 4
	CHECK16	bx, 0x0404, 0x93
	OK	ok_int

; --- Ax: #DE (vector 0), caught through the IVT -----------------------------
	mov	word [0], de_handler
	mov	word [2], 0xF000
	xor	di, di			; DI counts the faults
	xor	bx, bx			; BL = 0: divide by zero
	mov	ax, 0x0102
	div	bl			; #DE; the handler skips these two bytes
	CHECK16	di, 1, 0xA0		; the handler ran once
	CHECK16	ax, 0x0102, 0xA1	; AX is untouched by a faulting DIV
	mov	ax, 0x1000
	mov	bl, 2
	div	bl			; quotient 0x800 does not fit AL: #DE
	CHECK16	di, 2, 0xA2
	mov	ax, 0x8000
	cwd
	mov	bx, -1
	idiv	bx			; +32768 does not fit: #DE (2 bytes)
	CHECK16	di, 3, 0xA3
	CHECK16	sp, STACK16_TOP, 0xA4
	OK	ok_de

; --- Bx: 386 forms in real mode ------------------------------------------------
	mov	eax, 0x12345678
	add	eax, 0x89ABCDEF
	CHECK16	eax, 0x9BE02467, 0xB0
	movzx	cx, byte [cs:table16 + 7]
	CHECK16	cx, 0x0080, 0xB1
	movsx	cx, byte [cs:table16 + 7]
	CHECK16	cx, 0xFF80, 0xB2
	mov	ax, 0x0500
	bsf	cx, ax
	CHECK16	cx, 8, 0xB3
	bts	ax, 1
	CHECK_FLAGS16 F_CF, 0, 0xB4
	CHECK16	ax, 0x0502, 0xB5
	cmp	ax, 0x0600
	setb	dl
	CHECK16	dl, 1, 0xB6
	mov	cx, 3
	xor	ax, ax
.loop:
	add	ax, cx
	loop	.loop
	CHECK16	ax, 6, 0xB7
	jcxz	.cx_zero
	mov	al, 0xB8
	jmp	fail16
.cx_zero:
	mov	al, 0x15
	add	al, 0x27
	daa
	CHECK16	al, 0x42, 0xB9
	mov	ax, 0x1234
	mov	dx, 0xABCD
	shld	ax, dx, 4
	CHECK16	ax, 0x234A, 0xBA
	xchg	ax, dx
	CHECK16	dx, 0x234A, 0xBB
	OK	ok_386

	PUTS16	all_ok
	EXIT	0

; far_proc: returns the argument it was passed on the stack, popping it.
far_proc:
	push	bp
	mov	bp, sp
	mov	ax, [bp + 6]		; BP, IP, CS, then the argument
	pop	bp
	retf	2

; far_proc2: the target of the CALL m16:16 (no argument).
far_proc2:
	mov	ax, 0x5555
	retf

near_proc:
	mov	ax, 0x4E4E
	ret

; int80_handler: sets BX and clears CF in the FLAGS image IRET restores.
int80_handler:
	mov	bx, 0xBEEF
	push	bp
	mov	bp, sp
	and	word [bp + 6], ~F_CF	; BP, IP, CS, FLAGS
	pop	bp
	iret

into_handler:
	mov	bx, 0x0404
	iret

; de_handler: counts the faults in DI and steps over the 2-byte divide: the
; saved IP points at the faulting instruction, not after it.
de_handler:
	inc	di
	push	bp
	mov	bp, sp
	add	word [bp + 2], 2
	pop	bp
	iret

SCRATCH16	equ 0x2000	; a RAM offset reachable with DS = 0

word_cafe:	dw 0xCAFE
near_ptr:	dw near_proc
far_ptr:	dw far_proc2, 0xF000
table16:	db 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x80
str_src:	db "hello from popek, in 16 bits"
str_len		equ $ - str_src

ok_add:		db "ok add/adc/sub/sbb", 10, 0
ok_logic:	db "ok inc/dec/neg/logic", 10, 0
ok_muldiv:	db "ok mul/div", 10, 0
ok_shift:	db "ok shifts", 10, 0
ok_addr:	db "ok addressing", 10, 0
ok_string:	db "ok strings", 10, 0
ok_stack:	db "ok stack", 10, 0
ok_far:		db "ok far call/ret", 10, 0
ok_int:		db "ok int via IVT", 10, 0
ok_de:		db "ok #DE via IVT", 10, 0
ok_386:		db "ok 386 forms", 10, 0
all_ok:		db "alu16: all passed", 10, 0
