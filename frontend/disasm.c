/* disasm.c: the capstone wrapper of disasm.h. Capstone's handle type is
 * kept out of the header so that the stepper's other files do not need
 * capstone's include path. */
#include "frontend/disasm.h"

#include <capstone/capstone.h>
#include <stdio.h>
#include <string.h>

_Static_assert(sizeof(csh) <= sizeof(size_t), "a capstone handle fits a size_t");

int disasm_open(struct disasm *d, char *err, size_t errlen)
{
	static const cs_mode modes[DISASM_MODES] = {
		[DISASM_16] = CS_MODE_16, [DISASM_32] = CS_MODE_32, [DISASM_64] = CS_MODE_64};
	memset(d, 0, sizeof(*d));
	for (int i = 0; i < DISASM_MODES; i++) {
		csh h;
		cs_err e = cs_open(CS_ARCH_X86, modes[i], &h);
		if (e != CS_ERR_OK) {
			snprintf(err, errlen, "capstone: %s", cs_strerror(e));
			disasm_close(d);
			return -1;
		}
		d->handle[i] = (size_t)h;
		d->open[i] = true;
	}
	return 0;
}

void disasm_close(struct disasm *d)
{
	for (int i = 0; i < DISASM_MODES; i++) {
		if (d->open[i]) {
			csh h = (csh)d->handle[i];
			cs_close(&h);
			d->open[i] = false;
		}
	}
}

unsigned disasm_one(struct disasm *d, enum disasm_mode mode, const uint8_t *bytes, size_t avail,
		    uint64_t addr, char *text, size_t textlen)
{
	snprintf(text, textlen, "(bad)");
	if (mode < 0 || mode >= DISASM_MODES || !d->open[mode] || !avail)
		return 0;
	cs_insn *insn = NULL;
	size_t n = cs_disasm((csh)d->handle[mode], bytes, avail, addr, 1, &insn);
	if (n == 0)
		return 0;
	if (insn[0].op_str[0])
		snprintf(text, textlen, "%s %s", insn[0].mnemonic, insn[0].op_str);
	else
		snprintf(text, textlen, "%s", insn[0].mnemonic);
	unsigned len = insn[0].size;
	cs_free(insn, n);
	return len;
}
