/*
 * Following a domain's console: ring reads by position (so nothing is
 * missed, and what was overwritten is counted and reported), the guest's
 * PV console through vmconsoled's terminal (both ways), poll() on
 * libvmctl's event descriptor and the terminals, and a raw terminal that
 * is restored however vmctl ends: detach, the domain's end, an error
 * (atexit) or a signal (the handler restores, then dies of the signal).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "console.h"
#include "domain.h"
#include "store.h"
#include "watch.h"

#define CHUNK		4096
#define POLL_MS		500	/* a missed event costs this much, no more */

static struct termios saved_tio;
static volatile sig_atomic_t tio_saved;

static void restore_terminal(void)
{
	if (tio_saved) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
		tio_saved = 0;
	}
}

static void on_signal(int sig)
{
	restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Keys go straight to vmctl; output keeps its newline translation. */
static void raw_terminal(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	static bool hooked;
	struct termios tio;
	unsigned int i;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tio))
		return;
	if (!hooked) {
		for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			signal(sigs[i], on_signal);
		atexit(restore_terminal);
		hooked = true;
	}
	tio = saved_tio;
	tio.c_lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
	tio.c_iflag &= ~(IXON | ICRNL | INLCR | IGNCR | BRKINT | ISTRIP);
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	tio_saved = 1;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &tio))
		tio_saved = 0;
}

static void write_all(const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(STDOUT_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			exit(1);	/* the reader went away */
		p += w;
		n -= (size_t)w;
	}
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* vmctl's own lines, on their own line and marked, in the stream. */
static void say(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "\r\n[vmctl: ");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 4)
		n = (int)sizeof(buf) - 4;
	n += snprintf(buf + n, sizeof(buf) - n, "]\r\n");
	write_all(buf, (size_t)n);
}

/* Everything the ring holds from *pos on; false if the domain is gone. */
static bool drain(uint32_t domid, uint64_t *pos)
{
	struct umbra_mgmt_ring ring;
	static char buf[CHUNK];
	long n;

	for (;;) {
		memset(&ring, 0, sizeof(ring));
		ring.pos = *pos;
		n = vmctl_console_read(cli_handle(), domid, &ring, buf, sizeof(buf));
		if (n == -ESRCH || n == -ENOENT)
			return false;
		if (n < 0)
			cli_fail_lib(n, "domain %u", domid);
		if (ring.dropped)
			say("%llu bytes of output were lost before this",
			    (unsigned long long)ring.dropped);
		write_all(buf, (size_t)n);
		*pos = ring.pos;
		if (n == 0 || ring.pos >= ring.head)
			return true;
	}
}

/* The domain's PV console terminal (vmconsoled's, named in the store),
 * once there is one: -1 until then. */
static int open_pv_console(uint32_t domid)
{
	char *path = store_console_tty(domid);
	int fd = path && path[0] == '/' ?
		 open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC) : -1;

	free(path);
	return fd;
}

/* The guest's PV console output, as much as there is now. */
static void pv_output(int *fd)
{
	char buf[CHUNK];
	ssize_t n;

	while (*fd >= 0 && (n = read(*fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN) {
				close(*fd);
				*fd = -1;
			}
			return;
		}
		write_all(buf, (size_t)n);
	}
}

/* Keys: Ctrl-] detaches (true); the others go to the guest's PV console,
 * if it has one. (EOF: stop reading the terminal.) */
static bool keys_in(struct pollfd *in, int pv)
{
	char keys[64], *esc;
	ssize_t n = read(in->fd, keys, sizeof(keys));

	if (n <= 0) {
		if (n == 0 || errno != EINTR)
			in->fd = -1;
		return false;
	}
	esc = memchr(keys, CONSOLE_ESCAPE, (size_t)n);
	if (pv >= 0 && (esc ? esc - keys : n) > 0 &&
	    write(pv, keys, (size_t)(esc ? esc - keys : n)) < 0 && errno != EAGAIN)
		say("typing to the guest: %s", strerror(errno));
	return esc != NULL;
}

/* Follow one domain; returns the next to follow (restart) or -1. Its
 * output: the hypervisor's console ring (COM1, console_io) and, once
 * vmconsoled serves it, its PV console, whose terminal also takes what
 * is typed. */
static long follow(uint32_t domid, const struct vmcfg *cfg, time_t started,
		   bool *detached)
{
	struct pollfd fds[3] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = vmctl_fd(cli_handle()), .events = POLLIN },
		{ .fd = -1, .events = POLLIN },
	};
	struct umbra_domain_info info;
	uint64_t pos = 0, gen;
	long next;
	int rc;

	vmctl_events(cli_handle(), &gen);
	for (;;) {
		if (fds[2].fd < 0)
			fds[2].fd = open_pv_console(domid);
		pv_output(&fds[2].fd);
		if (!drain(domid, &pos)) {
			say("domain %u is gone", domid);
			break;
		}
		rc = vmctl_domain_info(cli_handle(), domid, &info);
		if (rc < 0) {
			say("domain %u is gone", domid);
			break;
		}
		if (domain_stopped(&info)) {
			drain(domid, &pos);
			usleep(100 * 1000);	/* vmconsoled's last copy */
			pv_output(&fds[2].fd);
			restore_terminal();
			next = domain_on_stop(domid, &info, cfg, started);
			if (fds[2].fd >= 0)
				close(fds[2].fd);
			return next;
		}
		if (poll(fds, 3, POLL_MS) < 0 && errno != EINTR)
			cli_fail_errno("poll");
		if ((fds[0].revents & (POLLIN | POLLHUP)) && keys_in(&fds[0], fds[2].fd)) {
			*detached = true;
			break;
		}
		if (fds[1].revents & POLLIN)
			vmctl_events(cli_handle(), &gen);
	}
	if (fds[2].fd >= 0)
		close(fds[2].fd);
	return -1;
}

int console_follow(uint32_t domid, const struct vmcfg *cfg)
{
	struct umbra_domain_info info;
	/* create -c: it starts now; console: the store knows when. */
	time_t started = cfg ? time(NULL) : 0;
	bool detached = false;
	long next = domid;
	int rc;

	rc = vmctl_domain_info(cli_handle(), domid, &info);
	if (rc < 0)
		cli_fail_lib(rc, "domain %u", domid);
	watch_self = true;
	watch_hold(domid);	/* its watcher waits for us */
	fprintf(stderr, "vmctl: console of %.*s (%u); Ctrl-] detaches\n",
		UMBRA_DOMAIN_NAME_MAX, info.name, domid);
	raw_terminal();
	while (next >= 0 && !detached) {
		domid = (uint32_t)next;
		next = follow(domid, cfg, started, &detached);
		if (next >= 0) {
			started = time(NULL);
			raw_terminal();
		}
	}
	restore_terminal();
	if (detached)
		fprintf(stderr, "\nvmctl: detached from domain %u\n", domid);
	return 0;
}

int cmd_console(int argc, char **argv)
{
	int first = cli_options(argc, argv, "", NULL);

	if (argc - first != 1)
		cli_usage();
	return console_follow(cli_domain(argv[first], NULL), NULL);
}
