/* Security review of machine directories (SPT_DIRS_MACHINE): attacks a
 * guest can make once its directory entries name machine frames, beyond
 * those in test_attacks.c, and a walk of everything the MMU can reach.
 *
 * The world: domain 1 (two extents) runs on a pinned L4 -> L3 -> L2 -> L1
 * mapping one data page writable; domain 2 (one extent) has a live tree
 * of its own, so that foreign tables of every level exist. */
#include "tests/unit/shared-pt/common.h"

struct world {
	struct harness *h;
	struct h_dom *g, *other;
	struct h_space s, os;
	struct h_page data, spare, fresh;
	struct h_snap *snap;
};

static struct world *world(void **state)
{
	static struct world w;
	struct harness *h = *state;

	memset(&w, 0, sizeof(w));
	w.h = h;
	w.g = h_new_domain(h, 1, 2);
	w.other = h_new_domain(h, 2, 1);
	h_space_build(w.g, &w.s, VA_USER);
	w.data = h_new_page(w.g);
	w.spare = h_new_page(w.g);
	w.fresh = h_new_page(w.g);
	w.s.l1.p[0] = h_leaf(w.data.mfn, H_RW);
	h_space_build(w.other, &w.os, VA_USER);
	assert_int_equal(spt_pin(&w.g->d, w.s.l4.mfn, 4), 0);
	assert_int_equal(spt_new_baseptr(&w.g->vcpu[0], w.s.l4.mfn, false), 0);
	assert_int_equal(spt_pin(&w.other->d, w.os.l4.mfn, 4), 0);
	assert_consistent(h);
	w.snap = h_snap_take(h);
	return &w;
}

static void done(struct world *w)
{
	h_snap_free(w->snap);
}

static int update(struct world *w, uint64_t mfn, unsigned int index,
		  pte_t val)
{
	return t_update(w->g, mfn, index, val);
}

#define REFUSED(w, call, err, why) \
	assert_refused((w)->h, (w)->snap, &(w)->g->d, call, err, why)

/* A machine address as a directory entry holds it. */
static pte_t mdir(uint64_t mfn, pte_t flags)
{
	return h_leaf(mfn, flags);
}

/* ---- what the MMU can reach ---------------------------------------------- */

/* A data frame reached through a leaf: the domain's or granted, never a
 * hypervisor page; through a writable path it holds the writable type. */
static void assert_leaf_ok(struct harness *h, const struct h_dom *g,
			   uint64_t mfn, bool writable)
{
	const struct spt_frame *f;

	assert_true(mfn < h->nr_frames);
	f = h_info(h, mfn);
	if (f->owner != g->d.id)
		assert_true(h_granted(h, f->owner, g->d.id, mfn, writable));
	if (writable) {
		assert_int_not_equal(f->type_count, 0);
		assert_int_equal(f->type, SPT_TYPE_WRITABLE);
	}
}

/* A table the MMU walks at `level`: a live table of the domain at that
 * level, or the shadow page of one. */
static void assert_table_ok(struct harness *h, const struct h_dom *g,
			    uint64_t mfn, int level)
{
	const struct spt_frame *f, *dir;

	assert_true(mfn < h->nr_frames);
	f = h_info(h, mfn);
	if (f->owner == SPT_OWNER_XEN) {
		assert_int_equal(f->type, SPT_TYPE_SHADOW);
		assert_true(f->pfn < h->nr_frames);
		dir = h_info(h, f->pfn);
		assert_int_equal(dir->shadow, mfn);
		assert_int_equal(dir->owner, g->d.id);
		assert_int_not_equal(dir->type_count, 0);
		assert_int_equal(dir->type, level);
		return;
	}
	assert_int_equal(f->owner, g->d.id);
	assert_int_not_equal(f->type_count, 0);
	assert_int_equal(f->type, level);
	/* Machine L3/L2s (and every L1) are walked as they are. */
	assert_true(level == 1 || g->d.dir_mode == SPT_DIRS_MACHINE);
}

