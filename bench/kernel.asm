; kernel.asm: the kernel-style workload of `make bench`: what an operating
; system makes the CPU do besides computing.
;
; A tiny kernel (ring 0) sets up a GDT with user segments and a TSS, an IDT,
; the 8259 PICs and two address spaces (two page directories sharing the
; low 4 MiB and a demand-paged region, each with its own page of process
; data at PROC_DATA), then drops to a user loop in ring 3. Each round the
; user loop
;   - makes SYSCALLS_PER_ROUND system calls through INT 0x80 (ring 3 -> 0
;     and back, with the stack switch through the TSS);
;   - asks for port I/O: the kernel writes and reads back the slave PIC's
;     mask register and a CMOS RAM byte, and writes a POST code to port 0x80;
;   - touches a page of the demand region that is not mapped: the #PF
;     handler takes a page from a pool, zeroes it, maps it and returns to
;     retry the access (reads and writes alternate, so both error codes
;     occur); every 16 rounds a system call unmaps the whole region and
;     reloads CR3;
;   - yields: the kernel switches to the other address space (a CR3 reload)
;     and the user reads and updates that process's data.
; The kernel folds the arguments, fault addresses and error codes into its
; checksum, which the exit call prints.
; Assemble: nasm -f bin -I tests/guests/ -I bench/ [-DROUNDS=n] -o kernel.rom bench/kernel.asm
%include "bench.inc"

%ifndef ROUNDS
ROUNDS		equ 60000
%endif
SYSCALLS_PER_ROUND equ 4

GDT_RAM		equ 0x10000	; the GDT, copied to RAM (LTR writes its busy bit)
TSS		equ 0x10100
IDT		equ 0x11000
PD_A		equ 0x12000	; process A's page directory
PD_B		equ 0x13000	; process B's
PT_LOW		equ 0x14000	; linear 0-4 MiB identity, user-accessible
PT_PROC_A	equ 0x15000	; linear 4-8 MiB: one page of process data
PT_PROC_B	equ 0x16000
PT_DEMAND	equ 0x17000	; linear 8-12 MiB: mapped on demand
KVARS		equ 0x18000
PROC_DATA	equ 0x400000	; linear: each process's data page
PROC_A_PHYS	equ 0x200000
PROC_B_PHYS	equ 0x201000
DEMAND		equ 0x800000
POOL_PHYS	equ 0x300000	; pages the #PF handler hands out
POOL_PAGES	equ 64
USER_STACK	equ 0x80000
KERNEL_STACK	equ STACK32_TOP

SEL_KCODE	equ 0x08
SEL_KDATA	equ 0x10
SEL_UCODE	equ 0x18 | 3
SEL_UDATA	equ 0x20 | 3
SEL_TSS		equ 0x28

SYS_COMPUTE	equ 0		; EBX: a value to fold in; returns the checksum
SYS_IO		equ 1		; BL: PIC mask, BH: CMOS byte; returns both read back
SYS_YIELD	equ 2		; switch address spaces
SYS_UNMAP	equ 3		; unmap the demand region, reload CR3
SYS_EXIT	equ 4		; print the checksum, end the run

k_sum		equ KVARS + 0	; the checksum
k_pool		equ KVARS + 4	; next pool page
k_pd		equ KVARS + 8	; the current page directory
k_faults	equ KVARS + 12	; page faults taken

start:
	BENCH_START name, pm_main

name:	db "kernel", 0

section rom32
	bits 32

; The kernel's GDT: flat ring-0 and ring-3 code and data, and the TSS
; (base TSS, limit 0x67, 32-bit available).
	align	8
kgdt:
	dq	0
	dq	0x00CF9A000000FFFF	; 0x08 ring-0 code
	dq	0x00CF92000000FFFF	; 0x10 ring-0 data
	dq	0x00CFFA000000FFFF	; 0x18 ring-3 code
	dq	0x00CFF2000000FFFF	; 0x20 ring-3 data
	dq	0x0000890000000067 | ((TSS & 0xFFFFFF) << 16)	; 0x28 TSS
kgdt_end:
kgdt_desc:
	dw	kgdt_end - kgdt - 1
	dd	GDT_RAM
kidt_desc:
	dw	256 * 8 - 1
	dd	IDT

pm_main:
	cld
	; --- descriptor tables ----------------------------------------------------
	mov	esi, kgdt
	mov	edi, GDT_RAM
	mov	ecx, (kgdt_end - kgdt) / 4
	rep movsd
	lgdt	[kgdt_desc]
	jmp	SEL_KCODE:.reload
