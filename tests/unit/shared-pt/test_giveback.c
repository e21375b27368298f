/* Frames a domain gives back (XENMEM_decrease_reservation) and takes
 * back (populate_physmap): Xen's freed page, which nothing may reference
 * again, for a frame that stays its owner's (shared-pt.h, giveback.c). */
#include "tests/unit/shared-pt/common.h"

#define T_SHARED	(T_POOL - 1)

/* Unreferenced: gone at once; every way of using it is refused with
 * Xen's answer for a freed page, and nothing changes. */
static void test_give_back_unused(void **state)
{
	struct harness *h = *state;
	struct h_dom *a = h_new_domain(h, 1, 1);
	struct h_page l1 = h_new_page(a), data = h_new_page(a);
	struct spt_frame *f = h_info(h, data.mfn);
	struct h_snap *snap;
	uint64_t flushes;
	uint16_t owner;
	uint64_t pfn;

	assert_int_equal(spt_pin(&a->d, l1.mfn, 1), 0);
	assert_false(spt_frame_free(&h->m, data.mfn));
	assert_int_equal(spt_give_back(&a->d, data.mfn), 0);
	assert_true(spt_frame_free(&h->m, data.mfn));
	assert_int_equal(h->gone_calls, 1);
	assert_int_equal(h->gone_mfn, data.mfn);
	/* Still its own, with its pseudo-physical frame. */
	assert_int_equal(spt_m2p(&h->m, data.mfn, &owner, &pfn), 0);
	assert_int_equal(owner, 1);
	assert_int_equal(pfn, data.pfn);
	assert_consistent(h);
	snap = h_snap_take(h);
	assert_refused(h, snap, &a->d, t_update(a, l1.mfn, 0, h_leaf(data.mfn, H_RO)), EBUSY,
		       SPT_R_GONE_LEAF);
	assert_refused(h, snap, &a->d, t_update(a, l1.mfn, 0, h_leaf(data.mfn, H_RW)), EBUSY,
		       SPT_R_GONE_LEAF);
	assert_refused(h, snap, &a->d, spt_pin(&a->d, data.mfn, 1), EINVAL, SPT_R_GONE);
	assert_refused(h, snap, &a->d, spt_get_seg_page(&a->d, data.mfn), EINVAL, SPT_R_GONE);
	assert_refused(h, snap, &a->d, spt_new_baseptr(&a->vcpu[0], data.mfn, false), EINVAL,
		       SPT_R_GONE);
	/* mmu_update into it as if it were an ordinary page of its own. */
	assert_refused(h, snap, &a->d, t_update(a, data.mfn, 0, 1), EINVAL, SPT_R_GONE);
	assert_refused(h, snap, &a->d, spt_hold_frame(&a->d, data.mfn, false), EPERM,
		       SPT_R_NOT_OWNER);
	/* Twice: refused. */
	assert_refused(h, snap, &a->d, spt_give_back(&a->d, data.mfn), EINVAL, SPT_R_GONE);
	h_snap_free(snap);
	assert_int_equal(f->count, 0);
	/* Freed since the last full flush: a TLB may still map it, so
	 * every TLB is flushed before it is reused, once. */
	flushes = h->flushes;
	assert_true(spt_frame_ready(&a->d, data.mfn));
	assert_int_equal(h->flushes, flushes + 1);
	assert_true(spt_frame_ready(&a->d, data.mfn));
	assert_int_equal(h->flushes, flushes + 1);
	/* Taken back, it is an ordinary frame of its own again. */
	assert_int_equal(spt_take_back(&a->d, data.mfn), 0);
	assert_false(spt_frame_free(&h->m, data.mfn));
	assert_int_equal(t_update(a, l1.mfn, 0, h_leaf(data.mfn, H_RW)), 0);
	assert_int_equal(f->count, 1);
	assert_int_equal(spt_take_back(&a->d, data.mfn), -EINVAL);
	assert_int_equal(h->gone_calls, 1);
	assert_consistent(h);
}

/* Still referenced: it works through what references it, and may gain
 * references, until the last one goes (Xen's page until it is freed);
 * a pin is dropped at once, as Xen's guest_remove_page does. */
