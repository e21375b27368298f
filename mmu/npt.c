/* Nested page table builder; see npt.h. */
#include <stdbool.h>

#include "mmu/npt.h"
#include "mmu/pte.h"
#include "base/errno.h"

#define NPT_TABLE_BITS	(PTE_P | PTE_W | PTE_U | PTE_A)
#define MADDR_LIMIT	(1ULL << PADDR_BITS_MAX)

static uint64_t *tab(const struct npt *n, uint64_t maddr)
{
	return n->ops.map(n->ops.ctx, maddr);
}

static uint64_t leaf_bits(unsigned int perm)
{
	uint64_t e = PTE_P | PTE_U | PTE_A;

	if (perm & NPT_W)
		e |= PTE_W | PTE_D;
	if (!(perm & NPT_X))
		e |= PTE_NX;
	return e;
}

static unsigned int perm_of(uint64_t e)
{
	return NPT_R | ((e & PTE_W) ? NPT_W : 0) | ((e & PTE_NX) ? 0 : NPT_X);
}

static bool perm_ok(unsigned int perm)
{
	return !(perm & ~NPT_RWX) && (perm & NPT_R);
}

static bool range_ok(uint64_t gpa, uint64_t len)
{
	return !(gpa & (PAGE_SIZE - 1)) && !(len & (PAGE_SIZE - 1)) && len &&
	       gpa < NPT_GPA_LIMIT && len <= NPT_GPA_LIMIT - gpa;
}

/* First address after the area that an entry at `level` covers for a. */
static uint64_t area_end(uint64_t a, int level)
{
	return (a | ((1ULL << pt_level_shift(level)) - 1)) + 1;
}

/* The leaf entry mapping gpa, or the non-present entry where the descent
 * stopped; its level in *level. */
static uint64_t *find(const struct npt *n, uint64_t gpa, int *level)
{
	uint64_t table = n->root;
	int l;

	for (l = 4;; l--) {
		uint64_t *e = &tab(n, table)[pt_index(gpa, l)];

		if (l == 1 || !(*e & PTE_P) || (*e & PTE_PS)) {
			*level = l;
			return e;
		}
		table = pte_addr(*e);
	}
}

static bool range_has(const struct npt *n, uint64_t start, uint64_t end, bool mapped)
{
	uint64_t a = start;

	while (a < end) {
		int level;
		uint64_t e = *find(n, a, &level);

		if (!!(e & PTE_P) != mapped)
			return false;
		a = area_end(a, level);
	}
	return true;
}

static int new_table(struct npt *n, uint64_t *maddr)
{
	int err = n->ops.alloc_page(n->ops.ctx, maddr);

	if (!err)
		n->tables++;
	return err;
}

static void free_table(struct npt *n, uint64_t maddr)
{
	n->ops.free_page(n->ops.ctx, maddr);
	n->tables--;
}

static void count_leaf(struct npt *n, int level, int delta)
{
	if (level == 2)
		n->leaves_2m += (uint64_t)(int64_t)delta;
	else
		n->leaves_4k += (uint64_t)(int64_t)delta;
}

/* Free an empty subtree hanging from a non-leaf entry. */
static void free_subtree(struct npt *n, uint64_t table, int level)
{
	uint64_t *t = tab(n, table);
	int i;

	for (i = 0; level > 1 && i < PT_ENTRIES; i++)
		if ((t[i] & PTE_P) && !(t[i] & PTE_PS))
			free_subtree(n, pte_addr(t[i]), level - 1);
	free_table(n, table);
}

/* Install leaf e for gpa at `level`, creating tables on the way. */
static int set_leaf(struct npt *n, uint64_t gpa, uint64_t e, int level)
{
	uint64_t table = n->root;
	int l;

	for (l = 4; l > level; l--) {
		uint64_t *slot = &tab(n, table)[pt_index(gpa, l)];

		if (!(*slot & PTE_P)) {
			uint64_t t;
			int err = new_table(n, &t);

			if (err)
				return err;
			*slot = t | NPT_TABLE_BITS;
		}
		table = pte_addr(*slot);
	}
	{
		uint64_t *slot = &tab(n, table)[pt_index(gpa, level)];

		/* An empty table left where a 2 MiB leaf now goes. */
		if ((*slot & PTE_P) && level > 1)
			free_subtree(n, pte_addr(*slot), level - 1);
		*slot = e;
	}
	count_leaf(n, level, 1);
	return 0;
}

/* Remove leaves in [start, end), which must not straddle its ends. */
static void clear_range(struct npt *n, uint64_t start, uint64_t end)
{
	uint64_t a = start;

	while (a < end) {
		int level;
		uint64_t *e = find(n, a, &level);

		if (*e & PTE_P) {
			*e = 0;
			count_leaf(n, level, -1);
		}
		a = area_end(a, level);
	}
}

static bool table_empty(const uint64_t *t)
{
	int i;

	for (i = 0; i < PT_ENTRIES; i++)
		if (t[i])
			return false;
	return true;
}

/* Free tables under `table` (covering `base` at `level`) that no longer
 * map anything within [start, end). True if `table` itself is empty. */
