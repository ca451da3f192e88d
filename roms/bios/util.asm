; util.asm: helpers every service uses: the register frame of an interrupt
; handler, printing (to the screen through INT 10h, which mirrors to COM1 in
; headless runs), COM1 output, the hypercall port and PCI configuration
; reads.

; --- the register frame ---------------------------------------------------------
; Services start with ENTER_FRAME: all 32-bit general registers, DS and ES
; saved on the caller's stack, BP pointing at them. A service reads its
; inputs from the live registers and writes its outputs into the frame, so
; LEAVE_FRAME returns exactly what it stored and everything else unchanged.
F_ES		equ 0
F_DS		equ 2
F_EDI		equ 4
F_DI		equ 4
F_ESI		equ 8
F_SI		equ 8
F_EBP		equ 12
F_BP		equ 12
F_EBX		equ 20
F_BX		equ 20
F_BL		equ 20
F_BH		equ 21
F_EDX		equ 24
F_DX		equ 24
F_DL		equ 24
F_DH		equ 25
F_ECX		equ 28
F_CX		equ 28
F_CL		equ 28
F_CH		equ 29
F_EAX		equ 32
F_AX		equ 32
F_AL		equ 32
F_AH		equ 33
F_IP		equ 36
F_CS		equ 38
F_FLAGS		equ 40

%macro ENTER_FRAME 0
	pushad
	push	ds
	push	es
	mov	bp, sp
%endmacro

%macro LEAVE_FRAME 0
	pop	es
	pop	ds
	popad
	iret
%endmacro

; SET_CF / CLEAR_CF: the carry flag the caller sees after IRET.
%macro SET_CF 0
	or	byte [bp + F_FLAGS], 1
%endmacro
%macro CLEAR_CF 0
	and	byte [bp + F_FLAGS], 0xFE
%endmacro

; --- segments ---------------------------------------------------------------------
; bda_ds: DS = the BIOS data area. Clobbers nothing else.
bda_ds:
	push	word BDA_SEG
	pop	ds
	ret

; ebda_es: ES = the EBDA, wherever BDA_EBDA says it is now (a memory
; manager may move it). Clobbers nothing else.
ebda_es:
	push	ds
	push	word BDA_SEG
	pop	ds
	mov	es, [BDA_EBDA]
	pop	ds
	ret

; ebda_flags: AL = EB_FLAGS. Clobbers nothing else.
ebda_flags:
	push	es
	call	ebda_es
	mov	al, [es:EB_FLAGS]
	pop	es
	ret

; --- printing ---------------------------------------------------------------------
; putc: prints AL through INT 10h teletype (and so on COM1 when headless).
putc:
	push	ax
	push	bx
	mov	ah, 0x0E
	mov	bx, 0x0007
	int	0x10
	pop	bx
	pop	ax
	ret

; puts: prints the NUL-terminated string at CS:SI. Clobbers SI.
puts:
	push	ax
.next:
	mov	al, [cs:si]
	inc	si
	test	al, al
	jz	.done
	call	putc
	jmp	.next
.done:
	pop	ax
	ret

; PUTS label: prints the string at CS:label.
%macro PUTS 1
	push	si
	mov	si, %1
	call	puts
	pop	si
%endmacro

; puts_es: prints the NUL-terminated string at ES:SI (at most CX bytes).
; Clobbers SI, CX.
puts_es:
	push	ax
.next:
	jcxz	.done
	dec	cx
	mov	al, [es:si]
	inc	si
	test	al, al
	jz	.done
	call	putc
	jmp	.next
.done:
	pop	ax
	ret

; put_dec: prints EAX in decimal. Keeps every register.
put_dec:
	pushad
	mov	ebx, 10
	xor	cx, cx
.divide:
	xor	edx, edx
	div	ebx
	push	dx
	inc	cx
	test	eax, eax
	jnz	.divide
.print:
	pop	ax
	add	al, '0'
	call	putc
	loop	.print
	popad
	ret

; put_hex8 / put_hex16: prints AL / AX as hex digits. Keep every register.
put_hex16:
	xchg	al, ah
	call	put_hex8
	xchg	al, ah
