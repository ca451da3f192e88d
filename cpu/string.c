/* string.c: MOVS CMPS STOS LODS SCAS, with their repeat prefixes.
 *
 * The source is seg:(E)SI, where seg is DS or the override prefix; the
 * destination is always ES:(E)DI. The address size picks SI/DI/CX or
 * ESI/EDI/ECX (a 16-bit index wraps within its 16 bits, the upper half of
 * the register staying put). DF chooses the direction.
 *
 * With a repeat prefix a handler runs at most STRING_BATCH elements per
 * call; when the count is not exhausted it points next_eip back at the
 * instruction itself, so the run loop re-executes it after checking for
 * interrupts, as hardware lets interrupts in between iterations. Index and
 * count registers are committed after every element, so a fault part-way
 * leaves exactly the state of the elements already done, and the
 * instruction resumes from there once the fault is handled.
 *
 * F3 and F2 both mean plain REP on MOVS, STOS and LODS (ZF is ignored); on
 * CMPS and SCAS, F3 is REPE (stop when ZF=0) and F2 REPNE (stop when ZF=1).
 */
#include "cpu/access.h"
#include "cpu/cpu.h"
#include "cpu/flags.h"
#include "cpu/handlers.h"
#include "cpu/insn.h"

/* Elements per call before the instruction yields to interrupts. */
#define STRING_BATCH 4096u

/* The part of (E)SI/(E)DI/(E)CX the address size uses. */
static inline uint32_t str_mask(const struct x86_insn *in)
{
	return in->adsize == 2 ? 0xFFFFu : 0xFFFFFFFFu;
}

static inline void str_set(struct cpu *cpu, unsigned r, uint32_t mask, uint32_t v)
{
	cpu->regs[r] = (cpu->regs[r] & ~mask) | (v & mask);
}

/* Step of the index registers: +size, or -size when DF is set. */
static inline uint32_t str_delta(const struct cpu *cpu, unsigned size)
{
	return (cpu->eflags & FLAG_DF) ? 0u - size : size;
}

/* Bookkeeping of a repeated string instruction. */
struct str_rep {
	uint32_t mask;
	uint32_t count;
	unsigned done;
};

static inline void rep_begin(struct cpu *cpu, const struct x86_insn *in, struct str_rep *r)
{
	r->mask = str_mask(in);
	r->count = cpu->regs[REG_ECX] & r->mask;
	r->done = 0;
}

/* Before an element: false when the repetition is over (count zero), or
 * when this call has done its batch, in which case the instruction is set
 * to restart. */
static inline bool rep_more(struct cpu *cpu, struct str_rep *r)
{
	if (r->count == 0)
		return false;
	if (r->done == STRING_BATCH) {
		cpu->next_eip = cpu->eip;
		return false;
	}
	return true;
}

/* After an element: decrements and commits the count. */
static inline void rep_step(struct cpu *cpu, struct str_rep *r)
{
	r->count = (r->count - 1) & r->mask;
	str_set(cpu, REG_ECX, r->mask, r->count);
	r->done++;
}

/* For REPE/REPNE: true when the flags just computed end the repetition. */
static inline bool rep_cond_ends(const struct x86_insn *in, uint32_t flags)
{
	bool zf = flags & FLAG_ZF;
	return in->rep == REP_E ? !zf : zf;
}

/* --- runs of elements straight in host memory ------------------------------------ */

/* REP MOVS and REP STOS going forward move many elements per call; while
 * every byte of the next run lies in one page the CPU may reach directly
 * (RAM; for writes, not a page holding code) and inside a plain segment's
 * limit, the run is done on host memory in one go: no element of it can
 * fault or reach a device, so the result is that of doing them one by
 * one, registers included. Anything else (DF set, a run crossing a page or
 * the limit, MMIO, code pages, alignment checks or data breakpoints,
 * which make the segments slow) takes the element-by-element path. */

/* The host address of `bytes` bytes at seg:off when all of them can be
 * accessed directly, else NULL. Raises nothing. */
static inline __attribute__((always_inline)) uint8_t *
str_run_host(struct cpu *cpu, int seg, uint32_t off, uint32_t bytes, uint32_t mask, bool write)
{
	const struct seg_cache *s = &cpu->seg[seg];
	uint16_t a = s->attr;
	if ((a & (SEG_ATTR_P | SEG_ATTR_CODE | SEG_ATTR_EXPDOWN | SEG_ATTR_SLOW)) != SEG_ATTR_P ||
	    (write && !(a & SEG_ATTR_RW)))
		return NULL;
	uint64_t last = (uint64_t)off + bytes - 1;
	if (last > s->limit || last > mask)
		return NULL;
	return cpu_lin_host(cpu, s->base + off, bytes, write);
}

/* How many elements of `size` bytes from linear `lin` up stay in its page. */
static inline uint32_t str_page_room(uint32_t lin, unsigned size)
{
	return (PHYS_PAGE_SIZE - (lin & (PHYS_PAGE_SIZE - 1))) / size;
}

/* The length of the next run: what is left of the count and of this
 * call's batch, within the page(s). */
