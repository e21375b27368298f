/* Log lines a guest can cause (hypervisor/common/guest_log.c): its
 * console lines, and the hypervisor's messages about what it did (an
 * unknown MSR, its hypercall page, ...). Each domain has a token bucket
 * for each kind, so that no guest can flood the log ring and the serial
 * port; what a bucket refuses is counted, and the count printed as
 *   domain N (NAME): M messages suppressed (over R a second)
 * at most once a second when a line passes, and when the domain stops. */
#ifndef UMBRA_GUEST_LOG_H
#define UMBRA_GUEST_LOG_H

#include <stddef.h>
#include <public/umbra.h>
#include <umbra/log_level.h>
#include <umbra/ratelimit.h>
#include <umbra/spinlock.h>

/* One per domain (struct domain's glog). */
struct guest_log {
	spinlock_t lock;
	unsigned int domid;
	char name[UMBRA_DOMAIN_NAME_MAX];
	struct ratelimit messages;	/* gprintk() */
	struct ratelimit lines;		/* guest_console_line() */
};

void guest_log_init(struct guest_log *gl, unsigned int domid, const char *name);

/* A message caused by domain d's guest, at any level: the only way to
 * print one. */
#define gprintk(d, lvl, ...)	guest_printk(&(d)->glog, (lvl), __VA_ARGS__)
void guest_printk(struct guest_log *gl, enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One line of the guest's console output (without its newline), as
 * "(dN NAME) LINE". */
void guest_console_line(struct guest_log *gl, const char *line, size_t len);

/* The domain has stopped: print what its buckets refused and no line
 * reported yet. */
void guest_log_stop(struct guest_log *gl);

#endif
