/* The classic shadow engine, rule by rule: fills and A/D propagation,
 * injected faults with exact error codes, memory tracing of guest page
 * tables, φ (cached roots), ω (back-pointers), large pages, INVLPG, CR3,
 * memory pressure and bad input. Every test ends with shadow_audit() and
 * a check that the domain gave back every page. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/mmu/guest_env.h"

#define URW	(PTE_P | PTE_W | PTE_U)
#define KRW	(PTE_P | PTE_W)
#define UVA	0x00007f0000200000ULL
#define KDM	0xffff888000000000ULL		/* guest's direct map of its RAM */
#define DATA	0x00800000ULL
#define DATA2	0x00801000ULL
#define DATA3	0x00802000ULL
#define BIG	0x00400000ULL			/* a 2 MiB-aligned guest extent */
#define R	0u
#define W	MMU_ACC_WRITE
#define U	MMU_ACC_USER
#define X	MMU_ACC_FETCH

static struct genv *E;

static int setup(void **state)
{
	E = genv_create(NULL);
	*state = E;
	return 0;
}

static int teardown(void **state)
{
	genv_destroy(*state);
	return 0;
}

static struct shadow_counters counters(void)
{
	struct shadow_counters c;

	shadow_get_counters(E->d, &c);
	return c;
}

static void map_direct(uint64_t first_gfn, uint64_t n)
{
	uint64_t g;

	for (g = first_gfn; g < first_gfn + n; g++)
		ptb_map(&E->b, KDM + (g << 12), g << 12, 1, KRW, KRW);
}

static void audit_ok(void)
{
	const char *why = NULL;

	if (shadow_audit(E->d, &why))
		fail_msg("audit: %s", why);
}

/* ---- fills and accessed/dirty ---- */

static void test_fill_read_then_write(void **state)
{
	int level;

	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	genv_expect_fixed(E, UVA + 0x10, R | U, DATA + 0x10);
	for (level = 4; level >= 1; level--)
		assert_int_equal(genv_entry(E, UVA, level) & (PTE_A | PTE_D), PTE_A);
	assert_true(genv_hw_allows(E, UVA, R | U));
	/* Read-only until the guest's D is set. */
	assert_false(genv_hw_allows(E, UVA, W | U));
	genv_expect_fixed(E, UVA + 0x20, W | U, DATA + 0x20);
	assert_int_equal(genv_entry(E, UVA, 1) & PTE_D, PTE_D);
	assert_int_equal(genv_entry(E, UVA, 2) & PTE_D, 0);
	assert_true(genv_hw_allows(E, UVA, W | U));
	assert_int_equal(counters().hidden_faults, 2);
	assert_int_equal(counters().fills, 2);
	assert_int_equal(counters().shadow_pages, 4);
	assert_true(counters().entries_filled >= 5);
	audit_ok();
}

static void test_dirty_already_set_maps_writable(void **state)
{
	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW | PTE_D);
	genv_expect_fixed(E, UVA, R | U, DATA);
	assert_true(genv_hw_allows(E, UVA, W | U));
}

static void test_cleared_accessed_refaults(void **state)
{
	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	genv_expect_fixed(E, UVA, W | U, DATA);
	genv_set_entry(E, UVA, 3, genv_entry(E, UVA, 3) & ~PTE_A);
	assert_false(genv_hw_allows(E, UVA, R | U));
	genv_expect_fixed(E, UVA, R | U, DATA);
	assert_true(genv_entry(E, UVA, 3) & PTE_A);
	genv_set_entry(E, UVA, 1, genv_entry(E, UVA, 1) & ~PTE_D);
	assert_true(genv_hw_allows(E, UVA, R | U));
	assert_false(genv_hw_allows(E, UVA, W | U));
	genv_expect_fixed(E, UVA, W | U, DATA);
	assert_true(genv_entry(E, UVA, 1) & PTE_D);
}

/* ---- the guest's own faults are injected, exactly ---- */

static void test_inject_not_present_and_us(void **state)
{
	(void)state;
	genv_new_space(E);
	genv_expect_inject(E, UVA, R | U, MMU_PF_U);
	genv_expect_inject(E, UVA, W, MMU_PF_W);
	ptb_map(&E->b, UVA, DATA, 1, URW, KRW);
	genv_expect_inject(E, UVA, R | U, MMU_PF_P | MMU_PF_U);
	genv_expect_inject(E, UVA, W | U, MMU_PF_P | MMU_PF_W | MMU_PF_U);
	assert_int_equal(genv_entry(E, UVA, 1) & PTE_A, 0);	/* faults set no A */
	genv_expect_fixed(E, UVA, W, DATA);
	assert_int_equal(counters().injected, 4);
}

static void test_inject_rsvd_and_nx(void **state)
{
	(void)state;
	genv_new_space(E);
	E->mode.maxphyaddr = 46;
	assert_int_equal(shadow_set_mode(E->v, &E->mode), 0);
	ptb_map(&E->b, UVA, DATA | (1ULL << 47), 1, URW, URW);
	genv_expect_inject(E, UVA, R | U, MMU_PF_P | MMU_PF_RSVD | MMU_PF_U);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW | PTE_NX);
	genv_expect_inject(E, UVA, X | U, MMU_PF_P | MMU_PF_U | MMU_PF_ID);
	genv_expect_fixed(E, UVA, R | U, DATA);
	assert_false(genv_hw_allows(E, UVA, X | U));	/* NX reached the shadow */
	E->mode.efer = 0;			/* NX is now a reserved bit */
	assert_int_equal(shadow_set_mode(E->v, &E->mode), 0);
	genv_expect_inject(E, UVA, R | U, MMU_PF_P | MMU_PF_RSVD | MMU_PF_U);
}

/* An all-ones guest entry at any level, with the CPU's real width (40
 * bits): the guest gets #PF with RSVD. Above level 1 PS is set and makes
 * it reserved anyway; an all-ones PTE, though, with the width left at its
 * 52-bit default, names a frame outside guest RAM: a p2m fault, for which
 * the domain is crashed. So the caller must pass the real width. */
static void test_all_ones_entry_is_rsvd_fault(void **state)
{
	(void)state;
	for (int level = 4; level >= 1; level--) {
		genv_new_space(E);
		ptb_map(&E->b, UVA, DATA, 1, URW, URW);
		E->mode.maxphyaddr = 40;
		assert_int_equal(shadow_set_mode(E->v, &E->mode), 0);
		genv_set_entry(E, UVA, level, ~0ULL);
		genv_expect_inject(E, UVA, R | U, MMU_PF_P | MMU_PF_RSVD | MMU_PF_U);
		genv_expect_inject(E, UVA, W, MMU_PF_P | MMU_PF_RSVD | MMU_PF_W);
		E->mode.maxphyaddr = 0;
		assert_int_equal(shadow_set_mode(E->v, &E->mode), 0);
		if (level == 1)
			assert_int_equal(genv_acc(E, UVA, R | U).action, SHADOW_P2M_FAULT);
		else
			genv_expect_inject(E, UVA, R | U, MMU_PF_P | MMU_PF_RSVD | MMU_PF_U);
	}
}

static void test_inject_smep_smap(void **state)
{
	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW | PTE_D);
	E->mode.cr4 = MMU_CR4_SMEP | MMU_CR4_SMAP;
	assert_int_equal(shadow_set_mode(E->v, &E->mode), 0);
	genv_expect_inject(E, UVA, X, MMU_PF_P | MMU_PF_ID);
	genv_expect_inject(E, UVA, R, MMU_PF_P);
	genv_expect_fixed(E, UVA, R | MMU_ACC_AC, DATA);
	/* The shadow now maps it, but the processor still applies SMAP. */
	assert_false(genv_hw_allows(E, UVA, W));
	genv_expect_inject(E, UVA, W, MMU_PF_P | MMU_PF_W);
	genv_expect_inject(E, UVA, W | MMU_ACC_IMPLICIT | MMU_ACC_AC, MMU_PF_P | MMU_PF_W);
	genv_expect_fixed(E, UVA, X | U, DATA);
}

