/* The grant_state request of public/mgmt.h: a paused domain's own grant
 * table (its frames outside RAM with their contents), read whole or
 * loaded into a new domain. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* What a domain can have at most; a larger answer is asked again. */
#define FIRST_ROOM	(sizeof(struct umbra_grant_state) + 64 * sizeof(struct umbra_grant_frame) + \
			 16 * UMBRA_GRANT_PAGE)

static int grant_fail(long rc, uint32_t domid, const char *what)
{
	if (rc == -ENOSYS)
		return vmctl_fail((int)rc, "%s: this Umbra cannot save or restore grant tables "
				  "(no grant_state request)", what);
	if (rc == -EBUSY)
		return vmctl_fail((int)rc, "%s: domain %u is not paused, has run, or has grant "
				  "frames already", what, domid);
	if (rc == -EINVAL)
		return vmctl_fail((int)rc, "%s: refused by Umbra as invalid", what);
	if (rc == -ENOMEM)
		return vmctl_fail((int)rc, "%s: Umbra has no memory left for the domain's grant "
				  "frames", what);
	return vmctl_mgmt_fail((int)rc, domid, what);
}

static long call(struct vmctl *h, uint32_t domid, uint32_t op, const void *buf, size_t len)
{
	struct umbra_mgmt req;

	vmctl_req_init(&req, UMBRA_MGMT_grant_state, domid);
	req.u.state.op = op;
	req.buf = (uint64_t)(uintptr_t)buf;
	req.buf_len = len;
	return vmctl_mgmt(h, &req);
}

long vmctl_grant_state_get(struct vmctl *h, uint32_t domid, void **state)
{
	size_t room = FIRST_ROOM;
	uint8_t *buf;
	long rc;

	for (;;) {
		buf = malloc(room);
		if (!buf)
			return vmctl_fail(-ENOMEM, "out of memory");
		rc = call(h, domid, UMBRA_DOMAIN_STATE_GET, buf, room);
		if (rc < 0) {
			free(buf);
			return grant_fail(rc, domid, "reading the domain's grant table");
		}
		if ((size_t)rc <= room)
			break;
		free(buf);
		if ((size_t)rc > UMBRA_MGMT_BUF_MAX)
			return vmctl_fail(-EIO, "reading the domain's grant table: %ld bytes, more "
					  "than a request carries", rc);
		room = (size_t)rc;
	}
	if ((size_t)rc < sizeof(struct umbra_grant_state)) {
		free(buf);
		return vmctl_fail(-EIO, "reading the domain's grant table: the /dev/umbra driver "
				  "returned %ld bytes (umbra.ko older than this vmctl?)", rc);
	}
	*state = buf;
	return rc;
}

int vmctl_grant_state_set(struct vmctl *h, uint32_t domid, const void *state, size_t len)
{
	long rc = call(h, domid, UMBRA_DOMAIN_STATE_SET, state, len);

	return rc < 0 ? grant_fail(rc, domid, "loading the domain's grant table") : 0;
}
