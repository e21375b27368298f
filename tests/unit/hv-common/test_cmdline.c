/* The command-line option parser: registration through the umbra_params
 * section, every option type, Xen's spellings and unknown or malformed
 * input (reported, skipped, variable unchanged). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "umbra/cmdline.h"
#include "umbra/errno.h"

static bool opt_flag;
param_bool("flag", opt_flag);
static bool opt_other;
param_bool("other", opt_other);
static uint8_t opt_u8;
param_uint("u8", opt_u8);
static uint16_t opt_u16;
param_uint("u16", opt_u16);
static uint32_t opt_u32;
param_uint("u32", opt_u32);
static uint64_t opt_u64;
param_uint("u64", opt_u64);
static uint64_t opt_mem;
param_size("mem", opt_mem);
static uint32_t opt_mem32;
param_size("mem32", opt_mem32);
static char opt_console[8];
param_string("console", opt_console);
static unsigned int opt_dup_a, opt_dup_b;
param_uint("dup", opt_dup_a);
param_uint("dup", opt_dup_b);

static int custom_calls;
static int custom_rc;
static char custom_value[CMDLINE_VALUE_MAX + 8];

static int parse_custom(const char *value)
{
	custom_calls++;
	snprintf(custom_value, sizeof(custom_value), "%s", value);
	return custom_rc;
}
param_custom("custom", parse_custom);

static enum log_level lvl, lvl_rl;

static int parse_loglvl(const char *value)
{
	return log_level_parse(value, &lvl, &lvl_rl);
}
param_custom("loglvl", parse_loglvl);

#define PARAM_COUNT 13

struct report {
	enum cmdline_problem problem;
	char token[512];
};

static struct report reports[64];
static int nreports;

static void record(void *ctx, enum cmdline_problem problem, const char *token, size_t len)
{
	assert_ptr_equal(ctx, reports);
	assert_true(nreports < 64);
	assert_true(len < sizeof(reports[0].token));
	reports[nreports].problem = problem;
	memcpy(reports[nreports].token, token, len);
	reports[nreports].token[len] = '\0';
	nreports++;
}

static int reset(void **state)
{
	(void)state;
	opt_flag = false;
	opt_other = true;
	opt_u8 = 11;
	opt_u16 = 22;
	opt_u32 = 33;
	opt_u64 = 44;
	opt_mem = 55;
	opt_mem32 = 66;
	strcpy(opt_console, "vga");
	opt_dup_a = opt_dup_b = 0;
	custom_calls = 0;
	custom_rc = 0;
	custom_value[0] = '\0';
	lvl = lvl_rl = LOG_WARNING;
	nreports = 0;
	return 0;
}

static int parse(const char *line)
{
	int n = cmdline_parse(line, __start_umbra_params, __stop_umbra_params, record,
			      reports);

	assert_int_equal(n, nreports);
	return n;
}

/* line has exactly one problem, of this kind, naming the whole line. */
static void expect_problem(const char *line, enum cmdline_problem problem)
{
	nreports = 0;
	if (parse(line) != 1)
		fail_msg("\"%s\": %d problems reported, want 1", line, nreports);
	assert_int_equal(reports[0].problem, problem);
	assert_string_equal(reports[0].token, line);
}

static void expect_clean(const char *line)
{
	nreports = 0;
	if (parse(line) != 0)
		fail_msg("\"%s\": unexpected problem %d with \"%s\"", line,
			 reports[0].problem, reports[0].token);
}

static void test_params_registered_in_section(void **state)
{
	const struct param *p;
	bool seen_flag = false, seen_custom = false;

	(void)state;
	assert_int_equal(__stop_umbra_params - __start_umbra_params, PARAM_COUNT);
	for (p = __start_umbra_params; p < __stop_umbra_params; p++) {
		if (!strcmp(p->name, "flag")) {
			seen_flag = true;
			assert_int_equal(p->type, PARAM_BOOL);
			assert_ptr_equal(p->var, &opt_flag);
		}
		if (!strcmp(p->name, "custom")) {
			seen_custom = true;
			assert_int_equal(p->type, PARAM_CUSTOM);
			assert_ptr_equal(p->parse, parse_custom);
		}
		if (!strcmp(p->name, "console"))
			assert_int_equal(p->size, sizeof(opt_console));
	}
	assert_true(seen_flag && seen_custom);
}

