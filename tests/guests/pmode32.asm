; pmode32.asm: protected mode end to end.
;
; Enters protected mode from reset (LGDT, MOV CR0, far JMP to a flat 32-bit
; code segment), then checks 32-bit arithmetic and addressing against known
; results, and exceptions through an IDT it builds: UD2 must reach the #UD
; handler with the saved EIP pointing at the UD2, INT n must reach its gate,
; and a 32-bit divide by zero must reach #DE. Any other vector lands in a
; catch-all handler that fails with code 0xEE. Failure codes by group:
;   1x entry   2x SIB addressing   3x MUL/DIV   4x BSWAP/CMPXCHG/XADD
;   5x SHLD/SHRD/bit ops   6x IDT and exceptions
%include "guest.inc"

F_CF	equ 0x0001
F_ZF	equ 0x0040
DATA32	equ SCRATCH		; flat RAM the checks write to
IDT	equ 0x20000		; the IDT, built at run time
IDT_VECTORS equ 0x40

start:
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	PUTS16	hello16
	ENTER_PMODE pm_main

section rom32
	bits 32

pm_main:
	cld
	; --- 1x: we are in 32-bit protected mode with flat segments -------------
	mov	eax, cr0
	test	al, 1
	jnz	.pe_ok
	mov	al, 0x10
	jmp	fail32
.pe_ok:
	mov	ax, cs
	CHECK32	ax, SEL_CODE32, 0x11
	mov	ax, ss
	CHECK32	ax, SEL_DATA32, 0x12
	mov	eax, [ROM_BASE + 0xFFF0]	; flat data reaches the reset vector
	CHECK32	al, 0xEA, 0x13
	push	dword 0x11223344
	CHECK32	esp, STACK32_TOP - 4, 0x14
	pop	eax
	CHECK32	eax, 0x11223344, 0x15
	PUTS32	ok_entry

	; --- 2x: SIB and 32-bit addressing forms ----------------------------------
	mov	ebx, table32
	mov	ecx, 3
	mov	eax, [ebx + ecx * 4]		; base + index*4
	CHECK32	eax, 0x33333333, 0x20
	mov	eax, [ebx + ecx * 4 + 8]	; base + index*4 + disp8
	CHECK32	eax, 0x55555555, 0x21
	mov	eax, [ecx * 8 + table32 - 8]	; no base, disp32: offset 16
	CHECK32	eax, 0x44444444, 0x22
	mov	edx, 2
	mov	eax, [ebx + edx * 2]		; index*2: byte offset 4
	CHECK32	eax, 0x11111111, 0x23
	lea	eax, [ecx + ecx * 2 + 100]	; LEA as arithmetic
	CHECK32	eax, 109, 0x24
	mov	dword [DATA32], 0xDEADBEEF
	mov	ebp, DATA32 - 0x100
	mov	eax, [ebp + 0x100]		; EBP base, disp32
	CHECK32	eax, 0xDEADBEEF, 0x25
	push	dword 0xAABBCCDD
	mov	eax, [esp]			; ESP base needs a SIB byte
	CHECK32	eax, 0xAABBCCDD, 0x26
	mov	eax, [esp + ecx * 4 - 12]	; ESP base with an index
	add	esp, 4
	CHECK32	eax, 0xAABBCCDD, 0x27
	mov	esi, DATA32
	mov	edi, DATA32 + 0x40
	movsd					; a 32-bit string move
	CHECK32	dword [DATA32 + 0x40], 0xDEADBEEF, 0x28
	CHECK32	edi, DATA32 + 0x44, 0x29
	PUTS32	ok_sib

	; --- 3x: 32-bit MUL/IMUL/DIV/IDIV -----------------------------------------
	mov	eax, 0x12345678
	mov	ebx, 0x9ABCDEF0
	mul	ebx
	CHECK_FLAGS32 F_CF, F_CF, 0x30
	CHECK32	edx, 0x0B00EA4E, 0x31
	CHECK32	eax, 0x242D2080, 0x32
	add	eax, 5
	adc	edx, 0
	div	ebx
	CHECK32	eax, 0x12345678, 0x33
	CHECK32	edx, 5, 0x34
	mov	eax, -1234567
	mov	ecx, 1000
	imul	ecx				; EDX:EAX = -1234567000
	CHECK32	edx, 0xFFFFFFFF, 0x35
	CHECK32	eax, 0xB66A00A8, 0x36
	idiv	ecx
	CHECK32	eax, -1234567, 0x37
	CHECK32	edx, 0, 0x38
	mov	eax, -7
	cdq
	mov	ecx, 2
	idiv	ecx				; truncates toward zero
	CHECK32	eax, -3, 0x39
	CHECK32	edx, -1, 0x3A
	imul	eax, eax, 1000000		; three-operand, imm32
	CHECK32	eax, -3000000, 0x3B
	PUTS32	ok_muldiv

	; --- 4x: BSWAP, CMPXCHG, XADD -----------------------------------------------
	mov	eax, 0x12345678
	bswap	eax
	CHECK32	eax, 0x78563412, 0x40
	mov	dword [DATA32 + 8], 5
	mov	eax, 5
	mov	ecx, 9
	cmpxchg	[DATA32 + 8], ecx		; equal: stores ECX, ZF = 1
	CHECK_FLAGS32 F_ZF, F_ZF, 0x41
	CHECK32	dword [DATA32 + 8], 9, 0x42
	mov	eax, 5
	mov	ecx, 7
	cmpxchg	[DATA32 + 8], ecx		; differs: loads EAX, ZF = 0
	CHECK_FLAGS32 F_ZF, 0, 0x43
	CHECK32	eax, 9, 0x44
	CHECK32	dword [DATA32 + 8], 9, 0x45
	mov	edx, 10
	xadd	[DATA32 + 8], edx		; memory = 19, EDX = 9
	CHECK32	edx, 9, 0x46
	CHECK32	dword [DATA32 + 8], 19, 0x47
	mov	bl, 0x80
	mov	al, 0x80
	mov	cl, 0x01
	cmpxchg	bl, cl				; byte form
	CHECK32	bl, 0x01, 0x48
	PUTS32	ok_atomic

	; --- 5x: double shifts and bit ops ----------------------------------------
	mov	eax, 0x12345678
	mov	edx, 0x9ABCDEF0
	shld	eax, edx, 8
	CHECK32	eax, 0x3456789A, 0x50
	mov	eax, 0x12345678
	mov	cl, 12
	shrd	eax, edx, cl
	CHECK32	eax, 0xEF012345, 0x51
	mov	eax, 0x00F00000
	bsr	ecx, eax
	CHECK32	ecx, 23, 0x52
	bsf	ecx, eax
	CHECK32	ecx, 20, 0x53
	mov	dword [DATA32 + 12], 0
	mov	dword [DATA32 + 16], 0
	mov	ecx, 35
	bts	[DATA32 + 12], ecx		; a bit string: bit 3 of the next dword
	CHECK32	dword [DATA32 + 16], 8, 0x54
	bt	dword [DATA32 + 16], 3
	CHECK_FLAGS32 F_CF, F_CF, 0x55
	movsx	eax, byte [table32 + 31]	; 0x80 sign-extended
	CHECK32	eax, 0xFFFFFF80, 0x56
	movzx	eax, word [table32 + 30]
	CHECK32	eax, 0x8055, 0x57
	PUTS32	ok_bits

	; --- 6x: an IDT, #UD from UD2, INT n, #DE ------------------------------
	; Every gate first points at the catch-all handler.
	mov	edi, IDT
	mov	ecx, IDT_VECTORS
	mov	eax, unexpected
