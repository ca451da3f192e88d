/* port92.c: system control port A, fast A20 and fast reset (see port92.h). */
#include "devices/port92.h"

#include <string.h>

#include "vmm/io_bus.h"

static uint8_t port92_read(void *opaque, uint16_t port)
{
	struct port92 *p = opaque;
	return p->value;
}

/* Only a 0 -> 1 change of bit 0 resets: software that rewrites the port
 * with bit 0 still set (to change A20) must not reset the machine again. */
static void port92_write(void *opaque, uint16_t port, uint8_t value)
{
	struct port92 *p = opaque;
	uint8_t old = p->value;
	p->value = value;
	if (((old ^ value) & PORT92_A20) && p->a20)
		p->a20(p->opaque, value & PORT92_A20);
	if ((value & PORT92_RESET) && !(old & PORT92_RESET) && p->reset)
		p->reset(p->opaque);
}

static const struct io_ops port92_ops = {
	.read8 = port92_read,
	.write8 = port92_write,
};

int port92_init(struct port92 *p, struct io_bus *io, void (*a20)(void *, bool),
		void (*reset)(void *), void *opaque)
{
	memset(p, 0, sizeof(*p));
	p->a20 = a20;
	p->reset = reset;
	p->opaque = opaque;
	return io_register(io, PORT92_PORT, 1, &port92_ops, p, "port 0x92");
}
