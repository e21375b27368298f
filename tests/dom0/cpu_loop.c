/*
 * cpu_loop N: N million steps of a CPU-bound loop (an LCG: no memory
 * traffic, no system calls), timed with CLOCK_MONOTONIC; prints
 * "cpu_loop: N Msteps in MS ms". make bench-dom0 runs it in dom0 under
 * Umbra and on the bare machine, for dom0_cpu_loop_vs_native.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	uint64_t steps = (argc > 1 ? strtoull(argv[1], NULL, 0) : 100) * 1000000u;
	volatile uint64_t sink;
	uint64_t x = 1, t0 = now_ns();

	for (uint64_t i = 0; i < steps; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	sink = x;
	(void)sink;
	printf("cpu_loop: %" PRIu64 " Msteps in %" PRIu64 " ms\n", steps / 1000000u,
	       (now_ns() - t0) / 1000000u);
	return 0;
}
