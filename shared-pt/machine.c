/* The machine: frame table, memory access, refusals and flush requests. */
#include "shared-pt/internal.h"

#include "base/errno.h"
#include "base/string.h"

int spt_machine_init(struct spt_machine *m, const struct spt_ops *ops,
		     void *ctx, struct spt_frame *frames, uint64_t nr_frames,
		     unsigned int phys_bits,
		     const pte_t hv_slots[SPT_HV_NR_SLOTS])
{
	uint64_t i;

	if (!m || !ops || !ops->map || !ops->alloc_page || !ops->free_page ||
	    !ops->flush_tlbs || !frames || !nr_frames)
		return -EINVAL;
	if (phys_bits < 32 || phys_bits > 52 ||
	    nr_frames > (1ULL << (phys_bits - PAGE_SHIFT)))
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	m->ops = ops;
	m->ctx = ctx;
	m->frames = frames;
	m->nr_frames = nr_frames;
	m->phys_bits = phys_bits;
	for (i = 0; i < nr_frames; i++) {
		memset(&frames[i], 0, sizeof(frames[i]));
		frames[i].owner = SPT_OWNER_NONE;
		frames[i].shadow = SPT_INVALID_MFN;
		frames[i].pfn = SPT_INVALID_MFN;
	}
	if (hv_slots)
		memcpy(m->hv_slots, hv_slots, sizeof(m->hv_slots));
	return 0;
}

/* The caller flushed every TLB: frames that went stale before now may
 * change type without another flush. */
void spt_tlbs_flushed(struct spt_machine *m)
{
	m->flush_gen++;
}

pte_t *spt_map(struct spt_domain *d, uint64_t mfn)
{
	struct spt_machine *m = d->m;

	d->stats.pages_mapped++;
	return m->ops->map(m->ctx, mfn);
}

void spt_unmap(struct spt_domain *d, pte_t *p)
{
	if (p && d->m->ops->unmap)
		d->m->ops->unmap(d->m->ctx, p);
}

static const struct {
	const char *name;
	int err;
} reasons[SPT_R_COUNT] = {
	[SPT_R_NONE] = { "none", 0 },
	[SPT_R_NO_FRAME] = { "no such frame", EINVAL },
	[SPT_R_NOT_OWNER] = { "frame not owned", EPERM },
	[SPT_R_RESERVED_BITS] = { "reserved bits set", EINVAL },
	[SPT_R_PT_WRITABLE] = { "writable mapping of a page table", EACCES },
	[SPT_R_SEG_WRITABLE] = { "writable mapping of a descriptor page",
				 EACCES },
	[SPT_R_LINEAR_WRITABLE] = { "writable recursive mapping", EACCES },
	[SPT_R_LINEAR] = { "recursive mapping", EPERM },
	[SPT_R_SUPERPAGE_PT] = { "writable superpage over a page table",
				 EACCES },
	[SPT_R_SUPERPAGE_1G] = { "1 GiB page", EINVAL },
	[SPT_R_HV_SLOT] = { "entry in the hypervisor slot", EPERM },
	[SPT_R_TYPE_CONFUSION] = { "table linked at the wrong level", EBUSY },
	[SPT_R_TYPE_IN_USE] = { "type change while in use", EBUSY },
	[SPT_R_NOT_PT] = { "not a page table", EFAULT },
	[SPT_R_ALREADY_PINNED] = { "already pinned", EINVAL },
	[SPT_R_NOT_PINNED] = { "not pinned", EINVAL },
	[SPT_R_OVERFLOW] = { "reference count overflow", EOVERFLOW },
	[SPT_R_NO_MEMORY] = { "out of shadow pages", ENOMEM },
	[SPT_R_BAD_REQUEST] = { "malformed request", EINVAL },
	[SPT_R_UNSUPPORTED] = { "unsupported command", ENOSYS },
	[SPT_R_P2M_FIXED] = { "m2p of an aligned extent is fixed", EINVAL },
	[SPT_R_IN_USE] = { "frames still referenced", EBUSY },
	[SPT_R_EXEC_REFUSED] = { "executable mapping refused", EPERM },
	[SPT_R_WX] = { "writable and executable mapping", EINVAL },
	[SPT_R_WX_TYPE] = { "executable and writable in different mappings",
			    EPERM },
	[SPT_R_GONE_LEAF] = { "mapping of a frame given back", EBUSY },
	[SPT_R_GONE] = { "frame given back", EINVAL },
};

const char *spt_reason_name(enum spt_reason r)
{
	return (unsigned int)r < SPT_R_COUNT ? reasons[r].name : "?";
}

int spt_reason_errno(enum spt_reason r)
{
	return (unsigned int)r < SPT_R_COUNT ? -reasons[r].err : -EINVAL;
}

int spt_refuse(struct spt_domain *d, enum spt_reason why, uint64_t mfn,
	       unsigned int index)
{
	d->last_refusal.reason = why;
	d->last_refusal.mfn = mfn;
	d->last_refusal.index = index;
	d->stats.refusals++;
	return spt_reason_errno(why);
}

/* Merge a request into what is already asked for; two different single
 * addresses become a whole flush of the wider scope. */
void spt_flush_add(struct spt_flush *f, uint32_t flags, uint64_t va)
{
	uint32_t va_flags = SPT_FLUSH_VA_LOCAL | SPT_FLUSH_VA_ALL;

	if (!f)
		return;
	if ((flags & va_flags) && (f->flags & va_flags) && f->va != va) {
		if ((flags | f->flags) & SPT_FLUSH_VA_ALL)
			flags |= SPT_FLUSH_ALL;
		else
			flags |= SPT_FLUSH_LOCAL;
	}
	if (flags & va_flags)
		f->va = va;
	f->flags |= flags;
}
