/*
 * Save and restore of a domain's own grant table (UMBRA_MGMT_grant_state,
 * public/mgmt.h): its version, how many frames setup_table asked for,
 * where each frame is placed, and the contents of the frames Umbra backs
 * outside the domain's RAM (Linux PVH's: memory_read does not reach
 * them). What no file can carry, mappings between domains, is counted
 * for the tool to refuse; it is never saved.
 */
#include <asm/guest_access.h>
#include <asm/hvm.h>
#include <asm/layout.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/mgmt.h>
#include <umbra/string.h>
#include "mmu/pte.h"
#include "grant_priv.h"

#define PAGE_BYTES	4096ULL

_Static_assert(UMBRA_GRANT_PAGE == PAGE_BYTES, "one page size");

/* Shared by every call: the mgmt lock serialises them. The backed
 * frames are copied here under the grant lock, so that the header's
 * counts and the entries' GTF_reading / GTF_writing bits agree. */
static struct umbra_grant_frame rec[GRANT_FRAMES_MAX];
static uint8_t pages[GRANT_BACKED_FRAMES][PAGE_BYTES];
static uint64_t maddr[GRANT_FRAMES_MAX];

static uint32_t active_refs(const struct grant_table *gt)
{
	uint32_t n = 0;

	for (unsigned int i = 0; gt && i < GRANT_ACTIVE_MAX; i++)
		n += !grant_active_idle(&gt->active[i]);
	return n;
}

static uint32_t own_mappings(const struct grant_table *gt)
{
	uint32_t n = 0;

	for (unsigned int i = 0; gt && i < GRANT_MAPTRACK_MAX; i++)
		n += gt->map[i].flags != 0;
	return n;
}

/* Under grant_lock: the header, the records and the backed pages. */
static void snapshot(struct domain *d, struct umbra_grant_state *s)
{
	const struct grant_table *gt = d->grant;

	memset(s, 0, sizeof(*s));
	s->version = gt && gt->version == 2 ? 2 : 1;
	s->setup_frames = gt ? gt->setup_frames : 0;
	s->active = active_refs(gt);
	s->maptrack = own_mappings(gt);
	for (unsigned int i = 0; i < GRANT_FRAMES_MAX; i++) {
		uint64_t m = d->grant_frame_maddr[i];

		if (!d->grant_frame_placed[i])
			continue;
		rec[s->nr_frames++] = (struct umbra_grant_frame){
			.index = i, .flags = m ? UMBRA_GRANT_FRAME_BACKED : 0,
			.gpa = d->grant_frame_gpa[i] };
		if (m && s->nr_pages < GRANT_BACKED_FRAMES)
			memcpy(pages[s->nr_pages++], phys_to_virt(m), PAGE_BYTES);
	}
}

static uint64_t state_bytes(const struct umbra_grant_state *s)
{
	return sizeof(*s) + (uint64_t)s->nr_frames * sizeof(rec[0]) +
	       (uint64_t)s->nr_pages * PAGE_BYTES;
}

static long grant_state_get(struct mgmt_call *c, struct domain *d)
{
	struct umbra_grant_state s;
	uint64_t buf = c->req.buf, f = spin_lock_irqsave(&grant_lock), total;

	snapshot(d, &s);
	spin_unlock_irqrestore(&grant_lock, f);
	total = state_bytes(&s);
	if (c->req.buf_len < sizeof(s))
		return -EINVAL;
	if (copy_to_guest(c->v, buf, &s, sizeof(s)))
		return -EFAULT;
	if (c->req.buf_len < total)
		return (long)total;	/* the header says how much room */
	buf += sizeof(s);
	if (copy_to_guest(c->v, buf, rec, s.nr_frames * sizeof(rec[0])))
		return -EFAULT;
	buf += s.nr_frames * sizeof(rec[0]);
	for (uint32_t i = 0; i < s.nr_pages; i++, buf += PAGE_BYTES)
		if (copy_to_guest(c->v, buf, pages[i], PAGE_BYTES))
			return -EFAULT;
	return (long)total;
}

static bool aligned_frame(uint64_t gpa)
{
	return !(gpa % PAGE_BYTES) && gpa / PAGE_BYTES < PFN_LIMIT;
}

/* One record, against the domain and the records before it. */
static bool record_ok(const struct domain *d, unsigned int k)
{
	const struct umbra_grant_frame *r = &rec[k];
	bool backed = r->flags & UMBRA_GRANT_FRAME_BACKED;

	if ((r->flags & ~UMBRA_GRANT_FRAME_BACKED) || r->index >= GRANT_FRAMES_MAX ||
	    !aligned_frame(r->gpa))
		return false;
	/* Backed: wholly outside its RAM (a mapping there); else inside. */
	if (backed == domain_owns_gpa_range(d, r->gpa, PAGE_BYTES))
		return false;
	for (unsigned int j = 0; j < k; j++)
		if (rec[j].index == r->index || rec[j].gpa == r->gpa)
			return false;
	return true;
}

