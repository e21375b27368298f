/*
 * A domain's event channels for save and restore (umbra/evtchn.h): its
 * ports in use as struct umbra_evtchn_record, and back. Pending and
 * masked bits are the guest's shared_info, saved with its memory; only
 * the bindings are the hypervisor's.
 */
#include <asm/guest_access.h>
#include <public/event_channel.h>
#include <public/mgmt.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/evtchn.h>
#include <umbra/string.h>

#define CHUNK	(4096 / sizeof(struct umbra_evtchn_record))

/* Used under the mgmt lock only (management commands are serialised). */
static struct umbra_evtchn_record recs[CHUNK];

static bool record_of(const struct evtchn *chn, uint32_t port, struct umbra_evtchn_record *r)
{
	static const uint8_t status[] = {
		[ECS_UNBOUND] = EVTCHNSTAT_unbound,
		[ECS_INTERDOMAIN] = EVTCHNSTAT_interdomain,
		[ECS_VIRQ] = EVTCHNSTAT_virq,
		[ECS_IPI] = EVTCHNSTAT_ipi,
	};

	if (chn->state == ECS_FREE || chn->state == ECS_RESERVED ||
	    chn->state >= sizeof(status))
		return false;
	*r = (struct umbra_evtchn_record){
		.port = port, .status = status[chn->state], .notify_vcpu = chn->notify_vcpu,
	};
	if (chn->state == ECS_VIRQ)
		r->virq = chn->virq;
	if (chn->state == ECS_UNBOUND || chn->state == ECS_INTERDOMAIN)
		r->remote_dom = chn->remote_dom;
	if (chn->state == ECS_INTERDOMAIN)
		r->remote_port = chn->remote_port;
	return true;
}

/* The records of ports [*port, ...) into recs, at most CHUNK: how many,
 * *port moved past the last one looked at. */
static unsigned int gather(struct domain *d, uint32_t *port)
{
	struct evtchn_table *t = &d->evtchn.table;
	uint64_t f = spin_lock_irqsave(&d->evtchn.lock);
	unsigned int n = 0;

	for (; n < CHUNK && evtchn_port_valid(t, *port); (*port)++)
		if (record_of(evtchn_at(t, *port), *port, &recs[n]))
			n++;
	spin_unlock_irqrestore(&d->evtchn.lock, f);
	return n;
}

long evtchn_save(struct domain *d, struct vcpu *caller, uint64_t gva, uint64_t max,
		 uint32_t *written)
{
	uint32_t port = 1, out = 0;
	long in_use = 0;
	unsigned int n;

	while ((n = gather(d, &port)) != 0) {
		uint64_t copy = max - out < n ? max - out : n;

		if (copy && copy_to_guest(caller, gva + out * sizeof(recs[0]), recs,
					  copy * sizeof(recs[0])))
			return -EFAULT;
		out += (uint32_t)copy;
		in_use += n;
	}
	*written = out;
	return in_use;
}

/* Each VIRQ once per slot (global ones on vCPU 0's). */
struct load_check {
	uint32_t last_port;
	uint32_t virqs[MAX_VCPUS_PER_DOMAIN];	/* bit per VIRQ bound */
};

static bool record_valid(const struct domain *d, const struct umbra_evtchn_record *r,
			 struct load_check *lc)
{
	uint32_t slot;

	if (r->port <= lc->last_port || r->port >= d->evtchn.table.max_ports ||
	    r->notify_vcpu >= d->nr_vcpus)
		return false;
	lc->last_port = r->port;
	switch (r->status) {
	case EVTCHNSTAT_unbound:
	case EVTCHNSTAT_interdomain:
		return r->remote_dom < DOMID_FIRST_RESERVED && !r->virq;
	case EVTCHNSTAT_ipi:
		return !r->virq && !r->remote_dom && !r->remote_port;
	case EVTCHNSTAT_virq:
		if (r->virq >= NR_VIRQS || r->remote_dom || r->remote_port)
			return false;
		if (!evtchn_virq_is_per_vcpu(r->virq) && r->notify_vcpu != 0)
			return false;
		slot = evtchn_virq_is_per_vcpu(r->virq) ? r->notify_vcpu : 0;
		if (lc->virqs[slot] & (1u << r->virq))
			return false;
		lc->virqs[slot] |= 1u << r->virq;
		return true;
	default:
		return false;
	}
}