static void test_inject_pkey(void **state)
{
	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW | PTE_D | (3ULL << PTE_PKEY_SHIFT));
	E->mode.cr4 = MMU_CR4_PKE;
	E->mode.pkru = MMU_PKRU_WD(3);
	assert_int_equal(shadow_set_mode(E->v, &E->mode), 0);
	genv_expect_fixed(E, UVA, R | U, DATA);
	genv_expect_inject(E, UVA, W | U, MMU_PF_P | MMU_PF_W | MMU_PF_U | MMU_PF_PK);
	E->mode.pkru = MMU_PKRU_AD(3);
	assert_int_equal(shadow_set_mode(E->v, &E->mode), 0);
	assert_false(genv_hw_allows(E, UVA, R | U));	/* key copied into the shadow */
	genv_expect_inject(E, UVA, R | U, MMU_PF_P | MMU_PF_U | MMU_PF_PK);
}

static void test_wp_off_supervisor_write_emulated(void **state)
{
	struct gaccess a;

	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, PTE_P | PTE_U);
	E->mode.cr0 = 0;
	assert_int_equal(shadow_set_mode(E->v, &E->mode), 0);
	a = genv_acc(E, UVA + 8, W);
	assert_int_equal(a.action, SHADOW_EMULATE);
	assert_int_equal(a.maddr, genv_maddr(DATA + 8));
	assert_true(genv_entry(E, UVA, 1) & PTE_D);
	genv_expect_inject(E, UVA, W | U, MMU_PF_P | MMU_PF_W | MMU_PF_U);
	assert_int_equal(counters().emulations, 1);
}

/* ---- memory tracing ---- */

static void test_page_tables_are_write_protected(void **state)
{
	uint64_t l1, fresh;
	struct gaccess a;

	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	map_direct(GENV_TABLE_GFN, 48);
	genv_expect_fixed(E, UVA, R | U, DATA);
	l1 = genv_entry_gpa(E, UVA, 1) & ~0xfffULL;
	assert_true(shadow_gfn_is_tracked(E->d, l1 >> 12));
	assert_false(shadow_gfn_is_tracked(E->d, DATA >> 12));
	genv_expect_fixed(E, KDM + l1, R, l1);			/* readable */
	a = genv_acc(E, KDM + l1 + 8, W);
	assert_int_equal(a.action, SHADOW_EMULATE_PT_WRITE);
	assert_int_equal(a.gpa, l1 + 8);
	assert_int_equal(a.maddr, genv_maddr(l1 + 8));
	assert_int_equal(counters().pt_write_traps, 1);
	fresh = genv_new_table(E);		/* not a page table yet */
	genv_expect_fixed(E, KDM + fresh, W, fresh);
	assert_true(genv_hw_allows(E, KDM + fresh, W));
}

static void test_new_page_table_loses_writable_mappings(void **state)
{
	uint64_t t, va2 = UVA + (2ULL << 20);
	struct gaccess a;

	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	map_direct(GENV_TABLE_GFN, 48);
	t = genv_new_table(E);
	genv_expect_fixed(E, KDM + t, W, t);		/* the guest fills its new table */
	assert_true(genv_hw_allows(E, KDM + t, W));
	*genv_ptr(E, t + 8 * pt_index(va2, 1)) = DATA2 | URW;
	genv_set_entry(E, va2, 2, t | URW);
	genv_expect_fixed(E, va2, R | U, DATA2);	/* t becomes a page table */
	assert_true(counters().write_protects >= 1);
	assert_false(genv_hw_allows(E, KDM + t, W));
	assert_true(genv_hw_allows(E, KDM + t, R));
	a = genv_acc(E, KDM + t, W);
	assert_int_equal(a.action, SHADOW_EMULATE_PT_WRITE);
}

static void test_pt_write_updates_shadow(void **state)
{
	uint64_t gpa;

	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	genv_expect_fixed(E, UVA, W | U, DATA);
	gpa = genv_entry_gpa(E, UVA, 1);
	genv_write(E, gpa, DATA | PTE_P | PTE_U | PTE_A | PTE_D);	/* drop W */
	assert_false(genv_hw_allows(E, UVA, W | U));
	genv_expect_inject(E, UVA, W | U, MMU_PF_P | MMU_PF_W | MMU_PF_U);
	genv_write(E, gpa, DATA2 | URW | PTE_A | PTE_D);		/* new frame, accessed */
	assert_true(genv_hw_allows(E, UVA, W | U));			/* propagated at once */
	genv_expect_fixed(E, UVA, W | U, DATA2);
	genv_write(E, gpa, DATA | URW);				/* not accessed: lazy */
	assert_false(genv_hw_allows(E, UVA, R | U));
	genv_expect_fixed(E, UVA, R | U, DATA);
	genv_write(E, gpa, 0);
	genv_expect_inject(E, UVA, R | U, MMU_PF_U);
	assert_int_equal(counters().pt_writes, 4);
}

static void test_pt_write_upper_level(void **state)
{
	uint64_t t;

	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	genv_expect_fixed(E, UVA, R | U, DATA);
	t = genv_new_table(E);
	*genv_ptr(E, t + 8 * pt_index(UVA, 1)) = DATA3 | URW;
	genv_set_entry(E, UVA, 2, t | URW);
	assert_false(genv_hw_allows(E, UVA, R | U));
	genv_expect_fixed(E, UVA, R | U, DATA3);
	genv_set_entry(E, UVA, 4, genv_entry(E, UVA, 4) & ~PTE_U);
	genv_expect_inject(E, UVA, R | U, MMU_PF_P | MMU_PF_U);
}

static void test_pt_write_partial_and_bad(void **state)
{
	uint64_t gpa, before;

	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	genv_expect_fixed(E, UVA, X | U, DATA);
	gpa = genv_entry_gpa(E, UVA, 1);
	assert_int_equal(shadow_pt_write(E->d, gpa + 4, 0x80000000u, 4), 0);	/* NX */
	genv_expect_inject(E, UVA, X | U, MMU_PF_P | MMU_PF_U | MMU_PF_ID);
	before = *genv_ptr(E, gpa);
	assert_int_equal(shadow_pt_write(E->d, gpa, 0, 3), -EINVAL);
	assert_int_equal(shadow_pt_write(E->d, gpa + 6, 0, 4), -EINVAL);
	assert_int_equal(shadow_pt_write(E->d, 4000ULL << 12, 0, 8), -ENOENT);
	assert_int_equal(shadow_pt_write(NULL, gpa, 0, 8), -EINVAL);
	assert_int_equal(*genv_ptr(E, gpa), before);
	assert_int_equal(shadow_pt_write(E->d, gpa + 1, 0xff, 1), 0);
	assert_int_equal(*genv_ptr(E, gpa) & 0xff00, 0xff00);
}

/* A store computed from what the entry held is committed only if the
 * entry still holds that: an A/D update or another store in between is
 * kept, and the shadow follows only a store that happened. */
