/* The shadow engine with guests outside long mode (mmu/shadow_form.c):
 * 2-level guests (4 KiB pages, 4 MiB pages with CR4.PSE) and PAE guests
 * run on PAE shadows. Rule by rule: the shadow root is a PDPT of bare
 * table pointers, each half of a 2-level table and each quarter of a
 * 2-level directory has its own shadow, 4 MiB pages become two 2 MiB
 * leaves, 4-byte page-table writes and PDPTE writes trap and update the
 * shadow, φ keys a PAE root by its 32-byte slot, CR4.PSE changes what a
 * directory means, INVLPG; then a random differential run against
 * mmu_walk32 on the guest's own tables. Every test ends with
 * shadow_audit() and a check that the domain gave every page back. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mmu/walk32.h"
#include "tests/unit/mmu/guest_env.h"

#define URW	(PTE_P | PTE_W | PTE_U)
#define KRW	(PTE_P | PTE_W)
#define R	0u
#define W	MMU_ACC_WRITE
#define U	MMU_ACC_USER
#define X	MMU_ACC_FETCH
#define DATA	0x00800000ULL		/* guest-physical data frames */
#define BIG	0x00400000ULL		/* 4 MiB-aligned guest RAM */

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

static void audit_ok(void)
{
	const char *why = NULL;

	if (shadow_audit(E->d, &why))
		fail_msg("audit: %s", why);
}

static struct shadow_counters counters(void)
{
	struct shadow_counters c;

	shadow_get_counters(E->d, &c);
	return c;
}

static void set_mode(uint64_t cr4, uint64_t efer)
{
	E->mode = (struct mmu_mode){ .cr0 = MMU_CR0_WP | MMU_CR0_PG, .cr4 = cr4, .efer = efer,
				     .maxphyaddr = 40 };
	assert_int_equal(shadow_set_mode(E->v, &E->mode), 0);
}

static uint32_t *g32(uint64_t table, unsigned int i)
{
	return (uint32_t *)genv_ptr(E, table & ~0xfffULL) + (table & 0xfff) / 4 + i;
}

static uint64_t *g64(uint64_t table, unsigned int i)
{
	return genv_ptr(E, table & ~0xfffULL) + (table & 0xfff) / 8 + i;
}

/* A guest store of len bytes, trapped when the frame is a page table. */
static void gstore(uint64_t gpa, uint64_t value, unsigned int len)
{
	if (shadow_gfn_is_tracked(E->d, gpa >> 12))
		assert_int_equal(shadow_pt_write(E->d, gpa, value, len), 0);
	else
		memcpy((uint8_t *)genv_ptr(E, gpa & ~7ULL) + (gpa & 7), &value, len);
}

static void cr3(uint64_t val)
{
	assert_int_equal(shadow_write_cr3(E->v, val, &E->hw_cr3), 0);
}

/* The shadow root as the CPU sees it (PAE: 4 PDPTEs). */
static uint64_t hw_pdpte(unsigned int i)
{
	return hm_table(E->hm, E->hw_cr3)[i];
}

/* A 2-level address space: directory and one table, va → gpa (4 KiB). */
static uint64_t pd32_map(uint64_t pd, uint32_t va, uint64_t gpa, uint32_t pde_flags,
			 uint32_t pte_flags)
{
	uint32_t *pde = g32(pd, va >> 22);
	uint64_t pt;

	if (!(*pde & PTE_P)) {
		pt = genv_new_table(E);
		*pde = (uint32_t)pt | pde_flags;
	}
	pt = *pde & 0xfffff000u;
	*g32(pt, (va >> 12) & 0x3ff) = (uint32_t)gpa | pte_flags;
	return pt;
}

/* ---- 2-level ---- */

