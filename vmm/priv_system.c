/* priv_system.c: control and debug registers, descriptor tables, segment
 * queries, MSRs, the time stamp counter, CPUID and SYSENTER/SYSEXIT.
 *
 * These are the instructions that define what machine the guest believes it
 * runs on, so each one's checks follow the Intel SDM closely: which modes
 * allow it (#UD), which privilege (#GP(0)), and what is stored. There is no
 * cache model: the cache flushes only count themselves. Writes to CR0, CR3
 * and CR4 flush the paging TLB (cpu/mmu.h) as the SDM says a P6 does.
 */
#include "cpu/access.h"
#include "cpu/debug.h"
#include "cpu/seg.h"
#include "vmm/clock.h"
#include "vmm/priv.h"

/* CR0 bits a P6 implements; the rest read as 0. */
#define CR0_KNOWN                                                                                  \
	(CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD | \
	 CR0_PG)
/* CR4 bits a Pentium II accepts here (named in cpu/cpu.h). */
#define CR4_KNOWN (CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_PGE | CR4_PCE)
/* CR3: page directory base, PCD and PWT. */
#define CR3_KNOWN 0xFFFFF018u

/* Model-specific registers this CPU has. */
enum {
	MSR_TSC = 0x10,
	/* BIOS_SIGN_ID: the loaded microcode revision (EDX), 0 here since
	 * none is; writes (software clears it before CPUID) are accepted. */
	MSR_BIOS_SIGN_ID = 0x8B,
	MSR_SYSENTER_CS = 0x174,
	MSR_SYSENTER_ESP = 0x175,
	MSR_SYSENTER_EIP = 0x176,
};

/* Instructions that exist only in protected mode (LLDT, LAR, ARPL...)
 * are #UD in real and V86 mode. */
static void require_protected(struct cpu *cpu)
{
	if (cpu_real_mode(cpu) || cpu_v86_mode(cpu))
		cpu_raise(cpu, EXC_UD);
}

/* CPL 0 only: real mode passes, V86 mode (CPL 3) faults. */
static void require_cpl0(struct cpu *cpu)
{
	if (seg_cpl(cpu) != 0)
		cpu_raise_err(cpu, EXC_GP, 0);
}

static void set_zf(struct cpu *cpu, bool on)
{
	cpu->eflags = (cpu->eflags & ~(uint32_t)FLAG_ZF) | (on ? FLAG_ZF : 0);
}

/* --- control and debug registers ------------------------------------------- */

/* The ModRM mod field of MOV CRn/DRn is ignored by hardware; the decoder
 * forces it to 3, so rm always names a general register. Only CR0, CR2,
 * CR3 and CR4 exist. */
static unsigned cr_index(struct cpu *cpu, const struct x86_insn *in)
{
	unsigned n = in->reg;
	if (n == 1 || n > 4)
		cpu_raise(cpu, EXC_UD);
	require_cpl0(cpu);
	return n;
}

VMM_ROUTINE(vmm_mov_Rd_Cd)
{
	cpu->vmm_calls[VMM_STAT_MOV_CR]++;
	unsigned n = cr_index(cpu, in);
	cpu->regs[in->rm] = cpu->cr[n];
}

static void write_cr0(struct cpu *cpu, uint32_t v)
{
	v = (v & CR0_KNOWN) | CR0_ET; /* ET is hardwired on a P6 */
	if ((v & CR0_PG) && !(v & CR0_PE))
		cpu_raise_err(cpu, EXC_GP, 0);
	if ((v & CR0_NW) && !(v & CR0_CD))
		cpu_raise_err(cpu, EXC_GP, 0);
	/* Turning paging on or off, or changing WP (which the TLB's write
	 * permissions depend on), flushes every entry, global ones too. */
	if ((cpu->cr[0] ^ v) & (CR0_PG | CR0_WP))
		mmu_flush(cpu, false);
	cpu->cr[0] = v;
	cpu_update_mode(cpu);
}

/* CR3: every write flushes the non-global TLB entries, even rewriting the
 * same value (the usual way to flush). */
static void write_cr3(struct cpu *cpu, uint32_t v)
{
	cpu->cr[3] = v & CR3_KNOWN;
	mmu_flush(cpu, true);
}

