/* stepper_views.c: the stepper's one-off listings: a page walk, the GDT,
 * the IDT (or the real-mode interrupt vector table), the stop points and
 * the help text. Like the panes they are lines of text, read from guest
 * memory without side effects.
 */
#include <string.h>

#include "cpu/mmu.h"
#include "cpu/seg.h"
#include "frontend/stepper_internal.h"

/* Listings stop after this many entries so that a table with a huge limit
 * (the GDTR's 0xFFFF after reset) stays readable. */
#define VIEW_MAX_ENTRIES 64

static const char *const vector_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD exception",
};

/* --- page walk ---------------------------------------------------------------- */

static void entry_flags(uint32_t e, bool pde, char *buf, size_t len)
{
	if (!(e & PTE_P)) {
		snprintf(buf, len, "not present (the other bits are the OS's to use)");
		return;
	}
	snprintf(buf, len, "present, %s, %s%s%s%s%s%s%s",
		 (e & PTE_RW) ? "writable" : "read-only", (e & PTE_US) ? "user" : "supervisor",
		 (e & PTE_A) ? ", accessed" : "", (e & PTE_D) ? ", dirty" : "",
		 (e & PTE_PS) ? (pde ? ", PS (4 MiB page)" : ", PS (reserved)") : "",
		 (e & PTE_G) ? ", global" : "", (e & PTE_PWT) ? ", write-through" : "",
		 (e & PTE_PCD) ? ", cache disabled" : "");
}

static const char *phys_kind(struct stepper *st, uint32_t phys)
{
	const struct phys_mem *pm = &st->m->mem;
	uint32_t pn = phys >> PHYS_PAGE_SHIFT;
	if (pm->flags[pn] & PHYS_PAGE_MMIO)
		return "device memory (MMIO)";
	if (!pm->host[pn])
		return "nothing there (reads all-ones)";
	/* By where the page lives, not by its flags: pages holding decoded
	 * or translated code lose their direct-write flag for a while. */
	const uint8_t *h = pm->host[pn];
	if (pm->ram && h >= pm->ram && h < pm->ram + pm->ram_size)
		return "RAM";
	return "ROM";
}

void stepper_view_walk(struct stepper *st, uint32_t lin, struct text_lines *t)
{
	const struct cpu *cpu = &st->m->cpu;
	struct stepper_walk w;
	char f[160];
	stepper_walk(st, lin, &w);
	if (!w.paging) {
		text_add(t, "paging is off (CR0.PG=0): linear %08X is physical %08X%s, %s", lin,
			 w.phys, w.phys != lin ? " (A20 is off: bit 20 masked)" : "",
			 phys_kind(st, w.phys));
		return;
	}
	text_add(t, "page walk of linear %08X: directory index %03X, table index %03X, offset %03X",
		 lin, lin >> 22, (lin >> 12) & 0x3FFu, lin & 0xFFFu);
	text_add(t, "CR3=%08X: page directory at %08X%s", cpu->cr[3], cpu->cr[3] & 0xFFFFF000u,
		 (cpu->cr[4] & CR4_PSE) ? " (CR4.PSE: 4 MiB pages allowed)" : "");
	if (!w.pde_ok) {
		text_add(t, "PDE at %08X: not readable (not RAM)", w.pde_addr);
		return;
	}
	entry_flags(w.pde, true, f, sizeof(f));
	text_add(t, "PDE at %08X = %08X: %s", w.pde_addr, w.pde, f);
	if (!(w.pde & PTE_P)) {
		text_add(t, "not mapped: an access raises #PF (CR2=%08X)", lin);
		return;
	}
	if (w.large) {
		if (w.reserved)
			text_add(t, "reserved bits 21:12 set in a 4 MiB PDE: an access raises #PF "
				    "(RSVD)");
		else
			text_add(t, "4 MiB page at %08X: physical %08X, %s", w.pde & 0xFFC00000u,
				 w.phys, phys_kind(st, w.phys));
		return;
	}
	if (!w.pte_ok) {
		text_add(t, "PTE at %08X: not readable (not RAM)", w.pte_addr);
		return;
	}
	entry_flags(w.pte, false, f, sizeof(f));
	text_add(t, "PTE at %08X = %08X: %s", w.pte_addr, w.pte, f);
	if (!(w.pte & PTE_P))
		text_add(t, "not mapped: an access raises #PF (CR2=%08X)", lin);
	else if (w.reserved)
		text_add(t, "reserved bit 7 set in a PTE with CR4.PSE: an access raises #PF (RSVD)");
	else
		text_add(t, "page at %08X: physical %08X, %s", w.pte & 0xFFFFF000u, w.phys,
			 phys_kind(st, w.phys));
}

