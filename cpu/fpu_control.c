/* fpu_control.c: the x87's control side: reset and FNINIT state, exception
 * bookkeeping shared by every instruction (status flags, ES/B, FERR#), the
 * pending-exception check of waiting instructions, the tag word, the
 * environment and save images, and the control instructions (FNINIT,
 * FNCLEX, FLDCW, FNSTCW, FNSTSW, FLDENV, FNSTENV, FRSTOR, FNSAVE).
 */
#include <string.h>

#include "cpu/access.h"
#include "cpu/fpu_internal.h"

/* Reserved control-word bits: bit 6 reads as 1, bits 13-15 as 0. */
#define FCW_FIXED_ONES 0x0040u
#define FCW_WRITABLE 0x1F3Fu

void fpu_init_state(struct fpu *f)
{
	f->cw = 0x037F;
	f->sw = 0;
	f->empty = 0xFF;
	f->fcs = f->fop = f->fds = 0;
	f->fip = f->fdp = 0;
	fpu_update_es(f);
}

void fpu_reset(struct fpu *f)
{
	fpu_init_state(f);
	f->cw = 0x0040;
	f->empty = 0;
	for (int i = 0; i < 8; i++)
		f->reg[i] = f80_zero(false);
	fpu_update_es(f);
}

void fpu_set_ignne(struct fpu *f, bool level)
{
	f->ignne = level;
}

/* --- exceptions ----------------------------------------------------------------- */

void fpu_update_es(struct fpu *f)
{
	if (f->sw & ~f->cw & FSW_EXC_MASK)
		f->sw |= FSW_ES | FSW_B;
	else
		f->sw &= (uint16_t)~(FSW_ES | FSW_B);
	bool level = f->sw & FSW_ES;
	if (level != f->ferr_level) {
		f->ferr_level = level;
		if (!level)
			f->ignne = false; /* the board drops IGNNE# with FERR# */
		if (f->ferr)
			f->ferr(f->ferr_opaque, level);
	}
}

bool fpu_finish(struct fpu *f, const struct f80_ctx *c)
{
	unsigned unmasked = c->exc & ~f->cw & FSW_EXC_MASK;
	if (unmasked & (FSW_IE | FSW_DE | FSW_ZE)) {
		f->sw |= c->exc & (FSW_IE | FSW_DE | FSW_ZE);
		fpu_set_c1(f, false);
		fpu_update_es(f);
		return false;
	}
	f->sw |= c->exc;
	fpu_set_c1(f, c->up);
	fpu_update_es(f);
	return true;
}

bool fpu_finish_mem(struct fpu *f, const struct f80_ctx *c)
{
	unsigned unmasked = c->exc & ~f->cw & FSW_EXC_MASK;
	if (unmasked & (FSW_IE | FSW_DE | FSW_ZE)) {
		f->sw |= c->exc & (FSW_IE | FSW_DE | FSW_ZE);
		fpu_set_c1(f, false);
		fpu_update_es(f);
		return false;
	}
	if (unmasked & (FSW_OE | FSW_UE)) {
		/* Nothing is stored, so nothing was rounded either. */
		f->sw |= c->exc & ~FSW_PE;
		fpu_set_c1(f, false);
		fpu_update_es(f);
		return false;
	}
	f->sw |= c->exc;
	fpu_set_c1(f, c->up);
	fpu_update_es(f);
	return true;
}

bool fpu_signal(struct fpu *f, unsigned exc)
{
	f->sw |= (uint16_t)exc;
	fpu_update_es(f);
	return !(exc & ~f->cw & FSW_EXC_MASK);
}

bool fpu_underflow(struct fpu *f)
{
	f->sw |= FSW_IE | FSW_SF;
	fpu_set_c1(f, false);
	fpu_update_es(f);
	return f->cw & FSW_IE;
}

bool fpu_overflow(struct fpu *f)
{
	f->sw |= FSW_IE | FSW_SF;
	fpu_set_c1(f, true);
	fpu_update_es(f);
	return f->cw & FSW_IE;
}

