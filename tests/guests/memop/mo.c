/* The memop guest's checks and calls. */
#include <public/hvm/start_info.h>
#include <public/sched.h>

#include "hypercall.h"
#include "mo.h"
#include "runtime.h"

static unsigned int checks, failures;

void mo_check(bool ok, const char *what, long got)
{
	checks++;
	if (ok) {
		con_printf("memop: ok: %s\n", what);
		return;
	}
	failures++;
	con_printf("memop: FAIL %s (got %ld)\n", what, got);
}

unsigned int mo_failures(void)
{
	return failures;
}

unsigned int mo_checks(void)
{
	return checks;
}

long mo_memory_op(unsigned int cmd, const void *arg)
{
	return hypercall2(__HYPERVISOR_memory_op, cmd, (uint64_t)(uintptr_t)arg);
}

long hypercall_memop_raw(uint64_t cmd, const void *arg)
{
	return hypercall_raw(__HYPERVISOR_memory_op, cmd, (uint64_t)(uintptr_t)arg, 0);
}

long mo_reservation(unsigned int cmd, const uint64_t *list, uint64_t nr, unsigned int order,
		    uint16_t domid)
{
	struct xen_memory_reservation r = {
		.extent_start = (uint64_t)(uintptr_t)list, .nr_extents = nr,
		.extent_order = order, .domid = domid,
	};

	return mo_memory_op(cmd, &r);
}

long mo_current_reservation(void)
{
	uint16_t self = DOMID_SELF;

	return mo_memory_op(XENMEM_current_reservation, &self);
}

long mo_vcpu_op(unsigned int cmd, unsigned int vcpu, void *arg)
{
	return hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpu, (uint64_t)(uintptr_t)arg);
}

uint64_t mo_gfn(const void *p)
{
	return (uint64_t)(uintptr_t)p / PAGE_BYTES;
}

bool mo_pages_read(const void *p, uint64_t n, uint64_t want)
{
	for (uint64_t i = 0; i < n; i++)
		if (*(volatile const uint64_t *)((const char *)p + i * PAGE_BYTES) != want)
			return false;
	return true;
}

const char guest_name[] = "memop";

static uint16_t own_id(void)
{
	struct umbra_identity id;

	return hv_umbra_op(UMBRAOP_identity, &id) ? DOMID_SELF : id.domid;
}

/*
 * memop: memory_op and the time and vCPU state a Linux PVH guest reads.
 *   cases=memory,grant,time,hostile   which parts run (default: all)
 * Prints "memop: ok: ..." per check and "memop: N checks, M failed".
 */
int guest_main(const struct hvm_start_info *si)
{
	const char *cases = guest_option("cases=");

	if (!cases || guest_word_in_list(cases, "memory"))
		memory_cases(si);
	if (!cases || guest_word_in_list(cases, "grant"))
		grant_cases(own_id());
	if (!cases || guest_word_in_list(cases, "time"))
		time_cases();
	if (!cases || guest_word_in_list(cases, "hostile"))
		hostile_cases();
	con_printf("memop: %u checks, %u failed\n", mo_checks(), mo_failures());
	return SHUTDOWN_poweroff;
}
