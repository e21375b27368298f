/* libFuzzer target: cmdline_parse() and log_level_parse() on arbitrary
 * text. Every problem is reported exactly once, reported tokens lie in
 * the line, and string options stay NUL-terminated inside their arrays. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "umbra/cmdline.h"

static bool opt_bool;
static uint8_t opt_u8;
static uint32_t opt_u32;
static uint64_t opt_size;
static char opt_str[8];

static int custom(const char *value)
{
	enum log_level a, b;

	return log_level_parse(value, &a, &b);
}

static const struct param params[] = {
	{ .name = "b", .var = &opt_bool, .size = sizeof(opt_bool), .type = PARAM_BOOL },
	{ .name = "u8", .var = &opt_u8, .size = sizeof(opt_u8), .type = PARAM_UINT },
	{ .name = "u32", .var = &opt_u32, .size = sizeof(opt_u32), .type = PARAM_UINT },
	{ .name = "mem", .var = &opt_size, .size = sizeof(opt_size), .type = PARAM_SIZE },
	{ .name = "s", .var = opt_str, .size = sizeof(opt_str), .type = PARAM_STRING },
	{ .name = "loglvl", .parse = custom, .type = PARAM_CUSTOM },
};

struct seen {
	const char *line;
	size_t len;
	int reports;
};

static void require(int cond)
{
	if (!cond)
		__builtin_trap();
}

static void report(void *ctx, enum cmdline_problem problem, const char *token, size_t len)
{
	struct seen *s = ctx;

	require(problem <= CMDLINE_TOO_LONG);
	require(len > 0 && token >= s->line && token + len <= s->line + s->len);
	require(cmdline_problem_str(problem) != NULL);
	s->reports++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	struct seen s = { .line = line, .len = size };
	int n;

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	memset(opt_str, 0, sizeof(opt_str));
	n = cmdline_parse(line, params, params + sizeof(params) / sizeof(params[0]),
			  report, &s);
	require(n == s.reports);
	require(memchr(opt_str, '\0', sizeof(opt_str)) != NULL);
	custom(line);
	free(line);
	return 0;
}
