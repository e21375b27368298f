/* TSC and LAPIC timer calibrated against the PIT at boot. */
#ifndef ASM_TIME_H
#define ASM_TIME_H

#include <stdint.h>

extern uint64_t tsc_khz;
extern uint64_t apic_timer_khz;	/* LAPIC timer ticks per ms at divide 1 */

void time_calibrate(void);
void udelay(uint64_t us);
uint64_t tsc_to_ns(uint64_t tsc);

#endif
