/* debug_ports.h: the diagnostic ports test programs and firmware talk to.
 *
 *   0xE9  debug console: each byte written is copied to `debugcon` (reading
 *         returns 0xE9, which is how guests detect the port, as on Bochs
 *         and QEMU).
 *   0x80  POST code: the last byte written is kept in `last_post`; with
 *         `log_post` each write also prints "POST xx\n" to `post_log`.
 *   exit  debug exit (default 0xF4, like QEMU's isa-debug-exit): writing v
 *         asks for the end of the run with status (v << 1) | 1, so a guest
 *         can never produce status 0 by accident.
 *
 * The owner fills the configuration fields (start from debug_ports_defaults)
 * and then calls debug_ports_init to register the ports on the bus.
 */
#ifndef POPEK_DEVICES_DEBUG_PORTS_H
#define POPEK_DEVICES_DEBUG_PORTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct io_bus;

#define DEBUG_CONSOLE_PORT 0xE9
#define DEBUG_POST_PORT 0x80
#define DEBUG_EXIT_PORT_DEFAULT 0xF4
/* The exit device decodes this many ports from exit_port on, so byte, word
 * and dword writes at exit_port all reach it whole (the value as written). */
#define DEBUG_EXIT_PORT_LEN 4

struct debug_ports {
	/* Configuration, set by the owner before debug_ports_init. */
	FILE *debugcon; /* port 0xE9 output, or NULL to discard */
	FILE *post_log; /* where POST codes are logged when log_post */
	bool log_post;
	int exit_port;                      /* debug-exit port, or -1 for none */
	void (*request_stop)(void *opaque); /* called once on an exit request */
	void *stop_opaque;

	/* State. */
	uint8_t last_post;
	bool exit_requested;
	int exit_status; /* (v << 1) | 1; a process keeps its low 8 bits */
};

/* Fills `d` with the defaults: no console, no POST log, exit port 0xF4. */
void debug_ports_defaults(struct debug_ports *d);

/* Resets the state fields and registers the ports. Returns 0, or -1 when a
 * port is already taken (or exit_port is out of range). */
int debug_ports_init(struct debug_ports *d, struct io_bus *bus);

#endif
