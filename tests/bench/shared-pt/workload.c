/* The guest kernel of the benchmark; see workload.h.
 *
 * Layout: the kernel half (L4 slot 272) is one L3 -> one L2 -> four L1s
 * mapping 8 MiB of kernel data plus two L1s mapping the page-table pool
 * (the direct map through which the guest writes tables it is building).
 * A process maps 64 MiB of user memory at 1 GiB with 4 KiB pages: one L4,
 * one L3, one L2, 32 L1s. Forks copy the tables, write-protecting parent
 * and child (copy-on-write). */
#include "tests/bench/shared-pt/workload.h"

#include <stdio.h>
#include <string.h>

#define USER_L1S	(WL_USER_PAGES / PT_ENTRIES)
#define UDIR		(PTE_P | PTE_W | PTE_U)
#define URW		(PTE_P | PTE_W | PTE_U)
#define KDIR		(PTE_P | PTE_W)
#define KRW		(PTE_P | PTE_W)
#define KRO		PTE_P
#define FIRST_KDATA	WL_POOL_PAGES
#define FIRST_USER	(WL_POOL_PAGES + WL_KDATA_PAGES)

struct space {
	uint64_t l4, l3, l2, l1[USER_L1S];
};

struct wl {
	const struct backend *be;
	const struct workload_config *cfg;
	struct workload_result *r;
	uint64_t k_l3, k_l2, kdata_l1[4], dmap_l1[2];
	uint8_t pool_used[WL_POOL_PAGES];
	struct space sp[WL_MAX_SPACES];
	bool failed;
};

static void sample(struct wl *w)
{
	uint64_t b = w->be->pt_bytes(w->be->ctx);

	if (b > w->r->pt_bytes_peak)
		w->r->pt_bytes_peak = b;
}

static void set(struct wl *w, uint64_t table, unsigned int index, pte_t val)
{
	w->be->write(w->be->ctx, table, index, val);
	w->r->ops++;
}

static pte_t get(struct wl *w, uint64_t table, unsigned int index)
{
	return w->be->read(w->be->ctx, table, index);
}

static void flush(struct wl *w)
{
	w->be->flush(w->be->ctx);
	w->r->ops++;
}

static void activate(struct wl *w, const struct space *s)
{
	w->be->activate(w->be->ctx, s->l4);
	w->r->ops++;
}

static void touch(struct wl *w, uint64_t va)
{
	uint64_t maddr = w->be->touch(w->be->ctx, va);
	uint64_t x = va ^ (maddr << 1);

	/* FNV-1a over the pair: the same only if every access lands on
	 * the same machine byte under both schemes. */
	w->r->translation_sum = (w->r->translation_sum ^ x) *
				0x100000001b3ULL;
	w->r->ops++;
}

/* The kernel's direct map shows a pool page read-only while it is a
 * table (only where the back end enforces that rule). */
static void dmap_protect(struct wl *w, uint64_t pfn, bool table)
{
	if (!w->be->readonly_tables)
		return;
	w->be->write(w->be->ctx, w->dmap_l1[pfn / PT_ENTRIES],
		     pfn % PT_ENTRIES, w->be->leaf(w->be->ctx, pfn,
						   table ? KRO : KRW));
}

static uint64_t table_alloc(struct wl *w)
{
	uint64_t pfn;
	unsigned int i;

	for (pfn = 0; pfn < WL_POOL_PAGES; pfn++)
		if (!w->pool_used[pfn])
			break;
	if (pfn == WL_POOL_PAGES) {
		w->failed = true;
		return 0;
	}
	w->pool_used[pfn] = 1;
	for (i = 0; i < PT_ENTRIES; i++)
		if (get(w, pfn, i))
			w->failed = true;	/* freed tables come back empty */
	return pfn;
}

static void table_free(struct wl *w, uint64_t pfn)
{
	dmap_protect(w, pfn, false);
	w->pool_used[pfn] = 0;
}

static void boot_kernel(struct wl *w)
{
	const struct backend *be = w->be;
	unsigned int i, j;

	w->k_l3 = table_alloc(w);
	w->k_l2 = table_alloc(w);
	for (j = 0; j < 4; j++)
		w->kdata_l1[j] = table_alloc(w);
	for (j = 0; j < 2; j++)
		w->dmap_l1[j] = table_alloc(w);
	for (j = 0; j < 4; j++)
		for (i = 0; i < PT_ENTRIES; i++)
			set(w, w->kdata_l1[j], i,
			    be->leaf(be->ctx, FIRST_KDATA + j * PT_ENTRIES + i,
				     KRW));
	for (i = 0; i < WL_POOL_PAGES; i++)
		set(w, w->dmap_l1[i / PT_ENTRIES], i % PT_ENTRIES,
		    be->leaf(be->ctx, i, (w->pool_used[i] &&
					  be->readonly_tables) ? KRO : KRW));
	for (j = 0; j < 4; j++)
		set(w, w->k_l2, j, be->dir(be->ctx, w->kdata_l1[j], KDIR));
	for (j = 0; j < 2; j++)
		set(w, w->k_l2, 4 + j, be->dir(be->ctx, w->dmap_l1[j], KDIR));
	set(w, w->k_l3, 0, be->dir(be->ctx, w->k_l2, KDIR));
}

static void space_alloc(struct wl *w, struct space *s)
{
	unsigned int j;

	s->l4 = table_alloc(w);
	s->l3 = table_alloc(w);
	s->l2 = table_alloc(w);
	for (j = 0; j < USER_L1S; j++)
		s->l1[j] = table_alloc(w);
}

/* Directories of a fresh space, and its pages read-only in the direct
 * map before it goes live. */
