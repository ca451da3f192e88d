/* test_uart.c: the 16550A UART driven through its ports as a guest would,
 * on a virtual clock the test moves by hand, and its host backends (a pipe
 * for input, a memory stream and a file for output). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "devices/serial_backend.h"
#include "devices/uart.h"
#include "vmm/clock.h"
#include "vmm/io_bus.h"

#define BASE UART_COM1_BASE
/* 115200 baud, 8N1: ten bits of 8.68 us. */
#define CHAR_8N1 86805u

struct fixture {
	struct io_bus bus;
	struct clock clock;
	struct uart u;
	struct serial_backend be;
	char *out;
	size_t out_len;
	FILE *mem;
	int irq_level;
	int irq_edges; /* rising edges seen */
	int quits;
};

static void irq_sink(void *opaque, int pin, int level)
{
	struct fixture *f = opaque;
	assert_int_equal(pin, UART_COM1_IRQ);
	if (level && !f->irq_level)
		f->irq_edges++;
	f->irq_level = level;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	io_bus_init(&f->bus);
	clock_init(&f->clock);
	f->mem = open_memstream(&f->out, &f->out_len);
	if (!f->mem)
		return -1;
	memset(&f->be, 0, sizeof(f->be));
	if (serial_backend_attach(&f->be, -1, f->mem, &f->clock) < 0)
		return -1;
	struct irq_line irq = { irq_sink, f, UART_COM1_IRQ };
	if (uart_init(&f->u, &f->bus, &f->clock, BASE, irq, &f->be) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	serial_backend_close(&f->be);
	fclose(f->mem);
	free(f->out);
	free(f);
	return 0;
}

static uint8_t in8(struct fixture *f, unsigned reg)
{
	return (uint8_t)io_read(&f->bus, (uint16_t)(BASE + reg), 1);
}

static void out8(struct fixture *f, unsigned reg, uint8_t v)
{
	io_write(&f->bus, (uint16_t)(BASE + reg), v, 1);
}

/* Moves virtual time to `t`, firing events in order as the dispatcher
 * does. */
static void run_to(struct fixture *f, uint64_t t)
{
	for (;;) {
		uint64_t next = clock_next_deadline(&f->clock);
		if (next > t)
			break;
		if (next > f->clock.now_ns)
			f->clock.now_ns = next;
		clock_run_due(&f->clock);
	}
	if (t > f->clock.now_ns)
		f->clock.now_ns = t;
}

static void run_for(struct fixture *f, uint64_t ns)
{
	run_to(f, f->clock.now_ns + ns);
}

/* 115200 baud 8N1, as a BIOS or driver sets the port up. */
static void init_115200_8n1(struct fixture *f)
{
	out8(f, UART_LCR, UART_LCR_DLAB);
	out8(f, UART_DLL, 1);
	out8(f, UART_DLM, 0);
	out8(f, UART_LCR, 0x03);
}

static void test_reset_values(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(in8(f, UART_IER), 0);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_NONE);
	assert_int_equal(in8(f, UART_LCR), 0);
	assert_int_equal(in8(f, UART_MCR), 0);
	assert_int_equal(in8(f, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	/* The null-modem far end: CTS, DSR and DCD on, no deltas. */
	assert_int_equal(in8(f, UART_MSR), UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
	out8(f, UART_SCR, 0x5A);
	assert_int_equal(in8(f, UART_SCR), 0x5A);
	assert_int_equal(f->irq_level, 0);
	assert_int_equal(clock_next_deadline(&f->clock), CLOCK_NEVER);
}

static void test_divisor_latch(void **state)
{
	struct fixture *f = *state;
	out8(f, UART_IER, 0x05);
	out8(f, UART_LCR, UART_LCR_DLAB | 0x03);
	out8(f, UART_DLL, 0x34);
	out8(f, UART_DLM, 0x12);
	assert_int_equal(in8(f, UART_DLL), 0x34);
	assert_int_equal(in8(f, UART_DLM), 0x12);
	assert_int_equal(f->u.divisor, 0x1234);
	/* Writing offset 0 with DLAB set sends nothing. */
	assert_int_equal(in8(f, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	out8(f, UART_LCR, 0x03);
	assert_int_equal(in8(f, UART_IER), 0x05);
	assert_int_equal(in8(f, UART_LCR), 0x03);

	/* The character time follows the divisor and the frame... */
	f->u.max_timed_divisor = 0xFFFF;
	out8(f, UART_LCR, UART_LCR_DLAB | 0x03);
	out8(f, UART_DLL, 12);
	out8(f, UART_DLM, 0);
	out8(f, UART_LCR, 0x03);
	assert_int_equal(uart_char_ns(&f->u), 1041666);                   /* 9600 baud 8N1 */
	out8(f, UART_LCR, 0x02 | UART_LCR_STOP | UART_LCR_PARITY | 0x10); /* 7E2 */
	assert_int_equal(uart_char_ns(&f->u), 11ull * 12 * 16 * 1000000000 / 1843200);
	out8(f, UART_LCR, 0x00 | UART_LCR_STOP); /* 5 bits, 1.5 stop bits */
	assert_int_equal(uart_char_ns(&f->u), 15ull * 12 * 8 * 1000000000 / 1843200);
	/* ...but by default nothing is timed slower than 115200 baud. */
	f->u.max_timed_divisor = UART_SLOWEST_TIMED_DIVISOR;
	out8(f, UART_LCR, 0x03);
	assert_int_equal(uart_char_ns(&f->u), CHAR_8N1);
}

static void test_tx_timing(void **state)
{
	struct fixture *f = *state;
	init_115200_8n1(f);
	out8(f, UART_THR, 'A');
	/* 'A' went straight into the shift register: THR empty, line busy. */
	assert_int_equal(in8(f, UART_LSR), UART_LSR_THRE);
	out8(f, UART_THR, 'B');
	assert_int_equal(in8(f, UART_LSR), 0);
	run_for(f, CHAR_8N1 - 1);
	assert_int_equal(in8(f, UART_LSR), 0);
	assert_int_equal(f->u.tx_bytes, 0);
	run_for(f, 1);
	/* 'A' is out; 'B' moved to the shift register. */
	assert_int_equal(f->u.tx_bytes, 1);
	assert_int_equal(in8(f, UART_LSR), UART_LSR_THRE);
	run_for(f, CHAR_8N1 - 1);
	assert_int_equal(in8(f, UART_LSR), UART_LSR_THRE);
	run_for(f, 1);
	assert_int_equal(in8(f, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	fflush(f->mem);
	assert_int_equal(f->out_len, 2);
	assert_memory_equal(f->out, "AB", 2);
	/* Nothing left scheduled but the backend's flush. */
	assert_int_equal(f->clock.events[f->u.tx_event].deadline, CLOCK_NEVER);
}

static void test_tx_fifo(void **state)
{
	struct fixture *f = *state;
	init_115200_8n1(f);
	out8(f, UART_FCR, UART_FCR_ENABLE);
	/* The shift register and sixteen FIFO places take 17 bytes at once. */
	for (int i = 0; i < 17; i++)
		out8(f, UART_THR, (uint8_t)('a' + i));
	assert_int_equal(in8(f, UART_LSR) & UART_LSR_THRE, 0);
	out8(f, UART_THR, '!'); /* lost: the FIFO is full */
	run_for(f, 16 * (uint64_t)CHAR_8N1);
	assert_int_equal(in8(f, UART_LSR), UART_LSR_THRE);
	run_for(f, CHAR_8N1);
	assert_int_equal(in8(f, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	fflush(f->mem);
	assert_int_equal(f->out_len, 17);
	assert_memory_equal(f->out, "abcdefghijklmnopq", 17);
}

/* Data bits beyond the word length are neither sent nor received (the
 * reset value of LCR means 5-bit words). */
static void test_word_length(void **state)
{
	struct fixture *f = *state;
	out8(f, UART_LCR, 0x02); /* 7 bits */
	out8(f, UART_THR, 0xC1);
	run_for(f, 1000000);
	fflush(f->mem);
	assert_int_equal(f->out_len, 1);
	assert_int_equal((uint8_t)f->out[0], 0x41);
	out8(f, UART_LCR, 0x00);
	uart_receive(&f->u, 0x62, 0);
	assert_int_equal(in8(f, UART_RBR), 0x02);
}

static void test_loopback(void **state)
{
	struct fixture *f = *state;
	init_115200_8n1(f);
	out8(f, UART_MCR, UART_MCR_LOOP);
	out8(f, UART_THR, 0x55);
	assert_int_equal(in8(f, UART_LSR) & UART_LSR_DR, 0);
	run_for(f, CHAR_8N1);
	assert_int_equal(in8(f, UART_LSR), UART_LSR_DR | UART_LSR_THRE | UART_LSR_TEMT);
	assert_int_equal(in8(f, UART_RBR), 0x55);
	assert_int_equal(in8(f, UART_LSR) & UART_LSR_DR, 0);
	/* Nothing reached the backend. */
	fflush(f->mem);
	assert_int_equal(f->out_len, 0);
	/* Out of loopback, bytes go to the backend again. */
	out8(f, UART_MCR, 0);
	out8(f, UART_THR, 'z');
	run_for(f, CHAR_8N1);
	assert_int_equal(in8(f, UART_LSR) & UART_LSR_DR, 0);
	fflush(f->mem);
	assert_int_equal(f->out_len, 1);
}

static void test_msr_loopback(void **state)
{
	struct fixture *f = *state;
	/* Entering loopback disconnects CTS/DSR/DCD: all three change. */
	out8(f, UART_MCR, UART_MCR_LOOP);
	assert_int_equal(in8(f, UART_MSR), UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
	assert_int_equal(in8(f, UART_MSR), 0);
	out8(f, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS);
	assert_int_equal(in8(f, UART_MSR), UART_MSR_CTS | UART_MSR_DCTS);
	assert_int_equal(in8(f, UART_MSR), UART_MSR_CTS);
	out8(f, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS | UART_MCR_DTR);
	assert_int_equal(in8(f, UART_MSR), UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DDSR);
	/* RI: only its trailing edge (on -> off) is latched. */
	out8(f, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT1);
	assert_int_equal(in8(f, UART_MSR), UART_MSR_RI | UART_MSR_DCTS | UART_MSR_DDSR);
	out8(f, UART_MCR, UART_MCR_LOOP);
	assert_int_equal(in8(f, UART_MSR), UART_MSR_TERI);
	out8(f, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
	assert_int_equal(in8(f, UART_MSR), UART_MSR_DCD | UART_MSR_DDCD);
	/* The modem status interrupt reports the deltas (the IRQ line itself
	 * is gated off in loopback). */
	out8(f, UART_IER, UART_IER_MS);
	out8(f, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_MS);
	assert_int_equal(f->irq_level, 0);
	in8(f, UART_MSR);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_NONE);
	/* Outside loopback the cable's lines come back. */
	out8(f, UART_MCR, 0);
	assert_int_equal(in8(f, UART_MSR),
			 UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD | UART_MSR_DDSR);
	uart_set_modem_inputs(&f->u, UART_MSR_DSR);
	assert_int_equal(in8(f, UART_MSR), UART_MSR_DSR | UART_MSR_DCTS | UART_MSR_DDCD);
}

static void test_fifo_control(void **state)
{
	struct fixture *f = *state;
	/* Trigger bits are ignored unless FIFOs are enabled in the same write. */
	out8(f, UART_FCR, 0xC0);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_NONE);
	out8(f, UART_FCR, 0xC1);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_FIFO | UART_IIR_NONE);
	for (int i = 0; i < 5; i++)
		uart_receive(&f->u, (uint8_t)i, 0);
	assert_int_equal(f->u.rx_count, 5);
	out8(f, UART_FCR, 0xC1 | UART_FCR_CLEAR_RX);
	assert_int_equal(in8(f, UART_LSR) & UART_LSR_DR, 0);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_FIFO | UART_IIR_NONE);
	/* Clearing the transmit FIFO leaves the shift register's character. */
	for (int i = 0; i < 4; i++)
		out8(f, UART_THR, (uint8_t)('0' + i));
	out8(f, UART_FCR, 0xC1 | UART_FCR_CLEAR_TX);
	assert_int_equal(in8(f, UART_LSR), UART_LSR_THRE);
	run_for(f, 1000000);
	fflush(f->mem);
	assert_int_equal(f->out_len, 1);
	/* Turning the FIFOs off empties them. */
	uart_receive(&f->u, 1, 0);
	uart_receive(&f->u, 2, 0);
	out8(f, UART_FCR, 0);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_NONE);
	assert_int_equal(in8(f, UART_LSR) & UART_LSR_DR, 0);
}

/* The received-data interrupt at each trigger level, and the character
 * timeout for what stays below it. */
static void test_trigger_levels_and_timeout(void **state)
{
	struct fixture *f = *state;
	static const unsigned levels[4] = { 1, 4, 8, 14 };
	init_115200_8n1(f);
	out8(f, UART_MCR, UART_MCR_OUT2);
	out8(f, UART_IER, UART_IER_RDA);
	for (unsigned t = 0; t < 4; t++) {
		out8(f, UART_FCR, (uint8_t)(t << 6 | UART_FCR_ENABLE | UART_FCR_CLEAR_RX));
		for (unsigned i = 1; i < levels[t]; i++) {
			uart_receive(&f->u, (uint8_t)i, 0);
			assert_int_equal(in8(f, UART_IIR), UART_IIR_FIFO | UART_IIR_NONE);
			assert_int_equal(f->irq_level, 0);
		}
		uart_receive(&f->u, 0xAA, 0);
		assert_int_equal(in8(f, UART_IIR), UART_IIR_FIFO | UART_IIR_RDA);
		assert_int_equal(f->irq_level, 1);
	}
	/* 14 bytes waiting; read one: below the trigger, no interrupt. */
	in8(f, UART_RBR);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_FIFO | UART_IIR_NONE);
	assert_int_equal(f->irq_level, 0);
	/* Four character times after that read: the timeout. */
	run_for(f, 4 * (uint64_t)CHAR_8N1 - 1);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_FIFO | UART_IIR_NONE);
	run_for(f, 1);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_FIFO | UART_IIR_TIMEOUT);
	assert_int_equal(f->irq_level, 1);
	/* Reading a character clears it and starts the timer again. */
	in8(f, UART_RBR);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_FIFO | UART_IIR_NONE);
	assert_int_equal(f->irq_level, 0);
	run_for(f, 4 * (uint64_t)CHAR_8N1);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_FIFO | UART_IIR_TIMEOUT);
	/* A new character also restarts the timer. */
	uart_receive(&f->u, 1, 0);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_FIFO | UART_IIR_NONE);
	/* Drained: no timeout ever. */
	for (int i = 0; i < UART_FIFO_SIZE && (in8(f, UART_LSR) & UART_LSR_DR); i++)
		in8(f, UART_RBR);
	assert_int_equal(in8(f, UART_LSR) & UART_LSR_DR, 0);
	run_for(f, 100 * (uint64_t)CHAR_8N1);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_FIFO | UART_IIR_NONE);
	/* Without FIFOs there is no timeout: one byte is already the trigger. */
	out8(f, UART_FCR, 0);
	uart_receive(&f->u, 7, 0);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_RDA);
}

