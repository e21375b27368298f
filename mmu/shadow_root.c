/* φ: the bounded cache of shadow roots, keyed by guest root frame and
 * PCID. A cached root stays pinned, and since every shadowed guest table
 * is write-protected, its whole tree stays valid while the guest runs
 * elsewhere: switching back costs one lookup. Also here: reclaiming
 * shadow memory under pressure, and flushing everything. */
#include "mmu/shadow_priv.h"
#include "base/errno.h"

void sh_flush_tlb(struct shadow_domain *d)
{
	if (!d->tlb_dirty)
		return;
	d->tlb_dirty = false;
	if (d->ops.flush_tlb) {
		d->ops.flush_tlb(d->ops.ctx);
		d->stats.tlb_flushes++;
	}
}

static void root_evict(struct shadow_domain *d, int slot)
{
	struct sh_page *sp = d->roots[slot].sp;

	d->roots[slot] = (struct sh_root){ 0 };
	sp->pins--;
	d->stats.root_evictions++;
	d->tlb_dirty = true;
	sh_put(d, sp);
}

/* The least recently used root no vCPU runs on, or -1. */
static int lru_idle_root(struct shadow_domain *d)
{
	unsigned int i;
	int best = -1;

	for (i = 0; i < d->cfg.roots; i++) {
		struct sh_root *r = &d->roots[i];

		if (!r->sp || r->users || r->sp->busy)
			continue;
		if (best < 0 || r->last_used < d->roots[best].last_used)
			best = (int)i;
	}
	return best;
}

/* Some shadow page nobody is filling through and φ does not pin. */
static struct sh_page *any_evictable(struct shadow_domain *d)
{
	uint32_t n, buckets = d->pages.mask + 1;

	for (n = 0; n < buckets; n++) {
		struct sh_page *sp;

		d->reclaim_cursor = (d->reclaim_cursor + 1) & d->pages.mask;
		for (sp = *sh_bucket(&d->pages, d->reclaim_cursor); sp; sp = sp->hnext)
			if (!sp->busy && !sp->pins)
				return sp;
	}
	return NULL;
}

static int reclaimed(struct shadow_domain *d, uint64_t before)
{
	d->stats.recycles += before - d->stats.shadow_pages;
	return 0;
}

/* Free at least one shadow page's worth of memory, or -ENOMEM. Idle
 * roots go first (their trees with them); then single pages, cut off
 * from exactly the entries that point to them (ω). */
int sh_reclaim(struct shadow_domain *d)
{
	uint64_t before = d->stats.shadow_pages;
	int slot;

	while ((slot = lru_idle_root(d)) >= 0) {
		root_evict(d, slot);
		if (d->stats.shadow_pages < before)
			return reclaimed(d, before);
	}
	for (;;) {
		struct sh_page *sp = any_evictable(d);

		if (!sp)
			return -ENOMEM;
		sh_unshadow_page(d, sp);
		if (d->stats.shadow_pages < before)
			return reclaimed(d, before);
	}
}

/* Before an operation that may allocate up to `pages` pages: recycle
 * until they fit the pool. Called only between operations, when no page
 * is busy and no caller holds a pointer that recycling could free. */
int sh_make_room(struct shadow_domain *d, unsigned int pages)
{
	if (!d->cfg.pool_pages)
		return 0;
	while (d->held + pages > d->cfg.pool_pages)
		if (sh_reclaim(d))
			return -ENOMEM;
	return 0;
}

static int root_find(struct shadow_domain *d, const struct sh_root_id *id, uint16_t pcid)
{
	unsigned int i;

	for (i = 0; i < d->cfg.roots; i++) {
		const struct sh_root *r = &d->roots[i];

		if (r->sp && r->gfn == id->gfn && r->pcid == pcid &&
		    r->sp->level == id->level && r->sp->attrs == id->key)
			return (int)i;
	}
	return -1;
}

