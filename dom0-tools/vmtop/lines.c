/*
 * Kept lines (lines.h). Under emulation formatting a number costs more
 * than comparing the integers it is made from, and each floating-point
 * operation is a call into a soft-float helper: a row is first compared
 * as it came (its numbers' bits, no arithmetic), and only when that
 * differs, as what vmtop_shown() makes of it.
 */
#include <stdlib.h>
#include <string.h>

#include "lines.h"

/* A row's values that its line is made from, as they are. */
struct raw {
	uint32_t domid;
	uint32_t state;
	uint32_t shutdown_reason;
	uint32_t paging;
	uint32_t nr_vcpus;
	uint32_t zero;			/* no padding: memcmp()ed */
	char name[UMBRA_DOMAIN_NAME_MAX];	/* zero-filled */
	uint64_t cpu_time_ns;
	uint64_t mem_bytes;
	uint64_t paging_bytes;
	double pct[2];			/* compared as bits */
	double rate[3];
};

struct vmtop_line_slot {
	uint64_t seq;			/* the row's the line is of (0: none) */
	struct raw raw;
	struct vmtop_shown shown;
	vmtop_colmask cols;
	unsigned int len;		/* 0: empty */
	char line[VMTOP_LINE_ROOM];
};

static struct vmtop_line_slot *slot_of(struct vmtop_lines *c, uint32_t domid)
{
	struct vmtop_line_slot *s;
	unsigned int room;

	if (domid > VMTOP_LINES_MAX_DOMID)
		return NULL;
	if (domid < c->room)
		return &c->slot[domid];
	room = domid < 64 ? 128 : 2 * domid;
	if (room > VMTOP_LINES_MAX_DOMID + 1)
		room = VMTOP_LINES_MAX_DOMID + 1;
	if (!c->slot) {
		/* Fresh pages come zeroed: calloc() need not write them. */
		s = calloc(room, sizeof(*s));
	} else {
		s = realloc(c->slot, room * sizeof(*s));
		if (s)
			memset(s + c->room, 0, (room - c->room) * sizeof(*s));
	}
	if (!s)
		return NULL;
	c->slot = s;
	c->room = room;
	return &c->slot[domid];
}

static void raw_of(const struct vmtop_row *r, struct raw *w)
{
	memset(w, 0, sizeof(*w));
	w->domid = r->domid;
	w->state = r->state;
	w->shutdown_reason = r->shutdown_reason;
	w->paging = r->paging;
	w->nr_vcpus = r->nr_vcpus;
	memcpy(w->name, r->name, strnlen(r->name, sizeof(r->name) - 1));
	w->cpu_time_ns = r->cpu_time_ns;
	w->mem_bytes = r->mem_bytes;
	w->paging_bytes = r->paging_bytes;
	/* Copied as bits: no floating-point instruction. */
	memcpy(&w->pct[0], &r->cpu_pct, sizeof(double));
	memcpy(&w->pct[1], &r->mem_pct, sizeof(double));
	memcpy(&w->rate[0], &r->exits_ps, sizeof(double));
	memcpy(&w->rate[1], &r->hcalls_ps, sizeof(double));
	memcpy(&w->rate[2], &r->pttraps_ps, sizeof(double));
}

const char *vmtop_lines_get(struct vmtop_lines *c, const struct vmtop_row *r,
			    vmtop_colmask cols, size_t *len)
{
	static char spare[512];	/* a line that cannot be kept */
	struct vmtop_line_slot *s = slot_of(c, r->domid);
	bool kept = s && s->len && s->cols == cols;
	struct vmtop_shown now;
	struct raw raw;

	/* The very row the line was made or checked for (rates.h's seq):
	 * not even compared. */
	if (kept && r->seq && s->seq == r->seq) {
		c->reused++;
		*len = s->len;
		return s->line;
	}
	raw_of(r, &raw);
	if (kept && !memcmp(&s->raw, &raw, sizeof(raw))) {
		s->seq = r->seq;
		c->reused++;
		*len = s->len;
		return s->line;
	}
	vmtop_shown(r, &now);
	if (kept && !memcmp(&s->shown, &now, sizeof(now))) {
		s->raw = raw;
		s->seq = r->seq;
		c->reused++;
		*len = s->len;
		return s->line;
	}
	c->formatted++;
	if (s) {
		int n = vmtop_line_shown(&now, cols, s->line, sizeof(s->line));

		if ((size_t)n + 1 < sizeof(s->line)) {
			s->seq = r->seq;
			s->raw = raw;
			s->shown = now;
			s->cols = cols;
			s->len = (unsigned int)n;
			*len = (size_t)n;
			return s->line;
		}
		s->len = 0;
		s->seq = 0;
	}
	*len = (size_t)vmtop_line_shown(&now, cols, spare, sizeof(spare));
	return spare;
}

void vmtop_lines_free(struct vmtop_lines *c)
{
	free(c->slot);
	memset(c, 0, sizeof(*c));
}