static inline uint32_t str_run_len(const struct str_rep *r, uint32_t room)
{
	uint32_t n = r->count;
	if (n > STRING_BATCH - r->done)
		n = STRING_BATCH - r->done;
	return n < room ? n : room;
}

/* Commits a run of n elements: the index registers advance and the count
 * drops as n single elements would leave them. */
static inline void str_run_commit(struct cpu *cpu, struct str_rep *r, int index_reg, uint32_t idx,
				  uint32_t bytes, uint32_t n)
{
	str_set(cpu, index_reg, r->mask, idx + bytes);
	r->count -= n;
	str_set(cpu, REG_ECX, r->mask, r->count);
	r->done += n;
}

/* Forward REP MOVS: returns the elements done, 0 for the slow path. The
 * copy goes element by element in order, as the CPU does, so overlapping
 * buffers replicate the way they do on hardware. */
static inline __attribute__((always_inline)) uint32_t movs_run(struct cpu *cpu,
							       const struct x86_insn *in,
							       unsigned size, struct str_rep *r)
{
	uint32_t si = cpu->regs[REG_ESI] & r->mask, di = cpu->regs[REG_EDI] & r->mask;
	uint32_t rs = str_page_room(cpu->seg[in->seg].base + si, size);
	uint32_t rd = str_page_room(cpu->seg[SEG_ES].base + di, size);
	uint32_t n = str_run_len(r, rs < rd ? rs : rd);
	if (n < 2)
		return 0;
	uint32_t bytes = n * size;
	const uint8_t *src = str_run_host(cpu, in->seg, si, bytes, r->mask, false);
	uint8_t *dst = src ? str_run_host(cpu, SEG_ES, di, bytes, r->mask, true) : NULL;
	if (!dst)
		return 0;
	for (uint32_t i = 0; i < bytes; i += size)
		host_store(dst + i, size, host_load(src + i, size));
	str_set(cpu, REG_ESI, r->mask, si + bytes);
	str_run_commit(cpu, r, REG_EDI, di, bytes, n);
	return n;
}

/* Forward REP STOS: returns the elements done, 0 for the slow path. */
static inline __attribute__((always_inline)) uint32_t stos_run(struct cpu *cpu, unsigned size,
							       struct str_rep *r, uint32_t v)
{
	uint32_t di = cpu->regs[REG_EDI] & r->mask;
	uint32_t n = str_run_len(r, str_page_room(cpu->seg[SEG_ES].base + di, size));
	if (n < 2)
		return 0;
	uint32_t bytes = n * size;
	uint8_t *dst = str_run_host(cpu, SEG_ES, di, bytes, r->mask, true);
	if (!dst)
		return 0;
	if (size == 1)
		memset(dst, (int)(v & 0xFF), bytes);
	else
		for (uint32_t i = 0; i < bytes; i += size)
			host_store(dst + i, size, v);
	str_run_commit(cpu, r, REG_EDI, di, bytes, n);
	return n;
}

/* --- one element of each instruction ------------------------------------------ */

static inline __attribute__((always_inline)) void movs_one(struct cpu *cpu, const struct x86_insn *in, unsigned size,
			    uint32_t mask, uint32_t delta)
{
	uint32_t si = cpu->regs[REG_ESI] & mask;
	uint32_t di = cpu->regs[REG_EDI] & mask;
	uint32_t v = cpu_read(cpu, in->seg, si, size);
	cpu_write(cpu, SEG_ES, di, size, v);
	str_set(cpu, REG_ESI, mask, si + delta);
	str_set(cpu, REG_EDI, mask, di + delta);
}

static inline __attribute__((always_inline)) void stos_one(struct cpu *cpu, unsigned size, uint32_t mask, uint32_t delta,
			    uint32_t v)
{
	uint32_t di = cpu->regs[REG_EDI] & mask;
	cpu_write(cpu, SEG_ES, di, size, v);
	str_set(cpu, REG_EDI, mask, di + delta);
}

static inline __attribute__((always_inline)) void lods_one(struct cpu *cpu, const struct x86_insn *in, unsigned size,
			    uint32_t mask, uint32_t delta)
{
	uint32_t si = cpu->regs[REG_ESI] & mask;
	uint32_t v = cpu_read(cpu, in->seg, si, size);
	cpu_set_reg(cpu, REG_EAX, size, v);
	str_set(cpu, REG_ESI, mask, si + delta);
}

/* CMPS computes [seg:SI] - ES:[DI]; returns the arithmetic flags, already
 * stored in EFLAGS. */
static inline __attribute__((always_inline)) uint32_t cmps_one(struct cpu *cpu, const struct x86_insn *in, unsigned size,
				uint32_t mask, uint32_t delta)
{
	uint32_t si = cpu->regs[REG_ESI] & mask;
	uint32_t di = cpu->regs[REG_EDI] & mask;
	uint32_t a = cpu_read(cpu, in->seg, si, size);
	uint32_t b = cpu_read(cpu, SEG_ES, di, size);
	uint32_t f = flags_sub(size, a, b, 0);
	flags_set_arith(cpu, f);
	str_set(cpu, REG_ESI, mask, si + delta);
	str_set(cpu, REG_EDI, mask, di + delta);
	return f;
}

