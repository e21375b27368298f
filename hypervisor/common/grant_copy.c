/*
 * GNTTABOP_copy: the hypervisor copies bytes between two frames, each
 * named by a grant reference of another domain (GNTCOPY_*_gref) or as
 * the caller's own guest frame, so that domains exchange data without
 * mapping each other's pages. Bounds and grants are checked first; the
 * bytes move through the guest-physical copies, fault-safe.
 */
#include <asm/guest_access.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include "mmu/pte.h"
#include "grant_priv.h"

#define FRAME_BYTES	4096u
#define COPY_CHUNK	256u

/* One side of a copy, resolved: its domain and frame, and whether a
 * grant was pinned for it. */
struct copy_side {
	struct domain *d;
	uint64_t gfn;
	bool pinned;
	grant_ref_t ref;
};

static int16_t resolve(struct domain *ld, const struct gnttab_copy_ptr *p, bool gref,
		       bool readonly, struct copy_side *s)
{
	int16_t rc;

	/* By frame: one's own only (Xen asks DOMID_SELF, not one's id). */
	if (!gref && p->domid != DOMID_SELF)
		return GNTST_permission_denied;
	s->d = grant_domain(ld, p->domid);
	if (!s->d)
		return GNTST_bad_domain;
	if (!gref) {
		s->gfn = p->u.gmfn;
		if (s->gfn >= PFN_LIMIT || !domain_owns_gpa_range(s->d, s->gfn << 12, FRAME_BYTES))
			return GNTST_bad_page;
		return GNTST_okay;
	}
	rc = (int16_t)grant_acquire(s->d, p->u.ref, ld->id, readonly, false, &s->gfn);
	if (rc)
		return rc;
	s->pinned = true;
	s->ref = p->u.ref;
	return GNTST_okay;
}

static int16_t move_bytes(const struct copy_side *src, const struct copy_side *dst,
			  const struct gnttab_copy *op)
{
	uint8_t buf[COPY_CHUNK];
	uint64_t from = (src->gfn << 12) + op->source.offset;
	uint64_t to = (dst->gfn << 12) + op->dest.offset;

	for (unsigned int done = 0; done < op->len; done += COPY_CHUNK) {
		unsigned int n = op->len - done < COPY_CHUNK ? op->len - done : COPY_CHUNK;

		if (copy_from_gpa(src->d, buf, from + done, n) ||
		    copy_to_gpa(dst->d, to + done, buf, n))
			return GNTST_general_error;
	}
	return GNTST_okay;
}

int16_t grant_copy_one(struct domain *ld, struct gnttab_copy *op)
{
	struct copy_side src = { 0 }, dst = { 0 };
	int16_t rc;

	if ((unsigned int)op->source.offset + op->len > FRAME_BYTES ||
	    (unsigned int)op->dest.offset + op->len > FRAME_BYTES)
		return GNTST_bad_copy_arg;
	rc = resolve(ld, &op->source, op->flags & GNTCOPY_source_gref, true, &src);
	if (!rc)
		rc = resolve(ld, &op->dest, op->flags & GNTCOPY_dest_gref, false, &dst);
	if (!rc)
		rc = move_bytes(&src, &dst, op);
	if (src.pinned)
		grant_release(src.d, src.ref, true, false);
	if (dst.pinned)
		grant_release(dst.d, dst.ref, false, false);
	return rc;
}
