/* Framing and request parsing: split and merged messages, limits,
 * malformed payloads; every bad request gets an error, never a crash. */
#include <stdio.h>

#include "harness.h"
#include "public/io/xs_wire.h"

enum { DOM0 };

static const struct h_clients clients = {
	.n = 1,
	.c = {
		[DOM0] = { 0, true },
	},
};

static size_t msg(char *buf, uint32_t type, uint32_t req, uint32_t tx,
		  const void *payload, uint32_t len)
{
	struct xsd_sockmsg h = { type, req, tx, len };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), payload, len);
	return sizeof(h) + len;
}

static void test_split_byte_by_byte(void **state)
{
	struct h_fixture *f = *state;
	char buf[64];
	size_t n = msg(buf, XS_WRITE, 5, 0, "/s\0v", 4), i;

	for (i = 0; i + 1 < n; i++) {
		assert_int_equal(h_feed(f->c[DOM0], buf + i, 1), 0);
		assert_false(conn_out_pending(f->c[DOM0]));
	}
	assert_int_equal(h_feed(f->c[DOM0], buf + i, 1), 0);
	assert_true(conn_out_pending(f->c[DOM0]));
	assert_string_equal(h_drain(f->c[DOM0]), "WRITE OK|");
}

static void test_merged_messages_answered_in_order(void **state)
{
	struct h_fixture *f = *state;
	char buf[256];
	size_t n = 0;

	n += msg(buf + n, XS_WRITE, 1, 0, "/m\0x", 4);
	n += msg(buf + n, XS_READ, 2, 0, "/m", 3);
	n += msg(buf + n, XS_READ, 3, 0, "/none", 6);
	assert_int_equal(h_feed(f->c[DOM0], buf, n), 0);
	assert_string_equal(h_drain(f->c[DOM0]),
			    "WRITE OK|\nREAD x\nERROR ENOENT|");
}

static void test_ids_echoed(void **state)
{
	struct h_fixture *f = *state;
	char buf[64];
	struct xsd_sockmsg *r;

	assert_int_equal(h_feed(f->c[DOM0], buf, msg(buf, XS_READ, 0xdeadbeef, 0,
					       "/", 2)), 0);
	r = (struct xsd_sockmsg *)f->c[DOM0]->out_head->data;
	assert_int_equal(r->req_id, 0xdeadbeef);
	assert_int_equal(r->tx_id, 0);
	assert_int_equal(r->type, XS_READ);
	h_drain(f->c[DOM0]);
	assert_int_equal(h_feed(f->c[DOM0], buf, msg(buf, XS_READ, 9, 42, "/", 2)),
			 0);
	r = (struct xsd_sockmsg *)f->c[DOM0]->out_head->data;
	assert_int_equal(r->type, XS_ERROR);	/* no transaction 42 */
	assert_int_equal(r->req_id, 9);
	assert_int_equal(r->tx_id, 42);
	h_drain(f->c[DOM0]);
}

static void test_length_limit(void **state)
{
	struct h_fixture *f = *state;
	static char buf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX + 1];
	static char payload[XENSTORE_PAYLOAD_MAX + 1];

	memset(payload, 'v', sizeof(payload));
	memcpy(payload, "/lim", 5);
	assert_int_equal(h_feed(f->c[DOM0], buf, msg(buf, XS_WRITE, 1, 0, payload,
					       XENSTORE_PAYLOAD_MAX)), 0);
	assert_string_equal(h_drain(f->c[DOM0]), "WRITE OK|");
	/* One byte more and the peer has broken the protocol. */
	msg(buf, XS_WRITE, 1, 0, payload, XENSTORE_PAYLOAD_MAX + 1);
	assert_int_equal(h_feed(f->c[DOM0], buf, sizeof(struct xsd_sockmsg)), -1);
}

