/* Differential model of the shadow engine: a small guest (address spaces,
 * a kernel direct map of its page tables, user mappings of every size)
 * runs a random sequence of operations — map, unmap, change permissions,
 * write any page-table entry, switch CR3, INVLPG, change paging mode,
 * change the p2m, access memory as user or supervisor for read, write or
 * fetch — twice: on the shadow engine (acting as the processor: walk the
 * shadow, take hidden faults, emulate page-table writes) and on a model
 * that walks its own copy of the guest tables with the reference walker
 * plus the p2m. After every step the outcomes (machine address, injected
 * error code, p2m fault) and the accessed/dirty bits the walks left must
 * agree; the engine's audit runs regularly and at the end, when the
 * whole of guest memory is compared too.
 *
 * The random choices come from a seed (unit test) or from bytes (the
 * libFuzzer target), through the same code. */
#ifndef TESTS_MMU_SHADOW_MODEL_H
#define TESTS_MMU_SHADOW_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "mmu/shadow.h"

struct model;

/* Outcome classes, for coverage reporting. */
enum model_outcome {
	MO_ALLOWED, MO_EMULATE_PT_WRITE, MO_EMULATE, MO_P2M_FAULT,
	MO_PF_NOT_PRESENT, MO_PF_PROTECTION, MO_PF_RSVD, MO_PF_PK, MO_PF_FETCH,
	MO_COUNT
};

struct model_totals {
	uint64_t sequences, steps, accesses;
	uint64_t outcome[MO_COUNT];
	struct shadow_counters engine;	/* summed over sequences */
	uint64_t large_leaves, split_pages;	/* seen in the shadow at audits */
};

struct model *model_create(void);
void model_destroy(struct model *m);

/* One sequence of `steps` operations. Choices come from `seed`, or, when
 * data is not NULL, from the bytes data[0..len) (the sequence ends when
 * they run out). 0 if engine and model agreed; otherwise -1 and
 * model_error() says where and how. */
int model_run(struct model *m, uint64_t seed, const uint8_t *data, size_t len, int steps);
const char *model_error(const struct model *m);
const struct model_totals *model_totals(const struct model *m);

#endif
