/* The save/restore requests of public/mgmt.h, one call each (memory in
 * pieces of at most UMBRA_MGMT_BUF_MAX). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int state_fail(long rc, uint32_t domid, const char *what)
{
	if (rc == -EBUSY)
		return vmctl_fail((int)rc, "%s: domain %u is not paused (or still on a CPU)",
				  what, domid);
	if (rc == -EINVAL)
		return vmctl_fail((int)rc, "%s: refused by Umbra as invalid", what);
	return vmctl_mgmt_fail((int)rc, domid, what);
}

int vmctl_memory_read(struct vmctl *h, uint32_t domid, uint64_t gpa, void *buf, size_t len)
{
	struct umbra_mgmt req;
	size_t n;
	long rc;

	while (len) {
		n = len < UMBRA_MGMT_BUF_MAX ? len : UMBRA_MGMT_BUF_MAX;
		vmctl_req_init(&req, UMBRA_MGMT_memory_read, domid);
		req.u.memory.gpa = gpa;
		req.buf = (uint64_t)(uintptr_t)buf;
		req.buf_len = n;
		rc = vmctl_mgmt(h, &req);
		if (rc < 0)
			return state_fail(rc, domid, "reading the domain's memory");
		gpa += n;
		buf = (uint8_t *)buf + n;
		len -= n;
	}
	return 0;
}

static int vcpu_call(struct vmctl *h, uint32_t cmd, uint32_t domid, unsigned int vcpu,
		     const struct umbra_vcpu_context *c, const char *what)
{
	struct umbra_mgmt req;
	long rc;

	vmctl_req_init(&req, cmd, domid);
	req.u.vcpu.vcpu = vcpu;
	req.buf = (uint64_t)(uintptr_t)c;
	req.buf_len = sizeof(*c);
	rc = vmctl_mgmt(h, &req);
	if (rc == -EINVAL)
		return vmctl_fail((int)rc, "%s vCPU %u: refused by Umbra (no such vCPU, or a state it cannot load)",
				  what, vcpu);
	return rc < 0 ? state_fail(rc, domid, what) : 0;
}

/* The hypervisor writes the vCPU's number into the state: a driver that
 * does not copy this command's results back (an umbra.ko older than the
 * command) leaves the marker, and a save would be garbage. */
int vmctl_vcpu_context_get(struct vmctl *h, uint32_t domid, unsigned int vcpu,
			   struct umbra_vcpu_context *c)
{
	int rc;

	memset(c, 0xa5, sizeof(*c));
	rc = vcpu_call(h, UMBRA_MGMT_vcpu_context_get, domid, vcpu, c, "reading");
	if (!rc && c->vcpu != vcpu)
		return vmctl_fail(-EIO, "reading vCPU %u: the /dev/umbra driver returned no state "
				  "(umbra.ko older than this vmctl?)", vcpu);
	return rc;
}

int vmctl_vcpu_context_set(struct vmctl *h, uint32_t domid, unsigned int vcpu,
			   const struct umbra_vcpu_context *c)
{
	return vcpu_call(h, UMBRA_MGMT_vcpu_context_set, domid, vcpu, c, "loading");
}

long vmctl_domain_state_get(struct vmctl *h, uint32_t domid, struct umbra_domain_state *s,
			    struct umbra_evtchn_record **ports)
{
	size_t room = 64, len;
	struct umbra_mgmt req;
	uint8_t *buf;
	long rc;

	for (;;) {
		len = sizeof(*s) + room * sizeof(**ports);
		buf = malloc(len);
		if (!buf)
			return vmctl_fail(-ENOMEM, "out of memory");
		vmctl_req_init(&req, UMBRA_MGMT_domain_state, domid);
		req.u.state.op = UMBRA_DOMAIN_STATE_GET;
		req.buf = (uint64_t)(uintptr_t)buf;
		req.buf_len = len;
		rc = vmctl_mgmt(h, &req);
		if (rc < 0) {
			free(buf);
			return state_fail(rc, domid, "reading the domain's state");
		}
		if ((size_t)rc <= room)
			break;
		free(buf);
		room = (size_t)rc + 16;	/* ports bound meanwhile */
	}
	memcpy(s, buf, sizeof(*s));
	memmove(buf, buf + sizeof(*s), (size_t)rc * sizeof(**ports));
	*ports = (struct umbra_evtchn_record *)buf;
	return rc;
}

int vmctl_domain_state_set(struct vmctl *h, uint32_t domid, const struct umbra_domain_state *s,
			   const struct umbra_evtchn_record *ports)
{
	size_t len = sizeof(*s) + (size_t)s->nr_ports * sizeof(*ports);
	struct umbra_mgmt req;
	uint8_t *buf = malloc(len);
	long rc;

	if (!buf)
		return vmctl_fail(-ENOMEM, "out of memory");
	memcpy(buf, s, sizeof(*s));
	memcpy(buf + sizeof(*s), ports, len - sizeof(*s));
	vmctl_req_init(&req, UMBRA_MGMT_domain_state, domid);
	req.u.state.op = UMBRA_DOMAIN_STATE_SET;
	req.buf = (uint64_t)(uintptr_t)buf;
	req.buf_len = len;
	rc = vmctl_mgmt(h, &req);
	free(buf);
	if (rc == -EBUSY)
		return vmctl_fail((int)rc, "loading the domain's state: domain %u has run, or has ports bound",
				  domid);
	return rc < 0 ? state_fail(rc, domid, "loading the domain's state") : 0;
}
