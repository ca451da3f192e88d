/* check_report.c: what --engine check says when the engines differ.
 *
 * The report names the run that differed, then (when the replay found it)
 * the first instruction that differs, with its address, bytes and text, the
 * CPU state before it and both states after it side by side, each
 * differing field marked, and the guest RAM bytes that differ. The text of
 * an instruction comes from the decoder and the opcode table's mnemonics,
 * the same ones the interpreter runs by, so no disassembler is needed here.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cpu/opcode.h"
#include "vmm/check.h"

static const char *const check_reg32[8] = {
	"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"
};
static const char *const check_reg16[8] = { "ax", "cx", "dx", "bx", "sp", "bp", "si", "di" };
static const char *const check_reg8[8] = { "al", "cl", "dl", "bl", "ah", "ch", "dh", "bh" };
static const char *const check_seg[8] = { "es", "cs", "ss", "ds", "fs", "gs", "?", "" };

static bool check_same_seg(const struct seg_cache *a, const struct seg_cache *b)
{
	return a->sel == b->sel && a->base == b->base && a->limit == b->limit && a->attr == b->attr;
}

static bool check_same_fpu(const struct fpu *a, const struct fpu *b)
{
	if (a->cw != b->cw || a->sw != b->sw || a->empty != b->empty)
		return false;
	for (int i = 0; i < 8; i++)
		if (a->reg[i].sig != b->reg[i].sig || a->reg[i].se != b->reg[i].se)
			return false;
	return true;
}

bool check_same_cpu(const struct cpu *a, const struct cpu *b)
{
	if (memcmp(a->regs, b->regs, sizeof(a->regs)) || a->eip != b->eip ||
	    a->eflags != b->eflags || memcmp(a->cr, b->cr, sizeof(a->cr)) ||
	    a->halted != b->halted || a->cpl != b->cpl)
		return false;
	for (int s = 0; s < SEG_COUNT; s++)
		if (!check_same_seg(&a->seg[s], &b->seg[s]))
			return false;
	if (a->gdtr.base != b->gdtr.base || a->gdtr.limit != b->gdtr.limit ||
	    a->idtr.base != b->idtr.base || a->idtr.limit != b->idtr.limit ||
	    !check_same_seg(&a->ldtr, &b->ldtr) || !check_same_seg(&a->tr, &b->tr))
		return false;
	return check_same_fpu(&a->fpu, &b->fpu);
}

/* --- instruction text ------------------------------------------------------- */

static const char *check_reg_name(unsigned r, unsigned size)
{
	r &= 7;
	return size == 1 ? check_reg8[r] : size == 2 ? check_reg16[r] : check_reg32[r];
}

/* The memory operand: "dword [ds:ebx+esi*4+0x10]". */
static int check_fmt_mem(const struct x86_insn *in, unsigned size, char *buf, size_t len)
{
	const char *const *rn = in->adsize == 2 ? check_reg16 : check_reg32;
	const char *sz = size == 1 ? "byte " : size == 2 ? "word " : size == 4 ? "dword " : "";
	int n = snprintf(buf, len, "%s[%s:", sz, in->seg < SEG_COUNT ? check_seg[in->seg] : "?");
	bool any = false;
	if (in->ea_base != X86_NO_REG) {
		n += snprintf(buf + n, len > (size_t)n ? len - n : 0, "%s", rn[in->ea_base & 7]);
		any = true;
	}
	if (in->ea_index != X86_NO_REG) {
		n += snprintf(buf + n, len > (size_t)n ? len - n : 0, "%s%s*%u", any ? "+" : "",
			      rn[in->ea_index & 7], 1u << in->ea_scale);
		any = true;
	}
	if (in->disp || !any) {
		int32_t d = in->disp;
		if (any && d < 0)
			n += snprintf(buf + n, len > (size_t)n ? len - n : 0, "-0x%" PRIx32,
				      (uint32_t) - (int64_t)d);
		else
			n += snprintf(buf + n, len > (size_t)n ? len - n : 0, "%s0x%" PRIx32,
				      any ? "+" : "", (uint32_t)d);
	}
	n += snprintf(buf + n, len > (size_t)n ? len - n : 0, "]");
	return n;
}

/* Whether the ModRM reg operand comes first (the destination): the "d" bit
 * of the classic ALU and MOV encodings, and the 0F instructions that load
 * a register from r/m. */
