/*
 * A PV domain's grant table on shared page tables, the Xen way: its grant
 * frames (and with version 2 its status frames) are not pages of its RAM
 * but pages of its pool, shared with it (asm/pv.h: pv_grant_share), whose
 * machine frames setup_table and get_status_frames hand out for the
 * guest to map with update_va_mapping or mmu_update. shared-pt then
 * counts its mappings like any other, lets nobody else map them, and
 * keeps them from ever becoming page tables.
 *
 * A translated PV domain (paging=shadow) gets the same pages, not shared
 * with shared-pt (its tables run on the shadow engine): they appear just
 * above its RAM, at guest frames setup_table names (and its status
 * frames, read-only, after them at the frames get_status_frames names),
 * through its p2m.
 *
 * Version 2: 16-byte entries with 64-bit frames, the in-use bits in
 * status frames. Going back to version 1 frees the status frames, which
 * must not be mapped any more then (XSA-255: -EBUSY while one is; on
 * shared page tables shared-pt counts the mappings, translated the
 * guest's tables are read for one, and the frames leave its p2m with a
 * flush before they are freed).
 */
#include <asm/layout.h>
#include <asm/pv.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/printk.h>
#include <umbra/string.h>
#include "grant_priv.h"

#define FRAME_BYTES	4096u
#define STATUS_BITS	(GTF_reading | GTF_writing)

/* A pool page shared with d (on shared page tables); 0 when the pool is
 * spent. */
static uint64_t new_frame(struct domain *d)
{
	uint64_t pa = domain_page_alloc(d);

	if (pa && pv_grant_machine(d) && pv_grant_share(d, pa)) {
		domain_page_free(d, pa);
		pa = 0;
	}
	return pa;
}

/* Back to the pool, unless d still maps it: then it stays d's (and
 * counted) rather than be reused under its mapping. */
static int drop_frame(struct domain *d, uint64_t *pa)
{
	int rc;

	if (!*pa)
		return 0;
	rc = pv_grant_machine(d) ? pv_grant_unshare(d, *pa) : 0;
	if (rc)
		return rc;
	domain_page_free(d, *pa);
	*pa = 0;
	return 0;
}

unsigned int grant_pv_status_frames(const struct grant_table *gt)
{
	unsigned int n = 0;

	while (n < GRANT_PV_STATUS && gt->pv_status[n])
		n++;
	return n;
}

/* Version 2: status words for every entry of the frames there are. */
static int16_t grow_status(struct domain *d, struct grant_table *gt)
{
	unsigned int need = (grant_nr_frames(d) * GRANT_ENTRIES_PER_FRAME_V2 +
			     GRANT_STATUS_PER_FRAME - 1) / GRANT_STATUS_PER_FRAME;

	for (unsigned int i = 0; i < need && i < GRANT_PV_STATUS; i++)
		if (!gt->pv_status[i] && !(gt->pv_status[i] = new_frame(d)))
			return GNTST_general_error;
	return GNTST_okay;
}

int16_t grant_pv_grow(struct domain *d, struct grant_table *gt, uint32_t n)
{
	uint64_t pa;

	if (n > GRANT_PV_FRAMES)
		return GNTST_general_error;
	for (uint32_t i = 0; i < n; i++) {
		if (gt->pv_frame[i] || d->grant_frame_placed[i])
			continue;
		pa = new_frame(d);
		if (!pa)
			return GNTST_general_error;
		/* Zeroed before a translated domain's p2m can see it. */
		__atomic_store_n(&gt->pv_frame[i], pa, __ATOMIC_RELEASE);
	}
	return gt->version == 2 ? grow_status(d, gt) : GNTST_okay;
}

/* A translated PV domain (paging=shadow) names its grant frames by guest
 * frame: they sit just above its RAM, where nothing else is, its status
 * frames after them. */
uint64_t grant_pv_frame_gfn(const struct domain *d, unsigned int i)
{
	return (d->mem_bytes >> 12) + i;
}

uint64_t grant_pv_status_gfn(const struct domain *d, unsigned int i)
{
	return grant_pv_frame_gfn(d, GRANT_PV_FRAMES + i);
}

