/* The page walker, one architectural rule at a time. Each test builds a
 * small table by hand, walks it, and checks the outcome and the exact
 * page-fault error code. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mmu/walk.h"
#include "tests/unit/mmu/host_machine.h"
#include "tests/unit/mmu/pt_builder.h"

#define UP	(PTE_P | PTE_W | PTE_U)
#define LEAF	(PTE_P | PTE_W | PTE_U)
#define VA	0x00007f1234567abcULL	/* user half, canonical */
#define PA_4K	0x0000000012345000ULL
#define PA_2M	0x0000000040000000ULL
#define PA_1G	0x0000000080000000ULL
#define W	MMU_ACC_WRITE
#define U	MMU_ACC_USER
#define X	MMU_ACC_FETCH
#define R	0u

struct fixture {
	struct host_machine *hm;
	struct ptb b;
	struct mmu_tables t;
	struct mmu_mode m;
	struct mmu_walk w;
};

static struct fixture *F;

static uint64_t *fx_ptr(void *ctx, uint64_t addr)
{
	return hm_table(ctx, addr);
}

static uint64_t fx_alloc(void *ctx)
{
	return hm_alloc(ctx);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->hm = hm_create(64, 1, 0);
	f->b = (struct ptb){ .ptr = fx_ptr, .alloc = fx_alloc, .ctx = f->hm };
	f->b.root = hm_alloc(f->hm);
	f->t = (struct mmu_tables){ .direct_base = (uintptr_t)f->hm->mem };
	f->m = (struct mmu_mode){ .cr0 = MMU_CR0_WP, .efer = MMU_EFER_NXE };
	F = f;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	hm_destroy(f->hm);
	free(f);
	return 0;
}

static int walk(uint64_t va, unsigned int access)
{
	return mmu_walk(&F->m, &F->t, F->b.root, va, access, 0, &F->w);
}

static int walk_ad(uint64_t va, unsigned int access)
{
	return mmu_walk(&F->m, &F->t, F->b.root, va, access, MMU_WALK_SET_AD, &F->w);
}

static void map_4k(void)
{
	ptb_map(&F->b, VA, PA_4K, 1, UP, LEAF);
}

static uint64_t *entry(int level)
{
	uint64_t *e = ptb_entry(&F->b, VA, level);

	assert_non_null(e);
	return e;
}

/* The walk must fault with exactly `ec`. */
static void expect_pf(uint64_t va, unsigned int access, uint32_t ec)
{
	assert_int_equal(walk(va, access), MMU_WALK_PF);
	assert_int_equal(F->w.error_code, ec);
}

static void expect_ok(uint64_t va, unsigned int access)
{
	assert_int_equal(walk(va, access), MMU_WALK_OK);
	assert_int_equal(F->w.error_code, 0);
}

/* ---- translation ---- */

static void test_4k_translates(void **state)
{
	(void)state;
	map_4k();
	expect_ok(VA, R | U);
	assert_int_equal(F->w.addr, PA_4K | (VA & 0xfff));
	assert_int_equal(F->w.level, 1);
	assert_int_equal(F->w.entry[1], PA_4K | LEAF);
	assert_int_equal(F->w.table[4], F->b.root);
	assert_true(F->w.writable && F->w.user && F->w.exec);
}

static void test_2m_translates(void **state)
{
	(void)state;
	ptb_map(&F->b, VA, PA_2M, 2, UP, LEAF);
	expect_ok(VA, R);
	assert_int_equal(F->w.addr, PA_2M | (VA & 0x1fffff));
	assert_int_equal(F->w.level, 2);
}

static void test_1g_translates(void **state)
{
	(void)state;
	ptb_map(&F->b, VA, PA_1G, 3, UP, LEAF);
	expect_ok(VA, R);
	assert_int_equal(F->w.addr, PA_1G | (VA & 0x3fffffff));
	assert_int_equal(F->w.level, 3);
}

/* Bit 12 of a large leaf is PAT, not address. */
static void test_large_pat_bit_is_not_address(void **state)
{
	(void)state;
	ptb_map(&F->b, VA, PA_2M, 2, UP, LEAF | PTE_PAT_LARGE);
	expect_ok(VA, R);
	assert_int_equal(F->w.addr, PA_2M | (VA & 0x1fffff));
	ptb_map(&F->b, VA, PA_1G, 3, UP, LEAF | PTE_PAT_LARGE);
	expect_ok(VA, R);
	assert_int_equal(F->w.addr, PA_1G | (VA & 0x3fffffff));
}

