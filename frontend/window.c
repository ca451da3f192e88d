/* window.c: the desktop window's run loop: the guest runs in slices of
 * virtual time, and between slices the window takes SDL's events (keys,
 * the mouse, hotkeys, closing), shows a new frame when the VGA has one and
 * the display is due for one, and keeps the title bar up to date.
 *
 * Pacing. The virtual clock runs from retired instructions (vmm/clock.h):
 * 10 ns each, and a HLT skips straight to the next device deadline. A
 * headless run wants exactly that; a window does not, or an idle guest
 * would see its timer tick as fast as the host can skip. So, in the
 * window only (the clock itself never reads the host's):
 *   - while the guest has idled in a slice (time skipped by HLT), the host
 *     sleeps until its own clock catches up with the virtual one, so the
 *     guest's timers, its cursor blink and its key repeat run at real speed;
 *   - while the guest is busy, it runs flat out: a slice that did not idle
 *     never sleeps, even when the interpreter is faster than the 100 MIPS
 *     virtual CPU. Such a lead is forgotten beyond PACE_MAX_LEAD, so the
 *     next idle moment does not sleep off a long busy stretch;
 *   - a guest that falls behind (a slow stretch of code) catches up by at
 *     most PACE_MAX_LAG, then the debt is forgotten, so a long busy stretch
 *     is not followed by a burst of timer ticks.
 * Pausing (and the stepper) re-anchors the two clocks.
 */
#include "frontend/window.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frontend/screenshot.h"
#include "frontend/stats.h"
#include "frontend/stepper.h"
#include "frontend/window_internal.h"

/* Virtual time per machine_run() call, and the host time the loop spends
 * running slices before it looks at events again. */
#define SLICE_NS 5000000ull
#define BATCH_S 0.010
#define PACE_MAX_LEAD 0.020
#define PACE_MAX_LAG 0.100
/* How long a note ("engine: translator") stays in the title. */
#define NOTE_S 2.0
/* The title's separator: plain ASCII, which every window manager shows. */
#define SEP " - "

static double host_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --- opening ------------------------------------------------------------------ */

/* Starts SDL's video and makes the window and its renderer. Returns NULL
 * with SDL's reason in err. */
static struct window *window_create(const struct options *o, char *err, size_t errlen)
{
	if (SDL_Init(SDL_INIT_VIDEO) < 0) {
		snprintf(err, errlen, "%s", SDL_GetError());
		return NULL;
	}
	/* SDL falls back to drivers that show nothing; they are a window only
	 * when asked for by name (SDL_VIDEODRIVER). */
	const char *driver = SDL_GetCurrentVideoDriver();
	const char *asked = getenv("SDL_VIDEODRIVER");
	if (driver && (!strcmp(driver, "dummy") || !strcmp(driver, "offscreen")) &&
	    (!asked || !*asked)) {
		snprintf(err, errlen, "no display (SDL's video driver is %s)", driver);
		SDL_Quit();
		return NULL;
	}
	struct window *w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(err, errlen, "out of memory");
		SDL_Quit();
		return NULL;
	}
	w->integer_scale = o->scale_integer;
	/* The VGA starts in 80x25 text: 720x400 dots. */
	w->disp_w = 720;
	w->disp_h = 400;
	w->win = SDL_CreateWindow("popek", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, 720,
				  400, SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
	if (w->win) {
		/* No vsync: presenting must never hold the guest up. The loop
		 * presents at the display's rate itself. */
		w->ren = SDL_CreateRenderer(w->win, -1, SDL_RENDERER_ACCELERATED);
		if (!w->ren)
			w->ren = SDL_CreateRenderer(w->win, -1, SDL_RENDERER_SOFTWARE);
	}
	if (!w->win || !w->ren) {
		snprintf(err, errlen, "%s", SDL_GetError());
		window_close(w);
		return NULL;
	}
	w->max_w = w->max_h = WINDOW_MAX_PIXELS;
	SDL_RendererInfo info;
	if (SDL_GetRendererInfo(w->ren, &info) == 0) {
		if (info.max_texture_width > 0 && (unsigned)info.max_texture_width < w->max_w)
			w->max_w = (unsigned)info.max_texture_width;
		if (info.max_texture_height > 0 && (unsigned)info.max_texture_height < w->max_h)
			w->max_h = (unsigned)info.max_texture_height;
	}
	const char *hook = getenv(WINDOW_MAX_TEXTURE_ENV);
	if (hook) {
		unsigned long n = strtoul(hook, NULL, 10);
		if (n >= 64 && n < w->max_w)
			w->max_w = (unsigned)n;
		if (n >= 64 && n < w->max_h)
			w->max_h = (unsigned)n;
	}
	SDL_SetRenderDrawColor(w->ren, 0, 0, 0, 255);
	SDL_RenderClear(w->ren);
	SDL_RenderPresent(w->ren);
	return w;
}

