/*
 * GNTTABOP_map_grant_ref and unmap_grant_ref. For HVM (PVH) domains the
 * granted frame appears at the guest-physical address the mapper names
 * in host_addr (GNTMAP_host_map), outside its RAM, in the mapper's nested
 * page tables or shadow p2m (asm/hvm.h); for a PV mapper host_addr is a
 * virtual address, whose L1 entry in the calling vCPU's page tables gets
 * the frame (asm/pv.h, through shared-pt's validation; a translated PV mapper's
 * entry names a frame of its own above its RAM that the p2m gives the
 * granted frame, one per maptrack slot). The frame stays the granter's:
 * the mapping goes at unmap, at the mapper's destruction, or at the
 * granter's (grant_table.c).
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
		if ((gt->map[i].flags & (GNTMAP_host_map | GNTMAP_contains_pte)) == GNTMAP_host_map &&
		    gt->map[i].gpa == (gpa & ~PAGE_MASK_4K))
			return true;
	return false;
}

/* What Xen refuses before it looks at the granter. A PV mapper may ask
 * for a device mapping too (the frame held, its address in dev_bus_addr:
 * there is no IOMMU; see dev_addr), and name the host mapping's L1 entry
 * by its address (GNTMAP_contains_pte: machine address, translated the
 * guest-physical one); the application form is not offered. */
static int16_t check_map_flags(const struct domain *ld, uint32_t flags)
{
	uint32_t refused = GNTMAP_application_map;

	if (!(flags & (GNTMAP_device_map | GNTMAP_host_map)))
		return GNTST_bad_gntref;
	if (!domain_is_pv(ld))
		refused |= GNTMAP_device_map | GNTMAP_contains_pte;
	if (flags & refused)
		return GNTST_general_error;
	return GNTST_okay;
}

/* Where a host mapping is: a page (its address page-aligned down), or
 * with GNTMAP_contains_pte the entry's own machine address. */
