; paging.asm: paging end to end.
;
; Enters protected mode, builds a page directory whose first table
; identity-maps the low 4 MiB and whose second table maps an alias window at
; linear 0x40000000 onto the scratch RAM, turns paging on and checks that
; the alias and the identity mapping see the same memory, with the accessed
; and dirty bits set as the CPU walks. Then, with a #PF handler in the IDT:
; a write and a read to missing pages (the handler checks CR2 and the error
; code on its stack, maps the page and returns to retry the access), an
; instruction that crosses into a missing page, INVLPG making a remapping
; visible, CR0.WP making a supervisor write to a read-only page fault, and a
; 4 MiB page with CR4.PSE. Failure codes by group:
;   1x set-up   2x alias and A/D bits   3x not-present faults
;   4x crossing fetch and INVLPG   5x CR0.WP   6x 4 MiB pages
%include "guest.inc"

IDT		equ 0x20000	; 0x40 gates
PD		equ 0x30000	; page directory
PT_LOW		equ 0x31000	; identity map of linear 0-4 MiB
PT_ALIAS	equ 0x32000	; linear 0x40000000-0x403FFFFF
ALIAS		equ 0x40000000
ALIAS_PHYS	equ SCRATCH	; the window's pages are SCRATCH + n * 4 KiB
BIG		equ 0x40400000	; a 4 MiB page onto physical 0
VARS		equ 0x8000	; the handler's expectations and counters

PF_P		equ 1
PF_W		equ 2
PTE_P		equ 1
PTE_RW		equ 2
PTE_A		equ 0x20
PTE_D		equ 0x40
PTE_PS		equ 0x80

; Variables the tests set before a fault and the handler reads.
exp_cr2		equ VARS + 0	; CR2 the fault must report
exp_err		equ VARS + 4	; its error code
fix_addr	equ VARS + 8	; the PTE the handler writes...
fix_val		equ VARS + 12	; ...with this value
pf_count	equ VARS + 16	; page faults taken
exp_eip		equ VARS + 20	; EIP the fault must report (0: do not check)

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
	; --- 1x: CPUID says PSE and PGE; IDT; page tables --------------------------
	mov	eax, 1
	cpuid
	test	edx, 1 << 3
	jnz	.pse_ok
	mov	al, 0x10
	jmp	fail32
.pse_ok:
	test	edx, 1 << 13
	jnz	.pge_ok
	mov	al, 0x11
	jmp	fail32
.pge_ok:
	mov	edi, IDT
	mov	ecx, 0x40
	mov	eax, unexpected
.fill_idt:
	call	set_gate
	add	edi, 8
	loop	.fill_idt
	mov	edi, IDT + 14 * 8
	mov	eax, pf_handler
	call	set_gate
	lidt	[idt_desc]

	; Page directory: all missing but entries 0 (low 4 MiB) and 256
	; (the alias window).
	mov	edi, PD
	xor	eax, eax
	mov	ecx, 1024 * 3			; PD, PT_LOW and PT_ALIAS
	rep stosd
	mov	dword [PD + 0 * 4], PT_LOW | PTE_P | PTE_RW
	mov	dword [PD + 256 * 4], PT_ALIAS | PTE_P | PTE_RW
	; PT_LOW: identity, read/write.
	mov	edi, PT_LOW
	mov	eax, PTE_P | PTE_RW
	mov	ecx, 1024
.fill_low:
	stosd
	add	eax, 0x1000
	loop	.fill_low
	; PT_ALIAS: only page 0 is present for now.
	mov	dword [PT_ALIAS + 0 * 4], ALIAS_PHYS | PTE_P | PTE_RW
	mov	dword [pf_count], 0

	mov	eax, PD
	mov	cr3, eax
	mov	eax, cr0
	or	eax, 0x80000000
	mov	cr0, eax
	jmp	.paged				; runs on: the code is identity-mapped
.paged:
	mov	eax, cr0
	test	eax, eax
	js	.pg_ok
	mov	al, 0x12
	jmp	fail32
