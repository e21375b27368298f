/* Console escaping: control and non-ASCII bytes become \xNN, a tab and a
 * final newline stay, and a short buffer cuts between escapes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "umbra/log_escape.h"

static void expect(const char *in, size_t size, const char *want)
{
	char out[1024];
	size_t n;

	assert_true(size <= sizeof(out));
	memset(out, '#', sizeof(out));
	n = log_escape(out, size, in, strlen(in));
	assert_true(n <= size);
	out[n] = '\0';
	assert_string_equal(out, want);
	assert_int_equal(out[n + 1], '#');	/* nothing written past n */
}

static void test_plain_text_unchanged(void **state)
{
	(void)state;
	expect("domain 1 (g1): shutdown: poweroff\n", 512, "domain 1 (g1): shutdown: poweroff\n");
	expect("a\tb ~ \\x\n", 512, "a\tb ~ \\x\n");
	expect("", 512, "");
	expect("no newline", 512, "no newline");
}

static void test_control_bytes_escaped(void **state)
{
	(void)state;
	expect("name '\x1b[2J'\n", 512, "name '\\x1b[2J'\n");
	expect("\r\x07\x7f\x01\n", 512, "\\x0d\\x07\\x7f\\x01\n");
	expect("caf\xc3\xa9\n", 512, "caf\\xc3\\xa9\n");
	expect("\x9b" "31m", 512, "\\x9b31m");
}

static void test_inner_newline_escaped(void **state)
{
	(void)state;
	/* A name with a newline must not forge a line of its own. */
	expect("domain 1 (x\numbra: ready: cpus=2): started\n", 512,
	       "domain 1 (x\\x0aumbra: ready: cpus=2): started\n");
	expect("\n\n", 512, "\\x0a\n");
	expect("\n", 512, "\n");
}

static void test_short_buffer(void **state)
{
	(void)state;
	expect("abcdef\n", 4, "abc\n");
	/* Room for "ab\x1" but not the whole escape: cut before it. */
	expect("ab\x1b" "cd\n", 6, "ab\n");
	expect("ab\x1b" "cd\n", 7, "ab\\x1b\n");
	expect("ab\x1b" "cd", 6, "ab\\x1b");
	expect("abc\n", 1, "\n");
	expect("abc\n", 0, "");
	expect("abc", 0, "");
}

static void test_every_byte(void **state)
{
	char in[256], out[1024];
	size_t n;

	(void)state;
	for (int i = 0; i < 256; i++)
		in[i] = (char)(i == 255 ? 'z' : i + 1);
	n = log_escape(out, sizeof(out), in, sizeof(in));
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)out[i];

		assert_true((c >= ' ' && c <= '~') || c == '\t');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text_unchanged),
		cmocka_unit_test(test_control_bytes_escaped),
		cmocka_unit_test(test_inner_newline_escaped),
		cmocka_unit_test(test_short_buffer),
		cmocka_unit_test(test_every_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
