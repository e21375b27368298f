/* Connection framing: request assembly and the output queue. */
#include "conn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "hash.h"
#include "log.h"
#include "txn.h"
#include "watch.h"

static void send_client_event(struct client *cl, const char *path,
			      const char *token)
{
	conn_send_event(container_of(cl, struct conn, client), path, token);
}

struct conn *conn_new(struct store *s, uint32_t domid, bool privileged,
		      const struct conn_ops *ops, void *priv)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->in = malloc(XENSTORE_PAYLOAD_MAX + 1);
	if (!c->in || client_init(&c->client, s, domid, privileged,
				  send_client_event)) {
		free(c->in);
		free(c);
		return NULL;
	}
	c->ops = ops;
	c->priv = priv;
	return c;
}

static void drop_output(struct conn *c)
{
	struct outmsg *m, *next;

	for (m = c->out_head; m; m = next) {
		next = m->next;
		free(m);
	}
	c->out_head = c->out_tail = NULL;
	c->out_msgs = c->out_replies = 0;
	c->out_off = 0;
}

void conn_destroy(struct conn *c)
{
	txn_abort_all(&c->client);
	watch_del_all(&c->client);
	if (c->ops && c->ops->release)
		c->ops->release(c);
	drop_output(c);
	free(c->in);
	free(c);
}

void conn_reset(struct conn *c)
{
	txn_abort_all(&c->client);
	watch_del_all(&c->client);
	drop_output(c);
	c->hdr_got = c->in_got = 0;
}

/* One complete request: dispatch it and queue what it answers. */
static void handle(struct conn *c, const struct xsd_sockmsg *hdr)
{
	struct reply rep;
	int err = dispatch(&c->client, hdr, c->in, &rep);

	if (!err)
		err = conn_send(c, hdr, hdr->type, rep.data, rep.len);
	if (err)
		conn_send_error(c, hdr, err);
	else if (rep.event_path)
		conn_send_event(c, rep.event_path, rep.event_token);
	reply_release(&rep);
}

int conn_feed(struct conn *c, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		size_t n;

		if (c->hdr_got < sizeof(c->hdr)) {
			n = sizeof(c->hdr) - c->hdr_got;
			n = n < len ? n : len;
			memcpy((char *)&c->hdr + c->hdr_got, p, n);
			c->hdr_got += n;
			p += n;
			len -= n;
			if (c->hdr_got < sizeof(c->hdr))
				break;
			if (c->hdr.len > XENSTORE_PAYLOAD_MAX) {
				log_warn("conn %llu (dom%u): payload length %u "
					 "over the limit, dropping",
					 (unsigned long long)c->client.id,
					 c->client.domid, c->hdr.len);
				return -1;
			}
		}
		n = c->hdr.len - c->in_got;
		n = n < len ? n : len;
		memcpy(c->in + c->in_got, p, n);
		c->in_got += n;
		p += n;
		len -= n;
		if (c->in_got == c->hdr.len) {
			struct xsd_sockmsg hdr = c->hdr;

			c->in[hdr.len] = 0;
			c->hdr_got = c->in_got = 0;
			handle(c, &hdr);
		}
	}
	return 0;
}

bool conn_wants_input(const struct conn *c)
{
	uint32_t limit = c->client.privileged ? CONN_PRIV_OUTSTANDING :
			 c->client.store->quota.outstanding;

	return c->out_replies < limit;
}

static int queue(struct conn *c, const struct xsd_sockmsg *hdr,
		 const void *payload, bool reply)
{
	struct outmsg *m = malloc(sizeof(*m) + sizeof(*hdr) + hdr->len);

	if (!m)
		return ENOMEM;
	m->next = NULL;
	m->len = sizeof(*hdr) + hdr->len;
	m->reply = reply;
	memcpy(m->data, hdr, sizeof(*hdr));
	if (hdr->len)
		memcpy(m->data + sizeof(*hdr), payload, hdr->len);
	if (c->out_tail)
		c->out_tail->next = m;
	else
		c->out_head = m;
	c->out_tail = m;
	c->out_msgs++;
	c->out_replies += reply;
	if (c->ops && c->ops->kick)
		c->ops->kick(c);
	return 0;
}

int conn_send(struct conn *c, const struct xsd_sockmsg *req, uint32_t type,
	      const void *payload, uint32_t len)
{
	struct xsd_sockmsg hdr = {
		.type = type, .req_id = req->req_id, .tx_id = req->tx_id,
		.len = len,
	};

	/* Clients drop the connection on oversized replies; refuse instead. */
	if (len > c->client.reply_max) {
		conn_send_error(c, req, E2BIG);
		return 0;
	}
	return queue(c, &hdr, payload, true);
}

void conn_send_error(struct conn *c, const struct xsd_sockmsg *req, int err)
{
	const char *name = wire_error_name(err);
	struct xsd_sockmsg hdr = {
		.type = XS_ERROR, .req_id = req->req_id, .tx_id = req->tx_id,
		.len = (uint32_t)strlen(name) + 1,
	};

	if (queue(c, &hdr, name, true))
		log_err("conn %llu: no memory for an error reply",
			(unsigned long long)c->client.id);
}

void conn_send_event(struct conn *c, const char *path, const char *token)
{
	size_t plen = strlen(path) + 1, tlen = strlen(token) + 1;
	struct xsd_sockmsg hdr = { .type = XS_WATCH_EVENT };
	char buf[XENSTORE_PAYLOAD_MAX];

	if (plen + tlen > sizeof(buf))
		return;	/* cannot happen: both were bounded */
	if (!c->client.privileged && c->out_msgs >= CONN_EVENT_QUEUE_MAX) {
		if (!c->events_dropped++)
			log_warn("dom%u is not reading its events; dropping",
				 c->client.domid);
		return;
	}
	memcpy(buf, path, plen);
	memcpy(buf + plen, token, tlen);
	hdr.len = (uint32_t)(plen + tlen);
	if (queue(c, &hdr, buf, false))
		log_err("conn %llu: no memory for a watch event",
			(unsigned long long)c->client.id);
}

int conn_out_iov(const struct conn *c, struct iovec *iov, int max)
{
	const struct outmsg *m = c->out_head;
	uint32_t off = c->out_off;
	int n = 0;

	for (; m && n < max; m = m->next, off = 0, n++) {
		iov[n].iov_base = (char *)m->data + off;
		iov[n].iov_len = m->len - off;
	}
	return n;
}

void conn_out_consume(struct conn *c, size_t n)
{
	while (n && c->out_head) {
		struct outmsg *m = c->out_head;
		size_t left = m->len - c->out_off;

		if (n < left) {
			c->out_off += (uint32_t)n;
			return;
		}
		n -= left;
		c->out_off = 0;
		c->out_head = m->next;
		if (!c->out_head)
			c->out_tail = NULL;
		c->out_msgs--;
		c->out_replies -= m->reply;
		free(m);
	}
}

const char *wire_error_name(int err)
{
#define XS_ERR_CASE(e) case e: return #e;
	switch (err) {
	XS_WIRE_ERRORS(XS_ERR_CASE)
	default:
		return "EINVAL";
	}
#undef XS_ERR_CASE
}
