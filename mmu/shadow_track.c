/* Memory tracing: which machine frames hold shadowed guest page tables,
 * and where the shadow maps memory writable. When a frame becomes a page
 * table, the shadow pages that have writable leaves into its 2 MiB region
 * (and only those) are searched, and the leaves that map the frame (or
 * cover it, for 2 MiB leaves) lose W, so every later guest write to it
 * traps. Records are keyed by machine frame, so aliases of one frame
 * through several guest frames are covered too. */
#include "mmu/shadow_priv.h"
#include "base/errno.h"

struct sh_frame *sh_frame_find(struct shadow_domain *d, uint64_t key)
{
	struct sh_frame *f = *sh_bucket(&d->frames, sh_mix(key));

	while (f && f->key != key)
		f = f->hnext;
	return f;
}

static struct sh_frame *frame_get(struct shadow_domain *d, uint64_t key)
{
	struct sh_frame **head, *f = sh_frame_find(d, key);

	if (f)
		return f;
	f = sh_obj_alloc(d, SH_SLAB_FRAME);
	if (!f)
		return NULL;
	head = (struct sh_frame **)sh_bucket(&d->frames, sh_mix(key));
	f->key = key;
	f->hnext = *head;
	*head = f;
	return f;
}

/* Drop a record that no longer says anything. */
static void frame_put(struct shadow_domain *d, struct sh_frame *f)
{
	struct sh_frame **pp;

	if (!f || f->pt_pages || f->wmaps || f->exec)
		return;
	pp = (struct sh_frame **)sh_bucket(&d->frames, sh_mix(f->key));
	while (*pp != f)
		pp = &(*pp)->hnext;
	*pp = f->hnext;
	sh_obj_free(d, SH_SLAB_FRAME, f);
}

static uint64_t wmap_hash(uint64_t region, const struct sh_page *sp)
{
	return sh_mix(region ^ ((uint64_t)(uintptr_t)sp << 7));
}

struct sh_wmap *sh_wmap_find(struct shadow_domain *d, uint64_t region,
			     const struct sh_page *sp)
{
	struct sh_wmap *w = d->wmap_last;

	if (w && w->sp == sp && w->region == region)
		return w;
	for (w = *sh_bucket(&d->wmaps, wmap_hash(region, sp)); w; w = w->hnext)
		if (w->sp == sp && w->region == region)
			return w;
	return NULL;
}

static void wmap_free(struct shadow_domain *d, struct sh_wmap *w)
{
	struct sh_wmap **pp = (struct sh_wmap **)sh_bucket(&d->wmaps,
							  wmap_hash(w->region, w->sp));

	while (*pp != w)
		pp = &(*pp)->hnext;
	*pp = w->hnext;
	*w->pprev = w->next;
	if (w->next)
		w->next->pprev = w->pprev;
	if (d->wmap_last == w)
		d->wmap_last = NULL;
	frame_put(d, sh_frame_find(d, sh_region_key(w->region << 9)));
	sh_obj_free(d, SH_SLAB_WMAP, w);
}

int sh_wmap_add(struct shadow_domain *d, struct sh_page *sp, uint64_t mfn)
{
	uint64_t region = mfn >> 9;
	struct sh_wmap *w = sh_wmap_find(d, region, sp), **head;
	struct sh_frame *r;

	if (!w) {
		r = frame_get(d, sh_region_key(mfn));
		if (!r)
			return -ENOMEM;
		w = sh_obj_alloc(d, SH_SLAB_WMAP);
		if (!w) {
			frame_put(d, r);
			return -ENOMEM;
		}
		w->sp = sp;
		w->region = region;
		head = (struct sh_wmap **)sh_bucket(&d->wmaps, wmap_hash(region, sp));
		w->hnext = *head;
		*head = w;
		w->next = r->wmaps;
		if (w->next)
			w->next->pprev = &w->next;
		w->pprev = &r->wmaps;
		r->wmaps = w;
	}
	w->count++;
	d->wmap_last = w;
	return 0;
}

