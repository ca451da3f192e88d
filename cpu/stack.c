/* stack.c: PUSH, POP, PUSHA, POPA, ENTER and LEAVE.
 *
 * The stack pointer is SP or ESP according to the stack segment's B bit
 * (cpu->stack32), independently of the operand size, which only sets how
 * many bytes move. Each handler reads and writes memory first and updates
 * (E)SP and the other registers last, so a fault (#SS, #PF) leaves every
 * register as it was before the instruction.
 */
#include "cpu/access.h"
#include "cpu/cpu.h"
#include "cpu/handlers.h"
#include "cpu/insn.h"

static inline unsigned opcode_reg(const struct x86_insn *in)
{
	return in->opcode & 7u;
}

/* 50-57. PUSH SP/ESP pushes the value it had before the push (286 and
 * later; the 8086 pushed the decremented value). */
HANDLER(op_push_Zv)
{
	cpu_push(cpu, in->opsize, cpu_get_reg(cpu, opcode_reg(in), in->opsize));
}

/* 58-5F. POP SP/ESP: the register receives the popped value, overriding
 * the increment. */
HANDLER(op_pop_Zv)
{
	uint32_t v = cpu_pop(cpu, in->opsize);
	cpu_set_reg(cpu, opcode_reg(in), in->opsize, v);
}

/* 68: Iz, already of the operand size. */
HANDLER(op_push_Iz)
{
	cpu_push(cpu, in->opsize, in->imm);
}

/* 6A: the decoder has sign-extended the byte to 32 bits. */
HANDLER(op_push_Ib)
{
	cpu_push(cpu, in->opsize, in->imm);
}

/* FF /6. The operand address uses (E)SP before the push. */
HANDLER(op_push_Ev)
{
	cpu_push(cpu, in->opsize, rm_read(cpu, in, in->opsize));
}

/* 8F /0. A memory destination is addressed with the (E)SP value *after*
 * the pop, so POP [ESP+4] stores where the operand lands after the
 * increment. ESP is only committed once the store has succeeded. */
HANDLER(op_pop_Ev)
{
	unsigned size = in->opsize;
	uint32_t sp = cpu_get_sp(cpu);
	uint32_t v = cpu_stack_read(cpu, sp, size);
	uint32_t new_sp = cpu_sp_add(cpu, sp, (int32_t)size);
	if (insn_rm_is_reg(in)) {
		cpu_set_sp(cpu, new_sp);
		cpu_set_reg(cpu, in->rm, size, v);
		return;
	}
	uint32_t old_esp = cpu->regs[REG_ESP];
	cpu_set_sp(cpu, new_sp);
	uint32_t ea = insn_ea(cpu, in);
	cpu->regs[REG_ESP] = old_esp;
	cpu_write(cpu, in->seg, ea, size, v);
	cpu_set_sp(cpu, new_sp);
}

/* 06 0E 16 1E, 0F A0, 0F A8 (aux = segment). With a 32-bit operand size a
 * P6 moves (E)SP by 4 but writes only the selector's 16 bits, leaving the
 * upper half of the stack slot as it was. */
HANDLER(op_push_seg)
{
	uint16_t sel = cpu->seg[in->op->aux].sel;
	uint32_t sp = cpu_sp_add(cpu, cpu_get_sp(cpu), -(int32_t)in->opsize);
	cpu_stack_write(cpu, sp, 2, sel);
	cpu_set_sp(cpu, sp);
}

/* 07 17 1F, 0F A1, 0F A9 (aux = segment). The segment load may fault in
 * protected mode, so it happens before (E)SP moves; the new stack pointer
 * is computed with the stack size in force before the load (POP SS may
 * change it). POP SS holds off interrupts for one instruction, like MOV
 * SS. */
HANDLER(op_pop_seg)
{
	unsigned seg = in->op->aux;
	if (seg == SEG_CS || seg >= SEG_COUNT)
		cpu_raise(cpu, EXC_UD);
	bool stack32 = cpu->stack32;
	uint32_t sp = cpu_get_sp(cpu);
	uint16_t sel = (uint16_t)cpu_stack_read(cpu, sp, in->opsize);
	uint32_t new_sp = cpu_sp_add(cpu, sp, (int32_t)in->opsize);
	cpu_load_seg(cpu, (int)seg, sel);
	if (stack32)
		cpu->regs[REG_ESP] = new_sp;
	else
		cpu_set_r16(cpu, REG_ESP, (uint16_t)new_sp);
	if (seg == SEG_SS)
		cpu->inhibit_intr = 1;
}

