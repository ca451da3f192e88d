/* stepper_block.c: the translated block in the VMM pane.
 *
 * The VMM pane says what happens to the current instruction; this file
 * shows the block it belongs to as the binary translator makes it: the
 * guest instructions, each with how it is translated (a call to its op_*
 * handler, or rewritten into a call to a vmm_* routine, marked V), and the
 * x86-64 code emitted for them, disassembled by capstone in 64-bit mode
 * with the addresses in it named (translator/tr_inspect.c).
 *
 * Under the translator the block comes from its cache when it is there;
 * otherwise it is a side translation made in a scratch area, so that
 * looking changes nothing the guest or --stats could see.
 *
 * The code generator emits one stretch of host code per guest instruction,
 * which loads the instruction's decoded record (&insn[i]) for the call to
 * its handler. The listing splits the host code there: the stretch of
 * instruction i starts after the last branch or call before its first
 * mention of &insn[i]. What comes before the first stretch is the block's
 * entry (its CS limit check), what comes from the first exit record on is
 * how it leaves. An instruction the code generator inlines without
 * mentioning its record shows as having no code of its own, its code then
 * being part of its neighbour's stretch.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu/opcode.h"
#include "cpu/opcode_names.h"
#include "frontend/stepper_internal.h"
#include "translator/translator.h"

const char *stepper_engine_name(const struct stepper *st)
{
	const struct machine *m = st->m;
	switch (m->engine) {
	case MACHINE_ENGINE_BT:
		return m->tr && m->tr->backend == TR_BACKEND_PORTABLE ? "translator (portable backend)"
								       : "translator";
	case MACHINE_ENGINE_CHECK:
		return "check (translator and interpreter in lockstep)";
	default:
		return "interpreter";
	}
}

/* One line of host code. */
struct host_line {
	uint32_t off;
	bool ctrl;    /* a jump, call or return: ends a straight stretch */
	int insn_ref; /* the i of an &insn[i] it mentions, or -1 */
	bool exit_ref; /* it mentions an exit record */
	char text[200];
};

/* The host code of a view, as named lines, and where each guest
 * instruction's stretch starts. */
struct host_listing {
	struct host_line *line;
	unsigned n;
	int start[64];   /* per guest instruction: first line, or -1 */
	unsigned leave;  /* first line of the exits */
	unsigned entry_end;
};

static void host_listing_make(struct stepper *st, const struct tr_block_view *v,
			      struct host_listing *h)
{
	memset(h, 0, sizeof(*h));
	if (!v->code || !v->code_len)
		return;
	h->line = calloc(v->code_len, sizeof(*h->line));
	if (!h->line)
		return;
	for (uint32_t off = 0; off < v->code_len;) {
		char text[160];
		unsigned len = disasm_one(&st->dis, DISASM_64, v->code + off, v->code_len - off,
					  (uintptr_t)v->code + off, text, sizeof(text));
		struct host_line *l = &h->line[h->n++];
		l->off = off;
		l->insn_ref = -1;
		if (!len) {
			snprintf(l->text, sizeof(l->text), "db 0x%02x", v->code[off]);
			off++;
			continue;
		}
		off += len;
		size_t mn = strcspn(text, " ");
		char ops[160];
		tr_view_operands(v, text[mn] ? text + mn + 1 : "", ops, sizeof(ops));
		snprintf(l->text, sizeof(l->text), "%.*s%s%s", (int)mn, text, *ops ? " " : "", ops);
		l->ctrl = text[0] == 'j' || !strncmp(text, "call", 4) || !strncmp(text, "ret", 3);
		const char *r = strstr(l->text, "&insn[");
		if (r)
			l->insn_ref = atoi(r + 6);
		l->exit_ref = strstr(l->text, "&exit") != NULL;
	}
	/* Each instruction's stretch, walking back from its record's first
	 * mention to the end of the straight run of code before it. */
	unsigned bound = 0, last_ref = 0;
	bool any = false;
	for (unsigned i = 0; i < v->n_insns && i < 64; i++) {
		h->start[i] = -1;
		unsigned r = bound;
		while (r < h->n && h->line[r].insn_ref != (int)i)
			r++;
		if (r == h->n)
			continue;
		unsigned k = r;
		while (k > bound && !h->line[k - 1].ctrl && h->line[k - 1].insn_ref < 0)
			k--;
		h->start[i] = (int)k;
		if (!any)
			h->entry_end = k;
		any = true;
		bound = r + 1;
		last_ref = r;
	}
	h->leave = h->n;
	for (unsigned k = any ? last_ref + 1 : 0; k < h->n; k++) {
		if (h->line[k].exit_ref) {
			h->leave = k;
			break;
		}
	}
	if (!any)
		h->entry_end = 0;
}

