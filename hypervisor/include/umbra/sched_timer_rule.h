/* The arithmetic of Umbra's one-shot scheduler timer (common/sched_timer.c),
 * apart from the hardware so that host unit tests can check it
 * (tests/unit/hv-common/test_sched_timer_rule.c). All times are TSC
 * values except the guest-time deadline and clock, in ns. */
#ifndef UMBRA_SCHED_TIMER_RULE_H
#define UMBRA_SCHED_TIMER_RULE_H

#include <stdbool.h>
#include <stdint.h>

/* How far ahead a deadline is ever looked at: the timer then looks again. */
#define SCHED_TIMER_HORIZON_NS	1000000000ull

/*
 * The TSC value at which a guest clock that reads now_ns at TSC value
 * now_tsc (one reading: tsc_to_ns(now_tsc + offset)) reaches dl_ns:
 * now_tsc if it already has, at most SCHED_TIMER_HORIZON_NS ahead, and
 * UINT64_MAX for dl_ns 0 (no deadline). Rounded up, so that the clock
 * read at the value returned is never short of the deadline (a timer
 * that fired a hair early would find nothing due and cost a second
 * interrupt).
 */
uint64_t sched_timer_tsc_for(uint64_t now_tsc, uint64_t now_ns, uint64_t dl_ns,
			     uint64_t tsc_khz);

/*
 * A pCPU's next interrupt, programmed at TSC value now: `tick` ahead if
 * it is contended (idle, or another vCPU waits for it: the slice is then
 * measured as finely as a periodic tick measured it), else `slice` ahead
 * (the vCPU alone there runs its slice out), and never after the
 * earliest vCPU timer the pCPU must fire (timers_next; UINT64_MAX: none).
 */
uint64_t sched_timer_next_at(uint64_t now, uint64_t tick, uint64_t slice,
			     bool contended, uint64_t timers_next);

#endif
