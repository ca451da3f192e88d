/* io_bus.c: the x86 port I/O space (see io_bus.h).
 *
 * owner[] maps each of the 64 Ki ports to the range that claimed it, so an
 * access costs one table lookup. Wide accesses go whole to a device only
 * when every port they touch belongs to that one device and it has the wide
 * callback; otherwise they are split the way the ISA bus splits them: a
 * dword into two words (port, port+2), a word into two bytes (port,
 * port+1), low part first, each part routed on its own. So a word access
 * straddling two devices reaches each with its byte. Port numbers wrap at
 * 0xFFFF, as the 16-bit port address does on hardware.
 */
#include "vmm/io_bus.h"

#include <stdbool.h>

#include <string.h>

void io_bus_init(struct io_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

int io_register(struct io_bus *bus, uint16_t base, uint32_t len, const struct io_ops *ops,
		void *opaque, const char *name)
{
	if (bus->count >= IO_MAX_RANGES || len == 0 || (uint32_t)base + len > 0x10000u)
		return -1;
	for (uint32_t p = base; p < base + len; p++) {
		if (bus->owner[p])
			return -1;
	}
	bus->ranges[bus->count] = (struct io_range){ base, len, ops, opaque, name };
	bus->count++;
	/* The owner table stores index + 1; IO_MAX_RANGES fits in a byte. */
	memset(&bus->owner[base], (int)bus->count, len);
	return 0;
}

/* The range owning every port of [port, port+size), or NULL when the access
 * wraps or touches more than one owner (or an unclaimed port). A range is
 * contiguous, so checking both ends is enough. */
static const struct io_range *io_whole_range(const struct io_bus *bus, uint16_t port, unsigned size)
{
	uint32_t last = (uint32_t)port + size - 1;
	if (last > 0xFFFF)
		return NULL;
	uint8_t o = bus->owner[port];
	if (!o || bus->owner[last] != o)
		return NULL;
	return &bus->ranges[o - 1];
}

/* An access reached a port no device claims: it reads all-ones and writes
 * go nowhere, as on a PC's ISA bus. With a log, say so once per port, so a
 * user can see which device a guest is looking for. */
static void io_unclaimed(struct io_bus *bus, uint16_t port, bool write, uint8_t value)
{
	if (!bus->log || (bus->logged[port >> 3] & (1u << (port & 7))))
		return;
	bus->logged[port >> 3] |= (uint8_t)(1u << (port & 7));
	if (write)
		fprintf(bus->log, "popek: io: write of 0x%02x to unclaimed port 0x%04x\n", value,
			port);
	else
		fprintf(bus->log, "popek: io: read of unclaimed port 0x%04x (reads 0xff)\n", port);
}

static uint8_t io_read8(struct io_bus *bus, uint16_t port)
{
	uint8_t o = bus->owner[port];
	if (!o) {
		io_unclaimed(bus, port, false, 0);
		return 0xFF;
	}
	const struct io_range *r = &bus->ranges[o - 1];
	if (!r->ops || !r->ops->read8)
		return 0xFF;
	return r->ops->read8(r->opaque, port);
}

static void io_write8(struct io_bus *bus, uint16_t port, uint8_t value)
{
	uint8_t o = bus->owner[port];
	if (!o) {
		io_unclaimed(bus, port, true, value);
		return;
	}
	const struct io_range *r = &bus->ranges[o - 1];
	if (r->ops && r->ops->write8)
		r->ops->write8(r->opaque, port, value);
}

static uint16_t io_read16(struct io_bus *bus, uint16_t port)
{
	const struct io_range *r = io_whole_range(bus, port, 2);
	if (r && r->ops && r->ops->read16)
		return r->ops->read16(r->opaque, port);
	uint16_t lo = io_read8(bus, port);
	uint16_t hi = io_read8(bus, (uint16_t)(port + 1));
	return (uint16_t)(lo | hi << 8);
}

static void io_write16(struct io_bus *bus, uint16_t port, uint16_t value)
{
	const struct io_range *r = io_whole_range(bus, port, 2);
	if (r && r->ops && r->ops->write16) {
		r->ops->write16(r->opaque, port, value);
		return;
	}
	io_write8(bus, port, (uint8_t)value);
	io_write8(bus, (uint16_t)(port + 1), (uint8_t)(value >> 8));
}

uint32_t io_read(struct io_bus *bus, uint16_t port, unsigned size)
{
	if (size == 1)
		return io_read8(bus, port);
	if (size == 2)
		return io_read16(bus, port);
	const struct io_range *r = io_whole_range(bus, port, 4);
	if (r && r->ops && r->ops->read32)
		return r->ops->read32(r->opaque, port);
	uint32_t lo = io_read16(bus, port);
	uint32_t hi = io_read16(bus, (uint16_t)(port + 2));
	return lo | hi << 16;
}

void io_write(struct io_bus *bus, uint16_t port, uint32_t value, unsigned size)
{
	if (size == 1) {
		io_write8(bus, port, (uint8_t)value);
		return;
	}
	if (size == 2) {
		io_write16(bus, port, (uint16_t)value);
		return;
	}
	const struct io_range *r = io_whole_range(bus, port, 4);
	if (r && r->ops && r->ops->write32) {
		r->ops->write32(r->opaque, port, value);
		return;
	}
	io_write16(bus, port, (uint16_t)value);
	io_write16(bus, (uint16_t)(port + 2), (uint16_t)(value >> 16));
}
