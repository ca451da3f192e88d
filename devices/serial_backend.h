/* serial_backend.h: the host end of an emulated serial port.
 *
 * A UART's transmitter and receiver talk to a serial_backend, which is one of
 *   none    output dropped, no input (nothing plugged in);
 *   stdio   output to stdout, input from stdin: bytes are read without
 *           blocking from a periodic event on the virtual clock, and only
 *           while stdin is readable; at end of file the polling stops (a
 *           job in the background leaves its terminal alone). When stdin
 *           and stdout are both a terminal, the terminal is put in raw
 *           mode (no echo, no line editing, Ctrl-C goes to the guest) and
 *           Ctrl-A is an escape key: Ctrl-A x quits, Ctrl-A Ctrl-A sends
 *           Ctrl-A, Ctrl-A h lists the keys;
 *   file    output to a file (created or truncated), no input.
 * Output is flushed at every newline, shortly (1 ms of virtual time) after
 * the last byte otherwise, and at close. The terminal is restored on every
 * way out: serial_backend_close, exit(), and SIGINT/SIGTERM/SIGHUP/SIGQUIT.
 *
 * The backend does not know the UART: it tells its owner through `notify`
 * when input is waiting, and the UART pulls bytes at its own line speed.
 */
#ifndef POPEK_DEVICES_SERIAL_BACKEND_H
#define POPEK_DEVICES_SERIAL_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct clock;

enum serial_kind { SERIAL_NONE, SERIAL_STDIO, SERIAL_FILE };

/* Input waiting to be taken by the UART. Pasting more than this waits in
 * the host's own buffer until there is room. */
#define SERIAL_IN_BUF 4096
/* Virtual time between two looks at stdin (and the latest output flush). */
#define SERIAL_POLL_NS 1000000ull

#define SERIAL_ESCAPE_KEY 0x01 /* Ctrl-A */

struct serial_backend {
	enum serial_kind kind;
	FILE *out;           /* NULL: output dropped */
	bool out_owned;      /* fclose it at the end */
	bool out_error;      /* a write failed (reported once at close) */
	bool out_dirty;      /* bytes written since the last flush */
	int in_fd;           /* -1: no input */
	bool escapes;        /* Ctrl-A escapes (stdin is our raw terminal) */
	bool escape_seen;    /* the previous byte was Ctrl-A */
	bool quit_requested; /* the user typed Ctrl-A x */
	char what[48];       /* option and path, for messages */

	uint8_t in_buf[SERIAL_IN_BUF];
	unsigned in_head, in_count;

	struct clock *clock;
	int poll_event; /* -1 when the backend needs no events */

	/* Owner's hooks (may be NULL): input arrived; the user asked to quit. */
	void (*notify)(void *opaque);
	void *notify_opaque;
	void (*quit)(void *opaque);
	void *quit_opaque;
};

/* Opens the backend named by `spec`: "stdio", "none", "file:PATH", or NULL
 * (none). `what` names the option in messages ("--serial"). Returns 0, or
 * -1 with a one-line reason in err. */
int serial_backend_open(struct serial_backend *b, const char *spec, const char *what,
			struct clock *clk, char *err, size_t errlen);

/* Attaches already open descriptors: input from in_fd (-1: none), output to
 * out (NULL: none, not closed at the end). Escapes are off. Used by
 * serial_backend_open and by tests (a pipe, a memory stream). Returns 0, or
 * -1 when the clock has no room for the poll event. */
int serial_backend_attach(struct serial_backend *b, int in_fd, FILE *out, struct clock *clk);

/* Sends one byte to the host. */
void serial_backend_write(struct serial_backend *b, uint8_t byte);

/* Takes the next input byte, or returns -1 when none is waiting. */
int serial_backend_read(struct serial_backend *b);

static inline bool serial_backend_has_input(const struct serial_backend *b)
{
	return b && b->in_count > 0;
}

/* Looks at the input once now (what the poll event does). */
void serial_backend_poll(struct serial_backend *b);

/* Flushes the output, closes an owned file (printing one line on stderr if
 * a write failed) and restores the terminal. Safe on a zeroed struct and
 * when called twice. */
void serial_backend_close(struct serial_backend *b);

/* Puts the terminal back as it was, if this process changed it. Safe to
 * call at any time; serial_backend_close and the exit paths call it. */
void serial_backend_restore_terminal(void);

#endif
