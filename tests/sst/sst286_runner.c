/* sst286_runner.c: runs the hardware-captured 80286 single-step tests
 * (MOO files, see the README next to them) through the interpreter.
 *
 * For each test: load the initial registers and RAM bytes into one reused
 * machine (16 MiB of flat RAM, no devices: unclaimed ports read all-ones,
 * as on the capture rig), execute exactly one instruction with cpu_step(),
 * compare the registers and the RAM bytes the test names, then clear those
 * bytes again. After each file the whole RAM must be zero again: a byte
 * left over is a write no test asked for (a stray write, one failure).
 *
 * The capture rig stops the CPU with a HLT it places wherever the
 * instruction leaves CS:IP (after it, at a jump target, at an interrupt
 * handler), and the final IP it records is one past that HLT: the runner
 * steps over it the same way.
 *
 * Where a P6 is legitimately not a 286, a filter in sst_filters[] below
 * skips the test (or, for LOCK, rewrites it), each with its reason; FLAGS
 * are compared under the masks explained at SST_FLAGS_COMPARE and
 * ram_mask(). Everything else must match.
 *
 * Usage: sst286_runner [-v] [--only FILE] [--test N] [--baseline FILE] DIR
 *   -v          print the first failures of each file in detail
 *   --only XX   run only XX.MOO.gz ("80.4", "A5")
 *   --test N    run only the test with index N (with -v: dump it even if it
 *               passes)
 *   --baseline  a list of "FILE count reason" lines of accepted failures:
 *               the run fails if a file fails more often than listed, or if
 *               a listed file now passes completely (so the list stays true)
 * Exit status: 0 pass, 1 failures (or baseline violated), 2 usage or I/O
 * error, 77 when DIR does not exist (ctest reports the test as skipped).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/opcode.h"
#include "tests/sst/sst286_meta.h"
#include "tests/sst/sst286_moo.h"
#include "vmm/clock.h"
#include "vmm/io_bus.h"
#include "vmm/phys_mem.h"

#define SST_RAM_SIZE (16u << 20) /* the tests assume a 24-bit address bus */
#define SST_SKIP_EXIT 77
#define SST_DETAIL_MAX 3 /* failures shown in detail per file with -v */
#define SST_REP_CAP 1000 /* cpu_step calls for one REP instruction at most */

/* FLAGS bits compared (before the per-opcode mask from metadata.json):
 * - bits 12-15 never: a 286 in real mode keeps IOPL/NT/bit 15 at 0 whatever
 *   is loaded, while a P6 lets POPF/IRET set IOPL and NT. The initial FLAGS
 *   of the tests carry random values there, so the runner loads them as the
 *   286 held them (cleared) and ignores them in the result.
 * - bits 3 and 5: reserved, 0 on both (and 0 in every initial state);
 *   covered by the loader, which clears them.
 */
#define SST_FLAGS_COMPARE 0x0FD7u
#define SST_FLAGS_LOAD 0x0FD5u

/* Where each general register of the list lives in struct cpu. */
static const uint8_t sst_gpr[R_COUNT] = {
	[R_AX] = REG_EAX, [R_BX] = REG_EBX, [R_CX] = REG_ECX, [R_DX] = REG_EDX,
	[R_SP] = REG_ESP, [R_BP] = REG_EBP, [R_SI] = REG_ESI, [R_DI] = REG_EDI,
};
static const uint8_t sst_sreg[R_COUNT] = {
	[R_CS] = SEG_CS,
	[R_SS] = SEG_SS,
	[R_DS] = SEG_DS,
	[R_ES] = SEG_ES,
};

static bool sst_is_gpr(int r)
{
	return r <= R_DX || (r >= R_SP && r <= R_DI);
}
static bool sst_is_sreg(int r)
{
	return r >= R_CS && r <= R_ES;
}

/* --- the filters -------------------------------------------------------- */

