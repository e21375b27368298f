/*
 * libFuzzer target: the store's message parser and request handling.
 *
 * The input is a script of chunks, each "<who> <len> <len bytes>", fed to
 * one of three connections: dom0 (privileged) and two guests. Bytes are
 * framed, parsed and dispatched exactly as from a socket or ring; a
 * connection that breaks the protocol is dropped and replaced. After
 * every chunk each queued reply must be well-formed, and at the end the
 * tree's invariants must hold and everything must free cleanly.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dom0-tools/vmstored/conn.h"
#include "dom0-tools/vmstored/log.h"
#include "dom0-tools/vmstored/store.h"
#include "dom0-tools/vmstored/tree.h"

#define NCONNS 3

static const uint32_t domids[NCONNS] = { 0, 5, 6 };

static struct conn *new_conn(struct store *s, int i)
{
	struct conn *c = conn_new(s, domids[i], i == 0, NULL, NULL);

	if (!c)
		abort();
	return c;
}

/* Every queued message must be a sane header plus payload. */
static void check_and_drop_output(struct conn *c)
{
	while (c->out_head) {
		const struct outmsg *m = c->out_head;
		struct xsd_sockmsg h;

		memcpy(&h, m->data, sizeof(h));
		if (h.len > XENSTORE_PAYLOAD_MAX ||
		    m->len != sizeof(h) + h.len || h.type >= XS_TYPE_COUNT)
			abort();
		if (h.type == XS_ERROR &&
		    (h.len < 2 || m->data[sizeof(h) + h.len - 1] != 0))
			abort();
		conn_out_consume(c, m->len - c->out_off);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conn *conns[NCONNS];
	struct store s;
	size_t off = 0;
	int i;

	log_set_level(LOG_LVL_ERROR);
	if (store_init(&s))
		return 0;
	/* Small quotas so that the fuzzer reaches their edges. */
	s.quota.nodes = 40;
	s.quota.watches = 8;
	s.quota.transactions = 3;
	for (i = 0; i < NCONNS; i++)
		conns[i] = new_conn(&s, i);
	while (off + 2 <= size) {
		int who = data[off] % NCONNS;
		size_t len = data[off + 1] * 4u;

		off += 2;
		if (len > size - off)
			len = size - off;
		if (conn_feed(conns[who], data + off, len)) {
			conn_destroy(conns[who]);
			conns[who] = new_conn(&s, who);
		}
		off += len;
		for (i = 0; i < NCONNS; i++)
			check_and_drop_output(conns[i]);
	}
	if (tree_check(&s.tree)) {
		fprintf(stderr, "tree broken: %s\n", tree_check(&s.tree));
		abort();
	}
	for (i = 0; i < NCONNS; i++)
		conn_destroy(conns[i]);
	store_destroy(&s);
	return 0;
}
