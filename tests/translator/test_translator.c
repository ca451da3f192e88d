/* test_translator.c: the binary translator's pieces, each with both
 * backends: where the scanner ends blocks, the cache's keys, chaining and
 * unchaining, self-modifying code invalidated no wider than the bytes
 * written, precise exceptions in the middle of a block, the budget, and
 * the flush of a full cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/translator/tr_env.h"

/* --- the scanner ------------------------------------------------------------ */

static unsigned scan(const uint8_t *code, size_t len, uint32_t off, bool code32, enum tr_end *end,
		     struct x86_insn *in)
{
	static uint8_t page[PHYS_PAGE_SIZE];
	memset(page, 0x90, sizeof(page));
	memcpy(page + off, code, len);
	return tr_scan(page, off, code32, in, TR_MAX_BLOCK_INSNS, end);
}

static void test_scan_block_ends(void **state)
{
	(void)state;
	enum tr_end end;
	struct x86_insn in[TR_MAX_BLOCK_INSNS];
	/* mov ax,1; add ax,bx; jmp $ : a direct branch ends it, included. */
	static const uint8_t br[] = {0xB8, 1, 0, 0x01, 0xD8, 0xEB, 0xFE};
	assert_int_equal(scan(br, sizeof(br), 0, false, &end, in), 3);
	assert_int_equal(end, TR_END_BRANCH);
	assert_int_equal(tr_classify(&in[2]), TR_CLASS_BRANCH);
	assert_int_equal(tr_classify(&in[0]), TR_CLASS_HANDLER);
	/* mov ax,1; out dx,al : a VMM routine ends it, included. */
	static const uint8_t vmm[] = {0xB8, 1, 0, 0xEE, 0x90};
	assert_int_equal(scan(vmm, sizeof(vmm), 0, false, &end, in), 2);
	assert_int_equal(end, TR_END_VMM);
	assert_int_equal(tr_classify(&in[1]), TR_CLASS_VMM);
	/* inc ax; ret : another control transfer. */
	static const uint8_t ret[] = {0x40, 0xC3};
	assert_int_equal(scan(ret, sizeof(ret), 0, false, &end, in), 2);
	assert_int_equal(end, TR_END_CONTROL);
	/* pop ss changes the stack size: ends the block. */
	static const uint8_t popss[] = {0x40, 0x17, 0x40};
	assert_int_equal(scan(popss, sizeof(popss), 0, false, &end, in), 2);
	assert_int_equal(end, TR_END_CONTROL);
	/* A page of NOPs: the length limit. */
	static const uint8_t nop[] = {0x90};
	assert_int_equal(scan(nop, 1, 0, false, &end, in), TR_MAX_BLOCK_INSNS);
	assert_int_equal(end, TR_END_LIMIT);
	/* Two NOPs, then mov eax,imm32 whose last bytes are on the next
	 * page: the block stops before it. */
	static const uint8_t cross[] = {0x90, 0x90, 0xB8, 1, 2};
	assert_int_equal(scan(cross, sizeof(cross), PHYS_PAGE_SIZE - 5, true, &end, in), 2);
	assert_int_equal(end, TR_END_PAGE);
	/* Instructions ending exactly at the page end: page end too. */
	static const uint8_t exact[] = {0x90, 0x40};
	assert_int_equal(scan(exact, sizeof(exact), PHYS_PAGE_SIZE - 2, false, &end, in), 2);
	assert_int_equal(end, TR_END_PAGE);
	/* An instruction that does not decode: the block stops before it,
	 * and none starts at it. */
	static const uint8_t bad[] = {0x40, 0x0F, 0xFF};
	assert_int_equal(scan(bad, sizeof(bad), 0, false, &end, in), 1);
	assert_int_equal(end, TR_END_DECODE);
	assert_int_equal(scan(bad + 1, 2, 0, false, &end, in), 0);
}

/* --- the cache -------------------------------------------------------------- */

