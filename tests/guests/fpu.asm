; fpu.asm: the x87 from a guest's point of view.
;
; In real mode: the classic coprocessor probe (FNINIT, then FNSTSW AX must
; clear AX and FNSTCW must read 037Fh, as a BIOS checks), CPUID's FPU bit,
; then a series of computations whose 80-bit results are printed in hex
; (most significant byte first); fpu.expect holds the values the host's
; own x87 gives for the same instruction sequences (the status word after
; FPREM keeps the precision flag FSIN set before it).
; In protected mode, with an IDT: an unmasked zero divide stays pending
; until the next waiting instruction, where CR0.NE=1 turns it into #MF with
; the saved EIP at that FWAIT and FSTENV pointing at the FDIV; CR0.TS makes
; an x87 instruction fault with #NM until CLTS; FSAVE/FRSTOR round trip.
; Failure codes: 1x detection, 3x #MF, 4x #NM, 5x FSAVE/FRSTOR.
%include "guest.inc"

SCR	equ 0x8000		; real-mode scratch (DS = 0)
BUF32	equ SCRATCH		; protected-mode scratch, flat
IDT	equ 0x20000
IDT_VECTORS equ 0x20

; RESULT80 name: pops ST(0) into SCR and prints it under `name`.
%macro RESULT80 1
	fstp	tword [SCR]
	mov	si, %1
	call	print80
%endmacro


start:
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	mov	ds, ax
	mov	es, ax
	PUTS16	msg_hello

	; --- 1x: is there a coprocessor? -------------------------------------
	fninit
	mov	ax, 0xFFFF
	fnstsw	ax
	CHECK16	ax, 0, 0x10
	mov	word [SCR], 0xFFFF
	fnstcw	[SCR]
	CHECK16	word [SCR], 0x037F, 0x11
	mov	eax, 1
	cpuid
	test	dl, 1			; CPUID.1:EDX.FPU
	jnz	.cpuid_ok
	mov	al, 0x12
	jmp	fail16
.cpuid_ok:
	mov	eax, cr0
	test	al, 0x10		; CR0.ET: a 387-class coprocessor
	jnz	.et_ok
	mov	al, 0x13
	jmp	fail16
.et_ok:
	PUTS16	msg_detect

	; --- results, printed -------------------------------------------------
	fninit
	fld1
	fld1
	faddp	st1, st0
	RESULT80 r_two
	fld1
	fld1
	faddp	st1, st0
	fsqrt
	RESULT80 r_sqrt2
	fldpi
	fidiv	word [cs:k_three]
	RESULT80 r_pi3
	fldcw	[cs:cw_pc24]		; 24-bit precision
	fld1
	fidiv	word [cs:k_three]
	RESULT80 r_third24
	fninit
	fild	qword [cs:k_bcd]
	fbstp	tword [SCR]
	mov	si, r_bcd
	call	print80
	fld1
	fsin
	RESULT80 r_sin1
	fild	word [cs:k_three]
	fild	word [cs:k_ten]
	fprem				; 10 rem 3: 1, quotient 3 in C3 C1 C0
	fnstsw	ax
	push	ax
	mov	si, r_prem_sw
	call	puts16
	pop	ax
	call	puthex16
	mov	al, 10
	out	PORT_DEBUGCON, al
	RESULT80 r_prem
	fstp	st0
	fld1
	fild	word [cs:k_ten]
	fyl2x
	RESULT80 r_log2_10
	fldl2t
	RESULT80 r_fldl2t
	fld1
	fld1
	fpatan
	RESULT80 r_atan1
	fld	dword [cs:k_half]
	f2xm1
	RESULT80 r_f2xm1
	fnstsw	ax
	and	ax, 0x3800		; the stack is balanced again
	CHECK16	ax, 0, 0x14
	PUTS16	msg_results

	ENTER_PMODE pm_main

; print80: prints the string at CS:SI, then the 10 bytes at SCR from the
; last to the first, then a newline.
print80:
	call	puts16
	mov	di, SCR + 9
.byte:
	mov	al, [di]
	call	puthex8_16
	dec	di
	cmp	di, SCR
	jae	.byte
	mov	al, 10
	out	PORT_DEBUGCON, al
	ret

; puthex16: prints AX as four hex digits. Clobbers BX.
puthex16:
	push	ax
	mov	al, ah
	call	puthex8_16
	pop	ax
	push	ax
	call	puthex8_16
	pop	ax
	ret

k_three:	dw 3
k_ten:		dw 10
k_half:		dd 0.5
k_bcd:		dq -123456789012345678
cw_pc24:	dw 0x007F
msg_hello:	db "fpu: real mode", 10, 0
msg_detect:	db "ok coprocessor detected", 10, 0
msg_results:	db "ok results", 10, 0
r_two:		db "1+1 ", 0
r_sqrt2:	db "sqrt(2) ", 0
r_pi3:		db "pi/3 ", 0
r_third24:	db "1/3 at 24 bits ", 0
r_bcd:		db "fbstp -123456789012345678 ", 0
r_sin1:		db "sin(1) ", 0
r_prem_sw:	db "fprem 10,3 status ", 0
r_prem:		db "fprem 10,3 ", 0
r_log2_10:	db "fyl2x 1,10 ", 0
r_fldl2t:	db "fldl2t ", 0
r_atan1:	db "fpatan 1,1 ", 0
r_f2xm1:	db "f2xm1 0.5 ", 0

