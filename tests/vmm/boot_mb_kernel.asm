; boot_mb_kernel.asm: a tiny Multiboot v1 kernel for tests/vmm/test_boot.c,
; an ELF32 executable written out by hand (nasm -f bin), so no linker is
; needed. Loaded at 2 MiB; at its entry it records what the loader handed
; it in RESULT (its bss, which the loader must have cleared) and halts:
;   +0  EAX (the boot magic)     +4  EBX (the information's address)
;   +8  the information's flags  +12 mem_upper
;   +16 the sum of the module's bytes
;   +20 the first byte of the command line
;   +24 what it read from its bss before writing there (must be 0)
;   +28 CS                       +32 0x600D once it got here
; then writes 0x10 to the debug-exit port 0xF4 when the magic was right
; (0x11 otherwise), which ends a popek run with status 33.
bits 32
LOAD	equ 0x200000
RESULT	equ LOAD + 0x1000
BSS_END	equ RESULT + 0x100
	org	LOAD

ehdr:	db	0x7F, "ELF", 1, 1, 1, 0	; 32-bit, little-endian, version 1
	times 8 db 0
	dw	2			; ET_EXEC
	dw	3			; EM_386
	dd	1
	dd	start			; e_entry
	dd	phdr - ehdr		; e_phoff
	dd	0			; e_shoff
	dd	0			; e_flags
	dw	52, 32, 1		; e_ehsize, e_phentsize, e_phnum
	dw	0, 0, 0			; no sections

phdr:	dd	1			; PT_LOAD
	dd	0			; p_offset: the whole file
	dd	LOAD, LOAD		; p_vaddr, p_paddr
	dd	file_end - ehdr		; p_filesz
	dd	BSS_END - LOAD		; p_memsz: the rest is bss
	dd	7, 0x1000		; p_flags, p_align

	align	4
mb_header:
	dd	0x1BADB002		; magic
	dd	0x00000003		; page-aligned modules, memory information
	dd	-(0x1BADB002 + 3)	; checksum

start:
	mov	ecx, [RESULT + 24]	; the bss, before anything wrote it
	mov	[RESULT + 24], ecx
	mov	[RESULT + 0], eax
	mov	[RESULT + 4], ebx
	mov	eax, [ebx]		; flags
	mov	[RESULT + 8], eax
	mov	eax, [ebx + 8]		; mem_upper
	mov	[RESULT + 12], eax
	; The module's bytes, summed.
	xor	edx, edx
	test	dword [ebx], 1 << 3
	jz	.no_module
	mov	esi, [ebx + 24]		; mods_addr
	mov	ecx, [esi + 4]		; mod_end
	mov	esi, [esi]		; mod_start
	sub	ecx, esi
	jz	.no_module
.sum:	movzx	eax, byte [esi]
	add	edx, eax
	inc	esi
	dec	ecx
	jnz	.sum
.no_module:
	mov	[RESULT + 16], edx
	mov	esi, [ebx + 16]		; cmdline
	movzx	eax, byte [esi]
	mov	[RESULT + 20], eax
	mov	ax, cs
	movzx	eax, ax
	mov	[RESULT + 28], eax
	mov	dword [RESULT + 32], 0x600D
	; On a whole machine (popek --kernel), the verdict on the debug-exit
	; port: 0x10 (exit status 33) for the boot magic, else 0x11.
	mov	al, 0x10
	cmp	dword [RESULT + 0], 0x2BADB002
	je	.verdict
	inc	al
.verdict:
	out	0xF4, al
	cli
	hlt
	jmp	$
file_end:
