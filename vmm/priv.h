/* priv.h: the VMM's privileged-instruction routines.
 *
 * Every privileged or sensitive instruction has its meaning written once,
 * here, as a routine with the common handler signature. The interpreter
 * calls them through the opcode table; the binary translator emits calls to
 * the same routines for the instructions it rewrites. Each routine counts
 * itself in the VMM statistics (struct vmm_stats) so a user can see what the
 * VMM had to step in for.
 */
#ifndef POPEK_VMM_PRIV_H
#define POPEK_VMM_PRIV_H

#include <stdint.h>

#include "cpu/opcode.h"

#define VMM_ROUTINE(name) void name(struct cpu *cpu, const struct x86_insn *in)

/* vmm/priv_flags.c: interrupt flag and EFLAGS image */
VMM_ROUTINE(vmm_cli);
VMM_ROUTINE(vmm_sti);
VMM_ROUTINE(vmm_pushf);
VMM_ROUTINE(vmm_popf);

/* vmm/priv_io.c: port I/O through the bus, with IOPL checks */
VMM_ROUTINE(vmm_in_AL_Ib);
VMM_ROUTINE(vmm_in_eAX_Ib);
VMM_ROUTINE(vmm_out_Ib_AL);
VMM_ROUTINE(vmm_out_Ib_eAX);
VMM_ROUTINE(vmm_in_AL_DX);
VMM_ROUTINE(vmm_in_eAX_DX);
VMM_ROUTINE(vmm_out_DX_AL);
VMM_ROUTINE(vmm_out_DX_eAX);
VMM_ROUTINE(vmm_ins_b);
VMM_ROUTINE(vmm_ins_v);
VMM_ROUTINE(vmm_outs_b);
VMM_ROUTINE(vmm_outs_v);

/* vmm/priv_control.c: interrupts, far transfers, HLT */
VMM_ROUTINE(vmm_hlt);
VMM_ROUTINE(vmm_int_Ib);
VMM_ROUTINE(vmm_int3);
VMM_ROUTINE(vmm_into);
VMM_ROUTINE(vmm_int1);   /* F1: ICEBP */
VMM_ROUTINE(vmm_iret);
VMM_ROUTINE(vmm_jmp_Ap);
VMM_ROUTINE(vmm_jmp_Mp);
VMM_ROUTINE(vmm_call_Ap);
VMM_ROUTINE(vmm_call_Mp);
VMM_ROUTINE(vmm_ret_far);
VMM_ROUTINE(vmm_ret_far_Iw);

/* vmm/priv_system.c: control registers, descriptor tables, MSRs, CPUID */
VMM_ROUTINE(vmm_mov_Rd_Cd); /* MOV r32, CRn */
VMM_ROUTINE(vmm_mov_Cd_Rd); /* MOV CRn, r32 */
VMM_ROUTINE(vmm_mov_Rd_Dd);
VMM_ROUTINE(vmm_mov_Dd_Rd);
VMM_ROUTINE(vmm_lgdt);
VMM_ROUTINE(vmm_lidt);
VMM_ROUTINE(vmm_sgdt);
VMM_ROUTINE(vmm_sidt);
VMM_ROUTINE(vmm_lldt);
VMM_ROUTINE(vmm_sldt);
VMM_ROUTINE(vmm_ltr);
VMM_ROUTINE(vmm_str);
VMM_ROUTINE(vmm_lmsw);
VMM_ROUTINE(vmm_smsw);
VMM_ROUTINE(vmm_clts);
VMM_ROUTINE(vmm_invlpg);
VMM_ROUTINE(vmm_wbinvd);  /* also INVD */
VMM_ROUTINE(vmm_rdmsr);
VMM_ROUTINE(vmm_wrmsr);
VMM_ROUTINE(vmm_rdtsc);
VMM_ROUTINE(vmm_rdpmc);
VMM_ROUTINE(vmm_cpuid);
VMM_ROUTINE(vmm_lar);
VMM_ROUTINE(vmm_lsl);
VMM_ROUTINE(vmm_verr);
VMM_ROUTINE(vmm_verw);
VMM_ROUTINE(vmm_arpl);
VMM_ROUTINE(vmm_sysenter);
VMM_ROUTINE(vmm_sysexit);

/* What the VMM stepped in for, by kind (printed by --stats). */
enum vmm_stat {
	VMM_STAT_CLI, VMM_STAT_STI, VMM_STAT_PUSHF, VMM_STAT_POPF, VMM_STAT_IN, VMM_STAT_OUT,
	VMM_STAT_INS, VMM_STAT_OUTS, VMM_STAT_HLT, VMM_STAT_INT, VMM_STAT_IRET,
	VMM_STAT_FAR, VMM_STAT_MOV_CR, VMM_STAT_MOV_DR, VMM_STAT_DESC_TABLE,
	VMM_STAT_INVLPG, VMM_STAT_CACHE, VMM_STAT_MSR, VMM_STAT_RDTSC, VMM_STAT_CPUID,
	VMM_STAT_SEG_QUERY, VMM_STAT_SYSENTER,
	VMM_STAT_HYPERCALL, /* calls through the hypercall port (vmm/hypercall.c) */
	VMM_STAT_COUNT
};

/* Names for VMM_STAT_* in output ("cli", "mov_cr", ...). */
extern const char *const vmm_stat_names[VMM_STAT_COUNT];

#endif
