/* Token-bucket message rate limit (see umbra/ratelimit.h). */
#include <umbra/ratelimit.h>

/* Add the tokens earned since rl->last. last advances only by the time
 * the added tokens took, so no fraction of a token is lost between calls;
 * a full bucket forgets the time. */
static void refill(struct ratelimit *rl, const struct ratelimit_params *p,
		   uint64_t now, uint64_t ticks_per_sec)
{
	uint64_t elapsed, want, earned;

	if (!rl->started || now < rl->last) {
		rl->started = true;
		rl->tokens = p->burst;
		rl->last = now;
		return;
	}
	if (rl->tokens > p->burst)
		rl->tokens = p->burst;
	elapsed = now - rl->last;
	want = p->burst - rl->tokens;
	/* Checked by division first: elapsed * per_sec may not fit. */
	if (elapsed / ticks_per_sec >= want / p->per_sec + 1) {
		rl->tokens = p->burst;
		rl->last = now;
		return;
	}
	earned = elapsed * p->per_sec / ticks_per_sec;
	if (earned >= want) {
		rl->tokens = p->burst;
		rl->last = now;
		return;
	}
	rl->tokens += (uint32_t)earned;
	rl->last += earned * ticks_per_sec / p->per_sec;
}

bool ratelimit_allow(struct ratelimit *rl, const struct ratelimit_params *p,
		     uint64_t now, uint64_t ticks_per_sec, uint64_t *lifted)
{
	refill(rl, p, now, ticks_per_sec);
	if (!rl->tokens) {
		rl->suppressed++;
		return false;
	}
	rl->tokens--;
	*lifted = 0;
	if (rl->suppressed && (!rl->reported || now - rl->reported_at >= ticks_per_sec)) {
		rl->reported = true;
		rl->reported_at = now;
		*lifted = ratelimit_take_suppressed(rl);
	}
	return true;
}

uint64_t ratelimit_take_suppressed(struct ratelimit *rl)
{
	uint64_t n = rl->suppressed;

	rl->suppressed = 0;
	return n;
}
