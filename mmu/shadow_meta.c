/* Bookkeeping memory of the shadow engine: whole pages from mmu_ops,
 * carved into fixed-size objects (descriptors, ω nodes, writable-map
 * nodes, frame records, vCPUs), and the bucket arrays of the hash indexes.
 * A slab page goes back to the allocator once no object on it is in use
 * (one empty page per kind is kept, so a steady alloc/free does not
 * churn), so bookkeeping shrinks with the shadows when they are
 * recycled. Every page the engine holds, tables included, is taken and
 * given back here and counted against cfg.pool_pages. */
#include "mmu/shadow_priv.h"
#include "base/errno.h"
#include "base/string.h"

/* At the start of each slab page; objects follow. An object finds its
 * page by rounding its address down (map() gives page-aligned pointers). */
struct sh_slab_page {
	struct sh_slab_page *next;	/* in the kind's partial list */
	struct sh_slab_page **pprev;
	struct sh_slab_page *all_next;	/* in d->slab_pages */
	struct sh_slab_page **all_pprev;
	void *free;			/* free objects, linked through their first word */
	uint64_t maddr;
	uint32_t used;
	uint32_t kind;
};

static const uint32_t slab_sizes[SH_SLABS] = {
	[SH_SLAB_PAGE] = sizeof(struct sh_page),
	[SH_SLAB_BACKPTR] = sizeof(struct sh_backptr),
	[SH_SLAB_WMAP] = sizeof(struct sh_wmap),
	[SH_SLAB_FRAME] = sizeof(struct sh_frame),
	[SH_SLAB_VCPU] = sizeof(struct shadow_vcpu),
};

uint64_t sh_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

bool sh_pool_full(const struct shadow_domain *d)
{
	return d->cfg.pool_pages && d->held >= d->cfg.pool_pages;
}

/* One page from ops if the pool has room; no recycling here. */
int sh_page_take(struct shadow_domain *d, uint64_t *maddr)
{
	if (sh_pool_full(d) || d->ops.alloc_page(d->ops.ctx, maddr))
		return -ENOMEM;
	if (++d->held > d->stats.pages_peak)
		d->stats.pages_peak = d->held;
	return 0;
}

void sh_page_give(struct shadow_domain *d, uint64_t maddr)
{
	d->ops.free_page(d->ops.ctx, maddr);
	d->held--;
}

void *sh_meta_page_alloc(struct shadow_domain *d, uint64_t *maddr)
{
	void *p;

	if (sh_page_take(d, maddr))
		return NULL;
	p = d->ops.map(d->ops.ctx, *maddr);
	if (!p) {
		sh_page_give(d, *maddr);
		return NULL;
	}
	d->stats.meta_pages++;
	return p;
}

void sh_meta_page_free(struct shadow_domain *d, uint64_t maddr)
{
	sh_page_give(d, maddr);
	d->stats.meta_pages--;
}

static void partial_add(struct sh_slab *s, struct sh_slab_page *pg)
{
	pg->next = s->partial;
	if (pg->next)
		pg->next->pprev = &pg->next;
	pg->pprev = &s->partial;
	s->partial = pg;
}

static void partial_del(struct sh_slab_page *pg)
{
	*pg->pprev = pg->next;
	if (pg->next)
		pg->next->pprev = pg->pprev;
	pg->pprev = NULL;
}

static void slab_page_free(struct shadow_domain *d, struct sh_slab_page *pg)
{
	if (pg->pprev)
		partial_del(pg);
	*pg->all_pprev = pg->all_next;
	if (pg->all_next)
		pg->all_next->all_pprev = pg->all_pprev;
	sh_meta_page_free(d, pg->maddr);
}

static struct sh_slab_page *slab_grow(struct shadow_domain *d, enum sh_slab_kind kind)
{
	struct sh_slab *s = &d->slab[kind];
	uint64_t maddr;
	struct sh_slab_page *pg = sh_meta_page_alloc(d, &maddr);
	uint8_t *obj, *end;

