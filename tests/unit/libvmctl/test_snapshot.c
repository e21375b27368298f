/*
 * libvmctl's snapshot (UMBRA_MGMT_snapshot) against the fake Umbra: one
 * ioctl for physinfo, every domain's information and counters, split
 * into the two arrays a monitor reads; a second call only when domains
 * outgrew the room; records whose halves disagree refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dom0-tools/lib/libvmctl/internal.h"
#include "fake_umbra.h"

#define MiB (1ull << 20)

struct snap {
	struct umbra_mgmt_physinfo phys;
	struct umbra_domain_info *list;
	struct umbra_domain_counters *ctrs;
	unsigned int nr;
};

/* A snapshot; returns the ioctls it took. */
static unsigned long take(struct vmctl *h, struct snap *s, int want_rc)
{
	unsigned long before = vmctl_calls(h);
	unsigned int ioctls = fake.calls[UMBRA_MGMT_snapshot];

	assert_int_equal(vmctl_snapshot(h, &s->phys, &s->list, &s->ctrs, &s->nr), want_rc);
	/* What the library counts is what reached the driver. */
	assert_int_equal(vmctl_calls(h) - before, fake.calls[UMBRA_MGMT_snapshot] - ioctls);
	return vmctl_calls(h) - before;
}

static void free_snap(struct snap *s)
{
	free(s->list);
	free(s->ctrs);
}

static void test_one_call(void **state)
{
	struct vmctl *h = *state;
	struct snap s;

	/* dom0 alone: one call. */
	assert_int_equal(take(h, &s, 0), 1);
	assert_int_equal(s.nr, 1);
	assert_string_equal(s.list[0].name, "Domain-0");
	free_snap(&s);
}

static void test_100_domains_one_call(void **state)
{
	struct vmctl *h = *state;
	struct snap s;

	/* A new handle (a monitor just started) with 100 domains: one call,
	 * and every refresh after it one call. */
	fake_add_domains(1, 100);
	for (int refresh = 0; refresh < 3; refresh++) {
		assert_int_equal(take(h, &s, 0), 1);
		assert_int_equal(s.nr, 100);
		for (unsigned int i = 0; i < s.nr; i++) {
			assert_int_equal(s.list[i].domid, i);
			assert_int_equal(s.ctrs[i].domid, i);
			assert_int_equal(s.ctrs[i].exits_total, 1000 + i);
			assert_int_equal(s.ctrs[i].mem_bytes, s.list[i].mem_bytes);
		}
		assert_string_equal(s.list[99].name, "d99");
		assert_int_equal(s.phys.nr_domains, 100);
		free_snap(&s);
	}
	/* Nothing else was asked. */
	assert_int_equal(fake.calls[UMBRA_MGMT_snapshot], 3);
	assert_int_equal(fake.calls[UMBRA_MGMT_physinfo], 1);	/* the version check */
	assert_int_equal(fake.calls[UMBRA_MGMT_domain_list], 0);
	assert_int_equal(fake.calls[UMBRA_MGMT_domain_counters], 0);
}

static void test_grows_then_one_call(void **state)
{
	struct vmctl *h = *state;
	struct snap s;

	assert_int_equal(take(h, &s, 0), 1);
	free_snap(&s);
	/* 20 domains appear between two refreshes: more than the room kept
	 * above the last count, so this refresh takes two calls ... */
	fake_add_domains(1, 21);
	assert_int_equal(take(h, &s, 0), 2);
	assert_int_equal(s.nr, 21);
	assert_string_equal(s.list[20].name, "d20");
	free_snap(&s);
	/* ... and the next ones one again. */
	assert_int_equal(take(h, &s, 0), 1);
	free_snap(&s);
	fake_add_domains(21, 25);
	assert_int_equal(take(h, &s, 0), 1);
	assert_int_equal(s.nr, 25);
	free_snap(&s);
}

static void test_mismatch_refused(void **state)
{
	struct vmctl *h = *state;
	struct snap s = { .list = (void *)&s, .ctrs = (void *)&s };

	fake_add_domains(1, 5);
	fake.snapshot_mismatch = 3;
	assert_int_equal(take(h, &s, -EIO), 1);
	/* Nothing handed out. */
	assert_ptr_equal(s.list, (void *)&s);
	assert_ptr_equal(s.ctrs, (void *)&s);
	assert_non_null(strstr(vmctl_last_error(), "inconsistent at record 3"));
}

/* The parsing alone, on records made here. */
static void test_split_records(void **state)
{
	struct umbra_domain_snapshot rec[3];
	struct umbra_domain_info *l;
	struct umbra_domain_counters *k;

	(void)state;
	memset(rec, 0, sizeof(rec));
	for (unsigned int i = 0; i < 3; i++) {
		rec[i].info.domid = rec[i].counters.domid = 2 * i;
		rec[i].info.mem_bytes = (i + 1) * MiB;
		rec[i].counters.pt_traps = 7 * i;
		snprintf(rec[i].info.name, sizeof(rec[i].info.name), "r%u", i);
	}
	assert_int_equal(vmctl_snapshot_split(rec, 3, &l, &k), 0);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(l[i].domid, 2 * i);
		assert_int_equal(k[i].domid, 2 * i);
		assert_int_equal(l[i].mem_bytes, (i + 1) * MiB);
		assert_int_equal(k[i].pt_traps, 7 * i);
	}
	assert_string_equal(l[2].name, "r2");
	free(l);
	free(k);
	/* No domains: empty arrays, still freeable. */
	assert_int_equal(vmctl_snapshot_split(rec, 0, &l, &k), 0);
	free(l);
	free(k);
	/* Domids that do not grow. */
	rec[2].info.domid = rec[2].counters.domid = 2;
	assert_int_equal(vmctl_snapshot_split(rec, 3, &l, &k), -EIO);
	assert_non_null(strstr(vmctl_last_error(), "record 2"));
}

static void test_no_handle(void **state)
{
	struct snap s;

	(void)state;
	assert_int_equal(vmctl_snapshot(NULL, &s.phys, &s.list, &s.ctrs, &s.nr), -EBADF);
	assert_int_equal(vmctl_calls(NULL), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fake_open, fake_close)
	const struct CMUnitTest tests[] = {
		T(test_one_call),
		T(test_100_domains_one_call),
		T(test_grows_then_one_call),
		T(test_mismatch_refused),
		T(test_split_records),
		T(test_no_handle),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
