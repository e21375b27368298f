/*
 * xs: the store from a guest's side, through its ring (as Linux's xenbus
 * uses it), served by vmstored in dom0.
 *   role=solo (default)  the HVM parameters (Xen's numbers, read-only),
 *                        then read, write, directory, a watch and its
 *                        events, a transaction (its writes unseen until
 *                        the commit, a conflicting one refused with
 *                        EAGAIN), rm, and errors
 *   role=owner           gives the next domain (peer=N: domain N) read
 *                        access to data/shared and write access to
 *                        data/done, keeps data/secret to itself, and
 *                        waits on a watch for the peer's "done"
 *   role=console         its PV console ring both ways (pvcons.c)
 *   role=peer            finds the previous domain's (peer=N: N's)
 *                        data/shared, is refused its secret and writes
 *                        to its nodes, and writes its done
 * Prints "xs: ok: ..." per check and "xs: N checks, M failed"; shuts
 * down with poweroff when every check passed, else crash.
 */
#include <public/errno.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/sched.h>
#include <public/xen.h>

#include "hypercall.h"
#include "runtime.h"
#include "xs.h"

const char guest_name[] = "xs";

static unsigned int checks, failures;

void xs_check(bool ok, const char *what, const char *got)
{
	checks++;
	if (ok) {
		con_printf("xs: ok: %s\n", what);
		return;
	}
	failures++;
	con_printf("xs: FAIL %s (got %s)\n", what, got ? got : "nothing");
}

static bool streq(const char *a, const char *b)
{
	size_t la = guest_strlen(a);

	return la == guest_strlen(b) && !memcmp(a, b, la);
}

/* A reply of type `type` whose payload is `want` (NULL: any). */
static void expect(int got, const char *reply, int type, const char *want, const char *what)
{
	xs_check(got == type && (!want || streq(reply, want)), what,
		 got < 0 ? "no reply" : reply);
}

static unsigned int parse_uint(const char *s)
{
	unsigned int v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (unsigned int)(*s++ - '0');
	return v;
}

static void fmt_path(char *out, unsigned int domid, const char *rest)
{
	char num[12];
	int n = 0;
	unsigned int d = domid;

	do {
		num[n++] = (char)('0' + d % 10);
		d /= 10;
	} while (d);
	memcpy(out, "/local/domain/", 14);
	out += 14;
	while (n)
		*out++ = num[--n];
	*out++ = '/';
	memcpy(out, rest, guest_strlen(rest) + 1);
}

static unsigned int my_domid(void)
{
	const char *r;

	if (xs_req2(XS_READ, 0, "domid", NULL, &r) != XS_READ)
		return 0;
	return parse_uint(r);
}

static void param_cases(void)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_CONSOLE_EVTCHN };
	long rc;

	xs_check(xs_store_port() == 1, "HVM_PARAM_STORE_EVTCHN is port 1, as under Xen", NULL);
	/* The memory map's last entry (the reserved start info area) ends
	 * with the RAM: the rings are its last two pages. */
	xs_check(((xs_store_gfn() + 2) << 12) == guest_mem_end(),
		 "HVM_PARAM_STORE_PFN is the second-to-last page of its RAM", NULL);
	rc = hypercall2(__HYPERVISOR_hvm_op, HVMOP_get_param, (uint64_t)(uintptr_t)&p);
	xs_check(rc == 0 && p.value == 2, "HVM_PARAM_CONSOLE_EVTCHN is port 2", NULL);
	p.index = HVM_PARAM_CONSOLE_PFN;
	rc = hypercall2(__HYPERVISOR_hvm_op, HVMOP_get_param, (uint64_t)(uintptr_t)&p);
	xs_check(rc == 0 && p.value == xs_store_gfn() + 1,
		 "HVM_PARAM_CONSOLE_PFN is the page after the store's", NULL);
	p.index = HVM_PARAM_STORE_PFN;
	p.value = 5;
	rc = hypercall2(__HYPERVISOR_hvm_op, HVMOP_set_param, (uint64_t)(uintptr_t)&p);
	xs_check(rc == -XEN_EPERM, "the guest may not move its store page (-EPERM)", NULL);
}

