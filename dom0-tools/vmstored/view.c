/* Nodes as operations see them: tree nodes or transaction shadows. */
#include "view.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "store.h"

static void from_shadow(struct tx_entry *e, struct nview *v)
{
	v->exists = e->exists;
	v->node = NULL;
	v->shadow = e;
	v->value = e->value ? e->value : "";
	v->value_len = e->value_len;
	v->perms = &e->perms;
	v->gen = e->shadow_gen;
}

static void from_node(struct node *n, struct nview *v)
{
	v->exists = n != NULL;
	v->node = n;
	v->shadow = NULL;
	v->value = n ? n->value : "";
	v->value_len = n ? n->value_len : 0;
	v->perms = n ? &n->perms : NULL;
	v->gen = n ? n->gen : 0;
}

/* Generations for a transaction's own changes: never equal to a tree's. */
static uint64_t tx_gen(const struct op_ctx *ctx)
{
	return (1ULL << 63) | ++ctx->tx->gen;
}

static void add_name(const char *name, void *arg)
{
	struct tx_entry *e = arg;

	if (tx_entry_add_child(e, name, strlen(name)))
		e->children_valid = false;	/* flags the failure */
}

/* Copy a shadow's child list from the tree the first time it is needed. */
static int ensure_children(const struct op_ctx *ctx, struct tx_entry *e)
{
	const struct node *n, *c;

	if (e->children_valid)
		return 0;
	e->children_valid = true;
	n = tree_lookup(&ctx->s->tree, e->path, e->path_len);
	for (c = n ? n->first_child : NULL; c; c = c->next) {
		add_name(node_name(c), e);
		if (!e->children_valid)
			break;
	}
	if (e->children_valid)
		return 0;
	ctx->tx->out_of_memory = true;
	return ENOMEM;
}

/* Snapshot a tree node (or its absence) into the transaction. */
static struct tx_entry *snapshot(const struct op_ctx *ctx, const char *path,
				 size_t len, const struct node *n)
{
	struct tx_entry *e = txn_entry_get(ctx->tx, path, len);

	if (!e)
		return NULL;
	e->exists = n != NULL;
	e->children_valid = n == NULL;
	e->shadow_gen = n ? n->gen : 0;
	if (n) {
		e->value = malloc((size_t)n->value_len + 1);
		if (!e->value || perms_copy(&e->perms, &n->perms)) {
			tx_entry_clear(e);
			ctx->tx->out_of_memory = true;
			return NULL;
		}
		memcpy(e->value, n->value, (size_t)n->value_len + 1);
		e->value_len = n->value_len;
	}
	e->shadowed = true;
	return e;
}

void view_get(const struct op_ctx *ctx, const char *path, size_t len,
	      struct nview *v)
{
	struct tx_entry *e = NULL;
	struct node *n;

	if (ctx->tx) {
		e = txn_entry_find(ctx->tx, path, len);
		if (e && e->shadowed) {
			from_shadow(e, v);
			return;
		}
	}
	n = tree_lookup(&ctx->s->tree, path, len);
	if (ctx->tx) {
		txn_note_access(ctx->tx, path, len, n);
		e = snapshot(ctx, path, len, n);
		if (e) {
			from_shadow(e, v);
			return;
		}
	}
	/* Outside a transaction, or out of memory (the commit will fail). */
	from_node(n, v);
}

int view_children(const struct op_ctx *ctx, const struct nview *v,
		  child_fn fn, void *arg)
{
	const struct node *c;
	uint32_t i;

	if (v->shadow) {
		if (ensure_children(ctx, v->shadow))
			return ENOMEM;
		for (i = 0; i < v->shadow->nchildren; i++)
			fn(v->shadow->children[i], arg);
		return 0;
	}
	if (v->node)
		for (c = v->node->first_child; c; c = c->next)
			fn(node_name(c), arg);
	return 0;
}

/* The transaction's copy of a node, ready to be changed. */
static struct tx_entry *shadow_of(const struct op_ctx *ctx, struct nview *v)
{
	if (!v->shadow) {
		ctx->tx->out_of_memory = true;
		return NULL;
	}
	return v->shadow;
}

static void tx_count(const struct op_ctx *ctx, uint32_t owner, int delta)
{
	if (owner == ctx->domid)
		ctx->tx->nodes_delta += delta;
}

int view_add_child(const struct op_ctx *ctx, struct nview *parent,
		   const char *path, size_t len, const struct perms *perms,
		   struct nview *child)
{
	size_t name = path_name_off(path, len);
	struct tx_entry *pe, *ce;
	struct node *n;

