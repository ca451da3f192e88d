; demo_disk.asm: the demo disk, what `make run` boots. A small bootable
; disk image that popek's BIOS starts like any other disk, and that shows,
; one step at a time, what popek does for a guest:
;
;   1. a ticking clock: the PIT's IRQ0 through the PIC to INT 08h/1Ch
;   2. protected mode and paging, a line written through a page table
;   3. a page fault, still in protected mode: a write to an unmapped page;
;      the CPU's page walk raises #PF, popek delivers it through the
;      demo's IDT, and the handler maps a page there (demand paging)
;   4. a sector read from this disk through INT 13h
;   5. keys typed, echoed (headless: the demo types them itself, through
;      the keyboard controller, since nobody is there to type)
;   6. a picture in VGA mode 13h (320x200, 256 colours)
;
; After each step it says which privileged or sensitive instructions the
; VMM handled for it, with counts it reads through the hypercall port
; (vmm/hypercall.h, docs/HYPERCALLS.md). Headless, it ends by itself (a
; halt with interrupts off); in a window it waits for a key first.
;
; Layout: sector 0 the boot sector (loads the rest at 0000:7E00), sectors
; 1-BODY_SECTORS the program, sector MSG_LBA a line of text the program
; reads. Built into build/roms/demo_disk.img.
;
; By hand: nasm -f bin -o demo_disk.img roms/demo/demo_disk.asm

BODY_SECTORS	equ 12
MSG_LBA		equ 40
DISK_SIZE	equ 1024 * 1024

HC_PORT		equ 0x520
HC_SIGNATURE	equ 0x4B504F50		; "POPK"
HC_HEADLESS	equ 1
HC_STAT		equ 2
HC_STAT_NAME	equ 3

MAX_STATS	equ 40			; counters the demo keeps (the VMM has fewer)
NAME_LEN	equ 16

; Scratch memory (segment 0).
HC_BLOCK	equ 0x0600		; 32-byte hypercall block
SECTOR_BUF	equ 0x0800		; 512 bytes
DAP		equ 0x0A00		; INT 13h disk address packet
IDT		equ 0x0C00		; 32 gates for the protected-mode part
SNAP		equ 0x1000		; MAX_STATS dwords: counters after the last report
NOW		equ 0x1100		; MAX_STATS dwords: counters now
NAMES		equ 0x1200		; MAX_STATS names of NAME_LEN bytes
MID		equ 0x1500		; MAX_STATS dwords: counters between steps 2 and 3
AFTER		equ 0x1600		; MAX_STATS dwords: counters at the end of step 3
PAGE_DIR	equ 0x20000		; protected-mode page directory and tables
PAGE_TABLE0	equ 0x21000
PAGE_TABLE1	equ 0x22000
PAGE_TABLE2	equ 0x23000		; filled in by the page fault handler
DEMAND_PAGE	equ 0x24000		; the page it maps
FAULT_ADDR	equ 0x00800000		; step 3 writes here: no page table maps it
FAULT_VALUE	equ 0x4B45504F		; what it writes ("OPEK")
TEXT_SAVE_SEG	equ 0x3000		; the text screen while mode 13h shows

	bits 16
	cpu 686
	org 0x7C00

; --- boot sector -----------------------------------------------------------------
boot:
	cli
	xor	ax, ax
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	mov	sp, 0x7C00
	sti
	cld
	mov	[boot_drive], dl
	mov	ax, 0x0200 + BODY_SECTORS
	mov	cx, 0x0002
	xor	dh, dh
	mov	bx, main
	int	0x13
	jc	.fail
	jmp	main
.fail:
	mov	si, msg_load_failed
	call	print
	cli
	hlt