static unsigned int walk_table(struct harness *h, const struct h_dom *g,
			       uint64_t mfn, int level, bool writable)
{
	const pte_t *t = h_frame(h, mfn);
	unsigned int i, leaves = 0;
	uint64_t j, base;
	bool w;
	pte_t e;

	assert_table_ok(h, g, mfn, level);
	for (i = 0; i < PT_ENTRIES; i++) {
		e = t[i];
		if (level == 4 && spt_is_hv_l4_slot(i)) {
			assert_int_equal(e, h->m.hv_slots[spt_hv_slot_entry(i)]);
			continue;
		}
		if (!(e & PTE_P))
			continue;
		w = writable && (e & PTE_W);
		if (level == 1) {
			assert_leaf_ok(h, g, pte_addr(e) >> PAGE_SHIFT, w);
			leaves++;
		} else if (level == 2 && (e & PTE_PS)) {
			base = (e & PTE_ADDR_2M_MASK) >> PAGE_SHIFT;
			for (j = 0; j < SPT_EXTENT_FRAMES; j++)
				assert_leaf_ok(h, g, base + j, w);
			leaves += SPT_EXTENT_FRAMES;
		} else {
			assert_false(e & PTE_PS);
			leaves += walk_table(h, g, pte_addr(e) >> PAGE_SHIFT,
					     level - 1, w);
		}
	}
	return leaves;
}

/* Walk everything reachable from every root of the domain's vCPUs, as
 * the MMU would; returns the number of 4 KiB leaves reached. */
static unsigned int walk_all(struct harness *h, const struct h_dom *g)
{
	unsigned int i, leaves = 0;
	uint64_t root;

	for (i = 0; i < H_VCPUS; i++) {
		root = spt_vcpu_root(&g->vcpu[i], false);
		if (root != SPT_INVALID_MFN)
			leaves += walk_table(h, g, root, 4, true);
		root = spt_vcpu_root(&g->vcpu[i], true);
		if (root != SPT_INVALID_MFN)
			leaves += walk_table(h, g, root, 4, true);
	}
	return leaves;
}

/* ---- machine directories naming what they must not ----------------------- */

/* Another domain's live table at the right level, at every level, by
 * update, trapped write, cmpxchg and validation. */
static void test_machine_foreign_tables_every_level(void **state)
{
	struct world *w;
	struct spt_flush f = { 0 };
	uint64_t seen = 0;

	T_SKIP_UNLESS_MODE(SPT_DIRS_MACHINE);
	w = world(state);
	REFUSED(w, update(w, w->s.l4.mfn, 7, mdir(w->os.l3.mfn, H_RW)), EPERM,
		SPT_R_NOT_OWNER);
	REFUSED(w, update(w, w->s.l3.mfn, 7, mdir(w->os.l2.mfn, H_RW)), EPERM,
		SPT_R_NOT_OWNER);
	REFUSED(w, update(w, w->s.l2.mfn, 7, mdir(w->os.l1.mfn, H_RW)), EPERM,
		SPT_R_NOT_OWNER);
	/* Retargeting a live entry by its high or low half. */
	REFUSED(w, spt_pt_write(&w->g->d, h_maddr(w->s.l3.mfn,
						  pt_index(VA_USER, 3)),
				(uint32_t)mdir(w->os.l2.mfn, H_RW), 4, &f),
		EPERM, SPT_R_NOT_OWNER);
	REFUSED(w, spt_pt_cmpxchg(&w->g->d,
				  h_maddr(w->s.l4.mfn, pt_index(VA_USER, 4)),
				  w->s.l4.p[pt_index(VA_USER, 4)],
				  mdir(w->os.l3.mfn, H_RW), &seen, &f),
		EPERM, SPT_R_NOT_OWNER);
	/* A fresh root naming the foreign L3, as a pin and as a base. */
	w->fresh.p[3] = mdir(w->os.l3.mfn, H_RW);
	t_resnap(w->h, &w->snap);
	REFUSED(w, spt_pin(&w->g->d, w->fresh.mfn, 4), EPERM, SPT_R_NOT_OWNER);
	REFUSED(w, spt_new_baseptr(&w->g->vcpu[1], w->fresh.mfn, false), EPERM,
		SPT_R_NOT_OWNER);
	assert_int_equal(f.flags, 0);
	done(w);
}

