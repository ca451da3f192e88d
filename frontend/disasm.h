/* disasm.h: guest (and later host) code as text, through capstone.
 *
 * The stepper shows the instructions around EIP in the syntax people read
 * in manuals; popek's own decoder (cpu/decode.c) knows lengths and classes
 * but not operand text, so capstone supplies the text. Guest code is 16- or
 * 32-bit x86 (the code segment's D bit says which); 64-bit mode is for the
 * host code the binary translator will emit.
 */
#ifndef POPEK_FRONTEND_DISASM_H
#define POPEK_FRONTEND_DISASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum disasm_mode { DISASM_16, DISASM_32, DISASM_64, DISASM_MODES };

struct disasm {
	size_t handle[DISASM_MODES]; /* capstone handles (csh), 0 when not open */
	bool open[DISASM_MODES];
};

/* Opens the three capstone handles. Returns 0, or -1 with a one-line
 * reason in err. */
int disasm_open(struct disasm *d, char *err, size_t errlen);
void disasm_close(struct disasm *d);

/* Disassembles one instruction of `avail` bytes at `addr` (the address
 * relative targets are computed from: EIP within CS for guest code). Writes
 * "mnemonic operands" to text and returns the instruction's length, or 0
 * when the bytes are not an instruction capstone knows (text says "(bad)"). */
unsigned disasm_one(struct disasm *d, enum disasm_mode mode, const uint8_t *bytes, size_t avail,
		    uint64_t addr, char *text, size_t textlen);

#endif
