/* port92.h: system control port A (port 0x92), the "fast A20" and "fast
 * reset" port of PS/2-era chipsets.
 *
 *   bit 0  fast reset: a write that changes it from 0 to 1 resets the CPU
 *   bit 1  A20 gate (one source of the machine's A20 line)
 *   bit 3  CMOS security lock, bits 6-7 disk activity light: kept and read
 *          back, no effect
 * The device knows nothing of the machine: the board passes callbacks for
 * the A20 source and the reset request.
 */
#ifndef POPEK_DEVICES_PORT92_H
#define POPEK_DEVICES_PORT92_H

#include <stdbool.h>
#include <stdint.h>

struct io_bus;

#define PORT92_PORT 0x92
#define PORT92_RESET 0x01
#define PORT92_A20 0x02

struct port92 {
	uint8_t value;                      /* last value written */
	void (*a20)(void *opaque, bool on); /* may be NULL */
	void (*reset)(void *opaque);        /* may be NULL */
	void *opaque;
};

/* Registers port 0x92 with the value 0 (A20 off from this source). Does
 * not call the A20 callback at init. Returns 0, or -1 when the port is
 * taken. */
int port92_init(struct port92 *p, struct io_bus *io, void (*a20)(void *, bool),
		void (*reset)(void *), void *opaque);

#endif
