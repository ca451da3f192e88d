; halt.asm: prints a line, then stops the CPU with interrupts disabled
; (CLI; HLT). Nothing can wake it, so the emulator ends the run with
; status 0 instead of waiting forever. No exit port is used.
%include "guest.inc"

start:
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	PUTS16	msg
	cli
	hlt
	; Not reached: a CPU that wakes up says so and fails.
	PUTS16	woke
	EXIT	1

msg:	db "halting", 10, 0
woke:	db "woke up from HLT with interrupts disabled", 10, 0
