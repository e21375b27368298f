/*
 * The error sentence of each thread's last failure. It is the library's
 * only mutable state that outlives a call, and it is thread-local, so a
 * handle shared between threads never mixes up their messages.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define VMCTL_ERROR_MAX	512

static _Thread_local char last_error[VMCTL_ERROR_MAX];

const char *vmctl_last_error(void)
{
	return last_error;
}

int vmctl_fail(int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return rc;
}

const char *vmctl_strerror(int err, char *buf, size_t size)
{
	/* GNU strerror_r: returns the text, maybe not in buf. */
	return strerror_r(err < 0 ? -err : err, buf, size);
}
