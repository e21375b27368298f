/* Teardown: dropping the last reference frees shadow directories and
 * returns every count to zero. */
#include "tests/unit/shared-pt/common.h"

/* A bushier tree: two L3s, three L2s, L1s shared between L2s, a
 * superpage, read-only views of its own tables. Returns the L4. */
static struct h_page build_tree(struct h_dom *g)
{
	struct h_page l4 = h_new_page(g);
	struct h_page l3a = h_new_page(g), l3b = h_new_page(g);
	struct h_page l2a = h_new_page(g), l2b = h_new_page(g);
	struct h_page l2c = h_new_page(g);
	struct h_page l1a = h_new_page(g), l1b = h_new_page(g);
	struct h_page data = h_new_page(g);
	unsigned int i;

	l4.p[0] = h_dir(g, l3a.pfn, H_RW);
	l4.p[300] = h_dir(g, l3b.pfn, H_RW);
	l3a.p[0] = h_dir(g, l2a.pfn, H_RW);
	l3a.p[1] = h_dir(g, l2b.pfn, H_RW);
	l3b.p[4] = h_dir(g, l2c.pfn, H_RW);
	l3b.p[5] = h_dir(g, l2a.pfn, H_RO);
	l2a.p[0] = h_dir(g, l1a.pfn, H_RW);
	l2b.p[0] = h_dir(g, l1a.pfn, H_RW);
	l2b.p[1] = h_dir(g, l1b.pfn, H_RW);
	l2c.p[3] = h_dir(g, SPT_EXTENT_FRAMES, H_RW | PTE_PS);
	for (i = 0; i < 64; i++)
		l1a.p[i] = h_leaf(data.mfn, (i & 1) ? H_RW : H_RO);
	l1b.p[0] = h_leaf(l4.mfn, H_RO);
	l1b.p[1] = h_leaf(l1a.mfn, H_RO);
	return l4;
}

static void test_unpin_frees_everything(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 2);
	struct h_page l4 = build_tree(g);
	uint64_t mfn;

	assert_int_equal(spt_pin(&g->d, l4.mfn, 4), 0);
	assert_int_equal(g->d.stats.shadow_pages, t_shadows(1, 2, 3));
	assert_int_equal(h->pool_in_use, t_shadows(1, 2, 3));
	assert_consistent(h);
	assert_int_equal(spt_unpin(&g->d, l4.mfn), 0);
	assert_int_equal(g->d.stats.shadow_pages, 0);
	assert_int_equal(h->pool_in_use, 0);
	for (mfn = 0; mfn < T_FRAMES; mfn++) {
		assert_int_equal(h_info(h, mfn)->count, 0);
		assert_int_equal(h_info(h, mfn)->type_count, 0);
	}
}

/* An unpinned root lives as long as a vCPU runs on it. */
static void test_base_pointer_keeps_root_alive(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 2);
	struct h_page l4 = build_tree(g);
	struct h_page other = h_new_page(g);
	uint64_t dev;

	assert_int_equal(spt_new_baseptr(&g->vcpu[0], l4.mfn, false), 0);
	assert_int_equal(spt_new_baseptr(&g->vcpu[1], l4.mfn, false), 0);
	assert_int_equal(h_info(h, l4.mfn)->type_count, 2);
	dev = g->d.stats.devalidations;
	assert_int_equal(spt_new_baseptr(&g->vcpu[0], other.mfn, false), 0);
	assert_int_equal(g->d.stats.devalidations, dev);
	assert_int_equal(spt_new_baseptr(&g->vcpu[1], other.mfn, false), 0);
	assert_true(g->d.stats.devalidations > dev);
	assert_int_equal(g->d.stats.shadow_pages, 1);	/* `other` only */
	assert_int_equal(h_info(h, l4.mfn)->type_count, 0);
}

