; v86.asm: virtual-8086 mode under a ring-0 monitor, end to end.
;
; The monitor (ring 0) builds a GDT, an IDT and a TSS whose I/O bitmap
; lets V86 code use port 0xE9 only, then enters V86 mode with IRETD. The
; V86 task (16-bit code in this ROM, CS = F000) runs at IOPL 0:
;   - real-mode style segments: CS, ES as loaded, ES:0 at linear 12340h;
;   - OUT to 0xE9 goes straight through (the bitmap allows it);
;   - CLI, STI, INT 21h (print DS:DX up to '$') and IN from a denied port
;     are #GP(0) to the monitor, which emulates them from the faulting
;     instruction's bytes and resumes after it;
;   - INT3 goes through the IDT (a DPL-3 gate) into a ring-0 handler, which
;     checks the frame (with ES, DS, FS, GS of the V86 task) and that the
;     data segment registers are null in ring 0; IRETD brings them back;
;   - after the monitor sets IOPL 3 (INT 22h), INT 31h goes through the IDT
;     and CLI no longer faults;
;   - INT 20h, through the IDT too, ends the V86 task; the monitor checks
;     its counts.
; Failure codes: 1x set-up, 2x V86 checks (sent with INT 24h), 3x monitor,
; 4x the INT3 frame, 5x the end.
%include "guest.inc"

GDT_RAM		equ 0x1000
IDT_RAM		equ 0x2000
TSS_RAM		equ 0x3000
RING0_STACK	equ 0x88000
V86_STACK	equ STACK16_TOP	; SS = 0
V86_ES		equ 0x1234
V86_FS		equ 0x2000
V86_GS		equ 0x3000
VIRT_IF		equ 0x4000	; the monitor's virtual IF for the V86 task
EMU_COUNT	equ 0x4004	; instructions the monitor emulated
IN_COUNT	equ 0x4008	; of which denied port reads
SEL_TSS		equ 0x18

start:
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	PUTS16	hello16
	ENTER_PMODE pm_main

; VCHECK a, b, code: in the V86 task, fails through the monitor (INT 24h).
%macro VCHECK 3
	cmp	%1, %2
	je	%%ok
	mov	al, %3
	int	0x24
%%ok:
%endmacro

; --- the V86 task ---------------------------------------------------------------
v86_entry:
	mov	ax, cs
	VCHECK	ax, 0xF000, 0x20
	mov	ax, es
	VCHECK	ax, V86_ES, 0x21
	mov	ax, [es:0]			; linear 12340h
	VCHECK	ax, 0xBEEF, 0x22
	mov	ax, ds
	VCHECK	ax, 0xF000, 0x23
	push	word 0x7777
	VCHECK	sp, V86_STACK - 2, 0x24
	pop	ax
	VCHECK	ax, 0x7777, 0x25

	mov	si, v86_hello			; OUT through the I/O bitmap
.puts:
	mov	al, [si]
	test	al, al
	jz	.said
	out	PORT_DEBUGCON, al
	inc	si
	jmp	.puts
.said:
	cli					; #GP: emulated
	sti					; #GP: emulated
	mov	dx, v86_int21_msg
	int	0x21				; #GP: the monitor prints DS:DX
	in	al, 0x60			; #GP: denied port, the monitor returns FFh
	VCHECK	al, 0xFF, 0x26

	xor	ebx, ebx
	int3					; through the IDT to ring 0
	VCHECK	ebx, 0xB0B0, 0x27
	mov	ax, es
	VCHECK	ax, V86_ES, 0x28
	mov	ax, gs
	VCHECK	ax, V86_GS, 0x29

	int	0x22				; the monitor sets IOPL 3
	xor	ecx, ecx
	int	0x31				; now through the IDT
	VCHECK	ecx, 0x3131, 0x2A
	cli					; no fault at IOPL 3
	sti
	int	0x20				; done (through the IDT)

v86_hello:	db "v86: hello from virtual-8086 mode", 10, 0
v86_int21_msg:	db "v86: INT 21h emulated by the monitor", 10, "$"

section rom32
	bits 32