bool fpu_check_push(struct fpu *f)
{
	if (fpu_empty(f, 7))
		return true;
	if (fpu_overflow(f))
		fpu_push(f, f80_indefinite());
	return false;
}

bool fpu_check_pending(struct cpu *cpu)
{
	struct fpu *f = &cpu->fpu;
	if (!(f->sw & FSW_ES))
		return true;
	if (cpu->cr[0] & CR0_NE)
		cpu_raise(cpu, EXC_MF);
	if (f->ignne || !f->ferr)
		return true;
	/* Frozen until the interrupt FERR# requests is taken: run the
	 * instruction again (its address is what the handler returns to). */
	if (!f->ferr_level) {
		f->ferr_level = true;
		f->ferr(f->ferr_opaque, true);
	}
	cpu->next_eip = cpu->eip;
	return false;
}

/* --- tags and images ------------------------------------------------------------ */

uint16_t fpu_tag_word(const struct fpu *f)
{
	uint16_t tw = 0;
	for (unsigned i = 0; i < 8; i++) {
		unsigned tag;
		if ((f->empty >> i) & 1)
			tag = FPU_TAG_EMPTY;
		else {
			enum f80_class k = f80_classify(f->reg[i]);
			tag = k == F80_ZERO ? FPU_TAG_ZERO : k == F80_NORMAL ? FPU_TAG_VALID
									      : FPU_TAG_SPECIAL;
		}
		tw |= (uint16_t)(tag << (2 * i));
	}
	return tw;
}

unsigned fpu_env_size(enum fpu_env_format fmt)
{
	return fmt == FPU_ENV_16_REAL || fmt == FPU_ENV_16_PROT ? 14 : 28;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}
static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}
static uint32_t get32(const uint8_t *p)
{
	return get16(p) | ((uint32_t)get16(p + 2) << 16);
}

/* The reserved upper halves of the 32-bit image's words read as ones. */
#define RSVD_HI 0xFFFF0000u

void fpu_store_env(const struct fpu *f, enum fpu_env_format fmt, uint8_t *out)
{
	uint16_t tw = fpu_tag_word(f);
	/* Real-mode images hold linear addresses. */
	uint32_t ip_lin = ((uint32_t)f->fcs << 4) + f->fip;
	uint32_t dp_lin = ((uint32_t)f->fds << 4) + f->fdp;
	switch (fmt) {
	case FPU_ENV_16_REAL:
		put16(out + 0, f->cw);
		put16(out + 2, f->sw);
		put16(out + 4, tw);
		put16(out + 6, ip_lin);
		put16(out + 8, ((ip_lin >> 4) & 0xF000u) | (f->fop & 0x7FFu));
		put16(out + 10, dp_lin);
		put16(out + 12, (dp_lin >> 4) & 0xF000u);
		break;
	case FPU_ENV_16_PROT:
		put16(out + 0, f->cw);
		put16(out + 2, f->sw);
		put16(out + 4, tw);
		put16(out + 6, f->fip);
		put16(out + 8, f->fcs);
		put16(out + 10, f->fdp);
		put16(out + 12, f->fds);
		break;
	case FPU_ENV_32_REAL:
		put32(out + 0, RSVD_HI | f->cw);
		put32(out + 4, RSVD_HI | f->sw);
		put32(out + 8, RSVD_HI | tw);
		put32(out + 12, RSVD_HI | (ip_lin & 0xFFFFu));
		put32(out + 16, ((ip_lin >> 4) & 0x0FFFF000u) | (f->fop & 0x7FFu));
		put32(out + 20, RSVD_HI | (dp_lin & 0xFFFFu));
		put32(out + 24, (dp_lin >> 4) & 0x0FFFF000u);
		break;
	case FPU_ENV_32_PROT:
		put32(out + 0, RSVD_HI | f->cw);
		put32(out + 4, RSVD_HI | f->sw);
		put32(out + 8, RSVD_HI | tw);
		put32(out + 12, f->fip);
		put32(out + 16, f->fcs | ((uint32_t)(f->fop & 0x7FFu) << 16));
		put32(out + 20, f->fdp);
		put32(out + 24, RSVD_HI | f->fds);
		break;
	}
}

