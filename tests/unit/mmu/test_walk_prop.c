/* Property test: mmu_walk() against the reference walker on random page
 * tables, modes and accesses. Seeded and reproducible; each case builds a
 * fresh random path through a small pool of tables (paths may alias,
 * loop, leave the pool or hit reserved bits), walks it with both walkers
 * from the same memory and compares outcome, address, level, error code
 * and the accessed/dirty bits left in memory. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mmu/walk.h"
#include "tests/unit/mmu/ref_walk.h"

#define POOL_TABLES	8
#define CASES_PER_RUN	250000
#define TABLE_BASE	0x1000ULL	/* pool table k lives at (k + 1) * 4 KiB */

struct pool {
	uint64_t t[POOL_TABLES][512];
};

static struct pool *P;
static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* True with probability pct / 100. */
static int chance(unsigned int pct)
{
	return rnd() % 100 < pct;
}

static uint64_t *pool_table(void *ctx, uint64_t addr)
{
	struct pool *p = ctx;

	if (addr < TABLE_BASE || addr >= TABLE_BASE * (POOL_TABLES + 1) || (addr & 0xfff))
		return NULL;
	return p->t[addr / 0x1000 - 1];
}

static uint64_t pool_addr(void)
{
	return TABLE_BASE * (1 + rnd() % POOL_TABLES);
}

struct scenario {
	struct mmu_mode mode;
	struct ref_cpu cpu;
	unsigned int access;
	struct ref_access racc;
	uint64_t cr3, va;
	unsigned int flags;
};

static const uint8_t widths[] = { 36, 39, 40, 46, 48, 52 };

static void random_mode(struct scenario *s)
{
	struct ref_cpu *c = &s->cpu;

	c->wp = chance(50);
	c->smep = chance(50);
	c->smap = chance(50);
	c->pke = chance(50);
	c->nxe = chance(70);
	c->gbpages = !chance(10);
	c->maxphyaddr = widths[rnd() % sizeof(widths)];
	c->pkru = chance(50) ? (uint32_t)rnd() : 0;
	s->mode = (struct mmu_mode){
		.cr0 = c->wp ? MMU_CR0_WP : 0,
		.cr4 = (c->smep ? MMU_CR4_SMEP : 0) | (c->smap ? MMU_CR4_SMAP : 0) |
		       (c->pke ? MMU_CR4_PKE : 0),
		.efer = c->nxe ? MMU_EFER_NXE : 0,
		.pkru = c->pkru,
		.maxphyaddr = (uint8_t)c->maxphyaddr,
		.no_1g_pages = !c->gbpages,
	};
}

static void random_access(struct scenario *s)
{
	struct ref_access *a = &s->racc;
	unsigned int kind = rnd() % 3;

	*a = (struct ref_access){ .write = kind == 1, .fetch = kind == 2 };
	a->user = chance(50);
	a->implicit = !a->user && !a->fetch && chance(15);
	a->ac = chance(50);
	s->access = (a->write ? MMU_ACC_WRITE : 0) | (a->fetch ? MMU_ACC_FETCH : 0) |
		    (a->user ? MMU_ACC_USER : 0) | (a->implicit ? MMU_ACC_IMPLICIT : 0) |
		    (a->ac ? MMU_ACC_AC : 0);
}

static uint64_t random_va(void)
{
	uint64_t va = rnd() & ((1ULL << 48) - 1);

	if (va & (1ULL << 47))
		va |= 0xffffULL << 48;
	if (chance(1))
		va ^= 1ULL << (48 + rnd() % 16);	/* non-canonical */
	return va;
}

/* A reserved bit that the entry at `level` could carry. */
static uint64_t random_reserved_bit(const struct scenario *s, int level, int large)
{
	unsigned int width = s->cpu.maxphyaddr;

	switch (rnd() % 4) {
	case 0:
		if (width < 52)
			return 1ULL << (width + rnd() % (52 - width));
		return PTE_NX;
	case 1:
		return PTE_NX;		/* reserved only without NXE */
	case 2:
		if (large && level == 3)
			return 1ULL << (13 + rnd() % 17);
		if (large && level == 2)
			return 1ULL << (13 + rnd() % 8);
		return PTE_PS;
	default:
		return 1ULL << (rnd() % 64);
	}
}