static void test_2level_fill_and_ad(void **state)
{
	uint64_t pd = genv_new_table(E), pt;

	(void)state;
	set_mode(0, 0);
	pt = pd32_map(pd, 0x00403000, DATA, URW, URW);
	cr3(pd);
	genv_expect_fixed(E, 0x00403123, R | U, DATA + 0x123);
	assert_int_equal(*g32(pd, 1) & (PTE_A | PTE_D), PTE_A);
	assert_int_equal(*g32(pt, 3) & (PTE_A | PTE_D), PTE_A);
	assert_false(genv_hw_allows(E, 0x00403000, W | U));	/* until the guest's D */
	genv_expect_fixed(E, 0x00403010, W | U, DATA + 0x10);
	assert_true(*g32(pt, 3) & PTE_D);
	assert_true(genv_hw_allows(E, 0x00403000, W | U));
	/* The CPU runs a PAE root: bare pointers, nothing above 4 entries. */
	assert_int_equal(hw_pdpte(0) & ~PTE_ADDR_MASK, PTE_P);
	for (unsigned int i = 1; i < 512; i++)
		assert_int_equal(hw_pdpte(i), 0);
	/* root, one directory quarter, one table half */
	assert_int_equal(counters().shadow_pages, 3);
	assert_true(shadow_gfn_is_tracked(E->d, pd >> 12));
	assert_true(shadow_gfn_is_tracked(E->d, pt >> 12));
	audit_ok();
}

/* A guest PTE in the upper half of its table, a PDE in the last quarter. */
static void test_2level_halves_and_quarters(void **state)
{
	uint64_t pd = genv_new_table(E);

	(void)state;
	set_mode(0, 0);
	pd32_map(pd, 0xc0000000 + 0x00200000 + 0x5000, DATA, KRW, KRW | PTE_D);
	pd32_map(pd, 0xc0000000 + 0x5000, DATA + 0x1000, KRW, KRW);
	pd32_map(pd, 0x00001000, DATA + 0x2000, URW, URW);
	cr3(pd);
	genv_expect_fixed(E, 0xc0205008, W, DATA + 8);
	genv_expect_fixed(E, 0xc0005008, R, DATA + 0x1008);
	genv_expect_fixed(E, 0x00001000, R | U, DATA + 0x2000);
	genv_expect_inject(E, 0xc0005000, R | U, MMU_PF_P | MMU_PF_U);
	genv_expect_inject(E, 0xc0405000, R, 0);		/* no PDE */
	genv_expect_inject(E, 0xc0206000, W, MMU_PF_W);	/* no PTE */
	assert_true(hw_pdpte(0) & PTE_P);
	assert_true(hw_pdpte(3) & PTE_P);
	assert_false(hw_pdpte(1) & PTE_P);
	/* root + 2 quarters + 3 table halves (both halves of the 0xc0000000 table) */
	assert_int_equal(counters().shadow_pages, 6);
	audit_ok();
}

static void test_2level_pse_big_page(void **state)
{
	uint64_t pd = genv_new_table(E);
	const uint32_t va = 0x80000000;

	(void)state;
	*g32(pd, va >> 22) = (uint32_t)BIG | PTE_PS | URW;
	set_mode(MMU_CR4_PSE, 0);
	cr3(pd);
	genv_expect_fixed(E, va + 0x1234, R | U, BIG + 0x1234);
	genv_expect_fixed(E, va + 0x00212345, R | U, BIG + 0x00212345);	/* the upper half */
	assert_true(*g32(pd, va >> 22) & PTE_A);
	/* Both halves are 2 MiB shadow leaves (aligned extents): no tables. */
	assert_int_equal(counters().shadow_pages, 2);
	genv_expect_fixed(E, va + 0x00300000, W | U, BIG + 0x00300000);
	assert_true(*g32(pd, va >> 22) & PTE_D);
	audit_ok();
	/* Without CR4.PSE the same PDE names a page table (frame BIG). */
	*g32(BIG, 0) = (uint32_t)DATA | URW;
	set_mode(0, 0);
	cr3(pd);
	genv_expect_fixed(E, va + 0x10, R | U, DATA + 0x10);
	audit_ok();
}

