/*
 * pvbench: the null hypercall (xen_version(XENVER_version)) through the
 * PV hypercall page (SYSCALL into Umbra, IRET back, no world switch),
 * timed with RDTSC in the guest: ROUNDS rounds of SAMPLES calls each,
 * the median of the rounds' per-call means, for make bench-pv beside the
 * HVM exitbench guest's VMMCALL round trip in the same boot.
 * Options: samples=N (per round, default 2000), rounds=R (default 15).
 */
#include <public/sched.h>
#include <public/version.h>
#include "hypercall.h"
#include "minios.h"

const char guest_name[] = "pvbench";

#define MAX_ROUNDS	64

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t median(uint64_t *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

int guest_main(const struct start_info *si)
{
	unsigned int samples = (unsigned int)guest_option_u64("samples=", 2000);
	unsigned int rounds = (unsigned int)guest_option_u64("rounds=", 15);
	uint64_t per_call[MAX_ROUNDS];

	(void)si;
	if (!samples || !rounds || rounds > MAX_ROUNDS) {
		con_puts("pvbench: bad samples= or rounds=\n");
		return SHUTDOWN_crash;
	}
	for (unsigned int r = 0; r < rounds; r++) {
		uint64_t t0 = rdtsc();

		for (unsigned int i = 0; i < samples; i++)
			hv_xen_version(XENVER_version, NULL);
		per_call[r] = (rdtsc() - t0) / samples;
	}
	con_printf("pvbench: hypercall_median_tsc %lu\n", (unsigned long)median(per_call, rounds));
	return SHUTDOWN_poweroff;
}