static void test_cr3_pcid_and_flag_bits_ignored(void **state)
{
	(void)state;
	map_4k();
	assert_int_equal(mmu_walk(&F->m, &F->t, F->b.root | 0xfff | (1ULL << 63), VA,
				  R, 0, &F->w), MMU_WALK_OK);
	assert_int_equal(F->w.addr, PA_4K | (VA & 0xfff));
}

static void test_kernel_half_address(void **state)
{
	uint64_t kva = 0xffff888000201000ULL;

	(void)state;
	ptb_map(&F->b, kva, PA_4K, 1, PTE_P | PTE_W, PTE_P | PTE_W);
	expect_ok(kva, W);
	assert_int_equal(F->w.addr, PA_4K);
}

/* ---- not present (P=0 in the error code) ---- */

static void test_not_present_each_level(void **state)
{
	int level;

	(void)state;
	for (level = 4; level >= 1; level--) {
		map_4k();
		*entry(level) &= ~PTE_P;
		expect_pf(VA, R | U, MMU_PF_U);
		assert_int_equal(F->w.level, level);
		expect_pf(VA, W, MMU_PF_W);
		expect_pf(VA, X | U, MMU_PF_U | MMU_PF_ID);
		expect_pf(VA, R, 0);
	}
}

static void test_empty_root(void **state)
{
	(void)state;
	expect_pf(VA, W | U, MMU_PF_W | MMU_PF_U);
	assert_int_equal(F->w.level, 4);
}

/* ---- error-code bits for the access ---- */

static void test_id_bit_needs_nxe_or_smep(void **state)
{
	(void)state;
	F->m.efer = 0;
	expect_pf(VA, X, 0);
	F->m.cr4 = MMU_CR4_SMEP;
	expect_pf(VA, X, MMU_PF_ID);
	F->m.cr4 = 0;
	F->m.efer = MMU_EFER_NXE;
	expect_pf(VA, X, MMU_PF_ID);
	assert_int_equal(mmu_access_error_bits(&F->m, W | U), MMU_PF_W | MMU_PF_U);
	assert_int_equal(mmu_access_error_bits(&F->m, R | MMU_ACC_IMPLICIT), 0);
}

/* ---- reserved bits (P=1, RSVD=1) ---- */

static void expect_rsvd_at(int level, unsigned int access)
{
	expect_pf(VA, access, MMU_PF_P | MMU_PF_RSVD |
		  mmu_access_error_bits(&F->m, access));
	assert_int_equal(F->w.level, level);
}

static void test_rsvd_maxphyaddr_each_level(void **state)
{
	int level;

	(void)state;
	F->m.maxphyaddr = 40;
	for (level = 4; level >= 1; level--) {
		map_4k();
		*entry(level) |= 1ULL << 45;
		expect_rsvd_at(level, R | U);
		expect_rsvd_at(level, W);
		*entry(level) &= ~(1ULL << 45);
		*entry(level) |= 1ULL << 51;
		expect_rsvd_at(level, X | U);
		*entry(level) &= ~(1ULL << 51);
		*entry(level) |= 1ULL << 39;	/* below the width: an address bit */
		if (level == 1) {
			expect_ok(VA, R);
			assert_int_equal(F->w.addr, PA_4K | (1ULL << 39) | (VA & 0xfff));
		}
		*entry(level) &= ~(1ULL << 39);
	}
}

/* An all-ones PTE on a 40-bit CPU: #PF with RSVD, for every access. */
static void test_rsvd_all_ones_pte(void **state)
{
	(void)state;
	F->m.maxphyaddr = 40;
	map_4k();
	*entry(1) = ~0ULL;
	expect_rsvd_at(1, R);
	expect_rsvd_at(1, W | U);
	expect_rsvd_at(1, X);
}

static void test_rsvd_full_width_has_none(void **state)
{
	(void)state;
	map_4k();
	*entry(1) |= 1ULL << 51;
	expect_ok(VA, R);
	assert_int_equal(F->w.addr, PA_4K | (1ULL << 51) | (VA & 0xfff));
}

