/* handler_env.h: a bare CPU for unit tests that call interpreter handlers
 * directly with a hand-built struct x86_insn, so they do not depend on the
 * decoder or the opcode table.
 *
 * The CPU is in real mode with 1 MiB of flat RAM and these segments:
 * CS=1000 DS=2000 ES=3000 SS=4000 (bases 0x10000...0x40000). Tests that
 * need a 32-bit stack or bigger limits set the segment caches directly,
 * which real mode leaves alone ("unreal" mode).
 */
#ifndef POPEK_TESTS_HANDLER_ENV_H
#define POPEK_TESTS_HANDLER_ENV_H

#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/access.h"
#include "cpu/cpu.h"
#include "cpu/handlers.h"
#include "cpu/insn.h"
#include "cpu/opcode.h"
#include "vmm/clock.h"
#include "vmm/io_bus.h"
#include "vmm/phys_mem.h"

#define ENV_CS 0x1000u
#define ENV_DS 0x2000u
#define ENV_ES 0x3000u
#define ENV_SS 0x4000u

struct env {
	struct phys_mem pm;
	struct io_bus io;
	struct clock clk;
	struct cpu cpu;
};

static inline struct env *env_new(void)
{
	struct env *e = calloc(1, sizeof(*e));
	if (!e || phys_mem_init(&e->pm, 1u << 20, false) != 0)
		abort();
	io_bus_init(&e->io);
	clock_init(&e->clk);
	cpu_init(&e->cpu, &e->pm, &e->io, &e->clk);
	cpu_reset(&e->cpu);
	cpu_load_seg_real(&e->cpu, SEG_CS, ENV_CS);
	cpu_load_seg_real(&e->cpu, SEG_DS, ENV_DS);
	cpu_load_seg_real(&e->cpu, SEG_ES, ENV_ES);
	cpu_load_seg_real(&e->cpu, SEG_SS, ENV_SS);
	cpu_update_mode(&e->cpu);
	e->cpu.eip = 0x100;
	e->cpu.next_eip = 0x102;
	return e;
}

static inline void env_free(struct env *e)
{
	phys_mem_free(&e->pm);
	free(e);
}

/* Makes SS a 32-bit ("big") stack segment with a 1 MiB limit, base 0. */
static inline void env_stack32(struct env *e)
{
	struct seg_cache *ss = &e->cpu.seg[SEG_SS];
	ss->base = 0;
	ss->limit = 0xFFFFF;
	ss->attr |= SEG_ATTR_DB;
	cpu_update_mode(&e->cpu);
}

/* Linear-address helpers for setting up and checking guest memory. */
static inline void env_w8(struct env *e, uint32_t lin, uint8_t v)
{
	phys_write_block(&e->pm, lin, &v, 1);
}
static inline void env_w16(struct env *e, uint32_t lin, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	phys_write_block(&e->pm, lin, b, 2);
}
static inline void env_w32(struct env *e, uint32_t lin, uint32_t v)
{
	env_w16(e, lin, (uint16_t)v);
	env_w16(e, lin + 2, (uint16_t)(v >> 16));
}
static inline uint8_t env_r8(struct env *e, uint32_t lin)
{
	uint8_t v;
	phys_read_block(&e->pm, lin, &v, 1);
	return v;
}
static inline uint16_t env_r16(struct env *e, uint32_t lin)
{
	uint8_t b[2];
	phys_read_block(&e->pm, lin, b, 2);
	return (uint16_t)(b[0] | (b[1] << 8));
}
static inline uint32_t env_r32(struct env *e, uint32_t lin)
{
	return env_r16(e, lin) | ((uint32_t)env_r16(e, lin + 2) << 16);
}

/* An instruction with register ModRM operands (mod 3, reg 0, rm 0), no
 * memory operand, default segment DS and no prefixes. */
static inline struct x86_insn insn_make(const struct opcode_info *op, unsigned opsize,
					unsigned adsize)
{
	struct x86_insn in;
	memset(&in, 0, sizeof(in));
	in.op = op;
	in.opsize = (uint8_t)opsize;
	in.adsize = (uint8_t)adsize;
	in.len = 2;
	in.seg = SEG_DS;
	in.seg_override = SEG_NONE;
	in.has_modrm = 1;
	in.mod = 3;
	in.ea_base = in.ea_index = X86_NO_REG;
	return in;
}

/* Turns the ModRM operand into memory at seg:[base + index<<scale + disp]
 * (base/index are register numbers or X86_NO_REG). */
static inline void insn_mem(struct x86_insn *in, unsigned seg, unsigned base, unsigned index,
			    unsigned scale, int32_t disp)
{
	in->mod = 0;
	in->seg = (uint8_t)seg;
	in->ea_base = (uint8_t)base;
	in->ea_index = (uint8_t)index;
	in->ea_scale = (uint8_t)scale;
	in->disp = disp;
}

/* Runs one handler; returns the vector it raised, or -1 when it completed.
 * cpu_raise() longjmps to cpu->exc_jmp, which is caught here. */
static inline int env_exec(struct env *e, x86_handler h, const struct x86_insn *in)
{
	if (setjmp(e->cpu.exc_jmp))
		return e->cpu.exc_vec;
	h(&e->cpu, in);
	return -1;
}

#endif