/* CR4: changing PGE, PSE or PAE flushes every entry, global ones too. */
static void write_cr4(struct cpu *cpu, uint32_t v)
{
	if (v & ~(uint32_t)CR4_KNOWN)
		cpu_raise_err(cpu, EXC_GP, 0);
	if ((cpu->cr[4] ^ v) & (MMU_CR4_PGE | MMU_CR4_PSE | MMU_CR4_PAE))
		mmu_flush(cpu, false);
	cpu->cr[4] = v;
	cpu_update_mode(cpu);
}

VMM_ROUTINE(vmm_mov_Cd_Rd)
{
	cpu->vmm_calls[VMM_STAT_MOV_CR]++;
	unsigned n = cr_index(cpu, in);
	uint32_t v = cpu->regs[in->rm];
	switch (n) {
	case 0: write_cr0(cpu, v); break;
	case 2: cpu->cr[2] = v; break;
	case 3: write_cr3(cpu, v); break;
	case 4: write_cr4(cpu, v); break;
	}
}

/* DR4 and DR5 are aliases of DR6 and DR7 unless CR4.DE makes them #UD.
 * With DR7.GD ("general detect") set, any MOV DRn is a #DB fault with
 * DR6.BD set; GD is cleared so that the handler can use the registers. As
 * for every fault but an instruction breakpoint, the pushed EFLAGS image
 * has RF set. */
static unsigned dr_index(struct cpu *cpu, const struct x86_insn *in)
{
	unsigned n = in->reg;
	if (n == 4 || n == 5) {
		if (cpu->cr[4] & CR4_DE)
			cpu_raise(cpu, EXC_UD);
		n += 2;
	}
	require_cpl0(cpu);
	if (cpu->dr[7] & DR7_GD) {
		cpu->dr[6] |= DR6_BD;
		cpu->dr[7] &= ~(uint32_t)DR7_GD;
		cpu->eflags |= FLAG_RF;
		cpu_raise(cpu, EXC_DB);
	}
	return n;
}

VMM_ROUTINE(vmm_mov_Rd_Dd)
{
	cpu->vmm_calls[VMM_STAT_MOV_DR]++;
	unsigned n = dr_index(cpu, in);
	cpu->regs[in->rm] = cpu->dr[n];
}

/* DR6 and DR7 keep their fixed bits as a P6 reads them. A new address or
 * control value re-arms the breakpoints (cpu/debug.c). */
VMM_ROUTINE(vmm_mov_Dd_Rd)
{
	cpu->vmm_calls[VMM_STAT_MOV_DR]++;
	unsigned n = dr_index(cpu, in);
	uint32_t v = cpu->regs[in->rm];
	if (n == 6)
		v = (v & 0x0000E00Fu) | 0xFFFF0FF0u;
	else if (n == 7)
		v = (v & 0xFFFF23FFu) | 0x00000400u;
	cpu->dr[n] = v;
	if (n != 6)
		cpu_debug_update(cpu);
}

VMM_ROUTINE(vmm_lmsw)
{
	cpu->vmm_calls[VMM_STAT_MOV_CR]++;
	require_cpl0(cpu);
	uint32_t v = rm_read(cpu, in, 2);
	/* Only PE MP EM TS; PE can be set but not cleared. */
	uint32_t cr0 = cpu->cr[0];
	cpu->cr[0] = (cr0 & ~0xFu) | (v & 0xEu) | ((cr0 | v) & CR0_PE);
	cpu_update_mode(cpu);
}

/* SMSW is not privileged on a P6. A register destination with 32-bit
 * operand size receives all of CR0; memory receives 16 bits. */
VMM_ROUTINE(vmm_smsw)
{
	cpu->vmm_calls[VMM_STAT_MOV_CR]++;
	rm_write(cpu, in, in->mod == 3 ? in->opsize : 2, cpu->cr[0]);
}

VMM_ROUTINE(vmm_clts)
{
	cpu->vmm_calls[VMM_STAT_MOV_CR]++;
	require_cpl0(cpu);
	cpu->cr[0] &= ~(uint32_t)CR0_TS;
}

/* --- GDTR / IDTR ----------------------------------------------------------- */

/* LGDT/LIDT: 16-bit limit then 32-bit base; with 16-bit operand size only
 * 24 bits of the base are used (the 286 format). */
static void load_dtr(struct cpu *cpu, const struct x86_insn *in, struct dtr *t)
{
	cpu->vmm_calls[VMM_STAT_DESC_TABLE]++;
	if (in->mod == 3)
		cpu_raise(cpu, EXC_UD);
	require_cpl0(cpu);
	uint32_t ea = insn_ea(cpu, in);
	uint16_t limit = (uint16_t)cpu_read(cpu, in->seg, ea, 2);
	uint32_t base = cpu_read(cpu, in->seg, ea + 2, 4);
	if (in->opsize == 2)
		base &= 0x00FFFFFFu;
	t->limit = limit;
	t->base = base;
}

