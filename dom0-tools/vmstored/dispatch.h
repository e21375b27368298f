/* Request dispatch: from a complete message to a queued reply. */
#ifndef VMSTORED_DISPATCH_H
#define VMSTORED_DISPATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "public/io/xs_wire.h"

struct conn;
struct txn;

struct request {
	const struct xsd_sockmsg *hdr;
	char *payload;		/* hdr->len bytes, plus a NUL after them */
	uint32_t len;
	struct txn *tx;		/* resolved tx_id, for node operations */
};

/* Handle one message; any reply or error is queued on c. */
void dispatch(struct conn *c, const struct xsd_sockmsg *hdr, char *payload);

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

/* Replies; each returns 0 so handlers can "return reply_...()". */
int reply(struct conn *c, const struct request *r, const void *payload,
	  uint32_t len);
int reply_ok(struct conn *c, const struct request *r);
int reply_string(struct conn *c, const struct request *r, const char *s);

/* Handlers: 0 after replying, or an errno value to send as ERROR. */
int do_read(struct conn *c, struct request *r);
int do_write(struct conn *c, struct request *r);
int do_mkdir(struct conn *c, struct request *r);
int do_rm(struct conn *c, struct request *r);
int do_directory(struct conn *c, struct request *r);
int do_directory_part(struct conn *c, struct request *r);
int do_get_perms(struct conn *c, struct request *r);
int do_set_perms(struct conn *c, struct request *r);
int do_watch(struct conn *c, struct request *r);
int do_unwatch(struct conn *c, struct request *r);
int do_reset_watches(struct conn *c, struct request *r);
int do_transaction_start(struct conn *c, struct request *r);
int do_transaction_end(struct conn *c, struct request *r);
int do_introduce(struct conn *c, struct request *r);
int do_release(struct conn *c, struct request *r);
int do_get_domain_path(struct conn *c, struct request *r);
int do_is_domain_introduced(struct conn *c, struct request *r);
int do_resume(struct conn *c, struct request *r);
int do_set_target(struct conn *c, struct request *r);
int do_control(struct conn *c, struct request *r);

#endif
