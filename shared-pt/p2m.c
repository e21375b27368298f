/* Domains and their aligned machine mapping.
 *
 * Pseudo-physical memory is a list of 2 MiB extents; extent i (frames
 * i*512 .. i*512+511) is backed by the 2 MiB-aligned machine extent whose
 * first frame is p2m[i]. So the low 21 bits of an address are the same in
 * both spaces and a guest superpage is a machine superpage. The reverse map
 * lives in the frame table (owner and pfn of every machine frame). */
#include "shared-pt/internal.h"

#include "base/errno.h"

int spt_domain_init(struct spt_machine *m, struct spt_domain *d, uint16_t id,
		    enum spt_dir_mode dir_mode, uint64_t *p2m,
		    uint32_t max_extents, struct spt_vcpu *vcpus,
		    unsigned int nr_vcpus)
{
	struct spt_domain *o;
	unsigned int i;

	if (!m || !d || !p2m || !max_extents || (!vcpus && nr_vcpus) ||
	    id >= DOMID_FIRST_RESERVED ||
	    (dir_mode != SPT_DIRS_PSEUDO && dir_mode != SPT_DIRS_MACHINE))
		return -EINVAL;
	for (o = m->domains; o; o = o->next)
		if (o->id == id || o == d)
			return -EEXIST;
	*d = (struct spt_domain){ .m = m, .id = id, .dir_mode = dir_mode,
				  .p2m = p2m,
				  .max_extents = max_extents,
				  .vcpus = vcpus, .nr_vcpus = nr_vcpus };
	for (i = 0; i < max_extents; i++)
		p2m[i] = SPT_INVALID_MFN;
	for (i = 0; i < nr_vcpus; i++)
		vcpus[i] = (struct spt_vcpu){ .d = d,
					      .base_mfn = SPT_INVALID_MFN,
					      .user_base_mfn = SPT_INVALID_MFN };
	d->next = m->domains;
	m->domains = d;
	return 0;
}

uint64_t spt_p2m(const struct spt_domain *d, uint64_t pfn)
{
	uint64_t ext = pfn >> SPT_EXTENT_SHIFT;

	if (ext >= d->max_extents || d->p2m[ext] == SPT_INVALID_MFN)
		return SPT_INVALID_MFN;
	return d->p2m[ext] + (pfn & (SPT_EXTENT_FRAMES - 1));
}

int spt_m2p(const struct spt_machine *m, uint64_t mfn, uint16_t *owner,
	    uint64_t *pfn)
{
	const struct spt_frame *f = spt_frame(m, mfn);

	if (!f)
		return -EINVAL;
	if (owner)
		*owner = f->owner;
	if (pfn)
		*pfn = f->pfn;
	return f->owner < DOMID_FIRST_RESERVED ? 0 : -ENOENT;
}

static bool is_ram(const struct spt_machine *m, uint64_t mfn)
{
	void *p = m->ops->map(m->ctx, mfn);

	if (p && m->ops->unmap)
		m->ops->unmap(m->ctx, p);
	return p != NULL;
}

static bool extent_free(const struct spt_machine *m, uint64_t mfn)
{
	const struct spt_frame *f;
	uint64_t i;

	for (i = 0; i < SPT_EXTENT_FRAMES; i++) {
		f = spt_frame(m, mfn + i);
		if (!f || f->owner != SPT_OWNER_NONE || f->count ||
		    f->type_count || !is_ram(m, mfn + i))
			return false;
	}
	return true;
}

int spt_domain_add_extent(struct spt_domain *d, uint64_t pfn, uint64_t mfn)
{
	uint64_t ext = pfn >> SPT_EXTENT_SHIFT;
	uint64_t i;
	struct spt_frame *f;

	if ((pfn | mfn) & (SPT_EXTENT_FRAMES - 1) || ext >= d->max_extents)
		return -EINVAL;
	if (d->p2m[ext] != SPT_INVALID_MFN)
		return -EEXIST;
	if (!extent_free(d->m, mfn))
		return -EBUSY;
	for (i = 0; i < SPT_EXTENT_FRAMES; i++) {
		f = spt_frame(d->m, mfn + i);
		f->owner = d->id;
		f->pfn = pfn + i;
		f->flags = 0;
	}
	d->p2m[ext] = mfn;
	return 0;
}

bool spt_extent_unused(const struct spt_machine *m, uint64_t mfn)
{
	const struct spt_frame *f;
	uint64_t i;

	for (i = 0; i < SPT_EXTENT_FRAMES; i++) {
		f = spt_frame(m, mfn + i);
		if (f->count || f->type_count)
			return false;
	}
	return true;
}

static void release_extent(struct spt_domain *d, uint64_t ext)
{
	uint64_t mfn = d->p2m[ext], i;
	struct spt_frame *f;

	for (i = 0; i < SPT_EXTENT_FRAMES; i++) {
		f = spt_frame(d->m, mfn + i);
		f->owner = SPT_OWNER_NONE;
		f->pfn = SPT_INVALID_MFN;
		f->flags = 0;
	}
	d->p2m[ext] = SPT_INVALID_MFN;
}

/* Released frames may still be mapped by TLBs (the counts say no table
 * holds them, not that no TLB does): flush before the caller can hand
 * them to anyone else. */
static void flush_released(struct spt_domain *d)
{
	struct spt_machine *m = d->m;

	m->ops->flush_tlbs(m->ctx);
	m->flush_gen++;
	d->stats.sync_flushes++;
}

int spt_domain_remove_extent(struct spt_domain *d, uint64_t pfn)
{
	uint64_t ext = pfn >> SPT_EXTENT_SHIFT;

	if (pfn & (SPT_EXTENT_FRAMES - 1) || ext >= d->max_extents)
		return -EINVAL;
	if (d->p2m[ext] == SPT_INVALID_MFN)
		return -ENOENT;
	if (!spt_extent_unused(d->m, d->p2m[ext]))
		return spt_refuse(d, SPT_R_IN_USE, d->p2m[ext], 0);
	release_extent(d, ext);
	flush_released(d);
	return 0;
}

/* Relinquish, give every extent back and leave the machine. */
int spt_domain_destroy(struct spt_domain *d)
{
	struct spt_domain **pp;
	uint64_t ext;
	int rc = spt_domain_relinquish(d);

	if (rc)
		return rc;
	for (ext = 0; ext < d->max_extents; ext++)
		if (d->p2m[ext] != SPT_INVALID_MFN)
			release_extent(d, ext);
	flush_released(d);
	for (pp = &d->m->domains; *pp; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	}
	return 0;
}

/* MMU_MACHPHYS_UPDATE. The aligned mapping fixes which pseudo-physical
 * frame a machine frame backs, so only the value already there is
 * accepted (guests that set their m2p at boot keep working). */
int spt_machphys_update(struct spt_domain *d, uint64_t mfn, uint64_t pfn)
{
	int rc = spt_check_owner(d, mfn);

	if (rc)
		return rc;
	if (spt_frame(d->m, mfn)->pfn != pfn)
		return spt_refuse(d, SPT_R_P2M_FIXED, mfn, 0);
	return 0;
}