/* The end of instruction i's stretch. */
static unsigned host_stretch_end(const struct host_listing *h, const struct tr_block_view *v,
				 unsigned i)
{
	for (unsigned j = i + 1; j < v->n_insns && j < 64; j++)
		if (h->start[j] >= 0)
			return (unsigned)h->start[j];
	return h->leave;
}

static void host_lines(struct text_lines *t, const struct host_listing *h, unsigned from,
		       unsigned to)
{
	for (unsigned k = from; k < to && k < h->n; k++)
		text_add(t, BLOCK_HOST_PREFIX "%04x  %s", h->line[k].off, h->line[k].text);
}

/* The view of the block around the current instruction and the index of
 * that instruction in it. */
static bool find_block(struct stepper *st, struct tr_block_view *v, unsigned *cur,
		       const char **where)
{
	struct machine *m = st->m;
	struct cpu *cpu = &m->cpu;
	uint32_t phys;
	if (cpu->halted || !stepper_lin_to_phys(st, cpu->seg[SEG_CS].base + cpu->eip, &phys)) {
		*where = cpu->halted ? "none: the CPU is halted"
				     : "none: CS:EIP is not mapped (the fetch will fault)";
		return false;
	}
	bool have = false;
	if (m->tr && tr_view_cached(m->tr, phys, tr_mode_key(cpu), v)) {
		have = true;
		*where = v->phys == phys ? "from the translator's cache: the code the guest runs"
					 : "from the translator's cache; => is inside it (steps "
					   "run through the interpreter)";
	} else {
		if (!st->scratch)
			st->scratch = tr_scratch_new();
		have = tr_view_sketch(st->scratch, cpu, phys, true, v);
		*where = m->tr ? "not in the cache yet: a side translation of the block the "
				 "translator will make here"
			       : "a side translation: the block the translator would make here "
				 "(the interpreter runs now)";
	}
	if (!have) {
		*where = "none: no block can start here (not RAM or ROM, or it does not decode)";
		return false;
	}
	uint32_t a = v->phys;
	*cur = 0;
	for (unsigned i = 0; i < v->n_insns && a != phys; i++) {
		a += v->insn[i].len;
		*cur = i + 1;
	}
	return *cur < v->n_insns;
}

/* One guest instruction of the block. */
static void guest_line(struct stepper *st, struct text_lines *t, const struct tr_block_view *v,
		       unsigned i, unsigned cur, uint32_t eip)
{
	const struct cpu *cpu = &st->m->cpu;
	const struct x86_insn *in = &v->insn[i];
	uint32_t phys = v->phys;
	for (unsigned k = 0; k < i; k++)
		phys += v->insn[k].len;
	uint8_t bytes[X86_MAX_INSN_LEN];
	unsigned n = 0;
	while (n < in->len && stepper_peek_phys(st, phys + n, &bytes[n]))
		n++;
	char text[160] = "?";
	if (!n || !disasm_one(&st->dis, v->code32 ? DISASM_32 : DISASM_16, bytes, n, eip, text,
			      sizeof(text)))
		snprintf(text, sizeof(text), "(%s)", in->op->name);
	char hex[32];
	size_t pos = 0;
	for (unsigned k = 0; k < n && k < 6; k++)
		pos += (size_t)snprintf(hex + pos, sizeof(hex) - pos, "%02X ", bytes[k]);
	if (n > 6)
		snprintf(hex + pos - 1, sizeof(hex) - pos + 1, "+");
	char as[96];
	const struct vmm_routine_info *r = vmm_routine_lookup(in->op->handler);
	const char *cls = tr_view_class(v, i);
	if (tr_view_is_vmm(v, i))
		snprintf(as, sizeof(as), "rewritten: %s", r ? r->name : "a vmm routine");
	else if (!strcmp(cls, "branch"))
		snprintf(as, sizeof(as), "op:%s, a direct branch: exits chain", in->op->name);
	else if (!strcmp(cls, "ends"))
		snprintf(as, sizeof(as), "op:%s, ends the block", in->op->name);
	else
		snprintf(as, sizeof(as), "op:%s", in->op->name);
	text_add(t, "%-2s%c %04X:%0*X  %-18s %-26s %s", i == cur ? "=>" : "",
		 tr_view_is_vmm(v, i) ? 'V' : ' ', cpu->seg[SEG_CS].sel, v->code32 ? 8 : 4, eip, hex,
		 text, as);
}

