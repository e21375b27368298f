/* The page pool over a pretend machine of a few pages: a reservation is
 * all or nothing, never hands out more than it took, gives zeroed pages,
 * counts used and peak, and gives everything back. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "umbra/errno.h"
#include "umbra/page_pool.h"

#define FRAMES 64

static uint8_t machine[FRAMES][4096] __attribute__((aligned(4096)));
static bool taken[FRAMES];
static unsigned int in_use, limit;

/* Frame f is at "machine address" (f + 1) << 12, so 0 means none. */
static uint64_t m_alloc(void)
{
	if (in_use >= limit)
		return 0;
	for (unsigned int f = 0; f < FRAMES; f++) {
		if (!taken[f]) {
			taken[f] = true;
			in_use++;
			memset(machine[f], 0xa5, sizeof(machine[f]));	/* pages come dirty */
			return (uint64_t)(f + 1) << 12;
		}
	}
	return 0;
}

static void m_free(uint64_t pa)
{
	unsigned int f = (unsigned int)(pa >> 12) - 1;

	assert_true(f < FRAMES && taken[f]);
	taken[f] = false;
	in_use--;
}

static void *m_map(uint64_t pa)
{
	return machine[(pa >> 12) - 1];
}

static const struct page_pool_ops ops = { m_alloc, m_free, m_map };

static int setup(void **state)
{
	(void)state;
	memset(taken, 0, sizeof(taken));
	in_use = 0;
	limit = FRAMES;
	return 0;
}

static void test_reserves_then_hands_out_only_that(void **state)
{
	struct page_pool p;
	uint64_t pa[8];

	(void)state;
	assert_int_equal(page_pool_init(&p, &ops, 8), 0);
	assert_int_equal(in_use, 8);
	assert_int_equal(p.reserved, 8);
	for (int i = 0; i < 8; i++) {
		pa[i] = page_pool_alloc(&p);
		assert_true(pa[i] != 0);
		for (int j = 0; j < 4096; j++)
			assert_int_equal(((uint8_t *)m_map(pa[i]))[j], 0);
		memset(m_map(pa[i]), 0x5a, 4096);
	}
	assert_int_equal(page_pool_alloc(&p), 0);	/* exhausted: no more from the machine */
	assert_int_equal(in_use, 8);
	assert_int_equal(p.used, 8);
	assert_int_equal(p.peak, 8);
	page_pool_free(&p, pa[3]);
	page_pool_free(&p, pa[5]);
	assert_int_equal(p.used, 6);
	pa[3] = page_pool_alloc(&p);
	assert_true(pa[3] != 0);
	assert_int_equal(p.used, 7);
	assert_int_equal(p.peak, 8);
	for (int i = 0; i < 8; i++)
		if (i != 5)
			page_pool_free(&p, pa[i]);
	assert_int_equal(p.used, 0);
	assert_int_equal(page_pool_fini(&p), 0);
	assert_int_equal(in_use, 0);
}

static void test_all_or_nothing(void **state)
{
	struct page_pool p;

	(void)state;
	limit = 5;
	assert_int_equal(page_pool_init(&p, &ops, 6), -ENOMEM);
	assert_int_equal(in_use, 0);
	assert_int_equal(p.reserved, 0);
	assert_int_equal(page_pool_alloc(&p), 0);
	assert_int_equal(page_pool_init(&p, &ops, 5), 0);
	assert_int_equal(in_use, 5);
	assert_int_equal(page_pool_fini(&p), 0);
	assert_int_equal(in_use, 0);
}

static void test_fini_reports_pages_not_given_back(void **state)
{
	struct page_pool p;
	uint64_t pa;

	(void)state;
	assert_int_equal(page_pool_init(&p, &ops, 4), 0);
	pa = page_pool_alloc(&p);
	assert_true(pa != 0);
	assert_int_equal(page_pool_fini(&p), 1);
	assert_int_equal(in_use, 1);		/* the one still handed out */
	m_free(pa);
}

static void test_empty_pool(void **state)
{
	struct page_pool p;

	(void)state;
	assert_int_equal(page_pool_init(&p, &ops, 0), 0);
	assert_int_equal(page_pool_alloc(&p), 0);
	assert_int_equal(page_pool_fini(&p), 0);
	assert_int_equal(in_use, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reserves_then_hands_out_only_that, setup),
		cmocka_unit_test_setup(test_all_or_nothing, setup),
		cmocka_unit_test_setup(test_fini_reports_pages_not_given_back, setup),
		cmocka_unit_test_setup(test_empty_pool, setup),
	};

	return cmocka_run_group_tests_name("page_pool", tests, NULL, NULL);
}