/* --- descriptor tables ------------------------------------------------------------ */

/* One GDT/LDT entry or IDT gate as text. */
static void desc_text(uint32_t lo, uint32_t hi, char *buf, size_t len)
{
	struct seg_desc d = {.lo = lo, .hi = hi};
	uint16_t attr = desc_attr(&d);
	char type[48];
	stepper_desc_type(attr, type, sizeof(type));
	unsigned t = attr_type(attr);
	bool gate = attr_is_system(attr) && (t == DESC_CALL_GATE16 || t == DESC_CALL_GATE32 ||
					     t == DESC_INT_GATE16 || t == DESC_INT_GATE32 ||
					     t == DESC_TRAP_GATE16 || t == DESC_TRAP_GATE32 ||
					     t == DESC_TASK_GATE);
	if (gate) {
		if (t == DESC_TASK_GATE)
			snprintf(buf, len, "%s -> TSS %04X, P=%u DPL=%u", type, gate_selector(&d),
				 attr_present(attr) ? 1u : 0u, attr_dpl(attr));
		else
			snprintf(buf, len, "%s -> %04X:%08X, P=%u DPL=%u%s", type, gate_selector(&d),
				 gate_offset(&d), attr_present(attr) ? 1u : 0u, attr_dpl(attr),
				 (t == DESC_CALL_GATE16 || t == DESC_CALL_GATE32) && gate_param_count(&d)
					 ? ", with parameters"
					 : "");
		return;
	}
	snprintf(buf, len, "base=%08X limit=%08X P=%u DPL=%u %s G=%u %s", desc_base(&d),
		 desc_limit(&d), attr_present(attr) ? 1u : 0u, attr_dpl(attr),
		 (attr & SEG_ATTR_DB) ? "32-bit" : "16-bit", (attr & SEG_ATTR_G) ? 1u : 0u, type);
}

void stepper_view_gdt(struct stepper *st, struct text_lines *t)
{
	const struct cpu *cpu = &st->m->cpu;
	uint32_t base = cpu->gdtr.base, limit = cpu->gdtr.limit;
	unsigned entries = (limit + 1) / 8;
	text_add(t, "GDT at %08X, limit %04X: %u entries%s", base, limit, entries,
		 cpu_real_mode(cpu) ? " (real mode does not use it)" : "");
	unsigned shown = 0, empty = 0;
	for (unsigned i = 0; i < entries; i++) {
		uint32_t lo, hi;
		if (!stepper_read_desc(st, base, limit, i, &lo, &hi)) {
			text_add(t, "%04X  not readable", i * 8);
			break;
		}
		if (!lo && !hi) {
			if (i == 0)
				text_add(t, "0000  null descriptor");
			else
				empty++;
			continue;
		}
		if (shown == VIEW_MAX_ENTRIES) {
			text_add(t, "... (more entries: only the first %d are listed)",
				 VIEW_MAX_ENTRIES);
			break;
		}
		char buf[160];
		desc_text(lo, hi, buf, sizeof(buf));
		text_add(t, "%04X  %s", i * 8, buf);
		shown++;
	}
	if (empty)
		text_add(t, "(%u empty entries not listed)", empty);
}

void stepper_view_idt(struct stepper *st, struct text_lines *t)
{
	const struct cpu *cpu = &st->m->cpu;
	uint32_t base = cpu->idtr.base, limit = cpu->idtr.limit;
	unsigned shown = 0, empty = 0;
	if (cpu_real_mode(cpu)) {
		unsigned n = (limit + 1) / 4;
		if (n > 256)
			n = 256;
		text_add(t, "interrupt vector table (real mode) at %08X, limit %04X: %u vectors", base,
			 limit, n);
		for (unsigned v = 0; v < n; v++) {
			uint32_t e;
			if (!stepper_read_lin_val(st, base + v * 4, 4, &e)) {
				text_add(t, "%02X  not readable", v);
				break;
			}
			if (!e) {
				empty++;
				continue;
			}
			if (shown == VIEW_MAX_ENTRIES) {
				text_add(t, "... (only the first %d are listed)", VIEW_MAX_ENTRIES);
				break;
			}
			text_add(t, "%02X  %04X:%04X%s%s", v, e >> 16, e & 0xFFFFu, v < 32 ? "  " : "",
				 v < 32 && vector_names[v] ? vector_names[v] : "");
			shown++;
		}
		if (empty)
			text_add(t, "(%u vectors at 0000:0000 not listed)", empty);
		return;
	}
	unsigned n = (limit + 1) / 8;
	if (n > 256)
		n = 256;
	text_add(t, "IDT at %08X, limit %04X: %u gates", base, limit, n);
	for (unsigned v = 0; v < n; v++) {
		uint32_t lo, hi;
		if (!stepper_read_desc(st, base, limit, v, &lo, &hi)) {
			text_add(t, "%02X  not readable", v);
			break;
		}
		if (!(hi & (1u << 15))) {
			empty++;
			continue;
		}
		if (shown == VIEW_MAX_ENTRIES) {
			text_add(t, "... (only the first %d are listed)", VIEW_MAX_ENTRIES);
			break;
		}
		char buf[160];
		desc_text(lo, hi, buf, sizeof(buf));
		text_add(t, "%02X  %s%s%s", v, buf, v < 32 && vector_names[v] ? "  " : "",
			 v < 32 && vector_names[v] ? vector_names[v] : "");
		shown++;
	}
	if (empty)
		text_add(t, "(%u gates not present: not listed)", empty);
}

