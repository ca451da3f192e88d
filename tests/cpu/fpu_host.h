/* fpu_host.h: runs one x87 instruction on the host's own x87 and on the
 * emulated one from the same state, for the bit-exact comparison tests.
 *
 * Host side (x86-64 only): a few bytes of code are generated into an
 * executable page: load EFLAGS and RAX, FRSTOR the state image, the
 * instruction under test, FNSAVE the state image, store EFLAGS and RAX.
 * FNSAVE does not wait, so an unmasked exception the instruction raises is
 * recorded in the image and cleared, never delivered. A memory operand is
 * encoded as [rSI] (ModRM mod 0, rm 6), which the emulator decodes as [ESI]
 * in 32-bit code with the same bytes.
 *
 * Emulator side: the same image goes into cpu->fpu through fpu_load_save
 * (32-bit protected-mode layout), the same bytes through the decoder, and
 * the handler runs on the bare CPU of handler_env.h.
 */
#ifndef POPEK_TESTS_FPU_HOST_H
#define POPEK_TESTS_FPU_HOST_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu/fpu.h"
#include "handler_env.h"

#if defined(__x86_64__) && defined(__linux__)
#define FPU_HOST_AVAILABLE 1
#include <sys/mman.h>
#else
#define FPU_HOST_AVAILABLE 0
#endif

#define FPU_IMG_SIZE 108 /* 28-byte environment + 8 x 10-byte registers */
#define FPU_MEM_MAX 16

/* One run's inputs and outputs. */
struct fpu_case {
	uint8_t img[FPU_IMG_SIZE]; /* in: state; out: state after */
	uint8_t mem[FPU_MEM_MAX];  /* the memory operand, in and out */
	uint64_t rflags;           /* in and out */
	uint64_t rax;              /* in and out */
};

/* --- a small deterministic generator --------------------------------------- */

