/* libvmstore internals: the handle and the request/reply machinery. */
#ifndef LIBVMSTORE_INTERNAL_H
#define LIBVMSTORE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "public/io/xs_wire.h"
#include "vmstore.h"

/* A message received from the daemon. */
struct msg {
	struct msg *next;
	struct xsd_sockmsg hdr;
	char *body;		/* hdr.len bytes plus a NUL; malloc'd */
};

/* A request waiting for its reply (lives on the caller's stack). */
struct pending {
	struct pending *next;
	uint32_t req_id;
	struct msg *reply;
};

/*
 * Locking: lock guards everything except the socket's two directions.
 * Writes to the socket happen under send_lock. Reads happen in whichever
 * thread set `reading` (leader/follower): it reads without holding lock,
 * then hands each message to its waiter (or the event queue) under lock
 * and wakes everyone through cond. rbuf belongs to the current reader.
 */
struct vms_handle {
	int fd;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_mutex_t send_lock;
	bool reading;
	int broken;		/* errno once the connection is unusable */
	uint32_t next_req_id;
	struct pending *pending;
	struct msg *ev_head, *ev_tail;
	int event_fd;		/* readable while events are queued */
	int poll_fd;		/* epoll over fd and event_fd: vms_fileno() */
	char *rbuf;
	size_t rlen;
	/*
	 * Largest reply accepted. Raised (with vmstored's CONTROL reply-max
	 * extension) the first time a listing is too long for a standard
	 * reply; big_replies says whether the daemon agreed.
	 */
	uint32_t reply_max;
	enum { BIG_UNKNOWN, BIG_YES, BIG_NO } big_replies;
};

#define VMS_BIG_REPLY_MAX 65536

/*
 * Send a request made of iov parts (after the header) and wait for its
 * reply. Returns the reply body (malloc'd, NUL-terminated, *len bytes)
 * or NULL with errno set (from an ERROR reply or the connection).
 */
struct iovec;
void *vms_talk(struct vms_handle *h, uint32_t type, vms_transaction_t t,
	       const struct iovec *parts, int nparts, unsigned int *len);
/* One string argument (NUL included). */
void *vms_talk1(struct vms_handle *h, uint32_t type, vms_transaction_t t,
		const char *arg, unsigned int *len);
bool vms_talk_ok(void *reply);

/* Wait until an event is queued; false (errno) on error or EAGAIN. */
bool vms_wait_event(struct vms_handle *h, bool block);
struct msg *vms_pop_event(struct vms_handle *h);

int vms_errno_from_name(const char *name);

#endif
