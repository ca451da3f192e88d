/* test_check.c: --engine check (vmm/check.c) on a machine built in the test.
 *
 * A 64 KiB firmware image holds a loop of a few real-mode instructions.
 * Unspoiled, the translator and the interpreter agree slice after slice.
 * With the translator's test hook (translator.h, test_corrupt) spoiling the
 * block that holds one ADD, the check must stop with MACHINE_DIVERGED and
 * name that ADD: its address, bytes, text, its index in the block, the
 * state before it and both states after it. A byte of RAM changed behind
 * the translator's back shows right after the next block that loads it or
 * writes its page, or else at the end of the slice; the replay (run from
 * RAM as the interpreter has it) rightly pins it on no instruction.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cpu/decode.h"
#include "vmm/check.h"
#include "vmm/machine.h"

#define BIOS_SIZE 0x10000u

/* F000:0000  mov ax, 1 / mov bx, 2 / add ax, bx / mov [0x500], ax / jmp 0 */
static const uint8_t loop_add[] = { 0xB8, 0x01, 0x00, 0xBB, 0x02, 0x00, 0x01,
				    0xD8, 0xA3, 0x00, 0x05, 0xEB, 0xF3 };
#define ADD_LIN 0xF0006u

/* F000:0000  mov si, 0x600 / mov di, 0x500 / movsb / jmp 0 */
static const uint8_t loop_movsb[] = { 0xBE, 0x00, 0x06, 0xBF, 0x00, 0x05, 0xA4, 0xEB, 0xF7 };

/* F000:0000  mov ax, [0x600] / mov [0x500], ax / jmp 0 */
static const uint8_t loop_copy[] = { 0xA1, 0x00, 0x06, 0xA3, 0x00, 0x05, 0xEB, 0xF8 };

struct fixture {
	struct machine m;
	uint8_t bios[BIOS_SIZE];
};

static struct fixture *fixture_new(const uint8_t *code, size_t len, bool portable)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	memset(f->bios, 0xF4, sizeof(f->bios));
	memcpy(f->bios, code, len);
	/* Reset vector: jmp F000:0000. */
	static const uint8_t reset[] = { 0xEA, 0x00, 0x00, 0x00, 0xF0 };
	memcpy(f->bios + 0xFFF0, reset, sizeof(reset));
	struct machine_config cfg = { .ram_mb = 4,
				      .bios = f->bios,
				      .bios_size = sizeof(f->bios),
				      .exit_port = -1,
				      .engine = MACHINE_ENGINE_CHECK,
				      .tr_portable = portable };
	char err[128];
	if (machine_init(&f->m, &cfg, err, sizeof(err)) < 0)
		fail_msg("machine_init: %s", err);
	assert_non_null(f->m.check);
	return f;
}

static void fixture_free(struct fixture *f)
{
	machine_free(&f->m);
	free(f);
}

static void agree(bool portable)
{
	struct fixture *f = fixture_new(loop_add, sizeof(loop_add), portable);
	for (int i = 0; i < 3; i++)
		assert_int_equal(machine_run(&f->m, 1000000), MACHINE_SLICE_DONE);
	assert_false(f->m.diverged);
	assert_true(f->m.clock.insns > 100000);
	assert_int_equal(f->m.mem.ram[0x500], 3);
	assert_int_equal(f->m.shadow->mem.ram[0x500], 3);
	fixture_free(f);
}

static void test_agree_x64(void **state)
{
	(void)state;
	agree(false);
}

static void test_agree_portable(void **state)
{
	(void)state;
	agree(true);
}

static void spoiled_add(bool portable)
{
	struct fixture *f = fixture_new(loop_add, sizeof(loop_add), portable);
	struct machine *m = &f->m;
	assert_int_equal(machine_run(m, 1000000), MACHINE_SLICE_DONE);
	m->tr->test_corrupt = true;
	m->tr->test_corrupt_lin = ADD_LIN;
	assert_int_equal(machine_run(m, 1000000), MACHINE_DIVERGED);
	assert_true(m->diverged);
	const struct check *c = m->check;
	const struct check_found *d = &c->found;
	assert_int_equal(d->what, CHECK_CPU);
	assert_int_equal(d->run_cs, 0xF000);
	assert_true(d->located);
	assert_int_equal(d->insn_what, CHECK_CPU);
	assert_int_equal(d->insn_index, 2);
	assert_int_equal(d->insn_cs, 0xF000);
	assert_int_equal(d->insn_eip, 6);
	assert_int_equal(d->insn_lin, ADD_LIN);
	assert_true(d->insn_mapped);
	assert_int_equal(d->insn_phys, ADD_LIN);
	assert_int_equal(d->insn_len, 2);
	assert_memory_equal(d->insn_bytes, "\x01\xD8", 2);
	assert_string_equal(d->insn_text, "add ax, bx");
	/* The state before the ADD, then after it: EAX differs, nothing else. */
	assert_int_equal(c->before->regs[REG_EAX], 1);
	assert_int_equal(c->before->eip, 6);
	assert_int_equal(c->diff_m->regs[REG_EAX], 2);
	assert_int_equal(c->diff_s->regs[REG_EAX], 3);
	assert_int_equal(c->diff_m->eip, 8);
	assert_int_equal(c->diff_s->eip, 8);
	assert_int_equal(c->diff_m->eflags, c->diff_s->eflags);
	assert_int_equal(d->n_bytes_total, 0);
	fixture_free(f);
}

