/* Paging benchmarks for mmu/: ratios measured in one run, printed as
 * "key: value" lines (never a bare time). Each timed loop runs several
 * times and the fastest run counts, to keep other load on the machine
 * out of the ratios.
 *
 *   walk_4k_vs_4loads       mmu_walk() of a 4 KiB mapping / four dependent
 *                           loads through the same tables (random addresses
 *                           over 1 GiB mapped: tables do not fit in L2)
 *   walk_4k_vs_4loads_hot   the same for one address (everything cached)
 *   shadow_fill_vs_walk     a hidden-fault fill of a 4 KiB leaf / one walk
 *                           of the guest's tables through the p2m
 *   cr3_switch_cached_vs_rebuild  CR3 write that hits φ / CR3 write that
 *                           misses plus refilling a 4 MiB working set
 *   shadow_pages_per_gib_mapped   32 address spaces × 64 MiB of 4 KiB pages,
 *                           every page touched: shadow table pages per GiB
 *   meta_pages_per_gib_mapped     bookkeeping pages (descriptors, ω, rmap) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mmu/shadow.h"
#include "mmu/walk.h"
#include "tests/unit/mmu/host_machine.h"

#define REPEAT 5

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng = 0x12345678abcdefULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* ---- a guest: tables in real frames, data in made-up frames ---- */

#define TABLE_FRAMES	4096ULL			/* guest frames that hold tables */
#define SYN_MFN		(1ULL << 30)		/* machine frames of guest data */

struct bench_guest {
	struct host_machine *hm;	/* tables live in frames [1, TABLE_FRAMES] */
	struct mmu_ops ops;		/* hm's allocator and map; this p2m */
	uint64_t next_table;		/* next free table gfn */
	uint64_t next_data;		/* next free data gfn */
};

static int bg_p2m(void *ctx, uint64_t gfn, struct mmu_p2m *out)
{
	(void)ctx;
	if (gfn < TABLE_FRAMES)
		*out = (struct mmu_p2m){ .mfn = gfn + 1, .writable = true };
	else
		*out = (struct mmu_p2m){ .mfn = SYN_MFN + gfn, .order = 9, .writable = true };
	return 0;
}

static int bg_alloc(void *ctx, uint64_t *maddr)
{
	struct bench_guest *g = ctx;

	return g->hm->ops.alloc_page(g->hm, maddr);
}

static void bg_free(void *ctx, uint64_t maddr)
{
	struct bench_guest *g = ctx;

	g->hm->ops.free_page(g->hm, maddr);
}

static void *bg_map(void *ctx, uint64_t maddr)
{
	struct bench_guest *g = ctx;

	return g->hm->ops.map(g->hm, maddr);
}

static uint64_t *bg_table(struct bench_guest *g, uint64_t gpa)
{
	return (uint64_t *)(g->hm->mem + gpa + 4096);
}

static struct bench_guest *bg_create(uint64_t shadow_frames)
{
	struct bench_guest *g = calloc(1, sizeof(*g));

	g->hm = hm_create(TABLE_FRAMES + 1 + shadow_frames, TABLE_FRAMES + 1, 0);
	g->ops = (struct mmu_ops){ .ctx = g, .alloc_page = bg_alloc, .free_page = bg_free,
				   .map = bg_map, .p2m = bg_p2m };
	g->next_table = 1;
	g->next_data = TABLE_FRAMES;
	return g;
}

static void bg_destroy(struct bench_guest *g)
{
	hm_destroy(g->hm);
	free(g);
}

static uint64_t bg_new_table(struct bench_guest *g)
{
	if (g->next_table >= TABLE_FRAMES) {
		fprintf(stderr, "bench: out of guest table frames\n");
		exit(1);
	}
	memset(bg_table(g, g->next_table << 12), 0, 4096);
	return g->next_table++ << 12;
}

/* Map [va, va + len) with 4 KiB pages to fresh data frames. */
static void bg_map_range(struct bench_guest *g, uint64_t root, uint64_t va, uint64_t len)
{
	uint64_t a;

	for (a = va; a < va + len; a += 4096) {
		uint64_t table = root;
		int level;

		for (level = 4; level > 1; level--) {
			uint64_t *e = &bg_table(g, table)[pt_index(a, level)];

			if (!(*e & PTE_P))
				*e = bg_new_table(g) | PTE_P | PTE_W | PTE_U;
			table = pte_addr(*e);
		}
		bg_table(g, table)[pt_index(a, 1)] = (g->next_data++ << 12) | PTE_P | PTE_W | PTE_U;
	}
}

/* ---- walk vs four loads ---- */

