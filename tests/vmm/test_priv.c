/* test_priv.c: the VMM's privileged-instruction routines, called directly
 * with hand-built instructions (no decoder): far transfers in real mode,
 * POPF's masking, port I/O and the TSS permission bitmap, CPUID, the switch
 * to protected mode through LGDT / MOV CR0 / far JMP, protected-mode
 * segment loads, and a return to ring 3.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cpu/seg.h"
#include "tests/cpu/handler_env.h"
#include "vmm/priv.h"

static const struct opcode_info test_op = { .name = "test" };

/* --- helpers ------------------------------------------------------------------ */

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

static struct x86_insn insn(unsigned opsize)
{
	return insn_make(&test_op, opsize, 2);
}

/* cpu_load_seg, returning the vector it raised or -1. */
static int load_seg(struct env *e, int seg, uint16_t sel)
{
	if (setjmp(e->cpu.exc_jmp))
		return e->cpu.exc_vec;
	cpu_load_seg(&e->cpu, seg, sel);
	return -1;
}

/* Retires the instruction a routine just ran, as the run loop does. */
static void retire(struct env *e)
{
	e->cpu.eip = e->cpu.next_eip;
}

/* A GDT at linear 0x500:
 *   08 flat 32-bit code DPL 0     10 flat data DPL 0
 *   18 flat 32-bit code DPL 3     20 flat data DPL 3
 *   28 16-bit code DPL 0 at 0x10000, 64 KiB
 *   30 32-bit TSS at 0x3000, limit 0x78 (I/O bitmap at 0x68) */
#define GDT_BASE 0x500u
#define GDT_LIMIT 0x37u
#define TSS_BASE 0x3000u

static void write_desc(struct env *e, unsigned sel, uint32_t lo, uint32_t hi)
{
	env_w32(e, GDT_BASE + sel, lo);
	env_w32(e, GDT_BASE + sel + 4, hi);
}

static void build_gdt(struct env *e)
{
	write_desc(e, 0x00, 0, 0);
	write_desc(e, 0x08, 0x0000FFFFu, 0x00CF9A00u);
	write_desc(e, 0x10, 0x0000FFFFu, 0x00CF9200u);
	write_desc(e, 0x18, 0x0000FFFFu, 0x00CFFA00u);
	write_desc(e, 0x20, 0x0000FFFFu, 0x00CFF200u);
	write_desc(e, 0x28, 0x0000FFFFu, 0x00009A01u);
	write_desc(e, 0x30, (TSS_BASE << 16) | 0x78u, 0x00008900u);
}

/* LGDT [DS:0], MOV CR0 with PE, JMP FAR 08:1000. Leaves the CPU in 32-bit
 * protected mode at CPL 0. */
static void enter_protected_mode(struct env *e)
{
	struct cpu *c = &e->cpu;
	build_gdt(e);
	env_w16(e, (ENV_DS << 4) + 0, GDT_LIMIT);
	env_w32(e, (ENV_DS << 4) + 2, GDT_BASE);

	struct x86_insn lgdt = insn(2);
	insn_mem(&lgdt, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0);
	assert_int_equal(env_exec(e, vmm_lgdt, &lgdt), -1);
	assert_int_equal(c->gdtr.base, GDT_BASE);
	assert_int_equal(c->gdtr.limit, GDT_LIMIT);

	struct x86_insn mov_cr0 = insn(4);
	mov_cr0.reg = 0;
	mov_cr0.rm = REG_EAX;
	c->regs[REG_EAX] = c->cr[0] | CR0_PE;
	assert_int_equal(env_exec(e, vmm_mov_Cd_Rd, &mov_cr0), -1);
	assert_true(c->cr[0] & CR0_PE);
	assert_false(c->code32);

	struct x86_insn jmp = insn(4);
	jmp.imm = 0x1000;
	jmp.imm2 = 0x08;
	assert_int_equal(env_exec(e, vmm_jmp_Ap, &jmp), -1);
	retire(e);
}

