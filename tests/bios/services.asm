; services.asm: calls the BIOS services a boot loader or DOS-era program
; uses, and prints what each answers on the debug console. Lines that
; depend on how a BIOS chooses to do things (memory map, geometry, version
; numbers) are printed as values: services.expect holds popek's answers,
; services.seabios.expect SeaBIOS's on QEMU for the same image, as the
; reference. Checks that every correct BIOS must pass (what is written can
; be read back, time advances, a key typed arrives) print "ok" or "FAIL";
; a FAIL makes the exit status non-zero.
;
; Run with RAM = 32 MiB and the RTC at 2024-01-02T03:04:05 (run_bios.sh
; passes both), on a 1 MiB disk (this image, padded) in snapshot mode.

BODY_SECTORS	equ 24
%include "bios_test.inc"

BUF		equ 0x3000		; 2 KiB scratch buffer (0000:3000)
DAP		equ 0x2F00		; disk address packet

; SAY "text": prints the text on the debug console.
%macro SAY 1
	jmp	%%after
%%s:	db	%1, 0
%%after:
	push	si
	mov	si, %%s
	call	puts
	pop	si
%endmacro
; OK_IF cc: prints " ok" when condition cc holds, else " FAIL" (counted).
%macro OK_IF 1
	j%-1	%%bad
	call	say_ok
	jmp	%%done
%%bad:
	call	say_fail
%%done:
%endmacro
%macro NL 0
	call	newline
%endmacro

	SAY	"boot drive: "
	mov	al, [boot_drive]
	call	puthex8
	NL

; --- INT 11h / 12h -----------------------------------------------------------
	int	0x11
	SAY	"int11 equipment: "
	call	puthex16
	NL
	int	0x12
	SAY	"int12 base memory KiB: "
	call	puthex16
	NL

; --- INT 1Ah: RTC and ticks ---------------------------------------------------
	mov	ah, 0x04
	int	0x1A
	SAY	"int1a 04 date: "
	mov	ax, cx
	call	puthex16
	mov	al, '-'
	out	PORT_DEBUGCON, al
	mov	al, dh
	call	puthex8
	mov	al, '-'
	out	PORT_DEBUGCON, al
	mov	al, dl
	call	puthex8
	NL
	mov	ah, 0x02
	int	0x1A
	SAY	"int1a 02 time (hh:mm): "
	mov	al, ch
	call	puthex8
	mov	al, ':'
	out	PORT_DEBUGCON, al
	mov	al, cl
	call	puthex8
	NL
	; INT 1Ch is called on every tick (INT 08h); INT 15h 86h waits.
	cli
	push	dword [0x1C * 4]
	mov	word [0x1C * 4], int1c_counter
	mov	word [0x1C * 4 + 2], 0
	sti
	mov	ah, 0x00
	int	0x1A
	mov	[ticks0], dx
	mov	ah, 0x86
	mov	cx, 0x0004		; 0x493E0 us = 300 ms
	mov	dx, 0x93E0
	int	0x15
	pushf
	SAY	"int15 86 wait 300 ms:"
	popf
	OK_IF	nc
	NL
	mov	ah, 0x00
	int	0x1A
	sub	dx, [ticks0]
	SAY	"int1a 00 ticks advance by 4-7 in 300 ms:"
	cmp	dx, 4
	jb	.ticks_bad
	cmp	dx, 7
	ja	.ticks_bad
	call	say_ok
	jmp	.ticks_done
.ticks_bad:
	call	say_fail
	mov	ax, dx
	call	puthex16
.ticks_done:
	NL
	cli
	pop	dword [0x1C * 4]
	sti
	SAY	"int1c called on ticks:"
	cmp	word [int1c_count], 4
	OK_IF	ae
	NL
	mov	ah, 0x01
	mov	cx, 0x0001
	mov	dx, 0x2345
	int	0x1A
	mov	ah, 0x00
	int	0x1A
	SAY	"int1a 01 set ticks, 00 reads them back:"
	cmp	cx, 0x0001
	OK_IF	e
	NL

; --- INT 15h: memory -----------------------------------------------------------
	xor	ebx, ebx
.e820:
	mov	eax, 0xE820
	mov	edx, 'PAMS'
	mov	ecx, 20
	mov	di, BUF
	int	0x15
	jc	.e820_done
	push	ebx
	SAY	"int15 e820: "
	mov	eax, [BUF]
	call	puthex32
	SAY	" +"
	mov	eax, [BUF + 8]
	call	puthex32
	SAY	" type "
	mov	al, [BUF + 16]
	call	puthex8
	NL
	pop	ebx
	test	ebx, ebx
	jnz	.e820
.e820_done:
	mov	ax, 0xE801
	int	0x15
	push	dx
	push	cx
	push	bx
	push	ax
	SAY	"int15 e801: ax "
	pop	ax
	call	puthex16
	SAY	" bx "
	pop	ax
	call	puthex16
	SAY	" cx "
	pop	ax
	call	puthex16
	SAY	" dx "
	pop	ax
	call	puthex16
	NL
	mov	ah, 0x88
	int	0x15
	SAY	"int15 88: "
	call	puthex16
	NL
	mov	ah, 0xC0
	int	0x15
	SAY	"int15 c0: model "
	mov	al, [es:bx + 2]
	call	puthex8
	push	ds
	pop	es
	NL