static const unsigned int ps_pct[5] = { 0, 50, 30, 25, 3 };

static uint64_t random_entry(const struct scenario *s, int level)
{
	uint64_t e = rnd() & (PTE_AVAIL_LOW_MASK | PTE_AVAIL_HIGH_MASK | PTE_PKEY_MASK |
			      PTE_A | PTE_D | PTE_G | PTE_PWT | PTE_PCD);
	int large;

	e |= chance(96) ? PTE_P : 0;
	e |= chance(80) ? PTE_W : 0;
	e |= chance(80) ? PTE_U : 0;
	e |= chance(15) ? PTE_NX : 0;
	large = chance(ps_pct[level]);
	if (large)
		e |= PTE_PS;
	if (level == 1 || large) {
		/* A frame address within (mostly) the physical width. */
		e |= rnd() & PTE_ADDR_MASK & ((1ULL << s->cpu.maxphyaddr) - 1) &
		     ~(level == 3 ? 0x3fffe000ULL : level == 2 ? 0x1fe000ULL : 0);
		if (large && chance(20))
			e |= PTE_PAT_LARGE;
	} else {
		e |= chance(97) ? pool_addr() : (rnd() & PTE_ADDR_MASK & ((1ULL << 40) - 1));
	}
	if (chance(6))
		e |= random_reserved_bit(s, level, large);
	return e;
}

/* Write a random path for s->va starting at s->cr3. */
static void build_path(const struct scenario *s)
{
	uint64_t table = s->cr3 & PTE_ADDR_MASK;
	int level;

	for (level = 4; level >= 1; level--) {
		uint64_t *t = pool_table(P, table);
		uint64_t e;

		if (!t)
			return;
		e = random_entry(s, level);
		t[pt_index(s->va, level)] = e;
		if (!(e & PTE_P) || (e & PTE_PS))
			return;
		table = e & PTE_ADDR_MASK;
	}
}

/* The only entries either walk can touch: index(va, level) of each table. */
struct snapshot {
	uint64_t v[POOL_TABLES][4];
};

static void take(struct snapshot *sn, uint64_t va)
{
	int k, level;

	for (k = 0; k < POOL_TABLES; k++)
		for (level = 1; level <= 4; level++)
			sn->v[k][level - 1] = P->t[k][pt_index(va, level)];
}

static void put(const struct snapshot *sn, uint64_t va)
{
	int k, level;

	for (k = 0; k < POOL_TABLES; k++)
		for (level = 1; level <= 4; level++)
			P->t[k][pt_index(va, level)] = sn->v[k][level - 1];
}

enum { C_OK, C_NOT_PRESENT, C_RSVD, C_PROT, C_PK, C_NO_TABLE, C_NONCANON, C_N };
static const char *const class_names[C_N] = {
	"ok", "not-present", "reserved", "protection", "pkey", "no-table", "non-canonical",
};

static int classify(const struct ref_result *r)
{
	switch (r->outcome) {
	case REF_OK:
		return C_OK;
	case REF_NO_TABLE:
		return C_NO_TABLE;
	case REF_NOT_CANONICAL:
		return C_NONCANON;
	default:
		break;
	}
	if (!(r->error_code & MMU_PF_P))
		return C_NOT_PRESENT;
	if (r->error_code & MMU_PF_RSVD)
		return C_RSVD;
	return (r->error_code & MMU_PF_PK) ? C_PK : C_PROT;
}

static int status_of(enum ref_outcome o)
{
	static const int map[] = {
		[REF_OK] = MMU_WALK_OK, [REF_PAGE_FAULT] = MMU_WALK_PF,
		[REF_NO_TABLE] = MMU_WALK_NO_TABLE, [REF_NOT_CANONICAL] = MMU_WALK_NONCANONICAL,
	};
	return map[o];
}

