/* What the console may print (hypervisor/common/log_escape.c).
 *
 * Names, command lines and guest text reach log lines through %s; a
 * terminal must never see their control bytes (an escape sequence could
 * clear the screen or forge a line). Every byte outside printable ASCII
 * becomes "\xNN", except a tab and a newline that ends the line: one
 * printed message is at most one line. Pure logic: also built for host
 * tests. */
#ifndef UMBRA_LOG_ESCAPE_H
#define UMBRA_LOG_ESCAPE_H

#include <stddef.h>

/* Escapes in[0..n) into out (size bytes, no NUL added) and returns the
 * length written. When out is too small the text is cut before an escape,
 * never inside one, and a final newline of in is kept. */
size_t log_escape(char *out, size_t size, const char *in, size_t n);

#endif
