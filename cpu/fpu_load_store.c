/* fpu_load_store.c: x87 memory operands, loads and stores: FLD/FST/FSTP
 * (m32, m64, m80, ST(i)), FILD/FIST/FISTP (m16, m32, m64), FBLD/FBSTP
 * (18-digit packed BCD) and the constants FLD1 ... FLDZ.
 *
 * A store reads and converts its source and checks that the whole
 * destination can be written before it changes any x87 state, so a page or
 * segment fault leaves the FPU as it was and the instruction can restart.
 * Every memory operand is checked for alignment (#AC) as a whole first.
 */
#include "cpu/access.h"
#include "cpu/fpu_internal.h"

/* --- memory operands ------------------------------------------------------------- */

uint32_t fpu_ea(const struct cpu *cpu, const struct x86_insn *in)
{
	return insn_ea(cpu, in);
}

void fpu_read_bytes(struct cpu *cpu, const struct x86_insn *in, uint32_t off, uint8_t *buf,
		    unsigned size)
{
	unsigned i = 0;
	for (; i + 4 <= size; i += 4) {
		uint32_t v = cpu_read(cpu, in->seg, off + i, 4);
		buf[i] = (uint8_t)v;
		buf[i + 1] = (uint8_t)(v >> 8);
		buf[i + 2] = (uint8_t)(v >> 16);
		buf[i + 3] = (uint8_t)(v >> 24);
	}
	for (; i < size; i++)
		buf[i] = (uint8_t)cpu_read(cpu, in->seg, off + i, 1);
}

void fpu_write_bytes(struct cpu *cpu, const struct x86_insn *in, uint32_t off, const uint8_t *buf,
		     unsigned size)
{
	cpu_probe_write(cpu, in->seg, off, size);
	unsigned i = 0;
	for (; i + 4 <= size; i += 4)
		cpu_write(cpu, in->seg, off + i, 4,
			  buf[i] | ((uint32_t)buf[i + 1] << 8) | ((uint32_t)buf[i + 2] << 16) |
				  ((uint32_t)buf[i + 3] << 24));
	for (; i < size; i++)
		cpu_write(cpu, in->seg, off + i, 1, buf[i]);
}

uint64_t fpu_read64(struct cpu *cpu, const struct x86_insn *in, uint32_t off)
{
	uint32_t lo = cpu_read(cpu, in->seg, off, 4);
	uint32_t hi = cpu_read(cpu, in->seg, off + 4, 4);
	return lo | ((uint64_t)hi << 32);
}

fpu_f80 fpu_read80(struct cpu *cpu, const struct x86_insn *in, uint32_t off)
{
	fpu_f80 v;
	v.sig = fpu_read64(cpu, in, off);
	v.se = (uint16_t)cpu_read(cpu, in->seg, off + 8, 2);
	return v;
}

static unsigned fmt_size(enum fpu_mem_fmt fmt)
{
	static const uint8_t size[] = { [FPU_M32REAL] = 4, [FPU_M64REAL] = 8, [FPU_M80REAL] = 10,
					[FPU_M16INT] = 2,  [FPU_M32INT] = 4,  [FPU_M64INT] = 8 };
	return size[fmt];
}

/* #AC(0) for a misaligned operand of `size` bytes while alignment checking
 * is live (CPL 3, CR0.AM, EFLAGS.AC): m16 needs 2, m32 4, m64 and the
 * 10-byte formats (m80 real, packed BCD) 8. The operand is accessed in
 * pieces of at most 4 bytes whose own checks cannot tell, so the whole
 * operand is checked before the first of them. */
static void operand_align(struct cpu *cpu, const struct x86_insn *in, uint32_t off, unsigned size)
{
	cpu_check_align(cpu, in->seg, off, size >= 8 ? 8 : size);
}

