/*
 * event_channel_op: Xen's 2-level event channels for HVM domains, with
 * Xen's checks and error codes (xen/common/event_channel.c is the model):
 * -EINVAL for a port that is not valid or in the wrong state, -ESRCH for
 * no such domain, -EPERM for another domain's ports, -ENOENT for no such
 * vCPU, -EEXIST for a VIRQ bound twice, -ENOSPC past the domain's port
 * limit. The FIFO ABI is not offered: its calls check their arguments as
 * Xen does and a well-formed init_control gets -ENOSYS, which a guest
 * takes as "use 2-level".
 *
 * Locking: umbra/evtchn.h. A send holds only the sender's lock: its
 * peer cannot disconnect (or be freed) meanwhile, since that needs the
 * sender's lock too.
 */
#include <asm/guest_access.h>
#include <asm/layout.h>
#include <public/event_channel.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/evtchn.h>
#include <umbra/hypercall.h>
#include <umbra/mm.h>

#define PAGE_BYTES	4096ULL

static spinlock_t link_lock = SPINLOCK_INIT;

static void *bucket_alloc(void)
{
	uint64_t pa = alloc_page_phys();

	return pa ? phys_to_virt(pa) : NULL;
}

static void bucket_free(void *page)
{
	free_page_phys(virt_to_phys(page));
}

static const struct evtchn_pages bucket_pages = { bucket_alloc, bucket_free };

/* The domain structure starts zeroed: its lock is free. */
int evtchn_domain_init(struct domain *d)
{
	return evtchn_table_init(&d->evtchn.table, EVTCHN_DEFAULT_PORTS, &bucket_pages);
}

static struct evtchn_table *table(struct domain *d)
{
	return &d->evtchn.table;
}

/* Xen's evtchn_close for one port, the caller holding the link lock and
 * d's lock; an interdomain peer's end becomes unbound, waiting for d. */
static long close_locked(struct domain *d, uint32_t port)
{
	struct evtchn *chn = evtchn_at(table(d), port);

	if (!chn)
		return -EINVAL;
	switch (chn->state) {
	case ECS_FREE:
	case ECS_RESERVED:
		return -EINVAL;
	case ECS_VIRQ:
		table(d)->virq_port[evtchn_virq_is_per_vcpu(chn->virq) ? chn->notify_vcpu : 0]
				   [chn->virq] = 0;
		break;
	case ECS_INTERDOMAIN: {
		struct domain *rd = chn->peer;
		uint64_t f = 0;
		struct evtchn *rchn;

		if (rd != d)
			f = spin_lock_irqsave(&rd->evtchn.lock);
		rchn = evtchn_at(table(rd), chn->remote_port);
		rchn->state = ECS_UNBOUND;
		rchn->remote_dom = d->id;
		rchn->peer = NULL;
		if (rd != d)
			spin_unlock_irqrestore(&rd->evtchn.lock, f);
		break;
	}
	default:
		break;
	}
	evtchn_2l_clear_pending(d, port);
	evtchn_release_port(table(d), port);
	return 0;
}

static long close_port(struct domain *d, uint32_t port)
{
	uint64_t f = spin_lock_irqsave(&link_lock);
	uint64_t g = spin_lock_irqsave(&d->evtchn.lock);
	long rc = close_locked(d, port);

	spin_unlock_irqrestore(&d->evtchn.lock, g);
	spin_unlock_irqrestore(&link_lock, f);
	return rc;
}

void evtchn_domain_close_all(struct domain *d)
{
	uint64_t f = spin_lock_irqsave(&link_lock);
	uint64_t g = spin_lock_irqsave(&d->evtchn.lock);

	table(d)->dying = true;
	for (uint32_t p = 1; evtchn_port_valid(table(d), p); p++)
		close_locked(d, p);
	spin_unlock_irqrestore(&d->evtchn.lock, g);
	spin_unlock_irqrestore(&link_lock, f);
}

