/* cli.h: popek's command line: the options and the exit statuses every
 * frontend shares. */
#ifndef POPEK_FRONTEND_CLI_H
#define POPEK_FRONTEND_CLI_H

#include <stdbool.h>
#include <stdint.h>

/* Exit statuses (documented in --help and the README). A guest's
 * debug-exit write of v gives (v << 1) | 1: always odd. */
enum {
	EXIT_GUEST_HALTED = 0, /* HLT with interrupts disabled: nothing can wake it */
	EXIT_USAGE = 2,        /* bad command line or host-side error */
	EXIT_GUEST_RESET = 4,  /* triple fault / reset request */
	EXIT_INSN_LIMIT = 6,   /* --max-insns reached */
	EXIT_ENGINES_DIFFER = 8, /* --engine check: translator and interpreter differ */
	EXIT_TIMEOUT = 124,    /* --timeout reached (as timeout(1)) */
};

struct options {
	const char *bios_path;   /* NULL: the built-in demo ROM */
	const char *vgabios_path; /* --vgabios: the VGA's option ROM (NULL: none) */
	uint32_t ram_mb;
	bool headless;
	const char *debugcon;    /* "stdio", "none" or "file:PATH" */
	bool post_codes;
	int exit_port;           /* -1: none */
	double timeout_s;        /* 0: none */
	uint64_t max_insns;      /* 0: none */
	bool stats;
	const char *serial;      /* COM1: "stdio" (default), "none" or "file:PATH" */
	const char *serial2;     /* COM2: "none" (default), "stdio" or "file:PATH" */
	const char *hda, *hdb;   /* IDE disk images (primary master, slave) */
	const char *cdrom;       /* ISO image in the CD-ROM drive */
	bool snapshot;           /* disk writes stay in memory */
	int64_t rtc_base;        /* --rtc-base: RTC start, seconds since 1970 UTC */
	bool rtc_base_set;
	bool log_io;             /* --log io: report unclaimed ports once each */
	const char *boot;        /* --boot: boot order, up to three of a, c, d, n (NULL: "cd") */
	bool step;               /* --step: the teaching stepper (frontend/stepper.h) */
	const char *step_script; /* --step-script FILE ("-": stdin); implies --step */
	/* Headless outputs (frontend/headless.c). */
	const char *display;     /* --display: "text", "none" or "sdl" (NULL: the frontend's default) */
	const char *screenshot;  /* --screenshot FILE.png: the screen at the end of the run */
	const char *dump_text;   /* --dump-text FILE: the text screen as UTF-8 at the end */
	bool stats_json;         /* --stats=json: the statistics as one JSON object */
	bool no_reboot;          /* --no-reboot: a reset ends the run (always so headless) */
	bool scale_integer;      /* --scale integer: the window scales by whole factors */
	const char *kernel;      /* --kernel: bzImage or Multiboot kernel to boot directly */
	const char *initrd;      /* --initrd */
	const char *append;      /* --append: the kernel's command line */
	const char *engine;      /* --engine: "interp", "bt", "bt-portable" or "check" (NULL: bt; interp with --step) */
	/* Device options: each device adds its fields above this line. */
};

/* Parses argv into `o`. Returns -1 after printing a one-line error (exit
 * with EXIT_USAGE), 1 when --help or --version was handled (exit 0), 0 to
 * go on. */
int cli_parse(int argc, char **argv, struct options *o);

#endif
