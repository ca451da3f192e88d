/* test_decode_capstone.c: cross-checks the length x86_decode() gives every
 * instruction against capstone's, on the instruction bytes of every 80286
 * single-step test (16-bit) and on random byte strings (16- and 32-bit) from
 * a fixed-seed generator.
 *
 * Lengths are compared only where both decoders accept the bytes. What only
 * one side accepts is counted (and listed by opcode with -v), not compared:
 * - only capstone: what a P6 without MMX/SSE rejects with #UD: MMX and SSE
 *   (0F 10-17, 28-2F, 50-7F, C2-C6, D0-FF, 0F 38/3A), SYSCALL/SYSRET (0F 05,
 *   07), 3DNow! (0F 0D-0F), the VMX/MONITOR/SWAPGS register forms of 0F 01,
 *   RDRAND and VMX forms of 0F C7, C4/C5/8F/C6/C7 register forms that later
 *   CPUs reuse (VEX, XOP, TSX), and LOCK on what cannot be locked;
 * - only us: 8C/8E with sreg 6/7 (decoded; the handler raises #UD), x87
 *   register forms capstone does not know, the hint NOPs 0F 18-1F.
 * Where both accept but disagree because capstone is wrong, the case is
 * listed in known_diffs[] with the reason; any other disagreement fails the
 * test.
 *
 * Usage: test_decode_capstone [-v] [--random N] [--seed S] [SST_DIR]
 *   --random N  random strings per mode (default 3,000,000)
 *   -v          also print which opcodes only one decoder accepts
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu/opcode.h"
#include "tests/cpu/capstone_len.h"
#include "tests/sst/sst286_moo.h"

#define DETAIL_MAX 20 /* unexplained mismatches printed in full */

/* --- capstone's own errors ------------------------------------------------ */

/* One kind of disagreement that is capstone's error, not ours. `match`
 * sees the bytes, our decode, capstone's length and the mode. */
struct known_diff {
	const char *name;
	bool (*match)(const uint8_t *b, const struct x86_insn *in, unsigned cs_len, bool code32);
	const char *reason;
};

/* Offset of the opcode byte (after the prefixes). */
static unsigned opcode_offset(const uint8_t *b)
{
	unsigned i = 0;
	while (i < X86_MAX_INSN_LEN) {
		switch (b[i]) {
		case 0x26:
		case 0x2E:
		case 0x36:
		case 0x3E:
		case 0x64:
		case 0x65:
		case 0x66:
		case 0x67:
		case 0xF0:
		case 0xF2:
		case 0xF3: i++; continue;
		}
		break;
	}
	return i;
}

static bool has_prefix(const uint8_t *b, uint8_t p)
{
	unsigned o = opcode_offset(b);
	for (unsigned i = 0; i < o; i++)
		if (b[i] == p)
			return true;
	return false;
}

/* 32-bit code, 66 together with F2 or F3: capstone 4 takes the pair for a
 * mandatory SSE prefix and loses the operand-size override, reading a
 * 32-bit operand where the CPU reads 16 bits (66 F3 E8 rel16 is a 5-byte
 * CALL). */
static bool cs_66_with_rep(const uint8_t *b, const struct x86_insn *in, unsigned cs_len,
			   bool code32)
{
	return code32 && has_prefix(b, 0x66) && (has_prefix(b, 0xF2) || has_prefix(b, 0xF3)) &&
	       in->opsize == 2 && cs_len == in->len + 2u;
}

static const struct known_diff known_diffs[] = {
	{ "66 with F2/F3", cs_66_with_rep,
	  "capstone 4 drops the operand-size override when a REP prefix is also present "
	  "(32-bit code)" },
};
#define KNOWN_DIFFS (sizeof(known_diffs) / sizeof(known_diffs[0]))

/* Index of the known_diffs[] entry explaining a disagreement, or -1. */
static int explain(const uint8_t *b, const struct x86_insn *in, unsigned cs_len, bool code32)
{
	for (unsigned k = 0; k < KNOWN_DIFFS; k++)
		if (known_diffs[k].match(b, in, cs_len, code32))
			return (int)k;
	return -1;
}

