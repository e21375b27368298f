/*
 * evtchn: Xen's 2-level event channels from a guest's side.
 *   role=solo (default)  on its own: VIRQ_TIMER from the singleshot timer
 *                        and from set_timer_op, SCHEDOP_poll with a
 *                        timeout, IPIs, masking and EVTCHNOP_unmask,
 *                        status, a loopback interdomain channel
 *   role=server peer=N   allocates a port for domain N and answers each
 *                        event on it with one back (its events arrive as
 *                        upcalls on the callback vector), then sees N's
 *                        close as its end becoming unbound
 *   role=client peer=N   binds to N's port, sends rounds=R events and
 *                        waits for each answer with SCHEDOP_poll on its
 *                        masked port, then closes it (leave=open: shuts
 *                        down with it open, for a toolstack to destroy)
 *   role=smp             two vCPUs: IPIs between them, vCPU 1's own
 *                        VIRQ_TIMER, bind_vcpu (smp.c)
 * Prints "evtchn: ok: ..." per check and "evtchn: N checks, M failed".
 */
#include "ev.h"
#include "hypercall.h"
#include "runtime.h"
#include "smp.h"

const char guest_name[] = "evtchn";

static void irq_window(void)
{
	__asm__ __volatile__("sti; nop; nop; cli" ::: "memory");
}

/* Wait with STI; HLT until the upcall count passes `seen` or time runs out. */
static bool wait_upcall(uint32_t seen, uint64_t until)
{
	while (upcalls == seen && guest_time_ns() < until)
		__asm__ __volatile__("sti; hlt; cli" ::: "memory");
	return upcalls != seen;
}

static void clear_selector(void)
{
	__atomic_store_n(&shinfo->vcpu_info[0].evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
}

static void virq_timer_cases(void)
{
	uint32_t t, seen;
	uint64_t t0, el;
	long rc;

	rc = ev_bind_virq(VIRQ_TIMER, 0, &t);
	ev_check(rc == 0 && t > 0, "bind VIRQ_TIMER on vCPU 0", rc);
	seen = upcalls;
	t0 = guest_time_ns();
	rc = ev_singleshot(t0 + 10 * NS_PER_MS, 0);
	ev_check(rc == 0, "VCPUOP_set_singleshot_timer in 10 ms", rc);
	ev_check(wait_upcall(seen, t0 + 1000 * NS_PER_MS), "singleshot expiry arrives as an upcall",
		 (long)upcalls);
	el = guest_time_ns() - t0;
	ev_check(el >= 10 * NS_PER_MS, "not before its deadline", (long)(el / 1000));
	ev_check(ev_pending(t), "VIRQ_TIMER's port is pending", 0);
	ev_check(shinfo->vcpu_info[0].evtchn_pending_sel & (1ULL << (t / 64)),
		 "its word's selector bit is set", (long)shinfo->vcpu_info[0].evtchn_pending_sel);
	ev_clear(t);
	clear_selector();

	rc = ev_singleshot(guest_time_ns() - NS_PER_MS, VCPU_SSHOTTMR_future);
	ev_check(rc == -XEN_ETIME, "a past deadline with VCPU_SSHOTTMR_future: -ETIME", rc);
	rc = hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_stop_singleshot_timer, 5, 0);
	ev_check(rc == -XEN_ENOENT, "stop_singleshot_timer of a vCPU that does not exist: -ENOENT",
		 rc);

	/* A stopped timer never fires: poll its port past the deadline. */
	ev_singleshot(guest_time_ns() + 5 * NS_PER_MS, 0);
	rc = ev_stop_singleshot();
	ev_check(rc == 0, "VCPUOP_stop_singleshot_timer", rc);
	t0 = guest_time_ns();
	rc = ev_poll(&t, 1, t0 + 30 * NS_PER_MS);
	el = guest_time_ns() - t0;
	ev_check(rc == 0 && el >= 30 * NS_PER_MS, "poll on the stopped timer's port times out",
		 (long)(el / 1000));
	ev_check(!ev_pending(t), "the stopped timer did not fire", 0);

	/* set_timer_op is the same timer: its expiry is VIRQ_TIMER too. */
	ev_mask(t);
	t0 = guest_time_ns();
	hv_set_timer_op(t0 + 5 * NS_PER_MS);
	rc = ev_poll(&t, 1, t0 + 1000 * NS_PER_MS);
	el = guest_time_ns() - t0;
	ev_check(rc == 0 && ev_pending(t) && el >= 5 * NS_PER_MS && el < 500 * NS_PER_MS,
		 "set_timer_op's expiry wakes a poll on the masked VIRQ_TIMER port",
		 (long)(el / 1000));
	ev_clear(t);
	ev_unmask_local(t);
}

