/* Translation correctness against a reference model.
 *
 * Random address spaces and random mmu_update requests; after them every
 * sampled virtual address must translate, through what the MMU walks from
 * spt_vcpu_root (shadow pages, shared L1s, in machine mode shared L3/L2s),
 * exactly as an independent walk of the guest's own tables says: present
 * or not, the same machine address, the same effective write and user
 * permission (AND over the levels) and no-execute (OR over the levels).
 *
 * The model keeps its own copy of every table page and changes it only
 * when the library accepted a request; the guest's pages must always equal
 * that copy. The generator is a fixed xorshift: every run checks the same
 * cases. */
#include "tests/unit/shared-pt/common.h"

#define TR_EXTENTS	4		/* extent 0: tables; 1..3: data */
#define TR_MAX_POOL	40		/* table pages, all in extent 0 */
#define TR_MAX_IDX	12
#define TR_NR_VA	1024		/* sampled addresses per re-check */
#define TR_RECHECK	8		/* requests between re-checks */
#define TR_MAX_LIVE	128
#define TR_RSVD_BIT	(1ULL << 45)	/* above H_PHYS_BITS */
#define TR_SUPER_RSVD	0x1fe000ULL	/* bits 20:13 of a 2 MiB page */
#define TR_ANY		1		/* no prediction for a request */

struct shape {
	uint64_t seed;
	unsigned int l4_slots, l3s, l2s, l1s, spares;
	unsigned int super_pct;		/* L2 entries mapping 2 MiB */
	unsigned int requests;
};

struct xlat {
	bool present, large, w, u, nx;
	uint64_t maddr;
};

struct live {
	uint64_t mfn;
	int level;
};

struct tr {
	struct harness *h;
	struct h_dom *g;
	struct spt_domain *d;
	const struct shape *sh;
	uint64_t rng;
	unsigned int idx[5][TR_MAX_IDX], nidx[5];
	unsigned int first[5], count[5];	/* pages by role; 0: spare */
	unsigned int npool;
	pte_t (*model)[PT_ENTRIES];
	uint64_t va[TR_NR_VA];
	struct live live[TR_MAX_LIVE];
	unsigned int nlive;
	/* What the checks saw, so that no test passes on an empty space. */
	unsigned long present, absent, large, read_only, user, nx;
	unsigned long accepted, refused, batches, predicted_refusals;
};

static const pte_t zero_page[PT_ENTRIES];

/* ---- generator ----------------------------------------------------------- */

static uint64_t rnd(struct tr *t)
{
	uint64_t x = t->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	t->rng = x;
	return x;
}

static unsigned int below(struct tr *t, unsigned int n)
{
	return (unsigned int)(rnd(t) % n);
}

static bool chance(struct tr *t, unsigned int pct)
{
	return below(t, 100) < pct;
}

static unsigned int random_index(struct tr *t, int level)
{
	unsigned int i;

	do {
		i = below(t, PT_ENTRIES);
	} while (level == 4 && spt_is_hv_l4_slot(i));
	return i;
}

/* Mostly the indices the tree uses, sometimes (`pct`) any: mostly empty. */
static unsigned int pick_index_or_any(struct tr *t, int level,
				      unsigned int pct)
{
	if (chance(t, pct))
		return random_index(t, level);
	return t->idx[level][below(t, t->nidx[level])];
}

static unsigned int pick_index(struct tr *t, int level)
{
	return pick_index_or_any(t, level, 12);
}

static void pick_index_set(struct tr *t, int level, unsigned int n)
{
	unsigned int i, j, v;

	t->nidx[level] = n;
	for (i = 0; i < n; i++) {
		do {
			v = random_index(t, level);
			for (j = 0; j < i && t->idx[level][j] != v; j++)
				;
		} while (j < i);
		t->idx[level][i] = v;
	}
}