/* 60: pushes AX CX DX BX, the original SP, BP SI DI (or the 32-bit
 * registers). Each slot address wraps separately on a 16-bit stack. */
HANDLER(op_pusha)
{
	unsigned size = in->opsize;
	uint32_t vals[8];
	for (unsigned r = 0; r < 8; r++)
		vals[r] = cpu_get_reg(cpu, r, size);
	uint32_t sp = cpu_get_sp(cpu);
	for (unsigned r = 0; r < 8; r++) {
		sp = cpu_sp_add(cpu, sp, -(int32_t)size);
		cpu_stack_write(cpu, sp, size, vals[r]);
	}
	cpu_set_sp(cpu, sp);
}

/* 61: pops DI SI BP, skips the saved SP, then BX DX CX AX. All reads come
 * first so that a fault leaves every register untouched. */
HANDLER(op_popa)
{
	unsigned size = in->opsize;
	uint32_t vals[8];
	uint32_t sp = cpu_get_sp(cpu);
	for (unsigned i = 0; i < 8; i++) {
		if (i != 3) /* the slot of SP */
			vals[7 - i] = cpu_stack_read(cpu, sp, size);
		sp = cpu_sp_add(cpu, sp, (int32_t)size);
	}
	for (unsigned r = 0; r < 8; r++)
		if (r != REG_ESP)
			cpu_set_reg(cpu, r, size, vals[r]);
	cpu_set_sp(cpu, sp);
}

/* C8 ENTER Iw, Ib: push (E)BP, copy `level - 1` frame pointers from the
 * enclosing frame, push the new frame pointer, then reserve `imm` bytes.
 * The operand size sets the width of each slot and of the (E)BP write; the
 * stack size sets how SP and the (E)BP walk wrap. Registers are committed
 * only after every write has been made and the final stack top probed, so
 * a #SS or #PF leaves (E)SP and (E)BP unchanged. */
HANDLER(op_enter)
{
	unsigned size = in->opsize;
	unsigned level = in->imm2 & 31u;
	uint16_t alloc = (uint16_t)in->imm;
	uint32_t smask = cpu->stack32 ? 0xFFFFFFFFu : 0xFFFFu;

	uint32_t sp = cpu_sp_add(cpu, cpu_get_sp(cpu), -(int32_t)size);
	cpu_stack_write(cpu, sp, size, cpu_get_reg(cpu, REG_EBP, size));
	/* On a 16-bit stack the frame pointer keeps the upper half of ESP,
	 * which matters when EBP receives it with a 32-bit operand size. */
	uint32_t frame = (cpu->regs[REG_ESP] & ~smask) | sp;

	if (level > 0) {
		uint32_t bp = cpu->regs[REG_EBP] & smask;
		for (unsigned i = 1; i < level; i++) {
			bp = (bp - size) & smask;
			uint32_t v = cpu_stack_read(cpu, bp, size);
			sp = cpu_sp_add(cpu, sp, -(int32_t)size);
			cpu_stack_write(cpu, sp, size, v);
		}
		sp = cpu_sp_add(cpu, sp, -(int32_t)size);
		cpu_stack_write(cpu, sp, size, frame);
	}

	sp = cpu_sp_add(cpu, sp, -(int32_t)alloc);
	cpu_probe_write(cpu, SEG_SS, sp, size);

	cpu_set_reg(cpu, REG_EBP, size, frame);
	cpu_set_sp(cpu, sp);
}

/* C9 LEAVE: (E)SP = (E)BP at the stack size, then pop (E)BP. */
HANDLER(op_leave)
{
	uint32_t bp = cpu->stack32 ? cpu->regs[REG_EBP] : (uint16_t)cpu->regs[REG_EBP];
	uint32_t v = cpu_stack_read(cpu, bp, in->opsize);
	cpu_set_sp(cpu, cpu_sp_add(cpu, bp, (int32_t)in->opsize));
	cpu_set_reg(cpu, REG_EBP, in->opsize, v);
}