/* --- real mode far transfers ------------------------------------------------ */

static void test_real_far_call_retf_iret(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	const uint32_t ss = ENV_SS << 4;
	c->regs[REG_ESP] = 0x200;

	/* CALL FAR 3000:1234 from 1000:0100 (return to 0105). */
	struct x86_insn call = insn(2);
	call.imm = 0x1234;
	call.imm2 = 0x3000;
	c->next_eip = 0x105;
	assert_int_equal(env_exec(e, vmm_call_Ap, &call), -1);
	assert_int_equal(c->seg[SEG_CS].sel, 0x3000);
	assert_int_equal(c->seg[SEG_CS].base, 0x30000);
	assert_int_equal(c->next_eip, 0x1234);
	assert_int_equal(c->regs[REG_ESP], 0x1FC);
	assert_int_equal(env_r16(e, ss + 0x1FE), ENV_CS);
	assert_int_equal(env_r16(e, ss + 0x1FC), 0x105);
	assert_int_equal(c->vmm_calls[VMM_STAT_FAR], 1);
	retire(e);

	/* RETF back. */
	struct x86_insn retf = insn(2);
	assert_int_equal(env_exec(e, vmm_ret_far, &retf), -1);
	assert_int_equal(c->seg[SEG_CS].sel, ENV_CS);
	assert_int_equal(c->seg[SEG_CS].base, ENV_CS << 4);
	assert_int_equal(c->next_eip, 0x105);
	assert_int_equal(c->regs[REG_ESP], 0x200);

	/* 32-bit CALL FAR: 4-byte slots, CS in the low half of its slot. */
	struct x86_insn call32 = insn(4);
	call32.imm = 0x4321;
	call32.imm2 = 0x2000;
	c->next_eip = 0x10A;
	env_w32(e, ss + 0x1FC, 0xFFFFFFFFu);
	assert_int_equal(env_exec(e, vmm_call_Ap, &call32), -1);
	assert_int_equal(c->regs[REG_ESP], 0x1F8);
	assert_int_equal(env_r32(e, ss + 0x1FC), ENV_CS);
	assert_int_equal(env_r32(e, ss + 0x1F8), 0x10A);

	/* RETF 4 (32-bit): pops EIP, CS and 4 bytes of parameters. */
	struct x86_insn retf_iw = insn(4);
	retf_iw.imm = 4;
	assert_int_equal(env_exec(e, vmm_ret_far_Iw, &retf_iw), -1);
	assert_int_equal(c->seg[SEG_CS].sel, ENV_CS);
	assert_int_equal(c->next_eip, 0x10A);
	assert_int_equal(c->regs[REG_ESP], 0x204);

	/* IRET: IP, CS, FLAGS. */
	c->regs[REG_ESP] = 0x100;
	env_w16(e, ss + 0x100, 0x0042);
	env_w16(e, ss + 0x102, 0x5000);
	env_w16(e, ss + 0x104, FLAG_CF | FLAG_ZF | FLAG_IF | FLAG_DF);
	c->eflags = FLAG_1;
	struct x86_insn iret = insn(2);
	assert_int_equal(env_exec(e, vmm_iret, &iret), -1);
	assert_int_equal(c->seg[SEG_CS].sel, 0x5000);
	assert_int_equal(c->seg[SEG_CS].base, 0x50000);
	assert_int_equal(c->next_eip, 0x42);
	assert_int_equal(c->regs[REG_ESP], 0x106);
	assert_int_equal(c->eflags, FLAG_1 | FLAG_CF | FLAG_ZF | FLAG_IF | FLAG_DF);
	assert_int_equal(c->vmm_calls[VMM_STAT_IRET], 1);
}

/* A far target past the (kept) CS limit faults without changing anything. */
static void test_real_far_jump_past_limit(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	struct x86_insn jmp = insn(4);
	jmp.imm = 0x10000;
	jmp.imm2 = 0x3000;
	assert_int_equal(env_exec(e, vmm_jmp_Ap, &jmp), EXC_GP);
	assert_int_equal(c->exc_err, 0);
	assert_int_equal(c->seg[SEG_CS].sel, ENV_CS);
}