/* The header and the records (read into rec), whole. */
static int state_check(const struct domain *d, const struct umbra_grant_state *s,
		       uint64_t buf_len)
{
	uint32_t backed = 0;

	if (s->version != 1 || s->active || s->maptrack || s->reserved ||
	    s->setup_frames > GRANT_FRAMES_MAX || s->nr_frames > GRANT_FRAMES_MAX ||
	    s->nr_pages > GRANT_BACKED_FRAMES || buf_len != state_bytes(s))
		return -EINVAL;
	for (unsigned int k = 0; k < s->nr_frames; k++) {
		if (!record_ok(d, k))
			return -EINVAL;
		backed += !!(rec[k].flags & UMBRA_GRANT_FRAME_BACKED);
	}
	return backed == s->nr_pages ? 0 : -EINVAL;
}

static void free_pages(struct domain *d, unsigned int n)
{
	for (unsigned int k = 0; k < n; k++)
		if (maddr[k])
			domain_page_free(d, maddr[k]);
}

/* Each backed frame's page, from the pool, filled from buf (its
 * position among the pages after the records). */
static int fill_pages(struct mgmt_call *c, struct domain *d, const struct umbra_grant_state *s)
{
	uint64_t src = c->req.buf + sizeof(*s) + s->nr_frames * sizeof(rec[0]);
	int rc = 0;
	unsigned int k;

	for (k = 0; k < s->nr_frames && !rc; k++) {
		maddr[k] = 0;
		if (!(rec[k].flags & UMBRA_GRANT_FRAME_BACKED))
			continue;
		maddr[k] = domain_page_alloc(d);
		if (!maddr[k])
			rc = -ENOMEM;
		else if (copy_from_guest(c->v, phys_to_virt(maddr[k]), src, PAGE_BYTES))
			rc = -EFAULT;
		src += PAGE_BYTES;
	}
	if (rc)
		free_pages(d, k);
	return rc;
}

/* Under grant_lock: map every backed frame, then place them all; on a
 * failure the ones mapped are taken down again. */
static int place_all(struct domain *d, struct grant_table *gt, const struct umbra_grant_state *s)
{
	unsigned int k;
	int64_t freed;
	uint64_t f;
	int rc = 0;

	for (k = 0; k < s->nr_frames && !rc; k++)
		if (maddr[k])
			rc = grant_npt_map(d, gt, rec[k].gpa, maddr[k], true);
	if (rc) {
		for (unsigned int j = 0; j + 1 < k; j++) {
			if (!maddr[j])
				continue;
			freed = 0;
			hvm_grant_unmap(d, rec[j].gpa, &freed);
			gt->npt_tables += freed;
		}
		return rc == -EEXIST ? -EINVAL : rc;
	}
	f = spin_lock_irqsave(&d->lock);
	for (k = 0; k < s->nr_frames; k++) {
		d->grant_frame_maddr[rec[k].index] = maddr[k];
		d->grant_frame_gpa[rec[k].index] = rec[k].gpa;
		d->grant_frame_placed[rec[k].index] = true;
	}
	spin_unlock_irqrestore(&d->lock, f);
	gt->setup_frames = s->setup_frames;
	gt->version = 1;
	return 0;
}

static bool has_frames(const struct domain *d)
{
	for (unsigned int i = 0; i < GRANT_FRAMES_MAX; i++)
		if (d->grant_frame_placed[i] || d->grant_frame_maddr[i])
			return true;
	return false;
}

static long grant_state_set(struct mgmt_call *c, struct domain *d)
{
	struct umbra_grant_state s;
	struct grant_table *gt;
	uint64_t f;
	int rc;

	if (c->req.buf_len < sizeof(s))
		return -EINVAL;
	if (copy_from_guest(c->v, &s, c->req.buf, sizeof(s)))
		return -EFAULT;
	if (s.nr_frames > GRANT_FRAMES_MAX)
		return -EINVAL;
	if (copy_from_guest(c->v, rec, c->req.buf + sizeof(s), s.nr_frames * sizeof(rec[0])))
		return -EFAULT;
	rc = state_check(d, &s, c->req.buf_len);
	if (rc)
		return rc;
	if (d->started || has_frames(d))
		return -EBUSY;
	if (!s.nr_frames && !s.setup_frames)
		return 0;	/* no table: none is made */
	rc = fill_pages(c, d, &s);
	if (rc)
		return rc;
	f = spin_lock_irqsave(&grant_lock);
	gt = grant_table_of(d, true);
	rc = gt ? place_all(d, gt, &s) : -ENOMEM;
	spin_unlock_irqrestore(&grant_lock, f);
	if (rc)
		free_pages(d, s.nr_frames);
	return rc;
}

long mgmt_grant_state(struct mgmt_call *c)
{
	return mgmt_state_op(c, grant_state_get, grant_state_set);
}
