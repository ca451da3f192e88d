/* stepper_tui.c: the stepper's terminal UI (ncurses).
 *
 * The screen is built from the same lines of text the script mode prints
 * (stepper_panes.c); this file only decides where they go. On an 80x24
 * terminal, the smallest it supports:
 *
 *   row 0        status bar: mode, CPL, instructions, virtual time
 *   rows 1-4     registers and flags
 *   title        disassembly (the stack beside it from 110 columns on)
 *   5+ rows      the instructions that ran, => the current one, what follows
 *   title        vmm: what happens to the current instruction
 *   3 rows       "mnemonic: verdict", why, VMM counters and the engine (all
 *                5 rows from 30 lines)
 *   title        the lower pane, which Tab switches: segments, stack, memory,
 *                and the translated block (its guest instructions; the host
 *                code of the current one beside them from 120 columns on,
 *                below them on a narrower terminal)
 *   the rest     ...
 *   last rows    the last command's message, or the prompt while typing
 *
 * Extra rows go to the lower pane and then the disassembly. A smaller
 * terminal gets a message instead of a garbled screen, and a resize redraws.
 * Commands with long output (help, gdt, idt, walk, info break) open a pager
 * over the screen. While the guest runs, any key stops it. The guest's
 * debug console (port 0xE9), which would write over the screen, is captured
 * and its last line shown; everything it printed is written to stdout when
 * the UI ends.
 */
#include <ncurses.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/cli.h"
#include "frontend/stepper_internal.h"

#define TUI_MIN_COLS 80
#define TUI_MIN_ROWS 24
#define TUI_MSG_ROWS 3 /* at most, taken from the lower pane when needed */

/* The panes Tab cycles through at the bottom of the screen; the last turn
 * (index LOWER_COUNT) is the translated block. */
static const enum stepper_pane lower_panes[] = {PANE_SEGS, PANE_STACK, PANE_MEMORY};
#define TUI_BLOCK_BESIDE_COLS 120
/* From this width on, the stack also stands beside the disassembly. */
#define TUI_STACK_BESIDE_COLS 110
#define TUI_STACK_COLS 28
#define LOWER_COUNT (sizeof(lower_panes) / sizeof(lower_panes[0]))

struct tui {
	SCREEN *screen;
	unsigned lower; /* index into lower_panes */
	char last_cmd[256];
	/* The guest's debug console, captured while the UI owns the screen. */
	FILE *console;
	char *console_buf;
	size_t console_len;
	FILE *saved_debugcon;
	FILE *saved_post_log;
};

/* Draws `s` at (y, x), at most w columns, padding with blanks. */
static void put_line(int y, int x, int w, const char *s, attr_t attr)
{
	if (w <= 0)
		return;
	attron(attr);
	int n = 0;
	move(y, x);
	for (; s && s[n] && n < w; n++)
		addch((unsigned char)s[n] < 0x20 ? ' ' : (chtype)(unsigned char)s[n]);
	for (; n < w; n++)
		addch(' ');
	attroff(attr);
}

static void title(int y, int x, int w, const char *name)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "-- %s ", name);
	size_t n = strlen(buf);
	for (; (int)n < w && n < sizeof(buf) - 1; n++)
		buf[n] = '-';
	buf[n] = 0;
	put_line(y, x, w, buf, A_BOLD);
}

/* Renders pane `p` into rows [y, y+h) and columns [x, x+w). */
static void draw_pane(struct stepper *st, enum stepper_pane p, int y, int x, int w, int h,
		      unsigned skip)
{
	struct text_lines t = {0};
	stepper_render_pane(st, p, &t, (unsigned)h);
	for (int i = 0; i < h; i++) {
		const char *s = i + skip < t.n ? t.line[i + skip] : "";
		attr_t a = (p == PANE_DISASM && !strncmp(s, "=>", 2)) ? A_REVERSE : A_NORMAL;
		put_line(y + i, x, w, s, a);
	}
	text_free(&t);
}

/* The last complete (or partial) line the guest printed. */
static void console_tail(struct tui *ui, char *buf, size_t len)
{
	buf[0] = 0;
	if (!ui->console)
		return;
	fflush(ui->console);
	if (!ui->console_buf || !ui->console_len)
		return;
	size_t end = ui->console_len;
	while (end && ui->console_buf[end - 1] == '\n')
		end--;
	size_t start = end;
	while (start && ui->console_buf[start - 1] != '\n')
		start--;
	size_t n = end - start < len - 1 ? end - start : len - 1;
	memcpy(buf, ui->console_buf + start, n);
	buf[n] = 0;
}

