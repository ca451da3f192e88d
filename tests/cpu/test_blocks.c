/* test_blocks.c: the run loop's blocks (cpu/exec.c, cpu/icache.h). A block
 * runs a straight line of cached instructions without looking each one up,
 * so these tests check that it still stops exactly where one-at-a-time
 * execution would: at the end of the budget, when code it is about to run
 * is overwritten, when a string instruction repeats, when TF is set, when
 * an exception is raised half-way, and when an interrupt arrives through a
 * device access half-way. Also the runs of REP STOS done straight in host
 * memory.
 *
 * Real mode, CS=1000: code at 1000:0100 (linear 0x10100).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cpu/icache.h"
#include "handler_env.h"

#define CODE 0x10100u

static int setup(void **state)
{
	struct env *e = env_new();
	e->cpu.icache = calloc(1, sizeof(struct icache));
	assert_non_null(e->cpu.icache);
	/* IVT at 0; SS:SP = 4000:1000. */
	e->cpu.regs[REG_ESP] = 0x1000;
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	free(e->cpu.icache);
	env_free(e);
	return 0;
}

static void put_code(struct env *e, uint32_t lin, const uint8_t *code, size_t len)
{
	phys_write_block(&e->pm, lin, code, len);
}

/* IVT entry `vec` -> 0000:`off`, where a HLT waits. */
static void set_vector_hlt(struct env *e, unsigned vec, uint16_t off)
{
	env_w16(e, vec * 4, off);
	env_w16(e, vec * 4 + 2, 0);
	env_w8(e, off, 0xF4);
}

static void test_budget_is_exact(void **state)
{
	struct env *e = *state;
	uint8_t code[17];
	memset(code, 0x40, 16); /* INC AX x 16 */
	code[16] = 0xF4;
	put_code(e, CODE, code, sizeof(code));

	assert_int_equal(cpu_run(&e->cpu, 3), CPU_STOP_BUDGET);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFFFF, 3);
	assert_int_equal(e->cpu.eip, 0x103);
	assert_int_equal(e->clk.now_ns, 3 * CLOCK_NS_PER_INSN);
	/* The rest from the same (cached) block, stopping again inside it. */
	assert_int_equal(cpu_run(&e->cpu, 4), CPU_STOP_BUDGET);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFFFF, 7);
	assert_int_equal(e->cpu.eip, 0x107);
	assert_int_equal(cpu_run(&e->cpu, 100), CPU_STOP_HALT);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFFFF, 16);
	assert_int_equal(e->clk.now_ns, 17 * CLOCK_NS_PER_INSN);
}

/* A block goes on past a conditional branch that is not taken and leaves
 * at one that is. */
static void test_branches_in_block(void **state)
{
	struct env *e = *state;
	static const uint8_t code[] = {
		0x31, 0xC0, /* 0100 xor ax, ax (ZF = 1) */
		0x75, 0x02, /* 0102 jnz 0106: not taken */
		0x40,       /* 0104 inc ax */
		0x40,       /* 0105 inc ax */
		0x74, 0x01, /* 0106 jz 0109 */
		0x43,       /* 0108 inc bx */
		0xF4,       /* 0109 hlt */
	};
	put_code(e, CODE, code, sizeof(code));
	assert_int_equal(cpu_run(&e->cpu, 3), CPU_STOP_BUDGET);
	assert_int_equal(e->cpu.eip, 0x105);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFFFF, 1);
	assert_int_equal(cpu_run(&e->cpu, 100), CPU_STOP_HALT);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFFFF, 2);
	/* INC AX left ZF clear: JZ falls through to INC BX. */
	assert_int_equal(e->cpu.regs[REG_EBX] & 0xFFFF, 1);
	assert_int_equal(e->cpu.eip, 0x10A);

	/* Again from the cached block, now with the JZ taken. */
	static const uint8_t dec[] = { 0x48 }; /* 0105 dec ax: AX = 0, ZF = 1 */
	put_code(e, CODE + 5, dec, 1);
	e->cpu.eip = 0x100;
	e->cpu.halted = false;
	e->cpu.regs[REG_EBX] = 0;
	assert_int_equal(cpu_run(&e->cpu, 100), CPU_STOP_HALT);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFFFF, 0);
	assert_int_equal(e->cpu.regs[REG_EBX] & 0xFFFF, 0);
	assert_int_equal(e->cpu.eip, 0x10A);
}

/* MOV BYTE [0109], 5 rewrites the immediate of MOV AL, 1 three
 * instructions later, in the same block: the new byte must be executed. */
