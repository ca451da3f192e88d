/* serial_backend.c: the host end of a serial port (see serial_backend.h):
 * stdout/stdin with the terminal in raw mode, a file, or nothing.
 *
 * Input is never read with a blocking call: a clock event looks at stdin
 * every SERIAL_POLL_NS of virtual time with poll(), so a guest that does
 * not read its serial port costs nothing but that look, and a headless run
 * with stdin at end of file stays deterministic.
 */
#include "devices/serial_backend.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vmm/clock.h"

/* The terminal's settings from before raw mode, and the signal dispositions
 * our handler replaced. This is popek's one piece of global mutable state,
 * on purpose: a signal handler and an atexit() function must put the
 * terminal back, and neither can be handed a pointer to a machine. There is
 * only one controlling terminal, so one copy is enough. */
static struct {
	volatile sig_atomic_t raw; /* the terminal is in our raw mode */
	struct termios saved;
	bool atexit_registered;
	struct sigaction old_action[4];
} serial_tty;

static const int serial_tty_signals[4] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

void serial_backend_restore_terminal(void)
{
	if (!serial_tty.raw)
		return;
	serial_tty.raw = 0;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &serial_tty.saved);
	for (int i = 0; i < 4; i++)
		sigaction(serial_tty_signals[i], &serial_tty.old_action[i], NULL);
}

/* A signal that would end the process: put the terminal back (tcsetattr
 * is async-signal-safe), then let the signal do what it did before. */
static void serial_tty_signal(int sig)
{
	if (serial_tty.raw) {
		serial_tty.raw = 0;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &serial_tty.saved);
	}
	for (int i = 0; i < 4; i++) {
		if (serial_tty_signals[i] == sig) {
			sigaction(sig, &serial_tty.old_action[i], NULL);
			break;
		}
	}
	raise(sig);
}

/* Raw mode for a serial console: every key goes to the guest as typed
 * (Enter sends CR, Ctrl-C is 0x03, no echo, no flow control), output
 * post-processing stays on so popek's own messages on stderr still start
 * at the left margin. Returns true when the terminal was switched. */
static bool serial_tty_make_raw(void)
{
	if (serial_tty.raw)
		return false; /* the other port already has it */
	if (tcgetattr(STDIN_FILENO, &serial_tty.saved) < 0)
		return false;
	struct termios raw = serial_tty.saved;
	raw.c_iflag &=
		~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	raw.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
	raw.c_cflag |= CS8;
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = serial_tty_signal;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 4; i++)
		sigaction(serial_tty_signals[i], &sa, &serial_tty.old_action[i]);
	if (!serial_tty.atexit_registered) {
		serial_tty.atexit_registered = true;
		atexit(serial_backend_restore_terminal);
	}
	serial_tty.raw = 1;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) < 0) {
		serial_backend_restore_terminal();
		return false;
	}
	return true;
}

static void serial_flush(struct serial_backend *b)
{
	if (b->out && b->out_dirty) {
		if (fflush(b->out) != 0)
			b->out_error = true;
		b->out_dirty = false;
	}
}

/* The poll event: look at the input, flush what is pending, and come back
 * while there is input to wait for. */
static void serial_poll_fire(void *opaque, uint64_t now)
{
	struct serial_backend *b = opaque;
	serial_backend_poll(b);
	serial_flush(b);
	if (b->in_fd >= 0)
		clock_arm(b->clock, b->poll_event, now + SERIAL_POLL_NS);
}

int serial_backend_attach(struct serial_backend *b, int in_fd, FILE *out, struct clock *clk)
{
	b->in_fd = in_fd;
	b->out = out;
	b->clock = clk;
	b->in_head = b->in_count = 0;
	b->poll_event = -1;
	if (!clk || (in_fd < 0 && !out))
		return 0;
	b->poll_event = clock_add_event(clk, "serial-poll", serial_poll_fire, b);
	if (b->poll_event < 0)
		return -1;
	if (in_fd >= 0)
		clock_arm(clk, b->poll_event, clk->now_ns + SERIAL_POLL_NS);
	return 0;
}

