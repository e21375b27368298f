/* shared_info mapped at a page of the image, event channel wrappers and
 * waiting for events (upcalls through the event callback, traps.c). */
#include <public/event_channel.h>
#include <public/sched.h>
#include "hypercall.h"
#include "minios.h"

static uint8_t shared_page[4096] __attribute__((aligned(4096)));
static struct shared_info *shared;
static volatile uint64_t pending_ports;		/* collected by the upcall */
static volatile unsigned int upcalls;

struct shared_info *shared_info_map(const struct start_info *si)
{
	/* present, writable, user, accessed, dirty, no-execute (W^X) */
	uint64_t pte = si->shared_info | 0x67 | 1ULL << 63;

	if (hypercall3(__HYPERVISOR_update_va_mapping, (uint64_t)(uintptr_t)shared_page, pte,
		       UVMF_INVLPG))
		return NULL;
	shared = (struct shared_info *)shared_page;
	return shared;
}

/* The upcall: collect word 0 of the pending ports (ports 0-63). */
static int on_event(struct minios_regs *r)
{
	(void)r;
	upcalls++;
	shared->vcpu_info[0].evtchn_upcall_pending = 0;
	__atomic_exchange_n(&shared->vcpu_info[0].evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	pending_ports |= __atomic_exchange_n(&shared->evtchn_pending[0], 0, __ATOMIC_SEQ_CST);
	return 1;
}

struct shared_info *shared_info_get(void)
{
	return shared;
}

long events_init(void)
{
	long rc;

	if (!shared)
		return -1;
	rc = event_callback_init(on_event);
	if (!rc)
		shared->vcpu_info[0].evtchn_upcall_mask = 0;
	return rc;
}

unsigned int events_upcalls(void)
{
	return upcalls;
}

/* Wait (SCHEDOP_block) until port has been seen pending, at most `tries`
 * wake-ups; take it off the collected set. */
int events_wait(uint32_t port, unsigned int tries)
{
	uint64_t bit = 1ULL << (port & 63);

	while (!(pending_ports & bit) && tries--)
		hv_sched_op(SCHEDOP_block, NULL);
	if (!(pending_ports & bit))
		return -1;
	__atomic_fetch_and(&pending_ports, ~bit, __ATOMIC_SEQ_CST);
	return 0;
}

void events_forget(uint32_t port)
{
	__atomic_fetch_and(&pending_ports, ~(1ULL << (port & 63)), __ATOMIC_SEQ_CST);
}

long evtchn_op(unsigned int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_event_channel_op, cmd, arg);
}
