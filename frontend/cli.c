/* cli.c: parsing popek's command line. Every bad input gets one line on
 * stderr naming the problem; the caller exits with EXIT_USAGE. */
#include "frontend/cli.h"

#include "devices/cmos.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: popek [options]\n"
	"\n"
	"Runs a PC guest: the built-in demo ROM, or the firmware given with --bios.\n"
	"\n"
	"options:\n"
	"  --bios FILE           firmware image of 64, 128 or 256 KiB, mapped to end at\n"
	"                        0xFFFFF and aliased below 4 GiB; the CPU starts at its\n"
	"                        reset vector (F000:FFF0)\n"
	"  --vgabios FILE        VGA option ROM (at most 128 KiB), offered as the VGA's\n"
	"                        PCI expansion ROM, where SeaBIOS finds it\n"
	"  -m, --memory MIB      guest RAM in MiB (default 32)\n"
	"  --headless            run without a window (the default when there is no\n"
	"                        display: DISPLAY and WAYLAND_DISPLAY unset)\n"
	"  --debugcon DEST       port 0xE9 output: stdio (default), file:PATH or none\n"
	"  --post-codes          log every POST code written to port 0x80 as 'POST xx'\n"
	"                        on stderr\n"
	"  --exit-port PORT|none debug-exit port (default 0xf4): writing v ends the run\n"
	"                        with exit status (v << 1) | 1\n"
	"  --timeout SECONDS     end the run after this much host time\n"
	"  --max-insns N         end the run after N guest instructions\n"
	"  --stats[=json]        print run statistics on stderr at the end (=json: as\n"
	"                        one JSON object, for scripts)\n"
	"  --engine ENGINE       how the CPU runs the guest: bt (the binary translator,\n"
	"                        default; with --step: interp), interp (the interpreter),\n"
	"                        bt-portable (the translator's portable backend, no host\n"
	"                        code) or check (both in lockstep: stop with exit\n"
	"                        status 8 and both states at the first difference)\n"
	"  --serial DEST         COM1 (0x3F8, IRQ 4): stdio (default), file:PATH or none;\n"
	"                        on a terminal, stdio is raw: Ctrl-A x quits, Ctrl-A\n"
	"                        Ctrl-A sends Ctrl-A\n"
	"  --serial2 DEST        COM2 (0x2F8, IRQ 3): none (default), stdio or file:PATH\n"
	"  --hda FILE            raw hard disk image, primary IDE master (guest writes\n"
	"                        go to the file; a file without write permission is\n"
	"                        a write-protected disk)\n"
	"  --hdb FILE            raw hard disk image, primary IDE slave\n"
	"  --cdrom FILE          ISO image in the CD-ROM drive (secondary IDE master)\n"
	"  --snapshot            keep the guest's disk writes in memory; image files are\n"
	"                        never written\n"
	"  --rtc-base TIME       start the real-time clock at TIME, YYYY-MM-DDTHH:MM:SS in\n"
	"                        UTC (1970-2099), so the guest's clock does not depend on\n"
	"                        the host's (default: the host's clock at start-up)\n"
	"  --log WHAT            report on stderr: io (each unclaimed port, once)\n"
	"  --boot ORDER          boot order for the BIOS: up to three of c (first hard\n"
	"                        disk), d (CD-ROM), a (floppy), n (network), e.g. dc\n"
	"                        (default cd); without --bios, a --hda, --hdb or --cdrom\n"
	"                        boots through popek's own BIOS\n"
	"  --step                the teaching stepper: a terminal UI that runs the guest\n"
	"                        one instruction at a time, with registers, segments,\n"
	"                        disassembly, stack, memory and what the VMM does with\n"
	"                        each instruction (its 'help' lists the commands); COM1\n"
	"                        and COM2 on stdio become none. Without a terminal it\n"
	"                        reads commands from stdin and prints the panes as text\n"
	"  --step-script FILE    run the stepper on the commands in FILE (- for stdin),\n"
	"                        printing the panes as text\n"
	"  --display WHAT        sdl: the window (the default when there is a display;\n"
	"                        exit status 2 when it cannot open). text or none:\n"
	"                        a headless run, and what it shows of the screen:\n"
	"                        none (default) or text: the VGA text screen repainted\n"
	"                        on the terminal as it changes, with colours; the\n"
	"                        screen then owns stdout, so COM1, COM2 and the debug\n"
	"                        console on stdio become none (send them to files).\n"
	"                        When stdout is not a terminal, the final screen is\n"
	"                        printed as text at the end instead\n"
	"  --screenshot FILE     write the screen as PNG at the end of the run (text\n"
	"                        modes drawn with the font the guest loaded into the\n"
	"                        VGA, graphics modes at their own resolution)\n"
	"  --dump-text FILE      write the text screen as UTF-8 at the end of the run\n"
	"                        (code page 437 mapped; one line per row). This and\n"
	"                        --screenshot make the run headless\n"
	"  --no-reboot           a guest's reset ends the run (status 4), as QEMU's\n"
	"                        -no-reboot; headless runs always end so, the window\n"
	"                        otherwise restarts the machine\n"
	"  --scale fit|integer   how the window scales the screen: as large as fits,\n"
	"                        keeping the aspect ratio (fit, default), or by whole\n"
	"                        factors only (integer)\n"
	"  --kernel FILE         boot FILE directly, a Linux bzImage (boot protocol 2.06\n"
	"                        or later) or a Multiboot ELF kernel: popek's BIOS runs\n"
	"                        its POST, then the kernel starts instead of a disk\n"
	"  --initrd FILE         the initrd for --kernel (a Multiboot kernel gets it as\n"
	"                        its one module)\n"
	"  --append CMDLINE      the kernel's command line, e.g. \"console=ttyS0\"\n"
	/* Device options' help lines go above this line. */
	"  -h, --help            show this help\n"
	"  --version             show the version\n"
	"\n"
	"exit status:\n"
	"  (v << 1) | 1  the guest wrote v to the debug-exit port\n"
	"  0             the guest halted with interrupts disabled\n"
	"  2             bad command line or host-side error\n"
	"  4             the guest reset the machine (triple fault or reset request;\n"
	"                headless runs never reboot, as with QEMU's -no-reboot; the\n"
	"                window reboots unless --no-reboot)\n"
	"  6             the --max-insns limit was reached\n"
	"  8             --engine check: the translator and the interpreter differ\n"
	"  124           the --timeout limit was reached\n"
	"\n"
	"window hotkeys, with Ctrl+Alt held:\n"
	"  P             pause / resume the guest\n"
	"  S             screenshot: popek-DATE-TIME.png in the current directory\n"
	"  Delete        send Ctrl-Alt-Del to the guest (Insert does too, for\n"
	"                desktops that keep Ctrl+Alt+Delete for themselves)\n"
	"  R             reset the machine\n"
	"  E             switch the engine (interpreter / translator)\n"
	"  T or F12      the stepper, in the terminal, at the current instruction\n"
	"  G             release the mouse (a click in the window grabs it)\n"
	"  Q             quit, as closing the window does: disks are flushed and\n"
	"                the exit status is 0\n";

