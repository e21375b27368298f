/*
 * event_channel_op: Xen's 2-level event channels for HVM domains, with
 * Xen's checks and error codes (xen/common/event_channel.c is the model):
 * -EINVAL for a port that is not valid or in the wrong state, -ESRCH for
 * no such domain, -EPERM for another domain's ports (dom0 may name any),
 * -ENOENT for no such vCPU, -EEXIST for a VIRQ bound twice, -ENOSPC past
 * the domain's port limit, -EFAULT for a bad pointer. The FIFO ABI is not
 * offered: its calls check their arguments as Xen does and a well-formed
 * init_control gets -ENOSYS, which a guest takes as "use 2-level".
 *
 * This file: copying arguments in and out, and the operations on the
 * caller's own ports under its lock. What may touch another domain's
 * ports is in evtchn_link.c. A send holds only the sender's lock: its
 * peer cannot disconnect (or be freed) meanwhile, since that needs the
 * sender's lock too.
 */
#include <asm/guest_access.h>
#include <public/event_channel.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/evtchn.h>
#include <umbra/hypercall.h>
#include "mmu/pte.h"

#define PAGE_BYTES	4096ULL

static struct evtchn_table *table(struct domain *d)
{
	return &d->evtchn.table;
}

static long alloc_unbound(struct vcpu *v, uint64_t arg)
{
	struct evtchn_alloc_unbound a;
	long rc;

	if (copy_from_guest(v, &a, arg, sizeof(a)))
		return -EFAULT;
	rc = evtchn_alloc_unbound(v->domain, a.dom, a.remote_dom);
	if (rc < 0)
		return rc;
	a.port = (uint32_t)rc;
	/* Xen copies the result out after the port exists; so does this. */
	return copy_to_guest(v, arg, &a, sizeof(a)) ? -EFAULT : 0;
}

static long bind_interdomain(struct vcpu *v, uint64_t arg)
{
	struct evtchn_bind_interdomain b;
	long rc;

	if (copy_from_guest(v, &b, arg, sizeof(b)))
		return -EFAULT;
	rc = evtchn_bind_interdomain(v->domain, b.remote_dom, b.remote_port);
	if (rc < 0)
		return rc;
	b.local_port = (uint32_t)rc;
	return copy_to_guest(v, arg, &b, sizeof(b)) ? -EFAULT : 0;
}

static long bind_virq_locked(struct domain *d, const struct evtchn_bind_virq *b)
{
	uint32_t slot = evtchn_virq_is_per_vcpu(b->virq) ? b->vcpu : 0;
	struct evtchn *chn;
	int port;

	if (table(d)->virq_port[slot][b->virq])
		return -EEXIST;
	port = evtchn_new_port(d);
	if (port < 0)
		return port;
	chn = evtchn_at(table(d), (uint32_t)port);
	chn->state = ECS_VIRQ;
	chn->virq = (uint8_t)b->virq;
	chn->notify_vcpu = b->vcpu;
	__atomic_store_n(&table(d)->virq_port[slot][b->virq], (uint16_t)port, __ATOMIC_RELEASE);
	return port;
}

/* Xen's order: the VIRQ, a global one on vCPU 0 only, then the vCPU. */
static long bind_virq(struct vcpu *v, uint64_t arg)
{
	struct domain *d = v->domain;
	struct evtchn_bind_virq b;
	uint64_t f;
	long rc;

	if (copy_from_guest(v, &b, arg, sizeof(b)))
		return -EFAULT;
	if (b.virq >= NR_VIRQS)
		return -EINVAL;
	if (!evtchn_virq_is_per_vcpu(b.virq) && b.vcpu != 0)
		return -EINVAL;
	if (b.vcpu >= d->nr_vcpus)
		return -ENOENT;
	f = spin_lock_irqsave(&d->evtchn.lock);
	rc = bind_virq_locked(d, &b);
	spin_unlock_irqrestore(&d->evtchn.lock, f);
	if (rc < 0)
		return rc;
	b.port = (uint32_t)rc;
	return copy_to_guest(v, arg, &b, sizeof(b)) ? -EFAULT : 0;
}

static long bind_ipi(struct vcpu *v, uint64_t arg)
{
	struct domain *d = v->domain;
	struct evtchn_bind_ipi b;
	uint64_t f;
	int port;

	if (copy_from_guest(v, &b, arg, sizeof(b)))
		return -EFAULT;
	if (b.vcpu >= d->nr_vcpus)
		return -ENOENT;
	f = spin_lock_irqsave(&d->evtchn.lock);
	port = evtchn_new_port(d);
	if (port > 0) {
		struct evtchn *chn = evtchn_at(table(d), (uint32_t)port);

		chn->state = ECS_IPI;
		chn->notify_vcpu = b.vcpu;
	}
	spin_unlock_irqrestore(&d->evtchn.lock, f);
	if (port < 0)
		return port;
	b.port = (uint32_t)port;
	return copy_to_guest(v, arg, &b, sizeof(b)) ? -EFAULT : 0;
}

static long send_locked(struct domain *d, uint32_t port)
{
	struct evtchn *chn = evtchn_at(table(d), port), *rchn;

	if (!chn)
		return -EINVAL;
	switch (chn->state) {
	case ECS_INTERDOMAIN:
		rchn = evtchn_at(table(chn->peer), chn->remote_port);
		evtchn_set_pending(chn->peer, __atomic_load_n(&rchn->notify_vcpu,
							      __ATOMIC_RELAXED),
				   chn->remote_port);
		return 0;
	case ECS_IPI:
		evtchn_2l_set_pending(d, chn->notify_vcpu, port);
		return 0;
	case ECS_UNBOUND:
		return 0;	/* nobody to tell yet: dropped, as Xen does */
	default:
		return -EINVAL;
	}
}

