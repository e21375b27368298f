/*
 * Grant mappings of a translated PV mapper (paging=shadow, docs/pv.md).
 * Its page tables hold its own pseudo-physical frames, so a granted frame
 * (another domain's, or its own) gets a guest frame of its own first: one
 * per maptrack slot, in a window above its RAM, past as many frames as
 * Xen's largest grant table would take (GRANT_FRAMES_MAX: its table and
 * status frames are the first of them) and the one after, which is the
 * hypercall page's (docs/pv.md). The p2m gives
 * that frame the granted machine frame, read-only for GNTMAP_readonly,
 * and the L1 entry for host_addr (a virtual address, as for any PV
 * mapper) names it with the flags Xen's grant PTE has: never executable,
 * writable and dirty as asked. The shadow engine then maps it like any
 * other frame; a read-only one is no writable leaf and no page table
 * (mmu/shadow_form.c), whatever the guest writes into its entries.
 *
 * The entry is the guest's to rewrite (it only loses its view of the
 * frame), and a copy of it elsewhere reaches the same frame with the same
 * rights while the grant is mapped, nothing more: unmapping takes the
 * frame out of the p2m first and drops every shadow entry with the TLBs
 * (as an HVM shadow domain's grant unmap does), so nothing the guest
 * kept still reaches it. Unmap checks the entry as Xen does (XSA-234:
 * the frame and the flags the map gave it); teardown (the granter's or
 * the mapper's destruction) takes the frame out whatever the entry holds.
 *
 * GNTMAP_contains_pte names the entry itself, by its guest-physical
 * address: 8-byte aligned (XSA-227) in a frame its tables use as an L1
 * table (Xen: one of PGT_l1_page_table type), found by a walk of them.
 */
#include <asm/guest_access.h>
#include <asm/layout.h>
#include <asm/pv.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/grant_table.h>
#include "mmu/pte.h"
#include "mmu/walk.h"
#include "pv_mm.h"
#include "pv_traps.h"

#define WINDOW_W	1ULL		/* the slot's frame is mapped writable */
#define PTE_GRANT_IGNORED	(PTE_AVAIL_LOW_MASK | PTE_AVAIL_HIGH_MASK | PTE_PWT | \
				 PTE_PCD | PTE_PAT_4K)

_Static_assert(PV_GRANT_WINDOWS == GRANT_MAPTRACK_MAX, "one window frame per maptrack slot");
_Static_assert(GRANT_BACKED_FRAMES <= GRANT_FRAMES_MAX, "table and status frames below the windows");

bool pv_grant_translated(const struct domain *d)
{
	return d->pv && pv_translated(d);
}

static uint64_t window_gfn(const struct domain *d, unsigned int slot)
{
	return (d->mem_bytes >> PAGE_SHIFT) + GRANT_FRAMES_MAX + 1 + slot;
}

uint64_t pv_grant_window(const struct domain *d, uint64_t gfn, bool *writable)
{
	uint64_t first = window_gfn(d, 0), w;

	if (gfn < first || gfn - first >= PV_GRANT_WINDOWS)
		return 0;
	w = __atomic_load_n(&d->pv->grant_window[gfn - first], __ATOMIC_ACQUIRE);
	*writable = w & WINDOW_W;
	return w & PTE_ADDR_MASK;
}

/* Xen's grant PTE, naming the slot's window frame. */
static uint64_t grant_pte(const struct domain *d, unsigned int slot, bool writable)
{
	return (window_gfn(d, slot) << PAGE_SHIFT) | PTE_P | PTE_U | PTE_A | PTE_NX |
	       (writable ? PTE_W | PTE_D : 0);
}

static bool is_grant_pte(const struct domain *d, uint64_t cur, unsigned int slot, bool writable)
{
	return !((cur ^ grant_pte(d, slot, writable)) & ~PTE_GRANT_IGNORED);
}

/* The guest-physical address of va's L1 entry in the calling vCPU's
 * kernel tables (Xen walks the caller's), or 0. */
static uint64_t entry_of(struct vcpu *v, uint64_t va)
{
	if (!mmu_va_is_canonical(va) || !pv_guest_va_ok(va))
		return 0;
	return pv_shadow_l1_entry(v, va);
}

