/* Calibrate the TSC and the LAPIC timer against PIT channel 2, which runs
 * at a fixed 1.193182 MHz on every PC (and in QEMU). */
#include <asm/apic.h>
#include <asm/time.h>
#include <asm/x86.h>

#define PIT_HZ		1193182ULL
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_GATE	0x61	/* bit 0: ch2 gate, bit 1: speaker, bit 5: out */
#define CALIBRATE_MS	10

uint64_t tsc_khz;
uint64_t apic_timer_khz;

void time_calibrate(void)
{
	uint16_t count = (uint16_t)(PIT_HZ * CALIBRATE_MS / 1000);
	uint64_t t0, t1;
	uint32_t a0, a1;

	outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01);
	outb(PIT_CMD, 0xb0);	/* channel 2, lobyte/hibyte, mode 0 */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	apic_timer_oneshot_max();
	t0 = rdtsc();
	a0 = apic_timer_current();
	while (!(inb(PIT_GATE) & 0x20))
		cpu_relax();
	t1 = rdtsc();
	a1 = apic_timer_current();
	tsc_khz = (t1 - t0) / CALIBRATE_MS;
	apic_timer_khz = (uint64_t)(a0 - a1) / CALIBRATE_MS;
}

void udelay(uint64_t us)
{
	uint64_t end = rdtsc() + us * tsc_khz / 1000;

	while (rdtsc() < end)
		cpu_relax();
}

uint64_t tsc_to_ns(uint64_t tsc)
{
	/* Split so that tsc * 10^6 cannot overflow after long uptimes. */
	if (!tsc_khz)
		return 0;
	return tsc / tsc_khz * 1000000 + tsc % tsc_khz * 1000000 / tsc_khz;
}