/* Foreign frames that are no tables yet would become the guest's tables
 * (and the other domain could no longer write its own page). */
static void test_machine_foreign_plain_frame_as_table(void **state)
{
	struct world *w;
	uint64_t victim;

	T_SKIP_UNLESS_MODE(SPT_DIRS_MACHINE);
	w = world(state);
	victim = spt_p2m(&w->other->d, w->other->next_pfn);
	REFUSED(w, update(w, w->s.l2.mfn, 8, mdir(victim, H_RO)), EPERM,
		SPT_R_NOT_OWNER);
	REFUSED(w, update(w, w->s.l3.mfn, 8, mdir(victim, H_RO)), EPERM,
		SPT_R_NOT_OWNER);
	REFUSED(w, update(w, w->s.l4.mfn, 8, mdir(victim, H_RO)), EPERM,
		SPT_R_NOT_OWNER);
	/* Even if the other domain granted it to us: directories link only
	 * the domain's own tables. */
	assert_int_equal(h_grant(w->h, 2, 1, victim, true), 0);
	REFUSED(w, update(w, w->s.l2.mfn, 8, mdir(victim, H_RO)), EPERM,
		SPT_R_NOT_OWNER);
	done(w);
}

/* Hypervisor pages: its own L4's shadow, a free pool page, the shadow L4
 * of the other domain, unowned RAM. */
static void test_machine_directories_naming_hypervisor_pages(void **state)
{
	struct world *w;
	uint64_t own_shadow, other_shadow, unowned;
	unsigned int level;
	uint64_t tables[3];

	T_SKIP_UNLESS_MODE(SPT_DIRS_MACHINE);
	w = world(state);
	own_shadow = h_info(w->h, w->s.l4.mfn)->shadow;
	other_shadow = h_info(w->h, w->os.l4.mfn)->shadow;
	unowned = T_POOL + 1;	/* between the pool and the domains */
	assert_int_equal(h_info(w->h, unowned)->owner, SPT_OWNER_NONE);
	tables[0] = w->s.l2.mfn;
	tables[1] = w->s.l3.mfn;
	tables[2] = w->s.l4.mfn;
	for (level = 0; level < 3; level++) {
		REFUSED(w, update(w, tables[level], 11,
				  mdir(own_shadow, H_RO)), EPERM,
			SPT_R_NOT_OWNER);
		REFUSED(w, update(w, tables[level], 11,
				  mdir(other_shadow, H_RW)), EPERM,
			SPT_R_NOT_OWNER);
		REFUSED(w, update(w, tables[level], 11,
				  mdir(T_POOL - 2, H_RW)), EPERM,
			SPT_R_NOT_OWNER);
		REFUSED(w, update(w, tables[level], 11, mdir(unowned, H_RW)),
			EPERM, SPT_R_NOT_OWNER);
	}
	done(w);
}

/* 2 MiB entries name a machine extent: only the domain's own, aligned,
 * inside MAXPHYADDR; the PAT bit is no address bit. */
