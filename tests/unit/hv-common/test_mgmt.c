/* The management hypercall's plain checks (common/mgmt_check.c) and the
 * ring positions its reads report (common/ring_window.c): every field
 * that can be wrong, in the order the errors are given, and the dropped
 * counts of a reader that fell behind a ring that wrapped. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/errno.h"
#include "asm/ioapic.h"
#include "public/mgmt.h"
#include "umbra/domain_limits.h"
#include "umbra/mgmt.h"
#include "umbra/ring_window.h"

#define MIB		(1ULL << 20)
#define DOMU_CPUS	0x6ULL		/* pCPUs 1 and 2; 0 is dom0's */

static struct umbra_mgmt request(uint32_t cmd)
{
	struct umbra_mgmt r;

	memset(&r, 0, sizeof(r));
	r.cmd = cmd;
	r.interface_version = UMBRA_MGMT_INTERFACE_VERSION;
	return r;
}

static void test_header_ok(void **state)
{
	(void)state;
	for (uint32_t cmd = 0; cmd < UMBRA_MGMT_NR_CMDS; cmd++) {
		struct umbra_mgmt r = request(cmd);

		assert_int_equal(mgmt_check_request(&r), 0);
		r.buf_len = UMBRA_MGMT_BUF_MAX;
		assert_int_equal(mgmt_check_request(&r), 0);
	}
}

static void test_header_version(void **state)
{
	const uint32_t others[] = { 0, UMBRA_MGMT_INTERFACE_VERSION + 1,
				    UMBRA_MGMT_INTERFACE_VERSION - 1, 0xffffffffu };

	(void)state;
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		struct umbra_mgmt r = request(UMBRA_MGMT_physinfo);

		r.interface_version = others[i];
		assert_int_equal(mgmt_check_request(&r), -EACCES);
		/* The version is checked first: nothing else of a request made
		 * for another layout can be trusted. */
		r.cmd = 9999;
		r.reserved = 1;
		r.buf_len = ~0ULL;
		assert_int_equal(mgmt_check_request(&r), -EACCES);
	}
}

static void test_header_cmd(void **state)
{
	struct umbra_mgmt r = request(UMBRA_MGMT_NR_CMDS);

	(void)state;
	assert_int_equal(mgmt_check_request(&r), -ENOSYS);
	r.cmd = 0xffffffffu;
	assert_int_equal(mgmt_check_request(&r), -ENOSYS);
}

static void test_header_reserved(void **state)
{
	struct umbra_mgmt r = request(UMBRA_MGMT_domain_list);

	(void)state;
	r.reserved = 1;
	assert_int_equal(mgmt_check_request(&r), -EINVAL);
	r = request(UMBRA_MGMT_domain_create);
	r.u.create.reserved = 0x100;
	assert_int_equal(mgmt_check_request(&r), -EINVAL);
	r = request(UMBRA_MGMT_domain_shutdown);
	r.u.shutdown.reserved = 1;
	assert_int_equal(mgmt_check_request(&r), -EINVAL);
	r = request(UMBRA_MGMT_vcpu_pin);
	r.u.pin.reserved = 1;
	assert_int_equal(mgmt_check_request(&r), -EINVAL);
	r = request(UMBRA_MGMT_events);
	r.u.events.reserved = 1;
	assert_int_equal(mgmt_check_request(&r), -EINVAL);
	r = request(UMBRA_MGMT_vcpu_context_get);
	r.u.vcpu.reserved = 1;
	assert_int_equal(mgmt_check_request(&r), -EINVAL);
	r.cmd = UMBRA_MGMT_vcpu_context_set;
	assert_int_equal(mgmt_check_request(&r), -EINVAL);
	r = request(UMBRA_MGMT_domain_state);
	r.u.state.reserved = 1;
	assert_int_equal(mgmt_check_request(&r), -EINVAL);
	r.cmd = UMBRA_MGMT_grant_state;
	assert_int_equal(mgmt_check_request(&r), -EINVAL);
	r.u.state.reserved = 0;
	r.cmd = UMBRA_MGMT_pv_build;
	r.u.pv_build.flags = 1;
	assert_int_equal(mgmt_check_request(&r), -EINVAL);
	r.u.pv_build.flags = 0;
	r.u.pv_build.reserved = 1;
	assert_int_equal(mgmt_check_request(&r), -EINVAL);
	/* The same bytes are data for a command that reads another member. */
	r.cmd = UMBRA_MGMT_memory_write;
	assert_int_equal(mgmt_check_request(&r), 0);
}

