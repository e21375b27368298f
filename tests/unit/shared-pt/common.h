/* Shared by the shared-pt cmocka suites: a fresh 16 MiB machine per test
 * (frames 0..511 are the hypervisor's shadow pool), and a teardown that
 * fails the test unless the invariant checker is content and dropping
 * every domain's references leaves nothing behind. */
#ifndef SPT_TEST_COMMON_H
#define SPT_TEST_COMMON_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/shared-pt/harness.h"

#define T_FRAMES	4096
#define T_POOL		512

/* The directory form of the domains the running group makes. */
static enum spt_dir_mode t_dir_mode;
static int t_failed;

static inline int t_setup(void **state)
{
	struct harness *h = calloc(1, sizeof(*h));

	if (!h || h_init(h, T_FRAMES, T_POOL))
		return -1;
	h->dir_mode = t_dir_mode;
	*state = h;
	return 0;
}

static inline int t_teardown(void **state)
{
	struct harness *h = *state;
	char msg[256];
	int rc = 0;

	if (h_check(h, msg, sizeof(msg))) {
		print_error("invariants after the test: %s\n", msg);
		rc = -1;
	} else if (h_relinquish_all(h, msg, sizeof(msg))) {
		print_error("teardown: %s\n", msg);
		rc = -1;
	}
	h_fini(h);
	free(h);
	return rc;
}

#define T(f) cmocka_unit_test_setup_teardown(f, t_setup, t_teardown)

/* Every rule must hold whatever directory entries hold: a suite runs its
 * tests once with pseudo-physical directories (each shadowed) and once
 * with machine directories (Xen's PV form, only L4s shadowed). */
#define T_RUN_BOTH_MODES(name, tests)					\
	(t_dir_mode = SPT_DIRS_PSEUDO,					\
	 t_failed = cmocka_run_group_tests_name(			\
		name " (pseudo-physical directories)", tests, NULL, NULL), \
	 t_dir_mode = SPT_DIRS_MACHINE,					\
	 t_failed + cmocka_run_group_tests_name(			\
		name " (machine directories)", tests, NULL, NULL))

/* Shadow pages a tree of live directories needs in the running mode. */
static inline uint64_t t_shadows(unsigned int l4s, unsigned int l3s,
				 unsigned int l2s)
{
	return t_dir_mode == SPT_DIRS_PSEUDO ? l4s + l3s + l2s : l4s;
}

/* A new "before" picture for assert_refused, after deliberate changes. */
static inline void t_resnap(struct harness *h, struct h_snap **snap)
{
	h_snap_free(*snap);
	*snap = h_snap_take(h);
}

/* Write `val` into entry `index` of live table `mfn` by mmu_update. */
static inline int t_update(struct h_dom *g, uint64_t mfn, unsigned int index,
			   pte_t val)
{
	struct mmu_update req = { h_maddr(mfn, index), val };
	struct spt_flush flush = { 0 };

	return spt_mmu_update(&g->d, &req, 1, NULL, NULL, &flush);
}

/* A test about one directory form only. */
#define T_SKIP_UNLESS_MODE(mode)					\
	do {								\
		if (t_dir_mode != (mode))				\
			skip();						\
	} while (0)

/* The checker must be content in the middle of a test too. */
#define assert_consistent(h)						\
	do {								\
		char m_[256];						\
		if (h_check((h), m_, sizeof(m_)))			\
			fail_msg("%s", m_);				\
	} while (0)

/* A refused request: the error, the recorded reason, nothing changed. */
#define assert_refused(h, snap, d, call, err, why)			\
	do {								\
		char m_[256];						\
		int rc_ = (call);					\
		assert_int_equal(rc_, -(err));				\
		assert_string_equal(					\
			spt_reason_name((d)->last_refusal.reason),	\
			spt_reason_name(why));				\
		if (h_snap_diff((h), (snap), m_, sizeof(m_)))		\
			fail_msg("state changed: %s", m_);		\
		assert_consistent(h);					\
	} while (0)

/* Software walk of the tables the MMU would use, from a shadow root:
 * returns the machine address `va` translates to, or ~0 if not present;
 * *w tells whether every level allows writes. */
static inline uint64_t t_walk(struct harness *h, uint64_t root, uint64_t va,
			      bool *w)
{
	uint64_t table = root;
	pte_t e = 0;
	int level;

	*w = true;
	for (level = 4; level >= 1; level--) {
		e = h_frame(h, table)[pt_index(va, level)];
		if (!(e & PTE_P))
			return ~0ULL;
		*w = *w && (e & PTE_W);
		if (level == 2 && (e & PTE_PS))
			return (e & PTE_ADDR_2M_MASK) | (va & (PAGE_SIZE_2M - 1));
		table = pte_addr(e) >> PAGE_SHIFT;
	}
	return pte_addr(e) | (va & (PAGE_SIZE - 1));
}

#define VA_USER	0x0000000040200000ULL	/* L4 0, L3 1, L2 1, L1 0 */

#endif
