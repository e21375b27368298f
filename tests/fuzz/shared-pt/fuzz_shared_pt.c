/* libFuzzer target: random sequences of guest and hypervisor operations
 * on shared-pt (raw guest writes to non-table pages, mmu_update batches,
 * trapped writes and cmpxchg, pins, base pointers, descriptor pages,
 * grants, MMU accessed/dirty updates, allocation failures, teardown).
 *
 * After every step the invariant checker must be content; a refused
 * single request must leave the machine as it was; at the end, dropping
 * every domain's references must leave nothing behind. Any violation
 * aborts, which libFuzzer reports with the input that caused it.
 *
 * Two domains on an 8 MiB machine; operands are drawn from a handful of
 * pages and entry slots per domain so that operations collide often. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/shared-pt/harness.h"

#define F_FRAMES	2048
#define F_POOL		64
#define F_PAGES_A	12
#define F_PAGES_B	6

struct input {
	const uint8_t *p;
	size_t n;
};

struct fuzz {
	struct harness h;
	struct h_dom *dom[2];
	struct h_page page[2][F_PAGES_A];
	unsigned int nr_pages[2];
	unsigned int dry_steps;
	unsigned int seg[2][F_PAGES_A];	/* descriptor references held */
};

static uint8_t u8(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint64_t u64(struct input *in)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | u8(in);
	return v;
}

static void die(struct fuzz *z, const char *what, const char *msg)
{
	(void)z;
	fprintf(stderr, "shared-pt fuzz: %s: %s\n", what, msg);
	abort();
}

/* ---- operands --------------------------------------------------------- */

static struct h_dom *pick_dom(struct fuzz *z, struct input *in, int *which)
{
	*which = (u8(in) & 7) == 7;	/* mostly domain A */
	return z->dom[*which];
}

static uint64_t pick_frame(struct fuzz *z, struct input *in, int which)
{
	uint8_t k = u8(in);

	switch (k >> 5) {
	case 0:
		return z->page[!which][k % z->nr_pages[!which]].mfn;
	case 1:
		return k % F_POOL;			/* shadow pages */
	default:
		return z->page[which][k % z->nr_pages[which]].mfn;
	}
}

static unsigned int pick_index(struct input *in)
{
	static const unsigned int idx[] = { 0, 1, 2, 3, 0, 1, 255, 256, 263,
					    271, 272, 511 };
	uint8_t k = u8(in);

	return (k & 0x80) ? (unsigned int)(k & 0x7f) * 4 :
			    idx[k % (sizeof(idx) / sizeof(idx[0]))];
}

static pte_t pick_flags(struct input *in)
{
	uint8_t k = u8(in), l = u8(in);
	pte_t f = 0;

	if ((k & 3) != 0)
		f |= PTE_P;
	if (k & 4)
		f |= PTE_W;
	if (k & 8)
		f |= PTE_U;
	if (k & 16)
		f |= PTE_A | PTE_D;
	if (k & 32)
		f |= PTE_NX;
	if ((k & 0xc0) == 0xc0)
		f |= PTE_PS;
	if ((l & 0xf) == 0xf)
		f |= PTE_G;
	if ((l & 0xf0) == 0xf0)
		f |= 1ULL << (H_PHYS_BITS + (l & 3));	/* reserved */
	return f;
}

static pte_t pick_entry(struct fuzz *z, struct input *in, int which)
{
	uint8_t kind = u8(in), k = u8(in);
	pte_t flags = pick_flags(in);
	const struct h_page *own = &z->page[which][k % z->nr_pages[which]];
	const struct h_page *other = &z->page[!which][k % z->nr_pages[!which]];

	switch (kind % 9) {
	case 0:
		return 0;
	case 1:
	case 2:
		return h_leaf(own->mfn, flags);
	case 3:
	case 4:
		return h_dir(z->dom[which], own->pfn, flags);
	case 5:
		return h_leaf(other->mfn, flags);
	case 6:
		return h_dir(z->dom[which], (uint64_t)(k % 3) *
			     SPT_EXTENT_FRAMES, flags | PTE_PS);
	case 7:
		return h_leaf(k % F_POOL, flags);
	default:
		return u64(in);
	}
}

