/* Running domains: pause, unpause, shutdown, destroy, vCPU pinning. */
#include <errno.h>

#include "internal.h"

static int simple(struct vmctl *h, uint32_t cmd, uint32_t domid, const char *what)
{
	struct umbra_mgmt req;
	long rc;

	vmctl_req_init(&req, cmd, domid);
	rc = vmctl_mgmt(h, &req);
	return rc < 0 ? vmctl_mgmt_fail((int)rc, domid, what) : 0;
}

int vmctl_domain_unpause(struct vmctl *h, uint32_t domid)
{
	return simple(h, UMBRA_MGMT_domain_unpause, domid, "unpausing the domain");
}

int vmctl_domain_pause(struct vmctl *h, uint32_t domid)
{
	return simple(h, UMBRA_MGMT_domain_pause, domid, "pausing the domain");
}

int vmctl_domain_destroy(struct vmctl *h, uint32_t domid)
{
	return simple(h, UMBRA_MGMT_domain_destroy, domid, "destroying the domain");
}

int vmctl_domain_shutdown(struct vmctl *h, uint32_t domid, unsigned int reason)
{
	struct umbra_mgmt req;
	long rc;

	if (reason > SHUTDOWN_MAX)
		return vmctl_fail(-EINVAL, "unknown shutdown reason %u", reason);
	vmctl_req_init(&req, UMBRA_MGMT_domain_shutdown, domid);
	req.u.shutdown.reason = reason;
	rc = vmctl_mgmt(h, &req);
	return rc < 0 ? vmctl_mgmt_fail((int)rc, domid, "shutting the domain down") : 0;
}

int vmctl_vcpu_pin(struct vmctl *h, uint32_t domid, unsigned int vcpu,
		   uint64_t affinity)
{
	struct umbra_mgmt req;
	long rc;

	if (!affinity)
		return vmctl_fail(-EINVAL, "pinning vCPU %u: no pCPU in the mask", vcpu);
	vmctl_req_init(&req, UMBRA_MGMT_vcpu_pin, domid);
	req.u.pin.vcpu = vcpu;
	req.u.pin.affinity = affinity;
	rc = vmctl_mgmt(h, &req);
	if (rc == -EINVAL)
		return vmctl_fail((int)rc,
				  "pinning vCPU %u of domain %u to %#llx: no such vCPU, or no online pCPU in the mask",
				  vcpu, domid, (unsigned long long)affinity);
	return rc < 0 ? vmctl_mgmt_fail((int)rc, domid, "pinning a vCPU") : 0;
}
