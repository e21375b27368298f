/* Transactions: read set, shadows, commit validation and replay. */
#include "txn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "log.h"
#include "path.h"
#include "store.h"
#include "tree.h"

static bool entry_eq(const struct hlink *l, const void *key)
{
	const struct tx_entry *e = container_of(l, struct tx_entry, link);

	return path_key_equal(key, e->path, e->path_len);
}

int txn_start(struct client *c, struct txn **out)
{
	struct store *s = c->store;
	struct txn *t;

	if (!c->privileged && c->ntxns >= s->quota.transactions)
		return ENOSPC;
	t = calloc(1, sizeof(*t));
	if (!t || htable_init(&t->entries, 16)) {
		free(t);
		return ENOMEM;
	}
	/* Ids are never 0 and skip ones still in use after wrapping. */
	do {
		t->id = ++c->next_tx_id;
	} while (t->id == 0 || txn_find(c, t->id));
	t->client = c;
	list_add_tail(&t->link, &c->txns);
	c->ntxns++;
	*out = t;
	return 0;
}

struct txn *txn_find(struct client *c, uint32_t id)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &c->txns) {
		struct txn *t = list_entry(pos, struct txn, link);

		if (t->id == id)
			return t;
	}
	return NULL;
}

void tx_entry_clear(struct tx_entry *e)
{
	uint32_t i;

	for (i = 0; i < e->nchildren; i++)
		free(e->children[i]);
	free(e->children);
	e->children = NULL;
	e->nchildren = e->children_cap = e->children_bytes = 0;
	free(e->value);
	e->value = NULL;
	e->value_len = 0;
	perms_free(&e->perms);
}

static void free_entries(struct txn *t)
{
	struct hlink *l, *next;
	size_t b = 0;

	for (l = htable_next(&t->entries, &b, NULL); l; l = next) {
		struct tx_entry *e = container_of(l, struct tx_entry, link);

		next = htable_next(&t->entries, &b, l);
		tx_entry_clear(e);
		free(e->path);
		free(e);
	}
	htable_destroy(&t->entries);
}

static void free_ops(struct txn *t)
{
	struct tx_op *op, *next;

	for (op = t->ops; op; op = next) {
		next = op->next;
		free(op->path);
		free(op->value);
		perms_free(&op->perms);
		free(op);
	}
	t->ops = t->ops_tail = NULL;
}

static void txn_free(struct txn *t)
{
	list_del(&t->link);
	t->client->ntxns--;
	free_entries(t);
	free_ops(t);
	free(t);
}

/* Has anything the transaction looked at changed in the tree? */
static bool read_set_changed(struct txn *t)
{
	const struct tree *tree = &t->client->store->tree;
	struct hlink *l;
	size_t b = 0;

	for (l = htable_next(&t->entries, &b, NULL); l;
	     l = htable_next(&t->entries, &b, l)) {
		const struct tx_entry *e =
			container_of(l, struct tx_entry, link);
		const struct node *n;

		if (!e->accessed)
			continue;
		n = tree_lookup(tree, e->path, e->path_len);
		if (!n != !e->existed || (n && n->gen != e->gen))
			return true;
	}
	return false;
}

static void replay(struct txn *t, const tx_replay_fn fn[TX_OP_COUNT])
{
	struct tx_op *op;

	for (op = t->ops; op; op = op->next) {
		int err = fn[op->kind](t->client, op);

		if (err)
			log_err("transaction %u: replaying %s failed (%d)",
				t->id, op->path, err);
	}
}

static int commit(struct txn *t, const tx_replay_fn fn[TX_OP_COUNT])
{
	struct client *c = t->client;

	if (t->out_of_memory)
		return ENOMEM;
	if (read_set_changed(t))
		return EAGAIN;
	if (!c->privileged && t->nodes_delta > 0 &&
	    c->domain->nodes + (uint32_t)t->nodes_delta >
	    c->store->quota.nodes)
		return ENOSPC;
	replay(t, fn);
	return 0;
}

int txn_end(struct txn *t, bool do_commit,
	    const tx_replay_fn replay[TX_OP_COUNT])
{
	int err = do_commit ? commit(t, replay) : 0;

	txn_free(t);
	return err;
}

void txn_abort_all(struct client *c)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &c->txns)
		txn_free(list_entry(pos, struct txn, link));
}

struct tx_entry *txn_entry_find(struct txn *t, const char *path, size_t len)
{
	struct path_key key = { path, len };
	struct hlink *l = htable_find(&t->entries, hash_bytes(path, len),
				      entry_eq, &key);

	return l ? container_of(l, struct tx_entry, link) : NULL;
}

struct tx_entry *txn_entry_get(struct txn *t, const char *path, size_t len)
{
	struct tx_entry *e = txn_entry_find(t, path, len);

	if (e)
		return e;
	e = calloc(1, sizeof(*e));
	if (e)
		e->path = malloc(len + 1);
	if (!e || !e->path) {
		free(e);
		t->out_of_memory = true;
		return NULL;
	}
	memcpy(e->path, path, len);
	e->path[len] = 0;
	e->path_len = (uint32_t)len;
	e->link.hash = hash_bytes(path, len);
	htable_insert(&t->entries, &e->link);
	return e;
}

void txn_note_access(struct txn *t, const char *path, size_t len,
		     const struct node *n)
{
	struct tx_entry *e = txn_entry_get(t, path, len);

	if (!e || e->accessed)
		return;
	e->accessed = true;
	e->existed = n != NULL;
	e->gen = n ? n->gen : 0;
}

int txn_log(struct txn *t, enum tx_op_kind kind, const char *path,
	    size_t len, const void *value, uint32_t value_len,
	    struct perms *perms)
{
	struct tx_op *op = calloc(1, sizeof(*op));

	if (!op)
		goto oom;
	op->kind = kind;
	op->path = malloc(len + 1);
	op->value = malloc((size_t)value_len + 1);
	if (!op->path || !op->value) {
		free(op->path);
		free(op->value);
		free(op);
		goto oom;
	}
	memcpy(op->path, path, len);
	op->path[len] = 0;
	op->path_len = (uint32_t)len;
	if (value_len)
		memcpy(op->value, value, value_len);
	op->value_len = value_len;
	if (perms) {
		op->perms = *perms;
		perms->p = NULL;
		perms->n = 0;
	}
	if (t->ops_tail)
		t->ops_tail->next = op;
	else
		t->ops = op;
	t->ops_tail = op;
	return 0;
oom:
	t->out_of_memory = true;
	return ENOMEM;
}

int tx_entry_add_child(struct tx_entry *e, const char *name, size_t len)
{
	char *copy;

	if (e->nchildren == e->children_cap) {
		uint32_t cap = e->children_cap ? e->children_cap * 2 : 8;
		char **grown = realloc(e->children, cap * sizeof(*grown));

		if (!grown)
			return ENOMEM;
		e->children = grown;
		e->children_cap = cap;
	}
	copy = strndup(name, len);
	if (!copy)
		return ENOMEM;
	e->children[e->nchildren++] = copy;
	e->children_bytes += (uint32_t)len + 1;
	return 0;
}

void tx_entry_del_child(struct tx_entry *e, const char *name, size_t len)
{
	uint32_t i;

	for (i = 0; i < e->nchildren; i++) {
		if (strncmp(e->children[i], name, len) ||
		    e->children[i][len])
			continue;
		e->children_bytes -= (uint32_t)len + 1;
		free(e->children[i]);
		memmove(&e->children[i], &e->children[i + 1],
			(e->nchildren - i - 1) * sizeof(*e->children));
		e->nchildren--;
		return;
	}
}
