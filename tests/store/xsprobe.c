/*
 * xsprobe: speak the raw store wire protocol from a script, for tests.
 *
 * Reads commands (one per line) from stdin, talks to the daemon at
 * $XENSTORED_PATH and prints every reply, so a test can compare the
 * output against the expected text. Works against vmstored and against
 * Xen's xenstored alike, which is how the expectations were checked.
 *
 *   TYPE [%tx=N|%tx=$var] [%save=var] payload
 *	send a request; TYPE is a name (READ, WRITE, ...) or a number.
 *	In the payload '|' stands for a NUL byte (as in xenstore.txt),
 *	and \| \\ \n \xHH escape; ${var} inserts a saved value.
 *	Prints the reply as "TYPE payload",
 *	preceded by any watch events that arrived first ("EVENT ...").
 *	%save=var keeps the reply (up to the first NUL) for later $var.
 *   conn N	switch to connection N (0..63), connecting it if needed
 *   close	close the current connection
 *   events MS	print watch events arriving within MS milliseconds
 *   raw HEX	send raw bytes (no reply is read)
 *   hdr TYPE REQ TX LEN payload   send a header with any length field
 *   reply MS	print the next message, or TIMEOUT / CLOSED
 *   closed MS	print CLOSED if the daemon hangs up within MS, else OPEN
 *   # ...	comment
 *
 * Guest rings (vmstored --ring-dir DIR, see ring_host.h):
 *   ringsetup DIR MFN PORT   create the ring page file and event FIFOs
 *   ring DIR MFN PORT	make the current connection that ring (a guest)
 *   ringerror		print the page's error field
 *   ringcorrupt		make the request producer index impossible
 *   reconnect		ask for a ring reset; prints RECONNECTED or TIMEOUT
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "dom0-tools/vmstored/msgtype.h"
#include "dom0-tools/vmstored/ring.h"
#include "public/io/xs_wire.h"

#define MAX_CONNS 64
#define MAX_VARS 16


struct var {
	char name[32];
	char value[64];
};

/* A connection: a socket, or a guest's ring with its two FIFOs. */
struct endpoint {
	int fd;
	struct xenstore_domain_interface *intf;
	int up, down;
};

static struct endpoint eps[MAX_CONNS];
#define conns_fd(i) (eps[i].fd)
static int cur;
static struct var vars[MAX_VARS];
static uint32_t next_req = 1;

static void die(const char *what)
{
	fprintf(stderr, "xsprobe: %s: %s\n", what, strerror(errno));
	exit(2);
}

static int connect_store(void)
{
	const char *path = getenv("XENSTORED_PATH");
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (!path || strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "xsprobe: set XENSTORED_PATH\n");
		exit(2);
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		die("connect");
	return fd;
}

static int parse_type(const char *word)
{
	char *end;
	long n;
	int i;

	for (i = 0; i < XS_TYPE_COUNT; i++)
		if (xs_msg_type_name(i) && !strcmp(word, xs_msg_type_name(i)))
			return i;
	n = strtol(word, &end, 0);
	return (*end || n < 0) ? -1 : (int)n;
}

static const char *var_value(const char *name)
{
	int i;

	for (i = 0; i < MAX_VARS; i++)
		if (!strcmp(vars[i].name, name))
			return vars[i].value;
	fprintf(stderr, "xsprobe: unknown variable $%s\n", name);
	exit(2);
}

static void var_set(const char *name, const char *payload, size_t len)
{
	int i;

	for (i = 0; i < MAX_VARS - 1; i++)
		if (!vars[i].name[0] || !strcmp(vars[i].name, name))
			break;
	snprintf(vars[i].name, sizeof(vars[i].name), "%s", name);
	if (len >= sizeof(vars[i].value))
		len = sizeof(vars[i].value) - 1;
	memcpy(vars[i].value, payload, len);
	vars[i].value[len] = 0;
}