; print: the NUL-terminated string at DS:SI through INT 10h teletype (which
; popek's BIOS also sends to COM1 in headless runs).
print:
	push	ax
	push	bx
.next:
	lodsb
	test	al, al
	jz	.done
	mov	ah, 0x0E
	mov	bx, 0x0007
	int	0x10
	jmp	.next
.done:
	pop	bx
	pop	ax
	ret

msg_load_failed: db "demo: could not load the rest of the disk", 13, 10, 0
boot_drive:	db 0x80
	times 510 - ($ - $$) db 0
	dw	0xAA55

; --- the program -------------------------------------------------------------------
main:
	mov	ax, 0x0003
	int	0x10
	mov	si, msg_banner
	call	print
	call	hc_probe
	call	stats_init

	; 1. The clock: INT 1Ch (called by the BIOS's INT 08h on every IRQ0)
	; draws the tick count in the top right corner.
	mov	si, msg_step_clock
	call	print
	call	stats_snapshot
	cli
	mov	eax, [0x1C * 4]
	mov	[old_int1c], eax
	mov	word [0x1C * 4], clock_tick
	mov	word [0x1C * 4 + 2], 0
	sti
	mov	cx, 18			; one second
	call	wait_ticks
	call	stats_report

	; 2. Protected mode and paging, and 3. a page fault: one trip to
	; protected mode, which reads the VMM's counters between the two
	; steps (MID), so each step still gets its own counts; step 3's end
	; there too (AFTER), so that its counts are the fault's and the way
	; back to real mode, not the printing of its report.
	mov	si, msg_step_pmode
	call	print
	call	stats_snapshot
	call	pmode_demo
	call	stats_read_after
	mov	si, MID
	call	stats_report_saved
	mov	si, msg_step_fault
	call	print
	call	fault_report
	mov	si, AFTER
	call	stats_report_saved

	; 4. A sector of this disk.
	mov	si, msg_step_disk
	call	print
	call	stats_snapshot
	call	disk_demo
	call	stats_report

	; 5. Keys.
	mov	si, msg_step_keys
	call	print
	call	stats_snapshot
	call	keys_demo
	call	stats_report

	; 6. Mode 13h.
	mov	si, msg_step_vga
	call	print
	call	stats_snapshot
	call	vga_demo
	call	stats_report

	cmp	byte [headless], 0
	je	.window
	mov	si, msg_end_headless
	call	print
	mov	cx, 2			; COM1 sends the last characters
	call	wait_ticks
	cli
	hlt
.window:
	mov	si, msg_end_window
	call	print
	xor	ah, ah
	int	0x16
	cli
	hlt

msg_banner:
	db "popek demo disk: booted from a disk image by popek's BIOS.", 13, 10
	db "Each step shows the privileged instructions the VMM handled for it.", 13, 10, 0
msg_step_clock:
	db 13, 10, "1. Timer: the PIT raises IRQ0, the PIC delivers INT 08h, the BIOS", 13, 10
	db "   calls INT 1Ch, which draws the tick count (top right). One second:", 13, 10, 0
msg_step_pmode:
	db "2. Protected mode: LGDT, CR0.PE, a far jump; paging: CR3, CR0.PG.", 13, 10, 0
msg_step_fault:
	db "3. Page fault: a write to virtual 0x00800000, mapped by no page table.", 13, 10, 0
msg_step_disk:
	db "4. Disk: INT 13h AH=42h reads sector 40 of this disk:", 13, 10, "   ", 0
msg_step_keys:
	db "5. Keyboard: IRQ1, INT 09h, INT 16h. Type, then Enter: ", 0
msg_step_vga:
	db "6. VGA mode 13h: 320x200, 256 colours, drawn in video memory.", 13, 10, 0
msg_end_headless:
	db "Headless run: the demo ends here.", 13, 10, 0
msg_end_window:
	db "Press a key to end the demo.", 0
msg_crlf:	db 13, 10, 0

; --- the hypercall port --------------------------------------------------------------
; hc_probe: is popek's hypercall port there, and does a window show us?
hc_probe:
	mov	dx, HC_PORT
	in	eax, dx
	cmp	eax, HC_SIGNATURE
	jne	.none
	mov	byte [have_hc], 1
	mov	ax, HC_HEADLESS
	call	hc_call
	mov	[headless], al
	ret
.none:
	mov	byte [headless], 1	; not popek: behave as if nobody watched
	ret

; hc_call: function AX with arguments in the block's a0-a2 (set by the
; caller at HC_BLOCK + 4...); returns a0 in EAX. Keeps the other registers.
hc_call:
	push	dx
	mov	[HC_BLOCK], ax
	mov	dx, HC_PORT
	mov	eax, HC_BLOCK
	out	dx, eax
	mov	eax, [HC_BLOCK + 4]
	pop	dx
	ret

; stats_init: the number of VMM counters and their names.
stats_init:
	cmp	byte [have_hc], 0
	je	.done
	mov	dword [HC_BLOCK + 4], 0
	mov	ax, HC_STAT
	call	hc_call
	mov	eax, [HC_BLOCK + 12]
	cmp	eax, MAX_STATS
	jbe	.count_ok
	mov	eax, MAX_STATS
.count_ok:
	mov	[stat_count], ax
	xor	bx, bx
.name:
	cmp	bx, [stat_count]
	jae	.done
	movzx	eax, bx
	mov	[HC_BLOCK + 4], eax
	imul	eax, NAME_LEN
	add	eax, NAMES
	mov	[HC_BLOCK + 8], eax
	mov	dword [HC_BLOCK + 12], NAME_LEN
	mov	ax, HC_STAT_NAME
	call	hc_call
	; Remember which counters the readings themselves use.
	mov	si, bx
	imul	si, NAME_LEN
	add	si, NAMES
	cmp	dword [si], "out"
	jne	.not_out
	mov	[stat_out], bx
.not_out:
	cmp	dword [si], "hype"
	jne	.not_hc
	mov	[stat_hc], bx
.not_hc:
	inc	bx
	jmp	.name
.done:
	ret

; STATS_READ dest: every counter's low dword into dest (MAX_STATS
; dwords). One OUT and one hypercall per counter, which stats_print takes
; off again. A macro with 32-bit registers, so that the 16-bit program
; (stats_read) and the 32-bit protected-mode part (between steps 2 and 3)
; each get a copy. Clobbers EAX, EBX, EDX.
%macro STATS_READ 1
	xor	ebx, ebx
