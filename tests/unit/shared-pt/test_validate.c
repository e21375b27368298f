/* Validation of tables and the shadow directories it builds. */
#include "tests/unit/shared-pt/common.h"

static void test_shadow_walk_reaches_guest_frame(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 2);
	struct h_space s;
	struct h_page data = h_new_page(g);
	uint64_t root;
	bool w;

	h_space_build(g, &s, VA_USER);
	s.l1.p[pt_index(VA_USER, 1)] = h_leaf(data.mfn, H_RW);
	s.l1.p[pt_index(VA_USER, 1) + 1] = h_leaf(data.mfn, H_RO);
	assert_int_equal(spt_pin(&g->d, s.l4.mfn, 4), 0);
	assert_int_equal(spt_new_baseptr(&g->vcpu[0], s.l4.mfn, false), 0);
	root = spt_vcpu_root(&g->vcpu[0], false);
	assert_int_equal(root, h_info(h, s.l4.mfn)->shadow);
	assert_int_equal(h_info(h, root)->owner, SPT_OWNER_XEN);
	assert_int_equal(t_walk(h, root, VA_USER + 0x123, &w),
			 (data.mfn << PAGE_SHIFT) + 0x123);
	assert_true(w);
	assert_int_equal(t_walk(h, root, VA_USER + PAGE_SIZE, &w),
			 data.mfn << PAGE_SHIFT);
	assert_false(w);
	assert_int_equal(t_walk(h, root, VA_USER + 2 * PAGE_SIZE, &w), ~0ULL);
	assert_int_equal(g->d.stats.shadow_pages, t_shadows(1, 1, 1));
}

/* Pseudo-physical directories are translated into shadow pages; machine
 * directories (Xen's PV form) are walked as they are, like L1s, and only
 * the L4 has a shadow, for the hypervisor's slots. */
static void test_which_directories_are_shadowed(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_space s;
	uint64_t root;
	pte_t *walked;

	h_space_build(g, &s, VA_USER);
	assert_int_equal(spt_pin(&g->d, s.l4.mfn, 4), 0);
	root = h_info(h, s.l4.mfn)->shadow;
	assert_int_equal(h_info(h, root)->owner, SPT_OWNER_XEN);
	walked = h_frame(h, pte_addr(h_frame(h, root)[pt_index(VA_USER, 4)]) >>
			    PAGE_SHIFT);
	if (t_dir_mode == SPT_DIRS_MACHINE) {
		assert_int_equal(h_info(h, s.l3.mfn)->shadow, SPT_INVALID_MFN);
		assert_int_equal(h_info(h, s.l2.mfn)->shadow, SPT_INVALID_MFN);
		assert_ptr_equal(walked, s.l3.p);
		assert_int_equal(root != s.l4.mfn, 1);
		return;
	}
	assert_int_equal(h_info(h, h_info(h, s.l3.mfn)->shadow)->owner,
			 SPT_OWNER_XEN);
	assert_int_equal(h_info(h, h_info(h, s.l2.mfn)->shadow)->owner,
			 SPT_OWNER_XEN);
	assert_ptr_equal(walked, h_frame(h, h_info(h, s.l3.mfn)->shadow));
}

/* The leaf table the MMU reaches is the guest's own page, not a copy. */
static void test_l1_is_shared_not_copied(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_space s;
	pte_t *sl2;

	h_space_build(g, &s, VA_USER);
	assert_int_equal(spt_pin(&g->d, s.l4.mfn, 4), 0);
	assert_int_equal(h_info(h, s.l1.mfn)->shadow, SPT_INVALID_MFN);
	sl2 = h_frame(h, h_walked(h, s.l2.mfn));
	assert_int_equal(pte_addr(sl2[pt_index(VA_USER, 2)]) >> PAGE_SHIFT,
			 s.l1.mfn);
	/* Pseudo-physical directories are translated: the guest's L2 entry
	 * is the L1's pseudo-physical frame, the shadow's its machine frame. */
	assert_int_not_equal(s.l1.pfn, s.l1.mfn);
	assert_int_equal(sl2[pt_index(VA_USER, 2)] & ~PTE_ADDR_MASK,
			 s.l2.p[pt_index(VA_USER, 2)] & ~PTE_ADDR_MASK);
}