/* ---- "refused means unchanged" on the parts that can change -------------- */

struct light_snap {
	struct spt_frame frames[F_FRAMES];
	pte_t pages[2][F_PAGES_A][PT_ENTRIES];
	pte_t pool[F_POOL][PT_ENTRIES];
	uint8_t pool_used[F_POOL];
	uint64_t base[2][H_VCPUS][2];
};

static struct light_snap snap;

static void snap_take(struct fuzz *z)
{
	struct harness *h = &z->h;
	unsigned int d, i;

	memcpy(snap.frames, h->frames, sizeof(snap.frames));
	for (d = 0; d < 2; d++) {
		for (i = 0; i < z->nr_pages[d]; i++)
			memcpy(snap.pages[d][i], z->page[d][i].p, PAGE_SIZE);
		for (i = 0; i < H_VCPUS; i++) {
			snap.base[d][i][0] = z->dom[d]->vcpu[i].base_mfn;
			snap.base[d][i][1] = z->dom[d]->vcpu[i].user_base_mfn;
		}
	}
	memcpy(snap.pool, h_frame(h, 0), sizeof(snap.pool));
	memcpy(snap.pool_used, h->pool_used, F_POOL);
}

static bool frame_same(const struct spt_frame *a, const struct spt_frame *b)
{
	bool live = a->type_count != 0;

	return a->owner == b->owner && a->count == b->count &&
	       a->type_count == b->type_count &&
	       (!live || (a->type == b->type && a->shadow == b->shadow)) &&
	       (a->flags & SPT_FRAME_PINNED) == (b->flags & SPT_FRAME_PINNED);
}

static const char *snap_diff(struct fuzz *z)
{
	struct harness *h = &z->h;
	unsigned int d, i;

	for (i = 0; i < F_FRAMES; i++)
		if (!frame_same(&snap.frames[i], &h->frames[i]))
			return "frame bookkeeping";
	for (d = 0; d < 2; d++) {
		for (i = 0; i < z->nr_pages[d]; i++)
			if (memcmp(snap.pages[d][i], z->page[d][i].p,
				   PAGE_SIZE))
				return "guest page contents";
		for (i = 0; i < H_VCPUS; i++)
			if (snap.base[d][i][0] != z->dom[d]->vcpu[i].base_mfn ||
			    snap.base[d][i][1] !=
			    z->dom[d]->vcpu[i].user_base_mfn)
				return "vcpu base pointer";
	}
	for (i = 0; i < F_POOL; i++)
		if (snap.pool_used[i] && h->pool_used[i] &&
		    memcmp(snap.pool[i], h_frame(h, i), PAGE_SIZE))
			return "live shadow page";
	return NULL;
}

/* ---- operations --------------------------------------------------------- */

/* The guest writes a page that is no live table or descriptor page, as it
 * may through any mapping of it. */
static int op_raw_write(struct fuzz *z, struct input *in)
{
	int which;
	struct h_dom *g = pick_dom(z, in, &which);
	const struct h_page *pg = &z->page[which][u8(in) % z->nr_pages[which]];
	const struct spt_frame *f = h_info(&z->h, pg->mfn);
	unsigned int i = pick_index(in);
	pte_t e = pick_entry(z, in, which);

	(void)g;
	if (f->type_count && f->type != SPT_TYPE_WRITABLE)
		return 1;
	pg->p[i] = e;
	return 1;
}

static int op_mmu_update(struct fuzz *z, struct input *in, bool *single)
{
	int which;
	struct h_dom *g = pick_dom(z, in, &which);
	struct mmu_update req[4];
	struct spt_flush f = { 0 };
	unsigned int n = 1 + (u8(in) & 3), i, done;
	int rc;

	for (i = 0; i < n; i++) {
		req[i].ptr = h_maddr(pick_frame(z, in, which), pick_index(in));
		req[i].ptr |= (u8(in) & 0x1f) == 0 ? u8(in) & 7 : 0;
		req[i].val = pick_entry(z, in, which);
	}
	rc = spt_mmu_update(&g->d, req, n, NULL, &done, &f);
	*single = done == 0;
	return rc;
}

