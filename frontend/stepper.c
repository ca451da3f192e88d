/* stepper.c: the teaching stepper: its entry point, the run loop that
 * executes the guest one instruction at a time and decides where to stop,
 * and the script mode.
 *
 * The guest runs in turns. A step is always machine_step() (vmm/dispatch.c):
 * one instruction or interrupt delivery through the interpreter, with the
 * devices' events firing on virtual time. Under the binary translator,
 * continue and until hand it whole blocks instead (stepper_bt.c), cut just
 * before the first instruction a stop point would stop at, so a stop comes
 * at the same instruction as with the interpreter and what the user sees is
 * what the guest would do on its own. After each turn the loop looks at
 * what just happened (an interrupt or exception delivered, memory under a
 * watchpoint changed, the CPU mode changed) and at what comes next (a
 * breakpoint, an instruction of a caught class).
 */
#define _GNU_SOURCE /* fopencookie */
#include "frontend/stepper.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/handlers.h"
#include "cpu/opcode.h"
#include "cpu/opcode_names.h"
#include "frontend/stepper_internal.h"
#include "translator/translator.h"
#include "vmm/priv.h"

const char *const catch_kind_names[CATCH_KINDS] = {
	[CATCH_PRIV] = "priv", [CATCH_VMM] = "vmm", [CATCH_IO] = "io",
	[CATCH_INT] = "int",   [CATCH_MODE] = "mode", [CATCH_IRQ] = "irq",
};

/* Wraps the machine's INTA hook to learn which vector a hardware interrupt
 * had: the CPU only counts them. */
static uint8_t stepper_intr_ack(void *opaque)
{
	struct stepper *st = opaque;
	uint8_t v = st->guest_hooks.intr_ack(st->guest_hooks.opaque);
	st->last_vector = v;
	return v;
}

int stepper_init(struct stepper *st, struct machine *m, char *err, size_t errlen)
{
	memset(st, 0, sizeof(*st));
	st->m = m;
	st->next_id = 1;
	st->panes = PANES_ALL;
	st->run_limit = STEPPER_DEFAULT_RUN_LIMIT;
	st->last_vector = -1;
	if (disasm_open(&st->dis, err, errlen) < 0)
		return -1;
	st->guest_hooks = m->cpu.hooks;
	if (st->guest_hooks.intr_ack) {
		m->cpu.hooks.intr_ack = stepper_intr_ack;
		m->cpu.hooks.opaque = st;
	}
	return 0;
}

void stepper_free(struct stepper *st)
{
	st->m->cpu.hooks = st->guest_hooks;
	tr_scratch_free(st->scratch);
	st->scratch = NULL;
	disasm_close(&st->dis);
	text_free(&st->out);
}

/* --- the run loop ------------------------------------------------------------- */

static const char *const exception_names[32] = {
	[0] = "#DE divide error",       [1] = "#DB debug",
	[2] = "NMI",                    [3] = "#BP breakpoint",
	[4] = "#OF overflow",           [5] = "#BR bound range",
	[6] = "#UD invalid opcode",     [7] = "#NM device not available",
	[8] = "#DF double fault",       [9] = "coprocessor segment overrun",
	[10] = "#TS invalid TSS",       [11] = "#NP segment not present",
	[12] = "#SS stack fault",       [13] = "#GP general protection",
	[14] = "#PF page fault",        [16] = "#MF x87 error",
	[17] = "#AC alignment check",   [18] = "#MC machine check",
};

/* What the CPU mode looks like, for CATCH_MODE: PE, PG, VM, CS size. */
static unsigned mode_signature(const struct cpu *cpu)
{
	return (cpu->cr[0] & CR0_PE ? 1u : 0) | (cpu->cr[0] & CR0_PG ? 2u : 0) |
	       (cpu->eflags & FLAG_VM ? 4u : 0) | (cpu->code32 ? 8u : 0);
}

static void mode_sig_text(unsigned sig, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s, %d-bit code",
		 (sig & 4) ? "virtual-8086 mode" : (sig & 1) ? "protected mode" : "real mode",
		 (sig & 2) ? " with paging" : "", (sig & 8) ? 32 : 16);
}

