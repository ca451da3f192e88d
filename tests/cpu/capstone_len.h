/* capstone_len.h: the one thing the decoder cross-check asks capstone, the
 * length of an instruction. Kept in its own file because capstone's x86
 * header declares an `x86_insn` of its own, which clashes with ours. */
#ifndef POPEK_TESTS_CAPSTONE_LEN_H
#define POPEK_TESTS_CAPSTONE_LEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct capstone_len;

/* A 16-bit or 32-bit x86 disassembler; NULL on failure. */
struct capstone_len *capstone_len_open(bool code32);
void capstone_len_close(struct capstone_len *c);

/* Length of the instruction at b[0..n), or 0 when capstone rejects it. When
 * `text` is given, the disassembly is written there. */
unsigned capstone_len(struct capstone_len *c, const uint8_t *b, unsigned n, char *text,
		      size_t text_size);

#endif
