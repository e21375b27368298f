/*
 * Grant mappings for PV domains (common/grant_map.c calls these), as Xen
 * does them for a PV guest with GNTMAP_host_map: host_addr is a virtual
 * address of the mapper, and the L1 entry that maps it in the calling
 * vCPU's current tables (each vCPU may have its own) gets the granted
 * machine frame. The entry goes through shared-pt like any other
 * (spt_pt_update), so the frame is counted: a
 * general reference and, for a writable mapping, the writable type,
 * which keeps the granter from turning the frame into a page table while
 * it is mapped (and the grant entry's GTF_reading/GTF_writing keep it
 * from revoking). shared-pt accepts another domain's frame only through
 * its `granted` hook, which here says yes to exactly one frame, for the
 * one update a map operation makes: a guest cannot copy a grant mapping
 * elsewhere with mmu_update, as in Xen. The mapping is never executable.
 *
 * A PV granter names machine frames in its grant entries (Xen's PV ABI);
 * common code turns one back into the guest frame it keeps with
 * arch_guest_frame_gfn (pv_frame_gfn).
 *
 * Unmapping clears the entry (found through the caller's tables too; at
 * a teardown, with no caller, in whichever vCPU's tables still hold it;
 * shared-pt drops the references) and makes sure no TLB still holds it:
 * the mapper's own call returns to the guest through a CR3 load; when
 * another domain's destruction takes the mapping down, the mapper's vCPU
 * is kicked and waited for until it has entered the guest again with a
 * fresh CR3 (or is off every pCPU).
 */
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/x86.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/printk.h>
#include <umbra/sched.h>
#include <asm/time.h>
#include "mmu/walk.h"
#include "pv_mm.h"
#include "pv_traps.h"

/* The one grant a map operation is installing; under pv_mm_lock. */
static struct {
	bool active;
	bool writable;
	uint16_t owner, grantee;
	uint64_t mfn;
} installing;

bool pv_grant_allowed(void *ctx, uint16_t owner, uint16_t grantee, uint64_t mfn, bool writable)
{
	(void)ctx;
	return installing.active && installing.owner == owner &&
	       installing.grantee == grantee && installing.mfn == mfn &&
	       (installing.writable || !writable);
}

static bool va_ok(uint64_t va)
{
	return mmu_va_is_canonical(va) && pv_guest_va_ok(va);
}

/* The CPU off the mapper's tables while shared-pt changes them; its
 * next entry loads CR3 afresh (which is the flush). */
static void enter(struct domain *ld)
{
	write_cr3(paging_root());
	pv_mm_lock(ld);
}

/* The entry a grant mapping gets: never executable, writable (and
 * dirty) as asked. */
static uint64_t grant_pte(uint64_t maddr, bool writable)
{
	return maddr | PTE_P | PTE_U | PTE_A | PTE_NX | (writable ? PTE_W | PTE_D : 0);
}

/* Xen's check at unmap: the entry still maps the frame, with the flags
 * the map gave it (XSA-234: else a read-only entry could be unmapped as
 * the writable grant, its type reference given back twice); only the
 * available and cache-attribute bits may differ. */
#define PTE_GRANT_IGNORED	(PTE_AVAIL_LOW_MASK | PTE_AVAIL_HIGH_MASK | PTE_PWT | \
				 PTE_PCD | PTE_PAT_4K)

static bool is_grant_pte(uint64_t cur, uint64_t maddr, bool writable)
{
	return !((cur ^ grant_pte(maddr, writable)) & ~PTE_GRANT_IGNORED);
}

static void allow(uint16_t owner, uint16_t grantee, uint64_t mfn, bool writable)
{
	installing.active = true;
	installing.writable = writable;
	installing.owner = owner;
	installing.grantee = grantee;
	installing.mfn = mfn;
}

/* GNTMAP_contains_pte: the entry itself, by machine address: 8-byte
 * aligned (XSA-227: else the PTE would straddle two entries), in a live
 * L1 table of the mapper's own (Xen: get_page_type(PGT_l1_page_table)).
 * 0 if not. Under pv_mm_lock. */
static uint64_t pte_entry(const struct domain *ld, uint64_t maddr)
{
	const struct spt_machine *m = pv_mm_machine();
	const struct spt_frame *f;

	if ((maddr & 7) || (maddr >> PAGE_SHIFT) >= m->nr_frames)
		return 0;
	f = &m->frames[maddr >> PAGE_SHIFT];
	if (f->owner != ld->id || !f->type_count || f->type != SPT_TYPE_L1)
		return 0;
	return maddr;
}

/* The L1 entry a grant operation names: by virtual address in the
 * calling vCPU's tables (Xen walks the caller's), or (pte) by its own
 * machine address. Under pv_mm_lock. */
static uint64_t entry_of(struct vcpu *v, uint64_t addr, bool pte)
{
	return pte ? pte_entry(v->domain, addr) : pv_l1_entry_of(v, addr);
}

int pv_grant_map(struct vcpu *v, uint16_t owner, uint64_t va, uint64_t maddr, bool writable,
		 bool pte)
{
	struct domain *ld = v->domain;
	struct spt_flush flush = { 0 };
	uint64_t entry;
	int rc;

	if (!pte && !va_ok(va))
		return -EINVAL;
	if (pv_translated(ld))
		return -EOPNOTSUPP;	/* paging=shadow: pv_grant_shadow.c */
	enter(ld);
	entry = entry_of(v, va, pte);
	allow(owner, ld->id, maddr >> PAGE_SHIFT, writable);
	rc = entry ? spt_pt_update(&ld->pv->spt, entry, grant_pte(maddr, writable), false, &flush) :
	     -EINVAL;
	installing.active = false;
	pv_mm_unlock();
	return rc;
}

