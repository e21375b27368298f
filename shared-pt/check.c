/* The invariant checker. It trusts nothing the library keeps except the
 * guest tables' contents, pins and vCPU base pointers, and rebuilds from
 * those what every frame's counts, type and shadow must be. */
#include "shared-pt/check.h"
#include "shared-pt/internal.h"

#include "base/errno.h"
#include "base/string.h"

struct checker {
	const struct spt_machine *m;
	struct spt_check_scratch *s;
	struct spt_check_report *r;
};

static int fail(struct checker *c, enum spt_check_code code, const char *what,
		uint64_t mfn, unsigned int index, uint64_t expected,
		uint64_t actual)
{
	*c->r = (struct spt_check_report){ .code = code, .what = what,
					   .mfn = mfn, .index = index,
					   .expected = expected,
					   .actual = actual };
	return -EINVAL;
}

static const struct spt_domain *find_domain(const struct spt_machine *m,
					    uint16_t id)
{
	const struct spt_domain *d;

	for (d = m->domains; d; d = d->next)
		if (d->id == id)
			return d;
	return NULL;
}

static const pte_t *map(const struct checker *c, uint64_t mfn)
{
	return c->m->ops->map(c->m->ctx, mfn);
}

static void unmap(const struct checker *c, const pte_t *p)
{
	if (p && c->m->ops->unmap)
		c->m->ops->unmap(c->m->ctx, (void *)p);
}

/* One reference to `mfn`, holding `type` unless SPT_TYPE_NONE. */
static int expect_ref(struct checker *c, uint64_t mfn, unsigned int type)
{
	struct spt_check_scratch *s;

	if (mfn >= c->m->nr_frames)
		return fail(c, SPT_CHECK_BAD_ENTRY, "reference to no frame",
			    mfn, 0, 0, 0);
	s = &c->s[mfn];
	s->count++;
	if (type == SPT_TYPE_NONE)
		return 0;
	if (type == SPT_TYPE_WRITABLE)
		s->writable++;
	if (s->type_count && s->type != type) {
		if (s->writable &&
		    (spt_type_is_pt(s->type) || spt_type_is_pt(type)))
			return fail(c, SPT_CHECK_PT_WRITABLE,
				    "page table mapped writable", mfn, 0,
				    s->type, type);
		return fail(c, SPT_CHECK_TYPE, "frame held as two types", mfn,
			    0, s->type, type);
	}
	s->type = (uint8_t)type;
	s->type_count++;
	return 0;
}

/* Owned by the domain, or granted to it (writable only if so granted). */
static bool may_map(const struct checker *c, const struct spt_domain *d,
		    uint64_t mfn, bool writable)
{
	const struct spt_machine *m = c->m;
	uint16_t owner;

	if (mfn >= m->nr_frames)
		return false;
	owner = m->frames[mfn].owner;
	if (owner == d->id)
		return true;
	return owner < DOMID_FIRST_RESERVED && m->ops->granted &&
	       m->ops->granted(m->ctx, owner, d->id, mfn, writable);
}

/* The type a leaf entry holds: writable, or executable in a W^X domain. */
static unsigned int leaf_type(const struct spt_domain *d, pte_t e)
{
	if (e & PTE_W)
		return SPT_TYPE_WRITABLE;
	return (d->wx && !(e & PTE_NX)) ? SPT_TYPE_EXEC : SPT_TYPE_NONE;
}

/* The hypervisor's own page in a leaf, as ops.hv_leaf allows it. */
static bool hv_leaf_ok(const struct checker *c, const struct spt_domain *d,
		       pte_t e)
{
	const struct spt_machine *m = c->m;
	uint64_t mfn = spt_pte_frame(e);

	return mfn < m->nr_frames && m->frames[mfn].owner == SPT_OWNER_XEN &&
	       m->ops->hv_leaf && m->ops->hv_leaf(m->ctx, d->id, mfn, e);
}