pm_main:
	cld
	; --- 1x: GDT, IDT, TSS with an I/O bitmap ------------------------------------
	mov	esi, gdt_tmpl
	mov	edi, GDT_RAM
	mov	ecx, 4 * 2
	rep movsd
	lgdt	[gdt_ram_desc]
	jmp	SEL_CODE32:.reloaded
.reloaded:
	mov	edi, IDT_RAM
	mov	ecx, 0x40
	mov	eax, unexpected
	mov	dx, 0x8E00
.fill:
	call	set_gate
	add	edi, 8
	loop	.fill
	mov	edi, IDT_RAM + 13 * 8
	mov	eax, monitor_gp
	call	set_gate
	mov	dx, 0xEF00			; DPL 3 trap gates
	mov	edi, IDT_RAM + 3 * 8
	mov	eax, bp_handler
	call	set_gate
	mov	edi, IDT_RAM + 0x31 * 8
	mov	eax, int31_handler
	call	set_gate
	mov	edi, IDT_RAM + 0x20 * 8
	mov	eax, int20_handler
	call	set_gate
	lidt	[idt_desc]

	mov	edi, TSS_RAM
	xor	eax, eax
	mov	ecx, 0x68 / 4
	rep stosd
	mov	dword [TSS_RAM + 4], RING0_STACK
	mov	dword [TSS_RAM + 8], SEL_DATA32
	mov	word [TSS_RAM + 0x66], 0x68
	mov	edi, TSS_RAM + 0x68		; ports 0-FFh: all denied ...
	mov	al, 0xFF
	mov	ecx, 0x21			; ... and the terminating byte
	rep stosb
	and	byte [TSS_RAM + 0x68 + PORT_DEBUGCON / 8], ~(1 << (PORT_DEBUGCON % 8))
	mov	ax, SEL_TSS
	ltr	ax

	mov	word [0x12340], 0xBEEF
	mov	dword [VIRT_IF], 1
	mov	dword [EMU_COUNT], 0
	mov	dword [IN_COUNT], 0
	PUTS32	ok_setup

	; --- into V86 mode through IRETD ---------------------------------------------
	push	dword V86_GS
	push	dword V86_FS
	push	dword 0xF000			; DS
	push	dword V86_ES
	push	dword 0				; SS
	push	dword V86_STACK
	push	dword 0x00020002		; VM, IOPL 0, IF 0
	push	dword 0xF000
	push	dword v86_entry
	iretd

; set_gate: a gate at [EDI] to SEL_CODE32:EAX with attribute word DX.
set_gate:
	mov	[edi], ax
	mov	word [edi + 2], SEL_CODE32
	mov	[edi + 4], dx
	push	eax
	shr	eax, 16
	mov	[edi + 6], ax
	pop	eax
	ret

; The #GP handler: the monitor. With PUSHAD on top, EBP points at EDI; the
; error code is at EBP+32, then EIP, CS, EFLAGS, ESP, SS, ES, DS, FS, GS.
F_ERR	equ 32
F_EIP	equ 36
F_CS	equ 40
F_EFL	equ 44
F_DS	equ 60
R_EAX	equ 28
R_EDX	equ 20
monitor_gp:
	pushad
	mov	ebp, esp
	mov	bx, ds				; null in ring 0 after V86
	mov	ax, SEL_DATA32
	mov	ds, ax
	mov	es, ax
	CHECK32	bx, 0, 0x30
	test	dword [ebp + F_EFL], 0x20000	; from V86 mode
	jnz	.from_v86
	mov	al, 0x31
	jmp	fail32
.from_v86:
	CHECK32	dword [ebp + F_ERR], 0, 0x32
	movzx	esi, word [ebp + F_CS]		; the faulting instruction
	shl	esi, 4
	movzx	eax, word [ebp + F_EIP]
	add	esi, eax
	inc	dword [EMU_COUNT]
	mov	al, [esi]
	cmp	al, 0xFA
	je	.cli
	cmp	al, 0xFB
	je	.sti
	cmp	al, 0xE4
	je	.in
	cmp	al, 0xCD
	je	.int
	mov	al, 0x33
	jmp	fail32
.cli:
	mov	dword [VIRT_IF], 0
	jmp	.skip1
.sti:
	mov	dword [VIRT_IF], 1
.skip1:
	add	word [ebp + F_EIP], 1
	jmp	.resume