.reload:
	mov	ax, SEL_KDATA
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	mov	edi, TSS
	xor	eax, eax
	mov	ecx, 0x68 / 4
	rep stosd
	mov	dword [TSS + 4], KERNEL_STACK	; ESP0
	mov	dword [TSS + 8], SEL_KDATA	; SS0
	mov	word [TSS + 102], 0x68		; no I/O bitmap: user port I/O faults
	mov	ax, SEL_TSS
	ltr	ax

	mov	edi, IDT
	mov	eax, unexpected
	mov	ebx, 0x8E00			; interrupt gate, DPL 0
	mov	ecx, 256
.idt:
	call	set_gate
	add	edi, 8
	loop	.idt
	mov	edi, IDT + 13 * 8
	mov	eax, gp_handler
	call	set_gate
	mov	edi, IDT + 14 * 8
	mov	eax, pf_handler
	call	set_gate
	mov	edi, IDT + 0x80 * 8
	mov	eax, sys_entry
	mov	ebx, 0xEE00			; interrupt gate, DPL 3
	call	set_gate
	lidt	[kidt_desc]

	; --- the PICs: the usual initialisation, every line masked ---------------
	mov	al, 0x11			; ICW1: edge, cascade, ICW4
	out	0x20, al
	out	0xA0, al
	mov	al, 0x20			; ICW2: vectors 0x20 and 0x28
	out	0x21, al
	mov	al, 0x28
	out	0xA1, al
	mov	al, 4				; ICW3: slave on line 2
	out	0x21, al
	mov	al, 2
	out	0xA1, al
	mov	al, 1				; ICW4: 8086 mode
	out	0x21, al
	out	0xA1, al
	mov	al, 0xFF
	out	0x21, al
	out	0xA1, al

	; --- paging: two address spaces -------------------------------------------
	mov	edi, PD_A
	xor	eax, eax
	mov	ecx, (PT_DEMAND + 0x1000 - PD_A) / 4
	rep stosd
	mov	ebx, PTE_P | PTE_RW | PTE_U
	mov	dword [PD_A + 0 * 4], PT_LOW | PTE_P | PTE_RW | PTE_U
	mov	dword [PD_A + 1 * 4], PT_PROC_A | PTE_P | PTE_RW | PTE_U
	mov	dword [PD_A + 2 * 4], PT_DEMAND | PTE_P | PTE_RW | PTE_U
	mov	dword [PD_B + 0 * 4], PT_LOW | PTE_P | PTE_RW | PTE_U
	mov	dword [PD_B + 1 * 4], PT_PROC_B | PTE_P | PTE_RW | PTE_U
	mov	dword [PD_B + 2 * 4], PT_DEMAND | PTE_P | PTE_RW | PTE_U
	mov	dword [PT_PROC_A], PROC_A_PHYS | PTE_P | PTE_RW | PTE_U
	mov	dword [PT_PROC_B], PROC_B_PHYS | PTE_P | PTE_RW | PTE_U
	mov	edi, PT_LOW
	mov	eax, PTE_P | PTE_RW | PTE_U
	mov	ecx, 1024
.low:
	stosd
	add	eax, 0x1000
	loop	.low
	mov	dword [PROC_A_PHYS], 0x11111111
	mov	dword [PROC_B_PHYS], 0x22222222
	mov	dword [k_sum], 0x3C6EF372
	mov	dword [k_pool], 0
	mov	dword [k_pd], PD_A
	mov	dword [k_faults], 0
	mov	eax, PD_A
	mov	cr3, eax
	mov	eax, cr0
	or	eax, 0x80000000
	mov	cr0, eax
	jmp	.paged
.paged:

	; --- to ring 3 ------------------------------------------------------------
	push	dword SEL_UDATA
	push	dword USER_STACK
	push	dword 0x2			; EFLAGS: IF clear, IOPL 0
	push	dword SEL_UCODE
	push	dword user_main
	iretd

; set_gate: writes the gate for handler EAX with type word BX (present, DPL,
; type) at [EDI], selector SEL_KCODE. Keeps every register.
set_gate:
	mov	[edi], ax
	mov	word [edi + 2], SEL_KCODE
	mov	[edi + 4], bx
	push	eax
	shr	eax, 16
	mov	[edi + 6], ax
	pop	eax
	ret

; --- the user program (ring 3) ----------------------------------------------------

user_main:
	mov	ax, SEL_UDATA
	mov	ds, ax
	mov	es, ax
	mov	fs, ax
	mov	gs, ax
	mov	edi, ROUNDS
	xor	esi, esi			; what the user computed
.round:
	mov	ecx, SYSCALLS_PER_ROUND
