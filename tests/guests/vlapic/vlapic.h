#ifndef VLAPIC_GUEST_H
#define VLAPIC_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#define APIC_PAGE	0xfee00000UL
#define NS_PER_MS	1000000ULL

static inline uint32_t apic_rd(unsigned int off)
{
	return *(volatile uint32_t *)(APIC_PAGE + off);
}

static inline void apic_wr(unsigned int off, uint32_t val)
{
	*(volatile uint32_t *)(APIC_PAGE + off) = val;
}

void check(bool ok, const char *what, uint64_t got);
void hostile_cases(void);
void ipi_case(void);
void sipi_case(void);
/* Interrupts taken per vector, and the last order. */
extern volatile uint32_t irq_count[256];

#endif