static void test_header_buf_len(void **state)
{
	struct umbra_mgmt r = request(UMBRA_MGMT_memory_write);

	(void)state;
	r.buf_len = UMBRA_MGMT_BUF_MAX + 1;
	assert_int_equal(mgmt_check_request(&r), -E2BIG);
	r.buf_len = ~0ULL;
	assert_int_equal(mgmt_check_request(&r), -E2BIG);
}

static struct umbra_mgmt_create good_create(void)
{
	struct umbra_mgmt_create c;

	memset(&c, 0, sizeof(c));
	strcpy(c.name, "guest-1");
	c.mem_bytes = 64 * MIB;
	c.affinity = ~0ULL;
	c.nr_vcpus = 2;
	c.type = UMBRA_DOMAIN_TYPE_PVH;
	c.paging = UMBRA_PAGING_NESTED;
	return c;
}

static int check(const struct umbra_mgmt_create *c)
{
	const char *why = NULL;
	int rc = mgmt_check_create(c, DOMU_CPUS, &why);

	/* A refusal always says why, for the hypervisor's log. */
	if (rc)
		assert_non_null(why);
	return rc;
}

static void test_create_ok(void **state)
{
	struct umbra_mgmt_create c = good_create();

	(void)state;
	assert_int_equal(check(&c), 0);
	c.paging = UMBRA_PAGING_SHADOW;
	c.shadow_bytes = 4 * MIB;
	assert_int_equal(check(&c), 0);
	c.mem_bytes = DOMAIN_MAX_MEM;
	c.nr_vcpus = UMBRA_MAX_VCPUS;
	assert_int_equal(check(&c), 0);
	c.mem_bytes = 2 * MIB;
	c.nr_vcpus = 1;
	c.affinity = 1ULL << 2;
	assert_int_equal(check(&c), 0);
}

static void test_create_name(void **state)
{
	struct umbra_mgmt_create c = good_create();

	(void)state;
	memset(c.name, 'a', sizeof(c.name));	/* no NUL in the field */
	assert_int_equal(check(&c), -EINVAL);
	c.name[sizeof(c.name) - 1] = '\0';	/* 31 characters: fine */
	assert_int_equal(check(&c), 0);
	strcpy(c.name, "");
	assert_int_equal(check(&c), -EINVAL);
	strcpy(c.name, "two words");
	assert_int_equal(check(&c), -EINVAL);
	strcpy(c.name, "tab\there");
	assert_int_equal(check(&c), -EINVAL);
	strcpy(c.name, "esc\x1b[2J");
	assert_int_equal(check(&c), -EINVAL);
}

static void test_create_memory(void **state)
{
	const uint64_t bad[] = { 0, 1, MIB, 3 * MIB, 2 * MIB + 4096,
				 DOMAIN_MAX_MEM + 2 * MIB, ~0ULL & ~(2 * MIB - 1) };
	struct umbra_mgmt_create c = good_create();

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c.mem_bytes = bad[i];
		assert_int_equal(check(&c), -EINVAL);
	}
}

static void test_create_vcpus_cpus(void **state)
{
	struct umbra_mgmt_create c = good_create();

	(void)state;
	c.nr_vcpus = 0;
	assert_int_equal(check(&c), -EINVAL);
	c.nr_vcpus = UMBRA_MAX_VCPUS + 1;
	assert_int_equal(check(&c), -EINVAL);
	c.nr_vcpus = 1;
	c.affinity = 1;			/* only dom0's pCPU */
	assert_int_equal(check(&c), -EINVAL);
	c.affinity = 1ULL << 40;	/* offline */
	assert_int_equal(check(&c), -EINVAL);
	c.affinity = 0;
	assert_int_equal(check(&c), -EINVAL);
}