/* Loading keeps only "empty or not" of each tag: the other tags are always
 * computed from the registers. */
void fpu_load_env(struct fpu *f, enum fpu_env_format fmt, const uint8_t *in)
{
	bool wide = fmt == FPU_ENV_32_REAL || fmt == FPU_ENV_32_PROT;
	unsigned step = wide ? 4 : 2;
	f->cw = (uint16_t)((get16(in) & FCW_WRITABLE) | FCW_FIXED_ONES);
	f->sw = get16(in + step);
	uint16_t tw = get16(in + 2 * step);
	f->empty = 0;
	for (unsigned i = 0; i < 8; i++)
		if (((tw >> (2 * i)) & 3) == FPU_TAG_EMPTY)
			f->empty |= (uint8_t)(1u << i);
	switch (fmt) {
	case FPU_ENV_16_REAL:
		f->fcs = 0;
		f->fip = get16(in + 6) | ((uint32_t)(get16(in + 8) & 0xF000u) << 4);
		f->fop = get16(in + 8) & 0x7FFu;
		f->fds = 0;
		f->fdp = get16(in + 10) | ((uint32_t)(get16(in + 12) & 0xF000u) << 4);
		break;
	case FPU_ENV_16_PROT:
		f->fip = get16(in + 6);
		f->fcs = get16(in + 8);
		f->fdp = get16(in + 10);
		f->fds = get16(in + 12);
		break;
	case FPU_ENV_32_REAL:
		f->fcs = 0;
		f->fip = get16(in + 12) | ((get32(in + 16) & 0x0FFFF000u) << 4);
		f->fop = get32(in + 16) & 0x7FFu;
		f->fds = 0;
		f->fdp = get16(in + 20) | ((get32(in + 24) & 0x0FFFF000u) << 4);
		break;
	case FPU_ENV_32_PROT:
		f->fip = get32(in + 12);
		f->fcs = get16(in + 16);
		f->fop = get16(in + 18) & 0x7FFu;
		f->fdp = get32(in + 20);
		f->fds = get16(in + 24);
		break;
	}
	fpu_update_es(f);
}

void fpu_store_save(const struct fpu *f, enum fpu_env_format fmt, uint8_t *out)
{
	unsigned n = fpu_env_size(fmt);
	fpu_store_env(f, fmt, out);
	for (unsigned i = 0; i < 8; i++) {
		fpu_f80 v = fpu_st(f, i);
		uint8_t *p = out + n + 10 * i;
		put32(p, (uint32_t)v.sig);
		put32(p + 4, (uint32_t)(v.sig >> 32));
		put16(p + 8, v.se);
	}
}

void fpu_load_save(struct fpu *f, enum fpu_env_format fmt, const uint8_t *in)
{
	unsigned n = fpu_env_size(fmt);
	fpu_load_env(f, fmt, in);
	for (unsigned i = 0; i < 8; i++) {
		const uint8_t *p = in + n + 10 * i;
		fpu_f80 v = { .sig = get32(p) | ((uint64_t)get32(p + 4) << 32), .se = get16(p + 8) };
		f->reg[fpu_phys(f, i)] = v;
	}
}

/* The image layout the current mode and operand size select. */
static enum fpu_env_format env_format(const struct cpu *cpu, const struct x86_insn *in)
{
	bool real = cpu_real_mode(cpu) || cpu_v86_mode(cpu);
	if (in->opsize == 4)
		return real ? FPU_ENV_32_REAL : FPU_ENV_32_PROT;
	return real ? FPU_ENV_16_REAL : FPU_ENV_16_PROT;
}

/* The image's memory: #AC wants it aligned to 4 bytes in the 32-bit
 * layouts and to 2 in the 16-bit ones (SDM, alignment-check exception). A
 * 16-bit image is accessed in words, so that a 2-aligned image does not
 * trip the dword check of a 4-byte piece; a 32-bit image's size is a
 * multiple of 4 and goes in dwords. */
static bool image_wide(enum fpu_env_format fmt)
{
	return fmt == FPU_ENV_32_REAL || fmt == FPU_ENV_32_PROT;
}

