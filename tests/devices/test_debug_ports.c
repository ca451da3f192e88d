/* test_debug_ports.c: debug console, POST log format and the debug-exit
 * status, driven through the I/O bus as a guest would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "devices/debug_ports.h"
#include "vmm/io_bus.h"

struct fixture {
	struct io_bus bus;
	struct debug_ports dp;
	char *buf;
	size_t len;
	FILE *mem;
	int stops;
	void *stop_arg;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	io_bus_init(&f->bus);
	debug_ports_defaults(&f->dp);
	f->mem = open_memstream(&f->buf, &f->len);
	if (!f->mem)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	fclose(f->mem);
	free(f->buf);
	free(f);
	return 0;
}

static void on_stop(void *opaque)
{
	struct fixture *f = opaque;
	f->stops++;
	f->stop_arg = opaque;
}

static void test_defaults(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(f->dp.exit_port, 0xF4);
	assert_null(f->dp.debugcon);
	assert_false(f->dp.log_post);
	assert_null(f->dp.request_stop);
}

static void test_debugcon(void **state)
{
	struct fixture *f = *state;
	f->dp.debugcon = f->mem;
	assert_int_equal(debug_ports_init(&f->dp, &f->bus), 0);
	const char *msg = "Hello, 0xE9\n";
	for (const char *p = msg; *p; p++)
		io_write(&f->bus, 0xE9, (uint8_t)*p, 1);
	fflush(f->mem);
	assert_int_equal(f->len, strlen(msg));
	assert_memory_equal(f->buf, msg, strlen(msg));
	/* Detection: reading the port returns its number. */
	assert_int_equal(io_read(&f->bus, 0xE9, 1), 0xE9);
}

static void test_debugcon_discard(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(debug_ports_init(&f->dp, &f->bus), 0);
	io_write(&f->bus, 0xE9, 'x', 1);
	fflush(f->mem);
	assert_int_equal(f->len, 0);
}

static void test_post_log(void **state)
{
	struct fixture *f = *state;
	f->dp.post_log = f->mem;
	f->dp.log_post = true;
	assert_int_equal(debug_ports_init(&f->dp, &f->bus), 0);
	io_write(&f->bus, 0x80, 0x3A, 1);
	io_write(&f->bus, 0x80, 0x05, 1);
	io_write(&f->bus, 0x80, 0xFF, 1);
	fflush(f->mem);
	const char *want = "POST 3A\nPOST 05\nPOST FF\n";
	assert_int_equal(f->len, strlen(want));
	assert_memory_equal(f->buf, want, strlen(want));
	assert_int_equal(f->dp.last_post, 0xFF);
	assert_int_equal(io_read(&f->bus, 0x80, 1), 0xFF);
	/* Logging off: the code is still kept. */
	f->dp.log_post = false;
	io_write(&f->bus, 0x80, 0xC1, 1);
	fflush(f->mem);
	assert_int_equal(f->len, strlen(want));
	assert_int_equal(f->dp.last_post, 0xC1);
	assert_int_equal(io_read(&f->bus, 0x80, 1), 0xC1);
}

static void test_exit_byte(void **state)
{
	struct fixture *f = *state;
	f->dp.debugcon = f->mem;
	f->dp.request_stop = on_stop;
	f->dp.stop_opaque = f;
	assert_int_equal(debug_ports_init(&f->dp, &f->bus), 0);
	io_write(&f->bus, 0xE9, 'o', 1);
	io_write(&f->bus, 0xE9, 'k', 1);
	assert_false(f->dp.exit_requested);
	io_write(&f->bus, 0xF4, 0x10, 1);
	assert_true(f->dp.exit_requested);
	assert_int_equal(f->dp.exit_status, 0x21);
	assert_int_equal(f->stops, 1);
	assert_ptr_equal(f->stop_arg, f);
	/* The console was flushed by the exit request (a memstream's size is
	 * only updated by a flush). */
	assert_int_equal(f->len, 2);
	assert_memory_equal(f->buf, "ok", 2);
	/* The first request wins. */
	io_write(&f->bus, 0xF4, 0x00, 1);
	assert_int_equal(f->dp.exit_status, 0x21);
	assert_int_equal(f->stops, 1);
	/* Reading the exit port finds nothing. */
	assert_int_equal(io_read(&f->bus, 0xF4, 1), 0xFF);
}

static void test_exit_wide(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(debug_ports_init(&f->dp, &f->bus), 0);
	io_write(&f->bus, 0xF4, 0x1234, 2);
	assert_true(f->dp.exit_requested);
	assert_int_equal(f->dp.exit_status, 0x2469);

	io_bus_init(&f->bus);
	assert_int_equal(debug_ports_init(&f->dp, &f->bus), 0);
	assert_false(f->dp.exit_requested);
	io_write(&f->bus, 0xF4, 0x00012345, 4);
	assert_int_equal(f->dp.exit_status, 0x0002468B);

	/* Status 0 is impossible: v = 0 gives 1. */
	io_bus_init(&f->bus);
	assert_int_equal(debug_ports_init(&f->dp, &f->bus), 0);
	io_write(&f->bus, 0xF4, 0, 1);
	assert_int_equal(f->dp.exit_status, 1);
}

static void test_exit_port_config(void **state)
{
	struct fixture *f = *state;
	f->dp.exit_port = 0x501;
	assert_int_equal(debug_ports_init(&f->dp, &f->bus), 0);
	io_write(&f->bus, 0xF4, 3, 1);
	assert_false(f->dp.exit_requested);
	io_write(&f->bus, 0x501, 3, 1);
	assert_true(f->dp.exit_requested);
	assert_int_equal(f->dp.exit_status, 7);

	/* Disabled. */
	io_bus_init(&f->bus);
	f->dp.exit_port = -1;
	assert_int_equal(debug_ports_init(&f->dp, &f->bus), 0);
	io_write(&f->bus, 0xF4, 3, 1);
	io_write(&f->bus, 0x501, 3, 1);
	assert_false(f->dp.exit_requested);
}

static void test_init_conflicts(void **state)
{
	struct fixture *f = *state;
	static const struct io_ops none = { 0 };
	/* 0xE9 already taken. */
	assert_int_equal(io_register(&f->bus, 0xE9, 1, &none, NULL, "other"), 0);
	assert_int_equal(debug_ports_init(&f->dp, &f->bus), -1);
	/* The exit port on top of the POST port. */
	io_bus_init(&f->bus);
	f->dp.exit_port = 0x80;
	assert_int_equal(debug_ports_init(&f->dp, &f->bus), -1);
	/* Out of range. */
	io_bus_init(&f->bus);
	f->dp.exit_port = 0x10000;
	assert_int_equal(debug_ports_init(&f->dp, &f->bus), -1);
}

int main(void)
{
	/* One test a line. */
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_debugcon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_debugcon_discard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_post_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_wide, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_port_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_conflicts, setup, teardown),
	};
	/* clang-format on */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