/* A pool page meant for tables at `level` (or a spare), now and then any. */
static unsigned int pick_table(struct tr *t, int level)
{
	unsigned int n = t->count[level] + t->count[0], k;

	if (chance(t, 8))
		return below(t, t->npool);
	k = below(t, n);
	if (k < t->count[level])
		return t->first[level] + k;
	return t->first[0] + k - t->count[level];
}

static uint64_t pool_mfn(struct tr *t, unsigned int pfn)
{
	return spt_p2m(t->d, pfn);
}

static pte_t dir_flags(struct tr *t)
{
	return PTE_P | (chance(t, 85) ? PTE_W : 0) |
	       (chance(t, 85) ? PTE_U : 0) | (chance(t, 15) ? PTE_NX : 0) |
	       (chance(t, 20) ? PTE_A : 0);
}

static pte_t leaf_flags(struct tr *t)
{
	return PTE_P | (chance(t, 50) ? PTE_W : 0) |
	       (chance(t, 75) ? PTE_U : 0) | (chance(t, 30) ? PTE_NX : 0) |
	       (chance(t, 10) ? PTE_G : 0) | (chance(t, 20) ? PTE_A : 0);
}

/* A leaf: mostly a data page, sometimes a page of the table extent (only
 * read-only while building: a writable one may be a live table). */
static pte_t leaf(struct tr *t, bool may_write_tables)
{
	pte_t flags = leaf_flags(t);
	uint64_t pfn;

	if (chance(t, 85)) {
		pfn = SPT_EXTENT_FRAMES +
		      below(t, (TR_EXTENTS - 1) * SPT_EXTENT_FRAMES);
	} else {
		pfn = below(t, t->npool + 8);
		if (!may_write_tables || chance(t, 60))
			flags &= ~PTE_W;
	}
	return h_leaf(spt_p2m(t->d, pfn), flags);
}

/* A 2 MiB page of a data extent, or read-only over the table extent
 * (writable there only when asked: it must then be refused). */
static pte_t superpage(struct tr *t, bool may_write_tables)
{
	unsigned int ext = chance(t, 15) ? 0 : 1 + below(t, TR_EXTENTS - 1);
	pte_t flags = PTE_P | PTE_PS | (chance(t, 75) ? PTE_U : 0) |
		      (chance(t, 30) ? PTE_NX : 0) |
		      (chance(t, 10) ? PTE_PAT_LARGE : 0) |
		      (chance(t, 10) ? PTE_G : 0);

	if (chance(t, 50) && (ext || may_write_tables))
		flags |= PTE_W;
	return h_dir(t->g, ext * SPT_EXTENT_FRAMES, flags);
}

/* A directory entry naming a table for `level`, rarely a data page. */
static pte_t dir(struct tr *t, int level)
{
	uint64_t pfn = pick_table(t, level - 1);

	if (chance(t, 3))
		pfn = SPT_EXTENT_FRAMES +
		      below(t, (TR_EXTENTS - 1) * SPT_EXTENT_FRAMES);
	return h_dir(t->g, pfn, dir_flags(t));
}

static uint64_t random_va(struct tr *t)
{
	uint64_t va = below(t, PAGE_SIZE);
	int level;

	for (level = 4; level >= 1; level--)
		va |= (uint64_t)pick_index_or_any(t, level, 5) <<
		      pt_level_shift(level);
	if (va & (1ULL << 47))
		va |= 0xffff000000000000ULL;
	return va;
}

/* ---- the model: the guest's tables, walked without the library ----------- */

/* The machine frame a directory entry names, as the domain's form says. */
static uint64_t dir_target(struct tr *t, pte_t e)
{
	uint64_t frame = pte_addr(e) >> PAGE_SHIFT;

	if (t->d->dir_mode == SPT_DIRS_MACHINE)
		return frame;
	return spt_p2m(t->d, frame);
}

static bool own_frame(struct tr *t, uint64_t mfn)
{
	uint16_t owner;

	return spt_m2p(&t->h->m, mfn, &owner, NULL) == 0 &&
	       owner == t->d->id;
}

