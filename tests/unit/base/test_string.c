/* The base string routines checked against the host libc. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "renamed_string.h"

#define AREA 160

static void fill_pattern(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 131 + i * 7 + 1);
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* Every size and alignment in a small window, checking that nothing
 * outside [dst, dst+n) is touched. */
static void test_memcpy_sizes_and_alignments(void **state)
{
	unsigned char src[AREA], got[AREA], want[AREA];

	(void)state;
	fill_pattern(src, sizeof(src), 1);
	for (size_t so = 0; so < 9; so++) {
		for (size_t dof = 0; dof < 9; dof++) {
			for (size_t n = 0; n < 100; n++) {
				memset(got, 0xaa, sizeof(got));
				memset(want, 0xaa, sizeof(want));
				assert_ptr_equal(umbra_memcpy(got + dof, src + so, n), got + dof);
				memcpy(want + dof, src + so, n);
				assert_memory_equal(got, want, sizeof(got));
			}
		}
	}
}

static void test_memmove_overlaps(void **state)
{
	unsigned char got[AREA], want[AREA];

	(void)state;
	for (size_t from = 0; from < 20; from++) {
		for (size_t to = 0; to < 20; to++) {
			for (size_t n = 0; n < 120; n += 3) {
				fill_pattern(got, sizeof(got), 2);
				fill_pattern(want, sizeof(want), 2);
				assert_ptr_equal(umbra_memmove(got + to, got + from, n), got + to);
				memmove(want + to, want + from, n);
				assert_memory_equal(got, want, sizeof(got));
			}
		}
	}
}

static void test_memset_sizes_and_values(void **state)
{
	unsigned char got[AREA], want[AREA];
	static const int values[] = { 0, 0x5a, 0xff, 0x1234, -1 };

	(void)state;
	for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
		for (size_t off = 0; off < 9; off++) {
			for (size_t n = 0; n < 100; n++) {
				fill_pattern(got, sizeof(got), 3);
				fill_pattern(want, sizeof(want), 3);
				assert_ptr_equal(umbra_memset(got + off, values[v], n), got + off);
				memset(want + off, values[v], n);
				assert_memory_equal(got, want, sizeof(got));
			}
		}
	}
}

static void test_memcmp_sign_and_length(void **state)
{
	unsigned char a[64], b[64];

	(void)state;
	fill_pattern(a, sizeof(a), 4);
	memcpy(b, a, sizeof(b));
	assert_int_equal(umbra_memcmp(a, b, sizeof(a)), 0);
	assert_int_equal(umbra_memcmp(a, b, 0), 0);
	for (size_t i = 0; i < sizeof(a); i++) {
		b[i] = (unsigned char)(a[i] + 0x80);	/* compares as unsigned */
		assert_int_equal(sign(umbra_memcmp(a, b, sizeof(a))),
				 sign(memcmp(a, b, sizeof(a))));
		assert_int_equal(sign(umbra_memcmp(b, a, sizeof(a))),
				 sign(memcmp(b, a, sizeof(a))));
		assert_int_equal(umbra_memcmp(a, b, i), 0);
		b[i] = a[i];
	}
}

static void test_memchr(void **state)
{
	const char text[] = "hyper\0visor\xff";

	(void)state;
	assert_ptr_equal(umbra_memchr(text, 'v', sizeof(text)), text + 6);
	assert_ptr_equal(umbra_memchr(text, 0, sizeof(text)), text + 5);
	assert_ptr_equal(umbra_memchr(text, 0xff, sizeof(text)), text + 11);
	assert_ptr_equal(umbra_memchr(text, 0x1ff, sizeof(text)), text + 11);
	assert_null(umbra_memchr(text, 'v', 6));
	assert_null(umbra_memchr(text, 'h', 0));
}

static void test_strlen_strnlen(void **state)
{
	char s[80];

	(void)state;
	for (size_t n = 0; n < 70; n++) {
		memset(s, 'x', n);
		s[n] = '\0';
		assert_int_equal(umbra_strlen(s), n);
		assert_int_equal(umbra_strnlen(s, 80), n);
		assert_int_equal(umbra_strnlen(s, n / 2), n / 2);
		assert_int_equal(umbra_strnlen(s, 0), 0);
	}
}

static void test_strcmp_strncmp(void **state)
{
	static const char *const words[] = {
		"", "a", "ab", "abc", "abd", "b", "\x80", "\xff", "a\x80", "abcdefgh",
	};
	const size_t count = sizeof(words) / sizeof(words[0]);

	(void)state;
	for (size_t i = 0; i < count; i++) {
		for (size_t j = 0; j < count; j++) {
			const char *x = words[i], *y = words[j];

			assert_int_equal(sign(umbra_strcmp(x, y)), sign(strcmp(x, y)));
			for (size_t n = 0; n < 10; n++)
				assert_int_equal(sign(umbra_strncmp(x, y, n)),
						 sign(strncmp(x, y, n)));
		}
	}
}

static void test_strchr_strrchr(void **state)
{
	const char *s = "a/b/c";

	(void)state;
	assert_ptr_equal(umbra_strchr(s, '/'), s + 1);
	assert_ptr_equal(umbra_strrchr(s, '/'), s + 3);
	assert_ptr_equal(umbra_strchr(s, 'a'), s);
	assert_ptr_equal(umbra_strrchr(s, 'a'), s);
	assert_ptr_equal(umbra_strchr(s, '\0'), s + 5);
	assert_ptr_equal(umbra_strrchr(s, '\0'), s + 5);
	assert_null(umbra_strchr(s, 'z'));
	assert_null(umbra_strrchr(s, 'z'));
	assert_null(umbra_strrchr("", 'z'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy_sizes_and_alignments),
		cmocka_unit_test(test_memmove_overlaps),
		cmocka_unit_test(test_memset_sizes_and_values),
		cmocka_unit_test(test_memcmp_sign_and_length),
		cmocka_unit_test(test_memchr),
		cmocka_unit_test(test_strlen_strnlen),
		cmocka_unit_test(test_strcmp_strncmp),
		cmocka_unit_test(test_strchr_strrchr),
	};

	return cmocka_run_group_tests_name("base/string", tests, NULL, NULL);
}
