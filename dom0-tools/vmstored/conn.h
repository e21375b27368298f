/*
 * A client connection, independent of transport. It owns the wire in
 * both directions: it turns incoming bytes into requests, hands each to
 * the dispatcher, and queues the reply (or error) the dispatcher returns
 * and the client's watch events until the transport (socket or ring) can
 * send them. Transports create and destroy connections.
 */
#ifndef VMSTORED_CONN_H
#define VMSTORED_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "client.h"
#include "public/io/xs_wire.h"
#include "store.h"

struct conn;

struct conn_ops {
	/* Output was queued: make sure it gets sent. May be NULL. */
	void (*kick)(struct conn *c);
	/* The connection is being destroyed: free transport state. */
	void (*release)(struct conn *c);
};

struct outmsg {
	struct outmsg *next;
	uint32_t len;		/* header + payload bytes */
	uint32_t reply;		/* 1 for a reply (counts as outstanding) */
	char data[];		/* struct xsd_sockmsg (aligned), payload */
};

/* Privileged clients may run this far ahead before input pauses. */
#define CONN_PRIV_OUTSTANDING 1024
/* Queued events beyond this for an unprivileged client are dropped. */
#define CONN_EVENT_QUEUE_MAX 1024

struct conn {
	struct client client;		/* who it is, txns, watches */

	struct xsd_sockmsg hdr;		/* request being received */
	uint32_t hdr_got, in_got;
	char *in;			/* payload, NUL-terminated */

	struct outmsg *out_head, *out_tail;
	uint32_t out_off;		/* bytes of out_head already sent */
	uint32_t out_msgs, out_replies;
	uint64_t events_dropped;

	const struct conn_ops *ops;
	void *priv;			/* transport state */
};

struct conn *conn_new(struct store *s, uint32_t domid, bool privileged,
		      const struct conn_ops *ops, void *priv);
/* Drops the connection's transactions and watches too. */
void conn_destroy(struct conn *c);
/* The client asked for a fresh start: drop its transactions, watches,
 * queued output and any partial request. */
void conn_reset(struct conn *c);

/* Feed received bytes; -1 means the peer broke the protocol: drop it. */
int conn_feed(struct conn *c, const void *data, size_t len);
/* False while too many replies wait to be read (outstanding quota). */
bool conn_wants_input(const struct conn *c);

/* Queue a reply; 0 or ENOMEM. Payloads over the limit become E2BIG. */
int conn_send(struct conn *c, const struct xsd_sockmsg *req, uint32_t type,
	      const void *payload, uint32_t len);
void conn_send_error(struct conn *c, const struct xsd_sockmsg *req,
		     int err);
void conn_send_event(struct conn *c, const char *path, const char *token);

/* Output side for transports. */
static inline bool conn_out_pending(const struct conn *c)
{
	return c->out_head != NULL;
}
/* Fill up to max iovecs with queued bytes; returns how many. */
int conn_out_iov(const struct conn *c, struct iovec *iov, int max);
void conn_out_consume(struct conn *c, size_t n);

/* "EINVAL" etc. for an errno value (EINVAL's name if unknown). */
const char *wire_error_name(int err);

#endif