/* The model's copy of table `mfn`; the domain's other pages were never
 * written, so they read as empty tables. */
static const pte_t *model_table(struct tr *t, uint64_t mfn)
{
	uint64_t base = pool_mfn(t, 0);

	if (mfn >= base && mfn < base + t->npool)
		return t->model[mfn - base];
	if (mfn == SPT_INVALID_MFN || !own_frame(t, mfn))
		fail_msg("model: a live entry names frame %#llx, not the "
			 "domain's", (unsigned long long)mfn);
	return zero_page;
}

static void add_permissions(struct xlat *x, pte_t e)
{
	x->w = x->w && (e & PTE_W);
	x->u = x->u && (e & PTE_U);
	x->nx = x->nx || (e & PTE_NX);
}

static struct xlat model_walk(struct tr *t, uint64_t va)
{
	const pte_t *table = t->model[0];
	struct xlat x = { .w = true, .u = true };
	struct xlat none = { 0 };
	pte_t e;
	int level;

	for (level = 4; level > 1; level--) {
		e = table[pt_index(va, level)];
		if (!(e & PTE_P))
			return none;
		add_permissions(&x, e);
		if (level == 2 && (e & PTE_PS)) {
			x.maddr = (dir_target(t, e & PTE_ADDR_2M_MASK) <<
				   PAGE_SHIFT) | (va & (PAGE_SIZE_2M - 1));
			x.present = x.large = true;
			return x;
		}
		table = model_table(t, dir_target(t, e));
	}
	e = table[pt_index(va, 1)];
	if (!(e & PTE_P))
		return none;
	add_permissions(&x, e);
	x.maddr = pte_addr(e) | (va & (PAGE_SIZE - 1));
	x.present = true;
	return x;
}

/* Tables reachable from the pinned L4 in the model, with their levels:
 * exactly the live ones (only the L4 is pinned). */
static bool is_live(struct tr *t, uint64_t mfn, int *level)
{
	unsigned int i;

	for (i = 0; i < t->nlive; i++) {
		if (t->live[i].mfn == mfn) {
			if (level)
				*level = t->live[i].level;
			return true;
		}
	}
	return false;
}

static void find_live(struct tr *t)
{
	unsigned int i, j;
	const pte_t *p;
	pte_t e;

	t->nlive = 1;
	t->live[0] = (struct live){ pool_mfn(t, 0), 4 };
	for (i = 0; i < t->nlive; i++) {
		if (t->live[i].level == 1)
			continue;
		p = model_table(t, t->live[i].mfn);
		for (j = 0; j < PT_ENTRIES; j++) {
			e = p[j];
			if (!(e & PTE_P) || (t->live[i].level == 2 &&
					     (e & PTE_PS)) ||
			    is_live(t, dir_target(t, e), NULL))
				continue;
			assert_true(t->nlive < TR_MAX_LIVE);
			t->live[t->nlive++] = (struct live){
				dir_target(t, e), t->live[i].level - 1 };
		}
	}
}

/* ---- what the MMU walks -------------------------------------------------- */

/* Anything a real MMU would fault on as reserved, or a 1 GiB page the
 * model never allows, is a failure of its own. */
static void mmu_entry_sane(struct tr *t, uint64_t va, int level, pte_t e)
{
	pte_t rsvd = PTE_ADDR_MASK & ~((1ULL << H_PHYS_BITS) - 1);

	if (level == 4)
		rsvd |= PTE_PS | PTE_G;
	if (level == 3)
		rsvd |= PTE_PS;
	if (e & rsvd)
		fail_msg("MMU: va %#llx level %d entry %#llx has reserved "
			 "bits", (unsigned long long)va, level,
			 (unsigned long long)e);
	if (level > 1 && !(level == 2 && (e & PTE_PS)) &&
	    (pte_addr(e) >> PAGE_SHIFT) >= t->h->nr_frames)
		fail_msg("MMU: va %#llx level %d entry %#llx beyond RAM",
			 (unsigned long long)va, level, (unsigned long long)e);
}