int serial_backend_open(struct serial_backend *b, const char *spec, const char *what,
			struct clock *clk, char *err, size_t errlen)
{
	memset(b, 0, sizeof(*b));
	b->in_fd = -1;
	b->poll_event = -1;
	snprintf(b->what, sizeof(b->what), "%s", what);
	int in_fd = -1;
	FILE *out = NULL;
	if (!spec || !strcmp(spec, "none")) {
		b->kind = SERIAL_NONE;
		return 0;
	} else if (!strcmp(spec, "stdio")) {
		b->kind = SERIAL_STDIO;
		out = stdout;
		in_fd = STDIN_FILENO;
		if (isatty(STDIN_FILENO)) {
			/* A job in the background must not read its terminal:
			 * it would be stopped with SIGTTIN. */
			if (tcgetpgrp(STDIN_FILENO) != getpgrp())
				in_fd = -1;
			else if (isatty(STDOUT_FILENO))
				b->escapes = serial_tty_make_raw();
		}
	} else if (!strncmp(spec, "file:", 5) && spec[5]) {
		b->kind = SERIAL_FILE;
		snprintf(b->what, sizeof(b->what), "%s %s", what, spec + 5);
		out = fopen(spec + 5, "wb");
		if (!out) {
			snprintf(err, errlen, "%s %s: %s", what, spec + 5, strerror(errno));
			return -1;
		}
		b->out_owned = true;
	} else {
		snprintf(err, errlen, "%s: '%s' is not stdio, none or file:PATH", what, spec);
		return -1;
	}
	bool escapes = b->escapes;
	if (serial_backend_attach(b, in_fd, out, clk) < 0) {
		snprintf(err, errlen, "%s: too many timer events", what);
		serial_backend_close(b);
		return -1;
	}
	b->escapes = escapes;
	return 0;
}

void serial_backend_write(struct serial_backend *b, uint8_t byte)
{
	if (!b || !b->out)
		return;
	if (fputc(byte, b->out) == EOF)
		b->out_error = true;
	b->out_dirty = true;
	if (byte == '\n') {
		serial_flush(b);
	} else if (b->poll_event >= 0 && b->clock->events[b->poll_event].deadline == CLOCK_NEVER) {
		/* A prompt without a newline still shows up soon. */
		clock_arm(b->clock, b->poll_event, b->clock->now_ns + SERIAL_POLL_NS);
	}
}

int serial_backend_read(struct serial_backend *b)
{
	if (!b || !b->in_count)
		return -1;
	uint8_t v = b->in_buf[b->in_head];
	b->in_head = (b->in_head + 1) % SERIAL_IN_BUF;
	b->in_count--;
	return v;
}

static void serial_push(struct serial_backend *b, uint8_t v)
{
	if (b->in_count >= SERIAL_IN_BUF)
		return; /* cannot happen: we read no more than there is room for */
	b->in_buf[(b->in_head + b->in_count) % SERIAL_IN_BUF] = v;
	b->in_count++;
}

/* Ctrl-A escapes on our raw terminal. Anything after Ctrl-A other than the
 * keys below is dropped, so a mistyped escape never reaches the guest. */
static void serial_escape(struct serial_backend *b, uint8_t v)
{
	b->escape_seen = false;
	if (v == SERIAL_ESCAPE_KEY) {
		serial_push(b, v);
	} else if (v == 'x' || v == 'X') {
		b->quit_requested = true;
		b->in_fd = -1;
		serial_flush(b);
		serial_backend_restore_terminal();
		fprintf(stderr, "popek: quit (Ctrl-A x)\n");
		if (b->quit)
			b->quit(b->quit_opaque);
	} else if (v == 'h' || v == 'H' || v == '?') {
		fprintf(stderr, "\r\npopek: Ctrl-A x  quit\r\n"
				"popek: Ctrl-A Ctrl-A  send Ctrl-A to the guest\r\n"
				"popek: Ctrl-A h  this help\r\n");
	}
}

void serial_backend_poll(struct serial_backend *b)
{
	if (!b || b->in_fd < 0 || b->quit_requested)
		return;
	size_t room = SERIAL_IN_BUF - b->in_count;
	if (room == 0)
		return;
	struct pollfd pfd = { .fd = b->in_fd, .events = POLLIN };
	if (poll(&pfd, 1, 0) <= 0 || !(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	uint8_t buf[256];
	ssize_t n = read(b->in_fd, buf, room < sizeof(buf) ? room : sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		/* End of input (or an error on it): stop looking. */
		b->in_fd = -1;
		return;
	}
	unsigned before = b->in_count;
	for (ssize_t i = 0; i < n && !b->quit_requested; i++) {
		if (b->escape_seen)
			serial_escape(b, buf[i]);
		else if (b->escapes && buf[i] == SERIAL_ESCAPE_KEY)
			b->escape_seen = true;
		else
			serial_push(b, buf[i]);
	}
	if (b->in_count > before && b->notify)
		b->notify(b->notify_opaque);
}

void serial_backend_close(struct serial_backend *b)
{
	if (!b)
		return;
	serial_flush(b);
	if (b->out_owned && b->out) {
		if (fclose(b->out) != 0)
			b->out_error = true;
		b->out = NULL;
		b->out_owned = false;
	}
	if (b->out_error) {
		fprintf(stderr, "popek: %s: write error\n", b->what);
		b->out_error = false;
	}
	b->out = NULL;
	if (b->escapes) {
		serial_backend_restore_terminal();
		b->escapes = false;
	}
	b->in_fd = -1;
	if (b->poll_event >= 0 && b->clock)
		clock_disarm(b->clock, b->poll_event);
}