int window_open(const struct options *o, struct window **out)
{
	*out = NULL;
	bool insisted = o->display && !strcmp(o->display, "sdl");
	/* --screenshot and --dump-text are written at the end of a batch run:
	 * they ask for a headless run as --headless does. */
	const char *batch = o->screenshot ? "--screenshot" : o->dump_text ? "--dump-text" : NULL;
	if (insisted && (o->headless || batch)) {
		fprintf(stderr, "popek: --display sdl and %s contradict each other (%s)\n",
			o->headless ? "--headless" : batch,
			o->headless ? "--headless runs without a window"
				    : "it is for headless runs; Ctrl+Alt+S saves a screenshot in the window");
		return -1;
	}
	if (!insisted && (o->headless || o->display || batch))
		return 0; /* a headless run was asked for */
	/* No display at all: headless, as documented, without a word (unless
	 * SDL is told which video driver to use, e.g. on a console). */
	const char *x11 = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
	const char *driver = getenv("SDL_VIDEODRIVER");
	if ((!x11 || !*x11) && (!wl || !*wl) && (!driver || !*driver)) {
		if (!insisted)
			return 0;
		fprintf(stderr, "popek: cannot open a window: no display (DISPLAY and "
				"WAYLAND_DISPLAY are not set)\n");
		return -1;
	}
	/* Only the kind of display that is there is tried, so SDL does not
	 * fall back to others (a Wayland library complaining on stderr). */
	if (!driver || !*driver) {
		if (x11 && *x11 && (!wl || !*wl))
			SDL_SetHint(SDL_HINT_VIDEODRIVER, "x11");
		else if (wl && *wl && (!x11 || !*x11))
			SDL_SetHint(SDL_HINT_VIDEODRIVER, "wayland");
	}
	char err[256];
	struct window *w = window_create(o, err, sizeof(err));
	if (!w) {
		/* Which display it was, when there is only one to blame. */
		char where[96] = "";
		if (x11 && *x11 && (!wl || !*wl) && (!driver || !*driver))
			snprintf(where, sizeof(where), " on DISPLAY=%.60s", x11);
		else if (wl && *wl && (!x11 || !*x11) && (!driver || !*driver))
			snprintf(where, sizeof(where), " on WAYLAND_DISPLAY=%.60s", wl);
		fprintf(stderr, "popek: cannot open a window%s: %s%s\n", where, err,
			insisted ? "" : "; running headless");
		return insisted ? -1 : 0;
	}
	*out = w;
	return 0;
}

void window_close(struct window *w)
{
	if (!w)
		return;
	window_render_free(w);
	if (w->ren)
		SDL_DestroyRenderer(w->ren);
	if (w->win)
		SDL_DestroyWindow(w->win);
	free(w);
	SDL_Quit();
}

/* --- the run ------------------------------------------------------------------- */

/* The loop's state beside the window's own. */
struct run {
	struct window *w;
	struct machine *m;
	const struct options *o;
	double start;
	bool quit, paused, halted, redraw;
	/* The guest sleeps in HLT with interrupts enabled and no device will
	 * ever wake it: only the user can (a key, the mouse), so the guest
	 * does not run again until an input event comes. */
	bool idle;
	int status;

	/* Pacing: the host time the virtual time 0 corresponds to, and the
	 * host time before which the guest, ahead of real time, waits. */
	double offset;
	double resume_at;

	/* Frames. */
	double frame_interval, next_frame;
	uint64_t shown_gen;

