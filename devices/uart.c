/* uart.c: the 16550A UART (see uart.h for the register map).
 *
 * The model follows the datasheet's data paths. Transmit: THR (or the
 * 16-byte transmit FIFO) -> the transmit shift register, which takes one
 * character time per character on the virtual clock, then the backend (or,
 * in loopback, the receiver). Receive: the backend's bytes enter the receive
 * FIFO (or the one-byte RBR) one character time apart, only while there is
 * room, so pasted text is paced rather than lost; a character that arrives
 * with no room (loopback, uart_receive) is an overrun. Interrupt causes are
 * computed from the state whenever it changes, in the datasheet's priority
 * order, and drive the IRQ line as a level.
 */
#include "devices/uart.h"

#include <string.h>

#include "devices/serial_backend.h"
#include "vmm/clock.h"
#include "vmm/io_bus.h"

static const uint8_t uart_trigger_levels[4] = { 1, 4, 8, 14 };

static bool uart_fifo_on(const struct uart *u)
{
	return u->fcr & UART_FCR_ENABLE;
}

/* How many characters each FIFO holds: the THR and RBR are one deep. */
static unsigned uart_fifo_depth(const struct uart *u)
{
	return uart_fifo_on(u) ? UART_FIFO_SIZE : 1;
}

static uint8_t uart_word_mask(const struct uart *u)
{
	return (uint8_t)((1u << (5 + (u->lcr & UART_LCR_WLEN))) - 1);
}

uint64_t uart_char_ns(const struct uart *u)
{
	unsigned wlen = 5 + (u->lcr & UART_LCR_WLEN);
	/* In half bits, for the 1.5 stop bits of a 5-bit word. */
	unsigned half = 2 * (1 + wlen + ((u->lcr & UART_LCR_PARITY) ? 1 : 0));
	if (u->lcr & UART_LCR_STOP)
		half += wlen == 5 ? 3 : 4;
	else
		half += 2;
	uint32_t div = u->divisor ? u->divisor : 0x10000; /* 0 is 65536 */
	uint32_t max = u->max_timed_divisor ? u->max_timed_divisor : 1;
	if (div > max)
		div = max;
	/* A bit is 16 ticks of the crystal per unit of divisor. */
	return (uint64_t)half * div * 16 * 1000000000ull / (2ull * UART_CLOCK_HZ);
}

/* The highest-priority pending cause, as the IIR reports it. */
static uint8_t uart_cause(const struct uart *u)
{
	if ((u->ier & UART_IER_RLS) && (u->lsr_err & UART_LSR_ERRORS))
		return UART_IIR_RLS;
	if (u->ier & UART_IER_RDA) {
		unsigned level = uart_fifo_on(u) ? uart_trigger_levels[u->fcr >> 6] : 1;
		if (u->rx_count >= level)
			return UART_IIR_RDA;
		if (u->timeout_pending)
			return UART_IIR_TIMEOUT;
	}
	if ((u->ier & UART_IER_THRE) && u->thre_pending)
		return UART_IIR_THRE;
	if ((u->ier & UART_IER_MS) && (u->msr & 0x0F))
		return UART_IIR_MS;
	return UART_IIR_NONE;
}

/* The PC's interrupt line: the chip's INTRPT output gated by the OUT2 pin,
 * which loopback mode holds inactive. The line only moves on a change, so
 * the PIC sees one edge per new interrupt. */
static void uart_update_irq(struct uart *u)
{
	bool level = uart_cause(u) != UART_IIR_NONE && (u->mcr & UART_MCR_OUT2) &&
		     !(u->mcr & UART_MCR_LOOP);
	if (level != u->irq_level) {
		u->irq_level = level;
		irq_set(&u->irq, level);
	}
}

uint8_t uart_lsr(const struct uart *u)
{
	uint8_t v = u->lsr_err;
	if (u->rx_count)
		v |= UART_LSR_DR;
	if (!u->tx_count) {
		v |= UART_LSR_THRE;
		if (!u->tsr_full)
			v |= UART_LSR_TEMT;
	}
	if (u->lsr_fifo_err)
		v |= UART_LSR_FIFO_ERR;
	return v;
}

/* ---- Modem lines ---- */

/* CTS/DSR/RI/DCD as the chip sees them: from the cable, or in loopback
 * from RTS/DTR/OUT1/OUT2. */
static uint8_t uart_modem_lines(const struct uart *u)
{
	if (!(u->mcr & UART_MCR_LOOP))
		return u->modem_in & 0xF0;
	uint8_t v = 0;
	if (u->mcr & UART_MCR_RTS)
		v |= UART_MSR_CTS;
	if (u->mcr & UART_MCR_DTR)
		v |= UART_MSR_DSR;
	if (u->mcr & UART_MCR_OUT1)
		v |= UART_MSR_RI;
	if (u->mcr & UART_MCR_OUT2)
		v |= UART_MSR_DCD;
	return v;
}

