/* Page types, type counts, general counts, pins and stale-TLB flushes. */
#include "tests/unit/shared-pt/common.h"

static void test_pin_unpin_l1(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_page l1 = h_new_page(g);
	struct spt_frame *f = h_info(h, l1.mfn);

	assert_int_equal(spt_pin(&g->d, l1.mfn, 1), 0);
	assert_int_equal(f->type, SPT_TYPE_L1);
	assert_int_equal(f->type_count, 1);
	assert_int_equal(f->count, 1);
	assert_true(f->flags & SPT_FRAME_PINNED);
	assert_int_equal(f->shadow, SPT_INVALID_MFN);	/* leaves: shared */
	assert_consistent(h);
	assert_int_equal(spt_unpin(&g->d, l1.mfn), 0);
	assert_int_equal(f->type_count, 0);
	assert_int_equal(f->count, 0);
	assert_false(f->flags & SPT_FRAME_PINNED);
}

static void test_pin_errors(void **state)
{
	struct harness *h = *state;
	struct h_dom *a = h_new_domain(h, 1, 1);
	struct h_dom *b = h_new_domain(h, 2, 1);
	struct h_page l1 = h_new_page(a);
	struct h_snap *snap;

	assert_int_equal(spt_pin(&a->d, l1.mfn, 1), 0);
	snap = h_snap_take(h);
	assert_refused(h, snap, &a->d, spt_pin(&a->d, l1.mfn, 1), EINVAL,
		       SPT_R_ALREADY_PINNED);
	assert_refused(h, snap, &a->d, spt_pin(&a->d, l1.mfn, 0), EINVAL,
		       SPT_R_BAD_REQUEST);
	assert_refused(h, snap, &a->d, spt_pin(&a->d, l1.mfn, 5), EINVAL,
		       SPT_R_BAD_REQUEST);
	assert_refused(h, snap, &b->d, spt_pin(&b->d, l1.mfn, 1), EPERM,
		       SPT_R_NOT_OWNER);
	assert_refused(h, snap, &b->d, spt_unpin(&b->d, l1.mfn), EPERM,
		       SPT_R_NOT_OWNER);
	assert_refused(h, snap, &a->d, spt_unpin(&a->d, l1.mfn + 1), EINVAL,
		       SPT_R_NOT_PINNED);
	assert_refused(h, snap, &a->d, spt_pin(&a->d, T_FRAMES + 5, 1), EINVAL,
		       SPT_R_NO_FRAME);
	h_snap_free(snap);
}

/* Writable mappings hold the writable type, read-only ones only a general
 * reference; both are counted per mapping. */
static void test_mapping_counts(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_page l1 = h_new_page(g);
	struct h_page data = h_new_page(g);
	struct spt_frame *f = h_info(h, data.mfn);

	l1.p[0] = h_leaf(data.mfn, H_RW);
	l1.p[1] = h_leaf(data.mfn, H_RW);
	l1.p[2] = h_leaf(data.mfn, H_RO);
	l1.p[3] = h_leaf(data.mfn, PTE_W);	/* not present: no reference */
	assert_int_equal(spt_pin(&g->d, l1.mfn, 1), 0);
	assert_int_equal(f->count, 3);
	assert_int_equal(f->type, SPT_TYPE_WRITABLE);
	assert_int_equal(f->type_count, 2);
	assert_consistent(h);
	assert_int_equal(spt_unpin(&g->d, l1.mfn), 0);
	assert_int_equal(f->count, 0);
	assert_int_equal(f->type_count, 0);
}

/* A writably mapped frame cannot become a table until the mapping goes;
 * then the type may change. */
static void test_type_changes_only_at_zero(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_page l1 = h_new_page(g);
	struct h_page page = h_new_page(g);
	struct h_snap *snap;

	l1.p[0] = h_leaf(page.mfn, H_RW);
	assert_int_equal(spt_pin(&g->d, l1.mfn, 1), 0);
	snap = h_snap_take(h);
	assert_refused(h, snap, &g->d, spt_pin(&g->d, page.mfn, 1), EBUSY,
		       SPT_R_TYPE_IN_USE);
	h_snap_free(snap);
	assert_int_equal(spt_pt_update(&g->d, h_maddr(l1.mfn, 0),
				       h_leaf(page.mfn, H_RO), false, NULL), 0);
	assert_int_equal(spt_pin(&g->d, page.mfn, 1), 0);
	assert_int_equal(h_info(h, page.mfn)->type, SPT_TYPE_L1);
	/* Now it is a table, the old writable mapping cannot come back. */
	snap = h_snap_take(h);
	assert_refused(h, snap, &g->d,
		       spt_pt_update(&g->d, h_maddr(l1.mfn, 0),
				     h_leaf(page.mfn, H_RW), false, NULL),
		       EACCES, SPT_R_PT_WRITABLE);
	h_snap_free(snap);
	assert_int_equal(spt_unpin(&g->d, page.mfn), 0);
	assert_int_equal(spt_pin(&g->d, page.mfn, 2), 0);
	assert_int_equal(h_info(h, page.mfn)->type, SPT_TYPE_L2);
}