section rom32
	bits 32

pm_main:
	cld
	; --- the IDT: a catch-all, #NM and #MF --------------------------------
	mov	edi, IDT
	mov	ecx, IDT_VECTORS
	mov	eax, unexpected
.fill:
	call	set_gate
	add	edi, 8
	loop	.fill
	mov	edi, IDT + 7 * 8
	mov	eax, nm_handler
	call	set_gate
	mov	edi, IDT + 16 * 8
	mov	eax, mf_handler
	call	set_gate
	lidt	[idt_desc]
	mov	eax, cr0
	or	eax, 0x20		; CR0.NE: native x87 error reporting
	and	eax, ~0x0C		; EM and TS clear
	mov	cr0, eax

	; --- 3x: unmasked zero divide, #MF at the next waiting instruction --
	fninit
	fldcw	[cw_ze_unmasked]
	fld1
	fldz
fdiv_site:
	fdivp	st1, st0		; ZE: recorded, nothing stored, no pop
	fnstsw	ax			; FN* forms do not wait: no #MF here
	and	ax, 0xB8FF
	CHECK32	ax, 0x3084 | 0x8000, 0x30 ; B, TOP 6, ES, ZE
	xor	esi, esi
mf_site:
	fwait
	CHECK32	esi, 1, 0x31
	fnstsw	ax
	CHECK32	ax, 0x3000, 0x32	; cleared by the handler; TOP still 6
	fstp	st0			; 0.0
	fld1
	fcomip	st0, st1		; the 1.0 is still there
	jz	.mf_ok
	mov	al, 0x33
	jmp	fail32
.mf_ok:
	PUTS32	msg_mf

	; --- 4x: CR0.TS: #NM until CLTS ---------------------------------------
	fninit
	mov	eax, cr0
	or	al, 0x08
	mov	cr0, eax
	xor	edi, edi
nm_site:
	fld1				; #NM; the handler clears TS, then it runs
	CHECK32	edi, 1, 0x40
	fnstsw	ax
	CHECK32	ax, 0x3800, 0x41	; pushed once: TOP 7
	PUTS32	msg_nm

	; --- 5x: FSAVE / FRSTOR ---------------------------------------------------
	fninit
	fldpi
	fld1
	fsave	[BUF32]
	fnstsw	ax
	CHECK32	ax, 0, 0x50		; FSAVE reinitializes
	CHECK32	word [BUF32], 0x037F, 0x51
	CHECK32	word [BUF32 + 8], 0x0FFF, 0x52 ; R6 valid, R7 valid, rest empty
	CHECK32	word [BUF32 + 28 + 8], 0x3FFF, 0x53 ; ST(0) = 1.0
	CHECK32	word [BUF32 + 38 + 8], 0x4000, 0x54 ; ST(1) = pi
	frstor	[BUF32]
	fldpi
	fcomip	st0, st2
	jz	.frstor_ok
	mov	al, 0x55
	jmp	fail32
.frstor_ok:
	PUTS32	msg_fsave

	PUTS32	msg_all
	mov	al, 0
	out	PORT_EXIT, al
	cli
	hlt

; set_gate: a 32-bit interrupt gate for handler EAX at [EDI].
set_gate:
	mov	[edi], ax
	mov	word [edi + 2], SEL_CODE32
	mov	word [edi + 4], 0x8E00
	push	eax
	shr	eax, 16
	mov	[edi + 6], ax
	pop	eax
	ret

; #MF is a fault at the waiting instruction; FSTENV shows the FDIVP as the
; last x87 instruction (its address and opcode DE F9 -> 6F9h).
mf_handler:
	cmp	dword [esp], mf_site
	je	.at_site
	mov	al, 0x34
	jmp	fail32
.at_site:
	fnstenv	[BUF32]
	cmp	dword [BUF32 + 12], fdiv_site
	je	.fip_ok
	mov	al, 0x35
	jmp	fail32
.fip_ok:
	mov	ax, [BUF32 + 18]
	and	ax, 0x07FF
	CHECK32	ax, 0x06F9, 0x36
	fnclex
	fldcw	[cw_ze_unmasked]	; FNSTENV masked everything: undo that
	inc	esi
	iretd

nm_handler:
	cmp	dword [esp], nm_site
	je	.at_site
	mov	al, 0x42
	jmp	fail32
.at_site:
	clts
	inc	edi
	iretd

unexpected:
	mov	al, 0xEE
	jmp	fail32

	align	4
idt_desc:
	dw	IDT_VECTORS * 8 - 1
	dd	IDT
cw_ze_unmasked:	dw 0x037B
msg_mf:		db "ok #MF at FWAIT after an unmasked zero divide", 10, 0
msg_nm:		db "ok #NM with CR0.TS", 10, 0
msg_fsave:	db "ok fsave/frstor", 10, 0
msg_all:	db "fpu: all passed", 10, 0

section rom16
	bits 16
