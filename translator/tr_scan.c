/* tr_scan.c: the block scanner: where a basic block ends, and how each of
 * its instructions is translated.
 *
 * It reads nothing but the opcode table's class bits through the decoded
 * instructions, the same table the interpreter and the stepper use, so an
 * instruction is privileged, sensitive or a branch in one place only. A
 * block ends after a control transfer (CLS_BRANCH: a direct branch whose
 * successors are known, so its exits can be chained; CLS_ENDS_BLOCK: the
 * other transfers and mode changes), after any instruction rewritten into
 * a VMM routine (CLS_VMM: its routine may change the mode, the flags that
 * decide interrupts, or control flow), before an instruction that would
 * cross the page (blocks never cross a page, so a page's blocks are all a
 * write to it can invalidate), and at a length limit that keeps blocks and
 * their host code small.
 */
#include "translator/tr_internal.h"

#include "cpu/decode.h"
#include "cpu/opcode.h"

enum tr_class tr_classify(const struct x86_insn *in)
{
	unsigned cls = in->op->cls;
	if (cls & CLS_VMM)
		return TR_CLASS_VMM;
	if (cls & CLS_BRANCH)
		return TR_CLASS_BRANCH;
	if (cls & CLS_ENDS_BLOCK)
		return TR_CLASS_ENDS;
	return TR_CLASS_HANDLER;
}

unsigned tr_scan(const uint8_t *page, uint32_t off, bool code32, struct x86_insn *out,
		 unsigned max, enum tr_end *end)
{
	unsigned n = 0;
	*end = TR_END_LIMIT;
	while (n < max) {
		if (off >= PHYS_PAGE_SIZE) {
			*end = TR_END_PAGE;
			return n;
		}
		unsigned avail = PHYS_PAGE_SIZE - off;
		if (avail > X86_MAX_INSN_LEN)
			avail = X86_MAX_INSN_LEN;
		enum x86_decode_status st = x86_decode(&out[n], page + off, avail, code32);
		if (st == X86_DECODE_MORE) {
			*end = TR_END_PAGE;
			return n;
		}
		if (st != X86_DECODE_OK) {
			*end = TR_END_DECODE;
			return n;
		}
		off += out[n].len;
		switch (tr_classify(&out[n++])) {
		case TR_CLASS_VMM:
			*end = TR_END_VMM;
			return n;
		case TR_CLASS_BRANCH:
			*end = TR_END_BRANCH;
			return n;
		case TR_CLASS_ENDS:
			*end = TR_END_CONTROL;
			return n;
		case TR_CLASS_HANDLER:
			break;
		}
	}
	return n;
}

const char *tr_end_name(enum tr_end end)
{
	static const char *const names[] = {
		[TR_END_BRANCH] = "direct branch", [TR_END_CONTROL] = "control transfer",
		[TR_END_VMM] = "vmm routine",      [TR_END_PAGE] = "page end",
		[TR_END_LIMIT] = "length limit",   [TR_END_DECODE] = "undecodable",
	};
	return (unsigned)end < sizeof(names) / sizeof(names[0]) ? names[end] : "?";
}

const char *tr_class_name(enum tr_class cls)
{
	static const char *const names[] = {
		[TR_CLASS_HANDLER] = "handler",
		[TR_CLASS_VMM] = "vmm",
		[TR_CLASS_BRANCH] = "branch",
		[TR_CLASS_ENDS] = "ends",
	};
	return (unsigned)cls < sizeof(names) / sizeof(names[0]) ? names[cls] : "?";
}
