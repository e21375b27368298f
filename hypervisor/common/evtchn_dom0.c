/*
 * dom0's own event-channel ports, for its back ends. dom0's kernel is
 * Linux as on bare metal: it places no shared_info and takes no upcall.
 * So an event for one of dom0's ports is recorded here, in a bitmap of
 * Umbra's, and moves the management event generation (dom0's event
 * interrupt, poll() on /dev/umbra); the back end then collects its
 * ports' events with UMBRA_MGMT_evtchn_pending (common/mgmt_rings.c).
 */
#include <umbra/domain.h>
#include <umbra/evtchn.h>
#include <umbra/mgmt.h>

#define WORD_BITS	64

static uint64_t pending[EVTCHN_DEFAULT_PORTS / WORD_BITS];

void evtchn_set_pending(struct domain *d, uint32_t vcpu, uint32_t port)
{
	uint64_t bit;

	if (!domain_is_dom0(d)) {
		evtchn_2l_set_pending(d, vcpu, port);
		return;
	}
	if (port >= EVTCHN_DEFAULT_PORTS)
		return;
	bit = 1ULL << (port % WORD_BITS);
	if (!(__atomic_fetch_or(&pending[port / WORD_BITS], bit, __ATOMIC_SEQ_CST) & bit))
		mgmt_notify();
}

bool evtchn_dom0_take_pending(uint32_t port)
{
	uint64_t bit = 1ULL << (port % WORD_BITS);

	if (port == 0 || port >= EVTCHN_DEFAULT_PORTS)
		return false;
	return __atomic_fetch_and(&pending[port / WORD_BITS], ~bit, __ATOMIC_SEQ_CST) & bit;
}
