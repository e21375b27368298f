/* Memory tracing: which machine frames hold shadowed guest page tables,
 * and which shadow leaves map a frame writable. When a frame becomes a
 * page table, exactly its writable mappings (and the writable 2 MiB
 * mappings of its region) lose W, so every later guest write to it traps.
 * Records are keyed by machine frame, so aliases of one frame through
 * several guest frames are covered too. */
#include "mmu/shadow_priv.h"
#include "umbra/errno.h"

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

	if (f->pt_pages || f->writable)
		return;
	pp = (struct sh_frame **)sh_bucket(&d->frames, sh_mix(f->key));
	while (*pp != f)
		pp = &(*pp)->hnext;
	*pp = f->hnext;
	sh_obj_free(d, SH_SLAB_FRAME, f);
}

/* Take W away from every shadow leaf in f's writable list. */
static void write_protect(struct shadow_domain *d, struct sh_frame *f)
{
	while (f->writable) {
		struct sh_rmap *r = f->writable;

		r->sp->table[r->index] &= ~(PTE_W | PTE_D);
		f->writable = r->next;
		sh_obj_free(d, SH_SLAB_RMAP, r);
		d->stats.write_protects++;
		d->tlb_dirty = true;
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
	write_protect(d, f);
	write_protect(d, r);
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

bool sh_region_has_pt(struct shadow_domain *d, uint64_t mfn)
{
	struct sh_frame *r = sh_frame_find(d, sh_region_key(mfn));

	return r && r->pt_pages;
}

int sh_rmap_add(struct shadow_domain *d, uint64_t key, struct sh_page *sp, uint32_t index)
{
	struct sh_rmap *r = sh_obj_alloc(d, SH_SLAB_RMAP);
	struct sh_frame *f;

	if (!r)
		return -ENOMEM;
	f = frame_get(d, key);
	if (!f) {
		sh_obj_free(d, SH_SLAB_RMAP, r);
		return -ENOMEM;
	}
	r->sp = sp;
	r->index = index;
	r->next = f->writable;
	f->writable = r;
	return 0;
}

void sh_rmap_del(struct shadow_domain *d, uint64_t key, struct sh_page *sp, uint32_t index)
{
	struct sh_frame *f = sh_frame_find(d, key);
	struct sh_rmap **pp;

	if (!f)
		return;
	for (pp = &f->writable; *pp; pp = &(*pp)->next) {
		struct sh_rmap *r = *pp;

		if (r->sp == sp && r->index == index) {
			*pp = r->next;
			sh_obj_free(d, SH_SLAB_RMAP, r);
			break;
		}
	}
	frame_put(d, f);
}
