/* Watches: matching, event paths, order, permissions, special events,
 * clean-up, and the queue limit for guests that do not read. */
#include <stdio.h>

#include "harness.h"
#include "public/io/xs_wire.h"

enum { DOM0, W, GUEST };

static const struct h_clients clients = {
	.n = 3,
	.c = {
		[DOM0] = { 0, true },
		[W] = { 0, true },
		[GUEST] = { 4, false },
	},
};

static void test_fires_on_registration(void **state)
{
	struct h_fixture *f = *state;

	assert_call(f->c[W], XS_WATCH, 0, "/a|tok|", "WATCH OK|");
	assert_string_equal(h_events(f->c[W]), "EVENT /a|tok|");
	assert_string_equal(h_events(f->c[W]), "");
}

static void test_matches_node_and_below_only(void **state)
{
	struct h_fixture *f = *state;

	assert_call(f->c[W], XS_WATCH, 0, "/a/b|t|", "WATCH OK|");
	h_events(f->c[W]);
	h_call(f->c[DOM0], XS_WRITE, 0, "/a/b|1");
	h_call(f->c[DOM0], XS_WRITE, 0, "/a/b/c/d|1");
	h_call(f->c[DOM0], XS_WRITE, 0, "/a/bc|1");	/* not below /a/b */
	h_call(f->c[DOM0], XS_WRITE, 0, "/a|1");		/* a parent */
	h_call(f->c[DOM0], XS_WRITE, 0, "/x|1");
	assert_string_equal(h_events(f->c[W]),
			    "EVENT /a/b|t|\nEVENT /a/b/c/d|t|");
}

static void test_root_watch_sees_everything(void **state)
{
	struct h_fixture *f = *state;

	assert_call(f->c[W], XS_WATCH, 0, "/|r|", "WATCH OK|");
	h_events(f->c[W]);
	h_call(f->c[DOM0], XS_WRITE, 0, "/p/q|1");
	h_call(f->c[DOM0], XS_SET_PERMS, 0, "/p|n0|");
	h_call(f->c[DOM0], XS_RM, 0, "/p|");
	assert_string_equal(h_events(f->c[W]),
			    "EVENT /p/q|r|\nEVENT /p|r|\nEVENT /p|r|");
}

static void test_removal_of_parent_fires_watch_below(void **state)
{
	struct h_fixture *f = *state;

	h_call(f->c[DOM0], XS_WRITE, 0, "/top/mid/leaf|1");
	assert_call(f->c[W], XS_WATCH, 0, "/top/mid/leaf/not-yet|t1|",
		    "WATCH OK|");
	assert_call(f->c[W], XS_WATCH, 0, "/top/mid|t2|", "WATCH OK|");
	assert_call(f->c[W], XS_WATCH, 0, "/other|t3|", "WATCH OK|");
	h_events(f->c[W]);
	h_call(f->c[DOM0], XS_RM, 0, "/top|");
	/* Event path is the watch's own path for watches below. */
	assert_string_equal(h_events(f->c[W]),
			    "EVENT /top/mid/leaf/not-yet|t1|\nEVENT /top/mid|t2|");
}

static void test_order_is_registration_order(void **state)
{
	struct h_fixture *f = *state;

	assert_call(f->c[W], XS_WATCH, 0, "/|first|", "WATCH OK|");
	assert_call(f->c[W], XS_WATCH, 0, "/o/p|second|", "WATCH OK|");
	assert_call(f->c[W], XS_WATCH, 0, "/o|third|", "WATCH OK|");
	h_events(f->c[W]);
	h_call(f->c[DOM0], XS_WRITE, 0, "/o/p|1");
	assert_string_equal(h_events(f->c[W]),
			    "EVENT /o/p|first|\nEVENT /o/p|second|\n"
			    "EVENT /o/p|third|");
}

static void test_same_path_two_tokens_and_unwatch(void **state)
{
	struct h_fixture *f = *state;

	assert_call(f->c[W], XS_WATCH, 0, "/s|a|", "WATCH OK|");
	assert_call(f->c[W], XS_WATCH, 0, "/s|b|", "WATCH OK|");
	assert_call(f->c[W], XS_WATCH, 0, "/s|a|", "ERROR EEXIST|");
	h_events(f->c[W]);
	assert_call(f->c[W], XS_UNWATCH, 0, "/s|a|", "UNWATCH OK|");
	assert_call(f->c[W], XS_UNWATCH, 0, "/s|a|", "ERROR ENOENT|");
	h_call(f->c[DOM0], XS_WRITE, 0, "/s|1");
	assert_string_equal(h_events(f->c[W]), "EVENT /s|b|");
}

static void test_relative_watch(void **state)
{
	struct h_fixture *f = *state;

	h_call(f->c[DOM0], XS_MKDIR, 0, "/local/domain/4|");
	h_call(f->c[DOM0], XS_SET_PERMS, 0, "/local/domain/4|n4|");
	assert_call(f->c[GUEST], XS_WATCH, 0, "device|dev|", "WATCH OK|");
	assert_string_equal(h_events(f->c[GUEST]), "EVENT device|dev|");
	h_call(f->c[DOM0], XS_WRITE, 0, "/local/domain/4/device/vif/0|x");
	assert_string_equal(h_events(f->c[GUEST]), "EVENT device/vif/0|dev|");
}

