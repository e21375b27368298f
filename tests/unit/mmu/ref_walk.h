/* A reference x86-64 page walker for property tests, written apart from
 * mmu/walk.c and as plainly as possible: collect the entries, then apply
 * the SDM's rules sentence by sentence. Slow and obvious on purpose. */
#ifndef TESTS_MMU_REF_WALK_H
#define TESTS_MMU_REF_WALK_H

#include <stdbool.h>
#include <stdint.h>

struct ref_cpu {
	bool wp, smep, smap, pke, nxe;
	bool gbpages;		/* 1 GiB pages supported */
	unsigned int maxphyaddr;
	uint32_t pkru;
};

struct ref_access {
	bool write, fetch, user, implicit, ac;
};

enum ref_outcome { REF_OK, REF_PAGE_FAULT, REF_NO_TABLE, REF_NOT_CANONICAL };

struct ref_result {
	enum ref_outcome outcome;
	uint64_t addr;		/* OK: physical address */
	int level;		/* OK: leaf level; otherwise where the walk stopped */
	uint32_t error_code;	/* PAGE_FAULT */
	uint64_t bad_table;	/* NO_TABLE */
	uint64_t entry_addr[5];	/* [level]: address of the entry read there, or 0 */
};

/* read_table returns the 512 entries at a table address, or NULL. */
typedef uint64_t *(*ref_read_table)(void *ctx, uint64_t addr);

void ref_walk(const struct ref_cpu *cpu, ref_read_table read, void *ctx,
	      uint64_t cr3, uint64_t va, struct ref_access acc, bool set_ad,
	      struct ref_result *out);

#endif
