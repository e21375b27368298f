/* Entry updates: trapped writes, cmpxchg, mmu_update batches, mmuext_op,
 * and the TLB flushes they ask for. */
#include "tests/unit/shared-pt/common.h"

struct world {
	struct harness *h;
	struct h_dom *g;
	struct h_space s;
	struct h_page a, b;
	uint64_t root;
};

static struct world *world(void **state)
{
	static struct world w;
	struct harness *h = *state;

	memset(&w, 0, sizeof(w));
	w.h = h;
	w.g = h_new_domain(h, 1, 2);
	h_space_build(w.g, &w.s, VA_USER);
	w.a = h_new_page(w.g);
	w.b = h_new_page(w.g);
	w.s.l1.p[0] = h_leaf(w.a.mfn, H_RW);
	assert_int_equal(spt_pin(&w.g->d, w.s.l4.mfn, 4), 0);
	assert_int_equal(spt_new_baseptr(&w.g->vcpu[0], w.s.l4.mfn, false), 0);
	w.root = spt_vcpu_root(&w.g->vcpu[0], false);
	return &w;
}

static uint64_t walk(struct world *w, uint64_t va, bool *wr)
{
	return t_walk(w->h, w->root, va, wr);
}

static void test_trapped_write_maps_page(void **state)
{
	struct world *w = world(state);
	struct spt_flush f = { 0 };
	bool wr;

	assert_int_equal(spt_pt_write(&w->g->d, h_maddr(w->s.l1.mfn, 1),
				      h_leaf(w->b.mfn, H_RW), 8, &f), 0);
	assert_int_equal(f.flags, 0);	/* was not present: nothing cached */
	assert_int_equal(walk(w, VA_USER + PAGE_SIZE, &wr),
			 w->b.mfn << PAGE_SHIFT);
	assert_true(wr);
	assert_int_equal(h_info(w->h, w->b.mfn)->type, SPT_TYPE_WRITABLE);
	assert_int_equal(w->g->d.stats.pt_write_traps, 1);
	/* Remapping a present entry asks every vCPU to flush. */
	assert_int_equal(spt_pt_write(&w->g->d, h_maddr(w->s.l1.mfn, 1),
				      h_leaf(w->b.mfn, H_RO), 8, &f), 0);
	assert_int_equal(f.flags, SPT_FLUSH_ALL);
	assert_int_equal(h_info(w->h, w->b.mfn)->type_count, 0);
	assert_int_equal(h_info(w->h, w->b.mfn)->count, 1);
	walk(w, VA_USER + PAGE_SIZE, &wr);
	assert_false(wr);
}

static void test_trapped_half_writes(void **state)
{
	struct world *w = world(state);
	struct spt_flush f = { 0 };
	pte_t want = h_leaf(w->b.mfn, H_RW | PTE_NX);
	uint64_t maddr = h_maddr(w->s.l1.mfn, 3);

	/* High half first: the entry stays not present until the low half. */
	assert_int_equal(spt_pt_write(&w->g->d, maddr + 4, want >> 32, 4, &f),
			 0);
	assert_int_equal(spt_pt_write(&w->g->d, maddr, (uint32_t)want, 4, &f),
			 0);
	assert_int_equal(w->s.l1.p[3], want);
	assert_int_equal(h_info(w->h, w->b.mfn)->type_count, 1);
}

static void test_accessed_dirty_not_a_change(void **state)
{
	struct world *w = world(state);
	struct spt_flush f = { 0 };

	/* The MMU set A and D; the guest writes the entry back without. */
	w->s.l1.p[0] |= PTE_A | PTE_D;
	assert_int_equal(spt_pt_update(&w->g->d, h_maddr(w->s.l1.mfn, 0),
				       h_leaf(w->a.mfn, H_RW), false, &f), 0);
	assert_int_equal(f.flags, 0);
	assert_int_equal(w->s.l1.p[0], h_leaf(w->a.mfn, H_RW));
}

static void test_preserve_ad(void **state)
{
	struct world *w = world(state);
	struct mmu_update req = {
		h_maddr(w->s.l1.mfn, 0) | MMU_PT_UPDATE_PRESERVE_AD,
		h_leaf(w->a.mfn, H_RO)
	};

	w->s.l1.p[0] |= PTE_A | PTE_D;
	assert_int_equal(spt_mmu_update(&w->g->d, &req, 1, NULL, NULL, NULL),
			 0);
	assert_int_equal(w->s.l1.p[0], h_leaf(w->a.mfn, H_RO | PTE_A | PTE_D));
}

