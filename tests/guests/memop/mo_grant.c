/* memory_op beside grant tables, within one domain (it grants a frame to
 * itself): a frame in use through a grant is not given back; a frame
 * given back can hold a grant mapping (how Linux maps grants: into
 * ballooned frames), and is populated again once that mapping is gone. */
#include <public/grant_table.h>

#include "hypercall.h"
#include "mo.h"
#include "runtime.h"

#define GRANT_REF	5
#define GNTST_okay	0

static long gnttab(unsigned int cmd, void *op)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, (uint64_t)(uintptr_t)op, 1);
}

static struct grant_entry_v1 *grant_table(void)
{
	struct grant_entry_v1 *t = page_alloc();
	struct xen_add_to_physmap x = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0, .gpfn = mo_gfn(t),
	};

	return mo_memory_op(XENMEM_add_to_physmap, &x) ? NULL : t;
}

static long map_at(uint64_t gpa, uint16_t self, grant_handle_t *h)
{
	struct gnttab_map_grant_ref op = {
		.host_addr = gpa, .flags = GNTMAP_host_map, .ref = GRANT_REF, .dom = self,
	};
	long rc = gnttab(GNTTABOP_map_grant_ref, &op);

	*h = op.handle;
	return rc ? rc : op.status;
}

static long unmap_at(uint64_t gpa, grant_handle_t h)
{
	struct gnttab_unmap_grant_ref op = { .host_addr = gpa, .handle = h };
	long rc = gnttab(GNTTABOP_unmap_grant_ref, &op);

	return rc ? rc : op.status;
}

void grant_cases(uint16_t self)
{
	struct grant_entry_v1 *t = grant_table();
	uint64_t *granted = page_alloc(), *hole = page_alloc();
	uint64_t g[1] = { mo_gfn(granted) }, hl[1] = { mo_gfn(hole) };
	uint64_t hole_gpa = mo_gfn(hole) * PAGE_BYTES;
	grant_handle_t h;

	mo_check(t != NULL, "grant table frame placed", 0);
	if (!t)
		return;
	*granted = 0x600d;
	t[GRANT_REF].domid = self;
	t[GRANT_REF].frame = (uint32_t)mo_gfn(granted);
	__atomic_store_n(&t[GRANT_REF].flags, GTF_permit_access, __ATOMIC_RELEASE);
	mo_check(mo_reservation(XENMEM_decrease_reservation, hl, 1, 0, DOMID_SELF) == 1,
		 "a frame given back, for a grant mapping", 0);
	mo_check(map_at(hole_gpa, self, &h) == GNTST_okay, "a grant mapped into that frame", 0);
	mo_check(*(volatile uint64_t *)hole == 0x600d, "it shows the granted frame", (long)*hole);
	mo_check(mo_reservation(XENMEM_decrease_reservation, g, 1, 0, DOMID_SELF) == 0,
		 "the granted frame, in use, is not given back: 0", 0);
	mo_check(mo_reservation(XENMEM_populate_physmap, hl, 1, 0, DOMID_SELF) == 0,
		 "populate over the grant mapping: 0", 0);
	mo_check(unmap_at(hole_gpa, h) == GNTST_okay, "the grant mapping taken down", 0);
	mo_check(mo_reservation(XENMEM_populate_physmap, hl, 1, 0, DOMID_SELF) == 1 &&
		 *(volatile uint64_t *)hole == 0, "then the frame is populated again, zeroed", 0);
	mo_check(*(volatile uint64_t *)granted == 0x600d, "the granted frame kept its contents", 0);
}
