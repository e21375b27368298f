/*
 * pvhello's time checks: the records the domain builder publishes in
 * shared_info before the first instruction (Xen's PV ABI): vCPU 0's
 * vcpu_time_info and the wall clock, read as a guest reads them.
 */
#include "clock.h"
#include "minios.h"
#include "pvhello.h"

#define WC_2020		1577836800u	/* 2020-01-01: a clock that was read */
#define NS_PER_MS	1000000ULL
#define NS_PER_SEC	1000000000ULL

static uint64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

/* Two readings about 5 ms of TSC apart advance as the TSC did, and
 * reading after reading never goes back. */
static void check_advance(volatile struct vcpu_time_info *t, uint32_t khz)
{
	uint64_t tsc0, tsc1, ns0, ns1, last, back = 0;

	ns0 = clock_read(t, &tsc0);
	last = ns0;
	do {
		uint64_t now = clock_read(t, &tsc1);

		back += now < last;
		last = now;
	} while (tsc1 - tsc0 < (uint64_t)khz * 5);
	ns1 = clock_read(t, &tsc1);
	con_printf("pvhello: time: %lu ns over %lu TSC ticks\n", (unsigned long)(ns1 - ns0),
		   (unsigned long)(tsc1 - tsc0));
	expect(ns1 > ns0 && absdiff(ns1 - ns0, clock_tsc_ns(tsc1 - tsc0, khz)) < 10000,
	       "time: system time advances with the TSC (pvclock formula, within 10 us over 5 ms)");
	expect(!back, "time: system time never goes back");
}

static void check_wallclock(volatile struct shared_info *s, uint64_t now)
{
	uint64_t tod = s->wc_sec + (s->wc_nsec + now) / NS_PER_SEC;

	con_printf("pvhello: wall clock %u s %u ns at system time 0 (version %u)\n", s->wc_sec,
		   s->wc_nsec, s->wc_version);
	con_printf("pvhello: time of day %lu s\n", (unsigned long)tod);
	expect(s->wc_version && !(s->wc_version & 1), "time: wc_version written, even");
	expect(s->wc_sec >= WC_2020 && s->wc_nsec < NS_PER_SEC,
	       "time: the wall clock is set (after 2020, nsec below a second)");
}

void check_time(const struct start_info *si)
{
	volatile struct shared_info *s = shared_info_map(si);
	volatile struct vcpu_time_info *t;
	uint32_t khz = clock_tsc_khz();
	uint64_t now, tsc;

	expect(s != NULL, "time: shared_info mapped");
	if (!s)
		return;
	t = &s->vcpu_info[0].time;
	con_printf("pvhello: time record: version %u, mul %u, shift %d, flags %#x; TSC %u kHz\n",
		   t->version, t->tsc_to_system_mul, t->tsc_shift, t->flags, khz);
	expect(t->version && !(t->version & 1) && t->tsc_to_system_mul && khz,
	       "time: vcpu_info[0].time is published (version even, a multiplier)");
	if (!t->tsc_to_system_mul || !khz)
		return;
	now = clock_read(t, &tsc);
	expect(absdiff(now, clock_tsc_ns(tsc, khz)) < NS_PER_MS,
	       "time: system time is the TSC at the time leaf's rate, the clock of set_timer_op (< 1 ms)");
	check_advance(t, khz);
	check_wallclock(s, now);
}
