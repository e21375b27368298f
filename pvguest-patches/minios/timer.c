/* Time from the pvclock record, and sleeping on the one-shot timer
 * (timer.h). */
#include <public/event_channel.h>
#include "clock.h"
#include "hypercall.h"
#include "minios.h"
#include "timer.h"

/* Wake-ups a sleep may take before it gives up: other events wake the
 * vCPU too, and a lost timer must not hang the guest. */
#define MAX_WAKEUPS	10000

static uint32_t virq_port;
static bool bound;
static unsigned int wakeups;

long timer_init(void)
{
	struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
	long rc = evtchn_op(EVTCHNOP_bind_virq, &bv);

	if (rc)
		return rc;
	virq_port = bv.port;
	bound = true;
	return 0;
}

uint32_t timer_port(void)
{
	return virq_port;
}

/* vCPU 0's record (the clock's, clock.c); NULL before shared_info. */
static const volatile struct vcpu_time_info *record(void)
{
	struct shared_info *s = shared_info_get();

	return s ? &s->vcpu_info[0].time : NULL;
}

bool timer_clock_running(void)
{
	const volatile struct vcpu_time_info *t = record();

	return t && t->tsc_to_system_mul;
}

uint64_t timer_now(void)
{
	const volatile struct vcpu_time_info *t = record();

	return t ? clock_read(t, NULL) : 0;
}

/* Events unmasked while it blocks (a caller in a callback that masked
 * them still sees VIRQ_TIMER's upcall), the mask as it was after. */
int timer_sleep_until(uint64_t deadline)
{
	volatile uint8_t *mask = &shared_info_get()->vcpu_info[0].evtchn_upcall_mask;
	unsigned int tries = MAX_WAKEUPS;
	uint8_t was;
	int rc = 0;

	if (!bound || !timer_clock_running())
		return -1;
	was = *mask;
	*mask = 0;
	while (timer_now() < deadline) {
		if (!tries--) {
			rc = -1;
			break;
		}
		/* A deadline the hypervisor finds passed fires at once. */
		hypercall1(__HYPERVISOR_set_timer_op, deadline);
		if (!events_wait(virq_port, 1))
			wakeups++;
	}
	*mask = was;
	return rc;
}

int timer_sleep(uint64_t ns)
{
	return timer_sleep_until(timer_now() + ns);
}

unsigned int timer_wakeups(void)
{
	return wakeups;
}