long evtchn_send(struct domain *d, uint32_t port)
{
	uint64_t f = spin_lock_irqsave(&d->evtchn.lock);
	long rc = send_locked(d, port);

	spin_unlock_irqrestore(&d->evtchn.lock, f);
	return rc;
}

/* send, unmask and close: a port is all they take. */
static long port_op(struct vcpu *v, unsigned int cmd, uint64_t arg)
{
	struct domain *d = v->domain;
	uint32_t port;
	uint64_t f;
	long rc = 0;

	if (copy_from_guest(v, &port, arg, sizeof(port)))
		return -EFAULT;
	if (cmd == EVTCHNOP_close)
		return evtchn_close(d, port);
	f = spin_lock_irqsave(&d->evtchn.lock);
	if (cmd == EVTCHNOP_send)
		rc = send_locked(d, port);
	else if (!evtchn_port_valid(table(d), port))
		rc = -EINVAL;
	else
		evtchn_2l_unmask(d, evtchn_at(table(d), port)->notify_vcpu, port);
	spin_unlock_irqrestore(&d->evtchn.lock, f);
	return rc;
}

static long status(struct vcpu *v, uint64_t arg)
{
	struct evtchn_status s;
	long rc;

	if (copy_from_guest(v, &s, arg, sizeof(s)))
		return -EFAULT;
	rc = evtchn_status(v->domain, &s);
	if (rc)
		return rc;
	return copy_to_guest(v, arg, &s, sizeof(s)) ? -EFAULT : 0;
}

/* Xen: unbound and interdomain ports, and global VIRQs, may move to
 * another vCPU; per-vCPU VIRQs and IPIs may not. */
static long bind_vcpu(struct vcpu *v, uint64_t arg)
{
	struct domain *d = v->domain;
	struct evtchn_bind_vcpu b;
	struct evtchn *chn;
	uint64_t f;
	long rc = 0;

	if (copy_from_guest(v, &b, arg, sizeof(b)))
		return -EFAULT;
	if (b.vcpu >= d->nr_vcpus)
		return -ENOENT;
	f = spin_lock_irqsave(&d->evtchn.lock);
	chn = evtchn_at(table(d), b.port);
	if (!chn)
		rc = -EINVAL;
	else if (chn->state == ECS_UNBOUND || chn->state == ECS_INTERDOMAIN ||
		 (chn->state == ECS_VIRQ && !evtchn_virq_is_per_vcpu(chn->virq)))
		__atomic_store_n(&chn->notify_vcpu, b.vcpu, __ATOMIC_RELAXED);
	else
		rc = -EINVAL;
	spin_unlock_irqrestore(&d->evtchn.lock, f);
	return rc;
}

static long reset(struct vcpu *v, uint64_t arg)
{
	struct evtchn_reset r;

	if (copy_from_guest(v, &r, arg, sizeof(r)))
		return -EFAULT;
	return evtchn_reset(v->domain, r.dom);
}

static uint32_t virq_slot(const struct vcpu *v, uint32_t virq)
{
	return evtchn_virq_is_per_vcpu(virq) ? v->id : 0;
}

bool evtchn_virq_bound(struct vcpu *v, uint32_t virq)
{
	return virq < NR_VIRQS &&
	       __atomic_load_n(&table(v->domain)->virq_port[virq_slot(v, virq)][virq],
			       __ATOMIC_ACQUIRE) != 0;
}

void evtchn_send_virq(struct vcpu *v, uint32_t virq)
{
	struct domain *d = v->domain;
	uint64_t f = spin_lock_irqsave(&d->evtchn.lock);
	uint32_t port = table(d)->virq_port[virq_slot(v, virq)][virq];

	if (port)
		evtchn_2l_set_pending(d, evtchn_at(table(d), port)->notify_vcpu, port);
	spin_unlock_irqrestore(&d->evtchn.lock, f);
}

static long init_control(struct vcpu *v, uint64_t arg)
{
	struct domain *d = v->domain;
	struct evtchn_init_control ic;

	if (copy_from_guest(v, &ic, arg, sizeof(ic)))
		return -EFAULT;
	/* Xen's order: offset, then vCPU, then the frame. */
	if (ic.offset > PAGE_BYTES - EVTCHN_FIFO_CONTROL_BLOCK_SIZE || (ic.offset & 7))
		return -EINVAL;
	if (ic.vcpu >= d->nr_vcpus)
		return -ENOENT;
	if (ic.control_gfn >= PFN_LIMIT ||
	    !domain_owns_gpa_range(d, ic.control_gfn * PAGE_BYTES, PAGE_BYTES))
		return -EINVAL;
	return -ENOSYS;
}

long do_event_channel_op(struct vcpu *v, uint64_t *a)
{
	switch (a[0]) {
	case EVTCHNOP_alloc_unbound:
		return alloc_unbound(v, a[1]);
	case EVTCHNOP_bind_interdomain:
		return bind_interdomain(v, a[1]);
	case EVTCHNOP_bind_virq:
		return bind_virq(v, a[1]);
	case EVTCHNOP_bind_ipi:
		return bind_ipi(v, a[1]);
	case EVTCHNOP_close:
	case EVTCHNOP_send:
	case EVTCHNOP_unmask:
		return port_op(v, (unsigned int)a[0], a[1]);
	case EVTCHNOP_status:
		return status(v, a[1]);
	case EVTCHNOP_bind_vcpu:
		return bind_vcpu(v, a[1]);
	case EVTCHNOP_reset:
		return reset(v, a[1]);
	case EVTCHNOP_init_control:
		return init_control(v, a[1]);
	default:
		return -ENOSYS;	/* bind_pirq: no physical IRQs; expand_array, set_priority: FIFO */
	}
}
