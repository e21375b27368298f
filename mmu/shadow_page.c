/* Shadow pages, their entries and ω (back-pointers from a page to the
 * entries that point to it). Every change to a shadow entry goes through
 * sh_link(), sh_set_leaf() or sh_clear_entry(), which keep ω, the
 * writable-mapping summaries and the reference counts exact. */
#include "mmu/shadow_priv.h"
#include "base/errno.h"

static uint64_t page_hash(uint64_t gfn, int level, bool split, uint64_t attrs)
{
	return sh_mix(gfn ^ ((uint64_t)level << 56) ^ ((uint64_t)split << 60) ^
		      sh_mix(attrs));
}

struct sh_page *sh_page_find(struct shadow_domain *d, uint64_t gfn, int level,
			     bool split, uint64_t attrs)
{
	struct sh_page *sp = *sh_bucket(&d->pages, page_hash(gfn, level, split, attrs));

	while (sp && !(sp->gfn == gfn && sp->level == level && sp->split == split &&
		       sp->attrs == attrs))
		sp = sp->hnext;
	return sp;
}

static void page_unhash(struct shadow_domain *d, struct sh_page *sp)
{
	struct sh_page **pp = (struct sh_page **)sh_bucket(&d->pages,
		page_hash(sp->gfn, sp->level, sp->split, sp->attrs));

	while (*pp != sp)
		pp = &(*pp)->hnext;
	*pp = sp->hnext;
}

/* A table page for a new shadow page, reclaiming others if needed (the
 * new page is not hashed yet and the path above it is busy, so nothing
 * the caller holds can go). */
static int table_alloc(struct shadow_domain *d, uint64_t *maddr)
{
	while (d->cfg.max_pages && d->stats.shadow_pages >= d->cfg.max_pages)
		if (sh_reclaim(d))
			return -ENOMEM;
	while (sh_page_take(d, maddr))
		if (sh_reclaim(d))
			return -ENOMEM;
	return 0;
}

static void page_release(struct shadow_domain *d, struct sh_page *sp)
{
	if (sp->child)
		sh_meta_page_free(d, sp->child_maddr);
	if (sp->table)
		sh_page_give(d, sp->maddr);
	sh_obj_free(d, SH_SLAB_PAGE, sp);
}

static int page_create(struct shadow_domain *d, uint64_t gfn, int level, bool split,
		       uint64_t attrs, struct sh_page **out)
{
	struct sh_page *sp, **head;
	struct mmu_p2m p;
	bool track = !split && !sh_p2m(d, gfn, &p);

	sp = sh_obj_alloc(d, SH_SLAB_PAGE);
	if (!sp)
		return -ENOMEM;
	if (table_alloc(d, &sp->maddr))
		goto fail;
	sp->table = d->ops.map(d->ops.ctx, sp->maddr);
	if (!sp->table) {
		sh_page_give(d, sp->maddr);
		goto fail;
	}
	if (level >= 2 && !(sp->child = sh_meta_page_alloc(d, &sp->child_maddr)))
		goto fail;
	if (track && sh_track(d, p.mfn))
		goto fail;
	sp->tracked = track;
	sp->mfn = track ? p.mfn : 0;
	sp->gfn = gfn;
	sp->level = (uint8_t)level;
	sp->split = split;
	sp->attrs = attrs;
	head = (struct sh_page **)sh_bucket(&d->pages, page_hash(gfn, level, split, attrs));
	sp->hnext = *head;
	*head = sp;
	if (!split && SH_KEY_FMT(attrs) != SH_FMT_LONG)
		d->legacy_pages++;
	if (++d->stats.shadow_pages > d->stats.shadow_pages_peak)
		d->stats.shadow_pages_peak = d->stats.shadow_pages;
	*out = sp;
	return 0;
fail:
	page_release(d, sp);
	return -ENOMEM;
}

int sh_page_get(struct shadow_domain *d, uint64_t gfn, int level, bool split,
		uint64_t attrs, struct sh_page **out)
{
	*out = sh_page_find(d, gfn, level, split, attrs);
	if (*out)
		return 0;
	return page_create(d, gfn, level, split, attrs, out);
}

void sh_clear_all_entries(struct shadow_domain *d, struct sh_page *sp)
{
	uint32_t i;

	for (i = 0; i < PT_ENTRIES; i++)
		if (sp->table[i] & PTE_P)
			sh_clear_entry(d, sp, i);
}

