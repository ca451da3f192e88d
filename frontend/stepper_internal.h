/* stepper_internal.h: the teaching stepper's state and the pieces its
 * files share.
 *
 *   stepper.c        the entry point, the run loop (step, next, continue,
 *                    until) and its stop conditions, the script mode
 *   stepper_cmds.c   command parsing and execution
 *   stepper_panes.c  the panes as lines of text
 *   stepper_views.c  one-off views: page walk, GDT, IDT, breakpoints, help
 *   stepper_block.c  the translated block of the VMM pane: guest instructions
 *                    beside the host code emitted for them
 *   stepper_bt.c     continue and until under the binary translator
 *   stepper_mem.c    side-effect-free reads of guest memory and tables
 *   stepper_tui.c    the ncurses terminal UI
 *
 * Everything a pane or a command shows is produced as lines of text
 * (struct text_lines), so the terminal UI and the script mode print the
 * same thing and the tests can compare it.
 *
 * The stepper never disturbs the guest by looking at it: memory is read
 * only where it is plain RAM or ROM (never through a device's MMIO
 * callbacks), paging is walked without setting accessed bits or touching
 * the TLB, and a linear address that is not mapped shows as unreadable
 * rather than raising #PF.
 */
#ifndef POPEK_FRONTEND_STEPPER_INTERNAL_H
#define POPEK_FRONTEND_STEPPER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/insn.h"
#include "frontend/disasm.h"
#include "vmm/machine.h"

/* --- lines of text ---------------------------------------------------------- */

struct text_lines {
	char **line;
	unsigned n, cap;
};

