/* io_bus.h: the x86 port I/O space (64 Ki ports).
 *
 * Devices register a port range with byte/word/dword callbacks. A device
 * may leave the word or dword callback NULL: the bus then splits the access
 * into narrower ones (low port first), as the ISA bus does. Overlapping
 * registrations are refused at set-up; unclaimed ports read all-ones and
 * drop writes.
 */
#ifndef POPEK_VMM_IO_BUS_H
#define POPEK_VMM_IO_BUS_H

#include <stdint.h>
#include <stdio.h>

struct io_ops {
	uint8_t (*read8)(void *opaque, uint16_t port);
	void (*write8)(void *opaque, uint16_t port, uint8_t value);
	uint16_t (*read16)(void *opaque, uint16_t port);   /* optional */
	void (*write16)(void *opaque, uint16_t port, uint16_t value);
	uint32_t (*read32)(void *opaque, uint16_t port);   /* optional */
	void (*write32)(void *opaque, uint16_t port, uint32_t value);
};

struct io_range {
	uint16_t base;
	uint32_t len;
	const struct io_ops *ops;
	void *opaque;
	const char *name;
};

#define IO_MAX_RANGES 64

struct io_bus {
	struct io_range ranges[IO_MAX_RANGES];
	unsigned count;
	/* Port -> index into ranges + 1 (0 = unclaimed): one lookup per access. */
	uint8_t owner[65536];
	/* With `--log io`: each unclaimed port is reported once on `log`. */
	FILE *log;
	uint8_t logged[65536 / 8];
};

void io_bus_init(struct io_bus *bus);

/* Returns 0, or -1 when the range overlaps an earlier one, wraps past port
 * 0xFFFF, or the table is full. */
int io_register(struct io_bus *bus, uint16_t base, uint32_t len, const struct io_ops *ops,
		void *opaque, const char *name);

/* size is 1, 2 or 4. */
uint32_t io_read(struct io_bus *bus, uint16_t port, unsigned size);
void io_write(struct io_bus *bus, uint16_t port, uint32_t value, unsigned size);

#endif