static struct xlat mmu_walk(struct tr *t, uint64_t va)
{
	uint64_t table = spt_vcpu_root(&t->g->vcpu[0], false);
	struct xlat x = { .w = true, .u = true };
	struct xlat none = { 0 };
	pte_t e = 0;
	int level;

	for (level = 4; level >= 1; level--) {
		e = h_frame(t->h, table)[pt_index(va, level)];
		if (!(e & PTE_P))
			return none;
		mmu_entry_sane(t, va, level, e);
		add_permissions(&x, e);
		if (level == 2 && (e & PTE_PS)) {
			x.maddr = (e & PTE_ADDR_2M_MASK) |
				  (va & (PAGE_SIZE_2M - 1));
			x.present = x.large = true;
			return x;
		}
		table = pte_addr(e) >> PAGE_SHIFT;
	}
	x.maddr = pte_addr(e) | (va & (PAGE_SIZE - 1));
	x.present = true;
	return x;
}

/* ---- checks -------------------------------------------------------------- */

static bool same(const struct xlat *a, const struct xlat *b)
{
	if (a->present != b->present)
		return false;
	return !a->present ||
	       (a->maddr == b->maddr && a->large == b->large &&
		a->w == b->w && a->u == b->u && a->nx == b->nx);
}

static void count(struct tr *t, const struct xlat *x)
{
	if (!x->present) {
		t->absent++;
		return;
	}
	t->present++;
	t->large += x->large;
	t->read_only += !x->w;
	t->user += x->u;
	t->nx += x->nx;
}

static void check_va(struct tr *t, uint64_t va)
{
	struct xlat m = model_walk(t, va);
	struct xlat s = mmu_walk(t, va);

	if (!same(&m, &s))
		fail_msg("va %#llx: model %s %#llx%s w%d u%d nx%d, MMU %s "
			 "%#llx%s w%d u%d nx%d", (unsigned long long)va,
			 m.present ? "maps" : "absent",
			 (unsigned long long)m.maddr, m.large ? " (2M)" : "",
			 m.w, m.u, m.nx, s.present ? "maps" : "absent",
			 (unsigned long long)s.maddr, s.large ? " (2M)" : "",
			 s.w, s.u, s.nx);
	count(t, &m);
}

static void check_all(struct tr *t)
{
	unsigned int i;

	for (i = 0; i < t->npool; i++) {
		if (memcmp(h_frame(t->h, pool_mfn(t, i)), t->model[i],
			   PAGE_SIZE))
			fail_msg("guest table pfn %u differs from the model",
				 i);
	}
	for (i = 0; i < TR_NR_VA; i++)
		check_va(t, t->va[i]);
	assert_consistent(t->h);
}

/* ---- building ------------------------------------------------------------ */

static void set_roles(struct tr *t)
{
	const struct shape *sh = t->sh;
	unsigned int n[5] = { sh->spares, sh->l1s, sh->l2s, sh->l3s, 1 };
	unsigned int next = 0;
	int level;

	for (level = 4; level >= 0; level--) {
		t->first[level] = next;
		t->count[level] = n[level];
		next += n[level];
	}
	t->npool = next;
	assert_true(t->npool <= TR_MAX_POOL);
}

static pte_t *page(struct tr *t, int role, unsigned int k)
{
	return t->model[t->first[role] + k];
}

static pte_t table_of(struct tr *t, int role, unsigned int k)
{
	return h_dir(t->g, t->first[role] + k, dir_flags(t));
}

