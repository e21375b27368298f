/*
 * log-flood (named only): what a guest would do to drown the hypervisor's
 * log: msrs=N (default 3000) reads of an MSR that does not exist, as
 * many writes of the hypercall-page MSR, each of which the hypervisor
 * notes in its log, and as many long console lines. Each read must still
 * raise #GP and each write still install the page: limiting the log must
 * not change what the guest sees.
 */
#include <public/arch-x86/cpuid.h>

#include "hostile.h"
#include "runtime.h"

#define MSR_UNKNOWN	0xc001dead
#define CONSOLE_REFILL_NS 1500000000ULL	/* 1.5 s: over a second's worth of lines */

static uint8_t hcpage[4096] __attribute__((aligned(4096)));

static void rdmsr_unknown(void *p)
{
	uint32_t lo, hi;

	(void)p;
	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_UNKNOWN));
}

static void wrmsr_hcpage(void *p)
{
	uint64_t v = (uint64_t)(uintptr_t)p;

	__asm__ __volatile__("wrmsr" : : "c"(XEN_HYPERCALL_MSR), "a"((uint32_t)v),
			     "d"((uint32_t)(v >> 32)) : "memory");
}

void attack_log_flood(void)
{
	uint64_t n = guest_option_u64("msrs=", 3000), gp = 0, written = 0;
	struct trap_record rec;

	for (uint64_t i = 0; i < n; i++) {
		if (trap_catch(rdmsr_unknown, NULL, &rec) && rec.vector == TRAP_GP)
			gp++;
		hcpage[0] = 0;
		if (!trap_catch(wrmsr_hcpage, hcpage, &rec) && hcpage[0] == 0xb8)
			written++;
		con_printf("hostile: log-flood line %lu: the quick brown fox jumps over the lazy dog\n",
			   (unsigned long)i);
	}
	expected.msr_unhandled += n;
	/* The hypervisor rightly drops console lines past its rate: wait
	 * until the limit has refilled, or the verdict below (which the
	 * suite reads) goes with the flood. */
	for (uint64_t until = guest_time_ns() + CONSOLE_REFILL_NS; guest_time_ns() < until;)
		__asm__ __volatile__("pause");
	con_printf("hostile: log-flood: %lu unknown-MSR reads, %lu hypercall-page writes\n",
		   (unsigned long)n, (unsigned long)n);
	check_that("every unknown-MSR read raised #GP", gp == n, gp);
	check_that("every hypercall-page write installed the page", written == n, written);
}
