/* priv_io.c: IN, OUT, INS and OUTS, and the I/O permission check.
 *
 * Every port access goes through cpu_check_io() and then the io_bus, so the
 * interpreter and translated code reach devices by the same road. Access is
 * free in real mode and at CPL <= IOPL; otherwise (and always in V86 mode)
 * the TSS I/O permission bitmap decides, port by port. An access that is
 * allowed is then matched against the I/O breakpoints (DR7 R/W = 10b with
 * CR4.DE), in every mode; a hit is a #DB trap after the instruction.
 */
#include "cpu/access.h"
#include "cpu/debug.h"
#include "cpu/seg.h"
#include "vmm/io_bus.h"
#include "vmm/priv.h"

/* Iterations of REP INS/OUTS per call; the instruction restarts after that
 * so pending interrupts and device events are not starved. */
#define IO_REP_CHUNK 4096

/* True when the TSS bitmap lets the access through: every bit for
 * port..port+size-1 must be clear. The CPU always reads the bitmap as a
 * 16-bit word, so both bytes must be inside the TSS limit; a 16-bit TSS has
 * no bitmap at all. */
static bool io_bitmap_allows(struct cpu *cpu, uint16_t port, unsigned size)
{
	unsigned type = attr_type(cpu->tr.attr);
	if (!attr_is_system(cpu->tr.attr) ||
	    (type != DESC_TSS32_AVAIL && type != DESC_TSS32_BUSY) || cpu->tr.limit < 0x67)
		return false;
	uint32_t map = cpu_read_lin(cpu, cpu->tr.base + 0x66, 2);
	uint32_t off = map + port / 8u;
	if (off + 1 > cpu->tr.limit)
		return false;
	uint32_t bits = cpu_read_lin(cpu, cpu->tr.base + off, 2);
	uint32_t want = ((1u << size) - 1) << (port & 7u);
	return (bits & want) == 0;
}

void cpu_check_io(struct cpu *cpu, uint16_t port, unsigned size)
{
	bool by_bitmap = !cpu_real_mode(cpu) &&
			 (cpu_v86_mode(cpu) || cpu->cpl > ((cpu->eflags & FLAG_IOPL) >> 12));
	if (by_bitmap && !io_bitmap_allows(cpu, port, size))
		cpu_raise_err(cpu, EXC_GP, 0);
	if (cpu_debug_io_armed(cpu))
		cpu_debug_io(cpu, port, size);
}

/* --- IN / OUT -------------------------------------------------------------- */

static void port_in(struct cpu *cpu, uint16_t port, unsigned size)
{
	cpu->vmm_calls[VMM_STAT_IN]++;
	cpu_check_io(cpu, port, size);
	cpu_sync_clock(cpu);
	cpu_set_reg(cpu, REG_EAX, size, io_read(cpu->io, port, size));
	cpu_after_device_access(cpu);
}

static void port_out(struct cpu *cpu, uint16_t port, unsigned size)
{
	cpu->vmm_calls[VMM_STAT_OUT]++;
	cpu_check_io(cpu, port, size);
	cpu_sync_clock(cpu);
	io_write(cpu->io, port, cpu_get_reg(cpu, REG_EAX, size), size);
	cpu_after_device_access(cpu);
}

VMM_ROUTINE(vmm_in_AL_Ib)
{
	port_in(cpu, (uint16_t)(in->imm & 0xFFu), 1);
}

VMM_ROUTINE(vmm_in_eAX_Ib)
{
	port_in(cpu, (uint16_t)(in->imm & 0xFFu), in->opsize);
}

VMM_ROUTINE(vmm_out_Ib_AL)
{
	port_out(cpu, (uint16_t)(in->imm & 0xFFu), 1);
}

VMM_ROUTINE(vmm_out_Ib_eAX)
{
	port_out(cpu, (uint16_t)(in->imm & 0xFFu), in->opsize);
}

VMM_ROUTINE(vmm_in_AL_DX)
{
	port_in(cpu, cpu_get_r16(cpu, REG_EDX), 1);
}

VMM_ROUTINE(vmm_in_eAX_DX)
{
	port_in(cpu, cpu_get_r16(cpu, REG_EDX), in->opsize);
}

VMM_ROUTINE(vmm_out_DX_AL)
{
	port_out(cpu, cpu_get_r16(cpu, REG_EDX), 1);
}

VMM_ROUTINE(vmm_out_DX_eAX)
{
	port_out(cpu, cpu_get_r16(cpu, REG_EDX), in->opsize);
}

/* --- INS / OUTS ------------------------------------------------------------ */

/* One string I/O instruction, REP or not. Index and count registers are
 * committed after every element, so a fault mid-way leaves the exact
 * state to restart from. F2 acts as REP here, as on hardware. */
static void string_io(struct cpu *cpu, const struct x86_insn *in, unsigned size, bool is_in)
{
	uint16_t port = cpu_get_r16(cpu, REG_EDX);
	unsigned as = in->adsize;
	unsigned idx = is_in ? REG_EDI : REG_ESI;
	bool rep = in->rep != REP_NONE;
	int32_t step = (cpu->eflags & FLAG_DF) ? -(int32_t)size : (int32_t)size;

	if (rep && cpu_get_reg(cpu, REG_ECX, as) == 0)
		return;
	cpu_check_io(cpu, port, size);
	cpu_sync_clock(cpu);

	for (unsigned n = 0; n < IO_REP_CHUNK; n++) {
		uint32_t off = cpu_get_reg(cpu, idx, as);
		if (is_in) {
			/* Fault on the destination before the port read, so a
			 * restarted INS does not consume device data twice. */
			cpu_probe_write(cpu, SEG_ES, off, size);
			cpu_write(cpu, SEG_ES, off, size, io_read(cpu->io, port, size));
		} else {
			io_write(cpu->io, port, cpu_read(cpu, in->seg, off, size), size);
		}
		cpu_after_device_access(cpu);
		cpu_set_reg(cpu, idx, as, off + (uint32_t)step);
		if (!rep)
			return;
		uint32_t count = cpu_get_reg(cpu, REG_ECX, as) - 1;
		cpu_set_reg(cpu, REG_ECX, as, count);
		if (count == 0)
			return;
		/* A device that asked the machine to stop gets its answer
		 * before the rest of the transfer; an I/O or data breakpoint
		 * hit traps after the iteration that hit it, with EIP at the
		 * instruction so that the rest follows the handler. */
		if (cpu->stop != CPU_RUNNING || (cpu->debug & DEBUG_TRAP))
			break;
	}
	cpu->next_eip = cpu->eip;
}

VMM_ROUTINE(vmm_ins_b)
{
	cpu->vmm_calls[VMM_STAT_INS]++;
	string_io(cpu, in, 1, true);
}

VMM_ROUTINE(vmm_ins_v)
{
	cpu->vmm_calls[VMM_STAT_INS]++;
	string_io(cpu, in, in->opsize, true);
}

VMM_ROUTINE(vmm_outs_b)
{
	cpu->vmm_calls[VMM_STAT_OUTS]++;
	string_io(cpu, in, 1, false);
}

VMM_ROUTINE(vmm_outs_v)
{
	cpu->vmm_calls[VMM_STAT_OUTS]++;
	string_io(cpu, in, in->opsize, false);
}