%%next:
	cmp	bx, [stat_count]
	jae	%%done
	mov	[HC_BLOCK + 4], ebx
	mov	word [HC_BLOCK], HC_STAT
	mov	dx, HC_PORT
	mov	eax, HC_BLOCK
	out	dx, eax
	mov	eax, [HC_BLOCK + 4]
	mov	[%1 + ebx * 4], eax
	inc	ebx
	jmp	%%next
%%done:
%endmacro

; stats_read: every counter into NOW.
stats_read:
	STATS_READ NOW
	ret

; stats_read_after: every counter into AFTER (the end of step 3).
stats_read_after:
	cmp	byte [have_hc], 0
	je	.done
	STATS_READ AFTER
.done:
	ret

stats_snapshot:
	cmp	byte [have_hc], 0
	je	.done
	call	stats_read
	mov	si, NOW
	mov	di, SNAP
	mov	cx, MAX_STATS
	rep	movsd
.done:
	ret

; stats_report: prints "  VMM: name count ..." for every counter that
; moved since the last snapshot (each step takes one after its heading).
stats_report:
	cmp	byte [have_hc], 0
	je	stats_print.done
	call	stats_read
	jmp	stats_print

; stats_report_saved: the report for the counters read earlier into SI
; (MID, AFTER), which then become the snapshot the next step is counted
; from.
stats_report_saved:
	cmp	byte [have_hc], 0
	je	stats_print.done
	push	si
	mov	di, NOW
	mov	cx, MAX_STATS
	rep	movsd
	call	stats_print
	pop	si
	mov	di, SNAP
	mov	cx, MAX_STATS
	rep	movsd
	ret

; stats_print: the report line for NOW - SNAP, less the last reading's own
; calls.
stats_print:
	mov	si, msg_vmm
	call	print
	movzx	ecx, word [stat_count]	; the last reading's own calls
	mov	bx, [stat_out]
	shl	bx, 2
	sub	[NOW + bx], ecx
	mov	bx, [stat_hc]
	shl	bx, 2
	sub	[NOW + bx], ecx
	xor	bx, bx