/* Bits the MMU would fault on, stated here independently of entry.c:
 * address bits at or above MAXPHYADDR, bits 8:7 of an L4 entry, a 1 GiB
 * page, bits 20:13 of a 2 MiB entry. */
static bool reserved_bits_set(const struct spt_machine *m, int level, pte_t e)
{
	pte_t above_phys = PTE_ADDR_MASK & ~((1ULL << m->phys_bits) - 1);
	pte_t super_gap = ((1ULL << 21) - 1) & ~((1ULL << 13) - 1);

	if (e & above_phys)
		return true;
	if (level == 4 && (e & (PTE_PS | PTE_G)))
		return true;
	if (level == 3 && (e & PTE_PS))
		return true;
	return level == 2 && (e & PTE_PS) && (e & super_gap);
}

static int expect_base(struct checker *c, const struct spt_domain *d,
		       uint64_t mfn)
{
	if (mfn >= c->m->nr_frames || c->m->frames[mfn].owner != d->id)
		return fail(c, SPT_CHECK_OWNER, "base pointer to a frame of "
			    "another owner", mfn, 0, d->id,
			    mfn < c->m->nr_frames ? c->m->frames[mfn].owner :
						    0);
	return expect_ref(c, mfn, SPT_TYPE_L4);
}

static int expect_roots(struct checker *c)
{
	const struct spt_machine *m = c->m;
	const struct spt_domain *d;
	const struct spt_vcpu *v;
	const struct spt_frame *f;
	unsigned int i;
	uint64_t mfn;
	int rc = 0;

	for (mfn = 0; mfn < m->nr_frames && !rc; mfn++) {
		f = &m->frames[mfn];
		if (!(f->flags & SPT_FRAME_PINNED))
			continue;
		if (!f->type_count || !spt_type_is_pt(f->type))
			return fail(c, SPT_CHECK_PIN, "pinned non-table", mfn,
				    0, 0, f->type);
		rc = expect_ref(c, mfn, f->type);
	}
	for (d = m->domains; d && !rc; d = d->next) {
		for (i = 0; i < d->nr_vcpus && !rc; i++) {
			v = &d->vcpus[i];
			if (v->base_mfn != SPT_INVALID_MFN)
				rc = expect_base(c, d, v->base_mfn);
			if (!rc && v->user_base_mfn != SPT_INVALID_MFN)
				rc = expect_base(c, d, v->user_base_mfn);
		}
	}
	return rc;
}

static int expect_superpage(struct checker *c, const struct spt_domain *d,
			    pte_t e, pte_t *se)
{
	uint64_t base = spt_dir_target(d, e & PTE_ADDR_2M_MASK);
	unsigned int type = leaf_type(d, e);
	uint64_t i;
	int rc = 0;

	if (base >= c->m->nr_frames || c->m->frames[base].owner != d->id)
		return fail(c, SPT_CHECK_BAD_ENTRY, "superpage not over the "
			    "domain's memory", spt_pte_frame(e), 0, 0, e);
	for (i = 0; i < SPT_EXTENT_FRAMES && !rc; i++)
		rc = expect_ref(c, base + i, type);
	*se = (base << PAGE_SHIFT) | (e & ~PTE_ADDR_2M_MASK);
	return rc;
}

/* References of one present directory entry and the shadow entry it must
 * have produced. */
static int expect_dir_entry(struct checker *c, const struct spt_domain *d,
			    int level, pte_t e, pte_t *se)
{
	uint64_t target;
	int rc;

	if (level == 2 && (e & PTE_PS))
		return expect_superpage(c, d, e, se);
	target = spt_dir_target(d, e);
	if ((e & PTE_PS) || target >= c->m->nr_frames ||
	    c->m->frames[target].owner != d->id)
		return fail(c, SPT_CHECK_BAD_ENTRY, "directory entry", 0, 0,
			    0, e);
	rc = expect_ref(c, target, (unsigned int)level - 1);
	target = spt_walked_frame(d, target, level - 1);
	*se = (target << PAGE_SHIFT) | (e & ~PTE_ADDR_MASK);
	return rc;
}

