/* The invariant checker must notice each kind of corruption; otherwise the
 * checks after every other test would prove nothing. Each test corrupts
 * one thing behind the library's back, expects the finding, and repairs. */
#include "tests/unit/shared-pt/common.h"

struct world {
	struct h_dom *g;
	struct h_space s;
	struct h_page data;
};

static void build(struct harness *h, struct world *w)
{
	w->g = h_new_domain(h, 1, 1);
	h_space_build(w->g, &w->s, VA_USER);
	w->data = h_new_page(w->g);
	w->s.l1.p[0] = h_leaf(w->data.mfn, H_RW);
	w->s.l1.p[1] = h_leaf(w->s.l2.mfn, H_RO);
	assert_int_equal(spt_pin(&w->g->d, w->s.l4.mfn, 4), 0);
	assert_int_equal(spt_new_baseptr(&w->g->vcpu[0], w->s.l4.mfn, false),
			 0);
	assert_consistent(h);
}

static enum spt_check_code finding(struct harness *h)
{
	struct spt_check_report r;

	if (spt_check(&h->m, h->scratch, &r) == 0)
		return SPT_CHECK_OK;
	return r.code;
}

static void test_clean_world_passes(void **state)
{
	struct harness *h = *state;
	struct world w;

	build(h, &w);
	assert_int_equal(finding(h), SPT_CHECK_OK);
}

static void test_detects_general_count(void **state)
{
	struct harness *h = *state;
	struct world w;

	build(h, &w);
	h_info(h, w.data.mfn)->count++;
	assert_int_equal(finding(h), SPT_CHECK_COUNT);
	h_info(h, w.data.mfn)->count--;
}

static void test_detects_type_count(void **state)
{
	struct harness *h = *state;
	struct world w;

	build(h, &w);
	h_info(h, w.s.l3.mfn)->type_count++;
	assert_int_equal(finding(h), SPT_CHECK_TYPE_COUNT);
	h_info(h, w.s.l3.mfn)->type_count--;
}

static void test_detects_writable_page_table(void **state)
{
	struct harness *h = *state;
	struct world w;
	pte_t saved;

	build(h, &w);
	saved = w.s.l1.p[2];
	w.s.l1.p[2] = h_leaf(w.s.l1.mfn, H_RW);	/* bypassing validation */
	assert_int_equal(finding(h), SPT_CHECK_PT_WRITABLE);
	w.s.l1.p[2] = saved;
}

static void test_detects_wrong_type(void **state)
{
	struct harness *h = *state;
	struct world w;

	build(h, &w);
	h_info(h, w.s.l2.mfn)->type = SPT_TYPE_L3;
	assert_int_not_equal(finding(h), SPT_CHECK_OK);
	h_info(h, w.s.l2.mfn)->type = SPT_TYPE_L2;
}

static void test_detects_shadow_entry(void **state)
{
	struct harness *h = *state;
	struct world w;
	pte_t *shadow;

	build(h, &w);
	shadow = h_frame(h, h_info(h, w.s.l4.mfn)->shadow);
	shadow[pt_index(VA_USER, 4)] ^= PTE_W;
	assert_int_equal(finding(h), SPT_CHECK_SHADOW_ENTRY);
	shadow[pt_index(VA_USER, 4)] ^= PTE_W;
	shadow[500] = h_leaf(w.data.mfn, H_RW);	/* where the guest has none */
	assert_int_equal(finding(h), SPT_CHECK_SHADOW_ENTRY);
	shadow[500] = 0;
}

static void test_detects_hv_slot_damage(void **state)
{
	struct harness *h = *state;
	struct world w;
	pte_t *shadow;

	build(h, &w);
	shadow = h_frame(h, h_info(h, w.s.l4.mfn)->shadow);
	shadow[SPT_HV_L4_FIRST + 3] = 0;
	assert_int_equal(finding(h), SPT_CHECK_SHADOW_ENTRY);
	shadow[SPT_HV_L4_FIRST + 3] = h->m.hv_slots[3];
	w.s.l4.p[SPT_HV_L4_FIRST] = h_dir(w.g, w.s.l3.pfn, H_RW);
	assert_int_equal(finding(h), SPT_CHECK_HV_SLOT);
	w.s.l4.p[SPT_HV_L4_FIRST] = 0;
}

