/* Transactions: isolation, conflicts (EAGAIN), replay, no tree copies. */
#include <stdio.h>

#include "harness.h"
#include "dom0-tools/vmstored/txn.h"
#include "public/io/xs_wire.h"

enum { A, B };

static const struct h_clients clients = {
	.n = 2,
	.c = {
		[A] = { 0, true },
		[B] = { 0, true },
	},
};

static void test_changes_invisible_until_commit(void **state)
{
	struct h_fixture *f = *state;
	uint32_t t = h_tx_start(f->c[A]);

	assert_call(f->c[A], XS_WRITE, t, "/x/y|1", "WRITE OK|");
	assert_call(f->c[A], XS_READ, t, "/x/y|", "READ 1");
	assert_call(f->c[A], XS_DIRECTORY, t, "/x|", "DIRECTORY y|");
	assert_call(f->c[B], XS_READ, 0, "/x/y|", "ERROR ENOENT|");
	assert_call(f->c[A], XS_READ, 0, "/x|", "ERROR ENOENT|");
	assert_call(f->c[A], XS_TRANSACTION_END, t, "T|", "TRANSACTION_END OK|");
	assert_call(f->c[B], XS_READ, 0, "/x/y|", "READ 1");
}

static void test_abort_discards(void **state)
{
	struct h_fixture *f = *state;
	uint32_t t = h_tx_start(f->c[A]);

	assert_call(f->c[A], XS_WRITE, t, "/ab|1", "WRITE OK|");
	assert_call(f->c[A], XS_TRANSACTION_END, t, "F|", "TRANSACTION_END OK|");
	assert_call(f->c[A], XS_READ, 0, "/ab|", "ERROR ENOENT|");
	assert_call(f->c[A], XS_READ, t, "/ab|", "ERROR ENOENT|");
}

static void test_conflict_on_read_node(void **state)
{
	struct h_fixture *f = *state;
	uint32_t t;

	assert_call(f->c[A], XS_WRITE, 0, "/c|0", "WRITE OK|");
	t = h_tx_start(f->c[A]);
	assert_call(f->c[A], XS_READ, t, "/c|", "READ 0");
	assert_call(f->c[A], XS_WRITE, t, "/d|1", "WRITE OK|");
	assert_call(f->c[B], XS_WRITE, 0, "/c|9", "WRITE OK|");
	assert_call(f->c[A], XS_READ, t, "/c|", "READ 0");
	assert_call(f->c[A], XS_TRANSACTION_END, t, "T|", "ERROR EAGAIN|");
	/* Nothing of the failed transaction landed. */
	assert_call(f->c[A], XS_READ, 0, "/d|", "ERROR ENOENT|");
	assert_call(f->c[A], XS_READ, 0, "/c|", "READ 9");
}

static void test_unrelated_changes_do_not_conflict(void **state)
{
	struct h_fixture *f = *state;
	uint32_t t;

	assert_call(f->c[A], XS_WRITE, 0, "/u/a|0", "WRITE OK|");
	assert_call(f->c[A], XS_WRITE, 0, "/v/b|0", "WRITE OK|");
	t = h_tx_start(f->c[A]);
	assert_call(f->c[A], XS_WRITE, t, "/u/a|1", "WRITE OK|");
	assert_call(f->c[B], XS_WRITE, 0, "/v/b|2", "WRITE OK|");
	assert_call(f->c[B], XS_WRITE, 0, "/w|3", "WRITE OK|");
	assert_call(f->c[A], XS_TRANSACTION_END, t, "T|", "TRANSACTION_END OK|");
	assert_call(f->c[A], XS_READ, 0, "/u/a|", "READ 1");
}

static void test_conflict_on_absent_node_appearing(void **state)
{
	struct h_fixture *f = *state;
	uint32_t t = h_tx_start(f->c[A]);

	assert_call(f->c[A], XS_READ, t, "/absent|", "ERROR ENOENT|");
	assert_call(f->c[B], XS_WRITE, 0, "/absent|now", "WRITE OK|");
	assert_call(f->c[A], XS_TRANSACTION_END, t, "T|", "ERROR EAGAIN|");
}