static inline uint64_t fh_rand(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static inline unsigned fh_below(uint64_t *s, unsigned n)
{
	return (unsigned)(fh_rand(s) % n);
}

/* An extended value from one of the classes that matter: zeros,
 * denormals, pseudo-denormals, normals near 1, across the range and near
 * its ends, short significands (exact results, ties), integers,
 * infinities, QNaNs, SNaNs, the indefinite, unnormals, pseudo-NaNs. */
static inline void fh_f80(uint64_t *s, uint64_t *sig, uint16_t *se)
{
	uint16_t sign = (fh_rand(s) & 1) ? 0x8000 : 0;
	uint64_t m = fh_rand(s) | 0x8000000000000000ull;
	if (fh_below(s, 3) == 0) /* short significand */
		m &= ~((1ull << fh_below(s, 64)) - 1) | 0x8000000000000000ull;
	unsigned e;
	static const int16_t edges[] = {
		-126, -127, -149, -150, 127, 128, -1022, -1023, -1074, -1075, 1023, 1024,
		15, 14, 16, 31, 30, 32, 63, 62, 64, 59, 60, -1, -2,
	};
	switch (fh_below(s, 32)) {
	case 28: case 29: case 30: case 31: /* format and integer limits */
		e = (unsigned)(0x3FFF + edges[fh_below(s, sizeof(edges) / sizeof(edges[0]))]);
		if (fh_rand(s) & 1)
			m = ~0ull << fh_below(s, 64);
		break;
	case 24: e = fh_below(s, 3); m = ~0ull << fh_below(s, 40); break; /* min normal edge */
	case 25: e = 1 + fh_below(s, 0x7FFE); m = ~0ull << fh_below(s, 64); break; /* below 2^k */
	case 26: e = 0x7FFE - fh_below(s, 3); m = ~0ull << fh_below(s, 64); break; /* max edge */
	case 27: e = 0x3FFF - fh_below(s, 2); m = 0x8000000000000000ull | (fh_rand(s) >> fh_below(s, 64)); break;
	case 0: m = 0; e = 0; break;
	case 1: m >>= 1 + fh_below(s, 63); e = 0; break;              /* denormal */
	case 2: e = 0; break;                                        /* pseudo-denormal */
	case 3: e = 0x7FFF; m = 0x8000000000000000ull; break;        /* infinity */
	case 4: e = 0x7FFF; m |= 0x4000000000000000ull; break;       /* QNaN */
	case 5: e = 0x7FFF; m &= ~0x4000000000000000ull; m |= 1; break; /* SNaN */
	case 6: e = 0x7FFF; m = 0xC000000000000000ull; sign = 0x8000; break;
	case 7: e = 1 + fh_below(s, 0x7FFE); m &= 0x7FFFFFFFFFFFFFFFull; break; /* unnormal */
	case 8: e = 1 + fh_below(s, 70); break;                      /* near the bottom */
	case 9: e = 0x7FFE - fh_below(s, 70); break;                 /* near the top */
	case 10: e = 1 + fh_below(s, 0x7FFE); break;
	case 11: /* small integers */
		e = 0x3FFF + fh_below(s, 20);
		m &= ~((1ull << (63 - (e - 0x3FFF))) - 1);
		break;
	case 12: e = 0x3FFF + fh_below(s, 64) - 32; break;
	case 13: e = 0x3FFF + fh_below(s, 70) - 3; break;             /* around 2^63 */
	default: e = 0x3FFF + fh_below(s, 16) - 8; break;              /* near 1 */
	}
	if (fh_below(s, 16) == 0 && e != 0 && e != 0x7FFF)
		m = 0x8000000000000000ull | (fh_rand(s) & 7) << fh_below(s, 61); /* ties */
	*sig = m;
	*se = (uint16_t)(sign | e);
}

/* A memory operand of `size` bytes for a real format: special classes and
 * random bits. Integers get extremes now and then. */
static inline void fh_mem_real(uint64_t *s, uint8_t *mem, unsigned size)
{
	uint64_t v = fh_rand(s);
	unsigned ebits = size == 4 ? 8 : 11, mbits = size == 4 ? 23 : 52;
	uint64_t emax = (1u << ebits) - 1;
	uint64_t sign = (uint64_t)(fh_rand(s) & 1) << (ebits + mbits);
	uint64_t frac = v & ((1ull << mbits) - 1), e;
	switch (fh_below(s, 10)) {
	case 0: e = 0; frac = 0; break;
	case 1: e = 0; break;
	case 2: e = emax; frac = 0; break;
	case 3: e = emax; frac |= 1; break;
	case 4: e = emax - 1 - fh_below(s, 3); break;
	case 5: e = 1 + fh_below(s, 3); break;
	default: e = (emax >> 1) + fh_below(s, 40) - 20; break;
	}
	v = sign | (e << mbits) | frac;
	memcpy(mem, &v, size);
}

static inline void fh_mem_int(uint64_t *s, uint8_t *mem, unsigned size)
{
	uint64_t v = fh_rand(s);
	switch (fh_below(s, 6)) {
	case 0: v = 0; break;
	case 1: v = 1ull << (size * 8 - 1); break;
	case 2: v = (uint64_t)(int64_t)(int8_t)v; break;
	default: break;
	}
	memcpy(mem, &v, size);
}

/* A random state image with nothing pending: exception flags only where
 * masked, random tags (empty now and then), TOP and condition codes. */
static inline void fh_state(uint64_t *s, struct fpu_case *c, bool unmask)
{
	memset(c, 0, sizeof(*c));
	static const uint16_t pcs[] = { 0x000, 0x200, 0x300, 0x300, 0x300, 0x100 };
	uint16_t cw = (uint16_t)(0x0040 | (fh_below(s, 4) << 10) | pcs[fh_below(s, 6)]);
	cw |= unmask ? (uint16_t)(fh_rand(s) & 0x3F) : 0x3F;
	uint16_t flags = (uint16_t)(fh_rand(s) & cw & 0x3F);
	uint16_t sw = (uint16_t)((fh_rand(s) & 0x4700) | (fh_below(s, 8) << 11) | flags);
	uint16_t tw = 0;
	for (int i = 0; i < 8; i++)
		if (fh_below(s, 10) == 0)
			tw |= (uint16_t)(3u << (2 * i));
	uint8_t *p = c->img;
	p[0] = (uint8_t)cw;
	p[1] = (uint8_t)(cw >> 8);
	p[4] = (uint8_t)sw;
	p[5] = (uint8_t)(sw >> 8);
	p[8] = (uint8_t)tw;
	p[9] = (uint8_t)(tw >> 8);
	for (int i = 0; i < 8; i++) {
		uint64_t sig;
		uint16_t se;
		fh_f80(s, &sig, &se);
		memcpy(p + 28 + 10 * i, &sig, 8);
		memcpy(p + 36 + 10 * i, &se, 2);
	}
	c->rflags = 0x202 | (fh_rand(s) & 0x8D5);
	c->rax = fh_rand(s);
}

/* --- host ------------------------------------------------------------------ */

#if FPU_HOST_AVAILABLE
struct fh_host_io {
	uint8_t img[FPU_IMG_SIZE];
	uint8_t pad[4];
	uint64_t rflags; /* offset 112 */
	uint64_t rax;    /* offset 120 */
};
typedef void (*fh_host_fn)(struct fh_host_io *io, void *mem, uint64_t rflags, uint64_t rax);

/* Returns an executable page (kept for the whole test run). */
static inline uint8_t *fh_host_page(void)
{
	static uint8_t *page;
	if (!page) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		page = p == MAP_FAILED ? NULL : p;
	}
	return page;
}

