/* Helpers shared by the shared-pt sources; not part of the interface. */
#ifndef SHARED_PT_INTERNAL_H
#define SHARED_PT_INTERNAL_H

#include "shared-pt/shared-pt.h"

#define SPT_COUNT_MAX	0xfffffff0u	/* leaves headroom below wrap-around */
#define SPT_PTE_AD	(PTE_A | PTE_D)

static inline struct spt_frame *spt_frame(const struct spt_machine *m,
					  uint64_t mfn)
{
	return mfn < m->nr_frames ? &m->frames[mfn] : NULL;
}

static inline bool spt_type_is_pt(unsigned int type)
{
	return type >= SPT_TYPE_L1 && type <= SPT_TYPE_L4;
}

static inline bool spt_frame_in_use_as(const struct spt_frame *f,
				       unsigned int type)
{
	return f->type_count && f->type == type;
}

/* Given back by its owner and no longer referenced: Xen's freed page,
 * which nothing may reference again (giveback.c). */
static inline bool spt_frame_gone(const struct spt_frame *f)
{
	return (f->flags & SPT_FRAME_GONE) && !f->count;
}

/* Tell the host a frame given back lost its last reference, and note
 * when: a TLB may still hold a mapping of it until the next full flush
 * (spt_frame_ready). */
static inline void spt_frame_went(const struct spt_machine *m, uint64_t mfn)
{
	m->frames[mfn].stale_gen = m->flush_gen;
	if (m->ops->gone)
		m->ops->gone(m->ctx, m->frames[mfn].owner, mfn);
}

/* Guest tables can be written by the MMU (A/D bits) at any time: read and
 * write whole entries exactly once. */
static inline pte_t spt_read_pte(const pte_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void spt_write_pte(pte_t *p, pte_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static inline uint64_t spt_pte_frame(pte_t e)
{
	return pte_addr(e) >> PAGE_SHIFT;
}

/* Bits [51:phys_bits] of an entry are reserved. */
static inline pte_t spt_rsvd_phys(const struct spt_machine *m)
{
	return PTE_ADDR_MASK & ~((1ULL << m->phys_bits) - 1);
}

/* Does a live table at `level` have a shadow page, or does the MMU walk
 * the guest's own page? An L4 always has one (the hypervisor's slots); a
 * pseudo-physical L3 or L2 must be translated; everything else is what
 * the MMU needs once validated. */
static inline bool spt_has_shadow(const struct spt_domain *d, int level)
{
	return level == 4 || (level > 1 && d->dir_mode == SPT_DIRS_PSEUDO);
}

/* The machine frame a present directory entry names (SPT_INVALID_MFN for
 * a pseudo-physical hole); not checked for ownership. */
static inline uint64_t spt_dir_target(const struct spt_domain *d, pte_t e)
{
	uint64_t frame = spt_pte_frame(e);

	if (d->dir_mode == SPT_DIRS_MACHINE)
		return frame;
	return spt_p2m(d, frame);
}

/* The frame the MMU walks for a live table: its shadow, or itself. */
static inline uint64_t spt_walked_frame(const struct spt_domain *d,
					uint64_t mfn, int level)
{
	if (spt_has_shadow(d, level))
		return d->m->frames[mfn].shadow;
	return mfn;
}

pte_t *spt_map(struct spt_domain *d, uint64_t mfn);
void spt_unmap(struct spt_domain *d, pte_t *p);
int spt_refuse(struct spt_domain *d, enum spt_reason why, uint64_t mfn,
	       unsigned int index);

/* frame.c: the reference and type discipline */
int spt_get_page(struct spt_domain *d, uint64_t mfn);
void spt_put_page(struct spt_domain *d, uint64_t mfn);
int spt_get_type(struct spt_domain *d, uint64_t mfn, unsigned int type);
void spt_put_type(struct spt_domain *d, uint64_t mfn);
int spt_get_page_and_type(struct spt_domain *d, uint64_t mfn,
			  unsigned int type);
void spt_put_page_and_type(struct spt_domain *d, uint64_t mfn);
int spt_check_owner(struct spt_domain *d, uint64_t mfn);
void spt_flush_if_stale(struct spt_domain *d, uint64_t mfn, unsigned int type);

/* p2m.c: no frame of the extent starting at `mfn` is referenced */
bool spt_extent_unused(const struct spt_machine *m, uint64_t mfn);

/* entry.c: references held by one present entry of a table at `level` */
/* May d name frame f (mfn) in a leaf entry: its own, or granted? */
bool spt_may_map(struct spt_domain *d, const struct spt_frame *f, uint64_t mfn,
		 bool writable);
int spt_get_entry(struct spt_domain *d, int level, uint64_t table_mfn,
		  unsigned int index, pte_t e, pte_t *shadow_e);
void spt_put_entry(struct spt_domain *d, int level, uint64_t table_mfn, pte_t e);

/* The one linear entry allowed (struct spt_domain.linear_l4): an L4 entry
 * naming its own table, read-only, in machine mode. */
static inline bool spt_linear_l4_ok(const struct spt_domain *d, int level, pte_t e)
{
	return d->linear_l4 && level == 4 && d->dir_mode == SPT_DIRS_MACHINE && !(e & PTE_W);
}

/* table.c: a table's whole contents */
int spt_validate_table(struct spt_domain *d, uint64_t mfn, int level);
void spt_devalidate_table(struct spt_domain *d, uint64_t mfn, int level);

/* shadow.c: shadow directory pages */
int spt_shadow_alloc(struct spt_domain *d, uint64_t dir_mfn);
void spt_shadow_free(struct spt_domain *d, uint64_t dir_mfn);
pte_t *spt_shadow_map(struct spt_domain *d, uint64_t dir_mfn);

#endif
