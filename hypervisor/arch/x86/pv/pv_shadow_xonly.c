/*
 * The execute-only hypercall page in paging=shadow (docs/pv.md). A
 * translated guest's tables hold pseudo-physical frames, so the
 * hypervisor's hypercall page (pv_xonly.c) gets a guest frame of its own:
 * the one after the largest grant table above the domain's RAM (before
 * the frames of its grant mappings), where nothing else is. The shadow
 * engine maps that frame in one form only (shadow_config.xonly_*):
 * user, executable, never writable, under PV_PKEY_HV, and only on an
 * instruction fetch; a read or a write there is the guest's #PF with
 * PK, as on shared page tables. However the guest maps the frame
 * (writable, another key, at another address) it gets that form or a
 * fault. The domain's memory knows nothing of the frame, so the rest of
 * the hypervisor never reaches it through the guest: copies to and from
 * guest addresses there are -EFAULT, it is no page table, and it cannot
 * be granted or given back (not a frame of its RAM).
 */
#include <asm/pv.h>
#include <umbra/domain.h>
#include <umbra/grant_table.h>
#include <umbra/mm.h>
#include <umbra/spinlock.h>
#include "mmu/pte.h"
#include "mmu/shadow.h"
#include "pv_mm.h"
#include "pv_xonly.h"

/* Above its RAM: its grant table and status frames (GRANT_BACKED_FRAMES,
 * grant_pv_frame_gfn), as far as Xen's largest table would reach; this
 * frame; then one frame per grant mapping it may hold, from
 * GRANT_FRAMES_MAX + 1 on (pv_grant_shadow.c). */
_Static_assert(GRANT_BACKED_FRAMES <= GRANT_FRAMES_MAX, "grant frames below the hypercall page");

uint64_t pv_shadow_hypercall_gfn(const struct domain *d)
{
	return (d->mem_bytes >> PAGE_SHIFT) + GRANT_FRAMES_MAX;
}

void pv_shadow_xonly_config(const struct domain *d, struct shadow_config *c)
{
	uint64_t mfn = pv_hypercall_page_mfn();

	if (!mfn)
		return;
	c->xonly_gfn = pv_shadow_hypercall_gfn(d);
	c->xonly_mfn = mfn;
	c->xonly_key = PV_PKEY_HV;
}

/* The builder's entry for the page: pv_hypercall_page_pte()'s form,
 * the guest frame instead of the machine one. */
pte_t pv_shadow_hypercall_pte(const struct domain *d)
{
	pte_t e = pv_hypercall_page_pte();

	if (!e)
		return 0;
	return (e & ~PTE_ADDR_MASK) | (pv_shadow_hypercall_gfn(d) << PAGE_SHIFT);
}

/* Does the frame at gpa run now (its scan approved by the engine's
 * gate)? Until it does, the gate still refuses a page the hypervisor
 * writes (pv_xonly_may_exec). */
bool pv_shadow_gpa_is_code(struct domain *d, uint64_t gpa)
{
	uint64_t m = domain_gpa_to_maddr(d, gpa), f;
	bool code;

	if (!m)
		return false;
	f = spin_lock_irqsave(&d->paging_lock);
	code = shadow_mfn_exec_ok(d->pv->shadow, m >> PAGE_SHIFT);
	spin_unlock_irqrestore(&d->paging_lock, f);
	return code;
}
