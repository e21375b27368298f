/* Guests' store rings under Umbra (see ring_umbra.h). */
#include "ring_umbra.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "dom0-tools/lib/libvmctl/vmctl.h"
#include "conn.h"
#include "list.h"
#include "log.h"
#include "ring_conn.h"
#include "store.h"
#include "watch.h"

/* At most this many rings are asked about per events call. */
#define PORTS_PER_CALL	1024

/* /dev/umbra: one handle for every ring, its fd polled for Umbra's
 * events, which then are sorted by dom0 port to the rings. */
struct hub {
	struct endpoint ep;		/* ep.fd: vmctl_fd() */
	struct vmctl *h;
	struct list_head rings;
};

struct umbra_ring {
	struct ring_ep r;		/* r.ep.fd: an eventfd the hub writes */
	struct list_head link;		/* in hub.rings */
	uint32_t domid;
	uint32_t local_port;		/* dom0's end of the store channel */
};

static struct hub hub;

static void notify_guest(struct ring_ep *r)
{
	struct umbra_ring *u = (struct umbra_ring *)r;

	if (vmctl_evtchn_notify(hub.h, u->local_port))
		log_warn("dom%u ring: notify: %s", u->domid, vmctl_last_error());
}

static void umbra_ring_free(struct endpoint *ep)
{
	struct umbra_ring *u = (struct umbra_ring *)ep;

	if (u->link.next)
		list_del(&u->link);
	if (!hub.h)
		goto out;	/* closed already (shutdown): the driver gave both back */
	if (u->local_port)
		vmctl_evtchn_close(hub.h, u->local_port);
	/* The domain may be gone, and its ring with it: nothing to say. */
	if (u->r.intf)
		vmctl_ring_unmap(hub.h, u->domid, UMBRA_RING_STORE, u->r.intf);
out:
	if (ep->fd >= 0)
		close(ep->fd);
	free(u);
}

/* Destroyed (or being destroyed): its page is no longer dom0's to touch. */
static bool domain_gone(const struct umbra_ring *u)
{
	struct umbra_domain_info info;
	int rc = vmctl_domain_info(hub.h, u->domid, &info);

	return rc == -ESRCH || (!rc && info.state == UMBRA_DOMSTATE_DYING);
}

/* As xenstored does when the hypervisor says a domain died: release it
 * (@releaseDomain), whoever RELEASEs it later gets ENOENT. */
static void release_gone(struct umbra_ring *u)
{
	struct conn *c = u->r.ep.conn;
	struct domain *d = c->client.domain;
	struct store *s = hub.ep.loop->store;

	log_info("released dom%u (destroyed)", d->domid);
	d->introduced = false;
	d->target = DOMID_NONE;
	domain_forget_saved_watches(d);
	s->dirty = true;
	conn_destroy(c);	/* retires the endpoint */
	watch_fire_special(s, SPECIAL_RELEASE);
}

/* Every time the ring is to be served: a guest's notification, or
 * output for it (a watch firing, perhaps for the removal of its own
 * nodes after it was destroyed). */
static void umbra_service(struct endpoint *ep)
{
	struct umbra_ring *u = (struct umbra_ring *)ep;

	if (domain_gone(u)) {
		release_gone(u);
		return;
	}
	ring_conn_service(ep);
}

/* The domain's ring as Umbra set it up, and the one INTRODUCE names. */
static int check_ring(const struct domain *d)
{
	struct umbra_mgmt_rings r;

	if (vmctl_domain_rings(hub.h, d->domid, &r)) {
		log_warn("dom%u: %s", d->domid, vmctl_last_error());
		return ENOENT;
	}
	if (r.store_gfn != d->mfn || r.store_port != d->port) {
		log_warn("dom%u: INTRODUCE names page %llu port %u, but its store ring is page %llu port %u",
			 d->domid, (unsigned long long)d->mfn, d->port,
			 (unsigned long long)r.store_gfn, r.store_port);
		return EINVAL;
	}
	return 0;
}