/* SGDT/SIDT: not privileged before UMIP. With 16-bit operand size the
 * 386-to-P6 processors store 24 bits of base and a zero top byte (the 286
 * stored 0xFF there; later manuals describe storing all 32 bits, but the
 * P6-era pseudocode writes 0). */
static void store_dtr(struct cpu *cpu, const struct x86_insn *in, const struct dtr *t)
{
	cpu->vmm_calls[VMM_STAT_DESC_TABLE]++;
	if (in->mod == 3)
		cpu_raise(cpu, EXC_UD);
	uint32_t ea = insn_ea(cpu, in);
	uint32_t base = in->opsize == 2 ? (t->base & 0x00FFFFFFu) : t->base;
	cpu_probe_write(cpu, in->seg, ea, 2);
	cpu_probe_write(cpu, in->seg, ea + 2, 4);
	cpu_write(cpu, in->seg, ea, 2, t->limit);
	cpu_write(cpu, in->seg, ea + 2, 4, base);
}

VMM_ROUTINE(vmm_lgdt)
{
	load_dtr(cpu, in, &cpu->gdtr);
}

VMM_ROUTINE(vmm_lidt)
{
	load_dtr(cpu, in, &cpu->idtr);
}

VMM_ROUTINE(vmm_sgdt)
{
	store_dtr(cpu, in, &cpu->gdtr);
}

VMM_ROUTINE(vmm_sidt)
{
	store_dtr(cpu, in, &cpu->idtr);
}

/* --- LDTR / TR -------------------------------------------------------------- */

/* A system descriptor for LLDT/LTR: from the GDT only, of one of the
 * given types, present. */
static void fetch_system_desc(struct cpu *cpu, uint16_t sel, unsigned type_a, unsigned type_b,
			      struct seg_desc *d)
{
	if (sel & 4)
		cpu_raise_err(cpu, EXC_GP, sel_err(sel));
	seg_desc_fetch(cpu, sel, d);
	uint16_t attr = desc_attr(d);
	if (!attr_is_system(attr) || (attr_type(attr) != type_a && attr_type(attr) != type_b))
		cpu_raise_err(cpu, EXC_GP, sel_err(sel));
	if (!attr_present(attr))
		cpu_raise_err(cpu, EXC_NP, sel_err(sel));
}

VMM_ROUTINE(vmm_lldt)
{
	cpu->vmm_calls[VMM_STAT_DESC_TABLE]++;
	require_protected(cpu);
	require_cpl0(cpu);
	uint16_t sel = (uint16_t)rm_read(cpu, in, 2);
	if (sel_is_null(sel)) {
		/* A null LDTR makes every LDT selector out of bounds. */
		seg_cache_set_null(&cpu->ldtr, sel);
		return;
	}
	struct seg_desc d;
	fetch_system_desc(cpu, sel, DESC_LDT, DESC_LDT, &d);
	seg_cache_set(&cpu->ldtr, sel, &d);
}

VMM_ROUTINE(vmm_ltr)
{
	cpu->vmm_calls[VMM_STAT_DESC_TABLE]++;
	require_protected(cpu);
	require_cpl0(cpu);
	uint16_t sel = (uint16_t)rm_read(cpu, in, 2);
	if (sel_is_null(sel))
		cpu_raise_err(cpu, EXC_GP, 0);
	struct seg_desc d;
	fetch_system_desc(cpu, sel, DESC_TSS16_AVAIL, DESC_TSS32_AVAIL, &d);
	/* The task is now running: mark its TSS busy (type 1->3, 9->11). */
	d.hi |= 0x200u;
	cpu_write_lin(cpu, d.addr + 5, (d.hi >> 8) & 0xFFu, 1);
	seg_cache_set(&cpu->tr, sel, &d);
}

/* SLDT/STR: a register destination gets the selector zero-extended to the
 * operand size (P6 behaviour); memory gets 16 bits. */
static void store_selector(struct cpu *cpu, const struct x86_insn *in, uint16_t sel)
{
	cpu->vmm_calls[VMM_STAT_DESC_TABLE]++;
	require_protected(cpu);
	rm_write(cpu, in, in->mod == 3 ? in->opsize : 2, sel);
}

