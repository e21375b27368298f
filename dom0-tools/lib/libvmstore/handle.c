/* Opening and closing a connection to the store. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "internal.h"

const char *vms_default_socket(void)
{
	const char *env = getenv("XENSTORED_PATH");

	return env && *env ? env : VMS_DEFAULT_SOCKET;
}

static int connect_socket(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, saved;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static int make_poll_fd(struct vms_handle *h)
{
	struct epoll_event ev = { .events = EPOLLIN };

	h->event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	h->poll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (h->event_fd < 0 || h->poll_fd < 0)
		return -1;
	if (epoll_ctl(h->poll_fd, EPOLL_CTL_ADD, h->fd, &ev))
		return -1;
	return epoll_ctl(h->poll_fd, EPOLL_CTL_ADD, h->event_fd, &ev);
}

struct vms_handle *vms_open(const char *socket_path, unsigned long flags)
{
	struct vms_handle *h;
	int saved;

	if (flags) {
		errno = EINVAL;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->event_fd = h->poll_fd = -1;
	h->next_req_id = 1;
	h->reply_max = XENSTORE_PAYLOAD_MAX;
	h->fd = connect_socket(socket_path ? socket_path :
			       vms_default_socket());
	if (h->fd < 0 || make_poll_fd(h))
		goto fail;
	pthread_mutex_init(&h->lock, NULL);
	pthread_mutex_init(&h->send_lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	return h;
fail:
	saved = errno;
	if (h->fd >= 0)
		close(h->fd);
	if (h->event_fd >= 0)
		close(h->event_fd);
	if (h->poll_fd >= 0)
		close(h->poll_fd);
	free(h);
	errno = saved;
	return NULL;
}

void vms_close(struct vms_handle *h)
{
	struct msg *m, *next;

	if (!h)
		return;
	close(h->fd);
	close(h->event_fd);
	close(h->poll_fd);
	for (m = h->ev_head; m; m = next) {
		next = m->next;
		free(m->body);
		free(m);
	}
	pthread_mutex_destroy(&h->lock);
	pthread_mutex_destroy(&h->send_lock);
	pthread_cond_destroy(&h->cond);
	free(h->rbuf);
	free(h);
}

int vms_fileno(struct vms_handle *h)
{
	return h->poll_fd;
}
