/* The shadow engine's execute-only frame (shadow_config.xonly_*): the
 * page of the hypervisor's a PV guest runs but cannot read or write (its
 * hypercall page, docs/pv.md). Whatever the guest's entries say, a
 * shadow leaf maps the frame user, read-only and under the reserved key;
 * it is filled on an instruction fetch only; a data access is the
 * guest's #PF with PK; the frame is never a table, never written, never
 * given to may_exec. Every test ends with shadow_audit() and a check
 * that the domain gave back every page. */
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
#define DATA	0x00800000ULL
#define R	0u
#define W	MMU_ACC_WRITE
#define U	MMU_ACC_USER
#define X	MMU_ACC_FETCH
#define KEY	15u
/* Beyond the guest's RAM, as the hypervisor places it; the machine
 * frame is below RAM and outside the host's page pool. */
#define XGFN	(GENV_RAM_FRAMES + 64)
#define XMFN	100ULL
#define XGPA	(XGFN << 12)
#define PF_DATA	(MMU_PF_P | MMU_PF_PK)

static struct genv *E;
static uint8_t stubs[4096];
static unsigned int gate_calls;

static bool gate(void *ctx, uint64_t mfn)
{
	(void)ctx;
	(void)mfn;
	gate_calls++;
	return true;
}

static struct shadow_config xcfg(bool with_gate)
{
	return (struct shadow_config){ .hv_slot = -1, .force_user = true,
				       .may_exec = with_gate ? gate : NULL,
				       .xonly_gfn = XGFN, .xonly_mfn = XMFN, .xonly_key = KEY };
}

static uint8_t *xframe(void)
{
	return E->hm->mem + (XMFN << 12);
}

static int setup(void **state)
{
	struct shadow_config c = xcfg(false);

	E = genv_create(&c);
	for (unsigned int i = 0; i < sizeof(stubs); i++)
		stubs[i] = (uint8_t)(i * 7 + 1);
	memcpy(xframe(), stubs, sizeof(stubs));
	gate_calls = 0;
	*state = E;
	return 0;
}

static int teardown(void **state)
{
	/* Nothing the engine did wrote into the frame. */
	assert_memory_equal(xframe(), stubs, sizeof(stubs));
	genv_destroy(*state);
	return 0;
}

static void recreate(const struct shadow_config *cfg, void **state)
{
	genv_destroy(E);
	E = genv_create(cfg);
	memcpy(xframe(), stubs, sizeof(stubs));
	*state = E;
}

static void audit_ok(void)
{
	const char *why = NULL;

	if (shadow_audit(E->d, &why))
		fail_msg("audit: %s", why);
}

/* The shadow's level-1 entry for va (0 if there is none). */
static uint64_t *shadow_l1(uint64_t va)
{
	uint64_t t = E->hw_cr3 & PTE_ADDR_MASK;

	for (int level = 4; level > 1; level--) {
		uint64_t e = hm_table(E->hm, t)[pt_index(va, level)];

		if (!(e & PTE_P) || (e & PTE_PS))
			return NULL;
		t = e & PTE_ADDR_MASK;
	}
	return &hm_table(E->hm, t)[pt_index(va, 1)];
}

static void no_leaf(uint64_t va)
{
	uint64_t *e = shadow_l1(va);

	assert_true(!e || !(*e & PTE_P));
}

static uint64_t counters_injected(void)
{
	struct shadow_counters c;

	shadow_get_counters(E->d, &c);
	return c.injected;
}

static void expect_xonly_leaf(uint64_t va)
{
	uint64_t *e = shadow_l1(va);

	assert_non_null(e);
	assert_int_equal(*e & PTE_ADDR_MASK, XMFN << 12);
	assert_true(*e & PTE_P);
	assert_true(*e & PTE_U);
	assert_false(*e & PTE_W);
	assert_int_equal(pte_pkey(*e), KEY);
}

