/*
 * dom0's back ends (vmstored, the console back end): a domain's store and
 * console rings, mapped into this process through /dev/umbra, and dom0's
 * own event-channel ports (public/mgmt.h: domain_rings, ring_map,
 * evtchn_op, evtchn_pending). What a process maps and binds is given back
 * by the driver when its handle closes.
 */
#include <errno.h>
#include <sys/mman.h>

#include "internal.h"

#define RING_PAGE	4096

int vmctl_domain_rings(struct vmctl *h, uint32_t domid, struct umbra_mgmt_rings *out)
{
	struct umbra_mgmt req;
	long rc;

	vmctl_req_init(&req, UMBRA_MGMT_domain_rings, domid);
	rc = vmctl_mgmt(h, &req);
	if (rc < 0)
		return vmctl_mgmt_fail((int)rc, domid, "reading the domain's rings");
	*out = req.u.rings;
	if (!(out->flags & UMBRA_RINGS_PRESENT))
		return vmctl_fail(-ENOENT, "domain %u has no store or console ring (built from a boot module)",
				  domid);
	return 0;
}

static long ring_op(struct vmctl *h, uint32_t domid, unsigned int which, uint32_t op,
		    uint64_t *maddr)
{
	struct umbra_mgmt req;
	long rc;

	vmctl_req_init(&req, UMBRA_MGMT_ring_map, domid);
	req.u.ring_map.which = which;
	req.u.ring_map.op = op;
	rc = vmctl_mgmt(h, &req);
	*maddr = req.u.ring_map.maddr;
	return rc;
}

void *vmctl_ring_map(struct vmctl *h, uint32_t domid, unsigned int which)
{
	uint64_t maddr;
	long rc = ring_op(h, domid, which, UMBRA_RING_MAP, &maddr);
	void *p;

	if (rc < 0) {
		vmctl_mgmt_fail((int)rc, domid, "mapping the domain's ring");
		errno = (int)-rc;
		return NULL;
	}
	p = mmap(NULL, RING_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, h->fd, (off_t)maddr);
	if (p == MAP_FAILED) {
		int err = errno;

		ring_op(h, domid, which, UMBRA_RING_UNMAP, &maddr);
		vmctl_fail(-err, "mapping ring %u of domain %u at %#llx: mmap failed", which,
			   domid, (unsigned long long)maddr);
		errno = err;
		return NULL;
	}
	return p;
}

int vmctl_ring_unmap(struct vmctl *h, uint32_t domid, unsigned int which, void *ring)
{
	uint64_t maddr;
	long rc;

	if (ring)
		munmap(ring, RING_PAGE);
	rc = ring_op(h, domid, which, UMBRA_RING_UNMAP, &maddr);
	return rc < 0 ? vmctl_mgmt_fail((int)rc, domid, "unmapping the domain's ring") : 0;
}

static long evtchn(struct vmctl *h, uint32_t domid, uint32_t op, uint32_t port,
		   uint32_t remote, const char *what)
{
	struct umbra_mgmt req;
	long rc;

	vmctl_req_init(&req, UMBRA_MGMT_evtchn_op, domid);
	req.u.evtchn.op = op;
	req.u.evtchn.port = port;
	req.u.evtchn.remote_port = remote;
	rc = vmctl_mgmt(h, &req);
	if (rc < 0)
		return vmctl_mgmt_fail((int)rc, domid, what);
	return op == UMBRA_EVTCHN_BIND ? (long)req.u.evtchn.port : 0;
}

long vmctl_evtchn_bind(struct vmctl *h, uint32_t domid, uint32_t remote_port)
{
	return evtchn(h, domid, UMBRA_EVTCHN_BIND, 0, remote_port,
		      "binding to the domain's event channel");
}

int vmctl_evtchn_close(struct vmctl *h, uint32_t port)
{
	return (int)evtchn(h, 0, UMBRA_EVTCHN_CLOSE, port, 0, "closing a dom0 event channel");
}

int vmctl_evtchn_notify(struct vmctl *h, uint32_t port)
{
	return (int)evtchn(h, 0, UMBRA_EVTCHN_SEND, port, 0, "notifying through an event channel");
}

long vmctl_evtchn_pending(struct vmctl *h, uint32_t *ports, unsigned int n)
{
	struct umbra_mgmt req;
	long rc;

	if (n > 1024)
		return vmctl_fail(-EINVAL, "at most 1024 ports at once");
	vmctl_req_init(&req, UMBRA_MGMT_evtchn_pending, 0);
	req.buf = (uint64_t)(uintptr_t)ports;
	req.buf_len = (uint64_t)n * sizeof(*ports);
	rc = vmctl_mgmt(h, &req);
	return rc < 0 ? vmctl_mgmt_fail((int)rc, 0, "collecting dom0's events") : rc;
}
