/* insn.h: one decoded x86 instruction.
 *
 * The decoder (cpu/decode.c) turns instruction bytes into this fixed-size
 * record once; the interpreter, the translator and the stepper all read it.
 * Memory operands are pre-digested into base + index*scale + disp so that
 * 16- and 32-bit addressing compute the same way (16-bit results are then
 * wrapped to 16 bits).
 */
#ifndef POPEK_CPU_INSN_H
#define POPEK_CPU_INSN_H

#include <stdint.h>

struct opcode_info;
struct cpu;

#define X86_MAX_INSN_LEN 15
#define X86_NO_REG 0xFF

/* Repeat prefixes. */
enum { REP_NONE = 0, REP_E = 1 /* F3: REP / REPE */, REP_NE = 2 /* F2 */ };

struct x86_insn {
	const struct opcode_info *op; /* table entry (group entry resolved) */
	/* op->handler, copied so dispatch needs one load less. */
	void (*handler)(struct cpu *cpu, const struct x86_insn *in);
	uint16_t opcode;   /* 0x00-0xFF, or 0x100 | byte for 0F xx */
	uint8_t len;       /* total length in bytes, prefixes included */
	uint8_t opsize;    /* operand size of "v" operands: 2 or 4 */
	uint8_t adsize;    /* address size: 2 or 4 */
	uint8_t seg;       /* segment of the memory operand (override or default) */
	uint8_t seg_override; /* SEG_NONE when there is no prefix */
	uint8_t rep;       /* REP_NONE, REP_E, REP_NE */
	uint8_t lock;      /* LOCK prefix present */
	uint8_t has_modrm;
	uint8_t mod, reg, rm; /* ModRM fields */
	/* Memory operand (mod != 3): base and index register numbers or
	 * X86_NO_REG, scale as a shift count, displacement. */
	uint8_t ea_base, ea_index, ea_scale;
	int32_t disp;
	uint32_t imm;      /* first immediate (sign-extended where the form says) */
	uint32_t imm2;     /* second immediate: ENTER's level, a far pointer's selector */
};

/* True when the ModRM operand is a register. */
static inline int insn_rm_is_reg(const struct x86_insn *in)
{
	return in->mod == 3;
}

#endif