static void fill_directories(struct tr *t)
{
	unsigned int j, k;

	for (k = 0; k < t->nidx[4]; k++)
		page(t, 4, 0)[t->idx[4][k]] = table_of(t, 3, k % t->sh->l3s);
	for (j = 0; j < t->sh->l3s; j++)
		for (k = 0; k < t->nidx[3]; k++)
			if (chance(t, 80))
				page(t, 3, j)[t->idx[3][k]] =
					table_of(t, 2, below(t, t->sh->l2s));
	for (j = 0; j < t->sh->l2s; j++)
		for (k = 0; k < t->nidx[2]; k++)
			if (chance(t, t->sh->super_pct))
				page(t, 2, j)[t->idx[2][k]] =
					superpage(t, false);
			else if (chance(t, 85))
				page(t, 2, j)[t->idx[2][k]] =
					table_of(t, 1, below(t, t->sh->l1s));
}

/* Whatever the dice said: an L2 linked from two L3s, an L1 from two L2s,
 * all reachable from the L4. */
static void force_sharing(struct tr *t)
{
	page(t, 4, 0)[t->idx[4][0]] = table_of(t, 3, 0);
	page(t, 4, 0)[t->idx[4][1]] = table_of(t, 3, 1);
	page(t, 3, 0)[t->idx[3][0]] = table_of(t, 2, 0);
	page(t, 3, 1)[t->idx[3][1]] = table_of(t, 2, 0);
	page(t, 3, 0)[t->idx[3][1]] = table_of(t, 2, 1);
	page(t, 2, 0)[t->idx[2][0]] = table_of(t, 1, 0);
	page(t, 2, 1)[t->idx[2][1]] = table_of(t, 1, 0);
}

static void build(struct tr *t)
{
	unsigned int i, j, k;

	set_roles(t);
	pick_index_set(t, 4, t->sh->l4_slots);
	pick_index_set(t, 3, 3);
	pick_index_set(t, 2, 4);
	pick_index_set(t, 1, TR_MAX_IDX);
	fill_directories(t);
	for (j = 0; j < t->sh->l1s; j++)
		for (k = 0; k < t->nidx[1]; k++)
			if (chance(t, 75))
				page(t, 1, j)[t->idx[1][k]] = leaf(t, false);
	force_sharing(t);
	for (i = 0; i < t->npool; i++)
		memcpy(h_frame(t->h, pool_mfn(t, i)), t->model[i], PAGE_SIZE);
	for (i = 0; i < TR_NR_VA; i++)
		t->va[i] = random_va(t);
	assert_int_equal(spt_pin(t->d, pool_mfn(t, 0), 4), 0);
	assert_int_equal(spt_new_baseptr(&t->g->vcpu[0], pool_mfn(t, 0),
					 false), 0);
}

/* ---- requests ------------------------------------------------------------ */

struct req {
	unsigned int pfn, index;
	pte_t val;
};

static pte_t value_for(struct tr *t, int level)
{
	/* Clearing high up empties much of the space: do it less often. */
	if (chance(t, level == 1 ? 15 : 6))
		return chance(t, 50) ? 0 : rnd(t) & ~PTE_P;
	switch (level) {
	case 1:
		return leaf(t, true);
	case 2:
		if (chance(t, t->sh->super_pct > 10 ? t->sh->super_pct : 10))
			return superpage(t, true);
		return dir(t, 2);
	default:
		return dir(t, level);
	}
}

/* Requests the library must refuse whatever its state. */
static struct req odd_request(struct tr *t)
{
	struct req r;

	switch (below(t, 3)) {
	case 0:
		r.pfn = 0;
		r.index = SPT_HV_L4_FIRST + below(t, SPT_HV_L4_SLOTS);
		r.val = dir(t, 4);
		break;
	case 1:
		r.pfn = pick_table(t, 3);
		r.index = pick_index(t, 3);
		r.val = dir(t, 3) | PTE_PS;
		break;
	default:
		r.pfn = pick_table(t, 1);
		r.index = pick_index(t, 1);
		r.val = leaf(t, true) | TR_RSVD_BIT;
		break;
	}
	return r;
}

