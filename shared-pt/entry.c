/* What one present page-table entry may point at, and the references it
 * holds while it is part of a live table.
 *
 *   L1  machine frame; owned by the domain or granted to it; a writable
 *       entry holds the frame's writable type.
 *   L2  pseudo-physical address of an L1 table (holds its L1 type), or a
 *       2 MiB page (each of its 512 frames as an L1 entry would).
 *   L3  pseudo-physical address of an L2 table. No 1 GiB pages.
 *   L4  pseudo-physical address of an L3 table; never in the hypervisor's
 *       slots.
 *
 * For directories the shadow entry is computed at the same time: the
 * machine frame of the shared L1, of the target's shadow page, or of the
 * machine extent behind a superpage, with the guest's flags. */
#include "shared-pt/internal.h"

#include "umbra/errno.h"

/* Bits 8:7 of an L4 entry are reserved (AMD: must be zero). */
#define L4_RSVD		(PTE_PS | PTE_G)
/* Bits 20:13 of a 2 MiB entry lie between PAT and the frame address. */
#define L2_SUPER_RSVD	(PTE_ADDR_2M_MASK ^ PTE_ADDR_MASK ^ PTE_PAT_LARGE)

static bool granted(struct spt_domain *d, const struct spt_frame *f,
		    uint64_t mfn, bool writable)
{
	const struct spt_ops *ops = d->m->ops;

	if (!ops->granted || f->owner >= SPT_DOMID_FIRST_RESERVED)
		return false;
	return ops->granted(d->m->ctx, f->owner, d->id, mfn, writable);
}

static int get_leaf(struct spt_domain *d, uint64_t mfn, bool writable)
{
	struct spt_frame *f = spt_frame(d->m, mfn);
	int rc;

	if (!f)
		return spt_refuse(d, SPT_R_NO_FRAME, mfn, 0);
	if (f->owner != d->id && !granted(d, f, mfn, writable))
		return spt_refuse(d, SPT_R_NOT_OWNER, mfn, 0);
	rc = spt_get_page(d, mfn);
	if (rc || !writable)
		return rc;
	rc = spt_get_type(d, mfn, SPT_TYPE_WRITABLE);
	if (rc)
		spt_put_page(d, mfn);
	return rc;
}

static void put_leaf(struct spt_domain *d, uint64_t mfn, bool writable)
{
	if (writable)
		spt_put_type(d, mfn);
	spt_put_page(d, mfn);
}

static int get_superpage(struct spt_domain *d, pte_t e, pte_t *shadow_e)
{
	uint64_t pfn = spt_pte_frame(e & PTE_ADDR_2M_MASK);
	uint64_t base = spt_p2m(d, pfn);
	bool writable = e & PTE_W;
	uint64_t i;
	int rc = 0;

	if (base == SPT_INVALID_MFN)
		return spt_refuse(d, SPT_R_NO_FRAME, pfn, 0);
	for (i = 0; i < SPT_EXTENT_FRAMES; i++) {
		rc = get_leaf(d, base + i, writable);
		if (rc)
			break;
	}
	if (rc) {
		/* Same error, more precise reason. */
		if (d->last_refusal.reason == SPT_R_PT_WRITABLE ||
		    d->last_refusal.reason == SPT_R_SEG_WRITABLE)
			d->last_refusal.reason = SPT_R_SUPERPAGE_PT;
		while (i--)
			put_leaf(d, base + i, writable);
		return rc;
	}
	*shadow_e = (base << PAGE_SHIFT) | (e & ~PTE_ADDR_2M_MASK);
	return 0;
}

static void put_superpage(struct spt_domain *d, pte_t e)
{
	uint64_t base = spt_p2m(d, spt_pte_frame(e & PTE_ADDR_2M_MASK));
	uint64_t i;

	for (i = 0; i < SPT_EXTENT_FRAMES; i++)
		put_leaf(d, base + i, e & PTE_W);
}

/* A directory entry at `level` naming the table below it. An entry naming
 * its own table would let the MMU walk that table as the next level and
 * finally map page tables as data: a recursive (linear) mapping, refused
 * even read-only, since through the shadow it would also expose the
 * hypervisor's slot tables. A live table of another level is refused by
 * the type discipline (type confusion). */
static int get_table(struct spt_domain *d, int level, uint64_t table_mfn,
		     pte_t e, pte_t *shadow_e)
{
	uint64_t pfn = spt_pte_frame(e);
	uint64_t mfn = spt_p2m(d, pfn);
	struct spt_frame *f;
	int rc;

	if (mfn == SPT_INVALID_MFN)
		return spt_refuse(d, SPT_R_NO_FRAME, pfn, 0);
	f = spt_frame(d->m, mfn);
	if (mfn == table_mfn)
		return spt_refuse(d, (e & PTE_W) ? SPT_R_LINEAR_WRITABLE :
				  SPT_R_LINEAR, mfn, 0);
	rc = spt_get_page_and_type(d, mfn, (unsigned int)level - 1);
	if (rc)
		return rc;
	if (level == 2)
		*shadow_e = (mfn << PAGE_SHIFT) | (e & ~PTE_ADDR_MASK);
	else
		*shadow_e = (f->shadow << PAGE_SHIFT) | (e & ~PTE_ADDR_MASK);
	return 0;
}

static pte_t reserved_bits(const struct spt_machine *m, int level, pte_t e)
{
	pte_t rsvd = spt_rsvd_phys(m);

	if (level == 4)
		rsvd |= L4_RSVD;
	if (level == 2 && (e & PTE_PS))
		rsvd |= L2_SUPER_RSVD;
	return e & rsvd;
}

int spt_get_entry(struct spt_domain *d, int level, uint64_t table_mfn,
		  unsigned int index, pte_t e, pte_t *shadow_e)
{
	int rc;

	*shadow_e = 0;
	if (level == 4 && spt_is_hv_l4_slot(index))
		return spt_refuse(d, SPT_R_HV_SLOT, table_mfn, index);
	if (reserved_bits(d->m, level, e))
		return spt_refuse(d, SPT_R_RESERVED_BITS, table_mfn, index);
	if (level == 3 && (e & PTE_PS))
		return spt_refuse(d, SPT_R_SUPERPAGE_1G, table_mfn, index);
	if (level == 1) {
		rc = get_leaf(d, spt_pte_frame(e), e & PTE_W);
		*shadow_e = e;
	} else if (level == 2 && (e & PTE_PS)) {
		rc = get_superpage(d, e, shadow_e);
	} else {
		rc = get_table(d, level, table_mfn, e, shadow_e);
	}
	return rc;
}

void spt_put_entry(struct spt_domain *d, int level, pte_t e)
{
	if (level == 1)
		put_leaf(d, spt_pte_frame(e), e & PTE_W);
	else if (level == 2 && (e & PTE_PS))
		put_superpage(d, e);
	else
		spt_put_page_and_type(d, spt_p2m(d, spt_pte_frame(e)));
}