/* A writable mapping just removed may still be in some TLB: the frame
 * must not become a table before every TLB is flushed. */
static void test_stale_writable_mapping_flushed_before_retype(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_page l1 = h_new_page(g);
	struct h_page page = h_new_page(g);
	struct h_page fresh = h_new_page(g);
	uint64_t flushes;

	l1.p[0] = h_leaf(page.mfn, H_RW);
	assert_int_equal(spt_pin(&g->d, l1.mfn, 1), 0);
	assert_int_equal(spt_pt_update(&g->d, h_maddr(l1.mfn, 0), 0, false,
				       NULL), 0);
	flushes = h->flushes;
	/* A never-mapped frame needs no flush. */
	assert_int_equal(spt_pin(&g->d, fresh.mfn, 1), 0);
	assert_int_equal(h->flushes, flushes);
	assert_int_equal(spt_pin(&g->d, page.mfn, 1), 0);
	assert_int_equal(h->flushes, flushes + 1);
	assert_int_equal(g->d.stats.sync_flushes, 1);
}

/* If the caller already flushed, retyping costs nothing more. */
static void test_stale_cleared_by_caller_flush(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_page l1 = h_new_page(g);
	struct h_page page = h_new_page(g);
	uint64_t flushes;

	l1.p[0] = h_leaf(page.mfn, H_RW);
	assert_int_equal(spt_pin(&g->d, l1.mfn, 1), 0);
	assert_int_equal(spt_pt_update(&g->d, h_maddr(l1.mfn, 0), 0, false,
				       NULL), 0);
	spt_tlbs_flushed(&h->m);
	flushes = h->flushes;
	assert_int_equal(spt_pin(&g->d, page.mfn, 1), 0);
	assert_int_equal(h->flushes, flushes);
}

/* The other direction: a table link just removed may be cached in a
 * paging-structure cache; making the page writable needs a flush. */
static void test_stale_table_flushed_before_writable(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_page l1 = h_new_page(g);
	struct h_page l1b = h_new_page(g);
	uint64_t flushes;

	assert_int_equal(spt_pin(&g->d, l1b.mfn, 1), 0);
	assert_int_equal(spt_unpin(&g->d, l1b.mfn), 0);
	assert_int_equal(spt_pin(&g->d, l1.mfn, 1), 0);
	flushes = h->flushes;
	/* Same type again: no flush. */
	assert_int_equal(spt_pin(&g->d, l1b.mfn, 1), 0);
	assert_int_equal(h->flushes, flushes);
	assert_int_equal(spt_unpin(&g->d, l1b.mfn), 0);
	assert_int_equal(spt_pt_update(&g->d, h_maddr(l1.mfn, 0),
				       h_leaf(l1b.mfn, H_RW), false, NULL), 0);
	assert_int_equal(h->flushes, flushes + 1);
}

/* The hypervisor writing a former table for the guest (mmu_update on a
 * non-table page) must not race a CPU that still caches the old link. */
static void test_stale_table_flushed_before_plain_write(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_page l2 = h_new_page(g);
	struct h_page l1 = h_new_page(g);
	struct h_page data = h_new_page(g);
	struct mmu_update req[2] = {
		{ h_maddr(l2.mfn, 0), 0 },
		{ h_maddr(l1.mfn, 0), h_leaf(data.mfn, H_RW) },
	};
	uint64_t flushes;

	l2.p[0] = h_dir(g, l1.pfn, H_RW);
	assert_int_equal(spt_pin(&g->d, l2.mfn, 2), 0);
	flushes = h->flushes;
	assert_int_equal(spt_mmu_update(&g->d, req, 2, NULL, NULL, NULL), 0);
	assert_int_equal(h->flushes, flushes + 1);
	assert_int_equal(l1.p[0], req[1].val);
	/* Flushed once: later writes need nothing more. */
	assert_int_equal(spt_mmu_update(&g->d, &req[1], 1, NULL, NULL, NULL),
			 0);
	assert_int_equal(h->flushes, flushes + 1);
}

