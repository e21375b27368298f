/* dom0_mem=: Xen's syntax parsed, bad values refused without changing
 * the previous setting, and the size computed against free memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <umbra/dom0_mem.h>
#include <umbra/errno.h>

#define MIB (1ULL << 20)
#define GIB (1ULL << 30)

static uint64_t size_of(const char *opt, uint64_t avail)
{
	struct dom0_mem_spec s = { 0 };

	assert_int_equal(dom0_mem_parse(opt, &s), 0);
	return dom0_mem_size(&s, avail);
}

static void test_amounts(void **state)
{
	(void)state;
	assert_int_equal(size_of("512M", 4 * GIB), 512 * MIB);
	assert_int_equal(size_of("524288", 4 * GIB), 512 * MIB);	/* KiB */
	assert_int_equal(size_of("1G", 4 * GIB), GIB);
	assert_int_equal(size_of("-1G", 4 * GIB), 3 * GIB);
	assert_int_equal(size_of("25%", 4 * GIB), GIB);
	assert_int_equal(size_of("100%", 4 * GIB), 4 * GIB);
	/* rounded down to whole 2 MiB extents */
	assert_int_equal(size_of("3M", 4 * GIB), 2 * MIB);
	/* asking for more than there is is the caller's to refuse */
	assert_int_equal(size_of("8G", 4 * GIB), 8 * GIB);
	assert_int_equal(size_of("-5G", 4 * GIB), 0);
}

static void test_bounds(void **state)
{
	(void)state;
	assert_int_equal(size_of("min:1G,256M", 4 * GIB), GIB);
	assert_int_equal(size_of("max:1G,50%", 4 * GIB), GIB);
	assert_int_equal(size_of("min:128M,max:1G,512M", 4 * GIB), 512 * MIB);
	assert_int_equal(size_of("max:384M", 4 * GIB), 384 * MIB);
}

static void test_default(void **state)
{
	struct dom0_mem_spec s = { 0 };

	(void)state;
	assert_int_equal(dom0_mem_size(&s, 4 * GIB), GIB);
	assert_int_equal(dom0_mem_size(&s, 512 * MIB), 256 * MIB);
}

static void test_bad_values_refused(void **state)
{
	static const char *const bad[] = {
		"", "abc", "512X", "min:", "max:", "min:1G,max:512M", "1G,2G",
		"512M,", ",512M", "101%", "0%", "50M%", "-", "1%%", "min:x,1G",
	};
	struct dom0_mem_spec s = { .has_amount = true, .kind = DOM0_MEM_BYTES, .amount = 42 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(dom0_mem_parse(bad[i], &s), -EINVAL);
		assert_int_equal(s.amount, 42);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_amounts),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_bad_values_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