static void expect_fetch(uint64_t va)
{
	struct gaccess a = genv_acc(E, va, X | U);

	assert_int_equal(a.action, SHADOW_FIXED);
	assert_int_equal(a.maddr, (XMFN << 12) | (va & 0xfff));
	expect_xonly_leaf(va);
}

/* A guest entry that would allow everything: fetches fill the
 * execute-only form, reads and writes are the guest's PK fault and fill
 * nothing; with the key shut in PKRU the shadow itself refuses data. */
static void test_xonly_fetch_only(void **state)
{
	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, XGPA, 1, URW, URW | PTE_D);
	genv_expect_inject(E, UVA, R | U, PF_DATA | MMU_PF_U);
	genv_expect_inject(E, UVA + 8, W | U, PF_DATA | MMU_PF_U | MMU_PF_W);
	genv_expect_inject(E, UVA, R, PF_DATA);
	no_leaf(UVA);
	assert_int_equal(genv_entry(E, UVA, 1) & PTE_D, PTE_D);
	expect_fetch(UVA + 0x20);
	assert_true(genv_hw_allows(E, UVA, X | U));
	assert_false(genv_hw_allows(E, UVA, W | U));
	/* The processor with the key's access disabled (the caller's PKRU). */
	E->mode.cr4 |= MMU_CR4_PKE;
	E->mode.pkru = MMU_PKRU_AD(KEY) | MMU_PKRU_WD(KEY);
	assert_int_equal(shadow_set_mode(E->v, &E->mode), 0);
	expect_fetch(UVA + 0x40);
	assert_false(genv_hw_allows(E, UVA, R | U));
	assert_false(genv_hw_allows(E, UVA, R));
	/* The fault the processor takes there: the guest's again, the leaf
	 * kept for the next call. */
	genv_expect_inject(E, UVA, R | U, PF_DATA | MMU_PF_U);
	expect_xonly_leaf(UVA);
	assert_true(genv_hw_allows(E, UVA, X | U));
	assert_int_equal(counters_injected(), 4);
	audit_ok();
}

/* Every alias, whatever its rights and key, is the same one form; the
 * guest's NX still counts. */
static void test_xonly_aliases(void **state)
{
	uint64_t big = 0x0000000040000000ULL;

	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, XGPA, 1, KRW, KRW | PTE_D | (3ULL << PTE_PKEY_SHIFT));
	ptb_map(&E->b, UVA + 0x1000, XGPA, 1, URW, URW | PTE_NX);
	ptb_map(&E->b, UVA + 0x2000, DATA, 1, URW, URW | PTE_D);
	expect_fetch(UVA);
	genv_expect_inject(E, UVA + 0x1000, X | U, MMU_PF_P | MMU_PF_ID | MMU_PF_U);
	genv_expect_inject(E, UVA + 0x1000, R | U, PF_DATA | MMU_PF_U);
	no_leaf(UVA + 0x1000);
	/* An ordinary page beside it is ordinary. */
	genv_expect_fixed(E, UVA + 0x2000, W | U, DATA);
	/* A guest 2 MiB page over it: split, the frame in its form. */
	ptb_map(&E->b, big, XGPA & ~0x1fffffULL, 2, URW, URW | PTE_D);
	expect_fetch(big + (XGPA & 0x1fffff));
	genv_expect_inject(E, big + (XGPA & 0x1fffff), W | U, PF_DATA | MMU_PF_U | MMU_PF_W);
	audit_ok();
}

/* Not a table: a walk through it stops there, page-table writes to it
 * are refused, nothing tracks it, nothing is written into it. */
