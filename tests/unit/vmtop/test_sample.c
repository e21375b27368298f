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
	struct vmtop_sample s = { 0 };
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
	assert_int_equal(s.snap.nr, domains);
	assert_int_equal(s.snap.dom[domains - 1]->domid, domains - 1);
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
	struct vmtop_sample s = { 0 };

	(void)state;
	fake_reset(1);
	vmctl_open(&h);
	assert_int_equal(vmtop_sample_take(h, &s, 5), 0);
	assert_int_equal(s.snap.nr, 1);
	fake.fail_list = -EIO;
	assert_int_equal(vmtop_sample_take(h, &s, 6), -EIO);
	assert_int_equal(s.snap.nr, 0);
	assert_int_equal(s.t_ns, 0);
	vmtop_sample_free(&s);
	assert_null(s.snap.buf);
}

static void shift_moves_and_empties(void **state)
{
	struct vmctl *h;
	struct vmtop_sample prev = { 0 }, cur = { 0 };
	struct vmtop_row rows[4];
	void *first;

	(void)state;
	fake_reset(1);
	fake_add(3, "g", UMBRA_DOMSTATE_RUNNING, 4 << 20, 1, 1000000000ull);
	vmctl_open(&h);
	assert_int_equal(vmtop_sample_take(h, &cur, 1000000000ull), 0);
	first = cur.snap.buf;
	vmtop_sample_shift(&prev, &cur);
	assert_int_equal(cur.snap.nr, 0);
	assert_int_equal(prev.snap.nr, 2);
	assert_ptr_equal(prev.snap.buf, first);
	fake.doms[1].cpu_time_ns += 500000000ull;
	fake.doms[1].vcpu[0].cpu_time_ns += 500000000ull;
	assert_int_equal(vmtop_sample_take(h, &cur, 2000000000ull), 0);
	assert_int_equal(vmtop_rates(&prev, &cur, rows), 2);
	assert_float_equal(rows[1].cpu_pct, 50.0, 1e-9);
	/* The rows point into the newer sample's records. */
	assert_ptr_equal(rows[1].vcpu, cur.snap.dom[1]->vcpu);
	assert_int_equal(rows[1].vcpu[0].cpu_time_ns, 1500000000ull);
	/* The next shift hands the older buffer back for the next reading. */
	vmtop_sample_shift(&prev, &cur);
	assert_ptr_equal(cur.snap.buf, first);
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