.next:
	cmp	bx, [stat_count]
	jae	.printed
	mov	di, bx
	shl	di, 2
	mov	eax, [NOW + di]
	sub	eax, [SNAP + di]
	jz	.skip
	mov	si, msg_space
	call	print
	mov	si, bx
	imul	si, NAME_LEN
	add	si, NAMES
	call	print
	mov	si, msg_space
	call	print
	call	print_dec
.skip:
	inc	bx
	jmp	.next
.printed:
	mov	si, msg_crlf
	call	print
.done:
	ret

msg_vmm:	db "  VMM:", 0
msg_space:	db " ", 0

; print_hex: the low CX hex digits of EAX through INT 10h.
print_hex:
	pushad
	mov	si, cx
.digit:
	mov	dx, ax
	and	dx, 0x0F
	push	dx
	shr	eax, 4
	loop	.digit
	mov	cx, si
.out:
	pop	ax
	add	al, '0'
	cmp	al, '9'
	jbe	.put
	add	al, 'A' - '9' - 1
.put:
	mov	ah, 0x0E
	mov	bx, 0x0007
	int	0x10
	loop	.out
	popad
	ret

; print_dec: EAX in decimal through INT 10h.
print_dec:
	pushad
	mov	ebx, 10
	xor	cx, cx
.digit:
	xor	edx, edx
	div	ebx
	push	dx
	inc	cx
	test	eax, eax
	jnz	.digit
.out:
	pop	ax
	add	al, '0'
	mov	ah, 0x0E
	mov	bx, 0x0007
	int	0x10
	loop	.out
	popad
	ret

; --- 1. the clock --------------------------------------------------------------------
; wait_ticks: halts until CX timer ticks (BDA 046Ch) have passed.
wait_ticks:
	push	eax
	mov	eax, [0x46C]
	movzx	ecx, cx
	add	ecx, eax
.wait:
	sti
	hlt
	mov	eax, [0x46C]
	cmp	eax, ecx
	jb	.wait
	pop	eax
	ret

; clock_tick: INT 1Ch. Draws "tick NNNNN" in the top right corner while a
; text mode shows, then chains to the previous handler.
clock_tick:
	pushad
	push	ds
	push	es
	xor	ax, ax
	mov	ds, ax
	inc	dword [ticks]
	cmp	byte [0x449], 0x03
	jne	.done
	push	word 0xB800
	pop	es
	mov	di, 2 * 68
	mov	si, msg_tick
	mov	ah, 0x1F		; white on blue
.label:
	lodsb
	test	al, al
	jz	.number
	stosw
	jmp	.label
.number:
	mov	eax, [ticks]
	mov	di, 2 * 79
	mov	ebx, 10
	mov	cx, 6
.digit:
	xor	edx, edx
	div	ebx
	add	dl, '0'
	mov	dh, 0x1F
	mov	[es:di], dx
	sub	di, 2
	loop	.digit
.done:
	pop	es
	pop	ds
	popad
	jmp	far [cs:old_int1c]

msg_tick:	db " tick", 0

; --- 2. protected mode and paging -------------------------------------------------------
gdt:
	dq	0
	dq	0x00CF9A000000FFFF	; 08: flat 32-bit code
	dq	0x00CF92000000FFFF	; 10: flat 32-bit data
	dq	0x00009A000000FFFF	; 18: 16-bit code, base 0 (back to real mode)
	dq	0x000092000000FFFF	; 20: 16-bit data, base 0
gdt_end:
gdt_ptr:
	dw	gdt_end - gdt - 1
	dd	gdt

idt_ptr:
	dw	32 * 8 - 1
	dd	IDT
saved_idtr:	dw 0
		dd 0