static void test_create_kind(void **state)
{
	struct umbra_mgmt_create c = good_create();

	(void)state;
	c.type = UMBRA_DOMAIN_TYPE_HVM;
	assert_int_equal(check(&c), -EOPNOTSUPP);
	c.type = UMBRA_DOMAIN_TYPE_PV;		/* PV: paging=shared or shadow */
	assert_int_equal(check(&c), -EOPNOTSUPP);
	c.paging = UMBRA_PAGING_SHARED;
	assert_int_equal(check(&c), 0);
	c.shadow_bytes = MIB;
	assert_int_equal(check(&c), -EINVAL);
	c.paging = UMBRA_PAGING_SHADOW;		/* translated, its pool sized */
	assert_int_equal(check(&c), 0);
	c.shadow_bytes = 0;
	assert_int_equal(check(&c), 0);
	c.paging = 77;
	assert_int_equal(check(&c), -EINVAL);
	c.paging = UMBRA_PAGING_NESTED;
	c.type = 0;
	assert_int_equal(check(&c), -EINVAL);
	c.type = 4;
	assert_int_equal(check(&c), -EINVAL);
	c.type = UMBRA_DOMAIN_TYPE_PVH;
	c.paging = UMBRA_PAGING_SHARED;
	assert_int_equal(check(&c), -EOPNOTSUPP);
	c.paging = 0;
	assert_int_equal(check(&c), -EINVAL);
	c.paging = 77;
	assert_int_equal(check(&c), -EINVAL);
	c.paging = UMBRA_PAGING_NESTED;
	c.shadow_bytes = MIB;
	assert_int_equal(check(&c), -EINVAL);
	c.shadow_bytes = 0;
	c.reserved = 1;
	assert_int_equal(check(&c), -EINVAL);
}

static void test_vector(void **state)
{
	(void)state;
	assert_int_equal(mgmt_check_vector(0), 0);
	assert_int_equal(mgmt_check_vector(0x20), 0);
	assert_int_equal(mgmt_check_vector(0xff), 0);
	assert_int_equal(mgmt_check_vector(0x1f), -EINVAL);
	assert_int_equal(mgmt_check_vector(2), -EINVAL);
	assert_int_equal(mgmt_check_vector(0x100), -EINVAL);
	assert_int_equal(mgmt_check_vector(0xffffffffu), -EINVAL);
}

/* An I/O APIC redirection entry as Linux programs an edge interrupt:
 * fixed delivery, physical destination APIC 0, vector 0x26. */
#define RTE_OK	0x26ULL

static void test_event_rte(void **state)
{
	(void)state;
	assert_int_equal(mgmt_check_event_rte(RTE_OK), 0);
	assert_int_equal(mgmt_check_event_rte(RTE_OK | 3ULL << 56), 0);	/* destination */
	assert_int_equal(mgmt_check_event_rte(RTE_OK | IOAPIC_RTE_LOGICAL), 0);
	assert_int_equal(mgmt_check_event_rte(RTE_OK | 1ULL << IOAPIC_RTE_MODE_SHIFT), 0);
	assert_int_equal(mgmt_check_event_rte(0xffULL), 0);
	/* SMI, NMI, INIT, ExtINT delivery */
	for (uint64_t mode = 2; mode < 8; mode++)
		assert_int_equal(mgmt_check_event_rte(RTE_OK | mode << IOAPIC_RTE_MODE_SHIFT),
				 -EINVAL);
	assert_int_equal(mgmt_check_event_rte(RTE_OK | IOAPIC_RTE_LEVEL), -EINVAL);
	assert_int_equal(mgmt_check_event_rte(RTE_OK | IOAPIC_RTE_MASKED), -EINVAL);
	assert_int_equal(mgmt_check_event_rte(0x1fULL), -EINVAL);
	assert_int_equal(mgmt_check_event_rte(0), -EINVAL);
}

/* event_irq's reserved field must be zero, like every command's. */
static void test_event_irq_reserved(void **state)
{
	struct umbra_mgmt req = { .cmd = UMBRA_MGMT_event_irq,
				  .interface_version = UMBRA_MGMT_INTERFACE_VERSION };

	(void)state;
	assert_int_equal(mgmt_check_request(&req), 0);
	req.u.event_irq.reserved = 1;
	assert_int_equal(mgmt_check_request(&req), -EINVAL);
}