/* PSE-36: PDE bits 20:13 are address bits 39:32; beyond the guest's RAM. */
static void test_2level_pse36_beyond_ram(void **state)
{
	uint64_t pd = genv_new_table(E);
	struct gaccess a;

	(void)state;
	*g32(pd, 0) = (1u << 13) | PTE_PS | URW;	/* 4 GiB */
	set_mode(MMU_CR4_PSE, 0);
	cr3(pd);
	a = genv_acc(E, 0x1000, R);
	assert_int_equal(a.action, SHADOW_P2M_FAULT);
	assert_int_equal(a.gpa, 0x100001000ULL);
	audit_ok();
}

/* A 4-byte PTE store traps and the shadow follows it at once. */
static void test_2level_pt_write(void **state)
{
	uint64_t pd = genv_new_table(E), pt;
	struct shadow_counters before;

	(void)state;
	set_mode(0, 0);
	pt = pd32_map(pd, 0x00403000, DATA, URW, URW | PTE_A);
	*g32(pt, 4) = (uint32_t)(DATA + 0x1000) | URW | PTE_A;
	cr3(pd);
	genv_expect_fixed(E, 0x00403000, R | U, DATA);
	genv_expect_fixed(E, 0x00404000, R | U, DATA + 0x1000);
	before = counters();
	gstore(pt + 3 * 4, (DATA + 0x2000) | URW | PTE_A, 4);
	assert_int_equal(counters().pt_writes, before.pt_writes + 1);
	assert_true(genv_hw_allows(E, 0x00403000, R | U));	/* re-derived, no fault */
	genv_expect_fixed(E, 0x00403000, R | U, DATA + 0x2000);
	genv_expect_fixed(E, 0x00404000, R | U, DATA + 0x1000);	/* neighbour untouched */
	/* An 8-byte store writes two PTEs. */
	gstore(pt + 4 * 4, ((DATA + 0x3000) | URW | PTE_A) |
	       ((uint64_t)((DATA + 0x4000) | URW | PTE_A) << 32), 8);
	genv_expect_fixed(E, 0x00404000, R | U, DATA + 0x3000);
	genv_expect_fixed(E, 0x00405000, R | U, DATA + 0x4000);
	genv_expect_fixed(E, 0x00403000, R | U, DATA + 0x2000);
	/* Clearing the PDE drops both shadow PDEs of its 4 MiB. */
	gstore(pd + 4, 0, 4);
	genv_expect_inject(E, 0x00403000, R | U, MMU_PF_U);
	audit_ok();
}

/* The directory is also one of its own tables (a recursive mapping). */
static void test_2level_recursive(void **state)
{
	uint64_t pd = genv_new_table(E);

	(void)state;
	set_mode(0, 0);
	pd32_map(pd, 0x00001000, DATA, KRW, KRW);
	*g32(pd, 1023) = (uint32_t)pd | KRW;		/* tables at 0xffc00000 */
	cr3(pd);
	genv_expect_fixed(E, 0x00001000, R, DATA);
	/* The directory as a table at 0xfffff000; a write to it is a PT write. */
	genv_expect_fixed(E, 0xfffff004, R, pd + 4);
	{
		struct gaccess a = genv_acc(E, 0xfffff008, W);

		assert_int_equal(a.action, SHADOW_EMULATE_PT_WRITE);
		assert_int_equal(a.gpa, pd + 8);
	}
	audit_ok();
}

static void test_2level_wp0_and_user(void **state)
{
	uint64_t pd = genv_new_table(E);
	struct gaccess a;

	(void)state;
	set_mode(0, 0);
	pd32_map(pd, 0x00001000, DATA, URW, PTE_P | PTE_U);	/* read-only */
	cr3(pd);
	genv_expect_inject(E, 0x00001000, W | U, MMU_PF_P | MMU_PF_W | MMU_PF_U);
	genv_expect_inject(E, 0x00001000, W, MMU_PF_P | MMU_PF_W);
	E->mode.cr0 &= ~MMU_CR0_WP;
	assert_int_equal(shadow_set_mode(E->v, &E->mode), 0);
	a = genv_acc(E, 0x00001000, W);
	assert_int_equal(a.action, SHADOW_EMULATE);
	assert_int_equal(a.maddr, genv_maddr(DATA));
	audit_ok();
}

