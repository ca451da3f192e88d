/* test_golden.c: golden files of translations. For each sample block it
 * prints the guest instructions (disassembled by capstone in the block's
 * mode) with how each is translated, why the block ends and its chainable
 * exits, then the x86-64 host code (capstone, 64-bit) with the addresses
 * that change from run to run (decoded instructions, handlers, exit
 * records, the cache's epilogue) and the offsets into struct cpu replaced
 * by names. The text must equal tests/translator/golden/<sample>.txt;
 * with UPDATE=1 in the environment the files are rewritten instead, so a
 * change to the code generator shows up as a reviewed diff.
 *
 *   test_golden GOLDEN_DIR
 *
 * Exits 77 (skipped) on hosts without the x86-64 backend. */
#include <ctype.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/opcode.h"
#include "tests/translator/golden_disasm.h"
#include "tests/translator/tr_env.h"

bool tr_attention_exit(struct cpu *cpu);

struct sample {
	const char *name;
	bool code32;
	uint8_t code[32];
	size_t len;
};

static const struct sample samples[] = {
	/* mov cx,100 / l: inc ax / loop l */
	{"loop16", false, {0xB9, 100, 0, 0x40, 0xE2, 0xFD}, 6},
	/* mov al,'A' / mov dx,0xE9 / out dx,al: ends at the VMM routine */
	{"out16", false, {0xB0, 0x41, 0xBA, 0xE9, 0x00, 0xEE}, 6},
	/* mov eax,[ebx+4] / add eax,ecx / mov [ebx+8],eax / ret */
	{"ret32", true, {0x8B, 0x43, 0x04, 0x01, 0xC8, 0x89, 0x43, 0x08, 0xC3}, 9},
	/* cli: a block of one VMM instruction */
	{"cli16", false, {0xFA}, 1},
	/* l: add eax,ebx / xor edx,eax / dec ecx / cmp ecx,0 / jne l: inline,
	 * with the flags of add, xor and dec never stored (cmp overwrites
	 * them before anything reads them) and the condition tested inline */
	{"jcc32", true, {0x01, 0xD8, 0x31, 0xC2, 0x49, 0x83, 0xF9, 0x00, 0x75, 0xF6}, 10},
	/* push ebx / mov eax,[esp] / pop ecx / lea edx,[eax+ecx*4+8] / inc ecx /
	 * ret: the stack (16-bit SS here) through the memory fast path, and
	 * the return's successor looked up in the jump cache */
	{"stack32", true, {0x53, 0x8B, 0x04, 0x24, 0x59, 0x8D, 0x54, 0x88, 0x08, 0x41, 0xC3}, 11},
	/* shl edx,13 / imul eax,eax,0x01000193 / call +0x10: a shift and a
	 * multiply inline (the shift's flags not stored: the multiply
	 * overwrites them; the multiply's stored: the callee may read them),
	 * the call's push inline and both its exits chainable */
	{"call32", true, {0xC1, 0xE2, 0x0D, 0x69, 0xC0, 0x93, 0x01, 0x00, 0x01, 0xE8, 0x10, 0x00, 0x00,
			  0x00}, 14},
	/* mov ebp,[esi+eax*4] / mov edi,[esi+edx*4] / cmp ebp,edi / jae +2:
	 * two loads from one segment, whose attributes are checked once (its
	 * base and limit each time: the test machine's segments are real
	 * mode's, not flat), and the Jcc on the host's flags of the CMP */
	{"mem32", true, {0x8B, 0x2C, 0x86, 0x8B, 0x3C, 0x96, 0x39, 0xFD, 0x73, 0x02}, 10},
	/* l: shr ax,1 / loop l: a shift by 1 (OF from the host) and LOOP
	 * inline, in 16-bit code (EIPs wrapped to 16 bits) */
	{"shloop16", false, {0xD1, 0xE8, 0xE2, 0xFC}, 4},
};

/* Names for the numbers in the host code that differ from run to run. */
struct names {
	uint64_t value[64];
	char name[64][48];
	unsigned n;
};

static void name_add(struct names *nm, uint64_t v, const char *s)
{
	if (nm->n < 64) {
		nm->value[nm->n] = v;
		snprintf(nm->name[nm->n++], 48, "%s", s);
	}
}

