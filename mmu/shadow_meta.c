/* Bookkeeping memory of the shadow engine: whole pages from mmu_ops,
 * carved into fixed-size objects (descriptors, ω nodes, writable-map
 * nodes, frame records, vCPUs), and the bucket arrays of the hash indexes.
 * Slab pages go back to the allocator only when the domain dies; the
 * counters report how many are held. */
#include "mmu/shadow_priv.h"
#include "umbra/errno.h"
#include "umbra/string.h"

struct sh_slab_page {
	struct sh_slab_page *next;
	uint64_t maddr;
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

void *sh_meta_page_alloc(struct shadow_domain *d, uint64_t *maddr)
{
	void *p;

	if (d->ops.alloc_page(d->ops.ctx, maddr))
		return NULL;
	p = d->ops.map(d->ops.ctx, *maddr);
	if (!p) {
		d->ops.free_page(d->ops.ctx, *maddr);
		return NULL;
	}
	d->stats.meta_pages++;
	return p;
}

void sh_meta_page_free(struct shadow_domain *d, uint64_t maddr)
{
	d->ops.free_page(d->ops.ctx, maddr);
	d->stats.meta_pages--;
}

static int slab_grow(struct shadow_domain *d, struct sh_slab *s)
{
	uint64_t maddr;
	struct sh_slab_page *pg = sh_meta_page_alloc(d, &maddr);
	uint8_t *obj, *end;

	if (!pg)
		return -ENOMEM;
	pg->maddr = maddr;
	pg->next = d->slab_pages;
	d->slab_pages = pg;
	end = (uint8_t *)pg + PAGE_SIZE - s->size;
	for (obj = (uint8_t *)(pg + 1); obj <= end; obj += s->size) {
		*(void **)obj = s->free;
		s->free = obj;
	}
	return 0;
}

void *sh_obj_alloc(struct shadow_domain *d, enum sh_slab_kind kind)
{
	struct sh_slab *s = &d->slab[kind];
	void *obj;

	if (!s->free && slab_grow(d, s))
		return NULL;
	obj = s->free;
	s->free = *(void **)obj;
	memset(obj, 0, s->size);
	return obj;
}

void sh_obj_free(struct shadow_domain *d, enum sh_slab_kind kind, void *obj)
{
	struct sh_slab *s = &d->slab[kind];

	*(void **)obj = s->free;
	s->free = obj;
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
	struct sh_slab_page *pg = d->slab_pages;
	int k;

	hash_fini(d, &d->pages);
	hash_fini(d, &d->frames);
	hash_fini(d, &d->wmaps);
	while (pg) {
		struct sh_slab_page *next = pg->next;

		sh_meta_page_free(d, pg->maddr);
		pg = next;
	}
	d->slab_pages = NULL;
	for (k = 0; k < SH_SLABS; k++)
		d->slab[k].free = NULL;
}
