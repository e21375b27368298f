/*
 * Node operations with XenStore's semantics: permission checks, quotas,
 * parent creation, watch firing. They run either on the tree directly or
 * inside a transaction (ctx->tx), through the view layer, so the rules
 * are written once. Paths here are canonical (absolute, validated).
 * Each returns 0 or an errno value for the ERROR reply.
 */
#ifndef VMSTORED_OPS_H
#define VMSTORED_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "perms.h"
#include "txn.h"
#include "view.h"

struct client;

/* The context for client c acting on the tree or in transaction tx. */
void op_ctx_init(struct op_ctx *ctx, const struct client *c, struct txn *tx);

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

/* How a transaction's logged operations are applied at commit. */
extern const tx_replay_fn op_replay[TX_OP_COUNT];

#endif
