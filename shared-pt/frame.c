/* The reference and type discipline of machine frames.
 *
 * A general reference keeps a frame from being freed; a type reference
 * additionally pins what the frame is used as. The first type reference of
 * a page-table type validates the table (and builds its shadow), the last
 * one devalidates it. A type cannot change while its count is non-zero,
 * which is the whole safety argument: a frame in use as a page table has
 * no writable mapping, and a writably mapped frame is no page table. */
#include "shared-pt/internal.h"

#include "base/errno.h"

int spt_check_owner(struct spt_domain *d, uint64_t mfn)
{
	struct spt_frame *f = spt_frame(d->m, mfn);

	if (!f)
		return spt_refuse(d, SPT_R_NO_FRAME, mfn, 0);
	if (f->owner != d->id)
		return spt_refuse(d, SPT_R_NOT_OWNER, mfn, 0);
	if (spt_frame_gone(f))
		return spt_refuse(d, SPT_R_GONE, mfn, 0);
	return 0;
}

int spt_get_page(struct spt_domain *d, uint64_t mfn)
{
	struct spt_frame *f = spt_frame(d->m, mfn);

	if (f->count >= SPT_COUNT_MAX)
		return spt_refuse(d, SPT_R_OVERFLOW, mfn, 0);
	f->count++;
	return 0;
}

void spt_put_page(struct spt_domain *d, uint64_t mfn)
{
	struct spt_frame *f = spt_frame(d->m, mfn);

	if (!f->count)
		return;
	if (!--f->count && (f->flags & SPT_FRAME_GONE))
		spt_frame_went(d->m, mfn);
}

static int type_conflict(struct spt_domain *d, const struct spt_frame *f,
			 uint64_t mfn, unsigned int want)
{
	enum spt_reason why = SPT_R_TYPE_IN_USE;

	if (want == SPT_TYPE_WRITABLE && spt_type_is_pt(f->type))
		why = SPT_R_PT_WRITABLE;
	else if (want == SPT_TYPE_WRITABLE && f->type == SPT_TYPE_SEG)
		why = SPT_R_SEG_WRITABLE;
	else if ((want == SPT_TYPE_WRITABLE && f->type == SPT_TYPE_EXEC) ||
		 (want == SPT_TYPE_EXEC && f->type == SPT_TYPE_WRITABLE))
		why = SPT_R_WX_TYPE;
	else if (spt_type_is_pt(want) && spt_type_is_pt(f->type))
		why = SPT_R_TYPE_CONFUSION;
	return spt_refuse(d, why, mfn, 0);
}

/* A TLB may still hold a mapping made under the frame's previous type
 * (a writable mapping of a page about to become a table, or a cached
 * directory link to a table about to become writable). Flush first. */
void spt_flush_if_stale(struct spt_domain *d, uint64_t mfn, unsigned int type)
{
	struct spt_machine *m = d->m;
	struct spt_frame *f = spt_frame(m, mfn);

	if (!(f->flags & SPT_FRAME_STALE) || f->type == type ||
	    f->stale_gen != m->flush_gen)
		return;
	m->ops->flush_tlbs(m->ctx);
	m->flush_gen++;
	d->stats.sync_flushes++;
}

int spt_get_type(struct spt_domain *d, uint64_t mfn, unsigned int type)
{
	struct spt_frame *f = spt_frame(d->m, mfn);
	struct spt_frame saved = *f;
	int rc;

	if (f->type_count) {
		if (f->type != type)
			return type_conflict(d, f, mfn, type);
		if (f->type_count >= SPT_COUNT_MAX)
			return spt_refuse(d, SPT_R_OVERFLOW, mfn, 0);
		f->type_count++;
		return 0;
	}
	spt_flush_if_stale(d, mfn, type);
	f->type = (uint8_t)type;
	f->type_count = 1;
	f->flags &= (uint8_t)~SPT_FRAME_STALE;
	if (!spt_type_is_pt(type))
		return 0;
	rc = spt_validate_table(d, mfn, (int)type);
	if (rc) {
		/* Validation undid its own references; only these fields
		 * changed here. */
		f->type = saved.type;
		f->type_count = 0;
		f->flags = saved.flags;
		f->stale_gen = saved.stale_gen;
	}
	return rc;
}

void spt_put_type(struct spt_domain *d, uint64_t mfn)
{
	struct spt_frame *f = spt_frame(d->m, mfn);

	if (!f->type_count)
		return;
	if (--f->type_count)
		return;
	if (spt_type_is_pt(f->type))
		spt_devalidate_table(d, mfn, f->type);
	f->flags |= SPT_FRAME_STALE;
	f->stale_gen = d->m->flush_gen;
}

int spt_get_page_and_type(struct spt_domain *d, uint64_t mfn,
			  unsigned int type)
{
	int rc = spt_get_page(d, mfn);

	if (rc)
		return rc;
	rc = spt_get_type(d, mfn, type);
	if (rc)
		spt_put_page(d, mfn);
	return rc;
}

void spt_put_page_and_type(struct spt_domain *d, uint64_t mfn)
{
	spt_put_type(d, mfn);
	spt_put_page(d, mfn);
}