/* Decode the payload notation into out; returns its length. */
static size_t decode(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	while (*s && n < cap) {
		char c = *s++;

		if (c == '|') {
			c = 0;
		} else if (c == '$' && *s == '{' && strchr(s, '}')) {
			char name[32] = "";
			const char *v;

			snprintf(name, sizeof(name), "%.*s",
				 (int)(strchr(s, '}') - s - 1), s + 1);
			s = strchr(s, '}') + 1;
			for (v = var_value(name); *v && n < cap; v++)
				out[n++] = *v;
			continue;
		} else if (c == '\\' && *s) {
			c = *s++;
			if (c == 'n')
				c = '\n';
			else if (c == 'x' && isxdigit((unsigned char)s[0]) &&
				 isxdigit((unsigned char)s[1])) {
				char hex[3] = { s[0], s[1], 0 };

				c = (char)strtol(hex, NULL, 16);
				s += 2;
			}
		}
		out[n++] = c;
	}
	return n;
}

static void print_payload(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = p[i];

		if (c == 0)
			putchar('|');
		else if (c == '\\' || c == '|')
			printf("\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

/* The daemon hung up: report it and reconnect on the next command. */
static void hung_up(void)
{
	puts("CLOSED");
	fflush(stdout);
	close(conns_fd(cur));
	conns_fd(cur) = -1;
}

static void print_msg(const struct xsd_sockmsg *h, const char *p)
{
	if (h->type == XS_WATCH_EVENT)
		fputs("EVENT ", stdout);
	else if (xs_msg_type_name(h->type))
		printf("%s ", xs_msg_type_name(h->type));
	else
		printf("TYPE%u ", h->type);
	print_payload(p, h->len);
	putchar('\n');
	fflush(stdout);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static void ring_notify(void)
{
	char b = 1;

	if (write(eps[cur].up, &b, 1) < 0 && errno != EAGAIN)
		die("notify");
}

/* Wait up to ms for the daemon's notification, then drain it. */
static void ring_wait(int ms)
{
	struct pollfd pfd = { .fd = eps[cur].down, .events = POLLIN };
	char drain[64];

	if (poll(&pfd, 1, ms) > 0)
		while (read(eps[cur].down, drain, sizeof(drain)) > 0)
			;
}

static void ring_send(const char *p, size_t len)
{
	long deadline = now_ms() + 5000;

	while (len && now_ms() < deadline) {
		int n = ring_client_write(eps[cur].intf, p, len);

		if (n < 0) {
			puts("RING-BROKEN");
			return;
		}
		if (n > 0)
			ring_notify();
		else
			ring_wait(50);
		p += n;
		len -= (size_t)n;
	}
	if (len)
		puts("SEND-TIMEOUT");
}

/* Like recv_exact, over the ring; never reports a hang-up. */
static int ring_recv(char *p, size_t len, int ms)
{
	long deadline = now_ms() + ms;

	while (len) {
		int n = ring_client_read(eps[cur].intf, p, len);

		if (n < 0)
			return -1;
		if (n > 0) {
			ring_notify();	/* room for the daemon to write */
			p += n;
			len -= (size_t)n;
			deadline = now_ms() + 5000;
			continue;
		}
		if (now_ms() >= deadline)
			return 0;
		ring_wait(20);
	}
	return 1;
}

static int open_in(const char *dir, const char *fmt, unsigned long n,
		   int flags)
{
	char path[4096], name[64];

	snprintf(name, sizeof(name), fmt, n);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return open(path, flags, 0600);
}

static void cmd_ringsetup(char *args)
{
	char *dir = strtok(args, " ");
	unsigned long mfn = strtoul(strtok(NULL, " "), NULL, 0);
	unsigned long port = strtoul(strtok(NULL, " "), NULL, 0);
	char path[4096];
	int fd = open_in(dir, "page-%lu", mfn, O_RDWR | O_CREAT | O_TRUNC);

	if (fd < 0 || ftruncate(fd, 4096))
		die("ring page");
	close(fd);
	snprintf(path, sizeof(path), "%s/evtchn-%lu.up", dir, port);
	if (mkfifo(path, 0600) && errno != EEXIST)
		die("fifo");
	snprintf(path, sizeof(path), "%s/evtchn-%lu.down", dir, port);
	if (mkfifo(path, 0600) && errno != EEXIST)
		die("fifo");
}

static void cmd_ring(char *args)
{
	char *dir = strtok(args, " ");
	unsigned long mfn = strtoul(strtok(NULL, " "), NULL, 0);
	unsigned long port = strtoul(strtok(NULL, " "), NULL, 0);
	int fd = open_in(dir, "page-%lu", mfn, O_RDWR);
	void *page;

	if (fd < 0)
		die("ring page");
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (page == MAP_FAILED)
		die("mmap");
	eps[cur].intf = page;
	eps[cur].fd = -2;	/* not a socket */
	eps[cur].up = open_in(dir, "evtchn-%lu.up", port, O_RDWR | O_NONBLOCK);
	eps[cur].down = open_in(dir, "evtchn-%lu.down", port,
				O_RDWR | O_NONBLOCK);
	if (eps[cur].up < 0 || eps[cur].down < 0)
		die("event channel fifo");
}

static void cmd_reconnect(void)
{
	struct xenstore_domain_interface *intf = eps[cur].intf;
	long deadline = now_ms() + 5000;

	__atomic_store_n(&intf->connection, XENSTORE_RECONNECT,
			 __ATOMIC_RELEASE);
	ring_notify();
	while (now_ms() < deadline) {
		if (__atomic_load_n(&intf->connection, __ATOMIC_ACQUIRE) ==
		    XENSTORE_CONNECTED) {
			puts(intf->req_prod == 0 && intf->rsp_prod == 0 ?
			     "RECONNECTED" : "RECONNECTED-DIRTY");
			return;
		}
		ring_wait(20);
	}
	puts("TIMEOUT");
}

static void send_all(const void *buf, size_t len)
{
	const char *p = buf;

	if (eps[cur].intf) {
		ring_send(buf, len);
		return;
	}
	if (conns_fd(cur) < 0)
		conns_fd(cur) = connect_store();
	while (len) {
		ssize_t n = send(conns_fd(cur), p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			printf("SEND-FAILED %s\n", strerror(errno));
			return;
		}
		p += n;
		len -= n;
	}
}

/* Read exactly len bytes, waiting at most ms for the first one.
 * Returns 1 on success, 0 on timeout, -1 when the peer closed. */
static int recv_exact(void *buf, size_t len, int ms)
{
	char *p = buf;

	if (eps[cur].intf)
		return ring_recv(buf, len, ms);
	while (len) {
		struct pollfd pfd = { .fd = conns_fd(cur), .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, ms) == 0)
			return 0;
		n = recv(conns_fd(cur), p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
		ms = 5000;	/* the rest of a started message must follow */
	}
	return 1;
}

/* Read one message; its payload goes to a static buffer. */
static int read_msg(struct xsd_sockmsg *h, char **payload, int ms)
{
	static char buf[1 << 17];
	int r = recv_exact(h, sizeof(*h), ms);

	if (r <= 0)
		return r;
	if (h->len > sizeof(buf)) {
		printf("OVERSIZED len=%u\n", h->len);
		return -1;
	}
	r = recv_exact(buf, h->len, 5000);
	if (r <= 0)
		return -1;
	*payload = buf;
	return 1;
}

static void cmd_request(char *line)
{
	char *word = strtok(line, " "), *rest, *save = NULL;
	static char payload[1 << 16];
	struct xsd_sockmsg h = { 0 };
	char *reply;
	int type = parse_type(word);
	size_t len;

	if (type < 0) {
		printf("BAD-COMMAND %s\n", word);
		return;
	}
	rest = strtok(NULL, "");
	while (rest && rest[0] == '%') {
		char *opt = strtok(rest, " ");

		rest = strtok(NULL, "");
		if (!strncmp(opt, "%tx=", 4))
			h.tx_id = strtoul(opt[4] == '$' ? var_value(opt + 5) :
					  opt + 4, NULL, 0);
		else if (!strncmp(opt, "%save=", 6))
			save = opt + 6;
	}
	len = rest ? decode(rest, payload, sizeof(payload)) : 0;
	h.type = type;
	h.req_id = next_req++;
	h.len = len;
	send_all(&h, sizeof(h));
	send_all(payload, len);
	for (;;) {
		struct xsd_sockmsg r;
		int got = read_msg(&r, &reply, 5000);

		if (got < 0)
			hung_up();
		if (got <= 0) {
			if (got == 0)
				puts("TIMEOUT");
			return;
		}
		print_msg(&r, reply);
		if (r.type == XS_WATCH_EVENT)
			continue;
		if (r.req_id != h.req_id)
			printf("REQ-ID-MISMATCH %u != %u\n", r.req_id, h.req_id);
		if (save)
			var_set(save, reply, r.len);
		return;
	}
}

static void cmd_events(int ms)
{
	struct xsd_sockmsg r;
	char *p;

	while (read_msg(&r, &p, ms) > 0)
		print_msg(&r, p);
}

static void cmd_raw(const char *hex)
{
	char buf[8192];
	size_t n = 0;

	while (hex[0] && hex[1] && n < sizeof(buf)) {
		char byte[3] = { hex[0], hex[1], 0 };

		if (isspace((unsigned char)hex[0])) {
			hex++;
			continue;
		}
		buf[n++] = (char)strtol(byte, NULL, 16);
		hex += 2;
	}
	send_all(buf, n);
}

static void cmd_hdr(char *args)
{
	struct xsd_sockmsg h;
	static char payload[1 << 16];
	char *type = strtok(args, " ");
	char *req = strtok(NULL, " "), *tx = strtok(NULL, " ");
	char *len = strtok(NULL, " "), *rest = strtok(NULL, "");

	if (!type || !req || !tx || !len) {
		puts("BAD-COMMAND hdr");
		return;
	}
	h.type = parse_type(type);
	h.req_id = strtoul(req, NULL, 0);
	h.tx_id = strtoul(tx, NULL, 0);
	h.len = strtoul(len, NULL, 0);
	send_all(&h, sizeof(h));
	if (rest)
		send_all(payload, decode(rest, payload, sizeof(payload)));
}

static void cmd_reply(int ms)
{
	struct xsd_sockmsg r;
	char *p;
	int got = read_msg(&r, &p, ms);

	if (got > 0)
		print_msg(&r, p);
	else if (got < 0)
		hung_up();
	else
		puts("TIMEOUT");
}

static void cmd_closed(int ms)
{
	struct xsd_sockmsg r;
	char *p;
	int got;

	while ((got = read_msg(&r, &p, ms)) > 0)
		;
	if (got < 0)
		hung_up();
	else
		puts("OPEN");
}

static void run_line(char *line)
{
	char *arg;

	line[strcspn(line, "\n")] = 0;
	if (!line[0] || line[0] == '#')
		return;
	arg = strchr(line, ' ');
	arg = arg ? arg + 1 : line + strlen(line);
	if (!strncmp(line, "conn ", 5)) {
		cur = atoi(arg) % MAX_CONNS;
		return;
	}
	if (!strncmp(line, "ringsetup ", 10)) {
		cmd_ringsetup(arg);
		return;
	}
	if (!strncmp(line, "ring ", 5)) {
		cmd_ring(arg);
		return;
	}
	if (eps[cur].intf && !strcmp(line, "ringerror")) {
		printf("RING-ERROR %u\n", eps[cur].intf->error);
		return;
	}
	if (eps[cur].intf && !strcmp(line, "ringcorrupt")) {
		eps[cur].intf->req_prod = eps[cur].intf->req_cons + 5000;
		ring_notify();
		return;
	}
	if (eps[cur].intf && !strcmp(line, "reconnect")) {
		cmd_reconnect();
		return;
	}
	if (!eps[cur].intf && conns_fd(cur) < 0)
		conns_fd(cur) = connect_store();
	if (!strcmp(line, "close")) {
		if (conns_fd(cur) >= 0)
			close(conns_fd(cur));
		conns_fd(cur) = -1;
	} else if (!strncmp(line, "events", 6)) {
		cmd_events(*arg ? atoi(arg) : 200);
	} else if (!strncmp(line, "raw ", 4)) {
		cmd_raw(arg);
	} else if (!strncmp(line, "hdr ", 4)) {
		cmd_hdr(arg);
	} else if (!strncmp(line, "reply", 5)) {
		cmd_reply(*arg ? atoi(arg) : 2000);
	} else if (!strncmp(line, "closed", 6)) {
		cmd_closed(*arg ? atoi(arg) : 2000);
	} else {
		cmd_request(line);
	}
}

int main(void)
{
	static char line[1 << 16];
	int i;

	for (i = 0; i < MAX_CONNS; i++)
		eps[i].fd = -1;
	while (fgets(line, sizeof(line), stdin))
		run_line(line);
	return 0;
}
