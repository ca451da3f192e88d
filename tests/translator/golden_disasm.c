/* golden_disasm.c: see golden_disasm.h. */
#include "tests/translator/golden_disasm.h"

#include <capstone/capstone.h>

size_t golden_disasm(int bits, const uint8_t *code, size_t len, uint64_t addr, size_t count,
		     void (*each)(void *ctx, uint64_t addr, unsigned size, const char *mnemonic,
				  const char *ops),
		     void *ctx)
{
	csh h;
	cs_mode mode = bits == 64 ? CS_MODE_64 : bits == 32 ? CS_MODE_32 : CS_MODE_16;
	if (cs_open(CS_ARCH_X86, mode, &h) != CS_ERR_OK)
		return 0;
	cs_insn *in;
	size_t n = cs_disasm(h, code, len, addr, count, &in);
	for (size_t i = 0; i < n; i++)
		each(ctx, in[i].address, in[i].size, in[i].mnemonic, in[i].op_str);
	if (n)
		cs_free(in, n);
	cs_close(&h);
	return n;
}
