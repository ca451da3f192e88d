; gates.asm: privilege levels and call gates, end to end.
;
; Builds a GDT in RAM with ring-0 and ring-3 flat segments, a TSS and call
; gates, and an IDT whose #GP handler records the error code and resumes
; at a chosen address. Then:
;   - ring 0 -> ring 3 through IRETD (CPL 3 from then on, IOPL 0);
;   - ring 3 -> ring 0 through a 32-bit call gate copying 2 dword
;     parameters to the ring-0 stack the TSS names, and back with RETF 8;
;   - the same through a 16-bit gate into 16-bit code (word parameters);
;   - at ring 3: a DPL-0 gate, a JMP through a gate to ring 0, CLI, HLT and
;     a load of a DPL-0 data segment are each #GP with the right error code;
;   - ring 0 -> ring 3 again through RETF, and the end through a gate.
; Ring 3 cannot write to ports (IOPL 0): it prints and fails through call
; gates into ring 0. Failure codes: 1x set-up, 2x 32-bit gate, 3x 16-bit
; gate, 4x violations, 5x RETF to ring 3.
%include "guest.inc"

GDT_RAM		equ 0x1000
IDT_RAM		equ 0x2000
TSS_RAM		equ 0x3000
RING0_STACK	equ 0x88000	; ESP0 in the TSS
RING3_STACK	equ 0xE000	; below 64 KiB: a 16-bit gate saves only SP

SEL_CODE3	equ 0x18 | 3
SEL_DATA3	equ 0x20 | 3
SEL_TSS		equ 0x28
SEL_GATE32	equ 0x30	; DPL 3 -> gate32_target, 2 dword parameters
SEL_GATE16	equ 0x38	; DPL 3 -> 50:gate16_target, 2 word parameters
SEL_GATE_DPL0	equ 0x40	; DPL 0 -> gate32_target
SEL_FAILGATE	equ 0x48	; DPL 3 -> fail_gate (AL = code)
SEL_CODE16_0	equ 0x50	; 16-bit ring-0 code at F0000
SEL_PUTSGATE	equ 0x58	; DPL 3 -> puts_gate (ESI = string)
SEL_DONEGATE	equ 0x60	; DPL 3 -> done_gate
SEL_EXITGATE	equ 0x68	; DPL 3 -> exit_gate
SEL_CODE16_3	equ 0x70 | 3	; 16-bit ring-3 code at F0000
GDT_ENTRIES	equ 15
GP_RESUME	equ 0x4000	; where the #GP handler resumes (RAM)
GP_ERR		equ 0x4004	; the error code it saw

start:
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	PUTS16	hello16
	ENTER_PMODE pm_main

; The 16-bit gate's target: ring 0, 16-bit code, the 32-bit ring-0 stack.
; The stack holds IP, CS, the two word parameters, SP, SS.
gate16_target:
	mov	ax, cs
	and	ax, 3
	jz	.cpl0
	mov	al, 0x30
	jmp	dword SEL_CODE32:fail32
.cpl0:
	cmp	esp, RING0_STACK - 12
	je	.esp_ok
	mov	al, 0x31
	jmp	dword SEL_CODE32:fail32
.esp_ok:
	cmp	word [esp], ring3_gate16_ret
	jne	.bad_frame
	cmp	word [esp + 2], SEL_CODE16_3
	jne	.bad_frame
	cmp	word [esp + 4], 0x5555		; pushed last: the first parameter
	jne	.bad_frame
	cmp	word [esp + 6], 0x6666
	jne	.bad_frame
	cmp	word [esp + 8], RING3_STACK - 4
	jne	.bad_frame
	cmp	word [esp + 10], SEL_DATA3
	jne	.bad_frame
	mov	ebx, 0x16161616
	retf	4
.bad_frame:
	mov	al, 0x32
	jmp	dword SEL_CODE32:fail32

; Ring 3, 16-bit code: a 16-bit gate saves only IP, so it is called from
; code below 64 KiB in its segment.
ring3_gate16:
	push	word 0x6666
	push	word 0x5555
	call	SEL_GATE16 | 3:0
ring3_gate16_ret:
	jmp	dword SEL_CODE3:ring3_gate16_back

section rom32
	bits 32

; CHECK3 a, b, code: CHECK32 for ring 3, failing through the fail gate.
%macro CHECK3 3
	cmp	%1, %2
	je	%%ok
	mov	al, %3
	call	SEL_FAILGATE | 3:0
%%ok:
%endmacro

; PUTS3 label: prints through the puts gate.
%macro PUTS3 1
	mov	esi, %1
	call	SEL_PUTSGATE | 3:0
%endmacro

; EXPECT_GP resume_label: the next instruction must raise #GP, whose
; handler resumes at the label.
%macro EXPECT_GP 1
	mov	dword [GP_RESUME], %1
	mov	dword [GP_ERR], 0xFFFFFFFF
%endmacro

