/* Shadow domains and vCPUs: creation, paging mode, counters, and a
 * side-effect-free look at what the processor would do with a shadow. */
#include "mmu/shadow_priv.h"
#include "mmu/walk32.h"
#include "base/errno.h"
#include "base/string.h"

_Static_assert(sizeof(struct shadow_domain) <= PAGE_SIZE,
	       "a shadow domain must fit the page it is allocated in");

#define DEFAULT_ROOTS		16
#define DEFAULT_HASH_PAGES	8

static uint64_t pool_min(const struct shadow_config *c)
{
	return sh_meta_fixed_pages(c) + (uint64_t)c->roots * SH_ROOT_PAGES + SH_SLABS +
	       SH_OP_PAGES;
}

/* Defaults filled in; false for a bad config. */
static bool config_get(const struct shadow_config *cfg, struct shadow_config *c)
{
	*c = cfg ? *cfg : (struct shadow_config){ .hv_slot = -1 };
	if (!c->roots)
		c->roots = DEFAULT_ROOTS;
	if (!c->hash_pages)
		c->hash_pages = DEFAULT_HASH_PAGES;
	if (c->roots < 2 || c->roots > SHADOW_MAX_ROOTS)
		return false;
	if (c->hash_pages > SH_HASH_MAX_PAGES || (c->hash_pages & (c->hash_pages - 1)))
		return false;
	if (c->pool_pages && c->pool_pages < pool_min(c))
		return false;
	if (c->xonly_key > 15)
		return false;
	if (!c->hv_table)
		for (unsigned int i = 0; i < 8; i++)
			if (c->hv_mask[i])
				return false;	/* slots without their entries */
	return c->hv_slot >= -1 && c->hv_slot < PT_ENTRIES;
}

uint64_t shadow_pool_min_pages(const struct shadow_config *cfg)
{
	struct shadow_config c;

	if (!config_get(cfg, &c))
		return 0;
	return pool_min(&c);
}

static bool ops_ok(const struct mmu_ops *ops)
{
	return ops && ops->alloc_page && ops->free_page && ops->map && ops->p2m;
}

struct shadow_domain *shadow_domain_create(const struct mmu_ops *ops,
					   const struct shadow_config *cfg, int *err)
{
	struct shadow_config c;
	struct shadow_domain *d;
	uint64_t maddr;
	int dummy;

	if (!err)
		err = &dummy;
	if (!ops_ok(ops) || !config_get(cfg, &c)) {
		*err = -EINVAL;
		return NULL;
	}
	*err = -ENOMEM;
	if (ops->alloc_page(ops->ctx, &maddr))
		return NULL;
	d = ops->map(ops->ctx, maddr);
	if (!d) {
		ops->free_page(ops->ctx, maddr);
		return NULL;
	}
	memset(d, 0, sizeof(*d));
	d->ops = *ops;
	d->cfg = c;
	d->self_maddr = maddr;
	d->cmode.efer = MMU_EFER_NXE;
	d->stats.meta_pages = 1;
	d->held = 1;
	d->stats.pages_peak = 1;
	if (sh_meta_init(d)) {
		ops->free_page(ops->ctx, maddr);
		return NULL;
	}
	*err = 0;
	return d;
}

int shadow_domain_destroy(struct shadow_domain *d)
{
	struct mmu_ops ops;
	unsigned int i;

	if (!d)
		return -EINVAL;
	if (d->nvcpus)
		return -EBUSY;
	for (i = 0; i < d->cfg.roots; i++) {
		struct sh_page *sp = d->roots[i].sp;

		if (!sp)
			continue;
		d->roots[i].sp = NULL;
		sp->pins--;
		sh_put(d, sp);
	}
	sh_meta_fini(d);
	ops = d->ops;
	ops.free_page(ops.ctx, d->self_maddr);
	return 0;
}

struct shadow_vcpu *shadow_vcpu_create(struct shadow_domain *d)
{
	struct shadow_vcpu *v;

	/* One φ slot more than vCPUs, so a CR3 write always finds room. */
	if (!d || d->nvcpus + 1 >= d->cfg.roots)
		return NULL;
	if (sh_make_room(d, SH_OP_PAGES))
		return NULL;
	v = sh_obj_alloc(d, SH_SLAB_VCPU);
	if (!v)
		return NULL;
	v->d = d;
	v->root = -1;
	v->mode = (struct mmu_mode){ .cr0 = MMU_CR0_WP, .efer = d->cmode.efer,
				     .maxphyaddr = d->cmode.maxphyaddr,
				     .no_1g_pages = d->cmode.no_1g_pages };
	d->nvcpus++;
	return v;
}

void shadow_vcpu_destroy(struct shadow_vcpu *v)
{
	struct shadow_domain *d;

	if (!v)
		return;
	d = v->d;
	if (v->root >= 0)
		d->roots[v->root].users--;
	d->nvcpus--;
	sh_obj_free(d, SH_SLAB_VCPU, v);
}

/* The parts of the mode that decide which guest entries are valid, and
 * so what the shared shadows contain. */
static bool content_mode_differs(const struct mmu_mode *a, const struct mmu_mode *b)
{
	return ((a->efer ^ b->efer) & MMU_EFER_NXE) ||
	       mmu_maxphyaddr(a) != mmu_maxphyaddr(b) || a->no_1g_pages != b->no_1g_pages;
}

int shadow_set_mode(struct shadow_vcpu *v, const struct mmu_mode *m)
{
	struct shadow_domain *d;

	if (!v || !m)
		return -EINVAL;
	d = v->d;
	v->mode = *m;
	if (content_mode_differs(&d->cmode, m)) {
		d->cmode = (struct mmu_mode){ .efer = m->efer & MMU_EFER_NXE,
					      .maxphyaddr = m->maxphyaddr,
					      .no_1g_pages = m->no_1g_pages };
		shadow_flush_all(d);
	}
	return 0;
}

void shadow_get_counters(const struct shadow_domain *d, struct shadow_counters *c)
{
	if (d && c)
		*c = d->stats;
}

static uint64_t *machine_table(void *ctx, uint64_t maddr)
{
	const struct shadow_domain *d = ctx;

	return d->ops.map(d->ops.ctx, maddr);
}

int shadow_translate(const struct shadow_vcpu *v, uint64_t va, unsigned int access,
		     uint64_t *maddr)
{
	const struct sh_page *root;
	struct mmu_tables t;
	struct mmu_mode hw;
	struct mmu_walk w;
	int st;

	if (!v || !maddr || v->root < 0)
		return -EINVAL;
	t = (struct mmu_tables){ .map = machine_table, .ctx = (void *)v->d };
	root = v->d->roots[v->root].sp;
	hw = v->mode;
	hw.cr0 |= MMU_CR0_WP;
	hw.efer |= MMU_EFER_NXE;
	hw.maxphyaddr = PADDR_BITS_MAX;
	if (root->level == 4) {
		st = mmu_walk(&hw, &t, root->maddr, va, access, 0, &w);
	} else {
		/* A 32-bit guest's shadows run as PAE tables (shadow_form.c). */
		if ((va >> 32) || (root->maddr >> 32))
			return -EINVAL;
		hw.cr0 |= MMU_CR0_PG;
		hw.cr4 |= MMU_CR4_PAE;
		hw.efer &= ~MMU_EFER_LMA;
		st = mmu_walk32(&hw, &t, root->maddr, (uint32_t)va, access, 0, &w);
	}
	if (st == MMU_WALK_OK)
		*maddr = w.addr;
	return st;
}
