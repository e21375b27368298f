/*
 * A domain's event-channel ports: their states and bindings, without the
 * delivery (common/event_2l.c) or the hypercalls (common/event_channel.c).
 * Plain logic over caller-supplied pages, so host tests can drive it.
 *
 * Ports live in buckets of one page each, allocated as the domain takes
 * more ports, as Xen does: a port is valid (Xen's port_is_valid) when its
 * bucket exists, and port 0 is reserved from the start. A domain holds at
 * most `max_ports` ports (Xen's max_evtchn_port + 1).
 */
#ifndef UMBRA_EVTCHN_TABLE_H
#define UMBRA_EVTCHN_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <public/xen.h>
#include <umbra/domain_limits.h>

/* Xen's channel states (its ECS_*), not the EVTCHNSTAT_* of the ABI. */
enum evtchn_state {
	ECS_FREE,
	ECS_RESERVED,		/* port 0 */
	ECS_UNBOUND,		/* waiting for remote_dom to bind */
	ECS_INTERDOMAIN,	/* connected to remote_dom's remote_port */
	ECS_VIRQ,
	ECS_IPI,
};

struct domain;

struct evtchn {
	uint8_t state;		/* enum evtchn_state */
	uint8_t virq;		/* ECS_VIRQ */
	domid_t remote_dom;	/* ECS_UNBOUND: who may bind; INTERDOMAIN: peer */
	uint32_t remote_port;	/* ECS_INTERDOMAIN */
	uint32_t notify_vcpu;	/* the vCPU that gets the upcall */
	uint32_t pad;
	/* ECS_INTERDOMAIN: the peer itself. Valid while connected: a domain
	 * disconnects every channel before it is freed. */
	struct domain *peer;
	uint64_t pad2;
};

#define EVTCHN_BUCKET_PAGE	4096
#define EVTCHNS_PER_BUCKET	(EVTCHN_BUCKET_PAGE / sizeof(struct evtchn))
#define EVTCHN_MAX_PORTS	EVTCHN_2L_NR_CHANNELS
#define EVTCHN_BUCKETS		(EVTCHN_MAX_PORTS / EVTCHNS_PER_BUCKET)
/* Xen's toolstack default (max_event_channels = 1023: ports 0..1023). */
#define EVTCHN_DEFAULT_PORTS	1024

struct evtchn_table {
	struct evtchn *bucket[EVTCHN_BUCKETS];
	uint32_t valid_ports;		/* ports in the allocated buckets */
	uint32_t max_ports;		/* the domain's limit */
	bool dying;			/* no new port from now on */
	/* The port bound to each VIRQ on each vCPU (global VIRQs: vCPU 0); 0: none. */
	uint16_t virq_port[MAX_VCPUS_PER_DOMAIN][NR_VIRQS];
};

/* A zeroed EVTCHN_BUCKET_PAGE-byte page, or NULL; and its release. */
struct evtchn_pages {
	void *(*alloc)(void);
	void (*free)(void *page);
};

/* Set up an empty table of max_ports (at most EVTCHN_MAX_PORTS) with port 0
 * reserved; 0 or -ENOMEM. */
int evtchn_table_init(struct evtchn_table *t, uint32_t max_ports,
		      const struct evtchn_pages *pages);
/* Give back every bucket. */
void evtchn_table_release(struct evtchn_table *t, const struct evtchn_pages *pages);

bool evtchn_port_valid(const struct evtchn_table *t, uint32_t port);
/* The channel of a valid port, else NULL. */
struct evtchn *evtchn_at(struct evtchn_table *t, uint32_t port);
/* The lowest free port (Xen's get_free_port), a new bucket if needed:
 * -ENOSPC past the limit, -ENOMEM without a page, -EINVAL when dying.
 * The port stays free until the caller gives it a state. */
int evtchn_free_port(struct evtchn_table *t, const struct evtchn_pages *pages);
/* Buckets up to the one holding port: -ENOSPC past the limit, -ENOMEM
 * (the buckets added so far stay, their ports free). */
int evtchn_table_cover(struct evtchn_table *t, uint32_t port,
		       const struct evtchn_pages *pages);
/* Back to ECS_FREE, notified vCPU 0 (Xen's evtchn_free). */
void evtchn_release_port(struct evtchn_table *t, uint32_t port);

/* Which VIRQs are per vCPU; the rest are global (bound on vCPU 0 only). */
bool evtchn_virq_is_per_vcpu(uint32_t virq);

#endif
