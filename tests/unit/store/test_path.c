/* Path rules: validation, canonical form, limits, helpers. */
#include <errno.h>
#include <string.h>

#include "harness.h"
#include "dom0-tools/vmstored/path.h"

static int canon(const char *in, uint32_t domid, char *out)
{
	return path_canonicalize(in, domid, out, PATH_BUF_SIZE);
}

static void test_valid_paths(void **state)
{
	static const char *const good[] = {
		"/", "/a", "/a/b", "/local/domain/3/device/vif/0",
		"/A-Z_a-z/0-9/@at", "/x@y",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(path_is_valid(good[i], strlen(good[i])));
}

static void test_invalid_paths(void **state)
{
	static const char *const bad[] = {
		"", "a", "//", "/a//b", "/a/", "/a b", "/a.b", "/a\tb",
		"/a\xc3\xa9", "/a*", "/a:b",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(path_is_valid(bad[i], strlen(bad[i])));
}

static void test_relative_paths_go_home(void **state)
{
	char out[PATH_BUF_SIZE];

	(void)state;
	assert_int_equal(canon("device/vif", 7, out), 26);
	assert_string_equal(out, "/local/domain/7/device/vif");
	assert_int_equal(canon("/abs", 7, out), 4);
	assert_string_equal(out, "/abs");
	assert_int_equal(canon("", 0, out), -EINVAL);
	assert_int_equal(canon("@releaseDomain", 0, out), -EINVAL);
	assert_int_equal(canon("a//b", 0, out), -EINVAL);
}

static void test_length_limits(void **state)
{
	char in[4000], out[PATH_BUF_SIZE];

	(void)state;
	/* Absolute paths outside a domain's home: 2048 characters. */
	memset(in, 'a', sizeof(in));
	in[0] = '/';
	in[2048] = 0;
	assert_int_equal(canon(in, 0, out), 2048);
	in[2048] = 'a';
	in[2049] = 0;
	assert_int_equal(canon(in, 0, out), -EINVAL);
	/* Relative paths: 2048 characters below the home. */
	memset(in, 'b', 2048);
	in[2048] = 0;
	assert_true(canon(in, 65535, out) > 2048);
	in[2048] = 'b';
	in[2049] = 0;
	assert_int_equal(canon(in, 0, out), -EINVAL);
	/* Never more than XENSTORE_ABS_PATH_MAX in total. */
	memset(in, 'c', sizeof(in));
	in[0] = '/';
	in[3500] = 0;
	assert_int_equal(canon(in, 0, out), -EINVAL);
}

static void test_parent_and_name(void **state)
{
	(void)state;
	assert_int_equal(path_parent_len("/a/b/c", 6), 4);
	assert_int_equal(path_parent_len("/a", 2), 1);
	assert_int_equal(path_parent_len("/", 1), 0);
	assert_int_equal(path_name_off("/a/bc", 5), 3);
	assert_int_equal(path_name_off("/abc", 4), 1);
}

static void test_is_child(void **state)
{
	(void)state;
	assert_true(path_is_child("/a/b", "/a"));
	assert_true(path_is_child("/a", "/a"));
	assert_true(path_is_child("/a", "/"));
	assert_false(path_is_child("/ab", "/a"));
	assert_false(path_is_child("/a", "/a/b"));
}

static void test_domain_prefix(void **state)
{
	uint32_t id = 99;

	(void)state;
	assert_int_equal(path_domain_prefix("/local/domain/12/x", &id), 16);
	assert_int_equal(id, 12);
	assert_int_equal(path_domain_prefix("/local/domain/12", &id), 16);
	assert_int_equal(path_domain_prefix("/local/domain/12x", &id), 0);
	assert_int_equal(path_domain_prefix("/local/domain/", &id), 0);
	assert_int_equal(path_domain_prefix("/local/domain/99999", &id), 0);
	assert_int_equal(path_domain_prefix("/other", &id), 0);
}

static void test_special_names(void **state)
{
	(void)state;
	assert_true(path_is_special("@introduceDomain"));
	assert_true(path_is_special("@releaseDomain"));
	assert_false(path_is_special("@other"));
	assert_false(path_is_special("/@releaseDomain"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_paths),
		cmocka_unit_test(test_invalid_paths),
		cmocka_unit_test(test_relative_paths_go_home),
		cmocka_unit_test(test_length_limits),
		cmocka_unit_test(test_parent_and_name),
		cmocka_unit_test(test_is_child),
		cmocka_unit_test(test_domain_prefix),
		cmocka_unit_test(test_special_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
