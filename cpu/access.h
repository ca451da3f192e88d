/* access.h: how instruction handlers read and write guest memory, operands
 * and the stack.
 *
 * Every access goes segment -> linear -> physical: the segment limit is
 * checked (a violation raises #GP(0), or #SS(0) for SS), the linear address
 * is translated (A20 mask; with paging, the software TLB of cpu/mmu.h), and
 * the physical address is resolved through the phys_mem page table. The
 * inline fast path covers a plain segment and a RAM page with the whole
 * access inside it; anything else (expand-down, page crossing, MMIO,
 * unmapped, a TLB miss) takes the slow path in cpu/access.c.
 *
 * Paging checks each access as a user or a supervisor access. Operand and
 * stack accesses (cpu_read, cpu_write, rm_*, cpu_push...) take the CPL: user
 * at CPL 3. The plain linear accesses cpu_read_lin/cpu_write_lin are
 * supervisor accesses whatever the CPL: they are for the implicit accesses
 * to system structures (GDT, LDT, IDT, TSS, the inner stack of a privilege
 * change), which the SDM makes supervisor-mode accesses even from ring 3.
 * cpu_read_lin_as/cpu_write_lin_as take the privilege explicitly.
 */
#ifndef POPEK_CPU_ACCESS_H
#define POPEK_CPU_ACCESS_H

#include <string.h>

#include "cpu/cpu.h"
#include "cpu/insn.h"
#include "vmm/phys_mem.h"

/* Which privilege paging checks an access with: supervisor, user, or the
 * CPL's (user at CPL 3). CPU_PRIV_CPL is resolved only on the paging path,
 * so the accesses without paging never look at the CPL. */
enum cpu_priv { CPU_PRIV_SUPERVISOR, CPU_PRIV_USER, CPU_PRIV_CPL };

/* Slow paths (cpu/access.c). */
uint32_t cpu_seg_check_slow(struct cpu *cpu, int seg, uint32_t off, unsigned size, bool write);
uint32_t cpu_read_lin_slow(struct cpu *cpu, uint32_t lin, unsigned size, enum cpu_priv priv);
void cpu_write_lin_slow(struct cpu *cpu, uint32_t lin, uint32_t v, unsigned size,
			enum cpu_priv priv);

/* Segment check + linear address. Real-mode and flat segments with a plain
 * (expand-up) limit are checked inline. */
static inline __attribute__((always_inline)) uint32_t cpu_linear(struct cpu *cpu, int seg, uint32_t off, unsigned size, bool write)
{
	const struct seg_cache *s = &cpu->seg[seg];
	/* Fast: a present, expand-up data segment (writable for a write),
	 * access inside the limit. Code segments, expand-down ones,
	 * violations and SEG_ATTR_SLOW (alignment checking or a data
	 * breakpoint live) go to the slow path, which decides and raises. */
	uint16_t a = s->attr;
	bool plain = (a & (SEG_ATTR_P | SEG_ATTR_CODE | SEG_ATTR_EXPDOWN | SEG_ATTR_SLOW)) ==
			     SEG_ATTR_P &&
		     (!write || (a & SEG_ATTR_RW));
	if (!plain || (uint64_t)off + size - 1 > s->limit)
		return cpu_seg_check_slow(cpu, seg, off, size, write);
	return s->base + off;
}

/* Whether an operand access at the current privilege is a user access. */
static inline bool cpu_user_access(const struct cpu *cpu)
{
	return cpu->cpl == 3;
}

/* The MMU_ACC_USER bit of an access with privilege `priv`. */
static inline __attribute__((always_inline)) unsigned cpu_priv_acc(const struct cpu *cpu,
								   enum cpu_priv priv)
{
	if (priv == CPU_PRIV_CPL)
		return cpu_user_access(cpu) ? MMU_ACC_USER : 0;
	return priv == CPU_PRIV_USER ? MMU_ACC_USER : 0;
}

/* With paging on: the TLB entry that may hold the translation of `lin`. */
static inline struct mmu_tlb_entry *mmu_tlb_slot(struct cpu *cpu, uint32_t lin)
{
	return &cpu->tlb.e[(lin >> PHYS_PAGE_SHIFT) & (MMU_TLB_ENTRIES - 1)];
}

/* With paging on: the host pointer for an access of kind `acc` (MMU_ACC_*)
 * at `lin` that the TLB allows to go straight to host memory, else NULL. */
