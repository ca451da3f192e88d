/* test_decode.c: the decoder, field by field. Lengths are also checked
 * against capstone on every SST instruction and on random bytes
 * (test_decode_capstone.c); this test checks what capstone cannot: the
 * digested ModRM operand, default segments, immediates, group selection
 * and the #UD / #GP / "need more bytes" outcomes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/opcode.h"

static enum x86_decode_status dec(struct x86_insn *in, bool code32, const uint8_t *b,
				  unsigned n)
{
	return x86_decode(in, b, n, code32);
}
#define DEC(in, c32, ...)                                                                    \
	dec(in, c32, (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

static void test_modrm16(void **state)
{
	(void)state;
	struct x86_insn in;
	/* 8B 42 10: mov ax, [bp+si+0x10] -> SS default */
	assert_int_equal(DEC(&in, false, 0x8B, 0x42, 0x10), X86_DECODE_OK);
	assert_int_equal(in.len, 3);
	assert_int_equal(in.ea_base, REG_EBP);
	assert_int_equal(in.ea_index, REG_ESI);
	assert_int_equal(in.disp, 0x10);
	assert_int_equal(in.seg, SEG_SS);
	assert_int_equal(in.opsize, 2);
	/* 8B 06 34 12: mov ax, [0x1234] -> DS, no base */
	assert_int_equal(DEC(&in, false, 0x8B, 0x06, 0x34, 0x12), X86_DECODE_OK);
	assert_int_equal(in.len, 4);
	assert_int_equal(in.ea_base, X86_NO_REG);
	assert_int_equal(in.disp, 0x1234);
	assert_int_equal(in.seg, SEG_DS);
	/* 26 8B 86 FE FF: mov ax, es:[bp-2] -> override wins */
	assert_int_equal(DEC(&in, false, 0x26, 0x8B, 0x86, 0xFE, 0xFF), X86_DECODE_OK);
	assert_int_equal(in.seg, SEG_ES);
	assert_int_equal(in.disp, -2);
	assert_int_equal(in.len, 5);
}

static void test_modrm32_sib(void **state)
{
	(void)state;
	struct x86_insn in;
	/* 8B 44 8D 08: mov eax, [ebp+ecx*4+8] -> SS */
	assert_int_equal(DEC(&in, true, 0x8B, 0x44, 0x8D, 0x08), X86_DECODE_OK);
	assert_int_equal(in.ea_base, REG_EBP);
	assert_int_equal(in.ea_index, REG_ECX);
	assert_int_equal(in.ea_scale, 2);
	assert_int_equal(in.seg, SEG_SS);
	assert_int_equal(in.len, 4);
	/* 8B 04 25 78 56 34 12: mov eax, [0x12345678] (SIB, no base, no index) */
	assert_int_equal(DEC(&in, true, 0x8B, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12), X86_DECODE_OK);
	assert_int_equal(in.ea_base, X86_NO_REG);
	assert_int_equal(in.ea_index, X86_NO_REG);
	assert_int_equal(in.disp, 0x12345678);
	assert_int_equal(in.seg, SEG_DS);
	assert_int_equal(in.len, 7);
	/* 8B 04 24: mov eax, [esp] -> SS */
	assert_int_equal(DEC(&in, true, 0x8B, 0x04, 0x24), X86_DECODE_OK);
	assert_int_equal(in.ea_base, REG_ESP);
	assert_int_equal(in.seg, SEG_SS);
	/* 67 in 32-bit code switches to 16-bit addressing */
	assert_int_equal(DEC(&in, true, 0x67, 0x8B, 0x07), X86_DECODE_OK);
	assert_int_equal(in.adsize, 2);
	assert_int_equal(in.ea_base, REG_EBX);
	assert_int_equal(in.len, 3);
}

static void test_sizes_and_immediates(void **state)
{
	(void)state;
	struct x86_insn in;
	/* 66 B8 imm32 in 16-bit code */
	assert_int_equal(DEC(&in, false, 0x66, 0xB8, 1, 2, 3, 4), X86_DECODE_OK);
	assert_int_equal(in.opsize, 4);
	assert_int_equal(in.imm, 0x04030201);
	assert_int_equal(in.len, 6);
	/* 83 C0 FF: add ax, -1 (imm8 sign-extended) */
	assert_int_equal(DEC(&in, false, 0x83, 0xC0, 0xFF), X86_DECODE_OK);
	assert_int_equal(in.imm, 0xFFFFFFFFu);
	assert_int_equal(in.op->aux, 0);
	/* F6 /0 takes an immediate, F6 /2 does not */
	assert_int_equal(DEC(&in, false, 0xF6, 0xC0, 0x55), X86_DECODE_OK);
	assert_string_equal(in.op->name, "test");
	assert_int_equal(in.len, 3);
	assert_int_equal(DEC(&in, false, 0xF6, 0xD0), X86_DECODE_OK);
	assert_string_equal(in.op->name, "not");
	assert_int_equal(in.len, 2);
	/* EA: far pointer offset16 then selector */
	assert_int_equal(DEC(&in, false, 0xEA, 0x34, 0x12, 0x00, 0xF0), X86_DECODE_OK);
	assert_int_equal(in.imm, 0x1234);
	assert_int_equal(in.imm2, 0xF000);
	/* C8: ENTER imm16, imm8 */
	assert_int_equal(DEC(&in, true, 0xC8, 0x10, 0x00, 0x03), X86_DECODE_OK);
	assert_int_equal(in.imm, 0x10);
	assert_int_equal(in.imm2, 3);
	/* A1 moffs follows the address size, not the operand size */
	assert_int_equal(DEC(&in, false, 0x67, 0xA1, 1, 2, 3, 4), X86_DECODE_OK);
	assert_int_equal(in.imm, 0x04030201);
	assert_int_equal(in.len, 6);
	/* 0F 20 C0 and 0F 20 00: MOV from CR0; mod is ignored, no displacement */
	assert_int_equal(DEC(&in, true, 0x0F, 0x20, 0x00), X86_DECODE_OK);
	assert_int_equal(in.mod, 3);
	assert_int_equal(in.len, 3);
}