static void test_global_leaf_asks_global_flush(void **state)
{
	struct world *w = world(state);
	struct spt_flush f = { 0 };

	assert_int_equal(spt_pt_update(&w->g->d, h_maddr(w->s.l1.mfn, 2),
				       h_leaf(w->b.mfn, H_RO | PTE_G), false,
				       &f), 0);
	assert_int_equal(spt_pt_update(&w->g->d, h_maddr(w->s.l1.mfn, 2), 0,
				       false, &f), 0);
	assert_int_equal(f.flags, SPT_FLUSH_ALL | SPT_FLUSH_GLOBAL);
}

static void test_cmpxchg(void **state)
{
	struct world *w = world(state);
	struct spt_flush f = { 0 };
	pte_t old = w->s.l1.p[0];
	uint64_t seen = 0;

	assert_int_equal(spt_pt_cmpxchg(&w->g->d, h_maddr(w->s.l1.mfn, 0),
					old ^ PTE_A, 0, &seen, &f), 0);
	assert_int_equal(seen, old);
	assert_int_equal(w->s.l1.p[0], old);	/* mismatch: unchanged */
	assert_int_equal(f.flags, 0);
	assert_int_equal(spt_pt_cmpxchg(&w->g->d, h_maddr(w->s.l1.mfn, 0),
					old, 0, &seen, &f), 0);
	assert_int_equal(seen, old);
	assert_int_equal(w->s.l1.p[0], 0);
	assert_int_equal(h_info(w->h, w->a.mfn)->count, 0);
	assert_int_equal(f.flags, SPT_FLUSH_ALL);
	assert_int_equal(spt_pt_cmpxchg(&w->g->d, h_maddr(w->a.mfn, 0), 0, 1,
					&seen, &f), -EFAULT);
}

/* Directory updates change the shadow; linking a new L1 validates it,
 * unlinking the last reference devalidates it. */
static void test_directory_updates_shadow(void **state)
{
	struct world *w = world(state);
	struct h_page l1 = h_new_page(w->g);
	struct spt_flush f = { 0 };
	uint64_t va = VA_USER + PAGE_SIZE_2M;
	pte_t *sl2 = h_frame(w->h, h_walked(w->h, w->s.l2.mfn));
	bool wr;

	l1.p[pt_index(va, 1)] = h_leaf(w->b.mfn, H_RW);
	assert_int_equal(spt_pt_update(&w->g->d,
				       h_maddr(w->s.l2.mfn, pt_index(va, 2)),
				       h_dir(w->g, l1.pfn, H_RW), false, &f), 0);
	assert_int_equal(f.flags, 0);
	assert_int_equal(pte_addr(sl2[pt_index(va, 2)]) >> PAGE_SHIFT,
			 l1.mfn);
	assert_int_equal(walk(w, va, &wr), w->b.mfn << PAGE_SHIFT);
	assert_int_equal(h_info(w->h, l1.mfn)->type, SPT_TYPE_L1);
	assert_consistent(w->h);
	assert_int_equal(spt_pt_update(&w->g->d,
				       h_maddr(w->s.l2.mfn, pt_index(va, 2)),
				       0, false, &f), 0);
	assert_int_equal(f.flags, SPT_FLUSH_ALL | SPT_FLUSH_GLOBAL);
	assert_int_equal(sl2[pt_index(va, 2)], 0);
	assert_int_equal(walk(w, va, &wr), ~0ULL);
	assert_int_equal(h_info(w->h, l1.mfn)->type_count, 0);
	assert_int_equal(h_info(w->h, w->b.mfn)->count, 0);
}

/* Changing only the flags of a directory entry keeps the table below
 * live: no devalidation, no revalidation. */
static void test_flag_change_keeps_subtree(void **state)
{
	struct world *w = world(state);
	unsigned int i3 = pt_index(VA_USER, 3);
	uint64_t val = w->g->d.stats.validations;
	uint64_t dev = w->g->d.stats.devalidations;
	bool wr;

	assert_int_equal(spt_pt_update(&w->g->d, h_maddr(w->s.l3.mfn, i3),
				       h_dir(w->g, w->s.l2.pfn, H_RO), false, NULL),
			 0);
	assert_int_equal(w->g->d.stats.validations, val);
	assert_int_equal(w->g->d.stats.devalidations, dev);
	walk(w, VA_USER, &wr);
	assert_false(wr);
}