static void test_hv_slots_in_every_shadow_l4(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_page a = h_new_page(g), b = h_new_page(g);
	pte_t *sa, *sb;
	unsigned int i;

	assert_int_equal(spt_pin(&g->d, a.mfn, 4), 0);
	assert_int_equal(spt_pin(&g->d, b.mfn, 4), 0);
	sa = h_frame(h, h_info(h, a.mfn)->shadow);
	sb = h_frame(h, h_info(h, b.mfn)->shadow);
	for (i = 0; i < SPT_HV_NR_SLOTS; i++) {
		assert_int_equal(sa[spt_hv_slot_index(i)], h->m.hv_slots[i]);
		assert_int_equal(sb[spt_hv_slot_index(i)], h->m.hv_slots[i]);
	}
	/* The image's slot 511 is the hypervisor's too (layout.h). */
	assert_int_equal(sa[SPT_HV_IMAGE_L4], h->m.hv_slots[SPT_HV_L4_SLOTS]);
	/* Shadow pages come dirty from the allocator: the rest is cleared. */
	assert_int_equal(sa[0], 0);
	assert_int_equal(sa[510], 0);
}

static void test_superpage_rebased(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 2);
	struct h_space s;
	uint64_t ext1 = spt_p2m(&g->d, SPT_EXTENT_FRAMES);
	pte_t guest = h_dir(g, SPT_EXTENT_FRAMES, H_RW | PTE_PS | PTE_PAT_LARGE |
			    PTE_NX);
	pte_t *sl2;
	bool w;
	uint64_t i;

	h_space_build(g, &s, VA_USER);
	s.l2.p[5] = guest;
	assert_int_equal(spt_pin(&g->d, s.l4.mfn, 4), 0);
	sl2 = h_frame(h, h_walked(h, s.l2.mfn));
	assert_int_equal(sl2[5], (ext1 << PAGE_SHIFT) |
			 (guest & ~PTE_ADDR_2M_MASK));
	for (i = 0; i < SPT_EXTENT_FRAMES; i++) {
		assert_int_equal(h_info(h, ext1 + i)->count, 1);
		assert_int_equal(h_info(h, ext1 + i)->type, SPT_TYPE_WRITABLE);
	}
	assert_int_equal(spt_new_baseptr(&g->vcpu[0], s.l4.mfn, false), 0);
	assert_int_equal(t_walk(h, spt_vcpu_root(&g->vcpu[0], false),
				(VA_USER & ~(PAGE_SIZE_2M * 512 - 1)) +
				5 * PAGE_SIZE_2M + 0x12345, &w),
			 (ext1 << PAGE_SHIFT) + 0x12345);
	assert_true(w);
}

static void test_superpage_checks(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_page l2 = h_new_page(g);
	struct h_snap *snap;

	l2.p[0] = h_dir(g, 4 * SPT_EXTENT_FRAMES, H_RW | PTE_PS);	/* hole */
	snap = h_snap_take(h);
	assert_refused(h, snap, &g->d, spt_pin(&g->d, l2.mfn, 2), EINVAL,
		       SPT_R_NO_FRAME);
	h_snap_free(snap);
	l2.p[0] = h_dir(g, 0, H_RW | PTE_PS) | (1ULL << 13);	/* unaligned */
	snap = h_snap_take(h);
	assert_refused(h, snap, &g->d, spt_pin(&g->d, l2.mfn, 2), EINVAL,
		       SPT_R_RESERVED_BITS);
	h_snap_free(snap);
}

static void test_no_1g_pages(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_page l3 = h_new_page(g);
	struct h_snap *snap;

	l3.p[0] = h_dir(g, 0, H_RO | PTE_PS);
	snap = h_snap_take(h);
	assert_refused(h, snap, &g->d, spt_pin(&g->d, l3.mfn, 3), EINVAL,
		       SPT_R_SUPERPAGE_1G);
	h_snap_free(snap);
}

