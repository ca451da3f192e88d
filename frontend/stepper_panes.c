/* stepper_panes.c: the stepper's panes as lines of text.
 *
 * Each pane is a function of the machine state only (and of the stepper's
 * own settings: the memory address, the history of executed instructions),
 * so the terminal UI can redraw it at any time and the script mode prints
 * exactly what a test expects: no host times, no host pointers.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/opcode.h"
#include "cpu/opcode_names.h"
#include "cpu/seg.h"
#include "frontend/stepper_internal.h"
#include "vmm/priv.h"

const char *const stepper_pane_names[PANE_COUNT] = {
	[PANE_REGS] = "registers", [PANE_SEGS] = "segments", [PANE_DISASM] = "disassembly",
	[PANE_STACK] = "stack",    [PANE_MEMORY] = "memory", [PANE_VMM] = "vmm",
};

/* --- lines of text ---------------------------------------------------------- */

void text_add(struct text_lines *t, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (t->n == t->cap) {
		unsigned cap = t->cap ? t->cap * 2 : 16;
		char **l = realloc(t->line, cap * sizeof(*l));
		if (!l)
			return; /* out of memory: the line is dropped */
		t->line = l;
		t->cap = cap;
	}
	char *s = strdup(buf);
	if (s)
		t->line[t->n++] = s;
}

void text_clear(struct text_lines *t)
{
	for (unsigned i = 0; i < t->n; i++)
		free(t->line[i]);
	t->n = 0;
}

void text_free(struct text_lines *t)
{
	text_clear(t);
	free(t->line);
	t->line = NULL;
	t->cap = 0;
}

/* --- status and registers ----------------------------------------------------- */

static const char *mode_name(const struct cpu *cpu)
{
	if (cpu_real_mode(cpu))
		return "real mode";
	if (cpu->eflags & FLAG_VM)
		return "virtual-8086 mode";
	return "protected mode";
}

void stepper_status(struct stepper *st, char *buf, size_t len)
{
	const struct cpu *cpu = &st->m->cpu;
	const struct clock *clk = &st->m->clock;
	snprintf(buf, len, "%s%s, %d-bit code, CPL %u%s; %llu instruction%s, %llu ns",
		 mode_name(cpu), (cpu->cr[0] & CR0_PG) ? " with paging" : "",
		 cpu->code32 ? 32 : 16, seg_cpl(cpu), cpu->halted ? ", halted" : "",
		 (unsigned long long)clk->insns, clk->insns == 1 ? "" : "s",
		 (unsigned long long)clk->now_ns);
}

/* The flags as names, upper case when set: "cf pf af ZF sf tf IF ...". */
static void flags_text(uint32_t f, char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *set, *clear;
	} names[] = {
		{FLAG_CF, "CF", "cf"},    {FLAG_PF, "PF", "pf"},    {FLAG_AF, "AF", "af"},
		{FLAG_ZF, "ZF", "zf"},    {FLAG_SF, "SF", "sf"},    {FLAG_TF, "TF", "tf"},
		{FLAG_IF, "IF", "if"},    {FLAG_DF, "DF", "df"},    {FLAG_OF, "OF", "of"},
		{FLAG_NT, "NT", "nt"},    {FLAG_RF, "RF", "rf"},    {FLAG_VM, "VM", "vm"},
		{FLAG_AC, "AC", "ac"},    {FLAG_VIF, "VIF", "vif"}, {FLAG_VIP, "VIP", "vip"},
		{FLAG_ID, "ID", "id"},
	};
	size_t pos = 0;
	buf[0] = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && pos < len; i++)
		pos += (size_t)snprintf(buf + pos, len - pos, "%s ",
					(f & names[i].bit) ? names[i].set : names[i].clear);
	if (pos < len)
		snprintf(buf + pos, len - pos, "IOPL=%u", (f >> 12) & 3u);
}

static void pane_regs(struct stepper *st, struct text_lines *t)
{
	const struct cpu *cpu = &st->m->cpu;
	const uint32_t *r = cpu->regs;
	char buf[160];
	stepper_status(st, buf, sizeof(buf));
	text_add(t, "%s", buf);
	text_add(t, "EAX=%08X EBX=%08X ECX=%08X EDX=%08X  CR0=%08X", r[REG_EAX], r[REG_EBX],
		 r[REG_ECX], r[REG_EDX], cpu->cr[0]);
	text_add(t, "ESI=%08X EDI=%08X EBP=%08X ESP=%08X  CR2=%08X", r[REG_ESI], r[REG_EDI],
		 r[REG_EBP], r[REG_ESP], cpu->cr[2]);
	text_add(t, "EIP=%08X EFLAGS=%08X                         CR3=%08X CR4=%08X", cpu->eip,
		 cpu->eflags, cpu->cr[3], cpu->cr[4]);
	flags_text(cpu->eflags, buf, sizeof(buf));
	text_add(t, "flags: %s", buf);
}

