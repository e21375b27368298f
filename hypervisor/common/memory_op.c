/*
 * memory_op for HVM domains: XENMEM_add_to_physmap of the shared info
 * page and grant table frames, the memory map and the reservation
 * queries; the reservation changes are in memory_reservation.c. Other
 * commands and spaces are refused with Xen's codes.
 *
 * Umbra keeps a domain's shared info (and grant frames) in the domain's
 * own RAM, at the frame the guest names: the hypervisor adopts that page (zeroed on the
 * first placement, moved with its contents on a later one) instead of
 * mapping a page of its own over it as Xen does. The guest sees the same
 * thing at that frame; what differs is that the frame it gave stays
 * counted in its reservation. A grant frame outside its RAM is a page of
 * its pool mapped there, as Xen maps its own; shared info there is
 * refused.
 */
#include <asm/guest_access.h>
#include <asm/hvm.h>
#include <asm/layout.h>
#include <public/hvm/start_info.h>
#include <public/memory.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/domain_build.h>
#include <umbra/errno.h>
#include <umbra/hypercall.h>
#include <umbra/mm.h>
#include <umbra/spinlock.h>
#include <umbra/string.h>
#include <umbra/vcpu_shared.h>
#include "mmu/pte.h"
#include "grant_priv.h"

#define PAGE_BYTES	4096ULL
#define MOVE_CHUNK	256

/* Xen's answer for a domid other than the caller's: no such domain, or
 * not allowed (only a privileged domain may map into another). */
static long foreign_domid(domid_t id)
{
	return domain_by_id(id) ? -EPERM : -ESRCH;
}

static long move_page(struct vcpu *v, uint64_t from, uint64_t to)
{
	uint8_t buf[MOVE_CHUNK];

	for (uint64_t off = 0; off < PAGE_BYTES; off += sizeof(buf)) {
		if (copy_from_gpa(v->domain, buf, from + off, sizeof(buf)) ||
		    copy_to_gpa(v->domain, to + off, buf, sizeof(buf)))
			return -EFAULT;
	}
	return 0;
}

/* Adopt the page at gpfn as a hypervisor-known frame whose placement
 * is *placed / *at: zeroed the first time, moved with its contents on a
 * later placement elsewhere. */
static long place_frame(struct vcpu *v, uint64_t gpfn, bool *placed, uint64_t *at)
{
	struct domain *d = v->domain;
	uint64_t gpa = gpfn * PAGE_BYTES, old, f;
	bool was;

	if (gpfn >= PFN_LIMIT || !domain_owns_gpa_range(d, gpa, PAGE_BYTES))
		return -EINVAL;
	f = spin_lock_irqsave(&d->lock);
	was = *placed;
	old = *at;
	*at = gpa;
	*placed = true;
	spin_unlock_irqrestore(&d->lock, f);
	if (was && old == gpa)
		return 0;
	if (was)
		return move_page(v, old, gpa);
	return zero_gpa(d, gpa, PAGE_BYTES) ? -EFAULT : 0;
}

/* Its wall clock and the time records of the vCPUs whose vcpu_info is
 * in it are written as soon as it is in place. */
static long place_shared_info(struct vcpu *v, uint64_t gpfn)
{
	struct domain *d = v->domain;
	long rc = place_frame(v, gpfn, &d->shared_info_placed, &d->shared_info_gpa);

	if (!rc)
		domain_time_publish(d);
	return rc;
}

static unsigned int backed_frames(const struct domain *d)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < GRANT_FRAMES_MAX; i++)
		n += d->grant_frame_maddr[i] != 0;
	return n;
}

/*
 * A grant frame at a free frame outside the domain's RAM, as Xen takes
 * it (its grant frames are Xen's pages, mapped wherever the guest asks):
 * Linux PVH puts them in unpopulated space above its RAM. A page of the
 * domain's pool backs it, mapped there in its nested tables (which a
 * shadow-paged domain's p2m reads too); entries already written come
 * along from where the frame was.
 */