VMM_ROUTINE(vmm_sldt)
{
	store_selector(cpu, in, cpu->ldtr.sel);
}

VMM_ROUTINE(vmm_str)
{
	store_selector(cpu, in, cpu->tr.sel);
}

/* --- LAR, LSL, VERR, VERW, ARPL --------------------------------------------- */

/* The descriptor a query instruction looks at, or false (ZF=0, no fault)
 * when the selector is null or outside its table. */
static bool query_desc(struct cpu *cpu, uint16_t sel, struct seg_desc *d)
{
	return !sel_is_null(sel) && seg_desc_read(cpu, sel, d);
}

/* Visible at the current privilege: conforming code always; anything
 * else needs DPL >= CPL and DPL >= RPL. */
static bool query_visible(const struct cpu *cpu, uint16_t sel, uint16_t attr)
{
	unsigned dpl = attr_dpl(attr);
	return attr_is_conforming_code(attr) || (dpl >= cpu->cpl && dpl >= sel_rpl(sel));
}

/* System types LAR reports: TSSs, LDT, call and task gates. */
static bool lar_system_type_ok(unsigned type)
{
	switch (type) {
	case DESC_TSS16_AVAIL:
	case DESC_LDT:
	case DESC_TSS16_BUSY:
	case DESC_CALL_GATE16:
	case DESC_TASK_GATE:
	case DESC_TSS32_AVAIL:
	case DESC_TSS32_BUSY:
	case DESC_CALL_GATE32: return true;
	default: return false;
	}
}

/* System types LSL reports: those with a limit (TSSs and the LDT). */
static bool lsl_system_type_ok(unsigned type)
{
	switch (type) {
	case DESC_TSS16_AVAIL:
	case DESC_LDT:
	case DESC_TSS16_BUSY:
	case DESC_TSS32_AVAIL:
	case DESC_TSS32_BUSY: return true;
	default: return false;
	}
}

VMM_ROUTINE(vmm_lar)
{
	cpu->vmm_calls[VMM_STAT_SEG_QUERY]++;
	require_protected(cpu);
	uint16_t sel = (uint16_t)rm_read(cpu, in, 2);
	struct seg_desc d;
	bool ok = query_desc(cpu, sel, &d);
	if (ok) {
		uint16_t attr = desc_attr(&d);
		ok = (!attr_is_system(attr) || lar_system_type_ok(attr_type(attr))) &&
		     query_visible(cpu, sel, attr);
	}
	if (ok)
		reg_write(cpu, in, in->opsize, d.hi & 0x00F0FF00u);
	set_zf(cpu, ok);
}

VMM_ROUTINE(vmm_lsl)
{
	cpu->vmm_calls[VMM_STAT_SEG_QUERY]++;
	require_protected(cpu);
	uint16_t sel = (uint16_t)rm_read(cpu, in, 2);
	struct seg_desc d;
	bool ok = query_desc(cpu, sel, &d);
	if (ok) {
		uint16_t attr = desc_attr(&d);
		ok = (!attr_is_system(attr) || lsl_system_type_ok(attr_type(attr))) &&
		     query_visible(cpu, sel, attr);
	}
	if (ok)
		reg_write(cpu, in, in->opsize, desc_limit(&d));
	set_zf(cpu, ok);
}

/* VERR/VERW: ZF=1 when the segment could be read / written at the current
 * privilege level. */
static void verify_segment(struct cpu *cpu, const struct x86_insn *in, bool write)
{
	cpu->vmm_calls[VMM_STAT_SEG_QUERY]++;
	require_protected(cpu);
	uint16_t sel = (uint16_t)rm_read(cpu, in, 2);
	struct seg_desc d;
	bool ok = query_desc(cpu, sel, &d);
	if (ok) {
		uint16_t attr = desc_attr(&d);
		bool usable = write ? attr_is_writable_data(attr) : attr_is_readable(attr);
		ok = usable && query_visible(cpu, sel, attr);
	}
	set_zf(cpu, ok);
}

VMM_ROUTINE(vmm_verr)
{
	verify_segment(cpu, in, false);
}

VMM_ROUTINE(vmm_verw)
{
	verify_segment(cpu, in, true);
}