static void page_free(struct shadow_domain *d, struct sh_page *sp)
{
	sh_clear_all_entries(d, sp);
	if (sp->tracked)
		sh_untrack(d, sp->mfn);
	page_unhash(d, sp);
	if (!sp->split && SH_KEY_FMT(sp->attrs) != SH_FMT_LONG)
		d->legacy_pages--;
	d->stats.shadow_pages--;
	page_release(d, sp);
}

void sh_put(struct shadow_domain *d, struct sh_page *sp)
{
	if (!sp->nparents && !sp->pins && !sp->busy)
		page_free(d, sp);
}

static void backptr_del(struct shadow_domain *d, struct sh_page *child,
			struct sh_page *parent, uint32_t idx)
{
	struct sh_backptr **pp;

	for (pp = &child->parents; *pp; pp = &(*pp)->next) {
		struct sh_backptr *bp = *pp;

		if (bp->parent == parent && bp->index == idx) {
			*pp = bp->next;
			child->nparents--;
			sh_obj_free(d, SH_SLAB_BACKPTR, bp);
			return;
		}
	}
}

/* Does replacing old by e take a right away (so a TLB may hold too much)? */
static bool restricts(uint64_t old, uint64_t e)
{
	if (!(old & PTE_P))
		return false;
	if (!(e & PTE_P) || (old & PTE_ADDR_MASK) != (e & PTE_ADDR_MASK))
		return true;
	return (old & (PTE_W | PTE_U) & ~e) || (e & PTE_NX & ~old) ||
	       ((old ^ e) & (PTE_PS | PTE_PWT | PTE_PCD | PTE_PAT_LARGE | PTE_PKEY_MASK));
}

void sh_clear_entry(struct shadow_domain *d, struct sh_page *sp, uint32_t idx)
{
	uint64_t e = sp->table[idx];
	struct sh_page *child;

	if (!(e & PTE_P))
		return;
	if (sp->level == 4 && sh_hv_slot(d, idx))
		return;
	sp->table[idx] = 0;
	d->tlb_dirty = true;
	child = sp->level >= 2 ? sp->child[idx] : NULL;
	if (child) {
		sp->child[idx] = NULL;
		backptr_del(d, child, sp, idx);
		sh_put(d, child);
	} else if (e & PTE_W) {
		sh_wmap_del(d, sp, sh_leaf_mfn(e, sp->level));
	}
}

int sh_link(struct shadow_domain *d, struct sh_page *sp, uint32_t idx,
	    struct sh_page *child, uint64_t e)
{
	struct sh_backptr *bp;

	if (sp->child[idx] == child) {
		if (restricts(sp->table[idx], e))
			d->tlb_dirty = true;
		sp->table[idx] = e;
		return 0;
	}
	bp = sh_obj_alloc(d, SH_SLAB_BACKPTR);
	if (!bp)
		return -ENOMEM;
	sh_clear_entry(d, sp, idx);
	bp->parent = sp;
	bp->index = idx;
	bp->next = child->parents;
	child->parents = bp;
	child->nparents++;
	sp->child[idx] = child;
	sp->table[idx] = e;
	return 0;
}

int sh_set_leaf(struct shadow_domain *d, struct sh_page *sp, uint32_t idx, uint64_t e)
{
	uint64_t old = sp->table[idx];
	bool old_is_leaf = !(sp->level >= 2 && sp->child[idx]);

	if (old == e)
		return 0;
	if ((old & PTE_P) && old_is_leaf && !(old & PTE_W)) {
		/* Nothing to unlink: just rewrite (often a read-only → writable upgrade). */
		if (restricts(old, e))
			d->tlb_dirty = true;
		sp->table[idx] = 0;
	} else {
		sh_clear_entry(d, sp, idx);
	}
	if ((e & PTE_W) && sh_wmap_add(d, sp, sh_leaf_mfn(e, sp->level)))
		return -ENOMEM;
	sp->table[idx] = e;
	return 0;
}

void sh_unshadow_page(struct shadow_domain *d, struct sh_page *sp)
{
	while (sp->parents) {
		struct sh_backptr *bp = sp->parents;

		bp->parent->table[bp->index] = 0;
		bp->parent->child[bp->index] = NULL;
		sp->parents = bp->next;
		sp->nparents--;
		sh_obj_free(d, SH_SLAB_BACKPTR, bp);
	}
	d->tlb_dirty = true;
	d->stats.unshadows++;
	sh_put(d, sp);
}
