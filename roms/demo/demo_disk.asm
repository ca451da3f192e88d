; demo_disk.asm: the demo disk, what `make run` boots. A small bootable
; disk image that popek's BIOS starts like any other disk, and that shows,
; one step at a time, what popek does for a guest:
;
;   1. a ticking clock: the PIT's IRQ0 through the PIC to INT 08h/1Ch
;   2. protected mode and paging, a line written through a page table
;   3. a sector read from this disk through INT 13h
;   4. keys typed, echoed (headless: the demo types them itself, through
;      the keyboard controller, since nobody is there to type)
;   5. a picture in VGA mode 13h (320x200, 256 colours)
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
SNAP		equ 0x1000		; MAX_STATS dwords: counters after the last report
NOW		equ 0x1100		; MAX_STATS dwords: counters now
NAMES		equ 0x1200		; MAX_STATS names of NAME_LEN bytes
PAGE_DIR	equ 0x20000		; protected-mode page directory and tables
PAGE_TABLE0	equ 0x21000
PAGE_TABLE1	equ 0x22000
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

	; 2. Protected mode and paging.
	mov	si, msg_step_pmode
	call	print
	call	stats_snapshot
	call	pmode_demo
	call	stats_report

	; 3. A sector of this disk.
	mov	si, msg_step_disk
	call	print
	call	stats_snapshot
	call	disk_demo
	call	stats_report

	; 4. Keys.
	mov	si, msg_step_keys
	call	print
	call	stats_snapshot
	call	keys_demo
	call	stats_report

	; 5. Mode 13h.
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
msg_step_disk:
	db "3. Disk: INT 13h AH=42h reads sector 40 of this disk:", 13, 10, "   ", 0
msg_step_keys:
	db "4. Keyboard: IRQ1, INT 09h, INT 16h. Type, then Enter: ", 0
msg_step_vga:
	db "5. VGA mode 13h: 320x200, 256 colours, drawn in video memory.", 13, 10, 0
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

; stats_read: every counter's low dword into NOW. One OUT and one
; hypercall per counter, which stats_report takes off again.
stats_read:
	xor	bx, bx
.next:
	cmp	bx, [stat_count]
	jae	.done
	movzx	eax, bx
	mov	[HC_BLOCK + 4], eax
	mov	ax, HC_STAT
	call	hc_call
	mov	si, bx
	shl	si, 2
	mov	[NOW + si], eax
	inc	bx
	jmp	.next
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
	je	.done
	call	stats_read
	mov	si, msg_vmm
	call	print
	mov	cx, [stat_count]	; the last reading's own calls
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

; pmode_demo: into 32-bit protected mode, builds page tables (the first
; 4 MiB identity-mapped; virtual 0x400000 mapped onto the text screen at
; 0xB8000), turns paging on, writes a line through the mapping on the
; cursor's row, and comes back to real mode.
pmode_demo:
	movzx	ax, byte [0x451]	; cursor row
	imul	ax, 160
	mov	[pm_row], ax
	cli
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
