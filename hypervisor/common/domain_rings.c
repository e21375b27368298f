/*
 * A domain's store and console rings, as Xen's toolstack gives a guest
 * (libxl/libxenguest: xc_dom_gnttab_init, alloc_magic_pages; the HVM
 * parameters STORE_PFN/EVTCHN and CONSOLE_PFN/EVTCHN): one page each and
 * one event-channel port each, unbound with dom0 as the remote end, for
 * dom0's back ends (vmstored, the console back end) to bind.
 *
 * The pages are the last two of the domain's RAM, inside the 64 KiB that
 * the PVH start info area takes and the domain's memory map reserves, so
 * the guest never takes them for RAM; they are its memory, so they move
 * with it (save/restore) and need no mapping of their own. The ports are
 * the first the domain gets: 1 (store) and 2 (console), as under Xen.
 *
 * dom0 reaches a page through its own nested tables: the page appears at
 * its machine address there (dom0 is identity-mapped and every other
 * domain's RAM is "reserved" in its memory map), until dom0 takes it away
 * or the domain is destroyed, whichever is first.
 */
#include <asm/hvm.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/evtchn.h>
#include <umbra/printk.h>

#define RING_PAGE	4096ULL

int domain_rings_setup(struct domain *d)
{
	struct domain_rings *r = &d->rings;
	uint64_t pages = d->mem_bytes / RING_PAGE;

	if (domain_is_dom0(d) || r->present || pages < 16)
		return -EINVAL;
	for (unsigned int i = 0; i < DOMAIN_NR_RINGS; i++) {
		long port = evtchn_alloc_unbound(d, DOMID_SELF, 0);

		if (port < 0)
			return (int)port;
		r->port[i] = (uint32_t)port;
	}
	r->gfn[DOMAIN_RING_STORE] = pages - 2;
	r->gfn[DOMAIN_RING_CONSOLE] = pages - 1;
	/* RAM is zeroed at creation: both rings start empty and connected. */
	r->present = true;
	return 0;
}

static struct domain *dom0(void)
{
	struct domain *z = domain_by_id(0);

	return z && domain_is_dom0(z) ? z : NULL;
}

int domain_ring_dom0_map(struct domain *d, unsigned int which, bool map, uint64_t *maddr)
{
	struct domain_rings *r = &d->rings;
	struct domain *z = dom0();
	int err;

	if (!r->present)
		return -ENOENT;
	if (which >= DOMAIN_NR_RINGS || !z)
		return -EINVAL;
	*maddr = domain_gpa_to_maddr(d, r->gfn[which] * RING_PAGE);
	if (!*maddr)
		return -EINVAL;
	if (map == r->dom0_mapped[which])
		return 0;		/* already so: asking twice is harmless */
	err = map ? hvm_dom0_foreign_map(z, *maddr) : hvm_dom0_foreign_unmap(z, *maddr);
	if (!err)
		r->dom0_mapped[which] = map;
	return err;
}

void domain_rings_teardown(struct domain *d)
{
	uint64_t maddr;

	for (unsigned int i = 0; i < DOMAIN_NR_RINGS; i++)
		if (d->rings.dom0_mapped[i] && domain_ring_dom0_map(d, i, false, &maddr))
			pr_warn("domain %u (%s): dom0's mapping of its ring %u stays\n",
				d->id, d->name, i);
}
