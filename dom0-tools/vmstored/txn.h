/*
 * Optimistic transactions without copying the tree.
 *
 * A transaction keeps, per path it touched, (a) what it saw in the tree:
 * whether the node existed and its generation (the read set), and (b) its
 * own copy of that one node (a shadow), taken when it first looks at it,
 * so that reading a node twice gives the same answer even if another
 * client changes it meanwhile. A shadow's child list is copied only when
 * the transaction lists or changes it.
 *
 * Commit checks the read set against the tree: if any node the
 * transaction looked at has changed, appeared or vanished since, the
 * commit fails with EAGAIN. Otherwise the logged operations are replayed
 * on the tree — which, the read set being unchanged, yields exactly what
 * the transaction saw — and watches fire as for direct writes. Replay
 * goes through a table of functions the caller passes (the node
 * operations' op_replay), so transactions do not call up into them.
 */
#ifndef VMSTORED_TXN_H
#define VMSTORED_TXN_H

#include <stdbool.h>
#include <stdint.h>

#include "hash.h"
#include "list.h"
#include "perms.h"

struct client;
struct node;

struct tx_entry {
	struct hlink link;	/* in txn.entries, keyed by path */
	char *path;
	uint32_t path_len;
	/* read set */
	bool accessed;
	bool existed;
	uint64_t gen;
	/* the transaction's copy */
	bool shadowed;
	bool exists;
	bool children_valid;	/* children[] copied from the tree yet? */
	uint32_t value_len;
	char *value;
	struct perms perms;
	char **children;	/* names, in order */
	uint32_t nchildren, children_cap, children_bytes;
	uint64_t shadow_gen;
};

enum tx_op_kind { TX_WRITE, TX_MKDIR, TX_RM, TX_SET_PERMS, TX_OP_COUNT };

struct tx_op {
	struct tx_op *next;
	enum tx_op_kind kind;
	uint32_t path_len, value_len;
	char *path;
	char *value;
	struct perms perms;
};

struct txn {
	struct list_head link;	/* in client.txns */
	uint32_t id;
	struct client *client;
	struct htable entries;
	struct tx_op *ops, *ops_tail;
	int32_t nodes_delta;	/* nodes the client's domain gains */
	uint64_t gen;		/* for shadow generations */
	bool out_of_memory;	/* lost track: commit must fail */
};

/* Apply one logged operation to the tree for client c at commit;
 * returns 0 or an errno value (logged: the commit goes on). */
typedef int (*tx_replay_fn)(struct client *c, struct tx_op *op);

/* 0 and the new transaction, or an errno value (ENOSPC: quota). */
int txn_start(struct client *c, struct txn **out);
struct txn *txn_find(struct client *c, uint32_t id);
/* Commit (or abort) and free; 0, EAGAIN, ENOSPC or ENOMEM. */
int txn_end(struct txn *t, bool commit,
	    const tx_replay_fn replay[TX_OP_COUNT]);
void txn_abort_all(struct client *c);

struct tx_entry *txn_entry_find(struct txn *t, const char *path,
				size_t len);
/* Find or create; NULL (and out_of_memory set) when memory runs out. */
struct tx_entry *txn_entry_get(struct txn *t, const char *path, size_t len);
/* Remember what the tree held at path, the first time it is looked at. */
void txn_note_access(struct txn *t, const char *path, size_t len,
		     const struct node *n);
/* Append to the replay log; takes ownership of perms if given. */
int txn_log(struct txn *t, enum tx_op_kind kind, const char *path,
	    size_t len, const void *value, uint32_t value_len,
	    struct perms *perms);

/* Shadow children lists. */
int tx_entry_add_child(struct tx_entry *e, const char *name, size_t len);
void tx_entry_del_child(struct tx_entry *e, const char *name, size_t len);
void tx_entry_clear(struct tx_entry *e);

#endif
