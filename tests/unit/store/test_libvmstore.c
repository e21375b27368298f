/*
 * libvmstore against a real daemon loop (forked child running the
 * store's server on a temporary socket): every call, errno mapping, long
 * listings, transactions, watches and the pollable fd, many threads on
 * one handle, and a daemon that goes away.
 *
 * Nothing here waits without a bound: watch events are awaited through
 * the pollable fd (WAIT_MS), threads and the daemon are joined with a
 * deadline, and a watchdog ends a test stuck elsewhere (a request whose
 * reply never comes) after TEST_SECONDS, instead of the suite timeout.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "dom0-tools/lib/libvmstore/vmstore.h"
#include "dom0-tools/vmstored/log.h"
#include "dom0-tools/vmstored/server.h"

#define WAIT_MS 2000
#define TEST_SECONDS 30

static char dir[64], sock[96];
static pid_t daemon_pid;

static void watchdog_fired(int sig)
{
	static const char msg[] = "FAIL: test_libvmstore: a test took over "
				  "30 s (stuck waiting?)\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	if (daemon_pid > 0)
		kill(daemon_pid, SIGKILL);
	_exit(2);
}

static void watchdog_arm(void)
{
	signal(SIGALRM, watchdog_fired);
	alarm(TEST_SECONDS);
}

static pid_t start_daemon(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct server *srv = malloc(sizeof(*srv));
		int rc;

		log_set_level(LOG_LVL_ERROR);
		if (!srv || server_open(srv, sock))
			_exit(1);
		rc = server_run(srv);
		/*
		 * A client is still connected when the daemon stops (see
		 * test_daemon_goes_away): closing ends its connection, under
		 * the sanitizers, and a bad teardown fails the exit status.
		 */
		server_close(srv);
		free(srv);
		exit(rc ? 1 : 0);
	}
	return pid;
}

static struct vms_handle *open_retrying(void)
{
	struct vms_handle *h = NULL;
	int i;

	for (i = 0; i < 200 && !h; i++) {
		h = vms_open(sock, 0);
		if (!h)
			usleep(10000);
	}
	assert_non_null(h);
	return h;
}

static int group_setup(void **state)
{
	watchdog_arm();
	strcpy(dir, "/tmp/vmstore-lib.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/sock", dir);
	daemon_pid = start_daemon();
	vms_close(open_retrying());
	alarm(0);
	*state = NULL;
	return 0;
}

static int stop_daemon(void)
{
	int status = -1;

	if (daemon_pid > 0) {
		kill(daemon_pid, SIGTERM);
		status = h_wait_child(daemon_pid, WAIT_MS);
		daemon_pid = 0;
	}
	return status;
}

static int group_teardown(void **state)
{
	(void)state;
	stop_daemon();
	unlink(sock);
	rmdir(dir);
	return 0;
}

static int setup(void **state)
{
	watchdog_arm();
	*state = open_retrying();
	return 0;
}

static int teardown(void **state)
{
	vms_close(*state);
	alarm(0);
	return 0;
}

static bool readable(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) == 1;
}

/* The next watch event, waited for at most WAIT_MS; fails the test if
 * none comes. Uses the blocking call only once the fd says it is there. */
static char **next_event(struct vms_handle *h, unsigned int *num)
{
	char **ev;

	if (!readable(vms_fileno(h), WAIT_MS))
		fail_msg("no watch event within %d ms", WAIT_MS);
	ev = vms_read_watch(h, num);
	assert_non_null(ev);
	return ev;
}

static void test_open_errors(void **state)
{
	(void)state;
	errno = 0;
	assert_null(vms_open("/nonexistent/socket", 0));
	assert_int_equal(errno, ENOENT);
	assert_null(vms_open(sock, 1));
	assert_int_equal(errno, EINVAL);
	setenv("XENSTORED_PATH", sock, 1);
	assert_string_equal(vms_default_socket(), sock);
	vms_close(vms_open(NULL, 0));
	unsetenv("XENSTORED_PATH");
	assert_string_equal(vms_default_socket(), VMS_DEFAULT_SOCKET);
}

