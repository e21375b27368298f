/* Host machine for shared-pt tests; see harness.h. */
#include "tests/unit/shared-pt/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* ---- the ops the library sees ------------------------------------------ */

static void *h_map(void *ctx, uint64_t mfn)
{
	struct harness *h = ctx;

	if (mfn >= h->nr_frames)
		return NULL;
	h->maps_live++;
	return h->mem + mfn * PAGE_SIZE;
}

static void h_unmap(void *ctx, void *p)
{
	struct harness *h = ctx;

	(void)p;
	h->maps_live--;
}

static uint64_t h_alloc(void *ctx)
{
	struct harness *h = ctx;
	uint64_t i;

	if (h->alloc_budget == 0)
		return SPT_INVALID_MFN;
	for (i = 0; i < h->pool_frames; i++) {
		if (!h->pool_used[i]) {
			h->pool_used[i] = 1;
			h->pool_in_use++;
			if (h->alloc_budget > 0)
				h->alloc_budget--;
			/* Dirty it: the library must not rely on zeroed pages. */
			memset(h->mem + i * PAGE_SIZE, 0xa5, PAGE_SIZE);
			return i;
		}
	}
	return SPT_INVALID_MFN;
}

static void h_free(void *ctx, uint64_t mfn)
{
	struct harness *h = ctx;

	if (mfn >= h->pool_frames || !h->pool_used[mfn]) {
		fprintf(stderr, "harness: bad free of frame %llu\n",
			(unsigned long long)mfn);
		abort();
	}
	h->pool_used[mfn] = 0;
	h->pool_in_use--;
}

static void h_flush(void *ctx)
{
	struct harness *h = ctx;

	h->flushes++;
}

bool h_granted(void *ctx, uint16_t owner, uint16_t grantee, uint64_t mfn,
	       bool writable)
{
	struct harness *h = ctx;
	unsigned int i;

	for (i = 0; i < h->nr_grants; i++) {
		const struct h_grant *g = &h->grants[i];

		if (g->owner == owner && g->grantee == grantee &&
		    g->mfn == mfn && (g->writable || !writable))
			return true;
	}
	return false;
}

/* The machine's spt_ops.may_exec: refuses the one frame a test names. */
static bool h_may_exec(void *ctx, uint16_t dom, uint64_t mfn, bool writable)
{
	struct harness *h = ctx;

	(void)dom;
	(void)writable;
	h->exec_asked++;
	return mfn != h->exec_refused_mfn;
}

/* The machine's spt_ops.hv_leaf: the one hypervisor page, as PV maps its
 * hypercall page (never writable, user, the reserved key). */
static bool h_hv_leaf(void *ctx, uint16_t dom, uint64_t mfn, pte_t e)
{
	struct harness *h = ctx;

	(void)dom;
	return mfn == h->hv_page_mfn && !(e & PTE_W) && (e & PTE_U) &&
	       pte_pkey(e) == H_HV_PKEY;
}

/* The machine's spt_ops.gone: counted, the last frame kept. */
static void h_gone(void *ctx, uint16_t owner, uint64_t mfn)
{
	struct harness *h = ctx;

	(void)owner;
	h->gone_calls++;
	h->gone_mfn = mfn;
}

static const struct spt_ops h_ops = {
	.map = h_map,
	.unmap = h_unmap,
	.alloc_page = h_alloc,
	.free_page = h_free,
	.flush_tlbs = h_flush,
	.granted = h_granted,
	.may_exec = h_may_exec,
	.hv_leaf = h_hv_leaf,
	.gone = h_gone,
};

/* ---- setup ------------------------------------------------------------- */

/* Hypervisor entries for the reserved L4 slots: distinctive values the
 * checker can recognise in every shadow L4. */
static void hv_slots(pte_t slots[SPT_HV_NR_SLOTS])
{
	unsigned int i;

	for (i = 0; i < SPT_HV_NR_SLOTS; i++)
		slots[i] = h_leaf(0x7000 + i, PTE_P | PTE_W);
}