/* --- flags ----------------------------------------------------------------- */

static void test_real_popf_masking(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	c->regs[REG_ESP] = 0x100;
	c->eflags = FLAG_1;

	/* 32-bit POPF of all ones: VM, VIF, VIP and RF stay clear, reserved
	 * bits stay clear, bit 1 stays set. */
	env_w32(e, (ENV_SS << 4) + 0x100, 0xFFFFFFFFu);
	struct x86_insn popf = insn(4);
	assert_int_equal(env_exec(e, vmm_popf, &popf), -1);
	uint32_t want =
		(FLAGS_WRITABLE & ~(uint32_t)(FLAG_VM | FLAG_VIF | FLAG_VIP | FLAG_RF)) | FLAG_1;
	assert_int_equal(c->eflags, want);
	assert_int_equal(c->regs[REG_ESP], 0x104);

	/* 16-bit POPF touches only the low 16 bits: AC and ID survive. */
	c->regs[REG_ESP] = 0x100;
	env_w16(e, (ENV_SS << 4) + 0x100, 0);
	struct x86_insn popf16 = insn(2);
	assert_int_equal(env_exec(e, vmm_popf, &popf16), -1);
	assert_int_equal(c->eflags, FLAG_1 | FLAG_AC | FLAG_ID);
	assert_int_equal(c->regs[REG_ESP], 0x102);

	/* PUSHF hides RF (and VM). */
	c->eflags |= FLAG_RF | FLAG_CF;
	struct x86_insn pushf = insn(4);
	assert_int_equal(env_exec(e, vmm_pushf, &pushf), -1);
	assert_int_equal(env_r32(e, (ENV_SS << 4) + 0xFE), FLAG_1 | FLAG_AC | FLAG_ID | FLAG_CF);
}

static void test_sti_inhibits_one_instruction(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	struct x86_insn in = insn(2);
	c->eflags = FLAG_1;
	assert_int_equal(env_exec(e, vmm_sti, &in), -1);
	assert_true(c->eflags & FLAG_IF);
	assert_int_equal(c->inhibit_intr, 1);
	c->inhibit_intr = 0;
	assert_int_equal(env_exec(e, vmm_sti, &in), -1);
	assert_int_equal(c->inhibit_intr, 0); /* IF was already set */
	assert_int_equal(env_exec(e, vmm_cli, &in), -1);
	assert_false(c->eflags & FLAG_IF);
}

/* --- port I/O ----------------------------------------------------------------- */

/* Four byte-wide latches at ports 0x70-0x73; writes to 0x73 are logged. */
struct latch_dev {
	uint8_t reg[4];
	uint8_t log[8];
	unsigned nlog;
};

static uint8_t latch_read8(void *opaque, uint16_t port)
{
	struct latch_dev *d = opaque;
	return d->reg[port - 0x70];
}

static void latch_write8(void *opaque, uint16_t port, uint8_t v)
{
	struct latch_dev *d = opaque;
	d->reg[port - 0x70] = v;
	if (port == 0x73 && d->nlog < 8)
		d->log[d->nlog++] = v;
}

static const struct io_ops latch_ops = { .read8 = latch_read8, .write8 = latch_write8 };

