/* uart.h: the 16550A UART of a PC's serial ports (COM1 0x3F8 on IRQ 4,
 * COM2 0x2F8 on IRQ 3).
 *
 * Eight registers from the base port (DLAB is LCR bit 7):
 *   +0  read RBR (receive buffer) / write THR (transmit holding);
 *       DLL (divisor low) when DLAB=1
 *   +1  IER (interrupt enable); DLM (divisor high) when DLAB=1
 *   +2  read IIR (interrupt identification) / write FCR (FIFO control)
 *   +3  LCR (line control)      +4  MCR (modem control)
 *   +5  LSR (line status)       +6  MSR (modem status)    +7  SCR (scratch)
 *
 * Timing follows the virtual clock: a character occupies the line for its
 * start, data, parity and stop bits at the programmed baud rate (115200 baud,
 * divisor 1, 8N1: 86.8 us), so THRE and TEMT change as on the chip. Rates
 * slower than `max_timed_divisor` allows (by default: anything below 115200
 * baud) run at that speed: there is no modem or cable at the other end to
 * make a slow rate worth waiting for, and a guest polling a 9600-baud
 * console (Linux's default) would otherwise spend a millisecond of virtual
 * time on every character it prints.
 *
 * The interrupt output is an ISA level: high while an enabled cause is
 * pending and MCR OUT2 is set (on a PC, OUT2 gates the UART's interrupt onto
 * the bus; in loopback mode the OUT2 pin is inactive, so the line is low).
 */
#ifndef POPEK_DEVICES_UART_H
#define POPEK_DEVICES_UART_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/irq.h"

struct clock;
struct io_bus;
struct serial_backend;

#define UART_COM1_BASE 0x3F8
#define UART_COM2_BASE 0x2F8
#define UART_COM1_IRQ 4
#define UART_COM2_IRQ 3
#define UART_PORTS 8
#define UART_FIFO_SIZE 16
#define UART_CLOCK_HZ 1843200u /* the PC's crystal: 16 x 115200 */
#define UART_SLOWEST_TIMED_DIVISOR 1

/* Register offsets. */
enum {
	UART_RBR = 0,
	UART_THR = 0,
	UART_DLL = 0,
	UART_IER = 1,
	UART_DLM = 1,
	UART_IIR = 2,
	UART_FCR = 2,
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_MSR = 6,
	UART_SCR = 7,
};

/* IER */
#define UART_IER_RDA 0x01  /* received data available (and timeout) */
#define UART_IER_THRE 0x02 /* transmitter holding register empty */
#define UART_IER_RLS 0x04  /* receiver line status */
#define UART_IER_MS 0x08   /* modem status */

/* IIR: bit 0 clear when an interrupt is pending; bits 1-3 the cause. */
#define UART_IIR_NONE 0x01
#define UART_IIR_MS 0x00
#define UART_IIR_THRE 0x02
#define UART_IIR_RDA 0x04
#define UART_IIR_RLS 0x06
#define UART_IIR_TIMEOUT 0x0C
#define UART_IIR_FIFO 0xC0 /* FIFOs enabled */

/* FCR */
#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04
#define UART_FCR_DMA 0x08
#define UART_FCR_TRIGGER 0xC0 /* 1, 4, 8 or 14 bytes */

/* LCR */
#define UART_LCR_WLEN 0x03 /* word length - 5 */
#define UART_LCR_STOP 0x04 /* 2 stop bits (1.5 with 5-bit words) */
#define UART_LCR_PARITY 0x08
#define UART_LCR_BREAK 0x40
#define UART_LCR_DLAB 0x80

/* MCR */
#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10

/* LSR */
#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_PE 0x04
#define UART_LSR_FE 0x08
#define UART_LSR_BI 0x10
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LSR_FIFO_ERR 0x80
#define UART_LSR_ERRORS (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

/* MSR: deltas in bits 0-3, line states in bits 4-7. */
#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04 /* RI went from on to off */
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80

struct uart_rx_slot {
	uint8_t data;
	uint8_t err; /* UART_LSR_PE/FE/BI that came with this character */
};

struct uart {
	/* Wiring (uart_init). */
	struct clock *clock;
	struct serial_backend *backend; /* NULL: nothing attached */
	struct irq_line irq;
	uint16_t base;
	uint16_t max_timed_divisor; /* UART_SLOWEST_TIMED_DIVISOR after init */
	int tx_event;               /* the character in the shift register has gone out */
	int rx_event;               /* next byte from the backend / character timeout */

	/* What the other end of the cable drives (MSR bits 4-7 layout); the
	 * backends behave as a null-modem cable with CTS, DSR and DCD on. */
	uint8_t modem_in;

	/* Registers. */
	uint8_t ier, lcr, mcr, scr;
	uint8_t fcr; /* UART_FCR_ENABLE and the trigger bits */
	uint16_t divisor;
	uint8_t lsr_err;   /* OE/PE/FE/BI, held until LSR is read */
	bool lsr_fifo_err; /* LSR bit 7 */
	uint8_t msr;       /* line states and latched deltas */

	/* Receiver: the FIFO (one byte deep, the RBR, when FIFOs are off). */
	struct uart_rx_slot rx[UART_FIFO_SIZE];
	unsigned rx_head, rx_count;
	bool timeout_pending; /* character timeout indicated */
	uint64_t timeout_at;  /* when it will be, or CLOCK_NEVER */
	uint64_t pull_at;     /* next byte from the backend, or CLOCK_NEVER */

	/* Transmitter: the FIFO (the THR when FIFOs are off) and the shift
	 * register, whose character leaves at tx_done_at. */
	uint8_t tx[UART_FIFO_SIZE];
	unsigned tx_head, tx_count;
	bool tsr_full;
	uint8_t tsr;
	uint64_t tx_done_at;
	bool thre_pending; /* the THRE interrupt cause */

	bool irq_level;

	/* Counters for tests and statistics. */
	uint64_t tx_bytes, rx_bytes, overruns;
};

/* Resets the chip, registers its ports at `base` and its clock events, and
 * attaches the backend (may be NULL) by setting the backend's notify hook.
 * Returns 0, or -1 when a port is taken or the clock is full. */
int uart_init(struct uart *u, struct io_bus *io, struct clock *clk, uint16_t base,
	      struct irq_line irq, struct serial_backend *backend);

/* Master reset: registers to their reset values, FIFOs emptied, the
 * divisor latch and scratch register kept (the reset pin leaves them). */
void uart_reset(struct uart *u);

/* A character (with its PE/FE/BI flags) arrives on the receive line now.
 * When there is no room, the character is lost and OE is set. */
void uart_receive(struct uart *u, uint8_t data, uint8_t err);

/* Changes what the other end drives on CTS/DSR/RI/DCD (MSR bits 4-7). */
void uart_set_modem_inputs(struct uart *u, uint8_t msr_bits);

/* Virtual nanoseconds one character takes with the current LCR and divisor. */
uint64_t uart_char_ns(const struct uart *u);

/* The value of LSR without the side effects of reading it. */
uint8_t uart_lsr(const struct uart *u);

#endif
