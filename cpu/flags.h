/* flags.h: computing the arithmetic flags exactly.
 *
 * Flags are kept eagerly in cpu->eflags. Each helper returns the six
 * arithmetic flag bits (CF PF AF ZF SF OF) for an operation of `size` bytes;
 * the handler merges them with flags_set_arith(). Where an instruction leaves
 * a flag "undefined", the handlers produce what P6-class hardware produces
 * where that is known (and the single-instruction tests check it).
 */
#ifndef POPEK_CPU_FLAGS_H
#define POPEK_CPU_FLAGS_H

#include "cpu/cpu.h"

/* Parity of each byte value: FLAG_PF when the number of set bits is even. */
extern const uint8_t flags_parity[256];

static inline uint32_t size_mask(unsigned size)
{
	return size == 4 ? 0xFFFFFFFFu : ((1u << (size * 8)) - 1);
}

static inline uint32_t size_sign(unsigned size)
{
	return 1u << (size * 8 - 1);
}

/* Sign-extends the low `size` bytes of v. */
static inline uint32_t sign_extend(uint32_t v, unsigned size)
{
	if (size == 1)
		return (uint32_t)(int32_t)(int8_t)v;
	if (size == 2)
		return (uint32_t)(int32_t)(int16_t)v;
	return v;
}

/* ZF, SF and PF of a result. */
static inline uint32_t flags_szp(uint32_t res, unsigned size)
{
	res &= size_mask(size);
	uint32_t f = flags_parity[res & 0xFF];
	if (res == 0)
		f |= FLAG_ZF;
	if (res & size_sign(size))
		f |= FLAG_SF;
	return f;
}

/* a + b + carry_in = res */
static inline uint32_t flags_add_c(unsigned size, uint32_t a, uint32_t b, uint32_t carry_in)
{
	uint32_t m = size_mask(size);
	a &= m;
	b &= m;
	uint64_t wide = (uint64_t)a + b + carry_in;
	uint32_t res = (uint32_t)wide & m;
	uint32_t f = flags_szp(res, size);
	if (wide > m)
		f |= FLAG_CF;
	if ((a ^ b ^ res) & 0x10)
		f |= FLAG_AF;
	if ((~(a ^ b) & (a ^ res)) & size_sign(size))
		f |= FLAG_OF;
	return f;
}

/* a - b - borrow_in = res (SUB, SBB, CMP, NEG as 0 - b) */
static inline uint32_t flags_sub_c(unsigned size, uint32_t a, uint32_t b, uint32_t borrow_in)
{
	uint32_t m = size_mask(size);
	a &= m;
	b &= m;
	uint32_t res = (a - b - borrow_in) & m;
	uint32_t f = flags_szp(res, size);
	if ((uint64_t)a < (uint64_t)b + borrow_in)
		f |= FLAG_CF;
	if ((a ^ b ^ res) & 0x10)
		f |= FLAG_AF;
	if (((a ^ b) & (a ^ res)) & size_sign(size))
		f |= FLAG_OF;
	return f;
}

#if (defined(__x86_64__) || defined(__i386__)) && !defined(POPEK_PORTABLE_FLAGS)
/* On an x86 host the host's own ADD/ADC and SUB/SBB produce exactly the
 * guest's flags: LAHF copies SF ZF AF PF CF into AH at their EFLAGS bit
 * positions and SETO gives OF. (PUSHF is avoided: it would write below the
 * stack pointer, where the compiler may keep data.) The portable versions
 * above stay the reference; tests/cpu/test_flags.c checks that both agree. */
#define FLAGS_HOST_ASM(insn8, insn16, insn32)                                                \
	uint32_t ax = 0;                                                                     \
	uint8_t of;                                                                          \
	switch (size) {                                                                      \
	case 1: {                                                                            \
		uint8_t x = (uint8_t)a;                                                      \
		__asm__("btl $0, %[c]\n\t" insn8 " %[y], %[x]\n\tlahf\n\tseto %[o]"          \
			: [x] "+q"(x), [o] "=q"(of), "+a"(ax)                                \
			: [y] "q"((uint8_t)b), [c] "r"(carry)                                \
			: "cc");                                                             \
		break;                                                                       \
	}                                                                                    \
	case 2: {                                                                            \
		uint16_t x = (uint16_t)a;                                                    \
		__asm__("btl $0, %[c]\n\t" insn16 " %[y], %[x]\n\tlahf\n\tseto %[o]"         \
			: [x] "+r"(x), [o] "=q"(of), "+a"(ax)                                \
			: [y] "r"((uint16_t)b), [c] "r"(carry)                               \
			: "cc");                                                             \
		break;                                                                       \
	}                                                                                    \
	default: {                                                                           \
		uint32_t x = a;                                                              \
		__asm__("btl $0, %[c]\n\t" insn32 " %[y], %[x]\n\tlahf\n\tseto %[o]"         \
			: [x] "+r"(x), [o] "=q"(of), "+a"(ax)                                \
			: [y] "r"(b), [c] "r"(carry)                                         \
			: "cc");                                                             \
		break;                                                                       \
	}                                                                                    \
	}                                                                                    \
	return ((ax >> 8) & (FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF | FLAG_CF)) |              \
	       ((uint32_t)of << 11)

static inline uint32_t flags_add(unsigned size, uint32_t a, uint32_t b, uint32_t carry)
{
	FLAGS_HOST_ASM("adcb", "adcw", "adcl");
}

static inline uint32_t flags_sub(unsigned size, uint32_t a, uint32_t b, uint32_t carry)
{
	FLAGS_HOST_ASM("sbbb", "sbbw", "sbbl");
}
#undef FLAGS_HOST_ASM
#else
static inline uint32_t flags_add(unsigned size, uint32_t a, uint32_t b, uint32_t carry)
{
	return flags_add_c(size, a, b, carry);
}

static inline uint32_t flags_sub(unsigned size, uint32_t a, uint32_t b, uint32_t carry)
{
	return flags_sub_c(size, a, b, carry);
}
#endif

/* AND, OR, XOR, TEST: CF=OF=0, AF=0 (as P6 hardware leaves it). */
static inline uint32_t flags_logic(unsigned size, uint32_t res)
{
	return flags_szp(res, size);
}

/* Replaces the arithmetic flags selected by `mask` with those in `bits`. */
static inline void flags_set(struct cpu *cpu, uint32_t mask, uint32_t bits)
{
	cpu->eflags = (cpu->eflags & ~mask) | (bits & mask);
}

static inline void flags_set_arith(struct cpu *cpu, uint32_t bits)
{
	flags_set(cpu, FLAGS_ARITH, bits);
}

/* Condition codes 0-15 as in Jcc/SETcc/CMOVcc (O NO B AE E NE BE A S NS P
 * NP L GE LE G). */
static inline bool cpu_cond(const struct cpu *cpu, unsigned cc)
{
	uint32_t f = cpu->eflags;
	bool r;
	switch (cc >> 1) {
	case 0: r = f & FLAG_OF; break;
	case 1: r = f & FLAG_CF; break;
	case 2: r = f & FLAG_ZF; break;
	case 3: r = f & (FLAG_CF | FLAG_ZF); break;
	case 4: r = f & FLAG_SF; break;
	case 5: r = f & FLAG_PF; break;
	case 6: r = !(f & FLAG_SF) != !(f & FLAG_OF); break;
	default: r = (f & FLAG_ZF) || (!(f & FLAG_SF) != !(f & FLAG_OF)); break;
	}
	return (cc & 1) ? !r : r;
}

#endif