static void test_store_into_own_block(void **state)
{
	struct env *e = *state;
	static const uint8_t code[] = {
		0xC6, 0x06, 0x09, 0x01, 0x05, /* 0100 mov byte [0109], 5 */
		0x90, 0x90, 0x90,             /* 0105 nop x 3 */
		0xB0, 0x01,                   /* 0108 mov al, 1 */
		0xF4,                         /* 010A hlt */
	};
	cpu_load_seg_real(&e->cpu, SEG_DS, ENV_CS);
	for (int round = 0; round < 2; round++) {
		/* The second round runs from a block cached by the first. */
		put_code(e, CODE, code, sizeof(code));
		e->cpu.eip = 0x100;
		e->cpu.halted = false;
		e->cpu.regs[REG_EAX] = 0;
		assert_int_equal(cpu_run(&e->cpu, 100), CPU_STOP_HALT);
		assert_int_equal(e->cpu.regs[REG_EAX] & 0xFF, 5);
	}
}

/* REP MOVSB of more elements than one call does: the instruction restarts
 * itself, and what follows it runs once. */
static void test_rep_string_in_block(void **state)
{
	struct env *e = *state;
	static const uint8_t code[] = {
		0xB9, 0x88, 0x13, /* mov cx, 5000 */
		0xF3, 0xA4,       /* rep movsb */
		0x43,             /* inc bx */
		0xF4,             /* hlt */
	};
	put_code(e, CODE, code, sizeof(code));
	for (uint32_t i = 0; i < 5000; i++)
		env_w8(e, (ENV_DS << 4) + i, (uint8_t)(i * 7));
	assert_int_equal(cpu_run(&e->cpu, 1000), CPU_STOP_HALT);
	assert_int_equal(e->cpu.regs[REG_ECX] & 0xFFFF, 0);
	assert_int_equal(e->cpu.regs[REG_EBX] & 0xFFFF, 1);
	assert_int_equal(e->cpu.regs[REG_EDI] & 0xFFFF, 5000);
	for (uint32_t i = 0; i < 5000; i += 499)
		assert_int_equal(env_r8(e, (ENV_ES << 4) + i), (uint8_t)(i * 7));
}

/* With TF set, the trap comes after the first instruction, not after a
 * block of them. */
static void test_single_step_trap(void **state)
{
	struct env *e = *state;
	uint8_t code[9];
	memset(code, 0x40, 8);
	code[8] = 0xF4;
	put_code(e, CODE, code, sizeof(code));
	/* Cache the block first, without TF. */
	assert_int_equal(cpu_run(&e->cpu, 100), CPU_STOP_HALT);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFFFF, 8);

	set_vector_hlt(e, EXC_DB, 0x500);
	e->cpu.eip = 0x100;
	e->cpu.halted = false;
	e->cpu.regs[REG_EAX] = 0;
	e->cpu.eflags |= FLAG_TF;
	assert_int_equal(cpu_run(&e->cpu, 100), CPU_STOP_HALT);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFFFF, 1);
	assert_int_equal(e->cpu.seg[SEG_CS].sel, 0);
	assert_int_equal(e->cpu.eip, 0x501);
	/* The pushed IP is that of the second INC. */
	assert_int_equal(env_r16(e, (ENV_SS << 4) + 0x1000 - 6), 0x101);
}

/* A fault half-way through a block: the saved IP is the faulting
 * instruction's, and the instructions before it are done. */
static void test_fault_in_block(void **state)
{
	struct env *e = *state;
	static const uint8_t code[] = {
		0x40, 0x40, /* inc ax x 2 */
		0xF6, 0xF3, /* div bl (BL = 0) */
		0x40,       /* inc ax */
		0xF4,       /* hlt */
	};
	put_code(e, CODE, code, sizeof(code));
	set_vector_hlt(e, EXC_DE, 0x600);
	assert_int_equal(cpu_run(&e->cpu, 100), CPU_STOP_HALT);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFFFF, 2);
	assert_int_equal(e->cpu.eip, 0x601);
	assert_int_equal(env_r16(e, (ENV_SS << 4) + 0x1000 - 6), 0x102);
	assert_int_equal(env_r16(e, (ENV_SS << 4) + 0x1000 - 4), ENV_CS);
	/* Two INCs, the faulting DIV (it uses a slot of the budget) and the
	 * HLT. */
	assert_int_equal(e->clk.now_ns, 4 * CLOCK_NS_PER_INSN);
}

/* An MMIO register whose write raises the CPU's INTR line. */
#define MMIO_BASE 0x200000u

static void mmio_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
	(void)addr, (void)value, (void)size;
	((struct cpu *)opaque)->intr = true;
}

