/*
 * The per-domain watcher (xl's "xl create" child): vmctl has no daemon,
 * so `vmctl create` leaves a detached process per domain that waits for
 * it to stop and carries out its on_poweroff / on_reboot / on_crash
 * action (domain_on_stop, the one place that decides).
 *
 * Who wins: a command that watches the domain itself (create -c,
 * console, shutdown -w) holds a shared lock on the domain's lock file
 * while it watches; the watcher acts only if it gets the lock
 * exclusively at once. Otherwise the watching command wins: it acts,
 * and the watcher waits for it to end and exits. An action is never
 * carried out twice.
 */
#ifndef VMCTL_WATCH_H
#define VMCTL_WATCH_H

#include <stdint.h>

/* Where the lock and pid files live, and the watchers' log. */
#define WATCH_RUN_DIR	"/run/umbra"
#define WATCH_LOG	"/var/log/umbra/vmctl-watch.log"

/* This command watches the domain from now until it exits. */
void watch_hold(uint32_t domid);

/* Set in the environment: no watcher (vmctl(1), ENVIRONMENT). */
#define WATCH_OFF_ENV	"VMCTL_NO_WATCHER"

/* This command watches the domains it starts (create -c, console after
 * a restart): it carries out their actions, their watchers wait. */
extern bool watch_self;

/* A domain was started (domain_start_hook): hold it if watch_self, and
 * leave its watcher. */
void watch_started(uint32_t domid);

/* Leave a detached watcher for the domain (none if one already runs). */
void watch_spawn(uint32_t domid);

#endif