/* ARPL: raise the destination selector's RPL to the source's. */
VMM_ROUTINE(vmm_arpl)
{
	cpu->vmm_calls[VMM_STAT_SEG_QUERY]++;
	require_protected(cpu);
	uint16_t dst = (uint16_t)rm_read(cpu, in, 2);
	uint16_t src = (uint16_t)reg_read(cpu, in, 2);
	bool raise = sel_rpl(dst) < sel_rpl(src);
	if (raise)
		rm_write(cpu, in, 2, (dst & ~3u) | sel_rpl(src));
	set_zf(cpu, raise);
}

/* --- caches and TLB ----------------------------------------------------------- */

VMM_ROUTINE(vmm_invlpg)
{
	cpu->vmm_calls[VMM_STAT_INVLPG]++;
	if (in->mod == 3)
		cpu_raise(cpu, EXC_UD);
	require_cpl0(cpu);
	/* The operand's linear address; INVLPG checks no segment limit. */
	mmu_invlpg(cpu, cpu->seg[in->seg].base + insn_ea(cpu, in));
}

VMM_ROUTINE(vmm_wbinvd)
{
	cpu->vmm_calls[VMM_STAT_CACHE]++;
	require_cpl0(cpu);
}

/* --- MSRs and the time stamp counter ------------------------------------------ */

/* The virtual TSC runs at 1 GHz of virtual time, so it counts virtual
 * nanoseconds; tsc_offset is what WRMSR to the TSC adjusts. */
static uint64_t read_tsc(struct cpu *cpu)
{
	cpu_sync_clock(cpu);
	return cpu->clock->now_ns + cpu->tsc_offset;
}

VMM_ROUTINE(vmm_rdmsr)
{
	cpu->vmm_calls[VMM_STAT_MSR]++;
	require_cpl0(cpu);
	uint64_t v;
	switch (cpu->regs[REG_ECX]) {
	case MSR_TSC: v = read_tsc(cpu); break;
	case MSR_BIOS_SIGN_ID: v = 0; break;
	case MSR_SYSENTER_CS: v = cpu->msr_sysenter_cs; break;
	case MSR_SYSENTER_ESP: v = cpu->msr_sysenter_esp; break;
	case MSR_SYSENTER_EIP: v = cpu->msr_sysenter_eip; break;
	default: cpu_raise_err(cpu, EXC_GP, 0);
	}
	cpu->regs[REG_EAX] = (uint32_t)v;
	cpu->regs[REG_EDX] = (uint32_t)(v >> 32);
}

VMM_ROUTINE(vmm_wrmsr)
{
	cpu->vmm_calls[VMM_STAT_MSR]++;
	require_cpl0(cpu);
	uint64_t v = ((uint64_t)cpu->regs[REG_EDX] << 32) | cpu->regs[REG_EAX];
	switch (cpu->regs[REG_ECX]) {
	case MSR_TSC:
		/* A P6 writes only the low 32 bits and clears the high half. */
		cpu_sync_clock(cpu);
		cpu->tsc_offset = (uint64_t)cpu->regs[REG_EAX] - cpu->clock->now_ns;
		break;
	case MSR_BIOS_SIGN_ID: break;
	case MSR_SYSENTER_CS: cpu->msr_sysenter_cs = v; break;
	case MSR_SYSENTER_ESP: cpu->msr_sysenter_esp = v; break;
	case MSR_SYSENTER_EIP: cpu->msr_sysenter_eip = v; break;
	default: cpu_raise_err(cpu, EXC_GP, 0);
	}
}

VMM_ROUTINE(vmm_rdtsc)
{
	cpu->vmm_calls[VMM_STAT_RDTSC]++;
	if ((cpu->cr[4] & CR4_TSD) && seg_cpl(cpu) != 0)
		cpu_raise_err(cpu, EXC_GP, 0);
	uint64_t t = read_tsc(cpu);
	cpu->regs[REG_EAX] = (uint32_t)t;
	cpu->regs[REG_EDX] = (uint32_t)(t >> 32);
}

/* No performance counters are modelled. */
VMM_ROUTINE(vmm_rdpmc)
{
	cpu->vmm_calls[VMM_STAT_MSR]++;
	cpu_raise_err(cpu, EXC_GP, 0);
}

/* --- CPUID -------------------------------------------------------------------- */

/* CPUID.1:EDX feature bits. Only what the CPU really implements is
 * advertised: the x87 (FPU), debugging extensions (DE: CR4.DE, I/O
 * breakpoints, DR4/DR5 #UD), but no PAE or MTRR, no MMX. */