static void test_relinquish_waits_for_foreign_mappings(void **state)
{
	struct harness *h = *state;
	struct h_dom *a = h_new_domain(h, 1, 1);
	struct h_dom *b = h_new_domain(h, 2, 1);
	struct h_page shared = h_new_page(a);
	struct h_page bl1 = h_new_page(b);

	h_grant(h, 1, 2, shared.mfn, true);
	bl1.p[0] = h_leaf(shared.mfn, H_RW);
	assert_int_equal(spt_pin(&b->d, bl1.mfn, 1), 0);
	assert_int_equal(spt_domain_relinquish(&a->d), -EBUSY);
	assert_int_equal(a->d.last_refusal.reason, SPT_R_IN_USE);
	assert_int_equal(spt_domain_destroy(&a->d), -EBUSY);
	assert_int_equal(h_info(h, shared.mfn)->owner, 1);
	assert_int_equal(spt_domain_relinquish(&b->d), 0);
	assert_int_equal(spt_domain_destroy(&a->d), 0);
	assert_int_equal(h_info(h, shared.mfn)->owner, SPT_OWNER_NONE);
}

static void test_relinquish_waits_for_descriptor_pages(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_page gdt = h_new_page(g);

	assert_int_equal(spt_get_seg_page(&g->d, gdt.mfn), 0);
	assert_int_equal(spt_domain_relinquish(&g->d), -EBUSY);
	spt_put_seg_page(&g->d, gdt.mfn);
	assert_int_equal(spt_domain_relinquish(&g->d), 0);
}

/* Many address spaces, pinned and loaded in every combination, all go. */
static void test_relinquish_many_spaces(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 4);
	struct h_space s[12];
	unsigned int i;

	for (i = 0; i < 12; i++)
		h_space_build(g, &s[i], VA_USER + i * PAGE_SIZE_2M);
	for (i = 0; i < 12; i++) {
		s[i].l1.p[i] = h_leaf(s[(i + 1) % 12].l1.mfn, H_RO);
		if (i % 3)
			assert_int_equal(spt_pin(&g->d, s[i].l4.mfn, 4), 0);
		if (i % 4 == 0)
			assert_int_equal(spt_pin(&g->d, s[i].l2.mfn, 2), 0);
	}
	assert_int_equal(spt_new_baseptr(&g->vcpu[0], s[0].l4.mfn, false), 0);
	assert_int_equal(spt_new_baseptr(&g->vcpu[1], s[3].l4.mfn, true), 0);
	assert_consistent(h);
	assert_int_equal(spt_domain_relinquish(&g->d), 0);
	assert_int_equal(g->d.stats.shadow_pages, 0);
	assert_int_equal(h->pool_in_use, 0);
	assert_int_equal(g->vcpu[0].base_mfn, SPT_INVALID_MFN);
	assert_int_equal(g->vcpu[1].user_base_mfn, SPT_INVALID_MFN);
	for (i = 0; i < 12; i++)
		assert_false(h_info(h, s[i].l4.mfn)->flags & SPT_FRAME_PINNED);
}

/* Removing the last link to a subtree through an update tears it down. */
static void test_unlink_tears_down_subtree(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 2);
	struct h_page l4 = build_tree(g);
	struct spt_flush f = { 0 };

	assert_int_equal(spt_pin(&g->d, l4.mfn, 4), 0);
	assert_int_equal(spt_pt_update(&g->d, h_maddr(l4.mfn, 300), 0, false,
				       &f), 0);
	/* l3b and l2c went; l2a is still reachable through l3a. */
	assert_int_equal(g->d.stats.devalidations, 2);
	assert_int_equal(g->d.stats.shadow_pages, t_shadows(1, 1, 2));
	assert_consistent(h);
	assert_int_equal(spt_pt_update(&g->d, h_maddr(l4.mfn, 0), 0, false,
				       &f), 0);
	assert_int_equal(g->d.stats.devalidations, 2 + 5);
	assert_int_equal(g->d.stats.shadow_pages, 1);
	assert_true(f.flags & SPT_FLUSH_ALL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_unpin_frees_everything),
		T(test_base_pointer_keeps_root_alive),
		T(test_relinquish_waits_for_foreign_mappings),
		T(test_relinquish_waits_for_descriptor_pages),
		T(test_relinquish_many_spaces),
		T(test_unlink_tears_down_subtree),
	};

	return T_RUN_BOTH_MODES("shared-pt teardown", tests);
}
