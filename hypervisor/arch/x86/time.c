/* Calibrate the TSC and the LAPIC timer against PIT channel 2, which runs
 * at a fixed 1.193182 MHz on every PC (and in QEMU). Under an emulator on
 * a loaded host the virtual CPU is descheduled inside many windows, which
 * then read far too many TSC ticks (2,520 MHz for a 2,096 MHz TSC was seen
 * with a single window; over half the windows of a boot can be stretched).
 * So each window also measures how far off it may be, and only narrow
 * windows that agree with one another count. */
#include <asm/apic.h>
#include <asm/pit.h>
#include <asm/time.h>
#include <asm/x86.h>
#include <umbra/consensus.h>
#include <umbra/printk.h>

#define CALIBRATE_MS	2	/* one window */
#define CALIBRATE_WINDOWS 9
#define CALIBRATE_ROUNDS 10	/* sets of windows before settling for less */
#define CALIBRATE_MAX_ERR_PERMILLE 5	/* bracket width a window may have */
#define CALIBRATE_TOL_PCT 1	/* windows this close to the median agree */

uint64_t tsc_khz;
uint64_t apic_timer_khz;

/* TSC ticks in one PIT window of CALIBRATE_MS, as the midpoints of the
 * TSC readings that bracket its start and its end, and the width of those
 * brackets (*err): a virtual CPU descheduled while it polls shows as a
 * wide bracket, never as a plausible-looking wrong figure. */
static void measure_window(struct calib_sample *w)
{
	uint16_t count = (uint16_t)(PIT_HZ * CALIBRATE_MS / 1000);
	uint64_t s0, s1, low, high;

	outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01);
	outb(PIT_CMD, 0xb0);	/* channel 2, lobyte/hibyte, mode 0 */
	outb(PIT_CH2, count & 0xff);
	s0 = rdtsc();
	outb(PIT_CH2, count >> 8);	/* the count starts here */
	s1 = rdtsc();
	high = s1;
	do {
		low = high;
		high = rdtsc();
	} while (!(inb(PIT_GATE) & 0x20));
	high = rdtsc();
	w->ticks = (low + high) / 2 - (s0 + s1) / 2;
	w->err = (high - low) + (s1 - s0);
}

/* The TSC rate from windows whose brackets are narrow and that agree,
 * measuring again (up to CALIBRATE_ROUNDS) while there are too few of
 * them; the APIC timer rate from its ticks against the TSC's over the
 * whole calibration. */
void time_calibrate(void)
{
	struct calib_sample w[CALIBRATE_WINDOWS];
	uint64_t t = 0, tsc0, tsc1;
	uint32_t apic0, apic1;
	unsigned int round, i, used = 0;

	apic_timer_oneshot_max();
	tsc0 = rdtsc();
	apic0 = apic_timer_current();
	for (round = 0; round < CALIBRATE_ROUNDS && !t; round++) {
		for (i = 0; i < CALIBRATE_WINDOWS; i++)
			measure_window(&w[i]);
		t = calib_estimate(w, CALIBRATE_WINDOWS, CALIBRATE_MAX_ERR_PERMILLE,
				   CALIBRATE_TOL_PCT, &used);
	}
	tsc1 = rdtsc();
	apic1 = apic_timer_current();
	if (!t) {
		t = calib_fallback(w, CALIBRATE_WINDOWS);
		pr_warn("time: no %u calibration windows agree after %u rounds; "
			"using the narrowest\n", CALIB_MIN_AGREE, CALIBRATE_ROUNDS);
	}
	tsc_khz = t / CALIBRATE_MS;
	apic_timer_khz = tsc_khz * (uint64_t)(apic0 - apic1) / (tsc1 - tsc0);
	pr_info("tsc: %llu MHz (%u of %u windows of %u ms in round %u)\n",
		(unsigned long long)((tsc_khz + 500) / 1000), used, CALIBRATE_WINDOWS,
		CALIBRATE_MS, round);
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