static void test_rsvd_nx_without_nxe_each_level(void **state)
{
	int level;

	(void)state;
	F->m.efer = 0;
	for (level = 4; level >= 1; level--) {
		map_4k();
		*entry(level) |= PTE_NX;
		expect_rsvd_at(level, R);
		expect_rsvd_at(level, X | U);
		*entry(level) &= ~PTE_NX;
	}
	expect_ok(VA, X);
}

static void test_rsvd_ps_in_pml4e(void **state)
{
	(void)state;
	map_4k();
	*entry(4) |= PTE_PS;
	expect_rsvd_at(4, R);
}

static void test_rsvd_1g_when_unsupported(void **state)
{
	(void)state;
	ptb_map(&F->b, VA, PA_1G, 3, UP, LEAF);
	F->m.no_1g_pages = true;
	expect_rsvd_at(3, R);
	F->m.no_1g_pages = false;
	expect_ok(VA, R);
}

static void test_rsvd_1g_low_bits(void **state)
{
	int bit;

	(void)state;
	for (bit = 13; bit <= 29; bit++) {
		ptb_map(&F->b, VA, PA_1G | (1ULL << bit), 3, UP, LEAF);
		expect_rsvd_at(3, W | U);
	}
}

static void test_rsvd_2m_low_bits(void **state)
{
	int bit;

	(void)state;
	for (bit = 13; bit <= 20; bit++) {
		ptb_map(&F->b, VA, PA_2M | (1ULL << bit), 2, UP, LEAF);
		expect_rsvd_at(2, R);
	}
	/* The same bits in a non-leaf PDE are table address bits. */
	map_4k();
	expect_ok(VA, R);
}

static void test_rsvd_beats_later_not_present(void **state)
{
	(void)state;
	map_4k();
	F->m.maxphyaddr = 36;
	*entry(1) &= ~PTE_P;
	*entry(3) |= 1ULL << 40;
	expect_rsvd_at(3, R);
}

static void test_no_rsvd_in_ignored_bits(void **state)
{
	(void)state;
	map_4k();
	*entry(4) |= PTE_AVAIL_LOW_MASK | PTE_AVAIL_HIGH_MASK | PTE_G | PTE_D;
	*entry(3) |= PTE_AVAIL_HIGH_MASK | PTE_G;
	*entry(1) |= PTE_PAT_4K | PTE_PKEY_MASK | PTE_G;
	expect_ok(VA, R);
}

/* ---- R/W and CR0.WP ---- */

static void test_user_write_needs_rw_every_level(void **state)
{
	int level;

	(void)state;
	for (level = 4; level >= 1; level--) {
		map_4k();
		*entry(level) &= ~PTE_W;
		expect_pf(VA, W | U, MMU_PF_P | MMU_PF_W | MMU_PF_U);
		assert_false(F->w.writable);
		expect_ok(VA, R | U);
		F->m.cr0 = 0;	/* WP does not matter to user mode */
		expect_pf(VA, W | U, MMU_PF_P | MMU_PF_W | MMU_PF_U);
		F->m.cr0 = MMU_CR0_WP;
	}
}

static void test_supervisor_write_and_wp(void **state)
{
	int level;

	(void)state;
	for (level = 4; level >= 1; level--) {
		ptb_map(&F->b, VA, PA_4K, 1, PTE_P | PTE_W, PTE_P | PTE_W);
		*entry(level) &= ~PTE_W;
		F->m.cr0 = MMU_CR0_WP;
		expect_pf(VA, W, MMU_PF_P | MMU_PF_W);
		F->m.cr0 = 0;
		expect_ok(VA, W);
	}
	/* WP=0 also lets the supervisor write read-only user pages. */
	ptb_map(&F->b, VA, PA_4K, 1, UP, PTE_P | PTE_U);
	expect_ok(VA, W);
}

/* ---- U/S ---- */

static void test_user_needs_us_every_level(void **state)
{
	int level;

	(void)state;
	for (level = 4; level >= 1; level--) {
		map_4k();
		*entry(level) &= ~PTE_U;
		expect_pf(VA, R | U, MMU_PF_P | MMU_PF_U);
		expect_pf(VA, W | U, MMU_PF_P | MMU_PF_W | MMU_PF_U);
		expect_pf(VA, X | U, MMU_PF_P | MMU_PF_U | MMU_PF_ID);
		assert_false(F->w.user);
		expect_ok(VA, R);
		expect_ok(VA, W);
		expect_ok(VA, X);
	}
}

