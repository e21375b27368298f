/*
 * evtchn: attacks on the event-channel calls, each answered with Xen's
 * error and nothing else changed: ports out of range and in the wrong
 * state, another domain's ports and domains that do not exist, bad
 * pointers, bad VIRQs and vCPUs, SCHEDOP_poll's limits, and all of the
 * domain's ports taken (-ENOSPC at Xen's default limit of 1023), then
 * given back.
 */
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/umbra.h>
#include <public/vcpu.h>

#include "hostile.h"
#include "hypercall.h"
#include "runtime.h"

#define MAX_PORT	1023	/* Xen's default max_evtchn_port for a guest */

static long op(unsigned int cmd, void *arg)
{
	return hv_event_channel_op(cmd, arg);
}

static long port_op(unsigned int cmd, uint32_t port)
{
	uint32_t p = port;

	return op(cmd, &p);
}

static long alloc_for(domid_t owner, domid_t remote, uint32_t *port)
{
	struct evtchn_alloc_unbound a = { .dom = owner, .remote_dom = remote };
	long rc = op(EVTCHNOP_alloc_unbound, &a);

	*port = a.port;
	return rc;
}

static long status_of(domid_t dom, uint32_t port)
{
	struct evtchn_status st = { .dom = dom, .port = port };

	return op(EVTCHNOP_status, &st);
}

static domid_t my_domid(void)
{
	struct umbra_identity id;

	return hv_umbra_op(UMBRAOP_identity, &id) ? 0 : id.domid;
}

static void range_cases(void)
{
	static const uint32_t bad[] = { 0, 1023 + 1, 4095, 4096, 0x80000000u, 0xffffffffu };
	struct evtchn_bind_vcpu bv = { .port = 5000, .vcpu = 0 };

	for (unsigned int i = 1; i < sizeof(bad) / sizeof(bad[0]); i++) {
		check_rc("send on a port never allocated or past the limit",
			 port_op(EVTCHNOP_send, bad[i]), -XEN_EINVAL);
		check_rc("close of it", port_op(EVTCHNOP_close, bad[i]), -XEN_EINVAL);
		check_rc("unmask of it", port_op(EVTCHNOP_unmask, bad[i]), bad[i] < 128 ? 0 : -XEN_EINVAL);
		check_rc("status of it", status_of(DOMID_SELF, bad[i]),
			 bad[i] < 128 ? 0 : -XEN_EINVAL);
	}
	check_rc("close of port 0 (reserved)", port_op(EVTCHNOP_close, 0), -XEN_EINVAL);
	check_rc("send on port 0", port_op(EVTCHNOP_send, 0), -XEN_EINVAL);
	check_rc("bind_vcpu of port 5000", op(EVTCHNOP_bind_vcpu, &bv), -XEN_EINVAL);
}

static void foreign_cases(domid_t self)
{
	domid_t other = self == 1 ? 2 : 1;
	struct evtchn_bind_interdomain bi = { .remote_dom = other, .remote_port = 1 };
	struct evtchn_bind_interdomain nobody = { .remote_dom = 1000, .remote_port = 1 };
	struct evtchn_reset r = { .dom = other };
	uint32_t port;

	check_rc("status of the neighbour's port 1", status_of(other, 1), -XEN_EPERM);
	check_rc("status in domain 1000", status_of(1000, 1), -XEN_ESRCH);
	check_rc("alloc_unbound in the neighbour's table", alloc_for(other, self, &port),
		 -XEN_EPERM);
	check_rc("alloc_unbound in domain 1000's table", alloc_for(1000, self, &port),
		 -XEN_ESRCH);
	check_rc("bind to a neighbour's port not offered to me", op(EVTCHNOP_bind_interdomain, &bi),
		 -XEN_EINVAL);
	check_rc("bind to domain 1000", op(EVTCHNOP_bind_interdomain, &nobody), -XEN_ESRCH);
	check_rc("reset of the neighbour's ports", op(EVTCHNOP_reset, &r), -XEN_EPERM);
}

