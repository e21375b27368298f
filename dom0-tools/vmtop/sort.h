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

/*
 * The same order of rows given by pointer, by insertion: each row is
 * first compared with the one before it, so rows that come in order
 * (the last refresh's order: vmtop_order_keep()) cost one comparison
 * each. Stable, like vmtop_sort().
 */
void vmtop_sort_ptrs(const struct vmtop_row **v, unsigned int nr, enum vmtop_col col,
		     bool reverse);

/*
 * The same, where same(r, arg) says that r was in v when v was last
 * sorted (the same column, the same way), with the values it has now:
 * two such rows come in their old order (vmtop_order_keep() keeps it,
 * and insertion never swaps two rows it does not move), which was right
 * then and is right again, so they are not compared.
 */
void vmtop_sort_ptrs_same(const struct vmtop_row **v, unsigned int nr, enum vmtop_col col,
			  bool reverse, bool (*same)(const struct vmtop_row *r, void *arg),
			  void *arg);

/*
 * v[] (room for nr) as rows[] (nr of them, by domid) in the order that
 * `last` (nr_last domids: the last refresh's order) had, then the
 * domains that were not in it, by domid. Returns how many (nr).
 */
unsigned int vmtop_order_keep(const struct vmtop_row **v, const struct vmtop_row *rows,
			      unsigned int nr, const uint32_t *last, unsigned int nr_last);

/* Keep the rows whose name contains `pattern` (ignoring case; NULL or ""
 * keeps all), in order. Returns how many are kept. */
unsigned int vmtop_filter(struct vmtop_row *rows, unsigned int nr,
			  const char *pattern);

#endif