static void basic_cases(void)
{
	const char *r;
	int t;

	t = xs_req2(XS_WRITE, 0, "data/xs-test", "hello ring", &r);
	expect(t, r, XS_WRITE, "OK", "WRITE data/xs-test through the ring");
	t = xs_req2(XS_READ, 0, "data/xs-test", NULL, &r);
	expect(t, r, XS_READ, "hello ring", "READ gives back what was written");
	t = xs_req2(XS_WRITE, 0, "data/xs-dir/a", "1", &r);
	t = xs_req2(XS_WRITE, 0, "data/xs-dir/b", "2", &r);
	t = xs_req2(XS_DIRECTORY, 0, "data/xs-dir", NULL, &r);
	xs_check(t == XS_DIRECTORY && streq(r, "a") && streq(r + 2, "b"),
		 "DIRECTORY lists both children", r);
	t = xs_req2(XS_READ, 0, "data/nothing-here", NULL, &r);
	expect(t, r, XS_ERROR, "ENOENT", "READ of a missing node: ENOENT");
	t = xs_req2(XS_WRITE, 0, "/tool/xs-test", "x", &r);
	expect(t, r, XS_ERROR, "EACCES", "WRITE outside its home (/tool): EACCES");
	t = xs_req2(XS_READ, 0, "name", NULL, &r);
	xs_check(t == XS_READ && guest_strlen(r) > 0, "READ its name (written by vmctl)", r);
	t = xs_req2(XS_READ, 0, "store/port", NULL, &r);
	expect(t, r, XS_READ, "1", "store/port in the store (as xl writes it) is its port");
	t = xs_req2(XS_READ, 0, "store/ring-ref", NULL, &r);
	xs_check(t == XS_READ && parse_uint(r) == xs_store_gfn(),
		 "store/ring-ref is its HVM_PARAM_STORE_PFN", r);
	t = xs_req2(XS_READ, 0, "console/port", NULL, &r);
	expect(t, r, XS_READ, "2", "console/port is its console port");
	t = xs_req2(XS_RM, 0, "data/xs-dir", NULL, &r);
	expect(t, r, XS_RM, "OK", "RM a subtree");
	t = xs_req2(XS_READ, 0, "data/xs-dir/a", NULL, &r);
	expect(t, r, XS_ERROR, "ENOENT", "its children are gone");
}

static void watch_cases(void)
{
	const char *r, *path, *token;
	int t;

	t = xs_req2(XS_WATCH, 0, "data/w", "tok1", &r);
	expect(t, r, XS_WATCH, "OK", "WATCH data/w");
	xs_check(xs_next_event(&path, &token, 10000) && streq(path, "data/w") &&
		 streq(token, "tok1"), "the watch fires once on registration", path);
	xs_req2(XS_WRITE, 0, "data/w/x", "v", &r);
	xs_check(xs_next_event(&path, &token, 10000) && streq(path, "data/w/x") &&
		 streq(token, "tok1"), "a write below it fires the watch (relative path)", path);
	t = xs_req2(XS_UNWATCH, 0, "data/w", "tok1", &r);
	expect(t, r, XS_UNWATCH, "OK", "UNWATCH");
	xs_req2(XS_WRITE, 0, "data/w/y", "v", &r);
	xs_check(!xs_next_event(&path, &token, 500), "no event after UNWATCH", path);
}

static unsigned int start_txn(void)
{
	const char *r;
	char empty = 0;

	if (xs_talk(XS_TRANSACTION_START, 0, &empty, 1, &r, NULL) != XS_TRANSACTION_START)
		return 0;
	return parse_uint(r);
}

static int end_txn(unsigned int tx, bool commit, const char **r)
{
	return xs_talk(XS_TRANSACTION_END, tx, commit ? "T" : "F", 2, r, NULL);
}

