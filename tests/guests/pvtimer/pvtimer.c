/*
 * pvtimer: a PV guest's timers and event waits, as Xen's PV ABI has them.
 * Time is the pvclock record the builder published in shared_info
 * (minios clock.c). VIRQ_TIMER is bound and taken through the event
 * upcall (an upcall that honours the port masks, unlike the runtime's):
 *  - set_timer_op(now + 10 ms), then SCHEDOP_block: woken by the timer's
 *    upcall, no earlier than the deadline, not absurdly late;
 *  - VCPUOP_set_singleshot_timer the same way; with VCPU_SSHOTTMR_future
 *    a time already past is -ETIME (and without it, fires at once);
 *    VCPUOP_stop_singleshot_timer: the stopped timer never fires;
 *  - SCHEDOP_poll, events masked: on the timer's port (it returns when the
 *    timer fires, before its own timeout) and with only a timeout;
 *  - EVTCHNOP_unmask of a masked port that is pending raises the upcall.
 * One line per check; the shutdown reason says whether all passed.
 */
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include "clock.h"
#include "hypercall.h"
#include "minios.h"

const char guest_name[] = "pvtimer";

#define MS		1000000ULL
/* A generous bound: QEMU's timers can be tens of ms late under load. */
#define LATE_MAX	(500 * MS)
#define MAX_BLOCKS	10000

static volatile struct shared_info *s;
static volatile unsigned int upcalls;
static volatile uint64_t seen;		/* ports the upcall took (0-63) */

static int on_event(struct minios_regs *r)
{
	uint64_t ready;

	(void)r;
	upcalls++;
	s->vcpu_info[0].evtchn_upcall_pending = 0;
	__atomic_exchange_n(&s->vcpu_info[0].evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	ready = s->evtchn_pending[0] & ~s->evtchn_mask[0];
	__atomic_fetch_and(&s->evtchn_pending[0], ~ready, __ATOMIC_SEQ_CST);
	seen |= ready;
	return 1;
}

static uint64_t now(void)
{
	return clock_read(&s->vcpu_info[0].time, NULL);
}

static long evtchn(unsigned int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_event_channel_op, cmd, arg);
}

static long singleshot(uint64_t at, uint32_t flags)
{
	struct vcpu_set_singleshot_timer st = { .timeout_abs_ns = at, .flags = flags };

	return hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0, &st);
}

static long poll(uint32_t *port, uint64_t timeout)
{
	struct sched_poll p = { .ports = (uint64_t)(uintptr_t)port, .nr_ports = 1,
				.timeout = timeout };

	return hv_sched_op(SCHEDOP_poll, &p);
}

/* SCHEDOP_block until the upcall took port; false if it never did. */
static bool wait_port(uint32_t port)
{
	uint64_t bit = 1ULL << port;

	for (unsigned int i = 0; i < MAX_BLOCKS && !(seen & bit); i++)
		hv_sched_op(SCHEDOP_block, NULL);
	if (!(seen & bit))
		return false;
	__atomic_fetch_and(&seen, ~bit, __ATOMIC_SEQ_CST);
	return true;
}

static bool pending(uint32_t port)
{
	return s->evtchn_pending[0] >> port & 1;
}

static void clear_pending(uint32_t port)
{
	__atomic_fetch_and(&s->evtchn_pending[0], ~(1ULL << port), __ATOMIC_SEQ_CST);
}

/* How late `woke` was for deadline dl: on time (not before), not absurdly late. */
static void expect_on_time(const char *what, uint64_t dl, uint64_t woke)
{
	con_printf("pvtimer: %s: woke %ld us after the deadline\n", what,
		   (long)(woke - dl) / 1000);
	expect(woke >= dl, what);
	expect(woke < dl + LATE_MAX, "... and less than 500 ms after it");
}

static void check_set_timer_op(uint32_t port)
{
	unsigned int before = upcalls;
	uint64_t dl = now() + 10 * MS;
	long rc = hypercall1(__HYPERVISOR_set_timer_op, dl);
	bool got = wait_port(port);

	expect(rc == 0 && got && upcalls > before,
	       "set_timer_op(now + 10 ms), SCHEDOP_block: VIRQ_TIMER's upcall wakes it");
	expect_on_time("set_timer_op: woken no earlier than the deadline", dl, now());
}

static void check_singleshot(uint32_t port)
{
	uint64_t dl = now() + 10 * MS, t0;
	long rc = singleshot(dl, VCPU_SSHOTTMR_future);
	bool got = wait_port(port);

	expect(rc == 0 && got, "VCPUOP_set_singleshot_timer(now + 10 ms, future): VIRQ_TIMER wakes it");
	expect_on_time("singleshot: woken no earlier than the deadline", dl, now());
	rc = singleshot(now() - MS, VCPU_SSHOTTMR_future);
	expect(rc == -XEN_ETIME, "singleshot with VCPU_SSHOTTMR_future at a time past: -ETIME");
	rc = singleshot(now() - MS, 0);
	got = wait_port(port);
	expect(rc == 0 && got, "singleshot at a time past without the flag: fires at once");

	/* Stopped, it never fires: a poll on its port runs to its timeout. */
	rc = singleshot(now() + 20 * MS, 0);
	expect(rc == 0 && hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_stop_singleshot_timer, 0, NULL) == 0,
	       "VCPUOP_stop_singleshot_timer after setting one 20 ms ahead");
	s->vcpu_info[0].evtchn_upcall_mask = 1;
	t0 = now();
	rc = poll(&port, t0 + 60 * MS);
	expect(rc == 0 && now() >= t0 + 60 * MS && !pending(port) && !(seen >> port & 1),
	       "the stopped timer never fires (a 60 ms poll on its port times out)");
	s->vcpu_info[0].evtchn_upcall_mask = 0;
}