static void test_cache_keys_by_mode(void **state)
{
	(void)state;
	enum tr_backend be[2];
	for (unsigned k = 0, n = tr_env_backends(be); k < n; k++) {
		struct tr_env *e = tr_env_new(be[k], 0, 0);
		static const uint8_t code[] = {0xB8, 1, 0, 0, 0, 0xF4};
		tr_env_code(e, 0, code, sizeof(code));
		uint32_t m16 = tr_mode_key(&e->cpu);
		struct tr_block *b16 = tr_translate(&e->tr, TR_ENV_CODE);
		assert_non_null(b16);
		assert_int_equal(b16->insn[0].len, 3);
		assert_ptr_equal(tr_lookup(&e->tr, TR_ENV_CODE, m16), b16);
		/* A 32-bit code segment: same bytes, another block. */
		e->cpu.seg[SEG_CS].attr |= SEG_ATTR_DB;
		cpu_update_mode(&e->cpu);
		uint32_t m32 = tr_mode_key(&e->cpu);
		assert_int_not_equal(m16, m32);
		assert_null(tr_lookup(&e->tr, TR_ENV_CODE, m32));
		struct tr_block *b32 = tr_translate(&e->tr, TR_ENV_CODE);
		assert_non_null(b32);
		assert_int_equal(b32->insn[0].len, 5);
		assert_ptr_equal(tr_lookup(&e->tr, TR_ENV_CODE, m32), b32);
		assert_ptr_equal(tr_lookup(&e->tr, TR_ENV_CODE, m16), b16);
		/* Each of the other mode bits separates keys too. */
		e->cpu.seg[SEG_SS].attr |= SEG_ATTR_DB;
		cpu_update_mode(&e->cpu);
		assert_int_not_equal(tr_mode_key(&e->cpu), m32);
		e->cpu.seg[SEG_SS].attr &= (uint16_t)~SEG_ATTR_DB;
		e->cpu.cr[0] |= CR0_PE;
		assert_int_not_equal(tr_mode_key(&e->cpu), m32);
		e->cpu.cr[0] |= CR0_PG;
		uint32_t pg = tr_mode_key(&e->cpu);
		e->cpu.cr[0] &= ~CR0_PG;
		assert_int_not_equal(pg, tr_mode_key(&e->cpu));
		e->cpu.eflags |= FLAG_VM;
		assert_int_not_equal(tr_mode_key(&e->cpu), m32);
		tr_env_free(e);
	}
}

/* --- running ---------------------------------------------------------------- */

static void test_loop_chains(void **state)
{
	(void)state;
	enum tr_backend be[2];
	for (unsigned k = 0, n = tr_env_backends(be); k < n; k++) {
		struct tr_env *e = tr_env_new(be[k], 0, 0);
		/* mov cx,100 / l: inc ax / loop l / hlt */
		static const uint8_t code[] = {0xB9, 100, 0, 0x40, 0xE2, 0xFD, 0xF4};
		tr_env_code(e, 0, code, sizeof(code));
		assert_int_equal(tr_env_run(e, 100000), CPU_STOP_HALT);
		assert_int_equal(e->cpu.regs[REG_EAX], 100);
		assert_int_equal(e->cpu.eip, 7);
		assert_int_equal(e->clk.insns, 1 + 200 + 1);
		/* Block 0-5 into 3-5, 3-5 into itself and into the HLT at 6. */
		assert_true(e->tr.stats.chained >= 3);
		/* Chained: the loop ran without coming back to the dispatcher. */
		assert_true(e->tr.stats.lookups < 10);

		/* Rewriting the loop body (inc ax -> inc bx) drops both blocks
		 * that hold it and undoes every jump into them. */
		uint8_t incbx = 0x43;
		tr_env_code(e, 3, &incbx, 1);
		assert_int_equal(e->tr.stats.invalidations, 2);
		assert_true(e->tr.stats.unchained >= 3);
		assert_null(tr_lookup(&e->tr, TR_ENV_CODE + 3, tr_mode_key(&e->cpu)));
		assert_non_null(tr_lookup(&e->tr, TR_ENV_CODE + 6, tr_mode_key(&e->cpu)));
		e->cpu.regs[REG_EAX] = e->cpu.regs[REG_EBX] = 0;
		e->cpu.eip = 0;
		e->cpu.halted = false;
		assert_int_equal(tr_env_run(e, 100000), CPU_STOP_HALT);
		assert_int_equal(e->cpu.regs[REG_EAX], 0);
		assert_int_equal(e->cpu.regs[REG_EBX], 100);
		tr_env_free(e);
	}
}

/* A live block chained into one that is invalidated must not jump into
 * the old code any more. */
