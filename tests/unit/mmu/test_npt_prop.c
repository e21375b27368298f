/* Randomized tests of nested paging, seeded and reproducible:
 *  - the NPT builder against a page-by-page model under random map,
 *    protect and unmap operations (with injected allocation failures),
 *    checking every translation, the leaf counters and that no empty
 *    table is left behind;
 *  - the 2-D walk against the reference walker applied twice (guest
 *    tables, each table and the final address translated through the
 *    NPT as the APM says), on random guest tables over a random NPT. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mmu/npt.h"
#include "mmu/walk2d.h"
#include "tests/unit/mmu/host_machine.h"
#include "tests/unit/mmu/ref_walk.h"

#define GPA_PAGES	4096ULL			/* 16 MiB of guest-physical space */
#define MACHINE_BASE	0x01000000ULL		/* machine address of the RAM used */
#define NFRAMES		(8192ULL + 2048)	/* RAM frames, then NPT table frames */
#define RAM_FRAMES	4096ULL

static uint64_t rng_state;

static uint64_t rnd(uint64_t bound)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31)) % bound;
}

static int chance(unsigned int pct)
{
	return rnd(100) < pct;
}

struct npt_model {
	uint64_t maddr[GPA_PAGES];	/* 0: unmapped */
	unsigned int perm[GPA_PAGES];
};

struct fixture {
	struct host_machine *hm;
	struct npt n;
	struct npt_model *model;
};

static struct fixture *F;

static int setup(void **state)
{
	F = calloc(1, sizeof(*F));
	/* RAM frames [4096, 8192) stay out of the allocator; tables come after. */
	F->hm = hm_create(NFRAMES, 8192, 0);
	F->model = calloc(1, sizeof(*F->model));
	assert_int_equal(npt_init(&F->n, &F->hm->ops), 0);
	*state = F;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	npt_destroy(&F->n);
	assert_int_equal(F->hm->in_use, 0);
	hm_destroy(F->hm);
	free(F->model);
	free(F);
	return 0;
}

/* ---- builder vs model ---- */

static unsigned int random_perm(void)
{
	return NPT_R | (chance(50) ? NPT_W : 0) | (chance(50) ? NPT_X : 0);
}

static void random_range(uint64_t *gpa, uint64_t *len)
{
	if (chance(40)) {			/* 2 MiB-shaped */
		*gpa = rnd(GPA_PAGES / 512) << 21;
		*len = (1 + rnd(2)) << 21;
	} else {
		*gpa = rnd(GPA_PAGES) << 12;
		*len = (1 + rnd(chance(20) ? 1024 : 16)) << 12;
	}
	if (*gpa + *len > GPA_PAGES << 12)
		*len = (GPA_PAGES << 12) - *gpa;
}

static int model_count(uint64_t gpa, uint64_t len, int mapped)
{
	uint64_t p;
	int n = 0;

	for (p = gpa >> 12; p < (gpa + len) >> 12; p++)
		n += !!F->model->maddr[p] == mapped;
	return n;
}

static void op_map(uint64_t gpa, uint64_t len)
{
	uint64_t maddr = MACHINE_BASE + (chance(50) ? gpa : (rnd(RAM_FRAMES / 2) << 12));
	unsigned int perm = random_perm();
	int expect = model_count(gpa, len, 1) ? -EEXIST : 0, err, p;

	if (!expect && chance(10))
		F->hm->fail_at = F->hm->allocs + 1 + rnd(3);
	err = npt_map(&F->n, gpa, maddr, len, perm);
	F->hm->fail_at = 0;
	if (err == -ENOMEM)
		return;			/* the model is unchanged, and so must be the NPT */
	assert_int_equal(err, expect);
	for (p = 0; !err && (uint64_t)p < len >> 12; p++) {
		F->model->maddr[(gpa >> 12) + p] = maddr + ((uint64_t)p << 12);
		F->model->perm[(gpa >> 12) + p] = perm;
	}
}