/* Events masked, as a guest polls: the port is seen pending in
 * shared_info, no upcall. */
static void check_poll(uint32_t timer_port, uint32_t quiet_port)
{
	unsigned int before;
	uint64_t dl, t0, woke;
	long rc;

	s->vcpu_info[0].evtchn_upcall_mask = 1;
	before = upcalls;
	dl = now() + 10 * MS;
	hypercall1(__HYPERVISOR_set_timer_op, dl);
	rc = poll(&timer_port, dl + 2000 * MS);
	woke = now();
	expect(rc == 0 && pending(timer_port) && upcalls == before,
	       "SCHEDOP_poll on VIRQ_TIMER's port (2 s timeout): returns with the port pending, no upcall");
	expect_on_time("poll: returned no earlier than the timer's deadline", dl, woke);
	expect(woke < dl + 2000 * MS, "poll: returned before its own timeout");
	clear_pending(timer_port);
	__atomic_exchange_n(&s->vcpu_info[0].evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	s->vcpu_info[0].evtchn_upcall_pending = 0;

	t0 = now();
	rc = poll(&quiet_port, t0 + 10 * MS);
	woke = now();
	expect(rc == 0 && !pending(quiet_port),
	       "SCHEDOP_poll on a port nobody signals, with a 10 ms timeout: 0");
	expect_on_time("poll: the timeout ends it no earlier than asked", t0 + 10 * MS, woke);
	s->vcpu_info[0].evtchn_upcall_mask = 0;
}

/* A loopback channel; its port masked, a send only marks it pending;
 * EVTCHNOP_unmask then raises the upcall. */
static void check_unmask(uint32_t remote, uint32_t local)
{
	struct evtchn_send send = { .port = remote };
	struct evtchn_unmask um = { .port = local };
	unsigned int before = upcalls;
	long rc;

	__atomic_fetch_or(&s->evtchn_mask[0], 1ULL << local, __ATOMIC_SEQ_CST);
	rc = evtchn(EVTCHNOP_send, &send);
	expect(rc == 0 && upcalls == before && pending(local),
	       "a send to a masked port: pending, no upcall");
	rc = evtchn(EVTCHNOP_unmask, &um);
	expect(rc == 0 && !(s->evtchn_mask[0] >> local & 1), "EVTCHNOP_unmask clears its mask bit");
	expect(upcalls == before + 1 && (seen >> local & 1),
	       "EVTCHNOP_unmask of the pending port raises the upcall, for that port");
	um.port = 5000;
	expect(evtchn(EVTCHNOP_unmask, &um) == -XEN_EINVAL, "EVTCHNOP_unmask of a port out of range: -EINVAL");
}

int guest_main(const struct start_info *si)
{
	struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
	struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF };
	long rc;

	con_printf("pvtimer: %s page tables\n", xen_translated() ? "translated" : "shared");
	s = shared_info_map(si);
	expect(s && s->vcpu_info[0].time.tsc_to_system_mul, "shared_info mapped, its time record published");
	if (!s || !s->vcpu_info[0].time.tsc_to_system_mul)
		return SHUTDOWN_crash;
	rc = trap_init();
	if (!rc)
		rc = event_callback_init(on_event);
	if (!rc)
		rc = evtchn(EVTCHNOP_bind_virq, &bv);
	if (!rc)
		rc = evtchn(EVTCHNOP_alloc_unbound, &au);
	bi.remote_port = au.port;
	if (!rc)
		rc = evtchn(EVTCHNOP_bind_interdomain, &bi);
	expect(rc == 0 && bv.port < 64 && bi.local_port < 64,
	       "trap table, event callback, VIRQ_TIMER and a loopback channel");
	if (rc)
		return SHUTDOWN_crash;
	/* The new interdomain port comes pending (Xen's rule): taken here,
	 * its selector bit too (a set one is not set again, so no upcall
	 * would be raised for the next port in that word). */
	clear_pending(bi.local_port);
	__atomic_exchange_n(&s->vcpu_info[0].evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	s->vcpu_info[0].evtchn_upcall_pending = 0;
	s->vcpu_info[0].evtchn_upcall_mask = 0;

	check_set_timer_op(bv.port);
	check_singleshot(bv.port);
	check_poll(bv.port, bi.local_port);
	check_unmask(au.port, bi.local_port);
	con_printf("pvtimer: %u failed\n", failures);
	return failures ? SHUTDOWN_crash : SHUTDOWN_poweroff;
}
