/* The one-shot scheduler timer's arithmetic: a deadline in a vCPU's
 * guest time turned into the TSC value at which the timer pCPU fires it
 * (never early against the very clock check_timers() then reads, barely
 * late, capped, overdue and absent deadlines), and where a pCPU's next
 * interrupt falls. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "umbra/sched_timer_rule.h"

/* hypervisor/arch/x86/time.c's conversion, which guest_time_ns() uses
 * on (TSC + the vCPU's offset). */
static uint64_t tsc_to_ns(uint64_t tsc, uint64_t khz)
{
	return tsc / khz * 1000000 + tsc % khz * 1000000 / khz;
}

static uint64_t guest_ns(uint64_t tsc, uint64_t off, uint64_t khz)
{
	return tsc_to_ns(tsc + off, khz);
}

/* A small deterministic generator (xorshift64*). */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static const uint64_t rates_khz[] = { 2695277, 1000000, 3200000, 999999, 1000, 33333 };

/* Fired at the value returned, the vCPU's clock has reached the
 * deadline, and by no more than one TSC tick's worth (plus the 1 ns
 * that flooring both readings can lose). */
static void test_never_early_barely_late(void **state)
{
	(void)state;
	for (unsigned int r = 0; r < sizeof(rates_khz) / sizeof(rates_khz[0]); r++) {
		uint64_t khz = rates_khz[r], tick_ns = 1000000 / khz + 1;

		for (int i = 0; i < 20000; i++) {
			uint64_t now = next_rand() >> 12, off = next_rand() >> 12;
			uint64_t now_ns = guest_ns(now, off, khz);
			uint64_t ahead = next_rand() % SCHED_TIMER_HORIZON_NS + 1;
			uint64_t at = sched_timer_tsc_for(now, now_ns, now_ns + ahead, khz);

			assert_true(at > now);
			assert_true(guest_ns(at, off, khz) >= now_ns + ahead);
			assert_true(guest_ns(at, off, khz) <= now_ns + ahead + tick_ns);
		}
	}
}

/* A guest that moved its TSC back has an offset that wraps the sum:
 * the conversion works on the guest's clock as read, so still holds. */
static void test_wrapped_offset(void **state)
{
	uint64_t khz = 2695277, now = 5000000000000ull;
	uint64_t off = (uint64_t)-(int64_t)(now / 2);	/* guest TSC = now / 2 */
	uint64_t now_ns = guest_ns(now, off, khz);
	uint64_t at = sched_timer_tsc_for(now, now_ns, now_ns + 10000000, khz);

	(void)state;
	assert_true(guest_ns(at, off, khz) >= now_ns + 10000000);
	assert_true(at - now >= 10 * khz && at - now <= 10 * khz + 1);
}

static void test_due_absent_and_capped(void **state)
{
	uint64_t khz = 3200000, now = 123456789;

	(void)state;
	/* 0 is "no deadline", not "the epoch". */
	assert_int_equal(sched_timer_tsc_for(now, 777, 0, khz), UINT64_MAX);
	/* Due now or overdue: fire at once. */
	assert_int_equal(sched_timer_tsc_for(now, 777, 777, khz), now);
	assert_int_equal(sched_timer_tsc_for(now, 777, 1, khz), now);
	/* A deadline an hour (or 2^63 ns) away is looked at again in a
	 * second, without overflowing the product. */
	assert_int_equal(sched_timer_tsc_for(now, 777, 777 + 3600 * SCHED_TIMER_HORIZON_NS, khz),
			 now + khz * 1000);
	assert_int_equal(sched_timer_tsc_for(now, 0, UINT64_MAX, khz), now + khz * 1000);
	/* One ns ahead is at least one TSC tick ahead. */
	assert_int_equal(sched_timer_tsc_for(now, 777, 778, khz), now + 4);
}

static void test_next_interrupt(void **state)
{
	const uint64_t now = 1000000, tick = 2695, slice = 26952;

	(void)state;
	/* Alone: the slice's end; contended or idle: the tick. */
	assert_int_equal(sched_timer_next_at(now, tick, slice, false, UINT64_MAX), now + slice);
	assert_int_equal(sched_timer_next_at(now, tick, slice, true, UINT64_MAX), now + tick);
	/* A vCPU timer due before either comes first... */
	assert_int_equal(sched_timer_next_at(now, tick, slice, false, now + 100), now + 100);
	assert_int_equal(sched_timer_next_at(now, tick, slice, true, now + 100), now + 100);
	/* ... an overdue one at once (the APIC then counts its minimum)... */
	assert_int_equal(sched_timer_next_at(now, tick, slice, false, now - 5), now - 5);
	/* ... and one after it waits for a later interrupt. */
	assert_int_equal(sched_timer_next_at(now, tick, slice, false, now + slice + 1), now + slice);
	assert_int_equal(sched_timer_next_at(now, tick, slice, true, now + tick), now + tick);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_never_early_barely_late),
		cmocka_unit_test(test_wrapped_offset),
		cmocka_unit_test(test_due_absent_and_capped),
		cmocka_unit_test(test_next_interrupt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