static bool check_reg_first(const struct x86_insn *in)
{
	unsigned op = in->opcode;
	if (op < 0x40)
		return (op & 7) < 4 && (op & 2);
	switch (op) {
	case 0x62:
	case 0x69:
	case 0x6B:
	case 0x8A:
	case 0x8B:
	case 0x8D:
	case 0xC4:
	case 0xC5:
	case 0x102:
	case 0x103:
	case 0x1AF:
	case 0x1B2:
	case 0x1B4:
	case 0x1B5:
	case 0x1B6:
	case 0x1B7:
	case 0x1BC:
	case 0x1BD:
	case 0x1BE:
	case 0x1BF: return true;
	default: return op >= 0x140 && op <= 0x14F; /* CMOVcc */
	}
}

void check_format_insn(const struct x86_insn *in, uint32_t eip, char *buf, size_t len)
{
	const struct opcode_info *op = in->op;
	unsigned size = (op->form & FORM_BYTE) ? 1 : in->opsize;
	/* MOVZX/MOVSX read a byte or a word into a full register. */
	unsigned rm_size = size;
	if (in->opcode == 0x1B6 || in->opcode == 0x1BE)
		rm_size = 1;
	else if (in->opcode == 0x1B7 || in->opcode == 0x1BF)
		rm_size = 2;
	int n = snprintf(buf, len, "%s%s%s", in->lock ? "lock " : "",
			 in->rep == REP_E  ? "rep " :
			 in->rep == REP_NE ? "repne " :
					     "",
			 op->name ? op->name : "?");
	char a[48] = "", b[48] = "";
	unsigned op8 = in->opcode & 0xFF;
	if (op->cls & CLS_BRANCH) {
		int32_t rel = in->opsize == 2 ? (int16_t)in->imm : (int32_t)in->imm;
		uint32_t to = eip + in->len + (uint32_t)rel;
		if (in->opsize == 2)
			to &= 0xFFFF;
		snprintf(a, sizeof(a), "0x%" PRIx32, to);
	} else if (in->has_modrm && !(op->form & FORM_FPU)) {
		char rm[48];
		if (in->mod == 3)
			snprintf(rm, sizeof(rm), "%s", check_reg_name(in->rm, rm_size));
		else
			check_fmt_mem(in, rm_size, rm, sizeof(rm));
		bool has_imm = op->form & (FORM_IMM8 | FORM_IMM8S | FORM_IMM16 | FORM_IMMZ);
		bool group = in->opcode >= 0x80 && in->opcode <= 0x83;
		group = group || (in->opcode >= 0xC0 && in->opcode <= 0xD3) || in->opcode == 0xC6 ||
			in->opcode == 0xC7 || in->opcode == 0xF6 || in->opcode == 0xF7 ||
			in->opcode == 0xFE || in->opcode == 0xFF || in->opcode == 0x8F ||
			(in->opcode >= 0x100 && in->opcode <= 0x101) || in->opcode == 0x1BA;
		if (group || in->opcode == 0x8C || in->opcode == 0x8E) {
			snprintf(a, sizeof(a), "%s", rm);
			if (in->opcode == 0x8C)
				snprintf(b, sizeof(b), "%s", check_seg[in->reg & 7]);
			else if (in->opcode == 0x8E) {
				snprintf(a, sizeof(a), "%s", check_seg[in->reg & 7]);
				snprintf(b, sizeof(b), "%s", rm);
			}
		} else if (check_reg_first(in)) {
			snprintf(a, sizeof(a), "%s", check_reg_name(in->reg, size));
			snprintf(b, sizeof(b), "%s", rm);
		} else {
			snprintf(a, sizeof(a), "%s", rm);
			snprintf(b, sizeof(b), "%s", check_reg_name(in->reg, size));
		}
		if (has_imm)
			snprintf(b[0] ? b + strlen(b) : b, sizeof(b) - strlen(b), "%s0x%" PRIx32,
				 b[0] ? ", " : "", in->imm);
	} else if (in->opcode >= 0xA0 && in->opcode <= 0xA3) {
		/* MOV AL/eAX to or from a memory offset. */
		const char *sz = size == 1 ? "byte" : size == 2 ? "word" : "dword";
		const char *seg = in->seg < SEG_COUNT ? check_seg[in->seg] : "?";
		char *mem = in->opcode < 0xA2 ? b : a, *reg = in->opcode < 0xA2 ? a : b;
		snprintf(mem, sizeof(a), "%s [%s:0x%" PRIx32 "]", sz, seg, in->imm);
		snprintf(reg, sizeof(a), "%s", check_reg_name(0, size));
	} else if (in->opcode < 0x40 && (op8 & 7) >= 4 && (op8 & 7) <= 5) {
		snprintf(a, sizeof(a), "%s", check_reg_name(0, size)); /* AL/eAX, imm */
		snprintf(b, sizeof(b), "0x%" PRIx32, in->imm);
	} else if (in->opcode >= 0x40 && in->opcode <= 0x5F) {
		snprintf(a, sizeof(a), "%s", check_reg_name(op8 & 7, in->opsize));
	} else if (in->opcode >= 0xB0 && in->opcode <= 0xBF) {
		snprintf(a, sizeof(a), "%s",
			 check_reg_name(op8 & 7, in->opcode < 0xB8 ? 1 : in->opsize));
		snprintf(b, sizeof(b), "0x%" PRIx32, in->imm);
	} else if (op->form & (FORM_IMM8 | FORM_IMM8S | FORM_IMM16 | FORM_IMMZ | FORM_MOFFS)) {
		snprintf(a, sizeof(a), "0x%" PRIx32, in->imm);
	}
	if (a[0])
		n += snprintf(buf + n, len > (size_t)n ? len - n : 0, " %s", a);
	if (b[0])
		snprintf(buf + n, len > (size_t)n ? len - n : 0, ", %s", b);
}

