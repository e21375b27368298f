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
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "dom0-tools/vmstored/conn.h"
#include "dom0-tools/vmstored/store.h"

struct store *h_store(void);		/* fresh store, freed by h_free */
void h_free(struct store *s);
struct conn *h_conn(struct store *s, uint32_t domid, bool privileged);

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

#define assert_call(c, type, tx, payload, expected) \
	assert_string_equal(h_call((c), (type), (tx), (payload)), (expected))

#endif
