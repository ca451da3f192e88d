; hostile.asm: code that is hard on a binary translator, which must still
; run it exactly as the interpreter does (issue: "a guest that rewrites its
; own code every instruction, jumps into the middle of instructions, or
; executes from MMIO or unmapped memory runs correctly").
;   1. a loop whose every iteration rewrites the immediate of the next
;      instruction it runs, and one instruction that rewrites the very next
;      one in the same block;
;   2. the same bytes run as two overlapping instruction streams (a jump
;      into the middle of an instruction), then one byte both share is
;      rewritten and both streams must see it;
;   3. code copied into the VGA text window (B8000, device memory, not RAM)
;      and called there;
;   4. a far jump into unmapped memory (C8000 reads all-ones: FF FF is an
;      invalid encoding), which must raise #UD at that address.
; Each check prints a line on the debug console; a failure exits with its
; number.
%include "guest.inc"

CODE_SEG	equ 0x0200		; RAM code at 0x2000
LOOPS		equ 1000

start:
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	mov	ds, ax

	; --- 1. self-modifying code in RAM -----------------------------------
	mov	ax, CODE_SEG
	mov	es, ax
	mov	si, smc_code
	xor	di, di
	mov	cx, smc_code_end - smc_code
.copy1:	mov	al, [cs:si]
	mov	[es:di], al
	inc	si
	inc	di
	loop	.copy1
	call	CODE_SEG:0
	; The loop added 1, 2, ..., 255, 0, 1, ... (the low byte of the
	; immediate counts up from 1) to BX, LOOPS times.
%assign want 0
%assign k 1
%rep LOOPS
%assign want (want + (k & 0xFF)) & 0xFFFF
%assign k k + 1
%endrep
	cmp	bx, want
	mov	al, 1
	jne	fail16
	cmp	dl, 7			; the instruction rewritten just before it ran
	mov	al, 2
	jne	fail16
	PUTS16	msg_smc

	; --- 2. overlapping instruction streams --------------------------------
	; At CODE_SEG:ovl, B8 B0 05 C3 is "mov ax, 0x05B0 / ret" from its first
	; byte and "mov al, 5 / ret" from its second.
	mov	si, ovl_code
	mov	di, ovl_at
	mov	cx, ovl_code_end - ovl_code
.copy2:	mov	al, [cs:si]
	mov	[es:di], al
	inc	si
	inc	di
	loop	.copy2
	xor	ax, ax
	call	CODE_SEG:ovl_far
	cmp	ax, 0x05B0
	mov	al, 3
	jne	fail16
	mov	ax, 0x1100
	call	CODE_SEG:ovl_far + 1
	cmp	ax, 0x1105
	mov	al, 4
	jne	fail16
	; Rewrite the byte both streams share (the 05), run both again.
	mov	byte [es:ovl_at + 2], 0x09
	xor	ax, ax
	call	CODE_SEG:ovl_far
	cmp	ax, 0x09B0
	mov	al, 5
	jne	fail16
	mov	ax, 0x2200
	call	CODE_SEG:ovl_far + 1
	cmp	ax, 0x2209
	mov	al, 6
	jne	fail16
	PUTS16	msg_overlap

	; --- 3. code in device memory --------------------------------------------
	mov	ax, 0xB800
	mov	es, ax
	mov	si, mmio_code
	mov	di, 0x0F00		; off the visible screen's first rows
	mov	cx, mmio_code_end - mmio_code
.copy3:	mov	al, [cs:si]
	mov	[es:di], al
	inc	si
	inc	di
	loop	.copy3
	xor	ax, ax
	call	0xB800:0x0F00
	cmp	ax, 0x1234
	mov	al, 7
	jne	fail16
	; Change the code in place and call it again.
	mov	byte [es:0x0F01], 0x78
	call	0xB800:0x0F00
	cmp	ax, 0x1278
	mov	al, 8
	jne	fail16
	PUTS16	msg_mmio

	; --- 4. unmapped memory: #UD at C800:0000 --------------------------------
	xor	ax, ax
	mov	es, ax
	mov	word [es:6 * 4], ud_handler
	mov	word [es:6 * 4 + 2], 0xF000
	mov	word [ud_seen], 0
	jmp	0xC800:0x0000
after_ud:
	cmp	word [ud_seen], 1
	mov	al, 9
	jne	fail16
	PUTS16	msg_unmapped
	EXIT	0

; #UD handler: the fault must point at C800:0000; the return address is
; dropped and the test goes on at after_ud.
ud_handler:
	mov	bp, sp
	cmp	word [ss:bp], 0x0000	; IP
	jne	.bad
	cmp	word [ss:bp + 2], 0xC800	; CS
	jne	.bad
	mov	word [ud_seen], 1
	add	sp, 6
	jmp	after_ud
.bad:	mov	word [ud_seen], 2
	add	sp, 6
	jmp	after_ud

ud_seen		equ 0x0500

; Copied to CODE_SEG:0. BX sums the immediates; each iteration increments
; the low byte of the ADD's immediate just before the ADD runs.
smc_code:
	xor	bx, bx
	mov	cx, LOOPS
	mov	byte [cs:.imm - smc_code], 0
.again:	inc	byte [cs:.imm - smc_code]
	db	0x81, 0xC3		; add bx, imm16
.imm:	dw	0
	loop	.again
	mov	byte [cs:.next - smc_code + 1], 7	; rewrites the next instruction
.next:	mov	dl, 0
	retf
smc_code_end:

ovl_at		equ 0x0100
ovl_far		equ ovl_at
ovl_code:
	db	0xB8, 0xB0, 0x05, 0xCB	; mov ax, 0x05B0 / retf; from +1: mov al, 5 / retf
ovl_code_end:

mmio_code:
	mov	al, 0x34
	mov	ah, 0x12
	retf
mmio_code_end:

msg_smc:	db "self-modifying code: every iteration and the next instruction seen", 10, 0
msg_overlap:	db "overlapping instruction streams: both see a shared byte change", 10, 0
msg_mmio:	db "code in device memory runs, and runs again after it changes", 10, 0
msg_unmapped:	db "unmapped memory: #UD at C800:0000", 10, 0
