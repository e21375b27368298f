/*
 * Xen's 2-level event channels in the domain's shared_info: a port is
 * pending or masked by its bit in evtchn_pending / evtchn_mask; the
 * notified vCPU's vcpu_info gets the word's bit in evtchn_pending_sel and
 * evtchn_upcall_pending, whose 0 -> 1 raises the upcall. The guest
 * changes the same words with locked instructions, so every change here
 * is an atomic bit operation, in Xen's order (set_pending: pending, then
 * mask test, then selector; unmask: mask, then pending, then selector),
 * which keeps a concurrent unmask from losing an event.
 *
 * vcpu_info is where vcpu_info_at() says: the vCPU's slot in shared_info
 * (vCPUs 0..31) or where it registered one (common/vcpu_info.c).
 */
#include <stddef.h>
#include <asm/guest_access.h>
#include <asm/guest.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/evtchn.h>
#include <umbra/sched.h>
#include <umbra/vcpu_shared.h>

#define BITS_PER_WORD	64

static bool shared_info_at(struct domain *d, uint64_t *gpa)
{
	if (!__atomic_load_n(&d->shared_info_placed, __ATOMIC_ACQUIRE))
		return false;
	*gpa = __atomic_load_n(&d->shared_info_gpa, __ATOMIC_ACQUIRE);
	return true;
}

static uint64_t word_of(uint64_t si, size_t field, uint32_t port)
{
	return si + field + (port / BITS_PER_WORD) * sizeof(xen_ulong_t);
}

/* evtchn_upcall_pending is byte 0 of the word at the start of vcpu_info. */
static void mark_events_pending(struct vcpu *v)
{
	uint64_t vi;

	if (!vcpu_info_at(v, &vi))
		return;
	if (gpa_test_and_set_bit(v->domain, vi + offsetof(struct vcpu_info,
							  evtchn_upcall_pending), 0) == 0) {
		arch_vcpu_upcall_raise(v);
		sched_vcpu_kick(v);
	}
}

static void set_selector(struct vcpu *v, uint32_t port)
{
	uint64_t vi;

	if (vcpu_info_at(v, &vi) &&
	    gpa_test_and_set_bit(v->domain, vi + offsetof(struct vcpu_info, evtchn_pending_sel),
				 port / BITS_PER_WORD) == 0)
		mark_events_pending(v);
}

/* A vCPU in SCHEDOP_poll on this port (or on several) wakes, masked or not:
 * polling a masked port is how a guest waits without an upcall. */
static void wake_pollers(struct domain *d, uint32_t port)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];
		uint32_t want = __atomic_load_n(&v->poll_port, __ATOMIC_ACQUIRE);

		if (!__atomic_load_n(&v->polling, __ATOMIC_SEQ_CST))
			continue;
		if (want != EVTCHN_POLL_ANY && want != port)
			continue;
		if (__atomic_exchange_n(&v->polling, false, __ATOMIC_SEQ_CST))
			sched_vcpu_wake(v);
	}
}

void evtchn_2l_set_pending(struct domain *d, uint32_t vcpu, uint32_t port)
{
	uint64_t si;

	if (!shared_info_at(d, &si))
		return;
	if (gpa_test_and_set_bit(d, word_of(si, offsetof(struct shared_info, evtchn_pending),
					    port), port % BITS_PER_WORD))
		return;		/* already pending (or not its RAM) */
	if (vcpu < d->nr_vcpus &&
	    gpa_test_bit(d, word_of(si, offsetof(struct shared_info, evtchn_mask), port),
			 port % BITS_PER_WORD) == 0)
		set_selector(d->vcpus[vcpu], port);
	wake_pollers(d, port);
}

void evtchn_2l_clear_pending(struct domain *d, uint32_t port)
{
	uint64_t si;

	if (shared_info_at(d, &si))
		gpa_test_and_clear_bit(d, word_of(si, offsetof(struct shared_info,
							       evtchn_pending), port),
				       port % BITS_PER_WORD);
}

void evtchn_2l_unmask(struct domain *d, uint32_t vcpu, uint32_t port)
{
	uint64_t si;

	if (!shared_info_at(d, &si))
		return;
	if (gpa_test_and_clear_bit(d, word_of(si, offsetof(struct shared_info, evtchn_mask),
					      port), port % BITS_PER_WORD) == 1 &&
	    evtchn_2l_is_pending(d, port) && vcpu < d->nr_vcpus)
		set_selector(d->vcpus[vcpu], port);
}

bool evtchn_2l_is_pending(struct domain *d, uint32_t port)
{
	uint64_t si;

	return shared_info_at(d, &si) &&
	       gpa_test_bit(d, word_of(si, offsetof(struct shared_info, evtchn_pending), port),
			    port % BITS_PER_WORD) == 1;
}

void evtchn_upcall_reassert(struct vcpu *v)
{
	uint64_t vi;

	if (vcpu_info_at(v, &vi) &&
	    gpa_test_bit(v->domain, vi + offsetof(struct vcpu_info, evtchn_upcall_pending), 0) == 1) {
		arch_vcpu_upcall_raise(v);
		sched_vcpu_kick(v);
	}
}