static void space_link(struct wl *w, struct space *s)
{
	const struct backend *be = w->be;
	unsigned int j;

	for (j = 0; j < USER_L1S; j++)
		set(w, s->l2, j, be->dir(be->ctx, s->l1[j], UDIR));
	set(w, s->l3, pt_index(WL_USER_VA, 3), be->dir(be->ctx, s->l2, UDIR));
	set(w, s->l4, pt_index(WL_USER_VA, 4), be->dir(be->ctx, s->l3, UDIR));
	set(w, s->l4, pt_index(WL_KERNEL_VA, 4),
	    be->dir(be->ctx, w->k_l3, KDIR));
	dmap_protect(w, s->l4, true);
	dmap_protect(w, s->l3, true);
	dmap_protect(w, s->l2, true);
	for (j = 0; j < USER_L1S; j++)
		dmap_protect(w, s->l1[j], true);
}

static void touch_all(struct wl *w, unsigned int user_pages, bool kernel)
{
	unsigned int i;

	for (i = 0; i < user_pages; i++)
		touch(w, WL_USER_VA + (uint64_t)i * PAGE_SIZE + (i % 64) * 8);
	for (i = 0; kernel && i < WL_KDATA_PAGES; i++)
		touch(w, WL_KERNEL_VA + (uint64_t)i * PAGE_SIZE);
}

static void create_parent(struct wl *w)
{
	const struct backend *be = w->be;
	struct space *s = &w->sp[0];
	unsigned int i;

	space_alloc(w, s);
	for (i = 0; i < WL_USER_PAGES; i++)
		set(w, s->l1[i / PT_ENTRIES], i % PT_ENTRIES,
		    be->leaf(be->ctx, FIRST_USER + i, URW));
	space_link(w, s);
	activate(w, s);
	touch_all(w, WL_USER_PAGES, true);
}

/* Copy-on-write fork: the child gets read-only copies; writable parent
 * entries become read-only too. */
static void fork_space(struct wl *w, const struct space *p, struct space *c)
{
	unsigned int i, t, x;
	pte_t e;

	space_alloc(w, c);
	for (i = 0; i < WL_USER_PAGES; i++) {
		t = i / PT_ENTRIES;
		x = i % PT_ENTRIES;
		e = get(w, p->l1[t], x);
		if (!(e & PTE_P))
			continue;
		set(w, c->l1[t], x, e & ~(pte_t)(PTE_W | PTE_A | PTE_D));
		if (e & PTE_W)
			set(w, p->l1[t], x, e & ~(pte_t)PTE_W);
	}
	flush(w);
	space_link(w, c);
	activate(w, c);
	touch_all(w, WL_USER_PAGES, true);
}

static void switch_rounds(struct wl *w)
{
	const struct backend *be = w->be;
	unsigned int round, s, i;
	uint64_t before;

	for (round = 0; round < w->cfg->switch_rounds; round++) {
		for (s = 0; s < w->cfg->spaces; s++) {
			before = be->pages_touched(be->ctx);
			activate(w, &w->sp[s]);
			w->r->switch_pages += be->pages_touched(be->ctx) -
					      before;
			w->r->switches++;
			for (i = 0; i < 16; i++)
				touch(w, WL_USER_VA + i * 768 * PAGE_SIZE);
		}
	}
}

/* mprotect(PROT_NONE) over 8 MiB and back to read-only. */
static void mprotect_space(struct wl *w, struct space *s)
{
	unsigned int i, pass;
	pte_t e;

	activate(w, s);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < 2048; i++) {
			e = get(w, s->l1[i / PT_ENTRIES], i % PT_ENTRIES);
			e = pass ? (e | PTE_P) : (e & ~(pte_t)PTE_P);
			set(w, s->l1[i / PT_ENTRIES], i % PT_ENTRIES, e);
		}
		flush(w);
	}
	touch_all(w, 2048, false);
}

/* munmap of the top 16 MiB: entries cleared, the emptied L1s unlinked
 * and given back to the pool. */
static void munmap_space(struct wl *w, struct space *s)
{
	unsigned int i, j;

	activate(w, s);
	for (j = USER_L1S - 8; j < USER_L1S; j++)
		for (i = 0; i < PT_ENTRIES; i++)
			set(w, s->l1[j], i, 0);
	for (j = USER_L1S - 8; j < USER_L1S; j++)
		set(w, s->l2, j, 0);
	for (j = USER_L1S - 8; j < USER_L1S; j++)
		table_free(w, s->l1[j]);
	flush(w);
	touch_all(w, WL_USER_PAGES - 8 * PT_ENTRIES, false);
}

int workload_run(const struct backend *be, const struct workload_config *cfg,
		 struct workload_result *r)
{
	static struct wl w;
	unsigned int s;

	if (cfg->spaces < 1 || cfg->spaces > WL_MAX_SPACES)
		return -1;
	memset(&w, 0, sizeof(w));
	memset(r, 0, sizeof(*r));
	w.be = be;
	w.cfg = cfg;
	w.r = r;
	r->translation_sum = 0xcbf29ce484222325ULL;
	boot_kernel(&w);
	create_parent(&w);
	sample(&w);
	for (s = 1; s < cfg->spaces; s++) {
		fork_space(&w, &w.sp[0], &w.sp[s]);
		sample(&w);
	}
	switch_rounds(&w);
	sample(&w);
	for (s = 0; s < cfg->spaces; s++)
		mprotect_space(&w, &w.sp[s]);
	sample(&w);
	for (s = 0; s < cfg->spaces; s++)
		munmap_space(&w, &w.sp[s]);
	sample(&w);
	switch_rounds(&w);
	sample(&w);
	r->interventions = be->interventions(be->ctx);
	return w.failed ? -1 : 0;
}
