/* The Unix socket transport: the listening socket and its clients. */
#ifndef VMSTORED_SOCK_H
#define VMSTORED_SOCK_H

struct ep_loop;

/* Bind and listen on path (replacing a stale socket); fd or -1. */
int sock_listen(const char *path);
/* Accept every waiting client as a privileged connection in loop. */
void sock_accept(struct ep_loop *loop, int listen_fd);

#endif
