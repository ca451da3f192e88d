/* test_msr.c: RDMSR and WRMSR (vmm/priv_system.c): the MSRs a Pentium II
 * has that popek models (TSC, SYSENTER_*, BIOS_SIGN_ID), #GP for the others
 * and at CPL > 0. Linux reads BIOS_SIGN_ID (8Bh) at boot for the microcode
 * revision; a #GP there is logged as an unchecked MSR access. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "handler_env.h"
#include "vmm/priv.h"

static int setup(void **state)
{
	*state = env_new();
	return 0;
}

static int teardown(void **state)
{
	env_free(*state);
	return 0;
}

static const struct opcode_info msr_op = { .name = "msr" };

static int rdmsr(struct env *e, uint32_t msr)
{
	struct x86_insn in = insn_make(&msr_op, 2, 2);
	e->cpu.regs[REG_ECX] = msr;
	e->cpu.regs[REG_EAX] = e->cpu.regs[REG_EDX] = 0xDEADBEEF;
	return env_exec(e, vmm_rdmsr, &in);
}

static int wrmsr(struct env *e, uint32_t msr, uint32_t hi, uint32_t lo)
{
	struct x86_insn in = insn_make(&msr_op, 2, 2);
	e->cpu.regs[REG_ECX] = msr;
	e->cpu.regs[REG_EDX] = hi;
	e->cpu.regs[REG_EAX] = lo;
	return env_exec(e, vmm_wrmsr, &in);
}

static void test_sysenter_msrs_keep_their_values(void **state)
{
	struct env *e = *state;
	assert_int_equal(wrmsr(e, 0x174, 0, 0x0008), -1);
	assert_int_equal(wrmsr(e, 0x175, 0, 0x12345678), -1);
	assert_int_equal(rdmsr(e, 0x175), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x12345678);
	assert_int_equal(e->cpu.regs[REG_EDX], 0);
	assert_int_equal(rdmsr(e, 0x174), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0x0008);
}

/* No microcode is loaded: the signature reads 0, and writing it (the
 * documented way to ask for the revision: write 0, CPUID, read) is fine. */
static void test_bios_sign_id_reads_zero(void **state)
{
	struct env *e = *state;
	assert_int_equal(wrmsr(e, 0x8B, 0, 0), -1);
	assert_int_equal(rdmsr(e, 0x8B), -1);
	assert_int_equal(e->cpu.regs[REG_EAX], 0);
	assert_int_equal(e->cpu.regs[REG_EDX], 0);
	assert_int_equal(wrmsr(e, 0x8B, 0x55, 0x66), -1);
	assert_int_equal(rdmsr(e, 0x8B), -1);
	assert_int_equal(e->cpu.regs[REG_EDX], 0);
}

static void test_unknown_msr_is_gp(void **state)
{
	struct env *e = *state;
	assert_int_equal(rdmsr(e, 0xC0000080), EXC_GP); /* EFER: no long mode */
	assert_int_equal(wrmsr(e, 0x1B, 0, 0), EXC_GP); /* APIC base: no APIC */
	assert_int_equal(e->cpu.exc_err, 0);
}

/* In V86 mode (CPL 3) both instructions are #GP(0), known MSR or not. */
static void test_msr_needs_cpl0(void **state)
{
	struct env *e = *state;
	e->cpu.cr[0] |= CR0_PE;
	e->cpu.eflags |= FLAG_VM;
	cpu_update_mode(&e->cpu);
	assert_int_equal(rdmsr(e, 0x10), EXC_GP);
	assert_int_equal(wrmsr(e, 0x8B, 0, 0), EXC_GP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sysenter_msrs_keep_their_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bios_sign_id_reads_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_msr_is_gp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msr_needs_cpl0, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
