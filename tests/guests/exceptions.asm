; exceptions.asm: every exception the CPU raises, taken in protected mode,
; with the frame and error code its handler sees.
;
; The IDT sends vectors 0-17 to small stubs that push the vector (and a
; marker where the CPU pushes no error code) and go to one handler, which
; records the vector, the error code, the pushed EIP, CS and EFLAGS (and
; ESP, SS when the exception came from ring 3), clears TF in the image and
; resumes at an address the test chose beforehand (ARM). Each test takes
; one exception, then checks the record against what the SDM says: the
; vector; the error code, or none; EIP at the instruction for a fault and
; after it for a trap; EFLAGS as they were before the instruction (RF and
; TF aside, which the CPU and the handler change). One line per exception:
;   #DE DIV by 0; #DB single step (TF, DR6.BS) and an instruction
;   breakpoint (DR0/DR7, DR6.B0); #BP INT3; #OF INTO; #BR BOUND; #UD UD2;
;   #NM an x87 instruction with CR0.TS; #TS a JMP to a TSS below the
;   minimum limit; #NP a not-present data segment; #SS an access past the
;   stack segment's limit; #GP a segment limit and a selector past the GDT;
;   #PF a not-present page and a write to a read-only page (CR0.WP), with
;   CR2; #MF an unmasked zero divide at the next FWAIT (CR0.NE); #AC a
;   misaligned dword at ring 3 (CR0.AM, EFLAGS.AC); #DF a #GP whose gate is
;   not present.
; Assembled with -DSEGMENT_LIMITS_UNCHECKED and -DNO_ALIGNMENT_CHECK, the
; guest leaves out #SS, the limit #GP and #AC: the subset a reference
; emulator that checks no data segment limits and no alignment (QEMU's
; TCG) runs, to check the guest's other expectations against it.
; Failure codes (a block of 8 per check, as the section comments say):
; 20 #DE, 28 #DB step, 30 #DB breakpoint, 38 #BP, 40 #OF, 48 #BR, 50 #UD,
; 58 #NM, 60 #TS, 68 #NP, 70 #SS, 78/80 #GP, 88/90 #PF, 98 #MF, A0 #AC,
; A8 #DF; E0 + vector: an exception nobody expected; FF: an unexpected
; vector.
%include "guest.inc"

