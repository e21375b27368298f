/* What one present page-table entry may point at, and the references it
 * holds while it is part of a live table.
 *
 *   L1  machine frame; owned by the domain or granted to it; a writable
 *       entry holds the frame's writable type.
 *   L2  an L1 table of the domain (holds its L1 type), or a 2 MiB page of
 *       the domain's own memory (each of its 512 frames as an L1 entry
 *       would).
 *   L3  an L2 table of the domain. No 1 GiB pages.
 *   L4  an L3 table of the domain; never in the hypervisor's slots.
 *
 * Directory entries name their target by pseudo-physical or by machine
 * address, as the domain's dir_mode says. The entry the MMU walks is
 * computed at the same time: the target's shadow page where it has one,
 * else the target itself (a shared L1, or in machine mode any table), or
 * for a superpage the machine extent behind it. */
#include "shared-pt/internal.h"

#include "base/errno.h"

/* Bits 8:7 of an L4 entry are reserved (AMD: must be zero). */
#define L4_RSVD		(PTE_PS | PTE_G)
/* Bits 20:13 of a 2 MiB entry lie between PAT and the frame address. */
#define L2_SUPER_RSVD	(PTE_ADDR_2M_MASK ^ PTE_ADDR_MASK ^ PTE_PAT_LARGE)

static bool granted(struct spt_domain *d, const struct spt_frame *f,
		    uint64_t mfn, bool writable)
{
	const struct spt_ops *ops = d->m->ops;

	if (!ops->granted || f->owner >= DOMID_FIRST_RESERVED || spt_frame_gone(f))
		return false;
	return ops->granted(d->m->ctx, f->owner, d->id, mfn, writable);
}

bool spt_may_map(struct spt_domain *d, const struct spt_frame *f, uint64_t mfn,
		 bool writable)
{
	if (f->owner == d->id)
		return !spt_frame_gone(f);
	return granted(d, f, mfn, writable);
}

/* W^X domains: a frame becomes executable by taking SPT_TYPE_EXEC, which
 * no writable mapping can hold at the same time. may_exec sees the frame
 * when it takes its first EXEC reference (its contents cannot change
 * while it keeps one); a refusal undoes that reference. */
static int get_exec_type(struct spt_domain *d, uint64_t mfn)
{
	const struct spt_ops *ops = d->m->ops;
	bool first = !spt_frame_in_use_as(spt_frame(d->m, mfn), SPT_TYPE_EXEC);
	int rc = spt_get_type(d, mfn, SPT_TYPE_EXEC);

	if (rc || !first || !ops->may_exec || ops->may_exec(d->m->ctx, d->id, mfn, false))
		return rc;
	spt_put_type(d, mfn);
	return spt_refuse(d, SPT_R_EXEC_REFUSED, mfn, 0);
}

static int get_leaf(struct spt_domain *d, uint64_t mfn, bool writable, bool exec)
{
	struct spt_frame *f = spt_frame(d->m, mfn);
	const struct spt_ops *ops = d->m->ops;
	int rc;

	if (!f)
		return spt_refuse(d, SPT_R_NO_FRAME, mfn, 0);
	if (d->wx && writable && exec)
		return spt_refuse(d, SPT_R_WX, mfn, 0);
	if (f->owner == d->id && spt_frame_gone(f))
		return spt_refuse(d, SPT_R_GONE_LEAF, mfn, 0);
	if (!spt_may_map(d, f, mfn, writable))
		return spt_refuse(d, SPT_R_NOT_OWNER, mfn, 0);
	if (!d->wx && exec && ops->may_exec &&
	    !ops->may_exec(d->m->ctx, d->id, mfn, writable))
		return spt_refuse(d, SPT_R_EXEC_REFUSED, mfn, 0);
	rc = spt_get_page(d, mfn);
	if (rc)
		return rc;
	if (writable)
		rc = spt_get_type(d, mfn, SPT_TYPE_WRITABLE);
	else if (d->wx && exec)
		rc = get_exec_type(d, mfn);
	if (rc)
		spt_put_page(d, mfn);
	return rc;
}

static void put_leaf(struct spt_domain *d, uint64_t mfn, bool writable, bool exec)
{
	if (writable || (d->wx && exec))
		spt_put_type(d, mfn);
	spt_put_page(d, mfn);
}

/* The hypervisor's own frame in a leaf entry: only what ops.hv_leaf
 * allows, and no references (see struct spt_ops). */
static bool hv_leaf(struct spt_domain *d, uint64_t mfn, pte_t e)
{
	const struct spt_frame *f = spt_frame(d->m, mfn);
	const struct spt_ops *ops = d->m->ops;

	return f && f->owner == SPT_OWNER_XEN && ops->hv_leaf &&
	       ops->hv_leaf(d->m->ctx, d->id, mfn, e);
}