/* Tests skipped because a P6 legitimately differs from the 286 that
 * produced them. Applied per test; counted and listed in the summary.
 * FLT_LOCK is the one that does not skip: it rewrites the test. */
enum sst_filter {
	FLT_NONE,
	FLT_OTHER_INSN,
	FLT_FPU,
	FLT_FS_GS,
	FLT_LOCK,
	FLT_LONG_INSN,
	FLT_STACK_OVERRUN,
	FLT_STRING_OVERRUN,
	FLT_COUNT
};
static const struct {
	const char *name;
	const char *reason;
} sst_filters[FLT_COUNT] = {
	[FLT_OTHER_INSN] = { "other insn",
			     "0F xx (the 286's system instructions: LOADALL, its SMSW and SGDT "
			     "images...), 64-67 (undefined on a 286, prefixes on a P6) and F1 (a "
			     "LOCK alias on a 286, ICEBP on a P6) are different instructions" },
	[FLT_FPU] = { "fpu",
		      "x87 escapes (status `fpu`): the capture rig had no coprocessor, so the "
		      "286 ran ESC as a no-op; a P6 has an integrated FPU" },
	[FLT_FS_GS] = { "sreg 4/5",
			"MOV to/from sreg 4 and 5 (8C/8E): #UD on a 286, FS and GS on a P6" },
	[FLT_LOCK] = { "lock",
		       "LOCK on an instruction that cannot be locked: ignored by a 286, #UD "
		       "on a P6; these run with each LOCK byte replaced by an override of the "
		       "segment the instruction uses anyway (same meaning, same length)" },
	[FLT_LONG_INSN] = { "length > 10",
			    "prefixes making an instruction longer than 10 bytes: interrupt 13 "
			    "on a 286, whose limit is 10; a P6 allows 15" },
	[FLT_STACK_OVERRUN] = { "stack overrun",
				"an SS access past offset 0xFFFF: the 286 raises interrupt 13 "
				"for every segment, a P6 raises #SS (12) for the stack" },
	[FLT_STRING_OVERRUN] = { "string overrun",
				 "a string instruction's word access at offset 0xFFFF: the 286 "
				 "has already stepped SI/DI by one element (and lowered CX by "
				 "1 or 2 under REP) when it raises interrupt 13, a P6 faults "
				 "with them unchanged" },
};

/* Further differences the README lists that need no filter here: 0x60-0x63
 * and 0x68-0x6F behave the same on both in real mode (they run); shift counts
 * are masked to 5 bits by both; undefined flags are masked per opcode with
 * metadata.json's flags-mask. Opcodes of status `undefined` (8F/C6/C7 with
 * ModRM.reg != 0) raise #UD on both CPUs and run; `undocumented` (SALC, SAL
 * /6) and `alias` (82, F6/F7 /1) opcodes work the same on a P6 and run. */

/* --- the machine ---------------------------------------------------------- */

struct sst_machine {
	struct phys_mem pm;
	struct io_bus io;
	struct clock clk;
	struct cpu cpu;
};

static void load_state(struct sst_machine *m, const struct sst_test *t)
{
	struct cpu *cpu = &m->cpu;
	cpu_reset(cpu);
	for (int r = 0; r < R_COUNT; r++) {
		if (sst_is_gpr(r))
			cpu->regs[sst_gpr[r]] = t->init.v[r];
		else if (sst_is_sreg(r))
			cpu_load_seg_real(cpu, sst_sreg[r], t->init.v[r]);
	}
	cpu->eip = cpu->next_eip = t->init.v[R_IP];
	cpu->eflags = (t->init.v[R_FLAGS] & SST_FLAGS_LOAD) | FLAG_1;
	cpu_update_mode(cpu);
	for (uint32_t i = 0; i < t->init_ram.count; i++) {
		uint32_t a = sst_ram_addr(&t->init_ram, i);
		if (a < SST_RAM_SIZE)
			m->pm.ram[a] = sst_ram_val(&t->init_ram, i);
	}
}

