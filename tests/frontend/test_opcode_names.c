/* test_opcode_names.c: the VMM routine names the stepper shows
 * (cpu/opcode_names.c) against the opcode table: every entry the table
 * marks CLS_VMM names a routine the list knows, every handler the list
 * knows is marked CLS_VMM wherever the table uses it, every routine in
 * the list is reachable from the table, and each bumps the counter the
 * list says (the VMM pane shows that counter). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../cpu/handler_env.h"
#include "cpu/handlers.h"
#include "cpu/opcode.h"
#include "cpu/opcode_names.h"
#include "vmm/priv.h"

struct seen {
	unsigned vmm_entries;
	bool used[128]; /* by index in vmm_routine_list() */
};

static void check_entry(const struct opcode_info *op, struct seen *s)
{
	if (op->form & FORM_GROUP) {
		for (int r = 0; r < 8; r++)
			check_entry(&op->group[r], s);
		return;
	}
	const struct vmm_routine_info *r = vmm_routine_lookup(op->handler);
	if (op->cls & CLS_VMM) {
		if (!r)
			fail_msg("opcode table entry '%s' is CLS_VMM but its handler has no name",
				 op->name);
		s->vmm_entries++;
	} else if (r) {
		fail_msg("opcode table entry '%s' calls %s without CLS_VMM", op->name, r->name);
	}
	if (r) {
		unsigned n;
		const struct vmm_routine_info *list = vmm_routine_list(&n);
		s->used[r - list] = true;
	}
}

static void test_table_and_names_agree(void **state)
{
	(void)state;
	struct seen s = {0};
	for (int i = 0; i < 256; i++) {
		check_entry(&opcode_map1[i], &s);
		check_entry(&opcode_map2[i], &s);
	}
	assert_true(s.vmm_entries > 40);
	unsigned n;
	const struct vmm_routine_info *list = vmm_routine_list(&n);
	assert_true(n <= 128);
	for (unsigned i = 0; i < n; i++) {
		if (!s.used[i])
			fail_msg("%s is in the name list but not in the opcode table", list[i].name);
		assert_int_equal(strncmp(list[i].name, "vmm_", 4), 0);
		assert_true(list[i].stat >= 0 && list[i].stat < VMM_STAT_COUNT);
	}
}

static void test_lookup(void **state)
{
	(void)state;
	assert_null(vmm_routine_lookup(NULL));
	assert_null(vmm_routine_lookup(op_call_Jz));
	const struct vmm_routine_info *r = vmm_routine_lookup(vmm_cli);
	assert_non_null(r);
	assert_string_equal(r->name, "vmm_cli");
	assert_int_equal(r->stat, VMM_STAT_CLI);
	r = vmm_routine_lookup(vmm_out_Ib_AL);
	assert_non_null(r);
	assert_string_equal(r->name, "vmm_out_Ib_AL");
	assert_int_equal(r->stat, VMM_STAT_OUT);
	assert_int_equal(vmm_routine_lookup(vmm_mov_Cd_Rd)->stat, VMM_STAT_MOV_CR);
	assert_int_equal(vmm_routine_lookup(vmm_int_Ib)->stat, VMM_STAT_INT);
}

/* Each routine bumps the counter the list names for it, and no other:
 * called once on a bare real-mode CPU (a routine that then faults still
 * counted the attempt, as every routine counts itself first). */
static void test_each_routine_bumps_its_counter(void **state)
{
	(void)state;
	unsigned n;
	const struct vmm_routine_info *list = vmm_routine_list(&n);
	for (unsigned i = 0; i < n; i++) {
		struct env *e = env_new();
		struct cpu *cpu = &e->cpu;
		struct x86_insn in = insn_make(&opcode_undefined, 2, 2);
		in.handler = list[i].handler;
		uint64_t before[32];
		memcpy(before, cpu->vmm_calls, sizeof(before));
		if (!setjmp(cpu->exc_jmp))
			list[i].handler(cpu, &in);
		for (int k = 0; k < 32; k++) {
			uint64_t want = before[k] + (k == list[i].stat);
			if (cpu->vmm_calls[k] != want)
				fail_msg("%s: counter %d went from %llu to %llu", list[i].name, k,
					 (unsigned long long)before[k],
					 (unsigned long long)cpu->vmm_calls[k]);
		}
		env_free(e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_and_names_agree),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_each_routine_bumps_its_counter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
