/*
 * Ordering and filtering the rows. Every column sorts; as in xentop,
 * names and states sort ascending and numbers descending (the busiest
 * first), and `reverse` turns that round. Ties keep domid order, so the
 * screen does not shuffle between refreshes.
 */
#ifndef VMTOP_SORT_H
#define VMTOP_SORT_H

#include <stdbool.h>

#include "format.h"

void vmtop_sort(struct vmtop_row *rows, unsigned int nr, enum vmtop_col col,
		bool reverse);

/* Keep the rows whose name contains `pattern` (ignoring case; NULL or ""
 * keeps all), in order. Returns how many are kept. */
unsigned int vmtop_filter(struct vmtop_row *rows, unsigned int nr,
			  const char *pattern);

#endif