static void poll_cases(void)
{
	uint32_t u, ports[2];
	uint64_t t0, el;
	long rc;

	rc = ev_alloc_unbound(DOMID_SELF, &u);
	ev_check(rc == 0, "alloc_unbound for myself", rc);
	t0 = guest_time_ns();
	rc = ev_poll(&u, 1, t0 + 20 * NS_PER_MS);
	el = guest_time_ns() - t0;
	ev_check(rc == 0 && el >= 20 * NS_PER_MS && el < 1000 * NS_PER_MS,
		 "SCHEDOP_poll on a quiet port returns at its timeout", (long)(el / 1000));
	t0 = guest_time_ns();
	rc = ev_poll(NULL, 0, t0 + 5 * NS_PER_MS);
	el = guest_time_ns() - t0;
	ev_check(rc == 0 && el >= 5 * NS_PER_MS, "SCHEDOP_poll on no port: a plain sleep",
		 (long)(el / 1000));
	ports[0] = u;
	ports[1] = 4096;
	rc = ev_poll(ports, 2, guest_time_ns() + 5 * NS_PER_MS);
	ev_check(rc == -XEN_EINVAL, "SCHEDOP_poll with a port past the ABI's 4096: -EINVAL", rc);
	ev_close(u);
}

static void ipi_cases(void)
{
	struct evtchn_status st;
	uint32_t i, seen;
	uint64_t t0, el;
	long rc;

	rc = ev_bind_ipi(0, &i);
	ev_check(rc == 0, "bind_ipi to vCPU 0", rc);
	ev_mask(i);
	seen = upcalls;
	rc = ev_send(i);
	irq_window();
	ev_check(rc == 0 && ev_pending(i) && upcalls == seen,
		 "a send on a masked IPI port: pending, no upcall", (long)upcalls);
	t0 = guest_time_ns();
	rc = ev_poll(&i, 1, t0 + 2000 * NS_PER_MS);
	el = guest_time_ns() - t0;
	ev_check(rc == 0 && el < 500 * NS_PER_MS, "poll on a pending port returns at once",
		 (long)(el / 1000));
	rc = ev_unmask(i);
	irq_window();
	ev_check(rc == 0 && upcalls == seen + 1, "EVTCHNOP_unmask of the pending port: the upcall",
		 (long)(upcalls - seen));
	ev_clear(i);
	clear_selector();
	rc = ev_status(DOMID_SELF, i, &st);
	ev_check(rc == 0 && st.status == EVTCHNSTAT_ipi && st.vcpu == 0, "status: ipi, vCPU 0",
		 (long)st.status);
	seen = upcalls;
	rc = ev_send(i);
	irq_window();
	ev_check(rc == 0 && upcalls == seen + 1, "a send on the unmasked IPI port: one upcall",
		 (long)(upcalls - seen));
	ev_clear(i);
	clear_selector();
	ev_check(ev_close(i) == 0, "close the IPI port", 0);
	rc = ev_status(DOMID_SELF, i, &st);
	ev_check(rc == 0 && st.status == EVTCHNSTAT_closed, "status of the closed port: closed",
		 (long)st.status);
}

