/* NPT builder (map, protect, unmap, large-page choice, errors leave the
 * tables unchanged) and the two-dimensional guest × NPT walk. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mmu/npt.h"
#include "mmu/walk2d.h"
#include "tests/unit/mmu/host_machine.h"
#include "tests/unit/mmu/pt_builder.h"

#define MB		(1ULL << 20)
#define RAM_BASE	(2 * MB)	/* machine address of guest RAM */
#define RAM_SIZE	(8 * MB)
#define NFRAMES		4096
#define RAM_END_FRAME	((RAM_BASE + RAM_SIZE) >> 12)

struct fixture {
	struct host_machine *hm;
	struct npt n;
	uint64_t baseline_pages;
	/* guest side for the 2-D walk */
	struct ptb g;
	uint64_t next_gfn;
	struct mmu_mode gmode, hmode;
	struct mmu_2d_result r;
};

static struct fixture *F;

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->hm = hm_create(NFRAMES, RAM_END_FRAME, 0);
	f->baseline_pages = f->hm->in_use;
	assert_int_equal(npt_init(&f->n, &f->hm->ops), 0);
	f->gmode = (struct mmu_mode){ .cr0 = MMU_CR0_WP, .efer = MMU_EFER_NXE };
	f->hmode = (struct mmu_mode){ .efer = MMU_EFER_NXE };
	F = f;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	npt_destroy(&f->n);
	assert_int_equal(f->hm->in_use, f->baseline_pages);
	assert_int_equal(f->n.tables, 0);
	hm_destroy(f->hm);
	free(f);
	return 0;
}

static void expect_maps(uint64_t gpa, uint64_t maddr, unsigned int perm, int level)
{
	uint64_t m;
	unsigned int p;
	int l;

	assert_int_equal(npt_lookup(&F->n, gpa, &m, &p, &l), 0);
	assert_int_equal(m, maddr);
	assert_int_equal(p, perm);
	assert_int_equal(l, level);
}

static void expect_unmapped(uint64_t gpa)
{
	assert_int_equal(npt_lookup(&F->n, gpa, NULL, NULL, NULL), -ENOENT);
}

/* ---- building ---- */

static void test_aligned_extent_uses_2m(void **state)
{
	uint64_t a;

	(void)state;
	assert_int_equal(npt_map(&F->n, 0, RAM_BASE, 4 * MB, NPT_RWX), 0);
	assert_int_equal(F->n.leaves_2m, 2);
	assert_int_equal(F->n.leaves_4k, 0);
	assert_int_equal(F->n.tables, 3);	/* PML4, PDPT, PD */
	for (a = 0; a < 4 * MB; a += 0x3f000)
		expect_maps(a + 0x123, RAM_BASE + a + 0x123, NPT_RWX, 2);
	expect_unmapped(4 * MB);
}

static void test_unaligned_machine_uses_4k(void **state)
{
	(void)state;
	assert_int_equal(npt_map(&F->n, 2 * MB, RAM_BASE + 0x1000, 2 * MB, NPT_R), 0);
	assert_int_equal(F->n.leaves_2m, 0);
	assert_int_equal(F->n.leaves_4k, 512);
	expect_maps(2 * MB, RAM_BASE + 0x1000, NPT_R, 1);
	expect_maps(4 * MB - 1, RAM_BASE + 0x1000 + 2 * MB - 1, NPT_R, 1);
}

static void test_mixed_extent(void **state)
{
	uint64_t gpa = 2 * MB - 0x2000, len = 4 * MB + 0x4000;

	(void)state;
	assert_int_equal(npt_map(&F->n, gpa, RAM_BASE + gpa, len, NPT_R | NPT_W), 0);
	assert_int_equal(F->n.leaves_2m, 2);
	assert_int_equal(F->n.leaves_4k, 4);
	expect_maps(gpa, RAM_BASE + gpa, NPT_R | NPT_W, 1);
	expect_maps(2 * MB, RAM_BASE + 2 * MB, NPT_R | NPT_W, 2);
	expect_maps(6 * MB + 0x1000, RAM_BASE + 6 * MB + 0x1000, NPT_R | NPT_W, 1);
	expect_unmapped(gpa - 0x1000);
	expect_unmapped(gpa + len);
}