static void test_pt_cmpxchg(void **state)
{
	uint64_t gpa, c, found = 0;

	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	genv_expect_fixed(E, UVA, W | U, DATA);
	gpa = genv_entry_gpa(E, UVA, 1);
	c = *genv_ptr(E, gpa);
	assert_true(c & PTE_D);
	/* Computed from the entry before its dirty bit: nothing stored. */
	assert_int_equal(shadow_pt_cmpxchg(E->d, gpa, c & ~PTE_D, c & ~PTE_W, &found), 0);
	assert_int_equal(found, c);
	assert_int_equal(*genv_ptr(E, gpa), c);
	assert_true(genv_hw_allows(E, UVA, W | U));
	assert_int_equal(counters().pt_writes, 0);
	/* From the entry as it is: stored, and the shadow loses W at once. */
	assert_int_equal(shadow_pt_cmpxchg(E->d, gpa, c, c & ~PTE_W, &found), 0);
	assert_int_equal(found, c);
	assert_int_equal(*genv_ptr(E, gpa), c & ~PTE_W);
	assert_false(genv_hw_allows(E, UVA, W | U));
	genv_expect_inject(E, UVA, W | U, MMU_PF_P | MMU_PF_W | MMU_PF_U);
	assert_int_equal(counters().pt_writes, 1);
	/* Whole aligned entries only; the same refusals as a plain store. */
	assert_int_equal(shadow_pt_cmpxchg(E->d, gpa + 4, 0, 0, &found), -EINVAL);
	assert_int_equal(shadow_pt_cmpxchg(E->d, 4000ULL << 12, 0, 0, &found), -ENOENT);
	assert_int_equal(shadow_pt_cmpxchg(NULL, gpa, 0, 0, &found), -EINVAL);
	assert_int_equal(*genv_ptr(E, gpa), c & ~PTE_W);
	audit_ok();
}

/* ---- φ ---- */

static void test_cached_root_switch_rebuilds_nothing(void **state)
{
	uint64_t s1, s2, pages;

	(void)state;
	s1 = genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	genv_expect_fixed(E, UVA, R | U, DATA);
	s2 = genv_new_space(E);
	ptb_map(&E->b, UVA, DATA2, 1, URW, URW);
	genv_expect_fixed(E, UVA, R | U, DATA2);
	pages = counters().shadow_pages;
	assert_int_equal(genv_switch(E, s1), 0);
	assert_true(genv_hw_allows(E, UVA, R | U));
	genv_expect_fixed(E, UVA, R | U, DATA);
	assert_int_equal(genv_switch(E, s2), 0);
	genv_expect_fixed(E, UVA, R | U, DATA2);
	assert_int_equal(counters().shadow_pages, pages);
	assert_int_equal(counters().cache_hits, 2);
	assert_int_equal(counters().cache_misses, 2);
	assert_int_equal(counters().hidden_faults, 2);
	assert_int_equal(counters().cr3_writes, 4);
	assert_int_equal(shadow_hw_cr3(E->v), E->hw_cr3);
}

static void test_pcid_roots_share_shadows(void **state)
{
	uint64_t s1, pages;

	(void)state;
	E->mode.cr4 = MMU_CR4_PCIDE;
	assert_int_equal(shadow_set_mode(E->v, &E->mode), 0);
	s1 = genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	genv_expect_fixed(E, UVA, R | U, DATA);
	pages = counters().shadow_pages;
	assert_int_equal(genv_switch(E, s1 | 5 | (1ULL << 63)), 0);
	assert_int_equal(counters().cache_misses, 2);
	assert_int_equal(counters().shadow_pages, pages);
	assert_true(genv_hw_allows(E, UVA, R | U));
	assert_int_equal(genv_switch(E, s1), 0);
	assert_int_equal(counters().cache_hits, 1);
}

static void test_root_eviction_lru(void **state)
{
	struct shadow_config cfg = { .roots = 3, .hv_slot = -1 };
	uint64_t s[4];
	int i;

	(void)state;
	genv_destroy(E);
	E = genv_create(&cfg);
	*state = E;
	for (i = 0; i < 4; i++) {
		s[i] = genv_new_space(E);
		ptb_map(&E->b, UVA, DATA + ((uint64_t)i << 12), 1, URW, URW);
		genv_expect_fixed(E, UVA, R | U, DATA + ((uint64_t)i << 12));
	}
	assert_int_equal(counters().root_evictions, 1);	/* s[0] made room for s[3] */
	assert_int_equal(counters().shadow_pages, 12);	/* 3 roots × 4 */
	assert_int_equal(genv_switch(E, s[1]), 0);
	assert_int_equal(counters().cache_hits, 1);
	assert_true(genv_hw_allows(E, UVA, R | U));
	assert_int_equal(genv_switch(E, s[0]), 0);	/* miss: evicts s[2], the LRU */
	assert_int_equal(counters().root_evictions, 2);
	assert_int_equal(counters().shadow_pages, 9);
	assert_false(genv_hw_allows(E, UVA, R | U));
	genv_expect_fixed(E, UVA, R | U, DATA);
	assert_int_equal(genv_switch(E, s[3]), 0);	/* still cached */
	assert_int_equal(counters().cache_hits, 2);
}

/* ---- ω ---- */

/* Two address spaces sharing the guest's kernel L3; returns the L3 gpa. */
static uint64_t two_spaces_sharing_kernel(uint64_t *s1, uint64_t *s2)
{
	uint64_t kslot = pt_index(KDM, 4);

	*s1 = genv_new_space(E);
	ptb_map(&E->b, KDM + DATA, DATA, 1, KRW, KRW);
	ptb_map(&E->b, UVA, DATA2, 1, URW, URW);
	*s2 = genv_new_table(E);
	genv_ptr(E, *s2)[kslot] = genv_ptr(E, *s1)[kslot];
	assert_int_equal(genv_switch(E, *s2), 0);
	ptb_map(&E->b, UVA, DATA3, 1, URW, URW);
	return pte_addr(genv_ptr(E, *s1)[kslot]);
}

static void test_shared_tables_share_shadows(void **state)
{
	uint64_t s1, s2;

	(void)state;
	two_spaces_sharing_kernel(&s1, &s2);
	genv_expect_fixed(E, KDM + DATA, W, DATA);
	assert_int_equal(counters().shadow_pages, 5);	/* 2 roots, L3, L2, L1 */
	assert_int_equal(genv_switch(E, s1), 0);
	genv_expect_fixed(E, KDM + DATA, R, DATA);
	assert_int_equal(counters().shadow_pages, 5);	/* s1 links the same L3 */
	genv_expect_fixed(E, UVA, R | U, DATA2);
	assert_int_equal(genv_switch(E, s2), 0);
	assert_true(genv_hw_allows(E, KDM + DATA, W));
	/* A write to the shared kernel table reaches both address spaces. */
	genv_set_entry(E, KDM + DATA, 1, DATA3 | KRW | PTE_A | PTE_D);
	genv_expect_fixed(E, KDM + DATA, R, DATA3);
	assert_int_equal(genv_switch(E, s1), 0);
	assert_true(genv_hw_allows(E, KDM + DATA, R));
	genv_expect_fixed(E, KDM + DATA, R, DATA3);
}