static struct stop_point *find_catch(struct stepper *st, enum catch_kind k)
{
	for (unsigned i = 0; i < st->npoints; i++)
		if (st->point[i].kind == POINT_CATCH && st->point[i].what == k)
			return &st->point[i];
	return NULL;
}

static void pos_text(const struct guest_pos *p, bool code32, char *buf, size_t len)
{
	snprintf(buf, len, "%04X:%0*X", p->sel, code32 ? 8 : 4, p->eip);
}

/* Stop points that look at the instruction about to run. Returns true
 * (with a message) when one of them stops the run. */
static bool check_before(struct stepper *st)
{
	struct cpu *cpu = &st->m->cpu;
	bool stop = false;
	char where[32];
	for (unsigned i = 0; i < st->npoints; i++) {
		struct stop_point *p = &st->point[i];
		if (p->kind == POINT_BREAK && stepper_at_addr(st, &p->at)) {
			p->hits++;
			text_add(&st->out, "stopped: breakpoint %d at %s", p->id,
				 stepper_addr_text(&p->at, where, sizeof(where)));
			stop = true;
		}
	}
	struct stop_point *cp = find_catch(st, CATCH_PRIV), *cv = find_catch(st, CATCH_VMM),
			  *ci = find_catch(st, CATCH_IO), *cn = find_catch(st, CATCH_INT);
	if (!cp && !cv && !ci && !cn)
		return stop;
	struct x86_insn in;
	if (!stepper_decode_current(st, &in))
		return stop;
	uint16_t cls = in.op->cls;
	const struct vmm_routine_info *r = vmm_routine_lookup(in.op->handler);
	if (cp && (cls & (CLS_PRIV | CLS_IOPL))) {
		cp->hits++;
		text_add(&st->out, "stopped: catchpoint %d (priv): %s is %s", cp->id, in.op->name,
			 (cls & CLS_PRIV) ? "privileged (CPL 0 only)"
					  : "IOPL-sensitive (its effect depends on IOPL and VM)");
		stop = true;
	}
	if (cv && (cls & CLS_VMM) && r) {
		cv->hits++;
		text_add(&st->out, "stopped: catchpoint %d (vmm): %s becomes a call to %s", cv->id,
			 in.op->name, r->name);
		stop = true;
	}
	if (ci && r &&
	    (r->stat == VMM_STAT_IN || r->stat == VMM_STAT_OUT || r->stat == VMM_STAT_INS ||
	     r->stat == VMM_STAT_OUTS)) {
		uint16_t port = strstr(r->name, "_Ib") ? (uint16_t)in.imm
						       : (uint16_t)cpu->regs[REG_EDX];
		bool is_in = r->stat == VMM_STAT_IN || r->stat == VMM_STAT_INS;
		ci->hits++;
		text_add(&st->out, "stopped: catchpoint %d (io): %s %s port %04Xh", ci->id, in.op->name,
			 is_in ? "from" : "to", port);
		stop = true;
	}
	if (cn && r && r->stat == VMM_STAT_INT) {
		unsigned vec = in.op->handler == vmm_int_Ib ? (in.imm & 0xFF)
			       : in.op->handler == vmm_int3 ? 3u
			       : in.op->handler == vmm_into ? 4u
							   : 1u;
		cn->hits++;
		text_add(&st->out, "stopped: catchpoint %d (int): %s is about to interrupt through "
				   "vector %02Xh%s",
			 cn->id, in.op->name, vec,
			 in.op->handler == vmm_into ? " (if OF is set)" : "");
		stop = true;
	}
	return stop;
}

bool stepper_would_stop_at(struct stepper *st, const struct x86_insn *in, uint16_t sel,
			   uint32_t eip, uint32_t lin)
{
	for (unsigned i = 0; i < st->npoints; i++) {
		const struct stop_point *p = &st->point[i];
		if (p->kind == POINT_BREAK &&
		    (p->at.has_sel ? p->at.sel == sel && p->at.off == eip : p->at.lin == lin))
			return true;
	}
	/* The classes check_before() stops at. */
	uint16_t cls = in->op->cls;
	const struct vmm_routine_info *r = vmm_routine_lookup(in->op->handler);
	if (find_catch(st, CATCH_PRIV) && (cls & (CLS_PRIV | CLS_IOPL)))
		return true;
	if (find_catch(st, CATCH_VMM) && (cls & CLS_VMM) && r)
		return true;
	if (find_catch(st, CATCH_IO) && r &&
	    (r->stat == VMM_STAT_IN || r->stat == VMM_STAT_OUT || r->stat == VMM_STAT_INS ||
	     r->stat == VMM_STAT_OUTS))
		return true;
	return find_catch(st, CATCH_INT) && r && r->stat == VMM_STAT_INT;
}