/* Only the domain's own memory: extents are whole, so owning the first
 * frame of an aligned machine extent means owning all of it. */
static int get_superpage(struct spt_domain *d, pte_t e, pte_t *shadow_e)
{
	uint64_t base = spt_dir_target(d, e & PTE_ADDR_2M_MASK);
	bool writable = e & PTE_W;
	uint64_t i;
	int rc = 0;

	if (base == SPT_INVALID_MFN)
		return spt_refuse(d, SPT_R_NO_FRAME, spt_pte_frame(e), 0);
	rc = spt_check_owner(d, base);
	if (rc)
		return rc;
	for (i = 0; i < SPT_EXTENT_FRAMES; i++) {
		rc = get_leaf(d, base + i, writable, !(e & PTE_NX));
		if (rc)
			break;
	}
	if (rc) {
		/* Same error, more precise reason. */
		if (d->last_refusal.reason == SPT_R_PT_WRITABLE ||
		    d->last_refusal.reason == SPT_R_SEG_WRITABLE)
			d->last_refusal.reason = SPT_R_SUPERPAGE_PT;
		while (i--)
			put_leaf(d, base + i, writable, !(e & PTE_NX));
		return rc;
	}
	*shadow_e = (base << PAGE_SHIFT) | (e & ~PTE_ADDR_2M_MASK);
	return 0;
}

static void put_superpage(struct spt_domain *d, pte_t e)
{
	uint64_t base = spt_dir_target(d, e & PTE_ADDR_2M_MASK);
	uint64_t i;

	for (i = 0; i < SPT_EXTENT_FRAMES; i++)
		put_leaf(d, base + i, e & PTE_W, !(e & PTE_NX));
}

/* A directory entry at `level` naming the table below it, which must be
 * the domain's own. An entry naming its own table would let the MMU walk
 * that table as the next level and finally map page tables as data: a
 * recursive (linear) mapping, refused even read-only, since through a
 * shadow L4 it would also expose the hypervisor's slot tables. A live
 * table of another level is refused by the type discipline (type
 * confusion). */
static int get_table(struct spt_domain *d, int level, uint64_t table_mfn,
		     pte_t e, pte_t *shadow_e)
{
	uint64_t mfn = spt_dir_target(d, e);
	int rc;

	if (mfn == SPT_INVALID_MFN)
		return spt_refuse(d, SPT_R_NO_FRAME, spt_pte_frame(e), 0);
	rc = spt_check_owner(d, mfn);
	if (rc)
		return rc;
	if (mfn == table_mfn && spt_linear_l4_ok(d, level, e)) {
		*shadow_e = (mfn << PAGE_SHIFT) | (e & ~PTE_ADDR_MASK);
		return 0;	/* no references (struct spt_domain.linear_l4) */
	}
	if (mfn == table_mfn)
		return spt_refuse(d, (e & PTE_W) ? SPT_R_LINEAR_WRITABLE :
				  SPT_R_LINEAR, mfn, 0);
	rc = spt_get_page_and_type(d, mfn, (unsigned int)level - 1);
	if (rc)
		return rc;
	*shadow_e = (spt_walked_frame(d, mfn, level - 1) << PAGE_SHIFT) |
		    (e & ~PTE_ADDR_MASK);
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
	if (level == 1 && hv_leaf(d, spt_pte_frame(e), e)) {
		rc = 0;
		*shadow_e = e;
	} else if (level == 1) {
		rc = get_leaf(d, spt_pte_frame(e), e & PTE_W, !(e & PTE_NX));
		*shadow_e = e;
	} else if (level == 2 && (e & PTE_PS)) {
		rc = get_superpage(d, e, shadow_e);
	} else {
		rc = get_table(d, level, table_mfn, e, shadow_e);
	}
	return rc;
}

void spt_put_entry(struct spt_domain *d, int level, uint64_t table_mfn, pte_t e)
{
	const struct spt_frame *f = spt_frame(d->m, spt_pte_frame(e));

	if (level == 4 && spt_dir_target(d, e) == table_mfn)
		return;		/* the linear L4 entry: no references */
	if (level == 1 && f && f->owner == SPT_OWNER_XEN)
		return;		/* hv_leaf(): no references were taken */
	if (level == 1)
		put_leaf(d, spt_pte_frame(e), e & PTE_W, !(e & PTE_NX));
	else if (level == 2 && (e & PTE_PS))
		put_superpage(d, e);
	else
		spt_put_page_and_type(d, spt_dir_target(d, e));
}