/* SCAS computes accumulator - ES:[DI]. */
static inline __attribute__((always_inline)) uint32_t scas_one(struct cpu *cpu, unsigned size, uint32_t mask, uint32_t delta)
{
	uint32_t di = cpu->regs[REG_EDI] & mask;
	uint32_t b = cpu_read(cpu, SEG_ES, di, size);
	uint32_t f = flags_sub(size, cpu_get_reg(cpu, REG_EAX, size), b, 0);
	flags_set_arith(cpu, f);
	str_set(cpu, REG_EDI, mask, di + delta);
	return f;
}

/* --- the instructions, repeated or not -------------------------------------------- */

/* Each is inlined into its handlers, the v-sized ones once per operand size
 * (BY_OPSIZE), so that every access has a constant size. */

static inline __attribute__((always_inline)) void string_movs(struct cpu *cpu,
								const struct x86_insn *in,
								unsigned size)
{
	uint32_t delta = str_delta(cpu, size);
	if (in->rep == REP_NONE) {
		movs_one(cpu, in, size, str_mask(in), delta);
		return;
	}
	struct str_rep r;
	rep_begin(cpu, in, &r);
	bool forward = !(cpu->eflags & FLAG_DF);
	while (rep_more(cpu, &r)) {
		if (forward && movs_run(cpu, in, size, &r))
			continue;
		movs_one(cpu, in, size, r.mask, delta);
		rep_step(cpu, &r);
	}
}

static inline __attribute__((always_inline)) void string_stos(struct cpu *cpu,
								const struct x86_insn *in,
								unsigned size)
{
	uint32_t delta = str_delta(cpu, size);
	uint32_t v = cpu_get_reg(cpu, REG_EAX, size);
	if (in->rep == REP_NONE) {
		stos_one(cpu, size, str_mask(in), delta, v);
		return;
	}
	struct str_rep r;
	rep_begin(cpu, in, &r);
	bool forward = !(cpu->eflags & FLAG_DF);
	while (rep_more(cpu, &r)) {
		if (forward && stos_run(cpu, size, &r, v))
			continue;
		stos_one(cpu, size, r.mask, delta, v);
		rep_step(cpu, &r);
	}
}

static inline __attribute__((always_inline)) void string_lods(struct cpu *cpu,
								const struct x86_insn *in,
								unsigned size)
{
	uint32_t delta = str_delta(cpu, size);
	if (in->rep == REP_NONE) {
		lods_one(cpu, in, size, str_mask(in), delta);
		return;
	}
	struct str_rep r;
	rep_begin(cpu, in, &r);
	while (rep_more(cpu, &r)) {
		lods_one(cpu, in, size, r.mask, delta);
		rep_step(cpu, &r);
	}
}

static inline __attribute__((always_inline)) void string_cmps(struct cpu *cpu,
								const struct x86_insn *in,
								unsigned size)
{
	uint32_t delta = str_delta(cpu, size);
	if (in->rep == REP_NONE) {
		cmps_one(cpu, in, size, str_mask(in), delta);
		return;
	}
	struct str_rep r;
	rep_begin(cpu, in, &r);
	while (rep_more(cpu, &r)) {
		uint32_t f = cmps_one(cpu, in, size, r.mask, delta);
		rep_step(cpu, &r);
		if (rep_cond_ends(in, f))
			break;
	}
}

static inline __attribute__((always_inline)) void string_scas(struct cpu *cpu,
								const struct x86_insn *in,
								unsigned size)
{
	uint32_t delta = str_delta(cpu, size);
	if (in->rep == REP_NONE) {
		scas_one(cpu, size, str_mask(in), delta);
		return;
	}
	struct str_rep r;
	rep_begin(cpu, in, &r);
	while (rep_more(cpu, &r)) {
		uint32_t f = scas_one(cpu, size, r.mask, delta);
		rep_step(cpu, &r);
		if (rep_cond_ends(in, f))
			break;
	}
}

HANDLER(op_movs_b)
{
	string_movs(cpu, in, 1);
}

HANDLER(op_movs_v)
{
	BY_OPSIZE(in, string_movs(cpu, in, SIZE));
}

HANDLER(op_cmps_b)
{
	string_cmps(cpu, in, 1);
}

HANDLER(op_cmps_v)
{
	BY_OPSIZE(in, string_cmps(cpu, in, SIZE));
}

HANDLER(op_stos_b)
{
	string_stos(cpu, in, 1);
}

HANDLER(op_stos_v)
{
	BY_OPSIZE(in, string_stos(cpu, in, SIZE));
}

HANDLER(op_lods_b)
{
	string_lods(cpu, in, 1);
}

HANDLER(op_lods_v)
{
	BY_OPSIZE(in, string_lods(cpu, in, SIZE));
}

HANDLER(op_scas_b)
{
	string_scas(cpu, in, 1);
}

HANDLER(op_scas_v)
{
	BY_OPSIZE(in, string_scas(cpu, in, SIZE));
}
