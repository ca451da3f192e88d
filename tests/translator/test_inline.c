/* test_inline.c: the translator's inline host code against the interpreter,
 * instruction family by instruction family.
 *
 * The random-bytes fuzzer (fuzz_insn --compare) reaches every instruction,
 * but rarely in the shapes the inline code generator specialises on (a
 * shift by each count, IMUL of each form, CALL/RET pairs, LOOP with each
 * count, a memory operand next to another one on the same segment...).
 * This test writes short programs made of exactly those shapes, with random
 * registers, flags, immediates and addresses, runs each program on two
 * machines, one with the interpreter and one with the translator's x86-64
 * backend, and compares the whole state afterwards: registers, EIP,
 * EFLAGS (every arithmetic flag, including the ones Intel leaves
 * undefined: the translator must produce the interpreter's), RAM,
 * exception counts and retired instructions. Programs run in real mode
 * (16-bit code, 66/67 prefixes for 32-bit operands) and in flat 32-bit
 * protected mode. A failing program is printed in hex with its seed.
 *
 * Usage (ctest runs it with no arguments): test_inline [PROGRAMS] [--seed S]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "translator/translator.h"
#include "vmm/clock.h"
#include "vmm/io_bus.h"
#include "vmm/phys_mem.h"

#define RAM_SIZE (1u << 20)
#define CODE 0x10000u   /* real mode: CS = 0x1000 */
#define HLT_AT 0xFF00u  /* CS offset of the HLT every real-mode vector points at */
#define DATA 0x20000u   /* real mode: DS = ES = 0x2000; flat: the data area */
#define STACK 0x30000u  /* real mode: SS = 0x3000; flat: the stack area */
#define GDT 0x0800u     /* flat mode: 0x08 code, 0x10 flat data, 0x18 data at 0x1000, 0x20 expand-down */
#define MAX_PROG 4096

struct machine1 {
	struct phys_mem pm;
	struct io_bus io;
	struct clock clk;
	struct cpu cpu;
	struct translator tr;
	bool bt;
};

