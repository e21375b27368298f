/*
 * sched_op(cmd, arg): a vCPU's dealings with the scheduler. Numbers and
 * structures follow Xen's public sched.h.
 */
#ifndef UMBRA_PUBLIC_SCHED_H
#define UMBRA_PUBLIC_SCHED_H

#include "event_channel.h"

#define SCHEDOP_yield		0	/* arg unused: give up the CPU */
#define SCHEDOP_block		1	/* arg unused: sleep until an event */
#define SCHEDOP_shutdown	2	/* arg: struct sched_shutdown */
#define SCHEDOP_poll		3	/* arg: struct sched_poll */
#define SCHEDOP_remote_shutdown	4	/* arg: struct sched_remote_shutdown */
#define SCHEDOP_shutdown_code	5	/* arg: struct sched_shutdown, code only */
#define SCHEDOP_watchdog	6	/* arg: struct sched_watchdog */
#define SCHEDOP_pin_override	7	/* arg: struct sched_pin_override */

/*
 * Shutdown reasons. Control software decides what to do with a domain
 * that stopped; the hypervisor only records the reason.
 */
#define SHUTDOWN_poweroff	0	/* finished normally */
#define SHUTDOWN_reboot		1	/* wants to be restarted */
#define SHUTDOWN_suspend	2	/* wants to be saved */
#define SHUTDOWN_crash		3	/* crashed */
#define SHUTDOWN_watchdog	4	/* its watchdog expired */
#define SHUTDOWN_soft_reset	5	/* reset hypervisor state, keep memory */
#define SHUTDOWN_MAX		5

#ifndef __ASSEMBLY__

struct sched_shutdown {
	uint32_t reason;	/* SHUTDOWN_* */
};
UMBRA_ABI_SIZE(struct sched_shutdown, 4);

/* Block until one of the ports is pending or `timeout` (system time, ns;
 * 0 = none) passes. */
struct sched_poll {
	uint64_t ports;		/* guest address of evtchn_port_t[nr_ports] */
	uint32_t nr_ports;
	uint64_t timeout;
};
UMBRA_ABI_SIZE64(struct sched_poll, 24);
UMBRA_ABI_OFFSET64(struct sched_poll, timeout, 16);

/* What a 32-bit caller passes (Xen's compat layout: a 4-byte handle,
 * uint64_t 4-byte aligned). */
struct compat_sched_poll {
	uint32_t ports;
	uint32_t nr_ports;
	uint64_t timeout;
};
UMBRA_ABI_OFFSET(struct compat_sched_poll, timeout, 8);
UMBRA_ABI_SIZE(struct compat_sched_poll, 16);

struct sched_remote_shutdown {
	domid_t domain_id;
	uint32_t reason;	/* SHUTDOWN_* */
};
UMBRA_ABI_SIZE(struct sched_remote_shutdown, 8);

/* id 0 creates a watchdog (id returned); timeout 0 destroys it. */
struct sched_watchdog {
	uint32_t id;
	uint32_t timeout;	/* seconds */
};
UMBRA_ABI_SIZE(struct sched_watchdog, 8);

struct sched_pin_override {
	int32_t pcpu;		/* < 0: undo the override */
};

#endif /* !__ASSEMBLY__ */

#endif
