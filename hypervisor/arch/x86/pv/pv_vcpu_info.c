/*
 * The hypervisor's reference on the frame of a PV vCPU's registered
 * vcpu_info (VCPUOP_register_vcpu_info), on shared page tables. Xen maps
 * that page for as long as the domain lives, holding a general and a
 * writable type reference: it can never become a page table, descriptor
 * page or executable page, and a decrease_reservation of it leaves it
 * working (Xen's page lingers while referenced) until the domain goes.
 * Here the same reference is a shared-pt hold (spt_hold_frame), so the
 * frame given back stays the domain's memory and the hypervisor's event
 * and time writes keep reaching it. A translated domain's frames are not
 * counted by shared-pt: nothing to hold.
 */
#include <asm/pv.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include "pv_mm.h"

/* Before the registration takes effect: 0, or -EINVAL (a frame that is a
 * page table, descriptor page or executable page: Xen's
 * get_page_and_type(PGT_writable_page) fails the same way). */
int pv_vcpu_info_hold(struct vcpu *v, uint64_t gfn)
{
	struct domain *d = v->domain;
	uint64_t mfn;
	int err;

	if (!pv_names_machine_frames(d))
		return 0;
	mfn = pv_gfn_mfn(d, gfn);
	pv_mm_lock(d);
	err = spt_hold_frame(&d->pv->spt, mfn, true);
	pv_mm_unlock();
	if (err)
		return -EINVAL;
	d->pv->vcpu_info_mfn[v->id] = mfn;
	return 0;
}

/* A registration that failed after the hold, or the domain's teardown
 * (before shared-pt relinquishes it: a hold is no table's). */
void pv_vcpu_info_release(struct vcpu *v)
{
	struct domain *d = v->domain;
	uint64_t *mfn = &d->pv->vcpu_info_mfn[v->id];

	if (!*mfn)
		return;
	pv_mm_lock(d);
	spt_release_frame(&d->pv->spt, *mfn, true);
	pv_mm_unlock();
	*mfn = 0;
}