static void test_thre_interrupt(void **state)
{
	struct fixture *f = *state;
	init_115200_8n1(f);
	out8(f, UART_MCR, UART_MCR_OUT2);
	/* Enabling the interrupt with the THR empty raises it. */
	out8(f, UART_IER, UART_IER_THRE);
	assert_int_equal(f->irq_level, 1);
	assert_int_equal(f->irq_edges, 1);
	/* Reading IIR when THRE is the cause acknowledges it. */
	assert_int_equal(in8(f, UART_IIR), UART_IIR_THRE);
	assert_int_equal(f->irq_level, 0);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_NONE);
	/* Rewriting IER with the bit already set does not raise it again. */
	out8(f, UART_IER, UART_IER_THRE);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_NONE);
	/* A write: the THR empties into the shift register at once. */
	out8(f, UART_THR, 'x');
	assert_int_equal(f->irq_edges, 2);
	out8(f, UART_THR, 'y');
	assert_int_equal(f->irq_level, 0); /* writing THR clears it */
	run_for(f, CHAR_8N1);
	assert_int_equal(f->irq_level, 1); /* 'y' moved on: THR empty */
	assert_int_equal(f->irq_edges, 3);
	/* Writing THR while THRE is pending makes a fresh edge for the PIC. */
	out8(f, UART_THR, 'z');
	assert_int_equal(f->irq_edges, 3);
	run_for(f, CHAR_8N1);
	assert_int_equal(f->irq_edges, 4);
	/* OUT2 gates the line, not the cause. */
	out8(f, UART_MCR, 0);
	assert_int_equal(f->irq_level, 0);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_THRE);
	out8(f, UART_IER, 0);
	out8(f, UART_IER, UART_IER_THRE);
	out8(f, UART_MCR, UART_MCR_OUT2);
	assert_int_equal(f->irq_level, 1);
	/* A driver that answers with a write, without reading IIR: on the chip
	 * the write drops INTRPT and the transfer to the idle shift register
	 * raises it again, a new edge. */
	run_for(f, 2 * (uint64_t)CHAR_8N1);
	int edges = f->irq_edges;
	out8(f, UART_THR, 'w');
	assert_int_equal(f->irq_level, 1);
	assert_int_equal(f->irq_edges, edges + 1);
	out8(f, UART_IER, 0);
	assert_int_equal(f->irq_level, 0);
}