static void test_2level_invlpg_and_unshadow(void **state)
{
	uint64_t pd = genv_new_table(E), pt;

	(void)state;
	set_mode(0, 0);
	pt = pd32_map(pd, 0x00403000, DATA, URW, URW);
	pd32_map(pd, 0x00603000, DATA + 0x1000, URW, URW);	/* upper half */
	cr3(pd);
	genv_expect_fixed(E, 0x00403000, R | U, DATA);
	genv_expect_fixed(E, 0x00603000, R | U, DATA + 0x1000);
	/* Behind the engine's back (as a TLB would keep it) ... */
	*g32(pt, 3) = 0;
	assert_true(genv_hw_allows(E, 0x00403000, R | U));
	assert_int_equal(shadow_invlpg(E->v, 0x00403000), 0);
	assert_false(genv_hw_allows(E, 0x00403000, R | U));
	assert_true(genv_hw_allows(E, 0x00603000, R | U));
	assert_int_equal(shadow_invlpg(E->v, 0x100000000ULL), 0);	/* no such va */
	/* Both halves of the table go. */
	assert_int_equal(shadow_unshadow_gfn(E->d, pt >> 12), 2);
	assert_false(shadow_gfn_is_tracked(E->d, pt >> 12));
	assert_false(genv_hw_allows(E, 0x00603000, R | U));
	genv_expect_fixed(E, 0x00603000, R | U, DATA + 0x1000);
	audit_ok();
}

/* ---- PAE ---- */

/* PDPT at pdpt (32-byte aligned), directory pd for GiB 0, table pt. */
static void pae_space(uint64_t pdpt, uint64_t *pd, uint64_t *pt)
{
	*pd = genv_new_table(E);
	*pt = genv_new_table(E);
	*g64(pdpt, 0) = *pd | PTE_P;
	*g64(*pd, 2) = *pt | URW;		/* 4 MiB..6 MiB */
	*g64(*pd, 3) = BIG | PTE_PS | URW | PTE_NX;
}

static void test_pae_fill(void **state)
{
	uint64_t page = genv_new_table(E), pdpt = page + 0x40, pd, pt;

	(void)state;
	pae_space(pdpt, &pd, &pt);
	*g64(pt, 3) = DATA | URW;
	set_mode(MMU_CR4_PAE, MMU_EFER_NXE);
	cr3(pdpt);
	genv_expect_fixed(E, 0x00403008, R | U, DATA + 8);
	genv_expect_fixed(E, 0x00612345, W | U, BIG + 0x12345);
	genv_expect_inject(E, 0x00612345, X | U, MMU_PF_P | MMU_PF_U | MMU_PF_ID);
	genv_expect_inject(E, 0x40000000, R, 0);		/* PDPTE 1 not present */
	assert_int_equal(hw_pdpte(0), (hw_pdpte(0) & PTE_ADDR_MASK) | PTE_P);
	assert_int_equal(hw_pdpte(1), 0);
	assert_true(*g64(pd, 2) & PTE_A);
	assert_false(*g64(pdpt, 0) & PTE_A);		/* PDPTEs have no A */
	assert_true(shadow_gfn_is_tracked(E->d, page >> 12));
	audit_ok();
}

static void test_pae_pdpte_rsvd(void **state)
{
	uint64_t page = genv_new_table(E), pd, pt;

	(void)state;
	pae_space(page, &pd, &pt);
	*g64(page, 0) |= PTE_W;			/* reserved in a PDPTE */
	set_mode(MMU_CR4_PAE, MMU_EFER_NXE);
	cr3(page);
	genv_expect_inject(E, 0x00612345, R, MMU_PF_P | MMU_PF_RSVD);
	audit_ok();
}

