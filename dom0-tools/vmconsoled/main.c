/*
 * vmconsoled: the PV console back end in dom0 (Xen's xenconsoled). For
 * every domain with a console ring it maps the page, binds the console
 * channel, copies the guest's output to /var/log/umbra/guest-NAME.log and
 * to a pseudo-terminal, and what is typed there into the guest's input
 * ring; `vmctl console` finds the terminal through the store's
 * console/tty. Domains are found (and forgotten when destroyed) on every
 * change Umbra reports, and once a second besides.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cons.h"
#include "dom0-tools/lib/libvmstore/vmstore.h"
#include "log.h"

#define MAX_CONS	128	/* MAX_DOMAINS */
#define RESCAN_MS	1000

static struct cons cons[MAX_CONS];
/* Something only a later scan can finish (a console/tty not written
 * yet, the domain list not read): poll() times out after RESCAN_MS.
 * Otherwise it waits for Umbra's events alone, which every domain
 * created or destroyed and every console port raise: a timeout each
 * second would wake dom0's idle CPU (a timer, its APIC writes, four
 * management calls) for nothing. */
static bool rescan;
static struct vmctl *h;
static const char *logdir = "/var/log/umbra";
static volatile sig_atomic_t stop;

void cons_log(const char *fmt, ...)
{
	char when[32];
	time_t t = time(NULL);
	va_list ap;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&t));
	fprintf(stderr, "%s vmconsoled: ", when);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * console/tty, as xenconsoled writes it: where `vmctl console` attaches.
 * Only once vmctl has recorded the domain (its console/port is there):
 * written earlier, it would create the domain's directories with dom0's
 * permissions, and the guest could read none of its own nodes.
 */
static bool publish_tty(const struct cons *c)
{
	struct vms_handle *s = vms_open(NULL, 0);
	char path[64], *port;
	bool done = false;

	if (!s)
		return false;	/* no store (yet): tried again at the next scan */
	snprintf(path, sizeof(path), "/local/domain/%u/console/port", c->domid);
	port = vms_read(s, VMS_TXN_NULL, path, NULL);
	if (port) {
		snprintf(path, sizeof(path), "/local/domain/%u/console/tty", c->domid);
		done = vms_write(s, VMS_TXN_NULL, path, c->tty, strlen(c->tty));
		if (!done)
			cons_log("dom%u: writing %s: %s", c->domid, path, strerror(errno));
	}
	free(port);
	vms_close(s);
	return done;
}

static struct cons *find(uint32_t domid)
{
	for (unsigned int i = 0; i < MAX_CONS; i++)
		if (cons[i].intf && cons[i].domid == domid)
			return &cons[i];
	return NULL;
}

static struct cons *free_slot(void)
{
	for (unsigned int i = 0; i < MAX_CONS; i++)
		if (!cons[i].intf)
			return &cons[i];
	return NULL;
}

/* New domains served, destroyed ones let go. */
static void scan(void)
{
	struct umbra_domain_info *list;
	unsigned int n, i;
	char name[UMBRA_DOMAIN_NAME_MAX + 1];

	rescan = false;
	if (vmctl_domain_list(h, &list, &n) < 0) {
		cons_log("listing domains: %s", vmctl_last_error());
		rescan = true;
		return;
	}
	for (i = 0; i < MAX_CONS; i++)
		cons[i].seen = false;
	for (i = 0; i < n; i++) {
		struct cons *c = find(list[i].domid);

		if ((list[i].flags & UMBRA_DOMFLAG_DOM0) ||
		    list[i].state == UMBRA_DOMSTATE_DYING)
			continue;
		if (!c && (c = free_slot())) {
			snprintf(name, sizeof(name), "%.*s", UMBRA_DOMAIN_NAME_MAX, list[i].name);
			if (cons_open(c, h, list[i].domid, name, logdir))
				continue;
		}
		if (!c)
			continue;
		c->seen = true;
		if (!c->published)
			c->published = publish_tty(c);
		rescan |= !c->published;
	}
	free(list);
	for (i = 0; i < MAX_CONS; i++)
		if (cons[i].intf && !cons[i].seen) {
			cons_log("dom%u: gone", cons[i].domid);
			cons_close(&cons[i], h);
		}
}

