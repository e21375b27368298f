/*
 * Event channels (Xen's 2-level ABI) of HVM domains: the per-domain state,
 * delivery into shared_info and the vCPU's upcall, and what the scheduler,
 * the timers and domain teardown ask of them.
 *
 * Locks, outermost first: the domain table's lock (timer walk), the global
 * link lock (every operation that touches two domains' ports: binding,
 * closing, teardown), a domain's evtchn lock (its ports), the run queue's.
 */
#ifndef UMBRA_EVTCHN_H
#define UMBRA_EVTCHN_H

#include <stdbool.h>
#include <stdint.h>
#include <umbra/evtchn_table.h>
#include <umbra/spinlock.h>

struct domain;
struct vcpu;

struct evtchn_domain {
	spinlock_t lock;
	struct evtchn_table table;
};

/* SCHEDOP_poll on more than one port: any send to the domain wakes it. */
#define EVTCHN_POLL_ANY		0xffffffffu
/* Xen's limit on the ports of one SCHEDOP_poll. */
#define EVTCHN_POLL_MAX_PORTS	128

/* A new domain's table (port 0 reserved); 0 or -ENOMEM. */
int evtchn_domain_init(struct domain *d);
/* Close every port of d: an interdomain peer sees its end unbound, as
 * when d closes it; d gets no new port. Idempotent. */
void evtchn_domain_close_all(struct domain *d);
/* The same, then the table's memory: d's vCPUs are off every pCPU. */
void evtchn_domain_destroy(struct domain *d);

/* What may touch another domain's ports (common/evtchn_link.c). Each
 * returns a port or 0, or -errno as Xen does. dom: the caller's own
 * (DOMID_SELF) or, for dom0, any domain. */
long evtchn_alloc_unbound(struct domain *d, domid_t dom, domid_t remote);
long evtchn_bind_interdomain(struct domain *ld, domid_t rdom, uint32_t rport);
long evtchn_close(struct domain *d, uint32_t port);
struct evtchn_status;
long evtchn_status(struct domain *d, struct evtchn_status *s);
long evtchn_reset(struct domain *d, domid_t dom);
/* The lowest free port of d for a new channel, d's lock held. */
int evtchn_new_port(struct domain *d);

/* Make port of d pending for vcpu: the 2-level bits of a guest, or for
 * dom0 (no shared_info, no upcall) Umbra's own record of its ports, which
 * moves the management event generation (common/evtchn_dom0.c). */
void evtchn_set_pending(struct domain *d, uint32_t vcpu, uint32_t port);
/* Was dom0's port pending? Clears it. */
bool evtchn_dom0_take_pending(uint32_t port);
/* EVTCHNOP_send on d's port, for dom0's back ends: 0 or -EINVAL. */
long evtchn_send(struct domain *d, uint32_t port);

/* Make port valid in d's table (its bucket allocated); 0 or -errno. */
int evtchn_port_cover(struct domain *d, uint32_t port);

/* Save and restore (common/evtchn_save.c). evtchn_save writes a record
 * (struct umbra_evtchn_record) for each port in use, by port, at most
 * max into caller's buffer at gva, sets *written and returns how many
 * are in use, or -EFAULT. evtchn_load binds nr records read from gva
 * into d: every record is checked before the first is bound (-EINVAL),
 * an interdomain one comes back unbound to its remote domain, and a port
 * d has already (its rings') must be in the file, unbound or connected
 * to the same remote domain, and is kept as it is (-EBUSY otherwise). */
long evtchn_save(struct domain *d, struct vcpu *caller, uint64_t gva, uint64_t max,
		 uint32_t *written);
long evtchn_load(struct domain *d, struct vcpu *caller, uint64_t gva, uint32_t nr);

/* Has v (per-vCPU VIRQs) or its domain (global ones) bound virq? Read
 * without the lock: the answer may be stale by the time it is used. */
bool evtchn_virq_bound(struct vcpu *v, uint32_t virq);
/* Raise virq on v if bound (Xen's send_guest_vcpu_virq). */
void evtchn_send_virq(struct vcpu *v, uint32_t virq);

/* The 2-level ABI in the domain's shared_info (common/event_2l.c); with
 * no shared_info placed yet there is nowhere to record an event, and
 * nothing happens. vcpu names the vCPU to notify. */
void evtchn_2l_set_pending(struct domain *d, uint32_t vcpu, uint32_t port);
void evtchn_2l_clear_pending(struct domain *d, uint32_t port);
void evtchn_2l_unmask(struct domain *d, uint32_t vcpu, uint32_t port);
bool evtchn_2l_is_pending(struct domain *d, uint32_t port);
/* The domain's shared_info and vcpu_info layout from now on: Xen's
 * compat one (32-bit words, 1024 ports) if v runs 32-bit code, as Xen
 * latches it when a guest writes the hypercall page MSR or sets
 * HVM_PARAM_CALLBACK_IRQ. */
void evtchn_2l_latch(struct vcpu *v, bool compat);
/* Set every selector bit of the vcpu_info at vi (v's, just moved). */
void evtchn_2l_select_all(struct vcpu *v, uint64_t vi);
/* HVMOP_set_evtchn_upcall_vector: raise the upcall again if v has one
 * pending (Xen's hvm_assert_evtchn_irq). */
void evtchn_upcall_reassert(struct vcpu *v);
/* A vCPU whose state and memory a restore loaded: one upcall that makes
 * the guest scan every port (event_2l.c says why). */
void evtchn_restore_kick(struct vcpu *v);

/* SCHEDOP_poll (common/event_poll.c). */
long evtchn_poll(struct vcpu *v, uint64_t arg);
/* v waits some other way now (SCHEDOP_block): a poll that ended without
 * its port (a timeout, another upcall) must not wake it later. */
void evtchn_poll_cancel(struct vcpu *v);

#endif
