/* fpu.h: the x87 floating-point unit's state and its interface to the rest
 * of the CPU.
 *
 * The x87 lives inside struct cpu (cpu->fpu). Its arithmetic is done in
 * software on the 80-bit extended format (cpu/fpu_float80.c), never with the
 * host's floating point, so results are the same on every host. The
 * instruction families are split by file:
 *   fpu_float80.c       the soft-float core: rounding, + - * / sqrt, compare,
 *                       conversions between formats
 *   fpu_dispatch.c      op_fpu_esc: the second-level table (D8-DF by ModRM)
 *                       and what every escape does first (#NM, pending #MF,
 *                       instruction and operand pointers)
 *   fpu_load_store.c    FLD/FST/FILD/FIST/FBLD/FBSTP and the constants
 *   fpu_arith.c         arithmetic, FCHS...FXTRACT, FPREM, stack operations
 *   fpu_compare.c       FCOM/FUCOM/FICOM/FTST/FXAM/FCOMI/FCMOVcc
 *   fpu_control.c       FNINIT, FLDCW/FSTCW/FSTSW, FCLEX, FSTENV/FLDENV,
 *                       FSAVE/FRSTOR, FWAIT and unmasked-exception delivery
 *   fpu_transcendental.c FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X FYL2XP1
 *   fpu_xfloat.c        the 128-bit working precision the transcendentals
 *                       are evaluated in
 * and cpu/fpu_internal.h is what these files share (the register stack,
 * exception bookkeeping, memory operands, the handler list).
 *
 * Unmasked exceptions: an instruction that raises an unmasked exception
 * only records it (status word ES and B), and the FERR# output (fpu.ferr)
 * goes up with ES, as a P6 asserts it at the end of that instruction. The
 * next waiting x87 instruction (or WAIT) then signals it: #MF when
 * CR0.NE=1; with CR0.NE=0 (a PC wires FERR# to IRQ13) it waits instead,
 * restarting until an interrupt handler has dealt with the error: cleared
 * it, or asserted IGNNE# through fpu_set_ignne().
 */
#ifndef POPEK_CPU_FPU_H
#define POPEK_CPU_FPU_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;
struct x86_insn;

/* An 80-bit extended-precision value: the 64-bit significand with its
 * explicit integer bit (bit 63), and the sign (bit 15) with the biased
 * 15-bit exponent (bits 0-14). */
typedef struct fpu_f80 {
	uint64_t sig;
	uint16_t se;
} fpu_f80;

/* Status word bits. */
enum {
	FSW_IE = 1u << 0, /* invalid operation */
	FSW_DE = 1u << 1, /* denormal operand */
	FSW_ZE = 1u << 2, /* zero divide */
	FSW_OE = 1u << 3, /* overflow */
	FSW_UE = 1u << 4, /* underflow */
	FSW_PE = 1u << 5, /* precision (inexact) */
	FSW_SF = 1u << 6, /* stack fault (with IE; C1 tells overflow) */
	FSW_ES = 1u << 7, /* error summary: an unmasked exception is pending */
	FSW_C0 = 1u << 8,
	FSW_C1 = 1u << 9,
	FSW_C2 = 1u << 10,
	FSW_TOP_SHIFT = 11,
	FSW_TOP = 7u << 11,
	FSW_C3 = 1u << 14,
	FSW_B = 1u << 15, /* busy: mirrors ES */
};
#define FSW_EXC_MASK 0x003Fu /* the six exception flags */
#define FSW_CC (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)

/* Control word fields. Bits 0-5 mask the exceptions of the same bits of
 * the status word. */
enum {
	FCW_PC_SHIFT = 8, /* precision control: 0 = 24, 2 = 53, 3 = 64 bits */
	FCW_RC_SHIFT = 10, /* rounding control: enum fpu_rc */
	FCW_IC = 1u << 12, /* infinity control: kept, no effect */
};
enum fpu_rc { FPU_RC_NEAREST = 0, FPU_RC_DOWN = 1, FPU_RC_UP = 2, FPU_RC_CHOP = 3 };