.pg_ok:
	PUTS32	ok_setup

	; --- 2x: the alias sees the same memory; A and D bits --------------------
	mov	dword [ALIAS_PHYS + 0x10], 0x12345678
	mov	eax, [ALIAS + 0x10]
	CHECK32	eax, 0x12345678, 0x20
	mov	dword [ALIAS + 0x14], 0x9ABCDEF0	; written through the alias
	mov	eax, [ALIAS_PHYS + 0x14]
	CHECK32	eax, 0x9ABCDEF0, 0x21
	mov	eax, [PD + 256 * 4]
	and	eax, PTE_A | PTE_D
	CHECK32	eax, PTE_A, 0x22			; PDE: accessed, never dirty
	mov	eax, [PT_ALIAS + 0 * 4]
	and	eax, PTE_A | PTE_D
	CHECK32	eax, PTE_A | PTE_D, 0x23
	; A page read first gets A, and D only at its first write.
	mov	dword [PT_ALIAS + 1 * 4], (ALIAS_PHYS + 0x1000) | PTE_P | PTE_RW
	mov	eax, [ALIAS + 0x1000]
	mov	eax, [PT_ALIAS + 1 * 4]
	and	eax, PTE_A | PTE_D
	CHECK32	eax, PTE_A, 0x24
	mov	dword [ALIAS + 0x1008], 0x55
	mov	eax, [PT_ALIAS + 1 * 4]
	and	eax, PTE_A | PTE_D
	CHECK32	eax, PTE_A | PTE_D, 0x25
	CHECK32	dword [ALIAS_PHYS + 0x1008], 0x55, 0x26
	PUTS32	ok_alias

	; --- 3x: a write and a read to missing pages --------------------------------
	mov	dword [exp_cr2], ALIAS + 0x2010
	mov	dword [exp_err], PF_W
	mov	dword [exp_eip], write_site
	mov	dword [fix_addr], PT_ALIAS + 2 * 4
	mov	dword [fix_val], (ALIAS_PHYS + 0x2000) | PTE_P | PTE_RW
write_site:
	mov	dword [ALIAS + 0x2010], 0xCAFEBABE	; faults once, then runs
	CHECK32	dword [pf_count], 1, 0x30
	CHECK32	dword [ALIAS_PHYS + 0x2010], 0xCAFEBABE, 0x31

	mov	dword [ALIAS_PHYS + 0x3004], 0x0BADF00D
	mov	dword [exp_cr2], ALIAS + 0x3004
	mov	dword [exp_err], 0
	mov	dword [exp_eip], read_site
	mov	dword [fix_addr], PT_ALIAS + 3 * 4
	mov	dword [fix_val], (ALIAS_PHYS + 0x3000) | PTE_P | PTE_RW
	mov	ebx, 0x3004
read_site:
	mov	eax, [ebx + ALIAS]
	CHECK32	dword [pf_count], 2, 0x32
	CHECK32	eax, 0x0BADF00D, 0x33
	PUTS32	ok_not_present

	; --- 4x: an instruction crossing into a missing page; INVLPG --------------
	; MOV EAX, 0x13572468 / RET at ALIAS + 0x4FFE: two bytes on page 4,
	; four on page 5, which is missing. The fault names page 5 and the
	; saved EIP the instruction.
	mov	dword [PT_ALIAS + 4 * 4], (ALIAS_PHYS + 0x4000) | PTE_P | PTE_RW
	mov	word [ALIAS_PHYS + 0x4FFE], 0x68B8
	mov	dword [ALIAS_PHYS + 0x5000], 0xC3135724
	mov	dword [exp_cr2], ALIAS + 0x5000
	mov	dword [exp_err], 0
	mov	dword [exp_eip], ALIAS + 0x4FFE
	mov	dword [fix_addr], PT_ALIAS + 5 * 4
	mov	dword [fix_val], (ALIAS_PHYS + 0x5000) | PTE_P
	xor	eax, eax
	mov	edx, ALIAS + 0x4FFE
	call	edx
	CHECK32	eax, 0x13572468, 0x40
	CHECK32	dword [pf_count], 3, 0x41

	; Remap alias page 0 onto page 6 of the scratch RAM: after INVLPG
	; the new mapping is what the CPU uses.
	mov	dword [ALIAS_PHYS + 0x6010], 0x66666666
	mov	eax, [ALIAS + 0x10]			; page 0 in the TLB
	mov	dword [PT_ALIAS + 0 * 4], (ALIAS_PHYS + 0x6000) | PTE_P | PTE_RW
	invlpg	[ALIAS + 0x10]
	mov	eax, [ALIAS + 0x10]
	CHECK32	eax, 0x66666666, 0x42
	; And back, flushing the whole TLB by reloading CR3.
	mov	dword [PT_ALIAS + 0 * 4], ALIAS_PHYS | PTE_P | PTE_RW
	mov	eax, cr3
	mov	cr3, eax
	mov	eax, [ALIAS + 0x10]
	CHECK32	eax, 0x12345678, 0x43
	PUTS32	ok_fetch_invlpg

	; --- 5x: CR0.WP ----------------------------------------------------------
	; Page 7 is read-only. With WP clear, ring 0 writes it anyway.
	mov	dword [PT_ALIAS + 7 * 4], (ALIAS_PHYS + 0x7000) | PTE_P
	mov	dword [ALIAS + 0x7000], 0x77
	CHECK32	dword [ALIAS_PHYS + 0x7000], 0x77, 0x50
	CHECK32	dword [pf_count], 3, 0x51
	; With WP set, the write faults (present, write); the handler makes
	; the page writable and the write completes.
	mov	eax, cr0
	or	eax, 1 << 16
	mov	cr0, eax
	mov	dword [exp_cr2], ALIAS + 0x7004
	mov	dword [exp_err], PF_P | PF_W
	mov	dword [exp_eip], wp_site
	mov	dword [fix_addr], PT_ALIAS + 7 * 4
	mov	dword [fix_val], (ALIAS_PHYS + 0x7000) | PTE_P | PTE_RW