static long place_backed_locked(struct domain *d, uint64_t idx, uint64_t gpa)
{
	struct grant_table *gt = grant_table_of(d, true);
	uint64_t m = d->grant_frame_maddr[idx], old = d->grant_frame_gpa[idx], f;
	bool placed = d->grant_frame_placed[idx], fresh = !m;
	int64_t freed = 0;
	int rc;

	if (!gt)
		return -ENOMEM;
	if (placed && m && old == gpa)
		return 0;
	if (fresh && (backed_frames(d) >= GRANT_BACKED_FRAMES || !(m = domain_page_alloc(d))))
		return -ENOMEM;
	rc = grant_npt_map(d, gt, gpa, m, true);
	if (rc) {
		if (fresh)
			domain_page_free(d, m);
		return rc == -EEXIST ? -EBUSY : rc;
	}
	if (placed && !fresh) {
		hvm_grant_unmap(d, old, &freed);
		gt->npt_tables += freed;
	} else if (placed && copy_from_gpa(d, phys_to_virt(m), old, PAGE_BYTES)) {
		memset(phys_to_virt(m), 0, PAGE_BYTES);
	}
	f = spin_lock_irqsave(&d->lock);
	d->grant_frame_maddr[idx] = m;
	d->grant_frame_gpa[idx] = gpa;
	d->grant_frame_placed[idx] = true;
	spin_unlock_irqrestore(&d->lock, f);
	return 0;
}

/* Under grant_lock: the grant state (made here if need be) and its
 * table budget are the lock's (grant_priv.h), and two vCPUs placing
 * frames at once would otherwise both pass the GRANT_BACKED_FRAMES
 * check, or both take a fresh page for one index and leave one mapped
 * but unrecorded. */
static long place_grant_frame_outside(struct vcpu *v, uint64_t idx, uint64_t gpa)
{
	struct domain *d = v->domain;
	uint64_t f;
	long rc;

	if (d->pv || domain_is_dom0(d))
		return -EINVAL;
	f = spin_lock_irqsave(&grant_lock);
	rc = place_backed_locked(d, idx, gpa);
	spin_unlock_irqrestore(&grant_lock, f);
	return rc;
}

/* Grant table frame idx (version 1: no status frames). Xen grows the
 * table up to its limit on demand; so does this. In its RAM the frame
 * is the guest's own page, adopted; outside it, a page Umbra backs. A
 * backed frame is not moved back into RAM (-EBUSY; Linux never does). */
static long place_grant_frame(struct vcpu *v, uint64_t idx, uint64_t gpfn)
{
	struct domain *d = v->domain;
	uint64_t gpa = gpfn * PAGE_BYTES;

	if (idx >= GRANT_FRAMES_MAX || gpfn >= PFN_LIMIT)
		return -EINVAL;
	if (!domain_owns_gpa_range(d, gpa, PAGE_BYTES))
		return place_grant_frame_outside(v, idx, gpa);
	if (d->grant_frame_maddr[idx])
		return -EBUSY;
	return place_frame(v, gpfn, &d->grant_frame_placed[idx], &d->grant_frame_gpa[idx]);
}

/* The caller's request in either layout (32-bit code: the compat one). */
static int read_xatp(struct vcpu *v, uint64_t arg, struct xen_add_to_physmap *x)
{
	struct compat_add_to_physmap c;

	if (!v->hypercall_compat)
		return copy_from_guest(v, x, arg, sizeof(*x));
	if (copy_from_guest(v, &c, arg, sizeof(c)))
		return -EFAULT;
	*x = (struct xen_add_to_physmap){ .domid = c.domid, .size = c.size,
					  .space = c.space, .idx = c.idx, .gpfn = c.gpfn };
	return 0;
}

static long add_to_physmap(struct vcpu *v, uint64_t arg)
{
	struct xen_add_to_physmap xatp;

	if (read_xatp(v, arg, &xatp))
		return -EFAULT;
	if (xatp.domid != DOMID_SELF && xatp.domid != v->domain->id)
		return foreign_domid(xatp.domid);
	switch (xatp.space) {
	case XENMAPSPACE_shared_info:
		if (xatp.idx != 0)
			return -EINVAL;
		return place_shared_info(v, xatp.gpfn);
	case XENMAPSPACE_grant_table:
		return place_grant_frame(v, xatp.idx, xatp.gpfn);
	case XENMAPSPACE_gmfn_range:
	case XENMAPSPACE_gmfn:
		return -ENOSYS;		/* not offered yet */
	default:
		return -EINVAL;		/* as Xen: no page in that space */
	}
}