static void test_machine_superpage_targets(void **state)
{
	struct world *w;
	uint64_t ext1, other_ext, i;
	unsigned int idx = 20;

	T_SKIP_UNLESS_MODE(SPT_DIRS_MACHINE);
	w = world(state);
	ext1 = spt_p2m(&w->g->d, SPT_EXTENT_FRAMES);
	other_ext = spt_p2m(&w->other->d, 0);
	REFUSED(w, update(w, w->s.l2.mfn, idx, mdir(other_ext, H_RO | PTE_PS)),
		EPERM, SPT_R_NOT_OWNER);
	REFUSED(w, update(w, w->s.l2.mfn, idx, mdir(0, H_RO | PTE_PS)), EPERM,
		SPT_R_NOT_OWNER);
	REFUSED(w, update(w, w->s.l2.mfn, idx, mdir(T_FRAMES, H_RO | PTE_PS)),
		EINVAL, SPT_R_NO_FRAME);
	REFUSED(w, update(w, w->s.l2.mfn, idx,
			  mdir(ext1, H_RO | PTE_PS) | (1ULL << H_PHYS_BITS)),
		EINVAL, SPT_R_RESERVED_BITS);
	/* Our extent shifted by one frame would reach into the next one. */
	REFUSED(w, update(w, w->s.l2.mfn, idx,
			  mdir(ext1 + 2, H_RO | PTE_PS)), EINVAL,
		SPT_R_RESERVED_BITS);
	/* Shifted down by two frames it would start in the other domain's
	 * extent, just below ours. */
	assert_int_equal(h_info(w->h, ext1 - 2)->owner, 2);
	REFUSED(w, update(w, w->s.l2.mfn, idx,
			  mdir(ext1 - 2, H_RW | PTE_PS)),
		EINVAL, SPT_R_RESERVED_BITS);
	/* Bit 12 is PAT: the same extent, counted once per frame. */
	assert_int_equal(update(w, w->s.l2.mfn, idx,
				mdir(ext1, H_RW | PTE_PS) | PTE_PAT_LARGE), 0);
	for (i = 0; i < SPT_EXTENT_FRAMES; i++) {
		assert_int_equal(h_info(w->h, ext1 + i)->count, 1);
		assert_int_equal(h_info(w->h, ext1 + i)->type,
				 SPT_TYPE_WRITABLE);
	}
	assert_int_equal(h_info(w->h, ext1 - 1)->count, 0);
	assert_consistent(w->h);
	assert_int_equal(walk_all(w->h, w->g), 1 + SPT_EXTENT_FRAMES);
	done(w);
}

/* Type confusion spelled with machine addresses, at every level. */
static void test_machine_type_confusion(void **state)
{
	struct world *w;

	T_SKIP_UNLESS_MODE(SPT_DIRS_MACHINE);
	w = world(state);
	REFUSED(w, update(w, w->s.l2.mfn, 30, mdir(w->s.l3.mfn, H_RO)), EBUSY,
		SPT_R_TYPE_CONFUSION);
	REFUSED(w, update(w, w->s.l2.mfn, 30, mdir(w->s.l2.mfn, H_RO)), EPERM,
		SPT_R_LINEAR);
	REFUSED(w, update(w, w->s.l3.mfn, 30, mdir(w->s.l4.mfn, H_RO)), EBUSY,
		SPT_R_TYPE_CONFUSION);
	REFUSED(w, update(w, w->s.l3.mfn, 30, mdir(w->s.l1.mfn, H_RO)), EBUSY,
		SPT_R_TYPE_CONFUSION);
	REFUSED(w, update(w, w->s.l4.mfn, 30, mdir(w->s.l2.mfn, H_RO)), EBUSY,
		SPT_R_TYPE_CONFUSION);
	/* A writably mapped page cannot be linked as a table. */
	REFUSED(w, update(w, w->s.l2.mfn, 30, mdir(w->data.mfn, H_RO)), EBUSY,
		SPT_R_TYPE_IN_USE);
	REFUSED(w, update(w, w->s.l3.mfn, 30, mdir(w->data.mfn, H_RO)), EBUSY,
		SPT_R_TYPE_IN_USE);
	/* Nor a descriptor page. */
	assert_int_equal(spt_get_seg_page(&w->g->d, w->spare.mfn), 0);
	t_resnap(w->h, &w->snap);
	REFUSED(w, update(w, w->s.l2.mfn, 30, mdir(w->spare.mfn, H_RO)), EBUSY,
		SPT_R_TYPE_IN_USE);
	spt_put_seg_page(&w->g->d, w->spare.mfn);
	done(w);
}

/* A refused request in a batch stops it; what came before stays, the
 * refused one changes nothing. */