static uint32_t ports_in_use(struct domain *d)
{
	uint32_t port = 1, n = 0, k;

	while ((k = gather(d, &port)) != 0)
		n += k;
	return n;
}

static bool remote_kind(uint8_t status)
{
	return status == EVTCHNSTAT_unbound || status == EVTCHNSTAT_interdomain;
}

/*
 * A port the new domain has already (its store and console rings', from
 * domain_create) stays as it is when the record has it too, unbound or
 * connected to the same remote domain: that domain's back end binds it
 * again. 1: kept, 0: free, -EBUSY: taken by something else.
 */
static int already_there(struct domain *d, const struct umbra_evtchn_record *r)
{
	uint64_t f = spin_lock_irqsave(&d->evtchn.lock);
	const struct evtchn *chn = evtchn_at(&d->evtchn.table, r->port);
	int rc = 0;

	if (chn && chn->state != ECS_FREE)
		rc = (chn->state == ECS_UNBOUND || chn->state == ECS_INTERDOMAIN) &&
		     remote_kind(r->status) && chn->remote_dom == r->remote_dom ? 1 : -EBUSY;
	spin_unlock_irqrestore(&d->evtchn.lock, f);
	return rc;
}

static void bind(struct domain *d, const struct umbra_evtchn_record *r)
{
	struct evtchn_table *t = &d->evtchn.table;
	struct evtchn *chn = evtchn_at(t, r->port);

	chn->notify_vcpu = r->notify_vcpu;
	if (chn->state != ECS_FREE)
		return;		/* kept (already_there) */
	memset(chn, 0, sizeof(*chn));
	chn->notify_vcpu = r->notify_vcpu;
	switch (r->status) {
	case EVTCHNSTAT_virq:
		chn->state = ECS_VIRQ;
		chn->virq = r->virq;
		__atomic_store_n(&t->virq_port[evtchn_virq_is_per_vcpu(r->virq) ?
					       r->notify_vcpu : 0][r->virq],
				 (uint16_t)r->port, __ATOMIC_RELEASE);
		break;
	case EVTCHNSTAT_ipi:
		chn->state = ECS_IPI;
		break;
	default:	/* its peer re-binds to it */
		chn->state = ECS_UNBOUND;
		chn->remote_dom = r->remote_dom;
		break;
	}
}

/* Read records [i, i + n) of the caller's nr into recs. */
static int fetch(struct vcpu *caller, uint64_t gva, uint32_t i, unsigned int n)
{
	return copy_from_guest(caller, recs, gva + (uint64_t)i * sizeof(recs[0]),
			       n * sizeof(recs[0])) ? -EFAULT : 0;
}

long evtchn_load(struct domain *d, struct vcpu *caller, uint64_t gva, uint32_t nr)
{
	struct load_check lc = { 0 };
	uint32_t i, kept = 0;
	int err;

	for (i = 0; i < nr; i += CHUNK) {
		unsigned int n = nr - i < CHUNK ? nr - i : CHUNK;

		if ((err = fetch(caller, gva, i, n)))
			return err;
		for (unsigned int k = 0; k < n; k++) {
			if (!record_valid(d, &recs[k], &lc))
				return -EINVAL;
			err = already_there(d, &recs[k]);
			if (err < 0)
				return err;
			kept += (uint32_t)err;
		}
	}
	/* Every port it has must be one the file keeps. */
	if (ports_in_use(d) != kept)
		return -EBUSY;
	/* Buckets first: running out of memory then binds nothing. */
	if (nr && (err = evtchn_port_cover(d, lc.last_port)))
		return err;
	for (i = 0; i < nr; i += CHUNK) {
		unsigned int n = nr - i < CHUNK ? nr - i : CHUNK;
		uint64_t f;

		if ((err = fetch(caller, gva, i, n)))
			return err;
		f = spin_lock_irqsave(&d->evtchn.lock);
		for (unsigned int k = 0; k < n; k++)
			bind(d, &recs[k]);
		spin_unlock_irqrestore(&d->evtchn.lock, f);
	}
	return 0;
}
