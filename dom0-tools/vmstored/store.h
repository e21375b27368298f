/*
 * The store: the tree plus everything that is not a node — domains and
 * their quotas, watches. One per daemon (or per test). Connections are
 * not the store's: whoever makes them (the server, a test) ends them,
 * before the store goes.
 */
#ifndef VMSTORED_STORE_H
#define VMSTORED_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "hash.h"
#include "list.h"
#include "perms.h"
#include "tree.h"

struct store;

/* Limits for unprivileged domains; dom0 is not limited. */
struct quota {
	uint32_t nodes;		/* nodes a domain may own */
	uint32_t node_size;	/* bytes in one value */
	uint32_t perms;		/* entries in one permission list */
	uint32_t watches;	/* watches per domain */
	uint32_t transactions;	/* open transactions per connection */
	uint32_t outstanding;	/* unread replies before input pauses */
};

/* xenstored's defaults, so that guests meet the limits they expect. */
#define QUOTA_DEFAULTS { .nodes = 1000, .node_size = 2048, .perms = 5, \
			 .watches = 128, .transactions = 10, \
			 .outstanding = 20 }

struct domain {
	struct hlink link;	/* in store.domains, keyed by domid */
	uint32_t domid;
	bool introduced;
	uint64_t mfn;
	uint32_t port;
	uint32_t target;	/* SET_TARGET, or DOMID_NONE */
	uint32_t nodes;		/* nodes it owns */
	uint32_t watches;
	void *ring;		/* the ring backend's state, while attached */
	struct client *ring_client;	/* its ring connection's, then */
	/* Watches of its ring connection read from the state file, set
	 * again when the ring is attached: path, token, path, token, ... */
	char **saved_watches;
	uint32_t nsaved_watches;
};

/* Forget the watches kept for a domain's next attach. */
void domain_forget_saved_watches(struct domain *d);

/* How the daemon reaches a domain's ring; absent in unit tests. */
struct ring_backend {
	/* Connect to an introduced domain; returns 0 or an errno value. */
	int (*attach)(struct store *s, struct domain *d, void *arg);
	/* Drop the ring connection of a domain being released. */
	void (*detach)(struct store *s, struct domain *d, void *arg);
	void *arg;
};

enum special_node { SPECIAL_INTRODUCE, SPECIAL_RELEASE, SPECIAL_COUNT };

struct store {
	struct tree tree;
	struct htable domains;
	struct quota quota;
	struct htable watch_index;	/* watches by canonical path */
	struct list_head watches;	/* all watches, registration order */
	struct perms special_perms[SPECIAL_COUNT];
	uint64_t watch_seq;
	bool dirty;			/* changed since the last save */
	struct ring_backend ring;
};

int store_init(struct store *s);
void store_destroy(struct store *s);

struct domain *domain_find(struct store *s, uint32_t domid);
/* Find or create the bookkeeping entry; NULL only when out of memory. */
struct domain *domain_get(struct store *s, uint32_t domid);
/* Ownership accounting as nodes come, go and change hands. */
void domain_count_node(struct store *s, uint32_t owner, int delta);
/* Recount every domain's nodes from the tree (after loading state). */
void domain_recount_nodes(struct store *s);

/* The quota called name ("nodes", "node-size", ...), or NULL. */
uint32_t *quota_field(struct quota *q, const char *name);
/* Apply "name=value"; 0 or -1. */
int store_set_quota(struct store *s, const char *spec);

const char *special_name(enum special_node which);
int special_lookup(const char *path);

#endif
