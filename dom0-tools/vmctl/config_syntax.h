/*
 * The grammar of xl.cfg files, apart from what the keys mean: statements
 * KEY = VALUE ended by a newline or ';', values that are numbers,
 * "double" or 'single' quoted strings (C escapes), bare words (which
 * each key judges) or [lists] of those that may span lines, and #
 * comments. config.c gives the statements their meaning.
 */
#ifndef VMCTL_CONFIG_SYNTAX_H
#define VMCTL_CONFIG_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cfgval_kind {
	CFGVAL_NUMBER,		/* 42, 0x2a */
	CFGVAL_STRING,		/* "text" or 'text' */
	CFGVAL_WORD,		/* anything else unquoted: pvh, -1, 64M */
	CFGVAL_LIST,		/* [ atoms ] */
};

struct cfgval {
	enum cfgval_kind kind;
	char *text;		/* atoms: the string, or the word as written */
	uint64_t num;		/* NUMBER: its value */
	bool overflow;		/* NUMBER: too large for 64 bits */
	struct cfgval *items;	/* LIST */
	unsigned int nr_items;
};

/*
 * Called for each statement; returns 0 to go on, or -1 to stop (having
 * written its own message). `line` is the key's line.
 */
typedef int cfg_stmt_fn(void *arg, const char *key, const struct cfgval *v,
			unsigned int line);

/*
 * Parse text; `file` and each line number prefix syntax errors, which go
 * into err. Returns 0, or -1 on a syntax error or when fn stopped.
 */
int cfg_syntax_parse(const char *file, const char *text, size_t len,
		     cfg_stmt_fn *fn, void *arg, char *err, size_t errlen);

/* "FILE:LINE: " (or "FILE: " for line 0) into buf; returns buf. */
const char *cfg_where(char *buf, size_t len, const char *file,
		      unsigned int line);

#endif
