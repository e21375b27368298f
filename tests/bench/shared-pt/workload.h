/* A synthetic guest kernel's page-table workload, run unchanged against
 * two paging back ends (shared-pt and mmu/'s classic shadow engine):
 * boot a kernel half shared by every process, create a 64 MiB process,
 * fork it into N address spaces, switch between them, mprotect, munmap,
 * touching memory as processes do. The back end decides what an entry
 * holds, how the guest's writes reach its tables and what a context
 * switch or a memory access costs. */
#ifndef SPT_BENCH_WORKLOAD_H
#define SPT_BENCH_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/pte.h"

struct backend {
	const char *name;
	void *ctx;
	/* Leaf entry for guest page `pfn`. */
	pte_t (*leaf)(void *ctx, uint64_t pfn, pte_t flags);
	/* Directory entry naming the guest table at `pfn`. */
	pte_t (*dir)(void *ctx, uint64_t pfn, pte_t flags);
	/* The guest stores `val` into entry `index` of its table at `pfn`. */
	void (*write)(void *ctx, uint64_t table_pfn, unsigned int index,
		      pte_t val);
	/* The guest reads its own table (allowed in every scheme). */
	pte_t (*read)(void *ctx, uint64_t table_pfn, unsigned int index);
	/* Paravirtual rule: the guest may not map its live page tables
	 * writable, so its kernel direct map must show them read-only. */
	bool readonly_tables;
	/* End of a group of entry changes: the guest flushes its TLB. */
	void (*flush)(void *ctx);
	/* Load the address space rooted at `l4_pfn` (MOV CR3 / baseptr). */
	void (*activate)(void *ctx, uint64_t l4_pfn);
	/* A read of `va` in the current address space: the machine address
	 * the access reaches. */
	uint64_t (*touch)(void *ctx, uint64_t va);
	/* Counters: hypervisor interventions, table pages the hypervisor
	 * touched, hypervisor-held page-table memory in bytes. */
	uint64_t (*interventions)(void *ctx);
	uint64_t (*pages_touched)(void *ctx);
	uint64_t (*pt_bytes)(void *ctx);
};

struct workload_config {
	unsigned int spaces;		/* address spaces (parent + forks) */
	unsigned int switch_rounds;
};

struct workload_result {
	uint64_t ops;			/* guest operations issued */
	uint64_t interventions;
	uint64_t switches;		/* context switches between live spaces */
	uint64_t switch_pages;		/* table pages touched by them */
	uint64_t pt_bytes_peak;
	uint64_t translation_sum;	/* digest of every (va, maddr) touched */
};

/* Guest pseudo-physical layout the back ends must back with memory. */
#define WL_POOL_PAGES	1024	/* page-table pages, pfn 0.. */
#define WL_KDATA_PAGES	2048	/* kernel data, 8 MiB */
#define WL_USER_PAGES	16384	/* one process's 64 MiB */
#define WL_GUEST_PAGES	(WL_POOL_PAGES + WL_KDATA_PAGES + WL_USER_PAGES)

#define WL_USER_VA	0x0000000040000000ULL
#define WL_KERNEL_VA	0xffff880000000000ULL	/* L4 slot 272 */
#define WL_DIRECT_VA	(WL_KERNEL_VA + 8 * 1024 * 1024)

#define WL_MAX_SPACES	16

/* Returns 0, or -1 if the workload could not run (out of guest pages). */
int workload_run(const struct backend *be, const struct workload_config *cfg,
		 struct workload_result *r);

#endif
