/* capstone_len.c: instruction lengths from capstone (see capstone_len.h). */
#include "tests/cpu/capstone_len.h"

#include <capstone/capstone.h>
#include <stdio.h>
#include <stdlib.h>

struct capstone_len {
	csh h;
	cs_insn *insn; /* reused for every call: no allocation per instruction */
};

struct capstone_len *capstone_len_open(bool code32)
{
	struct capstone_len *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	if (cs_open(CS_ARCH_X86, code32 ? CS_MODE_32 : CS_MODE_16, &c->h) != CS_ERR_OK) {
		free(c);
		return NULL;
	}
	c->insn = cs_malloc(c->h);
	if (!c->insn) {
		cs_close(&c->h);
		free(c);
		return NULL;
	}
	return c;
}

void capstone_len_close(struct capstone_len *c)
{
	if (!c)
		return;
	cs_free(c->insn, 1);
	cs_close(&c->h);
	free(c);
}

unsigned capstone_len(struct capstone_len *c, const uint8_t *b, unsigned n, char *text,
		      size_t text_size)
{
	const uint8_t *code = b;
	size_t size = n;
	uint64_t addr = 0;
	if (!cs_disasm_iter(c->h, &code, &size, &addr, c->insn))
		return 0;
	if (text)
		snprintf(text, text_size, "%s %s", c->insn->mnemonic, c->insn->op_str);
	return c->insn->size;
}