int h_init(struct harness *h, uint64_t frames, uint64_t pool_frames)
{
	pte_t slots[SPT_HV_NR_SLOTS];
	uintptr_t base;

	memset(h, 0, sizeof(*h));
	h->raw_len = frames * PAGE_SIZE + PAGE_SIZE_2M;
	h->raw = mmap(NULL, h->raw_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (h->raw == MAP_FAILED)
		return -1;
	base = ((uintptr_t)h->raw + PAGE_SIZE_2M - 1) & ~(PAGE_SIZE_2M - 1);
	h->mem = (uint8_t *)base;
	h->nr_frames = frames;
	h->frames = calloc(frames, sizeof(*h->frames));
	h->scratch = calloc(frames, sizeof(*h->scratch));
	h->pool_used = calloc(pool_frames, 1);
	if (!h->frames || !h->scratch || !h->pool_used)
		return -1;
	h->pool_frames = pool_frames;
	h->alloc_budget = -1;
	h->exec_refused_mfn = SPT_INVALID_MFN;
	h->hv_page_mfn = SPT_INVALID_MFN;
	h->next_extent = frames / SPT_EXTENT_FRAMES;
	hv_slots(slots);
	return spt_machine_init(&h->m, &h_ops, h, h->frames, frames,
				H_PHYS_BITS, slots);
}

void h_fini(struct harness *h)
{
	unsigned int i;

	for (i = 0; i < h->nr_doms; i++)
		free(h->dom[i].p2m);
	free(h->frames);
	free(h->scratch);
	free(h->pool_used);
	if (h->raw && h->raw != MAP_FAILED)
		munmap(h->raw, h->raw_len);
	memset(h, 0, sizeof(*h));
}

struct h_dom *h_new_domain(struct harness *h, uint16_t id,
			   unsigned int nr_extents)
{
	struct h_dom *g;
	unsigned int i;
	uint64_t pool_ext = (h->pool_frames + SPT_EXTENT_FRAMES - 1) /
			    SPT_EXTENT_FRAMES;

	if (h->nr_doms == H_MAX_DOMS ||
	    h->next_extent < pool_ext + nr_extents)
		return NULL;
	g = &h->dom[h->nr_doms++];
	memset(g, 0, sizeof(*g));
	g->h = h;
	g->p2m = calloc(nr_extents, sizeof(*g->p2m));
	if (!g->p2m || spt_domain_init(&h->m, &g->d, id, h->dir_mode, g->p2m,
				       nr_extents, g->vcpu, H_VCPUS))
		return NULL;
	for (i = 0; i < nr_extents; i++) {
		h->next_extent--;
		if (spt_domain_add_extent(&g->d, i * SPT_EXTENT_FRAMES,
					  h->next_extent * SPT_EXTENT_FRAMES))
			return NULL;
	}
	g->nr_pfns = (uint64_t)nr_extents * SPT_EXTENT_FRAMES;
	return g;
}

pte_t h_dir(const struct h_dom *g, uint64_t pfn, pte_t flags)
{
	uint64_t frame = pfn;

	if (g->d.dir_mode == SPT_DIRS_MACHINE) {
		frame = spt_p2m(&g->d, pfn);
		if (frame == SPT_INVALID_MFN)
			frame = g->h->nr_frames + pfn;
	}
	return (frame << PAGE_SHIFT) | flags;
}

pte_t *h_frame(struct harness *h, uint64_t mfn)
{
	return (pte_t *)(h->mem + mfn * PAGE_SIZE);
}

struct spt_frame *h_info(struct harness *h, uint64_t mfn)
{
	return &h->frames[mfn];
}

uint64_t h_walked(struct harness *h, uint64_t mfn)
{
	uint64_t shadow = h->frames[mfn].shadow;

	return shadow != SPT_INVALID_MFN ? shadow : mfn;
}

struct h_page h_pfn_page(struct h_dom *g, uint64_t pfn)
{
	struct h_page pg = { .pfn = pfn, .mfn = spt_p2m(&g->d, pfn) };

	pg.p = h_frame(g->h, pg.mfn);
	return pg;
}

struct h_page h_new_page(struct h_dom *g)
{
	struct h_page pg;

	if (g->next_pfn >= g->nr_pfns) {
		fprintf(stderr, "harness: domain %u out of pages\n", g->d.id);
		abort();
	}
	pg = h_pfn_page(g, g->next_pfn++);
	memset(pg.p, 0, PAGE_SIZE);
	return pg;
}

int h_grant(struct harness *h, uint16_t owner, uint16_t grantee,
	    uint64_t mfn, bool writable)
{
	if (h->nr_grants == H_MAX_GRANTS)
		return -1;
	h->grants[h->nr_grants++] = (struct h_grant){ owner, grantee, mfn,
						       writable };
	return 0;
}

void h_space_build(struct h_dom *g, struct h_space *s, uint64_t va)
{
	s->va = va;
	s->l4 = h_new_page(g);
	s->l3 = h_new_page(g);
	s->l2 = h_new_page(g);
	s->l1 = h_new_page(g);
	s->l4.p[pt_index(va, 4)] = h_dir(g, s->l3.pfn, H_RW);
	s->l3.p[pt_index(va, 3)] = h_dir(g, s->l2.pfn, H_RW);
	s->l2.p[pt_index(va, 2)] = h_dir(g, s->l1.pfn, H_RW);
}

/* ---- machine-wide checks -------------------------------------------------- */

int h_check(struct harness *h, char *msg, size_t len)
{
	struct spt_check_report r;

	if (h->maps_live != 0) {
		snprintf(msg, len, "%ld frame mappings left open",
			 h->maps_live);
		return -1;
	}
	if (spt_check(&h->m, h->scratch, &r) == 0)
		return 0;
	snprintf(msg, len, "invariant %d (%s): mfn %llu index %u expected "
		 "%llu actual %llu", r.code, r.what, (unsigned long long)r.mfn,
		 r.index, (unsigned long long)r.expected,
		 (unsigned long long)r.actual);
	return -1;
}

static int all_released(struct harness *h, char *msg, size_t len)
{
	uint64_t mfn;
	const struct spt_frame *f;

	for (mfn = 0; mfn < h->nr_frames; mfn++) {
		f = &h->frames[mfn];
		if (f->count || f->type_count || (f->flags & SPT_FRAME_PINNED)) {
			snprintf(msg, len, "frame %llu still held: count %u "
				 "type %u count %u", (unsigned long long)mfn,
				 f->count, f->type, f->type_count);
			return -1;
		}
	}
	if (h->pool_in_use) {
		snprintf(msg, len, "%llu shadow pages not freed",
			 (unsigned long long)h->pool_in_use);
		return -1;
	}
	return 0;
}

int h_relinquish_all(struct harness *h, char *msg, size_t len)
{
	unsigned int i;

	for (i = 0; i < h->nr_doms; i++)
		spt_domain_relinquish(&h->dom[i].d);
	for (i = 0; i < h->nr_doms; i++) {
		if (h->dom[i].d.stats.shadow_pages) {
			snprintf(msg, len, "domain %u still counts %llu "
				 "shadow pages", h->dom[i].d.id,
				 (unsigned long long)
				 h->dom[i].d.stats.shadow_pages);
			return -1;
		}
	}
	if (all_released(h, msg, len))
		return -1;
	return h_check(h, msg, len);
}

/* ---- snapshots ------------------------------------------------------------ */

struct h_snap {
	uint8_t *mem;
	struct spt_frame *frames;
	uint8_t *pool_used;
	uint64_t vcpu_base[H_MAX_DOMS][H_VCPUS][2];
};

struct h_snap *h_snap_take(struct harness *h)
{
	struct h_snap *s = calloc(1, sizeof(*s));
	unsigned int i, j;

	s->mem = malloc(h->nr_frames * PAGE_SIZE);
	s->frames = malloc(h->nr_frames * sizeof(*s->frames));
	s->pool_used = malloc(h->pool_frames);
	memcpy(s->mem, h->mem, h->nr_frames * PAGE_SIZE);
	memcpy(s->frames, h->frames, h->nr_frames * sizeof(*s->frames));
	memcpy(s->pool_used, h->pool_used, h->pool_frames);
	for (i = 0; i < h->nr_doms; i++) {
		for (j = 0; j < H_VCPUS; j++) {
			s->vcpu_base[i][j][0] = h->dom[i].vcpu[j].base_mfn;
			s->vcpu_base[i][j][1] = h->dom[i].vcpu[j].user_base_mfn;
		}
	}
	return s;
}

void h_snap_free(struct h_snap *s)
{
	if (!s)
		return;
	free(s->mem);
	free(s->frames);
	free(s->pool_used);
	free(s);
}

/* What a frame's bookkeeping means, ignoring the stale-TLB hint and the
 * type left behind in a frame whose type count is zero. */
static bool frame_same(const struct spt_frame *a, const struct spt_frame *b)
{
	bool live = a->type_count != 0;

	return a->owner == b->owner && a->pfn == b->pfn &&
	       a->count == b->count && a->type_count == b->type_count &&
	       (!live || a->type == b->type) &&
	       (!live || a->shadow == b->shadow) &&
	       (a->flags & SPT_FRAME_PINNED) == (b->flags & SPT_FRAME_PINNED);
}

static bool memory_matters(const struct harness *h, const struct h_snap *s,
			   uint64_t mfn)
{
	return mfn >= h->pool_frames ||
	       (s->pool_used[mfn] && h->pool_used[mfn]);
}

int h_snap_diff(struct harness *h, const struct h_snap *s, char *msg,
		size_t len)
{
	uint64_t mfn;
	unsigned int i, j;

	for (mfn = 0; mfn < h->nr_frames; mfn++) {
		if (!frame_same(&s->frames[mfn], &h->frames[mfn])) {
			snprintf(msg, len, "frame %llu bookkeeping changed",
				 (unsigned long long)mfn);
			return -1;
		}
		if (memory_matters(h, s, mfn) &&
		    memcmp(s->mem + mfn * PAGE_SIZE, h->mem + mfn * PAGE_SIZE,
			   PAGE_SIZE)) {
			snprintf(msg, len, "frame %llu contents changed",
				 (unsigned long long)mfn);
			return -1;
		}
	}
	for (i = 0; i < h->nr_doms; i++) {
		for (j = 0; j < H_VCPUS; j++) {
			if (s->vcpu_base[i][j][0] != h->dom[i].vcpu[j].base_mfn ||
			    s->vcpu_base[i][j][1] !=
			    h->dom[i].vcpu[j].user_base_mfn) {
				snprintf(msg, len, "vcpu %u.%u base changed",
					 i, j);
				return -1;
			}
		}
	}
	return 0;
}
