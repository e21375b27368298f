/* Xen's pvclock arithmetic: TSC ticks to nanoseconds as a guest computes
 * them from vcpu_time_info (common/pvclock_scale.c; host-tested). */
#ifndef UMBRA_PVCLOCK_SCALE_H
#define UMBRA_PVCLOCK_SCALE_H

#include <stdint.h>

struct pvclock_scale {
	uint32_t mul;		/* tsc_to_system_mul */
	int8_t shift;		/* tsc_shift */
};

/* The scale for a TSC of hz ticks a second ({0, 0} for 0): the rate is
 * shifted into (1e9, 2e9] so that mul = 1e9 * 2^32 / rate fits 32 bits,
 * as Xen's set_time_scale does. */
struct pvclock_scale pvclock_scale_for(uint64_t hz);
/* ns of ticks: shifted by s.shift, times s.mul / 2^32. */
uint64_t pvclock_scale_ticks(uint64_t ticks, struct pvclock_scale s);

/* The time of day (ns since 1970) at TSC value tsc, for a TSC of hz
 * ticks a second that read boot_tsc when the time of day was boot_ns:
 * before boot_tsc as well as after (a PV domain's system time 0 is TSC
 * 0, before the clock was read); never before 1970. */
uint64_t pvclock_wallclock_at(uint64_t boot_ns, uint64_t boot_tsc, uint64_t tsc, uint64_t hz);

#endif
