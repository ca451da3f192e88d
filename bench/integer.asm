; integer.asm: the integer workload of `make bench`.
;
; Each round, in flat 32-bit protected mode without paging:
;   sort     fills SORT_N dwords with xorshift32 numbers and heapsorts them
;            (unsigned), then checks the order (FAIL 01 if it is wrong);
;   hash     FNV-1a over the sorted array's bytes and a bitwise CRC-32
;            (reflected, polynomial 0xEDB88320) over its first CRC_BYTES;
;   recurse  a recursive Fibonacci with stack frames, fib(FIB_BASE + round % 4).
; The round's results are folded into the checksum, which depends on every
; instruction above having computed what a real CPU computes.
; Assemble: nasm -f bin -I tests/guests/ -I bench/ [-DROUNDS=n] -o integer.rom bench/integer.asm
%include "bench.inc"

%ifndef ROUNDS
ROUNDS		equ 200
%endif
SORT_N		equ 2048		; dwords sorted per round
ARRAY		equ 0x20000		; SORT_N * 4 bytes
CRC_BYTES	equ 1024
FIB_BASE	equ 17			; fib(17)..fib(20): 5,167 to 21,891 calls

start:
	BENCH_START name, pm_main

name:	db "integer", 0

section rom32
	bits 32

pm_main:
	cld
	mov	ebp, 0x811C9DC5		; the checksum
	mov	ecx, ROUNDS
.round:
	push	ecx
	; --- sort ---------------------------------------------------------------
	mov	eax, ecx
	imul	eax, eax, 0x9E3779B9
	xor	eax, ebp
	or	eax, 1			; xorshift32 needs a non-zero state
	mov	edi, ARRAY
	mov	ecx, SORT_N
.fill:
	call	xorshift32
	stosd
	loop	.fill
	mov	esi, ARRAY
	mov	ecx, SORT_N
	call	heapsort
	mov	esi, ARRAY
	mov	ecx, SORT_N - 1
.check:
	mov	eax, [esi]
	add	esi, 4
	cmp	eax, [esi]
	jbe	.in_order
	mov	al, 0x01
	jmp	fail32
.in_order:
	loop	.check

	; --- hash ---------------------------------------------------------------
	mov	esi, ARRAY
	mov	ecx, SORT_N * 4
	call	fnv1a
	xor	ebp, eax
	rol	ebp, 7
	mov	esi, ARRAY
	mov	ecx, CRC_BYTES
	call	crc32
	add	ebp, eax

	; --- recurse ------------------------------------------------------------
	mov	eax, [esp]		; the round counter
	and	eax, 3
	add	eax, FIB_BASE
	call	fib
	imul	ebp, ebp, 33
	add	ebp, eax

	pop	ecx
	dec	ecx
	jnz	.round

	mov	eax, ebp
	jmp	bench_finish

; heapsort: sorts ECX unsigned dwords at ESI in ascending order.
; Clobbers EAX, EBX, EDX, EDI.
heapsort:
	mov	ebx, ecx		; heap size
	mov	edx, ecx
	shr	edx, 1
.build:					; sift down n/2-1 .. 0
	test	edx, edx
	jz	.extract
	dec	edx
	mov	eax, edx
	call	sift_down
	jmp	.build
.extract:				; move the largest to the end, shrink
	dec	ebx
	jz	.done
	mov	eax, [esi]
	mov	edi, [esi + ebx * 4]
	mov	[esi], edi
	mov	[esi + ebx * 4], eax
	xor	eax, eax
	call	sift_down
	jmp	.extract
.done:
	ret

; sift_down: moves element EAX of the heap of EBX dwords at ESI down until
; both children are smaller. Clobbers EAX, EDI.
sift_down:
	push	edx
	push	ebp
.loop:
	lea	edx, [eax * 2 + 1]	; left child
	cmp	edx, ebx
	jae	.out
	lea	edi, [edx + 1]		; right child
	cmp	edi, ebx
	jae	.bigger
	mov	ebp, [esi + edx * 4]
	cmp	ebp, [esi + edi * 4]
	jae	.bigger
	mov	edx, edi
.bigger:				; EDX: the larger child
	mov	ebp, [esi + eax * 4]
	mov	edi, [esi + edx * 4]
	cmp	ebp, edi
	jae	.out
	mov	[esi + eax * 4], edi
	mov	[esi + edx * 4], ebp
	mov	eax, edx
	jmp	.loop
.out:
	pop	ebp
	pop	edx
	ret

; fnv1a: EAX = the 32-bit FNV-1a hash of ECX bytes at ESI. Clobbers ECX,
; EDX, ESI.
fnv1a:
	mov	eax, 0x811C9DC5
.byte:
	movzx	edx, byte [esi]
	xor	eax, edx
	imul	eax, eax, 0x01000193
	inc	esi
	dec	ecx
	jnz	.byte
	ret

; crc32: EAX = the CRC-32 of ECX bytes at ESI, one bit at a time (no
; table: shifts and data-dependent branches). Clobbers ECX, EDX, ESI.
crc32:
	mov	eax, 0xFFFFFFFF
.byte:
	movzx	edx, byte [esi]
	xor	eax, edx
	mov	edx, 8
.bit:
	shr	eax, 1
	jnc	.no_poly
	xor	eax, 0xEDB88320
.no_poly:
	dec	edx
	jnz	.bit
	inc	esi
	dec	ecx
	jnz	.byte
	not	eax
	ret

; fib: EAX = n -> EAX = fib(n), recursively, with an EBP stack frame per
; call. Keeps every other register.
fib:
	push	ebp
	mov	ebp, esp
	push	ebx
	cmp	eax, 2
	jb	.leaf
	push	eax			; [ebp - 8] = n
	dec	eax
	call	fib
	mov	ebx, eax
	mov	eax, [ebp - 8]
	sub	eax, 2
	call	fib
	add	eax, ebx
	add	esp, 4
.leaf:					; fib(0) = 0, fib(1) = 1
	pop	ebx
	pop	ebp
	ret

section rom16
	bits 16
