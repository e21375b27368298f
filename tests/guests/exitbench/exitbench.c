/*
 * exitbench: round-trip cost of intercepted instructions, measured in the
 * guest with RDTSC, each the median of N samples: CPUID (always
 * intercepted by Umbra), a null hypercall (xen_version(XENVER_version)),
 * RDMSR of EFER and IN from COM1's line status register (the MSR and port
 * kinds a Linux dom0 exits on: EFER, and its probes of the UART Umbra
 * keeps). Without a hypervisor the same loops run natively, which gives
 * make bench-hvm's exit_vs_native_ratio.
 *
 * On the test build each has a floor twin (public/exit_floor.h): the same
 * instruction on a leaf, number, MSR or port that the VMRUN loop answers
 * right after #VMEXIT. Real and floor loops are interleaved in ROUNDS
 * chunks, with CR0.WP clear and then set in each round (QEMU's costs
 * differ), so load on the host hits both alike.
 *   samples=N   samples per measurement (default 100000)
 *   rounds=R    chunks the samples are taken in (default 10)
 */
#include <public/exit_floor.h>
#include <public/sched.h>
#include <public/version.h>

#include "cpu.h"
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

#define COM1_LSR	0x3fd

/* One timed loop per instruction: the body is all that differs. */
#define TIMED_LOOP(name, body)						\
static void name(uint32_t *s, uint64_t from, uint64_t to)		\
{									\
	for (uint64_t i = from; i < to; i++) {				\
		uint64_t t0 = rdtsc();					\
		body;							\
		s[i] = clamp32(rdtsc() - t0);				\
	}								\
}

TIMED_LOOP(time_rdtsc, (void)0)
TIMED_LOOP(time_cpuid, cpuid(0, 0))
TIMED_LOOP(time_cpuid_floor, cpuid(EXIT_FLOOR_CPUID_LEAF, 0))
TIMED_LOOP(time_hypercall, hv_xen_version(XENVER_version, NULL))
TIMED_LOOP(time_hypercall_floor, hypercall2(EXIT_FLOOR_HYPERCALL, 0, 0))
TIMED_LOOP(time_rdmsr, rdmsr(MSR_EFER))
TIMED_LOOP(time_rdmsr_floor, rdmsr(EXIT_FLOOR_MSR))
TIMED_LOOP(time_inb, inb(COM1_LSR))
TIMED_LOOP(time_inb_floor, inb(EXIT_FLOOR_PORT))

typedef void (*timed_loop)(uint32_t *s, uint64_t from, uint64_t to);

struct metric {
	const char *name;
	timed_loop loop;
	bool hv_only;		/* needs a hypervisor */
	bool floor;		/* needs the test build's floor */
};

static const struct metric metrics[] = {
	{ "rdtsc", time_rdtsc, false, false },
	{ "cpuid", time_cpuid, false, false },
	{ "cpuid_floor", time_cpuid_floor, true, true },
	{ "hypercall", time_hypercall, true, false },
	{ "hypercall_floor", time_hypercall_floor, true, true },
	{ "rdmsr", time_rdmsr, false, false },
	{ "rdmsr_floor", time_rdmsr_floor, true, true },
	{ "inb", time_inb, false, false },
	{ "inb_floor", time_inb_floor, true, true },
};
#define NR_METRICS	(sizeof(metrics) / sizeof(metrics[0]))

static bool metric_runs(const struct metric *m, bool hv, bool floor)
{
	return (!m->hv_only || hv) && (!m->floor || floor);
}

static void set_wp(bool on)
{
	uint64_t cr0 = read_cr0();

	write_cr0(on ? cr0 | CR0_WP : cr0 & ~(uint64_t)CR0_WP);
}

int guest_main(const struct hvm_start_info *si)
{
	uint64_t n = guest_option_u64("samples=", 100000);
	uint64_t rounds = guest_option_u64("rounds=", 10);
	bool hv = guest_hypervisor() != GUEST_HV_NONE;
	bool floor = hv && cpuid(EXIT_FLOOR_CPUID_LEAF, 0).eax == EXIT_FLOOR_SIGNATURE;
	bool wp0 = read_cr0() & CR0_WP;
	uint32_t *s[2][NR_METRICS];

	(void)si;
	if (!rounds || rounds > n)
		rounds = 1;
	for (unsigned int w = 0; w < 2; w++)
		for (unsigned int m = 0; m < NR_METRICS; m++)
			if (!n || !(s[w][m] = alloc_samples(n))) {
				con_printf("exitbench: no memory for %lu samples\n",
					   (unsigned long)n);
				return SHUTDOWN_crash;
			}
	con_printf("exitbench: samples %lu rounds %lu floor %s\n", (unsigned long)n,
		   (unsigned long)rounds, floor ? "yes" : "no");
	for (uint64_t r = 0; r < rounds; r++) {
		uint64_t from = n * r / rounds, to = n * (r + 1) / rounds;

		for (unsigned int w = 0; w < 2; w++) {
			set_wp(w);
			for (unsigned int m = 0; m < NR_METRICS; m++)
				if (metric_runs(&metrics[m], hv, floor))
					metrics[m].loop(s[w][m], from, to);
		}
	}
	set_wp(wp0);
	for (unsigned int w = 0; w < 2; w++)
		for (unsigned int m = 0; m < NR_METRICS; m++)
			if (metric_runs(&metrics[m], hv, floor))
				con_printf("exitbench: wp%u %s_median_tsc %u\n", w,
					   metrics[m].name, median(s[w][m], n));
	return SHUTDOWN_poweroff;
}