/* Watchpoints: compares the bytes under each one with what it saw last. */
static bool check_watch(struct stepper *st, const struct turn_pos *tp)
{
	const struct guest_pos *before = &tp->last;
	bool code32 = tp->code32;
	bool stop = false;
	for (unsigned i = 0; i < st->npoints; i++) {
		struct stop_point *p = &st->point[i];
		if (p->kind != POINT_WATCH)
			continue;
		uint8_t now[STEPPER_WATCH_MAX];
		uint64_t readable = 0;
		for (unsigned k = 0; k < p->len; k++)
			if (stepper_peek_lin(st, p->lin + k, &now[k]))
				readable |= 1ull << k;
		bool changed = readable != p->readable;
		for (unsigned k = 0; k < p->len && !changed; k++)
			changed = ((readable >> k) & 1) && now[k] != p->val[k];
		if (!changed)
			continue;
		char was[3 * 16 + 4], is[3 * 16 + 4], where[32];
		size_t a = 0, b = 0;
		for (unsigned k = 0; k < p->len && k < 16; k++) {
			a += (size_t)snprintf(was + a, sizeof(was) - a, (p->readable >> k) & 1 ? "%02X " : "-- ",
					      p->val[k]);
			b += (size_t)snprintf(is + b, sizeof(is) - b, (readable >> k) & 1 ? "%02X " : "-- ",
					      now[k]);
		}
		if (a)
			was[a - 1] = 0;
		if (b)
			is[b - 1] = 0;
		pos_text(before, code32, where, sizeof(where));
		p->hits++;
		text_add(&st->out, "stopped: watchpoint %d: %u byte%s at %08X changed by the "
				   "instruction at %s",
			 p->id, p->len, p->len == 1 ? "" : "s", p->lin, where);
		text_add(&st->out, "  was %s%s", was, p->len > 16 ? " ..." : "");
		text_add(&st->out, "  now %s%s", is, p->len > 16 ? " ..." : "");
		memcpy(p->val, now, p->len);
		p->readable = readable;
		stop = true;
	}
	return stop;
}

/* Interrupts and exceptions delivered by the step that just ran. */
static bool check_delivered(struct stepper *st, const uint64_t *exc_before, uint64_t ints_before,
			    const struct turn_pos *tp)
{
	const struct cpu *cpu = &st->m->cpu;
	struct stop_point *cn = find_catch(st, CATCH_INT), *cq = find_catch(st, CATCH_IRQ);
	char where[32];
	bool stop = false;
	if (cq && cpu->interrupts != ints_before && st->last_vector >= 0) {
		pos_text(&tp->next, tp->code32, where, sizeof(where));
		cq->hits++;
		text_add(&st->out, "stopped: catchpoint %d (irq): hardware interrupt, vector %02Xh, "
				   "taken before %s: now at its handler",
			 cq->id, (unsigned)st->last_vector, where);
		stop = true;
	}
	if (!cn)
		return stop;
	pos_text(&tp->last, tp->code32, where, sizeof(where));
	for (int v = 0; v < 32; v++) {
		if (cpu->exceptions[v] == exc_before[v])
			continue;
		cn->hits++;
		if (exception_names[v])
			text_add(&st->out, "stopped: catchpoint %d (int): exception %s (vector %02Xh) "
					   "raised at %s and delivered: now at its handler",
				 cn->id, exception_names[v], v, where);
		else
			text_add(&st->out, "stopped: catchpoint %d (int): exception vector %02Xh "
					   "raised at %s and delivered: now at its handler",
				 cn->id, v, where);
		stop = true;
	}
	if (cpu->interrupts != ints_before) {
		pos_text(&tp->next, tp->code32, where, sizeof(where));
		cn->hits++;
		if (st->last_vector >= 0)
			text_add(&st->out, "stopped: catchpoint %d (int): hardware interrupt, vector "
					   "%02Xh, taken before %s: now at its handler",
				 cn->id, (unsigned)st->last_vector, where);
		else
			text_add(&st->out, "stopped: catchpoint %d (int): NMI taken before %s: now at "
					   "its handler",
				 cn->id, where);
		stop = true;
	}
	return stop;
}

