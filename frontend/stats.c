/* stats.c: --stats and --stats=json.
 *
 * The JSON object, on one line:
 *   instructions      instructions retired
 *   virtual_ns        virtual time at the end (idle_ns of it skipped by HLT)
 *   host_seconds      host time of the run
 *   guest_mips        instructions / host_seconds / 1e6 (null when no host
 *                     time could be measured)
 *   engine            "interpreter", "translator" or "check"
 *   translated_blocks, cache_hits, chained_jumps
 *                     the binary translator's counters (null with the
 *                     interpreter, which translates nothing)
 *   translator        {blocks, guest_insns, code_bytes, lookups, hits,
 *                     chained, unchained, invalidations, smc_writes,
 *                     flushes, interpreted_insns, backend}, or null
 *   vmm_calls         {kind: count} for every kind of VMM routine call,
 *                     zeros included, so scripts can rely on the keys
 *   exceptions        {vector: count} for the vectors taken at least once
 *   interrupts        hardware interrupts delivered
 *   exit_status       popek's exit status
 */
#include "frontend/stats.h"

#include "vmm/priv.h"

/* A VMM kind's name, or a made-up one for a kind without a name. */
static const char *stats_vmm_name(int i, char *tmp, size_t len)
{
	if (vmm_stat_names[i])
		return vmm_stat_names[i];
	snprintf(tmp, len, "vmm_%d", i);
	return tmp;
}

static void stats_text(FILE *out, const struct machine *m, double host_s)
{
	const struct cpu *cpu = &m->cpu;
	const struct clock *clk = &m->clock;
	fprintf(out, "popek: instructions retired: %llu\n", (unsigned long long)clk->insns);
	fprintf(out, "popek: virtual time: %.6f s (idle %.6f s); host time: %.3f s\n",
		clk->now_ns / 1e9, clk->idle_ns / 1e9, host_s);
	if (host_s > 0)
		fprintf(out, "popek: guest MIPS: %.1f\n", clk->insns / host_s / 1e6);
	if (!m->tr) {
		fprintf(out, "popek: engine: interpreter\n");
	} else {
		const struct tr_stats *t = &m->tr->stats;
		fprintf(out, "popek: engine: %s (%s backend)\n",
			m->engine == MACHINE_ENGINE_CHECK ? "check (translator against interpreter)" :
							    "binary translator",
			m->tr->backend == TR_BACKEND_X64 ? "x86-64" : "portable");
		fprintf(out, "popek: translator: %llu blocks (%llu instructions, %llu bytes of host "
			     "code), %llu lookups, %llu hits\n",
			(unsigned long long)t->blocks, (unsigned long long)t->insns,
			(unsigned long long)t->code_bytes, (unsigned long long)t->lookups,
			(unsigned long long)t->hits);
		fprintf(out, "popek: translator: %llu chained exits (%llu undone), %llu blocks "
			     "invalidated by %llu writes to code pages, %llu flushes, %llu "
			     "instructions interpreted\n",
			(unsigned long long)t->chained, (unsigned long long)t->unchained,
			(unsigned long long)t->invalidations, (unsigned long long)t->smc_writes,
			(unsigned long long)t->flushes, (unsigned long long)t->interp_insns);
	}
	char tmp[16];
	for (int i = 0; i < VMM_STAT_COUNT; i++)
		if (cpu->vmm_calls[i])
			fprintf(out, "popek: vmm %s: %llu\n", stats_vmm_name(i, tmp, sizeof(tmp)),
				(unsigned long long)cpu->vmm_calls[i]);
	for (int v = 0; v < 32; v++)
		if (cpu->exceptions[v])
			fprintf(out, "popek: exception %d: %llu\n", v,
				(unsigned long long)cpu->exceptions[v]);
	fprintf(out, "popek: hardware interrupts: %llu\n", (unsigned long long)cpu->interrupts);
}

static void stats_json(FILE *out, const struct machine *m, double host_s, int exit_status)
{
	const struct cpu *cpu = &m->cpu;
	const struct clock *clk = &m->clock;
	fprintf(out, "{\"instructions\":%llu,\"virtual_ns\":%llu,\"idle_ns\":%llu,",
		(unsigned long long)clk->insns, (unsigned long long)clk->now_ns,
		(unsigned long long)clk->idle_ns);
	fprintf(out, "\"host_seconds\":%.6f,", host_s > 0 ? host_s : 0.0);
	if (host_s > 0)
		fprintf(out, "\"guest_mips\":%.3f,", clk->insns / host_s / 1e6);
	else
		fprintf(out, "\"guest_mips\":null,");
	/* With the interpreter the translator's counters are null, not
	 * zeros that would claim it ran and did nothing. */
	if (!m->tr) {
		fprintf(out, "\"engine\":\"interpreter\",\"translated_blocks\":null,"
			     "\"cache_hits\":null,\"chained_jumps\":null,\"translator\":null,");
	} else {
		const struct tr_stats *t = &m->tr->stats;
		fprintf(out, "\"engine\":\"%s\",\"translated_blocks\":%llu,\"cache_hits\":%llu,"
			     "\"chained_jumps\":%llu,",
			m->engine == MACHINE_ENGINE_CHECK ? "check" : "translator",
			(unsigned long long)t->blocks, (unsigned long long)t->hits,
			(unsigned long long)t->chained);
		fprintf(out, "\"translator\":{\"blocks\":%llu,\"guest_insns\":%llu,"
			     "\"code_bytes\":%llu,\"lookups\":%llu,\"hits\":%llu,\"chained\":%llu,"
			     "\"unchained\":%llu,\"invalidations\":%llu,\"smc_writes\":%llu,"
			     "\"flushes\":%llu,\"interpreted_insns\":%llu,\"backend\":\"%s\"},",
			(unsigned long long)t->blocks, (unsigned long long)t->insns,
			(unsigned long long)t->code_bytes, (unsigned long long)t->lookups,
			(unsigned long long)t->hits, (unsigned long long)t->chained,
			(unsigned long long)t->unchained, (unsigned long long)t->invalidations,
			(unsigned long long)t->smc_writes, (unsigned long long)t->flushes,
			(unsigned long long)t->interp_insns,
			m->tr->backend == TR_BACKEND_X64 ? "x86-64" : "portable");
	}
	fprintf(out, "\"vmm_calls\":{");
	char tmp[16];
	for (int i = 0; i < VMM_STAT_COUNT; i++)
		fprintf(out, "%s\"%s\":%llu", i ? "," : "", stats_vmm_name(i, tmp, sizeof(tmp)),
			(unsigned long long)cpu->vmm_calls[i]);
	fprintf(out, "},\"exceptions\":{");
	bool first = true;
	for (int v = 0; v < 32; v++) {
		if (!cpu->exceptions[v])
			continue;
		fprintf(out, "%s\"%d\":%llu", first ? "" : ",", v,
			(unsigned long long)cpu->exceptions[v]);
		first = false;
	}
	fprintf(out, "},\"interrupts\":%llu,\"exit_status\":%d}\n",
		(unsigned long long)cpu->interrupts, exit_status);
}

void stats_print(FILE *out, const struct machine *m, double host_s, int exit_status,
		 enum stats_format fmt)
{
	if (fmt == STATS_JSON)
		stats_json(out, m, host_s, exit_status);
	else
		stats_text(out, m, host_s);
}
