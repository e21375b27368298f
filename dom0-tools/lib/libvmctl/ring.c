/* Reading the byte rings: a domain's console output and Umbra's log. */
#include <errno.h>

#include "internal.h"

static long ring_read(struct vmctl *h, uint32_t cmd, uint32_t domid,
		      struct umbra_mgmt_ring *ring, void *buf, size_t size,
		      const char *what)
{
	struct umbra_mgmt req;
	long rc;

	if (!ring || (!buf && size))
		return vmctl_fail(-EINVAL, "%s: no buffer", what);
	vmctl_req_init(&req, cmd, domid);
	req.u.ring.pos = ring->pos;
	req.buf = (uint64_t)(uintptr_t)buf;
	req.buf_len = size < UMBRA_MGMT_BUF_MAX ? size : UMBRA_MGMT_BUF_MAX;
	rc = vmctl_mgmt(h, &req);
	if (rc < 0)
		return vmctl_mgmt_fail((int)rc, domid, what);
	if (req.u.ring.len > req.buf_len)
		return vmctl_fail(-EIO, "%s: Umbra reports %llu bytes for a %llu-byte buffer",
				  what, (unsigned long long)req.u.ring.len,
				  (unsigned long long)req.buf_len);
	*ring = req.u.ring;
	return (long)ring->len;
}

long vmctl_console_read(struct vmctl *h, uint32_t domid,
			struct umbra_mgmt_ring *ring, void *buf, size_t size)
{
	return ring_read(h, UMBRA_MGMT_console_read, domid, ring, buf, size,
			 "reading the domain's console");
}

long vmctl_log_read(struct vmctl *h, struct umbra_mgmt_ring *ring, void *buf,
		    size_t size)
{
	return ring_read(h, UMBRA_MGMT_log_read, 0, ring, buf, size,
			 "reading Umbra's log");
}

int vmctl_log_clear(struct vmctl *h)
{
	struct umbra_mgmt req;
	long rc;

	vmctl_req_init(&req, UMBRA_MGMT_log_clear, 0);
	rc = vmctl_mgmt(h, &req);
	return rc < 0 ? vmctl_mgmt_fail((int)rc, 0, "clearing Umbra's log") : 0;
}