static void test_machine_batch_stops_before_foreign_root(void **state)
{
	struct world *w;
	struct mmuext_op op[3] = {
		{ .cmd = MMUEXT_PIN_L2_TABLE },
		{ .cmd = MMUEXT_NEW_BASEPTR },
		{ .cmd = MMUEXT_TLB_FLUSH_ALL },
	};
	struct spt_flush f = { 0 };
	unsigned int n = 99;
	int results[3];

	T_SKIP_UNLESS_MODE(SPT_DIRS_MACHINE);
	w = world(state);
	w->fresh.p[0] = mdir(w->os.l3.mfn, H_RW);
	op[0].arg1.mfn = w->spare.mfn;
	op[1].arg1.mfn = w->fresh.mfn;
	assert_int_equal(spt_mmuext_op(&w->g->vcpu[1], op, 3, results, &n, &f),
			 -EPERM);
	assert_int_equal(n, 1);
	assert_int_equal(results[0], 0);
	assert_int_equal(results[1], -EPERM);
	assert_int_equal(results[2], SPT_NOT_DONE);
	assert_int_equal(f.flags, 0);
	assert_int_equal(h_info(w->h, w->spare.mfn)->type, SPT_TYPE_L2);
	assert_int_equal(h_info(w->h, w->fresh.mfn)->type_count, 0);
	assert_int_equal(w->g->vcpu[1].base_mfn, SPT_INVALID_MFN);
	assert_int_equal(h_info(w->h, w->os.l3.mfn)->type_count, 1);
	assert_consistent(w->h);
	done(w);
}

/* ---- the MMU's view ------------------------------------------------------ */

/* After every attack above was refused and a legitimate tree was grown,
 * everything the MMU can reach is a validated table at its level or a
 * frame the domain may map (writable only with the writable type). */
static void test_walk_reaches_only_validated_tables(void **state)
{
	struct world *w = world(state);
	struct h_page l3b = h_new_page(w->g), l2b = h_new_page(w->g);
	struct h_page l1b = h_new_page(w->g);
	unsigned int leaves;

	l1b.p[0] = h_leaf(w->s.l1.mfn, H_RO);	/* read-only view of a table */
	l1b.p[1] = h_leaf(w->data.mfn, H_RW);
	l2b.p[0] = h_dir(w->g, l1b.pfn, H_RW);
	l2b.p[1] = h_dir(w->g, w->s.l1.pfn, H_RO);	/* shared L1 */
	l2b.p[2] = h_dir(w->g, 0, H_RO | PTE_PS);	/* over our tables */
	l3b.p[0] = h_dir(w->g, l2b.pfn, H_RW);
	l3b.p[1] = h_dir(w->g, w->s.l2.pfn, H_RW);	/* shared L2 */
	assert_int_equal(update(w, w->s.l4.mfn, 400, h_dir(w->g, l3b.pfn,
							   H_RW)), 0);
	assert_int_equal(h_grant(w->h, 2, 1, w->os.l1.mfn, false), 0);
	assert_int_equal(update(w, l1b.mfn, 2, h_leaf(w->os.l1.mfn, H_RO)), 0);
	assert_int_equal(spt_new_baseptr(&w->g->vcpu[1], w->s.l4.mfn, true), 0);
	assert_consistent(w->h);
	leaves = walk_all(w->h, w->g);
	/* Per root: data; via l3b: 3 in l1b, data again through the shared
	 * L1 (twice: l2b[1] and the shared L2), 512 of the superpage. */
	assert_int_equal(leaves, 2 * (1 + 3 + 1 + 1 + SPT_EXTENT_FRAMES));
	assert_int_equal(h_info(w->h, w->s.l2.mfn)->type_count, 2);
	assert_int_equal(h_info(w->h, w->s.l1.mfn)->type_count, 2);
	done(w);
}

/* ---- stale paging-structure caches --------------------------------------- */

/* A machine L2 or L3 is walked by the MMU itself: once unlinked, some CPU
 * may still cache it as a table, so it must not turn writable (or into a
 * table of another level) before every TLB was flushed. */
