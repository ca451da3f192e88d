/* vmm_stats.c: names of the VMM statistics counters, for --stats output.
 *
 * The counters themselves live in struct cpu (vmm_calls[]); each privileged
 * routine bumps its own. The order here follows enum vmm_stat, which the
 * designated initializers make explicit so the two cannot drift apart.
 */
#include "vmm/priv.h"

#include "cpu/cpu.h"

const char *const vmm_stat_names[VMM_STAT_COUNT] = {
	[VMM_STAT_CLI] = "cli",
	[VMM_STAT_STI] = "sti",
	[VMM_STAT_PUSHF] = "pushf",
	[VMM_STAT_POPF] = "popf",
	[VMM_STAT_IN] = "in",
	[VMM_STAT_OUT] = "out",
	[VMM_STAT_INS] = "ins",
	[VMM_STAT_OUTS] = "outs",
	[VMM_STAT_HLT] = "hlt",
	[VMM_STAT_INT] = "int",
	[VMM_STAT_IRET] = "iret",
	[VMM_STAT_FAR] = "far_transfer",
	[VMM_STAT_MOV_CR] = "mov_cr",
	[VMM_STAT_MOV_DR] = "mov_dr",
	[VMM_STAT_DESC_TABLE] = "desc_table",
	[VMM_STAT_INVLPG] = "invlpg",
	[VMM_STAT_CACHE] = "cache",
	[VMM_STAT_MSR] = "msr",
	[VMM_STAT_RDTSC] = "rdtsc",
	[VMM_STAT_CPUID] = "cpuid",
	[VMM_STAT_SEG_QUERY] = "seg_query",
	[VMM_STAT_SYSENTER] = "sysenter",
	[VMM_STAT_HYPERCALL] = "hypercall",
};

_Static_assert(VMM_STAT_COUNT <= sizeof(((struct cpu *)0)->vmm_calls) /
					 sizeof(((struct cpu *)0)->vmm_calls[0]),
	       "struct cpu has room for every VMM counter");