static void test_give_back_in_use(void **state)
{
	struct harness *h = *state;
	struct h_dom *a = h_new_domain(h, 1, 1);
	struct h_page l1 = h_new_page(a), data = h_new_page(a), pinned = h_new_page(a);
	struct spt_frame *f = h_info(h, data.mfn), *p = h_info(h, pinned.mfn);

	assert_int_equal(spt_pin(&a->d, l1.mfn, 1), 0);
	assert_int_equal(t_update(a, l1.mfn, 0, h_leaf(data.mfn, H_RO)), 0);
	assert_int_equal(spt_give_back(&a->d, data.mfn), 0);
	assert_false(spt_frame_free(&h->m, data.mfn));
	assert_int_equal(h->gone_calls, 0);
	assert_int_equal(t_update(a, l1.mfn, 1, h_leaf(data.mfn, H_RW)), 0);
	assert_int_equal(f->count, 2);
	assert_int_equal(spt_take_back(&a->d, data.mfn), -EBUSY);
	assert_string_equal(spt_reason_name(a->d.last_refusal.reason),
			    spt_reason_name(SPT_R_IN_USE));
	assert_false(spt_frame_ready(&a->d, data.mfn));
	assert_consistent(h);
	assert_int_equal(t_update(a, l1.mfn, 0, 0), 0);
	assert_int_equal(h->gone_calls, 0);
	assert_int_equal(t_update(a, l1.mfn, 1, 0), 0);
	/* The last reference went: now it is freed, the host told once. */
	assert_int_equal(h->gone_calls, 1);
	assert_int_equal(h->gone_mfn, data.mfn);
	assert_true(spt_frame_free(&h->m, data.mfn));
	assert_int_equal(t_update(a, l1.mfn, 0, h_leaf(data.mfn, H_RO)), -EBUSY);
	assert_int_equal(spt_take_back(&a->d, data.mfn), 0);

	/* A pinned table held by nothing else: unpinned, devalidated, gone. */
	assert_int_equal(spt_pin(&a->d, pinned.mfn, 1), 0);
	assert_int_equal(spt_give_back(&a->d, pinned.mfn), 0);
	assert_false(p->flags & SPT_FRAME_PINNED);
	assert_int_equal(p->count, 0);
	assert_int_equal(p->type_count, 0);
	assert_true(spt_frame_free(&h->m, pinned.mfn));
	assert_int_equal(h->gone_calls, 2);
	assert_int_equal(h->gone_mfn, pinned.mfn);
	assert_int_equal(spt_unpin(&a->d, pinned.mfn), -EINVAL);
	assert_consistent(h);
}

/* Only a frame of its own RAM: not another's, not a shared hypervisor
 * page; another domain's grant of a frame given back maps nothing. */
static void test_give_back_refused(void **state)
{
	struct harness *h = *state;
	struct h_dom *a = h_new_domain(h, 1, 1);
	struct h_dom *b = h_new_domain(h, 2, 1);
	struct h_page data = h_new_page(a), l1b = h_new_page(b);
	struct h_snap *snap;

	assert_int_equal(spt_pin(&b->d, l1b.mfn, 1), 0);
	assert_int_equal(spt_share_page(&a->d, T_SHARED), 0);
	snap = h_snap_take(h);
	assert_refused(h, snap, &b->d, spt_give_back(&b->d, data.mfn), EPERM, SPT_R_NOT_OWNER);
	assert_refused(h, snap, &a->d, spt_give_back(&a->d, T_SHARED), EINVAL, SPT_R_GONE);
	assert_refused(h, snap, &a->d, spt_give_back(&a->d, T_FRAMES + 3), EINVAL,
		       SPT_R_NO_FRAME);
	assert_refused(h, snap, &b->d, spt_take_back(&b->d, data.mfn), EINVAL,
		       SPT_R_BAD_REQUEST);
	h_snap_free(snap);
	assert_int_equal(h_grant(h, 1, 2, data.mfn, false), 0);
	assert_int_equal(t_update(b, l1b.mfn, 0, h_leaf(data.mfn, H_RO)), 0);
	assert_int_equal(t_update(b, l1b.mfn, 0, 0), 0);
	assert_int_equal(spt_give_back(&a->d, data.mfn), 0);
	snap = h_snap_take(h);
	assert_refused(h, snap, &b->d, t_update(b, l1b.mfn, 0, h_leaf(data.mfn, H_RO)), EPERM,
		       SPT_R_NOT_OWNER);
	h_snap_free(snap);
	assert_int_equal(spt_take_back(&a->d, data.mfn), 0);
	assert_int_equal(spt_unshare_page(&a->d, T_SHARED), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_give_back_unused),
		T(test_give_back_in_use),
		T(test_give_back_refused),
	};

	return T_RUN_BOTH_MODES("shared-pt frames given back", tests);
}