static void txn_cases(void)
{
	unsigned int tx = start_txn(), tx2;
	const char *r;
	int t;

	xs_check(tx != 0, "TRANSACTION_START gives an id", NULL);
	t = xs_req2(XS_WRITE, tx, "data/txn", "inside", &r);
	expect(t, r, XS_WRITE, "OK", "WRITE inside the transaction");
	t = xs_req2(XS_READ, 0, "data/txn", NULL, &r);
	expect(t, r, XS_ERROR, "ENOENT", "not seen outside before the commit");
	t = end_txn(tx, true, &r);
	expect(t, r, XS_TRANSACTION_END, "OK", "TRANSACTION_END T commits");
	t = xs_req2(XS_READ, 0, "data/txn", NULL, &r);
	expect(t, r, XS_READ, "inside", "seen after the commit");

	tx = start_txn();
	tx2 = start_txn();
	xs_req2(XS_READ, tx, "data/txn", NULL, &r);
	xs_req2(XS_WRITE, tx, "data/txn", "first", &r);
	xs_req2(XS_READ, tx2, "data/txn", NULL, &r);
	xs_req2(XS_WRITE, tx2, "data/txn", "second", &r);
	t = end_txn(tx, true, &r);
	expect(t, r, XS_TRANSACTION_END, "OK", "the first of two conflicting transactions commits");
	t = end_txn(tx2, true, &r);
	expect(t, r, XS_ERROR, "EAGAIN", "the second is refused with EAGAIN");
	t = xs_req2(XS_READ, 0, "data/txn", NULL, &r);
	expect(t, r, XS_READ, "first", "the first one's value stands");
}

/* xenstored's default quotas apply to a guest (dom0 has none). */
static void quota_cases(void)
{
	static char big[2100];
	unsigned int tx[11];
	const char *r;
	char msg[2200];
	uint32_t len;
	int t, i, opened = 0;

	memset(big, 'q', sizeof(big) - 1);
	memcpy(msg, "data/big", 9);
	memcpy(msg + 9, big, sizeof(big) - 1);
	len = 9 + sizeof(big) - 1;
	t = xs_talk(XS_WRITE, 0, msg, len, &r, NULL);
	expect(t, r, XS_ERROR, "ENOSPC", "a 2099-byte value (node-size quota 2048): ENOSPC");
	for (i = 0; i < 11; i++) {
		tx[i] = start_txn();
		opened += tx[i] != 0;
	}
	xs_check(opened == 10, "10 open transactions, the 11th refused (quota)", NULL);
	for (i = 0; i < 11; i++)
		if (tx[i])
			end_txn(tx[i], false, &r);
	xs_check(start_txn() != 0, "after ending them, a transaction starts again", NULL);
}

static void set_perms(const char *path, const char *p1, const char *p2, const char *what)
{
	char msg[256];
	uint32_t len = 0, l;
	const char *parts[3] = { path, p1, p2 }, *r = NULL;
	int t;

	for (int i = 0; i < 3; i++) {
		l = (uint32_t)guest_strlen(parts[i]) + 1;
		memcpy(msg + len, parts[i], l);
		len += l;
	}
	t = xs_talk(XS_SET_PERMS, 0, msg, len, &r, NULL);
	expect(t, r, XS_SET_PERMS, "OK", what);
}

static void fmt_perm(char *out, char kind, unsigned int domid)
{
	char tmp[16];

	fmt_path(tmp, domid, "");	/* "/local/domain/N/" */
	out[0] = kind;
	memcpy(out + 1, tmp + 14, guest_strlen(tmp + 14) - 1);
	out[guest_strlen(tmp + 14)] = 0;
}

