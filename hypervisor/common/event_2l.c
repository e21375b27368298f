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
 *
 * Both pages have two layouts (public/xen.h): 64-bit words, or Xen's
 * compat one with 32-bit words (1024 ports), which a domain gets when it
 * sets itself up from 32-bit code (d->shinfo_compat, evtchn_2l_latch).
 * The pending bitmap starts at the same offset in both and, x86 being
 * little-endian, a port's bit is the same bit either way; the mask, the
 * selector and the selector's bit numbers differ.
 */
#include <stddef.h>
#include <asm/guest_access.h>
#include <asm/guest.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/evtchn.h>
#include <umbra/sched.h>
#include <umbra/vcpu_shared.h>

/* Where the bits are, in the domain's layout. The bitmaps are byte
 * streams (x86 is little-endian), so port p is bit p from the array's
 * start in either: only where the mask starts differs. The selector is
 * the 8-byte word at offset 8 of vcpu_info (bit: port / 64), or the
 * 4-byte word at offset 4 (bit: port / 32), which is the upper half of
 * the aligned 8-byte word at offset 0: the atomic helpers work on
 * aligned 8-byte words. */
struct layout {
	size_t pending, mask;		/* offsets in shared_info */
	size_t sel_word;		/* aligned 8-byte word holding the selector */
	unsigned int sel_bit0;		/* the selector's bit 0 in that word */
	unsigned int ports_per_sel;	/* ports per selector bit: the word size */
	uint32_t nr_ports;
};

static const struct layout native_layout = {
	.pending = offsetof(struct shared_info, evtchn_pending),
	.mask = offsetof(struct shared_info, evtchn_mask),
	.sel_word = offsetof(struct vcpu_info, evtchn_pending_sel),
	.sel_bit0 = 0,
	.ports_per_sel = 64,
	.nr_ports = EVTCHN_2L_NR_CHANNELS,
};

static const struct layout compat_layout = {
	.pending = offsetof(struct compat_shared_info, evtchn_pending),
	.mask = offsetof(struct compat_shared_info, evtchn_mask),
	.sel_word = offsetof(struct compat_vcpu_info, evtchn_pending_sel) - 4,
	.sel_bit0 = 32,
	.ports_per_sel = 32,
	.nr_ports = EVTCHN_2L_NR_CHANNELS_COMPAT,
};

static const struct layout *layout_of(const struct domain *d)
{
	return __atomic_load_n(&d->shinfo_compat, __ATOMIC_ACQUIRE) ? &compat_layout
								      : &native_layout;
}

/* A port the layout has no bit for is never pending and never raised. */
static bool shared_info_at(struct domain *d, uint32_t port, uint64_t *gpa)
{
	if (!__atomic_load_n(&d->shared_info_placed, __ATOMIC_ACQUIRE) ||
	    port >= layout_of(d)->nr_ports)
		return false;
	*gpa = __atomic_load_n(&d->shared_info_gpa, __ATOMIC_ACQUIRE);
	return true;
}

/* The aligned 8-byte word of the bitmap at `field` holding port's bit;
 * its number there is port % 64. */
static uint64_t word_of(uint64_t si, size_t field, uint32_t port)
{
	return si + field + (port / 64) * sizeof(uint64_t);
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

	const struct layout *l = layout_of(v->domain);

	if (vcpu_info_at(v, &vi) &&
	    gpa_test_and_set_bit(v->domain, vi + l->sel_word,
				 l->sel_bit0 + port / l->ports_per_sel) == 0)
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
	const struct layout *l = layout_of(d);
	uint64_t si;

	if (!shared_info_at(d, port, &si))
		return;
	if (gpa_test_and_set_bit(d, word_of(si, l->pending, port), port % 64))
		return;		/* already pending (or not its RAM) */
	if (vcpu < d->nr_vcpus &&
	    gpa_test_bit(d, word_of(si, l->mask, port), port % 64) == 0)
		set_selector(d->vcpus[vcpu], port);
	wake_pollers(d, port);
}

void evtchn_2l_clear_pending(struct domain *d, uint32_t port)
{
	uint64_t si;

	if (shared_info_at(d, port, &si))
		gpa_test_and_clear_bit(d, word_of(si, layout_of(d)->pending, port),
				       port % 64);
}

void evtchn_2l_unmask(struct domain *d, uint32_t vcpu, uint32_t port)
{
	uint64_t si;

	if (!shared_info_at(d, port, &si))
		return;
	if (gpa_test_and_clear_bit(d, word_of(si, layout_of(d)->mask, port),
				   port % 64) == 1 &&
	    evtchn_2l_is_pending(d, port) && vcpu < d->nr_vcpus)
		set_selector(d->vcpus[vcpu], port);
}

bool evtchn_2l_is_pending(struct domain *d, uint32_t port)
{
	uint64_t si;

	return shared_info_at(d, port, &si) &&
	       gpa_test_bit(d, word_of(si, layout_of(d)->pending, port), port % 64) == 1;
}

/* Xen samples the caller's mode at the first things a guest's event
 * set-up does (the hypercall page, HVM_PARAM_CALLBACK_IRQ) and lays its
 * shared state out for that width from then on. The wall clock moves
 * with the layout, so it is written again in the new place. */
void evtchn_2l_latch(struct vcpu *v, bool compat)
{
	struct domain *d = v->domain;

	if (__atomic_exchange_n(&d->shinfo_compat, compat, __ATOMIC_ACQ_REL) != compat)
		domain_time_publish(d);
}

/* Every selector bit of v's vcpu_info set, in the domain's layout:
 * after its vcpu_info moved, so that the guest scans every word. */
void evtchn_2l_select_all(struct vcpu *v, uint64_t vi)
{
	const struct layout *l = layout_of(v->domain);
	unsigned int words = l->nr_ports / l->ports_per_sel;

	for (unsigned int i = 0; i < words; i++)
		gpa_test_and_set_bit(v->domain, vi + l->sel_word, l->sel_bit0 + i);
}

/* Every selector bit, the upcall pending and raised: the guest scans
 * all its ports once. The memory a restore loaded was read page by page
 * from a paused domain whose events still arrived (a timer's VIRQ), so a
 * port's pending bit can be there without its selector bit or
 * evtchn_upcall_pending, or with them but without the upcall the vCPU
 * state recorded; every later event on that port would then find it
 * pending and notify nothing (Linux's timer never fired again). */
void evtchn_restore_kick(struct vcpu *v)
{
	uint64_t vi;

	if (!vcpu_info_at(v, &vi))
		return;
	evtchn_2l_select_all(v, vi);
	gpa_test_and_set_bit(v->domain, vi + offsetof(struct vcpu_info, evtchn_upcall_pending), 0);
	arch_vcpu_upcall_raise(v);
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