/* The VMM pane without the block: all its lines when there is room (5
 * rows); on a small terminal three: "mnemonic: verdict", why, and the
 * counters with the engine. */
static void draw_vmm(struct stepper *st, int y, int cols, int rows)
{
	struct text_lines t = {0};
	stepper_render_vmm(st, &t, false);
	if (rows >= (int)t.n) {
		for (int i = 0; i < rows; i++)
			put_line(y + i, 0, cols, i < (int)t.n ? t.line[i] : "",
				 i == 1 ? A_BOLD : A_NORMAL);
		text_free(&t);
		return;
	}
	char l[3][512] = {"", "", ""};
	const char *insn = t.n ? t.line[0] + strspn(t.line[0] + 5, " ") + 5 : "";
	size_t name_len = strcspn(insn, " ");
	bool verdict = t.n > 1 && !strncmp(t.line[1], "verdict: ", 9);
	if (verdict) {
		snprintf(l[0], sizeof(l[0]), "%.*s: %s", (int)name_len, insn, t.line[1] + 9);
		snprintf(l[1], sizeof(l[1]), "%s", t.n > 2 ? t.line[2] : "");
	} else {
		snprintf(l[0], sizeof(l[0]), "%s", insn);
	}
	snprintf(l[2], sizeof(l[2]), "%.250s | %.250s", t.n ? t.line[t.n - 1] : "",
		 t.n > 1 ? t.line[t.n - 2] : "");
	for (int i = 0; i < 3; i++)
		put_line(y + i, 0, cols, l[i], i == 0 ? A_BOLD : A_NORMAL);
	text_free(&t);
}

/* The translated block: its guest instructions, and the host code of the
 * current one beside them (wide terminals) or below them. */
static void draw_block(struct stepper *st, int y, int cols, int rows)
{
	struct text_lines g = {0}, h = {0};
	stepper_render_block(st, BLOCK_GUEST, &g);
	stepper_render_block(st, BLOCK_HOST, &h);
	if (cols >= TUI_BLOCK_BESIDE_COLS) {
		int left = cols * 11 / 20, right = cols - left - 1;
		/* The guest lines from the current one's neighbourhood. */
		unsigned skip = 0;
		for (unsigned i = 0; i < g.n; i++)
			if (!strncmp(g.line[i], "=>", 2) && i + 2 > (unsigned)rows)
				skip = i + 2 - (unsigned)rows;
		for (int i = 0; i < rows; i++) {
			const char *gl = i + skip < g.n ? g.line[i + skip] : "";
			put_line(y + i, 0, left, gl, !strncmp(gl, "=>", 2) ? A_REVERSE : A_NORMAL);
			put_line(y + i, left, 1, "|", A_BOLD);
			put_line(y + i, left + 1, right, (unsigned)i < h.n ? h.line[i] : "", A_NORMAL);
		}
	} else {
		int r = 0;
		for (unsigned i = 0; i < g.n && r < rows; i++, r++)
			put_line(y + r, 0, cols, g.line[i], !strncmp(g.line[i], "=>", 2) ? A_REVERSE
										   : A_NORMAL);
		for (unsigned i = 0; i < h.n && r < rows; i++, r++)
			put_line(y + r, 0, cols, h.line[i], A_NORMAL);
		for (; r < rows; r++)
			put_line(y + r, 0, cols, "", A_NORMAL);
	}
	text_free(&g);
	text_free(&h);
}