static int check_shadow_frame(struct checker *c, uint64_t dir_mfn)
{
	uint64_t sh = c->m->frames[dir_mfn].shadow;
	const struct spt_frame *f = spt_frame(c->m, sh);

	if (!f || f->owner != SPT_OWNER_XEN || f->type != SPT_TYPE_SHADOW ||
	    f->pfn != dir_mfn)
		return fail(c, SPT_CHECK_SHADOW, "directory without shadow",
			    dir_mfn, 0, 0, sh);
	return 0;
}

static int scan_entry(struct checker *c, const struct spt_domain *d, uint64_t mfn,
		      int level, unsigned int i, pte_t e, pte_t shadow_e)
{
	pte_t se = 0;
	int rc = 0;

	if (level == 4 && spt_is_hv_l4_slot(i)) {
		if (e & PTE_P)
			return fail(c, SPT_CHECK_HV_SLOT, "guest entry in the "
				    "hypervisor slots", 0, i, 0, e);
		se = c->m->hv_slots[spt_hv_slot_entry(i)];
	} else if ((e & PTE_P) && reserved_bits_set(c->m, level, e)) {
		return fail(c, SPT_CHECK_RESERVED, "reserved bits", 0, i, 0, e);
	} else if (e & PTE_P && level == 1) {
		if (hv_leaf_ok(c, d, e))
			return 0;	/* no references (entry.c) */
		if (!may_map(c, d, spt_pte_frame(e), e & PTE_W))
			return fail(c, SPT_CHECK_FOREIGN, "leaf maps a frame "
				    "neither owned nor granted", 0, i, d->id,
				    e);
		if (d->wx && (e & PTE_W) && !(e & PTE_NX))
			return fail(c, SPT_CHECK_BAD_ENTRY, "writable and "
				    "executable in a W^X domain", 0, i, d->id, e);
		return expect_ref(c, spt_pte_frame(e), leaf_type(d, e));
	} else if ((e & PTE_P) && spt_linear_l4_ok(d, level, e) &&
		   spt_dir_target(d, e) == mfn) {
		se = (mfn << PAGE_SHIFT) | (e & ~PTE_ADDR_MASK);	/* no references */
	} else if (e & PTE_P) {
		rc = expect_dir_entry(c, d, level, e, &se);
	}
	/* The MMU sets A (and D in 2 MiB leaves) in shadow entries. */
	if (!rc && spt_has_shadow(d, level) && ((shadow_e ^ se) & ~SPT_PTE_AD))
		return fail(c, SPT_CHECK_SHADOW_ENTRY, "shadow entry differs",
			    0, i, se, shadow_e);
	return rc;
}

static int scan_table(struct checker *c, uint64_t mfn)
{
	const struct spt_frame *f = &c->m->frames[mfn];
	const struct spt_domain *d = find_domain(c->m, f->owner);
	int level = f->type;
	const pte_t *t, *st = NULL;
	unsigned int i;
	int rc = 0;

	if (!d)
		return fail(c, SPT_CHECK_OWNER, "live table of no domain", mfn,
			    0, 0, f->owner);
	if (spt_has_shadow(d, level)) {
		rc = check_shadow_frame(c, mfn);
		if (rc)
			return rc;
		st = map(c, f->shadow);
	}
	t = map(c, mfn);
	for (i = 0; i < PT_ENTRIES && !rc; i++)
		rc = scan_entry(c, d, mfn, level, i, spt_read_pte(&t[i]),
				st ? spt_read_pte(&st[i]) : 0);
	unmap(c, t);
	unmap(c, st);
	if (rc)
		c->r->mfn = mfn;
	return rc;
}

static int scan_live_tables(struct checker *c)
{
	const struct spt_frame *f;
	uint64_t mfn;
	int rc = 0;

	for (mfn = 0; mfn < c->m->nr_frames && !rc; mfn++) {
		f = &c->m->frames[mfn];
		if (f->type_count && spt_type_is_pt(f->type))
			rc = scan_table(c, mfn);
	}
	return rc;
}

