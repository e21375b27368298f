/*
 * Event-channel operations that may touch more than one domain's ports,
 * and so run under the global link lock (umbra/evtchn.h): binding to
 * another domain, closing (an interdomain peer's end becomes unbound),
 * the calls dom0 may aim at another domain (alloc_unbound, status), reset,
 * and a domain's teardown. A domain found under the link lock stays until
 * the lock is let go: teardown needs it too, and comes after the domain
 * left the table and before it is freed.
 */
#include <asm/layout.h>
#include <public/event_channel.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/evtchn.h>
#include <umbra/mm.h>
#include <umbra/string.h>

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

static struct evtchn_table *table(struct domain *d)
{
	return &d->evtchn.table;
}

/* The domain structure starts zeroed: its lock is free. */
int evtchn_domain_init(struct domain *d)
{
	return evtchn_table_init(table(d), EVTCHN_DEFAULT_PORTS, &bucket_pages);
}

int evtchn_new_port(struct domain *d)
{
	return evtchn_free_port(table(d), &bucket_pages);
}

int evtchn_port_cover(struct domain *d, uint32_t port)
{
	uint64_t f = spin_lock_irqsave(&d->evtchn.lock);
	int err = evtchn_table_cover(table(d), port, &bucket_pages);

	spin_unlock_irqrestore(&d->evtchn.lock, f);
	return err;
}

/* Xen's evtchn_close for one port, the link lock and d's lock held. */
static long close_locked(struct domain *d, uint32_t port)
{
	struct evtchn *chn = evtchn_at(table(d), port);

	if (!chn || chn->state == ECS_FREE || chn->state == ECS_RESERVED)
		return -EINVAL;
	if (chn->state == ECS_VIRQ)
		table(d)->virq_port[evtchn_virq_is_per_vcpu(chn->virq) ? chn->notify_vcpu : 0]
				   [chn->virq] = 0;
	if (chn->state == ECS_INTERDOMAIN) {
		struct domain *rd = chn->peer;
		uint64_t f = 0;
		struct evtchn *rchn;

		if (rd != d)
			f = spin_lock_irqsave(&rd->evtchn.lock);
		rchn = evtchn_at(table(rd), chn->remote_port);
		rchn->state = ECS_UNBOUND;	/* waiting for d again */
		rchn->remote_dom = d->id;
		rchn->peer = NULL;
		if (rd != d)
			spin_unlock_irqrestore(&rd->evtchn.lock, f);
	}
	evtchn_2l_clear_pending(d, port);
	evtchn_release_port(table(d), port);
	return 0;
}

static void close_every_port_locked(struct domain *d)
{
	for (uint32_t p = 1; evtchn_port_valid(table(d), p); p++)
		close_locked(d, p);
}

long evtchn_close(struct domain *d, uint32_t port)
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
	close_every_port_locked(d);
	spin_unlock_irqrestore(&d->evtchn.lock, g);
	spin_unlock_irqrestore(&link_lock, f);
}

/* The buckets go under both locks: a binder that found d before it left
 * the table may still look at its ports. */
void evtchn_domain_destroy(struct domain *d)
{
	uint64_t f, g;

	evtchn_domain_close_all(d);
	f = spin_lock_irqsave(&link_lock);
	g = spin_lock_irqsave(&d->evtchn.lock);
	evtchn_table_release(table(d), &bucket_pages);
	spin_unlock_irqrestore(&d->evtchn.lock, g);
	spin_unlock_irqrestore(&link_lock, f);
}

static bool is_self(const struct domain *d, domid_t id)
{
	return id == DOMID_SELF || id == d->id;
}

/* The domain a call names, the link lock held: the caller's own, or for
 * dom0 any other, as Xen's dummy XSM lets its control domain act for
 * others. No such domain is -ESRCH; another's, for anyone else, -EPERM. */
static long target_locked(struct domain *d, domid_t id, struct domain **t)
{
	if (is_self(d, id)) {
		*t = d;
		return 0;
	}
	*t = domain_by_id(id);
	if (!*t)
		return -ESRCH;
	return domain_is_dom0(d) ? 0 : -EPERM;
}

static long alloc_unbound_in(struct domain *td, domid_t remote)
{
	uint64_t f = spin_lock_irqsave(&td->evtchn.lock);
	int port = evtchn_new_port(td);

	if (port > 0) {
		struct evtchn *chn = evtchn_at(table(td), (uint32_t)port);

		chn->state = ECS_UNBOUND;
		chn->remote_dom = remote;
	}
	spin_unlock_irqrestore(&td->evtchn.lock, f);
	return port;
}