/* The name of a struct cpu field at `off` (in `buf` when it is built). */
static const char *cpu_field(uint64_t off, char *buf, size_t len)
{
	if (off == offsetof(struct cpu, eip))
		return "cpu.eip";
	if (off == offsetof(struct cpu, next_eip))
		return "cpu.next_eip";
	if (off == offsetof(struct cpu, insn_budget))
		return "cpu.insn_budget";
	if (off == offsetof(struct cpu, attention))
		return "cpu.attention";
	if (off == offsetof(struct cpu, eflags))
		return "cpu.eflags";
	static const char *const regs[8] = {"cpu.eax", "cpu.ecx", "cpu.edx", "cpu.ebx",
					    "cpu.esp", "cpu.ebp", "cpu.esi", "cpu.edi"};
	_Static_assert(offsetof(struct cpu, regs) == 0, "the registers come first");
	if (off < 32 && off % 4 == 0)
		return regs[(off - offsetof(struct cpu, regs)) / 4];
	static const char *const segs[SEG_COUNT] = {"es", "cs", "ss", "ds", "fs", "gs"};
	for (int sg = 0; sg < SEG_COUNT; sg++) {
		size_t b = offsetof(struct cpu, seg) + (size_t)sg * sizeof(struct seg_cache);
		if (off == b + offsetof(struct seg_cache, attr))
			snprintf(buf, len, "cpu.%s.attr", segs[sg]);
		else if (off == b + offsetof(struct seg_cache, base))
			snprintf(buf, len, "cpu.%s.base", segs[sg]);
		else if (off == b + offsetof(struct seg_cache, limit))
			snprintf(buf, len, "cpu.%s.limit", segs[sg]);
		else
			continue;
		return buf;
	}
	return NULL;
}

/* Rewrites capstone's operand text with names for known numbers. */
static void operands(char *out, size_t outlen, const char *op, const struct names *nm,
		     const struct tr_block *b)
{
	size_t o = 0;
	for (const char *p = op; *p && o + 1 < outlen;) {
		if (p[0] == '0' && p[1] == 'x') {
			char *end;
			uint64_t v = strtoull(p, &end, 16);
			const char *name = NULL;
			char tmp[64];
			bool after_rbx = p - op >= 6 && !strncmp(p - 6, "rbx + ", 6);
			if (after_rbx)
				name = cpu_field(v, tmp, sizeof(tmp));
			for (unsigned i = 0; !name && i < nm->n; i++)
				if (nm->value[i] == v)
					name = nm->name[i];
			if (!name && v >= (uintptr_t)b->code && v < (uintptr_t)b->code + b->code_len) {
				snprintf(tmp, sizeof(tmp), "block+0x%" PRIx64, v - (uintptr_t)b->code);
				name = tmp;
			}
			if (name) {
				o += (size_t)snprintf(out + o, outlen - o, "%s", name);
				p = end;
				continue;
			}
		}
		out[o++] = *p++;
	}
	out[o < outlen ? o : outlen - 1] = 0;
}

struct host_ctx {
	FILE *f;
	const struct names *nm;
	const struct tr_block *b;
};

static void host_line(void *ctx, uint64_t addr, unsigned size, const char *mn, const char *op)
{
	struct host_ctx *h = ctx;
	char ops[256];
	(void)size;
	operands(ops, sizeof(ops), op, h->nm, h->b);
	fprintf(h->f, "  %04" PRIx64 ": %s%s%s\n", addr - (uintptr_t)h->b->code, mn, *ops ? " " : "",
		ops);
}

static void guest_text(void *ctx, uint64_t addr, unsigned size, const char *mn, const char *op)
{
	(void)addr;
	(void)size;
	snprintf(ctx, 96, "%s%s%s", mn, *op ? " " : "", op);
}

