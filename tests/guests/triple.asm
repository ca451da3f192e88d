; triple.asm: a triple fault must shut the machine down.
;
; In protected mode, loads an IDT whose limit is 0, so no gate can be read,
; then executes INT3. Reading gate 3 fails (#GP), reading gate 13 for that
; fails too (#DF), and reading gate 8 fails once more: a triple fault, which
; the processor signals as a shutdown. The emulator ends the run with status
; 4; reaching the line after INT3 is a failure.
%include "guest.inc"

start:
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	PUTS16	msg16
	ENTER_PMODE pm_main

section rom32
	bits 32

pm_main:
	lidt	[empty_idt]
	PUTS32	msg32
	int3
	PUTS32	survived
	mov	al, 0x7F
	out	PORT_EXIT, al
	cli
	hlt

	align	4
empty_idt:
	dw	0		; limit 0: not even one 8-byte gate fits
	dd	0
msg32:		db "triple: INT3 with an empty IDT", 10, 0
survived:	db "FAIL: execution went on after INT3", 10, 0

section rom16
	bits 16
msg16:		db "triple: entering protected mode", 10, 0
