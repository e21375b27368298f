/* The arithmetic of the one-shot scheduler timer: see
 * umbra/sched_timer_rule.h. Plain logic, host-tested. */
#include <umbra/sched_timer_rule.h>

uint64_t sched_timer_tsc_for(uint64_t now_tsc, uint64_t now_ns, uint64_t dl_ns,
			     uint64_t tsc_khz)
{
	uint64_t left;

	if (!dl_ns)
		return UINT64_MAX;
	if (dl_ns <= now_ns)
		return now_tsc;
	left = dl_ns - now_ns;
	if (left > SCHED_TIMER_HORIZON_NS)
		left = SCHED_TIMER_HORIZON_NS;
	/* A second's worth of ns times a TSC rate in kHz fits in 64 bits
	 * for any rate below ~18 THz. */
	return now_tsc + (left * tsc_khz + 999999) / 1000000;
}

uint64_t sched_timer_next_at(uint64_t now, uint64_t tick, uint64_t slice,
			     bool contended, uint64_t timers_next)
{
	uint64_t at = now + (contended ? tick : slice);

	return timers_next < at ? timers_next : at;
}
