/* debug.c: breakpoints, debug traps and alignment checking (see debug.h for
 * how they stay off the common paths).
 *
 * Instruction breakpoints are faults: they are checked before the
 * instruction at CS:EIP runs, by exact linear address, unless EFLAGS.RF is
 * set; RF is cleared at the start of every instruction once that check is
 * done, as the SDM describes it. Data breakpoints and the single-step and
 * task-switch conditions are traps: they collect DR6 bits in cpu->dbg_trap
 * and one #DB is delivered before the next instruction. I/O breakpoints
 * (with CR4.DE) are traps too, matched on the port number by the port
 * access routines.
 */
#include "cpu/debug.h"

#include "cpu/seg.h"

/* The R/W and LEN fields of breakpoint n in DR7. */
static unsigned dr7_rw(uint32_t dr7, unsigned n)
{
	return (dr7 >> (16 + 4 * n)) & 3u;
}

/* LEN encodes 1, 2, 8 (undefined on a P6: treated as 1) and 4 bytes. */
static uint32_t dr7_len(uint32_t dr7, unsigned n)
{
	static const uint32_t bytes[4] = { 1, 2, 1, 4 };
	return bytes[(dr7 >> (18 + 4 * n)) & 3u];
}

void cpu_debug_update(struct cpu *cpu)
{
	uint32_t dr7 = cpu->dr[7];
	uint8_t code = 0, data = 0;
	for (unsigned n = 0; n < 4; n++) {
		if (!((dr7 >> (2 * n)) & 3u))
			continue; /* neither Ln nor Gn */
		unsigned rw = dr7_rw(dr7, n);
		if (rw == DR7_RW_EXEC)
			code |= (uint8_t)(1u << n);
		else if (rw == DR7_RW_WRITE || rw == DR7_RW_ACCESS)
			data |= (uint8_t)(1u << n);
	}
	cpu->dbg_code = code;
	cpu->dbg_data = data;
	cpu->debug = (uint8_t)((cpu->debug & ~DEBUG_CODE_BP) | (code ? DEBUG_CODE_BP : 0));
	cpu_update_slow_segs(cpu);
}

/* DR6 after a #DB with these status bits: breakpoint hits replace B0-B3,
 * the other bits accumulate (software clears DR6). */
static void dr6_report(struct cpu *cpu, uint32_t bits)
{
	uint32_t dr6 = cpu->dr[6];
	if (bits & DR6_B_MASK)
		dr6 &= ~(uint32_t)DR6_B_MASK;
	cpu->dr[6] = dr6 | bits;
}

bool cpu_debug_deliver_trap(struct cpu *cpu)
{
	uint32_t bits = cpu->dbg_trap;
	cpu->dbg_trap = 0;
	cpu->debug &= (uint8_t)~DEBUG_TRAP;
	if (!bits)
		return false;
	dr6_report(cpu, bits);
	cpu->exceptions[EXC_DB]++;
	cpu->halted = false;
	cpu_deliver(cpu, EXC_DB, cpu->eip, false, 0, false);
	return true;
}

void cpu_debug_single_step(struct cpu *cpu)
{
	uint32_t bits = cpu->dbg_trap | DR6_BS;
	cpu->dbg_trap = 0;
	cpu->debug &= (uint8_t)~DEBUG_TRAP;
	dr6_report(cpu, bits);
	cpu->exceptions[EXC_DB]++;
	cpu_deliver(cpu, EXC_DB, cpu->eip, false, 0, false);
}

void cpu_debug_before_insn(struct cpu *cpu)
{
	if (cpu->eflags & FLAG_RF) {
		cpu->eflags &= ~(uint32_t)FLAG_RF;
		cpu->debug &= (uint8_t)~DEBUG_RF;
		return;
	}
	cpu->debug &= (uint8_t)~DEBUG_RF;
	if (!cpu->dbg_code)
		return;
	uint32_t lin = cpu->seg[SEG_CS].base + cpu->eip;
	uint32_t hits = 0;
	for (unsigned n = 0; n < 4; n++)
		if ((cpu->dbg_code >> n) & 1u && cpu->dr[n] == lin)
			hits |= 1u << n;
	if (hits) {
		dr6_report(cpu, hits);
		cpu_raise(cpu, EXC_DB);
	}
}

/* Whether breakpoint n's range (DRn aligned down to its LEN) overlaps the
 * addresses first..last. */
static bool bp_overlaps(const struct cpu *cpu, unsigned n, uint64_t first, uint64_t last)
{
	uint32_t len = dr7_len(cpu->dr[7], n);
	uint64_t lo = cpu->dr[n] & ~(len - 1), hi = lo + len - 1;
	return first <= hi && lo <= last;
}

void cpu_debug_io(struct cpu *cpu, uint16_t port, unsigned size)
{
	uint32_t dr7 = cpu->dr[7];
	uint32_t hits = 0;
	for (unsigned n = 0; n < 4; n++)
		if (((dr7 >> (2 * n)) & 3u) && dr7_rw(dr7, n) == DR7_RW_IO &&
		    bp_overlaps(cpu, n, port, (uint64_t)port + size - 1))
			hits |= 1u << n;
	if (hits)
		cpu_debug_post_trap(cpu, hits);
}

/* The alignment a piece of an operand must have under #AC: words 2,
 * dwords 4. Pieces are 1, 2 or 4 bytes; any other size is a whole-area
 * probe (cpu_probe_write of an FSAVE image, an m80...), whose alignment
 * rule belongs to the instruction: it calls cpu_check_align() itself. */
static uint32_t align_of(unsigned size)
{
	return size == 4 ? 4 : size == 2 ? 2 : 1;
}

void cpu_seg_watch(struct cpu *cpu, uint32_t lin, unsigned size, bool write)
{
	if (cpu->align_check && (lin & (align_of(size) - 1)))
		cpu_raise_err(cpu, EXC_AC, 0);
	if (!cpu->dbg_data)
		return;
	uint32_t dr7 = cpu->dr[7];
	uint64_t first = lin, last = (uint64_t)lin + size - 1;
	uint32_t hits = 0;
	for (unsigned n = 0; n < 4; n++) {
		if (!((cpu->dbg_data >> n) & 1u))
			continue;
		if (dr7_rw(dr7, n) == DR7_RW_WRITE && !write)
			continue;
		if (bp_overlaps(cpu, n, first, last))
			hits |= 1u << n;
	}
	if (hits)
		cpu_debug_post_trap(cpu, hits);
}
