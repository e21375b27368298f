/* Calibration consensus: a stretched window (the virtual CPU descheduled
 * inside it) must not move the figure; too few agreeing windows give 0.
 * The calib_* cases use windows recorded on a loaded host under TCG
 * (2 ms windows, a 2,694 MHz TSC). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "umbra/consensus.h"

#define N(a)	((unsigned int)(sizeof(a) / sizeof((a)[0])))

static void test_all_agree(void **state)
{
	uint64_t s[] = { 10480000, 10479000, 10481000, 10480500, 10479500 };
	unsigned int k;

	(void)state;
	assert_int_equal(consensus_of(s, N(s), 2, &k), 10480000);
	assert_int_equal(k, 5);
}

/* The boot that reported 2,520 MHz for a 2,096 MHz TSC: one window of
 * 5 ms read 12.6 M ticks instead of 10.48 M. */
static void test_stretched_window_rejected(void **state)
{
	uint64_t s[] = { 10480000, 12600000, 10480000, 10481000, 10479000, 10480000,
			 10480000 };
	unsigned int k;

	(void)state;
	assert_int_equal(consensus_of(s, N(s), 2, &k), 10480000);
	assert_int_equal(k, 6);
}

static void test_outliers_both_sides(void **state)
{
	uint64_t s[] = { 1000, 5, 1010, 990, 99999, 1000, 0 };
	unsigned int k;

	(void)state;
	assert_int_equal(consensus_of(s, N(s), 2, &k), 1000);
	assert_int_equal(k, 4);
}

static void test_no_majority(void **state)
{
	uint64_t s[] = { 1000, 2000, 3000, 4000, 5000, 6000 };
	uint64_t half[] = { 1000, 1000, 1000, 5000, 6000, 7000 };
	unsigned int k = 99;

	(void)state;
	assert_int_equal(consensus_of(s, N(s), 2, &k), 0);
	assert_int_equal(k, 0);
	/* Exactly half is not a majority. */
	assert_int_equal(consensus_of(half, N(half), 2, &k), 0);
	assert_int_equal(median_of(half, N(half)), 3000);
}

static void test_tolerance_edge(void **state)
{
	uint64_t in[] = { 100000, 102000, 98000 };	/* exactly 2% off */
	uint64_t out[] = { 100000, 102001, 97999 };
	unsigned int k;

	(void)state;
	assert_int_equal(consensus_of(in, N(in), 2, &k), 100000);
	assert_int_equal(k, 3);
	assert_int_equal(consensus_of(out, N(out), 2, &k), 0);
}

static void test_huge_values_do_not_wrap(void **state)
{
	uint64_t big = UINT64_MAX - 10;
	uint64_t s[] = { big, big - 2, big - 4 };
	uint64_t two[] = { UINT64_MAX, UINT64_MAX - 1 };
	unsigned int k;

	(void)state;
	assert_true(consensus_of(s, N(s), 50, &k) == big - 2);
	assert_int_equal(k, 3);
	assert_true(median_of(two, 2) == UINT64_MAX - 1);
}

static void test_median(void **state)
{
	uint64_t odd[] = { 9, 1, 5 };
	uint64_t even[] = { 4, 1, 3, 2 };

	(void)state;
	assert_int_equal(median_of(odd, 3), 5);
	assert_int_equal(median_of(even, 4), 2);
	assert_int_equal(median_of(even, 0), 0);
	assert_int_equal(consensus_of(even, 0, 2, &(unsigned int){ 0 }), 0);
}

/* Five of nine windows stretched, yet narrow-bracketed ones agree. */
static void test_calib_rejects_wide_brackets(void **state)
{
	const struct calib_sample w[] = {
		{ 9161141, 10603845 }, { 8622288, 9656712 }, { 10583798, 10971423 },
		{ 5393993, 45549 }, { 14246955, 24848208 }, { 5389132, 2133 },
		{ 5388822, 1566 }, { 5389200, 1566 }, { 7453890, 11021724 },
	};
	unsigned int used;
	uint64_t t = calib_estimate(w, N(w), 5, 1, &used);

	(void)state;
	/* 5393993 (err 0.8%) is not trusted; the three others agree. */
	assert_int_equal(used, 3);
	assert_int_equal(t, (5389132 + 5388822 + 5389200) / 3);
	/* The median of all nine would have said 3,726 MHz. */
	assert_true(t / 2000 > 2690 && t / 2000 < 2700);
}

/* A stretched window can look plausible by chance; its bracket gives it away. */
static void test_calib_plausible_but_wide(void **state)
{
	const struct calib_sample w[] = {
		{ 5389000, 1500 }, { 5390000, 1700 }, { 5389500, 2100 },
		{ 5600000, 108000 }, { 5610000, 130000 }, { 5620000, 120000 },
		{ 5605000, 140000 },
	};
	unsigned int used;

	(void)state;
	assert_int_equal(calib_estimate(w, N(w), 5, 1, &used), 5389500);
	assert_int_equal(used, 3);
	/* With brackets ignored (err allowed up to 100%), the wide four
	 * are the majority and win. */
	assert_true(calib_estimate(w, N(w), 1000, 1, &used) > 5600000);
}

static void test_calib_too_few(void **state)
{
	const struct calib_sample two[] = {
		{ 5389000, 1500 }, { 5390000, 1700 }, { 9000000, 9000000 },
	};
	const struct calib_sample none[] = { { 0, 0 }, { 7000000, 5000000 } };
	unsigned int used = 7;

	(void)state;
	assert_int_equal(calib_estimate(two, N(two), 5, 1, &used), 0);
	assert_int_equal(used, 0);
	assert_int_equal(calib_estimate(none, N(none), 5, 1, &used), 0);
	assert_int_equal(calib_estimate(none, 0, 5, 1, &used), 0);
	/* The fallback takes the narrowest window. */
	assert_int_equal(calib_fallback(two, N(two)), 5389000);
	assert_int_equal(calib_fallback(none, N(none)), 0);
	assert_int_equal(calib_fallback(none, 0), 0);
}

static void test_calib_err_bound_edge(void **state)
{
	const struct calib_sample at[] = {
		{ 1000000, 5000 }, { 1000000, 5000 }, { 1000000, 5000 },
	};
	const struct calib_sample over[] = {
		{ 1000000, 5001 }, { 1000000, 5001 }, { 1000000, 5001 },
	};
	const struct calib_sample huge[] = {
		{ UINT64_MAX / 2, UINT64_MAX / 400 }, { UINT64_MAX / 2, 0 },
		{ UINT64_MAX / 2, 1 },
	};
	unsigned int used;

	(void)state;
	assert_int_equal(calib_estimate(at, N(at), 5, 1, &used), 1000000);
	assert_int_equal(calib_estimate(over, N(over), 5, 1, &used), 0);
	assert_true(calib_estimate(huge, N(huge), 5, 1, &used) == UINT64_MAX / 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_agree),
		cmocka_unit_test(test_stretched_window_rejected),
		cmocka_unit_test(test_outliers_both_sides),
		cmocka_unit_test(test_no_majority),
		cmocka_unit_test(test_tolerance_edge),
		cmocka_unit_test(test_huge_values_do_not_wrap),
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_calib_rejects_wide_brackets),
		cmocka_unit_test(test_calib_plausible_but_wide),
		cmocka_unit_test(test_calib_too_few),
		cmocka_unit_test(test_calib_err_bound_edge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