static void test_unshadow_touches_exactly_the_referencing_entries(void **state)
{
	uint64_t s1, s2, l3;
	struct shadow_counters before;

	(void)state;
	l3 = two_spaces_sharing_kernel(&s1, &s2);
	genv_expect_fixed(E, KDM + DATA, R, DATA);
	genv_expect_fixed(E, UVA, R | U, DATA3);
	assert_int_equal(genv_switch(E, s1), 0);
	genv_expect_fixed(E, KDM + DATA, R, DATA);
	genv_expect_fixed(E, UVA, R | U, DATA2);
	before = counters();
	assert_int_equal(shadow_unshadow_gfn(E->d, l3 >> 12), 1);
	assert_int_equal(counters().unshadows, before.unshadows + 1);
	assert_false(shadow_gfn_is_tracked(E->d, l3 >> 12));
	assert_false(genv_hw_allows(E, KDM + DATA, R));
	assert_true(genv_hw_allows(E, UVA, R | U));		/* untouched */
	assert_int_equal(genv_switch(E, s2), 0);
	assert_false(genv_hw_allows(E, KDM + DATA, R));
	assert_true(genv_hw_allows(E, UVA, R | U));
	assert_int_equal(counters().shadow_pages, before.shadow_pages - 3);
	genv_expect_fixed(E, KDM + DATA, R, DATA);
	assert_int_equal(shadow_unshadow_gfn(E->d, s2 >> 12), 0);	/* roots stay */
	assert_int_equal(shadow_unshadow_gfn(NULL, 1), -EINVAL);
}

static void test_rewritten_table_is_unshadowed(void **state)
{
	uint64_t l1;
	int i;

	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	genv_expect_fixed(E, UVA, R | U, DATA);
	l1 = genv_entry_gpa(E, UVA, 1) & ~0xfffULL;
	for (i = 0; i < 511 && shadow_gfn_is_tracked(E->d, l1 >> 12); i++)
		assert_int_equal(shadow_pt_write(E->d, l1 + 8 * (uint64_t)(i + 1), 0, 8), 0);
	assert_true(shadow_gfn_is_tracked(E->d, l1 >> 12));
	assert_int_equal(shadow_pt_write(E->d, l1 + 8, 0, 8), 0);	/* the 512th */
	assert_false(shadow_gfn_is_tracked(E->d, l1 >> 12));
	assert_int_equal(counters().unshadows, 1);
	genv_expect_fixed(E, UVA, R | U, DATA);
	assert_true(shadow_gfn_is_tracked(E->d, l1 >> 12));
}

/* mprotect-like rewrites of present entries keep the table shadowed. */
static void test_rewriting_present_entries_keeps_shadow(void **state)
{
	uint64_t gpa;
	int i;

	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	genv_expect_fixed(E, UVA, R | U, DATA);
	gpa = genv_entry_gpa(E, UVA, 1);
	for (i = 0; i < 2000; i++)
		assert_int_equal(shadow_pt_write(E->d, gpa, DATA | PTE_P | PTE_U | PTE_A |
						 ((i & 1) ? PTE_W : 0), 8), 0);
	assert_true(shadow_gfn_is_tracked(E->d, gpa >> 12));
	assert_int_equal(counters().unshadows, 0);
	assert_true(genv_hw_allows(E, UVA, R | U));
}

/* ---- large pages ---- */

static void test_aligned_2m_is_one_shadow_entry(void **state)
{
	uint64_t va = 0x0000000040000000ULL;

	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, va, BIG, 2, URW, URW);
	genv_expect_fixed(E, va + 0x12345, W | U, BIG + 0x12345);
	assert_int_equal(counters().shadow_pages, 3);
	assert_true(genv_hw_allows(E, va + 0x1fffff, W | U));
	assert_true(genv_entry(E, va, 2) & PTE_D);
	assert_int_equal(counters().hidden_faults, 1);
}

static void test_unaligned_2m_is_split(void **state)
{
	uint64_t va = 0x0000000040000000ULL, g;

	(void)state;
	genv_new_space(E);
	for (g = BIG >> 12; g < (BIG >> 12) + 512; g++)
		hm_p2m_set(E->hm, g, GENV_RAM_MFN + g + 1, 0, true);
	ptb_map(&E->b, va, BIG, 2, URW, URW | PTE_PAT_LARGE | (7ULL << PTE_PKEY_SHIFT));
	genv_expect_fixed(E, va + 0x3005, R | U, BIG + 0x4005);
	assert_int_equal(counters().shadow_pages, 4);
	assert_false(genv_hw_allows(E, va + 0x5000, R | U));		/* filled on demand */
	genv_expect_fixed(E, va + 0x5000, R | U, BIG + 0x6000);
	assert_false(genv_hw_allows(E, va + 0x5000, W | U));	/* guest D not set yet */
	genv_expect_fixed(E, va + 0x5000, W | U, BIG + 0x6000);
	assert_true(genv_hw_allows(E, va + 0x3000, W | U));		/* D is per large page */
}

static void test_1g_guest_page_is_split(void **state)
{
	uint64_t va = 0x0000008000000000ULL;

	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, va, 0, 3, URW, URW | PTE_D);
	genv_expect_fixed(E, va + BIG + 0x1234, W | U, BIG + 0x1234);
	assert_int_equal(counters().shadow_pages, 3);	/* L4, L3, split L2 with a 2 MiB leaf */
	assert_true(genv_hw_allows(E, va + BIG + 0x1ff000, W | U));
	/* The first 2 MiB holds page tables: split further, tables read-only. */
	genv_expect_fixed(E, va + 0x5000, W | U, 0x5000);
	assert_int_equal(counters().shadow_pages, 4);
	genv_expect_fixed(E, va + E->b.root, R | U, E->b.root);
	assert_int_equal(genv_acc(E, va + E->b.root, W | U).action, SHADOW_EMULATE_PT_WRITE);
}

static void test_large_page_loses_write_when_table_appears(void **state)
{
	uint64_t va = 0x0000000040000000ULL, va2 = UVA + (2ULL << 20);
	uint64_t t = BIG + 0x7000;

	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, va, BIG, 2, URW, URW | PTE_D);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	genv_expect_fixed(E, va, W | U, BIG);
	assert_true(genv_hw_allows(E, va + 0x7000, W | U));
	memset(genv_ptr(E, t), 0, 4096);
	genv_ptr(E, t)[pt_index(va2, 1)] = DATA2 | URW;
	genv_set_entry(E, va2, 2, t | URW);
	genv_expect_fixed(E, va2, R | U, DATA2);		/* t is now a page table */
	assert_false(genv_hw_allows(E, va, W | U));
	genv_expect_fixed(E, va + 0x1000, W | U, BIG + 0x1000);	/* split on the write */
	assert_int_equal(genv_acc(E, va + 0x7000, W | U).action, SHADOW_EMULATE_PT_WRITE);
	genv_expect_fixed(E, va + 0x7000, R | U, t);
}

/* ---- INVLPG, flush, mode ---- */

static void test_invlpg(void **state)
{
	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	ptb_map(&E->b, UVA + 0x1000, DATA2, 1, URW, URW);
	genv_expect_fixed(E, UVA, R | U, DATA);
	genv_expect_fixed(E, UVA + 0x1000, R | U, DATA2);
	assert_int_equal(shadow_invlpg(E->v, UVA), 0);
	assert_false(genv_hw_allows(E, UVA, R | U));
	assert_true(genv_hw_allows(E, UVA + 0x1000, R | U));
	genv_expect_fixed(E, UVA, R | U, DATA);
	assert_int_equal(shadow_invlpg(E->v, 0x0000900000000000ULL), 0);
	assert_int_equal(counters().invlpgs, 2);
}

static void test_flush_all_and_nxe_change(void **state)
{
	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	genv_expect_fixed(E, UVA, R | U, DATA);
	shadow_flush_all(E->d);
	assert_int_equal(counters().shadow_pages, 1);
	assert_false(genv_hw_allows(E, UVA, R | U));
	genv_expect_fixed(E, UVA, R | U, DATA);
	E->mode.efer = 0;
	assert_int_equal(shadow_set_mode(E->v, &E->mode), 0);
	assert_int_equal(counters().flushes, 2);
	assert_int_equal(counters().shadow_pages, 1);
	E->mode.cr4 = MMU_CR4_SMEP;		/* not a content change */
	assert_int_equal(shadow_set_mode(E->v, &E->mode), 0);
	assert_int_equal(counters().flushes, 2);
}

