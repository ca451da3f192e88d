; task.asm: hardware task switching, end to end.
;
; Three 32-bit TSSs (A: the one running after LTR, B, and the double-fault
; task DF) and a 16-bit one (C), all in a GDT in RAM:
;   1x set-up: LTR marks A busy.
;   2x JMP to TSS B: A no longer busy, B busy, no NT, CR0.TS set; B JMPs
;      back and A's registers are as it left them.
;   3x CALL through a task gate to B: B resumes where it left off, nested
;      (NT set, back link = A, both busy); its IRETD returns to A through
;      the back link and B is no longer busy.
;   4x CALL to the 16-bit TSS C: word registers, null FS; its 16-bit IRET
;      comes back.
;   5x a double fault (a #GP whose IDT entry is empty) through the IDT's
;      task gate: task DF runs with the error code 0 on its stack and A's
;      EIP at the faulting instruction; it steps A over it and IRETDs.
%include "guest.inc"

GDT_RAM		equ 0x1000
IDT_RAM		equ 0x2000
TSS_A		equ 0x3000
TSS_B		equ 0x3100
TSS_DF		equ 0x3200
TSS_C		equ 0x3300
STACK_B		equ 0x80000
STACK_DF	equ 0x70000
STACK_C		equ 0x6000

SEL_CODE16_0	equ 0x18
SEL_TSS_A	equ 0x20
SEL_TSS_B	equ 0x28
SEL_TSS_DF	equ 0x30
SEL_TSS_C	equ 0x38
SEL_GATE_B	equ 0x40
GDT_ENTRIES	equ 9

F_NT		equ 0x4000
CR0_TS		equ 8

start:
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	PUTS16	hello16
	ENTER_PMODE pm_main

; Task C (16-bit TSS): AX..DI from the TSS. The SDM leaves the upper
; halves of the registers undefined (processors set them to all ones, some
; emulators keep them): only the low halves are checked.
task_c16:
	cmp	ax, 0x1234
	jne	.bad
	cmp	sp, STACK_C
	jne	.bad
	mov	ax, fs
	test	ax, ax
	jnz	.bad
	mov	bx, 0xC16			; to be saved in C's TSS
	iret
.bad:
	mov	al, 0x40
	jmp	dword SEL_CODE32:fail32

section rom32
	bits 32

; CHECK_BUSY sel, access, code: the GDT access byte of a TSS.
%macro CHECK_BUSY 3
	CHECK32	byte [GDT_RAM + %1 + 5], %2, %3
%endmacro

pm_main:
	cld
	; --- 1x: GDT and IDT in RAM, the TSSs, LTR -------------------------------------
	mov	esi, gdt_tmpl
	mov	edi, GDT_RAM
	mov	ecx, GDT_ENTRIES * 2
	rep movsd
	lgdt	[gdt_ram_desc]
	jmp	SEL_CODE32:.reloaded
.reloaded:
	mov	edi, IDT_RAM
	mov	ecx, 0x30
	mov	eax, unexpected
.fill:
	mov	[edi], ax
	mov	word [edi + 2], SEL_CODE32
	mov	word [edi + 4], 0x8E00
	mov	edx, eax
	shr	edx, 16
	mov	[edi + 6], dx
	add	edi, 8
	loop	.fill
	mov	dword [IDT_RAM + 13 * 8], 0	; #GP: an empty entry
	mov	dword [IDT_RAM + 13 * 8 + 4], 0
	mov	dword [IDT_RAM + 8 * 8], SEL_TSS_DF << 16	; #DF: task gate
	mov	dword [IDT_RAM + 8 * 8 + 4], 0x8500
	lidt	[idt_desc]

	mov	edi, TSS_A			; zero all four TSSs
	xor	eax, eax
	mov	ecx, 0x400 / 4
	rep stosd
	mov	ebx, TSS_B
	mov	eax, task_b
	mov	edx, STACK_B
	call	init_tss32
	mov	ebx, TSS_DF
	mov	eax, df_task
	mov	edx, STACK_DF
	call	init_tss32
	mov	word [TSS_C + 0x0E], task_c16	; IP
	mov	word [TSS_C + 0x10], 0x0002	; FLAGS
	mov	word [TSS_C + 0x12], 0x1234	; AX
	mov	word [TSS_C + 0x1A], STACK_C	; SP
	mov	word [TSS_C + 0x22], SEL_DATA32	; ES
	mov	word [TSS_C + 0x24], SEL_CODE16_0	; CS
	mov	word [TSS_C + 0x26], SEL_DATA32	; SS
	mov	word [TSS_C + 0x28], SEL_DATA32	; DS

	mov	ax, SEL_TSS_A
	ltr	ax
	CHECK_BUSY SEL_TSS_A, 0x8B, 0x10
	CHECK_BUSY SEL_TSS_B, 0x89, 0x11
	PUTS32	ok_setup

	; --- 2x: JMP to a TSS and back ----------------------------------------------
	clts
	mov	ebx, 0x11111111
	mov	esi, 0x22222222
	mov	edi, 0x33333333
	mov	ebp, 0x44444444
	jmp	SEL_TSS_B:0
	; back from task B
	str	ax
	CHECK32	ax, SEL_TSS_A, 0x28
	CHECK32	ebx, 0x11111111, 0x29
	CHECK32	esi, 0x22222222, 0x2A
	CHECK32	edi, 0x33333333, 0x2B
	CHECK32	ebp, 0x44444444, 0x2C
	CHECK32	esp, STACK32_TOP, 0x2D
	CHECK_BUSY SEL_TSS_A, 0x8B, 0x2E
	CHECK_BUSY SEL_TSS_B, 0x89, 0x2F
	PUTS32	ok_jmp

	; --- 3x: CALL through a task gate, IRETD back ----------------------------------
	clts
	call	SEL_GATE_B:0
	; back from task B's IRETD
	pushfd
	pop	eax
	test	eax, F_NT
	jz	.nt_clear
	mov	al, 0x38
	jmp	fail32
.nt_clear:
	CHECK_BUSY SEL_TSS_B, 0x89, 0x39
	CHECK_BUSY SEL_TSS_A, 0x8B, 0x3A
	test	dword [TSS_B + 0x24], F_NT	; B's saved EFLAGS: NT cleared
	jz	.b_nt_clear
	mov	al, 0x3B
	jmp	fail32
.b_nt_clear:
	mov	eax, cr0
	test	al, CR0_TS
	jnz	.ts_set
	mov	al, 0x3C
	jmp	fail32
.ts_set:
	PUTS32	ok_call

	; --- 4x: a 16-bit TSS ----------------------------------------------------------
	mov	ebx, 0xB0B0B0B0
	call	SEL_TSS_C:0
	CHECK32	ebx, 0xB0B0B0B0, 0x41
	CHECK32	word [TSS_C + 0x18], 0xC16, 0x42	; C's saved BX
	CHECK_BUSY SEL_TSS_C, 0x81, 0x43
	PUTS32	ok_tss16

	; --- 5x: a double fault through a task gate --------------------------------------
	mov	ax, 0x1234			; past the GDT limit
	mov	ebx, 0x5A5A5A5A
df_site:
	mov	ds, ax				; #GP, then #GP delivering it: #DF
	CHECK32	ebx, 0xDFDFDFDF, 0x50		; set in A's TSS by the DF task
	mov	ax, ds
	CHECK32	ax, SEL_DATA32, 0x51
	CHECK_BUSY SEL_TSS_DF, 0x89, 0x52
	PUTS32	ok_df

	PUTS32	all_ok
	mov	al, 0
	out	PORT_EXIT, al
	cli
	hlt

; init_tss32: a 32-bit TSS at EBX for flat ring-0 code at EAX with its
; stack at EDX.
init_tss32:
	mov	[ebx + 0x20], eax		; EIP
	mov	dword [ebx + 0x24], 0x00000002	; EFLAGS
	mov	[ebx + 0x38], edx		; ESP
	mov	word [ebx + 0x48], SEL_DATA32	; ES
	mov	word [ebx + 0x4C], SEL_CODE32	; CS
	mov	word [ebx + 0x50], SEL_DATA32	; SS
	mov	word [ebx + 0x54], SEL_DATA32	; DS
	mov	word [ebx + 0x66], 0x68		; no I/O bitmap
	ret

; Task B. First entry (by JMP): not nested; it JMPs back to A.
task_b:
	str	ax
	CHECK32	ax, SEL_TSS_B, 0x20
	CHECK32	ebx, 0, 0x21
	CHECK32	esp, STACK_B, 0x22
	pushfd
	pop	eax
	test	eax, F_NT
	jz	.not_nested
	mov	al, 0x23
	jmp	fail32
.not_nested:
	mov	eax, cr0
	test	al, CR0_TS
	jnz	.ts
	mov	al, 0x24
	jmp	fail32
.ts:
	CHECK_BUSY SEL_TSS_A, 0x89, 0x25
	CHECK_BUSY SEL_TSS_B, 0x8B, 0x26
	mov	ebx, 0xBBBBBBBB
	jmp	SEL_TSS_A:0
	; Second entry (CALL through the gate): resumes here, nested.
	CHECK32	ebx, 0xBBBBBBBB, 0x30
	pushfd
	pop	eax
	test	eax, F_NT
	jnz	.nested
	mov	al, 0x31
	jmp	fail32
.nested:
	CHECK32	word [TSS_B], SEL_TSS_A, 0x32	; back link
	CHECK_BUSY SEL_TSS_A, 0x8B, 0x33
	CHECK_BUSY SEL_TSS_B, 0x8B, 0x34
	iretd
	mov	al, 0x35			; never resumed again
	jmp	fail32

; The double-fault task: error code 0 on its stack, nested in task A whose
; saved EIP is the faulting MOV DS (2 bytes): step over it and return.
df_task:
	str	ax
	CHECK32	ax, SEL_TSS_DF, 0x53
	CHECK32	esp, STACK_DF - 4, 0x54
	CHECK32	dword [esp], 0, 0x55
	CHECK32	word [TSS_DF], SEL_TSS_A, 0x56
	CHECK32	dword [TSS_A + 0x20], df_site, 0x57
	CHECK32	dword [TSS_A + 0x34], 0x5A5A5A5A, 0x58	; A's EBX
	pushfd
	pop	eax
	test	eax, F_NT
	jnz	.nested
	mov	al, 0x59
	jmp	fail32
.nested:
	add	dword [TSS_A + 0x20], 2
	mov	dword [TSS_A + 0x34], 0xDFDFDFDF
	add	esp, 4
	iretd

unexpected:
	mov	al, 0xEE
	jmp	fail32

	align	8
gdt_tmpl:
	dq	0
	dq	0x00CF9A000000FFFF	; 08 code DPL 0
	dq	0x00CF92000000FFFF	; 10 data DPL 0
	dq	0x00009A0F0000FFFF	; 18 16-bit code DPL 0 at F0000
	dq	0x0000890030000067	; 20 TSS A at 3000h
	dq	0x0000890031000067	; 28 TSS B at 3100h
	dq	0x0000890032000067	; 30 TSS DF at 3200h
	dq	0x000081003300002B	; 38 16-bit TSS C at 3300h
	dq	0x0000850000280000	; 40 task gate -> TSS B
gdt_ram_desc:
	dw	GDT_ENTRIES * 8 - 1
	dd	GDT_RAM
idt_desc:
	dw	0x30 * 8 - 1
	dd	IDT_RAM

ok_setup:	db "ok TSSs, LTR", 10, 0
ok_jmp:		db "ok JMP to a TSS and back", 10, 0
ok_call:	db "ok CALL through a task gate, IRETD through the back link", 10, 0
ok_tss16:	db "ok 16-bit TSS", 10, 0
ok_df:		db "ok #DF through a task gate", 10, 0
all_ok:		db "task: all passed", 10, 0

section rom16
	bits 16
hello16:	db "task: entering protected mode", 10, 0
