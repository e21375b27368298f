/* Message type -> handler, transaction lookup, argument helpers. */
#include "dispatch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "log.h"
#include "msgtype.h"
#include "txn.h"

struct handler {
	int (*fn)(struct client *c, struct request *r);
	bool uses_tx;		/* tx_id selects a transaction */
};

static const struct handler handlers[XS_TYPE_COUNT] = {
	[XS_CONTROL] = { do_control, false },
	[XS_DIRECTORY] = { do_directory, true },
	[XS_READ] = { do_read, true },
	[XS_GET_PERMS] = { do_get_perms, true },
	[XS_WATCH] = { do_watch, false },
	[XS_UNWATCH] = { do_unwatch, false },
	[XS_TRANSACTION_START] = { do_transaction_start, false },
	[XS_TRANSACTION_END] = { do_transaction_end, false },
	[XS_INTRODUCE] = { do_introduce, false },
	[XS_RELEASE] = { do_release, false },
	[XS_GET_DOMAIN_PATH] = { do_get_domain_path, false },
	[XS_WRITE] = { do_write, true },
	[XS_MKDIR] = { do_mkdir, true },
	[XS_RM] = { do_rm, true },
	[XS_SET_PERMS] = { do_set_perms, true },
	[XS_IS_DOMAIN_INTRODUCED] = { do_is_domain_introduced, false },
	[XS_RESUME] = { do_resume, false },
	[XS_SET_TARGET] = { do_set_target, false },
	[XS_RESET_WATCHES] = { do_reset_watches, false },
	[XS_DIRECTORY_PART] = { do_directory_part, true },
};

int dispatch(struct client *c, const struct xsd_sockmsg *hdr, char *payload,
	     struct reply *out)
{
	struct request r = {
		.hdr = hdr, .payload = payload, .len = hdr->len, .out = out,
	};
	const struct handler *h = NULL;

	out->data = NULL;
	out->len = 0;
	out->event_path = out->event_token = NULL;
	if (hdr->type < XS_TYPE_COUNT)
		h = &handlers[hdr->type];
	if (!h || !h->fn) {
		log_debug("conn %llu: unknown message type %u",
			  (unsigned long long)c->id, hdr->type);
		return ENOSYS;
	}
	log_debug("conn %llu dom%u: %s req %u tx %u len %u",
		  (unsigned long long)c->id, c->domid, xs_msg_type_name(hdr->type), hdr->req_id,
		  hdr->tx_id, hdr->len);
	if (h->uses_tx && hdr->tx_id) {
		r.tx = txn_find(c, hdr->tx_id);
		if (!r.tx)
			return ENOENT;
	}
	return h->fn(c, &r);
}

void reply_release(struct reply *out)
{
	if (out->data != out->buf)
		free(out->data);
	out->data = NULL;
}

bool req_args(const struct request *r, const char **argv, unsigned int n)
{
	uint32_t off = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		size_t len;

		if (off >= r->len)
			return false;
		len = strnlen(r->payload + off, r->len - off);
		if (off + len >= r->len)
			return false;	/* not NUL-terminated */
		argv[i] = r->payload + off;
		off += (uint32_t)len + 1;
	}
	return off == r->len;
}

bool req_path_and_data(const struct request *r, const char **path,
		       const char **data, uint32_t *len)
{
	size_t plen = strnlen(r->payload, r->len);

	if (plen >= r->len)
		return false;
	*path = r->payload;
	*data = r->payload + plen + 1;
	*len = r->len - (uint32_t)plen - 1;
	return true;
}

bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned long digit = (unsigned long)(*s - '0');

		if (*s < '0' || *s > '9' || v > (max - digit) / 10)
			return false;
		v = v * 10 + digit;
	}
	*out = v;
	return true;
}

int reply(struct request *r, const void *payload, uint32_t len)
{
	struct reply *out = r->out;

	reply_release(out);
	out->data = len <= sizeof(out->buf) ? out->buf : malloc(len);
	if (!out->data)
		return ENOMEM;
	if (len)
		memcpy(out->data, payload, len);
	out->len = len;
	return 0;
}

int reply_ok(struct request *r)
{
	return reply(r, "OK", 3);
}

int reply_string(struct request *r, const char *s)
{
	return reply(r, s, (uint32_t)strlen(s) + 1);
}