static uint32_t mmio_read(void *opaque, uint32_t addr, unsigned size)
{
	(void)opaque, (void)addr, (void)size;
	return 0;
}

static const struct mmio_ops raise_ops = { .read = mmio_read, .write = mmio_write };

static uint8_t ack_vector_0x20(void *opaque)
{
	((struct cpu *)opaque)->intr = false;
	return 0x20;
}

/* The interrupt is taken right after the MOV that raised it, in the
 * middle of what would otherwise be one block. */
static void test_interrupt_from_device_access(void **state)
{
	struct env *e = *state;
	static const uint8_t code[] = {
		0xFB,                   /* sti (ends its own block) */
		0x40,                   /* inc ax */
		0xA2, 0x00, 0x00,       /* mov [0000], al: the MMIO register */
		0x40, 0x40, 0x40, 0x40, /* inc ax x 4 */
		0xF4,                   /* hlt */
	};
	assert_int_equal(phys_mem_map_mmio(&e->pm, MMIO_BASE, 0x1000, &raise_ops, &e->cpu), 0);
	e->cpu.seg[SEG_DS].base = MMIO_BASE; /* unreal mode: DS reaches it */
	e->cpu.hooks.intr_ack = ack_vector_0x20;
	e->cpu.hooks.opaque = &e->cpu;
	set_vector_hlt(e, 0x20, 0x700);
	put_code(e, CODE, code, sizeof(code));
	assert_int_equal(cpu_run(&e->cpu, 100), CPU_STOP_HALT);
	assert_int_equal(e->cpu.regs[REG_EAX] & 0xFFFF, 1);
	assert_int_equal(e->cpu.eip, 0x701);
	assert_int_equal(env_r16(e, (ENV_SS << 4) + 0x1000 - 6), 0x105);
}

/* REP STOS in runs straight to host memory (cpu/string.c): a fill over a
 * page holding decoded code still invalidates that code, a fill starting
 * with an element that straddles two pages lands whole, and the registers
 * end as element-by-element execution leaves them. */
static void test_rep_stos_runs(void **state)
{
	struct env *e = *state;
	static const uint8_t code[] = {
		0xF3, 0xAA,                         /* rep stosb */
		0xF4,                               /* hlt */
		0xB9, 0x01, 0x04,                   /* mov cx, 0x401 */
		0xBF, 0xFE, 0x0F,                   /* mov di, 0x0FFE */
		0x66, 0xB8, 0x44, 0x33, 0x22, 0x11, /* mov eax, 0x11223344 */
		0x66, 0xF3, 0xAB,                   /* rep stosd */
		0xF4,                               /* hlt */
	};
	const uint32_t es = ENV_ES << 4;
	put_code(e, CODE, code, sizeof(code));
	mmu_mark_code(&e->cpu, es + 0x1800);
	uint32_t gen = phys_code_gen(&e->pm, es + 0x1800);
	e->cpu.regs[REG_EAX] = 0xAB;
	e->cpu.regs[REG_ECX] = 0x3000;
	e->cpu.regs[REG_EDI] = 0;
	env_w8(e, es + 0x3000, 0x5C);
	assert_int_equal(cpu_run(&e->cpu, 1000), CPU_STOP_HALT);
	assert_int_equal(phys_code_gen(&e->pm, es + 0x1800), gen + 1);
	assert_int_equal(env_r8(e, es + 0x2FFF), 0xAB);
	e->cpu.halted = false;
	assert_int_equal(cpu_run(&e->cpu, 1000), CPU_STOP_HALT);
	for (uint32_t i = 0xFFE + 0x401 * 4; i < 0x3000; i++)
		if (env_r8(e, es + i) != 0xAB)
			fail_msg("byte %#x is %#x", i, env_r8(e, es + i));
	for (uint32_t i = 0; i < 0xFFE; i++)
		if (env_r8(e, es + i) != 0xAB)
			fail_msg("byte %#x is %#x", i, env_r8(e, es + i));
	/* The dwords from 0FFE: the first straddles 0FFE-1001. */
	for (uint32_t i = 0; i < 0x401; i++)
		if (env_r32(e, es + 0xFFE + i * 4) != 0x11223344)
			fail_msg("dword %u is %#x", i, env_r32(e, es + 0xFFE + i * 4));
	assert_int_equal(env_r8(e, es + 0x3000), 0x5C);
	assert_int_equal(e->cpu.regs[REG_ECX], 0);
	assert_int_equal(e->cpu.regs[REG_EDI], 0xFFE + 0x401 * 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_budget_is_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_branches_in_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_into_own_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rep_string_in_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_single_step_trap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_in_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupt_from_device_access, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rep_stos_runs, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