/* --- segments --------------------------------------------------------------- */

const char *stepper_desc_type(uint16_t attr, char *buf, size_t len)
{
	static const char *const system_types[16] = {
		"reserved system type 0", "16-bit TSS (available)", "LDT", "16-bit TSS (busy)",
		"16-bit call gate", "task gate", "16-bit interrupt gate", "16-bit trap gate",
		"reserved system type 8", "32-bit TSS (available)", "reserved system type 10",
		"32-bit TSS (busy)", "32-bit call gate", "reserved system type 13",
		"32-bit interrupt gate", "32-bit trap gate",
	};
	if (attr_is_system(attr)) {
		snprintf(buf, len, "%s", system_types[attr_type(attr)]);
	} else if (attr_is_code(attr)) {
		snprintf(buf, len, "code %s%s%s", (attr & SEG_ATTR_RW) ? "exec/read" : "exec-only",
			 (attr & SEG_ATTR_EXPDOWN) ? ", conforming" : "",
			 (attr & 1u) ? ", accessed" : "");
	} else {
		snprintf(buf, len, "data %s%s%s", (attr & SEG_ATTR_RW) ? "read/write" : "read-only",
			 (attr & SEG_ATTR_EXPDOWN) ? ", expand-down" : "",
			 (attr & 1u) ? ", accessed" : "");
	}
	return buf;
}

static void seg_line(struct text_lines *t, const char *name, const struct seg_cache *c,
		     bool unusable)
{
	char type[48];
	if (unusable) {
		text_add(t, "%-4s %04X %08X %08X 0 -   -   - null selector: unusable", name, c->sel,
			 c->base, c->limit);
		return;
	}
	text_add(t, "%-4s %04X %08X %08X %u %-3u %-3s %u %s", name, c->sel, c->base, c->limit,
		 attr_present(c->attr) ? 1u : 0u, attr_dpl(c->attr),
		 (c->attr & SEG_ATTR_DB) ? "32" : "16", (c->attr & SEG_ATTR_G) ? 1u : 0u,
		 stepper_desc_type(c->attr, type, sizeof(type)));
}

static void pane_segs(struct stepper *st, struct text_lines *t)
{
	static const char *const names[SEG_COUNT] = {"ES", "CS", "SS", "DS", "FS", "GS"};
	static const int order[SEG_COUNT] = {SEG_CS, SEG_SS, SEG_DS, SEG_ES, SEG_FS, SEG_GS};
	const struct cpu *cpu = &st->m->cpu;
	text_add(t, "     sel  base     limit    P DPL D/B G type");
	for (int i = 0; i < SEG_COUNT; i++) {
		const struct seg_cache *c = &cpu->seg[order[i]];
		bool unusable = !cpu_real_mode(cpu) && !(cpu->eflags & FLAG_VM) &&
				!attr_present(c->attr) && sel_is_null(c->sel);
		seg_line(t, names[order[i]], c, unusable);
	}
	seg_line(t, "LDTR", &cpu->ldtr, false);
	seg_line(t, "TR", &cpu->tr, false);
	text_add(t, "GDTR base=%08X limit=%04X   IDTR base=%08X limit=%04X", cpu->gdtr.base,
		 cpu->gdtr.limit, cpu->idtr.base, cpu->idtr.limit);
}

/* --- disassembly ------------------------------------------------------------ */

static bool breakpoint_at(struct stepper *st, uint16_t sel, uint32_t eip, uint32_t lin)
{
	for (unsigned i = 0; i < st->npoints; i++) {
		const struct stop_point *p = &st->point[i];
		if (p->kind != POINT_BREAK)
			continue;
		if (p->at.has_sel ? (p->at.sel == sel && p->at.off == eip) : p->at.lin == lin)
			return true;
	}
	return false;
}