GDT_RAM		equ 0x1000
IDT_RAM		equ 0x2000
TSS_RAM		equ 0x3000
SHORT_TSS	equ 0x3100	; a TSS whose descriptor's limit is too small
RING0_STACK	equ 0x88000	; ESP0 in the TSS
RING3_STACK	equ 0x60000
SMALL_STACK	equ 0x20000	; base of the 64 KiB stack segment (#SS)
PAGE_DIR	equ 0x40000
PAGE_TAB	equ 0x41000
PF_MISSING	equ 0x300000	; not present
PF_READONLY	equ 0x301000	; present, read-only

; What the handler records, and where it resumes.
RESUME		equ 0x4000	; 0: no exception expected
REC_VEC		equ 0x4004
REC_ERR		equ 0x4008	; NO_ERR when the CPU pushed none
REC_EIP		equ 0x400C
REC_CS		equ 0x4010
REC_EFL		equ 0x4014
REC_ESP		equ 0x4018	; from ring 3 only
REC_SS		equ 0x401C	; from ring 3 only
EXP_EFL		equ 0x4020	; EFLAGS right before the instruction
MISALIGNED	equ 0x4031	; for #AC

NO_ERR		equ 0xEEEEEEEE

SEL_CODE3	equ 0x18 | 3
SEL_DATA3	equ 0x20 | 3
SEL_TSS		equ 0x28
SEL_NOTPRESENT	equ 0x30	; data, P = 0
SEL_SMALLSTACK	equ 0x38	; data at SMALL_STACK, limit FFFFh, 32-bit
SEL_SMALLDATA	equ 0x40	; data at 0, limit FFFh
SEL_SHORTTSS	equ 0x48	; 32-bit TSS, limit 20h (< 67h)
GDT_ENTRIES	equ 10
SEL_PAST_GDT	equ 0x0FF8
VEC_RING0	equ 0x30	; DPL-3 gate: ring 3 comes back to ring 0
IDT_ENTRIES	equ 0x31

F_TF		equ 1 << 8
F_OF		equ 1 << 11
F_RF		equ 1 << 16
F_AC		equ 1 << 18
CR0_TS		equ 1 << 3
CR0_NE		equ 1 << 5
CR0_WP		equ 1 << 16
CR0_AM		equ 1 << 18
CR0_PG		equ 1 << 31
DR6_BS		equ 1 << 14

start:
	xor	ax, ax
	mov	ss, ax
	mov	sp, STACK16_TOP
	PUTS16	hello16
	ENTER_PMODE pm_main

section rom32
	bits 32

; ARM resume: the next exception is expected; its handler records it and
; resumes at `resume`.
%macro ARM 1
	mov	dword [REC_VEC], 0xFFFFFFFF
	mov	dword [REC_ERR], NO_ERR
	mov	dword [RESUME], %1
%endmacro

; SNAP: the EFLAGS the frame must show, taken right before the
; instruction (PUSHFD and POP m32 change no flag).
%macro SNAP 0
	pushfd
	pop	dword [EXP_EFL]
%endmacro

; CHECK_FRAME vec, err, eip, cs, code: the record (codes code..code+4).
%macro CHECK_FRAME 5
	mov	dword [RESUME], 0
	CHECK32	dword [REC_VEC], %1, %5
	CHECK32	dword [REC_ERR], %2, %5 + 1
	CHECK32	dword [REC_EIP], %3, %5 + 2
	CHECK32	dword [REC_CS], %4, %5 + 3
	mov	eax, [REC_EFL]
	xor	eax, [EXP_EFL]
	test	eax, ~(F_RF | F_TF)
	jz	%%efl_ok
	mov	al, %5 + 4
	jmp	fail32
%%efl_ok:
%endmacro

pm_main:
	cld
	; --- set-up: GDT, IDT, TSS in RAM ------------------------------------------------
	mov	esi, gdt_tmpl
	mov	edi, GDT_RAM
	mov	ecx, GDT_ENTRIES * 2
	rep movsd
	lgdt	[gdt_ram_desc]
	jmp	SEL_CODE32:.reloaded
.reloaded:
	mov	ax, SEL_DATA32
	mov	ds, ax
	mov	es, ax
	mov	ss, ax

	mov	edi, TSS_RAM
	xor	eax, eax
	mov	ecx, 0x68 / 4
	rep stosd
	mov	dword [TSS_RAM + 4], RING0_STACK
	mov	dword [TSS_RAM + 8], SEL_DATA32
	mov	word [TSS_RAM + 0x66], 0x68	; no I/O bitmap
	mov	ax, SEL_TSS
	ltr	ax

	; The IDT: the stubs for 0-17, a DPL-3 gate at 30h, the rest
	; unexpected.
	mov	edi, IDT_RAM
	xor	ebx, ebx
.fill:
	mov	eax, unexpected
	cmp	ebx, 18
	jae	.gate
	mov	eax, [stub_table + ebx * 4]
.gate:
	mov	[edi], ax
	mov	word [edi + 2], SEL_CODE32
	mov	word [edi + 4], 0x8E00		; present, DPL 0, 32-bit interrupt gate
	shr	eax, 16
	mov	[edi + 6], ax
	add	edi, 8
	inc	ebx
	cmp	ebx, IDT_ENTRIES
	jb	.fill
%ifndef NO_ALIGNMENT_CHECK
	mov	eax, back_to_ring0
	mov	[IDT_RAM + VEC_RING0 * 8], ax
	mov	byte [IDT_RAM + VEC_RING0 * 8 + 5], 0xEE	; DPL 3
	shr	eax, 16
	mov	[IDT_RAM + VEC_RING0 * 8 + 6], ax
%endif
	lidt	[idt_desc]
	mov	dword [RESUME], 0
	PUTS32	msg_setup

	; --- 20: #DE -----------------------------------------------------------------
	xor	edx, edx
	mov	eax, 1
	xor	ecx, ecx
	ARM	.de_after
	SNAP
.de_at:
	div	ecx
.de_after:
	CHECK_FRAME 0, NO_ERR, .de_at, SEL_CODE32, 0x20
	PUTS32	msg_de

	; --- 28: #DB, single step: a trap after the instruction ------------------------
	xor	eax, eax
	mov	dr6, eax
	ARM	.ss_after
	SNAP
	pushfd
	or	dword [esp], F_TF
	popfd					; TF from here: the NOP traps
	nop
.ss_after:
	CHECK_FRAME 1, NO_ERR, .ss_after, SEL_CODE32, 0x28
	test	dword [REC_EFL], F_TF		; the image has TF set
	jnz	.ss_tf
	mov	al, 0x2D
	jmp	fail32
.ss_tf:
	pushfd
	test	dword [esp], F_TF		; the handler's image cleared it
	pop	eax
	jz	.ss_tf_off
	mov	al, 0x2E
	jmp	fail32
.ss_tf_off:
	mov	eax, dr6
	test	eax, DR6_BS
	jnz	.ss_bs
	mov	al, 0x2F
	jmp	fail32
.ss_bs:
	PUTS32	msg_db_step

	; --- 30: #DB, instruction breakpoint: a fault at the instruction ---------------
	xor	eax, eax
	mov	dr6, eax
	mov	eax, .bp_at
	mov	dr0, eax
	mov	eax, 1				; L0, R/W0 = 00 (execute), LEN0 = 00
	mov	dr7, eax
	ARM	.bp_after
	SNAP
.bp_at:
	nop
.bp_after:
	xor	eax, eax
	mov	dr7, eax
	CHECK_FRAME 1, NO_ERR, .bp_at, SEL_CODE32, 0x30
	mov	eax, dr6
	test	eax, 1				; B0
	jnz	.bp_b0
	mov	al, 0x35
	jmp	fail32
.bp_b0:
	PUTS32	msg_db_bp

	; --- 38: #BP -----------------------------------------------------------------
	ARM	.int3_after
	SNAP
	int3
.int3_after:
	CHECK_FRAME 3, NO_ERR, .int3_after, SEL_CODE32, 0x38
	PUTS32	msg_bp

	; --- 40: #OF -----------------------------------------------------------------
	mov	al, 0x7F
	add	al, 1				; OF = 1
	ARM	.into_after
	SNAP
	into
.into_after:
	CHECK_FRAME 4, NO_ERR, .into_after, SEL_CODE32, 0x40
	test	dword [REC_EFL], F_OF
	jnz	.of_ok
	mov	al, 0x45
	jmp	fail32
.of_ok:
	PUTS32	msg_of

	; --- 48: #BR -----------------------------------------------------------------
	mov	eax, 30				; outside [10, 20]
	ARM	.bound_after
	SNAP
.bound_at:
	bound	eax, [bounds]
.bound_after:
	CHECK_FRAME 5, NO_ERR, .bound_at, SEL_CODE32, 0x48
	PUTS32	msg_br

	; --- 50: #UD -----------------------------------------------------------------
	ARM	.ud_after
	SNAP
.ud_at:
	ud2
.ud_after:
	CHECK_FRAME 6, NO_ERR, .ud_at, SEL_CODE32, 0x50
	PUTS32	msg_ud

	; --- 58: #NM -----------------------------------------------------------------
	fninit
	mov	eax, cr0
	or	eax, CR0_TS
	mov	cr0, eax
	ARM	.nm_after
	SNAP
.nm_at:
	fld1
.nm_after:
	clts
	CHECK_FRAME 7, NO_ERR, .nm_at, SEL_CODE32, 0x58
	PUTS32	msg_nm

	; --- 60: #TS -----------------------------------------------------------------
	ARM	.ts_after
	SNAP
.ts_at:
	jmp	SEL_SHORTTSS:0
.ts_after:
	CHECK_FRAME 10, SEL_SHORTTSS, .ts_at, SEL_CODE32, 0x60
	str	ax				; still the same task
	CHECK32	ax, SEL_TSS, 0x65
	PUTS32	msg_ts

	; --- 68: #NP -----------------------------------------------------------------
	mov	ax, SEL_NOTPRESENT
	ARM	.np_after
	SNAP
.np_at:
	mov	ds, ax
.np_after:
	CHECK_FRAME 11, SEL_NOTPRESENT, .np_at, SEL_CODE32, 0x68
	mov	ax, ds
	CHECK32	ax, SEL_DATA32, 0x6D
	PUTS32	msg_np

%ifndef SEGMENT_LIMITS_UNCHECKED
	; --- 70: #SS -----------------------------------------------------------------
	mov	ax, SEL_SMALLSTACK
	mov	ss, ax
	mov	esp, 0x8000
	mov	ebp, 0x10000			; a dword there ends past the limit
	ARM	.ss_fault_after
	SNAP
.ss_fault_at:
	mov	eax, [ebp]			; SS by default
.ss_fault_after:
	mov	ax, SEL_DATA32
	mov	ss, ax
	mov	esp, STACK32_TOP
	CHECK_FRAME 12, 0, .ss_fault_at, SEL_CODE32, 0x70
	PUTS32	msg_ss

	; --- 78, 80: #GP -----------------------------------------------------------------
	mov	ax, SEL_SMALLDATA
	mov	es, ax
	ARM	.gp1_after
	SNAP
.gp1_at:
	mov	eax, [es:0x2000]		; limit FFFh
.gp1_after:
	mov	ax, SEL_DATA32
	mov	es, ax
	CHECK_FRAME 13, 0, .gp1_at, SEL_CODE32, 0x78
	PUTS32	msg_gp_limit
%endif
	mov	ax, SEL_PAST_GDT
	ARM	.gp2_after
	SNAP
.gp2_at:
	mov	es, ax
.gp2_after:
	CHECK_FRAME 13, SEL_PAST_GDT, .gp2_at, SEL_CODE32, 0x80
	PUTS32	msg_gp_sel

	; --- 88, 90: #PF ----------------------------------------------------------------
	; Identity-map the low 4 MiB but for one missing page and one
	; read-only page; CR0.WP makes the latter read-only for ring 0 too.
	mov	edi, PAGE_TAB
	mov	eax, 0x003			; present, writable
	mov	ecx, 1024
.map:
	stosd
	add	eax, 0x1000
	loop	.map
	mov	dword [PAGE_TAB + (PF_MISSING >> 12) * 4], 0
	mov	dword [PAGE_TAB + (PF_READONLY >> 12) * 4], PF_READONLY | 0x001
	mov	edi, PAGE_DIR
	xor	eax, eax
	mov	ecx, 1024
	rep stosd
	mov	dword [PAGE_DIR], PAGE_TAB | 0x003
	mov	eax, PAGE_DIR
	mov	cr3, eax
	mov	eax, cr0
	or	eax, CR0_PG | CR0_WP
	mov	cr0, eax
	jmp	.paged
.paged:
	ARM	.pf1_after
	SNAP
.pf1_at:
	mov	eax, [PF_MISSING + 0x123]
.pf1_after:
	CHECK_FRAME 14, 0, .pf1_at, SEL_CODE32, 0x88	; not present, read, ring 0
	mov	eax, cr2
	CHECK32	eax, PF_MISSING + 0x123, 0x8D
	ARM	.pf2_after
	SNAP
.pf2_at:
	mov	dword [PF_READONLY + 8], 1
.pf2_after:
	CHECK_FRAME 14, 3, .pf2_at, SEL_CODE32, 0x90	; present, write, ring 0
	mov	eax, cr2
	CHECK32	eax, PF_READONLY + 8, 0x95
	mov	eax, cr0
	and	eax, ~(CR0_PG | CR0_WP)
	mov	cr0, eax
	jmp	.unpaged
.unpaged:
	PUTS32	msg_pf_np
	PUTS32	msg_pf_ro

	; --- 98: #MF ------------------------------------------------------------------
	fninit
	mov	eax, cr0
	or	eax, CR0_NE
	mov	cr0, eax
	fldcw	[cw_zm_unmasked]
	fld1
	fldz
	fdivp	st1, st0			; 1 / 0, unmasked: pending
	ARM	.mf_after
	SNAP
.mf_at:
	fwait
.mf_after:
	fninit
	CHECK_FRAME 16, NO_ERR, .mf_at, SEL_CODE32, 0x98
	PUTS32	msg_mf

%ifndef NO_ALIGNMENT_CHECK
	; --- A0: #AC at ring 3 ----------------------------------------------------------
	mov	eax, cr0
	or	eax, CR0_AM
	mov	cr0, eax
	push	dword SEL_DATA3
	push	dword RING3_STACK
	push	dword F_AC | 2			; AC, IOPL 0, IF 0
	push	dword SEL_CODE3
	push	dword ring3_ac
	iretd
ac_back:
	mov	eax, cr0
	and	eax, ~CR0_AM
	mov	cr0, eax
	CHECK_FRAME 17, 0, ring3_ac.ac_at, SEL_CODE3, 0xA0
	CHECK32	dword [REC_ESP], RING3_STACK, 0xA5
	CHECK32	dword [REC_SS], SEL_DATA3, 0xA6
	PUTS32	msg_ac
%endif

	; --- A8: #DF --------------------------------------------------------------------
	and	byte [IDT_RAM + 13 * 8 + 5], 0x7F	; the #GP gate: not present
	mov	ax, SEL_PAST_GDT
	ARM	.df_after
.df_at:
	mov	es, ax				; #GP -> #NP on its gate -> #DF
.df_after:
	or	byte [IDT_RAM + 13 * 8 + 5], 0x80
	mov	dword [RESUME], 0
	CHECK32	dword [REC_VEC], 8, 0xA8
	CHECK32	dword [REC_ERR], 0, 0xA9	; the SDM leaves CS:EIP undefined
	mov	ax, es
	CHECK32	ax, SEL_DATA32, 0xAA
	PUTS32	msg_df

	PUTS32	msg_done
	EXIT	0

%ifndef NO_ALIGNMENT_CHECK
; --- ring 3 ----------------------------------------------------------------------
ring3_ac:
	mov	ax, SEL_DATA3			; IRETD nulled DS and ES (DPL 0)
	mov	ds, ax
	mov	es, ax
	mov	ebx, MISALIGNED
	ARM	.ac_after
	SNAP
.ac_at:
	mov	eax, [ebx]
.ac_after:
	int	VEC_RING0			; back to ac_back at ring 0

; The DPL-3 gate's handler: drops ring 3's frame and goes on at ring 0.
back_to_ring0:
	mov	ax, SEL_DATA32
	mov	ds, ax
	mov	es, ax
	mov	esp, STACK32_TOP
	pushfd
	and	dword [esp], ~F_AC
	popfd
	jmp	ac_back
%endif

; --- the handlers ----------------------------------------------------------------

; Stub for vector %1; %2 = 1 when the CPU pushes an error code, else a
; marker takes its place.
%macro STUB 2
exc_stub_%1:
%if %2 == 0
	push	dword NO_ERR
%endif
	push	dword %1
	jmp	exc_common
%endmacro

	STUB	0, 0
	STUB	1, 0
	STUB	3, 0
	STUB	4, 0
	STUB	5, 0
	STUB	6, 0
	STUB	7, 0
	STUB	8, 1
	STUB	10, 1
	STUB	11, 1
	STUB	12, 1
	STUB	13, 1
	STUB	14, 1
	STUB	16, 0
	STUB	17, 1

; Stack: vector, error code (or NO_ERR), EIP, CS, EFLAGS, and from ring 3
; ESP, SS. The stack is SS's, whatever SS is (the #SS test runs on a
; stack segment with a base); the record is in flat memory through DS,
; which every test leaves flat.
exc_common:
	push	eax
	cmp	dword [RESUME], 0
	jne	.expected
	mov	al, [esp + 4]
	add	al, 0xE0
	jmp	fail32
