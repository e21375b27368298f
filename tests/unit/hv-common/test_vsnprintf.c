/* The hypervisor's vsnprintf compared with the host libc's, on fixed and
 * randomly generated formats, at every buffer size that matters. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <limits.h>
#include <errno.h>

#define vsnprintf umbra_vsnprintf
#define snprintf umbra_snprintf
#include "umbra/vsnprintf.h"
#undef vsnprintf
#undef snprintf

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define BUF 512

/* Formats fmt with the host and with Umbra into buffers of several sizes:
 * same return value, same stored prefix, NUL in place, nothing written
 * past size. */
static void vcompare(const char *fmt, va_list ap)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 7, 16, BUF };
	char want[BUF], got[BUF + 8];
	va_list copy;
	int wn;

	va_copy(copy, ap);
	wn = vsnprintf(want, sizeof(want), fmt, copy);
	va_end(copy);
	assert_true(wn >= 0 && wn < BUF);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t size = sizes[i];
		size_t stored = size == 0 ? 0 : ((size_t)wn < size ? (size_t)wn : size - 1);
		int gn;

		memset(got, '#', sizeof(got));
		va_copy(copy, ap);
		gn = umbra_vsnprintf(size ? got : NULL, size, fmt, copy);
		va_end(copy);
		if (gn != wn || memcmp(got, want, stored) != 0)
			fail_msg("format \"%s\" size %zu: got %d \"%.*s\", want %d \"%s\"",
				 fmt, size, gn, (int)stored, got, wn, want);
		if (size) {
			assert_int_equal(got[stored], '\0');
			assert_int_equal(got[size], '#');
		} else {
			assert_int_equal(got[0], '#');
		}
	}
}

__attribute__((format(printf, 1, 2)))
static void compare(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcompare(fmt, ap);
	va_end(ap);
}

/* Same as compare() for formats the compiler's checker would reject. */
static void compare_unchecked(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcompare(fmt, ap);
	va_end(ap);
}

static void expect(const char *want, const char *fmt, ...)
{
	char got[BUF];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = umbra_vsnprintf(got, sizeof(got), fmt, ap);
	va_end(ap);
	assert_string_equal(got, want);
	assert_int_equal(n, (int)strlen(want));
}

/* Umbra's result length, for formats the compiler's checker rejects. */
static int length_of(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = umbra_vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	return n;
}

static void test_plain_text(void **state)
{
	(void)state;
	compare_unchecked("");
	compare("hello, world");
	compare("100%% sure %%");
	compare("a%cb", 'x');
}

static void test_signed(void **state)
{
	static const long long values[] = {
		0, 1, -1, 7, -42, 100, 12345, INT_MAX, INT_MIN, LLONG_MAX, LLONG_MIN,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		long long v = values[i];

		compare_unchecked("%d|%i|%5d|%-5d|%05d|%+d|% d|%.3d|%8.3d|%-8.3d|%08.3d",
			(int)v, (int)v, (int)v, (int)v, (int)v, (int)v, (int)v,
			(int)v, (int)v, (int)v, (int)v);
		compare_unchecked("%.0d|%5.0d|%+.0d|% 05d|%+05d|%-+6d|%0-6d",
			(int)v, (int)v, (int)v, (int)v, (int)v, (int)v, (int)v);
		compare("%lld|%ld|%jd|%zd|%td|%hd|%hhd|%+25lld|%-25lld|%025lld",
			v, (long)v, (intmax_t)v, (size_t)v, (ptrdiff_t)v, (short)v,
			(signed char)v, v, v, v);
	}
}

static void test_unsigned_bases(void **state)
{
	static const unsigned long long values[] = {
		0, 1, 7, 8, 15, 16, 255, 256, 0xdeadbeef, UINT_MAX, ULLONG_MAX,
		0x8000000000000000ULL,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		unsigned long long v = values[i];
		unsigned u = (unsigned)v;

		compare("%u|%x|%X|%o|%#x|%#X|%#o|%#.0o|%.0x|%#.0x|%#5o|%#8.3x",
			u, u, u, u, u, u, u, u, u, u, u, u);
		compare("%08x|%#08x|%-#8x|%#-12o|%012o|%.10u|%-10.4X",
			u, u, u, u, u, u, u);
		compare("%llu|%llx|%#llX|%llo|%lx|%zx|%jx|%tx|%hx|%hhx|%hho|%hhu",
			v, v, v, v, (unsigned long)v, (size_t)v, (uintmax_t)v,
			(ptrdiff_t)v, (unsigned short)v, (unsigned char)v,
			(unsigned char)v, (unsigned char)v);
	}
}

