/*
 * Where transports and the event loop meet. An endpoint is something
 * the loop polls — a client socket, a ring's event channel — with the
 * connection it serves. Transports (sock.c, ring_host.c) fill in the
 * callbacks and reach the loop only through its ep_loop_ops, so they
 * never name the server; the loop (server.c) owns every endpoint and
 * ends their connections when it shuts down.
 */
#ifndef VMSTORED_ENDPOINT_H
#define VMSTORED_ENDPOINT_H

#include <stdbool.h>
#include <stdint.h>

#include "list.h"

struct conn;
struct endpoint;
struct ep_loop;
struct store;

struct ep_loop_ops {
	/* Start polling ep's fd for events (EPOLLIN, ...); 0 or -1. */
	int (*watch)(struct ep_loop *l, struct endpoint *ep, uint32_t events);
	void (*modify)(struct ep_loop *l, struct endpoint *ep,
		       uint32_t events);
	/* Call ep->flush at the end of this loop iteration. */
	void (*kick)(struct ep_loop *l, struct endpoint *ep);
	/* Stop polling ep and free it once the iteration is over. */
	void (*retire)(struct ep_loop *l, struct endpoint *ep);
};

struct ep_loop {
	const struct ep_loop_ops *ops;
	struct store *store;		/* what the connections serve */
};

struct endpoint {
	struct ep_loop *loop;
	int fd;
	void (*on_event)(struct endpoint *ep, uint32_t events);
	void (*flush)(struct endpoint *ep);
	void (*free)(struct endpoint *ep);
	struct conn *conn;
	/* The loop's bookkeeping. */
	struct list_head link;		/* every endpoint being polled */
	struct endpoint *flush_next;
	bool in_flush_list;
	bool dead;		/* closed; freed after this loop iteration */
};

static inline int endpoint_watch(struct endpoint *ep, uint32_t events)
{
	return ep->loop->ops->watch(ep->loop, ep, events);
}

static inline void endpoint_modify(struct endpoint *ep, uint32_t events)
{
	ep->loop->ops->modify(ep->loop, ep, events);
}

static inline void endpoint_kick(struct endpoint *ep)
{
	ep->loop->ops->kick(ep->loop, ep);
}

static inline void endpoint_retire(struct endpoint *ep)
{
	ep->loop->ops->retire(ep->loop, ep);
}

#endif