static inline __attribute__((always_inline)) uint8_t *mmu_tlb_host(struct cpu *cpu, uint32_t lin,
								   unsigned acc)
{
	const struct mmu_tlb_entry *e = mmu_tlb_slot(cpu, lin);
	if (e->tag[acc] != (lin | (PHYS_PAGE_SIZE - 1)))
		return NULL;
	return (uint8_t *)(e->addend + lin);
}

/* With paging on: the physical address of an instruction fetch at `lin`
 * when it lies on the code page last translated for a fetch at this CPL
 * (mmu_translate_fetch), else false. */
static inline __attribute__((always_inline)) bool mmu_fetch_cached(const struct cpu *cpu,
								   uint32_t lin, uint32_t *phys)
{
	if (((lin | (PHYS_PAGE_SIZE - 1)) ^ cpu->cpl) != cpu->tlb.fetch_tag)
		return false;
	*phys = cpu->tlb.fetch_phys | (lin & (PHYS_PAGE_SIZE - 1));
	return true;
}

/* Linear address -> host pointer for a whole access inside one directly
 * mapped page, or NULL for the slow path. */
static inline __attribute__((always_inline)) uint8_t *cpu_lin_host_as(struct cpu *cpu, uint32_t lin,
								      unsigned size, bool write,
								      enum cpu_priv priv)
{
	if ((lin & (PHYS_PAGE_SIZE - 1)) > PHYS_PAGE_SIZE - size)
		return NULL;
	if (cpu->cr[0] & CR0_PG)
		return mmu_tlb_host(cpu, lin, (write ? MMU_ACC_WRITE : 0) | cpu_priv_acc(cpu, priv));
	uint32_t phys = lin & cpu->mem->a20_mask;
	return write ? phys_host_ptr_w(cpu->mem, phys) : phys_host_ptr(cpu->mem, phys);
}

/* The same for an operand access at the current privilege. */
static inline __attribute__((always_inline)) uint8_t *cpu_lin_host(struct cpu *cpu, uint32_t lin, unsigned size, bool write)
{
	return cpu_lin_host_as(cpu, lin, size, write, CPU_PRIV_CPL);
}

/* Linear accesses with an explicit privilege: size is 1, 2 or 4. */
static inline __attribute__((always_inline)) uint32_t cpu_read_lin_as(struct cpu *cpu, uint32_t lin,
								      unsigned size,
								      enum cpu_priv priv)
{
	uint8_t *p;
	if ((lin & (PHYS_PAGE_SIZE - 1)) > PHYS_PAGE_SIZE - size)
		goto slow;
	/* Each path tests its own pointer, which keeps the one without
	 * paging as short as it was before paging existed. */
	if (cpu->cr[0] & CR0_PG) {
		p = mmu_tlb_host(cpu, lin, cpu_priv_acc(cpu, priv));
		if (!p)
			goto slow;
	} else {
		p = phys_host_ptr(cpu->mem, lin & cpu->mem->a20_mask);
		if (!p)
			goto slow;
	}
	if (size == 1)
		return *p;
	if (size == 2) {
		uint16_t v;
		memcpy(&v, p, 2);
		return v;
	}
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
slow:
	return cpu_read_lin_slow(cpu, lin, size, priv);
}

static inline __attribute__((always_inline)) void cpu_write_lin_as(struct cpu *cpu, uint32_t lin,
								  uint32_t v, unsigned size,
								  enum cpu_priv priv)
{
	uint8_t *p;
	if ((lin & (PHYS_PAGE_SIZE - 1)) > PHYS_PAGE_SIZE - size)
		goto slow;
	if (cpu->cr[0] & CR0_PG) {
		p = mmu_tlb_host(cpu, lin, MMU_ACC_WRITE | cpu_priv_acc(cpu, priv));
		if (!p)
			goto slow;
	} else {
		p = phys_host_ptr_w(cpu->mem, lin & cpu->mem->a20_mask);
		if (!p)
			goto slow;
	}
	if (size == 1)
		*p = (uint8_t)v;
	else if (size == 2) {
		uint16_t w = (uint16_t)v;
		memcpy(p, &w, 2);
	} else
		memcpy(p, &v, 4);
	return;
slow:
	cpu_write_lin_slow(cpu, lin, v, size, priv);
}

