/*
 * compute: busy loops until a fixed guest time, then reports how much
 * work it got done. Guest time counts from domain creation (the guest
 * TSC starts near zero then), not from the guest's first instruction, so
 * a guest the scheduler kept waiting starts late and gets less done.
 *   ms=N        run until guest time N ms (default 1000)
 *   for=N       instead, run N ms from the guest's own start, so that a
 *               guest started late on a loaded host still gets work done
 *   from=A      count iterations only from guest time A ms ...
 *   to=B        ... to guest time B ms (default: the whole run)
 * For the fairness test two of these share one pCPU and count over a
 * window that starts after both exist and ends before either stops, so
 * that the few milliseconds between their creations do not count.
 */
#include <public/sched.h>

#include "io.h"
#include "runtime.h"

const char guest_name[] = "compute";

#define STEPS_PER_ITERATION	1024

/* A block of LCG steps: cheap, no memory traffic, not foldable. */
static uint64_t iteration(uint64_t x)
{
	unsigned int i;

	for (i = 0; i < STEPS_PER_ITERATION; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	return x;
}

int guest_main(const struct hvm_start_info *si)
{
	uint64_t khz = guest_tsc_khz();
	uint64_t ms = guest_option_u64("ms=", 1000), run_for = guest_option_u64("for=", 0);
	uint64_t from, to, now, end, count_from, count_to, iters = 0, counted = 0, x = 1;

	(void)si;
	if (!khz) {
		con_puts("compute: no TSC frequency from the hypervisor\n");
		return SHUTDOWN_crash;
	}
	now = rdtsc();
	if (run_for)
		ms = tsc_to_ns(now) / 1000000 + run_for;
	from = guest_option_u64("from=", 0);
	to = guest_option_u64("to=", ms);
	end = ms * khz;
	count_from = from * khz;
	count_to = to * khz;
	con_printf("compute: started at %lu ms, running until %lu ms, counting %lu-%lu ms\n",
		   (unsigned long)(tsc_to_ns(now) / 1000000), (unsigned long)ms,
		   (unsigned long)from, (unsigned long)to);
	for (; now < end; now = rdtsc()) {
		x = iteration(x);
		iters++;
		counted += now >= count_from && now < count_to;
	}
	con_printf("compute: %lu iterations, %lu counted (result %#lx)\n",
		   (unsigned long)iters, (unsigned long)counted, (unsigned long)x);
	return SHUTDOWN_poweroff;
}
