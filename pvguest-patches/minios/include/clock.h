/*
 * minios: reading time (clock.c). A vcpu_time_info gives system time as
 *   system_time + scale(TSC - tsc_timestamp)
 * (version odd while the hypervisor writes it: read again). Xen's time
 * leaf (CPUID 0x40000103, sub-leaf 0, ECX) gives the TSC's rate in kHz,
 * so a guest can check the record against its own TSC.
 */
#ifndef MINIOS_CLOCK_H
#define MINIOS_CLOCK_H

#include <stdint.h>
#include <public/xen.h>

uint64_t clock_rdtsc(void);
/* System time in ns from record t; the TSC value it was computed from
 * in *tsc when tsc is not NULL. */
uint64_t clock_read(const volatile struct vcpu_time_info *t, uint64_t *tsc);
/* The TSC's rate (kHz) from Xen's time leaf; ns of TSC ticks at it. */
uint32_t clock_tsc_khz(void);
uint64_t clock_tsc_ns(uint64_t ticks, uint32_t khz);

#endif
