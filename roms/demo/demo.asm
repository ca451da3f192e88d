; demo.asm: popek's built-in demo ROM, the default guest of `make run`.
;
; A 64 KiB firmware image that walks through what the CPU does from reset:
; real mode at F000:FFF0, the interrupt vector table (a software interrupt
; and a divide error caught by its handler), then protected mode with flat
; 32-bit code, where it runs a prime sieve over 1 MiB of RAM. Each step is
; reported on the debug console (port 0xE9). It ends with CLI; HLT, which a
; headless popek reports as "guest halted" with exit status 0.

        bits 16
        org 0                       ; the image is mapped at F000:0000

ROM_BASE    equ 0xF0000             ; linear address of the image
DEBUGCON    equ 0xE9
SIEVE       equ 0x100000            ; sieve bytes at 1 MiB
SIEVE_N     equ 1000000             ; primes below one million

; --- real mode -------------------------------------------------------------
start:
        cli
        xor ax, ax
        mov ss, ax
        mov sp, 0x7C00
        mov ax, cs
        mov ds, ax
        mov si, msg_banner
        call print16

        ; Install handlers for INT 0 (divide error) and INT 60h.
        xor ax, ax
        mov es, ax
        mov word [es:0*4], de_handler
        mov word [es:0*4+2], cs
        mov word [es:0x60*4], int60_handler
        mov word [es:0x60*4+2], cs

        int 0x60                    ; a software interrupt through the IVT

        mov ax, 1234
        xor bl, bl
        div bl                      ; #DE: the handler skips the instruction
        mov si, msg_de_back
        call print16

        ; Enter protected mode with a flat 32-bit code and data segment.
        mov si, msg_pm
        call print16
        lgdt [cs:gdt_desc]
        mov eax, cr0
        or eax, 1
        mov cr0, eax
        jmp dword 0x08:(ROM_BASE + pm_entry)

; Prints the NUL-terminated string at DS:SI on the debug console.
print16:
        push ax
.next:  lodsb
        test al, al
        jz .done
        out DEBUGCON, al
        jmp .next
.done:  pop ax
        ret

int60_handler:
        push si
        push ds
        push cs
        pop ds
        mov si, msg_int60
        call print16
        pop ds
        pop si
        iret

; The divide error points at the DIV (a fault): step over its two bytes.
de_handler:
        push bp
        mov bp, sp
        add word [bp+2], 2
        push si
        push ds
        push cs
        pop ds
        mov si, msg_de
        call print16
        pop ds
        pop si
        pop bp
        iret

; --- protected mode, flat 32-bit ---------------------------------------------
        bits 32
pm_entry:
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, 0x90000
        mov esi, ROM_BASE + msg_flat
        call print32

        ; Sieve of Eratosthenes: one byte per number below SIEVE_N.
        mov edi, SIEVE
        mov ecx, SIEVE_N
        mov al, 1
        rep stosb
        mov byte [SIEVE], 0
        mov byte [SIEVE + 1], 0
        mov ebx, 2
.outer: mov eax, ebx
        mul ebx
        cmp eax, SIEVE_N
        jae .count
        cmp byte [SIEVE + ebx], 0
        je .skip
.mark:  mov byte [SIEVE + eax], 0
        add eax, ebx
        cmp eax, SIEVE_N
        jb .mark
.skip:  inc ebx
        jmp .outer
.count: xor eax, eax
        mov ecx, SIEVE_N
        mov esi, SIEVE
.cnt:   movzx edx, byte [esi]
        add eax, edx
        inc esi
        loop .cnt
        push eax
        mov esi, ROM_BASE + msg_primes
        call print32
        pop eax
        call print_dec32
        mov esi, ROM_BASE + msg_expect
        call print32

        mov esi, ROM_BASE + msg_halt
        call print32
        cli
        hlt
        jmp $

; Prints the NUL-terminated string at ESI.
print32:
        push eax
.next:  lodsb
        test al, al
        jz .done
        out DEBUGCON, al
        jmp .next
.done:  pop eax
        ret

; Prints EAX in decimal.
print_dec32:
        push ebx
        push ecx
        push edx
        mov ebx, 10
        xor ecx, ecx
.div:   xor edx, edx
        div ebx
        push edx
        inc ecx
        test eax, eax
        jnz .div
.out:   pop eax
        add al, '0'
        out DEBUGCON, al
        loop .out
        pop edx
        pop ecx
        pop ebx
        ret

; --- data ---------------------------------------------------------------------
        align 8
gdt:    dq 0
        dq 0x00CF9A000000FFFF       ; 0x08: code, base 0, 4 GiB, 32-bit
        dq 0x00CF92000000FFFF       ; 0x10: data, base 0, 4 GiB
gdt_desc:
        dw gdt_desc - gdt - 1
        dd ROM_BASE + gdt

msg_banner: db "popek demo ROM: reset at F000:FFF0, now running in real mode", 10, 0
msg_int60:  db "  INT 60h went through the interrupt vector table", 10, 0
msg_de:     db "  DIV by zero raised #DE; its handler skips the instruction", 10, 0
msg_de_back: db "  back from the #DE handler", 10, 0
msg_pm:     db "entering protected mode (LGDT, MOV CR0, far JMP)", 10, 0
msg_flat:   db "flat 32-bit protected mode: sieving primes below 1000000", 10, 0
msg_primes: db "  primes found: ", 0
msg_expect: db " (expected 78498)", 10, 0
msg_halt:   db "done: CLI; HLT", 10, 0

; --- reset vector at F000:FFF0 -----------------------------------------------
        bits 16
        times 0xFFF0 - ($ - $$) db 0xFF
        jmp 0xF000:start
        times 0x10000 - ($ - $$) db 0xFF
