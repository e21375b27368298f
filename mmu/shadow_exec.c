/* cfg.may_exec: W^X in the shadows with a gate on execution (shadow.h).
 * A frame is either approved (executable leaves, none writable) or not
 * (writable leaves possible, none executable); the switch between the
 * two happens only on a fault that needs it. */
#include "mmu/shadow_priv.h"
#include "base/errno.h"

/* A 4 KiB leaf e mapping mfn, as cfg.may_exec allows it. */
uint64_t sh_exec_leaf(struct shadow_domain *d, uint64_t e, uint64_t mfn)
{
	if (!d->cfg.may_exec)
		return e;
	if (shadow_mfn_exec_ok(d, mfn))
		return e & ~(PTE_W | PTE_D);
	return e | PTE_NX;
}

/* Before a fill for access to frame p->mfn: 1 with *out filled (the
 * fetch is refused), 0 to fill, or -ENOMEM. */
int sh_exec_fault(struct shadow_domain *d, unsigned int access, const struct mmu_p2m *p,
		  struct shadow_fault *out)
{
	int err;

	if (!d->cfg.may_exec)
		return 0;
	if ((access & MMU_ACC_WRITE) && p->writable) {
		shadow_exec_revoke(d, p->mfn);
		return 0;
	}
	if (!(access & MMU_ACC_FETCH) || shadow_mfn_exec_ok(d, p->mfn))
		return 0;
	err = sh_exec_allow(d, p->mfn);
	if (err)
		return err;
	/* No writer may still hold a stale writable translation. */
	sh_flush_tlb(d);
	if (d->cfg.may_exec(d->ops.ctx, p->mfn))
		return 0;
	shadow_exec_revoke(d, p->mfn);
	out->action = SHADOW_INJECT;
	out->error_code = MMU_PF_P | MMU_PF_ID | (access & MMU_ACC_USER);
	d->stats.injected++;
	return 1;
}