static void window(uint64_t head, uint64_t size, uint64_t floor, uint64_t pos, uint64_t max,
		   uint64_t start, uint64_t len, uint64_t dropped)
{
	struct ring_window w;

	memset(&w, 0xa5, sizeof(w));
	ring_window(head, size, floor, pos, max, &w);
	assert_int_equal(w.start, start);
	assert_int_equal(w.len, len);
	assert_int_equal(w.dropped, dropped);
}

static void test_ring_cases(void **state)
{
	(void)state;
	window(0, 4096, 0, 0, 4096, 0, 0, 0);		/* nothing written */
	window(10, 4096, 0, 0, 4096, 0, 10, 0);		/* all of it */
	window(10, 4096, 0, 4, 4096, 4, 6, 0);		/* from the middle */
	window(10, 4096, 0, 4, 3, 4, 3, 0);		/* as much as fits */
	window(10, 4096, 0, 10, 4096, 10, 0, 0);	/* up to date */
	window(10, 4096, 0, 99, 4096, 10, 0, 0);	/* ahead: from the head */
	window(5000, 4096, 0, 0, 4096, 904, 4096, 904);	/* wrapped: lost 904 */
	window(5000, 4096, 0, 903, 100, 904, 100, 1);
	window(5000, 4096, 0, 904, 4096, 904, 4096, 0);
	window(5000, 4096, 0, 4999, 4096, 4999, 1, 0);
	window(5000, 4096, 0, 0, 0, 904, 0, 904);	/* no room: loss still told */
	/* A cleared log: below the floor is skipped, not dropped. */
	window(100, 4096, 50, 10, 4096, 50, 50, 0);
	window(100, 4096, 50, 60, 4096, 60, 40, 0);
	window(100, 4096, 500, 10, 4096, 100, 0, 0);	/* floor past head */
	window(10000, 4096, 1000, 0, 4096, 5904, 4096, 4904);
	window(UINT64_MAX, 4096, 0, 0, 16, UINT64_MAX - 4096, 16, UINT64_MAX - 4096);
}

/* Whatever the numbers, what is read is held, ends at most at the head,
 * and the reader's new position accounts for every byte it skipped. */
static void test_ring_properties(void **state)
{
	(void)state;
	srand(42);
	for (int i = 0; i < 200000; i++) {
		uint64_t size = 1ULL << (rand() % 14);
		uint64_t head = (uint64_t)rand() % 20000;
		uint64_t floor = rand() % 3 ? 0 : (uint64_t)rand() % 25000;
		uint64_t pos = (uint64_t)rand() % 25000;
		uint64_t max = (uint64_t)rand() % 10000;
		uint64_t oldest = head > size ? head - size : 0;
		uint64_t from = pos < floor ? floor : pos;
		struct ring_window w;

		ring_window(head, size, floor, pos, max, &w);
		assert_true(w.start + w.len <= head);
		assert_true(w.len <= max);
		if (from > head) {
			assert_int_equal(w.start, head);
			assert_int_equal(w.len, 0);
			assert_int_equal(w.dropped, 0);
			continue;
		}
		assert_true(w.start >= oldest);
		assert_int_equal(w.start, from + w.dropped);
		assert_int_equal(w.len, head - w.start < max ? head - w.start : max);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_ok),
		cmocka_unit_test(test_header_version),
		cmocka_unit_test(test_header_cmd),
		cmocka_unit_test(test_header_reserved),
		cmocka_unit_test(test_header_buf_len),
		cmocka_unit_test(test_create_ok),
		cmocka_unit_test(test_create_name),
		cmocka_unit_test(test_create_memory),
		cmocka_unit_test(test_create_vcpus_cpus),
		cmocka_unit_test(test_create_kind),
		cmocka_unit_test(test_vector),
		cmocka_unit_test(test_event_rte),
		cmocka_unit_test(test_event_irq_reserved),
		cmocka_unit_test(test_ring_cases),
		cmocka_unit_test(test_ring_properties),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
