/* mmu/'s classic shadow engine as the benchmark's back end: what the same
 * guest costs when its tables hold guest-physical frames and the
 * processor runs on full shadow tables.
 *
 * The guest writes all its tables directly; a write to a page the engine
 * tracks (write-protected in the shadow) traps and is applied with
 * shadow_pt_write(). A MOV to CR3 (switch, or TLB flush by reload) is an
 * intercept. A memory access is checked against the shadow with
 * shadow_translate(); a miss is a hidden page fault, resolved by
 * shadow_page_fault(). Each trap, intercept and hidden fault counts as one
 * intervention. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/shadow.h"
#include "tests/bench/shared-pt/backends.h"
#include "tests/unit/shared-pt/harness.h"

struct shadow_ctx {
	struct backend be;
	struct harness h;		/* memory and the guest's extents */
	struct h_dom *g;
	struct mmu_ops ops;
	uint64_t *free_frames;		/* the pool, as a stack */
	uint64_t nr_free;
	struct shadow_domain *sd;
	struct shadow_vcpu *v;
	uint64_t cr3;
	uint64_t traps, intercepts, hidden_faults;
};

static void fail(const char *what, int rc)
{
	fprintf(stderr, "bench shadow: %s: %d\n", what, rc);
	exit(2);
}

/* ---- struct mmu_ops over the harness machine --------------------------- */

static int o_alloc(void *ctx, uint64_t *maddr)
{
	struct shadow_ctx *c = ctx;
	uint64_t mfn;

	if (!c->nr_free)
		return -ENOMEM;
	mfn = c->free_frames[--c->nr_free];
	memset(h_frame(&c->h, mfn), 0, PAGE_SIZE);
	*maddr = mfn << PAGE_SHIFT;
	return 0;
}

static void o_free(void *ctx, uint64_t maddr)
{
	struct shadow_ctx *c = ctx;

	c->free_frames[c->nr_free++] = maddr >> PAGE_SHIFT;
}

static void *o_map(void *ctx, uint64_t maddr)
{
	struct shadow_ctx *c = ctx;

	if ((maddr >> PAGE_SHIFT) >= c->h.nr_frames)
		return NULL;
	return c->h.mem + (maddr & ~(PAGE_SIZE - 1));
}

static int o_p2m(void *ctx, uint64_t gfn, struct mmu_p2m *out)
{
	struct shadow_ctx *c = ctx;
	uint64_t mfn = spt_p2m(&c->g->d, gfn);

	if (mfn == SPT_INVALID_MFN)
		return -ENOENT;
	*out = (struct mmu_p2m){ .mfn = mfn, .order = 9, .writable = true };
	return 0;
}

/* ---- the back end ------------------------------------------------------- */

static pte_t c_leaf(void *ctx, uint64_t pfn, pte_t flags)
{
	(void)ctx;
	return (pfn << PAGE_SHIFT) | flags;
}

static pte_t c_dir(void *ctx, uint64_t pfn, pte_t flags)
{
	return c_leaf(ctx, pfn, flags);
}

static pte_t *guest_entry(struct shadow_ctx *c, uint64_t pfn,
			  unsigned int index)
{
	return &h_frame(&c->h, spt_p2m(&c->g->d, pfn))[index];
}

static void c_write(void *ctx, uint64_t table_pfn, unsigned int index,
		    pte_t val)
{
	struct shadow_ctx *c = ctx;
	int rc;

	if (!shadow_gfn_is_tracked(c->sd, table_pfn)) {
		*guest_entry(c, table_pfn, index) = val;
		return;
	}
	c->traps++;
	rc = shadow_pt_write(c->sd, (table_pfn << PAGE_SHIFT) + index * 8,
			     val, 8);
	if (rc)
		fail("shadow_pt_write", rc);
}

static pte_t c_read(void *ctx, uint64_t table_pfn, unsigned int index)
{
	return *guest_entry(ctx, table_pfn, index);
}

static void load_cr3(struct shadow_ctx *c, uint64_t cr3)
{
	uint64_t hw;
	int rc = shadow_write_cr3(c->v, cr3, &hw);

	if (rc)
		fail("shadow_write_cr3", rc);
	c->cr3 = cr3;
	c->intercepts++;
}