/* Line status > received data > THRE > modem status, each cleared its own
 * way. */
static void test_iir_priorities(void **state)
{
	struct fixture *f = *state;
	init_115200_8n1(f);
	out8(f, UART_MCR, UART_MCR_OUT2);
	uart_receive(&f->u, 'a', 0);
	uart_receive(&f->u, 'b', 0); /* overrun: the RBR holds one */
	uart_set_modem_inputs(&f->u, UART_MSR_CTS);
	out8(f, UART_IER, 0x0F);
	assert_int_equal(f->irq_level, 1);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_RLS);
	assert_int_equal(in8(f, UART_LSR) & (UART_LSR_OE | UART_LSR_DR), UART_LSR_OE | UART_LSR_DR);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_RDA);
	assert_int_equal(in8(f, UART_RBR), 'b');
	assert_int_equal(in8(f, UART_IIR), UART_IIR_THRE);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_MS);
	assert_int_equal(f->irq_level, 1);
	in8(f, UART_MSR);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_NONE);
	assert_int_equal(f->irq_level, 0);
	/* Disabled causes are not reported. */
	out8(f, UART_IER, 0);
	out8(f, UART_IER, UART_IER_THRE);
	uart_receive(&f->u, 'c', 0);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_THRE);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_NONE);
}

