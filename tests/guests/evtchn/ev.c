/* The evtchn guest's helpers (ev.h). */
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/memory.h>
#include <public/umbra.h>

#include "ev.h"
#include "hypercall.h"
#include "runtime.h"

struct shared_info *shinfo;
volatile uint32_t upcalls;
volatile uint8_t *upcall_pending_byte;
volatile uint32_t vcpu_upcalls;
static unsigned int checks, failures;
void ev_upcall_stub(void);
void ev_upcall_vcpu_stub(void);

bool ev_setup(void)
{
	struct xen_add_to_physmap xatp = { .domid = DOMID_SELF,
					   .space = XENMAPSPACE_shared_info };
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
				   .value = ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR <<
					     HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT) | UPCALL_VECTOR };
	void *page = page_alloc();
	long rc;

	if (!page) {
		con_printf("evtchn: no page for shared_info\n");
		return false;
	}
	xatp.gpfn = (uint64_t)(uintptr_t)page >> 12;
	rc = hypercall2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint64_t)(uintptr_t)&xatp);
	if (rc) {
		con_printf("evtchn: add_to_physmap(shared_info) returned %ld\n", rc);
		return false;
	}
	shinfo = page;
	upcall_pending_byte = &shinfo->vcpu_info[0].evtchn_upcall_pending;
	irq_set_gate(UPCALL_VECTOR, ev_upcall_stub);
	rc = hypercall2(__HYPERVISOR_hvm_op, HVMOP_set_param, (uint64_t)(uintptr_t)&p);
	if (rc) {
		con_printf("evtchn: set callback vector returned %ld\n", rc);
		return false;
	}
	return true;
}

bool ev_pending(uint32_t port)
{
	return __atomic_load_n(&shinfo->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) &
	       (1ULL << (port % 64));
}

bool ev_clear(uint32_t port)
{
	uint64_t m = 1ULL << (port % 64);

	return __atomic_fetch_and(&shinfo->evtchn_pending[port / 64], ~m, __ATOMIC_SEQ_CST) & m;
}

void ev_mask(uint32_t port)
{
	__atomic_fetch_or(&shinfo->evtchn_mask[port / 64], 1ULL << (port % 64), __ATOMIC_SEQ_CST);
}

void ev_unmask_local(uint32_t port)
{
	__atomic_fetch_and(&shinfo->evtchn_mask[port / 64], ~(1ULL << (port % 64)),
			   __ATOMIC_SEQ_CST);
}

long ev_set_vcpu_vector(uint32_t vcpu, uint8_t vector)
{
	struct xen_hvm_evtchn_upcall_vector u = { .vcpu = vcpu, .vector = vector };

	irq_set_gate(VCPU_UPCALL_VECTOR, ev_upcall_vcpu_stub);
	return hypercall2(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector,
			  (uint64_t)(uintptr_t)&u);
}

long ev_op(unsigned int cmd, void *arg)
{
	return hv_event_channel_op(cmd, arg);
}

long ev_alloc_unbound(domid_t remote, uint32_t *port)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = remote };
	long rc = ev_op(EVTCHNOP_alloc_unbound, &a);

	*port = a.port;
	return rc;
}

long ev_bind_interdomain(domid_t dom, uint32_t rport, uint32_t *lport)
{
	struct evtchn_bind_interdomain b = { .remote_dom = dom, .remote_port = rport };
	long rc = ev_op(EVTCHNOP_bind_interdomain, &b);

	*lport = b.local_port;
	return rc;
}

long ev_bind_virq(uint32_t virq, uint32_t vcpu, uint32_t *port)
{
	struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
	long rc = ev_op(EVTCHNOP_bind_virq, &b);

	*port = b.port;
	return rc;
}

long ev_bind_ipi(uint32_t vcpu, uint32_t *port)
{
	struct evtchn_bind_ipi b = { .vcpu = vcpu };
	long rc = ev_op(EVTCHNOP_bind_ipi, &b);

	*port = b.port;
	return rc;
}

long ev_send(uint32_t port)
{
	struct evtchn_send s = { .port = port };

	return ev_op(EVTCHNOP_send, &s);
}

long ev_close(uint32_t port)
{
	struct evtchn_close c = { .port = port };

	return ev_op(EVTCHNOP_close, &c);
}

long ev_unmask(uint32_t port)
{
	struct evtchn_unmask u = { .port = port };

	return ev_op(EVTCHNOP_unmask, &u);
}

long ev_status(domid_t dom, uint32_t port, struct evtchn_status *st)
{
	*st = (struct evtchn_status){ .dom = dom, .port = port };
	return ev_op(EVTCHNOP_status, st);
}

long ev_poll(uint32_t *ports, uint32_t nr, uint64_t timeout)
{
	struct sched_poll p = { .ports = (uint64_t)(uintptr_t)ports, .nr_ports = nr,
				.timeout = timeout };

	return hv_sched_op(SCHEDOP_poll, &p);
}

long ev_singleshot_on(uint32_t vcpu, uint64_t at, uint32_t flags)
{
	struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = at, .flags = flags };

	return hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, vcpu,
			  (uint64_t)(uintptr_t)&t);
}

long ev_singleshot(uint64_t at, uint32_t flags)
{
	return ev_singleshot_on(0, at, flags);
}

long ev_stop_singleshot(void)
{
	return hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_stop_singleshot_timer, 0, 0);
}

unsigned int ev_domid(void)
{
	struct umbra_identity id;

	if (hv_umbra_op(UMBRAOP_identity, &id))
		return 0xffff;
	return id.domid;
}

void ev_check(bool ok, const char *what, long got)
{
	checks++;
	if (ok) {
		con_printf("evtchn: ok: %s\n", what);
		return;
	}
	failures++;
	con_printf("evtchn: FAIL %s (got %ld)\n", what, got);
}

unsigned int ev_failures(void)
{
	return failures;
}

unsigned int ev_checks(void)
{
	return checks;
}
