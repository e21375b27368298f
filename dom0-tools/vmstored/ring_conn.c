/* A guest's connection over its store ring page (see ring_conn.h). */
#include "ring_conn.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>

#include "conn.h"
#include "log.h"
#include "ring.h"
#include "store.h"
#include "watch.h"

static void ring_fail(struct ring_ep *r, uint32_t code, const char *why)
{
	struct conn *c = r->ep.conn;

	log_warn("dom%u ring: %s; no longer served", c->client.domid, why);
	__atomic_store_n(&r->intf->error, code, __ATOMIC_RELEASE);
	r->notify(r);
	conn_destroy(c);	/* retires the endpoint */
}

/* Guest asked for a fresh start (XENSTORE_RECONNECT). */
static void ring_reset(struct ring_ep *r)
{
	conn_reset(r->ep.conn);
	r->intf->req_cons = r->intf->req_prod = 0;
	r->intf->rsp_cons = r->intf->rsp_prod = 0;
	__atomic_store_n(&r->intf->connection, XENSTORE_CONNECTED,
			 __ATOMIC_RELEASE);
}

/* Move requests in and replies out until neither side can progress. */
void ring_conn_service(struct endpoint *ep)
{
	struct ring_ep *r = (struct ring_ep *)ep;
	bool moved = false, progress;
	char buf[XENSTORE_RING_SIZE];

	if (__atomic_load_n(&r->intf->connection, __ATOMIC_ACQUIRE) ==
	    XENSTORE_RECONNECT) {
		ring_reset(r);
		moved = true;
	}
	do {
		struct iovec iov[8];
		int n, i;

		progress = false;
		if (conn_wants_input(ep->conn)) {
			n = ring_server_read(r->intf, buf, sizeof(buf));
			if (n < 0) {
				ring_fail(r, XENSTORE_ERROR_RINGIDX,
					  "bad request ring indices");
				return;
			}
			if (n > 0 && conn_feed(ep->conn, buf, (size_t)n)) {
				ring_fail(r, XENSTORE_ERROR_PROTO,
					  "oversized request");
				return;
			}
			progress |= n > 0;
		}
		n = conn_out_iov(ep->conn, iov, 8);
		for (i = 0; i < n; i++) {
			int put = ring_server_write(r->intf, iov[i].iov_base,
						    iov[i].iov_len);

			if (put < 0) {
				ring_fail(r, XENSTORE_ERROR_RINGIDX,
					  "bad reply ring indices");
				return;
			}
			conn_out_consume(ep->conn, (size_t)put);
			progress |= put > 0;
			if ((size_t)put < iov[i].iov_len)
				break;
		}
		moved |= progress;
	} while (progress);
	if (moved)
		r->notify(r);
}

void ring_conn_event(struct endpoint *ep, uint32_t events)
{
	char drain[64];

	(void)events;
	while (read(ep->fd, drain, sizeof(drain)) > 0)
		;
	ep->flush(ep);
}

static void ring_kick(struct conn *c)
{
	endpoint_kick(c->priv);
}

static void ring_release(struct conn *c)
{
	struct endpoint *ep = c->priv;

	if (c->client.domain->ring == ep) {
		c->client.domain->ring = NULL;
		c->client.domain->ring_client = NULL;
	}
	ep->conn = NULL;
	endpoint_retire(ep);
}

static const struct conn_ops ring_ops = {
	.kick = ring_kick,
	.release = ring_release,
};

/* The guest's watches from before a restart (--state): set again, each
 * firing once as a new registration does (a guest takes a watch event
 * as "look again"). */
static void restore_watches(struct domain *d)
{
	for (uint32_t i = 0; i < d->nsaved_watches; i++) {
		int err = watch_add(d->ring_client, d->saved_watches[2 * i],
				    d->saved_watches[2 * i + 1]);

		if (err)
			log_warn("dom%u: watch %s not set again: %s", d->domid,
				 d->saved_watches[2 * i], strerror(err));
	}
	if (d->nsaved_watches)
		log_info("dom%u: %u watches set again", d->domid, d->nsaved_watches);
	domain_forget_saved_watches(d);
}

int ring_conn_start(struct ring_ep *r, struct ep_loop *loop, struct store *s,
		    struct domain *d)
{
	r->intf->server_features = XENSTORE_SERVER_FEATURE_RECONNECTION |
				   XENSTORE_SERVER_FEATURE_ERROR;
	r->ep.loop = loop;
	r->ep.on_event = ring_conn_event;
	if (!r->ep.flush)
		r->ep.flush = ring_conn_service;
	r->ep.conn = conn_new(s, d->domid, false, &ring_ops, &r->ep);
	if (!r->ep.conn) {
		r->ep.free(&r->ep);
		return ENOMEM;
	}
	if (endpoint_watch(&r->ep, EPOLLIN)) {
		conn_destroy(r->ep.conn);	/* frees r later */
		return EIO;
	}
	d->ring = &r->ep;
	d->ring_client = &r->ep.conn->client;
	restore_watches(d);
	endpoint_kick(&r->ep);	/* requests may be waiting */
	return 0;
}

void ring_conn_stop(struct domain *d)
{
	struct endpoint *ep = d->ring;

	conn_destroy(ep->conn);		/* retires the endpoint */
}
