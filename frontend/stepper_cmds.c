/* stepper_cmds.c: the stepper's commands: parsing a line and doing it.
 *
 * Every command has a typed form ("step 5", "break F000:0010") and the
 * common ones a one-letter form that is also their key in the terminal UI
 * (s, n, c, e, h, q). Bad input never ends a session: it gives one line
 * starting with "error:" and the next command is read.
 *
 * Addresses are hexadecimal (with or without 0x, or an h suffix), as x86
 * addresses are written in the manuals:
 *   F000:FFF0   a selector (or real-mode segment) and an offset; the
 *               segment may be a segment register (ds:si), the offset a
 *               general register or EIP
 *   000FFFF0    a linear address
 * A breakpoint on SEL:OFF stops when CS holds SEL and EIP is OFF; one on a
 * linear address stops when CS.base + EIP is that address. Counts (step N,
 * watch ADDR LEN, limit N) are decimal.
 */
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/seg.h"
#include "frontend/stepper_internal.h"

#define MAX_ARGS 8

/* Splits `line` (modified in place) into words. */
static int split(char *line, char **argv)
{
	int argc = 0;
	char *save = NULL;
	for (char *w = strtok_r(line, " \t", &save); w && argc < MAX_ARGS;
	     w = strtok_r(NULL, " \t", &save))
		argv[argc++] = w;
	return argc;
}

static bool parse_hex(const char *s, uint32_t *v)
{
	char buf[24];
	size_t n = strlen(s);
	if (!n || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n + 1);
	if (n > 1 && (buf[n - 1] == 'h' || buf[n - 1] == 'H'))
		buf[--n] = 0;
	const char *p = buf;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (!*p)
		return false;
	for (const char *q = p; *q; q++)
		if (!isxdigit((unsigned char)*q))
			return false;
	errno = 0;
	unsigned long long x = strtoull(p, NULL, 16);
	if (errno || x > 0xFFFFFFFFull)
		return false;
	*v = (uint32_t)x;
	return true;
}

/* A decimal count (0x for hex), at least 1. */
static bool parse_count(const char *s, uint64_t max, uint64_t *v)
{
	char *end;
	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (*end || errno || x == 0 || x > max)
		return false;
	*v = x;
	return true;
}

static int sreg_index(const char *s)
{
	static const char *const names[SEG_COUNT] = {"es", "cs", "ss", "ds", "fs", "gs"};
	for (int i = 0; i < SEG_COUNT; i++)
		if (!strcasecmp(s, names[i]))
			return i;
	return -1;
}

