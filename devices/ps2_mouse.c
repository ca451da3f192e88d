/* ps2_mouse.c: a PS/2 mouse with the IntelliMouse wheel extensions (see
 * ps2.h).
 *
 * Movement accumulates between samples; in stream mode with reporting on, a
 * virtual-clock event at the sample rate turns it into a packet:
 *
 *   byte 0: bit 7 Y overflow, 6 X overflow, 5 Y sign, 4 X sign, 3 always 1,
 *           2 middle, 1 right, 0 left button
 *   byte 1: X movement (low 8 bits of a 9-bit two's complement value)
 *   byte 2: Y movement (likewise; positive is up)
 *   byte 3: only after the wheel sequences: Z (ID 3), or Z in bits 0-3 with
 *           buttons 4 and 5 in bits 4-5 (ID 4)
 *
 * Movement that does not fit nine bits sets the overflow bit and is lost,
 * as on the real device. The sample-rate sequences 200, 100, 80 (ID 3) and
 * then 200, 200, 80 (ID 4) switch the wheel formats on, which is how drivers
 * detect them.
 */
#include "devices/ps2.h"

#include <string.h>

#include "vmm/clock.h"

#define MOUSE_RATE_DEFAULT 100
#define MOUSE_RES_DEFAULT 2 /* 4 counts/mm */
/* Accumulated movement is held within this, so sums never overflow int. */
#define MOUSE_ACC_LIMIT 65535

static void mouse_notify(struct ps2_mouse *m)
{
	if (m->notify)
		m->notify(m->notify_opaque);
}

static void mouse_respond(struct ps2_mouse *m, uint8_t b)
{
	ps2_queue_push(&m->resp, b);
}

static void mouse_clear_motion(struct ps2_mouse *m)
{
	m->dx = m->dy = m->dz = 0;
	m->changed = false;
}

/* The state 0xF6 (set defaults) and 0xFF (reset) restore. */
static void mouse_defaults(struct ps2_mouse *m)
{
	m->rate = MOUSE_RATE_DEFAULT;
	m->resolution = MOUSE_RES_DEFAULT;
	m->scale21 = false;
	m->remote = false;
	m->reporting = false;
	m->pending = 0;
	mouse_clear_motion(m);
	ps2_queue_clear(&m->data);
	clock_disarm(m->clk, m->sample_event);
}

/* 2:1 scaling, applied in stream mode only: small movements are damped,
 * larger ones doubled. */
static int mouse_scale(int v)
{
	static const int small[6] = { 0, 1, 1, 3, 6, 9 };
	int a = v < 0 ? -v : v;
	int s = a < 6 ? small[a] : 2 * a;
	return v < 0 ? -s : s;
}

