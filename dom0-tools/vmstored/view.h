/*
 * The view layer: a node as an operation sees it — from the tree, or from
 * the transaction's shadow of it — and the few mutations operations need.
 * Outside a transaction mutations go to the tree (with ownership
 * accounting); inside one they go to shadows and the read set is noted.
 */
#ifndef VMSTORED_VIEW_H
#define VMSTORED_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "perms.h"
#include "tree.h"
#include "txn.h"

struct store;

/* Who performs an operation, and where (the tree or a transaction). */
struct op_ctx {
	struct store *s;
	uint32_t domid;		/* who acts: owner of what it creates */
	uint32_t target;	/* SET_TARGET domain, or DOMID_NONE */
	bool privileged;
	struct txn *tx;		/* NULL: act on the tree itself */
	bool replay;		/* committing: checks were done already */
};

typedef void (*child_fn)(const char *name, void *arg);

struct nview {
	bool exists;
	struct node *node;		/* when read from the tree */
	struct tx_entry *shadow;	/* when the transaction has its own */
	const char *value;
	uint32_t value_len;
	const struct perms *perms;
	uint64_t gen;
};

void view_get(const struct op_ctx *ctx, const char *path, size_t len,
	      struct nview *v);
/* Calls fn for each child name; 0 or ENOMEM. */
int view_children(const struct op_ctx *ctx, const struct nview *v,
		  child_fn fn, void *arg);
int view_add_child(const struct op_ctx *ctx, struct nview *parent,
		   const char *path, size_t len, const struct perms *perms,
		   struct nview *child);
int view_set_value(const struct op_ctx *ctx, struct nview *v,
		   const void *value, uint32_t value_len);
/* Takes ownership of perms on success. */
int view_set_perms(const struct op_ctx *ctx, struct nview *v,
		   struct perms *perms);
int view_remove(const struct op_ctx *ctx, struct nview *v, const char *path,
		size_t len);

#endif
