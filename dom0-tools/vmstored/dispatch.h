/*
 * Request dispatch: from a complete message to the reply for it. The
 * dispatcher and the handlers never send anything themselves: they
 * return a reply or an error, and the connection puts it on the wire.
 */
#ifndef VMSTORED_DISPATCH_H
#define VMSTORED_DISPATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "public/io/xs_wire.h"

struct client;
struct txn;

struct reply {
	char *data;		/* payload: buf, or allocated if longer */
	uint32_t len;
	/* WATCH: its first event, sent right after the reply. */
	const char *event_path, *event_token;
	char buf[XENSTORE_PAYLOAD_MAX];
};

struct request {
	const struct xsd_sockmsg *hdr;
	char *payload;		/* hdr->len bytes, plus a NUL after them */
	uint32_t len;
	struct txn *tx;		/* resolved tx_id, for node operations */
	struct reply *out;
};

/*
 * Handle one message: 0 and the reply in *out, or an errno value to
 * answer with ERROR. Either way the caller calls reply_release(out)
 * once it has sent the answer. The event strings point into payload.
 */
int dispatch(struct client *c, const struct xsd_sockmsg *hdr, char *payload,
	     struct reply *out);
void reply_release(struct reply *out);

/*
 * Split the payload into exactly n NUL-terminated strings. Returns false
 * if it holds another number of strings or its end is not terminated.
 */
bool req_args(const struct request *r, const char **argv, unsigned int n);
/* The first string and whatever bytes follow it (WRITE's value). */
bool req_path_and_data(const struct request *r, const char **path,
		       const char **data, uint32_t *len);
/* Decimal number in [0, max]; false if malformed. */
bool parse_uint(const char *s, unsigned long max, unsigned long *out);

/* Set the reply (copied); 0 or ENOMEM, so handlers can
 * "return reply_...()". */
int reply(struct request *r, const void *payload, uint32_t len);
int reply_ok(struct request *r);
int reply_string(struct request *r, const char *s);

/* Handlers: 0 with the reply set, or an errno value to send as ERROR. */
int do_read(struct client *c, struct request *r);
int do_write(struct client *c, struct request *r);
int do_mkdir(struct client *c, struct request *r);
int do_rm(struct client *c, struct request *r);
int do_directory(struct client *c, struct request *r);
int do_directory_part(struct client *c, struct request *r);
int do_get_perms(struct client *c, struct request *r);
int do_set_perms(struct client *c, struct request *r);
int do_watch(struct client *c, struct request *r);
int do_unwatch(struct client *c, struct request *r);
int do_reset_watches(struct client *c, struct request *r);
int do_transaction_start(struct client *c, struct request *r);
int do_transaction_end(struct client *c, struct request *r);
int do_introduce(struct client *c, struct request *r);
int do_release(struct client *c, struct request *r);
int do_get_domain_path(struct client *c, struct request *r);
int do_is_domain_introduced(struct client *c, struct request *r);
int do_resume(struct client *c, struct request *r);
int do_set_target(struct client *c, struct request *r);
int do_control(struct client *c, struct request *r);

#endif
