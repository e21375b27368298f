/*
 * xl.cfg's grammar (libxlu's, in our words): a file is statements
 * KEY = VALUE, each ended by a newline, ';' or the end; a list may run
 * over several lines and end with a comma. Every byte comes from a file
 * a person (or an attacker) wrote, so every path ends in a sentence, and
 * nothing is read past `len`.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_limits.h"
#include "config_syntax.h"

struct cursor {
	const char *p, *end;
	unsigned int line;
	const char *file;
	char *err;
	size_t errlen;
};

const char *cfg_where(char *buf, size_t len, const char *file,
		      unsigned int line)
{
	if (line)
		snprintf(buf, len, "%s:%u: ", file, line);
	else
		snprintf(buf, len, "%s: ", file);
	return buf;
}

static int fail(struct cursor *c, unsigned int line, const char *fmt, ...)
{
	char where[300];
	va_list ap;
	int n;

	n = snprintf(c->err, c->errlen, "%s",
		     cfg_where(where, sizeof(where), c->file, line));
	if (n < 0 || (size_t)n >= c->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

/* A byte as a message shows it: printable as is, else \xNN. */
static const char *show_byte(char buf[8], unsigned char ch)
{
	if (isprint(ch))
		snprintf(buf, 8, "%c", ch);
	else
		snprintf(buf, 8, "\\x%02x", ch);
	return buf;
}

/* Blanks and a comment; stops at a newline (which ends a statement). */
static void skip_blanks(struct cursor *c)
{
	while (c->p < c->end) {
		if (*c->p == ' ' || *c->p == '\t' || *c->p == '\r') {
			c->p++;
		} else if (*c->p == '#') {
			while (c->p < c->end && *c->p != '\n')
				c->p++;
		} else {
			break;
		}
	}
}

/* Blanks, comments and newlines: inside a list. */
static void skip_space(struct cursor *c)
{
	for (;;) {
		skip_blanks(c);
		if (c->p >= c->end || *c->p != '\n')
			return;
		c->p++;
		c->line += c->line != 0;	/* the command line has none */
	}
}

static bool is_word_byte(unsigned char ch)
{
	return ch > ' ' && ch < 0x7f && !strchr("=[],;#\"'", ch);
}

static bool is_key(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static char *dup_range(const char *a, const char *b)
{
	char *s = malloc(b - a + 1);

	if (s) {
		memcpy(s, a, b - a);
		s[b - a] = '\0';
	}
	return s;
}

static void val_free(struct cfgval *v)
{
	unsigned int i;

	free(v->text);
	for (i = 0; i < v->nr_items; i++)
		val_free(&v->items[i]);
	free(v->items);
	memset(v, 0, sizeof(*v));
}

static int hex_digit(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* One escape after a backslash; returns the byte, or -1. */
static int unescape(struct cursor *c)
{
	static const char from[] = "abfnrtv\\\"'";
	static const char to[] = "\a\b\f\n\r\t\v\\\"'";
	const char *hit;
	int v = 0, n, d;

	if (c->p >= c->end)
		return -1;
	if (*c->p == 'x') {
		c->p++;
		for (n = 0; n < 2 && c->p < c->end &&
		     (d = hex_digit((unsigned char)*c->p)) >= 0; n++, c->p++)
			v = v * 16 + d;
		return n ? v : -1;
	}
	if (*c->p >= '0' && *c->p <= '7') {
		for (n = 0; n < 3 && c->p < c->end && *c->p >= '0' &&
		     *c->p <= '7'; n++, c->p++)
			v = v * 8 + (*c->p - '0');
		return v <= 0xff ? v : -1;
	}
	hit = *c->p ? strchr(from, *c->p) : NULL;
	if (!hit)
		return -1;
	c->p++;
	return (unsigned char)to[hit - from];
}

static int parse_string(struct cursor *c, const char *key, struct cfgval *v)
{
	char quote = *c->p++;
	char out[VMCFG_STRING_MAX + 1];
	size_t n = 0;
	int ch;

	while (c->p < c->end && *c->p != quote) {
		ch = (unsigned char)*c->p++;
		if (ch == '\n')
			return fail(c, c->line, "%s: string not closed with %c "
				    "before the end of the line", key, quote);
		if (ch == '\\') {
			ch = unescape(c);
			if (ch < 0)
				return fail(c, c->line, "%s: bad escape in a "
					    "string", key);
		}
		if (ch == '\0')
			return fail(c, c->line, "%s: a string may not hold a "
				    "NUL byte", key);
		if (n == VMCFG_STRING_MAX)
			return fail(c, c->line, "%s: string longer than %u "
				    "bytes", key, VMCFG_STRING_MAX);
		out[n++] = (char)ch;
	}
	if (c->p >= c->end)
		return fail(c, c->line, "%s: string not closed with %c", key,
			    quote);
	c->p++;
	v->kind = CFGVAL_STRING;
	v->text = dup_range(out, out + n);
	return v->text ? 0 : fail(c, c->line, "%s: out of memory", key);
}

/* Decimal or 0x hexadecimal; anything else stays a word. */
static void classify_word(struct cfgval *v)
{
	const char *s = v->text;
	int base = 10, d;
	uint64_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2]) {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		d = hex_digit((unsigned char)*s);
		if (d < 0 || d >= base)
			return;
		if (n > (UINT64_MAX - d) / base)
			v->overflow = true;
		n = n * base + d;
	}
	v->kind = CFGVAL_NUMBER;
	v->num = v->overflow ? 0 : n;
}

