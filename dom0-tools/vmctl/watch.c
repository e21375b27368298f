/*
 * The detached per-domain watcher; see watch.h for who wins.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "domain.h"
#include "store.h"
#include "watch.h"

bool watch_self;

static int lock_open(uint32_t domid)
{
	char path[64];

	mkdir("/run", 0755);
	mkdir(WATCH_RUN_DIR, 0700);
	snprintf(path, sizeof(path), WATCH_RUN_DIR "/dom%u.lock", domid);
	return open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
}

void watch_hold(uint32_t domid)
{
	int fd;

	if (getenv(WATCH_OFF_ENV))
		return;		/* no watchers to hold off */
	fd = lock_open(domid);

	/* Kept open (and locked) until the command exits. */
	if (fd >= 0)
		while (flock(fd, LOCK_SH) < 0 && errno == EINTR)
			;
}

static void pid_path(uint32_t domid, char *buf, size_t len)
{
	snprintf(buf, len, WATCH_RUN_DIR "/dom%u.watch.pid", domid);
}

/* Is a watcher already running for it? If not, record ourselves. */
static bool claim(uint32_t domid)
{
	char path[64], text[32];
	long pid = 0;
	FILE *f;

	pid_path(domid, path, sizeof(path));
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
		if (pid > 0 && pid != getpid() && kill((pid_t)pid, 0) == 0)
			return false;
	}
	f = fopen(path, "w");
	if (!f)
		return true;	/* no pid file: watch anyway */
	snprintf(text, sizeof(text), "%ld\n", (long)getpid());
	fputs(text, f);
	fclose(f);
	return true;
}

static void detach_stdio(void)
{
	int fd = open("/dev/null", O_RDWR), log;

	mkdir("/var/log/umbra", 0755);
	log = open(WATCH_LOG, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(log >= 0 ? log : fd, STDOUT_FILENO);
		dup2(log >= 0 ? log : fd, STDERR_FILENO);
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/*
 * It stopped: take the lock exclusively and act, unless a command that
 * watches it holds the lock: that one acts, and we wait for it to end.
 * Returns whether the watch is over (false: it runs again).
 */
static bool act(uint32_t domid)
{
	struct umbra_domain_info info;
	int fd = lock_open(domid), rc;

	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
		/* A command watches it: it carries out the action. */
		while (flock(fd, LOCK_EX) < 0 && errno == EINTR)
			;
		return true;
	}
	rc = vmctl_domain_info(cli_handle(), domid, &info);
	if (rc < 0 || info.state == UMBRA_DOMSTATE_DYING)
		return true;	/* gone, replaced or being destroyed */
	if (!domain_stopped(&info)) {
		close(fd);	/* running again: watch on */
		return false;
	}
	domain_on_stop(domid, &info, NULL, 0);
	return true;
}

static void watch(uint32_t domid)
{
	struct umbra_domain_info info;
	char path[64];
	int rc;

	pid_path(domid, path, sizeof(path));
	for (;;) {
		rc = domain_wait_stop(domid, &info, -1);
		if (rc == 0 || info.state == UMBRA_DOMSTATE_DYING)
			break;
		if (rc == 1 && act(domid))
			break;
	}
	unlink(path);
	exit(0);
}

static void close_inherited(void)
{
	int fd;

	/* The parent's device, store and lock descriptors are its own. */
	for (fd = 3; fd < 1024; fd++)
		close(fd);
	cli_forget_handles();
	store_forget();
}

void watch_spawn(uint32_t domid)
{
	pid_t pid;

	if (getenv(WATCH_OFF_ENV))
		return;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		cli_warn("no watcher for domain %u: %s", domid, strerror(errno));
		return;
	}
	if (pid > 0) {
		waitpid(pid, NULL, 0);
		return;
	}
	/* The child's child, in its own session: no zombie, no terminal. */
	setsid();
	if (fork() != 0)
		_exit(0);
	signal(SIGHUP, SIG_IGN);
	close_inherited();
	detach_stdio();
	if (!claim(domid))
		_exit(0);
	watch(domid);
}

void watch_started(uint32_t domid)
{
	if (watch_self)
		watch_hold(domid);
	watch_spawn(domid);
}