static void draw(struct stepper *st, struct tui *ui)
{
	int rows, cols;
	getmaxyx(stdscr, rows, cols);
	erase();
	if (rows < TUI_MIN_ROWS || cols < TUI_MIN_COLS) {
		char buf[96];
		snprintf(buf, sizeof(buf), "popek stepper: the terminal is %dx%d; it needs %dx%d (q quits)",
			 cols, rows, TUI_MIN_COLS, TUI_MIN_ROWS);
		put_line(0, 0, cols, buf, A_BOLD);
		refresh();
		return;
	}
	char status[200], bar[300];
	stepper_status(st, status, sizeof(status));
	snprintf(bar, sizeof(bar), " popek stepper | %s", status);
	char engine[64];
	snprintf(engine, sizeof(engine), "[%s] ",
		 st->m->engine == MACHINE_ENGINE_BT ? "translator" : stepper_engine_name(st));
	if ((int)(strlen(bar) + strlen(engine)) + 2 <= cols)
		snprintf(bar + strlen(bar), sizeof(bar) - strlen(bar), "%*s", cols - (int)strlen(bar),
			 engine);
	put_line(0, 0, cols, bar, A_REVERSE);

	/* Registers: the pane's first line is the status, already in the bar. */
	draw_pane(st, PANE_REGS, 1, 0, cols, 4, 1);

	unsigned nmsg = st->out.n > TUI_MSG_ROWS ? 1 : (st->out.n ? st->out.n : 1);
	int vmm_rows = rows >= 30 ? 5 : 3;
	int free_rows = rows - 5 - 3 /* titles */ - vmm_rows - (int)nmsg;
	int lower = free_rows - 5;
	if (lower > 12)
		lower = 12;
	int dis = free_rows - lower;

	bool beside = cols >= TUI_STACK_BESIDE_COLS;
	int right = beside ? TUI_STACK_COLS : 0, left = beside ? cols - right - 1 : cols;
	int y = 5;
	title(y, 0, left, "disassembly");
	if (beside) {
		put_line(y, left, 1, "|", A_BOLD);
		title(y, left + 1, right, "stack");
	}
	y++;
	draw_pane(st, PANE_DISASM, y, 0, left, dis, 0);
	if (beside) {
		for (int i = 0; i < dis; i++)
			put_line(y + i, left, 1, "|", A_BOLD);
		draw_pane(st, PANE_STACK, y, left + 1, right, dis, 0);
	}
	y += dis;

	title(y++, 0, cols, "vmm: what happens to this instruction");
	draw_vmm(st, y, cols, vmm_rows);
	y += vmm_rows;

	char name[96];
	snprintf(name, sizeof(name), "%s (Tab: next pane)",
		 ui->lower < LOWER_COUNT ? stepper_pane_names[lower_panes[ui->lower]]
					 : "block: guest code, and the host code of =>");
	title(y++, 0, cols, name);
	if (ui->lower < LOWER_COUNT)
		draw_pane(st, lower_panes[ui->lower], y, 0, cols, lower, 0);
	else
		draw_block(st, y, cols, lower);
	y += lower;

	if (st->out.n && st->out.n <= TUI_MSG_ROWS) {
		for (unsigned i = 0; i < st->out.n; i++)
			put_line(y + (int)i, 0, cols, st->out.line[i], A_BOLD);
	} else {
		char tail[200], buf[260];
		console_tail(ui, tail, sizeof(tail));
		snprintf(buf, sizeof(buf), "%s%s",
			 tail[0] ? "guest console: " : "s step  n next  c continue  : command  "
						       "h help  q quit",
			 tail);
		put_line(y, 0, cols, buf, A_NORMAL);
	}
	refresh();
}

/* A pager over the screen for long command output. */
static void pager(struct text_lines *t)
{
	int top = 0;
	for (;;) {
		int rows, cols;
		getmaxyx(stdscr, rows, cols);
		erase();
		int h = rows - 1;
		for (int i = 0; i < h; i++)
			put_line(i, 0, cols, top + i < (int)t->n ? t->line[top + i] : "", A_NORMAL);
		put_line(rows - 1, 0, cols,
			 "-- arrows/PgUp/PgDn scroll, any other key returns --", A_REVERSE);
		refresh();
		int ch = getch();
		int max_top = (int)t->n > h ? (int)t->n - h : 0;
		if (ch == KEY_DOWN || ch == 'j')
			top++;
		else if (ch == KEY_UP || ch == 'k')
			top--;
		else if (ch == KEY_NPAGE || ch == ' ')
			top += h;
		else if (ch == KEY_PPAGE)
			top -= h;
		else if (ch != KEY_RESIZE)
			return;
		if (top > max_top)
			top = max_top;
		if (top < 0)
			top = 0;
	}
}

