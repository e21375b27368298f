/* In-process harness for the store's unit tests (see harness.h). */
#include "harness.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "dom0-tools/vmstored/log.h"
#include "dom0-tools/vmstored/msgtype.h"
#include "dom0-tools/vmstored/tree.h"
#include "public/io/xs_wire.h"

#define OUT_MAX (1 << 20)


#define MAX_STASH 16

/* Events seen while waiting for a reply, kept per connection. */
struct stash {
	struct conn *c;
	size_t len;
	char buf[OUT_MAX];
};

static char reply_buf[OUT_MAX];
static struct stash stashes[MAX_STASH];

static struct stash *stash_of(struct conn *c)
{
	int i;

	for (i = 0; i < MAX_STASH; i++)
		if (stashes[i].c == c)
			return &stashes[i];
	for (i = 0; i < MAX_STASH; i++) {
		if (!stashes[i].c) {
			stashes[i].c = c;
			stashes[i].len = 0;
			stashes[i].buf[0] = 0;
			return &stashes[i];
		}
	}
	fail_msg("harness: too many connections");
	return NULL;
}

struct store *h_store(void)
{
	struct store *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	log_set_level(LOG_LVL_ERROR);	/* keep test output readable */
	assert_int_equal(store_init(s), 0);
	return s;
}

void h_free(struct store *s)
{
	int i;

	for (i = 0; i < MAX_STASH; i++)
		if (stashes[i].c && stashes[i].c->client.store == s)
			h_conn_close(stashes[i].c);
	store_destroy(s);
	free(s);
}

struct conn *h_conn(struct store *s, uint32_t domid, bool privileged)
{
	struct conn *c = conn_new(s, domid, privileged, NULL, NULL);

	assert_non_null(c);
	stash_of(c);	/* the harness owns it from now on */
	return c;
}

void h_conn_close(struct conn *c)
{
	struct stash *st = stash_of(c);

	conn_destroy(c);
	st->c = NULL;
}

static void open_clients(struct h_fixture *f)
{
	unsigned int i;

	f->s = h_store();
	for (i = 0; i < f->clients->n; i++)
		f->c[i] = h_conn(f->s, f->clients->c[i].domid,
				 f->clients->c[i].privileged);
}

int h_setup(void **state)
{
	static const struct h_clients none = { 0 };
	struct h_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->clients = *state ? *state : &none;
	assert_true(f->clients->n <= H_CLIENTS_MAX);
	strcpy(f->dir, "/tmp/vmstore-test.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	open_clients(f);
	*state = f;
	return 0;
}

int h_teardown(void **state)
{
	struct h_fixture *f = *state;
	char cmd[96];

	assert_null(tree_check(&f->s->tree));
	h_free(f->s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

void h_restart(struct h_fixture *f)
{
	h_free(f->s);
	memset(f->c, 0, sizeof(f->c));
	open_clients(f);
}

static size_t render(char *out, size_t cap, const char *data)
{
	const struct xsd_sockmsg *h = (const void *)data;
	/* Events as xsprobe prints them. */
	const char *name = h->type == XS_WATCH_EVENT ? "EVENT" :
			   xs_msg_type_name(h->type) ? xs_msg_type_name(h->type) : "?";
	size_t n = (size_t)snprintf(out, cap, "%s ", name);
	uint32_t i;

	for (i = 0; i < h->len && n + 5 < cap; i++) {
		unsigned char ch = data[sizeof(*h) + i];

		if (ch == 0)
			out[n++] = '|';
		else if (ch < 0x20 || ch > 0x7e)
			n += (size_t)snprintf(out + n, cap - n, "\\x%02x", ch);
		else
			out[n++] = (char)ch;
	}
	out[n] = 0;
	return n;
}

/* Take the first queued message off c into a flat buffer. */
static int pop(struct conn *c, char *msg)
{
	struct outmsg *m = c->out_head;

	if (!m)
		return 0;
	memcpy(msg, m->data, m->len);
	conn_out_consume(c, m->len - c->out_off);
	return 1;
}

static void keep_event(struct conn *c, const char *msg)
{
	struct stash *st = stash_of(c);

	if (st->len)
		st->buf[st->len++] = '\n';
	st->len += render(st->buf + st->len, OUT_MAX - st->len, msg);
}

int h_feed(struct conn *c, const void *data, size_t len)
{
	return conn_feed(c, data, len);
}

const char *h_call(struct conn *c, uint32_t type, uint32_t tx,
		   const char *payload)
{
	static char msg[sizeof(struct xsd_sockmsg) + OUT_MAX];
	struct xsd_sockmsg *h = (void *)msg;
	size_t len = strlen(payload), i;

	h->type = type;
	h->req_id = 77;
	h->tx_id = tx;
	h->len = (uint32_t)len;
	for (i = 0; i < len; i++)
		msg[sizeof(*h) + i] = payload[i] == '|' ? 0 : payload[i];
	assert_int_equal(conn_feed(c, msg, sizeof(*h) + len), 0);
	reply_buf[0] = 0;
	while (pop(c, msg)) {
		if (h->type == XS_WATCH_EVENT) {
			keep_event(c, msg);
			continue;
		}
		assert_int_equal(h->req_id, 77);
		render(reply_buf, OUT_MAX, msg);
	}
	return reply_buf;
}

const char *h_events(struct conn *c)
{
	static char out[OUT_MAX];
	static char msg[sizeof(struct xsd_sockmsg) + OUT_MAX];
	struct stash *st;

	while (pop(c, msg))
		keep_event(c, msg);
	st = stash_of(c);
	memcpy(out, st->buf, st->len + 1);
	st->len = 0;
	st->buf[0] = 0;
	return out;
}

const char *h_drain(struct conn *c)
{
	return h_events(c);
}

uint32_t h_tx_start(struct conn *c)
{
	const char *r = h_call(c, XS_TRANSACTION_START, 0, "|");

	assert_true(!strncmp(r, "TRANSACTION_START ", 18));
	return (uint32_t)strtoul(r + 18, NULL, 10);
}

int h_wait_child(pid_t pid, int ms)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	int status = 0, waited;

	for (waited = 0; waited <= ms; waited += 10) {
		pid_t got = waitpid(pid, &status, WNOHANG);

		assert_true(got >= 0);
		if (got == pid)
			return status;
		nanosleep(&tick, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	fail_msg("child %d still running after %d ms: killed", (int)pid, ms);
	return -1;
}