static void test_prefixes(void **state)
{
	(void)state;
	struct x86_insn in;
	/* F3 A4: rep movsb */
	assert_int_equal(DEC(&in, false, 0xF3, 0xA4), X86_DECODE_OK);
	assert_int_equal(in.rep, REP_E);
	assert_true(in.op->cls & CLS_STRING);
	/* last segment override wins */
	assert_int_equal(DEC(&in, false, 0x26, 0x2E, 0xAC), X86_DECODE_OK);
	assert_int_equal(in.seg, SEG_CS);
	/* LOCK on a memory destination is fine, on a register #UD */
	assert_int_equal(DEC(&in, true, 0xF0, 0x01, 0x03), X86_DECODE_OK);
	assert_int_equal(DEC(&in, true, 0xF0, 0x01, 0xC3), X86_DECODE_UD);
	/* LOCK on MOV is #UD */
	assert_int_equal(DEC(&in, true, 0xF0, 0x89, 0x03), X86_DECODE_UD);
}

static void test_errors(void **state)
{
	(void)state;
	struct x86_insn in;
	/* 15 bytes is the limit: 14 prefixes + NOP is fine, 15 + NOP is #GP */
	uint8_t b[16];
	for (int i = 0; i < 16; i++)
		b[i] = 0x66;
	b[14] = 0x90;
	assert_int_equal(dec(&in, false, b, 15), X86_DECODE_OK);
	assert_int_equal(in.len, 15);
	b[14] = 0x66;
	b[15] = 0x90;
	assert_int_equal(dec(&in, false, b, 16), X86_DECODE_GP);
	/* undefined: 0F 0F (3DNow!), 0F 38 xx (SSSE3), FE /2, 8F /1 */
	assert_int_equal(DEC(&in, true, 0x0F, 0x0F, 0xC0, 0x00), X86_DECODE_UD);
	assert_int_equal(DEC(&in, true, 0x0F, 0x38, 0x00, 0xC0), X86_DECODE_UD);
	assert_int_equal(DEC(&in, true, 0xFE, 0xD0), X86_DECODE_UD);
	assert_int_equal(DEC(&in, true, 0x8F, 0xC8), X86_DECODE_UD);
	/* memory-only forms with a register: LEA, LGDT, CMPXCHG8B */
	assert_int_equal(DEC(&in, true, 0x8D, 0xC0), X86_DECODE_UD);
	assert_int_equal(DEC(&in, true, 0x0F, 0x01, 0xD0), X86_DECODE_UD);
	assert_int_equal(DEC(&in, true, 0x0F, 0xC7, 0xC8), X86_DECODE_UD);
	/* truncated input asks for more */
	assert_int_equal(DEC(&in, true, 0x8B, 0x04), X86_DECODE_MORE);
	assert_int_equal(DEC(&in, true, 0xB8, 0x01, 0x02), X86_DECODE_MORE);
	assert_int_equal(dec(&in, true, b, 0), X86_DECODE_MORE);
}

static void test_table_classes(void **state)
{
	(void)state;
	struct x86_insn in;
	/* The classes the translator will rely on. */
	assert_int_equal(DEC(&in, false, 0xFA), X86_DECODE_OK); /* cli */
	assert_true(in.op->cls & CLS_VMM);
	assert_true(in.op->cls & CLS_IOPL);
	assert_int_equal(DEC(&in, false, 0xE6, 0x43), X86_DECODE_OK); /* out 0x43, al */
	assert_true(in.op->cls & CLS_VMM);
	assert_int_equal(in.imm, 0x43);
	assert_int_equal(DEC(&in, true, 0x0F, 0x22, 0xD8), X86_DECODE_OK); /* mov cr3, eax */
	assert_true(in.op->cls & CLS_PRIV);
	assert_int_equal(DEC(&in, true, 0x01, 0xC3), X86_DECODE_OK); /* add ebx, eax */
	assert_false(in.op->cls & (CLS_VMM | CLS_ENDS_BLOCK));
	assert_int_equal(in.op->flags_written, F_ALL_ARITH);
	assert_int_equal(DEC(&in, true, 0x74, 0x00), X86_DECODE_OK); /* je */
	assert_true(in.op->cls & CLS_ENDS_BLOCK);
	assert_int_equal(in.op->flags_read, F_ZF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modrm16),     cmocka_unit_test(test_modrm32_sib),
		cmocka_unit_test(test_sizes_and_immediates), cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_errors),      cmocka_unit_test(test_table_classes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
