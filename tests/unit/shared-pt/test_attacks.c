/* Classic paravirtual page-table attacks, one test each. Every one must be
 * refused with its specific error and reason, leave the machine exactly as
 * it was, and (teardown) leave the invariants intact.
 *
 * The victim world: domain 1 runs on a pinned address space (L4 -> L3 ->
 * L2 -> L1) mapping one data page writable; domain 2 is a neighbour with
 * a pinned L1 of its own. */
#include "tests/unit/shared-pt/common.h"

struct world {
	struct harness *h;
	struct h_dom *g, *other;
	struct h_space s;
	struct h_page data, spare, other_l1, other_data;
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
	w.s.l1.p[0] = h_leaf(w.data.mfn, H_RW);
	w.other_l1 = h_new_page(w.other);
	w.other_data = h_new_page(w.other);
	w.other_l1.p[0] = h_leaf(w.other_data.mfn, H_RW);
	assert_int_equal(spt_pin(&w.g->d, w.s.l4.mfn, 4), 0);
	assert_int_equal(spt_new_baseptr(&w.g->vcpu[0], w.s.l4.mfn, false), 0);
	assert_int_equal(spt_pin(&w.other->d, w.other_l1.mfn, 1), 0);
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

/* The same through a trapped write on the read-only view. */
static int trapped(struct world *w, uint64_t mfn, unsigned int index,
		   pte_t val)
{
	struct spt_flush flush = { 0 };

	return spt_pt_write(&w->g->d, h_maddr(mfn, index), val, 8, &flush);
}

#define REFUSED(w, call, err, why) \
	assert_refused((w)->h, (w)->snap, &(w)->g->d, call, err, why)

static void test_map_foreign_frame(void **state)
{
	struct world *w = world(state);

	REFUSED(w, update(w, w->s.l1.mfn, 5, h_leaf(w->other_data.mfn, H_RO)),
		EPERM, SPT_R_NOT_OWNER);
	REFUSED(w, trapped(w, w->s.l1.mfn, 5,
			   h_leaf(w->other_data.mfn, H_RW)),
		EPERM, SPT_R_NOT_OWNER);
	/* Nor through validation of a new table. */
	w->spare.p[0] = h_leaf(w->other_data.mfn, H_RO);
	t_resnap(w->h, &w->snap);
	REFUSED(w, spt_pin(&w->g->d, w->spare.mfn, 1), EPERM,
		SPT_R_NOT_OWNER);
	done(w);
}

static void test_map_hypervisor_page(void **state)
{
	struct world *w = world(state);
	uint64_t shadow = h_info(w->h, w->s.l4.mfn)->shadow;

	REFUSED(w, update(w, w->s.l1.mfn, 5, h_leaf(shadow, H_RW)),
		EPERM, SPT_R_NOT_OWNER);
	REFUSED(w, update(w, w->s.l1.mfn, 5, h_leaf(shadow, H_RO)),
		EPERM, SPT_R_NOT_OWNER);
	REFUSED(w, update(w, w->s.l1.mfn, 5, h_leaf(T_POOL - 1, H_RO)),
		EPERM, SPT_R_NOT_OWNER);
	done(w);
}

static void test_writable_mapping_of_own_l1(void **state)
{
	struct world *w = world(state);

	REFUSED(w, update(w, w->s.l1.mfn, 5, h_leaf(w->s.l1.mfn, H_RW)),
		EACCES, SPT_R_PT_WRITABLE);
	REFUSED(w, trapped(w, w->s.l1.mfn, 5, h_leaf(w->s.l1.mfn, H_RW)),
		EACCES, SPT_R_PT_WRITABLE);
	/* Upgrading an existing read-only view is the same attack. */
	assert_int_equal(update(w, w->s.l1.mfn, 6, h_leaf(w->s.l1.mfn, H_RO)),
			 0);
	t_resnap(w->h, &w->snap);
	REFUSED(w, update(w, w->s.l1.mfn, 6, h_leaf(w->s.l1.mfn, H_RW)),
		EACCES, SPT_R_PT_WRITABLE);
	done(w);
}

static void test_writable_mapping_of_own_l2(void **state)
{
	struct world *w = world(state);

	REFUSED(w, update(w, w->s.l1.mfn, 5, h_leaf(w->s.l2.mfn, H_RW)),
		EACCES, SPT_R_PT_WRITABLE);
	done(w);
}

static void test_writable_mapping_of_own_l3(void **state)
{
	struct world *w = world(state);

	REFUSED(w, update(w, w->s.l1.mfn, 5, h_leaf(w->s.l3.mfn, H_RW)),
		EACCES, SPT_R_PT_WRITABLE);
	done(w);
}

static void test_writable_mapping_of_own_l4(void **state)
{
	struct world *w = world(state);

	REFUSED(w, update(w, w->s.l1.mfn, 5, h_leaf(w->s.l4.mfn, H_RW)),
		EACCES, SPT_R_PT_WRITABLE);
	done(w);
}

/* An L1 that maps itself writable, presented for validation. */
static void test_writable_self_map_at_validation(void **state)
{
	struct world *w = world(state);

	w->spare.p[0] = h_leaf(w->spare.mfn, H_RW);
	t_resnap(w->h, &w->snap);
	REFUSED(w, spt_pin(&w->g->d, w->spare.mfn, 1), EACCES,
		SPT_R_PT_WRITABLE);
	done(w);
}

/* The linear page-table trick: an L4 entry pointing at the L4 itself. */
static void test_recursive_mapping(void **state)
{
	struct world *w = world(state);

	REFUSED(w, update(w, w->s.l4.mfn, 300, h_dir(w->g, w->s.l4.pfn, H_RW)),
		EACCES, SPT_R_LINEAR_WRITABLE);
	REFUSED(w, update(w, w->s.l4.mfn, 300, h_dir(w->g, w->s.l4.pfn, H_RO)),
		EPERM, SPT_R_LINEAR);
	/* The same one level down, and at validation time. */
	REFUSED(w, update(w, w->s.l3.mfn, 7, h_dir(w->g, w->s.l3.pfn, H_RW)),
		EACCES, SPT_R_LINEAR_WRITABLE);
	w->spare.p[9] = h_dir(w->g, w->spare.pfn, H_RW);
	t_resnap(w->h, &w->snap);
	REFUSED(w, spt_pin(&w->g->d, w->spare.mfn, 4), EACCES,
		SPT_R_LINEAR_WRITABLE);
	done(w);
}

/* Xen's linear page tables as shared-pt offers them to PV guests
 * (spt_domain.linear_l4): the read-only L4 self-entry only, in machine
 * mode; no references held, so the L4 still goes away when unpinned. */
static void test_linear_l4(void **state)
{
	struct world *w;
	pte_t *shadow;

	T_SKIP_UNLESS_MODE(SPT_DIRS_MACHINE);
	w = world(state);
	w->g->d.linear_l4 = true;
	REFUSED(w, update(w, w->s.l4.mfn, 300, h_dir(w->g, w->s.l4.pfn, H_RW)),
		EACCES, SPT_R_LINEAR_WRITABLE);
	REFUSED(w, update(w, w->s.l3.mfn, 7, h_dir(w->g, w->s.l3.pfn, H_RO)),
		EPERM, SPT_R_LINEAR);
	assert_int_equal(update(w, w->s.l4.mfn, 300, h_dir(w->g, w->s.l4.pfn, H_RO)), 0);
	assert_consistent(w->h);
	/* The MMU walks the guest's L4 itself there, not its shadow. */
	shadow = h_frame(w->h, h_info(w->h, w->s.l4.mfn)->shadow);
	assert_int_equal((shadow[300] & PTE_ADDR_MASK) >> PAGE_SHIFT, w->s.l4.mfn);
	t_resnap(w->h, &w->snap);
	REFUSED(w, update(w, w->s.l4.mfn, 300, h_dir(w->g, w->s.l4.pfn, H_RW)),
		EACCES, SPT_R_LINEAR_WRITABLE);
	assert_int_equal(update(w, w->s.l4.mfn, 300, 0), 0);
	assert_consistent(w->h);
	/* Left in place: teardown must release the L4 all the same. */
	assert_int_equal(update(w, w->s.l4.mfn, 301, h_dir(w->g, w->s.l4.pfn, H_RO)), 0);
	done(w);
}

static void test_type_confusion_l2_as_l1(void **state)
{
	struct world *w = world(state);
	struct h_page fresh = h_new_page(w->g);

	/* A second live L2, then an L2 entry naming it as if it were an L1. */
	assert_int_equal(spt_pin(&w->g->d, w->spare.mfn, 2), 0);
	t_resnap(w->h, &w->snap);
	REFUSED(w, update(w, w->s.l2.mfn, 100, h_dir(w->g, w->spare.pfn, H_RW)),
		EBUSY, SPT_R_TYPE_CONFUSION);
	/* The same presented for validation. */
	fresh.p[0] = h_dir(w->g, w->s.l2.pfn, H_RW);
	t_resnap(w->h, &w->snap);
	REFUSED(w, spt_pin(&w->g->d, fresh.mfn, 2), EBUSY,
		SPT_R_TYPE_CONFUSION);
	done(w);
}

static void test_type_confusion_l1_as_l3(void **state)
{
	struct world *w = world(state);

	REFUSED(w, update(w, w->s.l4.mfn, 5, h_dir(w->g, w->s.l1.pfn, H_RW)),
		EBUSY, SPT_R_TYPE_CONFUSION);
	REFUSED(w, update(w, w->s.l3.mfn, 5, h_dir(w->g, w->s.l1.pfn, H_RW)),
		EBUSY, SPT_R_TYPE_CONFUSION);
	REFUSED(w, update(w, w->s.l2.mfn, 5, h_dir(w->g, w->s.l4.pfn, H_RO)),
		EBUSY, SPT_R_TYPE_CONFUSION);
	REFUSED(w, spt_new_baseptr(&w->g->vcpu[1], w->s.l3.mfn, false), EBUSY,
		SPT_R_TYPE_CONFUSION);
	done(w);
}

static void test_superpage_over_page_table(void **state)
{
	struct world *w = world(state);

	/* Extent 0 holds all four tables. */
	REFUSED(w, update(w, w->s.l2.mfn, 9, h_dir(w->g, 0, H_RW | PTE_PS)),
		EACCES, SPT_R_SUPERPAGE_PT);
	done(w);
}

static void test_superpage_over_another_domains_memory(void **state)
{
	struct world *w = world(state);
	pte_t foreign = h_leaf(w->other_data.mfn & ~(SPT_EXTENT_FRAMES - 1),
			       H_RO | PTE_PS);

	/* Pseudo-physical 2 MiB units beyond the domain's two extents are
	 * holes; with pseudo-physical directories there is no way to name a
	 * foreign extent. */
	REFUSED(w, update(w, w->s.l2.mfn, 9,
			  h_dir(w->g, 2 * SPT_EXTENT_FRAMES, H_RW | PTE_PS)),
		EINVAL, SPT_R_NO_FRAME);
	if (t_dir_mode == SPT_DIRS_MACHINE)
		REFUSED(w, update(w, w->s.l2.mfn, 9, foreign), EPERM,
			SPT_R_NOT_OWNER);
	done(w);
}

/* With machine directories a guest can name any frame as its next table:
 * another domain's live table, a hypervisor page, a shadow L4, memory
 * beyond RAM. Only its own tables may be linked. */
static void test_directory_naming_foreign_table(void **state)
{
	struct world *w;
	uint64_t shadow;

	T_SKIP_UNLESS_MODE(SPT_DIRS_MACHINE);
	w = world(state);
	shadow = h_info(w->h, w->s.l4.mfn)->shadow;
	REFUSED(w, update(w, w->s.l2.mfn, 9, h_leaf(w->other_l1.mfn, H_RO)),
		EPERM, SPT_R_NOT_OWNER);
	REFUSED(w, update(w, w->s.l4.mfn, 9, h_leaf(shadow, H_RO)),
		EPERM, SPT_R_NOT_OWNER);
	REFUSED(w, update(w, w->s.l3.mfn, 9, h_leaf(T_POOL - 1, H_RO)),
		EPERM, SPT_R_NOT_OWNER);
	REFUSED(w, update(w, w->s.l3.mfn, 9, h_leaf(T_FRAMES + 8, H_RO)),
		EINVAL, SPT_R_NO_FRAME);
	w->spare.p[3] = h_leaf(w->other_l1.mfn, H_RO);
	t_resnap(w->h, &w->snap);
	REFUSED(w, spt_pin(&w->g->d, w->spare.mfn, 2), EPERM,
		SPT_R_NOT_OWNER);
	done(w);
}

static void test_entry_in_hypervisor_slot(void **state)
{
	struct world *w = world(state);
	unsigned int slot;

	for (slot = SPT_HV_L4_FIRST; slot < SPT_HV_L4_FIRST + SPT_HV_L4_SLOTS;
	     slot += 5)
		REFUSED(w, update(w, w->s.l4.mfn, slot,
				  h_dir(w->g, w->s.l3.pfn, H_RO)),
			EPERM, SPT_R_HV_SLOT);
	REFUSED(w, trapped(w, w->s.l4.mfn, SPT_HV_L4_FIRST + 15,
			   h_dir(w->g, w->s.l3.pfn, H_RW)),
		EPERM, SPT_R_HV_SLOT);
	w->spare.p[SPT_HV_L4_FIRST + 1] = h_dir(w->g, w->s.l3.pfn, H_RW);
	t_resnap(w->h, &w->snap);
	REFUSED(w, spt_pin(&w->g->d, w->spare.mfn, 4), EPERM, SPT_R_HV_SLOT);
	done(w);
}

/* Storing a non-present value there is allowed and must not disturb the
 * hypervisor's own entry in the shadow. */
static void test_hypervisor_slot_survives_guest_writes(void **state)
{
	struct world *w = world(state);
	pte_t *shadow = h_frame(w->h, h_info(w->h, w->s.l4.mfn)->shadow);

	assert_int_equal(update(w, w->s.l4.mfn, SPT_HV_L4_FIRST, 0x1234), 0);
	assert_int_equal(shadow[SPT_HV_L4_FIRST], w->h->m.hv_slots[0]);
	assert_consistent(w->h);
	done(w);
}

static void test_type_change_while_in_use(void **state)
{
	struct world *w = world(state);

	/* Writably mapped data cannot become a table... */
	REFUSED(w, spt_pin(&w->g->d, w->data.mfn, 1), EBUSY,
		SPT_R_TYPE_IN_USE);
	/* ...a live L1 cannot become an L2 or a root... */
	REFUSED(w, spt_pin(&w->g->d, w->s.l1.mfn, 2), EBUSY,
		SPT_R_TYPE_CONFUSION);
	REFUSED(w, spt_new_baseptr(&w->g->vcpu[1], w->s.l1.mfn, false), EBUSY,
		SPT_R_TYPE_CONFUSION);
	/* ...nor a descriptor page. */
	REFUSED(w, spt_get_seg_page(&w->g->d, w->s.l1.mfn), EBUSY,
		SPT_R_TYPE_IN_USE);
	REFUSED(w, spt_get_seg_page(&w->g->d, w->data.mfn), EBUSY,
		SPT_R_TYPE_IN_USE);
	done(w);
}

static void test_update_of_foreign_table(void **state)
{
	struct world *w = world(state);

	REFUSED(w, update(w, w->other_l1.mfn, 0, 0), EPERM, SPT_R_NOT_OWNER);
	REFUSED(w, trapped(w, w->other_l1.mfn, 1, h_leaf(w->data.mfn, H_RW)),
		EPERM, SPT_R_NOT_OWNER);
	REFUSED(w, spt_unpin(&w->g->d, w->other_l1.mfn), EPERM,
		SPT_R_NOT_OWNER);
	REFUSED(w, spt_new_baseptr(&w->g->vcpu[1], w->other_l1.mfn, false),
		EPERM, SPT_R_NOT_OWNER);
	done(w);
}

static void test_update_of_shadow_page(void **state)
{
	struct world *w = world(state);
	uint64_t shadow = h_info(w->h, w->s.l4.mfn)->shadow;

	REFUSED(w, update(w, shadow, 3, h_leaf(w->data.mfn, H_RW)), EPERM,
		SPT_R_NOT_OWNER);
	REFUSED(w, trapped(w, shadow, 3, 0), EPERM, SPT_R_NOT_OWNER);
	REFUSED(w, spt_pin(&w->g->d, shadow, 1), EPERM, SPT_R_NOT_OWNER);
	done(w);
}

static void test_bad_addresses(void **state)
{
	struct world *w = world(state);
	struct mmu_update req = { h_maddr(w->s.l1.mfn, 1) | 4, 0 };
	struct spt_flush f = { 0 };

	/* ptr[2:0] is the command: 4..7 are none. */
	REFUSED(w, spt_mmu_update(&w->g->d, &req, 1, NULL, NULL, &f), ENOSYS,
		SPT_R_UNSUPPORTED);
	REFUSED(w, spt_pt_update(&w->g->d, h_maddr(w->s.l1.mfn, 1) + 4, 0,
				 false, &f), EINVAL, SPT_R_BAD_REQUEST);
	req.ptr = h_maddr(w->s.l1.mfn, 1) | 7;
	REFUSED(w, spt_mmu_update(&w->g->d, &req, 1, NULL, NULL, &f), ENOSYS,
		SPT_R_UNSUPPORTED);
	req.ptr = ~0ULL << 3;
	REFUSED(w, spt_mmu_update(&w->g->d, &req, 1, NULL, NULL, &f), EINVAL,
		SPT_R_NO_FRAME);
	REFUSED(w, spt_pt_write(&w->g->d, h_maddr(w->s.l1.mfn, 1) + 2, 0, 4,
				&f), EINVAL, SPT_R_BAD_REQUEST);
	REFUSED(w, spt_pt_write(&w->g->d, h_maddr(w->s.l1.mfn, 1), 0, 2, &f),
		EINVAL, SPT_R_BAD_REQUEST);
	assert_int_equal(f.flags, 0);
	done(w);
}

/* Memory tracing only covers tables: a trapped write elsewhere is a real
 * fault for the guest. */
static void test_trapped_write_to_non_table(void **state)
{
	struct world *w = world(state);

	REFUSED(w, trapped(w, w->data.mfn, 0, 0), EFAULT, SPT_R_NOT_PT);
	done(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_map_foreign_frame),
		T(test_map_hypervisor_page),
		T(test_writable_mapping_of_own_l1),
		T(test_writable_mapping_of_own_l2),
		T(test_writable_mapping_of_own_l3),
		T(test_writable_mapping_of_own_l4),
		T(test_writable_self_map_at_validation),
		T(test_recursive_mapping),
		T(test_linear_l4),
		T(test_type_confusion_l2_as_l1),
		T(test_type_confusion_l1_as_l3),
		T(test_superpage_over_page_table),
		T(test_superpage_over_another_domains_memory),
		T(test_directory_naming_foreign_table),
		T(test_entry_in_hypervisor_slot),
		T(test_hypervisor_slot_survives_guest_writes),
		T(test_type_change_while_in_use),
		T(test_update_of_foreign_table),
		T(test_update_of_shadow_page),
		T(test_bad_addresses),
		T(test_trapped_write_to_non_table),
	};

	return T_RUN_BOTH_MODES("shared-pt attacks", tests);
}