static bool prune(struct npt *n, uint64_t table, int level, uint64_t base,
		  uint64_t start, uint64_t end)
{
	uint64_t *t = tab(n, table);
	uint64_t size = 1ULL << pt_level_shift(level);
	int i;

	for (i = 0; i < PT_ENTRIES && level > 1; i++) {
		uint64_t lo = base + (uint64_t)i * size, hi = lo + size;

		if (hi <= start || lo >= end || !(t[i] & PTE_P) || (t[i] & PTE_PS))
			continue;
		if (prune(n, pte_addr(t[i]), level - 1, lo, start, end)) {
			free_table(n, pte_addr(t[i]));
			t[i] = 0;
		}
	}
	return table_empty(t);
}

static int split_2m(struct npt *n, uint64_t *e)
{
	uint64_t base = *e & PTE_ADDR_2M_MASK;
	uint64_t flags = *e & ~(PTE_ADDR_2M_MASK | PTE_PS | PTE_PAT_LARGE);
	uint64_t table, *t;
	int i, err = new_table(n, &table);

	if (err)
		return err;
	t = tab(n, table);
	for (i = 0; i < PT_ENTRIES; i++)
		t[i] = (base + (uint64_t)i * PAGE_SIZE) | flags;
	*e = table | NPT_TABLE_BITS;
	count_leaf(n, 2, -1);
	n->leaves_4k += PT_ENTRIES;
	return 0;
}

/* Split a 2 MiB leaf that contains `a` but does not start there. */
static int split_at(struct npt *n, uint64_t a)
{
	int level;
	uint64_t *e;

	if (!(a & (PAGE_SIZE_2M - 1)) || a >= NPT_GPA_LIMIT)
		return 0;
	e = find(n, a, &level);
	if (level == 2 && (*e & PTE_P))
		return split_2m(n, e);
	return 0;
}

static int split_ends(struct npt *n, uint64_t start, uint64_t end)
{
	int err = split_at(n, start);

	return err ? err : split_at(n, end);
}

int npt_init(struct npt *n, const struct mmu_ops *ops)
{
	if (!n || !ops || !ops->alloc_page || !ops->free_page || !ops->map)
		return -EINVAL;
	*n = (struct npt){ .ops = *ops };
	return new_table(n, &n->root);
}

void npt_destroy(struct npt *n)
{
	if (!n || !n->root)
		return;
	free_subtree(n, n->root, 4);
	n->root = 0;
	n->leaves_4k = n->leaves_2m = 0;
}

int npt_map(struct npt *n, uint64_t gpa, uint64_t maddr, uint64_t len,
	    unsigned int perm)
{
	uint64_t off;

	if (!n || !range_ok(gpa, len) || !perm_ok(perm) || (maddr & (PAGE_SIZE - 1)) ||
	    maddr >= MADDR_LIMIT || len > MADDR_LIMIT - maddr)
		return -EINVAL;
	if (!range_has(n, gpa, gpa + len, false))
		return -EEXIST;
	for (off = 0; off < len;) {
		uint64_t a = gpa + off, m = maddr + off;
		bool large = !((a | m) & (PAGE_SIZE_2M - 1)) && len - off >= PAGE_SIZE_2M;
		int err = set_leaf(n, a, m | leaf_bits(perm) | (large ? PTE_PS : 0),
				   large ? 2 : 1);

		if (err) {
			clear_range(n, gpa, a);
			prune(n, n->root, 4, 0, gpa, a + 1);
			return err;
		}
		off += large ? PAGE_SIZE_2M : PAGE_SIZE;
	}
	return 0;
}

int npt_protect(struct npt *n, uint64_t gpa, uint64_t len, unsigned int perm)
{
	uint64_t a, end = gpa + len;
	int err;

	if (!n || !range_ok(gpa, len) || !perm_ok(perm))
		return -EINVAL;
	if (!range_has(n, gpa, end, true))
		return -ENOENT;
	err = split_ends(n, gpa, end);
	if (err)
		return err;
	for (a = gpa; a < end;) {
		int level;
		uint64_t *e = find(n, a, &level);

		*e = (*e & ~(PTE_W | PTE_D | PTE_NX)) | leaf_bits(perm);
		a = area_end(a, level);
	}
	return 0;
}

int npt_unmap(struct npt *n, uint64_t gpa, uint64_t len)
{
	int err;

	if (!n || !range_ok(gpa, len))
		return -EINVAL;
	err = split_ends(n, gpa, gpa + len);
	if (err)
		return err;
	clear_range(n, gpa, gpa + len);
	prune(n, n->root, 4, 0, gpa, gpa + len);
	return 0;
}

int npt_lookup(const struct npt *n, uint64_t gpa, uint64_t *maddr,
	       unsigned int *perm, int *level)
{
	int l;
	uint64_t e;

	if (!n || gpa >= NPT_GPA_LIMIT)
		return -EINVAL;
	e = *find(n, gpa, &l);
	if (!(e & PTE_P))
		return -ENOENT;
	if (maddr)
		*maddr = pte_leaf_addr(e, l) | (gpa & ((1ULL << pt_level_shift(l)) - 1));
	if (perm)
		*perm = perm_of(e);
	if (level)
		*level = l;
	return 0;
}