static void test_reserved_bits(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_page t = h_new_page(g);
	struct h_page data = h_new_page(g);
	struct h_snap *snap;

	/* A machine address beyond MAXPHYADDR. */
	t.p[3] = h_leaf(data.mfn, H_RO) | (1ULL << H_PHYS_BITS);
	snap = h_snap_take(h);
	assert_refused(h, snap, &g->d, spt_pin(&g->d, t.mfn, 1), EINVAL,
		       SPT_R_RESERVED_BITS);
	assert_int_equal(g->d.last_refusal.index, 3);
	h_snap_free(snap);
	/* PS in an L4 entry. */
	t.p[3] = h_dir(g, data.pfn, H_RW | PTE_PS);
	snap = h_snap_take(h);
	assert_refused(h, snap, &g->d, spt_pin(&g->d, t.mfn, 4), EINVAL,
		       SPT_R_RESERVED_BITS);
	h_snap_free(snap);
}

static void test_no_frame(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_page t = h_new_page(g);
	struct h_snap *snap;

	t.p[0] = h_leaf(T_FRAMES + 1, H_RO);	/* beyond RAM */
	snap = h_snap_take(h);
	assert_refused(h, snap, &g->d, spt_pin(&g->d, t.mfn, 1), EINVAL,
		       SPT_R_NO_FRAME);
	h_snap_free(snap);
	t.p[0] = h_dir(g, 3 * SPT_EXTENT_FRAMES, H_RW);	/* p2m hole */
	snap = h_snap_take(h);
	assert_refused(h, snap, &g->d, spt_pin(&g->d, t.mfn, 3), EINVAL,
		       SPT_R_NO_FRAME);
	h_snap_free(snap);
}

/* spt_ops.may_exec sees every leaf without NX, and its refusal is the
 * entry's; with NX the hook is not asked. */
static void test_exec_hook(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_page t = h_new_page(g), data = h_new_page(g);
	struct h_snap *snap;

	h->exec_refused_mfn = data.mfn;
	t.p[0] = h_leaf(data.mfn, H_RO);
	snap = h_snap_take(h);
	assert_refused(h, snap, &g->d, spt_pin(&g->d, t.mfn, 1), EPERM,
		       SPT_R_EXEC_REFUSED);
	h_snap_free(snap);
	t.p[0] = h_leaf(data.mfn, H_RO | PTE_NX);
	assert_int_equal(spt_pin(&g->d, t.mfn, 1), 0);
	h->exec_refused_mfn = SPT_INVALID_MFN;
}

/* Non-present entries are the guest's business, whatever they hold. */
static void test_non_present_garbage_ignored(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_page l1 = h_new_page(g), l4 = h_new_page(g);
	pte_t *shadow;

	l1.p[0] = 0xfffffffffffffffeULL;
	l4.p[SPT_HV_L4_FIRST] = 0x7ffffffffffffffeULL;
	l4.p[1] = 0x1234567890abcde0ULL;
	assert_int_equal(spt_pin(&g->d, l1.mfn, 1), 0);
	assert_int_equal(spt_pin(&g->d, l4.mfn, 4), 0);
	shadow = h_frame(h, h_info(h, l4.mfn)->shadow);
	assert_int_equal(shadow[1], 0);
	assert_int_equal(shadow[SPT_HV_L4_FIRST], h->m.hv_slots[0]);
}

/* A failure deep in the tree undoes everything validated on the way. */
static void test_failure_unwinds_whole_tree(void **state)
{
	struct harness *h = *state;
	struct h_dom *a = h_new_domain(h, 1, 1);
	struct h_dom *b = h_new_domain(h, 2, 1);
	struct h_space s;
	struct h_page l1b = h_new_page(a);
	struct h_page good = h_new_page(a);
	struct h_page foreign = h_new_page(b);
	struct h_snap *snap;

	h_space_build(a, &s, VA_USER);
	s.l1.p[0] = h_leaf(good.mfn, H_RW);
	s.l2.p[pt_index(VA_USER, 2) + 1] = h_dir(a, l1b.pfn, H_RW);
	l1b.p[0] = h_leaf(good.mfn, H_RO);
	l1b.p[9] = h_leaf(foreign.mfn, H_RO);
	snap = h_snap_take(h);
	assert_refused(h, snap, &a->d, spt_pin(&a->d, s.l4.mfn, 4), EPERM,
		       SPT_R_NOT_OWNER);
	assert_int_equal(a->d.last_refusal.mfn, foreign.mfn);
	assert_int_equal(h->pool_in_use, 0);
	assert_int_equal(a->d.stats.shadow_pages, 0);
	h_snap_free(snap);
}

