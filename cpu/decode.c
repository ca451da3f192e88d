/* decode.c: the x86 instruction decoder, driven by the opcode table.
 *
 * Order of work: prefixes (any number, last segment/REP prefix wins, 66/67
 * toggle the sizes), the opcode (one byte or 0F + byte), the ModRM byte when
 * the table says so (a group's member is chosen by ModRM.reg and brings its
 * own immediate form), SIB and displacement, then immediates. 16-bit ModRM
 * addressing is digested into the same base + index + disp shape as 32-bit
 * addressing so execution need not care which it was.
 */
#include "cpu/decode.h"

#include "cpu/cpu.h"
#include "cpu/opcode.h"

/* Reads `n` little-endian bytes at *pos, or reports that they are missing. */
#define NEED(n)                                                                  \
	do {                                                                     \
		if (pos + (n) > X86_MAX_INSN_LEN)                                \
			return X86_DECODE_GP;                                    \
		if (pos + (n) > avail)                                           \
			return X86_DECODE_MORE;                                  \
	} while (0)

static uint32_t read_le(const uint8_t *p, unsigned n)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

/* 16-bit ModRM r/m: base and index registers. */
static const uint8_t rm16_base[8] = {REG_EBX, REG_EBX, REG_EBP, REG_EBP,
				     X86_NO_REG, X86_NO_REG, REG_EBP, REG_EBX};
static const uint8_t rm16_index[8] = {REG_ESI, REG_EDI, REG_ESI, REG_EDI,
				      REG_ESI, REG_EDI, X86_NO_REG, X86_NO_REG};

enum x86_decode_status x86_decode(struct x86_insn *in, const uint8_t *bytes, unsigned avail,
				  bool code32)
{
	unsigned pos = 0;
	bool opsize_toggle = false, adsize_toggle = false;

	in->seg_override = SEG_NONE;
	in->rep = REP_NONE;
	in->lock = 0;

	/* Prefixes. */
	const struct opcode_info *op;
	unsigned opcode;
	for (;;) {
		NEED(1);
		uint8_t b = bytes[pos++];
		switch (b) {
		case 0x26: in->seg_override = SEG_ES; continue;
		case 0x2E: in->seg_override = SEG_CS; continue;
		case 0x36: in->seg_override = SEG_SS; continue;
		case 0x3E: in->seg_override = SEG_DS; continue;
		case 0x64: in->seg_override = SEG_FS; continue;
		case 0x65: in->seg_override = SEG_GS; continue;
		case 0x66: opsize_toggle = true; continue;
		case 0x67: adsize_toggle = true; continue;
		case 0xF0: in->lock = 1; continue;
		case 0xF2: in->rep = REP_NE; continue;
		case 0xF3: in->rep = REP_E; continue;
		case 0x0F:
			NEED(1);
			opcode = 0x100 | bytes[pos++];
			op = &opcode_map2[opcode & 0xFF];
			break;
		default:
			opcode = b;
			op = &opcode_map1[b];
			break;
		}
		break;
	}

	in->opcode = (uint16_t)opcode;
	in->opsize = (code32 != opsize_toggle) ? 4 : 2;
	in->adsize = (code32 != adsize_toggle) ? 4 : 2;
	in->has_modrm = 0;
	in->mod = in->reg = in->rm = 0;
	in->ea_base = in->ea_index = X86_NO_REG;
	in->ea_scale = 0;
	in->disp = 0;
	in->imm = in->imm2 = 0;
	in->seg = in->seg_override == SEG_NONE ? SEG_DS : in->seg_override;

	uint16_t form = op->form;
	if (form & FORM_MODRM) {
		NEED(1);
		uint8_t modrm = bytes[pos++];
		in->has_modrm = 1;
		in->mod = modrm >> 6;
		in->reg = (modrm >> 3) & 7;
		in->rm = modrm & 7;
		if (form & FORM_GROUP) {
			op = &op->group[in->reg];
			form = op->form;
		}
		if (form & FORM_REG_ONLY)
			in->mod = 3;
		if (in->mod != 3) {
			bool ss_default = false;
			if (in->adsize == 2) {
				if (in->mod == 0 && in->rm == 6) {
					NEED(2);
					in->disp = (int32_t)read_le(bytes + pos, 2);
					pos += 2;
				} else {
					in->ea_base = rm16_base[in->rm];
					in->ea_index = rm16_index[in->rm];
					ss_default = in->ea_base == REG_EBP;
					if (in->mod == 1) {
						NEED(1);
						in->disp = (int8_t)bytes[pos++];
					} else if (in->mod == 2) {
						NEED(2);
						in->disp = (int16_t)read_le(bytes + pos, 2);
						pos += 2;
					}
				}
			} else {
				unsigned base = in->rm;
				if (in->rm == 4) {
					NEED(1);
					uint8_t sib = bytes[pos++];
					in->ea_scale = sib >> 6;
					unsigned index = (sib >> 3) & 7;
					if (index != 4)
						in->ea_index = (uint8_t)index;
					base = sib & 7;
				}
				if (in->mod == 0 && base == 5) {
					NEED(4);
					in->disp = (int32_t)read_le(bytes + pos, 4);
					pos += 4;
				} else {
					in->ea_base = (uint8_t)base;
					ss_default = base == REG_ESP || base == REG_EBP;
					if (in->mod == 1) {
						NEED(1);
						in->disp = (int8_t)bytes[pos++];
					} else if (in->mod == 2) {
						NEED(4);
						in->disp = (int32_t)read_le(bytes + pos, 4);
						pos += 4;
					}
				}
			}
			if (ss_default && in->seg_override == SEG_NONE)
				in->seg = SEG_SS;
		}
	}

	/* Immediates. */
	if (form & (FORM_IMM8 | FORM_IMM8S)) {
		NEED(1);
		in->imm = (form & FORM_IMM8S) ? (uint32_t)(int32_t)(int8_t)bytes[pos] : bytes[pos];
		pos += 1;
	} else if (form & FORM_IMM16) {
		NEED(2);
		in->imm = read_le(bytes + pos, 2);
		pos += 2;
	} else if (form & FORM_IMMZ) {
		NEED(in->opsize);
		in->imm = read_le(bytes + pos, in->opsize);
		if (in->opsize == 2)
			in->imm = (uint32_t)(int32_t)(int16_t)in->imm;
		pos += in->opsize;
	} else if (form & FORM_MOFFS) {
		NEED(in->adsize);
		in->imm = read_le(bytes + pos, in->adsize);
		pos += in->adsize;
	} else if (form & FORM_FARPTR) {
		NEED(in->opsize + 2u);
		in->imm = read_le(bytes + pos, in->opsize);
		in->imm2 = read_le(bytes + pos + in->opsize, 2);
		pos += in->opsize + 2u;
	} else if (form & FORM_ENTER) {
		NEED(3);
		in->imm = read_le(bytes + pos, 2);
		in->imm2 = bytes[pos + 2];
		pos += 3;
	}

	in->len = (uint8_t)pos;
	in->op = op;
	in->handler = op->specialize ? op->specialize(in) : op->handler;

	if (!op->handler || (op->cls & CLS_UNDEFINED)) {
		in->op = &opcode_undefined;
		in->handler = opcode_undefined.handler;
		return X86_DECODE_UD;
	}
	if ((form & FORM_MEM_ONLY) && in->mod == 3)
		return X86_DECODE_UD;
	/* LOCK is only allowed on a lockable instruction with a memory
	 * destination. */
	if (in->lock && (!(op->cls & CLS_LOCKABLE) || in->mod == 3))
		return X86_DECODE_UD;
	return X86_DECODE_OK;
}
