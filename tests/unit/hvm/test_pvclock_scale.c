/*
 * pvclock_scale_for() and pvclock_scale_ticks(): the multiplier and
 * shift a guest's vcpu_time_info carries, checked against exact
 * arithmetic for TSC rates from 100 MHz to 5 GHz: a second of ticks is a
 * second to within a few ns, an hour to within a few us, the multiplier
 * always normalised (above 2^31), and time never goes back. And
 * pvclock_wallclock_at(): the time of day at a TSC value before the
 * clock was read (a PV domain's system time 0) as well as after.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <umbra/pvclock_scale.h>

#define NS_PER_SEC	1000000000ULL

static const uint64_t rates[] = {
	100000000ULL, 999999999ULL, 1000000000ULL, 1000000001ULL, 2000000000ULL,
	2000000001ULL, 2495312000ULL, 3700000000ULL, 4000000000ULL, 5000000000ULL,
};

/* ns of ticks at hz, exactly (rounded down). */
static uint64_t exact_ns(uint64_t ticks, uint64_t hz)
{
	return (uint64_t)((unsigned __int128)ticks * NS_PER_SEC / hz);
}

static uint64_t diff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

static void test_normalised(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		struct pvclock_scale s = pvclock_scale_for(rates[i]);

		/* rate in (1e9, 2e9] after the shift: mul in [2^31, 2^32). */
		assert_true(s.mul >= (1u << 31));
		assert_true(s.shift >= -3 && s.shift <= 4);
	}
	assert_int_equal(pvclock_scale_for(0).mul, 0);
}

static void test_accuracy(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		uint64_t hz = rates[i];
		struct pvclock_scale s = pvclock_scale_for(hz);
		uint64_t hour = 3600 * hz;

		assert_true(diff(pvclock_scale_ticks(hz, s), NS_PER_SEC) <= 8);
		assert_true(diff(pvclock_scale_ticks(hour, s), exact_ns(hour, hz)) <= 4000);
		assert_true(diff(pvclock_scale_ticks(1000, s), exact_ns(1000, hz)) <= 2);
	}
}

static void test_monotonic(void **state)
{
	struct pvclock_scale s = pvclock_scale_for(2495312000ULL);
	uint64_t last = 0, base = 1ULL << 40;

	(void)state;
	for (uint64_t t = base; t < base + 100000; t += 7) {
		uint64_t ns = pvclock_scale_ticks(t, s);

		assert_true(ns >= last);
		last = ns;
	}
	/* Ten years of a 5 GHz TSC stay in range (no overflow). */
	s = pvclock_scale_for(5000000000ULL);
	assert_true(pvclock_scale_ticks(10ULL * 365 * 86400 * 5000000000ULL, s) >
		    pvclock_scale_ticks(9ULL * 365 * 86400 * 5000000000ULL, s));
}

static void test_wallclock(void **state)
{
	const uint64_t boot = 1765000000ULL * NS_PER_SEC + 123456789, hz = 2495312000ULL;

	(void)state;
	/* At the reading itself, a second after, and 2.5 s before it. */
	assert_int_equal(pvclock_wallclock_at(boot, 5 * hz, 5 * hz, hz), boot);
	assert_int_equal(pvclock_wallclock_at(boot, 5 * hz, 6 * hz, hz), boot + NS_PER_SEC);
	assert_int_equal(pvclock_wallclock_at(boot, 5 * hz, 5 * hz / 2, hz),
			 boot - 5 * NS_PER_SEC / 2);
	/* TSC 0 of a clock read 5 s after reset is 5 s before the reading. */
	assert_int_equal(pvclock_wallclock_at(boot, 5 * hz, 0, hz), boot - 5 * NS_PER_SEC);
	/* Ten years of a 5 GHz TSC: no overflow on the way. */
	assert_int_equal(pvclock_wallclock_at(boot, 0, 10ULL * 365 * 86400 * 5000000000ULL,
					      5000000000ULL),
			 boot + 10ULL * 365 * 86400 * NS_PER_SEC);
	/* Never before 1970; no rate, no arithmetic. */
	assert_int_equal(pvclock_wallclock_at(NS_PER_SEC, 5 * hz, 0, hz), 0);
	assert_int_equal(pvclock_wallclock_at(boot, 5, 0, 0), boot);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalised),
		cmocka_unit_test(test_accuracy),
		cmocka_unit_test(test_monotonic),
		cmocka_unit_test(test_wallclock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
