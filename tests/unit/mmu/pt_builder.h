/* Builds x86-64 page tables by hand for tests, in any address space the
 * test chooses (machine memory, guest-physical memory, ...). */
#ifndef TESTS_MMU_PT_BUILDER_H
#define TESTS_MMU_PT_BUILDER_H

#include <stdint.h>

struct ptb {
	uint64_t *(*ptr)(void *ctx, uint64_t table_addr);	/* table's entries */
	uint64_t (*alloc)(void *ctx);		/* address of a new zeroed table */
	void *ctx;
	uint64_t root;
};

/* The entry for va at `level`, or NULL if a table on the way is missing. */
uint64_t *ptb_entry(struct ptb *b, uint64_t va, int level);

/* Map va to pa with a leaf at `leaf_level` (PS added for 2 and 3).
 * Missing tables are created; every upper entry on the path is set to
 * its table address | upper (existing tables are kept). */
void ptb_map(struct ptb *b, uint64_t va, uint64_t pa, int leaf_level,
	     uint64_t upper, uint64_t leaf_flags);

#endif
