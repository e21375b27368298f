/*
 * Following a domain's console: ring reads by position (so nothing is
 * missed, and what was overwritten is counted and reported), poll() on
 * libvmctl's event descriptor and the terminal, and a raw terminal that
 * is restored however vmctl ends: detach, the domain's end, an error
 * (atexit) or a signal (the handler restores, then dies of the signal).
 */
#include <errno.h>
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

/* Ctrl-] read from the terminal? (EOF: stop reading it.) */
static bool detach_key(struct pollfd *in)
{
	char keys[64];
	ssize_t n = read(in->fd, keys, sizeof(keys));

	if (n <= 0) {
		if (n == 0 || errno != EINTR)
			in->fd = -1;
		return false;
	}
	return memchr(keys, CONSOLE_ESCAPE, (size_t)n) != NULL;
}

/* Follow one domain; returns the next to follow (restart) or -1. */
static long follow(uint32_t domid, const struct vmcfg *cfg, time_t started,
		   bool *detached)
{
	struct pollfd fds[2] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = vmctl_fd(cli_handle()), .events = POLLIN },
	};
	struct umbra_domain_info info;
	uint64_t pos = 0, gen;
	int rc;

	vmctl_events(cli_handle(), &gen);
	for (;;) {
		if (!drain(domid, &pos)) {
			say("domain %u is gone", domid);
			return -1;
		}
		rc = vmctl_domain_info(cli_handle(), domid, &info);
		if (rc < 0) {
			say("domain %u is gone", domid);
			return -1;
		}
		if (domain_stopped(&info)) {
			drain(domid, &pos);
			restore_terminal();
			return domain_on_stop(domid, &info, cfg, started);
		}
		if (poll(fds, 2, POLL_MS) < 0 && errno != EINTR)
			cli_fail_errno("poll");
		if ((fds[0].revents & (POLLIN | POLLHUP)) && detach_key(&fds[0])) {
			*detached = true;
			return -1;
		}
		if (fds[1].revents & POLLIN)
			vmctl_events(cli_handle(), &gen);
	}
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