static void test_unchain_into_invalidated(void **state)
{
	(void)state;
	enum tr_backend be[2];
	for (unsigned k = 0, n = tr_env_backends(be); k < n; k++) {
		struct tr_env *e = tr_env_new(be[k], 0, 0);
		/* A at 0: inc ax / jmp 0x10.  B at 0x10: inc bx / hlt */
		static const uint8_t a[] = {0x40, 0xEB, 0x0D};
		static const uint8_t b[] = {0x43, 0xF4};
		tr_env_code(e, 0, a, sizeof(a));
		tr_env_code(e, 0x10, b, sizeof(b));
		assert_int_equal(tr_env_run(e, 1000), CPU_STOP_HALT);
		assert_int_equal(e->tr.stats.chained, 1);
		uint32_t mode = tr_mode_key(&e->cpu);
		struct tr_block *ab = tr_lookup(&e->tr, TR_ENV_CODE, mode);
		assert_non_null(ab);
		assert_non_null(ab->exits[0].to);
		/* B becomes inc cx / hlt; A stays. */
		uint8_t inccx = 0x41;
		tr_env_code(e, 0x10, &inccx, 1);
		assert_ptr_equal(tr_lookup(&e->tr, TR_ENV_CODE, mode), ab);
		assert_null(ab->exits[0].to);
		assert_int_equal(e->tr.stats.unchained, 1);
		e->cpu.eip = 0;
		e->cpu.halted = false;
		assert_int_equal(tr_env_run(e, 1000), CPU_STOP_HALT);
		assert_int_equal(e->cpu.regs[REG_EAX], 2);
		assert_int_equal(e->cpu.regs[REG_EBX], 1);
		assert_int_equal(e->cpu.regs[REG_ECX] & 0xFFFF, 1);
		/* And A chains into the new B. */
		assert_non_null(ab->exits[0].to);
		tr_env_free(e);
	}
}

static void test_budget_is_exact(void **state)
{
	(void)state;
	enum tr_backend be[2];
	for (unsigned k = 0, n = tr_env_backends(be); k < n; k++) {
		struct tr_env *e = tr_env_new(be[k], 0, 0);
		static const uint8_t code[] = {0xB9, 100, 0, 0x40, 0xE2, 0xFD, 0xF4};
		tr_env_code(e, 0, code, sizeof(code));
		/* 50 instructions: mov cx, 24 x (inc, loop), one more inc. */
		assert_int_equal(tr_env_run(e, 50), CPU_STOP_BUDGET);
		assert_int_equal(e->clk.insns, 50);
		assert_int_equal(e->cpu.regs[REG_EAX], 25);
		assert_int_equal(e->cpu.eip, 4); /* at the loop */
		tr_env_free(e);
	}
}

static void test_smc_same_block(void **state)
{
	(void)state;
	enum tr_backend be[2];
	for (unsigned k = 0, n = tr_env_backends(be); k < n; k++) {
		struct tr_env *e = tr_env_new(be[k], 0, 0);
		/* mov byte [cs:7], 5 / mov ax, 1 (its immediate at 7) / hlt:
		 * one block that rewrites its own next instruction. */
		static const uint8_t code[] = {0x2E, 0xC6, 0x06, 7, 0, 5, 0xB8, 1, 0, 0xF4};
		tr_env_code(e, 0, code, sizeof(code));
		assert_int_equal(tr_env_run(e, 1000), CPU_STOP_HALT);
		assert_int_equal(e->cpu.regs[REG_EAX], 5);
		assert_int_equal(e->tr.stats.invalidations, 1);
		tr_env_free(e);
	}
}

static void test_smc_granularity(void **state)
{
	(void)state;
	enum tr_backend be[2];
	for (unsigned k = 0, n = tr_env_backends(be); k < n; k++) {
		struct tr_env *e = tr_env_new(be[k], 0, 0);
		/* A: mov byte [cs:0x800], 1 / mov byte [cs:0x400], 0x43 / hlt
		 * B at 0x400: inc ax / hlt */
		static const uint8_t a[] = {0x2E, 0xC6, 0x06, 0x00, 0x08, 1, 0xF4};
		static const uint8_t b[] = {0x40, 0xF4};
		tr_env_code(e, 0, a, sizeof(a));
		tr_env_code(e, 0x400, b, sizeof(b));
		uint32_t mode = tr_mode_key(&e->cpu);
		e->cpu.eip = 0x400;
		assert_int_equal(tr_env_run(e, 1000), CPU_STOP_HALT);
		assert_int_equal(e->cpu.regs[REG_EAX], 1);
		assert_non_null(tr_lookup(&e->tr, TR_ENV_CODE + 0x400, mode));
		/* Data on the code page: trapped, and nothing invalidated. */
		e->cpu.eip = 0;
		e->cpu.halted = false;
		assert_int_equal(tr_env_run(e, 1000), CPU_STOP_HALT);
		assert_true(e->tr.stats.smc_writes >= 1);
		assert_int_equal(e->tr.stats.invalidations, 0);
		assert_int_equal(e->pm.ram[TR_ENV_CODE + 0x800], 1);
		assert_non_null(tr_lookup(&e->tr, TR_ENV_CODE, mode));
		assert_non_null(tr_lookup(&e->tr, TR_ENV_CODE + 0x400, mode));
		/* A store into B's bytes drops B only. */
		static const uint8_t a2[] = {0x2E, 0xC6, 0x06, 0x00, 0x04, 0x43, 0xF4};
		tr_env_code(e, 0x100, a2, sizeof(a2));
		e->cpu.eip = 0x100;
		e->cpu.halted = false;
		assert_int_equal(tr_env_run(e, 1000), CPU_STOP_HALT);
		assert_int_equal(e->tr.stats.invalidations, 1);
		assert_null(tr_lookup(&e->tr, TR_ENV_CODE + 0x400, mode));
		assert_non_null(tr_lookup(&e->tr, TR_ENV_CODE, mode));
		assert_non_null(tr_lookup(&e->tr, TR_ENV_CODE + 0x100, mode));
		e->cpu.eip = 0x400;
		e->cpu.halted = false;
		assert_int_equal(tr_env_run(e, 1000), CPU_STOP_HALT);
		assert_int_equal(e->cpu.regs[REG_EAX], 1);
		assert_int_equal(e->cpu.regs[REG_EBX], 1);
		/* With no block left on it a page is plain RAM again. */
		tr_flush(&e->tr);
		assert_true(e->pm.flags[TR_ENV_CODE >> PHYS_PAGE_SHIFT] & PHYS_PAGE_WRITABLE);
		assert_false(e->pm.flags[TR_ENV_CODE >> PHYS_PAGE_SHIFT] & PHYS_PAGE_TRANSLATED);
		tr_env_free(e);
	}
}

