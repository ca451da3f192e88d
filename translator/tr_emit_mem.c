/* tr_emit_mem.c: guest memory from emitted code: the effective address of
 * a ModRM operand, the segment and page checks of an access and its host
 * address, and the stack pointer of PUSH/POP-like instructions, for the
 * inline instructions of tr_emit_ops.c.
 *
 * An access follows cpu/access.h's inline fast path, emitted as code: a
 * plain expand-up data segment (no SEG_ATTR_SLOW), the access inside its
 * limit and aligned (so inside one page), then with paging the software
 * TLB's direct tag for the access kind, without paging the physical
 * page's host pointer (and PHYS_PAGE_WRITABLE for a write, which pages
 * holding translated code lack). When a check fails nothing has been
 * written, and the code jumps to the instruction's slow path, which calls
 * its handler: the handler takes the interpreter's slow path, raises the
 * fault, reports a write to code, or reaches the device.
 *
 * The segment's attributes are checked once per run of inline
 * instructions (struct tr_emit_ctx's seg_checked): nothing in such a run
 * can load a segment register. In a block translated with DS, ES and SS
 * flat (tr_cache.c's mode key), accesses through them check nothing but
 * their alignment.
 */
#include "translator/tr_x64.h"

#if defined(__x86_64__)

_Static_assert(sizeof(struct mmu_tlb_entry) == 32, "TLB index scaled by a shift of 5");

