/* The management hypercall: who may call it, reading and writing the
 * request, one command at a time. The commands are in mgmt_*.c;
 * docs/mgmt.md tells the whole design. */
#include <stddef.h>
#include <asm/guest_access.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/hypercall.h>
#include <umbra/mgmt.h>
#include <umbra/sched.h>
#include <umbra/spinlock.h>

typedef long (*mgmt_fn)(struct mgmt_call *c);

static const mgmt_fn handlers[UMBRA_MGMT_NR_CMDS] = {
	[UMBRA_MGMT_physinfo] = mgmt_physinfo,
	[UMBRA_MGMT_domain_create] = mgmt_domain_create,
	[UMBRA_MGMT_memory_write] = mgmt_memory_write,
	[UMBRA_MGMT_vcpu_start] = mgmt_vcpu_start,
	[UMBRA_MGMT_domain_unpause] = mgmt_domain_unpause,
	[UMBRA_MGMT_domain_pause] = mgmt_domain_pause,
	[UMBRA_MGMT_domain_shutdown] = mgmt_domain_shutdown,
	[UMBRA_MGMT_domain_destroy] = mgmt_domain_destroy,
	[UMBRA_MGMT_domain_list] = mgmt_domain_list,
	[UMBRA_MGMT_vcpu_pin] = mgmt_vcpu_pin,
	[UMBRA_MGMT_console_read] = mgmt_console_read,
	[UMBRA_MGMT_log_read] = mgmt_log_read,
	[UMBRA_MGMT_log_clear] = mgmt_log_clear,
	[UMBRA_MGMT_domain_counters] = mgmt_domain_counters,
	[UMBRA_MGMT_events] = mgmt_events,
	[UMBRA_MGMT_event_irq] = mgmt_event_irq,
	[UMBRA_MGMT_snapshot] = mgmt_snapshot,
	[UMBRA_MGMT_memory_read] = mgmt_memory_read,
	[UMBRA_MGMT_vcpu_context_get] = mgmt_vcpu_context_get,
	[UMBRA_MGMT_vcpu_context_set] = mgmt_vcpu_context_set,
	[UMBRA_MGMT_domain_state] = mgmt_domain_state,
	[UMBRA_MGMT_domain_rings] = mgmt_domain_rings,
	[UMBRA_MGMT_ring_map] = mgmt_ring_map,
	[UMBRA_MGMT_evtchn_op] = mgmt_evtchn_op,
	[UMBRA_MGMT_evtchn_pending] = mgmt_evtchn_pending,
	[UMBRA_MGMT_pv_build] = mgmt_pv_build,
	[UMBRA_MGMT_grant_state] = mgmt_grant_state,
};

/* One command at a time, whichever of dom0's vCPUs calls: the handlers
 * share bounce buffers and look domains up without holding them, which
 * is safe because only a command destroys a domain. */
static spinlock_t mgmt_lock = SPINLOCK_INIT;

int mgmt_target(const struct mgmt_call *c, bool allow_dom0, struct domain **out)
{
	struct domain *d = c->req.domid < MAX_DOMAINS ? domain_by_id((domid_t)c->req.domid)
						      : NULL;

	if (!d)
		return -ESRCH;
	if (domain_is_dom0(d) && !allow_dom0)
		return -EPERM;
	*out = d;
	return 0;
}

uint64_t mgmt_domu_cpus(void)
{
	uint64_t cpus = sched_cpus_online();

	for (unsigned int cpu = 0; cpu < 64; cpu++)
		if (sched_pcpu_is_dom0s(cpu))
			cpus &= ~(1ULL << cpu);
	return cpus;
}

/* A request of another interface version: only its version field is
 * written, with ours, so the tool can name both. */
static long refuse_version(struct vcpu *v, uint64_t gva)
{
	uint32_t ours = UMBRA_MGMT_INTERFACE_VERSION;

	if (copy_to_guest(v, gva + offsetof(struct umbra_mgmt, interface_version),
			  &ours, sizeof(ours)))
		return -EFAULT;
	return -EACCES;
}

long mgmt_run(struct mgmt_call *c)
{
	uint64_t f;
	long rc;

	/* A number reserved for a command not built in. */
	if (!handlers[c->req.cmd])
		return -ENOSYS;
	f = spin_lock_irqsave(&mgmt_lock);
	rc = handlers[c->req.cmd](c);

	spin_unlock_irqrestore(&mgmt_lock, f);
	return rc;
}

/* Commands that change nothing: one whose results cannot be written
 * back has done no harm, so its request is not written first. */
static bool changes_nothing(uint32_t cmd)
{
	return cmd == UMBRA_MGMT_physinfo || cmd == UMBRA_MGMT_domain_list ||
	       cmd == UMBRA_MGMT_domain_counters || cmd == UMBRA_MGMT_snapshot;
}

long do_umbra_mgmt(struct vcpu *v, uint64_t *a)
{
	struct mgmt_call c = { .v = v };
	uint64_t gva = a[0];
	long rc;

	/* Nothing of a domU's request is even read. */
	if (!domain_is_dom0(v->domain))
		return -EPERM;
	if (copy_from_guest(v, &c.req, gva, sizeof(c.req)))
		return -EFAULT;
	rc = mgmt_check_request(&c.req);
	if (rc == -EACCES)
		return refuse_version(v, gva);
	if (rc)
		return rc;
	/* The results must be deliverable before anything is done: a domain
	 * created for a request that cannot be written would be lost. A
	 * monitor's reads skip it: a refresh's cost is every page it walks. */
	if (!changes_nothing(c.req.cmd) && copy_to_guest(v, gva, &c.req, sizeof(c.req)))
		return -EFAULT;
	rc = mgmt_run(&c);
	if (copy_to_guest(v, gva, &c.req, sizeof(c.req)))
		return -EFAULT;
	return rc;
}
