/* May v, running on pCPU cpu, go on running there after this exit? Not
 * once it stopped, its domain was paused or it was pinned away: each is
 * seen at its next exit (a kick forces one). Inline, in a header of its
 * own (it needs struct vcpu and struct domain, which umbra/sched.h does
 * not include): the vendor's exit fast path asks it after every exit
 * (and must not use %gs there), and under TCG a call and its return cost
 * translation lookups on that path (umbra/hot.h). */
#ifndef UMBRA_SCHED_KEEP_H
#define UMBRA_SCHED_KEEP_H

#include <stdbool.h>
#include <umbra/domain.h>

/* Is v's domain neither paused nor stopped? Its state changes under
 * runq_lock too (sched_domain_pause), so a pick under the lock never
 * takes a vCPU of a domain paused before it. */
static inline bool sched_domain_may_run(const struct vcpu *v)
{
	return __atomic_load_n(&v->domain->state, __ATOMIC_ACQUIRE) < DOMAIN_PAUSED;
}

static inline bool sched_vcpu_keep_running(const struct vcpu *v, unsigned int cpu)
{
	return __atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VCPU_RUNNING &&
	       !__atomic_load_n(&v->needs_resched, __ATOMIC_ACQUIRE) &&
	       (__atomic_load_n(&v->affinity, __ATOMIC_ACQUIRE) & (1ULL << cpu)) &&
	       sched_domain_may_run(v);
}

#endif