static void test_overrun(void **state)
{
	struct fixture *f = *state;
	init_115200_8n1(f);
	/* Without FIFOs, through the loopback: two characters, one RBR. */
	out8(f, UART_MCR, UART_MCR_LOOP);
	out8(f, UART_THR, '1');
	out8(f, UART_THR, '2');
	run_for(f, 2 * (uint64_t)CHAR_8N1);
	uint8_t lsr = in8(f, UART_LSR);
	assert_int_equal(lsr & (UART_LSR_OE | UART_LSR_DR), UART_LSR_OE | UART_LSR_DR);
	assert_int_equal(in8(f, UART_LSR) & UART_LSR_OE, 0); /* read clears */
	assert_int_equal(in8(f, UART_RBR), '2');
	assert_int_equal(f->u.overruns, 1);
	/* With FIFOs: the seventeenth character is the one lost. */
	out8(f, UART_FCR, UART_FCR_ENABLE);
	for (int i = 0; i < 17; i++)
		out8(f, UART_THR, (uint8_t)('A' + i));
	run_for(f, 17 * (uint64_t)CHAR_8N1);
	assert_int_equal(in8(f, UART_LSR) & UART_LSR_OE, UART_LSR_OE);
	for (int i = 0; i < 16; i++)
		assert_int_equal(in8(f, UART_RBR), 'A' + i);
	assert_int_equal(in8(f, UART_LSR) & UART_LSR_DR, 0);
}