/* Latches the delta bits for lines that changed; RI's only on its trailing
 * edge (on to off). */
static void uart_update_msr(struct uart *u)
{
	uint8_t now = uart_modem_lines(u);
	uint8_t changed = now ^ (u->msr & 0xF0);
	uint8_t delta = 0;
	if (changed & UART_MSR_CTS)
		delta |= UART_MSR_DCTS;
	if (changed & UART_MSR_DSR)
		delta |= UART_MSR_DDSR;
	if ((changed & UART_MSR_RI) && !(now & UART_MSR_RI))
		delta |= UART_MSR_TERI;
	if (changed & UART_MSR_DCD)
		delta |= UART_MSR_DDCD;
	u->msr = now | (u->msr & 0x0F) | delta;
}

void uart_set_modem_inputs(struct uart *u, uint8_t msr_bits)
{
	u->modem_in = msr_bits & 0xF0;
	uart_update_msr(u);
	uart_update_irq(u);
}

/* ---- Receiver ---- */

/* One event serves the receiver: the next byte from the backend (pull_at)
 * and the character timeout (timeout_at), whichever comes first. */
static void uart_rx_rearm(struct uart *u)
{
	uint64_t t = u->pull_at < u->timeout_at ? u->pull_at : u->timeout_at;
	clock_arm(u->clock, u->rx_event, t);
}

/* The receiver takes another byte from the backend one character time from
 * now, if the backend has one, the FIFO has room and SIN is connected. */
static void uart_schedule_pull(struct uart *u)
{
	if (u->pull_at != CLOCK_NEVER || !serial_backend_has_input(u->backend) ||
	    (u->mcr & UART_MCR_LOOP) || u->rx_count >= uart_fifo_depth(u))
		return;
	u->pull_at = u->clock->now_ns + uart_char_ns(u);
	uart_rx_rearm(u);
}

/* The backend has new input. */
static void uart_backend_notify(void *opaque)
{
	uart_schedule_pull(opaque);
}

/* The character timeout runs in FIFO mode while characters wait: four
 * character times after the last one arrived or was read. */
static void uart_restart_timeout(struct uart *u)
{
	u->timeout_pending = false;
	if (uart_fifo_on(u) && u->rx_count)
		u->timeout_at = u->clock->now_ns + 4 * uart_char_ns(u);
	else
		u->timeout_at = CLOCK_NEVER;
	uart_rx_rearm(u);
}

void uart_receive(struct uart *u, uint8_t data, uint8_t err)
{
	struct uart_rx_slot s = { (uint8_t)(data & uart_word_mask(u)),
				  (uint8_t)(err & (UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)) };
	u->rx_bytes++;
	if (u->rx_count >= uart_fifo_depth(u)) {
		/* Overrun. Without FIFOs the new character replaces the RBR's;
		 * with them, the one in the shift register is lost. */
		if (!uart_fifo_on(u)) {
			u->rx[u->rx_head] = s;
			u->lsr_err |= s.err;
		}
		u->lsr_err |= UART_LSR_OE;
		u->overruns++;
	} else {
		u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = s;
		u->rx_count++;
		/* A character's errors show in LSR when it reaches the top. */
		if (u->rx_count == 1)
			u->lsr_err |= s.err;
		if (s.err && uart_fifo_on(u))
			u->lsr_fifo_err = true;
	}
	uart_restart_timeout(u);
	uart_update_irq(u);
}

static uint8_t uart_read_rbr(struct uart *u)
{
	if (!u->rx_count)
		return u->rx[u->rx_head].data; /* the last character again */
	uint8_t v = u->rx[u->rx_head].data;
	if (u->rx_count > 1) {
		u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
		u->lsr_err |= u->rx[u->rx_head].err;
	}
	u->rx_count--;
	uart_restart_timeout(u);
	uart_schedule_pull(u);
	uart_update_irq(u);
	return v;
}

static void uart_clear_rx(struct uart *u)
{
	u->rx_count = 0;
	u->rx_head = 0;
	u->lsr_fifo_err = false;
	uart_restart_timeout(u);
	uart_schedule_pull(u);
}