static void test_precise_fault(void **state)
{
	(void)state;
	enum tr_backend be[2];
	for (unsigned k = 0, n = tr_env_backends(be); k < n; k++) {
		struct tr_env *e = tr_env_new(be[k], 0, 0);
		/* #DE handler at 1000:0200: hlt. */
		uint32_t vec0 = (TR_ENV_CODE >> 4) << 16 | 0x200;
		phys_write_block(&e->pm, 0, &vec0, 4);
		uint8_t hlt = 0xF4;
		tr_env_code(e, 0x200, &hlt, 1);
		/* mov word [0x10],0x1234 / mov ax,1 / mov bx,2 / mov cl,0 /
		 * div cl (at 14) / mov dx,7 / hlt: one block, faulting inside. */
		static const uint8_t code[] = {0xC7, 0x06, 0x10, 0x00, 0x34, 0x12, 0xB8, 1, 0, 0xBB,
					       2, 0, 0xB1, 0, 0xF6, 0xF1, 0xBA, 7, 0, 0xF4};
		tr_env_code(e, 0, code, sizeof(code));
		e->cpu.regs[REG_EDX] = 0;
		assert_int_equal(tr_env_run(e, 1000), CPU_STOP_HALT);
		assert_int_equal(e->cpu.exceptions[EXC_DE], 1);
		assert_int_equal(e->cpu.eip, 0x201);
		/* The return address pushed is the DIV's, and everything
		 * before it retired; nothing after it did. */
		uint16_t ip = 0;
		phys_read_block(&e->pm, 0x40000 + 0xFFF8, &ip, 2);
		assert_int_equal(ip, 14);
		assert_int_equal(e->cpu.regs[REG_EAX], 1);
		assert_int_equal(e->cpu.regs[REG_EBX], 2);
		assert_int_equal(e->cpu.regs[REG_EDX], 0);
		uint16_t w = 0;
		phys_read_block(&e->pm, 0x20010, &w, 2);
		assert_int_equal(w, 0x1234);
		/* Four instructions, the faulting one's slot, the handler's hlt,
		 * as the interpreter counts them. */
		assert_int_equal(e->clk.insns, 6);
		tr_env_free(e);
	}
}

static void test_flush_when_full(void **state)
{
	(void)state;
	enum tr_backend be[2];
	for (unsigned k = 0, n = tr_env_backends(be); k < n; k++) {
		/* Room for a few blocks only. */
		struct tr_env *e = tr_env_new(be[k], 2 * 4096, 2048);
		/* 40 x (inc ax; jmp +0), then hlt: 40 blocks. */
		uint8_t code[40 * 3 + 1];
		for (int i = 0; i < 40; i++) {
			code[3 * i] = 0x40;
			code[3 * i + 1] = 0xEB;
			code[3 * i + 2] = 0;
		}
		code[120] = 0xF4;
		tr_env_code(e, 0, code, sizeof(code));
		assert_int_equal(tr_env_run(e, 10000), CPU_STOP_HALT);
		assert_int_equal(e->cpu.regs[REG_EAX], 40);
		assert_true(e->tr.stats.flushes >= 1);
		tr_env_free(e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_block_ends),
		cmocka_unit_test(test_cache_keys_by_mode),
		cmocka_unit_test(test_loop_chains),
		cmocka_unit_test(test_unchain_into_invalidated),
		cmocka_unit_test(test_budget_is_exact),
		cmocka_unit_test(test_smc_same_block),
		cmocka_unit_test(test_smc_granularity),
		cmocka_unit_test(test_precise_fault),
		cmocka_unit_test(test_flush_when_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
