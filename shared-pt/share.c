/* Hypervisor pages shared with one domain, and references held outside
 * any page table.
 *
 * Xen's PV grant table frames are Xen's own pages that the guest maps
 * by machine frame (share_xen_page_with_guest, SHARE_rw): the page is
 * owned by the domain from then on, so its L1 entries pass the usual
 * ownership check and count references like any other frame, and it
 * carries a writable type reference of its own, so it never becomes a
 * page table, a descriptor page or (W^X) an executable page. It has no
 * pseudo-physical frame. Giving it back requires that nothing maps it
 * any more, or the owner would keep a mapping of a page reused elsewhere.
 *
 * A hold is a grant's device mapping (GNTMAP_device_map): no page-table
 * entry, but the frame must stay as it is while it lasts. */
#include "shared-pt/internal.h"

#include "base/errno.h"

int spt_share_page(struct spt_domain *d, uint64_t mfn)
{
	struct spt_frame *f = spt_frame(d->m, mfn);

	if (!f)
		return spt_refuse(d, SPT_R_NO_FRAME, mfn, 0);
	if (f->owner != SPT_OWNER_NONE || f->count || f->type_count)
		return spt_refuse(d, SPT_R_IN_USE, mfn, 0);
	/* A page that was a shadow directory may still be cached as one. */
	spt_flush_if_stale(d, mfn, SPT_TYPE_WRITABLE);
	f->owner = d->id;
	f->pfn = SPT_INVALID_MFN;
	f->flags = SPT_FRAME_SHARED;
	f->type = SPT_TYPE_WRITABLE;
	f->type_count = 1;
	f->count = 1;
	return 0;
}

int spt_unshare_page(struct spt_domain *d, uint64_t mfn)
{
	struct spt_machine *m = d->m;
	struct spt_frame *f = spt_frame(m, mfn);

	if (!f || f->owner != d->id || !(f->flags & SPT_FRAME_SHARED))
		return spt_refuse(d, SPT_R_BAD_REQUEST, mfn, 0);
	if (f->count > 1 || f->type_count > 1)
		return spt_refuse(d, SPT_R_IN_USE, mfn, 0);
	f->owner = SPT_OWNER_NONE;
	f->pfn = SPT_INVALID_MFN;
	f->flags = 0;
	f->type = SPT_TYPE_NONE;
	f->type_count = 0;
	f->count = 0;
	/* Mappings that went before may still be cached. */
	m->ops->flush_tlbs(m->ctx);
	m->flush_gen++;
	d->stats.sync_flushes++;
	return 0;
}

int spt_hold_frame(struct spt_domain *d, uint64_t mfn, bool writable)
{
	struct spt_frame *f = spt_frame(d->m, mfn);
	int rc;

	if (!f)
		return spt_refuse(d, SPT_R_NO_FRAME, mfn, 0);
	if (f->owner >= DOMID_FIRST_RESERVED || !spt_may_map(d, f, mfn, writable))
		return spt_refuse(d, SPT_R_NOT_OWNER, mfn, 0);
	rc = spt_get_page(d, mfn);
	if (rc || !writable)
		return rc;
	rc = spt_get_type(d, mfn, SPT_TYPE_WRITABLE);
	if (rc)
		spt_put_page(d, mfn);
	return rc;
}

void spt_release_frame(struct spt_domain *d, uint64_t mfn, bool writable)
{
	if (!spt_frame(d->m, mfn))
		return;
	if (writable)
		spt_put_type(d, mfn);
	spt_put_page(d, mfn);
}
