/*
 * A domain's entries in the store (vmstored), where xl puts them:
 * /local/domain/N/{name,domid,vm,memory/target,...} and /vm/UUID/...,
 * and the @introduceDomain / @releaseDomain events. vmctl works without
 * the store: every function here warns once and goes on when vmstored
 * cannot be reached.
 */
#ifndef VMCTL_STORE_H
#define VMCTL_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "config.h"

struct umbra_mgmt_rings;

/*
 * Record a new domain from its config (including its on_* actions and
 * what is needed to start it again) and its rings (store/ and console/,
 * as xl writes them; rings NULL: it has none), and introduce it with its
 * store ring. Returns whether the store has it.
 */
bool store_domain_add(uint32_t domid, const struct vmcfg *cfg,
		      const struct umbra_mgmt_rings *rings);

/* Remove the domain's entries and release it (nothing there is fine). */
void store_domain_remove(uint32_t domid);

/*
 * The config recorded for the domain (name, memory, vcpus, cpus, type,
 * paging, kernel, ramdisk, cmdline, on_* actions), into an initialised
 * cfg. Returns false if the store has none.
 */
bool store_domain_config(uint32_t domid, struct vmcfg *cfg);

/* The terminal of its PV console (console/tty, written by vmconsoled),
 * malloc()ed, or NULL while there is none. */
char *store_console_tty(uint32_t domid);

/*
 * Ask the guest itself to shut down, as xl shutdown does: write what
 * ("poweroff", "reboot") to its control/shutdown when the guest says it
 * watches there (control/feature-WHAT = "1", which Linux's xenbus
 * writes). Returns false, having written nothing, when it does not or
 * the store cannot be reached.
 */
bool store_domain_request(uint32_t domid, const char *what);

/* When the domain was started, as recorded (0: not known). */
time_t store_domain_started(uint32_t domid);

/* Drop the cached store connection without using it (a forked child
 * connects on its own). */
void store_forget(void);

#endif