pm_main:
	cld
	; --- 1x: GDT, IDT and TSS in RAM -------------------------------------------
	mov	esi, gdt_tmpl
	mov	edi, GDT_RAM
	mov	ecx, GDT_ENTRIES * 2
	rep movsd
	mov	edi, GDT_RAM + SEL_GATE32
	mov	eax, gate32_target
	mov	bx, SEL_CODE32
	mov	cx, 0xEC02			; present, DPL 3, 32-bit call gate, 2 params
	call	make_gate
	mov	edi, GDT_RAM + SEL_GATE16
	mov	eax, gate16_target
	mov	bx, SEL_CODE16_0
	mov	cx, 0xE402			; present, DPL 3, 16-bit call gate, 2 params
	call	make_gate
	mov	edi, GDT_RAM + SEL_GATE_DPL0
	mov	eax, gate32_target
	mov	bx, SEL_CODE32
	mov	cx, 0x8C02			; DPL 0
	call	make_gate
	mov	edi, GDT_RAM + SEL_FAILGATE
	mov	eax, fail_gate
	mov	cx, 0xEC00
	call	make_gate
	mov	edi, GDT_RAM + SEL_PUTSGATE
	mov	eax, puts_gate
	call	make_gate
	mov	edi, GDT_RAM + SEL_DONEGATE
	mov	eax, done_gate
	call	make_gate
	mov	edi, GDT_RAM + SEL_EXITGATE
	mov	eax, exit_gate
	call	make_gate
	lgdt	[gdt_ram_desc]
	jmp	SEL_CODE32:.reloaded
.reloaded:
	mov	ax, SEL_DATA32
	mov	ds, ax
	mov	es, ax
	mov	ss, ax

	mov	edi, TSS_RAM
	xor	eax, eax
	mov	ecx, 0x68 / 4
	rep stosd
	mov	dword [TSS_RAM + 4], RING0_STACK
	mov	dword [TSS_RAM + 8], SEL_DATA32
	mov	word [TSS_RAM + 0x66], 0x68	; no I/O bitmap
	mov	ax, SEL_TSS
	ltr	ax
	str	bx
	CHECK32	bx, SEL_TSS, 0x10
	CHECK32	byte [GDT_RAM + SEL_TSS + 5], 0x8B, 0x11	; LTR marked it busy

	mov	edi, IDT_RAM
	mov	ecx, 0x30
	mov	eax, unexpected
.fill:
	call	set_int_gate
	add	edi, 8
	loop	.fill
	mov	edi, IDT_RAM + 13 * 8
	mov	eax, gp_handler
	call	set_int_gate
	lidt	[idt_desc]
	PUTS32	ok_setup

	; --- ring 0 -> ring 3 through IRETD ------------------------------------------
	push	dword SEL_DATA3
	push	dword RING3_STACK
	push	dword 0x00000002		; IOPL 0, IF 0
	push	dword SEL_CODE3
	push	dword ring3_main
	iretd

; set_int_gate: a 32-bit DPL-0 interrupt gate at [EDI] to EAX.
set_int_gate:
	mov	[edi], ax
	mov	word [edi + 2], SEL_CODE32
	mov	word [edi + 4], 0x8E00
	push	eax
	shr	eax, 16
	mov	[edi + 6], ax
	pop	eax
	ret

; make_gate: a gate at [EDI] to BX:EAX with attribute word CX (P, DPL,
; type, parameter count). Keeps EAX, BX, CX.
make_gate:
	mov	[edi], ax
	mov	[edi + 2], bx
	mov	[edi + 4], cx
	push	eax
	shr	eax, 16
	mov	[edi + 6], ax
	pop	eax
	ret

; gp_handler: records the error code and resumes at [GP_RESUME] in the
; interrupted context (ring 3: its own stack comes back with IRETD).
gp_handler:
	pop	dword [GP_ERR]
	push	eax
	mov	eax, [GP_RESUME]
	mov	[esp + 4], eax
	pop	eax
	iretd

unexpected:
	mov	al, 0xEE
	jmp	fail32

; The gates ring 3 uses for output, failure and the end.
fail_gate:
	jmp	fail32
puts_gate:
	call	puts32
	retf
exit_gate:
	mov	al, 0
	out	PORT_EXIT, al
	cli
	hlt
done_gate:
	; --- 5x: back to ring 3 through RETF, then finish -------------------------
	mov	ax, cs
	CHECK32	ax, SEL_CODE32, 0x50
	push	dword SEL_DATA3
	push	dword RING3_STACK - 0x100
	push	dword SEL_CODE3
	push	dword ring3_after_retf
	retf

; The 32-bit gate's target: ring 0 on the TSS stack, with SS, ESP, the two
; parameters, CS, EIP above it.
gate32_target:
	mov	ax, cs
	CHECK32	ax, SEL_CODE32, 0x20
	mov	ax, ss
	CHECK32	ax, SEL_DATA32, 0x21
	CHECK32	esp, RING0_STACK - 24, 0x22
	CHECK32	dword [esp + 4], SEL_CODE3, 0x23
	CHECK32	dword [esp + 8], 0x11111111, 0x24
	CHECK32	dword [esp + 12], 0x22222222, 0x25
	CHECK32	dword [esp + 16], RING3_STACK - 8, 0x26
	CHECK32	dword [esp + 20], SEL_DATA3, 0x27
	mov	ebx, 0x32323232
	retf	8