static void test_read_write_mkdir_rm(void **state)
{
	struct vms_handle *h = *state;
	unsigned int len = 99;
	char *v;

	assert_true(vms_write(h, VMS_TXN_NULL, "/lib/a", "x\0y", 3));
	v = vms_read(h, VMS_TXN_NULL, "/lib/a", &len);
	assert_non_null(v);
	assert_int_equal(len, 3);
	assert_memory_equal(v, "x\0y", 4);	/* NUL added after it */
	free(v);
	assert_true(vms_mkdir(h, VMS_TXN_NULL, "/lib/d/e"));
	assert_true(vms_mkdir(h, VMS_TXN_NULL, "/lib/d/e"));
	assert_true(vms_rm(h, VMS_TXN_NULL, "/lib/d"));
	assert_true(vms_rm(h, VMS_TXN_NULL, "/lib/d"));
	assert_null(vms_read(h, VMS_TXN_NULL, "/lib/d/e", NULL));
	assert_int_equal(errno, ENOENT);
	assert_false(vms_write(h, VMS_TXN_NULL, "bad//path", "", 0));
	assert_int_equal(errno, EINVAL);
	assert_false(vms_rm(h, VMS_TXN_NULL, "/no/such"));
	assert_int_equal(errno, ENOENT);
	/* Relative paths are dom0's home for socket clients. */
	assert_true(vms_write(h, VMS_TXN_NULL, "rel", "r", 1));
	v = vms_read(h, VMS_TXN_NULL, "/local/domain/0/rel", NULL);
	assert_string_equal(v, "r");
	free(v);
}

static void test_request_too_big(void **state)
{
	struct vms_handle *h = *state;
	static char big[5000];
	char *v;

	assert_false(vms_write(h, VMS_TXN_NULL, "/lib/big", big, sizeof(big)));
	assert_int_equal(errno, E2BIG);
	/* Refused locally: the connection is still good. */
	assert_true(vms_write(h, VMS_TXN_NULL, "/lib/big", big, 4000));
	v = vms_read(h, VMS_TXN_NULL, "/lib/big", NULL);
	assert_non_null(v);
	free(v);
}

static void test_directory_short_and_long(void **state)
{
	struct vms_handle *h = *state;
	unsigned int num, i;
	char path[64], **list;

	assert_true(vms_write(h, VMS_TXN_NULL, "/lib/small/b", "", 0));
	assert_true(vms_write(h, VMS_TXN_NULL, "/lib/small/a", "", 0));
	list = vms_directory(h, VMS_TXN_NULL, "/lib/small", &num);
	assert_int_equal(num, 2);
	assert_string_equal(list[0], "b");
	assert_string_equal(list[1], "a");
	free(list);
	list = vms_directory(h, VMS_TXN_NULL, "/lib/small/a", &num);
	assert_non_null(list);
	assert_int_equal(num, 0);
	free(list);
	/* 1,000 names do not fit one reply: fetched in slices. */
	for (i = 0; i < 1000; i++) {
		snprintf(path, sizeof(path), "/lib/long/entry-%u", i);
		assert_true(vms_write(h, VMS_TXN_NULL, path, "", 0));
	}
	list = vms_directory(h, VMS_TXN_NULL, "/lib/long", &num);
	assert_non_null(list);
	assert_int_equal(num, 1000);
	for (i = 0; i < 1000; i++) {
		snprintf(path, sizeof(path), "entry-%u", i);
		assert_string_equal(list[i], path);
	}
	free(list);
	assert_null(vms_directory(h, VMS_TXN_NULL, "/lib/none", &num));
	assert_int_equal(errno, ENOENT);
}

/*
 * A listing longer than the largest reply vmstored grants (64 KiB) comes
 * in DIRECTORY_PART slices of under 4 KiB: here about twenty of them.
 * Every slice counts, the last one too.
 */
#define PART_NAMES 400
#define PART_NAME_LEN 200

static void part_name(unsigned int i, char *out)
{
	memset(out, 'n', PART_NAME_LEN);
	snprintf(out + PART_NAME_LEN - 5, 6, "-%04u", i);
}

static void test_directory_in_parts(void **state)
{
	struct vms_handle *h = *state;
	char name[PART_NAME_LEN + 1], path[PART_NAME_LEN + 32], **list;
	unsigned int num, i;

	for (i = 0; i < PART_NAMES; i++) {
		part_name(i, name);
		snprintf(path, sizeof(path), "/lib/parts/%s", name);
		assert_true(vms_write(h, VMS_TXN_NULL, path, "", 0));
	}
	list = vms_directory(h, VMS_TXN_NULL, "/lib/parts", &num);
	assert_non_null(list);
	assert_int_equal(num, PART_NAMES);
	for (i = 0; i < PART_NAMES; i++) {
		part_name(i, name);
		assert_string_equal(list[i], name);
	}
	free(list);
}

