/*
 * Byte streams over the XenStore shared ring page (struct
 * xenstore_domain_interface): 1 KiB each way, free-running 32-bit
 * indices. Either end may call these; the "server" and "client" helpers
 * just pick the direction. Safe between processes or CPUs sharing the
 * page: data is published with release stores and consumed after acquire
 * loads of the indices. Only <stdint.h>/<stddef.h>: usable freestanding.
 */
#ifndef VMSTORED_RING_H
#define VMSTORED_RING_H

#include <stddef.h>
#include <stdint.h>

#include "public/io/xs_wire.h"

/* Bytes copied (maybe 0), or -1 if the indices are impossible. */
int ring_put(char *ring, XENSTORE_RING_IDX *cons, XENSTORE_RING_IDX *prod,
	     const void *data, size_t len);
int ring_get(char *ring, XENSTORE_RING_IDX *cons, XENSTORE_RING_IDX *prod,
	     void *data, size_t len);

/* Daemon side: read requests, write replies and events. */
static inline int ring_server_read(struct xenstore_domain_interface *intf,
				   void *data, size_t len)
{
	return ring_get(intf->req, &intf->req_cons, &intf->req_prod, data,
			len);
}

static inline int ring_server_write(struct xenstore_domain_interface *intf,
				    const void *data, size_t len)
{
	return ring_put(intf->rsp, &intf->rsp_cons, &intf->rsp_prod, data,
			len);
}

/* Guest side: write requests, read replies and events. */
static inline int ring_client_write(struct xenstore_domain_interface *intf,
				    const void *data, size_t len)
{
	return ring_put(intf->req, &intf->req_cons, &intf->req_prod, data,
			len);
}

static inline int ring_client_read(struct xenstore_domain_interface *intf,
				   void *data, size_t len)
{
	return ring_get(intf->rsp, &intf->rsp_cons, &intf->rsp_prod, data,
			len);
}

#endif
