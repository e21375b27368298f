/*
 * Taking samples through libvmctl (a test double here): a refresh costs
 * the same number of management calls with 1 domain or 100, and a
 * failing call leaves nothing behind.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "dom0-tools/vmtop/rates.h"
#include "fake_vmctl.h"

static unsigned long calls_for_one_sample(unsigned int domains)
{
	struct vmctl *h;
	struct vmtop_sample s;
	unsigned long before;
	unsigned int i;

	fake_reset(1);
	for (i = 1; i < domains; i++) {
		char name[16];

		snprintf(name, sizeof(name), "d%u", i);
		fake_add(i, name, UMBRA_DOMSTATE_BLOCKED, 2 << 20, 1, 0);
	}
	assert_int_equal(vmctl_open(&h), 0);
	before = vmctl_calls(h);
	assert_int_equal(vmtop_sample_take(h, &s, 1), 0);
	assert_int_equal(s.nr_doms, domains);
	assert_int_equal(s.nr_ctrs, domains);
	/* One snapshot for every domain at once, nothing else. */
	assert_int_equal(fake.calls_snapshot, 1);
	assert_int_equal(fake.calls_physinfo + fake.calls_list + fake.calls_counters +
			 fake.calls_info, 0);
	vmtop_sample_free(&s);
	return vmctl_calls(h) - before;
}

static void calls_do_not_grow_with_domains(void **state)
{
	unsigned long one = calls_for_one_sample(1);

	(void)state;
	assert_int_equal(one, 1);	/* the snapshot */
	assert_int_equal(calls_for_one_sample(10), one);
	assert_int_equal(calls_for_one_sample(100), one);
	assert_int_equal(calls_for_one_sample(FAKE_MAX_DOMS), one);
}

static void failure_leaves_an_empty_sample(void **state)
{
	struct vmctl *h;
	struct vmtop_sample s;

	(void)state;
	fake_reset(1);
	vmctl_open(&h);
	fake.fail_list = -EIO;
	assert_int_equal(vmtop_sample_take(h, &s, 5), -EIO);
	assert_null(s.doms);
	assert_null(s.ctrs);
	assert_int_equal(s.nr_doms, 0);
	vmtop_sample_free(&s);
}

static void shift_moves_and_empties(void **state)
{
	struct vmctl *h;
	struct vmtop_sample prev = { 0 }, cur;
	struct vmtop_row rows[4];

	(void)state;
	fake_reset(1);
	fake_add(3, "g", UMBRA_DOMSTATE_RUNNING, 4 << 20, 1, 1000000000ull);
	vmctl_open(&h);
	assert_int_equal(vmtop_sample_take(h, &cur, 1000000000ull), 0);
	vmtop_sample_shift(&prev, &cur);
	assert_null(cur.doms);
	assert_int_equal(prev.nr_doms, 2);
	fake.doms[1].cpu_time_ns += 500000000ull;
	assert_int_equal(vmtop_sample_take(h, &cur, 2000000000ull), 0);
	assert_int_equal(vmtop_rates(&prev, &cur, rows), 2);
	assert_float_equal(rows[1].cpu_pct, 50.0, 1e-9);
	vmtop_sample_free(&prev);
	vmtop_sample_free(&cur);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(calls_do_not_grow_with_domains),
		cmocka_unit_test(failure_leaves_an_empty_sample),
		cmocka_unit_test(shift_moves_and_empties),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