	if (!pg)
		return NULL;
	pg->maddr = maddr;
	pg->kind = kind;
	pg->all_next = d->slab_pages;
	if (pg->all_next)
		pg->all_next->all_pprev = &pg->all_next;
	pg->all_pprev = &d->slab_pages;
	d->slab_pages = pg;
	end = (uint8_t *)pg + PAGE_SIZE - s->size;
	for (obj = (uint8_t *)(pg + 1); obj <= end; obj += s->size) {
		*(void **)obj = pg->free;
		pg->free = obj;
	}
	partial_add(s, pg);
	s->empty++;
	return pg;
}

void *sh_obj_alloc(struct shadow_domain *d, enum sh_slab_kind kind)
{
	struct sh_slab *s = &d->slab[kind];
	struct sh_slab_page *pg = s->partial;
	void *obj;

	if (!pg && !(pg = slab_grow(d, kind)))
		return NULL;
	obj = pg->free;
	pg->free = *(void **)obj;
	if (pg->used++ == 0)
		s->empty--;
	if (!pg->free)
		partial_del(pg);
	memset(obj, 0, s->size);
	return obj;
}

void sh_obj_free(struct shadow_domain *d, enum sh_slab_kind kind, void *obj)
{
	struct sh_slab *s = &d->slab[kind];
	struct sh_slab_page *pg = (void *)((uintptr_t)obj & ~(uintptr_t)(PAGE_SIZE - 1));

	if (!pg->free)
		partial_add(s, pg);
	*(void **)obj = pg->free;
	pg->free = obj;
	if (--pg->used)
		return;
	if (s->empty)
		slab_page_free(d, pg);
	else
		s->empty++;
}

static uint64_t *dir_maddrs(struct sh_hash *h)
{
	return (uint64_t *)(h->bucket_page + SH_HASH_MAX_PAGES);
}

static void hash_fini(struct shadow_domain *d, struct sh_hash *h)
{
	uint32_t i;

	if (!h->bucket_page)
		return;
	for (i = 0; i < h->npages; i++)
		sh_meta_page_free(d, dir_maddrs(h)[i]);
	sh_meta_page_free(d, h->dir_maddr);
	*h = (struct sh_hash){ 0 };
}

static int hash_init(struct shadow_domain *d, struct sh_hash *h, uint32_t npages)
{
	h->bucket_page = sh_meta_page_alloc(d, &h->dir_maddr);
	if (!h->bucket_page)
		return -ENOMEM;
	for (h->npages = 0; h->npages < npages; h->npages++) {
		uint64_t maddr;
		void **b = sh_meta_page_alloc(d, &maddr);

		if (!b) {
			hash_fini(d, h);
			return -ENOMEM;
		}
		h->bucket_page[h->npages] = b;
		dir_maddrs(h)[h->npages] = maddr;
	}
	h->mask = npages * SH_BUCKETS_PER_PAGE - 1;
	return 0;
}

void **sh_bucket(struct sh_hash *h, uint64_t hash)
{
	uint32_t i = (uint32_t)hash & h->mask;

	return &h->bucket_page[i / SH_BUCKETS_PER_PAGE][i % SH_BUCKETS_PER_PAGE];
}

int sh_meta_init(struct shadow_domain *d)
{
	int k;

	for (k = 0; k < SH_SLABS; k++)
		d->slab[k].size = slab_sizes[k];
	if (hash_init(d, &d->pages, d->cfg.hash_pages) ||
	    hash_init(d, &d->frames, d->cfg.hash_pages) ||
	    hash_init(d, &d->wmaps, d->cfg.hash_pages)) {
		sh_meta_fini(d);
		return -ENOMEM;
	}
	return 0;
}

void sh_meta_fini(struct shadow_domain *d)
{
	int k;

	hash_fini(d, &d->pages);
	hash_fini(d, &d->frames);
	hash_fini(d, &d->wmaps);
	while (d->slab_pages)
		slab_page_free(d, d->slab_pages);
	for (k = 0; k < SH_SLABS; k++) {
		d->slab[k].partial = NULL;
		d->slab[k].empty = 0;
	}
}

/* The domain page and the hash indexes. */
uint64_t sh_meta_fixed_pages(const struct shadow_config *cfg)
{
	return 1 + 3 * (1 + (uint64_t)cfg->hash_pages);
}