/* A break in loopback arrives as a zero character with BI; the FIFO error
 * bit tells a driver an errored character is waiting. */
static void test_break_and_fifo_error(void **state)
{
	struct fixture *f = *state;
	init_115200_8n1(f);
	out8(f, UART_FCR, UART_FCR_ENABLE);
	out8(f, UART_MCR, UART_MCR_LOOP);
	out8(f, UART_IER, UART_IER_RLS);
	uart_receive(&f->u, 'k', 0);
	out8(f, UART_LCR, UART_LCR_BREAK | 0x03);
	out8(f, UART_LCR, 0x03);
	/* The top character is fine; the error waits behind it. */
	assert_int_equal(in8(f, UART_IIR), UART_IIR_FIFO | UART_IIR_NONE);
	assert_int_equal(in8(f, UART_LSR),
			 UART_LSR_FIFO_ERR | UART_LSR_DR | UART_LSR_THRE | UART_LSR_TEMT);
	assert_int_equal(in8(f, UART_RBR), 'k');
	/* Now the break is on top: BI, and a line status interrupt. */
	assert_int_equal(in8(f, UART_IIR), UART_IIR_FIFO | UART_IIR_RLS);
	assert_int_equal(in8(f, UART_LSR), UART_LSR_FIFO_ERR | UART_LSR_BI | UART_LSR_DR |
						   UART_LSR_THRE | UART_LSR_TEMT);
	assert_int_equal(in8(f, UART_LSR), UART_LSR_DR | UART_LSR_THRE | UART_LSR_TEMT);
	assert_int_equal(in8(f, UART_RBR), 0);
	assert_int_equal(in8(f, UART_IIR), UART_IIR_FIFO | UART_IIR_NONE);
}

