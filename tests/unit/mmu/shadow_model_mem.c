/* Memory, p2m and randomness of the shadow-engine model. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/mmu/shadow_model_priv.h"

int mm_p2m(struct model *m, uint64_t gfn, struct mmu_p2m *out)
{
	uint64_t off = gfn & 511;

	if (gfn < MM_LOW_FRAMES) {
		*out = (struct mmu_p2m){ .mfn = MM_REAL_BASE + m->low_shift + gfn,
					 .order = m->low_shift ? 0 : 9, .writable = true };
		return 0;
	}
	switch (m->region[(gfn >> 9) % MM_REGIONS]) {
	case RM_ALIGNED:
		*out = (struct mmu_p2m){ .mfn = MM_SYN_BASE + gfn, .order = 9, .writable = true };
		return 0;
	case RM_READONLY:
		*out = (struct mmu_p2m){ .mfn = MM_SYN_BASE + gfn, .order = 9 };
		return 0;
	case RM_SHIFTED:
		*out = (struct mmu_p2m){ .mfn = MM_SYN_BASE + gfn + 1, .writable = true };
		return 0;
	case RM_SCRAMBLED:
		*out = (struct mmu_p2m){ .mfn = MM_SYN_BASE + (gfn - off) + (off * 37) % 512,
					 .writable = true };
		return 0;
	default:
		return -ENOENT;
	}
}

uint64_t *mm_guest_frame(struct model *m, uint64_t gfn)
{
	return (uint64_t *)(m->hm->mem + ((MM_REAL_BASE + m->low_shift + gfn) << 12));
}

uint64_t *mm_model_table(void *ctx, uint64_t addr)
{
	struct model *m = ctx;
	uint64_t gfn = addr >> 12;

	return gfn < MM_LOW_FRAMES ? m->mmem[gfn] : NULL;
}

static int op_alloc(void *ctx, uint64_t *maddr)
{
	struct model *m = ctx;

	return m->hm->ops.alloc_page(m->hm, maddr);
}

static void op_free(void *ctx, uint64_t maddr)
{
	struct model *m = ctx;

	m->hm->ops.free_page(m->hm, maddr);
}

static void *op_map(void *ctx, uint64_t maddr)
{
	struct model *m = ctx;

	return m->hm->ops.map(m->hm, maddr);
}

static int op_p2m(void *ctx, uint64_t gfn, struct mmu_p2m *out)
{
	return mm_p2m(ctx, gfn, out);
}

int mm_init(struct model *m)
{
	m->hm = hm_create(MM_FRAMES, MM_SHADOW_FIRST, 0);
	m->mmem = calloc(MM_LOW_FRAMES, sizeof(*m->mmem));
	if (!m->mmem)
		return -ENOMEM;
	memset(m->hm->mem, 0, MM_SHADOW_FIRST * 4096);
	m->ops = (struct mmu_ops){ .ctx = m, .alloc_page = op_alloc, .free_page = op_free,
				   .map = op_map, .p2m = op_p2m };
	return 0;
}

void mm_fini(struct model *m)
{
	hm_destroy(m->hm);
	free(m->mmem);
}

/* Only pool frames are ever written (guest stores go to page tables). */
void mm_reset(struct model *m)
{
	uint64_t g;

	for (g = MM_POOL_FIRST; g < MM_POOL_FIRST + MM_POOL_FRAMES; g++) {
		memset(m->mmem[g], 0, 4096);
		memset(mm_guest_frame(m, g), 0, 4096);
	}
	m->next_pool = MM_POOL_FIRST;
}

uint64_t mm_rand(struct model *m, uint64_t bound)
{
	uint64_t v = 0;

	if (bound <= 1)
		return 0;
	if (m->data) {
		int n = bound <= 256 ? 1 : bound <= 65536 ? 2 : 4, i;

		if (m->pos + (size_t)n > m->len) {
			m->exhausted = true;
			return 0;
		}
		for (i = 0; i < n; i++)
			v = v << 8 | m->data[m->pos++];
		return v % bound;
	}
	v = (m->rng += 0x9e3779b97f4a7c15ULL);
	v = (v ^ (v >> 30)) * 0xbf58476d1ce4e5b9ULL;
	v = (v ^ (v >> 27)) * 0x94d049bb133111ebULL;
	return (v ^ (v >> 31)) % bound;
}

bool mm_chance(struct model *m, unsigned int pct)
{
	return mm_rand(m, 100) < pct;
}

int mm_fail(struct model *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(m->err, sizeof(m->err), "seed %#llx step %d (%s): ",
		     (unsigned long long)m->seed, m->step, m->op ? m->op : "setup");
	va_start(ap, fmt);
	vsnprintf(m->err + n, sizeof(m->err) - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}