void stepper_render_block(struct stepper *st, enum block_view what, struct text_lines *t)
{
	const struct cpu *cpu = &st->m->cpu;
	struct tr_block_view v;
	unsigned cur = 0;
	const char *where = "";
	if (!find_block(st, &v, &cur, &where)) {
		if (what != BLOCK_HOST)
			text_add(t, "block:   %s", where);
		return;
	}
	struct host_listing h;
	bool want_host = what != BLOCK_GUEST;
	if (want_host)
		host_listing_make(st, &v, &h);
	else
		memset(&h, 0, sizeof(h));

	/* Guest addresses: the block lies in CS as the current instruction. */
	uint32_t mask = v.code32 ? 0xFFFFFFFFu : 0xFFFFu;
	uint32_t before = 0;
	for (unsigned i = 0; i < cur; i++)
		before += v.insn[i].len;
	uint32_t eip0 = (cpu->eip - before) & mask;

	if (what != BLOCK_HOST) {
		text_add(t, "block:   %04X:%0*X (physical %08X), %d-bit code, %u instruction%s, %u "
			    "byte%s, ends: %s",
			 cpu->seg[SEG_CS].sel, v.code32 ? 8 : 4, eip0, v.phys, v.code32 ? 32 : 16,
			 v.n_insns, v.n_insns == 1 ? "" : "s", v.len, v.len == 1 ? "" : "s", v.end);
		text_add(t, "         %s", where);
	}
	if (what == BLOCK_FULL && want_host && h.n) {
		text_add(t, "  (entry: the checks made before the first instruction)");
		host_lines(t, &h, 0, h.entry_end);
	}
	uint32_t eip = eip0;
	for (unsigned i = 0; i < v.n_insns && what != BLOCK_HOST; i++) {
		guest_line(st, t, &v, i, cur, eip);
		eip = (eip + v.insn[i].len) & mask;
		if (what == BLOCK_FULL && h.n) {
			if (i < 64 && h.start[i] >= 0)
				host_lines(t, &h, (unsigned)h.start[i], host_stretch_end(&h, &v, i));
			else
				text_add(t, BLOCK_HOST_PREFIX "(no code of its own: it is part of "
							      "its neighbours')");
		}
	}
	if (what == BLOCK_FULL && h.n) {
		text_add(t, "  (leaving: to the dispatcher, or chained into the next block)");
		host_lines(t, &h, h.leave, h.n);
	}
	if (what == BLOCK_PANE || what == BLOCK_HOST) {
		if (!v.code)
			text_add(t, "host:    none: the portable backend runs the decoded block in C");
		else if (!h.n)
			text_add(t, "host:    (host code could not be listed)");
		else {
			text_add(t, "host:    x86-64 code for => (%s)",
				 what == BLOCK_PANE ? "'block' lists the whole block" : "capstone");
			if (cur >= 64 || h.start[cur] < 0)
				text_add(t, BLOCK_HOST_PREFIX "(no code of its own: it is part of its "
							      "neighbours')");
			else
				host_lines(t, &h, (unsigned)h.start[cur],
					   host_stretch_end(&h, &v, cur));
		}
	}
	if (what == BLOCK_PANE)
		text_add(t, "         V: rewritten into a VMM call; the others call their op_* "
			    "handler");
	free(h.line);
}