static void image_read(struct cpu *cpu, const struct x86_insn *in, enum fpu_env_format fmt,
		       uint8_t *buf, unsigned size)
{
	uint32_t off = fpu_ea(cpu, in);
	cpu_check_align(cpu, in->seg, off, image_wide(fmt) ? 4 : 2);
	if (image_wide(fmt)) {
		fpu_read_bytes(cpu, in, off, buf, size);
		return;
	}
	for (unsigned i = 0; i < size; i += 2)
		put16(buf + i, cpu_read(cpu, in->seg, off + i, 2));
}

static void image_write(struct cpu *cpu, const struct x86_insn *in, enum fpu_env_format fmt,
			const uint8_t *buf, unsigned size)
{
	uint32_t off = fpu_ea(cpu, in);
	cpu_check_align(cpu, in->seg, off, image_wide(fmt) ? 4 : 2);
	if (image_wide(fmt)) {
		fpu_write_bytes(cpu, in, off, buf, size);
		return;
	}
	cpu_probe_write(cpu, in->seg, off, size);
	for (unsigned i = 0; i < size; i += 2)
		cpu_write(cpu, in->seg, off + i, 2, get16(buf + i));
}

/* --- control instructions -------------------------------------------------------- */

FPU_HANDLER(fpu_fninit)
{
	fpu_init_state(&cpu->fpu);
}

FPU_HANDLER(fpu_fnclex)
{
	cpu->fpu.sw &= (uint16_t)~(FSW_EXC_MASK | FSW_SF | FSW_ES | FSW_B);
	fpu_update_es(&cpu->fpu);
}

FPU_HANDLER(fpu_fnop_control)
{
}

FPU_HANDLER(fpu_fldcw)
{
	uint16_t v = (uint16_t)cpu_read(cpu, in->seg, fpu_ea(cpu, in), 2);
	cpu->fpu.cw = (uint16_t)((v & FCW_WRITABLE) | FCW_FIXED_ONES);
	fpu_update_es(&cpu->fpu);
}

FPU_HANDLER(fpu_fnstcw)
{
	cpu_write(cpu, in->seg, fpu_ea(cpu, in), 2, cpu->fpu.cw);
}

FPU_HANDLER(fpu_fnstsw_mem)
{
	cpu_write(cpu, in->seg, fpu_ea(cpu, in), 2, cpu->fpu.sw);
}

FPU_HANDLER(fpu_fnstsw_ax)
{
	cpu_set_r16(cpu, REG_EAX, cpu->fpu.sw);
}

FPU_HANDLER(fpu_fldenv)
{
	enum fpu_env_format fmt = env_format(cpu, in);
	uint8_t buf[28];
	image_read(cpu, in, fmt, buf, fpu_env_size(fmt));
	fpu_load_env(&cpu->fpu, fmt, buf);
}

/* FNSTENV masks every exception once the environment is stored. */
FPU_HANDLER(fpu_fnstenv)
{
	enum fpu_env_format fmt = env_format(cpu, in);
	uint8_t buf[28];
	fpu_store_env(&cpu->fpu, fmt, buf);
	image_write(cpu, in, fmt, buf, fpu_env_size(fmt));
	cpu->fpu.cw |= FSW_EXC_MASK;
	fpu_update_es(&cpu->fpu);
}

FPU_HANDLER(fpu_frstor)
{
	enum fpu_env_format fmt = env_format(cpu, in);
	uint8_t buf[108];
	image_read(cpu, in, fmt, buf, fpu_env_size(fmt) + 80);
	fpu_load_save(&cpu->fpu, fmt, buf);
}

/* FNSAVE stores everything, then initializes like FNINIT. */
FPU_HANDLER(fpu_fnsave)
{
	enum fpu_env_format fmt = env_format(cpu, in);
	uint8_t buf[108];
	fpu_store_save(&cpu->fpu, fmt, buf);
	image_write(cpu, in, fmt, buf, fpu_env_size(fmt) + 80);
	fpu_init_state(&cpu->fpu);
}
