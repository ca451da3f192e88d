; memory.asm: the memory workload of `make bench`, with paging on.
;
; Set-up: 4 KiB pages; linear 0-16 MiB identity-mapped; an 8 MiB window at
; linear CHASE whose 2048 pages map onto physical 16-24 MiB in a scrambled
; order (page j -> physical page (j * 797) mod 2048), so neighbouring linear
; pages are far apart physically. The window holds 131,072 nodes of 64
; bytes linked into one cycle in random order (a Fisher-Yates shuffle), so
; walking it touches a different page almost every step: a TLB-miss load.
; Each round:
;   chase   CHASE_STEPS steps along the cycle, summing and writing the nodes;
;   copy    REP MOVSD (256 KiB), an unaligned REP MOVSB (64 KiB + 3), a
;           load/store loop (64 KiB) and REP STOSD (64 KiB) between two
;           buffers in the identity-mapped part;
;   fold    samples the destination into the checksum and changes the
;           source, so no round repeats the previous one.
; Assemble: nasm -f bin -I tests/guests/ -I bench/ [-DROUNDS=n] -o memory.rom bench/memory.asm
%include "bench.inc"

%ifndef ROUNDS
ROUNDS		equ 60
%endif
PD		equ 0x20000		; page directory
PT_ID		equ 0x21000		; 4 tables: linear 0-16 MiB identity
PT_CHASE	equ 0x25000		; 2 tables: the 8 MiB window
CHASE		equ 0x40000000		; linear base of the window (PDE 256)
CHASE_PHYS	equ 0x1000000		; physical 16-24 MiB behind it
CHASE_PAGES	equ 2048
NODE_SIZE	equ 64
NODES		equ CHASE_PAGES * 4096 / NODE_SIZE
CHASE_STEPS	equ 65536
ORDER		equ 0x500000		; NODES dwords: the shuffled visit order
SRC		equ 0x100000		; 1 MiB source buffer
DST		equ 0x300000		; destination buffer (1 MiB and a bit)
COPY_BYTES	equ 0x40000		; the REP MOVSD copy
SMALL_BYTES	equ 0x10000		; the other copies and the fill

start:
	BENCH_START name, pm_main

name:	db "memory", 0

section rom32
	bits 32

pm_main:
	cld
	; --- page tables --------------------------------------------------------
	mov	edi, PD
	xor	eax, eax
	mov	ecx, 1024
	rep stosd
	mov	dword [PD + 0 * 4], PT_ID + 0x0000 | PTE_P | PTE_RW
	mov	dword [PD + 1 * 4], PT_ID + 0x1000 | PTE_P | PTE_RW
	mov	dword [PD + 2 * 4], PT_ID + 0x2000 | PTE_P | PTE_RW
	mov	dword [PD + 3 * 4], PT_ID + 0x3000 | PTE_P | PTE_RW
	mov	dword [PD + 256 * 4], PT_CHASE + 0x0000 | PTE_P | PTE_RW
	mov	dword [PD + 257 * 4], PT_CHASE + 0x1000 | PTE_P | PTE_RW
	mov	edi, PT_ID
	mov	eax, PTE_P | PTE_RW
	mov	ecx, 4096
.identity:
	stosd
	add	eax, 0x1000
	loop	.identity
	mov	edi, PT_CHASE
	xor	ebx, ebx		; linear page j
.scramble:
	mov	eax, ebx
	imul	eax, eax, 797
	and	eax, CHASE_PAGES - 1
	shl	eax, 12
	add	eax, CHASE_PHYS | PTE_P | PTE_RW
	stosd
	inc	ebx
	cmp	ebx, CHASE_PAGES
	jb	.scramble
	mov	eax, PD
	mov	cr3, eax
	mov	eax, cr0
	or	eax, 0x80000000
	mov	cr0, eax
	jmp	.paged
.paged:

	; --- the source buffer and the node cycle ---------------------------------
	mov	eax, 0x2545F491		; random state, kept in EAX
	mov	edi, SRC
	mov	ecx, 0x100000 / 4
.fill_src:
	call	xorshift32
	stosd
	loop	.fill_src

	mov	edi, ORDER		; ORDER[i] = i
	xor	ebx, ebx
.order:
	mov	[edi + ebx * 4], ebx
	inc	ebx
	cmp	ebx, NODES
	jb	.order
	mov	ebx, NODES - 1		; Fisher-Yates: i = n-1 .. 1
.shuffle:
	call	xorshift32
	push	eax
	xor	edx, edx
	lea	ecx, [ebx + 1]
	div	ecx			; EDX = j in 0..i
	mov	eax, [edi + ebx * 4]
	mov	ecx, [edi + edx * 4]
	mov	[edi + ebx * 4], ecx
	mov	[edi + edx * 4], eax
	pop	eax
	dec	ebx
	jnz	.shuffle

	xor	ebx, ebx		; node ORDER[k] -> node ORDER[k+1]
.link:
	mov	esi, [edi + ebx * 4]
	shl	esi, 6
	add	esi, CHASE		; this node
	lea	ecx, [ebx + 1]
	and	ecx, NODES - 1		; the last one closes the cycle
	mov	ecx, [edi + ecx * 4]
	shl	ecx, 6
	add	ecx, CHASE		; the next node
	mov	[esi], ecx
	call	xorshift32
	mov	[esi + 4], eax
	mov	dword [esi + 8], 0
	inc	ebx
	cmp	ebx, NODES
	jb	.link

	; --- the rounds ---------------------------------------------------------
	mov	ebp, 0x6A09E667		; the checksum
	mov	esi, CHASE		; where the walk is
	mov	ecx, ROUNDS
.round:
	push	ecx
	mov	ecx, CHASE_STEPS
.chase:
	mov	esi, [esi]
	mov	eax, [esi + 4]
	add	ebp, eax
	rol	ebp, 1
	mov	[esi + 8], ebp
	dec	ecx
	jnz	.chase
	push	esi

	mov	eax, [esp + 4]		; the round counter picks the offsets
	and	eax, 0xFF
	shl	eax, 8
	lea	esi, [SRC + eax]
	mov	edi, DST
	mov	ecx, COPY_BYTES / 4
	rep movsd
	lea	esi, [SRC + eax + 1]
	mov	edi, DST + COPY_BYTES + 3
	mov	ecx, SMALL_BYTES + 3
	rep movsb
	lea	esi, [SRC + COPY_BYTES + eax]
	mov	edi, DST + COPY_BYTES + SMALL_BYTES + 0x100
	mov	ecx, SMALL_BYTES / 4
.copy:
	mov	edx, [esi]
	mov	[edi], edx
	add	esi, 4
	add	edi, 4
	dec	ecx
	jnz	.copy
	mov	eax, ebp		; REP STOSD fills with the checksum
	mov	ecx, SMALL_BYTES / 4
	rep stosd

	mov	esi, DST + 12		; fold: one dword every 1 KiB
	mov	ecx, (COPY_BYTES + 3 * SMALL_BYTES) / 1024
.fold:
	add	ebp, [esi]
	rol	ebp, 3
	add	esi, 1024
	loop	.fold
	pop	esi
	pop	ecx
	mov	eax, ecx		; perturb the source for the next round
	and	eax, 0xFFFF
	xor	[SRC + eax * 4], ebp
	dec	ecx
	jnz	.round

	mov	eax, ebp
	jmp	bench_finish

section rom16
	bits 16