static void test_entry_format(void **state)
{
	uint64_t *l4 = hm_table(F->hm, F->n.root);
	uint64_t *l3, *l2, *l1;

	(void)state;
	assert_int_equal(npt_map(&F->n, 0x1000, RAM_BASE + 0x1000, 0x1000, NPT_R), 0);
	assert_int_equal(l4[0] & 0xfff, PTE_P | PTE_W | PTE_U | PTE_A);
	l3 = hm_table(F->hm, pte_addr(l4[0]));
	l2 = hm_table(F->hm, pte_addr(l3[0]));
	l1 = hm_table(F->hm, pte_addr(l2[0]));
	assert_int_equal(l1[1], (RAM_BASE + 0x1000) | PTE_P | PTE_U | PTE_A | PTE_NX);
	assert_int_equal(npt_protect(&F->n, 0x1000, 0x1000, NPT_RWX), 0);
	assert_int_equal(l1[1], (RAM_BASE + 0x1000) | PTE_P | PTE_U | PTE_A | PTE_W | PTE_D);
}

static void test_map_over_mapping_refused(void **state)
{
	uint64_t tables;

	(void)state;
	assert_int_equal(npt_map(&F->n, 2 * MB, RAM_BASE, 2 * MB, NPT_R), 0);
	tables = F->n.tables;
	assert_int_equal(npt_map(&F->n, 0, RAM_BASE, 2 * MB + 0x1000, NPT_R), -EEXIST);
	assert_int_equal(npt_map(&F->n, 3 * MB, RAM_BASE, 0x1000, NPT_R), -EEXIST);
	assert_int_equal(F->n.tables, tables);
	assert_int_equal(F->n.leaves_2m, 1);
	expect_unmapped(0);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	assert_int_equal(npt_map(&F->n, 0x800, RAM_BASE, 0x1000, NPT_R), -EINVAL);
	assert_int_equal(npt_map(&F->n, 0, RAM_BASE + 8, 0x1000, NPT_R), -EINVAL);
	assert_int_equal(npt_map(&F->n, 0, RAM_BASE, 0x1001, NPT_R), -EINVAL);
	assert_int_equal(npt_map(&F->n, 0, RAM_BASE, 0, NPT_R), -EINVAL);
	assert_int_equal(npt_map(&F->n, 0, RAM_BASE, 0x1000, 0), -EINVAL);
	assert_int_equal(npt_map(&F->n, 0, RAM_BASE, 0x1000, NPT_W), -EINVAL);
	assert_int_equal(npt_map(&F->n, 0, RAM_BASE, 0x1000, NPT_X), -EINVAL);
	assert_int_equal(npt_map(&F->n, 0, RAM_BASE, 0x1000, NPT_R | 8), -EINVAL);
	assert_int_equal(npt_map(&F->n, NPT_GPA_LIMIT, RAM_BASE, 0x1000, NPT_R), -EINVAL);
	assert_int_equal(npt_map(&F->n, NPT_GPA_LIMIT - 0x1000, RAM_BASE, 0x2000, NPT_R),
			 -EINVAL);
	assert_int_equal(npt_map(&F->n, 0, (1ULL << 52) - 0x1000, 0x2000, NPT_R), -EINVAL);
	assert_int_equal(npt_protect(&F->n, 0, 0x1000, NPT_W), -EINVAL);
	assert_int_equal(npt_unmap(&F->n, 0x10, 0x1000), -EINVAL);
	assert_int_equal(npt_lookup(&F->n, NPT_GPA_LIMIT, NULL, NULL, NULL), -EINVAL);
	assert_int_equal(npt_map(NULL, 0, RAM_BASE, 0x1000, NPT_R), -EINVAL);
	assert_int_equal(F->n.tables, 1);
}

/* ---- permissions ---- */

static void test_protect_whole_large_page_keeps_it(void **state)
{
	(void)state;
	assert_int_equal(npt_map(&F->n, 0, RAM_BASE, 4 * MB, NPT_RWX), 0);
	assert_int_equal(npt_protect(&F->n, 2 * MB, 2 * MB, NPT_R | NPT_X), 0);
	assert_int_equal(F->n.leaves_2m, 2);
	expect_maps(0, RAM_BASE, NPT_RWX, 2);
	expect_maps(3 * MB, RAM_BASE + 3 * MB, NPT_R | NPT_X, 2);
}

static void test_protect_part_splits(void **state)
{
	uint64_t a;

	(void)state;
	assert_int_equal(npt_map(&F->n, 0, RAM_BASE, 2 * MB, NPT_RWX), 0);
	assert_int_equal(npt_protect(&F->n, 0x10000, 0x3000, NPT_R), 0);
	assert_int_equal(F->n.leaves_2m, 0);
	assert_int_equal(F->n.leaves_4k, 512);
	for (a = 0; a < 2 * MB; a += 0x1000) {
		unsigned int want = (a >= 0x10000 && a < 0x13000) ? NPT_R : NPT_RWX;

		expect_maps(a + 5, RAM_BASE + a + 5, want, 1);
	}
}

