/* Per-domain quotas: nodes, node size, permissions, watches,
 * transactions, outstanding replies; dom0 is never limited. */
#include <stdio.h>

#include "harness.h"
#include "public/io/xs_wire.h"

enum { DOM0, GUEST };

static const struct h_clients clients = {
	.n = 2,
	.c = {
		[DOM0] = { 0, true },
		[GUEST] = { 3, false },
	},
};

/* The guest owns its home, as after the toolstack made it. */
static int setup(void **state)
{
	struct h_fixture *f;

	h_setup(state);
	f = *state;
	assert_call(f->c[DOM0], XS_MKDIR, 0, "/local/domain/3|", "MKDIR OK|");
	assert_call(f->c[DOM0], XS_SET_PERMS, 0, "/local/domain/3|n3|",
		    "SET_PERMS OK|");
	return 0;
}

static void test_defaults_match_xenstored(void **state)
{
	struct h_fixture *f = *state;

	assert_int_equal(f->s->quota.nodes, 1000);
	assert_int_equal(f->s->quota.node_size, 2048);
	assert_int_equal(f->s->quota.watches, 128);
	assert_int_equal(f->s->quota.transactions, 10);
	assert_int_equal(f->s->quota.outstanding, 20);
	assert_int_equal(f->s->quota.perms, 5);
}

static void test_node_count(void **state)
{
	struct h_fixture *f = *state;
	char path[32];
	int i;

	f->s->quota.nodes = 10;
	/* The home node counts: dom0 gave it to the guest. */
	for (i = 0; i < 9; i++) {
		snprintf(path, sizeof(path), "n%d|x", i);
		assert_call(f->c[GUEST], XS_WRITE, 0, path, "WRITE OK|");
	}
	assert_int_equal(domain_find(f->s, 3)->nodes, 10);
	assert_call(f->c[GUEST], XS_WRITE, 0, "one-more|x", "ERROR ENOSPC|");
	assert_call(f->c[GUEST], XS_MKDIR, 0, "a/b|", "ERROR ENOSPC|");
	/* Failing left nothing behind; overwriting is fine. */
	assert_call(f->c[GUEST], XS_READ, 0, "a|", "ERROR ENOENT|");
	assert_call(f->c[GUEST], XS_WRITE, 0, "n1|y", "WRITE OK|");
	/* Freeing nodes makes room again. */
	assert_call(f->c[GUEST], XS_RM, 0, "n1|", "RM OK|");
	assert_call(f->c[GUEST], XS_WRITE, 0, "one-more|x", "WRITE OK|");
	/*
	 * dom0 is not limited; what it creates in the guest's home inherits
	 * the guest as owner (as in xenstored) and so counts for the guest.
	 */
	assert_call(f->c[DOM0], XS_WRITE, 0, "/local/domain/3/by-dom0|x",
		    "WRITE OK|");
	assert_int_equal(domain_find(f->s, 3)->nodes, 11);
	assert_call(f->c[GUEST], XS_WRITE, 0, "another|x", "ERROR ENOSPC|");
}

static void test_node_count_multi_level_create(void **state)
{
	struct h_fixture *f = *state;

	f->s->quota.nodes = 3;
	/* 1 (home) + 3 new would exceed 3: refused before creating any. */
	assert_call(f->c[GUEST], XS_WRITE, 0, "a/b/c|x", "ERROR ENOSPC|");
	assert_call(f->c[GUEST], XS_READ, 0, "a|", "ERROR ENOENT|");
	assert_call(f->c[GUEST], XS_WRITE, 0, "a/b|x", "WRITE OK|");
}

static void test_node_count_in_transaction(void **state)
{
	struct h_fixture *f = *state;
	uint32_t t;

	f->s->quota.nodes = 3;
	t = h_tx_start(f->c[GUEST]);
	assert_call(f->c[GUEST], XS_WRITE, t, "a|x", "WRITE OK|");
	assert_call(f->c[GUEST], XS_WRITE, t, "b|x", "WRITE OK|");
	assert_call(f->c[GUEST], XS_WRITE, t, "c|x", "ERROR ENOSPC|");
	assert_call(f->c[GUEST], XS_TRANSACTION_END, t, "T|",
		    "TRANSACTION_END OK|");
	assert_int_equal(domain_find(f->s, 3)->nodes, 3);
}

static void test_node_size(void **state)
{
	struct h_fixture *f = *state;
	char req[4096];

	memset(req, 'v', sizeof(req));
	memcpy(req, "big|", 4);
	req[4 + 2048] = 0;
	assert_call(f->c[GUEST], XS_WRITE, 0, req, "WRITE OK|");
	req[4 + 2048] = 'v';
	req[4 + 2049] = 0;
	assert_call(f->c[GUEST], XS_WRITE, 0, req, "ERROR ENOSPC|");
	memcpy(req, "/local/domain/3/x|", 18);
	assert_call(f->c[DOM0], XS_WRITE, 0, req, "WRITE OK|");
}