/* ---- p2m ---- */

static void test_p2m_faults(void **state)
{
	struct gaccess a;

	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, 4000ULL << 12, 1, URW, URW);
	a = genv_acc(E, UVA + 0x44, R | U);
	assert_int_equal(a.action, SHADOW_P2M_FAULT);
	assert_int_equal(a.gpa, (4000ULL << 12) + 0x44);
	hm_p2m_set(E->hm, DATA >> 12, GENV_RAM_MFN + (DATA >> 12), 0, false);
	shadow_flush_all(E->d);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW | PTE_D);
	genv_expect_fixed(E, UVA, R | U, DATA);
	a = genv_acc(E, UVA, W | U);
	assert_int_equal(a.action, SHADOW_P2M_FAULT);
	genv_ptr(E, E->b.root)[pt_index(UVA, 4)] = (4001ULL << 12) | URW;
	shadow_flush_all(E->d);
	a = genv_acc(E, UVA, R | U);
	assert_int_equal(a.action, SHADOW_P2M_FAULT);
	assert_int_equal(a.gpa, 4001ULL << 12);
	assert_int_equal(counters().p2m_faults, 3);
}

/* A guest table in a frame the p2m gives read-only (another domain's
 * page granted read-only) is no table: the walk would write A/D into
 * it. A p2m fault, nothing written there; writable again, it fills. */
static void test_readonly_table_is_p2m_fault(void **state)
{
	uint64_t l1, before;
	struct gaccess a;

	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	l1 = genv_entry(E, UVA, 2) & PTE_ADDR_MASK;
	before = genv_entry(E, UVA, 1);
	hm_p2m_set(E->hm, l1 >> 12, GENV_RAM_MFN + (l1 >> 12), 0, false);
	a = genv_acc(E, UVA, R | U);
	assert_int_equal(a.action, SHADOW_P2M_FAULT);
	assert_int_equal(a.gpa, l1);
	assert_int_equal(genv_entry(E, UVA, 1), before);
	assert_false(shadow_gfn_is_tracked(E->d, l1 >> 12));
	hm_p2m_set(E->hm, l1 >> 12, GENV_RAM_MFN + (l1 >> 12), 0, true);
	shadow_flush_all(E->d);
	genv_expect_fixed(E, UVA, R | U, DATA);
	assert_true(shadow_gfn_is_tracked(E->d, l1 >> 12));
	audit_ok();
}

/* ---- the hypervisor's slot ---- */

static void test_hypervisor_slot(void **state)
{
	struct shadow_config cfg = { .hv_slot = 511, .hv_entry = 0x1234000ULL | KRW };
	uint64_t hv_va = 0xffffff8000001000ULL, *root;
	struct shadow_fault f;

	(void)state;
	genv_destroy(E);
	E = genv_create(&cfg);
	*state = E;
	genv_new_space(E);
	root = hm_table(E->hm, E->hw_cr3);
	assert_int_equal(root[511], cfg.hv_entry);
	assert_int_equal(shadow_page_fault(E->v, hv_va, R, &f), -EPERM);
	assert_int_equal(shadow_pt_write(E->d, E->b.root + 511 * 8, DATA | URW | PTE_A, 8), 0);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	genv_expect_fixed(E, UVA, R | U, DATA);
	shadow_flush_all(E->d);
	assert_int_equal(root[511], cfg.hv_entry);
	assert_int_equal(shadow_invlpg(E->v, hv_va), 0);
	assert_int_equal(root[511], cfg.hv_entry);
}

/* A PV address space reserves several L4 slots (256-271 and 511): each
 * root carries their entries, fills and writes there never touch them. */
static uint64_t hv_table[512];

static void test_hypervisor_slot_mask(void **state)
{
	struct shadow_config cfg = { .hv_slot = -1, .hv_table = hv_table };
	struct shadow_config bad = { .hv_slot = -1 };
	uint64_t *root;
	struct shadow_fault f;
	int err;

	(void)state;
	for (unsigned int i = 256; i < 272; i++) {
		cfg.hv_mask[i / 64] |= 1ULL << (i % 64);
		hv_table[i] = (0x100000ULL + i * 0x1000) | KRW;
	}
	cfg.hv_mask[7] |= 1ULL << 63;
	hv_table[511] = 0x2000000ULL | KRW;
	bad.hv_mask[4] = 1;
	assert_null(shadow_domain_create(&E->hm->ops, &bad, &err));
	assert_int_equal(err, -EINVAL);
	genv_destroy(E);
	E = genv_create(&cfg);
	*state = E;
	genv_new_space(E);
	root = hm_table(E->hm, E->hw_cr3);
	for (unsigned int i = 256; i < 272; i++)
		assert_int_equal(root[i], hv_table[i]);
	assert_int_equal(root[511], hv_table[511]);
	assert_int_equal(root[272], 0);
	assert_int_equal(shadow_page_fault(E->v, 0xffff830000001000ULL, R | U, &f), -EPERM);
	assert_int_equal(shadow_page_fault(E->v, 0xffffff8000001000ULL, R | U, &f), -EPERM);
	assert_int_equal(shadow_pt_write(E->d, E->b.root + 262 * 8, DATA | URW | PTE_A, 8), 0);
	assert_int_equal(root[262], hv_table[262]);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	genv_expect_fixed(E, UVA, R | U, DATA);
	shadow_flush_all(E->d);
	assert_int_equal(root[262], hv_table[262]);
	assert_int_equal(root[511], hv_table[511]);
	audit_ok();
}

/* ---- PV guests: force_user and the linear L4 ---- */

static void recreate(const struct shadow_config *cfg, void **state)
{
	genv_destroy(E);
	E = genv_create(cfg);
	*state = E;
}

/* ops.may_be_table: a frame the caller says may not be a table now (PV:
 * another domain maps it writable through a grant) is none to a walk, a
 * p2m fault, and gets no shadow; allowed again, the same access fills. */
static uint64_t refused_gfn;

static bool table_refused(void *ctx, uint64_t gfn)
{
	(void)ctx;
	return gfn != refused_gfn;
}

static void test_may_be_table(void **state)
{
	struct gaccess a;
	uint64_t l1;

	genv_may_be_table = table_refused;
	recreate(NULL, state);
	genv_may_be_table = NULL;
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	l1 = genv_entry_gpa(E, UVA, 1) >> 12;
	refused_gfn = l1;
	a = genv_acc(E, UVA, R | U);
	assert_int_equal(a.action, SHADOW_P2M_FAULT);
	assert_false(shadow_gfn_is_tracked(E->d, l1));
	assert_false(genv_hw_allows(E, UVA, R | U));
	refused_gfn = ~0ULL;
	genv_expect_fixed(E, UVA, R | U, DATA);
	assert_true(shadow_gfn_is_tracked(E->d, l1));
	audit_ok();
}

/* The guest kernel runs in ring 3: its supervisor entries count as user,
 * every shadow entry carries U, R/W and NX still count. */
