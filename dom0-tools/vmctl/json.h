/* JSON output for vmctl list --json: strings escaped as RFC 8259 asks. */
#ifndef VMCTL_JSON_H
#define VMCTL_JSON_H

#include <stddef.h>
#include <stdio.h>

/* s as a quoted JSON string, at most max bytes of it (a name field need
 * not be NUL-terminated); control bytes and non-ASCII as \u00XX. */
void json_string(FILE *f, const char *s, size_t max);

#endif
