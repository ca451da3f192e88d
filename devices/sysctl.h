/* sysctl.h: the AT's system control port B, port 0x61.
 *
 *   bit 0  counter 2 GATE (read/write)
 *   bit 1  speaker data enable (read/write; stored, no sound is made)
 *   bit 2  parity check disable, bit 3 channel check disable (stored)
 *   bit 4  refresh request: toggles every 15.085 us (read only); firmware
 *          counts its edges to wait a known time
 *   bit 5  counter 2 OUT (read only)
 *   bit 6  channel check, bit 7 parity check (read only): always 0, as no
 *          NMI source is modelled
 */
#ifndef POPEK_DEVICES_SYSCTL_H
#define POPEK_DEVICES_SYSCTL_H

#include <stdint.h>

struct io_bus;
struct clock;
struct pit;

#define SYSCTL_PORT 0x61
#define SYSCTL_REFRESH_NS 15085 /* half a period of the refresh toggle */

struct sysctl {
	struct clock *clk;
	struct pit *pit;
	uint8_t value; /* bits 0-3 as last written */
};

/* Registers port 0x61; counter 2's GATE starts low. Returns 0, or -1 when
 * the port is taken. */
int sysctl_init(struct sysctl *s, struct io_bus *io, struct clock *clk, struct pit *pit);

#endif