	/* Title. */
	char title[256];
	double next_title;
	double mips, mips_t;
	uint64_t mips_insns;
	char note[96];
	double note_until;
	double last_reset_msg;
};

/* Makes host time `now` correspond to the current virtual time. */
static void pace_anchor(struct run *r, double now)
{
	r->offset = now - r->m->clock.now_ns / 1e9;
	r->resume_at = 0;
}

/* After a slice: returns how long the host should wait for real time to
 * catch up with the guest's (0: go on), with the policy at the top of
 * this file. */
static double pace(struct run *r, double now, bool idled)
{
	double ahead = r->m->clock.now_ns / 1e9 + r->offset - now;
	if (ahead < -PACE_MAX_LAG) {
		r->offset += -PACE_MAX_LAG - ahead;
		ahead = -PACE_MAX_LAG;
	}
	if (!idled) {
		if (ahead > PACE_MAX_LEAD)
			r->offset -= ahead - PACE_MAX_LEAD;
		return 0;
	}
	return ahead > 0 ? ahead : 0;
}

static void note(struct run *r, const char *text)
{
	snprintf(r->note, sizeof(r->note), "%.*s", (int)sizeof(r->note) - 1, text);
	r->note_until = host_seconds() + NOTE_S;
	r->next_title = 0;
}

/* The engine running the guest (--engine), as the title names it. */
static const char *engine_name(const struct machine *m)
{
	switch (m->engine) {
	case MACHINE_ENGINE_BT: return "translator";
	case MACHINE_ENGINE_CHECK: return "interpreter+translator check";
	default: return "interpreter";
	}
}

static const char *cpu_mode_name(const struct cpu *cpu)
{
	bool paging = cpu->cr[0] & CR0_PG;
	if (!(cpu->cr[0] & CR0_PE))
		return "real";
	if (cpu->eflags & FLAG_VM)
		return paging ? "v8086, paging" : "v8086";
	return paging ? "protected, paging" : "protected";
}

/* "popek - interpreter - 97.3 MIPS - protected, paging - POST 3F", then
 * the run's state and a passing note. */
static void update_title(struct run *r, double now)
{
	const struct clock *clk = &r->m->clock;
	if (now - r->mips_t >= 1.0) {
		r->mips = (clk->insns - r->mips_insns) / (now - r->mips_t) / 1e6;
		r->mips_insns = clk->insns;
		r->mips_t = now;
	}
	char t[sizeof(r->title)];
	int n = snprintf(t, sizeof(t), "popek" SEP "%s" SEP "%.1f MIPS" SEP "%s" SEP "POST %02X",
			 engine_name(r->m), r->mips, cpu_mode_name(&r->m->cpu),
			 r->m->debug.last_post);
	if (r->paused)
		n += snprintf(t + n, sizeof(t) - (size_t)n, SEP "paused");
	if (r->halted && (size_t)n < sizeof(t))
		n += snprintf(t + n, sizeof(t) - (size_t)n, SEP "halted");
	if (r->note[0] && now < r->note_until && (size_t)n < sizeof(t))
		n += snprintf(t + n, sizeof(t) - (size_t)n, SEP "%s", r->note);
	if (r->w->grabbed && (size_t)n < sizeof(t))
		snprintf(t + n, sizeof(t) - (size_t)n, SEP "Ctrl+Alt+G releases the mouse");
	if (strcmp(t, r->title)) {
		memcpy(r->title, t, sizeof(t));
		SDL_SetWindowTitle(r->w->win, t);
	}
	/* Once a second for the speed, sooner when a note expires. */
	r->next_title = now + 1.0;
	if (r->note[0] && r->note_until > now && r->note_until < r->next_title)
		r->next_title = r->note_until;
}

/* The screen as a PNG in the current directory, named after the time, never
 * over an existing file. */
