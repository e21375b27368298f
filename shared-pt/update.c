/* Changing single entries: guest writes trapped on its read-only view of a
 * page table (memory tracing), cmpxchg on one, and MMU_NORMAL_PT_UPDATE.
 *
 * A live table changes entry by entry: the new entry's references are
 * taken first (so an entry replaced by one naming the same table never lets
 * that table drop to zero), then guest entry and shadow entry are stored,
 * then the old entry's references go. A refused entry changes nothing. */
#include "shared-pt/internal.h"

#include "base/errno.h"

struct store {
	pte_t val;
	bool preserve_ad;	/* OR in the A/D bits the entry has now */
	bool compare;		/* store only if the entry equals `expect` */
	pte_t expect;
	pte_t seen;		/* out: the entry found */
	bool stored;		/* out */
};

/* The MMU may set A/D in a guest L1 at any moment: swap atomically so no
 * such update is lost or mistaken for a guest change. */
static void store_pte(pte_t *p, struct store *s)
{
	pte_t cur = spt_read_pte(p);

	if (s->compare) {
		cur = s->expect;
		s->stored = __atomic_compare_exchange_n(p, &cur, s->val, false,
							__ATOMIC_RELAXED,
							__ATOMIC_RELAXED);
		s->seen = cur;
		return;
	}
	if (s->preserve_ad) {
		while (!__atomic_compare_exchange_n(p, &cur,
						    s->val | (cur & SPT_PTE_AD),
						    false, __ATOMIC_RELAXED,
						    __ATOMIC_RELAXED))
			;
		s->seen = cur;
		s->stored = true;
		return;
	}
	s->seen = __atomic_exchange_n(p, s->val, __ATOMIC_RELAXED);
	s->stored = true;
}

/* A changed present entry may be cached anywhere the domain runs. A leaf
 * says whether it was global; a directory entry may lead to global
 * leaves. */
static void flush_for(int level, pte_t old, pte_t new, struct spt_flush *f)
{
	bool leaf = level == 1 || (level == 2 && (old & PTE_PS));
	uint32_t flags = SPT_FLUSH_ALL;

	if (!(old & PTE_P) || !((old ^ new) & ~SPT_PTE_AD))
		return;
	if (!leaf || (old & PTE_G))
		flags |= SPT_FLUSH_GLOBAL;
	spt_flush_add(f, flags, 0);
}

static int mod_entry(struct spt_domain *d, uint64_t mfn, int level,
		     unsigned int index, struct store *s, struct spt_flush *f)
{
	pte_t *t = spt_map(d, mfn);
	pte_t *shadow = NULL;
	pte_t old = spt_read_pte(&t[index]);
	pte_t se = 0;
	int rc = 0;

	if (s->compare && old != s->expect) {
		s->seen = old;
		goto out;
	}
	if (s->preserve_ad)
		s->val |= old & SPT_PTE_AD;
	if (d->force_user && (s->val & PTE_P))
		s->val |= PTE_U;
	if (s->val & PTE_P) {
		rc = spt_get_entry(d, level, mfn, index, s->val, &se);
		if (rc)
			goto out;
	}
	store_pte(&t[index], s);
	if (!s->stored) {
		if (s->val & PTE_P)
			spt_put_entry(d, level, mfn, s->val);
		goto out;
	}
	if (spt_has_shadow(d, level) &&
	    !(level == 4 && spt_is_hv_l4_slot(index))) {
		shadow = spt_shadow_map(d, mfn);
		spt_write_pte(&shadow[index], se);
	}
	if (s->seen & PTE_P)
		spt_put_entry(d, level, mfn, s->seen);
	flush_for(level, s->seen, s->val, f);
	d->stats.entry_updates++;
out:
	spt_unmap(d, shadow);
	spt_unmap(d, t);
	return rc;
}

/* A frame that is no page table is plain guest memory: the guest could
 * write it through a writable mapping, so the hypervisor may as well (Xen
 * allows mmu_update on such pages). Descriptor pages and, in a W^X
 * domain, executable pages are the exceptions.
 * A table that just stopped being one may still be cached by some CPU's
 * paging-structure cache: flush before changing it. */
static int plain_write(struct spt_domain *d, uint64_t mfn, unsigned int index,
		       struct store *s)
{
	const struct spt_frame *f = spt_frame(d->m, mfn);
	pte_t *t;

