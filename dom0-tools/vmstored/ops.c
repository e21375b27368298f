/* Node operations: XenStore semantics on top of the view layer. */
#include "ops.h"

#include <errno.h>
#include <string.h>

#include "client.h"
#include "path.h"
#include "store.h"
#include "txn.h"
#include "view.h"
#include "watch.h"

void op_ctx_init(struct op_ctx *ctx, const struct client *c, struct txn *tx)
{
	ctx->s = c->store;
	ctx->domid = c->domid;
	ctx->target = c->domain->target;
	ctx->privileged = c->privileged;
	ctx->tx = tx;
	ctx->replay = false;
}

static int check_access(const struct op_ctx *ctx, const struct perms *p,
			uint32_t need)
{
	if (ctx->privileged || ctx->replay)
		return 0;
	return (perms_access(p, ctx->domid, ctx->target) & need) == need ?
	       0 : EACCES;
}

/*
 * Find the nearest existing ancestor of a missing path; *missing gets how
 * many nodes creating path would add.
 */
static void nearest_ancestor(const struct op_ctx *ctx, const char *path,
			     size_t len, struct nview *anc, size_t *anc_len,
			     uint32_t *missing)
{
	*missing = 0;
	do {
		(*missing)++;
		len = path_parent_len(path, len);
		view_get(ctx, path, len, anc);
	} while (!anc->exists && len > 1);
	*anc_len = len;
}

/* Why a node is not there: ENOENT, unless the caller may not know. */
static int missing_error(const struct op_ctx *ctx, const char *path,
			 size_t len)
{
	struct nview anc;
	size_t anc_len;
	uint32_t missing;

	nearest_ancestor(ctx, path, len, &anc, &anc_len, &missing);
	if (anc.exists && check_access(ctx, anc.perms, VMS_PERM_READ))
		return EACCES;
	return ENOENT;
}

static void fire(const struct op_ctx *ctx, const char *path, size_t len,
		 const struct perms *perms, bool removed)
{
	if (!ctx->tx)
		watch_fire(ctx->s, path, len, perms, removed);
}

static void log_op(const struct op_ctx *ctx, enum tx_op_kind kind,
		   const char *path, size_t len, const void *value,
		   uint32_t value_len, struct perms *perms)
{
	if (ctx->tx)
		txn_log(ctx->tx, kind, path, len, value, value_len, perms);
}

/* The node at path, for an operation that needs it to exist and needs
 * `need` access to it: 0, or the error the caller returns. */
static int view_existing(const struct op_ctx *ctx, const char *path, size_t len,
			 uint32_t need, struct nview *v)
{
	view_get(ctx, path, len, v);
	if (!v->exists)
		return missing_error(ctx, path, len);
	return check_access(ctx, v->perms, need);
}

int op_read(const struct op_ctx *ctx, const char *path, size_t len,
	    const char **value, uint32_t *value_len)
{
	struct nview v;
	int err = view_existing(ctx, path, len, VMS_PERM_READ, &v);

	if (!err) {
		*value = v.value;
		*value_len = v.value_len;
	}
	return err;
}

/* New nodes inherit the parent's permissions; guests own what they make. */
static int inherit_perms(const struct op_ctx *ctx, const struct perms *parent,
			 struct perms *out)
{
	if (perms_copy(out, parent))
		return ENOMEM;
	if (!ctx->privileged)
		out->p[0].domid = ctx->domid;
	return 0;
}

/* Create path's missing ancestors top-down, then path itself. */
static int create_down(const struct op_ctx *ctx, const char *path,
		       size_t len, struct nview *out)
{
	size_t plen = path_parent_len(path, len);
	struct nview parent;
	struct perms perms;
	int err;

	view_get(ctx, path, plen, &parent);
	if (!parent.exists) {
		err = create_down(ctx, path, plen, &parent);
		if (err)
			return err;
	}
	err = inherit_perms(ctx, parent.perms, &perms);
	if (err)
		return err;
	err = view_add_child(ctx, &parent, path, len, &perms, out);
	perms_free(&perms);
	return err;
}

static int create_node(const struct op_ctx *ctx, const char *path,
		       size_t len, struct nview *out)
{
	struct nview anc;
	size_t anc_len;
	uint32_t missing;
	int err;

	nearest_ancestor(ctx, path, len, &anc, &anc_len, &missing);
	if (!anc.exists)
		return ENOENT;	/* only if the root vanished: cannot be */
	err = check_access(ctx, anc.perms, VMS_PERM_WRITE);
	if (err)
		return err;
	if (!ctx->privileged && !ctx->replay) {
		const struct domain *d = domain_find(ctx->s, ctx->domid);
		int64_t owned = d ? d->nodes : 0;

		if (ctx->tx)
			owned += ctx->tx->nodes_delta;
		if (owned + missing > ctx->s->quota.nodes)
			return ENOSPC;
	}
	return create_down(ctx, path, len, out);
}