static void state_cases(void)
{
	struct evtchn_bind_virq v = { .virq = VIRQ_TIMER, .vcpu = 0 };
	struct evtchn_bind_ipi ipi = { .vcpu = 7 };
	struct evtchn_bind_vcpu bv = { .vcpu = 0 };
	uint32_t vport;

	check_rc("bind VIRQ_TIMER", op(EVTCHNOP_bind_virq, &v), 0);
	vport = v.port;
	check_rc("bind VIRQ_TIMER again", op(EVTCHNOP_bind_virq, &v), -XEN_EEXIST);
	check_rc("send on a VIRQ port", port_op(EVTCHNOP_send, vport), -XEN_EINVAL);
	bv.port = vport;
	check_rc("bind_vcpu of a per-vCPU VIRQ", op(EVTCHNOP_bind_vcpu, &bv), -XEN_EINVAL);
	check_rc("close it", port_op(EVTCHNOP_close, vport), 0);
	check_rc("close it again", port_op(EVTCHNOP_close, vport), -XEN_EINVAL);
	v = (struct evtchn_bind_virq){ .virq = NR_VIRQS, .vcpu = 0 };
	check_rc("bind VIRQ 24 (past NR_VIRQS)", op(EVTCHNOP_bind_virq, &v), -XEN_EINVAL);
	v = (struct evtchn_bind_virq){ .virq = 0xffffffffu, .vcpu = 0 };
	check_rc("bind VIRQ 2^32-1", op(EVTCHNOP_bind_virq, &v), -XEN_EINVAL);
	v = (struct evtchn_bind_virq){ .virq = VIRQ_DOM_EXC, .vcpu = 1 };
	check_rc("bind a global VIRQ on vCPU 1", op(EVTCHNOP_bind_virq, &v), -XEN_EINVAL);
	v = (struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = 7 };
	check_rc("bind VIRQ_TIMER on vCPU 7 (no such vCPU)", op(EVTCHNOP_bind_virq, &v),
		 -XEN_ENOENT);
	check_rc("bind_ipi to vCPU 7", op(EVTCHNOP_bind_ipi, &ipi), -XEN_ENOENT);
	check_rc("event_channel_op(99)", op(99, NULL), -XEN_ENOSYS);
}

static void pointer_cases(void)
{
	const uint64_t bad[] = { domain_mem_end(), 1ULL << 32, 0x8000000000000000ULL };
	uint32_t ok = 1;
	struct sched_poll p = { .nr_ports = 1, .timeout = 1 };

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		static const unsigned int cmds[] = {
			EVTCHNOP_alloc_unbound, EVTCHNOP_bind_interdomain, EVTCHNOP_bind_virq,
			EVTCHNOP_bind_ipi, EVTCHNOP_close, EVTCHNOP_send, EVTCHNOP_status,
			EVTCHNOP_unmask, EVTCHNOP_bind_vcpu, EVTCHNOP_reset,
		};

		for (unsigned int c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
			check_rc("an event-channel call with a bad pointer",
				 hypercall2(__HYPERVISOR_event_channel_op, cmds[c], bad[i]),
				 -XEN_EFAULT);
			expected.guest_faults++;
		}
		check_rc("SCHEDOP_poll with a bad pointer", hv_sched_op(SCHEDOP_poll,
			 (void *)(uintptr_t)bad[i]), -XEN_EFAULT);
		expected.guest_faults++;
		p.ports = bad[i];
		check_rc("SCHEDOP_poll with a bad port list", hv_sched_op(SCHEDOP_poll, &p),
			 -XEN_EFAULT);
		expected.guest_faults++;
	}
	p.ports = (uint64_t)(uintptr_t)&ok;
	p.nr_ports = 128 + 1;
	check_rc("SCHEDOP_poll on 129 ports", hv_sched_op(SCHEDOP_poll, &p), -XEN_EINVAL);
	ok = 4096;
	p.nr_ports = 1;
	check_rc("SCHEDOP_poll on port 4096", hv_sched_op(SCHEDOP_poll, &p), -XEN_EINVAL);
}

/* Every port taken: -ENOSPC, nothing else broken, all given back. */
static void exhaust_cases(domid_t self)
{
	uint32_t port = 0, first = 0, last = 0, n = 0;
	long rc;

	while ((rc = alloc_for(DOMID_SELF, self, &port)) == 0) {
		if (!n)
			first = port;
		last = port;
		if (++n > 5000)
			break;
	}
	check_rc("alloc_unbound until the ports run out: -ENOSPC", rc, -XEN_ENOSPC);
	check_that("ports 1..1023 were handed out, in order", n == MAX_PORT && first == 1 &&
		   last == MAX_PORT, n);
	check_rc("close one in the middle", port_op(EVTCHNOP_close, 500), 0);
	check_rc("the next alloc_unbound gets it back", alloc_for(DOMID_SELF, self, &port), 0);
	check_that("it is port 500", port == 500, port);
	check_rc("still no more", alloc_for(DOMID_SELF, self, &port), -XEN_ENOSPC);
	n = 0;
	for (uint32_t p = 1; p <= MAX_PORT; p++)
		n += port_op(EVTCHNOP_close, p) == 0;
	check_that("every port closed again", n == MAX_PORT, n);
	check_rc("a port is free again", alloc_for(DOMID_SELF, self, &port), 0);
	check_rc("and closes", port_op(EVTCHNOP_close, port), 0);
}

void attack_evtchn(void)
{
	domid_t self = my_domid();

	range_cases();
	foreign_cases(self);
	state_cases();
	pointer_cases();
	exhaust_cases(self);
}