.calls:
	mov	eax, SYS_COMPUTE
	lea	ebx, [edi + ecx]
	add	ebx, esi
	int	0x80
	add	esi, eax
	loop	.calls

	mov	eax, SYS_IO
	mov	ebx, esi
	int	0x80
	xor	esi, eax

	; A page of the demand region, a different one each round until the
	; next unmap (37 is odd: 16 consecutive rounds give 16 pages).
	mov	eax, edi
	imul	eax, eax, 37
	and	eax, 1023
	shl	eax, 12
	mov	ebx, edi
	and	ebx, 0x3F8
	lea	eax, [eax + ebx + DEMAND]
	test	edi, 1
	jz	.write_first
	mov	ebx, [eax]			; a read fault
	jmp	.touched
.write_first:
	mov	[eax + 4], esi			; a write fault
.touched:
	add	[eax], esi
	add	esi, [eax]
	add	esi, [eax + 4]

	mov	eax, SYS_YIELD
	int	0x80
	mov	eax, [PROC_DATA]
	add	eax, edi
	mov	[PROC_DATA], eax
	xor	esi, eax
	rol	esi, 1

	test	edi, 15
	jnz	.next
	mov	eax, SYS_UNMAP
	int	0x80
.next:
	dec	edi
	jnz	.round

	mov	eax, SYS_COMPUTE
	mov	ebx, esi
	int	0x80
	mov	eax, SYS_EXIT
	int	0x80

; --- the kernel's handlers (ring 0) -------------------------------------------------

; sys_entry: INT 0x80 from ring 3, number in EAX. Every register but EAX
; survives.
sys_entry:
	cmp	eax, SYS_COMPUTE
	je	.compute
	cmp	eax, SYS_IO
	je	.io
	cmp	eax, SYS_YIELD
	je	.yield
	cmp	eax, SYS_UNMAP
	je	.unmap
	cmp	eax, SYS_EXIT
	je	.exit
	mov	al, 0xE1
	jmp	fail32
.compute:
	mov	eax, [k_sum]
	rol	eax, 5
	xor	eax, ebx
	imul	eax, eax, 0x01000193
	mov	[k_sum], eax
	iretd
.io:
	push	edx
	mov	al, bl
	out	0xA1, al			; slave PIC mask
	mov	al, 0x34			; CMOS RAM byte 0x34
	out	0x70, al
	mov	al, bh
	out	0x71, al
	mov	al, 0x34
	out	0x70, al
	in	al, 0x71
	mov	dh, al
	in	al, 0xA1
	mov	dl, al
	out	0x80, al			; a POST code
	movzx	eax, dx
	add	[k_sum], eax
	pop	edx
	iretd
.yield:
	mov	eax, [k_pd]
	xor	eax, PD_A ^ PD_B
	mov	[k_pd], eax
	mov	cr3, eax
	iretd
.unmap:
	push	ecx
	push	edi
	mov	edi, PT_DEMAND
	xor	eax, eax
	mov	ecx, 1024
	rep stosd
	mov	eax, cr3
	mov	cr3, eax
	pop	edi
	pop	ecx
	iretd
.exit:
	mov	eax, [k_sum]
	add	eax, [k_faults]
	jmp	bench_finish

; pf_handler: a user access to an unmapped page of the demand region: map a
; zeroed pool page there and return to retry the access. Anything else is a
; failure (FAIL F0).
pf_handler:
	push	eax
	push	ebx
	push	ecx
	push	edi
	mov	ebx, cr2
	sub	ebx, DEMAND
	cmp	ebx, 0x400000
	jae	.bad
	shr	ebx, 12				; the page's index in PT_DEMAND
	mov	edi, [k_pool]
	inc	dword [k_pool]
	and	edi, POOL_PAGES - 1
	shl	edi, 12
	add	edi, POOL_PHYS
	push	edi
	xor	eax, eax
	mov	ecx, 1024
	rep stosd
	pop	edi
	or	edi, PTE_P | PTE_RW | PTE_U
	mov	[PT_DEMAND + ebx * 4], edi
	mov	eax, cr2
	add	eax, [esp + 16]			; the error code
	xor	[k_sum], eax
	rol	dword [k_sum], 3
	inc	dword [k_faults]
	pop	edi
	pop	ecx
	pop	ebx
	pop	eax
	add	esp, 4				; drop the error code
	iretd
.bad:
	mov	al, 0xF0
	jmp	fail32

gp_handler:
	mov	al, 0xD0
	jmp	fail32

unexpected:
	mov	al, 0xE0
	jmp	fail32

section rom16
	bits 16
