/*
 * GNTTABOP_map_grant_ref and unmap_grant_ref. For HVM (PVH) domains the
 * granted frame appears at the guest-physical address the mapper names
 * in host_addr (GNTMAP_host_map), outside its RAM, in the mapper's nested
 * page tables or shadow p2m (asm/hvm.h); for a PV mapper host_addr is a
 * virtual address, whose L1 entry in its own page tables gets the frame
 * (asm/pv.h, through shared-pt's validation). The frame stays the
 * granter's: the mapping goes at unmap, at the mapper's destruction, or
 * at the granter's (grant_table.c).
 */
#include <asm/hvm.h>
#include <asm/pv.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include "grant_priv.h"

#define PAGE_MASK_4K	0xfffULL
static int free_slot(const struct grant_table *gt)
{
	for (unsigned int i = 0; i < GRANT_MAPTRACK_MAX; i++)
		if (!gt->map[i].flags)
			return (int)i;
	return -1;
}

bool grant_mapped_at(struct domain *ld, uint64_t gpa)
{
	const struct grant_table *gt = ld->grant;

	for (unsigned int i = 0; gt && i < GRANT_MAPTRACK_MAX; i++)
		if (gt->map[i].flags && gt->map[i].gpa == (gpa & ~PAGE_MASK_4K))
			return true;
	return false;
}

/* What Xen refuses before it looks at the granter. */
static int16_t check_map_flags(uint32_t flags)
{
	if (!(flags & (GNTMAP_device_map | GNTMAP_host_map)))
		return GNTST_bad_gntref;
	/* No device mappings, PTE updates or application mappings for a
	 * domain whose paging the hypervisor translates. */
	if (flags & (GNTMAP_device_map | GNTMAP_application_map | GNTMAP_contains_pte))
		return GNTST_general_error;
	return GNTST_okay;
}

int grant_npt_map(struct domain *d, struct grant_table *gt, uint64_t gpa, uint64_t maddr,
		  bool writable)
{
	int64_t added = 0, freed = 0;
	int err = hvm_grant_map(d, gpa, maddr, writable, &added);

	if (err)
		return err;
	if (added > 0 && gt->npt_tables + added > GRANT_NPT_PAGES) {
		hvm_grant_unmap(d, gpa, &freed);
		return -ENOMEM;
	}
	gt->npt_tables += added;
	return 0;
}

static int16_t map_frame(struct domain *ld, struct grant_table *lgt, struct domain *rd,
			 uint64_t gpa, uint64_t gfn, bool readonly)
{
	if (domain_is_pv(ld))
		return pv_grant_map(ld, rd->id, gpa, domain_gpa_to_maddr(rd, gfn << 12), !readonly) ?
		       GNTST_general_error : GNTST_okay;
	if (grant_npt_map(ld, lgt, gpa, domain_gpa_to_maddr(rd, gfn << 12), !readonly))
		return GNTST_general_error;
	return GNTST_okay;
}

int16_t grant_map_one(struct domain *ld, struct gnttab_map_grant_ref *op)
{
	bool readonly = op->flags & GNTMAP_readonly;
	uint64_t gpa = op->host_addr & ~PAGE_MASK_4K, gfn;
	struct grant_table *lgt;
	struct domain *rd;
	int16_t rc = check_map_flags(op->flags);
	int slot;

	if (rc)
		return rc;
	rd = op->dom == DOMID_SELF ? NULL : grant_domain(ld, op->dom);
	if (!rd)
		return GNTST_bad_domain;
	lgt = grant_table_of(ld, true);
	slot = lgt ? free_slot(lgt) : -1;
	if (slot < 0)
		return GNTST_no_device_space;
	rc = (int16_t)grant_acquire(rd, op->ref, ld->id, readonly, true, &gfn);
	if (rc)
		return rc;
	rc = map_frame(ld, lgt, rd, gpa, gfn, readonly);
	if (rc) {
		grant_release(rd, op->ref, readonly);
		return rc;
	}
	lgt->map[slot] = (struct grant_maptrack){
		.gpa = gpa, .ref = op->ref, .dom = rd->id, .flags = (uint16_t)op->flags,
		.maddr = domain_gpa_to_maddr(rd, gfn << 12),
	};
	op->handle = (grant_handle_t)slot;
	op->dev_bus_addr = 0;
	return GNTST_okay;
}

/* The pin goes back and the slot is free again. */
static void release_slot(struct grant_maptrack *mt)
{
	struct domain *rd = domain_by_id(mt->dom);

	if (rd)
		grant_release(rd, mt->ref, mt->flags & GNTMAP_readonly);
	mt->flags = 0;
}

/* The mapping may already be gone from a PV mapper's tables (it changed
 * them itself): then only the pin is given back. */
void grant_unmap_slot(struct domain *ld, struct grant_table *lgt, unsigned int i)
{
	struct grant_maptrack *mt = &lgt->map[i];
	int64_t freed = 0;

	if (domain_is_pv(ld))
		pv_grant_unmap(ld, mt->gpa, mt->maddr);
	else if (!hvm_grant_unmap(ld, mt->gpa, &freed))
		lgt->npt_tables += freed;
	release_slot(mt);
}

int16_t grant_unmap_one(struct domain *ld, struct gnttab_unmap_grant_ref *op)
{
	struct grant_table *lgt = grant_table_of(ld, false);
	struct grant_maptrack *mt;

	if (!lgt || op->handle >= GRANT_MAPTRACK_MAX || !lgt->map[op->handle].flags)
		return GNTST_bad_handle;
	mt = &lgt->map[op->handle];
	/* As Xen: no host address, nothing to take down (the handle stays). */
	if (!op->host_addr)
		return GNTST_okay;
	if ((op->host_addr & ~PAGE_MASK_4K) != mt->gpa)
		return GNTST_general_error;
	/* A PV mapper's entry must still map the frame (Xen's check); if it
	 * does not, the handle stays. */
	if (domain_is_pv(ld)) {
		if (pv_grant_unmap(ld, mt->gpa, mt->maddr))
			return GNTST_general_error;
		release_slot(mt);
		return GNTST_okay;
	}
	grant_unmap_slot(ld, lgt, op->handle);
	return GNTST_okay;
}