fpu_f80 fpu_read_operand(struct cpu *cpu, const struct x86_insn *in, enum fpu_mem_fmt fmt,
			 struct f80_ctx *c)
{
	uint32_t off = fpu_ea(cpu, in);
	operand_align(cpu, in, off, fmt_size(fmt));
	switch (fmt) {
	case FPU_M32REAL: return f80_operand_f32(c, cpu_read(cpu, in->seg, off, 4));
	case FPU_M64REAL: return f80_operand_f64(c, fpu_read64(cpu, in, off));
	case FPU_M80REAL: return fpu_read80(cpu, in, off);
	case FPU_M16INT: return f80_from_i64((int16_t)cpu_read(cpu, in->seg, off, 2));
	case FPU_M32INT: return f80_from_i64((int32_t)cpu_read(cpu, in->seg, off, 4));
	default: return f80_from_i64((int64_t)fpu_read64(cpu, in, off));
	}
}

static void put_le(uint8_t *buf, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		buf[i] = (uint8_t)(v >> (8 * i));
}

/* The default NaN or integer indefinite of a memory format. */
static void indefinite_bytes(enum fpu_mem_fmt fmt, uint8_t *buf)
{
	switch (fmt) {
	case FPU_M32REAL: put_le(buf, 0xFFC00000u, 4); break;
	case FPU_M64REAL: put_le(buf, 0xFFF8000000000000ull, 8); break;
	case FPU_M80REAL:
		put_le(buf, 0xC000000000000000ull, 8);
		put_le(buf + 8, 0xFFFF, 2);
		break;
	case FPU_M16INT: put_le(buf, 0x8000, 2); break;
	case FPU_M32INT: put_le(buf, 0x80000000u, 4); break;
	default: put_le(buf, 0x8000000000000000ull, 8); break;
	}
}

/* --- loads ------------------------------------------------------------------------ */

/* FLD m32/m64/m80 and FILD: the value is read (and may fault) first; a
 * full stack then takes precedence over the operand's own exceptions. An
 * m80 operand is loaded as it is, without exceptions. */
FPU_HANDLER(fpu_fld_mem)
{
	struct fpu *f = &cpu->fpu;
	struct f80_ctx c = fpu_ctx(f, 64);
	enum fpu_mem_fmt fmt = FPU_AUX_FMT(op->aux);
	uint32_t off = fpu_ea(cpu, in);
	operand_align(cpu, in, off, fmt_size(fmt));
	fpu_f80 v;
	if (fmt == FPU_M32REAL)
		v = f80_from_f32(&c, cpu_read(cpu, in->seg, off, 4));
	else if (fmt == FPU_M64REAL)
		v = f80_from_f64(&c, fpu_read64(cpu, in, off));
	else
		v = fpu_read_operand(cpu, in, fmt, &c);
	if (!fpu_check_push(f))
		return;
	/* An unmasked denormal exception does not stop a load: the value
	 * converts exactly. */
	bool de = c.exc & FSW_DE;
	c.exc &= (uint16_t)~FSW_DE;
	if (!fpu_finish(f, &c))
		return;
	fpu_push(f, v);
	if (de)
		fpu_signal(f, FSW_DE);
}

FPU_HANDLER(fpu_fld_sti)
{
	struct fpu *f = &cpu->fpu;
	unsigned i = in->rm & 7;
	if (fpu_empty(f, i)) {
		/* Masked, the indefinite is pushed whatever ST(7) holds. */
		if (fpu_underflow(f))
			fpu_push(f, f80_indefinite());
		return;
	}
	if (fpu_check_push(f)) {
		fpu_set_c1(f, false);
		fpu_push(f, fpu_st(f, i));
	}
}

/* The 64-bit significands of the constants with two more bits and beyond,
 * so that each rounding mode rounds the true value: log2(10), log2(e), pi,
 * log10(2), ln(2). Exponents are unbiased. No precision exception. */
