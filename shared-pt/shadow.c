/* Shadow directory pages: hypervisor-owned, one per live guest directory,
 * holding the entries the MMU walks. Guests can never map them (they are
 * owned by SPT_OWNER_XEN). */
#include "shared-pt/internal.h"

#include "base/errno.h"
#include "base/string.h"

static void fill_hv_slots(const struct spt_machine *m, pte_t *shadow)
{
	unsigned int i;

	for (i = 0; i < SPT_HV_NR_SLOTS; i++)
		spt_write_pte(&shadow[spt_hv_slot_index(i)], m->hv_slots[i]);
}

int spt_shadow_alloc(struct spt_domain *d, uint64_t dir_mfn)
{
	struct spt_machine *m = d->m;
	struct spt_frame *dir = spt_frame(m, dir_mfn);
	uint64_t mfn = m->ops->alloc_page(m->ctx);
	struct spt_frame *f = spt_frame(m, mfn);
	pte_t *p;

	if (mfn == SPT_INVALID_MFN)
		return spt_refuse(d, SPT_R_NO_MEMORY, dir_mfn, 0);
	if (!f || f->owner != SPT_OWNER_NONE || f->count || f->type_count) {
		/* The allocator broke its contract; refuse the page rather
		 * than corrupt whoever owns it. */
		m->ops->free_page(m->ctx, mfn);
		return spt_refuse(d, SPT_R_NO_MEMORY, dir_mfn, 0);
	}
	p = spt_map(d, mfn);
	if (!p) {
		m->ops->free_page(m->ctx, mfn);
		return spt_refuse(d, SPT_R_NO_MEMORY, dir_mfn, 0);
	}
	memset(p, 0, PAGE_SIZE);
	if (dir->type == SPT_TYPE_L4)
		fill_hv_slots(m, p);
	spt_unmap(d, p);
	f->owner = SPT_OWNER_XEN;
	f->type = SPT_TYPE_SHADOW;
	f->type_count = 1;
	f->count = 1;
	f->pfn = dir_mfn;
	dir->shadow = mfn;
	if (++d->stats.shadow_pages > d->stats.shadow_pages_peak)
		d->stats.shadow_pages_peak = d->stats.shadow_pages;
	return 0;
}

void spt_shadow_free(struct spt_domain *d, uint64_t dir_mfn)
{
	struct spt_machine *m = d->m;
	struct spt_frame *dir = spt_frame(m, dir_mfn);
	struct spt_frame *f = spt_frame(m, dir->shadow);

	f->owner = SPT_OWNER_NONE;
	f->type = SPT_TYPE_NONE;
	f->type_count = 0;
	f->count = 0;
	f->pfn = SPT_INVALID_MFN;
	m->ops->free_page(m->ctx, dir->shadow);
	dir->shadow = SPT_INVALID_MFN;
	d->stats.shadow_pages--;
}

pte_t *spt_shadow_map(struct spt_domain *d, uint64_t dir_mfn)
{
	return spt_map(d, spt_frame(d->m, dir_mfn)->shadow);
}
