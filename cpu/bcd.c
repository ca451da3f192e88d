/* bcd.c: decimal adjust instructions (DAA DAS AAA AAS AAM AAD) and SALC.
 *
 * The defined results follow the 386+ pseudocode (AAA/AAS adjust the whole
 * AX, so a carry out of AL reaches AH). For the flags Intel leaves
 * undefined, these handlers reproduce what hardware-captured 80286 data
 * shows, since no P6-specific behaviour is documented:
 *   DAA/DAS: OF as for the 8-bit add/subtract of the total adjustment.
 *   AAA/AAS: SF ZF PF OF as for the 8-bit AL +/- 6 (or +/- 0) before the
 *            high nibble is cleared.
 *   AAM:     CF OF AF cleared.
 *   AAD:     CF OF AF as for the 8-bit add AL + AH * base.
 */
#include "cpu/access.h"
#include "cpu/flags.h"
#include "cpu/handlers.h"
#include "cpu/opcode.h"

enum { BCD_AL = 0, BCD_AH = 4 }; /* 8-bit register numbers */

/* DAA and DAS share their decisions; only the direction differs. */
static void decimal_adjust(struct cpu *cpu, bool subtract)
{
	uint8_t al = cpu_get_r8(cpu, BCD_AL);
	bool cf = cpu->eflags & FLAG_CF;
	bool af = cpu->eflags & FLAG_AF;
	uint8_t adjust = 0;
	uint32_t f = 0;

	if ((al & 0x0F) > 9 || af) {
		adjust = 0x06;
		f |= FLAG_AF;
		/* Only DAS can carry out of this first step without the
		 * second applying (AL < 6 with AF set). */
		if (subtract && al < 6)
			f |= FLAG_CF;
	}
	if (al > 0x99 || cf) {
		adjust += 0x60;
		f |= FLAG_CF;
	}
	uint8_t res = subtract ? (uint8_t)(al - adjust) : (uint8_t)(al + adjust);
	f |= flags_szp(res, 1);
	if (subtract ? (al & ~res & 0x80) : (~al & res & 0x80))
		f |= FLAG_OF;
	cpu_set_r8(cpu, BCD_AL, res);
	flags_set_arith(cpu, f);
}

HANDLER(op_daa)
{
	decimal_adjust(cpu, false);
}

HANDLER(op_das)
{
	decimal_adjust(cpu, true);
}

/* AAA/AAS: the ASCII adjusts. AX moves by 0x106 (AAA) or by -6 then -0x100
 * (AAS), then AL keeps only its low nibble. */
static void ascii_adjust(struct cpu *cpu, bool subtract)
{
	uint16_t ax = cpu_get_r16(cpu, REG_EAX);
	uint8_t al = (uint8_t)ax;
	bool adjust = (al & 0x0F) > 9 || (cpu->eflags & FLAG_AF);
	uint8_t delta = adjust ? 6 : 0;
	/* The undefined flags: those of the 8-bit AL +/- delta. */
	uint32_t f = subtract ? flags_sub(1, al, delta, 0) : flags_add(1, al, delta, 0);
	f &= FLAG_SF | FLAG_ZF | FLAG_PF | FLAG_OF;

	if (adjust) {
		ax = subtract ? (uint16_t)(ax - 6 - 0x100) : (uint16_t)(ax + 0x106);
		f |= FLAG_AF | FLAG_CF;
	}
	cpu_set_r16(cpu, REG_EAX, ax & 0xFF0F);
	flags_set_arith(cpu, f);
}

HANDLER(op_aaa)
{
	ascii_adjust(cpu, false);
}

HANDLER(op_aas)
{
	ascii_adjust(cpu, true);
}

/* AAM base: AH = AL / base, AL = AL % base; #DE when base is 0. */
HANDLER(op_aam)
{
	uint8_t base = (uint8_t)in->imm;
	uint8_t al = cpu_get_r8(cpu, BCD_AL);
	if (base == 0)
		cpu_raise(cpu, EXC_DE);
	uint8_t res = al % base;
	cpu_set_r8(cpu, BCD_AH, al / base);
	cpu_set_r8(cpu, BCD_AL, res);
	flags_set_arith(cpu, flags_logic(1, res));
}

/* AAD base: AL = AL + AH * base (8 bits), AH = 0. */
HANDLER(op_aad)
{
	uint8_t base = (uint8_t)in->imm;
	uint8_t al = cpu_get_r8(cpu, BCD_AL);
	uint8_t prod = (uint8_t)(cpu_get_r8(cpu, BCD_AH) * base);
	cpu_set_r16(cpu, REG_EAX, (uint8_t)(al + prod));
	flags_set_arith(cpu, flags_add(1, al, prod, 0));
}

/* SALC (undocumented D6): AL = CF ? FF : 00; no flags change. */
HANDLER(op_salc)
{
	cpu_set_r8(cpu, BCD_AL, (cpu->eflags & FLAG_CF) ? 0xFF : 0x00);
}