static int op_trapped(struct fuzz *z, struct input *in)
{
	int which;
	struct h_dom *g = pick_dom(z, in, &which);
	uint64_t maddr = h_maddr(pick_frame(z, in, which), pick_index(in));
	uint8_t k = u8(in);
	pte_t e = pick_entry(z, in, which);
	struct spt_flush f = { 0 };
	uint64_t seen;

	if (k & 1)
		return spt_pt_cmpxchg(&g->d, maddr, (k & 2) ? 0 : u64(in), e,
				      &seen, &f);
	if (k & 2)
		return spt_pt_write(&g->d, maddr + ((k & 4) ? 4 : 0),
				    e >> ((k & 4) ? 32 : 0), 4, &f);
	return spt_pt_write(&g->d, maddr, e, 8, &f);
}

static int op_pin(struct fuzz *z, struct input *in)
{
	int which;
	struct h_dom *g = pick_dom(z, in, &which);
	uint64_t mfn = pick_frame(z, in, which);
	uint8_t k = u8(in);

	if (k & 0x80)
		return spt_unpin(&g->d, mfn);
	return spt_pin(&g->d, mfn, (k & 0x40) ? (int)(k % 6) : 1 + (k & 3));
}

static int op_baseptr(struct fuzz *z, struct input *in)
{
	int which;
	struct h_dom *g = pick_dom(z, in, &which);
	uint64_t mfn = pick_frame(z, in, which);
	uint8_t k = u8(in);

	return spt_new_baseptr(&g->vcpu[k & 1], (k & 4) ? 0 : mfn,
			       (k & 2) != 0);
}

static int op_mmuext(struct fuzz *z, struct input *in)
{
	int which;
	struct h_dom *g = pick_dom(z, in, &which);
	struct mmuext_op op = { .cmd = u8(in) % 22 };
	struct spt_flush f = { 0 };

	op.arg1.mfn = pick_frame(z, in, which);
	return spt_mmuext_op(&g->vcpu[u8(in) & 1], &op, 1, NULL, NULL, &f);
}

/* Descriptor pages are held by the hypervisor's GDT/LDT code, which
 * remembers what it took; so does this model. */
static int op_seg(struct fuzz *z, struct input *in)
{
	int which;
	struct h_dom *g = pick_dom(z, in, &which);
	unsigned int k = u8(in) % z->nr_pages[which];
	uint64_t mfn = z->page[which][k].mfn;
	int rc;

	if (u8(in) & 1) {
		if (z->seg[which][k]) {
			spt_put_seg_page(&g->d, mfn);
			z->seg[which][k]--;
		}
		return 0;
	}
	rc = spt_get_seg_page(&g->d, mfn);
	if (!rc)
		z->seg[which][k]++;
	return rc;
}

static void put_all_seg(struct fuzz *z)
{
	unsigned int d, k;

	for (d = 0; d < 2; d++)
		for (k = 0; k < z->nr_pages[d]; k++)
			for (; z->seg[d][k]; z->seg[d][k]--)
				spt_put_seg_page(&z->dom[d]->d,
						 z->page[d][k].mfn);
}

/* What the MMU does on its own: set A/D in what it walks, a table's
 * shadow where it has one, else the guest's own table. */
static int op_hardware_ad(struct fuzz *z, struct input *in)
{
	uint64_t mfn = pick_frame(z, in, 0);
	const struct spt_frame *f = h_info(&z->h, mfn);
	unsigned int i = pick_index(in);
	pte_t *t;

	if (!f->type_count || f->type < SPT_TYPE_L1 || f->type > SPT_TYPE_L4)
		return 0;
	t = h_frame(&z->h, h_walked(&z->h, mfn));
	if (t[i] & PTE_P)
		t[i] |= (u8(in) & 1) ? PTE_A : PTE_A | PTE_D;
	return 0;
}