static void test_in_out(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	struct latch_dev dev = { 0 };
	assert_int_equal(io_register(&e->io, 0x70, 4, &latch_ops, &dev, "latch"), 0);

	/* OUT 71h, AL then IN AL, 71h. */
	struct x86_insn out_ib = insn(2);
	out_ib.imm = 0x71;
	c->regs[REG_EAX] = 0x5A;
	assert_int_equal(env_exec(e, vmm_out_Ib_AL, &out_ib), -1);
	assert_int_equal(dev.reg[1], 0x5A);
	c->regs[REG_EAX] = 0xFFFFFFFFu;
	assert_int_equal(env_exec(e, vmm_in_AL_Ib, &out_ib), -1);
	assert_int_equal(c->regs[REG_EAX], 0xFFFFFF5Au);

	/* OUT DX, EAX: the bus splits it into four byte writes. */
	struct x86_insn out_dx = insn(4);
	c->regs[REG_EDX] = 0x70;
	c->regs[REG_EAX] = 0x11223344u;
	assert_int_equal(env_exec(e, vmm_out_DX_eAX, &out_dx), -1);
	assert_int_equal(dev.reg[0], 0x44);
	assert_int_equal(dev.reg[3], 0x11);
	c->regs[REG_EAX] = 0;
	assert_int_equal(env_exec(e, vmm_in_eAX_DX, &out_dx), -1);
	assert_int_equal(c->regs[REG_EAX], 0x11223344u);
	struct x86_insn in16 = insn(2);
	c->regs[REG_EAX] = 0xAAAA0000u;
	assert_int_equal(env_exec(e, vmm_in_eAX_DX, &in16), -1);
	assert_int_equal(c->regs[REG_EAX], 0xAAAA3344u);

	/* REP OUTSB: three bytes from DS:SI to port 73h. */
	const uint32_t ds = ENV_DS << 4;
	env_w8(e, ds + 0x10, 'a');
	env_w8(e, ds + 0x11, 'b');
	env_w8(e, ds + 0x12, 'c');
	dev.nlog = 0; /* the OUT DX, EAX above wrote 73h too */
	c->regs[REG_ESI] = 0x10;
	c->regs[REG_ECX] = 3;
	c->regs[REG_EDX] = 0x73;
	struct x86_insn outs = insn(2);
	outs.rep = REP_E;
	c->next_eip = c->eip + 2;
	assert_int_equal(env_exec(e, vmm_outs_b, &outs), -1);
	assert_int_equal(dev.nlog, 3);
	assert_memory_equal(dev.log, "abc", 3);
	assert_int_equal(c->regs[REG_ESI], 0x13);
	assert_int_equal(c->regs[REG_ECX], 0);
	assert_int_equal(c->next_eip, c->eip + 2);

	/* REP INSB with DF=1: port 70h into ES:DI going down. */
	c->eflags |= FLAG_DF;
	c->regs[REG_EDI] = 0x21;
	c->regs[REG_ECX] = 2;
	c->regs[REG_EDX] = 0x70;
	dev.reg[0] = 0x99;
	struct x86_insn ins = insn(2);
	ins.rep = REP_E;
	assert_int_equal(env_exec(e, vmm_ins_b, &ins), -1);
	assert_int_equal(env_r16(e, (ENV_ES << 4) + 0x20), 0x9999);
	assert_int_equal(c->regs[REG_EDI], 0x1F);
	assert_int_equal(c->regs[REG_ECX], 0);
	assert_int_equal(c->vmm_calls[VMM_STAT_IN], 3);
	assert_int_equal(c->vmm_calls[VMM_STAT_OUT], 2);
}

/* --- CPUID ------------------------------------------------------------------- */

static void test_cpuid(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	struct x86_insn in = insn(2);
	c->regs[REG_EAX] = 0;
	assert_int_equal(env_exec(e, vmm_cpuid, &in), -1);
	char vendor[13];
	memcpy(vendor, &c->regs[REG_EBX], 4);
	memcpy(vendor + 4, &c->regs[REG_EDX], 4);
	memcpy(vendor + 8, &c->regs[REG_ECX], 4);
	vendor[12] = 0;
	assert_string_equal(vendor, "GenuineIntel");
	assert_int_equal(c->regs[REG_EAX], 2);

	c->regs[REG_EAX] = 1;
	assert_int_equal(env_exec(e, vmm_cpuid, &in), -1);
	assert_int_equal(c->regs[REG_EAX], 0x652);
	assert_true(c->regs[REG_EDX] & 1);         /* FPU: the x87 */
	assert_true(c->regs[REG_EDX] & (1u << 4)); /* TSC */

	/* Past the last leaf: the last leaf's data. */
	c->regs[REG_EAX] = 2;
	assert_int_equal(env_exec(e, vmm_cpuid, &in), -1);
	uint32_t leaf2_a = c->regs[REG_EAX], leaf2_d = c->regs[REG_EDX];
	c->regs[REG_EAX] = 0x80000000u;
	assert_int_equal(env_exec(e, vmm_cpuid, &in), -1);
	assert_int_equal(c->regs[REG_EAX], leaf2_a);
	assert_int_equal(c->regs[REG_EDX], leaf2_d);
	assert_int_equal(c->vmm_calls[VMM_STAT_CPUID], 4);
}

