/* headless.c: the batch run loop. It runs the machine in slices of virtual
 * time and turns the reason the machine stopped into a one-line message
 * and an exit status. Between slices, and only there, it reads the host
 * clock: for --timeout, and to repaint --display text at most 30 times a
 * second. Neither changes what the guest sees, so runs stay deterministic.
 * At the end it writes what the user asked for: the final screen, a
 * screenshot, a text dump, the statistics. */
#include "frontend/headless.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frontend/screen_text.h"
#include "frontend/screenshot.h"
#include "frontend/stats.h"

/* 10 ms of virtual time (a million instructions) per slice. */
#define SLICE_NS 10000000ull
/* Shortest host time between two repaints of the terminal screen. */
#define REDRAW_INTERVAL_S (1.0 / 30)

static double host_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool display_text(const struct options *o)
{
	return o->display && !strcmp(o->display, "text");
}

bool headless_display_owns_terminal(const struct options *o)
{
	return display_text(o) && isatty(STDOUT_FILENO);
}

/* Opens an output file the run will write at its end. Done before the
 * guest runs, so a long run is not wasted on a path that cannot be
 * written. Prints one line and returns NULL on failure. */
static FILE *open_output(const char *opt, const char *path)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		fprintf(stderr, "popek: %s %s: %s\n", opt, path, strerror(errno));
	return f;
}

/* Closes an output file; a failure (a full disk) is reported. */
static int close_output(const char *opt, const char *path, FILE *f, int ok)
{
	if (fclose(f) != 0 && ok == 0) {
		fprintf(stderr, "popek: %s %s: %s\n", opt, path, strerror(errno));
		return -1;
	}
	return ok;
}

/* The one-line message for why the run ended, and the exit status. */
static int end_of_run(const struct machine *m, const struct options *o, enum machine_stop why)
{
	const struct cpu *cpu = &m->cpu;
	switch (why) {
	case MACHINE_DEBUG_EXIT:
		fprintf(stderr, "popek: guest wrote to the debug-exit port: exit status %d\n",
			m->debug.exit_status & 0xFF);
		return m->debug.exit_status;
	case MACHINE_HALTED:
		fprintf(stderr, "popek: guest halted with interrupts disabled at %04X:%08X\n",
			cpu->seg[SEG_CS].sel, cpu->eip);
		return EXIT_GUEST_HALTED;
	case MACHINE_QUIT:
		return 0; /* the serial backend has said so already */
	case MACHINE_RESET:
		/* Headless runs never reboot (QEMU's -no-reboot). */
		fprintf(stderr, "popek: guest requested a system reset at %04X:%08X\n",
			cpu->seg[SEG_CS].sel, cpu->eip);
		return EXIT_GUEST_RESET;
	case MACHINE_SHUTDOWN:
		fprintf(stderr, "popek: guest triple fault (shutdown) at %04X:%08X\n",
			cpu->seg[SEG_CS].sel, cpu->eip);
		return EXIT_GUEST_RESET;
	case MACHINE_DIVERGED:
		/* The difference itself is on stderr already. */
		fprintf(stderr, "popek: --engine check: the engines differ at %04X:%08X\n",
			cpu->seg[SEG_CS].sel, cpu->eip);
		return EXIT_ENGINES_DIFFER;
	default:
		fprintf(stderr, "popek: instruction limit of %llu reached at %04X:%08X\n",
			(unsigned long long)o->max_insns, cpu->seg[SEG_CS].sel, cpu->eip);
		return EXIT_INSN_LIMIT;
	}
}

/* Writes the screenshot and the text dump of the final frame. Returns 0,
 * or -1 after reporting a failure. */
static int write_outputs(const struct options *o, const struct vga_frame *f, FILE *png,
			 FILE *dump)
{
	int ret = 0;
	char err[160];
	if (png) {
		if (screenshot_font_empty(f))
			fprintf(stderr, "popek: --screenshot: the guest never loaded a font into the "
					"VGA (plane 2 is empty): text shows as cells without characters\n");
		int ok = screenshot_write_png(f, png, err, sizeof(err));
		if (ok < 0)
			fprintf(stderr, "popek: --screenshot %s: %s\n", o->screenshot, err);
		if (close_output("--screenshot", o->screenshot, png, ok) < 0)
			ret = -1;
	}
	if (dump) {
		int ok = screenshot_write_text(f, dump, err, sizeof(err));
		if (ok < 0)
			fprintf(stderr, "popek: --dump-text %s: %s\n", o->dump_text, err);
		if (close_output("--dump-text", o->dump_text, dump, ok) < 0)
			ret = -1;
	}
	return ret;
}

int headless_run(struct machine *m, const struct options *o)
{
	FILE *png = NULL, *dump = NULL;
	if (o->screenshot && !(png = open_output("--screenshot", o->screenshot)))
		return EXIT_USAGE;
	if (o->dump_text && !(dump = open_output("--dump-text", o->dump_text))) {
		if (png)
			fclose(png);
		return EXIT_USAGE;
	}

	/* --display text: on a terminal, repaint as the screen changes;
	 * otherwise (a pipe or a file, for scripts) print the final screen. */
	bool live = headless_display_owns_terminal(o);
	struct screen_text st;
	screen_text_init(&st, stdout);
	struct vga_frame f;
	uint64_t drawn_gen = 0;
	double last_draw = 0;

	double start = host_seconds();
	m->insn_limit = o->max_insns;
	enum machine_stop why;
	bool timed_out = false;
	for (;;) {
		why = machine_run(m, SLICE_NS);
		if (why != MACHINE_SLICE_DONE)
			break;
		if (o->timeout_s <= 0 && !live)
			continue;
		double now = host_seconds();
		if (o->timeout_s > 0 && now - start >= o->timeout_s) {
			timed_out = true;
			break;
		}
		if (live && now - last_draw >= REDRAW_INTERVAL_S &&
		    (!st.drawn || vga_generation(&m->vga) != drawn_gen)) {
			vga_frame(&m->vga, &f);
			screen_text_draw(&st, &f);
			drawn_gen = f.generation;
			last_draw = now;
		}
	}

	/* The final screen, before the closing message so that the message
	 * comes below it on a terminal. */
	vga_frame(&m->vga, &f);
	if (live) {
		screen_text_draw(&st, &f);
		screen_text_leave(&st);
	} else if (display_text(o)) {
		screen_text_write_plain(&f, stdout);
		fflush(stdout);
	}
	screen_text_free(&st);

	int status;
	if (timed_out) {
		fprintf(stderr, "popek: timeout after %g s (%llu instructions)\n", o->timeout_s,
			(unsigned long long)m->clock.insns);
		status = EXIT_TIMEOUT;
	} else {
		status = end_of_run(m, o, why);
	}
	if (write_outputs(o, &f, png, dump) < 0)
		status = EXIT_USAGE;
	if (o->stats)
		stats_print(stderr, m, host_seconds() - start, status,
			    o->stats_json ? STATS_JSON : STATS_TEXT);
	return status;
}
