/*
 * In-process harness for the store's unit tests: a store, connections
 * whose output is captured in memory, and request helpers that speak the
 * wire format. Replies and events are rendered as xsprobe prints them:
 * "READ value", "ERROR ENOENT|", "EVENT /path|token|" ('|' = NUL).
 */
#ifndef STORE_TEST_HARNESS_H
#define STORE_TEST_HARNESS_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "dom0-tools/vmstored/conn.h"
#include "dom0-tools/vmstored/store.h"

struct store *h_store(void);		/* fresh store, freed by h_free */
/* Frees the store and every connection h_conn made on it. */
void h_free(struct store *s);
struct conn *h_conn(struct store *s, uint32_t domid, bool privileged);
/* Drop a connection before the store goes (as a hang-up would). */
void h_conn_close(struct conn *c);

/*
 * The fixture the store's tests share: a fresh store, the clients a test
 * file asks for, and a temporary directory. Pass the clients as the
 * prestate (see h_test); teardown checks the tree and frees everything.
 */
#define H_CLIENTS_MAX 4

struct h_client {
	uint32_t domid;
	bool privileged;
};

struct h_clients {
	unsigned int n;
	struct h_client c[H_CLIENTS_MAX];
};

struct h_fixture {
	struct store *s;
	struct conn *c[H_CLIENTS_MAX];
	const struct h_clients *clients;
	char dir[64];
};

int h_setup(void **state);
int h_teardown(void **state);
/* A new empty store with new connections for the same clients. */
void h_restart(struct h_fixture *f);

#define h_test(fn, clients) \
	cmocka_unit_test_prestate_setup_teardown(fn, h_setup, h_teardown, \
						 (void *)(clients))

/*
 * Send one request (payload in '|' notation) and return its reply,
 * rendered. Events that arrive on c are kept for h_events(). The
 * returned string is valid until the next call.
 */
const char *h_call(struct conn *c, uint32_t type, uint32_t tx,
		   const char *payload);
/* All events queued on c since the last h_events/h_call, '\n'-joined. */
const char *h_events(struct conn *c);
/* Start a transaction; returns its id (fails the test otherwise). */
uint32_t h_tx_start(struct conn *c);
/* Feed raw bytes; returns conn_feed's result. */
int h_feed(struct conn *c, const void *data, size_t len);
/* Render and drop everything queued on c, '\n'-joined. */
const char *h_drain(struct conn *c);

/*
 * Wait at most ms for child pid to exit; kills it (and fails the test)
 * if it does not. Returns its wait status.
 */
int h_wait_child(pid_t pid, int ms);

#define assert_call(c, type, tx, payload, expected) \
	assert_string_equal(h_call((c), (type), (tx), (payload)), (expected))

#endif
