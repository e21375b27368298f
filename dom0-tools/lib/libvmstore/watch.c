/* Watches: registration and fetching events. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "internal.h"

static void *two_strings(struct vms_handle *h, uint32_t type, const char *a,
			 const char *b)
{
	struct iovec parts[2] = {
		{ (void *)a, strlen(a) + 1 }, { (void *)b, strlen(b) + 1 },
	};

	return vms_talk(h, type, VMS_TXN_NULL, parts, 2, NULL);
}

bool vms_watch(struct vms_handle *h, const char *path, const char *token)
{
	return vms_talk_ok(two_strings(h, XS_WATCH, path, token));
}

bool vms_unwatch(struct vms_handle *h, const char *path, const char *token)
{
	return vms_talk_ok(two_strings(h, XS_UNWATCH, path, token));
}

bool vms_reset_watches(struct vms_handle *h)
{
	return vms_talk_ok(vms_talk1(h, XS_RESET_WATCHES, VMS_TXN_NULL, "",
				     NULL));
}

/* An event's "path\0token\0" as { path, token } in one allocation. */
static char **event_vector(struct msg *m, unsigned int *num)
{
	size_t plen = strnlen(m->body, m->hdr.len);
	char **v = NULL;

	if (plen < m->hdr.len)
		v = malloc(2 * sizeof(char *) + m->hdr.len + 1);
	if (v) {
		memcpy(&v[2], m->body, m->hdr.len + 1);
		v[VMS_WATCH_PATH] = (char *)&v[2];
		v[VMS_WATCH_TOKEN] = (char *)&v[2] + plen + 1;
		if (num)
			*num = 2;
	} else {
		errno = plen < m->hdr.len ? ENOMEM : EPROTO;
	}
	free(m->body);
	free(m);
	return v;
}

static char **next_event(struct vms_handle *h, bool block, unsigned int *num)
{
	for (;;) {
		struct msg *m;

		if (!vms_wait_event(h, block))
			return NULL;
		m = vms_pop_event(h);
		if (m)
			return event_vector(m, num);
		/* Another thread took it first; wait for the next one. */
	}
}

char **vms_read_watch(struct vms_handle *h, unsigned int *num)
{
	return next_event(h, true, num);
}

char **vms_check_watch(struct vms_handle *h)
{
	return next_event(h, false, NULL);
}