static void test_spoiled_add_x64(void **state)
{
	(void)state;
	spoiled_add(false);
}

static void test_spoiled_add_portable(void **state)
{
	(void)state;
	spoiled_add(true);
}

static void ram_behind_back(bool portable)
{
	struct fixture *f = fixture_new(loop_copy, sizeof(loop_copy), portable);
	struct machine *m = &f->m;
	assert_int_equal(machine_run(m, 1000000), MACHINE_SLICE_DONE);
	m->mem.ram[0x600] = 0x55; /* the interpreter's machine still has 0 */
	assert_int_equal(machine_run(m, 1000000), MACHINE_DIVERGED);
	const struct check_found *d = &m->check->found;
	assert_int_equal(d->what, CHECK_CPU); /* AX was loaded from it */
	assert_false(d->slice_end);
	assert_false(d->located);
	assert_non_null(d->why_not);
	/* The stored word; the changed byte was not written by the block. */
	assert_int_equal(d->n_bytes_total, 1);
	assert_int_equal(d->bytes[0].phys, 0x500);
	assert_int_equal(d->bytes[0].tr, 0x55);
	assert_int_equal(d->bytes[0].interp, 0);
	fixture_free(f);
}

static void test_ram_behind_back_x64(void **state)
{
	(void)state;
	ram_behind_back(false);
}

static void test_ram_behind_back_portable(void **state)
{
	(void)state;
	ram_behind_back(true);
}

/* A byte the interpreter stores too, but with another value, is found
 * right after the block that stores it (MOVSB: memory to memory, so the
 * CPU states agree). */
static void test_ram_written_page(void **state)
{
	(void)state;
	struct fixture *f = fixture_new(loop_movsb, sizeof(loop_movsb), false);
	struct machine *m = &f->m;
	assert_int_equal(machine_run(m, 1000000), MACHINE_SLICE_DONE);
	uint64_t at = m->clock.insns;
	m->mem.ram[0x600] = 0x66; /* the interpreter's machine still has 0 */
	assert_int_equal(machine_run(m, 1000000), MACHINE_DIVERGED);
	const struct check_found *d = &m->check->found;
	assert_int_equal(d->what, CHECK_MEMORY);
	assert_false(d->slice_end);
	assert_true(d->run_insns - at < 10); /* the first block that stores */
	assert_false(d->located);
	assert_int_equal(d->n_bytes_total, 1); /* 0x600 was not written */
	assert_int_equal(d->bytes[0].phys, 0x500);
	assert_int_equal(d->bytes[0].tr, 0x66);
	assert_int_equal(d->bytes[0].interp, 0);
	fixture_free(f);
}

/* A byte changed where no block writes is found at the slice's end. */
static void test_ram_slice_end(void **state)
{
	(void)state;
	struct fixture *f = fixture_new(loop_add, sizeof(loop_add), false);
	struct machine *m = &f->m;
	assert_int_equal(machine_run(m, 1000000), MACHINE_SLICE_DONE);
	m->mem.ram[0x3000] = 0x77;
	assert_int_equal(machine_run(m, 1000000), MACHINE_DIVERGED);
	const struct check_found *d = &m->check->found;
	assert_int_equal(d->what, CHECK_MEMORY);
	assert_true(d->slice_end);
	assert_false(d->located);
	assert_int_equal(d->n_bytes_total, 1);
	assert_int_equal(d->bytes[0].phys, 0x3000);
	assert_int_equal(d->bytes[0].tr, 0x77);
	fixture_free(f);
}

/* The instruction text the report prints. */
static void test_format(void **state)
{
	(void)state;
	static const struct {
		const char *bytes;
		unsigned len;
		bool code32;
		const char *text;
	} cases[] = {
		{ "\x01\xD8", 2, false, "add ax, bx" },
		{ "\x66\x01\xD8", 3, false, "add eax, ebx" },
		{ "\x8B\x44\x24\x08", 4, true, "mov eax, dword [ss:esp+0x8]" },
		{ "\x89\x5E\xFC", 3, false, "mov word [ss:bp-0x4], bx" },
		{ "\x83\xC1\x05", 3, true, "add ecx, 0x5" },
		{ "\x0F\xB6\x03", 3, true, "movzx eax, byte [ds:ebx]" },
		{ "\xB0\x41", 2, false, "mov al, 0x41" },
		{ "\x75\xFE", 2, false, "jne 0x100" },
		{ "\xA1\x10\x00\x00\x40", 5, true, "mov eax, dword [ds:0x40000010]" },
		{ "\x26\xA2\x34\x12", 4, false, "mov byte [es:0x1234], al" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct x86_insn in;
		assert_int_equal(x86_decode(&in, (const uint8_t *)cases[i].bytes, cases[i].len,
					    cases[i].code32),
				 X86_DECODE_OK);
		char text[96];
		check_format_insn(&in, 0x100, text, sizeof(text));
		assert_string_equal(text, cases[i].text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agree_x64),
		cmocka_unit_test(test_agree_portable),
		cmocka_unit_test(test_spoiled_add_x64),
		cmocka_unit_test(test_spoiled_add_portable),
		cmocka_unit_test(test_ram_behind_back_x64),
		cmocka_unit_test(test_ram_behind_back_portable),
		cmocka_unit_test(test_ram_written_page),
		cmocka_unit_test(test_ram_slice_end),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