static struct req random_request(struct tr *t)
{
	static const unsigned int cut[] = { 48, 73, 88, 96 };
	unsigned int r = below(t, 100);
	int level;
	struct req q;

	for (level = 1; level <= 4 && r >= cut[level - 1]; level++)
		;
	if (level > 4)
		return odd_request(t);
	q.pfn = pick_table(t, level);
	q.index = pick_index(t, level);
	q.val = value_for(t, level);
	return q;
}

/* A writable 2 MiB page over an extent holding a live table. */
static bool superpage_over_table(struct tr *t, pte_t val)
{
	uint64_t base = dir_target(t, val & PTE_ADDR_2M_MASK);
	unsigned int i;

	if (!(val & PTE_W) || (val & TR_SUPER_RSVD) ||
	    base == SPT_INVALID_MFN || !own_frame(t, base))
		return false;
	for (i = 0; i < t->nlive; i++)
		if (t->live[i].mfn - base < SPT_EXTENT_FRAMES)
			return true;
	return false;
}

/* The error the library must give, 0 if it must accept, TR_ANY when the
 * model does not say. A page that is no live table is plain memory. */
static int expected(struct tr *t, const struct req *q)
{
	int level;

	if (!is_live(t, pool_mfn(t, q->pfn), &level) || !(q->val & PTE_P))
		return 0;
	if (level == 4 && spt_is_hv_l4_slot(q->index))
		return -EPERM;
	if (q->val & TR_RSVD_BIT)
		return -EINVAL;
	if (level == 3 && (q->val & PTE_PS))
		return -EINVAL;
	if (level == 1 && (q->val & PTE_W) &&
	    is_live(t, pte_addr(q->val) >> PAGE_SHIFT, NULL))
		return -EACCES;
	if (level == 2 && (q->val & PTE_PS) && superpage_over_table(t, q->val))
		return -EACCES;
	return TR_ANY;
}

static struct mmu_update to_mmu_update(struct tr *t, const struct req *q)
{
	return (struct mmu_update){
		h_maddr(pool_mfn(t, q->pfn), q->index) | MMU_NORMAL_PT_UPDATE,
		q->val };
}

static pte_t guest_entry(struct tr *t, const struct req *q)
{
	return h_frame(t->h, pool_mfn(t, q->pfn))[q->index];
}

static void one_request(struct tr *t)
{
	struct req q = random_request(t);
	struct mmu_update u = to_mmu_update(t, &q);
	struct spt_flush f = { 0 };
	unsigned int done = 99;
	int want, rc, res = 99;

	find_live(t);
	want = expected(t, &q);
	rc = spt_mmu_update(t->d, &u, 1, &res, &done, &f);
	if (want != TR_ANY && rc != want)
		fail_msg("pfn %u index %u val %#llx: rc %d, expected %d",
			 q.pfn, q.index, (unsigned long long)q.val, rc, want);
	assert_int_equal(res, rc);
	assert_int_equal(done, rc == 0);
	t->predicted_refusals += want < 0;
	if (rc == 0) {
		t->model[q.pfn][q.index] = q.val;
		t->accepted++;
	} else {
		t->refused++;
	}
	if (guest_entry(t, &q) != t->model[q.pfn][q.index])
		fail_msg("pfn %u index %u: guest %#llx, model %#llx (rc %d)",
			 q.pfn, q.index, (unsigned long long)guest_entry(t, &q),
			 (unsigned long long)t->model[q.pfn][q.index], rc);
}

/* Xen's batch rules: in order, stop at the first failure, the rest not
 * done; the model takes exactly the first `done`. */
