/* Ring transport for host-emulated guests (see ring_host.h). */
#include "ring_host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "log.h"
#include "ring_conn.h"
#include "store.h"

#define RING_PAGE_SIZE 4096

struct ring_cfg {
	struct ep_loop *loop;
	char *dir;
};

struct host_ring {
	struct ring_ep r;	/* r.ep.fd: the .up FIFO */
	int down_fd;
};

static struct ring_cfg cfg;

static void notify_guest(struct ring_ep *r)
{
	struct host_ring *h = (struct host_ring *)r;
	char b = 1;

	/* A full FIFO already holds a pending notification. */
	if (write(h->down_fd, &b, 1) < 0 && errno != EAGAIN)
		log_warn("ring notify: %s", strerror(errno));
}

static void host_ring_free(struct endpoint *ep)
{
	struct host_ring *h = (struct host_ring *)ep;

	if (h->r.intf)
		munmap(h->r.intf, RING_PAGE_SIZE);
	if (h->down_fd >= 0)
		close(h->down_fd);
	if (ep->fd >= 0)
		close(ep->fd);
	free(h);
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
	struct host_ring *h = calloc(1, sizeof(*h));
	int err;

	(void)arg;
	if (!h)
		return ENOMEM;
	h->r.ep.fd = h->down_fd = -1;
	h->r.ep.free = host_ring_free;
	h->r.notify = notify_guest;
	if (map_page(d->mfn, &h->r))
		goto fail;
	h->r.ep.fd = open_in_dir("%s/evtchn-%llu.up", d->port,
				 O_RDWR | O_NONBLOCK);
	h->down_fd = open_in_dir("%s/evtchn-%llu.down", d->port,
				 O_RDWR | O_NONBLOCK);
	if (h->r.ep.fd < 0 || h->down_fd < 0)
		goto fail;
	return ring_conn_start(&h->r, cfg.loop, s, d);
fail:
	err = errno ? errno : EIO;
	log_warn("dom%u ring (mfn %llu, port %u): %s", d->domid,
		 (unsigned long long)d->mfn, d->port, strerror(err));
	host_ring_free(&h->r.ep);
	return err == ENOENT ? ENOENT : EINVAL;
}

static void ring_detach(struct store *s, struct domain *d, void *arg)
{
	(void)s;
	(void)arg;
	ring_conn_stop(d);
}

void ring_host_enable(struct ep_loop *loop, const char *dir)
{
	cfg.loop = loop;
	cfg.dir = strdup(dir);
	loop->store->ring.attach = ring_attach;
	loop->store->ring.detach = ring_detach;
	loop->store->ring.arg = &cfg;
}
