/*
 * SCHEDOP_poll: block until one of the given ports is pending or the
 * timeout (guest system time, ns; 0: none) passes, as Xen does: at most
 * 128 ports, each below the ABI's limit (-EINVAL), the list readable
 * (-EFAULT); 0 when the wait ends, for whatever reason. Masked ports count:
 * polling a masked port is how a guest waits for it without an upcall.
 *
 * The vCPU says it polls before it looks at the ports, and a sender sets
 * the port pending before it looks for pollers (event_2l.c), so one of
 * the two sees the other; a wake that comes before the block ends it at
 * once (sched.c keeps it).
 */
#include <asm/guest_access.h>
#include <public/sched.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/evtchn.h>
#include <umbra/sched.h>

static void poll_end(struct vcpu *v)
{
	__atomic_store_n(&v->polling, false, __ATOMIC_SEQ_CST);
}

void evtchn_poll_cancel(struct vcpu *v)
{
	poll_end(v);
}

/* Is one of the ports pending? 1 yes, 0 no, or -errno. */
static long any_pending(struct vcpu *v, uint64_t ports, uint32_t nr)
{
	for (uint32_t i = 0; i < nr; i++) {
		uint32_t port;

		if (copy_from_guest(v, &port, ports + (uint64_t)i * sizeof(port), sizeof(port)))
			return -EFAULT;
		if (port >= EVTCHN_2L_NR_CHANNELS)
			return -EINVAL;
		if (evtchn_2l_is_pending(v->domain, port))
			return 1;
		if (nr == 1)
			__atomic_store_n(&v->poll_port, port, __ATOMIC_RELEASE);
	}
	return 0;
}

/* The caller's request in either layout (32-bit code: the compat one). */
static int read_poll(struct vcpu *v, uint64_t arg, struct sched_poll *p)
{
	struct compat_sched_poll c;

	if (!v->hypercall_compat)
		return copy_from_guest(v, p, arg, sizeof(*p));
	if (copy_from_guest(v, &c, arg, sizeof(c)))
		return -EFAULT;
	*p = (struct sched_poll){ .ports = c.ports, .nr_ports = c.nr_ports,
				  .timeout = c.timeout };
	return 0;
}

long evtchn_poll(struct vcpu *v, uint64_t arg)
{
	struct sched_poll p;
	long rc;

	if (read_poll(v, arg, &p))
		return -EFAULT;
	if (p.nr_ports > EVTCHN_POLL_MAX_PORTS)
		return -EINVAL;
	sched_vcpu_poll_prepare(v);
	/* Any port wakes it until the one port is known (Xen's poll_evtchn -1). */
	__atomic_store_n(&v->poll_port, EVTCHN_POLL_ANY, __ATOMIC_RELEASE);
	__atomic_store_n(&v->polling, true, __ATOMIC_SEQ_CST);
	rc = any_pending(v, p.ports, p.nr_ports);
	if (rc) {
		poll_end(v);
		return rc < 0 ? rc : 0;
	}
	__atomic_store_n(&v->poll_deadline_ns, p.timeout, __ATOMIC_RELEASE);
	sched_timer_armed(v, p.timeout);
	sched_vcpu_block(v);
	return 0;
}