static void op_protect(uint64_t gpa, uint64_t len)
{
	unsigned int perm = random_perm();
	int expect = model_count(gpa, len, 0) ? -ENOENT : 0, err;
	uint64_t p;

	if (!expect && chance(10))
		F->hm->fail_at = F->hm->allocs + 1;
	err = npt_protect(&F->n, gpa, len, perm);
	F->hm->fail_at = 0;
	if (err == -ENOMEM)
		return;
	assert_int_equal(err, expect);
	for (p = gpa >> 12; !err && p < (gpa + len) >> 12; p++)
		F->model->perm[p] = perm;
}

static void op_unmap(uint64_t gpa, uint64_t len)
{
	uint64_t p;
	int err;

	if (chance(10))
		F->hm->fail_at = F->hm->allocs + 1;
	err = npt_unmap(&F->n, gpa, len);
	F->hm->fail_at = 0;
	if (err == -ENOMEM)
		return;
	assert_int_equal(err, 0);
	for (p = gpa >> 12; p < (gpa + len) >> 12; p++)
		F->model->maddr[p] = 0;
}

/* Recount tables and leaves; no table below the root may be empty. */
static void recount(uint64_t table, int level, uint64_t *tables, uint64_t *l4k, uint64_t *l2m)
{
	uint64_t *t = hm_table(F->hm, table);
	int i, used = 0;

	(*tables)++;
	for (i = 0; i < 512; i++) {
		if (!(t[i] & PTE_P))
			continue;
		used++;
		if (level == 1)
			(*l4k)++;
		else if (t[i] & PTE_PS)
			(*l2m)++;
		else
			recount(pte_addr(t[i]), level - 1, tables, l4k, l2m);
	}
	if (level < 4 && !used)
		fail_msg("empty table left at level %d", level);
}

static void check_npt(void)
{
	uint64_t p, tables = 0, l4k = 0, l2m = 0;

	for (p = 0; p < GPA_PAGES; p++) {
		uint64_t maddr;
		unsigned int perm;
		int err = npt_lookup(&F->n, (p << 12) | 0x123, &maddr, &perm, NULL);

		if (!F->model->maddr[p]) {
			assert_int_equal(err, -ENOENT);
			continue;
		}
		assert_int_equal(err, 0);
		assert_int_equal(maddr, F->model->maddr[p] | 0x123);
		assert_int_equal(perm, F->model->perm[p]);
	}
	recount(F->n.root, 4, &tables, &l4k, &l2m);
	assert_int_equal(tables, F->n.tables);
	assert_int_equal(l4k, F->n.leaves_4k);
	assert_int_equal(l2m, F->n.leaves_2m);
	assert_int_equal(F->hm->in_use, F->n.tables);
}

static void test_builder_against_model(void **state)
{
	int op;

	(void)state;
	rng_state = 0x5eed;
	for (op = 0; op < 3000; op++) {
		uint64_t gpa, len;

		random_range(&gpa, &len);
		switch (rnd(3)) {
		case 0:
			op_map(gpa, len);
			break;
		case 1:
			op_protect(gpa, len);
			break;
		default:
			op_unmap(gpa, len);
			break;
		}
		if (op % 10 == 0)
			check_npt();
	}
	check_npt();
	assert_true(F->n.leaves_2m > 0 || F->n.leaves_4k > 0);
}

/* ---- 2-D walk vs the reference applied twice ---- */

#define GTABLES		16ULL		/* guest tables at gfns [1, 16] */

struct ref2d {
	struct ref_cpu host;
	int failed;			/* nested walk of a guest table failed */
	struct ref_result nested;
};

static uint64_t *machine_table(void *ctx, uint64_t maddr)
{
	(void)ctx;
	return maddr < NFRAMES * 4096 ? hm_table(F->hm, maddr) : NULL;
}

static void ref_nested(struct ref2d *c, uint64_t gpa, struct ref_access a,
		       struct ref_result *r)
{
	a.user = true;
	ref_walk(&c->host, machine_table, NULL, F->n.root, gpa, a, false, r);
}

