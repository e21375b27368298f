/*
 * Node operations with XenStore's semantics: permission checks, quotas,
 * parent creation, watch firing. They run either on the tree directly or
 * inside a transaction (ctx->tx), through the view layer, so the rules
 * are written once. Paths here are canonical (absolute, validated).
 * Each returns 0 or an errno value for the ERROR reply.
 */
#ifndef VMSTORED_OPS_H
#define VMSTORED_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "perms.h"

struct store;
struct txn;

struct op_ctx {
	struct store *s;
	uint32_t domid;		/* who acts: owner of what it creates */
	uint32_t target;	/* SET_TARGET domain, or DOMID_NONE */
	bool privileged;
	struct txn *tx;		/* NULL: act on the tree itself */
	bool replay;		/* committing: checks were done already */
};

typedef void (*child_fn)(const char *name, void *arg);

int op_read(const struct op_ctx *ctx, const char *path, size_t len,
	    const char **value, uint32_t *value_len);
int op_write(const struct op_ctx *ctx, const char *path, size_t len,
	     const void *value, uint32_t value_len);
int op_mkdir(const struct op_ctx *ctx, const char *path, size_t len);
int op_rm(const struct op_ctx *ctx, const char *path, size_t len);
/* *gen gets the node's generation (for DIRECTORY_PART). */
int op_directory(const struct op_ctx *ctx, const char *path, size_t len,
		 child_fn fn, void *arg, uint64_t *gen);
int op_get_perms(const struct op_ctx *ctx, const char *path, size_t len,
		 const struct perms **perms);
/* Takes ownership of perms on success. */
int op_set_perms(const struct op_ctx *ctx, const char *path, size_t len,
		 struct perms *perms);

#endif