/* Full two-bit tags as FSTENV/FSAVE store them. */
enum { FPU_TAG_VALID = 0, FPU_TAG_ZERO = 1, FPU_TAG_SPECIAL = 2, FPU_TAG_EMPTY = 3 };

/* Layouts of the environment image (FSTENV/FLDENV, FSAVE/FRSTOR): 14 bytes
 * for a 16-bit operand size, 28 for 32-bit, each in a real-mode (and
 * virtual-8086) variant with linear pointers and a protected-mode variant
 * with selector:offset pointers. */
enum fpu_env_format {
	FPU_ENV_16_REAL,
	FPU_ENV_16_PROT,
	FPU_ENV_32_REAL,
	FPU_ENV_32_PROT,
};

struct fpu {
	fpu_f80 reg[8];  /* physical registers R0-R7; ST(i) is R((TOP+i) & 7) */
	uint16_t cw;
	uint16_t sw;     /* TOP lives in its bits 11-13 */
	uint8_t empty;   /* bit i set: R(i) is empty (tag 11); the other tags
	                    are computed from the contents when stored */
	/* Last non-control instruction: its CS:EIP, the 11-bit opcode (low
	 * three bits of the escape byte, then the ModRM byte), and the
	 * segment:offset of its memory operand. */
	uint16_t fcs, fop, fds;
	uint32_t fip, fdp;

	/* FERR# output, wired by the machine to IRQ13 (CR0.NE=0 error
	 * reporting); it follows the status word's ES bit, as a P6 asserts it
	 * at the end of the instruction that raised the unmasked exception.
	 * NULL when nothing is connected (errors are then ignored when
	 * CR0.NE=0). */
	void (*ferr)(void *opaque, bool level);
	void *ferr_opaque;
	bool ferr_level; /* FERR# asserted */
	bool ignne;      /* IGNNE# asserted: errors are ignored while FERR# is */
};

/* Power-on / RESET state (Intel SDM vol. 3, table 9-1): CW 0040h, SW 0,
 * every register +0.0 and tagged valid (tag word 5555h), pointers 0. INIT
 * leaves the x87 alone. The FERR# wiring survives. */
void fpu_reset(struct fpu *f);

/* The FNINIT state: CW 037Fh, SW 0, all registers empty, pointers 0. */
void fpu_init_state(struct fpu *f);

/* IGNNE# input: a PC asserts it when software writes port F0h after an
 * IRQ13, and drops it when FERR# goes inactive (which fpu does itself). */
void fpu_set_ignne(struct fpu *f, bool level);

/* Before WAIT and every waiting x87 instruction: signals a pending unmasked
 * exception. With CR0.NE=1 that is #MF (cpu_raise, no return). With
 * CR0.NE=0 the CPU freezes until an interrupt: FERR# is asserted, the
 * instruction is to restart (next_eip = eip) and this returns false; the
 * caller then does nothing. Returns true when the instruction may go on:
 * nothing pending, IGNNE# asserted, or FERR# not wired. */
bool fpu_check_pending(struct cpu *cpu);

/* The full tag word, computed from the registers' contents. */
uint16_t fpu_tag_word(const struct fpu *f);

/* Environment images (see enum fpu_env_format) and the full FSAVE image
 * (environment followed by ST(0)..ST(7), 10 bytes each: 94 or 108 bytes),
 * to and from host buffers. fpu_load_env/fpu_load_save update ES/B from
 * the loaded status and control words. */
unsigned fpu_env_size(enum fpu_env_format fmt);
void fpu_store_env(const struct fpu *f, enum fpu_env_format fmt, uint8_t *out);
void fpu_load_env(struct fpu *f, enum fpu_env_format fmt, const uint8_t *in);
void fpu_store_save(const struct fpu *f, enum fpu_env_format fmt, uint8_t *out);
void fpu_load_save(struct fpu *f, enum fpu_env_format fmt, const uint8_t *in);

/* D8-DF: every x87 instruction goes through here (cpu/fpu_dispatch.c). */
void op_fpu_esc(struct cpu *cpu, const struct x86_insn *in);

/* The name of the x87 instruction an escape encodes ("fadd", "fld"...),
 * for the stepper and for tests; "(bad)" for an undefined one. */
const char *fpu_insn_name(const struct x86_insn *in);

#endif
