/* The 1 KiB XenStore ring: byte streams with wrap-around, index checks,
 * and two processes talking through shared memory — a raw stream, then
 * the store protocol with a "guest" process and a store process. */
#include <sched.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "dom0-tools/vmstored/ring.h"
#include "public/io/xs_wire.h"

static struct xenstore_domain_interface *shared_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	return p;
}

static void test_layout_is_xens(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct xenstore_domain_interface, rsp), 1024);
	assert_int_equal(offsetof(struct xenstore_domain_interface, req_cons),
			 2048);
	assert_int_equal(offsetof(struct xenstore_domain_interface, rsp_prod),
			 2060);
	assert_int_equal(offsetof(struct xenstore_domain_interface,
				  server_features), 2064);
	assert_int_equal(offsetof(struct xenstore_domain_interface, error),
			 2072);
	assert_int_equal(sizeof(struct xsd_sockmsg), 16);
	assert_int_equal(XS_DIRECTORY_PART, 22);
	assert_int_equal(XS_RESET_WATCHES, 21);
	assert_int_equal(XS_WATCH_EVENT, 15);
}

static void test_fill_and_drain(void **state)
{
	struct xenstore_domain_interface *intf = shared_page();
	char in[1500], out[1500];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (char)i;
	/* Only 1024 bytes fit. */
	assert_int_equal(ring_client_write(intf, in, sizeof(in)), 1024);
	assert_int_equal(ring_client_write(intf, in, 1), 0);
	assert_int_equal(ring_server_read(intf, out, 1000), 1000);
	assert_memory_equal(out, in, 1000);
	/* The rest wraps around the end of the ring. */
	assert_int_equal(ring_client_write(intf, in + 1024, 476), 476);
	assert_int_equal(ring_server_read(intf, out, sizeof(out)), 500);
	assert_memory_equal(out, in + 1000, 500);
	assert_int_equal(ring_server_read(intf, out, sizeof(out)), 0);
	munmap(intf, 4096);
}

static void test_indices_wrap_at_32_bits(void **state)
{
	struct xenstore_domain_interface *intf = shared_page();
	char in[700], out[700];

	(void)state;
	memset(in, 'w', sizeof(in));
	intf->rsp_cons = intf->rsp_prod = 0xfffffe00U;
	assert_int_equal(ring_server_write(intf, in, sizeof(in)), 700);
	assert_int_equal(intf->rsp_prod, 0xfffffe00U + 700);	/* wrapped */
	assert_int_equal(ring_client_read(intf, out, sizeof(out)), 700);
	assert_memory_equal(in, out, sizeof(in));
	munmap(intf, 4096);
}

static void test_impossible_indices_are_refused(void **state)
{
	struct xenstore_domain_interface *intf = shared_page();
	char buf[8];

	(void)state;
	/* A guest claims more than a ring's worth of requests. */
	intf->req_cons = 0;
	intf->req_prod = XENSTORE_RING_SIZE + 1;
	assert_int_equal(ring_server_read(intf, buf, sizeof(buf)), -1);
	/* Or a consumer index ahead of the producer. */
	intf->rsp_prod = 10;
	intf->rsp_cons = 20;
	assert_int_equal(ring_server_write(intf, buf, sizeof(buf)), -1);
	munmap(intf, 4096);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned char stream_byte(uint32_t i)
{
	return (unsigned char)((i * 2654435761U) >> 13);
}

/* Child: push 256 KiB through the request ring in odd-sized pieces. */
static int stream_writer(struct xenstore_domain_interface *intf)
{
	uint32_t sent = 0, total = 256 * 1024;
	unsigned char chunk[777];
	double deadline = now() + 20;

	while (sent < total && now() < deadline) {
		uint32_t n = 1 + (sent % sizeof(chunk)), i;
		int put;

		if (n > total - sent)
			n = total - sent;
		for (i = 0; i < n; i++)
			chunk[i] = stream_byte(sent + i);
		put = ring_client_write(intf, chunk, n);
		if (put < 0)
			return 2;
		sent += (uint32_t)put;
		if (!put)
			sched_yield();
	}
	return sent == total ? 0 : 1;
}

static void test_two_processes_stream(void **state)
{
	struct xenstore_domain_interface *intf = shared_page();
	uint32_t got = 0, total = 256 * 1024, bad = 0;
	double deadline = now() + 20;
	unsigned char buf[1024];
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(stream_writer(intf));
	while (got < total && now() < deadline) {
		int n = ring_server_read(intf, buf, sizeof(buf)), i;

		assert_true(n >= 0);
		for (i = 0; i < n; i++)
			bad += buf[i] != stream_byte(got + (uint32_t)i);
		got += (uint32_t)n;
		if (!n)
			sched_yield();
	}
	status = h_wait_child(pid, 5000);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(got, total);
	assert_int_equal(bad, 0);
	munmap(intf, 4096);
}

/* ---- the protocol over the ring, guest in a child process ---- */

static int guest_send(struct xenstore_domain_interface *intf, uint32_t type,
		      uint32_t req, const char *payload, uint32_t len)
{
	struct xsd_sockmsg h = { type, req, 0, len };
	char buf[sizeof(h) + XENSTORE_PAYLOAD_MAX];
	uint32_t off = 0, total = sizeof(h) + len;
	double deadline = now() + 10;

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), payload, len);
	while (off < total && now() < deadline) {
		int n = ring_client_write(intf, buf + off, total - off);

		if (n < 0)
			return -1;
		off += (uint32_t)n;
		if (!n)
			sched_yield();
	}
	return off == total ? 0 : -1;
}