/* Zeroes every byte the test named, ready for the next one. */
static void clear_ram(struct sst_machine *m, const struct sst_test *t)
{
	for (uint32_t i = 0; i < t->init_ram.count; i++) {
		uint32_t a = sst_ram_addr(&t->init_ram, i);
		if (a < SST_RAM_SIZE)
			m->pm.ram[a] = 0;
	}
	for (uint32_t i = 0; i < t->fina_ram.count; i++) {
		uint32_t a = sst_ram_addr(&t->fina_ram, i);
		if (a < SST_RAM_SIZE)
			m->pm.ram[a] = 0;
	}
}

static uint16_t got_reg(const struct cpu *cpu, int r)
{
	if (sst_is_gpr(r))
		return (uint16_t)cpu->regs[sst_gpr[r]];
	if (sst_is_sreg(r))
		return cpu->seg[sst_sreg[r]].sel;
	if (r == R_IP)
		return (uint16_t)cpu->eip;
	return (uint16_t)cpu->eflags;
}

static uint16_t expected_reg(const struct sst_test *t, int r)
{
	return (t->fina.mask & (1u << r)) ? t->fina.v[r] : t->init.v[r];
}

/* The final value the test expects at init_ram entry i (FINA wins). */
static uint8_t expected_init_byte(const struct sst_test *t, uint32_t i)
{
	uint32_t a = sst_ram_addr(&t->init_ram, i);
	for (uint32_t j = 0; j < t->fina_ram.count; j++)
		if (sst_ram_addr(&t->fina_ram, j) == a)
			return sst_ram_val(&t->fina_ram, j);
	return sst_ram_val(&t->init_ram, i);
}

static uint8_t got_byte(const struct sst_machine *m, uint32_t a)
{
	return a < SST_RAM_SIZE ? m->pm.ram[a] : 0xFF;
}

/* Bits of the RAM byte at `a` that are compared: all, except in the FLAGS
 * image an exception pushed, which is compared like FLAGS itself (a 286
 * updates the undefined flags of DIV before raising #DE and pushes them). */
static uint8_t ram_mask(const struct sst_test *t, uint32_t a, uint16_t flags_mask)
{
	if (!t->has_excp)
		return 0xFF;
	/* The first word pushed, at SS:SP-2 as the instruction started (the
	 * rig's EXCP address is that of the aligned bus word). */
	uint32_t ss = (uint32_t)t->init.v[R_SS] << 4, sp = t->init.v[R_SP];
	uint16_t fm = SST_FLAGS_COMPARE & flags_mask;
	if (a == ss + ((sp - 2) & 0xFFFF))
		return (uint8_t)fm;
	if (a == ss + ((sp - 1) & 0xFFFF))
		return (uint8_t)(fm >> 8);
	return 0xFF;
}

/* Per-register masks for one test: RMSK, and for FLAGS the compared bits
 * and the opcode's defined flags. */
static uint16_t reg_mask(const struct sst_test *t, int r, uint16_t flags_mask)
{
	uint16_t m = t->rmsk.v[r];
	if (r == R_FLAGS)
		m &= SST_FLAGS_COMPARE & flags_mask;
	return m;
}

/* Everything that went wrong in one test, as a bit set of registers plus
 * counts of other mismatches. */
struct sst_result {
	uint32_t bad_regs;  /* bit per R_* */
	uint32_t bad_bytes; /* RAM bytes that differ */
	bool bad_upper;     /* a 32-bit register's upper half changed */
	bool bad_base;      /* a segment base is not selector * 16 */
};

static bool result_ok(const struct sst_result *r)
{
	return !r->bad_regs && !r->bad_bytes && !r->bad_upper && !r->bad_base;
}