/* Wide accesses split into bytes; ports past the UART are not claimed. */
static void test_ports(void **state)
{
	struct fixture *f = *state;
	io_write(&f->bus, BASE + UART_LCR, 0x1B | (0xA5 << 8), 2); /* LCR, MCR */
	assert_int_equal(in8(f, UART_LCR), 0x1B);
	assert_int_equal(in8(f, UART_MCR), 0x05);
	assert_int_equal(io_read(&f->bus, BASE + 8, 1), 0xFF);
	assert_int_equal(io_read(&f->bus, BASE - 1, 1), 0xFF);
}

/* ---- Backends ---- */

static void on_quit(void *opaque)
{
	struct fixture *f = opaque;
	f->quits++;
}

/* Input written to a pipe reaches RBR, paced at the line speed and never
 * more than the FIFO holds; end of file stops the polling. */
static void test_backend_pipe_input(void **state)
{
	struct fixture *f = *state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	serial_backend_close(&f->be);
	assert_int_equal(serial_backend_attach(&f->be, p[0], NULL, &f->clock), 0);
	init_115200_8n1(f);
	out8(f, UART_FCR, UART_FCR_ENABLE);
	char msg[41];
	for (int i = 0; i < 40; i++)
		msg[i] = (char)('A' + i % 26);
	msg[40] = 0;
	assert_int_equal(write(p[1], msg, 40), 40);
	/* Nothing before the first poll (1 ms) plus a character time. */
	run_for(f, SERIAL_POLL_NS);
	assert_int_equal(in8(f, UART_LSR) & UART_LSR_DR, 0);
	run_for(f, CHAR_8N1);
	assert_int_equal(f->u.rx_count, 1);
	run_for(f, 100 * (uint64_t)CHAR_8N1);
	assert_int_equal(f->u.rx_count, 16);
	assert_int_equal(f->u.overruns, 0);
	char got[41] = { 0 };
	int n = 0;
	for (int spins = 0; n < 40 && spins < 1000; spins++) {
		while (n < 40 && (in8(f, UART_LSR) & UART_LSR_DR))
			got[n++] = (char)in8(f, UART_RBR);
		run_for(f, CHAR_8N1);
	}
	assert_string_equal(got, msg);
	assert_int_equal(in8(f, UART_LSR) & UART_LSR_OE, 0);
	/* End of file: the poll event stops. */
	close(p[1]);
	run_for(f, 2 * SERIAL_POLL_NS);
	assert_int_equal(f->be.in_fd, -1);
	run_for(f, 10 * (uint64_t)CHAR_8N1);
	assert_int_equal(clock_next_deadline(&f->clock), CLOCK_NEVER);
	close(p[0]);
}

