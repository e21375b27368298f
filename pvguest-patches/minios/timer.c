/* Time from the pvclock record, and sleeping on the one-shot timer
 * (timer.h). */
#include <public/event_channel.h>
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

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* ticks scaled as Xen's pvclock does: shifted, then times mul / 2^32. */
static uint64_t scale(uint64_t ticks, uint32_t mul, int8_t shift)
{
	if (shift < 0)
		ticks >>= -shift;
	else
		ticks <<= shift;
	return (uint64_t)(((unsigned __int128)ticks * mul) >> 32);
}

/* A consistent copy of vCPU 0's record: the version even and unchanged
 * around the read (the hypervisor makes it odd while it writes). */
static int read_record(struct vcpu_time_info *t)
{
	struct shared_info *s = shared_info_get();
	volatile struct vcpu_time_info *r;
	uint32_t v;

	if (!s)
		return -1;
	r = &s->vcpu_info[0].time;
	do {
		v = r->version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		t->tsc_timestamp = r->tsc_timestamp;
		t->system_time = r->system_time;
		t->tsc_to_system_mul = r->tsc_to_system_mul;
		t->tsc_shift = r->tsc_shift;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((v & 1) || v != r->version);
	return 0;
}

bool timer_clock_running(void)
{
	struct vcpu_time_info t;

	return !read_record(&t) && t.tsc_to_system_mul;
}

uint64_t timer_now(void)
{
	struct vcpu_time_info t;

	if (read_record(&t))
		return 0;
	return t.system_time + scale(rdtsc() - t.tsc_timestamp, t.tsc_to_system_mul, t.tsc_shift);
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