static void loopback_cases(void)
{
	struct evtchn_status st;
	uint32_t a, b;
	long rc;

	ev_alloc_unbound(DOMID_SELF, &a);
	ev_mask(a);
	rc = ev_bind_interdomain(DOMID_SELF, a, &b);
	ev_check(rc == 0 && b != a, "bind_interdomain to my own unbound port", rc);
	ev_mask(b);
	ev_check(ev_pending(b), "the new port starts pending (Xen's lost-event fix-up)", 0);
	ev_clear(b);
	rc = ev_status(DOMID_SELF, b, &st);
	ev_check(rc == 0 && st.status == EVTCHNSTAT_interdomain && st.u.interdomain.port == a &&
		 st.u.interdomain.dom == ev_domid(), "status: interdomain, to the first port",
		 (long)st.status);
	ev_send(b);
	ev_check(ev_pending(a) && !ev_pending(b), "a send on one end is pending at the other", 0);
	ev_clear(a);
	ev_send(a);
	ev_check(ev_pending(b) && !ev_pending(a), "and back", 0);
	ev_clear(b);
	ev_check(ev_close(a) == 0, "close one end", 0);
	rc = ev_status(DOMID_SELF, b, &st);
	ev_check(rc == 0 && st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == ev_domid(),
		 "the other end is unbound, waiting for me again", (long)st.status);
	ev_check(ev_send(b) == 0 && !ev_pending(b), "a send on an unbound port is dropped", 0);
	ev_close(b);
	ev_unmask_local(a);
	ev_unmask_local(b);
}

/* The vCPU's own vector replaces the domain's for its events. */
static void vcpu_vector_cases(void)
{
	uint32_t i, seen = upcalls, seen_vcpu = vcpu_upcalls;
	long rc;

	rc = ev_set_vcpu_vector(0, 0x0f);
	ev_check(rc == -XEN_EINVAL, "per-vCPU upcall vector below 0x10: -EINVAL", rc);
	rc = ev_set_vcpu_vector(9, VCPU_UPCALL_VECTOR);
	ev_check(rc == -XEN_ENOENT, "per-vCPU upcall vector for vCPU 9: -ENOENT", rc);
	rc = ev_set_vcpu_vector(0, VCPU_UPCALL_VECTOR);
	ev_check(rc == 0, "HVMOP_set_evtchn_upcall_vector for vCPU 0", rc);
	ev_bind_ipi(0, &i);
	ev_send(i);
	irq_window();
	ev_check(vcpu_upcalls == seen_vcpu + 1 && upcalls == seen,
		 "an event arrives on the vCPU's own vector, not the domain's",
		 (long)(vcpu_upcalls - seen_vcpu));
	ev_clear(i);
	clear_selector();
	ev_close(i);
}

static void solo(void)
{
	virq_timer_cases();
	poll_cases();
	ipi_cases();
	loopback_cases();
	vcpu_vector_cases();
}

static uint64_t ms_from_now(uint64_t ms)
{
	return guest_time_ns() + ms * NS_PER_MS;
}