static struct sst_result compare(const struct sst_machine *m, const struct sst_test *t,
				 uint16_t flags_mask)
{
	const struct cpu *cpu = &m->cpu;
	struct sst_result res = { 0 };
	for (int r = 0; r < R_COUNT; r++) {
		uint16_t mask = reg_mask(t, r, flags_mask);
		if ((got_reg(cpu, r) ^ expected_reg(t, r)) & mask)
			res.bad_regs |= 1u << r;
	}
	for (int r = 0; r < 8; r++)
		if (cpu->regs[r] >> 16)
			res.bad_upper = true;
	if (cpu->eip >> 16)
		res.bad_upper = true;
	for (int s = 0; s < 4; s++)
		if (cpu->seg[s].base != (uint32_t)cpu->seg[s].sel << 4)
			res.bad_base = true;
	for (uint32_t j = 0; j < t->fina_ram.count; j++) {
		uint32_t a = sst_ram_addr(&t->fina_ram, j);
		if ((got_byte(m, a) ^ sst_ram_val(&t->fina_ram, j)) & ram_mask(t, a, flags_mask))
			res.bad_bytes++;
	}
	for (uint32_t i = 0; i < t->init_ram.count; i++) {
		uint32_t a = sst_ram_addr(&t->init_ram, i);
		bool in_fina = false;
		for (uint32_t j = 0; j < t->fina_ram.count && !in_fina; j++)
			in_fina = sst_ram_addr(&t->fina_ram, j) == a;
		if (!in_fina && got_byte(m, a) != sst_ram_val(&t->init_ram, i))
			res.bad_bytes++;
	}
	return res;
}

/* The exception delivered during the test (lowest vector whose counter
 * moved), or -1. */
static int delivered_exception(const struct cpu *cpu, const uint64_t before[32])
{
	for (int v = 0; v < 32; v++)
		if (cpu->exceptions[v] != before[v])
			return v;
	return -1;
}

static void print_bytes(const uint8_t *b, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		printf("%s%02X", i ? " " : "", b[i]);
}

static void print_detail(const struct sst_machine *m, const struct sst_test *t, uint16_t flags_mask,
			 int exc)
{
	const struct cpu *cpu = &m->cpu;
	printf("    test %u: %.*s  [", t->index, (int)t->name_len, t->name ? t->name : "");
	print_bytes(t->bytes, t->nbytes);
	printf("]\n      init:");
	for (int r = 0; r < R_COUNT; r++)
		printf(" %s=%04X", sst_reg_names[r], t->init.v[r]);
	printf("\n");
	for (int r = 0; r < R_COUNT; r++) {
		uint16_t mask = reg_mask(t, r, flags_mask);
		uint16_t e = expected_reg(t, r), g = got_reg(cpu, r);
		if ((e ^ g) & mask)
			printf("      %-5s expected %04X got %04X (mask %04X)\n", sst_reg_names[r],
			       e, g, mask);
	}
	for (int r = 0; r < 8; r++)
		if (cpu->regs[r] >> 16)
			printf("      reg %d upper half set: %08X\n", r, cpu->regs[r]);
	if (cpu->eip >> 16)
		printf("      eip upper half set: %08X\n", cpu->eip);
	for (int s = 0; s < 4; s++)
		if (cpu->seg[s].base != (uint32_t)cpu->seg[s].sel << 4)
			printf("      seg %d base %08X for selector %04X\n", s, cpu->seg[s].base,
			       cpu->seg[s].sel);
	for (uint32_t j = 0; j < t->fina_ram.count; j++) {
		uint32_t a = sst_ram_addr(&t->fina_ram, j);
		if ((got_byte(m, a) ^ sst_ram_val(&t->fina_ram, j)) & ram_mask(t, a, flags_mask))
			printf("      ram %06X expected %02X got %02X\n", a,
			       sst_ram_val(&t->fina_ram, j), got_byte(m, a));
	}
	for (uint32_t i = 0; i < t->init_ram.count; i++) {
		uint32_t a = sst_ram_addr(&t->init_ram, i);
		uint8_t e = expected_init_byte(t, i);
		if ((got_byte(m, a) ^ e) & ram_mask(t, a, flags_mask))
			printf("      ram %06X expected %02X (unchanged) got %02X\n", a, e,
			       got_byte(m, a));
	}
	if (t->has_excp || exc >= 0) {
		printf("      exception: expected ");
		if (t->has_excp)
			printf("%u (FLAGS pushed at %06X)", t->excp, t->excp_flags_addr);
		else
			printf("none");
		if (exc >= 0)
			printf(", delivered %d\n", exc);
		else
			printf(", none delivered\n");
	}
}