static int guest_recv_exact(struct xenstore_domain_interface *intf,
			    void *buf, uint32_t len)
{
	uint32_t off = 0;
	double deadline = now() + 10;

	while (off < len && now() < deadline) {
		int n = ring_client_read(intf, (char *)buf + off, len - off);

		if (n < 0)
			return -1;
		off += (uint32_t)n;
		if (!n)
			sched_yield();
	}
	return off == len ? 0 : -1;
}

static int guest_recv(struct xenstore_domain_interface *intf,
		      struct xsd_sockmsg *h, char *payload)
{
	if (guest_recv_exact(intf, h, sizeof(*h)) ||
	    h->len > XENSTORE_PAYLOAD_MAX)
		return -1;
	return guest_recv_exact(intf, payload, h->len);
}

/* Child: a guest writing a value bigger than the ring and reading it. */
static int guest_main(struct xenstore_domain_interface *intf)
{
	static char req[XENSTORE_PAYLOAD_MAX], rsp[XENSTORE_PAYLOAD_MAX];
	struct xsd_sockmsg h;
	uint32_t vlen = 2000, i;	/* twice the ring, under the size quota */

	memcpy(req, "data\0", 5);
	for (i = 0; i < vlen; i++)
		req[5 + i] = (char)('a' + i % 26);
	if (guest_send(intf, XS_WRITE, 1, req, 5 + vlen) ||
	    guest_recv(intf, &h, rsp) || h.type != XS_WRITE || h.req_id != 1)
		return 1;
	if (guest_send(intf, XS_READ, 2, "data", 5) ||
	    guest_recv(intf, &h, rsp) || h.type != XS_READ ||
	    h.len != vlen || memcmp(rsp, req + 5, vlen))
		return 2;
	if (guest_send(intf, XS_READ, 3, "/local", 7) ||
	    guest_recv(intf, &h, rsp) || h.type != XS_ERROR ||
	    strcmp(rsp, "EACCES"))
		return 3;
	return 0;
}

/* Parent: the store side of the ring, as the daemon's ring loop does. */
static void serve(struct xenstore_domain_interface *intf, struct conn *c,
		  pid_t guest)
{
	double deadline = now() + 20;
	char buf[XENSTORE_RING_SIZE];
	int status;

	while (now() < deadline) {
		struct iovec iov[4];
		int n = ring_server_read(intf, buf, sizeof(buf)), k, i;

		assert_true(n >= 0);
		if (n)
			assert_int_equal(h_feed(c, buf, (size_t)n), 0);
		k = conn_out_iov(c, iov, 4);
		for (i = 0; i < k; i++) {
			int put = ring_server_write(intf, iov[i].iov_base,
						    iov[i].iov_len);

			assert_true(put >= 0);
			conn_out_consume(c, (size_t)put);
			if ((size_t)put < iov[i].iov_len)
				break;
		}
		if (waitpid(guest, &status, WNOHANG) == guest) {
			assert_true(WIFEXITED(status));
			assert_int_equal(WEXITSTATUS(status), 0);
			return;
		}
		if (!n && !k)
			sched_yield();
	}
	fail_msg("guest did not finish");
}

static const struct h_clients dom0_only = { 1, { { 0, true } } };

static void test_two_processes_protocol(void **state)
{
	struct xenstore_domain_interface *intf = shared_page();
	struct h_fixture *f = *state;
	struct conn *dom0 = f->c[0], *guest;
	pid_t pid;

	assert_call(dom0, XS_MKDIR, 0, "/local/domain/5|", "MKDIR OK|");
	assert_call(dom0, XS_SET_PERMS, 0, "/local/domain/5|n5|",
		    "SET_PERMS OK|");
	guest = h_conn(f->s, 5, false);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(guest_main(intf));
	serve(intf, guest, pid);
	assert_call(dom0, XS_GET_PERMS, 0, "/local/domain/5/data|",
		    "GET_PERMS n5|");
	munmap(intf, 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_is_xens),
		cmocka_unit_test(test_fill_and_drain),
		cmocka_unit_test(test_indices_wrap_at_32_bits),
		cmocka_unit_test(test_impossible_indices_are_refused),
		cmocka_unit_test(test_two_processes_stream),
		h_test(test_two_processes_protocol, &dom0_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
