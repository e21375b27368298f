/* Formatted output into a buffer (hypervisor/common/vsnprintf.c).
 *
 * ISO C semantics: the return value is the length the full output would
 * have, excluding the NUL; the buffer always receives a NUL when size > 0.
 * A result longer than INT_MAX returns -EOVERFLOW.
 *
 * Conversions: d i u x X o p s c %, flags - 0 + space #, width and
 * precision (also as *), length modifiers hh h l ll z t j. No floating
 * point. %p prints like %#lx, and "(nil)" for NULL (as glibc does);
 * %s of NULL prints "(null)" (cut by a precision like any string). An
 * unknown conversion is copied to the output as written. */
#ifndef UMBRA_VSNPRINTF_H
#define UMBRA_VSNPRINTF_H

#include <stdarg.h>
#include <stddef.h>

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
