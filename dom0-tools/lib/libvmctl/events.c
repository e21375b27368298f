/*
 * Waiting for events: the driver makes the handle's fd readable when the
 * hypervisor's event generation differs from the one this handle last
 * read, so reading it and then polling loses no change in between.
 */
#include <errno.h>
#include <poll.h>
#include <time.h>

#include "internal.h"

int vmctl_events(struct vmctl *h, uint64_t *generation)
{
	struct umbra_mgmt req;
	long rc;

	vmctl_req_init(&req, UMBRA_MGMT_events, 0);
	rc = vmctl_mgmt(h, &req);
	if (rc < 0)
		return vmctl_mgmt_fail((int)rc, 0, "reading the event generation");
	*generation = req.u.events.generation;
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int vmctl_wait(struct vmctl *h, uint64_t *generation, int timeout_ms)
{
	int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	struct pollfd pfd = { .fd = vmctl_fd(h), .events = POLLIN };
	uint64_t now = 0;
	int left, rc;

	for (;;) {
		rc = vmctl_events(h, &now);
		if (rc)
			return rc;
		if (now != *generation) {
			*generation = now;
			return 1;
		}
		left = timeout_ms < 0 ? -1 : (int)(deadline - now_ms());
		if (timeout_ms >= 0 && left <= 0)
			return 0;
		rc = poll(&pfd, 1, left);
		if (rc < 0)
			return vmctl_fail(-errno, "waiting for events: %s",
					  errno == EINTR ? "interrupted" : "poll failed");
		if (rc == 0)
			return 0;
		if (pfd.revents & (POLLERR | POLLNVAL))
			return vmctl_fail(-EIO, "waiting for events: the device reports an error");
	}
}