/* --- the comparison ------------------------------------------------------- */

struct tally {
	uint64_t same, explained, mismatched, ours_only, cs_only, neither;
	uint64_t cs_only_lock; /* of cs_only: LOCK where a P6 raises #UD */
	/* -v: first opcode byte(s) of the one-sided cases, by (0F?, byte). */
	uint32_t ours_only_op[512], cs_only_op[512];
};

struct checker {
	struct capstone_len *cs16, *cs32;
	bool verbose;
	uint64_t known_hits[KNOWN_DIFFS];
};

static void print_hex(const uint8_t *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		printf("%02X", b[i]);
}

static unsigned op_index(const uint8_t *b)
{
	unsigned o = opcode_offset(b);
	if (o + 1 < X86_MAX_INSN_LEN && b[o] == 0x0F)
		return 256 + b[o + 1];
	return o < X86_MAX_INSN_LEN ? b[o] : 0;
}

/* Decodes `b` (n bytes) with both; returns false on an unexplained
 * length mismatch. */
static bool check_one(struct checker *c, struct tally *t, const uint8_t *b, unsigned n, bool code32,
		      const char *what)
{
	struct x86_insn in;
	enum x86_decode_status st = x86_decode(&in, b, n, code32);
	bool ours = st == X86_DECODE_OK;

	struct capstone_len *cs = code32 ? c->cs32 : c->cs16;
	unsigned cs_len = capstone_len(cs, b, n, NULL, 0);
	bool theirs = cs_len != 0;

	if (ours && theirs) {
		if (in.len == cs_len) {
			t->same++;
			return true;
		}
		int k = explain(b, &in, cs_len, code32);
		if (k >= 0) {
			c->known_hits[k]++;
			t->explained++;
			return true;
		}
		t->mismatched++;
		if (t->mismatched <= DETAIL_MAX) {
			printf("mismatch (%s, %d-bit): ", what, code32 ? 32 : 16);
			print_hex(b, n);
			char text[160];
			capstone_len(cs, b, n, text, sizeof(text));
			printf("\n  ours %u bytes (%s), capstone %u bytes (%s)\n", in.len,
			       in.op->name, cs_len, text);
		}
		return false;
	}
	if (ours) {
		t->ours_only++;
		t->ours_only_op[op_index(b)]++;
	} else if (theirs) {
		t->cs_only++;
		if (in.lock)
			t->cs_only_lock++;
		else
			t->cs_only_op[op_index(b)]++;
	} else {
		t->neither++;
	}
	return true;
}

static void print_tally(const char *what, const struct tally *t, bool verbose)
{
	printf("%s: %" PRIu64 " same length, %" PRIu64 " explained, %" PRIu64
	       " MISMATCHED; only ours accepts %" PRIu64 ", only capstone %" PRIu64 " (%" PRIu64
	       " of them LOCK misuse), neither %" PRIu64 "\n",
	       what, t->same, t->explained, t->mismatched, t->ours_only, t->cs_only,
	       t->cs_only_lock, t->neither);
	if (!verbose)
		return;
	for (int side = 0; side < 2; side++) {
		const uint32_t *h = side ? t->cs_only_op : t->ours_only_op;
		printf("  accepted only by %s:", side ? "capstone (without LOCK)" : "us");
		int shown = 0;
		for (int i = 0; i < 512; i++) {
			if (!h[i])
				continue;
			printf("%s%s%02X:%u", shown % 10 ? " " : "\n    ", i >= 256 ? "0F" : "",
			       i & 0xFF, h[i]);
			shown++;
		}
		printf("\n");
	}
}

/* --- the two sources of instructions ------------------------------------- */

/* Every SST test's bytes, 16-bit. Returns false on a mismatch; *ran is
 * false when the folder is missing. */
