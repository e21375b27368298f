/*
 * Watches. A change to a path fires every watch on that path or on one of
 * its ancestors, found by hashing each ancestor (no scan of all watches).
 * Removing a subtree also fires watches set below it, with the watch's
 * own path as the event path. Events for one client go out in
 * registration order, and only to watchers allowed to read the node;
 * they are handed to the client's send_event (its connection's queue).
 */
#ifndef VMSTORED_WATCH_H
#define VMSTORED_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hash.h"
#include "list.h"
#include "perms.h"
#include "store.h"

struct client;

struct watch {
	struct hlink link;		/* store.watch_index, by abs */
	struct list_head client_link;	/* client.watches */
	struct list_head all_link;	/* store.watches */
	struct client *client;
	char *path;			/* as the client gave it */
	char *abs;			/* canonical path or "@..." name */
	char *token;
	uint32_t strip;			/* cut this much for relative */
	uint64_t seq;
};

/* Register and fire once; 0 or an errno value. */
int watch_add(struct client *c, const char *path, const char *token);
int watch_del(struct client *c, const char *path, const char *token);
void watch_del_all(struct client *c);

void watch_fire(struct store *s, const char *path, size_t len,
		const struct perms *perms, bool removed);
void watch_fire_special(struct store *s, enum special_node which);

#endif
