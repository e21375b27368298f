/* Xen's batched memory-management hypercalls, HYPERVISOR_mmu_update and
 * HYPERVISOR_mmuext_op, minus the guest-memory copying (the caller hands
 * over arrays already copied in). As in Xen, a batch stops at the first
 * failing request. */
#include "shared-pt/internal.h"

#include "base/errno.h"

/* The command sits in the low bits of ptr, below an 8-byte aligned entry
 * address (Xen masks the same three bits). */
#define MMU_CMD_MASK	7ULL

static void finish_batch(int *results, unsigned int from, unsigned int count)
{
	unsigned int i;

	if (!results)
		return;
	for (i = from; i < count; i++)
		results[i] = SPT_NOT_DONE;
}

static int one_mmu_update(struct spt_domain *d, const struct mmu_update *r,
			  struct spt_flush *flush)
{
	uint64_t maddr = r->ptr & ~MMU_CMD_MASK;

	switch (r->ptr & MMU_CMD_MASK) {
	case MMU_NORMAL_PT_UPDATE:
	case MMU_PT_UPDATE_NO_TRANSLATE:
		return spt_pt_update(d, maddr, r->val, false, flush);
	case MMU_PT_UPDATE_PRESERVE_AD:
		return spt_pt_update(d, maddr, r->val, true, flush);
	case MMU_MACHPHYS_UPDATE:
		return spt_machphys_update(d, maddr >> PAGE_SHIFT, r->val);
	default:
		return spt_refuse(d, SPT_R_UNSUPPORTED, maddr >> PAGE_SHIFT, 0);
	}
}

/* Xen's batch rule: in order, stop at the first failure, and report
 * SPT_NOT_DONE for what was not tried. */
typedef int (*batch_fn)(void *ctx, unsigned int i, struct spt_flush *flush);

static int run_batch(batch_fn fn, void *ctx, unsigned int count, int *results,
		     unsigned int *done, struct spt_flush *flush)
{
	unsigned int i;
	int rc = 0;

	for (i = 0; i < count; i++) {
		rc = fn(ctx, i, flush);
		if (results)
			results[i] = rc;
		if (rc)
			break;
	}
	if (done)
		*done = i;
	finish_batch(results, i + 1, count);
	return rc;
}

struct update_batch {
	struct spt_domain *d;
	const struct mmu_update *req;
};

static int update_at(void *ctx, unsigned int i, struct spt_flush *flush)
{
	struct update_batch *b = ctx;

	return one_mmu_update(b->d, &b->req[i], flush);
}

int spt_mmu_update(struct spt_domain *d, const struct mmu_update *req,
		   unsigned int count, int *results, unsigned int *done,
		   struct spt_flush *flush)
{
	struct update_batch b = { d, req };

	d->stats.mmu_update_calls++;
	return run_batch(update_at, &b, count, results, done, flush);
}

static int one_flush(const struct mmuext_op *op, struct spt_flush *flush)
{
	switch (op->cmd) {
	case MMUEXT_TLB_FLUSH_LOCAL:
		spt_flush_add(flush, SPT_FLUSH_LOCAL, 0);
		return 0;
	case MMUEXT_INVLPG_LOCAL:
		spt_flush_add(flush, SPT_FLUSH_VA_LOCAL, op->arg1.linear_addr);
		return 0;
	case MMUEXT_TLB_FLUSH_MULTI:	/* a superset of the mask */
	case MMUEXT_TLB_FLUSH_ALL:
		spt_flush_add(flush, SPT_FLUSH_ALL, 0);
		return 0;
	case MMUEXT_INVLPG_MULTI:
	case MMUEXT_INVLPG_ALL:
		spt_flush_add(flush, SPT_FLUSH_VA_ALL, op->arg1.linear_addr);
		return 0;
	default:
		return -ENOSYS;
	}
}

static int one_mmuext(struct spt_vcpu *v, const struct mmuext_op *op,
		      struct spt_flush *flush)
{
	struct spt_domain *d = v->d;

	switch (op->cmd) {
	case MMUEXT_PIN_L1_TABLE:
	case MMUEXT_PIN_L2_TABLE:
	case MMUEXT_PIN_L3_TABLE:
	case MMUEXT_PIN_L4_TABLE:
		return spt_pin(d, op->arg1.mfn,
			       (int)(op->cmd - MMUEXT_PIN_L1_TABLE) + 1);
	case MMUEXT_UNPIN_TABLE:
		return spt_unpin(d, op->arg1.mfn);
	case MMUEXT_NEW_BASEPTR:
		return spt_new_baseptr(v, op->arg1.mfn, false);
	case MMUEXT_NEW_USER_BASEPTR:
		return spt_new_baseptr(v, op->arg1.mfn, true);
	}
	if (one_flush(op, flush) == 0)
		return 0;
	/* SET_LDT belongs to the descriptor-table code (spt_get_seg_page);
	 * cache flushes and page copy/clear are not offered to guests. */
	return spt_refuse(d, SPT_R_UNSUPPORTED, op->arg1.mfn, op->cmd);
}

struct mmuext_batch {
	struct spt_vcpu *v;
	const struct mmuext_op *op;
};

static int mmuext_at(void *ctx, unsigned int i, struct spt_flush *flush)
{
	struct mmuext_batch *b = ctx;

	return one_mmuext(b->v, &b->op[i], flush);
}

int spt_mmuext_op(struct spt_vcpu *v, const struct mmuext_op *op,
		  unsigned int count, int *results, unsigned int *done,
		  struct spt_flush *flush)
{
	struct mmuext_batch b = { v, op };

	v->d->stats.mmuext_calls++;
	return run_batch(mmuext_at, &b, count, results, done, flush);
}
