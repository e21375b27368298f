/*
 * role=smp (two vCPUs): events between a domain's own vCPUs. vCPU 1 waits
 * in SCHEDOP_poll on a masked IPI port bound to it and answers on one
 * bound to vCPU 0, which takes upcalls: each event must wake the other
 * vCPU wherever it is (blocked, or in the guest on another pCPU). Then a
 * VIRQ_TIMER bound on vCPU 1 fires for vCPU 1's own singleshot timer, and
 * a port moved to vCPU 1 with bind_vcpu marks vCPU 1's vcpu_info, not
 * vCPU 0's.
 */
#include "cpu.h"
#include "ev.h"
#include "hypercall.h"
#include "runtime.h"
#include "smp.h"
#include "vcpu_up.h"

#define ROUNDS		50

static volatile uint32_t ap_ipi, bsp_ipi, ap_timer, ap_answered, ap_timer_ok, ap_done;

/* vCPU 1's own timer, raised as VIRQ_TIMER on vCPU 1's port. */
static void ap_timer_case(void)
{
	uint32_t t = ap_timer;
	uint64_t t0 = guest_time_ns();

	/* Another vCPU's timer is not the caller's to set (Xen: -EINVAL). */
	if (ev_singleshot_on(0, t0 + 5 * NS_PER_MS, 0) != -XEN_EINVAL ||
	    ev_singleshot_on(1, t0 + 5 * NS_PER_MS, 0) != 0)
		return;
	if (ev_poll(&t, 1, t0 + 2000 * NS_PER_MS) == 0 && ev_clear(t) &&
	    guest_time_ns() - t0 >= 5 * NS_PER_MS)
		ap_timer_ok = 1;
}

/* vCPU 1: answer each event on its port with one to vCPU 0. */
static void __attribute__((noreturn, used)) ap_main(uint64_t unused)
{
	uint32_t mine = ap_ipi;

	(void)unused;
	for (unsigned int r = 0; r < ROUNDS; r++) {
		if (ev_poll(&mine, 1, guest_time_ns() + 3000 * NS_PER_MS) || !ev_clear(mine))
			break;
		ev_send(bsp_ipi);
		ap_answered++;
	}
	ap_timer_case();
	__atomic_store_n(&ap_done, 1, __ATOMIC_SEQ_CST);
	for (;;)
		hv_sched_op(SCHEDOP_block, NULL);
}

static void ping_rounds(void)
{
	unsigned int got = 0;
	uint32_t a = ap_ipi, b = bsp_ipi;

	for (unsigned int r = 0; r < ROUNDS; r++) {
		uint32_t seen = upcalls;
		uint64_t guard = guest_time_ns() + 3000 * NS_PER_MS;

		ev_send(a);
		while (upcalls == seen && guest_time_ns() < guard)
			__asm__ __volatile__("sti; hlt; cli" ::: "memory");
		if (!ev_clear(b))
			break;
		__atomic_store_n(&shinfo->vcpu_info[0].evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
		got++;
	}
	con_printf("evtchn: smp: %u of %u events answered by vCPU 1\n", got, ROUNDS);
	ev_check(got == ROUNDS && ap_answered == ROUNDS,
		 "every IPI to vCPU 1 (polling) answered by one to vCPU 0 (upcall)", got);
}

static void bind_vcpu_case(void)
{
	struct evtchn_bind_vcpu bv;
	struct evtchn_status st;
	uint32_t a, b;
	long rc;

	ev_alloc_unbound(DOMID_SELF, &a);
	ev_bind_interdomain(DOMID_SELF, a, &b);
	ev_clear(b);
	__atomic_store_n(&shinfo->vcpu_info[0].evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	bv = (struct evtchn_bind_vcpu){ .port = a, .vcpu = 1 };
	rc = ev_op(EVTCHNOP_bind_vcpu, &bv);
	ev_check(rc == 0, "bind_vcpu moves an interdomain port to vCPU 1", rc);
	ev_status(DOMID_SELF, a, &st);
	ev_check(st.vcpu == 1, "status names vCPU 1", st.vcpu);
	ev_send(b);
	ev_check(ev_pending(a) &&
		 (shinfo->vcpu_info[1].evtchn_pending_sel & (1ULL << (a / 64))) &&
		 shinfo->vcpu_info[1].evtchn_upcall_pending &&
		 !(shinfo->vcpu_info[0].evtchn_pending_sel & (1ULL << (a / 64))),
		 "a send to it marks vCPU 1's vcpu_info, not vCPU 0's",
		 (long)shinfo->vcpu_info[1].evtchn_pending_sel);
	ev_close(a);
	ev_close(b);
}

void smp_role(void)
{
	uint32_t p;
	long rc;

	rc = ev_bind_ipi(1, &p);
	ev_check(rc == 0, "bind_ipi to vCPU 1", rc);
	ap_ipi = p;
	ev_mask(p);
	ev_bind_ipi(0, &p);
	bsp_ipi = p;
	rc = ev_bind_virq(VIRQ_TIMER, 1, &p);
	ev_check(rc == 0, "bind VIRQ_TIMER on vCPU 1", rc);
	ap_timer = p;
	ev_mask(p);
	rc = vcpu_start(1, ap_main, 0);
	ev_check(rc == 0, "vCPU 1 up", rc);
	ping_rounds();
	for (uint64_t g = guest_time_ns() + 5000 * NS_PER_MS; !ap_done && guest_time_ns() < g;)
		ev_poll(NULL, 0, guest_time_ns() + NS_PER_MS);
	ev_check(ap_timer_ok, "vCPU 1's singleshot timer (not vCPU 0's to set) raised VIRQ_TIMER on vCPU 1's port",
		 ap_timer_ok);
	bind_vcpu_case();
}