wp_site:
	mov	dword [ALIAS + 0x7004], 0x7777
	CHECK32	dword [pf_count], 4, 0x52
	CHECK32	dword [ALIAS_PHYS + 0x7004], 0x7777, 0x53
	PUTS32	ok_wp

	; --- 6x: a 4 MiB page (CR4.PSE) ----------------------------------------------
	mov	eax, cr4
	or	eax, 1 << 4
	mov	cr4, eax
	mov	dword [PD + 257 * 4], 0 | PTE_P | PTE_RW | PTE_PS
	mov	eax, [BIG + ALIAS_PHYS + 0x10]
	CHECK32	eax, 0x12345678, 0x60
	mov	dword [BIG + ALIAS_PHYS + 0x20], 0x4D4D4D4D
	CHECK32	dword [ALIAS_PHYS + 0x20], 0x4D4D4D4D, 0x61
	mov	eax, [PD + 257 * 4]
	CHECK32	eax, PTE_P | PTE_RW | PTE_PS | PTE_A | PTE_D, 0x62
	PUTS32	ok_big

	PUTS32	all_ok
	mov	al, 0
	out	PORT_EXIT, al
	cli
	hlt

; set_gate: writes a 32-bit interrupt gate for handler EAX at [EDI].
set_gate:
	mov	[edi], ax
	mov	word [edi + 2], SEL_CODE32
	mov	word [edi + 4], 0x8E00
	push	eax
	shr	eax, 16
	mov	[edi + 6], ax
	pop	eax
	ret

; pf_handler: checks the error code, CR2 and the saved EIP against what the
; test expects, writes the PTE that fixes the fault, invalidates the page
; and returns to retry the faulting instruction.
pf_handler:
	push	eax
	push	ebx
	mov	eax, [esp + 8]			; error code
	cmp	eax, [exp_err]
	je	.err_ok
	call	puthex32
	mov	al, 0x70
	jmp	fail32
.err_ok:
	mov	eax, [exp_eip]
	test	eax, eax
	jz	.eip_ok
	cmp	eax, [esp + 12]			; saved EIP
	je	.eip_ok
	mov	eax, [esp + 12]
	call	puthex32
	mov	al, 0x71
	jmp	fail32
.eip_ok:
	mov	eax, cr2
	cmp	eax, [exp_cr2]
	je	.cr2_ok
	call	puthex32
	mov	al, 0x72
	jmp	fail32
.cr2_ok:
	mov	ebx, [fix_addr]
	mov	eax, [fix_val]
	mov	[ebx], eax
	mov	eax, cr2
	invlpg	[eax]
	inc	dword [pf_count]
	mov	dword [exp_cr2], 0xFFFFFFFF	; a second fault there fails
	pop	ebx
	pop	eax
	add	esp, 4				; drop the error code
	iretd

unexpected:
	mov	al, 0xEE
	jmp	fail32

	align	4
idt_desc:
	dw	0x40 * 8 - 1
	dd	IDT

ok_setup:	db "ok paging on", 10, 0
ok_alias:	db "ok alias, accessed and dirty bits", 10, 0
ok_not_present:	db "ok #PF on missing pages: CR2, error code, retry", 10, 0
ok_fetch_invlpg: db "ok fetch across into a missing page, INVLPG, CR3 reload", 10, 0
ok_wp:		db "ok CR0.WP", 10, 0
ok_big:		db "ok 4 MiB page", 10, 0
all_ok:		db "paging: all passed", 10, 0

section rom16
	bits 16
hello16:	db "paging: entering protected mode", 10, 0