/* Runs `insn` on the host x87. Returns false when no executable page. */
static inline bool fh_run_host(struct fpu_case *c, const uint8_t *insn, unsigned len)
{
	uint8_t *code = fh_host_page();
	if (!code)
		return false;
	static const uint8_t pro[] = { 0x52, 0x9D, 0x48, 0x89, 0xC8, 0xDD, 0x27 };
	static const uint8_t epi[] = { 0xDD, 0x37, 0x9C, 0x59, 0x48, 0x89, 0x4F,
				       0x70, 0x48, 0x89, 0x47, 0x78, 0xC3 };
	unsigned n = 0;
	memcpy(code + n, pro, sizeof(pro));
	n += sizeof(pro);
	memcpy(code + n, insn, len);
	n += len;
	memcpy(code + n, epi, sizeof(epi));
	__builtin___clear_cache((char *)code, (char *)code + 64);
	struct fh_host_io io;
	memcpy(io.img, c->img, FPU_IMG_SIZE);
	((fh_host_fn)(void *)code)(&io, c->mem, c->rflags, c->rax);
	memcpy(c->img, io.img, FPU_IMG_SIZE);
	c->rflags = io.rflags;
	c->rax = io.rax;
	return true;
}
#endif

static inline bool fh_host_page_ok(void)
{
#if FPU_HOST_AVAILABLE
	return fh_host_page() != NULL;
#else
	return false;
#endif
}

/* --- emulator -------------------------------------------------------------- */

#define FH_DS_OFF 0x100u

/* Runs `insn` on the emulated x87 (32-bit code, operand at DS:ESI).
 * Returns the exception vector the instruction raised, or -1. */
static inline int fh_run_emu(struct env *e, struct fpu_case *c, const uint8_t *insn, unsigned len)
{
	struct cpu *cpu = &e->cpu;
	uint32_t lin = (ENV_DS << 4) + FH_DS_OFF;
	fpu_load_save(&cpu->fpu, FPU_ENV_32_PROT, c->img);
	phys_write_block(&e->pm, lin, c->mem, FPU_MEM_MAX);
	cpu->regs[REG_ESI] = FH_DS_OFF;
	cpu->regs[REG_EAX] = (uint32_t)c->rax;
	cpu->eflags = (uint32_t)(c->rflags & 0x8D5) | FLAG_1;
	struct x86_insn in;
	if (x86_decode(&in, insn, len, true) != X86_DECODE_OK)
		return EXC_UD;
	cpu->eip = 0x100;
	cpu->next_eip = 0x100 + in.len;
	int vec = env_exec(e, in.op->handler, &in);
	fpu_store_save(&cpu->fpu, FPU_ENV_32_PROT, c->img);
	phys_read_block(&e->pm, lin, c->mem, FPU_MEM_MAX);
	c->rflags = (c->rflags & ~0x8D5ull) | (cpu->eflags & 0x8D5);
	c->rax = (c->rax & ~0xFFFFFFFFull) | cpu->regs[REG_EAX];
	return vec;
}

/* --- comparison ------------------------------------------------------------ */

/* What a comparison looks at: the control, status and tag words and the
 * eight registers of the image (not the instruction and operand pointers,
 * which are the host's), the memory operand, the arithmetic flags and AX. */
static inline bool fh_same(const struct fpu_case *a, const struct fpu_case *b, uint16_t sw_ignore)
{
	uint16_t swa = (uint16_t)((a->img[4] | (a->img[5] << 8)) & ~sw_ignore);
	uint16_t swb = (uint16_t)((b->img[4] | (b->img[5] << 8)) & ~sw_ignore);
	return memcmp(a->img, b->img, 2) == 0 && swa == swb && memcmp(a->img + 8, b->img + 8, 2) == 0 &&
	       memcmp(a->img + 28, b->img + 28, 80) == 0 && memcmp(a->mem, b->mem, FPU_MEM_MAX) == 0 &&
	       (a->rflags & 0x8D5) == (b->rflags & 0x8D5) && (uint16_t)a->rax == (uint16_t)b->rax;
}

static inline void fh_print_regs(const char *tag, const struct fpu_case *c)
{
	printf("  %s cw=%04x sw=%04x tw=%04x fl=%03x ax=%04x mem=", tag,
	       c->img[0] | (c->img[1] << 8), c->img[4] | (c->img[5] << 8),
	       c->img[8] | (c->img[9] << 8), (unsigned)(c->rflags & 0x8D5), (unsigned)(uint16_t)c->rax);
	for (int i = 9; i >= 0; i--)
		printf("%02x", c->mem[i]);
	printf("\n    ");
	for (int i = 0; i < 8; i++) {
		uint64_t sig;
		uint16_t se;
		memcpy(&sig, c->img + 28 + 10 * i, 8);
		memcpy(&se, c->img + 36 + 10 * i, 2);
		printf("st%d=%04x:%016llx%s", i, se, (unsigned long long)sig, i == 3 ? "\n    " : " ");
	}
	printf("\n");
}

#endif