static void report_mismatch(uint64_t seed, uint64_t n, const struct scenario *s,
			    int got, const struct mmu_walk *w, const struct ref_result *r)
{
	print_error("case %llu of seed %#llx: va %#llx access %#x cr0 %#llx cr4 %#llx "
		    "efer %#llx pkru %#x width %u\n  mmu_walk: status %d addr %#llx "
		    "level %d ec %#x\n  reference: status %d addr %#llx level %d ec %#x\n",
		    (unsigned long long)n, (unsigned long long)seed,
		    (unsigned long long)s->va, s->access, (unsigned long long)s->mode.cr0,
		    (unsigned long long)s->mode.cr4, (unsigned long long)s->mode.efer,
		    s->mode.pkru, s->cpu.maxphyaddr, got, (unsigned long long)w->addr,
		    w->level, w->error_code, status_of(r->outcome),
		    (unsigned long long)r->addr, r->level, r->error_code);
}

static int same(int got, const struct mmu_walk *w, const struct ref_result *r)
{
	if (got != status_of(r->outcome))
		return 0;
	switch (r->outcome) {
	case REF_OK:
		return w->addr == r->addr && w->level == r->level;
	case REF_PAGE_FAULT:
		return w->error_code == r->error_code && w->level == r->level;
	case REF_NO_TABLE:
		return w->table[w->level] == r->bad_table && w->level == r->level;
	default:
		return 1;
	}
}

static void run_cases(uint64_t seed, uint64_t *classes)
{
	struct snapshot before, after_mmu, after_ref;
	uint64_t n;

	rng_state = seed;
	memset(P, 0, sizeof(*P));
	for (n = 0; n < CASES_PER_RUN; n++) {
		struct scenario s;
		struct mmu_walk w;
		struct ref_result r;
		int got;

		random_mode(&s);
		random_access(&s);
		s.va = random_va();
		s.cr3 = pool_addr() | (chance(20) ? (rnd() & 0xfff) : 0);
		s.flags = chance(50) ? MMU_WALK_SET_AD : 0;
		build_path(&s);

		take(&before, s.va);
		got = mmu_walk(&s.mode, &(struct mmu_tables){ .map = pool_table, .ctx = P },
			       s.cr3, s.va, s.access, s.flags, &w);
		take(&after_mmu, s.va);
		put(&before, s.va);
		ref_walk(&s.cpu, pool_table, P, s.cr3, s.va, s.racc,
			 s.flags & MMU_WALK_SET_AD, &r);
		take(&after_ref, s.va);
		if (!same(got, &w, &r) || memcmp(&after_ref, &after_mmu, sizeof(after_ref))) {
			report_mismatch(seed, n, &s, got, &w, &r);
			if (same(got, &w, &r))
				print_error("  (accessed/dirty bits in memory differ)\n");
			fail();
		}
		classes[classify(&r)]++;
	}
}

static uint64_t total[C_N];

static void check_seed(uint64_t seed)
{
	uint64_t classes[C_N] = { 0 };
	int c;

	run_cases(seed, classes);
	for (c = 0; c < C_N; c++) {
		total[c] += classes[c];
		/* Every outcome must actually be exercised, or the test proves little. */
		if (classes[c] < 100) {
			print_error("seed %#llx: only %llu '%s' cases\n",
				    (unsigned long long)seed, (unsigned long long)classes[c],
				    class_names[c]);
			fail();
		}
	}
}

static void test_seed_1(void **state) { (void)state; check_seed(0x1); }
static void test_seed_2(void **state) { (void)state; check_seed(0xc0ffee); }
static void test_seed_3(void **state) { (void)state; check_seed(0x5eed5eed); }
static void test_seed_4(void **state) { (void)state; check_seed(0xdeadbeefcafeULL); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_1), cmocka_unit_test(test_seed_2),
		cmocka_unit_test(test_seed_3), cmocka_unit_test(test_seed_4),
	};
	int rc, c;

	P = aligned_alloc(4096, sizeof(*P));
	rc = cmocka_run_group_tests_name("mmu_walk_property", tests, NULL, NULL);
	printf("cases by reference outcome (%d runs of %d):", 4, CASES_PER_RUN);
	for (c = 0; c < C_N; c++)
		printf(" %s %llu", class_names[c], (unsigned long long)total[c]);
	printf("\n");
	free(P);
	return rc;
}