static int root_free_slot(struct shadow_domain *d)
{
	unsigned int i;
	int slot;

	for (i = 0; i < d->cfg.roots; i++)
		if (!d->roots[i].sp)
			return (int)i;
	slot = lru_idle_root(d);
	if (slot >= 0)
		root_evict(d, slot);
	return slot;
}

static int root_create(struct shadow_domain *d, const struct sh_root_id *id, uint16_t pcid)
{
	struct sh_page *sp;
	int slot = root_free_slot(d);
	int err;

	if (slot < 0)
		return -EBUSY;
	err = sh_page_get(d, id->gfn, id->level, false, id->key, &sp);
	if (err)
		return err;
	if (id->level == 4)
		for (uint32_t i = 0; i < PT_ENTRIES; i++)
			if (sh_hv_slot(d, i))
				sp->table[i] = sh_hv_entry(d, i);
	sp->pins++;
	d->roots[slot] = (struct sh_root){ .sp = sp, .gfn = id->gfn, .table = id->table,
					   .pcid = pcid };
	return slot;
}

/* Outside long mode CR3 has 32 bits: there is nothing above to check. */
static bool cr3_valid(const struct mmu_mode *m, uint64_t cr3)
{
	uint64_t rsvd = ~((1ULL << mmu_maxphyaddr(m)) - 1);

	if (mmu_paging_form(m) != MMU_FORM_LONG)
		return true;
	if (m->cr4 & MMU_CR4_PCIDE)
		rsvd &= ~(1ULL << 63);
	return !(cr3 & rsvd);
}

int shadow_write_cr3(struct shadow_vcpu *v, uint64_t cr3, uint64_t *hw_cr3)
{
	struct shadow_domain *d;
	struct sh_root_id id;
	uint16_t pcid;
	int slot;

	if (!v || !hw_cr3 || !cr3_valid(&v->mode, cr3))
		return -EINVAL;
	d = v->d;
	sh_root_id(&v->mode, cr3, &id);
	pcid = (v->mode.cr4 & MMU_CR4_PCIDE) && id.level == 4 ? (uint16_t)(cr3 & 0xfff) : 0;
	d->stats.cr3_writes++;
	slot = root_find(d, &id, pcid);
	if (slot >= 0) {
		d->stats.cache_hits++;
	} else {
		/* Never evicts a root a vCPU runs on, this one's included, so
		 * a failure leaves the vCPU where it was. */
		slot = sh_make_room(d, SH_OP_PAGES);
		if (!slot)
			slot = root_create(d, &id, pcid);
		if (slot < 0) {
			sh_flush_tlb(d);
			return slot;
		}
		d->stats.cache_misses++;
	}
	if (slot != v->root) {
		if (v->root >= 0)
			d->roots[v->root].users--;
		v->root = slot;
		d->roots[slot].users++;
	}
	d->roots[slot].last_used = ++d->clock;
	*hw_cr3 = d->roots[slot].sp->maddr;
	sh_flush_tlb(d);
	return 0;
}

uint64_t shadow_hw_cr3(const struct shadow_vcpu *v)
{
	if (!v || v->root < 0)
		return 0;
	return v->d->roots[v->root].sp->maddr;
}

/* Empty every root; all other shadow pages go with their references.
 * The roots stop tracking their guest frame, which a p2m change may have
 * moved; the next fill through a root tracks it again. */
void shadow_flush_all(struct shadow_domain *d)
{
	unsigned int i;

	if (!d)
		return;
	for (i = 0; i < d->cfg.roots; i++) {
		struct sh_page *sp = d->roots[i].sp;

		if (!sp)
			continue;
		sh_clear_all_entries(d, sp);
		if (sp->tracked)
			sh_untrack(d, sp->mfn);
		sp->tracked = false;
		sp->mfn = 0;
	}
	d->stats.flushes++;
	sh_flush_tlb(d);
}