	if (!ctx->tx) {
		n = tree_add_child(&ctx->s->tree, parent->node, path, len,
				   perms);
		if (!n)
			return ENOMEM;
		domain_count_node(ctx->s, perms_owner(perms), 1);
		ctx->s->dirty = true;
		from_node(n, child);
		return 0;
	}
	pe = shadow_of(ctx, parent);
	ce = txn_entry_get(ctx->tx, path, len);
	if (!pe || !ce || ensure_children(ctx, pe))
		return ENOMEM;
	tx_entry_clear(ce);
	ce->value = calloc(1, 1);
	if (!ce->value || perms_copy(&ce->perms, perms) ||
	    tx_entry_add_child(pe, path + name, len - name)) {
		ctx->tx->out_of_memory = true;
		return ENOMEM;
	}
	ce->shadowed = ce->exists = ce->children_valid = true;
	ce->shadow_gen = tx_gen(ctx);
	tx_count(ctx, perms_owner(perms), 1);
	from_shadow(ce, child);
	return 0;
}

int view_set_value(const struct op_ctx *ctx, struct nview *v,
		   const void *value, uint32_t value_len)
{
	struct tx_entry *e;
	char *copy;

	if (!ctx->tx) {
		if (tree_set_value(&ctx->s->tree, v->node, value, value_len))
			return ENOMEM;
		ctx->s->dirty = true;
		from_node(v->node, v);
		return 0;
	}
	e = shadow_of(ctx, v);
	copy = malloc((size_t)value_len + 1);
	if (!e || !copy) {
		free(copy);
		ctx->tx->out_of_memory = true;
		return ENOMEM;
	}
	memcpy(copy, value, value_len);
	copy[value_len] = 0;
	free(e->value);
	e->value = copy;
	e->value_len = value_len;
	e->shadow_gen = tx_gen(ctx);
	from_shadow(e, v);
	return 0;
}

int view_set_perms(const struct op_ctx *ctx, struct nview *v,
		   struct perms *perms)
{
	uint32_t old_owner = perms_owner(v->perms);
	uint32_t new_owner = perms_owner(perms);
	struct tx_entry *e;

	if (!ctx->tx) {
		domain_count_node(ctx->s, old_owner, -1);
		domain_count_node(ctx->s, new_owner, 1);
		tree_set_perms(&ctx->s->tree, v->node, perms);
		ctx->s->dirty = true;
		from_node(v->node, v);
		return 0;
	}
	e = shadow_of(ctx, v);
	if (!e)
		return ENOMEM;
	tx_count(ctx, old_owner, -1);
	tx_count(ctx, new_owner, 1);
	perms_free(&e->perms);
	e->perms = *perms;
	perms->p = NULL;
	perms->n = 0;
	e->shadow_gen = tx_gen(ctx);
	from_shadow(e, v);
	return 0;
}

static void count_removed(struct node *n, void *arg)
{
	domain_count_node(arg, perms_owner(&n->perms), -1);
}

struct subtree_walk {
	const struct op_ctx *ctx;
	const char *path;
	size_t len;
	int err;
};

static int tx_remove_subtree(const struct op_ctx *ctx, struct nview *v,
			     const char *path, size_t len);

static void remove_child(const char *name, void *arg)
{
	struct subtree_walk *w = arg;
	char child[PATH_BUF_SIZE];
	size_t n = strlen(name);
	size_t clen = (w->len > 1 ? w->len : 0) + 1 + n;
	struct nview cv;

	if (w->err || clen >= sizeof(child)) {
		w->err = w->err ? w->err : EINVAL;
		return;
	}
	memcpy(child, w->path, w->len > 1 ? w->len : 0);
	child[clen - n - 1] = '/';
	memcpy(child + clen - n, name, n + 1);
	view_get(w->ctx, child, clen, &cv);
	if (cv.exists)
		w->err = tx_remove_subtree(w->ctx, &cv, child, clen);
}

/* Tombstone a node and everything below it in the transaction. */
static int tx_remove_subtree(const struct op_ctx *ctx, struct nview *v,
			     const char *path, size_t len)
{
	struct subtree_walk w = { ctx, path, len, 0 };
	struct tx_entry *e;

	w.err = view_children(ctx, v, remove_child, &w);
	if (w.err)
		return w.err;
	e = shadow_of(ctx, v);
	if (!e)
		return ENOMEM;
	tx_count(ctx, perms_owner(&e->perms), -1);
	tx_entry_clear(e);
	e->exists = false;
	e->children_valid = true;
	e->shadow_gen = tx_gen(ctx);
	from_shadow(e, v);
	return 0;
}

int view_remove(const struct op_ctx *ctx, struct nview *v, const char *path,
		size_t len)
{
	size_t plen = path_parent_len(path, len);
	size_t name = path_name_off(path, len);
	struct tx_entry *pe;
	struct nview parent;
	int err;

	if (!ctx->tx) {
		tree_remove(&ctx->s->tree, v->node, count_removed, ctx->s);
		ctx->s->dirty = true;
		from_node(NULL, v);
		return 0;
	}
	view_get(ctx, path, plen, &parent);
	if (!parent.exists)
		return ENOENT;
	err = tx_remove_subtree(ctx, v, path, len);
	if (err)
		return err;
	pe = shadow_of(ctx, &parent);
	if (!pe || ensure_children(ctx, pe))
		return ENOMEM;
	tx_entry_del_child(pe, path + name, len - name);
	return 0;
}
