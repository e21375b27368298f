/* W^X domains (spt_domain.wx) and the hypervisor's own page in a guest
 * leaf (spt_ops.hv_leaf): the rules the PV execute-only hypervisor rests
 * on (docs/pv.md). */
#include "tests/unit/shared-pt/common.h"

#define H_X	H_RO		/* present, user, no NX: executable */
#define HV_KEY	((pte_t)H_HV_PKEY << PTE_PKEY_SHIFT)

static struct h_dom *wx_domain(struct harness *h, uint16_t id)
{
	struct h_dom *g = h_new_domain(h, id, 1);

	g->d.wx = true;
	return g;
}

/* One entry both writable and executable: -EINVAL, nothing changed. */
static void test_wx_entry_refused(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = wx_domain(h, 1);
	struct h_page t = h_new_page(g), data = h_new_page(g);
	struct h_snap *snap;

	t.p[0] = h_leaf(data.mfn, H_RW);
	snap = h_snap_take(h);
	assert_refused(h, snap, &g->d, spt_pin(&g->d, t.mfn, 1), EINVAL, SPT_R_WX);
	h_snap_free(snap);
	t.p[0] = h_leaf(data.mfn, H_RW | PTE_NX);
	t.p[1] = h_leaf(data.mfn, H_RO | PTE_NX);
	assert_int_equal(spt_pin(&g->d, t.mfn, 1), 0);
}

/* Without W^X the same entry is accepted (Xen's behaviour), may_exec
 * asked with writable set. */
static void test_wx_off_allows(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = h_new_domain(h, 1, 1);
	struct h_page t = h_new_page(g), data = h_new_page(g);

	t.p[0] = h_leaf(data.mfn, H_RW);
	assert_int_equal(spt_pin(&g->d, t.mfn, 1), 0);
	assert_int_equal(h->exec_asked, 1);
}

/* A frame executable in one mapping cannot be writable in another, in
 * either order; may_exec sees it once, when it first becomes executable. */
static void test_exec_excludes_writable(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = wx_domain(h, 1);
	struct h_page t = h_new_page(g), code = h_new_page(g), data = h_new_page(g);
	struct h_snap *snap;

	t.p[0] = h_leaf(code.mfn, H_X);
	t.p[1] = h_leaf(code.mfn, H_X);
	t.p[2] = h_leaf(data.mfn, H_RW | PTE_NX);
	assert_int_equal(spt_pin(&g->d, t.mfn, 1), 0);
	assert_int_equal(h->exec_asked, 1);
	assert_int_equal(h_info(h, code.mfn)->type, SPT_TYPE_EXEC);
	assert_int_equal(h_info(h, code.mfn)->type_count, 2);
	snap = h_snap_take(h);
	assert_refused(h, snap, &g->d, t_update(g, t.mfn, 3, h_leaf(code.mfn, H_RW | PTE_NX)),
		       EPERM, SPT_R_WX_TYPE);
	assert_refused(h, snap, &g->d, t_update(g, t.mfn, 3, h_leaf(data.mfn, H_X)),
		       EPERM, SPT_R_WX_TYPE);
	/* Nor may the hypervisor write it for the guest, nor pin it. */
	assert_refused(h, snap, &g->d, t_update(g, code.mfn, 0, 0x90909090), EPERM,
		       SPT_R_WX_TYPE);
	assert_refused(h, snap, &g->d, spt_pin(&g->d, code.mfn, 1), EBUSY, SPT_R_TYPE_IN_USE);
	h_snap_free(snap);
	/* Both executable mappings gone: it may be written again. */
	assert_int_equal(t_update(g, t.mfn, 0, 0), 0);
	assert_int_equal(t_update(g, t.mfn, 1, 0), 0);
	assert_int_equal(t_update(g, t.mfn, 3, h_leaf(code.mfn, H_RW | PTE_NX)), 0);
	assert_int_equal(t_update(g, t.mfn, 3, 0), 0);
	/* And executable again: asked again. */
	assert_int_equal(t_update(g, t.mfn, 0, h_leaf(code.mfn, H_X)), 0);
	assert_int_equal(h->exec_asked, 2);
}

/* A may_exec refusal undoes the executable type it was asked under. */
static void test_exec_refusal_undone(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = wx_domain(h, 1);
	struct h_page t = h_new_page(g), code = h_new_page(g);
	struct h_snap *snap;

	h->exec_refused_mfn = code.mfn;
	t.p[0] = h_leaf(code.mfn, H_X);
	snap = h_snap_take(h);
	assert_refused(h, snap, &g->d, spt_pin(&g->d, t.mfn, 1), EPERM, SPT_R_EXEC_REFUSED);
	h_snap_free(snap);
	assert_int_equal(h_info(h, code.mfn)->type_count, 0);
	h->exec_refused_mfn = SPT_INVALID_MFN;
	t.p[0] = h_leaf(code.mfn, H_RW | PTE_NX);
	assert_int_equal(spt_pin(&g->d, t.mfn, 1), 0);
}

/* The hypervisor's page: only in the form hv_leaf allows, no references. */
static void test_hv_leaf(void **state)
{
	struct harness *h = *state;
	struct h_dom *g = wx_domain(h, 1);
	struct h_page t = h_new_page(g);
	uint64_t hv = T_POOL;	/* free, below the domains' extents */
	struct h_snap *snap;

	h_info(h, hv)->owner = SPT_OWNER_XEN;
	h->hv_page_mfn = hv;
	t.p[0] = h_leaf(hv, H_RO | HV_KEY);
	assert_int_equal(spt_pin(&g->d, t.mfn, 1), 0);
	assert_int_equal(h_info(h, hv)->count, 0);
	assert_int_equal(h_info(h, hv)->type_count, 0);
	assert_int_equal(h->exec_asked, 0);
	assert_consistent(h);
	snap = h_snap_take(h);
	assert_refused(h, snap, &g->d, t_update(g, t.mfn, 1, h_leaf(hv, H_RW | HV_KEY | PTE_NX)),
		       EPERM, SPT_R_NOT_OWNER);
	assert_refused(h, snap, &g->d, t_update(g, t.mfn, 1, h_leaf(hv, H_RO)), EPERM,
		       SPT_R_NOT_OWNER);
	h_snap_free(snap);
	/* Another hypervisor frame, even in that form: refused. */
	h_info(h, hv + 1)->owner = SPT_OWNER_XEN;
	assert_int_equal(t_update(g, t.mfn, 1, h_leaf(hv + 1, H_RO | HV_KEY)), -EPERM);
	h_info(h, hv + 1)->owner = SPT_OWNER_NONE;
	/* Dropping and re-adding it takes and drops nothing. */
	assert_int_equal(t_update(g, t.mfn, 0, 0), 0);
	assert_int_equal(t_update(g, t.mfn, 2, h_leaf(hv, H_RO | HV_KEY | PTE_NX)), 0);
	assert_int_equal(h_info(h, hv)->count, 0);
	assert_consistent(h);
	assert_int_equal(t_update(g, t.mfn, 2, 0), 0);
	h_info(h, hv)->owner = SPT_OWNER_NONE;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_wx_entry_refused),
		T(test_wx_off_allows),
		T(test_exec_excludes_writable),
		T(test_exec_refusal_undone),
		T(test_hv_leaf),
	};

	return T_RUN_BOTH_MODES("W^X and the hypervisor's page", tests);
}