/* ---- NX ---- */

static void test_nx_each_level(void **state)
{
	int level;

	(void)state;
	for (level = 4; level >= 1; level--) {
		map_4k();
		*entry(level) |= PTE_NX;
		expect_pf(VA, X | U, MMU_PF_P | MMU_PF_U | MMU_PF_ID);
		expect_pf(VA, X, MMU_PF_P | MMU_PF_ID);
		assert_false(F->w.exec);
		expect_ok(VA, R | U);
		expect_ok(VA, W | U);
	}
}

static void test_nx_large_leaf(void **state)
{
	(void)state;
	ptb_map(&F->b, VA, PA_2M, 2, UP, LEAF | PTE_NX);
	expect_pf(VA, X, MMU_PF_P | MMU_PF_ID);
	ptb_map(&F->b, VA, PA_1G, 3, UP, LEAF | PTE_NX);
	expect_pf(VA, X | U, MMU_PF_P | MMU_PF_ID | MMU_PF_U);
}

/* ---- SMEP ---- */

static void test_smep(void **state)
{
	(void)state;
	map_4k();
	F->m.cr4 = MMU_CR4_SMEP;
	expect_pf(VA, X, MMU_PF_P | MMU_PF_ID);
	expect_ok(VA, X | U);		/* user fetch unaffected */
	expect_ok(VA, R);		/* data unaffected */
	F->m.cr4 = 0;
	expect_ok(VA, X);
	/* A supervisor page is fine under SMEP, even if only one level lacks U. */
	F->m.cr4 = MMU_CR4_SMEP;
	*entry(3) &= ~PTE_U;
	expect_ok(VA, X);
	/* SMEP with NXE off still reports I/D. */
	*entry(3) |= PTE_U;
	F->m.efer = 0;
	expect_pf(VA, X, MMU_PF_P | MMU_PF_ID);
}

/* ---- SMAP and RFLAGS.AC ---- */

static void test_smap(void **state)
{
	(void)state;
	map_4k();
	F->m.cr4 = MMU_CR4_SMAP;
	expect_pf(VA, R, MMU_PF_P);
	expect_pf(VA, W, MMU_PF_P | MMU_PF_W);
	expect_ok(VA, R | MMU_ACC_AC);
	expect_ok(VA, W | MMU_ACC_AC);
	expect_ok(VA, X);			/* fetches are SMEP's business */
	expect_ok(VA, R | U);
	expect_ok(VA, W | U | MMU_ACC_AC);
	F->m.cr4 = 0;
	expect_ok(VA, R);
}

static void test_smap_implicit_ignores_ac(void **state)
{
	(void)state;
	map_4k();
	F->m.cr4 = MMU_CR4_SMAP;
	expect_pf(VA, R | MMU_ACC_IMPLICIT | MMU_ACC_AC, MMU_PF_P);
	expect_pf(VA, W | MMU_ACC_IMPLICIT | MMU_ACC_AC, MMU_PF_P | MMU_PF_W);
	*entry(2) &= ~PTE_U;		/* supervisor page: SMAP does not apply */
	expect_ok(VA, R | MMU_ACC_IMPLICIT);
}

static void test_smap_with_ac_still_honours_wp(void **state)
{
	(void)state;
	map_4k();
	*entry(1) &= ~PTE_W;
	F->m.cr4 = MMU_CR4_SMAP;
	expect_pf(VA, W | MMU_ACC_AC, MMU_PF_P | MMU_PF_W);
	F->m.cr0 = 0;
	expect_ok(VA, W | MMU_ACC_AC);
}

/* ---- protection keys ---- */

static void set_key(unsigned int key)
{
	*entry(1) = (*entry(1) & ~PTE_PKEY_MASK) | ((uint64_t)key << PTE_PKEY_SHIFT);
}

static void test_pkey_access_disable(void **state)
{
	(void)state;
	map_4k();
	set_key(5);
	F->m.cr4 = MMU_CR4_PKE;
	F->m.pkru = MMU_PKRU_AD(5);
	expect_pf(VA, R | U, MMU_PF_P | MMU_PF_U | MMU_PF_PK);
	expect_pf(VA, W | U, MMU_PF_P | MMU_PF_W | MMU_PF_U | MMU_PF_PK);
	expect_pf(VA, R, MMU_PF_P | MMU_PF_PK);	/* supervisor too */
	expect_ok(VA, X | U);			/* fetches ignore keys */
	assert_int_equal(F->w.pkey, 5);
	F->m.pkru = MMU_PKRU_AD(4) | MMU_PKRU_AD(6);
	expect_ok(VA, R | U);
}