static const struct {
	uint64_t hi, lo;
	int exp;
} fpu_consts[] = {
	[FPU_K_L2T] = { 0xD49A784BCD1B8AFEull, 0x492BF6FF4DAFDB4Cull, 1 },
	[FPU_K_L2E] = { 0xB8AA3B295C17F0BBull, 0xBE87FED0691D3E88ull, 0 },
	[FPU_K_PI] = { 0xC90FDAA22168C234ull, 0xC4C6628B80DC1CD1ull, 1 },
	[FPU_K_LG2] = { 0x9A209A84FBCFF798ull, 0x8F8959AC0B7C9178ull, -2 },
	[FPU_K_LN2] = { 0xB17217F7D1CF79ABull, 0xC9E3B39803F2F6AFull, -1 },
};

FPU_HANDLER(fpu_fldconst)
{
	struct fpu *f = &cpu->fpu;
	if (!fpu_check_push(f))
		return;
	fpu_f80 v;
	if (op->aux == FPU_K_ONE) {
		v = f80_one(false);
	} else if (op->aux == FPU_K_ZERO) {
		v = f80_zero(false);
	} else {
		struct f80_ctx c = fpu_ctx(f, 64);
		u128 sig = ((u128)fpu_consts[op->aux].hi << 64) | fpu_consts[op->aux].lo;
		v = f80_round_pack(&c, false, fpu_consts[op->aux].exp + F80_BIAS, sig);
	}
	fpu_set_c1(f, false);
	fpu_push(f, v);
}

/* --- stores ------------------------------------------------------------------------ */

/* Stack underflow on a store: masked, the format's indefinite is stored
 * (and the stack popped as usual). */
static void store_underflow(struct cpu *cpu, const struct x86_insn *in, enum fpu_mem_fmt fmt,
			    bool pop)
{
	struct fpu *f = &cpu->fpu;
	uint8_t buf[10];
	indefinite_bytes(fmt, buf);
	cpu_probe_write(cpu, in->seg, fpu_ea(cpu, in), fmt_size(fmt));
	if (!fpu_underflow(f))
		return;
	fpu_write_bytes(cpu, in, fpu_ea(cpu, in), buf, fmt_size(fmt));
	if (pop)
		fpu_pop(f);
}

FPU_HANDLER(fpu_fst_mem)
{
	struct fpu *f = &cpu->fpu;
	enum fpu_mem_fmt fmt = FPU_AUX_FMT(op->aux);
	bool pop = op->aux & FPU_AUX_POP;
	uint32_t off = fpu_ea(cpu, in);
	operand_align(cpu, in, off, fmt_size(fmt));
	if (fpu_empty(f, 0)) {
		store_underflow(cpu, in, fmt, pop);
		return;
	}
	fpu_f80 v = fpu_st(f, 0);
	struct f80_ctx c = fpu_ctx(f, 64);
	uint8_t buf[10];
	if (fmt == FPU_M32REAL)
		put_le(buf, f80_to_f32(&c, v), 4);
	else if (fmt == FPU_M64REAL)
		put_le(buf, f80_to_f64(&c, v), 8);
	else {
		put_le(buf, v.sig, 8);
		put_le(buf + 8, v.se, 2);
	}
	cpu_probe_write(cpu, in->seg, off, fmt_size(fmt));
	if (!fpu_finish_mem(f, &c))
		return;
	fpu_write_bytes(cpu, in, off, buf, fmt_size(fmt));
	if (pop)
		fpu_pop(f);
}

/* FST/FSTP ST(i): a plain copy, without rounding or exceptions. */
FPU_HANDLER(fpu_fst_sti)
{
	struct fpu *f = &cpu->fpu;
	unsigned i = in->rm & 7;
	fpu_f80 v;
	if (fpu_empty(f, 0)) {
		if (!fpu_underflow(f))
			return;
		v = f80_indefinite();
	} else {
		v = fpu_st(f, 0);
		fpu_set_c1(f, false);
	}
	fpu_set_st(f, i, v);
	if (op->aux & FPU_AUX_POP)
		fpu_pop(f);
}