static void test_force_user(void **state)
{
	struct shadow_config cfg = { .hv_slot = -1, .force_user = true };
	uint64_t *root;

	recreate(&cfg, state);
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, KRW, KRW);
	ptb_map(&E->b, UVA + 0x1000, DATA2, 1, KRW, PTE_P);
	genv_expect_fixed(E, UVA, R | U, DATA);
	genv_expect_fixed(E, UVA, W | U, DATA);
	genv_expect_fixed(E, UVA + 0x1000, R | U, DATA2);
	genv_expect_inject(E, UVA + 0x1000, W | U, MMU_PF_P | MMU_PF_W | MMU_PF_U);
	genv_expect_inject(E, UVA + 0x2000, R | U, MMU_PF_U);
	root = hm_table(E->hm, E->hw_cr3);
	assert_true(root[pt_index(UVA, 4)] & PTE_U);
	assert_int_equal(genv_entry(E, UVA, 1) & PTE_U, 0);	/* the guest's entry as it was */
	/* A trapped write re-derives the leaf, U still forced. */
	genv_set_entry(E, UVA, 1, DATA3 | KRW | PTE_A | PTE_D);
	assert_true(genv_hw_allows(E, UVA, W | U));
	genv_expect_fixed(E, UVA, W | U, DATA3);
	audit_ok();
}

/* ---- cfg.may_exec: W^X and a gate on execution ---- */

static uint64_t refuse_mfn;	/* the frame the gate refuses */
static unsigned int gate_calls;

static bool gate(void *ctx, uint64_t mfn)
{
	(void)ctx;
	gate_calls++;
	return mfn != refuse_mfn;
}

/* A page writable and executable for the guest is never both in the
 * shadow: running it asks the gate and takes W from every mapping;
 * writing it again withdraws execution until the gate is asked again. */
static void test_may_exec(void **state)
{
	struct shadow_config cfg = { .hv_slot = -1, .force_user = true, .may_exec = gate };
	struct gaccess a;

	recreate(&cfg, state);
	genv_new_space(E);
	refuse_mfn = genv_maddr(DATA2) >> PAGE_SHIFT;
	gate_calls = 0;
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	ptb_map(&E->b, UVA + 0x1000, DATA2, 1, URW, URW);
	ptb_map(&E->b, UVA + 0x2000, DATA, 1, URW, URW);	/* an alias of DATA */
	/* Written first: writable, not executable, the gate not asked. */
	genv_expect_fixed(E, UVA, W | U, DATA);
	genv_expect_fixed(E, UVA + 0x2000, W | U, DATA);
	assert_false(genv_hw_allows(E, UVA, X | U));
	assert_int_equal(gate_calls, 0);
	/* Run: asked once, executable, and no mapping of it writable. */
	genv_expect_fixed(E, UVA, X | U, DATA);
	assert_int_equal(gate_calls, 1);
	assert_true(shadow_mfn_exec_ok(E->d, genv_maddr(DATA) >> PAGE_SHIFT));
	assert_false(genv_hw_allows(E, UVA, W | U));
	assert_false(genv_hw_allows(E, UVA + 0x2000, W | U));
	genv_expect_fixed(E, UVA + 0x2000, X | U, DATA);
	genv_expect_fixed(E, UVA + 0x2000, R | U, DATA);
	assert_int_equal(gate_calls, 1);
	audit_ok();
	/* Written through the alias: no longer executable anywhere. */
	genv_expect_fixed(E, UVA + 0x2000, W | U, DATA);
	assert_false(shadow_mfn_exec_ok(E->d, genv_maddr(DATA) >> PAGE_SHIFT));
	assert_false(genv_hw_allows(E, UVA, X | U));
	assert_false(genv_hw_allows(E, UVA + 0x2000, X | U));
	/* ... until asked again. */
	genv_expect_fixed(E, UVA, X | U, DATA);
	assert_int_equal(gate_calls, 2);
	assert_false(genv_hw_allows(E, UVA + 0x2000, W | U));
	/* Refused: the fetch is the guest's #PF, every time, and the page
	 * stays writable and readable. */
	genv_expect_inject(E, UVA + 0x1000, X | U, MMU_PF_P | MMU_PF_ID | MMU_PF_U);
	genv_expect_inject(E, UVA + 0x1000, X, MMU_PF_P | MMU_PF_ID);
	assert_int_equal(gate_calls, 4);
	assert_false(genv_hw_allows(E, UVA + 0x1000, X | U));
	genv_expect_fixed(E, UVA + 0x1000, W | U, DATA2);
	a = genv_acc(E, UVA + 0x1000, R | U);
	assert_int_equal(a.action, SHADOW_FIXED);
	/* The guest's NX still counts, before any gate. */
	genv_set_entry(E, UVA + 0x3000, 1, DATA3 | URW | PTE_A | PTE_D | PTE_NX);
	genv_expect_inject(E, UVA + 0x3000, X | U, MMU_PF_P | MMU_PF_ID | MMU_PF_U);
	assert_int_equal(gate_calls, 4);
	audit_ok();
}

/* A page-table write into an approved frame (e.g. the hypervisor's
 * emulated store) withdraws execution too; large pages run split. */
static void test_may_exec_pt_write(void **state)
{
	struct shadow_config cfg = { .hv_slot = -1, .force_user = true, .may_exec = gate };

	recreate(&cfg, state);
	genv_new_space(E);
	refuse_mfn = ~0ULL;
	gate_calls = 0;
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	genv_expect_fixed(E, UVA, X | U, DATA);
	assert_int_equal(shadow_pt_write(E->d, DATA + 8, 0x90, 1), 0);
	assert_false(genv_hw_allows(E, UVA, X | U));
	genv_expect_fixed(E, UVA, X | U, DATA);
	assert_int_equal(gate_calls, 2);
	shadow_exec_revoke(E->d, genv_maddr(DATA) >> PAGE_SHIFT);
	assert_false(genv_hw_allows(E, UVA, X | U));
	audit_ok();
}

#define SELF	200ULL		/* a lower-half L4 slot for the self-map */
#define LINEAR(a, b, c, d) ((uint64_t)(a) << 39 | (uint64_t)(b) << 30 | \
			    (uint64_t)(c) << 21 | (uint64_t)(d) << 12)

static void test_linear_l4(void **state)
{
	struct shadow_config cfg = { .hv_slot = -1, .force_user = true, .linear_l4 = true };
	uint64_t self_va = LINEAR(SELF, SELF, SELF, SELF), root_gpa, other, *shadow_root;
	struct gaccess a;

	recreate(&cfg, state);
	root_gpa = genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	/* A read-only self-map: the guest reads its L4 through it. */
	genv_write(E, root_gpa + SELF * 8, root_gpa | PTE_P | PTE_U | PTE_A);
	genv_expect_fixed(E, self_va + 0x10, R | U, root_gpa + 0x10);
	/* ... and the tables below (the L1 of UVA), never writes. */
	genv_expect_fixed(E, LINEAR(SELF, pt_index(UVA, 4), pt_index(UVA, 3), pt_index(UVA, 2)),
			  R | U, genv_entry_gpa(E, UVA, 1) & ~0xfffULL);
	genv_expect_inject(E, self_va, W | U, MMU_PF_P | MMU_PF_W | MMU_PF_U);
	/* Made writable in a live L4: refused, nothing written. */
	assert_int_equal(shadow_pt_write(E->d, root_gpa + SELF * 8,
					 root_gpa | URW | PTE_A, 8), -EACCES);
	assert_int_equal(shadow_pt_write(E->d, root_gpa + SELF * 8,
					 PTE_P | PTE_W | PTE_U | PTE_A, 1), -EACCES);
	assert_int_equal(*genv_ptr(E, root_gpa + SELF * 8), root_gpa | PTE_P | PTE_U | PTE_A);
	/* Another entry may name another table writable. */
	assert_int_equal(shadow_pt_write(E->d, root_gpa + (SELF + 1) * 8,
					 genv_entry_gpa(E, UVA, 3) | URW | PTE_A, 8), 0);
	/* Written before the frame was an L4: it counts as read-only. */
	other = genv_new_table(E);
	*genv_ptr(E, other + SELF * 8) = other | URW | PTE_A;
	assert_int_equal(genv_switch(E, other), 0);
	a = genv_acc(E, LINEAR(SELF, SELF, SELF, SELF), R | U);
	assert_int_equal(a.action, SHADOW_FIXED);
	assert_int_equal(a.maddr, genv_maddr(other));
	shadow_root = hm_table(E->hm, E->hw_cr3);
	assert_int_equal(shadow_root[SELF] & (PTE_P | PTE_W), PTE_P);
	genv_expect_inject(E, LINEAR(SELF, SELF, SELF, SELF), W | U,
			   MMU_PF_P | MMU_PF_W | MMU_PF_U);
	audit_ok();
}

