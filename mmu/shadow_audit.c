/* Self-check of the shadow engine, for tests and debug builds: walks
 * every shadow page and checks ω, φ, the writable-map summaries, write
 * protection, the
 * counters, and that each present shadow entry still agrees with the
 * guest entry it was made from. Cost: every entry of every page. */
#include "mmu/shadow_priv.h"
#include "base/errno.h"

#define CHECK(cond, msg) do { if (!(cond)) { *why = (msg); return -EFAULT; } } while (0)

static bool has_backptr(const struct sh_page *child, const struct sh_page *parent,
			uint32_t idx)
{
	const struct sh_backptr *bp;

	for (bp = child->parents; bp; bp = bp->next)
		if (bp->parent == parent && bp->index == idx)
			return true;
	return false;
}

static int check_parents(const struct sh_page *sp, const char **why)
{
	const struct sh_backptr *bp;
	uint32_t n = 0;

	for (bp = sp->parents; bp; bp = bp->next, n++) {
		CHECK(bp->parent->child[bp->index] == sp, "ω names an entry that points elsewhere");
		CHECK((bp->parent->table[bp->index] & PTE_ADDR_MASK) == sp->maddr &&
		      (bp->parent->table[bp->index] & PTE_P), "ω names a stale shadow entry");
	}
	CHECK(n == sp->nparents, "ω count differs from its list");
	CHECK(sp->nparents || sp->pins, "unreferenced shadow page kept");
	CHECK(!sp->busy, "page left busy after a fill");
	return 0;
}

/* A present entry of a normal page against the guest entry it shadows
 * (shadow_form.c says which one that is for 32-bit guests' shadows). */
static int check_against_guest(struct shadow_domain *d, const struct sh_page *sp,
			       uint32_t idx, uint64_t e, const char **why)
{
	struct sh_page *child = sp->level >= 2 ? sp->child[idx] : NULL;
	unsigned int fmt = SH_KEY_FMT(sp->attrs);
	struct sh_guest_view gv;
	struct mmu_p2m p;
	uint64_t g;

	sh_guest_view(d, sp, idx, &gv);
	g = gv.g;
	CHECK(gv.ok, "shadowed guest table is not backed");
	CHECK((g & PTE_P) && (fmt == SH_FMT_PAE_ROOT || (g & PTE_A)),
	      "shadow entry for a guest entry without P or A");
	CHECK(fmt != SH_FMT_LONG || !mmu_pte_reserved(&d->cmode, g, sp->level),
	      "shadow of a reserved guest entry");
	if (sh_is_root(sp) && fmt != SH_FMT_LONG) {
		CHECK(child && !child->split && e == (child->maddr | PTE_P) && idx < 4,
		      "PAE shadow PDPTE is not a bare table pointer");
		CHECK(child->gfn == gv.table_gfn && child->attrs == gv.table_key,
		      "shadow table shadows another guest table");
		return 0;
	}
	CHECK(!(e & PTE_W) || (g & PTE_W), "shadow more writable than the guest");
	/* The execute-only frame is user in every leaf: keys only bind
	 * user pages (its form is checked in check_entry). */
	CHECK(!(e & PTE_U) || (g & PTE_U) || d->cfg.force_user ||
	      (!child && sh_xonly_mfn(d, sh_leaf_mfn(e, sp->level))),
	      "shadow more user than the guest");
	CHECK(!(e & PTE_W) || !child || !sh_linear_self(d, sp, child),
	      "linear L4 self-map writable in the shadow");
	CHECK(!(g & PTE_NX) || !(d->cmode.efer & MMU_EFER_NXE) || (e & PTE_NX),
	      "shadow more executable than the guest");
	if (child && !child->split) {
		CHECK(!gv.large && child->gfn == gv.table_gfn && child->attrs == gv.table_key,
		      "shadow table shadows another guest table");
	} else if (child) {
		CHECK(gv.large && child->gfn == gv.leaf_gfn &&
		      child->attrs == sh_leaf_attrs(g, sp->level),
		      "split table does not match the guest large page");
		CHECK(!(e & PTE_W) || (g & PTE_D), "split page writable before the guest's D");
	} else {
		CHECK(sp->level == 1 || gv.large, "shadow leaf for a guest table entry");
		CHECK(!sh_p2m_leaf(d, gv.leaf_gfn, &p) &&
		      p.mfn == (pte_leaf_addr(e, sp->level) >> PAGE_SHIFT),
		      "shadow leaf maps another frame than the p2m says");
		CHECK(!(e & PTE_W) || ((g & PTE_D) && p.writable), "writable before D or p2m allows");
	}
	return 0;
}