static void test_protect_unmapped_refused(void **state)
{
	(void)state;
	assert_int_equal(npt_map(&F->n, 0, RAM_BASE, 2 * MB, NPT_RWX), 0);
	assert_int_equal(npt_protect(&F->n, 2 * MB - 0x1000, 0x2000, NPT_R), -ENOENT);
	expect_maps(2 * MB - 0x1000, RAM_BASE + 2 * MB - 0x1000, NPT_RWX, 2);
	assert_int_equal(F->n.leaves_2m, 1);
}

/* ---- unmapping ---- */

static void test_unmap_part_and_all(void **state)
{
	(void)state;
	assert_int_equal(npt_map(&F->n, 0, RAM_BASE, 4 * MB, NPT_RWX), 0);
	assert_int_equal(npt_unmap(&F->n, MB, 2 * MB), 0);
	expect_maps(MB - 0x1000, RAM_BASE + MB - 0x1000, NPT_RWX, 1);
	expect_unmapped(MB);
	expect_unmapped(3 * MB - 0x1000);
	expect_maps(3 * MB, RAM_BASE + 3 * MB, NPT_RWX, 1);
	assert_int_equal(F->n.leaves_4k, 512);
	assert_int_equal(npt_unmap(&F->n, 0, 8 * MB), 0);
	assert_int_equal(F->n.leaves_4k + F->n.leaves_2m, 0);
	assert_int_equal(F->n.tables, 1);
	/* Unmapping nothing is fine. */
	assert_int_equal(npt_unmap(&F->n, 0, 8 * MB), 0);
}

static void test_remap_after_unmap_uses_2m(void **state)
{
	(void)state;
	assert_int_equal(npt_map(&F->n, 0, RAM_BASE + 0x1000, 2 * MB, NPT_R), 0);
	assert_int_equal(npt_unmap(&F->n, 0, 2 * MB), 0);
	assert_int_equal(npt_map(&F->n, 0, RAM_BASE, 2 * MB, NPT_R), 0);
	assert_int_equal(F->n.leaves_2m, 1);
	assert_int_equal(F->n.tables, 3);
}

/* ---- out of memory changes nothing ---- */

static void test_map_enomem_rolls_back(void **state)
{
	uint64_t pages = F->hm->in_use;

	(void)state;
	F->hm->fail_at = F->hm->allocs + 3;	/* PDPT, PD ok; the PT fails */
	assert_int_equal(npt_map(&F->n, 2 * MB, RAM_BASE + 0x1000, 0x3000, NPT_R), -ENOMEM);
	assert_int_equal(F->hm->in_use, pages);
	assert_int_equal(F->n.tables, 1);
	assert_int_equal(F->n.leaves_4k, 0);
	expect_unmapped(2 * MB);
	assert_int_equal(npt_map(&F->n, 2 * MB, RAM_BASE + 0x1000, 0x3000, NPT_R), 0);
}

static void test_protect_enomem_changes_no_permission(void **state)
{
	(void)state;
	assert_int_equal(npt_map(&F->n, 0, RAM_BASE, 2 * MB, NPT_RWX), 0);
	F->hm->fail_at = F->hm->allocs + 1;
	assert_int_equal(npt_protect(&F->n, 0x1000, 0x1000, NPT_R), -ENOMEM);
	expect_maps(0x1000, RAM_BASE + 0x1000, NPT_RWX, 2);
}

static void test_unmap_enomem_unmaps_nothing(void **state)
{
	(void)state;
	assert_int_equal(npt_map(&F->n, 0, RAM_BASE, 4 * MB, NPT_RWX), 0);
	F->hm->fail_at = F->hm->allocs + 2;	/* first split ok, second fails */
	assert_int_equal(npt_unmap(&F->n, MB, 2 * MB), -ENOMEM);
	expect_maps(MB, RAM_BASE + MB, NPT_RWX, 1);
	expect_maps(2 * MB + 5, RAM_BASE + 2 * MB + 5, NPT_RWX, 2);
}

/* ---- the 2-D walk ---- */

static uint64_t *guest_ptr(void *ctx, uint64_t gpa)
{
	struct fixture *f = ctx;
	uint64_t maddr;

	assert_int_equal(npt_lookup(&f->n, gpa, &maddr, NULL, NULL), 0);
	return hm_table(f->hm, maddr & ~0xfffULL);
}

static uint64_t guest_alloc(void *ctx)
{
	struct fixture *f = ctx;
	uint64_t gpa = f->next_gfn++ << 12;

	memset(guest_ptr(f, gpa), 0, 4096);
	return gpa;
}