/* --- the report --------------------------------------------------------------- */

static const char *check_what_name(enum check_what w)
{
	switch (w) {
	case CHECK_COUNT: return "instruction count";
	case CHECK_CPU: return "CPU state";
	case CHECK_MEMORY: return "memory";
	case CHECK_STOP: return "stop reason";
	case CHECK_SAME: break;
	}
	return "nothing";
}

/* One row: a name, the state before (or blank), the translator's and the
 * interpreter's, marked when the last two differ. */
static void check_row(FILE *f, const char *name, const char *before, const char *tr, const char *in)
{
	bool differ = strcmp(tr, in) != 0;
	fprintf(f, "popek: check: %c %-6s %-28s %-28s %s\n", differ ? '*' : ' ', name,
		before ? before : "", tr, in);
}

static void check_fmt_seg(const struct seg_cache *s, char *buf, size_t len)
{
	snprintf(buf, len, "%04X %08X+%X %04X", s->sel, s->base, s->limit, s->attr);
}

/* The names of the EFLAGS bits set in `mask`. */
static void check_fmt_flag_names(uint32_t mask, char *buf, size_t len)
{
	static const char *const names[22] = { "CF", "1",  "PF", "3",   "AF",   "5",    "ZF", "SF",
					       "TF", "IF", "DF", "OF",  "IOPL", "IOPL", "NT", "15",
					       "RF", "VM", "AC", "VIF", "VIP",  "ID" };
	size_t n = 0;
	buf[0] = 0;
	for (unsigned i = 0; i < 22; i++)
		if ((mask & (1u << i)) && !(i == 13 && (mask & (1u << 12))))
			n += (size_t)snprintf(buf + n, len > n ? len - n : 0, "%s%s", n ? " " : "",
					      names[i]);
}