static void uart_rx_fire(void *opaque, uint64_t now)
{
	struct uart *u = opaque;
	if (u->pull_at <= now) {
		u->pull_at = CLOCK_NEVER;
		if (!(u->mcr & UART_MCR_LOOP) && u->rx_count < uart_fifo_depth(u)) {
			int c = serial_backend_read(u->backend);
			if (c >= 0)
				uart_receive(u, (uint8_t)c, 0);
		}
		uart_schedule_pull(u);
	}
	if (u->timeout_at <= now) {
		u->timeout_at = CLOCK_NEVER;
		if (uart_fifo_on(u) && u->rx_count)
			u->timeout_pending = true;
	}
	uart_rx_rearm(u);
	uart_update_irq(u);
}

/* ---- Transmitter ---- */

/* Moves the next character from the THR/FIFO into the shift register,
 * which sends it over one character time from `t`. */
static void uart_tx_start(struct uart *u, uint64_t t)
{
	u->tsr = u->tx[u->tx_head];
	u->tx_head = (u->tx_head + 1) % UART_FIFO_SIZE;
	u->tx_count--;
	u->tsr_full = true;
	u->tx_done_at = t + uart_char_ns(u);
	clock_arm(u->clock, u->tx_event, u->tx_done_at);
	if (!u->tx_count)
		u->thre_pending = true; /* the THR (FIFO) has just emptied */
}

static void uart_write_thr(struct uart *u, uint8_t v)
{
	u->thre_pending = false;
	/* The interrupt output drops here (if THRE was its cause), so the one
	 * that follows when the THR empties again is a new edge. */
	uart_update_irq(u);
	/* A full THR is overwritten; a full transmit FIFO loses the byte. */
	if (u->tx_count < uart_fifo_depth(u)) {
		u->tx[(u->tx_head + u->tx_count) % UART_FIFO_SIZE] = v;
		u->tx_count++;
	} else if (!uart_fifo_on(u)) {
		u->tx[u->tx_head] = v;
	}
	if (!u->tsr_full)
		uart_tx_start(u, u->clock->now_ns);
	uart_update_irq(u);
}

/* The shift register's character has gone out on SOUT: to the receiver in
 * loopback, else to the backend; a break on the line swallows it. */
static void uart_tx_fire(void *opaque, uint64_t now)
{
	struct uart *u = opaque;
	if (!u->tsr_full)
		return;
	u->tsr_full = false;
	uint8_t v = u->tsr & uart_word_mask(u);
	u->tx_bytes++;
	if (!(u->lcr & UART_LCR_BREAK)) {
		if (u->mcr & UART_MCR_LOOP)
			uart_receive(u, v, 0);
		else
			serial_backend_write(u->backend, v);
	}
	if (u->tx_count)
		uart_tx_start(u, u->tx_done_at);
	uart_update_irq(u);
}

static void uart_clear_tx(struct uart *u)
{
	if (u->tx_count)
		u->thre_pending = true;
	u->tx_count = 0;
	u->tx_head = 0;
}

/* ---- Register writes ---- */

static void uart_write_fcr(struct uart *u, uint8_t v)
{
	if ((v ^ u->fcr) & UART_FCR_ENABLE) {
		/* Changing mode empties both FIFOs. */
		u->fcr = v & UART_FCR_ENABLE;
		uart_clear_tx(u);
		uart_clear_rx(u);
	}
	/* The other bits take effect only with FIFOs enabled in the same write. */
	if (!(v & UART_FCR_ENABLE)) {
		u->fcr = 0;
		return;
	}
	u->fcr = v & (UART_FCR_ENABLE | UART_FCR_TRIGGER);
	if (v & UART_FCR_CLEAR_RX)
		uart_clear_rx(u);
	if (v & UART_FCR_CLEAR_TX)
		uart_clear_tx(u);
}

static void uart_write_lcr(struct uart *u, uint8_t v)
{
	uint8_t old = u->lcr;
	u->lcr = v;
	/* Starting a break in loopback: the receiver sees SIN held low. */
	if ((v & UART_LCR_BREAK) && !(old & UART_LCR_BREAK) && (u->mcr & UART_MCR_LOOP))
		uart_receive(u, 0, UART_LSR_BI);
}

static void uart_write_mcr(struct uart *u, uint8_t v)
{
	uint8_t old = u->mcr;
	u->mcr = v & 0x1F;
	uart_update_msr(u);
	/* Leaving loopback reconnects SIN. */
	if ((old & UART_MCR_LOOP) && !(u->mcr & UART_MCR_LOOP))
		uart_schedule_pull(u);
}

static void uart_write_ier(struct uart *u, uint8_t v)
{
	uint8_t old = u->ier;
	u->ier = v & 0x0F;
	/* Enabling the THRE interrupt while the THR is empty raises it. */
	if ((u->ier & UART_IER_THRE) && !(old & UART_IER_THRE) && !u->tx_count)
		u->thre_pending = true;
}