/* A register's value as an offset: eax..edi, ax..di, eip/ip. */
static bool reg_value(const struct cpu *cpu, const char *s, uint32_t *v)
{
	static const char *const r32[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
	for (int i = 0; i < 8; i++) {
		if (!strcasecmp(s, r32[i])) {
			*v = cpu->regs[i];
			return true;
		}
		if (!strcasecmp(s, r32[i] + 1)) {
			*v = cpu->regs[i] & 0xFFFFu;
			return true;
		}
	}
	if (!strcasecmp(s, "eip") || !strcasecmp(s, "ip")) {
		*v = cpu->eip;
		return true;
	}
	return false;
}

/* The base of the segment `sel` names in the current mode: sel << 4 in
 * real and V86 mode, else from the GDT or LDT (read without side effects). */
static bool selector_base(struct stepper *st, uint16_t sel, uint32_t *base)
{
	const struct cpu *cpu = &st->m->cpu;
	if (cpu_real_mode(cpu) || (cpu->eflags & FLAG_VM)) {
		*base = (uint32_t)sel << 4;
		return true;
	}
	uint32_t tbase = cpu->gdtr.base, tlimit = cpu->gdtr.limit;
	if (sel & 4) {
		tbase = cpu->ldtr.base;
		tlimit = cpu->ldtr.limit;
		if (sel_is_null(cpu->ldtr.sel))
			return false;
	}
	uint32_t lo, hi;
	if (!stepper_read_desc(st, tbase, tlimit, sel >> 3, &lo, &hi))
		return false;
	struct seg_desc d = {.lo = lo, .hi = hi};
	*base = desc_base(&d);
	return true;
}

/* Parses ADDR. `code` fills a code_addr for breakpoints (SEL:OFF kept as
 * such); otherwise *lin gets the linear address. Returns false after an
 * error message. */
static bool parse_addr(struct stepper *st, const char *s, struct code_addr *code, uint32_t *lin)
{
	const struct cpu *cpu = &st->m->cpu;
	const char *colon = strchr(s, ':');
	if (!colon) {
		uint32_t v;
		if (!parse_hex(s, &v)) {
			text_add(&st->out, "error: '%s' is not an address (hex: 000F0000, or SEL:OFF "
					   "like F000:FFF0 or ds:si)",
				 s);
			return false;
		}
		if (code)
			*code = (struct code_addr){.has_sel = false, .lin = v};
		if (lin)
			*lin = v;
		return true;
	}
	char seg[16], off[24];
	size_t sl = (size_t)(colon - s);
	if (sl == 0 || sl >= sizeof(seg) || strlen(colon + 1) >= sizeof(off) || !colon[1]) {
		text_add(&st->out, "error: '%s' is not an address", s);
		return false;
	}
	memcpy(seg, s, sl);
	seg[sl] = 0;
	strcpy(off, colon + 1);
	uint32_t selv, offv, base = 0;
	int sr = sreg_index(seg);
	if (sr >= 0) {
		selv = cpu->seg[sr].sel;
		base = cpu->seg[sr].base;
	} else if (!parse_hex(seg, &selv) || selv > 0xFFFF) {
		text_add(&st->out, "error: '%s' is not a selector or segment register", seg);
		return false;
	}
	if (!reg_value(cpu, off, &offv) && !parse_hex(off, &offv)) {
		text_add(&st->out, "error: '%s' is not an offset (hex, or a register)", off);
		return false;
	}
	if (code)
		*code = (struct code_addr){.has_sel = true, .sel = (uint16_t)selv, .off = offv};
	if (lin) {
		if (sr < 0 && !selector_base(st, (uint16_t)selv, &base)) {
			text_add(&st->out, "error: selector %04X is not in the descriptor table",
				 selv);
			return false;
		}
		*lin = base + offv;
	}
	return true;
}

/* A command's acknowledgement ("breakpoint 1 at ..."): left out in quiet
 * mode, where only listings, stops and errors are printed. */
static void ack(struct stepper *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ack(struct stepper *st, const char *fmt, ...)
{
	if (st->quiet)
		return;
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	text_add(&st->out, "%s", buf);
}

static struct stop_point *new_point(struct stepper *st, enum point_kind kind)
{
	if (st->npoints == STEPPER_MAX_POINTS) {
		text_add(&st->out, "error: too many stop points (%d); delete some first",
			 STEPPER_MAX_POINTS);
		return NULL;
	}
	struct stop_point *p = &st->point[st->npoints++];
	memset(p, 0, sizeof(*p));
	p->id = st->next_id++;
	p->kind = kind;
	return p;
}

/* --- the commands ---------------------------------------------------------------- */

static int cmd_break(struct stepper *st, int argc, char **argv)
{
	struct code_addr a;
	if (argc != 2) {
		text_add(&st->out, "error: usage: break ADDR (F000:0010, or a linear address)");
		return -1;
	}
	if (!parse_addr(st, argv[1], &a, NULL))
		return -1;
	struct stop_point *p = new_point(st, POINT_BREAK);
	if (!p)
		return -1;
	p->at = a;
	char where[32];
	ack(st, "breakpoint %d at %s", p->id, stepper_addr_text(&a, where, sizeof(where)));
	return 0;
}

static int cmd_catch(struct stepper *st, int argc, char **argv)
{
	static const char *const what[CATCH_KINDS] = {
		[CATCH_PRIV] = "privileged and IOPL-sensitive instructions",
		[CATCH_VMM] = "instructions rewritten into VMM calls",
		[CATCH_IO] = "port accesses (IN, OUT, INS, OUTS)",
		[CATCH_INT] = "interrupts and exceptions (INT n before it runs; hardware "
			      "interrupts and exceptions once delivered)",
		[CATCH_MODE] = "changes of CPU mode (PE, PG, VM, code size)",
		[CATCH_IRQ] = "hardware interrupts (once delivered)",
	};
	int k = -1;
	if (argc == 2)
		for (int i = 0; i < CATCH_KINDS; i++)
			if (!strcasecmp(argv[1], catch_kind_names[i]))
				k = i;
	if (k < 0) {
		text_add(&st->out, "error: usage: catch priv|vmm|io|int|mode|irq");
		return -1;
	}
	for (unsigned i = 0; i < st->npoints; i++) {
		if (st->point[i].kind == POINT_CATCH && st->point[i].what == (enum catch_kind)k) {
			ack(st, "already catching %s (catchpoint %d)", catch_kind_names[k],
				 st->point[i].id);
			return 0;
		}
	}
	struct stop_point *p = new_point(st, POINT_CATCH);
	if (!p)
		return -1;
	p->what = (enum catch_kind)k;
	ack(st, "catchpoint %d: %s", p->id, what[k]);
	return 0;
}

static int cmd_watch(struct stepper *st, int argc, char **argv)
{
	uint32_t lin;
	uint64_t len = 1;
	if (argc < 2 || argc > 3) {
		text_add(&st->out, "error: usage: watch ADDR [LEN] (LEN 1-%d bytes, default 1)",
			 STEPPER_WATCH_MAX);
		return -1;
	}
	if (!parse_addr(st, argv[1], NULL, &lin))
		return -1;
	if (argc == 3 && !parse_count(argv[2], STEPPER_WATCH_MAX, &len)) {
		text_add(&st->out, "error: watch length '%s' is not 1 to %d", argv[2],
			 STEPPER_WATCH_MAX);
		return -1;
	}
	struct stop_point *p = new_point(st, POINT_WATCH);
	if (!p)
		return -1;
	p->lin = lin;
	p->len = (unsigned)len;
	for (unsigned k = 0; k < p->len; k++)
		if (stepper_peek_lin(st, lin + k, &p->val[k]))
			p->readable |= 1ull << k;
	ack(st, "watchpoint %d: %u byte%s at linear %08X", p->id, p->len,
		 p->len == 1 ? "" : "s", lin);
	return 0;
}

static int cmd_delete(struct stepper *st, int argc, char **argv)
{
	if (argc == 1) {
		ack(st, "deleted all %u stop points", st->npoints);
		st->npoints = 0;
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		uint64_t id;
		if (!parse_count(argv[i], 1000000, &id)) {
			text_add(&st->out, "error: '%s' is not a stop point number", argv[i]);
			return -1;
		}
		unsigned j;
		for (j = 0; j < st->npoints && st->point[j].id != (int)id; j++)
			;
		if (j == st->npoints) {
			text_add(&st->out, "error: no stop point %llu", (unsigned long long)id);
			return -1;
		}
		memmove(&st->point[j], &st->point[j + 1], (st->npoints - j - 1) * sizeof(st->point[0]));
		st->npoints--;
		ack(st, "deleted %llu", (unsigned long long)id);
	}
	return 0;
}

/* engine [interp|bt]: switches the machine's engine (machine_set_engine());
 * without an argument, to the other one. */
static int cmd_engine(struct stepper *st, int argc, char **argv)
{
	struct machine *m = st->m;
	enum machine_engine to;
	if (argc == 1)
		to = m->engine == MACHINE_ENGINE_BT ? MACHINE_ENGINE_INTERP : MACHINE_ENGINE_BT;
	else if (argc == 2 && (!strcmp(argv[1], "interp") || !strcmp(argv[1], "interpreter")))
		to = MACHINE_ENGINE_INTERP;
	else if (argc == 2 && (!strcmp(argv[1], "bt") || !strcmp(argv[1], "translator")))
		to = MACHINE_ENGINE_BT;
	else {
		text_add(&st->out, "error: usage: engine [interp|bt]");
		return -1;
	}
	if (m->engine == MACHINE_ENGINE_CHECK) {
		text_add(&st->out, "error: --engine check runs both engines in lockstep; it "
				   "cannot be switched");
		return -1;
	}
	if (machine_set_engine(m, to) < 0) {
		text_add(&st->out, "error: the translator cannot be set up (no code cache)");
		return -1;
	}
	if (to == MACHINE_ENGINE_BT)
		text_add(&st->out, "engine: %s: continue and until now run translated blocks; "
				   "step and next still one instruction through the interpreter",
			 stepper_engine_name(st));
	else
		text_add(&st->out, "engine: interpreter: everything runs one decoded instruction "
				   "at a time");
	return st->quiet ? 0 : (int)st->panes;
}

/* Which panes a list of names selects ("registers,vmm" or "regs vmm"). */
static int parse_panes(struct stepper *st, int argc, char **argv, unsigned *mask)
{
	static const struct {
		const char *name;
		int pane;
	} alias[] = {{"regs", PANE_REGS},    {"segs", PANE_SEGS},     {"disasm", PANE_DISASM},
		     {"dis", PANE_DISASM},   {"mem", PANE_MEMORY}};
	*mask = 0;
	for (int i = 0; i < argc; i++) {
		char buf[128];
		snprintf(buf, sizeof(buf), "%s", argv[i]);
		char *save = NULL;
		for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
			int found = -1;
			if (!strcasecmp(w, "all")) {
				*mask |= PANES_ALL;
				continue;
			}
			if (!strcasecmp(w, "none"))
				continue;
			for (int p = 0; p < PANE_COUNT; p++)
				if (!strcasecmp(w, stepper_pane_names[p]))
					found = p;
			for (size_t a = 0; a < sizeof(alias) / sizeof(alias[0]); a++)
				if (!strcasecmp(w, alias[a].name))
					found = alias[a].pane;
			if (found < 0) {
				text_add(&st->out, "error: no pane '%s' (registers, segments, "
						   "disassembly, stack, memory, vmm, all, none)",
					 w);
				return -1;
			}
			*mask |= 1u << found;
		}
	}
	return 0;
}

/* Rejoins argv[from..] with single spaces (for say). */
static void rest_of_line(const char *line, char *buf, size_t len)
{
	while (*line == ' ' || *line == '\t')
		line++;
	while (*line && *line != ' ' && *line != '\t')
		line++;
	while (*line == ' ' || *line == '\t')
		line++;
	snprintf(buf, len, "%s", line);
}

int stepper_exec(struct stepper *st, const char *line)
{
	char buf[1024];
	char *argv[MAX_ARGS];
	snprintf(buf, sizeof(buf), "%s", line);
	int argc = split(buf, argv);
	if (argc == 0)
		return 0;
	const char *c = argv[0];
	unsigned view = st->quiet ? 0 : st->panes; /* after a command that changes a view */

	if (!strcmp(c, "s") || !strcmp(c, "step") || !strcmp(c, "si")) {
		uint64_t n = 1;
		if (argc > 2 || (argc == 2 && !parse_count(argv[1], UINT64_MAX, &n))) {
			text_add(&st->out, "error: usage: step [N] (N at least 1)");
			return -1;
		}
		stepper_go(st, RUN_STEP, n, NULL);
		return (int)st->panes;
	}
	if (!strcmp(c, "n") || !strcmp(c, "next")) {
		stepper_go(st, RUN_NEXT, 1, NULL);
		return (int)st->panes;
	}
	if (!strcmp(c, "c") || !strcmp(c, "continue") || !strcmp(c, "cont")) {
		stepper_go(st, RUN_CONTINUE, 0, NULL);
		return (int)st->panes;
	}
	if (!strcmp(c, "u") || !strcmp(c, "until")) {
		struct code_addr a;
		if (argc != 2) {
			text_add(&st->out, "error: usage: until ADDR");
			return -1;
		}
		if (!parse_addr(st, argv[1], &a, NULL))
			return -1;
		stepper_go(st, RUN_UNTIL, 0, &a);
		return (int)st->panes;
	}
	if (!strcmp(c, "b") || !strcmp(c, "break"))
		return cmd_break(st, argc, argv);
	if (!strcmp(c, "catch"))
		return cmd_catch(st, argc, argv);
	if (!strcmp(c, "w") || !strcmp(c, "watch"))
		return cmd_watch(st, argc, argv);
	if (!strcmp(c, "d") || !strcmp(c, "delete"))
		return cmd_delete(st, argc, argv);
	if (!strcmp(c, "info") || !strcmp(c, "i")) {
		if (argc > 2 || (argc == 2 && strcmp(argv[1], "break") && strcmp(argv[1], "b") &&
				 strcmp(argv[1], "breakpoints"))) {
			text_add(&st->out, "error: usage: info break");
			return -1;
		}
		stepper_view_points(st, &st->out);
		return 0;
	}
	if (!strcmp(c, "e") || !strcmp(c, "engine"))
		return cmd_engine(st, argc, argv);
	if (!strcmp(c, "block")) {
		if (argc != 1) {
			text_add(&st->out, "error: usage: block");
			return -1;
		}
		stepper_render_block(st, BLOCK_FULL, &st->out);
		return 0;
	}
	if (!strcmp(c, "walk")) {
		uint32_t lin;
		if (argc != 2) {
			text_add(&st->out, "error: usage: walk ADDR");
			return -1;
		}
		if (!parse_addr(st, argv[1], NULL, &lin))
			return -1;
		if (strchr(argv[1], ':'))
			text_add(&st->out, "%s is linear %08X", argv[1], lin);
		stepper_view_walk(st, lin, &st->out);
		return 0;
	}
	if (!strcmp(c, "gdt") || !strcmp(c, "idt")) {
		if (argc != 1) {
			text_add(&st->out, "error: usage: %s", c);
			return -1;
		}
		if (c[0] == 'g')
			stepper_view_gdt(st, &st->out);
		else
			stepper_view_idt(st, &st->out);
		return 0;
	}
	if (!strcmp(c, "x")) {
		uint32_t lin;
		if (argc != 2) {
			text_add(&st->out, "error: usage: x ADDR (the memory pane's address)");
			return -1;
		}
		if (!parse_addr(st, argv[1], NULL, &lin))
			return -1;
		st->mem_addr = lin;
		ack(st, "memory pane at linear %08X", lin);
		return (int)view;
	}
	if (!strcmp(c, "show")) {
		unsigned mask = st->panes;
		if (argc > 1 && parse_panes(st, argc - 1, argv + 1, &mask) < 0)
			return -1;
		return (int)mask;
	}
	if (!strcmp(c, "panes")) {
		unsigned mask;
		if (argc < 2) {
			text_add(&st->out, "error: usage: panes all|none|NAME[,NAME...]");
			return -1;
		}
		if (parse_panes(st, argc - 1, argv + 1, &mask) < 0)
			return -1;
		st->panes = mask;
		return 0;
	}
	if (!strcmp(c, "quiet")) {
		if (argc != 2 || (strcmp(argv[1], "on") && strcmp(argv[1], "off"))) {
			text_add(&st->out, "error: usage: quiet on|off");
			return -1;
		}
		st->quiet = !strcmp(argv[1], "on");
		return 0;
	}
	if (!strcmp(c, "say")) {
		char text[1024];
		rest_of_line(line, text, sizeof(text));
		text_add(&st->out, "%s", text);
		return 0;
	}
	if (!strcmp(c, "limit")) {
		uint64_t n;
		if (argc != 2 || !parse_count(argv[1], UINT64_MAX, &n)) {
			text_add(&st->out, "error: usage: limit N (instructions one run command may take)");
			return -1;
		}
		st->run_limit = n;
		ack(st, "run limit: %llu instructions", (unsigned long long)n);
		return 0;
	}
	if (!strcmp(c, "h") || !strcmp(c, "help") || !strcmp(c, "?")) {
		stepper_view_help(&st->out);
		return 0;
	}
	if (!strcmp(c, "q") || !strcmp(c, "quit") || !strcmp(c, "exit")) {
		st->quit = true;
		return 0;
	}
	text_add(&st->out, "error: unknown command '%s' (help lists the commands)", c);
	return -1;
}
