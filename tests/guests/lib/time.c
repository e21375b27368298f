/*
 * Guest time: the TSC, scaled by the frequency the hypervisor reports in
 * Xen's time leaf (base + 3, ECX in kHz). This is the clock set_timer_op
 * deadlines are written in.
 */
#include <public/arch-x86/cpuid.h>

#include "io.h"
#include "runtime.h"

uint64_t guest_tsc_khz(void)
{
	static uint64_t khz;
	uint32_t base;

	if (!khz) {
		base = guest_xen_cpuid_base();
		if (base)
			khz = cpuid(base + XEN_CPUID_LEAF_TIME, 0).ecx;
	}
	return khz;
}

/* Split so that neither product overflows 64 bits for any TSC value. */
uint64_t tsc_to_ns(uint64_t tsc)
{
	uint64_t khz = guest_tsc_khz();

	if (!khz)
		return 0;
	return tsc / khz * 1000000 + tsc % khz * 1000000 / khz;
}

uint64_t ns_to_tsc(uint64_t ns)
{
	uint64_t khz = guest_tsc_khz();

	return ns / 1000000 * khz + ns % 1000000 * khz / 1000000;
}

uint64_t guest_time_ns(void)
{
	return tsc_to_ns(rdtsc());
}
