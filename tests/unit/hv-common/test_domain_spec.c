/* Boot-module domain specs: defaults, every key, and each refusal (with
 * the key named in its message), including sizes that a 32-bit cast
 * would have cut short and masks naming only offline CPUs. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "umbra/domain_spec.h"

#define ONLINE_2	0x3ULL

static char msgs[16][256];
static unsigned int nmsgs;

static void record(void *ctx, const char *fmt, ...)
{
	va_list ap;

	assert_ptr_equal(ctx, msgs);
	assert_true(nmsgs < 16);
	va_start(ap, fmt);
	vsnprintf(msgs[nmsgs++], sizeof(msgs[0]), fmt, ap);
	va_end(ap);
}

static unsigned int parse(const char *line, struct domain_spec *s)
{
	unsigned int n;

	nmsgs = 0;
	n = domain_spec_parse(line, 7, ONLINE_2, s, record, msgs);
	assert_int_equal(n, nmsgs);
	return n;
}

/* line is refused with exactly one message, equal to want. */
static void expect_refused(const char *line, const char *want)
{
	struct domain_spec s;

	if (parse(line, &s) != 1)
		fail_msg("\"%s\": %u messages, want 1 (first: %s)", line, nmsgs,
			 nmsgs ? msgs[0] : "-");
	assert_string_equal(msgs[0], want);
}

static void test_defaults(void **state)
{
	struct domain_spec s;

	(void)state;
	assert_int_equal(parse("", &s), 0);
	assert_string_equal(s.name, "guest7");
	assert_int_equal(s.mem_bytes, 32ULL << 20);
	assert_int_equal(s.nr_vcpus, 1);
	assert_int_equal(s.paging, UMBRA_PAGING_NESTED);
	assert_int_equal(s.affinity, ONLINE_2);
	assert_string_equal(s.args, "");
	assert_int_equal(parse(NULL, &s), 0);
}

static void test_every_key(void **state)
{
	struct domain_spec s;

	(void)state;
	assert_int_equal(parse("name=g1 mem=48M vcpus=8 paging=shadow cpus=0x2 -- a=1  b",
			       &s), 0);
	assert_string_equal(s.name, "g1");
	assert_int_equal(s.mem_bytes, 48ULL << 20);
	assert_int_equal(s.nr_vcpus, 8);
	assert_int_equal(s.paging, UMBRA_PAGING_SHADOW);
	assert_int_equal(s.affinity, 0x2);
	assert_string_equal(s.args, "a=1  b");
	/* Offline CPUs in a mask that has an online one are dropped. */
	assert_int_equal(parse("cpus=0xf0000000000000f1", &s), 0);
	assert_int_equal(s.affinity, 0x1);
	assert_int_equal(parse("mem=1G", &s), 0);
	assert_int_equal(s.mem_bytes, 1ULL << 30);
}

static void test_memory_refused_not_truncated(void **state)
{
	struct domain_spec s;

	(void)state;
	expect_refused("mem=5G", "mem: 5368709120 bytes is more than the limit of 1024 MiB");
	/* 2^32 + 1 extents of 2 MiB: a 32-bit count would be 1 extent. */
	expect_refused("mem=9007199256838144B",
		       "mem: 9007199256838144 bytes is more than the limit of 1024 MiB");
	expect_refused("mem=1152921504606846976B", "mem: 1152921504606846976 bytes is "
		       "more than the limit of 1024 MiB");
	expect_refused("mem=0", "mem: must not be zero");
	expect_refused("mem=1025M", "mem: 1074790400 bytes is more than the limit of 1024 MiB");
	expect_refused("mem=18446744073709551615B",
		       "mem: 18446744073709551615 bytes is more than the limit of 1024 MiB");
	expect_refused("mem=16T", "mem: 17592186044416 bytes is more than the limit of 1024 MiB");
	expect_refused("mem=99999999999T", "value out of range 'mem=99999999999T' in the domain spec");
	assert_int_equal(parse("mem=1B", &s), 0);
	assert_int_equal(s.mem_bytes, 1);
}

/* The shadow pool: sized from mem unless given; only for shadow paging;
 * 1 MiB to 1 GiB. */
static void test_shadow_memory(void **state)
{
	struct domain_spec s;

	(void)state;
	assert_int_equal(parse("paging=shadow", &s), 0);
	assert_int_equal(s.shadow_bytes, 0);
	assert_int_equal(parse("paging=shadow shadow_memory=8M", &s), 0);
	assert_int_equal(s.shadow_bytes, 8ULL << 20);
	assert_int_equal(parse("paging=shadow shadow_memory=1G", &s), 0);
	assert_int_equal(s.shadow_bytes, 1ULL << 30);
	expect_refused("paging=shadow shadow_memory=1023K",
		       "shadow_memory: 1047552 bytes is not 1 MiB to 1024 MiB");
	expect_refused("paging=shadow shadow_memory=2G",
		       "shadow_memory: 2147483648 bytes is not 1 MiB to 1024 MiB");
	expect_refused("paging=nested shadow_memory=8M", "shadow_memory: only with paging=shadow");
}

