/* Xen-style command-line option parser (see umbra/cmdline.h).
 *
 * The command line is never modified: tokens are (pointer, length) views,
 * and a value is only copied out for a custom callback. Every value is
 * parsed in full before anything is stored, so a bad one changes
 * nothing. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "umbra/cmdline.h"
#include "umbra/errno.h"
#include "umbra/string.h"

/* One option as written: name[=value]. */
struct token {
	const char *text;	/* the whole token */
	size_t len;
	const char *name;
	size_t name_len;
	const char *value;	/* NULL when there is no '=' */
	size_t value_len;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool span_equals(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && strncmp(s, word, len) == 0;
}

/* Xen's boolean spellings: 1 for true, 0 for false, -EINVAL otherwise. */
static int parse_bool_word(const char *s, size_t len)
{
	static const char *const yes[] = { "1", "yes", "true", "on", "enable" };
	static const char *const no[] = { "0", "no", "false", "off", "disable" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (span_equals(s, len, yes[i]))
			return 1;
		if (span_equals(s, len, no[i]))
			return 0;
	}
	return -EINVAL;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* Decimal or 0x hex at the start of [s, s+len). Sets *used to the number
 * of characters taken. -EINVAL without digits, -ERANGE past 64 bits. */
static int parse_number(const char *s, size_t len, uint64_t *out, size_t *used)
{
	unsigned int base = 10;
	size_t i = 0, first;
	uint64_t v = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	first = i;
	for (; i < len && digit_value(s[i]) < (int)base; i++) {
		unsigned int d = (unsigned int)digit_value(s[i]);

		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (i == first)
		return -EINVAL;
	*out = v;
	*used = i;
	return 0;
}

static int parse_uint_value(const char *s, size_t len, uint64_t *out)
{
	size_t used;
	int rc = parse_number(s, len, out, &used);

	if (rc == 0 && used != len)
		rc = -EINVAL;
	return rc;
}

/* A number with an optional T/G/M/K/B suffix; KiB without one. */
int cmdline_parse_size(const char *s, size_t len, uint64_t *out)
{
	static const char units[] = "bkmgt";
	unsigned int shift = 10;
	size_t used;
	uint64_t v;
	int rc = parse_number(s, len, &v, &used);

	if (rc)
		return rc;
	if (used < len) {
		const char *u = used + 1 == len ? strchr(units, s[used] | 0x20) : NULL;

		if (!u || !*u)
			return -EINVAL;
		shift = 10 * (unsigned int)(u - units);
	}
	if (shift && v > UINT64_MAX >> shift)
		return -ERANGE;
	*out = v << shift;
	return 0;
}

static bool fits(uint64_t v, size_t size)
{
	return size >= 8 || v < (1ULL << (8 * size));
}

static void store_uint(void *var, size_t size, uint64_t v)
{
	switch (size) {
	case 1: *(uint8_t *)var = (uint8_t)v; break;
	case 2: *(uint16_t *)var = (uint16_t)v; break;
	case 4: *(uint32_t *)var = (uint32_t)v; break;
	default: *(uint64_t *)var = v; break;
	}
}

/* Each apply_* returns the problem with the value, or NO_PROBLEM. */
#define NO_PROBLEM (-1)

static int apply_bool(const struct param *p, const struct token *t, bool negate)
{
	int b = 1;

	if (t->value && t->value_len)
		b = parse_bool_word(t->value, t->value_len);
	if (b < 0)
		return CMDLINE_BAD_VALUE;
	*(bool *)p->var = negate ? !b : b;
	return NO_PROBLEM;
}

static int apply_number(const struct param *p, const struct token *t)
{
	uint64_t v;
	int rc;

	if (!t->value || !t->value_len)
		return CMDLINE_MISSING_VALUE;
	if (p->type == PARAM_SIZE)
		rc = cmdline_parse_size(t->value, t->value_len, &v);
	else
		rc = parse_uint_value(t->value, t->value_len, &v);
	if (rc)
		return rc == -ERANGE ? CMDLINE_OUT_OF_RANGE : CMDLINE_BAD_VALUE;
	if (!fits(v, p->size))
		return CMDLINE_OUT_OF_RANGE;
	store_uint(p->var, p->size, v);
	return NO_PROBLEM;
}

static int apply_string(const struct param *p, const struct token *t)
{
	const char *src = t->value ? t->value : "";
	size_t len = t->value ? t->value_len : 0;

	if (len >= p->size)
		return CMDLINE_TOO_LONG;
	memcpy(p->var, src, len);
	((char *)p->var)[len] = '\0';
	return NO_PROBLEM;
}

static int apply_custom(const struct param *p, const struct token *t, bool negate)
{
	char value[CMDLINE_VALUE_MAX];
	const char *src = t->value ? t->value : "";
	size_t len = t->value ? t->value_len : 0;

	if (negate) {
		if (t->value)
			return CMDLINE_BAD_VALUE;
		src = "no";
		len = 2;
	}
	if (len >= sizeof(value))
		return CMDLINE_TOO_LONG;
	memcpy(value, src, len);
	value[len] = '\0';
	return p->parse(value) ? CMDLINE_BAD_VALUE : NO_PROBLEM;
}

static int apply(const struct param *p, const struct token *t, bool negate)
{
	switch (p->type) {
	case PARAM_BOOL:
		return apply_bool(p, t, negate);
	case PARAM_CUSTOM:
		return apply_custom(p, t, negate);
	default:
		break;
	}
	if (negate)		/* "no-" means nothing to a non-boolean */
		return CMDLINE_BAD_VALUE;
	if (p->type == PARAM_STRING)
		return apply_string(p, t);
	return apply_number(p, t);
}

/* Applies t to every param called name. False if there is none; else
 * *problem is the first problem met, or NO_PROBLEM. */
static bool apply_named(const struct param *start, const struct param *end,
			const struct token *t, const char *name, size_t name_len,
			bool negate, int *problem)
{
	bool found = false;

	*problem = NO_PROBLEM;
	for (const struct param *p = start; p < end; p++) {
		int r;

		if (!span_equals(name, name_len, p->name))
			continue;
		r = apply(p, t, negate);
		if (*problem == NO_PROBLEM)
			*problem = r;
		found = true;
	}
	return found;
}

static int apply_token(const struct param *start, const struct param *end,
		       const struct token *t)
{
	int problem;

	if (apply_named(start, end, t, t->name, t->name_len, false, &problem))
		return problem;
	if (t->name_len > 3 && strncmp(t->name, "no-", 3) == 0 &&
	    apply_named(start, end, t, t->name + 3, t->name_len - 3, true, &problem))
		return problem;
	return CMDLINE_UNKNOWN;
}

static void split_token(struct token *t, const char *s, size_t len)
{
	const char *eq = memchr(s, '=', len);

	t->text = s;
	t->len = len;
	t->name = s;
	t->name_len = eq ? (size_t)(eq - s) : len;
	t->value = eq ? eq + 1 : NULL;
	t->value_len = eq ? len - t->name_len - 1 : 0;
}

int cmdline_parse(const char *cmdline, const struct param *start,
		  const struct param *end, cmdline_report_fn report, void *ctx)
{
	const char *p = cmdline ? cmdline : "";
	int problems = 0;

	for (;;) {
		struct token t;
		const char *s;
		int problem;

		while (is_blank(*p))
			p++;
		if (!*p)
			return problems;
		for (s = p; *p && !is_blank(*p); p++)
			;
		split_token(&t, s, (size_t)(p - s));
		problem = apply_token(start, end, &t);
		if (problem == NO_PROBLEM)
			continue;
		problems++;
		if (report)
			report(ctx, (enum cmdline_problem)problem, t.text, t.len);
	}
}

const char *cmdline_problem_str(enum cmdline_problem problem)
{
	switch (problem) {
	case CMDLINE_UNKNOWN: return "unknown option";
	case CMDLINE_BAD_VALUE: return "malformed value";
	case CMDLINE_OUT_OF_RANGE: return "value out of range";
	case CMDLINE_MISSING_VALUE: return "missing value";
	case CMDLINE_TOO_LONG: return "value too long";
	}
	return "problem";
}

static const char *const level_names[] = {
	[LOG_NONE] = "none",
	[LOG_ERROR] = "error",
	[LOG_WARNING] = "warning",
	[LOG_INFO] = "info",
	[LOG_DEBUG] = "debug",
	[LOG_ALL] = "all",
};

#define LEVEL_COUNT (sizeof(level_names) / sizeof(level_names[0]))

static int level_from(const char *s, size_t len, enum log_level *out)
{
	for (size_t i = 0; i < LEVEL_COUNT; i++) {
		if (span_equals(s, len, level_names[i])) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

int log_level_parse(const char *s, enum log_level *level,
		    enum log_level *ratelimited)
{
	const char *slash = strchr(s, '/');
	size_t first = slash ? (size_t)(slash - s) : strlen(s);
	enum log_level lo, hi;

	if (level_from(s, first, &lo))
		return -EINVAL;
	hi = lo;
	if (slash && level_from(slash + 1, strlen(slash + 1), &hi))
		return -EINVAL;
	*level = lo;
	*ratelimited = hi < lo ? lo : hi;
	return 0;
}

const char *log_level_name(enum log_level level)
{
	return (size_t)level < LEVEL_COUNT ? level_names[level] : "?";
}
