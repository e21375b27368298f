/* Local APIC: x2APIC through MSRs when the CPU has it, else xAPIC MMIO. */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <stdbool.h>
#include <stdint.h>

/* Register offsets in the xAPIC page (x2APIC: MSR 0x800 + offset / 16). */
#define APIC_ID		0x020
#define APIC_LVR	0x030
#define APIC_TPR	0x080
#define APIC_APR	0x090
#define APIC_PPR	0x0a0
#define APIC_EOI	0x0b0
#define APIC_LDR	0x0d0
#define APIC_DFR	0x0e0
#define APIC_SVR	0x0f0
#define APIC_ISR	0x100	/* 8 registers, 16 bytes apart */
#define APIC_TMR	0x180
#define APIC_IRR	0x200
#define APIC_ESR	0x280
#define APIC_ICR_LO	0x300
#define APIC_ICR_HI	0x310
#define APIC_LVT_TIMER	0x320	/* then thermal, PMC, LINT0, LINT1, error */
#define APIC_LVT_ERROR	0x370
#define APIC_TIMER_INIT	0x380
#define APIC_TIMER_CUR	0x390
#define APIC_TIMER_DIV	0x3e0

/* Where devices write message-signalled interrupts (destination APIC ID
 * in address bits 19:12, delivery mode and vector in the data). */
#define APIC_MSI_WINDOW		0xfee00000ULL
#define APIC_MSI_WINDOW_SIZE	0x100000ULL

/* SVR, LVT and ESR bits */
#define APIC_SVR_ENABLE		(1u << 8)
#define APIC_LVT_MASKED		(1u << 16)
#define APIC_LVT_PERIODIC	(1u << 17)
#define APIC_ESR_SEND_ILLEGAL	(1u << 5)
#define APIC_ESR_RECV_ILLEGAL	(1u << 6)

/* ICR fields */
#define APIC_ICR_VECTOR_MASK	0xffu
#define APIC_ICR_MODE_SHIFT	8	/* delivery mode, 3 bits */
#define APIC_ICR_MODE_MASK	(7u << APIC_ICR_MODE_SHIFT)
#define APIC_DM_FIXED		0
#define APIC_DM_LOWEST		1
#define APIC_DM_NMI		4
#define APIC_DM_INIT		5
#define APIC_DM_STARTUP		6
#define APIC_ICR_LOGICAL	(1u << 11)
#define APIC_ICR_BUSY		(1u << 12)	/* delivery status: send pending */
#define APIC_ICR_ASSERT		(1u << 14)	/* level: assert (INIT de-assert: clear) */
#define APIC_ICR_LEVEL		(1u << 15)	/* trigger mode: level */
#define APIC_ICR_SHORTHAND_SHIFT 18	/* 0 none, 1 self, 2 all, 3 all but self */
#define APIC_ICR_SHORTHAND_MASK	(3u << APIC_ICR_SHORTHAND_SHIFT)
#define APIC_SH_NONE		0
#define APIC_SH_SELF		1
#define APIC_SH_ALL		2
#define APIC_SH_OTHERS		3
#define APIC_ICR_DEST_SHIFT	24	/* in ICR_HI (xAPIC) */
#define APIC_DEST_BROADCAST	0xffu	/* physical destination: every CPU */

void apic_init_this_cpu(void);
uint32_t apic_id(void);
bool apic_is_x2apic(void);
void apic_eoi(void);
/* This CPU's registers by xAPIC offset (dom0's intercepted writes), and
 * the xAPIC page's machine address (0 in x2APIC mode). */
uint32_t apic_reg_read(uint32_t reg);
void apic_reg_write(uint32_t reg, uint32_t val);
uint64_t apic_mmio_phys(void);
void apic_send_init(uint32_t dest);
void apic_send_ipi(uint32_t dest, uint8_t vector);
/* An NMI to one CPU, physical destination. */
void apic_send_nmi(uint32_t dest);
/* Any ICR low word (no shorthand) to one CPU by physical destination. */
void apic_send_icr(uint32_t dest, uint32_t icr);
/* A fixed IPI to this CPU, by shorthand (no destination register written). */
void apic_send_self_ipi(uint8_t vector);
void apic_send_startup(uint32_t dest, uint8_t vector_page);
/* Program the timer to fire every period_us microseconds on this CPU. */
void apic_timer_start_periodic(uint32_t period_us);
/* One-shot mode (the scheduler's): no interrupt until the first
 * apic_timer_fire_in(), then one interrupt tsc_delta TSC ticks later
 * (at least one APIC count; capped at a second). */
void apic_timer_start_oneshot(void);
void apic_timer_fire_in(uint64_t tsc_delta);
/* Current count, for calibration (counts down from the initial count). */
void apic_timer_oneshot_max(void);
uint32_t apic_timer_current(void);

#endif
