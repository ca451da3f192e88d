/* opcode.h: the format of the opcode table, the one source of truth.
 *
 * cpu/opcode_table.c has one entry per opcode (one-byte map, 0F map, and
 * 8-entry groups selected by ModRM.reg). Each entry says how to decode the
 * instruction (FORM_* bits), which flags it reads and writes, what kind of
 * instruction it is (CLS_* bits: the translator's block scanner and the
 * stepper read these) and which handler executes it. The decoder, the
 * interpreter, the translator and the stepper all read this table; nothing
 * else knows opcode numbers.
 */
#ifndef POPEK_CPU_OPCODE_H
#define POPEK_CPU_OPCODE_H

#include <stdint.h>

struct cpu;
struct x86_insn;

/* Every instruction is executed by a handler of this one signature. */
typedef void (*x86_handler)(struct cpu *cpu, const struct x86_insn *in);

/* Decoding form bits. */
enum {
	FORM_MODRM = 1u << 0,    /* a ModRM byte follows the opcode */
	FORM_IMM8 = 1u << 1,     /* 8-bit immediate, zero-extended */
	FORM_IMM8S = 1u << 2,    /* 8-bit immediate, sign-extended to 32 bits */
	FORM_IMM16 = 1u << 3,    /* 16-bit immediate */
	FORM_IMMZ = 1u << 4,     /* 16 or 32 bits by operand size */
	FORM_MOFFS = 1u << 5,    /* 16 or 32-bit offset by *address* size (A0-A3) */
	FORM_FARPTR = 1u << 6,   /* offset (16/32 by operand size) then selector */
	FORM_ENTER = 1u << 7,    /* imm16 then imm8 (ENTER) */
	FORM_MEM_ONLY = 1u << 8, /* ModRM must name memory, else #UD */
	FORM_REG_ONLY = 1u << 9, /* ModRM always names a register; mod is ignored
	                            (MOV CRn/DRn): no displacement follows */
	FORM_BYTE = 1u << 10,    /* operates on bytes (for the stepper and docs) */
	FORM_GROUP = 1u << 11,   /* entry is a group: use group[reg] */
	FORM_FPU = 1u << 12,     /* x87 escape (D8-DF): ModRM, any form */
};

/* Classes, for the translator and the stepper. */
enum {
	CLS_PRIV = 1u << 0,       /* CPL 0 only (#GP otherwise) */
	CLS_IOPL = 1u << 1,       /* IOPL-sensitive (CLI, STI, IN, OUT, PUSHF in V86...) */
	CLS_ENDS_BLOCK = 1u << 2, /* ends a basic block (control transfer, mode change) */
	CLS_VMM = 1u << 3,        /* rewritten into a call to a vmm_* routine */
	CLS_LOCKABLE = 1u << 4,   /* LOCK allowed (with a memory destination) */
	CLS_UNDEFINED = 1u << 5,  /* #UD */
	CLS_STRING = 1u << 6,     /* honours REP prefixes */
	CLS_BRANCH = 1u << 7,     /* relative branch with the target in imm */
	CLS_PREFIX = 1u << 8,     /* a prefix byte (the decoder consumes it) */
};

/* Flag masks for flags_read / flags_written: the low EFLAGS bits. */
#define F_CF 0x001u
#define F_PF 0x004u
#define F_AF 0x010u
#define F_ZF 0x040u
#define F_SF 0x080u
#define F_DF 0x400u
#define F_OF 0x800u
#define F_ALL_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)
#define F_ALL 0xFFFFu /* reads or writes (potentially) every flag */

struct opcode_info {
	const char *name;            /* mnemonic, lower case */
	x86_handler handler;         /* NULL only for group headers */
	uint16_t form;               /* FORM_* */
	uint16_t cls;                /* CLS_* */
	uint16_t flags_read;         /* F_* */
	uint16_t flags_written;      /* F_* (including undefined ones) */
	uint8_t aux;                 /* handler parameter: ALU op, condition, segment... */
	const struct opcode_info *group; /* FORM_GROUP: 8 entries by ModRM.reg */
	/* Optional: picks, once at decode time, a handler specialised for
	 * this instance (say, ADD with two 32-bit registers) that behaves
	 * exactly like `handler`; NULL to always use `handler`. */
	x86_handler (*specialize)(const struct x86_insn *in);
};

/* The maps: one-byte opcodes and the 0F two-byte map. */
extern const struct opcode_info opcode_map1[256];
extern const struct opcode_info opcode_map2[256];

/* Entry for undefined encodings (raises #UD). */
extern const struct opcode_info opcode_undefined;

#endif