static void test_pkey_write_disable(void **state)
{
	(void)state;
	map_4k();
	set_key(15);
	F->m.cr4 = MMU_CR4_PKE;
	F->m.pkru = MMU_PKRU_WD(15);
	expect_ok(VA, R | U);
	expect_pf(VA, W | U, MMU_PF_P | MMU_PF_W | MMU_PF_U | MMU_PF_PK);
	expect_pf(VA, W, MMU_PF_P | MMU_PF_W | MMU_PF_PK);
	F->m.cr0 = 0;				/* supervisor WD needs WP */
	expect_ok(VA, W);
	expect_pf(VA, W | U, MMU_PF_P | MMU_PF_W | MMU_PF_U | MMU_PF_PK);
}

static void test_pkey_only_user_pages_and_pke(void **state)
{
	(void)state;
	map_4k();
	set_key(3);
	F->m.pkru = MMU_PKRU_AD(3) | MMU_PKRU_WD(3);
	expect_ok(VA, W | U);			/* PKE off */
	F->m.cr4 = MMU_CR4_PKE;
	*entry(4) &= ~PTE_U;			/* supervisor page */
	expect_ok(VA, W);
	expect_pf(VA, R | U, MMU_PF_P | MMU_PF_U);	/* U/S fault, no PK */
}

static void test_pkey_with_paging_violation_sets_both(void **state)
{
	(void)state;
	map_4k();
	set_key(2);
	*entry(1) &= ~PTE_W;
	F->m.cr4 = MMU_CR4_PKE;
	F->m.pkru = MMU_PKRU_WD(2);
	expect_pf(VA, W | U, MMU_PF_P | MMU_PF_W | MMU_PF_U | MMU_PF_PK);
	F->m.pkru = 0;
	expect_pf(VA, W | U, MMU_PF_P | MMU_PF_W | MMU_PF_U);
}

static void test_pkey_with_smap(void **state)
{
	(void)state;
	map_4k();
	set_key(1);
	F->m.cr4 = MMU_CR4_PKE | MMU_CR4_SMAP;
	F->m.pkru = MMU_PKRU_AD(1);
	expect_pf(VA, R | MMU_ACC_AC, MMU_PF_P | MMU_PF_PK);
	expect_pf(VA, R, MMU_PF_P | MMU_PF_PK);
}

static void test_pkey_of_large_leaf(void **state)
{
	(void)state;
	ptb_map(&F->b, VA, PA_2M, 2, UP, LEAF | (9ULL << PTE_PKEY_SHIFT));
	F->m.cr4 = MMU_CR4_PKE;
	F->m.pkru = MMU_PKRU_AD(9);
	expect_pf(VA, R | U, MMU_PF_P | MMU_PF_U | MMU_PF_PK);
	assert_int_equal(F->w.pkey, 9);
}

/* ---- accessed and dirty ---- */

static void test_read_sets_accessed_not_dirty(void **state)
{
	int level;

	(void)state;
	map_4k();
	assert_int_equal(walk_ad(VA, R | U), MMU_WALK_OK);
	for (level = 4; level >= 1; level--) {
		assert_true(*entry(level) & PTE_A);
		assert_false(*entry(level) & PTE_D);
	}
	assert_true(F->w.entry[1] & PTE_A);
}

static void test_write_sets_dirty_in_leaf_only(void **state)
{
	int level;

	(void)state;
	map_4k();
	assert_int_equal(walk_ad(VA, W | U), MMU_WALK_OK);
	for (level = 4; level >= 2; level--)
		assert_int_equal(*entry(level) & (PTE_A | PTE_D), PTE_A);
	assert_int_equal(*entry(1) & (PTE_A | PTE_D), PTE_A | PTE_D);
}

static void test_dirty_in_large_leaves(void **state)
{
	(void)state;
	ptb_map(&F->b, VA, PA_2M, 2, UP, LEAF);
	assert_int_equal(walk_ad(VA, W), MMU_WALK_OK);
	assert_true(*entry(2) & PTE_D);
	assert_false(*entry(3) & PTE_D);
	ptb_map(&F->b, VA, PA_1G, 3, UP, LEAF);
	assert_int_equal(walk_ad(VA, W), MMU_WALK_OK);
	assert_true(*entry(3) & PTE_D);
	assert_false(*entry(4) & PTE_D);
}

