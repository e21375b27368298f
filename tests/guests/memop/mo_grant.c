/* memory_op beside grant tables, within one domain (it grants a frame to
 * itself): a frame in use through a grant is not given back; a frame
 * given back can hold a grant mapping (how Linux maps grants: into
 * ballooned frames), and is populated again once that mapping is gone.
 * A grant frame placed at a free frame above its RAM (where Linux PVH
 * puts them) works as one in its RAM, and moves with its entries. */
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

/* Above the guest's RAM (16 MiB here; its identity map covers 4 GiB). */
#define ABOVE_RAM_GPA	0x41000000ULL
#define ABOVE_RAM_GPA2	0x41200000ULL

static long place_frame(unsigned int idx, uint64_t gpa)
{
	struct xen_add_to_physmap x = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = idx,
		.gpfn = gpa / PAGE_BYTES,
	};

	return mo_memory_op(XENMEM_add_to_physmap, &x);
}

/* Frame 1 (references 512 to 1023) outside RAM, granting a frame of its
 * own; a hole of its RAM to map the grant into. */
static void above_ram_cases(uint16_t self, uint64_t *granted, uint64_t *hole)
{
	struct grant_entry_v1 *t1 = (struct grant_entry_v1 *)(uintptr_t)ABOVE_RAM_GPA;
	struct grant_entry_v1 *t2 = (struct grant_entry_v1 *)(uintptr_t)ABOVE_RAM_GPA2;
	uint64_t hl[1] = { mo_gfn(hole) }, hole_gpa = mo_gfn(hole) * PAGE_BYTES;
	unsigned int e = GRANT_REF;	/* entry GRANT_REF of frame 1 */
	struct gnttab_map_grant_ref op = {
		.host_addr = hole_gpa, .flags = GNTMAP_host_map, .ref = 512 + GRANT_REF, .dom = self,
	};
	long rc = place_frame(1, ABOVE_RAM_GPA);

	mo_check(rc == 0, "grant frame 1 placed above RAM (as Linux PVH places them)", rc);
	if (rc)
		return;
	mo_check(t1[0].flags == 0 && t1[e].frame == 0, "it reads as a zeroed page", t1[e].frame);
	t1[e].domid = self;
	t1[e].frame = (uint32_t)mo_gfn(granted);
	__atomic_store_n(&t1[e].flags, GTF_permit_access, __ATOMIC_RELEASE);
	rc = place_frame(1, ABOVE_RAM_GPA2);
	mo_check(rc == 0 && t2[e].frame == (uint32_t)mo_gfn(granted) &&
		 t2[e].flags == GTF_permit_access,
		 "moved to another free frame above RAM, with its entries", rc);
	mo_check(mo_reservation(XENMEM_decrease_reservation, hl, 1, 0, DOMID_SELF) == 1,
		 "a frame given back, for a grant of frame 1", 0);
	rc = gnttab(GNTTABOP_map_grant_ref, &op);
	rc = rc ? rc : op.status;
	mo_check(rc == GNTST_okay && *(volatile uint64_t *)hole == 0x600d &&
		 (__atomic_load_n(&t2[e].flags, __ATOMIC_ACQUIRE) & GTF_reading),
		 "a reference in the frame above RAM maps, and Umbra marks it in use there", rc);
	if (rc == GNTST_okay)
		mo_check(unmap_at(hole_gpa, op.handle) == GNTST_okay &&
			 !(__atomic_load_n(&t2[e].flags, __ATOMIC_ACQUIRE) & GTF_reading),
			 "unmapped, the entry's in-use flag is cleared there", 0);
	mo_check(mo_reservation(XENMEM_populate_physmap, hl, 1, 0, DOMID_SELF) == 1,
		 "the hole populated again", 0);
	mo_check(place_frame(1, mo_gfn(hole) * PAGE_BYTES) == -XEN_EBUSY,
		 "frame 1 is not moved back into RAM: -EBUSY", 0);
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
	above_ram_cases(self, granted, hole);
}
