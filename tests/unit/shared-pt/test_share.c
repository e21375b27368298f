/* Hypervisor pages shared with one domain (grant table frames of a PV
 * domain, Xen's share_xen_page_with_guest) and holds outside any table
 * (a grant's device mapping). */
#include "tests/unit/shared-pt/common.h"

/* A frame of the harness's pool nobody uses: the pool hands out its low
 * frames first. */
#define T_SHARED	(T_POOL - 1)

static void test_share_map_unshare(void **state)
{
	struct harness *h = *state;
	struct h_dom *a = h_new_domain(h, 1, 1);
	struct h_dom *b = h_new_domain(h, 2, 1);
	struct h_page l1a = h_new_page(a), l1b = h_new_page(b);
	struct spt_frame *f = h_info(h, T_SHARED);
	uint64_t flushes;
	struct h_snap *snap;
	uint16_t owner;
	uint64_t pfn;

	assert_int_equal(spt_pin(&a->d, l1a.mfn, 1), 0);
	assert_int_equal(spt_pin(&b->d, l1b.mfn, 1), 0);
	assert_int_equal(spt_share_page(&a->d, T_SHARED), 0);
	assert_int_equal(spt_m2p(&h->m, T_SHARED, &owner, &pfn), 0);
	assert_int_equal(owner, 1);
	assert_int_equal(pfn, SPT_INVALID_MFN);
	assert_consistent(h);
	/* Twice, or someone else's page: refused. */
	snap = h_snap_take(h);
	assert_refused(h, snap, &b->d, spt_share_page(&b->d, T_SHARED), EBUSY, SPT_R_IN_USE);
	assert_refused(h, snap, &b->d, spt_share_page(&b->d, l1a.mfn), EBUSY, SPT_R_IN_USE);
	/* Only its owner maps it; it never becomes a table. */
	assert_refused(h, snap, &b->d, t_update(b, l1b.mfn, 0, h_leaf(T_SHARED, H_RO)), EPERM,
		       SPT_R_NOT_OWNER);
	assert_refused(h, snap, &a->d, spt_pin(&a->d, T_SHARED, 1), EBUSY, SPT_R_TYPE_IN_USE);
	h_snap_free(snap);
	assert_int_equal(t_update(a, l1a.mfn, 0, h_leaf(T_SHARED, H_RW)), 0);
	assert_int_equal(t_update(a, l1a.mfn, 1, h_leaf(T_SHARED, H_RO)), 0);
	assert_int_equal(f->count, 3);
	assert_int_equal(f->type_count, 2);
	assert_consistent(h);
	/* Not given back while mapped. */
	snap = h_snap_take(h);
	assert_refused(h, snap, &a->d, spt_unshare_page(&a->d, T_SHARED), EBUSY, SPT_R_IN_USE);
	assert_refused(h, snap, &b->d, spt_unshare_page(&b->d, T_SHARED), EINVAL,
		       SPT_R_BAD_REQUEST);
	h_snap_free(snap);
	assert_int_equal(t_update(a, l1a.mfn, 0, 0), 0);
	assert_int_equal(t_update(a, l1a.mfn, 1, 0), 0);
	flushes = h->flushes;
	assert_int_equal(spt_unshare_page(&a->d, T_SHARED), 0);
	assert_true(h->flushes > flushes);	/* stale TLB entries gone */
	assert_int_equal(f->owner, SPT_OWNER_NONE);
	assert_int_equal(f->count, 0);
	assert_int_equal(f->type_count, 0);
	assert_consistent(h);
}

/* A writable hold keeps a frame from becoming a table, like a writable
 * mapping; another domain's frame only as ops.granted allows. */
static void test_hold_release(void **state)
{
	struct harness *h = *state;
	struct h_dom *a = h_new_domain(h, 1, 1);
	struct h_dom *b = h_new_domain(h, 2, 1);
	struct h_page data = h_new_page(a);
	struct spt_frame *f = h_info(h, data.mfn);

	assert_int_equal(spt_hold_frame(&a->d, data.mfn, true), 0);
	assert_int_equal(spt_pin(&a->d, data.mfn, 1), -EBUSY);
	spt_release_frame(&a->d, data.mfn, true);
	assert_int_equal(f->count, 0);
	assert_int_equal(f->type_count, 0);
	assert_int_equal(spt_hold_frame(&b->d, data.mfn, false), -EPERM);
	assert_int_equal(h_grant(h, 1, 2, data.mfn, false), 0);
	assert_int_equal(spt_hold_frame(&b->d, data.mfn, true), -EPERM);
	assert_int_equal(spt_hold_frame(&b->d, data.mfn, false), 0);
	assert_int_equal(f->count, 1);
	spt_release_frame(&b->d, data.mfn, false);
	assert_int_equal(f->count, 0);
	assert_int_equal(spt_hold_frame(&a->d, T_FRAMES + 3, false), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_share_map_unshare),
		T(test_hold_release),
	};

	return T_RUN_BOTH_MODES("shared-pt shared pages", tests);
}