static void owner(unsigned int self, unsigned int peer)
{
	char own[16], rd[16], wr[16];
	const char *r, *path, *token;
	bool done = false, watched = false;

	fmt_perm(own, 'n', self);
	fmt_perm(rd, 'r', peer);
	fmt_perm(wr, 'w', peer);
	xs_req2(XS_WRITE, 0, "data/secret", "only mine", &r);
	xs_req2(XS_WRITE, 0, "data/done", "", &r);
	set_perms("data/done", own, wr, "SET_PERMS data/done: the peer may write");
	xs_req2(XS_WATCH, 0, "data/done", "done", &r);
	xs_next_event(&path, &token, 5000);	/* the registration's */
	xs_req2(XS_WRITE, 0, "data/shared", "for the peer", &r);
	set_perms("data/shared", own, rd, "SET_PERMS data/shared: the peer may read");
	con_printf("xs: owner ready for domain %u\n", peer);
	/* The watch says when; reading says what (and works even if the
	 * watch is gone: vmstored restarted, which keeps no watch). */
	for (int i = 0; i < 24 && !done; i++) {
		watched |= xs_next_event(&path, &token, 5000);
		done = xs_req2(XS_READ, 0, "data/done", NULL, &r) == XS_READ && streq(r, "ok");
	}
	xs_check(done, "the peer's write to data/done arrived", NULL);
	con_printf("xs: the watch on data/done %s\n", watched ? "fired" : "did not fire");
	expect(xs_req2(XS_READ, 0, "data/secret", NULL, &r), r, XS_READ, "only mine",
	       "data/secret is untouched");
}

static void peer_cases(unsigned int peer)
{
	char shared[64], secret[64], done[64], dir[64];
	const char *r;
	int t = -1;

	fmt_path(shared, peer, "data/shared");
	fmt_path(secret, peer, "data/secret");
	fmt_path(done, peer, "data/done");
	fmt_path(dir, peer, "data");
	for (int i = 0; i < 600; i++) {
		t = xs_req2(XS_READ, 0, shared, NULL, &r);
		if (t == XS_READ)
			break;
		hypercall2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
		for (uint64_t until = guest_time_ns() + 50 * NS_PER_MS; guest_time_ns() < until;)
			;
	}
	expect(t, r, XS_READ, "for the peer", "READ of the owner's data/shared (granted)");
	t = xs_req2(XS_READ, 0, secret, NULL, &r);
	expect(t, r, XS_ERROR, "EACCES", "READ of the owner's data/secret: EACCES");
	t = xs_req2(XS_DIRECTORY, 0, dir, NULL, &r);
	expect(t, r, XS_ERROR, "EACCES", "DIRECTORY of the owner's data: EACCES");
	t = xs_req2(XS_WRITE, 0, shared, "overwritten", &r);
	expect(t, r, XS_ERROR, "EACCES", "WRITE to data/shared (read-only for it): EACCES");
	t = xs_req2(XS_WRITE, 0, done, "ok", &r);
	expect(t, r, XS_WRITE, "OK", "WRITE to data/done (granted)");
}

int guest_main(const struct hvm_start_info *si)
{
	const char *role = guest_option("role=");
	unsigned int self, peer;

	guest_mem_init(si);
	if (!xs_init())
		return SHUTDOWN_crash;
	con_printf("xs: store ring at page %#llx, port %u\n",
		   (unsigned long long)xs_store_gfn(), xs_store_port());
	self = my_domid();
	xs_check(self != 0, "READ domid (relative to its home) through the ring", NULL);
	peer = (unsigned int)guest_option_u64("peer=", 0);
	if (role && !memcmp(role, "owner", 5)) {
		owner(self, peer ? peer : self + 1);
	} else if (role && !memcmp(role, "peer", 4)) {
		peer_cases(peer ? peer : self - 1);
	} else if (role && !memcmp(role, "console", 7)) {
		console_role();
	} else {
		param_cases();
		basic_cases();
		watch_cases();
		txn_cases();
		quota_cases();
	}
	if (!role || memcmp(role, "console", 7))
		xs_check(xs_notifications() > 0, "vmstored notified through the event channel",
			 NULL);
	con_printf("xs: %u checks, %u failed\n", checks, failures);
	return failures ? SHUTDOWN_crash : SHUTDOWN_poweroff;
}