enum {
	CPUID_FPU = 1u << 0,
	CPUID_VME = 1u << 1,
	CPUID_DE = 1u << 2,
	CPUID_PSE = 1u << 3,
	CPUID_TSC = 1u << 4,
	CPUID_MSR = 1u << 5,
	CPUID_CX8 = 1u << 8,
	CPUID_SEP = 1u << 11,
	CPUID_PGE = 1u << 13,
	CPUID_CMOV = 1u << 15,
};
#define CPUID_MAX_LEAF 2

/* A Pentium II: vendor GenuineIntel, signature 0652h, its cache and TLB
 * descriptors in leaf 2. Leaves past the maximum return the highest basic
 * leaf's data, as Intel processors do. */
VMM_ROUTINE(vmm_cpuid)
{
	cpu->vmm_calls[VMM_STAT_CPUID]++;
	uint32_t leaf = cpu->regs[REG_EAX];
	uint32_t a, b, c, d;
	if (leaf > CPUID_MAX_LEAF)
		leaf = CPUID_MAX_LEAF;
	switch (leaf) {
	case 0:
		a = CPUID_MAX_LEAF;
		b = 0x756E6547u; /* "Genu" */
		d = 0x49656E69u; /* "ineI" */
		c = 0x6C65746Eu; /* "ntel" */
		break;
	case 1:
		a = CPU_SIGNATURE;
		b = 0;
		c = 0;
		d = CPUID_FPU | CPUID_VME | CPUID_DE | CPUID_PSE | CPUID_TSC | CPUID_MSR |
		    CPUID_CX8 | CPUID_SEP | CPUID_PGE | CPUID_CMOV;
		break;
	default:
		/* One round; ITLB 4K (01h) and 4M (02h), DTLB 4K (03h); L2
		 * 512K (43h), L1 I 16K (08h), DTLB 4M (04h), L1 D 16K (0Ch). */
		a = 0x03020101u;
		b = 0;
		c = 0;
		d = 0x0C040843u;
		break;
	}
	cpu->regs[REG_EAX] = a;
	cpu->regs[REG_EBX] = b;
	cpu->regs[REG_ECX] = c;
	cpu->regs[REG_EDX] = d;
}

/* --- SYSENTER / SYSEXIT ----------------------------------------------------------- */

/* Flat 4 GiB segments, as SYSENTER and SYSEXIT load them without reading
 * any descriptor: 32-bit, page granular, accessed. */
static void set_flat_seg(struct seg_cache *c, uint16_t sel, unsigned dpl, bool code)
{
	c->sel = sel;
	c->base = 0;
	c->limit = 0xFFFFFFFFu;
	c->attr = (uint16_t)(SEG_ATTR_G | SEG_ATTR_DB |
			     (code ? SEG_ATTR_REAL_CODE : SEG_ATTR_REAL_DATA) | (dpl << 5));
}

VMM_ROUTINE(vmm_sysenter)
{
	cpu->vmm_calls[VMM_STAT_SYSENTER]++;
	uint16_t cs = (uint16_t)cpu->msr_sysenter_cs;
	if (cpu_real_mode(cpu) || sel_is_null(cs))
		cpu_raise_err(cpu, EXC_GP, 0);
	cpu->eflags &= ~(uint32_t)(FLAG_VM | FLAG_IF | FLAG_RF);
	set_flat_seg(&cpu->seg[SEG_CS], cs & 0xFFFCu, 0, true);
	set_flat_seg(&cpu->seg[SEG_SS], (uint16_t)((cs & 0xFFFCu) + 8), 0, false);
	cpu->regs[REG_ESP] = (uint32_t)cpu->msr_sysenter_esp;
	cpu->next_eip = (uint32_t)cpu->msr_sysenter_eip;
	cpu_update_mode(cpu);
}

VMM_ROUTINE(vmm_sysexit)
{
	cpu->vmm_calls[VMM_STAT_SYSENTER]++;
	uint16_t cs = (uint16_t)cpu->msr_sysenter_cs;
	if (cpu_real_mode(cpu) || sel_is_null(cs) || seg_cpl(cpu) != 0)
		cpu_raise_err(cpu, EXC_GP, 0);
	set_flat_seg(&cpu->seg[SEG_CS], (uint16_t)((cs + 16) | 3), 3, true);
	set_flat_seg(&cpu->seg[SEG_SS], (uint16_t)((cs + 24) | 3), 3, false);
	cpu->regs[REG_ESP] = cpu->regs[REG_ECX];
	cpu->next_eip = cpu->regs[REG_EDX];
	cpu_update_mode(cpu);
}
