/*
 * A fake Umbra behind a fake /dev/umbra, for libvmctl's host tests: the
 * test executable defines ioctl(), so the library's UMBRA_IOCTL_MGMT
 * requests land here (on any fd) and are answered from a small model of
 * domains, their memory and console rings.
 */
#ifndef FAKE_UMBRA_H
#define FAKE_UMBRA_H

#include <stdint.h>

#include "public/mgmt.h"

#define FAKE_MAX_DOMAINS	128

struct fake_domain {
	bool exists;
	struct umbra_domain_info info;
	uint8_t *mem;
	uint64_t entry, start_info;
	/* Save and restore: what vcpu_context_get/domain_state GET answer
	 * and what the sets stored. */
	struct umbra_vcpu_context vcpu[UMBRA_MAX_VCPUS];
	struct umbra_domain_state state;
	struct umbra_evtchn_record ports[16];
	bool state_loaded;
	/* grant_state's buffer (empty: a version 1 table with nothing) */
	_Alignas(8) uint8_t grants[sizeof(struct umbra_grant_state) + 8 * sizeof(struct umbra_grant_frame) +
		       4 * UMBRA_GRANT_PAGE];
	size_t grants_size;
	bool grants_loaded;
};

struct fake_umbra {
	uint32_t interface_version;	/* what it speaks */
	uint64_t free_bytes;
	uint64_t generation;
	struct fake_domain dom[FAKE_MAX_DOMAINS];
	const char *console;		/* every domain's console, from position 0 */
	uint64_t console_held;		/* the ring keeps the last this many bytes */
	int fail_create;		/* errno create returns, 0: none */
	int fail_write;			/* errno memory_write returns, 0: none */
	uint32_t snapshot_mismatch;	/* >0: this domid's record is wrong */
	/* What the library asked. */
	unsigned int calls[UMBRA_MGMT_NR_CMDS];
	uint64_t largest_write;
	uint64_t bytes_written;		/* by memory_write, all domains */
};

extern struct fake_umbra fake;

/* Reset to: 2 CPUs, dom0 (id 0) on CPU 0, `free` bytes free. */
void fake_reset(uint64_t free);
/* Add a started domain; returns its id. */
uint32_t fake_add_domain(const char *name, uint64_t mem);
/* Domains "d<from>" .. "d<to - 1>", 2 MiB each. */
void fake_add_domains(unsigned int from, unsigned int to);

/* cmocka fixtures: a fake with 200 MiB free and a library handle on it
 * in *state; then the handle closed and the fake emptied. */
int fake_open(void **state);
int fake_close(void **state);

#endif
