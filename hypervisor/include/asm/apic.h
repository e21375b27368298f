/* Local APIC: x2APIC through MSRs when the CPU has it, else xAPIC MMIO. */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <stdbool.h>
#include <stdint.h>

void apic_init_this_cpu(void);
uint32_t apic_id(void);
bool apic_is_x2apic(void);
void apic_eoi(void);
void apic_send_init(uint32_t dest);
void apic_send_ipi(uint32_t dest, uint8_t vector);
void apic_send_startup(uint32_t dest, uint8_t vector_page);
/* Program the timer to fire every period_us microseconds on this CPU. */
void apic_timer_start_periodic(uint32_t period_us);
/* Current count, for calibration (counts down from the initial count). */
void apic_timer_oneshot_max(void);
uint32_t apic_timer_current(void);

#endif
