/* Local APIC access, timer and IPIs. */
#include <asm/apic.h>
#include <asm/layout.h>
#include <asm/msr.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <asm/percpu.h>
#include <asm/x86.h>
#include <umbra/hot.h>
#include <umbra/sched.h>

#define ICR_INIT	0x00004500u	/* INIT, level assert */
#define ICR_STARTUP	0x00004600u
#define ICR_TO_SELF	(1u << 18)	/* destination shorthand: self */
#define TIMER_DIV_1	0xb

static bool x2apic;
static volatile uint32_t *xapic_mmio;

bool apic_is_x2apic(void)
{
	return x2apic;
}

static uint32_t apic_read(uint32_t reg)
{
	if (x2apic)
		return (uint32_t)rdmsr(MSR_X2APIC_FIRST + (reg >> 4));
	return xapic_mmio[reg / 4];
}

static void apic_write(uint32_t reg, uint32_t val)
{
	if (x2apic)
		wrmsr(MSR_X2APIC_FIRST + (reg >> 4), val);
	else
		xapic_mmio[reg / 4] = val;
}

uint32_t apic_reg_read(uint32_t reg)
{
	return apic_read(reg);
}

__exit_handler void apic_reg_write(uint32_t reg, uint32_t val)
{
	apic_write(reg, val);
}

uint64_t apic_mmio_phys(void)
{
	return x2apic ? 0 : rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR_MASK;
}

uint32_t apic_id(void)
{
	return x2apic ? apic_read(APIC_ID) : apic_read(APIC_ID) >> 24;
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

static void timer_interrupt(struct cpu_regs *regs)
{
	(void)regs;
	this_cpu()->timer_ticks++;
	apic_eoi();
	sched_tick();
}

/* A kick: it makes the CPU leave the guest, and the timer pCPU look at
 * a vCPU timer armed elsewhere that falls before its next interrupt. */
static void kick_interrupt(struct cpu_regs *regs)
{
	(void)regs;
	apic_eoi();
	sched_timer_kicked();
}

static void spurious_interrupt(struct cpu_regs *regs)
{
	(void)regs;	/* no EOI for spurious vectors */
}

void apic_init_this_cpu(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	/*
	 * Keep the mode the firmware left: dom0 drives its CPUs' APICs as
	 * xAPICs through a filtered page, and the architecture wants every
	 * CPU in one mode, so Umbra never switches to x2APIC itself.
	 */
	x2apic = base & APIC_BASE_X2APIC;
	base |= APIC_BASE_ENABLE;
	wrmsr(MSR_APIC_BASE, base);
	xapic_mmio = phys_to_virt(base & APIC_BASE_ADDR_MASK);

	apic_write(APIC_TPR, 0);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	apic_write(APIC_SVR, APIC_SVR_ENABLE | VECTOR_SPURIOUS);
	set_irq_handler(VECTOR_TIMER, timer_interrupt);
	set_irq_handler(VECTOR_SPURIOUS, spurious_interrupt);
	set_irq_handler(VECTOR_IPI, kick_interrupt);
}

void apic_send_icr(uint32_t dest, uint32_t icr)
{
	if (x2apic) {
		wrmsr(MSR_X2APIC_ICR, ((uint64_t)dest << 32) | icr);
		return;
	}
	apic_write(APIC_ICR_HI, dest << 24);
	apic_write(APIC_ICR_LO, icr);
	for (int i = 0; i < 1000000 && (apic_read(APIC_ICR_LO) & APIC_ICR_BUSY); i++)
		cpu_relax();
}

void apic_send_init(uint32_t dest)
{
	apic_send_icr(dest, ICR_INIT);
}

void apic_send_startup(uint32_t dest, uint8_t vector_page)
{
	apic_send_icr(dest, ICR_STARTUP | vector_page);
}

void apic_send_nmi(uint32_t dest)
{
	apic_send_icr(dest, APIC_DM_NMI << APIC_ICR_MODE_SHIFT);
}

void apic_send_ipi(uint32_t dest, uint8_t vector)
{
	apic_send_icr(dest, vector);	/* fixed delivery, physical destination */
}

/* The shorthand needs no destination: in xAPIC mode ICR_HI, which the
 * guest that drives this APIC may have written and not yet used, is left
 * as it is. */
void apic_send_self_ipi(uint8_t vector)
{
	if (x2apic) {
		wrmsr(MSR_X2APIC_ICR, ICR_TO_SELF | vector);
		return;
	}
	apic_write(APIC_ICR_LO, ICR_TO_SELF | vector);
	for (int i = 0; i < 1000000 && (apic_read(APIC_ICR_LO) & APIC_ICR_BUSY); i++)
		cpu_relax();
}

void apic_timer_oneshot_max(void)
{
	apic_write(APIC_TIMER_DIV, TIMER_DIV_1);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	apic_write(APIC_TIMER_INIT, 0xffffffffu);
}

uint32_t apic_timer_current(void)
{
	return apic_read(APIC_TIMER_CUR);
}

void apic_timer_start_oneshot(void)
{
	apic_write(APIC_TIMER_DIV, TIMER_DIV_1);
	apic_write(APIC_LVT_TIMER, VECTOR_TIMER);	/* one-shot mode */
}

void apic_timer_fire_in(uint64_t tsc_delta)
{
	uint64_t count;

	/* Capped first: a second of TSC ticks times the APIC's rate fits. */
	if (tsc_delta > tsc_khz * 1000)
		tsc_delta = tsc_khz * 1000;
	count = tsc_khz ? tsc_delta * apic_timer_khz / tsc_khz : 1;
	if (!count)
		count = 1;
	apic_write(APIC_TIMER_INIT, count > 0xffffffffu ? 0xffffffffu : (uint32_t)count);
}

void apic_timer_start_periodic(uint32_t period_us)
{
	uint64_t count = apic_timer_khz * period_us / 1000;

	apic_write(APIC_TIMER_DIV, TIMER_DIV_1);
	apic_write(APIC_LVT_TIMER, APIC_LVT_PERIODIC | VECTOR_TIMER);
	apic_write(APIC_TIMER_INIT, count ? (uint32_t)count : 1);
}
