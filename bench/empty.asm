; empty.asm: the start-up reference for `make bench`. It does what every
; workload does around its work (enter protected mode, print, end the run)
; and nothing else, so its time on each emulator is that emulator's
; start-up and shut-down cost, which bench/run.sh subtracts from the
; workloads' times. Its checksum is always 00000000.
; Assemble: nasm -f bin -I tests/guests/ -I bench/ -o empty.rom bench/empty.asm
%include "bench.inc"

start:
	BENCH_START name, pm_main

name:	db "empty", 0

section rom32
	bits 32

pm_main:
	xor	eax, eax
	jmp	bench_finish
