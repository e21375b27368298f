/*
 * Batch output, text and JSON (batch.h).
 */
#include "batch.h"

void vmtop_batch_text(FILE *f, const struct vmtop_row *rows, unsigned int nr,
		      vmtop_colmask cols)
{
	char line[512];
	unsigned int i;

	vmtop_line(NULL, cols, line, sizeof(line));
	fprintf(f, "%s\n", line);
	for (i = 0; i < nr; i++) {
		vmtop_line(&rows[i], cols, line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
}

void vmtop_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_row(FILE *f, const struct vmtop_row *r)
{
	char st[7];

	vmtop_state_letters(r, st);
	fprintf(f, "{\"domid\":%u,\"name\":", r->domid);
	vmtop_json_string(f, r->name);
	fprintf(f, ",\"state\":\"%s\",\"state_letters\":\"%s\"", vmtop_state_name(r->state), st);
	fprintf(f, ",\"cpu_ns\":%llu,\"cpu_sec\":%llu,\"cpu_pct\":%.1f",
		(unsigned long long)r->cpu_time_ns,
		(unsigned long long)(r->cpu_time_ns / 1000000000ull), r->cpu_pct);
	fprintf(f, ",\"mem_k\":%llu,\"mem_pct\":%.1f,\"maxmem_k\":%llu,\"vcpus\":%u",
		(unsigned long long)(r->mem_bytes / 1024), r->mem_pct,
		(unsigned long long)(r->mem_bytes / 1024), r->nr_vcpus);
	fprintf(f, ",\"paging\":\"%s\",\"pool_k\":%llu", vmtop_paging_str(r->paging),
		(unsigned long long)(r->pool_bytes / 1024));
	if (r->has_counters)
		fprintf(f, ",\"exits_ps\":%.1f,\"hcalls_ps\":%.1f,\"pttraps_ps\":%.1f,"
			"\"shadow_k\":%llu,\"exits\":%llu,\"hcalls\":%llu,\"pttraps\":%llu",
			r->exits_ps, r->hcalls_ps, r->pttraps_ps,
			(unsigned long long)(r->paging_bytes / 1024),
			(unsigned long long)r->exits_total,
			(unsigned long long)r->hcalls_total,
			(unsigned long long)r->pt_traps);
	fprintf(f, ",\"rates\":%s}", r->has_rates ? "true" : "false");
}

static void json_summary(FILE *f, const struct vmtop_summary *s)
{
	unsigned int i, n = 0;

	fprintf(f, "\"umbra_version\":\"%u.%u\",\"uptime_s\":%.3f,\"interval_s\":%.3f",
		s->umbra_version >> 16, s->umbra_version & 0xffff,
		(double)s->uptime_ns / 1e9, s->interval_s);
	fprintf(f, ",\"cpus\":%u,\"load_pct\":%.1f,\"cpu_load_pct\":{", s->nr_cpus,
		s->load_total);
	for (i = 0; i < VMTOP_MAX_CPUS; i++)
		if (s->cpus_online & (1ull << i))
			fprintf(f, "%s\"%u\":%.1f", n++ ? "," : "", i, s->cpu_load[i]);
	fprintf(f, "},\"mem_total_k\":%llu,\"mem_free_k\":%llu,\"mem_reserved_k\":%llu",
		(unsigned long long)(s->total_bytes / 1024),
		(unsigned long long)(s->free_bytes / 1024),
		(unsigned long long)(s->reserved_bytes / 1024));
	fprintf(f, ",\"nr_domains\":%u,\"domains_by_state\":{", s->nr_doms);
	for (i = 0; i <= UMBRA_DOMSTATE_DYING; i++)
		fprintf(f, "%s\"%s\":%u", i ? "," : "", vmtop_state_name(i), s->by_state[i]);
	fputc('}', f);
}

void vmtop_batch_json(FILE *f, const struct vmtop_summary *sum,
		      const struct vmtop_row *rows, unsigned int nr)
{
	unsigned int i;

	fputc('{', f);
	json_summary(f, sum);
	fprintf(f, ",\"domains\":[");
	for (i = 0; i < nr; i++) {
		if (i)
			fputc(',', f);
		json_row(f, &rows[i]);
	}
	fprintf(f, "]}\n");
}