static void uart_write8(void *opaque, uint16_t port, uint8_t v)
{
	struct uart *u = opaque;
	bool dlab = u->lcr & UART_LCR_DLAB;
	switch ((port - u->base) & 7) {
	case UART_THR:
		if (dlab)
			u->divisor = (u->divisor & 0xFF00) | v;
		else
			uart_write_thr(u, v);
		break;
	case UART_IER:
		if (dlab)
			u->divisor = (uint16_t)((u->divisor & 0x00FF) | (v << 8));
		else
			uart_write_ier(u, v);
		break;
	case UART_FCR: uart_write_fcr(u, v); break;
	case UART_LCR: uart_write_lcr(u, v); break;
	case UART_MCR: uart_write_mcr(u, v); break;
	case UART_LSR:
	case UART_MSR: break; /* factory test registers: writes are ignored */
	case UART_SCR: u->scr = v; break;
	}
	uart_update_irq(u);
}

/* ---- Register reads ---- */

static uint8_t uart_read_iir(struct uart *u)
{
	uint8_t cause = uart_cause(u);
	/* Reading IIR is how the THRE interrupt is acknowledged. */
	if (cause == UART_IIR_THRE)
		u->thre_pending = false;
	return cause | (uart_fifo_on(u) ? UART_IIR_FIFO : 0);
}

static uint8_t uart_read_lsr(struct uart *u)
{
	uint8_t v = uart_lsr(u);
	u->lsr_err = 0;
	/* Bit 7 stays while characters with errors remain behind the top. */
	u->lsr_fifo_err = false;
	for (unsigned i = 1; i < u->rx_count; i++)
		if (u->rx[(u->rx_head + i) % UART_FIFO_SIZE].err)
			u->lsr_fifo_err = true;
	return v;
}

static uint8_t uart_read8(void *opaque, uint16_t port)
{
	struct uart *u = opaque;
	bool dlab = u->lcr & UART_LCR_DLAB;
	uint8_t v = 0xFF;
	switch ((port - u->base) & 7) {
	case UART_RBR: v = dlab ? (uint8_t)u->divisor : uart_read_rbr(u); break;
	case UART_IER: v = dlab ? (uint8_t)(u->divisor >> 8) : u->ier; break;
	case UART_IIR: v = uart_read_iir(u); break;
	case UART_LCR: v = u->lcr; break;
	case UART_MCR: v = u->mcr; break;
	case UART_LSR: v = uart_read_lsr(u); break;
	case UART_MSR:
		v = u->msr;
		u->msr &= 0xF0;
		break;
	case UART_SCR: v = u->scr; break;
	}
	uart_update_irq(u);
	return v;
}

static const struct io_ops uart_ops = {
	.read8 = uart_read8,
	.write8 = uart_write8,
};

void uart_reset(struct uart *u)
{
	u->ier = 0;
	u->lcr = 0;
	u->mcr = 0;
	u->fcr = 0;
	u->lsr_err = 0;
	u->lsr_fifo_err = false;
	u->rx_count = u->rx_head = 0;
	u->tx_count = u->tx_head = 0;
	u->tsr_full = false;
	u->thre_pending = false;
	u->timeout_pending = false;
	u->timeout_at = CLOCK_NEVER;
	u->pull_at = CLOCK_NEVER;
	u->msr &= 0xF0;
	uart_update_msr(u);
	u->msr &= 0xF0; /* reset clears the deltas */
	clock_disarm(u->clock, u->tx_event);
	clock_disarm(u->clock, u->rx_event);
	uart_update_irq(u);
	uart_schedule_pull(u);
}

int uart_init(struct uart *u, struct io_bus *io, struct clock *clk, uint16_t base,
	      struct irq_line irq, struct serial_backend *backend)
{
	memset(u, 0, sizeof(*u));
	u->clock = clk;
	u->backend = backend;
	u->irq = irq;
	u->base = base;
	u->max_timed_divisor = UART_SLOWEST_TIMED_DIVISOR;
	/* The backends are a null-modem cable whose far end is ready. */
	u->modem_in = UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
	u->divisor = 12; /* undefined at power-on; 9600 baud */
	u->tx_event = clock_add_event(clk, "uart-tx", uart_tx_fire, u);
	u->rx_event = clock_add_event(clk, "uart-rx", uart_rx_fire, u);
	if (u->tx_event < 0 || u->rx_event < 0)
		return -1;
	uart_reset(u);
	if (backend) {
		backend->notify = uart_backend_notify;
		backend->notify_opaque = u;
	}
	return io_register(io, base, UART_PORTS, &uart_ops, u, "uart");
}
