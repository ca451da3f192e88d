/* sysctl.c: port 0x61, system control port B (see sysctl.h).
 *
 * The refresh toggle is computed from virtual time rather than kept by an
 * event: it only matters when read, and a BIOS delay loop reads it a great
 * many times.
 */
#include "devices/sysctl.h"

#include "devices/pit.h"
#include "vmm/clock.h"
#include "vmm/io_bus.h"

#define SYSCTL_GATE2 0x01
#define SYSCTL_WRITABLE 0x0F
#define SYSCTL_REFRESH 0x10
#define SYSCTL_OUT2 0x20

static uint8_t sysctl_read(void *opaque, uint16_t port)
{
	struct sysctl *s = opaque;
	uint8_t v = s->value;
	if ((s->clk->now_ns / SYSCTL_REFRESH_NS) & 1)
		v |= SYSCTL_REFRESH;
	if (pit_get_out(s->pit, 2))
		v |= SYSCTL_OUT2;
	return v;
}

static void sysctl_write(void *opaque, uint16_t port, uint8_t v)
{
	struct sysctl *s = opaque;
	s->value = v & SYSCTL_WRITABLE;
	pit_set_gate(s->pit, 2, (v & SYSCTL_GATE2) != 0);
}

static const struct io_ops sysctl_ops = {
	.read8 = sysctl_read,
	.write8 = sysctl_write,
};

int sysctl_init(struct sysctl *s, struct io_bus *io, struct clock *clk, struct pit *pit)
{
	s->clk = clk;
	s->pit = pit;
	s->value = 0;
	pit_set_gate(pit, 2, false);
	return io_register(io, SYSCTL_PORT, 1, &sysctl_ops, s, "sysctl");
}