static void test_conflict_on_listing(void **state)
{
	struct h_fixture *f = *state;
	uint32_t t;

	assert_call(f->c[A], XS_WRITE, 0, "/l/a|", "WRITE OK|");
	t = h_tx_start(f->c[A]);
	assert_call(f->c[A], XS_DIRECTORY, t, "/l|", "DIRECTORY a|");
	assert_call(f->c[B], XS_WRITE, 0, "/l/b|", "WRITE OK|");
	assert_call(f->c[A], XS_DIRECTORY, t, "/l|", "DIRECTORY a|");
	assert_call(f->c[A], XS_TRANSACTION_END, t, "T|", "ERROR EAGAIN|");
}

static void test_conflict_between_two_transactions(void **state)
{
	struct h_fixture *f = *state;
	uint32_t ta = h_tx_start(f->c[A]), tb = h_tx_start(f->c[B]);

	assert_call(f->c[A], XS_WRITE, ta, "/both|a", "WRITE OK|");
	assert_call(f->c[B], XS_WRITE, tb, "/both|b", "WRITE OK|");
	assert_call(f->c[B], XS_TRANSACTION_END, tb, "T|", "TRANSACTION_END OK|");
	assert_call(f->c[A], XS_TRANSACTION_END, ta, "T|", "ERROR EAGAIN|");
	assert_call(f->c[A], XS_READ, 0, "/both|", "READ b");
}

static void test_rm_and_recreate(void **state)
{
	struct h_fixture *f = *state;
	uint32_t t;

	assert_call(f->c[A], XS_WRITE, 0, "/r/a/b|1", "WRITE OK|");
	assert_call(f->c[A], XS_WRITE, 0, "/r/a/c|2", "WRITE OK|");
	t = h_tx_start(f->c[A]);
	assert_call(f->c[A], XS_RM, t, "/r/a|", "RM OK|");
	assert_call(f->c[A], XS_READ, t, "/r/a/b|", "ERROR ENOENT|");
	assert_call(f->c[A], XS_DIRECTORY, t, "/r|", "DIRECTORY ");
	assert_call(f->c[A], XS_WRITE, t, "/r/a/d|3", "WRITE OK|");
	assert_call(f->c[A], XS_DIRECTORY, t, "/r/a|", "DIRECTORY d|");
	assert_call(f->c[A], XS_READ, t, "/r/a/c|", "ERROR ENOENT|");
	assert_call(f->c[A], XS_TRANSACTION_END, t, "T|", "TRANSACTION_END OK|");
	assert_call(f->c[A], XS_DIRECTORY, 0, "/r/a|", "DIRECTORY d|");
	assert_call(f->c[A], XS_READ, 0, "/r/a/b|", "ERROR ENOENT|");
}

static void test_set_perms_and_mkdir_in_transaction(void **state)
{
	struct h_fixture *f = *state;
	uint32_t t = h_tx_start(f->c[A]);

	assert_call(f->c[A], XS_MKDIR, t, "/m/n|", "MKDIR OK|");
	assert_call(f->c[A], XS_SET_PERMS, t, "/m/n|r3|", "SET_PERMS OK|");
	assert_call(f->c[A], XS_GET_PERMS, t, "/m/n|", "GET_PERMS r3|");
	assert_call(f->c[A], XS_GET_PERMS, 0, "/m/n|", "ERROR ENOENT|");
	assert_call(f->c[A], XS_TRANSACTION_END, t, "T|", "TRANSACTION_END OK|");
	assert_call(f->c[A], XS_GET_PERMS, 0, "/m/n|", "GET_PERMS r3|");
}

