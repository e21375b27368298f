/* A token bucket for messages (hypervisor/common/ratelimit.c): up to
 * burst at once, refilled at per_sec a second; what it refuses is counted
 * and handed back when a message passes again, at most once a second (so
 * that the counts do not become a flood of their own), and the log can
 * say how many were lost. Time is the caller's clock in ticks (ticks_per_sec, at
 * most 2^40; burst and per_sec at most 2^20, so no product overflows);
 * a clock that goes back refills the bucket.
 * Pure logic, not locked: also built for host tests. A zero-filled
 * struct ratelimit is a full bucket. */
#ifndef UMBRA_RATELIMIT_H
#define UMBRA_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ratelimit_params {
	uint32_t burst;			/* bucket size, 1 to 2^20 */
	uint32_t per_sec;		/* refill rate, 1 to 2^20 */
};

struct ratelimit {
	bool started;			/* last and tokens are meaningful */
	uint32_t tokens;
	uint64_t last;			/* when tokens were last counted */
	uint64_t suppressed;		/* refused, not yet handed back */
	bool reported;			/* reported_at is meaningful */
	uint64_t reported_at;		/* when a count was last handed back */
};

/* May a message go out at time now? On true, *lifted is the number
 * refused and not yet handed back (to be reported first), or 0 if one
 * was handed back less than a second ago. */
bool ratelimit_allow(struct ratelimit *rl, const struct ratelimit_params *p,
		     uint64_t now, uint64_t ticks_per_sec, uint64_t *lifted);

/* The refused count not yet reported, reset to 0: for when no further
 * message will come (the domain stopped). */
uint64_t ratelimit_take_suppressed(struct ratelimit *rl);

#endif