static void test_shared_l1_counted_per_link(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_page l2a = h_new_page(g);
	struct h_page l2b = h_new_page(g);
	struct h_page l1 = h_new_page(g);
	struct spt_frame *f = h_info(h, l1.mfn);
	uint64_t validations;

	l2a.p[0] = h_dir(g, l1.pfn, H_RW);
	l2a.p[1] = h_dir(g, l1.pfn, H_RO);
	l2b.p[7] = h_dir(g, l1.pfn, H_RW);
	assert_int_equal(spt_pin(&g->d, l2a.mfn, 2), 0);
	validations = g->d.stats.validations;
	assert_int_equal(spt_pin(&g->d, l2b.mfn, 2), 0);
	/* Only l2b itself was validated; the L1 was live already. */
	assert_int_equal(g->d.stats.validations, validations + 1);
	assert_int_equal(f->type_count, 3);
	assert_int_equal(f->count, 3);
	assert_int_equal(spt_unpin(&g->d, l2a.mfn), 0);
	assert_int_equal(f->type_count, 1);
	assert_int_equal(f->type, SPT_TYPE_L1);
	assert_consistent(h);
	assert_int_equal(spt_unpin(&g->d, l2b.mfn), 0);
	assert_int_equal(f->type_count, 0);
}

static void test_seg_pages(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_dom *o = h_new_domain(h, 2, 1);
	struct h_page gdt = h_new_page(g);
	struct h_page l1 = h_new_page(g);
	struct h_snap *snap;

	assert_int_equal(spt_get_seg_page(&g->d, gdt.mfn), 0);
	assert_int_equal(spt_get_seg_page(&g->d, gdt.mfn), 0);
	assert_int_equal(h_info(h, gdt.mfn)->type, SPT_TYPE_SEG);
	assert_int_equal(h_info(h, gdt.mfn)->type_count, 2);
	assert_int_equal(spt_pin(&g->d, l1.mfn, 1), 0);
	snap = h_snap_take(h);
	assert_refused(h, snap, &g->d,
		       spt_pt_update(&g->d, h_maddr(l1.mfn, 0),
				     h_leaf(gdt.mfn, H_RW), false, NULL),
		       EACCES, SPT_R_SEG_WRITABLE);
	assert_refused(h, snap, &g->d, spt_pin(&g->d, gdt.mfn, 1), EBUSY,
		       SPT_R_TYPE_IN_USE);
	assert_refused(h, snap, &g->d,
		       spt_pt_update(&g->d, h_maddr(gdt.mfn, 0), 1, false,
				     NULL), EACCES, SPT_R_SEG_WRITABLE);
	assert_refused(h, snap, &o->d, spt_get_seg_page(&o->d, gdt.mfn), EPERM,
		       SPT_R_NOT_OWNER);
	h_snap_free(snap);
	/* Read-only mappings of a descriptor page are fine. */
	assert_int_equal(spt_pt_update(&g->d, h_maddr(l1.mfn, 0),
				       h_leaf(gdt.mfn, H_RO), false, NULL), 0);
	spt_put_seg_page(&g->d, gdt.mfn);
	spt_put_seg_page(&g->d, gdt.mfn);
	spt_put_seg_page(&g->d, gdt.mfn);	/* one too many: ignored */
	assert_int_equal(h_info(h, gdt.mfn)->type_count, 0);
	assert_int_equal(h_info(h, gdt.mfn)->count, 1);
}

static void test_count_overflow_refused(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_page l1 = h_new_page(g);
	struct h_page data = h_new_page(g);
	struct spt_frame *f = h_info(h, data.mfn);
	struct h_snap *snap;

	assert_int_equal(spt_pin(&g->d, l1.mfn, 1), 0);
	f->count = 0xfffffff0u;		/* as if mapped 4 billion times */
	snap = h_snap_take(h);
	assert_int_equal(spt_pt_update(&g->d, h_maddr(l1.mfn, 0),
				       h_leaf(data.mfn, H_RO), false, NULL),
			 -EOVERFLOW);
	assert_int_equal(g->d.last_refusal.reason, SPT_R_OVERFLOW);
	{
		char m[256];

		assert_int_equal(h_snap_diff(h, snap, m, sizeof(m)), 0);
	}
	h_snap_free(snap);
	f->count = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pin_unpin_l1),
		T(test_pin_errors),
		T(test_mapping_counts),
		T(test_type_changes_only_at_zero),
		T(test_stale_writable_mapping_flushed_before_retype),
		T(test_stale_cleared_by_caller_flush),
		T(test_stale_table_flushed_before_writable),
		T(test_stale_table_flushed_before_plain_write),
		T(test_shared_l1_counted_per_link),
		T(test_seg_pages),
		T(test_count_overflow_refused),
	};

	return T_RUN_BOTH_MODES("shared-pt types", tests);
}