static void test_malformed_payloads(void **state)
{
	struct h_fixture *f = *state;
	static const struct {
		uint32_t type;
		const char *payload;
		uint32_t len;
		const char *reply;
	} cases[] = {
		{ XS_READ, "/a", 2, "ERROR EINVAL|" },		/* no NUL */
		{ XS_READ, "", 0, "ERROR EINVAL|" },
		{ XS_READ, "/a\0/b", 6, "ERROR EINVAL|" },	/* two args */
		{ XS_WRITE, "/a", 2, "ERROR EINVAL|" },
		{ XS_MKDIR, "\0", 1, "ERROR EINVAL|" },
		{ XS_RM, "/a\0\0", 4, "ERROR EINVAL|" },
		{ XS_DIRECTORY, "/\0x", 3, "ERROR EINVAL|" },
		{ XS_DIRECTORY_PART, "/\0", 2, "ERROR EINVAL|" },
		{ XS_DIRECTORY_PART, "/\0-1", 5, "ERROR EINVAL|" },
		{ XS_GET_PERMS, "/", 1, "ERROR EINVAL|" },
		{ XS_SET_PERMS, "/\0r1", 4, "ERROR EINVAL|" },
		{ XS_WATCH, "/\0t", 3, "ERROR EINVAL|" },
		{ XS_WATCH, "/", 2, "ERROR EINVAL|" },
		{ XS_UNWATCH, "", 0, "ERROR EINVAL|" },
		{ XS_INTRODUCE, "1\0002", 4, "ERROR EINVAL|" },
		{ XS_INTRODUCE, "1\0-2\0003", 7, "ERROR EINVAL|" },
		{ XS_INTRODUCE, "99999\0002\0003", 10, "ERROR EINVAL|" },
		{ XS_RELEASE, "1", 1, "ERROR EINVAL|" },
		{ XS_GET_DOMAIN_PATH, "70000", 6, "ERROR EINVAL|" },
		{ XS_IS_DOMAIN_INTRODUCED, "", 0, "ERROR EINVAL|" },
		{ XS_CONTROL, "", 0, "ERROR EINVAL|" },
		{ XS_CONTROL, "print", 5, "ERROR EINVAL|" },
		{ 20, "x", 2, "ERROR ENOSYS|" },
		{ XS_TYPE_COUNT, "", 0, "ERROR ENOSYS|" },
		{ XS_INVALID, "", 0, "ERROR ENOSYS|" },
		{ 0xffffffff, "", 0, "ERROR ENOSYS|" },
	};
	char buf[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = msg(buf, cases[i].type, 1, 0, cases[i].payload,
			       cases[i].len);

		assert_int_equal(h_feed(f->c[DOM0], buf, n), 0);
		if (strcmp(h_drain(f->c[DOM0]), cases[i].reply))
			fail_msg("case %zu (type %u) expected %s", i,
				 cases[i].type, cases[i].reply);
	}
}

/* Lines of h_drain() output that are not watch events. */
static int count_replies(const char *out)
{
	int n = 0;

	for (; out; out = strchr(out, '\n') ? strchr(out, '\n') + 1 : NULL)
		n += strncmp(out, "EVENT ", 6) != 0;
	return n;
}

/* Random payloads for every type, from a privileged and a guest
 * connection: each request gets exactly one reply. */
static void test_garbage_for_every_type(void **state)
{
	struct h_fixture *f = *state;
	struct conn *guest = h_conn(f->s, 7, false);
	static const char alphabet[] = "/ab@\0|0123rnwbT";
	char buf[256], payload[200];
	unsigned int seed = 12345;
	int round, type;

	for (round = 0; round < 300; round++) {
		for (type = 0; type < XS_TYPE_COUNT + 2; type++) {
			uint32_t len = rand_r(&seed) % sizeof(payload), i;
			struct conn *c = round & 1 ? guest : f->c[DOM0];
			const char *out;

			for (i = 0; i < len; i++)
				payload[i] = alphabet[rand_r(&seed) %
						      (sizeof(alphabet) - 1)];
			if (type == XS_TRANSACTION_END)
				continue;	/* would end the test's own */
			assert_int_equal(h_feed(c, buf, msg(buf, (uint32_t)type,
					 1, 0, payload, len)), 0);
			out = h_drain(c);
			assert_int_equal(count_replies(out), 1);
		}
	}
	assert_null(tree_check(&f->s->tree));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) h_test(fn, &clients)
		T(test_split_byte_by_byte),
		T(test_merged_messages_answered_in_order),
		T(test_ids_echoed),
		T(test_length_limit),
		T(test_malformed_payloads),
		T(test_garbage_for_every_type),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