static void test_out_of_shadow_pages(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_space s;
	struct h_snap *snap;
	long budget;

	h_space_build(g, &s, VA_USER);
	for (budget = 0; budget < (long)t_shadows(1, 1, 1); budget++) {
		h->alloc_budget = budget;
		snap = h_snap_take(h);
		assert_refused(h, snap, &g->d, spt_pin(&g->d, s.l4.mfn, 4),
			       ENOMEM, SPT_R_NO_MEMORY);
		h_snap_free(snap);
		assert_int_equal(h->pool_in_use, 0);
	}
	h->alloc_budget = (long)t_shadows(1, 1, 1);
	assert_int_equal(spt_pin(&g->d, s.l4.mfn, 4), 0);
	h->alloc_budget = -1;
}

static void test_grants(void **state)
{
	struct harness *h = *state;
	struct h_dom *a = h_new_domain(h, 1, 1);
	struct h_dom *b = h_new_domain(h, 2, 1);
	struct h_page l1 = h_new_page(a);
	struct h_page ro = h_new_page(b), rw = h_new_page(b);
	struct h_dom *c = h_new_domain(h, 3, 1);
	struct h_page cl1 = h_new_page(c);
	struct h_snap *snap;

	h_grant(h, 2, 1, ro.mfn, false);
	h_grant(h, 2, 1, rw.mfn, true);
	l1.p[0] = h_leaf(ro.mfn, H_RO);
	l1.p[1] = h_leaf(rw.mfn, H_RW);
	assert_int_equal(spt_pin(&a->d, l1.mfn, 1), 0);
	assert_int_equal(h_info(h, rw.mfn)->type, SPT_TYPE_WRITABLE);
	assert_int_equal(h_info(h, ro.mfn)->count, 1);
	snap = h_snap_take(h);
	/* Granted read-only is read-only. */
	assert_refused(h, snap, &a->d,
		       spt_pt_update(&a->d, h_maddr(l1.mfn, 2),
				     h_leaf(ro.mfn, H_RW), false, NULL),
		       EPERM, SPT_R_NOT_OWNER);
	h_snap_free(snap);
	/* A grant to domain 1 is no grant to domain 3. */
	cl1.p[0] = h_leaf(ro.mfn, H_RO);
	snap = h_snap_take(h);
	assert_refused(h, snap, &c->d, spt_pin(&c->d, cl1.mfn, 1), EPERM,
		       SPT_R_NOT_OWNER);
	h_snap_free(snap);
	/* Releasing a's tables drops the references on b's frames. */
	assert_int_equal(spt_unpin(&a->d, l1.mfn), 0);
	assert_int_equal(h_info(h, ro.mfn)->count, 0);
	assert_int_equal(h_info(h, rw.mfn)->type_count, 0);
}

/* A granted frame that is the granter's page table stays read-only. */
static void test_grant_of_page_table_stays_read_only(void **state)
{
	struct harness *h = *state;
	struct h_dom *a = h_new_domain(h, 1, 1);
	struct h_dom *b = h_new_domain(h, 2, 1);
	struct h_page l1 = h_new_page(a);
	struct h_page bl1 = h_new_page(b);
	struct h_snap *snap;

	h_grant(h, 2, 1, bl1.mfn, true);
	assert_int_equal(spt_pin(&b->d, bl1.mfn, 1), 0);
	assert_int_equal(spt_pin(&a->d, l1.mfn, 1), 0);
	snap = h_snap_take(h);
	assert_refused(h, snap, &a->d,
		       spt_pt_update(&a->d, h_maddr(l1.mfn, 0),
				     h_leaf(bl1.mfn, H_RW), false, NULL),
		       EACCES, SPT_R_PT_WRITABLE);
	h_snap_free(snap);
	assert_int_equal(spt_pt_update(&a->d, h_maddr(l1.mfn, 0),
				       h_leaf(bl1.mfn, H_RO), false, NULL), 0);
}