static int op_misc(struct fuzz *z, struct input *in)
{
	uint8_t k = u8(in);
	int which = k & 1;

	switch ((k >> 1) % 4) {
	case 0:
		spt_tlbs_flushed(&z->h.m);
		return 0;
	case 1:
		/* The shadow pool runs dry for a few steps. */
		z->h.alloc_budget = (k >> 3) % 4;
		z->dry_steps = 1 + (k >> 5);
		return 0;
	case 2:
		h_grant(&z->h, z->dom[!which]->d.id, z->dom[which]->d.id,
			z->page[!which][(k >> 3) % z->nr_pages[!which]].mfn,
			(k & 0x80) != 0);
		return 0;
	default:
		/* Teardown mid-run; the domain keeps its memory and goes on. */
		spt_domain_relinquish(&z->dom[which]->d);
		return 0;
	}
}

static void step(struct fuzz *z, struct input *in)
{
	uint8_t op = u8(in);
	bool check_unchanged = true;
	char msg[256];
	int rc;

	snap_take(z);
	switch (op % 10) {
	case 0:
		rc = op_raw_write(z, in);
		break;
	case 1:
	case 2:
		rc = op_mmu_update(z, in, &check_unchanged);
		break;
	case 3:
		rc = op_trapped(z, in);
		break;
	case 4:
		rc = op_pin(z, in);
		break;
	case 5:
		rc = op_baseptr(z, in);
		break;
	case 6:
		rc = op_mmuext(z, in);
		break;
	case 7:
		rc = op_seg(z, in);
		break;
	case 8:
		rc = op_hardware_ad(z, in);
		break;
	default:
		rc = op_misc(z, in);
		break;
	}
	if (z->dry_steps && !--z->dry_steps)
		z->h.alloc_budget = -1;
	if (h_check(&z->h, msg, sizeof(msg)))
		die(z, "invariant", msg);
	if (rc < 0 && check_unchanged && snap_diff(z))
		die(z, "refused request changed", snap_diff(z));
}

static void setup(struct fuzz *z, enum spt_dir_mode mode)
{
	unsigned int i;

	if (h_init(&z->h, F_FRAMES, F_POOL))
		die(z, "setup", "harness");
	z->h.dir_mode = mode;
	z->dom[0] = h_new_domain(&z->h, 1, 2);
	z->dom[1] = h_new_domain(&z->h, 2, 1);
	if (!z->dom[0] || !z->dom[1])
		die(z, "setup", "domains");
	z->nr_pages[0] = F_PAGES_A;
	z->nr_pages[1] = F_PAGES_B;
	for (i = 0; i < F_PAGES_A; i++)
		z->page[0][i] = h_new_page(z->dom[0]);
	for (i = 0; i < F_PAGES_B; i++)
		z->page[1][i] = h_new_page(z->dom[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the inputs exercised, summed over runs (read by sequences_main). */
struct spt_fuzz_totals {
	unsigned long validations, entry_updates, refusals, flushes;
	unsigned long shadow_peak;
	unsigned long machine_mode_inputs;
};
struct spt_fuzz_totals spt_fuzz_totals;

static void add_totals(const struct fuzz *z)
{
	const struct spt_stats *st;
	int d;

	for (d = 0; d < 2; d++) {
		st = &z->dom[d]->d.stats;
		spt_fuzz_totals.validations += st->validations;
		spt_fuzz_totals.entry_updates += st->entry_updates;
		spt_fuzz_totals.refusals += st->refusals;
		spt_fuzz_totals.flushes += st->sync_flushes;
		if (st->shadow_pages_peak > spt_fuzz_totals.shadow_peak)
			spt_fuzz_totals.shadow_peak = st->shadow_pages_peak;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz z;
	struct input in = { data, size };
	char msg[256];

	memset(&z, 0, sizeof(z));
	/* The first byte picks what directory entries hold. */
	setup(&z, (in.n && (u8(&in) & 1)) ? SPT_DIRS_MACHINE :
					     SPT_DIRS_PSEUDO);
	spt_fuzz_totals.machine_mode_inputs +=
		z.h.dir_mode == SPT_DIRS_MACHINE;
	while (in.n)
		step(&z, &in);
	z.h.alloc_budget = -1;
	put_all_seg(&z);
	if (h_relinquish_all(&z.h, msg, sizeof(msg)))
		die(&z, "teardown", msg);
	add_totals(&z);
	h_fini(&z.h);
	return 0;
}
