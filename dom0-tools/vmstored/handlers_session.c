/* Handlers for per-connection state: watches and transactions. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conn.h"
#include "dispatch.h"
#include "txn.h"
#include "watch.h"

int do_watch(struct conn *c, struct request *r)
{
	const char *argv[2];
	int err;

	if (!req_args(r, argv, 2))
		return EINVAL;
	err = watch_add(c, argv[0], argv[1]);
	if (err)
		return err;
	reply_ok(c, r);
	/* A new watch fires once at once, so clients can read the state. */
	conn_send_event(c, argv[0], argv[1]);
	return 0;
}

int do_unwatch(struct conn *c, struct request *r)
{
	const char *argv[2];
	int err;

	if (!req_args(r, argv, 2))
		return EINVAL;
	err = watch_del(c, argv[0], argv[1]);
	return err ? err : reply_ok(c, r);
}

int do_reset_watches(struct conn *c, struct request *r)
{
	watch_del_all(c);
	txn_abort_all(c);
	return reply_ok(c, r);
}

int do_transaction_start(struct conn *c, struct request *r)
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
	return reply_string(c, r, id);
}

int do_transaction_end(struct conn *c, struct request *r)
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
	err = txn_end(t, commit);
	return err ? err : reply_ok(c, r);
}
