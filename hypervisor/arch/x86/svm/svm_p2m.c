/*
 * A guest frame of an HVM domain stops or starts being RAM
 * (XENMEM_decrease_reservation, populate_physmap): the nested page table
 * and the shadows follow, and no vCPU keeps a translation of a frame that
 * is gone. Changes are serialised by the domain's p2m_lock (common/
 * memory_reservation.c).
 */
#include <asm/hvm.h>
#include <asm/percpu.h>
#include <asm/svm/svm.h>
#include <asm/time.h>
#include <asm/x86.h>
#include <umbra/domain.h>
#include <umbra/printk.h>
#include "mmu/npt.h"
#include "mmu/pte.h"
#include "mmu/shadow.h"

#define FLUSH_WAIT_MS	100

/* Every other vCPU of d has left the guest or entered it again with a
 * flush for generation gen (svm_run.c flushes when its generation is
 * older than the domain's). */
static bool all_flushed(const struct domain *d, uint64_t gen)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		const struct vcpu *v = d->vcpus[i];

		if (__atomic_load_n(&v->hvm.in_guest, __ATOMIC_SEQ_CST) &&
		    __atomic_load_n(&v->hvm.tlb_gen, __ATOMIC_SEQ_CST) < gen)
			return false;
	}
	return true;
}

/* As Xen's flush before a decrease_reservation returns: the frame is
 * gone from every TLB when the guest next runs. The kick (an IPI to each
 * CPU running one of d's vCPUs) makes them exit; VMRUN flushes. */
void hvm_p2m_flush_tlbs(struct domain *d)
{
	uint64_t gen, end;

	svm_shadow_defer_flush(d);	/* bumps the generation, kicks */
	gen = __atomic_load_n(&d->tlb_gen, __ATOMIC_SEQ_CST);
	end = rdtsc() + tsc_khz * FLUSH_WAIT_MS;
	while (!all_flushed(d, gen) && rdtsc() < end)
		cpu_relax();
}

int hvm_p2m_remove_frames(struct domain *d, uint64_t gfn, uint64_t n)
{
	uint64_t f;
	int err = npt_unmap(&d->npt, gfn << PAGE_SHIFT, n * PAGE_SIZE);

	if (err)
		return err;
	if (d->shadow) {
		f = spin_lock_irqsave(&d->paging_lock);
		shadow_flush_all(d->shadow);
		spin_unlock_irqrestore(&d->paging_lock, f);
	}
	return 0;
}

/* Nothing to flush: an unbacked frame has no translation anywhere. */
int hvm_p2m_restore_frames(struct domain *d, uint64_t gfn, uint64_t n, uint64_t maddr)
{
	return npt_map(&d->npt, gfn << PAGE_SHIFT, maddr, n * PAGE_SIZE, NPT_RWX);
}