; --- ring 3 ----------------------------------------------------------------------
ring3_main:
	mov	ax, cs
	and	ax, 3
	CHECK3	ax, 3, 0x12
	mov	ax, SEL_DATA3
	mov	ds, ax
	mov	es, ax
	PUTS3	ok_ring3

	; --- 2x: 32-bit gate with dword parameters -----------------------------------
	xor	ebx, ebx
	push	dword 0x22222222
	push	dword 0x11111111
	call	SEL_GATE32 | 3:0
	CHECK3	ebx, 0x32323232, 0x28
	CHECK3	esp, RING3_STACK, 0x29
	mov	ax, cs
	CHECK3	ax, SEL_CODE3, 0x2A
	mov	ax, ss
	CHECK3	ax, SEL_DATA3, 0x2B
	PUTS3	ok_gate32

	; --- 3x: 16-bit gate with word parameters ------------------------------------
	xor	ebx, ebx
	jmp	SEL_CODE16_3:ring3_gate16
ring3_gate16_back:
	CHECK3	ebx, 0x16161616, 0x33
	CHECK3	esp, RING3_STACK, 0x34
	PUTS3	ok_gate16

	; --- 4x: what ring 3 may not do ----------------------------------------------
	EXPECT_GP .v1
	call	SEL_GATE_DPL0 | 3:0		; gate DPL 0 < CPL 3
.v1:
	CHECK3	dword [GP_ERR], SEL_GATE_DPL0, 0x40
	EXPECT_GP .v2
	jmp	SEL_GATE32 | 3:0		; JMP through a gate: no privilege change
.v2:
	CHECK3	dword [GP_ERR], SEL_CODE32, 0x41
	EXPECT_GP .v3
	cli					; IOPL 0
.v3:
	CHECK3	dword [GP_ERR], 0, 0x42
	EXPECT_GP .v4
	hlt
.v4:
	CHECK3	dword [GP_ERR], 0, 0x43
	EXPECT_GP .v5
	mov	ax, SEL_DATA32			; DPL 0 data
	mov	fs, ax
.v5:
	CHECK3	dword [GP_ERR], SEL_DATA32, 0x44
	CHECK3	esp, RING3_STACK, 0x45
	mov	ax, cs
	CHECK3	ax, SEL_CODE3, 0x46
	PUTS3	ok_violations

	call	SEL_DONEGATE | 3:0		; does not return here

ring3_after_retf:
	mov	ax, cs
	CHECK3	ax, SEL_CODE3, 0x51
	CHECK3	esp, RING3_STACK - 0x100, 0x52
	mov	ax, ds				; DS = 23h stays (DPL 3)
	CHECK3	ax, SEL_DATA3, 0x53
	PUTS3	ok_retf
	PUTS3	all_ok
	call	SEL_EXITGATE | 3:0		; exits with status 0

	align	8
gdt_tmpl:
	dq	0
	dq	0x00CF9A000000FFFF	; 08 code DPL 0
	dq	0x00CF92000000FFFF	; 10 data DPL 0
	dq	0x00CFFA000000FFFF	; 18 code DPL 3
	dq	0x00CFF2000000FFFF	; 20 data DPL 3
	dq	0x0000890030000067	; 28 TSS at 3000h, limit 67h
	dq	0			; 30 gate (built at run time)
	dq	0			; 38 gate
	dq	0			; 40 gate
	dq	0			; 48 gate
	dq	0x00009A0F0000FFFF	; 50 16-bit code DPL 0 at F0000
	dq	0			; 58 gate
	dq	0			; 60 gate
	dq	0			; 68 gate
	dq	0x0000FA0F0000FFFF	; 70 16-bit code DPL 3 at F0000
gdt_ram_desc:
	dw	GDT_ENTRIES * 8 - 1
	dd	GDT_RAM
idt_desc:
	dw	0x30 * 8 - 1
	dd	IDT_RAM

ok_setup:	db "ok GDT, IDT and TSS in RAM", 10, 0
ok_ring3:	db "ok ring 3 through IRETD", 10, 0
ok_gate32:	db "ok 32-bit call gate with parameters, RETF 8", 10, 0
ok_gate16:	db "ok 16-bit call gate with parameters, RETF 4", 10, 0
ok_violations:	db "ok #GP for DPL-0 gate, JMP inward, CLI, HLT, DPL-0 data", 10, 0
ok_retf:	db "ok ring 3 through RETF", 10, 0
all_ok:		db "gates: all passed", 10, 0

section rom16
	bits 16
hello16:	db "gates: entering protected mode", 10, 0