static void test_xonly_is_no_table(void **state)
{
	struct gaccess a;

	(void)state;
	/* Whatever the caller's p2m would say: not asked. */
	hm_p2m_set(E->hm, XGFN, GENV_RAM_MFN + (DATA >> 12), 0, true);
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW);
	genv_set_entry(E, UVA, 2, XGPA | URW | PTE_A);
	a = genv_acc(E, UVA, X | U);
	assert_int_equal(a.action, SHADOW_P2M_FAULT);
	assert_int_equal(a.gpa, XGPA);
	assert_int_equal(shadow_pt_write(E->d, XGPA + 8, 0x1234, 8), -ENOENT);
	assert_false(shadow_gfn_is_tracked(E->d, XGFN));
	assert_int_equal(genv_switch(E, XGPA), 0);
	a = genv_acc(E, UVA, R | U);
	assert_int_equal(a.action, SHADOW_P2M_FAULT);
	audit_ok();
}

/* A guest store that names the frame (trapped, applied through the
 * engine) gives no leaf at once: the next fetch makes it, in its form. */
static void test_xonly_pt_write(void **state)
{
	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, DATA, 1, URW, URW | PTE_D);
	genv_expect_fixed(E, UVA, W | U, DATA);
	genv_set_entry(E, UVA, 1, XGPA | URW | PTE_A | PTE_D);
	assert_false(genv_hw_allows(E, UVA, R | U));
	assert_false(genv_hw_allows(E, UVA, W | U));
	genv_expect_inject(E, UVA, W | U, PF_DATA | MMU_PF_U | MMU_PF_W);
	expect_fetch(UVA);
	genv_set_entry(E, UVA, 1, DATA | URW | PTE_A | PTE_D);
	genv_expect_fixed(E, UVA, W | U, DATA);
	audit_ok();
}

/* With the W^X gate: the frame runs without asking it (it is the
 * caller's, never writable); the guest's own pages still ask. */
static void test_xonly_with_gate(void **state)
{
	struct shadow_config c = xcfg(true);

	recreate(&c, state);
	genv_new_space(E);
	ptb_map(&E->b, UVA, XGPA, 1, URW, URW | PTE_D);
	ptb_map(&E->b, UVA + 0x1000, DATA, 1, URW, URW);
	expect_fetch(UVA);
	assert_int_equal(gate_calls, 0);
	assert_false(shadow_mfn_exec_ok(E->d, XMFN));
	genv_expect_inject(E, UVA, W | U, PF_DATA | MMU_PF_U | MMU_PF_W);
	genv_expect_fixed(E, UVA + 0x1000, X | U, DATA);
	assert_int_equal(gate_calls, 1);
	audit_ok();
}

/* The audit knows the form: a leaf of the frame made writable, or with
 * another key, is reported. */
static void test_xonly_audit(void **state)
{
	const char *why = NULL;
	uint64_t *e, saved;

	(void)state;
	genv_new_space(E);
	ptb_map(&E->b, UVA, XGPA, 1, URW, URW | PTE_D);
	expect_fetch(UVA);
	e = shadow_l1(UVA);
	saved = *e;
	*e = saved & ~PTE_PKEY_MASK;
	assert_int_equal(shadow_audit(E->d, &why), -EFAULT);
	assert_non_null(why);
	*e = saved | PTE_W;
	assert_int_equal(shadow_audit(E->d, &why), -EFAULT);
	*e = saved;
	audit_ok();
}

/* Without xonly_key the frame number is an ordinary hole; a key above
 * 15 is refused. */
static void test_xonly_config(void **state)
{
	struct shadow_config c = xcfg(false);
	struct gaccess a;
	int err = 0;

	c.xonly_key = 16;
	assert_null(shadow_domain_create(&E->hm->ops, &c, &err));
	assert_int_equal(err, -EINVAL);
	c.xonly_key = 0;
	recreate(&c, state);
	genv_new_space(E);
	ptb_map(&E->b, UVA, XGPA, 1, URW, URW);
	a = genv_acc(E, UVA, X | U);
	assert_int_equal(a.action, SHADOW_P2M_FAULT);
	audit_ok();
}

/* Random guest entries for eight pages, each the frame or a page of its
 * own, rewritten through trapped stores between random accesses: every
 * access ends as the guest's tables and the one form say, and the audit
 * holds throughout. Fails if an outcome was never seen. */