static bool check_sst(struct checker *c, const char *dir, bool *ran)
{
	char **names;
	int count = sst_list_dir(dir, &names);
	*ran = count > 0;
	if (count <= 0) {
		printf("sst: no test files at %s: that part is skipped\n", dir);
		return true;
	}
	struct tally *t = calloc(1, sizeof(*t));
	bool ok = t != NULL;
	for (int i = 0; ok && i < count; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s.MOO.gz", dir, names[i]);
		size_t len;
		uint8_t *buf = sst_read_gz(path, &len);
		if (!buf) {
			printf("cannot read %s\n", path);
			ok = false;
			break;
		}
		struct sst_file f;
		struct sst_test test;
		int r;
		sst_file_begin(&f, buf, len);
		while ((r = sst_file_next(&f, &test)) > 0) {
			uint8_t b[X86_MAX_INSN_LEN] = { 0 };
			unsigned n = test.nbytes < sizeof(b) ? test.nbytes : sizeof(b);
			memcpy(b, test.bytes, n);
			if (!check_one(c, t, b, n, false, names[i]))
				ok = false;
		}
		if (r < 0) {
			printf("malformed %s\n", path);
			ok = false;
		}
		free(buf);
	}
	if (t)
		print_tally("sst (16-bit)", t, c->verbose);
	free(t);
	sst_free_names(names, count);
	return ok;
}

/* xorshift64*: a small generator whose sequence is the same everywhere. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

/* Random 15-byte strings; a quarter start with 0F so the two-byte map gets
 * as much coverage as the one-byte map, and some begin with prefixes. */
static bool check_random(struct checker *c, uint64_t count, uint64_t seed, bool code32)
{
	struct tally *t = calloc(1, sizeof(*t));
	if (!t)
		return false;
	static const uint8_t prefixes[] = { 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65,
					    0x66, 0x67, 0xF0, 0xF2, 0xF3 };
	uint64_t s = seed ? seed : 1;
	bool ok = true;
	for (uint64_t i = 0; i < count; i++) {
		uint8_t b[X86_MAX_INSN_LEN];
		for (unsigned j = 0; j < sizeof(b); j += 8) {
			uint64_t r = rng_next(&s);
			for (unsigned k = 0; k < 8 && j + k < sizeof(b); k++)
				b[j + k] = (uint8_t)(r >> (8 * k));
		}
		uint64_t r = rng_next(&s);
		unsigned pos = 0;
		if ((r & 7) == 0) /* one or two prefixes */
			for (unsigned k = 0; k <= ((r >> 3) & 1); k++)
				b[pos++] = prefixes[((r >> (8 + 8 * k)) & 0xFF) % sizeof(prefixes)];
		if (((r >> 32) & 3) == 0)
			b[pos] = 0x0F;
		if (!check_one(c, t, b, sizeof(b), code32, "random"))
			ok = false;
	}
	print_tally(code32 ? "random (32-bit)" : "random (16-bit)", t, c->verbose);
	free(t);
	return ok;
}

int main(int argc, char **argv)
{
	struct checker c = { 0 };
	uint64_t count = 3000000, seed = 0x9E3779B97F4A7C15ULL;
	const char *dir = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v"))
			c.verbose = true;
		else if (!strcmp(argv[i], "--random") && i + 1 < argc)
			count = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (argv[i][0] != '-' && !dir)
			dir = argv[i];
		else {
			fprintf(stderr, "usage: %s [-v] [--random N] [--seed S] [SST_DIR]\n",
				argv[0]);
			return 2;
		}
	}
	c.cs16 = capstone_len_open(false);
	c.cs32 = capstone_len_open(true);
	if (!c.cs16 || !c.cs32) {
		fprintf(stderr, "capstone: cannot open the x86 engine\n");
		return 2;
	}

	bool ok = true, ran_sst = false;
	if (dir)
		ok &= check_sst(&c, dir, &ran_sst);
	ok &= check_random(&c, count, seed, false);
	ok &= check_random(&c, count, seed ^ 0x5555, true);

	for (unsigned k = 0; k < KNOWN_DIFFS; k++)
		if (c.known_hits[k])
			printf("  explained %8" PRIu64 "  %s: %s\n", c.known_hits[k],
			       known_diffs[k].name, known_diffs[k].reason);

	capstone_len_close(c.cs16);
	capstone_len_close(c.cs32);
	printf("%s\n", ok ? "decoder lengths agree" : "FAILED: unexplained length differences");
	return ok ? 0 : 1;
}