/* A PDPTE store traps like any page-table write: the shadow follows. */
static void test_pae_pdpte_write(void **state)
{
	uint64_t page = genv_new_table(E), pdpt = page + 0x20, pd, pt, pd2;

	(void)state;
	pae_space(pdpt, &pd, &pt);
	pd2 = genv_new_table(E);
	*g64(pd2, 0) = (DATA & ~0x1fffffULL) | PTE_PS | KRW;
	set_mode(MMU_CR4_PAE, MMU_EFER_NXE);
	cr3(pdpt);
	genv_expect_fixed(E, 0x00612345, R, BIG + 0x12345);
	gstore(pdpt + 8, pd2 | PTE_P, 8);
	genv_expect_fixed(E, 0x40000010, R, (DATA & ~0x1fffffULL) + 0x10);
	gstore(pdpt, 0, 4);				/* low half of PDPTE 0 */
	genv_expect_inject(E, 0x00612345, R, 0);
	/* A store to another slot of the page leaves this root alone. */
	gstore(page + 0x40 + 8, 0, 8);
	genv_expect_fixed(E, 0x40000010, R, (DATA & ~0x1fffffULL) + 0x10);
	audit_ok();
}

/* Two PDPTs in one page are two address spaces: φ keys the slot. */
static void test_pae_two_pdpts_one_page(void **state)
{
	uint64_t page = genv_new_table(E), pd, pt, pd2, pt2;
	uint64_t hw_a, hw_b;
	struct shadow_counters c;

	(void)state;
	pae_space(page, &pd, &pt);
	pae_space(page + 0x60, &pd2, &pt2);
	*g64(pt, 3) = DATA | URW;
	*g64(pt2, 3) = (DATA + 0x1000) | URW;
	set_mode(MMU_CR4_PAE, MMU_EFER_NXE);
	cr3(page);
	hw_a = E->hw_cr3;
	genv_expect_fixed(E, 0x00403000, R | U, DATA);
	cr3(page + 0x60);
	hw_b = E->hw_cr3;
	assert_true(hw_a != hw_b);
	genv_expect_fixed(E, 0x00403000, R | U, DATA + 0x1000);
	cr3(page | 0x18);				/* PWT/PCD bits: same slot */
	assert_int_equal(E->hw_cr3, hw_a);
	genv_expect_fixed(E, 0x00403000, R | U, DATA);
	c = counters();
	assert_int_equal(c.cache_misses, 2);
	assert_int_equal(c.cache_hits, 1);
	audit_ok();
}

/* One frame as a 2-level directory and as a long-mode table: separate
 * shadows; the root follows the paging form of the CR3 write. */
static void test_form_switch(void **state)
{
	uint64_t pd = genv_new_table(E);
	uint64_t hw2;

	(void)state;
	set_mode(0, 0);
	pd32_map(pd, 0x00001000, DATA, URW, URW);
	cr3(pd);
	genv_expect_fixed(E, 0x00001000, R | U, DATA);
	hw2 = E->hw_cr3;
	set_mode(MMU_CR4_PSE, 0);			/* PSE: a new root */
	{
		struct shadow_fault f;

		/* Not until the CR3 write: the root does not fit the mode. */
		assert_int_equal(shadow_page_fault(E->v, 0x1000, R, &f), -EINVAL);
	}
	cr3(pd);
	assert_true(E->hw_cr3 != hw2);
	genv_expect_fixed(E, 0x00001000, R | U, DATA);
	set_mode(0, 0);
	cr3(pd);
	assert_int_equal(E->hw_cr3, hw2);		/* φ kept it */
	audit_ok();
}

/* ---- random differential run against mmu_walk32 ---- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng_state >> 33) % n;
}

static uint64_t *ref_map(void *ctx, uint64_t gpa)
{
	(void)ctx;
	if ((gpa >> 12) >= GENV_RAM_FRAMES)
		return NULL;
	return genv_ptr(E, gpa & ~0xfffULL);
}

#define NTABLES	6
#define NVAS	24

struct diff {
	uint64_t tables[NTABLES];	/* guest page-table frames */
	uint32_t va[NVAS];
	bool pae;
};