/* The message for a machine stop; true when the guest can never run again. */
static bool report_machine_stop(struct stepper *st, enum machine_stop why)
{
	const struct cpu *cpu = &st->m->cpu;
	struct text_lines *o = &st->out;
	unsigned sel = cpu->seg[SEG_CS].sel;
	switch (why) {
	case MACHINE_DEBUG_EXIT:
		text_add(o, "stopped: the guest wrote to the debug-exit port (exit status %d); the run "
			    "is over",
			 st->m->debug.exit_status & 0xFF);
		return true;
	case MACHINE_HALTED:
		text_add(o, "stopped: the guest halted with interrupts disabled at %04X:%0*X: nothing "
			    "can wake it",
			 sel, cpu->code32 ? 8 : 4, cpu->eip);
		return false;
	case MACHINE_SHUTDOWN:
		text_add(o, "stopped: triple fault (shutdown) at %04X:%0*X; the run is over", sel,
			 cpu->code32 ? 8 : 4, cpu->eip);
		return true;
	case MACHINE_RESET:
		text_add(o, "stopped: the guest requested a system reset at %04X:%0*X; the run is "
			    "over",
			 sel, cpu->code32 ? 8 : 4, cpu->eip);
		return true;
	case MACHINE_INSN_LIMIT:
		text_add(o, "stopped: the --max-insns limit of %llu instructions was reached",
			 (unsigned long long)st->m->insn_limit);
		return true;
	case MACHINE_QUIT:
		text_add(o, "stopped: quit asked for from the serial terminal");
		return true;
	case MACHINE_DIVERGED:
		text_add(o, "stopped: --engine check found the engines differ (see stderr)");
		return true;
	case MACHINE_SLICE_DONE:
		break;
	}
	return false;
}

/* Where NEXT stops for the instruction at CS:EIP: after a call, an
 * interrupt, a repeated string instruction or a loop, the instruction
 * that follows it; false for anything else (NEXT is then one step). */
static bool step_over_target(struct stepper *st, struct guest_pos *ret, bool *check_sp)
{
	const struct cpu *cpu = &st->m->cpu;
	struct x86_insn in;
	if (cpu->halted || !stepper_decode_current(st, &in))
		return false;
	x86_handler h = in.op->handler;
	const struct vmm_routine_info *r = vmm_routine_lookup(h);
	bool call = h == op_call_Jz || h == op_call_Ev || h == vmm_call_Ap || h == vmm_call_Mp ||
		    (r && r->stat == VMM_STAT_INT);
	bool repeat = h == op_loop || ((in.op->cls & CLS_STRING) && in.rep != REP_NONE);
	if (!call && !repeat)
		return false;
	stepper_pos(st, ret);
	ret->eip = (cpu->eip + in.len) & cpu->eip_mask;
	*check_sp = call;
	return true;
}