static int ring_attach(struct store *s, struct domain *d, void *arg)
{
	struct umbra_ring *u;
	long port;
	int err = check_ring(d);

	(void)arg;
	if (err)
		return err;
	u = calloc(1, sizeof(*u));
	if (!u)
		return ENOMEM;
	u->domid = d->domid;
	u->r.ep.free = umbra_ring_free;
	u->r.notify = notify_guest;
	u->r.ep.flush = umbra_service;
	u->r.ep.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	u->r.intf = vmctl_ring_map(hub.h, d->domid, UMBRA_RING_STORE);
	port = u->r.intf ? vmctl_evtchn_bind(hub.h, d->domid, d->port) : -1;
	if (u->r.ep.fd < 0 || port <= 0) {
		log_warn("dom%u ring (page %llu, port %u): %s", d->domid,
			 (unsigned long long)d->mfn, d->port,
			 u->r.ep.fd < 0 ? strerror(errno) : vmctl_last_error());
		umbra_ring_free(&u->r.ep);
		return u->r.intf ? EINVAL : ENOENT;
	}
	u->local_port = (uint32_t)port;
	list_add_tail(&u->link, &hub.rings);
	log_info("dom%u: serving its ring (page %llu, port %u, dom0 port %u)", d->domid,
		 (unsigned long long)d->mfn, d->port, u->local_port);
	return ring_conn_start(&u->r, hub.ep.loop, s, d);
}

static void ring_detach(struct store *s, struct domain *d, void *arg)
{
	(void)s;
	(void)arg;
	ring_conn_stop(d);
}

/* Wake the rings whose ports had events (one batch of ports per call). */
static void sort_events(void)
{
	static uint32_t ports[PORTS_PER_CALL];
	struct umbra_ring *batch[PORTS_PER_CALL];
	struct list_head *pos, *tmp;
	unsigned int n = 0, i;
	uint64_t one = 1;

	list_for_each_safe(pos, tmp, &hub.rings) {
		struct umbra_ring *u = list_entry(pos, struct umbra_ring, link);

		batch[n] = u;
		ports[n++] = u->local_port;
		if (n < PORTS_PER_CALL && pos->next != &hub.rings)
			continue;
		if (vmctl_evtchn_pending(hub.h, ports, n) < 0)
			log_warn("events: %s", vmctl_last_error());
		for (i = 0; i < n; i++)
			if (ports[i] && write(batch[i]->r.ep.fd, &one, sizeof(one)) < 0)
				log_warn("dom%u: eventfd: %s", batch[i]->domid, strerror(errno));
		n = 0;
	}
}

static void hub_event(struct endpoint *ep, uint32_t events)
{
	uint64_t gen;

	(void)ep;
	(void)events;
	/* Seen first: an event after this read makes the fd readable again. */
	if (vmctl_events(hub.h, &gen))
		log_warn("events: %s", vmctl_last_error());
	sort_events();
}

static void hub_flush(struct endpoint *ep)
{
	(void)ep;
}

static void hub_free(struct endpoint *ep)
{
	(void)ep;
	vmctl_close(hub.h);
	hub.h = NULL;
}

/* Domains restored from the state file: serve them again, or let go of
 * those that are gone (destroyed while the daemon was down). */
static void attach_restored(struct store *s)
{
	struct hlink *l, *next;
	size_t b = 0;
	bool released = false;

	for (l = htable_next(&s->domains, &b, NULL); l; l = next) {
		struct domain *d = container_of(l, struct domain, link);

		next = htable_next(&s->domains, &b, l);
		if (!d->introduced || d->ring)
			continue;
		if (!ring_attach(s, d, NULL))
			continue;
		log_info("dom%u: no longer there to serve: released", d->domid);
		d->introduced = false;
		domain_forget_saved_watches(d);
		s->dirty = true;
		released = true;
	}
	if (released)
		watch_fire_special(s, SPECIAL_RELEASE);
}

int ring_umbra_enable(struct ep_loop *loop, const char *dev)
{
	uint64_t gen;
	int err = dev ? vmctl_open_path(dev, &hub.h) : vmctl_open(&hub.h);

	if (err) {
		log_err("rings: %s", vmctl_last_error());
		return -1;
	}
	list_init(&hub.rings);
	hub.ep.loop = loop;
	hub.ep.fd = vmctl_fd(hub.h);
	hub.ep.on_event = hub_event;
	hub.ep.flush = hub_flush;
	hub.ep.free = hub_free;
	vmctl_events(hub.h, &gen);
	if (endpoint_watch(&hub.ep, EPOLLIN)) {
		vmctl_close(hub.h);
		return -1;
	}
	loop->store->ring.attach = ring_attach;
	loop->store->ring.detach = ring_detach;
	loop->store->ring.arg = &hub;
	attach_restored(loop->store);
	return 0;
}
