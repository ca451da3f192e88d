/* golden_disasm.h: capstone behind a plain interface, for test_golden.c
 * (capstone's headers define an x86_insn of their own, which clashes with
 * popek's decoded instruction). */
#ifndef POPEK_TESTS_GOLDEN_DISASM_H
#define POPEK_TESTS_GOLDEN_DISASM_H

#include <stddef.h>
#include <stdint.h>

/* Disassembles up to `count` instructions (0: all) of `bits`-bit code
 * (16, 32 or 64) at `addr`, calling `each` for every one. Returns how many
 * it disassembled. */
size_t golden_disasm(int bits, const uint8_t *code, size_t len, uint64_t addr, size_t count,
		     void (*each)(void *ctx, uint64_t addr, unsigned size, const char *mnemonic,
				  const char *ops),
		     void *ctx);

#endif
