/* main.c: popek's entry point: parse the command line, load the firmware,
 * build the machine and hand it to a frontend. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frontend/cli.h"
#include "frontend/headless.h"
#include "frontend/stepper.h"
#include "frontend/window.h"
#include "vmm/machine.h"

/* The built-in demo ROM (roms/demo/demo.asm, embedded at build time). */
extern const uint8_t rom_demo[];
extern const size_t rom_demo_size;
/* popek's BIOS (roms/bios/bios.asm): the firmware for booting disks. */
extern const uint8_t rom_bios[];
extern const size_t rom_bios_size;

#define BIOS_MAX_SIZE (256u << 10)

/* Reads a firmware image; on error prints one line and returns NULL. */
static uint8_t *load_bios(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "popek: --bios %s: %s\n", path, strerror(errno));
		return NULL;
	}
	uint8_t *buf = malloc(BIOS_MAX_SIZE + 1);
	if (!buf) {
		fclose(f);
		fprintf(stderr, "popek: out of memory\n");
		return NULL;
	}
	size_t n = fread(buf, 1, BIOS_MAX_SIZE + 1, f);
	int rd_err = ferror(f) ? errno : 0;
	fclose(f);
	if (rd_err) {
		fprintf(stderr, "popek: --bios %s: %s\n", path, strerror(rd_err));
		free(buf);
		return NULL;
	}
	if (n != (64u << 10) && n != (128u << 10) && n != (256u << 10)) {
		if (n > BIOS_MAX_SIZE)
			fprintf(stderr, "popek: --bios %s: larger than 256 KiB; a BIOS image must be 64, 128 or 256 KiB\n",
				path);
		else
			fprintf(stderr, "popek: --bios %s: %zu bytes; a BIOS image must be 64, 128 or 256 KiB\n",
				path, n);
		free(buf);
		return NULL;
	}
	*size = n;
	return buf;
}

/* Reads the --vgabios image (1 byte to MACHINE_VGABIOS_MAX); on error
 * prints one line and returns NULL. */
static uint8_t *load_vgabios(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "popek: --vgabios %s: %s\n", path, strerror(errno));
		return NULL;
	}
	uint8_t *buf = malloc(MACHINE_VGABIOS_MAX + 1);
	size_t n = buf ? fread(buf, 1, MACHINE_VGABIOS_MAX + 1, f) : 0;
	int rd_err = ferror(f) ? errno : 0;
	fclose(f);
	if (!buf || rd_err || n == 0 || n > MACHINE_VGABIOS_MAX) {
		if (!buf)
			fprintf(stderr, "popek: out of memory\n");
		else if (rd_err)
			fprintf(stderr, "popek: --vgabios %s: %s\n", path, strerror(rd_err));
		else
			fprintf(stderr, "popek: --vgabios %s: %s; a VGA BIOS image must be 1 byte to 128 KiB\n",
				path, n ? "larger than 128 KiB" : "empty file");
		free(buf);
		return NULL;
	}
	*size = n;
	return buf;
}

