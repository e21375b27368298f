/* Handlers for per-client state: watches and transactions. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "dispatch.h"
#include "ops.h"
#include "txn.h"
#include "watch.h"

int do_watch(struct client *c, struct request *r)
{
	const char *argv[2];
	int err;

	if (!req_args(r, argv, 2))
		return EINVAL;
	err = watch_add(c, argv[0], argv[1]);
	if (err)
		return err;
	/* A new watch fires once at once, so clients can read the state. */
	r->out->event_path = argv[0];
	r->out->event_token = argv[1];
	return reply_ok(r);
}

int do_unwatch(struct client *c, struct request *r)
{
	const char *argv[2];
	int err;

	if (!req_args(r, argv, 2))
		return EINVAL;
	err = watch_del(c, argv[0], argv[1]);
	return err ? err : reply_ok(r);
}

int do_reset_watches(struct client *c, struct request *r)
{
	watch_del_all(c);
	txn_abort_all(c);
	return reply_ok(r);
}

int do_transaction_start(struct client *c, struct request *r)
{
	char id[16];
	struct txn *t;
	int err;

	if (r->hdr->tx_id)
		return EBUSY;
	err = txn_start(c, &t);
	if (err)
		return err;
	snprintf(id, sizeof(id), "%u", t->id);
	return reply_string(r, id);
}

int do_transaction_end(struct client *c, struct request *r)
{
	struct txn *t = r->hdr->tx_id ? txn_find(c, r->hdr->tx_id) : NULL;
	const char *arg;
	bool commit;
	int err;

	if (!t)
		return ENOENT;
	if (!req_args(r, &arg, 1) || (strcmp(arg, "T") && strcmp(arg, "F")))
		return EINVAL;
	commit = arg[0] == 'T';
	err = txn_end(t, commit, op_replay);
	return err ? err : reply_ok(r);
}