/* --- one file --------------------------------------------------------------- */

struct sst_counts {
	unsigned pass, fail, skip;
	unsigned stray; /* RAM bytes written that no test of the file names */
	unsigned by_filter[FLT_COUNT];
};

struct sst_options {
	bool verbose;
	const char *only;
	long test_index; /* -1: all */
};

/* Looks up the opcode's metadata: "FILE.reg" first for groups sharing one
 * file (8F, C6, C7), then "FILE". A prefix's file (26, F3...) tests the
 * instruction after the prefixes: that instruction's entry applies. */
static const struct sst286_meta *find_meta(const char *file, const struct x86_insn *in,
					   bool decoded)
{
	char key[16];
	if (decoded && in->has_modrm && !strchr(file, '.')) {
		snprintf(key, sizeof(key), "%s.%u", file, in->reg);
		const struct sst286_meta *m = sst286_meta_find(key);
		if (m)
			return m;
	}
	const struct sst286_meta *m = sst286_meta_find(file);
	if (m && m->status == SST_PREFIX && decoded && in->opcode < 0x100) {
		snprintf(key, sizeof(key), "%02X", in->opcode);
		return find_meta(key, in, decoded);
	}
	return m;
}

/* Files whose opcode is another instruction on a P6 (FLT_OTHER_INSN). */
static bool other_insn_file(const char *file)
{
	static const char *const files[] = { "0F", "64", "65", "66", "67", "F1" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (!strncmp(file, files[i], 2))
			return true;
	return false;
}

/* The filter that removes a test before it runs, or FLT_NONE. */
static bool is_prefix(uint8_t b)
{
	switch (b) {
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
	case 0xF3: return true;
	}
	return false;
}

/* FLT_LOCK: `unlocked` gets the decode of the instruction without its LOCK
 * prefixes. */
static enum sst_filter pre_filter(const struct sst286_meta *meta, const struct sst_test *t,
				  const struct x86_insn *in, enum x86_decode_status st,
				  struct x86_insn *unlocked)
{
	if (meta && meta->status == SST_FPU)
		return FLT_FPU;
	if (in->len > 10)
		return FLT_LONG_INSN;
	if ((in->opcode == 0x8C || in->opcode == 0x8E) && (in->reg == SEG_FS || in->reg == SEG_GS))
		return FLT_FS_GS;
	if (in->lock && st == X86_DECODE_UD) {
		/* Does it decode without the LOCK? Then only LOCK makes it #UD. */
		uint8_t buf[X86_MAX_INSN_LEN];
		unsigned n = 0;
		uint32_t i = 0;
		for (; i < t->nbytes && is_prefix(t->bytes[i]); i++)
			if (t->bytes[i] != 0xF0 && n < sizeof(buf))
				buf[n++] = t->bytes[i];
		for (; i < t->nbytes && n < sizeof(buf); i++)
			buf[n++] = t->bytes[i];
		if (x86_decode(unlocked, buf, n, false) == X86_DECODE_OK)
			return FLT_LOCK;
	}
	return FLT_NONE;
}

/* True when the only differences are what FLT_STRING_OVERRUN describes:
 * SI and/or DI one element further in the DF direction, CX one or two
 * lower (REP: the 286 data shows both), everything else identical. */
static bool string_overrun_explains(const struct cpu *cpu, const struct sst_test *t,
				    const struct sst_result *res, const struct x86_insn *in)
{
	if (res->bad_bytes || res->bad_upper || res->bad_base)
		return false;
	uint16_t step = (uint16_t)((in->op->form & FORM_BYTE) ? 1 : 2);
	if (cpu->eflags & FLAG_DF)
		step = (uint16_t)-step;
	for (int r = 0; r < R_COUNT; r++) {
		if (!(res->bad_regs & (1u << r)))
			continue;
		uint16_t e = expected_reg(t, r), g = got_reg(cpu, r);
		if ((r == R_SI || r == R_DI) && e == (uint16_t)(g + step))
			continue;
		if (r == R_CX && in->rep != REP_NONE &&
		    (e == (uint16_t)(g - 1) || e == (uint16_t)(g - 2)))
			continue;
		return false;
	}
	return true;
}

static void run_test(struct sst_machine *m, const char *file, const struct sst_test *t,
		     const struct sst_options *opt, struct sst_counts *cnt)
{
	struct x86_insn in;
	enum x86_decode_status st = x86_decode(&in, t->bytes, t->nbytes, false);
	bool decoded = st == X86_DECODE_OK || st == X86_DECODE_UD;
	const struct sst286_meta *meta = find_meta(file, &in, decoded);
	uint16_t flags_mask = meta ? meta->flags_mask : 0xFFFF;

	enum sst_filter f = FLT_NONE;
	struct x86_insn unlocked;
	if (other_insn_file(file))
		f = FLT_OTHER_INSN;
	else if (decoded)
		f = pre_filter(meta, t, &in, st, &unlocked);
	bool relock = f == FLT_LOCK;
	if (relock) {
		cnt->by_filter[f]++;
	} else if (f != FLT_NONE) {
		cnt->skip++;
		cnt->by_filter[f]++;
		return;
	}

	load_state(m, t);
	struct cpu *cpu = &m->cpu;
	/* FLT_LOCK: each LOCK prefix byte becomes an override of the segment
	 * the instruction uses (the last override, or its default): the same
	 * instruction, length and meaning, without the LOCK a P6 rejects. */
	static const uint8_t seg_prefix[4] = { 0x26, 0x2E, 0x36, 0x3E };
	uint32_t lock_at[X86_MAX_INSN_LEN];
	unsigned nlock = 0;
	if (relock) {
		for (uint32_t i = 0; i < in.len && is_prefix(t->bytes[i]); i++) {
			if (t->bytes[i] != 0xF0)
				continue;
			uint32_t a = cpu->seg[SEG_CS].base + ((t->init.v[R_IP] + i) & 0xFFFF);
			lock_at[nlock++] = a;
			m->pm.ram[a] = seg_prefix[unlocked.seg & 3];
		}
		in = unlocked;
		st = X86_DECODE_OK;
	}
	uint64_t exc_before[32];
	memcpy(exc_before, cpu->exceptions, sizeof(exc_before));
	uint32_t eip0 = cpu->eip;
	uint16_t cs0 = cpu->seg[SEG_CS].sel;
	cpu_step(cpu);
	/* A REP string instruction runs a bounded number of iterations per
	 * step and restarts itself (EIP unchanged) until it is done. */
	if (st == X86_DECODE_OK && in.rep != REP_NONE && (in.op->cls & CLS_STRING)) {
		for (int i = 0; i < SST_REP_CAP && cpu->eip == eip0 &&
				cpu->seg[SEG_CS].sel == cs0 && !cpu->halted;
		     i++)
			cpu_step(cpu);
	}
	/* The rig's terminating HLT (not after a HLT under test). */
	if (!cpu->halted &&
	    m->pm.ram[(cpu->seg[SEG_CS].base + (cpu->eip & 0xFFFF)) & (SST_RAM_SIZE - 1)] == 0xF4)
		cpu->eip = (cpu->eip + 1) & 0xFFFF;
	int exc = delivered_exception(cpu, exc_before);
	for (unsigned i = 0; i < nlock; i++)
		m->pm.ram[lock_at[i]] = 0xF0;

	struct sst_result res = compare(m, t, flags_mask);
	bool ok = result_ok(&res);
	if (!ok && t->has_excp && t->excp == EXC_GP && exc == EXC_SS) {
		cnt->skip++;
		cnt->by_filter[FLT_STACK_OVERRUN]++;
	} else if (!ok && t->has_excp && t->excp == EXC_GP && exc == EXC_GP &&
		   st == X86_DECODE_OK && (in.op->cls & CLS_STRING) &&
		   string_overrun_explains(cpu, t, &res, &in)) {
		cnt->skip++;
		cnt->by_filter[FLT_STRING_OVERRUN]++;
	} else if (ok) {
		cnt->pass++;
		if (opt->verbose && opt->test_index >= 0) {
			printf("  %s: passed\n", file);
			print_detail(m, t, flags_mask, exc);
		}
	} else {
		cnt->fail++;
		if (opt->verbose && cnt->fail <= SST_DETAIL_MAX)
			print_detail(m, t, flags_mask, exc);
	}
	clear_ram(m, t);
}

/* RAM is all zero between tests except for what a test wrote outside the
 * bytes it names (clear_ram() resets only those): a scan once per file
 * finds such stray writes, reports them and clears them. */
static unsigned scan_stray(struct sst_machine *m, bool verbose)
{
	unsigned n = 0;
	for (uint32_t a = 0; a < SST_RAM_SIZE; a += 8) {
		uint64_t w;
		memcpy(&w, m->pm.ram + a, 8);
		if (!w)
			continue;
		for (uint32_t k = a; k < a + 8; k++) {
			if (!m->pm.ram[k])
				continue;
			if (verbose && n < SST_DETAIL_MAX * 4)
				printf("    stray write: ram %06X = %02X\n", k, m->pm.ram[k]);
			m->pm.ram[k] = 0;
			n++;
		}
	}
	return n;
}

/* Runs every test of one file; returns false on a read or format error. */
static bool run_file(struct sst_machine *m, const char *dir, const char *file,
		     const struct sst_options *opt, struct sst_counts *cnt)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.MOO.gz", dir, file);
	size_t len;
	uint8_t *buf = sst_read_gz(path, &len);
	if (!buf) {
		fprintf(stderr, "sst286: cannot read %s\n", path);
		return false;
	}
	struct sst_file f;
	struct sst_test t;
	int r;
	sst_file_begin(&f, buf, len);
	while ((r = sst_file_next(&f, &t)) > 0) {
		if (opt->test_index >= 0 && t.index != (uint32_t)opt->test_index)
			continue;
		run_test(m, file, &t, opt, cnt);
	}
	if (r < 0)
		fprintf(stderr, "sst286: %s: malformed file\n", path);
	cnt->stray = scan_stray(m, opt->verbose);
	if (cnt->stray)
		cnt->fail++; /* counted once: the file wrote where it should not */
	free(buf);
	return r == 0;
}

