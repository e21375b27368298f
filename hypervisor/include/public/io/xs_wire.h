/*
 * The store wire protocol: how a client (a guest kernel over the shared
 * ring, or a dom0 tool over the Unix socket) talks to the store daemon.
 *
 * This is guest-visible ABI. Every number and layout here matches Xen's
 * XenStore protocol (Xen's public io/xs_wire.h and docs/misc/xenstore.txt)
 * so that existing Xen guests and Debian's xenstore-* tools work unchanged.
 * Never renumber anything; add new message types at the end only.
 *
 * A message in either direction is a struct xsd_sockmsg header followed by
 * hdr.len payload bytes (at most XENSTORE_PAYLOAD_MAX). Payloads are mostly
 * NUL-terminated strings; errors travel as the errno *name* ("ENOENT"), not
 * as a number, so that the two ends need not agree on errno values.
 *
 * Freestanding: only <stdint.h>.
 */
#ifndef UMBRA_PUBLIC_IO_XS_WIRE_H
#define UMBRA_PUBLIC_IO_XS_WIRE_H

#include <stdint.h>

/* Message types (xsd_sockmsg.type). Values are fixed by the ABI. */
enum xsd_sockmsg_type {
	XS_CONTROL = 0,			/* formerly XS_DEBUG */
	XS_DIRECTORY = 1,
	XS_READ = 2,
	XS_GET_PERMS = 3,
	XS_WATCH = 4,
	XS_UNWATCH = 5,
	XS_TRANSACTION_START = 6,
	XS_TRANSACTION_END = 7,
	XS_INTRODUCE = 8,
	XS_RELEASE = 9,
	XS_GET_DOMAIN_PATH = 10,
	XS_WRITE = 11,
	XS_MKDIR = 12,
	XS_RM = 13,
	XS_SET_PERMS = 14,
	XS_WATCH_EVENT = 15,		/* daemon -> client only */
	XS_ERROR = 16,			/* daemon -> client only */
	XS_IS_DOMAIN_INTRODUCED = 17,
	XS_RESUME = 18,
	XS_SET_TARGET = 19,
	/* 20 was XS_RESTRICT, withdrawn; never reuse it. */
	XS_RESET_WATCHES = 21,
	XS_DIRECTORY_PART = 22,

	XS_TYPE_COUNT,			/* one past the last known type */
	XS_INVALID = 0xffff		/* promised never to be a valid type */
};

#define XS_DEBUG XS_CONTROL

/* Fixed-size header in front of every message. */
struct xsd_sockmsg {
	uint32_t type;		/* enum xsd_sockmsg_type */
	uint32_t req_id;	/* chosen by the client, echoed in the reply */
	uint32_t tx_id;		/* transaction, or 0 for none */
	uint32_t len;		/* payload bytes following the header */
};

/* String positions in a WATCH_EVENT payload: "<path>\0<token>\0". */
enum xs_watch_type {
	XS_WATCH_PATH = 0,
	XS_WATCH_TOKEN = 1,
};

/*
 * Largest payload in either direction. A peer that sends more has broken
 * the protocol: the daemon drops such a connection, and so does libxenstore
 * when it receives an oversized reply.
 */
#define XENSTORE_PAYLOAD_MAX 4096

/* Longer paths are refused with an error (the connection survives). */
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

/*
 * Error names a daemon may send in an XS_ERROR payload, in ABI order, as
 * an X-macro so that code which has the errno values (host code with
 * <errno.h>) can build its own table: #define X(e) { e, #e },
 */
#define XS_WIRE_ERRORS(X) \
	X(EINVAL) X(EACCES) X(EEXIST) X(EISDIR) X(ENOENT) X(ENOMEM) \
	X(ENOSPC) X(EIO) X(ENOTEMPTY) X(ENOSYS) X(EROFS) X(EBUSY) \
	X(EAGAIN) X(EISCONN) X(E2BIG) X(EPERM)

/* ---- The shared ring a guest uses (one 4 KiB page per domain) ---- */

#define XENSTORE_RING_SIZE 1024		/* bytes per direction; power of 2 */
typedef uint32_t XENSTORE_RING_IDX;	/* free-running, never reset */
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))

/*
 * The guest produces into req[] and the daemon consumes; the daemon
 * produces replies and watch events into rsp[]. Indices only grow; a
 * producer may run at most XENSTORE_RING_SIZE bytes ahead of its consumer.
 * Messages are byte streams: one may wrap around or span several fills.
 */
struct xenstore_domain_interface {
	char req[XENSTORE_RING_SIZE];	/* guest -> daemon */
	char rsp[XENSTORE_RING_SIZE];	/* daemon -> guest */
	XENSTORE_RING_IDX req_cons, req_prod;
	XENSTORE_RING_IDX rsp_cons, rsp_prod;
	uint32_t server_features;	/* XENSTORE_SERVER_FEATURE_* */
	uint32_t connection;		/* XENSTORE_CONNECTED / _RECONNECT */
	uint32_t error;			/* XENSTORE_ERROR_* */
};

/* server_features bits */
#define XENSTORE_SERVER_FEATURE_RECONNECTION	1 /* honours connection */
#define XENSTORE_SERVER_FEATURE_ERROR		2 /* error field valid */

/* connection values */
#define XENSTORE_CONNECTED	0	/* normal operation */
#define XENSTORE_RECONNECT	1	/* guest asked for a ring reset */

/* error values: why the daemon stopped serving this ring */
#define XENSTORE_ERROR_NONE	0
#define XENSTORE_ERROR_COMM	1	/* communication problem */
#define XENSTORE_ERROR_RINGIDX	2	/* guest wrote an impossible index */
#define XENSTORE_ERROR_PROTO	3	/* guest broke the protocol */

#endif /* UMBRA_PUBLIC_IO_XS_WIRE_H */
