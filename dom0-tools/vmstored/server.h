/*
 * The daemon's event loop: the listening socket, client sockets, ring
 * notification descriptors, signals and the state-save timer, all on one
 * epoll instance, single-threaded. It owns the endpoints (endpoint.h)
 * and with them the connections: server_close ends them all.
 */
#ifndef VMSTORED_SERVER_H
#define VMSTORED_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "endpoint.h"
#include "list.h"
#include "store.h"

struct server {
	struct store store;
	struct ep_loop loop;		/* what transports see of it */
	int epfd, listen_fd, sig_fd;
	char *socket_path;
	struct list_head endpoints;	/* polled, not retired */
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

/* Save the state file now if one is configured; 0 or -1. */
int server_save_state(struct server *srv);

#endif
