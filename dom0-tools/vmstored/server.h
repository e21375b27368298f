/*
 * The daemon's event loop: the listening socket, client sockets, ring
 * notification descriptors, signals and the state-save timer, all on one
 * epoll instance, single-threaded.
 */
#ifndef VMSTORED_SERVER_H
#define VMSTORED_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

struct server;
struct endpoint;

/* Something the loop polls: a client socket or a ring's event channel. */
struct endpoint {
	struct server *srv;
	int fd;
	void (*on_event)(struct server *srv, struct endpoint *ep,
			 uint32_t events);
	void (*flush)(struct server *srv, struct endpoint *ep);
	void (*free)(struct endpoint *ep);
	struct conn *conn;
	struct endpoint *flush_next;
	bool in_flush_list;
	bool dead;		/* closed; freed after this loop iteration */
};

struct server {
	struct store store;
	int epfd, listen_fd, sig_fd;
	char *socket_path;
	struct endpoint *flush_list;
	bool stop;
	/* persistence */
	const char *state_path;
	unsigned int save_delay_ms;
	uint64_t dirty_since_ms;
	unsigned long saves;
};

/* Create the store and bind the socket (before daemonising). */
int server_open(struct server *srv, const char *socket_path);
/* Serve until SIGTERM or SIGINT; 0 on a clean stop. */
int server_run(struct server *srv);
void server_close(struct server *srv);

/* For transports. */
int server_watch_fd(struct server *srv, struct endpoint *ep, uint32_t events);
void server_modify_fd(struct server *srv, struct endpoint *ep,
		      uint32_t events);
/* Queue for flushing at the end of this iteration. */
void server_kick(struct server *srv, struct endpoint *ep);
/* Stop polling ep and free it once the iteration is over. */
void server_retire(struct server *srv, struct endpoint *ep);

/* Save the state file now if one is configured; 0 or -1. */
int server_save_state(struct server *srv);

/* Client sockets (sock.c). */
int sock_listen(const char *path);
void sock_accept(struct server *srv);

#endif