static int check_entry(struct shadow_domain *d, const struct sh_page *sp, uint32_t idx,
		       const char **why)
{
	uint64_t e = sp->table[idx];
	struct sh_page *child = sp->level >= 2 ? sp->child[idx] : NULL;

	if (sp->level == 4 && sh_hv_slot(d, idx)) {
		CHECK(e == sh_hv_entry(d, idx) && !child, "hypervisor slot changed");
		return 0;
	}
	if (!(e & PTE_P)) {
		CHECK(!child, "child kept for a cleared entry");
		return 0;
	}
	if (child) {
		CHECK((e & PTE_ADDR_MASK) == child->maddr && !(e & PTE_PS),
		      "entry and child[] disagree");
		CHECK(child->level == sp->level - 1, "child at the wrong level");
		CHECK(has_backptr(child, sp, idx), "entry missing from its child's ω");
	} else {
		CHECK(sp->level == 1 || (sp->level == 2 && (e & PTE_PS)),
		      "non-leaf shadow entry without a child");
		if (e & PTE_W) {
			uint64_t mfn = sh_leaf_mfn(e, sp->level);
			struct sh_wmap *w = sh_wmap_find(d, mfn >> 9, sp);

			CHECK(w && w->count, "writable leaf missing from the writable maps");
			CHECK(sp->level == 2 ? !sh_region_has_pt(d, mfn) : !sh_mfn_is_pt(d, mfn),
			      "page table mapped writable");
		}
		/* cfg.xonly_*: the execute-only frame in its one form. */
		CHECK(!sh_xonly_mfn(d, sh_leaf_mfn(e, sp->level)) ||
		      (sp->level == 1 && (e & (PTE_W | PTE_U | PTE_PKEY_MASK)) ==
		       (PTE_U | (uint64_t)d->cfg.xonly_key << PTE_PKEY_SHIFT)),
		      "execute-only frame mapped writable or without its key");
		/* cfg.may_exec: W^X, and only approved frames run. */
		CHECK(!d->cfg.may_exec || (e & PTE_NX) ||
		      (sp->level == 1 && !(e & PTE_W) &&
		       (shadow_mfn_exec_ok(d, sh_leaf_mfn(e, 1)) ||
			sh_xonly_mfn(d, sh_leaf_mfn(e, 1)))),
		      "leaf executable without the gate or writable too");
	}
	return sp->split ? 0 : check_against_guest(d, sp, idx, e, why);
}

static int check_page(struct shadow_domain *d, const struct sh_page *sp, const char **why)
{
	uint32_t i;
	int err = check_parents(sp, why);

	if (sp->tracked)
		CHECK(sh_mfn_is_pt(d, sp->mfn) && sh_region_has_pt(d, sp->mfn),
		      "tracked page not counted");
	else
		CHECK(sp->split || sh_is_root(sp), "normal page not tracked");
	for (i = 0; !err && i < PT_ENTRIES; i++)
		err = check_entry(d, sp, i, why);
	return err;
}

static uint32_t writable_leaves_into(const struct sh_page *sp, uint64_t region)
{
	uint32_t i, n = 0;

	for (i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = sp->table[i];

		if ((e & PTE_P) && (e & PTE_W) && !(sp->level >= 2 && sp->child[i]) &&
		    sh_leaf_mfn(e, sp->level) >> 9 == region)
			n++;
	}
	return n;
}

/* Frame records: counts equal the tracked pages; writable-map nodes count
 * exactly the writable leaves of their page into their region. */
static int check_frames(struct shadow_domain *d, uint64_t *tracked, const char **why)
{
	uint32_t b;
	uint64_t frame_sum = 0;

	for (b = 0; b <= d->frames.mask; b++) {
		const struct sh_frame *f;

		for (f = *sh_bucket(&d->frames, b); f; f = f->hnext) {
			const struct sh_wmap *w;

			CHECK(f->pt_pages || f->wmaps || f->exec, "empty frame record kept");
			CHECK(!(f->key & 1) ? !f->wmaps : 1, "writable maps on a frame record");
			if (!(f->key & 1))
				frame_sum += f->pt_pages;
			for (w = f->wmaps; w; w = w->next) {
				CHECK(w->region << 1 == (f->key & ~1ULL) && *w->pprev == w,
				      "writable map on the wrong region list");
				CHECK(w->count && w->count == writable_leaves_into(w->sp, w->region),
				      "writable map count differs from the page");
			}
		}
	}
	CHECK(frame_sum == *tracked, "frame records count other pages than are tracked");
	return 0;
}

static int check_roots(struct shadow_domain *d, const char **why)
{
	unsigned int i, j, users = 0;

	for (i = 0; i < d->cfg.roots; i++) {
		const struct sh_root *r = &d->roots[i];
		unsigned int pins = 0;

		if (!r->sp) {
			CHECK(!r->users, "vCPU on an empty φ slot");
			continue;
		}
		CHECK(sh_is_root(r->sp) && r->sp->gfn == r->gfn &&
		      r->table >> PAGE_SHIFT == r->gfn,
		      "φ slot names a page of another guest root");
		for (j = 0; j < d->cfg.roots; j++)
			pins += d->roots[j].sp == r->sp;
		CHECK(pins == r->sp->pins, "root pin count differs from φ");
		users += r->users;
	}
	CHECK(users <= d->nvcpus, "more φ users than vCPUs");
	return 0;
}

int shadow_audit(struct shadow_domain *d, const char **why)
{
	const char *dummy;
	uint64_t pages = 0, tracked = 0;
	uint32_t b;
	int err;

	if (!why)
		why = &dummy;
	*why = NULL;
	if (!d)
		return -EINVAL;
	for (b = 0; b <= d->pages.mask; b++) {
		const struct sh_page *sp;

		for (sp = *sh_bucket(&d->pages, b); sp; sp = sp->hnext) {
			pages++;
			tracked += sp->tracked;
			err = check_page(d, sp, why);
			if (err)
				return err;
		}
	}
	CHECK(pages == d->stats.shadow_pages, "shadow page counter is wrong");
	CHECK(d->held == d->stats.shadow_pages + d->stats.meta_pages,
	      "pages held are not the shadow and bookkeeping pages");
	CHECK(!d->cfg.pool_pages || d->held <= d->cfg.pool_pages, "pool exceeded");
	err = check_frames(d, &tracked, why);
	return err ? err : check_roots(d, why);
}
