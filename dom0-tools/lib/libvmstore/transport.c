/*
 * Requests and replies over the socket, shared by threads: one thread at
 * a time reads (whoever needs something and finds nobody reading) and
 * delivers each message — a reply to the thread waiting for its req_id,
 * a watch event to the event queue.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "internal.h"

#define READ_CHUNK 65536
#define RBUF_SIZE (READ_CHUNK + sizeof(struct xsd_sockmsg) + \
		   VMS_BIG_REPLY_MAX)

int vms_errno_from_name(const char *name)
{
#define XS_ERR_MATCH(e) if (!strcmp(name, #e)) return e;
	XS_WIRE_ERRORS(XS_ERR_MATCH)
#undef XS_ERR_MATCH
	return EINVAL;
}

/* Cut complete messages off the front of rbuf; -1 if one is oversized. */
static int parse(struct vms_handle *h, struct msg **out)
{
	struct msg *head = NULL, **tail = &head;
	size_t off = 0;
	int rc = 0;

	for (;;) {
		struct xsd_sockmsg hdr;
		struct msg *m;

		if (h->rlen - off < sizeof(hdr))
			break;
		memcpy(&hdr, h->rbuf + off, sizeof(hdr));
		if (hdr.len > h->reply_max) {
			rc = -1;
			break;
		}
		if (h->rlen - off < sizeof(hdr) + hdr.len)
			break;
		m = malloc(sizeof(*m));
		if (m)
			m->body = malloc(hdr.len + 1);
		if (!m || !m->body) {
			free(m);
			rc = -1;
			break;
		}
		m->hdr = hdr;
		m->next = NULL;
		memcpy(m->body, h->rbuf + off + sizeof(hdr), hdr.len);
		m->body[hdr.len] = 0;
		*tail = m;
		tail = &m->next;
		off += sizeof(hdr) + hdr.len;
	}
	memmove(h->rbuf, h->rbuf + off, h->rlen - off);
	h->rlen -= off;
	*out = head;
	return rc;
}

static void queue_event(struct vms_handle *h, struct msg *m)
{
	uint64_t one = 1;

	if (h->ev_tail)
		h->ev_tail->next = m;
	else
		h->ev_head = m;
	h->ev_tail = m;
	/* Make vms_fileno() readable; a full counter is still readable. */
	if (write(h->event_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		h->broken = errno;
}

static void deliver(struct vms_handle *h, struct msg *m)
{
	struct pending *p;

	if (m->hdr.type == XS_WATCH_EVENT) {
		queue_event(h, m);
		return;
	}
	for (p = h->pending; p; p = p->next) {
		if (p->req_id == m->hdr.req_id && !p->reply) {
			p->reply = m;
			return;
		}
	}
	free(m->body);		/* a reply nobody waits for */
	free(m);
}

/*
 * Read once (without the lock) and deliver what arrived (with it).
 * Called and returns with h->lock held and h->reading claimed.
 */
static void read_and_deliver(struct vms_handle *h, bool block)
{
	struct msg *msgs = NULL, *next;
	ssize_t n;
	int err = 0;

	pthread_mutex_unlock(&h->lock);
	if (!h->rbuf)
		h->rbuf = malloc(RBUF_SIZE);
	if (!h->rbuf) {
		err = ENOMEM;
	} else {
		do {
			n = recv(h->fd, h->rbuf + h->rlen, RBUF_SIZE - h->rlen,
				 block ? 0 : MSG_DONTWAIT);
		} while (n < 0 && errno == EINTR);
		if (n == 0)
			err = EPIPE;
		else if (n < 0 && errno != EAGAIN)
			err = errno;
		else if (n > 0)
			h->rlen += (size_t)n;
		if (!err && parse(h, &msgs))
			err = EPROTO;	/* broken reply: unusable from now */
	}
	pthread_mutex_lock(&h->lock);
	for (; msgs; msgs = next) {
		next = msgs->next;
		msgs->next = NULL;
		deliver(h, msgs);
	}
	if (err && !h->broken)
		h->broken = err;
}

/* Read until done(h, arg) holds; false with errno if it cannot. */
static bool wait_until(struct vms_handle *h, bool (*done)(void *arg),
		       void *arg, bool block)
{
	bool tried = false;

	while (!done(arg)) {
		if (h->broken) {
			errno = h->broken;
			return false;
		}
		if (!block && tried) {
			errno = EAGAIN;
			return false;
		}
		if (h->reading) {
			if (!block) {
				errno = EAGAIN;
				return false;
			}
			pthread_cond_wait(&h->cond, &h->lock);
			continue;
		}
		h->reading = true;
		read_and_deliver(h, block);
		h->reading = false;
		tried = true;
		pthread_cond_broadcast(&h->cond);
	}
	return true;
}

static bool reply_arrived(void *arg)
{
	return ((struct pending *)arg)->reply != NULL;
}

static void unlink_pending(struct vms_handle *h, struct pending *p)
{
	struct pending **pp;

	for (pp = &h->pending; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			return;
		}
	}
}

static bool send_all(struct vms_handle *h, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t done = writev(h->fd, iov, n);

		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			return false;
		while (n > 0 && (size_t)done >= iov->iov_len) {
			done -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + done;
			iov->iov_len -= (size_t)done;
		}
	}
	return true;
}

