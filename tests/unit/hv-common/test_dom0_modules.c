/* Which boot modules are dom0's, in Xen's order, beside module-spec domains. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <umbra/dom0.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void pick(const struct dom0_module_view *m, unsigned int n, int k, int i)
{
	int kernel, initrd;

	dom0_pick_modules(m, n, &kernel, &initrd);
	assert_int_equal(kernel, k);
	assert_int_equal(initrd, i);
}

static void test_xen_shape(void **state)
{
	const struct dom0_module_view m[] = {
		{ "root=/dev/sda1 console=ttyS0", MODULE_LINUX_BZIMAGE },
		{ "", MODULE_GZIP },
	};

	(void)state;
	pick(m, N(m), 0, 1);
}

static void test_named_domains_beside(void **state)
{
	const struct dom0_module_view m[] = {
		{ "name=g1 mem=32M", MODULE_ELF },
		{ "console=ttyS0", MODULE_LINUX_BZIMAGE },
		{ "name=g2 -- status=0", MODULE_ELF },
		{ "", MODULE_CPIO },
		{ "", MODULE_GZIP },
	};

	(void)state;
	pick(m, N(m), 1, 3);
}

static void test_no_dom0(void **state)
{
	const struct dom0_module_view named[] = {
		{ "name=g1", MODULE_ELF }, { "mem=64M", MODULE_ELF },
	};
	const struct dom0_module_view kernel_only[] = {
		{ "name=g1", MODULE_ELF }, { "quiet", MODULE_LINUX_BZIMAGE },
	};

	(void)state;
	pick(named, N(named), -1, -1);
	pick(kernel_only, N(kernel_only), 1, -1);
	pick(named, 0, -1, -1);
}

static void test_bad_kernel_still_picked(void **state)
{
	/* The caller refuses it with a message; it must not silently pick
	 * the next module as the kernel instead. */
	const struct dom0_module_view m[] = {
		{ "", MODULE_UNKNOWN }, { "", MODULE_GZIP },
	};

	(void)state;
	pick(m, N(m), 0, 1);
}

static void test_name_key(void **state)
{
	(void)state;
	assert_true(module_has_name("name=x"));
	assert_true(module_has_name("mem=1G name=x"));
	assert_false(module_has_name("hostname=x"));
	assert_false(module_has_name("root=/dev/sda1 console=ttyS0"));
	assert_false(module_has_name(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xen_shape),
		cmocka_unit_test(test_named_domains_beside),
		cmocka_unit_test(test_no_dom0),
		cmocka_unit_test(test_bad_kernel_still_picked),
		cmocka_unit_test(test_name_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