.expected:
	mov	eax, [esp + 4]
	mov	[REC_VEC], eax
	mov	eax, [esp + 8]
	mov	[REC_ERR], eax
	mov	eax, [esp + 12]
	mov	[REC_EIP], eax
	movzx	eax, word [esp + 16]
	mov	[REC_CS], eax
	mov	eax, [esp + 20]
	mov	[REC_EFL], eax
	test	byte [esp + 16], 3
	jz	.same_level
	mov	eax, [esp + 24]
	mov	[REC_ESP], eax
	movzx	eax, word [esp + 28]
	mov	[REC_SS], eax
.same_level:
	and	dword [esp + 20], ~F_TF
	mov	eax, [RESUME]
	mov	[esp + 12], eax
	pop	eax
	add	esp, 8
	iretd

unexpected:
	mov	al, 0xFF
	jmp	fail32

	align	4
stub_table:
	dd	exc_stub_0, exc_stub_1, unexpected, exc_stub_3
	dd	exc_stub_4, exc_stub_5, exc_stub_6, exc_stub_7
	dd	exc_stub_8, unexpected, exc_stub_10, exc_stub_11
	dd	exc_stub_12, exc_stub_13, exc_stub_14, unexpected
	dd	exc_stub_16, exc_stub_17

	align	8