/* Umbra's events: which consoles' ports had one. */
static void events(void)
{
	uint32_t ports[MAX_CONS];
	struct cons *of[MAX_CONS];
	unsigned int n = 0, i;
	uint64_t gen;

	vmctl_events(h, &gen);
	scan();
	for (i = 0; i < MAX_CONS; i++)
		if (cons[i].intf) {
			of[n] = &cons[i];
			ports[n++] = cons[i].port;
		}
	if (n && vmctl_evtchn_pending(h, ports, n) < 0)
		cons_log("events: %s", vmctl_last_error());
	for (i = 0; i < n; i++)
		if (ports[i]) {
			cons_output(of[i], h);
			cons_input(of[i], h);	/* room may have come */
		}
}

static void loop(void)
{
	struct pollfd fds[MAX_CONS + 1];
	struct cons *of[MAX_CONS + 1];
	unsigned int n, i;
	int rc;

	events();
	while (!stop) {
		n = 0;
		fds[n++] = (struct pollfd){ .fd = vmctl_fd(h), .events = POLLIN };
		for (i = 0; i < MAX_CONS; i++)
			if (cons[i].intf && cons_input_room(&cons[i])) {
				of[n] = &cons[i];
				fds[n++] = (struct pollfd){ .fd = cons[i].master, .events = POLLIN };
			}
		rc = poll(fds, n, rescan ? RESCAN_MS : -1);
		if (rc < 0 && errno != EINTR) {
			cons_log("poll: %s", strerror(errno));
			return;
		}
		if (rc <= 0 || (fds[0].revents & POLLIN)) {
			events();
			continue;	/* the table may have changed */
		}
		for (i = 1; i < n; i++)
			if (fds[i].revents & POLLIN)
				cons_input(of[i], h);
	}
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vmconsoled [-F] [-p PIDFILE] [-L LOGFILE] [-d LOGDIR]\n"
		"  -F  stay in the foreground\n"
		"  -p  write the daemon's pid to PIDFILE\n"
		"  -L  its own messages to LOGFILE (default: stderr)\n"
		"  -d  the guests' console logs, guest-NAME.log (default /var/log/umbra)\n");
}

static int daemonise(const char *pidfile)
{
	pid_t pid = fork();
	FILE *f;

	if (pid < 0)
		return -1;
	if (pid > 0) {
		if (pidfile && (f = fopen(pidfile, "w"))) {
			fprintf(f, "%ld\n", (long)pid);
			fclose(f);
		}
		_exit(0);
	}
	setsid();
	return chdir("/");
}

int main(int argc, char **argv)
{
	const char *pidfile = NULL, *logfile = NULL;
	bool foreground = false;
	int opt, fd;

	while ((opt = getopt(argc, argv, "Fp:L:d:h")) != -1) {
		switch (opt) {
		case 'F': foreground = true; break;
		case 'p': pidfile = optarg; break;
		case 'L': logfile = optarg; break;
		case 'd': logdir = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (logfile && (fd = open(logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) >= 0) {
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (vmctl_open(&h)) {
		cons_log("%s", vmctl_last_error());
		return 1;
	}
	if (!foreground && daemonise(pidfile))
		return 1;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	cons_log("serving consoles; logs in %s", logdir);
	loop();
	for (unsigned int i = 0; i < MAX_CONS; i++)
		if (cons[i].intf)
			cons_close(&cons[i], h);
	vmctl_close(h);
	if (pidfile && !foreground)
		unlink(pidfile);
	cons_log("stopped");
	return 0;
}