/* --- protected mode ------------------------------------------------------------ */

static void test_enter_protected_mode(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	enter_protected_mode(e);
	assert_true(c->code32);
	assert_int_equal(c->cpl, 0);
	assert_int_equal(c->seg[SEG_CS].sel, 0x08);
	assert_int_equal(c->seg[SEG_CS].base, 0);
	assert_int_equal(c->seg[SEG_CS].limit, 0xFFFFFFFFu);
	assert_int_equal(c->eip, 0x1000);
	/* The load set the accessed bit in the GDT. */
	assert_int_equal(env_r8(e, GDT_BASE + 0x08 + 5), 0x9B);
	assert_int_equal(c->seg[SEG_CS].attr, 0xC09B);

	/* Back to a 16-bit code segment with a 16-bit far jump. */
	struct x86_insn jmp16 = insn(2);
	jmp16.imm = 0x0010;
	jmp16.imm2 = 0x28;
	assert_int_equal(env_exec(e, vmm_jmp_Ap, &jmp16), -1);
	assert_false(c->code32);
	assert_int_equal(c->seg[SEG_CS].base, 0x10000);

	/* LMSW cannot clear PE. */
	struct x86_insn lmsw = insn(2);
	lmsw.rm = REG_EAX;
	c->regs[REG_EAX] = 0;
	assert_int_equal(env_exec(e, vmm_lmsw, &lmsw), -1);
	assert_true(c->cr[0] & CR0_PE);
}

static void test_protected_segment_loads(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	enter_protected_mode(e);

	/* Past the GDT limit: #GP(selector). */
	assert_int_equal(load_seg(e, SEG_DS, 0x38), EXC_GP);
	assert_int_equal(c->exc_err, 0x38);
	assert_int_equal(load_seg(e, SEG_ES, 0x3B), EXC_GP);
	assert_int_equal(c->exc_err, 0x38);
	/* An LDT selector with no LDT. */
	assert_int_equal(load_seg(e, SEG_DS, 0x0C), EXC_GP);
	assert_int_equal(c->exc_err, 0x0C);
	/* Null SS: #GP(0); code in SS: #GP(sel); DPL 3 data at CPL 0. */
	assert_int_equal(load_seg(e, SEG_SS, 0), EXC_GP);
	assert_int_equal(c->exc_err, 0);
	assert_int_equal(load_seg(e, SEG_SS, 0x08), EXC_GP);
	assert_int_equal(c->exc_err, 0x08);
	assert_int_equal(load_seg(e, SEG_SS, 0x20), EXC_GP);
	assert_int_equal(c->exc_err, 0x20);
	/* A TSS is no data segment. */
	assert_int_equal(load_seg(e, SEG_DS, 0x30), EXC_GP);
	assert_int_equal(c->exc_err, 0x30);

	/* Good loads fill the cache; the null selector is fine for DS. */
	assert_int_equal(load_seg(e, SEG_SS, 0x10), -1);
	assert_true(c->stack32);
	assert_int_equal(c->inhibit_intr, 1);
	assert_int_equal(c->seg[SEG_SS].limit, 0xFFFFFFFFu);
	assert_int_equal(load_seg(e, SEG_DS, 0x20), -1);
	assert_int_equal(c->seg[SEG_DS].attr, 0xC0F3);
	assert_int_equal(load_seg(e, SEG_FS, 0x08), -1); /* readable code */
	assert_int_equal(load_seg(e, SEG_GS, 0), -1);
	assert_false(c->seg[SEG_GS].attr & SEG_ATTR_P);

	/* Not present: #NP(sel), or #SS(sel) for SS. */
	env_w8(e, GDT_BASE + 0x10 + 5, 0x12);
	assert_int_equal(load_seg(e, SEG_ES, 0x10), EXC_NP);
	assert_int_equal(c->exc_err, 0x10);
	assert_int_equal(load_seg(e, SEG_SS, 0x10), EXC_SS);
	assert_int_equal(c->exc_err, 0x10);
}