/* Without linear_l4 a writable self-map is the guest's business: its
 * writes through it are page-table writes like any other. */
static void test_linear_l4_off(void **state)
{
	uint64_t root_gpa = genv_new_space(E);
	struct gaccess a;

	(void)state;
	genv_write(E, root_gpa + SELF * 8, root_gpa | URW | PTE_A | PTE_D);
	a = genv_acc(E, LINEAR(SELF, SELF, SELF, SELF), W | U);
	assert_int_equal(a.action, SHADOW_EMULATE_PT_WRITE);
	audit_ok();
}

/* ---- memory ---- */

static void test_page_cap_reclaims_through_omega(void **state)
{
	struct shadow_config cfg = { .max_pages = 6, .hv_slot = -1 };
	uint64_t i;

	(void)state;
	genv_destroy(E);
	E = genv_create(&cfg);
	*state = E;
	genv_new_space(E);
	for (i = 0; i < 8; i++)
		ptb_map(&E->b, UVA + (i << 21), DATA + (i << 12), 1, URW, URW);
	for (i = 0; i < 8; i++) {
		genv_expect_fixed(E, UVA + (i << 21), R | U, DATA + (i << 12));
		assert_true(counters().shadow_pages <= 6);
	}
	assert_true(counters().unshadows >= 5);
	assert_int_equal(counters().shadow_pages_peak, 6);
	for (i = 0; i < 8; i++)
		genv_expect_fixed(E, UVA + (i << 21), R | U, DATA + (i << 12));
	audit_ok();
}

static void test_out_of_memory_recovers_or_fails_cleanly(void **state)
{
	uint64_t i;
	struct shadow_fault f;

	(void)state;
	genv_new_space(E);
	for (i = 0; i < 4; i++)
		ptb_map(&E->b, UVA + (i << 30), DATA + (i << 12), 1, URW, URW);
	genv_expect_fixed(E, UVA, R | U, DATA);
	E->hm->fail_at = E->hm->allocs + 1;		/* one failure: give up some shadow */
	genv_expect_fixed(E, UVA + (1ULL << 30), R | U, DATA + 0x1000);
	assert_true(counters().unshadows + counters().flushes >= 1);
	E->hm->fail_at = E->hm->allocs + 1;
	E->hm->fail_forever = true;
	assert_int_equal(shadow_page_fault(E->v, UVA + (2ULL << 30), R | U, &f), -ENOMEM);
	audit_ok();
	E->hm->fail_at = 0;
	E->hm->fail_forever = false;
	genv_expect_fixed(E, UVA + (2ULL << 30), R | U, DATA + 0x2000);
	genv_expect_fixed(E, UVA, R | U, DATA);
}

/* A domain whose shadows are confined to a pool of pool_pages, tables
 * and bookkeeping alike, in one address space. */
static uint64_t pool_env(uint64_t extra)
{
	struct shadow_config cfg = { .hv_slot = -1 };

	cfg.pool_pages = shadow_pool_min_pages(&cfg) + extra;
	genv_destroy(E);
	E = genv_create(&cfg);
	genv_new_space(E);
	return cfg.pool_pages;
}

static uint64_t held(void)
{
	struct shadow_counters c = counters();

	return c.shadow_pages + c.meta_pages;
}

#define FLOOD_TABLES	400

/* Many more page tables than the pool holds: the domain recycles its own
 * shadows, never holds more than its pool (bookkeeping included), every
 * access still lands right, and recycled bookkeeping is given back. */
static void test_pool_bounds_tables_and_bookkeeping(void **state)
{
	uint64_t pool, base, i;

	(void)state;
	pool = pool_env(32);
	base = counters().meta_pages;
	for (i = 0; i < FLOOD_TABLES; i++)
		ptb_map(&E->b, UVA + (i << 21), DATA + ((i % 64) << 12), 1, URW, URW | PTE_D);
	for (i = 0; i < FLOOD_TABLES; i++) {
		genv_expect_fixed(E, UVA + (i << 21), W | U, DATA + ((i % 64) << 12));
		assert_true(held() <= pool);
	}
	for (i = 0; i < FLOOD_TABLES; i += 7)
		genv_expect_fixed(E, UVA + (i << 21), R | U, DATA + ((i % 64) << 12));
	*state = E;
	assert_true(counters().recycles > FLOOD_TABLES / 2);
	assert_true(counters().pages_peak <= pool);
	audit_ok();
	shadow_flush_all(E->d);
	/* Left: the root with its child array and descriptor (there at
	 * base), and one empty page kept for each other slab kind in use. */
	assert_true(counters().meta_pages <= base + 3);
	audit_ok();
}

/* A CR3 write to a new address space when the pool is full recycles
 * (idle roots, then single pages) instead of failing the vCPU. */
static void test_pool_new_root_recycles(void **state)
{
	uint64_t pool, i, j, roots[24];

	(void)state;
	pool = pool_env(8);
	*state = E;
	for (i = 0; i < 24; i++) {
		roots[i] = i ? genv_new_space(E) : E->b.root;
		for (j = 0; j < 12; j++)
			ptb_map(&E->b, UVA + (j << 21), DATA + (j << 12), 1, URW, URW);
		for (j = 0; j < 12; j++)
			genv_expect_fixed(E, UVA + (j << 21), R | U, DATA + (j << 12));
		assert_true(held() <= pool);
	}
	for (i = 0; i < 24; i++) {
		assert_int_equal(genv_switch(E, roots[i]), 0);
		genv_expect_fixed(E, UVA + (5 << 21), R | U, DATA + (5 << 12));
		assert_true(held() <= pool);
	}
	assert_true(counters().recycles > 0);
	assert_true(counters().root_evictions > 0);
	audit_ok();
}

/* The same when the pool is full of an address space that another vCPU
 * runs on (so its root cannot go) and new roots come back to back. */
static void test_pool_new_root_in_full_pool(void **state)
{
	struct shadow_vcpu *v2;
	uint64_t pool, big, hw, i;

	(void)state;
	pool = pool_env(0);
	*state = E;
	big = E->b.root;
	v2 = shadow_vcpu_create(E->d);
	assert_non_null(v2);
	assert_int_equal(shadow_set_mode(v2, &E->mode), 0);
	assert_int_equal(shadow_write_cr3(v2, big, &hw), 0);
	for (i = 0; i < 300; i++)
		ptb_map(&E->b, UVA + (i << 21), DATA, 1, URW, URW);
	for (i = 0; i < 300; i++)
		genv_expect_fixed(E, UVA + (i << 21), R | U, DATA);
	for (i = 0; i < 40; i++) {
		genv_new_space(E);
		assert_true(held() <= pool);
	}
	assert_true(counters().recycles > 0);
	audit_ok();
	shadow_vcpu_destroy(v2);
}

