/*
 * Grant mappings in an HVM domain's guest-physical space (asm/hvm.h):
 * the granted frame goes into the mapper's nested page tables at the
 * guest-physical address it chose, outside its RAM. A shadow-paged
 * domain has those tables too (it runs on them while unpaged), and its
 * shadow engine's p2m looks grant mappings up there, so one table serves
 * both modes. Taking a mapping down drops every shadow (they may hold
 * the frame) and waits until no vCPU's TLB can reach it.
 */
#include <asm/hvm.h>
#include <asm/svm/svm.h>
#include <asm/traps.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/guest_log.h>
#include "mmu/npt.h"
#include "mmu/shadow.h"

#define GRANT_PAGE	4096ULL

static bool is_grant_gpa(const struct domain *d, uint64_t gpa)
{
	return !domain_owns_gpa_range(d, gpa, 1) && gpa < NPT_GPA_LIMIT;
}

int hvm_grant_map(struct domain *d, uint64_t gpa, uint64_t maddr, bool writable,
		  int64_t *tables)
{
	uint64_t f, before;
	int err;

	if ((gpa | maddr) & (GRANT_PAGE - 1) || !is_grant_gpa(d, gpa) ||
	    domain_is_dom0(d))
		return -EINVAL;
	f = spin_lock_irqsave(&d->paging_lock);
	before = d->npt.tables;
	err = npt_map(&d->npt, gpa, maddr, GRANT_PAGE, writable ? NPT_RWX : NPT_R | NPT_X);
	*tables = (int64_t)(d->npt.tables - before);
	spin_unlock_irqrestore(&d->paging_lock, f);
	return err;
}

int hvm_grant_unmap(struct domain *d, uint64_t gpa, int64_t *tables)
{
	uint64_t f, before;
	int err;

	if (!is_grant_gpa(d, gpa))
		return -ENOENT;
	f = spin_lock_irqsave(&d->paging_lock);
	before = d->npt.tables;
	err = npt_lookup(&d->npt, gpa, NULL, NULL, NULL);
	if (!err)
		err = npt_unmap(&d->npt, gpa, GRANT_PAGE);
	*tables = (int64_t)(d->npt.tables - before);
	if (!err && d->shadow)
		shadow_flush_all(d->shadow);
	spin_unlock_irqrestore(&d->paging_lock, f);
	if (!err)
		svm_tlb_flush_sync(d);
	return err;
}

int hvm_dom0_foreign_map(struct domain *dom0, uint64_t maddr)
{
	uint64_t f;
	int err;

	if ((maddr & (GRANT_PAGE - 1)) || !domain_is_dom0(dom0) ||
	    domain_owns_gpa_range(dom0, maddr, GRANT_PAGE) || maddr >= NPT_GPA_LIMIT)
		return -EINVAL;
	f = spin_lock_irqsave(&dom0->paging_lock);
	err = npt_map(&dom0->npt, maddr, maddr, GRANT_PAGE, NPT_RWX);
	spin_unlock_irqrestore(&dom0->paging_lock, f);
	return err;
}

int hvm_dom0_foreign_unmap(struct domain *dom0, uint64_t maddr)
{
	uint64_t f;
	int err;

	if ((maddr & (GRANT_PAGE - 1)) || !domain_is_dom0(dom0) ||
	    domain_owns_gpa_range(dom0, maddr, GRANT_PAGE))
		return -EINVAL;
	f = spin_lock_irqsave(&dom0->paging_lock);
	err = npt_lookup(&dom0->npt, maddr, NULL, NULL, NULL);
	if (!err)
		err = npt_unmap(&dom0->npt, maddr, GRANT_PAGE);
	spin_unlock_irqrestore(&dom0->paging_lock, f);
	if (!err)
		svm_tlb_flush_sync(dom0);
	return err;
}

/* Under the domain's paging lock. */
int svm_grant_p2m(struct domain *d, uint64_t gfn, uint64_t *mfn, bool *writable)
{
	uint64_t gpa = gfn << 12, maddr;
	unsigned int perm;

	if (!is_grant_gpa(d, gpa) || npt_lookup(&d->npt, gpa, &maddr, &perm, NULL))
		return -ENOENT;
	*mfn = maddr >> 12;
	*writable = perm & NPT_W;
	return 0;
}

bool svm_grant_ro_write(struct vcpu *v, uint64_t gpa)
{
	struct domain *d = v->domain;
	uint64_t mfn, f;
	bool writable = true;
	int err;

	if (domain_is_dom0(d))
		return false;
	f = spin_lock_irqsave(&d->paging_lock);
	err = svm_grant_p2m(d, gpa >> 12, &mfn, &writable);
	spin_unlock_irqrestore(&d->paging_lock, f);
	if (err || writable)
		return false;
	gprintk(d, LOG_WARNING, "domain %u (%s): write to a read-only grant mapping at "
		"%#llx: #GP\n", d->id, d->name, (unsigned long long)gpa);
	hvm_inject_exception(v, TRAP_GP, 0);
	return true;
}
