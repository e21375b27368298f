/*
 * A client of the store as requests see it: who it is, what it may do,
 * its transactions and watches, and where its watch events go. The
 * connection (conn.h) embeds one and owns the wire; the layers it
 * calls (dispatch, handlers, transactions, watches) only know the client.
 */
#ifndef VMSTORED_CLIENT_H
#define VMSTORED_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "list.h"
#include "store.h"

struct client;

/*
 * Replies are limited to XENSTORE_PAYLOAD_MAX, as every XenStore client
 * expects. A dom0 client may raise its own limit (CONTROL reply-max, a
 * vmstored extension libvmstore uses) so that long listings come in one
 * reply instead of DIRECTORY_PART slices.
 */
#define CLIENT_REPLY_MAX_LIMIT 65536

/* Queue a watch event for the client (the connection sends it). */
typedef void (*client_event_fn)(struct client *c, const char *path,
				const char *token);

struct client {
	struct store *store;
	struct domain *domain;
	uint32_t domid;
	bool privileged;
	struct list_head txns;		/* open transactions */
	struct list_head watches;
	uint32_t ntxns;
	uint32_t next_tx_id;		/* per client, as xenstored */
	uint32_t reply_max;		/* largest reply payload accepted */
	uint64_t id;			/* for log messages */
	client_event_fn send_event;
};

/* 0, or -1 when out of memory for the domain's bookkeeping. */
int client_init(struct client *c, struct store *s, uint32_t domid,
		bool privileged, client_event_fn send_event);

#endif