static int parse_word(struct cursor *c, const char *key, struct cfgval *v)
{
	const char *start = c->p;
	char b[8];

	while (c->p < c->end && is_word_byte((unsigned char)*c->p))
		c->p++;
	if (c->p == start)
		return fail(c, c->line, "%s: unexpected '%s' where a value "
			    "should be", key, show_byte(b, *c->p));
	if (c->p - start > VMCFG_STRING_MAX)
		return fail(c, c->line, "%s: value longer than %u bytes", key,
			    VMCFG_STRING_MAX);
	v->kind = CFGVAL_WORD;
	v->text = dup_range(start, c->p);
	if (!v->text)
		return fail(c, c->line, "%s: out of memory", key);
	classify_word(v);
	return 0;
}

static int parse_atom(struct cursor *c, const char *key, struct cfgval *v)
{
	if (c->p >= c->end || *c->p == '\n' || *c->p == ';')
		return fail(c, c->line, "%s: missing value", key);
	if (*c->p == '"' || *c->p == '\'')
		return parse_string(c, key, v);
	if (*c->p == '[')
		return fail(c, c->line, "%s: lists cannot be nested", key);
	return parse_word(c, key, v);
}

static int list_add(struct cursor *c, const char *key, struct cfgval *list,
		    unsigned int first_line)
{
	struct cfgval *items;

	if (list->nr_items == VMCFG_LIST_MAX)
		return fail(c, first_line, "%s: more than %u items in the list",
			    key, VMCFG_LIST_MAX);
	items = realloc(list->items, (list->nr_items + 1) * sizeof(*items));
	if (!items)
		return fail(c, first_line, "%s: out of memory", key);
	list->items = items;
	memset(&items[list->nr_items], 0, sizeof(*items));
	if (parse_atom(c, key, &items[list->nr_items]))
		return -1;
	list->nr_items++;
	return 0;
}

static int parse_list(struct cursor *c, const char *key, struct cfgval *v)
{
	unsigned int first = c->line;

	c->p++;
	v->kind = CFGVAL_LIST;
	for (;;) {
		skip_space(c);
		if (c->p >= c->end)
			return fail(c, first, "%s: list not closed with ']'",
				    key);
		if (*c->p == ']')
			break;
		if (list_add(c, key, v, first))
			return -1;
		skip_space(c);
		if (c->p < c->end && *c->p == ',')
			c->p++;
		else if (c->p < c->end && *c->p != ']')
			return fail(c, c->line, "%s: expected ',' or ']' in the "
				    "list", key);
	}
	c->p++;
	return 0;
}

static int parse_value(struct cursor *c, const char *key, struct cfgval *v)
{
	if (c->p < c->end && *c->p == '[')
		return parse_list(c, key, v);
	return parse_atom(c, key, v);
}

/* The end of a statement: newline, ';' or the end of the text. */
static int parse_end(struct cursor *c, const char *key)
{
	char b[8];

	skip_blanks(c);
	if (c->p >= c->end)
		return 0;
	if (*c->p == ';' || *c->p == '\n')
		return 0;
	return fail(c, c->line, "%s: unexpected '%s' after the value", key,
		    show_byte(b, *c->p));
}

static int parse_key(struct cursor *c, char *key, size_t len)
{
	const char *start = c->p;
	char b[8];

	while (c->p < c->end && is_word_byte((unsigned char)*c->p))
		c->p++;
	if (c->p == start)
		return fail(c, c->line, "syntax error: expected a key, found "
			    "'%s'", show_byte(b, *c->p));
	if ((size_t)(c->p - start) >= len)
		return fail(c, c->line, "syntax error: key too long");
	memcpy(key, start, c->p - start);
	key[c->p - start] = '\0';
	if (!is_key(key))
		return fail(c, c->line, "syntax error: '%s' is not a key "
			    "(letters, digits and _)", key);
	skip_blanks(c);
	if (c->p >= c->end || *c->p != '=')
		return fail(c, c->line, "%s: expected '=' after the key", key);
	c->p++;
	skip_blanks(c);
	return 0;
}

static int parse_statement(struct cursor *c, cfg_stmt_fn *fn, void *arg)
{
	struct cfgval v = { .kind = CFGVAL_WORD };
	unsigned int line = c->line;
	char key[64];
	int rc;

	if (parse_key(c, key, sizeof(key)))
		return -1;
	rc = parse_value(c, key, &v);
	if (!rc)
		rc = parse_end(c, key);
	if (!rc)
		rc = fn(arg, key, &v, line);
	val_free(&v);
	return rc;
}

int cfg_syntax_parse(const char *file, const char *text, size_t len,
		     cfg_stmt_fn *fn, void *arg, char *err, size_t errlen)
{
	struct cursor c = {
		.p = text, .end = text + len, .line = file ? 1 : 0,
		.file = file ? file : "command line", .err = err,
		.errlen = errlen,
	};

	if (len > VMCFG_TEXT_MAX)
		return fail(&c, 0, "larger than %u bytes", VMCFG_TEXT_MAX);
	if (memchr(text, '\0', len))
		return fail(&c, 0, "holds a NUL byte: not a text file");
	for (;;) {
		skip_blanks(&c);
		if (c.p >= c.end)
			return 0;
		if (*c.p == '\n' || *c.p == ';') {
			c.line += *c.p == '\n' && c.line;
			c.p++;
			continue;
		}
		if (parse_statement(&c, fn, arg))
			return -1;
	}
}
