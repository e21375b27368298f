/* shared-pt as the benchmark's back end: what a PV guest does on Umbra.
 *
 * Leaves hold machine frames; the guest writes tables that are not live
 * directly (through its direct map), and changes live ones with batched
 * mmu_update (BENCH_BATCH entries per hypercall, as Linux's lazy MMU mode
 * does); a TLB flush or a base-pointer switch rides in the same multicall
 * as the pending batch. Every multicall counts as one intervention. The
 * MMU itself is played by a software walk of the shadow root. */
#include <stdio.h>
#include <stdlib.h>

#include "shared-pt/internal.h"
#include "tests/bench/shared-pt/backends.h"
#include "tests/unit/shared-pt/harness.h"

struct shared_ctx {
	struct backend be;
	struct harness h;
	struct h_dom *g;
	struct mmu_update batch[BENCH_BATCH];
	unsigned int nr_batch;
	uint64_t multicalls;
	uint64_t pinned[WL_MAX_SPACES];
	unsigned int nr_pinned;
};

static void fail(struct shared_ctx *c, const char *what, int rc)
{
	fprintf(stderr, "bench shared-pt: %s: %d (%s)\n", what, rc,
		spt_reason_name(c->g->d.last_refusal.reason));
	exit(2);
}

static uint64_t mfn_of(struct shared_ctx *c, uint64_t pfn)
{
	return spt_p2m(&c->g->d, pfn);
}

/* Pending entry updates go out now; the caller accounts the call. */
static void send_batch(struct shared_ctx *c)
{
	struct spt_flush f = { 0 };
	int rc;

	if (!c->nr_batch)
		return;
	rc = spt_mmu_update(&c->g->d, c->batch, c->nr_batch, NULL, NULL, &f);
	if (rc)
		fail(c, "mmu_update", rc);
	c->nr_batch = 0;
}

static pte_t s_leaf(void *ctx, uint64_t pfn, pte_t flags)
{
	return h_leaf(mfn_of(ctx, pfn), flags);
}

static pte_t s_dir(void *ctx, uint64_t pfn, pte_t flags)
{
	struct shared_ctx *c = ctx;

	return h_dir(c->g, pfn, flags);
}

static void s_write(void *ctx, uint64_t table_pfn, unsigned int index,
		    pte_t val)
{
	struct shared_ctx *c = ctx;
	uint64_t mfn = mfn_of(c, table_pfn);
	const struct spt_frame *f = h_info(&c->h, mfn);

	if (!f->type_count || !spt_type_is_pt(f->type)) {
		h_frame(&c->h, mfn)[index] = val;
		return;
	}
	c->batch[c->nr_batch++] = (struct mmu_update){
		h_maddr(mfn, index), val };
	if (c->nr_batch == BENCH_BATCH) {
		send_batch(c);
		c->multicalls++;
	}
}

static pte_t s_read(void *ctx, uint64_t table_pfn, unsigned int index)
{
	struct shared_ctx *c = ctx;

	return h_frame(&c->h, mfn_of(c, table_pfn))[index];
}

static void s_flush(void *ctx)
{
	struct shared_ctx *c = ctx;
	struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
	struct spt_flush f = { 0 };

	send_batch(c);
	if (spt_mmuext_op(&c->g->vcpu[0], &op, 1, NULL, NULL, &f))
		fail(c, "flush", -1);
	c->multicalls++;
}

static bool pinned(struct shared_ctx *c, uint64_t mfn)
{
	unsigned int i;

	for (i = 0; i < c->nr_pinned; i++)
		if (c->pinned[i] == mfn)
			return true;
	return false;
}

/* Linux pins a new address space's root on its first use. */
static void s_activate(void *ctx, uint64_t l4_pfn)
{
	struct shared_ctx *c = ctx;
	uint64_t mfn = mfn_of(c, l4_pfn);
	struct mmuext_op op[2] = {
		{ .cmd = MMUEXT_PIN_L4_TABLE, .arg1.mfn = mfn },
		{ .cmd = MMUEXT_NEW_BASEPTR, .arg1.mfn = mfn },
	};
	struct spt_flush f = { 0 };
	bool pin = !pinned(c, mfn);
	int rc;

	send_batch(c);
	rc = spt_mmuext_op(&c->g->vcpu[0], pin ? op : op + 1, pin ? 2 : 1,
			   NULL, NULL, &f);
	if (rc)
		fail(c, "activate", rc);
	if (pin)
		c->pinned[c->nr_pinned++] = mfn;
	c->multicalls++;
}

/* The MMU's walk of the shadow root: L4..L2 are shadow pages, the L1 is
 * the guest's own. */
static uint64_t s_touch(void *ctx, uint64_t va)
{
	struct shared_ctx *c = ctx;
	uint64_t table = spt_vcpu_root(&c->g->vcpu[0], false);
	pte_t e = 0;
	int level;

	for (level = 4; level >= 1; level--) {
		e = h_frame(&c->h, table)[pt_index(va, level)];
		if (!(e & PTE_P)) {
			fprintf(stderr, "bench shared-pt: %#llx not mapped\n",
				(unsigned long long)va);
			exit(2);
		}
		if (level == 2 && (e & PTE_PS))
			return (e & PTE_ADDR_2M_MASK) |
			       (va & (PAGE_SIZE_2M - 1));
		table = pte_addr(e) >> PAGE_SHIFT;
	}
	return pte_addr(e) | (va & (PAGE_SIZE - 1));
}

static uint64_t s_interventions(void *ctx)
{
	struct shared_ctx *c = ctx;

	return c->multicalls + c->g->d.stats.pt_write_traps;
}

static uint64_t s_pages_touched(void *ctx)
{
	struct shared_ctx *c = ctx;

	return c->g->d.stats.pages_mapped;
}

static uint64_t s_pt_bytes(void *ctx)
{
	struct shared_ctx *c = ctx;

	return c->g->d.stats.shadow_pages * PAGE_SIZE;
}

struct backend *shared_backend_create(enum spt_dir_mode mode)
{
	struct shared_ctx *c = calloc(1, sizeof(*c));

	if (!c || h_init(&c->h, BENCH_FRAMES, BENCH_POOL))
		return NULL;
	c->h.dir_mode = mode;
	c->g = h_new_domain(&c->h, 1, BENCH_EXTENTS);
	if (!c->g)
		return NULL;
	c->be = (struct backend){
		.name = "shared-pt", .ctx = c, .leaf = s_leaf, .dir = s_dir,
		.write = s_write, .read = s_read, .readonly_tables = true,
		.flush = s_flush, .activate = s_activate, .touch = s_touch,
		.interventions = s_interventions,
		.pages_touched = s_pages_touched, .pt_bytes = s_pt_bytes,
	};
	return &c->be;
}

/* Also proves the run left a consistent machine that tears down clean. */
void shared_backend_destroy(struct backend *be)
{
	struct shared_ctx *c = be->ctx;
	char msg[256];

	if (h_check(&c->h, msg, sizeof(msg)) ||
	    h_relinquish_all(&c->h, msg, sizeof(msg))) {
		fprintf(stderr, "bench shared-pt: %s\n", msg);
		exit(2);
	}
	h_fini(&c->h);
	free(c);
}
