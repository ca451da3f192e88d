/* muldiv.c: MUL, IMUL (one, two and three operand forms), DIV and IDIV.
 *
 * Flags after MUL/IMUL: CF and OF are defined (set when the high half of
 * the product is significant). SF, ZF, PF and AF are undefined by Intel and
 * not documented for the P6; here SF, ZF and PF come from the low half of
 * the product (the destination of the two/three operand forms, AL/AX/EAX
 * for the one operand forms) and AF is cleared, the model most references
 * use.
 *
 * DIV/IDIV: all six arithmetic flags are undefined; they are left unchanged.
 * A zero divisor or a quotient that does not fit the destination raises #DE
 * before any register changes. IDIV follows the 386 and later: a quotient
 * equal to the most negative value (-128, -32768, -2^31) is valid (the 8086
 * faulted on it).
 */
#include "cpu/access.h"
#include "cpu/flags.h"
#include "cpu/handlers.h"
#include "cpu/opcode.h"

/* Flags of a multiply whose low half is `low` (size bytes) and whose high
 * half is significant when `overflow`. */
static uint32_t mul_flags(uint32_t low, unsigned size, bool overflow)
{
	uint32_t f = flags_szp(low, size);
	if (overflow)
		f |= FLAG_CF | FLAG_OF;
	return f;
}

HANDLER(op_mul_Eb)
{
	uint32_t src = rm_read(cpu, in, 1);
	uint32_t prod = cpu_get_r8(cpu, REG_EAX) * src;
	cpu_set_r16(cpu, REG_EAX, (uint16_t)prod);
	flags_set_arith(cpu, mul_flags(prod, 1, (prod >> 8) != 0));
}

HANDLER(op_mul_Ev)
{
	if (in->opsize == 2) {
		uint32_t prod = (uint32_t)cpu_get_r16(cpu, REG_EAX) * (uint16_t)rm_read(cpu, in, 2);
		cpu_set_r16(cpu, REG_EAX, (uint16_t)prod);
		cpu_set_r16(cpu, REG_EDX, (uint16_t)(prod >> 16));
		flags_set_arith(cpu, mul_flags(prod, 2, (prod >> 16) != 0));
	} else {
		uint64_t prod = (uint64_t)cpu->regs[REG_EAX] * rm_read(cpu, in, 4);
		cpu->regs[REG_EAX] = (uint32_t)prod;
		cpu->regs[REG_EDX] = (uint32_t)(prod >> 32);
		flags_set_arith(cpu, mul_flags((uint32_t)prod, 4, (prod >> 32) != 0));
	}
}

HANDLER(op_imul_Eb)
{
	int32_t prod = (int8_t)cpu_get_r8(cpu, REG_EAX) * (int8_t)rm_read(cpu, in, 1);
	cpu_set_r16(cpu, REG_EAX, (uint16_t)prod);
	flags_set_arith(cpu, mul_flags((uint32_t)prod, 1, prod != (int8_t)prod));
}

HANDLER(op_imul_Ev)
{
	if (in->opsize == 2) {
		int32_t prod = (int16_t)cpu_get_r16(cpu, REG_EAX) * (int16_t)rm_read(cpu, in, 2);
		cpu_set_r16(cpu, REG_EAX, (uint16_t)prod);
		cpu_set_r16(cpu, REG_EDX, (uint16_t)((uint32_t)prod >> 16));
		flags_set_arith(cpu, mul_flags((uint32_t)prod, 2, prod != (int16_t)prod));
	} else {
		int64_t prod = (int64_t)(int32_t)cpu->regs[REG_EAX] * (int32_t)rm_read(cpu, in, 4);
		cpu->regs[REG_EAX] = (uint32_t)prod;
		cpu->regs[REG_EDX] = (uint32_t)((uint64_t)prod >> 32);
		flags_set_arith(cpu, mul_flags((uint32_t)prod, 4, prod != (int32_t)prod));
	}
}

/* The truncating forms: G = a * b on the operand size; CF=OF when the
 * signed product does not fit. */
static inline __attribute__((always_inline)) void imul_trunc(struct cpu *cpu,
							      const struct x86_insn *in,
							      unsigned size, uint32_t a, uint32_t b)
{
	int64_t prod = (int64_t)(int32_t)sign_extend(a, size) * (int32_t)sign_extend(b, size);
	uint32_t low = (uint32_t)prod & size_mask(size);
	bool overflow = prod != (int64_t)(int32_t)sign_extend(low, size);
	reg_write(cpu, in, size, low);
	flags_set_arith(cpu, mul_flags(low, size, overflow));
}