static void test_guest_only_sees_readable_nodes(void **state)
{
	struct h_fixture *f = *state;

	assert_call(f->c[GUEST], XS_WATCH, 0, "/pub|g|", "WATCH OK|");
	h_events(f->c[GUEST]);
	h_call(f->c[DOM0], XS_WRITE, 0, "/pub/hidden|1");	/* n0: not for dom4 */
	h_call(f->c[DOM0], XS_WRITE, 0, "/pub/open|1");
	h_call(f->c[DOM0], XS_SET_PERMS, 0, "/pub/open|n0|r4|");
	h_call(f->c[DOM0], XS_WRITE, 0, "/pub/open|2");
	assert_string_equal(h_events(f->c[GUEST]),
			    "EVENT /pub/open|g|\nEVENT /pub/open|g|");
}

static void test_special_watches(void **state)
{
	struct h_fixture *f = *state;

	assert_call(f->c[W], XS_WATCH, 0, "@introduceDomain|i|", "WATCH OK|");
	assert_call(f->c[W], XS_WATCH, 0, "@releaseDomain|r|", "WATCH OK|");
	assert_call(f->c[GUEST], XS_WATCH, 0, "@releaseDomain|g|", "WATCH OK|");
	h_events(f->c[W]);
	h_events(f->c[GUEST]);
	assert_call(f->c[DOM0], XS_INTRODUCE, 0, "9|123|4|", "INTRODUCE OK|");
	assert_call(f->c[DOM0], XS_RELEASE, 0, "9|", "RELEASE OK|");
	assert_string_equal(h_events(f->c[W]),
			    "EVENT @introduceDomain|i|\nEVENT @releaseDomain|r|");
	/* The special node's permissions decide who hears about it. */
	assert_string_equal(h_events(f->c[GUEST]), "");
	assert_call(f->c[DOM0], XS_SET_PERMS, 0, "@releaseDomain|n0|r4|",
		    "SET_PERMS OK|");
	assert_call(f->c[DOM0], XS_INTRODUCE, 0, "9|123|4|", "INTRODUCE OK|");
	assert_call(f->c[DOM0], XS_RELEASE, 0, "9|", "RELEASE OK|");
	assert_string_equal(h_events(f->c[GUEST]), "EVENT @releaseDomain|g|");
	/* Writes never match special watches. */
	h_events(f->c[W]);
	h_call(f->c[DOM0], XS_WRITE, 0, "/introduceDomain|1");
	assert_string_equal(h_events(f->c[W]), "");
}

static void test_watches_die_with_connection(void **state)
{
	struct h_fixture *f = *state;
	struct conn *c = h_conn(f->s, 0, true);

	assert_call(c, XS_WATCH, 0, "/gone|t|", "WATCH OK|");
	assert_int_equal(f->s->watch_index.count, 1);
	h_conn_close(c);
	assert_int_equal(f->s->watch_index.count, 0);
	h_call(f->c[DOM0], XS_WRITE, 0, "/gone|1");	/* must not touch c */
}

static void test_reset_watches(void **state)
{
	struct h_fixture *f = *state;

	assert_call(f->c[W], XS_WATCH, 0, "/r1|t|", "WATCH OK|");
	assert_call(f->c[W], XS_WATCH, 0, "/r2|t|", "WATCH OK|");
	h_tx_start(f->c[W]);
	assert_call(f->c[W], XS_RESET_WATCHES, 0, "|", "RESET_WATCHES OK|");
	h_events(f->c[W]);
	h_call(f->c[DOM0], XS_WRITE, 0, "/r1|1");
	assert_string_equal(h_events(f->c[W]), "");
	assert_int_equal(f->c[W]->client.ntxns, 0);
}

static void test_guest_event_queue_is_bounded(void **state)
{
	struct h_fixture *f = *state;
	int i;

	h_call(f->c[DOM0], XS_WRITE, 0, "/flood|0");
	h_call(f->c[DOM0], XS_SET_PERMS, 0, "/flood|n0|r4|");
	assert_call(f->c[GUEST], XS_WATCH, 0, "/flood|f|", "WATCH OK|");
	/* The guest never reads: the daemon must not queue without end. */
	for (i = 0; i < CONN_EVENT_QUEUE_MAX + 500; i++)
		h_call(f->c[DOM0], XS_WRITE, 0, "/flood|x");
	assert_int_equal(f->c[GUEST]->out_msgs, CONN_EVENT_QUEUE_MAX);
	assert_int_equal(f->c[GUEST]->events_dropped, 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) h_test(fn, &clients)
		T(test_fires_on_registration),
		T(test_matches_node_and_below_only),
		T(test_root_watch_sees_everything),
		T(test_removal_of_parent_fires_watch_below),
		T(test_order_is_registration_order),
		T(test_same_path_two_tokens_and_unwatch),
		T(test_relative_watch),
		T(test_guest_only_sees_readable_nodes),
		T(test_special_watches),
		T(test_watches_die_with_connection),
		T(test_reset_watches),
		T(test_guest_event_queue_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