FPU_HANDLER(fpu_fist_mem)
{
	struct fpu *f = &cpu->fpu;
	enum fpu_mem_fmt fmt = FPU_AUX_FMT(op->aux);
	bool pop = op->aux & FPU_AUX_POP;
	uint32_t off = fpu_ea(cpu, in);
	operand_align(cpu, in, off, fmt_size(fmt));
	if (fpu_empty(f, 0)) {
		store_underflow(cpu, in, fmt, pop);
		return;
	}
	struct f80_ctx c = fpu_ctx(f, 64);
	unsigned size = fmt_size(fmt);
	int64_t v;
	uint8_t buf[8];
	if (f80_to_int(&c, fpu_st(f, 0), size * 8, &v))
		put_le(buf, (uint64_t)v, size);
	else
		indefinite_bytes(fmt, buf);
	cpu_probe_write(cpu, in->seg, off, size);
	if (!fpu_finish_mem(f, &c))
		return;
	fpu_write_bytes(cpu, in, off, buf, size);
	if (pop)
		fpu_pop(f);
}

/* --- packed BCD --------------------------------------------------------------------- */

/* FBLD: 18 digits, two per byte (low nibble first) in bytes 0-8, the sign
 * in bit 7 of byte 9. Nibbles above 9 are not valid digits; they are
 * weighted like digits, which keeps the result defined. */
FPU_HANDLER(fpu_fbld)
{
	struct fpu *f = &cpu->fpu;
	uint8_t b[10];
	operand_align(cpu, in, fpu_ea(cpu, in), 10);
	fpu_read_bytes(cpu, in, fpu_ea(cpu, in), b, 10);
	uint64_t v = 0;
	for (int i = 8; i >= 0; i--)
		v = v * 100 + (b[i] >> 4) * 10 + (b[i] & 0x0F);
	if (!fpu_check_push(f))
		return;
	fpu_f80 r = f80_from_i64((int64_t)v);
	if (b[9] & 0x80)
		r = f80_neg(r);
	fpu_set_c1(f, false);
	fpu_push(f, r);
}

#define BCD_MAX 999999999999999999ll

FPU_HANDLER(fpu_fbstp)
{
	struct fpu *f = &cpu->fpu;
	uint32_t off = fpu_ea(cpu, in);
	operand_align(cpu, in, off, 10);
	uint8_t buf[10] = { 0 };
	/* The BCD indefinite. */
	static const uint8_t bcd_indefinite[10] = { 0, 0, 0, 0, 0, 0, 0, 0xC0, 0xFF, 0xFF };
	if (fpu_empty(f, 0)) {
		cpu_probe_write(cpu, in->seg, off, 10);
		if (!fpu_underflow(f))
			return;
		fpu_write_bytes(cpu, in, off, bcd_indefinite, 10);
		fpu_pop(f);
		return;
	}
	fpu_f80 x = fpu_st(f, 0);
	struct f80_ctx c = fpu_ctx(f, 64);
	int64_t v;
	bool ok = f80_to_int(&c, x, 64, &v);
	if (ok && (v > BCD_MAX || v < -BCD_MAX)) {
		/* Out of range: invalid, and no precision exception. */
		ok = false;
		c.exc = (uint16_t)((c.exc & ~FSW_PE) | FSW_IE);
		c.up = false;
	}
	if (ok) {
		uint64_t m = v < 0 ? (uint64_t)(-v) : (uint64_t)v;
		for (int i = 0; i < 9; i++) {
			unsigned lo = (unsigned)(m % 10);
			m /= 10;
			unsigned hi = (unsigned)(m % 10);
			m /= 10;
			buf[i] = (uint8_t)((hi << 4) | lo);
		}
		buf[9] = f80_sign(x) ? 0x80 : 0;
	} else {
		for (int i = 0; i < 10; i++)
			buf[i] = bcd_indefinite[i];
	}
	cpu_probe_write(cpu, in->seg, off, 10);
	if (!fpu_finish_mem(f, &c))
		return;
	fpu_write_bytes(cpu, in, off, buf, 10);
	fpu_pop(f);
}