static void take_screenshot(struct run *r)
{
	struct vga_frame f;
	vga_frame(&r->m->vga, &f);
	char name[64];
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	char stamp[32];
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	FILE *out = NULL;
	for (int i = 1; i < 100 && !out; i++) {
		if (i == 1)
			snprintf(name, sizeof(name), "popek-%s.png", stamp);
		else
			snprintf(name, sizeof(name), "popek-%s-%d.png", stamp, i);
		out = fopen(name, "wbx");
		if (!out && errno != EEXIST)
			break;
	}
	char msg[160], err[128];
	if (!out) {
		snprintf(msg, sizeof(msg), "screenshot failed: %s", strerror(errno));
	} else if (screenshot_write_png(&f, out, err, sizeof(err)) < 0) {
		fclose(out);
		remove(name);
		snprintf(msg, sizeof(msg), "screenshot failed: %s", err);
	} else if (fclose(out) != 0) {
		remove(name);
		snprintf(msg, sizeof(msg), "screenshot failed: %s", strerror(errno));
	} else {
		snprintf(msg, sizeof(msg), "screenshot saved to %s", name);
	}
	fprintf(stderr, "popek: %s\n", msg);
	note(r, msg);
}

/* The stepper takes over the terminal popek was started from, at the
 * instruction the guest is on; the window waits until the user leaves it. */
static void enter_stepper(struct run *r)
{
	struct machine *m = r->m;
	for (int i = 0; i < 2; i++) {
		if (m->serial[i].kind == SERIAL_STDIO) {
			note(r, "stepper not available: a serial port is on the terminal "
				"(use --serial none or file:PATH)");
			return;
		}
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		note(r, "stepper not available: popek was not started from a terminal");
		return;
	}
	window_release_all(r->w, m);
	window_set_grab(r->w, m, false);
	SDL_SetWindowTitle(r->w->win, "popek" SEP "in the stepper (see the terminal)");
	r->title[0] = 0;
	struct options so = *r->o;
	so.step = true;
	so.step_script = NULL;
	stepper_run(m, &so);
	/* Keys pressed for the stepper's terminal are not the guest's. */
	SDL_PumpEvents();
	SDL_FlushEvents(SDL_KEYDOWN, SDL_TEXTINPUT);
	m->insn_limit = r->o->max_insns;
	pace_anchor(r, host_seconds());
	r->redraw = true;
	r->next_title = 0;
}

static void do_hotkey(struct run *r, enum window_hotkey k)
{
	struct machine *m = r->m;
	switch (k) {
	case HOTKEY_PAUSE:
		r->paused = !r->paused;
		if (!r->paused)
			pace_anchor(r, host_seconds());
		r->next_title = 0;
		break;
	case HOTKEY_SCREENSHOT: take_screenshot(r); break;
	case HOTKEY_CTRL_ALT_DEL: window_send_ctrl_alt_del(r->w, m); break;
	case HOTKEY_RESET:
		machine_reset(m);
		r->halted = false;
		pace_anchor(r, host_seconds());
		note(r, "reset");
		break;
	case HOTKEY_ENGINE: {
		/* Between two slices the machine can change engines: the
		 * interpreter and the translator take turns; --engine check
		 * stays as it was chosen. */
		enum machine_engine to = m->engine == MACHINE_ENGINE_INTERP ? MACHINE_ENGINE_BT
									    : MACHINE_ENGINE_INTERP;
		if (m->engine == MACHINE_ENGINE_CHECK || machine_set_engine(m, to) < 0)
			note(r, "engine switch not possible (--engine check, or no code cache)");
		else
			note(r, to == MACHINE_ENGINE_BT ? "engine: translator" : "engine: interpreter");
		break;
	}
	case HOTKEY_STEPPER: enter_stepper(r); break;
	case HOTKEY_RELEASE: window_set_grab(r->w, m, false); r->next_title = 0; break;
	case HOTKEY_QUIT:
		r->quit = true;
		r->status = 0;
		break;
	case HOTKEY_NONE: break;
	}
}