/* One line of the listing; returns the instruction's length (0: stop). */
static unsigned disasm_line(struct stepper *st, struct text_lines *t, const char *mark,
			    uint16_t sel, uint32_t eip, uint32_t lin, uint32_t limit, bool code32)
{
	uint8_t bytes[X86_MAX_INSN_LEN];
	unsigned avail = 0;
	if (eip <= limit) {
		unsigned want = X86_MAX_INSN_LEN;
		if ((uint64_t)limit - eip + 1 < want)
			want = limit - eip + 1;
		avail = stepper_read_lin(st, lin, bytes, want);
	}
	char where[16];
	snprintf(where, sizeof(where), "%04X:%0*X", sel, code32 ? 8 : 4, eip);
	char m[4];
	snprintf(m, sizeof(m), "%-2s%c", mark, breakpoint_at(st, sel, eip, lin) ? '*' : ' ');
	if (eip > limit) {
		text_add(t, "%s%s  (past the CS limit %08X)", m, where, limit);
		return 0;
	}
	if (!avail) {
		text_add(t, "%s%s  (not readable: unmapped or device memory)", m, where);
		return 0;
	}
	char text[160];
	unsigned len = disasm_one(&st->dis, code32 ? DISASM_32 : DISASM_16, bytes, avail, eip, text,
				  sizeof(text));
	if (!len) {
		len = 1;
		snprintf(text, sizeof(text), "db 0x%02x (not an instruction)", bytes[0]);
	}
	char hex[32];
	size_t pos = 0;
	for (unsigned i = 0; i < len && i < 7; i++)
		pos += (size_t)snprintf(hex + pos, sizeof(hex) - pos, "%02X ", bytes[i]);
	if (len > 7)
		snprintf(hex + pos - 1, sizeof(hex) - pos + 1, "+");
	text_add(t, "%s%s  %-21s %s", m, where, hex, text);
	return len;
}

static void pane_disasm(struct stepper *st, struct text_lines *t, unsigned rows)
{
	const struct cpu *cpu = &st->m->cpu;
	if (!rows)
		rows = 10;
	/* What ran just before, oldest first; then the current instruction
	 * and the ones that follow it in memory. */
	unsigned hist = st->hist_n;
	if (hist > rows / 3)
		hist = rows / 3;
	for (unsigned i = st->hist_n - hist; i < st->hist_n; i++) {
		const struct exec_record *h = &st->hist[i];
		disasm_line(st, t, "", h->sel, h->eip, h->lin, 0xFFFFFFFFu, h->code32);
	}
	const struct seg_cache *cs = &cpu->seg[SEG_CS];
	uint32_t eip = cpu->eip;
	for (unsigned i = hist; i < rows; i++) {
		unsigned len = disasm_line(st, t, i == hist ? "=>" : "", cs->sel, eip, cs->base + eip,
					   cs->limit, cpu->code32);
		if (!len)
			break;
		eip = (eip + len) & cpu->eip_mask;
	}
}

/* --- stack and memory --------------------------------------------------------- */

static void pane_stack(struct stepper *st, struct text_lines *t, unsigned rows)
{
	const struct cpu *cpu = &st->m->cpu;
	const struct seg_cache *ss = &cpu->seg[SEG_SS];
	unsigned size = cpu->stack32 ? 4 : 2;
	uint32_t sp = cpu->stack32 ? cpu->regs[REG_ESP] : (cpu->regs[REG_ESP] & 0xFFFFu);
	if (!rows)
		rows = 7;
	text_add(t, "%s=%04X:%0*X, %u-bit", cpu->stack32 ? "SS:ESP" : "SS:SP", ss->sel,
		 cpu->stack32 ? 8 : 4, sp, size * 8);
	for (unsigned i = 0; i + 1 < rows; i++) {
		uint32_t off = sp + i * size;
		if (!cpu->stack32)
			off &= 0xFFFFu;
		char where[24];
		snprintf(where, sizeof(where), "%04X:%0*X", ss->sel, cpu->stack32 ? 8 : 4, off);
		uint32_t v;
		if (stepper_read_lin_val(st, ss->base + off, size, &v))
			text_add(t, "+%02X %s %0*X", i * size, where, size * 2, v);
		else
			text_add(t, "+%02X %s %s", i * size, where, size == 4 ? "????????" : "????");
	}
}

static void pane_memory(struct stepper *st, struct text_lines *t, unsigned rows)
{
	if (!rows)
		rows = 4;
	for (unsigned r = 0; r < rows; r++) {
		uint32_t a = st->mem_addr + r * 16u;
		char hex[64], ascii[20];
		size_t pos = 0;
		for (unsigned i = 0; i < 16; i++) {
			uint8_t b;
			if (stepper_peek_lin(st, a + i, &b)) {
				pos += (size_t)snprintf(hex + pos, sizeof(hex) - pos, "%02X ", b);
				ascii[i] = (b >= 0x20 && b < 0x7F) ? (char)b : '.';
			} else {
				pos += (size_t)snprintf(hex + pos, sizeof(hex) - pos, "-- ");
				ascii[i] = ' ';
			}
		}
		ascii[16] = 0;
		text_add(t, "%08X  %s |%s|", a, hex, ascii);
	}
}

/* --- the VMM pane ------------------------------------------------------------- */