void evtchn_domain_destroy(struct domain *d)
{
	evtchn_domain_close_all(d);
	evtchn_table_release(table(d), &bucket_pages);
}

/* A domain other than the caller's: Xen's dummy XSM lets only a
 * privileged domain name one; no such domain is -ESRCH. */
static long other_domain(domid_t id)
{
	return domain_by_id(id) ? -EPERM : -ESRCH;
}

static bool is_self(const struct domain *d, domid_t id)
{
	return id == DOMID_SELF || id == d->id;
}

static long alloc_unbound(struct vcpu *v, uint64_t arg)
{
	struct domain *d = v->domain;
	struct evtchn_alloc_unbound a;
	uint64_t f;
	int port;

	if (copy_from_guest(v, &a, arg, sizeof(a)))
		return -EFAULT;
	if (!is_self(d, a.dom))
		return other_domain(a.dom);
	f = spin_lock_irqsave(&d->evtchn.lock);
	port = evtchn_free_port(table(d), &bucket_pages);
	if (port > 0) {
		struct evtchn *chn = evtchn_at(table(d), (uint32_t)port);

		chn->state = ECS_UNBOUND;
		chn->remote_dom = a.remote_dom == DOMID_SELF ? d->id : a.remote_dom;
	}
	spin_unlock_irqrestore(&d->evtchn.lock, f);
	if (port < 0)
		return port;
	a.port = (uint32_t)port;
	/* Xen copies the result out after the port exists; so does this. */
	return copy_to_guest(v, arg, &a, sizeof(a)) ? -EFAULT : 0;
}

/* Connect a new port of ld to rd's rport, both locks held. */
static long connect_locked(struct domain *ld, struct domain *rd, uint32_t rport)
{
	int lport = evtchn_free_port(table(ld), &bucket_pages);
	struct evtchn *lchn, *rchn;

	if (lport < 0)
		return lport;
	rchn = evtchn_at(table(rd), rport);
	if (!rchn || rchn->state != ECS_UNBOUND || rchn->remote_dom != ld->id)
		return -EINVAL;
	lchn = evtchn_at(table(ld), (uint32_t)lport);
	lchn->state = ECS_INTERDOMAIN;
	lchn->remote_dom = rd->id;
	lchn->remote_port = rport;
	lchn->peer = rd;
	rchn->state = ECS_INTERDOMAIN;
	rchn->remote_dom = ld->id;
	rchn->remote_port = (uint32_t)lport;
	rchn->peer = ld;
	/* Events sent to the unbound port were dropped: as Xen, assume one
	 * was and make the new port pending. */
	evtchn_2l_set_pending(ld, lchn->notify_vcpu, (uint32_t)lport);
	return lport;
}

