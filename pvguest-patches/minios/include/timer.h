/*
 * minios: time and sleeping (timer.c). now() is the domain's system time
 * in ns as Xen's pvclock gives it: vCPU 0's vcpu_time_info in shared_info
 * read by clock_read() (clock.h). A sleep sets the one-shot timer
 * (set_timer_op) to the deadline and blocks (SCHEDOP_block) until
 * VIRQ_TIMER, bound through the event helpers, has come and now() has
 * reached it. Needs shared_info_map() and events_init() first.
 */
#ifndef MINIOS_TIMER_H
#define MINIOS_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define NSEC_PER_MSEC	1000000ULL

/* Bind VIRQ_TIMER on vCPU 0; 0, or the failing hypercall's result. */
long timer_init(void);
/* The port VIRQ_TIMER was bound to (0 before timer_init). */
uint32_t timer_port(void);
/* Whether the hypervisor has published a time record (a scale factor). */
bool timer_clock_running(void);
/* The domain's system time in ns (0 while no record is published). */
uint64_t timer_now(void);
/* Block until now() >= deadline. 0; -1 with no clock, no VIRQ_TIMER or
 * when the deadline does not come within a bounded number of wake-ups. */
int timer_sleep_until(uint64_t deadline);
int timer_sleep(uint64_t ns);
/* VIRQ_TIMER events the sleeps took. */
unsigned int timer_wakeups(void);

#endif
