/*
 * Sorting and filtering rows (sort.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sort.h"

struct sort_key {
	enum vmtop_col col;
	bool reverse;
};

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_dbl(double a, double b)
{
	return a < b ? -1 : a > b;
}

/* xentop's state order: the first letter of d s b c p r that differs. */
static int cmp_state(const struct vmtop_row *a, const struct vmtop_row *b)
{
	char sa[7], sb[7];
	int i;

	vmtop_state_letters(a, sa);
	vmtop_state_letters(b, sb);
	for (i = 0; i < 6; i++) {
		if (sa[i] != '-' && sb[i] == '-')
			return -1;
		if (sb[i] != '-' && sa[i] == '-')
			return 1;
	}
	return 0;
}

/* Ascending for names, ids and states; the rest compare as numbers and
 * are negated by the caller (descending). */
static int cmp_col(const struct vmtop_row *a, const struct vmtop_row *b,
		   enum vmtop_col col)
{
	switch (col) {
	case VMTOP_COL_ID:
		return cmp_u64(a->domid, b->domid);
	case VMTOP_COL_NAME:
		return strcasecmp(a->name, b->name);
	case VMTOP_COL_STATE:
		return cmp_state(a, b);
	case VMTOP_COL_PAGING:
		return strcmp(vmtop_paging_str(a->paging), vmtop_paging_str(b->paging));
	case VMTOP_COL_CPU_SEC:
		return -cmp_u64(a->cpu_time_ns, b->cpu_time_ns);
	case VMTOP_COL_CPU_PCT:
		return -cmp_dbl(a->cpu_pct, b->cpu_pct);
	case VMTOP_COL_MEM:
	case VMTOP_COL_MEM_PCT:
	case VMTOP_COL_MAXMEM:
	case VMTOP_COL_MAXMEM_PCT:
		return -cmp_u64(a->mem_bytes, b->mem_bytes);
	case VMTOP_COL_VCPUS:
		return -cmp_u64(a->nr_vcpus, b->nr_vcpus);
	case VMTOP_COL_EXITS:
		return -cmp_dbl(a->exits_ps, b->exits_ps);
	case VMTOP_COL_HCALLS:
		return -cmp_dbl(a->hcalls_ps, b->hcalls_ps);
	case VMTOP_COL_PTTRAPS:
		return -cmp_dbl(a->pttraps_ps, b->pttraps_ps);
	case VMTOP_COL_SHADOW:
		return -cmp_u64(a->paging_bytes, b->paging_bytes);
	default:
		return 0;
	}
}

static int cmp_rows(const void *pa, const void *pb, void *arg)
{
	const struct vmtop_row *a = pa, *b = pb;
	const struct sort_key *k = arg;
	int c = cmp_col(a, b, k->col);

	if (k->reverse)
		c = -c;
	return c ? c : cmp_u64(a->domid, b->domid);
}

void vmtop_sort(struct vmtop_row *rows, unsigned int nr, enum vmtop_col col,
		bool reverse)
{
	struct sort_key k = { col, reverse };

	if (nr > 1)
		qsort_r(rows, nr, sizeof(*rows), cmp_rows, &k);
}

unsigned int vmtop_filter(struct vmtop_row *rows, unsigned int nr,
			  const char *pattern)
{
	unsigned int i, kept = 0;

	if (!pattern || !*pattern)
		return nr;
	for (i = 0; i < nr; i++) {
		if (!strcasestr(rows[i].name, pattern))
			continue;
		if (kept != i)
			rows[kept] = rows[i];
		kept++;
	}
	return kept;
}