; --- INT 15h: A20 ------------------------------------------------------------------
	mov	ax, 0x2403
	int	0x15
	SAY	"int15 2403 support:"
	OK_IF	nc
	NL
	mov	ax, 0x2400
	int	0x15
	mov	ax, 0x2402
	int	0x15
	SAY	"int15 2400 A20 off, 2402 says 0, memory wraps:"
	cmp	al, 0
	jne	.a20_off_bad
	call	a20_wraps
	OK_IF	e
	jmp	.a20_off_done
.a20_off_bad:
	call	say_fail
.a20_off_done:
	NL
	mov	ax, 0x2401
	int	0x15
	mov	ax, 0x2402
	int	0x15
	SAY	"int15 2401 A20 on, 2402 says 1, no wrap:"
	cmp	al, 1
	jne	.a20_on_bad
	call	a20_wraps
	OK_IF	ne
	jmp	.a20_on_done
.a20_on_bad:
	call	say_fail
.a20_on_done:
	NL
	; APM installation check: answered honestly (present or not).
	mov	ax, 0x5300
	xor	bx, bx
	int	0x15
	pushf
	SAY	"int15 5300 APM check: "
	popf
	jc	.no_apm
	SAY	"present, version "
	call	puthex16
	jmp	.apm_done
.no_apm:
	SAY	"not present, ah "
	mov	al, ah
	call	puthex8
.apm_done:
	NL

; --- INT 16h and INT 09h ---------------------------------------------------------------
	mov	ah, 0x01
	int	0x16
	SAY	"int16 01 with no key: ZF set:"
	OK_IF	z
	NL
	mov	ah, 0x05
	mov	cx, 0x1E61
	int	0x16
	mov	ah, 0x00
	int	0x16
	SAY	"int16 05 stores a key, 00 reads it:"
	cmp	ax, 0x1E61
	OK_IF	e
	NL
	; Keys through the keyboard controller (command D2h puts a byte in its
	; output buffer as if the keyboard had sent it): IRQ1, INT 09h.
	mov	al, 0x2A		; left shift down
	call	kbd_inject
	mov	ah, 0x02
	int	0x16
	SAY	"int09 shift down, int16 02 flags: "
	call	puthex8
	NL
	mov	al, 0x1E		; A down
	call	kbd_inject
	mov	al, 0x9E		; A up
	call	kbd_inject
	mov	al, 0xAA		; left shift up
	call	kbd_inject
	mov	al, 0x30		; b down
	call	kbd_inject
	mov	al, 0xB0		; b up
	call	kbd_inject
	mov	ah, 0x10
	int	0x16
	SAY	"int09 keys, int16 10 reads: "
	call	puthex16
	mov	ah, 0x10
	int	0x16
	mov	al, ' '
	out	PORT_DEBUGCON, al
	call	puthex16
	NL

; --- INT 13h ---------------------------------------------------------------------------
	call	disk_tests

; --- INT 10h ---------------------------------------------------------------------------
	call	video_tests

; --- INT 10h teletype goes to COM1 too when headless -----------------------------------
	mov	si, msg_tty
.tty:
	lodsb
	test	al, al
	jz	.tty_done
	mov	ah, 0x0E
	mov	bx, 0x0007
	int	0x10
	jmp	.tty
.tty_done:
	mov	ah, 0x86		; 20 ms: COM1 sends the last characters
	xor	cx, cx
	mov	dx, 20000
	int	0x15

	SAY	"failures: "
	mov	al, [fails]
	call	puthex8
	NL
	mov	al, [fails]
	out	PORT_EXIT, al
	cli
	hlt

msg_tty:	db "teletype through INT 10h", 13, 10, 0

; --- helpers -----------------------------------------------------------------------------
newline:
	push	ax
	mov	al, 10
	out	PORT_DEBUGCON, al
	pop	ax
	ret
say_ok:
	SAY	" ok"
	ret
say_fail:
	SAY	" FAIL"
	inc	byte [fails]
	ret

int1c_counter:
	inc	word [cs:int1c_count]
	iret

; a20_wraps: ZF set when 0000:0600 and FFFF:0610 are the same byte.
a20_wraps:
	push	es
	push	word 0xFFFF
	pop	es
	mov	byte [0x600], 0x11
	mov	byte [es:0x610], 0x22
	cmp	byte [0x600], 0x22
	pop	es
	ret

; kbd_inject: the keyboard controller sends AL as if from the keyboard;
; waits (halting) until INT 09h has taken it.
kbd_inject:
	push	cx
	push	ax
	call	kbc_wait
	mov	al, 0xD2
	out	0x64, al
	call	kbc_wait
	pop	ax
	out	0x60, al
	mov	cx, 100
.wait:
	sti
	hlt				; the next interrupt (IRQ1, or a tick)
	in	al, 0x64
	test	al, 0x01
	jz	.done
	loop	.wait
.done:
	pop	cx
	ret
kbc_wait:
	push	cx
	mov	cx, 0xFFFF
.poll:
	in	al, 0x64
	test	al, 0x02
	jz	.ok
	loop	.poll
.ok:
	pop	cx
	ret

%include "services_disk.inc"
%include "services_video.inc"

ticks0:		dw 0
int1c_count:	dw 0
fails:		db 0
	times (BODY_SECTORS + 1) * 512 - ($ - $$) db 0
	times 1024 * 1024 - ($ - $$) db 0