static void test_errors(void **state)
{
	struct h_fixture *f = *state;
	uint32_t t = h_tx_start(f->c[A]);

	assert_call(f->c[A], XS_READ, t + 100, "/|", "ERROR ENOENT|");
	assert_call(f->c[B], XS_READ, t, "/|", "ERROR ENOENT|");	/* not b's */
	assert_call(f->c[A], XS_TRANSACTION_START, t, "|", "ERROR EBUSY|");
	assert_call(f->c[A], XS_TRANSACTION_END, t, "maybe|", "ERROR EINVAL|");
	assert_call(f->c[A], XS_TRANSACTION_END, 0, "T|", "ERROR ENOENT|");
	assert_call(f->c[A], XS_TRANSACTION_END, t, "T|", "TRANSACTION_END OK|");
	assert_call(f->c[A], XS_TRANSACTION_END, t, "T|", "ERROR ENOENT|");
}

static void test_transaction_ends_with_connection(void **state)
{
	struct h_fixture *f = *state;
	struct conn *c = h_conn(f->s, 0, true);
	uint32_t t = h_tx_start(c);

	assert_call(c, XS_WRITE, t, "/gone|1", "WRITE OK|");
	h_conn_close(c);
	assert_call(f->c[A], XS_READ, 0, "/gone|", "ERROR ENOENT|");
}

static void test_tx_does_not_copy_the_tree(void **state)
{
	struct h_fixture *f = *state;
	struct txn *tx;
	char path[64];
	uint32_t t;
	int i;

	for (i = 0; i < 20000; i++) {
		snprintf(path, sizeof(path), "/big/%d/n%d|v", i % 100, i);
		assert_call(f->c[A], XS_WRITE, 0, path, "WRITE OK|");
	}
	t = h_tx_start(f->c[A]);
	assert_call(f->c[A], XS_WRITE, t, "/big/7/new|1", "WRITE OK|");
	tx = txn_find(&f->c[A]->client, t);
	assert_non_null(tx);
	/* The node and the parent it was added to; nothing else. */
	assert_int_equal(tx->entries.count, 2);
	assert_call(f->c[A], XS_TRANSACTION_END, t, "T|", "TRANSACTION_END OK|");
	assert_call(f->c[A], XS_READ, 0, "/big/7/new|", "READ 1");
}

static void test_ids_are_unique_per_connection(void **state)
{
	struct h_fixture *f = *state;
	uint32_t t1, t2;

	assert_call(f->c[A], XS_MKDIR, 0, "/i1|", "MKDIR OK|");
	assert_call(f->c[A], XS_MKDIR, 0, "/i2|", "MKDIR OK|");
	t1 = h_tx_start(f->c[A]);
	t2 = h_tx_start(f->c[A]);
	assert_int_not_equal(t1, 0);
	assert_int_not_equal(t1, t2);
	assert_call(f->c[A], XS_WRITE, t1, "/i1/x|1", "WRITE OK|");
	assert_call(f->c[A], XS_WRITE, t2, "/i2/x|2", "WRITE OK|");
	assert_call(f->c[A], XS_READ, t1, "/i1/y|", "ERROR ENOENT|");
	assert_call(f->c[A], XS_TRANSACTION_END, t2, "T|", "TRANSACTION_END OK|");
	/* Disjoint changes: both commit. */
	assert_call(f->c[A], XS_TRANSACTION_END, t1, "T|", "TRANSACTION_END OK|");
	assert_call(f->c[A], XS_READ, 0, "/i1/x|", "READ 1");
	assert_call(f->c[A], XS_READ, 0, "/i2/x|", "READ 2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) h_test(fn, &clients)
		T(test_changes_invisible_until_commit),
		T(test_abort_discards),
		T(test_conflict_on_read_node),
		T(test_unrelated_changes_do_not_conflict),
		T(test_conflict_on_absent_node_appearing),
		T(test_conflict_on_listing),
		T(test_conflict_between_two_transactions),
		T(test_rm_and_recreate),
		T(test_set_perms_and_mkdir_in_transaction),
		T(test_errors),
		T(test_transaction_ends_with_connection),
		T(test_tx_does_not_copy_the_tree),
		T(test_ids_are_unique_per_connection),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
