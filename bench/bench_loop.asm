; bench_loop.asm: the guest `make bench` times on popek, Bochs and QEMU.
;
; An integer loop in flat 32-bit protected mode: table loads and stores
; through SIB addresses, ALU ops, a multiply, a rotate, a MOVSD string move
; and a data-dependent branch, run ITERATIONS times. Both sides of the branch
; execute the same number of instructions, so the loop retires exactly
; ITERATIONS * BODY_INSNS instructions (bench/run.sh reads both numbers from
; this file to compute MIPS). The checksum it prints must be the same on
; every emulator: bench/run.sh compares them.
;
; Ending the run: port 0xF4 (debug exit) ends popek and QEMU; Bochs ignores
; that write and ends on the string "Shutdown" written to port 0x8900.
; Assemble: nasm -f bin -I tests/guests/ [-DITERATIONS=n] -o bench.rom bench/bench_loop.asm
%include "guest.inc"

%ifndef ITERATIONS
ITERATIONS	equ 40000000
%endif
BODY_INSNS	equ 19		; instructions per iteration, counted below
TABLE		equ 0x10000	; 256 dwords the loop reads and writes
SRC_BUF		equ 0x40000	; MOVSD source: 64 KiB at 0x40000, ESI wraps
DST_BUF		equ 0x20000	; MOVSD destination: 64 KiB at 0x20000, EDI wraps

start:
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	PUTS16	hello16
	ENTER_PMODE pm_main

section rom32
	bits 32

pm_main:
	cld
	; Seed the table with i * 0x9E3779B9.
	mov	edi, TABLE
	xor	eax, eax
	mov	ecx, 256
.seed:
	stosd
	add	eax, 0x9E3779B9
	loop	.seed

	; Fill the MOVSD source with a pattern.
	mov	edi, SRC_BUF
	mov	ecx, 0x10000 / 4
.fill:
	stosd
	xor	eax, ecx
	rol	eax, 7
	loop	.fill

	mov	ebx, TABLE
	mov	ecx, ITERATIONS
	xor	edx, edx		; table index
	xor	ebp, ebp		; checksum
	mov	esi, SRC_BUF
	mov	edi, DST_BUF
	align	16
.loop:
	mov	eax, [ebx + edx * 4]	;  1 load
	add	eax, ecx		;  2
	xor	eax, 0x5A5A5A5A		;  3
	imul	eax, eax, 33		;  4
	rol	eax, 5			;  5
	mov	[ebx + edx * 4], eax	;  6 store
	lea	edx, [edx + eax + 1]	;  7
	and	edx, 255		;  8
	movsd				;  9 [ESI] -> [EDI], both advance by 4
	and	esi, SRC_BUF | 0xFFFF	; 10 wrap inside the 64 KiB buffers
	and	edi, DST_BUF | 0xFFFF	; 11
	add	[edi], eax		; 12 read-modify-write
	test	eax, 0x100		; 13
	jz	.even			; 14
	add	ebp, eax		; 15 (odd side)
	jmp	.join			; 16
.even:
	sub	ebp, edx		; 15 (even side)
	xor	ebp, 0x1234		; 16
.join:
	add	ebp, [esi]		; 17
	dec	ecx			; 18
	jnz	.loop			; 19

	PUTS32	msg_sum
	mov	eax, ebp
	call	puthex32
	mov	al, 10
	out	PORT_DEBUGCON, al
	; popek and QEMU end here.
	mov	al, 0
	out	PORT_EXIT, al
	; Bochs ends here.
	mov	dx, 0x8900
	mov	esi, shutdown
.shut:
	lodsb
	test	al, al
	jz	.stop
	out	dx, al
	jmp	.shut
.stop:
	cli
	hlt

msg_sum:	db "bench: checksum ", 0
shutdown:	db "Shutdown", 0

section rom16
	bits 16
hello16:	db "bench: start", 10, 0