gdt_tmpl:
	dq	0
	dq	0x00CF9A000000FFFF	; 08 code DPL 0
	dq	0x00CF92000000FFFF	; 10 data DPL 0
	dq	0x00CFFA000000FFFF	; 18 code DPL 3
	dq	0x00CFF2000000FFFF	; 20 data DPL 3
	dq	0x0000890030000067	; 28 TSS at 3000h, limit 67h
	dq	0x00CF12000000FFFF	; 30 data, not present
	dq	0x004092020000FFFF	; 38 data at 20000h, limit FFFFh, 32-bit (B)
	dq	0x0040920000000FFF	; 40 data at 0, limit FFFh
	dq	0x0000890031000020	; 48 TSS at 3100h, limit 20h
gdt_ram_desc:
	dw	GDT_ENTRIES * 8 - 1
	dd	GDT_RAM
idt_desc:
	dw	IDT_ENTRIES * 8 - 1
	dd	IDT_RAM
bounds:
	dd	10, 20
cw_zm_unmasked:
	dw	0x037B			; all masked but ZM

msg_setup:	db "ok GDT, IDT and TSS in RAM", 10, 0
msg_de:		db "ok #DE: DIV by 0, fault at the DIV, no error code", 10, 0
msg_db_step:	db "ok #DB: TF single step, trap after the instruction, DR6.BS", 10, 0
msg_db_bp:	db "ok #DB: DR0 instruction breakpoint, fault at the instruction, DR6.B0", 10, 0
msg_bp:		db "ok #BP: INT3, trap after it", 10, 0
msg_of:		db "ok #OF: INTO with OF set, trap after it", 10, 0
msg_br:		db "ok #BR: BOUND out of range, fault at the BOUND", 10, 0
msg_ud:		db "ok #UD: UD2, fault at it", 10, 0
msg_nm:		db "ok #NM: x87 instruction with CR0.TS, fault at it", 10, 0
msg_ts:		db "ok #TS: JMP to a TSS below the minimum limit, error code = selector", 10, 0
msg_np:		db "ok #NP: not-present data segment, error code = selector", 10, 0
msg_ss:		db "ok #SS: past the stack segment limit, error code 0", 10, 0
msg_gp_limit:	db "ok #GP: past a data segment limit, error code 0", 10, 0
msg_gp_sel:	db "ok #GP: selector past the GDT limit, error code = selector", 10, 0
msg_pf_np:	db "ok #PF: not-present page, error code 0, CR2", 10, 0
msg_pf_ro:	db "ok #PF: write to a read-only page with CR0.WP, error code 3, CR2", 10, 0
msg_mf:		db "ok #MF: unmasked zero divide, fault at the next FWAIT", 10, 0
msg_ac:		db "ok #AC: misaligned dword at ring 3, error code 0, ring-3 frame", 10, 0
msg_df:		db "ok #DF: #GP through a not-present gate, error code 0", 10, 0
msg_done:	db "exceptions: all passed", 10, 0

section rom16
	bits 16
hello16:	db "exceptions: entering protected mode", 10, 0