.fill:
	call	set_gate
	add	edi, 8
	loop	.fill
	mov	edi, IDT + 6 * 8
	mov	eax, ud_handler
	call	set_gate
	mov	edi, IDT + 0 * 8
	mov	eax, de_handler
	call	set_gate
	mov	edi, IDT + 0x30 * 8
	mov	eax, int30_handler
	call	set_gate
	lidt	[idt_desc]

	xor	esi, esi			; counts #UD
	mov	ebp, esp
ud_site:
	ud2
	CHECK32	esi, 1, 0x60
	CHECK32	esp, ebp, 0x61
	mov	ebx, 0
	int	0x30
	CHECK32	ebx, 0x30303030, 0x62
	xor	edi, edi			; counts #DE
	mov	eax, 1
	xor	edx, edx
	xor	ecx, ecx
de_site:
	div	ecx				; #DE: the handler skips it
	CHECK32	edi, 1, 0x63
	CHECK32	eax, 1, 0x64
	CHECK32	esp, ebp, 0x65
	PUTS32	ok_idt

	PUTS32	all_ok
	mov	al, 0
	out	PORT_EXIT, al
	cli
	hlt

; set_gate: writes a 32-bit interrupt gate for handler EAX at [EDI].
; Keeps EAX and EDI.
set_gate:
	mov	[edi], ax			; offset 15..0
	mov	word [edi + 2], SEL_CODE32
	mov	word [edi + 4], 0x8E00		; present, DPL 0, 32-bit interrupt gate
	push	eax
	shr	eax, 16
	mov	[edi + 6], ax			; offset 31..16
	pop	eax
	ret

; ud_handler: #UD pushes no error code; the saved EIP must be the UD2.
ud_handler:
	cmp	dword [esp], ud_site
	je	.at_site
	mov	al, 0x66
	jmp	fail32
.at_site:
	inc	esi
	add	dword [esp], 2			; step over UD2
	iretd

; de_handler: #DE (a fault): the saved EIP is the DIV; skip its 2 bytes.
de_handler:
	cmp	dword [esp], de_site
	je	.at_site
	mov	al, 0x67
	jmp	fail32
.at_site:
	inc	edi
	add	dword [esp], 2
	iretd

int30_handler:
	mov	ebx, 0x30303030
	iretd

unexpected:
	mov	al, 0xEE
	jmp	fail32

	align	4
idt_desc:
	dw	IDT_VECTORS * 8 - 1
	dd	IDT
table32:
	dd	0x00000000, 0x11111111, 0x22222222, 0x33333333
	dd	0x44444444, 0x55555555, 0x66666666, 0x80557777

ok_entry:	db "ok protected mode entry", 10, 0
ok_sib:		db "ok SIB addressing", 10, 0
ok_muldiv:	db "ok mul/div 32", 10, 0
ok_atomic:	db "ok bswap/cmpxchg/xadd", 10, 0
ok_bits:	db "ok shld/shrd/bit ops", 10, 0
ok_idt:		db "ok #UD, INT n, #DE via the IDT", 10, 0
all_ok:		db "pmode32: all passed", 10, 0

section rom16
	bits 16
hello16:	db "pmode32: entering protected mode", 10, 0