static uint64_t rand_flags(bool pae, bool leaf)
{
	uint64_t f = PTE_P;

	if (rnd(10) == 0)
		f = 0;
	if (rnd(4))
		f |= PTE_W;
	if (rnd(3))
		f |= PTE_U;
	if (rnd(2))
		f |= PTE_A;
	if (leaf && rnd(2))
		f |= PTE_D;
	if (pae && rnd(5) == 0)
		f |= PTE_NX;
	if (pae && rnd(40) == 0)
		f |= 1ULL << 45;			/* reserved above MAXPHYADDR 40 */
	return f;
}

/* A table frame to point at. A PAE guest's PDPT (tables[0]) is never
 * one: the walk's A update on an entry that is also a PDPTE would make
 * it reserved (real, but it ends the comparison with a walk that sets
 * no A). A 2-level directory may be its own table. */
static uint64_t rand_table(struct diff *s)
{
	return s->pae ? s->tables[1 + rnd(NTABLES - 1)] : s->tables[rnd(NTABLES)];
}

/* A random entry: a table frame, a data frame, or a big page. */
static uint64_t rand_entry(struct diff *s, int level)
{
	uint64_t f = rand_flags(s->pae, level == 1);

	if (level == 3)
		return rand_table(s) | (f & PTE_P) | (rnd(30) ? 0 : PTE_W);
	if (level == 2 && rnd(4) == 0)
		return (s->pae ? (BIG + (rnd(2) << 21)) : BIG) | PTE_PS | f;
	if (rnd(4) == 0)
		return rand_table(s) | f;
	return (DATA + ((uint64_t)rnd(16) << 12)) | f;
}

/* Store a random entry into a random table slot that some va uses. */
static void rand_store(struct diff *s)
{
	uint64_t table = rand_table(s);
	uint32_t va = s->va[rnd(NVAS)];
	int level = s->pae ? 1 + (int)rnd(3) : 1 + (int)rnd(2);
	uint64_t gpa;

	if (!s->pae) {
		gpa = table + 4 * (level == 2 ? va >> 22 : (va >> 12) & 0x3ff);
		gstore(gpa, (uint32_t)rand_entry(s, level), 4);
		return;
	}
	if (level == 3)
		gpa = s->tables[0] + 8 * (va >> 30);	/* the PDPT is tables[0] */
	else
		gpa = table + 8 * ((va >> (level == 2 ? 21 : 12)) & 0x1ff);
	gstore(gpa, rand_entry(s, level), rnd(8) ? 8 : 4);
}

/* Outcomes seen, so that a run that exercises nothing fails. */
static unsigned int seen[5];

static void check_access(struct diff *s, uint32_t va, unsigned int access)
{
	struct mmu_tables t = { .map = ref_map };
	struct mmu_walk w;
	struct gaccess a;
	int st = mmu_walk32(&E->mode, &t, s->tables[0], va, access, 0, &w);

	assert_int_equal(genv_access(E, va, access, &a), 0);
	seen[a.action]++;
	if (st == MMU_WALK_PF) {
		assert_int_equal(a.action, SHADOW_INJECT);
		assert_int_equal(a.error_code, w.error_code);
	} else if (st == MMU_WALK_NO_TABLE || (w.addr >> 12) >= GENV_RAM_FRAMES) {
		assert_int_equal(a.action, SHADOW_P2M_FAULT);
	} else if ((access & W) && shadow_gfn_is_tracked(E->d, w.addr >> 12)) {
		assert_int_equal(a.action, SHADOW_EMULATE_PT_WRITE);
		assert_int_equal(a.gpa, w.addr);
	} else if ((access & W) && !(access & U) && !w.writable) {
		/* CR0.WP=0 lets it through; the shadow cannot (always WP). */
		assert_int_equal(a.action, SHADOW_EMULATE);
		assert_int_equal(a.maddr, genv_maddr(w.addr));
	} else {
		assert_int_equal(st, MMU_WALK_OK);
		assert_int_equal(a.action, SHADOW_FIXED);
		assert_int_equal(a.maddr, genv_maddr(w.addr));
	}
}

