/*
 * A test double of libvmctl for vmtop's tests (never shipped): a machine
 * held in memory that a test fills in, and that counts the calls made
 * on it. With $VMTOP_FAKE_DOMAINS set, vmctl_open() fills it with that
 * many domains whose counters grow with time, for trying the screen on
 * a host (build/tests/unit/vmtop/vmtop-fake).
 */
#ifndef VMTOP_FAKE_VMCTL_H
#define VMTOP_FAKE_VMCTL_H

#include "dom0-tools/lib/libvmctl/vmctl.h"

#define FAKE_MAX_DOMS	128

struct fake_machine {
	struct umbra_mgmt_physinfo phys;
	struct umbra_domain_info doms[FAKE_MAX_DOMS];
	struct umbra_domain_counters ctrs[FAKE_MAX_DOMS];
	unsigned int nr;
	int fail_list;			/* next domain_list fails with this */
	unsigned int calls_physinfo, calls_list, calls_counters, calls_info;
	unsigned int calls_pause, calls_unpause, calls_destroy, calls_snapshot;
	unsigned int calls_console;
	const char *console;		/* what every console holds */
	int simulate;			/* counters grow on each read */
};

extern struct fake_machine fake;

/* Empty machine: 2 CPUs, 2 GiB, dom0 only if with_dom0. */
void fake_reset(int with_dom0);

/* Add a domain; returns its slot. */
int fake_add(uint32_t domid, const char *name, uint32_t state, uint64_t mem_bytes,
	     uint32_t vcpus, uint64_t cpu_ns);

/* Remove the domain with this domid. */
void fake_remove(uint32_t domid);

#endif