static void test_detects_missing_shadow(void **state)
{
	struct harness *h = *state;
	struct world w;
	uint64_t sh;

	build(h, &w);
	sh = h_info(h, w.s.l4.mfn)->shadow;
	h_info(h, sh)->pfn = w.s.l3.mfn;
	assert_int_equal(finding(h), SPT_CHECK_SHADOW);
	h_info(h, sh)->pfn = w.s.l4.mfn;
}

static void test_detects_orphan_shadow(void **state)
{
	struct harness *h = *state;
	struct world w;
	struct spt_frame *f = h_info(h, T_POOL - 1);

	build(h, &w);
	*f = (struct spt_frame){ .owner = SPT_OWNER_XEN,
				 .type = SPT_TYPE_SHADOW, .type_count = 1,
				 .count = 1, .pfn = w.data.mfn,
				 .shadow = SPT_INVALID_MFN };
	assert_int_equal(finding(h), SPT_CHECK_SHADOW);
	*f = (struct spt_frame){ .owner = SPT_OWNER_NONE,
				 .pfn = SPT_INVALID_MFN,
				 .shadow = SPT_INVALID_MFN };
}

static void test_detects_bad_pin(void **state)
{
	struct harness *h = *state;
	struct world w;

	build(h, &w);
	h_info(h, w.data.mfn)->flags |= SPT_FRAME_PINNED;
	assert_int_equal(finding(h), SPT_CHECK_PIN);
	h_info(h, w.data.mfn)->flags &= (uint8_t)~SPT_FRAME_PINNED;
}

static void test_detects_bad_entry(void **state)
{
	struct harness *h = *state;
	struct world w;
	pte_t saved;

	build(h, &w);
	saved = w.s.l3.p[pt_index(VA_USER, 3)];
	w.s.l3.p[pt_index(VA_USER, 3)] = h_dir(w.g, 1ULL << 20, H_RW);	/* hole */
	assert_int_equal(finding(h), SPT_CHECK_BAD_ENTRY);
	w.s.l3.p[pt_index(VA_USER, 3)] = saved;
}

static void test_detects_stats(void **state)
{
	struct harness *h = *state;
	struct world w;

	build(h, &w);
	w.g->d.stats.shadow_pages++;
	assert_int_equal(finding(h), SPT_CHECK_STATS);
	w.g->d.stats.shadow_pages--;
}

static void test_detects_table_of_no_domain(void **state)
{
	struct harness *h = *state;
	struct world w;

	build(h, &w);
	h_info(h, w.s.l4.mfn)->owner = 99;
	assert_int_equal(finding(h), SPT_CHECK_OWNER);
	h_info(h, w.s.l4.mfn)->owner = 1;
}

/* A vCPU running on another domain's root: the counts alone would not
 * show it (the reference is there), the owner does. */
static void test_detects_foreign_base_pointer(void **state)
{
	struct harness *h = *state;
	struct world w;
	struct h_dom *o;
	struct h_page l4;

	build(h, &w);
	o = h_new_domain(h, 2, 1);
	l4 = h_new_page(o);
	assert_int_equal(spt_new_baseptr(&o->vcpu[0], l4.mfn, false), 0);
	assert_consistent(h);
	w.g->vcpu[1].base_mfn = l4.mfn;
	o->vcpu[0].base_mfn = SPT_INVALID_MFN;
	assert_int_equal(finding(h), SPT_CHECK_OWNER);
	o->vcpu[0].base_mfn = l4.mfn;
	w.g->vcpu[1].base_mfn = SPT_INVALID_MFN;
}

static void test_harness_notices_open_mappings(void **state)
{
	struct harness *h = *state;
	char m[128];

	h->maps_live++;
	assert_int_equal(h_check(h, m, sizeof(m)), -1);
	h->maps_live--;
	assert_int_equal(h_check(h, m, sizeof(m)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_clean_world_passes),
		T(test_detects_general_count),
		T(test_detects_type_count),
		T(test_detects_writable_page_table),
		T(test_detects_wrong_type),
		T(test_detects_shadow_entry),
		T(test_detects_hv_slot_damage),
		T(test_detects_missing_shadow),
		T(test_detects_orphan_shadow),
		T(test_detects_bad_pin),
		T(test_detects_bad_entry),
		T(test_detects_stats),
		T(test_detects_table_of_no_domain),
		T(test_detects_foreign_base_pointer),
		T(test_harness_notices_open_mappings),
	};

	return T_RUN_BOTH_MODES("shared-pt checker", tests);
}