uint64_t grant_frame_beyond_ram(const struct domain *d, uint64_t gfn, bool *writable)
{
	const struct grant_table *gt = __atomic_load_n(&d->grant, __ATOMIC_ACQUIRE);
	uint64_t first = grant_pv_frame_gfn(d, 0);

	if (!gt || gfn < first || gfn - first >= GRANT_PV_FRAMES + GRANT_PV_STATUS)
		return 0;
	*writable = gfn - first < GRANT_PV_FRAMES;
	if (*writable)
		return __atomic_load_n(&gt->pv_frame[gfn - first], __ATOMIC_ACQUIRE);
	return __atomic_load_n(&gt->pv_status[gfn - first - GRANT_PV_FRAMES], __ATOMIC_ACQUIRE);
}

/* Without grant_lock: the caller (a pin of a translated PV domain) holds
 * the PV mm lock, which a grant mapping takes under grant_lock, so
 * taking it here could deadlock against one. d is the caller's own
 * domain, whose table outlives the call; a use that starts or ends
 * meanwhile is ordered before or after the pin, either way an answer
 * Xen could give. */
bool grant_frame_writable(struct domain *d, uint64_t gfn)
{
	const struct grant_table *gt = __atomic_load_n(&d->grant, __ATOMIC_ACQUIRE);

	for (unsigned int i = 0; gt && i < GRANT_ACTIVE_MAX; i++)
		if (__atomic_load_n(&gt->active[i].wr, __ATOMIC_ACQUIRE) &&
		    __atomic_load_n(&gt->active[i].frame, __ATOMIC_RELAXED) == gfn)
			return true;
	return false;
}

bool grant_frame_mapped_writable(const struct domain *d, uint64_t gfn)
{
	const struct grant_table *gt = __atomic_load_n(&d->grant, __ATOMIC_ACQUIRE);

	if (!gt || !__atomic_load_n(&gt->wmaps, __ATOMIC_SEQ_CST))
		return false;
	for (unsigned int i = 0; i < GRANT_ACTIVE_MAX; i++)
		if (__atomic_load_n(&gt->active[i].wmap, __ATOMIC_SEQ_CST) &&
		    __atomic_load_n(&gt->active[i].frame, __ATOMIC_RELAXED) == gfn)
			return true;
	return false;
}

/* The kept entries (Xen's GNTTAB_NR_RESERVED_ENTRIES) in version 1's
 * form, with their in-use bits. */
static void save_reserved(const struct grant_table *gt, struct grant_entry_v1 *keep)
{
	const union grant_entry_v2 *v2 = phys_to_virt(gt->pv_frame[0]);
	const uint16_t *status = gt->pv_status[0] ? phys_to_virt(gt->pv_status[0]) : NULL;

	if (gt->version != 2) {
		memcpy(keep, phys_to_virt(gt->pv_frame[0]), GNTTAB_NR_RESERVED_ENTRIES * sizeof(*keep));
		return;
	}
	for (unsigned int i = 0; i < GNTTAB_NR_RESERVED_ENTRIES; i++) {
		keep[i] = (struct grant_entry_v1){ 0 };
		if ((v2[i].hdr.flags & GTF_type_mask) != GTF_permit_access)
			continue;
		keep[i].flags = v2[i].hdr.flags | (status ? status[i] : 0);
		keep[i].domid = v2[i].hdr.domid;
		keep[i].frame = (uint32_t)v2[i].full_page.frame;
	}
}

static void restore_reserved(struct grant_table *gt, const struct grant_entry_v1 *keep)
{
	union grant_entry_v2 *v2 = phys_to_virt(gt->pv_frame[0]);
	uint16_t *status = phys_to_virt(gt->pv_status[0]);

	if (gt->version != 2) {
		memcpy(phys_to_virt(gt->pv_frame[0]), keep, GNTTAB_NR_RESERVED_ENTRIES * sizeof(*keep));
		return;
	}
	for (unsigned int i = 0; i < GNTTAB_NR_RESERVED_ENTRIES; i++) {
		status[i] = keep[i].flags & STATUS_BITS;
		v2[i].hdr.flags = keep[i].flags & (uint16_t)~STATUS_BITS;
		v2[i].hdr.domid = keep[i].domid;
		v2[i].full_page.frame = keep[i].frame;
	}
}

/* Version 2 entries version 1 cannot hold: a 64-bit frame, a transitive
 * grant (Xen refuses the switch with -ERANGE). */
