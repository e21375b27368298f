/*
 * Grant tables, version 1: each domain's grant state, pinning a granted
 * reference (the GTF_reading / GTF_writing protocol with the granter),
 * and the teardown that makes a destroyed domain's frames safe to reuse.
 *
 * The grant table itself is frames of the granter's own RAM, placed with
 * XENMAPSPACE_grant_table (memory_op.c), or pages of its pool mapped
 * outside its RAM where it placed them there: the hypervisor reads
 * entries there and updates their flags with compare-and-swap, as the
 * granter does. What the hypervisor keeps (which references are in use, by whom,
 * how often; which mappings a domain holds) lives in two pages of the
 * domain's pool.
 */
#include <asm/guest.h>
#include <asm/guest_access.h>
#include <asm/hvm.h>
#include <asm/layout.h>
#include <asm/pv.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/printk.h>
#include "grant_priv.h"

#define ENTRY_BYTES	8
/* A granter that keeps rewriting the entry under us: Xen's answer. */
#define PIN_RETRIES	4
#define CLEAR_RETRIES	64

spinlock_t grant_lock = SPINLOCK_INIT;

struct grant_table *grant_table_of(struct domain *d, bool create)
{
	uint64_t pa, act;

	if (d->grant || !create)
		return d->grant;
	pa = domain_page_alloc(d);
	act = pa ? domain_page_alloc(d) : 0;
	if (!act) {
		if (pa)
			domain_page_free(d, pa);
		return NULL;
	}
	d->grant = phys_to_virt(pa);
	d->grant->active = phys_to_virt(act);
	return d->grant;
}

unsigned int grant_per_frame(const struct domain *d)
{
	return d->grant && d->grant->version == 2 ? GRANT_ENTRIES_PER_FRAME_V2 :
	       GRANT_ENTRIES_PER_FRAME_V1;
}

unsigned int grant_nr_frames(struct domain *d)
{
	unsigned int n = d->grant && d->grant->setup_frames ? d->grant->setup_frames : 1;

	for (unsigned int i = n; i < GRANT_FRAMES_MAX; i++)
		if (d->grant_frame_placed[i] || (i < GRANT_PV_FRAMES && d->grant &&
						 d->grant->pv_frame[i]))
			n = i + 1;
	return n;
}

struct domain *grant_domain(struct domain *self, uint16_t id)
{
	struct domain *d = id == DOMID_SELF ? self : domain_by_id(id);

	if (!d || __atomic_load_n(&d->state, __ATOMIC_ACQUIRE) == DOMAIN_DYING)
		return NULL;
	return d;
}

/* Where a reference's entry is: in the granter's RAM (gpa), or in a
 * frame Umbra backs (host: outside its RAM, or a PV domain's frame);
 * version 2 entries (PV frames only) have their status apart. */
struct entry_loc {
	struct domain *d;
	bool found;			/* false: no frame holds it */
	uint64_t gpa;
	uint32_t *host;			/* the entry in a backed frame, or NULL */
	uint16_t *status;		/* version 2: its status word */
};

static struct entry_loc pv_entry_at(struct domain *rd, uint32_t ref)
{
	const struct grant_table *gt = rd->grant;
	unsigned int per = grant_per_frame(rd), size = 4096 / per;
	uint64_t m = gt->pv_frame[ref / per] + (uint64_t)(ref % per) * size;
	struct entry_loc l = { rd, true, 0, phys_to_virt(m), NULL };

	if (gt->version != 2)
		return l;
	/* A frame whose status page could not be had holds no entry. */
	m = ref / GRANT_STATUS_PER_FRAME < GRANT_PV_STATUS ?
	    gt->pv_status[ref / GRANT_STATUS_PER_FRAME] : 0;
	l.found = m != 0;
	if (m)
		l.status = (uint16_t *)phys_to_virt(m) + ref % GRANT_STATUS_PER_FRAME;
	return l;
}

static struct entry_loc entry_at(struct domain *rd, uint32_t ref)
{
	unsigned int per = grant_per_frame(rd);
	uint32_t frame = ref / per;
	uint64_t off = (ref % per) * ENTRY_BYTES, m;
	struct entry_loc l = { rd, false, 0, NULL, NULL };

	if (ref >= grant_nr_frames(rd) * per)
		return l;
	if (frame < GRANT_PV_FRAMES && rd->grant && rd->grant->pv_frame[frame])
		return pv_entry_at(rd, ref);
	/* Version 2 tables are a PV domain's own frames only. */
	if (!rd->grant_frame_placed[frame] || per != GRANT_ENTRIES_PER_FRAME_V1)
		return l;
	l.found = true;
	l.gpa = rd->grant_frame_gpa[frame] + off;
	m = rd->grant_frame_maddr[frame];
	if (m)
		l.host = (uint32_t *)((uint8_t *)phys_to_virt(m) + off);
	return l;
}