/* --- the baseline ----------------------------------------------------------- */

struct baseline_entry {
	char file[16];
	unsigned count;
	bool seen;
};

struct baseline {
	struct baseline_entry e[400];
	unsigned n;
};

static bool load_baseline(const char *path, struct baseline *b)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "sst286: cannot read baseline %s: %s\n", path, strerror(errno));
		return false;
	}
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		char file[16];
		unsigned count;
		if (line[0] == '#' || sscanf(line, "%15s %u", file, &count) != 2)
			continue;
		if (b->n == sizeof(b->e) / sizeof(b->e[0]))
			break;
		snprintf(b->e[b->n].file, sizeof(b->e[b->n].file), "%s", file);
		b->e[b->n].count = count;
		b->n++;
	}
	fclose(f);
	return true;
}

static struct baseline_entry *baseline_find(struct baseline *b, const char *file)
{
	for (unsigned i = 0; i < b->n; i++)
		if (!strcmp(b->e[i].file, file))
			return &b->e[i];
	return NULL;
}

/* --- main ------------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr,
		"usage: sst286_runner [-v] [--only FILE] [--test N] [--baseline FILE] DIR\n");
}

int main(int argc, char **argv)
{
	struct sst_options opt = { .test_index = -1 };
	const char *dir = NULL, *baseline_path = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v"))
			opt.verbose = true;
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			opt.only = argv[++i];
		else if (!strcmp(argv[i], "--test") && i + 1 < argc)
			opt.test_index = strtol(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--baseline") && i + 1 < argc)
			baseline_path = argv[++i];
		else if (argv[i][0] != '-' && !dir)
			dir = argv[i];
		else {
			usage();
			return 2;
		}
	}
	if (!dir) {
		usage();
		return 2;
	}

	char **names;
	int count = sst_list_dir(dir, &names);
	if (count < 0) {
		printf("sst286: test data not found at %s (%s): skipped\n", dir, strerror(errno));
		return SST_SKIP_EXIT;
	}
	if (!count) {
		printf("sst286: no *.MOO.gz files in %s: skipped\n", dir);
		return SST_SKIP_EXIT;
	}

	struct baseline *base = calloc(1, sizeof(*base));
	if (!base || (baseline_path && !load_baseline(baseline_path, base)))
		return 2;

	struct sst_machine *m = calloc(1, sizeof(*m));
	if (!m || phys_mem_init(&m->pm, SST_RAM_SIZE, false)) {
		fprintf(stderr, "sst286: out of memory\n");
		return 2;
	}
	io_bus_init(&m->io);
	clock_init(&m->clk);
	cpu_init(&m->cpu, &m->pm, &m->io, &m->clk);

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct sst_counts total = { 0 };
	unsigned files_run = 0, files_failing = 0, regressions = 0, stale = 0;
	bool io_error = false;
	for (int i = 0; i < count; i++) {
		if (opt.only && strcmp(opt.only, names[i]))
			continue;
		struct sst_counts c = { 0 };
		if (!run_file(m, dir, names[i], &opt, &c))
			io_error = true;
		files_run++;
		struct baseline_entry *be = baseline_find(base, names[i]);
		unsigned allowed = be ? be->count : 0;
		const char *note = "";
		if (be)
			be->seen = true;
		if (c.fail > allowed) {
			note = be ? "  REGRESSION (baseline allows fewer)" : "";
			regressions++;
		} else if (be && c.fail == 0) {
			note = "  PASSES NOW: remove it from the baseline";
			stale++;
		} else if (be && c.fail < allowed) {
			note = "  (better than the baseline: lower its count)";
		} else if (be) {
			note = "  (accepted by the baseline)";
		}
		if (c.fail)
			files_failing++;
		printf("%-6s pass %4u  fail %4u  skip %4u%s", names[i], c.pass, c.fail, c.skip,
		       note);
		if (c.stray)
			printf("  (%u stray RAM bytes written: one failure; -v lists them)",
			       c.stray);
		printf("\n");
		total.pass += c.pass;
		total.fail += c.fail;
		total.skip += c.skip;
		for (int f = 0; f < FLT_COUNT; f++)
			total.by_filter[f] += c.by_filter[f];
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;

	printf("total: %u files, %u passed, %u failed (in %u files), %u skipped, %.2f s\n",
	       files_run, total.pass, total.fail, files_failing, total.skip, secs);
	for (int f = 1; f < FLT_COUNT; f++)
		if (total.by_filter[f])
			printf("  %s %5u  %s: %s\n", f == FLT_LOCK ? "rewrote" : "skipped",
			       total.by_filter[f], sst_filters[f].name, sst_filters[f].reason);

	int rc = 0;
	if (io_error)
		rc = 2;
	else if (baseline_path) {
		if (regressions || stale) {
			printf("sst286: %u file(s) above the baseline, %u listed file(s) now "
			       "pass\n",
			       regressions, stale);
			rc = 1;
		}
	} else if (total.fail) {
		rc = 1;
	}

	phys_mem_free(&m->pm);
	free(m);
	free(base);
	sst_free_names(names, count);
	return rc;
}