void text_add(struct text_lines *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void text_clear(struct text_lines *t);
void text_free(struct text_lines *t);

/* --- panes ------------------------------------------------------------------ */

enum stepper_pane {
	PANE_REGS,
	PANE_SEGS,
	PANE_DISASM,
	PANE_STACK,
	PANE_MEMORY,
	PANE_VMM,
	PANE_COUNT
};
#define PANES_ALL ((1u << PANE_COUNT) - 1)

/* "registers", "segments", ...; NULL-free. */
extern const char *const stepper_pane_names[PANE_COUNT];

/* --- stop points ------------------------------------------------------------ */

/* A code address as the user gave it: a selector and an offset (matched
 * against CS and EIP), or a linear address (matched against CS.base+EIP). */
struct code_addr {
	bool has_sel;
	uint16_t sel;
	uint32_t off;
	uint32_t lin;
};

enum point_kind { POINT_BREAK, POINT_CATCH, POINT_WATCH };

/* Instruction classes and events a catchpoint stops at. */
enum catch_kind {
	CATCH_PRIV, /* privileged or IOPL-sensitive instructions (CLS_PRIV, CLS_IOPL) */
	CATCH_VMM,  /* every instruction the VMM steps in for (CLS_VMM) */
	CATCH_IO,   /* port accesses: IN, OUT, INS, OUTS */
	CATCH_INT,  /* INT n / INT3 / INTO / INT1, and delivered interrupts and exceptions */
	CATCH_MODE, /* a change of CPU mode: PE, PG, VM, the code segment's size */
	CATCH_IRQ,  /* hardware interrupts (through the PIC), once delivered */
	CATCH_KINDS
};
extern const char *const catch_kind_names[CATCH_KINDS];

#define STEPPER_MAX_POINTS 32
#define STEPPER_WATCH_MAX 64 /* bytes one watchpoint covers at most */

struct stop_point {
	int id;
	enum point_kind kind;
	struct code_addr at;   /* POINT_BREAK */
	enum catch_kind what;  /* POINT_CATCH */
	uint32_t lin;          /* POINT_WATCH: linear address... */
	unsigned len;          /* ...and length */
	uint8_t val[STEPPER_WATCH_MAX]; /* the bytes as last seen */
	uint64_t readable;     /* bit i: byte i could be read */
	uint64_t hits;
};

/* --- the stepper ------------------------------------------------------------ */

#define STEPPER_HISTORY 3 /* executed instructions shown above the current one */
#define STEPPER_DEFAULT_RUN_LIMIT 200000000ull

/* An instruction that ran, for the disassembly pane. */
struct exec_record {
	uint16_t sel;
	uint32_t eip;
	uint32_t lin;
	bool code32;
};

/* A position in the guest: where CS:EIP is, and the CPU mode. */
struct guest_pos {
	uint16_t sel;
	uint32_t eip;
	uint32_t lin;
	uint32_t esp;
	uint16_t ss;
};

struct stepper {
	struct machine *m;
	struct disasm dis;

	struct stop_point point[STEPPER_MAX_POINTS];
	unsigned npoints;
	int next_id;

	uint32_t mem_addr;   /* linear address of the memory pane */
	bool quiet;          /* script mode: no command echo, panes only at stops */
	unsigned panes;      /* PANE_* bits printed after a command in script mode */
	uint64_t run_limit;  /* instructions one run command may take */

	struct exec_record hist[STEPPER_HISTORY];
	unsigned hist_n;

	/* What the last command said (messages, listings). */
	struct text_lines out;
	bool quit;

	/* The guest has ended the run (debug exit, reset, shutdown, quit):
	 * nothing can run any more, only looked at. */
	bool ended;

	/* The vector of the last interrupt the CPU acknowledged, recorded by
	 * the stepper's wrapper around the machine's INTA hook (-1: none). */
	int last_vector;
	struct cpu_hooks guest_hooks;

	/* Side translations for the VMM pane (translator/tr_inspect.c),
	 * made on first use; NULL until then or where none can be made. */
	struct tr_scratch *scratch;

	/* The terminal UI: a key typed while the guest runs stops it. */
	bool (*poll_stop)(struct stepper *st);
	void *tui;
};

/* Sets up / tears down the stepper on a machine (installs and removes the
 * INTA wrapper). stepper_init returns 0, or -1 with a reason in err. */
int stepper_init(struct stepper *st, struct machine *m, char *err, size_t errlen);
void stepper_free(struct stepper *st);

/* How a run command goes. */
enum run_mode {
	RUN_STEP,     /* `count` steps */
	RUN_NEXT,     /* one step, over calls, interrupts, REP and LOOP */
	RUN_CONTINUE, /* until a stop point or the guest stops */
	RUN_UNTIL,    /* until CS:EIP is `target` */
};

/* Runs the guest and says in st->out why it stopped. */
void stepper_go(struct stepper *st, enum run_mode mode, uint64_t count,
		const struct code_addr *target);

/* Executes one command line; output goes to st->out. Returns the panes to
 * show afterwards in script mode (a PANE_* mask: 0 for commands that only
 * print, st->panes for commands that ran the guest or changed a view), or
 * -1 after an error message. */
int stepper_exec(struct stepper *st, const char *line);

/* --- panes and views -------------------------------------------------------- */

/* Renders one pane. `rows` is how many lines the variable-length panes
 * (disassembly, stack, memory) should fill (0: the script mode's default). */
void stepper_render_pane(struct stepper *st, enum stepper_pane p, struct text_lines *t,
			 unsigned rows);

/* One line: mode, CPL, CS:EIP, instructions and virtual time. */
void stepper_status(struct stepper *st, char *buf, size_t len);

/* Text for a descriptor's type ("code exec/read, accessed", "32-bit TSS
 * (busy)"), from the attribute word of a segment cache. */
const char *stepper_desc_type(uint16_t attr, char *buf, size_t len);

/* The views behind the commands walk, gdt, idt, info break and help. */
void stepper_view_walk(struct stepper *st, uint32_t lin, struct text_lines *t);
void stepper_view_gdt(struct stepper *st, struct text_lines *t);
void stepper_view_idt(struct stepper *st, struct text_lines *t);
void stepper_view_points(struct stepper *st, struct text_lines *t);
void stepper_view_help(struct text_lines *t);

/* --- the translated block (stepper_block.c) ---------------------------------- */

/* What to render of the block around the current instruction. */
enum block_view {
	BLOCK_PANE,  /* the VMM pane's part: the guest instructions, marked, and
		      * the host code of the current one */
	BLOCK_FULL,  /* every guest instruction followed by its host code */
	BLOCK_GUEST, /* the guest instructions only (the TUI's left column) */
	BLOCK_HOST,  /* the host code of the current instruction (right column) */
};

/* Host code lines all start with this, so a test can tell them apart from
 * the guest side (tests/frontend/stepper_test.sh folds them). */
#define BLOCK_HOST_PREFIX "      | "

void stepper_render_block(struct stepper *st, enum block_view what, struct text_lines *t);

/* The VMM pane (stepper_panes.c), with or without the block (the terminal
 * UI shows the block in a pane of its own). */
void stepper_render_vmm(struct stepper *st, struct text_lines *t, bool with_block);

/* The engine the guest runs under, in words, and what step and continue
 * use with it. */
const char *stepper_engine_name(const struct stepper *st);

/* --- continue under the translator (stepper_bt.c) ----------------------------- */

/* What a stop check needs to know about the instructions a turn ran. */
struct turn_pos {
	struct guest_pos last; /* the last instruction that ran (or faulted) */
	struct guest_pos next; /* where an interrupt was taken, if one was */
	bool code32;
	uint64_t count;        /* in: at most this many instructions; out: how many ran */
};

/* Whether the run loop may hand the next instructions to the translator
 * (the machine runs under bt and the CPU has nothing to do between
 * instructions). */
bool stepper_bt_ready(struct stepper *st);

/* Runs the instructions from CS:EIP up to (not including) the first one a
 * stop point (or `until`, when not NULL) would stop at, or to the end of
 * the block, through the translator. Fills *pos and adds the instructions
 * that ran to the history. Returns as machine_step() does. */
enum machine_stop stepper_bt_turn(struct stepper *st, const struct code_addr *until,
				  struct turn_pos *pos);

/* True when a breakpoint or a catchpoint on instruction classes stops at
 * the instruction `in` at sel:eip (linear lin). No side effects. */
bool stepper_would_stop_at(struct stepper *st, const struct x86_insn *in, uint16_t sel,
			   uint32_t eip, uint32_t lin);

/* Adds an executed instruction to the disassembly pane's history. */
void stepper_push_history(struct stepper *st, const struct guest_pos *p, bool code32);

/* --- guest memory, read without side effects -------------------------------- */

/* The physical address of `lin` as paging maps it now (lin itself, A20
 * applied, without paging). False when it is not mapped. */
bool stepper_lin_to_phys(struct stepper *st, uint32_t lin, uint32_t *phys);

/* One byte at a linear / physical address: false when it is not mapped or
 * not plain RAM/ROM (MMIO is never read: that could change a device). */
bool stepper_peek_lin(struct stepper *st, uint32_t lin, uint8_t *b);
bool stepper_peek_phys(struct stepper *st, uint32_t phys, uint8_t *b);

/* Reads `len` bytes at a linear address; returns how many of the first
 * bytes could be read (it stops at the first unreadable one). */
unsigned stepper_read_lin(struct stepper *st, uint32_t lin, uint8_t *buf, unsigned len);

/* A little-endian value of `size` bytes (1, 2, 4) at a linear address. */
bool stepper_read_lin_val(struct stepper *st, uint32_t lin, unsigned size, uint32_t *v);

/* A page walk for display: the entries read and what they say. */
struct stepper_walk {
	bool paging;          /* CR0.PG */
	uint32_t pde_addr, pde;
	bool pde_ok;          /* the PDE could be read */
	bool large;           /* a 4 MiB page (CR4.PSE and PDE.PS) */
	uint32_t pte_addr, pte;
	bool pte_ok;
	bool mapped;          /* present all the way, no reserved bits */
	bool reserved;        /* a reserved bit is set */
	uint32_t phys;
};
void stepper_walk(struct stepper *st, uint32_t lin, struct stepper_walk *w);

/* The 8-byte descriptor at `index` of a table at linear `base` with
 * `limit`: false past the limit or when unreadable. */
bool stepper_read_desc(struct stepper *st, uint32_t base, uint32_t limit, unsigned index,
		       uint32_t *lo, uint32_t *hi);

/* Decodes the instruction at CS:EIP (or at sel:eip, linear lin, code32)
 * with popek's own decoder. False when its bytes cannot be read or do not
 * decode. */
bool stepper_decode_at(struct stepper *st, uint32_t lin, uint32_t eip, uint32_t limit,
		       bool code32, struct x86_insn *in);
bool stepper_decode_current(struct stepper *st, struct x86_insn *in);

/* The current position. */
void stepper_pos(struct stepper *st, struct guest_pos *p);

/* True when `a` names the instruction at the current CS:EIP. */
bool stepper_at_addr(struct stepper *st, const struct code_addr *a);

/* Text for a code address ("F000:0010" or "linear 000F0010"). */
const char *stepper_addr_text(const struct code_addr *a, char *buf, size_t len);

/* --- the terminal UI -------------------------------------------------------- */

/* Runs the ncurses UI until the user quits. Returns an exit status. */
int stepper_tui_run(struct stepper *st);

#endif