.in:
	inc	dword [IN_COUNT]
	mov	byte [ebp + R_EAX], 0xFF
	jmp	.skip2
.int:
	mov	al, [esi + 1]
	cmp	al, 0x21
	je	.int21
	cmp	al, 0x22
	je	.int22
	cmp	al, 0x24
	je	.int24
	mov	al, 0x34
	jmp	fail32
.int21:						; print DS:DX up to '$'
	movzx	esi, word [ebp + F_DS]
	shl	esi, 4
	movzx	eax, word [ebp + R_EDX]
	add	esi, eax
.putc:
	mov	al, [esi]
	cmp	al, '$'
	je	.skip2
	out	PORT_DEBUGCON, al
	inc	esi
	jmp	.putc
.int22:						; IOPL 3 for the V86 task
	or	dword [ebp + F_EFL], 0x3000
	jmp	.skip2
.int24:						; a failed check in the V86 task
	mov	al, [ebp + R_EAX]
	jmp	fail32
.skip2:
	add	word [ebp + F_EIP], 2
.resume:
	popad
	add	esp, 4				; the error code
	iretd

; INT3 from V86 through a DPL-3 trap gate: EIP, CS, EFLAGS, ESP, SS, ES,
; DS, FS, GS of the V86 task on the ring-0 stack; no error code.
bp_handler:
	mov	ax, ds				; all four null in ring 0 ...
	mov	cx, es
	or	ax, cx
	mov	cx, fs
	or	ax, cx
	mov	cx, gs
	or	ax, cx
	mov	cx, SEL_DATA32			; ... and fail32 needs DS
	mov	ds, cx
	CHECK32	ax, 0, 0x40
	CHECK32	esp, RING0_STACK - 36, 0x44
	CHECK32	dword [ss:esp + 4], 0xF000, 0x45
	test	dword [ss:esp + 8], 0x20000
	jnz	.vm
	mov	al, 0x46
	jmp	fail32
.vm:
	CHECK32	dword [ss:esp + 12], V86_STACK, 0x47
	CHECK32	dword [ss:esp + 16], 0, 0x48
	CHECK32	dword [ss:esp + 20], V86_ES, 0x49
	CHECK32	dword [ss:esp + 24], 0xF000, 0x4A
	CHECK32	dword [ss:esp + 28], V86_FS, 0x4B
	CHECK32	dword [ss:esp + 32], V86_GS, 0x4C
	mov	ebx, 0xB0B0
	iretd

; INT 31h from V86 at IOPL 3, through a DPL-3 trap gate.
int31_handler:
	mov	ecx, 0x3131
	iretd

; INT 20h from V86 at IOPL 3: the end of the V86 task.
int20_handler:
	mov	ax, SEL_DATA32
	mov	ds, ax
	test	dword [ss:esp + 8], 0x20000
	jnz	v86_done
	mov	al, 0x53
	jmp	fail32

v86_done:
	mov	ax, SEL_DATA32
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	CHECK32	dword [EMU_COUNT], 5, 0x50	; CLI STI INT21 IN INT22
	CHECK32	dword [IN_COUNT], 1, 0x51
	CHECK32	dword [VIRT_IF], 1, 0x52
	PUTS32	ok_v86
	PUTS32	all_ok
	mov	al, 0
	out	PORT_EXIT, al
	cli
	hlt

unexpected:
	mov	al, 0xEE
	jmp	fail32

	align	8
gdt_tmpl:
	dq	0
	dq	0x00CF9A000000FFFF	; 08 code DPL 0
	dq	0x00CF92000000FFFF	; 10 data DPL 0
	dq	0x0000890030000088	; 18 TSS at 3000h, limit 88h (I/O bitmap)
gdt_ram_desc:
	dw	4 * 8 - 1
	dd	GDT_RAM
idt_desc:
	dw	0x40 * 8 - 1
	dd	IDT_RAM

ok_setup:	db "ok GDT, IDT, TSS with an I/O bitmap", 10, 0
ok_v86:		db "ok V86 task: segments, I/O bitmap, monitor, IDT from V86", 10, 0
all_ok:		db "v86: all passed", 10, 0

section rom16
	bits 16
hello16:	db "v86: entering protected mode", 10, 0
