/*
 * A guest frame of an HVM domain stops or starts being RAM
 * (XENMEM_decrease_reservation, populate_physmap): the nested page table
 * and the shadows follow, and no vCPU keeps a translation of a frame that
 * is gone. Changes are serialised by the domain's p2m_lock (common/
 * memory_reservation.c); the nested table itself, which grant mappings
 * change too (svm_grant.c), under its paging_lock.
 */
#include <asm/hvm.h>
#include <asm/svm/svm.h>
#include <umbra/domain.h>
#include "mmu/npt.h"
#include "mmu/pte.h"
#include "mmu/shadow.h"

/* As Xen's flush before a decrease_reservation returns: every vCPU of d
 * has left the guest or entered it again with a flushed TLB. */
void hvm_p2m_flush_tlbs(struct domain *d)
{
	svm_tlb_flush_sync(d);
}

int hvm_p2m_remove_frames(struct domain *d, uint64_t gfn, uint64_t n)
{
	uint64_t f = spin_lock_irqsave(&d->paging_lock);
	int err = npt_unmap(&d->npt, gfn << PAGE_SHIFT, n * PAGE_SIZE);

	if (!err && d->shadow)
		shadow_flush_all(d->shadow);
	spin_unlock_irqrestore(&d->paging_lock, f);
	return err;
}

/* Nothing to flush: an unbacked frame has no translation anywhere. */
int hvm_p2m_restore_frames(struct domain *d, uint64_t gfn, uint64_t n, uint64_t maddr)
{
	uint64_t f = spin_lock_irqsave(&d->paging_lock);
	int err = npt_map(&d->npt, gfn << PAGE_SHIFT, maddr, n * PAGE_SIZE, NPT_RWX);

	spin_unlock_irqrestore(&d->paging_lock, f);
	return err;
}
