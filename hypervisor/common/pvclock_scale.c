/* TSC ticks to nanoseconds, the pvclock way (umbra/pvclock_scale.h). */
#include <umbra/pvclock_scale.h>

#define NS_PER_SEC	1000000000ULL

struct pvclock_scale pvclock_scale_for(uint64_t hz)
{
	uint64_t rate = hz;
	int shift = 0;

	if (!rate)
		return (struct pvclock_scale){ 0, 0 };
	while (rate > 2 * NS_PER_SEC) {
		rate >>= 1;
		shift--;
	}
	while (rate <= NS_PER_SEC) {
		rate <<= 1;
		shift++;
	}
	return (struct pvclock_scale){ (uint32_t)((NS_PER_SEC << 32) / rate), (int8_t)shift };
}

uint64_t pvclock_scale_ticks(uint64_t ticks, struct pvclock_scale s)
{
	ticks = s.shift < 0 ? ticks >> -s.shift : ticks << s.shift;
	return (uint64_t)(((unsigned __int128)ticks * s.mul) >> 32);
}

/* Whole seconds, then the rest: (ticks % hz) * 1e9 fits 64 bits for any
 * rate below 18 GHz. */
static uint64_t ticks_to_ns(uint64_t ticks, uint64_t hz)
{
	return ticks / hz * NS_PER_SEC + ticks % hz * NS_PER_SEC / hz;
}

uint64_t pvclock_wallclock_at(uint64_t boot_ns, uint64_t boot_tsc, uint64_t tsc, uint64_t hz)
{
	uint64_t back;

	if (!hz)
		return boot_ns;
	if (tsc >= boot_tsc)
		return boot_ns + ticks_to_ns(tsc - boot_tsc, hz);
	back = ticks_to_ns(boot_tsc - tsc, hz);
	return back < boot_ns ? boot_ns - back : 0;
}