void stepper_render_vmm(struct stepper *st, struct text_lines *t, bool with_block)
{
	const struct cpu *cpu = &st->m->cpu;
	struct x86_insn in;
	if (cpu->halted) {
		text_add(t, "insn:    none: the CPU is halted until an interrupt");
	} else if (!stepper_decode_current(st, &in)) {
		text_add(t, "insn:    cannot be decoded here (unreadable, or #UD/#GP when fetched)");
	} else {
		uint16_t cls = in.op->cls;
		char classes[64] = "";
		static const struct {
			uint16_t bit;
			const char *name;
		} cls_names[] = {{CLS_VMM, "VMM"},          {CLS_PRIV, "PRIV"}, {CLS_IOPL, "IOPL"},
				 {CLS_ENDS_BLOCK, "ENDS_BLOCK"}, {CLS_STRING, "STRING"},
				 {CLS_BRANCH, "BRANCH"}};
		size_t pos = 0;
		for (size_t i = 0; i < sizeof(cls_names) / sizeof(cls_names[0]); i++)
			if (cls & cls_names[i].bit)
				pos += (size_t)snprintf(classes + pos, sizeof(classes) - pos, "%s%s",
							pos ? " " : "", cls_names[i].name);
		text_add(t, "insn:    %s (opcode %s%02X), classes: %s", in.op->name,
			 in.opcode & 0x100 ? "0F " : "", in.opcode & 0xFF, pos ? classes : "none");
		const struct vmm_routine_info *r = vmm_routine_lookup(in.op->handler);
		if ((cls & CLS_VMM) && r) {
			text_add(t, "verdict: rewritten into a VMM call: %s (counter %s = %llu)",
				 r->name, vmm_stat_names[r->stat],
				 (unsigned long long)cpu->vmm_calls[r->stat]);
			if (cls & CLS_PRIV)
				text_add(t, "why:     privileged: only CPL 0 may run it; the VMM "
					    "checks and emulates it");
			else if (cls & CLS_IOPL)
				text_add(t, "why:     IOPL-sensitive: what it does depends on IOPL "
					    "and VM, so the VMM decides");
			else
				text_add(t, "why:     sensitive: it reads or changes state the VMM "
					    "owns (segments, tables, ports)");
		} else {
			text_add(t, "verdict: runs as it is");
			text_add(t, "why:     an ordinary instruction: no privileged state%s",
				 (cls & CLS_ENDS_BLOCK) ? "; it ends a translated block" : "");
		}
	}
	if (st->m->engine == MACHINE_ENGINE_BT)
		text_add(t, "engine:  %s: continue and until run translated blocks, step and next "
			    "the interpreter",
			 stepper_engine_name(st));
	else
		text_add(t, "engine:  %s ('engine' switches%s)", stepper_engine_name(st),
			 st->m->engine == MACHINE_ENGINE_INTERP ? " to the translator" : ": not this one");
	if (with_block)
		stepper_render_block(st, BLOCK_PANE, t);
	/* The translator's cache at work, once it has translated anything. */
	if (st->m->tr && st->m->tr->stats.blocks) {
		const struct tr_stats *ts = &st->m->tr->stats;
		text_add(t, "cache:   %llu blocks, %llu of %llu lookups hit, %llu exits chained, "
			    "%llu blocks invalidated, %llu flushes",
			 (unsigned long long)ts->blocks, (unsigned long long)ts->hits, (unsigned long long)ts->lookups,
			 (unsigned long long)ts->chained, (unsigned long long)ts->invalidations,
			 (unsigned long long)ts->flushes);
	}
	char calls[400];
	size_t pos = 0;
	calls[0] = 0;
	for (int i = 0; i < VMM_STAT_COUNT; i++)
		if (cpu->vmm_calls[i] && pos < sizeof(calls))
			pos += (size_t)snprintf(calls + pos, sizeof(calls) - pos, "%s%s %llu",
						pos ? ", " : "", vmm_stat_names[i],
						(unsigned long long)cpu->vmm_calls[i]);
	text_add(t, "calls:   %s", pos ? calls : "none yet");
}

void stepper_render_pane(struct stepper *st, enum stepper_pane p, struct text_lines *t,
			 unsigned rows)
{
	switch (p) {
	case PANE_REGS:
		pane_regs(st, t);
		break;
	case PANE_SEGS:
		pane_segs(st, t);
		break;
	case PANE_DISASM:
		pane_disasm(st, t, rows);
		break;
	case PANE_STACK:
		pane_stack(st, t, rows);
		break;
	case PANE_MEMORY:
		pane_memory(st, t, rows);
		break;
	case PANE_VMM:
		stepper_render_vmm(st, t, true);
		break;
	case PANE_COUNT:
		break;
	}
}