static void test_l4_update_points_at_shadow(void **state)
{
	struct world *w = world(state);
	struct h_page l3 = h_new_page(w->g);
	pte_t *sl4 = h_frame(w->h, w->root);

	assert_int_equal(spt_pt_update(&w->g->d, h_maddr(w->s.l4.mfn, 300),
				       h_dir(w->g, l3.pfn, H_RW), false, NULL), 0);
	assert_int_equal(pte_addr(sl4[300]) >> PAGE_SHIFT,
			 h_walked(w->h, l3.mfn));
	assert_int_equal(w->g->d.stats.shadow_pages, t_shadows(1, 2, 1));
}

/* A frame that is no table is plain memory: mmu_update just writes it. */
static void test_plain_write(void **state)
{
	struct world *w = world(state);
	struct mmu_update req = { h_maddr(w->b.mfn, 7), 0xdeadbeef };

	assert_int_equal(spt_mmu_update(&w->g->d, &req, 1, NULL, NULL, NULL),
			 0);
	assert_int_equal(w->b.p[7], 0xdeadbeef);
	assert_int_equal(h_info(w->h, w->b.mfn)->count, 0);
}

/* Xen's batch semantics: in order, stop at the first failure. */
static void test_batch_stops_at_failure(void **state)
{
	struct world *w = world(state);
	struct h_dom *o = h_new_domain(w->h, 2, 1);
	struct h_page foreign = h_new_page(o);
	struct mmu_update req[4] = {
		{ h_maddr(w->s.l1.mfn, 1), h_leaf(w->b.mfn, H_RW) },
		{ h_maddr(w->s.l1.mfn, 0), 0 },
		{ h_maddr(w->s.l1.mfn, 2), h_leaf(foreign.mfn, H_RO) },
		{ h_maddr(w->s.l1.mfn, 3), h_leaf(w->b.mfn, H_RO) },
	};
	int results[4] = { 9, 9, 9, 9 };
	unsigned int done = 99;
	struct spt_flush f = { 0 };

	assert_int_equal(spt_mmu_update(&w->g->d, req, 4, results, &done, &f),
			 -EPERM);
	assert_int_equal(done, 2);
	assert_int_equal(results[0], 0);
	assert_int_equal(results[1], 0);
	assert_int_equal(results[2], -EPERM);
	assert_int_equal(results[3], SPT_NOT_DONE);
	assert_int_equal(w->s.l1.p[1], req[0].val);
	assert_int_equal(w->s.l1.p[0], 0);
	assert_int_equal(w->s.l1.p[2], 0);
	assert_int_equal(w->s.l1.p[3], 0);
	assert_int_equal(f.flags, SPT_FLUSH_ALL);	/* entry 0 was present */
	assert_int_equal(w->g->d.stats.mmu_update_calls, 1);
}

static void test_batch_all_good(void **state)
{
	struct world *w = world(state);
	struct mmu_update req[64];
	unsigned int i, done;

	for (i = 0; i < 64; i++)
		req[i] = (struct mmu_update){
			h_maddr(w->s.l1.mfn, 100 + i),
			h_leaf(w->b.mfn, (i & 1) ? H_RW : H_RO) };
	assert_int_equal(spt_mmu_update(&w->g->d, req, 64, NULL, &done, NULL),
			 0);
	assert_int_equal(done, 64);
	assert_int_equal(h_info(w->h, w->b.mfn)->count, 64);
	assert_int_equal(h_info(w->h, w->b.mfn)->type_count, 32);
}

static void test_mmuext_pin_baseptr_flush(void **state)
{
	struct world *w = world(state);
	struct h_page l4 = h_new_page(w->g);
	struct mmuext_op op[6] = {
		{ .cmd = MMUEXT_PIN_L4_TABLE, .arg1.mfn = l4.mfn },
		{ .cmd = MMUEXT_NEW_BASEPTR, .arg1.mfn = l4.mfn },
		{ .cmd = MMUEXT_NEW_USER_BASEPTR, .arg1.mfn = w->s.l4.mfn },
		{ .cmd = MMUEXT_INVLPG_LOCAL, .arg1.linear_addr = 0x5000 },
		{ .cmd = MMUEXT_UNPIN_TABLE, .arg1.mfn = l4.mfn },
		{ .cmd = MMUEXT_TLB_FLUSH_ALL },
	};
	struct spt_vcpu *v = &w->g->vcpu[1];
	struct spt_flush f = { 0 };
	unsigned int done;

	assert_int_equal(spt_mmuext_op(v, op, 6, NULL, &done, &f), 0);
	assert_int_equal(done, 6);
	assert_int_equal(v->base_mfn, l4.mfn);
	assert_int_equal(v->user_base_mfn, w->s.l4.mfn);
	/* Unpinned but still the vCPU's base: alive. */
	assert_int_equal(h_info(w->h, l4.mfn)->type_count, 1);
	assert_int_equal(spt_vcpu_root(v, false), h_info(w->h, l4.mfn)->shadow);
	assert_int_equal(spt_vcpu_root(v, true), w->root);
	assert_int_equal(f.flags, SPT_FLUSH_VA_LOCAL | SPT_FLUSH_ALL);
	assert_int_equal(f.va, 0x5000);
	/* A user base of 0 means none. */
	op[0] = (struct mmuext_op){ .cmd = MMUEXT_NEW_USER_BASEPTR };
	assert_int_equal(spt_mmuext_op(v, op, 1, NULL, NULL, NULL), 0);
	assert_int_equal(v->user_base_mfn, SPT_INVALID_MFN);
	assert_int_equal(spt_vcpu_root(v, true), SPT_INVALID_MFN);
}

