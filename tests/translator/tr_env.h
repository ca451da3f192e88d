/* tr_env.h: a bare real-mode CPU with a translator, for the translator's
 * unit tests: 1 MiB of flat RAM, CS=1000 (code at linear 0x10000),
 * DS=2000, SS=4000 with SP=0xFFFE, no devices. Each test runs with both
 * backends (x86-64 code where the host has it, and the portable loop). */
#ifndef POPEK_TESTS_TR_ENV_H
#define POPEK_TESTS_TR_ENV_H

#include <stdlib.h>
#include <string.h>

#include "cpu/access.h"
#include "cpu/cpu.h"
#include "translator/tr_internal.h"
#include "translator/translator.h"
#include "vmm/clock.h"
#include "vmm/io_bus.h"
#include "vmm/phys_mem.h"

#define TR_ENV_CODE 0x10000u /* linear (and physical) address of CS:0000 */

struct tr_env {
	struct phys_mem pm;
	struct io_bus io;
	struct clock clk;
	struct cpu cpu;
	struct translator tr;
};

static inline struct tr_env *tr_env_new(enum tr_backend be, size_t code_bytes, size_t meta_bytes)
{
	struct tr_env *e = calloc(1, sizeof(*e));
	if (!e || phys_mem_init(&e->pm, 1u << 20, false) != 0)
		abort();
	io_bus_init(&e->io);
	clock_init(&e->clk);
	cpu_init(&e->cpu, &e->pm, &e->io, &e->clk);
	cpu_load_seg_real(&e->cpu, SEG_CS, TR_ENV_CODE >> 4);
	cpu_load_seg_real(&e->cpu, SEG_DS, 0x2000);
	cpu_load_seg_real(&e->cpu, SEG_SS, 0x4000);
	cpu_update_mode(&e->cpu);
	e->cpu.regs[REG_ESP] = 0xFFFE;
	e->cpu.eip = 0;
	e->cpu.icache = NULL;
	if (tr_init(&e->tr, &e->cpu, be, code_bytes, meta_bytes) != 0)
		abort();
	return e;
}

static inline void tr_env_free(struct tr_env *e)
{
	tr_free(&e->tr);
	phys_mem_free(&e->pm);
	free(e);
}

/* Puts code at CS:off. */
static inline void tr_env_code(struct tr_env *e, uint32_t off, const void *bytes, size_t len)
{
	phys_write_block(&e->pm, TR_ENV_CODE + off, bytes, len);
}

/* Runs until HLT (or the budget) and returns why it stopped. */
static inline enum cpu_stop tr_env_run(struct tr_env *e, uint64_t budget)
{
	return tr_run(&e->tr, budget);
}

/* The backends this host has. */
static inline unsigned tr_env_backends(enum tr_backend out[2])
{
	unsigned n = 0;
	if (tr_default_backend() == TR_BACKEND_X64)
		out[n++] = TR_BACKEND_X64;
	out[n++] = TR_BACKEND_PORTABLE;
	return n;
}

#endif
