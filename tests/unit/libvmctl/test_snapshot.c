/*
 * libvmctl's snapshot (UMBRA_MGMT_snapshot) against the fake Umbra: one
 * ioctl for physinfo and every domain's monitor record, indexed in a
 * buffer kept between refreshes; a second call only when domains outgrew
 * the room; records Umbra got wrong refused.
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

/* A snapshot into s; returns the ioctls it took. */
static unsigned long take(struct vmctl *h, struct vmctl_snapshot *s, int want_rc)
{
	unsigned long before = vmctl_calls(h);
	unsigned int ioctls = fake.calls[UMBRA_MGMT_snapshot];

	assert_int_equal(vmctl_snapshot(h, s), want_rc);
	/* What the library counts is what reached the driver. */
	assert_int_equal(vmctl_calls(h) - before, fake.calls[UMBRA_MGMT_snapshot] - ioctls);
	return vmctl_calls(h) - before;
}

static void test_one_call(void **state)
{
	struct vmctl *h = *state;
	struct vmctl_snapshot s = { 0 };

	/* dom0 alone: one call. */
	assert_int_equal(take(h, &s, 0), 1);
	assert_int_equal(s.nr, 1);
	assert_string_equal(s.dom[0]->name, "Domain-0");
	assert_int_equal(s.dom[0]->nr_vcpus, 1);
	vmctl_snapshot_free(&s);
	assert_null(s.buf);
	assert_int_equal(s.nr, 0);
}

static void test_100_domains_one_call(void **state)
{
	struct vmctl *h = *state;
	struct vmctl_snapshot s = { 0 };
	void *buf = NULL;

	/* A new handle (a monitor just started) with 100 domains, some of
	 * them with several vCPUs: one call, and every refresh after it one
	 * call, in the same buffer. */
	fake_add_domains(1, 100);
	fake.dom[7].info.nr_vcpus = 3;
	fake.dom[99].info.nr_vcpus = UMBRA_MAX_VCPUS;
	for (int refresh = 0; refresh < 3; refresh++) {
		assert_int_equal(take(h, &s, 0), 1);
		assert_int_equal(s.nr, 100);
		for (unsigned int i = 0; i < s.nr; i++) {
			assert_int_equal(s.dom[i]->domid, i);
			assert_int_equal(s.dom[i]->exits_total, 1000 + i);
			assert_int_equal(s.dom[i]->hypercalls_total, 10 + i);
			assert_int_equal(s.dom[i]->mem_bytes, fake.dom[i].info.mem_bytes);
		}
		assert_int_equal(s.dom[7]->nr_vcpus, 3);
		assert_int_equal(s.dom[7]->vcpu[2].pcpu, 2);
		assert_int_equal(s.dom[99]->vcpu[UMBRA_MAX_VCPUS - 1].pcpu, UMBRA_MAX_VCPUS - 1);
		assert_string_equal(s.dom[99]->name, "d99");
		assert_int_equal(s.phys.nr_domains, 100);
		if (refresh)
			assert_ptr_equal(s.buf, buf);
		buf = s.buf;
	}
	vmctl_snapshot_free(&s);
	/* Nothing else was asked. */
	assert_int_equal(fake.calls[UMBRA_MGMT_snapshot], 3);
	assert_int_equal(fake.calls[UMBRA_MGMT_physinfo], 1);	/* the version check */
	assert_int_equal(fake.calls[UMBRA_MGMT_domain_list], 0);
	assert_int_equal(fake.calls[UMBRA_MGMT_domain_counters], 0);
}

static void test_grows_then_one_call(void **state)
{
	struct vmctl *h = *state;
	struct vmctl_snapshot s = { 0 };

	assert_int_equal(take(h, &s, 0), 1);
	/* 20 domains appear between two refreshes: more than the room kept
	 * above the last count, so this refresh takes two calls ... */
	vmctl_snapshot_free(&s);
	fake_add_domains(1, 21);
	assert_int_equal(take(h, &s, 0), 2);
	assert_int_equal(s.nr, 21);
	assert_string_equal(s.dom[20]->name, "d20");
	/* ... and the next ones one again. */
	assert_int_equal(take(h, &s, 0), 1);
	fake_add_domains(21, 25);
	assert_int_equal(take(h, &s, 0), 1);
	assert_int_equal(s.nr, 25);
	assert_string_equal(s.dom[24]->name, "d24");
	vmctl_snapshot_free(&s);
}

