/* window.h: the desktop window (SDL2): the guest's screen scaled into a
 * window, its keyboard and mouse, a title bar with the engine, the guest's
 * speed, the CPU mode and the last POST code, and Ctrl+Alt hotkeys (pause,
 * screenshot, Ctrl-Alt-Del, reset, engine, stepper, release the mouse,
 * quit; --help and the README list them).
 *
 * It is popek's default frontend when a display is there (DISPLAY or
 * WAYLAND_DISPLAY set and SDL's video starts) and neither --headless nor a
 * headless --display was given; `--display sdl` insists on it.
 */
#ifndef POPEK_FRONTEND_WINDOW_H
#define POPEK_FRONTEND_WINDOW_H

#include "frontend/cli.h"
#include "vmm/machine.h"

struct window;

/* Decides whether this run gets a window, before the machine is built (a
 * headless machine's firmware mirrors its text to COM1). Sets *out to the
 * open window, or to NULL for a headless run: asked for (--headless,
 * --display none|text, --screenshot, --dump-text), no display at all
 * (DISPLAY and WAYLAND_DISPLAY unset: quietly), or a display SDL cannot
 * open (said in one line on stderr). Returns -1 after printing one line
 * when the window was insisted on (--display sdl) and cannot open, "cannot
 * open a window[ on DISPLAY=...]: <reason>", or contradicts another
 * option (exit with EXIT_USAGE). */
int window_open(const struct options *o, struct window **out);

/* Runs `m` in the window until the user quits (the window's close button
 * or Ctrl+Alt+Q: status 0) or the run ends: the guest's debug-exit write,
 * --timeout, --max-insns, a reset with --no-reboot, all with the statuses
 * of a headless run. Without --no-reboot a guest's reset (or triple fault)
 * restarts the machine, as on a real PC. A guest halted for good leaves
 * its last screen up until the window is closed. Returns the exit status. */
int window_run(struct window *w, struct machine *m, const struct options *o);

/* Closes the window and shuts SDL down. Safe with NULL. */
void window_close(struct window *w);

#endif
