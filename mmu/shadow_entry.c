/* Shadow entries computed from guest entries and the p2m.
 *
 * A shadow entry copies W, U and (with NXE) NX from the guest entry at
 * the same level (U always with cfg.force_user), so the processor combines rights across levels exactly
 * as it would on the guest's tables. Shadow entries are created with A
 * set (the guest's A is what matters and the fill sets it) and a leaf is
 * writable only when the guest's D is already set and the target is not
 * a page table. A guest large page that is split keeps its rights in the
 * entry pointing to the split table; the split entries grant everything
 * and carry only the leaf's attributes (caching, global, protection key). */
#include "mmu/shadow_priv.h"
#include "base/errno.h"

static uint64_t rights(const struct shadow_domain *d, uint64_t g)
{
	uint64_t e = g & (PTE_W | PTE_U);

	if (d->cfg.force_user)
		e |= PTE_U;

	if (d->cmode.efer & MMU_EFER_NXE)
		e |= g & PTE_NX;
	return e;
}

uint64_t sh_table_entry(const struct shadow_domain *d, uint64_t g, const struct sh_page *child)
{
	return child->maddr | PTE_P | PTE_A | rights(d, g);
}

/* The guest's dirty bit of a large page lives in this entry. */
uint64_t sh_split_parent_entry(const struct shadow_domain *d, uint64_t g,
			       const struct sh_page *child)
{
	uint64_t e = sh_table_entry(d, g, child);

	if (!(g & PTE_D))
		e &= ~PTE_W;
	return e;
}

uint64_t sh_split_table_entry(const struct sh_page *child)
{
	return child->maddr | PTE_P | PTE_A | PTE_W | PTE_U;
}

/* Caching, global and key bits of a guest leaf, PAT in its 4 KiB place. */
uint64_t sh_leaf_attrs(uint64_t g, int level)
{
	uint64_t a = g & (PTE_PWT | PTE_PCD | PTE_G | PTE_PKEY_MASK);

	if (level == 1 ? (g & PTE_PAT_4K) : (g & PTE_PAT_LARGE))
		a |= PTE_PAT_4K;
	return a;
}

/* attrs as they sit in a leaf at `level` (1 or 2). */
static uint64_t place_attrs(uint64_t attrs, int level)
{
	if (level == 1 || !(attrs & PTE_PAT_4K))
		return attrs;
	return (attrs & ~PTE_PAT_4K) | PTE_PAT_LARGE;
}

static uint64_t leaf_frame(uint64_t mfn, int level, bool writable)
{
	uint64_t e = (mfn << PAGE_SHIFT) | PTE_P | PTE_A;

	if (level == 2)
		e |= PTE_PS;
	if (writable)
		e |= PTE_W | PTE_D;
	return e;
}

/* Shadow of guest leaf g at level 1 or 2 mapping machine frame mfn. */
uint64_t sh_guest_leaf(struct shadow_domain *d, uint64_t g, int level,
		       uint64_t mfn, bool writable)
{
	uint64_t r = rights(d, g);

	if (!(g & PTE_W) || !(g & PTE_D))
		writable = false;
	return sh_exec_leaf(d,
			    leaf_frame(mfn, level, writable) | (r & ~PTE_W) |
			    place_attrs(sh_leaf_attrs(g, level), level), mfn);
}

uint64_t sh_split_leaf(struct shadow_domain *d, const struct sh_page *sp, int level,
		       uint64_t mfn, bool writable)
{
	return sh_exec_leaf(d, leaf_frame(mfn, level, writable) | PTE_U |
			    place_attrs(sp->attrs, level), mfn);
}

/* The frame behind a guest table (or a page-table write): never the
 * execute-only frame (cfg.xonly_*), whose bytes are not the guest's. */
int sh_p2m(struct shadow_domain *d, uint64_t gfn, struct mmu_p2m *p)
{
	int err = sh_xonly_gfn(d, gfn) ? -ENOENT : d->ops.p2m(d->ops.ctx, gfn, p);

	if (err)
		return err;
	if (p->order != 9)
		p->order = 0;
	return 0;
}

/* The frame a leaf maps: sh_p2m's, or the execute-only frame (never
 * writable; its leaves are made by sh_exec_leaf, shadow_exec.c). */
int sh_p2m_leaf(struct shadow_domain *d, uint64_t gfn, struct mmu_p2m *p)
{
	if (!sh_xonly_gfn(d, gfn))
		return sh_p2m(d, gfn, p);
	*p = (struct mmu_p2m){ .mfn = d->cfg.xonly_mfn };
	return 0;
}

/* Can the 2 MiB guest extent at gfn (aligned) be one shadow leaf? */
bool sh_large_ok(struct shadow_domain *d, uint64_t gfn, struct mmu_p2m *p)
{
	if (d->cfg.may_exec || sh_p2m(d, gfn, p) || p->order != 9 || (p->mfn & (PT_ENTRIES - 1)))
		return false;
	if (d->cfg.xonly_key && d->cfg.xonly_gfn - gfn < PT_ENTRIES)
		return false;	/* the execute-only frame is in it */
	return !sh_region_has_pt(d, p->mfn);
}