static uint64_t *ref_guest_table(void *ctx, uint64_t gpa)
{
	struct ref2d *c = ctx;

	ref_nested(c, gpa, (struct ref_access){ .write = true }, &c->nested);
	if (c->nested.outcome != REF_OK) {
		c->failed = 1;
		return NULL;
	}
	return hm_table(F->hm, c->nested.addr & ~0xfffULL);
}

static uint32_t npf_bits(const struct ref_result *r)
{
	return r->outcome == REF_NOT_CANONICAL ? 0 : r->error_code;
}

static void build_random_npt(void)
{
	uint64_t p;

	npt_destroy(&F->n);
	assert_int_equal(npt_init(&F->n, &F->hm->ops), 0);
	for (p = 0; p < GPA_PAGES; p++) {
		unsigned int perm = random_perm();
		uint64_t maddr = MACHINE_BASE + (chance(70) ? p << 12 : rnd(RAM_FRAMES) << 12);

		/* Guest tables are written (A/D) by every walk: mostly writable. */
		if (p <= 64 && chance(95))
			perm |= NPT_W;
		if (p % 512 == 0 && chance(30)) {	/* a whole 2 MiB entry */
			assert_int_equal(npt_map(&F->n, p << 12, MACHINE_BASE + (p << 12),
						 2ULL << 20, perm), 0);
			p += 511;
			continue;
		}
		if (p > GTABLES && chance(8))
			continue;			/* a hole */
		assert_int_equal(npt_map(&F->n, p << 12, maddr, 4096, perm), 0);
	}
}

static uint64_t random_guest_entry(int level)
{
	uint64_t e = rnd(1ULL << 62) & (PTE_A | PTE_D | PTE_G | PTE_PKEY_MASK | PTE_PWT);

	e |= chance(95) ? PTE_P : 0;
	e |= chance(85) ? PTE_W : 0;
	e |= chance(85) ? PTE_U : 0;
	e |= chance(10) ? PTE_NX : 0;
	if (level == 1 || (level < 4 && chance(level == 2 ? 25 : 10))) {
		e |= (level > 1 ? PTE_PS : 0);
		e |= (chance(85) ? rnd(GPA_PAGES) : rnd(1ULL << 26)) << 12;
		e &= ~(level == 2 ? 0x1fe000ULL : level == 3 ? 0x3fffe000ULL : 0);
	} else {
		e |= (1 + rnd(chance(95) ? GTABLES : 64)) << 12;
	}
	return e;
}

/* A random path for va through the guest tables (in guest memory). */
static void build_guest_path(uint64_t cr3, uint64_t va)
{
	uint64_t table = cr3;
	int level;

	for (level = 4; level >= 1; level--) {
		uint64_t maddr, e;

		if (npt_lookup(&F->n, table, &maddr, NULL, NULL))
			return;
		e = random_guest_entry(level);
		hm_table(F->hm, maddr & ~0xfffULL)[pt_index(va, level)] = e;
		if (!(e & PTE_P) || (e & PTE_PS))
			return;
		table = pte_addr(e);
	}
}

static unsigned int random_access(struct ref_access *a)
{
	unsigned int kind = (unsigned int)rnd(3), acc;

	*a = (struct ref_access){ .write = kind == 1, .fetch = kind == 2, .user = chance(50) };
	acc = (a->write ? MMU_ACC_WRITE : 0) | (a->fetch ? MMU_ACC_FETCH : 0) |
	      (a->user ? MMU_ACC_USER : 0);
	return acc;
}

