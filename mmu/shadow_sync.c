/* Keeping shadows in step with guest page-table writes, INVLPG, and
 * unshadowing a frame the guest no longer uses as a page table.
 *
 * A written entry is found in every shadow of its page (one per level
 * the page is used at). A leaf entry of a level-1 table is recomputed at
 * once when the new guest entry is usable as it stands (present, accessed,
 * no reserved bit), which spares the guest the next hidden fault; any
 * other entry is cleared and refilled on demand. A page that takes many
 * writes of non-present entries with no fill through it is likely no
 * longer a live page table (its mappings were torn down, or a process
 * exited and the frame is being reused and zeroed): it is unshadowed
 * through ω so that the writes stop trapping. Rewriting present entries
 * (mprotect, page aging) never counts. */
#include "mmu/shadow_priv.h"
#include "base/errno.h"
#include "base/string.h"

static void resync_leaf(struct shadow_domain *d, struct sh_page *sp, uint32_t idx,
			uint64_t g)
{
	struct mmu_p2m p;
	uint64_t gfn = pte_addr(g) >> PAGE_SHIFT;

	if (!(g & PTE_P) || !(g & PTE_A) || mmu_pte_reserved(&d->cmode, g, 1) ||
	    sh_p2m(d, gfn, &p) ||
	    sh_set_leaf(d, sp, idx, sh_guest_leaf(d, g, 1, p.mfn,
			p.writable && !sh_mfn_is_pt(d, p.mfn))))
		sh_clear_entry(d, sp, idx);
}

bool sh_resync(struct shadow_domain *d, struct sh_page *sp, uint32_t idx, uint64_t g)
{
	if (!(g & PTE_P) && !sp->pins && ++sp->writes >= SH_UNSHADOW_WRITES) {
		sh_unshadow_page(d, sp);
		return true;
	}
	if (sp->level == 1)
		resync_leaf(d, sp, idx, g);
	else
		sh_clear_entry(d, sp, idx);
	return false;
}

/* cfg.linear_l4: would entry idx of guest frame gfn, with new value e,
 * be a writable self-map of a table shadowed as an L4? */
static bool writable_self_map(struct shadow_domain *d, uint64_t gfn, uint64_t e)
{
	return d->cfg.linear_l4 && (e & (PTE_P | PTE_W)) == (PTE_P | PTE_W) &&
	       pte_addr(e) >> PAGE_SHIFT == gfn &&
	       sh_page_find(d, gfn, 4, false, SH_KEY(SH_FMT_LONG, 0));
}

/* The store of shadow_pt_write, or with expect the compare-and-exchange
 * of shadow_pt_cmpxchg: in that case the entry is replaced atomically
 * (the guest's A/D updates by the walker are atomic too) and *found says
 * what it held; a mismatch stores nothing and touches no shadow. */
static int pt_store(struct shadow_domain *d, uint64_t gpa, uint64_t value, unsigned int len,
		    const uint64_t *expect, uint64_t *found)
{
	uint64_t merged;
	uint64_t gfn = gpa >> PAGE_SHIFT, *entry;
	uint32_t idx = (uint32_t)(gpa & (PAGE_SIZE - 1)) / 8;
	unsigned int off = (unsigned int)(gpa & 7), i;
	struct mmu_p2m p;
	uint8_t *page;
	int level;

	if (!d || (len != 1 && len != 2 && len != 4 && len != 8) || off + len > 8)
		return -EINVAL;
	if (sh_p2m(d, gfn, &p))
		return -ENOENT;
	page = d->ops.map(d->ops.ctx, p.mfn << PAGE_SHIFT);
	if (!page)
		return -ENOENT;
	entry = (uint64_t *)(page + idx * 8);
	merged = expect ? *expect : *entry;
	for (i = 0; i < len; i++)
		((uint8_t *)&merged)[off + i] = (uint8_t)(value >> (8 * i));
	if (writable_self_map(d, gfn, merged))
		return -EACCES;
	shadow_exec_revoke(d, p.mfn);
	if (expect) {
		*found = *expect;
		if (!__atomic_compare_exchange_n(entry, found, merged, false, __ATOMIC_SEQ_CST,
						 __ATOMIC_SEQ_CST))
			return 0;
	} else {
		for (i = 0; i < len; i++)
			((uint8_t *)entry)[off + i] = (uint8_t)(value >> (8 * i));
	}
	d->stats.pt_writes++;
	for (level = 1; level <= 4; level++) {
		struct sh_page *sp = sh_page_find(d, gfn, level, false, 0);

		if (sp)
			sh_resync(d, sp, idx, *entry);
	}
	/* Shadows of 32-bit guests' PDPTs and 2-level tables (shadow_form.c). */
	if (d->legacy_pages)
		sh_pt_write_legacy(d, gfn, page, (unsigned int)(gpa & (PAGE_SIZE - 1)), len);
	sh_flush_tlb(d);
	return 0;
}