/* Implicit supervisor accesses to system structures (see the top). */
static inline __attribute__((always_inline)) uint32_t cpu_read_lin(struct cpu *cpu, uint32_t lin, unsigned size)
{
	return cpu_read_lin_as(cpu, lin, size, CPU_PRIV_SUPERVISOR);
}

static inline __attribute__((always_inline)) void cpu_write_lin(struct cpu *cpu, uint32_t lin, uint32_t v, unsigned size)
{
	cpu_write_lin_as(cpu, lin, v, size, CPU_PRIV_SUPERVISOR);
}

/* Segmented accesses at the current privilege: size is 1, 2 or 4. */
static inline uint32_t cpu_read(struct cpu *cpu, int seg, uint32_t off, unsigned size)
{
	return cpu_read_lin_as(cpu, cpu_linear(cpu, seg, off, size, false), size, CPU_PRIV_CPL);
}

static inline void cpu_write(struct cpu *cpu, int seg, uint32_t off, unsigned size, uint32_t v)
{
	cpu_write_lin_as(cpu, cpu_linear(cpu, seg, off, size, true), v, size, CPU_PRIV_CPL);
}

static inline uint8_t cpu_read8(struct cpu *cpu, int seg, uint32_t off)
{
	return (uint8_t)cpu_read(cpu, seg, off, 1);
}
static inline uint16_t cpu_read16(struct cpu *cpu, int seg, uint32_t off)
{
	return (uint16_t)cpu_read(cpu, seg, off, 2);
}
static inline uint32_t cpu_read32(struct cpu *cpu, int seg, uint32_t off)
{
	return cpu_read(cpu, seg, off, 4);
}
static inline void cpu_write8(struct cpu *cpu, int seg, uint32_t off, uint8_t v)
{
	cpu_write(cpu, seg, off, 1, v);
}
static inline void cpu_write16(struct cpu *cpu, int seg, uint32_t off, uint16_t v)
{
	cpu_write(cpu, seg, off, 2, v);
}
static inline void cpu_write32(struct cpu *cpu, int seg, uint32_t off, uint32_t v)
{
	cpu_write(cpu, seg, off, 4, v);
}

/* Checks that a write of `size` bytes at seg:off would succeed (limit,
 * rights, paging) without writing: for instructions that must not commit
 * anything before knowing all their writes can complete. */
void cpu_probe_write(struct cpu *cpu, int seg, uint32_t off, unsigned size);

/* #AC(0) for an operand wider than the 1/2/4-byte pieces it is accessed
 * in (CMPXCHG8B and x87 m64/m80 need 8-byte alignment, FSAVE areas 4...)
 * when alignment checking is live; the pieces themselves are checked on
 * the slow path (cpu/debug.c). Call before the first piece. */
static inline void cpu_check_align(struct cpu *cpu, int seg, uint32_t off, uint32_t align)
{
	if (cpu->align_check && ((cpu->seg[seg].base + off) & (align - 1)))
		cpu_raise_err(cpu, EXC_AC, 0);
}

/* --- operands ------------------------------------------------------------- */

/* Runs `stmt` with SIZE bound to the instruction's operand size as a
 * compile-time constant (2 or 4), so that the inlined helpers it calls are
 * specialised for each size. Used by the hottest handlers only. */
#define BY_OPSIZE(in, stmt)                                                                  \
	do {                                                                                 \
		if ((in)->opsize == 4) {                                                     \
			enum { SIZE = 4 };                                                   \
			stmt;                                                                \
		} else {                                                                     \
			enum { SIZE = 2 };                                                   \
			stmt;                                                                \
		}                                                                            \
	} while (0)

/* Offset of the ModRM memory operand (wrapped to 16 bits for 16-bit
 * addressing). */
static inline uint32_t insn_ea(const struct cpu *cpu, const struct x86_insn *in)
{
	uint32_t a = (uint32_t)in->disp;
	if (in->ea_base != X86_NO_REG)
		a += cpu->regs[in->ea_base];
	if (in->ea_index != X86_NO_REG)
		a += cpu->regs[in->ea_index] << in->ea_scale;
	return in->adsize == 2 ? (a & 0xFFFFu) : a;
}

/* The E operand (ModRM r/m): a register or memory. */
static inline __attribute__((always_inline)) uint32_t rm_read(struct cpu *cpu, const struct x86_insn *in, unsigned size)
{
	if (in->mod == 3)
		return cpu_get_reg(cpu, in->rm, size);
	return cpu_read(cpu, in->seg, insn_ea(cpu, in), size);
}