HANDLER(op_imul_Gv_Ev)
{
	BY_OPSIZE(in, imul_trunc(cpu, in, SIZE, reg_read(cpu, in, SIZE), rm_read(cpu, in, SIZE)));
}

HANDLER(op_imul_Gv_Ev_Iz)
{
	BY_OPSIZE(in, imul_trunc(cpu, in, SIZE, rm_read(cpu, in, SIZE), in->imm));
}

HANDLER(op_imul_Gv_Ev_Ib)
{
	BY_OPSIZE(in, imul_trunc(cpu, in, SIZE, rm_read(cpu, in, SIZE), in->imm));
}

/* --- division --------------------------------------------------------------- */

HANDLER(op_div_Eb)
{
	uint32_t divisor = rm_read(cpu, in, 1);
	uint32_t dividend = cpu_get_r16(cpu, REG_EAX);
	if (divisor == 0 || dividend / divisor > 0xFF)
		cpu_raise(cpu, EXC_DE);
	cpu_set_r8(cpu, 0, (uint8_t)(dividend / divisor)); /* AL */
	cpu_set_r8(cpu, 4, (uint8_t)(dividend % divisor)); /* AH */
}

HANDLER(op_div_Ev)
{
	if (in->opsize == 2) {
		uint32_t divisor = rm_read(cpu, in, 2);
		uint32_t dividend = (uint32_t)cpu_get_r16(cpu, REG_EDX) << 16 |
				    cpu_get_r16(cpu, REG_EAX);
		if (divisor == 0 || dividend / divisor > 0xFFFF)
			cpu_raise(cpu, EXC_DE);
		cpu_set_r16(cpu, REG_EAX, (uint16_t)(dividend / divisor));
		cpu_set_r16(cpu, REG_EDX, (uint16_t)(dividend % divisor));
	} else {
		uint64_t divisor = rm_read(cpu, in, 4);
		uint64_t dividend = (uint64_t)cpu->regs[REG_EDX] << 32 | cpu->regs[REG_EAX];
		if (divisor == 0 || dividend / divisor > 0xFFFFFFFFu)
			cpu_raise(cpu, EXC_DE);
		cpu->regs[REG_EAX] = (uint32_t)(dividend / divisor);
		cpu->regs[REG_EDX] = (uint32_t)(dividend % divisor);
	}
}

/* Signed division of a 2*size dividend; raises #DE unless the quotient
 * fits in `size` bytes. C division truncates toward zero and gives the
 * remainder the dividend's sign, as IDIV does. The one case C leaves
 * undefined (INT64_MIN / -1) overflows every destination and is caught
 * first. */
static void idiv_checked(struct cpu *cpu, int64_t dividend, int64_t divisor, unsigned size,
			 int64_t *quot, int64_t *rem)
{
	int64_t max = (int64_t)(size_sign(size) - 1);
	if (divisor == 0 || (dividend == INT64_MIN && divisor == -1))
		cpu_raise(cpu, EXC_DE);
	int64_t q = dividend / divisor;
	if (q > max || q < -max - 1)
		cpu_raise(cpu, EXC_DE);
	*quot = q;
	*rem = dividend % divisor;
}

HANDLER(op_idiv_Eb)
{
	int64_t divisor = (int8_t)rm_read(cpu, in, 1);
	int64_t q, r;
	idiv_checked(cpu, (int16_t)cpu_get_r16(cpu, REG_EAX), divisor, 1, &q, &r);
	cpu_set_r8(cpu, 0, (uint8_t)q); /* AL */
	cpu_set_r8(cpu, 4, (uint8_t)r); /* AH */
}

HANDLER(op_idiv_Ev)
{
	int64_t q, r;
	if (in->opsize == 2) {
		int64_t divisor = (int16_t)rm_read(cpu, in, 2);
		int32_t dividend = (int32_t)((uint32_t)cpu_get_r16(cpu, REG_EDX) << 16 |
					     cpu_get_r16(cpu, REG_EAX));
		idiv_checked(cpu, dividend, divisor, 2, &q, &r);
		cpu_set_r16(cpu, REG_EAX, (uint16_t)q);
		cpu_set_r16(cpu, REG_EDX, (uint16_t)r);
	} else {
		int64_t divisor = (int32_t)rm_read(cpu, in, 4);
		int64_t dividend =
			(int64_t)((uint64_t)cpu->regs[REG_EDX] << 32 | cpu->regs[REG_EAX]);
		idiv_checked(cpu, dividend, divisor, 4, &q, &r);
		cpu->regs[REG_EAX] = (uint32_t)q;
		cpu->regs[REG_EDX] = (uint32_t)r;
	}
}
