/* Unix socket transport: the listening socket and client connections. */
#include "sock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "conn.h"
#include "endpoint.h"
#include "log.h"

#define READ_CHUNK 65536
#define MAX_IOV 64

struct sock_ep {
	struct endpoint ep;
	bool out_armed;		/* polling for EPOLLOUT */
	bool in_paused;		/* not polling for EPOLLIN (quota) */
};

static void make_parent_dir(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = 0;
	if (mkdir(dir, 0755) && errno == ENOENT) {
		make_parent_dir(dir);
		mkdir(dir, 0755);
	}
}

static bool socket_in_use(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	bool used;

	if (fd < 0)
		return false;
	used = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0 ||
	       errno == EAGAIN;
	close(fd);
	return used;
}

int sock_listen(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		log_err("socket path too long: %s", path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	make_parent_dir(path);
	if (socket_in_use(&addr)) {
		log_err("%s: another store is already serving it", path);
		return -1;
	}
	/* What is left is a stale socket from a daemon that died. */
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    chmod(path, 0600) || listen(fd, 1024)) {
		log_err("%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void sock_kick(struct conn *c)
{
	endpoint_kick(c->priv);
}

static void sock_release(struct conn *c)
{
	struct endpoint *ep = c->priv;

	ep->conn = NULL;
	endpoint_retire(ep);
}

static const struct conn_ops sock_ops = {
	.kick = sock_kick,
	.release = sock_release,
};

static void sock_close(struct endpoint *ep)
{
	if (ep->conn)
		conn_destroy(ep->conn);	/* retires ep via sock_release */
}

static uint32_t wanted_events(const struct sock_ep *s)
{
	return (s->in_paused ? 0 : EPOLLIN) | (s->out_armed ? EPOLLOUT : 0);
}

static void sock_flush(struct endpoint *ep)
{
	struct sock_ep *s = (struct sock_ep *)ep;
	struct iovec iov[MAX_IOV];
	bool armed = s->out_armed, paused = s->in_paused;

	while (ep->conn && conn_out_pending(ep->conn)) {
		int n = conn_out_iov(ep->conn, iov, MAX_IOV);
		ssize_t done = writev(ep->fd, iov, n);

		if (done < 0 && errno == EINTR)
			continue;
		if (done < 0 && errno == EAGAIN)
			break;
		if (done <= 0) {
			sock_close(ep);
			return;
		}
		conn_out_consume(ep->conn, (size_t)done);
	}
	if (!ep->conn)
		return;
	s->out_armed = conn_out_pending(ep->conn);
	s->in_paused = !conn_wants_input(ep->conn);
	if (armed != s->out_armed || paused != s->in_paused)
		endpoint_modify(ep, wanted_events(s));
}

static void sock_read(struct endpoint *ep)
{
	static char buf[READ_CHUNK];
	ssize_t n;

	while (ep->conn && conn_wants_input(ep->conn)) {
		n = read(ep->fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0 || conn_feed(ep->conn, buf, (size_t)n)) {
			sock_close(ep);
			return;
		}
		if ((size_t)n < sizeof(buf))
			break;
	}
	if (ep->conn)
		endpoint_kick(ep);	/* re-evaluates input pausing too */
}

static void sock_event(struct endpoint *ep, uint32_t events)
{
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		sock_read(ep);
	if (ep->conn && (events & EPOLLOUT))
		endpoint_kick(ep);
}

static void sock_free(struct endpoint *ep)
{
	close(ep->fd);
	free(ep);
}

void sock_accept(struct ep_loop *loop, int listen_fd)
{
	for (;;) {
		int fd = accept4(listen_fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct sock_ep *s;

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("accept: %s", strerror(errno));
			if (errno == EINTR)
				continue;
			return;
		}
		s = calloc(1, sizeof(*s));
		if (s)
			s->ep.conn = conn_new(loop->store, 0, true, &sock_ops,
					      &s->ep);
		if (!s || !s->ep.conn) {
			log_err("out of memory for a new client");
			free(s);
			close(fd);
			continue;
		}
		s->ep.loop = loop;
		s->ep.fd = fd;
		s->ep.on_event = sock_event;
		s->ep.flush = sock_flush;
		s->ep.free = sock_free;
		if (endpoint_watch(&s->ep, EPOLLIN)) {
			conn_destroy(s->ep.conn);
			continue;
		}
		log_debug("conn %llu: new socket client",
			  (unsigned long long)s->ep.conn->client.id);
	}
}