static void test_xonly_random(void **state)
{
	static const uint64_t bits[] = { PTE_P, PTE_W, PTE_U, PTE_NX, PTE_D, PTE_PCD, PTE_G };
	static const unsigned int accs[] = { R | U, W | U, X | U };
	unsigned int seen[4] = { 0 };	/* frame fetch, PK fault, own page, other guest #PF */
	uint64_t rng = 0x9e3779b97f4a7c15ULL;

	(void)state;
	/* The processor as the caller runs it: the key shut in PKRU. */
	E->mode.cr4 |= MMU_CR4_PKE;
	E->mode.pkru = MMU_PKRU_AD(KEY) | MMU_PKRU_WD(KEY);
	assert_int_equal(shadow_set_mode(E->v, &E->mode), 0);
	genv_new_space(E);
	for (unsigned int p = 0; p < 8; p++)
		ptb_map(&E->b, UVA + p * 0x1000, DATA, 1, URW, URW | PTE_D);
	for (unsigned int i = 0; i < 4000; i++) {
		uint64_t va, g = PTE_A, gpa;
		unsigned int acc, p;
		struct gaccess a;
		bool frame;

		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		p = rng & 7;
		va = UVA + p * 0x1000 + ((rng >> 8) & 0xff8);
		frame = (rng >> 20) & 1;
		acc = accs[((rng >> 21) & 0xff) % 3];
		if ((rng >> 30) & 1) {
			for (unsigned int b = 0; b < sizeof(bits) / sizeof(bits[0]); b++)
				if ((rng >> (32 + b)) & 1 || (b == 0 && ((rng >> 40) & 3)))
					g |= bits[b];
			g |= ((rng >> 44) & 15) << PTE_PKEY_SHIFT;
			gpa = frame ? XGPA : DATA + p * 0x1000;
			genv_set_entry(E, UVA + p * 0x1000, 1, gpa | g);
		}
		g = genv_entry(E, va, 1);
		frame = (g & PTE_ADDR_MASK) == XGPA;
		a = genv_acc(E, va, acc);
		if (!(g & PTE_P) || ((acc & W) && !(g & PTE_W)) || ((acc & X) && (g & PTE_NX))) {
			uint32_t ec = (acc & (W | U | X)) | ((g & PTE_P) ? MMU_PF_P : 0);

			/* mmu_walk reports the key too where it also refuses. */
			if ((g & PTE_P) && !(acc & X) && pte_pkey(g) == KEY)
				ec |= MMU_PF_PK;

			assert_int_equal(a.action, SHADOW_INJECT);
			assert_int_equal(a.error_code, ec);
			seen[3]++;
		} else if (frame && (acc & X)) {
			assert_int_equal(a.action, SHADOW_FIXED);
			assert_int_equal(a.maddr, (XMFN << 12) | (va & 0xfff));
			expect_xonly_leaf(va);
			seen[0]++;
		} else if (frame || (!(acc & X) && pte_pkey(g) == KEY)) {
			/* Its own page under the key: the guest's own PK fault. */
			assert_int_equal(a.action, SHADOW_INJECT);
			assert_int_equal(a.error_code, PF_DATA | (acc & (W | U)));
			seen[1]++;
		} else {
			assert_int_equal(a.action, SHADOW_FIXED);
			assert_int_equal(a.maddr, genv_maddr(g & PTE_ADDR_MASK) | (va & 0xfff));
			seen[2]++;
		}
		if (i % 500 == 0)
			audit_ok();
	}
	for (unsigned int k = 0; k < 4; k++)
		assert_true(seen[k] > 50);
	audit_ok();
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_xonly_fetch_only), T(test_xonly_aliases), T(test_xonly_is_no_table),
		T(test_xonly_pt_write), T(test_xonly_with_gate), T(test_xonly_audit),
		T(test_xonly_config), T(test_xonly_random),
	};

	return cmocka_run_group_tests_name("mmu_shadow_xonly", tests, NULL, NULL);
}
