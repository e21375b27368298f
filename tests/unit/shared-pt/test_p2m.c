/* The aligned machine mapping: extents, p2m, m2p, domain lifetime. */
#include "tests/unit/shared-pt/common.h"

static void test_p2m_keeps_low_bits(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 3);
	uint64_t pfn, mfn, back;
	uint16_t owner;

	assert_non_null(g);
	for (pfn = 0; pfn < 3 * SPT_EXTENT_FRAMES; pfn += 37) {
		mfn = spt_p2m(&g->d, pfn);
		assert_int_not_equal(mfn, SPT_INVALID_MFN);
		assert_int_equal(mfn % SPT_EXTENT_FRAMES,
				 pfn % SPT_EXTENT_FRAMES);
		assert_int_equal(spt_m2p(&h->m, mfn, &owner, &back), 0);
		assert_int_equal(owner, 1);
		assert_int_equal(back, pfn);
	}
	/* Extents come from the top down: pseudo-physical != machine. */
	assert_int_not_equal(spt_p2m(&g->d, 0), 0);
	assert_int_equal(spt_p2m(&g->d, 0) + SPT_EXTENT_FRAMES,
			 (uint64_t)T_FRAMES);
}

static void test_p2m_holes(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 2);

	assert_int_equal(spt_domain_remove_extent(&g->d, 0), 0);
	assert_int_equal(spt_p2m(&g->d, 5), SPT_INVALID_MFN);
	assert_int_not_equal(spt_p2m(&g->d, SPT_EXTENT_FRAMES + 5),
			     SPT_INVALID_MFN);
	assert_int_equal(spt_p2m(&g->d, 2 * SPT_EXTENT_FRAMES),
			 SPT_INVALID_MFN);
	assert_int_equal(spt_p2m(&g->d, ~0ULL >> 12), SPT_INVALID_MFN);
	assert_int_equal(spt_domain_remove_extent(&g->d, 0), -ENOENT);
}

static void test_m2p_of_non_domain_frames(void **state)
{
	struct harness *h = *state;
	uint16_t owner;
	uint64_t pfn;

	assert_int_equal(spt_m2p(&h->m, 3, &owner, &pfn), -ENOENT);
	assert_int_equal(owner, SPT_OWNER_NONE);
	assert_int_equal(spt_m2p(&h->m, T_FRAMES, &owner, &pfn), -EINVAL);
}

static void test_add_extent_rejects_bad_input(void **state)
{
	struct harness *h = *state;
	struct h_dom *a = h_new_domain(h, 1, 1);
	struct h_dom *b = h_new_domain(h, 2, 4);
	uint64_t taken = spt_p2m(&a->d, 0);
	uint64_t free_ext = 2 * SPT_EXTENT_FRAMES;	/* nobody's */

	/* b has extent slots 0..3, all filled by h_new_domain; make room. */
	assert_int_equal(spt_domain_remove_extent(&b->d, 0), 0);
	assert_int_equal(spt_domain_add_extent(&b->d, 1, free_ext), -EINVAL);
	assert_int_equal(spt_domain_add_extent(&b->d, 0, free_ext + 8),
			 -EINVAL);
	assert_int_equal(spt_domain_add_extent(&b->d, 4 * SPT_EXTENT_FRAMES,
					       free_ext), -EINVAL);
	assert_int_equal(spt_domain_add_extent(&b->d, SPT_EXTENT_FRAMES,
					       free_ext), -EEXIST);
	assert_int_equal(spt_domain_add_extent(&b->d, 0, taken), -EBUSY);
	assert_int_equal(spt_p2m(&b->d, 0), SPT_INVALID_MFN);
}

/* A machine extent holding a live shadow page is not free. */
static void test_add_extent_over_shadow_page(void **state)
{
	struct harness *h = *state;
	struct h_dom *a = h_new_domain(h, 1, 1);
	struct h_dom *b = h_new_domain(h, 2, 1);
	struct h_page l4 = h_new_page(a);

	assert_int_equal(spt_pin(&a->d, l4.mfn, 4), 0);
	assert_int_equal(h_info(h, 0)->owner, SPT_OWNER_XEN);
	assert_int_equal(spt_domain_remove_extent(&b->d, 0), 0);
	assert_int_equal(spt_domain_add_extent(&b->d, 0, 0), -EBUSY);
	assert_int_equal(spt_unpin(&a->d, l4.mfn), 0);
}

static void test_add_extent_beyond_ram(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 2);

	assert_int_equal(spt_domain_remove_extent(&g->d, 0), 0);
	assert_int_equal(spt_domain_add_extent(&g->d, 0, T_FRAMES), -EBUSY);
	assert_int_equal(spt_p2m(&g->d, 0), SPT_INVALID_MFN);
}

static void test_remove_extent_in_use(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_page l1 = h_new_page(g);
	struct h_snap *snap;

	assert_int_equal(spt_pin(&g->d, l1.mfn, 1), 0);
	snap = h_snap_take(h);
	assert_refused(h, snap, &g->d, spt_domain_remove_extent(&g->d, 0),
		       EBUSY, SPT_R_IN_USE);
	h_snap_free(snap);
	assert_int_equal(spt_unpin(&g->d, l1.mfn), 0);
}