/* Parses an unsigned integer (decimal or 0x hex) that must fill the whole
 * string and not exceed max. */
static int parse_u64(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	errno = 0;
	if (!*s || *s == '-' || *s == '+') {
		fprintf(stderr, "popek: %s: '%s' is not a number\n", opt, s);
		return -1;
	}
	unsigned long long v = strtoull(s, &end, 0);
	if (*end || errno) {
		fprintf(stderr, "popek: %s: '%s' is not a number\n", opt, s);
		return -1;
	}
	if (v > max) {
		fprintf(stderr, "popek: %s: %s is too large (at most %llu)\n", opt, s,
			(unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

int cli_parse(int argc, char **argv, struct options *o)
{
	*o = (struct options){.ram_mb = 32, .debugcon = "stdio", .exit_port = 0xF4};
	o->serial = "stdio";
	o->serial2 = "none";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		/* Options that take a value: --opt VALUE or --opt=VALUE. */
		const char *val = NULL;
		char name[32];
		const char *eq = strchr(a, '=');
		if (a[0] == '-' && a[1] == '-' && eq && (size_t)(eq - a) < sizeof(name)) {
			memcpy(name, a, (size_t)(eq - a));
			name[eq - a] = 0;
			val = eq + 1;
			a = name;
		}
		bool takes_value = !strcmp(a, "--rtc-base") || !strcmp(a, "--log") ||
				   !strcmp(a, "--bios") || !strcmp(a, "--vgabios") || !strcmp(a, "-m") ||
				   !strcmp(a, "--memory") || !strcmp(a, "--debugcon") ||
				   !strcmp(a, "--exit-port") || !strcmp(a, "--timeout") ||
				   !strcmp(a, "--max-insns") || !strcmp(a, "--serial") || !strcmp(a, "--engine") ||
				   !strcmp(a, "--serial2") || !strcmp(a, "--hda") ||
				   !strcmp(a, "--hdb") || !strcmp(a, "--cdrom") ||
				   !strcmp(a, "--boot") || !strcmp(a, "--step-script") ||
				   !strcmp(a, "--display") || !strcmp(a, "--scale") || !strcmp(a, "--screenshot") ||
				   !strcmp(a, "--dump-text") || !strcmp(a, "--kernel") ||
				   !strcmp(a, "--initrd") || !strcmp(a, "--append");
		if (takes_value && !val) {
			if (i + 1 >= argc) {
				fprintf(stderr, "popek: option %s needs a value\n", a);
				return -1;
			}
			val = argv[++i];
		} else if (!takes_value && val && strcmp(a, "--stats")) { /* --stats=json */
			fprintf(stderr, "popek: option %s takes no value\n", a);
			return -1;
		}

		uint64_t n;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage_text, stdout);
			return 1;
		} else if (!strcmp(a, "--version")) {
			puts("popek 0.1");
			return 1;
		} else if (!strcmp(a, "--bios")) {
			o->bios_path = val;
		} else if (!strcmp(a, "--vgabios")) {
			o->vgabios_path = val;
		} else if (!strcmp(a, "-m") || !strcmp(a, "--memory")) {
			if (parse_u64(a, val, 3072, &n) < 0)
				return -1;
			if (n == 0) {
				fprintf(stderr, "popek: %s: RAM size must be at least 1 MiB\n", a);
				return -1;
			}
			o->ram_mb = (uint32_t)n;
		} else if (!strcmp(a, "--headless")) {
			o->headless = true;
		} else if (!strcmp(a, "--debugcon")) {
			if (strcmp(val, "stdio") && strcmp(val, "none") &&
			    (strncmp(val, "file:", 5) || !val[5])) {
				fprintf(stderr,
					"popek: --debugcon: '%s' is not stdio, none or file:PATH\n",
					val);
				return -1;
			}
			o->debugcon = val;
		} else if (!strcmp(a, "--post-codes")) {
			o->post_codes = true;
		} else if (!strcmp(a, "--exit-port")) {
			if (!strcmp(val, "none")) {
				o->exit_port = -1;
			} else {
				if (parse_u64(a, val, 0xFFFF, &n) < 0)
					return -1;
				o->exit_port = (int)n;
			}
		} else if (!strcmp(a, "--timeout")) {
			char *end;
			errno = 0;
			double t = strtod(val, &end);
			if (*end || errno || !(t > 0) || t > 1e9) {
				fprintf(stderr, "popek: --timeout: '%s' is not a positive number of seconds\n",
					val);
				return -1;
			}
			o->timeout_s = t;
		} else if (!strcmp(a, "--max-insns")) {
			if (parse_u64(a, val, UINT64_MAX, &n) < 0)
				return -1;
			if (n == 0) {
				fprintf(stderr, "popek: --max-insns: the limit must be at least 1\n");
				return -1;
			}
			o->max_insns = n;
		} else if (!strcmp(a, "--engine")) {
			if (strcmp(val, "interp") && strcmp(val, "bt") && strcmp(val, "bt-portable") &&
			    strcmp(val, "check")) {
				fprintf(stderr, "popek: --engine: unknown engine '%s' (known: interp, bt, "
						"bt-portable, check)\n",
					val);
				return -1;
			}
			o->engine = val;
		} else if (!strcmp(a, "--stats")) {
			if (val && strcmp(val, "json") && strcmp(val, "text")) {
				fprintf(stderr, "popek: --stats: unknown format '%s' (known: text, json)\n",
					val);
				return -1;
			}
			o->stats = true;
			o->stats_json = val && !strcmp(val, "json");
		} else if (!strcmp(a, "--serial") || !strcmp(a, "--serial2")) {
			if (strcmp(val, "stdio") && strcmp(val, "none") &&
			    (strncmp(val, "file:", 5) || !val[5])) {
				fprintf(stderr, "popek: %s: '%s' is not stdio, none or file:PATH\n",
					a, val);
				return -1;
			}
			if (!strcmp(a, "--serial"))
				o->serial = val;
			else
				o->serial2 = val;
		} else if (!strcmp(a, "--hda")) {
			o->hda = val;
		} else if (!strcmp(a, "--hdb")) {
			o->hdb = val;
		} else if (!strcmp(a, "--cdrom")) {
			o->cdrom = val;
		} else if (!strcmp(a, "--snapshot")) {
			o->snapshot = true;
		} else if (!strcmp(a, "--rtc-base")) {
			if (cmos_parse_time(val, &o->rtc_base) < 0) {
				fprintf(stderr,
					"popek: --rtc-base: '%s' is not a UTC time YYYY-MM-DDTHH:MM:SS "
					"from 1970 to 2099\n",
					val);
				return -1;
			}
			o->rtc_base_set = true;
		} else if (!strcmp(a, "--log")) {
			/* A comma-separated list; "io" is the only kind so far. */
			char list[64];
			snprintf(list, sizeof(list), "%s", val);
			char *save = NULL;
			for (char *item = strtok_r(list, ",", &save); item;
			     item = strtok_r(NULL, ",", &save)) {
				if (!strcmp(item, "io")) {
					o->log_io = true;
				} else {
					fprintf(stderr, "popek: --log: unknown kind '%s' (known: io)\n",
						item);
					return -1;
				}
			}
			if (!o->log_io) {
				fprintf(stderr, "popek: --log: nothing to log in '%s'\n", val);
				return -1;
			}
		} else if (!strcmp(a, "--boot")) {
			if (!*val || cmos_boot_order_check(val) < 0) {
				fprintf(stderr, "popek: --boot: '%s' is not up to three of a, c, d and n\n",
					val);
				return -1;
			}
			o->boot = val;
		} else if (!strcmp(a, "--step")) {
			o->step = true;
		} else if (!strcmp(a, "--step-script")) {
			if (!*val) {
				fprintf(stderr, "popek: --step-script: empty file name\n");
				return -1;
			}
			o->step = true;
			o->step_script = val;
		} else if (!strcmp(a, "--display")) {
			if (strcmp(val, "text") && strcmp(val, "none") && strcmp(val, "sdl")) {
				fprintf(stderr,
					"popek: --display: unknown display '%s' (known: sdl, text, none)\n",
					val);
				return -1;
			}
			o->display = val;
		} else if (!strcmp(a, "--screenshot") || !strcmp(a, "--dump-text")) {
			if (!*val) {
				fprintf(stderr, "popek: %s: empty file name\n", a);
				return -1;
			}
			if (!strcmp(a, "--screenshot"))
				o->screenshot = val;
			else
				o->dump_text = val;
		} else if (!strcmp(a, "--no-reboot")) {
			o->no_reboot = true;
		} else if (!strcmp(a, "--scale")) {
			if (strcmp(val, "integer") && strcmp(val, "fit")) {
				fprintf(stderr, "popek: --scale: '%s' is not fit or integer\n", val);
				return -1;
			}
			o->scale_integer = !strcmp(val, "integer");
		} else if (!strcmp(a, "--kernel") || !strcmp(a, "--initrd")) {
			if (!*val) {
				fprintf(stderr, "popek: %s: empty file name\n", a);
				return -1;
			}
			if (!strcmp(a, "--kernel"))
				o->kernel = val;
			else
				o->initrd = val;
		} else if (!strcmp(a, "--append")) {
			o->append = val;
		/* Device options: each device adds its branches above this line
		 * (and its name to takes_value when it takes a value). */
		} else {
			fprintf(stderr, "popek: unknown option '%s' (see popek --help)\n", argv[i]);
			return -1;
		}
	}
	if ((o->initrd || o->append) && !o->kernel) {
		fprintf(stderr, "popek: %s needs --kernel\n", o->initrd ? "--initrd" : "--append");
		return -1;
	}
	/* One terminal cannot be two serial ports: its input would be split. */
	if (!strcmp(o->serial, "stdio") && !strcmp(o->serial2, "stdio")) {
		fprintf(stderr, "popek: --serial and --serial2 cannot both be stdio "
				"(COM1 is stdio unless --serial says otherwise)\n");
		return -1;
	}
	return 0;
}
