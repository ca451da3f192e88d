/* decode.h: turning instruction bytes into a struct x86_insn.
 *
 * The decoder is a pure function of the bytes and the code size: it touches
 * no CPU state, so the interpreter, the translator's block scanner, the
 * stepper and the tests all call it the same way.
 */
#ifndef POPEK_CPU_DECODE_H
#define POPEK_CPU_DECODE_H

#include <stdbool.h>

#include "cpu/insn.h"

enum x86_decode_status {
	X86_DECODE_OK = 0,
	X86_DECODE_MORE, /* the bytes end before the instruction does */
	X86_DECODE_UD,   /* undefined opcode or form: #UD */
	X86_DECODE_GP,   /* longer than 15 bytes: #GP(0) */
};

/* Decodes one instruction from `bytes` (`avail` of them are valid) for a
 * code segment of default size 32 (code32) or 16. On X86_DECODE_MORE, more
 * bytes are needed: call again with more (up to 15 are ever read). On
 * X86_DECODE_UD, in->len is the length consumed so far and in->op points to
 * the undefined entry. */
enum x86_decode_status x86_decode(struct x86_insn *in, const uint8_t *bytes, unsigned avail,
				  bool code32);

#endif