/* The entry's 32-bit word at off (0: flags and domid; 4: frame). */
static int entry_read(const struct entry_loc *l, unsigned int off, uint32_t *val)
{
	if (l->host) {
		*val = __atomic_load_n(l->host + off / 4, __ATOMIC_ACQUIRE);
		return 0;
	}
	return copy_from_gpa(l->d, val, l->gpa + off, sizeof(*val));
}

/* The granted frame: version 1's 32 bits, or version 2's 64 (a frame
 * beyond 32 bits is none common code can keep: ~0). */
static uint32_t entry_frame(const struct entry_loc *l)
{
	uint32_t lo, hi = 0;

	if (l->status) {
		lo = __atomic_load_n(l->host + 2, __ATOMIC_ACQUIRE);
		hi = __atomic_load_n(l->host + 3, __ATOMIC_ACQUIRE);
	} else if (entry_read(l, 4, &lo)) {
		lo = ~0u;
	}
	return hi ? ~0u : lo;
}

static int entry_cmpxchg(const struct entry_loc *l, uint32_t *old, uint32_t new)
{
	if (l->host)
		return __atomic_compare_exchange_n(l->host, old, new, false, __ATOMIC_SEQ_CST,
						   __ATOMIC_SEQ_CST) ? 0 : -EAGAIN;
	return cmpxchg_gpa_u32(l->d, l->gpa, old, new);
}

static struct grant_active *active_find(struct grant_table *gt, uint32_t ref, bool create)
{
	struct grant_active *idle = NULL;

	for (unsigned int i = 0; i < GRANT_ACTIVE_MAX; i++) {
		struct grant_active *a = &gt->active[i];

		if (!grant_active_idle(a) && a->ref == ref)
			return a;
		if (!idle && grant_active_idle(a))
			idle = a;
	}
	return create ? idle : NULL;
}

/* Version 2: the in-use bits go into the status word; the granter may
 * rewrite its entry meanwhile, so it is read again after (as Xen does)
 * and the bits this call added are taken back if it changed. A sub-page
 * grant is refused for copies too: its window (page_off, length) is not
 * enforced here. */
static int pin_status(const struct entry_loc *l, uint16_t user, bool readonly)
{
	uint32_t hdr = __atomic_load_n(l->host, __ATOMIC_ACQUIRE), next;
	uint16_t bits, old;
	int rc;

	for (unsigned int i = 0; i < PIN_RETRIES; i++) {
		rc = grant_hdr_pin(hdr, user, readonly, true, &next);
		if (rc)
			return rc;
		bits = grant_hdr_flags(next) & (GTF_reading | GTF_writing);
		old = __atomic_fetch_or(l->status, bits, __ATOMIC_SEQ_CST);
		next = __atomic_load_n(l->host, __ATOMIC_SEQ_CST);
		if (next == hdr)
			return GNTST_okay;
		__atomic_fetch_and(l->status, (uint16_t)~(bits & ~old), __ATOMIC_SEQ_CST);
		hdr = next;
	}
	return GNTST_general_error;
}

/* Set GTF_reading (and GTF_writing) in the granter's entry, checking
 * what it grants in the same compare-and-swap. */
static int pin_entry(const struct entry_loc *l, uint16_t user, bool readonly, bool map)
{
	uint32_t hdr, next;
	int rc;

	if (l->status)
		return pin_status(l, user, readonly);
	if (entry_read(l, 0, &hdr))
		return GNTST_general_error;
	for (unsigned int i = 0; i < PIN_RETRIES; i++) {
		rc = grant_hdr_pin(hdr, user, readonly, map, &next);
		if (rc)
			return rc;
		rc = entry_cmpxchg(l, &hdr, next);
		if (!rc)
			return GNTST_okay;
		if (rc != -EAGAIN)
			return GNTST_general_error;
	}
	return GNTST_general_error;
}

static void clear_entry_flags(const struct entry_loc *l, uint16_t clear)
{
	uint32_t hdr;

	if (clear && l->status) {
		__atomic_fetch_and(l->status, (uint16_t)~clear, __ATOMIC_SEQ_CST);
		return;
	}
	if (!clear || entry_read(l, 0, &hdr))
		return;
	for (unsigned int i = 0; i < CLEAR_RETRIES; i++)
		if (entry_cmpxchg(l, &hdr, hdr & ~(uint32_t)clear) != -EAGAIN)
			return;
}

/* A PV granter names a machine frame (Xen's PV ABI); kept as its guest
 * frame, as an HVM granter's. */
static uint32_t pv_frame(const struct domain *rd, uint32_t frame)
{
	uint64_t gfn;

	return arch_guest_frame_gfn(rd, frame, &gfn) ? ~0u : (uint32_t)gfn;
}