static void test_fault_leaves_ad_alone(void **state)
{
	uint64_t before[5];
	int level;

	(void)state;
	map_4k();
	*entry(1) &= ~PTE_W;
	for (level = 4; level >= 1; level--)
		before[level] = *entry(level);
	assert_int_equal(walk_ad(VA, W | U), MMU_WALK_PF);
	for (level = 4; level >= 1; level--)
		assert_int_equal(*entry(level), before[level]);
}

static void test_no_ad_without_flag(void **state)
{
	(void)state;
	map_4k();
	expect_ok(VA, W);
	assert_false(*entry(1) & (PTE_A | PTE_D));
	assert_false(*entry(4) & PTE_A);
}

static void test_recursive_slot_ad_converges(void **state)
{
	/* L4 slot 0x1ed points at the L4 itself: the VA whose indices are
	 * all 0x1ed uses that one entry at all four levels, and the root
	 * itself is the "page". */
	uint64_t self = 0x1edULL;
	uint64_t va = 0xffff000000000000ULL | self << 39 | self << 30 | self << 21 |
		      self << 12 | 0x18;
	uint64_t *slot = &hm_table(F->hm, F->b.root)[self];

	(void)state;
	*slot = F->b.root | PTE_P | PTE_W;
	assert_int_equal(walk_ad(va, W), MMU_WALK_OK);
	assert_int_equal(F->w.addr, F->b.root | 0x18);
	assert_int_equal(*slot & (PTE_A | PTE_D), PTE_A | PTE_D);
}

/* ---- PV options: MMU_WALK_FORCE_USER, MMU_WALK_LINEAR_RO ---- */

static int walk_flags(uint64_t va, unsigned int access, unsigned int flags)
{
	return mmu_walk(&F->m, &F->t, F->b.root, va, access, flags, &F->w);
}

static void test_force_user_ignores_us(void **state)
{
	int level;

	(void)state;
	for (level = 4; level >= 1; level--) {
		map_4k();
		*entry(level) &= ~PTE_U;
		assert_int_equal(walk_flags(VA, R | U, MMU_WALK_FORCE_USER), MMU_WALK_OK);
		assert_true(F->w.user);
		assert_int_equal(walk_flags(VA, W | U, MMU_WALK_FORCE_USER), MMU_WALK_OK);
		/* Every other rule still holds: R/W and NX. */
		*entry(level) &= ~PTE_W;
		assert_int_equal(walk_flags(VA, W | U, MMU_WALK_FORCE_USER), MMU_WALK_PF);
		assert_int_equal(F->w.error_code, MMU_PF_P | MMU_PF_W | MMU_PF_U);
		*entry(level) |= PTE_NX;
		assert_int_equal(walk_flags(VA, X | U, MMU_WALK_FORCE_USER), MMU_WALK_PF);
		assert_int_equal(F->w.error_code, MMU_PF_P | MMU_PF_U | MMU_PF_ID);
		*entry(level) |= PTE_U | PTE_W;
		*entry(level) &= ~PTE_NX;
	}
	*entry(1) &= ~PTE_P;
	assert_int_equal(walk_flags(VA, R | U, MMU_WALK_FORCE_USER), MMU_WALK_PF);
	assert_int_equal(F->w.error_code, MMU_PF_U);
}

static void test_linear_ro_self_map(void **state)
{
	uint64_t self = 0x1edULL;
	uint64_t va = 0xffff000000000000ULL | self << 39 | self << 30 | self << 21 |
		      self << 12 | 0x18;
	uint64_t *slot = &hm_table(F->hm, F->b.root)[self];

	(void)state;
	map_4k();
	*slot = F->b.root | PTE_P | PTE_W | PTE_U;
	assert_int_equal(walk_flags(va, R | U, MMU_WALK_LINEAR_RO), MMU_WALK_OK);
	assert_int_equal(F->w.addr, F->b.root | 0x18);
	assert_int_equal(walk_flags(va, W | U, MMU_WALK_LINEAR_RO), MMU_WALK_PF);
	assert_int_equal(F->w.error_code, MMU_PF_P | MMU_PF_W | MMU_PF_U);
	/* Only through the self-map: other L4 entries keep their R/W. */
	assert_int_equal(walk_flags(VA, W | U, MMU_WALK_LINEAR_RO), MMU_WALK_OK);
	/* Without the flag the self-map is as writable as its entry. */
	assert_int_equal(walk_flags(va, W | U, 0), MMU_WALK_OK);
}