/* What the hardware should report, from the reference walker alone. */
static int expected_2d(struct ref2d *c, const struct ref_cpu *guest, uint64_t cr3,
		       uint64_t va, struct ref_access a, struct mmu_2d_result *want)
{
	struct ref_result g, fin;

	c->failed = 0;
	ref_walk(guest, ref_guest_table, c, cr3, va, a, false, &g);
	*want = (struct mmu_2d_result){ 0 };
	if (g.outcome == REF_PAGE_FAULT) {
		want->error_code = g.error_code;
		return MMU_2D_GUEST_PF;
	}
	if (g.outcome == REF_NO_TABLE) {
		want->exitinfo1 = npf_bits(&c->nested) | MMU_NPF_TABLE;
		if (c->nested.outcome == REF_NOT_CANONICAL)
			want->exitinfo1 |= MMU_PF_W | MMU_PF_U;
		want->exitinfo2 = g.bad_table + 8 * pt_index(va, g.level);
		return MMU_2D_NPF;
	}
	ref_nested(c, g.addr, (struct ref_access){ .write = a.write, .fetch = a.fetch }, &fin);
	want->gpa = g.addr;
	if (fin.outcome != REF_OK) {
		want->exitinfo1 = npf_bits(&fin) | MMU_NPF_FINAL;
		if (fin.outcome == REF_NOT_CANONICAL)
			want->exitinfo1 |= MMU_PF_U | (a.write ? MMU_PF_W : 0) |
					   (a.fetch ? MMU_PF_ID : 0);
		want->exitinfo2 = g.addr;
		return MMU_2D_NPF;
	}
	want->maddr = fin.addr;
	return MMU_2D_OK;
}

static void test_2d_walk_against_reference(void **state)
{
	struct ref2d c = { .host = { .nxe = true, .gbpages = true, .maxphyaddr = 52 } };
	struct mmu_mode host = { .efer = MMU_EFER_NXE };
	uint64_t n, counts[4] = { 0 };

	(void)state;
	rng_state = 0x2d2d;
	for (n = 0; n < 300000; n++) {
		struct ref_cpu guest = { .wp = chance(50), .smep = chance(30), .smap = chance(30),
					 .nxe = chance(80), .gbpages = true, .maxphyaddr = 52 };
		struct mmu_mode gm = {
			.cr0 = guest.wp ? MMU_CR0_WP : 0,
			.cr4 = (guest.smep ? MMU_CR4_SMEP : 0) | (guest.smap ? MMU_CR4_SMAP : 0),
			.efer = guest.nxe ? MMU_EFER_NXE : 0,
		};
		uint64_t cr3 = (1 + rnd(GTABLES)) << 12, va = rnd(1ULL << 47) & ~7ULL;
		struct mmu_2d_result got, want;
		struct ref_access a;
		unsigned int acc;
		int st, exp;

		if (n % 20000 == 0)
			build_random_npt();
		acc = random_access(&a);
		build_guest_path(cr3, va);
		st = mmu_walk_2d(&gm, cr3, &host, F->n.root, &F->hm->ops, va, acc, 0, &got);
		exp = expected_2d(&c, &guest, cr3, va, a, &want);
		if (st != exp || got.maddr != want.maddr || got.error_code != want.error_code ||
		    got.exitinfo1 != want.exitinfo1 || got.exitinfo2 != want.exitinfo2)
			fail_msg("case %llu va %#llx access %#x: got %d maddr %#llx ec %#x npf %#llx/%#llx,"
				 " want %d maddr %#llx ec %#x npf %#llx/%#llx",
				 (unsigned long long)n, (unsigned long long)va, acc, st,
				 (unsigned long long)got.maddr, got.error_code,
				 (unsigned long long)got.exitinfo1, (unsigned long long)got.exitinfo2,
				 exp, (unsigned long long)want.maddr, want.error_code,
				 (unsigned long long)want.exitinfo1, (unsigned long long)want.exitinfo2);
		counts[st]++;
	}
	printf("2-D walk: ok %llu, guest #PF %llu, #NPF %llu\n", (unsigned long long)counts[0],
	       (unsigned long long)counts[1], (unsigned long long)counts[2]);
	assert_true(counts[MMU_2D_OK] > 5000 && counts[MMU_2D_GUEST_PF] > 5000 &&
		    counts[MMU_2D_NPF] > 5000);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_builder_against_model), T(test_2d_walk_against_reference),
	};

	return cmocka_run_group_tests_name("mmu_npt_property", tests, NULL, NULL);
}
