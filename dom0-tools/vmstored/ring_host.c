/* Ring transport for host-emulated guests (see ring_host.h). */
#include "ring_host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conn.h"
#include "endpoint.h"
#include "log.h"
#include "ring.h"
#include "store.h"

#define RING_PAGE_SIZE 4096

struct ring_cfg {
	struct ep_loop *loop;
	char *dir;
};

struct ring_ep {
	struct endpoint ep;	/* ep.fd: the .up FIFO */
	struct xenstore_domain_interface *intf;
	int down_fd;
};

static struct ring_cfg cfg;

static void notify_guest(struct ring_ep *r)
{
	char b = 1;

	/* A full FIFO already holds a pending notification. */
	if (write(r->down_fd, &b, 1) < 0 && errno != EAGAIN)
		log_warn("ring notify: %s", strerror(errno));
}

static void ring_fail(struct ring_ep *r, uint32_t code, const char *why)
{
	struct conn *c = r->ep.conn;

	log_warn("dom%u ring: %s; no longer served", c->client.domid, why);
	__atomic_store_n(&r->intf->error, code, __ATOMIC_RELEASE);
	notify_guest(r);
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
static void ring_service(struct endpoint *ep)
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
		notify_guest(r);
}

static void ring_event(struct endpoint *ep, uint32_t events)
{
	char drain[64];

	(void)events;
	while (read(ep->fd, drain, sizeof(drain)) > 0)
		;
	ring_service(ep);
}

static void ring_kick(struct conn *c)
{
	endpoint_kick(c->priv);
}

static void ring_release(struct conn *c)
{
	struct endpoint *ep = c->priv;

	if (c->client.domain->ring == ep)
		c->client.domain->ring = NULL;
	ep->conn = NULL;
	endpoint_retire(ep);
}

static const struct conn_ops ring_ops = {
	.kick = ring_kick,
	.release = ring_release,
};

static void ring_free(struct endpoint *ep)
{
	struct ring_ep *r = (struct ring_ep *)ep;

	munmap(r->intf, RING_PAGE_SIZE);
	close(r->down_fd);
	close(ep->fd);
	free(r);
}

static int open_in_dir(const char *fmt, unsigned long long n, int flags)
{
	char path[4096];

	snprintf(path, sizeof(path), fmt, cfg.dir, n);
	return open(path, flags | O_CLOEXEC);
}

static int map_page(uint64_t mfn, struct ring_ep *r)
{
	int fd = open_in_dir("%s/page-%llu", mfn, O_RDWR);
	void *p;

	if (fd < 0)
		return -1;
	p = mmap(NULL, RING_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	r->intf = p;
	return 0;
}

static int ring_attach(struct store *s, struct domain *d, void *arg)
{
	struct ring_ep *r = calloc(1, sizeof(*r));
	int err;

	(void)arg;
	if (!r)
		return ENOMEM;
	r->ep.fd = r->down_fd = -1;
	if (map_page(d->mfn, r))
		goto fail;
	r->ep.fd = open_in_dir("%s/evtchn-%llu.up", d->port,
			       O_RDWR | O_NONBLOCK);
	r->down_fd = open_in_dir("%s/evtchn-%llu.down", d->port,
				 O_RDWR | O_NONBLOCK);
	if (r->ep.fd < 0 || r->down_fd < 0)
		goto fail;
	r->intf->server_features = XENSTORE_SERVER_FEATURE_RECONNECTION |
				   XENSTORE_SERVER_FEATURE_ERROR;
	r->ep.loop = cfg.loop;
	r->ep.on_event = ring_event;
	r->ep.flush = ring_service;
	r->ep.free = ring_free;
	r->ep.conn = conn_new(s, d->domid, false, &ring_ops, &r->ep);
	if (!r->ep.conn) {
		errno = ENOMEM;
		goto fail;
	}
	if (endpoint_watch(&r->ep, EPOLLIN)) {
		conn_destroy(r->ep.conn);	/* frees r later */
		return EIO;
	}
	d->ring = &r->ep;
	endpoint_kick(&r->ep);	/* requests may be waiting */
	return 0;
fail:
	err = errno ? errno : EIO;
	log_warn("dom%u ring (mfn %llu, port %u): %s", d->domid,
		 (unsigned long long)d->mfn, d->port, strerror(err));
	if (r->intf)
		munmap(r->intf, RING_PAGE_SIZE);
	if (r->ep.fd >= 0)
		close(r->ep.fd);
	if (r->down_fd >= 0)
		close(r->down_fd);
	free(r);
	return err == ENOENT ? ENOENT : EINVAL;
}

static void ring_detach(struct store *s, struct domain *d, void *arg)
{
	struct endpoint *ep = d->ring;

	(void)s;
	(void)arg;
	conn_destroy(ep->conn);		/* retires the endpoint */
}

void ring_host_enable(struct ep_loop *loop, const char *dir)
{
	cfg.loop = loop;
	cfg.dir = strdup(dir);
	loop->store->ring.attach = ring_attach;
	loop->store->ring.detach = ring_detach;
	loop->store->ring.arg = &cfg;
}
