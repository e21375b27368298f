/* Management commands for dom0's back ends (the store, the console):
 * a domain's rings, dom0's mapping of them, and dom0's own event-channel
 * ports (public/mgmt.h; common/domain_rings.c, common/evtchn_dom0.c). */
#include <asm/guest_access.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/evtchn.h>
#include <umbra/mgmt.h>

/* evtchn_pending: a page of ports at a time. */
#define PENDING_MAX_PORTS	1024

long mgmt_domain_rings(struct mgmt_call *c)
{
	struct umbra_mgmt_rings *o = &c->req.u.rings;
	struct domain *d;
	int err = mgmt_target(c, false, &d);

	if (err)
		return err;
	*o = (struct umbra_mgmt_rings){ 0 };
	if (!d->rings.present)
		return 0;
	o->store_gfn = d->rings.gfn[DOMAIN_RING_STORE];
	o->console_gfn = d->rings.gfn[DOMAIN_RING_CONSOLE];
	o->store_port = d->rings.port[DOMAIN_RING_STORE];
	o->console_port = d->rings.port[DOMAIN_RING_CONSOLE];
	o->flags = UMBRA_RINGS_PRESENT;
	return 0;
}

long mgmt_ring_map(struct mgmt_call *c)
{
	struct umbra_mgmt_ring_map *a = &c->req.u.ring_map;
	struct domain *d;
	uint64_t maddr = 0;
	int err = mgmt_target(c, false, &d);

	if (err)
		return err;
	if (a->op > UMBRA_RING_UNMAP ||
	    (a->which != UMBRA_RING_STORE && a->which != UMBRA_RING_CONSOLE))
		return -EINVAL;
	/* A dying domain's memory is about to go: no new way into it. */
	if (a->op == UMBRA_RING_MAP && d->state == DOMAIN_DYING)
		return -EINVAL;
	err = domain_ring_dom0_map(d, a->which == UMBRA_RING_STORE ? DOMAIN_RING_STORE
								   : DOMAIN_RING_CONSOLE,
				   a->op == UMBRA_RING_MAP, &maddr);
	a->maddr = err ? 0 : maddr;
	return err;
}

long mgmt_evtchn_op(struct mgmt_call *c)
{
	struct umbra_mgmt_evtchn *a = &c->req.u.evtchn;
	struct domain *z = c->v->domain, *d;
	long rc;
	int err;

	switch (a->op) {
	case UMBRA_EVTCHN_BIND:
		err = mgmt_target(c, false, &d);
		if (err)
			return err;
		rc = evtchn_bind_interdomain(z, d->id, a->remote_port);
		if (rc < 0)
			return rc;
		a->port = (uint32_t)rc;
		return 0;
	case UMBRA_EVTCHN_CLOSE:
		rc = evtchn_close(z, a->port);
		evtchn_dom0_take_pending(a->port);	/* a later owner starts clean */
		return rc;
	case UMBRA_EVTCHN_SEND:
		return evtchn_send(z, a->port);
	default:
		return -EINVAL;
	}
}

/* Under the mgmt lock, one command at a time: not on the small stack. */
static uint32_t ports[PENDING_MAX_PORTS];

long mgmt_evtchn_pending(struct mgmt_call *c)
{
	uint64_t len = c->req.buf_len;
	long n = 0;

	if (len % sizeof(uint32_t) || len > sizeof(ports))
		return -EINVAL;
	if (len && copy_from_guest(c->v, ports, c->req.buf, len))
		return -EFAULT;
	for (uint64_t i = 0; i < len / sizeof(uint32_t); i++) {
		if (evtchn_dom0_take_pending(ports[i]))
			n++;
		else
			ports[i] = 0;
	}
	if (len && copy_to_guest(c->v, c->req.buf, ports, len))
		return -EFAULT;
	return n;
}