/* The states side by side: before (may be NULL), translator, interpreter. */
static void check_states(FILE *f, const struct cpu *b, const struct cpu *t, const struct cpu *i)
{
	char vb[48], vt[48], vi[48];
	const struct cpu *st[3] = { b, t, i };
	char *v[3] = { vb, vt, vi };
	fprintf(f, "popek: check:   %-6s %-28s %-28s %s\n", "", b ? "before" : "", "translator",
		"interpreter");
#define ROW(name, ...)                                           \
	do {                                                     \
		for (int k = 0; k < 3; k++) {                    \
			const struct cpu *c = st[k];             \
			if (c)                                   \
				snprintf(v[k], 48, __VA_ARGS__); \
		}                                                \
		check_row(f, name, b ? vb : NULL, vt, vi);       \
	} while (0)
	ROW("eip", "%08X", c->eip);
	ROW("eflags", "%08X", c->eflags);
	if (t->eflags != i->eflags) {
		char names[96];
		check_fmt_flag_names(t->eflags ^ i->eflags, names, sizeof(names));
		fprintf(f, "popek: check:          flags that differ: %s\n", names);
	}
	for (int r = 0; r < 8; r++)
		ROW(check_reg32[r], "%08X", c->regs[r]);
	for (int s = 0; s < SEG_COUNT; s++) {
		for (int k = 0; k < 3; k++)
			if (st[k])
				check_fmt_seg(&st[k]->seg[s], v[k], 48);
		check_row(f, check_seg[s], b ? vb : NULL, vt, vi);
	}
	ROW("cr0", "%08X", c->cr[0]);
	ROW("cr2", "%08X", c->cr[2]);
	ROW("cr3", "%08X", c->cr[3]);
	ROW("cr4", "%08X", c->cr[4]);
	ROW("cpl", "%u%s", c->cpl, c->halted ? " halted" : "");
	ROW("gdtr", "%08X+%X", c->gdtr.base, c->gdtr.limit);
	ROW("idtr", "%08X+%X", c->idtr.base, c->idtr.limit);
	ROW("ldtr", "%04X %08X+%X", c->ldtr.sel, c->ldtr.base, c->ldtr.limit);
	ROW("tr", "%04X %08X+%X", c->tr.sel, c->tr.base, c->tr.limit);
	ROW("fpu", "cw=%04X sw=%04X e=%02X", c->fpu.cw, c->fpu.sw, c->fpu.empty);
	for (int r = 0; r < 8; r++) {
		if (t->fpu.reg[r].sig == i->fpu.reg[r].sig && t->fpu.reg[r].se == i->fpu.reg[r].se)
			continue;
		char name[8];
		snprintf(name, sizeof(name), "r%d", r);
		ROW(name, "%04X:%016" PRIX64, c->fpu.reg[r].se, c->fpu.reg[r].sig);
	}
#undef ROW
}

void check_report(const struct check *c, FILE *f)
{
	const struct check_found *d = &c->found;
	if (d->slice_end)
		fprintf(f,
			"popek: check: the engines differ (memory) at the end of a slice, at "
			"%04X:%08X, %" PRIu64 " instructions after power-on\n",
			d->run_cs, d->run_eip, d->run_insns);
	else
		fprintf(f,
			"popek: check: the engines differ (%s) after %" PRIu64
			" instruction%s run from %04X:%08X, %" PRIu64
			" instructions after power-on\n",
			check_what_name(d->what), d->run_len, d->run_len == 1 ? "" : "s", d->run_cs,
			d->run_eip, d->run_insns);
	if (!d->located) {
		fprintf(f, "popek: check: the instruction was not found: %s\n",
			d->why_not ? d->why_not : "?");
		check_states(f, NULL, c->diff_m, c->diff_s);
	} else {
		fprintf(f,
			"popek: check: replayed one instruction further at a time, the first that "
			"differs (%s) is number %" PRIu64 " of them, %" PRIu64
			" instructions after power-on:\n",
			check_what_name(d->insn_what), d->insn_index + 1,
			d->run_insns + d->insn_index);
		fprintf(f, "popek: check: instruction %04X:%08X (linear %08X", d->insn_cs,
			d->insn_eip, d->insn_lin);
		if (d->insn_mapped)
			fprintf(f, ", physical %08X", d->insn_phys);
		fprintf(f, "):");
		for (unsigned i = 0; i < d->insn_len; i++)
			fprintf(f, " %02X", d->insn_bytes[i]);
		fprintf(f, "  %s\n", d->insn_text);
		check_states(f, c->before, c->diff_m, c->diff_s);
	}
	if (d->n_bytes_total) {
		fprintf(f, "popek: check: %" PRIu64 " guest RAM byte%s differ%s:\n",
			d->n_bytes_total, d->n_bytes_total == 1 ? "" : "s",
			d->n_bytes_total == 1 ? "s" : "");
		for (unsigned i = 0; i < d->n_bytes; i++)
			fprintf(f,
				"popek: check:   physical %08X: translator %02X, interpreter "
				"%02X\n",
				d->bytes[i].phys, d->bytes[i].tr, d->bytes[i].interp);
		if (d->n_bytes_total > d->n_bytes)
			fprintf(f, "popek: check:   ...\n");
	}
}