int grant_acquire(struct domain *rd, uint32_t ref, uint16_t user, bool readonly,
		  bool map, uint64_t *gfn)
{
	struct entry_loc l = entry_at(rd, ref);
	struct grant_table *rgt;
	struct grant_active *a;
	uint32_t frame;
	int rc;

	/* Only a domain that placed a grant frame (so has run, fully built)
	 * gets grant state on another's behalf. */
	if (!l.found)
		return GNTST_bad_gntref;
	rgt = grant_table_of(rd, true);
	if (!rgt)
		return GNTST_general_error;
	a = active_find(rgt, ref, true);
	if (!a)
		return GNTST_no_device_space;
	rc = grant_active_check(a, user);
	if (!rc && grant_active_needs_pin(a, readonly))
		rc = pin_entry(&l, user, readonly, map);
	if (rc)
		return rc;
	if (grant_active_idle(a)) {
		/* The frame as granted when first pinned, as Xen keeps it. */
		frame = pv_frame(rd, entry_frame(&l));
		*a = (struct grant_active){ .ref = ref, .domid = user, .frame = frame };
	}
	grant_active_get(a, readonly);
	if (map && !readonly) {
		/* Seq-cst: the granter's paging reads these without the lock
		 * and must see them before this mapper asks its paging (see
		 * pv_grant_frame_is_table). */
		__atomic_add_fetch(&a->wmap, 1, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&rgt->wmaps, 1, __ATOMIC_SEQ_CST);
	}
	*gfn = a->frame;
	if (!domain_owns_gpa_range(rd, *gfn << 12, 4096)) {
		grant_release(rd, ref, readonly, map);
		return GNTST_bad_page;
	}
	return GNTST_okay;
}

void grant_release(struct domain *rd, uint32_t ref, bool readonly, bool map)
{
	struct grant_table *rgt = grant_table_of(rd, false);
	struct grant_active *a = rgt ? active_find(rgt, ref, false) : NULL;
	struct entry_loc l = entry_at(rd, ref);
	uint16_t clear;

	if (!a)
		return;
	if (map && !readonly && a->wmap) {
		__atomic_sub_fetch(&a->wmap, 1, __ATOMIC_SEQ_CST);
		__atomic_sub_fetch(&rgt->wmaps, 1, __ATOMIC_SEQ_CST);
	}
	clear = grant_active_put(a, readonly);
	if (l.found)
		clear_entry_flags(&l, clear);
}

/* Every mapping others hold of d's frames goes: their holders keep
 * running and find nothing at those addresses any more. */
static void revoke_mappings_of(struct domain *d)
{
	for (unsigned int id = 0; id < MAX_DOMAINS; id++) {
		struct domain *m = domain_by_id((domid_t)id);
		unsigned int n = 0;

		if (!m || m == d || !m->grant)
			continue;
		for (unsigned int i = 0; i < GRANT_MAPTRACK_MAX; i++) {
			if (m->grant->map[i].flags && m->grant->map[i].dom == d->id) {
				grant_unmap_slot(m, m->grant, i);
				n++;
			}
		}
		if (n)
			pr_info("domain %u (%s): %u grant mappings of domain %u's frames "
				"taken down\n", m->id, m->name, n, d->id);
	}
}

/* d's own mappings: the granters' entries lose their flags, and the
 * frames its device mappings hold are let go; d's page tables and nested
 * tables go with d. */
static void release_own_mappings(struct domain *d)
{
	struct grant_table *gt = d->grant;

	for (unsigned int i = 0; i < GRANT_MAPTRACK_MAX; i++) {
		struct grant_maptrack *mt = &gt->map[i];
		struct domain *rd = mt->flags ? domain_by_id(mt->dom) : NULL;

		if (mt->flags & GNTMAP_device_map)
			pv_grant_release(d, mt->maddr, !(mt->flags & GNTMAP_readonly));
		if (rd)
			grant_release(rd, mt->ref, mt->flags & GNTMAP_readonly, true);
		mt->flags = 0;
	}
}

void grant_domain_destroy(struct domain *d)
{
	uint64_t f = spin_lock_irqsave(&grant_lock);

	revoke_mappings_of(d);
	if (d->grant) {
		release_own_mappings(d);
		grant_pv_destroy(d, d->grant);
		domain_page_free(d, virt_to_phys(d->grant->active));
		domain_page_free(d, virt_to_phys(d->grant));
		d->grant = NULL;
	}
	spin_unlock_irqrestore(&grant_lock, f);
}

/* A frame d granted and someone still uses is not d's to give back: the
 * user's mapping or copy names it (Xen keeps such a page until the last
 * use goes; here the frame would come back to d, shared). Under
 * grant_lock, so that no use can start between the check and fn. */
int grant_unless_frames_used(struct domain *d, uint64_t gfn, uint64_t n,
			     int (*fn)(void *arg), void *arg)
{
	uint64_t f = spin_lock_irqsave(&grant_lock);
	struct grant_table *gt = grant_table_of(d, false);
	int rc = 0;

	for (unsigned int i = 0; gt && i < GRANT_ACTIVE_MAX; i++)
		if (!grant_active_idle(&gt->active[i]) && gt->active[i].frame >= gfn &&
		    gt->active[i].frame < gfn + n)
			rc = -EBUSY;
	if (!rc)
		rc = fn(arg);
	spin_unlock_irqrestore(&grant_lock, f);
	return rc;
}
