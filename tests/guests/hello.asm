; hello.asm: the smallest guest. Prints a line on the debug console and
; exits through the debug-exit port with status 0 (pass). It checks that
; reset, the far jump at the reset vector, a call/ret, port output and the
; exit port work at all.
%include "guest.inc"

start:
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	PUTS16	msg
	EXIT	0

msg:	db "hello from popek", 10, 0