static inline __attribute__((always_inline)) void rm_write(struct cpu *cpu, const struct x86_insn *in, unsigned size, uint32_t v)
{
	if (in->mod == 3)
		cpu_set_reg(cpu, in->rm, size, v);
	else
		cpu_write(cpu, in->seg, insn_ea(cpu, in), size, v);
}

/* For read-modify-write instructions on a memory operand: the host
 * address of the operand when the whole access can be done directly (its
 * segment checks passed for writing and it lies in one writable RAM page),
 * else NULL and the caller uses rm_read/rm_write. Checking for writing up
 * front is what the CPU does too: the read of an RMW instruction faults as
 * a write would. */
static inline __attribute__((always_inline)) uint8_t *rm_host_rmw(struct cpu *cpu,
								  const struct x86_insn *in,
								  unsigned size)
{
	uint32_t lin = cpu_linear(cpu, in->seg, insn_ea(cpu, in), size, true);
	return cpu_lin_host(cpu, lin, size, true);
}

static inline uint32_t host_load(const uint8_t *p, unsigned size)
{
	if (size == 1)
		return *p;
	if (size == 2) {
		uint16_t v;
		memcpy(&v, p, 2);
		return v;
	}
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static inline void host_store(uint8_t *p, unsigned size, uint32_t v)
{
	if (size == 1) {
		*p = (uint8_t)v;
	} else if (size == 2) {
		uint16_t w = (uint16_t)v;
		memcpy(p, &w, 2);
	} else {
		memcpy(p, &v, 4);
	}
}

/* The G operand (ModRM reg). */
static inline uint32_t reg_read(const struct cpu *cpu, const struct x86_insn *in, unsigned size)
{
	return cpu_get_reg(cpu, in->reg, size);
}

static inline void reg_write(struct cpu *cpu, const struct x86_insn *in, unsigned size, uint32_t v)
{
	cpu_set_reg(cpu, in->reg, size, v);
}

/* --- stack ---------------------------------------------------------------- */

static inline uint32_t cpu_get_sp(const struct cpu *cpu)
{
	return cpu->stack32 ? cpu->regs[REG_ESP] : (uint16_t)cpu->regs[REG_ESP];
}

/* Sets SP (16-bit stack: the upper half of ESP is kept) or ESP. */
static inline void cpu_set_sp(struct cpu *cpu, uint32_t v)
{
	if (cpu->stack32)
		cpu->regs[REG_ESP] = v;
	else
		cpu_set_r16(cpu, REG_ESP, (uint16_t)v);
}

/* sp + delta wrapped to the stack size. */
static inline uint32_t cpu_sp_add(const struct cpu *cpu, uint32_t sp, int32_t delta)
{
	uint32_t r = sp + (uint32_t)delta;
	return cpu->stack32 ? r : (r & 0xFFFFu);
}

static inline uint32_t cpu_stack_read(struct cpu *cpu, uint32_t sp, unsigned size)
{
	return cpu_read(cpu, SEG_SS, sp, size);
}

static inline void cpu_stack_write(struct cpu *cpu, uint32_t sp, unsigned size, uint32_t v)
{
	cpu_write(cpu, SEG_SS, sp, size, v);
}

/* PUSH: writes first, commits SP only when the write succeeded. */
static inline void cpu_push(struct cpu *cpu, unsigned size, uint32_t v)
{
	uint32_t sp = cpu_sp_add(cpu, cpu_get_sp(cpu), -(int32_t)size);
	cpu_stack_write(cpu, sp, size, v);
	cpu_set_sp(cpu, sp);
}

static inline uint32_t cpu_pop(struct cpu *cpu, unsigned size)
{
	uint32_t sp = cpu_get_sp(cpu);
	uint32_t v = cpu_stack_read(cpu, sp, size);
	cpu_set_sp(cpu, cpu_sp_add(cpu, sp, (int32_t)size));
	return v;
}

/* --- ports ---------------------------------------------------------------- */

/* Checks the I/O permission for a port access (IOPL, and in protected mode
 * the TSS bitmap); raises #GP(0) when denied. No-op in real mode. */
void cpu_check_io(struct cpu *cpu, uint16_t port, unsigned size);

#endif