static void print_block(FILE *f, struct tr_env *e, const struct sample *s, struct tr_block *b)
{
	fprintf(f, "block %s: %s code, %u instructions, %u bytes, ends: %s\n", s->name,
		s->code32 ? "32-bit" : "16-bit", b->n_insns, b->len, tr_end_name(b->end));
	fprintf(f, "guest:\n");
	uint32_t off = 0;
	for (unsigned i = 0; i < b->n_insns; i++) {
		const struct x86_insn *in = &b->insn[i];
		char text[96] = "?";
		golden_disasm(s->code32 ? 32 : 16, s->code + off, in->len, off, 1, guest_text, text);
		char hex[48] = "";
		for (unsigned k = 0; k < in->len && k < 15; k++)
			snprintf(hex + 3 * k, sizeof(hex) - 3 * k, "%02x ", s->code[off + k]);
		fprintf(f, "  %04x: %-18s %-28s %s\n", off, hex, text,
			tr_class_name(tr_classify(in)));
		off += in->len;
	}
	fprintf(f, "exits:");
	for (unsigned j = 0; j < b->n_exits; j++)
		fprintf(f, " page+0x%03x", b->exits[j].target_off);
	fprintf(f, "%s\n", b->n_exits ? "" : " (to the dispatcher only)");

	struct names nm = {.n = 0};
	char tmp[48];
	for (unsigned i = 0; i < b->n_insns; i++) {
		snprintf(tmp, sizeof(tmp), "&insn[%u]", i);
		name_add(&nm, (uintptr_t)&b->insn[i], tmp);
		snprintf(tmp, sizeof(tmp), "%s:%s",
			 tr_classify(&b->insn[i]) == TR_CLASS_VMM ? "vmm" : "op", b->insn[i].op->name);
		name_add(&nm, (uintptr_t)b->insn[i].handler, tmp);
	}
	name_add(&nm, (uintptr_t)tr_attention_exit, "tr_attention_exit");
	name_add(&nm, (uintptr_t)e->tr.epilogue, "epilogue");
	name_add(&nm, (uintptr_t)e->tr.jump, "jump_cache");
	name_add(&nm, (uintptr_t)e->cpu.mem, "phys_mem");
	name_add(&nm, (uintptr_t)&b->exit_nochain, "&exit_nochain");
	name_add(&nm, (uintptr_t)&b->exit_noentry, "&exit_noentry");
	for (unsigned j = 0; j < b->n_exits; j++) {
		snprintf(tmp, sizeof(tmp), "&exit[%u]", j);
		name_add(&nm, (uintptr_t)&b->exits[j], tmp);
	}
	fprintf(f, "host (%u bytes):\n", b->code_len);
	struct host_ctx h = {f, &nm, b};
	golden_disasm(64, b->code, b->code_len, (uintptr_t)b->code, 0, host_line, &h);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_golden GOLDEN_DIR\n");
		return 2;
	}
	if (tr_default_backend() != TR_BACKEND_X64) {
		printf("SKIP: no x86-64 backend on this host\n");
		return 77;
	}
	bool update = getenv("UPDATE") && !strcmp(getenv("UPDATE"), "1");
	int fail = 0;
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		const struct sample *s = &samples[i];
		struct tr_env *e = tr_env_new(TR_BACKEND_X64, 0, 0);
		if (s->code32) {
			e->cpu.seg[SEG_CS].attr |= SEG_ATTR_DB;
			cpu_update_mode(&e->cpu);
		}
		tr_env_code(e, 0, s->code, s->len);
		struct tr_block *b = tr_translate(&e->tr, TR_ENV_CODE);
		if (!b) {
			fprintf(stderr, "FAIL: %s: no block\n", s->name);
			fail = 1;
			tr_env_free(e);
			continue;
		}
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		print_block(f, e, s, b);
		fclose(f);
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s.txt", argv[1], s->name);
		if (update) {
			FILE *g = fopen(path, "w");
			if (!g || fwrite(text, 1, len, g) != len || fclose(g) != 0) {
				fprintf(stderr, "FAIL: cannot write %s\n", path);
				fail = 1;
			} else {
				printf("updated %s\n", path);
			}
		} else {
			FILE *g = fopen(path, "r");
			char *want = calloc(1, len + 2);
			size_t got = g ? fread(want, 1, len + 1, g) : 0;
			if (g)
				fclose(g);
			if (!g || got != len || memcmp(want, text, len)) {
				fprintf(stderr, "FAIL: %s differs from %s (UPDATE=1 rewrites it); now:\n%s",
					s->name, path, text);
				fail = 1;
			} else {
				printf("ok %s\n", s->name);
			}
			free(want);
		}
		free(text);
		tr_env_free(e);
	}
	return fail;
}
