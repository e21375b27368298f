/* The xs guest's store client over its ring (xsring.c), and its checks. */
#ifndef XS_H
#define XS_H

#include <stdbool.h>
#include <stdint.h>
#include <public/io/xs_wire.h>

#define NS_PER_MS	1000000ULL

/* Find the ring and port (HVM parameters), place shared_info so the
 * port's events are recorded; false (and a message) on failure. */
bool xs_init(void);
uint64_t xs_store_gfn(void);
uint32_t xs_store_port(void);

/*
 * One request: type, transaction, payload of len bytes. On return *reply
 * points to the reply's payload (NUL-terminated, valid until the next
 * call) and the reply's type is returned (XS_ERROR for an error, whose
 * payload is the error's name), or -1 if no reply came in time.
 */
int xs_talk(uint32_t type, uint32_t tx, const void *payload, uint32_t len,
	    const char **reply, uint32_t *reply_len);
/* Helpers on xs_talk: strings joined with NULs as the protocol wants. */
int xs_req2(uint32_t type, uint32_t tx, const char *a, const char *b, const char **reply);
/* The next watch event (path, token) within ms milliseconds. */
bool xs_next_event(const char **path, const char **token, unsigned int ms);
/* Events the back end signalled on the store port so far. */
unsigned int xs_notifications(void);

/* Another port of ours, masked and polled like the store's (shared_info
 * placed by xs_init); and its pending bit cleared. */
void xs_mask(uint32_t port);
void xs_clear_pending(uint32_t port);
/* role=console (pvcons.c). */
void console_role(void);

void xs_check(bool ok, const char *what, const char *got);
unsigned int xs_failures(void);
unsigned int xs_checks(void);

#endif