int main(int argc, char **argv)
{
	struct options o;
	int r = cli_parse(argc, argv, &o);
	if (r < 0)
		return EXIT_USAGE;
	if (r > 0)
		return 0;

	struct machine_config cfg = {.ram_mb = o.ram_mb, .exit_port = o.exit_port,
				     .log_post = o.post_codes, .post_log = stderr};
	uint8_t *bios = NULL;
	if (o.bios_path) {
		bios = load_bios(o.bios_path, &cfg.bios_size);
		if (!bios)
			return EXIT_USAGE;
		cfg.bios = bios;
	} else if (o.hda || o.hdb || o.cdrom || o.kernel) {
		/* Something to boot: popek's own BIOS boots it. */
		cfg.bios = rom_bios;
		cfg.bios_size = rom_bios_size;
	} else {
		cfg.bios = rom_demo;
		cfg.bios_size = rom_demo_size;
	}

	uint8_t *vgabios = NULL;
	if (o.vgabios_path) {
		vgabios = load_vgabios(o.vgabios_path, &cfg.vgabios_size);
		if (!vgabios) {
			free(bios);
			return EXIT_USAGE;
		}
		cfg.vgabios = vgabios;
	}

	FILE *debugcon = NULL;
	if (!strcmp(o.debugcon, "stdio")) {
		debugcon = stdout;
	} else if (!strncmp(o.debugcon, "file:", 5)) {
		debugcon = fopen(o.debugcon + 5, "wb");
		if (!debugcon) {
			fprintf(stderr, "popek: --debugcon %s: %s\n", o.debugcon + 5, strerror(errno));
			free(bios);
			free(vgabios);
			return EXIT_USAGE;
		}
	}
	cfg.debugcon = debugcon;
	cfg.serial[0] = o.serial;
	cfg.serial[1] = o.serial2;
	cfg.kernel = o.kernel;
	cfg.initrd = o.initrd;
	cfg.append = o.append;
	cfg.hda = o.hda;
	cfg.hdb = o.hdb;
	cfg.cdrom = o.cdrom;
	cfg.snapshot = o.snapshot;
	cfg.disk_warn = stderr;
	/* The real-time clock starts at --rtc-base, or else at the host's clock
	 * (UTC) at start-up: the one place a headless run reads the host clock
	 * for the guest. With --rtc-base a run is fully deterministic. */
	cfg.rtc_base = o.rtc_base_set ? o.rtc_base : (int64_t)time(NULL);
	cfg.io_log = o.log_io ? stderr : NULL;
	cfg.boot_order = o.boot;
	cfg.headless = o.headless;
	/* The binary translator is the default engine. The stepper runs one
	 * instruction at a time with the interpreter, so it keeps that
	 * engine unless --engine names another. */
	const char *engine = o.engine ? o.engine : o.step ? "interp" : "bt";
	if (!strcmp(engine, "bt")) {
		cfg.engine = MACHINE_ENGINE_BT;
	} else if (!strcmp(engine, "bt-portable")) {
		cfg.engine = MACHINE_ENGINE_BT;
		cfg.tr_portable = true;
	} else if (!strcmp(engine, "check")) {
		cfg.engine = MACHINE_ENGINE_CHECK;
	}
	/* The stepper owns the terminal and reads its commands from stdin: a
	 * serial port on stdio would take them, so it is unplugged. */
	if (o.step) {
		if (!strcmp(cfg.serial[0], "stdio"))
			cfg.serial[0] = "none";
		if (!strcmp(cfg.serial[1], "stdio"))
			cfg.serial[1] = "none";
	}
	/* --display text on a terminal repaints the screen on stdout: serial
	 * ports and a debug console on stdio would write over it, so they are
	 * unplugged (--help and the README say to send them to files). */
	if (!o.step && headless_display_owns_terminal(&o)) {
		for (int i = 0; i < 2; i++)
			if (!strcmp(cfg.serial[i], "stdio"))
				cfg.serial[i] = "none";
		if (cfg.debugcon == stdout)
			cfg.debugcon = NULL;
	}
	/* Device options become machine configuration above this line. */

	/* The window is opened before the machine is built: a machine that no
	 * window shows has its firmware mirror its text to COM1. */
	struct window *win = NULL;
	if (o.step && o.display && !strcmp(o.display, "sdl")) {
		fprintf(stderr, "popek: --step runs in the terminal, not with --display sdl "
				"(Ctrl+Alt+T in the window enters the stepper)\n");
		free(bios);
		free(vgabios);
		return EXIT_USAGE;
	}
	if (!o.step) {
		if (window_open(&o, &win) < 0) {
			free(bios);
			free(vgabios);
			return EXIT_USAGE;
		}
		cfg.headless = !win;
		/* A window run is interactive: the debug console's file is
		 * written line by line, so it can be followed as it grows. */
		if (win && debugcon && debugcon != stdout)
			setvbuf(debugcon, NULL, _IOLBF, 0);
	}

	struct machine *m = malloc(sizeof(*m));
	char err[256];
	if (!m || machine_init(m, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "popek: %s\n", m ? err : "out of memory");
		window_close(win);
		free(m);
		free(bios);
		free(vgabios);
		return EXIT_USAGE;
	}
	free(bios); /* the machine keeps its own copies */
	free(vgabios);

	/* Frontend selection: the stepper with --step; the window when one
	 * opened above (a display is present and no headless run was asked
	 * for); the headless run otherwise. */
	int status;
	if (o.step)
		status = stepper_run(m, &o);
	else if (win)
		status = window_run(win, m, &o);
	else
		status = headless_run(m, &o);

	/* --engine check found the engines differ (reported on stderr). */
	if (m->diverged)
		status = EXIT_ENGINES_DIFFER;
	/* The window goes first; machine_free then flushes the disks. */
	window_close(win);
	/* A firmware that never asks for the kernel (not popek's BIOS, or one
	 * without HC_BOOT_KERNEL) leaves --kernel unused: say so. */
	if (o.kernel && !m->boot.started)
		fprintf(stderr, "popek: --kernel %s: the firmware never started it (popek's BIOS "
				"does at the end of POST, through the hypercall HC_BOOT_KERNEL)\n",
			o.kernel);
	machine_free(m);
	free(m);
	if (debugcon && debugcon != stdout && fclose(debugcon) != 0) {
		fprintf(stderr, "popek: --debugcon %s: write error\n", o.debugcon + 5);
		return EXIT_USAGE;
	}
	fflush(stdout);
	return status;
}
