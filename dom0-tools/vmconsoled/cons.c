/* One domain's PV console (see cons.h). */
#include "cons.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "log.h"

static void notify(struct cons *c, struct vmctl *h)
{
	if (vmctl_evtchn_notify(h, c->port))
		cons_log("dom%u: notify: %s", c->domid, vmctl_last_error());
}

/* A raw terminal: bytes pass as they are, both ways. */
static int open_pty(struct cons *c)
{
	struct termios tio;
	const char *name;

	c->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (c->master < 0 || grantpt(c->master) || unlockpt(c->master))
		return -1;
	name = ptsname(c->master);
	if (!name || strlen(name) >= sizeof(c->tty))
		return -1;
	strcpy(c->tty, name);
	/* Held open by us too: the terminal survives vmctl going away. */
	c->slave = open(c->tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (c->slave < 0 || tcgetattr(c->slave, &tio))
		return -1;
	cfmakeraw(&tio);
	if (tcsetattr(c->slave, TCSANOW, &tio))
		return -1;
	return fcntl(c->master, F_SETFL, O_NONBLOCK);
}

static int open_log(struct cons *c, const char *logdir, const char *name)
{
	char path[4096];

	mkdir(logdir, 0755);
	snprintf(path, sizeof(path), "%s/guest-%s.log", logdir, name);
	c->log = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	return c->log < 0 ? -1 : 0;
}

int cons_open(struct cons *c, struct vmctl *h, uint32_t domid, const char *name,
	      const char *logdir)
{
	struct umbra_mgmt_rings r;
	long port;

	*c = (struct cons){ .domid = domid, .master = -1, .slave = -1, .log = -1 };
	if (vmctl_domain_rings(h, domid, &r))
		return -1;	/* none: a boot-module domain */
	c->intf = vmctl_ring_map(h, domid, UMBRA_RING_CONSOLE);
	if (!c->intf) {
		cons_log("dom%u: %s", domid, vmctl_last_error());
		return -1;
	}
	port = vmctl_evtchn_bind(h, domid, r.console_port);
	if (port <= 0) {
		cons_log("dom%u: %s", domid, vmctl_last_error());
		cons_close(c, h);
		return -1;
	}
	c->port = (uint32_t)port;
	if (open_pty(c) || open_log(c, logdir, name)) {
		cons_log("dom%u: terminal or log: %s", domid, strerror(errno));
		cons_close(c, h);
		return -1;
	}
	cons_log("dom%u (%s): console on %s (page %llu, port %u, dom0 port %u)", domid, name,
		 c->tty, (unsigned long long)r.console_gfn, r.console_port, c->port);
	cons_output(c, h);	/* what it wrote before we came */
	return 0;
}

void cons_close(struct cons *c, struct vmctl *h)
{
	if (c->port)
		vmctl_evtchn_close(h, c->port);
	if (c->intf)
		vmctl_ring_unmap(h, c->domid, UMBRA_RING_CONSOLE, c->intf);
	if (c->master >= 0)
		close(c->master);
	if (c->slave >= 0)
		close(c->slave);
	if (c->log >= 0)
		close(c->log);
	*c = (struct cons){ .master = -1, .slave = -1, .log = -1 };
}

static void put(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;	/* a full terminal nobody reads: the log has it */
		p += w;
		n -= (size_t)w;
	}
}

void cons_output(struct cons *c, struct vmctl *h)
{
	struct xencons_interface *i = c->intf;
	XENCONS_RING_IDX cons = i->out_cons;
	XENCONS_RING_IDX prod = __atomic_load_n(&i->out_prod, __ATOMIC_ACQUIRE);

	if (prod == cons)
		return;
	if (prod - cons > sizeof(i->out)) {
		cons_log("dom%u: impossible output indices; skipped", c->domid);
		cons = prod;
	}
	while (cons != prod) {
		uint32_t at = MASK_XENCONS_IDX(cons, i->out);
		uint32_t n = prod - cons;

		if (n > sizeof(i->out) - at)
			n = sizeof(i->out) - at;
		put(c->log, i->out + at, n);
		put(c->master, i->out + at, n);
		cons += n;
	}
	__atomic_store_n(&i->out_cons, cons, __ATOMIC_RELEASE);
	notify(c, h);
}

bool cons_input_room(const struct cons *c)
{
	const struct xencons_interface *i = c->intf;

	return i->in_prod - __atomic_load_n(&i->in_cons, __ATOMIC_ACQUIRE) < sizeof(i->in);
}

void cons_input(struct cons *c, struct vmctl *h)
{
	struct xencons_interface *i = c->intf;
	XENCONS_RING_IDX prod = i->in_prod;
	uint32_t room = sizeof(i->in) - (prod - __atomic_load_n(&i->in_cons, __ATOMIC_ACQUIRE));
	char buf[sizeof(i->in)];
	ssize_t n;

	if (room > sizeof(i->in))
		room = 0;	/* the guest's index is impossible: give nothing */
	if (!room)
		return;
	n = read(c->master, buf, room);
	if (n <= 0)
		return;
	for (ssize_t k = 0; k < n; k++)
		i->in[MASK_XENCONS_IDX(prod++, i->in)] = buf[k];
	__atomic_store_n(&i->in_prod, prod, __ATOMIC_RELEASE);
	notify(c, h);
}
