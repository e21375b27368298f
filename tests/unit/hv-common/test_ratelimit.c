/* The message token bucket: the burst, the refill rate without lost
 * fractions, the refused count handed back once, and clocks large enough
 * to overflow a careless product. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "umbra/ratelimit.h"

#define HZ	1000000000ULL		/* ns ticks */
#define TSC_HZ	(3ULL << 30)		/* a 3.2 GHz TSC */

static const struct ratelimit_params p10 = { .burst = 10, .per_sec = 5 };

static unsigned int allowed_in(struct ratelimit *rl, const struct ratelimit_params *p,
			       uint64_t from, uint64_t step, unsigned int tries,
			       uint64_t hz)
{
	unsigned int n = 0;
	uint64_t lifted;

	for (unsigned int i = 0; i < tries; i++)
		n += ratelimit_allow(rl, p, from + i * step, hz, &lifted);
	return n;
}

static void test_burst_then_refused(void **state)
{
	struct ratelimit rl = { 0 };
	uint64_t lifted = 99;

	(void)state;
	for (int i = 0; i < 10; i++) {
		assert_true(ratelimit_allow(&rl, &p10, 5 * HZ, HZ, &lifted));
		assert_int_equal(lifted, 0);
	}
	for (int i = 0; i < 25; i++)
		assert_false(ratelimit_allow(&rl, &p10, 5 * HZ, HZ, &lifted));
	/* 5 a second: one token every 200 ms. */
	assert_false(ratelimit_allow(&rl, &p10, 5 * HZ + HZ / 5 - 1, HZ, &lifted));
	assert_true(ratelimit_allow(&rl, &p10, 5 * HZ + HZ / 5, HZ, &lifted));
	assert_int_equal(lifted, 26);		/* reported once, when it lifts */
	assert_false(ratelimit_allow(&rl, &p10, 5 * HZ + HZ / 5, HZ, &lifted));
	/* The next count waits a second after this one... */
	assert_true(ratelimit_allow(&rl, &p10, 5 * HZ + 2 * HZ / 5, HZ, &lifted));
	assert_int_equal(lifted, 0);
	assert_false(ratelimit_allow(&rl, &p10, 5 * HZ + 2 * HZ / 5, HZ, &lifted));
	assert_true(ratelimit_allow(&rl, &p10, 6 * HZ + HZ / 5 - 1, HZ, &lifted));
	assert_int_equal(lifted, 0);
	/* ... and then has everything refused meanwhile. */
	assert_true(ratelimit_allow(&rl, &p10, 6 * HZ + HZ / 5, HZ, &lifted));
	assert_int_equal(lifted, 2);
	assert_int_equal(ratelimit_take_suppressed(&rl), 0);
}

static void test_counts_add_up_under_a_flood(void **state)
{
	struct ratelimit rl = { 0 };
	uint64_t lifted, passed = 0, reported = 0, reports = 0;

	(void)state;
	/* 100000 messages over 20 s: every one is passed or counted once,
	 * and the counts come at most once a second. */
	for (uint64_t i = 0; i < 100000; i++) {
		if (ratelimit_allow(&rl, &p10, i * (20 * HZ / 100000), HZ, &lifted)) {
			passed++;
			reported += lifted;
			reports += lifted != 0;
		}
	}
	reported += ratelimit_take_suppressed(&rl);
	assert_int_equal(passed + reported, 100000);
	assert_in_range(passed, 10 + 99, 10 + 100);
	assert_in_range(reports, 19, 21);
}

static void test_sustained_rate(void **state)
{
	struct ratelimit rl = { 0 };
	unsigned int n;

	(void)state;
	/* A message every ms for 10 s: the burst, then 5 a second. Steps of
	 * 1 ms never earn a whole token alone; fractions must add up. */
	n = allowed_in(&rl, &p10, 0, HZ / 1000, 10000, HZ);
	assert_in_range(n, 10 + 49, 10 + 50);
}

static void test_refill_capped_at_burst(void **state)
{
	struct ratelimit rl = { 0 };

	(void)state;
	assert_int_equal(allowed_in(&rl, &p10, 0, 0, 100, HZ), 10);
	/* An hour idle earns no more than the burst. */
	assert_int_equal(allowed_in(&rl, &p10, 3600 * HZ, 0, 100, HZ), 10);
	assert_int_equal(allowed_in(&rl, &p10, 3600 * HZ + HZ, 0, 100, HZ), 5);
}

static void test_take_suppressed(void **state)
{
	struct ratelimit rl = { 0 };
	uint64_t lifted;

	(void)state;
	allowed_in(&rl, &p10, 0, 0, 17, HZ);
	assert_int_equal(ratelimit_take_suppressed(&rl), 7);
	assert_int_equal(ratelimit_take_suppressed(&rl), 0);
	assert_true(ratelimit_allow(&rl, &p10, 10 * HZ, HZ, &lifted));
	assert_int_equal(lifted, 0);
}

static void test_large_clock_values(void **state)
{
	static const struct ratelimit_params big = { .burst = 1 << 20, .per_sec = 1 << 20 };
	struct ratelimit rl = { 0 };
	uint64_t t0 = UINT64_MAX - 1000 * TSC_HZ;

	(void)state;
	/* A TSC near wrap, a year-long gap, the largest parameters. */
	assert_int_equal(allowed_in(&rl, &big, t0, 0, (1 << 20) + 5, TSC_HZ), 1 << 20);
	assert_int_equal(allowed_in(&rl, &big, t0 + TSC_HZ / 2, 0, 1 << 20, TSC_HZ), 1 << 19);
	assert_int_equal(allowed_in(&rl, &big, t0 + 900 * TSC_HZ, 0, (1 << 20) + 1, TSC_HZ),
			 1 << 20);
	/* A clock that went back refills rather than stalling. */
	assert_int_equal(allowed_in(&rl, &p10, 5, 0, 20, TSC_HZ), 10);
}

static void test_independent_buckets(void **state)
{
	struct ratelimit a = { 0 }, b = { 0 };

	(void)state;
	assert_int_equal(allowed_in(&a, &p10, 0, 0, 1000, HZ), 10);
	assert_int_equal(allowed_in(&b, &p10, 0, 0, 3, HZ), 3);
	assert_int_equal(ratelimit_take_suppressed(&a), 990);
	assert_int_equal(ratelimit_take_suppressed(&b), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_refused),
		cmocka_unit_test(test_sustained_rate),
		cmocka_unit_test(test_counts_add_up_under_a_flood),
		cmocka_unit_test(test_refill_capped_at_burst),
		cmocka_unit_test(test_take_suppressed),
		cmocka_unit_test(test_large_clock_values),
		cmocka_unit_test(test_independent_buckets),
	};

	return cmocka_run_group_tests_name("hv-common/ratelimit", tests, NULL, NULL);
}