/* A second vCPU in a full pool still gets its state. */
static void test_pool_vcpu_create_recycles(void **state)
{
	struct shadow_vcpu *v2;
	uint64_t pool, i;

	(void)state;
	pool = pool_env(0);
	*state = E;
	for (i = 0; i < 200; i++)
		ptb_map(&E->b, UVA + (i << 21), DATA, 1, URW, URW);
	for (i = 0; i < 200; i++)
		genv_expect_fixed(E, UVA + (i << 21), R | U, DATA);
	v2 = shadow_vcpu_create(E->d);
	assert_non_null(v2);
	assert_true(held() <= pool);
	shadow_vcpu_destroy(v2);
	audit_ok();
}

/* A pool below what the engine cannot recycle is refused at creation. */
static void test_pool_too_small_refused(void **state)
{
	struct shadow_config cfg = { .hv_slot = -1 }, bad = { .roots = 1, .hv_slot = -1 };
	struct shadow_domain *d;
	int err;

	(void)state;
	cfg.pool_pages = shadow_pool_min_pages(&cfg);
	assert_true(cfg.pool_pages > 0);
	assert_int_equal(shadow_pool_min_pages(&bad), 0);
	cfg.pool_pages--;
	assert_null(shadow_domain_create(&E->hm->ops, &cfg, &err));
	assert_int_equal(err, -EINVAL);
	cfg.pool_pages++;
	d = shadow_domain_create(&E->hm->ops, &cfg, &err);
	assert_non_null(d);
	assert_int_equal(shadow_domain_destroy(d), 0);
}

/* ---- bad input ---- */

static void test_bad_arguments(void **state)
{
	struct shadow_config bad = { .roots = 1, .hv_slot = -1 };
	struct shadow_fault f;
	uint64_t hw;
	int err;

	(void)state;
	assert_null(shadow_domain_create(NULL, NULL, &err));
	assert_int_equal(err, -EINVAL);
	assert_null(shadow_domain_create(&E->hm->ops, &bad, &err));
	assert_int_equal(err, -EINVAL);
	bad = (struct shadow_config){ .hash_pages = 3, .hv_slot = -1 };
	assert_null(shadow_domain_create(&E->hm->ops, &bad, &err));
	bad = (struct shadow_config){ .hv_slot = 512 };
	assert_null(shadow_domain_create(&E->hm->ops, &bad, &err));
	assert_int_equal(err, -EINVAL);
	assert_int_equal(shadow_page_fault(E->v, UVA, R, &f), -EINVAL);	/* no CR3 yet */
	assert_int_equal(shadow_invlpg(E->v, UVA), -EINVAL);
	assert_int_equal(shadow_hw_cr3(E->v), 0);
	assert_int_equal(shadow_write_cr3(E->v, 1ULL << 60, &hw), -EINVAL);
	assert_int_equal(shadow_write_cr3(E->v, 1ULL << 63, &hw), -EINVAL);	/* no PCIDE */
	genv_new_space(E);
	assert_int_equal(shadow_page_fault(E->v, 0x0000800000000000ULL, R, &f), -EINVAL);
	assert_int_equal(shadow_page_fault(E->v, UVA, U | MMU_ACC_IMPLICIT, &f), -EINVAL);
	assert_int_equal(shadow_page_fault(E->v, UVA, W | X, &f), -EINVAL);
	assert_int_equal(shadow_page_fault(E->v, UVA, 1u << 12, &f), -EINVAL);
	assert_int_equal(shadow_set_mode(E->v, NULL), -EINVAL);
	assert_int_equal(shadow_domain_destroy(E->d), -EBUSY);
	assert_int_equal(counters().hidden_faults, 0);
}

static void test_vcpu_limit(void **state)
{
	struct shadow_vcpu *v[SHADOW_MAX_ROOTS];
	int n = 0;

	(void)state;
	/* Default 16 φ slots: one vCPU exists, 14 more fit. */
	while ((v[n] = shadow_vcpu_create(E->d)) != NULL)
		n++;
	assert_int_equal(n, 14);
	while (n--)
		shadow_vcpu_destroy(v[n]);
}

/* ---- the audit finds damage ---- */

static void test_audit_detects_corruption(void **state)
{
	uint64_t *l4, *l3, *l2, *l1, l1gpa, saved;
	const char *why = NULL;

	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	map_direct(GENV_TABLE_GFN, 48);
	genv_expect_fixed(E, UVA, R | U, DATA);
	l1gpa = genv_entry_gpa(E, UVA, 1) & ~0xfffULL;
	genv_expect_fixed(E, KDM + l1gpa, R, l1gpa);
	l4 = hm_table(E->hm, E->hw_cr3);
	l3 = hm_table(E->hm, pte_addr(l4[pt_index(KDM, 4)]));
	l2 = hm_table(E->hm, pte_addr(l3[pt_index(KDM + l1gpa, 3)]));
	l1 = hm_table(E->hm, pte_addr(l2[pt_index(KDM + l1gpa, 2)]));
	saved = l1[pt_index(KDM + l1gpa, 1)];
	l1[pt_index(KDM + l1gpa, 1)] |= PTE_W;
	assert_int_equal(shadow_audit(E->d, &why), -EFAULT);
	assert_non_null(why);
	l1[pt_index(KDM + l1gpa, 1)] = saved;
	audit_ok();
	*genv_ptr(E, genv_entry_gpa(E, UVA, 1)) = DATA2 | URW | PTE_A;	/* untrapped write */
	assert_int_equal(shadow_audit(E->d, &why), -EFAULT);
	*genv_ptr(E, genv_entry_gpa(E, UVA, 1)) = DATA | URW | PTE_A;
	audit_ok();
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_fill_read_then_write), T(test_dirty_already_set_maps_writable),
		T(test_cleared_accessed_refaults),
		T(test_inject_not_present_and_us), T(test_inject_rsvd_and_nx),
		T(test_all_ones_entry_is_rsvd_fault),
		T(test_inject_smep_smap), T(test_inject_pkey),
		T(test_wp_off_supervisor_write_emulated),
		T(test_page_tables_are_write_protected),
		T(test_new_page_table_loses_writable_mappings),
		T(test_pt_write_updates_shadow), T(test_pt_write_upper_level),
		T(test_pt_write_partial_and_bad),
		T(test_pt_cmpxchg),
		T(test_may_be_table),
		T(test_cached_root_switch_rebuilds_nothing), T(test_pcid_roots_share_shadows),
		T(test_root_eviction_lru),
		T(test_shared_tables_share_shadows),
		T(test_unshadow_touches_exactly_the_referencing_entries),
		T(test_rewritten_table_is_unshadowed),
		T(test_rewriting_present_entries_keeps_shadow),
		T(test_aligned_2m_is_one_shadow_entry), T(test_unaligned_2m_is_split),
		T(test_1g_guest_page_is_split), T(test_large_page_loses_write_when_table_appears),
		T(test_invlpg), T(test_flush_all_and_nxe_change), T(test_p2m_faults), T(test_readonly_table_is_p2m_fault),
		T(test_hypervisor_slot), T(test_hypervisor_slot_mask),
		T(test_force_user), T(test_may_exec), T(test_may_exec_pt_write),
		T(test_linear_l4), T(test_linear_l4_off),
		T(test_page_cap_reclaims_through_omega),
		T(test_out_of_memory_recovers_or_fails_cleanly),
		T(test_pool_bounds_tables_and_bookkeeping), T(test_pool_new_root_recycles),
		T(test_pool_new_root_in_full_pool),
		T(test_pool_vcpu_create_recycles), T(test_pool_too_small_refused),
		T(test_bad_arguments), T(test_vcpu_limit), T(test_audit_detects_corruption),
	};

	return cmocka_run_group_tests_name("mmu_shadow", tests, NULL, NULL);
}