void stepper_go(struct stepper *st, enum run_mode mode, uint64_t count,
		const struct code_addr *target)
{
	struct machine *m = st->m;
	struct cpu *cpu = &m->cpu;
	if (st->ended) {
		text_add(&st->out, "error: the guest's run is over; inspect it, or q to quit");
		return;
	}
	struct guest_pos over;
	bool check_sp = false;
	bool stepping_over = mode == RUN_NEXT && step_over_target(st, &over, &check_sp);
	struct stop_point *cm = find_catch(st, CATCH_MODE);
	bool watching = false;
	for (unsigned i = 0; i < st->npoints; i++)
		watching |= st->point[i].kind == POINT_WATCH;

	/* continue and until run under the machine's engine; step and next
	 * always through the interpreter, one instruction at a time. */
	bool engine_turns = mode == RUN_CONTINUE || mode == RUN_UNTIL;
	uint64_t steps = 0, next_poll = 0x4000;
	uint64_t exc_before[32];
	for (;;) {
		struct guest_pos before;
		stepper_pos(st, &before);
		bool code32 = cpu->code32, was_halted = cpu->halted;
		unsigned sig = mode_signature(cpu);
		memcpy(exc_before, cpu->exceptions, sizeof(exc_before));
		uint64_t ints_before = cpu->interrupts;
		st->last_vector = -1;

		struct turn_pos tp = {.last = before, .next = before, .code32 = code32, .count = 1};
		enum machine_stop why;
		if (engine_turns && !was_halted && stepper_bt_ready(st)) {
			tp.count = st->run_limit > steps ? st->run_limit - steps : 1;
			why = stepper_bt_turn(st, mode == RUN_UNTIL ? target : NULL, &tp);
		} else {
			why = machine_step(m);
			/* Remember what ran, for the disassembly pane. */
			if (!was_halted && cpu->interrupts == ints_before)
				stepper_push_history(st, &before, code32);
		}
		steps += tp.count;
		if (why != MACHINE_SLICE_DONE) {
			st->ended = report_machine_stop(st, why);
			return;
		}

		bool stop = check_delivered(st, exc_before, ints_before, &tp);
		if (watching)
			stop |= check_watch(st, &tp);
		if (cm && mode_signature(cpu) != sig) {
			char a[64], b[64], where[32];
			mode_sig_text(sig, a, sizeof(a));
			mode_sig_text(mode_signature(cpu), b, sizeof(b));
			pos_text(&tp.last, code32, where, sizeof(where));
			cm->hits++;
			text_add(&st->out, "stopped: catchpoint %d (mode): %s -> %s, by the instruction "
					   "at %s",
				 cm->id, a, b, where);
			stop = true;
		}
		if (!cpu->halted)
			stop |= check_before(st);
		if (stop)
			return;

		if (mode == RUN_STEP && steps >= count)
			return;
		if (mode == RUN_NEXT) {
			if (!stepping_over)
				return;
			struct guest_pos now;
			stepper_pos(st, &now);
			if (now.sel == over.sel && now.eip == over.eip &&
			    (!check_sp || now.ss != over.ss || now.esp >= over.esp))
				return;
		}
		if (mode == RUN_UNTIL && stepper_at_addr(st, target)) {
			char where[32];
			text_add(&st->out, "stopped: reached %s",
				 stepper_addr_text(target, where, sizeof(where)));
			return;
		}
		if (steps >= st->run_limit) {
			text_add(&st->out, "stopped: %llu instructions without reaching a stop (the run "
					   "limit; 'limit N' changes it)",
				 (unsigned long long)steps);
			return;
		}
		if (steps >= next_poll) {
			next_poll = steps + 0x4000;
			if (st->poll_stop && st->poll_stop(st)) {
				text_add(&st->out, "stopped: interrupted from the keyboard");
				return;
			}
		}
	}
}

void stepper_push_history(struct stepper *st, const struct guest_pos *p, bool code32)
{
	if (st->hist_n == STEPPER_HISTORY) {
		memmove(&st->hist[0], &st->hist[1], sizeof(st->hist[0]) * (STEPPER_HISTORY - 1));
		st->hist_n--;
	}
	st->hist[st->hist_n++] =
		(struct exec_record){.sel = p->sel, .eip = p->eip, .lin = p->lin, .code32 = code32};
}

/* --- script mode ---------------------------------------------------------------- */

/* The guest's debug console (port 0xE9) in script mode: its lines go to
 * stdout like the stepper's own, marked "console: " so a transcript says
 * who printed what. A line the guest has not finished when a command ends
 * is ended there, so the stepper's next line starts on a line of its own. */
struct console_tap {
	FILE *out;
	bool mid_line;
};

static ssize_t console_tap_write(void *cookie, const char *buf, size_t size)
{
	struct console_tap *tap = cookie;
	for (size_t i = 0; i < size; i++) {
		if (!tap->mid_line)
			fputs("console: ", tap->out);
		fputc(buf[i], tap->out);
		tap->mid_line = buf[i] != '\n';
	}
	return (ssize_t)size;
}

static void console_tap_end_line(struct console_tap *tap, FILE *con)
{
	if (con)
		fflush(con);
	if (tap->mid_line) {
		fputc('\n', tap->out);
		tap->mid_line = false;
	}
}