static bool reserved_fit_v1(const struct grant_table *gt)
{
	const union grant_entry_v2 *v2 = phys_to_virt(gt->pv_frame[0]);

	for (unsigned int i = 0; gt->version == 2 && i < GNTTAB_NR_RESERVED_ENTRIES; i++) {
		unsigned int type = v2[i].hdr.flags & GTF_type_mask;

		if ((type == GTF_permit_access && (v2[i].full_page.frame >> 32)) ||
		    type == GTF_transitive)
			return false;
	}
	return true;
}

/* Translated: none may be mapped by its tables; out of its p2m, and
 * out of every shadow and TLB, before the pages are freed. */
static int drop_status_translated(struct domain *d, struct grant_table *gt, unsigned int n)
{
	if (n && pv_grant_frames_mapped(d, grant_pv_status_gfn(d, 0), n))
		return -EBUSY;
	for (unsigned int i = 0; i < n; i++)
		__atomic_store_n(&gt->pv_status[i], 0, __ATOMIC_RELEASE);
	if (n)
		pv_grant_frames_gone(d);
	return 0;
}

/* Every status frame goes, or none: one still mapped keeps them all. */
static int drop_status(struct domain *d, struct grant_table *gt)
{
	unsigned int n = grant_pv_status_frames(gt);
	uint64_t pages[GRANT_PV_STATUS];

	memcpy(pages, gt->pv_status, sizeof(pages));
	if (!pv_grant_machine(d)) {
		if (drop_status_translated(d, gt, n))
			return -EBUSY;
		for (unsigned int i = 0; i < n; i++)
			domain_page_free(d, pages[i]);
		return 0;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (!pv_grant_unshare(d, pages[i]))
			continue;
		while (i--)
			pv_grant_share(d, pages[i]);
		return -EBUSY;
	}
	for (unsigned int i = 0; i < n; i++) {
		domain_page_free(d, pages[i]);
		gt->pv_status[i] = 0;
	}
	return 0;
}

static bool references_in_use(const struct grant_table *gt)
{
	for (unsigned int i = 0; i < GRANT_ACTIVE_MAX; i++)
		if (!grant_active_idle(&gt->active[i]))
			return true;
	return false;
}

long grant_pv_set_version(struct domain *d, struct grant_table *gt, uint32_t version)
{
	struct grant_entry_v1 keep[GNTTAB_NR_RESERVED_ENTRIES] = { { 0 } };
	uint32_t was = gt->version;

	if (version == was)
		return 0;
	for (unsigned int i = 0; i < GRANT_FRAMES_MAX; i++)
		if (d->grant_frame_placed[i])
			return -EINVAL;
	if (references_in_use(gt))
		return -EBUSY;
	if (!reserved_fit_v1(gt))
		return -ERANGE;
	if (gt->pv_frame[0])
		save_reserved(gt, keep);
	if (version == 1 && drop_status(d, gt))
		return -EBUSY;
	gt->version = version;
	if (version == 2 && grow_status(d, gt)) {
		drop_status(d, gt);
		gt->version = was;
		return -ENOMEM;
	}
	/* No crud of the old layout is left. */
	for (unsigned int i = 0; i < GRANT_PV_FRAMES; i++)
		if (gt->pv_frame[i])
			memset(phys_to_virt(gt->pv_frame[i]), 0, FRAME_BYTES);
	for (unsigned int i = 0; i < GRANT_PV_STATUS; i++)
		if (gt->pv_status[i])
			memset(phys_to_virt(gt->pv_status[i]), 0, FRAME_BYTES);
	if (gt->pv_frame[0])
		restore_reserved(gt, keep);
	return 0;
}

void grant_pv_destroy(struct domain *d, struct grant_table *gt)
{
	unsigned int kept = 0;

	for (unsigned int i = 0; i < GRANT_PV_FRAMES; i++)
		kept += drop_frame(d, &gt->pv_frame[i]) != 0;
	for (unsigned int i = 0; i < GRANT_PV_STATUS; i++)
		kept += drop_frame(d, &gt->pv_status[i]) != 0;
	if (kept)
		pr_err("domain %u (%s): %u grant frames still mapped, not freed\n", d->id,
		       d->name, kept);
}