int op_write(const struct op_ctx *ctx, const char *path, size_t len,
	     const void *value, uint32_t value_len)
{
	struct nview v;
	int err;

	if (!ctx->privileged && !ctx->replay &&
	    value_len > ctx->s->quota.node_size)
		return ENOSPC;
	view_get(ctx, path, len, &v);
	if (v.exists)
		err = check_access(ctx, v.perms, VMS_PERM_WRITE);
	else
		err = create_node(ctx, path, len, &v);
	if (!err)
		err = view_set_value(ctx, &v, value, value_len);
	if (err)
		return err;
	log_op(ctx, TX_WRITE, path, len, value, value_len, NULL);
	fire(ctx, path, len, v.perms, false);
	return 0;
}

int op_mkdir(const struct op_ctx *ctx, const char *path, size_t len)
{
	struct nview v;
	int err;

	view_get(ctx, path, len, &v);
	if (v.exists)
		return 0;
	err = create_node(ctx, path, len, &v);
	if (err)
		return err;
	log_op(ctx, TX_MKDIR, path, len, NULL, 0, NULL);
	fire(ctx, path, len, v.perms, false);
	return 0;
}

int op_rm(const struct op_ctx *ctx, const char *path, size_t len)
{
	struct perms old;
	struct nview v;
	int err;

	if (len <= 1)
		return EINVAL;		/* the root stays */
	view_get(ctx, path, len, &v);
	if (!v.exists) {
		struct nview parent;

		view_get(ctx, path, path_parent_len(path, len), &parent);
		return parent.exists ? 0 : missing_error(ctx, path, len);
	}
	err = check_access(ctx, v.perms, VMS_PERM_WRITE);
	if (err)
		return err;
	/* Watchers are checked against the node as it was. */
	if (perms_copy(&old, v.perms))
		return ENOMEM;
	err = view_remove(ctx, &v, path, len);
	if (!err) {
		log_op(ctx, TX_RM, path, len, NULL, 0, NULL);
		fire(ctx, path, len, &old, true);
	}
	perms_free(&old);
	return err;
}

int op_directory(const struct op_ctx *ctx, const char *path, size_t len,
		 child_fn fn, void *arg, uint64_t *gen)
{
	struct nview v;
	int err;

	err = view_existing(ctx, path, len, VMS_PERM_READ, &v);
	if (err)
		return err;
	if (gen)
		*gen = v.gen;
	return view_children(ctx, &v, fn, arg);
}

int op_get_perms(const struct op_ctx *ctx, const char *path, size_t len,
		 const struct perms **perms)
{
	struct nview v;
	int err = view_existing(ctx, path, len, VMS_PERM_READ, &v);

	if (!err)
		*perms = v.perms;
	return err;
}

int op_set_perms(const struct op_ctx *ctx, const char *path, size_t len,
		 struct perms *perms)
{
	struct perms logged;
	struct nview v;
	int err;

	err = view_existing(ctx, path, len, VMS_PERM_OWNER, &v);
	if (err)
		return err;
	if (!ctx->privileged && !ctx->replay) {
		if (perms_owner(perms) != perms_owner(v.perms))
			return EPERM;
		if (perms->n > ctx->s->quota.perms)
			return ENOSPC;
	}
	if (ctx->tx && perms_copy(&logged, perms))
		return ENOMEM;
	err = view_set_perms(ctx, &v, perms);
	if (err) {
		if (ctx->tx)
			perms_free(&logged);
		return err;
	}
	log_op(ctx, TX_SET_PERMS, path, len, NULL, 0, ctx->tx ? &logged : NULL);
	fire(ctx, path, len, v.perms, false);
	return 0;
}

/* Commit: the checks were made when the operations were logged. */
static void replay_ctx(struct op_ctx *ctx, const struct client *c)
{
	op_ctx_init(ctx, c, NULL);
	ctx->replay = true;
}

static int replay_write(struct client *c, struct tx_op *op)
{
	struct op_ctx ctx;

	replay_ctx(&ctx, c);
	return op_write(&ctx, op->path, op->path_len, op->value,
			op->value_len);
}

static int replay_mkdir(struct client *c, struct tx_op *op)
{
	struct op_ctx ctx;

	replay_ctx(&ctx, c);
	return op_mkdir(&ctx, op->path, op->path_len);
}

static int replay_rm(struct client *c, struct tx_op *op)
{
	struct op_ctx ctx;

	replay_ctx(&ctx, c);
	return op_rm(&ctx, op->path, op->path_len);
}

static int replay_set_perms(struct client *c, struct tx_op *op)
{
	struct op_ctx ctx;

	replay_ctx(&ctx, c);
	return op_set_perms(&ctx, op->path, op->path_len, &op->perms);
}

const tx_replay_fn op_replay[TX_OP_COUNT] = {
	[TX_WRITE] = replay_write,
	[TX_MKDIR] = replay_mkdir,
	[TX_RM] = replay_rm,
	[TX_SET_PERMS] = replay_set_perms,
};