static void test_empty_lines(void **state)
{
	(void)state;
	assert_int_equal(cmdline_parse(NULL, __start_umbra_params, __stop_umbra_params,
				       record, reports), 0);
	expect_clean("");
	expect_clean("   \t \n ");
	/* An empty table: everything is unknown, nothing crashes. */
	assert_int_equal(cmdline_parse("a b=1 no-c", __start_umbra_params,
				       __start_umbra_params, NULL, NULL), 3);
}

static void test_bool_spellings(void **state)
{
	static const char *const yes[] = { "1", "yes", "true", "on", "enable" };
	static const char *const no[] = { "0", "no", "false", "off", "disable" };
	char line[64];

	(void)state;
	expect_clean("flag");
	assert_true(opt_flag);
	expect_clean("no-flag");
	assert_false(opt_flag);
	expect_clean("flag=");
	assert_true(opt_flag);
	for (size_t i = 0; i < 5; i++) {
		snprintf(line, sizeof(line), "flag=%s", no[i]);
		expect_clean(line);
		assert_false(opt_flag);
		snprintf(line, sizeof(line), "flag=%s", yes[i]);
		expect_clean(line);
		assert_true(opt_flag);
		snprintf(line, sizeof(line), "no-flag=%s", yes[i]);
		expect_clean(line);
		assert_false(opt_flag);
		snprintf(line, sizeof(line), "no-flag=%s", no[i]);
		expect_clean(line);
		assert_true(opt_flag);
	}
	expect_clean("no-other");
	assert_false(opt_other);
}

static void test_bool_malformed_leaves_value(void **state)
{
	static const char *const bad[] = {
		"flag=maybe", "flag=YES", "flag=2", "flag=o", "flag=enabled",
		"flag=truex", "no-flag=nah", "flag==1",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		opt_flag = true;
		expect_problem(bad[i], CMDLINE_BAD_VALUE);
		assert_true(opt_flag);
	}
}

static void test_uint_values(void **state)
{
	(void)state;
	expect_clean("u8=255 u16=65535 u32=0xffffffff u64=18446744073709551615");
	assert_int_equal(opt_u8, 255);
	assert_int_equal(opt_u16, 65535);
	assert_int_equal(opt_u32, 0xffffffffu);
	assert_int_equal(opt_u64, UINT64_MAX);
	expect_clean("u32=0 u8=0X1f u16=007 u64=0xFFFFFFFFFFFFFFFF");
	assert_int_equal(opt_u32, 0);
	assert_int_equal(opt_u8, 31);
	assert_int_equal(opt_u16, 7);
	assert_int_equal(opt_u64, UINT64_MAX);
	expect_clean("u32=1 u32=2");	/* the last one wins */
	assert_int_equal(opt_u32, 2);
}