/* A 9-bit field: returns the low 8 bits, sets the sign and overflow bits. */
static uint8_t mouse_axis(int v, uint8_t *b0, uint8_t sign, uint8_t overflow)
{
	if (v > 255) {
		v = 255;
		*b0 |= overflow;
	} else if (v < -256) {
		v = -256;
		*b0 |= overflow;
	}
	if (v < 0)
		*b0 |= sign;
	return (uint8_t)v;
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Builds a packet from the accumulated movement and clears it. Returns its
 * length (3, or 4 with a wheel). */
static unsigned mouse_packet(struct ps2_mouse *m, bool scaled, uint8_t *p)
{
	int dx = m->dx, dy = m->dy;
	if (scaled && m->scale21) {
		dx = mouse_scale(dx);
		dy = mouse_scale(dy);
	}
	uint8_t b0 = (uint8_t)(0x08 | (m->buttons & 7));
	p[1] = mouse_axis(dx, &b0, 0x10, 0x40);
	p[2] = mouse_axis(dy, &b0, 0x20, 0x80);
	p[0] = b0;
	unsigned n = 3;
	if (m->id == 3) {
		p[n++] = (uint8_t)clamp(m->dz, -128, 127);
	} else if (m->id == 4) {
		p[n++] = (uint8_t)((clamp(m->dz, -8, 7) & 0x0F) |
				   ((m->buttons & PS2_MOUSE_BUTTON4) ? 0x10 : 0) |
				   ((m->buttons & PS2_MOUSE_BUTTON5) ? 0x20 : 0));
	}
	mouse_clear_motion(m);
	return n;
}

static uint64_t mouse_period_ns(const struct ps2_mouse *m)
{
	return 1000000000ull / (m->rate ? m->rate : MOUSE_RATE_DEFAULT);
}

static bool mouse_streaming(const struct ps2_mouse *m)
{
	return m->reporting && !m->remote && !m->wrap;
}

/* Arms the next sample: one period after the last packet, or now when the
 * mouse has been quiet for longer. */
static void mouse_schedule(struct ps2_mouse *m)
{
	uint64_t t = m->next_sample_ns;
	if (t < m->clk->now_ns)
		t = m->clk->now_ns;
	clock_arm(m->clk, m->sample_event, t);
}

/* A sample: sends a packet when something changed and the host has taken
 * the earlier ones; otherwise the movement keeps accumulating. */
static void mouse_sample_event(void *opaque, uint64_t now)
{
	struct ps2_mouse *m = opaque;
	if (!mouse_streaming(m) || !m->changed)
		return;
	uint8_t p[4];
	if (m->data.count + 4 > PS2_MOUSE_DATA_BUFFER) {
		clock_arm(m->clk, m->sample_event, now + mouse_period_ns(m));
		return;
	}
	m->next_sample_ns = now + mouse_period_ns(m);
	unsigned n = mouse_packet(m, true, p);
	for (unsigned i = 0; i < n; i++)
		ps2_queue_push(&m->data, p[i]);
	mouse_notify(m);
}

void ps2_mouse_move(struct ps2_mouse *m, int dx, int dy, int dz, unsigned buttons)
{
	if (buttons != m->buttons)
		m->changed = true;
	m->buttons = buttons;
	if (!m->reporting && !m->remote)
		return; /* a disabled mouse in stream mode does not count */
	if (dx || dy || dz)
		m->changed = true;
	m->dx = clamp(m->dx + clamp(dx, -MOUSE_ACC_LIMIT, MOUSE_ACC_LIMIT), -MOUSE_ACC_LIMIT,
		      MOUSE_ACC_LIMIT);
	m->dy = clamp(m->dy + clamp(dy, -MOUSE_ACC_LIMIT, MOUSE_ACC_LIMIT), -MOUSE_ACC_LIMIT,
		      MOUSE_ACC_LIMIT);
	m->dz = clamp(m->dz + clamp(dz, -MOUSE_ACC_LIMIT, MOUSE_ACC_LIMIT), -MOUSE_ACC_LIMIT,
		      MOUSE_ACC_LIMIT);
	if (mouse_streaming(m) && m->changed)
		mouse_schedule(m);
}

/* --- Commands -------------------------------------------------------------- */

static bool mouse_valid_rate(uint8_t r)
{
	return r == 10 || r == 20 || r == 40 || r == 60 || r == 80 || r == 100 || r == 200;
}

/* Sample rates also carry the wheel-detection sequences. */
static void mouse_set_rate(struct ps2_mouse *m, uint8_t r)
{
	m->rate = r;
	m->rate_hist[0] = m->rate_hist[1];
	m->rate_hist[1] = m->rate_hist[2];
	m->rate_hist[2] = r;
	if (m->rate_hist[0] == 200 && m->rate_hist[2] == 80) {
		if (m->rate_hist[1] == 100 && m->id == 0)
			m->id = 3;
		else if (m->rate_hist[1] == 200 && m->id == 3)
			m->id = 4;
	}
}

static void mouse_parameter(struct ps2_mouse *m, uint8_t b)
{
	uint8_t cmd = m->pending;
	m->pending = 0;
	if (cmd == 0xE8 && b <= 3) {
		m->resolution = b;
	} else if (cmd == 0xF3 && mouse_valid_rate(b)) {
		mouse_set_rate(m, b);
	} else {
		mouse_respond(m, PS2_RESEND);
		return;
	}
	mouse_respond(m, PS2_ACK);
}

static void mouse_command(struct ps2_mouse *m, uint8_t b)
{
	uint8_t p[4];
	unsigned n;
	switch (b) {
	case 0xE6: /* scaling 1:1 */
	case 0xE7: /* scaling 2:1 */
		m->scale21 = b == 0xE7;
		mouse_respond(m, PS2_ACK);
		break;
	case 0xE8: /* set resolution */
	case 0xF3: /* set sample rate */
		m->pending = b;
		mouse_respond(m, PS2_ACK);
		break;
	case 0xE9: /* status request */
		mouse_respond(m, PS2_ACK);
		mouse_respond(m, (uint8_t)((m->remote ? 0x40 : 0) | (m->reporting ? 0x20 : 0) |
					   (m->scale21 ? 0x10 : 0) |
					   ((m->buttons & PS2_MOUSE_LEFT) ? 0x04 : 0) |
					   ((m->buttons & PS2_MOUSE_MIDDLE) ? 0x02 : 0) |
					   ((m->buttons & PS2_MOUSE_RIGHT) ? 0x01 : 0)));
		mouse_respond(m, m->resolution);
		mouse_respond(m, m->rate);
		break;
	case 0xEA: /* stream mode */
	case 0xF0: /* remote mode */
		m->remote = b == 0xF0;
		mouse_clear_motion(m);
		mouse_respond(m, PS2_ACK);
		break;
	case 0xEB: /* read data: a packet whether or not anything moved */
		mouse_respond(m, PS2_ACK);
		n = mouse_packet(m, false, p);
		for (unsigned i = 0; i < n; i++)
			mouse_respond(m, p[i]);
		break;
	case 0xEC: /* reset wrap mode (not in it: just acknowledge) */
		mouse_respond(m, PS2_ACK);
		break;
	case 0xEE: /* wrap mode */
		m->wrap = true;
		mouse_respond(m, PS2_ACK);
		break;
	case 0xF2: /* get device ID */
		mouse_respond(m, PS2_ACK);
		mouse_respond(m, m->id);
		break;
	case 0xF4: /* enable data reporting */
	case 0xF5: /* disable data reporting */
		m->reporting = b == 0xF4;
		mouse_clear_motion(m);
		if (!m->reporting)
			clock_disarm(m->clk, m->sample_event);
		mouse_respond(m, PS2_ACK);
		break;
	case 0xF6: /* set defaults */
		mouse_defaults(m);
		mouse_respond(m, PS2_ACK);
		break;
	case 0xFE: /* resend */ mouse_respond(m, m->last_sent); break;
	case 0xFF: /* reset: defaults, standard ID, self-test passed */
		mouse_defaults(m);
		m->wrap = false;
		m->id = 0;
		memset(m->rate_hist, 0, sizeof(m->rate_hist));
		mouse_respond(m, PS2_ACK);
		mouse_respond(m, PS2_BAT_OK);
		mouse_respond(m, 0x00);
		break;
	default: mouse_respond(m, PS2_RESEND); break;
	}
}

/* In wrap mode every byte comes back, except reset and reset-wrap. */
void ps2_mouse_write(struct ps2_mouse *m, uint8_t b)
{
	ps2_queue_clear(&m->resp);
	if (m->wrap && b != 0xEC && b != 0xFF) {
		mouse_respond(m, b);
	} else if (m->wrap && b == 0xEC) {
		m->wrap = false;
		mouse_respond(m, PS2_ACK);
	} else if (m->pending) {
		mouse_parameter(m, b);
	} else {
		mouse_command(m, b);
	}
	mouse_notify(m);
}

bool ps2_mouse_read(struct ps2_mouse *m, uint8_t *b)
{
	if (!ps2_queue_pop(&m->resp, b) && !ps2_queue_pop(&m->data, b))
		return false;
	m->last_sent = *b;
	return true;
}

bool ps2_mouse_has_data(const struct ps2_mouse *m)
{
	return m->resp.count || m->data.count;
}

int ps2_mouse_init(struct ps2_mouse *m, struct clock *clk, void (*notify)(void *), void *opaque)
{
	memset(m, 0, sizeof(*m));
	m->clk = clk;
	m->notify = notify;
	m->notify_opaque = opaque;
	m->sample_event = clock_add_event(clk, "mouse sample", mouse_sample_event, m);
	if (m->sample_event < 0)
		return -1;
	mouse_defaults(m);
	return 0;
}
