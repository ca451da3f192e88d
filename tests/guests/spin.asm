; spin.asm: prints a line, then loops forever with interrupts disabled
; (JMP $). It never ends by itself, so it checks the run limits: the run
; must stop with status 6 under --max-insns and 124 under --timeout.
%include "guest.inc"

start:
	cli
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	PUTS16	msg
.forever:
	jmp	.forever

msg:	db "spinning", 10, 0
