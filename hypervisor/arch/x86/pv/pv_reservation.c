/*
 * Frames a PV domain gives back and populates again (XENMEM_decrease_
 * reservation, populate_physmap, increase_reservation): what the common
 * code (common/memory_reservation.c), which keeps the domain's unbacked
 * map and counts, asks of the PV side.
 *
 * On shared page tables the guest names machine frames and maps them
 * itself. A frame given back is unpinned and marked in the frame table
 * (spt_give_back), as Xen's guest_remove_page drops the pin and the
 * allocation reference; what still references it (a mapping, a table's
 * use) keeps it working until it lets go, as Xen's page lingers until
 * its last reference goes. Then (pv_frame_gone, often at once) it is
 * Xen's freed page: out of the domain's memory and count (the unbacked
 * map, which the hypervisor's copies honour), its read-only M2P entry
 * INVALID_M2P_ENTRY, and no mapping, pin, base pointer or descriptor
 * page may name it. Taken back, the M2P names its pseudo-physical frame
 * again. Translated (paging=shadow) the
 * shadow p2m reads the unbacked map, so the frame is gone once every
 * shadow and TLB entry of it is.
 */
#include <asm/pv.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include "pv_m2p.h"
#include "pv_mm.h"

static uint64_t frame_mfn(const struct domain *d, uint64_t gfn)
{
	return (d->extents[gfn / (EXTENT_SIZE >> PAGE_SHIFT)] >> PAGE_SHIFT) +
	       gfn % (EXTENT_SIZE >> PAGE_SHIFT);
}

bool pv_names_machine_frames(const struct domain *d)
{
	return d->pv && !pv_translated(d);
}

uint64_t pv_gfn_mfn(const struct domain *d, uint64_t gfn)
{
	return pv_names_machine_frames(d) ? frame_mfn(d, gfn) : gfn;
}

/* shared-pt's ops.gone, under the page-table lock: the frame's owner
 * gave it back and its last reference just went (a put by any domain). */
void pv_frame_gone(void *ctx, uint16_t owner, uint64_t mfn)
{
	struct domain *d = domain_by_id(owner);
	uint64_t pfn;

	(void)ctx;
	if (!d || !d->pv || spt_m2p(pv_mm_machine(), mfn, NULL, &pfn))
		return;
	pv_m2p_clear(mfn, 1);
	domain_frame_gone(d, pfn);
}

/* Under the domain's p2m_lock. On shared page tables each frame is one
 * of its RAM not given back (the caller checked), so none is refused;
 * should one be, nothing was given back (none of them was free). A
 * translated domain's unbacked bits, set by the caller, are its p2m. */
int pv_p2m_remove_frames(struct domain *d, uint64_t gfn, uint64_t n)
{
	struct spt_machine *m = pv_mm_machine();
	int err = 0;

	if (!pv_names_machine_frames(d))
		return 0;
	pv_mm_lock(d);
	for (uint64_t g = gfn; g < gfn + n && !err; g++) {
		uint16_t owner;

		if (spt_m2p(m, frame_mfn(d, g), &owner, NULL) || owner != d->id ||
		    spt_frame_given_back(m, frame_mfn(d, g)))
			err = -EINVAL;
	}
	for (uint64_t g = gfn; g < gfn + n && !err; g++)
		err = spt_give_back(&d->pv->spt, frame_mfn(d, g));
	pv_mm_unlock();
	return err;
}

/* Outside the lock. The shadows of a translated guest still map the
 * frames: they and every TLB entry of them go before the call returns,
 * as for an HVM guest. On shared page tables a freed frame can only be
 * in the TLBs of the guest's own stale mappings, which reach nothing but
 * that frame: flushed before it is reused (pv_p2m_frames_ready), as Xen
 * does. */
void pv_p2m_flush_tlbs(struct domain *d)
{
	if (pv_translated(d))
		pv_shadow_p2m_changed(d);
}

/* May [gfn, gfn + n) be zeroed and populated: on shared page tables,
 * nothing references its frames any more (a frame given back while
 * mapped stays the guest's to use until it lets go) and no TLB still
 * holds one (spt_frame_ready flushes them all if none was flushed since
 * it was freed, as Xen does before it reuses a freed page). Nothing can
 * start referencing a free frame, so the answer holds until
 * pv_p2m_restore_frames. */
bool pv_p2m_frames_ready(struct domain *d, uint64_t gfn, uint64_t n)
{
	bool ok = true;

	if (!pv_names_machine_frames(d))
		return true;
	pv_mm_lock(d);
	for (uint64_t g = gfn; g < gfn + n && ok; g++)
		ok = spt_frame_ready(&d->pv->spt, frame_mfn(d, g));
	pv_mm_unlock();
	return ok;
}

/* Under p2m_lock, the frames zeroed and found free. */
int pv_p2m_restore_frames(struct domain *d, uint64_t gfn, uint64_t n)
{
	if (!pv_names_machine_frames(d))
		return 0;
	pv_mm_lock(d);
	for (uint64_t g = gfn; g < gfn + n; g++)
		spt_take_back(&d->pv->spt, frame_mfn(d, g));
	pv_mm_unlock();
	pv_m2p_set(frame_mfn(d, gfn), gfn, n);
	return 0;
}