static void test_remove_extent_flushes(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	uint64_t mfn = spt_p2m(&g->d, 0);
	uint64_t flushes = h->flushes;

	assert_int_equal(spt_domain_remove_extent(&g->d, 0), 0);
	assert_int_equal(h->flushes, flushes + 1);
	assert_int_equal(h_info(h, mfn)->owner, SPT_OWNER_NONE);
}

static void test_domain_init_rejects(void **state)
{
	struct harness *h = *state;
	struct spt_domain d, d2;
	uint64_t p2m[2];

	assert_non_null(h_new_domain(h, 7, 1));
	assert_int_equal(spt_domain_init(&h->m, &d, 7, SPT_DIRS_PSEUDO, p2m,
					 2, NULL, 0), -EEXIST);
	assert_int_equal(spt_domain_init(&h->m, &d, DOMID_XEN,
					 SPT_DIRS_PSEUDO, p2m, 2, NULL, 0),
			 -EINVAL);
	assert_int_equal(spt_domain_init(&h->m, &d, 8, SPT_DIRS_PSEUDO, NULL,
					 2, NULL, 0), -EINVAL);
	assert_int_equal(spt_domain_init(&h->m, &d, 8, SPT_DIRS_PSEUDO, p2m,
					 0, NULL, 0), -EINVAL);
	assert_int_equal(spt_domain_init(&h->m, &d, 8, SPT_DIRS_PSEUDO, p2m,
					 2, NULL, 1), -EINVAL);
	assert_int_equal(spt_domain_init(&h->m, &d, 8, (enum spt_dir_mode)2,
					 p2m, 2, NULL, 0), -EINVAL);
	assert_int_equal(spt_domain_init(&h->m, &d2, 9, SPT_DIRS_MACHINE, p2m,
					 2, NULL, 0), 0);
	assert_int_equal(spt_domain_destroy(&d2), 0);
}

static void test_machine_init_rejects(void **state)
{
	struct harness *h = *state;
	struct spt_machine m;
	struct spt_ops ops = *h->m.ops;

	assert_int_equal(spt_machine_init(&m, &ops, h, h->frames, 0, 40, NULL),
			 -EINVAL);
	assert_int_equal(spt_machine_init(&m, &ops, h, h->frames, 16, 53,
					  NULL), -EINVAL);
	assert_int_equal(spt_machine_init(&m, &ops, h, h->frames,
					  (1ULL << 21), 32, NULL), -EINVAL);
	ops.flush_tlbs = NULL;
	assert_int_equal(spt_machine_init(&m, &ops, h, h->frames, 16, 40,
					  NULL), -EINVAL);
}

static void test_machphys_update(void **state)
{
	struct harness *h = *state;
	struct h_dom *a = h_new_domain(h, 1, 1);
	struct h_dom *b = h_new_domain(h, 2, 1);
	uint64_t mfn = spt_p2m(&a->d, 9);
	struct mmu_update req = { (mfn << 12) | MMU_MACHPHYS_UPDATE,
				      9 };
	struct h_snap *snap = h_snap_take(h);

	assert_int_equal(spt_mmu_update(&a->d, &req, 1, NULL, NULL, NULL), 0);
	req.val = 10;
	assert_refused(h, snap, &a->d,
		       spt_mmu_update(&a->d, &req, 1, NULL, NULL, NULL),
		       EINVAL, SPT_R_P2M_FIXED);
	req.val = 9;
	assert_refused(h, snap, &b->d,
		       spt_mmu_update(&b->d, &req, 1, NULL, NULL, NULL),
		       EPERM, SPT_R_NOT_OWNER);
	h_snap_free(snap);
}

static void test_destroy_returns_memory(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 3, 2);
	struct h_space s;
	uint64_t first = spt_p2m(&g->d, 0);

	h_space_build(g, &s, VA_USER);
	assert_int_equal(spt_pin(&g->d, s.l4.mfn, 4), 0);
	assert_int_equal(spt_new_baseptr(&g->vcpu[0], s.l4.mfn, false), 0);
	assert_int_equal(spt_domain_destroy(&g->d), 0);
	assert_int_equal(h_info(h, first)->owner, SPT_OWNER_NONE);
	assert_int_equal(h->pool_in_use, 0);
	for (struct spt_domain *d = h->m.domains; d; d = d->next)
		assert_ptr_not_equal(d, &g->d);
	/* The id can be used again. */
	assert_non_null(h_new_domain(h, 3, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_p2m_keeps_low_bits),
		T(test_p2m_holes),
		T(test_m2p_of_non_domain_frames),
		T(test_add_extent_rejects_bad_input),
		T(test_add_extent_over_shadow_page),
		T(test_add_extent_beyond_ram),
		T(test_remove_extent_in_use),
		T(test_remove_extent_flushes),
		T(test_domain_init_rejects),
		T(test_machine_init_rejects),
		T(test_machphys_update),
		T(test_destroy_returns_memory),
	};

	return T_RUN_BOTH_MODES("shared-pt p2m", tests);
}