/* type: pvh (default) or pv; each with its own paging modes and default. */
static void test_type(void **state)
{
	struct domain_spec s;

	(void)state;
	assert_int_equal(parse("name=a", &s), 0);
	assert_int_equal(s.type, UMBRA_DOMAIN_TYPE_PVH);
	assert_int_equal(s.paging, UMBRA_PAGING_NESTED);
	assert_int_equal(parse("type=pv", &s), 0);
	assert_int_equal(s.type, UMBRA_DOMAIN_TYPE_PV);
	assert_int_equal(s.paging, UMBRA_PAGING_SHARED);
	assert_int_equal(parse("paging=shared type=pv", &s), 0);
	assert_int_equal(s.paging, UMBRA_PAGING_SHARED);
	assert_int_equal(parse("type=pvh paging=shadow", &s), 0);
	assert_int_equal(s.paging, UMBRA_PAGING_SHADOW);
	assert_int_equal(parse("type=pv paging=shadow", &s), 0);
	assert_int_equal(s.paging, UMBRA_PAGING_SHADOW);
	assert_int_equal(parse("type=pv paging=shadow shadow_memory=2M", &s), 0);
	expect_refused("type=pv paging=nested",
		       "paging=nested is not offered to PV domains (shared or shadow are)");
	expect_refused("paging=shared", "paging=shared is not offered to PVH domains (PV only)");
	expect_refused("type=hvm", "malformed value 'hvm' in the domain spec");
}

/* initdomain: a flag, off unless given; a bad value is refused. */
static void test_initdomain(void **state)
{
	struct domain_spec s;

	(void)state;
	assert_int_equal(parse("name=a", &s), 0);
	assert_false(s.initdomain);
	assert_int_equal(parse("name=a initdomain -- x", &s), 0);
	assert_true(s.initdomain);
	assert_string_equal(s.args, "x");
	assert_int_equal(parse("initdomain=0", &s), 0);
	assert_false(s.initdomain);
	expect_refused("initdomain=maybe", "malformed value 'initdomain=maybe' in the domain spec");
}

static void test_vcpus_refused(void **state)
{
	(void)state;
	expect_refused("vcpus=0", "vcpus: 0 is not 1 to 8");
	expect_refused("vcpus=9", "vcpus: 9 is not 1 to 8");
	expect_refused("vcpus=4294967297", "vcpus: 4294967297 is not 1 to 8");
}

static void test_cpus_without_online_cpu_refused(void **state)
{
	(void)state;
	expect_refused("cpus=0x4", "cpus: 0x4 has no online CPU (online: 0x3)");
	expect_refused("cpus=0", "cpus: 0 has no online CPU (online: 0x3)");
	expect_refused("cpus=0x8000000000000000",
		       "cpus: 0x8000000000000000 has no online CPU (online: 0x3)");
	expect_refused("cpus=0x10000000000000000",
		       "value out of range 'cpus=0x10000000000000000' in the domain spec");
}

static void test_names(void **state)
{
	struct domain_spec s;

	(void)state;
	assert_int_equal(parse("name=a-b_c.d:9", &s), 0);
	assert_string_equal(s.name, "a-b_c.d:9");
	assert_int_equal(parse("name=1234567890123456789012345678901", &s), 0);
	expect_refused("name=12345678901234567890123456789012",
		       "value too long 'name=12345678901234567890123456789012' in the domain spec");
	expect_refused("name=\x1b[2Jevil",
		       "name: '\x1b[2Jevil' has a byte that is not printable ASCII (or a space)");
	expect_refused("name=a\x7f", "name: 'a\x7f' has a byte that is not printable ASCII (or a space)");
	expect_refused("name=caf\xc3\xa9",
		       "name: 'caf\xc3\xa9' has a byte that is not printable ASCII (or a space)");
	expect_refused("name=\x07", "name: '\x07' has a byte that is not printable ASCII (or a space)");
	/* "name=" alone is the default name. */
	assert_int_equal(parse("name=", &s), 0);
	assert_string_equal(s.name, "guest7");
}

static void test_name_valid(void **state)
{
	char full[UMBRA_DOMAIN_NAME_MAX];

	(void)state;
	assert_true(domain_name_valid("g1"));
	assert_true(domain_name_valid("~!"));
	assert_false(domain_name_valid(""));
	assert_false(domain_name_valid("a b"));
	assert_false(domain_name_valid("a\tb"));
	assert_false(domain_name_valid("a\nb"));
	assert_false(domain_name_valid("\x1b"));
	assert_false(domain_name_valid("\x80"));
	/* Not terminated within the name buffer. */
	memset(full, 'a', sizeof(full));
	assert_false(domain_name_valid(full));
	full[sizeof(full) - 1] = '\0';
	assert_true(domain_name_valid(full));
}

static void test_several_problems_all_reported(void **state)
{
	struct domain_spec s;

	(void)state;
	assert_int_equal(parse("colour=blue mem=0 vcpus=9 cpus=0x4 paging=sideways name=\x1b", &s), 6);
	assert_string_equal(msgs[0], "unknown option 'colour=blue' in the domain spec");
	assert_string_equal(msgs[1], "name: '\x1b' has a byte that is not printable ASCII (or a space)");
	assert_string_equal(msgs[2], "malformed value 'sideways' in the domain spec");
	assert_string_equal(msgs[3], "mem: must not be zero");
	assert_string_equal(msgs[4], "vcpus: 9 is not 1 to 8");
	assert_string_equal(msgs[5], "cpus: 0x4 has no online CPU (online: 0x3)");
}

static void test_lengths(void **state)
{
	char line[DOMAIN_SPEC_MAX + 64];

	(void)state;
	memset(line, 'x', DOMAIN_SPEC_MAX);
	line[DOMAIN_SPEC_MAX] = '\0';
	expect_refused(line, "domain spec longer than 256 bytes");
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	memcpy(line, "name=a -- ", 10);
	expect_refused(line, "guest arguments too long");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_memory_refused_not_truncated),
		cmocka_unit_test(test_shadow_memory),
		cmocka_unit_test(test_initdomain),
		cmocka_unit_test(test_vcpus_refused),
		cmocka_unit_test(test_cpus_without_online_cpu_refused),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_several_problems_all_reported),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_type),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