/* A guest TLB flush is a CR3 reload. */
static void c_flush(void *ctx)
{
	struct shadow_ctx *c = ctx;

	load_cr3(c, c->cr3);
}

static void c_activate(void *ctx, uint64_t l4_pfn)
{
	load_cr3(ctx, l4_pfn << PAGE_SHIFT);
}

static uint64_t c_touch(void *ctx, uint64_t va)
{
	struct shadow_ctx *c = ctx;
	unsigned int acc = (va >> 63) ? 0 : MMU_ACC_USER;
	struct shadow_fault f;
	uint64_t maddr;
	int tries, rc;

	for (tries = 0; tries < 8; tries++) {
		if (shadow_translate(c->v, va, acc, &maddr) == MMU_WALK_OK)
			return maddr;
		c->hidden_faults++;
		rc = shadow_page_fault(c->v, va, acc, &f);
		if (rc || f.action != SHADOW_FIXED)
			fail("hidden fault not resolved", rc ? rc :
			     -(int)f.action);
	}
	fail("translation never settles", 0);
	return 0;
}

static uint64_t c_interventions(void *ctx)
{
	struct shadow_ctx *c = ctx;

	return c->traps + c->intercepts + c->hidden_faults;
}

static uint64_t c_pages_touched(void *ctx)
{
	(void)ctx;
	return 0;	/* not measured for this scheme */
}

/* Shadow tables plus the engine's bookkeeping pages (φ, ω, hashes). */
static uint64_t c_pt_bytes(void *ctx)
{
	struct shadow_ctx *c = ctx;
	struct shadow_counters k;

	shadow_get_counters(c->sd, &k);
	return (k.shadow_pages + k.meta_pages) * PAGE_SIZE;
}

struct backend *shadow_backend_create(unsigned int roots)
{
	struct shadow_ctx *c = calloc(1, sizeof(*c));
	struct shadow_config cfg = { .roots = roots, .hv_slot = SPT_HV_L4_FIRST,
				     .hv_entry = (0x7000ULL << PAGE_SHIFT) | PTE_P };
	struct mmu_mode mode = { .cr0 = MMU_CR0_WP, .efer = MMU_EFER_NXE,
				 .maxphyaddr = H_PHYS_BITS };
	uint64_t i;
	int err;

	if (!c || h_init(&c->h, BENCH_FRAMES, BENCH_POOL))
		return NULL;
	c->g = h_new_domain(&c->h, 1, BENCH_EXTENTS);
	c->free_frames = calloc(BENCH_POOL, sizeof(uint64_t));
	if (!c->g || !c->free_frames)
		return NULL;
	for (i = BENCH_POOL; i > 1; i--)	/* frame 0 means "none" */
		c->free_frames[c->nr_free++] = i - 1;
	c->ops = (struct mmu_ops){ .ctx = c, .alloc_page = o_alloc,
				   .free_page = o_free, .map = o_map,
				   .p2m = o_p2m };
	c->sd = shadow_domain_create(&c->ops, &cfg, &err);
	if (!c->sd)
		fail("shadow_domain_create", err);
	c->v = shadow_vcpu_create(c->sd);
	if (!c->v || shadow_set_mode(c->v, &mode))
		fail("shadow_vcpu_create", 0);
	c->be = (struct backend){
		.name = "shadow", .ctx = c, .leaf = c_leaf, .dir = c_dir,
		.write = c_write,
		.read = c_read, .readonly_tables = false, .flush = c_flush,
		.activate = c_activate, .touch = c_touch,
		.interventions = c_interventions,
		.pages_touched = c_pages_touched, .pt_bytes = c_pt_bytes,
	};
	return &c->be;
}

/* Also proves the engine's own audit holds after the run. */
void shadow_backend_destroy(struct backend *be)
{
	struct shadow_ctx *c = be->ctx;
	const char *why = NULL;

	if (shadow_audit(c->sd, &why)) {
		fprintf(stderr, "bench shadow: audit: %s\n", why);
		exit(2);
	}
	shadow_vcpu_destroy(c->v);
	shadow_domain_destroy(c->sd);
	free(c->free_frames);
	h_fini(&c->h);
	free(c);
}