static void handle_event(struct run *r, const SDL_Event *ev)
{
	struct window *w = r->w;
	switch (ev->type) {
	case SDL_QUIT:
		r->quit = true;
		r->status = 0;
		break;
	case SDL_WINDOWEVENT:
		switch (ev->window.event) {
		case SDL_WINDOWEVENT_CLOSE:
			r->quit = true;
			r->status = 0;
			break;
		case SDL_WINDOWEVENT_FOCUS_LOST:
			/* Keys released elsewhere must not stay down in the guest. */
			window_release_all(w, r->m);
			window_set_grab(w, r->m, false);
			r->next_title = 0;
			break;
		case SDL_WINDOWEVENT_EXPOSED:
		case SDL_WINDOWEVENT_SIZE_CHANGED:
		case SDL_WINDOWEVENT_RESTORED: r->redraw = true; break;
		default: break;
		}
		break;
	case SDL_KEYDOWN:
	case SDL_KEYUP: {
		enum window_hotkey k = window_hotkey(&ev->key);
		if (k != HOTKEY_NONE) {
			window_key_swallow(w, &ev->key);
			if (!ev->key.repeat)
				do_hotkey(r, k);
		} else {
			window_key_event(w, r->m, &ev->key);
		}
		break;
	}
	default:
		if (window_mouse_event(w, r->m, ev) && ev->type == SDL_MOUSEBUTTONDOWN)
			r->next_title = 0; /* perhaps grabbed */
		break;
	}
}

/* Why the machine stopped, for the messages and statuses a headless run
 * gives. Returns true when the run goes on. */
static bool machine_stopped(struct run *r, enum machine_stop why)
{
	struct machine *m = r->m;
	const struct cpu *cpu = &m->cpu;
	switch (why) {
	case MACHINE_SLICE_DONE: return true;
	case MACHINE_DEBUG_EXIT:
		r->status = m->debug.exit_status;
		fprintf(stderr, "popek: guest wrote to the debug-exit port: exit status %d\n",
			r->status & 0xFF);
		return false;
	case MACHINE_HALTED:
		if (cpu->eflags & FLAG_IF) {
			r->idle = true;
			return true;
		}
		/* Its last screen stays up: the user closes the window. */
		fprintf(stderr, "popek: guest halted with interrupts disabled at %04X:%08X\n",
			cpu->seg[SEG_CS].sel, cpu->eip);
		r->halted = true;
		r->status = EXIT_GUEST_HALTED;
		r->next_title = 0;
		return true;
	case MACHINE_QUIT: r->status = 0; return false;
	case MACHINE_DIVERGED:
		/* --engine check: the engines differ (said on stderr already). */
		r->status = EXIT_ENGINES_DIFFER;
		return false;
	default:
		/* No other stop exists; one added later and not handled
		 * here ends the run as a host-side error. */
		r->status = EXIT_USAGE;
		return false;
	case MACHINE_RESET:
	case MACHINE_SHUTDOWN: {
		const char *what = why == MACHINE_RESET ? "requested a system reset"
							: "triple fault (shutdown)";
		if (r->o->no_reboot) {
			fprintf(stderr, "popek: guest %s at %04X:%08X\n", what, cpu->seg[SEG_CS].sel,
				cpu->eip);
			r->status = EXIT_GUEST_RESET;
			return false;
		}
		/* A guest that resets over and over is said once a second. */
		double now = host_seconds();
		if (now - r->last_reset_msg >= 1.0) {
			fprintf(stderr, "popek: guest %s at %04X:%08X: rebooting\n", what,
				cpu->seg[SEG_CS].sel, cpu->eip);
			r->last_reset_msg = now;
		}
		machine_reset(m);
		return true;
	}
	case MACHINE_INSN_LIMIT:
		fprintf(stderr, "popek: instruction limit of %llu reached at %04X:%08X\n",
			(unsigned long long)r->o->max_insns, cpu->seg[SEG_CS].sel, cpu->eip);
		r->status = EXIT_INSN_LIMIT;
		return false;
	}
	return false;
}

/* Runs slices until BATCH_S of host time has gone, the next frame is due,
 * or the guest idles ahead of real time. Returns how long to wait then. */
static double run_guest(struct run *r, double now)
{
	struct machine *m = r->m;
	double until = now + BATCH_S;
	if (until > r->next_frame)
		until = r->next_frame;
	do {
		uint64_t idle = m->clock.idle_ns;
		enum machine_stop why = machine_run(m, SLICE_NS);
		if (!machine_stopped(r, why)) {
			r->quit = true;
			return 0;
		}
		now = host_seconds();
		if (r->halted || r->idle)
			return 0;
		double wait = pace(r, now, m->clock.idle_ns != idle);
		if (wait > 0)
			return wait;
	} while (now < until);
	return 0;
}