/* --- stop points and help --------------------------------------------------------- */

void stepper_view_points(struct stepper *st, struct text_lines *t)
{
	if (!st->npoints) {
		text_add(t, "no breakpoints, catchpoints or watchpoints");
		return;
	}
	text_add(t, "num  type        where / what                 hits");
	for (unsigned i = 0; i < st->npoints; i++) {
		const struct stop_point *p = &st->point[i];
		char what[64];
		const char *type = "breakpoint";
		if (p->kind == POINT_BREAK) {
			stepper_addr_text(&p->at, what, sizeof(what));
		} else if (p->kind == POINT_CATCH) {
			type = "catchpoint";
			snprintf(what, sizeof(what), "%s", catch_kind_names[p->what]);
		} else {
			type = "watchpoint";
			snprintf(what, sizeof(what), "%u byte%s at linear %08X", p->len,
				 p->len == 1 ? "" : "s", p->lin);
		}
		text_add(t, "%-4d %-11s %-28s %llu", p->id, type, what, (unsigned long long)p->hits);
	}
}

void stepper_view_help(struct text_lines *t)
{
	static const char *const lines[] = {
		"running (each stops at breakpoints, catchpoints, watchpoints, and when the guest",
		"stops: halt, debug exit, reset, triple fault):",
		"  s, step [N]        execute N instructions (default 1), into calls",
		"  n, next            step over CALL, INT, REP string and LOOP: run until the",
		"                     instruction after it",
		"  c, continue        run until something stops the guest (under the translator:",
		"                     translated blocks, cut before the instruction that stops;",
		"                     the interpreter while a watchpoint is set)",
		"  u, until ADDR      run until CS:EIP reaches ADDR (as continue)",
		"  limit N            at most N instructions per run command (default 200000000)",
		"stop points (numbered together; delete takes the number):",
		"  b, break ADDR      breakpoint on an instruction address",
		"  catch priv         before every privileged or IOPL-sensitive instruction",
		"  catch vmm          before every instruction the VMM steps in for",
		"  catch io           before every port access (IN, OUT, INS, OUTS)",
		"  catch int          before INT n; after a hardware interrupt or an exception",
		"                     is delivered (stopped at the handler)",
		"  catch mode         after a change of mode (real/protected/V86, paging, code size)",
		"  catch irq          after a hardware interrupt is delivered (at the handler)",
		"  w, watch ADDR [LEN]  stop when one of LEN bytes (1-64, default 1) changes",
		"  d, delete [N...]   delete stop points (all without N)",
		"  info break         list the stop points",
		"looking:",
		"  x ADDR             the memory pane's address",
		"  walk ADDR          the page-table walk for an address (PDE, PTE, flags)",
		"  gdt, idt           the descriptor tables (the vector table in real mode)",
		"  e, engine [interp|bt]  switch between the interpreter and the binary translator",
		"                     (steps always go through the interpreter)",
		"  block              the translated block of the VMM pane in full: each guest",
		"                     instruction with the x86-64 code emitted for it",
		"  show [PANE...]     print the panes (script mode; default: those of panes)",
		"  panes LIST         the panes printed after each command: registers segments",
		"                     disassembly stack memory vmm, all, none",
		"  quiet on|off       script mode: no command echo, panes only after running",
		"  say TEXT           print TEXT (for guided tours)",
		"  h, help            this text;  q, quit",
		"ADDR: hex. SEL:OFF (F000:FFF0, ds:si, cs:eip) or a linear address (000FFFF0).",
		"Terminal keys: s n c e h q as above, Tab changes the lower pane, : or any other",
		"letter starts a typed command, Enter on an empty line repeats the last one.",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		text_add(t, "%s", lines[i]);
}
