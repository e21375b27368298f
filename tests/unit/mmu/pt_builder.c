/* Hand-built page tables for tests; see pt_builder.h. */
#include <stddef.h>

#include "mmu/pte.h"
#include "tests/unit/mmu/pt_builder.h"

uint64_t *ptb_entry(struct ptb *b, uint64_t va, int level)
{
	uint64_t table = b->root;
	int l;

	for (l = 4; l > level; l--) {
		uint64_t e = b->ptr(b->ctx, table)[pt_index(va, l)];

		if (!(e & PTE_P) || (e & PTE_PS))
			return NULL;
		table = pte_addr(e);
	}
	return &b->ptr(b->ctx, table)[pt_index(va, level)];
}

void ptb_map(struct ptb *b, uint64_t va, uint64_t pa, int leaf_level,
	     uint64_t upper, uint64_t leaf_flags)
{
	uint64_t table = b->root;
	int l;

	for (l = 4; l > leaf_level; l--) {
		uint64_t *e = &b->ptr(b->ctx, table)[pt_index(va, l)];
		uint64_t next = pte_addr(*e);

		if (!(*e & PTE_P) || (*e & PTE_PS) || !next)
			next = b->alloc(b->ctx);
		*e = next | upper;
		table = next;
	}
	b->ptr(b->ctx, table)[pt_index(va, leaf_level)] =
		pa | leaf_flags | (leaf_level > 1 ? PTE_PS : 0);
}