/* ---- bad input and unreadable tables ---- */

static void test_noncanonical(void **state)
{
	(void)state;
	map_4k();
	assert_int_equal(walk(0x0000800000000000ULL, R), MMU_WALK_NONCANONICAL);
	assert_int_equal(walk(0xfffe000000000000ULL, R), MMU_WALK_NONCANONICAL);
	assert_int_equal(mmu_walk(&F->m, &F->t, F->b.root, 1ULL << 48, R,
				  MMU_WALK_PHYS_INPUT, &F->w), MMU_WALK_NONCANONICAL);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	map_4k();
	assert_int_equal(walk(VA, U | MMU_ACC_IMPLICIT), -EINVAL);
	assert_int_equal(walk(VA, X | W), -EINVAL);
	assert_int_equal(walk(VA, 1u << 12), -EINVAL);
	assert_int_equal(mmu_walk(&F->m, &F->t, F->b.root, VA, R, 1u << 7, &F->w), -EINVAL);
	assert_int_equal(mmu_walk(NULL, &F->t, F->b.root, VA, R, 0, &F->w), -EINVAL);
	assert_int_equal(mmu_walk(&F->m, &F->t, F->b.root, VA, R, 0, NULL), -EINVAL);
}

static uint64_t *refuse_high(void *ctx, uint64_t addr)
{
	struct host_machine *hm = ctx;

	return addr >= 8 * 4096 ? NULL : hm_table(hm, addr);
}

static void test_unreadable_table(void **state)
{
	struct mmu_tables t = { .map = refuse_high, .ctx = F->hm };
	uint64_t far = 40 * 4096ULL;

	(void)state;
	map_4k();
	*entry(2) = far | UP;
	assert_int_equal(mmu_walk(&F->m, &t, F->b.root, VA, R, 0, &F->w), MMU_WALK_NO_TABLE);
	assert_int_equal(F->w.level, 1);
	assert_int_equal(F->w.table[1], far);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_4k_translates), T(test_2m_translates), T(test_1g_translates),
		T(test_large_pat_bit_is_not_address),
		T(test_cr3_pcid_and_flag_bits_ignored), T(test_kernel_half_address),
		T(test_not_present_each_level), T(test_empty_root),
		T(test_id_bit_needs_nxe_or_smep),
		T(test_rsvd_maxphyaddr_each_level), T(test_rsvd_all_ones_pte),
		T(test_rsvd_full_width_has_none),
		T(test_rsvd_nx_without_nxe_each_level), T(test_rsvd_ps_in_pml4e),
		T(test_rsvd_1g_when_unsupported), T(test_rsvd_1g_low_bits),
		T(test_rsvd_2m_low_bits), T(test_rsvd_beats_later_not_present),
		T(test_no_rsvd_in_ignored_bits),
		T(test_user_write_needs_rw_every_level), T(test_supervisor_write_and_wp),
		T(test_user_needs_us_every_level),
		T(test_nx_each_level), T(test_nx_large_leaf),
		T(test_smep), T(test_smap), T(test_smap_implicit_ignores_ac),
		T(test_smap_with_ac_still_honours_wp),
		T(test_pkey_access_disable), T(test_pkey_write_disable),
		T(test_pkey_only_user_pages_and_pke),
		T(test_pkey_with_paging_violation_sets_both), T(test_pkey_with_smap),
		T(test_pkey_of_large_leaf),
		T(test_read_sets_accessed_not_dirty), T(test_write_sets_dirty_in_leaf_only),
		T(test_dirty_in_large_leaves), T(test_fault_leaves_ad_alone),
		T(test_no_ad_without_flag), T(test_recursive_slot_ad_converges),
		T(test_force_user_ignores_us), T(test_linear_ro_self_map),
		T(test_noncanonical), T(test_bad_arguments), T(test_unreadable_table),
	};

	return cmocka_run_group_tests_name("mmu_walk", tests, NULL, NULL);
}
