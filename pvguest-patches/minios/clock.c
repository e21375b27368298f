/* Time as a Xen PV guest reads it: the pvclock record of a vcpu_info
 * (clock.h), the TSC, and the TSC's rate from Xen's time leaf. */
#include "clock.h"

uint64_t clock_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* Shifted, then times mul / 2^32, as Xen's guests scale TSC ticks. */
static uint64_t scale(uint64_t ticks, uint32_t mul, int8_t shift)
{
	ticks = shift < 0 ? ticks >> -shift : ticks << shift;
	return (uint64_t)(((unsigned __int128)ticks * mul) >> 32);
}

uint64_t clock_read(const volatile struct vcpu_time_info *t, uint64_t *tsc)
{
	uint32_t ver;
	uint64_t ns, now;

	do {
		ver = t->version;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		now = clock_rdtsc();
		ns = t->system_time + scale(now - t->tsc_timestamp, t->tsc_to_system_mul,
					    t->tsc_shift);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	} while ((ver & 1) || ver != t->version);
	if (tsc)
		*tsc = now;
	return ns;
}

/* Xen's forced-emulation CPUID: the hypervisor's leaves, not the CPU's. */
uint32_t clock_tsc_khz(void)
{
	uint32_t a = 0x40000103, b, c = 0, d;

	__asm__ volatile("ud2; .ascii \"xen\"; cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return c;
}

uint64_t clock_tsc_ns(uint64_t ticks, uint32_t khz)
{
	return khz ? ticks / khz * 1000000 + ticks % khz * 1000000 / khz : 0;
}