static void test_permission_entries(void **state)
{
	struct h_fixture *f = *state;

	assert_call(f->c[GUEST], XS_WRITE, 0, "p|", "WRITE OK|");
	assert_call(f->c[GUEST], XS_SET_PERMS, 0, "p|n3|r1|r2|r4|r5|",
		    "SET_PERMS OK|");
	assert_call(f->c[GUEST], XS_SET_PERMS, 0, "p|n3|r1|r2|r4|r5|r6|",
		    "ERROR ENOSPC|");
	assert_call(f->c[GUEST], XS_GET_PERMS, 0, "p|", "GET_PERMS n3|r1|r2|r4|r5|");
}

static void test_watches(void **state)
{
	struct h_fixture *f = *state;
	char req[64];
	int i;

	f->s->quota.watches = 4;
	for (i = 0; i < 4; i++) {
		snprintf(req, sizeof(req), "w%d|t|", i);
		assert_call(f->c[GUEST], XS_WATCH, 0, req, "WATCH OK|");
	}
	assert_call(f->c[GUEST], XS_WATCH, 0, "w9|t|", "ERROR E2BIG|");
	assert_call(f->c[GUEST], XS_UNWATCH, 0, "w0|t|", "UNWATCH OK|");
	assert_call(f->c[GUEST], XS_WATCH, 0, "w9|t|", "WATCH OK|");
	for (i = 0; i < 10; i++) {
		snprintf(req, sizeof(req), "/d0/%d|t|", i);
		assert_call(f->c[DOM0], XS_WATCH, 0, req, "WATCH OK|");
	}
}

static void test_transactions(void **state)
{
	struct h_fixture *f = *state;
	int i;

	f->s->quota.transactions = 3;
	for (i = 0; i < 3; i++)
		h_tx_start(f->c[GUEST]);
	assert_call(f->c[GUEST], XS_TRANSACTION_START, 0, "|", "ERROR ENOSPC|");
	for (i = 0; i < 20; i++)
		h_tx_start(f->c[DOM0]);
}

static void test_outstanding_replies_pause_input(void **state)
{
	struct h_fixture *f = *state;
	struct xsd_sockmsg h = { .type = XS_READ, .len = 8 };
	char msg[sizeof(h) + 8];
	int i;

	f->s->quota.outstanding = 5;
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), "/nodes\0", 8);
	for (i = 0; i < 5; i++) {
		assert_true(conn_wants_input(f->c[GUEST]));
		assert_int_equal(h_feed(f->c[GUEST], msg, sizeof(msg)), 0);
	}
	/* Five unread replies: the transport must stop reading. */
	assert_false(conn_wants_input(f->c[GUEST]));
	h_drain(f->c[GUEST]);
	assert_true(conn_wants_input(f->c[GUEST]));
	/* dom0 gets far more room. */
	for (i = 0; i < 500; i++)
		assert_int_equal(h_feed(f->c[DOM0], msg, sizeof(msg)), 0);
	assert_true(conn_wants_input(f->c[DOM0]));
	h_drain(f->c[DOM0]);
}

static void test_quota_control(void **state)
{
	struct h_fixture *f = *state;

	assert_call(f->c[DOM0], XS_CONTROL, 0, "quota|set|nodes|7|", "CONTROL OK|");
	assert_int_equal(f->s->quota.nodes, 7);
	assert_call(f->c[DOM0], XS_CONTROL, 0, "quota|set|bogus|7|",
		    "ERROR EINVAL|");
	assert_call(f->c[DOM0], XS_CONTROL, 0, "quota|3|",
		    "CONTROL nodes: 1\\x0awatches: 0\\x0a|");
	assert_int_equal(store_set_quota(f->s, "watches=9"), 0);
	assert_int_equal(f->s->quota.watches, 9);
	assert_int_equal(store_set_quota(f->s, "watches="), -1);
	assert_int_equal(store_set_quota(f->s, "nope=1"), -1);
	assert_int_equal(store_set_quota(f->s, "nodes=1x"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_prestate_setup_teardown(fn, setup, \
		h_teardown, (void *)&clients)
		T(test_defaults_match_xenstored),
		T(test_node_count),
		T(test_node_count_multi_level_create),
		T(test_node_count_in_transaction),
		T(test_node_size),
		T(test_permission_entries),
		T(test_watches),
		T(test_transactions),
		T(test_outstanding_replies_pause_input),
		T(test_quota_control),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