/* Every va mapped to start with, so that the run is not all faults. */
static void diff_populate(struct diff *s)
{
	for (int i = 0; i < NVAS; i++) {
		uint32_t va = s->va[i];
		uint64_t data = (DATA + ((uint64_t)rnd(16) << 12)) | URW | PTE_A;

		if (!s->pae) {
			uint64_t pt = s->tables[1 + (va >> 22) % (NTABLES - 1)];

			*g32(s->tables[0], va >> 22) = (uint32_t)pt | URW | PTE_A;
			*g32(pt, (va >> 12) & 0x3ff) = (uint32_t)data;
			continue;
		}
		*g64(s->tables[0], va >> 30) = s->tables[1] | PTE_P;
		*g64(s->tables[1], (va >> 21) & 0x1ff) = s->tables[2 + (va >> 21) % 4] | URW;
		*g64(s->tables[2 + (va >> 21) % 4], (va >> 12) & 0x1ff) = data;
	}
}

static void diff_run(bool pae, uint64_t seed)
{
	static const unsigned int accs[] = { R, W, R | U, W | U, X, X | U };
	struct diff s = { .pae = pae };
	int i, step;

	rng_state = seed;
	for (i = 0; i < NTABLES; i++)
		s.tables[i] = genv_new_table(E);
	for (i = 0; i < NVAS; i++)
		s.va[i] = (rnd(4) << 30) | (rnd(4) << 22) | (rnd(2) << 21) | (rnd(4) << 12) |
			  rnd(4096);
	diff_populate(&s);
	set_mode(pae ? MMU_CR4_PAE : (rnd(2) ? MMU_CR4_PSE : 0), pae ? MMU_EFER_NXE : 0);
	cr3(s.tables[0]);
	for (step = 0; step < 400; step++) {
		switch (rnd(10)) {
		case 0:
		case 1:
			rand_store(&s);
			break;
		case 3:
			assert_int_equal(shadow_invlpg(E->v, s.va[rnd(NVAS)]), 0);
			break;
		case 4:
			if (!pae && rnd(4) == 0) {
				set_mode(E->mode.cr4 ^ MMU_CR4_PSE, 0);
				cr3(s.tables[0]);
			} else if (rnd(8) == 0) {
				E->mode.cr0 ^= MMU_CR0_WP;
				assert_int_equal(shadow_set_mode(E->v, &E->mode), 0);
			}
			break;
		default:
			check_access(&s, s.va[rnd(NVAS)], accs[rnd(6)]);
			break;
		}
	}
	audit_ok();
}

static void diff_many(void **state, bool pae)
{
	memset(seen, 0, sizeof(seen));
	for (uint64_t seed = 1; seed <= 40; seed++) {
		teardown(state);
		setup(state);
		diff_run(pae, seed * 7919);
	}
	print_message("%s: fixed %u injected %u pt-write %u emulate %u\n", pae ? "pae" : "2-level",
		      seen[SHADOW_FIXED], seen[SHADOW_INJECT], seen[SHADOW_EMULATE_PT_WRITE],
		      seen[SHADOW_EMULATE]);
	assert_true(seen[SHADOW_FIXED] > 500 && seen[SHADOW_INJECT] > 500);
	assert_true(seen[SHADOW_EMULATE_PT_WRITE] > 20 && seen[SHADOW_EMULATE] > 5);
}

static void test_diff_2level(void **state)
{
	diff_many(state, false);
}

static void test_diff_pae(void **state)
{
	diff_many(state, true);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_2level_fill_and_ad),
		T(test_2level_halves_and_quarters),
		T(test_2level_pse_big_page),
		T(test_2level_pse36_beyond_ram),
		T(test_2level_pt_write),
		T(test_2level_recursive),
		T(test_2level_wp0_and_user),
		T(test_2level_invlpg_and_unshadow),
		T(test_pae_fill),
		T(test_pae_pdpte_rsvd),
		T(test_pae_pdpte_write),
		T(test_pae_two_pdpts_one_page),
		T(test_form_switch),
		T(test_diff_2level),
		T(test_diff_pae),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
