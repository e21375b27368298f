/* Client identity and per-client state. */
#include "client.h"

#include <string.h>

#include "public/io/xs_wire.h"

static uint64_t next_client_id = 1;

int client_init(struct client *c, struct store *s, uint32_t domid,
		bool privileged, client_event_fn send_event)
{
	memset(c, 0, sizeof(*c));
	c->domain = domain_get(s, domid);
	if (!c->domain)
		return -1;
	c->store = s;
	c->domid = domid;
	c->privileged = privileged;
	c->id = next_client_id++;
	c->reply_max = XENSTORE_PAYLOAD_MAX;
	c->send_event = send_event;
	list_init(&c->txns);
	list_init(&c->watches);
	return 0;
}
