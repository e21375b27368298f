/*
 * exitbench: round-trip cost of an intercepted instruction, measured in
 * the guest with RDTSC: CPUID (always intercepted by Umbra) and a null
 * hypercall (xen_version(XENVER_version)), each the median of N samples.
 * Without a hypervisor the same CPUID loop runs natively, which gives the
 * reference for make bench-hvm's exit_vs_native_ratio.
 *   samples=N   samples per measurement (default 100000)
 */
#include <public/sched.h>
#include <public/version.h>

#include "hypercall.h"
#include "io.h"
#include "runtime.h"

const char guest_name[] = "exitbench";

#define PAGE_BYTES	4096

/* One contiguous array from the page pool (pages come out in order). */
static uint32_t *alloc_samples(uint64_t n)
{
	uint64_t pages = (n * sizeof(uint32_t) + PAGE_BYTES - 1) / PAGE_BYTES, i;
	uint32_t *first = page_alloc();

	for (i = 1; first && i < pages; i++)
		if (!page_alloc())
			return NULL;
	return first;
}

/* Quickselect: the k-th smallest of v[0..n), reordering v. */
static uint32_t select_kth(uint32_t *v, uint64_t n, uint64_t k)
{
	uint64_t lo = 0, hi = n - 1;

	while (lo < hi) {
		uint32_t pivot = v[lo + (hi - lo) / 2];
		uint64_t i = lo, j = hi;

		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				uint32_t t = v[i];

				v[i] = v[j];
				v[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return v[k];
	}
	return v[k];
}

static uint32_t median(uint32_t *v, uint64_t n)
{
	return select_kth(v, n, n / 2);
}

static uint32_t clamp32(uint64_t v)
{
	return v > 0xffffffffULL ? 0xffffffffu : (uint32_t)v;
}

static uint32_t measure_cpuid(uint32_t *s, uint64_t n)
{
	uint64_t i, t0;

	for (i = 0; i < n; i++) {
		t0 = rdtsc();
		cpuid(0, 0);
		s[i] = clamp32(rdtsc() - t0);
	}
	return median(s, n);
}

static uint32_t measure_hypercall(uint32_t *s, uint64_t n)
{
	uint64_t i, t0;

	for (i = 0; i < n; i++) {
		t0 = rdtsc();
		hv_xen_version(XENVER_version, NULL);
		s[i] = clamp32(rdtsc() - t0);
	}
	return median(s, n);
}

static uint32_t measure_rdtsc(uint32_t *s, uint64_t n)
{
	uint64_t i, t0;

	for (i = 0; i < n; i++) {
		t0 = rdtsc();
		s[i] = clamp32(rdtsc() - t0);
	}
	return median(s, n);
}

int guest_main(const struct hvm_start_info *si)
{
	uint64_t n = guest_option_u64("samples=", 100000);
	uint32_t *s = n ? alloc_samples(n) : NULL;

	(void)si;
	if (!s) {
		con_printf("exitbench: no memory for %lu samples\n", (unsigned long)n);
		return SHUTDOWN_crash;
	}
	con_printf("exitbench: samples %lu\n", (unsigned long)n);
	con_printf("exitbench: rdtsc_median_tsc %u\n", measure_rdtsc(s, n));
	con_printf("exitbench: cpuid_median_tsc %u\n", measure_cpuid(s, n));
	if (guest_hypervisor() != GUEST_HV_NONE)
		con_printf("exitbench: hypercall_median_tsc %u\n", measure_hypercall(s, n));
	return SHUTDOWN_poweroff;
}
