/* What a vCPU shares with its guest beyond registers: its vcpu_info
 * (where it is), the time records a Xen guest reads (pvclock: each
 * vcpu_time_info, the domain's wall clock) and its runstate. */
#ifndef UMBRA_VCPU_SHARED_H
#define UMBRA_VCPU_SHARED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/xen.h>
#include <umbra/domain.h>

/* Guest-physical address of v's vcpu_info: the one it registered, else
 * its slot in shared_info (vCPUs 0..31 once shared_info is placed);
 * false if it has none. */
static inline bool vcpu_info_at(const struct vcpu *v, uint64_t *gpa)
{
	const struct domain *d = v->domain;

	if (__atomic_load_n(&v->vcpu_info_registered, __ATOMIC_ACQUIRE)) {
		*gpa = v->vcpu_info_gpa;
		return true;
	}
	if (v->id >= XEN_LEGACY_MAX_VCPUS ||
	    !__atomic_load_n(&d->shared_info_placed, __ATOMIC_ACQUIRE))
		return false;
	*gpa = __atomic_load_n(&d->shared_info_gpa, __ATOMIC_ACQUIRE) +
	       offsetof(struct shared_info, vcpu_info) + v->id * sizeof(struct vcpu_info);
	return true;
}

/* VCPUOP_register_vcpu_info for v, asked by caller. 0 or Xen's -EINVAL. */
long vcpu_register_info(struct vcpu *caller, struct vcpu *v, uint64_t arg);

/* The domain's system time: ns since it was built, on the scale its
 * vcpu_time_info records give the guest. */
uint64_t domain_system_time_ns(const struct domain *d);

/* Rewrite v's vcpu_time_info (version odd, fields, version even): when
 * its vcpu_info moves or its TSC is written. */
void vcpu_time_publish(struct vcpu *v);
/* shared_info was placed: its wall clock and the time record of every
 * vCPU whose vcpu_info lives there. */
void domain_time_publish(struct domain *d);

/* Runstate accounting: v enters scheduler state s (under the run queue
 * lock); the guest's copy is written when v is scheduled in and out. */
void vcpu_runstate_init(struct vcpu *v);
void vcpu_runstate_change(struct vcpu *v, enum vcpu_state s);
void vcpu_runstate_publish(struct vcpu *v);
/* VCPUOP_get_runstate_info (any vCPU of the caller's domain) and
 * VCPUOP_register_runstate_memory_area (caller's own or a down vCPU). */
long vcpu_get_runstate(struct vcpu *caller, struct vcpu *v, uint64_t arg);
long vcpu_register_runstate(struct vcpu *caller, struct vcpu *v, uint64_t arg);

#endif