; pmode_demo: into 32-bit protected mode, builds page tables (the first
; 4 MiB identity-mapped; virtual 0x400000 mapped onto the text screen at
; 0xB8000) and an IDT whose one gate is the page fault handler, turns
; paging on, writes a line through the mapping on the cursor's row, reads
; the VMM's counters (MID: the end of step 2), then, for step 3, writes to
; FAULT_ADDR, which nothing maps: the CPU's page walk raises #PF, popek
; delivers it through the IDT to pf_handler, which maps a page there and
; returns to the write, which runs again. Then back to real mode.
pmode_demo:
	movzx	ax, byte [0x451]	; cursor row
	imul	ax, 160
	mov	[pm_row], ax
	cli
	sidt	[saved_idtr]
	lgdt	[gdt_ptr]
	mov	eax, cr0
	or	al, 1
	mov	cr0, eax
	jmp	0x08:.pm32
	bits 32
.pm32:
	mov	ax, 0x10
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	movzx	esp, sp			; the real-mode stack (SS was 0), for #PF
	; The IDT: every gate absent but 0Eh, a 32-bit interrupt gate.
	mov	edi, IDT
	xor	eax, eax
	mov	ecx, 32 * 2
	rep	stosd
	mov	eax, pf_handler
	mov	[IDT + 14 * 8], ax
	mov	word [IDT + 14 * 8 + 2], 0x08
	mov	word [IDT + 14 * 8 + 4], 0x8E00	; present, DPL 0, 32-bit interrupt gate
	shr	eax, 16
	mov	[IDT + 14 * 8 + 6], ax
	lidt	[idt_ptr]
	mov	edi, PAGE_DIR
	xor	eax, eax
	mov	ecx, 1024
	rep	stosd
	mov	dword [PAGE_DIR], PAGE_TABLE0 | 3
	mov	dword [PAGE_DIR + 4], PAGE_TABLE1 | 3
	mov	edi, PAGE_TABLE0
	mov	eax, 3
	mov	ecx, 1024
.identity:
	stosd
	add	eax, 0x1000
	loop	.identity
	mov	edi, PAGE_TABLE1
	xor	eax, eax
	mov	ecx, 1024
	rep	stosd
	mov	dword [PAGE_TABLE1], 0xB8000 | 3
	mov	edi, PAGE_TABLE2	; empty until the #PF handler fills it
	mov	ecx, 1024
	rep	stosd
	mov	eax, PAGE_DIR
	mov	cr3, eax
	mov	eax, cr0
	or	eax, 0x80000000
	mov	cr0, eax
	; Through virtual 0x400000 + the row: the text screen.
	movzx	edi, word [pm_row]
	add	edi, 0x400000
	mov	esi, msg_paged
	mov	ah, 0x0A		; light green
.paged:
	lodsb
	test	al, al
	jz	.paged_done
	stosw
	jmp	.paged
.paged_done:
	STATS_READ MID			; the end of step 2
	; 3. A page fault: nothing maps FAULT_ADDR; pf_handler does.
	mov	dword [FAULT_ADDR], FAULT_VALUE
	mov	eax, [DEMAND_PAGE]	; the same bytes, through their physical address
	mov	[pf_readback], eax
	mov	eax, cr0
	and	eax, 0x7FFFFFFF
	mov	cr0, eax
	jmp	0x18:.pm16
	bits 16
.pm16:
	mov	ax, 0x20
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	o32 lidt [saved_idtr]		; the real-mode interrupt vector table
	mov	eax, cr0
	and	al, 0xFE
	mov	cr0, eax
	jmp	0:.real
.real:
	xor	ax, ax
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	sti
	; The cursor goes to the start of the next line, past the one the
	; BIOS did not write (so COM1 does not get it: it was never text
	; output, only memory).
	mov	ah, 0x02
	xor	bh, bh
	mov	dh, [0x451]
	inc	dh
	xor	dl, dl
	int	0x10
	ret

msg_paged:	db "   This line was written in protected mode at virtual 0x00400000+.", 0
pm_row:		dw 0

