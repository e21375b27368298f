/*
 * minios: the console ring (consring.c), a PV guest's console as dom0's
 * console back end serves it: start_info's console.domU page and port.
 * Needs shared_info_map() and events_init() first (it waits for events).
 */
#ifndef MINIOS_CONSRING_H
#define MINIOS_CONSRING_H

#include <stddef.h>
#include <public/xen.h>

/* Map the ring page named by start_info; 0, or -1 when start_info names
 * no console ring (a boot module domain has none) or the mapping fails. */
int consring_init(const struct start_info *si);
/* Write all of s (waiting while the ring is full), then notify; 0, or -1
 * with no ring or when the back end does not drain it. */
int consring_write(const char *s, size_t len);
int consring_puts(const char *s);
/* The next non-empty typed line, without its end (CR or LF), cut to
 * max - 1 characters; waits as long as it takes. */
void consring_read_line(char *line, size_t max);

#endif