static void test_permissions(void **state)
{
	struct vms_handle *h = *state;
	struct vms_permissions set[3] = {
		{ 5, VMS_PERM_NONE }, { 6, VMS_PERM_READ }, { 7, VMS_PERM_BOTH },
	}, *got;
	unsigned int num;

	assert_true(vms_write(h, VMS_TXN_NULL, "/lib/p", "", 0));
	assert_true(vms_set_permissions(h, VMS_TXN_NULL, "/lib/p", set, 3));
	got = vms_get_permissions(h, VMS_TXN_NULL, "/lib/p", &num);
	assert_non_null(got);
	assert_int_equal(num, 3);
	assert_memory_equal(got, set, sizeof(set));
	free(got);
	assert_false(vms_set_permissions(h, VMS_TXN_NULL, "/lib/p", set, 0));
	assert_int_equal(errno, EINVAL);
	set[0].perms = 9;
	assert_false(vms_set_permissions(h, VMS_TXN_NULL, "/lib/p", set, 1));
	assert_int_equal(errno, EINVAL);
}

static void test_transactions(void **state)
{
	struct vms_handle *h = *state, *other = open_retrying();
	vms_transaction_t t;
	char *v;

	t = vms_transaction_start(h);
	assert_int_not_equal(t, VMS_TXN_NULL);
	assert_true(vms_write(h, t, "/lib/tx", "1", 1));
	assert_null(vms_read(other, VMS_TXN_NULL, "/lib/tx", NULL));
	assert_true(vms_transaction_end(h, t, false));
	v = vms_read(other, VMS_TXN_NULL, "/lib/tx", NULL);
	assert_string_equal(v, "1");
	free(v);
	/* A conflicting change: EAGAIN, and nothing applied. */
	t = vms_transaction_start(h);
	free(vms_read(h, t, "/lib/tx", NULL));
	assert_true(vms_write(h, t, "/lib/tx2", "x", 1));
	assert_true(vms_write(other, VMS_TXN_NULL, "/lib/tx", "2", 1));
	assert_false(vms_transaction_end(h, t, false));
	assert_int_equal(errno, EAGAIN);
	assert_null(vms_read(h, VMS_TXN_NULL, "/lib/tx2", NULL));
	/* Abort. */
	t = vms_transaction_start(h);
	assert_true(vms_write(h, t, "/lib/tx3", "x", 1));
	assert_true(vms_transaction_end(h, t, true));
	assert_null(vms_read(h, VMS_TXN_NULL, "/lib/tx3", NULL));
	assert_false(vms_transaction_end(h, t, false));
	assert_int_equal(errno, ENOENT);
	vms_close(other);
}

static void test_watches_and_fileno(void **state)
{
	struct vms_handle *h = *state, *writer = open_retrying();
	unsigned int num;
	char **ev;
	int fd = vms_fileno(h);

	assert_true(fd >= 0);
	assert_null(vms_check_watch(h));
	assert_int_equal(errno, EAGAIN);
	assert_true(vms_watch(h, "/lib/w", "tok"));
	/* The registration event. */
	ev = next_event(h, &num);
	assert_int_equal(num, 2);
	assert_string_equal(ev[VMS_WATCH_PATH], "/lib/w");
	assert_string_equal(ev[VMS_WATCH_TOKEN], "tok");
	free(ev);
	/* An event from another client's write wakes poll() on the fd. */
	assert_true(vms_write(writer, VMS_TXN_NULL, "/lib/w/x", "1", 1));
	assert_true(readable(fd, WAIT_MS));
	ev = NULL;
	while (!ev && readable(fd, WAIT_MS))
		ev = vms_check_watch(h);
	assert_non_null(ev);
	assert_string_equal(ev[VMS_WATCH_PATH], "/lib/w/x");
	free(ev);
	assert_null(vms_check_watch(h));
	assert_int_equal(errno, EAGAIN);
	/* Events that arrive while waiting for a reply are kept. */
	assert_true(vms_write(h, VMS_TXN_NULL, "/lib/w/own", "1", 1));
	assert_true(readable(fd, 0));
	ev = vms_check_watch(h);
	assert_non_null(ev);
	assert_string_equal(ev[VMS_WATCH_PATH], "/lib/w/own");
	free(ev);
	assert_false(readable(fd, 0));
	assert_true(vms_unwatch(h, "/lib/w", "tok"));
	assert_false(vms_unwatch(h, "/lib/w", "tok"));
	assert_int_equal(errno, ENOENT);
	assert_true(vms_reset_watches(h));
	vms_close(writer);
}

