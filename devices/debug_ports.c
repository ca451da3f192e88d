/* debug_ports.c: debug console (0xE9), POST code (0x80) and debug exit.
 *
 * These are how guest test programs report: they print on 0xE9 and end the
 * run through the exit port with a status the harness checks.
 */
#include "devices/debug_ports.h"

#include <string.h>

#include "vmm/io_bus.h"

void debug_ports_defaults(struct debug_ports *d)
{
	memset(d, 0, sizeof(*d));
	d->exit_port = DEBUG_EXIT_PORT_DEFAULT;
}

static uint8_t debugcon_read8(void *opaque, uint16_t port)
{
	return DEBUG_CONSOLE_PORT;
}

static void debugcon_write8(void *opaque, uint16_t port, uint8_t value)
{
	struct debug_ports *d = opaque;
	if (d->debugcon)
		fputc(value, d->debugcon);
}

static uint8_t post_read8(void *opaque, uint16_t port)
{
	struct debug_ports *d = opaque;
	return d->last_post;
}

static void post_write8(void *opaque, uint16_t port, uint8_t value)
{
	struct debug_ports *d = opaque;
	d->last_post = value;
	if (d->log_post && d->post_log) {
		fprintf(d->post_log, "POST %02X\n", value);
		fflush(d->post_log);
	}
}

/* The first request wins, as the run ends at the end of the instruction that
 * made it (a REP OUTS may write several times before that). The console is
 * flushed so nothing the guest printed before exiting is lost. */
static void debug_exit_request(struct debug_ports *d, uint32_t value)
{
	if (d->exit_requested)
		return;
	d->exit_requested = true;
	d->exit_status = (int)((value << 1) | 1);
	if (d->debugcon)
		fflush(d->debugcon);
	if (d->request_stop)
		d->request_stop(d->stop_opaque);
}

static void debug_exit_write8(void *opaque, uint16_t port, uint8_t value)
{
	debug_exit_request(opaque, value);
}

static void debug_exit_write16(void *opaque, uint16_t port, uint16_t value)
{
	debug_exit_request(opaque, value);
}

static void debug_exit_write32(void *opaque, uint16_t port, uint32_t value)
{
	debug_exit_request(opaque, value);
}

static const struct io_ops debugcon_ops = {
	.read8 = debugcon_read8,
	.write8 = debugcon_write8,
};

static const struct io_ops post_ops = {
	.read8 = post_read8,
	.write8 = post_write8,
};

/* Reads of the exit port see an empty bus (all-ones). */
static const struct io_ops debug_exit_ops = {
	.write8 = debug_exit_write8,
	.write16 = debug_exit_write16,
	.write32 = debug_exit_write32,
};

int debug_ports_init(struct debug_ports *d, struct io_bus *bus)
{
	d->last_post = 0;
	d->exit_requested = false;
	d->exit_status = 0;
	if (io_register(bus, DEBUG_CONSOLE_PORT, 1, &debugcon_ops, d, "debugcon") < 0)
		return -1;
	if (io_register(bus, DEBUG_POST_PORT, 1, &post_ops, d, "post") < 0)
		return -1;
	if (d->exit_port < 0)
		return 0;
	if (d->exit_port > 0x10000 - DEBUG_EXIT_PORT_LEN)
		return -1;
	return io_register(bus, (uint16_t)d->exit_port, DEBUG_EXIT_PORT_LEN, &debug_exit_ops, d,
			   "debug-exit");
}
