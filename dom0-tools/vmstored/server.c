/* The event loop: epoll over sockets, rings, signals; periodic saves. */
#include "server.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "log.h"
#include "persist.h"
#include "sock.h"

#define MAX_EVENTS 64

/* Markers for the two descriptors that are not endpoints. */
static char listen_tag, signal_tag;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int add_fd(int epfd, int fd, void *tag, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = tag };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

static int open_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static const struct ep_loop_ops loop_ops;

int server_open(struct server *srv, const char *socket_path)
{
	memset(srv, 0, sizeof(*srv));
	srv->epfd = srv->listen_fd = srv->sig_fd = -1;
	srv->loop.ops = &loop_ops;
	srv->loop.store = &srv->store;
	list_init(&srv->endpoints);
	if (store_init(&srv->store)) {
		log_err("out of memory");
		return -1;
	}
	srv->socket_path = strdup(socket_path);
	srv->listen_fd = sock_listen(socket_path);
	/* Early, so transports can watch descriptors before the loop runs. */
	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!srv->socket_path || srv->listen_fd < 0 || srv->epfd < 0) {
		server_close(srv);
		return -1;
	}
	return 0;
}

static struct server *server_of(struct ep_loop *l)
{
	return container_of(l, struct server, loop);
}

/* End every connection (retiring its endpoint), then free them all. */
static void close_endpoints(struct server *srv)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &srv->endpoints) {
		struct endpoint *ep = list_entry(pos, struct endpoint, link);

		if (ep->conn)
			conn_destroy(ep->conn);	/* retires ep */
		else
			endpoint_retire(ep);
	}
	while (srv->flush_list) {
		struct endpoint *ep = srv->flush_list;

		srv->flush_list = ep->flush_next;
		if (ep->dead)
			ep->free(ep);
	}
}

void server_close(struct server *srv)
{
	close_endpoints(srv);
	store_destroy(&srv->store);
	if (srv->listen_fd >= 0) {
		close(srv->listen_fd);
		unlink(srv->socket_path);
	}
	if (srv->sig_fd >= 0)
		close(srv->sig_fd);
	if (srv->epfd >= 0)
		close(srv->epfd);
	free(srv->socket_path);
	srv->listen_fd = srv->sig_fd = srv->epfd = -1;
	srv->socket_path = NULL;
}

static int loop_watch(struct ep_loop *l, struct endpoint *ep,
		      uint32_t events)
{
	struct server *srv = server_of(l);

	if (add_fd(srv->epfd, ep->fd, ep, events)) {
		log_err("epoll add: %s", strerror(errno));
		return -1;
	}
	list_add_tail(&ep->link, &srv->endpoints);
	return 0;
}

static void loop_modify(struct ep_loop *l, struct endpoint *ep,
			uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = ep };

	if (epoll_ctl(server_of(l)->epfd, EPOLL_CTL_MOD, ep->fd, &ev))
		log_err("epoll mod: %s", strerror(errno));
}

static void loop_kick(struct ep_loop *l, struct endpoint *ep)
{
	struct server *srv = server_of(l);

	if (ep->in_flush_list)
		return;
	ep->in_flush_list = true;
	ep->flush_next = srv->flush_list;
	srv->flush_list = ep;
}

static void loop_retire(struct ep_loop *l, struct endpoint *ep)
{
	struct server *srv = server_of(l);

	if (ep->dead)
		return;
	ep->dead = true;
	if (ep->link.next)		/* it was being polled */
		list_del(&ep->link);
	if (srv->epfd >= 0)
		epoll_ctl(srv->epfd, EPOLL_CTL_DEL, ep->fd, NULL);
	loop_kick(l, ep);
}

static const struct ep_loop_ops loop_ops = {
	.watch = loop_watch,
	.modify = loop_modify,
	.kick = loop_kick,
	.retire = loop_retire,
};

static void flush_all(struct server *srv)
{
	while (srv->flush_list) {
		struct endpoint *ep = srv->flush_list;

		srv->flush_list = ep->flush_next;
		ep->in_flush_list = false;
		if (!ep->dead)
			ep->flush(ep);
		/* flush may have retired it; it is back on the list then. */
		if (ep->dead && !ep->in_flush_list)
			ep->free(ep);
	}
}

static void handle_signals(struct server *srv)
{
	struct signalfd_siginfo si;

	while (read(srv->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			log_info("SIGHUP: nothing to reload");
			continue;
		}
		log_info("signal %u: shutting down", si.ssi_signo);
		srv->stop = true;
	}
}

int server_save_state(struct server *srv)
{
	char err[256];

	if (!srv->state_path)
		return 0;
	if (persist_save(&srv->store, srv->state_path, err, sizeof(err))) {
		log_err("saving %s failed: %s", srv->state_path, err);
		return -1;
	}
	srv->store.dirty = false;
	srv->dirty_since_ms = 0;
	srv->saves++;
	log_debug("state saved to %s", srv->state_path);
	return 0;
}

/* Milliseconds until the next save is due, or -1 for none. */
static int save_timeout(struct server *srv)
{
	uint64_t now, due;

	if (!srv->state_path || !srv->store.dirty)
		return -1;
	now = now_ms();
	if (!srv->dirty_since_ms)
		srv->dirty_since_ms = now;
	due = srv->dirty_since_ms + srv->save_delay_ms;
	if (now >= due) {
		server_save_state(srv);
		return -1;
	}
	return (int)(due - now);
}

static void dispatch_events(struct server *srv, struct epoll_event *ev, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		void *tag = ev[i].data.ptr;
		struct endpoint *ep = tag;

		if (tag == &listen_tag)
			sock_accept(&srv->loop, srv->listen_fd);
		else if (tag == &signal_tag)
			handle_signals(srv);
		else if (!ep->dead)
			ep->on_event(ep, ev[i].events);
	}
}

int server_run(struct server *srv)
{
	struct epoll_event ev[MAX_EVENTS];

	srv->sig_fd = open_signals();
	if (srv->epfd < 0 || srv->sig_fd < 0 ||
	    add_fd(srv->epfd, srv->listen_fd, &listen_tag, EPOLLIN) ||
	    add_fd(srv->epfd, srv->sig_fd, &signal_tag, EPOLLIN)) {
		log_err("event loop setup: %s", strerror(errno));
		return -1;
	}
	/* Rings attached before the loop existed (restored domains). */
	flush_all(srv);
	log_info("serving on %s", srv->socket_path);
	while (!srv->stop) {
		int n = epoll_wait(srv->epfd, ev, MAX_EVENTS,
				   save_timeout(srv));

		if (n < 0 && errno != EINTR) {
			log_err("epoll_wait: %s", strerror(errno));
			return -1;
		}
		if (n > 0)
			dispatch_events(srv, ev, n);
		flush_all(srv);
	}
	if (srv->store.dirty)
		return server_save_state(srv);
	return 0;
}