static void test_unlinked_directory_flushed_before_writable(void **state)
{
	struct world *w = world(state);
	uint64_t flushes;

	assert_int_equal(update(w, w->s.l3.mfn, pt_index(VA_USER, 3), 0), 0);
	assert_int_equal(h_info(w->h, w->s.l2.mfn)->type_count, 0);
	/* A new L1 mapping the former L2 writable. */
	w->fresh.p[0] = h_leaf(w->s.l2.mfn, H_RW);
	flushes = w->h->flushes;
	assert_int_equal(spt_pin(&w->g->d, w->fresh.mfn, 1), 0);
	assert_int_equal(w->h->flushes, flushes + 1);
	assert_int_equal(h_info(w->h, w->s.l2.mfn)->type, SPT_TYPE_WRITABLE);
	assert_consistent(w->h);
	done(w);
}

/* The same for a machine L3, retyped as an L2 rather than made writable. */
static void test_unlinked_l3_flushed_before_retype(void **state)
{
	struct world *w;
	uint64_t flushes;

	/* Its machine entries are valid L2 entries too (pseudo-physical
	 * ones would not be valid L1 entries one level down). */
	T_SKIP_UNLESS_MODE(SPT_DIRS_MACHINE);
	w = world(state);
	assert_int_equal(update(w, w->s.l4.mfn, pt_index(VA_USER, 4), 0), 0);
	assert_int_equal(h_info(w->h, w->s.l3.mfn)->type_count, 0);
	flushes = w->h->flushes;
	assert_int_equal(spt_pin(&w->g->d, w->s.l3.mfn, 2), 0);
	assert_int_equal(w->h->flushes, flushes + 1);
	assert_int_equal(h_info(w->h, w->s.l3.mfn)->type, SPT_TYPE_L2);
	assert_consistent(w->h);
	done(w);
}

/* ---- teardown with shared machine directories ---------------------------- */

/* One L2 shared by two L3s under two roots, one root on a vCPU: unlinking
 * and relinquishing return every count (teardown checks the rest). */
static void test_shared_directories_relinquish(void **state)
{
	struct world *w = world(state);
	struct h_page l4b = h_new_page(w->g), l3b = h_new_page(w->g);

	l3b.p[5] = h_dir(w->g, w->s.l2.pfn, H_RW);
	l4b.p[6] = h_dir(w->g, l3b.pfn, H_RW);
	assert_int_equal(spt_new_baseptr(&w->g->vcpu[1], l4b.mfn, false), 0);
	assert_int_equal(h_info(w->h, w->s.l2.mfn)->type_count, 2);
	assert_int_equal(w->g->d.stats.shadow_pages, t_shadows(2, 2, 1));
	assert_int_equal(spt_unpin(&w->g->d, w->s.l4.mfn), 0);
	/* vCPU 0 still runs on it. */
	assert_int_equal(h_info(w->h, w->s.l2.mfn)->type_count, 2);
	assert_int_equal(spt_new_baseptr(&w->g->vcpu[0], l4b.mfn, false), 0);
	assert_int_equal(h_info(w->h, w->s.l2.mfn)->type_count, 1);
	assert_int_equal(h_info(w->h, w->s.l4.mfn)->type_count, 0);
	assert_int_equal(w->g->d.stats.shadow_pages, t_shadows(1, 1, 1));
	assert_consistent(w->h);
	assert_int_equal(spt_domain_relinquish(&w->g->d), 0);
	assert_int_equal(w->g->d.stats.shadow_pages, 0);
	done(w);
}

/* ---- the invariant checker ---------------------------------------------- */

static enum spt_check_code finding(struct harness *h)
{
	struct spt_check_report r;

	if (spt_check(&h->m, h->scratch, &r) == 0)
		return SPT_CHECK_OK;
	return r.code;
}

/* With no shadow to compare, a machine L2 the MMU walks is judged by its
 * own entries: one planted behind the library's back naming a foreign
 * table, a shadow page or a table of the wrong level must be noticed. */
