/* Host-side struct mmu_ops over plain memory; see host_machine.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/mmu/host_machine.h"

#define HM_PAGE 4096ULL
#define HM_POISON 0xa5

static int hm_op_alloc(void *ctx, uint64_t *maddr)
{
	struct host_machine *hm = ctx;
	uint64_t mfn;

	if (hm->fail_at && hm->allocs + 1 >= hm->fail_at) {
		if (hm->fail_forever || hm->allocs + 1 == hm->fail_at) {
			if (!hm->fail_forever)
				hm->fail_at = 0;
			return -ENOMEM;
		}
	}
	if (!hm->nfree)
		return -ENOMEM;
	mfn = hm->free_stack[--hm->nfree];
	hm->allocated[mfn] = 1;
	memset(hm->mem + mfn * HM_PAGE, 0, HM_PAGE);
	hm->in_use++;
	hm->allocs++;
	*maddr = mfn * HM_PAGE;
	return 0;
}

static void hm_op_free(void *ctx, uint64_t maddr)
{
	struct host_machine *hm = ctx;
	uint64_t mfn = maddr / HM_PAGE;

	if (maddr % HM_PAGE || mfn >= hm->nframes || !hm->allocated[mfn]) {
		fprintf(stderr, "host_machine: bad free of %#llx\n",
			(unsigned long long)maddr);
		abort();
	}
	hm->allocated[mfn] = 0;
	memset(hm->mem + maddr, HM_POISON, HM_PAGE);
	hm->free_stack[hm->nfree++] = mfn;
	hm->in_use--;
}

static void *hm_op_map(void *ctx, uint64_t maddr)
{
	struct host_machine *hm = ctx;
	uint64_t mfn = maddr / HM_PAGE;

	if (mfn >= hm->nframes || mfn >= hm->map_limit)
		return NULL;
	return hm->mem + (maddr & ~(HM_PAGE - 1));
}

static int hm_op_p2m(void *ctx, uint64_t gfn, struct mmu_p2m *out)
{
	struct host_machine *hm = ctx;

	if (gfn >= hm->p2m_frames || !hm->p2m[gfn].present)
		return -ENOENT;
	*out = hm->p2m[gfn].p;
	return 0;
}

static void hm_op_flush(void *ctx)
{
	struct host_machine *hm = ctx;

	hm->tlb_flushes++;
}

struct host_machine *hm_create(uint64_t nframes, uint64_t reserved, uint64_t p2m_frames)
{
	struct host_machine *hm = calloc(1, sizeof(*hm));
	uint64_t mfn;

	if (!hm)
		abort();
	if (reserved < 1)
		reserved = 1;
	hm->nframes = nframes;
	hm->map_limit = nframes;
	hm->first_alloc = reserved;
	hm->mem = aligned_alloc(HM_PAGE, nframes * HM_PAGE);
	hm->allocated = calloc(nframes, 1);
	hm->free_stack = calloc(nframes, sizeof(uint64_t));
	hm->p2m = calloc(p2m_frames ? p2m_frames : 1, sizeof(*hm->p2m));
	if (!hm->mem || !hm->allocated || !hm->free_stack || !hm->p2m)
		abort();
	memset(hm->mem, 0, reserved * HM_PAGE);
	hm->p2m_frames = p2m_frames;
	/* Hand out low frames first: easier to read in a debugger. */
	for (mfn = nframes; mfn-- > reserved;)
		hm->free_stack[hm->nfree++] = mfn;
	hm->ops = (struct mmu_ops){
		.ctx = hm,
		.alloc_page = hm_op_alloc,
		.free_page = hm_op_free,
		.map = hm_op_map,
		.p2m = hm_op_p2m,
		.flush_tlb = hm_op_flush,
	};
	return hm;
}

void hm_destroy(struct host_machine *hm)
{
	if (!hm)
		return;
	free(hm->mem);
	free(hm->allocated);
	free(hm->free_stack);
	free(hm->p2m);
	free(hm);
}

void hm_p2m_set(struct host_machine *hm, uint64_t gfn, uint64_t mfn,
		unsigned int order, bool writable)
{
	if (gfn >= hm->p2m_frames)
		abort();
	hm->p2m[gfn] = (struct hm_p2m_slot){
		.p = { .mfn = mfn, .order = order, .writable = writable },
		.present = true,
	};
}

void hm_p2m_clear(struct host_machine *hm, uint64_t gfn)
{
	if (gfn < hm->p2m_frames)
		hm->p2m[gfn].present = false;
}

uint64_t hm_alloc(struct host_machine *hm)
{
	uint64_t maddr;

	if (hm_op_alloc(hm, &maddr))
		abort();
	return maddr;
}