/* GNTMAP_contains_pte: the entry at gpa, or 0. */
static uint64_t pte_entry(struct domain *ld, uint64_t gpa)
{
	if ((gpa & 7) || !domain_gpa_to_maddr(ld, gpa) ||
	    !pv_shadow_has_table(ld, gpa >> PAGE_SHIFT, 1))
		return 0;
	return gpa;
}

static uint64_t entry_at(struct vcpu *v, uint64_t addr, bool pte)
{
	return pte ? pte_entry(v->domain, addr) : entry_of(v, addr);
}

/* The frame leaves the p2m; then no shadow entry and no TLB keeps it. */
static void window_close(struct domain *ld, unsigned int slot)
{
	__atomic_store_n(&ld->pv->grant_window[slot], 0, __ATOMIC_RELEASE);
	pv_shadow_p2m_changed(ld);
}

int pv_grant_map_slot(struct vcpu *v, unsigned int slot, uint64_t va, uint64_t maddr,
		      bool writable, bool pte)
{
	struct domain *ld = v->domain;
	uint64_t entry = entry_at(v, va, pte);

	if (slot >= PV_GRANT_WINDOWS || !entry)
		return -EINVAL;
	/* A slot's window is closed when it is free (unmap, teardown). */
	__atomic_store_n(&ld->pv->grant_window[slot], maddr | (writable ? WINDOW_W : 0),
			 __ATOMIC_RELEASE);
	if (!pv_shadow_store(ld, entry, grant_pte(ld, slot, writable)))
		return 0;
	window_close(ld, slot);
	return -EINVAL;
}

static uint64_t entry_read(struct domain *ld, uint64_t entry)
{
	uint64_t v = 0;

	return copy_from_gpa(ld, &v, entry, sizeof(v)) ? 0 : v;
}

/* Only the grant's own entry is taken down (Xen's check); with new_va,
 * that address's entry moves over it and is cleared (unmap_and_replace,
 * Xen's steal_linear_addr). */
int pv_grant_unmap_slot(struct vcpu *v, unsigned int slot, uint64_t va, bool writable,
			bool pte, uint64_t new_va)
{
	struct domain *ld = v->domain;
	uint64_t entry = entry_at(v, va, pte), from = 0, moved = 0;

	if (slot >= PV_GRANT_WINDOWS || !entry ||
	    !is_grant_pte(ld, entry_read(ld, entry), slot, writable))
		return -EINVAL;
	if (new_va) {
		from = entry_of(v, new_va);
		if (!from || from == entry)
			return -EINVAL;
		moved = entry_read(ld, from);
	}
	if (pv_shadow_store(ld, entry, moved) || (from && pv_shadow_store(ld, from, 0)))
		return -EINVAL;
	window_close(ld, slot);
	return 0;
}

void pv_grant_revoke_slot(struct domain *ld, unsigned int slot)
{
	if (ld->pv && slot < PV_GRANT_WINDOWS && ld->pv->grant_window[slot])
		window_close(ld, slot);
}

bool pv_grant_frames_mapped(struct domain *d, uint64_t gfn, uint64_t n)
{
	return pv_shadow_maps(d, gfn, n, false);
}

void pv_grant_frames_gone(struct domain *d)
{
	pv_shadow_p2m_changed(d);
}

/* Under the grant lock, after the writable mapping is counted: a table
 * the engine shadows, or a base pointer of one of its vCPUs (whose
 * shadow root may have been recycled), is one of its page tables now.
 * From the count on the engine makes no new table of the frame
 * (pv_shadow.c's may_be_table), so the answer stays true. A frame its
 * tables link but the engine has not shadowed yet (or dropped) is not
 * seen: the granter's walk through it faults instead. */
bool pv_grant_frame_is_table(struct domain *d, uint64_t gfn)
{
	if (!pv_translated(d))
		return false;
	if (pv_shadow_is_pt(d, gfn))
		return true;
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		const struct vcpu *v = d->vcpus[i];

		if (v && (v->pv.guest_cr3 >> PAGE_SHIFT == gfn ||
			  v->pv.guest_user_cr3 >> PAGE_SHIFT == gfn))
			return true;
	}
	return false;
}