static long bind_interdomain(struct vcpu *v, uint64_t arg)
{
	struct domain *ld = v->domain, *rd;
	struct evtchn_bind_interdomain b;
	uint64_t f, g, h = 0;
	long rc;

	if (copy_from_guest(v, &b, arg, sizeof(b)))
		return -EFAULT;
	f = spin_lock_irqsave(&link_lock);
	/* Under the link lock: a domain found here is not torn down (which
	 * needs that lock, after it left the table) until we let go. */
	rd = is_self(ld, b.remote_dom) ? ld : domain_by_id(b.remote_dom);
	if (!rd) {
		spin_unlock_irqrestore(&link_lock, f);
		return -ESRCH;
	}
	g = spin_lock_irqsave(&ld->evtchn.lock);
	if (rd != ld)
		h = spin_lock_irqsave(&rd->evtchn.lock);
	rc = connect_locked(ld, rd, b.remote_port);
	if (rd != ld)
		spin_unlock_irqrestore(&rd->evtchn.lock, h);
	spin_unlock_irqrestore(&ld->evtchn.lock, g);
	spin_unlock_irqrestore(&link_lock, f);
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
	port = evtchn_free_port(table(d), &bucket_pages);
	if (port < 0)
		return port;
	chn = evtchn_at(table(d), (uint32_t)port);
	chn->state = ECS_VIRQ;
	chn->virq = (uint8_t)b->virq;
	chn->notify_vcpu = b->vcpu;
	table(d)->virq_port[slot][b->virq] = (uint16_t)port;
	return port;
}

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
	port = evtchn_free_port(table(d), &bucket_pages);
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
		evtchn_2l_set_pending(chn->peer, __atomic_load_n(&rchn->notify_vcpu,
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

/* The ops that take just a port and the caller's lock. */
static long port_op(struct vcpu *v, unsigned int cmd, uint64_t arg)
{
	struct domain *d = v->domain;
	uint32_t port;
	uint64_t f;
	long rc = 0;

	if (copy_from_guest(v, &port, arg, sizeof(port)))
		return -EFAULT;
	if (cmd == EVTCHNOP_close)
		return close_port(d, port);
	f = spin_lock_irqsave(&d->evtchn.lock);
	if (cmd == EVTCHNOP_send)
		rc = send_locked(d, port);
	else if (!evtchn_port_valid(table(d), port))
		rc = -EINVAL;
	else		/* unmask */
		evtchn_2l_unmask(d, evtchn_at(table(d), port)->notify_vcpu, port);
	spin_unlock_irqrestore(&d->evtchn.lock, f);
	return rc;
}

static void status_fill(const struct evtchn *chn, struct evtchn_status *s)
{
	static const uint32_t stat[] = {
		[ECS_FREE] = EVTCHNSTAT_closed, [ECS_RESERVED] = EVTCHNSTAT_closed,
		[ECS_UNBOUND] = EVTCHNSTAT_unbound, [ECS_INTERDOMAIN] = EVTCHNSTAT_interdomain,
		[ECS_VIRQ] = EVTCHNSTAT_virq, [ECS_IPI] = EVTCHNSTAT_ipi,
	};

	s->status = stat[chn->state];
	s->vcpu = chn->notify_vcpu;
	if (chn->state == ECS_UNBOUND) {
		s->u.unbound.dom = chn->remote_dom;
	} else if (chn->state == ECS_INTERDOMAIN) {
		s->u.interdomain.dom = chn->remote_dom;
		s->u.interdomain.port = chn->remote_port;
	} else if (chn->state == ECS_VIRQ) {
		s->u.virq = chn->virq;
	}
}

static long status(struct vcpu *v, uint64_t arg)
{
	struct domain *d = v->domain;
	struct evtchn_status s;
	struct evtchn *chn;
	uint64_t f;

	if (copy_from_guest(v, &s, arg, sizeof(s)))
		return -EFAULT;
	if (!is_self(d, s.dom))
		return other_domain(s.dom);
	f = spin_lock_irqsave(&d->evtchn.lock);
	chn = evtchn_at(table(d), s.port);
	if (chn) {
		__builtin_memset(&s.u, 0, sizeof(s.u));
		status_fill(chn, &s);
	}
	spin_unlock_irqrestore(&d->evtchn.lock, f);
	if (!chn)
		return -EINVAL;
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
	struct domain *d = v->domain;
	struct evtchn_reset r;
	uint64_t f, g;

	if (copy_from_guest(v, &r, arg, sizeof(r)))
		return -EFAULT;
	if (!is_self(d, r.dom))
		return other_domain(r.dom);
	f = spin_lock_irqsave(&link_lock);
	g = spin_lock_irqsave(&d->evtchn.lock);
	for (uint32_t p = 1; evtchn_port_valid(table(d), p); p++)
		close_locked(d, p);
	spin_unlock_irqrestore(&d->evtchn.lock, g);
	spin_unlock_irqrestore(&link_lock, f);
	return 0;
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
	if (ic.control_gfn >= (1ULL << 52) / PAGE_BYTES ||
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