static void test_uint_overflow_and_malformed(void **state)
{
	static const struct {
		const char *line;
		enum cmdline_problem problem;
	} cases[] = {
		{ "u8=256", CMDLINE_OUT_OF_RANGE },
		{ "u16=65536", CMDLINE_OUT_OF_RANGE },
		{ "u32=0x100000000", CMDLINE_OUT_OF_RANGE },
		{ "u32=4294967296", CMDLINE_OUT_OF_RANGE },
		{ "u64=18446744073709551616", CMDLINE_OUT_OF_RANGE },
		{ "u64=0x10000000000000000", CMDLINE_OUT_OF_RANGE },
		{ "u64=99999999999999999999999", CMDLINE_OUT_OF_RANGE },
		{ "u32=12abc", CMDLINE_BAD_VALUE },
		{ "u32=-1", CMDLINE_BAD_VALUE },
		{ "u32=+5", CMDLINE_BAD_VALUE },
		{ "u32=0x", CMDLINE_BAD_VALUE },
		{ "u32=0xg", CMDLINE_BAD_VALUE },
		{ "u32=1M", CMDLINE_BAD_VALUE },
		{ "u32= 5", CMDLINE_MISSING_VALUE },	/* the blank ends the token */
		{ "u32=", CMDLINE_MISSING_VALUE },
		{ "u32", CMDLINE_MISSING_VALUE },
		{ "no-u32", CMDLINE_BAD_VALUE },
		{ "no-u32=1", CMDLINE_BAD_VALUE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		reset(NULL);
		nreports = 0;
		parse(cases[i].line);
		assert_true(nreports >= 1);
		if (reports[0].problem != cases[i].problem)
			fail_msg("\"%s\": problem %d, want %d", cases[i].line,
				 reports[0].problem, cases[i].problem);
		assert_int_equal(opt_u8, 11);
		assert_int_equal(opt_u16, 22);
		assert_int_equal(opt_u32, 33);
		assert_int_equal(opt_u64, 44);
	}
}

static void test_size_suffixes(void **state)
{
	static const struct {
		const char *value;
		uint64_t bytes;
	} cases[] = {
		{ "512M", 512ULL << 20 }, { "512m", 512ULL << 20 },
		{ "1G", 1ULL << 30 }, { "3g", 3ULL << 30 },
		{ "2T", 2ULL << 40 }, { "2t", 2ULL << 40 },
		{ "4K", 4096 }, { "4k", 4096 },
		{ "100B", 100 }, { "100b", 100 },
		{ "512", 512ULL << 10 },	/* no suffix: KiB, as in Xen */
		{ "0", 0 }, { "0x10M", 16ULL << 20 },
		{ "16777215T", 16777215ULL << 40 },
		{ "18446744073709551615B", UINT64_MAX },
	};
	char line[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(line, sizeof(line), "mem=%s", cases[i].value);
		expect_clean(line);
		assert_int_equal(opt_mem, cases[i].bytes);
	}
	expect_clean("mem32=4095M");
	assert_int_equal(opt_mem32, 4095ULL << 20);
}

static void test_size_malformed_and_overflow(void **state)
{
	static const struct {
		const char *line;
		enum cmdline_problem problem;
	} cases[] = {
		{ "mem=16777216T", CMDLINE_OUT_OF_RANGE },
		{ "mem=18014398509481984", CMDLINE_OUT_OF_RANGE },	/* 2^54 KiB */
		{ "mem=99999999999999999999", CMDLINE_OUT_OF_RANGE },
		{ "mem32=4G", CMDLINE_OUT_OF_RANGE },
		{ "mem32=4194304", CMDLINE_OUT_OF_RANGE },		/* 4 GiB in KiB */
		{ "mem=1X", CMDLINE_BAD_VALUE },
		{ "mem=1MB", CMDLINE_BAD_VALUE },
		{ "mem=M", CMDLINE_BAD_VALUE },
		{ "mem=1.5G", CMDLINE_BAD_VALUE },
		{ "mem=-1G", CMDLINE_BAD_VALUE },
		{ "mem=", CMDLINE_MISSING_VALUE },
		{ "mem", CMDLINE_MISSING_VALUE },
		{ "no-mem", CMDLINE_BAD_VALUE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		expect_problem(cases[i].line, cases[i].problem);
		assert_int_equal(opt_mem, 55);
		assert_int_equal(opt_mem32, 66);
	}
}

static void test_strings(void **state)
{
	(void)state;
	expect_clean("console=com1");
	assert_string_equal(opt_console, "com1");
	expect_clean("console=1234567");		/* exactly fills 8 bytes */
	assert_string_equal(opt_console, "1234567");
	expect_problem("console=12345678", CMDLINE_TOO_LONG);
	assert_string_equal(opt_console, "1234567");
	expect_clean("console=a=b");
	assert_string_equal(opt_console, "a=b");
	expect_clean("console=");
	assert_string_equal(opt_console, "");
	strcpy(opt_console, "x");
	expect_clean("console");
	assert_string_equal(opt_console, "");
	expect_problem("no-console", CMDLINE_BAD_VALUE);
}

static void test_custom(void **state)
{
	char line[CMDLINE_VALUE_MAX + 16];

	(void)state;
	expect_clean("custom=abc,def");
	assert_int_equal(custom_calls, 1);
	assert_string_equal(custom_value, "abc,def");
	expect_clean("custom");
	assert_string_equal(custom_value, "");
	expect_clean("no-custom");
	assert_string_equal(custom_value, "no");
	assert_int_equal(custom_calls, 3);

	expect_problem("no-custom=x", CMDLINE_BAD_VALUE);
	assert_int_equal(custom_calls, 3);
	custom_rc = -EINVAL;
	expect_problem("custom=rejected", CMDLINE_BAD_VALUE);
	assert_int_equal(custom_calls, 4);
	custom_rc = 0;

	memset(line, 'v', sizeof(line));
	memcpy(line, "custom=", 7);
	line[7 + CMDLINE_VALUE_MAX - 1] = '\0';		/* longest that fits */
	expect_clean(line);
	assert_int_equal(strlen(custom_value), CMDLINE_VALUE_MAX - 1);
	line[7 + CMDLINE_VALUE_MAX - 1] = 'v';
	line[7 + CMDLINE_VALUE_MAX] = '\0';
	expect_problem(line, CMDLINE_TOO_LONG);
	assert_int_equal(custom_calls, 5);
}

static void test_unknown_options(void **state)
{
	static const char *const unknown[] = {
		"bogus", "bogus=1", "no-bogus", "=5", "no-", "no", "Flag", "flagx",
		"fla", "no-no-flag", "/boot/umbra.elf",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		expect_problem(unknown[i], CMDLINE_UNKNOWN);
	assert_false(opt_flag);
}

static void test_mixed_line_reports_each_problem_in_order(void **state)
{
	(void)state;
	nreports = 0;
	assert_int_equal(parse("  console=com1\tbogus u8=300 flag\n mem=2G "
			       "no-u16 custom=ok u32=7 nothing=here\r"), 4);
	assert_int_equal(reports[0].problem, CMDLINE_UNKNOWN);
	assert_string_equal(reports[0].token, "bogus");
	assert_int_equal(reports[1].problem, CMDLINE_OUT_OF_RANGE);
	assert_string_equal(reports[1].token, "u8=300");
	assert_int_equal(reports[2].problem, CMDLINE_BAD_VALUE);
	assert_string_equal(reports[2].token, "no-u16");
	assert_int_equal(reports[3].problem, CMDLINE_UNKNOWN);
	assert_string_equal(reports[3].token, "nothing=here");
	/* Everything valid around them was applied. */
	assert_string_equal(opt_console, "com1");
	assert_true(opt_flag);
	assert_int_equal(opt_mem, 2ULL << 30);
	assert_string_equal(custom_value, "ok");
	assert_int_equal(opt_u32, 7);
	assert_int_equal(opt_u8, 11);
	assert_int_equal(opt_u16, 22);
	/* Without a report callback the count is still right. */
	assert_int_equal(cmdline_parse("bogus u8=300", __start_umbra_params,
				       __stop_umbra_params, NULL, NULL), 2);
}

static void test_duplicate_names_all_set(void **state)
{
	(void)state;
	expect_clean("dup=9");
	assert_int_equal(opt_dup_a, 9);
	assert_int_equal(opt_dup_b, 9);
	expect_problem("dup=x", CMDLINE_BAD_VALUE);	/* reported once */
	assert_int_equal(opt_dup_a, 9);
}

static void test_loglvl(void **state)
{
	static const char *const names[] = { "none", "error", "warning", "info", "debug", "all" };
	enum log_level a = LOG_INFO, b = LOG_INFO;

	(void)state;
	for (int i = 0; i <= LOG_ALL; i++) {
		assert_int_equal(log_level_parse(names[i], &a, &b), 0);
		assert_int_equal(a, i);
		assert_int_equal(b, i);
		assert_string_equal(log_level_name((enum log_level)i), names[i]);
	}
	assert_int_equal(log_level_parse("info/debug", &a, &b), 0);
	assert_int_equal(a, LOG_INFO);
	assert_int_equal(b, LOG_DEBUG);
	assert_int_equal(log_level_parse("debug/error", &a, &b), 0);
	assert_int_equal(a, LOG_DEBUG);
	assert_int_equal(b, LOG_DEBUG);		/* raised to the level */

	static const char *const bad[] = {
		"", "INFO", "inf", "infos", "info/", "/info", "info/bogus",
		"info/debug/all", "warning ", "7",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a = b = LOG_ERROR;
		assert_int_equal(log_level_parse(bad[i], &a, &b), -EINVAL);
		assert_int_equal(a, LOG_ERROR);
		assert_int_equal(b, LOG_ERROR);
	}
	assert_string_equal(log_level_name((enum log_level)42), "?");

	/* As a custom option, the way the console uses it. */
	expect_clean("loglvl=all/all");
	assert_int_equal(lvl, LOG_ALL);
	expect_problem("loglvl=loud", CMDLINE_BAD_VALUE);
	assert_int_equal(lvl, LOG_ALL);
}

static void test_problem_strings(void **state)
{
	(void)state;
	assert_string_equal(cmdline_problem_str(CMDLINE_UNKNOWN), "unknown option");
	assert_string_equal(cmdline_problem_str(CMDLINE_BAD_VALUE), "malformed value");
	assert_string_equal(cmdline_problem_str(CMDLINE_OUT_OF_RANGE), "value out of range");
	assert_string_equal(cmdline_problem_str(CMDLINE_MISSING_VALUE), "missing value");
	assert_string_equal(cmdline_problem_str(CMDLINE_TOO_LONG), "value too long");
}

/* Random lines built from option fragments and junk: never a crash, and
 * the count always matches the reports. */
static void test_random_lines(void **state)
{
	static const char *const frags[] = {
		"flag", "no-", "=", "u8", "mem", "console", "custom", "0x", "1", "G",
		"yes", " ", "\t", "loglvl", "info", "/", "-", "99999999999999999999",
		"dup", "bogus", "M", "abcdefghij",
	};
	char line[300];

	(void)state;
	srand(99);
	for (int i = 0; i < 3000; i++) {
		size_t len = 0;
		int n = rand() % 20;

		for (int k = 0; k < n; k++) {
			const char *f = frags[rand() % (sizeof(frags) / sizeof(frags[0]))];

			if (len + strlen(f) + 1 >= sizeof(line))
				break;
			memcpy(line + len, f, strlen(f));
			len += strlen(f);
		}
		line[len] = '\0';
		reset(NULL);
		parse(line);
		assert_true(strlen(opt_console) < sizeof(opt_console));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_params_registered_in_section, reset),
		cmocka_unit_test_setup(test_empty_lines, reset),
		cmocka_unit_test_setup(test_bool_spellings, reset),
		cmocka_unit_test_setup(test_bool_malformed_leaves_value, reset),
		cmocka_unit_test_setup(test_uint_values, reset),
		cmocka_unit_test_setup(test_uint_overflow_and_malformed, reset),
		cmocka_unit_test_setup(test_size_suffixes, reset),
		cmocka_unit_test_setup(test_size_malformed_and_overflow, reset),
		cmocka_unit_test_setup(test_strings, reset),
		cmocka_unit_test_setup(test_custom, reset),
		cmocka_unit_test_setup(test_unknown_options, reset),
		cmocka_unit_test_setup(test_mixed_line_reports_each_problem_in_order, reset),
		cmocka_unit_test_setup(test_duplicate_names_all_set, reset),
		cmocka_unit_test_setup(test_loglvl, reset),
		cmocka_unit_test_setup(test_problem_strings, reset),
		cmocka_unit_test_setup(test_random_lines, reset),
	};

	return cmocka_run_group_tests_name("hv-common/cmdline", tests, NULL, NULL);
}