/* Reads a typed command on the last row. Returns false when cancelled. */
static bool prompt(struct stepper *st, struct tui *ui, char *buf, size_t len, int first)
{
	size_t n = 0;
	buf[0] = 0;
	if (first > 0 && first < 0x7F && first != ':')
		buf[n++] = (char)first, buf[n] = 0;
	curs_set(1);
	for (;;) {
		int rows, cols;
		getmaxyx(stdscr, rows, cols);
		char line[300];
		snprintf(line, sizeof(line), ": %s", buf);
		put_line(rows - 1, 0, cols, line, A_NORMAL);
		move(rows - 1, (int)(2 + n) < cols ? (int)(2 + n) : cols - 1);
		refresh();
		int ch = getch();
		if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
			curs_set(0);
			return true;
		}
		if (ch == 27 || ch == 3 /* Ctrl-C */) {
			curs_set(0);
			return false;
		}
		if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
			if (n)
				buf[--n] = 0;
		} else if (ch == KEY_RESIZE) {
			draw(st, ui);
		} else if (ch >= 0x20 && ch < 0x7F && n + 1 < len) {
			buf[n++] = (char)ch;
			buf[n] = 0;
		}
	}
}

/* While the guest runs: a key stops it. */
static bool tui_poll_stop(struct stepper *st)
{
	(void)st;
	nodelay(stdscr, TRUE);
	int ch = getch();
	nodelay(stdscr, FALSE);
	return ch != ERR && ch != KEY_RESIZE;
}

static void run_command(struct stepper *st, struct tui *ui, const char *cmd)
{
	snprintf(ui->last_cmd, sizeof(ui->last_cmd), "%s", cmd);
	text_clear(&st->out);
	int rows, cols;
	getmaxyx(stdscr, rows, cols);
	(void)rows;
	put_line(0, 0, cols, " popek stepper | running... (any key stops the guest)", A_REVERSE);
	refresh();
	stepper_exec(st, cmd);
	if (st->out.n > TUI_MSG_ROWS)
		pager(&st->out);
}

int stepper_tui_run(struct stepper *st)
{
	struct tui ui = {0};
	struct machine *m = st->m;
	ui.screen = newterm(NULL, stdout, stdin);
	if (!ui.screen) {
		fprintf(stderr, "popek: --step: this terminal cannot be used (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		return EXIT_USAGE;
	}
	/* The guest's console would write over the screen: capture it. */
	ui.saved_debugcon = m->debug.debugcon;
	ui.saved_post_log = m->debug.post_log;
	if (m->debug.debugcon == stdout || m->debug.post_log == stderr) {
		ui.console = open_memstream(&ui.console_buf, &ui.console_len);
		if (ui.console) {
			if (m->debug.debugcon == stdout)
				m->debug.debugcon = ui.console;
			if (m->debug.post_log == stderr)
				m->debug.post_log = ui.console;
		}
	}
	raw();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	st->poll_stop = tui_poll_stop;
	st->tui = &ui;

	while (!st->quit) {
		draw(st, &ui);
		int ch = getch();
		switch (ch) {
		case 's':
			run_command(st, &ui, "step");
			break;
		case 'n':
			run_command(st, &ui, "next");
			break;
		case 'c':
			run_command(st, &ui, "continue");
			break;
		case 'e':
			run_command(st, &ui, "engine");
			break;
		case 'h':
		case '?':
			run_command(st, &ui, "help");
			break;
		case 'q':
		case 4: /* Ctrl-D */
			st->quit = true;
			break;
		case '\t':
			ui.lower = (ui.lower + 1) % (LOWER_COUNT + 1);
			break;
		case '\n':
		case '\r':
		case KEY_ENTER:
			if (ui.last_cmd[0]) {
				char again[256];
				snprintf(again, sizeof(again), "%s", ui.last_cmd);
				run_command(st, &ui, again);
			}
			break;
		case 12: /* Ctrl-L: repaint the whole screen */
			clearok(stdscr, TRUE);
			break;
		case KEY_RESIZE:
		case ERR:
			break;
		default:
			if (ch == ':' || (ch > 0x20 && ch < 0x7F)) {
				char cmd[256];
				if (prompt(st, &ui, cmd, sizeof(cmd), ch) && cmd[0])
					run_command(st, &ui, cmd);
			}
			break;
		}
	}
	endwin();
	delscreen(ui.screen);
	st->poll_stop = NULL;
	st->tui = NULL;
	m->debug.debugcon = ui.saved_debugcon;
	m->debug.post_log = ui.saved_post_log;
	if (ui.console) {
		fclose(ui.console);
		if (ui.console_len && ui.saved_debugcon)
			fwrite(ui.console_buf, 1, ui.console_len, stdout);
		free(ui.console_buf);
	}
	return 0;
}
