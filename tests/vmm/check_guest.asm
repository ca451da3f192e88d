; check_guest.asm: a guest for the check engine's tests (tests/vmm/run_check.sh).
;
; It calls a short straight-line routine at a fixed address a hundred
; times and stores what it computes, then passes. With
; POPEK_TEST_CORRUPT_BT=F100C (translator.h, test_corrupt) the translated
; block holding the ADD at F000:100C leaves a wrong EAX, and --engine check
; must name exactly that instruction.
%include "guest.inc"

start:
	cli
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	mov	ds, ax
	mov	cx, 100
.loop:
	call	work
	loop	.loop
	cmp	dword [0x500], 3
	je	.ok
	EXIT	1
.ok:
	PUTS16	ok_msg
	EXIT	0

ok_msg	db "check guest ok", 10, 0

	times 0x1000 - ($ - $$) db 0	; work is at F000:1000 (linear F1000)
work:
	mov	eax, 1			; F1000
	mov	ebx, 2			; F1006
	add	eax, ebx		; F100C: the instruction the hook spoils
	mov	[0x500], eax		; F100F
	ret