	if (spt_frame_in_use_as(f, SPT_TYPE_SEG))
		return spt_refuse(d, SPT_R_SEG_WRITABLE, mfn, index);
	if (spt_frame_in_use_as(f, SPT_TYPE_EXEC))	/* W^X: code stays as scanned */
		return spt_refuse(d, SPT_R_WX_TYPE, mfn, index);
	if (!f->type_count)
		spt_flush_if_stale(d, mfn, SPT_TYPE_WRITABLE);
	t = spt_map(d, mfn);
	store_pte(&t[index], s);
	spt_unmap(d, t);
	return 0;
}

static int entry_frame(struct spt_domain *d, uint64_t maddr,
		       unsigned int align, uint64_t *mfn, unsigned int *index)
{
	*mfn = maddr >> PAGE_SHIFT;
	*index = (unsigned int)(maddr & (PAGE_SIZE - 1)) / sizeof(pte_t);
	if (maddr & (align - 1))
		return spt_refuse(d, SPT_R_BAD_REQUEST, *mfn, *index);
	return spt_check_owner(d, *mfn);
}

static int live_table_level(struct spt_domain *d, uint64_t mfn,
			    unsigned int index)
{
	const struct spt_frame *f = spt_frame(d->m, mfn);

	if (!f->type_count || !spt_type_is_pt(f->type))
		return spt_refuse(d, SPT_R_NOT_PT, mfn, index);
	return f->type;
}

int spt_pt_update(struct spt_domain *d, uint64_t maddr, uint64_t val,
		  bool preserve_ad, struct spt_flush *flush)
{
	struct store s = { .val = val, .preserve_ad = preserve_ad };
	const struct spt_frame *f;
	unsigned int index;
	uint64_t mfn;
	int rc = entry_frame(d, maddr, sizeof(pte_t), &mfn, &index);

	if (rc)
		return rc;
	f = spt_frame(d->m, mfn);
	if (f->type_count && spt_type_is_pt(f->type))
		return mod_entry(d, mfn, f->type, index, &s, flush);
	return plain_write(d, mfn, index, &s);
}

/* A write the guest made to its read-only view of a table. 4-byte writes
 * (halves of an entry) are merged with the other half. Writes that hit no
 * live table are genuine faults: -EFAULT, the caller injects #PF. */
int spt_pt_write(struct spt_domain *d, uint64_t maddr, uint64_t val,
		 unsigned int bytes, struct spt_flush *flush)
{
	struct store s = { .val = val };
	unsigned int index, shift;
	uint64_t mfn;
	pte_t *t, old;
	int level, rc;

	d->stats.pt_write_traps++;
	if (bytes != 4 && bytes != 8)
		return spt_refuse(d, SPT_R_BAD_REQUEST, maddr >> PAGE_SHIFT, 0);
	rc = entry_frame(d, maddr, bytes, &mfn, &index);
	if (rc)
		return rc;
	level = live_table_level(d, mfn, index);
	if (level < 0)
		return level;
	if (bytes == 4) {
		t = spt_map(d, mfn);
		old = spt_read_pte(&t[index]);
		spt_unmap(d, t);
		shift = (unsigned int)(maddr & 4) * 8;
		s.val = (old & ~(0xffffffffULL << shift)) |
			((val & 0xffffffffULL) << shift);
	}
	return mod_entry(d, mfn, level, index, &s, flush);
}

/* A trapped LOCK CMPXCHG on an entry: *seen gets what the entry held; the
 * store happens only if that equals `expect` (a mismatch is no error). */
int spt_pt_cmpxchg(struct spt_domain *d, uint64_t maddr, uint64_t expect,
		   uint64_t val, uint64_t *seen, struct spt_flush *flush)
{
	struct store s = { .val = val, .compare = true, .expect = expect };
	unsigned int index;
	uint64_t mfn;
	int level, rc;

	d->stats.pt_write_traps++;
	rc = entry_frame(d, maddr, sizeof(pte_t), &mfn, &index);
	if (rc)
		return rc;
	level = live_table_level(d, mfn, index);
	if (level < 0)
		return level;
	rc = mod_entry(d, mfn, level, index, &s, flush);
	if (!rc && seen)
		*seen = s.seen;
	return rc;
}