static void test_domains_and_control(void **state)
{
	struct vms_handle *h = *state;
	char *s;

	s = vms_get_domain_path(h, 12);
	assert_string_equal(s, "/local/domain/12");
	free(s);
	assert_true(vms_is_domain_introduced(h, 0));
	assert_false(vms_is_domain_introduced(h, 12));
	assert_true(vms_watch(h, "@introduceDomain", "in"));
	free(next_event(h, NULL));
	assert_true(vms_introduce_domain(h, 12, 777, 3));
	assert_true(vms_is_domain_introduced(h, 12));
	s = *next_event(h, NULL);
	assert_string_equal(s, "@introduceDomain");
	free((char **)s - 2);
	assert_true(vms_release_domain(h, 12));
	assert_false(vms_release_domain(h, 12));
	assert_int_equal(errno, ENOENT);
	s = vms_control_command(h, "check", NULL, 0);
	assert_string_equal(s, "OK");
	free(s);
	assert_null(vms_control_command(h, "nonsense", NULL, 0));
	assert_int_equal(errno, EINVAL);
}

#define THREADS 8
#define OPS 300

struct worker {
	struct vms_handle *h;
	int id;
	int errors;
};

static void *worker(void *arg)
{
	struct worker *w = arg;
	char path[64], val[32], *got;
	int i;

	for (i = 0; i < OPS; i++) {
		snprintf(path, sizeof(path), "/lib/mt/%d/%d", w->id, i);
		snprintf(val, sizeof(val), "%d-%d", w->id, i);
		if (!vms_write(w->h, VMS_TXN_NULL, path, val, strlen(val)))
			w->errors++;
		got = vms_read(w->h, VMS_TXN_NULL, path, NULL);
		if (!got || strcmp(got, val))
			w->errors++;
		free(got);
	}
	return NULL;
}

struct watcher {
	struct vms_handle *h;
	int seen;
};

/* Stops when no event came for WAIT_MS: the test then sees the count. */
static void *watcher(void *arg)
{
	struct watcher *w = arg;
	int fd = vms_fileno(w->h);

	while (w->seen < THREADS * OPS) {
		char **ev;

		if (!readable(fd, WAIT_MS))
			break;
		ev = vms_check_watch(w->h);
		if (!ev && errno == EAGAIN)
			continue;	/* a spurious wake-up */
		if (!ev)
			break;
		if (strncmp(ev[VMS_WATCH_PATH], "/lib/mt/", 8) == 0)
			w->seen++;
		free(ev);
	}
	return NULL;
}

static void join_within(pthread_t t, int seconds)
{
	struct timespec deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += seconds;
	if (pthread_timedjoin_np(t, NULL, &deadline))
		fail_msg("a thread did not finish within %d s", seconds);
}

/* Threads share one handle; one of them waits for events meanwhile. */
static void test_threads_share_a_handle(void **state)
{
	struct vms_handle *h = *state;
	struct worker w[THREADS];
	struct watcher wa = { h, 0 };
	pthread_t tid[THREADS], wtid;
	int i;

	assert_true(vms_mkdir(h, VMS_TXN_NULL, "/lib/mt"));
	assert_true(vms_watch(h, "/lib/mt", "mt"));
	free(next_event(h, NULL));
	assert_int_equal(pthread_create(&wtid, NULL, watcher, &wa), 0);
	for (i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ h, i, 0 };
		assert_int_equal(pthread_create(&tid[i], NULL, worker, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		join_within(tid[i], 20);
		assert_int_equal(w[i].errors, 0);
	}
	join_within(wtid, 20);
	assert_int_equal(wa.seen, THREADS * OPS);
}

/* Must be last: stops the daemon. */
static void test_daemon_goes_away(void **state)
{
	struct vms_handle *h = *state;
	char *v = vms_read(h, VMS_TXN_NULL, "/", NULL);

	assert_non_null(v);	/* the daemon has h's connection now */
	free(v);
	assert_true(vms_watch(h, "/lib", "left-behind"));
	assert_int_equal(stop_daemon(), 0);	/* SIGTERM: clean exit */
	assert_null(vms_read(h, VMS_TXN_NULL, "/", NULL));
	assert_true(errno == EPIPE || errno == ECONNRESET);
	assert_null(vms_read(h, VMS_TXN_NULL, "/", NULL));
	assert_null(vms_open(sock, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		cmocka_unit_test(test_open_errors),
		T(test_read_write_mkdir_rm),
		T(test_request_too_big),
		T(test_directory_short_and_long),
		T(test_directory_in_parts),
		T(test_permissions),
		T(test_transactions),
		T(test_watches_and_fileno),
		T(test_domains_and_control),
		T(test_threads_share_a_handle),
		T(test_daemon_goes_away),
	};

	signal(SIGPIPE, SIG_IGN);
	/* The watchdog exits at once: keep what was printed until then. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