void sh_wmap_del(struct shadow_domain *d, struct sh_page *sp, uint64_t mfn)
{
	struct sh_wmap *w = sh_wmap_find(d, mfn >> 9, sp);

	if (w && --w->count == 0)
		wmap_free(d, w);
}

/* Take W from the leaves of w->sp that map frame mfn; a 2 MiB leaf
 * anywhere in the region covers it. */
static void protect_in_page(struct shadow_domain *d, struct sh_wmap *w, uint64_t mfn)
{
	struct sh_page *sp = w->sp;
	uint32_t i;

	for (i = 0; i < PT_ENTRIES && w->count; i++) {
		uint64_t e = sp->table[i], leaf;

		if (!(e & PTE_P) || !(e & PTE_W) || (sp->level >= 2 && sp->child[i]))
			continue;
		leaf = sh_leaf_mfn(e, sp->level);
		if ((leaf >> 9) != w->region || (sp->level == 1 && leaf != mfn))
			continue;
		sp->table[i] = e & ~(PTE_W | PTE_D);
		w->count--;
		d->stats.write_protects++;
		d->tlb_dirty = true;
	}
}

static void write_protect(struct shadow_domain *d, struct sh_frame *region, uint64_t mfn)
{
	struct sh_wmap *w = region->wmaps;

	while (w) {
		struct sh_wmap *next = w->next;

		protect_in_page(d, w, mfn);
		if (!w->count)
			wmap_free(d, w);
		w = next;
	}
}

int sh_track(struct shadow_domain *d, uint64_t mfn)
{
	struct sh_frame *f = frame_get(d, sh_frame_key(mfn));
	struct sh_frame *r;

	if (!f)
		return -ENOMEM;
	r = frame_get(d, sh_region_key(mfn));
	if (!r) {
		frame_put(d, f);
		return -ENOMEM;
	}
	f->pt_pages++;
	r->pt_pages++;
	write_protect(d, r, mfn);
	return 0;
}

void sh_untrack(struct shadow_domain *d, uint64_t mfn)
{
	struct sh_frame *f = sh_frame_find(d, sh_frame_key(mfn));
	struct sh_frame *r = sh_frame_find(d, sh_region_key(mfn));

	if (f && f->pt_pages) {
		f->pt_pages--;
		frame_put(d, f);
	}
	if (r && r->pt_pages) {
		r->pt_pages--;
		frame_put(d, r);
	}
}

bool sh_mfn_is_pt(struct shadow_domain *d, uint64_t mfn)
{
	struct sh_frame *f = sh_frame_find(d, sh_frame_key(mfn));

	return f && f->pt_pages;
}

/* cfg.may_exec: mark mfn approved after taking W from every leaf that
 * maps it (the caller flushes the TLB before the frame is scanned). */
int sh_exec_allow(struct shadow_domain *d, uint64_t mfn)
{
	struct sh_frame *f = frame_get(d, sh_frame_key(mfn));
	struct sh_frame *r;

	if (!f)
		return -ENOMEM;
	r = sh_frame_find(d, sh_region_key(mfn));
	if (r)
		write_protect(d, r, mfn);
	f->exec = true;
	return 0;
}

bool shadow_mfn_exec_ok(struct shadow_domain *d, uint64_t mfn)
{
	struct sh_frame *f = d ? sh_frame_find(d, sh_frame_key(mfn)) : NULL;

	return f && f->exec;
}

/* The engine keeps no index of executable leaves: dropping every shadow
 * entry is rare (a guest writing code it ran) and surely complete. */
void shadow_exec_revoke(struct shadow_domain *d, uint64_t mfn)
{
	struct sh_frame *f = d ? sh_frame_find(d, sh_frame_key(mfn)) : NULL;

	if (!f || !f->exec)
		return;
	f->exec = false;
	frame_put(d, f);
	shadow_flush_all(d);
}

bool sh_region_has_pt(struct shadow_domain *d, uint64_t mfn)
{
	struct sh_frame *r = sh_frame_find(d, sh_region_key(mfn));

	return r && r->pt_pages;
}
