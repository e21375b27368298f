/*
 * Domain life cycle as vmctl runs it, shared by create, shutdown -w and
 * console: starting a domain from a config, waiting for it to stop, and
 * carrying out its on_poweroff / on_reboot / on_crash action. vmctl has
 * no daemon: every domain started here gets a detached watcher
 * (watch.h) that carries out the action, unless a command watching the
 * domain (create -c, console, shutdown -w) does it first.
 */
#ifndef VMCTL_DOMAIN_H
#define VMCTL_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "cli.h"
#include "config.h"

/* Called for each domain started, before it runs: main.c sets it to
 * watch_started (its watcher, watch.h), which needs this file. */
extern void (*domain_start_hook)(uint32_t domid);

/* Create, load, pin, record in the store and (unless paused) start it.
 * Fails the command with the hypervisor's reason. */
uint32_t domain_start(const struct vmcfg *cfg, bool paused);

/* Destroy it and remove its store entries. */
void domain_destroy(uint32_t domid, const char *name);

/* Has it stopped (shut down, crashed, dying)? */
bool domain_stopped(const struct umbra_domain_info *info);

/* "shut down (poweroff)", "crashed: <why>", "dying" into buf. */
const char *domain_stop_text(const struct umbra_domain_info *info, char *buf,
			     size_t len);

/* A domain that stops sooner than this after its start is not restarted
 * (xl's guard against a restart loop). */
#define DOMAIN_RESTART_MIN_S	5

/*
 * Carry out the domain's action for how it stopped: from cfg if given,
 * else from what the store recorded, else leave it (preserve). `started`
 * is when it was started (0: as the store recorded it). Prints what it
 * did on stderr. Returns the domain id to follow next: the new domain's
 * after a restart, else -1.
 */
long domain_on_stop(uint32_t domid, const struct umbra_domain_info *info,
		    const struct vmcfg *cfg, time_t started);

/*
 * Wait until the domain stops or disappears (-1 timeout_ms: no limit).
 * Returns 1 stopped (*info filled), 0 gone, -1 timed out.
 */
int domain_wait_stop(uint32_t domid, struct umbra_domain_info *info,
		     int timeout_ms);

#endif
