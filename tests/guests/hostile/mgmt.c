/*
 * The management hypercall from a domain that is not dom0: every
 * command, well-formed or not, fails with -EPERM before anything of it
 * is read or written (so a bad pointer is -EPERM too, never -EFAULT, and
 * no guest fault is counted), and nothing changes: no domain is created,
 * paused or destroyed (the suite checks the log and the neighbours).
 */
#include <public/mgmt.h>
#include <public/sched.h>

#include "hostile.h"
#include "hypercall.h"
#include "runtime.h"
#include "pt.h"

#define FILL	0x5a

static long mgmt_call(uint64_t va)
{
	return hypercall2(__HYPERVISOR_umbra_mgmt, va, 0);
}

/* A request dom0 could have made: the current version, sane arguments,
 * a buffer of a page filled with FILL. */
static void well_formed(struct umbra_mgmt *r, uint32_t cmd, uint32_t domid, uint8_t *buf)
{
	memset(r, 0, sizeof(*r));
	r->cmd = cmd;
	r->interface_version = UMBRA_MGMT_INTERFACE_VERSION;
	r->domid = domid;
	r->buf = (uint64_t)(uintptr_t)buf;
	r->buf_len = PAGE_SIZE;
	switch (cmd) {
	case UMBRA_MGMT_domain_create:
		memcpy(r->u.create.name, "intruder", 9);
		r->u.create.mem_bytes = 2ULL << 20;
		r->u.create.affinity = ~0ULL;
		r->u.create.nr_vcpus = 1;
		r->u.create.type = UMBRA_DOMAIN_TYPE_PVH;
		r->u.create.paging = UMBRA_PAGING_NESTED;
		break;
	case UMBRA_MGMT_domain_shutdown:
		r->u.shutdown.reason = SHUTDOWN_poweroff;
		break;
	case UMBRA_MGMT_vcpu_pin:
		r->u.pin.affinity = 1;
		break;
	case UMBRA_MGMT_events:
		r->u.events.vector = 0x40;
		break;
	}
	memset(buf, FILL, PAGE_SIZE);
}

static bool all_fill(const uint8_t *p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (p[i] != FILL)
			return false;
	return true;
}

/* One command aimed at domid: -EPERM, request and buffer untouched. */
static void try_command(uint32_t cmd, uint32_t domid, uint8_t *buf, const char *what)
{
	struct umbra_mgmt r, before;

	well_formed(&r, cmd, domid, buf);
	before = r;
	check_rc(what, mgmt_call((uint64_t)(uintptr_t)&r), -XEN_EPERM);
	check_that("the request is unchanged", !memcmp(&r, &before, sizeof(r)), cmd);
	check_that("the buffer is unchanged", all_fill(buf, PAGE_SIZE), cmd);
}

static const char *const names[UMBRA_MGMT_NR_CMDS] = {
	"physinfo", "domain_create", "memory_write", "vcpu_start", "domain_unpause",
	"domain_pause", "domain_shutdown", "domain_destroy", "domain_list", "vcpu_pin",
	"console_read", "log_read", "log_clear", "domain_counters", "events",
	"snapshot", "event_irq", "memory_read", "vcpu_context_get", "vcpu_context_set",
	"domain_state", "domain_rings", "ring_map", "evtchn_op", "evtchn_pending", "pv_build",
	"grant_state",
};

void attack_mgmt(void)
{
	const uint64_t bad[] = { 1ULL << 32, 0x8000000000000000ULL, domain_mem_end(), 0 };
	uint8_t *buf = page_alloc();
	struct umbra_mgmt r, before;

	if (!buf) {
		check_that("a page for the buffer", false, 0);
		return;
	}
	/* Aimed at dom0 and at the first other domain (a neighbour). */
	for (uint32_t cmd = 0; cmd < UMBRA_MGMT_NR_CMDS; cmd++) {
		try_command(cmd, 0, buf, names[cmd]);
		try_command(cmd, 1, buf, names[cmd]);
	}
	try_command(UMBRA_MGMT_NR_CMDS, 0, buf, "an unknown command");
	/* Another version: still -EPERM, not -EACCES, and our version is
	 * not written back (nothing of the request is looked at). */
	well_formed(&r, UMBRA_MGMT_physinfo, 0, buf);
	r.interface_version = 0x00020000;
	before = r;
	check_rc("another interface version", mgmt_call((uint64_t)(uintptr_t)&r), -XEN_EPERM);
	check_that("its version is not answered", !memcmp(&r, &before, sizeof(r)),
		   r.interface_version);
	/* Pointers the hypervisor could not even read: -EPERM, no fault. */
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_rc("a request at a bad address", mgmt_call(bad[i]), -XEN_EPERM);
}