/* RETF from ring 0 to ring 3 pops SS:ESP and nulls DS (DPL 0); at CPL 3
 * CLI faults, POPF keeps IOPL and IF, and port access follows the TSS
 * bitmap. */
static void test_return_to_ring3(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	enter_protected_mode(e);
	assert_int_equal(load_seg(e, SEG_SS, 0x10), -1);
	assert_int_equal(load_seg(e, SEG_DS, 0x10), -1);
	assert_int_equal(load_seg(e, SEG_ES, 0x20), -1);

	/* LTR 30h: loads TR and marks the TSS busy. */
	struct x86_insn ltr = insn(2);
	ltr.rm = REG_EAX;
	c->regs[REG_EAX] = 0x30;
	assert_int_equal(env_exec(e, vmm_ltr, &ltr), -1);
	assert_int_equal(c->tr.base, TSS_BASE);
	assert_int_equal(env_r8(e, GDT_BASE + 0x30 + 5), 0x8B);
	/* I/O bitmap at TSS+68h: every port denied except 71h. */
	env_w16(e, TSS_BASE + 0x66, 0x68);
	for (unsigned i = 0; i < 0x11; i++)
		env_w8(e, TSS_BASE + 0x68 + i, 0xFF);
	env_w8(e, TSS_BASE + 0x68 + 0x71 / 8, 0xFD);

	c->regs[REG_ESP] = 0x9000;
	env_w32(e, 0x9000, 0x2000); /* EIP */
	env_w32(e, 0x9004, 0x1B);   /* CS */
	env_w32(e, 0x9008, 0x7000); /* ESP */
	env_w32(e, 0x900C, 0x23);   /* SS */
	struct x86_insn retf = insn(4);
	assert_int_equal(env_exec(e, vmm_ret_far, &retf), -1);
	assert_int_equal(c->cpl, 3);
	assert_int_equal(c->seg[SEG_CS].sel, 0x1B);
	assert_int_equal(c->seg[SEG_SS].sel, 0x23);
	assert_int_equal(c->regs[REG_ESP], 0x7000);
	assert_int_equal(c->next_eip, 0x2000);
	assert_int_equal(c->seg[SEG_DS].sel, 0);
	assert_false(c->seg[SEG_DS].attr & SEG_ATTR_P);
	assert_int_equal(c->seg[SEG_ES].sel, 0x20); /* DPL 3: kept */
	retire(e);

	struct x86_insn in = insn(4);
	c->eflags = FLAG_1; /* IOPL 0, IF 0 */
	assert_int_equal(env_exec(e, vmm_cli, &in), EXC_GP);
	assert_int_equal(c->exc_err, 0);

	c->regs[REG_ESP] = 0x7000;
	env_w32(e, 0x7000, FLAG_IOPL | FLAG_IF | FLAG_CF);
	assert_int_equal(env_exec(e, vmm_popf, &in), -1);
	assert_int_equal(c->eflags, FLAG_1 | FLAG_CF);

	struct latch_dev dev = { 0 };
	dev.reg[1] = 0x77;
	assert_int_equal(io_register(&e->io, 0x70, 4, &latch_ops, &dev, "latch"), 0);
	struct x86_insn in_ib = insn(4);
	in_ib.imm = 0x71;
	assert_int_equal(env_exec(e, vmm_in_AL_Ib, &in_ib), -1);
	assert_int_equal(c->regs[REG_EAX] & 0xFF, 0x77);
	in_ib.imm = 0x70;
	assert_int_equal(env_exec(e, vmm_in_AL_Ib, &in_ib), EXC_GP);
	/* A word at 71h also needs 72h. */
	in_ib.imm = 0x71;
	in_ib.opsize = 2;
	assert_int_equal(env_exec(e, vmm_in_eAX_Ib, &in_ib), EXC_GP);

	/* Privileged instructions fault at CPL 3. */
	assert_int_equal(env_exec(e, vmm_hlt, &in), EXC_GP);
	struct x86_insn mov_cr = insn(4);
	assert_int_equal(env_exec(e, vmm_mov_Rd_Cd, &mov_cr), EXC_GP);
	mov_cr.reg = 5;
	assert_int_equal(env_exec(e, vmm_mov_Rd_Cd, &mov_cr), EXC_UD);
}

