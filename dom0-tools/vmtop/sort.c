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

/* Where v (in order) wants to go among v[0..n): after its equals. */
static unsigned int insert_at(const struct vmtop_row **v, unsigned int n,
			      const struct vmtop_row *r, const struct sort_key *k)
{
	unsigned int lo = 0, hi = n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (cmp_rows(v[mid], r, (void *)k) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void vmtop_sort_ptrs_same(const struct vmtop_row **v, unsigned int nr, enum vmtop_col col,
			  bool reverse, bool (*same)(const struct vmtop_row *r, void *arg),
			  void *arg)
{
	struct sort_key k = { col, reverse };
	unsigned int i, at;
	/* Whether v[i - 1] is a same row. */
	bool before_same = nr && same && same(v[0], arg);

	for (i = 1; i < nr; i++) {
		const struct vmtop_row *r = v[i];
		bool r_same = same && same(r, arg);

		if ((before_same && r_same) || cmp_rows(v[i - 1], r, &k) <= 0) {
			before_same = r_same;
			continue;
		}
		/* r moves before v[i - 1], which is then at i. */
		at = insert_at(v, i - 1, r, &k);
		memmove(&v[at + 1], &v[at], (i - at) * sizeof(*v));
		v[at] = r;
	}
}

void vmtop_sort_ptrs(const struct vmtop_row **v, unsigned int nr, enum vmtop_col col,
		     bool reverse)
{
	vmtop_sort_ptrs_same(v, nr, col, reverse, NULL, NULL);
}

/* The row of domid among rows[] (by domid), or NULL. Domids are mostly
 * dense from 0 (dom0's), so the row is first looked for at its domid. */
static const struct vmtop_row *by_domid(const struct vmtop_row *rows, unsigned int nr,
					uint32_t domid)
{
	unsigned int lo = 0, hi = nr;

	if (domid < nr && rows[domid].domid == domid)
		return &rows[domid];

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (rows[mid].domid == domid)
			return &rows[mid];
		if (rows[mid].domid < domid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

unsigned int vmtop_order_keep(const struct vmtop_row **v, const struct vmtop_row *rows,
			      unsigned int nr, const uint32_t *last, unsigned int nr_last)
{
	unsigned int i, n = 0, placed = 0;

	for (i = 0; i < nr_last && n < nr; i++) {
		const struct vmtop_row *r = by_domid(rows, nr, last[i]);

		if (r)
			v[n++] = r;
	}
	placed = n;
	/* The newcomers: rows not found above. Few, usually none. */
	for (i = 0; i < nr && n < nr; i++) {
		unsigned int j;
		bool seen = false;

		if (placed == nr)
			break;
		for (j = 0; j < placed && !seen; j++)
			seen = v[j] == &rows[i];
		if (!seen)
			v[n++] = &rows[i];
	}
	return n;
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