#define GVA	0x00007f0000403123ULL
#define GDATA	(5 * MB + 0x7000)	/* guest-physical data page */

/* Guest RAM [0, 8 MiB) fully mapped RWX; guest tables from 1 MiB up;
 * GVA maps to GDATA as a user RW page. */
static void guest_setup(void)
{
	assert_int_equal(npt_map(&F->n, 0, RAM_BASE, RAM_SIZE, NPT_RWX), 0);
	F->next_gfn = MB >> 12;
	F->g = (struct ptb){ .ptr = guest_ptr, .alloc = guest_alloc, .ctx = F };
	F->g.root = guest_alloc(F);
	ptb_map(&F->g, GVA, GDATA, 1, PTE_P | PTE_W | PTE_U, PTE_P | PTE_W | PTE_U);
}

static int walk2d(uint64_t va, unsigned int access, unsigned int flags)
{
	return mmu_walk_2d(&F->gmode, F->g.root, &F->hmode, F->n.root, &F->hm->ops,
			   va, access, flags, &F->r);
}

static void test_2d_translates(void **state)
{
	(void)state;
	guest_setup();
	assert_int_equal(walk2d(GVA, MMU_ACC_USER | MMU_ACC_WRITE, 0), MMU_2D_OK);
	assert_int_equal(F->r.gpa, GDATA + 0x123);
	assert_int_equal(F->r.maddr, RAM_BASE + GDATA + 0x123);
}

static void test_2d_guest_fault(void **state)
{
	(void)state;
	guest_setup();
	*ptb_entry(&F->g, GVA, 1) &= ~PTE_W;
	assert_int_equal(walk2d(GVA, MMU_ACC_USER | MMU_ACC_WRITE, 0), MMU_2D_GUEST_PF);
	assert_int_equal(F->r.error_code, MMU_PF_P | MMU_PF_W | MMU_PF_U);
	*ptb_entry(&F->g, GVA, 2) = 0;
	assert_int_equal(walk2d(GVA, 0, 0), MMU_2D_GUEST_PF);
	assert_int_equal(F->r.error_code, 0);
}

static void test_2d_npf_final_not_present(void **state)
{
	(void)state;
	guest_setup();
	assert_int_equal(npt_unmap(&F->n, GDATA, 0x1000), 0);
	assert_int_equal(walk2d(GVA, MMU_ACC_WRITE, 0), MMU_2D_NPF);
	assert_int_equal(F->r.exitinfo1, MMU_NPF_FINAL | MMU_PF_W | MMU_PF_U);
	assert_int_equal(F->r.exitinfo2, GDATA + 0x123);
	assert_int_equal(F->r.gpa, GDATA + 0x123);
}

static void test_2d_npf_final_protection(void **state)
{
	(void)state;
	guest_setup();
	assert_int_equal(npt_protect(&F->n, GDATA, 0x1000, NPT_R), 0);
	assert_int_equal(walk2d(GVA, MMU_ACC_USER, 0), MMU_2D_OK);
	assert_int_equal(walk2d(GVA, MMU_ACC_USER | MMU_ACC_WRITE, 0), MMU_2D_NPF);
	assert_int_equal(F->r.exitinfo1, MMU_NPF_FINAL | MMU_PF_P | MMU_PF_W | MMU_PF_U);
	assert_int_equal(walk2d(GVA, MMU_ACC_FETCH, 0), MMU_2D_NPF);
	assert_int_equal(F->r.exitinfo1, MMU_NPF_FINAL | MMU_PF_P | MMU_PF_U | MMU_PF_ID);
}

static void test_2d_npf_on_guest_table_each_level(void **state)
{
	int level;

	(void)state;
	guest_setup();
	for (level = 4; level >= 1; level--) {
		uint64_t table;

		assert_int_equal(walk2d(GVA, 0, 0), MMU_2D_OK);
		table = F->r.guest.table[level];
		assert_int_equal(npt_protect(&F->n, table, 0x1000, NPT_R), 0);
		assert_int_equal(walk2d(GVA, 0, 0), MMU_2D_NPF);
		/* Guest-table accesses are user writes. */
		assert_int_equal(F->r.exitinfo1,
				 MMU_NPF_TABLE | MMU_PF_P | MMU_PF_W | MMU_PF_U);
		assert_int_equal(F->r.exitinfo2, table + 8 * pt_index(GVA, level));
		assert_int_equal(npt_unmap(&F->n, table, 0x1000), 0);
		assert_int_equal(walk2d(GVA, 0, 0), MMU_2D_NPF);
		assert_int_equal(F->r.exitinfo1, MMU_NPF_TABLE | MMU_PF_W | MMU_PF_U);
		assert_int_equal(npt_map(&F->n, table, RAM_BASE + table, 0x1000, NPT_RWX), 0);
	}
}