/* LAR, LSL, VERR/VERW and ARPL report through ZF without faulting. */
static void test_segment_queries(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	struct x86_insn q = insn(4);
	q.reg = REG_EBX;
	q.rm = REG_EAX;

	/* Protected-mode only. */
	assert_int_equal(env_exec(e, vmm_lar, &q), EXC_UD);

	enter_protected_mode(e);
	c->regs[REG_EAX] = 0x10;
	assert_int_equal(env_exec(e, vmm_lar, &q), -1);
	assert_true(c->eflags & FLAG_ZF);
	assert_int_equal(c->regs[REG_EBX], 0x00C09200u); /* limit bits masked */
	assert_int_equal(env_exec(e, vmm_lsl, &q), -1);
	assert_int_equal(c->regs[REG_EBX], 0xFFFFFFFFu);
	c->regs[REG_EAX] = 0x38; /* past the limit */
	assert_int_equal(env_exec(e, vmm_lsl, &q), -1);
	assert_false(c->eflags & FLAG_ZF);

	c->regs[REG_EAX] = 0x08;
	assert_int_equal(env_exec(e, vmm_verr, &q), -1);
	assert_true(c->eflags & FLAG_ZF);
	assert_int_equal(env_exec(e, vmm_verw, &q), -1);
	assert_false(c->eflags & FLAG_ZF);

	struct x86_insn arpl = insn(2);
	arpl.rm = REG_EAX;
	arpl.reg = REG_ECX;
	c->regs[REG_EAX] = 0x10;
	c->regs[REG_ECX] = 0x03;
	assert_int_equal(env_exec(e, vmm_arpl, &arpl), -1);
	assert_int_equal(c->regs[REG_EAX], 0x13);
	assert_true(c->eflags & FLAG_ZF);
}

/* SGDT with 16-bit operand size stores 24 bits of base and a zero byte. */
static void test_sgdt16(void **state)
{
	struct env *e = *state;
	struct cpu *c = &e->cpu;
	c->gdtr.base = 0x12345678u;
	c->gdtr.limit = 0x1FF;
	struct x86_insn sgdt = insn(2);
	insn_mem(&sgdt, SEG_DS, X86_NO_REG, X86_NO_REG, 0, 0x40);
	assert_int_equal(env_exec(e, vmm_sgdt, &sgdt), -1);
	assert_int_equal(env_r16(e, (ENV_DS << 4) + 0x40), 0x1FF);
	assert_int_equal(env_r32(e, (ENV_DS << 4) + 0x42), 0x00345678u);
	sgdt.opsize = 4;
	assert_int_equal(env_exec(e, vmm_sgdt, &sgdt), -1);
	assert_int_equal(env_r32(e, (ENV_DS << 4) + 0x42), 0x12345678u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_real_far_call_retf_iret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_far_jump_past_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_popf_masking, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sti_inhibits_one_instruction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpuid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enter_protected_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protected_segment_loads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_return_to_ring3, setup, teardown),
		cmocka_unit_test_setup_teardown(test_segment_queries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sgdt16, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