static void test_strings_and_chars(void **state)
{
	const char unterminated[4] = { 'a', 'b', 'c', 'd' };

	(void)state;
	compare("%s|%10s|%-10s|%.2s|%10.2s|%-10.2s|%.0s|%.10s",
		"abc", "abc", "abc", "abc", "abc", "abc", "abc", "abc");
	compare("[%s]", "");
	compare("[%5s]", "");
	compare("%c|%3c|%-3c|%c", 'a', 'b', 'c', 255);
	/* The precision bounds what is read, so the string needs no NUL. */
	compare("%.4s", unterminated);
	compare("%.*s", 3, unterminated);
}

static void test_null_string(void **state)
{
	(void)state;
	expect("(null)", "%s", (char *)NULL);
	expect("  (null)", "%8s", (char *)NULL);
	expect("(null)  |", "%-8s|", (char *)NULL);
	expect("(nu", "%.3s", (char *)NULL);
}

static void test_pointers(void **state)
{
	int x;
	void *ptrs[] = { &x, (void *)1, (void *)0xffffffff80000000ULL, NULL };

	(void)state;
	for (size_t i = 0; i < sizeof(ptrs) / sizeof(ptrs[0]); i++)
		compare("%p|%20p|%-20p|", ptrs[i], ptrs[i], ptrs[i]);
	expect("0xffff800000001000", "%p", (void *)0xffff800000001000ULL);
	expect("(nil)", "%p", NULL);
}

static void test_star_width_and_precision(void **state)
{
	(void)state;
	compare("%*d|%-*d|%*d|%.*d|%.*d|%*.*x", 6, 42, 6, 42, -6, 42, 4, 42, -1, 42,
		8, 5, 0xab);
	compare("%*s|%.*s|%*.*s", 5, "ab", 1, "ab", -5, 3, "abcdef");
	compare("%*c|", -3, 'z');
}

static void test_unknown_and_truncated_conversions(void **state)
{
	(void)state;
	expect("%y", "%y");
	expect("a%5kb", "a%5kb");
	expect("%-08.3q!", "%-08.3q!");
	expect("%n", "%n");
	expect("end%", "end%");
	expect("end%-5", "end%-5");
	expect("%llw 7", "%llw %d", 7);
}

static void test_return_value_without_buffer(void **state)
{
	char small[4];

	(void)state;
	assert_int_equal(umbra_snprintf(NULL, 0, "%d-%s", 12345, "xyz"), 9);
	assert_int_equal(umbra_snprintf(small, sizeof(small), "%s", "abcdef"), 6);
	assert_string_equal(small, "abc");
	assert_int_equal(umbra_snprintf(small, 1, "abc"), 3);
	assert_string_equal(small, "");
}

static void test_huge_width_counts_without_writing(void **state)
{
	char small[8];

	(void)state;
	memset(small, '#', sizeof(small));
	assert_int_equal(umbra_snprintf(small, 4, "%100000000d", 5), 100000000);
	assert_string_equal(small, "   ");
	assert_int_equal(small[4], '#');
	assert_int_equal(length_of("%*d%*d", INT_MAX, 1, INT_MAX, 1),
			 -EOVERFLOW);
	assert_int_equal(umbra_snprintf(NULL, 0, "%2147483647d", 1), INT_MAX);
	assert_int_equal(length_of("%99999999999d", 1), INT_MAX);
}

/* Random well-defined specs: flags, width and precision that C defines
 * for each conversion, every length modifier, mixed values. */
struct conv_rule {
	char conv;
	const char *flags;
	bool precision;
};

static const struct conv_rule rules[] = {
	{ 'd', "-0+ ", true }, { 'i', "-0+ ", true }, { 'u', "-0", true },
	{ 'x', "-0#", true }, { 'X', "-0#", true }, { 'o', "-0#", true },
	{ 's', "-", true }, { 'c', "-", false }, { 'p', "-", false },
};