static bool shadows_table(const struct checker *c, const struct spt_frame *dir,
			  uint64_t shadow_mfn)
{
	const struct spt_domain *d;

	if (!dir || dir->shadow != shadow_mfn || !dir->type_count ||
	    !spt_type_is_pt(dir->type))
		return false;
	d = find_domain(c->m, dir->owner);
	return d && spt_has_shadow(d, dir->type);
}

/* Shadow pages hold one reference of their own; descriptor pages are
 * referenced from outside the library, so their counts are taken as
 * found. */
static int expect_others(struct checker *c)
{
	const struct spt_frame *f;
	struct spt_check_scratch *s;
	uint64_t mfn;

	for (mfn = 0; mfn < c->m->nr_frames; mfn++) {
		f = &c->m->frames[mfn];
		s = &c->s[mfn];
		if (f->type_count && f->type == SPT_TYPE_SEG) {
			s->count += f->type_count;
			s->type_count += f->type_count;
			s->type = SPT_TYPE_SEG;
		}
		if (f->flags & SPT_FRAME_SHARED) {	/* spt_share_page's own */
			s->count++;
			s->type_count++;
			s->type = SPT_TYPE_WRITABLE;
		}
		if (f->type != SPT_TYPE_SHADOW || !f->type_count)
			continue;
		if (!shadows_table(c, spt_frame(c->m, f->pfn), mfn))
			return fail(c, SPT_CHECK_SHADOW, "orphan shadow page",
				    mfn, 0, 0, f->pfn);
		s->count++;
		s->type_count++;
		s->type = SPT_TYPE_SHADOW;
	}
	return 0;
}

static int compare(struct checker *c)
{
	const struct spt_frame *f;
	const struct spt_check_scratch *s;
	uint64_t mfn;

	for (mfn = 0; mfn < c->m->nr_frames; mfn++) {
		f = &c->m->frames[mfn];
		s = &c->s[mfn];
		if (f->type_count && spt_type_is_pt(f->type) && s->writable)
			return fail(c, SPT_CHECK_PT_WRITABLE,
				    "page table mapped writable", mfn, 0, 0,
				    s->writable);
		if (f->count != s->count)
			return fail(c, SPT_CHECK_COUNT, "general count", mfn,
				    0, s->count, f->count);
		if (f->type_count != s->type_count)
			return fail(c, SPT_CHECK_TYPE_COUNT, "type count", mfn,
				    0, s->type_count, f->type_count);
		if (s->type_count && f->type != s->type)
			return fail(c, SPT_CHECK_TYPE, "type", mfn, 0, s->type,
				    f->type);
	}
	return 0;
}

static int check_stats(struct checker *c)
{
	const struct spt_domain *d;
	const struct spt_frame *f;
	uint64_t mfn, n;

	for (d = c->m->domains; d; d = d->next) {
		n = 0;
		for (mfn = 0; mfn < c->m->nr_frames; mfn++) {
			f = &c->m->frames[mfn];
			if (f->owner == d->id && f->type_count &&
			    spt_type_is_pt(f->type) &&
			    spt_has_shadow(d, f->type))
				n++;
		}
		if (n != d->stats.shadow_pages)
			return fail(c, SPT_CHECK_STATS, "shadow page counter",
				    0, d->id, n, d->stats.shadow_pages);
	}
	return 0;
}

int spt_check(const struct spt_machine *m, struct spt_check_scratch *scratch,
	      struct spt_check_report *r)
{
	struct checker c = { .m = m, .s = scratch, .r = r };
	int rc;

	memset(r, 0, sizeof(*r));
	memset(scratch, 0, m->nr_frames * sizeof(*scratch));
	rc = expect_roots(&c);
	if (!rc)
		rc = scan_live_tables(&c);
	if (!rc)
		rc = expect_others(&c);
	if (!rc)
		rc = compare(&c);
	if (!rc)
		rc = check_stats(&c);
	return rc;
}
