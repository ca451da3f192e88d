/* check.h: --engine check, the translator and the interpreter in lockstep.
 *
 * Two machines built from one configuration run side by side: the machine
 * itself with the translator, m->shadow with the interpreter (its outputs
 * unplugged). Everything is on virtual time, so both see the same device
 * events at the same instruction counts. The translator runs one block (or
 * one instruction it leaves to the interpreter), the interpreter as many
 * instructions, and then the two must agree: instruction count, CPU state,
 * why they stopped, and the guest RAM pages the block wrote. All of guest
 * RAM is compared at the end of each slice.
 *
 * To know what a block wrote, and to be able to take it back, the shadow's
 * RAM pages are all trapped the way the translator traps code pages
 * (PHYS_PAGE_TRANSLATED): each write takes the slow path and is reported
 * before it happens, so the bytes it overwrites go to an undo log and the
 * span of each page it touched is known. After each block those spans are
 * compared between the machines (a wrong value the translator stored
 * where the interpreter stored too shows at once; a store the interpreter
 * did not make at all shows at the slice's end). The translator's machine
 * is left alone, so its emitted code takes exactly the paths it takes
 * under --engine bt.
 *
 * At the first difference the block is replayed from its start (both CPU
 * states and clocks saved at block entry, the shadow's writes undone, its
 * RAM copied into the translator's machine) one instruction further at a
 * time, the translator running the block cut after k instructions
 * (translator.h, cut_to_budget), until the two differ: that instruction is
 * reported with the state before it, both states after it side by side
 * (the differing fields marked) and the differing memory bytes. The run
 * then ends with MACHINE_DIVERGED (exit status 8).
 */
#ifndef POPEK_VMM_CHECK_H
#define POPEK_VMM_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "cpu/insn.h"
#include "vmm/clock.h"
#include "vmm/machine.h"

/* What differed. */
enum check_what {
	CHECK_SAME,
	CHECK_COUNT,  /* the engines retired different numbers of instructions */
	CHECK_CPU,    /* CPU state */
	CHECK_MEMORY, /* guest RAM the block wrote (or, at a slice end, any) */
	CHECK_STOP,   /* why the engines stopped */
};

/* One machine's state at the start of a block: the CPU's architectural
 * part (struct cpu up to exc_jmp, and the x87; `cpu` is a whole struct for
 * easy reading, the rest unused) and its clock. */
struct check_snap {
	struct cpu *cpu;
	struct clock clock;
};

/* A guest RAM byte the engines disagree on. */
struct check_byte {
	uint32_t phys;
	uint8_t tr, interp;
};
#define CHECK_MAX_BYTES 16

/* What the check found, for the report and for tests. */
struct check_found {
	enum check_what what; /* after the run that differed */
	bool slice_end;       /* found comparing all of RAM at a slice's end */
	uint16_t run_cs;      /* that run (one block, or more through the jump cache) */
	uint32_t run_eip;
	uint64_t run_insns; /* instructions retired before it */
	uint64_t run_len;   /* instructions the translator retired in it */
	/* The replay: */
	bool located; /* the first differing instruction was found */
	enum check_what insn_what;
	uint64_t insn_index; /* its index in the run (0: the first) */
	uint16_t insn_cs;
	uint32_t insn_eip, insn_lin, insn_phys;
	bool insn_mapped; /* insn_phys and insn_bytes are valid */
	uint8_t insn_bytes[15];
	unsigned insn_len;   /* decoded length (0: does not decode) */
	char insn_text[96];  /* mnemonic and operands */
	const char *why_not; /* !located: why not */
	/* Differing memory bytes (the first CHECK_MAX_BYTES). */
	struct check_byte bytes[CHECK_MAX_BYTES];
	unsigned n_bytes;
	uint64_t n_bytes_total;
};

/* A RAM page the shadow wrote since the mark, and the span it wrote. */
struct check_page {
	uint32_t ram_page; /* page number in the shadow's mem.ram */
	uint32_t phys_page;
	uint16_t lo, hi; /* bytes [lo, hi) of the page */
};

/* One write the shadow made since the mark: where, and how many bytes,
 * whose old values are in struct check's `old` bytes, in order. */
struct check_undo {
	uint32_t ram_off;
	uint32_t len;
};

struct check {
	struct machine *m, *s;
	/* The shadow's writes since the mark: the pages (each once, found
	 * through page_epoch and page_slot) and the undo log. */
	uint32_t epoch;       /* the mark's number */
	uint32_t *page_epoch; /* per RAM page: the mark it was last written in */
	uint32_t *page_slot;  /* per RAM page: its index in pages[] then */
	struct check_page *pages;
	size_t n_pages, cap_pages;
	struct check_undo *undo;
	size_t n_undo, cap_undo;
	uint8_t *old; /* the overwritten bytes */
	size_t old_used, old_cap;
	bool overflow;         /* out of memory for this block's log: no replay */
	uint64_t trap_flushes; /* the shadow's TLB flush count when its pages were trapped */
	/* Both machines at the mark. */
	struct check_snap at_m, at_s;
	/* Both CPUs when the difference was seen (for the report), and the
	 * state before the located instruction. */
	struct cpu *diff_m, *diff_s, *before;
	struct check_found found;
};

/* Sets up the check engine for `m`, whose m->shadow is built: traps the
 * shadow's RAM. Returns 0, or -1 when out of memory. */
int check_init(struct machine *m);
void check_free(struct machine *m);

/* machine_run() for the check engine. */
enum machine_stop check_run(struct machine *m, uint64_t ns);

/* --- check_report.c ---------------------------------------------------------- */

/* Prints the difference c->found describes to `f`, with the states. */
void check_report(const struct check *c, FILE *f);

/* Whether the parts of two CPU states both engines must agree on are equal. */
bool check_same_cpu(const struct cpu *a, const struct cpu *b);

/* Formats a decoded instruction at `eip` as text (mnemonic from the
 * opcode table, then operands). */
void check_format_insn(const struct x86_insn *in, uint32_t eip, char *buf, size_t len);

#endif
