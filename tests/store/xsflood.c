/*
 * xsflood: many clients at once against the store at $XENSTORED_PATH.
 *
 *   xsflood N
 *
 * Opens N connections before sending anything, then on every connection
 * writes /flood/<i> and reads it back; every tenth client instead sends a
 * header with an oversized length and must be disconnected. Prints a
 * summary and exits 0 only if every good client got both correct replies
 * and every bad one was cut off.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "public/io/xs_wire.h"

struct client {
	int fd;
	bool bad;
	int replies;		/* good replies seen */
	bool closed;
	bool wrong;
	char buf[256];
	size_t got;
};

static int connect_store(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		perror("xsflood: connect");
		exit(2);
	}
	return fd;
}

static void send_msg(int fd, uint32_t type, uint32_t req, const char *p,
		     uint32_t len)
{
	struct xsd_sockmsg h = { type, req, 0, len };
	char buf[sizeof(h) + 128];

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), p, len);
	if (send(fd, buf, sizeof(h) + len, MSG_NOSIGNAL) < 0 &&
	    errno != EPIPE && errno != ECONNRESET)
		perror("xsflood: send");
}

static void start(struct client *c, int i)
{
	char p[64];
	int n;

	if (c->bad) {
		struct xsd_sockmsg h = { XS_WRITE, 1, 0, 100000 };

		send(c->fd, &h, sizeof(h), MSG_NOSIGNAL);
		return;
	}
	n = snprintf(p, sizeof(p), "/flood/%d", i) + 1;
	n += snprintf(p + n, sizeof(p) - (size_t)n, "v%d", i);
	send_msg(c->fd, XS_WRITE, 1, p, (uint32_t)n);
	n = snprintf(p, sizeof(p), "/flood/%d", i) + 1;
	send_msg(c->fd, XS_READ, 2, p, (uint32_t)n);
}

/* Check whole replies in c->buf; returns false when done with c. */
static void parse(struct client *c, int i)
{
	for (;;) {
		struct xsd_sockmsg h;
		char want[32];

		if (c->got < sizeof(h))
			return;
		memcpy(&h, c->buf, sizeof(h));
		if (h.len > sizeof(c->buf) - sizeof(h)) {
			c->wrong = true;
			return;
		}
		if (c->got < sizeof(h) + h.len)
			return;
		snprintf(want, sizeof(want), "v%d", i);
		if (h.req_id == 1 && h.type == XS_WRITE && h.len == 3 &&
		    !memcmp(c->buf + sizeof(h), "OK", 3))
			c->replies++;
		else if (h.req_id == 2 && h.type == XS_READ &&
			 h.len == strlen(want) &&
			 !memcmp(c->buf + sizeof(h), want, h.len))
			c->replies++;
		else
			c->wrong = true;
		memmove(c->buf, c->buf + sizeof(h) + h.len,
			c->got - sizeof(h) - h.len);
		c->got -= sizeof(h) + h.len;
	}
}

static bool finished(const struct client *c)
{
	return c->closed || c->wrong || (!c->bad && c->replies == 2);
}

int main(int argc, char **argv)
{
	const char *path = getenv("XENSTORED_PATH");
	int n = argc > 1 ? atoi(argv[1]) : 1000, i, done = 0, good = 0;
	int cut = 0, wrong = 0;
	struct client *cl = calloc((size_t)n, sizeof(*cl));
	struct pollfd *pfd = calloc((size_t)n, sizeof(*pfd));
	time_t deadline = time(NULL) + 60;

	if (!path || !cl || !pfd || n <= 0)
		return 2;
	for (i = 0; i < n; i++) {
		cl[i].fd = connect_store(path);
		cl[i].bad = i % 10 == 9;
	}
	for (i = 0; i < n; i++)
		start(&cl[i], i);
	while (done < n && time(NULL) < deadline) {
		for (i = 0; i < n; i++) {
			pfd[i].fd = finished(&cl[i]) ? -1 : cl[i].fd;
			pfd[i].events = POLLIN;
		}
		if (poll(pfd, (nfds_t)n, 1000) < 0)
			break;
		for (i = 0; i < n; i++) {
			ssize_t r;

			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			r = recv(cl[i].fd, cl[i].buf + cl[i].got,
				 sizeof(cl[i].buf) - cl[i].got, 0);
			if (r <= 0)
				cl[i].closed = true;
			else
				cl[i].got += (size_t)r;
			parse(&cl[i], i);
			if (finished(&cl[i]))
				done++;
		}
	}
	for (i = 0; i < n; i++) {
		if (cl[i].bad ? cl[i].closed && !cl[i].replies :
		    cl[i].replies == 2 && !cl[i].wrong)
			cl[i].bad ? cut++ : good++;
		else
			wrong++;
		close(cl[i].fd);
	}
	printf("clients %d good %d cut-off %d wrong %d\n", n, good, cut, wrong);
	return wrong ? 1 : 0;
}