; pf_handler: INT 0Eh in protected mode (a 32-bit interrupt gate). Notes
; CR2 (the address that faulted) and the error code, maps the page at CR2
; onto DEMAND_PAGE through PAGE_TABLE2 (demand paging), drops the error
; code and returns: IRET goes back to the faulting instruction, which runs
; again. A second fault would find the page mapped, so it maps nothing
; new; the count shows it.
	bits 32
pf_handler:
	push	eax
	inc	dword [pf_count]
	mov	eax, [esp + 4]		; the error code
	mov	[pf_error], eax
	mov	eax, cr2
	mov	[pf_cr2], eax
	shr	eax, 22
	mov	dword [PAGE_DIR + eax * 4], PAGE_TABLE2 | 3
	mov	eax, cr2
	shr	eax, 12
	and	eax, 0x3FF
	mov	dword [PAGE_TABLE2 + eax * 4], DEMAND_PAGE | 3
	pop	eax
	add	esp, 4			; the error code
	iretd
	bits 16

; fault_report: what step 3's page fault left in pf_*: CR2, the error
; code read bit by bit, and whether the write landed in DEMAND_PAGE.
fault_report:
	cmp	dword [pf_count], 1
	je	.one
	mov	si, msg_pf_count
	call	print
	mov	eax, [pf_count]
	call	print_dec
	mov	si, msg_crlf
	call	print
	ret
.one:
	mov	si, msg_pf_cr2
	call	print
	mov	eax, [pf_cr2]
	mov	cx, 8
	call	print_hex
	mov	si, msg_pf_error
	call	print
	mov	eax, [pf_error]
	mov	cx, 4
	call	print_hex
	mov	si, msg_pf_read
	test	byte [pf_error], 2	; W/R
	jz	.rw
	mov	si, msg_pf_write
.rw:
	call	print
	mov	si, msg_pf_absent
	test	byte [pf_error], 1	; P
	jz	.p
	mov	si, msg_pf_protection
.p:
	call	print
	mov	si, msg_pf_delivered
	call	print
	mov	eax, DEMAND_PAGE
	mov	cx, 8
	call	print_hex
	mov	si, msg_pf_landed
	cmp	dword [pf_readback], FAULT_VALUE
	je	.said
	mov	si, msg_pf_lost
.said:
	call	print
	ret

msg_pf_count:	db "   (expected one page fault, the handler counted ", 0
msg_pf_cr2:	db "   #PF: CR2=", 0
msg_pf_error:	db ", error code ", 0
msg_pf_read:	db " (a read, ", 0
msg_pf_write:	db " (a write, ", 0
msg_pf_absent:	db "page not present). The CPU's", 13, 10, 0
msg_pf_protection: db "protection). The CPU's", 13, 10, 0
msg_pf_delivered:
	db "   page walk raised it; popek delivered it through the demo's IDT to a", 13, 10
	db "   handler that mapped page ", 0
msg_pf_landed:	db " there and returned: the write ran again.", 13, 10, 0
msg_pf_lost:	db " there, but the write is not in it.", 13, 10, 0
pf_count:	dd 0
pf_error:	dd 0
pf_cr2:		dd 0
pf_readback:	dd 0

; --- 3. the disk ---------------------------------------------------------------------------
disk_demo:
	mov	byte [DAP], 0x10
	mov	byte [DAP + 1], 0
	mov	word [DAP + 2], 1
	mov	word [DAP + 4], SECTOR_BUF
	mov	word [DAP + 6], 0
	mov	dword [DAP + 8], MSG_LBA
	mov	dword [DAP + 12], 0
	mov	ah, 0x42
	mov	dl, [boot_drive]
	mov	si, DAP
	int	0x13
	jc	.fail
	mov	si, SECTOR_BUF
	call	print
	ret
.fail:
	mov	si, msg_disk_failed
	call	print
	ret
msg_disk_failed: db "(the read failed)", 13, 10, 0

; --- 4. keys -------------------------------------------------------------------------------------
; keys_demo: echoes keys until Enter. Headless, nobody types: the demo
; puts the scancodes of "popek" and Enter into the keyboard controller
; (command D2h), which sends them on as if typed, through IRQ1.
keys_demo:
	cmp	byte [headless], 0
	je	.echo
	mov	si, typed_scancodes
