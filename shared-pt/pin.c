/* The roots of a domain's page-table references: pinned tables, the base
 * pointers its vCPUs run on, descriptor pages; and tearing them all down.
 * Everything else (directory entries) hangs off these, so dropping them
 * returns every count to zero. */
#include "shared-pt/internal.h"

#include "base/errno.h"

/* A request naming a table: a level 1-4, of a frame the domain owns. */
static int check_table_request(struct spt_domain *d, uint64_t mfn, int level)
{
	if (level < 1 || level > 4)
		return spt_refuse(d, SPT_R_BAD_REQUEST, mfn, 0);
	return spt_check_owner(d, mfn);
}

int spt_pin(struct spt_domain *d, uint64_t mfn, int level)
{
	struct spt_frame *f;
	int rc = check_table_request(d, mfn, level);

	if (rc)
		return rc;
	f = spt_frame(d->m, mfn);
	if (f->flags & SPT_FRAME_PINNED)
		return spt_refuse(d, SPT_R_ALREADY_PINNED, mfn, 0);
	rc = spt_get_page_and_type(d, mfn, (unsigned int)level);
	if (rc)
		return rc;
	f->flags |= SPT_FRAME_PINNED;
	return 0;
}

int spt_unpin(struct spt_domain *d, uint64_t mfn)
{
	struct spt_frame *f;
	int rc = spt_check_owner(d, mfn);

	if (rc)
		return rc;
	f = spt_frame(d->m, mfn);
	if (!(f->flags & SPT_FRAME_PINNED))
		return spt_refuse(d, SPT_R_NOT_PINNED, mfn, 0);
	f->flags &= (uint8_t)~SPT_FRAME_PINNED;
	spt_put_page_and_type(d, mfn);
	return 0;
}

/* Switching to an already-live root (pinned, or used by another vCPU)
 * touches no table page: its shadow exists and is kept current. */
int spt_new_baseptr(struct spt_vcpu *v, uint64_t mfn, bool user)
{
	struct spt_domain *d = v->d;
	uint64_t *slot = user ? &v->user_base_mfn : &v->base_mfn;
	uint64_t old = *slot;
	int rc;

	if (user && mfn == 0) {
		mfn = SPT_INVALID_MFN;	/* Xen: no user page table */
	} else {
		rc = spt_check_owner(d, mfn);
		if (rc)
			return rc;
		rc = spt_get_page_and_type(d, mfn, SPT_TYPE_L4);
		if (rc)
			return rc;
	}
	*slot = mfn;
	if (old != SPT_INVALID_MFN)
		spt_put_page_and_type(d, old);
	d->stats.baseptr_loads++;
	return 0;
}

/* The machine frame to load into CR3 for this vCPU. */
uint64_t spt_vcpu_root(const struct spt_vcpu *v, bool user)
{
	uint64_t base = user ? v->user_base_mfn : v->base_mfn;

	if (base == SPT_INVALID_MFN)
		return SPT_INVALID_MFN;
	return spt_frame(v->d->m, base)->shadow;
}

int spt_get_seg_page(struct spt_domain *d, uint64_t mfn)
{
	int rc = spt_check_owner(d, mfn);

	if (rc)
		return rc;
	return spt_get_page_and_type(d, mfn, SPT_TYPE_SEG);
}

void spt_put_seg_page(struct spt_domain *d, uint64_t mfn)
{
	struct spt_frame *f = spt_frame(d->m, mfn);

	if (f && f->owner == d->id && spt_frame_in_use_as(f, SPT_TYPE_SEG))
		spt_put_page_and_type(d, mfn);
}

int spt_hold_table(struct spt_domain *d, uint64_t mfn, int level)
{
	int rc = check_table_request(d, mfn, level);

	if (rc)
		return rc;
	return spt_get_page_and_type(d, mfn, (unsigned int)level);
}

void spt_release_table(struct spt_domain *d, uint64_t mfn, int level)
{
	struct spt_frame *f = spt_frame(d->m, mfn);

	if (f && f->owner == d->id && spt_frame_in_use_as(f, (unsigned int)level))
		spt_put_page_and_type(d, mfn);
}

static void drop_baseptrs(struct spt_domain *d)
{
	struct spt_vcpu *v;
	unsigned int i;

	for (i = 0; i < d->nr_vcpus; i++) {
		v = &d->vcpus[i];
		if (v->base_mfn != SPT_INVALID_MFN)
			spt_put_page_and_type(d, v->base_mfn);
		if (v->user_base_mfn != SPT_INVALID_MFN)
			spt_put_page_and_type(d, v->user_base_mfn);
		v->base_mfn = SPT_INVALID_MFN;
		v->user_base_mfn = SPT_INVALID_MFN;
	}
}

static void unpin_extent(struct spt_domain *d, uint64_t mfn)
{
	uint64_t i;

	for (i = 0; i < SPT_EXTENT_FRAMES; i++)
		if (spt_frame(d->m, mfn + i)->flags & SPT_FRAME_PINNED)
			spt_unpin(d, mfn + i);
}

/* Drop every reference the domain holds on its own behalf. Fails with
 * -EBUSY if some of its frames are still referenced from elsewhere (mapped
 * by another domain through a grant, or a descriptor page in use). */
int spt_domain_relinquish(struct spt_domain *d)
{
	uint32_t ext;

	drop_baseptrs(d);
	for (ext = 0; ext < d->max_extents; ext++)
		if (d->p2m[ext] != SPT_INVALID_MFN)
			unpin_extent(d, d->p2m[ext]);
	for (ext = 0; ext < d->max_extents; ext++)
		if (d->p2m[ext] != SPT_INVALID_MFN &&
		    !spt_extent_unused(d->m, d->p2m[ext]))
			return spt_refuse(d, SPT_R_IN_USE, d->p2m[ext], 0);
	return 0;
}