static uint64_t rng(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static unsigned pick(uint64_t *s, unsigned n)
{
	return (unsigned)(rng(s) % n);
}

/* --- program generator ------------------------------------------------------- */

struct prog {
	uint8_t b[MAX_PROG];
	size_t n;
	bool code32;
};

static void p8(struct prog *p, unsigned v)
{
	if (p->n < MAX_PROG)
		p->b[p->n++] = (uint8_t)v;
}

static void pn(struct prog *p, uint32_t v, unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		p8(p, v >> (8 * i));
}

/* An operand-size prefix half of the time; returns the operand size. */
static unsigned opsize(struct prog *p, uint64_t *s)
{
	bool o = pick(s, 2);
	if (o)
		p8(p, 0x66);
	return (p->code32 != o) ? 4 : 2;
}

/* A register-direct ModRM. */
static void modrm_reg(struct prog *p, unsigned reg, unsigned rm)
{
	p8(p, 0xC0 | (reg & 7) << 3 | (rm & 7));
}

/* A memory ModRM (the prefixes are already out): mostly an absolute
 * address in the data area, sometimes an odd one or one at the end of the
 * segment (real mode: base registers too, whose random values send the
 * access anywhere in the segment, or past its end into #GP). */
static void modrm_mem(struct prog *p, uint64_t *s, unsigned reg)
{
	uint32_t off = pick(s, 4) ? (pick(s, 0x1000) * 4) : pick(s, 0x10000);
	if (!p->code32) {
		if (pick(s, 4) == 0) {
			p8(p, 0x40 | (reg & 7) << 3 | pick(s, 8)); /* [bx+si+d8] ... [bx+d8] */
			p8(p, pick(s, 256));
			return;
		}
		if (pick(s, 16) == 0)
			off = 0xFFFF - pick(s, 3);
		p8(p, 0x06 | (reg & 7) << 3); /* [disp16] */
		pn(p, off, 2);
		return;
	}
	if (pick(s, 4) == 0) {
		/* [ebp + esi*4 + disp32] with both set by the program's
		 * prologue to stay in the data area */
		p8(p, 0x84 | (reg & 7) << 3);
		p8(p, 2 << 6 | 6 << 3 | 5);
		pn(p, pick(s, 0x100) * 4, 4);
		return;
	}
	p8(p, 0x05 | (reg & 7) << 3); /* [disp32] */
	pn(p, DATA + off, 4);
}

static uint32_t shift_count(uint64_t *s)
{
	static const uint8_t counts[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 63, 255};
	return pick(s, 2) ? counts[pick(s, sizeof(counts))] : pick(s, 256);
}

/* A GPR other than ESP (and other than EBP/ESI in 32-bit code, which
 * address memory), for destinations. */
static unsigned dst_reg(struct prog *p, uint64_t *s)
{
	for (;;) {
		unsigned r = pick(s, 8);
		if (r == 4 || (p->code32 && (r == 5 || r == 6)))
			continue;
		return r;
	}
}

/* One instruction (or a small pattern) of the families with inline forms. */
static void gen_one(struct prog *p, uint64_t *s)
{
	unsigned v, k = pick(s, 21);
	switch (k) {
	case 0: /* ALU reg, reg (8/v, both directions) */
		v = opsize(p, s);
		p8(p, pick(s, 8) << 3 | pick(s, 4));
		modrm_reg(p, dst_reg(p, s), dst_reg(p, s));
		break;
	case 1: { /* ALU r/m, imm on a register */
		unsigned opc = (const unsigned[]){0x80, 0x81, 0x83}[pick(s, 3)];
		v = opsize(p, s);
		p8(p, opc);
		modrm_reg(p, pick(s, 8), dst_reg(p, s));
		pn(p, (uint32_t)rng(s), opc == 0x81 ? v : 1);
		break;
	}
	case 2: /* ALU with a memory operand, either direction */
		v = opsize(p, s);
		p8(p, pick(s, 8) << 3 | pick(s, 4));
		modrm_mem(p, s, dst_reg(p, s));
		break;
	case 3: { /* ALU mem, imm */
		unsigned opc = (const unsigned[]){0x80, 0x81, 0x83}[pick(s, 3)];
		v = opsize(p, s);
		p8(p, opc);
		modrm_mem(p, s, pick(s, 8));
		pn(p, (uint32_t)rng(s), opc == 0x81 ? v : 1);
		break;
	}
	case 4: { /* shifts and rotates of a register, by each kind of count */
		unsigned opc = 0xC0 + pick(s, 2) + (pick(s, 3) ? 0 : 0x10 + 2 * pick(s, 2));
		opsize(p, s);
		p8(p, opc);
		modrm_reg(p, pick(s, 8), dst_reg(p, s));
		if (opc < 0xD0)
			p8(p, shift_count(s));
		break;
	}
	case 5: { /* shifts of memory */
		unsigned opc = 0xC0 + pick(s, 2) + (pick(s, 2) ? 0 : 0x10);
		opsize(p, s);
		p8(p, opc);
		modrm_mem(p, s, pick(s, 8));
		if (opc < 0xD0)
			p8(p, shift_count(s));
		break;
	}
	case 6: { /* IMUL G, E / G, E, imm */
		unsigned form = pick(s, 3);
		v = opsize(p, s);
		if (form == 0) {
			p8(p, 0x0F);
			p8(p, 0xAF);
		} else {
			p8(p, form == 1 ? 0x69 : 0x6B);
		}
		if (pick(s, 3))
			modrm_reg(p, dst_reg(p, s), pick(s, 8));
		else
			modrm_mem(p, s, dst_reg(p, s));
		if (form)
			pn(p, (uint32_t)rng(s), form == 1 ? v : 1);
		break;
	}
	case 7: /* INC/DEC register, register or memory through FE/FF */
		if (pick(s, 2)) {
			opsize(p, s);
			p8(p, 0x40 + pick(s, 16));
			if ((p->b[p->n - 1] & 7) == 4)
				p->b[p->n - 1] ^= 1; /* not ESP */
			if (p->code32 && ((p->b[p->n - 1] & 7) == 5 || (p->b[p->n - 1] & 7) == 6))
				p->b[p->n - 1] &= ~4u;
		} else {
			opsize(p, s);
			p8(p, 0xFE + pick(s, 2));
			if (pick(s, 2))
				modrm_reg(p, pick(s, 2), dst_reg(p, s));
			else
				modrm_mem(p, s, pick(s, 2));
		}
		break;
	case 8: /* MOV forms, MOVZX/MOVSX, LEA */
		v = opsize(p, s);
		switch (pick(s, 5)) {
		case 0:
			p8(p, 0x88 + pick(s, 4));
			modrm_reg(p, dst_reg(p, s), dst_reg(p, s));
			break;
		case 1:
			p8(p, 0x88 + pick(s, 4));
			modrm_mem(p, s, dst_reg(p, s));
			break;
		case 2:
			p8(p, 0x0F);
			p8(p, (const unsigned[]){0xB6, 0xB7, 0xBE, 0xBF}[pick(s, 4)]);
			if (pick(s, 2))
				modrm_reg(p, dst_reg(p, s), pick(s, 8));
			else
				modrm_mem(p, s, dst_reg(p, s));
			break;
		case 3:
			p8(p, 0xC7);
			modrm_mem(p, s, 0);
			pn(p, (uint32_t)rng(s), v);
			break;
		default:
			p8(p, 0x8D);
			modrm_mem(p, s, dst_reg(p, s));
			break;
		}
		break;
	case 9: /* PUSH and POP; a stack frame and LEAVE */
		if (pick(s, 3) == 0) {
			bool o = !p->code32 && pick(s, 2);
			static const uint8_t frame[] = {0x55, 0x89, 0xE5, 0x83, 0xEC, 0x10, 0xC9};
			for (unsigned i = 0; i < sizeof(frame); i++) {
				if (o && (i == 0 || i == 1 || i == 3 || i == 6))
					p8(p, 0x66);
				p8(p, frame[i]);
			}
			break;
		}
		v = opsize(p, s);
		if (pick(s, 2)) {
			p8(p, 0x50 + pick(s, 8));
			p8(p, 0x58 + dst_reg(p, s));
		} else {
			p8(p, 0x68);
			pn(p, (uint32_t)rng(s), v);
		}
		break;
	case 10: /* Jcc over a two-byte instruction */
		if (pick(s, 2)) {
			p8(p, 0x70 + pick(s, 16));
			p8(p, 2);
		} else {
			/* (a 16-bit branch in 32-bit code would leave the
			 * program: its target wraps to 16 bits) */
			bool o = !p->code32 && pick(s, 2);
			if (o)
				p8(p, 0x66);
			p8(p, 0x0F);
			p8(p, 0x80 + pick(s, 16));
			pn(p, 2, (p->code32 != o) ? 4 : 2);
		}
		p8(p, 0xB0 + pick(s, 4)); /* mov r8, imm8 */
		p8(p, pick(s, 256));
		break;
	case 11: /* LOOP, LOOPE, LOOPNE, JCXZ (both address sizes) */
		if (pick(s, 2))
			p8(p, 0x67);
		p8(p, 0xE0 + pick(s, 4));
		p8(p, 2);
		p8(p, 0xB0 + pick(s, 4));
		p8(p, pick(s, 256));
		break;
	case 12: { /* CALL L / JMP over / L: RET (or RET 2 after a push) */
		bool o = !p->code32 && pick(s, 2);
		bool imm = pick(s, 2);
		unsigned sz = (p->code32 != o) ? 4 : 2;
		unsigned ret_len = (o ? 1 : 0) + (imm ? 3 : 1);
		if (imm) { /* the argument RET 2/4 releases */
			if (o)
				p8(p, 0x66);
			p8(p, 0x50 + pick(s, 8));
		}
		if (o)
			p8(p, 0x66);
		p8(p, 0xE8);
		pn(p, 2, sz);
		p8(p, 0xEB);
		p8(p, ret_len);
		if (o)
			p8(p, 0x66);
		if (imm) {
			p8(p, 0xC2);
			pn(p, sz, 2);
		} else {
			p8(p, 0xC3);
		}
		break;
	}
	case 13: /* NOT, NEG, TEST on registers */
		v = opsize(p, s);
		p8(p, 0xF6 + pick(s, 2));
		{
			unsigned r = (const unsigned[]){0, 2, 3}[pick(s, 3)];
			modrm_reg(p, r, dst_reg(p, s));
			if (r == 0)
				pn(p, (uint32_t)rng(s), p->b[p->n - 2] == 0xF6 ? 1 : v);
		}
		break;
	case 14: /* CBW/CWDE, CWD/CDQ, XCHG */
		opsize(p, s);
		switch (pick(s, 3)) {
		case 0:
			p8(p, 0x98 + pick(s, 2));
			break;
		case 1:
			p8(p, 0x90 + dst_reg(p, s));
			break;
		default:
			p8(p, 0x86 + pick(s, 2));
			modrm_reg(p, dst_reg(p, s), dst_reg(p, s));
			break;
		}
		break;
	case 15: /* SETcc, CMOVcc */
		if (pick(s, 2)) {
			p8(p, 0x0F);
			p8(p, 0x90 + pick(s, 16));
			modrm_reg(p, 0, pick(s, 4));
		} else {
			opsize(p, s);
			p8(p, 0x0F);
			p8(p, 0x40 + pick(s, 16));
			if (pick(s, 2))
				modrm_reg(p, dst_reg(p, s), pick(s, 8));
			else
				modrm_mem(p, s, dst_reg(p, s));
		}
		break;
	case 19: { /* LDS/LES of a far pointer the program stores first: the
		    * next accesses go through the new segment */
		uint32_t off = pick(s, 0x400) * 4;
		unsigned sel = p->code32 ? (const unsigned[]){0x10, 0x18, 0x20}[pick(s, 3)]
					 : (unsigned)(DATA >> 4) + pick(s, 0x100);
		if (p->code32) {
			p8(p, 0xC7);
			p8(p, 0x05);
			pn(p, DATA + off + 4, 4);
			pn(p, sel, 4);
			p8(p, 0xC4 + pick(s, 2));
			p8(p, 0x05 | dst_reg(p, s) << 3);
			pn(p, DATA + off, 4);
		} else {
			p8(p, 0xC7);
			p8(p, 0x06);
			pn(p, off + 2, 2);
			pn(p, sel, 2);
			p8(p, 0xC4 + pick(s, 2));
			p8(p, 0x06 | dst_reg(p, s) << 3);
			pn(p, off, 2);
		}
		break;
	}
	case 16: /* CLC, STC, CMC: flags for the next ADC/SBB/Jcc */
		p8(p, (const unsigned[]){0xF8, 0xF9, 0xF5}[pick(s, 3)]);
		break;
	case 17: /* ADC/SBB/CMP reg, imm8 then a Jcc on it */
		opsize(p, s);
		p8(p, 0x83);
		modrm_reg(p, (const unsigned[]){2, 3, 7, 5}[pick(s, 4)], dst_reg(p, s));
		p8(p, pick(s, 256));
		p8(p, 0x70 + pick(s, 16));
		p8(p, 0);
		break;
	default: /* INC/DEC/ALU of memory then a read of it */
		opsize(p, s);
		p8(p, 0xFF);
		modrm_mem(p, s, pick(s, 2));
		break;
	}
}

/* A program: a prologue that points EBP/ESI (flat mode) into the data
 * area, `count` instructions, HLT. */
static void gen_prog(struct prog *p, uint64_t *s, bool code32, unsigned count)
{
	p->n = 0;
	p->code32 = code32;
	if (code32) {
		p8(p, 0xBD); /* mov ebp, DATA + x */
		pn(p, DATA + pick(s, 0x400) * 4, 4);
		p8(p, 0xBE); /* mov esi, x */
		pn(p, pick(s, 0x400), 4);
	}
	for (unsigned i = 0; i < count && p->n < MAX_PROG - 64; i++)
		gen_one(p, s);
	p8(p, 0xF4);
}

/* --- machines ------------------------------------------------------------------ */

static void machine_setup(struct machine1 *m, const struct prog *p, uint64_t seed)
{
	uint64_t s = seed;
	struct cpu *cpu = &m->cpu;
	if (m->bt)
		tr_flush(&m->tr);
	memset(m->pm.ram, 0, RAM_SIZE);
	for (uint32_t i = DATA; i < STACK + 0x10000; i += 8) {
		uint64_t r = rng(&s);
		memcpy(m->pm.ram + i, &r, 8);
	}
	cpu_reset(cpu);
	for (int r = 0; r < 8; r++)
		cpu->regs[r] = (uint32_t)rng(&s);
	cpu->eflags = FLAG_1 | ((uint32_t)rng(&s) & FLAGS_ARITH);
	uint32_t sp = (uint32_t)(pick(&s, 0x3000) * 4 + 0x1000 + (pick(&s, 16) == 0 ? 1 : 0));
	if (!p->code32) {
		/* Every vector: a HLT. */
		for (uint32_t v = 0; v < 256; v++) {
			uint32_t vec = (CODE >> 4) << 16 | HLT_AT;
			memcpy(m->pm.ram + v * 4, &vec, 4);
		}
		m->pm.ram[CODE + HLT_AT] = 0xF4;
		cpu_load_seg_real(cpu, SEG_CS, CODE >> 4);
		cpu_load_seg_real(cpu, SEG_DS, DATA >> 4);
		cpu_load_seg_real(cpu, SEG_ES, DATA >> 4);
		cpu_load_seg_real(cpu, SEG_SS, STACK >> 4);
		cpu->regs[REG_ESP] = (cpu->regs[REG_ESP] & 0xFFFF0000u) | sp;
		cpu->eip = 0;
	} else {
		static const uint32_t gdt[10] = {
			0, 0,
			0x0000FFFFu, 0x00CF9B00u, /* 0x08: flat code */
			0x0000FFFFu, 0x00CF9300u, /* 0x10: flat data */
			0x1000FFFFu, 0x000F9300u, /* 0x18: data, base 0x1000, limit 1 MiB */
			0x00000002u, 0x00409700u, /* 0x20: expand-down data, limit 0x20000 + ... */
		};
		memcpy(m->pm.ram + GDT, gdt, sizeof(gdt));
		cpu->gdtr = (struct dtr){.base = GDT, .limit = sizeof(gdt) - 1};
		cpu->cr[0] |= CR0_PE;
		cpu->seg[SEG_CS] = (struct seg_cache){
			.sel = 0x08, .attr = 0xC09B, .base = 0, .limit = 0xFFFFFFFFu};
		for (int sg = 0; sg < SEG_COUNT; sg++)
			if (sg != SEG_CS)
				cpu->seg[sg] = (struct seg_cache){
					.sel = 0x10, .attr = 0xC093, .base = 0, .limit = 0xFFFFFFFFu};
		/* Now and then a data or stack segment the inline fast path
		 * must leave to the handler: expand-down (limit 0: every
		 * offset but 0 valid; or a limit inside the data or stack
		 * area, so that accesses on either side of it, valid and
		 * not, follow one another) or read-only. */
		unsigned odd = pick(&s, 16);
		if (odd == 0 || odd == 1)
			cpu->seg[odd ? SEG_SS : SEG_DS] = (struct seg_cache){
				.sel = 0x18, .attr = 0xC097, .base = 0, .limit = 0};
		else if (odd == 2)
			cpu->seg[SEG_DS].attr = 0xC091;
		else if (odd == 3)
			cpu->seg[SEG_DS] = (struct seg_cache){
				.sel = 0x18, .attr = 0xC097, .base = 0, .limit = DATA + 0x2000};
		else if (odd == 4)
			cpu->seg[SEG_SS] = (struct seg_cache){
				.sel = 0x18, .attr = 0xC097, .base = 0, .limit = STACK + 0x6000};
		else if (odd == 5) /* code past the CS limit: #GP at its first instruction */
			cpu->seg[SEG_CS].limit = CODE + (uint32_t)p->n / 2;
		cpu->regs[REG_ESP] = STACK + sp;
		cpu->eip = CODE;
	}
	cpu->next_eip = cpu->eip;
	memcpy(m->pm.ram + CODE, p->b, p->n);
	cpu_update_mode(cpu);
}

static struct machine1 *machine_new(bool bt)
{
	struct machine1 *m = calloc(1, sizeof(*m));
	if (!m || phys_mem_init(&m->pm, RAM_SIZE, false) != 0)
		abort();
	io_bus_init(&m->io);
	clock_init(&m->clk);
	cpu_init(&m->cpu, &m->pm, &m->io, &m->clk);
	m->bt = bt;
	if (bt) {
		m->cpu.icache = NULL;
		if (tr_init(&m->tr, &m->cpu, TR_BACKEND_X64, 0, 0) != 0)
			abort();
	}
	return m;
}

static bool same(const struct machine1 *a, const struct machine1 *b)
{
	const struct cpu *x = &a->cpu, *y = &b->cpu;
	bool ok = true;
	for (int r = 0; r < 8; r++)
		if (x->regs[r] != y->regs[r]) {
			fprintf(stderr, "  reg %d: interpreter %08X, translator %08X\n", r, x->regs[r],
				y->regs[r]);
			ok = false;
		}
	if (x->eip != y->eip || x->eflags != y->eflags || a->clk.insns != b->clk.insns) {
		fprintf(stderr,
			"  interpreter eip %08X eflags %08X insns %" PRIu64
			"; translator eip %08X eflags %08X insns %" PRIu64 "\n",
			x->eip, x->eflags, a->clk.insns, y->eip, y->eflags, b->clk.insns);
		ok = false;
	}
	if (memcmp(x->exceptions, y->exceptions, sizeof(x->exceptions))) {
		fprintf(stderr, "  exception counts differ\n");
		ok = false;
	}
	for (uint32_t i = 0; i < RAM_SIZE; i++)
		if (a->pm.ram[i] != b->pm.ram[i]) {
			fprintf(stderr, "  RAM at %05X: interpreter %02X, translator %02X\n", i,
				a->pm.ram[i], b->pm.ram[i]);
			ok = false;
			break;
		}
	return ok;
}

int main(int argc, char **argv)
{
	unsigned programs = 3000;
	uint64_t seed0 = 0x696E6C696E65ULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed0 = strtoull(argv[++i], NULL, 0);
		else
			programs = (unsigned)strtoul(argv[i], NULL, 0);
	}
	if (tr_default_backend() != TR_BACKEND_X64) {
		printf("test_inline: no x86-64 backend on this host; skipped\n");
		return 0;
	}
	struct machine1 *mi = machine_new(false), *mt = machine_new(true);
	static struct prog p;
	unsigned failures = 0;
	uint64_t insns = 0;
	for (unsigned k = 0; k < programs && failures < 3; k++) {
		uint64_t s = seed0 + k * 0x1000193ULL;
		bool code32 = k & 1;
		gen_prog(&p, &s, code32, 8 + pick(&s, 40));
		machine_setup(mi, &p, s);
		machine_setup(mt, &p, s);
		uint64_t i0 = mi->clk.insns, t0 = mt->clk.insns;
		/* Twice, as a dispatcher would run after a HLT: the second run
		 * finds the blocks translated and chained. */
		for (int r = 0; r < 2; r++) {
			cpu_run(&mi->cpu, 20000);
			tr_run(&mt->tr, 20000);
			mi->cpu.halted = mt->cpu.halted = false;
			if (r == 0 && mi->cpu.eip == mt->cpu.eip) {
				uint32_t start = code32 ? CODE : 0;
				mi->cpu.eip = mi->cpu.next_eip = start;
				mt->cpu.eip = mt->cpu.next_eip = start;
			}
		}
		mi->clk.insns -= i0;
		mt->clk.insns -= t0;
		insns += mi->clk.insns;
		if (!same(mi, mt)) {
			fprintf(stderr, "test_inline: program %u (%s, seed %#" PRIx64 ") differs:\n ", k,
				code32 ? "flat 32-bit" : "real mode", (uint64_t)(seed0 + k * 0x1000193ULL));
			for (size_t i = 0; i < p.n; i++)
				fprintf(stderr, " %02X", p.b[i]);
			fprintf(stderr, "\n");
			failures++;
		}
		mi->clk.insns += i0;
		mt->clk.insns += t0;
	}
	printf("test_inline: %u programs, %" PRIu64 " instructions: %s\n", programs, insns,
	       failures ? "DIFFERENCES" : "same results");
	tr_free(&mt->tr);
	phys_mem_free(&mi->pm);
	phys_mem_free(&mt->pm);
	free(mi);
	free(mt);
	return failures ? 1 : 0;
}