static void test_2d_guest_fault_before_final_npf(void **state)
{
	(void)state;
	guest_setup();
	*ptb_entry(&F->g, GVA, 3) &= ~PTE_U;
	assert_int_equal(npt_unmap(&F->n, GDATA, 0x1000), 0);
	assert_int_equal(walk2d(GVA, MMU_ACC_USER, 0), MMU_2D_GUEST_PF);
	assert_int_equal(F->r.error_code, MMU_PF_P | MMU_PF_U);
}

static void test_2d_sets_guest_ad(void **state)
{
	(void)state;
	guest_setup();
	assert_int_equal(walk2d(GVA, MMU_ACC_WRITE, MMU_WALK_SET_AD), MMU_2D_OK);
	assert_true(*ptb_entry(&F->g, GVA, 4) & PTE_A);
	assert_int_equal(*ptb_entry(&F->g, GVA, 1) & (PTE_A | PTE_D), PTE_A | PTE_D);
	*ptb_entry(&F->g, GVA, 1) &= ~(PTE_A | PTE_D);
	assert_int_equal(walk2d(GVA, MMU_ACC_WRITE, 0), MMU_2D_OK);
	assert_false(*ptb_entry(&F->g, GVA, 1) & PTE_A);
}

static void test_2d_guest_large_over_npt_small(void **state)
{
	uint64_t va = 0x0000000040000000ULL + 0x1234;

	(void)state;
	guest_setup();
	assert_int_equal(npt_unmap(&F->n, 4 * MB, 2 * MB), 0);
	assert_int_equal(npt_map(&F->n, 4 * MB, RAM_BASE + 4 * MB + 0x1000, 2 * MB, NPT_RWX), 0);
	ptb_map(&F->g, va, 4 * MB, 2, PTE_P | PTE_W, PTE_P | PTE_W);
	assert_int_equal(walk2d(va + 0x5000, MMU_ACC_WRITE, 0), MMU_2D_OK);
	assert_int_equal(F->r.maddr, RAM_BASE + 4 * MB + 0x1000 + 0x6234);
	assert_int_equal(F->r.nested.level, 1);
}

static void test_2d_gpa_beyond_npt_reach(void **state)
{
	(void)state;
	guest_setup();
	*ptb_entry(&F->g, GVA, 1) = (1ULL << 49) | PTE_P | PTE_U;
	assert_int_equal(walk2d(GVA, MMU_ACC_USER, 0), MMU_2D_NPF);
	assert_int_equal(F->r.exitinfo1, MMU_NPF_FINAL | MMU_PF_U);
}

static void test_2d_bad_arguments(void **state)
{
	(void)state;
	guest_setup();
	assert_int_equal(walk2d(GVA, MMU_ACC_USER | MMU_ACC_IMPLICIT, 0), -EINVAL);
	assert_int_equal(walk2d(GVA, 0, 1u << 5), -EINVAL);
	assert_int_equal(walk2d(0x0000900000000000ULL, 0, 0), MMU_2D_NONCANONICAL);
	assert_int_equal(mmu_walk_2d(NULL, 0, &F->hmode, F->n.root, &F->hm->ops, GVA, 0, 0,
				     &F->r), -EINVAL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_aligned_extent_uses_2m), T(test_unaligned_machine_uses_4k),
		T(test_mixed_extent), T(test_entry_format), T(test_map_over_mapping_refused),
		T(test_bad_arguments), T(test_protect_whole_large_page_keeps_it),
		T(test_protect_part_splits), T(test_protect_unmapped_refused),
		T(test_unmap_part_and_all), T(test_remap_after_unmap_uses_2m),
		T(test_map_enomem_rolls_back), T(test_protect_enomem_changes_no_permission),
		T(test_unmap_enomem_unmaps_nothing),
		T(test_2d_translates), T(test_2d_guest_fault), T(test_2d_npf_final_not_present),
		T(test_2d_npf_final_protection), T(test_2d_npf_on_guest_table_each_level),
		T(test_2d_guest_fault_before_final_npf), T(test_2d_sets_guest_ad),
		T(test_2d_guest_large_over_npt_small), T(test_2d_gpa_beyond_npt_reach),
		T(test_2d_bad_arguments),
	};

	return cmocka_run_group_tests_name("mmu_npt", tests, NULL, NULL);
}
