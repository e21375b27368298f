/*
 * Handles: the driver's file descriptor, the one ioctl every request
 * goes through, and the interface version check done on open.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "pvguest-patches/linux/umbra/umbra_ioctl.h"

void vmctl_req_init(struct umbra_mgmt *req, uint32_t cmd, uint32_t domid)
{
	memset(req, 0, sizeof(*req));
	req->cmd = cmd;
	req->domid = domid;
}

/* $VMCTL_TRACE: each call on stderr, with when it started (microseconds
 * of CLOCK_MONOTONIC) and how long it took, to see where a command's
 * time goes. */
static void trace(const struct umbra_mgmt *req, long rc, double t0)
{
	fprintf(stderr, "vmctl-trace: t=%.0f cmd=%u domid=%u buf_len=%llu rc=%ld us=%.0f\n",
		t0, req->cmd, req->domid, (unsigned long long)req->buf_len, rc,
		vmctl_trace_now() - t0);
}

long vmctl_mgmt(struct vmctl *h, struct umbra_mgmt *req)
{
	double t0 = 0;
	long rc;

	if (!h)
		return -EBADF;
	req->interface_version = UMBRA_MGMT_INTERFACE_VERSION;
	__atomic_fetch_add(&h->calls, 1, __ATOMIC_RELAXED);
	if (h->trace)
		t0 = vmctl_trace_now();
	rc = ioctl(h->fd, UMBRA_IOCTL_MGMT, req);
	rc = rc < 0 ? -errno : rc;
	if (h->trace)
		trace(req, rc, t0);
	return rc;
}

int vmctl_mgmt_fail(int rc, uint32_t domid, const char *what)
{
	char buf[128];

	switch (rc) {
	case -ESRCH:
		return vmctl_fail(rc, "%s: no domain with id %u", what, domid);
	case -ENOSYS:
		return vmctl_fail(rc, "%s: Umbra does not implement this request", what);
	case -EPERM:
		return vmctl_fail(rc, "%s: not permitted by Umbra", what);
	case -E2BIG:
		return vmctl_fail(rc, "%s: buffer larger than the %u KiB a request may carry",
				  what, UMBRA_MGMT_BUF_MAX >> 10);
	default:
		return vmctl_fail(rc, "%s: %s", what, vmctl_strerror(rc, buf, sizeof(buf)));
	}
}

static int open_fail(int err, const char *path)
{
	char buf[128];
	const char *why = vmctl_strerror(err, buf, sizeof(buf));

	if (err == ENOENT || err == ENODEV || err == ENXIO)
		return vmctl_fail(-err, "cannot open %s: %s (is umbra.ko loaded, in dom0 on Umbra?)",
				  path, why);
	if (err == EACCES || err == EPERM)
		return vmctl_fail(-err, "cannot open %s: %s (only root may manage domains)",
				  path, why);
	return vmctl_fail(-err, "cannot open %s: %s", path, why);
}

/* Any request carries the version; physinfo is the harmless one. */
static int check_version(struct vmctl *h, const char *path)
{
	struct umbra_mgmt req;
	long rc;

	vmctl_req_init(&req, UMBRA_MGMT_physinfo, 0);
	rc = vmctl_mgmt(h, &req);
	if (rc == -ENOTTY)
		return vmctl_fail(-ENODEV, "%s is not Umbra's management device", path);
	if (rc == -EACCES && req.interface_version != UMBRA_MGMT_INTERFACE_VERSION)
		return vmctl_fail(-EACCES,
				  "Umbra's management interface is version %#x, this tool was built for %#x",
				  req.interface_version, UMBRA_MGMT_INTERFACE_VERSION);
	if (rc < 0)
		return vmctl_mgmt_fail((int)rc, 0, "asking Umbra for its interface version");
	return 0;
}

int vmctl_open_path(const char *path, struct vmctl **hp)
{
	struct vmctl *h;
	int rc;

	if (!path)
		path = getenv(VMCTL_DEVICE_ENV);
	if (!path || !*path)
		path = VMCTL_DEVICE;
	h = calloc(1, sizeof(*h));
	if (!h)
		return vmctl_fail(-ENOMEM, "out of memory");
	h->trace = getenv("VMCTL_TRACE") != NULL;
	h->fd = open(path, O_RDWR | O_CLOEXEC);
	if (h->fd < 0) {
		rc = open_fail(errno, path);
		free(h);
		return rc;
	}
	rc = check_version(h, path);
	if (rc) {
		vmctl_close(h);
		return rc;
	}
	*hp = h;
	return 0;
}

int vmctl_open(struct vmctl **hp)
{
	return vmctl_open_path(NULL, hp);
}

void vmctl_close(struct vmctl *h)
{
	if (!h)
		return;
	close(h->fd);
	free(h);
}

unsigned long vmctl_calls(const struct vmctl *h)
{
	return h ? __atomic_load_n(&h->calls, __ATOMIC_RELAXED) : 0;
}

int vmctl_fd(const struct vmctl *h)
{
	return h ? h->fd : -1;
}