.inject:
	lodsb
	test	al, al
	jz	.echo
	call	kbd_inject
	jmp	.inject
.echo:
	xor	ah, ah
	int	0x16
	cmp	al, 13
	je	.enter
	test	al, al
	jz	.echo			; keys without a character
	mov	ah, 0x0E
	mov	bx, 0x0007
	int	0x10
	jmp	.echo
.enter:
	mov	si, msg_crlf
	call	print
	ret

typed_scancodes:
	db	0x19, 0x99, 0x18, 0x98, 0x19, 0x99, 0x12, 0x92, 0x25, 0xA5, 0x1C, 0x9C, 0

; kbd_inject: the keyboard controller sends AL as if the keyboard had;
; halts until INT 09h has taken it.
kbd_inject:
	push	ax
	call	kbc_wait
	mov	al, 0xD2
	out	0x64, al
	call	kbc_wait
	pop	ax
	out	0x60, al
.taken:
	sti
	hlt
	in	al, 0x64
	test	al, 1
	jnz	.taken
	ret
kbc_wait:
	in	al, 0x64
	test	al, 2
	jnz	kbc_wait
	ret

; --- 5. mode 13h -----------------------------------------------------------------------------
; vga_demo: keeps the text screen, draws the 256 colours as 16 x 16
; blocks with a caption, shows them for two seconds, then puts the text
; screen back.
vga_demo:
	push	ds
	push	es
	push	word 0xB800
	pop	ds
	push	word TEXT_SAVE_SEG
	pop	es
	xor	si, si
	xor	di, di
	mov	cx, 80 * 25
	rep	movsw
	pop	es
	pop	ds
	mov	ax, [0x450]
	mov	[saved_cursor], ax
	mov	ax, 0x0013
	int	0x10
	push	es
	push	word 0xA000
	pop	es
	xor	di, di
	xor	dx, dx			; y
.row:
	xor	cx, cx			; x
.pixel:
	mov	ax, dx
	sub	ax, 16
	jb	.black			; the caption's rows
	mov	bl, 11
	div	bl			; AL = (y - 16) / 11
	cmp	al, 16
	jae	.black
	shl	al, 4
	mov	bl, al
	mov	ax, cx
	mov	bh, 20
	div	bh			; AL = x / 20
	add	al, bl
	jmp	.put
.black:
	xor	al, al
.put:
	stosb
	inc	cx
	cmp	cx, 320
	jb	.pixel
	inc	dx
	cmp	dx, 200
	jb	.row
	pop	es
	mov	si, msg_vga_caption
	call	print
	mov	cx, 36			; two seconds
	call	wait_ticks
	mov	ax, 0x0003
	int	0x10
	push	ds
	push	es
	push	word TEXT_SAVE_SEG
	pop	ds
	push	word 0xB800
	pop	es
	xor	si, si
	xor	di, di
	mov	cx, 80 * 25
	rep	movsw
	pop	es
	pop	ds
	mov	ah, 0x02
	xor	bh, bh
	mov	dx, [saved_cursor]	; BDA order: column, then row
	int	0x10
	mov	si, msg_vga_back
	call	print
	ret

msg_vga_caption: db "popek: mode 13h, 256 colours", 13, 10, 0
msg_vga_back:	db "   (shown for two seconds, then this text screen was put back)", 13, 10, 0
saved_cursor:	dw 0

; --- variables -------------------------------------------------------------------------------
old_int1c:	dd 0
ticks:		dd 0
stat_count:	dw 0
stat_out:	dw 0
stat_hc:	dw 0
have_hc:	db 0
headless:	db 0

%if $ - main > BODY_SECTORS * 512
%error "the program is larger than BODY_SECTORS sectors"
%endif
	times (MSG_LBA * 512) - ($ - $$) db 0
; Sector MSG_LBA: the text step 3 reads.
	db	"This line was read from sector 40 of the demo disk.", 13, 10, 0
	times DISK_SIZE - ($ - $$) db 0
