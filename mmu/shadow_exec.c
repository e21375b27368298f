/* cfg.may_exec: W^X in the shadows with a gate on execution (shadow.h).
 * A frame is either approved (executable leaves, none writable) or not
 * (writable leaves possible, none executable); the switch between the
 * two happens only on a fault that needs it. And cfg.xonly_*: the one
 * frame that is only ever executable. */
#include "mmu/shadow_priv.h"
#include "base/errno.h"

/* A 4 KiB leaf e mapping mfn, as cfg.may_exec allows it; the
 * execute-only frame (cfg.xonly_*) in its one form. */
uint64_t sh_exec_leaf(struct shadow_domain *d, uint64_t e, uint64_t mfn)
{
	if (sh_xonly_mfn(d, mfn))
		return (e & ~(PTE_W | PTE_D | PTE_PKEY_MASK)) | PTE_U |
		       (uint64_t)d->cfg.xonly_key << PTE_PKEY_SHIFT;
	if (!d->cfg.may_exec)
		return e;
	if (shadow_mfn_exec_ok(d, mfn))
		return e & ~(PTE_W | PTE_D);
	return e | PTE_NX;
}

/* The execute-only frame: a fetch fills (the frame is the caller's,
 * trusted, never writable: no gate), anything else is the #PF the
 * processor gives under the key, without a fill that would only fault
 * again. */
static int xonly_fault(struct shadow_domain *d, unsigned int access, struct shadow_fault *out)
{
	if (access & MMU_ACC_FETCH)
		return 0;
	out->action = SHADOW_INJECT;
	out->error_code = MMU_PF_P | MMU_PF_PK | (access & (MMU_ACC_WRITE | MMU_ACC_USER));
	d->stats.injected++;
	return 1;
}

/* Before a fill for access to frame p->mfn: 1 with *out filled (the
 * fetch is refused, or a data access to the execute-only frame), 0 to
 * fill, or -ENOMEM. */
int sh_exec_fault(struct shadow_domain *d, unsigned int access, const struct mmu_p2m *p,
		  struct shadow_fault *out)
{
	int err;

	if (sh_xonly_mfn(d, p->mfn))
		return xonly_fault(d, access, out);
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