static __attribute__((noinline)) uint64_t four_loads(uintptr_t base, uint64_t cr3, uint64_t va)
{
	uint64_t t = cr3;
	int level;

	for (level = 4; level >= 1; level--)
		t = *(const volatile uint64_t *)(base + t + 8 * pt_index(va, level)) &
		    PTE_ADDR_MASK;
	return t | (va & 0xfff);
}

#define NVAS (1 << 20)

struct walk_case {
	struct mmu_mode mode;
	struct mmu_tables t;
	uint64_t cr3;
	uint64_t *vas;
	uint64_t mask;		/* index mask into vas: NVAS - 1, or 0 for one address */
};

static double time_walks(const struct walk_case *c, uint64_t n)
{
	uint64_t i, chain = 0;
	struct mmu_walk w;
	double t0 = now();

	for (i = 0; i < n; i++) {
		uint64_t va = c->vas[(i + (chain >> 60)) & c->mask];

		mmu_walk(&c->mode, &c->t, c->cr3, va, MMU_ACC_USER, 0, &w);
		chain ^= w.addr;
	}
	if (chain == 1)
		printf("#");
	return now() - t0;
}

static double time_loads(const struct walk_case *c, uint64_t n)
{
	uint64_t i, chain = 0;
	double t0 = now();

	for (i = 0; i < n; i++)
		chain ^= four_loads(c->t.direct_base, c->cr3,
				    c->vas[(i + (chain >> 60)) & c->mask]);
	if (chain == 1)
		printf("#");
	return now() - t0;
}

static double best(double (*fn)(const struct walk_case *, uint64_t),
		   const struct walk_case *c, uint64_t n)
{
	double b = 1e9;
	int r;

	for (r = 0; r < REPEAT; r++) {
		double t = fn(c, n);

		if (t < b)
			b = t;
	}
	return b;
}

static void bench_walk(void)
{
	struct bench_guest *g = bg_create(16);
	uint64_t root = bg_new_table(g), span = 1ULL << 30, i;
	struct walk_case c = {
		.mode = { .cr0 = MMU_CR0_WP, .efer = MMU_EFER_NXE },
		.t = { .direct_base = (uintptr_t)g->hm->mem + 4096 },
		.cr3 = root,
		.vas = malloc(NVAS * sizeof(uint64_t)),
		.mask = NVAS - 1,
	};

	bg_map_range(g, root, 0, span);
	for (i = 0; i < NVAS; i++)
		c.vas[i] = (rnd() % span) & ~7ULL;
	printf("walk_4k_vs_4loads: %.2f\n",
	       best(time_walks, &c, 4 * NVAS) / best(time_loads, &c, 4 * NVAS));
	c.mask = 0;
	printf("walk_4k_vs_4loads_hot: %.2f\n",
	       best(time_walks, &c, 4 * NVAS) / best(time_loads, &c, 4 * NVAS));
	free(c.vas);
	bg_destroy(g);
}

/* ---- shadow: fill vs walk ---- */

static uint64_t *guest_table_via_p2m(void *ctx, uint64_t gpa)
{
	struct bench_guest *g = ctx;
	struct mmu_p2m p;

	if (g->ops.p2m(g, gpa >> 12, &p))
		return NULL;
	return g->ops.map(g, p.mfn << 12);
}

#define FILL_SPAN (16ULL << 20)

static void bench_fill(void)
{
	struct bench_guest *g = bg_create(8192);
	struct shadow_domain *d = shadow_domain_create(&g->ops, NULL, NULL);
	struct shadow_vcpu *v = shadow_vcpu_create(d);
	struct mmu_mode mode = { .cr0 = MMU_CR0_WP, .efer = MMU_EFER_NXE };
	struct mmu_tables t = { .map = guest_table_via_p2m, .ctx = g };
	uint64_t root = bg_new_table(g), hw, a, n = FILL_SPAN / 4096;
	double fill = 1e9, walk = 1e9;
	struct shadow_fault f;
	struct mmu_walk w;
	int r;

	bg_map_range(g, root, 0, FILL_SPAN);
	shadow_set_mode(v, &mode);
	shadow_write_cr3(v, root, &hw);
	for (a = 0; a < FILL_SPAN; a += 4096)		/* build the shadow tables */
		shadow_page_fault(v, a, MMU_ACC_USER, &f);
	for (r = 0; r < REPEAT; r++) {
		double t0;

		for (a = 0; a < FILL_SPAN; a += 4096)	/* drop the leaves only */
			shadow_invlpg(v, a);
		t0 = now();
		for (a = 0; a < FILL_SPAN; a += 4096)
			shadow_page_fault(v, a, MMU_ACC_USER, &f);
		if (now() - t0 < fill)
			fill = now() - t0;
		t0 = now();
		for (a = 0; a < FILL_SPAN; a += 4096)
			mmu_walk(&mode, &t, root, a, MMU_ACC_USER, MMU_WALK_SET_AD, &w);
		if (now() - t0 < walk)
			walk = now() - t0;
	}
	if (f.action != SHADOW_FIXED)
		fprintf(stderr, "bench: fill did not fix the fault\n");
	printf("shadow_fill_vs_walk: %.2f\n", (fill / (double)n) / (walk / (double)n));
	shadow_vcpu_destroy(v);
	shadow_domain_destroy(d);
	bg_destroy(g);
}