/* Shows the VGA's frame when it changed (or the window needs painting),
 * at most once per display refresh. */
static void show_frame(struct run *r, double now)
{
	struct window *w = r->w;
	if (now < r->next_frame)
		return;
	r->next_frame = now + r->frame_interval;
	uint64_t gen = vga_generation(&r->m->vga);
	if (gen == r->shown_gen && !r->redraw)
		return;
	if (gen != r->shown_gen)
		window_render_update(w, &r->m->vga);
	r->shown_gen = gen;
	r->redraw = false;
	/* A new raster size (a mode switch) gets a window of its size. */
	static const Uint32 keep_size = SDL_WINDOW_MAXIMIZED | SDL_WINDOW_FULLSCREEN;
	if (!w->sized || w->sized_w != w->disp_w || w->sized_h != w->disp_h) {
		w->sized = true;
		w->sized_w = w->disp_w;
		w->sized_h = w->disp_h;
		if (!(SDL_GetWindowFlags(w->win) & keep_size)) {
			int ww, wh;
			window_render_fit_size(w, &ww, &wh);
			SDL_SetWindowSize(w->win, ww, wh);
		}
	}
	window_render_present(w);
}

int window_run(struct window *w, struct machine *m, const struct options *o)
{
	struct run r = { .w = w, .m = m, .o = o, .status = 0, .redraw = true };
	m->insn_limit = o->max_insns;
	r.start = host_seconds();
	r.mips_t = r.start;
	r.mips_insns = m->clock.insns;
	r.last_reset_msg = -1e9;
	SDL_DisplayMode mode;
	int hz = 60;
	if (SDL_GetWindowDisplayMode(w->win, &mode) == 0 && mode.refresh_rate > 0)
		hz = mode.refresh_rate;
	r.frame_interval = 1.0 / hz;
	r.shown_gen = vga_generation(&m->vga) - 1;
	pace_anchor(&r, r.start);

	while (!r.quit) {
		SDL_Event ev;
		bool had_events = false;
		while (!r.quit && SDL_PollEvent(&ev)) {
			handle_event(&r, &ev);
			had_events = true;
		}
		/* An idle guest gets another look after any event: a key or a
		 * click may have raised its interrupt. Virtual time stood still
		 * meanwhile, so the clocks are anchored again. */
		if (had_events && r.idle) {
			r.idle = false;
			pace_anchor(&r, host_seconds());
		}
		window_mouse_flush(w, m);
		if (r.quit)
			break;
		double now = host_seconds();
		if (o->timeout_s > 0 && now - r.start >= o->timeout_s) {
			fprintf(stderr, "popek: timeout after %g s (%llu instructions)\n", o->timeout_s,
				(unsigned long long)m->clock.insns);
			r.status = EXIT_TIMEOUT;
			break;
		}
		double wait = 0;
		if (!r.paused && !r.halted && !r.idle) {
			/* The guest runs again once real time has caught up
			 * with it; events and frames are handled meanwhile. */
			if (now >= r.resume_at) {
				wait = run_guest(&r, now);
				if (r.quit)
					break;
				now = host_seconds();
				r.resume_at = now + wait;
			} else {
				wait = r.resume_at - now;
			}
		} else {
			/* Nothing runs: wake for events, and a few times a second
			 * for the title and --timeout. */
			wait = 0.1;
		}
		show_frame(&r, now);
		if (now >= r.next_title)
			update_title(&r, now);
		if (wait > 0) {
			/* Sleep for real time to catch up, but wake at once for
			 * input, and in time for the next frame. */
			double frame_in = r.next_frame - now;
			if (!r.paused && !r.halted && !r.idle && frame_in < wait)
				wait = frame_in;
			/* Whole milliseconds, rounded up: a wait shorter than
			 * one is still a wait (the guest does not run before
			 * resume_at anyway). */
			int ms = (int)(wait * 1000 + 0.999);
			if (ms > 0)
				SDL_WaitEventTimeout(NULL, ms);
		}
	}
	if (o->stats)
		stats_print(stderr, m, host_seconds() - r.start, r.status,
			    o->stats_json ? STATS_JSON : STATS_TEXT);
	return r.status;
}
