/*
 * Where a vCPU's vcpu_info lives: its slot in shared_info (vCPUs 0..31),
 * or the place the guest gave with VCPUOP_register_vcpu_info (which is
 * how a guest reaches vCPUs past 31, and how Linux keeps it per-CPU).
 * Event delivery and the time record both write it there.
 */
#include <stddef.h>
#include <asm/guest.h>
#include <asm/guest_access.h>
#include <public/vcpu.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/evtchn.h>
#include <umbra/vcpu_shared.h>
#include "mmu/pte.h"

#define PAGE_BYTES	4096ULL

/* The new place gets the old contents (or zeros with the upcall masked,
 * when there were none), then every event marked pending so that none
 * raised meanwhile is lost: Xen's order. */
static long move_vcpu_info(struct vcpu *v, uint64_t to)
{
	struct domain *d = v->domain;
	struct vcpu_info vi = { .evtchn_upcall_mask = 1 };
	uint64_t from;

	if (vcpu_info_at(v, &from) && copy_from_gpa(d, &vi, from, sizeof(vi)))
		return -EFAULT;
	vi.evtchn_upcall_pending = 1;
	if (copy_to_gpa(d, to, &vi, sizeof(vi)))
		return -EFAULT;
	evtchn_2l_select_all(v, to);	/* where the domain's layout has it */
	v->vcpu_info_gpa = to;
	__atomic_store_n(&v->vcpu_info_registered, true, __ATOMIC_RELEASE);
	return 0;
}

/* Xen refuses with -EINVAL: a second registration, a reserved field set,
 * a vcpu_info crossing the page's end or not aligned to its 8-byte
 * fields (Xen's check since XSA-327; the event bits are updated with
 * atomic operations that need it), a frame that is not the domain's RAM,
 * and another vCPU that is up. r.mfn is a frame as the guest names it: a
 * PV domain on shared page tables gives a machine frame of its own. */
long vcpu_register_info(struct vcpu *caller, struct vcpu *v, uint64_t arg)
{
	struct vcpu_register_vcpu_info r;
	uint64_t gpa, gfn;
	long rc;

	if (copy_from_guest(caller, &r, arg, sizeof(r)))
		return -EFAULT;
	if (r.rsvd || r.offset > PAGE_BYTES - sizeof(struct vcpu_info) ||
	    (r.offset & (_Alignof(struct vcpu_info) - 1)) ||
	    r.mfn >= PFN_LIMIT || v->vcpu_info_registered)
		return -EINVAL;
	if (v != caller && v->state != VCPU_DOWN)
		return -EINVAL;
	if (arch_guest_frame_gfn(v->domain, r.mfn, &gfn))
		return -EINVAL;
	gpa = gfn * PAGE_BYTES + r.offset;
	if (!domain_owns_gpa_range(v->domain, gpa, sizeof(struct vcpu_info)))
		return -EINVAL;
	/* Referenced for the domain's life, as Xen maps it: a frame given
	 * back later goes on working (docs/pv.md, Memory reservations). */
	if (arch_vcpu_info_hold(v, gfn))
		return -EINVAL;
	rc = move_vcpu_info(v, gpa);
	if (rc)
		arch_vcpu_info_release(v);
	if (!rc) {
		vcpu_time_publish(v);
		/* The moved vcpu_info says an upcall is pending: raise it,
		 * as Xen's vcpu_mark_events_pending() does. Left unraised,
		 * every later event would find evtchn_upcall_pending already
		 * set and raise nothing, so no event would ever arrive
		 * (Linux's timer, the first one it waits for, never fired). */
		evtchn_upcall_reassert(v);
	}
	return rc;
}