static void batch(struct tr *t)
{
	struct req q[4];
	struct mmu_update u[4];
	struct spt_flush f = { 0 };
	unsigned int n = 2 + below(t, 3), i, done = 99;
	int res[4], rc;

	for (i = 0; i < n; i++) {
		q[i] = random_request(t);
		u[i] = to_mmu_update(t, &q[i]);
	}
	rc = spt_mmu_update(t->d, u, n, res, &done, &f);
	assert_true(done <= n);
	for (i = 0; i < done; i++) {
		assert_int_equal(res[i], 0);
		t->model[q[i].pfn][q[i].index] = q[i].val;
	}
	assert_int_equal(rc, done < n ? res[done] : 0);
	if (done < n)
		assert_true(res[done] < 0);
	for (i = done + 1; i < n; i++)
		assert_int_equal(res[i], SPT_NOT_DONE);
	for (i = 0; i < n; i++)
		assert_int_equal(guest_entry(t, &q[i]),
				 t->model[q[i].pfn][q[i].index]);
	t->accepted += done;
	t->refused += done < n;
	t->batches++;
}

/* ---- the tests ----------------------------------------------------------- */

static void run(void **state, const struct shape *sh)
{
	/* Static: a failed check leaves the test by longjmp. */
	static pte_t model[TR_MAX_POOL][PT_ENTRIES];
	static struct tr tr;
	struct tr *t = &tr;
	unsigned int i;

	memset(t, 0, sizeof(*t));
	memset(model, 0, sizeof(model));
	t->model = model;
	t->h = *state;
	t->sh = sh;
	t->rng = sh->seed;
	t->g = h_new_domain(t->h, 1, TR_EXTENTS);
	assert_non_null(t->g);
	t->d = &t->g->d;
	build(t);
	check_all(t);
	for (i = 1; i <= sh->requests; i++) {
		if (chance(t, 10))
			batch(t);
		else
			one_request(t);
		if (i % TR_RECHECK == 0)
			check_all(t);
	}
	check_all(t);
	/* The space really was exercised: mappings of every kind seen,
	 * requests both taken and refused. */
	assert_true(t->present * 4 > t->absent);
	assert_true(t->absent > 0);
	assert_true(t->read_only > 0 && t->user > 0 && t->nx > 0);
	assert_true(t->large > 0 || sh->super_pct == 0);
	assert_true(t->accepted > sh->requests / 3);
	assert_true(t->refused > 0 && t->batches > 0);
	assert_true(t->predicted_refusals > 0);
}

/* Built of 4 KiB pages only; the requests add some 2 MiB ones. */
static void test_small_tree_4k_pages(void **state)
{
	static const struct shape sh = {
		.seed = 0x9e3779b97f4a7c15ULL, .l4_slots = 2, .l3s = 2,
		.l2s = 3, .l1s = 6, .spares = 2, .super_pct = 0,
		.requests = 200,
	};

	run(state, &sh);
}

static void test_superpages_and_sharing(void **state)
{
	static const struct shape sh = {
		.seed = 0xd1b54a32d192ed03ULL, .l4_slots = 3, .l3s = 3,
		.l2s = 4, .l1s = 10, .spares = 3, .super_pct = 35,
		.requests = 300,
	};

	run(state, &sh);
}

static void test_wide_tree(void **state)
{
	static const struct shape sh = {
		.seed = 0x2545f4914f6cdd1dULL, .l4_slots = 4, .l3s = 4,
		.l2s = 6, .l1s = 16, .spares = 4, .super_pct = 20,
		.requests = 400,
	};

	run(state, &sh);
}

static void test_wide_tree_other_seed(void **state)
{
	static const struct shape sh = {
		.seed = 0x853c49e6748fea9bULL, .l4_slots = 4, .l3s = 4,
		.l2s = 6, .l1s = 16, .spares = 4, .super_pct = 20,
		.requests = 400,
	};

	run(state, &sh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_small_tree_4k_pages),
		T(test_superpages_and_sharing),
		T(test_wide_tree),
		T(test_wide_tree_other_seed),
	};

	return T_RUN_BOTH_MODES("shared-pt translation", tests);
}