long evtchn_alloc_unbound(struct domain *d, domid_t dom, domid_t remote)
{
	uint64_t f = spin_lock_irqsave(&link_lock);
	struct domain *td;
	long rc = target_locked(d, dom, &td);

	if (!rc)
		rc = alloc_unbound_in(td, remote == DOMID_SELF ? d->id : remote);
	spin_unlock_irqrestore(&link_lock, f);
	return rc;
}

/* Connect a new port of ld to rd's rport, both locks held; Xen's order of
 * checks: a free port first (-ENOSPC), then the remote port (-EINVAL). */
static long connect_locked(struct domain *ld, struct domain *rd, uint32_t rport)
{
	int lport = evtchn_new_port(ld);
	struct evtchn *lchn, *rchn;

	if (lport < 0)
		return lport;
	rchn = evtchn_at(table(rd), rport);
	if (!rchn || rchn->state != ECS_UNBOUND || rchn->remote_dom != ld->id)
		return -EINVAL;
	lchn = evtchn_at(table(ld), (uint32_t)lport);
	*lchn = (struct evtchn){ .state = ECS_INTERDOMAIN, .remote_dom = rd->id,
				 .remote_port = rport, .peer = rd };
	rchn->state = ECS_INTERDOMAIN;
	rchn->remote_dom = ld->id;
	rchn->remote_port = (uint32_t)lport;
	rchn->peer = ld;
	/* Events sent to the unbound port were dropped: as Xen, assume one
	 * was and make the new port pending. */
	evtchn_set_pending(ld, lchn->notify_vcpu, (uint32_t)lport);
	return lport;
}

long evtchn_bind_interdomain(struct domain *ld, domid_t rdom, uint32_t rport)
{
	uint64_t f = spin_lock_irqsave(&link_lock), g, h = 0;
	struct domain *rd = is_self(ld, rdom) ? ld : domain_by_id(rdom);
	long rc;

	if (!rd) {
		spin_unlock_irqrestore(&link_lock, f);
		return -ESRCH;
	}
	g = spin_lock_irqsave(&ld->evtchn.lock);
	if (rd != ld)
		h = spin_lock_irqsave(&rd->evtchn.lock);
	rc = connect_locked(ld, rd, rport);
	if (rd != ld)
		spin_unlock_irqrestore(&rd->evtchn.lock, h);
	spin_unlock_irqrestore(&ld->evtchn.lock, g);
	spin_unlock_irqrestore(&link_lock, f);
	return rc;
}

static void status_fill(const struct evtchn *chn, struct evtchn_status *s)
{
	static const uint32_t stat[] = {
		[ECS_FREE] = EVTCHNSTAT_closed, [ECS_RESERVED] = EVTCHNSTAT_closed,
		[ECS_UNBOUND] = EVTCHNSTAT_unbound, [ECS_INTERDOMAIN] = EVTCHNSTAT_interdomain,
		[ECS_VIRQ] = EVTCHNSTAT_virq, [ECS_IPI] = EVTCHNSTAT_ipi,
	};

	memset(&s->u, 0, sizeof(s->u));
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

long evtchn_status(struct domain *d, struct evtchn_status *s)
{
	uint64_t f = spin_lock_irqsave(&link_lock), g;
	struct domain *td;
	struct evtchn *chn;
	long rc = target_locked(d, s->dom, &td);

	if (!rc) {
		g = spin_lock_irqsave(&td->evtchn.lock);
		chn = evtchn_at(table(td), s->port);
		if (chn)
			status_fill(chn, s);
		else
			rc = -EINVAL;
		spin_unlock_irqrestore(&td->evtchn.lock, g);
	}
	spin_unlock_irqrestore(&link_lock, f);
	return rc;
}

/* Only the caller's own ports: Xen resets another domain's only while
 * its controller has it paused, which Umbra's dom0 does not do yet. */
long evtchn_reset(struct domain *d, domid_t dom)
{
	uint64_t f = spin_lock_irqsave(&link_lock), g;
	struct domain *td;
	long rc = target_locked(d, dom, &td);

	if (!rc && td != d)
		rc = -EINVAL;
	if (!rc) {
		g = spin_lock_irqsave(&d->evtchn.lock);
		close_every_port_locked(d);
		spin_unlock_irqrestore(&d->evtchn.lock, g);
	}
	spin_unlock_irqrestore(&link_lock, f);
	return rc;
}
