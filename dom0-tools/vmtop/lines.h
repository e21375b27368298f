/*
 * Rows' lines kept from one refresh to the next, by domid: a domain
 * whose shown values did not change (a paused or idle domain: most of
 * them, most of the time) is not formatted again, only compared.
 */
#ifndef VMTOP_LINES_H
#define VMTOP_LINES_H

#include "format.h"

#define VMTOP_LINE_ROOM		160	/* a longer line is not kept */
#define VMTOP_LINES_MAX_DOMID	65535	/* domids above are not kept */

struct vmtop_line_slot;

struct vmtop_lines {
	struct vmtop_line_slot *slot;	/* by domid */
	unsigned int room;
	unsigned long formatted;	/* lines formatted, */
	unsigned long reused;		/* and lines that were not */
};

/*
 * r's line (what vmtop_line() writes) with the columns cols, and its
 * length in *len: the kept one if nothing it shows changed. Valid until
 * the next call for the same domid (never NULL: a line that cannot be
 * kept is made in a buffer of its own).
 */
const char *vmtop_lines_get(struct vmtop_lines *c, const struct vmtop_row *r,
			    vmtop_colmask cols, size_t *len);

void vmtop_lines_free(struct vmtop_lines *c);

#endif
