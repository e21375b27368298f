/*
 * A guest's connection over its store ring page, whatever carries the
 * notifications: ring_host.c (files and FIFOs, for tests on a host) and
 * ring_umbra.c (the domain's real page and event channel, through
 * /dev/umbra). The transport fills in the page, its endpoint's fd (which
 * becomes readable when the guest notifies) and how to notify the guest;
 * this file moves requests in and replies out.
 */
#ifndef VMSTORED_RING_CONN_H
#define VMSTORED_RING_CONN_H

#include <stdint.h>

#include "endpoint.h"
#include "public/io/xs_wire.h"

struct domain;
struct store;

struct ring_ep {
	struct endpoint ep;	/* ep.fd: readable when the guest notified */
	struct xenstore_domain_interface *intf;
	void (*notify)(struct ring_ep *r);	/* tell the guest */
};

/*
 * Start serving d's ring: r's intf, ep.fd, ep.free and notify are set,
 * the rest is filled in here. Returns 0 (d->ring is set), or an errno
 * value after which r has been freed through ep.free.
 */
int ring_conn_start(struct ring_ep *r, struct ep_loop *loop, struct store *s,
		    struct domain *d);
/* Move requests in and replies out (the endpoint's flush). */
void ring_conn_service(struct endpoint *ep);
/* The endpoint's on_event for transports: drain ep.fd, serve the ring. */
void ring_conn_event(struct endpoint *ep, uint32_t events);
/* Stop serving d's ring (RELEASE): ends the connection. */
void ring_conn_stop(struct domain *d);

#endif
