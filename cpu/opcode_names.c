/* opcode_names.c: handler pointer -> VMM routine name and counter.
 *
 * One line per routine of vmm/priv.h; the name is the C identifier itself
 * (stringized), so it cannot be misspelt. The counter is the VMM_STAT_*
 * the routine (or the helper it calls) bumps in vmm/priv_*.c.
 * tests/frontend/test_opcode_names.c checks that every CLS_VMM entry of the
 * opcode table has a line here.
 */
#include "cpu/opcode_names.h"

#include <stddef.h>

#include "vmm/priv.h"

#define R(fn, st) {fn, #fn, VMM_STAT_##st}

static const struct vmm_routine_info routines[] = {
	R(vmm_cli, CLI),
	R(vmm_sti, STI),
	R(vmm_pushf, PUSHF),
	R(vmm_popf, POPF),
	R(vmm_in_AL_Ib, IN),
	R(vmm_in_eAX_Ib, IN),
	R(vmm_out_Ib_AL, OUT),
	R(vmm_out_Ib_eAX, OUT),
	R(vmm_in_AL_DX, IN),
	R(vmm_in_eAX_DX, IN),
	R(vmm_out_DX_AL, OUT),
	R(vmm_out_DX_eAX, OUT),
	R(vmm_ins_b, INS),
	R(vmm_ins_v, INS),
	R(vmm_outs_b, OUTS),
	R(vmm_outs_v, OUTS),
	R(vmm_hlt, HLT),
	R(vmm_int_Ib, INT),
	R(vmm_int3, INT),
	R(vmm_into, INT),
	R(vmm_int1, INT),
	R(vmm_iret, IRET),
	R(vmm_jmp_Ap, FAR),
	R(vmm_jmp_Mp, FAR),
	R(vmm_call_Ap, FAR),
	R(vmm_call_Mp, FAR),
	R(vmm_ret_far, FAR),
	R(vmm_ret_far_Iw, FAR),
	R(vmm_mov_Rd_Cd, MOV_CR),
	R(vmm_mov_Cd_Rd, MOV_CR),
	R(vmm_mov_Rd_Dd, MOV_DR),
	R(vmm_mov_Dd_Rd, MOV_DR),
	R(vmm_lgdt, DESC_TABLE),
	R(vmm_lidt, DESC_TABLE),
	R(vmm_sgdt, DESC_TABLE),
	R(vmm_sidt, DESC_TABLE),
	R(vmm_lldt, DESC_TABLE),
	R(vmm_sldt, DESC_TABLE),
	R(vmm_ltr, DESC_TABLE),
	R(vmm_str, DESC_TABLE),
	R(vmm_lmsw, MOV_CR),
	R(vmm_smsw, MOV_CR),
	R(vmm_clts, MOV_CR),
	R(vmm_invlpg, INVLPG),
	R(vmm_wbinvd, CACHE),
	R(vmm_rdmsr, MSR),
	R(vmm_wrmsr, MSR),
	R(vmm_rdtsc, RDTSC),
	R(vmm_rdpmc, MSR),
	R(vmm_cpuid, CPUID),
	R(vmm_lar, SEG_QUERY),
	R(vmm_lsl, SEG_QUERY),
	R(vmm_verr, SEG_QUERY),
	R(vmm_verw, SEG_QUERY),
	R(vmm_arpl, SEG_QUERY),
	R(vmm_sysenter, SYSENTER),
	R(vmm_sysexit, SYSENTER),
};

const struct vmm_routine_info *vmm_routine_lookup(x86_handler h)
{
	if (!h)
		return NULL;
	for (size_t i = 0; i < sizeof(routines) / sizeof(routines[0]); i++)
		if (routines[i].handler == h)
			return &routines[i];
	return NULL;
}

const struct vmm_routine_info *vmm_routine_list(unsigned *count)
{
	*count = (unsigned)(sizeof(routines) / sizeof(routines[0]));
	return routines;
}