int pv_grant_hold(struct domain *ld, uint16_t owner, uint64_t maddr, bool writable)
{
	int rc;

	/* paging=shadow has no frame counts: the pinned grant reference is
	 * the hold (and what refuses a pin of a writable one). */
	if (pv_translated(ld))
		return 0;
	pv_mm_lock(ld);
	allow(owner, ld->id, maddr >> PAGE_SHIFT, writable);
	rc = spt_hold_frame(&ld->pv->spt, maddr >> PAGE_SHIFT, writable);
	installing.active = false;
	pv_mm_unlock();
	return rc;
}

void pv_grant_release(struct domain *ld, uint64_t maddr, bool writable)
{
	if (!ld->pv || pv_translated(ld))
		return;
	pv_mm_lock(ld);
	spt_release_frame(&ld->pv->spt, maddr >> PAGE_SHIFT, writable);
	pv_mm_unlock();
}

bool pv_grant_machine(const struct domain *d)
{
	return d->pv && !pv_translated(d);
}

int pv_grant_share(struct domain *d, uint64_t maddr)
{
	int rc;

	pv_mm_lock(d);
	rc = spt_share_page(&d->pv->spt, maddr >> PAGE_SHIFT);
	pv_mm_unlock();
	return rc;
}

int pv_grant_unshare(struct domain *d, uint64_t maddr)
{
	int rc;

	pv_mm_lock(d);
	rc = spt_unshare_page(&d->pv->spt, maddr >> PAGE_SHIFT);
	pv_mm_unlock();
	return rc;
}

/* No TLB of the mapper's keeps what was just taken out of its tables:
 * every vCPU of it in the guest on another pCPU is kicked out and waited
 * for (pv_flush.c); this pCPU reloads at its next entry. */
static void flush_mapper(struct domain *ld)
{
	pv_flush_domain(ld);
}

static uint64_t entry_value(uint64_t entry)
{
	return entry ? __atomic_load_n((uint64_t *)phys_to_virt(entry), __ATOMIC_RELAXED) : 0;
}

/* The L1 entry for va (pte: at va) and what it holds now, under
 * pv_mm_lock. */
static uint64_t entry_now(struct vcpu *v, uint64_t va, bool pte, uint64_t *cur)
{
	uint64_t entry = entry_of(v, va, pte);

	*cur = entry_value(entry);
	return entry;
}

/* A teardown has no caller: the grant's entry for va in the tables of
 * any vCPU of ld, kernel or user (0: none holds it any more). */
static uint64_t grant_entry_anywhere(struct domain *ld, uint64_t va, uint64_t maddr,
				     bool writable)
{
	for (unsigned int i = 0; i < ld->nr_vcpus; i++) {
		const struct vcpu *w = ld->vcpus[i];
		uint64_t roots[2] = { w->pv.guest_cr3, w->pv.guest_user_cr3 };

		for (unsigned int k = 0; k < 2; k++) {
			uint64_t entry = pv_l1_entry_at(ld, roots[k], va);

			if (entry && is_grant_pte(entry_value(entry), maddr, writable))
				return entry;
		}
	}
	return 0;
}

int pv_grant_unmap(struct domain *ld, struct vcpu *v, uint64_t va, uint64_t maddr, bool writable,
		   bool pte)
{
	struct spt_flush flush = { 0 };
	uint64_t entry, cur;
	int rc = -EINVAL;

	if ((!pte && !va_ok(va)) || pv_translated(ld))
		return -EINVAL;
	enter(ld);
	if (v || pte) {
		entry = entry_now(v ? v : ld->vcpus[0], va, pte, &cur);
	} else {
		entry = grant_entry_anywhere(ld, va, maddr, writable);
		cur = entry_value(entry);
	}
	/* Only the grant's own mapping is taken down. */
	if (entry && is_grant_pte(cur, maddr, writable))
		rc = spt_pt_update(&ld->pv->spt, entry, 0, false, &flush);
	pv_mm_unlock();
	if (!rc)
		flush_mapper(ld);
	return rc;
}

/* Xen's replace_grant_va_mapping with steal_linear_addr: the entry at
 * new_va moves over the grant's. It takes its references at va before it
 * gives them up at new_va, so nothing it maps drops to no reference on
 * the way; a frame of another domain it maps (a grant mapping itself) is
 * allowed at va for that one update, as it is already mapped. */
int pv_grant_replace(struct vcpu *v, uint64_t va, uint64_t maddr, bool writable,
		     uint64_t new_va)
{
	struct domain *ld = v->domain;
	struct spt_machine *m = pv_mm_machine();
	struct spt_flush flush = { 0 };
	uint64_t entry, cur, from, moved;
	uint16_t owner = SPT_OWNER_NONE;
	int rc = -EINVAL;

	if (!va_ok(va) || !va_ok(new_va) || pv_translated(ld))
		return -EINVAL;
	enter(ld);
	entry = entry_now(v, va, false, &cur);
	from = entry_now(v, new_va, false, &moved);
	if (!entry || !from || !is_grant_pte(cur, maddr, writable) || entry == from)
		goto out;
	if (moved & PTE_P)
		spt_m2p(m, (moved & PTE_ADDR_MASK) >> PAGE_SHIFT, &owner, NULL);
	if (owner != ld->id && owner < DOMID_FIRST_RESERVED)
		allow(owner, ld->id, (moved & PTE_ADDR_MASK) >> PAGE_SHIFT, moved & PTE_W);
	rc = spt_pt_update(&ld->pv->spt, entry, moved, false, &flush);
	installing.active = false;
	if (!rc)
		rc = spt_pt_update(&ld->pv->spt, from, 0, false, &flush);
out:
	pv_mm_unlock();
	if (!rc)
		flush_mapper(ld);
	return rc;
}