static void test_mmuext_unsupported_stops_batch(void **state)
{
	struct world *w = world(state);
	struct mmuext_op op[3] = {
		{ .cmd = MMUEXT_TLB_FLUSH_LOCAL },
		{ .cmd = MMUEXT_COPY_PAGE, .arg1.mfn = w->a.mfn },
		{ .cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = w->b.mfn },
	};
	int results[3];
	unsigned int done;

	assert_int_equal(spt_mmuext_op(&w->g->vcpu[0], op, 3, results, &done,
				       NULL), -ENOSYS);
	assert_int_equal(done, 1);
	assert_int_equal(results[2], SPT_NOT_DONE);
	assert_int_equal(h_info(w->h, w->b.mfn)->type_count, 0);
	op[0].cmd = 999;
	assert_int_equal(spt_mmuext_op(&w->g->vcpu[0], op, 1, NULL, NULL,
				       NULL), -ENOSYS);
}

static void test_flush_merging(void **state)
{
	struct spt_flush f = { 0 };

	(void)state;
	spt_flush_add(&f, SPT_FLUSH_VA_LOCAL, 0x1000);
	spt_flush_add(&f, SPT_FLUSH_VA_LOCAL, 0x1000);
	assert_int_equal(f.flags, SPT_FLUSH_VA_LOCAL);
	spt_flush_add(&f, SPT_FLUSH_VA_LOCAL, 0x2000);
	assert_true(f.flags & SPT_FLUSH_LOCAL);
	f = (struct spt_flush){ 0 };
	spt_flush_add(&f, SPT_FLUSH_VA_ALL, 0x1000);
	spt_flush_add(&f, SPT_FLUSH_VA_LOCAL, 0x3000);
	assert_true(f.flags & SPT_FLUSH_ALL);
	spt_flush_add(NULL, SPT_FLUSH_ALL, 0);
}

/* A vCPU switching between live roots touches no table page. */
static void test_switch_between_live_roots_is_free(void **state)
{
	struct world *w = world(state);
	struct h_space s2;
	uint64_t mapped;
	int i;

	h_space_build(w->g, &s2, VA_USER);
	assert_int_equal(spt_pin(&w->g->d, s2.l4.mfn, 4), 0);
	mapped = w->g->d.stats.pages_mapped;
	for (i = 0; i < 100; i++) {
		assert_int_equal(spt_new_baseptr(&w->g->vcpu[0], (i & 1) ?
						 w->s.l4.mfn : s2.l4.mfn,
						 false), 0);
	}
	assert_int_equal(w->g->d.stats.pages_mapped, mapped);
	assert_int_equal(h_info(w->h, s2.l4.mfn)->type_count, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_trapped_write_maps_page),
		T(test_trapped_half_writes),
		T(test_accessed_dirty_not_a_change),
		T(test_preserve_ad),
		T(test_global_leaf_asks_global_flush),
		T(test_cmpxchg),
		T(test_directory_updates_shadow),
		T(test_flag_change_keeps_subtree),
		T(test_l4_update_points_at_shadow),
		T(test_plain_write),
		T(test_batch_stops_at_failure),
		T(test_batch_all_good),
		T(test_mmuext_pin_baseptr_flush),
		T(test_mmuext_unsupported_stops_batch),
		T(test_flush_merging),
		T(test_switch_between_live_roots_is_free),
	};

	return T_RUN_BOTH_MODES("shared-pt updates", tests);
}