static uint64_t host_place(uint64_t host_addr, uint32_t flags)
{
	return (flags & GNTMAP_contains_pte) ? host_addr : host_addr & ~PAGE_MASK_4K;
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

/* The device address of a mapping: the machine address (Xen's, with no
 * IOMMU), but a translated PV mapper sees no machine addresses: the
 * frame's address in the granter's pseudo-physical space (what the
 * grant entry names when the granter is translated too). */
static uint64_t dev_addr(const struct domain *ld, uint64_t gfn, uint64_t maddr)
{
	return pv_grant_translated(ld) ? gfn << 12 : maddr;
}

static bool dev_addr_is(const struct domain *ld, const struct grant_maptrack *mt, uint64_t addr)
{
	struct domain *rd;

	addr &= ~PAGE_MASK_4K;
	if (!pv_grant_translated(ld))
		return addr == mt->maddr;
	rd = domain_by_id(mt->dom);
	return rd && domain_gpa_to_maddr(rd, addr) == mt->maddr;
}

static int16_t map_host(struct vcpu *v, struct grant_table *lgt, struct domain *rd,
			unsigned int slot, uint64_t gpa, uint64_t maddr, uint32_t flags)
{
	struct domain *ld = v->domain;
	bool readonly = flags & GNTMAP_readonly;

	/* A granter on shared page tables trusts shared-pt's counts to keep
	 * its tables unwritten but validated; the writes of a mapper not on
	 * shared page tables (translated PV, or HVM through its nested or
	 * shadow p2m) are seen by no one, so it maps such a frame read-only
	 * only. */
	if (!pv_grant_machine(ld) && !readonly && pv_grant_machine(rd))
		return GNTST_general_error;
	if (pv_grant_translated(ld))
		return pv_grant_map_slot(v, slot, gpa, maddr, !readonly,
					 flags & GNTMAP_contains_pte) ? GNTST_general_error : GNTST_okay;
	if (domain_is_pv(ld))
		return pv_grant_map(v, rd->id, gpa, maddr, !readonly,
				    flags & GNTMAP_contains_pte) ? GNTST_general_error : GNTST_okay;
	if (grant_npt_map(ld, lgt, gpa, maddr, !readonly))
		return GNTST_general_error;
	return GNTST_okay;
}

/* The host mapping and/or the device hold a map operation asks for;
 * nothing of either stays on failure. */
static int16_t map_frame(struct vcpu *v, struct grant_table *lgt, struct domain *rd,
			 unsigned int slot, uint64_t gpa, uint64_t maddr, uint32_t flags)
{
	struct domain *ld = v->domain;
	bool readonly = flags & GNTMAP_readonly;
	int16_t rc;

	if ((flags & GNTMAP_device_map) && pv_grant_hold(ld, rd->id, maddr, !readonly))
		return GNTST_general_error;
	if (!(flags & GNTMAP_host_map))
		return GNTST_okay;
	rc = map_host(v, lgt, rd, slot, gpa, maddr, flags);
	if (rc && (flags & GNTMAP_device_map))
		pv_grant_release(ld, maddr, !readonly);
	return rc;
}

int16_t grant_map_one(struct vcpu *v, struct gnttab_map_grant_ref *op)
{
	struct domain *ld = v->domain;
	bool readonly = op->flags & GNTMAP_readonly;
	uint64_t gpa = host_place(op->host_addr, op->flags), gfn, maddr;
	struct grant_table *lgt;
	struct domain *rd;
	int16_t rc = check_map_flags(ld, op->flags);
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
	maddr = domain_gpa_to_maddr(rd, gfn << 12);
	/* Xen's type conflict: a frame the granter uses as a page table
	 * takes no writable mapping (its writes would pass the granter's
	 * shadows by). Asked after the mapping is counted, so that the
	 * granter's paging, from then on, does not make it one either. */
	if (!readonly && pv_grant_frame_is_table(rd, gfn))
		rc = GNTST_general_error;
	else
		rc = map_frame(v, lgt, rd, (unsigned int)slot, gpa, maddr, op->flags);
	if (rc) {
		grant_release(rd, op->ref, readonly, true);
		return rc;
	}
	lgt->map[slot] = (struct grant_maptrack){
		.gpa = gpa, .ref = op->ref, .dom = rd->id, .maddr = maddr,
		.flags = (uint16_t)(op->flags & (GNTMAP_host_map | GNTMAP_device_map |
						 GNTMAP_readonly | GNTMAP_contains_pte)),
	};
	op->handle = (grant_handle_t)slot;
	op->dev_bus_addr = (op->flags & GNTMAP_device_map) ? dev_addr(ld, gfn, maddr) : 0;
	return GNTST_okay;
}

/* The pin goes back and the slot is free again. */
static void release_slot(struct grant_maptrack *mt)
{
	struct domain *rd = domain_by_id(mt->dom);

	if (rd)
		grant_release(rd, mt->ref, mt->flags & GNTMAP_readonly, true);
	mt->flags = 0;
}

static void drop_device(struct domain *ld, struct grant_maptrack *mt)
{
	pv_grant_release(ld, mt->maddr, !(mt->flags & GNTMAP_readonly));
	mt->flags &= (uint16_t)~GNTMAP_device_map;
}

/* Everything of slot i goes (teardown, no calling vCPU: a PV mapper's
 * entry is looked for in each vCPU's tables). The mapping may already be
 * gone from them (it changed them itself): then only the pins and holds
 * are given back. */
void grant_unmap_slot(struct domain *ld, struct grant_table *lgt, unsigned int i)
{
	struct grant_maptrack *mt = &lgt->map[i];
	int64_t freed = 0;

	if (mt->flags & GNTMAP_device_map)
		drop_device(ld, mt);
	if ((mt->flags & GNTMAP_host_map) && pv_grant_translated(ld))
		pv_grant_revoke_slot(ld, i);
	else if ((mt->flags & GNTMAP_host_map) && domain_is_pv(ld))
		pv_grant_unmap(ld, NULL, mt->gpa, mt->maddr, !(mt->flags & GNTMAP_readonly),
			       mt->flags & GNTMAP_contains_pte);
	else if ((mt->flags & GNTMAP_host_map) && !hvm_grant_unmap(ld, mt->gpa, &freed))
		lgt->npt_tables += freed;
	release_slot(mt);
}

/* The host mapping at host_addr goes: for a PV mapper its entry must
 * still be what the map made (Xen's checks: the frame and the flags),
 * and with new_addr that address's entry moves in (unmap_and_replace).
 * An HVM mapper has no entry to move (Xen: GNTST_general_error). */
static int16_t unmap_host(struct vcpu *v, struct grant_table *lgt, uint32_t handle,
			  uint64_t new_addr)
{
	struct domain *ld = v->domain;
	struct grant_maptrack *mt = &lgt->map[handle];
	bool writable = !(mt->flags & GNTMAP_readonly);
	bool pte = mt->flags & GNTMAP_contains_pte;
	int64_t freed = 0;

	/* Xen: an entry named by address is not replaced. */
	if (pte && new_addr)
		return GNTST_general_error;
	if (pv_grant_translated(ld))
		return pv_grant_unmap_slot(v, handle, mt->gpa, writable, pte, new_addr) ?
		       GNTST_general_error : GNTST_okay;
	if (domain_is_pv(ld)) {
		int rc = new_addr ? pv_grant_replace(v, mt->gpa, mt->maddr, writable, new_addr) :
			 pv_grant_unmap(ld, v, mt->gpa, mt->maddr, writable, pte);

		return rc ? GNTST_general_error : GNTST_okay;
	}
	if (new_addr)
		return GNTST_general_error;
	if (!hvm_grant_unmap(ld, mt->gpa, &freed))
		lgt->npt_tables += freed;
	return GNTST_okay;
}

/* Xen's unmap_common: a device address must be the frame's (when the
 * mapping has a device part); each part named goes; the handle is free
 * once neither is left. A host address other than the mapping's is
 * refused, 0 leaves the host part alone. */
static int16_t unmap_common(struct vcpu *v, uint32_t handle, uint64_t host_addr,
			    uint64_t dev_bus_addr, uint64_t new_addr)
{
	struct domain *ld = v->domain;
	struct grant_table *lgt = grant_table_of(ld, false);
	struct grant_maptrack *mt;
	int16_t rc;

	if (!lgt || handle >= GRANT_MAPTRACK_MAX || !lgt->map[handle].flags)
		return GNTST_bad_handle;
	mt = &lgt->map[handle];
	if (dev_bus_addr && (mt->flags & GNTMAP_device_map) && !dev_addr_is(ld, mt, dev_bus_addr))
		return GNTST_bad_dev_addr;
	if (host_addr && (mt->flags & GNTMAP_host_map)) {
		if (host_place(host_addr, mt->flags) != mt->gpa)
			return GNTST_general_error;
		rc = unmap_host(v, lgt, handle, new_addr);
		if (rc)
			return rc;
		mt->flags &= (uint16_t)~GNTMAP_host_map;
	}
	if (dev_bus_addr && (mt->flags & GNTMAP_device_map))
		drop_device(ld, mt);
	if (!(mt->flags & (GNTMAP_host_map | GNTMAP_device_map)))
		release_slot(mt);
	return GNTST_okay;
}

int16_t grant_unmap_one(struct vcpu *v, struct gnttab_unmap_grant_ref *op)
{
	return unmap_common(v, op->handle, op->host_addr, op->dev_bus_addr, 0);
}

int16_t grant_replace_one(struct vcpu *v, struct gnttab_unmap_and_replace *op)
{
	/* Xen: only the host part, and the address must be given. */
	if (!op->host_addr)
		return GNTST_general_error;
	return unmap_common(v, op->handle, op->host_addr, 0, op->new_addr);
}
