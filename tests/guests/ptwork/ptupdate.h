/*
 * How ops.c and verify.c change and read entries and wait for changes.
 * A PV kernel on shared page tables may queue its changes (pvptwork's
 * pt.h defines PT_BATCHED_UPDATES and these three, as Linux's lazy MMU
 * mode does); everywhere else an entry is plain memory:
 *   pt_queue(e, val)  the change was queued (true) or must be stored
 *   pt_get(e)         the entry as the queued changes leave it
 *   pt_sync(all)      issue the queue: all of it, or (before a memory
 *                     access) only if it holds what the access depends on
 */
#ifndef PTWORK_PTUPDATE_H
#define PTWORK_PTUPDATE_H

#include <stdbool.h>
#include <stdint.h>
#include "pt.h"

#ifndef PT_BATCHED_UPDATES
static inline bool pt_queue(uint64_t *e, uint64_t val)
{
	(void)e;
	(void)val;
	return false;
}

static inline uint64_t pt_get(const uint64_t *e)
{
	return *(const volatile uint64_t *)e;
}

static inline void pt_sync(bool all)
{
	(void)all;
}
#endif

#endif