/* In loopback the receiver is disconnected from the backend. */
static void test_backend_input_waits_in_loopback(void **state)
{
	struct fixture *f = *state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	serial_backend_close(&f->be);
	assert_int_equal(serial_backend_attach(&f->be, p[0], NULL, &f->clock), 0);
	init_115200_8n1(f);
	out8(f, UART_MCR, UART_MCR_LOOP);
	assert_int_equal(write(p[1], "q", 1), 1);
	run_for(f, 3 * SERIAL_POLL_NS);
	assert_int_equal(in8(f, UART_LSR) & UART_LSR_DR, 0);
	out8(f, UART_MCR, 0);
	run_for(f, SERIAL_POLL_NS);
	assert_int_equal(in8(f, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	assert_int_equal(in8(f, UART_RBR), 'q');
	close(p[1]);
	close(p[0]);
}

/* Ctrl-A escapes: Ctrl-A Ctrl-A sends one Ctrl-A; Ctrl-A x quits. */
static void test_backend_escapes(void **state)
{
	struct fixture *f = *state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	serial_backend_close(&f->be);
	assert_int_equal(serial_backend_attach(&f->be, p[0], NULL, &f->clock), 0);
	f->be.escapes = true;
	f->be.quit = on_quit;
	f->be.quit_opaque = f;
	assert_int_equal(write(p[1],
			       "a\x01\x01"
			       "b\x01q\x01xc",
			       9),
			 9);
	serial_backend_poll(&f->be);
	assert_int_equal(serial_backend_read(&f->be), 'a');
	assert_int_equal(serial_backend_read(&f->be), 0x01);
	assert_int_equal(serial_backend_read(&f->be), 'b');
	assert_int_equal(serial_backend_read(&f->be), -1);
	assert_true(f->be.quit_requested);
	assert_int_equal(f->quits, 1);
	close(p[1]);
	close(p[0]);
}

static void test_backend_file(void **state)
{
	struct fixture *f = *state;
	char path[] = "/tmp/popek-uart-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	char spec[64];
	snprintf(spec, sizeof(spec), "file:%s", path);
	char err[128] = "";
	serial_backend_close(&f->be);
	assert_int_equal(serial_backend_open(&f->be, spec, "--serial", &f->clock, err, sizeof(err)),
			 0);
	assert_int_equal(f->be.kind, SERIAL_FILE);
	init_115200_8n1(f);
	out8(f, UART_FCR, UART_FCR_ENABLE);
	const char *msg = "over the wire\n";
	for (const char *c = msg; *c; c++) {
		for (int spins = 0; !(in8(f, UART_LSR) & UART_LSR_THRE); spins++) {
			assert_true(spins < 1000);
			run_for(f, 1000);
		}
		out8(f, UART_THR, (uint8_t)*c);
	}
	run_for(f, 20 * (uint64_t)CHAR_8N1);
	/* The newline flushed it: the file already has the line. */
	FILE *rd = fopen(path, "rb");
	assert_non_null(rd);
	char buf[64] = { 0 };
	assert_int_equal(fread(buf, 1, sizeof(buf) - 1, rd), strlen(msg));
	fclose(rd);
	assert_string_equal(buf, msg);
	serial_backend_close(&f->be);
	serial_backend_close(&f->be); /* twice is harmless */
	unlink(path);

	/* A file that cannot be created: one line naming it. */
	assert_int_equal(serial_backend_open(&f->be, "file:/nonexistent-dir/x", "--serial",
					     &f->clock, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "--serial /nonexistent-dir/x: "));
	assert_null(strchr(err, '\n'));
	assert_int_equal(
		serial_backend_open(&f->be, "tty", "--serial2", &f->clock, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--serial2"));
	/* none: output dropped, no events. */
	assert_int_equal(
		serial_backend_open(&f->be, "none", "--serial", &f->clock, err, sizeof(err)), 0);
	assert_null(f->be.out);
	assert_int_equal(f->be.poll_event, -1);
}

/* A prompt without a newline is flushed shortly after anyway. */
static void test_backend_flush_without_newline(void **state)
{
	struct fixture *f = *state;
	char path[] = "/tmp/popek-uart-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	char spec[64], err[128];
	snprintf(spec, sizeof(spec), "file:%s", path);
	serial_backend_close(&f->be);
	assert_int_equal(serial_backend_open(&f->be, spec, "--serial", &f->clock, err, sizeof(err)),
			 0);
	init_115200_8n1(f);
	out8(f, UART_THR, '$');
	run_for(f, CHAR_8N1);
	FILE *rd = fopen(path, "rb");
	fseek(rd, 0, SEEK_END);
	assert_int_equal(ftell(rd), 0);
	run_for(f, SERIAL_POLL_NS);
	fseek(rd, 0, SEEK_END);
	assert_int_equal(ftell(rd), 1);
	fclose(rd);
	/* And then no more events: nothing keeps a halted guest awake. */
	assert_int_equal(clock_next_deadline(&f->clock), CLOCK_NEVER);
	serial_backend_close(&f->be);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reset_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_divisor_latch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_timing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_fifo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_word_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loopback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msr_loopback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_control, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trigger_levels_and_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thre_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iir_priorities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overrun, setup, teardown),
		cmocka_unit_test_setup_teardown(test_break_and_fifo_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backend_pipe_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backend_input_waits_in_loopback, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_backend_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backend_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backend_flush_without_newline, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
