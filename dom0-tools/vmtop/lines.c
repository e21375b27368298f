/*
 * Kept lines (lines.h). Under emulation formatting a number costs more
 * than comparing the integers it is made from, so the comparison is of
 * what vmtop_shown() makes, whole.
 */
#include <stdlib.h>
#include <string.h>

#include "lines.h"

struct vmtop_line_slot {
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

const char *vmtop_lines_get(struct vmtop_lines *c, const struct vmtop_row *r,
			    vmtop_colmask cols, size_t *len)
{
	static char spare[512];	/* a line that cannot be kept */
	struct vmtop_line_slot *s = slot_of(c, r->domid);
	struct vmtop_shown now;

	vmtop_shown(r, &now);
	if (s && s->len && s->cols == cols && !memcmp(&s->shown, &now, sizeof(now))) {
		c->reused++;
		*len = s->len;
		return s->line;
	}
	c->formatted++;
	if (s) {
		int n = vmtop_line_shown(&now, cols, s->line, sizeof(s->line));

		if ((size_t)n + 1 < sizeof(s->line)) {
			s->shown = now;
			s->cols = cols;
			s->len = (unsigned int)n;
			*len = (size_t)n;
			return s->line;
		}
		s->len = 0;
	}
	*len = (size_t)vmtop_line_shown(&now, cols, spare, sizeof(spare));
	return spare;
}

void vmtop_lines_free(struct vmtop_lines *c)
{
	free(c->slot);
	memset(c, 0, sizeof(*c));
}