/* ---- shadow: CR3 switch to a cached root vs rebuilding one ---- */

#define WORKING_SET (4ULL << 20)

/* Write every page of [base, base + span) once: one hidden fault each. */
static void touch_at(struct shadow_vcpu *v, uint64_t base, uint64_t span)
{
	struct shadow_fault f;
	uint64_t a;

	for (a = 0; a < span; a += 4096)
		shadow_page_fault(v, base + a, MMU_ACC_USER | MMU_ACC_WRITE, &f);
}

static double switch_time(struct bench_guest *g, unsigned int roots, int nspaces, int rounds)
{
	struct shadow_config cfg = { .roots = roots, .hv_slot = -1 };
	struct shadow_domain *d = shadow_domain_create(&g->ops, &cfg, NULL);
	struct shadow_vcpu *v = shadow_vcpu_create(d);
	struct mmu_mode mode = { .cr0 = MMU_CR0_WP, .efer = MMU_EFER_NXE };
	uint64_t spaces[4], hw;
	double t0, t;
	int i;

	shadow_set_mode(v, &mode);
	for (i = 0; i < nspaces; i++) {
		spaces[i] = bg_new_table(g);
		bg_map_range(g, spaces[i], 0, WORKING_SET);
		shadow_write_cr3(v, spaces[i], &hw);
		touch_at(v, 0, WORKING_SET);
	}
	t0 = now();
	for (i = 0; i < rounds; i++) {
		shadow_write_cr3(v, spaces[i % nspaces], &hw);
		if (roots < (unsigned int)nspaces + 1)
			touch_at(v, 0, WORKING_SET);	/* the root was evicted: rebuild */
	}
	t = (now() - t0) / rounds;
	shadow_vcpu_destroy(v);
	shadow_domain_destroy(d);
	return t;
}

static void bench_cr3(void)
{
	double cached = 1e9, rebuild = 1e9;
	int r;

	for (r = 0; r < REPEAT; r++) {
		struct bench_guest *g = bg_create(8192);
		double c = switch_time(g, 16, 3, 1 << 16);
		double b = switch_time(g, 2, 3, 30);

		if (c < cached)
			cached = c;
		if (b < rebuild)
			rebuild = b;
		bg_destroy(g);
	}
	printf("cr3_switch_cached_vs_rebuild: %.6f\n", cached / rebuild);
}

/* ---- shadow memory for many address spaces ---- */

#define SPACES 32
#define SPACE_SIZE (64ULL << 20)
#define DENSITY_BASE 0x400000000000ULL

static void bench_density(void)
{
	struct bench_guest *g = bg_create(65536);
	struct shadow_config cfg = { .roots = 64, .hash_pages = 64, .hv_slot = -1 };
	struct shadow_domain *d = shadow_domain_create(&g->ops, &cfg, NULL);
	struct shadow_vcpu *v = shadow_vcpu_create(d);
	struct mmu_mode mode = { .cr0 = MMU_CR0_WP, .efer = MMU_EFER_NXE };
	struct shadow_counters c;
	double gib = (double)SPACES * (double)SPACE_SIZE / (double)(1ULL << 30);
	uint64_t hw;
	int s;

	shadow_set_mode(v, &mode);
	for (s = 0; s < SPACES; s++) {
		uint64_t root = bg_new_table(g);

		bg_map_range(g, root, DENSITY_BASE, SPACE_SIZE);
		shadow_write_cr3(v, root, &hw);
		touch_at(v, DENSITY_BASE, SPACE_SIZE);
	}
	shadow_get_counters(d, &c);
	if (c.root_evictions)
		fprintf(stderr, "bench: roots were evicted, numbers are off\n");
	printf("shadow_pages_per_gib_mapped: %.1f\n", (double)c.shadow_pages / gib);
	printf("meta_pages_per_gib_mapped: %.1f\n", (double)c.meta_pages / gib);
	shadow_vcpu_destroy(v);
	shadow_domain_destroy(d);
	bg_destroy(g);
}

int main(void)
{
	bench_walk();
	bench_fill();
	bench_cr3();
	bench_density();
	return 0;
}