static void server(domid_t peer, unsigned int rounds)
{
	struct evtchn_status st;
	unsigned int answered = 0;
	uint32_t s, seen = upcalls;
	long rc;

	rc = ev_alloc_unbound(peer, &s);
	ev_check(rc == 0, "alloc_unbound for the peer", rc);
	con_printf("evtchn: server: port %u for domain %u\n", s, peer);
	for (unsigned int r = 0; r < rounds; r++) {
		uint64_t guard = ms_from_now(r ? 2000 : 10000);

		while (!ev_pending(s) && guest_time_ns() < guard)
			__asm__ __volatile__("sti; hlt; cli" ::: "memory");
		if (!ev_clear(s))
			break;
		clear_selector();
		/* Its upcall before the answer: the peer's next event must not
		 * find this one's evtchn_upcall_pending still set, or the two
		 * share one upcall (as on Xen) and the count below misses one. */
		wait_upcall(seen, guard);
		seen = upcalls;
		if (ev_send(s) == 0)
			answered++;
	}
	/* An event seen pending before its upcall was taken (it came while
	 * this vCPU ran with interrupts off) is taken here. */
	irq_window();
	con_printf("evtchn: server: answered %u of %u, %u upcalls\n", answered, rounds, upcalls);
	ev_check(answered == rounds, "every event from the peer arrived (upcalls) and was answered",
		 answered);
	ev_check(upcalls >= rounds, "each arrived as an upcall", upcalls);
	/* The client closes its end (or is destroyed): ours must become
	 * unbound, for it. */
	for (uint64_t guard = ms_from_now(10000); guest_time_ns() < guard;) {
		if (ev_status(DOMID_SELF, s, &st) == 0 && st.status != EVTCHNSTAT_interdomain)
			break;
		ev_poll(NULL, 0, ms_from_now(5));
	}
	ev_check(st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == peer,
		 "after the peer closed or was destroyed: my end unbound, for the peer",
		 (long)st.status);
	ev_check(ev_send(s) == 0, "send on it: dropped, 0", 0);
	ev_check(ev_close(s) == 0, "close it", 0);
}

static long bind_to_server(domid_t peer, uint32_t *l)
{
	long rc = -XEN_EINVAL;

	/* The server's port: the first unbound one for me, once it exists. */
	for (uint64_t guard = ms_from_now(10000); guest_time_ns() < guard;) {
		for (uint32_t p = 1; p < 8; p++) {
			rc = ev_bind_interdomain(peer, p, l);
			if (rc != -XEN_EINVAL)
				return rc;
		}
		ev_poll(NULL, 0, ms_from_now(5));
	}
	return rc;
}

static void client(domid_t peer, unsigned int rounds)
{
	struct evtchn_status st;
	unsigned int answered = 0;
	uint64_t t0, total = 0;
	uint32_t l;
	long rc;

	rc = bind_to_server(peer, &l);
	ev_check(rc == 0, "bind_interdomain to the server's port", rc);
	if (rc)
		return;
	ev_mask(l);
	ev_clear(l);		/* the bind's fix-up event */
	for (unsigned int r = 0; r < rounds; r++) {
		t0 = guest_time_ns();
		ev_send(l);
		rc = ev_poll(&l, 1, ms_from_now(2000));
		if (rc || !ev_clear(l))
			break;
		total += guest_time_ns() - t0;
		answered++;
	}
	con_printf("evtchn: client: %u of %u answered, mean round trip %lu us\n", answered,
		   rounds, answered ? (unsigned long)(total / answered / 1000) : 0);
	ev_check(answered == rounds, "every event answered, each awaited with SCHEDOP_poll",
		 answered);
	rc = ev_status(DOMID_SELF, l, &st);
	ev_check(rc == 0 && st.status == EVTCHNSTAT_interdomain && st.u.interdomain.dom == peer,
		 "status: interdomain, to the server", (long)st.status);
	if (guest_option("leave=") && guest_word_in_list(guest_option("leave="), "open")) {
		con_printf("evtchn: client: leaving my end open\n");
		return;
	}
	ev_check(ev_close(l) == 0, "close my end", 0);
}

int guest_main(const struct hvm_start_info *si)
{
	const char *role = guest_option("role=");
	domid_t peer = (domid_t)guest_option_u64("peer=", 0);
	unsigned int rounds = (unsigned int)guest_option_u64("rounds=", 50);

	(void)si;
	con_printf("evtchn: domain %u\n", ev_domid());
	if (!ev_setup())
		return SHUTDOWN_crash;
	if (!role || guest_word_in_list(role, "solo"))
		solo();
	else if (guest_word_in_list(role, "server"))
		server(peer, rounds);
	else if (guest_word_in_list(role, "client"))
		client(peer, rounds);
	else if (guest_word_in_list(role, "smp"))
		smp_role();
	con_printf("evtchn: %u checks, %u failed\n", ev_checks(), ev_failures());
	return SHUTDOWN_poweroff;
}
