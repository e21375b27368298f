/* Two-dimensional (guest table × NPT) walk; see walk2d.h. */
#include <stdbool.h>
#include <stddef.h>

#include "mmu/walk2d.h"
#include "base/errno.h"

struct nested_ctx {
	const struct mmu_mode *host;
	const struct mmu_ops *ops;
	uint64_t ncr3;
	unsigned int flags;
	struct mmu_walk *nested;
	int status;		/* of the nested walk that failed, or OK */
	bool unmappable;	/* the NPT named a frame ops->map refused */
};

static uint64_t *machine_table(void *ctx, uint64_t maddr)
{
	const struct mmu_ops *ops = ctx;

	return ops->map(ops->ctx, maddr);
}

/* Nested translation of gpa; 0 with the machine address in c->nested. */
static int nested_translate(struct nested_ctx *c, uint64_t gpa, unsigned int access)
{
	struct mmu_tables t = { .map = machine_table, .ctx = (void *)c->ops };

	c->status = mmu_walk(c->host, &t, c->ncr3, gpa, access | MMU_ACC_USER,
			     (c->flags & MMU_WALK_SET_AD) | MMU_WALK_PHYS_INPUT, c->nested);
	if (c->status == MMU_WALK_NO_TABLE)
		c->unmappable = true;
	return c->status;
}

/* A guest table, seen through the NPT (a user write, per the APM). */
static uint64_t *guest_table(void *ctx, uint64_t gpa)
{
	struct nested_ctx *c = ctx;
	uint64_t *t;

	if (nested_translate(c, gpa, MMU_ACC_WRITE) != MMU_WALK_OK)
		return NULL;
	t = c->ops->map(c->ops->ctx, c->nested->addr & ~(PAGE_SIZE - 1));
	if (!t)
		c->unmappable = true;
	return t;
}

/* EXITINFO1 of a nested walk that did not succeed. A guest-physical
 * address beyond the NPT's reach counts as not present. */
static uint64_t npf_info(const struct nested_ctx *c, unsigned int access)
{
	if (c->status == MMU_WALK_NONCANONICAL)
		return (access & (MMU_PF_W | MMU_PF_ID)) | MMU_PF_U;
	return c->nested->error_code;
}

static int npf(struct mmu_2d_result *r, const struct nested_ctx *c,
	       unsigned int access, uint64_t which, uint64_t gpa)
{
	r->exitinfo1 = npf_info(c, access | MMU_ACC_USER) | which;
	r->exitinfo2 = gpa;
	return MMU_2D_NPF;
}

static int guest_dimension(struct nested_ctx *c, const struct mmu_mode *guest,
			   uint64_t guest_cr3, uint64_t va, unsigned int access,
			   unsigned int flags, struct mmu_2d_result *r)
{
	struct mmu_tables t = { .map = guest_table, .ctx = c };
	struct mmu_walk *w = &r->guest;
	int st = mmu_walk(guest, &t, guest_cr3, va, access, flags & MMU_WALK_SET_AD, w);

	if (st == MMU_WALK_NONCANONICAL)
		return MMU_2D_NONCANONICAL;
	if (st == MMU_WALK_PF) {
		r->error_code = w->error_code;
		return MMU_2D_GUEST_PF;
	}
	if (st != MMU_WALK_NO_TABLE)
		return st;
	if (c->unmappable)
		return -EFAULT;
	return npf(r, c, MMU_ACC_WRITE, MMU_NPF_TABLE,
		   w->table[w->level] + 8 * pt_index(va, w->level));
}

int mmu_walk_2d(const struct mmu_mode *guest, uint64_t guest_cr3,
		const struct mmu_mode *host, uint64_t ncr3, const struct mmu_ops *ops,
		uint64_t va, unsigned int access, unsigned int flags,
		struct mmu_2d_result *r)
{
	struct nested_ctx c;
	unsigned int final_access;
	int st;

	if (!guest || !host || !ops || !ops->map || !r || (flags & ~MMU_WALK_SET_AD))
		return -EINVAL;
	*r = (struct mmu_2d_result){ 0 };
	c = (struct nested_ctx){ .host = host, .ops = ops, .ncr3 = ncr3,
				 .flags = flags, .nested = &r->nested };
	st = guest_dimension(&c, guest, guest_cr3, va, access, flags, r);
	if (st != MMU_WALK_OK)
		return st;
	r->gpa = r->guest.addr;
	final_access = access & (MMU_ACC_WRITE | MMU_ACC_FETCH);
	st = nested_translate(&c, r->gpa, final_access);
	if (st == MMU_WALK_NO_TABLE)
		return -EFAULT;
	if (st != MMU_WALK_OK)
		return npf(r, &c, final_access, MMU_NPF_FINAL, r->gpa);
	r->maddr = r->nested.addr;
	return MMU_2D_OK;
}
