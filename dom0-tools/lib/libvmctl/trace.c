/*
 * $VMCTL_TRACE for the steps of loading a kernel that make no management
 * call (reading a file, unpacking it, laying out the image): one line
 * each on stderr, `vmctl-trace: t=START phase=NAME bytes=N us=TOOK`, on
 * the same CLOCK_MONOTONIC microseconds as the call lines (handle.c), so
 * one traced create shows where its time goes, step by step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "internal.h"

double vmctl_trace_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

double vmctl_phase_start(void)
{
	return getenv("VMCTL_TRACE") ? vmctl_trace_now() : 0;
}

void vmctl_phase_end(double t0, const char *phase, uint64_t bytes)
{
	if (t0)
		fprintf(stderr, "vmctl-trace: t=%.0f phase=%s bytes=%llu us=%.0f\n", t0, phase,
			(unsigned long long)bytes, vmctl_trace_now() - t0);
}
