/*
 * grant: two domains share pages through Xen's grant tables, and a third
 * attacks them. Command line:
 *   role=granter peer=N   grant pages to domain N, wait until it has
 *                         used them, check what it wrote, revoke
 *   role=mapper peer=N    map and copy domain N's grants, both ways
 *   role=attacker peer=N  every bad argument, another domain's refs,
 *                         exhausting maptrack and grant frames
 *   role=stress           (vcpus=2) both vCPUs map and unmap at once
 *   role=pvmapper peer=N granter=shared|shadow
 *                         map PV domain N's grant (pvpingpong's server),
 *                         hold it until N is destroyed, then access
 *                         where it was until destroyed (pvmapper.c)
 *   peer=next, peer=prev  the domain whose id is one above or below mine
 *   hold=1                granter: grant, then wait to be destroyed;
 *                         mapper: map, then wait until the mapping goes
 *                         (its granter destroyed) and check it has
 *   hold=2                mapper: map, then wait to be destroyed;
 *                         granter: wait until the mapper's destruction
 *                         clears GTF_reading/GTF_writing, then revoke
 * Each prints "grant: ok: WHAT" or "grant: FAILED: WHAT (got N)" per check
 * and "grant: ROLE: N passed, M failed" at the end.
 */
#include <public/memory.h>
#include <public/sched.h>
#include "grant.h"
#include "hypercall.h"
#include "runtime.h"

const char guest_name[] = "grant";

static unsigned int passed, failed;

long gnttab_op(unsigned int cmd, void *uop, uint64_t count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, (uint64_t)(uintptr_t)uop, count);
}

long place_grant_frame(unsigned int idx, void *va)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = idx,
		.gpfn = (uint64_t)(uintptr_t)va >> 12,
	};

	return hypercall2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			  (uint64_t)(uintptr_t)&xatp);
}

uint16_t own_domid(void)
{
	static struct umbra_identity id;

	if (hv_umbra_op(UMBRAOP_identity, &id) < 0)
		return DOMID_SELF;
	return id.domid;
}

void nap(uint64_t ms)
{
	hv_set_timer_op(guest_time_ns() + ms * 1000000ULL);
	hv_sched_op(SCHEDOP_block, NULL);
}

static uint16_t peer_option(void)
{
	const char *p = guest_option("peer=");

	if (p && guest_word_in_list(p, "next"))
		return (uint16_t)(own_domid() + 1);
	if (p && guest_word_in_list(p, "prev"))
		return (uint16_t)(own_domid() - 1);
	return (uint16_t)guest_option_u64("peer=", DOMID_SELF);
}

void expect(bool ok, const char *what, long got)
{
	if (ok) {
		passed++;
		con_printf("grant: ok: %s\n", what);
	} else {
		failed++;
		con_printf("grant: FAILED: %s (got %ld)\n", what, got);
	}
}

int guest_main(const struct hvm_start_info *si)
{
	uint16_t peer = peer_option();
	const char *role = guest_option("role=");
	unsigned int hold = (unsigned int)guest_option_u64("hold=", 0);

	(void)si;
	if (!role) {
		con_puts("grant: no role= given\n");
		return SHUTDOWN_crash;
	}
	if (guest_word_in_list(role, "granter")) {
		role = "granter";
		granter(peer, hold);
	} else if (guest_word_in_list(role, "mapper")) {
		role = "mapper";
		mapper(peer, hold);
	} else if (guest_word_in_list(role, "stress")) {
		role = "stress";
		stress();
	} else if (guest_word_in_list(role, "pvmapper")) {
		pvmapper(peer);
		con_printf("grant: pvmapper: %u passed, %u failed\n", passed, failed);
		pvmapper_store_on();
	} else {
		role = "attacker";
		attacker(peer);
	}
	con_printf("grant: %s: %u passed, %u failed\n", role, passed, failed);
	return SHUTDOWN_poweroff;
}