/* Turn a reply into the caller's result (see vms_talk). */
static void *take_reply(struct vms_handle *h, struct msg *m, uint32_t type,
			unsigned int *len)
{
	char *body = m->body;

	if (m->hdr.type == XS_ERROR) {
		int err = vms_errno_from_name(body);

		free(body);
		free(m);
		errno = err;
		return NULL;
	}
	if (m->hdr.type != type) {
		free(body);
		free(m);
		pthread_mutex_lock(&h->lock);
		h->broken = EPROTO;
		pthread_mutex_unlock(&h->lock);
		errno = EPROTO;
		return NULL;
	}
	if (len)
		*len = m->hdr.len;
	free(m);
	return body;
}

void *vms_talk(struct vms_handle *h, uint32_t type, vms_transaction_t t,
	       const struct iovec *parts, int nparts, unsigned int *len)
{
	struct xsd_sockmsg hdr = { .type = type, .tx_id = t };
	struct pending p = { 0 };
	struct iovec iov[8];
	bool sent, ok;
	int i;

	if (nparts > 7) {
		errno = EINVAL;
		return NULL;
	}
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof(hdr);
	for (i = 0; i < nparts; i++) {
		iov[i + 1] = parts[i];
		hdr.len += (uint32_t)parts[i].iov_len;
	}
	if (hdr.len > XENSTORE_PAYLOAD_MAX) {
		errno = E2BIG;		/* the daemon would drop us */
		return NULL;
	}
	pthread_mutex_lock(&h->lock);
	if (h->broken) {
		errno = h->broken;
		pthread_mutex_unlock(&h->lock);
		return NULL;
	}
	hdr.req_id = p.req_id = h->next_req_id++;
	p.next = h->pending;
	h->pending = &p;	/* before sending: the reply may be quick */
	pthread_mutex_unlock(&h->lock);

	pthread_mutex_lock(&h->send_lock);
	sent = send_all(h, iov, nparts + 1);
	pthread_mutex_unlock(&h->send_lock);

	pthread_mutex_lock(&h->lock);
	if (!sent && !h->broken)
		h->broken = errno ? errno : EPIPE;
	ok = sent && wait_until(h, reply_arrived, &p, true);
	unlink_pending(h, &p);
	pthread_mutex_unlock(&h->lock);
	if (!ok) {
		if (p.reply) {
			free(p.reply->body);
			free(p.reply);
		}
		return NULL;
	}
	return take_reply(h, p.reply, type, len);
}

void *vms_talk1(struct vms_handle *h, uint32_t type, vms_transaction_t t,
		const char *arg, unsigned int *len)
{
	struct iovec part = { (void *)arg, strlen(arg) + 1 };

	return vms_talk(h, type, t, &part, 1, len);
}

bool vms_talk_ok(void *reply)
{
	free(reply);
	return reply != NULL;
}

static bool event_queued(void *arg)
{
	return ((struct vms_handle *)arg)->ev_head != NULL;
}

bool vms_wait_event(struct vms_handle *h, bool block)
{
	bool ok;

	pthread_mutex_lock(&h->lock);
	ok = wait_until(h, event_queued, h, block);
	pthread_mutex_unlock(&h->lock);
	return ok;
}

struct msg *vms_pop_event(struct vms_handle *h)
{
	struct msg *m;
	uint64_t count;

	pthread_mutex_lock(&h->lock);
	m = h->ev_head;
	if (m) {
		h->ev_head = m->next;
		if (!h->ev_head) {
			h->ev_tail = NULL;
			/* Queue empty: make vms_fileno() quiet again. */
			if (read(h->event_fd, &count, sizeof(count)) < 0)
				count = 0;
		}
	}
	pthread_mutex_unlock(&h->lock);
	return m;
}
