/* TSC and LAPIC timer calibrated against the PIT at boot. */
#ifndef ASM_TIME_H
#define ASM_TIME_H

#include <stdint.h>

extern uint64_t tsc_khz;
extern uint64_t apic_timer_khz;	/* LAPIC timer ticks per ms at divide 1 */

void time_calibrate(void);
void udelay(uint64_t us);
uint64_t tsc_to_ns(uint64_t tsc);

/* The time of day at boot from the CMOS clock (arch/x86/rtc.c): ns since
 * 1970 at TSC value boot_wallclock_tsc; 0 if the clock was unusable. */
extern uint64_t boot_wallclock_ns;
extern uint64_t boot_wallclock_tsc;
void rtc_init(void);

#endif