static void print_panes(struct stepper *st, unsigned mask, FILE *f)
{
	struct text_lines t = {0};
	for (int p = 0; p < PANE_COUNT; p++) {
		if (!(mask & (1u << p)))
			continue;
		text_clear(&t);
		stepper_render_pane(st, (enum stepper_pane)p, &t, 0);
		fprintf(f, "-- %s --\n", stepper_pane_names[p]);
		for (unsigned i = 0; i < t.n; i++)
			fprintf(f, "%s\n", t.line[i]);
	}
	text_free(&t);
}

/* Reads commands line by line from `in` and prints their output and the
 * panes as plain text. With `echo`, each command is printed first (after a
 * "(popek) " prompt) so a transcript reads like a session. */
static int run_script(struct stepper *st, FILE *in, bool echo, bool prompt)
{
	FILE *out = stdout;
	char line[1024];
	struct debug_ports *dbg = &st->m->debug;
	FILE *saved_con = dbg->debugcon, *con = NULL;
	struct console_tap tap = {.out = out};
	if (dbg->debugcon == stdout) {
		con = fopencookie(&tap, "w", (cookie_io_functions_t){.write = console_tap_write});
		if (con) {
			setvbuf(con, NULL, _IONBF, 0);
			dbg->debugcon = con;
		}
	}
	/* A person at a terminal sees where the guest is; a script asks
	 * with `show` when it wants to. */
	fprintf(out, "popek stepper: 'help' lists the commands\n");
	if (prompt)
		print_panes(st, st->panes, out);
	for (;;) {
		if (prompt) {
			fputs("(popek) ", out);
			fflush(out);
		}
		if (!fgets(line, sizeof(line), in))
			break;
		size_t n = strlen(line);
		bool complete = n && line[n - 1] == '\n';
		if (!complete && !feof(in)) {
			/* Longer than the buffer: skip the rest of the line. */
			int c;
			while ((c = fgetc(in)) != EOF && c != '\n')
				;
			text_clear(&st->out);
			fprintf(out, "error: command line longer than %zu characters\n",
				sizeof(line) - 2);
			continue;
		}
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' ||
			     line[n - 1] == '\t'))
			line[--n] = 0;
		char *cmd = line;
		while (*cmd == ' ' || *cmd == '\t')
			cmd++;
		if (!*cmd || *cmd == '#')
			continue;
		/* "quiet on" itself is not echoed, so a quiet script starts quiet. */
		if (echo && !st->quiet && strcmp(cmd, "quiet on"))
			fprintf(out, "(popek) %s\n", cmd);
		text_clear(&st->out);
		int panes = stepper_exec(st, cmd);
		console_tap_end_line(&tap, con);
		for (unsigned i = 0; i < st->out.n; i++)
			fprintf(out, "%s\n", st->out.line[i]);
		if (panes > 0)
			print_panes(st, (unsigned)panes, out);
		fflush(out);
		if (st->quit)
			break;
	}
	if (con) {
		console_tap_end_line(&tap, con);
		dbg->debugcon = saved_con;
		fclose(con);
	}
	fflush(out);
	return 0;
}

int stepper_run(struct machine *m, const struct options *o)
{
	FILE *script = NULL;
	if (o->step_script) {
		if (!strcmp(o->step_script, "-")) {
			script = stdin;
		} else {
			script = fopen(o->step_script, "r");
			if (!script) {
				fprintf(stderr, "popek: --step-script %s: %s\n", o->step_script,
					strerror(errno));
				return EXIT_USAGE;
			}
		}
	}
	bool in_tty = isatty(STDIN_FILENO), out_tty = isatty(STDOUT_FILENO);
	if (!script && !in_tty && !out_tty) {
		fprintf(stderr, "popek: --step needs a terminal, or commands from --step-script FILE\n");
		return EXIT_USAGE;
	}

	struct stepper *st = malloc(sizeof(*st));
	char err[128];
	if (!st || stepper_init(st, m, err, sizeof(err)) < 0) {
		fprintf(stderr, "popek: %s\n", st ? err : "out of memory");
		free(st);
		if (script && script != stdin)
			fclose(script);
		return EXIT_USAGE;
	}
	m->insn_limit = o->max_insns;
	int status;
	if (script)
		status = run_script(st, script, true, false);
	else if (in_tty && out_tty)
		status = stepper_tui_run(st);
	else
		status = run_script(st, stdin, !in_tty, in_tty);
	if (script && script != stdin)
		fclose(script);
	stepper_free(st);
	free(st);
	return status;
}