put_hex8:
	push	ax
	shr	al, 4
	call	.nibble
	pop	ax
	push	ax
	call	.nibble
	pop	ax
	ret
.nibble:
	and	al, 0x0F
	add	al, '0'
	cmp	al, '9'
	jbe	.digit
	add	al, 'A' - '9' - 1
.digit:
	jmp	putc

; --- COM1 -----------------------------------------------------------------------
; serial_putc: sends AL on COM1 if POST found one, waiting (a bounded time)
; for room in the transmitter. Keeps every register.
serial_putc:
	push	ax
	push	cx
	push	dx
	push	ax
	call	ebda_flags
	test	al, EBF_COM1
	pop	ax
	jz	.done
	mov	ah, al
	mov	dx, PORT_COM1 + 5	; line status
	mov	cx, 0xFFFF
.wait:
	in	al, dx
	test	al, 0x20		; THRE: room in the FIFO
	jnz	.send
	loop	.wait
	jmp	.done			; nobody reads the line: drop the byte
.send:
	mov	dx, PORT_COM1
	mov	al, ah
	out	dx, al
.done:
	pop	dx
	pop	cx
	pop	ax
	ret

; serial_drain: waits (bounded) until COM1 has sent everything, so a
; message is on the line before the machine halts. Keeps every register.
serial_drain:
	push	ax
	push	cx
	push	dx
	call	ebda_flags
	test	al, EBF_COM1
	jz	.done
	mov	dx, PORT_COM1 + 5
	mov	cx, 0xFFFF
.wait:
	in	al, dx
	test	al, 0x40		; TEMT: FIFO and shift register empty
	jnz	.done
	loop	.wait
.done:
	pop	dx
	pop	cx
	pop	ax
	ret

; --- hypercalls -------------------------------------------------------------------
; hc_call: runs the hypercall whose block the caller filled at
; EBDA:EB_HC_BLOCK (function and arguments). Returns CF clear and AX = 0 on
; success, CF set and AX = the status otherwise (also when POST found no
; hypercall port). Keeps every other register.
hc_call:
	push	es
	push	edx
	push	eax
	call	ebda_es
	test	byte [es:EB_FLAGS], EBF_HC
	jz	.absent
	xor	eax, eax
	mov	ax, es
	shl	eax, 4
	add	eax, EB_HC_BLOCK
	mov	dx, PORT_HC
	out	dx, eax
	pop	eax
	mov	ax, [es:EB_HC_BLOCK + HCB_STATUS]
	jmp	.status
.absent:
	pop	eax
	mov	ax, 0xFFFF
.status:
	pop	edx
	pop	es
	test	ax, ax
	jz	.ok
	stc
	ret
.ok:
	clc
	ret

; hc_simple: hypercall AX = function with a0 = EBX; returns a0 in EAX, a1
; in EDX (CF as hc_call). For the argument-light calls.
hc_simple:
	push	es
	call	ebda_es
	mov	[es:EB_HC_BLOCK + HCB_FUNC], ax
	mov	[es:EB_HC_BLOCK + HCB_A0], ebx
	call	hc_call
	jc	.fail
	mov	eax, [es:EB_HC_BLOCK + HCB_A0]
	mov	edx, [es:EB_HC_BLOCK + HCB_A1]
	clc
.fail:
	pop	es
	ret

; --- PCI --------------------------------------------------------------------------
; pci_read32: EAX = the configuration dword at bus 0, BX = devfn, CL = the
; register offset (mechanism #1). Keeps every other register.
pci_read32:
	push	dx
	xor	eax, eax
	mov	ax, bx
	shl	eax, 8
	mov	al, cl
	and	al, 0xFC
	or	eax, 0x80000000
	mov	dx, PORT_PCI_ADDR
	out	dx, eax
	mov	dx, PORT_PCI_DATA
	in	eax, dx
	pop	dx
	ret

; --- waiting ----------------------------------------------------------------------
; io_wait_short: a little time for a device, counted by port reads.
; Clobbers nothing.
io_wait_short:
	push	ax
	push	cx
	mov	cx, 16
.loop:
	in	al, PORT_SYSCTL
	loop	.loop
	pop	cx
	pop	ax
	ret