int shadow_pt_write(struct shadow_domain *d, uint64_t gpa, uint64_t value,
		    unsigned int len)
{
	return pt_store(d, gpa, value, len, NULL, NULL);
}

int shadow_pt_cmpxchg(struct shadow_domain *d, uint64_t gpa, uint64_t expect, uint64_t value,
		      uint64_t *found)
{
	uint64_t seen;
	int err;

	if (gpa & 7)
		return -EINVAL;
	err = pt_store(d, gpa, value, 8, &expect, &seen);
	if (!err && found)
		*found = seen;
	return err;
}

int shadow_invlpg(struct shadow_vcpu *v, uint64_t va)
{
	struct sh_page *sp;
	int level;

	if (!v || v->root < 0)
		return -EINVAL;
	v->d->stats.invlpgs++;
	sp = v->d->roots[v->root].sp;
	/* INVLPG of a non-canonical address (or above 4 GiB from a 32-bit
	 * guest, which cannot name one) is a no-op. */
	if (!mmu_va_is_canonical(va) || (sp->level == 3 && (va >> 32)))
		return 0;
	for (level = sp->level; level >= 1; level--) {
		uint32_t idx = pt_index(va, level);
		uint64_t e = sp->table[idx];

		if (!(e & PTE_P))
			break;
		if (level == 1 || !sp->child[idx]) {
			sh_clear_entry(v->d, sp, idx);
			break;
		}
		sp = sp->child[idx];
	}
	sh_flush_tlb(v->d);
	return 0;
}

bool shadow_gfn_is_tracked(struct shadow_domain *d, uint64_t gfn)
{
	struct mmu_p2m p;

	return d && !sh_p2m(d, gfn, &p) && sh_mfn_is_pt(d, p.mfn);
}

static int unshadow_keyed(struct shadow_domain *d, uint64_t gfn, int level, uint64_t key)
{
	struct sh_page *sp = sh_page_find(d, gfn, level, false, key);

	if (!sp || sp->pins)
		return 0;
	sh_unshadow_page(d, sp);
	return 1;
}

int shadow_unshadow_gfn(struct shadow_domain *d, uint64_t gfn)
{
	int level, n = 0;

	if (!d)
		return -EINVAL;
	for (level = 1; level <= 4; level++)
		n += unshadow_keyed(d, gfn, level, SH_KEY(SH_FMT_LONG, 0));
	if (d->legacy_pages) {
		for (level = 1; level <= 3; level++)
			for (unsigned int part = 0; part < 4; part++) {
				n += unshadow_keyed(d, gfn, level, SH_KEY(SH_FMT_2LEVEL, part));
				n += unshadow_keyed(d, gfn, level, SH_KEY(SH_FMT_2LEVEL_PSE, part));
			}
	}
	sh_flush_tlb(d);
	return n;
}