static const char *const lengths[] = { "", "hh", "h", "l", "ll", "z", "t", "j" };

static uint64_t random_value(void)
{
	static const uint64_t edge[] = {
		0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
		0x80000000, 0xffffffff, 0x7fffffffffffffffULL, 0x8000000000000000ULL,
		~0ULL,
	};
	uint64_t r = ((uint64_t)rand() << 33) ^ ((uint64_t)rand() << 11) ^ (uint64_t)rand();

	switch (rand() % 4) {
	case 0: return edge[rand() % (sizeof(edge) / sizeof(edge[0]))];
	case 1: return r % 1000;
	case 2: return (uint64_t)-(int64_t)(r % 1000);
	default: return r;
	}
}

static void append_random_spec(char *fmt, size_t size, const struct conv_rule *r,
			       const char *len, bool *star_w, bool *star_p)
{
	char flags[8] = "";
	size_t nf = 0;
	char width[8] = "", prec[8] = "";

	for (const char *f = r->flags; *f; f++)
		if (rand() % 3 == 0)
			flags[nf++] = *f;
	flags[nf] = '\0';
	*star_w = rand() % 6 == 0;
	*star_p = r->precision && rand() % 6 == 0;
	if (*star_w)
		strcpy(width, "*");
	else if (rand() % 2)
		snprintf(width, sizeof(width), "%d", rand() % 25);
	if (*star_p)
		strcpy(prec, ".*");
	else if (r->precision && rand() % 2)
		snprintf(prec, sizeof(prec), ".%d", rand() % 22 - (rand() % 8 == 0));
	if (strcmp(prec, ".-1") == 0)
		strcpy(prec, ".");
	snprintf(fmt, size, "<%%%s%s%s%s%c>", flags, width, prec, len, r->conv);
}

static void compare_random_spec(void)
{
	static const char *const strings[] = { "", "x", "hypervisor", "(null)" };
	const struct conv_rule *r = &rules[rand() % (sizeof(rules) / sizeof(rules[0]))];
	const char *len = "";
	char fmt[64];
	bool star_w, star_p;
	int w = rand() % 41 - 20, p = rand() % 30 - 5;
	uint64_t v = random_value();

	if (strchr("diuxXo", r->conv))
		len = lengths[rand() % (sizeof(lengths) / sizeof(lengths[0]))];
	append_random_spec(fmt, sizeof(fmt), r, len, &star_w, &star_p);

	/* Pass the * arguments first, then the value as the length demands. */
#define CALL(val)							\
	do {								\
		if (star_w && star_p)					\
			compare_unchecked(fmt, w, p, val);		\
		else if (star_w)					\
			compare_unchecked(fmt, w, val);			\
		else if (star_p)					\
			compare_unchecked(fmt, p, val);			\
		else							\
			compare_unchecked(fmt, val);			\
	} while (0)

	if (r->conv == 's')
		CALL(strings[v % 4]);
	else if (r->conv == 'p')
		CALL((void *)(uintptr_t)v);
	else if (!strcmp(len, "l") || !strcmp(len, "ll") || !strcmp(len, "z") ||
		 !strcmp(len, "t") || !strcmp(len, "j"))
		CALL(v);
	else
		CALL((int)(uint32_t)v);
#undef CALL
}

static void test_random_specs_match_host(void **state)
{
	(void)state;
	srand(20240611);
	for (int i = 0; i < 20000; i++)
		compare_random_spec();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text),
		cmocka_unit_test(test_signed),
		cmocka_unit_test(test_unsigned_bases),
		cmocka_unit_test(test_strings_and_chars),
		cmocka_unit_test(test_null_string),
		cmocka_unit_test(test_pointers),
		cmocka_unit_test(test_star_width_and_precision),
		cmocka_unit_test(test_unknown_and_truncated_conversions),
		cmocka_unit_test(test_return_value_without_buffer),
		cmocka_unit_test(test_huge_width_counts_without_writing),
		cmocka_unit_test(test_random_specs_match_host),
	};

	return cmocka_run_group_tests_name("hv-common/vsnprintf", tests, NULL, NULL);
}