/* Read-only superpages over page tables are harmless and allowed. */
static void test_read_only_superpage_over_tables(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_page l2 = h_new_page(g);

	l2.p[0] = h_dir(g, 0, H_RO | PTE_PS);	/* covers l2 itself */
	assert_int_equal(spt_pin(&g->d, l2.mfn, 2), 0);
	assert_int_equal(h_info(h, l2.mfn)->count, 2);
	assert_int_equal(h_info(h, l2.mfn)->type, SPT_TYPE_L2);
}

/* A guest may map its own tables read-only to read them. */
static void test_read_only_view_of_own_tables(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_space s;

	h_space_build(g, &s, VA_USER);
	s.l1.p[0] = h_leaf(s.l1.mfn, H_RO);
	s.l1.p[1] = h_leaf(s.l2.mfn, H_RO);
	s.l1.p[2] = h_leaf(s.l3.mfn, H_RO);
	s.l1.p[3] = h_leaf(s.l4.mfn, H_RO);
	assert_int_equal(spt_pin(&g->d, s.l4.mfn, 4), 0);
	assert_int_equal(h_info(h, s.l1.mfn)->count, 2);
	assert_int_equal(h_info(h, s.l4.mfn)->count, 2);
}

/* A table held bottom up (a preemptible VCPUOP_initialise) is validated
 * as a pin would validate it; the level above then only counts it, and
 * when the holds go the root's own references are what is left. */
static void test_hold_table_bottom_up(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_dom *other = h_new_domain(h, 2, 1);
	struct h_space s;
	struct h_page data = h_new_page(g);

	h_space_build(g, &s, VA_USER);
	s.l1.p[pt_index(VA_USER, 1)] = h_leaf(data.mfn, H_RW);
	assert_int_equal(spt_hold_table(&g->d, s.l1.mfn, 1), 0);
	assert_int_equal(h_info(h, s.l1.mfn)->type, SPT_TYPE_L1);
	assert_int_equal(h_info(h, data.mfn)->type, SPT_TYPE_WRITABLE);
	assert_int_equal(spt_hold_table(&g->d, s.l2.mfn, 2), 0);
	assert_int_equal(h_info(h, s.l1.mfn)->type_count, 2);
	spt_release_table(&g->d, s.l1.mfn, 1);
	assert_int_equal(h_info(h, s.l1.mfn)->type_count, 1);
	assert_int_equal(spt_hold_table(&g->d, s.l2.mfn, 3), -EBUSY);
	assert_int_equal(spt_hold_table(&other->d, s.l3.mfn, 3), -EPERM);
	assert_int_equal(spt_hold_table(&g->d, s.l3.mfn, 5), -EINVAL);
	assert_int_equal(spt_new_baseptr(&g->vcpu[0], s.l4.mfn, false), 0);
	assert_int_equal(h_info(h, s.l2.mfn)->type_count, 2);
	spt_release_table(&g->d, s.l2.mfn, 2);
	spt_release_table(&g->d, s.l2.mfn, 3);	/* not held as an L3: nothing */
	assert_int_equal(h_info(h, s.l2.mfn)->type_count, 1);
	assert_int_equal(h_info(h, data.mfn)->type_count, 1);
	assert_consistent(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_shadow_walk_reaches_guest_frame),
		T(test_which_directories_are_shadowed),
		T(test_l1_is_shared_not_copied),
		T(test_hv_slots_in_every_shadow_l4),
		T(test_exec_hook),
		T(test_superpage_rebased),
		T(test_superpage_checks),
		T(test_no_1g_pages),
		T(test_reserved_bits),
		T(test_no_frame),
		T(test_non_present_garbage_ignored),
		T(test_failure_unwinds_whole_tree),
		T(test_out_of_shadow_pages),
		T(test_grants),
		T(test_grant_of_page_table_stays_read_only),
		T(test_read_only_superpage_over_tables),
		T(test_read_only_view_of_own_tables),
		T(test_hold_table_bottom_up),
	};

	return T_RUN_BOTH_MODES("shared-pt validation", tests);
}
