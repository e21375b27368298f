#ifndef TIMER_GUEST_H
#define TIMER_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#define NS_PER_MS	1000000ULL

void timer_result(bool ok, const char *what, uint64_t ms, uint64_t elapsed_ns,
		  const char *why);
void timer_check(bool ok, const char *what);
void irq_case(uint64_t slack_ms);

#endif
