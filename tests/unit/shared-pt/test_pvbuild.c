/* A domain built as Umbra's PV builder builds one (pv_build.c): every
 * page of its memory mapped from pseudo-physical 0 up, the page-table
 * pages read-only, code executable (W^X), the hypercall page the
 * hypervisor's, every entry forced to user; the L4 pinned and made the
 * base pointer. Relinquishing must leave every extent unused, so that
 * the memory can be given to the next domain. */
#include "tests/unit/shared-pt/common.h"

#define HV_KEY		((pte_t)H_HV_PKEY << PTE_PKEY_SHIFT)
#define NR_EXT		2
#define CODE_FIRST	256	/* the image at 1 MiB, as minios links it */
#define CODE_PAGES	16
#define HCALL_PFN	CODE_FIRST

struct pv_image {
	struct h_page l4, l3, l2, l1[NR_EXT];
	uint64_t pt_first, pt_last;	/* pfns of the tables */
};

static pte_t leaf_for(struct harness *h, struct h_dom *g, const struct pv_image *im,
		      uint64_t pfn)
{
	uint64_t mfn = h_pfn_page(g, pfn).mfn;

	if (pfn == HCALL_PFN)
		return h_leaf(h->hv_page_mfn, PTE_P | PTE_A | HV_KEY);
	if (pfn >= im->pt_first && pfn <= im->pt_last)
		return h_leaf(mfn, PTE_P | PTE_A | PTE_NX);
	if (pfn >= CODE_FIRST && pfn < CODE_FIRST + CODE_PAGES)
		return h_leaf(mfn, PTE_P | PTE_A);
	return h_leaf(mfn, PTE_P | PTE_W | PTE_A | PTE_D | PTE_NX);
}

/* The tables after the image, as the builder places them; entries
 * without the user bit (force_user adds it). */
static void build(struct harness *h, struct h_dom *g, struct pv_image *im)
{
	uint64_t pfn;
	unsigned int i;

	g->next_pfn = CODE_FIRST + CODE_PAGES + 8;
	im->pt_first = g->next_pfn;
	im->l4 = h_new_page(g);
	im->l3 = h_new_page(g);
	im->l2 = h_new_page(g);
	for (i = 0; i < NR_EXT; i++)
		im->l1[i] = h_new_page(g);
	im->pt_last = g->next_pfn - 1;
	im->l4.p[0] = h_dir(g, im->l3.pfn, PTE_P | PTE_W | PTE_A);
	im->l3.p[0] = h_dir(g, im->l2.pfn, PTE_P | PTE_W | PTE_A);
	for (i = 0; i < NR_EXT; i++)
		im->l2.p[i] = h_dir(g, im->l1[i].pfn, PTE_P | PTE_W | PTE_A);
	for (pfn = 0; pfn < g->nr_pfns; pfn++)
		im->l1[pfn / PT_ENTRIES].p[pfn % PT_ENTRIES] = leaf_for(h, g, im, pfn);
}

static struct h_dom *pv_domain(struct harness *h, struct pv_image *im)
{
	struct h_dom *g = h_new_domain(h, 1, NR_EXT);
	uint64_t hv = T_POOL;	/* free, below the domains' extents */

	h_info(h, hv)->owner = SPT_OWNER_XEN;
	h->hv_page_mfn = hv;
	g->d.force_user = true;
	g->d.linear_l4 = true;
	g->d.wx = true;
	build(h, g, im);
	assert_int_equal(spt_pin(&g->d, im->l4.mfn, 4), 0);
	assert_int_equal(spt_new_baseptr(&g->vcpu[0], im->l4.mfn, false), 0);
	assert_consistent(h);
	return g;
}

static void assert_all_unused(struct harness *h, struct h_dom *g)
{
	for (unsigned int ext = 0; ext < NR_EXT; ext++)
		for (uint64_t i = 0; i < SPT_EXTENT_FRAMES; i++) {
			const struct spt_frame *f = h_info(h, g->p2m[ext] + i);

			if (f->count || f->type_count)
				fail_msg("pfn %#llx: count %u type %u type_count %u",
					 (unsigned long long)(ext * SPT_EXTENT_FRAMES + i),
					 (unsigned)f->count, (unsigned)f->type,
					 (unsigned)f->type_count);
		}
}

static void test_built_domain_relinquishes(void **state)
{
	struct harness *h = *state;
	struct pv_image im;
	struct h_dom *g = pv_domain(h, &im);

	assert_int_equal(spt_domain_relinquish(&g->d), 0);
	assert_all_unused(h, g);
	h_info(h, h->hv_page_mfn)->owner = SPT_OWNER_NONE;
}

/* As pvring does: a page of its image remapped onto another frame of its
 * own (its rings) by update_va_mapping's entry write. */
static void test_remapped_page_relinquishes(void **state)
{
	struct harness *h = *state;
	struct pv_image im;
	struct h_dom *g = pv_domain(h, &im);
	struct spt_flush flush = { 0 };
	uint64_t ring = g->nr_pfns - 1, page = CODE_FIRST + CODE_PAGES + 2;

	assert_int_equal(spt_pt_update(&g->d, h_maddr(im.l1[0].mfn, (unsigned)page),
				       h_leaf(h_pfn_page(g, ring).mfn, H_RW | PTE_A | PTE_D |
					      PTE_NX), false, &flush), 0);
	assert_consistent(h);
	assert_int_equal(spt_domain_relinquish(&g->d), 0);
	assert_all_unused(h, g);
	h_info(h, h->hv_page_mfn)->owner = SPT_OWNER_NONE;
}

/* Why a dying domain relinquishes before its memory is scrubbed (Umbra's
 * mgmt destroy, Xen's domain_relinquish_resources): the last type of a
 * table puts the entries the frame holds at that moment. Zeroed first,
 * the L4 lets go of nothing and the L3 and all below stay counted, so
 * the extents could never be given back. */
static void test_zeroed_tables_cannot_relinquish(void **state)
{
	struct harness *h = *state;
	struct pv_image im;
	struct h_dom *g = pv_domain(h, &im);
	struct spt_frame *l3 = h_info(h, im.l3.mfn);

	memset(im.l4.p, 0, PAGE_SIZE);
	assert_int_equal(spt_domain_relinquish(&g->d), -EBUSY);
	assert_int_equal(g->d.last_refusal.reason, SPT_R_IN_USE);
	assert_int_equal(l3->type, SPT_TYPE_L3);
	assert_int_equal(l3->type_count, 1);
	/* Undo it the way it happened, behind shared-pt's back: an L4
	 * validated empty gets the entry back in memory, and its unpin puts
	 * the reference the scrubbed entry held. */
	assert_int_equal(spt_pin(&g->d, im.l4.mfn, 4), 0);
	im.l4.p[0] = h_dir(g, im.l3.pfn, PTE_P | PTE_W | PTE_U | PTE_A);
	assert_int_equal(spt_unpin(&g->d, im.l4.mfn), 0);
	assert_int_equal(l3->type_count, 0);
	assert_int_equal(spt_domain_relinquish(&g->d), 0);
	assert_all_unused(h, g);
	h_info(h, h->hv_page_mfn)->owner = SPT_OWNER_NONE;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_built_domain_relinquishes),
		T(test_remapped_page_relinquishes),
		T(test_zeroed_tables_cannot_relinquish),
	};

	return T_RUN_BOTH_MODES("a domain built as the PV builder does", tests);
}