static void test_bad_record_refused(void **state)
{
	struct vmctl *h = *state;
	struct vmctl_snapshot s = { 0 };

	fake_add_domains(1, 5);
	fake.snapshot_mismatch = 3;
	assert_int_equal(take(h, &s, -EIO), 1);
	assert_int_equal(s.nr, 0);
	assert_non_null(strstr(vmctl_last_error(), "inconsistent at record 3"));
	vmctl_snapshot_free(&s);
}

/* A record of `nv` vCPUs at p; returns its size. */
static size_t put_record(uint8_t *p, uint32_t domid, uint32_t nv)
{
	struct umbra_domain_snapshot *r = (void *)p;

	memset(r, 0, UMBRA_SNAPSHOT_RECORD_BYTES(nv));
	r->domid = domid;
	r->nr_vcpus = nv;
	r->mem_bytes = (domid + 1) * MiB;
	snprintf(r->name, sizeof(r->name), "r%u", domid);
	for (uint32_t v = 0; v < nv; v++)
		r->vcpu[v].cpu_time_ns = 100 * domid + v;
	return UMBRA_SNAPSHOT_RECORD_BYTES(nv);
}

/* The indexing alone, on records made here. */
static void test_index_records(void **state)
{
	struct vmctl_snapshot s = { 0 };
	uint8_t *p;
	size_t at = 0, two;

	(void)state;
	s.buf = p = calloc(1, 4096);
	s.buf_size = 4096;
	at += put_record(p + at, 0, 1);
	at += put_record(p + at, 2, 4);
	two = at;
	at += put_record(p + at, 5, 0);
	assert_int_equal(vmctl_snapshot_index(&s, at, 3), 0);
	assert_int_equal(s.nr, 3);
	assert_int_equal(s.dom[1]->domid, 2);
	assert_int_equal(s.dom[1]->vcpu[3].cpu_time_ns, 203);
	assert_int_equal(s.dom[2]->mem_bytes, 6 * MiB);
	assert_string_equal(s.dom[2]->name, "r5");
	/* No domains. */
	assert_int_equal(vmctl_snapshot_index(&s, 0, 0), 0);
	assert_int_equal(s.nr, 0);
	/* Fewer bytes than the records say, or more. */
	assert_int_equal(vmctl_snapshot_index(&s, at - 1, 3), -EIO);
	assert_non_null(strstr(vmctl_last_error(), "record 2"));
	assert_int_equal(s.nr, 0);
	assert_int_equal(vmctl_snapshot_index(&s, two + 8, 2), -EIO);
	assert_int_equal(vmctl_snapshot_index(&s, two - 24, 2), -EIO);
	assert_non_null(strstr(vmctl_last_error(), "record 1"));
	/* Domids that do not grow. */
	put_record(p + two, 2, 0);
	assert_int_equal(vmctl_snapshot_index(&s, at, 3), -EIO);
	assert_non_null(strstr(vmctl_last_error(), "record 2"));
	/* More vCPUs than a domain has. */
	((struct umbra_domain_snapshot *)p)->nr_vcpus = UMBRA_MAX_VCPUS + 1;
	assert_int_equal(vmctl_snapshot_index(&s, at, 3), -EIO);
	assert_non_null(strstr(vmctl_last_error(), "record 0"));
	vmctl_snapshot_free(&s);
}

static void test_no_handle(void **state)
{
	struct vmctl_snapshot s = { 0 };

	(void)state;
	assert_int_equal(vmctl_snapshot(NULL, &s), -EBADF);
	assert_int_equal(vmctl_calls(NULL), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fake_open, fake_close)
	const struct CMUnitTest tests[] = {
		T(test_one_call),
		T(test_100_domains_one_call),
		T(test_grows_then_one_call),
		T(test_bad_record_refused),
		T(test_index_records),
		T(test_no_handle),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