static void test_checker_judges_machine_l2_entries(void **state)
{
	struct world *w;
	unsigned int i = pt_index(VA_USER, 2);
	pte_t saved;

	T_SKIP_UNLESS_MODE(SPT_DIRS_MACHINE);
	w = world(state);
	saved = w->s.l2.p[i];
	w->s.l2.p[i] = mdir(w->os.l1.mfn, H_RW);
	assert_int_equal(finding(w->h), SPT_CHECK_BAD_ENTRY);
	w->s.l2.p[i] = mdir(h_info(w->h, w->s.l4.mfn)->shadow, H_RW);
	assert_int_equal(finding(w->h), SPT_CHECK_BAD_ENTRY);
	w->s.l2.p[i] = mdir(w->s.l3.mfn, H_RW);
	assert_int_not_equal(finding(w->h), SPT_CHECK_OK);
	w->s.l2.p[i] = mdir(0, H_RW | PTE_PS);
	assert_int_equal(finding(w->h), SPT_CHECK_BAD_ENTRY);
	w->s.l2.p[i] = saved;
	assert_consistent(w->h);
	done(w);
}

/* A 2 MiB entry with bits 20:13 set is refused by validation (the MMU
 * faults on it with a reserved-bit error). With pseudo-physical
 * directories a planted one shows as a shadow entry that differs; with
 * machine directories the MMU walks the guest's entry itself, so the
 * checker must look at the entry. */
static void test_checker_sees_reserved_bits_in_walked_superpage(void **state)
{
	struct world *w = world(state);
	uint64_t ext1 = spt_p2m(&w->g->d, SPT_EXTENT_FRAMES);
	unsigned int i = 40;
	enum spt_check_code code;

	assert_int_equal(update(w, w->s.l2.mfn, i,
				h_dir(w->g, SPT_EXTENT_FRAMES,
				      H_RO | PTE_PS)), 0);
	assert_consistent(w->h);
	w->s.l2.p[i] |= 1ULL << 13;	/* behind the library's back */
	code = finding(w->h);
	w->s.l2.p[i] &= ~(1ULL << 13);
	done(w);
	assert_int_equal(h_info(w->h, ext1)->count, 1);
	assert_int_not_equal(code, SPT_CHECK_OK);
}

/* Leaves are what isolates domains, and the MMU walks them as they are in
 * both modes. Two live L1 entries of different domains swapped behind the
 * library's back keep every count as it was, yet each domain now maps the
 * other's page without a grant: the checker must look at who may map what. */
static void test_checker_sees_foreign_leaf(void **state)
{
	struct world *w = world(state);
	struct h_page theirs = h_new_page(w->other);
	pte_t mine;
	enum spt_check_code code;

	assert_int_equal(t_update(w->other, w->os.l1.mfn, 5,
				  h_leaf(theirs.mfn, H_RW)), 0);
	assert_consistent(w->h);
	mine = w->s.l1.p[0];
	w->s.l1.p[0] = w->os.l1.p[5];
	w->os.l1.p[5] = mine;
	code = finding(w->h);
	w->os.l1.p[5] = w->s.l1.p[0];
	w->s.l1.p[0] = mine;
	done(w);
	assert_int_not_equal(code, SPT_CHECK_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_machine_foreign_tables_every_level),
		T(test_machine_foreign_plain_frame_as_table),
		T(test_machine_directories_naming_hypervisor_pages),
		T(test_machine_superpage_targets),
		T(test_machine_type_confusion),
		T(test_machine_batch_stops_before_foreign_root),
		T(test_walk_reaches_only_validated_tables),
		T(test_unlinked_directory_flushed_before_writable),
		T(test_unlinked_l3_flushed_before_retype),
		T(test_shared_directories_relinquish),
		T(test_checker_judges_machine_l2_entries),
		T(test_checker_sees_reserved_bits_in_walked_superpage),
		T(test_checker_sees_foreign_leaf),
	};

	return T_RUN_BOTH_MODES("shared-pt review", tests);
}
