/*
 * Batch output, text and JSON (batch.h).
 */
#include "batch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Room for `more` bytes after `len` in b->out. */
static int out_room(struct vmtop_batch *b, size_t len, size_t more)
{
	size_t size = b->size ? b->size : 16384;
	char *p;

	while (size < len + more)
		size *= 2;
	if (size == b->size)
		return 0;
	p = realloc(b->out, size);
	if (!p)
		return -1;
	b->out = p;
	b->size = size;
	return 0;
}

/*
 * The interval's text out in one write(2) when f is a file descriptor's:
 * stdio would copy it into its buffer first, and a copy of more than a
 * few KiB is a `rep movsb` that an emulated CPU runs a byte at a time.
 */
static void put_all(FILE *f, const char *p, size_t len)
{
	int fd = fileno(f);

	if (fd < 0) {
		fwrite(p, 1, len, f);
		return;
	}
	fflush(f);
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* As stdio would: the stream remembers the error. */
			fwrite(p, 1, len, f);
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}

/* Room for nr positions; false when out of memory. */
static bool pos_room(struct vmtop_batch *b, unsigned int nr)
{
	struct vmtop_batch_pos *p;

	if (nr <= b->pos_room)
		return true;
	p = realloc(b->pos, nr * sizeof(*p));
	if (!p)
		return false;
	b->pos = p;
	b->pos_room = nr;
	return true;
}

/* Position i holds r's line from the last interval, as it is. */
static bool pos_holds(const struct vmtop_batch *b, unsigned int i, const struct vmtop_row *r)
{
	return i < b->nr_pos && r->seq && b->pos[i].seq == r->seq && b->pos[i].domid == r->domid;
}

int vmtop_batch_lines(struct vmtop_batch *b, FILE *f, const struct vmtop_row *const *rows,
		      unsigned int nr, vmtop_colmask cols)
{
	size_t len, n;
	unsigned int i;
	/* out still holds the last interval's lines up to here. */
	bool in_place = true;

	if (out_room(b, 0, VMTOP_LINE_ROOM * 2) || !pos_room(b, nr))
		return -1;
	/* The column header is the one the last interval began with. */
	if (!b->header_len || b->header_cols != cols) {
		len = (size_t)vmtop_line(NULL, cols, b->out, b->size - 1);
		b->out[len++] = '\n';
		b->header_len = len;
		b->header_cols = cols;
		in_place = false;
	}
	len = b->header_len;
	for (i = 0; i < nr; i++) {
		const struct vmtop_row *r = rows[i];
		const char *line;

		if (in_place && pos_holds(b, i, r)) {
			/* Not even looked at: the same row, its line there. */
			b->lines.reused++;
			len += b->pos[i].len + 1;
			continue;
		}
		line = vmtop_lines_get(&b->lines, r, cols, &n);
		/* A line of another length moves every one after it. */
		in_place = in_place && i < b->nr_pos && n == b->pos[i].len;
		if (out_room(b, len, n + 1)) {
			b->nr_pos = 0;
			return -1;
		}
		memcpy(b->out + len, line, n);
		len += n;
		b->out[len++] = '\n';
		b->pos[i] = (struct vmtop_batch_pos){ r->seq, r->domid, (uint32_t)n };
	}
	b->nr_pos = nr;
	if (f)
		put_all(f, b->out, len);
	return 0;
}

void vmtop_batch_free(struct vmtop_batch *b)
{
	vmtop_lines_free(&b->lines);
	free(b->out);
	free(b->pos);
	memset(b, 0, sizeof(*b));
}

void vmtop_batch_text(FILE *f, const struct vmtop_row *rows, unsigned int nr,
		      vmtop_colmask cols)
{
	const struct vmtop_row **v = malloc((nr ? nr : 1) * sizeof(*v));
	struct vmtop_batch b = { 0 };
	unsigned int i;

	for (i = 0; v && i < nr; i++)
		v[i] = &rows[i];
	if (!v || vmtop_batch_lines(&b, f, v, nr, cols)) {
		/* Out of memory: a line at a time, as it is formatted. */
		char line[512];

		vmtop_line(NULL, cols, line, sizeof(line));
		fprintf(f, "%s\n", line);
		for (i = 0; i < nr; i++) {
			vmtop_line(&rows[i], cols, line, sizeof(line));
			fprintf(f, "%s\n", line);
		}
	}
	vmtop_batch_free(&b);
	free(v);
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