/* current_reservation, maximum_reservation, maximum_gpfn: arg points
 * at a domid. The maximum is the RAM the domain was created with; the
 * current count drops as the guest gives frames back and rises as it
 * populates them (memory_reservation.c). Frames given to shared_info or
 * grant frames stay counted (Xen would not count them). */
static long reservation(struct vcpu *v, uint64_t arg, unsigned int cmd)
{
	struct domain *d = v->domain;
	domid_t id;
	uint64_t pages = d->mem_bytes / PAGE_BYTES;

	if (copy_from_guest(v, &id, arg, sizeof(id)))
		return -EFAULT;
	if (id != DOMID_SELF && id != d->id)
		return foreign_domid(id);
	if (cmd == XENMEM_current_reservation)
		return (long)domain_tot_pages(d);
	return (long)(cmd == XENMEM_maximum_gpfn ? pages - 1 : pages);
}

/* The caller's own map, as its start info gives it, in E820 entries; at
 * most as many as the guest has room for. dom0 has none to give: its
 * map is the firmware's (Xen: -ENOSYS when no map was set). */
static int read_memory_map(struct vcpu *v, uint64_t arg, struct xen_memory_map *map)
{
	struct compat_memory_map c;

	if (!v->hypercall_compat)
		return copy_from_guest(v, map, arg, sizeof(*map));
	if (copy_from_guest(v, &c, arg, sizeof(c)))
		return -EFAULT;
	*map = (struct xen_memory_map){ .nr_entries = c.nr_entries, .buffer = c.buffer };
	return 0;
}

/* nr_entries back to the caller, in its layout (at offset 0 in both). */
static long memory_map(struct vcpu *v, uint64_t arg)
{
	struct hvm_memmap_table_entry mm[DOMAIN_MEMMAP_MAX];
	struct xen_memory_map map;
	int n;

	if (read_memory_map(v, arg, &map))
		return -EFAULT;
	if (domain_is_dom0(v->domain))
		return -ENOSYS;
	n = domain_memory_map(v->domain, mm, DOMAIN_MEMMAP_MAX);
	if (n <= 0)
		return -ENOSYS;
	if (map.nr_entries > (uint32_t)n)
		map.nr_entries = (uint32_t)n;
	for (uint32_t i = 0; i < map.nr_entries; i++) {
		struct e820entry e = { mm[i].addr, mm[i].size, mm[i].type };

		if (copy_to_guest(v, map.buffer + i * sizeof(e), &e, sizeof(e)))
			return -EFAULT;
	}
	return copy_to_guest(v, arg, &map.nr_entries, sizeof(map.nr_entries)) ? -EFAULT : 0;
}

long do_memory_op(struct vcpu *v, uint64_t *a)
{
	unsigned int cmd = a[0] & MEMOP_CMD_MASK;

	switch (cmd) {
	case XENMEM_increase_reservation:
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
		return memory_reservation_op(v, a, cmd);
	}
	switch (cmd) {
	case XENMEM_add_to_physmap:
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
	case XENMEM_maximum_gpfn:
	case XENMEM_maximum_ram_page:
	case XENMEM_memory_map:
		/* Only the reservation calls continue from an extent. */
		if (a[0] >> MEMOP_EXTENT_SHIFT)
			return -EINVAL;
	}
	switch (cmd) {
	case XENMEM_add_to_physmap:
		return add_to_physmap(v, a[1]);
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
	case XENMEM_maximum_gpfn:
		return reservation(v, a[1], cmd);
	case XENMEM_maximum_ram_page:
		/* Xen's answer to any guest: the machine's frame count. */
		return (long)(mm_ram_end() / PAGE_BYTES);
	case XENMEM_memory_map:
		return memory_map(v, a[1]);
	default:
		return -ENOSYS;
	}
}
