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

#endif