/* [base + index * scale + disp] with a SIB byte (32-bit LEA and loads). */
static void x_sib(struct emit *e, unsigned fl, const char *op, size_t oplen, unsigned reg,
		  unsigned base, unsigned index, unsigned scale, int32_t disp)
{
	if (fl & X_16)
		e8(e, 0x66);
	unsigned rex = ((fl & X_W) ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((index & 8) ? 2 : 0) |
		       ((base & 8) ? 1 : 0);
	if (rex)
		e8(e, (uint8_t)(0x40 | rex));
	for (size_t i = 0; i < oplen; i++)
		e8(e, (uint8_t)op[i]);
	e8(e, (uint8_t)(0x80 | ((reg & 7) << 3) | 4));
	e8(e, (uint8_t)((scale << 6) | ((index & 7) << 3) | (base & 7)));
	e32(e, (uint32_t)disp);
}

/* eax = the memory operand's offset (ModRM memory or moffs), wrapped to 16
 * bits with 16-bit addressing, as insn_ea() computes it. */
void tr_emit_ea(struct emit *e, const struct x86_insn *in)
{
	if (!in->has_modrm) { /* A0-A3: the offset is the immediate */
		x_mov_imm32(e, RAX, in->imm);
		return;
	}
	bool base = in->ea_base != X86_NO_REG, index = in->ea_index != X86_NO_REG;
	if (base)
		XM(e, 0, "\x8B", RAX, RBX, off_reg(in->ea_base, 4)); /* mov eax, [base] */
	else
		XR(e, 0, "\x31", RAX, RAX);                          /* xor eax, eax */
	if (index) {
		XM(e, 0, "\x8B", RCX, RBX, off_reg(in->ea_index, 4)); /* mov ecx, [index] */
		x_sib(e, 0, "\x8D", 1, RAX, RAX, RCX, in->ea_scale, in->disp); /* lea eax, [rax+rcx*s+d] */
	} else if (in->disp) {
		x_lea32(e, RAX, RAX, in->disp);
	}
	if (in->adsize == 2)
		XR(e, 0, "\x0F\xB7", RAX, RAX);                      /* movzx eax, ax */
}

/* rdx = the host address of `size` bytes at seg:eax, or a jump to `slow`.
 * Clobbers rax, rcx, rsi. */
void tr_emit_host_addr(struct emit *e, const struct tr_emit_ctx *c, unsigned seg,
		       unsigned size, bool write, unsigned slow)
{
	uint32_t need = SEG_ATTR_P | (write ? SEG_ATTR_RW : 0);
	uint32_t mask = SEG_ATTR_P | SEG_ATTR_CODE | SEG_ATTR_EXPDOWN | SEG_ATTR_SLOW |
			(write ? SEG_ATTR_RW : 0);
	uint32_t bit = 1u << (seg + (write ? 8 : 0));
	if (c->flat && (seg == SEG_DS || seg == SEG_ES || seg == SEG_SS)) {
		/* Base 0, limit 4 GiB, writable data: an aligned access can
		 * neither leave the segment nor cross a page. */
		if (size > 1) {
			e8(e, 0xA8); e8(e, (uint8_t)(size - 1));      /* test al, size-1 */
			x_jcc(e, CC_NE, slow);
		}
		goto linear;
	}
	if (!c->seg_checked || !(*c->seg_checked & bit)) {
		XM(e, 0, "\x0F\xB7", RCX, RBX, (int32_t)OFF_SEG(seg, attr)); /* movzx ecx, [seg.attr] */
		XR(e, 0, "\x81", 4, RCX); e32(e, mask);               /* and ecx, mask */
		XR(e, 0, "\x81", 7, RCX); e32(e, need);               /* cmp ecx, need */
		if (c->seg_checked) {
			x_jcc(e, CC_NE, c->slow_leave);
			/* a writable segment passes the read check too */
			*c->seg_checked |= bit | (1u << seg);
		} else {
			x_jcc(e, CC_NE, slow);
		}
	}
	XM(e, 0, "\x8B", RCX, RBX, (int32_t)OFF_SEG(seg, limit));    /* mov ecx, [seg.limit] */
	x_lea64(e, RDX, RAX, (int32_t)size - 1);                      /* lea rdx, [rax+size-1] */
	XR(e, X_W, "\x39", RCX, RDX);                                 /* cmp rdx, rcx */
	x_jcc(e, CC_A, slow);
	XM(e, 0, "\x03", RAX, RBX, (int32_t)OFF_SEG(seg, base));     /* add eax, [seg.base] */
	if (size > 1) {
		/* An aligned access stays inside its page; the rare
		 * unaligned one takes the slow path. */
		e8(e, 0xA8); e8(e, (uint8_t)(size - 1));              /* test al, size-1 */
		x_jcc(e, CC_NE, slow);
	}
linear:
	if (c->paging) {
		unsigned acc = (write ? MMU_ACC_WRITE : 0) | (c->user ? MMU_ACC_USER : 0);
		XR(e, 0, "\x8B", RCX, RAX);                           /* mov ecx, eax */
		XR(e, 0, "\xC1", 5, RCX); e8(e, PHYS_PAGE_SHIFT);      /* shr ecx, 12 */
		XR(e, 0, "\x81", 4, RCX); e32(e, MMU_TLB_ENTRIES - 1); /* and ecx, entries-1 */
		XR(e, 0, "\xC1", 4, RCX); e8(e, 5);                    /* shl ecx, 5 */
		XR(e, X_W, "\x01", RBX, RCX);                         /* add rcx, rbx */
		XR(e, 0, "\x8B", RSI, RAX);                           /* mov esi, eax */
		XR(e, 0, "\x81", 1, RSI); e32(e, PHYS_PAGE_SIZE - 1); /* or esi, 0xFFF */
		XM(e, 0, "\x3B", RSI, RCX,
		   (int32_t)(OFF_TLB + offsetof(struct mmu_tlb_entry, tag) + 4 * acc)); /* cmp esi, tag */
		x_jcc(e, CC_NE, slow);
		XM(e, X_W, "\x8B", RDX, RCX,
		   (int32_t)(OFF_TLB + offsetof(struct mmu_tlb_entry, addend))); /* mov rdx, addend */
		XR(e, X_W, "\x01", RAX, RDX);                         /* add rdx, rax */
		return;
	}
	/* Without paging: rbp = struct phys_mem, r12 its host table, r13
	 * its page flags (set by the entry stub). A20 is on in a flat block. */
	if (!c->flat)
		XM(e, 0, "\x23", RAX, RBP, (int32_t)offsetof(struct phys_mem, a20_mask)); /* and eax, a20 */
	XR(e, 0, "\x8B", RCX, RAX);                                   /* mov ecx, eax */
	XR(e, 0, "\xC1", 5, RCX); e8(e, PHYS_PAGE_SHIFT);              /* shr ecx, 12 */
	if (write) {
		/* test byte [r13 + rcx], PHYS_PAGE_WRITABLE */
		e8(e, 0x41); e8(e, 0xF6); e8(e, 0x44); e8(e, (uint8_t)((RCX << 3) | (R13 & 7)));
		e8(e, 0); e8(e, PHYS_PAGE_WRITABLE);
		x_jcc(e, CC_E, slow);
	}
	/* mov rdx, [r12 + rcx*8] */
	e8(e, 0x49); e8(e, 0x8B); e8(e, 0x14); e8(e, (uint8_t)((3 << 6) | (RCX << 3) | (R12 & 7)));
	XR(e, X_W, "\x85", RDX, RDX);                                 /* test rdx, rdx */
	x_jcc(e, CC_E, slow);
	XR(e, 0, "\x81", 4, RAX); e32(e, PHYS_PAGE_SIZE - 1);         /* and eax, 0xFFF */
	XR(e, X_W, "\x01", RAX, RDX);                                 /* add rdx, rax */
}

/* rdx = host address of the instruction's memory operand, or to slow. */
void tr_emit_operand_addr(struct emit *e, const struct tr_emit_ctx *c,
			  const struct x86_insn *in, unsigned size, bool write)
{
	tr_emit_ea(e, in);
	tr_emit_host_addr(e, c, in->seg, size, write, c->slow);
}

/* The stack pointer after moving it by `delta`, in eax, with the old one
 * in r8d (SP wrapped to 16 bits on a 16-bit stack). */
void tr_emit_sp(struct emit *e, bool stack32, int32_t delta)
{
	XM(e, 0, "\x8B", RAX, RBX, off_reg(REG_ESP, 4));              /* mov eax, [esp] */
	if (!stack32)
		XR(e, 0, "\x0F\xB7", RAX, RAX);                       /* movzx eax, ax */
	XR(e, 0, "\x89", RAX, R8);                                    /* mov r8d, eax */
	x_lea32(e, RAX, RAX, delta);                                  /* lea eax, [rax+delta] */
	if (!stack32)
		XR(e, 0, "\x0F\xB7", RAX, RAX);
}

/* Commits the new SP (in r9d) to ESP or SP. */
void tr_emit_set_sp(struct emit *e, bool stack32)
{
	XM(e, stack32 ? 0 : X_16, "\x89", R9, RBX, off_reg(REG_ESP, 4));
}

#endif
