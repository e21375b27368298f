/* Frames a domain gives back and takes back (XENMEM_decrease_reservation,
 * populate_physmap, increase_reservation; shared-pt.h says how).
 *
 * Xen's guest_remove_page drops the pin and the allocation reference of
 * the page and frees it when its last reference goes; until then the
 * page works through what still references it. Umbra's domain keeps its
 * memory (the frame stays its own, with its pseudo-physical frame), so
 * "freed" is SPT_FRAME_GONE with no reference left (spt_frame_gone):
 * the ownership checks refuse it from then on, the host hears of it
 * (ops.gone: the frame leaves the domain's memory and count, as Xen's
 * freed page does), and only then may the domain take it back. */
#include "shared-pt/internal.h"

#include "base/errno.h"

int spt_give_back(struct spt_domain *d, uint64_t mfn)
{
	struct spt_frame *f = spt_frame(d->m, mfn);
	int rc = spt_check_owner(d, mfn);

	if (rc)
		return rc;
	if ((f->flags & (SPT_FRAME_SHARED | SPT_FRAME_GONE)) || f->pfn == SPT_INVALID_MFN)
		return spt_refuse(d, SPT_R_GONE, mfn, 0);
	if (f->flags & SPT_FRAME_PINNED)
		spt_unpin(d, mfn);
	f->flags |= SPT_FRAME_GONE;
	if (!f->count)
		spt_frame_went(d->m, mfn);
	return 0;
}

bool spt_frame_given_back(const struct spt_machine *m, uint64_t mfn)
{
	const struct spt_frame *f = spt_frame(m, mfn);

	return f && (f->flags & SPT_FRAME_GONE);
}

bool spt_frame_free(const struct spt_machine *m, uint64_t mfn)
{
	const struct spt_frame *f = spt_frame(m, mfn);

	return f && spt_frame_gone(f) && !f->type_count;
}

/* Xen flushes the TLBs that may still hold a freed page before it is
 * allocated again (its tlbflush timestamps): here before the host zeroes
 * the frame, if no full flush came since it was freed. */
bool spt_frame_ready(struct spt_domain *d, uint64_t mfn)
{
	struct spt_machine *m = d->m;

	if (!spt_frame_free(m, mfn))
		return false;
	if (m->frames[mfn].stale_gen == m->flush_gen) {
		m->ops->flush_tlbs(m->ctx);
		m->flush_gen++;
		d->stats.sync_flushes++;
	}
	return true;
}

int spt_take_back(struct spt_domain *d, uint64_t mfn)
{
	struct spt_frame *f = spt_frame(d->m, mfn);

	if (!f || f->owner != d->id || !(f->flags & SPT_FRAME_GONE))
		return spt_refuse(d, SPT_R_BAD_REQUEST, mfn, 0);
	if (!spt_frame_free(d->m, mfn))
		return spt_refuse(d, SPT_R_IN_USE, mfn, 0);
	f->flags &= (uint8_t)~SPT_FRAME_GONE;
	return 0;
}
