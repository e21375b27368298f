/* Xen-style command-line options (hypervisor/common/cmdline.c).
 *
 * A module declares its options next to the variables they set:
 *
 *	static bool opt_exit_on_ready;
 *	param_bool("exit_on_ready", opt_exit_on_ready);
 *
 * Each macro places a struct param in the ELF section "umbra_params";
 * the linker script (and GNU ld itself, for host tests) brackets it with
 * __start_umbra_params / __stop_umbra_params, which cmdline_parse() walks.
 *
 * Syntax: options separated by blanks; "name", "name=value", "no-name".
 *   bool    "name" or "name=" sets true; "name=<b>" where <b> is one of
 *           1/0 yes/no true/false on/off enable/disable; "no-name" sets
 *           false and "no-name=<b>" sets the opposite of <b> (as in Xen).
 *   uint    decimal or 0x-prefixed hex; must fit the variable (1, 2, 4 or
 *           8 bytes).
 *   size    a uint with an optional suffix T/G/M/K/B (any case) for TiB,
 *           GiB, MiB, KiB or bytes; no suffix means KiB, as Xen's
 *           parse_size_and_unit(); must fit the variable.
 *   string  copied with its NUL if it fits the char array; "name" alone
 *           sets the empty string.
 *   custom  the callback gets the value ("" for "name", "no" for
 *           "no-name") and returns 0 or -EINVAL.
 * Unknown options and bad values are reported and skipped, never fatal;
 * a bad value leaves the variable as it was. */
#ifndef UMBRA_CMDLINE_H
#define UMBRA_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "umbra/log_level.h"

/* Longest value a custom callback can be handed, with its NUL. */
#define CMDLINE_VALUE_MAX 256

enum param_type {
	PARAM_BOOL,
	PARAM_UINT,
	PARAM_SIZE,
	PARAM_STRING,
	PARAM_CUSTOM,
};

struct param {
	const char *name;
	void *var;			/* NULL for PARAM_CUSTOM */
	int (*parse)(const char *value);	/* PARAM_CUSTOM only */
	size_t size;			/* bytes of *var */
	enum param_type type;
};

#define __PARAM(id, _name, _type, _var, _parse, _size)			\
	static const struct param __umbra_param_##id			\
	__attribute__((used, section("umbra_params"), aligned(8))) = {	\
		.name = (_name), .var = (_var), .parse = (_parse),	\
		.size = (_size), .type = (_type),			\
	}

#define param_bool(name, var)						\
	_Static_assert(__builtin_types_compatible_p(__typeof__(var), bool), \
		       #var " must be a bool");				\
	__PARAM(var, name, PARAM_BOOL, &(var), NULL, sizeof(var))

#define __PARAM_INT_CHECK(var)						\
	_Static_assert((__typeof__(var))-1 > 0 &&			\
		       (sizeof(var) == 1 || sizeof(var) == 2 ||		\
			sizeof(var) == 4 || sizeof(var) == 8),		\
		       #var " must be an unsigned integer")

#define param_uint(name, var)						\
	__PARAM_INT_CHECK(var);						\
	__PARAM(var, name, PARAM_UINT, &(var), NULL, sizeof(var))

#define param_size(name, var)						\
	__PARAM_INT_CHECK(var);						\
	__PARAM(var, name, PARAM_SIZE, &(var), NULL, sizeof(var))

#define param_string(name, var)						\
	_Static_assert(!__builtin_types_compatible_p(__typeof__(var), char *) && \
		       sizeof(var) > 0, #var " must be a char array");	\
	__PARAM(var, name, PARAM_STRING, (var), NULL, sizeof(var))

#define param_custom(name, fn)						\
	__PARAM(fn, name, PARAM_CUSTOM, NULL, (fn), 0)

extern const struct param __start_umbra_params[], __stop_umbra_params[];

enum cmdline_problem {
	CMDLINE_UNKNOWN,	/* no option of that name */
	CMDLINE_BAD_VALUE,	/* malformed value, or "no-" on a non-boolean */
	CMDLINE_OUT_OF_RANGE,	/* a number too large for its variable */
	CMDLINE_MISSING_VALUE,	/* a number option without "=value" */
	CMDLINE_TOO_LONG,	/* a string longer than its buffer */
};

/* Told about each problem: the whole offending token, not NUL-terminated
 * (print it with "%.*s"). */
typedef void (*cmdline_report_fn)(void *ctx, enum cmdline_problem problem,
				  const char *token, size_t len);

/* Applies every option in cmdline (NULL is an empty line) to the params
 * in [start, end); every param of a matching name is set. report may be
 * NULL. Returns the number of problems. Not thread-safe (boot time). */
int cmdline_parse(const char *cmdline, const struct param *start,
		  const struct param *end, cmdline_report_fn report, void *ctx);

/* A size as options take it, "<n>[TGMKB]" (KiB without a suffix), from
 * [s, s+len): 0, -EINVAL or -ERANGE. For options with their own syntax. */
int cmdline_parse_size(const char *s, size_t len, uint64_t *out);

/* "unknown option", "malformed value", ... for messages. */
const char *cmdline_problem_str(enum cmdline_problem problem);

/* Xen's loglvl syntax "<level>[/<rate-limited level>]", levels none,
 * error, warning, info, debug, all. Without "/...", *ratelimited equals
 * *level; a rate-limited level below the level is raised to it. Returns
 * 0, or -EINVAL with both outputs untouched. */
int log_level_parse(const char *s, enum log_level *level,
		    enum log_level *ratelimited);
const char *log_level_name(enum log_level level);

#endif
